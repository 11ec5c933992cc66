"""Extradition time limits: the formal request after a provisional arrest, the EAW
decision and surrender limits.

Every limit is computed only through :func:`shared.calendar.due`, on the local
date of the event in the requested State's time zone, the event's own day not
counted unless the basis says so (``first_day_counted``). Every limit here
keeps a person in custody or decides on it, so none ever rolls to the next
working day (docs/architecture.md "Casework": custody limits never roll).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time
from enum import StrEnum
from zoneinfo import ZoneInfo

from shared.calendar import CountingRule, DueDate, Period, due
from shared.legal.citations import art, join, section
from shared.legal.dual_criminality import ECE, MTE
from shared.legal.extradition.bases import (
    BasisParameter,
    BasisParameterMissing,
    ExtraditionBasis,
    ExtraditionBasisKind,
    basis_provision,
    counts_first_day,
    int_parameter,
)
from shared.legal.offences import EAW
from shared.legal.rules import Decision, Violation


class DeadlineKind(StrEnum):
    """An extradition time limit. Values are stored: never renamed."""

    # ECE art. 16(4): the person may be released if the formal request has not
    # arrived within this limit.
    formal_request_release_possible = "formal_request_release_possible"
    # The person is released if the formal request has not arrived: MTE [40]
    # days; ECE 40 days at most; a treaty's own figure.
    formal_request = "formal_request"
    eaw_decision = "eaw_decision"  # EAW art. 17(3): 60 days after arrest
    eaw_decision_after_consent = "eaw_decision_after_consent"  # EAW art. 17(2): 10 days
    # ECE Third Additional Protocol art. 6(1): say within 10 days of the provisional
    # arrest whether the person consents to extradition.
    consent_notification = "consent_notification"
    surrender = "surrender"  # EAW art. 23(2): 10 days after the final decision
    surrender_new_date = "surrender_new_date"  # EAW art. 23(3): 10 days from a new date


def custody_rule(*, first_day_counted: bool = False) -> CountingRule:
    """The counting rule of every custody limit: it never rolls to a working day."""
    return CountingRule(first_day_counted=first_day_counted, roll_to_working_day=False)


@dataclass(frozen=True, slots=True)
class ExtraditionDeadline:
    """A time limit computed from an event, with where it comes from.

    ``started_at``, ``period``, ``rule`` and ``due`` are the fields of
    :class:`shared.casework.deadlines.DeadlinePlan`; the service adds the
    responsible side and the calendar (``country`` and ``due.tz``).
    """

    kind: DeadlineKind
    started_at: datetime
    local_start_date: date
    """The local date of the event in ``due.tz``: what the count starts from."""
    period: Period
    rule: CountingRule
    due: DueDate
    country: str
    citation: str
    message: str
    extended: bool = False


def _deadline(
    kind: DeadlineKind,
    *,
    start: datetime,
    days: int,
    country: str,
    tz: str,
    first_day_counted: bool,
    citation: str,
    what: str,
    extended: bool = False,
) -> ExtraditionDeadline:
    period = Period(days, "calendar_days")
    rule = custody_rule(first_day_counted=first_day_counted)
    due_date = due(start, period, country=country, tz=tz, rule=rule)
    local_start = start.astimezone(ZoneInfo(tz)).date()
    counted = "counted from that day" if first_day_counted else "not counting that day"
    message = (
        f"{what}: {days} days from {local_start.isoformat()} (local date in {tz}, {counted}), "
        f"due by the end of {due_date.date.isoformat()}; a custody limit never moves to the "
        f"next working day ({citation})."
    )
    return ExtraditionDeadline(
        kind=kind,
        started_at=start,
        local_start_date=local_start,
        period=period,
        rule=rule,
        due=due_date,
        country=country,
        citation=citation,
        message=message,
        extended=extended,
    )


@dataclass(frozen=True, slots=True)
class ProvisionalArrestLimits:
    """What runs from a provisional arrest until the formal request arrives."""

    formal_request: ExtraditionDeadline
    """The person is released if the request has not arrived (MTE [40]; ECE 40; a treaty's)."""
    release_possible: ExtraditionDeadline | None = None
    """ECE art. 16(4): release possible from then (18 days); None where the basis has none."""

    @property
    def formal_request_due(self) -> DueDate:
        """The date to show on the request: the first limit after which the person
        may walk free (ECE: 18 days, else the release limit)."""
        return (self.release_possible or self.formal_request).due

    @property
    def deadlines(self) -> tuple[ExtraditionDeadline, ...]:
        return tuple(d for d in (self.release_possible, self.formal_request) if d is not None)


def provisional_arrest_limits(
    basis: ExtraditionBasis, *, arrested_at: datetime, country: str, tz: str
) -> ProvisionalArrestLimits:
    """The formal-request limits that run from a provisional arrest at ``arrested_at``
    in the requested State (``country``, its IANA ``tz``).

    MTE: released after [40] days (parameter ``provisional_arrest_days``, art.
    9(4) (verify)); ECE art. 16(4): release possible after 18 days, never beyond
    40; a bilateral treaty, a convention, reciprocity or domestic law: the
    figure recorded on the basis (e.g. United States-Mexico 1978: 60 days, art.
    11 (verify)). The EAW has no formal request: use :func:`deadlines_at_arrest`
    or :func:`eaw_decision_due`. Raises :class:`BasisParameterMissing` when the
    basis records no figure.
    """
    if basis.kind is ExtraditionBasisKind.eaw:
        raise ValueError(
            "a European arrest warrant has no formal request after arrest; the decision "
            f"limits of {art(EAW, '17')} apply (eaw_decision_due)"
        )
    days = int_parameter(basis, BasisParameter.provisional_arrest_days)
    if days is None:
        raise BasisParameterMissing(
            basis,
            BasisParameter.provisional_arrest_days,
            "the time limit for the formal request after a provisional arrest",
        )
    first_day = counts_first_day(basis)
    formal = _deadline(
        DeadlineKind.formal_request,
        start=arrested_at,
        days=days,
        country=country,
        tz=tz,
        first_day_counted=first_day,
        citation=basis_provision(basis, BasisParameter.provisional_arrest_days),
        what="Formal request due: the person provisionally arrested is released if it has not "
        "been received",
    )
    possible_days = int_parameter(basis, BasisParameter.provisional_arrest_release_possible_days)
    possible = None
    if possible_days is not None:
        possible = _deadline(
            DeadlineKind.formal_request_release_possible,
            start=arrested_at,
            days=possible_days,
            country=country,
            tz=tz,
            first_day_counted=first_day,
            citation=basis_provision(
                basis, BasisParameter.provisional_arrest_release_possible_days
            ),
            what="Formal request expected: the person provisionally arrested may be released if "
            "it has not been received",
        )
    return ProvisionalArrestLimits(formal_request=formal, release_possible=possible)


ECE_3AP = f"{ECE}, Third Additional Protocol (CETS 209)"
ECE_CONSENT_NOTIFICATION_DAYS = 10


def ece_consent_notification_due(
    *, arrested_at: datetime, country: str, tz: str
) -> ExtraditionDeadline:
    """ECE Third Additional Protocol art. 6(1): the requested Party tells the
    requesting Party, at the latest 10 days after the provisional arrest, whether
    the person consents to extradition (simplified extradition)."""
    return _deadline(
        DeadlineKind.consent_notification,
        start=arrested_at,
        days=ECE_CONSENT_NOTIFICATION_DAYS,
        country=country,
        tz=tz,
        first_day_counted=False,
        citation=art(ECE_3AP, "6(1)"),
        what="Notice to the requesting Party whether the person consents to extradition due",
    )


EAW_DECISION_DAYS = 60
EAW_DECISION_AFTER_CONSENT_DAYS = 10
EAW_EXTENSION_DAYS = 30
EAW_SURRENDER_DAYS = 10


def eaw_decision_due(*, arrested_at: datetime, country: str, tz: str) -> ExtraditionDeadline:
    """EAW art. 17(3): the final decision within 60 days after the arrest."""
    return _deadline(
        DeadlineKind.eaw_decision,
        start=arrested_at,
        days=EAW_DECISION_DAYS,
        country=country,
        tz=tz,
        first_day_counted=False,
        citation=art(EAW, "17(3)"),
        what="Final decision on the European arrest warrant due",
    )


def eaw_decision_due_after_consent(
    *, consented_at: datetime, country: str, tz: str
) -> ExtraditionDeadline:
    """EAW art. 17(2): the final decision within 10 days after the person consents."""
    return _deadline(
        DeadlineKind.eaw_decision_after_consent,
        start=consented_at,
        days=EAW_DECISION_AFTER_CONSENT_DAYS,
        country=country,
        tz=tz,
        first_day_counted=False,
        citation=art(EAW, "17(2)"),
        what="Final decision on the European arrest warrant due after consent to surrender",
    )


_EXTENDABLE = (DeadlineKind.eaw_decision, DeadlineKind.eaw_decision_after_consent)
EXTENSION_CITATION = art(EAW, "17(4)")


def assess_eaw_extension(deadline: ExtraditionDeadline, *, reasons: str | None) -> Decision:
    """Whether ``deadline`` may be extended by 30 days (EAW art. 17(4)).

    Only the decision limits of art. 17(2)-(3) extend, once; the executing
    authority informs the issuing authority, giving the reasons for the delay.
    Violations: ``extension-not-available``, ``reasons-required``.
    """
    violations: list[Violation] = []
    if deadline.kind not in _EXTENDABLE or deadline.extended:
        why = "it was extended already" if deadline.extended else "it is not a decision limit"
        violations.append(
            Violation(
                code="extension-not-available",
                message=(
                    "Only the time limits for the final decision on a European arrest warrant "
                    f"may be extended, once, by {EAW_EXTENSION_DAYS} days: {why} "
                    f"({EXTENSION_CITATION})."
                ),
                citation=EXTENSION_CITATION,
                pointer="/deadline",
            )
        )
    if reasons is None or not reasons.strip():
        violations.append(
            Violation(
                code="reasons-required",
                message=(
                    "To extend the time limit, inform the issuing judicial authority of the "
                    f"reasons for the delay ({EXTENSION_CITATION})."
                ),
                citation=EXTENSION_CITATION,
                pointer="/reasons",
            )
        )
    return Decision.of(
        violations,
        [f"The time limit may be extended by {EAW_EXTENSION_DAYS} days ({EXTENSION_CITATION})."]
        if not violations
        else [],
    )


def extend_eaw_decision(deadline: ExtraditionDeadline) -> ExtraditionDeadline:
    """``deadline`` extended by 30 days from the same event (EAW art. 17(4)).

    Check :func:`assess_eaw_extension` first; an extension that it refuses raises
    ValueError here.
    """
    if deadline.kind not in _EXTENDABLE or deadline.extended:
        raise ValueError(f"{deadline.kind} cannot be extended ({EXTENSION_CITATION})")
    return _deadline(
        deadline.kind,
        start=deadline.started_at,
        days=deadline.period.amount + EAW_EXTENSION_DAYS,
        country=deadline.country,
        tz=deadline.due.tz,
        first_day_counted=deadline.rule.first_day_counted,
        citation=join(deadline.citation, EXTENSION_CITATION),
        what="Final decision on the European arrest warrant due, extended by "
        f"{EAW_EXTENSION_DAYS} days with reasons given",
        extended=True,
    )


EAW_DECISION_FIGURES: dict[DeadlineKind, int] = {
    DeadlineKind.eaw_decision: EAW_DECISION_DAYS,
    DeadlineKind.eaw_decision_after_consent: EAW_DECISION_AFTER_CONSENT_DAYS,
}


def eaw_decision_limit(
    kind: DeadlineKind, *, started_at: datetime, period_days: int, country: str, tz: str
) -> ExtraditionDeadline:
    """A running EAW decision limit as it was stored (its kind, the event it runs from and
    its period in days): the limit of art. 17(3) or 17(2), marked ``extended`` when its
    period is longer than the instrument's figure (extended once already, art. 17(4))."""
    if kind is DeadlineKind.eaw_decision:
        base = eaw_decision_due(arrested_at=started_at, country=country, tz=tz)
    elif kind is DeadlineKind.eaw_decision_after_consent:
        base = eaw_decision_due_after_consent(consented_at=started_at, country=country, tz=tz)
    else:
        raise ValueError(f"{kind} is not a decision limit of {art(EAW, '17')}")
    return replace(base, extended=period_days > EAW_DECISION_FIGURES[kind])


def assess_formal_request_extension(*, current_due: date, new_due: date) -> Decision:
    """A new due date for the formal request must be later than the current one: an
    extension never shortens the time the requesting State has (``extension-not-later``)."""
    if new_due > current_due:
        return Decision.of()
    return Decision.of(
        [
            Violation(
                code="extension-not-later",
                message=(
                    f"An extension moves the due date of the formal request later than "
                    f"{current_due.isoformat()}; {new_due.isoformat()} is not later "
                    f"({EXTENSION_OF_FORMAL_REQUEST_CITATION})."
                ),
                citation=EXTENSION_OF_FORMAL_REQUEST_CITATION,
                pointer="/new_due_date",
            )
        ]
    )


# Whether and how far the limit may be extended is for the legal basis or the
# requested State's law; Comity records the new date and its reason.
EXTENSION_OF_FORMAL_REQUEST_CITATION = "the legal basis or the requested State's law (verify)"


def assess_release(
    *, formal_request_due_at: datetime | None, citation: str | None, now: datetime
) -> Decision:
    """Release after a provisional arrest is recorded only once the running
    formal-request limit (due at ``formal_request_due_at``, resting on ``citation``;
    ``None``: none runs) has passed without the formal request
    (``formal-request-limit-not-passed``)."""
    if formal_request_due_at is not None and formal_request_due_at < now:
        return Decision.of(
            reasons=[
                "The formal request did not arrive within the limit after provisional arrest "
                f"({citation})."
            ]
        )
    found = (
        f": it is due at {formal_request_due_at.isoformat()}"
        if formal_request_due_at is not None
        else ": none is running"
    )
    where = citation or RELEASE_CITATION
    return Decision.of(
        [
            Violation(
                code="formal-request-limit-not-passed",
                message=f"The formal-request limit has not passed{found} ({where}).",
                citation=where,
            )
        ]
    )


# Where release after a provisional arrest is provided for, when no limit runs.
RELEASE_CITATION = join(art(MTE, "9(4)", verify=True), art(ECE, "16(4)"))


def consent_citation(kind: ExtraditionBasisKind) -> str:
    """Where the consent of the person sought to surrender is provided for: EAW arts. 13
    and 17(2) between EU Member States; elsewhere the Model Law s.27 (simplified
    surrender)."""
    if kind is ExtraditionBasisKind.eaw:
        return join(art(EAW, "13", verify=True), art(EAW, "17(2)"))
    return section("27")


def surrender_due(
    basis: ExtraditionBasis, *, final_decision_at: datetime, country: str, tz: str
) -> ExtraditionDeadline:
    """The surrender limit after the final decision at ``final_decision_at``.

    EAW art. 23(2): within 10 days of the final decision (verify); any other basis:
    its ``surrender_days``, or :class:`BasisParameterMissing`.
    """
    days = int_parameter(basis, BasisParameter.surrender_days)
    if days is None:
        raise BasisParameterMissing(
            basis, BasisParameter.surrender_days, "the time limit for surrender"
        )
    return _deadline(
        DeadlineKind.surrender,
        start=final_decision_at,
        days=days,
        country=country,
        tz=tz,
        first_day_counted=counts_first_day(basis),
        citation=basis_provision(basis, BasisParameter.surrender_days),
        what="Surrender due after the final decision; the person is released if not surrendered",
    )


def eaw_surrender_due_on_new_date(
    *, agreed_date: date, country: str, tz: str
) -> ExtraditionDeadline:
    """EAW art. 23(3): surrender prevented by circumstances beyond control; within
    10 days of the new date agreed (verify)."""
    # The count runs from the agreed local date: any instant of that day will do.
    start = datetime.combine(agreed_date, time(12), tzinfo=ZoneInfo(tz))
    return _deadline(
        DeadlineKind.surrender_new_date,
        start=start,
        days=EAW_SURRENDER_DAYS,
        country=country,
        tz=tz,
        first_day_counted=False,
        citation=art(EAW, "23(3)", verify=True),
        what="Surrender due after the new date agreed",
    )


def deadlines_at_arrest(
    basis: ExtraditionBasis, *, arrested_at: datetime, country: str, tz: str
) -> tuple[ExtraditionDeadline, ...]:
    """Every limit that starts with the arrest of the person sought, for ``basis``:
    the EAW decision limit, or the formal-request limits after a provisional arrest."""
    if basis.kind is ExtraditionBasisKind.eaw:
        return (eaw_decision_due(arrested_at=arrested_at, country=country, tz=tz),)
    return provisional_arrest_limits(
        basis, arrested_at=arrested_at, country=country, tz=tz
    ).deadlines
