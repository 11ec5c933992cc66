"""``GET /v1/legal-bases``: the bilateral treaties Comity knows, between two States, of
one, or every one, paginated as every list is."""

from __future__ import annotations

import httpx
import pytest

from shared.legal.extradition import treaties
from shared.legal.extradition.bases import ExtraditionBasis, ExtraditionBasisKind
from shared.legal.extradition.treaties import US_MX_1978
from tests.integration.mla.helpers import Api

US_MX = US_MX_1978.model_dump(mode="json")


async def _names(api: Api, **params: str | int) -> list[str]:
    answer = await api.get("us.officer", "/v1/legal-bases", params=params)
    assert answer.status_code == 200, answer.text
    return [item["name"] for item in answer.json()["items"]]


class TestLegalBases:
    async def test_without_states_every_treaty_is_listed(self, api: Api) -> None:
        answer = await api.get("us.officer", "/v1/legal-bases")
        assert answer.status_code == 200, answer.text
        assert answer.json() == {"items": [US_MX], "next_cursor": None}

    async def test_two_states_give_their_treaties_and_one_state_its_own(self, api: Api) -> None:
        assert await _names(api, country="MX", other="US") == [US_MX_1978.name]
        assert await _names(api, country="US") == [US_MX_1978.name]
        assert await _names(api, other="MX") == [US_MX_1978.name]
        assert await _names(api, country="ES", other="CO") == []

    async def test_a_page_is_continued_by_its_cursor(
        self, api: Api, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        us_co = ExtraditionBasis(
            kind=ExtraditionBasisKind.bilateral_treaty, name="Extradition Treaty US-CO (test)"
        )
        monkeypatch.setitem(treaties.BILATERAL_TREATIES, frozenset({"US", "CO"}), (us_co,))
        first = (await api.get("us.officer", "/v1/legal-bases", params={"limit": 1})).json()
        assert [item["name"] for item in first["items"]] == [us_co.name]
        cursor = first["next_cursor"]
        assert cursor is not None
        assert await _names(api, limit=1, cursor=cursor) == [US_MX_1978.name]
        assert await _names(api, country="US", other="CO") == [us_co.name]

    async def test_a_state_is_an_iso_code_named_in_the_problem(self, api: Api) -> None:
        answer = await api.get("us.officer", "/v1/legal-bases", params={"country": "usa"})
        assert answer.status_code == 422
        [error] = answer.json()["errors"]
        assert error["pointer"] == "/country" and error["location"] == "query"
        tampered = await api.get("us.officer", "/v1/legal-bases", params={"cursor": "nope"})
        assert tampered.status_code == 422
        assert tampered.json()["errors"][0]["pointer"] == "/cursor"

    async def test_the_parameters_are_documented_and_optional(
        self, client: httpx.AsyncClient
    ) -> None:
        operation = (await client.get("/openapi.json")).json()["paths"]["/v1/legal-bases"]["get"]
        parameters = {p["name"]: p for p in operation["parameters"]}
        assert {"country", "other", "cursor", "limit"} <= set(parameters)
        for name in ("country", "other"):
            assert parameters[name]["required"] is False
            assert parameters[name]["description"]
        assert "every treaty" in operation["description"]
