"""The MLA domain, pure (docs/architecture.md "Legal rules live in pure code").

One function per transition: it takes the case, the actor, ``now`` (or the day a
step recorded by hand happened) and the facts it needs (authorities from the
directory, the attached translations, the consultations, the policy's figures),
checks the state machine and the rules of law, and returns an
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

from contracts import mla as events
from shared.calendar import Period
from shared.casework import dates, deadlines
from shared.casework.case import Authority, CaseState, Record, check_chosen
from shared.casework.deadlines import Close, DeadlineOp, Open, Pause, Resume
from shared.casework.errors import CaseConflict, RuleBroken, raise_if_broken
from shared.casework.lifecycle import Lifecycle, own_draft, shareable
from shared.casework.outcome import Emit, Outcome
from shared.casework.parties import OFFICERS, SUPERVISORS, Actor
from shared.casework.state_machine import (
    EITHER,
    REQUESTED,
    REQUESTED_OR_EXECUTING,
    REQUESTING,
    Side,
    StateMachine,
    Transition,
)
from shared.casework.vocabulary import ReceivedVia
from shared.legal.bases import LegalBasis
from shared.legal.citations import UNTOC, art, join, para
from shared.legal.consultation import (
    Consultation,
    ConsultedAction,
    held,
    prior_consultation,
)
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


class ExecutionOutcome(StrEnum):
    partial = "partial"
    complete = "complete"
    declined = "declined"


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

    id: UUID
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


LIFECYCLE: Lifecycle[Case] = Lifecycle(
    machine=MACHINE,
    pending=frozenset(ACTIVE),
    ended=frozenset({State.closed, State.withdrawn}),
    closed=frozenset({State.closed}),
    status_answer_citation=STATUS_REQUEST_CITATION,
    counterpart_steps=COUNTERPART_STEPS,
)


def check(action: Action, case: Case, actor: Actor, *, roles_later: bool = False) -> None:
    MACHINE.check(
        action.value,
        state=case.state,
        side=actor.side,
        roles=actor.roles,
        case=case,
        roles_later=roles_later,
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
    case: Case,
    actor: Actor,
    *,
    now: datetime,
    requesting: Authority,
    requested: Authority,
    translations: Sequence[str],
    policy: Policy,
    note: str | None = None,
) -> Outcome[Case]:
    check(Action.send, case, actor)
    check_chosen(requested, pointer="/requested_authority")
    violations = sending_violations(case, requested=requested, translations=translations)
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
        case=case.evolve(state=State.sent, disclosed=True, sent_at=now),
        events=(Emit(events.SENT),),
        deadlines=_intake_deadlines(case, start=now, requested=requested, policy=policy),
        reason=note,
        reference_time_zone=requesting.time_zone,
    )


def share_draft(case: Case, actor: Actor, *, note: str | None = None) -> Outcome[Case]:
    check(Action.share_draft, case, actor)
    return Outcome(
        action=Action.share_draft,
        case=case.evolve(disclosed=True),
        events=(Emit(events.DRAFT_SHARED),),
        reason=note,
        notes=(f"Prior consultation in complex or time-sensitive cases ({para('56(c)')}).",),
    )


def register(
    case: Case,
    actor: Actor,
    *,
    now: datetime,
    received_on: date,
    received_via: ReceivedVia,
    their_reference: str | None,
    requested: Authority,
    policy: Policy,
) -> Outcome[Case]:
    """A request that reached the requested authority outside Comity: its deadlines run
    from the date of receipt, exactly as for one sent through Comity."""
    check(Action.register, case, actor)
    dates.not_in_future(received_on, now=now, tz=requested.time_zone, pointer="/received_on")
    start = dates.start_of(received_on, requested.time_zone, now=now)
    return Outcome(
        action=Action.register,
        case=case.evolve(
            state=State.received,
            disclosed=True,
            received_on=received_on,
            received_via=received_via,
            their_reference=their_reference or case.their_reference,
        ),
        events=(Emit(events.REGISTERED),),
        deadlines=_intake_deadlines(case, start=start, requested=requested, policy=policy),
        details={"received_via": received_via.value, "received_on": received_on.isoformat()},
        reference_time_zone=requested.time_zone,
    )


# ---------------------------------------------------------------------------
# The requested side's steps


def acknowledge(case: Case, actor: Actor, *, note: str | None = None) -> Outcome[Case]:
    check(Action.acknowledge, case, actor)
    return Outcome(
        action=Action.acknowledge,
        case=case.evolve(state=State.acknowledged),
        events=(Emit(events.ACKNOWLEDGED),),
        deadlines=(Close(frozenset({DeadlineKind.acknowledgement}), "acknowledged"),),
        reason=note,
    )


def forward(
    case: Case,
    actor: Actor,
    *,
    executing: Authority,
    requested: Authority,
    note: str | None = None,
) -> Outcome[Case]:
    """To a prosecutor's office or court of the requested State, which becomes a party."""
    check(Action.forward, case, actor)
    check_chosen(executing, pointer="/executing_authority")
    if executing.country != requested.country or executing.code == requested.code:
        raise RuleBroken.at(
            "/executing_authority",
            f"A request is forwarded to an executing authority of the requested State "
            f"({requested.country}) other than the central authority; {executing.code} is "
            f"an authority of {executing.country}",
            why="not of the requested State",
            code="executing-authority-not-domestic",
        )
    return Outcome(
        action=Action.forward,
        case=case.evolve(state=State.forwarded, executing_authority=executing.code),
        events=(Emit(events.FORWARDED),),
        reason=note,
        details={"executing_authority": executing.code, "previous": case.executing_authority},
    )


