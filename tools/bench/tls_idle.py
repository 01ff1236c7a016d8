#!/usr/bin/env python3
"""What an idle connection costs the server: plain, over TLS, over WebSocket.

Starts chat-server with a fresh self-signed certificate (or, for WebSocket,
with its web listener and no certificate, since the web port would then
speak TLS), opens N connections to the plain port, the TLS port or the web
port (WebSocket upgrade at /irc, text.ircv3.net), registers each (NICK/USER,
waits for 001), lets them sit, and reads the server's RSS from /proc before
and after: the difference over N is the cost of one idle registered
connection. The kinds alternate, each run on a fresh server; medians (min,
max) are printed.

    tools/bench/tls_idle.py [--server BIN] [--connections N] [--runs R] [--kinds plain,tls,ws]

Loopback only; bounded in connections and time (each run gives up after
120 s).
"""
import argparse
import os
import re
import resource
import selectors
import socket
import ssl
import statistics
import subprocess
import sys
import tempfile
import time

# The WebSocket client of the integration tests frames and upgrades for us.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "integration"))
from ws_client import TEXT, encode_frame, upgrade_request  # noqa: E402

HOST = "127.0.0.1"
RUN_LIMIT_S = 120
KINDS = {"plain": "plain", "tls": "TLS", "ws": "WebSocket"}


def rss_bytes(pid):
    with open(f"/proc/{pid}/status") as f:
        return int(re.search(r"VmRSS:\s+(\d+) kB", f.read()).group(1)) * 1024


def free_port():
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def start_server(binary, d, cert, key, kind):
    """The server; returns (process, log, the port for kind). With a
    certificate the web port would speak TLS, so the WebSocket runs go
    without one: plain WebSocket beside plain TCP."""
    log = open(os.path.join(d, "server.log"), "w")
    web_port = free_port() if kind == "ws" else 0
    tls_args = [] if kind == "ws" else ["--tls-port", "0", "--tls-cert", cert, "--tls-key", key]
    proc = subprocess.Popen(
        [binary, "--bind", HOST, "--port", "0", *tls_args, "--web-bind", HOST, "--web-port", str(web_port),
         "--status-port", "0", "--no-history", "--autojoin", "", "--threads", "2", "--max-per-ip", "100000",
         "--log-level", "warn", "--registration-timeout", "300"],
        stdout=log, stderr=subprocess.STDOUT)
    end = time.monotonic() + RUN_LIMIT_S
    while True:
        text = open(os.path.join(d, "server.log")).read()
        # --log-level warn hides the port lines: ask the kernel instead.
        ports = listening_ports(proc.pid)
        if len(ports) == 2 and (kind != "ws" or web_port in ports):
            break
        if proc.poll() is not None or time.monotonic() > end:
            raise SystemExit("server did not start: " + text)
        time.sleep(0.05)
    if kind == "ws":
        return proc, log, web_port
    plain, tls = ports
    return proc, log, plain if kind == "plain" else tls


def listening_ports(pid):
    """The server's listening TCP ports, in the order it opened them."""
    inodes = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    found = []
    with open("/proc/net/tcp") as f:
        next(f)
        for line in f:
            fields = line.split()
            if fields[3] == "0A" and fields[9] in inodes:  # LISTEN
                found.append((int(fields[9]), int(fields[1].split(":")[1], 16)))
    return [port for _, port in sorted(found)]


class Conn:
    def __init__(self, sock, tls_ctx, nick, ws_port=None):
        self.raw = sock
        self.sock = tls_ctx.wrap_socket(sock, do_handshake_on_connect=False) if tls_ctx else sock
        self.handshaking = tls_ctx is not None
        register = [f"NICK {nick}", f"USER {nick} 0 * :{nick}"]
        # Over WebSocket: the upgrade first, the lines once it is answered.
        self.upgrading = ws_port is not None
        if self.upgrading:
            self.out = upgrade_request(ws_port, protocols=["text.ircv3.net"])[0]
            self.after_upgrade = b"".join(encode_frame(TEXT, line.encode()) for line in register)
        else:
            self.out = "".join(f"{line}\r\n" for line in register).encode()
        self.buf = b""
        self.welcomed = False


