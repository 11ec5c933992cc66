"""The MLA domain's rules, pure and table-driven: completeness, language, refusal grounds
(forbidden ones first), consultation (one that heard the requesting State), dual
criminality for coercive measures only, postponement, execution, the counterpart's
steps recorded by hand, and the deadlines each decision asks for."""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import UUID, uuid4

import pytest
from pydantic import ValidationError

from contracts import mla as mla_events
from services.mla import domain
from services.mla.commands import (
    AdditionalInformationAnswerBody,
    AdditionalInformationRequestBody,
    ExecuteMeasureBody,
    ExecutionOutcome,
    ForwardBody,
    PostponeBody,
    RefuseBody,
)
from services.mla.domain import (
    Action,
    Case,
    DeadlineKind,
    MeasureRecord,
    MeasureStatus,
    Policy,
    State,
)
from shared.casework.case import Authority, PersonFacts
from shared.casework.dates import Step
from shared.casework.deadlines import Close, DeadlinePlan, Open, Pause, Resume
from shared.casework.errors import CaseConflict, InvalidTransition, MissingRole, RuleBroken
from shared.casework.lifecycle import Act
from shared.casework.outcome import Outcome
from shared.casework.parties import Actor
from shared.casework.schemas import CloseBody, NoteBody, RegisterBody, WithdrawBody
from shared.casework.state_machine import Side
from shared.casework.vocabulary import PersonKind, PersonRole, ReceivedVia
from shared.legal.bases import LegalBasis, LegalBasisKind
from shared.legal.consultation import Consultation, ConsultationOutcome, ConsultationTopic
from shared.legal.mla.grounds import RefusalGround
from shared.legal.mla.request import DualCriminalityRule, Measure, MeasureSought, PersonConcerned

NOW = datetime(2026, 11, 6, 9, 0, tzinfo=UTC)
BY = "user:test"
SPAIN = Authority(code="ES-MJ", country="ES", time_zone="Europe/Madrid", accepted_languages=("es",))
COLOMBIA = Authority(
    code="CO-MJD", country="CO", time_zone="America/Bogota", accepted_languages=("es",)
)
PROSECUTORS = Authority(
    code="CO-FGN", country="CO", time_zone="America/Bogota", accepted_languages=("es",)
)
NETHERLANDS = Authority(
    code="NL-MJV", country="NL", time_zone="Europe/Amsterdam", accepted_languages=("nl", "en")
)

OFFICER = frozenset({"case_officer"})
SUPERVISOR = frozenset({"supervisor", "case_officer"})
REQUESTING = Actor(Side.requesting, OFFICER)
REQUESTED = Actor(Side.requested, OFFICER)
REQUESTED_SUPERVISOR = Actor(Side.requested, SUPERVISOR)
EXECUTING = Actor(Side.executing, OFFICER)

RECORDS = MeasureRecord(
    id=uuid4(),
    measure=Measure.documents_and_records,
    details="Accounts",
    status=MeasureStatus.pending,
)
HEARING = MeasureRecord(
    id=uuid4(),
    measure=Measure.videoconference_hearing,
    details="Witness",
    status=MeasureStatus.pending,
)
WITNESS = PersonFacts(
    id=uuid4(),
    kind=PersonKind.natural,
    role=PersonRole.witness,
    name="Ana Pérez",
    nationalities=("CO",),
    location="Cartagena",
    pseudonym="Witness A",
)

DRAFT = Case(
    id=uuid4(),
    version=1,
    state=State.draft,
    requesting_authority="ES-MJ",
    requesting_country="ES",
    requested_authority="CO-MJD",
    requested_country="CO",
    created_by_side=Side.requesting,
    disclosed=False,
    counterpart_uses_comity=True,
    created_at=NOW,
    updated_at=NOW,
    legal_bases=(
        LegalBasis(kind=LegalBasisKind.untoc, name="UNTOC"),
        LegalBasis(kind=LegalBasisKind.c1988, name="1988 Convention"),
    ),
    measures=(RECORDS, HEARING),
    investigation_subject="Cocaine shipments",
    conducting_authority="Audiencia Nacional",
    summary_of_facts="Containers of fruit",
    purpose="Trace the payments",
    language="es",
    suggested_deadline=date(2027, 1, 29),
    persons=(WITNESS,),
)
ACKNOWLEDGED = DRAFT.evolve(state=State.acknowledged, disclosed=True)


def consulted(
    topic: ConsultationTopic = ConsultationTopic.before_refusal,
    *,
    heard: bool = True,
    closed: bool = False,
    outcome: ConsultationOutcome | None = None,
) -> Consultation:
    return Consultation(topic=topic, closed=closed, outcome=outcome, requesting_state_heard=heard)


HEARD_ON_REFUSAL = consulted()
HEARD_ON_POSTPONEMENT = consulted(ConsultationTopic.before_postponement)


def issues_of(error: pytest.ExceptionInfo[RuleBroken]) -> list[tuple[str, str]]:
    return [(e.code or "", e.pointer) for e in error.value.errors]


def event_names(outcome: Outcome[Case]) -> list[str]:
    return [emitted.contract.event for emitted in outcome.events]


def opened(outcome: Outcome[Case]) -> dict[str, DeadlinePlan]:
    return {op.plan.kind: op.plan for op in outcome.deadlines if isinstance(op, Open)}


