"""Use cases of the extradition service. Functions never commit: the unit of work does.

Each use case loads the request through the visibility filter (what the caller
may not see is a 404, and the attempt on an existing request is audited),
checks ``If-Match``, gathers the facts (authorities from the directory over
NATS, consultations), calls the pure domain and applies the outcome: the case
row (a new version), its deadlines, a history entry, an audit entry and the
outbox events, all in the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from contracts import extradition as contract
from services.extradition import domain, repository
from services.extradition.domain import Action, Case, State
from services.extradition.models import ExtraditionRequest
from services.extradition.schemas import (
    ArrestBody,
    ConsentBody,
    CourtRulingBody,
    DualCriminalityBody,
    EawExtensionBody,
    ExecuteSurrenderBody,
    ExtensionBody,
    FormalRequestBody,
    GrantBody,
    GrantScope,
    NoteBody,
    OffencePublic,
    PostponeSurrenderBody,
    RefuseBody,
    RegisterBody,
    RequestCreate,
    RequestPublic,
    RequestsPublic,
    RequestSummary,
    RequestUpdate,
    SendBody,
    SpecialityDecisionBody,
    SpecialityRequestBody,
    SurrenderAgreement,
    sentence_problem,
)
from services.extradition.settings import ExtraditionSettings
from shared.auth import Principal
from shared.casework import public, requests
from shared.casework import repository as casework
from shared.casework.changes import CaseChanges, request_event_fields
from shared.casework.deadlines import Calendar, DeadlinePlan, DeadlineStatus, local_date
from shared.casework.models import CaseDeadline, CasePerson
from shared.casework.parties import Direction, Parties, direction_of, require_officer, side_of
from shared.casework.persons import new_pseudonym
from shared.casework.schemas import (
    ConsultationTopic,
    CustodyStatus,
    DeadlinePublic,
    PersonKind,
    PersonPublic,
    PersonRole,
)
from shared.casework.state_machine import Side
from shared.db import Database
from shared.directory_client import DirectoryClient
from shared.http import check_version
from shared.legal.dual_criminality import Purpose
from shared.legal.extradition import (
    ExtraditionBasis,
    ExtraditionRefusalGround,
    Obligation,
    catalogue,
    convention_basis_accepted,
    rests_on_conventions_alone,
)
from shared.legal.offences import OffenceCategory
from shared.problems import (
    Conflict,
    FieldError,
    NotFound,
    UnprocessableContent,
)

ENTITY = "extradition_request"
FORMAL_REQUEST_KINDS = ("formal_request", "formal_request_release_possible")


@dataclass
class Context:
    """What every use case works with: the request's session, the caller, "now"."""

    session: AsyncSession
    principal: Principal
    now: datetime
    directory: DirectoryClient
    settings: ExtraditionSettings
    database: Database


@dataclass
class Loaded:
    """A request the caller may see, with the caller's side of it."""

    row: ExtraditionRequest
    case: Case
    side: Side
    person: CasePerson


@dataclass
class Change:
    """What an action does to the request, decided before it is applied."""

    action: Action
    state: State
    events: list[str]
    reason: str | None = None
    details: dict[str, Any] = field(default_factory=dict)
    open_deadlines: list[DeadlinePlan] = field(default_factory=list)
    # (kinds, reason, waived): the open deadlines of these kinds (None: all) are closed.
    close_deadlines: list[tuple[tuple[str, ...] | None, str, bool]] = field(default_factory=list)
    extra: dict[str, dict[str, Any]] = field(default_factory=dict)
    assign_reference_in: str | None = None
    # When the closed deadlines were met (a step recorded by hand); else now.
    closed_at: datetime | None = None


# ---------------------------------------------------------------------------
# Loading, with visibility


def bases_of(row: ExtraditionRequest) -> list[ExtraditionBasis]:
    return [ExtraditionBasis.model_validate(b) for b in row.legal_bases]


def case_of(row: ExtraditionRequest) -> Case:
    return Case(
        state=State(row.state),
        created_by_side=Side(row.created_by_side),
        counterpart_uses_comity=row.counterpart_uses_comity,
        arrested=row.arrest is not None,
        court_ruled_admissible=any(
            d["decision"] == "court_ruling" and d.get("admissible") for d in row.decisions
        ),
        open_speciality_requests=sum(1 for s in row.speciality_requests if s["granted"] is None),
        disclosed=row.disclosed,
    )


async def not_found(ctx: Context, request_id: UUID) -> NotFound:
    exists = await repository.exists_at_all(ctx.session, request_id)
    return await CHANGES.not_found(ctx, request_id, exists=exists)


async def _side(ctx: Context, row: ExtraditionRequest) -> Side | None:
    liaisons: frozenset[str] = frozenset()
    if ctx.principal.has_role("liaison_officer"):
        liaisons = frozenset(r.username for r in await casework.liaisons(ctx.session, row.id))
    parties = Parties(
        requesting=row.requesting_authority,
        requested=row.requested_authority,
        owner=row.owner_authority,
        disclosed=row.disclosed,
        liaisons=liaisons,
    )
    return side_of(parties, ctx.principal)


