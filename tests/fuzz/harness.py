"""The fuzz runs (docs/decisions/0014-fuzzing-with-schemathesis.md): each service served as
``comity serve`` serves it (uvicorn, in a process of its own), and the ``schemathesis``
command run against its OpenAPI document with every check, the hooks of
``tests/fuzz/hooks.py`` and a profile: short in ``make test``, long in ``make fuzz``.

The figures of a run (requests, answers per status) are counted by the service itself
(``/metrics``), so they include every request Schemathesis made, its checks' own too.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import httpx
from prometheus_client.parser import text_string_to_metric_families

from deploy.catalog import Part
from shared.servers import free_port

HERE = Path(__file__).parent
CONFIG_FILE = HERE / "schemathesis.toml"
HOOKS_FILE = HERE / "hooks.py"
PROFILE_VARIABLE = "COMITY_FUZZ_PROFILE"
READY_TIMEOUT_SECONDS = 60.0
# Routes of the operations router, not of the API under test.
OPERATIONS_ROUTES = frozenset({"/healthz", "/readyz", "/metrics"})


@dataclass(frozen=True)
class Profile:
    """How much Schemathesis generates, from ``seed``: at most ``max_examples`` cases per
    operation in the examples and fuzzing phases, as many stateful scenarios; the coverage
    phase generates every case the schema defines (every boundary, every enum value: some
    ten thousand), so only the long run has it."""

    name: str
    max_examples: int
    phases: tuple[str, ...]
    seed: int = 20261106


SHORT = Profile("short", max_examples=5, phases=("examples", "fuzzing", "stateful"))
LONG = Profile("long", max_examples=100, phases=("examples", "coverage", "fuzzing", "stateful"))


def profile() -> Profile:
    """``COMITY_FUZZ_PROFILE=long`` (``make fuzz``), else the short run of ``make test``."""
    chosen = os.environ.get(PROFILE_VARIABLE, SHORT.name)
    return {p.name: p for p in (SHORT, LONG)}[chosen]


@dataclass(frozen=True)
class Served:
    part: Part
    url: str
    log: Path


@contextlib.contextmanager
def served(part: Part, env: Mapping[str, str], logs: Path) -> Iterator[Served]:
    """``part`` as ``comity serve`` runs it, on a free port, until the block ends."""
    port = free_port()
    log = logs / f"{part.name}.log"
    with log.open("ab") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "deploy.cli", "serve", part.name],
            stdout=output,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env={**os.environ, **env, part.port_variable: str(port)},
        )
    try:
        yield Served(part, f"http://127.0.0.1:{port}", log)
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_ready(service: Served) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    with httpx.Client(timeout=2.0) as client:
        while time.monotonic() < deadline:
            with contextlib.suppress(httpx.HTTPError):
                if client.get(f"{service.url}/readyz").status_code == 200:
                    return
            time.sleep(0.2)
    raise TimeoutError(f"{service.part.name} was not ready; its log is {service.log}")


@dataclass(frozen=True)
class Figures:
    """What a run did, as the service counted it, and what Schemathesis found."""

    service: str
    requests: int
    statuses: dict[str, int]
    test_cases: int
    failures: int
    errors: list[dict[str, object]]
    # Schemathesis's own running time, and when the run began and was read, for the total.
    seconds: float
    started: float
    read: float
    exit_code: int

    def line(self) -> str:
        statuses = " ".join(f"{status}:{count}" for status, count in sorted(self.statuses.items()))
        return (
            f"{self.service}: {self.requests} requests ({statuses}), {self.test_cases} test "
            f"cases, {self.failures} failures, {len(self.errors)} errors, "
            f"{self.seconds:.1f} s"
        )


def answered(service: Served) -> Counter[str]:
    """The service's answers so far, per status, from its ``/metrics``."""
    statuses: Counter[str] = Counter()
    text = httpx.get(f"{service.url}/metrics", timeout=10).text
    for family in text_string_to_metric_families(text):
        if family.name != "comity_http_requests":
            continue
        for sample in family.samples:
            if sample.name.endswith("_total") and sample.labels["route"] not in OPERATIONS_ROUTES:
                statuses[sample.labels["status"]] += int(sample.value)
    return statuses


@dataclass(frozen=True)
class Run:
    figures: Figures
    output: str


class Fuzzing:
    """The ``schemathesis`` command against ``service``, as ``user``, with every check:
    started at once (the runs of several services share the machine's cores, each one
    being bound by its own generation), its :class:`Run` read when it is done."""

    def __init__(
        self, service: Served, chosen: Profile, *, token_url: str, user: str, reports: Path
    ) -> None:
        self.service = service
        self.report = reports / f"{service.part.name}.json"
        self.output = reports / f"{service.part.name}.txt"
        self.before = answered(service)
        self.started = time.monotonic()
        with self.output.open("w") as output:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "schemathesis.cli",
                    "--config-file",
                    str(CONFIG_FILE),
                    "run",
                    f"{service.url}/openapi.json",
                    "--checks",
                    "all",
                    "--seed",
                    str(chosen.seed),
                    "--max-examples",
                    str(chosen.max_examples),
                    "--phases",
                    ",".join(chosen.phases),
                    "--report",
                    "json",
                    "--report-json-path",
                    str(self.report),
                    "--no-color",
                ],
                stdout=output,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env={
                    **os.environ,
                    "SCHEMATHESIS_HOOKS": str(HOOKS_FILE),
                    "COMITY_FUZZ_TOKEN_URL": token_url,
                    "COMITY_FUZZ_USER": user,
                },
            )

    def result(self) -> Run:
        exit_code = self.process.wait()
        statuses = answered(self.service) - self.before
        document = json.loads(self.report.read_text()) if self.report.exists() else {}
        figures = Figures(
            service=self.service.part.name,
            requests=sum(statuses.values()),
            statuses=dict(statuses),
            test_cases=int(document.get("test_cases", {}).get("generated", 0)),
            failures=int(sum(group["count"] for group in document.get("failures", []))),
            errors=list(document.get("errors", [])),
            seconds=float(document.get("running_time") or 0.0),
            started=self.started,
            read=time.monotonic(),
            exit_code=exit_code,
        )
        return Run(figures, self.output.read_text())

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