def act_on(
    case: Case,
    actor: Actor,
    *,
    now: datetime = NOW,
    when: Step | None = None,
    requesting: Authority = SPAIN,
    requested: Authority = COLOMBIA,
) -> Act[Case]:
    """The case about to change, as every decision reads it: ``when`` is ``now`` unless
    a step recorded by hand happened on another day."""
    return Act(
        case=case,
        actor=actor,
        now=now,
        when=now if when is None else when,
        requesting=requesting,
        requested=requested,
        by=BY,
    )


def send(
    case: Case,
    actor: Actor = REQUESTING,
    *,
    requested: Authority = COLOMBIA,
    translations=(),
    note: str | None = None,
):
    return domain.send(
        act_on(case, actor, requested=requested),
        NoteBody(note=note),
        translations=list(translations),
        policy=Policy(),
    )


class TestSending:
    def test_a_complete_request_is_sent_with_its_deadlines_on_the_requested_states_calendar(self):
        outcome = send(DRAFT, note="First request")
        assert outcome.case.state is State.sent
        assert outcome.reason == "First request"
        assert outcome.case.disclosed and outcome.case.sent_at == NOW
        # The reference is assigned now, its year the requesting authority's.
        assert outcome.reference_time_zone == "Europe/Madrid"
        assert event_names(outcome) == ["sent"]
        plans = opened(outcome)
        ack = plans[DeadlineKind.acknowledgement]
        assert ack.due.date == date(2026, 11, 23)
        assert ack.calendar.country == "CO" and ack.calendar.time_zone == "America/Bogota"
        assert ack.responsible_side is Side.requested and ack.pausable
        assert "UNTOC, art. 18(24)" in ack.citation
        requested = plans[DeadlineKind.requested_deadline]
        assert requested.due.date == date(2027, 1, 29)
        assert requested.calendar.country == "CO"
        assert requested.citation == "UNTOC, art. 18(24)"

    def test_without_a_suggested_deadline_only_the_acknowledgement_is_opened(self):
        outcome = send(DRAFT.evolve(suggested_deadline=None))
        assert set(opened(outcome)) == {DeadlineKind.acknowledgement}

    def test_a_legal_basis_may_set_its_own_acknowledgement_period(self):
        treaty = LegalBasis(
            kind=LegalBasisKind.bilateral_treaty,
            name="Spain-Colombia treaty",
            parameters={"acknowledgement_working_days": 5},
        )
        outcome = send(DRAFT.evolve(legal_bases=(treaty,)))
        assert opened(outcome)[DeadlineKind.acknowledgement].due.date == date(2026, 11, 13)

    def test_the_checklist_reads_the_cases_own_fields_and_persons(self):
        facts = DRAFT.facts
        assert facts.requesting_authority == "ES-MJ"
        assert facts.purpose == "Trace the payments"
        assert facts.measures == (
            MeasureSought(measure=Measure.documents_and_records, details="Accounts"),
            MeasureSought(measure=Measure.videoconference_hearing, details="Witness"),
        )
        assert facts.persons == (
            PersonConcerned(identity="Ana Pérez", location="Cartagena", nationalities=("CO",)),
        )
        assert DRAFT.evolve(purpose="Seize the proceeds").facts.purpose == "Seize the proceeds"

    @pytest.mark.parametrize(
        ("changes", "pointers"),
        [
            ({"purpose": None}, ["/purpose"]),
            ({"purpose": "  "}, ["/purpose"]),
            (
                {"conducting_authority": None, "summary_of_facts": ""},
                ["/conducting_authority", "/summary_of_facts"],
            ),
            ({"measures": ()}, ["/measures"]),
            (
                {"measures": (MeasureRecord(id=uuid4(), measure=Measure.search_and_seizure),)},
                ["/measures/0/details"],
            ),
            # Service of documents needs no summary of the facts (UNTOC art. 18(15)(c)).
            (
                {
                    "summary_of_facts": None,
                    "measures": (
                        MeasureRecord(
                            id=uuid4(),
                            measure=Measure.service_of_judicial_documents,
                            details="Summons",
                        ),
                    ),
                },
                [],
            ),
        ],
    )
    def test_completeness_names_every_missing_element(self, changes, pointers):
        case = DRAFT.evolve(**changes)
        if not pointers:
            assert send(case).case.state is State.sent
            return
        with pytest.raises(RuleBroken) as raised:
            send(case)
        assert raised.value.problem_code == "request-incomplete"
        assert issues_of(raised) == [("request-incomplete", p) for p in pointers]
        assert "UNTOC, art. 18(15)" in (raised.value.citation or "")

    @pytest.mark.parametrize(
        ("translations", "sent"), [([], False), (["de"], False), (["en"], True), (["nl"], True)]
    )
    def test_language_needs_an_accepted_one_or_a_translation_into_one(self, translations, sent):
        if sent:
            outcome = send(DRAFT, requested=NETHERLANDS, translations=translations)
            assert outcome.case.state is State.sent
            return
        with pytest.raises(RuleBroken) as raised:
            send(DRAFT, requested=NETHERLANDS, translations=translations)
        assert raised.value.problem_code == "language-not-accepted"
        assert issues_of(raised) == [("language-not-accepted", "/language")]
        assert "UNTOC, art. 18(14)" in (raised.value.citation or "")

    def test_a_withdrawn_authority_is_not_sent_to(self):
        with pytest.raises(RuleBroken) as raised:
            send(DRAFT, requested=COLOMBIA.model_copy(update={"withdrawn": True}))
        assert raised.value.problem_code == "authority-withdrawn"
        assert issues_of(raised) == [("authority-withdrawn", "/requested_authority")]

    def test_only_the_requesting_side_sends_its_draft(self):
        with pytest.raises(InvalidTransition):
            send(DRAFT, REQUESTED)


