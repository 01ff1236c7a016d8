#!/usr/bin/env python3
"""TLS as a user meets it: real handshakes against a real chat-server.

Certificates are made for each run with the openssl command. Cases:
  chat        a TLS client and a plain client talk both ways; WHOIS says who
              is secure; CAP LS 302 carries the sts policy on both ports
  certfp      a client certificate's SHA-256 shows in WHOIS 276 to its owner only
  refused     old protocol versions, plaintext on the TLS port and a silent
              client are cut off, counted in /status, and cost nothing else
  reload      SIGHUP: new connections get the new certificate, open ones stay;
              a bad file is refused and the old certificate stays in use
  bad-start   unusable certificate or key files: a clear message, exit status 2
  client      chat-client over TLS: pinned, verified by a CA file and the host
              name, refused when neither holds, and upgraded by an sts policy
  s_client    openssl s_client completes a handshake and registers
  hostile     a handshake flood, slowloris handshakes and garbage instead of a
              ClientHello, while two users chat undisturbed

Every wait has a deadline that does not depend on this machine's speed.
Loopback only. Usage: tls_test.py CHAT_SERVER CHAT_CLIENT [case ...]
"""
import hashlib
import json
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import warnings

import irc_test_client
from loopback_checks import (DEADLINE_S, HOST, Failure, check, client_context, der_sha256, eventually,
                             make_certificate)


def free_port():
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class Server(irc_test_client.Server):
    """A chat-server with a TLS port and a status port; the ports are read from
    its log, but for the status port, picked here to be known before /status
    is asked for."""

    def __init__(self, binary, directory, cert, key, extra=()):
        self.log_path = os.path.join(directory, f"server-{time.monotonic_ns()}.log")
        for _ in range(5):  # the status port is picked free just before; another process may take it
            self.status_port = free_port()
            self.log = open(self.log_path, "w")
            self.proc = subprocess.Popen(
                [binary, "--bind", HOST, "--port", "0", "--tls-port", "0", "--tls-cert", cert, "--tls-key", key,
                 "--status-port", str(self.status_port), "--web-port", "0", "--db", ":memory:", "--autojoin", "",
                 "--log-level", "debug", *extra],
                stdout=self.log, stderr=subprocess.STDOUT)
            eventually(lambda: self.proc.poll() is not None or "listening on" in self.text(), "the server to start")
            if self.proc.poll() is None:
                break
            self.log.close()
        check(self.proc.poll() is None, "server did not start: " + self.text())
        self.tls_port = int(re.search(r"tls on [0-9.]+:(\d+)", self.text()).group(1))
        self.port = int(re.search(r"listening on [0-9.]+:(\d+)", self.text()).group(1))

    def status(self):
        with urllib.request.urlopen(f"http://{HOST}:{self.status_port}/status", timeout=DEADLINE_S) as r:
            return json.load(r)

class Client(irc_test_client.Client):
    def peer_sha256(self):
        return hashlib.sha256(self.sock.getpeercert(binary_form=True)).hexdigest()


def closed_by_server(sock):
    """True once the server has closed the connection (reads EOF or an error)."""
    sock.settimeout(DEADLINE_S)
    try:
        while sock.recv(4096):
            pass
    except (ssl.SSLError, ConnectionError, OSError):
        pass
    return True


# ---- cases -------------------------------------------------------------------

