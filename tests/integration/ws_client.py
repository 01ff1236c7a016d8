"""A WebSocket client (RFC 6455) for the integration tests, and the HTTP/1.1
it rides on: the opening handshake with chosen subprotocols, Origin and
headers (the raw response kept for asserts), frames sent as a well-behaved
browser would or not (unmasked, fragmented, a forged length), and frames
received and checked the way a client relies on them: from the server,
unmasked, never fragmented, one IRC line per message without CR LF.

WsClient talks like irc_test_client.Client (send, expect, lines_until,
fence, nick), so channel_checks' helpers work on it too. Loopback only;
every wait has a deadline."""
import base64
import collections
import hashlib
import os
import socket
import ssl
import struct
import time

from irc_test_client import Closed, LineWaits, command_of
from loopback_checks import DEADLINE_S, HOST, Failure, check

ACCEPT_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"  # RFC 6455 section 1.3
CONTINUATION, TEXT, BINARY, CLOSE, PING, PONG = 0x0, 0x1, 0x2, 0x8, 0x9, 0xA
TEXT_PROTOCOL, BINARY_PROTOCOL = "text.ircv3.net", "binary.ircv3.net"
MAX_HEAD = 64 * 1024  # a response head longer than this is a broken server


# ---- HTTP --------------------------------------------------------------------

class HttpResponse:
    def __init__(self, raw_head, body):
        self.raw = raw_head + body
        lines = raw_head.decode("latin-1").split("\r\n")
        version, _, rest = lines[0].partition(" ")
        code, _, self.reason = rest.partition(" ")
        check(version.startswith("HTTP/1.") and code.isdigit(), f"not an HTTP status line: {lines[0]!r}")
        self.status = int(code)
        self.headers = {}  # lower-case name -> value; repeated headers joined by ", "
        for line in lines[1:]:
            if not line:
                continue
            name, sep, value = line.partition(":")
            check(sep == ":", f"malformed response header {line!r} in {self.raw[:400]!r}")
            key = name.strip().lower()
            value = value.strip()
            self.headers[key] = f"{self.headers[key]}, {value}" if key in self.headers else value
        self.body = body

    def header(self, name):
        return self.headers.get(name.lower())

    def __repr__(self):
        return repr(self.raw[:600])


