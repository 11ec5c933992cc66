"""The MLA domain, pure (DESIGN.md "Legal rules live in pure code"; STYLE.md).

Each use case is a function of the case, the actor, ``now`` and the facts it
needs (the authorities from the directory, the attached translations, whether a
consultation was held, the policy's figures). It checks the state machine and
the rules of law and returns an :class:`Outcome`: the new state, the changes to
the case, the events to emit, what to do with the deadlines, and the reasons.
It never reads the clock, the database or the network; a broken rule raises the
problem the user sees (409 for the state machine, 403 for a missing role, 422
with the citation for a rule of law).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from enum import StrEnum
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from shared.calendar import Period
from shared.casework import deadlines, drafts
from shared.casework.deadlines import Calendar, Close, DeadlineOp, Open, Pause, Resume
from shared.casework.rules import violations_problem
from shared.casework.schemas import ConsultationTopic
from shared.casework.state_machine import (
    EITHER,
    REQUESTED,
    REQUESTED_OR_EXECUTING,
    REQUESTING,
    Side,
    StateMachine,
    Transition,
)
from shared.legal.bases import LegalBasis
from shared.legal.citations import UNTOC, art, join, para
from shared.legal.grounds import (
    REFUSAL_REASONS_CITATION,
    RefusalGround,
    assess_postponement,
    assess_refusal,
    catalogue,
    consultation_requirement,
)
from shared.legal.mla import (
    DualCriminalityRule,
    Measure,
    RequestFacts,
    completeness,
    language_check,
)
from shared.legal.rules import Violation, merge
from shared.problems import Conflict, FieldError, UnprocessableContent

OFFICERS = frozenset({"case_officer", "supervisor"})
SUPERVISORS = frozenset({"supervisor"})


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


class ReceivedVia(StrEnum):
    """How a request reached the requested authority outside Comity (DESIGN.md)."""

    diplomatic_channel = "diplomatic_channel"
    direct = "direct"
    interpol = "interpol"
    urgent_advance_copy = "urgent_advance_copy"
    email = "email"
    post = "post"


class DeadlineKind(StrEnum):
    acknowledgement = "acknowledgement"
    requested_deadline = "requested_deadline"
    additional_information_answer = "additional_information_answer"
    status_request_answer = "status_request_answer"
    postponement_end = "postponement_end"


# Citations of the deadlines: the figure is a policy (DOMAIN.md: outside the EU
# there is no fixed limit), the duty to act promptly is the convention's.
ACKNOWLEDGEMENT_CITATION = join(
    art(UNTOC, "18(24)"), para("56(c)"), "the requested authority's service target"
)
REQUESTED_DEADLINE_CITATION = art(UNTOC, "18(24)")
ADDITIONAL_INFORMATION_CITATION = art(UNTOC, "18(16)")
STATUS_REQUEST_CITATION = art(UNTOC, "18(24)")
POSTPONEMENT_CITATION = art(UNTOC, "18(25)")
CONDITIONS_CITATION = art(UNTOC, "18(26)")
CONFIDENTIALITY_CITATION = art(UNTOC, "18(20)")
LIMITS_ON_USE_CITATION = art(UNTOC, "18(19)")

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
FINISHED = frozenset({State.executed, State.refused, State.withdrawn, State.closed})


# ---------------------------------------------------------------------------
# The case, as the domain sees it


@dataclass(frozen=True)
class MeasureState:
    id: UUID
    measure: Measure
    details: str | None
    status: MeasureStatus


@dataclass(frozen=True)
class Case:
    id: UUID
    state: State
    version: int
    created_by_side: Side
    disclosed: bool
    counterpart_uses_comity: bool
    requesting_authority: str
    requested_authority: str
    executing_authority: str | None
    legal_bases: tuple[LegalBasis, ...]
    measures: tuple[MeasureState, ...]
    facts: RequestFacts
    language: str
    suggested_deadline: date | None = None
    resume_state: State | None = None
    reference: str | None = None

    @property
    def counterpart_side(self) -> Side:
        """The side of the authority that does not use Comity, in a one-sided case."""
        return Side.requested if self.created_by_side is Side.requesting else Side.requesting

    @property
    def one_sided(self) -> bool:
        return not self.counterpart_uses_comity


@dataclass(frozen=True)
class Actor:
    """Who acts: their side of the case and roles. A step of a counterpart outside
    Comity is taken by the counterpart's side, recorded by an officer of the other."""

    side: Side | None
    roles: frozenset[str]
    recorded: bool = False


