"""The wiring of the legal rules in the extradition domain: which basis gives the figures,
the time limits at arrest (the local date in the requested State; custody limits never
roll), the formal request, its extension and the release, the EAW decision limits and
consent, dual criminality per offence, the court and the executive (a decision dated in
time meets its limit however late it is recorded), refusal, surrender and speciality."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from contracts import extradition as contracts
from services.extradition import domain
from services.extradition.commands import (
    AgreeSurrenderBody,
    ArrestBody,
    ConsentBody,
    CourtRulingBody,
    DualCriminalityBody,
    EawExtensionBody,
    ExecuteSurrenderBody,
    ExtensionBody,
    FormalRequestBody,
    GrantBody,
    GrantScope,
    OffenceAssessmentBody,
    PostponeKind,
    PostponeSurrenderBody,
    RefuseBody,
    RegisterBody,
    SpecialityDecisionBody,
    SpecialityRequestBody,
)
from services.extradition.domain import (
    EAW_DECISION_KINDS,
    FORMAL_REQUEST_KINDS,
    SURRENDER_KINDS,
    Action,
    Arrest,
    Case,
    Consent,
    CourtRuling,
    Grant,
    Offence,
    OffenceEntry,
    RefusalRecord,
    RequestedLaw,
    SpecialityRequest,
    State,
    SurrenderAgreement,
    SurrenderPostponement,
)
from shared.casework.case import Authority, PersonFacts
from shared.casework.deadlines import (
    Calendar,
    Close,
    Deadline,
    DeadlinePlan,
    DeadlineStatus,
    Open,
    closing_status,
)
from shared.casework.errors import (
    CaseConflict,
    InvalidTransition,
    MissingRole,
    NotOnCase,
    RuleBroken,
)
from shared.casework.lifecycle import Act
from shared.casework.outcome import Outcome
from shared.casework.parties import Actor
from shared.casework.schemas import CloseBody, WithdrawBody
from shared.casework.state_machine import Side
from shared.casework.vocabulary import CustodyStatus, PersonKind, PersonRole, ReceivedVia
from shared.legal.consultation import Consultation, ConsultationOutcome, ConsultationTopic
from shared.legal.cooperation import Purpose
from shared.legal.dual_criminality import Finding, Rule
from shared.legal.dual_criminality import Outcome as DualCriminality
from shared.legal.extradition.bases import (
    ExtraditionBasis,
    ExtraditionBasisKind,
    primary_basis,
)
from shared.legal.extradition.grounds import ExtraditionRefusalGround
from shared.legal.extradition.limits import (
    EXTENSION_OF_FORMAL_REQUEST_CITATION,
    RELEASE_CITATION,
    DeadlineKind,
)
from shared.legal.extradition.obligations import ObligationKind, extradite_or_prosecute
from shared.legal.extradition.treaties import US_MX_1978, bilateral_treaties
from shared.legal.offences import OffenceCategory

MX_TZ = ZoneInfo("America/Mexico_City")
MX = Authority(code="MX-FGR", country="MX", time_zone="America/Mexico_City")
US = Authority(code="US-OIA", country="US", time_zone="America/New_York")
ES = Authority(code="ES-MJ", country="ES", time_zone="Europe/Madrid")
CO = Authority(code="CO-MJD", country="CO", time_zone="America/Bogota")
FR = Authority(code="FR-DACG", country="FR", time_zone="Europe/Paris")
C1988 = ExtraditionBasis(kind=ExtraditionBasisKind.c1988, name="1988 Convention")
ECE = ExtraditionBasis(kind=ExtraditionBasisKind.ece, name="ECE")
EAW = ExtraditionBasis(kind=ExtraditionBasisKind.eaw, name="EAW")
MTE = ExtraditionBasis(kind=ExtraditionBasisKind.mte, name="Treaty on the Model Treaty")
UNTOC = ExtraditionBasis(kind=ExtraditionBasisKind.untoc, name="UNTOC")
# Thursday 5 November 2026, 23:30 in Mexico City: Friday 6 November in UTC.
LATE_EVENING = datetime(2026, 11, 5, 23, 30, tzinfo=MX_TZ)
# Thursday 5 November 2026 in Madrid.
MORNING = datetime(2026, 11, 5, 10, tzinfo=UTC)
NOW = datetime(2026, 11, 6, 12, tzinfo=UTC)

OFFICER = frozenset({"case_officer"})
SUPERVISOR = frozenset({"supervisor", "case_officer"})
REQUESTING = Actor(Side.requesting, OFFICER)
REQUESTED = Actor(Side.requested, OFFICER)
SUPERVISING = Actor(Side.requested, SUPERVISOR)
# Who records the step, as the history names them.
BY = "user:officer.mx"
AUTHORITIES = {a.code: a for a in (MX, US, ES, CO, FR)}

PERSON = PersonFacts(
    id=uuid4(),
    kind=PersonKind.natural,
    role=PersonRole.person_sought,
    name="Person sought",
    nationalities=("MX",),
    custody_status=CustodyStatus.at_liberty,
    pseudonym="Person A",
)
WITNESS = PersonFacts(
    id=uuid4(),
    kind=PersonKind.natural,
    role=PersonRole.witness,
    name="A witness",
    custody_status=CustodyStatus.at_liberty,
    pseudonym="Witness A",
)
COCAINE = Offence(
    id=uuid4(),
    conduct="Shipped cocaine to Los Angeles",
    category=OffenceCategory.drug_trafficking,
    provision="21 U.S.C. § 841",
    max_penalty_months=480,
)
LAUNDERING = Offence(
    id=uuid4(),
    conduct="Laundered the proceeds",
    category=OffenceCategory.drug_proceeds_laundering,
    provision="18 U.S.C. § 1956",
    max_penalty_months=240,
)

# The United States asks Mexico; the formal request is with Mexico.
CASE = Case(
    id=uuid4(),
    version=3,
    state=State.under_consideration,
    requesting_authority="US-OIA",
    requesting_country="US",
    requested_authority="MX-FGR",
    requested_country="MX",
    created_by_side=Side.requesting,
    disclosed=True,
    counterpart_uses_comity=True,
    created_at=NOW,
    updated_at=NOW,
    persons=(WITNESS, PERSON),
    person_id=PERSON.id,
    purpose=Purpose.prosecution,
    offences=(COCAINE,),
    legal_bases=(C1988, US_MX_1978),
)
# France asks Spain on a European arrest warrant.
EAW_CASE = CASE.evolve(
    requesting_authority="FR-DACG",
    requesting_country="FR",
    requested_authority="ES-MJ",
    requested_country="ES",
    legal_bases=(EAW,),
)


def act_on(
    case: Case,
    actor: Actor = REQUESTED,
    *,
    now: datetime = NOW,
    when: date | datetime | None = None,
    requesting: Authority | None = None,
    requested: Authority | None = None,
) -> Act[Case]:
    """The case about to change, as the service hands it to the domain: by default
    decided now, with the case's own two authorities."""
    return Act(
        case=case,
        actor=actor,
        now=now,
        when=now if when is None else when,
        requesting=requesting or AUTHORITIES[case.requesting_authority],
        requested=requested or AUTHORITIES[case.requested_authority],
        by=BY,
    )


def event_names(outcome: Outcome[Case]) -> list[str]:
    return [emitted.contract.event for emitted in outcome.events]


def opened(outcome: Outcome[Case]) -> list[DeadlinePlan]:
    return [op.plan for op in outcome.deadlines if isinstance(op, Open)]


def closes(outcome: Outcome[Case]) -> list[Close]:
    return [op for op in outcome.deadlines if isinstance(op, Close)]


def custody(case: Case) -> dict[UUID, CustodyStatus | None]:
    return {p.id: p.custody_status for p in case.persons}


def issues_of(raised: pytest.ExceptionInfo[RuleBroken]) -> list[tuple[str, str]]:
    return [(e.code or "", e.pointer) for e in raised.value.errors]


def stored(plan: DeadlinePlan, *, status: DeadlineStatus = DeadlineStatus.open) -> Deadline:
    """A deadline as the store gives it back to the domain."""
    return Deadline(
        id=uuid4(),
        kind=plan.kind,
        status=status,
        responsible_side=plan.responsible_side,
        calendar=plan.calendar,
        started_at=plan.started_at,
        due_date=plan.due.date,
        due_at=plan.due.instant,
        citation=plan.citation,
        period=plan.period,
    )