def case_chat(binary, d):
    cert, key = make_certificate(d, "server")
    server = Server(binary, d, cert, key, ["--sts-duration", "3600", "--line-rate", "0"])
    try:
        secure = Client(server.tls_port, "alice", client_context(trust=cert))
        check(secure.sock.version() in ("TLSv1.2", "TLSv1.3"), f"protocol {secure.sock.version()}")
        check(secure.peer_sha256() == der_sha256(cert), "the server presented another certificate")
        plain = Client(server.port, "bob")
        for c in (secure, plain):
            c.send("JOIN #room\r\n")
            c.expect(lambda line: " 366 " in line, "JOIN's NAMES")
        secure.expect(lambda line: "JOIN #room" in line and line.startswith(":bob!"), "bob's JOIN")
        secure.send("PRIVMSG #room :over tls\r\n")
        plain.expect(lambda line: line.endswith("PRIVMSG #room :over tls") and line.startswith(":alice!"), "alice's line")
        plain.send("PRIVMSG #room :over tcp\r\n")
        secure.expect(lambda line: line.endswith("PRIVMSG #room :over tcp") and line.startswith(":bob!"), "bob's line")
        # A long burst crosses several TLS records and arrives whole, in order.
        burst = "".join(f"PRIVMSG #room :burst {i} {'x' * 300}\r\n" for i in range(200))
        plain.send(burst)
        for i in range(200):
            secure.expect(lambda line, i=i: f":burst {i} " in line, f"burst line {i}")

        plain.send("WHOIS alice\r\n")
        whois = plain.lines_until(lambda line: " 318 " in line, "WHOIS end")
        check(any(" 671 bob alice :is using a secure connection" in line for line in whois), f"no 671: {whois}")
        plain.send("WHOIS bob\r\n")
        whois = plain.lines_until(lambda line: " 318 " in line, "WHOIS end")
        check(not any(" 671 " in line for line in whois), f"a plain client shown as secure: {whois}")

        # sts: the upgrade (port and duration) on the plain port, the policy
        # (duration) on the TLS port, only to clients that read values (302).
        ls_plain = Client(server.port)
        ls_plain.send("CAP LS 302\r\n")
        line = ls_plain.expect(lambda line: " CAP * LS " in line, "CAP LS")
        check(f"sts=port={server.tls_port},duration=3600" in line.split(), f"plain CAP LS: {line}")
        ls_old = Client(server.port)
        ls_old.send("CAP LS\r\n")
        line = ls_old.expect(lambda line: " CAP * LS " in line, "CAP LS")
        check("sts" not in line, f"sts offered without 302: {line}")
        ls_tls = Client(server.tls_port, tls=client_context(trust=cert))
        ls_tls.send("CAP LS 302\r\nCAP REQ :sts\r\n")
        line = ls_tls.expect(lambda line: " CAP * LS " in line, "CAP LS")
        check("sts=duration=3600" in line.split(), f"TLS CAP LS: {line}")
        ls_tls.expect(lambda line: " CAP * NAK :sts" in line, "NAK for a request of sts")

        status = server.status()["tls"]
        check(status["enabled"] and status["port"] == server.tls_port, f"status: {status}")
        check(status["connections"] == 2 and status["handshakes"] == 2, f"status: {status}")
        check(status["certificate_sha256"] == der_sha256(cert), f"status: {status}")
        for c in (secure, plain, ls_plain, ls_old, ls_tls):
            c.close()
    finally:
        server.stop()


def case_certfp(binary, d):
    cert, key = make_certificate(d, "server")
    mine = make_certificate(d, "carol", "carol")
    server = Server(binary, d, cert, key)
    try:
        carol = Client(server.tls_port, "carol", client_context(trust=cert, client_cert=mine))
        dave = Client(server.tls_port, "dave", client_context(trust=cert))
        carol.send("WHOIS carol\r\n")
        whois = carol.lines_until(lambda line: " 318 " in line, "WHOIS end")
        expected = f" 276 carol carol :has client certificate fingerprint {der_sha256(mine[0])}"
        check(any(line.endswith(expected) for line in whois), f"no 276 with the fingerprint: {whois}")
        dave.send("WHOIS carol\r\nWHOIS dave\r\n")
        seen = dave.lines_until(lambda line: " 318 dave dave " in line, "both WHOIS ends")
        check(not any(" 276 " in line for line in seen), f"a fingerprint shown to another user: {seen}")
        check(any(" 671 dave carol " in line for line in seen), f"carol not shown as secure: {seen}")
        carol.close()
        dave.close()
    finally:
        server.stop()


