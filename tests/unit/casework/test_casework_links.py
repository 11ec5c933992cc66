"""A link's target has the form of its type: a request id, or a reference as the
service makes them (MLA-2026-ES-CO-000123); the existence of a target is the service's
to check (tests/integration/casework/test_casework_subresources.py)."""

from __future__ import annotations

from uuid import uuid4

import pytest
from pydantic import ValidationError

from shared.casework.schemas import LinkCreate
from shared.legal.cooperation import CooperationType, case_reference, is_case_reference


class TestReferences:
    def test_a_reference_is_read_as_it_is_made(self) -> None:
        made = case_reference(
            CooperationType.extradition,
            year=2026,
            requesting_country="US",
            requested_country="MX",
            number=7,
        )
        assert made == "EXT-2026-US-MX-000007"
        assert is_case_reference(CooperationType.extradition, made)
        assert not is_case_reference(CooperationType.mla, made)
        assert is_case_reference(CooperationType.mla, "MLA-2026-ES-CO-1234567")

    @pytest.mark.parametrize(
        "text", ["MLA-2026-ES-CO-123", "MLA-26-ES-CO-000123", "MLA-2026-ESP-CO-000123", "X-1"]
    )
    def test_anything_else_is_not_one(self, text: str) -> None:
        assert not is_case_reference(CooperationType.mla, text)


class TestLinkTarget:
    def test_an_id_is_kept_canonical_and_a_reference_in_capitals(self) -> None:
        request_id = uuid4()
        by_id = LinkCreate(target_type=CooperationType.mla, target=str(request_id).upper())
        assert by_id.target == str(request_id)
        by_reference = LinkCreate(target_type=CooperationType.mla, target="mla-2026-es-co-000123")
        assert by_reference.target == "MLA-2026-ES-CO-000123"

    def test_a_reference_of_another_type_is_refused_at_the_target(self) -> None:
        with pytest.raises(ValidationError) as raised:
            LinkCreate(target_type=CooperationType.mla, target="EXT-2026-US-MX-000007")
        [error] = raised.value.errors()
        assert error["loc"] == ("target",)
        assert "MLA-2026-ES-CO-000123" in error["msg"]
