"""Protected persons (Plan of Action para. 62; docs/architecture.md "Data"): a protected
person is a pseudonym to the case officers of both parties (no name, aliases, date of
birth or location in any answer); the identity is shown only to a protection officer of
a party, and each disclosure is audited without the identity; no event on the bus ever
carries it."""

from __future__ import annotations

import json

from contracts.casework import PersonAdded
from shared.events import Envelope
from tests.integration.casework.conformance import REQUEST, CaseServiceUnderTest
from tests.integration.casework.helpers import items
from tests.integration.mla.helpers import Api, events_about, eventually

WITNESS = {
    "kind": "natural",
    "role": "witness",
    "name": "Aurelio Quintero Bedoya",
    "aliases": ["El Contable"],
    "nationalities": ["CO"],
    "date_of_birth": "1979-04-02",
    "location": "Calle 5 #23-41, Cali",
    "protected": True,
}
SECRETS = ("Aurelio", "Quintero", "El Contable", "1979-04-02", "Calle 5")


def withheld(person: dict[str, object]) -> bool:
    """A pseudonym, with the reason and the rule it follows (UNTOC art. 24(2)(a))."""
    reason = str(person["identity_hidden_reason"])
    return (
        person["identity_hidden"] is True
        and person["identity_disclosed"] is False
        and "UNTOC art. 24(2)(a)" in reason
        and "protection officers" in reason
        and person["name"] == f"Protected person {person['pseudonym']}"
        and person["aliases"] == []
        and person["date_of_birth"] is None
        and person["location"] is None
    )


class TestProtectedPersons:
    async def test_a_pseudonym_to_officers_the_identity_to_protection_officers_audited(
        self, service: CaseServiceUnderTest, api: Api, audit_entries
    ) -> None:
        scenario = service.staffed
        protection = scenario.requesting.protection_officer
        assert protection is not None, "the staffed scenario needs a protection officer"
        request = await scenario.in_progress(api)
        path = REQUEST.format(request_id=request["id"])
        added = await api.post(scenario.requesting.officer, f"{path}/persons", WITNESS)
        assert added.status_code == 201, added.text
        witness = added.json()
        assert witness["protected"] is True and withheld(witness)
        assert not any(secret in added.text for secret in SECRETS)

        officers = (
            scenario.requesting.officer,
            scenario.requesting.supervisor,
            scenario.requested.officer,
            scenario.requested.supervisor,
        )
        for user in officers:
            [seen] = [p for p in await items(api, user, f"{path}/persons") if p["protected"]]
            assert seen["id"] == witness["id"] and withheld(seen), user
            for answer in (await api.get(user, path), await api.get(user, f"{path}/history")):
                assert answer.status_code == 200, answer.text
                assert not any(secret in answer.text for secret in SECRETS), user
            read = (await api.get(user, path)).json()
            [in_case] = [p for p in read["persons"] if p["id"] == witness["id"]]
            assert withheld(in_case), user

        action = f"{service.name}.person.identity_disclosed"
        before = await audit_entries(action=action)
        [shown] = [p for p in await items(api, protection, f"{path}/persons") if p["protected"]]
        assert shown["identity_disclosed"] is True and shown["identity_hidden"] is False
        assert shown["identity_hidden_reason"] is None
        assert (shown["name"], shown["aliases"]) == (WITNESS["name"], WITNESS["aliases"])
        assert (shown["date_of_birth"], shown["location"]) == (
            WITNESS["date_of_birth"],
            WITNESS["location"],
        )
        whole = await api.get(protection, path)
        assert WITNESS["name"] in [p["name"] for p in whole.json()["persons"]]

        after = await audit_entries(action=action)
        disclosed = after[len(before) :]
        assert len(disclosed) == 2  # the list, then the read
        assert {e.entity_id for e in disclosed} == {witness["id"]}
        assert {e.authority for e in disclosed} == {scenario.requesting.authority}
        assert len({e.actor for e in disclosed}) == 1
        assert all(e.details["request_id"] == request["id"] for e in disclosed)
        # The audit log records the disclosure, not the identity.
        assert not any(secret in json.dumps([e.details for e in after]) for secret in SECRETS)

    async def test_the_identity_never_leaves_on_the_bus(
        self, service: CaseServiceUnderTest, api: Api, js
    ) -> None:
        draft = await service.case.draft(api)
        path = REQUEST.format(request_id=draft["id"])
        added = await api.post(service.requesting.officer, f"{path}/persons", WITNESS)
        assert added.status_code == 201, added.text
        sent = await api.act(
            service.requesting.officer, draft["id"], "send", service.transitions["send"]
        )
        assert sent.status_code == 200, sent.text

        async def published() -> list[Envelope] | None:
            events = await events_about(js, service.stream, draft["id"])
            # The sending is the last of them: drafted, person_added, sent.
            sent = any(e.type == f"comity.{service.name}.request.sent.v1" for e in events)
            return events if sent else None

        events = await eventually(published)
        assert events is not None, "the events of the request were not published"
        [person] = [e for e in events if e.type.endswith(".person_added.v1")]
        event = PersonAdded.model_validate(person.data)
        assert str(event.person_id) == added.json()["id"] and event.protected is True
        assert event.pseudonym == added.json()["pseudonym"]
        raw = json.dumps([e.model_dump(mode="json") for e in events], ensure_ascii=False)
        assert not any(secret in raw for secret in SECRETS)
