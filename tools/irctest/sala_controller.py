"""irctest controller for sala's chat-server.

irctest (https://github.com/progval/irctest) imports a controller module named
by ``--controller`` and calls its ``get_irctest_controller_class()``. With this
directory on PYTHONPATH, ``--controller sala_controller`` loads this file from
our tree; nothing is copied into the irctest checkout. ``run.sh`` does that.

The binary is taken from $SALA_SERVER (default: ``chat-server`` on PATH).
$SALA_THREADS, if set, is passed as ``--threads`` (default: one per core, as in
production). Set IRCTEST_DEBUG_LOGS=1 to see the server's own log (debug level)
interleaved with the test output.

What is declared below is only what sala claims to support, so that irctest
fails (rather than skips) a test of something sala says it does:
  * capabilities: server-time, message-tags, echo-message, batch,
    away-notify, labeled-response, multi-prefix, setname, extended-monitor,
    account-notify, account-tag, extended-join;
  * SASL PLAIN and SCRAM-SHA-256, and accounts ("services"): sala keeps them
    itself, so registerUser() registers through its NickServ;
  * ISUPPORT tokens checked by isupport.py's testValues.
  * an IRC operator block for irctest's operuser/operpassword.
sala has no TLS in this controller and no WebSocket; tests that need those
are skipped through NotImplementedByController.
"""

from __future__ import annotations

import os
from pathlib import Path
import shutil
import signal
import subprocess
import tempfile
from typing import Optional, Set, Type

from irctest.basecontrollers import BaseServerController
from irctest.runner import NotImplementedByController
from irctest.specifications import Capabilities

# irctest's tests expect this server name (e.g. in 004, LINKS, INFO, 001's
# prefix); the other controllers configure the same one.
SERVER_NAME = "My.Little.Server"
NETWORK_NAME = "testnet"


def _binary() -> str:
    path = os.environ.get("SALA_SERVER") or shutil.which("chat-server")
    if not path:
        raise RuntimeError(
            "chat-server not found: set SALA_SERVER to the chat-server binary"
        )
    return path


_hash_cache: Optional[str] = None


def _operator_hash() -> str:
    """argon2id of irctest's operator password, made once per run."""
    global _hash_cache
    if _hash_cache is None:
        _hash_cache = subprocess.run(
            [_binary(), "--hash-password"], input="operpassword\n", capture_output=True, text=True, check=True
        ).stdout.strip()
    return _hash_cache


class SalaController(BaseServerController):
    software_name = "sala"
    supported_sasl_mechanisms: Set[str] = {"PLAIN", "SCRAM-SHA-256"}
    supports_sts = False

    capabilities = frozenset(
        {
            Capabilities.SERVER_TIME,
            Capabilities.MESSAGE_TAGS,
            Capabilities.ECHO_MESSAGE,
            Capabilities.BATCH,
            Capabilities.AWAY_NOTIFY,
            Capabilities.LABELED_RESPONSE,
            Capabilities.MULTI_PREFIX,
            Capabilities.SETNAME,
            Capabilities.EXTENDED_MONITOR,
            Capabilities.ACCOUNT_NOTIFY,
            Capabilities.ACCOUNT_TAG,
            Capabilities.EXTENDED_JOIN,
        }
    )

    isupport = {
        "CASEMAPPING": "ascii",
        "CHANTYPES": "#",
        "NETWORK": NETWORK_NAME,
        "UTF8ONLY": None,
    }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.directory: Optional[Path] = None

    def run(
        self,
        hostname: str,
        port: int,
        *,
        password: Optional[str],
        ssl: bool,
        run_services: bool,
        faketime: Optional[str],
        websocket_hostname: Optional[str],
        websocket_port: Optional[int],
    ) -> None:
        if ssl:
            raise NotImplementedByController("TLS")
        if websocket_hostname is not None or websocket_port is not None:
            raise NotImplementedByController("Websocket")
        # run_services: accounts are built in; nothing else to start. sala
        # always allows REGISTER before connecting and never asks for e-mail.
        if self.test_config.account_registration_requires_email:
            raise NotImplementedByController("account registration with e-mail")
        assert self.proc is None

        self.hostname = hostname
        self.port = port
        # A working directory of its own, in case the server writes anything
        # relative to it; removed by kill(). It names the test that started
        # the server, to trace a server left running back to its test.
        self.directory = Path(tempfile.mkdtemp(prefix="irctest-sala-"))
        (self.directory / "test").write_text(
            os.environ.get("PYTEST_CURRENT_TEST", "") + "\n"
        )

        command = [
            _binary(),
            # irctest hands out a port found by binding the wildcard address;
            # the server itself only listens on loopback.
            "--bind", "127.0.0.1",
            "--port", str(port),
            "--name", SERVER_NAME,
            "--network", NETWORK_NAME,
            "--description", "test server",  # what LINKS tests expect, as other controllers set
            "--status-port", "0", "--web-port", "0",  # no HTTP endpoint
            "--db", str(self.directory / "sala.db"),  # history of this test alone
            "--autojoin", "",  # tests expect to be in no channel after 001
            "--line-rate", "0",  # tests send bursts; no flood throttling
            "--max-per-ip", "1000",  # every test client comes from 127.0.0.1
            "--password-min-length", "1",  # tests register passwords like "sesame"
            "--nick-grace", "0",  # tests log in to accounts after taking their nicks
            "--log-level", "debug" if self.debug_mode else "warn",
        ]
        if password:
            command += ["--password", password]
        # irctest's operator, as every controller configures it.
        command += ["--oper", f"operuser:{_operator_hash()}"]
        threads = os.environ.get("SALA_THREADS")
        if threads:
            command += ["--threads", threads]

        faketime_cmd = []
        if faketime and shutil.which("faketime"):
            faketime_cmd = ["faketime", "-f", faketime]
            self.faketime_enabled = True

        self.proc = self.execute([*faketime_cmd, *command], cwd=self.directory)

    def terminate(self) -> None:
        """Stops the server gracefully (used by tests that restart it)."""
        assert self.proc
        if not self._terminate_process_group(signal.SIGTERM):
            self.proc.terminate()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)
        self.proc = None

    def kill(self) -> None:
        super().kill()
        if self.directory:
            shutil.rmtree(self.directory, ignore_errors=True)
            self.directory = None


    def wait_for_services(self) -> None:
        """Accounts are part of chat-server: ready once it listens."""

    def registerUser(self, case, username: str, password: Optional[str] = None) -> None:
        """Registers `username` through NickServ, as a user would."""
        assert password
        client = case.addClient(show_io=False)
        case.sendLine(client, "NICK " + username)
        case.sendLine(client, "USER r e g :user")
        while case.getRegistrationMessage(client).command != "001":
            pass
        case.getMessages(client)
        case.sendLine(client, f"PRIVMSG NickServ :REGISTER {password}")
        while True:
            msg = case.getMessage(client)
            if msg.command == "900":
                break
            assert msg.command == "NOTICE", msg
            assert "registered" in msg.params[-1], msg
        case.sendLine(client, "QUIT")
        case.assertDisconnected(client)


def get_irctest_controller_class() -> Type[SalaController]:
    return SalaController
