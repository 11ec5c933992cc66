"""The mechanics of every case service, written once (docs/adding-a-case-service.md).

A case service declares its case type as a subclass of :class:`CaseService` (its
table, its domain's case model, its public models, its lifecycle, its events) and
writes its use cases on it as methods. Each transition is one use case named after
its action, declared with :func:`transition` as what it decides:

    @transition
    async def refuse(self, ctx, acting, body: RefuseBody) -> Outcome[Case]:
        return domain.refuse(acting.act, body, ...the facts it needs besides...)

which makes ``refuse(ctx, request_id, body, expected)``: the case loaded for the
caller (404), locked at the version read (428, 412), the pure decision, and
:meth:`CaseService.apply`, the one path by which a decision becomes the case's next
version: the changed fields, the deadlines, the history entry, the audit entry and
the outbox events, in the request's transaction. Nothing here commits.

What every case does alike is here already: drafting (:meth:`CaseService.create_request`)
and editing a draft, sharing it, closing a case and withdrawing a request.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, ClassVar, Generic, Protocol, TypeVar, get_args, get_origin
from uuid import UUID

from pydantic import BaseModel
from sqlalchemy import JSON, ColumnElement
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.casework import CaseEvent, DeadlineInfo, PartyInfo
from contracts.registry import EventContract
from shared import audit
from shared.auth import Principal
from shared.casework import dates, public, requests
from shared.casework import repository as casework
from shared.casework.case import (
    Authority,
    CaseState,
    PersonFacts,
    check_chosen,
    check_other_state,
)
from shared.casework.deadlines import Close, Deadline, Open, Pause, Resume
from shared.casework.errors import RuleBroken
from shared.casework.lifecycle import DRAFT, Act, Lifecycle
from shared.casework.models import CaseColumns, CaseDeadline, CasePerson
from shared.casework.outcome import Emit, Outcome
from shared.casework.parties import (
    LIAISON_ROLE,
    OFFICERS,
    SUPERVISORS,
    Actor,
    Direction,
    Parties,
    direction_of,
    require_officer,
    side_of,
)
from shared.casework.schemas import (
    CaseCreate,
    CaseFilters,
    CasePage,
    CasePublic,
    CaseSummary,
    CaseUpdate,
    CloseBody,
    ConsultedBody,
    NoteBody,
    PersonPublic,
    WithdrawBody,
)
from shared.casework.state_machine import Side
from shared.casework.subresources import CaseAccess, CaseName
from shared.db import Database
from shared.directory_client import DirectoryClient
from shared.events import new_event
from shared.http import IfMatch
from shared.ids import new_id
from shared.legal.consultation import (
    TOPICS,
    Consultation,
    ConsultationOutcome,
    ConsultationTopic,
)
from shared.legal.cooperation import NAMES, CooperationType, case_reference
from shared.outbox import stage
from shared.problems import NotFound
from shared.settings import CaseServiceSettings

R = TypeVar("R", bound=CaseColumns)
C = TypeVar("C", bound=CaseState)
P = TypeVar("P", bound=CasePublic)
S = TypeVar("S", bound=CaseServiceSettings)
CreateT = TypeVar("CreateT", bound=CaseCreate)
SummaryT = TypeVar("SummaryT", bound=CaseSummary)
FiltersT = TypeVar("FiltersT", bound=CaseFilters)

# The transition by which a one-sided case records its counterpart's steps.
RECORD_COUNTERPART_STEP = "record-counterpart-step"

ServiceT = TypeVar("ServiceT", bound="CaseService[Any, Any, Any, Any, Any, Any]")
BodyT = TypeVar("BodyT", bound=BaseModel)
# What a transition decides, from the case about to change and its body.
Decide = Callable[
    [ServiceT, "CaseContext[Any]", "Acting[Any, Any]", BodyT], Awaitable[Outcome[Any]]
]
UseCase = Callable[..., Awaitable[Any]]


def transition(decide: Decide[ServiceT, BodyT]) -> UseCase:
    """A transition's use case, ``name(ctx, request_id, body, expected, recorded=None)``,
    from what it decides, ``decide(self, ctx, acting, body) -> Outcome``: the case is
    loaded for the caller and locked at the version they read (:meth:`CaseService.begin`),
    ``decide`` gathers the facts and calls the pure domain, and the outcome is applied
    (:meth:`CaseService.change`). The body type is ``decide``'s: the endpoint reads it."""

    @functools.wraps(decide)
    async def use_case(
        self: ServiceT,
        ctx: CaseContext[Any],
        request_id: UUID,
        body: BodyT,
        expected: IfMatch,
        recorded: Recorded | None = None,
    ) -> Any:
        acting = await self.begin(ctx, request_id, expected, recorded)
        return await self.change(ctx, acting, await decide(self, ctx, acting, body))

    return use_case


