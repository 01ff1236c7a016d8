#!/usr/bin/env python3
"""chat-client --plain --sasl against a scripted server: the exact lines of a
SASL PLAIN login, a SCRAM-SHA-256 login checked by an independent SCRAM
server written here (RFC 5802 with Python's hashlib), the account shown once
the server logs the client in, and a rejected login ending the client (exit
status 1, "login failed", no reconnect). The real server's SASL is tested elsewhere; this pins what the
client sends. Usage: sasl_login_test.py CHAT_CLIENT. Standard library only.
"""

import base64
import hashlib
import hmac
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
        got = self.read()
        if got != line:
            fail("expected %r, got %r" % (line, got), self.client)

    def read(self):
        while b"\r\n" not in self.pending:
            try:
                got = self.conn.recv(4096)
            except socket.timeout:
                fail("timed out waiting for %r" % line, self.client)
            if not got:
                fail("connection closed waiting for %r" % line, self.client)
            self.pending += got
        first, self.pending = self.pending.split(b"\r\n", 1)
        return first.decode()

    def authenticate(self):
        """The decoded payload of the client's next AUTHENTICATE line."""
        line = self.read()
        if not line.startswith("AUTHENTICATE ") or line == "AUTHENTICATE *":
            fail("expected an AUTHENTICATE payload, got %r" % line, self.client)
        return base64.b64decode(line[len("AUTHENTICATE "):], validate=True)


def finish(client, what):
    """Waits for the client to exit (its output is a few lines); returns stdout, stderr."""
    try:
        client.wait(timeout=LIMIT)
    except subprocess.TimeoutExpired:
        fail("the client did not exit " + what, client)
    return client.stdout.read(), client.stderr.read()


def start(client_bin, port, password_file, mechanism="PLAIN"):
    return subprocess.Popen(
        [client_bin, "alice", "--plain", "--host", "127.0.0.1", "--port", str(port), "--channel", "#lobby",
         "--sasl=" + mechanism, "--account", ACCOUNT, "--password-file", password_file, "--reconnect-min", "0.05"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def scram_exchange(p):
    """The server's side of SCRAM-SHA-256 (RFC 5802, 7677): checks the
    client's proof of PASSWORD and proves the server knows it too."""
    first = p.authenticate().decode()
    if not first.startswith("n,,n=%s,r=" % ACCOUNT):
        fail("bad SCRAM client-first %r" % first, p.client)
    bare = first[3:]
    nonce = bare.split(",r=", 1)[1] + "server-nonce"
    salt, iterations = b"sala-test-salt", 4096
    server_first = "r=%s,s=%s,i=%d" % (nonce, base64.b64encode(salt).decode(), iterations)
    p.send("AUTHENTICATE " + base64.b64encode(server_first.encode()).decode())
    final = p.authenticate().decode()
    without_proof, proof = final.rsplit(",p=", 1)
    if without_proof != "c=biws,r=" + nonce:
        fail("bad SCRAM client-final %r" % final, p.client)
    salted = hashlib.pbkdf2_hmac("sha256", PASSWORD.encode(), salt, iterations)
    client_key = hmac.digest(salted, b"Client Key", "sha256")
    auth_message = ",".join([bare, server_first, without_proof]).encode()
    signature = hmac.digest(hashlib.sha256(client_key).digest(), auth_message, "sha256")
    if base64.b64decode(proof) != bytes(a ^ b for a, b in zip(client_key, signature)):
        fail("the SCRAM proof does not match the password", p.client)
    server_signature = hmac.digest(hmac.digest(salted, b"Server Key", "sha256"), auth_message, "sha256")
    p.send("AUTHENTICATE " + base64.b64encode(b"v=" + base64.b64encode(server_signature)).decode())
    p.expect("AUTHENTICATE +")


def log_in(listener, client, mechanism="PLAIN"):
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
    p.send(":srv CAP * LS :server-time sasl=PLAIN,SCRAM-SHA-256,EXTERNAL")
    p.expect("CAP REQ :server-time sasl")
    p.send(":srv CAP alice ACK :server-time sasl")
    p.expect("AUTHENTICATE " + mechanism)
    p.send("AUTHENTICATE +")
    if mechanism == "SCRAM-SHA-256":
        scram_exchange(p)
        return p
    response = base64.b64encode(b"\0" + ACCOUNT.encode() + b"\0" + PASSWORD.encode()).decode()
    p.expect("AUTHENTICATE " + response)
    return p


def accepted(listener, client_bin, password_file, mechanism="PLAIN"):
    client = start(client_bin, listener.getsockname()[1], password_file, mechanism)
    p = log_in(listener, client, mechanism)
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
        accepted(listener, client_bin, password_file, "SCRAM-SHA-256")
        rejected(listener, client_bin, password_file)
    print("ok: SASL PLAIN and SCRAM-SHA-256 logins accepted, PLAIN rejected")


if __name__ == "__main__":
    main()
