"""An IRC client for the Python integration tests, and the chat-server it
talks to: the server on ephemeral loopback ports read back from its log, lines
read with a deadline, tags and commands taken apart. Loopback only."""
import collections
import os
import re
import signal
import socket
import ssl
import subprocess
import time

from loopback_checks import DEADLINE_S, HOST, Failure, check, eventually


class Server:
    """A chat-server on ephemeral loopback ports, read back from its log."""

    def __init__(self, binary, directory, extra=(), db=":memory:", tls=None, nick_grace=0, line_rate=0, web_port=0,
                 status_port=0):
        self.log_path = os.path.join(directory, f"server-{time.monotonic_ns()}.log")
        self.log = open(self.log_path, "w")
        tls_args = ["--tls-port", "0", "--tls-cert", tls[0], "--tls-key", tls[1]] if tls else []
        # Off unless asked for, so a test's bursts are not taken for a flood;
        # None keeps the server's own limit, for tests of the limit itself.
        rate_args = ["--line-rate", str(line_rate)] if line_rate is not None else []
        # The web listener has no ephemeral port: off unless a test picked a
        # free one, so parallel tests do not all reach for the default 8090.
        web_args = ["--web-bind", HOST, "--web-port", str(web_port)]
        self.proc = subprocess.Popen(
            [binary, "--bind", HOST, "--port", "0", "--status-port", str(status_port), "--db", db, "--autojoin", "",
             "--nick-grace", str(nick_grace), *rate_args, *web_args, *tls_args, *extra],
            stdout=self.log, stderr=subprocess.STDOUT)
        try:
            eventually(lambda: self.proc.poll() is not None or "listening on" in self.text(), "the server to start")
            check(self.proc.poll() is None, "server did not start: " + self.text())
            self.port = int(re.search(r"listening on [0-9.]+:(\d+)", self.text()).group(1))
            self.tls_port = None
            if tls:
                found = re.search(r"tls on [0-9.]+:(\d+)", self.text())
                check(found is not None, "no 'tls on' line in the log: " + self.text())
                self.tls_port = int(found.group(1))
            self.web_port = web_port or None
            if web_port:
                eventually(lambda: self.proc.poll() is not None or f"web on {HOST}:{web_port}" in self.text(),
                           "the web listener to start")
                check(self.proc.poll() is None, "server died starting its web listener: " + self.text())
        except Failure:
            self.proc.kill()
            self.proc.wait()
            self.log.close()
            raise

    def text(self):
        with open(self.log_path) as f:
            return f.read()

    def alive(self):
        return self.proc.poll() is None

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=DEADLINE_S)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        check(self.proc.returncode == 0,
              f"server exit status {self.proc.returncode}, expected 0; log tail: {self.text()[-2000:]}")


class Closed(Failure):
    """The connection ended while a client waited for a line."""


def split_tags(line):
    """(tags as a dict, the line without them)."""
    if not line.startswith("@"):
        return {}, line
    raw, rest = line[1:].split(" ", 1)
    tags = {}
    for item in raw.split(";"):
        key, _, value = item.partition("=")
        tags[key] = value
    return tags, rest


def command_of(line):
    """The command or numeric of a line: 'PRIVMSG', '900', ..."""
    words = split_tags(line)[1].split(" ")
    return words[1] if words[0].startswith(":") and len(words) > 1 else words[0]


def params_of(line):
    """A line's parameters, the trailing one last, without tags, source or command."""
    rest = split_tags(line)[1]
    if rest.startswith(":"):
        rest = rest.partition(" ")[2]
    middle, has_trailing, trailing = rest.partition(" :")
    words = [w for w in middle.split(" ") if w][1:]
    return words + [trailing] if has_trailing else words


def numeric_in(*codes):
    return lambda line: command_of(line) in codes


class LineWaits:
    """Waits built on a client's expect() and send(), whatever carries the lines."""

    def lines_until(self, predicate, what):
        """Every line up to and including the one satisfying predicate."""
        seen = []

        def keep(line):
            seen.append(line)
            return predicate(line)

        self.expect(keep, what)
        return seen

    def fence(self, token, what=None):
        """Every line the server sent before the answer to a PING of token."""
        self.send(f"PING :{token}\r\n")
        return self.lines_until(lambda line: command_of(line) == "PONG" and line.endswith(token),
                                f"PONG {token}" + (f" after {what}" if what else ""))[:-1]


