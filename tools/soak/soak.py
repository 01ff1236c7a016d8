#!/usr/bin/env python3
"""Soak test for chat-server: mixed traffic for a bounded time, then checks.

Runs a real chat-server on loopback and, for --seconds, keeps up:
  * steady members in #soak that read everything (they must receive every
    message of every publisher, complete and in order);
  * publishers sending numbered lines to #soak at a steady rate;
  * churners that connect, join, talk, change nick and quit;
  * hostile clients: garbage and overlong lines, escape sequences, a reader
    that never reads (SendQ), a flooder (Excess Flood), never-registering
    connections;
  * a client that never reads but keeps asking for member lists, until
    SendQ cuts it off (its output outgrows the kernel's buffers and --sendq).
At the end it checks that no message to a steady member was lost or
reordered, that /status shows no leaked connection once everyone left, and
that the server's resident memory returned near its baseline. It prints an RSS
curve (one sample per second) and exits non-zero on any failure.
Loopback only; every loop is bounded in time and count.
"""
import argparse
import asyncio
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

HOST = "127.0.0.1"


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def free_port():
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def status(port):
    with urllib.request.urlopen(f"http://{HOST}:{port}/status", timeout=5) as r:
        return json.load(r)


async def register(nick, port, channel="#soak", receive_buffer=0):
    sock = socket.socket()
    if receive_buffer:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
    sock.setblocking(False)
    await asyncio.get_running_loop().sock_connect(sock, (HOST, port))
    reader, writer = await asyncio.open_connection(sock=sock)
    writer.write(f"NICK {nick}\r\nUSER {nick} 0 * :{nick}\r\nJOIN {channel}\r\n".encode())
    await writer.drain()
    while True:
        line = await asyncio.wait_for(reader.readline(), 10)
        if not line:
            raise RuntimeError(f"{nick}: closed during registration")
        if f" 366 {nick} {channel} ".encode() in line:
            return reader, writer
        if line.startswith(b"PING"):
            writer.write(b"PONG" + line[4:])


class Member:
    """A steady member: counts every numbered line per publisher, checks order."""

    def __init__(self, nick):
        self.nick = nick
        self.next = {}
        self.errors = []
        self.received = 0

    async def run(self, reader, writer, stop):
        pattern = re.compile(rb":(pub\d+)!\S+ PRIVMSG #soak :n (\d+)")
        while not stop.is_set() or True:
            try:
                line = await asyncio.wait_for(reader.readline(), 1)
            except asyncio.TimeoutError:
                if stop.is_set():
                    return
                continue
            if not line:
                self.errors.append(f"{self.nick}: connection closed")
                return
            if line.startswith(b"PING"):
                writer.write(b"PONG" + line[4:])
                continue
            m = pattern.search(line)
            if m:
                pub, n = m.group(1).decode(), int(m.group(2))
                want = self.next.get(pub, 0)
                if n != want:
                    self.errors.append(f"{self.nick}: from {pub} got {n}, expected {want}")
                self.next[pub] = n + 1
                self.received += 1


async def publisher(i, port, deadline, rate, sent):
    nick = f"pub{i}"
    reader, writer = await register(nick, port)
    n = 0
    while time.monotonic() < deadline:
        writer.write(f"PRIVMSG #soak :n {n} padding-{'x' * 40}\r\n".encode())
        n += 1
        await writer.drain()
        await asyncio.sleep(1 / rate)
    sent[nick] = n
    return reader, writer


async def churner(i, port, deadline):
    k = 0
    while time.monotonic() < deadline and k < 10_000:
        k += 1
        try:
            reader, writer = await register(f"ch{i}x{k}", port, "#churn")
            writer.write(f"PRIVMSG #churn :hello {k}\r\nNICK ch{i}y{k}\r\nJOIN #churn{k % 7}\r\nQUIT :bye\r\n".encode())
            await writer.drain()
            await asyncio.wait_for(reader.read(), 5)
            writer.close()
        except (OSError, asyncio.TimeoutError, RuntimeError):
            pass
        await asyncio.sleep(0.05)


