#!/usr/bin/env python3
"""The web listener as browsers and users meet it (issue 16): IRC over
WebSocket (RFC 6455, the IRCv3 websocket transport) beside TCP users, and
the HTTP that serves the web client, against a real chat-server.

Cases:
  subprotocols  text.ircv3.net and binary.ircv3.net are echoed and give text
                or binary frames; none offered gives text frames and no
                header; the first known one offered wins. In each, a
                WebSocket user and a TCP user chat both ways in a channel and
                privately, UTF-8 intact, each seeing the other's right prefix
  ping_close    ping -> pong with the payload; a client's close frame is
                answered with its code and the channel sees QUIT
                "Connection closed"; QUIT before closing gives close 1000
  oversize      a 600-byte line gets 417 and the connection lives on; a
                message in 3 fragments arrives whole; a 20,000-byte message,
                a fragmented one adding up past the limit, and a frame
                announcing 1 GiB get close 1009 after an ERROR line; others
                are still served
  protocol      a binary frame on text.ircv3.net or with no subprotocol ->
                1003, invalid UTF-8 in a text frame -> 1007, an unmasked
                frame -> 1002 (and invalid UTF-8 split over fragments ->
                1007); one message with two CR LF-separated lines is two
                lines, and a trailing CR LF is ignored
  flood         a WebSocket user far over the line rate gets ERROR
                "Excess Flood" and close 1008, while two TCP users in its
                channel keep chatting
  sendq         a WebSocket user that stops reading (small SO_RCVBUF) in a
                busy channel is cut off at --sendq 16384 while a TCP and a
                WebSocket member get every line without waiting for it
  origin        same origin only by default (403 for another, and for https
                on a plain server); --web-origins allows just its list; '*'
                allows any; no Origin header is always allowed
  http          GET / is the web client (text/html, CSP and the other
                headers), HEAD works, keep-alive serves several requests on
                one connection; 404, 405, 431, 400 and 426 (with
                Sec-WebSocket-Version: 13), each closing the connection
  files         --web-root: each kind of file (html js css svg png ico json
                webmanifest) served byte for byte with its media type, GET
                and HEAD; other files, subdirectories and missing ones 404.
                The built-in client: everything its page loads is served,
                and it has no inline script, style or handler (its CSP)
  kill          KILL by an operator: ERROR, then close 1008
  ping_timeout  no PONG to the server's PING: ERROR, then close 1008
  shutdown      SIGTERM: a WebSocket user gets ERROR and close 1001
  timeout       --registration-timeout 1: an HTTP connection that sends
                nothing or half a request is closed; a WebSocket that never
                registers gets ERROR and close 1008
  tls           with a certificate the web port speaks TLS: the page, wss
                chat with a TCP user, Origin https:// (http:// is refused),
                and plain HTTP is not served
  no_web        --web-port 0: no web listener (no "web on" in the log)

Every server frame is checked as a client relies on it: unmasked, never
fragmented, one IRC line without CR LF, text or binary as the subprotocol
says (ws_client.py). Every wait has a deadline; no case sleeps. Loopback only.
Usage: websocket_test.py CHAT_SERVER [case ...]
"""
import os
import re
import signal
import socket
import sys
import threading
import time

from channel_checks import answered, is_error, join, said, sent_by, user
from irc_test_client import Client, Server, command_of, params_of
from operators_test import PASSWORD as OPER_PASSWORD, answer_to, hash_of
from loopback_checks import DEADLINE_S, HOST, Failure, check, client_context, eventually, make_certificate, run_cases
from ws_client import (BINARY, BINARY_PROTOCOL, PING, PONG, TEXT, TEXT_PROTOCOL, Reader, WsClient, attempt_upgrade,
                       encode_frame, exchange, http_request, read_response)
from ws_client import connect as ws_connect

CSP = ("default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; style-src 'self'; "
       "script-src 'self'; base-uri 'none'; frame-ancestors 'none'")
LINE_LIMIT = 512 + 8191  # a message longer than this is closed with 1009


def free_port():
    """A port free on loopback now (the web listener has no ephemeral mode)."""
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def web_server(binary, d, extra=(), line_rate=0, tls=None):
    """A server with its web listener on a free loopback port. Another
    process may take the port between the probe and the server's bind:
    then a new port is tried, three times at most."""
    for attempt in range(3):
        try:
            return Server(binary, d, extra=extra, line_rate=line_rate, web_port=free_port(), tls=tls)
        except Failure:
            if attempt == 2:
                raise


