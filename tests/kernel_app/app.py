"""A minimal app built from the kernel, for the kernel's own tests; not a product service.

It stores notes of an authority, with the conventions every service follows:
unit of work, problems, ``ETag``/``If-Match``, ``Idempotency-Key`` and audit.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar
from uuid import UUID

import uuid_utils
from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict
from pydantic import Field as PydanticField
from sqlmodel import Field, SQLModel, col, select

from shared import audit
from shared.app import create_service_app
from shared.auth import CurrentPrincipal
from shared.db import SessionDep, UnitOfWorkRoute, new_registry
from shared.http import IdempotencyDep, IfMatchDep, etag
from shared.problems import NotFound, UnprocessableContent
from shared.settings import ServiceSettings

MIGRATIONS = Path(__file__).parent / "migrations"

kernel_app_registry = new_registry()


class KernelAppSettings(ServiceSettings):
    service: ClassVar[str] = "kernelapp"


class KernelAppTable(SQLModel, registry=kernel_app_registry):
    pass


class Note(KernelAppTable, table=True):
    __tablename__ = "notes"

    id: UUID = Field(primary_key=True)
    authority: str = Field(max_length=64, index=True)
    text: str = Field(max_length=500)
    version: int = 1


class NoteCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    text: str = PydanticField(min_length=1, max_length=500)


class NotePublic(BaseModel):
    id: UUID
    authority: str
    text: str
    version: int


router = APIRouter(prefix="/v1/notes", route_class=UnitOfWorkRoute)


async def _visible_note(session: SessionDep, note_id: UUID, authority: str) -> Note:
    note = await session.get(Note, note_id)
    if note is None or note.authority != authority:
        raise NotFound("No such note")
    return note


@router.post("", status_code=201)
async def create_note(
    body: NoteCreate,
    request: Request,
    session: SessionDep,
    principal: CurrentPrincipal,
    idempotency: IdempotencyDep,
) -> Response:
    if (replay := await idempotency.replay()) is not None:
        return replay
    note = Note(id=UUID(str(uuid_utils.uuid7())), authority=principal.authority, text=body.text)
    session.add(note)
    await audit.append(
        session,
        at=request.app.state.clock.now(),
        actor=principal,
        action="note.created",
        entity_type="note",
        entity_id=note.id,
    )
    public = NotePublic.model_validate(note, from_attributes=True)
    return await idempotency.remember(201, public, {"ETag": etag(note.version)})


@router.get("")
async def list_notes(
    session: SessionDep, principal: CurrentPrincipal, contains: str | None = None
) -> list[NotePublic]:
    query = select(Note).where(col(Note.authority) == principal.authority)
    if contains is not None:
        query = query.where(col(Note.text).contains(contains))
    result = await session.execute(query.order_by(col(Note.id)))
    return [NotePublic.model_validate(n, from_attributes=True) for n in result.scalars()]


@router.get("/{note_id}")
async def read_note(
    note_id: UUID, response: Response, session: SessionDep, principal: CurrentPrincipal
) -> NotePublic:
    note = await _visible_note(session, note_id, principal.authority)
    response.headers["ETag"] = etag(note.version)
    return NotePublic.model_validate(note, from_attributes=True)


@router.put("/{note_id}")
async def replace_note(
    note_id: UUID,
    body: NoteCreate,
    expected: IfMatchDep,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> NotePublic:
    note = await _visible_note(session, note_id, principal.authority)
    expected.check(note.version)
    note.text = body.text
    note.version += 1
    response.headers["ETag"] = etag(note.version)
    return NotePublic.model_validate(note, from_attributes=True)


@router.post("/{note_id}/shout-and-fail")
async def change_then_break_a_rule(
    note_id: UUID, session: SessionDep, principal: CurrentPrincipal
) -> NotePublic:
    """Changes the note, then breaks a rule: the unit of work must leave nothing behind."""
    note = await _visible_note(session, note_id, principal.authority)
    note.text = note.text.upper()
    note.version += 1
    await session.flush()
    raise UnprocessableContent(
        "Notes may not shout", code="no-shouting", citation="Kernel test rule 1"
    )


@router.get("/-/fault")
async def fault(principal: CurrentPrincipal) -> None:
    raise RuntimeError("a real fault, with a secret in its message")


def create_app(settings: KernelAppSettings, **kwargs: object) -> object:
    return create_service_app(
        settings, title="Kernel test app", description="For tests", routers=[router], **kwargs
    )