async def hostile(port, deadline, rng):
    kinds = ["garbage", "escapes", "nonreader", "flood", "mute"]
    k = 0
    while time.monotonic() < deadline and k < 1000:
        k += 1
        kind = kinds[k % len(kinds)]
        try:
            if kind == "mute":
                _, writer = await asyncio.open_connection(HOST, port)
                await asyncio.sleep(0.3)
                writer.close()
                continue
            small = 4096 if kind == "nonreader" else 0
            reader, writer = await register(f"h{kind[:3]}{k}", port, receive_buffer=small)
            if kind == "garbage":
                writer.write(bytes(rng.getrandbits(8) for _ in range(8192)) + b"\r\n" + b"PRIVMSG #soak :" + b"y" * 3000 + b"\r\n")
            elif kind == "escapes":
                writer.write(b"PRIVMSG #soak :\x1b[2J\x1b]0;t\x07\xc2\x9b\xff\xfe\r\n" * 5)
            elif kind == "flood":
                writer.write(b"PRIVMSG #soak :flood\r\n" * 3000)
            elif kind == "nonreader":
                # Asks for far more than it reads (a tiny receive window): SendQ cuts it off.
                writer.write(b"WHO #soak\r\nNAMES #soak\r\n" * 40)
                await writer.drain()
                await asyncio.sleep(3)
                writer.transport.abort()
                continue
            await writer.drain()
            await asyncio.sleep(0.2)
            writer.transport.abort()
        except (OSError, asyncio.TimeoutError, RuntimeError):
            pass
        await asyncio.sleep(0.1)


async def nonreader(port, deadline):
    """Reads nothing and asks for member lists just under the line rate, so
    its output piles up until SendQ cuts it off; then a new one starts."""
    cut_off = 0
    k = 0
    while time.monotonic() < deadline and k < 100:
        k += 1
        try:
            reader, writer = await register(f"nr{k}", port, receive_buffer=4096)
            # asyncio would go on reading into its own buffer (up to 128 KiB):
            # stop the transport so the tiny receive window really closes.
            writer.transport.pause_reading()
            while time.monotonic() < deadline:
                writer.write(b"WHO #soak\r\n")
                await writer.drain()
                await asyncio.sleep(1 / 30)
            writer.transport.abort()
        except (OSError, asyncio.TimeoutError, RuntimeError):
            cut_off += 1
            await asyncio.sleep(0.2)
    return cut_off