def request_additional_information(
    case: Case,
    actor: Actor,
    *,
    when: dates.Step,
    now: datetime,
    questions: str,
    answer_within_days: int | None,
    requesting: Authority,
    policy: Policy,
) -> Outcome[Case]:
    """The requested side asks (UNTOC art. 18(16)); its clock pauses until the answer."""
    check(Action.request_additional_information, case, actor)
    days = answer_within_days or policy.additional_information_days
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
                    start=dates.start_of(when, requesting.time_zone, now=now),
                    calendar=requesting.calendar,
                    side=Side.requesting,
                    citation=ADDITIONAL_INFORMATION_CITATION,
                )
            ),
        ),
        reason=questions,
    )


def answer_additional_information(
    case: Case, actor: Actor, *, answer: str, document_ids: Sequence[UUID]
) -> Outcome[Case]:
    check(Action.answer_additional_information, case, actor)
    back = case.resume_state or State.acknowledged
    return Outcome(
        action=Action.answer_additional_information,
        case=case.evolve(state=back, resume_state=None),
        events=(Emit(events.ADDITIONAL_INFORMATION_ANSWERED),),
        deadlines=(
            Close(frozenset({DeadlineKind.additional_information_answer}), "answered"),
            Resume("additional information answered"),
        ),
        reason=answer,
        details={"document_ids": [str(d) for d in document_ids]},
    )


def postpone(
    case: Case,
    actor: Actor,
    *,
    now: datetime,
    reasons: str | None,
    until: date | None,
    consultations: Sequence[Consultation],
    no_consultation_reason: str | None,
    requested: Authority,
    consultation_pointer: str = "/no_consultation_reason",
) -> Outcome[Case]:
    """UNTOC art. 18(25): execution would interfere with an ongoing investigation,
    prosecution or proceeding; a prior consultation (18(26)) or a recorded reason."""
    check(Action.postpone, case, actor)
    consulted = prior_consultation(
        cooperation=CooperationType.mla,
        action=ConsultedAction.postponement,
        consultations=consultations,
        no_consultation_reason=no_consultation_reason,
        pointer=consultation_pointer,
    )
    decision = merge(
        assess_postponement(reasons=reasons, bases=[b.kind for b in case.legal_bases]), consulted
    )
    violations = list(decision.violations)
    if until is not None and until <= dates.day_of(now, requested.time_zone):
        violations.append(
            Violation(
                code="validation-error",
                message="A postponement ends on a later day than today.",
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
                    start=now,
                    calendar=requested.calendar,
                    side=Side.requested,
                    citation=POSTPONEMENT_CITATION,
                )
            )
        )
    was_held = held(consultations, ConsultedAction.postponement)
    postponement = Postponement(
        until=until,
        reasons=reasons,
        consultation_held=was_held,
        no_consultation_reason=no_consultation_reason,
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
                events.PostponementFields(postponed_until=until, consultation_held=was_held),
            ),
        ),
        deadlines=tuple(ops),
        reason=reasons,
        details={"until": until.isoformat() if until else None},
        notes=decision.reasons,
    )


