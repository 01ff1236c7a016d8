#!/usr/bin/env python3
"""Accounts as a user meets them: SASL, REGISTER and NickServ against a real
chat-server over real sockets.

Cases:
  plain        SASL PLAIN: success, wrong password, authzid rules, 400-byte
               chunks (split, and exactly 400 then '+'), unknown mechanism
               (908, 904), abort (906), already logged in (907), a line over 400
               bytes (905), a message over 1600 bytes (904)
  scram        SASL SCRAM-SHA-256 with the server signature verified; a wrong
               password and an unknown account both fail only at the end
  external     SASL EXTERNAL on the TLS port with a client certificate added
               by NickServ CERT ADD; unknown or missing certificates fail; the
               plain port does not offer it
  register     draft/account-registration REGISTER and VERIFY, before and
               after connection registration, and its rate limit
  nickserv     every NickServ command, GHOST and DROP included
  enforcement  a registered nick used without logging in is renamed after
               --nick-grace; a user who IDENTIFYs in time keeps it
  identity     account-notify, extended-join, account-tag and WHOIS 330 as a
               channel mate sees them
  throttle     10 failed logins a minute per address: the 11th attempt is
               refused even with the right password
  flood        1,000 concurrent SASL logins while two users chat: every line
               arrives in order and every login is answered
  persist      accounts survive a restart; a damaged or deleted row lets no
               one in and does not crash the server
  private      private messages are kept when an end is logged in, and read
               back through the account with CHATHISTORY and TARGETS; a user
               without an account reads nothing back
  client       chat-client logs in with --sasl (PLAIN and SCRAM-SHA-256, the
               password from SALA_PASSWORD or --password-file) and a channel
               mate sees its account; a wrong password stops it (exit 1).
               Runs when $SALA_CLIENT names the chat-client binary.

Every wait has a deadline that does not depend on this machine's speed; the
timings printed are information, not verdicts. Loopback only.
Usage: accounts_test.py CHAT_SERVER [case ...]
"""
import base64
import collections
import hashlib
import hmac
import os
import re
import sqlite3
import statistics
import subprocess
import sys
import threading
import time

import irc_test_client
from irc_test_client import (Client, Server, caps_offered, closed_by_server, command_of, finish_registration,
                             numeric_in, split_tags, wait_nick_free)
from loopback_checks import (DEADLINE_S, HOST, Failure, check, client_context, der_sha256, make_certificate,
                             run_cases)

# The server's fixed windows (DESIGN.md, "Limits"): when a burst meant to fill
# one window took longer than this, the window may have rolled over and the
# limit cannot be judged; the case says so instead of failing.
WINDOW_S = 60
PASSWORD = "correct-horse-battery"


# ---- SASL from the client's side ---------------------------------------------

def b64(data):
    return base64.b64encode(data if isinstance(data, bytes) else data.encode()).decode()


def send_authenticate(c, encoded):
    """SASL 3.1: 400-byte chunks, and '+' after a last chunk of exactly 400."""
    chunks = [encoded[i:i + 400] for i in range(0, len(encoded), 400)]
    if not chunks or len(chunks[-1]) == 400:
        chunks.append("+")
    c.send("".join(f"AUTHENTICATE {chunk}\r\n" for chunk in chunks))


def connecting(port, nick, caps=("sasl",), tls=None, source=None):
    """In CAP negotiation with caps acknowledged: SASL unless others are named."""
    return irc_test_client.connecting(port, nick, caps, tls=tls, source=source)

def sasl_plain(c, account, password, authzid=""):
    """A whole PLAIN exchange; returns every line up to its 90x end."""
    c.send("AUTHENTICATE PLAIN\r\n")
    line = c.expect(lambda l: l == "AUTHENTICATE +" or command_of(l).startswith("90"), "AUTHENTICATE +")
    check(line == "AUTHENTICATE +", f"expected 'AUTHENTICATE +' after AUTHENTICATE PLAIN, got {line}")
    send_authenticate(c, b64(f"{authzid}\0{account}\0{password}"))
    return c.lines_until(numeric_in("903", "904", "905", "906", "907"), "the end of SASL PLAIN (903/904)")


def check_logged_in(lines, nick, account, what):
    found = [l for l in lines if command_of(l) == "900"]
    check(len(found) == 1 and re.search(rf" 900 {re.escape(nick)} {re.escape(nick)}!\S+@\S+ {re.escape(account)} "
                                        rf":You are now logged in as {re.escape(account)}$", found[0]),
          f"{what}: expected one '900 {nick} {nick}!user@host {account} :You are now logged in as {account}', "
          f"saw {lines}")
    check(command_of(lines[-1]) == "903" and lines[-1].endswith(f" 903 {nick} :SASL authentication successful"),
          f"{what}: expected '903 {nick} :SASL authentication successful' last, saw {lines}")


def check_failed(lines, what, reason=None):
    check(command_of(lines[-1]) == "904", f"{what}: expected 904, saw {lines}")
    check(not any(command_of(l) in ("900", "903") for l in lines), f"{what}: logged in anyway: {lines}")
    if reason:
        check(reason in lines[-1], f"{what}: expected 904 with {reason!r}, saw {lines[-1]}")


def saslname(name):
    return name.replace("=", "=3D").replace(",", "=2C")


def scram_attrs(message):
    return dict(item.split("=", 1) for item in message.split(","))


