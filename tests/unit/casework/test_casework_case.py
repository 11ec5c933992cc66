"""A case as the rules read it (shared.casework.case): immutable, evolved into the next
case and validated as a new case would be, so a rule cannot produce a case the service
would refuse to load; and what the rules need of the authorities from the directory (a
withdrawn authority is not chosen, cooperation is asked of another State).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Literal
from uuid import uuid4

import pytest
from pydantic import ValidationError

from shared.casework.case import (
    DIRECTORY_CITATION,
    Authority,
    CaseState,
    PersonFacts,
    check_chosen,
    check_other_state,
)
from shared.casework.deadlines import Calendar
from shared.casework.errors import FieldIssue, RuleBroken
from shared.casework.state_machine import Side
from shared.casework.vocabulary import CustodyStatus, PersonKind, PersonRole

NOW = datetime(2026, 11, 6, 9, 0, tzinfo=UTC)


class Case(CaseState):
    """A service's case: its own states and a field of its own."""

    state: Literal["draft", "sent", "closed"]
    urgent: bool = False


def person(name: str, status: CustodyStatus | None = None) -> PersonFacts:
    return PersonFacts(
        id=uuid4(),
        kind=PersonKind.natural,
        role=PersonRole.person_sought,
        name=name,
        custody_status=status,
        pseudonym=f"P-{name[:4].upper()}",
    )


ANA = person("Ana", CustodyStatus.at_liberty)
BRUNO = person("Bruno", CustodyStatus.unknown)


def case(**changes) -> Case:
    fields = {
        "id": uuid4(),
        "version": 1,
        "state": "sent",
        "requesting_authority": "ES-MJ",
        "requesting_country": "ES",
        "requested_authority": "CO-MJD",
        "requested_country": "CO",
        "created_by_side": Side.requesting,
        "disclosed": True,
        "counterpart_uses_comity": True,
        "created_at": NOW,
        "updated_at": NOW,
        "persons": (ANA, BRUNO),
    }
    return Case(**{**fields, **changes})


class TestEvolve:
    def test_a_name_that_is_not_a_field_is_an_error(self):
        with pytest.raises(ValueError, match="stat"):
            case().evolve(stat="closed")

    def test_the_next_case_has_the_changes_and_the_rest(self):
        before = case()
        after = before.evolve(state="closed", version=2, urgent=True)
        assert type(after) is Case
        assert (after.state, after.version, after.urgent) == ("closed", 2, True)
        assert after.id == before.id and after.persons == before.persons
        # The case read before is untouched.
        assert (before.state, before.version, before.urgent) == ("sent", 1, False)

    def test_a_case_never_changes_in_place(self):
        with pytest.raises(ValidationError):
            case().state = "closed"

    @pytest.mark.parametrize(
        "changes",
        [
            {"state": "refused"},  # not a state of this case
            {"version": "two"},
            {"created_by_side": "liaison-ish"},
            {"received_on": "not a date"},
            {"requesting_authority": None},
        ],
    )
    def test_a_change_is_validated_as_a_new_case_would_be(self, changes):
        with pytest.raises(ValidationError):
            case().evolve(**changes)

    def test_a_change_is_coerced_as_a_new_case_would_be(self):
        after = case().evolve(received_on="2026-11-05", created_by_side="requested")
        assert after.received_on == date(2026, 11, 5)
        assert after.created_by_side is Side.requested


class TestWithCustody:
    def test_only_that_persons_status_changes(self):
        before = case()
        after = before.with_custody(ANA.id, CustodyStatus.in_custody)
        ana, bruno = after.persons
        assert ana.id == ANA.id and ana.custody_status is CustodyStatus.in_custody
        assert ana.model_dump(exclude={"custody_status"}) == ANA.model_dump(
            exclude={"custody_status"}
        )
        assert bruno == BRUNO
        assert before.persons == (ANA, BRUNO)
        assert ANA.custody_status is CustodyStatus.at_liberty
        assert after.state == before.state and type(after) is Case


class TestSides:
    def test_the_counterpart_is_the_side_that_did_not_create_the_case(self):
        assert case().counterpart_side is Side.requested
        assert case(created_by_side=Side.requested).counterpart_side is Side.requesting

    def test_a_counterpart_outside_comity_makes_the_case_one_sided(self):
        assert not case().one_sided
        assert case(counterpart_uses_comity=False).one_sided


MADRID = Authority(code="ES-MJ", country="ES", time_zone="Europe/Madrid")
BOGOTA = Authority(code="CO-MJD", country="CO", time_zone="America/Bogota")
BARCELONA = Authority(code="ES-FGE-BCN", country="ES", time_zone="Europe/Madrid")


class TestChosenAuthority:
    def test_an_authority_in_the_directory_is_chosen(self):
        check_chosen(BOGOTA, pointer="/requested_authority")

    def test_a_withdrawn_authority_is_refused_naming_the_field(self):
        withdrawn = BOGOTA.model_copy(update={"withdrawn": True})
        with pytest.raises(RuleBroken) as raised:
            check_chosen(withdrawn, pointer="/requested_authority")
        error = raised.value
        assert error.problem_code == "authority-withdrawn"
        assert error.citation == DIRECTORY_CITATION == "Plan of Action 2009, para. 64(b)"
        assert error.errors == (
            FieldIssue(
                pointer="/requested_authority",
                detail="CO-MJD is withdrawn",
                code="authority-withdrawn",
                citation=DIRECTORY_CITATION,
            ),
        )
        assert "CO-MJD" in error.detail and "replaces it" in error.detail

    def test_an_authority_gives_its_calendar(self):
        assert BOGOTA.calendar == Calendar("CO-MJD", "CO", "America/Bogota")


class TestOtherState:
    def test_another_state_is_asked(self):
        check_other_state(MADRID, BOGOTA, pointer="/requested_authority", what="Extradition")

    def test_an_authority_of_the_same_state_is_refused(self):
        with pytest.raises(RuleBroken) as raised:
            check_other_state(
                MADRID, BARCELONA, pointer="/requested_authority", what="Mutual legal assistance"
            )
        error = raised.value
        assert error.problem_code == "same-state"
        assert error.detail.startswith("Mutual legal assistance is asked of another State")
        assert "ES" in error.detail
        assert [(e.pointer, e.code) for e in error.errors] == [
            ("/requested_authority", "same-state")
        ]