def decided_by(decide: Callable[[Act[Any], BodyT], Outcome[Any]]) -> UseCase:
    """A transition's use case (as :func:`transition` makes it) whose decision needs
    nothing but the act and the body: the pure domain function ``decide(act, body)``."""

    @functools.wraps(decide)
    async def gathered(
        self: CaseService[Any, Any, Any, Any, Any, Any],
        ctx: CaseContext[Any],
        acting: Acting[Any, Any],
        body: BodyT,
    ) -> Outcome[Any]:
        return decide(acting.act, body)

    return transition(gathered)


@dataclass
class CaseContext(Generic[S]):
    """What every use case works with: the request's session, the caller, "now", the
    directory and the service's settings."""

    session: AsyncSession
    principal: Principal
    now: datetime
    directory: DirectoryClient
    settings: S
    database: Database

    async def authority(self, code: str, *, pointer: str) -> Authority:
        """The authority ``code`` from the directory; an unknown one is a 422 on ``pointer``."""
        found = await self.directory.named_authority(code, pointer=pointer)
        return Authority(
            code=found.code,
            country=found.country,
            time_zone=found.time_zone,
            accepted_languages=tuple(found.accepted_languages),
            withdrawn=found.withdrawn,
        )


@dataclass(frozen=True)
class Recorded:
    """A step the counterpart took outside Comity, written down by hand: which step, the
    day it happened and the counterpart's reference."""

    step: str
    occurred_on: date
    their_reference: str | None = None


@dataclass
class Loaded(Generic[R, C]):
    """A case the caller may see: its row, the case as the rules read it, the caller's
    side, its parties now and the rows of its persons."""

    row: R
    case: C
    side: Side
    parties: Parties
    person_rows: list[CasePerson]


@dataclass(frozen=True)
class Acting(Generic[R, C]):
    """A case about to change: as it was loaded, and as its decision reads it (the
    :class:`~shared.casework.lifecycle.Act`: who acts and when, the caller now or the
    counterpart on the day a recorded step happened); for a recorded step, whose it was."""

    loaded: Loaded[R, C]
    act: Act[C]
    recorded_for: Side | None = None

    @property
    def case(self) -> C:
        return self.act.case


@dataclass(frozen=True)
class Read(Generic[R, C]):
    """What a read of a case has gathered, for the service's own computed views."""

    ctx: CaseContext[Any]
    loaded: Loaded[R, C]
    deadlines: Sequence[CaseDeadline]
    persons: Sequence[PersonPublic]


class CaseContracts(Protocol):
    """A service's event contracts module (``contracts/mla.py``)."""

    @property
    def RequestEvent(self) -> type[CaseEvent]: ...

    @property
    def BY_EVENT(self) -> Mapping[str, EventContract]: ...


@dataclass(frozen=True)
class Addressed:
    """Who a new draft is between, and on which side its author stands."""

    requesting: Authority
    requested: Authority
    side: Side
    counterpart_uses_comity: bool


