#!/usr/bin/env python3
"""What an idle connection costs the server, plain and over TLS.

Starts chat-server with a fresh self-signed certificate, opens N connections
to the plain or the TLS port, registers each (NICK/USER, waits for 001), lets
them sit, and reads the server's RSS from /proc before and after: the
difference over N is the cost of one idle registered connection. Plain and
TLS runs alternate, each on a fresh server; medians (min, max) are printed.

    tools/bench/tls_idle.py [--server BIN] [--connections N] [--runs R]

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

HOST = "127.0.0.1"
RUN_LIMIT_S = 120


def rss_bytes(pid):
    with open(f"/proc/{pid}/status") as f:
        return int(re.search(r"VmRSS:\s+(\d+) kB", f.read()).group(1)) * 1024


def start_server(binary, d, cert, key):
    log = open(os.path.join(d, "server.log"), "w")
    proc = subprocess.Popen(
        [binary, "--bind", HOST, "--port", "0", "--tls-port", "0", "--tls-cert", cert, "--tls-key", key,
         "--status-port", "0", "--web-port", "0", "--no-history", "--autojoin", "", "--threads", "2", "--max-per-ip", "100000",
         "--log-level", "warn", "--registration-timeout", "300"],
        stdout=log, stderr=subprocess.STDOUT)
    end = time.monotonic() + RUN_LIMIT_S
    while True:
        text = open(os.path.join(d, "server.log")).read()
        # --log-level warn hides the port lines: ask the kernel instead.
        ports = listening_ports(proc.pid)
        if len(ports) == 2:
            break
        if proc.poll() is not None or time.monotonic() > end:
            raise SystemExit("server did not start: " + text)
        time.sleep(0.05)
    return proc, log, ports


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
    def __init__(self, sock, tls_ctx, nick):
        self.raw = sock
        self.sock = tls_ctx.wrap_socket(sock, do_handshake_on_connect=False) if tls_ctx else sock
        self.handshaking = tls_ctx is not None
        self.out = f"NICK {nick}\r\nUSER {nick} 0 * :{nick}\r\n".encode()
        self.buf = b""
        self.welcomed = False


def open_all(port, n, tls_ctx):
    sel = selectors.DefaultSelector()
    conns = []
    for i in range(n):
        s = socket.create_connection((HOST, port))
        s.setblocking(False)
        c = Conn(s, tls_ctx, f"u{i}")
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
                if b" 001 " in c.buf and not c.welcomed:
                    c.welcomed = True
                    c.buf = b""
                    pending -= 1
                    sel.unregister(c.sock)
            except (ssl.SSLWantReadError, ssl.SSLWantWriteError, BlockingIOError):
                continue
    sel.close()
    return conns


def one_run(binary, n, tls):
    with tempfile.TemporaryDirectory(prefix="sala-tls-idle-") as d:
        cert, key = os.path.join(d, "c.pem"), os.path.join(d, "k.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                        "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=localhost"],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        proc, log, (plain_port, tls_port) = start_server(binary, d, cert, key)
        try:
            time.sleep(0.5)  # let start-up allocations settle before the baseline
            before = rss_bytes(proc.pid)
            ctx = None
            if tls:
                ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
                ctx.check_hostname = False
                ctx.verify_mode = ssl.CERT_NONE
            conns = open_all(tls_port if tls else plain_port, n, ctx)
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
    a = p.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    results = {"plain": [], "tls": []}
    for run in range(a.runs):
        for kind in ("plain", "tls"):
            per = one_run(a.server, a.connections, kind == "tls")
            results[kind].append(per)
            print(f"run {run + 1} {kind}: {per:,.0f} bytes per idle connection", file=sys.stderr)
    print(f"| connections | plain B/conn | TLS B/conn | TLS extra |")
    print(f"| ---: | ---: | ---: | ---: |")
    plain, tls = results["plain"], results["tls"]
    print(f"| {a.connections:,} | {statistics.median(plain):,.0f} ({min(plain):,.0f}, {max(plain):,.0f}) "
          f"| {statistics.median(tls):,.0f} ({min(tls):,.0f}, {max(tls):,.0f}) "
          f"| {statistics.median(tls) - statistics.median(plain):,.0f} |")


if __name__ == "__main__":
    main()