def prefix(nick):
    # Users connect from 127.0.0.1 with user name = nick; over WebSocket the
    # host is the TCP peer's too.
    return f":{nick}!{nick}@127.0.0.1"


def chat_both_ways(ws, tcp, channel, what):
    """ws and tcp, both in channel, exchange channel and private messages;
    each sees the other's exact line."""
    for sender, receiver in ((ws, tcp), (tcp, ws)):
        for target in (channel, receiver.nick):
            text = f"h\u00e9llo \u2713 from {sender.nick} to {target}"
            sender.send(f"PRIVMSG {target} :{text}\r\n")
            line = receiver.expect(said(text), f"{what}: {sender.nick}'s message to {target}, at {receiver.nick}")
            check(line == f"{prefix(sender.nick)} PRIVMSG {target} :{text}",
                  f"{what}: {receiver.nick} got {line!r} from {sender.nick}")


def pair_in_channel(server, channel, ws_nick, tcp_nick, protocols):
    ws = WsClient(server.web_port, ws_nick, protocols=protocols)
    tcp = user(server.port, tcp_nick)
    join(ws, channel)
    join(tcp, channel)
    ws.expect(sent_by(tcp_nick, "JOIN", f":?{re.escape(channel)}"), f"{tcp_nick}'s JOIN at {ws_nick}")
    return ws, tcp


def closed_with(ws, code, what, error_text=None, answer=True):
    """ws was sent an ERROR line and then a close frame with code whose
    reason is the ERROR's text (cut to 123 bytes); returns the ERROR text."""
    lines, frame = ws.until_close(what, answer)
    check(frame is not None, f"{what}: the connection ended without a close frame; last lines {lines[-5:]}")
    check(frame.close_code() == code, f"{what}: expected close {code}, got {frame}; last lines {lines[-5:]}")
    errors = [l for l in lines if command_of(l) == "ERROR"]
    check(errors, f"{what}: expected an ERROR line before {frame}; last lines {lines[-5:]}")
    text = params_of(errors[-1])[-1]
    if error_text:
        check(error_text in text, f"{what}: expected ERROR with {error_text!r}, got {errors[-1]!r}")
    reason = text.encode()[:123].decode("utf-8", "ignore")
    check(frame.close_reason() == reason, f"{what}: close reason {frame.close_reason()!r}, expected {reason!r}")
    return text


def still_served(port, tcp, channel, nick, what):
    """A new WebSocket user joins channel and chats with tcp."""
    ws = WsClient(port, nick, protocols=[TEXT_PROTOCOL])
    join(ws, channel)
    tcp.expect(sent_by(nick, "JOIN", f":?{re.escape(channel)}"), f"{nick}'s JOIN at {tcp.nick}, {what}")
    chat_both_ways(ws, tcp, channel, what)
    ws.close()


# ---- cases -------------------------------------------------------------------

def case_subprotocols(binary, d):
    server = web_server(binary, d)
    try:
        variants = [
            ("text", [TEXT_PROTOCOL], TEXT_PROTOCOL, TEXT),
            ("binary", [BINARY_PROTOCOL], BINARY_PROTOCOL, BINARY),
            ("none", None, None, TEXT),
            ("prefer", ["foo", BINARY_PROTOCOL, TEXT_PROTOCOL], BINARY_PROTOCOL, BINARY),
            ("order", [TEXT_PROTOCOL, BINARY_PROTOCOL], TEXT_PROTOCOL, TEXT),
        ]
        for label, offered, chosen, opcode in variants:
            what = f"subprotocols offered {offered}"
            ws, tcp = pair_in_channel(server, f"#{label}", f"ws{label}", f"tcp{label}", offered)
            check(ws.response.header("sec-websocket-protocol") == chosen,
                  f"{what}: expected Sec-WebSocket-Protocol {chosen}, got {ws.response}")
            check(ws.data_opcode == opcode, f"{what}: expected opcode {opcode}")
            chat_both_ways(ws, tcp, f"#{label}", what)
            if chosen == BINARY_PROTOCOL:
                # Both frame types are taken on the binary subprotocol.
                for kind, name in ((TEXT, "text"), (BINARY, "binary")):
                    ws.send_message(f"PRIVMSG #{label} :sent as {name}", opcode=kind)
                    line = tcp.expect(said(f"sent as {name}"), f"{what}: a {name} frame's message")
                    check(line == f"{prefix(ws.nick)} PRIVMSG #{label} :sent as {name}", f"{what}: got {line!r}")
            ws.close()
            tcp.close()
    finally:
        server.stop()


