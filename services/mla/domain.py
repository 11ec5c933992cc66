"""The MLA domain, pure (docs/architecture.md "Legal rules live in pure code").

One function per transition: it takes the act (the case, the actor, ``now``, the day
a step recorded by hand happened, the case's two authorities), the action's body
(:mod:`services.mla.commands`) and the other facts it needs (the attached
translations, the consultations, the policy's figures), checks the state machine
and the rules of law, and returns an
:class:`~shared.casework.outcome.Outcome`: the case as it is afterwards, the events
to emit, what to do with the deadlines, and the reasons with their citations. It
never reads the clock, the database or the network; a broken rule raises a
:mod:`shared.casework.errors` error (409 for the state machine, 403 for a missing
role, 422 with the citation for a rule of law).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from uuid import UUID

from pydantic import Field

from contracts import mla as events
from services.mla.commands import (
    AdditionalInformationAnswerBody,
    AdditionalInformationRequestBody,
    ExecuteMeasureBody,
    ExecutionOutcome,
    ForwardBody,
    PostponeBody,
    RefuseBody,
)
from shared.calendar import Period
from shared.casework import dates, deadlines
from shared.casework.case import Authority, CaseState, Record, check_chosen
from shared.casework.deadlines import Close, DeadlineOp, Open, Pause, Resume
from shared.casework.errors import CaseConflict, RuleBroken, raise_if_broken
from shared.casework.lifecycle import Act, Lifecycle, consulted, own_draft, registered, shareable
from shared.casework.outcome import Emit, Outcome
from shared.casework.parties import OFFICERS, SUPERVISORS
from shared.casework.schemas import NoteBody, RegisterBody
from shared.casework.state_machine import (
    EITHER,
    REQUESTED,
    REQUESTED_OR_EXECUTING,
    REQUESTING,
    Side,
    StateMachine,
    Transition,
)
from shared.ids import new_id
from shared.legal.bases import LegalBasis
from shared.legal.citations import UNTOC, art, join, para
from shared.legal.consultation import Consultation
from shared.legal.cooperation import CooperationType
from shared.legal.mla.grounds import (
    REFUSAL_REASONS_CITATION,
    RefusalGround,
    assess_postponement,
    assess_refusal,
    catalogue,
)
from shared.legal.mla.request import (
    DualCriminalityRule,
    Measure,
    MeasureSought,
    PersonConcerned,
    RequestFacts,
    completeness,
    language_check,
)
from shared.legal.rules import Violation, merge


class State(StrEnum):
    draft = "draft"
    sent = "sent"
    # Registered on receipt outside Comity (on paper, by e-mail).
    received = "received"
    acknowledged = "acknowledged"
    forwarded = "forwarded"
    in_execution = "in_execution"
    partially_executed = "partially_executed"
    additional_information_requested = "additional_information_requested"
    postponed = "postponed"
    executed = "executed"
    refused = "refused"
    withdrawn = "withdrawn"
    closed = "closed"


class Action(StrEnum):
    send = "send"
    share_draft = "share-draft"
    register = "register"
    acknowledge = "acknowledge"
    forward = "forward"
    request_additional_information = "request-additional-information"
    answer_additional_information = "answer-additional-information"
    postpone = "postpone"
    resume = "resume"
    refuse = "refuse"
    execute_measure = "execute-measure"
    close = "close"
    withdraw = "withdraw"
    record_counterpart_step = "record-counterpart-step"


class MeasureStatus(StrEnum):
    pending = "pending"
    partially_executed = "partially_executed"
    executed = "executed"
    declined = "declined"


FINAL_MEASURE = frozenset({MeasureStatus.executed, MeasureStatus.declined})


class DeadlineKind(StrEnum):
    acknowledgement = "acknowledgement"
    requested_deadline = "requested_deadline"
    additional_information_answer = "additional_information_answer"
    postponement_end = "postponement_end"


# Citations of the deadlines: the figure is a policy (docs/domain.md: outside the EU
# there is no fixed limit), the duty to act promptly is the convention's.
ACKNOWLEDGEMENT_CITATION = join(
    art(UNTOC, "18(24)"), para("56(c)"), "the requested authority's service target"
)
REQUESTED_DEADLINE_CITATION = art(UNTOC, "18(24)")
ADDITIONAL_INFORMATION_CITATION = art(UNTOC, "18(16)")
STATUS_REQUEST_CITATION = art(UNTOC, "18(24)")
POSTPONEMENT_CITATION = art(UNTOC, "18(25)")
CONDITIONS_CITATION = art(UNTOC, "18(26)")

ACTIVE = frozenset(
    {
        State.sent,
        State.received,
        State.acknowledged,
        State.forwarded,
        State.in_execution,
        State.partially_executed,
        State.additional_information_requested,
        State.postponed,
    }
)
EXECUTABLE = frozenset(
    {State.acknowledged, State.forwarded, State.in_execution, State.partially_executed}
)


# ---------------------------------------------------------------------------
# The case, as the domain sees it


class Delivery(Record):
    """One delivery of the requested side for a measure (UNTOC art. 18(24))."""

    at: datetime
    outcome: ExecutionOutcome
    reasons: str | None = None
    conditions: str | None = None
    document_ids: tuple[UUID, ...] = ()
    by_authority: str
    recorded_for: Side | None = None


class MeasureRecord(Record):
    """A measure sought, its execution status and its deliveries."""

    id: UUID = Field(default_factory=new_id)
    measure: Measure
    details: str | None = None
    status: MeasureStatus = MeasureStatus.pending
    deliveries: tuple[Delivery, ...] = ()


class Postponement(Record):
    until: date | None
    reasons: str | None
    consultation_held: bool
    no_consultation_reason: str | None


class Refusal(Record):
    grounds: tuple[RefusalGround, ...]
    citations: tuple[str, ...]
    reasons: str | None
    consultation_held: bool
    no_consultation_reason: str | None


class Conditions(Record):
    """Assistance granted subject to conditions (UNTOC art. 18(26))."""

    measure_id: UUID
    conditions: str
    at: datetime


class Decisions(Record):
    """The requested side's decisions, as recorded."""

    postponement: Postponement | None = None
    refusal: Refusal | None = None
    conditions: tuple[Conditions, ...] = ()


