"""Use cases of the MLA service. Functions never commit: the request's unit of work does.

Each use case loads the request through the visibility filter (what the caller
may not see is a 404, and the attempt on an existing request is audited),
checks ``If-Match`` once the caller is known to see it, gathers the facts the
domain needs (authorities from the directory over NATS, translations,
consultations), calls the pure domain function and applies its outcome: the
case row (a new version), its deadlines, a history entry, an audit entry and
the outbox events, all in the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from contracts import mla as contract
from contracts.directory import AuthorityChanged
from services.mla import domain, repository
from services.mla.domain import Action, Actor, Authority, Case, MeasureState, Outcome, State
from services.mla.models import MlaRequest
from services.mla.schemas import (
    AdditionalInformationAnswerBody,
    AdditionalInformationRequestBody,
    ChecklistItemPublic,
    ChecklistPublic,
    CloseBody,
    CounterpartStep,
    DeliveryPublic,
    ExecuteMeasureBody,
    ForwardBody,
    LanguageCheckPublic,
    MeasureCreate,
    MeasurePublic,
    NoteBody,
    PostponeBody,
    RefuseBody,
    RegisterBody,
    RequestCreate,
    RequestPublic,
    RequestsPublic,
    RequestSummary,
    RequestUpdate,
    ViolationPublic,
    WithdrawBody,
)
from services.mla.settings import MlaSettings
from shared.auth import Principal
from shared.casework import public, requests
from shared.casework import repository as casework
from shared.casework.changes import CaseChanges, request_event_fields
from shared.casework.deadlines import (
    Close,
    DeadlineOp,
    Open,
    Pause,
    Resume,
    local_date,
)
from shared.casework.models import CasePerson
from shared.casework.parties import Direction, Parties, direction_of, require_officer, side_of
from shared.casework.schemas import (
    PersonPublic,
)
from shared.casework.state_machine import Side
from shared.db import Database
from shared.directory_client import DirectoryClient
from shared.http import check_version
from shared.legal.bases import LegalBasis
from shared.legal.mla import (
    CHECKLIST,
    LANGUAGE_CITATION,
    MEASURE_CITATIONS,
    DualCriminalityRule,
    Measure,
    MeasureSought,
    PersonConcerned,
    RequestFacts,
    Requirement,
    assess_completeness,
    is_coercive,
)
from shared.problems import (
    FieldError,
    GatewayTimeout,
    NotFound,
    ServiceUnavailable,
    UnprocessableContent,
)

ENTITY = "mla_request"


@dataclass
class Context:
    """What every use case works with: the request's session, the caller, "now"."""

    session: AsyncSession
    principal: Principal
    now: datetime
    directory: DirectoryClient
    settings: MlaSettings
    database: Database

    @property
    def policy(self) -> domain.Policy:
        return domain.Policy(
            acknowledgement_working_days=self.settings.acknowledgement_working_days,
            status_answer_working_days=self.settings.status_answer_working_days,
            additional_information_days=self.settings.additional_information_days,
        )


@dataclass
class Loaded:
    """A request the caller may see, with the caller's side of it."""

    row: MlaRequest
    case: Case
    side: Side
    parties: Parties


# ---------------------------------------------------------------------------
# Loading, with visibility


def _new_id() -> UUID:
    return casework.new_id()


def measures_of(row: MlaRequest) -> tuple[MeasureState, ...]:
    return tuple(
        MeasureState(
            id=UUID(m["id"]),
            measure=Measure(m["measure"]),
            details=m.get("details"),
            status=domain.MeasureStatus(m["status"]),
        )
        for m in row.measures
    )


def facts_of(row: MlaRequest, persons: Sequence[CasePerson]) -> RequestFacts:
    """What the completeness checklist reads (UNTOC art. 18(15))."""
    return RequestFacts(
        requesting_authority=row.requesting_authority,
        investigation_subject=row.investigation_subject,
        conducting_authority=row.conducting_authority,
        summary_of_facts=row.summary_of_facts,
        measures=tuple(
            MeasureSought(measure=m["measure"], details=m.get("details")) for m in row.measures
        ),
        procedures=row.procedures,
        persons=tuple(
            PersonConcerned(
                identity=p.name, location=p.location, nationalities=tuple(p.nationalities)
            )
            for p in persons
        ),
        purpose=row.purpose,
    )


