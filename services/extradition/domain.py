"""The extradition domain, pure: the case, the state machine, and one decision function
per transition (docs/domain.md "Extradition"; Plan of Action paras. 52-54).

Each function takes the act (the case, the actor, ``now``, the case's two authorities
and their calendars), the action's body (:mod:`services.extradition.commands`) and
the other facts it needs (the case's deadlines and consultations, the requested
State's profile), checks the state machine and the rules of law of
:mod:`shared.legal.extradition`, :mod:`shared.legal.dual_criminality` and
:mod:`shared.legal.consultation`, and returns an
:class:`~shared.casework.outcome.Outcome`: the case afterwards, its events, what to do
with its deadlines and the reasons with their citations. Nothing here reads the
clock, the database or the network; a broken rule raises a
:mod:`shared.casework.errors` error.

Dates of steps follow :mod:`shared.casework.dates`: a decision dated on or before a
limit's local due date meets it, however late it is recorded.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import Field

from contracts import extradition as events
from services.extradition.commands import (
    AgreeSurrenderBody,
    ArrestBody,
    ConsentBody,
    CourtRulingBody,
    DecisionBody,
    DualCriminalityBody,
    EawExtensionBody,
    ExecuteSurrenderBody,
    ExtensionBody,
    FormalRequestBody,
    GrantBody,
    GrantScope,
    PostponeKind,
    PostponeSurrenderBody,
    RefuseBody,
    RegisterBody,
    SendBody,
    SpecialityDecisionBody,
    SpecialityRequestBody,
    max_penalty_description,
)
from shared.casework import dates
from shared.casework.case import CaseState, PersonFacts, Record, check_chosen
from shared.casework.deadlines import (
    Calendar,
    Close,
    Deadline,
    DeadlineOp,
    DeadlinePlan,
    Open,
    on_date,
)
from shared.casework.errors import CaseConflict, NotOnCase, RuleBroken, raise_if_broken
from shared.casework.lifecycle import Act, Lifecycle, consulted, own_draft, registered, shareable
from shared.casework.outcome import Emit, Outcome
from shared.casework.parties import OFFICERS, SUPERVISORS
from shared.casework.state_machine import (
    EITHER,
    REQUESTED,
    REQUESTING,
    Side,
    StateMachine,
    Transition,
)
from shared.casework.vocabulary import CustodyStatus
from shared.ids import new_id
from shared.legal.citations import art, section
from shared.legal.consultation import Consultation
from shared.legal.cooperation import CooperationType, Purpose
from shared.legal.dual_criminality import (
    DualCriminalityAssessment,
    DualCriminalityFacts,
    Penalty,
    assess_dual_criminality,
)
from shared.legal.dual_criminality import Outcome as DualCriminalityOutcome
from shared.legal.extradition import limits
from shared.legal.extradition.bases import (
    BasisParameterMissing,
    ExtraditionBasis,
    ExtraditionBasisKind,
    convention_basis_accepted,
    dual_criminality_standard,
    primary_basis,
)
from shared.legal.extradition.grounds import (
    ExtraditionRefusalGround,
    assess_extradition_refusal,
    assess_nationality_ground,
    refusal_citations,
)
from shared.legal.extradition.limits import (
    EXTENSION_OF_FORMAL_REQUEST_CITATION,
    DeadlineKind,
    ExtraditionDeadline,
    assess_eaw_extension,
    assess_formal_request_extension,
    assess_release,
    consent_citation,
    deadlines_at_arrest,
    eaw_decision_due_after_consent,
    eaw_decision_limit,
    eaw_surrender_due_on_new_date,
    surrender_due,
)
from shared.legal.extradition.obligations import Obligation, extradite_or_prosecute
from shared.legal.offences import EAW, OffenceCategory
from shared.legal.rules import Violation, merge


class State(StrEnum):
    """Where an extradition request stands. Values are stored: never renamed."""

    draft = "draft"
    # The requesting State asked for the provisional arrest; the formal request follows.
    provisional_arrest_requested = "provisional_arrest_requested"
    # Arrested on the provisional request: the formal-request limit runs.
    provisionally_arrested = "provisionally_arrested"
    # The formal request is with the requested State: assessment, court, executive.
    under_consideration = "under_consideration"
    # The person consented to simplified surrender (Model Law s.27).
    consented = "consented"
    # The court ruled extradition admissible; the executive decides on surrender.
    admissible = "admissible"
    granted = "granted"
    surrender_agreed = "surrender_agreed"
    surrendered = "surrendered"
    refused = "refused"
    # The formal request did not arrive in time: the person was released.
    released = "released"
    withdrawn = "withdrawn"
    closed = "closed"


S = State
_BEFORE_DECISION = frozenset(
    {S.provisional_arrest_requested, S.provisionally_arrested, S.under_consideration, S.consented}
)
_PENDING = frozenset({*_BEFORE_DECISION, S.admissible, S.granted, S.surrender_agreed})


class Action(StrEnum):
    """Each action is its own endpoint, ``POST /v1/requests/{id}/<value>``."""

    send = "send"
    share_draft = "share-draft"
    register = "register"
    record_arrest = "record-arrest"
    extend_formal_request_deadline = "extend-formal-request-deadline"
    extend_eaw_decision = "extend-eaw-decision"
    submit_formal_request = "submit-formal-request"
    release = "release"
    assess_dual_criminality = "assess-dual-criminality"
    record_consent = "record-consent"
    record_court_ruling = "record-court-ruling"
    grant = "grant"
    refuse = "refuse"
    agree_surrender = "agree-surrender"
    postpone_surrender = "postpone-surrender"
    execute_surrender = "execute-surrender"
    request_speciality_consent = "request-speciality-consent"
    decide_speciality_consent = "decide-speciality-consent"
    withdraw = "withdraw"
    close = "close"


FORMAL_REQUEST_KINDS = frozenset(
    {DeadlineKind.formal_request, DeadlineKind.formal_request_release_possible}
)
EAW_DECISION_KINDS = frozenset({DeadlineKind.eaw_decision, DeadlineKind.eaw_decision_after_consent})
SURRENDER_KINDS = frozenset({DeadlineKind.surrender, DeadlineKind.surrender_new_date})
STATUS_REQUEST_CITATION = "Plan of Action para. 56(c); the requested authority's service target"
POSTPONED_SURRENDER_CITATION = f"{section('29')}; {section('30')}"
SPECIALITY_CITATION = section("34")


# ---------------------------------------------------------------------------
# The case, as the domain sees it


class Offence(Record):
    """One offence of the request, as the requesting State describes it."""

    id: UUID = Field(default_factory=new_id)
    conduct: str
    category: OffenceCategory | None = None
    provision: str
    max_penalty_months: Penalty | None = Field(
        default=None, description=max_penalty_description("the requesting State's provision")
    )


class Arrest(Record):
    """The arrest of the person sought, with the local date the limits count from."""

    arrested_at: datetime
    local_date: date
    time_zone: str
    place: str | None = None
    provisional: bool


class Consent(Record):
    consented_at: datetime
    before: str
    citation: str


class RequestedLaw(Record):
    """What the requested officer entered for one offence: the requested State's law."""

    requested_provision: str | None = Field(
        default=None, description="The requested State's provision for the conduct"
    )
    requested_max_penalty_months: Penalty | None = Field(
        default=None, description=max_penalty_description("the requested State's provision")
    )
    conduct_punishable_in_requested_state: bool | None = Field(
        default=None,
        description="Whether the acts, taken as a whole, are punishable there (MTE art. 2(2))",
    )