class Case(CaseState):
    """A mutual legal assistance request."""

    state: State
    legal_bases: tuple[LegalBasis, ...]
    measures: tuple[MeasureRecord, ...] = ()
    investigation_subject: str | None = None
    conducting_authority: str | None = None
    summary_of_facts: str | None = None
    purpose: str | None = None
    procedures: str | None = None
    urgent: bool = False
    urgency_reason: str | None = None
    suggested_deadline: date | None = None
    confidentiality_requested: bool = False
    limits_on_use: str | None = None
    language: str
    # The state to return to after a postponement or additional information.
    resume_state: State | None = None
    decisions: Decisions = Decisions()

    @property
    def is_urgent(self) -> bool:
        return self.urgent

    @property
    def facts(self) -> RequestFacts:
        """What the completeness checklist reads (UNTOC art. 18(15))."""
        return RequestFacts(
            requesting_authority=self.requesting_authority,
            investigation_subject=self.investigation_subject,
            conducting_authority=self.conducting_authority,
            summary_of_facts=self.summary_of_facts,
            measures=tuple(
                MeasureSought(measure=m.measure, details=m.details) for m in self.measures
            ),
            procedures=self.procedures,
            persons=tuple(
                PersonConcerned(identity=p.name, location=p.location, nationalities=p.nationalities)
                for p in self.persons
            ),
            purpose=self.purpose,
        )


@dataclass(frozen=True)
class Policy:
    """The figures a legal basis or the authority's policy picks (settings)."""

    acknowledgement_working_days: int = 10
    additional_information_days: int = 30


# ---------------------------------------------------------------------------
# The state machine


def _records_for_counterpart(case: Case, side: Side) -> bool:
    return case.one_sided and side is case.created_by_side


def _central_authority(case: Case, side: Side) -> bool:
    return side is Side.requested


def _withdrawable(case: Case, side: Side) -> bool:
    return case.state is not State.draft or own_draft(case, side)


