#!/usr/bin/env python3
"""Does chat-server answer a client's commands in the order it sent them?

irctest synchronizes with a server by sending PING after a command and taking
everything before the PONG as the command's answer ("servers answering all
commands in order"). Some irctest failures of sala are intermittent because
the answer to a JOIN, PART, TOPIC change or channel message can come after the
PONG of a PING that followed it. This probe makes that deterministic: it sends
each command and a PING in one write, so that both arrive in the same read,
and counts how often the command's answer comes after the PONG.

    tools/irctest/reply_order_probe.py build/release/src/server/chat-server [-n 40]

Only loopback traffic; the server it starts is stopped at the end. Exit status
1 if any command was answered out of order.
"""

from __future__ import annotations

import argparse
import socket
import subprocess
import sys
import time


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Client:
    def __init__(self, port: int, nick: str):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        self.send(
            "CAP LS 302", "CAP REQ :echo-message", "CAP END",
            f"NICK {nick}", "USER u 0 * :u",
        )
        buf = b""
        while b" 422 " not in buf and b" 376 " not in buf:
            buf += self.sock.recv(65536)

    def send(self, *lines: str) -> None:
        self.sock.sendall("".join(line + "\r\n" for line in lines).encode())

    def with_ping(self, commands: list[str], token: str) -> tuple[list[bytes], list[bytes]]:
        """Sends commands and a PING in one write; returns the lines received
        before and after the PONG (waiting 0.2 s for late ones)."""
        self.send(*commands, f"PING {token}")
        buf = b""
        while token.encode() not in buf:
            buf += self.sock.recv(65536)
        self.sock.settimeout(0.2)
        try:
            while True:
                more = self.sock.recv(65536)
                if not more:
                    break
                buf += more
        except socket.timeout:
            pass
        self.sock.settimeout(5)
        lines = [line for line in buf.split(b"\r\n") if line]
        k = next(i for i, line in enumerate(lines) if token.encode() in line)
        return lines[:k], lines[k + 1:]

    def close(self) -> None:
        try:
            self.send("QUIT")
        finally:
            self.sock.close()


CASES = {
    # name: (commands, needs to be in #p first)
    "JOIN #new": (lambda i: [f"JOIN #j{i}"], False),
    "PART #p": (lambda i: ["PART #p"], True),
    "TOPIC #p :new": (lambda i: [f"TOPIC #p :t{i}"], True),
    "PRIVMSG #p (echo)": (lambda i: [f"PRIVMSG #p :m{i}"], True),
    "PRIVMSG nick (echo)": (lambda i: [f"PRIVMSG other :m{i}"], True),
    "NAMES #p": (lambda i: ["NAMES #p"], True),
    "TOPIC #p": (lambda i: ["TOPIC #p"], True),
    "MODE #p": (lambda i: ["MODE #p"], True),
    "WHO #p": (lambda i: ["WHO #p"], True),
    "WHOIS other": (lambda i: ["WHOIS other"], True),
    "LIST": (lambda i: ["LIST"], True),
    "NICK": (lambda i: [f"NICK n{i}"], True),
    "AWAY": (lambda i: ["AWAY :x"], True),
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("server", help="chat-server binary")
    parser.add_argument("-n", type=int, default=40, help="tries per command")
    parser.add_argument("--threads", type=int, help="passed to chat-server")
    args = parser.parse_args()

    port = free_port()
    command = [
        args.server, "--bind", "127.0.0.1", "--port", str(port), "--status-port", "0", "--web-port", "0",
        "--autojoin", "", "--line-rate", "0", "--max-per-ip", "1000", "--log-level", "warn",
    ]
    if args.threads:
        command += ["--threads", str(args.threads)]
    server = subprocess.Popen(command)
    deadline = time.time() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if time.time() > deadline or server.poll() is not None:
                print("chat-server did not start", file=sys.stderr)
                server.kill()
                return 2
            time.sleep(0.05)

    out_of_order = 0
    try:
        other = Client(port, "other")
        other.with_ping(["JOIN #p"], "setup")
        for case_no, (name, (make, in_channel)) in enumerate(CASES.items()):
            late = 0
            for i in range(args.n):
                c = Client(port, f"c{case_no}x{i}")
                if in_channel:
                    c.with_ping(["JOIN #p"], "setup")
                before, after = c.with_ping(make(i), f"tok{i}")
                if not before and after:
                    late += 1
                c.close()
            out_of_order += late
            print(f"{name:22} answered after the PONG of a PING sent with it: {late}/{args.n}")
        other.close()
    finally:
        server.terminate()
        try:
            server.wait(5)
        except subprocess.TimeoutExpired:
            server.kill()
    return 1 if out_of_order else 0


if __name__ == "__main__":
    sys.exit(main())
