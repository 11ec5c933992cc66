"""What a case service contributes to the casework conformance suite, and what every case
service offers alike (docs/adding-a-case-service.md; shared/casework/endpoints.py).

A service joins the suite with one :class:`CaseServiceUnderTest` (its own
``tests/integration/<service>/conformance.py``): its name, app module and stream, the
demo users on each side of the requests it makes, how it makes a request in progress,
and a valid body for each of its transitions. The sub-resources are the same in every
service, so their bodies are here (:data:`SUBRESOURCES`); :meth:`CaseServiceUnderTest.
operations` puts the two together into the table of every operation on a request,
which the suite checks against the service's OpenAPI document.

A body in a table is either a value or a function of the request it is posted to (its
read by a party), for a body that names something of that request (an MLA measure).
"""

from __future__ import annotations

import copy
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from shared.casework.state_machine import Side
from shared.legal.cooperation import CooperationType, case_reference
from tests.integration.mla.helpers import Api, document

# (method, path template): ("POST", "/v1/requests/{request_id}/send").
Operation = tuple[str, str]
# A request made through the API: its read by the party that made it.
Maker = Callable[[Api], Awaitable[dict[str, Any]]]

REQUEST = "/v1/requests/{request_id}"
CONSULTATION = f"{REQUEST}/consultations/{{consultation_id}}"


@dataclass(frozen=True)
class Staff:
    """The demo users of one authority (deploy/keycloak/realm.json) the suite acts as."""

    authority: str
    officer: str
    supervisor: str
    protection_officer: str | None = None
    liaison_officer: str | None = None

    @property
    def country(self) -> str:
        return self.authority.split("-", 1)[0]


@dataclass(frozen=True)
class Scenario:
    """A request between two authorities, as the service makes it."""

    requesting: Staff
    requested: Staff
    # A complete draft: the body of ``POST /v1/requests`` by ``requesting.officer``.
    create: dict[str, Any]
    # A request sent by ``requesting.officer`` and in progress: both parties see it, the
    # requested side works on it, and its supervisor may refuse it after consulting.
    in_progress: Maker
    # The history ``in_progress`` leaves: each action and the side that took it.
    history: tuple[tuple[str, Side], ...]

    async def draft(self, api: Api) -> dict[str, Any]:
        created = await api.post(self.requesting.officer, "/v1/requests", self.create)
        assert created.status_code == 201, created.text
        result: dict[str, Any] = created.json()
        return result


@dataclass(frozen=True)
class CaseServiceUnderTest:
    """A case service, as the conformance suite tests it."""

    # The cooperation type: ``case_type`` of its events, prefix of its audit actions.
    name: str
    # Its app module: ``MIGRATIONS``, ``Settings``, ``create_app``.
    app: str
    # The JetStream stream its events are published on.
    stream: str
    case: Scenario
    # A request whose requesting authority has a protection officer and a liaison officer
    # among the demo users (only ES-MJ has them); ``case`` itself where it does.
    staffed: Scenario
    # An officer of an authority party to none of the service's requests.
    third: Staff
    # A valid body of ``PATCH /v1/requests/{request_id}`` (a change to the draft).
    update: dict[str, Any]
    # A valid body for each transition endpoint, ``POST /v1/requests/{id}/<action>``.
    transitions: Mapping[str, Any]
    # A refusal by the requested side's supervisor of ``case.in_progress``, without its
    # consultation (``consultation_id``) or the reason there was none.
    refusal: dict[str, Any]
    # The service's own operations on a request besides its transitions, with bodies.
    other_operations: Mapping[Operation, Any] = field(default_factory=dict)
    # Query parameters of the service's own list filters (each alone).
    own_filters: tuple[dict[str, str], ...] = ()

    @property
    def requesting(self) -> Staff:
        return self.case.requesting

    @property
    def requested(self) -> Staff:
        return self.case.requested

    def operations(self) -> dict[Operation, Any]:
        """Every operation on a request, with a valid body (``None``: no body)."""
        table: dict[Operation, Any] = {
            ("GET", REQUEST): None,
            ("PATCH", REQUEST): self.update,
        }
        for action, body in self.transitions.items():
            table[("POST", transition_path(action))] = body
        table[("POST", f"{REQUEST}/links")] = self.link_elsewhere()
        return {**table, **SUBRESOURCES, **self.other_operations}

    def link_elsewhere(self, number: int = 1) -> dict[str, str]:
        """A link to a request of another service: its form is checked, its existence only
        when the link is followed."""
        other = next(kind for kind in CooperationType if kind.value != self.name)
        reference = case_reference(
            other, year=2026, requesting_country="ES", requested_country="CO", number=number
        )
        return {"target_type": other.value, "target": reference}


# The demo users of deploy/keycloak/realm.json (password comity-demo), by authority.
SPAIN = Staff(
    "ES-MJ",
    officer="es.officer",
    supervisor="es.supervisor",
    protection_officer="es.protection",
    liaison_officer="es.liaison",
)
COLOMBIA = Staff("CO-MJD", officer="co.officer", supervisor="co.supervisor")
NETHERLANDS = Staff("NL-MJV", officer="nl.officer", supervisor="nl.supervisor")
UNITED_STATES = Staff("US-OIA", officer="us.officer", supervisor="us.supervisor")
MEXICO = Staff("MX-FGR", officer="mx.officer", supervisor="mx.supervisor")


def transition_path(action: str) -> str:
    return f"{REQUEST}/{action}"


# A valid body for every operation of the sub-resources every case service offers.
SUBRESOURCES: dict[Operation, Any] = {
    ("GET", f"{REQUEST}/consultations"): None,
    ("POST", f"{REQUEST}/consultations"): {
        "topic": "execution_question",
        "subject": "A question",
        "message": "May we?",
    },
    ("GET", CONSULTATION): None,
    ("POST", f"{CONSULTATION}/messages"): {"body": "Hello"},
    ("POST", f"{CONSULTATION}/close"): {"outcome": "resolved"},
    ("GET", f"{REQUEST}/persons"): None,
    ("POST", f"{REQUEST}/persons"): {"kind": "natural", "role": "witness", "name": "Someone"},
    ("GET", f"{REQUEST}/documents"): None,
    ("POST", f"{REQUEST}/documents"): document(),
    ("GET", f"{REQUEST}/documents/{{document_id}}/content"): None,
    ("GET", f"{REQUEST}/deadlines"): None,
    ("GET", f"{REQUEST}/history"): None,
    ("GET", f"{REQUEST}/status-requests"): None,
    ("POST", f"{REQUEST}/status-requests"): {"message": "News?"},
    ("POST", f"{REQUEST}/status-requests/{{status_request_id}}/answer"): {"answer": "Soon"},
    ("GET", f"{REQUEST}/links"): None,
    ("GET", f"{REQUEST}/liaisons"): None,
    ("POST", f"{REQUEST}/liaisons"): {"username": "someone", "authority": "XX-NONE"},
}


def body_for(body: Any, request: dict[str, Any]) -> Any:
    """The body of a table for ``request`` (its read)."""
    return body(request) if callable(body) else copy.deepcopy(body)