_ALL_BUT_DRAFT = frozenset(ACTIVE | {State.executed})

MACHINE: StateMachine[Case] = StateMachine(
    states=[s.value for s in State],
    transitions=[
        Transition(
            Action.send,
            frozenset({State.draft}),
            State.sent,
            OFFICERS,
            REQUESTING,
            guard=own_draft,
            description="Send a complete draft (UNTOC art. 18(14), (15))",
        ),
        Transition(
            Action.share_draft,
            frozenset({State.draft}),
            None,
            OFFICERS,
            REQUESTING,
            guard=shareable,
            description="Share a draft with the requested authority for prior consultation "
            "(Plan of Action para. 56(c))",
        ),
        Transition(
            Action.register,
            frozenset({State.draft}),
            State.received,
            OFFICERS,
            REQUESTED,
            guard=own_draft,
            description="Register a request received on paper or by e-mail",
        ),
        Transition(
            Action.acknowledge,
            frozenset({State.sent, State.received}),
            State.acknowledged,
            OFFICERS,
            REQUESTED,
            description="Acknowledge receipt",
        ),
        Transition(
            Action.forward,
            frozenset({State.acknowledged, State.forwarded}),
            State.forwarded,
            OFFICERS,
            REQUESTED,
            guard=_central_authority,
            description="Forward to an executing authority of the requested State",
        ),
        Transition(
            Action.request_additional_information,
            frozenset(EXECUTABLE | {State.sent, State.received}),
            State.additional_information_requested,
            OFFICERS,
            REQUESTED_OR_EXECUTING,
            description="Ask the requesting side for additional information (UNTOC art. 18(16))",
        ),
        Transition(
            Action.answer_additional_information,
            frozenset({State.additional_information_requested}),
            None,
            OFFICERS,
            REQUESTING,
            description="Answer a request for additional information",
        ),
        Transition(
            Action.postpone,
            EXECUTABLE,
            State.postponed,
            SUPERVISORS,
            REQUESTED,
            description="Postpone execution (supervisor; UNTOC art. 18(25), (26))",
        ),
        Transition(
            Action.resume,
            frozenset({State.postponed}),
            None,
            OFFICERS,
            REQUESTED,
            description="Resume execution",
        ),
        Transition(
            Action.refuse,
            frozenset(ACTIVE),
            State.refused,
            SUPERVISORS,
            REQUESTED,
            description="Refuse assistance (supervisor; UNTOC art. 18(21)-(23), (26))",
        ),
        Transition(
            Action.execute_measure,
            EXECUTABLE,
            None,
            OFFICERS,
            REQUESTED_OR_EXECUTING,
            description="Record the execution of a measure: partial, complete or declined",
        ),
        Transition(
            Action.close,
            frozenset({State.executed, State.refused, State.withdrawn}),
            State.closed,
            SUPERVISORS,
            frozenset({Side.requesting, Side.requested}),
            description="Close (supervisor)",
        ),
        Transition(
            Action.withdraw,
            frozenset(ACTIVE | {State.draft}),
            State.withdrawn,
            OFFICERS,
            REQUESTING,
            guard=_withdrawable,
            description="Withdraw the request",
        ),
        Transition(
            Action.record_counterpart_step,
            _ALL_BUT_DRAFT,
            None,
            OFFICERS,
            EITHER,
            guard=_records_for_counterpart,
            description="Record a step the counterpart took outside Comity",
        ),
    ],
)


# What a counterpart outside Comity may be recorded doing, by the side it stands on.
COUNTERPART_STEPS: Mapping[Side, frozenset[str]] = {
    Side.requested: frozenset(
        {
            Action.acknowledge,
            Action.forward,
            Action.request_additional_information,
            Action.postpone,
            Action.resume,
            Action.refuse,
            Action.execute_measure,
        }
    ),
    Side.requesting: frozenset({Action.answer_additional_information, Action.withdraw}),
}


def check_urgency(case: Case) -> None:
    """A draft's rule, checked whenever it is written: an urgent request says why, so the
    requested authority can weigh it."""
    if case.urgent and not (case.urgency_reason or "").strip():
        raise RuleBroken.at("/urgency_reason", "Name why the request is urgent", why="required")


