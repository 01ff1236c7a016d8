"""A raw IRC client for the interop tests (accounts, moderation), on loopback only.

    irc_line_client.py register PORT NICK PASSWORD LOG
        Registers with NICK, waits for 001, sends REGISTER * * :PASSWORD and
        waits for REGISTER SUCCESS, then QUITs and waits for the server to
        close. Exit status 0 on success, 1 on a FAIL reply, a connection
        closed before success, or the deadline.

    irc_line_client.py observe PORT NICK LOG
        Asks for extended-join and account-notify before registering (CAP END
        only after the ACK), then logs every line it receives to LOG, answers
        PING, and sends each line read from stdin. Runs until the server
        closes the connection or its deadline passes; the test kills it.

Every line received is written to LOG as it arrives, so that the test can
wait for it. Deadlines are generous: only a hang should reach them.
"""
import os
import select
import socket
import sys
import time

CONNECT_TIMEOUT_S = 60
REGISTER_DEADLINE_S = 120
OBSERVE_DEADLINE_S = 600


def lines_from(sock, inbuf):
    """Reads once from sock; returns (complete lines, rest, open?)."""
    data = sock.recv(65536)
    if not data:
        return [], inbuf, False
    inbuf += data
    lines = []
    while b"\n" in inbuf:
        raw, inbuf = inbuf.split(b"\n", 1)
        lines.append(raw.rstrip(b"\r").decode("utf-8", "replace"))
    return lines, inbuf, True


def command_of(line):
    """The command word of an IRC line, tags and prefix skipped."""
    words = line.split(" ")
    i = 0
    while i < len(words) and words[i][:1] in ("@", ":"):
        i += 1
    return words[i] if i < len(words) else ""


def register(port, nick, password, log):
    sock = socket.create_connection(("127.0.0.1", port), timeout=CONNECT_TIMEOUT_S)
    sock.sendall(f"NICK {nick}\r\nUSER {nick} 0 * :{nick}\r\n".encode())
    inbuf, registered = b"", False
    deadline = time.monotonic() + REGISTER_DEADLINE_S
    while time.monotonic() < deadline:
        ready, _, _ = select.select([sock], [], [], 0.5)
        if not ready:
            continue
        lines, inbuf, still_open = lines_from(sock, inbuf)
        for line in lines:
            log.write(line + "\n")
            words = line.split(" ")
            if line.startswith("PING "):
                sock.sendall(("PONG " + line[5:] + "\r\n").encode())
            elif len(words) > 1 and words[1] == "001":
                sock.sendall(f"REGISTER * * :{password}\r\n".encode())
            elif command_of(line) == "REGISTER" and "SUCCESS" in words:
                # Until the server closes: the nick is free again only then.
                sock.sendall(b"QUIT :registered\r\n")
                registered = True
            elif command_of(line) == "ERROR":
                return 0 if registered else 1  # the server's answer to QUIT, as it closes
            elif command_of(line) == "FAIL" or (len(words) > 1 and words[1] in ("432", "433")):
                return 1
        if not still_open:
            log.write("# connection closed\n")
            return 0 if registered else 1
    log.write("# deadline passed\n")
    return 1


def observe(port, nick, log):
    sock = socket.create_connection(("127.0.0.1", port), timeout=CONNECT_TIMEOUT_S)
    sock.sendall(f"CAP REQ :extended-join account-notify\r\nNICK {nick}\r\nUSER {nick} 0 * :observer\r\n".encode())
    inbuf, cmdbuf, stdin_open = b"", b"", True
    deadline = time.monotonic() + OBSERVE_DEADLINE_S
    while time.monotonic() < deadline:
        watched = [sock] + ([0] if stdin_open else [])
        ready, _, _ = select.select(watched, [], [], 0.5)
        if sock in ready:
            lines, inbuf, still_open = lines_from(sock, inbuf)
            for line in lines:
                log.write(line + "\n")
                words = line.split(" ")
                if line.startswith("PING "):
                    sock.sendall(("PONG " + line[5:] + "\r\n").encode())
                elif command_of(line) == "CAP" and len(words) > 3 and words[3] in ("ACK", "NAK"):
                    # A NAK shows in the log, and the test's checks fail on it.
                    sock.sendall(b"CAP END\r\n")
            if not still_open:
                log.write("# connection closed\n")
                return 0
        if 0 in ready:
            data = os.read(0, 4096)
            if not data:
                stdin_open = False
            cmdbuf += data
            while b"\n" in cmdbuf:
                cmd, cmdbuf = cmdbuf.split(b"\n", 1)
                sock.sendall(cmd + b"\r\n")
    return 0


def main(argv):
    if len(argv) == 6 and argv[1] == "register":
        with open(argv[5], "a", buffering=1) as log:
            return register(int(argv[2]), argv[3], argv[4], log)
    if len(argv) == 5 and argv[1] == "observe":
        with open(argv[4], "a", buffering=1) as log:
            return observe(int(argv[2]), argv[3], log)
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