class OffenceAssessment(DualCriminalityAssessment):
    """The assessment of one offence, with what was entered for it."""

    offence_id: UUID
    requested: RequestedLaw


class Assessment(Record):
    """One version of the dual-criminality assessment of the request."""

    version: int
    outcome: DualCriminalityOutcome
    rules_version: str
    assessed_at: datetime
    assessed_by: str
    citations: tuple[str, ...]
    offences: tuple[OffenceAssessment, ...]


class _Recorded(Record):
    id: UUID
    recorded_at: datetime
    recorded_by: str
    deciding_body: str
    reference: str | None = None


class CourtRuling(_Recorded):
    decision: Literal["court_ruling"] = "court_ruling"
    admissible: bool
    decided_on: date
    appeal_deadline: date | None = None
    final_on: date | None = None
    note: str | None = None


class Grant(_Recorded):
    decision: Literal["executive_grant"] = "executive_grant"
    decided_on: date
    scope: GrantScope
    offence_ids: tuple[UUID, ...]
    conditions: tuple[str, ...] = ()
    simplified: bool = False
    appeal_deadline: date | None = None
    final_on: date | None = None


class RefusalRecord(_Recorded):
    decision: Literal["refusal"] = "refusal"
    grounds: tuple[ExtraditionRefusalGround, ...]
    reasons: str | None
    consultation_held: bool
    no_consultation_reason: str | None = None
    notes: tuple[str, ...] = ()
    obligations: tuple[Obligation, ...] = ()


DecisionRecord = Annotated[CourtRuling | Grant | RefusalRecord, Field(discriminator="decision")]


class SurrenderAgreement(Record):
    date: date
    place: str
    escorting_authority: str
    prevented_reason: str | None = None


class SurrenderPostponement(Record):
    kind: PostponeKind
    reasons: str
    until: date | None = None
    citation: str = POSTPONED_SURRENDER_CITATION


class Surrender(Record):
    agreed: SurrenderAgreement | None = None
    earlier_agreements: tuple[SurrenderAgreement, ...] = ()
    postponements: tuple[SurrenderPostponement, ...] = ()
    executed_at: datetime | None = None


class SpecialityRequest(Record):
    """A request for consent to prosecute further offences (Model Law s.34)."""

    id: UUID
    further_offences: str
    reason: str | None = None
    requested_at: datetime
    granted: bool | None = None
    reasons: str | None = None
    decided_at: datetime | None = None
    citation: str = SPECIALITY_CITATION


class Case(CaseState):
    """An extradition request."""

    state: State
    person_id: UUID
    purpose: Purpose
    sentence_imposed_months: int | None = None
    sentence_remaining_months: int | None = None
    offences: tuple[Offence, ...]
    legal_bases: tuple[ExtraditionBasis, ...]
    warrant_references: tuple[str, ...] = ()
    interpol_notice: str | None = None
    summary_of_facts: str | None = None
    provisional_arrest_requested: bool = False
    arrest: Arrest | None = None
    formal_request_received_at: datetime | None = None
    consent: Consent | None = None
    dual_criminality: tuple[Assessment, ...] = ()
    decisions: tuple[DecisionRecord, ...] = ()
    surrender: Surrender | None = None
    speciality_requests: tuple[SpecialityRequest, ...] = ()

    @property
    def is_urgent(self) -> bool:
        # A provisional arrest is asked for in urgency (MTE art. 9; ECE art. 16).
        return self.provisional_arrest_requested

    @property
    def person_sought(self) -> PersonFacts:
        return next(p for p in self.persons if p.id == self.person_id)

    @property
    def basis(self) -> ExtraditionBasis:
        """The basis the figures come from (:func:`primary_basis`)."""
        return primary_basis(self.legal_bases)

    @property
    def eaw(self) -> bool:
        return self.basis.kind is ExtraditionBasisKind.eaw


