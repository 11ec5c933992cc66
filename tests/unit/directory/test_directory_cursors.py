"""Opaque cursors: round trip, and a tampered or foreign cursor is a 422 naming `cursor`."""

from __future__ import annotations

import base64
import json

import pytest

from services.directory.schemas import AuthorityFilters
from shared.pagination import decode_cursor, encode_cursor
from shared.problems import UnprocessableContent


class TestCursors:
    @pytest.mark.parametrize(
        "key",
        [
            ["ES-MJ", "018f0000-0000-7000-8000-000000000000"],
            ["fiscalia general de la nacion", "x"],
            ["Ñandú «»", "y"],
            [3],
        ],
    )
    def test_a_cursor_round_trips(self, key: list[str | int]) -> None:
        cursor = encode_cursor("code", key)
        assert decode_cursor(cursor, "code", length=len(key)) == key

    def test_a_cursor_is_url_safe_without_padding(self) -> None:
        cursor = encode_cursor("name", ["a?b/c+d", "ü" * 7])
        assert "=" not in cursor and "+" not in cursor and "/" not in cursor

    @pytest.mark.parametrize(
        "cursor",
        [
            "not a cursor",
            "%%%",
            base64.urlsafe_b64encode(b"[1, 2]").decode(),
            base64.urlsafe_b64encode(json.dumps({"o": "code", "k": "x"}).encode()).decode(),
            base64.urlsafe_b64encode(json.dumps({"o": "code", "k": [True, "x"]}).encode()).decode(),
            base64.urlsafe_b64encode(json.dumps({"o": "code", "k": ["a"]}).encode()).decode(),
            base64.urlsafe_b64encode(b"\xff\xfe").decode(),
        ],
    )
    def test_a_tampered_cursor_is_refused_naming_the_parameter(self, cursor: str) -> None:
        with pytest.raises(UnprocessableContent) as caught:
            decode_cursor(cursor, "code", length=2)
        [error] = caught.value.errors
        assert (error.location, error.pointer) == ("query", "/cursor")

    def test_a_cursor_of_another_order_is_refused(self) -> None:
        with pytest.raises(UnprocessableContent) as caught:
            decode_cursor(encode_cursor("name", ["a", "b"]), "code", length=2)
        assert "another order" in caught.value.errors[0].detail


class TestSearchTerms:
    @pytest.mark.parametrize(
        ("q", "terms"),
        [
            ("Fiscalía  General", ["fiscalia", "general"]),
            ("FISCALIA", ["fiscalia"]),
            ("   ", []),
            (None, []),
            ("Straße", ["strasse"]),
        ],
    )
    def test_the_query_is_normalised_like_the_column(self, q: str | None, terms: list[str]) -> None:
        assert AuthorityFilters(q=q).search_terms == terms