async def load(ctx: Context, request_id: UUID, *, for_update: bool = False) -> Loaded:
    row = await repository.get_visible(
        ctx.session, request_id, ctx.principal, for_update=for_update
    )
    if row is None:
        raise await not_found(ctx, request_id)
    side = await _side(ctx, row)
    person = await casework.person(ctx.session, row.id, row.person_id)
    if side is None or person is None:  # the SQL and the rule agree; a guard against drift
        raise await not_found(ctx, request_id)
    return Loaded(row=row, case=case_of(row), side=side, person=person)


# ---------------------------------------------------------------------------
# Authorities, through the directory


@dataclass(frozen=True)
class Authority:
    code: str
    country: str
    time_zone: str

    def calendar(self) -> Calendar:
        return Calendar(authority=self.code, country=self.country, time_zone=self.time_zone)


async def authority(ctx: Context, code: str, *, pointer: str) -> Authority:
    """The authority ``code`` from the directory; an unknown or withdrawn one is a 422."""
    found = await ctx.directory.named_authority(code, pointer=pointer)
    if found.withdrawn:
        raise UnprocessableContent(
            f"The authority {code} has been withdrawn from the directory",
            code="authority-withdrawn",
            errors=[FieldError(pointer=pointer, detail="withdrawn")],
        )
    return Authority(code=found.code, country=found.country, time_zone=found.time_zone)


# ---------------------------------------------------------------------------
# What callers read


async def _person_public(ctx: Context, loaded: Loaded) -> PersonPublic:
    [found] = await public.persons_public(
        ctx.session,
        principal=ctx.principal,
        side=loaded.side,
        now=ctx.now,
        case_id=loaded.row.id,
        rows=[loaded.person],
        audit_action="extradition.person.identity_disclosed",
    )
    return found


def _formal_request_due(rows: Sequence[CaseDeadline], now: datetime) -> DeadlinePublic | None:
    """The running formal-request limit (the first one after which the person may walk
    free), else the last one closed."""
    found = [d for d in rows if d.kind in FORMAL_REQUEST_KINDS]
    running = [d for d in found if d.status == DeadlineStatus.open.value]
    pick = min(running, key=lambda d: d.due_at) if running else (found[-1] if found else None)
    return public.deadline_public(pick, now) if pick is not None else None


async def request_public(ctx: Context, loaded: Loaded) -> RequestPublic:
    row = loaded.row
    deadline_rows = await casework.deadlines(ctx.session, row.id)
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
        one_sided=not row.counterpart_uses_comity,
        draft_shared=row.state == State.draft and row.disclosed,
        person_sought=await _person_public(ctx, loaded),
        purpose=Purpose(row.purpose),
        sentence_imposed_months=row.sentence_imposed_months,
        sentence_remaining_months=row.sentence_remaining_months,
        offences=[OffencePublic.model_validate(o) for o in row.offences],
        legal_bases=bases_of(row),
        warrant_references=list(row.warrant_references),
        interpol_notice=row.interpol_notice,
        summary_of_facts=row.summary_of_facts,
        provisional_arrest_requested=row.provisional_arrest_requested,
        arrest=row.arrest,
        formal_request_due=_formal_request_due(deadline_rows, ctx.now),
        formal_request_received_at=row.formal_request_received_at,
        consent=row.consent,
        dual_criminality=row.dual_criminality[-1] if row.dual_criminality else None,
        dual_criminality_versions=len(row.dual_criminality),
        decisions=row.decisions,
        surrender=row.surrender,
        speciality_requests=row.speciality_requests,
        received_via=row.received_via,
        received_on=row.received_on,
        sent_at=row.sent_at,
        created_at=row.created_at,
        updated_at=row.updated_at,
        deadlines=[public.deadline_public(d, ctx.now) for d in deadline_rows],
    )


async def read_request(ctx: Context, request_id: UUID) -> RequestPublic:
    return await request_public(ctx, await load(ctx, request_id))


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
            liaisons=frozenset({ctx.principal.username}),
        )
        items.append(
            RequestSummary(
                id=row.id,
                reference=row.reference,
                state=State(row.state),
                direction=direction_of(side_of(parties, ctx.principal)),
                requesting_authority=row.requesting_authority,
                requested_authority=row.requested_authority,
                purpose=Purpose(row.purpose),
                next_due_at=next_due,
                created_at=row.created_at,
            )
        )
    return RequestsPublic(items=items, next_cursor=next_cursor)


# ---------------------------------------------------------------------------
# Events, history and audit of every change


async def event_base(
    ctx: Context, loaded: Loaded, *, previous_state: str | None, recorded_for: Side | None = None
) -> dict[str, Any]:
    row = loaded.row
    return {
        **await request_event_fields(
            ctx.session, row, previous_state=previous_state, recorded_for=recorded_for
        ),
        "purpose": row.purpose,
        "person_id": loaded.person.id,
        "person_pseudonym": loaded.person.pseudonym,
        "person_protected": loaded.person.protected,
        "offences": [
            contract.OffenceInfo(offence_id=UUID(o["id"]), category=o.get("category"))
            for o in row.offences
        ],
    }