class TestRegistration:
    def test_the_clock_runs_from_the_date_of_receipt(self):
        case = DRAFT.evolve(created_by_side=Side.requested, counterpart_uses_comity=False)
        body = RegisterBody(
            received_via=ReceivedVia.diplomatic_channel,
            received_on=date(2026, 11, 3),
            their_reference="PA-1",
        )
        outcome = domain.register(act_on(case, REQUESTED), body, policy=Policy())
        assert outcome.case.state is State.received and outcome.case.disclosed
        assert outcome.case.received_on == date(2026, 11, 3)
        assert outcome.case.received_via is ReceivedVia.diplomatic_channel
        assert outcome.case.their_reference == "PA-1"
        assert outcome.reference_time_zone == "America/Bogota"
        assert event_names(outcome) == ["registered"]
        ack = opened(outcome)[DeadlineKind.acknowledgement]
        assert ack.due.date == date(2026, 11, 18) and ack.calendar.country == "CO"
        assert outcome.details == {
            "received_via": "diplomatic_channel",
            "received_on": "2026-11-03",
        }

    def test_a_date_of_receipt_in_the_future_is_refused(self):
        case = DRAFT.evolve(created_by_side=Side.requested)
        with pytest.raises(RuleBroken) as raised:
            domain.register(
                act_on(case, REQUESTED),
                RegisterBody(received_via=ReceivedVia.email, received_on=date(2026, 11, 7)),
                policy=Policy(),
            )
        assert [p for _, p in issues_of(raised)] == ["/received_on"]


GOOD = {"reasons": "Security", "no_consultation_reason": "Consulted by phone"}


