#!/usr/bin/env python3
"""Several chat-servers as one network on NATS JetStream: real nats-servers
(three, clustered, on loopback ports) and real chat-server nodes.

Cases:
  order      members on three nodes all send at once; every member sees
             every message of the room, and all in the same order
  names      a joiner sees members of other nodes in NAMES, and members
             see JOIN, PART and QUIT of users on other nodes
  nicks      a nick held on one node is refused on the others (433), and
             free again everywhere once its holder renames or quits
  node-loss  kill -9 of a node: the others see its users quit, and a user
             of it reconnects to another node, as the same nick, and is
             shown what was said meanwhile
  nats-loss  kill -9 of one of three NATS servers mid-stream: chat goes on
             and no line is lost or repeated
  history    a room's lines said on other nodes are replayed on join, and
             CHATHISTORY on any node returns them
  bad-start  an unreachable cluster or a bad URL: a clear message, exit 2

Every wait has a deadline that does not depend on this machine's speed.
Loopback only. Usage: cluster_test.py CHAT_SERVER [case ...]
"""
import json
import os
import re
import subprocess
import sys
import tempfile
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "integration"))
import irc_test_client  # noqa: E402
from irc_test_client import command_of, params_of, split_tags  # noqa: E402
from loopback_checks import DEADLINE_S, HOST, Failure, check  # noqa: E402
from nats_cluster import NatsCluster, free_ports  # noqa: E402

CAPS = "message-tags server-time echo-message batch"


class Node(irc_test_client.Server):
    def __init__(self, binary, directory, cluster, name, extra=()):
        self.name = name
        # The status port is picked free just before: another process may take it.
        for attempt in range(5):
            (self.status_port,) = free_ports(1)
            try:
                super().__init__(binary, directory, extra=["--cluster", cluster.urls(), "--node-name", name,
                                                           "--log-level", "debug", *extra],
                                 db=os.path.join(directory, f"{name}.db"), status_port=self.status_port)
                return
            except Failure:
                if attempt == 4:
                    raise

    def status(self):
        with urllib.request.urlopen(f"http://{HOST}:{self.status_port}/status", timeout=DEADLINE_S) as r:
            return json.load(r)


def member(node, nick, room="#net"):
    c = irc_test_client.Client(node.port)
    c.send(f"CAP REQ :{CAPS}\r\nNICK {nick}\r\nUSER {nick} 0 * :{nick}\r\nCAP END\r\n")
    c.expect(lambda line: f" 001 {nick} " in line, f"the welcome for {nick} on {node.name}")
    c.nick = nick
    if room:
        c.send(f"JOIN {room}\r\n")
        c.expect(lambda line: command_of(line) == "366", f"{nick}'s NAMES end for {room}")
    return c


def privmsgs(lines, room="#net"):
    out = []
    for line in lines:
        if command_of(line) == "PRIVMSG" and params_of(line)[0] == room:
            tags, rest = split_tags(line)
            out.append((tags.get("msgid"), params_of(line)[1]))
    return out


def said_by(line, command, nick):
    return command_of(line) == command and split_tags(line)[1].startswith(f":{nick}!")


def wait_for_text(c, text, what):
    return c.lines_until(lambda line: command_of(line) == "PRIVMSG" and line.endswith(" :" + text), what)


def wait_for_texts(c, texts, what):
    """Every line until each of texts has been said, in any order."""
    waiting = set(texts)

    def said(line):
        if command_of(line) == "PRIVMSG":
            waiting.discard(params_of(line)[-1])
        return not waiting

    return c.lines_until(said, what)


def with_network(binary, nodes, body, nats_size=3, extra=()):
    with tempfile.TemporaryDirectory() as d:
        nats = NatsCluster(d, nats_size)
        started = []
        try:
            for i in range(nodes):
                started.append(Node(binary, d, nats, f"node{i + 1}", extra))
            body(nats, started)
            for n in started:
                if n.alive():  # a node a case killed has nothing left to say
                    n.stop()
        finally:
            for n in started:
                if n.alive():
                    n.proc.kill()
                    n.proc.wait()
            nats.stop()


