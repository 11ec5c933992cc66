"""Reading the directory: search by each filter, accent-blind free text, cursors, countries."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from services.directory.schemas import iso_countries

PROBLEM = "application/problem+json"
SEED = json.loads(
    (Path(__file__).resolve().parents[3] / "services/directory/seed_data.json").read_text()
)
SEED_CODES = sorted(a["code"] for a in SEED["authorities"])


async def search(client: httpx.AsyncClient, headers: Any, **params: Any) -> dict[str, Any]:
    response = await client.get(
        "/v1/authorities", params=params, headers=await headers("es.officer")
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def codes(page: dict[str, Any]) -> list[str]:
    return [item["code"] for item in page["items"]]


class TestSearchFilters:
    async def test_without_filters_every_seeded_authority_comes_sorted_by_code(
        self, client, headers
    ):
        page = await search(client, headers)
        assert codes(page) == SEED_CODES
        assert page["next_cursor"] is None
        assert all(item["is_sample"] for item in page["items"])

    async def test_by_country(self, client, headers):
        assert codes(await search(client, headers, country="CO")) == ["CO-FGN", "CO-MJD"]

    @pytest.mark.parametrize(
        ("param", "value"),
        [
            ("kind", "controlled_delivery"),
            ("kind", "financial_intelligence_unit"),
            ("language", "pt"),
            ("language", "en"),
            ("instrument", "c1988_art17"),
            ("instrument", "uncac_art46"),
            ("channel", "diplomatic"),
            ("channel", "interpol"),
        ],
    )
    async def test_by_a_list_field_matches_the_seed(self, client, headers, param, value):
        field = {
            "kind": "kinds",
            "language": "accepted_languages",
            "instrument": "instruments",
            "channel": "channels",
        }[param]
        expected = sorted(a["code"] for a in SEED["authorities"] if value in a[field])
        assert expected, "the seed should have at least one"
        assert codes(await search(client, headers, **{param: value})) == expected

    async def test_by_code(self, client, headers):
        assert codes(await search(client, headers, code="NL-LP")) == ["NL-LP"]
        assert codes(await search(client, headers, code="nl-lp")) == ["NL-LP"]
        assert codes(await search(client, headers, code="NL-NONE")) == []

    async def test_filters_combine(self, client, headers):
        page = await search(client, headers, country="ES", kind="financial_intelligence_unit")
        assert codes(page) == ["ES-SEPBLAC"]
        assert codes(await search(client, headers, country="ES", language="pt")) == []

    @pytest.mark.parametrize("q", ["fiscalia", "FISCALIA", "Fiscalía", "fiscalía general"])
    async def test_free_text_ignores_accents_and_case(self, client, headers, q):
        found = codes(await search(client, headers, q=q))
        assert "CO-FGN" in found  # "Fiscalía General de la Nación"
        assert "ES-MJ" not in found

    async def test_free_text_finds_words_in_any_order_and_in_requirements(self, client, headers):
        assert "CO-FGN" in codes(await search(client, headers, q="nacion fiscalia"))
        with_requirement = [
            a["code"]
            for a in SEED["authorities"]
            if any("translation" in text.lower() for text in a["requirements"].values())
        ]
        assert with_requirement
        assert set(with_requirement) <= set(codes(await search(client, headers, q="TRANSLATION")))

    async def test_free_text_finds_by_country_name_and_code(self, client, headers):
        assert codes(await search(client, headers, q="colombia")) == ["CO-FGN", "CO-MJD"]
        assert codes(await search(client, headers, q="pe-fn")) == ["PE-FN"]

    async def test_like_wildcards_in_the_query_are_taken_literally(self, client, headers):
        assert codes(await search(client, headers, q="%")) == []
        assert codes(await search(client, headers, q="_")) == []

    async def test_search_uses_the_trigram_index_when_the_table_is_large_enough(self, database):
        from sqlalchemy import text

        async with database.sessions() as session:
            await session.execute(text("SET LOCAL enable_seqscan = off"))
            plan = "\n".join(
                row[0]
                for row in await session.execute(
                    text("EXPLAIN SELECT id FROM authorities WHERE search_text LIKE '%fiscalia%'")
                )
            )
        assert "ix_authorities_search_text_trgm" in plan


class TestInvalidFilters:
    @pytest.mark.parametrize(
        ("params", "pointer"),
        [
            ({"country": "XX"}, "/country"),
            ({"country": "es"}, "/country"),
            ({"language": "xx"}, "/language"),
            ({"kind": "embassy"}, "/kind"),
            ({"instrument": "untoc_art99"}, "/instrument"),
            ({"channel": "pigeon"}, "/channel"),
            ({"sort": "size"}, "/sort"),
            ({"limit": 0}, "/limit"),
            ({"limit": 201}, "/limit"),
            ({"cursor": "not-a-cursor"}, "/cursor"),
        ],
    )
    async def test_an_invalid_value_is_a_problem_naming_the_parameter(
        self, client, headers, params, pointer
    ):
        response = await client.get(
            "/v1/authorities", params=params, headers=await headers("es.officer")
        )
        assert response.status_code == 422, response.text
        assert response.headers["content-type"] == PROBLEM
        problem = response.json()
        # A cursor of the right form that this API did not issue breaks no constraint.
        assert problem["code"] == ("invalid-cursor" if pointer == "/cursor" else "validation-error")
        assert [(e["location"], e["pointer"]) for e in problem["errors"]] == [("query", pointer)]

    async def test_the_message_names_the_standard(self, client, headers):
        response = await client.get(
            "/v1/authorities", params={"country": "XX"}, headers=await headers("es.officer")
        )
        assert "ISO 3166-1" in response.json()["errors"][0]["detail"]

    async def test_a_cursor_of_another_order_is_refused(self, client, headers):
        first = await search(client, headers, limit=2, sort="name")
        response = await client.get(
            "/v1/authorities",
            params={"limit": 2, "sort": "code", "cursor": first["next_cursor"]},
            headers=await headers("es.officer"),
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["pointer"] == "/cursor"


class TestPagination:
    @pytest.mark.parametrize("sort", ["code", "country", "name"])
    @pytest.mark.parametrize("limit", [1, 2, 5])
    async def test_pages_cover_every_authority_once_in_order(self, client, headers, sort, limit):
        everything = await search(client, headers, sort=sort, limit=200)
        assert everything["next_cursor"] is None
        seen: list[str] = []
        cursor = None
        pages = 0
        while True:
            params: dict[str, Any] = {"sort": sort, "limit": limit}
            if cursor:
                params["cursor"] = cursor
            page = await search(client, headers, **params)
            assert len(page["items"]) <= limit
            seen += codes(page)
            pages += 1
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert seen == codes(everything)
        assert len(seen) == len(set(seen)) == len(SEED_CODES)
        assert pages == -(-len(SEED_CODES) // limit)

    async def test_sort_by_country_then_code(self, client, headers):
        items = (await search(client, headers, sort="country"))["items"]
        keys = [(i["country"], i["code"]) for i in items]
        assert keys == sorted(keys)

    async def test_sort_by_name_uses_the_name_in_the_authority_s_language(self, client, headers):
        from services.directory.schemas import AuthorityPublic, authority_sort_name

        items = (await search(client, headers, sort="name"))["items"]
        names = [authority_sort_name(AuthorityPublic.model_validate(i)) for i in items]
        assert names == sorted(names)

    async def test_filters_apply_on_every_page(self, client, headers):
        first = await search(client, headers, language="es", limit=2)
        second = await search(client, headers, language="es", limit=2, cursor=first["next_cursor"])
        assert all("es" in i["accepted_languages"] for i in first["items"] + second["items"])

    async def test_default_limit_is_50(self, client, headers):
        page = await client.get("/v1/countries", headers=await headers("es.officer"))
        assert len(page.json()["items"]) == 50


class TestReadOne:
    async def test_an_authority_is_read_with_its_etag(self, client, headers):
        [item] = (await search(client, headers, code="ES-MJ"))["items"]
        response = await client.get(
            f"/v1/authorities/{item['id']}", headers=await headers("co.officer")
        )
        assert response.status_code == 200
        assert response.headers["etag"] == f'"{item["version"]}"'
        assert response.json() == item

    async def test_an_unknown_authority_is_a_404_problem(self, client, headers):
        response = await client.get(
            "/v1/authorities/018f0000-0000-7000-8000-000000000000",
            headers=await headers("es.officer"),
        )
        assert response.status_code == 404
        assert response.headers["content-type"] == PROBLEM
        assert response.json()["code"] == "not-found"

    async def test_a_malformed_id_is_a_422_naming_the_path_parameter(self, client, headers):
        response = await client.get("/v1/authorities/nope", headers=await headers("es.officer"))
        assert response.status_code == 422
        assert response.json()["errors"][0]["location"] == "path"


class TestAuthentication:
    @pytest.mark.parametrize(
        "path",
        [
            "/v1/authorities",
            "/v1/countries",
            "/v1/countries/ES",
            "/v1/export",
            "/v1/export.csv",
        ],
    )
    async def test_reads_need_a_signed_in_user(self, client, path):
        response = await client.get(path)
        assert response.status_code == 401
        assert response.headers["content-type"] == PROBLEM
        assert response.json()["code"] == "unauthorized"
        assert response.headers["www-authenticate"].startswith("Bearer")

    async def test_writes_need_a_signed_in_user(self, client, authority_body):
        response = await client.post("/v1/authorities", json=authority_body("ES-ANON"))
        assert response.status_code == 401
        assert response.json()["code"] == "unauthorized"

    async def test_an_invalid_token_is_refused(self, client):
        response = await client.get(
            "/v1/authorities", headers={"Authorization": "Bearer not.a.token"}
        )
        assert response.status_code == 401
        assert "invalid_token" in response.headers["www-authenticate"]


class TestCountries:
    async def test_every_iso_country_is_listed_in_pages(self, client, headers):
        seen: list[dict[str, Any]] = []
        cursor = None
        while True:
            params: dict[str, Any] = {"limit": 200}
            if cursor:
                params["cursor"] = cursor
            response = await client.get(
                "/v1/countries", params=params, headers=await headers("es.officer")
            )
            page = response.json()
            seen += page["items"]
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert [(c["alpha2"], c["name"]) for c in seen] == iso_countries()
        with_profile = {c["alpha2"] for c in seen if c["has_profile"]}
        assert with_profile == {p["country"] for p in SEED["profiles"]}

    @pytest.mark.parametrize(
        ("q", "expected"),
        [("colombia", "CO"), ("ESPAÑA", None), ("netherlands", "NL"), ("plurinational", "BO")],
    )
    async def test_filter_by_name(self, client, headers, q, expected):
        response = await client.get(
            "/v1/countries", params={"q": q}, headers=await headers("es.officer")
        )
        found = [c["alpha2"] for c in response.json()["items"]]
        assert found == ([expected] if expected else [])

    async def test_a_country_comes_with_its_profile_and_etag(self, client, headers):
        response = await client.get("/v1/countries/CO", headers=await headers("es.officer"))
        assert response.status_code == 200
        body = response.json()
        assert body["name"] == "Colombia" and body["has_profile"]
        assert body["profile"]["country"] == "CO"
        assert response.headers["etag"] == f'"{body["profile"]["version"]}"'

    async def test_a_country_without_profile(self, client, headers):
        response = await client.get("/v1/countries/BO", headers=await headers("es.officer"))
        assert response.status_code == 200
        assert response.json() == {
            "alpha2": "BO",
            "name": "Bolivia",
            "has_profile": False,
            "profile": None,
        }
        assert response.headers["etag"] == '"0"'

    @pytest.mark.parametrize("code", ["XX", "es", "ESP"])
    async def test_an_unknown_country_is_a_404_problem(self, client, headers, code):
        response = await client.get(f"/v1/countries/{code}", headers=await headers("es.officer"))
        assert response.status_code == 404
        assert response.headers["content-type"] == PROBLEM

    async def test_a_profile_is_read_with_its_etag(self, client, headers):
        response = await client.get("/v1/countries/ES/profile", headers=await headers("co.officer"))
        assert response.status_code == 200
        assert response.headers["etag"] == f'"{response.json()["version"]}"'

    async def test_no_profile_is_a_404(self, client, headers):
        response = await client.get("/v1/countries/BO/profile", headers=await headers("es.officer"))
        assert response.status_code == 404


class TestNulCharacters:
    """PostgreSQL stores no U+0000 in text: a search with one is a 422 naming the
    parameter, never a 500 (shared/edge.py)."""

    @pytest.mark.parametrize(
        ("path", "parameter"),
        [("/v1/authorities?q=%00", "/q"), ("/v1/countries?q=a%00b", "/q")],
    )
    async def test_a_nul_in_a_search_is_422_naming_it(self, client, headers, path, parameter):
        response = await client.get(path, headers=await headers("es.officer"))
        assert response.status_code == 422, response.text
        assert response.headers["content-type"] == PROBLEM
        assert [(e["pointer"], e["location"]) for e in response.json()["errors"]] == [
            (parameter, "query")
        ]
