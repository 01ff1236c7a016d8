#!/usr/bin/env python3
"""Nothing anyone saw is lost by a crash.

A sender streams numbered lines into #crash, a reader records every line it
gets with its msgid, and the server is killed with SIGKILL at a random moment
(after the reader got a random number of lines), then restarted on the same
database and port. After the last round a client with draft/chathistory
pages backwards through the whole channel with CHATHISTORY BEFORE and the
test checks that every line the reader or the sender's echo showed is there,
with the same msgid, exactly once, in the order it was said.

Bounded: --rounds kills (default 20), each round waits for its lines with a
deadline that does not depend on this machine's speed. Loopback only.
Usage: history_crash_test.py CHAT_SERVER [--rounds N] [--seed S]
"""
import argparse
import os
import random
import re
import selectors
import signal
import socket
import subprocess
import sys
import tempfile
import time

HOST = "127.0.0.1"
DEADLINE_S = 120  # for any one wait; generous for sanitizer builds on a busy machine


def fail(msg):
    print(f"FAIL: {msg}", file=sys.stderr)
    sys.exit(1)


def parse(line):
    """(tags, prefix, command, params) of one IRC line."""
    tags = {}
    if line.startswith("@"):
        head, _, line = line.partition(" ")
        for t in head[1:].split(";"):
            k, _, v = t.partition("=")
            tags[k] = v
    prefix = ""
    if line.startswith(":"):
        prefix, _, line = line.partition(" ")
    trailing = None
    if " :" in line:
        line, _, trailing = line.partition(" :")
    params = line.split()
    command = params.pop(0) if params else ""
    if trailing is not None:
        params.append(trailing)
    return tags, prefix, command, params


class Client:
    def __init__(self, port, nick, caps):
        self.sock = socket.create_connection((HOST, port), timeout=DEADLINE_S)
        self.sock.setblocking(False)
        self.buf = b""
        self.lines = []
        self.closed = False
        hello = "CAP LS 302\r\n" + (f"CAP REQ :{caps}\r\n" if caps else "")
        self.send(hello + f"NICK {nick}\r\nUSER {nick} 0 * :{nick}\r\nCAP END\r\n")

    def send(self, text):
        data = text.encode()
        self.sock.setblocking(True)
        try:
            self.sock.sendall(data)
        except OSError:
            self.closed = True
        finally:
            self.sock.setblocking(False)

    def pump(self):
        """Reads what is there; returns the new complete lines."""
        new = []
        while True:
            try:
                chunk = self.sock.recv(65536)
            except BlockingIOError:
                break
            except OSError:
                chunk = b""
            if not chunk:
                self.closed = True
                break
            self.buf += chunk
        *complete, self.buf = self.buf.split(b"\r\n")
        for raw in complete:
            new.append(raw.decode("utf-8", "replace"))
        self.lines += new
        return new

    def close(self):
        self.sock.close()


def wait_for(clients, done, what):
    """Pumps the clients until done() holds; fails after the deadline."""
    sel = selectors.DefaultSelector()
    for c in clients:
        sel.register(c.sock, selectors.EVENT_READ, c)
    end = time.monotonic() + DEADLINE_S
    try:
        while not done():
            if time.monotonic() > end:
                fail(f"timed out waiting for {what}")
            for key, _ in sel.select(timeout=0.5):
                key.data.pump()
    finally:
        sel.close()


def start_server(binary, port, db, log):
    return subprocess.Popen(
        [binary, "--bind", HOST, "--port", str(port), "--status-port", "0", "--web-port", "0", "--db", db,
         "--autojoin", "", "--line-rate", "0", "--log-level", "info"],
        stdout=log, stderr=subprocess.STDOUT)