def open_all(port, n, tls_ctx, ws):
    sel = selectors.DefaultSelector()
    conns = []
    for i in range(n):
        s = socket.create_connection((HOST, port))
        s.setblocking(False)
        c = Conn(s, tls_ctx, f"u{i}", port if ws else None)
        conns.append(c)
        sel.register(c.sock, selectors.EVENT_READ | selectors.EVENT_WRITE, c)
    pending = n
    end = time.monotonic() + RUN_LIMIT_S
    while pending:
        if time.monotonic() > end:
            raise SystemExit(f"{pending} of {n} connections did not register in time")
        for key, _ in sel.select(timeout=1):
            c = key.data
            try:
                if c.handshaking:
                    c.sock.do_handshake()
                    c.handshaking = False
                if c.out:
                    sent = c.sock.send(c.out)
                    c.out = c.out[sent:]
                    if not c.out:
                        sel.modify(c.sock, selectors.EVENT_READ, c)
                    continue
                data = c.sock.recv(65536)
                if not data:
                    raise SystemExit("the server closed a connection")
                c.buf += data
                if c.upgrading and b"\r\n\r\n" in c.buf:
                    head, c.buf = c.buf.split(b"\r\n\r\n", 1)
                    if not head.startswith(b"HTTP/1.1 101"):
                        raise SystemExit(f"the WebSocket upgrade was refused: {head[:200]!r}")
                    c.upgrading = False
                    c.out = c.after_upgrade
                    sel.modify(c.sock, selectors.EVENT_READ | selectors.EVENT_WRITE, c)
                # In a frame or not, the welcome's bytes are there as sent.
                if b" 001 " in c.buf and not c.welcomed:
                    c.welcomed = True
                    c.buf = b""
                    pending -= 1
                    sel.unregister(c.sock)
            except (ssl.SSLWantReadError, ssl.SSLWantWriteError, BlockingIOError):
                continue
    sel.close()
    return conns


def one_run(binary, n, kind):
    with tempfile.TemporaryDirectory(prefix="sala-tls-idle-") as d:
        cert, key = os.path.join(d, "c.pem"), os.path.join(d, "k.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                        "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=localhost"],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        proc, log, port = start_server(binary, d, cert, key, kind)
        try:
            time.sleep(0.5)  # let start-up allocations settle before the baseline
            before = rss_bytes(proc.pid)
            ctx = None
            if kind == "tls":
                ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
                ctx.check_hostname = False
                ctx.verify_mode = ssl.CERT_NONE
            conns = open_all(port, n, ctx, kind == "ws")
            # Idle: whatever is released when idle has been (the server gives
            # the heap's free pages back once handshakes pause, at most every 2 s).
            time.sleep(3)
            after = rss_bytes(proc.pid)
            for c in conns:
                c.sock.close()
            return (after - before) / n
        finally:
            proc.terminate()
            proc.wait(timeout=RUN_LIMIT_S)
            log.close()


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--server", default="build/release/src/server/chat-server")
    p.add_argument("--connections", type=int, default=5000)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--kinds", default="plain,tls,ws", help="comma-separated: plain, tls, ws; plain first for the extras")
    a = p.parse_args()
    kinds = a.kinds.split(",")
    if any(k not in KINDS for k in kinds):
        raise SystemExit(f"--kinds: choose among {', '.join(KINDS)}")
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    results = {k: [] for k in kinds}
    for run in range(a.runs):
        for kind in kinds:
            per = one_run(a.server, a.connections, kind)
            results[kind].append(per)
            print(f"run {run + 1} {kind}: {per:,.0f} bytes per idle connection", file=sys.stderr)
    medians = {k: statistics.median(v) for k, v in results.items()}
    extras = [k for k in kinds if k != "plain" and "plain" in kinds]
    head = ["connections"] + [f"{KINDS[k]} B/conn" for k in kinds] + [f"{KINDS[k]} extra" for k in extras]
    print("| " + " | ".join(head) + " |")
    print("| " + " | ".join("---:" for _ in head) + " |")
    cells = [f"{a.connections:,}"]
    cells += [f"{medians[k]:,.0f} ({min(results[k]):,.0f}, {max(results[k]):,.0f})" for k in kinds]
    cells += [f"{medians[k] - medians['plain']:,.0f}" for k in extras]
    print("| " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