def resume(case: Case, actor: Actor, *, note: str | None = None) -> Outcome[Case]:
    check(Action.resume, case, actor)
    back = case.resume_state or State.acknowledged
    return Outcome(
        action=Action.resume,
        case=case.evolve(state=back, resume_state=None),
        events=(Emit(events.RESUMED),),
        deadlines=(Close(frozenset({DeadlineKind.postponement_end}), "resumed"),),
        reason=note,
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
    case: Case,
    actor: Actor,
    *,
    grounds: Sequence[RefusalGround],
    reasons: str | None,
    consultations: Sequence[Consultation],
    no_consultation_reason: str | None,
    dual_criminality: DualCriminalityRule,
    consultation_pointer: str = "/no_consultation_reason",
) -> Outcome[Case]:
    """Refusal: grounds from the catalogue of the request's legal bases (UNTOC art.
    18(21); 1988 art. 7(15)), reasons (18(23); 7(16)) and a prior consultation (18(26)).

    Bank secrecy and the fiscal nature of the offence are never grounds (1988 art.
    7(5); UNTOC art. 18(8), (22)): that answer comes first, to whoever tries, before
    the question whether the caller may refuse at all.
    """
    check(Action.refuse, case, actor, roles_later=True)
    violations = refusal_violations(
        case, grounds=grounds, reasons=reasons, dual_criminality=dual_criminality
    )
    raise_if_broken([v for v in violations if v.code == "forbidden-refusal-ground"])
    MACHINE.require_roles(Action.refuse, actor.roles)
    consulted = prior_consultation(
        cooperation=CooperationType.mla,
        action=ConsultedAction.refusal,
        consultations=consultations,
        no_consultation_reason=no_consultation_reason,
        pointer=consultation_pointer,
    )
    raise_if_broken([*violations, *consulted.violations])
    was_held = held(consultations, ConsultedAction.refusal)
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
        reasons=reasons,
        consultation_held=was_held,
        no_consultation_reason=no_consultation_reason,
    )
    return Outcome(
        action=Action.refuse,
        case=case.evolve(
            state=State.refused,
            decisions=case.decisions.model_copy(update={"refusal": refusal}),
        ),
        events=(
            Emit(
                events.REFUSED,
                events.RefusalFields(
                    grounds=[g.value for g in grounds],
                    citations=citations,
                    consultation_held=was_held,
                ),
            ),
        ),
        deadlines=(Close(None, "refused", waived=True),),
        reason=reasons,
        details={"grounds": [g.value for g in grounds], "citations": citations},
        notes=consulted.reasons,
    )


def execute_measure(
    case: Case,
    actor: Actor,
    *,
    when: dates.Step,
    now: datetime,
    requested: Authority,
    by_authority: str,
    measure_id: UUID,
    outcome: ExecutionOutcome,
    reasons: str | None,
    conditions: str | None,
    document_ids: Sequence[UUID],
) -> Outcome[Case]:
    """A delivery for one measure: part of it, all of it, or declined with reasons.
    The request is executed when every measure is executed or declined."""
    check(Action.execute_measure, case, actor)
    index = next((i for i, m in enumerate(case.measures) if m.id == measure_id), None)
    if index is None:
        raise RuleBroken.at(
            "/measure_id",
            f"The request has no measure {measure_id}",
            why="not a measure of this request",
            code="unknown-measure",
        )
    measure = case.measures[index]
    if measure.status in FINAL_MEASURE:
        raise CaseConflict(
            f"The measure {measure.measure.value} is already {measure.status.value}",
            code="measure-already-final",
        )
    if outcome is ExecutionOutcome.declined and (reasons is None or not reasons.strip()):
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
    }[outcome]
    at = dates.start_of(when, requested.time_zone, now=now)
    delivery = Delivery(
        at=at,
        outcome=outcome,
        reasons=reasons,
        conditions=conditions,
        document_ids=tuple(document_ids),
        by_authority=by_authority,
        recorded_for=actor.side if actor.recorded else None,
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
    if conditions:
        # UNTOC art. 18(26): assistance granted subject to conditions is recorded.
        decisions = decisions.model_copy(
            update={
                "conditions": (
                    *decisions.conditions,
                    Conditions(measure_id=measure_id, conditions=conditions, at=at),
                )
            }
        )
    emitted = [
        Emit(
            events.MEASURE_EXECUTED,
            events.ExecutionFields(
                measure_id=measure_id,
                measure=measure.measure.value,
                outcome=outcome.value,
                with_conditions=bool(conditions),
                document_ids=list(document_ids),
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
        reason=reasons,
        details={
            "measure_id": str(measure_id),
            "measure": measure.measure.value,
            "outcome": outcome.value,
            "conditions": conditions,
            "document_ids": [str(d) for d in document_ids],
            "at": at.isoformat(),
        },
        notes=(f"Assistance subject to conditions ({CONDITIONS_CITATION}).",) if conditions else (),
    )


# ---------------------------------------------------------------------------
# Ending a request


def close(case: Case, actor: Actor, *, reason: str | None) -> Outcome[Case]:
    check(Action.close, case, actor)
    return Outcome(
        action=Action.close,
        case=case.evolve(state=State.closed),
        events=(Emit(events.CLOSED),),
        deadlines=(Close(None, "closed", waived=True),),
        reason=reason,
    )


def withdraw(case: Case, actor: Actor, *, reason: str) -> Outcome[Case]:
    check(Action.withdraw, case, actor)
    return Outcome(
        action=Action.withdraw,
        case=case.evolve(state=State.withdrawn),
        events=(Emit(events.WITHDRAWN),),
        deadlines=(Close(None, "withdrawn", waived=True),),
        reason=reason,
    )


# ---------------------------------------------------------------------------
# Editing a draft


def check_urgency(case: Case) -> None:
    """An urgent request says why, so the requested authority can weigh it."""
    if case.urgent and not (case.urgency_reason or "").strip():
        raise RuleBroken.at("/urgency_reason", "Name why the request is urgent", why="required")