@dataclass(frozen=True)
class Authority:
    """What the domain needs of an authority (from the directory)."""

    code: str
    country: str
    time_zone: str
    accepted_languages: tuple[str, ...] = ()
    withdrawn: bool = False

    @property
    def calendar(self) -> Calendar:
        return Calendar(self.code, self.country, self.time_zone)


@dataclass(frozen=True)
class Policy:
    """The figures a legal basis or the authority's policy picks (settings)."""

    acknowledgement_working_days: int = 10
    status_answer_working_days: int = 10
    additional_information_days: int = 30


@dataclass(frozen=True)
class Outcome:
    action: str
    state: State
    events: tuple[str, ...]
    changes: Mapping[str, Any] = field(default_factory=dict)
    deadlines: tuple[DeadlineOp, ...] = ()
    reason: str | None = None
    details: Mapping[str, Any] = field(default_factory=dict)
    reasons: tuple[str, ...] = ()
    assign_reference: bool = False
    measures: tuple[MeasureState, ...] | None = None


# ---------------------------------------------------------------------------
# The state machine


def _own_draft(case: Case, side: Side) -> bool:
    return case.created_by_side is side


def _shareable(case: Case, side: Side) -> bool:
    return drafts.shareable(
        own_draft=_own_draft(case, side),
        disclosed=case.disclosed,
        counterpart_uses_comity=case.counterpart_uses_comity,
    )


def _records_for_counterpart(case: Case, side: Side) -> bool:
    return case.one_sided and side is case.created_by_side