def us_mx_arrest_limit() -> Deadline:
    [plan] = domain.arrest_deadlines(
        CASE.legal_bases,
        arrested_at=LATE_EVENING,
        provisional=True,
        requested=MX.calendar,
        requesting=US.calendar,
    )
    return stored(plan)


def eaw_decision_limit() -> Deadline:
    [plan] = domain.arrest_deadlines(
        [EAW],
        arrested_at=MORNING,
        provisional=False,
        requested=ES.calendar,
        requesting=FR.calendar,
    )
    return stored(plan)


PROVISIONALLY_ARRESTED = CASE.evolve(
    state=State.provisionally_arrested,
    provisional_arrest_requested=True,
    formal_request_received_at=None,
    arrest=Arrest(
        arrested_at=LATE_EVENING,
        local_date=date(2026, 11, 5),
        time_zone="America/Mexico_City",
        provisional=True,
    ),
).with_custody(PERSON.id, CustodyStatus.in_custody)


class TestPrimaryBasis:
    def test_a_treaty_gives_the_figures_before_a_convention(self) -> None:
        assert primary_basis([C1988, US_MX_1978]) is US_MX_1978
        assert CASE.basis is US_MX_1978 and not CASE.eaw
        assert EAW_CASE.basis is EAW and EAW_CASE.eaw

    @pytest.mark.parametrize(
        ("bases", "primary"),
        [
            ([UNTOC, US_MX_1978, EAW], EAW),
            ([MTE, ECE], ECE),
            ([C1988, MTE], MTE),
            ([UNTOC, C1988], UNTOC),
        ],
    )
    def test_the_eaw_a_treaty_the_ece_the_model_treaty_then_the_first(
        self, bases: list[ExtraditionBasis], primary: ExtraditionBasis
    ) -> None:
        assert primary_basis(bases) is primary

    def test_a_request_rests_on_a_basis(self) -> None:
        with pytest.raises(ValueError):
            primary_basis([])

    def test_the_demo_treaty_is_known_for_the_pair(self) -> None:
        assert bilateral_treaties("MX", "US") == (US_MX_1978,)
        assert bilateral_treaties("ES", "CO") == ()

    def test_the_treaties_of_one_state_or_of_none_named(self) -> None:
        assert bilateral_treaties("MX") == (US_MX_1978,)
        assert bilateral_treaties("ES") == ()
        assert bilateral_treaties() == (US_MX_1978,)


class TestArrestDeadlines:
    def test_us_mx_60_days_from_the_local_date_of_arrest(self) -> None:
        [plan] = domain.arrest_deadlines(
            [C1988, US_MX_1978],
            arrested_at=LATE_EVENING,
            provisional=True,
            requested=MX.calendar,
            requesting=US.calendar,
        )
        assert plan.kind == "formal_request"
        assert plan.responsible_side is Side.requesting
        # The requesting State's limit, counted on the requested State's calendar.
        assert plan.calendar == Calendar("US-OIA", "MX", "America/Mexico_City")
        assert plan.due.date.isoformat() == "2027-01-04"  # not 5 January (the UTC date)
        assert plan.due.instant == datetime(2027, 1, 4, 23, 59, 59, 999999, tzinfo=MX_TZ)
        assert plan.citation == "Extradition Treaty United States-Mexico (1978), art. 11 (verify)"
        assert plan.rule.roll_to_working_day is False

    def test_mte_40_days_by_default(self) -> None:
        [plan] = domain.arrest_deadlines(
            [MTE],
            arrested_at=LATE_EVENING,
            provisional=True,
            requested=MX.calendar,
            requesting=US.calendar,
        )
        assert plan.period is not None and plan.period.amount == 40

    def test_ece_18_days_possible_release_and_40_at_most(self) -> None:
        plans = domain.arrest_deadlines(
            [ECE],
            arrested_at=MORNING,
            provisional=True,
            requested=ES.calendar,
            requesting=CO.calendar,
        )
        assert [(p.kind, p.period.amount if p.period else None) for p in plans] == [
            ("formal_request_release_possible", 18),
            ("formal_request", 40),
        ]

    def test_eaw_decision_60_days_for_the_requested_state(self) -> None:
        [plan] = domain.arrest_deadlines(
            [EAW],
            arrested_at=MORNING,
            provisional=False,
            requested=ES.calendar,
            requesting=FR.calendar,
        )
        assert (plan.kind, plan.responsible_side) == ("eaw_decision", Side.requested)
        assert plan.calendar == ES.calendar
        assert plan.due.date == date(2027, 1, 4)
        assert "17(3)" in plan.citation

    def test_no_formal_request_limit_when_arrested_on_the_formal_request(self) -> None:
        assert (
            domain.arrest_deadlines(
                [US_MX_1978],
                arrested_at=LATE_EVENING,
                provisional=False,
                requested=MX.calendar,
                requesting=US.calendar,
            )
            == []
        )

    def test_a_treaty_without_its_figure_is_a_422(self) -> None:
        bare = ExtraditionBasis(kind=ExtraditionBasisKind.bilateral_treaty, name="Some treaty")
        with pytest.raises(RuleBroken) as raised:
            domain.arrest_deadlines(
                [bare],
                arrested_at=LATE_EVENING,
                provisional=True,
                requested=MX.calendar,
                requesting=US.calendar,
            )
        assert raised.value.problem_code == "basis-parameter-missing"
        assert issues_of(raised) == [("basis-parameter-missing", "/legal_bases")]
        assert raised.value.citation == "the bilateral treaty named in the legal basis"


def record_arrest(
    case: Case,
    *,
    arrested_at: datetime = LATE_EVENING,
    requesting: Authority = US,
    requested: Authority = MX,
) -> Outcome[Case]:
    return domain.record_arrest(
        act_on(case, requesting=requesting, requested=requested),
        ArrestBody(arrested_at=arrested_at, place="Tijuana"),
    )


class TestRecordingTheArrest:
    def test_a_provisional_arrest_starts_the_formal_request_limit(self) -> None:
        case = CASE.evolve(state=State.provisional_arrest_requested)
        outcome = record_arrest(case)
        assert outcome.case.state is State.provisionally_arrested
        arrest = outcome.case.arrest
        assert arrest is not None and arrest.provisional
        assert arrest.local_date == date(2026, 11, 5)  # Mexico's date, not UTC's
        assert arrest.time_zone == "America/Mexico_City" and arrest.place == "Tijuana"
        # Only the person sought is in custody now.
        assert custody(outcome.case) == {
            PERSON.id: CustodyStatus.in_custody,
            WITNESS.id: CustodyStatus.at_liberty,
        }
        assert event_names(outcome) == ["arrested"]
        assert outcome.details == {"provisional": True}
        [plan] = opened(outcome)
        assert (plan.kind, plan.due.date) == ("formal_request", date(2027, 1, 4))
        assert plan.responsible_side is Side.requesting

    def test_an_arrest_on_the_formal_request_keeps_the_state_and_starts_nothing(self) -> None:
        outcome = record_arrest(CASE)
        assert outcome.case.state is State.under_consideration
        assert outcome.case.arrest is not None and not outcome.case.arrest.provisional
        assert outcome.deadlines == ()

    def test_an_eaw_arrest_starts_the_decision_limit(self) -> None:
        outcome = record_arrest(EAW_CASE, arrested_at=MORNING, requesting=FR, requested=ES)
        [plan] = opened(outcome)
        assert (plan.kind, plan.responsible_side) == ("eaw_decision", Side.requested)
        assert plan.due.date == date(2027, 1, 4)

    def test_an_arrest_in_the_future_is_a_422_at_its_pointer(self) -> None:
        case = CASE.evolve(state=State.provisional_arrest_requested)
        with pytest.raises(RuleBroken) as raised:
            record_arrest(case, arrested_at=NOW + timedelta(minutes=1))
        assert [e.pointer for e in raised.value.errors] == ["/arrested_at"]
        assert raised.value.errors[0].detail == "not in the future"
        record_arrest(case, arrested_at=NOW)  # the very instant is not the future

    def test_a_treaty_without_its_figure_is_a_422_at_the_legal_bases(self) -> None:
        bare = ExtraditionBasis(kind=ExtraditionBasisKind.bilateral_treaty, name="Some treaty")
        case = CASE.evolve(state=State.provisional_arrest_requested, legal_bases=(bare,))
        with pytest.raises(RuleBroken) as raised:
            record_arrest(case)
        assert issues_of(raised) == [("basis-parameter-missing", "/legal_bases")]


