"""The append-only, hash-chained audit log every service keeps (docs/architecture.md "Data").

Each entry stores the SHA-256 of its own content and of the entry before it, so
a changed, removed or reordered entry breaks the chain and :func:`verify` says
where. Entries are appended inside the request's unit of work; appends are
serialised with a transaction-scoped advisory lock so the chain never forks.
Authorisation denials and reads of protected data are audited too; since the
request that is refused rolls back, :func:`record_outside` writes those in a
transaction of their own.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import BigInteger, DateTime, Identity, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import Column, Field, col, select

from shared.auth import Principal
from shared.correlation import current_correlation_id
from shared.db import Database, KernelTable

GENESIS_HASH = "0" * 64
# Any constant works; it names the lock that orders appends to this database's chain.
_AUDIT_LOCK_KEY = 0x636F6D697479  # "comity"


class AuditEntry(KernelTable, table=True):
    __tablename__ = "audit_log"

    seq: int | None = Field(
        default=None,
        sa_column=Column(BigInteger, Identity(always=True), primary_key=True),
    )
    at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    actor: str = Field(max_length=255)
    authority: str | None = Field(default=None, max_length=64, index=True)
    action: str = Field(max_length=128)
    entity_type: str = Field(max_length=64)
    entity_id: str | None = Field(default=None, max_length=128)
    outcome: str = Field(default="success", max_length=32)
    correlation_id: str | None = Field(default=None, max_length=128)
    details: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSONB, nullable=False))
    prev_hash: str = Field(max_length=64)
    entry_hash: str = Field(max_length=64, unique=True)


def _content(entry: AuditEntry) -> dict[str, Any]:
    return {
        "at": entry.at.isoformat(),
        "actor": entry.actor,
        "authority": entry.authority,
        "action": entry.action,
        "entity_type": entry.entity_type,
        "entity_id": entry.entity_id,
        "outcome": entry.outcome,
        "correlation_id": entry.correlation_id,
        "details": entry.details,
    }


def entry_hash(prev_hash: str, entry: AuditEntry) -> str:
    canonical = json.dumps(_content(entry), sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{prev_hash}\n{canonical}".encode()).hexdigest()


async def append(
    session: AsyncSession,
    *,
    at: datetime,
    actor: Principal | str,
    action: str,
    entity_type: str,
    entity_id: UUID | str | None = None,
    outcome: str = "success",
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry inside the caller's transaction."""
    if isinstance(actor, Principal):
        actor_name, authority = f"user:{actor.subject}", actor.authority
    else:
        actor_name, authority = actor, None
    await session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _AUDIT_LOCK_KEY})
    last = await session.execute(
        select(col(AuditEntry.entry_hash)).order_by(col(AuditEntry.seq).desc()).limit(1)
    )
    prev_hash = last.scalar_one_or_none() or GENESIS_HASH
    entry = AuditEntry(
        at=at.astimezone(UTC),
        actor=actor_name,
        authority=authority,
        action=action,
        entity_type=entity_type,
        entity_id=str(entity_id) if entity_id is not None else None,
        outcome=outcome,
        correlation_id=current_correlation_id(),
        # Round-trip through JSON so the hash covers exactly what JSONB will store.
        details=json.loads(json.dumps(details or {}, default=str)),
        prev_hash=prev_hash,
        entry_hash="",
    )
    entry.entry_hash = entry_hash(prev_hash, entry)
    session.add(entry)
    await session.flush()
    return entry


async def record_outside(database: Database, **entry: Any) -> None:
    """Append in a transaction of its own: for denials, which the request rolls back."""
    async with database.sessions() as session, session.begin():
        await append(session, **entry)


@dataclass(frozen=True)
class Verification:
    ok: bool
    entries: int
    first_bad_seq: int | None = None
    problem: str | None = None
    head_hash: str = GENESIS_HASH


async def verify(session: AsyncSession) -> Verification:
    """Walk the chain in order; report the first entry that does not fit.

    Removing the newest entries leaves a shorter chain that is still whole; operators
    catch that by comparing the head hash with one recorded elsewhere (``comity audit
    verify`` prints it).
    """
    result = await session.execute(select(AuditEntry).order_by(col(AuditEntry.seq)))
    prev_hash = GENESIS_HASH
    count = 0
    for entry in result.scalars():
        count += 1
        if entry.prev_hash != prev_hash:
            return Verification(
                False,
                count,
                entry.seq,
                "does not follow its predecessor (removed or reordered)",
            )
        if entry_hash(prev_hash, entry) != entry.entry_hash:
            return Verification(False, count, entry.seq, "content changed after it was written")
        prev_hash = entry.entry_hash
    return Verification(True, count, head_hash=prev_hash)
