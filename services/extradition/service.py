"""Use cases of the extradition service, on the shared case floor plan
(shared.casework.service).

Each transition is one use case named after its action: it loads the request (404
for what the caller may not see, 412 for a stale ``If-Match``), gathers the facts
the domain needs (the authorities' calendars from the directory, the case's
deadlines and consultations, the requested State's profile), calls the pure domain
function and hands its outcome to the one shared apply. Nothing here commits: the
request's unit of work does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement
from sqlmodel import col

from contracts import extradition as contract
from services.extradition import domain
from services.extradition.domain import (
    Case,
    Entry,
    Offence,
    OffenceEntry,
    RequestedLaw,
    SurrenderAgreement,
    SurrenderPostponement,
)
from services.extradition.models import ExtraditionReferenceSequence, ExtraditionRequest
from services.extradition.schemas import (
    AgreeSurrenderBody,
    ArrestBody,
    ConsentBody,
    CourtRulingBody,
    DualCriminalityBody,
    EawExtensionBody,
    ExecuteSurrenderBody,
    ExtensionBody,
    FormalRequestBody,
    GrantBody,
    OffenceCreate,
    PostponeSurrenderBody,
    RefuseBody,
    RegisterBody,
    RequestCreate,
    RequestFilters,
    RequestPublic,
    RequestSummary,
    RequestUpdate,
    SendBody,
    SpecialityDecisionBody,
    SpecialityRequestBody,
)
from services.extradition.settings import ExtraditionSettings
from shared.casework import public
from shared.casework import repository as casework
from shared.casework.case import Authority
from shared.casework.deadlines import DeadlineStatus
from shared.casework.models import CaseDeadline, CasePerson
from shared.casework.persons import new_pseudonym
from shared.casework.schemas import (
    CloseBody,
    DeadlinePublic,
    NoteBody,
    WithdrawBody,
)
from shared.casework.service import CaseContext, CaseService, Read
from shared.casework.state_machine import Side
from shared.casework.vocabulary import CustodyStatus, PersonKind, PersonRole
from shared.http import IfMatch
from shared.legal.consultation import ConsultationTopic
from shared.legal.cooperation import CooperationType
from shared.problems import NotFound

Ctx = CaseContext[ExtraditionSettings]


class ExtraditionCases(
    CaseService[ExtraditionRequest, Case, RequestPublic, RequestSummary, RequestFilters]
):
    cooperation = CooperationType.extradition
    sequence_model = ExtraditionReferenceSequence
    lifecycle = domain.LIFECYCLE
    contracts = contract
    update_body = RequestUpdate

    def event_fields(self, case: Case) -> dict[str, Any]:
        person = case.person_sought
        return {
            "purpose": case.purpose.value,
            "person_id": person.id,
            "person_pseudonym": person.pseudonym,
            "person_protected": person.protected,
            "offences": [
                contract.OffenceInfo(offence_id=o.id, category=o.category) for o in case.offences
            ],
        }

    def urgent(self, case: Case) -> bool:
        # A provisional arrest is asked for in urgency (MTE art. 9; ECE art. 16).
        return case.provisional_arrest_requested

    def edited_value(self, name: str, value: Any) -> Any:
        return _offences(value) if name == "offences" else value

    def check_draft(self, case: Case) -> None:
        domain.check_sentence(case)

    async def public_fields(self, read: Read[ExtraditionRequest, Case]) -> dict[str, Any]:
        case = read.loaded.case
        return {
            "person_sought": next(p for p in read.persons if p.id == case.person_id),
            "formal_request_due": _formal_request_due(read.deadlines, read.ctx.now),
            "dual_criminality": case.dual_criminality[-1] if case.dual_criminality else None,
            "dual_criminality_versions": len(case.dual_criminality),
        }

    def filter_conditions(self, filters: RequestFilters) -> list[ColumnElement[bool]]:
        if filters.purpose is not None:
            return [col(ExtraditionRequest.purpose) == filters.purpose.value]
        return []


EXTRADITION = ExtraditionCases()


def _formal_request_due(rows: Sequence[CaseDeadline], now: datetime) -> DeadlinePublic | None:
    """The running formal-request limit (the first one after which the person may walk
    free), else the last one closed."""
    found = [d for d in rows if d.kind in domain.FORMAL_REQUEST_KINDS]
    running = [d for d in found if d.status == DeadlineStatus.open]
    pick = min(running, key=lambda d: d.due_at) if running else (found[-1] if found else None)
    return public.deadline_public(pick, now) if pick is not None else None


def _entry(ctx: Ctx) -> Entry:
    return Entry(id=casework.new_id(), at=ctx.now, by=casework.actor_name(ctx.principal))


async def _accepts_conventions(ctx: Ctx, country: str) -> bool | None:
    """Whether the requested State takes the conventions as the legal basis for
    extradition, from its directory profile (UNTOC art. 16(5)(a) (verify)); ``None``
    for a State without a profile, which is not blocked."""
    try:
        profile = await ctx.directory.profile(country)
    except NotFound:
        return None
    return profile.conventions_as_extradition_basis


async def _requested(ctx: Ctx, case: Case) -> Authority:
    return await ctx.authority(case.requested_authority, pointer="/requested_authority")


async def _requesting(ctx: Ctx, case: Case) -> Authority:
    return await ctx.authority(case.requesting_authority, pointer="/requesting_authority")


# ---------------------------------------------------------------------------
# Drafts


def _offences(offences: Sequence[OffenceCreate]) -> list[Offence]:
    return [
        Offence(
            id=casework.new_id(),
            conduct=o.conduct,
            category=o.category,
            provision=o.provision,
            max_penalty_months=o.max_penalty_months,
        )
        for o in offences
    ]


async def create_request(ctx: Ctx, body: RequestCreate) -> RequestPublic:
    addressed = await EXTRADITION.addressed(ctx, body)
    sought = body.person_sought
    row = EXTRADITION.new_row(
        ctx,
        addressed,
        person_id=casework.new_id(),
        purpose=body.purpose.value,
        sentence_imposed_months=body.sentence_imposed_months,
        sentence_remaining_months=body.sentence_remaining_months,
        offences=[o.model_dump(mode="json") for o in _offences(body.offences)],
        legal_bases=[b.model_dump(mode="json") for b in body.legal_bases],
        warrant_references=list(body.warrant_references),
        interpol_notice=body.interpol_notice,
        summary_of_facts=body.summary_of_facts,
        provisional_arrest_requested=False,
        dual_criminality=[],
        decisions=[],
        speciality_requests=[],
    )
    person = CasePerson(
        id=row.person_id,
        case_id=row.id,
        kind=PersonKind.natural.value,
        role=PersonRole.person_sought.value,
        name=sought.name,
        aliases=list(sought.aliases),
        nationalities=list(sought.nationalities),
        date_of_birth=sought.date_of_birth,
        location="; ".join(sought.known_locations) or None,
        custody_status=CustodyStatus.at_liberty.value,
        protected=sought.protected,
        pseudonym=new_pseudonym(()),
        created_at=ctx.now,
        created_by=casework.actor_name(ctx.principal),
        created_by_authority=ctx.principal.authority,
    )
    return await EXTRADITION.created(ctx, row, [person])


# ---------------------------------------------------------------------------
# Transitions: one use case each, named after its action


async def share_draft(
    ctx: Ctx, request_id: UUID, body: NoteBody | None, expected: IfMatch
) -> RequestPublic:
    acting = await EXTRADITION.begin(ctx, request_id, expected)
    outcome = domain.share_draft(acting.case, acting.actor, note=body.note if body else None)
    return await EXTRADITION.change(ctx, acting, outcome)


async def send(
    ctx: Ctx, request_id: UUID, body: SendBody | None, expected: IfMatch
) -> RequestPublic:
    acting = await EXTRADITION.begin(ctx, request_id, expected)
    case = acting.case
    outcome = domain.send(
        case,
        acting.actor,
        now=ctx.now,
        provisional_arrest=body.provisional_arrest if body else False,
        requesting=await _requesting(ctx, case),
        requested=await _requested(ctx, case),
        accepts_conventions=await _accepts_conventions(ctx, case.requested_country),
    )
    return await EXTRADITION.change(ctx, acting, outcome)


async def register(
    ctx: Ctx, request_id: UUID, body: RegisterBody, expected: IfMatch
) -> RequestPublic:
    acting = await EXTRADITION.begin(ctx, request_id, expected)
    outcome = domain.register(
        acting.case,
        acting.actor,
        now=ctx.now,
        provisional_arrest=body.provisional_arrest,
        received_via=body.received_via,
        received_on=body.received_on,
        their_reference=body.their_reference,
        requested=await _requested(ctx, acting.case),
    )
    return await EXTRADITION.change(ctx, acting, outcome)


async def record_arrest(
    ctx: Ctx, request_id: UUID, body: ArrestBody, expected: IfMatch
) -> RequestPublic:
    acting = await EXTRADITION.begin(ctx, request_id, expected)
    case = acting.case
    outcome = domain.record_arrest(
        case,
        acting.actor,
        now=ctx.now,
        arrested_at=body.arrested_at,
        place=body.place,
        requesting=await _requesting(ctx, case),
        requested=await _requested(ctx, case),
    )
    return await EXTRADITION.change(ctx, acting, outcome)


async def extend_formal_request_deadline(
    ctx: Ctx, request_id: UUID, body: ExtensionBody, expected: IfMatch
) -> RequestPublic:
    acting = await EXTRADITION.begin(ctx, request_id, expected)
    outcome = domain.extend_formal_request_deadline(
        acting.case,
        acting.actor,
        now=ctx.now,
        new_due_date=body.new_due_date,
        reason=body.reason,
        deadlines=await EXTRADITION.deadlines(ctx, acting.case),
    )
    return await EXTRADITION.change(ctx, acting, outcome)


async def extend_eaw_decision(
    ctx: Ctx, request_id: UUID, body: EawExtensionBody, expected: IfMatch
) -> RequestPublic:
    acting = await EXTRADITION.begin(ctx, request_id, expected)
    outcome = domain.extend_eaw_decision(
        acting.case,
        acting.actor,
        reasons=body.reasons,
        deadlines=await EXTRADITION.deadlines(ctx, acting.case),
    )
    return await EXTRADITION.change(ctx, acting, outcome)


async def submit_formal_request(
    ctx: Ctx, request_id: UUID, body: FormalRequestBody | None, expected: IfMatch
) -> RequestPublic:
    acting = await EXTRADITION.begin(ctx, request_id, expected)
    body = body or FormalRequestBody()
    outcome = domain.submit_formal_request(
        acting.case,
        acting.actor,
        now=ctx.now,
        received_on=body.received_on,
        their_reference=body.their_reference,
        requested=await _requested(ctx, acting.case),
    )
    if acting.actor.side is Side.requested and body.received_on is not None:
        # The requested side writes down what the requesting State sent outside Comity.
        acting = replace(acting, when=body.received_on, recorded_for=Side.requesting)
    return await EXTRADITION.change(ctx, acting, outcome)


async def release(
    ctx: Ctx, request_id: UUID, body: NoteBody | None, expected: IfMatch
) -> RequestPublic:
    acting = await EXTRADITION.begin(ctx, request_id, expected)
    outcome = domain.release(
        acting.case,
        acting.actor,
        now=ctx.now,
        deadlines=await EXTRADITION.deadlines(ctx, acting.case),
    )
    return await EXTRADITION.change(ctx, acting, outcome)


async def assess_dual_criminality(
    ctx: Ctx, request_id: UUID, body: DualCriminalityBody | None, expected: IfMatch
) -> RequestPublic:
    acting = await EXTRADITION.begin(ctx, request_id, expected)
    entered = [
        OffenceEntry(
            offence_id=item.offence_id,
            requested=RequestedLaw.model_validate(item.model_dump(exclude={"offence_id"})),
            pointer=f"/offences/{index}/offence_id",
        )
        for index, item in enumerate(body.offences if body else [])
    ]
    outcome = domain.assess(acting.case, acting.actor, entry=_entry(ctx), entered=entered)
    return await EXTRADITION.change(ctx, acting, outcome)


async def record_consent(
    ctx: Ctx, request_id: UUID, body: ConsentBody, expected: IfMatch
) -> RequestPublic:
    acting = await EXTRADITION.begin(ctx, request_id, expected)
    outcome = domain.record_consent(
        acting.case,
        acting.actor,
        now=ctx.now,
        consented_at=body.consented_at,
        before=body.before,
        requested=await _requested(ctx, acting.case),
    )
    return await EXTRADITION.change(ctx, acting, outcome)


async def record_court_ruling(
    ctx: Ctx, request_id: UUID, body: CourtRulingBody, expected: IfMatch
) -> RequestPublic:
    acting = await EXTRADITION.begin(ctx, request_id, expected)
    outcome = domain.record_court_ruling(
        acting.case,
        acting.actor,
        now=ctx.now,
        entry=_entry(ctx),
        admissible=body.admissible,
        deciding_body=body.deciding_body,
        reference=body.reference,
        decided_on=body.decided_on,
        appeal_deadline=body.appeal_deadline,
        final_on=body.final_on,
        note=body.note,
        requested=await _requested(ctx, acting.case),
    )
    return await EXTRADITION.change(ctx, acting, outcome)


async def grant(ctx: Ctx, request_id: UUID, body: GrantBody, expected: IfMatch) -> RequestPublic:
    acting = await EXTRADITION.begin(ctx, request_id, expected)
    outcome = domain.grant(
        acting.case,
        acting.actor,
        now=ctx.now,
        entry=_entry(ctx),
        deciding_body=body.deciding_body,
        reference=body.reference,
        decided_on=body.decided_on,
        scope=body.scope,
        offence_ids=body.offence_ids,
        conditions=body.conditions,
        simplified=body.simplified,
        appeal_deadline=body.appeal_deadline,
        final_on=body.final_on,
        requested=await _requested(ctx, acting.case),
    )
    return await EXTRADITION.change(ctx, acting, outcome)


async def refuse(ctx: Ctx, request_id: UUID, body: RefuseBody, expected: IfMatch) -> RequestPublic:
    acting = await EXTRADITION.begin(ctx, request_id, expected)
    outcome = domain.refuse(
        acting.case,
        acting.actor,
        entry=_entry(ctx),
        grounds=body.grounds,
        reasons=body.reasons,
        deciding_body=body.deciding_body,
        reference=body.reference,
        consultations=await EXTRADITION.consultations(
            ctx,
            acting.case,
            topic=ConsultationTopic.before_refusal,
            consultation_id=body.consultation_id,
        ),
        no_consultation_reason=body.no_consultation_reason,
        consultation_pointer="/consultation_id"
        if body.consultation_id is not None
        else "/no_consultation_reason",
    )
    return await EXTRADITION.change(ctx, acting, outcome)


async def agree_surrender(
    ctx: Ctx, request_id: UUID, body: AgreeSurrenderBody, expected: IfMatch
) -> RequestPublic:
    acting = await EXTRADITION.begin(ctx, request_id, expected)
    outcome = domain.agree_surrender(
        acting.case,
        acting.actor,
        agreement=SurrenderAgreement.model_validate(body.model_dump()),
        requested=await _requested(ctx, acting.case),
    )
    return await EXTRADITION.change(ctx, acting, outcome)


async def postpone_surrender(
    ctx: Ctx, request_id: UUID, body: PostponeSurrenderBody, expected: IfMatch
) -> RequestPublic:
    acting = await EXTRADITION.begin(ctx, request_id, expected)
    outcome = domain.postpone_surrender(
        acting.case,
        acting.actor,
        postponement=SurrenderPostponement(kind=body.kind, reasons=body.reasons, until=body.until),
    )
    return await EXTRADITION.change(ctx, acting, outcome)


async def execute_surrender(
    ctx: Ctx, request_id: UUID, body: ExecuteSurrenderBody, expected: IfMatch
) -> RequestPublic:
    acting = await EXTRADITION.begin(ctx, request_id, expected)
    outcome = domain.execute_surrender(
        acting.case,
        acting.actor,
        now=ctx.now,
        surrendered_at=body.surrendered_at,
        note=body.note,
        requested=await _requested(ctx, acting.case),
    )
    return await EXTRADITION.change(ctx, acting, outcome)


async def request_speciality_consent(
    ctx: Ctx, request_id: UUID, body: SpecialityRequestBody, expected: IfMatch
) -> RequestPublic:
    acting = await EXTRADITION.begin(ctx, request_id, expected)
    outcome = domain.request_speciality_consent(
        acting.case,
        acting.actor,
        entry=_entry(ctx),
        further_offences=body.further_offences,
        reason=body.reason,
    )
    return await EXTRADITION.change(ctx, acting, outcome)


async def decide_speciality_consent(
    ctx: Ctx, request_id: UUID, body: SpecialityDecisionBody, expected: IfMatch
) -> RequestPublic:
    acting = await EXTRADITION.begin(ctx, request_id, expected)
    outcome = domain.decide_speciality_consent(
        acting.case,
        acting.actor,
        now=ctx.now,
        speciality_request_id=body.speciality_request_id,
        granted=body.granted,
        reasons=body.reasons,
    )
    return await EXTRADITION.change(ctx, acting, outcome)


async def withdraw(
    ctx: Ctx, request_id: UUID, body: WithdrawBody, expected: IfMatch
) -> RequestPublic:
    acting = await EXTRADITION.begin(ctx, request_id, expected)
    outcome = domain.withdraw(acting.case, acting.actor, reason=body.reason)
    return await EXTRADITION.change(ctx, acting, outcome)


async def close(
    ctx: Ctx, request_id: UUID, body: CloseBody | None, expected: IfMatch
) -> RequestPublic:
    acting = await EXTRADITION.begin(ctx, request_id, expected)
    outcome = domain.close(acting.case, acting.actor, reason=body.reason if body else None)
    return await EXTRADITION.change(ctx, acting, outcome)