def _central_authority(case: Case, side: Side) -> bool:
    return side is Side.requested


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
            guard=_own_draft,
            description="Send a complete request (UNTOC art. 18(15))",
        ),
        Transition(
            Action.share_draft,
            frozenset({State.draft}),
            None,
            OFFICERS,
            REQUESTING,
            guard=_shareable,
            description="Show the draft to the requested authority to consult it first",
        ),
        Transition(
            Action.register,
            frozenset({State.draft}),
            State.received,
            OFFICERS,
            REQUESTED,
            guard=_own_draft,
            description="Register a request received outside Comity",
        ),
        Transition(
            Action.acknowledge,
            frozenset({State.sent, State.received}),
            State.acknowledged,
            OFFICERS,
            REQUESTED,
        ),
        Transition(
            Action.forward,
            frozenset({State.acknowledged, State.forwarded}),
            State.forwarded,
            OFFICERS,
            REQUESTED,
            guard=_central_authority,
        ),
        Transition(
            Action.request_additional_information,
            frozenset(
                {
                    State.sent,
                    State.received,
                    State.acknowledged,
                    State.forwarded,
                    State.in_execution,
                    State.partially_executed,
                }
            ),
            State.additional_information_requested,
            OFFICERS,
            REQUESTED_OR_EXECUTING,
        ),
        Transition(
            Action.answer_additional_information,
            frozenset({State.additional_information_requested}),
            None,
            OFFICERS,
            REQUESTING,
        ),
        Transition(
            Action.postpone,
            EXECUTABLE,
            State.postponed,
            SUPERVISORS,
            REQUESTED,
            description="Postpone execution (UNTOC art. 18(25))",
        ),
        Transition(Action.resume, frozenset({State.postponed}), None, OFFICERS, REQUESTED),
        Transition(
            Action.refuse,
            frozenset(ACTIVE),
            State.refused,
            SUPERVISORS,
            REQUESTED,
            description="Refuse assistance (UNTOC art. 18(21), (23), (26))",
        ),
        Transition(Action.execute_measure, EXECUTABLE, None, OFFICERS, REQUESTED_OR_EXECUTING),
        Transition(
            Action.close,
            frozenset({State.executed, State.refused, State.withdrawn}),
            State.closed,
            SUPERVISORS,
            frozenset({Side.requesting, Side.requested}),
        ),
        Transition(
            Action.withdraw,
            frozenset(ACTIVE | {State.draft}),
            State.withdrawn,
            OFFICERS,
            REQUESTING,
            guard=lambda case, side: case.state is not State.draft or _own_draft(case, side),
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
COUNTERPART_STEPS: Mapping[Side, frozenset[Action]] = {
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


def allowed_actions(case: Case, side: Side | None, roles: frozenset[str]) -> list[str]:
    return MACHINE.allowed_actions(case.state, side, roles, case)


def _check(action: Action, case: Case, actor: Actor, *, roles: bool = True) -> None:
    MACHINE.check(
        action.value,
        state=case.state,
        side=actor.side,
        roles=actor.roles if roles else None,
        case=case,
    )


def check_counterpart_step(case: Case, step: Action, actor: Actor) -> Actor:
    """The recorder may record ``step`` for the counterpart: the counterpart's actor."""
    _check(Action.record_counterpart_step, case, actor)
    side = case.counterpart_side
    if step not in COUNTERPART_STEPS[side]:
        allowed = ", ".join(sorted(a.value for a in COUNTERPART_STEPS[side]))
        raise UnprocessableContent(
            f"A {side.value} counterpart's step '{step.value}' cannot be recorded; "
            f"the steps of that side are: {allowed}",
            errors=[FieldError(pointer="/step", detail=f"one of {allowed}")],
        )
    # The counterpart's own officers took it: their roles are not ours to check.
    return Actor(side=side, roles=OFFICERS | SUPERVISORS, recorded=True)


# ---------------------------------------------------------------------------
# Drafting and sending


def _instant_of(day: date, tz: str) -> datetime:
    """A date of receipt as an instant: noon local time, so the local date is the day."""
    return datetime.combine(day, time(12), tzinfo=ZoneInfo(tz))


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
    requested: Authority,
    translations: Sequence[str],
    policy: Policy,
) -> Outcome:
    _check(Action.send, case, actor)
    check_authority(requested, pointer="/requested_authority")
    violations = sending_violations(case, requested=requested, translations=translations)
    if violations:
        missing = [v.pointer for v in violations if v.code == "request-incomplete"]
        detail = None
        if missing and len(missing) == len(violations):
            detail = (
                "The request cannot be sent until it contains every element UNTOC art. 18(15) "
                f"asks for; missing: {', '.join(p or '' for p in missing)}"
            )
        raise violations_problem(violations, detail=detail)
    return Outcome(
        action=Action.send,
        state=State.sent,
        events=("sent",),
        changes={"disclosed": True, "sent_at": now},
        deadlines=_intake_deadlines(case, start=now, requested=requested, policy=policy),
        assign_reference=True,
    )


def share_draft(case: Case, actor: Actor) -> Outcome:
    _check(Action.share_draft, case, actor)
    return Outcome(
        action=Action.share_draft,
        state=case.state,
        events=("draft_shared",),
        changes={"disclosed": True},
        reasons=(f"Prior consultation in complex or time-sensitive cases ({para('56(c)')}).",),
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
) -> Outcome:
    """A request that reached the requested authority outside Comity: its deadlines run
    from the date of receipt, exactly as for one sent through Comity."""
    _check(Action.register, case, actor)
    today = deadlines.local_date(now, requested.time_zone)
    if received_on > today:
        raise UnprocessableContent(
            f"The date of receipt {received_on.isoformat()} is after today ({today.isoformat()})",
            errors=[FieldError(pointer="/received_on", detail="not in the future")],
        )
    start = _instant_of(received_on, requested.time_zone)
    return Outcome(
        action=Action.register,
        state=State.received,
        events=("registered",),
        changes={
            "disclosed": True,
            "received_on": received_on,
            "received_via": received_via.value,
            "their_reference": their_reference,
        },
        deadlines=_intake_deadlines(case, start=start, requested=requested, policy=policy),
        details={"received_via": received_via.value, "received_on": received_on.isoformat()},
        assign_reference=True,
    )


def check_authority(authority: Authority, *, pointer: str) -> None:
    if authority.withdrawn:
        raise UnprocessableContent(
            f"The authority {authority.code} has been withdrawn from the directory; "
            "choose the authority that replaces it",
            code="authority-withdrawn",
            citation=para("64(b)"),
            errors=[FieldError(pointer=pointer, detail=f"{authority.code} is withdrawn")],
        )


# ---------------------------------------------------------------------------
# The requested side's steps


def acknowledge(case: Case, actor: Actor, *, now: datetime) -> Outcome:
    _check(Action.acknowledge, case, actor)
    return Outcome(
        action=Action.acknowledge,
        state=State.acknowledged,
        events=("acknowledged",),
        deadlines=(Close(frozenset({DeadlineKind.acknowledgement}), "acknowledged"),),
    )


def forward(case: Case, actor: Actor, *, executing: Authority, requested: Authority) -> Outcome:
    """To a prosecutor's office or court of the requested State, which becomes a party."""
    _check(Action.forward, case, actor)
    check_authority(executing, pointer="/executing_authority")
    if executing.country != requested.country or executing.code == requested.code:
        raise UnprocessableContent(
            f"A request is forwarded to an executing authority of the requested State "
            f"({requested.country}) other than the central authority; {executing.code} is "
            f"an authority of {executing.country}",
            code="executing-authority-not-domestic",
            errors=[
                FieldError(pointer="/executing_authority", detail="not of the requested State")
            ],
        )
    return Outcome(
        action=Action.forward,
        state=State.forwarded,
        events=("forwarded",),
        changes={"executing_authority": executing.code},
        details={"executing_authority": executing.code, "previous": case.executing_authority},
    )


def request_additional_information(
    case: Case,
    actor: Actor,
    *,
    now: datetime,
    questions: str,
    answer_within_days: int | None,
    requesting: Authority,
    policy: Policy,
) -> Outcome:
    """The requested side asks (UNTOC art. 18(16)); its clock pauses until the answer."""
    _check(Action.request_additional_information, case, actor)
    days = answer_within_days or policy.additional_information_days
    return Outcome(
        action=Action.request_additional_information,
        state=State.additional_information_requested,
        events=("additional_information_requested",),
        changes={"resume_state": case.state.value},
        deadlines=(
            Pause("additional information requested"),
            Open(
                deadlines.after_period(
                    DeadlineKind.additional_information_answer,
                    Period(days, "calendar_days"),
                    start=now,
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
) -> Outcome:
    _check(Action.answer_additional_information, case, actor)
    back = case.resume_state or State.acknowledged
    return Outcome(
        action=Action.answer_additional_information,
        state=back,
        events=("additional_information_answered",),
        changes={"resume_state": None},
        deadlines=(
            Close(frozenset({DeadlineKind.additional_information_answer}), "answered"),
            Resume("additional information answered"),
        ),
        reason=answer,
        details={"document_ids": [str(d) for d in document_ids]},
    )


def _consultation(
    *, topic_held: bool, no_consultation_reason: str | None, action: str
) -> tuple[list[Violation], list[str]]:
    decision = consultation_requirement(
        has_consultation_on_topic=topic_held,
        no_consultation_reason=no_consultation_reason,
        action="refusal" if action == "refusal" else "postponement",
    )
    return list(decision.violations), list(decision.reasons)


def postpone(
    case: Case,
    actor: Actor,
    *,
    now: datetime,
    reasons: str | None,
    until: date | None,
    consultation_held: bool,
    no_consultation_reason: str | None,
    requested: Authority,
) -> Outcome:
    """UNTOC art. 18(25): execution would interfere with an ongoing investigation,
    prosecution or proceeding; a prior consultation (18(26)) or a recorded reason."""
    _check(Action.postpone, case, actor)
    decision = merge(
        assess_postponement(reasons=reasons, bases=[b.kind for b in case.legal_bases]),
        consultation_requirement(
            has_consultation_on_topic=consultation_held,
            no_consultation_reason=no_consultation_reason,
            action="postponement",
        ),
    )
    violations = list(decision.violations)
    if until is not None and until <= deadlines.local_date(now, requested.time_zone):
        violations.append(
            Violation(
                code="validation-error",
                message="A postponement ends on a later day than today.",
                citation=POSTPONEMENT_CITATION,
                pointer="/until",
            )
        )
    if violations:
        raise violations_problem(violations)
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
    return Outcome(
        action=Action.postpone,
        state=State.postponed,
        events=("postponed",),
        changes={
            "resume_state": case.state.value,
            "decisions.postponement": {
                "until": until.isoformat() if until else None,
                "reasons": reasons,
                "consultation_held": consultation_held,
                "no_consultation_reason": no_consultation_reason,
            },
        },
        deadlines=tuple(ops),
        reason=reasons,
        details={"until": until.isoformat() if until else None},
        reasons=decision.reasons,
    )


def resume(case: Case, actor: Actor) -> Outcome:
    _check(Action.resume, case, actor)
    back = case.resume_state or State.acknowledged
    return Outcome(
        action=Action.resume,
        state=back,
        events=("resumed",),
        changes={"resume_state": None},
        deadlines=(Close(frozenset({DeadlineKind.postponement_end}), "resumed"),),
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
    consultation_held: bool,
    no_consultation_reason: str | None,
    dual_criminality: DualCriminalityRule,
) -> Outcome:
    """Refusal: grounds from the catalogue of the request's legal bases (UNTOC art.
    18(21); 1988 art. 7(15)), reasons (18(23); 7(16)) and a prior consultation (18(26)).

    Bank secrecy and the fiscal nature of the offence are never grounds (1988 art.
    7(5); UNTOC art. 18(8), (22)): that answer comes first, to whoever tries, before
    the question whether the caller may refuse at all.
    """
    _check(Action.refuse, case, actor, roles=False)
    violations = refusal_violations(
        case, grounds=grounds, reasons=reasons, dual_criminality=dual_criminality
    )
    never = [v for v in violations if v.code == "forbidden-refusal-ground"]
    if never:
        raise violations_problem(never)
    MACHINE.require_roles(Action.refuse, actor.roles)
    consultation, notes = _consultation(
        topic_held=consultation_held,
        no_consultation_reason=no_consultation_reason,
        action="refusal",
    )
    violations += consultation
    if violations:
        raise violations_problem(violations)
    bases = [b.kind for b in case.legal_bases]
    citations = sorted(
        {
            rule.citation
            for kind in bases
            for ground in grounds
            if (rule := catalogue(kind).get(ground)) is not None
        }
    )
    return Outcome(
        action=Action.refuse,
        state=State.refused,
        events=("refused",),
        changes={
            "decisions.refusal": {
                "grounds": [g.value for g in grounds],
                "citations": citations,
                "reasons": reasons,
                "consultation_held": consultation_held,
                "no_consultation_reason": no_consultation_reason,
            }
        },
        deadlines=(Close(None, "refused", waived=True),),
        reason=reasons,
        details={"grounds": [g.value for g in grounds], "citations": citations},
        reasons=tuple(notes),
    )


def execute_measure(
    case: Case,
    actor: Actor,
    *,
    now: datetime,
    measure_id: UUID,
    outcome: ExecutionOutcome,
    reasons: str | None,
    conditions: str | None,
    document_ids: Sequence[UUID],
) -> Outcome:
    """A delivery for one measure: part of it, all of it, or declined with reasons.
    The request is executed when every measure is executed or declined."""
    _check(Action.execute_measure, case, actor)
    index = next((i for i, m in enumerate(case.measures) if m.id == measure_id), None)
    if index is None:
        raise UnprocessableContent(
            f"The request has no measure {measure_id}",
            code="unknown-measure",
            errors=[FieldError(pointer="/measure_id", detail="not a measure of this request")],
        )
    measure = case.measures[index]
    if measure.status in FINAL_MEASURE:
        raise Conflict(
            f"The measure {measure.measure.value} is already {measure.status.value}",
            code="measure-already-final",
        )
    if outcome is ExecutionOutcome.declined and (reasons is None or not reasons.strip()):
        raise violations_problem(
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
    measures = list(case.measures)
    measures[index] = replace(measure, status=status)
    if all(m.status in FINAL_MEASURE for m in measures):
        state = State.executed
    elif any(
        m.status in (MeasureStatus.partially_executed, MeasureStatus.executed) for m in measures
    ):
        state = State.partially_executed
    else:
        state = State.in_execution
    events: tuple[str, ...] = ("measure_executed",)
    ops: tuple[DeadlineOp, ...] = ()
    if state is State.executed:
        events += ("executed",)
        ops = (
            Close(
                frozenset({DeadlineKind.acknowledgement, DeadlineKind.requested_deadline}),
                "executed",
            ),
        )
    return Outcome(
        action=Action.execute_measure,
        state=state,
        events=events,
        deadlines=ops,
        reason=reasons,
        details={
            "measure_id": str(measure_id),
            "measure": measure.measure.value,
            "outcome": outcome.value,
            "conditions": conditions,
            "document_ids": [str(d) for d in document_ids],
            "at": now.isoformat(),
        },
        reasons=(f"Assistance subject to conditions ({CONDITIONS_CITATION}).",)
        if conditions
        else (),
        measures=tuple(measures),
    )


# ---------------------------------------------------------------------------
# Ending a request


def close(case: Case, actor: Actor, *, reason: str | None) -> Outcome:
    _check(Action.close, case, actor)
    return Outcome(
        action=Action.close,
        state=State.closed,
        events=("closed",),
        deadlines=(Close(None, "closed", waived=True),),
        reason=reason,
    )


def withdraw(case: Case, actor: Actor, *, reason: str) -> Outcome:
    _check(Action.withdraw, case, actor)
    return Outcome(
        action=Action.withdraw,
        state=State.withdrawn,
        events=("withdrawn",),
        deadlines=(Close(None, "withdrawn", waived=True),),
        reason=reason,
    )


# ---------------------------------------------------------------------------
# Consultations and status requests: not transitions, but rules on who and when


def may_consult(case: Case, side: Side | None, topic: ConsultationTopic | None = None) -> None:
    """Either party opens a consultation once the other can see the case; a draft
    is consulted on before it is sent (Plan of Action para. 56(c))."""
    if side not in (Side.requesting, Side.requested, Side.executing):
        raise Conflict(
            "Only the authorities party to the request consult on it", code="invalid-transition"
        )
    if not case.disclosed:
        raise Conflict(
            "Share the draft with the requested authority before consulting it",
            code="invalid-transition",
            extensions={"state": case.state.value, "allowed_actions": ["share-draft"]},
        )
    if case.state in (State.closed, State.withdrawn):
        raise Conflict(
            f"The request is {case.state.value}: there is nothing left to consult on",
            code="invalid-transition",
            extensions={"state": case.state.value, "allowed_actions": []},
        )
    if topic is ConsultationTopic.before_sending and case.state is not State.draft:
        raise UnprocessableContent(
            "A consultation before sending is held on a draft",
            errors=[FieldError(pointer="/topic", detail="the request has been sent")],
        )


def may_ask_status(case: Case, side: Side | None) -> None:
    """UNTOC art. 18(24): the requesting State asks about progress while it is pending."""
    if side is not Side.requesting or case.state not in ACTIVE:
        raise Conflict(
            "The requesting side asks for the status of a request while it is pending",
            code="invalid-transition",
            extensions={"state": case.state.value, "allowed_actions": []},
        )


def status_request_deadline(
    *, now: datetime, requested: Authority, policy: Policy, status_request_id: UUID
) -> Open:
    return Open(
        deadlines.after_period(
            DeadlineKind.status_request_answer,
            Period(policy.status_answer_working_days, "working_days"),
            start=now,
            calendar=requested.calendar,
            side=Side.requested,
            citation=STATUS_REQUEST_CITATION,
            subject_id=status_request_id,
        )
    )


def may_answer_status(case: Case, side: Side | None) -> None:
    if side not in (Side.requested, Side.executing):
        raise Conflict(
            "The requested side answers status requests",
            code="invalid-transition",
            extensions={"state": case.state.value, "allowed_actions": []},
        )


def may_edit_draft(case: Case, side: Side | None) -> None:
    drafts.may_edit_draft(case.state.value, created_by_side=case.created_by_side, side=side)


def may_add_to_case(case: Case, side: Side | None) -> None:
    """Persons, documents and links: any party, while the request is not closed."""
    if side not in (Side.requesting, Side.requested, Side.executing):
        raise Conflict(
            "Liaison officers follow a request; they do not change it",
            code="invalid-transition",
            extensions={"state": case.state.value, "allowed_actions": []},
        )
    if case.state is State.closed:
        raise Conflict(
            "The request is closed",
            code="invalid-transition",
            extensions={"state": case.state.value, "allowed_actions": []},
        )