class Client(LineWaits):
    def __init__(self, port, nick=None, tls=None, source=None):
        raw = socket.create_connection((HOST, port), timeout=DEADLINE_S,
                                       source_address=(source, 0) if source else None)
        self.sock = tls.wrap_socket(raw, server_hostname="localhost") if tls else raw
        self.buf = b""
        self.seen = collections.deque(maxlen=12)  # for failure messages
        self.nick = nick
        if nick:
            self.send(f"NICK {nick}\r\nUSER {nick} 0 * :{nick}\r\n")
            self.expect(lambda line: f" 001 {nick} " in line, f"the welcome (001) for {nick}")

    def send(self, text):
        self.sock.sendall(text.encode())

    def expect(self, predicate, what):
        """Reads lines until one satisfies predicate; returns it."""
        end = time.monotonic() + DEADLINE_S
        while True:
            while b"\r\n" in self.buf:
                raw, self.buf = self.buf.split(b"\r\n", 1)
                line = raw.decode("utf-8", "replace")
                self.seen.append(line)
                if predicate(line):
                    return line
            if time.monotonic() > end:
                raise Failure(f"timed out waiting for {what}; last lines seen: {list(self.seen)}")
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                chunk = None
            except (ConnectionError, ssl.SSLError) as e:
                raise Closed(f"connection failed ({e}) while waiting for {what}; last lines seen: {list(self.seen)}")
            if chunk is None:
                continue
            if not chunk:
                raise Closed(f"connection closed while waiting for {what}; last lines seen: {list(self.seen)}")
            self.buf += chunk

    def notice(self, fragment, what=None):
        """The next NickServ notice containing fragment."""
        return self.expect(lambda line: line.startswith(":NickServ!NickServ@services. NOTICE ") and fragment in line,
                           what or f"a NickServ notice with {fragment!r}")

    def nickserv(self, text, fragment):
        self.send(f"PRIVMSG NickServ :{text}\r\n")
        return self.notice(fragment, f"NickServ's answer to {text!r} containing {fragment!r}")

    def quit(self):
        """QUIT and wait for the server to close: the nick is free after."""
        self.send("QUIT :bye\r\n")
        end = time.monotonic() + DEADLINE_S
        try:
            while self.sock.recv(65536):
                check(time.monotonic() < end, "the server did not close the connection after QUIT")
        except (OSError, ssl.SSLError):
            pass
        self.sock.close()

    def close(self):
        self.sock.close()


_probe_count = iter(range(1_000_000))


def wait_nick_free(port, nick):
    """Until no one holds nick. The server closes a socket before it frees
    the nick of its user, so a nick is not free the moment a QUIT ends."""
    probe = Client(port, f"probe{next(_probe_count)}")
    try:
        def free():
            probe.send(f"ISON {nick}\r\n")
            line = probe.expect(numeric_in("303"), f"ISON {nick}")
            return nick.lower() not in line.split(" :", 1)[1].lower().split()

        eventually(free, f"the nick {nick} to be free")
    finally:
        probe.close()


def closed_by_server(c, what):
    """Reads until EOF; returns every line seen on the way."""
    lines = []
    end = time.monotonic() + DEADLINE_S
    try:
        while True:
            check(time.monotonic() < end, f"timed out waiting for the server to close {what}; seen {lines[-5:]}")
            chunk = c.sock.recv(65536)
            if not chunk:
                break
            c.buf += chunk
    except (ConnectionError, ssl.SSLError):
        pass
    lines = [l.decode("utf-8", "replace") for l in c.buf.split(b"\r\n") if l]
    c.buf = b""
    return lines



def caps_offered(c):
    """CAP LS 302, every line of it; returns the capabilities as a dict."""
    c.send("CAP LS 302\r\n")
    caps = {}
    while True:
        line = c.expect(lambda l: command_of(l) == "CAP" and " LS " in l, "CAP LS")
        words = split_tags(line)[1].split(" ")
        more = len(words) > 4 and words[4] == "*"
        for item in line.split(" :", 1)[1].split():
            key, _, value = item.partition("=")
            caps[key] = value
        if not more:
            return caps


def connecting(port, nick, caps, tls=None, source=None):
    """A connection in CAP negotiation with caps acknowledged, NICK and USER sent."""
    c = Client(port, tls=tls, source=source)
    c.nick = nick
    c.send(f"CAP LS 302\r\nNICK {nick}\r\nUSER {nick} 0 * :{nick}\r\nCAP REQ :{' '.join(caps)}\r\n")
    line = c.expect(lambda l: command_of(l) == "CAP" and (" ACK " in l or " NAK " in l), "CAP ACK")
    check(" ACK " in line, f"expected CAP ACK of {caps}, got {line}")
    return c


def finish_registration(c):
    c.send("CAP END\r\n")
    c.expect(lambda line: f" 001 {c.nick} " in line, f"the welcome (001) for {c.nick}")