def sasl_scram(c, account, password):
    """A whole SCRAM-SHA-256 exchange (RFC 5802/7677, no channel binding).

    Returns (lines, server_first): lines end with 903 or 904. The server's
    signature is checked here: a server that cannot prove it knows the
    password is a failure of the test, not a failed login."""
    c.send("AUTHENTICATE SCRAM-SHA-256\r\n")
    line = c.expect(lambda l: l.startswith("AUTHENTICATE ") or command_of(l).startswith("90"), "AUTHENTICATE +")
    check(line == "AUTHENTICATE +", f"expected 'AUTHENTICATE +' after AUTHENTICATE SCRAM-SHA-256, got {line}")
    client_nonce = b64(os.urandom(18))
    first_bare = f"n={saslname(account)},r={client_nonce}"
    send_authenticate(c, b64("n,," + first_bare))
    line = c.expect(lambda l: l.startswith("AUTHENTICATE ") or command_of(l).startswith("90"), "server-first")
    check(line.startswith("AUTHENTICATE ") and line != "AUTHENTICATE +",
          f"expected 'AUTHENTICATE <server-first>' for {account}, got {line}")
    server_first = base64.b64decode(line.split(" ", 1)[1]).decode()
    attrs = scram_attrs(server_first)
    check(set(attrs) >= {"r", "s", "i"}, f"server-first without r, s or i: {server_first}")
    check(attrs["r"].startswith(client_nonce) and len(attrs["r"]) > len(client_nonce),
          f"server nonce does not extend the client's {client_nonce}: {server_first}")
    iterations = int(attrs["i"])
    check(iterations >= 4096, f"expected at least 4096 iterations (RFC 7677), got {iterations}")
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), base64.b64decode(attrs["s"]), iterations)
    client_key = hmac.digest(salted, b"Client Key", "sha256")
    stored_key = hashlib.sha256(client_key).digest()
    without_proof = f"c={b64('n,,')},r={attrs['r']}"
    auth_message = f"{first_bare},{server_first},{without_proof}".encode()
    signature = hmac.digest(stored_key, auth_message, "sha256")
    proof = bytes(a ^ b for a, b in zip(client_key, signature))
    send_authenticate(c, b64(f"{without_proof},p={b64(proof)}"))
    seen = c.lines_until(lambda l: l.startswith("AUTHENTICATE ") or command_of(l) in ("903", "904", "905", "906"),
                         "server-final or 904")
    if not seen[-1].startswith("AUTHENTICATE "):
        return seen, attrs
    server_final = base64.b64decode(seen[-1].split(" ", 1)[1]).decode()
    server_key = hmac.digest(salted, b"Server Key", "sha256")
    expected = "v=" + b64(hmac.digest(server_key, auth_message, "sha256"))
    check(server_final == expected, f"server signature: expected {expected}, got {server_final}")
    c.send("AUTHENTICATE +\r\n")
    seen += c.lines_until(numeric_in("903", "904", "905", "906", "907"), "the end of SASL SCRAM (903/904)")
    return seen, attrs


def sasl_external(c):
    c.send("AUTHENTICATE EXTERNAL\r\n")
    line = c.expect(lambda l: l == "AUTHENTICATE +" or command_of(l).startswith("90"), "AUTHENTICATE +")
    if line != "AUTHENTICATE +":
        return [line]
    c.send("AUTHENTICATE +\r\n")
    return c.lines_until(numeric_in("903", "904", "905", "906", "907"), "the end of SASL EXTERNAL (903/904)")


def make_account(port, nick, password=PASSWORD, tls=None):
    """A registered account, its connection gone: the nick is free after."""
    c = Client(port, nick, tls=tls)
    c.send(f"REGISTER * * {password}\r\n")
    line = c.expect(lambda l: " REGISTER " in l or command_of(l) == "FAIL", f"REGISTER's answer for {nick}")
    check(line.endswith(f" REGISTER SUCCESS {nick} :Account created"),
          f"expected 'REGISTER SUCCESS {nick} :Account created', got {line}")
    c.expect(numeric_in("900"), f"900 after registering {nick}")
    c.quit()
    wait_nick_free(port, nick)


def whois_account(c, nick):
    c.send(f"WHOIS {nick}\r\n")
    lines = c.lines_until(lambda l: command_of(l) == "318", f"the end of WHOIS {nick}")
    found = [l for l in lines if command_of(l) == "330"]
    return found[0] if found else None, lines


# ---- cases -------------------------------------------------------------------

def case_plain(binary, d):
    server = Server(binary, d)
    try:
        long_password = "L" * 300  # "longpw\0longpw\0" + 300 bytes: 420 bytes of base64
        exact_password = "E" * 292  # "\0exact4\0" + 292 bytes = 300 bytes: exactly 400 of base64
        make_account(server.port, "alice")
        make_account(server.port, "longpw", long_password)
        make_account(server.port, "exact4", exact_password)

        c = connecting(server.port, "p1")
        lines = sasl_plain(c, "alice", "wrong-password")
        check_failed(lines, "PLAIN with a wrong password", "Invalid account name or password")
        lines = sasl_plain(c, "alice", PASSWORD, authzid="bob")
        check_failed(lines, "PLAIN with the authzid of another account")
        lines = sasl_plain(c, "alice", PASSWORD)
        check_logged_in(lines, "p1", "alice", "PLAIN with the right password")
        lines = sasl_plain_start_only(c)
        check(lines[-1].endswith(" 907 p1 :You have already authenticated using SASL"),
              f"expected '907 p1 :You have already authenticated using SASL' when logged in, saw {lines}")
        finish_registration(c)
        line, lines = whois_account(c, "p1")
        check(line is not None and line.endswith(" 330 p1 p1 alice :is logged in as"),
              f"expected '330 p1 p1 alice :is logged in as' in WHOIS, saw {lines}")

        c2 = connecting(server.port, "p2")
        lines = sasl_plain(c2, "alice", PASSWORD, authzid="alice")
        check_logged_in(lines, "p2", "alice", "PLAIN with authzid == authcid")

        c3 = connecting(server.port, "p3")
        encoded = b64(f"longpw\0longpw\0{long_password}")
        check(len(encoded) > 400, f"test setup: {len(encoded)} bytes of base64")
        lines = sasl_plain(c3, "longpw", long_password, authzid="longpw")
        check_logged_in(lines, "p3", "longpw", f"PLAIN in two chunks (400 + {len(encoded) - 400})")

        c4 = connecting(server.port, "p4")
        check(len(b64(f"\0exact4\0{exact_password}")) == 400, "test setup: not exactly 400 bytes")
        lines = sasl_plain(c4, "exact4", exact_password)
        check_logged_in(lines, "p4", "exact4", "PLAIN of exactly 400 bytes then '+'")

        c5 = connecting(server.port, "p5")
        c5.send("AUTHENTICATE FOO-BAR\r\n")
        lines = c5.lines_until(numeric_in("904"), "904 for an unknown mechanism")
        check(len(lines) == 2 and lines[0].endswith(" 908 p5 PLAIN,SCRAM-SHA-256 :are available SASL mechanisms"),
              f"expected '908 p5 PLAIN,SCRAM-SHA-256 :are available SASL mechanisms' then 904, saw {lines}")
        c5.send("AUTHENTICATE PLAIN\r\n")
        c5.expect(lambda l: l == "AUTHENTICATE +", "AUTHENTICATE + after the unknown mechanism")
        c5.send("AUTHENTICATE *\r\n")
        line = c5.expect(lambda l: command_of(l).startswith("90"), "906 for an abort")
        check(line.endswith(" 906 p5 :SASL authentication aborted"),
              f"expected '906 p5 :SASL authentication aborted', got {line}")
        # Too long: one chunk over 400 bytes, then a message over 1600.
        c5.send("AUTHENTICATE PLAIN\r\n")
        c5.expect(lambda l: l == "AUTHENTICATE +", "AUTHENTICATE +")
        c5.send("AUTHENTICATE " + "A" * 401 + "\r\n")
        line = c5.expect(lambda l: command_of(l).startswith("90"), "905 for a chunk of 401 bytes")
        check(command_of(line) == "905", f"expected 905 for a 401-byte chunk, got {line}")
        c5.send("AUTHENTICATE PLAIN\r\n")
        c5.expect(lambda l: l == "AUTHENTICATE +", "AUTHENTICATE +")
        c5.send("AUTHENTICATE " + "A" * 400 + "\r\n")
        c5.send(("AUTHENTICATE " + "A" * 400 + "\r\n") * 3 + "AUTHENTICATE AAAA\r\n")
        line = c5.expect(lambda l: command_of(l).startswith("90"), "the refusal of a message over 1600 bytes")
        # 905 is for one line over 400 bytes (SASL 3.1); a message that never
        # ends is a failed login.
        check(line.endswith(" 904 p5 :SASL authentication failed: message too long"),
              f"expected '904 p5 :SASL authentication failed: message too long' after 1604 bytes of base64, "
              f"got {line}")
        # The connection still works: a login after all that.
        lines = sasl_plain(c5, "alice", PASSWORD)
        check_logged_in(lines, "p5", "alice", "PLAIN after the refused attempts")
        finish_registration(c5)
        for x in (c, c2, c3, c4, c5):
            x.close()
    finally:
        server.stop()


