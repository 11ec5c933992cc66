"""The extradition domain, pure: the state machine and the wiring of the legal rules.

DOMAIN.md "Extradition" (Plan of Action paras. 52-54). Nothing here reads the
clock, the database or the network: the case's facts, the caller's side and
roles and ``now`` come in; a state, deadlines to open or close, and the reasons
with their citations come out. The rules themselves are in
:mod:`shared.legal.extradition` and :mod:`shared.legal.dual_criminality`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from shared.calendar import Period
from shared.casework import drafts
from shared.casework.deadlines import Calendar, DeadlinePlan, after_period, on_date
from shared.casework.rules import violations_problem
from shared.casework.state_machine import (
    EITHER,
    REQUESTED,
    REQUESTING,
    Side,
    StateMachine,
    Transition,
)
from shared.legal.citations import art, join
from shared.legal.dual_criminality import (
    DualCriminalityAssessment,
    DualCriminalityFacts,
    Outcome,
    Purpose,
    assess_dual_criminality,
)
from shared.legal.extradition import (
    BasisParameterMissing,
    DeadlineKind,
    ExtraditionBasis,
    ExtraditionBasisKind,
    ExtraditionDeadline,
    ExtraditionRefusalGround,
    Obligation,
    assess_eaw_extension,
    assess_extradition_refusal,
    deadlines_at_arrest,
    dual_criminality_standard,
    eaw_decision_due,
    eaw_decision_due_after_consent,
    eaw_surrender_due_on_new_date,
    extend_eaw_decision,
    extradite_or_prosecute,
    refusal_consultation_requirement,
    surrender_due,
)
from shared.legal.offences import OffenceCategory
from shared.legal.rules import Decision, Violation, merge
from shared.problems import Conflict, UnprocessableContent

OFFICERS = frozenset({"case_officer", "supervisor"})
SUPERVISORS = frozenset({"supervisor"})


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
_OPEN = frozenset({*_BEFORE_DECISION, S.admissible, S.granted, S.surrender_agreed, S.draft})


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


@dataclass(frozen=True)
class Case:
    """What the rules read of a request."""

    state: State
    created_by_side: Side
    counterpart_uses_comity: bool
    arrested: bool
    court_ruled_admissible: bool
    open_speciality_requests: int
    # Shown to the requested authority: sent, or a draft shared for prior consultation.
    disclosed: bool = False


def _own_draft(case: Case, side: Side) -> bool:
    return case.created_by_side is side


def _shareable(case: Case, side: Side) -> bool:
    return drafts.shareable(
        own_draft=_own_draft(case, side),
        disclosed=case.disclosed,
        counterpart_uses_comity=case.counterpart_uses_comity,
    )


def _not_arrested(case: Case, side: Side) -> bool:
    return not case.arrested


def _one_sided_or_requesting(case: Case, side: Side) -> bool:
    # The requested side records the formal request by hand only when the
    # requesting State does not use Comity (DESIGN.md "Counterparts").
    return side is Side.requesting or not case.counterpart_uses_comity


def _speciality_pending(case: Case, side: Side) -> bool:
    return case.open_speciality_requests > 0


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
            guard=_own_draft,
            description="Send the request: provisional arrest first, or the formal request",
        ),
        _t(
            Action.share_draft,
            [S.draft],
            None,
            REQUESTING,
            guard=_shareable,
            description="Show the draft to the requested authority to consult it first "
            "(Plan of Action para. 56(c))",
        ),
        _t(
            Action.register,
            [S.draft],
            None,
            REQUESTED,
            guard=_own_draft,
            description="Register a request received outside Comity",
        ),
        _t(
            Action.record_arrest,
            [S.provisional_arrest_requested, S.under_consideration],
            None,
            REQUESTED,
            guard=_not_arrested,
            description="The person sought was arrested: the time limits start",
        ),
        _t(
            Action.extend_formal_request_deadline,
            [S.provisionally_arrested],
            None,
            REQUESTED,
            description="A new due date for the formal request, with the reason",
        ),
        _t(
            Action.extend_eaw_decision,
            [S.under_consideration, S.consented, S.admissible],
            None,
            REQUESTED,
            description="Extend the EAW decision limit by 30 days, giving reasons (art. 17(4))",
        ),
        _t(
            Action.submit_formal_request,
            [S.provisional_arrest_requested, S.provisionally_arrested],
            S.under_consideration,
            frozenset({Side.requesting, Side.requested}),
            guard=_one_sided_or_requesting,
            description="The formal request after the provisional arrest",
        ),
        _t(
            Action.release,
            [S.provisionally_arrested],
            S.released,
            REQUESTED,
            description="Check the formal-request limit; release the person once it has passed",
        ),
        _t(
            Action.assess_dual_criminality,
            [*_BEFORE_DECISION, S.admissible],
            None,
            REQUESTED,
            description="Assess dual criminality offence by offence; re-run when facts change",
        ),
        _t(
            Action.record_consent,
            [S.provisionally_arrested, S.under_consideration],
            S.consented,
            REQUESTED,
            description="The person consents to simplified surrender",
        ),
        _t(
            Action.record_court_ruling,
            [S.under_consideration, S.provisionally_arrested],
            None,
            REQUESTED,
            description="The court's ruling on admissibility, with appeals",
        ),
        _t(
            Action.grant,
            [S.under_consideration, S.admissible, S.consented],
            S.granted,
            REQUESTED,
            description="The executive grants extradition: whole, partial, conditional",
        ),
        _t(
            Action.refuse,
            [*(_BEFORE_DECISION - {S.provisional_arrest_requested}), S.admissible],
            S.refused,
            REQUESTED,
            roles=SUPERVISORS,
            description="Refuse on grounds of the catalogue, after a consultation",
        ),
        _t(
            Action.agree_surrender,
            [S.granted, S.surrender_agreed],
            S.surrender_agreed,
            EITHER,
            description="Date, place and escorting authority of the surrender",
        ),
        _t(
            Action.postpone_surrender,
            [S.granted, S.surrender_agreed],
            None,
            REQUESTED,
            roles=SUPERVISORS,
            description="Postponed or temporary surrender, with reasons",
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
            description="Ask consent to prosecute further offences (speciality)",
        ),
        _t(
            Action.decide_speciality_consent,
            [S.surrendered, S.closed],
            None,
            REQUESTED,
            roles=SUPERVISORS,
            guard=_speciality_pending,
            description="Decide a request for consent under the rule of speciality",
        ),
        _t(
            Action.withdraw,
            [s for s in _OPEN if s is not S.draft],
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


def allowed_actions(case: Case, side: Side, roles: Iterable[str]) -> list[str]:
    return MACHINE.allowed_actions(case.state.value, side, roles, case)


def check(action: Action, case: Case, side: Side, roles: Iterable[str] | None) -> State | None:
    """The state ``action`` leads to (None: the domain decides), or a 409/403 problem."""
    transition = MACHINE.check(
        action.value, state=case.state.value, side=side, roles=roles, case=case
    )
    return State(transition.target) if transition.target is not None else None


def require_roles(action: Action, roles: Iterable[str]) -> None:
    MACHINE.require_roles(action.value, roles)


def raise_if(decision: Decision) -> None:
    if not decision.ok:
        raise violations_problem(decision.violations)


# ---------------------------------------------------------------------------
# Legal bases and time limits


def primary_basis(bases: Sequence[ExtraditionBasis]) -> ExtraditionBasis:
    """The basis the time limits and thresholds are taken from: a bilateral treaty or
    a regional instrument before the conventions (Plan of Action para. 54(a): the
    conventions serve where no treaty exists)."""
    order = [
        ExtraditionBasisKind.eaw,
        ExtraditionBasisKind.bilateral_treaty,
        ExtraditionBasisKind.ece,
        ExtraditionBasisKind.mte,
    ]
    for kind in order:
        for basis in bases:
            if basis.kind is kind:
                return basis
    return bases[0]


def _missing(error: BasisParameterMissing, pointer: str) -> UnprocessableContent:
    return violations_problem(
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


EXTENSION_CITATION = "the legal basis or the requested State's law (verify)"


def extended_formal_request_deadline(
    *, new_due: Any, now: datetime, calendar: Calendar, citation: str
) -> DeadlinePlan:
    """A new due date for the formal request, fixed by the requested State."""
    return on_date(
        "formal_request",
        new_due,
        start=now,
        calendar=calendar,
        side=Side.requesting,
        citation=citation,
    )


def consent_deadlines(
    bases: Sequence[ExtraditionBasis], *, consented_at: datetime, requested: Calendar
) -> list[DeadlinePlan]:
    """EAW art. 17(2): the final decision within 10 days after consent."""
    basis = primary_basis(bases)
    if basis.kind is not ExtraditionBasisKind.eaw:
        return []
    found = eaw_decision_due_after_consent(
        consented_at=consented_at, country=requested.country, tz=requested.time_zone
    )
    return [_plan(found, requested, Side.requested)]


def surrender_deadline(
    bases: Sequence[ExtraditionBasis], *, final_decision_at: datetime, requested: Calendar
) -> DeadlinePlan | None:
    """The surrender limit from the final decision, where the basis gives one."""
    basis = primary_basis(bases)
    try:
        found = surrender_due(
            basis,
            final_decision_at=final_decision_at,
            country=requested.country,
            tz=requested.time_zone,
        )
    except BasisParameterMissing:
        return None
    return _plan(found, requested, Side.requested)


def new_surrender_date_deadline(
    bases: Sequence[ExtraditionBasis], *, agreed_date: date, requested: Calendar
) -> DeadlinePlan | None:
    """EAW art. 23(3): surrender prevented by circumstances beyond control; within 10 days
    of the new date agreed. Other bases: the new date only, no limit of their own."""
    if primary_basis(bases).kind is not ExtraditionBasisKind.eaw:
        return None
    found = eaw_surrender_due_on_new_date(
        agreed_date=agreed_date, country=requested.country, tz=requested.time_zone
    )
    return _plan(found, requested, Side.requested)


def extended_eaw_decision(
    kind: str,
    *,
    started_at: datetime,
    extended: bool,
    reasons: str | None,
    requested: Calendar,
) -> DeadlinePlan:
    """The EAW decision limit of ``kind`` (art. 17(3), or 17(2) after consent) extended
    by 30 days, once, with the reasons given to the issuing authority (art. 17(4))."""
    country, tz = requested.country, requested.time_zone
    if kind == DeadlineKind.eaw_decision:
        base = eaw_decision_due(arrested_at=started_at, country=country, tz=tz)
    else:
        base = eaw_decision_due_after_consent(consented_at=started_at, country=country, tz=tz)
    if extended:
        base = replace(base, extended=True)
    raise_if(assess_eaw_extension(base, reasons=reasons))
    return _plan(extend_eaw_decision(base), requested, Side.requested)


# ---------------------------------------------------------------------------
# Dual criminality


@dataclass(frozen=True)
class OffenceFacts:
    """One offence of the request, with what the requested officer entered for it."""

    conduct: str
    category: OffenceCategory | None
    requesting_provision: str
    requesting_max_penalty_months: int | None
    requested_provision: str | None = None
    requested_max_penalty_months: int | None = None
    conduct_punishable_in_requested_state: bool | None = None


def assess_offences(
    offences: Sequence[OffenceFacts],
    *,
    purpose: Purpose,
    sentence_imposed_months: int | None,
    sentence_remaining_months: int | None,
    bases: Sequence[ExtraditionBasis],
) -> tuple[Outcome, list[DualCriminalityAssessment]]:
    """Each offence assessed under the primary basis's standard; the request's outcome
    is the worst of them (one offence not satisfied is a partial grant at best)."""
    standard = dual_criminality_standard(primary_basis(bases))
    results = [
        assess_dual_criminality(
            DualCriminalityFacts(
                conduct=o.conduct,
                purpose=purpose,
                offence_category=o.category,
                requesting_provision=o.requesting_provision,
                requesting_max_penalty_months=o.requesting_max_penalty_months,
                requested_provision=o.requested_provision,
                requested_max_penalty_months=o.requested_max_penalty_months,
                sentence_imposed_months=sentence_imposed_months,
                sentence_remaining_months=sentence_remaining_months,
                conduct_punishable_in_requested_state=o.conduct_punishable_in_requested_state,
                standard=standard,
            )
        )
        for o in offences
    ]
    outcomes = {r.outcome for r in results}
    for worst in (Outcome.not_satisfied, Outcome.needs_review):
        if worst in outcomes:
            return worst, results
    return Outcome.satisfied, results


# ---------------------------------------------------------------------------
# Refusal


NATIONALITY_CITATION = join(
    "UNODC Model Law on Extradition (2004), s.11",
    art("Model Treaty on Extradition (GA res. 45/116)", "4(a)"),
)


def refusal_decision(
    *,
    grounds: Sequence[ExtraditionRefusalGround],
    reasons: str | None,
    offence_categories: Sequence[OffenceCategory],
    bases: Sequence[ExtraditionBasisKind],
    purpose: Purpose,
    has_consultation: bool,
    no_consultation_reason: str | None,
    person_nationalities: Sequence[str],
    requested_country: str,
) -> Decision:
    """Whether the refusal may be recorded: the grounds of the catalogue (the fiscal
    nature of the offence alone never is one: UNTOC art. 16(15)), reasons, the prior
    consultation (UNTOC art. 16(16)) and, for nationality, that the person is a
    national of the requested State (Model Law s.11)."""
    nationality: list[Violation] = []
    if (
        ExtraditionRefusalGround.nationality in grounds
        and requested_country not in person_nationalities
    ):
        nationality.append(
            Violation(
                code="nationality-ground-not-met",
                message=(
                    "Extradition is refused on nationality only when the person sought is a "
                    f"national of the requested State ({NATIONALITY_CITATION}); the person's "
                    f"recorded nationalities do not include {requested_country}."
                ),
                citation=NATIONALITY_CITATION,
                pointer=f"/grounds/{list(grounds).index(ExtraditionRefusalGround.nationality)}",
            )
        )
    return merge(
        assess_extradition_refusal(
            grounds=grounds,
            reasons=reasons,
            offence_categories=offence_categories,
            bases=bases,
            purpose=purpose,
        ),
        refusal_consultation_requirement(
            has_consultation_on_topic=has_consultation,
            no_consultation_reason=no_consultation_reason,
        ),
        Decision.of(nationality),
    )


def obligations(grounds: Sequence[ExtraditionRefusalGround], purpose: Purpose) -> list[Obligation]:
    """What the refusal leaves the requested State to do (extradite or prosecute)."""
    return list(extradite_or_prosecute(grounds, purpose))


# ---------------------------------------------------------------------------
# Sub-resources


STATUS_REQUEST_CITATION = "Plan of Action para. 56(c); the requested authority's service target"
_FINISHED = frozenset({State.closed, State.withdrawn})


def _no_change(state: State, detail: str) -> Conflict:
    return Conflict(
        detail,
        code="invalid-transition",
        extensions={"state": state.value, "allowed_actions": []},
    )


def may_edit_draft(case: Case, side: Side) -> None:
    """Only the drafting side edits a request, and only while it is a draft (409)."""
    drafts.may_edit_draft(case.state.value, created_by_side=case.created_by_side, side=side)


def may_add_to_case(state: State, side: Side) -> None:
    """Persons, documents, links, liaison officers: either party, until the case is closed."""
    if side not in (Side.requesting, Side.requested):
        raise _no_change(state, "Liaison officers follow a request; they do not change it")
    if state in _FINISHED:
        raise _no_change(state, f"The request is {state.value}")


def may_ask_status(state: State, side: Side, *, disclosed: bool) -> None:
    """The requesting side asks about progress while the request is pending."""
    if side is not Side.requesting or not disclosed or state in {*_FINISHED, State.draft}:
        raise _no_change(
            state, "The requesting side asks for the status of a request while it is pending"
        )


def may_answer_status(state: State, side: Side) -> None:
    if side is not Side.requested:
        raise _no_change(state, "The requested side answers status requests")


def status_request_deadline(
    *, now: datetime, requested: Calendar, working_days: int, status_request_id: Any
) -> DeadlinePlan:
    return after_period(
        "status_request_answer",
        Period(working_days, "working_days"),
        start=now,
        calendar=requested,
        side=Side.requested,
        citation=STATUS_REQUEST_CITATION,
        subject_id=status_request_id,
    )