LIFECYCLE: Lifecycle[Case] = Lifecycle(
    machine=MACHINE,
    pending=frozenset(ACTIVE),
    ended=frozenset({State.closed, State.withdrawn}),
    closed=frozenset({State.closed}),
    status_answer_citation=STATUS_REQUEST_CITATION,
    counterpart_steps=COUNTERPART_STEPS,
    draft_rules=check_urgency,
)


# ---------------------------------------------------------------------------
# Drafting and sending


def acknowledgement_days(case: Case, policy: Policy) -> int:
    """The legal basis's figure where it sets one, else the authority's policy."""
    for basis in case.legal_bases:
        value = basis.parameters.get("acknowledgement_working_days")
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            return value
    return policy.acknowledgement_working_days


def _intake_deadlines(
    case: Case, *, start: datetime, requested: Authority, policy: Policy
) -> tuple[DeadlineOp, ...]:
    ops: list[DeadlineOp] = [
        Open(
            deadlines.after_period(
                DeadlineKind.acknowledgement,
                Period(acknowledgement_days(case, policy), "working_days"),
                start=start,
                calendar=requested.calendar,
                side=Side.requested,
                citation=ACKNOWLEDGEMENT_CITATION,
                pausable=True,
            )
        )
    ]
    if case.suggested_deadline is not None:
        # UNTOC art. 18(24): take into account as fully as possible any deadline
        # the requesting State suggests; due at the end of that day where it is executed.
        ops.append(
            Open(
                deadlines.on_date(
                    DeadlineKind.requested_deadline,
                    case.suggested_deadline,
                    start=start,
                    calendar=requested.calendar,
                    side=Side.requested,
                    citation=REQUESTED_DEADLINE_CITATION,
                    pausable=True,
                )
            )
        )
    return tuple(ops)


def sending_violations(
    case: Case, *, requested: Authority, translations: Sequence[str]
) -> list[Violation]:
    """Everything that keeps a draft from being sent: the checklist of UNTOC art.
    18(15) and the language of UNTOC art. 18(14). Also what the checklist shows."""
    violations = completeness(case.facts)
    language = language_check(case.language, requested.accepted_languages, translations)
    if language is not None:
        violations.append(language)
    return violations


def send(
    act: Act[Case], body: NoteBody, *, translations: Sequence[str], policy: Policy
) -> Outcome[Case]:
    case = act.case
    LIFECYCLE.check(Action.send, act)
    check_chosen(act.requested, pointer="/requested_authority")
    violations = sending_violations(case, requested=act.requested, translations=translations)
    missing = [v.pointer for v in violations if v.code == "request-incomplete"]
    detail = None
    if missing and len(missing) == len(violations):
        detail = (
            "The request cannot be sent until it contains every element UNTOC art. 18(15) "
            f"asks for; missing: {', '.join(p or '' for p in missing)}"
        )
    raise_if_broken(violations, detail=detail)
    return Outcome(
        action=Action.send,
        case=case.evolve(state=State.sent, disclosed=True, sent_at=act.now),
        events=(Emit(events.SENT),),
        deadlines=_intake_deadlines(case, start=act.now, requested=act.requested, policy=policy),
        reason=body.note,
        reference_time_zone=act.requesting.time_zone,
    )


def register(act: Act[Case], body: RegisterBody, *, policy: Policy) -> Outcome[Case]:
    """A request that reached the requested authority outside Comity: its deadlines run
    from the date of receipt, exactly as for one sent through Comity."""
    case = act.case
    LIFECYCLE.check(Action.register, act)
    received = registered(act, body)
    start = dates.start_of(body.received_on, act.requested.time_zone, now=act.now)
    return Outcome(
        action=Action.register,
        case=received.evolve(state=State.received),
        events=(Emit(events.REGISTERED),),
        deadlines=_intake_deadlines(case, start=start, requested=act.requested, policy=policy),
        details={
            "received_via": body.received_via.value,
            "received_on": body.received_on.isoformat(),
        },
        reference_time_zone=act.requested.time_zone,
    )


