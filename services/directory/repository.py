"""Every query of the directory. Nothing here commits; the unit of work does."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, and_, exists, false, literal, tuple_
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from services.directory.models import (
    Authority,
    AuthorityVersion,
    Country,
    CountryProfile,
    CountryProfileVersion,
)
from services.directory.schemas import AuthorityFilters, AuthoritySort

# The columns each order sorts by, before the id that makes it total.
SORT_COLUMNS: dict[AuthoritySort, tuple[Any, ...]] = {
    AuthoritySort.code: (col(Authority.code),),
    AuthoritySort.country: (col(Authority.country), col(Authority.code)),
    AuthoritySort.name: (col(Authority.sort_name),),
}


def _like_escape(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _contains_term(column: Any, term: str) -> ColumnElement[bool]:
    """``column LIKE '%term%'``: served by the trigram index (gin_trgm_ops)."""
    condition: ColumnElement[bool] = column.like(f"%{_like_escape(term)}%", escape="\\")
    return condition


def _authority_conditions(filters: AuthorityFilters) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.country is not None:
        conditions.append(col(Authority.country) == filters.country)
    if filters.code is not None:
        conditions.append(col(Authority.code) == filters.code.upper())
    # JSONB containment (@>): the list holds the value.
    if filters.kind is not None:
        conditions.append(col(Authority.kinds).contains([filters.kind.value]))
    if filters.language is not None:
        conditions.append(col(Authority.accepted_languages).contains([filters.language]))
    if filters.instrument is not None:
        conditions.append(col(Authority.instruments).contains([filters.instrument.value]))
    if filters.channel is not None:
        conditions.append(col(Authority.channels).contains([filters.channel.value]))
    if not filters.include_withdrawn:
        conditions.append(col(Authority.withdrawn).is_(false()))
    conditions.extend(
        _contains_term(col(Authority.search_text), term) for term in filters.search_terms
    )
    return conditions


def sort_key(authority: Authority, sort: AuthoritySort) -> list[str]:
    """The values a cursor carries for ``authority`` in ``sort`` order (the id last)."""
    values = [str(getattr(authority, column.key)) for column in SORT_COLUMNS[sort]]
    return [*values, str(authority.id)]


async def search_authorities(
    session: AsyncSession,
    filters: AuthorityFilters,
    *,
    sort: AuthoritySort,
    after: Sequence[str] | None,
    limit: int,
) -> list[Authority]:
    """One page of matching authorities, after the row whose sort key is ``after``."""
    columns = (*SORT_COLUMNS[sort], col(Authority.id))
    conditions = _authority_conditions(filters)
    if after is not None:
        # Row comparison: strictly after the last row served, in the same order.
        *values, last_id = after
        bounds = [
            literal(value, type_=column.type)
            for column, value in zip(SORT_COLUMNS[sort], values, strict=True)
        ]
        conditions.append(tuple_(*columns) > tuple_(*bounds, literal(UUID(last_id))))
    statement = select(Authority).where(and_(*conditions)).order_by(*columns).limit(limit)
    result = await session.execute(statement)
    return list(result.scalars())


async def get_authority(
    session: AsyncSession, authority_id: UUID, *, for_update: bool = False
) -> Authority | None:
    statement = select(Authority).where(col(Authority.id) == authority_id)
    if for_update:
        # Locked for the rest of the transaction: two writers are serialised, and the
        # second sees the first's version (and gets 412), never overwrites it.
        statement = statement.with_for_update()
    result = await session.execute(statement.execution_options(populate_existing=True))
    return result.scalar_one_or_none()


async def get_authority_by_code(
    session: AsyncSession, code: str, *, for_update: bool = False
) -> Authority | None:
    statement = select(Authority).where(col(Authority.code) == code)
    if for_update:
        statement = statement.with_for_update()
    result = await session.execute(statement.execution_options(populate_existing=True))
    return result.scalar_one_or_none()


async def authority_code_taken(session: AsyncSession, code: str) -> bool:
    result = await session.execute(select(exists().where(col(Authority.code) == code)))
    return bool(result.scalar())


async def all_authorities(session: AsyncSession) -> list[Authority]:
    """Every authority, withdrawn ones too, by code (export)."""
    result = await session.execute(select(Authority).order_by(col(Authority.code)))
    return list(result.scalars())


async def authority_versions(
    session: AsyncSession, authority_id: UUID, *, after_version: int | None, limit: int
) -> list[AuthorityVersion]:
    statement = select(AuthorityVersion).where(col(AuthorityVersion.authority_id) == authority_id)
    if after_version is not None:
        statement = statement.where(col(AuthorityVersion.version) > after_version)
    result = await session.execute(statement.order_by(col(AuthorityVersion.version)).limit(limit))
    return list(result.scalars())


# ---------------------------------------------------------------------------
# Countries and profiles


async def get_country(session: AsyncSession, alpha2: str) -> Country | None:
    return await session.get(Country, alpha2)


async def list_countries(
    session: AsyncSession, *, terms: Sequence[str], after: str | None, limit: int
) -> list[tuple[Country, bool]]:
    """A page of countries by code, each with whether it has a profile."""
    has_profile = (
        exists().where(col(CountryProfile.country) == col(Country.alpha2)).label("has_profile")
    )
    statement = select(Country, has_profile)
    for term in terms:
        statement = statement.where(_contains_term(col(Country.search_text), term))
    if after is not None:
        statement = statement.where(col(Country.alpha2) > after)
    result = await session.execute(statement.order_by(col(Country.alpha2)).limit(limit))
    return [(country, bool(flag)) for country, flag in result.tuples()]


async def country_codes(session: AsyncSession) -> set[str]:
    result = await session.execute(select(col(Country.alpha2)))
    return set(result.scalars())


async def insert_countries(session: AsyncSession, rows: Sequence[dict[str, str]]) -> int:
    """Insert the countries not yet present; returns how many were new."""
    if not rows:
        return 0
    statement = (
        insert(Country)
        .values(list(rows))
        .on_conflict_do_nothing(index_elements=[col(Country.alpha2)])
        .returning(col(Country.alpha2))
    )
    result = await session.execute(statement)
    return len(result.scalars().all())


async def get_profile(
    session: AsyncSession, country: str, *, for_update: bool = False
) -> CountryProfile | None:
    statement = select(CountryProfile).where(col(CountryProfile.country) == country)
    if for_update:
        statement = statement.with_for_update()
    result = await session.execute(statement.execution_options(populate_existing=True))
    return result.scalar_one_or_none()


async def all_profiles(session: AsyncSession) -> list[CountryProfile]:
    result = await session.execute(select(CountryProfile).order_by(col(CountryProfile.country)))
    return list(result.scalars())


async def profile_versions(
    session: AsyncSession, profile_id: UUID, *, after_version: int | None, limit: int
) -> list[CountryProfileVersion]:
    statement = select(CountryProfileVersion).where(
        col(CountryProfileVersion.profile_id) == profile_id
    )
    if after_version is not None:
        statement = statement.where(col(CountryProfileVersion.version) > after_version)
    result = await session.execute(
        statement.order_by(col(CountryProfileVersion.version)).limit(limit)
    )
    return list(result.scalars())