def case_order(binary):
    per_member = 60

    def body(nats, nodes):
        clients = [member(n, f"m{i}") for i, n in enumerate(nodes)]
        # Each knows the others are in before anyone speaks: its own JOIN
        # was answered, and a line from each reaches everyone.
        for c in clients:
            c.send(f"PRIVMSG #net :ready {c.nick}\r\n")
        for c in clients:
            wait_for_texts(c, [f"ready {o.nick}" for o in clients], f"everyone's ready on {c.nick}")
        # Everyone at once, pipelined: the nodes race to the stream.
        for k in range(per_member):
            for c in clients:
                c.send(f"PRIVMSG #net :{c.nick} says {k}\r\n")
        for c in clients:
            c.send(f"PRIVMSG #net :done {c.nick}\r\n")
        seen = []
        for c in clients:
            lines = wait_for_texts(c, [f"done {o.nick}" for o in clients], f"everyone's done on {c.nick}")
            got = [m for m in privmsgs(lines) if " says " in m[1]]
            check(len(got) == per_member * len(clients),
                  f"{c.nick} saw {len(got)} of {per_member * len(clients)} messages")
            check(len({m[0] for m in got}) == len(got), f"{c.nick} saw a msgid twice or none")
            seen.append(got)
            # Each sender's own lines in the order it sent them.
            for other in clients:
                mine = [t for _, t in got if t.startswith(other.nick + " ")]
                check(mine == [f"{other.nick} says {k}" for k in range(per_member)],
                      f"{c.nick} saw {other.nick}'s lines out of order")
        for c, got in zip(clients[1:], seen[1:]):
            first_difference = next((i for i, (a, b) in enumerate(zip(seen[0], got)) if a != b), None)
            if first_difference is not None:
                raise Failure(f"{clients[0].nick} and {c.nick} saw different orders from message {first_difference}: "
                              f"{seen[0][first_difference]} against {got[first_difference]}")
        for c in clients:
            c.quit()

    with_network(binary, 3, body)


def names_of(c, room="#net"):
    c.send(f"NAMES {room}\r\n")
    lines = c.lines_until(lambda line: command_of(line) == "366", f"NAMES {room}")
    nicks = set()
    for line in lines:
        if command_of(line) == "353":
            nicks |= {n.lstrip("@+") for n in params_of(line)[-1].split()}
    return nicks


def case_names(binary):
    def body(nats, nodes):
        alice = member(nodes[0], "alice")
        bob = member(nodes[1], "bob")
        # bob's node learned alice's JOIN from the stream before bob came.
        joined = alice.expect(lambda line: said_by(line, "JOIN", "bob"),
                              "bob's JOIN from the other node")
        check("#net" in joined, "the JOIN names the room")
        check("alice" in names_of(bob) and "bob" in names_of(bob), "bob's NAMES lists alice and bob")
        # /status on bob's node marks where each user is.
        # Every node beats every 2 s: the last one started is seen soon after.
        irc_test_client.eventually(lambda: sorted(nodes[1].status()["cluster"]["nodes"]) == ["node1", "node2", "node3"],
                                   "node2 to see every node beating")
        status = nodes[1].status()["cluster"]
        check(status["enabled"] and status["node"] == "node2", f"node2's status names it: {status}")
        check({"nick": "alice", "node": "node1", "channels": ["#net"]} in status["remote_users"],
              f"node2's status has alice on node1: {status}")
        carol = irc_test_client.Client(nodes[2].port, "carol")
        carol.send("JOIN #net\r\n")
        greeting = carol.lines_until(lambda line: command_of(line) == "366", "carol's NAMES")
        listed = set()
        for line in greeting:
            if command_of(line) == "353":
                listed |= {n.lstrip("@+") for n in params_of(line)[-1].split()}
        check(listed == {"alice", "bob", "carol"}, f"carol's greeting NAMES lists everyone: {listed}")
        for c in (alice, bob):
            c.expect(lambda line: said_by(line, "JOIN", "carol"), f"carol's JOIN on {c.nick}")
        bob.send("PART #net :later\r\n")
        for c in (alice, carol):
            c.expect(lambda line: said_by(line, "PART", "bob"), f"bob's PART on {c.nick}")
        check("bob" not in names_of(alice), "bob left alice's NAMES")
        carol.quit()
        alice.expect(lambda line: said_by(line, "QUIT", "carol"), "carol's QUIT on alice")
        check(names_of(alice) == {"alice"}, "alice alone in her NAMES after carol's QUIT")
        alice.quit()
        bob.quit()

    with_network(binary, 3, body)


