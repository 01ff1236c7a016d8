#!/usr/bin/env python3
"""Channel moderation as users meet it (issue 15): channel operators, the
channel modes, INVITE and KICK, against a real chat-server over real sockets.

Cases:
  isupport   005 describes the modes (PREFIX, CHANMODES, MODES, EXCEPTS, INVEX,
             STATUSMSG, MAXLIST); CAP LS offers multi-prefix,
             userhost-in-names and invite-notify
  names      the first joiner is op, later joiners are not; multi-prefix shows
             @+, without it only the highest prefix; userhost-in-names; a new
             channel is +nt (324) with its creation time (329)
  mode       +o is relayed to every member, the setter included, and to no one
             else; a non-op changes nothing (482); several changes in one line
             are relayed as one; unknown letters (472); +o on a nick not on the
             channel (441); at most 6 changes with a parameter per line
  external   +n keeps out messages from non-members (404); -n lets them in
  topic      +t: only ops set the topic (482); -t: any member may
  moderated  +m: only voiced members and ops speak (404 for the rest, and no
             one receives their lines)
  statusmsg  PRIVMSG @#c reaches the ops alone, +#c the voiced and the ops
  key        +k: JOIN needs the key (475); 324 shows the key to members and
             '*' to others; -k lifts it
  limit      +l 2: a third JOIN is refused (471) unless invited (once); -l
             lifts it
  invite     +i: JOIN needs an invitation (473); INVITE's answers (341, 482,
             443, 401, 442); the invitee's INVITE line; invite-notify; +I masks
  bans       +b keeps a user out (474) unless +e excepts them; a banned member
             cannot speak; masks are normalized; b, e and I lists (367/368,
             348/349, 346/347); the $a: account extban
  registered ChanServ REGISTER needs a logged-in op; a registered channel keeps
             its topic, modes and bans across a restart, its first joiner is
             not op but its founder is; INFO; DROP by the founder only
  listfull   100 bans fit, the 101st is refused (478) and not listed
  kick       KICK is seen by every member and the kicked one, who is then out
             (NAMES, 404) and may rejoin; 482, 441 and 442; a default reason
  scope      TOPIC and MODE changes reach the channel's members only
  secret     +s hides a channel from outsiders in LIST, NAMES (366 alone),
             WHO and WHOIS (319), and NAMES marks it '@'; its members see it;
             -s shows it again; an invisible (+i) user is left out of an
             outsider's NAMES and WHOIS; 319 and WHO show statuses, WHO '*'
             for a server operator
  flood      an op sending 300 MODE lines at once, with the flood limit on and
             then off: another user's PING is still answered, the ban list
             never exceeds 100, the server survives; the flooder is either cut
             off for Excess Flood or every line takes effect

Users connect from 127.0.0.1 with user name = nick. Every wait has a deadline
that does not depend on this machine's speed; no case sleeps. Loopback only.
Usage: moderation_test.py CHAT_SERVER [case ...]
"""
import os
import re
import sys
import time

from channel_checks import (SOURCE, answered, cannot_send, channel_of_members, check_error, expect_relay, is_error,
                            join, names, names_in, nothing_relayed, refused_join, said, sent_by, user)
from irc_test_client import Client, Closed, Server, caps_offered, command_of, numeric_in, params_of
from loopback_checks import check, run_cases

# CHANMODES=beI,k,l,imnst with PREFIX=(ov): the letters that take a parameter
# when set and when unset. l takes one only when set.
PASSWORD = "correct-horse-battery"

PARAM_ALWAYS = set("ovbeIk")
PARAM_WHEN_SET = set("l")


# ---- modes and lists -------------------------------------------------------

def channel_modes(c, channel):
    """MODE channel: {letter: parameter or None} from 324, and 329's time (or None)."""
    c.send(f"MODE {channel}\r\n")
    lines = answered(c, f"MODE {channel}")
    found = [l for l in lines if command_of(l) == "324"]
    check(len(found) == 1 and params_of(found[0])[1] == channel,
          f"MODE {channel} from {c.nick}: expected 324 {c.nick} {channel}, got {lines}")
    params = params_of(found[0])
    modes = parse_modes(params[2], params[3:], current=True)
    check(all(sign == "+" for sign, _, _ in modes), f"324 with a '-': {found[0]}")
    created = [l for l in lines if command_of(l) == "329"]
    return {letter: param for _, letter, param in modes}, (int(params_of(created[0])[2]) if created else None)


def parse_modes(modestring, params, current=False):
    """A mode string with its parameters as (sign, letter, parameter or None).
    In 324 (current) every k and l carries a parameter."""
    changes, sign, rest = [], "+", list(params)
    for ch in modestring:
        if ch in "+-":
            sign = ch
            continue
        takes = ch in PARAM_ALWAYS or (ch in PARAM_WHEN_SET and (sign == "+" or current))
        changes.append((sign, ch, rest.pop(0) if takes and rest else None))
    return changes


def relayed_modes(line):
    """The (sign, letter, parameter) changes of a relayed MODE line."""
    params = params_of(line)
    return parse_modes(params[1], params[2:])


LIST_NUMERICS = {"b": ("367", "368"), "e": ("348", "349"), "I": ("346", "347")}


def list_entries(c, channel, letter):
    """MODE channel letter: the entries (mask, setter, time) of that list."""
    c.send(f"MODE {channel} {letter}\r\n")
    return entries_in(answered(c, f"MODE {channel} {letter}"), c, channel, letter)


