#!/usr/bin/env python3
"""chat-client --plain against a scripted server that accepts the first
connection and then says nothing, as a server that is restarting or stalled
may: the client must give that attempt up after --connect-timeout, say why,
and reach #lobby on the next one. Before every stage of connecting had a
limit, the client sat at "connecting to ..." for good (a flaky
client_history_interop). Usage: stalled_server_test.py CHAT_CLIENT.
Standard library only.
"""

import os
import socket
import subprocess
import sys
import threading
import time

# Seconds any one step may take; generous for sanitizer builds on a busy
# machine. The client's own limit is short so the test is quick, and a
# spurious expiry on the answered attempt only means one more try.
LIMIT = float(os.environ.get("SALA_TEST_WAIT", "30"))
CONNECT_TIMEOUT = "2"
NICK = "tester"


def fail(why, client=None, out=None):
    print("FAIL: " + why, file=sys.stderr)
    if client:
        client.kill()
        client.wait()
        print("--- client stdout\n" + (out or b"").decode(errors="replace")
              + client.stdout.read().decode(errors="replace"), file=sys.stderr)
        print("--- client stderr\n" + client.stderr.read().decode(errors="replace"), file=sys.stderr)
    sys.exit(1)


def read_until(conn, pending, word):
    """Reads lines from conn until one starts with `word`; returns the rest
    of the buffer, or None if the client closed first. Raises socket.timeout
    after LIMIT."""
    deadline = time.monotonic() + LIMIT
    while True:
        lines = pending.split(b"\r\n")
        for i, line in enumerate(lines[:-1]):
            if line.split(b" ")[0] == word:
                return b"\r\n".join(lines[i + 1:])
        conn.settimeout(max(0.01, deadline - time.monotonic()))
        got = conn.recv(4096)
        if not got:
            return None
        pending += got


def answer(conn, joined):
    """An ordinary server for one connection: welcome, then the join."""
    try:
        rest = read_until(conn, b"", b"USER")
        if rest is None:
            return
        conn.sendall(b":srv 001 %s :Welcome\r\n" % NICK.encode())
        if read_until(conn, rest, b"JOIN") is None:
            return
        conn.sendall(b":%s!u@h JOIN #lobby\r\n" % NICK.encode())
        joined.set()
        conn.settimeout(None)
        while conn.recv(4096):  # until the client quits
            pass
    except OSError:
        pass
    finally:
        conn.close()


def main():
    client_bin = sys.argv[1]
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(LIMIT)
    port = listener.getsockname()[1]
    client = subprocess.Popen(
        [client_bin, NICK, "--host", "127.0.0.1", "--port", str(port), "--plain",
         "--connect-timeout", CONNECT_TIMEOUT, "--reconnect-min", "0.1", "--reconnect-max", "0.2"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        # 1. Accepted, registration begun (NICK/USER arrive), never answered.
        try:
            silent, _ = listener.accept()
        except socket.timeout:
            fail("the client did not connect", client)
        try:
            if read_until(silent, b"", b"USER") is None:
                fail("the client closed the first connection before registering", client)
        except socket.timeout:
            fail("the client sent no USER within %g s" % LIMIT, client)
        started = time.monotonic()
        # The client must close it: after its 2 s, within LIMIT.
        silent.settimeout(LIMIT)
        try:
            while silent.recv(4096):
                pass
        except socket.timeout:
            fail("the client waited on a silent server for more than %g s" % LIMIT, client)
        # Only reported: the client's clock started at connect, ours when
        # USER arrived, which a busy machine may delay (the arithmetic has a
        # unit test).
        gave_up_after = time.monotonic() - started
        silent.close()

        # 2. Every later connection is answered.
        joined = threading.Event()

        def serve():
            while not joined.is_set():
                try:
                    conn, _ = listener.accept()
                except OSError:
                    return
                threading.Thread(target=answer, args=(conn, joined), daemon=True).start()

        threading.Thread(target=serve, daemon=True).start()
        if not joined.wait(LIMIT):
            fail("the client did not register and join after the silent attempt", client)

        # The user saw why, then the room.
        try:  # end of input: the client quits
            out, _ = client.communicate(input=b"", timeout=LIMIT)
        except subprocess.TimeoutExpired:
            fail("the client did not exit at the end of its input", client)
        text = out.decode(errors="replace")
        why = "connection lost: registration timed out after 2 s (no welcome from the server)"
        if why not in text:
            fail("the reason was not shown: want %r" % why, client, out)
        if "* %s joined #lobby" % NICK not in text:
            fail("the join was not shown", client, out)
        if text.index(why) > text.index("* %s joined #lobby" % NICK):
            fail("the reason came after the join", client, out)
        print("PASS (the silent attempt was given up after %.1f s)" % gave_up_after)
    finally:
        if client.poll() is None:
            client.kill()
            client.wait()
        listener.close()


if __name__ == "__main__":
    main()