class CaseService(Generic[R, C, CreateT, P, SummaryT, FiltersT]):
    """A case type's wiring on the shared floor plan. A service subclasses it as
    ``CaseService[its table, its case, its RequestCreate, its RequestPublic, its
    RequestSummary, its RequestFilters]`` and sets the class attributes below; the type
    arguments are read once, when the subclass is declared."""

    cooperation: ClassVar[CooperationType]
    # The table numbering the references: MLA-2026-ES-CO-000123.
    sequence_model: ClassVar[type[requests.SequenceTable]]
    lifecycle: Lifecycle[C]
    # The service's event contracts: its ``RequestEvent`` and every event by name.
    contracts: CaseContracts
    # The body that changes a draft (``PATCH /requests/{id}``).
    update_body: ClassVar[type[CaseUpdate]]
    # The body of a counterpart's step recorded by hand, for a service that records them.
    counterpart_step_body: ClassVar[Any] = None

    model: type[R]
    case_model: type[C]
    create_body: type[CreateT]
    public_model: type[P]
    summary_model: type[SummaryT]
    filters_model: type[FiltersT]
    page_model: type[CasePage[SummaryT]]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for base in getattr(cls, "__orig_bases__", ()):
            if get_origin(base) is CaseService:
                (
                    cls.model,
                    cls.case_model,
                    cls.create_body,
                    cls.public_model,
                    cls.summary_model,
                    cls.filters_model,
                ) = get_args(base)
                cls.page_model = CasePage[cls.summary_model]  # type: ignore[name-defined]

    @property
    def what(self) -> str:
        """What is asked of another State, as a sentence begins: "Mutual legal assistance"."""
        return NAMES[self.cooperation]

    @property
    def request_event(self) -> type[CaseEvent]:
        return self.contracts.RequestEvent

    @property
    def events(self) -> Mapping[str, EventContract]:
        return self.contracts.BY_EVENT

    # -----------------------------------------------------------------------
    # What a service may add

    def event_fields(self, case: C) -> dict[str, Any]:
        """What the service's own events carry besides a :class:`CaseEvent`."""
        return {}

    def measure_ids(self, case: C) -> frozenset[UUID]:
        """The measures a document of the case may belong to (MLA: its measures)."""
        return frozenset()

    async def public_fields(self, read: Read[R, C]) -> dict[str, Any]:
        """What the service's read of a case shows besides its fields (computed views)."""
        return {}

    def filter_conditions(self, filters: FiltersT) -> list[ColumnElement[bool]]:
        """The SQL of the service's own list filters."""
        return []

    # -----------------------------------------------------------------------
    # Names

    @property
    def action_prefix(self) -> str:
        """The audit actions' prefix: ``mla.request`` -> ``mla.request.sent``."""
        return f"{self.cooperation.value}.request"

    @property
    def entity(self) -> str:
        """The audited entity type: ``mla_request``."""
        return f"{self.cooperation.value}_request"

    # -----------------------------------------------------------------------
    # Loading, with visibility

    def case_of(self, row: R, persons: Sequence[CasePerson]) -> C:
        """The case as the rules read it: the row's fields and its persons."""
        return self.case_model.model_validate(
            {**row.model_dump(), "persons": [PersonFacts.model_validate(p) for p in persons]}
        )

    async def parties(self, ctx: CaseContext[Any], row: R) -> Parties:
        liaisons: frozenset[tuple[str, str]] = frozenset()
        if ctx.principal.has_role(LIAISON_ROLE):
            rows = await casework.liaisons(ctx.session, row.id)
            liaisons = frozenset((r.username, r.authority) for r in rows)
        return Parties(
            requesting=row.requesting_authority,
            requested=row.requested_authority,
            owner=row.owner_authority,
            disclosed=row.disclosed,
            executing=row.executing_authority,
            liaisons=liaisons,
        )

    async def not_found(self, ctx: CaseContext[Any], request_id: UUID) -> NotFound:
        """The 404 for a case the caller may not see; the denial of one that exists is
        audited, in a transaction of its own."""
        if await requests.exists_at_all(ctx.session, self.model, request_id):
            await audit.record_outside(
                ctx.database,
                at=ctx.now,
                actor=ctx.principal,
                action=f"{self.action_prefix}.read",
                entity_type=self.entity,
                entity_id=request_id,
                outcome="denied",
                details={"reason": "not_a_party", "authority": ctx.principal.authority},
            )
        return NotFound("No request with this id")

    async def load(
        self, ctx: CaseContext[Any], request_id: UUID, *, for_update: bool = False
    ) -> Loaded[R, C]:
        """The case ``request_id`` if the caller may see it (404 otherwise)."""
        visible = requests.visibility_condition(ctx.principal, self.model)
        row = await requests.get_visible(
            ctx.session, self.model, request_id, visible, for_update=for_update
        )
        if row is None:
            raise await self.not_found(ctx, request_id)
        parties = await self.parties(ctx, row)
        side = side_of(parties, ctx.principal)
        if side is None:  # the SQL and the rule agree; this is a guard against drift
            raise await self.not_found(ctx, request_id)
        persons = await casework.persons(ctx.session, row.id)
        return Loaded(row, self.case_of(row, persons), side, parties, persons)

    async def load_for_change(
        self, ctx: CaseContext[Any], request_id: UUID, expected: IfMatch
    ) -> Loaded[R, C]:
        """The case, locked for this transaction, if the caller read its current version
        (404, then 428 or 412)."""
        loaded = await self.load(ctx, request_id, for_update=True)
        expected.check(loaded.row.version)
        return loaded

    async def reloaded(self, ctx: CaseContext[Any], loaded: Loaded[R, C]) -> Loaded[R, C]:
        """The case after a change, with its parties now. Not through :meth:`load`: a
        change never hides a case from the one who made it, and a 404 (audited in a
        transaction of its own) must not come after a change in this one."""
        row = loaded.row
        await ctx.session.flush()
        parties = await self.parties(ctx, row)
        persons = await casework.persons(ctx.session, row.id)
        side = side_of(parties, ctx.principal) or loaded.side
        return Loaded(row, self.case_of(row, persons), side, parties, persons)

    async def begin(
        self,
        ctx: CaseContext[Any],
        request_id: UUID,
        expected: IfMatch,
        recorded: Recorded | None = None,
    ) -> Acting[R, C]:
        """The case, locked, if the caller read its current version (404, then 428 or
        412), and who acts on it: the caller now; or, for a step recorded by hand, the
        counterpart on the day it happened (docs/architecture.md "Counterparts that do not use
        Comity")."""
        loaded = await self.load_for_change(ctx, request_id, expected)
        requesting = await self.requesting(ctx, loaded.case)
        requested = await self.requested(ctx, loaded.case)
        by = casework.actor_name(ctx.principal)
        if recorded is None:
            actor = Actor(loaded.side, ctx.principal.roles)
            act = Act(loaded.case, actor, ctx.now, ctx.now, requesting, requested, by)
            return Acting(loaded, act)
        case = loaded.case
        self.lifecycle.machine.check(
            RECORD_COUNTERPART_STEP,
            state=case.state,
            side=loaded.side,
            roles=ctx.principal.roles,
            case=case,
        )
        side = case.counterpart_side
        steps = self.lifecycle.counterpart_steps.get(side, frozenset())
        if recorded.step not in steps:
            allowed = ", ".join(sorted(steps))
            raise RuleBroken.at(
                "/step",
                f"A {side.value} counterpart's step '{recorded.step}' cannot be recorded; "
                f"the steps of that side are: {allowed}",
                why=f"one of {allowed}",
            )
        where = requested if side is Side.requested else requesting
        dates.not_in_future(
            recorded.occurred_on, now=ctx.now, tz=where.time_zone, pointer="/occurred_on"
        )
        if recorded.their_reference:
            loaded.case = loaded.case.evolve(their_reference=recorded.their_reference)
        # The counterpart's own officers took it: their roles are not ours to check.
        actor = Actor(side, OFFICERS | SUPERVISORS, recorded=True)
        act = Act(loaded.case, actor, ctx.now, recorded.occurred_on, requesting, requested, by)
        return Acting(loaded, act, side)

    # -----------------------------------------------------------------------
    # Facts the rules need

    async def requesting(self, ctx: CaseContext[Any], case: C) -> Authority:
        """The case's requesting authority, from the directory."""
        return await ctx.authority(case.requesting_authority, pointer="/requesting_authority")

    async def requested(self, ctx: CaseContext[Any], case: C) -> Authority:
        """The case's requested authority, from the directory."""
        return await ctx.authority(case.requested_authority, pointer="/requested_authority")

    async def deadlines(self, ctx: CaseContext[Any], case: C) -> list[Deadline]:
        return [casework.deadline_facts(d) for d in await casework.deadlines(ctx.session, case.id)]

    async def consultations(
        self, ctx: CaseContext[Any], case: C, body: ConsultedBody
    ) -> list[Consultation]:
        """The consultations of the case on the decision ``body`` asks for, as the rule
        of :mod:`shared.legal.consultation` reads them; where ``body`` names one, that
        one (a consultation of the case on that topic, or it is a 422)."""
        topic = TOPICS[body.consulted_on]
        rows = [r for r in await casework.consultations(ctx.session, case.id) if r.topic == topic]
        if body.consultation_id is not None:
            rows = [r for r in rows if r.id == body.consultation_id]
            if not rows:
                raise RuleBroken.at(
                    "/consultation_id",
                    f"The request has no consultation {body.consultation_id} on {topic.value}",
                    why=f"not a consultation on {topic.value}",
                )
        messages = await casework.messages(ctx.session, [r.id for r in rows])
        return [
            Consultation(
                topic=ConsultationTopic(r.topic),
                closed=r.closed_at is not None,
                outcome=ConsultationOutcome(r.outcome) if r.outcome else None,
                requesting_state_heard=any(
                    m.consultation_id == r.id and m.side == Side.requesting.value for m in messages
                ),
            )
            for r in rows
        ]

    async def documents_exist(
        self, ctx: CaseContext[Any], case: C, ids: Sequence[UUID], pointer: str
    ) -> None:
        """Every id is a document of the case (attach it first, or it is a 422)."""
        known = {d.id for d in await casework.documents(ctx.session, case.id)}
        for i, document_id in enumerate(ids):
            if document_id not in known:
                raise RuleBroken.at(
                    f"{pointer}/{i}",
                    f"The request has no document {document_id}; attach it first",
                    why="not a document of this request",
                )

    # -----------------------------------------------------------------------
    # The one way a decision is applied

    async def change(self, ctx: CaseContext[Any], acting: Acting[R, C], outcome: Outcome[C]) -> P:
        """Apply ``outcome`` and read the case as it is now."""
        await self.apply(ctx, acting, outcome)
        return await self.public(ctx, await self.reloaded(ctx, acting.loaded))

    async def apply(self, ctx: CaseContext[Any], acting: Acting[R, C], outcome: Outcome[C]) -> None:
        """Make ``outcome`` the case's next version, with its deadlines, history, audit
        and events, in the caller's transaction."""
        loaded = acting.loaded
        row = loaded.row
        previous = row.state
        self._write(row, outcome.case)
        self._write_persons(loaded.person_rows, outcome.case)
        row.state = outcome.case.state
        row.version += 1
        row.updated_at = ctx.now
        if outcome.reference_time_zone is not None and row.reference is None:
            await self._assign_reference(ctx, row, outcome.reference_time_zone)
        # A step may say when it happened and for whom, where the caller's action does not.
        when = outcome.when if outcome.when is not None else acting.act.when
        recorded_for = outcome.recorded_for or acting.recorded_for
        await self._apply_deadlines(ctx, row.id, outcome, when)
        await self.record(
            ctx,
            row,
            action=outcome.action,
            from_state=previous,
            to_state=row.state,
            reason=outcome.reason,
            details={
                **outcome.details,
                **({"notes": list(outcome.notes)} if outcome.notes else {}),
            },
            recorded_for=recorded_for,
            occurred_on=when if not dates.is_instant(when) else None,
        )
        for emit in outcome.events:
            await self.emit(
                ctx, row, outcome.case, emit, previous_state=previous, recorded_for=recorded_for
            )

    def _columns(self, case: C, skip: Collection[str] = ()) -> dict[str, Any]:
        """The fields of ``case`` that are columns of the table, as the table holds them."""
        columns = self.model.__table__.c  # type: ignore[attr-defined]
        found = {}
        for name in type(case).model_fields:
            if name in skip or name not in columns:
                continue
            json = isinstance(columns[name].type, JSON)
            found[name] = case.model_dump(mode="json" if json else "python", include={name})[name]
        return found

    def _write(self, row: R, case: C) -> None:
        """The fields ``case`` holds differently from ``row``, written to it."""
        for name, value in self._columns(case, skip={"state", "version", "updated_at"}).items():
            if getattr(row, name) != value:
                setattr(row, name, value)

    @staticmethod
    def _write_persons(rows: Sequence[CasePerson], case: C) -> None:
        """A decision changes a person's custody (an arrest, a release, a surrender)."""
        custody = {p.id: p.custody_status for p in case.persons}
        for person in rows:
            status = custody.get(person.id)
            value = status.value if status is not None else None
            if person.id in custody and person.custody_status != value:
                person.custody_status = value

    async def _assign_reference(self, ctx: CaseContext[Any], row: R, tz: str) -> None:
        """``MLA-2026-ES-CO-000123``: the year where it is assigned, a number per pair."""
        year = dates.day_of(ctx.now, tz).year
        number = await requests.next_sequence(
            ctx.session,
            self.sequence_model,
            year=year,
            requesting_country=row.requesting_country,
            requested_country=row.requested_country,
        )
        row.reference = case_reference(
            self.cooperation,
            year=year,
            requesting_country=row.requesting_country,
            requested_country=row.requested_country,
            number=number,
        )

    @staticmethod
    async def _apply_deadlines(
        ctx: CaseContext[Any], case_id: UUID, outcome: Outcome[Any], when: dates.Step
    ) -> None:
        for op in outcome.deadlines:
            if isinstance(op, Open):
                casework.open_deadline(ctx.session, case_id, op.plan, now=ctx.now)
            elif isinstance(op, Close):
                for row in await casework.open_deadlines(
                    ctx.session, case_id, kinds=op.kinds, subject_id=op.subject_id
                ):
                    casework.close_deadline(
                        row,
                        at=ctx.now,
                        step=op.when if op.when is not None else when,
                        reason=op.reason,
                        waived=op.waived,
                    )
            elif isinstance(op, Pause):
                for row in await casework.open_deadlines(ctx.session, case_id):
                    if row.pausable and row.paused_at is None:
                        casework.pause_deadline(
                            row, at=dates.start_of(when, row.time_zone, now=ctx.now)
                        )
            elif isinstance(op, Resume):
                for row in await casework.open_deadlines(ctx.session, case_id):
                    if row.paused_at is not None:
                        casework.resume_deadline(
                            row, at=dates.start_of(when, row.time_zone, now=ctx.now)
                        )
            await ctx.session.flush()

    # -----------------------------------------------------------------------
    # History, audit and events

    async def record(
        self,
        ctx: CaseContext[Any],
        row: R,
        *,
        action: str,
        from_state: str | None,
        to_state: str | None,
        reason: str | None = None,
        details: Mapping[str, Any] | None = None,
        recorded_for: Side | None = None,
        occurred_on: date | None = None,
    ) -> None:
        """The history entry and the audit entry of a change, in the caller's transaction."""
        casework.add_history(
            ctx.session,
            case_id=row.id,
            at=ctx.now,
            actor=ctx.principal,
            action=action,
            case_version=row.version,
            from_state=from_state,
            to_state=to_state,
            reason=reason,
            details=dict(details or {}),
            recorded_for=recorded_for,
            occurred_on=occurred_on,
        )
        await audit.append(
            ctx.session,
            at=ctx.now,
            actor=ctx.principal,
            action=f"{self.action_prefix}.{action}",
            entity_type=self.entity,
            entity_id=row.id,
            details={
                "reference": row.reference,
                "version": row.version,
                "from_state": from_state,
                "to_state": to_state,
                # A counterpart's step recorded by hand says for which side it was.
                **({"recorded_for": recorded_for.value} if recorded_for else {}),
                **(details or {}),
            },
        )

    async def emit(
        self,
        ctx: CaseContext[Any],
        row: R,
        case: C,
        emit: Emit,
        *,
        previous_state: str | None,
        recorded_for: Side | None = None,
    ) -> None:
        """Stage ``emit`` in the outbox: what every case event carries, the service's own
        fields for its own events, and the event's fields."""
        await ctx.session.flush()
        fields: dict[str, Any] = {
            "case_type": self.cooperation.value,
            "case_id": row.id,
            "case_version": row.version,
            "reference": row.reference,
            "their_reference": row.their_reference,
            "state": row.state,
            "previous_state": previous_state,
            "requesting_authority": row.requesting_authority,
            "requesting_country": row.requesting_country,
            "requested_authority": row.requested_authority,
            "requested_country": row.requested_country,
            "executing_authority": row.executing_authority,
            "parties": _parties(row),
            "one_sided": not row.counterpart_uses_comity,
            "recorded_for": recorded_for.value if recorded_for is not None else None,
            "urgent": case.is_urgent,
            "deadlines": await _deadline_infos(ctx.session, row.id),
        }
        if issubclass(emit.contract.payload, self.request_event):
            fields |= self.event_fields(case)
        payload = emit.contract.payload.model_validate({**fields, **emit.data()})
        stage(
            ctx.session,
            new_event(
                emit.contract,
                payload,
                subject=row.reference or str(row.id),
                actor=f"user:{ctx.principal.subject}",
                at=ctx.now,
                case_version=row.version,
            ),
        )

    def access(self, ctx: CaseContext[Any], loaded: Loaded[R, C]) -> CaseAccess:
        """The case as the shared sub-resources need it: their changes leave the case's
        state and version as they are, and their events are the casework events."""
        row = loaded.row

        async def note(action: str, details: dict[str, Any], reason: str | None) -> None:
            await self.record(
                ctx,
                row,
                action=action,
                from_state=row.state,
                to_state=row.state,
                reason=reason,
                details=details,
            )

        async def emit(event: str, fields: BaseModel) -> None:
            await self.emit(
                ctx, row, loaded.case, Emit(self.events[event], fields), previous_state=row.state
            )

        async def find_case(target: str) -> CaseName | None:
            visible = requests.visibility_condition(ctx.principal, self.model)
            found = await requests.named_visible(ctx.session, self.model, target, visible)
            return CaseName(*found) if found is not None else None

        return CaseAccess(
            session=ctx.session,
            principal=ctx.principal,
            now=ctx.now,
            case_id=row.id,
            side=loaded.side,
            note=note,
            emit=emit,
            find_case=find_case,
        )

    # -----------------------------------------------------------------------
    # Creating and editing

    async def addressed(self, ctx: CaseContext[Any], body: CaseCreate) -> Addressed:
        """Who a new draft is between: the caller's authority on its side, the other
        authority from the directory (unknown: 422; withdrawn, or of the same State: 422)."""
        require_officer(ctx.principal.roles)
        own = await ctx.authority(ctx.principal.authority, pointer="/requesting_authority")
        if body.direction is Direction.outgoing:
            if body.requested_authority is None:
                raise RuleBroken.at(
                    "/requested_authority", "Name the authority you address", why="required"
                )
            requested = await ctx.authority(
                body.requested_authority, pointer="/requested_authority"
            )
            check_chosen(requested, pointer="/requested_authority")
            uses_comity = body.counterpart_uses_comity is not False
            addressed = Addressed(own, requested, Side.requesting, uses_comity)
            pointer = "/requested_authority"
        else:
            if body.requesting_authority is None:
                raise RuleBroken.at(
                    "/requesting_authority",
                    "Name the authority that sent the request",
                    why="required",
                )
            requesting = await ctx.authority(
                body.requesting_authority, pointer="/requesting_authority"
            )
            uses_comity = bool(body.counterpart_uses_comity)
            addressed = Addressed(requesting, own, Side.requested, uses_comity)
            pointer = "/requesting_authority"
        check_other_state(
            addressed.requesting, addressed.requested, pointer=pointer, what=self.what
        )
        return addressed

    def new_row(self, ctx: CaseContext[Any], addressed: Addressed, body: CreateT, **own: Any) -> R:
        """A draft's row: the columns every case has; the service's own from ``body`` (as
        the case holds them: new records get their ids), from ``own`` for what the body
        does not say, and the case's defaults for the rest."""
        common: dict[str, Any] = {
            "id": new_id(),
            "version": 1,
            "state": DRAFT,
            "requesting_authority": addressed.requesting.code,
            "requesting_country": addressed.requesting.country,
            "requested_authority": addressed.requested.code,
            "requested_country": addressed.requested.country,
            "owner_authority": ctx.principal.authority,
            "created_by_side": addressed.side.value,
            "disclosed": False,
            "counterpart_uses_comity": addressed.counterpart_uses_comity,
            "created_at": ctx.now,
            "updated_at": ctx.now,
            "created_by": casework.actor_name(ctx.principal),
        }
        content = body.model_dump(exclude=set(CaseCreate.model_fields))
        case = self.case_model.model_validate({**content, **own, **common})
        return self.model(**common, **self._columns(case, skip=common))

    async def create_request(self, ctx: CaseContext[Any], body: CreateT) -> P:
        """Draft a request, or write down one received outside Comity; a case whose
        creation writes more (a person sought) overrides this."""
        return await self.created(ctx, self.new_row(ctx, await self.addressed(ctx, body), body))

    async def load_draft(
        self, ctx: CaseContext[Any], request_id: UUID, expected: IfMatch
    ) -> Loaded[R, C]:
        """A draft the caller may edit: its author's side, a case officer or supervisor."""
        loaded = await self.load_for_change(ctx, request_id, expected)
        self.lifecycle.may_edit_draft(loaded.case, loaded.side, ctx.principal.roles)
        require_officer(ctx.principal.roles)
        return loaded

    async def readdressed(
        self, ctx: CaseContext[Any], loaded: Loaded[R, C], body: CaseUpdate
    ) -> dict[str, Any]:
        """The changes ``body`` makes to whom a draft is addressed: another requested
        authority (of an outgoing draft), whether the counterpart uses Comity."""
        changes: dict[str, Any] = {}
        sent = body.model_fields_set
        if "requested_authority" in sent:
            if body.requested_authority is None or loaded.side is not Side.requesting:
                raise RuleBroken.at(
                    "/requested_authority",
                    "The requested authority of an outgoing draft can be changed, not removed",
                    why="not changeable",
                )
            requested = await ctx.authority(
                body.requested_authority, pointer="/requested_authority"
            )
            check_chosen(requested, pointer="/requested_authority")
            requesting = await ctx.authority(
                loaded.case.requesting_authority, pointer="/requesting_authority"
            )
            check_other_state(requesting, requested, pointer="/requested_authority", what=self.what)
            changes |= {
                "requested_authority": requested.code,
                "requested_country": requested.country,
            }
        if "counterpart_uses_comity" in sent:
            if body.counterpart_uses_comity is None:
                raise RuleBroken.at(
                    "/counterpart_uses_comity",
                    "/counterpart_uses_comity cannot be null",
                    why="null",
                )
            changes["counterpart_uses_comity"] = body.counterpart_uses_comity
        return changes

    async def created(self, ctx: CaseContext[Any], row: R, persons: Sequence[CasePerson] = ()) -> P:
        """A new draft, written with its persons, its history, audit entry and event."""
        ctx.session.add(row)
        await ctx.session.flush()
        for person in persons:
            ctx.session.add(person)
        await ctx.session.flush()
        case = self.case_of(row, persons)
        self.lifecycle.check_draft(case)
        await self.record(
            ctx,
            row,
            action="drafted",
            from_state=None,
            to_state=row.state,
            details={"side": row.created_by_side},
        )
        await self.emit(ctx, row, case, Emit(self.events["drafted"]), previous_state=None)
        parties = await self.parties(ctx, row)
        return await self.public(
            ctx, Loaded(row, case, Side(row.created_by_side), parties, list(persons))
        )

    async def edit(
        self, ctx: CaseContext[Any], request_id: UUID, body: CaseUpdate, expected: IfMatch
    ) -> P:
        """Change a draft: only the fields ``body`` sets, validated as the case holds them
        (new records get their ids); a field of the body's ``never_null`` is refused as
        null; the lifecycle's rules on a draft decide."""
        loaded = await self.load_draft(ctx, request_id, expected)
        changes = await self.readdressed(ctx, loaded, body)
        sent = body.model_fields_set - set(CaseUpdate.model_fields)
        for name, value in sorted(body.model_dump(include=sent).items()):
            if value is None and name in body.never_null:
                raise RuleBroken.at(f"/{name}", f"/{name} cannot be null", why="null")
            changes[name] = value
        case = loaded.case.evolve(**changes)
        self.lifecycle.check_draft(case)
        return await self.edited(ctx, loaded, case, body.model_fields_set)

    # -----------------------------------------------------------------------
    # The transitions every case has, decided alike (shared.casework.lifecycle)

    @transition
    async def share_draft(
        self, ctx: CaseContext[Any], acting: Acting[R, C], body: NoteBody
    ) -> Outcome[C]:
        return self.lifecycle.share_draft(acting.act, body, event=self.events["draft_shared"])

    @transition
    async def close(
        self, ctx: CaseContext[Any], acting: Acting[R, C], body: CloseBody
    ) -> Outcome[C]:
        return self.lifecycle.close(acting.act, body, event=self.events["closed"])

    @transition
    async def withdraw(
        self, ctx: CaseContext[Any], acting: Acting[R, C], body: WithdrawBody
    ) -> Outcome[C]:
        return self.lifecycle.withdraw(acting.act, body, event=self.events["withdrawn"])

    async def edited(
        self, ctx: CaseContext[Any], loaded: Loaded[R, C], case: C, fields: Collection[str]
    ) -> P:
        """A draft changed to ``case``: its next version, with history and audit (a draft
        is its author's alone, so no event)."""
        row = loaded.row
        self._write(row, case)
        row.version += 1
        row.updated_at = ctx.now
        await self.record(
            ctx,
            row,
            action="edit",
            from_state=row.state,
            to_state=row.state,
            details={"fields": sorted(fields)},
        )
        return await self.public(ctx, await self.reloaded(ctx, loaded))

    # -----------------------------------------------------------------------
    # What callers read

    async def persons_public(
        self, ctx: CaseContext[Any], loaded: Loaded[R, C], rows: Sequence[CasePerson]
    ) -> list[PersonPublic]:
        """Persons as the caller may see them; each protected identity shown is audited."""
        return await public.persons_public(
            ctx.session,
            principal=ctx.principal,
            side=loaded.side,
            now=ctx.now,
            case_id=loaded.row.id,
            rows=rows,
            audit_action=f"{self.cooperation.value}.person.identity_disclosed",
        )

    async def public(self, ctx: CaseContext[Any], loaded: Loaded[R, C]) -> P:
        """The case as the caller may see it, with what they may do now."""
        case = loaded.case
        deadlines = await casework.deadlines(ctx.session, loaded.row.id)
        persons = await self.persons_public(ctx, loaded, loaded.person_rows)
        return self.public_model.model_validate(
            {
                **dict(case),
                "direction": direction_of(loaded.side),
                "side": loaded.side,
                "allowed_actions": self.lifecycle.allowed_actions(
                    case, loaded.side, ctx.principal.roles
                ),
                "one_sided": case.one_sided,
                "draft_shared": case.state == DRAFT and case.disclosed,
                "deadlines": [public.deadline_public(d, ctx.now) for d in deadlines],
                "persons": persons,
                **await self.public_fields(Read(ctx, loaded, deadlines, persons)),
            }
        )

    async def read(self, ctx: CaseContext[Any], request_id: UUID) -> P:
        return await self.public(ctx, await self.load(ctx, request_id))

    async def list_cases(
        self, ctx: CaseContext[Any], filters: FiltersT, *, cursor: str | None, limit: int
    ) -> CasePage[SummaryT]:
        """A page of the cases the caller may see, newest first."""
        conditions = requests.list_conditions(
            self.model,
            ctx.principal,
            direction=filters.direction,
            status=filters.status,
            counterpart_country=filters.counterpart_country,
            reference=filters.reference,
            deadline_before=filters.deadline_before,
        )
        rows, next_cursor = requests.page(
            await requests.list_page(
                ctx.session,
                self.model,
                [*conditions, *self.filter_conditions(filters)],
                after=requests.after(cursor),
                limit=limit + 1,
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
                # A liaison officer sees only cases they are attached to (the SQL says so).
                liaisons=frozenset({(ctx.principal.username, ctx.principal.authority)}),
            )
            items.append(
                self.summary_model.model_validate(
                    {
                        **row.model_dump(),
                        "direction": direction_of(side_of(parties, ctx.principal)),
                        "next_due_at": next_due,
                    }
                )
            )
        return self.page_model(items=items, next_cursor=next_cursor)


def _parties(row: CaseColumns) -> list[PartyInfo]:
    found = [
        PartyInfo(authority=row.requesting_authority, side=Side.requesting.value),
        PartyInfo(authority=row.requested_authority, side=Side.requested.value),
    ]
    if row.executing_authority is not None:
        found.append(PartyInfo(authority=row.executing_authority, side=Side.executing.value))
    return found


async def _deadline_infos(session: AsyncSession, case_id: UUID) -> list[DeadlineInfo]:
    """Every deadline of the case, as every event carries them."""
    return [
        DeadlineInfo(
            deadline_id=d.id,
            kind=d.kind,
            responsible_side=d.responsible_side,
            responsible_authority=d.responsible_authority,
            due_date=d.due_date,
            due_at=public.local(d.due_at, d.time_zone),
            time_zone=d.time_zone,
            status=d.status,
            paused=d.paused_at is not None,
            citation=d.citation,
        )
        for d in await casework.deadlines(session, case_id)
    ]