class TestFormalRequestExtension:
    def extend(self, new_due_date: date, deadlines: list[Deadline]) -> Outcome[Case]:
        return domain.extend_formal_request_deadline(
            act_on(PROVISIONALLY_ARRESTED),
            ExtensionBody(new_due_date=new_due_date, reason="The translation is late"),
            deadlines=deadlines,
        )

    def test_a_later_date_waives_the_old_limit_and_opens_one_on_that_date(self) -> None:
        current = us_mx_arrest_limit()
        outcome = self.extend(date(2027, 1, 20), [current])
        assert outcome.case == PROVISIONALLY_ARRESTED
        assert event_names(outcome) == ["formal_request_deadline_extended"]
        assert outcome.reason == "The translation is late"
        assert outcome.details == {"new_due_date": "2027-01-20"}
        [close] = closes(outcome)
        assert close.kinds == FORMAL_REQUEST_KINDS and close.waived
        [plan] = opened(outcome)
        assert plan.kind == "formal_request" and plan.responsible_side is Side.requesting
        assert plan.calendar == current.calendar
        assert plan.due.date == date(2027, 1, 20)
        assert plan.due.instant == datetime(2027, 1, 20, 23, 59, 59, 999999, tzinfo=MX_TZ)
        assert plan.rule.roll_to_working_day is False and plan.period is None
        assert plan.started_at == NOW
        assert plan.citation == (
            f"{current.citation}; extended: {EXTENSION_OF_FORMAL_REQUEST_CITATION}"
        )
        # The old limit is waived before the new one opens.
        assert outcome.deadlines == (close, Open(plan))

    @pytest.mark.parametrize(
        "new_due_date", [date(2027, 1, 4), date(2027, 1, 3), date(2026, 12, 1)]
    )
    def test_an_extension_moves_the_date_later(self, new_due_date: date) -> None:
        with pytest.raises(RuleBroken) as raised:
            self.extend(new_due_date, [us_mx_arrest_limit()])
        assert raised.value.problem_code == "extension-not-later"
        assert issues_of(raised) == [("extension-not-later", "/new_due_date")]
        assert raised.value.citation == EXTENSION_OF_FORMAL_REQUEST_CITATION

    def test_the_release_limit_is_extended_not_the_earlier_one(self) -> None:
        plans = domain.arrest_deadlines(
            [ECE],
            arrested_at=MORNING,
            provisional=True,
            requested=ES.calendar,
            requesting=CO.calendar,
        )
        # 18 days: 23 November; 40 days: 15 December. Later than the first is not enough.
        running = [stored(p) for p in plans]
        with pytest.raises(RuleBroken):
            self.extend(date(2026, 12, 1), running)
        assert opened(self.extend(date(2026, 12, 20), running))[0].due.date == date(2026, 12, 20)

    @pytest.mark.parametrize("deadlines", [[], [eaw_decision_limit()]])
    def test_without_a_running_limit_it_is_a_409(self, deadlines: list[Deadline]) -> None:
        with pytest.raises(CaseConflict):
            self.extend(date(2027, 1, 20), deadlines)

    def test_a_limit_already_met_is_not_extended(self) -> None:
        with pytest.raises(CaseConflict):
            self.extend(
                date(2027, 1, 20), [replace(us_mx_arrest_limit(), status=DeadlineStatus.met)]
            )


class TestRelease:
    def release(self, now: datetime, deadlines: list[Deadline]) -> Outcome[Case]:
        return domain.release(act_on(PROVISIONALLY_ARRESTED, now=now), deadlines=deadlines)

    @pytest.mark.parametrize(
        "now",
        [
            datetime(2027, 1, 4, 23, tzinfo=MX_TZ),  # the last day of the limit
            datetime(2027, 1, 4, 23, 59, 59, 999999, tzinfo=MX_TZ),  # its last instant
            datetime(2027, 1, 5, 5, 30, tzinfo=UTC),  # 5 January in UTC, still 4th in Mexico
        ],
    )
    def test_not_before_the_formal_request_limit_has_passed(self, now: datetime) -> None:
        limit = us_mx_arrest_limit()
        with pytest.raises(CaseConflict) as raised:
            self.release(now, [limit])
        assert raised.value.problem_code == "formal-request-limit-not-passed"
        assert raised.value.citation == limit.citation
        # The due instant as the officer reads it: in the requested State's time zone.
        assert "due at 2027-01-04T23:59:59.999999-06:00" in raised.value.detail

    def test_without_a_running_limit_it_cites_where_release_is_provided_for(self) -> None:
        met = replace(us_mx_arrest_limit(), status=DeadlineStatus.met)
        for deadlines in ([], [met]):
            with pytest.raises(CaseConflict) as raised:
                self.release(NOW, deadlines)
            assert raised.value.problem_code == "formal-request-limit-not-passed"
            assert raised.value.citation == RELEASE_CITATION

    def test_once_it_has_passed_the_person_is_released(self) -> None:
        limit = us_mx_arrest_limit()
        outcome = self.release(datetime(2027, 1, 5, 0, 0, 1, tzinfo=MX_TZ), [limit])
        assert outcome.case.state is State.released
        assert custody(outcome.case) == {
            PERSON.id: CustodyStatus.at_liberty,
            WITNESS.id: CustodyStatus.at_liberty,
        }
        assert event_names(outcome) == ["released"]
        # The limit is closed as it stands (breached by the requesting State), not waived.
        assert outcome.deadlines == (
            Close(FORMAL_REQUEST_KINDS, "formal request not received", waived=False),
        )
        assert any(limit.citation in note for note in outcome.notes)

    def test_only_after_a_provisional_arrest(self) -> None:
        with pytest.raises(InvalidTransition):
            domain.release(act_on(CASE), deadlines=[us_mx_arrest_limit()])


def record_consent(
    case: Case, *, consented_at: datetime = NOW, requested: Authority | None = None
) -> Outcome[Case]:
    return domain.record_consent(
        act_on(case, requested=requested),
        ConsentBody(consented_at=consented_at, before="Juzgado de Distrito"),
    )


class TestConsent:
    def test_eaw_consent_replaces_the_60_days_with_10(self) -> None:
        consented_at = datetime(2026, 11, 6, 9, tzinfo=UTC)
        outcome = record_consent(EAW_CASE, consented_at=consented_at, requested=ES)
        assert outcome.case.state is State.consented
        assert event_names(outcome) == ["consent_recorded"]
        formal, decision = closes(outcome)
        assert formal.kinds == FORMAL_REQUEST_KINDS and formal.waived
        assert decision.kinds == frozenset({DeadlineKind.eaw_decision}) and decision.waived
        assert "17(2)" in decision.reason
        [plan] = opened(outcome)
        assert plan.kind == "eaw_decision_after_consent"
        assert plan.responsible_side is Side.requested and plan.calendar == ES.calendar
        assert plan.period is not None and plan.period.amount == 10
        assert plan.due.date == date(2026, 11, 16)
        assert "17(2)" in plan.citation
        consent = outcome.case.consent
        assert consent is not None and consent.consented_at == consented_at
        assert "Framework Decision 2002/584/JHA" in consent.citation
        assert "17(2)" in consent.citation and "Model Law" not in consent.citation
        assert any(consent.citation in note for note in outcome.notes)

    def test_elsewhere_the_model_law_and_no_formal_request_awaited(self) -> None:
        outcome = record_consent(PROVISIONALLY_ARRESTED)
        assert outcome.case.state is State.consented
        consent = outcome.case.consent
        assert consent is not None
        assert consent.citation == "UNODC Model Law on Extradition (2004), s. 27"
        assert outcome.deadlines == (
            Close(FORMAL_REQUEST_KINDS, "consent to simplified surrender", waived=True),
        )

    def test_consent_in_the_future_is_a_422_at_its_pointer(self) -> None:
        with pytest.raises(RuleBroken) as raised:
            record_consent(CASE, consented_at=NOW + timedelta(seconds=1))
        assert [e.pointer for e in raised.value.errors] == ["/consented_at"]


