"""The casework rules say no without HTTP (shared.casework.errors); the edge answers
each kind as its RFC 9457 problem (shared.problems.problem_of, installed on every
app): a transition that does not fit or a conflict is a 409, a missing role a 403,
something not on the case a 404, a broken rule a 422. Nothing the rule said is lost
on the way: its code, its citation, the fields it points at and its extensions.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from shared.casework.errors import (
    CaseConflict,
    CaseError,
    FieldIssue,
    InvalidTransition,
    MissingRole,
    NotOnCase,
    RuleBroken,
    raise_if_broken,
)
from shared.legal.rules import Violation
from shared.problems import (
    PROBLEM_MEDIA_TYPE,
    Conflict,
    NotFound,
    PermissionDenied,
    UnprocessableContent,
    install,
    problem_of,
)

BANK_SECRECY = Violation(
    code="forbidden-refusal-ground",
    message="Bank secrecy is never a ground for refusal (1988 Convention, art. 7(5))",
    citation="1988 Convention, art. 7(5)",
    pointer="/grounds/0",
)
FISCAL = Violation(
    code="forbidden-refusal-ground",
    message="A fiscal offence is not a ground alone (UNTOC, art. 18(22))",
    citation="UNTOC, art. 18(22)",
    pointer="/grounds/1",
)
NO_REASONS = Violation(
    code="reasons-required",
    message="A refusal gives its reasons (UNTOC, art. 18(23))",
    citation="UNTOC, art. 18(23)",
    pointer="/reasons",
)


class Withdrawn(RuleBroken):
    """A service's own refinement of a kind is answered as that kind."""


class TestProblemOf:
    @pytest.mark.parametrize(
        ("error", "kind", "status", "code"),
        [
            (InvalidTransition("no"), Conflict, 409, "invalid-transition"),
            (CaseConflict("closed thread"), Conflict, 409, "conflict"),
            (MissingRole("supervisors only"), PermissionDenied, 403, "forbidden"),
            (NotOnCase("no such person"), NotFound, 404, "not-found"),
            (RuleBroken("a rule"), UnprocessableContent, 422, "rule-broken"),
            (RuleBroken("a rule", code="speciality"), UnprocessableContent, 422, "speciality"),
            (
                Withdrawn("gone", code="authority-withdrawn"),
                UnprocessableContent,
                422,
                "authority-withdrawn",
            ),
            (MissingRole("x", code="protection-only"), PermissionDenied, 403, "protection-only"),
        ],
    )
    def test_each_kind_is_its_status_and_code(self, error, kind, status, code):
        problem = problem_of(error)
        assert type(problem) is kind
        assert problem.status == status
        assert problem.code == code
        assert problem.detail == error.detail

    def test_a_refused_transition_keeps_the_state_and_the_allowed_actions(self):
        error = InvalidTransition(
            "'refuse' is not possible while the case is refused",
            extensions={"state": "refused", "allowed_actions": ["close"]},
        )
        body = problem_of(error).body(instance="/v1/requests/1/refuse")
        assert body["status"] == 409
        assert body["type"] == "/problems/invalid-transition"
        assert body["state"] == "refused" and body["allowed_actions"] == ["close"]
        assert body["detail"] == error.detail

    def test_a_broken_rule_keeps_its_citation_and_every_field(self):
        error = RuleBroken.of([BANK_SECRECY, FISCAL, NO_REASONS])
        problem = problem_of(error)
        assert problem.code == "forbidden-refusal-ground"
        assert problem.citation == (
            "1988 Convention, art. 7(5); UNTOC, art. 18(22); UNTOC, art. 18(23)"
        )
        body = problem.body(instance=None)
        assert body["citation"] == problem.citation
        assert [(e["pointer"], e["detail"], e["code"], e["citation"]) for e in body["errors"]] == [
            (v.pointer, v.message, v.code, v.citation) for v in (BANK_SECRECY, FISCAL, NO_REASONS)
        ]
        assert all(e["location"] == "body" for e in body["errors"])

    def test_one_field_at_a_pointer(self):
        error = RuleBroken.at(
            "/requested_authority",
            "The authority CO-MJD has been withdrawn",
            why="CO-MJD is withdrawn",
            code="authority-withdrawn",
            citation="Plan of Action 2009, para. 64(b)",
        )
        body = problem_of(error).body(instance=None)
        assert body["code"] == "authority-withdrawn"
        assert body["citation"] == "Plan of Action 2009, para. 64(b)"
        assert body["errors"] == [
            {
                "pointer": "/requested_authority",
                "detail": "CO-MJD is withdrawn",
                "location": "body",
                "code": "authority-withdrawn",
                "citation": "Plan of Action 2009, para. 64(b)",
            }
        ]

    def test_extensions_are_kept_beside_the_problem(self):
        error = MissingRole("supervisors only", extensions={"required_roles": ["supervisor"]})
        body = problem_of(error).body(instance=None)
        assert body["required_roles"] == ["supervisor"]
        assert "errors" in body and body["errors"] == []


