"""The directory's tables (SQLModel), on a registry of its own (docs/decisions/0003).

Lists and dictionaries of an entry (names, kinds, contacts, requirements, ...)
are JSONB: they are read and written whole, and the list filters use ``@>``.
Every entry has a ``version`` (optimistic concurrency, ``ETag``) and a history
table holding a snapshot per version: who, when, what kind of change.

``search_text`` holds the entry's names (and requirements) normalised in
Python (``services.directory.text``) under a trigram index, so a search for
"fiscalia" finds "Fiscalía" without ``unaccent()`` (which cannot be indexed)
or ICU collations (docs/architecture.md "Data": PostgreSQL 15 and later).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import (
    BigInteger,
    Date,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Column, Field, SQLModel

from shared.db import new_registry

directory_registry = new_registry()

# Sorting and cursors compare codes and names byte-wise, the same on every server.
_C = "C"


class DirectoryTable(SQLModel, registry=directory_registry):
    """Base of the directory's tables."""


def _trigram_index(table: str) -> Index:
    return Index(
        f"ix_{table}_search_text_trgm",
        "search_text",
        postgresql_using="gin",
        postgresql_ops={"search_text": "gin_trgm_ops"},
    )


class Country(DirectoryTable, table=True):
    """Every ISO 3166-1 country (pycountry), loaded by the seed."""

    __tablename__ = "countries"

    alpha2: str = Field(sa_column=Column(String(2, collation=_C), primary_key=True))
    name: str = Field(max_length=200)
    search_text: str = Field(sa_column=Column(Text, nullable=False))


class Authority(DirectoryTable, table=True):
    """A designated or competent authority (PoA para. 64(b))."""

    __tablename__ = "authorities"
    __table_args__ = (
        _trigram_index("authorities"),
        Index("ix_authorities_country_code", "country", "code"),
        Index("ix_authorities_sort_name_id", "sort_name", "id"),
    )

    id: UUID = Field(primary_key=True)
    code: str = Field(sa_column=Column(String(40, collation=_C), nullable=False, unique=True))
    country: str = Field(
        sa_column=Column(String(2, collation=_C), ForeignKey("countries.alpha2"), nullable=False)
    )
    names: dict[str, str] = Field(sa_column=Column(JSONB, nullable=False))
    kinds: list[str] = Field(sa_column=Column(JSONB, nullable=False))
    instruments: list[str] = Field(sa_column=Column(JSONB, nullable=False))
    contacts: list[dict[str, Any]] = Field(sa_column=Column(JSONB, nullable=False))
    accepted_languages: list[str] = Field(sa_column=Column(JSONB, nullable=False))
    channels: list[str] = Field(sa_column=Column(JSONB, nullable=False))
    interpol_scope: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    urgent_channel: dict[str, Any] | None = Field(
        default=None, sa_column=Column(JSONB, nullable=True)
    )
    reachable_24_7: bool
    office_hours: str | None = Field(default=None, max_length=300)
    time_zone: str = Field(max_length=64)
    requirements: dict[str, str] = Field(sa_column=Column(JSONB, nullable=False))
    last_verified: date = Field(sa_column=Column(Date, nullable=False))
    withdrawn: bool
    is_sample: bool
    version: int
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    updated_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    search_text: str = Field(sa_column=Column(Text, nullable=False))
    sort_name: str = Field(sa_column=Column(Text(collation=_C), nullable=False))


class AuthorityVersion(DirectoryTable, table=True):
    """One version of an authority: the whole entry as it was, and who made it so."""

    __tablename__ = "authority_history"
    __table_args__ = (UniqueConstraint("authority_id", "version"),)

    id: int | None = Field(
        default=None,
        sa_column=Column(BigInteger, Identity(always=True), primary_key=True),
    )
    authority_id: UUID = Field(foreign_key="authorities.id")
    version: int
    change: str = Field(max_length=32)
    at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    actor: str = Field(max_length=255)
    actor_authority: str | None = Field(default=None, max_length=64)
    reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    snapshot: dict[str, Any] = Field(sa_column=Column(JSONB, nullable=False))


class CountryProfile(DirectoryTable, table=True):
    """What a State requires and accepts (PC-OC national-procedure forms)."""

    __tablename__ = "country_profiles"

    id: UUID = Field(primary_key=True)
    country: str = Field(
        sa_column=Column(
            String(2, collation=_C),
            ForeignKey("countries.alpha2"),
            nullable=False,
            unique=True,
        )
    )
    extradites_nationals: str = Field(max_length=32)
    extradites_nationals_conditions: str | None = Field(
        default=None, sa_column=Column(Text, nullable=True)
    )
    conventions_as_extradition_basis: bool
    conventions_as_mla_basis: bool
    formal_request_deadline_days: list[dict[str, Any]] = Field(
        sa_column=Column(JSONB, nullable=False)
    )
    dual_criminality_mla: str = Field(max_length=32)
    simplified_surrender: bool
    incoming_languages: list[str] = Field(sa_column=Column(JSONB, nullable=False))
    notes: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    is_sample: bool
    version: int
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    updated_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


class CountryProfileVersion(DirectoryTable, table=True):
    """One version of a country profile."""

    __tablename__ = "country_profile_history"
    __table_args__ = (UniqueConstraint("profile_id", "version"),)

    id: int | None = Field(
        default=None,
        sa_column=Column(BigInteger, Identity(always=True), primary_key=True),
    )
    profile_id: UUID = Field(foreign_key="country_profiles.id")
    version: int
    change: str = Field(max_length=32)
    at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    actor: str = Field(max_length=255)
    actor_authority: str | None = Field(default=None, max_length=64)
    reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    snapshot: dict[str, Any] = Field(sa_column=Column(JSONB, nullable=False))