def extend_eaw(
    limit: Deadline, reasons: str | None = "Guarantees awaited", *, validated: bool = True
) -> Outcome[Case]:
    """``validated=False``: the body as the domain might receive it unchecked (the API
    strips blank text to nothing and refuses it before the domain sees it)."""
    body = (
        EawExtensionBody(reasons=reasons)
        if validated
        else EawExtensionBody.model_construct(reasons=reasons)
    )
    return domain.extend_eaw_decision(act_on(EAW_CASE), body, deadlines=[limit])


def after_consent_limit() -> Deadline:
    outcome = record_consent(EAW_CASE, consented_at=MORNING, requested=ES)
    [plan] = opened(outcome)
    return stored(plan)


class TestEawExtension:
    @pytest.mark.parametrize(
        ("limit", "days", "due"),
        [
            (eaw_decision_limit, 90, date(2027, 2, 3)),
            (after_consent_limit, 40, date(2026, 12, 15)),
        ],
    )
    def test_once_by_30_days_with_reasons(
        self, limit: Callable[[], Deadline], days: int, due: date
    ) -> None:
        current = limit()
        outcome = extend_eaw(current)
        assert event_names(outcome) == ["eaw_decision_extended"]
        assert outcome.reason == "Guarantees awaited"
        [close] = closes(outcome)
        assert close.kinds == frozenset({current.kind}) and close.waived
        [plan] = opened(outcome)
        assert plan.kind == current.kind and plan.responsible_side is Side.requested
        assert plan.period is not None and plan.period.amount == days
        assert plan.started_at == current.started_at and plan.calendar == current.calendar
        assert plan.due.date == due
        assert "17(4)" in plan.citation and current.citation in plan.citation

    @pytest.mark.parametrize(
        ("limit", "days"), [(eaw_decision_limit, 90), (after_consent_limit, 40)]
    )
    def test_an_extended_limit_is_not_extended_again(
        self, limit: Callable[[], Deadline], days: int
    ) -> None:
        extended = stored(opened(extend_eaw(limit()))[0])
        assert extended.period is not None and extended.period.amount == days
        with pytest.raises(RuleBroken) as raised:
            extend_eaw(extended)
        assert raised.value.problem_code == "extension-not-available"
        assert raised.value.citation is not None and "17(4)" in raised.value.citation

    @pytest.mark.parametrize("reasons", [None, "  "])
    def test_the_reasons_are_given(self, reasons: str | None) -> None:
        with pytest.raises(RuleBroken) as raised:
            extend_eaw(eaw_decision_limit(), reasons, validated=False)
        assert issues_of(raised) == [("reasons-required", "/reasons")]

    def test_blank_reasons_are_refused_by_the_body_too(self) -> None:
        with pytest.raises(ValidationError):
            EawExtensionBody(reasons="  ")

    def test_every_problem_at_once(self) -> None:
        extended = stored(opened(extend_eaw(eaw_decision_limit()))[0])
        with pytest.raises(RuleBroken) as raised:
            extend_eaw(extended, None)
        assert [code for code, _ in issues_of(raised)] == [
            "extension-not-available",
            "reasons-required",
        ]

    @pytest.mark.parametrize(
        "deadlines",
        [
            [],
            [us_mx_arrest_limit()],
            # The formal-request limit is no decision limit; a decision limit met is not running.
            [us_mx_arrest_limit(), replace(eaw_decision_limit(), status=DeadlineStatus.met)],
        ],
    )
    def test_without_a_running_decision_limit_it_is_a_409(self, deadlines: list[Deadline]) -> None:
        with pytest.raises(CaseConflict):
            domain.extend_eaw_decision(
                act_on(EAW_CASE), EawExtensionBody(reasons="Guarantees"), deadlines=deadlines
            )


MEXICAN_LAW = RequestedLaw(
    requested_provision="Código Penal Federal, art. 194",
    requested_max_penalty_months=300,
    conduct_punishable_in_requested_state=True,
)


def entered(offence: Offence = COCAINE, index: int = 0, **law: object) -> OffenceEntry:
    return OffenceEntry(
        offence_id=offence.id,
        requested=MEXICAN_LAW.model_copy(update=law),
        pointer=f"/offences/{index}/offence_id",
    )


def assessed(offence: Offence = COCAINE, **law: object) -> OffenceAssessmentBody:
    """What the officer enters for one offence, as the API receives it."""
    return OffenceAssessmentBody(
        offence_id=offence.id, **MEXICAN_LAW.model_copy(update=law).model_dump()
    )


class TestDualCriminality:
    def test_satisfied_under_the_treaty_threshold(self) -> None:
        outcome, [result] = domain.assess_offences(CASE, [entered()])
        assert outcome is DualCriminality.satisfied
        assert result.offence_id == COCAINE.id and result.requested == MEXICAN_LAW
        assert any("art. 2" in c for c in result.citations)

    def test_one_offence_below_the_threshold_decides_the_request(self) -> None:
        case = CASE.evolve(offences=(COCAINE, LAUNDERING))
        outcome, results = domain.assess_offences(
            case, [entered(), entered(LAUNDERING, 1, requested_max_penalty_months=8)]
        )
        assert outcome is DualCriminality.not_satisfied
        assert [(r.offence_id, r.outcome) for r in results] == [
            (COCAINE.id, DualCriminality.satisfied),
            (LAUNDERING.id, DualCriminality.not_satisfied),
        ]

    def test_life_imprisonment_meets_the_treaty_threshold_of_twelve_months(self) -> None:
        life = COCAINE.model_copy(update={"max_penalty_months": "life"})
        outcome, [result] = domain.assess_offences(
            CASE.evolve(offences=(life,)), [entered(life, requested_max_penalty_months="life")]
        )
        assert outcome is DualCriminality.satisfied
        penalties = {
            r.rule: r
            for r in result.reasons
            if r.rule in (Rule.penalty_requesting_state, Rule.penalty_requested_state)
        }
        assert len(penalties) == 2
        for reason in penalties.values():
            assert reason.finding is Finding.met
            assert "life imprisonment, at least 12 months (1 year)" in reason.message

    def test_enforcement_with_too_little_left_under_the_treaty(self) -> None:
        case = CASE.evolve(
            purpose=Purpose.enforcement, sentence_imposed_months=24, sentence_remaining_months=3
        )
        outcome, _ = domain.assess_offences(case, [entered()])
        assert outcome is DualCriminality.not_satisfied

    @pytest.mark.parametrize(
        "entries",
        [[entered(requested_max_penalty_months=None, requested_provision=None)], []],
    )
    def test_missing_facts_need_review(self, entries: list[OffenceEntry]) -> None:
        outcome, _ = domain.assess_offences(CASE, entries)
        assert outcome is DualCriminality.needs_review

    def test_an_offence_not_on_the_request_is_a_422_at_its_pointer(self) -> None:
        stranger = Offence(id=uuid4(), conduct="x", provision="y")
        with pytest.raises(RuleBroken) as raised:
            domain.assess_offences(CASE, [entered(), entered(stranger, 1)])
        assert issues_of(raised) == [("unknown-offence", "/offences/1/offence_id")]

    def test_each_assessment_is_a_new_version_that_keeps_what_was_entered(self) -> None:
        first = domain.assess(act_on(CASE), DualCriminalityBody(offences=[assessed()]))
        [assessment] = first.case.dual_criminality
        assert (assessment.version, assessment.outcome) == (1, DualCriminality.satisfied)
        assert assessment.assessed_by == BY and assessment.assessed_at == NOW
        [result] = assessment.offences
        assert result.offence_id == COCAINE.id and result.requested == MEXICAN_LAW
        assert event_names(first) == ["dual_criminality_assessed"]
        [emitted] = first.events
        assert emitted.data() == {
            "assessment_version": 1,
            "outcome": "satisfied",
            "rules_version": assessment.rules_version,
        }
        assert first.details == {"version": 1, "outcome": "satisfied"}
        # Re-run with nothing new: the law entered last time still counts.
        second = domain.assess(act_on(first.case), DualCriminalityBody())
        assert [(a.version, a.outcome) for a in second.case.dual_criminality] == [
            (1, DualCriminality.satisfied),
            (2, DualCriminality.satisfied),
        ]
        assert second.case.dual_criminality[1].offences[0].requested == MEXICAN_LAW

    def test_an_offence_entered_that_is_not_on_the_request_is_a_422_at_its_entry(self) -> None:
        stranger = Offence(conduct="x", provision="y")
        with pytest.raises(RuleBroken) as raised:
            domain.assess(
                act_on(CASE), DualCriminalityBody(offences=[assessed(), assessed(stranger)])
            )
        assert issues_of(raised) == [("unknown-offence", "/offences/1/offence_id")]

    def test_the_requesting_state_does_not_assess(self) -> None:
        with pytest.raises(InvalidTransition):
            domain.assess(act_on(CASE, REQUESTING), DualCriminalityBody(offences=[assessed()]))


