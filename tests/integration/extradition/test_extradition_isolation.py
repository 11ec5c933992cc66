"""What only an extradition request shows of its parties (docs/architecture.md "Parties and
visibility"): the person sought, given when the request is drafted, is a pseudonym to
case officers when protected; and a request received outside Comity is the requested
State's alone, recorded one-sided. What every case service keeps alike (a third
authority's 404 on every path, lists, drafts, liaison officers) is the conformance
suite's: tests/integration/casework/test_casework_isolation.py."""

from __future__ import annotations

from tests.integration.extradition.helpers import US_TO_MX, body
from tests.integration.mla.helpers import Api


class TestParties:
    async def test_a_protected_person_sought_is_a_pseudonym_to_case_officers(
        self, api: Api
    ) -> None:
        sought = {**US_TO_MX["person_sought"], "protected": True}
        created = await api.post("us.officer", "/v1/requests", body(US_TO_MX, person_sought=sought))
        assert created.status_code == 201, created.text
        seen = created.json()["person_sought"]
        assert seen["identity_hidden"] is True
        assert "UNTOC art. 24(2)(a)" in seen["identity_hidden_reason"]
        assert seen["name"].startswith("Protected person P-")
        assert "Ramírez" not in created.text

    async def test_one_sided_registration_by_the_requested_state(self, api: Api) -> None:
        created = await api.post(
            "mx.officer",
            "/v1/requests",
            body(US_TO_MX, direction="incoming", requesting_authority="US-OIA"),
        )
        assert created.status_code == 201, created.text
        request_id = created.json()["id"]
        registered = await api.act(
            "mx.officer",
            request_id,
            "register",
            {
                "provisional_arrest": True,
                "received_via": "interpol",
                "received_on": "2026-11-05",
            },
        )
        assert registered.status_code == 200, registered.text
        assert registered.json()["state"] == "provisional_arrest_requested"
        assert registered.json()["one_sided"] is True
        # The requested side records the formal request the other side sent on paper.
        await api.act(
            "mx.officer", request_id, "record-arrest", {"arrested_at": "2026-11-05T10:00:00Z"}
        )
        recorded = await api.act(
            "mx.officer", request_id, "submit-formal-request", {"received_on": "2026-11-06"}
        )
        assert recorded.status_code == 200, recorded.text
        assert recorded.json()["state"] == "under_consideration"
