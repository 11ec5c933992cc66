"""Sides, direction and who sees a case (DESIGN.md "Parties and visibility")."""

from __future__ import annotations

import pytest

from shared.auth import Principal
from shared.casework.parties import Direction, Parties, direction_of, side_of
from shared.casework.persons import may_see_identity, new_pseudonym, pseudonym_label
from shared.casework.state_machine import Side

SENT = Parties(requesting="ES-MJ", requested="CO-MJD", owner="ES-MJ", disclosed=True)
FORWARDED = Parties(
    requesting="ES-MJ",
    requested="CO-MJD",
    owner="ES-MJ",
    disclosed=True,
    executing="CO-FGN",
    liaisons=frozenset({"es.liaison"}),
)
DRAFT = Parties(requesting="ES-MJ", requested="CO-MJD", owner="ES-MJ", disclosed=False)


def principal(authority: str, *roles: str, username: str = "someone") -> Principal:
    return Principal(
        subject=username,
        username=username,
        authority=authority,
        country=authority[:2],
        roles=frozenset(roles),
        token="t",
    )


@pytest.mark.parametrize(
    ("parties", "who", "side"),
    [
        (SENT, principal("ES-MJ", "case_officer"), Side.requesting),
        (SENT, principal("CO-MJD", "supervisor"), Side.requested),
        (SENT, principal("CO-FGN", "case_officer"), None),
        (FORWARDED, principal("CO-FGN", "case_officer"), Side.executing),
        (SENT, principal("NL-MJV", "case_officer"), None),
        (DRAFT, principal("ES-MJ", "case_officer"), Side.requesting),
        (DRAFT, principal("CO-MJD", "case_officer"), None),
        # A directory editor of a party works no cases.
        (SENT, principal("ES-MJ", "directory_editor"), None),
        (FORWARDED, principal("ES-MJ", "liaison_officer", username="es.liaison"), Side.liaison),
        (SENT, principal("ES-MJ", "liaison_officer", username="es.liaison"), None),
        (SENT, principal("ES-MJ", "protection_officer"), Side.requesting),
    ],
)
def test_side_of(parties, who, side):
    assert side_of(parties, who) is side


def test_direction_is_relative_to_the_viewer():
    assert direction_of(Side.requesting) is Direction.outgoing
    assert direction_of(Side.requested) is Direction.incoming
    assert direction_of(Side.executing) is Direction.incoming
    assert direction_of(Side.liaison) is None


def test_only_protection_officers_of_a_party_see_a_protected_identity():
    assert may_see_identity(principal("ES-MJ", "protection_officer"), Side.requesting)
    assert not may_see_identity(principal("ES-MJ", "case_officer"), Side.requesting)
    assert not may_see_identity(principal("ES-MJ", "protection_officer"), Side.liaison)
    assert not may_see_identity(principal("NL-MJV", "protection_officer"), None)


def test_pseudonyms_are_unique_in_a_case_and_say_nothing():
    taken = {new_pseudonym(set()) for _ in range(50)}
    code = new_pseudonym(taken)
    assert code not in taken and code.startswith("P-") and len(code) == 6
    assert pseudonym_label("P-3F2A") == "Protected person P-3F2A"