def refuse(
    case: Case = ACKNOWLEDGED,
    actor: Actor = REQUESTED_SUPERVISOR,
    *,
    grounds=(RefusalGround.essential_interests,),
    reasons: str | None = "Security",
    consultations=(),
    consultation_id: UUID | None = None,
    no_consultation_reason: str | None = None,
    dual_criminality: DualCriminalityRule = DualCriminalityRule.coercive_measures_only,
):
    body = RefuseBody(
        grounds=list(grounds),
        reasons=reasons,
        consultation_id=consultation_id,
        no_consultation_reason=no_consultation_reason,
    )
    return domain.refuse(
        act_on(case, actor),
        body,
        consultations=list(consultations),
        dual_criminality=dual_criminality,
    )


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
        def attempt():
            return refuse(
                ACKNOWLEDGED,
                actor,
                grounds=grounds,
                reasons=extra.get("reasons"),
                no_consultation_reason=extra.get("no_consultation_reason"),
            )

        if expected is None:
            outcome = attempt()
            assert outcome.case.state is State.refused
            refusal = outcome.case.decisions.refusal
            assert refusal is not None
            assert refusal.citations == (
                "1988 Convention, art. 7(15)(b)",
                "UNTOC, art. 18(21)(b)",
            )
            assert refusal.grounds == (RefusalGround.essential_interests,)
            assert refusal.consultation_held is False
            assert refusal.no_consultation_reason == "Consulted by phone"
            assert event_names(outcome) == ["refused"]
            # The event says what the refusal record says.
            [emitted] = outcome.events
            assert emitted.fields.grounds == ["essential_interests"]
            assert emitted.fields.citations == list(refusal.citations)
            assert emitted.fields.consultation_held is False
            assert outcome.deadlines == (Close(None, "refused", waived=True),)
            assert outcome.reason == "Security"
            return
        error = MissingRole if expected == "forbidden" else RuleBroken
        with pytest.raises(error) as raised:
            attempt()
        assert raised.value.problem_code == expected

    def test_bank_secrecy_cites_the_conventions(self):
        with pytest.raises(RuleBroken) as raised:
            refuse(
                actor=REQUESTED,
                grounds=[RefusalGround.bank_secrecy],
                reasons="x",
                consultations=[HEARD_ON_REFUSAL],
                dual_criminality=DualCriminalityRule.never,
            )
        citation = raised.value.citation or ""
        assert "1988 Convention, art. 7(5)" in citation and "UNTOC, art. 18(8)" in citation
        assert issues_of(raised) == [("forbidden-refusal-ground", "/grounds/0")]

    def test_a_refusal_of_a_finished_request_is_a_409_before_its_grounds(self):
        with pytest.raises(InvalidTransition):
            refuse(ACKNOWLEDGED.evolve(state=State.refused), grounds=[RefusalGround.bank_secrecy])

    @pytest.mark.parametrize(
        ("consultations", "held"),
        [
            # The requesting State wrote in it (or its answer was recorded by hand).
            ([consulted()], True),
            ([consulted(closed=True, outcome=ConsultationOutcome.no_agreement)], True),
            # Closed with an outcome that concludes it, even without a message from it.
            ([consulted(heard=False, closed=True, outcome=ConsultationOutcome.resolved)], True),
            (
                [consulted(ConsultationTopic.before_postponement), consulted()],
                True,
            ),
            # Only the refusing side's own message: nobody was consulted.
            ([consulted(heard=False)], False),
            (
                [consulted(heard=False, closed=True, outcome=ConsultationOutcome.no_longer_needed)],
                False,
            ),
            ([consulted(heard=False, closed=True)], False),
            # A consultation on another question is not one on the refusal.
            ([consulted(ConsultationTopic.before_postponement)], False),
            ([consulted(ConsultationTopic.execution_question)], False),
            ([], False),
        ],
    )
    def test_only_a_consultation_that_heard_the_requesting_state_counts(self, consultations, held):
        if held:
            outcome = refuse(consultations=consultations)
            assert outcome.case.state is State.refused
            assert outcome.case.decisions.refusal.consultation_held is True
            [emitted] = outcome.events
            assert emitted.fields.consultation_held is True
            assert any("A consultation on the refusal was held" in n for n in outcome.notes)
            return
        with pytest.raises(RuleBroken) as raised:
            refuse(consultations=consultations)
        assert issues_of(raised) == [("consultation-required", "/no_consultation_reason")]
        assert "UNTOC, art. 18(26)" in (raised.value.citation or "")

    def test_a_named_consultation_that_did_not_hear_the_requesting_state_is_pointed_at(self):
        with pytest.raises(RuleBroken) as raised:
            refuse(consultations=[consulted(heard=False)], consultation_id=uuid4())
        assert issues_of(raised) == [("consultation-required", "/consultation_id")]

    def test_an_unheard_consultation_still_leaves_the_supervisors_recorded_reason(self):
        outcome = refuse(
            consultations=[consulted(heard=False)], no_consultation_reason="Urgent: no time"
        )
        refusal = outcome.case.decisions.refusal
        assert refusal.consultation_held is False
        assert refusal.no_consultation_reason == "Urgent: no time"

    @pytest.mark.parametrize(
        ("rule", "measures", "allowed"),
        [
            (DualCriminalityRule.coercive_measures_only, (HEARING,), False),
            (DualCriminalityRule.coercive_measures_only, (RECORDS,), True),
            (DualCriminalityRule.coercive_measures_only, (RECORDS, HEARING), True),
            # Only what is still pending is refused: the records were delivered.
            (
                DualCriminalityRule.coercive_measures_only,
                (RECORDS.model_copy(update={"status": MeasureStatus.executed}), HEARING),
                False,
            ),
            (DualCriminalityRule.never, (RECORDS,), False),
            (DualCriminalityRule.always, (HEARING,), True),
        ],
    )
    def test_dual_criminality_only_where_the_requested_state_requires_it(
        self, rule, measures, allowed
    ):
        def attempt():
            return refuse(
                ACKNOWLEDGED.evolve(measures=measures),
                grounds=[RefusalGround.lack_of_dual_criminality],
                **GOOD,
                dual_criminality=rule,
            )

        if allowed:
            assert attempt().case.state is State.refused
            return
        with pytest.raises(RuleBroken) as raised:
            attempt()
        assert raised.value.problem_code == "dual-criminality-not-required"
        assert issues_of(raised) == [("dual-criminality-not-required", "/grounds/0")]
        assert "UNTOC, art. 18(9)" in (raised.value.citation or "")

    def test_the_1988_convention_alone_has_no_dual_criminality_ground(self):
        case = ACKNOWLEDGED.evolve(
            legal_bases=(LegalBasis(kind=LegalBasisKind.c1988, name="1988"),)
        )
        with pytest.raises(RuleBroken) as raised:
            refuse(
                case,
                grounds=[RefusalGround.lack_of_dual_criminality],
                **GOOD,
                dual_criminality=DualCriminalityRule.always,
            )
        assert raised.value.problem_code == "ground-not-available"


def postpone(
    case: Case = ACKNOWLEDGED,
    actor: Actor = REQUESTED_SUPERVISOR,
    *,
    reasons: str | None = "Ongoing investigation",
    until: date | None = None,
    consultations=(HEARD_ON_POSTPONEMENT,),
    consultation_id: UUID | None = None,
    no_consultation_reason: str | None = None,
):
    body = PostponeBody(
        reasons=reasons,
        until=until,
        consultation_id=consultation_id,
        no_consultation_reason=no_consultation_reason,
    )
    return domain.postpone(act_on(case, actor), body, consultations=list(consultations))


