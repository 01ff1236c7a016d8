#!/usr/bin/env python3
"""Does a flood of logins slow the chat? Chat latency with and without one.

Starts chat-server, registers an account, and has two logged-in users in a
channel bounce a line back and forth: each round trip is timed from the send
to the echo's arrival at the other end. Then a storm of SASL PLAIN logins
with the right password (each one an argon2id hash, tens of milliseconds and
19 MiB) runs from many sockets for a fixed time, keeping the hashing pool
full, while the two users go on chatting. Prints the round-trip percentiles
without and with the storm, how many logins the pool took and how many it
told to try later, and the server's CPU time; medians over several runs,
each on a fresh server.

    tools/bench/login_flood.py [--server BIN] [--seconds S] [--sockets N] [--runs R]

Loopback only; every loop is bounded in count and time.
"""
import argparse
import base64
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


def login(port, nick, account):
    """A connection that tries SASL PLAIN; returns (connection, 903 or 904 line)."""
    c = Line(port)
    c.send(f"CAP LS 302\r\nNICK {nick}\r\nUSER {nick} 0 * :{nick}\r\nCAP REQ :sasl\r\n")
    c.until(lambda l: " ACK " in l)
    c.send("AUTHENTICATE PLAIN\r\n")
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


def storm(port, seconds, sockets, counts, lock):
    """`sockets` threads, each logging in again and again until the time is up."""
    stop_at = time.monotonic() + seconds

    def worker(index):
        n = 0
        while time.monotonic() < stop_at:
            with lock:
                if counts["903"] + counts["904"] + counts["error"] >= MAX_LOGINS:
                    return
            try:
                c, answer = login(port, f"storm{index}x{n}", "target")
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
    return threads


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
                [server, "--bind", HOST, "--port", "0", "--status-port", "0", "--db", os.path.join(d, "sala.db"),
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
            counts = {"903": 0, "904": 0, "error": 0}
            lock = threading.Lock()
            threads = storm(port, seconds, sockets, counts, lock)
            loud = round_trips(a, b, "storm", seconds, 100_000)
            for t in threads:
                t.join(WAIT_S)
            cpu = cpu_seconds(proc.pid) - cpu_before
            a.close()
            b.close()
            return quiet, loud, counts, cpu
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
        quiet, loud, counts, cpu = one_run(args.server, args.seconds, args.sockets)
        row = {
            "quiet_p50": percentile(quiet, 0.5) * 1e3, "quiet_p99": percentile(quiet, 0.99) * 1e3,
            "storm_p50": percentile(loud, 0.5) * 1e3, "storm_p99": percentile(loud, 0.99) * 1e3,
            "trips_quiet": len(quiet), "trips_storm": len(loud),
            "logged_in": counts["903"], "try_later": counts["904"], "errors": counts["error"], "cpu_s": cpu,
        }
        rows.append(row)
        print(f"run {run + 1}: round trip p50/p99 {row['quiet_p50']:.2f}/{row['quiet_p99']:.2f} ms quiet, "
              f"{row['storm_p50']:.2f}/{row['storm_p99']:.2f} ms in the storm ({row['trips_quiet']} vs "
              f"{row['trips_storm']} trips); logins {row['logged_in']} done, {row['try_later']} told to try later, "
              f"{row['errors']} errors; server CPU {row['cpu_s']:.1f} s", flush=True)
    print("median over runs:")
    for key in rows[0]:
        print(f"  {key}: {statistics.median(r[key] for r in rows):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