# ---------------------------------------------------------------------------
# The requested side's steps


def acknowledge(act: Act[Case], body: NoteBody) -> Outcome[Case]:
    case = act.case
    LIFECYCLE.check(Action.acknowledge, act)
    return Outcome(
        action=Action.acknowledge,
        case=case.evolve(state=State.acknowledged),
        events=(Emit(events.ACKNOWLEDGED),),
        deadlines=(Close(frozenset({DeadlineKind.acknowledgement}), "acknowledged"),),
        reason=body.note,
    )


def forward(act: Act[Case], body: ForwardBody, *, executing: Authority) -> Outcome[Case]:
    """To a prosecutor's office or court of the requested State, which becomes a party."""
    case = act.case
    LIFECYCLE.check(Action.forward, act)
    check_chosen(executing, pointer="/executing_authority")
    if executing.country != act.requested.country or executing.code == act.requested.code:
        raise RuleBroken.at(
            "/executing_authority",
            f"A request is forwarded to an executing authority of the requested State "
            f"({act.requested.country}) other than the central authority; {executing.code} is "
            f"an authority of {executing.country}",
            why="not of the requested State",
            code="executing-authority-not-domestic",
        )
    return Outcome(
        action=Action.forward,
        case=case.evolve(state=State.forwarded, executing_authority=executing.code),
        events=(Emit(events.FORWARDED),),
        reason=body.note,
        details={"executing_authority": executing.code, "previous": case.executing_authority},
    )


def request_additional_information(
    act: Act[Case], body: AdditionalInformationRequestBody, *, policy: Policy
) -> Outcome[Case]:
    """The requested side asks (UNTOC art. 18(16)); its clock pauses until the answer."""
    case = act.case
    LIFECYCLE.check(Action.request_additional_information, act)
    days = body.answer_within_days or policy.additional_information_days
    return Outcome(
        action=Action.request_additional_information,
        case=case.evolve(state=State.additional_information_requested, resume_state=case.state),
        events=(Emit(events.ADDITIONAL_INFORMATION_REQUESTED),),
        deadlines=(
            Pause("additional information requested"),
            Open(
                deadlines.after_period(
                    DeadlineKind.additional_information_answer,
                    Period(days, "calendar_days"),
                    start=dates.start_of(act.when, act.requesting.time_zone, now=act.now),
                    calendar=act.requesting.calendar,
                    side=Side.requesting,
                    citation=ADDITIONAL_INFORMATION_CITATION,
                )
            ),
        ),
        reason=body.questions,
    )


def answer_additional_information(
    act: Act[Case], body: AdditionalInformationAnswerBody
) -> Outcome[Case]:
    case = act.case
    LIFECYCLE.check(Action.answer_additional_information, act)
    back = case.resume_state or State.acknowledged
    return Outcome(
        action=Action.answer_additional_information,
        case=case.evolve(state=back, resume_state=None),
        events=(Emit(events.ADDITIONAL_INFORMATION_ANSWERED),),
        deadlines=(
            Close(frozenset({DeadlineKind.additional_information_answer}), "answered"),
            Resume("additional information answered"),
        ),
        reason=body.answer,
        details={"document_ids": [str(d) for d in body.document_ids]},
    )