def entries_in(lines, c, channel, letter):
    """The entries of c's answer to a query of the letter list among lines."""
    entry_code, end_code = LIST_NUMERICS[letter]
    ends = [l for l in lines if command_of(l) == end_code]
    check(len(ends) == 1 and params_of(ends[0])[1] == channel and not any(is_error(l) for l in lines),
          f"the {letter} list of {channel}: expected entries then {end_code} {c.nick} {channel}, got {lines}")
    entries = []
    for l in lines:
        if command_of(l) == entry_code:
            p = params_of(l)
            check(len(p) >= 3 and p[1] == channel, f"{entry_code} for another channel or without a mask: {l}")
            entries.append((p[2], p[3] if len(p) > 3 else None, p[4] if len(p) > 4 else None))
    return entries


def check_entry(entry, mask, setter, what):
    got_mask, set_by, set_at = entry
    check(got_mask == mask, f"{what}: expected mask {mask}, got {entry}")
    check(set_by is not None and (set_by == setter or set_by.startswith(setter + "!")),
          f"{what}: expected {setter} (or {setter}!user@host) as the setter, got {entry}")
    # The server's clock is this machine's: the bound only rejects what is not a time.
    check(set_at is not None and set_at.isdigit() and abs(int(set_at) - time.time()) < 3600,
          f"{what}: expected the time it was set, in unix seconds, got {entry}")


def mode(op, channel, text, members, what):
    """op sends MODE channel text; it and every member receive the one relayed
    line, whose changes are returned as (sign, letter, parameter)."""
    op.send(f"MODE {channel} {text}\r\n")
    line = expect_relay(op, members, "MODE", f"{re.escape(channel)} .*", what)
    return relayed_modes(line)


# ---- cases -------------------------------------------------------------------

def registration_lines(port, nick):
    """Everything a new user is sent up to the end of the MOTD."""
    c = Client(port)
    c.nick = nick
    c.send(f"NICK {nick}\r\nUSER {nick} 0 * :{nick}\r\n")
    return c, c.lines_until(numeric_in("376", "422"), f"the end of {nick}'s MOTD")


def case_isupport(binary, d):
    server = Server(binary, d)
    try:
        c, lines = registration_lines(server.port, "alice")
        tokens = {}
        for l in lines:
            if command_of(l) == "005":
                for token in params_of(l)[1:-1]:
                    key, _, value = token.partition("=")
                    tokens[key] = value
        expected = {"PREFIX": "(ov)@+", "CHANMODES": "beI,k,l,imnst", "MODES": "6", "STATUSMSG": "@+",
                    "MAXLIST": "b:100,e:100,I:100"}
        for key, value in expected.items():
            check(tokens.get(key) == value, f"ISUPPORT: expected {key}={value}, got {key}={tokens.get(key)}")
        # The letters default to e and I; a server may spell them out.
        check(tokens.get("EXCEPTS") in ("", "e"), f"ISUPPORT: expected EXCEPTS or EXCEPTS=e, got {tokens.get('EXCEPTS')}")
        check(tokens.get("INVEX") in ("", "I"), f"ISUPPORT: expected INVEX or INVEX=I, got {tokens.get('INVEX')}")
        c.close()

        fresh = Client(server.port)
        offered = caps_offered(fresh)
        for cap in ("multi-prefix", "userhost-in-names", "invite-notify"):
            check(cap in offered, f"CAP LS: expected {cap} among {sorted(offered)}")
        fresh.close()
    finally:
        server.stop()


def case_names(binary, d):
    server = Server(binary, d)
    try:
        alice = user(server.port, "alice")
        alice.send("JOIN #c\r\n")
        first = names_in(answered(alice, "JOIN #c"), "#c")
        check(first == ["@alice"], f"the creator of #c: expected NAMES '@alice', got {first}")

        bob = user(server.port, "bob")
        join(bob, "#c")
        carol = user(server.port, "carol")
        join(carol, "#c")
        got = sorted(names(carol, "#c"))
        check(got == ["@alice", "bob", "carol"], f"NAMES #c: expected @alice and plain bob and carol, got {got}")

        mode(alice, "#c", "+ov bob bob", [bob, carol], "+ov bob")
        multi = user(server.port, "multi", ("multi-prefix",))
        join(multi, "#c")
        got = sorted(names(multi, "#c"))
        check(got == ["@+bob", "@alice", "carol", "multi"], f"NAMES with multi-prefix: expected @+bob, got {got}")
        got = sorted(names(carol, "#c"))
        check(got == ["@alice", "@bob", "carol", "multi"], f"NAMES without multi-prefix: expected @bob, got {got}")
        full = user(server.port, "full", ("userhost-in-names",))
        join(full, "#c")
        got = names(full, "#c")
        for entry in (rf"@alice!{SOURCE}", rf"carol!{SOURCE}"):
            check(any(re.fullmatch(entry, e) for e in got),
                  f"NAMES with userhost-in-names: expected {entry.replace(SOURCE, 'user@host')}, got {got}")

        # A channel carol creates is hers, whatever she is elsewhere.
        carol.send("JOIN #mine\r\n")
        got = names_in(answered(carol, "JOIN #mine"), "#mine")
        check(got == ["@carol"], f"carol, creator of #mine: expected '@carol', got {got}")

        modes, created = channel_modes(bob, "#c")
        check(set(modes) == {"n", "t"}, f"a new channel: expected 324 #c +nt, got {modes}")
        check(created is not None and abs(created - time.time()) < 3600,
              f"expected 329 #c with the creation time in unix seconds, got {created}")
        for x in (alice, bob, carol, multi, full):
            x.close()
    finally:
        server.stop()