def case_ping_close(binary, d):
    server = web_server(binary, d)
    try:
        ws, tcp = pair_in_channel(server, "#c", "alice", "bob", [TEXT_PROTOCOL])
        for payload in (b"are you there? 42", b""):
            ws.send_frame(PING, payload)
            end = time.monotonic() + DEADLINE_S
            while True:
                frame = ws.next_frame(f"the pong to a ping of {payload!r}", end)
                if frame.opcode == PONG:
                    break
                check(frame.opcode in (TEXT, BINARY), f"expected a pong, got {frame}")
            check(frame.payload == payload, f"pong payload {frame.payload!r}, expected {payload!r}")
        # Still an IRC session after the pings.
        chat_both_ways(ws, tcp, "#c", "after pings")

        for code, nick in ((1000, "alice"), (4000, "carol")):
            if nick != "alice":
                ws = WsClient(server.web_port, nick, protocols=[TEXT_PROTOCOL])
                join(ws, "#c")
                tcp.expect(sent_by(nick, "JOIN", ":?#c"), f"{nick}'s JOIN")
            ws.send_close(code, "leaving now")
            lines, frame = ws.until_close(f"the answer to {nick}'s close {code}", answer=False)
            check(frame is not None and frame.close_code() == code,
                  f"{nick} sent close {code}: expected a close frame with {code} back, got {frame}")
            line = tcp.expect(sent_by(nick, "QUIT", ".*"), f"{nick}'s QUIT after its close frame")
            check(params_of(line)[-1] == "Connection closed",
                  f"{nick} closed the WebSocket: expected QUIT :Connection closed, got {line!r}")

        dave = WsClient(server.web_port, "dave", protocols=[BINARY_PROTOCOL])
        join(dave, "#c")
        tcp.expect(sent_by("dave", "JOIN", ":?#c"), "dave's JOIN")
        dave.send("QUIT :off to bed\r\n")
        closed_with(dave, 1000, "dave's QUIT")
        line = tcp.expect(sent_by("dave", "QUIT", ".*"), "dave's QUIT")
        check("off to bed" in line, f"dave's QUIT: expected his reason, got {line!r}")
        tcp.close()
    finally:
        server.stop()


def case_oversize(binary, d):
    server = web_server(binary, d)
    try:
        ws, tcp = pair_in_channel(server, "#c", "alice", "bob", [TEXT_PROTOCOL])
        # Over IRC's 512 bytes but under the message limit: the same 417 a TCP user gets.
        ws.send("PRIVMSG #c :" + "x" * 600 + "\r\n")
        errors = [l for l in answered(ws, "a 600-byte line") if is_error(l)]
        check([command_of(l) for l in errors] == ["417"], f"a 600-byte line: expected 417, got {errors}")
        chat_both_ways(ws, tcp, "#c", "after a 417")

        ws.send_message("PRIVMSG #c :" + "y" * 20000)
        closed_with(ws, 1009, "a 20,000-byte message")

        frag = WsClient(server.web_port, "frag", protocols=[TEXT_PROTOCOL])
        # Joined fragments make a message; each piece is under the limit, the whole is not.
        frag.send_message("PRIVMSG bob :" + "a" * 60 + " joined", fragments=3)
        line = tcp.expect(said("a" * 60 + " joined"), "a message in 3 fragments")
        check(line == f"{prefix('frag')} PRIVMSG bob :{'a' * 60} joined", f"a fragmented message arrived as {line!r}")
        size = LINE_LIMIT + 3000
        frag.send_message("PRIVMSG #c :" + "z" * size, fragments=4)
        closed_with(frag, 1009, f"a message in 4 fragments of about {size // 4} bytes")

        forged = WsClient(server.web_port, "forged", protocols=[TEXT_PROTOCOL])
        forged.send_raw(encode_frame(TEXT, b"PRIVMSG #c :hi", length=1 << 30))
        closed_with(forged, 1009, "a frame announcing 1 GiB")

        check(server.alive(), "the server died")
        still_served(server.web_port, tcp, "#c", "carol", "after the oversized messages")
        tcp.close()
    finally:
        server.stop()