def sasl_plain_start_only(c):
    c.send("AUTHENTICATE PLAIN\r\n")
    return [c.expect(lambda l: l.startswith("AUTHENTICATE ") or command_of(l).startswith("90"),
                     "an answer to AUTHENTICATE PLAIN")]


def case_scram(binary, d):
    server = Server(binary, d)
    try:
        make_account(server.port, "alice")
        c = connecting(server.port, "s1")
        lines, known = sasl_scram(c, "alice", PASSWORD)
        check_logged_in(lines, "s1", "alice", "SCRAM with the right password")
        finish_registration(c)
        line, lines = whois_account(c, "s1")
        check(line is not None and line.endswith(" 330 s1 s1 alice :is logged in as"),
              f"expected '330 s1 s1 alice :is logged in as', saw {lines}")

        c2 = connecting(server.port, "s2")
        lines, _ = sasl_scram(c2, "alice", "wrong-password")
        check_failed(lines, "SCRAM with a wrong password")
        # An unknown account looks like a known one until the proof.
        lines, unknown = sasl_scram(c2, "nobody", PASSWORD)
        check_failed(lines, "SCRAM for an unknown account")
        check(unknown["i"] == known["i"] and len(base64.b64decode(unknown["s"])) == len(base64.b64decode(known["s"])),
              f"an unknown account's server-first differs in shape: known {known}, unknown {unknown}")
        # Case differences in the name reach the same account.
        lines, _ = sasl_scram(c2, "ALICE", PASSWORD)
        check(command_of(lines[-1]) == "903", f"expected 903 for SCRAM as ALICE, saw {lines}")
        c.close()
        c2.close()
    finally:
        server.stop()


def case_external(binary, d):
    server_cert = make_certificate(d, "server")
    mine = make_certificate(d, "mine", "mine")
    spare = make_certificate(d, "spare", "spare")
    stranger = make_certificate(d, "stranger", "stranger")
    server = Server(binary, d, tls=server_cert)
    try:
        plain = Client(server.port)
        offered = caps_offered(plain)
        check(offered.get("sasl") == "PLAIN,SCRAM-SHA-256",
              f"plain port: expected sasl=PLAIN,SCRAM-SHA-256, got sasl={offered.get('sasl')}")
        plain.close()
        secure = Client(server.tls_port, tls=client_context())
        offered = caps_offered(secure)
        check(offered.get("sasl") == "PLAIN,SCRAM-SHA-256,EXTERNAL",
              f"TLS port: expected sasl=PLAIN,SCRAM-SHA-256,EXTERNAL, got sasl={offered.get('sasl')}")
        secure.close()

        owner = Client(server.tls_port, "alice", client_context(client_cert=mine))
        owner.nickserv(f"REGISTER {PASSWORD}", "registered; you are now logged in")
        fp = der_sha256(mine[0])
        owner.nickserv("CERT ADD", f"Certificate {fp} can now log you in.")
        spare_fp = der_sha256(spare[0])
        owner.nickserv(f"CERT ADD {spare_fp.upper()}", f"Certificate {spare_fp} can now log you in.")
        owner.send("PRIVMSG NickServ :CERT LIST\r\n")
        owner.notice("Certificates that log in to alice:")
        listed = {owner.notice("").split(" :", 1)[1] for _ in range(2)}
        check(listed == {fp, spare_fp}, f"CERT LIST: expected {{{fp}, {spare_fp}}}, got {listed}")

        c = connecting(server.tls_port, "e1", tls=client_context(client_cert=mine))
        check_logged_in(sasl_external(c), "e1", "alice", "EXTERNAL with the added certificate")
        finish_registration(c)
        c2 = connecting(server.tls_port, "e2", tls=client_context(client_cert=spare))
        check_logged_in(sasl_external(c2), "e2", "alice", "EXTERNAL with a certificate added by fingerprint")

        owner.nickserv(f"CERT DEL {spare_fp}", f"Certificate {spare_fp} removed.")
        c3 = connecting(server.tls_port, "e3", tls=client_context(client_cert=spare))
        check_failed(sasl_external(c3), "EXTERNAL with a removed certificate")
        c4 = connecting(server.tls_port, "e4", tls=client_context(client_cert=stranger))
        check_failed(sasl_external(c4), "EXTERNAL with an unregistered certificate")
        c5 = connecting(server.tls_port, "e5", tls=client_context())
        check_failed(sasl_external(c5), "EXTERNAL without a client certificate")
        c6 = connecting(server.port, "e6")
        c6.send("AUTHENTICATE EXTERNAL\r\n")
        lines = c6.lines_until(numeric_in("904"), "904 for EXTERNAL on the plain port")
        check(len(lines) == 2 and lines[0].endswith(" 908 e6 PLAIN,SCRAM-SHA-256 :are available SASL mechanisms"),
              f"expected 908 then 904 for EXTERNAL on the plain port, saw {lines}")
        for x in (owner, c, c2, c3, c4, c5, c6):
            x.close()
    finally:
        server.stop()


def register_answer(c, what):
    return c.expect(lambda l: command_of(l) in ("REGISTER", "FAIL", "461"), what)