def court_ruling(
    case: Case = CASE,
    /,
    *,
    now: datetime = NOW,
    requested: Authority | None = None,
    **changes: object,
) -> Outcome[Case]:
    body = CourtRulingBody.model_validate(
        {
            "admissible": True,
            "deciding_body": "Juzgado Primero de Distrito",
            "reference": "EXT-12/2026",
            "decided_on": date(2026, 11, 6),
            "appeal_deadline": date(2026, 11, 20),
            "final_on": None,
            "note": None,
            **changes,
        }
    )
    return domain.record_court_ruling(act_on(case, now=now, requested=requested), body)


class TestCourtRuling:
    def test_admissible_leaves_the_surrender_to_the_executive(self) -> None:
        outcome = court_ruling(note="Extraditable")
        assert outcome.case.state is State.admissible
        [ruling] = outcome.case.decisions
        assert isinstance(ruling, CourtRuling) and ruling.decision == "court_ruling"
        # A new record: its own id, written now by the one who acts.
        assert (ruling.recorded_at, ruling.recorded_by) == (NOW, BY)
        assert ruling.admissible and ruling.reference == "EXT-12/2026"
        assert ruling.decided_on == date(2026, 11, 6)
        assert ruling.appeal_deadline == date(2026, 11, 20) and ruling.note == "Extraditable"
        assert event_names(outcome) == ["court_ruling_recorded"]
        assert outcome.events[0].data() == {
            "decision_id": ruling.id,
            "decision": "court_ruling",
            "deciding_body": "Juzgado Primero de Distrito",
            "final_on": None,
        }
        assert outcome.reason == "Extraditable"

    def test_not_admissible_keeps_the_state(self) -> None:
        outcome = court_ruling(PROVISIONALLY_ARRESTED, admissible=False)
        assert outcome.case.state is State.provisionally_arrested
        assert len(outcome.case.decisions) == 1

    def test_each_ruling_is_a_record_of_its_own(self) -> None:
        first = court_ruling(PROVISIONALLY_ARRESTED, admissible=False)
        second = court_ruling(first.case, admissible=True)
        assert second.case.state is State.admissible
        earlier, later = second.case.decisions
        assert earlier == first.case.decisions[0]
        assert earlier.id != later.id
        assert second.events[0].data()["decision_id"] == later.id

    @pytest.mark.parametrize(
        ("changes", "pointer"),
        [
            ({"decided_on": date(2026, 11, 7)}, "/decided_on"),
            ({"final_on": date(2026, 11, 7)}, "/final_on"),
        ],
    )
    def test_a_ruling_in_the_future_is_a_422_at_its_pointer(
        self, changes: dict[str, Any], pointer: str
    ) -> None:
        with pytest.raises(RuleBroken) as raised:
            court_ruling(**changes)
        assert [e.pointer for e in raised.value.errors] == [pointer]


def grant_body(**changes: object) -> GrantBody:
    return GrantBody.model_validate(
        {
            "deciding_body": "Secretaría de Relaciones Exteriores",
            "reference": "SRE-1",
            "decided_on": date(2026, 11, 5),
            "scope": GrantScope.whole,
            "offence_ids": [],
            "conditions": [],
            "simplified": False,
            "appeal_deadline": None,
            "final_on": None,
            **changes,
        }
    )


def grant(
    case: Case = CASE,
    /,
    *,
    now: datetime = NOW,
    requested: Authority | None = None,
    **changes: object,
) -> Outcome[Case]:
    return domain.grant(act_on(case, now=now, requested=requested), grant_body(**changes))


class TestGrant:
    @pytest.mark.parametrize("record", [grant, court_ruling])
    def test_a_decision_becomes_final_on_or_after_the_day_it_is_taken(
        self, record: Callable[..., Outcome[Case]]
    ) -> None:
        case = ADMISSIBLE if record is grant else CASE
        with pytest.raises(RuleBroken) as raised:
            record(case, decided_on=date(2026, 11, 5), final_on=date(2026, 11, 4))
        assert issues_of(raised) == [("", "/final_on")]
        assert raised.value.problem_code == "rule-broken"
        assert record(case, decided_on=date(2026, 11, 5), final_on=date(2026, 11, 5))

    def test_a_decision_dated_in_time_meets_the_limit_however_late_it_is_recorded(self) -> None:
        limit = eaw_decision_limit()
        assert limit.due_date == date(2027, 1, 4)
        months_later = datetime(2027, 5, 3, 9, tzinfo=UTC)
        for final_on, status in [
            (date(2026, 12, 20), DeadlineStatus.met),
            (date(2027, 1, 4), DeadlineStatus.met),
            (date(2027, 1, 5), DeadlineStatus.breached),
        ]:
            outcome = grant(
                EAW_CASE,
                now=months_later,
                requested=ES,
                decided_on=date(2026, 12, 18),
                final_on=final_on,
            )
            [close] = closes(outcome)
            assert close.kinds == EAW_DECISION_KINDS and not close.waived
            assert close.when == final_on
            assert (
                closing_status(close.when, due_date=limit.due_date, due_at=limit.due_at) is status
            )
        # Judged on the day it was recorded, the same decision would have been late.
        assert (
            closing_status(months_later, due_date=limit.due_date, due_at=limit.due_at)
            is DeadlineStatus.breached
        )

    def test_without_a_final_date_the_day_it_was_taken_counts(self) -> None:
        [close] = closes(grant(EAW_CASE, requested=ES, decided_on=date(2026, 11, 4)))
        assert close.when == date(2026, 11, 4)

    def test_the_eaw_surrender_limit_runs_from_the_final_decision(self) -> None:
        outcome = grant(EAW_CASE, requested=ES, final_on=date(2026, 11, 5))
        [plan] = opened(outcome)
        assert plan.kind == "surrender" and plan.responsible_side is Side.requested
        assert plan.started_at == datetime(2026, 11, 5, 12, tzinfo=ZoneInfo("Europe/Madrid"))
        assert plan.due.date.isoformat() == "2026-11-15"  # a Sunday: custody limits never roll
        assert "23(2)" in plan.citation

    def test_no_surrender_limit_without_the_figure(self) -> None:
        assert opened(grant()) == []

    def test_a_whole_grant_covers_every_offence(self) -> None:
        case = CASE.evolve(offences=(COCAINE, LAUNDERING))
        outcome = grant(case, final_on=date(2026, 11, 6))
        assert outcome.case.state is State.granted
        [record] = outcome.case.decisions
        assert isinstance(record, Grant) and record.decision == "executive_grant"
        assert set(record.offence_ids) == {COCAINE.id, LAUNDERING.id}
        assert not record.simplified
        assert (record.recorded_at, record.recorded_by) == (NOW, BY)
        assert (record.deciding_body, record.reference) == (
            "Secretaría de Relaciones Exteriores",
            "SRE-1",
        )
        assert record.scope is GrantScope.whole and record.conditions == ()
        assert event_names(outcome) == ["granted"]
        assert outcome.events[0].data() == {
            "decision_id": record.id,
            "decision": "executive_grant",
            "deciding_body": "Secretaría de Relaciones Exteriores",
            "final_on": date(2026, 11, 6),
        }

    def test_after_consent_the_grant_is_simplified(self) -> None:
        consent = Consent(consented_at=NOW, before="Juzgado", citation="s. 27")
        [record] = grant(CASE.evolve(state=State.consented, consent=consent)).case.decisions
        assert isinstance(record, Grant) and record.simplified

    def test_a_partial_grant_names_its_offences(self) -> None:
        case = CASE.evolve(offences=(COCAINE, LAUNDERING))
        outcome = grant(case, scope=GrantScope.partial, offence_ids=[LAUNDERING.id])
        [record] = outcome.case.decisions
        assert isinstance(record, Grant) and record.offence_ids == (LAUNDERING.id,)
        assert record.scope is GrantScope.partial

    def test_a_conditional_grant_names_its_conditions(self) -> None:
        outcome = grant(scope=GrantScope.conditional, conditions=["No death penalty"])
        [record] = outcome.case.decisions
        assert isinstance(record, Grant) and record.conditions == ("No death penalty",)
        assert record.offence_ids == (COCAINE.id,)

    @pytest.mark.parametrize(
        ("changes", "issue"),
        [
            ({"scope": GrantScope.partial}, ("", "/offence_ids")),
            ({"scope": GrantScope.conditional}, ("", "/conditions")),
            (
                {"scope": GrantScope.partial, "offence_ids": [COCAINE.id, uuid4()]},
                ("unknown-offence", "/offence_ids/1"),
            ),
            ({"decided_on": date(2026, 11, 7)}, ("", "/decided_on")),
            ({"final_on": date(2026, 11, 7)}, ("", "/final_on")),
        ],
    )
    def test_what_a_grant_needs(self, changes: dict[str, Any], issue: tuple[str, str]) -> None:
        with pytest.raises(RuleBroken) as raised:
            grant(**changes)
        assert issues_of(raised) == [issue]

    def test_the_requesting_state_does_not_grant(self) -> None:
        with pytest.raises(InvalidTransition):
            domain.grant(act_on(CASE, REQUESTING), grant_body(deciding_body="x", reference="y"))