def connect(port, rcvbuf=None, tls=None):
    """A TCP connection to the loopback port; rcvbuf, when given, is set
    before connecting so that the window the server sees is small; tls, an
    ssl.SSLContext, wraps it."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if rcvbuf:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    s.settimeout(DEADLINE_S)
    s.connect((HOST, port))
    return tls.wrap_socket(s, server_hostname="localhost") if tls else s


class Reader:
    """Bytes from a socket with a deadline on every wait."""

    def __init__(self, sock, buf=b""):
        self.sock = sock
        self.buf = buf

    def fill(self, what, deadline=None):
        """Reads more; raises Closed at EOF or reset, Failure at the deadline."""
        end = deadline if deadline is not None else time.monotonic() + DEADLINE_S
        left = end - time.monotonic()
        if left <= 0:
            raise Failure(f"timed out waiting for {what}")
        self.sock.settimeout(left)
        try:
            chunk = self.sock.recv(65536)
        except socket.timeout:
            raise Failure(f"timed out waiting for {what}")
        except (ConnectionError, ssl.SSLError) as e:
            raise Closed(f"connection failed ({e}) while waiting for {what}")
        if not chunk:
            raise Closed(f"connection closed while waiting for {what}")
        self.buf += chunk

    def take(self, n, what, deadline=None):
        end = deadline if deadline is not None else time.monotonic() + DEADLINE_S
        while len(self.buf) < n:
            self.fill(what, end)
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def wait_eof(self, what):
        """Reads to the end of the connection; returns what came before it."""
        end = time.monotonic() + DEADLINE_S
        try:
            while True:
                self.fill(what, end)
        except Closed:
            pass
        rest, self.buf = self.buf, b""
        return rest


def read_response(reader, head_only=False):
    """One HTTP response; the body by Content-Length (none for HEAD, 1xx, 204, 304)."""
    end = time.monotonic() + DEADLINE_S
    while b"\r\n\r\n" not in reader.buf:
        check(len(reader.buf) < MAX_HEAD, f"a response head over {MAX_HEAD} bytes: {reader.buf[:400]!r}")
        reader.fill(f"an HTTP response (so far {reader.buf[:400]!r})", end)
    head, reader.buf = reader.buf.split(b"\r\n\r\n", 1)
    response = HttpResponse(head + b"\r\n\r\n", b"")
    if head_only or response.status < 200 or response.status in (204, 304):
        return response
    length = response.header("content-length")
    check(length is not None and length.isdigit(),
          f"a {response.status} response without a Content-Length (this client needs one): {response}")
    response.body = reader.take(int(length), f"the {length}-byte body of {response}", end)
    response.raw += response.body
    return response


def http_request(method, path, port, headers=(), host=None):
    """The bytes of a request with Host and the headers given as (name, value)."""
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host or f'{HOST}:{port}'}"]
    lines += [f"{name}: {value}" for name, value in headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def exchange(port, request, head_only=False, tls=None):
    """Sends raw request bytes on a new connection; returns (response, reader)."""
    s = connect(port, tls=tls)
    s.sendall(request)
    reader = Reader(s)
    return read_response(reader, head_only), reader


# ---- frames -------------------------------------------------------------------

def apply_mask(data, key):
    n = len(data)
    if n == 0:
        return data
    stream = (key * (n // 4 + 1))[:n]
    return (int.from_bytes(data, "big") ^ int.from_bytes(stream, "big")).to_bytes(n, "big")


def encode_frame(opcode, payload, fin=True, mask=True, length=None, rsv=0):
    """One frame. length, when given, is written in place of the payload's
    real length (a forged header)."""
    n = len(payload) if length is None else length
    first = (0x80 if fin else 0) | (rsv << 4) | opcode
    mask_bit = 0x80 if mask else 0
    if n < 126:
        head = struct.pack("!BB", first, mask_bit | n)
    elif n < 65536:
        head = struct.pack("!BBH", first, mask_bit | 126, n)
    else:
        head = struct.pack("!BBQ", first, mask_bit | 127, n)
    if mask:
        key = os.urandom(4)
        return head + key + apply_mask(payload, key)
    return head + payload


def encode_message(opcode, payload, fragments=1, mask=True):
    """A message in fragments frames of about equal size (RFC 6455 5.4)."""
    if fragments <= 1:
        return encode_frame(opcode, payload, mask=mask)
    size = -(-len(payload) // fragments)
    pieces = [payload[i:i + size] for i in range(0, len(payload), size)] or [b""]
    out = b""
    for i, piece in enumerate(pieces):
        out += encode_frame(opcode if i == 0 else CONTINUATION, piece, fin=i == len(pieces) - 1, mask=mask)
    return out


def close_payload(code, reason=""):
    return struct.pack("!H", code) + reason.encode()


class Frame:
    def __init__(self, opcode, payload):
        self.opcode = opcode
        self.payload = payload

    def close_code(self):
        return struct.unpack("!H", self.payload[:2])[0] if len(self.payload) >= 2 else None

    def close_reason(self):
        return self.payload[2:].decode("utf-8", "replace")

    def __repr__(self):
        if self.opcode == CLOSE:
            return f"close({self.close_code()}, {self.close_reason()!r})"
        return f"frame(opcode {self.opcode}, {self.payload[:120]!r})"


def read_frame(reader, what, deadline=None):
    """The next frame from the server, checked as a client relies on it:
    unmasked, FIN set (sala never fragments), no reserved bits."""
    end = deadline if deadline is not None else time.monotonic() + DEADLINE_S
    first, second = reader.take(2, what, end)
    n = second & 0x7F
    if n == 126:
        n = struct.unpack("!H", reader.take(2, what, end))[0]
    elif n == 127:
        n = struct.unpack("!Q", reader.take(8, what, end))[0]
    check(not second & 0x80, f"the server sent a masked frame (opcode {first & 0x0F}) while waiting for {what}")
    check(first & 0x80, f"the server sent a fragment without FIN (opcode {first & 0x0F}) while waiting for {what}")
    check(not first & 0x70, f"the server set reserved bits {first & 0x70:#x} while waiting for {what}")
    check(n <= 1 << 20, f"the server announced a {n}-byte frame while waiting for {what}")
    return Frame(first & 0x0F, reader.take(n, what, end))


# ---- WebSocket handshake -------------------------------------------------------

def upgrade_request(port, path="/irc", protocols=None, origin=None, version="13", key=None, headers=()):
    """The opening handshake's request; returns (bytes, key)."""
    key = key or base64.b64encode(os.urandom(16)).decode()
    fields = [("Upgrade", "websocket"), ("Connection", "Upgrade"), ("Sec-WebSocket-Key", key),
              ("Sec-WebSocket-Version", version)]
    if protocols:
        fields.append(("Sec-WebSocket-Protocol", ", ".join(protocols)))
    if origin is not None:
        fields.append(("Origin", origin))
    return http_request("GET", path, port, fields + list(headers)), key


def expected_accept(key):
    return base64.b64encode(hashlib.sha1(key.encode() + ACCEPT_GUID).digest()).decode()


def attempt_upgrade(port, **kwargs):
    """Sends an opening handshake; returns (response, reader), whatever the answer."""
    rcvbuf = kwargs.pop("rcvbuf", None)
    tls = kwargs.pop("tls", None)
    request, key = upgrade_request(port, **kwargs)
    s = connect(port, rcvbuf, tls)
    s.sendall(request)
    reader = Reader(s)
    response = read_response(reader)  # a 101 has no body, a refusal may
    response.key = key
    return response, reader


