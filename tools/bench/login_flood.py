#!/usr/bin/env python3
"""Does a flood of logins slow the chat? Chat latency with and without one.

Starts chat-server, registers an account, and has two logged-in users in a
channel bounce a line back and forth: each round trip is timed from the send
to the echo's arrival at the other end. Then, while the two go on chatting,
two storms run in turn from another process, each for a fixed time from many
sockets: connections that ask for a SASL mechanism the server does not have
(answered at once: the cost of the connections alone), then connections that
log in with SASL PLAIN and the right password (each an argon2id hash, tens
of milliseconds and 19 MiB, which keeps the hashing pool full). The
difference between the two is what hashing costs the chat. Prints the
round-trip percentiles in quiet, churn and login periods, the logins done
and refused, and the server's CPU time; medians over several runs, each on a
fresh server.

    tools/bench/login_flood.py [--server BIN] [--seconds S] [--sockets N] [--runs R]

Loopback only; every loop is bounded in count and time.
"""
import argparse
import base64
import multiprocessing
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HOST = "127.0.0.1"
PASSWORD = "correct-horse-battery"
WAIT_S = 60
MAX_LOGINS = 200_000  # per run, whatever --seconds says


class Line:
    """A blocking IRC connection read line by line."""

    def __init__(self, port):
        self.sock = socket.create_connection((HOST, port), timeout=WAIT_S)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""

    def send(self, text):
        self.sock.sendall(text.encode())

    def until(self, predicate):
        end = time.monotonic() + WAIT_S
        while True:
            while b"\r\n" in self.buf:
                raw, self.buf = self.buf.split(b"\r\n", 1)
                line = raw.decode("utf-8", "replace")
                if line.startswith("PING "):
                    self.send("PONG " + line[5:] + "\r\n")
                    continue
                if predicate(line):
                    return line
            if time.monotonic() > end:
                raise TimeoutError("no answer in time")
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("closed")
            self.buf += chunk

    def close(self):
        self.sock.close()


def numeric(line):
    parts = line.split(" ")
    return parts[1] if len(parts) > 1 and line.startswith(":") else ""


def login(port, nick, account, mechanism="PLAIN"):
    """A connection that tries SASL; returns (connection, 903 or 904 line)."""
    c = Line(port)
    c.send(f"CAP LS 302\r\nNICK {nick}\r\nUSER {nick} 0 * :{nick}\r\nCAP REQ :sasl\r\n")
    c.until(lambda l: " ACK " in l)
    c.send(f"AUTHENTICATE {mechanism}\r\n")
    if mechanism != "PLAIN":
        return c, c.until(lambda l: numeric(l) == "904")
    c.until(lambda l: l == "AUTHENTICATE +")
    token = base64.b64encode(f"\0{account}\0{PASSWORD}".encode()).decode()
    c.send(f"AUTHENTICATE {token}\r\n")
    return c, c.until(lambda l: numeric(l) in ("903", "904"))


def user(port, nick):
    c, answer = login(port, nick, nick)
    if numeric(answer) != "903":
        raise RuntimeError(f"{nick} could not log in: {answer}")
    c.send("CAP END\r\nJOIN #bench\r\n")
    c.until(lambda l: numeric(l) == "366")
    return c


def register(port, nick):
    c = Line(port)
    c.send(f"NICK {nick}\r\nUSER {nick} 0 * :{nick}\r\n")
    c.until(lambda l: numeric(l) == "001")
    c.send(f"REGISTER * * {PASSWORD}\r\n")
    c.until(lambda l: numeric(l) == "900")
    c.send("QUIT\r\n")
    c.until(lambda l: l.startswith("ERROR"))
    c.close()


def round_trips(a, b, label, seconds, limit):
    """Lines bounced between a and b for `seconds` (at most `limit`); round-trip times."""
    times = []
    end = time.monotonic() + seconds
    i = 0
    while time.monotonic() < end and i < limit:
        text = f"{label} {i}"
        t0 = time.monotonic()
        a.send(f"PRIVMSG #bench :{text}\r\n")
        b.until(lambda l: l.endswith(f"PRIVMSG #bench :{text}"))
        b.send(f"PRIVMSG #bench :{text} back\r\n")
        a.until(lambda l: l.endswith(f"PRIVMSG #bench :{text} back"))
        times.append(time.monotonic() - t0)
        i += 1
    return times