def case_register(binary, d):
    server = Server(binary, d)
    try:
        # Before connection registration: after NICK, without USER or CAP END.
        early = Client(server.port)
        early.send("CAP LS 302\r\nREGISTER * * " + PASSWORD + "\r\n")
        line = register_answer(early, "REGISTER before NICK")
        check(" FAIL REGISTER NEED_NICK " in line, f"expected FAIL REGISTER NEED_NICK before NICK, got {line}")
        early.nick = "r1"
        early.send("NICK r1\r\nREGISTER * * short\r\n")
        line = register_answer(early, "REGISTER with a short password")
        check(" FAIL REGISTER WEAK_PASSWORD r1 :" in line, f"expected FAIL REGISTER WEAK_PASSWORD r1, got {line}")
        early.send(f"REGISTER * * {PASSWORD}\r\n")
        line = register_answer(early, "REGISTER before registration completes")
        check(line.endswith(" REGISTER SUCCESS r1 :Account created"),
              f"expected 'REGISTER SUCCESS r1 :Account created', got {line}")
        line = early.expect(numeric_in("900"), "900 after REGISTER")
        check(re.search(r" 900 r1 r1!\S+@\S+ r1 :You are now logged in as r1$", line),
              f"expected '900 r1 r1!user@host r1 :You are now logged in as r1', got {line}")
        early.send(f"REGISTER * * {PASSWORD}\r\n")
        line = register_answer(early, "a second REGISTER")
        check(" FAIL REGISTER ALREADY_AUTHENTICATED " in line, f"expected ALREADY_AUTHENTICATED, got {line}")
        early.send("USER r1 0 * :r1\r\nCAP END\r\n")
        early.expect(lambda l: " 001 r1 " in l, "the welcome after REGISTER")
        line, lines = whois_account(early, "r1")
        check(line is not None and line.endswith(" 330 r1 r1 r1 :is logged in as"),
              f"expected '330 r1 r1 r1 :is logged in as', saw {lines}")

        # After connection registration, naming the current nick.
        late = Client(server.port, "r2")
        late.send(f"REGISTER someone-else * {PASSWORD}\r\n")
        line = register_answer(late, "REGISTER naming another account")
        # Without custom-account-name an account is named after the nick.
        check(" FAIL REGISTER ACCOUNT_NAME_MUST_BE_NICK someone-else :" in line,
              f"expected FAIL REGISTER ACCOUNT_NAME_MUST_BE_NICK someone-else, got {line}")
        late.send(f"REGISTER r2 * {PASSWORD}\r\n")
        line = register_answer(late, "REGISTER r2")
        check(line.endswith(" REGISTER SUCCESS r2 :Account created"),
              f"expected 'REGISTER SUCCESS r2 :Account created', got {line}")
        late.expect(numeric_in("900"), "900 after REGISTER r2")
        # A nick someone holds is no name for a new account either.
        holder_nick = Client(server.port)
        holder_nick.send("CAP LS 302\r\nNICK r2\r\n")
        holder_nick.expect(numeric_in("433"), "433 for NICK r2 while r2 is connected")
        holder_nick.send(f"REGISTER * * {PASSWORD}\r\n")
        line = register_answer(holder_nick, "REGISTER after the nick was refused")
        check(" FAIL REGISTER ACCOUNT_EXISTS r2 :" in line,
              f"expected FAIL REGISTER ACCOUNT_EXISTS r2 after 433 for r2, got {line}")
        holder_nick.close()
        late.send("VERIFY r2 123456\r\n")
        line = late.expect(lambda l: command_of(l) == "FAIL", "VERIFY's answer")
        check(" FAIL VERIFY INVALID_CODE " in line, f"expected FAIL VERIFY INVALID_CODE, got {line}")

        # Taken: r1's connection gone, someone else registers r1 again.
        early.quit()
        wait_nick_free(server.port, "r1")
        again = Client(server.port, "r1")
        again.send(f"REGISTER * * {PASSWORD}-other\r\n")
        line = register_answer(again, "REGISTER of a taken name")
        check(" FAIL REGISTER ACCOUNT_EXISTS r1 :" in line, f"expected FAIL REGISTER ACCOUNT_EXISTS r1, got {line}")
        late.close()
        again.close()
    finally:
        server.stop()

    # The rate limit, on a server of its own: 5 a minute per address.
    server = Server(binary, d)
    try:
        started = time.monotonic()
        answers = []
        for i in range(6):
            c = Client(server.port, f"q{i}")
            c.send(f"REGISTER * * {PASSWORD}\r\n")
            answers.append(register_answer(c, f"REGISTER q{i}"))
            c.close()
        elapsed = time.monotonic() - started
        for i, line in enumerate(answers[:5]):
            check(line.endswith(f" REGISTER SUCCESS q{i} :Account created"),
                  f"registration {i + 1} of 5 in a minute: expected SUCCESS, got {line}")
        if elapsed < WINDOW_S:
            check(" FAIL REGISTER TEMPORARILY_UNAVAILABLE q5 " in answers[5],
                  f"6th registration within {elapsed:.1f} s: expected TEMPORARILY_UNAVAILABLE, got {answers[5]}")
        else:
            print(f"  note: 6 registrations took {elapsed:.0f} s; the rate limit's window may have rolled over, "
                  f"not judged")
    finally:
        server.stop()


