"""``comity run`` (what ``make run`` calls), as a user runs it: a process that starts
everything, serves the API through the gateway, brings back a service killed with
``kill -9``, and stops cleanly on Ctrl-C.

Every port is moved to a free one and the state lives in a temporary folder, so
this runs beside a ``make run`` and beside other test sessions. It runs twice:
once on the test session's PostgreSQL (``COMITY_DATABASE_URL``, databases with a
unique suffix), once with the runner's own embedded PostgreSQL. NATS is always
the runner's own.
"""

from __future__ import annotations

import asyncio
import os
import queue
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import nats
import pytest

from deploy import catalog
from deploy.keycloak_standin import REPO_ROOT
from deploy.nats import OPERATOR, development_password
from shared.db import drop_database
from shared.events import Envelope
from shared.servers import free_port, port_is_taken

pytestmark = pytest.mark.smoke

START_TIMEOUT_SECONDS = 60.0
STOP_TIMEOUT_SECONDS = 30.0
# Issue 10: "make run survives kill -9 of one service (it comes back and answers within 10 s)".
COMEBACK_SECONDS = 10.0
TOKEN_PATH = "/realms/comity/protocol/openid-connect/token"
PORT_VARIABLES = [
    *(part.port_variable for part in catalog.PARTS),
    "COMITY_KEYCLOAK_STANDIN_PORT",
    "COMITY_NATS_PORT",
    "COMITY_NATS_MONITOR_PORT",
]