def case_refused(binary, d):
    cert, key = make_certificate(d, "server")
    server = Server(binary, d, cert, key, ["--registration-timeout", "3"])
    try:
        failures = 0
        # TLS 1.1 and older: refused in the handshake.
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)  # the point is to try it
                old = client_context(max_version=ssl.TLSVersion.TLSv1_1)
            Client(server.tls_port, tls=old)
            raise Failure("a TLS 1.1 handshake succeeded")
        except (ssl.SSLError, ConnectionError) as e:
            failures += 1
            print(f"  TLS 1.1 refused: {e}")
        eventually(lambda: server.status()["tls"]["handshake_failures"] == failures, "the TLS 1.1 failure counted")
        # TLS 1.2 is fine.
        twelve = Client(server.tls_port, "twelve", client_context(trust=cert, max_version=ssl.TLSVersion.TLSv1_2))
        check(twelve.sock.version() == "TLSv1.2", twelve.sock.version())
        # Plaintext IRC on the TLS port: no TLS, so no session.
        confused = socket.create_connection((HOST, server.tls_port), timeout=DEADLINE_S)
        confused.sendall(b"NICK confused\r\nUSER c 0 * :c\r\n")
        check(closed_by_server(confused), "plaintext on the TLS port was answered")
        failures += 1
        eventually(lambda: server.status()["tls"]["handshake_failures"] == failures, "the plaintext failure counted")
        # Silence: the handshake deadline (here the 3 s registration timeout)
        # closes the connection.
        silent = socket.create_connection((HOST, server.tls_port), timeout=DEADLINE_S)
        check(closed_by_server(silent), "a silent client was kept")
        failures += 1
        eventually(lambda: server.status()["tls"]["handshake_failures"] == failures, "the timeout counted")
        # Nothing else was disturbed.
        twelve.send("PING :still\r\n")
        twelve.expect(lambda line: line.endswith("PONG sala :still") or line.endswith(":still"), "PONG")
        status = server.status()["tls"]
        check(status["connections"] == 1, f"status: {status}")
        twelve.close()
    finally:
        server.stop()


def s_client_certificate_sha256(port):
    """The SHA-256 of the certificate openssl s_client is shown."""
    r = subprocess.run(["openssl", "s_client", "-connect", f"{HOST}:{port}", "-servername", "localhost"],
                       input=b"", capture_output=True, timeout=DEADLINE_S)
    pem = re.search(rb"-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----", r.stdout, re.S)
    check(pem is not None, f"s_client showed no certificate: {r.stderr[-300:]}")
    return hashlib.sha256(ssl.PEM_cert_to_DER_cert(pem.group(0).decode())).hexdigest()


def case_reload(binary, d):
    first = make_certificate(d, "first")
    second = make_certificate(d, "second")
    live_cert = os.path.join(d, "live.crt")
    live_key = os.path.join(d, "live.key")
    shutil.copy(first[0], live_cert)
    shutil.copy(first[1], live_key)
    server = Server(binary, d, live_cert, live_key)
    try:
        early = Client(server.tls_port, "early", client_context())
        check(early.peer_sha256() == der_sha256(first[0]), "not the first certificate")
        check(s_client_certificate_sha256(server.tls_port) == der_sha256(first[0]), "s_client: not the first certificate")
        # Replaced as an operator would: the new files are moved into place.
        shutil.copy(second[0], live_cert + ".new")
        shutil.copy(second[1], live_key + ".new")
        os.replace(live_cert + ".new", live_cert)
        os.replace(live_key + ".new", live_key)
        server.proc.send_signal(signal.SIGHUP)
        eventually(lambda: server.status()["tls"]["reloads"] == 1, "the reload")
        late = Client(server.tls_port, "late", client_context())
        check(late.peer_sha256() == der_sha256(second[0]), "a new connection did not get the new certificate")
        check(s_client_certificate_sha256(server.tls_port) == der_sha256(second[0]),
              "openssl s_client did not see the new certificate")
        check(server.status()["tls"]["certificate_sha256"] == der_sha256(second[0]), "status shows the old certificate")
        # The connection made before the reload goes on.
        for c in (early, late):
            c.send("JOIN #room\r\n")
            c.expect(lambda line: " 366 " in line, "JOIN's NAMES")
        early.send("PRIVMSG #room :from before\r\n")
        late.expect(lambda line: line.endswith("PRIVMSG #room :from before"), "the early client's line")
        late.send("PRIVMSG #room :from after\r\n")
        early.expect(lambda line: line.endswith("PRIVMSG #room :from after"), "the late client's line")

        # A bad file: refused with a reason, and the second certificate stays.
        with open(live_cert, "w") as f:
            f.write("not a certificate\n")
        server.proc.send_signal(signal.SIGHUP)
        eventually(lambda: server.status()["tls"]["reload_failures"] == 1, "the refused reload")
        check("TLS certificate not reloaded" in server.text(), "no log line for the refused reload")
        third = Client(server.tls_port, "third", client_context())
        check(third.peer_sha256() == der_sha256(second[0]), "the certificate in use changed after a bad reload")
        for c in (early, late, third):
            c.close()
    finally:
        server.stop()