def wait_listening(port):
    end = time.monotonic() + DEADLINE_S
    while time.monotonic() < end:
        try:
            socket.create_connection((HOST, port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    fail(f"server not listening on {port}")


def registered(c):
    return any(" 001 " in l for l in c.lines)


def joined(c, channel):
    return any(re.search(rf" 366 \S+ {re.escape(channel)} ", l) for l in c.lines)


def said(lines, nick):
    """{text: msgid} of the PRIVMSGs from `nick` to #crash among `lines`."""
    out = {}
    for l in lines:
        tags, prefix, command, params = parse(l)
        if command == "PRIVMSG" and prefix.startswith(f":{nick}!") and params[:1] == ["#crash"]:
            if "msgid" not in tags:
                fail(f"a relayed line without msgid: {l}")
            out[params[1]] = tags["msgid"]
    return out


def free_port():
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("server")
    ap.add_argument("--rounds", type=int, default=20)
    ap.add_argument("--seed", type=int, default=int.from_bytes(os.urandom(4), "big"))
    args = ap.parse_args()
    rng = random.Random(args.seed)
    print(f"seed {args.seed}, {args.rounds} rounds")
    seen = {}  # text -> msgid, over every round
    work = tempfile.mkdtemp(prefix="sala-crash-")
    db = os.path.join(work, "crash.db")
    log = open(os.path.join(work, "server.log"), "ab")
    port = free_port()
    number = 0
    for round_no in range(args.rounds):
        server = start_server(args.server, port, db, log)
        try:
            wait_listening(port)
            reader = Client(port, "reader", "message-tags")
            sender = Client(port, "sender", "message-tags echo-message")
            wait_for([reader, sender], lambda: registered(reader) and registered(sender), "registration")
            reader.send("JOIN #crash\r\n")
            wait_for([reader], lambda: joined(reader, "#crash"), "the reader's JOIN")
            sender.send("JOIN #crash\r\n")
            wait_for([sender], lambda: joined(sender, "#crash"), "the sender's JOIN")
            reader.lines.clear()
            sender.lines.clear()
            # Kill once the reader has this many lines, while more are in flight.
            kill_after = rng.randint(20, 100)
            sel = selectors.DefaultSelector()
            sel.register(reader.sock, selectors.EVENT_READ, reader)
            sel.register(sender.sock, selectors.EVENT_READ, sender)
            end = time.monotonic() + DEADLINE_S
            echoed = 0
            sent = 0
            while len(said(reader.lines, "sender")) < kill_after:
                if time.monotonic() > end:
                    fail(f"round {round_no}: the reader got too few lines")
                # At most 32 lines in flight, so the stream is steady, not a flood.
                while sent - echoed < 32:
                    number += 1
                    sender.send(f"PRIVMSG #crash :line {number}\r\n")
                    sent += 1
                for key, _ in sel.select(timeout=0.5):
                    key.data.pump()
                echoed = len(said(sender.lines, "sender"))
            sel.close()
            server.send_signal(signal.SIGKILL)
            server.wait(timeout=DEADLINE_S)
            # What reached the clients before the kill counts as seen.
            for c in (reader, sender):
                wait_for([c], lambda c=c: c.closed, "the connection to close")
            round_seen = said(reader.lines, "sender")
            round_seen.update(said(sender.lines, "sender"))
            for text, msgid in round_seen.items():
                if seen.get(text, msgid) != msgid:
                    fail(f"{text!r} seen with two msgids")
                seen[text] = msgid
            reader.close()
            sender.close()
        finally:
            if server.poll() is None:
                server.kill()
                server.wait()
    print(f"{len(seen)} lines seen before {args.rounds} kills")

    # Every line seen is in the history, once, in order.
    server = start_server(args.server, port, db, log)
    try:
        wait_listening(port)
        c = Client(port, "auditor", "message-tags batch draft/chathistory server-time")
        wait_for([c], lambda: registered(c), "registration")
        c.send("JOIN #crash\r\n")
        wait_for([c], lambda: joined(c, "#crash"), "JOIN")
        history = []  # (text, msgid), oldest first
        ref = "*"
        pages = 0
        while True:
            pages += 1
            if pages > 1000:
                fail("paging never ended")
            c.lines.clear()
            verb = "LATEST" if ref == "*" else "BEFORE"
            c.send(f"CHATHISTORY {verb} #crash {ref} 100\r\n")
            wait_for([c], lambda: any(parse(l)[2] == "BATCH" and parse(l)[3][0].startswith("-") for l in c.lines)
                     or any(parse(l)[2] == "FAIL" for l in c.lines), "a CHATHISTORY batch")
            if any(parse(l)[2] == "FAIL" for l in c.lines):
                fail(f"CHATHISTORY failed: {c.lines}")
            page = [(parse(l)[3][1], parse(l)[0]["msgid"]) for l in c.lines
                    if parse(l)[2] == "PRIVMSG" and "batch" in parse(l)[0]]
            if not page:
                break
            if len(page) > 100:
                fail(f"a page of {len(page)} lines, more than the limit")
            history = page + history
            ref = f"msgid={page[0][1]}"
        c.close()
    finally:
        server.terminate()
        server.wait(timeout=DEADLINE_S)
    msgids = [m for _, m in history]
    if len(set(msgids)) != len(msgids):
        fail("a msgid came back twice while paging")
    stored = dict(history)
    missing = [t for t in seen if t not in stored]
    if missing:
        fail(f"{len(missing)} lines seen but not in the history, e.g. {missing[:5]}")
    wrong = [t for t, m in seen.items() if stored[t] != m]
    if wrong:
        fail(f"{len(wrong)} lines stored with another msgid, e.g. {wrong[:5]}")
    order = [int(t.split()[1]) for t, _ in history]
    if order != sorted(order):
        fail("the history is out of order")
    print(f"ok: {len(seen)} seen lines all in the history ({len(history)} stored, {pages} pages)")
    log.close()


if __name__ == "__main__":
    main()