def case_mode(binary, d):
    server = Server(binary, d)
    try:
        alice, bob, carol = channel_of_members(server.port, "#c", "alice", "bob", "carol")
        dave = user(server.port, "dave")
        # dave shares #side with alice only: the marker channel for what he must not see.
        join(alice, "#side")
        join(dave, "#side")
        alice.expect(sent_by("dave", "JOIN", ":?#side"), "dave's JOIN #side")

        carol.send("MODE #c +m\r\n")
        check_error(carol, "482", ["#c"], "MODE #c +m by carol, not an op")
        carol.send("MODE #c -o alice\r\n")
        check_error(carol, "482", ["#c"], "MODE #c -o alice by carol, not an op")
        nothing_relayed(alice, "#c", [bob, carol], lambda l: command_of(l) == "MODE", "a refused MODE was relayed")
        modes, _ = channel_modes(alice, "#c")
        check(set(modes) == {"n", "t"}, f"after refused changes: expected #c still +nt, got {modes}")

        changes = mode(alice, "#c", "+o bob", [bob, carol], "MODE #c +o bob")
        check(changes == [("+", "o", "bob")], f"expected the relay 'MODE #c +o bob', got {changes}")
        nothing_relayed(alice, "#side", [dave], lambda l: command_of(l) == "MODE", "MODE #c reached dave, not on #c")
        check("@bob" in names(carol, "#c"), "NAMES after +o bob: expected @bob")
        mode(alice, "#c", "-o bob", [bob, carol], "MODE #c -o bob")

        alice.send("MODE #c +ov-t bob carol\r\n")
        line = expect_relay(alice, [bob, carol], "MODE", ".*", "MODE #c +ov-t bob carol")
        check(re.fullmatch(rf":alice!{SOURCE} MODE #c \+ov-t bob :?carol", line),
              f"several changes in one line: expected one relay ':alice!u@h MODE #c +ov-t bob carol', got {line}")
        got = sorted(names(alice, "#c"))
        check(got == ["+carol", "@alice", "@bob"], f"NAMES after +ov: expected @bob and +carol, got {got}")
        modes, _ = channel_modes(alice, "#c")
        check(set(modes) == {"n"}, f"after -t: expected #c +n, got {modes}")

        alice.send("MODE #c +Z\r\n")
        check_error(alice, "472", ["Z"], "MODE #c +Z")
        alice.send("MODE #c +o dave\r\n")
        check_error(alice, "441", ["dave", "#c"], "+o dave, who is not on #c")

        masks = [f"m{i}" for i in range(1, 8)]
        changes = mode(alice, "#c", f"+bbbbbbb {' '.join(masks)}", [bob, carol], "seven bans in one line")
        check(sorted(changes) == [("+", "b", f"{m}!*@*") for m in masks[:6]],
              f"7 changes with a parameter: expected the first 6 applied (MODES=6), got {changes}")
        listed = sorted(e[0] for e in list_entries(alice, "#c", "b"))
        check(listed == [f"{m}!*@*" for m in masks[:6]], f"ban list after 7 in one line: expected m1 to m6, got {listed}")
        for x in (alice, bob, carol, dave):
            x.close()
    finally:
        server.stop()


def case_external(binary, d):
    server = Server(binary, d)
    try:
        alice, bob = channel_of_members(server.port, "#c", "alice", "bob")
        dave = user(server.port, "dave")
        dave.send("PRIVMSG #c :from outside\r\n")
        cannot_send(dave, "#c", "a non-member's PRIVMSG to a +n channel")
        nothing_relayed(alice, "#c", [bob], said("from outside"), "a non-member's line under +n")

        mode(alice, "#c", "-n", [bob], "MODE #c -n")
        dave.send("PRIVMSG #c :from outside again\r\n")
        for c in (alice, bob):
            line = c.expect(said("from outside again"), f"dave's line under -n, at {c.nick}")
            check(sent_by("dave", "PRIVMSG", "#c :from outside again")(line), f"expected dave's PRIVMSG, got {line}")
        for x in (alice, bob, dave):
            x.close()
    finally:
        server.stop()


def topic_of(c, channel):
    c.send(f"TOPIC {channel}\r\n")
    line = c.expect(numeric_in("331", "332"), f"TOPIC {channel}")
    return params_of(line)[2] if command_of(line) == "332" else None


def case_topic(binary, d):
    server = Server(binary, d)
    try:
        alice, bob = channel_of_members(server.port, "#c", "alice", "bob")
        bob.send("TOPIC #c :bob's topic\r\n")
        check_error(bob, "482", ["#c"], "TOPIC by a non-op under +t")
        nothing_relayed(alice, "#c", [bob], lambda l: command_of(l) == "TOPIC", "a refused TOPIC was relayed")
        check(topic_of(bob, "#c") is None, "a refused TOPIC changed the topic")

        alice.send("TOPIC #c :ops only\r\n")
        expect_relay(alice, [bob], "TOPIC", "#c :ops only", "the op's TOPIC under +t")
        mode(alice, "#c", "-t", [bob], "MODE #c -t")
        bob.send("TOPIC #c :anyone now\r\n")
        expect_relay(bob, [alice], "TOPIC", "#c :anyone now", "a member's TOPIC under -t")
        check(topic_of(alice, "#c") == "anyone now", "the topic bob set under -t")
        for x in (alice, bob):
            x.close()
    finally:
        server.stop()


