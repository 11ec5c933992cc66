"""Use cases of the MLA service, on the shared case floor plan (shared.casework.service).

Each transition is one method named after its action (:func:`transition`): the case
comes loaded for the caller (404 for what they may not see, 412 for a stale
``If-Match``); the method gathers the facts the domain needs (authorities from the
directory, translations, consultations, the requested State's profile) and returns
the pure domain's outcome, which the one shared apply writes. Drafting, editing,
sharing a draft, closing and withdrawing are the shared ones. Nothing here commits:
the request's unit of work does.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement
from sqlmodel import col

from contracts import mla as contract
from services.mla import domain
from services.mla.commands import (
    AdditionalInformationAnswerBody,
    AdditionalInformationRequestBody,
    ExecuteMeasureBody,
    ForwardBody,
    PostponeBody,
    RefuseBody,
)
from services.mla.domain import Case, State
from services.mla.models import MlaReferenceSequence, MlaRequest
from services.mla.schemas import (
    ChecklistItemPublic,
    ChecklistPublic,
    CounterpartStep,
    LanguageCheckPublic,
    MeasurePublic,
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
from shared.casework.outcome import Outcome
from shared.casework.schemas import NoteBody, RegisterBody
from shared.casework.service import Acting, CaseContext, CaseService, Read, decided_by, transition
from shared.casework.vocabulary import DocumentKind
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
# A request about to change, as its use case holds it.
ActingOn = Acting[MlaRequest, Case]


class MlaCases(
    CaseService[MlaRequest, Case, RequestCreate, RequestPublic, RequestSummary, RequestFilters]
):
    """The MLA service's use cases: what every case does (:class:`CaseService`) and its
    own transitions, one method each, named after the action."""

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

    async def read_checklist(self, ctx: Ctx, request_id: UUID) -> ChecklistPublic:
        return await checklist(ctx, (await self.load(ctx, request_id)).case)

    # -----------------------------------------------------------------------
    # Transitions

    @transition
    async def send(self, ctx: Ctx, acting: ActingOn, body: NoteBody) -> Outcome[Case]:
        translations = await _translations(ctx, acting.case.id)
        return domain.send(acting.act, body, translations=translations, policy=policy(ctx))

    @transition
    async def register(self, ctx: Ctx, acting: ActingOn, body: RegisterBody) -> Outcome[Case]:
        return domain.register(acting.act, body, policy=policy(ctx))

    acknowledge = decided_by(domain.acknowledge)

    @transition
    async def forward(self, ctx: Ctx, acting: ActingOn, body: ForwardBody) -> Outcome[Case]:
        # Whether this caller may forward at all comes before who the authority is.
        self.lifecycle.check(domain.Action.forward, acting.act)
        executing = await ctx.authority(body.executing_authority, pointer="/executing_authority")
        return domain.forward(acting.act, body, executing=executing)

    @transition
    async def request_additional_information(
        self, ctx: Ctx, acting: ActingOn, body: AdditionalInformationRequestBody
    ) -> Outcome[Case]:
        return domain.request_additional_information(acting.act, body, policy=policy(ctx))

    @transition
    async def answer_additional_information(
        self, ctx: Ctx, acting: ActingOn, body: AdditionalInformationAnswerBody
    ) -> Outcome[Case]:
        await self.documents_exist(ctx, acting.case, body.document_ids, "/document_ids")
        return domain.answer_additional_information(acting.act, body)

    @transition
    async def postpone(self, ctx: Ctx, acting: ActingOn, body: PostponeBody) -> Outcome[Case]:
        consultations = await self.consultations(ctx, acting.case, body)
        return domain.postpone(acting.act, body, consultations=consultations)

    resume = decided_by(domain.resume)

    @transition
    async def refuse(self, ctx: Ctx, acting: ActingOn, body: RefuseBody) -> Outcome[Case]:
        consultations = await self.consultations(ctx, acting.case, body)
        rule = await _dual_criminality(ctx, acting.case.requested_country)
        return domain.refuse(acting.act, body, consultations=consultations, dual_criminality=rule)

    @transition
    async def execute_measure(
        self, ctx: Ctx, acting: ActingOn, body: ExecuteMeasureBody
    ) -> Outcome[Case]:
        await self.documents_exist(ctx, acting.case, body.document_ids, "/document_ids")
        return domain.execute_measure(acting.act, body, by_authority=ctx.principal.authority)


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
