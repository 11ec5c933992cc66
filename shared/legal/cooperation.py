"""The forms of cooperation Comity handles, and what a request for a person is for.

Plan of Action part III.F: extradition (paras. 52-54), mutual legal assistance
(paras. 55-56), transfer of proceedings (paras. 57-58) and controlled delivery
(paras. 59-60). A rule that differs by form (the prior consultation, say) is
keyed by :class:`CooperationType`.
"""

from __future__ import annotations

import re
from enum import StrEnum


class CooperationType(StrEnum):
    """A form of international cooperation. Values are stored: never renamed."""

    mla = "mla"
    extradition = "extradition"
    proceedings = "proceedings"
    delivery = "delivery"


NAMES: dict[CooperationType, str] = {
    CooperationType.mla: "Mutual legal assistance",
    CooperationType.extradition: "Extradition",
    CooperationType.proceedings: "Transfer of proceedings",
    CooperationType.delivery: "Controlled delivery",
}
"""How each form is named at the start of a sentence."""

REFERENCE_PREFIXES: dict[CooperationType, str] = {
    CooperationType.mla: "MLA",
    CooperationType.extradition: "EXT",
    CooperationType.proceedings: "TOP",
    CooperationType.delivery: "CDO",
}
"""The first part of a case's human reference: MLA-2026-ES-CO-000123."""


def case_reference(
    kind: CooperationType,
    *,
    year: int,
    requesting_country: str,
    requested_country: str,
    number: int,
) -> str:
    """A case's human reference: its type, the year, the requesting and the requested
    State, and its number for that pair in that year (MLA-2026-ES-CO-000123)."""
    prefix = REFERENCE_PREFIXES[kind]
    return f"{prefix}-{year}-{requesting_country}-{requested_country}-{number:06d}"


def is_case_reference(kind: CooperationType, text: str) -> bool:
    """Whether ``text`` is made as :func:`case_reference` makes a reference of ``kind``."""
    pattern = rf"{REFERENCE_PREFIXES[kind]}-\d{{4}}-[A-Z]{{2}}-[A-Z]{{2}}-\d{{6,}}"
    return re.fullmatch(pattern, text) is not None


class Purpose(StrEnum):
    """Why a person is sought. Values are stored: never renamed."""

    prosecution = "prosecution"
    enforcement = "enforcement"  # of a sentence (or detention order) already imposed