class TestPostponement:
    def test_reasons_and_consultation_are_required(self):
        with pytest.raises(RuleBroken) as raised:
            postpone(reasons=None, consultations=[])
        assert issues_of(raised) == [
            ("reasons-required", "/reasons"),
            ("consultation-required", "/no_consultation_reason"),
        ]

    @pytest.mark.parametrize(
        "consultation",
        [
            consulted(ConsultationTopic.before_postponement, heard=False),
            consulted(
                ConsultationTopic.before_postponement,
                heard=False,
                closed=True,
                outcome=ConsultationOutcome.no_longer_needed,
            ),
            # The consultation on a refusal is not one on a postponement.
            HEARD_ON_REFUSAL,
        ],
    )
    def test_a_consultation_that_did_not_hear_the_requesting_state_is_not_enough(
        self, consultation
    ):
        with pytest.raises(RuleBroken) as raised:
            postpone(consultations=[consultation])
        assert issues_of(raised) == [("consultation-required", "/no_consultation_reason")]

    def test_a_named_consultation_is_the_field_a_problem_points_at(self):
        with pytest.raises(RuleBroken) as raised:
            postpone(
                consultations=[consulted(ConsultationTopic.before_postponement, heard=False)],
                consultation_id=uuid4(),
            )
        assert issues_of(raised) == [("consultation-required", "/consultation_id")]

    def test_a_postponement_remembers_where_to_resume_and_when_it_ends(self):
        case = ACKNOWLEDGED.evolve(state=State.partially_executed)
        outcome = postpone(case, until=date(2026, 12, 1))
        assert outcome.case.state is State.postponed
        assert outcome.case.resume_state is State.partially_executed
        postponement = outcome.case.decisions.postponement
        assert postponement is not None
        assert postponement.until == date(2026, 12, 1) and postponement.consultation_held
        assert event_names(outcome) == ["postponed"]
        [emitted] = outcome.events
        assert emitted.fields.postponed_until == date(2026, 12, 1)
        assert emitted.fields.consultation_held is True
        [end] = [op.plan for op in outcome.deadlines if isinstance(op, Open)]
        assert end.kind == DeadlineKind.postponement_end and end.due.date == date(2026, 12, 1)
        assert end.calendar.country == "CO" and end.citation == "UNTOC, art. 18(25)"
        back = domain.resume(act_on(outcome.case, REQUESTED), NoteBody())
        assert back.case.state is State.partially_executed and back.case.resume_state is None
        assert event_names(back) == ["resumed"]
        assert back.deadlines == (Close(frozenset({DeadlineKind.postponement_end}), "resumed"),)

    def test_a_supervisors_recorded_reason_stands_for_the_consultation(self):
        outcome = postpone(consultations=[], no_consultation_reason="Urgent")
        postponement = outcome.case.decisions.postponement
        assert postponement.consultation_held is False
        assert postponement.no_consultation_reason == "Urgent"
        assert outcome.deadlines == ()

    @pytest.mark.parametrize("until", [date(2026, 11, 6), date(2026, 11, 5)])
    def test_an_end_today_or_in_the_past_is_refused(self, until):
        with pytest.raises(RuleBroken) as raised:
            postpone(reasons="x", until=until)
        assert issues_of(raised) == [("rule-broken", "/until")]
        assert "UNTOC, art. 18(25)" in (raised.value.citation or "")

    def test_a_postponement_recorded_late_is_judged_on_the_day_it_was_decided(self):
        # The counterpart postponed on 20 October until 1 November; written down on 6 November.
        counterpart = Actor(Side.requested, SUPERVISOR, recorded=True)
        body = PostponeBody(reasons="Ongoing investigation", until=date(2026, 11, 1))
        outcome = domain.postpone(
            act_on(ACKNOWLEDGED, counterpart, when=date(2026, 10, 20)),
            body,
            consultations=[HEARD_ON_POSTPONEMENT],
        )
        [end] = [op.plan for op in outcome.deadlines if isinstance(op, Open)]
        assert end.due.date == date(2026, 11, 1)
        assert end.started_at.date() == date(2026, 10, 20)
        with pytest.raises(RuleBroken) as raised:
            domain.postpone(
                act_on(ACKNOWLEDGED, counterpart, when=date(2026, 11, 1)),
                body,
                consultations=[HEARD_ON_POSTPONEMENT],
            )
        assert issues_of(raised) == [("rule-broken", "/until")]

    def test_a_case_officer_may_not_postpone(self):
        with pytest.raises(MissingRole):
            postpone(actor=REQUESTED, reasons="x")


class TestAdditionalInformation:
    def test_asking_pauses_the_requested_clock_and_opens_one_for_the_requesting_side(self):
        case = ACKNOWLEDGED.evolve(state=State.forwarded)
        outcome = domain.request_additional_information(
            act_on(case, REQUESTED),
            AdditionalInformationRequestBody(questions="Which branch?"),
            policy=Policy(additional_information_days=30),
        )
        assert outcome.case.state is State.additional_information_requested
        assert outcome.case.resume_state is State.forwarded
        assert event_names(outcome) == ["additional_information_requested"]
        pause, opening = outcome.deadlines
        assert isinstance(pause, Pause) and isinstance(opening, Open)
        plan = opening.plan
        assert plan.kind == DeadlineKind.additional_information_answer
        assert plan.responsible_side is Side.requesting
        assert plan.calendar.country == "ES" and plan.due.date == date(2026, 12, 7)
        assert plan.citation == "UNTOC, art. 18(16)"
        answered = domain.answer_additional_information(
            act_on(outcome.case, REQUESTING), AdditionalInformationAnswerBody(answer="Branch 12")
        )
        assert answered.case.state is State.forwarded and answered.case.resume_state is None
        assert event_names(answered) == ["additional_information_answered"]
        close, resume = answered.deadlines
        assert close == Close(frozenset({DeadlineKind.additional_information_answer}), "answered")
        assert isinstance(resume, Resume)


