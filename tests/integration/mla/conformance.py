"""The MLA service in the casework conformance suite (tests/integration/casework): Spain
(ES-MJ) asks Colombia (CO-MJD), the Netherlands (NL-MJV) is party to nothing."""

from __future__ import annotations

from typing import Any

from shared.casework.state_machine import Side
from tests.integration.casework.conformance import (
    COLOMBIA,
    NETHERLANDS,
    SPAIN,
    CaseServiceUnderTest,
    Scenario,
)
from tests.integration.mla.helpers import Api, body


async def acknowledged(api: Api) -> dict[str, Any]:
    """Sent by es.officer, acknowledged by co.officer: in execution in Colombia."""
    return await api.acknowledged()


def _first_measure(request: dict[str, Any]) -> dict[str, Any]:
    return {"measure_id": request["measures"][0]["id"], "outcome": "complete"}


SPAIN_ASKS_COLOMBIA = Scenario(
    requesting=SPAIN,
    requested=COLOMBIA,
    create=body(),
    in_progress=acknowledged,
    history=(
        ("drafted", Side.requesting),
        ("send", Side.requesting),
        ("acknowledge", Side.requested),
    ),
)

MLA = CaseServiceUnderTest(
    name="mla",
    app="services.mla.app",
    stream="COMITY_MLA",
    case=SPAIN_ASKS_COLOMBIA,
    staffed=SPAIN_ASKS_COLOMBIA,
    third=NETHERLANDS,
    update={"purpose": "Another purpose"},
    transitions={
        "send": None,
        "share-draft": None,
        "register": {"received_via": "diplomatic_channel", "received_on": "2026-11-02"},
        "acknowledge": None,
        "forward": {"executing_authority": "CO-FGN"},
        "request-additional-information": {"questions": "Which account?"},
        "answer-additional-information": {"answer": "0012-3456"},
        "postpone": {"reasons": "Ongoing investigation", "no_consultation_reason": "Urgent"},
        "resume": None,
        "refuse": {
            "grounds": ["essential_interests"],
            "reasons": "Security",
            "no_consultation_reason": "Urgent",
        },
        "execute-measure": _first_measure,
        "close": None,
        "withdraw": {"reason": "No longer needed"},
        "record-counterpart-step": {"step": "acknowledge", "occurred_on": "2026-11-05"},
    },
    refusal={"grounds": ["essential_interests"], "reasons": "Execution would endanger an agent."},
    other_operations={("GET", "/v1/requests/{request_id}/checklist"): None},
    own_filters=({"measure": "documents_and_records"}, {"urgent": "false"}),
)
