#!/usr/bin/env python3
"""Server operators as users meet them (issue 15): OPER against an operator
block made with --hash-password, KILL, WALLOPS, channel overrides, K-lines
that hold across a restart and apply to those already connected, and REHASH,
against a real chat-server over real sockets.

Cases:
  config     --hash-password prints an argon2id hash; a bad --oper is refused
             with exit status 2
  oper       a wrong password gets 464, the right one 381 and +o; WHOIS shows
             313; MODE -o gives it up; everyone else gets 481 for KILL,
             KLINE, UNKLINE, WALLOPS and REHASH
  kill       the victim gets ERROR naming the operator and reason, its
             channels see it QUIT with that reason; a missing nick gets 401
  wallops    reaches users with +w and no one else
  override   an operator who is not a channel operator changes its modes,
             its topic under +t, kicks, and joins past +i, +k and a ban
  kline      a K-line by address block cuts off a connected user from it at
             once, and refuses it on reconnect (465, ERROR) while others come
             in; a nick mask K-line; both survive a restart on the same
             database; UNKLINE lifts them; a bad mask is refused
  rehash     REHASH reloads the MOTD file (382)

Users connect from 127.0.0.x with user name = nick. Every wait has a deadline
that does not depend on this machine's speed; no case sleeps. Loopback only.
Usage: operators_test.py CHAT_SERVER [case ...]
"""
import os
import re
import subprocess
import sys

from channel_checks import channel_of_members, join, said, sent_by, user
from irc_test_client import Client, Server, closed_by_server, command_of, numeric_in, params_of
from loopback_checks import DEADLINE_S, HOST, check, eventually, run_cases

PASSWORD = "correct-horse-battery"


def hash_of(binary, password):
    done = subprocess.run([binary, "--hash-password"], input=password + "\n", capture_output=True, text=True,
                          timeout=DEADLINE_S)
    check(done.returncode == 0, f"--hash-password exited {done.returncode}: {done.stderr}")
    return done.stdout.strip()


def operator_server(binary, d, db=":memory:", extra=()):
    return Server(binary, d, db=db, extra=["--oper", f"boss:{hash_of(binary, PASSWORD)}", *extra])


def answer_to(c, line, codes, what):
    c.send(line + "\r\n")
    return c.expect(numeric_in(*codes), what)


def make_operator(c):
    answer_to(c, f"OPER boss {PASSWORD}", ("381",), f"381 for {c.nick}'s OPER")
    c.expect(lambda l: command_of(l) == "MODE" and params_of(l) == [c.nick, "+o"], f"MODE {c.nick} +o")


def server_notice(c, fragment, what):
    return c.expect(lambda l: command_of(l) == "NOTICE" and l.startswith(":sala ") and fragment in l, what)


def registration_refused(port, nick, source):
    """A new connection from source with nick: the lines it got before the
    server closed it, which must not include a welcome."""
    c = Client(port, source=source)
    c.send(f"NICK {nick}\r\nUSER {nick} 0 * :{nick}\r\n")
    lines = closed_by_server(c, f"{nick}'s connection from {source}")
    c.close()
    check(not any(command_of(l) == "001" for l in lines), f"{nick} from {source} was welcomed: {lines}")
    return lines


# ---- cases -------------------------------------------------------------------

def case_config(binary, d):
    hashed = hash_of(binary, PASSWORD)
    check(hashed.startswith("$argon2id$"), f"--hash-password printed {hashed!r}")
    check(hash_of(binary, PASSWORD) != hashed, "two hashes of one password are the same: no salt?")
    for bad in ("boss", "boss:plaintext", "two words:$argon2id$x"):
        done = subprocess.run([binary, "--oper", bad, "--port", "0", "--status-port", "0", "--web-port", "0"], capture_output=True,
                              text=True, timeout=DEADLINE_S)
        check(done.returncode == 2, f"--oper {bad!r}: exit status {done.returncode}, expected 2")
        check("--oper" in done.stderr, f"--oper {bad!r}: the error does not name the option: {done.stderr!r}")