def forward(case: Case, actor: Actor, executing: Authority):
    return domain.forward(
        act_on(case, actor),
        ForwardBody(executing_authority=executing.code),
        executing=executing,
    )


class TestForwarding:
    def test_only_to_an_authority_of_the_requested_state(self):
        with pytest.raises(RuleBroken) as raised:
            forward(ACKNOWLEDGED, REQUESTED, NETHERLANDS)
        assert raised.value.problem_code == "executing-authority-not-domestic"
        assert [p for _, p in issues_of(raised)] == ["/executing_authority"]
        with pytest.raises(RuleBroken):
            forward(ACKNOWLEDGED, REQUESTED, COLOMBIA)
        outcome = forward(ACKNOWLEDGED, REQUESTED, PROSECUTORS)
        changed = {
            name
            for name in Case.model_fields
            if getattr(outcome.case, name) != getattr(ACKNOWLEDGED, name)
        }
        assert changed == {"state", "executing_authority"}
        assert outcome.case.state is State.forwarded
        assert outcome.case.executing_authority == "CO-FGN"
        assert event_names(outcome) == ["forwarded"]

    def test_the_executing_authority_does_not_forward(self):
        with pytest.raises(InvalidTransition):
            forward(
                ACKNOWLEDGED.evolve(state=State.forwarded, executing_authority="CO-FGN"),
                EXECUTING,
                PROSECUTORS,
            )


def execute(
    case: Case,
    actor: Actor,
    measure: MeasureRecord,
    outcome: ExecutionOutcome,
    *,
    when: Step | None = None,
    by_authority: str = "CO-MJD",
    reasons: str | None = None,
    conditions: str | None = None,
    document_ids=(),
):
    body = ExecuteMeasureBody(
        measure_id=measure.id,
        outcome=outcome,
        reasons=reasons,
        conditions=conditions,
        document_ids=list(document_ids),
    )
    return domain.execute_measure(act_on(case, actor, when=when), body, by_authority=by_authority)


def with_status(measure: MeasureRecord, status: MeasureStatus) -> MeasureRecord:
    return measure.model_copy(update={"status": status})


class TestExecution:
    @pytest.mark.parametrize(
        ("before", "measure", "outcome", "status", "state", "events"),
        [
            (
                (RECORDS, HEARING),
                RECORDS,
                ExecutionOutcome.partial,
                MeasureStatus.partially_executed,
                State.partially_executed,
                ["measure_executed"],
            ),
            (
                (RECORDS, HEARING),
                HEARING,
                ExecutionOutcome.declined,
                MeasureStatus.declined,
                State.in_execution,
                ["measure_executed"],
            ),
            (
                (RECORDS, with_status(HEARING, MeasureStatus.executed)),
                RECORDS,
                ExecutionOutcome.complete,
                MeasureStatus.executed,
                State.executed,
                ["measure_executed", "executed"],
            ),
            (
                (RECORDS, with_status(HEARING, MeasureStatus.declined)),
                RECORDS,
                ExecutionOutcome.declined,
                MeasureStatus.declined,
                State.executed,
                ["measure_executed", "executed"],
            ),
        ],
    )
    def test_the_request_follows_its_measures(
        self, before, measure, outcome, status, state, events
    ):
        case = ACKNOWLEDGED.evolve(
            state=State.forwarded, executing_authority="CO-FGN", measures=before
        )
        decided = execute(case, EXECUTING, measure, outcome, by_authority="CO-FGN", reasons="R")
        assert decided.case.state is state
        assert event_names(decided) == events
        [after] = [m for m in decided.case.measures if m.id == measure.id]
        assert after.status is status
        [delivery] = after.deliveries
        assert delivery.outcome is outcome and delivery.by_authority == "CO-FGN"
        assert delivery.at == NOW and delivery.recorded_for is None
        closes = (
            (
                Close(
                    frozenset({DeadlineKind.acknowledgement, DeadlineKind.requested_deadline}),
                    "executed",
                ),
            )
            if state is State.executed
            else ()
        )
        assert decided.deadlines == closes

    def test_declining_needs_reasons_and_a_final_measure_stays_final(self):
        case = ACKNOWLEDGED.evolve(measures=(with_status(RECORDS, MeasureStatus.executed), HEARING))
        with pytest.raises(RuleBroken) as raised:
            execute(case, REQUESTED, HEARING, ExecutionOutcome.declined, reasons=None)
        assert raised.value.problem_code == "reasons-required"
        assert issues_of(raised) == [("reasons-required", "/reasons")]
        # Blank reasons never pass the body; and the domain refuses them all the same.
        with pytest.raises(ValidationError):
            ExecuteMeasureBody(
                measure_id=HEARING.id, outcome=ExecutionOutcome.declined, reasons=" "
            )
        blank = ExecuteMeasureBody.model_construct(
            measure_id=HEARING.id, outcome=ExecutionOutcome.declined, reasons=" "
        )
        with pytest.raises(RuleBroken) as raised:
            domain.execute_measure(act_on(case, REQUESTED), blank, by_authority="CO-MJD")
        assert issues_of(raised) == [("reasons-required", "/reasons")]
        with pytest.raises(CaseConflict) as conflict:
            execute(case, REQUESTED, RECORDS, ExecutionOutcome.partial)
        assert conflict.value.problem_code == "measure-already-final"

    def test_conditional_execution_is_recorded_with_its_citation(self):
        decided = execute(
            ACKNOWLEDGED,
            REQUESTED,
            HEARING,
            ExecutionOutcome.complete,
            conditions="Use only in proceedings 45/2026",
        )
        assert decided.details["conditions"] == "Use only in proceedings 45/2026"
        [conditions] = decided.case.decisions.conditions
        assert conditions.measure_id == HEARING.id
        assert conditions.conditions == "Use only in proceedings 45/2026"
        [emitted, *_] = decided.events
        assert emitted.fields.with_conditions is True
        assert any("UNTOC, art. 18(26)" in note for note in decided.notes)

    def test_execution_without_conditions_records_none(self):
        decided = execute(ACKNOWLEDGED, REQUESTED, HEARING, ExecutionOutcome.complete)
        assert decided.case.decisions.conditions == ()
        assert decided.notes == ()


