"""Use cases of the MLA service, on the shared case floor plan (shared.casework.service).

Each transition is one use case named after its action: it loads the request (404
for what the caller may not see, 412 for a stale ``If-Match``), gathers the facts
the domain needs (authorities from the directory, translations, consultations, the
requested State's profile), calls the pure domain function and hands its outcome to
the one shared apply. Nothing here commits: the request's unit of work does.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement
from sqlmodel import col

from contracts import mla as contract
from services.mla import domain
from services.mla.domain import Case, MeasureRecord, State
from services.mla.models import MlaReferenceSequence, MlaRequest
from services.mla.schemas import (
    AdditionalInformationAnswerBody,
    AdditionalInformationRequestBody,
    ChecklistItemPublic,
    ChecklistPublic,
    CounterpartStep,
    ExecuteMeasureBody,
    ForwardBody,
    LanguageCheckPublic,
    MeasureCreate,
    MeasurePublic,
    PostponeBody,
    RefuseBody,
    RequestCreate,
    RequestFilters,
    RequestPublic,
    RequestSummary,
    RequestUpdate,
    ViolationPublic,
)
from services.mla.settings import MlaSettings
from shared.casework import repository as casework
from shared.casework.case import Authority
from shared.casework.schemas import (
    CloseBody,
    NoteBody,
    RegisterBody,
    WithdrawBody,
)
from shared.casework.service import CaseContext, CaseService, Read, Recorded
from shared.casework.vocabulary import DocumentKind
from shared.http import IfMatch
from shared.legal.consultation import ConsultationTopic
from shared.legal.cooperation import CooperationType
from shared.legal.mla.request import (
    CHECKLIST,
    LANGUAGE_CITATION,
    MEASURE_CITATIONS,
    DualCriminalityRule,
    Requirement,
    assess_completeness,
    is_coercive,
)
from shared.problems import GatewayTimeout, NotFound, ServiceUnavailable

Ctx = CaseContext[MlaSettings]


class MlaCases(CaseService[MlaRequest, Case, RequestPublic, RequestSummary, RequestFilters]):
    cooperation = CooperationType.mla
    sequence_model = MlaReferenceSequence
    lifecycle = domain.LIFECYCLE
    contracts = contract
    update_body = RequestUpdate
    counterpart_step_body = CounterpartStep

    def event_fields(self, case: Case) -> dict[str, Any]:
        return {
            "measures": [
                contract.MeasureInfo(measure_id=m.id, measure=m.measure, status=m.status)
                for m in case.measures
            ]
        }

    def urgent(self, case: Case) -> bool:
        return case.urgent

    def edited_value(self, name: str, value: Any) -> Any:
        return _measures(value) if name == "measures" else value

    def check_draft(self, case: Case) -> None:
        domain.check_urgency(case)

    def measure_ids(self, case: Case) -> frozenset[UUID]:
        return frozenset(m.id for m in case.measures)

    async def public_fields(self, read: Read[MlaRequest, Case]) -> dict[str, Any]:
        case = read.loaded.case
        return {
            "measures": [
                MeasurePublic(
                    **dict(m),
                    coercive=is_coercive(m.measure),
                    citation=MEASURE_CITATIONS[m.measure],
                )
                for m in case.measures
            ],
            # What sending would say: while it is a draft, the only time it matters.
            "checklist": await checklist(read.ctx, case) if case.state is State.draft else None,
        }

    def filter_conditions(self, filters: RequestFilters) -> list[ColumnElement[bool]]:
        conditions: list[ColumnElement[bool]] = []
        if filters.measure is not None:
            # JSONB containment (@>), served by the GIN index on measures.
            conditions.append(
                col(MlaRequest.measures).contains([{"measure": filters.measure.value}])
            )
        if filters.urgent is not None:
            conditions.append(col(MlaRequest.urgent).is_(filters.urgent))
        return conditions


MLA = MlaCases()


def policy(ctx: Ctx) -> domain.Policy:
    return domain.Policy(
        acknowledgement_working_days=ctx.settings.acknowledgement_working_days,
        additional_information_days=ctx.settings.additional_information_days,
    )


# ---------------------------------------------------------------------------
# Facts from the directory and the case's documents


async def _maybe_authority(ctx: CaseContext[Any], code: str) -> Authority | None:
    try:
        return await ctx.authority(code, pointer="/requested_authority")
    except (NotFound, ServiceUnavailable, GatewayTimeout):
        return None


async def _dual_criminality(ctx: Ctx, country: str) -> DualCriminalityRule:
    """The requested State's rule on dual criminality for MLA, from its directory profile.

    A State without a profile is taken to require it for coercive measures only, the
    flexibility UNCAC art. 46(9)(b) and Plan of Action para. 56(b) ask for.
    """
    try:
        profile = await ctx.directory.profile(country)
    except NotFound:
        return DualCriminalityRule.coercive_measures_only
    return DualCriminalityRule(profile.dual_criminality_mla)


async def _translations(ctx: CaseContext[Any], case_id: UUID) -> list[str]:
    return [
        d.language
        for d in await casework.documents(ctx.session, case_id)
        if d.kind == DocumentKind.translation and d.language
    ]


async def checklist(ctx: CaseContext[Any], case: Case) -> ChecklistPublic:
    """What sending would say now: UNTOC art. 18(15) element by element, and the language."""
    decision = assess_completeness(case.facts)
    translations = await _translations(ctx, case.id)
    requested = await _maybe_authority(ctx, case.requested_authority)
    violations = list(decision.violations)
    language_ok: bool | None = None
    if requested is not None:
        problems = domain.sending_violations(case, requested=requested, translations=translations)
        language = [v for v in problems if v.code == "language-not-accepted"]
        violations += language
        language_ok = not language
    missing = [v.pointer or "" for v in decision.violations]
    items = [
        ChecklistItemPublic(
            **dict(item),
            satisfied=not any(
                p == item.pointer or p.startswith(item.pointer + "/") for p in missing
            )
            if item.requirement is not Requirement.where_possible
            else bool(case.facts.persons),
        )
        for item in CHECKLIST
    ]
    return ChecklistPublic(
        complete=not violations,
        items=items,
        language=LanguageCheckPublic(
            request_language=case.language,
            accepted_languages=list(requested.accepted_languages) if requested else None,
            translations=translations,
            satisfied=language_ok,
            citation=LANGUAGE_CITATION,
        ),
        violations=[
            ViolationPublic(code=v.code, pointer=v.pointer, message=v.message, citation=v.citation)
            for v in violations
        ],
        advisories=list(decision.reasons),
    )


async def read_checklist(ctx: Ctx, request_id: UUID) -> ChecklistPublic:
    return await checklist(ctx, (await MLA.load(ctx, request_id)).case)


# ---------------------------------------------------------------------------
# Drafts


def _measures(measures: Sequence[MeasureCreate] | None) -> list[MeasureRecord]:
    return [
        MeasureRecord(id=casework.new_id(), measure=m.measure, details=m.details)
        for m in measures or ()
    ]


async def create_request(ctx: Ctx, body: RequestCreate) -> RequestPublic:
    addressed = await MLA.addressed(ctx, body)
    row = MLA.new_row(
        ctx,
        addressed,
        legal_bases=[b.model_dump(mode="json") for b in body.legal_bases],
        measures=[m.model_dump(mode="json") for m in _measures(body.measures)],
        investigation_subject=body.investigation_subject,
        conducting_authority=body.conducting_authority,
        summary_of_facts=body.summary_of_facts,
        purpose=body.purpose,
        procedures=body.procedures,
        urgent=body.urgent,
        urgency_reason=body.urgency_reason,
        suggested_deadline=body.suggested_deadline,
        confidentiality_requested=body.confidentiality_requested,
        limits_on_use=body.limits_on_use,
        language=body.language,
        decisions={},
    )
    return await MLA.created(ctx, row)


# ---------------------------------------------------------------------------
# Transitions: one use case each, named after its action


async def send(
    ctx: Ctx, request_id: UUID, body: NoteBody | None, expected: IfMatch
) -> RequestPublic:
    acting = await MLA.begin(ctx, request_id, expected)
    case = acting.case
    outcome = domain.send(
        case,
        acting.actor,
        now=ctx.now,
        requesting=await ctx.authority(case.requesting_authority, pointer="/requesting_authority"),
        requested=await ctx.authority(case.requested_authority, pointer="/requested_authority"),
        translations=await _translations(ctx, case.id),
        policy=policy(ctx),
        note=body.note if body else None,
    )
    return await MLA.change(ctx, acting, outcome)


async def share_draft(
    ctx: Ctx, request_id: UUID, body: NoteBody | None, expected: IfMatch
) -> RequestPublic:
    acting = await MLA.begin(ctx, request_id, expected)
    outcome = domain.share_draft(acting.case, acting.actor, note=body.note if body else None)
    return await MLA.change(ctx, acting, outcome)


async def register(
    ctx: Ctx, request_id: UUID, body: RegisterBody, expected: IfMatch
) -> RequestPublic:
    acting = await MLA.begin(ctx, request_id, expected)
    case = acting.case
    outcome = domain.register(
        case,
        acting.actor,
        now=ctx.now,
        received_on=body.received_on,
        received_via=body.received_via,
        their_reference=body.their_reference,
        requested=await ctx.authority(case.requested_authority, pointer="/requested_authority"),
        policy=policy(ctx),
    )
    return await MLA.change(ctx, acting, outcome)


async def acknowledge(
    ctx: Ctx,
    request_id: UUID,
    body: NoteBody | None,
    expected: IfMatch,
    recorded: Recorded | None = None,
) -> RequestPublic:
    acting = await MLA.begin(ctx, request_id, expected, recorded)
    outcome = domain.acknowledge(acting.case, acting.actor, note=body.note if body else None)
    return await MLA.change(ctx, acting, outcome)


async def forward(
    ctx: Ctx,
    request_id: UUID,
    body: ForwardBody,
    expected: IfMatch,
    recorded: Recorded | None = None,
) -> RequestPublic:
    acting = await MLA.begin(ctx, request_id, expected, recorded)
    case = acting.case
    # Whether this caller may forward at all comes before who the authority is.
    domain.check(domain.Action.forward, case, acting.actor)
    outcome = domain.forward(
        case,
        acting.actor,
        executing=await ctx.authority(body.executing_authority, pointer="/executing_authority"),
        requested=await ctx.authority(case.requested_authority, pointer="/requested_authority"),
        note=body.note,
    )
    return await MLA.change(ctx, acting, outcome)


async def request_additional_information(
    ctx: Ctx,
    request_id: UUID,
    body: AdditionalInformationRequestBody,
    expected: IfMatch,
    recorded: Recorded | None = None,
) -> RequestPublic:
    acting = await MLA.begin(ctx, request_id, expected, recorded)
    case = acting.case
    outcome = domain.request_additional_information(
        case,
        acting.actor,
        when=acting.when,
        now=ctx.now,
        questions=body.questions,
        answer_within_days=body.answer_within_days,
        requesting=await ctx.authority(case.requesting_authority, pointer="/requesting_authority"),
        policy=policy(ctx),
    )
    return await MLA.change(ctx, acting, outcome)


async def answer_additional_information(
    ctx: Ctx,
    request_id: UUID,
    body: AdditionalInformationAnswerBody,
    expected: IfMatch,
    recorded: Recorded | None = None,
) -> RequestPublic:
    acting = await MLA.begin(ctx, request_id, expected, recorded)
    await MLA.documents_exist(ctx, acting.case, body.document_ids, "/document_ids")
    outcome = domain.answer_additional_information(
        acting.case, acting.actor, answer=body.answer, document_ids=body.document_ids
    )
    return await MLA.change(ctx, acting, outcome)


def _consultation_pointer(consultation_id: UUID | None) -> str:
    return "/consultation_id" if consultation_id is not None else "/no_consultation_reason"


async def postpone(
    ctx: Ctx,
    request_id: UUID,
    body: PostponeBody,
    expected: IfMatch,
    recorded: Recorded | None = None,
) -> RequestPublic:
    acting = await MLA.begin(ctx, request_id, expected, recorded)
    case = acting.case
    outcome = domain.postpone(
        case,
        acting.actor,
        now=ctx.now,
        reasons=body.reasons,
        until=body.until,
        consultations=await MLA.consultations(
            ctx,
            acting.case,
            topic=ConsultationTopic.before_postponement,
            consultation_id=body.consultation_id,
        ),
        no_consultation_reason=body.no_consultation_reason,
        requested=await ctx.authority(case.requested_authority, pointer="/requested_authority"),
        consultation_pointer=_consultation_pointer(body.consultation_id),
    )
    return await MLA.change(ctx, acting, outcome)


async def resume(
    ctx: Ctx,
    request_id: UUID,
    body: NoteBody | None,
    expected: IfMatch,
    recorded: Recorded | None = None,
) -> RequestPublic:
    acting = await MLA.begin(ctx, request_id, expected, recorded)
    outcome = domain.resume(acting.case, acting.actor, note=body.note if body else None)
    return await MLA.change(ctx, acting, outcome)


async def refuse(
    ctx: Ctx,
    request_id: UUID,
    body: RefuseBody,
    expected: IfMatch,
    recorded: Recorded | None = None,
) -> RequestPublic:
    acting = await MLA.begin(ctx, request_id, expected, recorded)
    case = acting.case
    outcome = domain.refuse(
        case,
        acting.actor,
        grounds=body.grounds,
        reasons=body.reasons,
        consultations=await MLA.consultations(
            ctx,
            acting.case,
            topic=ConsultationTopic.before_refusal,
            consultation_id=body.consultation_id,
        ),
        no_consultation_reason=body.no_consultation_reason,
        dual_criminality=await _dual_criminality(ctx, case.requested_country),
        consultation_pointer=_consultation_pointer(body.consultation_id),
    )
    return await MLA.change(ctx, acting, outcome)


async def execute_measure(
    ctx: Ctx,
    request_id: UUID,
    body: ExecuteMeasureBody,
    expected: IfMatch,
    recorded: Recorded | None = None,
) -> RequestPublic:
    acting = await MLA.begin(ctx, request_id, expected, recorded)
    await MLA.documents_exist(ctx, acting.case, body.document_ids, "/document_ids")
    case = acting.case
    outcome = domain.execute_measure(
        case,
        acting.actor,
        when=acting.when,
        now=ctx.now,
        requested=await ctx.authority(case.requested_authority, pointer="/requested_authority"),
        by_authority=ctx.principal.authority,
        measure_id=body.measure_id,
        outcome=body.outcome,
        reasons=body.reasons,
        conditions=body.conditions,
        document_ids=body.document_ids,
    )
    return await MLA.change(ctx, acting, outcome)


async def close(
    ctx: Ctx, request_id: UUID, body: CloseBody | None, expected: IfMatch
) -> RequestPublic:
    acting = await MLA.begin(ctx, request_id, expected)
    outcome = domain.close(acting.case, acting.actor, reason=body.reason if body else None)
    return await MLA.change(ctx, acting, outcome)


async def withdraw(
    ctx: Ctx,
    request_id: UUID,
    body: WithdrawBody,
    expected: IfMatch,
    recorded: Recorded | None = None,
) -> RequestPublic:
    acting = await MLA.begin(ctx, request_id, expected, recorded)
    outcome = domain.withdraw(acting.case, acting.actor, reason=body.reason)
    return await MLA.change(ctx, acting, outcome)