def case_of(row: MlaRequest, persons: Sequence[CasePerson] = ()) -> Case:
    return Case(
        id=row.id,
        state=State(row.state),
        version=row.version,
        created_by_side=Side(row.created_by_side),
        disclosed=row.disclosed,
        counterpart_uses_comity=row.counterpart_uses_comity,
        requesting_authority=row.requesting_authority,
        requested_authority=row.requested_authority,
        executing_authority=row.executing_authority,
        legal_bases=tuple(LegalBasis.model_validate(b) for b in row.legal_bases),
        measures=measures_of(row),
        facts=facts_of(row, persons),
        language=row.language,
        suggested_deadline=row.suggested_deadline,
        resume_state=State(row.resume_state) if row.resume_state else None,
        reference=row.reference,
    )


async def _parties(session: AsyncSession, row: MlaRequest, principal: Principal) -> Parties:
    liaisons: frozenset[str] = frozenset()
    if principal.has_role("liaison_officer"):
        liaisons = frozenset(r.username for r in await casework.liaisons(session, row.id))
    return Parties(
        requesting=row.requesting_authority,
        requested=row.requested_authority,
        owner=row.owner_authority,
        disclosed=row.disclosed,
        executing=row.executing_authority,
        liaisons=liaisons,
    )


async def not_found(ctx: Context, request_id: UUID) -> NotFound:
    exists = await repository.exists_at_all(ctx.session, request_id)
    return await CHANGES.not_found(ctx, request_id, exists=exists)


async def load(ctx: Context, request_id: UUID, *, for_update: bool = False) -> Loaded:
    row = await repository.get_visible(
        ctx.session, request_id, ctx.principal, for_update=for_update
    )
    if row is None:
        raise await not_found(ctx, request_id)
    parties = await _parties(ctx.session, row, ctx.principal)
    side = side_of(parties, ctx.principal)
    if side is None:  # the SQL and the rule agree; this is a guard against drift
        raise await not_found(ctx, request_id)
    persons = await casework.persons(ctx.session, row.id)
    return Loaded(row=row, case=case_of(row, persons), side=side, parties=parties)


async def reloaded(ctx: Context, loaded: Loaded) -> Loaded:
    """The request after a change, with its parties now. Not through :func:`load`: a
    change never hides a request from the one who made it, and a 404 (audited in a
    transaction of its own) must not come after a change in this one."""
    row = loaded.row
    parties = await _parties(ctx.session, row, ctx.principal)
    persons = await casework.persons(ctx.session, row.id)
    return Loaded(
        row=row,
        case=case_of(row, persons),
        side=side_of(parties, ctx.principal) or loaded.side,
        parties=parties,
    )


def actor_of(ctx: Context, loaded: Loaded) -> Actor:
    return Actor(side=loaded.side, roles=ctx.principal.roles)


# ---------------------------------------------------------------------------
# Authorities, through the directory


def _authority(found: AuthorityChanged) -> Authority:
    return Authority(
        code=found.code,
        country=found.country,
        time_zone=found.time_zone,
        accepted_languages=tuple(found.accepted_languages),
        withdrawn=found.withdrawn,
    )


async def authority(ctx: Context, code: str, *, pointer: str) -> Authority:
    """The authority ``code`` from the directory; an unknown one is a 422 on ``pointer``."""
    return _authority(await ctx.directory.named_authority(code, pointer=pointer))


async def _maybe_authority(ctx: Context, code: str) -> Authority | None:
    try:
        return _authority(await ctx.directory.authority(code))
    except (NotFound, ServiceUnavailable, GatewayTimeout):
        return None


async def _dual_criminality(ctx: Context, country: str) -> DualCriminalityRule:
    """The requested State's rule on dual criminality for MLA, from its directory profile.

    A State without a profile is taken to require it for coercive measures only, the
    flexibility UNCAC art. 46(9)(b) and Plan of Action para. 56(b) ask for.
    """
    try:
        profile = await ctx.directory.profile(country)
    except NotFound:
        return DualCriminalityRule.coercive_measures_only
    return DualCriminalityRule(profile.dual_criminality_mla)