def case_moderated(binary, d):
    server = Server(binary, d)
    try:
        alice, bob, carol = channel_of_members(server.port, "#c", "alice", "bob", "carol")
        mode(alice, "#c", "+m", [bob, carol], "MODE #c +m")
        carol.send("PRIVMSG #c :unvoiced\r\n")
        cannot_send(carol, "#c", "an unvoiced member's PRIVMSG under +m")
        nothing_relayed(alice, "#c", [bob], said("unvoiced"), "an unvoiced line under +m")

        alice.send("PRIVMSG #c :the op speaks\r\n")
        for c in (bob, carol):
            c.expect(said("the op speaks"), f"the op's line under +m, at {c.nick}")
        mode(alice, "#c", "+v carol", [bob, carol], "MODE #c +v carol")
        carol.send("PRIVMSG #c :voiced\r\n")
        for c in (alice, bob):
            line = c.expect(said("voiced"), f"carol's voiced line, at {c.nick}")
            check(sent_by("carol", "PRIVMSG", "#c :voiced")(line), f"expected carol's line, got {line}")
        bob.send("PRIVMSG #c :still unvoiced\r\n")
        cannot_send(bob, "#c", "bob's PRIVMSG under +m, carol voiced")
        nothing_relayed(alice, "#c", [carol], said("still unvoiced"), "an unvoiced line under +m")

        mode(alice, "#c", "-m", [bob, carol], "MODE #c -m")
        bob.send("PRIVMSG #c :after -m\r\n")
        alice.expect(said("after -m"), "bob's line after -m")
        for x in (alice, bob, carol):
            x.close()
    finally:
        server.stop()


def case_statusmsg(binary, d):
    server = Server(binary, d)
    try:
        alice, bob, carol, dave = channel_of_members(server.port, "#c", "alice", "bob", "carol", "dave")
        mode(alice, "#c", "+vo bob dave", [bob, carol, dave], "MODE #c +vo bob dave")
        # @#c: the ops alone, whoever sends it.
        carol.send("PRIVMSG @#c :ops only\r\n")
        for op in (alice, dave):
            line = op.expect(said("ops only"), f"carol's @#c line, at {op.nick}")
            check(sent_by("carol", "PRIVMSG", "@#c :ops only")(line), f"expected it to @#c, got {line}")
        nothing_relayed(carol, "#c", [bob], said("ops only"), "a @#c line at a voiced member")
        # +#c: the voiced and the ops.
        carol.send("PRIVMSG +#c :voices too\r\n")
        for member in (alice, bob, dave):
            line = member.expect(said("voices too"), f"carol's +#c line, at {member.nick}")
            check(sent_by("carol", "PRIVMSG", r"\+#c :voices too")(line), f"expected it to +#c, got {line}")
        nothing_relayed(bob, "#c", [carol], said("voices too"), "a +#c line at its plain sender")
        for x in (alice, bob, carol, dave):
            x.close()
    finally:
        server.stop()


def case_key(binary, d):
    server = Server(binary, d)
    try:
        alice, bob = channel_of_members(server.port, "#c", "alice", "bob")
        changes = mode(alice, "#c", "+k secret", [bob], "MODE #c +k secret")
        check([(s, l) for s, l, _ in changes] == [("+", "k")], f"expected the relay '+k', got {changes}")
        dave = user(server.port, "dave")
        refused_join(dave, "#c", "475")
        refused_join(dave, "#c", "475", key="wrong")

        modes, _ = channel_modes(bob, "#c")
        check(modes.get("k") == "secret" and {"n", "t"} <= set(modes),
              f"324 to a member: expected +k with the key 'secret' (and n, t), got {modes}")
        modes, _ = channel_modes(dave, "#c")
        check("k" in modes and modes["k"] != "secret",
              f"324 to a non-member: expected +k without the key itself, got {modes}")
        check(modes["k"] == "*", f"324 to a non-member: expected '*' in the key's place, got {modes}")

        join(dave, "#c", key="secret")
        check("dave" in names(alice, "#c"), "dave joined with the key, but NAMES does not show him")
        changes = mode(alice, "#c", "-k secret", [bob, dave], "MODE #c -k")
        check([(s, l) for s, l, _ in changes] == [("-", "k")], f"expected the relay '-k', got {changes}")
        modes, _ = channel_modes(alice, "#c")
        check("k" not in modes, f"324 after -k: expected no key, got {modes}")
        erin = user(server.port, "erin")
        join(erin, "#c")
        for x in (alice, bob, dave, erin):
            x.close()
    finally:
        server.stop()