def case_protocol(binary, d):
    server = web_server(binary, d)
    try:
        ws, tcp = pair_in_channel(server, "#c", "alice", "bob", [TEXT_PROTOCOL])
        ws.send_message("PRIVMSG #c :one\r\nPRIVMSG #c :two")
        for text in ("one", "two"):
            line = tcp.expect(said(text), f"line {text!r} of a two-line message")
            check(line == f"{prefix('alice')} PRIVMSG #c :{text}", f"got {line!r}")
        ws.send_message("PRIVMSG #c :three\r\n")
        check(tcp.expect(said("three"), "a message with a trailing CR LF") == f"{prefix('alice')} PRIVMSG #c :three",
              "a trailing CR LF changed the message")
        errors = [l for l in answered(ws, "a trailing CR LF") if is_error(l)]
        check(not errors, f"a trailing CR LF was taken for an empty line: {errors}")

        cases = [
            ("binary on text", [TEXT_PROTOCOL], lambda c: c.send_message("PRIVMSG #c :bin", opcode=BINARY), 1003),
            ("binary with no subprotocol", None, lambda c: c.send_message("PRIVMSG #c :bin", opcode=BINARY), 1003),
            ("invalid UTF-8", [TEXT_PROTOCOL], lambda c: c.send_message(b"PRIVMSG #c :\xff\xfe\xc3(", opcode=TEXT),
             1007),
            ("invalid UTF-8 split over fragments", None,
             lambda c: c.send_message(b"PRIVMSG #c :ab\xe2\x82" + b"\xff" * 4, opcode=TEXT, fragments=2), 1007),
            ("unmasked", [TEXT_PROTOCOL], lambda c: c.send_message("PRIVMSG #c :bare", mask=False), 1002),
        ]
        for i, (label, offered, act, code) in enumerate(cases):
            c = WsClient(server.web_port, f"bad{i}", protocols=offered)
            join(c, "#c")
            tcp.expect(sent_by(f"bad{i}", "JOIN", ":?#c"), f"bad{i}'s JOIN")
            act(c)
            closed_with(c, code, label)
            line = tcp.expect(lambda l: command_of(l) == "PRIVMSG" or (command_of(l) == "QUIT" and f"bad{i}!" in l),
                              f"{label}: nothing relayed")
            check(command_of(line) != "PRIVMSG", f"{label}: the bad message was relayed: {line!r}")

        check(server.alive(), "the server died")
        chat_both_ways(ws, tcp, "#c", "after the protocol errors")
        ws.close()
        tcp.close()
    finally:
        server.stop()


def case_flood(binary, d):
    burst, rate = 5, 5
    server = web_server(binary, d, extra=["--line-burst", str(burst), "--recvq", "2048"], line_rate=rate)
    try:
        flooder = WsClient(server.web_port, "flooder", protocols=[TEXT_PROTOCOL])
        join(flooder, "#c")
        bob = user(server.port, "bob")
        join(bob, "#c")
        carol = user(server.port, "carol")
        join(carol, "#c")
        flooder.expect(sent_by("carol", "JOIN", ":?#c"), "carol's JOIN")

        flood = b"".join(encode_frame(TEXT, f"PRIVMSG #c :flood {i}".encode()) for i in range(3000))
        sent = {}

        def send_flood():
            try:
                flooder.send_raw(flood)  # may stop early once the server hangs up
                sent["all"] = True
            except OSError as e:
                sent["error"] = e

        started = time.monotonic()
        sender = threading.Thread(target=send_flood, daemon=True)
        sender.start()
        seen = []
        for i in range(3):
            carol.send(f"PRIVMSG #c :calm {i}\r\n")
            seen += bob.lines_until(said(f"calm {i}"), f"carol's 'calm {i}' during the flood")
        closed_with(flooder, 1008, "the flood", error_text="Excess Flood")
        took = time.monotonic() - started
        sender.join(DEADLINE_S)
        check(not sender.is_alive(), "the flooder's send never ended though the server closed")
        eventually(lambda: "flooder: Excess Flood" in server.text(), "'flooder: Excess Flood' in the log")

        carol.send("PRIVMSG #c :calm after\r\n")
        seen += bob.lines_until(said("calm after"), "carol's message after the flood")
        relayed = sum(1 for l in seen if " PRIVMSG #c :flood " in l)
        # The rate limit holds: at most the burst and what the rate allows meanwhile.
        check(relayed <= burst + rate * took + 1, f"{relayed} flood lines relayed in {took:.1f} s, over the limit")
        print(f"  flooder cut off after {took:.2f} s ({'after' if sent.get('all') else 'during'} its send); "
              f"{relayed} of its lines relayed; bob kept chatting")
        bob.close()
        carol.close()
    finally:
        server.stop()