@dataclass
class RunningComity:
    process: subprocess.Popen[str]
    ports: dict[str, int]
    state_dir: Path
    output: list[str] = field(default_factory=list)
    _lines: queue.Queue[str | None] = field(default_factory=queue.Queue)

    def start_reading(self) -> None:
        def read() -> None:
            assert self.process.stdout is not None
            for line in self.process.stdout:
                self.output.append(line)
                self._lines.put(line)
            self._lines.put(None)

        threading.Thread(target=read, daemon=True).start()

    def wait_for_line(self, text: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while (remaining := deadline - time.monotonic()) > 0:
            try:
                line = self._lines.get(timeout=remaining)
            except queue.Empty:
                break
            if line is None:
                pytest.fail(f"comity run exited before printing {text!r}:\n{self.transcript()}")
            if text in line:
                return
        pytest.fail(
            f"comity run did not print {text!r} within {timeout:.0f} s:\n{self.transcript()}"
        )

    def transcript(self) -> str:
        logs = sorted((self.state_dir / "logs").glob("*.log"))
        return "".join(self.output) + "".join(
            f"\n--- {log.name}\n{log.read_text(errors='replace')[-3000:]}" for log in logs
        )

    @property
    def gateway(self) -> str:
        return f"http://127.0.0.1:{self.ports['COMITY_GATEWAY_PORT']}"

    @property
    def keycloak(self) -> str:
        return f"http://127.0.0.1:{self.ports['COMITY_KEYCLOAK_STANDIN_PORT']}"


def password_grant(client: httpx.Client, comity: RunningComity, username: str) -> str:
    response = client.post(
        f"{comity.keycloak}{TOKEN_PATH}",
        data={
            "grant_type": "password",
            "client_id": "comity-cli",
            "username": username,
            "password": "comity-demo",
        },
    )
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


async def wait_for_updates(nats_url: str, stream: str, code: str) -> list[str]:
    """The ids of ``authority.updated`` events about ``code`` on ``stream``, once some arrive
    and a moment has passed in which a duplicate would have shown."""
    # The runner's NATS admits its users only (deploy/nats.py); the operator reads all.
    connection = await nats.connect(
        nats_url, user=OPERATOR, password=development_password(OPERATOR)
    )
    try:
        js = connection.jetstream()
        deadline = time.monotonic() + 15
        found: list[str] = []
        while time.monotonic() < deadline:
            info = await js.stream_info(stream)
            found = []
            for seq in range(info.state.first_seq, info.state.last_seq + 1):
                event = Envelope.from_bytes((await js.get_msg(stream, seq)).data)
                if event.subject == code and event.type.endswith(".updated.v1"):
                    found.append(str(event.id))
            if found:
                await asyncio.sleep(1.0)
                if (await js.stream_info(stream)).state.last_seq == info.state.last_seq:
                    return found
            await asyncio.sleep(0.2)
        return found
    finally:
        await connection.close()


def processes_carrying(variable: str, value: str) -> list[int]:
    """The processes whose environment has ``variable=value`` (children inherit it)."""
    marker = f"{variable}={value}".encode()
    found = []
    for environ in Path("/proc").glob("[0-9]*/environ"):
        try:
            if marker in environ.read_bytes().split(b"\0"):
                found.append(int(environ.parent.name))
        except OSError:  # gone meanwhile, or not ours to read
            continue
    return found


def serving(comity: RunningComity, part: catalog.Part) -> list[int]:
    """The processes of this run that serve ``part`` (``python -m deploy.cli serve <part>``)."""
    command = [b"-m", b"deploy.cli", b"serve", part.name.encode()]
    found = []
    for pid in processes_carrying("COMITY_STATE_DIR", str(comity.state_dir)):
        try:
            arguments = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:  # gone meanwhile
            continue
        if arguments[1:-1] == command:
            found.append(pid)
    return found


@pytest.fixture(params=["test-server", "own-embedded"])
def comity(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[RunningComity]:
    ports = {variable: free_port() for variable in PORT_VARIABLES}
    state_dir = tmp_path / "state"
    environment = {
        **{key: value for key, value in os.environ.items() if not key.startswith("COMITY_")},
        "COMITY_STATE_DIR": str(state_dir),
        "PYTHONUNBUFFERED": "1",
    }
    databases: dict[str, str] = {}
    server_url = ""
    if request.param == "test-server":
        server_url = request.getfixturevalue("postgres_server_url")
        suffix = uuid.uuid4().hex[:8]
        databases = {
            f"{part.env_prefix}DATABASE_NAME": f"comity_{part.name}_smoke_{suffix}"
            for part in catalog.with_database()
        }
        environment |= databases | {"COMITY_DATABASE_URL": server_url}
    else:
        ports["COMITY_POSTGRES_PORT"] = free_port()
    environment |= {variable: str(port) for variable, port in ports.items()}
    process = subprocess.Popen(
        [sys.executable, "-m", "deploy.cli", "run"],
        cwd=REPO_ROOT,
        env=environment,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    running = RunningComity(process, ports, state_dir)
    running.start_reading()
    try:
        yield running
    finally:
        if process.poll() is None:  # the test failed before stopping it: leave nothing behind
            process.send_signal(signal.SIGINT)
            try:
                process.wait(STOP_TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                process.kill()
        for database in databases.values():
            asyncio.run(drop_database(server_url, database))


def test_make_run_serves_the_directory_through_the_gateway_survives_kill_9_and_stops_on_ctrl_c(
    comity: RunningComity,
) -> None:
    comity.wait_for_line(f"Comity is running at {comity.gateway}", START_TIMEOUT_SECONDS)

    with httpx.Client(timeout=10.0) as client:
        assert client.get(f"{comity.gateway}/readyz").status_code == 200

        token = client.post(
            f"{comity.keycloak}{TOKEN_PATH}",
            data={
                "grant_type": "password",
                "client_id": "comity-cli",
                "username": "es.officer",
                "password": "comity-demo",
            },
        )
        assert token.status_code == 200, token.text
        bearer = {"Authorization": f"Bearer {token.json()['access_token']}"}
        authorities = f"{comity.gateway}/api/directory/v1/authorities"

        spain = client.get(authorities, params={"country": "ES"}, headers=bearer)
        assert spain.status_code == 200, spain.text
        items = spain.json()["items"]
        assert items
        assert {item["country"] for item in items} == {"ES"}

        anonymous = client.get(authorities, params={"country": "ES"})
        assert anonymous.status_code == 401
        assert anonymous.headers["content-type"].startswith("application/problem+json")

        nowhere = client.get(authorities, params={"country": "XX"}, headers=bearer)
        assert nowhere.status_code == 422, nowhere.text
        assert nowhere.headers["content-type"].startswith("application/problem+json")

        editor = {"Authorization": f"Bearer {password_grant(client, comity, 'es.editor')}"}
        [ministry] = client.get(authorities, params={"code": "ES-MJ"}, headers=bearer).json()[
            "items"
        ]
        updated = client.patch(
            f"{authorities}/{ministry['id']}",
            json={"office_hours": "Mon-Fri 08:00-20:00"},
            headers={**editor, "If-Match": f'"{ministry["version"]}"'},
        )
        assert updated.status_code == 200, updated.text

    nats_url = f"nats://127.0.0.1:{comity.ports['COMITY_NATS_PORT']}"
    for stream in ("COMITY_DIRECTORY", "COMITY_FEED"):
        events = asyncio.run(wait_for_updates(nats_url, stream, "ES-MJ"))
        assert len(events) == 1, f"{stream}: {events}"

    # One crash must not end the session: the runner names it and brings the service back.
    directory = catalog.part("directory")
    [killed] = serving(comity, directory)
    os.kill(killed, signal.SIGKILL)
    killed_at = time.monotonic()
    comity.wait_for_line(
        "comity: directory crashed (killed by SIGKILL); restarting in 0.5 s; "
        f"its log is {comity.state_dir / 'logs' / 'directory.log'}",
        COMEBACK_SECONDS,
    )
    directory_url = f"http://127.0.0.1:{comity.ports[directory.port_variable]}"
    comity.wait_for_line(
        f"comity: directory is back on {directory_url}",
        COMEBACK_SECONDS - (time.monotonic() - killed_at),
    )
    with httpx.Client(timeout=5.0) as client:
        assert client.get(f"{directory_url}/readyz").status_code == 200
        countries = client.get(f"{comity.gateway}/api/directory/v1/countries", headers=bearer)
        assert countries.status_code == 200, countries.text
    assert time.monotonic() - killed_at < COMEBACK_SECONDS, comity.transcript()
    [restarted] = serving(comity, directory)
    assert restarted != killed

    comity.process.send_signal(signal.SIGINT)
    try:
        assert comity.process.wait(STOP_TIMEOUT_SECONDS) == 0, comity.transcript()
    except subprocess.TimeoutExpired:
        pytest.fail(f"comity run did not stop on SIGINT:\n{comity.transcript()}")
    # A process that is being reaped may show for an instant; a leaked one stays.
    deadline = time.monotonic() + 5
    while (left := processes_carrying("COMITY_STATE_DIR", str(comity.state_dir))) and (
        time.monotonic() < deadline
    ):
        time.sleep(0.1)
    assert left == [], (
        [Path(f"/proc/{pid}/cmdline").read_bytes() for pid in left],
        comity.transcript(),
    )
    assert [port for port in comity.ports.values() if port_is_taken(port)] == []