def case_limit(binary, d):
    server = Server(binary, d)
    try:
        alice = channel_of_members(server.port, "#c", "alice")[0]
        changes = mode(alice, "#c", "+l 2", [], "MODE #c +l 2")
        check(changes == [("+", "l", "2")], f"expected the relay '+l 2', got {changes}")
        bob = user(server.port, "bob")
        join(bob, "#c")
        carol = user(server.port, "carol")
        refused_join(carol, "#c", "471")
        got = sorted(names(alice, "#c"))
        check(got == ["@alice", "bob"], f"NAMES after a refused JOIN under +l 2: expected alice and bob, got {got}")
        modes, _ = channel_modes(alice, "#c")
        check(modes.get("l") == "2", f"324 under +l 2: expected l 2, got {modes}")
        # An invitation lets one past the limit (Modern), once.
        alice.send("INVITE carol #c\r\n")
        check(any(command_of(l) == "341" for l in answered(alice, "INVITE carol #c")), "INVITE carol: expected 341")
        join(carol, "#c")
        carol.send("PART #c\r\n")
        answered(carol, "PART #c")
        refused_join(carol, "#c", "471")
        mode(alice, "#c", "-l", [bob], "MODE #c -l")
        join(carol, "#c")
        for x in (alice, bob, carol):
            x.close()
    finally:
        server.stop()


def case_invite(binary, d):
    server = Server(binary, d)
    try:
        alice, bob = channel_of_members(server.port, "#c", "alice", "bob")
        # An op with invite-notify: IRCv3 lets a server notify only those who
        # could invite themselves, so an op hears of it either way.
        watcher = user(server.port, "watcher", ("invite-notify",))
        join(watcher, "#c")
        mode(alice, "#c", "+o watcher", [bob, watcher], "MODE #c +o watcher")
        carol, dave, frank = (user(server.port, n) for n in ("carol", "dave", "frank"))

        mode(alice, "#c", "+i", [bob, watcher], "MODE #c +i")
        refused_join(carol, "#c", "473")
        bob.send("INVITE carol #c\r\n")
        check_error(bob, "482", ["#c"], "INVITE by a non-op on a +i channel")
        dave.send("INVITE carol #c\r\n")
        check_error(dave, "442", ["#c"], "INVITE by a non-member")
        alice.send("INVITE nobody #c\r\n")
        check_error(alice, "401", ["nobody"], "INVITE of a nick no one holds")
        alice.send("INVITE bob #c\r\n")
        check_error(alice, "443", ["bob", "#c"], "INVITE of someone already on #c")
        refused_join(carol, "#c", "473")  # none of those invited her

        alice.send("INVITE carol #c\r\n")
        lines = answered(alice, "INVITE carol #c")
        check([params_of(l)[:3] for l in lines if command_of(l) == "341"] == [["alice", "carol", "#c"]]
              and not any(is_error(l) for l in lines), f"INVITE carol #c: expected '341 alice carol #c', got {lines}")
        carol.expect(sent_by("alice", "INVITE", "carol :?#c"), "carol's INVITE from alice")
        watcher.expect(sent_by("alice", "INVITE", "carol :?#c"), "invite-notify at the watcher")
        nothing_relayed(alice, "#c", [bob], lambda l: command_of(l) == "INVITE",
                        "an INVITE line reached bob, who has no invite-notify")
        join(carol, "#c")

        changes = mode(alice, "#c", "+I frank!*@*", [bob, watcher, carol], "MODE #c +I frank!*@*")
        check(changes == [("+", "I", "frank!*@*")], f"expected the relay '+I frank!*@*', got {changes}")
        join(frank, "#c")
        entries = list_entries(alice, "#c", "I")
        check(len(entries) == 1, f"MODE #c I: expected one entry, got {entries}")
        check_entry(entries[0], "frank!*@*", "alice", "346 for the +I mask")
        refused_join(dave, "#c", "473")
        for x in (alice, bob, watcher, carol, dave, frank):
            x.close()
    finally:
        server.stop()


def case_bans(binary, d):
    server = Server(binary, d)
    try:
        alice, bob = channel_of_members(server.port, "#c", "alice", "bob")
        dave = user(server.port, "dave")
        changes = mode(alice, "#c", "+b dave", [bob], "MODE #c +b dave")
        check(changes == [("+", "b", "dave!*@*")], f"+b dave: expected the mask stored as dave!*@*, got {changes}")
        refused_join(dave, "#c", "474")
        changes = mode(alice, "#c", "+e dave!*@127.0.0.1", [bob], "MODE #c +e")
        check(changes == [("+", "e", "dave!*@127.0.0.1")], f"expected the relay '+e dave!*@127.0.0.1', got {changes}")
        join(dave, "#c")

        entries = list_entries(alice, "#c", "b")
        check(len(entries) == 1, f"MODE #c b: expected one ban, got {entries}")
        check_entry(entries[0], "dave!*@*", "alice", "367")
        # '+b' without a mask asks for the list too.
        alice.send("MODE #c +b\r\n")
        entries = entries_in(answered(alice, "MODE #c +b"), alice, "#c", "b")
        check([e[0] for e in entries] == ["dave!*@*"], f"MODE #c +b without a mask: expected the ban list, got {entries}")
        entries = list_entries(alice, "#c", "e")
        check(len(entries) == 1, f"MODE #c e: expected one exception, got {entries}")
        check_entry(entries[0], "dave!*@127.0.0.1", "alice", "348")
        check(list_entries(alice, "#c", "I") == [], "MODE #c I: expected an empty list (346 none, then 347)")

        # A member banned after joining stays but cannot speak.
        changes = mode(alice, "#c", "+b bob", [bob, dave], "MODE #c +b bob")
        check(changes == [("+", "b", "bob!*@*")], f"expected the relay '+b bob!*@*', got {changes}")
        bob.send("PRIVMSG #c :banned words\r\n")
        cannot_send(bob, "#c", "a banned member's PRIVMSG")
        nothing_relayed(alice, "#c", [dave], said("banned words"), "a banned member's line")
        changes = mode(alice, "#c", "-b bob", [bob, dave], "MODE #c -b bob")
        check(changes == [("-", "b", "bob!*@*")], f"-b bob: expected to remove bob!*@*, got {changes}")
        bob.send("PRIVMSG #c :unbanned\r\n")
        dave.expect(said("unbanned"), "bob's line after -b")

        # The account extban: erin, logged in as erin, is kept out whatever her nick.
        erin = user(server.port, "erin")
        erin.nickserv("REGISTER correct-horse-battery", "registered")
        mode(alice, "#c", "+b $a:erin", [bob, dave], "MODE #c +b $a:erin")
        erin.send("NICK someone\r\n")
        erin.expect(lambda l: command_of(l) == "NICK", "erin's NICK someone")
        erin.nick = "someone"
        refused_join(erin, "#c", "474")
        for x in (alice, bob, dave, erin):
            x.close()
    finally:
        server.stop()


