"""Sides, direction, who sees a case and who works it (docs/architecture.md "Parties and
visibility"). The rules are pure: any caller with an authority, a username and roles
answers them, a :class:`shared.auth.Principal` as well as a plain object."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from shared.auth import Principal
from shared.casework.errors import MissingRole
from shared.casework.parties import (
    Direction,
    Parties,
    direction_of,
    require_officer,
    side_of,
)
from shared.casework.persons import may_see_identity, new_pseudonym, pseudonym_label
from shared.casework.state_machine import Side

SENT = Parties(requesting="ES-MJ", requested="CO-MJD", owner="ES-MJ", disclosed=True)
FORWARDED = Parties(
    requesting="ES-MJ",
    requested="CO-MJD",
    owner="ES-MJ",
    disclosed=True,
    executing="CO-FGN",
    liaisons=frozenset({("es.liaison", "ES-MJ")}),
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


@dataclass(frozen=True)
class Caller:
    """Not a Principal: only what the rules read."""

    authority: str
    username: str
    roles: frozenset[str]

    def has_role(self, *roles: str) -> bool:
        return not self.roles.isdisjoint(roles)


class TestAnyCaller:
    def test_a_plain_caller_gets_the_same_side_as_a_principal(self):
        for parties in (SENT, FORWARDED, DRAFT):
            for authority in ("ES-MJ", "CO-MJD", "CO-FGN"):
                plain = Caller(authority, "someone", frozenset({"case_officer"}))
                assert side_of(parties, plain) is side_of(
                    parties, principal(authority, "case_officer")
                )

    def test_a_liaison_is_known_by_username_and_the_authority_that_attached_them(self):
        liaison = frozenset({"liaison_officer"})
        assert side_of(FORWARDED, Caller("ES-MJ", "es.liaison", liaison)) is Side.liaison
        assert side_of(FORWARDED, Caller("ES-MJ", "other.liaison", liaison)) is None
        # Attached by Spain, the same username under another authority follows nothing.
        assert side_of(FORWARDED, Caller("NL-MJV", "es.liaison", liaison)) is None


class TestRequireOfficer:
    @pytest.mark.parametrize(
        "roles",
        [{"case_officer"}, {"supervisor"}, {"auditor", "supervisor"}, ("case_officer",)],
    )
    def test_case_officers_and_supervisors_work_requests(self, roles):
        require_officer(roles)

    @pytest.mark.parametrize(
        "roles", [set(), {"auditor"}, {"protection_officer"}, {"liaison_officer"}]
    )
    def test_anyone_else_is_refused_naming_the_roles(self, roles):
        with pytest.raises(MissingRole) as raised:
            require_officer(roles)
        assert raised.value.problem_code == "forbidden"
        assert raised.value.extensions == {"required_roles": ["case_officer", "supervisor"]}
        assert "case_officer, supervisor" in raised.value.detail


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
