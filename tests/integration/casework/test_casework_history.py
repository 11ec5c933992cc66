"""The history of a request (docs/architecture.md "Data"): every change appends one entry,
with the action, the authority that took it and the case's version after it; each
transition makes the next version, while a change of a sub-resource (a consultation, a
document, a person...) is recorded at the version it leaves unchanged, so that the ETag a
party holds stays good. The timeline pages in order with its cursor."""

from __future__ import annotations

import itertools
from typing import Any

from shared.casework.state_machine import Side
from tests.integration.casework.conformance import REQUEST, CaseServiceUnderTest, Staff
from tests.integration.casework.helpers import history, read
from tests.integration.mla.helpers import Api, document

# A change of each sub-resource: its history action, the side that makes it, the path
# under the request (naming what an earlier change created) and the body, or a function
# of the service and the staff that posts it.
CHANGES: tuple[tuple[str, Side, str, Any], ...] = (
    (
        "consultation_opened",
        Side.requested,
        "/consultations",
        {"topic": "execution_question", "subject": "Format", "message": "PDF?"},
    ),
    (
        "consultation_message",
        Side.requesting,
        "/consultations/{consultation_id}/messages",
        {"body": "PDF."},
    ),
    (
        "consultation_closed",
        Side.requested,
        "/consultations/{consultation_id}/close",
        {"outcome": "resolved"},
    ),
    ("document_added", Side.requesting, "/documents", document()),
    (
        "person_added",
        Side.requesting,
        "/persons",
        {"kind": "natural", "role": "witness", "name": "Ana Torres"},
    ),
    ("status_requested", Side.requesting, "/status-requests", {"message": "News?"}),
    (
        "status_answered",
        Side.requested,
        "/status-requests/{status_request_id}/answer",
        {"answer": "Next week."},
    ),
    ("linked", Side.requested, "/links", lambda service, by: service.link_elsewhere()),
    (
        "liaison_attached",
        Side.requesting,
        "/liaisons",
        lambda service, by: {"username": "liaison.history", "authority": by.authority},
    ),
)
# The ids later changes name.
NEW_IDS = {"consultation_opened": "consultation_id", "status_requested": "status_request_id"}


def staff(service: CaseServiceUnderTest, side: Side) -> Staff:
    return service.requesting if side is Side.requesting else service.requested


class TestEntries:
    async def test_the_transitions_of_a_request_in_progress(
        self, service: CaseServiceUnderTest, api: Api
    ) -> None:
        request = await service.case.in_progress(api)
        entries = await history(api, service.requested.officer, request["id"])
        assert [(e["action"], e["actor_authority"], e["case_version"]) for e in entries] == [
            (action, staff(service, side).authority, version)
            for version, (action, side) in enumerate(service.case.history, start=1)
        ]
        assert entries[0]["from_state"] is None and entries[0]["to_state"] == "draft"
        for before, after in itertools.pairwise(entries):
            assert after["from_state"] == before["to_state"], after
        assert entries[-1]["to_state"] == request["state"]
        assert entries[-1]["case_version"] == request["version"]

    async def test_each_change_appends_one_entry_and_only_transitions_make_a_version(
        self, service: CaseServiceUnderTest, api: Api
    ) -> None:
        request = await service.case.in_progress(api)
        path = REQUEST.format(request_id=request["id"])
        requesting, requested = service.requesting, service.requested
        etag = (await read(api, requesting.officer, request["id"])).headers["etag"]
        version, state = request["version"], request["state"]
        entries = await history(api, requesting.officer, request["id"])
        ids: dict[str, str] = {}
        for action, side, suffix, body in CHANGES:
            by = requesting if side is Side.requesting else requested
            answer = await api.post(
                by.officer,
                path + suffix.format(**ids),
                body(service, by) if callable(body) else body,
            )
            assert answer.status_code in (200, 201), f"{action}: {answer.text}"
            if action in NEW_IDS:
                ids[NEW_IDS[action]] = answer.json()["id"]
            now = await history(api, requesting.officer, request["id"])
            assert now[: len(entries)] == entries, action
            [entry] = now[len(entries) :]
            assert (entry["action"], entry["actor_authority"]) == (action, by.authority)
            assert entry["case_version"] == version, action
            assert entry["from_state"] == entry["to_state"] == state, action
            assert (await read(api, requesting.officer, request["id"])).headers["etag"] == etag
            entries = now

        # A transition after them makes the next version, not one per change.
        withdrawn = await api.act(
            requesting.officer, request["id"], "withdraw", service.transitions["withdraw"]
        )
        assert withdrawn.status_code == 200, withdrawn.text
        assert withdrawn.json()["version"] == version + 1
        [entry] = (await history(api, requesting.officer, request["id"]))[len(entries) :]
        assert (entry["action"], entry["actor_authority"]) == ("withdraw", requesting.authority)
        assert entry["case_version"] == version + 1
        assert (entry["from_state"], entry["to_state"]) == (state, withdrawn.json()["state"])


class TestTimeline:
    async def test_it_pages_in_order_with_the_cursor(
        self, service: CaseServiceUnderTest, api: Api
    ) -> None:
        request = await service.case.in_progress(api)
        path = REQUEST.format(request_id=request["id"])
        for n in range(3):
            added = await api.post(service.requesting.officer, f"{path}/documents", document())
            assert added.status_code == 201, f"{n}: {added.text}"
        user = service.requested.officer
        whole = await history(api, user, request["id"])
        assert len(whole) == len(service.case.history) + 3
        assert [e["id"] for e in whole] == sorted(e["id"] for e in whole)

        paged: list[dict[str, Any]] = []
        cursor: str | None = None
        pages = 0
        while True:
            params = {"limit": "2", **({"cursor": cursor} if cursor else {})}
            page = await api.get(user, f"{path}/history", params=params)
            assert page.status_code == 200, page.text
            assert len(page.json()["items"]) <= 2
            paged += page.json()["items"]
            pages += 1
            cursor = page.json()["next_cursor"]
            if cursor is None:
                break
        assert paged == whole
        assert pages == (len(whole) + 1) // 2