def chanserv(c, text, fragment):
    c.send(f"PRIVMSG ChanServ :{text}\r\n")
    return c.expect(lambda l: l.startswith(":ChanServ!ChanServ@services. NOTICE ") and fragment in l,
                    f"ChanServ's answer to {text!r} containing {fragment!r}")


def case_registered(binary, d):
    db = os.path.join(d, "registered.db")
    server = Server(binary, d, db=db)
    try:
        founder = user(server.port, "founder")
        founder.nickserv(f"REGISTER {PASSWORD}", "registered")
        join(founder, "#reg")
        bob = user(server.port, "bob")
        join(bob, "#reg")
        chanserv(bob, "REGISTER #reg", "not logged in")
        bob.nickserv(f"REGISTER {PASSWORD}", "registered")
        chanserv(bob, "REGISTER #reg", "must be an operator")
        chanserv(founder, "REGISTER #reg", "#reg is now registered to founder")
        chanserv(bob, "REGISTER #reg", "must be an operator")  # not founder either way
        chanserv(bob, "INFO #reg", "registered by founder")
        founder.send("TOPIC #reg :kept across restarts\r\n")
        expect_relay(founder, [bob], "TOPIC", "#reg :kept across restarts", "the founder's TOPIC")
        mode(founder, "#reg", "+ml-t 50", [bob], "MODE #reg +ml-t 50")
        mode(founder, "#reg", "+b troll!*@*", [bob], "MODE #reg +b troll!*@*")
        chanserv(bob, "DROP #reg", "not registered by you")
        for x in (founder, bob):
            x.close()
    finally:
        server.stop()

    # A restart on the same database: the channel comes back as it was left.
    server = Server(binary, d, db=db)
    try:
        carol = user(server.port, "carol")
        join(carol, "#reg")
        check(names(carol, "#reg") == ["carol"], "the first joiner of a registered channel got op")
        check(topic_of(carol, "#reg") == "kept across restarts", "the registered channel's topic after a restart")
        modes, _ = channel_modes(carol, "#reg")
        check("m" in modes and modes.get("l") == "50" and "t" not in modes,
              f"the registered channel's modes after a restart: {modes}")
        bans = [e[0] for e in list_entries(carol, "#reg", "b")]
        check(bans == ["troll!*@*"], f"the registered channel's bans after a restart: {bans}")
        founder = user(server.port, "founder")
        founder.nickserv(f"IDENTIFY {PASSWORD}", "logged in")
        join(founder, "#reg")
        check(sorted(names(carol, "#reg")) == ["@founder", "carol"], "the founder did not get op on joining")
        chanserv(founder, "DROP #reg", "#reg is no longer registered")
        chanserv(carol, "INFO #reg", "#reg is not registered")
        for x in (founder, carol):
            x.close()
    finally:
        server.stop()


def case_listfull(binary, d):
    server = Server(binary, d)
    try:
        alice, bob = channel_of_members(server.port, "#c", "alice", "bob")
        masks = [f"spam{i:03d}!*@*" for i in range(100)]
        for first in range(0, len(masks), 6):
            batch = masks[first:first + 6]
            changes = mode(alice, "#c", "+" + "b" * len(batch) + " " + " ".join(batch), [bob],
                           f"bans {first + 1} to {first + len(batch)}")
            check(sorted(changes) == [("+", "b", m) for m in batch], f"expected {batch} added, got {changes}")
        alice.send("MODE #c +b spam100!*@*\r\n")
        check_error(alice, "478", ["#c", "spam100!*@*"], "the 101st ban")
        nothing_relayed(alice, "#c", [bob], lambda l: command_of(l) == "MODE", "a ban over the limit was relayed")
        listed = sorted(e[0] for e in list_entries(bob, "#c", "b"))
        check(listed == masks, f"after the 101st ban: expected the 100 bans, got {len(listed)}: {listed[-3:]}")
        for x in (alice, bob):
            x.close()
    finally:
        server.stop()


