"""The extradition service in the casework conformance suite (tests/integration/casework):
the United States (US-OIA) asks Mexico (MX-FGR) for a Mexican national, Spain (ES-MJ)
asks Colombia (CO-MJD) where a protection or liaison officer is needed, and the
Netherlands (NL-MJV) is party to nothing."""

from __future__ import annotations

from typing import Any

from shared.casework.state_machine import Side
from tests.integration.casework.conformance import (
    COLOMBIA,
    MEXICO,
    NETHERLANDS,
    SPAIN,
    UNITED_STATES,
    CaseServiceUnderTest,
    Scenario,
)
from tests.integration.extradition.helpers import ES_TO_CO, US_TO_MX, body
from tests.integration.mla.helpers import Api


def _sent_by(user: str, template: dict[str, Any]) -> Any:
    async def sent(api: Api) -> dict[str, Any]:
        """The formal request sent (no provisional arrest): under consideration."""
        created = await api.post(user, "/v1/requests", body(template))
        assert created.status_code == 201, created.text
        done = await api.act(user, created.json()["id"], "send")
        assert done.status_code == 200, done.text
        result: dict[str, Any] = done.json()
        return result

    return sent


SENT = (("drafted", Side.requesting), ("send", Side.requesting))

EXTRADITION = CaseServiceUnderTest(
    name="extradition",
    app="services.extradition.app",
    stream="COMITY_EXTRADITION",
    case=Scenario(
        requesting=UNITED_STATES,
        requested=MEXICO,
        create=body(US_TO_MX),
        in_progress=_sent_by("us.officer", US_TO_MX),
        history=SENT,
    ),
    staffed=Scenario(
        requesting=SPAIN,
        requested=COLOMBIA,
        create=body(ES_TO_CO),
        in_progress=_sent_by("es.officer", ES_TO_CO),
        history=SENT,
    ),
    third=NETHERLANDS,
    update={"summary_of_facts": "Shipments through Manzanillo and Lázaro Cárdenas."},
    transitions={
        "send": None,
        "share-draft": None,
        "register": {"received_via": "diplomatic_channel", "received_on": "2026-11-02"},
        "record-arrest": {"arrested_at": "2026-11-05T23:30:00-06:00"},
        "extend-formal-request-deadline": {"new_due_date": "2027-03-01", "reason": "Translation"},
        "extend-eaw-decision": {"reasons": "Complex case"},
        "submit-formal-request": None,
        "release": None,
        "assess-dual-criminality": None,
        "record-consent": {"consented_at": "2026-11-05T10:00:00-06:00", "before": "Judge"},
        "record-court-ruling": {
            "admissible": True,
            "deciding_body": "Court",
            "reference": "1/2026",
            "decided_on": "2026-11-05",
        },
        "grant": {"deciding_body": "SRE", "reference": "1/2026", "decided_on": "2026-11-05"},
        "refuse": {
            "grounds": ["nationality"],
            "reasons": "National",
            "deciding_body": "SRE",
            "no_consultation_reason": "Urgent",
        },
        "agree-surrender": {
            "date": "2026-11-20",
            "place": "Tijuana",
            "escorting_authority": "US Marshals",
        },
        "postpone-surrender": {"kind": "postponed", "reasons": "Trial in Mexico"},
        "execute-surrender": {"surrendered_at": "2026-11-05T10:00:00-06:00"},
        "request-speciality-consent": {"further_offences": "Money laundering"},
        "decide-speciality-consent": {
            "speciality_request_id": "01a22a44-6c02-70fe-9e5a-2a735bccb253",
            "granted": True,
            "reasons": "Covered by the treaty",
        },
        "withdraw": {"reason": "No longer needed"},
        "close": None,
    },
    refusal={
        "grounds": ["nationality"],
        "reasons": "He is a Mexican national",
        "deciding_body": "SRE",
    },
    own_filters=({"purpose": "prosecution"},),
)