def case_history(binary):
    def body(nats, nodes):
        alice = member(nodes[0], "alice")
        bob = member(nodes[1], "bob")
        for k in range(5):
            alice.send(f"PRIVMSG #net :from a {k}\r\n")
            bob.send(f"PRIVMSG #net :from b {k}\r\n")
        live = wait_for_texts(alice, ["from a 4", "from b 4"], "both last lines on alice")
        live_order = [t for _, t in privmsgs(live)]
        # A joiner on a third node is shown the room's recent lines, which
        # were all said elsewhere, in the order the members saw them.
        carol = member(nodes[2], "carol", room=None)
        carol.send("JOIN #net\r\n")
        lines = carol.fence("replay", "carol's join")
        replayed = [line for line in lines if command_of(line) == "PRIVMSG"]
        texts = [params_of(line)[1] for line in replayed]
        check(sorted(texts) == sorted(live_order), f"carol's replay {texts} holds what alice saw {live_order}")
        # History is in the order of the lines' times (README, "Cluster"):
        # lines said on two nodes in the same instant may be shown live in
        # the other order.
        times = [split_tags(line)[0].get("time") for line in replayed]
        check(None not in times and times == sorted(times), f"carol's replay is in time order: {times}")
        # CHATHISTORY on the other node returns the same lines.
        bob.send("CAP REQ :draft/chathistory\r\n")
        bob.expect(lambda line: command_of(line) == "CAP" and " ACK " in line, "chathistory ACK")
        bob.send("CHATHISTORY LATEST #net * 10\r\n")
        got = bob.lines_until(lambda line: command_of(line) == "BATCH" and line.split()[-1].startswith("-")
                              or command_of(line) == "FAIL", "CHATHISTORY LATEST")
        texts = [params_of(line)[1] for line in got if command_of(line) == "PRIVMSG"]
        check(sorted(texts) == sorted(live_order), f"bob's CHATHISTORY {texts} holds what was said {live_order}")
        for c in (alice, bob, carol):
            c.quit()

    with_network(binary, 3, body)


def takes_nick(c, nick):
    """Whether c's NICK nick is taken (NICK) rather than refused (433)."""
    c.send(f"NICK {nick}\r\n")
    line = c.expect(lambda line: command_of(line) in ("433", "NICK"), f"{c.nick}'s NICK {nick} answered")
    return command_of(line) == "NICK"


def case_nicks(binary):
    def body(nats, nodes):
        alice = member(nodes[0], "alice", room=None)
        # Registering as alice, or ALICE, on another node is refused.
        for nick in ("alice", "ALICE"):
            c = irc_test_client.Client(nodes[1].port)
            c.send(f"NICK {nick}\r\nUSER x 0 * :x\r\n")
            c.expect(lambda line: command_of(line) == "433", f"433 for {nick} on node2")
            c.close()
        # A registered user renaming to it is refused too, and keeps its nick.
        bob = member(nodes[2], "bob", room=None)
        bob.send("NICK Alice\r\n")
        bob.expect(lambda line: command_of(line) == "433", "433 for bob's NICK Alice")
        # alice renames: her old nick is free network-wide, the new one not.
        alice.send("NICK alice2\r\n")
        alice.expect(lambda line: command_of(line) == "NICK", "alice's NICK echo")
        bob.send("NICK alice2\r\n")
        bob.expect(lambda line: command_of(line) == "433", "433 for bob's NICK alice2")

        # The release travels to the bucket after the rename: bounded retry.
        irc_test_client.eventually(lambda: takes_nick(bob, "alice"), "alice free for bob on node3")
        alice.quit()
        carol = member(nodes[1], "carol", room=None)

        irc_test_client.eventually(lambda: takes_nick(carol, "alice2"), "alice2 free after alice2 quit")
        bob.quit()
        carol.quit()

    with_network(binary, 3, body)