def case_nickserv(binary, d):
    server = Server(binary, d)
    try:
        alice = Client(server.port, "alice")
        alice.nickserv("HELP", "NickServ keeps accounts")
        alice.notice("DROP <account>", "the last HELP line")
        alice.send("NICKSERV HELP\r\n")
        alice.notice("NickServ keeps accounts", "HELP through the NICKSERV command")
        alice.send("NS help\r\n")
        alice.notice("NickServ keeps accounts", "HELP through the NS command")
        alice.nickserv("FROBNICATE", "Unknown command FROBNICATE")
        alice.nickserv("LOGOUT", "You are not logged in.")
        alice.nickserv("REGISTER short", "Passwords must be at least 8 bytes long.")
        alice.nickserv(f"REGISTER {PASSWORD}", "Account alice registered; you are now logged in.")
        alice.expect(lambda l: command_of(l) == "900" and l.endswith(":You are now logged in as alice"), "900")
        alice.nickserv(f"REGISTER {PASSWORD}", "You are already logged in as alice.")
        alice.nickserv("LOGOUT", "You are now logged out.")
        line = alice.expect(numeric_in("901"), "901 after LOGOUT")
        check(line.endswith(" :You are now logged out"), f"expected '901 ... :You are now logged out', got {line}")
        alice.nickserv("IDENTIFY wrong-password", "Invalid account name or password.")
        alice.nickserv(f"IDENTIFY {PASSWORD}", "You are now logged in as alice.")
        alice.expect(numeric_in("900"), "900 after IDENTIFY")
        alice.nickserv("LOGOUT", "You are now logged out.")
        alice.send(f"NS IDENTIFY alice {PASSWORD}\r\n")
        alice.notice("You are now logged in as alice.", "IDENTIFY alice <password>")
        alice.expect(numeric_in("900"), "900 after IDENTIFY alice")

        # GHOST: a connection logged in to the account, then one holding its nick.
        bob = Client(server.port, "bob")
        second = Client(server.port, "alice_2")
        second.nickserv(f"IDENTIFY alice {PASSWORD}", "You are now logged in as alice.")
        alice.nickserv("GHOST alice", "That is you.")
        alice.nickserv("GHOST nobody", "No one is using the nick nobody.")
        alice.nickserv("GHOST bob", "bob is not logged in to your account and is not its name.")
        alice.nickserv("GHOST alice_2", "alice_2 has been disconnected.")
        last = closed_by_server(second, "the ghosted connection")
        check(any(l.startswith("ERROR ") and "(Ghosted by alice)" in l for l in last),
              f"expected ERROR '... (Ghosted by alice)' to the ghost, saw {last[-5:]}")
        elsewhere = Client(server.port, "elsewhere")
        elsewhere.nickserv(f"IDENTIFY alice {PASSWORD}", "You are now logged in as alice.")
        elsewhere.nickserv("GHOST alice", "alice has been disconnected.")
        last = closed_by_server(alice, "the connection holding the account's nick")
        check(any(l.startswith("ERROR ") and "(Ghosted by alice)" in l for l in last),
              f"expected ERROR '... (Ghosted by alice)' to the nick's holder, saw {last[-5:]}")
        wait_nick_free(server.port, "alice")
        elsewhere.send("NICK alice\r\n")
        line = elsewhere.expect(lambda l: command_of(l) in ("NICK", "433", "432"), "taking the freed nick")
        check(command_of(line) == "NICK" and line.startswith(":elsewhere!"),
              f"expected to take the nick alice after GHOST, got {line}")
        elsewhere.nick = "alice"

        # CERT on the plain port: fingerprints named explicitly.
        fp = hashlib.sha256(b"some certificate").hexdigest()
        elsewhere.nickserv("CERT ADD", "Name a fingerprint, or connect with a client certificate.")
        elsewhere.nickserv("CERT ADD xyz", "That is not a SHA-256 certificate fingerprint.")
        elsewhere.nickserv(f"CERT ADD {fp}", f"Certificate {fp} can now log you in.")
        elsewhere.send("PRIVMSG NickServ :CERT LIST\r\n")
        elsewhere.notice("Certificates that log in to alice:")
        line = elsewhere.notice("")
        check(line.endswith(f" :{fp}"), f"CERT LIST: expected {fp}, got {line}")
        elsewhere.nickserv(f"CERT DEL {fp}", f"Certificate {fp} removed.")
        elsewhere.nickserv(f"CERT DEL {fp}", "That certificate is not on your account.")
        elsewhere.nickserv("CERT LIST", "No certificates log in to alice.")

        # SET PASSWORD: the old one stops working, the new one works.
        new_password = "another-long-password"
        elsewhere.nickserv("SET PASSWORD short", "Passwords must be at least 8 bytes long.")
        elsewhere.nickserv(f"SET PASSWORD {new_password}", "Your password has been changed.")
        check_login = Client(server.port, "checker")
        check_login.nickserv(f"IDENTIFY alice {PASSWORD}", "Invalid account name or password.")
        check_login.nickserv(f"IDENTIFY alice {new_password}", "You are now logged in as alice.")
        check_login.nickserv("LOGOUT", "You are now logged out.")

        # DROP: must name the account; then logged out and gone.
        elsewhere.nickserv("DROP", "To delete your account for good, type: /msg NickServ DROP alice")
        elsewhere.nickserv("DROP alice", "Account alice has been dropped.")
        line = elsewhere.expect(numeric_in("901"), "901 after DROP")
        line, lines = whois_account(elsewhere, "alice")
        check(line is None, f"expected no 330 after DROP, saw {lines}")
        check_login.nickserv(f"IDENTIFY alice {new_password}", "Invalid account name or password.")
        elsewhere.nickserv("LOGOUT", "You are not logged in.")

        # NickServ is not a nick anyone can take.
        bob.send("NICK NickServ\r\n")
        line = bob.expect(lambda l: command_of(l) in ("NICK", "432", "433"), "the answer to NICK NickServ")
        check(command_of(line) == "432", f"expected 432 for NICK NickServ, got {line}")
        for x in (bob, elsewhere, check_login):
            x.close()
    finally:
        server.stop()


def case_enforcement(binary, d):
    grace = 2
    server = Server(binary, d, nick_grace=grace)
    try:
        make_account(server.port, "alice")
        make_account(server.port, "bob")
        watcher = Client(server.port, "watcher")
        watcher.send("JOIN #guard\r\n")
        watcher.expect(lambda l: command_of(l) == "366", "JOIN's NAMES")

        # bob first, logging in within the grace; then alice, who does not.
        bob = Client(server.port, "bob")
        bob.notice("belongs to a registered account", "bob's warning")
        bob.nickserv(f"IDENTIFY {PASSWORD}", "You are now logged in as bob.")
        bob.send("JOIN #guard\r\n")
        bob.expect(lambda l: command_of(l) == "366", "JOIN's NAMES")
        connected = time.monotonic()  # before the server could start alice's grace
        alice = Client(server.port, "alice")
        line = alice.notice("belongs to a registered account", "alice's warning")
        check(f"within {grace} seconds" in line, f"expected the warning to say 'within {grace} seconds', got {line}")
        alice.send("JOIN #guard\r\n")
        alice.expect(lambda l: command_of(l) == "366", "JOIN's NAMES")
        watcher.expect(lambda l: l.startswith(":alice!") and command_of(l) == "JOIN", "alice's JOIN")

        line = watcher.expect(lambda l: l.startswith(":alice!") and command_of(l) == "NICK", "alice renamed")
        renamed_after = time.monotonic() - connected
        check(re.search(r" NICK :?Guest-\d{5}$", line), f"expected ':alice!u@h NICK :Guest-NNNNN', got {line}")
        guest = line.rsplit(" ", 1)[1].lstrip(":")
        lines = alice.lines_until(lambda l: command_of(l) == "NICK", "alice's own NICK line")
        check(lines[-1] == line, f"alice saw {lines[-1]}, the channel saw {line}")
        check(any(l.startswith(":NickServ!") and f"your nick is now {guest}." in l for l in lines),
              f"expected NickServ's notice 'your nick is now {guest}.' before the NICK, saw {lines}")
        print(f"  renamed {renamed_after:.2f} s after connecting (grace {grace} s)")
        # A lower bound only: a slow machine makes the rename later, never earlier.
        check(renamed_after >= grace - 0.1, f"renamed {renamed_after:.2f} s after connecting, before the {grace} s grace")
        # bob's grace ran out before alice's: no NICK for him.
        lines = bob.fence("after-grace")
        check(not any(l.startswith(":bob!") and command_of(l) == "NICK" for l in lines),
              f"bob, logged in, was renamed: {lines}")
        watcher.send("NAMES #guard\r\n")
        lines = watcher.lines_until(numeric_in("366"), "NAMES #guard")
        names = " ".join(l.split(" :", 1)[1] for l in lines if command_of(l) == "353").split()
        check("bob" in names and guest in names and "alice" not in names,
              f"expected bob and {guest} and no alice in #guard, got {names}")
        # A user who takes the nick with the account is left alone.
        alice.send(f"NICK alice\r\nPRIVMSG NickServ :IDENTIFY {PASSWORD}\r\n")
        alice.notice("You are now logged in as alice.", "IDENTIFY after the rename")
        for x in (watcher, bob, alice):
            x.close()
    finally:
        server.stop()