def storm(port, seconds, sockets, mechanism, results):
    """In its own process (the chat's timing must not share a GIL with it):
    `sockets` threads, each logging in again and again until the time is up;
    puts the counts of 903, 904 and errors on `results`."""
    stop_at = time.monotonic() + seconds
    counts = {"903": 0, "904": 0, "error": 0}
    lock = threading.Lock()

    def worker(index):
        n = 0
        while time.monotonic() < stop_at:
            with lock:
                if counts["903"] + counts["904"] + counts["error"] >= MAX_LOGINS:
                    return
            try:
                c, answer = login(port, f"storm{index}x{n}", "target", mechanism)
                c.close()
                key = numeric(answer)
            except (OSError, TimeoutError, ConnectionError):
                key = "error"
            with lock:
                counts[key] += 1
            n += 1

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(sockets)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(WAIT_S + seconds)
    results.put(counts)


def stormy_round_trips(port, a, b, label, seconds, sockets, mechanism):
    results = multiprocessing.Queue()
    proc = multiprocessing.Process(target=storm, args=(port, seconds, sockets, mechanism, results))
    proc.start()
    trips = round_trips(a, b, label, seconds, 100_000)
    counts = results.get(timeout=WAIT_S + seconds)
    proc.join(WAIT_S)
    return trips, counts


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))]


def one_run(server, seconds, sockets):
    with tempfile.TemporaryDirectory(prefix="sala-login-flood-") as d:
        log_path = os.path.join(d, "server.log")
        with open(log_path, "w") as log:
            proc = subprocess.Popen(
                [server, "--bind", HOST, "--port", "0", "--status-port", "0", "--web-port", "0", "--db", os.path.join(d, "sala.db"),
                 "--autojoin", "", "--line-rate", "0", "--nick-grace", "0", "--max-per-ip", "100000"],
                stdout=log, stderr=subprocess.STDOUT)
        try:
            port = None
            end = time.monotonic() + WAIT_S
            while port is None and time.monotonic() < end and proc.poll() is None:
                found = re.search(r"listening on [0-9.]+:(\d+)", open(log_path).read())
                port = int(found.group(1)) if found else None
                time.sleep(0.02)
            if port is None:
                raise RuntimeError("the server did not start: " + open(log_path).read())
            for nick in ("alice", "bob", "target"):
                register(port, nick)
            a, b = user(port, "alice"), user(port, "bob")
            quiet = round_trips(a, b, "quiet", seconds, 100_000)
            cpu_before = cpu_seconds(proc.pid)
            churn, churn_counts = stormy_round_trips(port, a, b, "churn", seconds, sockets, "NONE")
            cpu_churn = cpu_seconds(proc.pid) - cpu_before
            loud, counts = stormy_round_trips(port, a, b, "logins", seconds, sockets, "PLAIN")
            cpu_logins = cpu_seconds(proc.pid) - cpu_before - cpu_churn
            a.close()
            b.close()
            return quiet, churn, churn_counts, cpu_churn, loud, counts, cpu_logins
        finally:
            proc.terminate()
            proc.wait(WAIT_S)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--server", default="build/release/src/server/chat-server")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--sockets", type=int, default=100)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    rows = []
    for run in range(args.runs):
        quiet, churn, churn_counts, cpu_churn, loud, counts, cpu_logins = one_run(
            args.server, args.seconds, args.sockets)
        row = {
            "quiet_p50_ms": percentile(quiet, 0.5) * 1e3, "quiet_p99_ms": percentile(quiet, 0.99) * 1e3,
            "churn_p50_ms": percentile(churn, 0.5) * 1e3, "churn_p99_ms": percentile(churn, 0.99) * 1e3,
            "logins_p50_ms": percentile(loud, 0.5) * 1e3, "logins_p99_ms": percentile(loud, 0.99) * 1e3,
            "trips_quiet": len(quiet), "trips_churn": len(churn), "trips_logins": len(loud),
            "churn_connections": churn_counts["904"], "logged_in": counts["903"], "try_later": counts["904"],
            "errors": counts["error"] + churn_counts["error"], "cpu_churn_s": cpu_churn, "cpu_logins_s": cpu_logins,
        }
        rows.append(row)
        print(f"run {run + 1}: " + ", ".join(f"{k} {v:.2f}" if isinstance(v, float) else f"{k} {v}"
                                              for k, v in row.items()), flush=True)
    print("median over runs:")
    for key in rows[0]:
        print(f"  {key}: {statistics.median(r[key] for r in rows):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
