"""Prior consultation before a refusal or a postponement, for every request type.

Before refusing or postponing, the requested State consults the requesting State:
under UNTOC art. 18(26) to consider whether assistance may be granted subject to
conditions (mutual legal assistance), under UNTOC art. 16(16) (verify paragraph
number) to let it present its opinions and information (extradition); Plan of
Action para. 56(c) asks for prior consultations in complex or time-sensitive
cases. Comity accepts either a consultation that actually heard the requesting
State, or a supervisor's recorded reason why none was appropriate.

A consultation **counts** when the requesting State was heard in it: it wrote in
the thread (or, when it works outside Comity, its answer was recorded by hand),
or the thread was closed with an outcome that concludes it. A thread still open
with only the refusing side's own message, or closed as no longer needed, did
not consult anyone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from shared.legal.citations import UNTOC, art, join, para
from shared.legal.cooperation import CooperationType
from shared.legal.rules import Decision, Violation


class ConsultationTopic(StrEnum):
    """What a consultation is about. Values are stored: never renamed."""

    before_sending = "before_sending"
    before_refusal = "before_refusal"
    before_postponement = "before_postponement"
    execution_question = "execution_question"


class ConsultationOutcome(StrEnum):
    """How a consultation was closed. Values are stored: never renamed."""

    resolved = "resolved"
    # UNTOC art. 18(26): whether assistance may be granted subject to conditions.
    assistance_subject_to_conditions = "assistance_subject_to_conditions"
    no_agreement = "no_agreement"
    # Closed without consulting anyone on the question: it does not count.
    no_longer_needed = "no_longer_needed"


class ConsultedAction(StrEnum):
    """A decision that needs a prior consultation."""

    refusal = "refusal"
    postponement = "postponement"


TOPICS: dict[ConsultedAction, ConsultationTopic] = {
    ConsultedAction.refusal: ConsultationTopic.before_refusal,
    ConsultedAction.postponement: ConsultationTopic.before_postponement,
}

MLA_CONSULTATION_CITATION = join(art(UNTOC, "18(26)"), para("56(c)"))
EXTRADITION_CONSULTATION_CITATION = art(UNTOC, "16(16)", verify=True)

CITATIONS: dict[tuple[CooperationType, ConsultedAction], str] = {
    (CooperationType.mla, ConsultedAction.refusal): MLA_CONSULTATION_CITATION,
    (CooperationType.mla, ConsultedAction.postponement): MLA_CONSULTATION_CITATION,
    (CooperationType.extradition, ConsultedAction.refusal): EXTRADITION_CONSULTATION_CITATION,
}
"""Where each request type asks for a consultation before each decision."""


def citation(cooperation: CooperationType, action: ConsultedAction) -> str:
    """The provision that asks for a consultation before ``action`` on a request of
    this type; a KeyError for a decision the type does not have."""
    return CITATIONS[(cooperation, action)]


@dataclass(frozen=True, slots=True)
class Consultation:
    """A consultation as the rule reads it."""

    topic: ConsultationTopic
    closed: bool
    outcome: ConsultationOutcome | None
    # The requesting State wrote in it, or its answer was recorded by hand.
    requesting_state_heard: bool


def counts(consultation: Consultation) -> bool:
    """Whether the requesting State was actually consulted in ``consultation``."""
    if consultation.requesting_state_heard:
        return True
    return consultation.closed and consultation.outcome not in (
        None,
        ConsultationOutcome.no_longer_needed,
    )


def held(consultations: Sequence[Consultation], action: ConsultedAction) -> bool:
    """Whether a consultation on ``action`` heard the requesting State."""
    return any(counts(c) for c in consultations if c.topic is TOPICS[action])


def prior_consultation(
    *,
    cooperation: CooperationType,
    action: ConsultedAction,
    consultations: Sequence[Consultation],
    no_consultation_reason: str | None,
    pointer: str = "/no_consultation_reason",
) -> Decision:
    """Whether ``action`` (a refusal, a postponement) on a request of type ``cooperation``
    has its prior consultation.

    ``consultations`` are those of the request (only those on the action's topic are
    read); ``no_consultation_reason`` is the supervisor's recorded reason why none was
    appropriate. Otherwise a ``consultation-required`` violation at ``pointer`` says
    what is missing: no consultation, one that has not heard the requesting State
    yet, or one closed as no longer needed.
    """
    where = citation(cooperation, action)
    on_topic = [c for c in consultations if c.topic is TOPICS[action]]
    if held(consultations, action):
        return Decision.of(reasons=[f"A consultation on the {action} was held ({where})."])
    if no_consultation_reason is not None and no_consultation_reason.strip():
        return Decision.of(
            reasons=[
                f"No consultation on the {action}: the supervisor recorded why none was "
                f"appropriate ({where})."
            ]
        )
    if not on_topic:
        found = f"there is no consultation on the {action}"
    elif any(not c.closed for c in on_topic):
        found = (
            f"the consultation on the {action} has not heard the requesting State yet (it "
            "counts once the requesting State answers, or its answer is recorded, or once it "
            "is closed with an outcome)"
        )
    else:
        found = (
            f"the consultation on the {action} was closed as no longer needed, so the "
            "requesting State was not consulted"
        )
    return Decision.of(
        [
            Violation(
                code="consultation-required",
                message=(
                    f"A {action} needs a prior consultation that hears the requesting State, "
                    f"or a supervisor's recorded reason why none was appropriate: {found} "
                    f"({where})."
                ),
                citation=where,
                pointer=pointer,
            )
        ]
    )