def _recorded(act: Act[Case]) -> dict[str, Any]:
    """What a new record of the case (a decision, a speciality request) says of its
    writing: its id, when and by whom it was recorded."""
    return {"id": new_id(), "recorded_at": act.now, "recorded_by": act.by}


# ---------------------------------------------------------------------------
# The state machine


def _not_arrested(case: Case, side: Side) -> bool:
    return case.arrest is None


def _one_sided_or_requesting(case: Case, side: Side) -> bool:
    # The requested side records the formal request by hand only when the
    # requesting State does not use Comity (docs/architecture.md "Counterparts that do
    # not use Comity").
    return side is Side.requesting or not case.counterpart_uses_comity


def _speciality_pending(case: Case, side: Side) -> bool:
    return any(s.granted is None for s in case.speciality_requests)


def _t(
    action: Action,
    sources: Iterable[State],
    target: State | None,
    sides: frozenset[Side],
    roles: frozenset[str] = OFFICERS,
    guard: Any = None,
    description: str = "",
) -> Transition[Case]:
    return Transition(
        action=action.value,
        sources=frozenset(s.value for s in sources),
        target=target.value if target is not None else None,
        roles=roles,
        sides=sides,
        guard=guard,
        description=description,
    )


MACHINE: StateMachine[Case] = StateMachine(
    states=[s.value for s in State],
    transitions=[
        _t(
            Action.send,
            [S.draft],
            None,
            REQUESTING,
            guard=own_draft,
            description="Send: the provisional arrest request first, or the formal request",
        ),
        _t(
            Action.share_draft,
            [S.draft],
            None,
            REQUESTING,
            guard=shareable,
            description="Share a draft with the requested authority for prior consultation "
            "(Plan of Action para. 56(c))",
        ),
        _t(
            Action.register,
            [S.draft],
            None,
            REQUESTED,
            guard=own_draft,
            description="Register a request received outside Comity",
        ),
        _t(
            Action.record_arrest,
            [S.provisional_arrest_requested, S.under_consideration],
            None,
            REQUESTED,
            guard=_not_arrested,
            description="Record the arrest; the formal-request due date is computed from the "
            "legal basis",
        ),
        _t(
            Action.extend_formal_request_deadline,
            [S.provisionally_arrested],
            None,
            REQUESTED,
            description="Extend the formal-request due date, with the reason",
        ),
        _t(
            Action.extend_eaw_decision,
            [S.under_consideration, S.consented, S.admissible],
            None,
            REQUESTED,
            description="Extend the EAW decision limit by 30 days, with reasons (EAW art. 17(4))",
        ),
        _t(
            Action.submit_formal_request,
            [S.provisional_arrest_requested, S.provisionally_arrested],
            S.under_consideration,
            frozenset({Side.requesting, Side.requested}),
            guard=_one_sided_or_requesting,
            description="The formal request after the provisional arrest (or its receipt, "
            "recorded)",
        ),
        _t(
            Action.release,
            [S.provisionally_arrested],
            S.released,
            REQUESTED,
            description="Check the formal-request limit and release the person once it has passed",
        ),
        _t(
            Action.assess_dual_criminality,
            [*_BEFORE_DECISION, S.admissible],
            None,
            REQUESTED,
            description="Assess dual criminality (a new version; re-run when facts change)",
        ),
        _t(
            Action.record_consent,
            [S.provisionally_arrested, S.under_consideration],
            S.consented,
            REQUESTED,
            description="The person consents to simplified surrender (Model Law s.27; EAW art. 13)",
        ),
        _t(
            Action.record_court_ruling,
            [S.under_consideration, S.provisionally_arrested],
            None,
            REQUESTED,
            description="The court's ruling on admissibility: appeal deadline, date it became "
            "final",
        ),
        _t(
            Action.grant,
            [S.under_consideration, S.admissible, S.consented],
            S.granted,
            REQUESTED,
            description="The executive grants extradition: whole, partial or conditional",
        ),
        _t(
            Action.refuse,
            [*(_BEFORE_DECISION - {S.provisional_arrest_requested}), S.admissible],
            S.refused,
            REQUESTED,
            roles=SUPERVISORS,
            description="Refuse (supervisor; grounds of the catalogue; UNTOC art. 16(15), (16))",
        ),
        _t(
            Action.agree_surrender,
            [S.granted, S.surrender_agreed],
            S.surrender_agreed,
            EITHER,
            description="Agree date, place and escorting authority of the surrender",
        ),
        _t(
            Action.postpone_surrender,
            [S.granted, S.surrender_agreed],
            None,
            REQUESTED,
            roles=SUPERVISORS,
            description="Postponed or temporary surrender (supervisor; Model Law ss.29-30)",
        ),
        _t(
            Action.execute_surrender,
            [S.granted, S.surrender_agreed],
            S.surrendered,
            REQUESTED,
            description="The person was surrendered",
        ),
        _t(
            Action.request_speciality_consent,
            [S.surrendered],
            None,
            REQUESTING,
            description="Ask consent to prosecute further offences (Model Law s.34)",
        ),
        _t(
            Action.decide_speciality_consent,
            [S.surrendered, S.closed],
            None,
            REQUESTED,
            roles=SUPERVISORS,
            guard=_speciality_pending,
            description="Decide a speciality consent request (supervisor)",
        ),
        _t(
            Action.withdraw,
            _PENDING,
            S.withdrawn,
            REQUESTING,
            description="The requesting State withdraws the request",
        ),
        _t(
            Action.close,
            [S.refused, S.released, S.surrendered, S.withdrawn],
            S.closed,
            EITHER,
            description="Close the case",
        ),
    ],
)