def postpone(
    act: Act[Case], body: PostponeBody, *, consultations: Sequence[Consultation]
) -> Outcome[Case]:
    """UNTOC art. 18(25): execution would interfere with an ongoing investigation,
    prosecution or proceeding; a prior consultation (18(26)) or a recorded reason."""
    case = act.case
    LIFECYCLE.check(Action.postpone, act)
    until = body.until
    consultation = consulted(CooperationType.mla, consultations, body)
    decision = merge(
        assess_postponement(reasons=body.reasons, bases=[b.kind for b in case.legal_bases]),
        consultation.decision,
    )
    violations = list(decision.violations)
    # Judged on the day it was decided (a step recorded by hand: the day it happened).
    decided_on = dates.day_of(act.when, act.requested.time_zone)
    if until is not None and until <= decided_on:
        violations.append(
            Violation(
                code="rule-broken",
                message=f"A postponement ends on a later day than {decided_on.isoformat()}, "
                "the day it is decided.",
                citation=POSTPONEMENT_CITATION,
                pointer="/until",
            )
        )
    raise_if_broken(violations)
    ops: list[DeadlineOp] = []
    if until is not None:
        ops.append(
            Open(
                deadlines.on_date(
                    DeadlineKind.postponement_end,
                    until,
                    start=dates.start_of(act.when, act.requested.time_zone, now=act.now),
                    calendar=act.requested.calendar,
                    side=Side.requested,
                    citation=POSTPONEMENT_CITATION,
                )
            )
        )
    postponement = Postponement(
        until=until,
        reasons=body.reasons,
        consultation_held=consultation.held,
        no_consultation_reason=body.no_consultation_reason,
    )
    return Outcome(
        action=Action.postpone,
        case=case.evolve(
            state=State.postponed,
            resume_state=case.state,
            decisions=case.decisions.model_copy(update={"postponement": postponement}),
        ),
        events=(
            Emit(
                events.POSTPONED,
                events.PostponementFields(
                    postponed_until=until, consultation_held=consultation.held
                ),
            ),
        ),
        deadlines=tuple(ops),
        reason=body.reasons,
        details={"until": until.isoformat() if until else None},
        notes=decision.reasons,
    )


def resume(act: Act[Case], body: NoteBody) -> Outcome[Case]:
    case = act.case
    LIFECYCLE.check(Action.resume, act)
    back = case.resume_state or State.acknowledged
    return Outcome(
        action=Action.resume,
        case=case.evolve(state=back, resume_state=None),
        events=(Emit(events.RESUMED),),
        deadlines=(Close(frozenset({DeadlineKind.postponement_end}), "resumed"),),
        reason=body.note,
    )


def refusal_violations(
    case: Case,
    *,
    grounds: Sequence[RefusalGround],
    reasons: str | None,
    dual_criminality: DualCriminalityRule,
) -> list[Violation]:
    pending = [m.measure for m in case.measures if m.status not in FINAL_MEASURE]
    decision = assess_refusal(
        bases=[b.kind for b in case.legal_bases],
        grounds=grounds,
        reasons=reasons,
        requested_profile_dual_criminality=dual_criminality,
        measures=pending or [m.measure for m in case.measures],
    )
    return list(decision.violations)


def refuse(
    act: Act[Case],
    body: RefuseBody,
    *,
    consultations: Sequence[Consultation],
    dual_criminality: DualCriminalityRule,
) -> Outcome[Case]:
    """Refusal: grounds from the catalogue of the request's legal bases (UNTOC art.
    18(21); 1988 art. 7(15)), reasons (18(23); 7(16)) and a prior consultation (18(26)).

    Bank secrecy and the fiscal nature of the offence are never grounds (1988 art.
    7(5); UNTOC art. 18(8), (22)): that answer comes first, to whoever tries, before
    the question whether the caller may refuse at all.
    """
    case = act.case
    LIFECYCLE.check(Action.refuse, act, roles_later=True)
    grounds = body.grounds
    violations = refusal_violations(
        case, grounds=grounds, reasons=body.reasons, dual_criminality=dual_criminality
    )
    raise_if_broken([v for v in violations if v.code == "forbidden-refusal-ground"])
    LIFECYCLE.require_roles(Action.refuse, act)
    consultation = consulted(CooperationType.mla, consultations, body)
    raise_if_broken([*violations, *consultation.decision.violations])
    citations = sorted(
        {
            rule.citation
            for basis in case.legal_bases
            for ground in grounds
            if (rule := catalogue(basis.kind).get(ground)) is not None
        }
    )
    refusal = Refusal(
        grounds=tuple(grounds),
        citations=tuple(citations),
        reasons=body.reasons,
        consultation_held=consultation.held,
        no_consultation_reason=body.no_consultation_reason,
    )
    return Outcome(
        action=Action.refuse,
        case=case.evolve(
            state=State.refused,
            decisions=case.decisions.model_copy(update={"refusal": refusal}),
        ),
        events=(
            Emit(
                events.REFUSED, events.RefusalFields.model_validate(refusal, from_attributes=True)
            ),
        ),
        deadlines=(Close(None, "refused", waived=True),),
        reason=body.reasons,
        details={"grounds": [g.value for g in grounds], "citations": citations},
        notes=consultation.decision.reasons,
    )