class TestCounterpartSteps:
    def test_a_one_sided_outgoing_case_records_the_requested_sides_steps(self):
        case = ACKNOWLEDGED.evolve(state=State.sent, counterpart_uses_comity=False)
        assert "record-counterpart-step" in domain.LIFECYCLE.allowed_actions(
            case, Side.requesting, OFFICER
        )
        transition = domain.LIFECYCLE.check(
            Action.record_counterpart_step, act_on(case, REQUESTING)
        )
        assert transition.action == Action.record_counterpart_step and transition.target is None
        side = case.counterpart_side
        assert side is Side.requested
        assert Action.acknowledge in domain.COUNTERPART_STEPS[side]
        assert Action.withdraw not in domain.COUNTERPART_STEPS[side]
        # The counterpart's step, taken by its side: the machine accepts it.
        recorded = Actor(side, SUPERVISOR, recorded=True)
        acknowledged = domain.acknowledge(act_on(case, recorded), NoteBody(note="By letter"))
        assert acknowledged.case.state is State.acknowledged
        assert event_names(acknowledged) == ["acknowledged"]
        assert acknowledged.deadlines == (
            Close(frozenset({DeadlineKind.acknowledgement}), "acknowledged"),
        )
        assert acknowledged.reason == "By letter"

    def test_a_recorded_delivery_names_the_side_whose_step_it_was(self):
        case = ACKNOWLEDGED.evolve(counterpart_uses_comity=False)
        recorded = Actor(Side.requested, SUPERVISOR, recorded=True)
        decided = execute(
            case, recorded, RECORDS, ExecutionOutcome.complete, when=date(2026, 11, 2)
        )
        [delivery] = decided.case.measures[0].deliveries
        assert delivery.recorded_for is Side.requested
        assert delivery.at.date() == date(2026, 11, 2)

    @pytest.mark.parametrize(
        ("side", "steps"),
        [
            (
                Side.requested,
                {
                    "acknowledge",
                    "forward",
                    "request-additional-information",
                    "postpone",
                    "resume",
                    "refuse",
                    "execute-measure",
                },
            ),
            (Side.requesting, {"answer-additional-information", "withdraw"}),
        ],
    )
    def test_each_side_has_its_own_steps(self, side, steps):
        assert {str(step) for step in domain.COUNTERPART_STEPS[side]} == steps
        assert steps <= set(domain.MACHINE.actions)
        assert domain.LIFECYCLE.counterpart_steps[side] == domain.COUNTERPART_STEPS[side]

    def test_not_when_the_counterpart_uses_comity(self):
        assert "record-counterpart-step" not in domain.LIFECYCLE.allowed_actions(
            ACKNOWLEDGED, Side.requesting, OFFICER
        )
        with pytest.raises(InvalidTransition):
            domain.LIFECYCLE.check(Action.record_counterpart_step, act_on(ACKNOWLEDGED, REQUESTING))

    def test_not_by_the_side_that_did_not_create_the_case(self):
        case = ACKNOWLEDGED.evolve(counterpart_uses_comity=False)
        assert "record-counterpart-step" not in domain.LIFECYCLE.allowed_actions(
            case, Side.requested, SUPERVISOR
        )
        with pytest.raises(InvalidTransition):
            domain.LIFECYCLE.check(
                Action.record_counterpart_step, act_on(case, REQUESTED_SUPERVISOR)
            )


class TestTheCheck:
    def test_the_lifecycle_returns_the_transition_the_actor_may_take(self):
        transition = domain.LIFECYCLE.check(Action.send, act_on(DRAFT, REQUESTING))
        assert transition.action == Action.send and transition.target == State.sent

    def test_a_wrong_state_is_a_409_and_a_missing_role_a_403_unless_checked_later(self):
        with pytest.raises(InvalidTransition):
            domain.LIFECYCLE.check(Action.send, act_on(ACKNOWLEDGED, REQUESTING))
        with pytest.raises(MissingRole):
            domain.LIFECYCLE.check(Action.refuse, act_on(ACKNOWLEDGED, REQUESTED))
        act = act_on(ACKNOWLEDGED, REQUESTED)
        assert domain.LIFECYCLE.check(Action.refuse, act, roles_later=True).action == "refuse"
        with pytest.raises(MissingRole):
            domain.LIFECYCLE.require_roles(Action.refuse, act)