CHANGES = CaseChanges(
    action_prefix="extradition.request",
    entity=ENTITY,
    events=contract.BY_EVENT,
)
emit = CHANGES.emit
record = CHANGES.record


async def _apply(
    ctx: Context, loaded: Loaded, change: Change, *, recorded_for: Side | None = None
) -> None:
    row = loaded.row
    previous = row.state
    row.state = change.state.value
    row.version += 1
    row.updated_at = ctx.now
    if change.assign_reference_in is not None and row.reference is None:
        year = local_date(ctx.now, change.assign_reference_in).year
        number = await repository.next_sequence(
            ctx.session,
            year=year,
            requesting_country=row.requesting_country,
            requested_country=row.requested_country,
        )
        row.reference = f"EXT-{year}-{row.requesting_country}-{row.requested_country}-{number:06d}"
    for kinds, reason, waived in change.close_deadlines:
        for deadline in await casework.open_deadlines(ctx.session, row.id, kinds=kinds):
            casework.close_deadline(
                deadline, at=change.closed_at or ctx.now, reason=reason, waived=waived
            )
    for plan in change.open_deadlines:
        casework.open_deadline(ctx.session, row.id, plan, now=ctx.now)
    await ctx.session.flush()
    await record(
        ctx,
        row,
        action=change.action.value,
        from_state=previous,
        to_state=row.state,
        reason=change.reason,
        details=change.details,
        recorded_for=recorded_for,
    )
    base = await event_base(ctx, loaded, previous_state=previous, recorded_for=recorded_for)
    for event in change.events:
        payload = contract.BY_EVENT[event].payload.model_validate(
            {**base, **change.extra.get(event, {})}
        )
        emit(ctx, row, event, payload)


# ---------------------------------------------------------------------------
# Creating a request


