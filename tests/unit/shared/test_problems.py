from __future__ import annotations

import re
from pathlib import Path

import pytest

from shared import problems
from shared.problems import FieldError, Problem, UnprocessableContent, field_errors, pointer

ROOT = Path(__file__).resolve().parents[3]


class TestPointer:
    @pytest.mark.parametrize(
        ("location", "expected"),
        [
            (["country"], "/country"),
            (["contacts", 2, "email"], "/contacts/2/email"),
            (["names", "a/b"], "/names/a~1b"),
            (["names", "a~b"], "/names/a~0b"),
            ([], "/"),
        ],
    )
    def test_json_pointer(self, location, expected):
        assert pointer(location) == expected

    def test_fastapi_locations_become_location_and_pointer(self):
        errors = field_errors(
            [
                {
                    "loc": ("body", "contacts", 0, "email"),
                    "msg": "bad email",
                    "type": "value_error",
                },
                {"loc": ("query", "country"), "msg": "unknown State", "type": "unknown_country"},
            ]
        )
        assert [(e.location, e.pointer, e.code) for e in errors] == [
            ("body", "/contacts/0/email", "value_error"),
            ("query", "/country", "unknown_country"),
        ]


class TestProblemBody:
    def test_a_rule_problem_carries_type_code_citation_and_errors(self):
        problem = UnprocessableContent(
            "Bank secrecy is never a ground for refusal",
            code="forbidden-refusal-ground",
            citation="1988 Convention art. 7(5)",
            errors=[FieldError(pointer="/grounds/0", detail="not a ground")],
        )
        body = problem.body(instance="/v1/requests/1/refuse")
        assert body["type"] == "/problems/forbidden-refusal-ground"
        assert body["status"] == 422
        assert body["title"] == "The request breaks a rule"
        assert body["citation"] == "1988 Convention art. 7(5)"
        assert body["errors"][0]["pointer"] == "/grounds/0"
        assert body["instance"] == "/v1/requests/1/refuse"

    def test_extensions_are_top_level_members(self):
        body = Problem("x", extensions={"current_version": 3}).body(instance=None)
        assert body["current_version"] == 3 and "instance" not in body


def test_every_problem_code_in_the_code_is_documented():
    documented = set(
        re.findall(r"^\| `([a-z0-9-]+)` \|", (ROOT / "docs/problems.md").read_text(), re.M)
    )
    used = {
        cls.code
        for cls in vars(problems).values()
        if isinstance(cls, type) and issubclass(cls, Problem)
    }
    for folder in ("shared", "services", "gateway", "deploy"):
        for source in (ROOT / folder).rglob("*.py"):
            used |= set(re.findall(r'\bcode="([a-z0-9-]+)"', source.read_text()))
    missing = used - documented
    assert not missing, f"problem codes missing from docs/problems.md: {sorted(missing)}"