class TestSharingADraft:
    def test_the_author_shares_it_once_for_prior_consultation(self):
        outcome = domain.LIFECYCLE.share_draft(
            act_on(DRAFT, REQUESTING),
            NoteBody(note="Time-sensitive"),
            event=mla_events.DRAFT_SHARED,
        )
        assert outcome.action == Action.share_draft
        assert outcome.case.state is State.draft and outcome.case.disclosed
        assert event_names(outcome) == ["draft_shared"]
        assert outcome.reason == "Time-sensitive"
        assert outcome.deadlines == ()
        assert any("para. 56(c)" in note for note in outcome.notes)
        with pytest.raises(InvalidTransition):
            domain.LIFECYCLE.share_draft(
                act_on(outcome.case, REQUESTING), NoteBody(), event=mla_events.DRAFT_SHARED
            )

    @pytest.mark.parametrize(
        ("case", "actor"),
        [
            (DRAFT.evolve(counterpart_uses_comity=False), REQUESTING),
            (DRAFT, REQUESTED),
            (DRAFT.evolve(state=State.sent, disclosed=True), REQUESTING),
        ],
    )
    def test_not_outside_comity_by_the_other_side_or_once_sent(self, case, actor):
        with pytest.raises(InvalidTransition):
            domain.LIFECYCLE.share_draft(
                act_on(case, actor), NoteBody(), event=mla_events.DRAFT_SHARED
            )


class TestEnding:
    @pytest.mark.parametrize("state", [State.executed, State.refused, State.withdrawn])
    @pytest.mark.parametrize("side", [Side.requesting, Side.requested])
    def test_a_supervisor_of_either_side_closes_a_finished_request(self, state, side):
        outcome = domain.LIFECYCLE.close(
            act_on(ACKNOWLEDGED.evolve(state=state), Actor(side, SUPERVISOR)),
            CloseBody(reason="Done"),
            event=mla_events.CLOSED,
        )
        assert outcome.action == Action.close
        assert outcome.case.state is State.closed
        assert event_names(outcome) == ["closed"]
        assert outcome.deadlines == (Close(None, "closed", waived=True),)
        assert outcome.reason == "Done"

    def test_closing_needs_a_supervisor_and_a_finished_request(self):
        with pytest.raises(MissingRole):
            domain.LIFECYCLE.close(
                act_on(ACKNOWLEDGED.evolve(state=State.executed), REQUESTED),
                CloseBody(),
                event=mla_events.CLOSED,
            )
        with pytest.raises(InvalidTransition):
            domain.LIFECYCLE.close(
                act_on(ACKNOWLEDGED, REQUESTED_SUPERVISOR), CloseBody(), event=mla_events.CLOSED
            )

    @pytest.mark.parametrize(
        "case", [DRAFT, ACKNOWLEDGED, ACKNOWLEDGED.evolve(state=State.postponed)]
    )
    def test_the_requesting_side_withdraws_saying_why(self, case):
        outcome = domain.LIFECYCLE.withdraw(
            act_on(case, REQUESTING),
            WithdrawBody(reason="The proceedings ended"),
            event=mla_events.WITHDRAWN,
        )
        assert outcome.action == Action.withdraw
        assert outcome.case.state is State.withdrawn
        assert event_names(outcome) == ["withdrawn"]
        assert outcome.deadlines == (Close(None, "withdrawn", waived=True),)
        assert outcome.reason == "The proceedings ended"

    def test_a_withdrawal_says_why(self):
        with pytest.raises(ValidationError):
            WithdrawBody()

    @pytest.mark.parametrize(
        ("case", "actor"),
        [
            (ACKNOWLEDGED, REQUESTED_SUPERVISOR),
            (ACKNOWLEDGED.evolve(state=State.executed), REQUESTING),
            # Only the author withdraws a draft.
            (DRAFT.evolve(created_by_side=Side.requested), REQUESTING),
        ],
    )
    def test_not_by_the_requested_side_nor_once_finished(self, case, actor):
        with pytest.raises(InvalidTransition):
            domain.LIFECYCLE.withdraw(
                act_on(case, actor), WithdrawBody(reason="x"), event=mla_events.WITHDRAWN
            )


class TestDraftRules:
    @pytest.mark.parametrize("reason", [None, "", "   "])
    def test_an_urgent_request_says_why(self, reason):
        case = DRAFT.evolve(urgent=True, urgency_reason=reason)
        assert case.is_urgent
        with pytest.raises(RuleBroken) as raised:
            domain.LIFECYCLE.check_draft(case)
        assert [p for _, p in issues_of(raised)] == ["/urgency_reason"]

    def test_the_urgency_rule_is_the_lifecycles_draft_rule(self):
        assert domain.LIFECYCLE.draft_rules is domain.check_urgency
        domain.LIFECYCLE.check_draft(DRAFT.evolve(urgent=True, urgency_reason="Custody ends"))
        domain.LIFECYCLE.check_draft(DRAFT)
        assert not DRAFT.is_urgent

    def test_a_measure_gets_a_new_id_unless_given_one(self):
        first = MeasureRecord(measure=Measure.documents_and_records)
        second = MeasureRecord(measure=Measure.documents_and_records)
        assert first.id != second.id and first.id.version == 7
        assert RECORDS.id == MeasureRecord(id=RECORDS.id, measure=RECORDS.measure).id