async def create_request(ctx: Context, body: RequestCreate) -> RequestPublic:
    require_officer(ctx.principal)
    own = await authority(ctx, ctx.principal.authority, pointer="/requesting_authority")
    if body.direction is Direction.outgoing:
        if body.requested_authority is None:
            raise _required("/requested_authority", "the authority you ask to extradite")
        requesting = own
        requested = await authority(ctx, body.requested_authority, pointer="/requested_authority")
        side = Side.requesting
        uses_comity = True if body.counterpart_uses_comity is None else body.counterpart_uses_comity
    else:
        if body.requesting_authority is None:
            raise _required("/requesting_authority", "the authority that sent the request")
        requesting = await authority(
            ctx, body.requesting_authority, pointer="/requesting_authority"
        )
        requested = own
        side = Side.requested
        uses_comity = bool(body.counterpart_uses_comity)
    if requesting.country == requested.country:
        raise UnprocessableContent(
            "Extradition is requested of another State",
            code="same-state",
            errors=[FieldError(pointer="/requested_authority", detail="same State")],
        )
    request_id = casework.new_id()
    sought = body.person_sought
    person = CasePerson(
        id=casework.new_id(),
        case_id=request_id,
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
    row = ExtraditionRequest(
        id=request_id,
        version=1,
        state=State.draft.value,
        requesting_authority=requesting.code,
        requesting_country=requesting.country,
        requested_authority=requested.code,
        requested_country=requested.country,
        requested_time_zone=requested.time_zone,
        owner_authority=ctx.principal.authority,
        created_by_side=side.value,
        disclosed=False,
        counterpart_uses_comity=uses_comity,
        person_id=person.id,
        purpose=body.purpose.value,
        sentence_imposed_months=body.sentence_imposed_months,
        sentence_remaining_months=body.sentence_remaining_months,
        offences=_offence_rows(body.offences),
        legal_bases=[b.model_dump(mode="json") for b in body.legal_bases],
        warrant_references=list(body.warrant_references),
        interpol_notice=body.interpol_notice,
        summary_of_facts=body.summary_of_facts,
        provisional_arrest_requested=False,
        dual_criminality=[],
        decisions=[],
        speciality_requests=[],
        created_at=ctx.now,
        updated_at=ctx.now,
        created_by=casework.actor_name(ctx.principal),
    )
    ctx.session.add(row)
    await ctx.session.flush()
    ctx.session.add(person)
    await ctx.session.flush()
    loaded = Loaded(row=row, case=case_of(row), side=side, person=person)
    await record(ctx, row, action="drafted", from_state=None, to_state=row.state)
    emit(
        ctx,
        row,
        "drafted",
        contract.RequestEvent.model_validate(await event_base(ctx, loaded, previous_state=None)),
    )
    return await request_public(ctx, loaded)


def _offence_rows(offences: Sequence[Any]) -> list[dict[str, Any]]:
    return [
        {
            "id": str(casework.new_id()),
            "conduct": o.conduct,
            "category": o.category.value if o.category else None,
            "provision": o.provision,
            "max_penalty_months": o.max_penalty_months,
        }
        for o in offences
    ]


# Fields of a draft that are never cleared (``null`` is refused).
_NOT_NULL = frozenset(
    {"counterpart_uses_comity", "purpose", "offences", "legal_bases", "warrant_references"}
)


async def update_request(
    ctx: Context, request_id: UUID, body: RequestUpdate, expected_version: Callable[[], int]
) -> RequestPublic:
    """Change a draft, as in MLA: only the drafting side, only while it is a draft, with
    ``If-Match``; history and audit record the fields changed (no event, as in MLA)."""
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
            if requested.country == row.requesting_country:
                raise UnprocessableContent(
                    "Extradition is requested of another State",
                    code="same-state",
                    errors=[FieldError(pointer="/requested_authority", detail="same State")],
                )
            row.requested_authority = requested.code
            row.requested_country = requested.country
            row.requested_time_zone = requested.time_zone
        elif value is None and name in _NOT_NULL:
            raise UnprocessableContent(
                f"/{name} cannot be null", errors=[FieldError(pointer=f"/{name}", detail="null")]
            )
        elif name == "purpose":
            row.purpose = value.value
        elif name == "offences":
            row.offences = _offence_rows(value)
        elif name == "legal_bases":
            row.legal_bases = [b.model_dump(mode="json") for b in value]
        elif name == "warrant_references":
            row.warrant_references = list(value)
        else:
            setattr(row, name, value)
    problem = sentence_problem(
        Purpose(row.purpose), row.sentence_imposed_months, row.sentence_remaining_months
    )
    if problem is not None:
        raise UnprocessableContent(
            problem[0].upper() + problem[1:],
            errors=[FieldError(pointer="/sentence_imposed_months", detail=problem)],
        )
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
    loaded.case = case_of(row)
    return await request_public(ctx, loaded)


async def _conventions_accepted(ctx: Context, country: str) -> bool | None:
    """Whether the requested State takes the conventions as the legal basis for
    extradition, from its directory profile (UNTOC art. 16(5)(a) (verify)); ``None``
    for a State without a profile, which is not blocked."""
    try:
        profile = await ctx.directory.profile(country)
    except NotFound:
        return None
    return profile.conventions_as_extradition_basis


def _required(pointer: str, what: str) -> UnprocessableContent:
    return UnprocessableContent(
        f"Name {what}", errors=[FieldError(pointer=pointer, detail="required")]
    )


# ---------------------------------------------------------------------------
# Transitions


def _instant(day: date, tz: str) -> datetime:
    """A day someone recorded, as the end of that local day."""
    return datetime.combine(day, time(23, 59, 59), tzinfo=ZoneInfo(tz))


def _decision(kind: str, ctx: Context, **fields: Any) -> dict[str, Any]:
    return {
        "id": str(casework.new_id()),
        "decision": kind,
        "recorded_at": ctx.now.isoformat(),
        "recorded_by": casework.actor_name(ctx.principal),
        **fields,
    }


def _no_future(day: date, tz: str, now: datetime, pointer: str) -> None:
    if day > local_date(now, tz):
        raise UnprocessableContent(
            "A recorded step happened on or before today",
            errors=[FieldError(pointer=pointer, detail="not in the future")],
        )


async def _calendars(ctx: Context, row: ExtraditionRequest) -> tuple[Authority, Authority]:
    requesting = await authority(ctx, row.requesting_authority, pointer="/requesting_authority")
    requested = await authority(ctx, row.requested_authority, pointer="/requested_authority")
    return requesting, requested


async def _decide(ctx: Context, loaded: Loaded, action: Action, body: BaseModel | None) -> Change:
    """The change ``action`` makes, after the state machine and the rules of law."""
    row, case, side = loaded.row, loaded.case, loaded.side
    roles = ctx.principal.roles
    # Refusal: the rules of law are answered before the role (a 422 tells an officer what
    # is missing; the supervisor then records it).
    target = domain.check(action, case, side, None if action is Action.refuse else roles)
    tz = row.requested_time_zone
    if action is Action.share_draft:
        assert isinstance(body, NoteBody)
        # Prior consultation in complex or time-sensitive cases (Plan of Action
        # para. 56(c)): the requested authority becomes a party that sees the draft.
        row.disclosed = True
        return Change(action, State.draft, ["draft_shared"], reason=body.reason)
    if action is Action.send:
        # Plan of Action para. 54(a); UNTOC art. 16(4), (5) (verify); UNCAC art. 44(5);
        # 1988 Convention art. 6(3): the conventions alone, to a State that does not take
        # them as the legal basis, cannot carry the request.
        basis_kinds = [b.kind for b in bases_of(row)]
        if rests_on_conventions_alone(basis_kinds):
            accepts = await _conventions_accepted(ctx, row.requested_country)
            domain.raise_if(convention_basis_accepted(basis_kinds, accepts_conventions=accepts))
    if action in (Action.send, Action.register):
        assert isinstance(body, SendBody | RegisterBody)
        row.disclosed = True
        row.provisional_arrest_requested = body.provisional_arrest
        state = (
            State.provisional_arrest_requested
            if body.provisional_arrest
            else State.under_consideration
        )
        if isinstance(body, RegisterBody):
            _no_future(body.received_on, tz, ctx.now, "/received_on")
            row.received_via = body.received_via.value
            row.received_on = body.received_on
            row.their_reference = body.their_reference or row.their_reference
            if not body.provisional_arrest:
                row.formal_request_received_at = min(_instant(body.received_on, tz), ctx.now)
            return Change(
                action,
                state,
                ["registered"],
                assign_reference_in=tz,
                details={"provisional_arrest": body.provisional_arrest},
            )
        row.sent_at = ctx.now
        if not body.provisional_arrest:
            row.formal_request_received_at = ctx.now
        requesting, _ = await _calendars(ctx, row)
        event = "provisional_arrest_requested" if body.provisional_arrest else "sent"
        return Change(action, state, [event], assign_reference_in=requesting.time_zone)
    if action is Action.record_arrest:
        assert isinstance(body, ArrestBody)
        if body.arrested_at > ctx.now:
            raise UnprocessableContent(
                "An arrest is recorded once it happened",
                errors=[FieldError(pointer="/arrested_at", detail="not in the future")],
            )
        requesting, requested = await _calendars(ctx, row)
        provisional = row.state == State.provisional_arrest_requested
        plans = domain.arrest_deadlines(
            bases_of(row),
            arrested_at=body.arrested_at,
            provisional=provisional,
            requested=requested.calendar(),
            requesting=requesting.calendar(),
        )
        row.arrest = {
            "arrested_at": body.arrested_at.isoformat(),
            "local_date": local_date(body.arrested_at, tz).isoformat(),
            "time_zone": tz,
            "place": body.place,
            "provisional": provisional,
        }
        loaded.person.custody_status = CustodyStatus.in_custody.value
        state = State.provisionally_arrested if provisional else State(row.state)
        return Change(
            action, state, ["arrested"], open_deadlines=plans, details={"provisional": provisional}
        )
    if action is Action.extend_formal_request_deadline:
        assert isinstance(body, ExtensionBody)
        running = await casework.open_deadlines(ctx.session, row.id, kinds=["formal_request"])
        if not running:
            raise Conflict("No formal-request limit is running", code="conflict")
        current = running[0]
        if body.new_due_date <= current.due_date:
            raise UnprocessableContent(
                "An extension moves the due date later",
                errors=[FieldError(pointer="/new_due_date", detail="after the current due date")],
            )
        plan = domain.extended_formal_request_deadline(
            new_due=body.new_due_date,
            now=ctx.now,
            calendar=casework.calendar_of(current),
            citation=f"{current.citation}; extended: {domain.EXTENSION_CITATION}",
        )
        return Change(
            action,
            State(row.state),
            ["formal_request_deadline_extended"],
            reason=body.reason,
            open_deadlines=[plan],
            close_deadlines=[(FORMAL_REQUEST_KINDS, "extended", True)],
            details={"new_due_date": body.new_due_date.isoformat()},
        )
    if action is Action.extend_eaw_decision:
        assert isinstance(body, EawExtensionBody)
        kinds = ("eaw_decision", "eaw_decision_after_consent")
        running = await casework.open_deadlines(ctx.session, row.id, kinds=kinds)
        if not running:
            raise Conflict("No decision limit of a European arrest warrant is running")
        current = min(running, key=lambda d: d.due_at)
        base_days = 60 if current.kind == "eaw_decision" else 10
        plan = domain.extended_eaw_decision(
            current.kind,
            started_at=current.started_at,
            extended=(current.period_amount or 0) > base_days,
            reasons=body.reasons,
            requested=casework.calendar_of(current),
        )
        return Change(
            action,
            State(row.state),
            ["eaw_decision_extended"],
            reason=body.reasons,
            open_deadlines=[plan],
            close_deadlines=[((current.kind,), "extended", True)],
        )
    if action is Action.submit_formal_request:
        assert isinstance(body, FormalRequestBody)
        assert target is not None
        received_at = ctx.now
        if side is Side.requested:
            # Recorded by hand: the limit is met or breached on the day it was received.
            if body.received_on is None:
                raise _required("/received_on", "the date the formal request was received")
            _no_future(body.received_on, tz, ctx.now, "/received_on")
            received_at = min(_instant(body.received_on, tz), ctx.now)
        row.formal_request_received_at = received_at
        if body.their_reference:
            row.their_reference = body.their_reference
        return Change(
            action,
            target,
            ["formal_request_received"],
            close_deadlines=[(FORMAL_REQUEST_KINDS, "formal request received", False)],
            closed_at=received_at,
        )
    if action is Action.release:
        running = await casework.open_deadlines(ctx.session, row.id, kinds=["formal_request"])
        if not running or min(d.due_at for d in running) >= ctx.now:
            first = min(running, key=lambda d: d.due_at) if running else None
            raise Conflict(
                "The formal-request limit has not passed"
                + (f": it is due at {public.local(first.due_at, tz).isoformat()}" if first else ""),
                code="formal-request-limit-not-passed",
                citation=first.citation if first else None,
            )
        loaded.person.custody_status = CustodyStatus.at_liberty.value
        return Change(
            action,
            State.released,
            ["released"],
            reason="The formal request did not arrive within the limit after provisional arrest",
            close_deadlines=[(FORMAL_REQUEST_KINDS, "formal request not received", False)],
        )
    if action is Action.assess_dual_criminality:
        assert isinstance(body, DualCriminalityBody)
        return _assess(ctx, loaded, body)
    if action is Action.record_consent:
        assert isinstance(body, ConsentBody)
        assert target is not None
        _, requested = await _calendars(ctx, row)
        row.consent = {
            "consented_at": body.consented_at.isoformat(),
            "before": body.before,
            "citation": "UNODC Model Law on Extradition (2004), s.27",
        }
        return Change(
            action,
            target,
            ["consent_recorded"],
            open_deadlines=domain.consent_deadlines(
                bases_of(row), consented_at=body.consented_at, requested=requested.calendar()
            ),
            # Simplified surrender: no formal request is awaited any more (Model Law s.27).
            close_deadlines=[(FORMAL_REQUEST_KINDS, "consent to simplified surrender", True)],
        )
    if action is Action.record_court_ruling:
        assert isinstance(body, CourtRulingBody)
        decision = _decision(
            "court_ruling",
            ctx,
            admissible=body.admissible,
            deciding_body=body.deciding_body,
            reference=body.reference,
            decided_on=body.decided_on.isoformat(),
            appeal_deadline=body.appeal_deadline.isoformat() if body.appeal_deadline else None,
            final_on=body.final_on.isoformat() if body.final_on else None,
            note=body.note,
        )
        row.decisions = [*row.decisions, decision]
        state = State.admissible if body.admissible else State(row.state)
        return Change(
            action,
            state,
            ["court_ruling_recorded"],
            reason=body.note,
            extra={"court_ruling_recorded": _decision_extra(decision)},
        )
    if action is Action.grant:
        assert isinstance(body, GrantBody)
        assert target is not None
        return await _grant(ctx, loaded, body, target)
    if action is Action.refuse:
        assert isinstance(body, RefuseBody)
        assert target is not None
        return await _refuse(ctx, loaded, body, target)
    if action is Action.agree_surrender:
        assert isinstance(body, SurrenderAgreement)
        assert target is not None
        agreed = {
            "date": body.date.isoformat(),
            "place": body.place,
            "escorting_authority": body.escorting_authority,
            "prevented_reason": body.prevented_reason,
        }
        previous = (row.surrender or {}).get("agreed")
        row.surrender = {
            **(row.surrender or {}),
            "agreed": agreed,
            "earlier_agreements": [
                *(row.surrender or {}).get("earlier_agreements", []),
                *([previous] if previous else []),
            ],
        }
        change = Change(action, target, ["surrender_agreed"], reason=body.prevented_reason)
        if body.prevented_reason is not None:
            _, requested = await _calendars(ctx, row)
            new_date = domain.new_surrender_date_deadline(
                bases_of(row), agreed_date=body.date, requested=requested.calendar()
            )
            if new_date is not None:
                change.close_deadlines.append(
                    (("surrender", "surrender_new_date"), "new date agreed", True)
                )
                change.open_deadlines.append(new_date)
        return change
    if action is Action.postpone_surrender:
        assert isinstance(body, PostponeSurrenderBody)
        surrender = dict(row.surrender or {})
        surrender["postponements"] = [
            *surrender.get("postponements", []),
            {
                "kind": body.kind.value,
                "reasons": body.reasons,
                "until": body.until.isoformat() if body.until else None,
                "citation": "UNODC Model Law on Extradition (2004), ss.29-30",
            },
        ]
        row.surrender = surrender
        return Change(
            action,
            State(row.state),
            ["surrender_postponed"],
            reason=body.reasons,
            close_deadlines=[(("surrender",), f"surrender {body.kind.value}", True)],
        )
    if action is Action.execute_surrender:
        assert isinstance(body, ExecuteSurrenderBody)
        assert target is not None
        if body.surrendered_at > ctx.now:
            raise UnprocessableContent(
                "A surrender is recorded once it happened",
                errors=[FieldError(pointer="/surrendered_at", detail="not in the future")],
            )
        row.surrender = {**(row.surrender or {}), "executed_at": body.surrendered_at.isoformat()}
        loaded.person.custody_status = CustodyStatus.in_custody.value
        return Change(
            action,
            target,
            ["surrendered"],
            reason=body.note,
            close_deadlines=[(("surrender", "surrender_new_date"), "surrendered", False)],
        )
    if action is Action.request_speciality_consent:
        assert isinstance(body, SpecialityRequestBody)
        item = {
            "id": str(casework.new_id()),
            "further_offences": body.further_offences,
            "reason": body.reason,
            "requested_at": ctx.now.isoformat(),
            "granted": None,
            "citation": "UNODC Model Law on Extradition (2004), s.34",
        }
        row.speciality_requests = [*row.speciality_requests, item]
        return Change(
            action,
            State(row.state),
            ["speciality_consent_requested"],
            extra={
                "speciality_consent_requested": {
                    "speciality_request_id": item["id"],
                    "granted": None,
                }
            },
        )
    if action is Action.decide_speciality_consent:
        assert isinstance(body, SpecialityDecisionBody)
        items = [dict(s) for s in row.speciality_requests]
        found = [s for s in items if s["id"] == str(body.speciality_request_id)]
        if not found:
            raise NotFound("No speciality consent request with this id on this request")
        if found[0]["granted"] is not None:
            raise Conflict("This speciality consent request was decided", code="conflict")
        found[0].update(granted=body.granted, reasons=body.reasons, decided_at=ctx.now.isoformat())
        row.speciality_requests = items
        return Change(
            action,
            State(row.state),
            ["speciality_consent_decided"],
            reason=body.reasons,
            extra={
                "speciality_consent_decided": {
                    "speciality_request_id": body.speciality_request_id,
                    "granted": body.granted,
                }
            },
        )
    assert isinstance(body, NoteBody)
    assert target is not None
    event = "withdrawn" if action is Action.withdraw else "closed"
    return Change(
        action,
        target,
        [event],
        reason=body.reason,
        close_deadlines=[(None, f"request {target.value}", True)],
    )


def _decision_extra(decision: dict[str, Any]) -> dict[str, Any]:
    return {
        "decision_id": decision["id"],
        "decision": decision["decision"],
        "deciding_body": decision["deciding_body"],
        "final_on": decision.get("final_on"),
    }


def _assess(ctx: Context, loaded: Loaded, body: DualCriminalityBody) -> Change:
    row = loaded.row
    previous = row.dual_criminality[-1] if row.dual_criminality else None
    entered: dict[str, dict[str, Any]] = {
        o["offence_id"]: dict(o["requested"]) for o in (previous or {}).get("offences", [])
    }
    known = {o["id"] for o in row.offences}
    for index, item in enumerate(body.offences):
        if str(item.offence_id) not in known:
            raise UnprocessableContent(
                "The request has no such offence",
                code="unknown-offence",
                errors=[FieldError(pointer=f"/offences/{index}/offence_id", detail="unknown")],
            )
        entered[str(item.offence_id)] = item.model_dump(mode="json", exclude={"offence_id"})
    facts = [
        domain.OffenceFacts(
            conduct=o["conduct"],
            category=OffenceCategory(o["category"]) if o["category"] else None,
            requesting_provision=o["provision"],
            requesting_max_penalty_months=o["max_penalty_months"],
            requested_provision=entered.get(o["id"], {}).get("requested_provision"),
            requested_max_penalty_months=entered.get(o["id"], {}).get(
                "requested_max_penalty_months"
            ),
            conduct_punishable_in_requested_state=entered.get(o["id"], {}).get(
                "conduct_punishable_in_requested_state"
            ),
        )
        for o in row.offences
    ]
    outcome, results = domain.assess_offences(
        facts,
        purpose=Purpose(row.purpose),
        sentence_imposed_months=row.sentence_imposed_months,
        sentence_remaining_months=row.sentence_remaining_months,
        bases=bases_of(row),
    )
    version = len(row.dual_criminality) + 1
    rules_version = results[0].rules_version
    assessment = {
        "version": version,
        "outcome": outcome.value,
        "rules_version": rules_version,
        "assessed_at": ctx.now.isoformat(),
        "assessed_by": casework.actor_name(ctx.principal),
        "citations": list(dict.fromkeys(c for r in results for c in r.citations)),
        "offences": [
            {
                "offence_id": o["id"],
                "requested": entered.get(o["id"], {}),
                **result.model_dump(mode="json"),
            }
            for o, result in zip(row.offences, results, strict=True)
        ],
    }
    row.dual_criminality = [*row.dual_criminality, assessment]
    return Change(
        Action.assess_dual_criminality,
        State(row.state),
        ["dual_criminality_assessed"],
        details={"version": version, "outcome": outcome.value},
        extra={
            "dual_criminality_assessed": {
                "assessment_version": version,
                "outcome": outcome.value,
                "rules_version": rules_version,
            }
        },
    )


async def _grant(ctx: Context, loaded: Loaded, body: GrantBody, target: State) -> Change:
    row = loaded.row
    known = {o["id"] for o in row.offences}
    if body.scope is GrantScope.partial and not body.offence_ids:
        raise _required("/offence_ids", "the offences extradition is granted for")
    if body.scope is GrantScope.conditional and not body.conditions:
        raise _required("/conditions", "the conditions (e.g. assurances on the death penalty)")
    for index, offence_id in enumerate(body.offence_ids):
        if str(offence_id) not in known:
            raise UnprocessableContent(
                "The request has no such offence",
                code="unknown-offence",
                errors=[FieldError(pointer=f"/offence_ids/{index}", detail="unknown")],
            )
    _, requested = await _calendars(ctx, row)
    decision = _decision(
        "executive_grant",
        ctx,
        deciding_body=body.deciding_body,
        reference=body.reference,
        decided_on=body.decided_on.isoformat(),
        scope=body.scope.value,
        offence_ids=[str(o) for o in body.offence_ids] or sorted(known),
        conditions=list(body.conditions),
        simplified=body.simplified or row.consent is not None,
        appeal_deadline=body.appeal_deadline.isoformat() if body.appeal_deadline else None,
        final_on=body.final_on.isoformat() if body.final_on else None,
    )
    row.decisions = [*row.decisions, decision]
    final_at = ctx.now
    if body.final_on is not None:
        final_at = min(_instant(body.final_on, requested.time_zone), ctx.now)
    surrender = domain.surrender_deadline(
        bases_of(row), final_decision_at=final_at, requested=requested.calendar()
    )
    return Change(
        Action.grant,
        target,
        ["granted"],
        open_deadlines=[surrender] if surrender is not None else [],
        close_deadlines=[
            (("eaw_decision", "eaw_decision_after_consent"), "final decision", False),
        ],
        extra={"granted": _decision_extra(decision)},
    )


async def _refuse(ctx: Context, loaded: Loaded, body: RefuseBody, target: State) -> Change:
    row = loaded.row
    consulted = await casework.consultation_on(
        ctx.session, row.id, ConsultationTopic.before_refusal.value
    )
    purpose = Purpose(row.purpose)
    decision = domain.refusal_decision(
        grounds=body.grounds,
        reasons=body.reasons,
        offence_categories=[OffenceCategory(o["category"]) for o in row.offences if o["category"]],
        bases=[b.kind for b in bases_of(row)],
        purpose=purpose,
        has_consultation=consulted,
        no_consultation_reason=body.no_consultation_reason,
        person_nationalities=list(loaded.person.nationalities),
        requested_country=row.requested_country,
    )
    domain.raise_if(decision)
    domain.require_roles(Action.refuse, ctx.principal.roles)
    obligations = domain.obligations(body.grounds, purpose)
    record_ = _decision(
        "refusal",
        ctx,
        deciding_body=body.deciding_body,
        reference=body.reference,
        grounds=[g.value for g in body.grounds],
        reasons=body.reasons,
        consultation_held=consulted,
        no_consultation_reason=body.no_consultation_reason,
        notes=list(decision.reasons),
        obligations=[o.model_dump(mode="json") for o in obligations],
    )
    row.decisions = [*row.decisions, record_]
    loaded.person.custody_status = CustodyStatus.at_liberty.value
    return Change(
        Action.refuse,
        target,
        ["refused"],
        reason=body.reasons,
        details={"grounds": [g.value for g in body.grounds], "consultation_held": consulted},
        # Whatever ran for the person in custody is no longer owed.
        close_deadlines=[(None, "extradition refused", True)],
        extra={
            "refused": {
                "grounds": [g.value for g in body.grounds],
                "citations": _refusal_citations(body.grounds, bases_of(row), obligations),
                "consultation_held": consulted,
                "enforcement_of_sentence": purpose is Purpose.enforcement,
                "obligations": [
                    {"kind": o.kind.value, "condition": o.condition, "citation": o.citation}
                    for o in obligations
                ],
                "extradite_or_prosecute": bool(obligations),
            }
        },
    )


def _refusal_citations(
    grounds: Sequence[ExtraditionRefusalGround],
    bases: Sequence[ExtraditionBasis],
    obligations: Sequence[Obligation],
) -> list[str]:
    """Where each ground is in the request's legal bases, then the obligations' sources."""
    found = [
        rule.citation
        for basis in bases
        for ground in grounds
        if (rule := catalogue(basis.kind).get(ground)) is not None
    ]
    return list(dict.fromkeys([*found, *(o.citation for o in obligations)]))


async def transition(
    ctx: Context,
    request_id: UUID,
    action: Action,
    body: BaseModel | None,
    expected_version: Callable[[], int],
) -> RequestPublic:
    loaded = await load(ctx, request_id, for_update=True)
    check_version(expected_version(), loaded.row.version)
    require_officer(ctx.principal)
    change = await _decide(ctx, loaded, action, body)
    recorded_for = (
        Side.requesting
        if action is Action.submit_formal_request and loaded.side is Side.requested
        else None
    )
    await _apply(ctx, loaded, change, recorded_for=recorded_for)
    loaded.case = case_of(loaded.row)
    return await request_public(ctx, loaded)