def check_switched(response, offered):
    """A 101 a browser would accept: the right Sec-WebSocket-Accept, and a
    subprotocol only if one was offered. Returns the subprotocol or None."""
    check(response.status == 101, f"expected 101 Switching Protocols, got {response}")
    check((response.header("upgrade") or "").lower() == "websocket", f"101 without 'Upgrade: websocket': {response}")
    check("upgrade" in (response.header("connection") or "").lower(), f"101 without 'Connection: Upgrade': {response}")
    check(response.header("sec-websocket-accept") == expected_accept(response.key),
          f"Sec-WebSocket-Accept: expected {expected_accept(response.key)}, got {response}")
    protocol = response.header("sec-websocket-protocol")
    check(protocol is None or protocol in (offered or ()),
          f"the server chose subprotocol {protocol!r}, not one offered ({offered}): {response}")
    return protocol


class WsClient(LineWaits):
    """An IRC client over WebSocket; with nick, registered (001 and the MOTD's
    end read). The frame type of the server's messages is checked against
    the subprotocol: binary frames for binary.ircv3.net, text otherwise."""

    def __init__(self, port, nick=None, protocols=None, origin=None, headers=(), rcvbuf=None, tls=None):
        self.response, self.reader = attempt_upgrade(port, protocols=protocols, origin=origin, headers=headers,
                                                     rcvbuf=rcvbuf, tls=tls)
        self.protocol = check_switched(self.response, protocols)
        self.sock = self.reader.sock
        self.data_opcode = BINARY if self.protocol == BINARY_PROTOCOL else TEXT
        self.seen = collections.deque(maxlen=12)  # for failure messages
        self.close_frame = None  # the server's close frame, once seen
        self.nick = nick
        if nick:
            self.send(f"NICK {nick}\r\nUSER {nick} 0 * :{nick}\r\n")
            self.expect(lambda line: f" 001 {nick} " in line, f"the welcome (001) for {nick}")
            self.expect(lambda line: command_of(line) in ("376", "422"), f"the end of {nick}'s MOTD")

    # sending
    def send_raw(self, data):
        self.sock.sendall(data)

    def send_frame(self, opcode, payload, **kwargs):
        self.send_raw(encode_frame(opcode, payload, **kwargs))

    def send_message(self, data, opcode=None, fragments=1, mask=True):
        payload = data.encode() if isinstance(data, str) else data
        self.send_raw(encode_message(self.data_opcode if opcode is None else opcode, payload, fragments, mask))

    def send(self, text):
        """Each CR LF-terminated line of text as a message of its own."""
        self.send_raw(b"".join(encode_message(self.data_opcode, line.encode())
                               for line in text.split("\r\n") if line))

    def send_close(self, code, reason=""):
        self.send_frame(CLOSE, close_payload(code, reason))

    # receiving
    def next_frame(self, what, deadline=None):
        frame = read_frame(self.reader, what, deadline)
        if frame.opcode == CLOSE:
            self.close_frame = frame
        return frame

    def line_of(self, frame, what):
        """The IRC line a data frame carries, checked: one line, no CR LF."""
        check(frame.opcode == self.data_opcode,
              f"a message in opcode {frame.opcode} on subprotocol {self.protocol}, expected {self.data_opcode}: "
              f"{frame} while waiting for {what}")
        try:
            line = frame.payload.decode("utf-8")
        except UnicodeDecodeError:
            check(frame.opcode == BINARY, f"a text frame with invalid UTF-8: {frame}")
            line = frame.payload.decode("utf-8", "replace")
        check(line and "\r" not in line and "\n" not in line,
              f"a message that is not exactly one IRC line without CR LF: {frame.payload[:200]!r}")
        return line

    def expect(self, predicate, what):
        """Reads messages until a line satisfies predicate; returns it. Answers
        the server's pings; a close frame raises Closed."""
        end = time.monotonic() + DEADLINE_S
        while True:
            try:
                frame = self.next_frame(what, end)
            except Closed as e:
                raise Closed(f"{e}; last lines seen: {list(self.seen)}")
            except Failure as e:
                raise Failure(f"{e}; last lines seen: {list(self.seen)}")
            if frame.opcode == PING:
                self.send_frame(PONG, frame.payload)
                continue
            if frame.opcode == CLOSE:
                raise Closed(f"the server closed ({frame}) while waiting for {what}; last lines seen: {list(self.seen)}")
            check(frame.opcode != PONG, f"an unasked-for pong while waiting for {what}")
            line = self.line_of(frame, what)
            self.seen.append(line)
            if predicate(line):
                return line

    def until_close(self, what, answer=True):
        """Reads to the server's close frame: (lines before it, the close
        frame or None if the connection ended without one). Answers the close
        as a browser would (unless the client closed first), then checks that
        the server sends nothing more and ends the connection."""
        lines = []
        end = time.monotonic() + DEADLINE_S
        while True:
            try:
                frame = self.next_frame(what, end)
            except Closed:
                return lines, None
            if frame.opcode == CLOSE:
                if answer:
                    try:
                        self.send_frame(CLOSE, frame.payload[:2])
                    except OSError:
                        pass  # the server may have hung up already: allowed after its close frame
                after = self.reader.wait_eof(f"the end of the connection after {frame}")
                check(after == b"", f"the server sent {after[:200]!r} after its close frame {frame}")
                return lines, frame
            if frame.opcode in (TEXT, BINARY):
                lines.append(self.line_of(frame, what))
                self.seen.append(lines[-1])

    def close(self):
        self.sock.close()