def sentence_problem(purpose: Purpose, imposed: int | None, remaining: int | None) -> str | None:
    """What is wrong with the sentence recorded for ``purpose``, if anything."""
    if purpose is Purpose.prosecution and (imposed is not None or remaining is not None):
        return "a sentence imposed or remaining is recorded only for enforcement"
    if purpose is Purpose.enforcement and imposed is None:
        return "enforcement of a sentence needs the sentence imposed"
    if imposed is not None and remaining is not None and remaining > imposed:
        return "the part remaining cannot exceed the sentence imposed"
    return None


def check_sentence(case: Case) -> None:
    """A draft's rule, checked whenever it is written: the sentence fits the purpose."""
    problem = sentence_problem(
        case.purpose, case.sentence_imposed_months, case.sentence_remaining_months
    )
    if problem is not None:
        raise RuleBroken.at(
            "/sentence_imposed_months", problem[0].upper() + problem[1:], why=problem
        )


LIFECYCLE: Lifecycle[Case] = Lifecycle(
    machine=MACHINE,
    pending=_PENDING,
    ended=frozenset({S.closed, S.withdrawn}),
    closed=frozenset({S.closed}),
    status_answer_citation=STATUS_REQUEST_CITATION,
    draft_rules=check_sentence,
)


# ---------------------------------------------------------------------------
# Time limits from the legal basis


def _missing(error: BasisParameterMissing, pointer: str) -> RuleBroken:
    return RuleBroken.of(
        [
            Violation(
                code="basis-parameter-missing",
                message=str(error),
                citation=error.basis.effective_citation,
                pointer=pointer,
            )
        ]
    )


def _plan(deadline: ExtraditionDeadline, calendar: Calendar, side: Side) -> DeadlinePlan:
    return DeadlinePlan(
        kind=deadline.kind.value,
        responsible_side=side,
        calendar=calendar,
        started_at=deadline.started_at,
        due=deadline.due,
        citation=deadline.citation,
        period=deadline.period,
        rule=deadline.rule,
    )


def arrest_deadlines(
    bases: Sequence[ExtraditionBasis],
    *,
    arrested_at: datetime,
    provisional: bool,
    requested: Calendar,
    requesting: Calendar,
) -> list[DeadlinePlan]:
    """What starts with the arrest: the formal-request limits after a provisional
    arrest (the requesting State must act; counted on the local date of arrest in the
    requested State), or the EAW decision limit (the requested State must decide)."""
    basis = primary_basis(bases)
    if basis.kind is not ExtraditionBasisKind.eaw and not provisional:
        return []
    try:
        found = deadlines_at_arrest(
            basis, arrested_at=arrested_at, country=requested.country, tz=requested.time_zone
        )
    except BasisParameterMissing as error:
        raise _missing(error, "/legal_bases") from None
    if basis.kind is ExtraditionBasisKind.eaw:
        return [_plan(d, requested, Side.requested) for d in found]
    # The requesting State's limit, on the requested State's calendar (its local date).
    calendar = Calendar(
        authority=requesting.authority, country=requested.country, time_zone=requested.time_zone
    )
    return [_plan(d, calendar, Side.requesting) for d in found]


def _running(deadlines: Sequence[Deadline], kinds: Iterable[str]) -> list[Deadline]:
    wanted = set(kinds)
    return sorted((d for d in deadlines if d.open and d.kind in wanted), key=lambda d: d.due_at)


# ---------------------------------------------------------------------------
# Sending and receiving


def send(act: Act[Case], body: SendBody, *, accepts_conventions: bool | None) -> Outcome[Case]:
    """Plan of Action para. 54(a); UNTOC art. 16(4), (5) (verify); UNCAC art. 44(5); 1988
    Convention art. 6(3): the conventions alone, to a State that does not take them as
    the legal basis (``accepts_conventions`` from its profile), cannot carry the request."""
    case = act.case
    LIFECYCLE.check(Action.send, act)
    check_chosen(act.requested, pointer="/requested_authority")
    decision = convention_basis_accepted(
        [b.kind for b in case.legal_bases], accepts_conventions=accepts_conventions
    )
    raise_if_broken(decision.violations)
    provisional_arrest = body.provisional_arrest
    return Outcome(
        action=Action.send,
        case=case.evolve(
            state=S.provisional_arrest_requested if provisional_arrest else S.under_consideration,
            disclosed=True,
            provisional_arrest_requested=provisional_arrest,
            sent_at=act.now,
            formal_request_received_at=None if provisional_arrest else act.now,
        ),
        events=(Emit(events.PROVISIONAL_ARREST_REQUESTED if provisional_arrest else events.SENT),),
        notes=decision.reasons,
        reference_time_zone=act.requesting.time_zone,
    )


def register(act: Act[Case], body: RegisterBody) -> Outcome[Case]:
    """A request received outside Comity: provisional arrest first, or the formal request,
    received on the day given."""
    LIFECYCLE.check(Action.register, act)
    tz = act.requested.time_zone
    provisional_arrest = body.provisional_arrest
    received = registered(act, body)
    return Outcome(
        action=Action.register,
        case=received.evolve(
            state=S.provisional_arrest_requested if provisional_arrest else S.under_consideration,
            provisional_arrest_requested=provisional_arrest,
            formal_request_received_at=None
            if provisional_arrest
            else dates.start_of(body.received_on, tz, now=act.now),
        ),
        events=(Emit(events.REGISTERED),),
        details={"provisional_arrest": provisional_arrest},
        reference_time_zone=tz,
    )


# ---------------------------------------------------------------------------
# Arrest and the formal request


