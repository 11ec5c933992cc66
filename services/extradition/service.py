"""Use cases of the extradition service, on the shared case floor plan
(shared.casework.service).

Each transition is one method named after its action (:func:`transition`): the case
comes loaded for the caller (404 for what they may not see, 412 for a stale
``If-Match``); the method gathers the facts the domain needs (the authorities'
calendars from the directory, the case's deadlines and consultations, the requested
State's profile) and returns the pure domain's outcome, which the one shared apply
writes. Editing, sharing a draft, closing and withdrawing are the shared ones.
Nothing here commits: the request's unit of work does.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement
from sqlmodel import col

from contracts import extradition as contract
from services.extradition import domain
from services.extradition.commands import (
    EawExtensionBody,
    ExtensionBody,
    RefuseBody,
    SendBody,
)
from services.extradition.domain import Case
from services.extradition.models import ExtraditionReferenceSequence, ExtraditionRequest
from services.extradition.schemas import (
    RequestCreate,
    RequestFilters,
    RequestPublic,
    RequestSummary,
    RequestUpdate,
)
from services.extradition.settings import ExtraditionSettings
from shared.casework import public
from shared.casework import repository as casework
from shared.casework.deadlines import DeadlineStatus
from shared.casework.models import CaseDeadline
from shared.casework.outcome import Outcome
from shared.casework.persons import new_pseudonym
from shared.casework.schemas import DeadlinePublic, NoteBody
from shared.casework.service import Acting, CaseContext, CaseService, Read, decided_by, transition
from shared.ids import new_id
from shared.legal.cooperation import CooperationType
from shared.problems import NotFound

Ctx = CaseContext[ExtraditionSettings]
# A request about to change, as its use case holds it.
ActingOn = Acting[ExtraditionRequest, Case]


class ExtraditionCases(
    CaseService[
        ExtraditionRequest, Case, RequestCreate, RequestPublic, RequestSummary, RequestFilters
    ]
):
    """The extradition service's use cases: what every case does (:class:`CaseService`)
    and its own transitions, one method each, named after the action."""

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

    async def create_request(self, ctx: Ctx, body: RequestCreate) -> RequestPublic:
        """A draft, with the person sought as its first person."""
        addressed = await self.addressed(ctx, body)
        row = self.new_row(ctx, addressed, body, person_id=new_id())
        person = casework.new_person(
            row.id,
            body.person_sought.as_person(),
            pseudonym=new_pseudonym(()),
            at=ctx.now,
            by=ctx.principal,
            person_id=row.person_id,
        )
        return await self.created(ctx, row, [person])

    # -----------------------------------------------------------------------
    # Transitions

    @transition
    async def send(self, ctx: Ctx, acting: ActingOn, body: SendBody) -> Outcome[Case]:
        accepts = await _accepts_conventions(ctx, acting.case.requested_country)
        return domain.send(acting.act, body, accepts_conventions=accepts)

    register = decided_by(domain.register)

    record_arrest = decided_by(domain.record_arrest)

    @transition
    async def extend_formal_request_deadline(
        self, ctx: Ctx, acting: ActingOn, body: ExtensionBody
    ) -> Outcome[Case]:
        deadlines = await self.deadlines(ctx, acting.case)
        return domain.extend_formal_request_deadline(acting.act, body, deadlines=deadlines)

    @transition
    async def extend_eaw_decision(
        self, ctx: Ctx, acting: ActingOn, body: EawExtensionBody
    ) -> Outcome[Case]:
        deadlines = await self.deadlines(ctx, acting.case)
        return domain.extend_eaw_decision(acting.act, body, deadlines=deadlines)

    submit_formal_request = decided_by(domain.submit_formal_request)

    @transition
    async def release(self, ctx: Ctx, acting: ActingOn, body: NoteBody) -> Outcome[Case]:
        return domain.release(acting.act, deadlines=await self.deadlines(ctx, acting.case))

    assess_dual_criminality = decided_by(domain.assess)

    record_consent = decided_by(domain.record_consent)

    record_court_ruling = decided_by(domain.record_court_ruling)

    grant = decided_by(domain.grant)

    @transition
    async def refuse(self, ctx: Ctx, acting: ActingOn, body: RefuseBody) -> Outcome[Case]:
        consultations = await self.consultations(ctx, acting.case, body)
        return domain.refuse(acting.act, body, consultations=consultations)

    agree_surrender = decided_by(domain.agree_surrender)

    postpone_surrender = decided_by(domain.postpone_surrender)

    execute_surrender = decided_by(domain.execute_surrender)

    request_speciality_consent = decided_by(domain.request_speciality_consent)

    decide_speciality_consent = decided_by(domain.decide_speciality_consent)


EXTRADITION = ExtraditionCases()


def _formal_request_due(rows: Sequence[CaseDeadline], now: datetime) -> DeadlinePublic | None:
    """The running formal-request limit (the first one after which the person may walk
    free), else the last one closed."""
    found = [d for d in rows if d.kind in domain.FORMAL_REQUEST_KINDS]
    running = [d for d in found if d.status == DeadlineStatus.open]
    pick = min(running, key=lambda d: d.due_at) if running else (found[-1] if found else None)
    return public.deadline_public(pick, now) if pick is not None else None


async def _accepts_conventions(ctx: Ctx, country: str) -> bool | None:
    """Whether the requested State takes the conventions as the legal basis for
    extradition, from its directory profile (UNTOC art. 16(5)(a) (verify)); ``None``
    for a State without a profile, which is not blocked."""
    try:
        profile = await ctx.directory.profile(country)
    except NotFound:
        return None
    return profile.conventions_as_extradition_basis