def case_identity(binary, d):
    server = Server(binary, d)
    try:
        make_account(server.port, "alice")
        make_account(server.port, "carol")
        seer = Client(server.port)
        seer.nick = "seer"
        seer.send("CAP LS 302\r\nNICK seer\r\nUSER seer 0 * :Seer\r\n"
                  "CAP REQ :account-notify extended-join account-tag server-time\r\nCAP END\r\n")
        seer.expect(lambda l: " 001 seer " in l, "seer's welcome")
        plainview = Client(server.port, "plainview")
        for c in (seer, plainview):
            c.send("JOIN #id\r\n")
            c.expect(numeric_in("366"), "JOIN's NAMES")

        alice = connecting(server.port, "alice")
        check_logged_in(sasl_plain(alice, "alice", PASSWORD), "alice", "alice", "alice's login")
        finish_registration(alice)
        carol = Client(server.port, "carol")
        for c in (alice, carol):
            c.send("JOIN #id\r\n")
            c.expect(numeric_in("366"), "JOIN's NAMES")

        def join_of(nick):
            return lambda l: split_tags(l)[1].startswith(f":{nick}!") and command_of(l) == "JOIN"

        line = split_tags(seer.expect(join_of("alice"), "alice's JOIN"))[1]
        check(re.fullmatch(r":alice!\S+@\S+ JOIN #id alice :alice", line),
              f"extended-join: expected ':alice!u@h JOIN #id alice :alice', got {line}")
        line = split_tags(seer.expect(join_of("carol"), "carol's JOIN"))[1]
        check(re.fullmatch(r":carol!\S+@\S+ JOIN #id \* :carol", line),
              f"extended-join: expected ':carol!u@h JOIN #id * :carol', got {line}")
        line = plainview.expect(join_of("alice"), "alice's JOIN")
        check(re.fullmatch(r":alice!\S+@\S+ JOIN :?#id", line), f"plain JOIN: expected no account, got {line}")

        alice.send("PRIVMSG #id :from alice\r\n")
        line = seer.expect(lambda l: l.endswith("PRIVMSG #id :from alice"), "alice's line")
        tags, _ = split_tags(line)
        check(tags.get("account") == "alice" and "time" in tags,
              f"account-tag with server-time: expected @time=...;account=alice, got {line}")
        carol.send("PRIVMSG #id :from carol\r\n")
        line = seer.expect(lambda l: l.endswith("PRIVMSG #id :from carol"), "carol's line")
        check("account" not in split_tags(line)[0], f"expected no account tag for carol (not logged in), got {line}")
        line = plainview.expect(lambda l: l.endswith("PRIVMSG #id :from alice"), "alice's line")
        check(not line.startswith("@"), f"tags sent to a client that asked for none: {line}")

        carol.nickserv(f"IDENTIFY {PASSWORD}", "You are now logged in as carol.")
        line = split_tags(seer.expect(lambda l: command_of(l) == "ACCOUNT", "carol's ACCOUNT"))[1]
        check(re.fullmatch(r":carol!\S+@\S+ ACCOUNT carol", line), f"expected ':carol!u@h ACCOUNT carol', got {line}")
        carol.nickserv("LOGOUT", "You are now logged out.")
        line = split_tags(seer.expect(lambda l: command_of(l) == "ACCOUNT", "carol's ACCOUNT *"))[1]
        check(re.fullmatch(r":carol!\S+@\S+ ACCOUNT \*", line), f"expected ':carol!u@h ACCOUNT *', got {line}")
        lines = plainview.fence("no-account-lines")
        check(not any(command_of(l) == "ACCOUNT" for l in lines),
              f"ACCOUNT sent to a client without account-notify: {lines}")

        # WHOX: %a is the account, 0 for none.
        seer.send("WHO #id %na\r\n")
        lines = seer.lines_until(numeric_in("315"), "the end of WHO #id %na")
        whox = {tuple(split_tags(l)[1].split(" ")[3:5]) for l in lines if command_of(l) == "354"}
        check({("alice", "alice"), ("carol", "0")} <= whox,
              f"WHO #id %na: expected 354 rows 'alice alice' and 'carol 0', saw {lines}")
        line, lines = whois_account(seer, "alice")
        check(line is not None and split_tags(line)[1].endswith(" 330 seer alice alice :is logged in as"),
              f"expected '330 seer alice alice :is logged in as', saw {lines}")
        line, lines = whois_account(plainview, "carol")
        check(line is None, f"expected no 330 for carol (logged out), saw {lines}")
        for c in (seer, plainview, alice, carol):
            c.close()
    finally:
        server.stop()


def case_throttle(binary, d):
    server = Server(binary, d)
    try:
        make_account(server.port, "alice")
        make_account(server.port, "bob")
        c = connecting(server.port, "t1")
        started = time.monotonic()
        for i in range(10):
            lines = sasl_plain(c, "alice", f"wrong-password-{i}")
            check_failed(lines, f"wrong password {i + 1}", "Invalid account name or password")
        elapsed = time.monotonic() - started
        lines = sasl_plain(c, "alice", PASSWORD)
        other = connecting(server.port, "t2")
        other_lines = sasl_plain(other, "alice", PASSWORD)
        other.send(f"CAP END\r\nPRIVMSG NickServ :IDENTIFY alice {PASSWORD}\r\n")
        notice = other.notice("", "IDENTIFY's answer")
        # Another loopback address: the account is still throttled, while
        # another account's login from there is not.
        away = connecting(server.port, "t3", source="127.0.0.2")
        away_alice = sasl_plain(away, "alice", PASSWORD)
        away_bob = sasl_plain(away, "bob", PASSWORD)
        check_logged_in(away_bob, "t3", "bob", "bob's login from 127.0.0.2, an address without failures")
        here = connecting(server.port, "t4")
        here_bob = sasl_plain(here, "bob", PASSWORD)
        if time.monotonic() - started < WINDOW_S:
            check_failed(away_alice, "alice's login from 127.0.0.2 after 10 failures for alice",
                         "Too many failed attempts; try again later")
            check_failed(here_bob, "bob's login from 127.0.0.1 after 10 failures from there",
                         "Too many failed attempts; try again later")
            check_failed(lines, "the 11th attempt, with the right password",
                         "SASL authentication failed: Too many failed attempts; try again later")
            check_failed(other_lines, "another connection from the same address",
                         "Too many failed attempts; try again later")
            check("Too many failed attempts; try again later" in notice,
                  f"IDENTIFY after 10 failures: expected 'Too many failed attempts', got {notice}")
        else:
            print(f"  note: the attempts took {elapsed:.0f} s; the window may have rolled over, not judged")
        for x in (c, other, away, here):
            x.close()
    finally:
        server.stop()