def consulted(
    topic: ConsultationTopic = ConsultationTopic.before_refusal,
    *,
    heard: bool = True,
    closed: bool = False,
    outcome: ConsultationOutcome | None = None,
) -> Consultation:
    return Consultation(topic=topic, closed=closed, outcome=outcome, requesting_state_heard=heard)


G = ExtraditionRefusalGround
ADMISSIBLE = CASE.evolve(state=State.admissible).with_custody(PERSON.id, CustodyStatus.in_custody)
A_US_NATIONAL = ADMISSIBLE.evolve(
    persons=(WITNESS, PERSON.model_copy(update={"nationalities": ("US",)}))
)


REFUSAL: dict[str, object] = {
    "grounds": [G.nationality],
    "reasons": "Mexican national",
    "deciding_body": "Secretaría de Relaciones Exteriores",
    "reference": "SRE-2",
}


def refuse(
    case: Case = ADMISSIBLE,
    actor: Actor = SUPERVISING,
    /,
    *,
    consultations: list[Consultation] | None = None,
    **changes: object,
) -> Outcome[Case]:
    return domain.refuse(
        act_on(case, actor),
        RefuseBody.model_validate({**REFUSAL, **changes}),
        consultations=[consulted()] if consultations is None else consultations,
    )


def refusal(**changes: Any) -> list[str]:
    """The codes of what the refusal breaks; [] when it is recorded."""
    case = changes.pop("case", ADMISSIBLE)
    assert isinstance(case, Case)
    try:
        outcome = refuse(case, **changes)
    except RuleBroken as error:
        return [e.code or "" for e in error.errors]
    assert outcome.case.state is State.refused
    return []


class TestRefusal:
    @pytest.mark.parametrize(
        ("changes", "codes"),
        [
            ({}, []),
            ({"grounds": [G.fiscal_offence]}, ["forbidden-refusal-ground"]),
            # Drug trafficking is not a political offence (1988 art. 3(10)).
            ({"grounds": [G.political_offence]}, ["political-offence-excluded"]),
            ({"grounds": []}, ["refusal-ground-required"]),
            ({"reasons": None}, ["reasons-required"]),
            ({"consultations": []}, ["consultation-required"]),
            ({"consultations": [], "no_consultation_reason": "Heard in court"}, []),
            # The refusing side's own message: the requesting State was not heard yet.
            ({"consultations": [consulted(heard=False)]}, ["consultation-required"]),
            (
                {
                    "consultations": [
                        consulted(
                            heard=False, closed=True, outcome=ConsultationOutcome.no_longer_needed
                        )
                    ]
                },
                ["consultation-required"],
            ),
            (
                {
                    "consultations": [
                        consulted(
                            heard=False, closed=True, outcome=ConsultationOutcome.no_agreement
                        )
                    ]
                },
                [],
            ),
            # A consultation on another question does not count for the refusal.
            (
                {"consultations": [consulted(ConsultationTopic.before_postponement)]},
                ["consultation-required"],
            ),
            (
                {"consultations": [consulted(heard=False), consulted(heard=True)]},
                [],
            ),
            ({"case": A_US_NATIONAL}, ["nationality-ground-not-met"]),
            ({"case": A_US_NATIONAL, "grounds": [G.torture]}, []),
        ],
    )
    def test_what_a_refusal_needs(self, changes: dict[str, object], codes: list[str]) -> None:
        assert refusal(**changes) == codes

    def test_a_blank_reason_for_no_consultation_is_no_reason(self) -> None:
        # The API strips it to nothing and refuses it; the rule of law refuses it too.
        with pytest.raises(ValidationError):
            RefuseBody.model_validate({**REFUSAL, "no_consultation_reason": "  "})
        blank = RefuseBody.model_construct(**REFUSAL, no_consultation_reason="  ")  # type: ignore[arg-type]
        with pytest.raises(RuleBroken) as raised:
            domain.refuse(act_on(ADMISSIBLE, SUPERVISING), blank, consultations=[])
        assert issues_of(raised) == [("consultation-required", "/no_consultation_reason")]

    @pytest.mark.parametrize(
        ("changes", "pointer"),
        [
            ({}, "/no_consultation_reason"),
            # The consultation named was not one that counts: the problem is at its id.
            ({"consultation_id": uuid4()}, "/consultation_id"),
        ],
    )
    def test_the_consultation_missing_points_where_the_reason_goes(
        self, changes: dict[str, object], pointer: str
    ) -> None:
        with pytest.raises(RuleBroken) as raised:
            refuse(consultations=[], **changes)
        assert issues_of(raised) == [("consultation-required", pointer)]
        assert raised.value.citation is not None and "16(16)" in raised.value.citation

    def test_every_rule_of_law_is_answered_before_the_role(self) -> None:
        with pytest.raises(RuleBroken) as raised:
            refuse(
                A_US_NATIONAL,
                REQUESTED,
                grounds=[G.nationality, G.fiscal_offence],
                consultations=[consulted(heard=False)],
            )
        assert issues_of(raised) == [
            ("forbidden-refusal-ground", "/grounds/1"),
            ("consultation-required", "/no_consultation_reason"),
            ("nationality-ground-not-met", "/grounds/0"),
        ]
        assert raised.value.problem_code == "forbidden-refusal-ground"
        # All in order: the officer learns the supervisor records it.
        with pytest.raises(MissingRole):
            refuse(ADMISSIBLE, REQUESTED)

    def test_the_state_is_checked_before_the_rules_of_law(self) -> None:
        with pytest.raises(InvalidTransition):
            refuse(ADMISSIBLE.evolve(state=State.granted), grounds=[G.fiscal_offence])
        with pytest.raises(InvalidTransition):
            refuse(ADMISSIBLE, Actor(Side.requesting, SUPERVISOR))

    def test_a_refusal_on_nationality_obliges_to_prosecute(self) -> None:
        outcome = refuse()
        case = outcome.case
        assert case.state is State.refused
        assert custody(case) == {
            PERSON.id: CustodyStatus.at_liberty,
            WITNESS.id: CustodyStatus.at_liberty,
        }
        [record] = case.decisions
        assert isinstance(record, RefusalRecord)
        assert record.grounds == (G.nationality,) and record.consultation_held
        assert (record.recorded_at, record.recorded_by) == (NOW, BY)
        assert (record.deciding_body, record.reference) == (
            "Secretaría de Relaciones Exteriores",
            "SRE-2",
        )
        assert record.reasons == "Mexican national" and record.no_consultation_reason is None
        assert [o.kind for o in record.obligations] == [ObligationKind.submit_for_prosecution]
        # Whatever ran for the person in custody is no longer owed.
        assert outcome.deadlines == (Close(None, "extradition refused", waived=True),)
        assert outcome.details == {"grounds": ["nationality"], "consultation_held": True}
        assert outcome.reason == "Mexican national"
        assert event_names(outcome) == ["refused"]
        fields = outcome.events[0].data()
        assert fields["grounds"] == ["nationality"]
        assert fields["consultation_held"] is True
        assert fields["enforcement_of_sentence"] is False
        assert fields["extradite_or_prosecute"] is True
        [obligation] = fields["obligations"]
        assert obligation.kind == "submit_for_prosecution"
        assert "16(10)" in obligation.citation
        assert obligation.citation in fields["citations"]
        assert any("s. 11" in c for c in fields["citations"])

    def test_for_a_sentence_the_obligation_is_to_consider_enforcing_it(self) -> None:
        case = ADMISSIBLE.evolve(
            purpose=Purpose.enforcement, sentence_imposed_months=120, sentence_remaining_months=96
        )
        fields = refuse(case).events[0].data()
        assert fields["enforcement_of_sentence"] is True and fields["extradite_or_prosecute"]
        [obligation] = fields["obligations"]
        assert obligation.kind == "consider_enforcing_sentence"
        assert "16(12)" in obligation.citation

    def test_no_obligation_without_the_nationality_ground(self) -> None:
        outcome = refuse(grounds=[G.torture], consultations=[], no_consultation_reason="Urgent")
        fields = outcome.events[0].data()
        assert fields["obligations"] == [] and fields["extradite_or_prosecute"] is False
        assert fields["consultation_held"] is False
        [record] = outcome.case.decisions
        assert isinstance(record, RefusalRecord)
        assert record.obligations == () and record.no_consultation_reason == "Urgent"

    def test_extradite_or_prosecute(self) -> None:
        [prosecute] = extradite_or_prosecute(nationality=True, purpose=Purpose.prosecution)
        assert prosecute.kind == "submit_for_prosecution" and "16(10)" in prosecute.citation
        [enforce] = extradite_or_prosecute(nationality=True, purpose=Purpose.enforcement)
        assert enforce.kind == "consider_enforcing_sentence" and "16(12)" in enforce.citation
        assert extradite_or_prosecute(nationality=False, purpose=Purpose.prosecution) == ()


