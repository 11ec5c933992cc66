"""Every case event is a ``CaseEvent`` (contracts/casework.py; docs/architecture.md
"Events"): a consumer that follows every case service (the tracker, the live feeds) reads
any of them with that model alone. So every event of the service on its stream validates
with it, names the service as ``case_type``, carries the case version of its envelope
and the requesting and requested authorities among its parties; and each validates with
its own contract's payload as well (contracts.catalog).

The module first takes a request through each kind of change the suite knows (a draft
shared and sent, every sub-resource, a consultation and a refusal, a withdrawal), waits
for the outbox relay to publish all of them, then reads the whole stream: the events of
every earlier test of the session are checked too."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlmodel import col

from contracts.casework import CaseEvent, casework_events
from contracts.catalog import by_type
from shared.db import Database
from shared.events import Envelope
from shared.outbox import OutboxRow
from tests.integration.casework.conformance import REQUEST, CaseServiceUnderTest
from tests.integration.mla.helpers import Api, document, eventually


async def outbox(database: Database) -> list[OutboxRow]:
    async with database.sessions() as session:
        return list(
            (await session.execute(select(OutboxRow).order_by(col(OutboxRow.id)))).scalars()
        )


async def stream(js: Any, name: str) -> list[Envelope]:
    info = await js.stream_info(name)
    found = []
    for seq in range(info.state.first_seq, info.state.last_seq + 1):
        message = await js.get_msg(name, seq)
        found.append(Envelope.from_bytes(message.data))
    return found


async def every_kind_of_change(service: CaseServiceUnderTest, api: Api) -> None:
    requesting, requested = service.requesting, service.requested
    # A draft shared for consultation, then sent.
    draft = await service.case.draft(api)
    for action in ("share-draft", "send"):
        done = await api.act(requesting.officer, draft["id"], action, service.transitions[action])
        assert done.status_code == 200, f"{action}: {done.text}"

    # Every sub-resource, then a refusal after the requesting side was heard.
    request = await service.case.in_progress(api)
    path = REQUEST.format(request_id=request["id"])
    opened = await api.post(
        requested.officer,
        f"{path}/consultations",
        {"topic": "before_refusal", "subject": "Refusal", "message": "We may refuse."},
    )
    assert opened.status_code == 201, opened.text
    thread = f"{path}/consultations/{opened.json()['id']}"
    asked = await api.post(requesting.officer, f"{path}/status-requests", {"message": "News?"})
    assert asked.status_code == 201, asked.text
    for user, url, body in (
        (requesting.officer, f"{thread}/messages", {"body": "Please do not."}),
        (requested.officer, f"{thread}/close", {"outcome": "no_agreement"}),
        (requested.officer, f"{path}/status-requests/{asked.json()['id']}/answer", {"answer": "!"}),
        (
            requesting.officer,
            f"{path}/persons",
            {"kind": "natural", "role": "witness", "name": "Ana Torres", "protected": True},
        ),
        (requested.officer, f"{path}/documents", document()),
        (requested.officer, f"{path}/links", service.link_elsewhere()),
        (
            requesting.officer,
            f"{path}/liaisons",
            {"username": "liaison.events", "authority": requesting.authority},
        ),
    ):
        answer = await api.post(user, url, body)
        assert answer.status_code in (200, 201), f"{url}: {answer.text}"
    refused = await api.act(requested.supervisor, request["id"], "refuse", service.refusal)
    assert refused.status_code == 200, refused.text

    # A withdrawal.
    other = await service.case.in_progress(api)
    withdrawn = await api.act(
        requesting.officer, other["id"], "withdraw", service.transitions["withdraw"]
    )
    assert withdrawn.status_code == 200, withdrawn.text


class TestEveryEventIsACaseEvent:
    async def test_every_event_on_the_stream(
        self, service: CaseServiceUnderTest, api: Api, database: Database, js: Any
    ) -> None:
        await every_kind_of_change(service, api)

        async def all_published() -> list[OutboxRow] | None:
            rows = await outbox(database)
            return rows if all(r.published_at is not None for r in rows) else None

        rows = await eventually(all_published)
        assert rows, "the outbox relay did not publish every event"
        events = await stream(js, service.stream)
        published = {e.id for e in events}
        assert {r.event_id for r in rows} <= published
        mine = [e for e in events if e.id in {r.event_id for r in rows}]
        kinds = {e.type for e in mine}
        # Each shared sub-resource event was among them.
        assert {c.type for c in casework_events(service.name)} <= kinds, kinds

        for envelope in events:
            assert envelope.type.startswith(f"comity.{service.name}."), envelope.type
            assert envelope.source == f"/services/{service.name}", envelope.type
            event = CaseEvent.model_validate(envelope.data)
            assert event.case_type == service.name, envelope.type
            assert event.case_version == envelope.caseversion, envelope.type
            parties = {(p.authority, p.side) for p in event.parties}
            assert (event.requesting_authority, "requesting") in parties, envelope.type
            assert (event.requested_authority, "requested") in parties, envelope.type
            by_type(envelope.type).payload.model_validate(envelope.data)
