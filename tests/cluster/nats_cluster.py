"""Real nats-servers for the cluster tests: one, or three clustered, with
JetStream, on free loopback ports, each in a directory of its own. Loopback
only; every process is stopped by stop()."""
import os
import re
import signal
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "integration"))
from loopback_checks import DEADLINE_S, HOST, Failure, check, eventually  # noqa: E402


def free_ports(n):
    """n distinct free ports, held until all are picked."""
    socks = []
    try:
        for _ in range(n):
            s = socket.socket()
            s.bind((HOST, 0))
            socks.append(s)
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


class NatsServer:
    def __init__(self, directory, name, port, cluster_port=None, routes=()):
        self.name = name
        self.port = port
        self.url = f"nats://{HOST}:{port}"
        self.store_dir = os.path.join(directory, name)
        os.makedirs(self.store_dir, exist_ok=True)
        self.log_path = os.path.join(directory, f"{name}.log")
        args = ["nats-server", "-a", HOST, "-p", str(port), "-n", name, "-js", "-sd", self.store_dir,
                "-l", self.log_path]
        if cluster_port:
            args += ["--cluster_name", "sala", "--cluster", f"nats://{HOST}:{cluster_port}",
                     "--routes", ",".join(f"nats://{HOST}:{p}" for p in routes)]
        self.args = args
        self.proc = None
        self.start()

    def start(self):
        self.proc = subprocess.Popen(self.args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        eventually(lambda: self.proc.poll() is not None or "Server is ready" in self.text(),
                   f"nats-server {self.name} to start")
        check(self.proc.poll() is None, f"nats-server {self.name} did not start: {self.text()[-2000:]}")

    def text(self):
        try:
            with open(self.log_path) as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=DEADLINE_S)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


class NatsCluster:
    """`size` JetStream servers; with more than one, routed to each other."""

    def __init__(self, directory, size):
        ports = free_ports(2 * size)
        client_ports, cluster_ports = ports[:size], ports[size:]
        self.servers = []
        try:
            for i in range(size):
                routes = [p for j, p in enumerate(cluster_ports) if j != i] if size > 1 else ()
                self.servers.append(NatsServer(directory, f"n{i + 1}", client_ports[i],
                                               cluster_ports[i] if size > 1 else None, routes))
        except Exception:
            self.stop()
            raise

    def urls(self):
        return ",".join(s.url for s in self.servers)

    def stop(self):
        for s in self.servers:
            s.stop()