def case_kick(binary, d):
    server = Server(binary, d)
    try:
        alice, bob, carol = channel_of_members(server.port, "#c", "alice", "bob", "carol")
        dave = user(server.port, "dave")
        alice.send("KICK #c bob :spam\r\n")
        expect_relay(alice, [bob, carol], "KICK", "#c bob :?spam", "KICK #c bob :spam")
        got = sorted(names(carol, "#c"))
        check(got == ["@alice", "carol"], f"NAMES after the kick: expected bob gone, got {got}")
        bob.send("PRIVMSG #c :still here?\r\n")
        cannot_send(bob, "#c", "a kicked user's PRIVMSG")
        nothing_relayed(alice, "#c", [carol], said("still here?"), "a kicked user's line")
        join(bob, "#c")
        for c in (alice, carol):
            c.expect(sent_by("bob", "JOIN", ":?#c"), f"bob's JOIN after the kick, at {c.nick}")

        carol.send("KICK #c alice :no\r\n")
        check_error(carol, "482", ["#c"], "KICK by a non-op")
        alice.send("KICK #c dave :not here\r\n")
        check_error(alice, "441", ["dave", "#c"], "KICK of a nick not on #c")
        dave.send("KICK #c carol :outsider\r\n")
        check_error(dave, "442", ["#c"], "KICK by a non-member")
        nothing_relayed(alice, "#c", [bob, carol], lambda l: command_of(l) == "KICK", "a refused KICK was relayed")
        got = sorted(names(alice, "#c"))
        check(got == ["@alice", "bob", "carol"], f"NAMES after the refused kicks: expected no change, got {got}")

        alice.send("KICK #c carol\r\n")
        line = expect_relay(alice, [bob, carol], "KICK", "#c carol.*", "KICK #c carol without a reason")
        check(len(params_of(line)) == 3 and params_of(line)[2] != "",
              f"KICK without a reason: expected a default reason, got {line}")
        got = sorted(names(alice, "#c"))
        check(got == ["@alice", "bob"], f"NAMES after kicking carol: expected her gone, got {got}")
        for x in (alice, bob, carol, dave):
            x.close()
    finally:
        server.stop()


def case_scope(binary, d):
    server = Server(binary, d)
    try:
        alice, bob = channel_of_members(server.port, "#c", "alice", "bob")
        carol = channel_of_members(server.port, "#other", "carol")[0]
        join(alice, "#other")
        carol.expect(sent_by("alice", "JOIN", ":?#other"), "alice's JOIN #other")

        alice.send("TOPIC #c :members only\r\n")
        expect_relay(alice, [bob], "TOPIC", "#c :members only", "TOPIC #c")
        mode(alice, "#c", "+m", [bob], "MODE #c +m")
        mode(alice, "#c", "+o bob", [bob], "MODE #c +o bob")
        nothing_relayed(alice, "#other", [carol], lambda l: command_of(l) in ("TOPIC", "MODE"),
                        "#c's TOPIC or MODE reached carol, who is not on #c")
        for x in (alice, bob, carol):
            x.close()
    finally:
        server.stop()


# ---- flood -------------------------------------------------------------------

FLOOD_LINES = 300


def whois_channels(c, nick):
    """The channels of WHOIS nick's 319 lines, prefixes included."""
    c.send(f"WHOIS {nick}\r\n")
    lines = answered(c, f"WHOIS {nick}")
    return [entry for l in lines if command_of(l) == "319" for entry in params_of(l)[-1].split()]


def listed(c):
    c.send("LIST\r\n")
    return [params_of(l)[1] for l in answered(c, "LIST") if command_of(l) == "322"]


def who_nicks(c, mask):
    c.send(f"WHO {mask}\r\n")
    return {params_of(l)[5]: params_of(l)[6] for l in answered(c, f"WHO {mask}") if command_of(l) == "352"}


def case_secret(binary, d):
    server = Server(binary, d)
    try:
        alice, carol = channel_of_members(server.port, "#hidden", "alice", "carol")
        join(alice, "#open")
        bob = user(server.port, "bob")
        mode(alice, "#hidden", "+s", [carol], "+s")

        check("#hidden" not in listed(bob) and "#open" in listed(bob),
              f"LIST for an outsider: expected #open and not secret #hidden, got {listed(bob)}")
        check("#hidden" in listed(carol), f"LIST for a member: expected secret #hidden, got {listed(carol)}")
        bob.send("NAMES #hidden\r\n")
        lines = answered(bob, "NAMES #hidden")
        check([command_of(l) for l in lines] == ["366"],
              f"NAMES of a secret channel for an outsider: expected 366 alone, got {lines}")
        carol.send("NAMES #hidden\r\n")
        heads = [params_of(l)[1] for l in answered(carol, "NAMES #hidden") if command_of(l) == "353"]
        check(heads == ["@"], f"NAMES of a secret channel for a member: expected the '@' mark, got {heads}")
        check(who_nicks(bob, "#hidden") == {}, f"WHO of a secret channel for an outsider: got {who_nicks(bob, '#hidden')}")
        check(who_nicks(carol, "#hidden") == {"alice": "H@", "carol": "H"},
              f"WHO of a secret channel for a member: got {who_nicks(carol, '#hidden')}")
        got = whois_channels(bob, "alice")
        check(got == ["@#open"], f"WHOIS alice for an outsider of #hidden: expected only @#open, got {got}")
        got = whois_channels(carol, "alice")
        check(sorted(got) == ["@#hidden", "@#open"], f"WHOIS alice for a member of #hidden: got {got}")

        mode(alice, "#hidden", "-s", [carol], "-s")
        check("#hidden" in listed(bob), f"LIST after -s: expected #hidden, got {listed(bob)}")
        got = whois_channels(bob, "alice")
        check(sorted(got) == ["@#hidden", "@#open"], f"WHOIS alice after -s: got {got}")

        carol.send("MODE carol +i\r\n")
        answered(carol, "MODE carol +i")
        got = names(bob, "#hidden")
        check(got == ["@alice"], f"NAMES for an outsider: expected invisible carol left out, got {got}")
        got = whois_channels(bob, "carol")
        check(got == [], f"WHOIS of an invisible user for an outsider: expected no channels, got {got}")
        join(bob, "#hidden")
        got = sorted(names(bob, "#hidden"))
        check(got == ["@alice", "bob", "carol"], f"NAMES for a member: expected invisible carol, got {got}")
        got = whois_channels(bob, "carol")
        check(got == ["#hidden"], f"WHOIS of an invisible user sharing a channel: got {got}")
        for x in (alice, bob, carol):
            x.close()
    finally:
        server.stop()