def case_bad_start(binary, d):
    cert, key = make_certificate(d, "server")
    other_cert, other_key = make_certificate(d, "other")
    junk = os.path.join(d, "junk.pem")
    with open(junk, "w") as f:
        f.write("-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n")

    def start(*args):
        r = subprocess.run([binary, "--port", "0", "--tls-port", "0", "--status-port", "0", "--web-port", "0", "--db", ":memory:",
                            *args], capture_output=True, text=True, timeout=DEADLINE_S)
        return r.returncode, r.stdout + r.stderr

    code, out = start("--tls-cert", junk, "--tls-key", key)
    check(code == 2 and "junk.pem" in out, f"junk certificate: {code} {out}")
    code, out = start("--tls-cert", cert, "--tls-key", other_key)
    check(code == 2 and "does not match" in out, f"mismatched key: {code} {out}")
    code, out = start("--tls-key", key)
    check(code == 2 and "--tls-cert" in out, f"key without certificate: {code} {out}")
    code, out = start("--tls-cert", os.path.join(d, "missing.pem"))
    check(code == 2 and "missing.pem" in out, f"missing certificate: {code} {out}")
    del other_cert


def run_client(client, *args, lines=(), until=None):
    """chat-client in line mode: sends `lines`, then quits at end of input.
    With `until`, its input stays open until until() returns: chat-client
    gives up on what it was given at end of input after 10 s, which a busy
    machine can spend on one TLS connection or two."""
    p = subprocess.Popen([client, "--plain", "--reconnect-max", "0.5", *args], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        p.stdin.write("".join(f"{l}\n" for l in lines))
        p.stdin.flush()
        if until:
            until()
        out, err = p.communicate(timeout=DEADLINE_S)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    return p.returncode, out, err


def case_client(binary, d, client):
    cert, key = make_certificate(d, "server")
    mine = make_certificate(d, "client", "client")
    with open(mine[0]) as c, open(mine[1]) as k, open(os.path.join(d, "client.pem"), "w") as both:
        both.write(c.read() + k.read())
    server = Server(binary, d, cert, key)
    try:
        watcher = Client(server.port, "watcher")
        watcher.send("JOIN #lobby\r\n")
        watcher.expect(lambda line: " 366 " in line, "JOIN's NAMES")

        def said(nick, text):
            return lambda line: line.startswith(f":{nick}!") and line.endswith(f"PRIVMSG #lobby :{text}")

        # Pinned: the certificate's SHA-256, with colons as openssl prints it.
        pin = ":".join(der_sha256(cert)[i:i + 2] for i in range(0, 64, 2)).upper()
        code, out, err = run_client(client, "--host", HOST, "--port", str(server.tls_port), "--tls-fingerprint", pin,
                                    "pinned", lines=["hello pinned"],
                                    until=lambda: watcher.expect(said("pinned", "hello pinned"), "the pinned client's line"))
        check(code == 0, f"pinned client: {code} {err}")
        # Verified: a CA file and the host name.
        code, out, err = run_client(client, "--host", "localhost", "--port", str(server.tls_port), "--tls",
                                    "--tls-ca", cert, "verified", lines=["hello verified"],
                                    until=lambda: watcher.expect(said("verified", "hello verified"), "the verified client's line"))
        check(code == 0, f"verified client: {code} {err}")
        # With a client certificate.
        code, out, err = run_client(client, "--host", HOST, "--port", str(server.tls_port), "--tls-insecure",
                                    "--tls-cert", os.path.join(d, "client.pem"), "holder", lines=["hello holder"],
                                    until=lambda: watcher.expect(said("holder", "hello holder"), "the certificate holder's line"))
        check(code == 0, f"client with a certificate: {code} {err}")
        # Neither a trusted CA nor the pinned certificate: refused, and said why.
        code, out, err = run_client(client, "--host", "localhost", "--port", str(server.tls_port), "--tls",
                                    "untrusted", lines=["must not arrive"])
        check(code == 1 and "TLS" in err and "trusted" in err, f"untrusted server accepted: {code} {err}")
        code, out, err = run_client(client, "--host", HOST, "--port", str(server.tls_port), "--tls-fingerprint",
                                    "00" * 32, "mispinned", lines=["must not arrive"])
        check(code == 1 and "fingerprint" in err, f"wrong pin accepted: {code} {err}")
        # sts: connected to the plain port, the client moves to the TLS port
        # the policy names, and speaks only there.
        code, out, err = run_client(client, "--host", "localhost", "--port", str(server.port), "--tls-ca", cert,
                                    "upgraded", lines=["hello upgraded"],
                                    until=lambda: watcher.expect(said("upgraded", "hello upgraded"), "the upgraded client's line"))
        check(code == 0, f"sts client: {code} {err}")
        check("sts" in out, f"the upgrade was not shown: {out}")
        # Bad options: exit status 2 and a reason.
        code, out, err = run_client(client, "--tls-fingerprint", "xyz", "nick")
        check(code == 2 and "--tls-fingerprint" in err, f"bad fingerprint option: {code} {err}")
        code, out, err = run_client(client, "--tls-cert", os.path.join(d, "missing.pem"), "nick")
        check(code == 2 and "missing.pem" in err, f"missing client certificate: {code} {err}")
        code, out, err = run_client(client, "--tls-cert", cert, "nick")  # a certificate without its key
        check(code == 2 and "private key" in err, f"client certificate without key: {code} {err}")
        check(server.status()["tls"]["handshake_failures"] >= 2, "the refused handshakes were not counted")
        watcher.close()
    finally:
        server.stop()


def case_s_client(binary, d):
    cert, key = make_certificate(d, "server")
    server = Server(binary, d, cert, key)
    try:
        proc = subprocess.Popen(
            ["openssl", "s_client", "-connect", f"{HOST}:{server.tls_port}", "-servername", "localhost",
             "-CAfile", cert, "-verify_return_error", "-quiet"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        out = []
        reader = threading.Thread(target=lambda: out.extend(proc.stdout), daemon=True)
        reader.start()
        proc.stdin.write(b"NICK shell\r\nUSER shell 0 * :shell\r\n")
        proc.stdin.flush()
        eventually(lambda: any(b" 001 shell " in line for line in out), "s_client's welcome")
        proc.stdin.write(b"QUIT :done\r\n")
        proc.stdin.close()
        proc.wait(timeout=DEADLINE_S)
        reader.join(timeout=DEADLINE_S)
        check(any(b"ERROR :Closing Link" in line for line in out), f"no goodbye: {out[-3:]}")
        err = proc.stderr.read().decode()
        check("verify return:1" in err or "verify error" not in err, f"s_client did not verify: {err}")
    finally:
        server.stop()


def case_hostile(binary, d):
    cert, key = make_certificate(d, "server")
    server = Server(binary, d, cert, key, ["--registration-timeout", "3", "--line-rate", "0"])
    try:
        alice = Client(server.tls_port, "alice", client_context(trust=cert))
        bob = Client(server.port, "bob")
        for c in (alice, bob):
            c.send("JOIN #calm\r\n")
            c.expect(lambda line: " 366 " in line, "JOIN's NAMES")
        alice.expect(lambda line: line.startswith(":bob!") and "JOIN" in line, "bob's JOIN")

        stop = threading.Event()
        counts = {"flood": 0, "garbage": 0, "slow": 0}
        errors = []

        def flood():
            # Full handshakes, as fast as one thread makes them, then gone.
            ctx = client_context()
            while not stop.is_set() and counts["flood"] < 300:
                try:
                    with socket.create_connection((HOST, server.tls_port), timeout=DEADLINE_S) as raw:
                        with ctx.wrap_socket(raw, server_hostname="localhost"):
                            pass
                    counts["flood"] += 1
                except OSError as e:
                    errors.append(f"flood: {e}")
                    return

        def garbage():
            # Bytes that are not a ClientHello: the server drops each at once.
            while not stop.is_set() and counts["garbage"] < 100:
                try:
                    with socket.create_connection((HOST, server.tls_port), timeout=DEADLINE_S) as s:
                        s.sendall(os.urandom(512))
                        closed_by_server(s)
                    counts["garbage"] += 1
                except OSError as e:
                    errors.append(f"garbage: {e}")
                    return

        slow = []
        # Slowloris: the first bytes of a ClientHello record, then silence;
        # the handshake deadline (here the 3 s registration timeout) ends them.
        for _ in range(40):
            s = socket.create_connection((HOST, server.tls_port), timeout=DEADLINE_S)
            s.sendall(b"\x16\x03\x01\x02")
            slow.append(s)
        threads = [threading.Thread(target=flood), threading.Thread(target=garbage)]
        for t in threads:
            t.start()
        # Meanwhile the room goes on: every line arrives, in order.
        for i in range(40):
            alice.send(f"PRIVMSG #calm :calm {i}\r\n")
            bob.expect(lambda line, i=i: line.endswith(f"PRIVMSG #calm :calm {i}"), f"alice's line {i}")
            bob.send(f"PRIVMSG #calm :reply {i}\r\n")
            alice.expect(lambda line, i=i: line.endswith(f"PRIVMSG #calm :reply {i}"), f"bob's line {i}")
        # The line-level attacks of the plain hostile suite, through TLS: they
        # reach the same session after decryption and get the same answers.
        attacker = Client(server.tls_port, "attacker", client_context())
        attacker.send("PRIVMSG #calm :" + "x" * 5000 + "\r\n")
        attacker.expect(lambda line: " 417 attacker :Input line was too long" in line, "417 over TLS")
        attacker.sock.sendall(b"PRIVMSG #calm :\xff\xfe\xc0\x80 bad utf-8\r\n")
        attacker.expect(lambda line: "FAIL PRIVMSG INVALID_UTF8" in line, "INVALID_UTF8 over TLS")
        attacker.sock.sendall(b"PRIVMSG #calm :nul\0inside\r\n" + b"\r\n" * 10000 + os.urandom(16 * 1024))
        # Reset in the middle of a write: close with SO_LINGER 0 under output.
        resetter = Client(server.tls_port, "resetter", client_context())
        resetter.send("JOIN #calm\r\n" + "NAMES #calm\r\n" * 200)
        resetter.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        resetter.sock.close()
        for s in slow:
            check(closed_by_server(s), "a slowloris handshake was kept")
            counts["slow"] += 1
        for t in threads:
            t.join(timeout=DEADLINE_S * 4)
        stop.set()
        check(not errors, f"hostile clients failed to connect: {errors[:3]}")
        check(counts["flood"] == 300 and counts["garbage"] == 100, f"not all hostile rounds ran: {counts}")
        failures = 100 + 40  # garbage and slowloris; the flood's handshakes all completed
        eventually(lambda: server.status()["tls"]["handshake_failures"] >= failures, "the failures counted")
        attacker.close()
        eventually(lambda: server.status()["tls"]["connections"] == 1, "the hostile connections gone")
        alice.send("PRIVMSG #calm :after\r\n")
        bob.expect(lambda line: line.endswith("PRIVMSG #calm :after"), "the line after")
        alice.close()
        bob.close()
    finally:
        server.stop()


CASES = {
    "chat": case_chat,
    "certfp": case_certfp,
    "refused": case_refused,
    "reload": case_reload,
    "bad-start": case_bad_start,
    "client": case_client,
    "s_client": case_s_client,
    "hostile": case_hostile,
}


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    binary, client = sys.argv[1], sys.argv[2]
    names = sys.argv[3:] or list(CASES)
    failed = []
    for name in names:
        with tempfile.TemporaryDirectory(prefix="sala-tls-") as d:
            try:
                if name == "client":
                    case_client(binary, d, client)
                else:
                    CASES[name](binary, d)
                print(f"ok: {name}")
            except Failure as e:
                print(f"FAIL: {name}: {e}", file=sys.stderr)
                failed.append(name)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