def login_storm(port, account, password, attempts, parallel, results, errors):
    """attempts SASL PLAIN logins from at most parallel sockets at once."""
    next_index = iter(range(attempts))
    lock = threading.Lock()

    def one(i):
        c = connecting(port, f"storm{i}")
        try:
            lines = sasl_plain(c, account, password)
            return lines[-1]
        finally:
            c.close()

    def worker():
        while True:
            with lock:
                i = next(next_index, None)
            if i is None:
                return
            try:
                results[i] = one(i)
            except (Failure, OSError) as e:
                errors.append(f"attempt {i}: {e}")

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(parallel)]
    for t in threads:
        t.start()
    return threads


def case_flood(binary, d):
    attempts, parallel, rounds = 1000, 200, 100
    server = Server(binary, d, ["--max-per-ip", str(attempts + 100), "--registration-timeout", "600"])
    try:
        make_account(server.port, "alice")
        make_account(server.port, "bob")
        make_account(server.port, "target")
        users = {}
        for nick in ("alice", "bob"):
            c = connecting(server.port, nick)
            check_logged_in(sasl_plain(c, nick, PASSWORD), nick, nick, f"{nick}'s login")
            finish_registration(c)
            c.send("JOIN #flood\r\n")
            c.expect(numeric_in("366"), "JOIN's NAMES")
            users[nick] = c
        alice, bob = users["alice"], users["bob"]
        alice.expect(lambda l: l.startswith(":bob!") and command_of(l) == "JOIN", "bob's JOIN")

        def exchange(label, n):
            """n round trips, alice to bob and back; every line is the next one expected."""
            times = []
            for i in range(n):
                for sender, receiver, text in ((alice, bob, f"{label} {i} ping"), (bob, alice, f"{label} {i} pong")):
                    t0 = time.monotonic()
                    sender.send(f"PRIVMSG #flood :{text}\r\n")

                    def next_line(line, text=text, who=sender.nick):
                        if command_of(line) != "PRIVMSG":
                            return False
                        check(line.startswith(f":{who}!") and line.endswith(f"PRIVMSG #flood :{text}"),
                              f"expected {who}'s line {text!r} next, got {line}")
                        return True

                    receiver.expect(next_line, f"{text!r}")
                    times.append(time.monotonic() - t0)
            return times

        before = exchange("before", 25)
        results = [None] * attempts
        errors = []
        storm_started = time.monotonic()
        threads = login_storm(server.port, "target", PASSWORD, attempts, parallel, results, errors)
        during = exchange("during", rounds)
        storm_running_at_end = any(t.is_alive() for t in threads)
        for t in threads:
            t.join(timeout=DEADLINE_S * 10)
            check(not t.is_alive(), "a login thread did not finish")
        storm_s = time.monotonic() - storm_started
        check(not errors, f"{len(errors)} login attempts got no answer or failed oddly, e.g. {errors[:3]}")
        unanswered = [i for i, r in enumerate(results) if r is None]
        check(not unanswered, f"login attempts without an answer: {unanswered[:10]}")
        codes = collections.Counter(command_of(r) for r in results)
        check(set(codes) <= {"903", "904"}, f"expected only 903 or 904, got {dict(codes)}")
        reasons = collections.Counter(r.split(" :", 1)[1] for r in results if command_of(r) == "904")
        wrong = [r for r in reasons if "unavailable right now" not in r]
        check(not wrong, f"the right password was refused for another reason than a full pool: {reasons}")
        check(codes["903"] >= 1, f"no login succeeded in the storm: {dict(codes)}")
        # After the storm the pool is free again.
        after = connecting(server.port, "after")
        check_logged_in(sasl_plain(after, "target", PASSWORD), "after", "target", "a login after the storm")
        after.close()
        print(f"  storm: {attempts} logins from {parallel} sockets at once in {storm_s:.1f} s: "
              f"{codes['903']} logged in (903), {codes['904']} told to try later (904); "
              f"storm {'still running' if storm_running_at_end else 'over'} when the chat ended")
        print(f"  chat round trip, median: {statistics.median(before) * 1000:.1f} ms before, "
              f"{statistics.median(during) * 1000:.1f} ms during ({2 * rounds} lines, all in order)")
        check(server.alive(), "the server died")
        alice.close()
        bob.close()
    finally:
        server.stop()


def case_persist(binary, d):
    db = os.path.join(d, "accounts.db")
    server = Server(binary, d, db=db)
    try:
        make_account(server.port, "alice")
    finally:
        server.stop()

    def login_both(server, expect_ok, what):
        c = connecting(server.port, "pp")
        plain = sasl_plain(c, "alice", PASSWORD)
        c.close()
        c = connecting(server.port, "ps")
        scram, _ = sasl_scram(c, "alice", PASSWORD)
        c.close()
        c = Client(server.port, "pn")
        notice = c.nickserv(f"IDENTIFY alice {PASSWORD}", "")
        c.close()
        if expect_ok:
            check_logged_in(plain, "pp", "alice", f"PLAIN {what}")
            check_logged_in(scram, "ps", "alice", f"SCRAM {what}")
            check("You are now logged in as alice." in notice, f"IDENTIFY {what}: expected success, got {notice}")
        else:
            check_failed(plain, f"PLAIN {what}")
            check_failed(scram, f"SCRAM {what}")
            check("Invalid account name or password." in notice, f"IDENTIFY {what}: expected refusal, got {notice}")

    server = Server(binary, d, db=db)
    try:
        login_both(server, True, "after a restart")
    finally:
        server.stop()

    with sqlite3.connect(db) as conn:
        changed = conn.execute("UPDATE account SET password_hash='garbage', scram_stored_key=x'00'").rowcount
    check(changed == 1, f"expected to damage 1 account row, changed {changed}")
    server = Server(binary, d, db=db)
    try:
        login_both(server, False, "with a damaged row")
        check(server.alive(), "the server died on a damaged row")
        c = Client(server.port, "still")
        c.fence("alive")
        c.close()
    finally:
        server.stop()

    with sqlite3.connect(db) as conn:
        deleted = conn.execute("DELETE FROM account").rowcount
    check(deleted == 1, f"expected to delete 1 account row, deleted {deleted}")
    server = Server(binary, d, db=db)
    try:
        login_both(server, False, "with the row deleted")
        # The name is free again.
        c = Client(server.port, "alice")
        c.send(f"REGISTER * * {PASSWORD}\r\n")
        line = register_answer(c, "REGISTER after the row was deleted")
        check(line.endswith(" REGISTER SUCCESS alice :Account created"), f"expected REGISTER SUCCESS, got {line}")
        c.close()
    finally:
        server.stop()


