"""Who sees an MLA request besides its two parties (docs/architecture.md "Parties and
visibility"): the requested authority a draft is shared with for prior consultation, and
the executing authority once the request is forwarded to it. What every case service
keeps alike (a third authority's 404 on every path, lists, drafts, liaison officers) is
the conformance suite's: tests/integration/casework/test_casework_isolation.py."""

from __future__ import annotations

from tests.integration.mla.helpers import Api


class TestParties:
    async def test_a_shared_draft_is_seen_by_the_requested_authority_for_consultation(
        self, api: Api
    ):
        draft = await api.draft()
        shared = await api.act("es.officer", draft["id"], "share-draft")
        assert shared.status_code == 200, shared.text
        assert shared.json()["state"] == "draft" and shared.json()["draft_shared"] is True
        seen = await api.get("co.officer", f"/v1/requests/{draft['id']}")
        assert seen.status_code == 200 and seen.json()["allowed_actions"] == []
        consulted = await api.post(
            "co.officer",
            f"/v1/requests/{draft['id']}/consultations",
            {"topic": "before_sending", "subject": "Scope", "message": "Narrow the dates?"},
        )
        assert consulted.status_code == 201, consulted.text

    async def test_the_executing_authority_sees_it_once_forwarded_and_only_then(self, api: Api):
        request = await api.acknowledged()
        path = f"/v1/requests/{request['id']}"
        assert (await api.get("co.prosecutor", path)).status_code == 404
        forwarded = await api.act(
            "co.officer", request["id"], "forward", {"executing_authority": "CO-FGN"}
        )
        assert forwarded.status_code == 200, forwarded.text
        seen = await api.get("co.prosecutor", path)
        assert seen.status_code == 200
        assert seen.json()["direction"] == "incoming" and seen.json()["side"] == "executing"
        listed = await api.get("co.prosecutor", "/v1/requests", params={"direction": "incoming"})
        assert request["id"] in [r["id"] for r in listed.json()["items"]]
        # The executing authority does not forward; only the central authority does.
        assert "forward" not in seen.json()["allowed_actions"]