def case_node_loss(binary):
    def body(nats, nodes):
        alice = member(nodes[0], "alice")
        bob = member(nodes[1], "bob")
        carol = member(nodes[2], "carol")
        for k in range(5):
            alice.send(f"PRIVMSG #net :before {k}\r\n")
        wait_for_texts(bob, ["before 4"], "alice's lines on bob")
        # bob's node dies without a word: the others notice its silence.
        nodes[1].proc.kill()
        nodes[1].proc.wait()
        for c in (alice, carol):
            c.expect(lambda line: said_by(line, "QUIT", "bob"), f"bob's QUIT on {c.nick} after his node died")
        check("bob" not in names_of(alice), "bob left alice's NAMES")
        alice.send("PRIVMSG #net :while bob was away\r\n")
        wait_for_texts(carol, ["while bob was away"], "alice's line on carol")
        # bob comes back on another node, as bob: his nick was freed, and
        # the room's history has what he missed.
        bob = member(nodes[2], "bob", room=None)
        bob.send("JOIN #net\r\n")
        replay = [params_of(line)[1] for line in bob.fence("replay", "bob's join") if command_of(line) == "PRIVMSG"]
        for text in [f"before {k}" for k in range(5)] + ["while bob was away"]:
            check(replay.count(text) == 1, f"bob's replay has {text!r} once: {replay}")
        alice.expect(lambda line: said_by(line, "JOIN", "bob"), "bob's JOIN on alice")
        for c in (alice, bob, carol):
            c.quit()

    with_network(binary, 3, body)


def case_nats_loss(binary):
    lines = 40

    def body(nats, nodes):
        alice = member(nodes[0], "alice")
        bob = member(nodes[1], "bob")
        alice.send("PRIVMSG #net :hello\r\n")
        wait_for_texts(bob, ["hello"], "hello on bob")
        # One NATS server of three dies mid-stream: the nodes connected to
        # it move to another, and with three replicas nothing is lost.
        for k in range(lines):
            if k == lines // 2:
                nats.servers[0].kill()
            alice.send(f"PRIVMSG #net :line {k}\r\n")
        got = [t for _, t in privmsgs(wait_for_texts(bob, [f"line {lines - 1}"], "the last line on bob"))]
        check(got == [f"line {k}" for k in range(lines)], f"bob saw every line once, in order: {got}")
        bob.send("PRIVMSG #net :still here\r\n")
        wait_for_texts(alice, ["still here"], "bob's line on alice after the loss")
        alice.quit()
        bob.quit()

    with_network(binary, 2, body)


def case_bad_start(binary):
    with tempfile.TemporaryDirectory() as d:
        (port,) = free_ports(1)
        for args, message in (
                (["--cluster", f"nats://{HOST}:{port}"], "cannot connect to the NATS cluster"),
                (["--cluster", "http://example"], "is not a nats://host:port URL"),
                (["--cluster", f"nats://{HOST}:{port}", "--node-name", "bad name"], "--node-name"),
                (["--cluster", f"nats://{HOST}:{port}", "--no-history"], "--no-history")):
            r = subprocess.run([binary, "--bind", HOST, "--port", "0", "--status-port", "0", "--web-port", "0",
                                "--db", os.path.join(d, "x.db"), *args],
                               capture_output=True, text=True, timeout=DEADLINE_S)
            check(r.returncode == 2, f"{args}: exit status {r.returncode}, expected 2: {r.stderr}{r.stdout}")
            check(message in r.stderr + r.stdout, f"{args}: no {message!r} in: {r.stderr}{r.stdout}")


CASES = {
    "order": case_order,
    "names": case_names,
    "history": case_history,
    "nicks": case_nicks,
    "node-loss": case_node_loss,
    "nats-loss": case_nats_loss,
    "bad-start": case_bad_start,
}



def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    if subprocess.run(["sh", "-c", "command -v nats-server"], stdout=subprocess.DEVNULL).returncode != 0:
        print("nats-server is not installed (scripts/install-deps.sh installs it)", file=sys.stderr)
        return 77
    binary = sys.argv[1]
    failed = []
    for name in sys.argv[2:] or list(CASES):
        try:
            CASES[name](binary)
            print(f"ok: {name}", flush=True)
        except Failure as e:
            print(f"FAIL: {name}: {e}", file=sys.stderr, flush=True)
            failed.append(name)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
