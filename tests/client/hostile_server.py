#!/usr/bin/env python3
"""A hostile IRC server for one chat-client: it registers the client, joins it
to #lobby, waits for the line "go" in #lobby, then floods it with everything
that could make a client keep state (private messages from endless senders,
forced joins, NAMES without an end, JOINs, CAP LS continuations and ACKs,
PINGs whose PONGs it reads only once the client stops reading) and ends with
a PRIVMSG "flood over" from "marker". Afterwards it answers each line said in #lobby with "heard: LINE",
so the test can see the client still works.

It prints "port N" when listening (127.0.0.1, a free port) and exits when the
client disconnects. SALA_FLOOD_SCALE (default 1) scales every count, for slow
builds; each count stays past the client's limit it tests. Standard
library only.
"""

import os
import selectors
import socket
import sys

SCALE = float(os.environ.get("SALA_FLOOD_SCALE", "1"))
# A write blocked this long means the client stopped reading (a slow one
# that still reads frees room sooner); only ends HOLD_REPLIES early.
STALL = 2.0
NICK = b"tester"


def count(n, least):
    return max(least, int(n * SCALE))


def flood_lines():
    for i in range(count(200_000, 1_000)):
        yield b":pm%d!u@h PRIVMSG %s :hello %d" % (i, NICK, i)
    for i in range(count(2_000, 200)):
        yield b":%s!u@h JOIN #forced%d" % (NICK, i)
    names = b" ".join(b"@m%d" % k for k in range(20))
    for i in range(count(200_000, 12_000)):  # half for #lobby: past 100,000 names
        if i % 2:
            yield b":srv 353 %s = #nowhere%d :%s" % (NICK, i, names)
        else:
            yield b":srv 353 %s = #lobby :" % NICK + b" ".join(b"n%d_%d" % (i, k) for k in range(20))
    yield b":srv 366 %s #lobby :End of /NAMES list" % NICK
    for i in range(count(50_000, 1_000)):
        yield b":j%d!u@h JOIN #lobby" % i
    for i in range(count(50_000, 1_000)):
        yield b":srv CAP %s LS * :c%da c%db=x c%dc" % (NICK, i, i, i)
    yield b":srv CAP %s LS :last" % NICK
    for i in range(count(10_000, 100)):
        yield b":srv CAP %s ACK :a%d" % (NICK, i)
    # 4 KiB tokens: about 100 MB of PONGs, not read until the client stops
    # reading, which it must do rather than hold them all.
    yield HOLD_REPLIES
    token = b"x" * 4000
    for i in range(count(25_000, 500)):
        yield b"PING :%s%d" % (token, i)
    yield b":marker!u@h PRIVMSG %s :flood over" % NICK


# In the flood: wait until the client has caught up (PING "sync"), then stop
# reading its replies.
HOLD_REPLIES = None


def chunks(lines, size=1 << 16):
    buf = bytearray()
    for line in lines:
        if line is HOLD_REPLIES:
            if buf:
                yield bytes(buf)
                buf.clear()
            yield HOLD_REPLIES
            continue
        buf += line + b"\r\n"
        if len(buf) >= size:
            yield bytes(buf)
            buf.clear()
    if buf:
        yield bytes(buf)


class Peer:
    def __init__(self, conn):
        self.conn = conn
        self.inbuf = bytearray()
        self.out = bytearray()
        self.flood = None
        self.flood_done = False
        self.nick_user = 0
        self.syncing = False
        # From HOLD_REPLIES on, replies are not read, so a client that queues
        # them without limit shows it; once a write stalls for STALL seconds
        # (the client stopped reading, as it should), they are read again.
        self.holding = False
        self.closed = False

    def send(self, line):
        self.out += line + b"\r\n"

    def on_line(self, line):
        words = line.split(b" ")
        cmd = words[0].upper()
        if cmd == b"CAP" and len(words) > 1 and words[1] == b"LS":
            self.send(b":srv CAP * LS :")
        elif cmd in (b"NICK", b"USER"):
            self.nick_user += 1
            if self.nick_user == 2:
                self.send(b":srv 001 %s :Welcome" % NICK)
        elif cmd == b"JOIN" and words[1:2] == [b"#lobby"]:
            self.send(b":%s!u@h JOIN #lobby" % NICK)
            self.send(b":srv 353 %s = #lobby :%s" % (NICK, NICK))
            self.send(b":srv 366 %s #lobby :End of /NAMES list" % NICK)
        elif cmd == b"PRIVMSG" and words[1:2] == [b"#lobby"]:
            text = line.split(b" ", 2)[2].removeprefix(b":")
            if text == b"go" and self.flood is None:
                self.flood = chunks(flood_lines())
                log("flooding")
            elif self.flood_done:
                self.send(b":echo!u@h PRIVMSG #lobby :heard: " + text)
        elif cmd == b"PING":  # the client's lag check: a miss would reconnect it
            self.send(b":srv PONG srv " + words[-1])
        elif cmd == b"PONG" and self.syncing and line.endswith(b"sync"):
            self.syncing = False
            self.holding = True
        elif cmd == b"QUIT":
            self.send(b"ERROR :bye")
            self.closed = True

    def refill(self):
        while self.flood is not None and not self.flood_done and not self.syncing and len(self.out) < 1 << 20:
            try:
                chunk = next(self.flood)
                if chunk is HOLD_REPLIES:
                    self.send(b"PING :sync")
                    self.syncing = True
                else:
                    self.out += chunk
            except StopIteration:
                self.flood_done = True
                log("flood sent")

    def read(self):
        data = self.conn.recv(1 << 16)
        if not data:
            return False
        self.inbuf += data
        start = 0
        while (end := self.inbuf.find(b"\n", start)) >= 0:
            self.on_line(bytes(self.inbuf[start:end]).rstrip(b"\r"))
            start = end + 1
        del self.inbuf[:start]
        return True


def log(text):
    print(text, file=sys.stderr, flush=True)


def serve(conn):
    conn.setblocking(False)
    peer = Peer(conn)
    sel = selectors.DefaultSelector()
    sel.register(conn, selectors.EVENT_READ)
    while True:
        peer.refill()
        if peer.closed and not peer.out:
            return
        mask = 0
        if not peer.holding or peer.flood_done or not peer.out:
            mask |= selectors.EVENT_READ
        if peer.out:
            mask |= selectors.EVENT_WRITE
        sel.modify(conn, mask)
        ready = sel.select(timeout=STALL)
        if not ready and peer.out:
            peer.holding = False
        for _, events in ready:
            if events & selectors.EVENT_WRITE:
                try:
                    del peer.out[: conn.send(peer.out)]
                except BlockingIOError:
                    pass
            if events & selectors.EVENT_READ and not peer.read():
                return


def main():
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    print("port", listener.getsockname()[1], flush=True)
    conn, _ = listener.accept()
    try:
        serve(conn)
    except (ConnectionResetError, BrokenPipeError):
        pass
    conn.close()
    log("client gone")


if __name__ == "__main__":
    main()
