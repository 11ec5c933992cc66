"""shared/legal/consultation: one prior-consultation rule for every request type.

A refusal or postponement needs a consultation that heard the requesting State (it
wrote, its answer was written down, or the thread was closed with an outcome), or a
supervisor's recorded reason why none was appropriate (UNTOC arts. 16(16), 18(26);
Plan of Action para. 56(c)).
"""

from __future__ import annotations

import pytest

from shared.legal.consultation import (
    Consultation,
    ConsultationOutcome,
    ConsultationTopic,
    ConsultedAction,
    citation,
    held,
    prior_consultation,
)
from shared.legal.cooperation import CooperationType

MLA = CooperationType.mla
EXTRADITION = CooperationType.extradition
REFUSAL = ConsultedAction.refusal
POSTPONEMENT = ConsultedAction.postponement
T = ConsultationTopic
OUT = ConsultationOutcome


def thread(
    topic: ConsultationTopic = T.before_refusal,
    *,
    heard: bool = False,
    closed: bool = False,
    outcome: ConsultationOutcome | None = None,
) -> Consultation:
    return Consultation(topic=topic, closed=closed, outcome=outcome, requesting_state_heard=heard)


def decide(
    *consultations: Consultation,
    cooperation: CooperationType = MLA,
    action: ConsultedAction = REFUSAL,
    reason: str | None = None,
):
    return prior_consultation(
        cooperation=cooperation,
        action=action,
        consultations=consultations,
        no_consultation_reason=reason,
    )


class TestWhatCounts:
    @pytest.mark.parametrize(
        ("consultation", "counts"),
        [
            (thread(heard=True), True),
            (thread(heard=True, closed=True, outcome=OUT.no_longer_needed), True),
            (thread(closed=True, outcome=OUT.resolved), True),
            (thread(closed=True, outcome=OUT.no_agreement), True),
            (thread(closed=True, outcome=OUT.assistance_subject_to_conditions), True),
            (thread(), False),
            (thread(closed=True, outcome=OUT.no_longer_needed), False),
            (thread(T.before_postponement, heard=True), False),
            (thread(T.execution_question, closed=True, outcome=OUT.resolved), False),
        ],
    )
    def test_a_refusal_counts_only_a_consultation_that_heard_the_requesting_state(
        self, consultation: Consultation, counts: bool
    ):
        assert held([consultation], REFUSAL) is counts
        assert decide(consultation).ok is counts

    def test_one_that_counts_among_several_is_enough(self):
        assert decide(thread(), thread(heard=True), thread(T.before_postponement)).ok

    def test_a_postponement_reads_the_consultations_on_postponement(self):
        assert decide(thread(T.before_postponement, heard=True), action=POSTPONEMENT).ok
        assert not decide(thread(heard=True), action=POSTPONEMENT).ok


class TestTheAlternative:
    @pytest.mark.parametrize("reason", ["Urgent: the evidence would be lost", "  x  "])
    def test_a_recorded_reason_replaces_the_consultation(self, reason: str):
        decision = decide(reason=reason)
        assert decision.ok
        assert "the supervisor recorded why none was appropriate" in decision.reasons[0]

    @pytest.mark.parametrize("reason", [None, "", "   "])
    def test_a_blank_reason_is_no_reason(self, reason: str | None):
        assert not decide(reason=reason).ok


class TestTheAnswer:
    @pytest.mark.parametrize(
        ("consultations", "says"),
        [
            ((), "there is no consultation on the refusal"),
            ((thread(),), "has not heard the requesting State yet"),
            ((thread(closed=True, outcome=OUT.no_longer_needed),), "closed as no longer needed"),
        ],
    )
    def test_it_says_what_is_missing(self, consultations: tuple[Consultation, ...], says: str):
        (violation,) = decide(*consultations).violations
        assert violation.code == "consultation-required"
        assert violation.pointer == "/no_consultation_reason"
        assert says in violation.message

    def test_the_pointer_names_the_consultation_given(self):
        decision = prior_consultation(
            cooperation=MLA,
            action=REFUSAL,
            consultations=[thread()],
            no_consultation_reason=None,
            pointer="/consultation_id",
        )
        assert decision.violations[0].pointer == "/consultation_id"

    @pytest.mark.parametrize(
        ("cooperation", "action", "cited"),
        [
            (MLA, REFUSAL, "UNTOC, art. 18(26); Plan of Action 2009, para. 56(c)"),
            (MLA, POSTPONEMENT, "UNTOC, art. 18(26); Plan of Action 2009, para. 56(c)"),
            (EXTRADITION, REFUSAL, "UNTOC, art. 16(16) (verify)"),
        ],
    )
    def test_each_request_type_cites_its_instrument(
        self, cooperation: CooperationType, action: ConsultedAction, cited: str
    ):
        assert citation(cooperation, action) == cited
        (violation,) = decide(cooperation=cooperation, action=action).violations
        assert violation.citation == cited
        assert cited in violation.message
        assert decide(thread(T.before_refusal, heard=True), cooperation=cooperation).reasons

    def test_a_decision_a_type_does_not_have_is_not_guessed(self):
        with pytest.raises(KeyError):
            citation(EXTRADITION, POSTPONEMENT)