async def soak(args, irc_port, http_port, pid):
    rng = random.Random(args.seed)
    stop = asyncio.Event()
    members = [Member(f"m{i}") for i in range(args.members)]
    conns = [await register(m.nick, irc_port) for m in members]
    readers = [asyncio.create_task(m.run(r, w, stop)) for m, (r, w) in zip(members, conns)]
    await asyncio.sleep(1)
    baseline = rss_kib(pid)
    deadline = time.monotonic() + args.seconds
    sent = {}
    curve = []

    async def sample():
        while time.monotonic() < deadline + 5:
            curve.append(rss_kib(pid))
            await asyncio.sleep(1)

    sampler = asyncio.create_task(sample())
    pubs = [asyncio.create_task(publisher(i, irc_port, deadline, args.rate, sent)) for i in range(args.publishers)]
    others = [asyncio.create_task(churner(i, irc_port, deadline)) for i in range(args.churners)]
    others.append(asyncio.create_task(hostile(irc_port, deadline, rng)))
    slow = asyncio.create_task(nonreader(irc_port, deadline))
    pub_conns = await asyncio.gather(*pubs)
    await asyncio.gather(*others)
    nonreaders_cut_off = await slow

    # Let the steady members drain, bounded.
    settle = time.monotonic() + 20
    while time.monotonic() < settle and any(m.next.get(p, 0) < n for m in members for p, n in sent.items()):
        await asyncio.sleep(0.1)
    stop.set()
    await asyncio.gather(*readers)
    failures = []
    for m in members:
        failures += m.errors
        for p, n in sent.items():
            if m.next.get(p, 0) != n:
                failures.append(f"{m.nick}: from {p} received {m.next.get(p, 0)} of {n}")
    total_sent = sum(sent.values())
    delivered = sum(m.received for m in members)

    for _, w in conns + list(pub_conns):
        w.write(b"QUIT :done\r\n")
        w.close()
    # A room outlives its last member by the store's write of that member's
    # PART or QUIT (nothing goes out before it is stored), so it may still
    # be listed a moment after the last connection is gone.
    leak_deadline = time.monotonic() + 10
    st = status(http_port)
    while time.monotonic() < leak_deadline and (st["connections"]["total"] != 0 or st["channels"]):
        await asyncio.sleep(0.2)
        st = status(http_port)
    if st["connections"]["total"] != 0:
        failures.append(f"{st['connections']['total']} connections left open after everyone quit")
    if st["channels"]:
        failures.append(f"rooms left behind: {[c['name'] for c in st['channels']]}")
    await asyncio.sleep(1)
    final = rss_kib(pid)
    sampler.cancel()
    allowed = baseline + max(args.rss_slack_kib, baseline // 2)
    if final > allowed:
        failures.append(f"RSS {final} KiB after the soak, baseline {baseline} KiB (allowed {allowed})")
    report = {
        "seconds": args.seconds, "members": args.members, "publishers": args.publishers,
        "sent": total_sent, "deliveries_to_steady_members": delivered,
        "expected_deliveries": total_sent * args.members,
        "rss_baseline_kib": baseline, "rss_peak_kib": max(curve or [0]), "rss_final_kib": final,
        "rss_curve_kib": curve, "disconnects": st["disconnects"], "server_dropped": st["messages"]["dropped"],
        "nonreaders_cut_off": nonreaders_cut_off,
        "failures": failures,
    }
    return report


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("server", help="path to chat-server")
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--members", type=int, default=20)
    ap.add_argument("--publishers", type=int, default=4)
    ap.add_argument("--rate", type=float, default=20, help="lines per second per publisher")
    ap.add_argument("--churners", type=int, default=4)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--rss-slack-kib", type=int, default=16 * 1024)
    args = ap.parse_args()
    if not 0 < args.seconds <= 24 * 3600:
        ap.error("--seconds must be in (0, 86400]")

    irc_port, http_port = free_port(), free_port()
    log = tempfile.NamedTemporaryFile(prefix="soak-server-", suffix=".log", delete=False)
    # History in a real file, as it runs in production: with ":memory:" the
    # stored lines themselves would count against the RSS bound.
    db_dir = tempfile.TemporaryDirectory(prefix="soak-db-")
    server = subprocess.Popen(
        [args.server, "--bind", HOST, "--db", os.path.join(db_dir.name, "soak.db"),
         "--port", str(irc_port), "--status-port", str(http_port), "--web-port", "0",
         "--sendq", "32768", "--recvq", "4096", "--line-burst", "50", "--line-rate", "40",
         "--registration-timeout", "1", "--max-per-ip", "1000"],
        stdout=log, stderr=log)
    try:
        for _ in range(200):
            try:
                status(http_port)
                break
            except OSError:
                time.sleep(0.05)
        report = asyncio.run(soak(args, irc_port, http_port, server.pid))
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            code = server.wait(15)
        except subprocess.TimeoutExpired:
            server.kill()
            code = -9
    report["server_exit"] = code
    if code != 0:
        report["failures"].append(f"chat-server exited {code}; log: {log.name}")
    print(json.dumps(report))
    curve = report["rss_curve_kib"]
    print(f"soak {args.seconds:.0f} s: sent {report['sent']}, delivered {report['deliveries_to_steady_members']}"
          f"/{report['expected_deliveries']} to steady members, RSS {report['rss_baseline_kib']} -> peak "
          f"{report['rss_peak_kib']} -> {report['rss_final_kib']} KiB, disconnects {report['disconnects']}")
    if report["failures"]:
        print("FAILED:\n  " + "\n  ".join(report["failures"][:20]))
        sys.exit(1)
    print("PASSED")


if __name__ == "__main__":
    main()