def numbered(i):
    """A line of about 450 bytes that carries its number."""
    return f"seq {i} ".ljust(440, chr(ord("a") + i % 26)) + " end"


def case_sendq(binary, d):
    lines, chunk = 2000, 50  # 900 KB: far past what lazy's buffers and the 16 KiB SendQ hold
    server = web_server(binary, d, extra=["--sendq", "16384"])
    try:
        publisher = user(server.port, "publisher")
        join(publisher, "#busy")
        tcp_reader = user(server.port, "reader")
        join(tcp_reader, "#busy")
        ws_reader = WsClient(server.web_port, "wsreader", protocols=[TEXT_PROTOCOL])
        join(ws_reader, "#busy")
        lazy = WsClient(server.web_port, "lazy", protocols=[TEXT_PROTOCOL], rcvbuf=4096)
        join(lazy, "#busy")
        for c in (tcp_reader, ws_reader):
            c.expect(sent_by("lazy", "JOIN", ":?#busy"), f"lazy's JOIN at {c.nick}")
        # From here on lazy reads nothing.

        slowest = 0.0
        quits = {}  # reader's nick -> lazy's QUIT, once seen
        for first in range(0, lines, chunk):
            last = min(first + chunk, lines) - 1
            publisher.send("".join(f"PRIVMSG #busy :{numbered(i)}\r\n" for i in range(first, last + 1)))
            started = time.monotonic()
            for c in (tcp_reader, ws_reader):
                got = c.lines_until(said(numbered(last)), f"line {last} at {c.nick}")
                quits.update((c.nick, l) for l in got if sent_by("lazy", "QUIT", ".*")(l))
                texts = [params_of(l)[-1] for l in got if command_of(l) == "PRIVMSG"]
                check(texts == [numbered(i) for i in range(first, last + 1)],
                      f"{c.nick}: lines {first}..{last} missing or out of order: got {len(texts)}, "
                      f"first {texts[:1]}")
            slowest = max(slowest, time.monotonic() - started)
        eventually(lambda: "lazy: SendQ exceeded" in server.text(), "'lazy: SendQ exceeded' in the log")
        for c in (tcp_reader, ws_reader):
            line = quits.get(c.nick) or c.expect(sent_by("lazy", "QUIT", ".*"), f"lazy's QUIT at {c.nick}")
            check("SendQ exceeded" in line, f"lazy's QUIT at {c.nick}: expected SendQ exceeded, got {line!r}")
        check("reader: SendQ" not in server.text(), "a reader that kept up was cut off: " + server.text()[-1500:])

        # lazy drains what its buffers held, then the end. Its last words are
        # best effort (its window was full), but a close frame says 1008.
        _, frame = lazy.until_close("lazy's end")
        check(frame is None or frame.close_code() == 1008, f"lazy cut off for SendQ: expected close 1008, got {frame}")
        print(f"  lazy cut off; the readers got all {lines} lines, the slowest chunk of {chunk} in {slowest:.2f} s; "
              f"lazy's close frame: {frame}")
        for c in (publisher, tcp_reader, ws_reader):
            c.close()
    finally:
        server.stop()


def upgrade_status(port, origin, what):
    response, reader = attempt_upgrade(port, protocols=[TEXT_PROTOCOL], origin=origin)
    if response.status != 101:
        rest = reader.wait_eof(f"the connection to close after {response.status} for {what}")
        check(rest == b"", f"{what}: bytes after the {response.status}: {rest[:200]!r}")
    reader.sock.close()
    return response


def check_origins(server, allowed, refused, label):
    port = server.web_port
    for i, origin in enumerate(allowed):
        ws = WsClient(port, f"{label}{i}", protocols=[TEXT_PROTOCOL], origin=origin)  # registers: it works
        ws.close()
    for origin in refused:
        response = upgrade_status(port, origin, f"{label}: Origin {origin}")
        check(response.status == 403, f"{label}: Origin {origin}: expected 403, got {response}")