def test_a_case_error_of_no_particular_kind_is_a_conflict():
    problem = problem_of(CaseError("The case says no"))
    assert (problem.status, problem.code, problem.detail) == (409, "conflict", "The case says no")


class TestRuleBroken:
    def test_one_violation_is_worded_as_the_rule_words_it(self):
        error = RuleBroken.of([NO_REASONS])
        assert error.detail == NO_REASONS.message
        assert error.problem_code == "reasons-required"
        assert error.citation == "UNTOC, art. 18(23)"
        assert error.errors == (
            FieldIssue("/reasons", NO_REASONS.message, "reasons-required", "UNTOC, art. 18(23)"),
        )

    def test_several_name_how_many_and_cite_each_provision_once(self):
        again = BANK_SECRECY.model_copy(update={"pointer": "/grounds/2"})
        error = RuleBroken.of([BANK_SECRECY, FISCAL, again])
        assert error.detail.startswith("3 rules are not met: ")
        assert error.citation == "1988 Convention, art. 7(5); UNTOC, art. 18(22)"
        assert [e.pointer for e in error.errors] == ["/grounds/0", "/grounds/1", "/grounds/2"]

    def test_a_violation_without_a_pointer_points_at_the_body(self):
        error = RuleBroken.of([NO_REASONS.model_copy(update={"pointer": None})])
        assert error.errors[0].pointer == ""

    def test_a_detail_of_ones_own(self):
        error = RuleBroken.of([BANK_SECRECY], detail="The refusal is not allowed")
        assert error.detail == "The refusal is not allowed"
        assert error.errors[0].detail == BANK_SECRECY.message

    def test_nothing_to_report_is_no_error(self):
        with pytest.raises(ValueError):
            RuleBroken.of([])
        raise_if_broken([])
        with pytest.raises(RuleBroken):
            raise_if_broken([FISCAL])

    def test_the_field_says_why_or_the_detail(self):
        assert RuleBroken.at("/x", "Not so").errors == (FieldIssue("/x", "Not so"),)
        assert RuleBroken.at("/x", "Not so", why="because").errors[0].detail == "because"

    def test_every_case_error_is_an_exception_with_its_detail(self):
        error = NotOnCase("no such document")
        assert isinstance(error, CaseError) and str(error) == "no such document"
        assert error.citation is None and error.errors == () and error.extensions == {}


def app_raising() -> FastAPI:
    app = FastAPI()
    install(app)

    @app.post("/v1/requests/{request_id}/refuse")
    async def refuse(request_id: str) -> None:
        raise RuleBroken.of([BANK_SECRECY, NO_REASONS])

    @app.post("/v1/requests/{request_id}/close")
    async def close(request_id: str) -> None:
        raise MissingRole(
            "'close' needs one of the roles: supervisor",
            extensions={"required_roles": ["supervisor"]},
        )

    @app.post("/v1/requests/{request_id}/send")
    async def send(request_id: str) -> None:
        raise InvalidTransition(
            "'send' is not possible while the case is closed",
            extensions={"state": "closed", "allowed_actions": []},
        )

    return app


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app_raising())
    async with httpx.AsyncClient(transport=transport, base_url="http://service") as client:
        yield client


class TestAtTheEdge:
    async def test_a_broken_rule_answers_422_with_its_code(self, client: httpx.AsyncClient):
        response = await client.post("/v1/requests/r1/refuse")
        assert response.status_code == 422
        assert response.headers["content-type"] == PROBLEM_MEDIA_TYPE
        body = response.json()
        assert body["code"] == "forbidden-refusal-ground"
        assert body["type"] == "/problems/forbidden-refusal-ground"
        assert body["instance"] == "/v1/requests/r1/refuse"
        assert body["citation"] == "1988 Convention, art. 7(5); UNTOC, art. 18(23)"
        assert [(e["pointer"], e["code"]) for e in body["errors"]] == [
            ("/grounds/0", "forbidden-refusal-ground"),
            ("/reasons", "reasons-required"),
        ]

    async def test_a_missing_role_answers_403(self, client: httpx.AsyncClient):
        response = await client.post("/v1/requests/r1/close")
        assert response.status_code == 403
        assert response.headers["content-type"] == PROBLEM_MEDIA_TYPE
        body = response.json()
        assert body["code"] == "forbidden"
        assert body["required_roles"] == ["supervisor"]
        assert body["detail"] == "'close' needs one of the roles: supervisor"

    async def test_a_refused_transition_answers_409_with_the_allowed_actions(
        self, client: httpx.AsyncClient
    ):
        response = await client.post("/v1/requests/r1/send")
        assert response.status_code == 409
        assert response.headers["content-type"] == PROBLEM_MEDIA_TYPE
        body = response.json()
        assert body["code"] == "invalid-transition"
        assert (body["state"], body["allowed_actions"]) == ("closed", [])