GRANTED = EAW_CASE.evolve(state=State.granted)


AGREED: dict[str, object] = {
    "date": date(2026, 11, 20),
    "place": "Madrid-Barajas",
    "escorting_authority": "Police nationale",
}


def agreement(**changes: object) -> SurrenderAgreement:
    """The agreement as the case keeps it."""
    return SurrenderAgreement.model_validate({**AGREED, **changes})


def agree_surrender(case: Case, actor: Actor, **changes: object) -> Outcome[Case]:
    body = AgreeSurrenderBody.model_validate({**AGREED, **changes})
    return domain.agree_surrender(act_on(case, actor), body)


POSTPONEMENT = PostponeSurrenderBody(
    kind=PostponeKind.temporary, reasons="Prosecuted here first", until=date(2027, 6, 1)
)


class TestSurrender:
    def test_an_agreement_sets_date_and_place(self) -> None:
        outcome = agree_surrender(GRANTED, REQUESTING)
        assert outcome.case.state is State.surrender_agreed
        surrender = outcome.case.surrender
        assert surrender is not None and surrender.agreed == agreement()
        assert surrender.earlier_agreements == ()
        assert event_names(outcome) == ["surrender_agreed"]
        assert outcome.deadlines == ()

    def test_eaw_10_days_from_the_new_date_when_surrender_was_prevented(self) -> None:
        first = agree_surrender(GRANTED, REQUESTED)
        new = agreement(date=date(2026, 11, 20), prevented_reason="Strike at the airport")
        outcome = agree_surrender(
            first.case, REQUESTED, date=date(2026, 11, 20), prevented_reason="Strike at the airport"
        )
        assert outcome.case.state is State.surrender_agreed
        surrender = outcome.case.surrender
        assert surrender is not None
        assert surrender.agreed == new and surrender.earlier_agreements == (agreement(),)
        [close] = closes(outcome)
        assert close.kinds == SURRENDER_KINDS and close.waived
        [plan] = opened(outcome)
        assert plan.kind == "surrender_new_date" and plan.responsible_side is Side.requested
        assert plan.due.date.isoformat() == "2026-11-30" and "23(3)" in plan.citation
        assert outcome.reason == "Strike at the airport"

    def test_no_limit_of_its_own_elsewhere(self) -> None:
        case = CASE.evolve(state=State.granted)
        outcome = agree_surrender(case, REQUESTED, prevented_reason="Strike")
        assert outcome.deadlines == ()
        assert outcome.case.surrender is not None
        assert outcome.case.surrender.agreed == agreement(prevented_reason="Strike")

    def test_a_postponement_needs_a_supervisor_and_waives_the_surrender_limits(self) -> None:
        postponement = SurrenderPostponement(
            kind=PostponeKind.temporary, reasons="Prosecuted here first", until=date(2027, 6, 1)
        )
        with pytest.raises(MissingRole):
            domain.postpone_surrender(act_on(GRANTED, REQUESTED), POSTPONEMENT)
        outcome = domain.postpone_surrender(act_on(GRANTED, SUPERVISING), POSTPONEMENT)
        assert outcome.case.state is State.granted
        surrender = outcome.case.surrender
        assert surrender is not None and surrender.postponements == (postponement,)
        [kept] = surrender.postponements
        assert "s. 29" in kept.citation and "s. 30" in kept.citation
        assert outcome.reason == "Prosecuted here first"
        # The limit of a new date agreed after surrender was prevented stops too.
        assert outcome.deadlines == (Close(SURRENDER_KINDS, "surrender temporary", waived=True),)
        assert event_names(outcome) == ["surrender_postponed"]

    def test_the_surrender_meets_its_limit_when_it_happened(self) -> None:
        surrendered_at = datetime(2026, 11, 6, 8, tzinfo=UTC)
        outcome = domain.execute_surrender(
            act_on(GRANTED, requested=ES),
            ExecuteSurrenderBody(surrendered_at=surrendered_at, note="At Barajas"),
        )
        assert outcome.case.state is State.surrendered
        assert outcome.case.surrender is not None
        assert outcome.case.surrender.executed_at == surrendered_at
        assert custody(outcome.case)[PERSON.id] is CustodyStatus.in_custody
        assert outcome.deadlines == (Close(SURRENDER_KINDS, "surrendered", when=surrendered_at),)
        assert event_names(outcome) == ["surrendered"]
        assert outcome.reason == "At Barajas"

    def test_a_surrender_in_the_future_is_a_422_at_its_pointer(self) -> None:
        with pytest.raises(RuleBroken) as raised:
            domain.execute_surrender(
                act_on(GRANTED, requested=ES),
                ExecuteSurrenderBody(surrendered_at=NOW + timedelta(hours=1)),
            )
        assert [e.pointer for e in raised.value.errors] == ["/surrendered_at"]


SURRENDERED = EAW_CASE.evolve(state=State.surrendered)


