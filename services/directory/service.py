"""Use cases of the directory. Functions never commit: the request's unit of work does.

Reads are open to every authenticated user (it is a directory). Writes are for
``directory_editor``s, and only on their own State's entries (PoA para. 64(b):
each State keeps its designations up to date). Every write bumps the entry's
``version``, appends a snapshot to its history and an entry to the audit log,
all in the caller's transaction; a refused write raises :class:`EditRefused`,
which the caller audits in a transaction of its own (the request rolls back).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

import pycountry
from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services.directory import repository
from services.directory.events import stage_authority_event
from services.directory.models import (
    Authority,
    AuthorityVersion,
    CountryProfile,
    CountryProfileVersion,
)
from services.directory.schemas import (
    AuthoritiesPublic,
    AuthorityBase,
    AuthorityCreate,
    AuthorityFilters,
    AuthorityHistoryPublic,
    AuthorityPublic,
    AuthoritySort,
    AuthorityUpdate,
    AuthorityVersionPublic,
    ChangeKind,
    CountriesPublic,
    CountryDetail,
    CountryProfileBase,
    CountryProfileCreate,
    CountryProfileHistoryPublic,
    CountryProfilePublic,
    CountryProfileVersionPublic,
    CountryPublic,
    authority_search_text,
    authority_sort_name,
    iso_countries,
    merge_authority_update,
)
from services.directory.text import normalise_search_text
from shared import audit
from shared.auth import Principal
from shared.db import Database
from shared.http import check_version
from shared.ids import new_id
from shared.pagination import decode_cursor, encode_cursor, invalid_cursor
from shared.problems import (
    Conflict,
    FieldError,
    NotFound,
    PermissionDenied,
    PreconditionFailed,
    PreconditionRequired,
    UnprocessableContent,
    validation_problem,
)

SYSTEM_ACTOR = "system:directory"
EDITOR_ROLE = "directory_editor"
OWN_STATE_RULE = "directory editors maintain their own State's entries"
OWN_STATE_CITATION = "Plan of Action para. 64(b)"


class Action(StrEnum):
    """Audit actions; a refused attempt is recorded under the same name."""

    authority_create = "directory.authority.create"
    authority_update = "directory.authority.update"
    authority_withdraw = "directory.authority.withdraw"
    profile_write = "directory.profile.write"
    directory_import = "directory.import"
    countries_load = "directory.countries.load"


# ---------------------------------------------------------------------------
# Who writes, and who may


@dataclass(frozen=True)
class Actor:
    """A person (by their token) or the service itself (seed, operator import)."""

    name: str
    authority: str | None = None
    principal: Principal | None = None

    @classmethod
    def of(cls, who: Principal | str) -> Actor:
        if isinstance(who, Principal):
            return cls(f"user:{who.subject}", who.authority, who)
        return cls(who)

    @property
    def for_audit(self) -> Principal | str:
        return self.principal if self.principal is not None else self.name


class EditRefused(PermissionDenied):
    """A write the caller may not make; carries what the audit log records about it."""

    def __init__(
        self,
        detail: str,
        *,
        action: Action,
        entity_type: str,
        entity_id: UUID | str | None = None,
        reason: str,
        code: str | None = None,
        citation: str | None = None,
        errors: list[FieldError] | None = None,
        rule: str | None = None,
    ) -> None:
        super().__init__(
            detail,
            code=code,
            citation=citation,
            errors=errors or (),
            extensions={"rule": rule} if rule else None,
        )
        self.action = action
        self.entity_type = entity_type
        self.entity_id = entity_id
        self.reason = reason


def require_editor(
    principal: Principal,
    *,
    action: Action,
    entity_type: str,
    entity_id: UUID | str | None = None,
) -> None:
    if not principal.has_role(EDITOR_ROLE):
        raise EditRefused(
            f"Only directory editors change the directory (role {EDITOR_ROLE})",
            action=action,
            entity_type=entity_type,
            entity_id=entity_id,
            reason="role",
        )


def other_state_refusal(
    principal: Principal,
    countries: list[str],
    *,
    action: Action,
    entity_type: str,
    entity_id: UUID | str | None = None,
    errors: list[FieldError] | None = None,
) -> EditRefused:
    listed = ", ".join(sorted(set(countries)))
    return EditRefused(
        f"{OWN_STATE_RULE[0].upper()}{OWN_STATE_RULE[1:]}: you edit the entries of "
        f"{principal.country}, and this is an entry of {listed}",
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        reason="other_state",
        code="directory-entry-of-another-state",
        citation=OWN_STATE_CITATION,
        rule=OWN_STATE_RULE,
        errors=errors,
    )


def authorise_edit(
    principal: Principal,
    country: str,
    *,
    action: Action,
    entity_type: str,
    entity_id: UUID | str | None = None,
) -> None:
    """A directory editor of ``country``, or :class:`EditRefused`."""
    require_editor(principal, action=action, entity_type=entity_type, entity_id=entity_id)
    if principal.country != country:
        raise other_state_refusal(
            principal, [country], action=action, entity_type=entity_type, entity_id=entity_id
        )


async def record_refusal(
    database: Database, refusal: EditRefused, principal: Principal, now: datetime
) -> None:
    """Audit a refused write in a transaction of its own (the request's is rolled back)."""
    await audit.record_outside(
        database,
        at=now,
        actor=principal,
        action=refusal.action.value,
        entity_type=refusal.entity_type,
        entity_id=refusal.entity_id,
        outcome="denied",
        details={
            "reason": refusal.reason,
            "code": refusal.code,
            "country": principal.country,
            "roles": sorted(principal.roles),
        },
    )


# ---------------------------------------------------------------------------
# Authorities: reads


def authority_data(row: Authority) -> AuthorityBase:
    """The entry of a row, as an editor wrote it (no id, version or timestamps)."""
    return AuthorityBase.model_validate(row, from_attributes=True)


def authority_public(row: Authority) -> AuthorityPublic:
    return AuthorityPublic.model_validate(row)


async def search_authorities(
    session: AsyncSession,
    *,
    filters: AuthorityFilters,
    sort: AuthoritySort,
    cursor: str | None,
    limit: int,
) -> AuthoritiesPublic:
    width = len(repository.SORT_COLUMNS[sort]) + 1
    after = None
    if cursor is not None:
        after = [str(value) for value in decode_cursor(cursor, sort.value, length=width)]
        try:
            UUID(after[-1])
        except ValueError:
            raise invalid_cursor() from None
    # One more than asked: whether it comes back says if there is a next page.
    rows = await repository.search_authorities(
        session, filters, sort=sort, after=after, limit=limit + 1
    )
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        key: list[str | int] = list(repository.sort_key(rows[-1], sort))
        next_cursor = encode_cursor(sort.value, key)
    return AuthoritiesPublic(items=[authority_public(r) for r in rows], next_cursor=next_cursor)


async def _authority_or_404(
    session: AsyncSession, authority_id: UUID, *, for_update: bool = False
) -> Authority:
    row = await repository.get_authority(session, authority_id, for_update=for_update)
    if row is None:
        raise NotFound("No authority with this id")
    return row


async def read_authority(session: AsyncSession, *, authority_id: UUID) -> AuthorityPublic:
    return authority_public(await _authority_or_404(session, authority_id))


async def authority_history(
    session: AsyncSession, *, authority_id: UUID, cursor: str | None, limit: int
) -> AuthorityHistoryPublic:
    await _authority_or_404(session, authority_id)
    after = _version_after(cursor)
    rows = await repository.authority_versions(
        session, authority_id, after_version=after, limit=limit + 1
    )
    items = [AuthorityVersionPublic.model_validate(row) for row in rows[:limit]]
    return AuthorityHistoryPublic(items=items, next_cursor=_version_cursor(rows, limit))


def _version_after(cursor: str | None) -> int | None:
    if cursor is None:
        return None
    [version] = decode_cursor(cursor, "version", length=1)
    if not isinstance(version, int):
        raise invalid_cursor()
    return version


def _version_cursor(
    rows: list[AuthorityVersion] | list[CountryProfileVersion], limit: int
) -> str | None:
    if len(rows) <= limit:
        return None
    return encode_cursor("version", [rows[limit - 1].version])


# ---------------------------------------------------------------------------
# Authorities: writes


def _authority_columns(data: AuthorityBase) -> dict[str, Any]:
    values = data.model_dump(mode="json")
    values["last_verified"] = data.last_verified
    values["search_text"] = authority_search_text(data)
    values["sort_name"] = authority_sort_name(data)
    return values


def _changed_fields(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    return sorted(name for name in after if before.get(name) != after[name])


async def insert_authority(
    session: AsyncSession,
    data: AuthorityBase,
    *,
    actor: Actor,
    now: datetime,
    change: ChangeKind,
    action: Action = Action.authority_create,
    details: dict[str, Any] | None = None,
) -> Authority:
    if await repository.authority_code_taken(session, data.code):
        raise _code_taken(data.code)
    row = Authority(
        id=new_id(), version=1, created_at=now, updated_at=now, **_authority_columns(data)
    )
    try:
        # A savepoint, so that a concurrent create of the same code is a clean 409.
        async with session.begin_nested():
            session.add(row)
    except IntegrityError as error:
        if "uq_authorities_code" not in str(error.orig):
            raise
        raise _code_taken(data.code) from None
    session.add(_authority_version(row, data, actor=actor, now=now, change=change))
    await audit.append(
        session,
        at=now,
        actor=actor.for_audit,
        action=action.value,
        entity_type="authority",
        entity_id=row.id,
        details={
            "code": row.code,
            "country": row.country,
            "version": 1,
            "change": change.value,
            **(details or {}),
        },
    )
    await session.flush()
    stage_authority_event(session, row, change=change, actor=actor.name, at=now)
    return row


def _code_taken(code: str) -> Conflict:
    return Conflict(
        f"An authority with the code {code} exists already; a code names one authority for "
        "good (withdraw it, or choose another code)",
        code="authority-code-taken",
        errors=[FieldError(pointer="/code", detail=f"'{code}' is taken")],
    )


def _authority_version(
    row: Authority,
    data: AuthorityBase,
    *,
    actor: Actor,
    now: datetime,
    change: ChangeKind,
    reason: str | None = None,
) -> AuthorityVersion:
    return AuthorityVersion(
        authority_id=row.id,
        version=row.version,
        change=change.value,
        at=now,
        actor=actor.name,
        actor_authority=actor.authority,
        reason=reason,
        snapshot=data.model_dump(mode="json"),
    )


async def apply_authority(
    session: AsyncSession,
    row: Authority,
    data: AuthorityBase,
    *,
    actor: Actor,
    now: datetime,
    change: ChangeKind,
    action: Action,
    reason: str | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    """Make ``row`` hold ``data`` as its next version, with history and audit."""
    before = authority_data(row).model_dump(mode="json")
    for name, value in _authority_columns(data).items():
        setattr(row, name, value)
    row.version += 1
    row.updated_at = now
    session.add(_authority_version(row, data, actor=actor, now=now, change=change, reason=reason))
    await audit.append(
        session,
        at=now,
        actor=actor.for_audit,
        action=action.value,
        entity_type="authority",
        entity_id=row.id,
        details={
            "code": row.code,
            "country": row.country,
            "version": row.version,
            "change": change.value,
            "fields": _changed_fields(before, data.model_dump(mode="json")),
            **({"reason": reason} if reason else {}),
            **(details or {}),
        },
    )
    await session.flush()
    stage_authority_event(session, row, change=change, actor=actor.name, at=now)


async def create_authority(
    session: AsyncSession, *, body: AuthorityCreate, principal: Principal, now: datetime
) -> AuthorityPublic:
    authorise_edit(principal, body.country, action=Action.authority_create, entity_type="authority")
    row = await insert_authority(
        session, body, actor=Actor.of(principal), now=now, change=ChangeKind.created
    )
    return authority_public(row)


def _change_of(before: AuthorityBase, after: AuthorityBase) -> ChangeKind:
    if after.withdrawn and not before.withdrawn:
        return ChangeKind.withdrawn
    if before.withdrawn and not after.withdrawn:
        return ChangeKind.reinstated
    return ChangeKind.updated


async def update_authority(
    session: AsyncSession,
    *,
    authority_id: UUID,
    changes: AuthorityUpdate,
    principal: Principal,
    now: datetime,
    expected_version: Callable[[], int],
) -> AuthorityPublic:
    """A partial update; ``expected_version`` (If-Match) is asked for once the caller
    is known to be allowed, so a stranger learns nothing from a 412."""
    row = await _authority_or_404(session, authority_id, for_update=True)
    authorise_edit(
        principal,
        row.country,
        action=Action.authority_update,
        entity_type="authority",
        entity_id=row.id,
    )
    check_version(expected_version(), row.version)
    current = authority_data(row)
    try:
        merged = merge_authority_update(current, changes)
    except ValidationError as error:
        raise validation_problem(error) from None
    if merged.model_dump(mode="json") != current.model_dump(mode="json"):
        await apply_authority(
            session,
            row,
            merged,
            actor=Actor.of(principal),
            now=now,
            change=_change_of(current, merged),
            action=Action.authority_update,
        )
    return authority_public(row)


async def withdraw_authority(
    session: AsyncSession,
    *,
    authority_id: UUID,
    reason: str | None,
    principal: Principal,
    now: datetime,
    expected_version: Callable[[], int],
) -> AuthorityPublic:
    row = await _authority_or_404(session, authority_id, for_update=True)
    authorise_edit(
        principal,
        row.country,
        action=Action.authority_withdraw,
        entity_type="authority",
        entity_id=row.id,
    )
    check_version(expected_version(), row.version)
    if row.withdrawn:
        raise Conflict(f"{row.code} is withdrawn already")
    current = authority_data(row)
    await apply_authority(
        session,
        row,
        current.model_copy(update={"withdrawn": True}),
        actor=Actor.of(principal),
        now=now,
        change=ChangeKind.withdrawn,
        action=Action.authority_withdraw,
        reason=reason,
    )
    return authority_public(row)


# ---------------------------------------------------------------------------
# Countries


def _country_rows() -> list[dict[str, str]]:
    """Every ISO 3166-1 country, searchable by code, short, full and official name."""
    rows = []
    for alpha2, name in iso_countries():
        country = pycountry.countries.get(alpha_2=alpha2)
        official = getattr(country, "official_name", None) or ""
        plain = str(getattr(country, "name", "")) if country is not None else ""
        rows.append(
            {
                "alpha2": alpha2,
                "name": name,
                "search_text": normalise_search_text(alpha2, name, plain, official),
            }
        )
    return rows


async def ensure_countries(session: AsyncSession, *, now: datetime) -> int:
    """Load every ISO 3166-1 country not yet present (idempotent); returns how many."""
    added = await repository.insert_countries(session, _country_rows())
    if added:
        await audit.append(
            session,
            at=now,
            actor=SYSTEM_ACTOR,
            action=Action.countries_load.value,
            entity_type="country",
            details={"added": added},
        )
    return added


async def list_countries(
    session: AsyncSession, *, q: str | None, cursor: str | None, limit: int
) -> CountriesPublic:
    after = None
    if cursor is not None:
        [value] = decode_cursor(cursor, "alpha2", length=1)
        after = str(value)
    terms = normalise_search_text(q).split() if q else []
    rows = await repository.list_countries(session, terms=terms, after=after, limit=limit + 1)
    items = [
        CountryPublic(alpha2=country.alpha2, name=country.name, has_profile=has_profile)
        for country, has_profile in rows[:limit]
    ]
    next_cursor = encode_cursor("alpha2", [items[-1].alpha2]) if len(rows) > limit else None
    return CountriesPublic(items=items, next_cursor=next_cursor)


async def read_country(session: AsyncSession, *, alpha2: str) -> CountryDetail:
    country = await repository.get_country(session, alpha2)
    if country is None:
        raise NotFound(f"No ISO 3166-1 country with the code {alpha2!r}")
    profile = await repository.get_profile(session, alpha2)
    return CountryDetail(
        alpha2=country.alpha2,
        name=country.name,
        has_profile=profile is not None,
        profile=None if profile is None else CountryProfilePublic.model_validate(profile),
    )


# ---------------------------------------------------------------------------
# Country profiles


def profile_data(row: CountryProfile) -> CountryProfileBase:
    return CountryProfileBase.model_validate(row, from_attributes=True)


async def _country_or_404(session: AsyncSession, alpha2: str) -> None:
    if await repository.get_country(session, alpha2) is None:
        raise NotFound(f"No ISO 3166-1 country with the code {alpha2!r}")


async def read_profile(session: AsyncSession, *, alpha2: str) -> CountryProfilePublic:
    await _country_or_404(session, alpha2)
    row = await repository.get_profile(session, alpha2)
    if row is None:
        raise NotFound(f"{alpha2} has no country profile yet")
    return CountryProfilePublic.model_validate(row)


def _profile_columns(data: CountryProfileBase) -> dict[str, Any]:
    return data.model_dump(mode="json")


def _profile_version(
    row: CountryProfile,
    data: CountryProfileBase,
    *,
    actor: Actor,
    now: datetime,
    change: ChangeKind,
) -> CountryProfileVersion:
    return CountryProfileVersion(
        profile_id=row.id,
        version=row.version,
        change=change.value,
        at=now,
        actor=actor.name,
        actor_authority=actor.authority,
        snapshot=data.model_dump(mode="json"),
    )


async def insert_profile(
    session: AsyncSession,
    data: CountryProfileBase,
    *,
    actor: Actor,
    now: datetime,
    change: ChangeKind,
    details: dict[str, Any] | None = None,
) -> CountryProfile:
    row = CountryProfile(
        id=new_id(), version=1, created_at=now, updated_at=now, **_profile_columns(data)
    )
    try:
        async with session.begin_nested():
            session.add(row)
    except IntegrityError as error:
        if "uq_country_profiles_country" not in str(error.orig):
            raise
        raise Conflict(
            f"A profile of {data.country} was created meanwhile; read it and replace it"
        ) from None
    session.add(_profile_version(row, data, actor=actor, now=now, change=change))
    await audit.append(
        session,
        at=now,
        actor=actor.for_audit,
        action=Action.profile_write.value,
        entity_type="country_profile",
        entity_id=row.country,
        details={"version": 1, "change": change.value, **(details or {})},
    )
    await session.flush()
    return row


async def apply_profile(
    session: AsyncSession,
    row: CountryProfile,
    data: CountryProfileBase,
    *,
    actor: Actor,
    now: datetime,
    change: ChangeKind,
    details: dict[str, Any] | None = None,
) -> None:
    before = profile_data(row).model_dump(mode="json")
    for name, value in _profile_columns(data).items():
        setattr(row, name, value)
    row.version += 1
    row.updated_at = now
    session.add(_profile_version(row, data, actor=actor, now=now, change=change))
    await audit.append(
        session,
        at=now,
        actor=actor.for_audit,
        action=Action.profile_write.value,
        entity_type="country_profile",
        entity_id=row.country,
        details={
            "version": row.version,
            "change": change.value,
            "fields": _changed_fields(before, data.model_dump(mode="json")),
            **(details or {}),
        },
    )
    await session.flush()


async def put_profile(
    session: AsyncSession,
    *,
    alpha2: str,
    body: CountryProfileCreate,
    principal: Principal,
    now: datetime,
    expected_version: Callable[[], int | None],
) -> tuple[CountryProfilePublic, bool]:
    """Create the profile (no If-Match, or ``If-Match: "0"``) or replace it (If-Match
    with its current version). Returns the profile and whether it was created."""
    await _country_or_404(session, alpha2)
    authorise_edit(
        principal,
        alpha2,
        action=Action.profile_write,
        entity_type="country_profile",
        entity_id=alpha2,
    )
    if body.country != alpha2:
        raise UnprocessableContent(
            "Invalid value for /country",
            errors=[
                FieldError(
                    pointer="/country",
                    detail=f"the profile in the path is {alpha2}'s; the body says {body.country}",
                )
            ],
        )
    actor = Actor.of(principal)
    row = await repository.get_profile(session, alpha2, for_update=True)
    expected = expected_version()
    if row is None:
        if expected not in (None, 0):
            raise PreconditionFailed(
                f"{alpha2} has no profile (version 0); you sent If-Match for version {expected}",
                extensions={"current_version": 0},
            )
        row = await insert_profile(session, body, actor=actor, now=now, change=ChangeKind.created)
        return CountryProfilePublic.model_validate(row), True
    if expected is None:
        raise PreconditionRequired(
            f"{alpha2} has a profile already: send If-Match with the ETag of the version you "
            "read to replace it"
        )
    check_version(expected, row.version)
    if profile_data(row).model_dump(mode="json") != body.model_dump(mode="json"):
        await apply_profile(session, row, body, actor=actor, now=now, change=ChangeKind.updated)
    return CountryProfilePublic.model_validate(row), False


async def profile_history(
    session: AsyncSession, *, alpha2: str, cursor: str | None, limit: int
) -> CountryProfileHistoryPublic:
    await _country_or_404(session, alpha2)
    row = await repository.get_profile(session, alpha2)
    if row is None:
        raise NotFound(f"{alpha2} has no country profile yet")
    rows = await repository.profile_versions(
        session, row.id, after_version=_version_after(cursor), limit=limit + 1
    )
    items = [CountryProfileVersionPublic.model_validate(r) for r in rows[:limit]]
    return CountryProfileHistoryPublic(items=items, next_cursor=_version_cursor(rows, limit))