def record_arrest(act: Act[Case], body: ArrestBody) -> Outcome[Case]:
    """The person sought was arrested: the limits start, counted on the local date of
    arrest in the requested State (docs/domain.md "Extradition")."""
    case = act.case
    LIFECYCLE.check(Action.record_arrest, act)
    arrested_at = body.arrested_at
    dates.not_in_future(
        arrested_at, now=act.now, tz=act.requested.time_zone, pointer="/arrested_at"
    )
    provisional = case.state is S.provisional_arrest_requested
    plans = arrest_deadlines(
        case.legal_bases,
        arrested_at=arrested_at,
        provisional=provisional,
        requested=act.requested.calendar,
        requesting=act.requesting.calendar,
    )
    arrest = Arrest(
        arrested_at=arrested_at,
        local_date=dates.day_of(arrested_at, act.requested.time_zone),
        time_zone=act.requested.time_zone,
        place=body.place,
        provisional=provisional,
    )
    return Outcome(
        action=Action.record_arrest,
        case=case.evolve(
            state=S.provisionally_arrested if provisional else case.state, arrest=arrest
        ).with_custody(case.person_id, CustodyStatus.in_custody),
        events=(Emit(events.ARRESTED),),
        deadlines=tuple(Open(p) for p in plans),
        details={"provisional": provisional},
    )


def extend_formal_request_deadline(
    act: Act[Case], body: ExtensionBody, *, deadlines: Sequence[Deadline]
) -> Outcome[Case]:
    """A new due date for the formal request, fixed by the requested State, always later."""
    case = act.case
    LIFECYCLE.check(Action.extend_formal_request_deadline, act)
    new_due_date = body.new_due_date
    running = _running(deadlines, {DeadlineKind.formal_request})
    if not running:
        raise CaseConflict("No formal-request limit is running")
    current = running[0]
    raise_if_broken(
        assess_formal_request_extension(
            current_due=current.due_date, new_due=new_due_date
        ).violations
    )
    plan = on_date(
        DeadlineKind.formal_request,
        new_due_date,
        start=act.now,
        calendar=current.calendar,
        side=Side.requesting,
        citation=f"{current.citation}; extended: {EXTENSION_OF_FORMAL_REQUEST_CITATION}",
    )
    return Outcome(
        action=Action.extend_formal_request_deadline,
        case=case,
        events=(Emit(events.FORMAL_REQUEST_DEADLINE_EXTENDED),),
        deadlines=(Close(FORMAL_REQUEST_KINDS, "extended", waived=True), Open(plan)),
        reason=body.reason,
        details={"new_due_date": new_due_date.isoformat()},
    )


def extend_eaw_decision(
    act: Act[Case], body: EawExtensionBody, *, deadlines: Sequence[Deadline]
) -> Outcome[Case]:
    """EAW art. 17(4): the decision limit (art. 17(3), or 17(2) after consent) extended by
    30 days, once, with the reasons given to the issuing authority."""
    case = act.case
    LIFECYCLE.check(Action.extend_eaw_decision, act)
    running = _running(deadlines, EAW_DECISION_KINDS)
    if not running:
        raise CaseConflict("No decision limit of a European arrest warrant is running")
    current = running[0]
    limit = eaw_decision_limit(
        DeadlineKind(current.kind),
        started_at=current.started_at,
        period_days=current.period.amount if current.period is not None else 0,
        country=current.calendar.country,
        tz=current.calendar.time_zone,
    )
    raise_if_broken(assess_eaw_extension(limit, reasons=body.reasons).violations)
    extended = _plan(limits.extend_eaw_decision(limit), current.calendar, Side.requested)
    return Outcome(
        action=Action.extend_eaw_decision,
        case=case,
        events=(Emit(events.EAW_DECISION_EXTENDED),),
        deadlines=(Close(frozenset({current.kind}), "extended", waived=True), Open(extended)),
        reason=body.reasons,
    )


def submit_formal_request(act: Act[Case], body: FormalRequestBody) -> Outcome[Case]:
    """The formal request after the provisional arrest: sent by the requesting side, or
    its receipt recorded by the requested side (a step of the requesting State taken
    outside Comity, on the day it was received), which meets the limit on that day
    (:mod:`shared.casework.dates`)."""
    case = act.case
    target = LIFECYCLE.target(Action.submit_formal_request, act)
    received: dates.Step = act.now
    recorded_for = None
    if act.actor.side is Side.requested:
        if body.received_on is None:
            raise RuleBroken.at(
                "/received_on", "Name the date the formal request was received", why="required"
            )
        dates.not_in_future(
            body.received_on, now=act.now, tz=act.requested.time_zone, pointer="/received_on"
        )
        received, recorded_for = body.received_on, Side.requesting
    return Outcome(
        action=Action.submit_formal_request,
        case=case.evolve(
            state=target,
            formal_request_received_at=dates.start_of(
                received, act.requested.time_zone, now=act.now
            ),
            their_reference=body.their_reference or case.their_reference,
        ),
        events=(Emit(events.FORMAL_REQUEST_RECEIVED),),
        deadlines=(Close(FORMAL_REQUEST_KINDS, "formal request received", when=received),),
        when=received if recorded_for is not None else None,
        recorded_for=recorded_for,
    )


