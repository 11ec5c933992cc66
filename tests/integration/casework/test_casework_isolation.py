"""Only the parties see a request (docs/architecture.md "Parties and visibility"): a third
authority gets 404, never 403, on every path of a request, so that its existence does not
leak, and each attempt on an existing one is audited; no list ever includes it; a draft is
its author's until sent; a liaison officer follows only the requests they are attached
to, and changes nothing.

The table of every operation on a request (the descriptor's transitions and the shared
sub-resources) must be the service's OpenAPI document exactly: a new endpoint fails here
until it has a body, and so is probed like every other."""

from __future__ import annotations

from typing import Any

from tests.integration.casework.conformance import REQUEST, CaseServiceUnderTest, body_for
from tests.integration.casework.helpers import (
    call,
    every_request,
    history,
    read,
    with_everything,
)
from tests.integration.mla.helpers import Api

UNKNOWN = "01a22a44-6c02-70fe-9e5a-2a735bccb253"


def request_operations(openapi: dict[str, Any]) -> set[tuple[str, str]]:
    """Every operation on a request, as the service's OpenAPI document lists them."""
    return {
        (method.upper(), path)
        for path, operations in openapi["paths"].items()
        if path.startswith(REQUEST)
        for method in operations
    }


class TestEveryEndpointIsProbed:
    def test_the_table_is_the_openapi_document(
        self, service: CaseServiceUnderTest, openapi: dict[str, Any]
    ) -> None:
        listed = request_operations(openapi)
        table = set(service.operations())
        assert not listed - table, f"endpoints without a body in the table: {listed - table}"
        assert not table - listed, f"operations the service does not have: {table - listed}"


class TestThirdAuthority:
    async def test_404_on_every_path_nothing_changes_and_each_attempt_is_audited(
        self, service: CaseServiceUnderTest, api: Api, audit_entries
    ) -> None:
        case = await with_everything(service.case, api)
        owner = service.requesting.officer
        etag = (await read(api, owner, case.id)).headers["etag"]
        before = await history(api, owner, case.id)
        denied_before = len(await audit_entries(entity_id=case.id))
        stranger = service.third.officer
        for (method, template), body in service.operations().items():
            answer = await call(
                api,
                stranger,
                method,
                case.path(template),
                body_for(body, case.request),
                etag=etag,
            )
            assert answer.status_code == 404, f"{method} {template}: {answer.text}"
            assert answer.json()["code"] == "not-found", f"{method} {template}"
        assert (await read(api, owner, case.id)).headers["etag"] == etag
        assert await history(api, owner, case.id) == before
        attempts = (await audit_entries(entity_id=case.id))[denied_before:]
        assert len(attempts) == len(service.operations())
        assert {(e.outcome, e.authority) for e in attempts} == {("denied", service.third.authority)}

    async def test_lists_never_include_it_whatever_the_filter(
        self, service: CaseServiceUnderTest, api: Api
    ) -> None:
        request = await service.case.in_progress(api)
        filters: list[dict[str, str]] = [
            {},
            {"direction": "incoming"},
            {"direction": "outgoing"},
            {"reference": request["reference"]},
            {"status": request["state"]},
            {"counterpart_country": service.requesting.country},
            {"counterpart_country": service.requested.country},
            {"deadline_before": "2030-01-01T00:00:00Z"},
            *service.own_filters,
        ]
        for params in filters:
            listed = await every_request(api, service.third.officer, **params)
            assert request["id"] not in [r["id"] for r in listed], params
        # The filters find it for its parties: the lists above could have shown it.
        for user, direction in (
            (service.requesting.officer, "outgoing"),
            (service.requested.officer, "incoming"),
        ):
            mine = await every_request(
                api, user, direction=direction, reference=request["reference"]
            )
            assert [r["id"] for r in mine] == [request["id"]], user

    async def test_an_unknown_id_is_the_same_404(
        self, service: CaseServiceUnderTest, api: Api
    ) -> None:
        request = await service.case.in_progress(api)
        etag = (await read(api, service.requesting.officer, request["id"])).headers["etag"]
        for method, template in (("GET", REQUEST), ("POST", f"{REQUEST}/withdraw")):
            body = service.transitions.get("withdraw") if method == "POST" else None
            answer = await call(
                api,
                service.requested.officer,
                method,
                template.format(request_id=UNKNOWN),
                body,
                etag=etag,
            )
            assert answer.status_code == 404, answer.text
            assert answer.json()["code"] == "not-found"