class TestSpeciality:
    def test_the_requesting_state_asks_and_the_requested_supervisor_decides(self) -> None:
        asked = domain.request_speciality_consent(
            act_on(SURRENDERED, REQUESTING),
            SpecialityRequestBody(further_offences="Fraud", reason="New charges"),
        )
        [item] = asked.case.speciality_requests
        assert (item.granted, item.requested_at) == (None, NOW)
        assert (item.further_offences, item.reason) == ("Fraud", "New charges")
        assert "s. 34" in item.citation
        assert event_names(asked) == ["speciality_consent_requested"]
        assert asked.events[0].data() == {"speciality_request_id": item.id, "granted": None}
        assert asked.reason == "New charges"
        with pytest.raises(MissingRole):
            domain.decide_speciality_consent(
                act_on(asked.case, REQUESTED),
                SpecialityDecisionBody(speciality_request_id=item.id, granted=True, reasons="x"),
            )
        decided = domain.decide_speciality_consent(
            act_on(asked.case, SUPERVISING),
            SpecialityDecisionBody(
                speciality_request_id=item.id, granted=False, reasons="Political"
            ),
        )
        [same] = decided.case.speciality_requests
        assert same.id == item.id
        assert (same.granted, same.reasons, same.decided_at) == (False, "Political", NOW)
        assert decided.events[0].data() == {"speciality_request_id": item.id, "granted": False}
        # Nothing is pending any more.
        assert Action.decide_speciality_consent.value not in domain.LIFECYCLE.allowed_actions(
            decided.case, Side.requested, SUPERVISOR
        )

    def test_each_request_is_a_record_of_its_own(self) -> None:
        body = SpecialityRequestBody(further_offences="Fraud")
        first = domain.request_speciality_consent(act_on(SURRENDERED, REQUESTING), body)
        second = domain.request_speciality_consent(act_on(first.case, REQUESTING), body)
        earlier, later = second.case.speciality_requests
        assert earlier == first.case.speciality_requests[0] and earlier.id != later.id
        assert second.events[0].data()["speciality_request_id"] == later.id

    def test_an_unknown_or_decided_request_is_not_decided(self) -> None:
        decided = SpecialityRequest(
            id=uuid4(), further_offences="Fraud", requested_at=NOW, granted=True
        )
        pending = SpecialityRequest(id=uuid4(), further_offences="Theft", requested_at=NOW)
        case = SURRENDERED.evolve(speciality_requests=(decided, pending))
        act = act_on(case, SUPERVISING)
        with pytest.raises(NotOnCase):
            domain.decide_speciality_consent(
                act,
                SpecialityDecisionBody(speciality_request_id=uuid4(), granted=True, reasons="x"),
            )
        with pytest.raises(CaseConflict):
            domain.decide_speciality_consent(
                act,
                SpecialityDecisionBody(speciality_request_id=decided.id, granted=True, reasons="x"),
            )


ONE_SIDED = CASE.evolve(
    state=State.draft,
    created_by_side=Side.requested,
    counterpart_uses_comity=False,
    disclosed=False,
)


def register(**changes: object) -> Outcome[Case]:
    body = RegisterBody.model_validate(
        {
            "provisional_arrest": False,
            "received_via": ReceivedVia.diplomatic_channel,
            "received_on": date(2026, 11, 2),
            "their_reference": "US-2026-77",
            **changes,
        }
    )
    return domain.register(act_on(ONE_SIDED, REQUESTED), body)


class TestReceivingOutsideComity:
    def test_a_request_received_by_hand_is_registered_on_the_day_it_arrived(self) -> None:
        outcome = register()
        case = outcome.case
        assert case.state is State.under_consideration and case.disclosed
        assert (case.received_via, case.received_on) == (
            ReceivedVia.diplomatic_channel,
            date(2026, 11, 2),
        )
        assert case.their_reference == "US-2026-77"
        assert case.formal_request_received_at == datetime(2026, 11, 2, 12, tzinfo=MX_TZ)
        assert outcome.reference_time_zone == "America/Mexico_City"
        assert event_names(outcome) == ["registered"]
        assert outcome.details == {"provisional_arrest": False}

    def test_a_provisional_arrest_request_awaits_the_formal_request(self) -> None:
        outcome = register(provisional_arrest=True)
        case = outcome.case
        assert case.state is State.provisional_arrest_requested
        assert case.provisional_arrest_requested and case.is_urgent
        assert case.formal_request_received_at is None
        assert outcome.details == {"provisional_arrest": True}
        assert not register().case.is_urgent

    def test_received_in_the_future_is_a_422_at_its_pointer(self) -> None:
        # 7 November is tomorrow in Mexico City, whatever the hour in UTC.
        with pytest.raises(RuleBroken) as raised:
            register(received_on=date(2026, 11, 7))
        assert [e.pointer for e in raised.value.errors] == ["/received_on"]

    def test_the_formal_request_recorded_by_hand_meets_the_limit_on_the_day_received(self) -> None:
        case = PROVISIONALLY_ARRESTED.evolve(counterpart_uses_comity=False)
        with pytest.raises(RuleBroken) as raised:
            domain.submit_formal_request(act_on(case, REQUESTED), FormalRequestBody())
        assert [e.pointer for e in raised.value.errors] == ["/received_on"]
        # Received on a day still to come in Mexico City.
        with pytest.raises(RuleBroken) as raised:
            domain.submit_formal_request(
                act_on(case, REQUESTED), FormalRequestBody(received_on=date(2026, 11, 7))
            )
        assert [e.pointer for e in raised.value.errors] == ["/received_on"]
        limit = us_mx_arrest_limit()
        now = datetime(2027, 2, 1, tzinfo=UTC)
        outcome = domain.submit_formal_request(
            act_on(case, REQUESTED, now=now, when=date(2027, 1, 4)),
            FormalRequestBody(received_on=date(2027, 1, 4), their_reference="US-77"),
        )
        assert outcome.case.state is State.under_consideration
        assert outcome.case.their_reference == "US-77"
        assert outcome.case.formal_request_received_at == datetime(2027, 1, 4, 12, tzinfo=MX_TZ)
        assert event_names(outcome) == ["formal_request_received"]
        # The requesting State's step, taken on the day it was received, recorded by hand.
        assert outcome.when == date(2027, 1, 4)
        assert outcome.recorded_for is Side.requesting
        [close] = closes(outcome)
        assert close.kinds == FORMAL_REQUEST_KINDS and close.when == date(2027, 1, 4)
        assert (
            closing_status(close.when, due_date=limit.due_date, due_at=limit.due_at)
            is DeadlineStatus.met
        )

    def test_sent_through_comity_the_formal_request_arrives_now(self) -> None:
        outcome = domain.submit_formal_request(
            act_on(PROVISIONALLY_ARRESTED, REQUESTING), FormalRequestBody()
        )
        assert outcome.case.state is State.under_consideration
        assert outcome.case.formal_request_received_at == NOW
        [close] = closes(outcome)
        assert close.kinds == FORMAL_REQUEST_KINDS and close.when == NOW
        # Its own step, taken now: nothing recorded for the counterpart.
        assert outcome.when is None and outcome.recorded_for is None
        # The requested side does not record it for a counterpart that uses Comity.
        with pytest.raises(InvalidTransition):
            domain.submit_formal_request(
                act_on(PROVISIONALLY_ARRESTED, REQUESTED),
                FormalRequestBody(received_on=date(2026, 11, 6)),
            )


def withdraw(case: Case, actor: Actor, reason: str) -> Outcome[Case]:
    return domain.LIFECYCLE.withdraw(
        act_on(case, actor), WithdrawBody(reason=reason), event=contracts.WITHDRAWN
    )


class TestEnding:
    def test_the_requesting_state_withdraws_and_nothing_is_owed_any_more(self) -> None:
        outcome = withdraw(CASE, REQUESTING, "Charges dropped")
        assert outcome.case.state is State.withdrawn
        assert outcome.action == "withdraw"
        assert event_names(outcome) == ["withdrawn"]
        assert outcome.deadlines == (Close(None, "withdrawn", waived=True),)
        assert outcome.reason == "Charges dropped"
        with pytest.raises(InvalidTransition):
            withdraw(CASE, REQUESTED, "x")
        # Nothing is withdrawn once decided.
        with pytest.raises(InvalidTransition):
            withdraw(CASE.evolve(state=State.refused), REQUESTING, "x")

    def test_a_refused_case_is_closed(self) -> None:
        refused = refuse().case
        outcome = domain.LIFECYCLE.close(
            act_on(refused, REQUESTED), CloseBody(), event=contracts.CLOSED
        )
        assert outcome.case.state is State.closed
        assert outcome.action == "close"
        assert event_names(outcome) == ["closed"]
        assert outcome.deadlines == (Close(None, "closed", waived=True),)
        assert outcome.reason is None
        # A pending request is withdrawn, not closed.
        with pytest.raises(InvalidTransition):
            domain.LIFECYCLE.close(act_on(CASE, REQUESTING), CloseBody(), event=contracts.CLOSED)