def release(act: Act[Case], *, deadlines: Sequence[Deadline]) -> Outcome[Case]:
    """Release after a provisional arrest, once the formal-request limit has passed
    without the formal request."""
    case = act.case
    LIFECYCLE.check(Action.release, act)
    running = _running(deadlines, {DeadlineKind.formal_request})
    first = running[0] if running else None
    decision = assess_release(
        formal_request_due_at=first.due_at if first else None,
        citation=first.citation if first else None,
        now=act.now,
    )
    if not decision.ok:
        [violation] = decision.violations
        raise CaseConflict(violation.message, code=violation.code, citation=violation.citation)
    return Outcome(
        action=Action.release,
        case=case.evolve(state=S.released).with_custody(case.person_id, CustodyStatus.at_liberty),
        events=(Emit(events.RELEASED),),
        deadlines=(Close(FORMAL_REQUEST_KINDS, "formal request not received"),),
        reason="The formal request did not arrive within the limit after provisional arrest",
        notes=decision.reasons,
    )


# ---------------------------------------------------------------------------
# Dual criminality


@dataclass(frozen=True)
class OffenceEntry:
    """What the requested officer enters for one offence of the request."""

    offence_id: UUID
    requested: RequestedLaw
    pointer: str


def assess_offences(
    case: Case, entered: Sequence[OffenceEntry]
) -> tuple[DualCriminalityOutcome, list[OffenceAssessment]]:
    """Each offence assessed under the primary basis's standard, with what was entered
    for it now or in the previous version; the request's outcome is the worst of them
    (one offence not satisfied is a partial grant at best)."""
    known = {o.id for o in case.offences}
    for item in entered:
        if item.offence_id not in known:
            raise RuleBroken.at(
                item.pointer,
                "The request has no such offence",
                why="unknown",
                code="unknown-offence",
            )
    previous = case.dual_criminality[-1] if case.dual_criminality else None
    laws = {o.offence_id: o.requested for o in previous.offences} if previous else {}
    laws |= {item.offence_id: item.requested for item in entered}
    standard = dual_criminality_standard(case.basis)
    results = []
    for offence in case.offences:
        law = laws.get(offence.id, RequestedLaw())
        assessment = assess_dual_criminality(
            DualCriminalityFacts(
                conduct=offence.conduct,
                purpose=case.purpose,
                offence_category=offence.category,
                requesting_provision=offence.provision,
                requesting_max_penalty_months=offence.max_penalty_months,
                requested_provision=law.requested_provision,
                requested_max_penalty_months=law.requested_max_penalty_months,
                sentence_imposed_months=case.sentence_imposed_months,
                sentence_remaining_months=case.sentence_remaining_months,
                conduct_punishable_in_requested_state=law.conduct_punishable_in_requested_state,
                standard=standard,
            )
        )
        results.append(OffenceAssessment(**dict(assessment), offence_id=offence.id, requested=law))
    outcomes = {r.outcome for r in results}
    for worst in (DualCriminalityOutcome.not_satisfied, DualCriminalityOutcome.needs_review):
        if worst in outcomes:
            return worst, results
    return DualCriminalityOutcome.satisfied, results


def assess(act: Act[Case], body: DualCriminalityBody) -> Outcome[Case]:
    """A new version of the dual-criminality assessment (re-run when the facts change),
    with what the officer entered of the requested State's law for some offences."""
    case = act.case
    LIFECYCLE.check(Action.assess_dual_criminality, act)
    entered = [
        OffenceEntry(
            offence_id=item.offence_id,
            requested=RequestedLaw.model_validate(item.model_dump(exclude={"offence_id"})),
            pointer=f"/offences/{index}/offence_id",
        )
        for index, item in enumerate(body.offences)
    ]
    outcome, results = assess_offences(case, entered)
    version = len(case.dual_criminality) + 1
    assessment = Assessment(
        version=version,
        outcome=outcome,
        rules_version=results[0].rules_version,
        assessed_at=act.now,
        assessed_by=act.by,
        citations=tuple(dict.fromkeys(c for r in results for c in r.citations)),
        offences=tuple(results),
    )
    return Outcome(
        action=Action.assess_dual_criminality,
        case=case.evolve(dual_criminality=(*case.dual_criminality, assessment)),
        events=(
            Emit(
                events.DUAL_CRIMINALITY_ASSESSED,
                events.AssessmentFields(
                    assessment_version=version,
                    outcome=outcome.value,
                    rules_version=assessment.rules_version,
                ),
            ),
        ),
        details={"version": version, "outcome": outcome.value},
    )


# ---------------------------------------------------------------------------
# Consent, the court and the executive


def record_consent(act: Act[Case], body: ConsentBody) -> Outcome[Case]:
    """The person consents to simplified surrender: no formal request is awaited any more
    (Model Law s.27). Under the EAW the final decision is then due within 10 days (art.
    17(2)), which replaces the 60 days of art. 17(3) ("in other cases")."""
    case = act.case
    target = LIFECYCLE.target(Action.record_consent, act)
    consented_at = body.consented_at
    dates.not_in_future(
        consented_at, now=act.now, tz=act.requested.time_zone, pointer="/consented_at"
    )
    ops: list[DeadlineOp] = [
        Close(FORMAL_REQUEST_KINDS, "consent to simplified surrender", waived=True)
    ]
    if case.eaw:
        ops.append(
            Close(
                frozenset({DeadlineKind.eaw_decision}),
                f"consent: the limit of {art(EAW, '17(2)')} applies instead",
                waived=True,
            )
        )
        after_consent = eaw_decision_due_after_consent(
            consented_at=consented_at, country=act.requested.country, tz=act.requested.time_zone
        )
        ops.append(Open(_plan(after_consent, act.requested.calendar, Side.requested)))
    consent = Consent(
        consented_at=consented_at, before=body.before, citation=consent_citation(case.basis.kind)
    )
    return Outcome(
        action=Action.record_consent,
        case=case.evolve(state=target, consent=consent),
        events=(Emit(events.CONSENT_RECORDED),),
        deadlines=tuple(ops),
        notes=(f"Consent to surrender ({consent.citation}).",),
    )