def flood_commands(channel):
    """FLOOD_LINES MODE lines: mostly new bans, some removed, +m and -m in
    turn; adds outnumber removals, so only the list's bound holds it to 100."""
    lines = []
    for i in range(FLOOD_LINES):
        if i % 10 == 9:
            lines.append(f"MODE {channel} {'+m' if i // 10 % 2 == 0 else '-m'}")
        elif i % 10 == 8:
            lines.append(f"MODE {channel} -b {flood_mask(i - 8)}")
        else:
            lines.append(f"MODE {channel} +b {flood_mask(i)}")
    return lines


def flood_mask(i):
    return f"flood{i:03d}!*@host{i:03d}.flood.example"


def flood_outcome(commands):
    """The bans and +m that every command taking effect leaves: a ban is added
    while the list holds fewer than 100, and removed if listed."""
    bans, moderated = [], False
    for command in commands:
        change = command.split(" ", 2)[2]
        if change in ("+m", "-m"):
            moderated = change == "+m"
        elif change.startswith("+b "):
            if change[3:] not in bans and len(bans) < 100:
                bans.append(change[3:])
        elif change[3:] in bans:
            bans.remove(change[3:])
    return bans, moderated


def read_to_pong_or_close(c, token):
    """Lines until the PONG for token or the server closing c: (lines, closed)."""
    lines = []

    def keep(line):
        lines.append(line)
        return command_of(line) == "PONG" and line.endswith(token)

    try:
        c.expect(keep, f"the flooder's PONG {token} or its disconnection")
        return lines, False
    except Closed:
        return lines, True


def flood_round(binary, d, line_rate, label):
    server = Server(binary, d, line_rate=line_rate)
    try:
        alice, bob = channel_of_members(server.port, "#flood", "alice", "bob")
        commands = flood_commands("#flood")
        alice.send("".join(f"{l}\r\n" for l in commands) + "PING :flood-end\r\n")
        started = time.monotonic()
        # Another user is answered while the flood is handled, and the list
        # never holds more than 100 whenever he looks.
        for look in range(3):
            bob.fence(f"during-{look}")
            listed = list_entries(bob, "#flood", "b")
            check(len(listed) <= 100, f"{label}: {len(listed)} bans listed during the flood, over MAXLIST 100")
        answered_s = time.monotonic() - started

        lines, closed = read_to_pong_or_close(alice, "flood-end")
        errors = [l for l in lines if command_of(l) == "ERROR"]
        if closed:
            check(errors and "flood" in errors[-1].lower(),
                  f"{label}: the flooder was cut off without an ERROR naming the flood: {lines[-5:]}")
        check(server.alive(), f"{label}: the server died during the flood")
        listed = [e[0] for e in list_entries(bob, "#flood", "b")]
        check(len(listed) <= 100, f"{label}: {len(listed)} bans listed after the flood, over MAXLIST 100")
        modes, _ = channel_modes(bob, "#flood")
        if not closed:
            bans, moderated = flood_outcome(commands)
            check(sorted(listed) == sorted(bans), f"{label}: every line taken, expected {len(bans)} bans ending "
                                                  f"{bans[-2:]}, got {len(listed)} ending {listed[-2:]}")
            check(("m" in modes) == moderated, f"{label}: expected +m to be {moderated} after the flood, got {modes}")
        relayed = sum(1 for l in lines if command_of(l) == "MODE")
        print(f"  {label}: {'flooder cut off: ' + errors[-1] if closed else 'every line taken'}; "
              f"{relayed} MODE lines relayed to the flooder, {len(listed)} bans left; "
              f"bob answered 3 times in {answered_s:.2f} s")
        bob.close()
        alice.close()
    finally:
        server.stop()


def case_flood(binary, d):
    flood_round(binary, d, None, "flood limit on")
    flood_round(binary, d, 0, "flood limit off")


CASES = {
    "isupport": case_isupport,
    "names": case_names,
    "mode": case_mode,
    "external": case_external,
    "topic": case_topic,
    "moderated": case_moderated,
    "statusmsg": case_statusmsg,
    "key": case_key,
    "limit": case_limit,
    "invite": case_invite,
    "bans": case_bans,
    "registered": case_registered,
    "listfull": case_listfull,
    "kick": case_kick,
    "scope": case_scope,
    "secret": case_secret,
    "flood": case_flood,
}


if __name__ == "__main__":
    sys.exit(run_cases(__doc__, CASES, "sala-moderation-"))
