"""What tests of channels need: answers fenced by a PING, so that a missing
or wrong one fails at once rather than at the deadline; relays checked at
the sender and at every member; proof that a line did not reach someone;
joins and NAMES. Loopback only.

The server answers one client's commands in order, and a channel's relays
are handed to every member as the command is carried out. So everything a
command causes a client to be sent comes before the PONG of a PING sent
after it (answered()), and a line relayed in a channel reaches each member
before any line relayed there later (nothing_relayed()). Messages to a
channel are the exception: only a refusal answers them, and the server need
not wait for the channel's verdict before it reads the sender's next line,
so a 404 may come after a later PONG (cannot_send())."""
import itertools
import re

from irc_test_client import Client, command_of, connecting, finish_registration, numeric_in, params_of, split_tags
from loopback_checks import check

SOURCE = r"\S+@\S+"  # user@host of a line's source, for regular expressions

_tokens = itertools.count()


def answered(c, what):
    """Every line c was sent before the PONG of a PING sent now."""
    return c.fence(f"after-{next(_tokens)}", what)


def is_error(line):
    """An error numeric (4xx, 5xx, ERR_INVALIDMODEPARAM 696) or a FAIL."""
    command = command_of(line)
    return command == "FAIL" or (command.isdigit() and (400 <= int(command) < 600 or command == "696"))


def check_error(c, code, params, what):
    """c's last command was answered with the error code, its parameters
    after c's nick starting with params; returns that line."""
    lines = answered(c, what)
    errors = [l for l in lines if is_error(l)]
    check(errors and command_of(errors[0]) == code and params_of(errors[0])[1:1 + len(params)] == list(params),
          f"{what}: expected {code} {c.nick} {' '.join(params)}, got {errors[0] if errors else lines}")
    return errors[0]


def cannot_send(c, channel, what):
    """c's last message to channel was refused (404). Awaited, not fenced by a
    PING (see above), so a message wrongly let through fails at the deadline."""
    line = c.expect(is_error, f"404 for {what}")
    check(command_of(line) == "404" and params_of(line)[1:2] == [channel],
          f"{what}: expected 404 {c.nick} {channel}, got {line}")
    return line


def sent_by(nick, command, rest):
    """A predicate for ':nick!user@host COMMAND rest' exactly (rest a regex)."""
    pattern = re.compile(rf":{re.escape(nick)}!{SOURCE} {command} {rest}")
    return lambda line: pattern.fullmatch(split_tags(line)[1]) is not None


def expect_relay(sender, others, command, rest, what):
    """The sender's last command came back to it as ':sender!u@h COMMAND rest',
    and reaches each of others the same; returns the sender's line."""
    lines = answered(sender, what)
    mine = [l for l in lines if sent_by(sender.nick, command, rest)(l)]
    check(len(mine) == 1 and not any(is_error(l) for l in lines),
          f"{what}: expected one ':{sender.nick}!u@h {command} {rest.replace(chr(92), '')}' back, got {lines}")
    for c in others:
        line = c.expect(sent_by(sender.nick, command, rest), f"{what}, at {c.nick}")
        check(split_tags(line)[1] == split_tags(mine[0])[1], f"{what}: {c.nick} got {line}, {sender.nick} {mine[0]}")
    return mine[0]


def nothing_relayed(sender, channel, observers, unwanted, what):
    """Neither the sender nor any observer was sent a line satisfying unwanted.
    The sender speaks in channel, which every observer is on: a channel's
    lines reach each member in the order they happen, so a line sent before
    would arrive before this marker. Call it only once the command judged
    was answered (or its 404 seen)."""
    token = f"marker-{next(_tokens)}"
    sender.send(f"PRIVMSG {channel} :{token}\r\n")
    bad = [l for l in answered(sender, f"the marker {token}") if unwanted(l) or is_error(l)]
    check(not bad, f"{what}: {sender.nick} received {bad}")
    for o in observers:
        lines = o.lines_until(lambda l: l.endswith(f" PRIVMSG {channel} :{token}"),
                              f"{sender.nick}'s marker {token} in {channel}, at {o.nick}")
        bad = [l for l in lines if unwanted(l)]
        check(not bad, f"{what}: {o.nick} received {bad}")


def said(text):
    return lambda line: command_of(line) == "PRIVMSG" and line.endswith(f" :{text}")


def user(port, nick, caps=()):
    """A registered client, its welcome read to the end of the MOTD (ERR_NOMOTD
    422 must not pass for an answer later); with caps, negotiated first."""
    if caps:
        c = connecting(port, nick, caps)
        finish_registration(c)
    else:
        c = Client(port, nick)
    c.expect(numeric_in("376", "422"), f"the end of {nick}'s MOTD")
    return c


def try_join(c, channel, key=None):
    """JOIN; returns the error line, or None when c joined."""
    c.send(f"JOIN {channel}{' ' + key if key else ''}\r\n")
    lines = answered(c, f"{c.nick}'s JOIN {channel}")
    errors = [l for l in lines if is_error(l)]
    if errors:
        return errors[0]
    check(any(sent_by(c.nick, "JOIN", f":?{re.escape(channel)}")(l) for l in lines)
          and any(command_of(l) == "366" and params_of(l)[1] == channel for l in lines),
          f"{c.nick}'s JOIN {channel}: expected the JOIN back and NAMES (366), got {lines}")
    return None


def join(c, channel, key=None):
    refused = try_join(c, channel, key)
    check(refused is None, f"{c.nick} could not join {channel}: {refused}")


def refused_join(c, channel, code, key=None):
    line = try_join(c, channel, key)
    what = f"{c.nick}'s JOIN {channel}{' with key ' + key if key else ''}"
    check(line is not None, f"{what}: joined; expected {code}")
    check(command_of(line) == code and params_of(line)[1:2] == [channel],
          f"{what}: expected {code} {c.nick} {channel}, got {line}")


def channel_of_members(port, channel, *nicks):
    """Clients joined to channel in the order given: the first made it, so it is op."""
    clients = []
    for nick in nicks:
        c = user(port, nick)
        join(c, channel)
        for earlier in clients:
            earlier.expect(sent_by(nick, "JOIN", f":?{re.escape(channel)}"), f"{nick}'s JOIN at {earlier.nick}")
        clients.append(c)
    return clients


def names(c, channel):
    """NAMES channel: the entries as sent, prefixes included."""
    c.send(f"NAMES {channel}\r\n")
    return names_in(answered(c, f"NAMES {channel}"), channel)


def names_in(lines, channel):
    return [entry for l in lines if command_of(l) == "353" and params_of(l)[-2] == channel
            for entry in params_of(l)[-1].split()]