def _decision_fields(record: CourtRuling | Grant) -> events.DecisionFields:
    return events.DecisionFields(
        decision_id=record.id,
        decision=record.decision,
        deciding_body=record.deciding_body,
        final_on=record.final_on,
    )


def _decision_dates(body: DecisionBody, *, now: datetime, tz: str) -> None:
    """A decision is recorded once taken, and becomes final on or after that day."""
    decided_on, final_on = body.decided_on, body.final_on
    dates.not_in_future(decided_on, now=now, tz=tz, pointer="/decided_on")
    if final_on is None:
        return
    dates.not_in_future(final_on, now=now, tz=tz, pointer="/final_on")
    if final_on < decided_on:
        raise RuleBroken.at(
            "/final_on",
            f"A decision becomes final on or after the day it is taken ({decided_on.isoformat()})",
            why="before the decision",
        )


def record_court_ruling(act: Act[Case], body: CourtRulingBody) -> Outcome[Case]:
    """The court's ruling on admissibility; admissible leaves the surrender to the
    executive."""
    case = act.case
    LIFECYCLE.check(Action.record_court_ruling, act)
    _decision_dates(body, now=act.now, tz=act.requested.time_zone)
    ruling = CourtRuling(**_recorded(act), **body.model_dump())
    return Outcome(
        action=Action.record_court_ruling,
        case=case.evolve(
            state=S.admissible if body.admissible else case.state,
            decisions=(*case.decisions, ruling),
        ),
        events=(Emit(events.COURT_RULING_RECORDED, _decision_fields(ruling)),),
        reason=body.note,
    )


def grant(act: Act[Case], body: GrantBody) -> Outcome[Case]:
    """The executive grants extradition, whole, partial (naming the offences) or on
    conditions (naming them). The decision is final on ``final_on`` (else the day it was
    taken): it meets the EAW decision limit if dated in time, however late it is recorded,
    and the surrender limit runs from it."""
    case = act.case
    target = LIFECYCLE.target(Action.grant, act)
    _decision_dates(body, now=act.now, tz=act.requested.time_zone)
    tz = act.requested.time_zone
    if body.scope is GrantScope.partial and not body.offence_ids:
        raise RuleBroken.at(
            "/offence_ids", "Name the offences extradition is granted for", why="required"
        )
    if body.scope is GrantScope.conditional and not body.conditions:
        raise RuleBroken.at(
            "/conditions",
            "Name the conditions (e.g. assurances on the death penalty)",
            why="required",
        )
    known = [o.id for o in case.offences]
    for index, offence_id in enumerate(body.offence_ids):
        if offence_id not in known:
            raise RuleBroken.at(
                f"/offence_ids/{index}",
                "The request has no such offence",
                why="unknown",
                code="unknown-offence",
            )
    record = Grant(
        **_recorded(act),
        **body.model_dump(exclude={"offence_ids", "simplified"}),
        offence_ids=tuple(body.offence_ids) or tuple(sorted(known, key=str)),
        simplified=body.simplified or case.consent is not None,
    )
    final = body.final_on or body.decided_on
    ops: list[DeadlineOp] = [Close(EAW_DECISION_KINDS, "final decision", when=final)]
    try:
        surrender = surrender_due(
            case.basis,
            final_decision_at=dates.start_of(final, tz, now=act.now),
            country=act.requested.country,
            tz=tz,
        )
        ops.append(Open(_plan(surrender, act.requested.calendar, Side.requested)))
    except BasisParameterMissing:
        # The basis gives no surrender limit: surrender is agreed between the two.
        pass
    return Outcome(
        action=Action.grant,
        case=case.evolve(state=target, decisions=(*case.decisions, record)),
        events=(Emit(events.GRANTED, _decision_fields(record)),),
        deadlines=tuple(ops),
    )


def refuse(
    act: Act[Case], body: RefuseBody, *, consultations: Sequence[Consultation]
) -> Outcome[Case]:
    """Whether the refusal may be recorded: the grounds of the catalogue (the fiscal
    nature of the offence alone never is one: UNTOC art. 16(15)), reasons, the prior
    consultation (UNTOC art. 16(16)) and, for nationality, that the person is a national
    of the requested State (Model Law s.11). The rules of law are answered before the
    role: an officer learns what is missing, the supervisor then records it."""
    case = act.case
    LIFECYCLE.check(Action.refuse, act, roles_later=True)
    grounds = body.grounds
    bases = [b.kind for b in case.legal_bases]
    consultation = consulted(CooperationType.extradition, consultations, body)
    decision = merge(
        assess_extradition_refusal(
            grounds=grounds,
            reasons=body.reasons,
            offence_categories=[o.category for o in case.offences if o.category],
            bases=bases,
            purpose=case.purpose,
        ),
        consultation.decision,
        assess_nationality_ground(
            grounds,
            person_nationalities=case.person_sought.nationalities,
            requested_country=case.requested_country,
        ),
    )
    raise_if_broken(decision.violations)
    LIFECYCLE.require_roles(Action.refuse, act)
    obligations = extradite_or_prosecute(
        nationality=ExtraditionRefusalGround.nationality in grounds, purpose=case.purpose
    )
    record = RefusalRecord(
        **_recorded(act),
        **body.model_dump(exclude={"consultation_id"}),
        consultation_held=consultation.held,
        notes=decision.reasons,
        obligations=obligations,
    )
    citations = list(
        dict.fromkeys([*refusal_citations(grounds, bases), *(o.citation for o in obligations)])
    )
    return Outcome(
        action=Action.refuse,
        case=case.evolve(state=S.refused, decisions=(*case.decisions, record)).with_custody(
            case.person_id, CustodyStatus.at_liberty
        ),
        events=(
            Emit(
                events.REFUSED,
                events.RefusalFields(
                    grounds=[g.value for g in grounds],
                    citations=citations,
                    consultation_held=consultation.held,
                    enforcement_of_sentence=case.purpose is Purpose.enforcement,
                    obligations=[
                        events.ObligationInfo(
                            kind=o.kind.value, condition=o.condition, citation=o.citation
                        )
                        for o in obligations
                    ],
                    extradite_or_prosecute=bool(obligations),
                ),
            ),
        ),
        # Whatever ran for the person in custody is no longer owed.
        deadlines=(Close(None, "extradition refused", waived=True),),
        reason=body.reasons,
        details={"grounds": [g.value for g in grounds], "consultation_held": consultation.held},
        notes=decision.reasons,
    )


