"""Schemathesis against every service's OpenAPI document, with every check and a valid
token (docs/decisions/0014-fuzzing-with-schemathesis.md): no 5xx, no answer that breaks
its schema or that the operation does not declare, and no request the schema allows
that the validators refuse. ``make test`` runs the short profile, ``make fuzz`` the
long one."""

from __future__ import annotations

import pytest

from deploy.catalog import SERVICES
from tests.fuzz.harness import Figures, Fuzzing


@pytest.mark.parametrize("name", [part.name for part in SERVICES])
def test_the_document_is_what_the_service_does(
    name: str, fuzzing: dict[str, Fuzzing], record_figures: list[Figures]
) -> None:
    run = fuzzing[name].result()
    record_figures.append(run.figures)
    server_errors = {s: n for s, n in run.figures.statuses.items() if s.startswith("5")}
    assert run.figures.exit_code == 0 and not server_errors, run.output