def execute_measure(
    act: Act[Case], body: ExecuteMeasureBody, *, by_authority: str
) -> Outcome[Case]:
    """A delivery for one measure: part of it, all of it, or declined with reasons.
    The request is executed when every measure is executed or declined."""
    case = act.case
    LIFECYCLE.check(Action.execute_measure, act)
    index = next((i for i, m in enumerate(case.measures) if m.id == body.measure_id), None)
    if index is None:
        raise RuleBroken.at(
            "/measure_id",
            f"The request has no measure {body.measure_id}",
            why="not a measure of this request",
            code="unknown-measure",
        )
    measure = case.measures[index]
    if measure.status in FINAL_MEASURE:
        raise CaseConflict(
            f"The measure {measure.measure.value} is already {measure.status.value}",
            code="measure-already-final",
        )
    if body.outcome is ExecutionOutcome.declined and (
        body.reasons is None or not body.reasons.strip()
    ):
        raise RuleBroken.of(
            [
                Violation(
                    code="reasons-required",
                    message=(
                        "A measure is declined with reasons, as for any refusal "
                        f"({REFUSAL_REASONS_CITATION})."
                    ),
                    citation=REFUSAL_REASONS_CITATION,
                    pointer="/reasons",
                )
            ]
        )
    status = {
        ExecutionOutcome.partial: MeasureStatus.partially_executed,
        ExecutionOutcome.complete: MeasureStatus.executed,
        ExecutionOutcome.declined: MeasureStatus.declined,
    }[body.outcome]
    at = dates.start_of(act.when, act.requested.time_zone, now=act.now)
    delivery = Delivery(
        at=at,
        outcome=body.outcome,
        reasons=body.reasons,
        conditions=body.conditions,
        document_ids=tuple(body.document_ids),
        by_authority=by_authority,
        recorded_for=act.actor.side if act.actor.recorded else None,
    )
    measures = list(case.measures)
    measures[index] = measure.model_copy(
        update={"status": status, "deliveries": (*measure.deliveries, delivery)}
    )
    if all(m.status in FINAL_MEASURE for m in measures):
        state = State.executed
    elif any(
        m.status in (MeasureStatus.partially_executed, MeasureStatus.executed) for m in measures
    ):
        state = State.partially_executed
    else:
        state = State.in_execution
    decisions = case.decisions
    if body.conditions:
        # UNTOC art. 18(26): assistance granted subject to conditions is recorded.
        decisions = decisions.model_copy(
            update={
                "conditions": (
                    *decisions.conditions,
                    Conditions(measure_id=body.measure_id, conditions=body.conditions, at=at),
                )
            }
        )
    emitted = [
        Emit(
            events.MEASURE_EXECUTED,
            events.ExecutionFields(
                measure_id=body.measure_id,
                measure=measure.measure.value,
                outcome=body.outcome.value,
                with_conditions=bool(body.conditions),
                document_ids=list(body.document_ids),
            ),
        )
    ]
    ops: tuple[DeadlineOp, ...] = ()
    if state is State.executed:
        emitted.append(Emit(events.EXECUTED))
        ops = (
            Close(
                frozenset({DeadlineKind.acknowledgement, DeadlineKind.requested_deadline}),
                "executed",
            ),
        )
    return Outcome(
        action=Action.execute_measure,
        case=case.evolve(state=state, measures=tuple(measures), decisions=decisions),
        events=tuple(emitted),
        deadlines=ops,
        reason=body.reasons,
        details={
            "measure_id": str(body.measure_id),
            "measure": measure.measure.value,
            "outcome": body.outcome.value,
            "conditions": body.conditions,
            "document_ids": [str(d) for d in body.document_ids],
            "at": at.isoformat(),
        },
        notes=(f"Assistance subject to conditions ({CONDITIONS_CITATION}).",)
        if body.conditions
        else (),
    )
