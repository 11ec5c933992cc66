"""The MLA domain's rules, pure and table-driven: completeness, language, refusal grounds
(forbidden ones first), consultation, dual criminality for coercive measures only,
postponement, execution, and the deadlines each decision asks for."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from uuid import uuid4

import pytest

from services.mla import domain
from services.mla.domain import (
    Action,
    Actor,
    Authority,
    Case,
    DeadlineKind,
    ExecutionOutcome,
    MeasureState,
    MeasureStatus,
    Policy,
    ReceivedVia,
    State,
)
from shared.casework.deadlines import Close, Open, Pause, Resume
from shared.casework.state_machine import InvalidTransition, MissingRole, Side
from shared.legal.bases import LegalBasis, LegalBasisKind
from shared.legal.grounds import RefusalGround
from shared.legal.mla import DualCriminalityRule, Measure, MeasureSought, RequestFacts
from shared.problems import Conflict, UnprocessableContent

NOW = datetime(2026, 11, 6, 9, 0, tzinfo=UTC)
SPAIN = Authority("ES-MJ", "ES", "Europe/Madrid", ("es",))
COLOMBIA = Authority("CO-MJD", "CO", "America/Bogota", ("es",))
PROSECUTORS = Authority("CO-FGN", "CO", "America/Bogota", ("es",))
NETHERLANDS = Authority("NL-MJV", "NL", "Europe/Amsterdam", ("nl", "en"))

OFFICER = frozenset({"case_officer"})
SUPERVISOR = frozenset({"supervisor", "case_officer"})
REQUESTING = Actor(Side.requesting, OFFICER)
REQUESTED = Actor(Side.requested, OFFICER)
REQUESTED_SUPERVISOR = Actor(Side.requested, SUPERVISOR)

RECORDS = MeasureState(uuid4(), Measure.documents_and_records, "Accounts", MeasureStatus.pending)
HEARING = MeasureState(uuid4(), Measure.videoconference_hearing, "Witness", MeasureStatus.pending)

FACTS = RequestFacts(
    requesting_authority="ES-MJ",
    investigation_subject="Cocaine shipments",
    conducting_authority="Audiencia Nacional",
    summary_of_facts="Containers of fruit",
    measures=(
        MeasureSought(measure=Measure.documents_and_records, details="Accounts"),
        MeasureSought(measure=Measure.videoconference_hearing, details="Witness"),
    ),
    purpose="Trace the payments",
)

DRAFT = Case(
    id=uuid4(),
    state=State.draft,
    version=1,
    created_by_side=Side.requesting,
    disclosed=False,
    counterpart_uses_comity=True,
    requesting_authority="ES-MJ",
    requested_authority="CO-MJD",
    executing_authority=None,
    legal_bases=(
        LegalBasis(kind=LegalBasisKind.untoc, name="UNTOC"),
        LegalBasis(kind=LegalBasisKind.c1988, name="1988 Convention"),
    ),
    measures=(RECORDS, HEARING),
    facts=FACTS,
    language="es",
    suggested_deadline=date(2027, 1, 29),
)
ACKNOWLEDGED = replace(DRAFT, state=State.acknowledged, disclosed=True)


def problem_of(error: pytest.ExceptionInfo[UnprocessableContent]) -> list[tuple[str, str]]:
    return [(e.code or "", e.pointer) for e in error.value.errors]


class TestSending:
    def test_a_complete_request_is_sent_with_its_deadlines_on_the_requested_states_calendar(self):
        outcome = domain.send(
            DRAFT, REQUESTING, now=NOW, requested=COLOMBIA, translations=[], policy=Policy()
        )
        assert outcome.state is State.sent and outcome.assign_reference
        assert outcome.events == ("sent",)
        plans = {op.plan.kind: op.plan for op in outcome.deadlines if isinstance(op, Open)}
        assert plans[DeadlineKind.acknowledgement].due.date == date(2026, 11, 23)
        assert plans[DeadlineKind.acknowledgement].calendar.country == "CO"
        assert plans[DeadlineKind.acknowledgement].pausable
        assert plans[DeadlineKind.requested_deadline].due.date == date(2027, 1, 29)

    def test_a_legal_basis_may_set_its_own_acknowledgement_period(self):
        treaty = LegalBasis(
            kind=LegalBasisKind.bilateral_treaty,
            name="Spain-Colombia treaty",
            parameters={"acknowledgement_working_days": 5},
        )
        case = replace(DRAFT, legal_bases=(treaty,))
        outcome = domain.send(
            case, REQUESTING, now=NOW, requested=COLOMBIA, translations=[], policy=Policy()
        )
        [ack] = [
            op.plan
            for op in outcome.deadlines
            if isinstance(op, Open) and op.plan.kind == DeadlineKind.acknowledgement
        ]
        assert ack.due.date == date(2026, 11, 13)

    @pytest.mark.parametrize(
        ("facts", "pointers"),
        [
            (FACTS.model_copy(update={"purpose": None}), ["/purpose"]),
            (FACTS.model_copy(update={"purpose": "  "}), ["/purpose"]),
            (
                FACTS.model_copy(update={"conducting_authority": None, "summary_of_facts": ""}),
                ["/conducting_authority", "/summary_of_facts"],
            ),
            (FACTS.model_copy(update={"measures": ()}), ["/measures"]),
            (
                FACTS.model_copy(
                    update={"measures": (MeasureSought(measure=Measure.search_and_seizure),)}
                ),
                ["/measures/0/details"],
            ),
            # Service of documents needs no summary of the facts (UNTOC art. 18(15)(c)).
            (
                FACTS.model_copy(
                    update={
                        "summary_of_facts": None,
                        "measures": (
                            MeasureSought(
                                measure=Measure.service_of_judicial_documents, details="Summons"
                            ),
                        ),
                    }
                ),
                [],
            ),
        ],
    )
    def test_completeness_names_every_missing_element(self, facts, pointers):
        case = replace(DRAFT, facts=facts)
        if not pointers:
            domain.send(
                case, REQUESTING, now=NOW, requested=COLOMBIA, translations=[], policy=Policy()
            )
            return
        with pytest.raises(UnprocessableContent) as raised:
            domain.send(
                case, REQUESTING, now=NOW, requested=COLOMBIA, translations=[], policy=Policy()
            )
        assert raised.value.code == "request-incomplete"
        assert [p for _, p in problem_of(raised)] == pointers
        assert "UNTOC, art. 18(15)" in (raised.value.citation or "")

    @pytest.mark.parametrize(
        ("translations", "sent"), [([], False), (["de"], False), (["en"], True), (["nl"], True)]
    )
    def test_language_needs_an_accepted_one_or_a_translation_into_one(self, translations, sent):
        if sent:
            domain.send(
                DRAFT,
                REQUESTING,
                now=NOW,
                requested=NETHERLANDS,
                translations=translations,
                policy=Policy(),
            )
            return
        with pytest.raises(UnprocessableContent) as raised:
            domain.send(
                DRAFT,
                REQUESTING,
                now=NOW,
                requested=NETHERLANDS,
                translations=translations,
                policy=Policy(),
            )
        assert raised.value.code == "language-not-accepted"
        assert "UNTOC, art. 18(14)" in (raised.value.citation or "")

    def test_a_withdrawn_authority_is_not_sent_to(self):
        with pytest.raises(UnprocessableContent) as raised:
            domain.send(
                DRAFT,
                REQUESTING,
                now=NOW,
                requested=replace(COLOMBIA, withdrawn=True),
                translations=[],
                policy=Policy(),
            )
        assert raised.value.code == "authority-withdrawn"

    def test_only_the_requesting_side_sends_its_draft(self):
        with pytest.raises(InvalidTransition):
            domain.send(
                DRAFT, REQUESTED, now=NOW, requested=COLOMBIA, translations=[], policy=Policy()
            )


class TestRegistration:
    def test_the_clock_runs_from_the_date_of_receipt(self):
        case = replace(DRAFT, created_by_side=Side.requested, counterpart_uses_comity=False)
        outcome = domain.register(
            case,
            REQUESTED,
            now=NOW,
            received_on=date(2026, 11, 3),
            received_via=ReceivedVia.diplomatic_channel,
            their_reference="PA-1",
            requested=COLOMBIA,
            policy=Policy(),
        )
        assert outcome.state is State.received
        [ack] = [
            op.plan
            for op in outcome.deadlines
            if isinstance(op, Open) and op.plan.kind == DeadlineKind.acknowledgement
        ]
        assert ack.due.date == date(2026, 11, 18)

    def test_a_date_of_receipt_in_the_future_is_refused(self):
        case = replace(DRAFT, created_by_side=Side.requested)
        with pytest.raises(UnprocessableContent):
            domain.register(
                case,
                REQUESTED,
                now=NOW,
                received_on=date(2026, 11, 7),
                received_via=ReceivedVia.email,
                their_reference=None,
                requested=COLOMBIA,
                policy=Policy(),
            )


GOOD = {"reasons": "Security", "no_consultation_reason": "Consulted by phone"}


class TestRefusal:
    @pytest.mark.parametrize(
        ("grounds", "actor", "extra", "expected"),
        [
            # Never grounds, whoever tries: answered before the role question.
            ([RefusalGround.bank_secrecy], REQUESTED, GOOD, "forbidden-refusal-ground"),
            (
                [RefusalGround.fiscal_offence],
                REQUESTED_SUPERVISOR,
                GOOD,
                "forbidden-refusal-ground",
            ),
            (
                [RefusalGround.essential_interests, RefusalGround.bank_secrecy],
                REQUESTED_SUPERVISOR,
                GOOD,
                "forbidden-refusal-ground",
            ),
            ([RefusalGround.essential_interests], REQUESTED, GOOD, "forbidden"),
            ([RefusalGround.political_offence], REQUESTED_SUPERVISOR, GOOD, "ground-not-available"),
            ([], REQUESTED_SUPERVISOR, GOOD, "refusal-ground-required"),
            (
                [RefusalGround.essential_interests],
                REQUESTED_SUPERVISOR,
                {"no_consultation_reason": "x"},
                "reasons-required",
            ),
            (
                [RefusalGround.essential_interests],
                REQUESTED_SUPERVISOR,
                {"reasons": "Security"},
                "consultation-required",
            ),
            ([RefusalGround.essential_interests], REQUESTED_SUPERVISOR, GOOD, None),
        ],
    )
    def test_grounds_roles_reasons_and_consultation(self, grounds, actor, extra, expected):
        def refuse():
            return domain.refuse(
                ACKNOWLEDGED,
                actor,
                grounds=grounds,
                reasons=extra.get("reasons"),
                consultation_held=False,
                no_consultation_reason=extra.get("no_consultation_reason"),
                dual_criminality=DualCriminalityRule.coercive_measures_only,
            )

        if expected is None:
            outcome = refuse()
            assert outcome.state is State.refused
            assert outcome.changes["decisions.refusal"]["citations"] == [
                "1988 Convention, art. 7(15)(b)",
                "UNTOC, art. 18(21)(b)",
            ]
            assert outcome.deadlines == (Close(None, "refused", waived=True),)
            return
        error = MissingRole if expected == "forbidden" else UnprocessableContent
        with pytest.raises(error) as raised:
            refuse()
        assert raised.value.code == expected

    def test_bank_secrecy_cites_the_conventions(self):
        with pytest.raises(UnprocessableContent) as raised:
            domain.refuse(
                ACKNOWLEDGED,
                REQUESTED,
                grounds=[RefusalGround.bank_secrecy],
                reasons="x",
                consultation_held=True,
                no_consultation_reason=None,
                dual_criminality=DualCriminalityRule.never,
            )
        citation = raised.value.citation or ""
        assert "1988 Convention, art. 7(5)" in citation and "UNTOC, art. 18(8)" in citation
        assert problem_of(raised) == [("forbidden-refusal-ground", "/grounds/0")]

    def test_a_consultation_held_on_the_refusal_is_enough(self):
        outcome = domain.refuse(
            ACKNOWLEDGED,
            REQUESTED_SUPERVISOR,
            grounds=[RefusalGround.essential_interests],
            reasons="Security",
            consultation_held=True,
            no_consultation_reason=None,
            dual_criminality=DualCriminalityRule.never,
        )
        assert outcome.changes["decisions.refusal"]["consultation_held"] is True

    @pytest.mark.parametrize(
        ("rule", "measures", "allowed"),
        [
            (DualCriminalityRule.coercive_measures_only, (HEARING,), False),
            (DualCriminalityRule.coercive_measures_only, (RECORDS,), True),
            (DualCriminalityRule.coercive_measures_only, (RECORDS, HEARING), True),
            # Only what is still pending is refused: the records were delivered.
            (
                DualCriminalityRule.coercive_measures_only,
                (replace(RECORDS, status=MeasureStatus.executed), HEARING),
                False,
            ),
            (DualCriminalityRule.never, (RECORDS,), False),
            (DualCriminalityRule.always, (HEARING,), True),
        ],
    )
    def test_dual_criminality_only_where_the_requested_state_requires_it(
        self, rule, measures, allowed
    ):
        def refuse():
            return domain.refuse(
                replace(ACKNOWLEDGED, measures=measures),
                REQUESTED_SUPERVISOR,
                grounds=[RefusalGround.lack_of_dual_criminality],
                **GOOD,
                consultation_held=False,
                dual_criminality=rule,
            )

        if allowed:
            assert refuse().state is State.refused
            return
        with pytest.raises(UnprocessableContent) as raised:
            refuse()
        assert raised.value.code == "dual-criminality-not-required"
        assert "UNTOC, art. 18(9)" in (raised.value.citation or "")

    def test_the_1988_convention_alone_has_no_dual_criminality_ground(self):
        case = replace(
            ACKNOWLEDGED, legal_bases=(LegalBasis(kind=LegalBasisKind.c1988, name="1988"),)
        )
        with pytest.raises(UnprocessableContent) as raised:
            domain.refuse(
                case,
                REQUESTED_SUPERVISOR,
                grounds=[RefusalGround.lack_of_dual_criminality],
                **GOOD,
                consultation_held=False,
                dual_criminality=DualCriminalityRule.always,
            )
        assert raised.value.code == "ground-not-available"


class TestPostponement:
    def test_reasons_and_consultation_are_required(self):
        with pytest.raises(UnprocessableContent) as raised:
            domain.postpone(
                ACKNOWLEDGED,
                REQUESTED_SUPERVISOR,
                now=NOW,
                reasons=None,
                until=None,
                consultation_held=False,
                no_consultation_reason=None,
                requested=COLOMBIA,
            )
        assert [code for code, _ in problem_of(raised)] == [
            "reasons-required",
            "consultation-required",
        ]

    def test_a_postponement_remembers_where_to_resume_and_when_it_ends(self):
        case = replace(ACKNOWLEDGED, state=State.partially_executed)
        outcome = domain.postpone(
            case,
            REQUESTED_SUPERVISOR,
            now=NOW,
            reasons="Ongoing investigation",
            until=date(2026, 12, 1),
            consultation_held=True,
            no_consultation_reason=None,
            requested=COLOMBIA,
        )
        assert outcome.state is State.postponed
        assert outcome.changes["resume_state"] == "partially_executed"
        [end] = [op.plan for op in outcome.deadlines if isinstance(op, Open)]
        assert end.kind == DeadlineKind.postponement_end and end.due.date == date(2026, 12, 1)
        back = domain.resume(
            replace(case, state=State.postponed, resume_state=State.partially_executed), REQUESTED
        )
        assert back.state is State.partially_executed

    def test_an_end_in_the_past_is_refused(self):
        with pytest.raises(UnprocessableContent):
            domain.postpone(
                ACKNOWLEDGED,
                REQUESTED_SUPERVISOR,
                now=NOW,
                reasons="x",
                until=date(2026, 11, 6),
                consultation_held=True,
                no_consultation_reason=None,
                requested=COLOMBIA,
            )

    def test_a_case_officer_may_not_postpone(self):
        with pytest.raises(MissingRole):
            domain.postpone(
                ACKNOWLEDGED,
                REQUESTED,
                now=NOW,
                reasons="x",
                until=None,
                consultation_held=True,
                no_consultation_reason=None,
                requested=COLOMBIA,
            )


class TestAdditionalInformation:
    def test_asking_pauses_the_requested_clock_and_opens_one_for_the_requesting_side(self):
        case = replace(ACKNOWLEDGED, state=State.forwarded)
        outcome = domain.request_additional_information(
            case,
            REQUESTED,
            now=NOW,
            questions="Which branch?",
            answer_within_days=None,
            requesting=SPAIN,
            policy=Policy(additional_information_days=30),
        )
        assert outcome.state is State.additional_information_requested
        assert outcome.changes["resume_state"] == "forwarded"
        pause, opened = outcome.deadlines
        assert isinstance(pause, Pause) and isinstance(opened, Open)
        assert opened.plan.responsible_side is Side.requesting
        assert opened.plan.calendar.country == "ES" and opened.plan.due.date == date(2026, 12, 7)
        answered = domain.answer_additional_information(
            replace(
                case, state=State.additional_information_requested, resume_state=State.forwarded
            ),
            REQUESTING,
            answer="Branch 12",
            document_ids=[],
        )
        assert answered.state is State.forwarded
        assert any(isinstance(op, Resume) for op in answered.deadlines)


class TestForwarding:
    def test_only_to_an_authority_of_the_requested_state(self):
        with pytest.raises(UnprocessableContent) as raised:
            domain.forward(ACKNOWLEDGED, REQUESTED, executing=NETHERLANDS, requested=COLOMBIA)
        assert raised.value.code == "executing-authority-not-domestic"
        with pytest.raises(UnprocessableContent):
            domain.forward(ACKNOWLEDGED, REQUESTED, executing=COLOMBIA, requested=COLOMBIA)
        outcome = domain.forward(ACKNOWLEDGED, REQUESTED, executing=PROSECUTORS, requested=COLOMBIA)
        assert outcome.changes == {"executing_authority": "CO-FGN"}

    def test_the_executing_authority_does_not_forward(self):
        with pytest.raises(InvalidTransition):
            domain.forward(
                replace(ACKNOWLEDGED, state=State.forwarded),
                Actor(Side.executing, OFFICER),
                executing=PROSECUTORS,
                requested=COLOMBIA,
            )


class TestExecution:
    @pytest.mark.parametrize(
        ("before", "measure", "outcome", "state", "events"),
        [
            ((RECORDS, HEARING), RECORDS, ExecutionOutcome.partial, State.partially_executed, 1),
            ((RECORDS, HEARING), HEARING, ExecutionOutcome.declined, State.in_execution, 1),
            (
                (RECORDS, replace(HEARING, status=MeasureStatus.executed)),
                RECORDS,
                ExecutionOutcome.complete,
                State.executed,
                2,
            ),
            (
                (RECORDS, replace(HEARING, status=MeasureStatus.declined)),
                RECORDS,
                ExecutionOutcome.declined,
                State.executed,
                2,
            ),
        ],
    )
    def test_the_request_follows_its_measures(self, before, measure, outcome, state, events):
        case = replace(ACKNOWLEDGED, state=State.forwarded, measures=before)
        decided = domain.execute_measure(
            case,
            Actor(Side.executing, OFFICER),
            now=NOW,
            measure_id=measure.id,
            outcome=outcome,
            reasons="Reasons",
            conditions=None,
            document_ids=[],
        )
        assert decided.state is state and len(decided.events) == events

    def test_declining_needs_reasons_and_a_final_measure_stays_final(self):
        case = replace(
            ACKNOWLEDGED, measures=(replace(RECORDS, status=MeasureStatus.executed), HEARING)
        )
        with pytest.raises(UnprocessableContent) as raised:
            domain.execute_measure(
                case,
                REQUESTED,
                now=NOW,
                measure_id=HEARING.id,
                outcome=ExecutionOutcome.declined,
                reasons=" ",
                conditions=None,
                document_ids=[],
            )
        assert raised.value.code == "reasons-required"
        with pytest.raises(Conflict):
            domain.execute_measure(
                case,
                REQUESTED,
                now=NOW,
                measure_id=RECORDS.id,
                outcome=ExecutionOutcome.partial,
                reasons=None,
                conditions=None,
                document_ids=[],
            )

    def test_conditional_execution_is_recorded_with_its_citation(self):
        decided = domain.execute_measure(
            ACKNOWLEDGED,
            REQUESTED,
            now=NOW,
            measure_id=HEARING.id,
            outcome=ExecutionOutcome.complete,
            reasons=None,
            conditions="Use only in proceedings 45/2026",
            document_ids=[],
        )
        assert decided.details["conditions"] == "Use only in proceedings 45/2026"
        assert any("UNTOC, art. 18(26)" in r for r in decided.reasons)


class TestCounterpartSteps:
    def test_a_one_sided_outgoing_case_records_the_requested_sides_steps(self):
        case = replace(ACKNOWLEDGED, state=State.sent, counterpart_uses_comity=False)
        actor = domain.check_counterpart_step(case, Action.acknowledge, REQUESTING)
        assert actor.side is Side.requested and actor.recorded
        with pytest.raises(UnprocessableContent):
            domain.check_counterpart_step(case, Action.withdraw, REQUESTING)

    def test_not_when_the_counterpart_uses_comity(self):
        with pytest.raises(InvalidTransition):
            domain.check_counterpart_step(ACKNOWLEDGED, Action.acknowledge, REQUESTING)