def case_oper(binary, d):
    server = operator_server(binary, d)
    try:
        alice = user(server.port, "alice")
        bob = user(server.port, "bob")
        for line in ("KILL bob :x", "KLINE troll", "UNKLINE troll", "WALLOPS :hi", "REHASH"):
            answer_to(alice, line, ("481",), f"481 for a plain user's {line}")
        answer_to(alice, "OPER boss wrong-password", ("464",), "464 for a wrong operator password")
        answer_to(alice, f"OPER nobody {PASSWORD}", ("464",), "464 for an unknown operator name")
        make_operator(alice)
        bob.send("WHOIS alice\r\n")
        lines = bob.lines_until(numeric_in("318"), "the end of WHOIS alice")
        check(any(command_of(l) == "313" for l in lines), f"WHOIS of an operator has no 313: {lines}")
        alice.send("MODE alice -o\r\n")
        alice.expect(lambda l: command_of(l) == "MODE" and params_of(l) == ["alice", "-o"], "MODE alice -o")
        answer_to(alice, "WALLOPS :hi", ("481",), "481 after giving up +o")
        bob.send("WHOIS alice\r\n")
        lines = bob.lines_until(numeric_in("318"), "the end of WHOIS alice")
        check(not any(command_of(l) == "313" for l in lines), f"313 after MODE -o: {lines}")
        check("OPER" in server.text() and "boss" in server.text(), "OPER was not logged")
        alice.close()
        bob.close()
    finally:
        server.stop()


def case_kill(binary, d):
    server = operator_server(binary, d)
    try:
        alice, bob, carol = channel_of_members(server.port, "#c", "alice", "bob", "carol")
        make_operator(carol)
        carol.send("KILL bob :spamming\r\n")
        lines = closed_by_server(bob, "bob's connection after KILL")
        check(any(l.startswith("ERROR ") and "Killed (carol (spamming))" in l for l in lines),
              f"bob's last lines do not name the KILL: {lines}")
        quit_line = alice.expect(lambda l: command_of(l) == "QUIT", "bob's QUIT at alice")
        check(sent_by("bob", "QUIT", r":.*Killed \(carol \(spamming\)\).*")(quit_line), f"bob's QUIT: {quit_line}")
        answer_to(carol, "KILL nobody", ("401",), "401 for KILL of a missing nick")
        check(re.search(r"KILL bob by carol", server.text()) is not None, "the KILL was not logged")
        alice.close()
        carol.close()
    finally:
        server.stop()


def case_wallops(binary, d):
    server = operator_server(binary, d)
    try:
        boss = user(server.port, "boss")
        make_operator(boss)
        reader = user(server.port, "reader")
        other = user(server.port, "other")
        reader.send("MODE reader +w\r\n")
        reader.expect(lambda l: command_of(l) == "MODE" and params_of(l) == ["reader", "+w"], "MODE reader +w")
        boss.send("WALLOPS :maintenance at noon\r\n")
        line = reader.expect(lambda l: command_of(l) == "WALLOPS", "the WALLOPS at a +w user")
        check(sent_by("boss", "WALLOPS", ":maintenance at noon")(line), f"the WALLOPS line: {line}")
        # other has no +w: a marker from boss arrives with nothing before it.
        boss.send("PRIVMSG other :marker\r\n")
        lines = other.lines_until(said("marker"), "boss's marker at other")
        check(not any(command_of(l) == "WALLOPS" for l in lines), f"a user without +w got WALLOPS: {lines}")
        for c in (boss, reader, other):
            c.close()
    finally:
        server.stop()


def case_override(binary, d):
    server = operator_server(binary, d)
    try:
        alice, boss = channel_of_members(server.port, "#c", "alice", "boss")
        make_operator(boss)
        boss.send("MODE #c +o boss\r\n")
        line = alice.expect(lambda l: command_of(l) == "MODE", "the operator's MODE at alice")
        check(sent_by("boss", "MODE", "#c [+]o boss")(line), f"the override MODE: {line}")
        boss.send("MODE #c -o boss\r\n")
        alice.expect(lambda l: command_of(l) == "MODE" and params_of(l)[1:] == ["-o", "boss"], "MODE #c -o boss")
        boss.send("TOPIC #c :set by override\r\n")
        alice.expect(lambda l: command_of(l) == "TOPIC" and l.endswith(":set by override"), "the override TOPIC")
        bob = user(server.port, "bob")
        join(bob, "#c")
        boss.send("KICK #c bob :override\r\n")
        alice.expect(lambda l: command_of(l) == "KICK" and params_of(l)[:2] == ["#c", "bob"], "the override KICK")
        # Back out, then in past +i, +k and a ban on boss.
        boss.send("PART #c\r\n")
        alice.expect(lambda l: command_of(l) == "PART", "boss's PART")
        alice.send("MODE #c +ikb sesame boss\r\n")
        alice.expect(lambda l: command_of(l) == "MODE" and "+ikb" in l, "alice's MODE +ikb")
        boss.send("JOIN #c\r\n")
        alice.expect(lambda l: sent_by("boss", "JOIN", ":?#c")(l), "boss joining past +i, +k and +b")
        check("as server operator" in server.text(), "the overrides were not logged")
        for c in (alice, boss, bob):
            c.close()
    finally:
        server.stop()