# ---------------------------------------------------------------------------
# What callers read


async def persons_public(
    ctx: Context, loaded: Loaded, rows: Sequence[CasePerson]
) -> list[PersonPublic]:
    """Persons as the caller may see them; each protected identity shown is audited."""
    return await public.persons_public(
        ctx.session,
        principal=ctx.principal,
        side=loaded.side,
        now=ctx.now,
        case_id=loaded.row.id,
        rows=rows,
        audit_action="mla.person.identity_disclosed",
    )


def measures_public(row: MlaRequest) -> list[MeasurePublic]:
    return [
        MeasurePublic(
            id=UUID(m["id"]),
            measure=Measure(m["measure"]),
            details=m.get("details"),
            status=domain.MeasureStatus(m["status"]),
            coercive=is_coercive(Measure(m["measure"])),
            citation=MEASURE_CITATIONS[Measure(m["measure"])],
            deliveries=[DeliveryPublic.model_validate(d) for d in m.get("deliveries", [])],
        )
        for m in row.measures
    ]


async def _translations(ctx: Context, case_id: UUID) -> list[str]:
    return [
        d.language
        for d in await casework.documents(ctx.session, case_id)
        if d.kind == "translation" and d.language
    ]


async def checklist(ctx: Context, loaded: Loaded) -> ChecklistPublic:
    """What sending would say now: UNTOC art. 18(15) element by element, and the language."""
    decision = assess_completeness(loaded.case.facts)
    translations = await _translations(ctx, loaded.row.id)
    requested = await _maybe_authority(ctx, loaded.row.requested_authority)
    violations = list(decision.violations)
    language_ok: bool | None = None
    if requested is not None:
        problems = domain.sending_violations(
            loaded.case, requested=requested, translations=translations
        )
        language = [v for v in problems if v.code == "language-not-accepted"]
        violations += language
        language_ok = not language
    missing = [v.pointer or "" for v in decision.violations]
    items = [
        ChecklistItemPublic(
            element=item.element,
            pointer=item.pointer,
            name=item.name,
            citation=item.citation,
            requirement=item.requirement,
            satisfied=not any(
                p == item.pointer or p.startswith(item.pointer + "/") for p in missing
            )
            if item.requirement is not Requirement.where_possible
            else bool(loaded.case.facts.persons),
        )
        for item in CHECKLIST
    ]
    return ChecklistPublic(
        complete=not violations,
        items=items,
        language=LanguageCheckPublic(
            request_language=loaded.row.language,
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


async def request_public(ctx: Context, loaded: Loaded) -> RequestPublic:
    row = loaded.row
    deadline_rows = await casework.deadlines(ctx.session, row.id)
    person_rows = await casework.persons(ctx.session, row.id)
    return RequestPublic(
        id=row.id,
        reference=row.reference,
        their_reference=row.their_reference,
        state=State(row.state),
        version=row.version,
        direction=direction_of(loaded.side),
        side=loaded.side,
        allowed_actions=domain.allowed_actions(loaded.case, loaded.side, ctx.principal.roles),
        requesting_authority=row.requesting_authority,
        requesting_country=row.requesting_country,
        requested_authority=row.requested_authority,
        requested_country=row.requested_country,
        executing_authority=row.executing_authority,
        one_sided=not row.counterpart_uses_comity,
        draft_shared=row.state == State.draft and row.disclosed,
        legal_bases=[LegalBasis.model_validate(b) for b in row.legal_bases],
        measures=measures_public(row),
        investigation_subject=row.investigation_subject,
        conducting_authority=row.conducting_authority,
        summary_of_facts=row.summary_of_facts,
        purpose=row.purpose,
        procedures=row.procedures,
        urgent=row.urgent,
        urgency_reason=row.urgency_reason,
        suggested_deadline=row.suggested_deadline,
        confidentiality_requested=row.confidentiality_requested,
        limits_on_use=row.limits_on_use,
        language=row.language,
        received_via=row.received_via,
        received_on=row.received_on,
        sent_at=row.sent_at,
        created_at=row.created_at,
        updated_at=row.updated_at,
        decisions=row.decisions,
        deadlines=[public.deadline_public(d, ctx.now) for d in deadline_rows],
        persons=await persons_public(ctx, loaded, person_rows),
        checklist=await checklist(ctx, loaded),
    )


async def read_request(ctx: Context, request_id: UUID) -> RequestPublic:
    return await request_public(ctx, await load(ctx, request_id))


async def read_checklist(ctx: Context, request_id: UUID) -> ChecklistPublic:
    return await checklist(ctx, await load(ctx, request_id))


async def list_requests(
    ctx: Context, *, filters: repository.RequestFilters, cursor: str | None, limit: int
) -> RequestsPublic:
    rows, next_cursor = requests.page(
        await repository.list_visible(
            ctx.session, ctx.principal, filters, after=requests.after(cursor), limit=limit + 1
        ),
        limit,
    )
    items = []
    for row, next_due in rows:
        parties = Parties(
            requesting=row.requesting_authority,
            requested=row.requested_authority,
            owner=row.owner_authority,
            disclosed=row.disclosed,
            executing=row.executing_authority,
            # A liaison officer sees only requests they are attached to (the SQL says so).
            liaisons=frozenset({ctx.principal.username}),
        )
        items.append(
            RequestSummary(
                id=row.id,
                reference=row.reference,
                state=State(row.state),
                direction=direction_of(side_of(parties, ctx.principal)),
                requesting_authority=row.requesting_authority,
                requesting_country=row.requesting_country,
                requested_authority=row.requested_authority,
                requested_country=row.requested_country,
                executing_authority=row.executing_authority,
                urgent=row.urgent,
                measures=[Measure(m["measure"]) for m in row.measures],
                next_due_at=next_due,
                created_at=row.created_at,
                updated_at=row.updated_at,
            )
        )
    return RequestsPublic(items=items, next_cursor=next_cursor)


# ---------------------------------------------------------------------------
# Events, history and audit of every change


async def event_base(
    ctx: Context,
    row: MlaRequest,
    *,
    previous_state: str | None,
    recorded_for: Side | None = None,
) -> dict[str, Any]:
    return {
        **await request_event_fields(
            ctx.session, row, previous_state=previous_state, recorded_for=recorded_for
        ),
        "executing_authority": row.executing_authority,
        "urgent": row.urgent,
        "measures": [
            contract.MeasureInfo(measure_id=UUID(m["id"]), measure=m["measure"], status=m["status"])
            for m in row.measures
        ],
    }


CHANGES = CaseChanges(action_prefix="mla.request", entity=ENTITY, events=contract.BY_EVENT)
emit = CHANGES.emit
record = CHANGES.record


async def apply_deadlines(
    ctx: Context, case_id: UUID, ops: Sequence[DeadlineOp], *, at: datetime
) -> None:
    for op in ops:
        if isinstance(op, Open):
            casework.open_deadline(ctx.session, case_id, op.plan, now=ctx.now)
        elif isinstance(op, Close):
            for row in await casework.open_deadlines(
                ctx.session, case_id, kinds=op.kinds, subject_id=op.subject_id
            ):
                casework.close_deadline(row, at=at, reason=op.reason, waived=op.waived)
        elif isinstance(op, Pause):
            for row in await casework.open_deadlines(ctx.session, case_id):
                if row.pausable and row.paused_at is None:
                    casework.pause_deadline(row, at=at)
        elif isinstance(op, Resume):
            for row in await casework.open_deadlines(ctx.session, case_id):
                if row.paused_at is not None:
                    casework.resume_deadline(row, at=at)
        await ctx.session.flush()


async def assign_reference(ctx: Context, row: MlaRequest, *, at: datetime, tz: str) -> None:
    """``MLA-2026-ES-CO-000123``: the year where it is assigned, a number per pair of States."""
    year = local_date(at, tz).year
    number = await repository.next_sequence(
        ctx.session,
        year=year,
        requesting_country=row.requesting_country,
        requested_country=row.requested_country,
    )
    row.reference = f"MLA-{year}-{row.requesting_country}-{row.requested_country}-{number:06d}"


async def apply(
    ctx: Context,
    loaded: Loaded,
    outcome: Outcome,
    *,
    at: datetime,
    extra: dict[str, dict[str, Any]] | None = None,
    recorded_for: Side | None = None,
    occurred_on: date | None = None,
    reference_tz: str | None = None,
) -> None:
    """Make the outcome the request's next version, with history, audit and events."""
    row = loaded.row
    previous = row.state
    for name, value in outcome.changes.items():
        if name.startswith("decisions."):
            row.decisions = {**row.decisions, name.split(".", 1)[1]: value}
        else:
            setattr(row, name, value)
    if outcome.measures is not None:
        by_id = {m.id: m for m in outcome.measures}
        row.measures = [{**m, "status": by_id[UUID(m["id"])].status.value} for m in row.measures]
    row.state = outcome.state.value
    row.version += 1
    row.updated_at = ctx.now
    if outcome.assign_reference and row.reference is None:
        await assign_reference(ctx, row, at=at, tz=reference_tz or "UTC")
    await apply_deadlines(ctx, row.id, outcome.deadlines, at=at)
    await record(
        ctx,
        row,
        action=outcome.action,
        from_state=previous,
        to_state=row.state,
        reason=outcome.reason,
        details={
            **dict(outcome.details),
            **({"notes": list(outcome.reasons)} if outcome.reasons else {}),
        },
        recorded_for=recorded_for,
        occurred_on=occurred_on,
    )
    base = await event_base(ctx, row, previous_state=previous, recorded_for=recorded_for)
    for event in outcome.events:
        contract_ = contract.BY_EVENT[event]
        payload = contract_.payload.model_validate({**base, **(extra or {}).get(event, {})})
        emit(ctx, row, event, payload)


# ---------------------------------------------------------------------------
# Drafts


def _measure_rows(measures: Sequence[MeasureCreate]) -> list[dict[str, Any]]:
    return [
        {
            "id": str(_new_id()),
            "measure": m.measure.value,
            "details": m.details,
            "status": domain.MeasureStatus.pending.value,
            "deliveries": [],
        }
        for m in measures
    ]


async def create_request(ctx: Context, body: RequestCreate) -> RequestPublic:
    require_officer(ctx.principal)
    own = await authority(ctx, ctx.principal.authority, pointer="/requesting_authority")
    if body.direction is Direction.outgoing:
        if body.requested_authority is None:
            raise _field_required(
                "/requested_authority", "the authority you request assistance from"
            )
        requesting = own
        requested = await authority(ctx, body.requested_authority, pointer="/requested_authority")
        domain.check_authority(requested, pointer="/requested_authority")
        side = Side.requesting
        uses_comity = True if body.counterpart_uses_comity is None else body.counterpart_uses_comity
    else:
        if body.requesting_authority is None:
            raise _field_required("/requesting_authority", "the authority that sent the request")
        requesting = await authority(
            ctx, body.requesting_authority, pointer="/requesting_authority"
        )
        requested = own
        side = Side.requested
        uses_comity = bool(body.counterpart_uses_comity)
    if requesting.country == requested.country:
        raise UnprocessableContent(
            "Mutual legal assistance is asked of another State; both authorities are of "
            f"{requesting.country}",
            code="same-state",
            errors=[
                FieldError(
                    pointer="/requested_authority"
                    if side is Side.requesting
                    else "/requesting_authority",
                    detail="an authority of another State",
                )
            ],
        )
    row = MlaRequest(
        id=_new_id(),
        version=1,
        state=State.draft.value,
        requesting_authority=requesting.code,
        requesting_country=requesting.country,
        requested_authority=requested.code,
        requested_country=requested.country,
        owner_authority=ctx.principal.authority,
        created_by_side=side.value,
        disclosed=False,
        counterpart_uses_comity=uses_comity,
        legal_bases=[b.model_dump(mode="json") for b in body.legal_bases],
        measures=_measure_rows(body.measures),
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
        created_at=ctx.now,
        updated_at=ctx.now,
        created_by=f"user:{ctx.principal.subject}",
    )
    _check_urgency(row)
    ctx.session.add(row)
    await ctx.session.flush()
    await record(
        ctx,
        row,
        action="draft",
        from_state=None,
        to_state=row.state,
        details={"direction": body.direction.value},
    )
    emit(
        ctx,
        row,
        "drafted",
        contract.RequestEvent.model_validate(await event_base(ctx, row, previous_state=None)),
    )
    loaded = Loaded(
        row=row,
        case=case_of(row),
        side=side,
        parties=await _parties(ctx.session, row, ctx.principal),
    )
    return await request_public(ctx, loaded)


def _check_urgency(row: MlaRequest) -> None:
    """An urgent request says why, so the requested authority can weigh it."""
    if row.urgent and not (row.urgency_reason or "").strip():
        raise _field_required("/urgency_reason", "why the request is urgent")


def _field_required(pointer: str, what: str) -> UnprocessableContent:
    return UnprocessableContent(
        f"Name {what}", errors=[FieldError(pointer=pointer, detail="required")]
    )


async def update_request(
    ctx: Context, request_id: UUID, body: RequestUpdate, expected_version: Callable[[], int]
) -> RequestPublic:
    loaded = await load(ctx, request_id, for_update=True)
    check_version(expected_version(), loaded.row.version)
    domain.may_edit_draft(loaded.case, loaded.side)
    require_officer(ctx.principal)
    row = loaded.row
    changed = sorted(body.model_fields_set)
    for name in changed:
        value = getattr(body, name)
        if name == "requested_authority":
            if value is None or loaded.side is not Side.requesting:
                raise UnprocessableContent(
                    "The requested authority of an outgoing draft can be changed, not removed",
                    errors=[FieldError(pointer="/requested_authority", detail="not changeable")],
                )
            requested = await authority(ctx, value, pointer="/requested_authority")
            domain.check_authority(requested, pointer="/requested_authority")
            if requested.country == row.requesting_country:
                raise UnprocessableContent(
                    "Mutual legal assistance is asked of another State",
                    code="same-state",
                    errors=[FieldError(pointer="/requested_authority", detail="of another State")],
                )
            row.requested_authority, row.requested_country = requested.code, requested.country
        elif name == "legal_bases":
            if not value:
                raise UnprocessableContent(
                    "A request rests on at least one legal basis",
                    errors=[FieldError(pointer="/legal_bases", detail="at least one")],
                )
            row.legal_bases = [b.model_dump(mode="json") for b in value]
        elif name == "measures":
            row.measures = _measure_rows(value or [])
        elif name in ("urgent", "confidentiality_requested", "language", "counterpart_uses_comity"):
            if value is None:
                raise UnprocessableContent(
                    f"/{name} cannot be null",
                    errors=[FieldError(pointer=f"/{name}", detail="null")],
                )
            setattr(row, name, value)
        else:
            setattr(row, name, value)
    _check_urgency(row)
    row.version += 1
    row.updated_at = ctx.now
    await record(
        ctx,
        row,
        action="edit",
        from_state=row.state,
        to_state=row.state,
        details={"fields": changed},
    )
    return await request_public(ctx, await reloaded(ctx, loaded))


# ---------------------------------------------------------------------------
# Transitions


async def _documents_exist(ctx: Context, case_id: UUID, ids: Sequence[UUID], pointer: str) -> None:
    known = {d.id for d in await casework.documents(ctx.session, case_id)}
    for i, document_id in enumerate(ids):
        if document_id not in known:
            raise UnprocessableContent(
                f"The request has no document {document_id}; attach it first",
                errors=[
                    FieldError(pointer=f"{pointer}/{i}", detail="not a document of this request")
                ],
            )


async def _consultation_held(
    ctx: Context, case_id: UUID, topic: str, consultation_id: UUID | None
) -> bool:
    if consultation_id is None:
        return await casework.consultation_on(ctx.session, case_id, topic)
    found = await casework.consultation(ctx.session, case_id, consultation_id)
    if found is None or found.topic != topic:
        raise UnprocessableContent(
            f"The request has no consultation {consultation_id} on {topic}",
            errors=[
                FieldError(pointer="/consultation_id", detail=f"not a consultation on {topic}")
            ],
        )
    return True


async def _perform(
    ctx: Context,
    loaded: Loaded,
    action: Action,
    body: BaseModel | None,
    actor: Actor,
    *,
    at: datetime,
    recorded_for: Side | None = None,
    occurred_on: date | None = None,
) -> None:
    """Gather the facts of ``action``, decide, and apply."""
    case, row = loaded.case, loaded.row
    extra: dict[str, dict[str, Any]] = {}
    reference_tz: str | None = None
    outcome: Outcome
    if action is Action.send:
        requested = await authority(ctx, row.requested_authority, pointer="/requested_authority")
        outcome = domain.send(
            case,
            actor,
            now=at,
            requested=requested,
            translations=await _translations(ctx, row.id),
            policy=ctx.policy,
        )
        requesting = await authority(ctx, row.requesting_authority, pointer="/requesting_authority")
        reference_tz = requesting.time_zone
    elif action is Action.share_draft:
        outcome = domain.share_draft(case, actor)
    elif action is Action.register:
        assert isinstance(body, RegisterBody)
        requested = await authority(ctx, row.requested_authority, pointer="/requested_authority")
        outcome = domain.register(
            case,
            actor,
            now=at,
            received_on=body.received_on,
            received_via=body.received_via,
            their_reference=body.their_reference,
            requested=requested,
            policy=ctx.policy,
        )
        reference_tz = requested.time_zone
    elif action is Action.acknowledge:
        outcome = domain.acknowledge(case, actor, now=at)
    elif action is Action.forward:
        assert isinstance(body, ForwardBody)
        domain.MACHINE.check(
            action.value, state=case.state, side=actor.side, roles=actor.roles, case=case
        )
        executing = await authority(ctx, body.executing_authority, pointer="/executing_authority")
        requested = await authority(ctx, row.requested_authority, pointer="/requested_authority")
        outcome = domain.forward(case, actor, executing=executing, requested=requested)
    elif action is Action.request_additional_information:
        assert isinstance(body, AdditionalInformationRequestBody)
        requesting = await authority(ctx, row.requesting_authority, pointer="/requesting_authority")
        outcome = domain.request_additional_information(
            case,
            actor,
            now=at,
            questions=body.questions,
            answer_within_days=body.answer_within_days,
            requesting=requesting,
            policy=ctx.policy,
        )
    elif action is Action.answer_additional_information:
        assert isinstance(body, AdditionalInformationAnswerBody)
        await _documents_exist(ctx, row.id, body.document_ids, "/document_ids")
        outcome = domain.answer_additional_information(
            case, actor, answer=body.answer, document_ids=body.document_ids
        )
    elif action is Action.postpone:
        assert isinstance(body, PostponeBody)
        requested = await authority(ctx, row.requested_authority, pointer="/requested_authority")
        held = await _consultation_held(ctx, row.id, "before_postponement", body.consultation_id)
        outcome = domain.postpone(
            case,
            actor,
            now=at,
            reasons=body.reasons,
            until=body.until,
            consultation_held=held,
            no_consultation_reason=body.no_consultation_reason,
            requested=requested,
        )
        extra["postponed"] = {"postponed_until": body.until, "consultation_held": held}
    elif action is Action.resume:
        outcome = domain.resume(case, actor)
    elif action is Action.refuse:
        assert isinstance(body, RefuseBody)
        held = await _consultation_held(ctx, row.id, "before_refusal", body.consultation_id)
        outcome = domain.refuse(
            case,
            actor,
            grounds=body.grounds,
            reasons=body.reasons,
            consultation_held=held,
            no_consultation_reason=body.no_consultation_reason,
            dual_criminality=await _dual_criminality(ctx, row.requested_country),
        )
        extra["refused"] = {
            "grounds": [g.value for g in body.grounds],
            "citations": outcome.details.get("citations", []),
            "consultation_held": held,
        }
    elif action is Action.execute_measure:
        assert isinstance(body, ExecuteMeasureBody)
        await _documents_exist(ctx, row.id, body.document_ids, "/document_ids")
        outcome = domain.execute_measure(
            case,
            actor,
            now=at,
            measure_id=body.measure_id,
            outcome=body.outcome,
            reasons=body.reasons,
            conditions=body.conditions,
            document_ids=body.document_ids,
        )
        delivery = DeliveryPublic(
            at=at,
            outcome=body.outcome,
            reasons=body.reasons,
            conditions=body.conditions,
            document_ids=body.document_ids,
            by_authority=ctx.principal.authority,
            recorded_for=recorded_for,
        ).model_dump(mode="json")
        row.measures = [
            {**m, "deliveries": [*m.get("deliveries", []), delivery]}
            if m["id"] == str(body.measure_id)
            else m
            for m in row.measures
        ]
        if body.conditions:
            # UNTOC art. 18(26): assistance granted subject to conditions is recorded.
            conditions = list(row.decisions.get("conditions", []))
            conditions.append(
                {
                    "measure_id": str(body.measure_id),
                    "conditions": body.conditions,
                    "at": at.isoformat(),
                }
            )
            row.decisions = {**row.decisions, "conditions": conditions}
        measure = next(m for m in case.measures if m.id == body.measure_id)
        extra["measure_executed"] = {
            "measure_id": body.measure_id,
            "measure": measure.measure.value,
            "outcome": body.outcome.value,
            "with_conditions": bool(body.conditions),
            "document_ids": list(body.document_ids),
        }
    elif action is Action.close:
        assert isinstance(body, CloseBody)
        outcome = domain.close(case, actor, reason=body.reason)
    elif action is Action.withdraw:
        assert isinstance(body, WithdrawBody)
        outcome = domain.withdraw(case, actor, reason=body.reason)
    else:  # pragma: no cover - the routes name every action
        raise ValueError(action)
    if isinstance(body, NoteBody) and body.note and outcome.reason is None:
        outcome = replace(outcome, reason=body.note)
    await apply(
        ctx,
        loaded,
        outcome,
        at=at,
        extra=extra,
        recorded_for=recorded_for,
        occurred_on=occurred_on,
        reference_tz=reference_tz,
    )


async def transition(
    ctx: Context,
    request_id: UUID,
    action: Action,
    body: BaseModel | None,
    expected_version: Callable[[], int],
) -> RequestPublic:
    loaded = await load(ctx, request_id, for_update=True)
    check_version(expected_version(), loaded.row.version)
    await _perform(ctx, loaded, action, body, actor_of(ctx, loaded), at=ctx.now)
    return await request_public(ctx, await reloaded(ctx, loaded))


async def record_counterpart_step(
    ctx: Context,
    request_id: UUID,
    step: CounterpartStep,
    expected_version: Callable[[], int],
) -> RequestPublic:
    """A step the counterpart took outside Comity, recorded by an officer of the other
    side: the same rules and deadlines as if it had been taken here, dated the day it
    happened (DESIGN.md "Counterparts that do not use Comity")."""
    loaded = await load(ctx, request_id, for_update=True)
    check_version(expected_version(), loaded.row.version)
    action = Action(step.step)
    counterpart = domain.check_counterpart_step(loaded.case, action, actor_of(ctx, loaded))
    code = (
        loaded.row.requested_authority
        if counterpart.side is Side.requested
        else loaded.row.requesting_authority
    )
    where = await authority(ctx, code, pointer="/step")
    if step.occurred_on > local_date(ctx.now, where.time_zone):
        raise UnprocessableContent(
            "A recorded step happened on or before today",
            errors=[FieldError(pointer="/occurred_on", detail="not in the future")],
        )
    at = min(domain._instant_of(step.occurred_on, where.time_zone), ctx.now)
    if step.their_reference:
        loaded.row.their_reference = step.their_reference
    await _perform(
        ctx,
        loaded,
        action,
        step,
        counterpart,
        at=at,
        recorded_for=counterpart.side,
        occurred_on=step.occurred_on,
    )
    return await request_public(ctx, await reloaded(ctx, loaded))
