#!/usr/bin/env python3
"""chat-client --plain --sasl against a scripted server: the exact lines of a
SASL PLAIN login, the account shown once the server logs the client in, and
a rejected login ending the client (exit status 1, "login failed", no
reconnect). The real server's SASL is tested elsewhere; this pins what the
client sends. Usage: sasl_login_test.py CHAT_CLIENT. Standard library only.
"""

import base64
import os
import socket
import subprocess
import sys
import tempfile
import time

ACCOUNT = "alice_acct"
PASSWORD = "pw with spaces \u00e9"
LIMIT = 10.0  # seconds for any one step; no verdict depends on speed


def fail(why, client=None):
    print("FAIL: " + why, file=sys.stderr)
    if client:
        client.kill()
        client.wait()
        out, err = client.stdout.read(), client.stderr.read()
        print("--- client stdout\n" + out.decode(errors="replace"), file=sys.stderr)
        print("--- client stderr\n" + err.decode(errors="replace"), file=sys.stderr)
    sys.exit(1)


class peer:
    """The server's end of one client connection, line by line."""

    def __init__(self, conn, client):
        self.conn, self.client, self.pending = conn, client, b""
        conn.settimeout(LIMIT)

    def send(self, line):
        self.conn.sendall(line.encode() + b"\r\n")

    def expect(self, line):
        while b"\r\n" not in self.pending:
            try:
                got = self.conn.recv(4096)
            except socket.timeout:
                fail("timed out waiting for %r" % line, self.client)
            if not got:
                fail("connection closed waiting for %r" % line, self.client)
            self.pending += got
        first, self.pending = self.pending.split(b"\r\n", 1)
        if first.decode() != line:
            fail("expected %r, got %r" % (line, first), self.client)


def finish(client, what):
    """Waits for the client to exit (its output is a few lines); returns stdout, stderr."""
    try:
        client.wait(timeout=LIMIT)
    except subprocess.TimeoutExpired:
        fail("the client did not exit " + what, client)
    return client.stdout.read(), client.stderr.read()


def start(client_bin, port, password_file):
    return subprocess.Popen(
        [client_bin, "alice", "--plain", "--host", "127.0.0.1", "--port", str(port), "--channel", "#lobby",
         "--sasl", "--account", ACCOUNT, "--password-file", password_file, "--reconnect-min", "0.05"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def log_in(listener, client):
    """Runs the login up to the server's verdict; returns the peer."""
    listener.settimeout(LIMIT)
    try:
        conn, _ = listener.accept()
    except socket.timeout:
        fail("the client did not connect", client)
    p = peer(conn, client)
    p.expect("CAP LS 302")
    p.expect("NICK alice")
    p.expect("USER alice 0 * alice")
    p.send(":srv CAP * LS :server-time sasl=PLAIN,EXTERNAL")
    p.expect("CAP REQ :server-time sasl")
    p.send(":srv CAP alice ACK :server-time sasl")
    p.expect("AUTHENTICATE PLAIN")
    p.send("AUTHENTICATE +")
    response = base64.b64encode(b"\0" + ACCOUNT.encode() + b"\0" + PASSWORD.encode()).decode()
    p.expect("AUTHENTICATE " + response)
    return p


def accepted(listener, client_bin, password_file):
    client = start(client_bin, listener.getsockname()[1], password_file)
    p = log_in(listener, client)
    p.send(":srv 900 alice alice!a@h %s :You are now logged in as %s" % (ACCOUNT, ACCOUNT))
    p.send(":srv 903 alice :SASL authentication successful")
    p.expect("CAP END")
    p.send(":srv 001 alice :Welcome")
    p.expect("JOIN #lobby")
    p.send(":alice!a@h JOIN #lobby")
    client.stdin.close()  # end of input: the client quits
    p.expect("QUIT leaving")
    p.conn.close()
    out, err = finish(client, "after end of input")
    if client.returncode != 0:
        fail("exit status %d after a good login: %s" % (client.returncode, err.decode(errors="replace")))
    if b"logged in as " + ACCOUNT.encode() not in out:
        fail("no 'logged in as %s' in the output:\n%s" % (ACCOUNT, out.decode(errors="replace")))


def rejected(listener, client_bin, password_file):
    client = start(client_bin, listener.getsockname()[1], password_file)
    p = log_in(listener, client)
    p.send(":srv 904 alice :SASL authentication failed")
    p.expect("QUIT :login failed")
    p.conn.close()
    _, err = finish(client, "after a rejected login")  # by itself: stdin stays open
    if client.returncode != 1:
        fail("exit status %d after a rejected login, not 1" % client.returncode)
    if b"login failed: SASL authentication failed" not in err:
        fail("no 'login failed' on stderr: %s" % err.decode(errors="replace"))
    listener.settimeout(0.5)
    try:
        listener.accept()
        fail("the client reconnected after a rejected login")
    except socket.timeout:
        pass


def main():
    client_bin = sys.argv[1]
    with tempfile.TemporaryDirectory() as work:
        password_file = os.path.join(work, "password")
        with open(password_file, "w", encoding="utf-8") as f:
            f.write(PASSWORD + "\n")
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(4)
        accepted(listener, client_bin, password_file)
        rejected(listener, client_bin, password_file)
    print("ok: SASL PLAIN login accepted and rejected")


if __name__ == "__main__":
    main()
