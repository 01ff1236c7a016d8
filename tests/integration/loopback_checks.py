"""What the Python integration tests share: verdicts, waits with a deadline
that does not depend on the machine's speed, throwaway TLS certificates, and
a main() that runs cases by name. Loopback only."""
import hashlib
import os
import ssl
import subprocess
import sys
import tempfile
import time

HOST = "127.0.0.1"
DEADLINE_S = 60  # for any one wait; generous for sanitizer builds on a busy machine


class Failure(Exception):
    pass


def check(condition, what):
    if not condition:
        raise Failure(what)


def eventually(predicate, what):
    end = time.monotonic() + DEADLINE_S
    while not predicate():
        if time.monotonic() > end:
            raise Failure(f"timed out waiting for {what}")
        time.sleep(0.02)


def make_certificate(directory, name, common_name="localhost"):
    """A self-signed EC certificate and key; returns (cert, key) paths."""
    cert = os.path.join(directory, f"{name}.crt")
    key = os.path.join(directory, f"{name}.key")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
         "-keyout", key, "-out", cert, "-days", "2", "-subj", f"/CN={common_name}",
         "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
        check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return cert, key


def der_sha256(cert_path):
    with open(cert_path) as f:
        return hashlib.sha256(ssl.PEM_cert_to_DER_cert(f.read())).hexdigest()


def client_context(trust=None, client_cert=None, max_version=None):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    if trust:
        ctx.load_verify_locations(trust)
    else:
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    if client_cert:
        ctx.load_cert_chain(*client_cert)
    if max_version:
        ctx.minimum_version = ssl.TLSVersion.MINIMUM_SUPPORTED
        ctx.maximum_version = max_version
        ctx.set_ciphers("ALL:@SECLEVEL=0")
    return ctx


def run_cases(doc, cases, temp_prefix, default_names=None):
    """main() of a script taking CHAT_SERVER [case ...]: runs the cases named,
    or default_names (every case when None), each in a temporary directory of
    its own, and returns the exit status: 0 when every case passed."""
    if len(sys.argv) < 2:
        print(doc, file=sys.stderr)
        return 2
    binary = sys.argv[1]
    names = sys.argv[2:] or list(default_names if default_names is not None else cases)
    unknown = [n for n in names if n not in cases]
    if unknown:
        print(f"unknown case(s) {unknown}; cases: {', '.join(cases)}", file=sys.stderr)
        return 2
    failed = []
    for name in names:
        with tempfile.TemporaryDirectory(prefix=temp_prefix) as d:
            started = time.monotonic()
            try:
                cases[name](binary, d)
                print(f"ok: {name} ({time.monotonic() - started:.1f} s)", flush=True)
            except Failure as e:
                print(f"FAIL: {name}: {e}", file=sys.stderr, flush=True)
                failed.append(name)
            except (OSError, ValueError, KeyError, IndexError, AttributeError) as e:
                # Not a verdict the case reached: a crash of the test itself or
                # an answer it could not parse. Reported, and the next case runs.
                print(f"FAIL: {name}: {type(e).__name__}: {e}", file=sys.stderr, flush=True)
                failed.append(name)
    return 1 if failed else 0