def case_origin(binary, d):
    server = web_server(binary, d)
    try:
        own = f"http://{HOST}:{server.web_port}"
        check_origins(server, [own, None],
                      ["http://evil.example", f"https://{HOST}:{server.web_port}", f"http://{HOST}:1", "null"],
                      "default")
    finally:
        server.stop()
    server = web_server(binary, d, extra=["--web-origins", "http://good.example,https://chat.example.org"])
    try:
        own = f"http://{HOST}:{server.web_port}"
        check_origins(server, ["http://good.example", "https://chat.example.org", None],
                      [own, "http://evil.example", "http://good.example:8080"], "listed")
    finally:
        server.stop()
    server = web_server(binary, d, extra=["--web-origins", "*"])
    try:
        check_origins(server, ["http://evil.example", f"http://{HOST}:{server.web_port}", None], [], "any")
    finally:
        server.stop()


def refused(port, request, status, what, head_only=False):
    """request on a new connection is answered with status (or one of a
    tuple of them), then closed."""
    response, reader = exchange(port, request, head_only)
    statuses = status if isinstance(status, tuple) else (status,)
    check(response.status in statuses, f"{what}: expected {status}, got {response}")
    rest = reader.wait_eof(f"the connection to close after {status} for {what}")
    check(rest == b"", f"{what}: bytes after the {status}: {rest[:200]!r}")
    reader.sock.close()
    return response


def check_page(response, what):
    check(response.status == 200, f"{what}: expected 200, got {response}")
    expected = {"content-type": "text/html; charset=utf-8", "content-security-policy": CSP,
                "x-content-type-options": "nosniff", "referrer-policy": "no-referrer", "cache-control": "no-cache"}
    for name, value in expected.items():
        check(response.header(name) == value, f"{what}: expected {name}: {value}, got {response.header(name)!r}")


def case_http(binary, d):
    server = web_server(binary, d)
    try:
        port = server.web_port
        page, reader = exchange(port, http_request("GET", "/", port))
        check_page(page, "GET /")
        check(page.body.lower().startswith(b"<!doctype html"), f"GET /: not an HTML page: {page.body[:200]!r}")
        # Keep-alive: HEAD, then GET again on the same connection.
        reader.sock.sendall(http_request("HEAD", "/", port))
        head = read_response(reader, head_only=True)
        check_page(head, "HEAD / after GET / on one connection")
        check(head.header("content-length") == str(len(page.body)),
              f"HEAD /: Content-Length {head.header('content-length')}, GET's body has {len(page.body)} bytes")
        reader.sock.sendall(http_request("GET", "/", port))
        again = read_response(reader)
        check_page(again, "a second GET / on one connection")
        check(again.body == page.body, "the second GET / on one connection gave another page")
        reader.sock.close()

        refused(port, http_request("GET", "/nonexistent", port), 404, "GET /nonexistent")
        refused(port, http_request("GET", "/../CMakeLists.txt", port), (400, 404), "GET /../CMakeLists.txt")
        refused(port, http_request("POST", "/", port), 405, "POST /")
        refused(port, http_request("GET", "/", port, [("X-Filler", "a" * 9216)]), 431, "9 KiB of headers")
        refused(port, b"HELLO THERE\r\n\r\n", 400, "a garbage request line")
        refused(port, b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + b"\0" * 64, 400, "binary garbage")
        response, reader = attempt_upgrade(port, protocols=[TEXT_PROTOCOL], version="8")
        check(response.status == 426 and response.header("sec-websocket-version") == "13",
              f"Sec-WebSocket-Version: 8: expected 426 with Sec-WebSocket-Version: 13, got {response}")
        reader.sock.close()

        # The listener survived all that.
        page, reader = exchange(port, http_request("GET", "/", port))
        check_page(page, "GET / after the bad requests")
        reader.sock.close()
    finally:
        server.stop()


# The media types a browser accepts for each kind of file the web client may
# hold (parameters such as charset aside).
MEDIA_TYPES = {
    ".html": {"text/html"},
    ".js": {"text/javascript", "application/javascript"},
    ".css": {"text/css"},
    ".svg": {"image/svg+xml"},
    ".png": {"image/png"},
    ".ico": {"image/x-icon", "image/vnd.microsoft.icon"},
    ".json": {"application/json"},
    ".webmanifest": {"application/manifest+json"},
}