def case_kline(binary, d):
    db = os.path.join(d, "kline.db")
    server = operator_server(binary, d, db=db)
    try:
        boss = user(server.port, "boss")
        make_operator(boss)
        victim = Client(server.port, "victim", source="127.0.0.9")
        bystander = user(server.port, "bystander")
        boss.send("KLINE 127.0.0.8/29 :no bots from there\r\n")
        server_notice(boss, "Added K-line for 127.0.0.8/29 (1 disconnected)", "the KLINE's notice")
        lines = closed_by_server(victim, "the K-lined user's connection")
        check(any(l.startswith("ERROR ") and "K-lined: no bots from there" in l for l in lines),
              f"the K-lined user's last lines: {lines}")
        lines = registration_refused(server.port, "again", "127.0.0.12")
        check(any(command_of(l) == "465" and "no bots from there" in l for l in lines),
              f"a K-lined reconnect got no 465: {lines}")
        boss.send("KLINE troll :go away\r\n")
        server_notice(boss, "Added K-line for troll!*@* (0 disconnected)", "the nick mask KLINE's notice")
        registration_refused(server.port, "troll", HOST)
        boss.send("KLINE 10.0.0.1/8 :typo\r\n")
        server_notice(boss, "neither", "a bad K-line mask refused")
        bystander.fence("still here", "the K-lines")  # untouched
        boss.close()
        bystander.close()
    finally:
        server.stop()

    # The same database: both K-lines hold after a restart.
    server = operator_server(binary, d, db=db)
    try:
        registration_refused(server.port, "later", "127.0.0.10")
        registration_refused(server.port, "troll", HOST)
        outside = Client(server.port, "outside", source="127.0.0.16")
        boss = user(server.port, "boss")
        make_operator(boss)
        boss.send("UNKLINE 127.0.0.8/29\r\n")
        server_notice(boss, "Removed K-line for 127.0.0.8/29", "the UNKLINE's notice")
        boss.send("UNKLINE 127.0.0.8/29\r\n")
        server_notice(boss, "No K-line for 127.0.0.8/29", "a second UNKLINE")
        back = Client(server.port, "back", source="127.0.0.9")
        for c in (outside, boss, back):
            c.close()
    finally:
        server.stop()


def case_rehash(binary, d):
    motd = os.path.join(d, "motd.txt")
    with open(motd, "w") as f:
        f.write("before the rehash\n")
    server = operator_server(binary, d, extra=["--motd", motd])
    try:
        boss = user(server.port, "boss")
        make_operator(boss)
        with open(motd, "w") as f:
            f.write("after the rehash\n")
        answer_to(boss, "REHASH", ("382",), "382 for REHASH")

        def shows_new_motd():
            boss.send("MOTD\r\n")
            lines = boss.lines_until(numeric_in("376", "422"), "the end of the MOTD")
            return any("after the rehash" in l for l in lines)

        eventually(shows_new_motd, "the MOTD to be reloaded by REHASH")
        check("REHASH by boss" in server.text(), "the REHASH was not logged")
        boss.close()
    finally:
        server.stop()


CASES = {
    "config": case_config,
    "oper": case_oper,
    "kill": case_kill,
    "wallops": case_wallops,
    "override": case_override,
    "kline": case_kline,
    "rehash": case_rehash,
}


if __name__ == "__main__":
    sys.exit(run_cases(__doc__, CASES, "sala-operators-"))