def history_batch(c, command):
    """The lines of the chathistory batch answering `command` (without BATCH lines)."""
    c.send(command + "\r\n")
    c.expect(lambda l: command_of(l) == "BATCH" and " +" in l, f"the batch answering {command}")
    lines = c.lines_until(lambda l: command_of(l) == "BATCH" and " -" in l, f"the end of the batch for {command}")
    return [l for l in lines[:-1]]


def case_private(binary, d):
    server = Server(binary, d)
    try:
        caps = ("sasl", "batch", "server-time", "message-tags", "draft/chathistory")
        for nick in ("alice", "bob"):
            make_account(server.port, nick)
        alice = connecting(server.port, "alice", caps=caps)
        check_logged_in(sasl_plain(alice, "alice", PASSWORD), "alice", "alice", "alice's login")
        finish_registration(alice)
        bob = connecting(server.port, "bob", caps=caps)
        check_logged_in(sasl_plain(bob, "bob", PASSWORD), "bob", "bob", "bob's login")
        finish_registration(bob)
        anon = connecting(server.port, "anon", caps=caps[1:])
        finish_registration(anon)

        sent = []
        for i in range(6):
            sender, receiver = (alice, bob) if i % 2 == 0 else (bob, alice)
            sender.send(f"PRIVMSG {receiver.nick} :private {i}\r\n")
            sent.append(receiver.expect(lambda l, i=i: l.endswith(f" :private {i}"), f"private line {i}"))
        anon.send("PRIVMSG alice :from someone without an account\r\n")
        alice.expect(lambda l: l.endswith(":from someone without an account"), "anon's line")

        def texts(lines):
            return [l.rsplit(" :", 1)[1] for l in lines if command_of(l) == "PRIVMSG"]

        # Both ends read the same conversation, whoever's nick they name.
        for reader, other in ((alice, "BOB"), (bob, "alice")):
            got = history_batch(reader, f"CHATHISTORY LATEST {other} * 10")
            check(texts(got) == [f"private {i}" for i in range(6)],
                  f"{reader.nick}'s CHATHISTORY with {other}: expected the six lines in order, got {got}")
        # A line an account holder got from someone without one is kept for the holder...
        got = history_batch(alice, "CHATHISTORY LATEST anon * 10")
        check(texts(got) == ["from someone without an account"], f"alice's history with anon: {got}")
        # ...and never for someone without an account.
        got = history_batch(anon, "CHATHISTORY LATEST alice * 10")
        check(texts(got) == [], f"anon must read nothing back: {got}")
        # TARGETS names the other ends.
        got = history_batch(alice, "CHATHISTORY TARGETS timestamp=2000-01-01T00:00:00.000Z "
                                   "timestamp=2999-01-01T00:00:00.000Z 10")
        named = [l.split(" CHATHISTORY TARGETS ", 1)[1].split(" ")[0] for l in got if " CHATHISTORY TARGETS " in l]
        check(named == ["bob", "anon"], f"alice's TARGETS: expected bob then anon, got {got}")
    finally:
        server.stop()


def run_chat_client(client, port, *args, password_env=None, lines=()):
    """chat-client in line mode: sends `lines`, quits at end of input."""
    env = {k: v for k, v in os.environ.items() if k != "SALA_PASSWORD"}
    if password_env is not None:
        env["SALA_PASSWORD"] = password_env
    r = subprocess.run([client, "--plain", "--reconnect-max", "0.5", "--host", HOST, "--port", str(port), *args],
                       input="".join(f"{l}\n" for l in lines), env=env, capture_output=True, text=True,
                       timeout=DEADLINE_S)
    return r.returncode, r.stdout + r.stderr


def case_client(binary, d):
    client = os.environ.get("SALA_CLIENT")
    check(bool(client), "SALA_CLIENT must name the chat-client binary")
    server = Server(binary, d)
    try:
        make_account(server.port, "carla")
        watcher = connecting(server.port, "watcher", caps=("extended-join", "account-tag"))
        finish_registration(watcher)
        watcher.send("JOIN #lobby\r\n")
        watcher.expect(numeric_in("366"), "the watcher's NAMES")

        code, out = run_chat_client(client, server.port, "--sasl", "carla", password_env=PASSWORD,
                                    lines=["hello with plain"])
        check(code == 0 and "logged in as carla" in out, f"PLAIN login through chat-client: exit {code}: {out}")
        joined = watcher.expect(lambda l: " JOIN #lobby" in l and ":carla!" in l, "carla's JOIN")
        check(joined.endswith(" JOIN #lobby carla :carla"), f"expected an extended JOIN naming account carla: {joined}")
        said = watcher.expect(lambda l: "PRIVMSG #lobby :hello with plain" in l, "carla's line")
        check(said.startswith("@account=carla "), f"expected carla's line tagged with her account: {said}")
        wait_nick_free(server.port, "carla")

        secret = os.path.join(d, "password")
        with open(secret, "w") as f:
            f.write(PASSWORD + "\n")
        code, out = run_chat_client(client, server.port, "--sasl=SCRAM-SHA-256", "--password-file", secret, "carla",
                                    lines=["hello with scram"])
        check(code == 0 and "logged in as carla" in out, f"SCRAM login through chat-client: exit {code}: {out}")
        watcher.expect(lambda l: "PRIVMSG #lobby :hello with scram" in l and l.startswith("@account=carla "),
                       "carla's line after SCRAM")
        wait_nick_free(server.port, "carla")

        code, out = run_chat_client(client, server.port, "--sasl", "carla", password_env="not-the-password",
                                    lines=["must not arrive"])
        check(code == 1 and "login failed" in out, f"a wrong password must stop chat-client with exit 1: {code}: {out}")
        watcher.send("PING :barrier\r\n")
        lines = watcher.lines_until(lambda l: command_of(l) == "PONG", "PONG")
        check(not any("must not arrive" in l for l in lines), f"a refused client's line arrived: {lines}")
    finally:
        server.stop()


CASES = {
    "plain": case_plain,
    "scram": case_scram,
    "external": case_external,
    "register": case_register,
    "nickserv": case_nickserv,
    "enforcement": case_enforcement,
    "identity": case_identity,
    "throttle": case_throttle,
    "flood": case_flood,
    "persist": case_persist,
    "private": case_private,
    "client": case_client,
}


def main():
    default = [n for n in CASES if n != "client" or os.environ.get("SALA_CLIENT")]
    return run_cases(__doc__, CASES, "sala-accounts-", default)


if __name__ == "__main__":
    sys.exit(main())