def check_file(port, name, what, body=None):
    """GET and HEAD /name: 200, the media type of its extension, the security
    headers, and (when given) exactly body."""
    got, reader = exchange(port, http_request("GET", f"/{name}", port))
    check(got.status == 200, f"{what}: GET /{name}: expected 200, got {got}")
    media = (got.header("content-type") or "").split(";")[0].strip().lower()
    expected = MEDIA_TYPES[os.path.splitext(name)[1]]
    check(media in expected, f"{what}: GET /{name}: Content-Type {got.header('content-type')!r}, expected {expected}")
    for header in ("content-security-policy", "x-content-type-options", "referrer-policy", "cache-control"):
        check(got.header(header), f"{what}: GET /{name} without {header}: {got}")
    if body is not None:
        check(got.body == body, f"{what}: GET /{name}: {len(got.body)} bytes, not the file's {len(body)}")
    reader.sock.sendall(http_request("HEAD", f"/{name}", port))
    head = read_response(reader, head_only=True)
    check(head.status == 200 and head.header("content-length") == str(len(got.body)),
          f"{what}: HEAD /{name}: expected 200 with Content-Length {len(got.body)}, got {head}")
    reader.sock.close()
    return got


def local_references(html):
    """The files a page loads from its own origin (src and href values)."""
    refs = re.findall(r"""(?:src|href)\s*=\s*["']?([^"' >]+)""", html, re.I)
    return sorted({r.lstrip("./") for r in refs if not re.match(r"[a-z][a-z0-9+.-]*:|//|#", r, re.I)})


def case_files(binary, d):
    # A web root of our own: every kind of file, byte for byte.
    root = os.path.join(d, "webroot")
    os.makedirs(os.path.join(root, "sub"))
    files = {
        "index.html": b'<!doctype html><html><head><link rel="stylesheet" href="style.css">'
                      b'<script src="app.js"></script></head><body>test root</body></html>\n',
        "app.js": b"console.log('sala');\n",
        "style.css": b"body { color: #333; }\n",
        "icon.svg": b'<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>\n',
        "icon.png": bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000") + bytes(range(256)),
        "favicon.ico": bytes(range(256)) * 3,
        "data.json": b'{"a": 1}\n',
        "app.webmanifest": b'{"name": "sala"}\n',
    }
    for name, body in files.items():
        with open(os.path.join(root, name), "wb") as f:
            f.write(body)
    for name in ("notes.txt", "run.sh", os.path.join("sub", "inner.js")):
        with open(os.path.join(root, name), "wb") as f:
            f.write(b"not to be served\n")
    server = web_server(binary, d, extra=["--web-root", root])
    try:
        port = server.web_port
        got, reader = exchange(port, http_request("GET", "/", port))
        check_page(got, "GET / from --web-root")
        check(got.body == files["index.html"], f"GET / from --web-root: not its index.html: {got.body[:200]!r}")
        reader.sock.close()
        for name, body in files.items():
            check_file(port, name, "--web-root", body)
        for name in ("notes.txt", "run.sh", "sub/inner.js", "sub", "missing.js"):
            refused(port, http_request("GET", f"/{name}", port), 404, f"GET /{name} from --web-root")
    finally:
        server.stop()

    # The built-in web client: everything its page loads is served with the
    # right type, and the page needs nothing the CSP forbids.
    server = web_server(binary, d)
    try:
        port = server.web_port
        html = check_file(port, "index.html", "the built-in client").body.decode("utf-8")
        inline_scripts = [m for m in re.findall(r"<script\b[^>]*>", html, re.I) if not re.search(r"\bsrc\s*=", m, re.I)]
        check(not inline_scripts, f"the page has inline scripts, which its CSP blocks: {inline_scripts}")
        check(not re.search(r"<style\b", html, re.I), "the page has a <style> element, which its CSP blocks")
        check(not re.search(r"\sstyle\s*=", html, re.I), "the page has style attributes, which its CSP blocks")
        check(not re.search(r"\son[a-z]+\s*=", html, re.I), "the page has inline event handlers, which its CSP blocks")
        refs = local_references(html)
        for name in refs:
            check(os.path.splitext(name)[1] in MEDIA_TYPES, f"the page loads {name}, of a kind the server does not serve")
            check_file(port, name, "the built-in client")
        print(f"  the built-in page loads {refs or 'nothing else'}")
    finally:
        server.stop()


def case_kill(binary, d):
    server = web_server(binary, d, extra=["--oper", f"boss:{hash_of(binary, OPER_PASSWORD)}"])
    try:
        boss = user(server.port, "boss")
        answer_to(boss, f"OPER boss {OPER_PASSWORD}", ("381",), "381 for boss's OPER")
        ws = WsClient(server.web_port, "alice", protocols=[TEXT_PROTOCOL])
        boss.send("KILL alice :enough\r\n")
        closed_with(ws, 1008, "KILL", error_text="enough")
        boss.close()
    finally:
        server.stop()