class TestParties:
    async def test_a_draft_is_its_authors_until_sent(
        self, service: CaseServiceUnderTest, api: Api
    ) -> None:
        draft = await service.case.draft(api)
        path = REQUEST.format(request_id=draft["id"])
        requested = service.requested.officer
        assert (await api.get(requested, path)).status_code == 404
        assert draft["id"] not in [r["id"] for r in await every_request(api, requested)]
        assert (await api.get(service.requesting.supervisor, path)).status_code == 200
        sent = await api.act(
            service.requesting.officer, draft["id"], "send", service.transitions["send"]
        )
        assert sent.status_code == 200, sent.text
        assert (await api.get(requested, path)).status_code == 200
        assert draft["id"] in [r["id"] for r in await every_request(api, requested)]


class TestLiaisonOfficers:
    async def test_a_liaison_officer_sees_only_the_requests_attached_to_and_changes_nothing(
        self, service: CaseServiceUnderTest, api: Api, audit_entries
    ) -> None:
        scenario = service.staffed
        liaison = scenario.requesting.liaison_officer
        assert liaison is not None, "the staffed scenario needs a liaison officer"
        case = await with_everything(scenario, api)
        other = await scenario.in_progress(api)
        path = REQUEST.format(request_id=case.id)
        assert (await api.get(liaison, path)).status_code == 404
        attached = await api.post(
            scenario.requesting.officer,
            f"{path}/liaisons",
            {"username": liaison, "authority": scenario.requesting.authority},
        )
        assert attached.status_code == 201, attached.text

        seen = await api.get(liaison, path)
        assert seen.status_code == 200, seen.text
        assert seen.json()["side"] == "liaison" and seen.json()["allowed_actions"] == []
        listed = [r["id"] for r in await every_request(api, liaison)]
        assert case.id in listed and other["id"] not in listed
        assert (await api.get(liaison, REQUEST.format(request_id=other["id"]))).status_code == 404

        # Read-only: every change is a missing role (403), audited as denied; nothing
        # changes.
        owner = scenario.requesting.officer
        etag = (await read(api, owner, case.id)).headers["etag"]
        before = await history(api, owner, case.id)
        audited_before = len(await audit_entries(entity_id=case.id))
        writes = 0
        for (method, template), body in service.operations().items():
            answer = await call(
                api, liaison, method, case.path(template), body_for(body, case.request), etag=etag
            )
            if method == "GET":
                assert answer.status_code == 200, f"{method} {template}: {answer.text}"
            else:
                writes += 1
                assert answer.status_code == 403, f"{method} {template}: {answer.text}"
                assert answer.json()["code"] == "forbidden", f"{method} {template}"
        assert (await read(api, owner, case.id)).headers["etag"] == etag
        assert await history(api, owner, case.id) == before
        attempts = (await audit_entries(entity_id=case.id))[audited_before:]
        assert len(attempts) == writes
        assert {(e.outcome, e.authority) for e in attempts} == {
            ("denied", scenario.requesting.authority)
        }

    async def test_one_of_another_authority_attached_under_a_partys_name_follows_nothing(
        self, service: CaseServiceUnderTest, api: Api
    ) -> None:
        """An authority attaches its own liaison officers (shared/casework/subresources.py
        ``attach_liaison``): naming another authority's liaison officer as one's own does
        not let them follow the request."""
        liaison = service.staffed.requesting.liaison_officer
        assert liaison is not None, "the staffed scenario needs a liaison officer"
        liaisons_authority = service.staffed.requesting.authority
        request = await service.case.in_progress(api)
        path = REQUEST.format(request_id=request["id"])
        requested = service.requested
        assert requested.authority != liaisons_authority
        attached = await api.post(
            requested.officer,
            f"{path}/liaisons",
            {"username": liaison, "authority": requested.authority},
        )
        assert attached.status_code in (201, 422), attached.text
        seen = await api.get(liaison, path)
        assert seen.status_code == 404, (
            f"{liaison} ({liaisons_authority}) follows the request as {requested.authority}'s "
            f"liaison officer: {seen.text[:120]}"
        )
        assert request["id"] not in [r["id"] for r in await every_request(api, liaison)]