# ---------------------------------------------------------------------------
# Surrender and speciality


def agree_surrender(act: Act[Case], body: AgreeSurrenderBody) -> Outcome[Case]:
    """Date, place and escorting authority of the surrender. A new date because surrender
    was prevented by circumstances beyond control: under the EAW, within 10 days of the
    new date (art. 23(3))."""
    case = act.case
    target = LIFECYCLE.target(Action.agree_surrender, act)
    agreement = SurrenderAgreement.model_validate(body.model_dump())
    current = case.surrender or Surrender()
    earlier = (*current.earlier_agreements, *((current.agreed,) if current.agreed else ()))
    ops: list[DeadlineOp] = []
    if agreement.prevented_reason is not None and case.eaw:
        new_date = eaw_surrender_due_on_new_date(
            agreed_date=agreement.date, country=act.requested.country, tz=act.requested.time_zone
        )
        ops = [
            Close(SURRENDER_KINDS, "new date agreed", waived=True),
            Open(_plan(new_date, act.requested.calendar, Side.requested)),
        ]
    return Outcome(
        action=Action.agree_surrender,
        case=case.evolve(
            state=target,
            surrender=current.model_copy(
                update={"agreed": agreement, "earlier_agreements": earlier}
            ),
        ),
        events=(Emit(events.SURRENDER_AGREED),),
        deadlines=tuple(ops),
        reason=agreement.prevented_reason,
    )


def postpone_surrender(act: Act[Case], body: PostponeSurrenderBody) -> Outcome[Case]:
    """Postponed or temporary surrender (Model Law ss.29-30), with reasons."""
    case = act.case
    LIFECYCLE.check(Action.postpone_surrender, act)
    postponement = SurrenderPostponement.model_validate(body.model_dump())
    current = case.surrender or Surrender()
    return Outcome(
        action=Action.postpone_surrender,
        case=case.evolve(
            surrender=current.model_copy(
                update={"postponements": (*current.postponements, postponement)}
            )
        ),
        events=(Emit(events.SURRENDER_POSTPONED),),
        deadlines=(
            # Neither the surrender limit nor that of a new date agreed (EAW art. 23(3))
            # runs while surrender is postponed.
            Close(SURRENDER_KINDS, f"surrender {postponement.kind}", waived=True),
        ),
        reason=postponement.reasons,
    )


def execute_surrender(act: Act[Case], body: ExecuteSurrenderBody) -> Outcome[Case]:
    """The person was surrendered: the surrender limit is met if it was in time."""
    case = act.case
    target = LIFECYCLE.target(Action.execute_surrender, act)
    surrendered_at = body.surrendered_at
    dates.not_in_future(
        surrendered_at, now=act.now, tz=act.requested.time_zone, pointer="/surrendered_at"
    )
    current = case.surrender or Surrender()
    return Outcome(
        action=Action.execute_surrender,
        case=case.evolve(
            state=target, surrender=current.model_copy(update={"executed_at": surrendered_at})
        ).with_custody(case.person_id, CustodyStatus.in_custody),
        events=(Emit(events.SURRENDERED),),
        deadlines=(Close(SURRENDER_KINDS, "surrendered", when=surrendered_at),),
        reason=body.note,
    )


def request_speciality_consent(act: Act[Case], body: SpecialityRequestBody) -> Outcome[Case]:
    """Consent to prosecute further offences (the rule of speciality, Model Law s.34)."""
    case = act.case
    LIFECYCLE.check(Action.request_speciality_consent, act)
    item = SpecialityRequest(id=new_id(), requested_at=act.now, **body.model_dump())
    return Outcome(
        action=Action.request_speciality_consent,
        case=case.evolve(speciality_requests=(*case.speciality_requests, item)),
        events=(
            Emit(
                events.SPECIALITY_CONSENT_REQUESTED,
                events.SpecialityFields(speciality_request_id=item.id, granted=None),
            ),
        ),
        reason=body.reason,
    )


def decide_speciality_consent(act: Act[Case], body: SpecialityDecisionBody) -> Outcome[Case]:
    case = act.case
    LIFECYCLE.check(Action.decide_speciality_consent, act)
    found = next((s for s in case.speciality_requests if s.id == body.speciality_request_id), None)
    if found is None:
        raise NotOnCase("No speciality consent request with this id on this request")
    if found.granted is not None:
        raise CaseConflict("This speciality consent request was decided")
    decided = found.model_copy(
        update={"granted": body.granted, "reasons": body.reasons, "decided_at": act.now}
    )
    return Outcome(
        action=Action.decide_speciality_consent,
        case=case.evolve(
            speciality_requests=tuple(
                decided if s.id == found.id else s for s in case.speciality_requests
            )
        ),
        events=(
            Emit(
                events.SPECIALITY_CONSENT_DECIDED,
                events.SpecialityFields(speciality_request_id=found.id, granted=body.granted),
            ),
        ),
        reason=body.reasons,
    )