def case_ping_timeout(binary, d):
    server = web_server(binary, d, extra=["--ping-interval", "0.5", "--ping-timeout", "1"])
    try:
        # alice never answers the server's PING (the client answers only
        # WebSocket pings by itself).
        ws = WsClient(server.web_port, "alice", protocols=[TEXT_PROTOCOL])
        closed_with(ws, 1008, "a ping timeout")
        check(any(command_of(l) == "PING" for l in ws.seen), f"no PING before the ping timeout: {list(ws.seen)}")
    finally:
        server.stop()


def case_shutdown(binary, d):
    server = web_server(binary, d, extra=["--shutdown-grace", "1"])
    try:
        ws = WsClient(server.web_port, "alice", protocols=[TEXT_PROTOCOL])
        join(ws, "#c")
        server.proc.send_signal(signal.SIGTERM)
        closed_with(ws, 1001, "the server shutting down")
        server.proc.wait(timeout=DEADLINE_S)
    finally:
        server.stop()


def case_timeout(binary, d):
    server = web_server(binary, d, extra=["--registration-timeout", "1"])
    try:
        for label, request in (("nothing", b""), ("half a request", b"GET / HTTP/1.1\r\nHost: x\r\n")):
            s = ws_connect(server.web_port)
            s.sendall(request)
            started = time.monotonic()
            rest = Reader(s).wait_eof(f"the server to close a connection that sent {label}")
            check(not rest.startswith(b"HTTP/1.1 2"), f"{label}: answered {rest[:200]!r}")
            print(f"  {label}: closed after {time.monotonic() - started:.1f} s, having sent {rest[:40]!r}")
            s.close()
        # Upgraded but never registered: an IRC registration timeout.
        ws = WsClient(server.web_port, protocols=[TEXT_PROTOCOL])
        closed_with(ws, 1008, "a WebSocket that never registers")
    finally:
        server.stop()


def case_tls(binary, d):
    cert, key = make_certificate(d, "server")
    server = web_server(binary, d, extra=["--registration-timeout", "5"], tls=(cert, key))
    try:
        port = server.web_port
        ctx = client_context(trust=cert)
        page, reader = exchange(port, http_request("GET", "/", port), tls=ctx)
        check_page(page, "GET / over TLS")
        reader.sock.close()
        tcp = user(server.port, "bob")
        join(tcp, "#c")
        ws = WsClient(port, "alice", protocols=[TEXT_PROTOCOL], tls=ctx, origin=f"https://{HOST}:{port}")
        join(ws, "#c")
        tcp.expect(sent_by("alice", "JOIN", ":?#c"), "alice's JOIN over wss")
        chat_both_ways(ws, tcp, "#c", "over wss")
        response, reader = attempt_upgrade(port, protocols=[TEXT_PROTOCOL], origin=f"http://{HOST}:{port}", tls=ctx)
        check(response.status == 403, f"wss with Origin http://{HOST}:{port}: expected 403, got {response}")
        reader.sock.close()
        # Plain HTTP on the TLS web port gets no page.
        s = ws_connect(port)
        s.sendall(http_request("GET", "/", port))
        rest = Reader(s).wait_eof("the server to close a plain HTTP request on its TLS web port")
        check(b"HTTP/1.1 200" not in rest, f"plain HTTP on the TLS web port was served: {rest[:200]!r}")
        s.close()
        ws.close()
        tcp.close()
    finally:
        server.stop()


def case_no_web(binary, d):
    server = Server(binary, d)  # --web-port 0
    try:
        c = Client(server.port, "alice")  # the server is up and serving
        c.close()
        check("web on" not in server.text(), "--web-port 0 started a web listener: " + server.text()[-1000:])
    finally:
        server.stop()


CASES = {
    "subprotocols": case_subprotocols,
    "ping_close": case_ping_close,
    "oversize": case_oversize,
    "protocol": case_protocol,
    "flood": case_flood,
    "sendq": case_sendq,
    "origin": case_origin,
    "http": case_http,
    "files": case_files,
    "kill": case_kill,
    "ping_timeout": case_ping_timeout,
    "shutdown": case_shutdown,
    "timeout": case_timeout,
    "tls": case_tls,
    "no_web": case_no_web,
}


if __name__ == "__main__":
    sys.exit(run_cases(__doc__, CASES, "sala-websocket-"))
