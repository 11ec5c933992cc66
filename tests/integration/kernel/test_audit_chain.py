"""The audit log is append-only and hash-chained: each kind of tampering is caught."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from shared import audit
from shared.db import Database, database_url
from shared.testing.fixtures import MigratedDatabases
from tests.kernel_app.app import MIGRATIONS

T0 = datetime(2026, 10, 9, 9, 0, tzinfo=UTC)


@pytest.fixture
async def chain(
    migrated_databases: MigratedDatabases, postgres_server_url: str
) -> AsyncIterator[Database]:
    """A fresh database with a chain of five entries."""
    name = await migrated_databases.create("audit", MIGRATIONS)
    db = Database(database_url(postgres_server_url, name))
    async with db.sessions() as session, session.begin():
        for n in range(5):
            await audit.append(
                session,
                at=T0 + timedelta(minutes=n),
                actor="system:test",
                action=f"step.{n}",
                entity_type="thing",
                entity_id=str(n),
                details={"n": n, "note": "Fiscalía"},
            )
    yield db
    await db.dispose()


async def verify(db: Database) -> audit.Verification:
    async with db.sessions() as session:
        return await audit.verify(session)


async def execute(db: Database, sql: str) -> None:
    async with db.sessions() as session, session.begin():
        await session.execute(text(sql))


class TestAuditChain:
    async def test_an_untouched_chain_verifies(self, chain):
        result = await verify(chain)
        assert result.ok and result.entries == 5 and len(result.head_hash) == 64

    async def test_a_changed_entry_is_caught(self, chain):
        await execute(chain, "UPDATE audit_log SET actor = 'user:someone-else' WHERE seq = 3")
        result = await verify(chain)
        assert not result.ok and result.first_bad_seq == 3
        assert "changed" in (result.problem or "")

    async def test_changed_details_are_caught(self, chain):
        await execute(chain, """UPDATE audit_log SET details = '{"n": 99}' WHERE seq = 2""")
        assert (await verify(chain)).first_bad_seq == 2

    async def test_a_removed_entry_is_caught(self, chain):
        await execute(chain, "DELETE FROM audit_log WHERE seq = 2")
        result = await verify(chain)
        assert not result.ok and result.first_bad_seq == 3
        assert "removed or reordered" in (result.problem or "")

    async def test_reordered_entries_are_caught(self, chain):
        # Swap two whole entries, hashes included, as a forger moving rows would.
        fields = ("at", "actor", "action", "entity_id", "details", "prev_hash", "entry_hash")
        async with chain.sessions() as session, session.begin():
            second = await session.get(audit.AuditEntry, 2)
            fourth = await session.get(audit.AuditEntry, 4)
            assert second is not None and fourth is not None
            values = {
                seq: {f: getattr(e, f) for f in fields} for seq, e in ((2, second), (4, fourth))
            }
            second.entry_hash = "placeholder"  # entry_hash is unique: free it first
            await session.flush()
            for entry, source in ((fourth, values[2]), (second, values[4])):
                for field, value in source.items():
                    setattr(entry, field, value)
                await session.flush()
        result = await verify(chain)
        assert not result.ok and result.first_bad_seq == 2

    async def test_a_rewritten_entry_with_a_fresh_hash_breaks_the_next_link(self, chain):
        async with chain.sessions() as session, session.begin():
            entry = await session.get(audit.AuditEntry, 3)
            assert entry is not None
            entry.actor = "user:forger"
            entry.entry_hash = audit.entry_hash(entry.prev_hash, entry)
        result = await verify(chain)
        assert not result.ok and result.first_bad_seq == 4

    async def test_appends_continue_the_chain(self, chain):
        async with chain.sessions() as session, session.begin():
            await audit.append(
                session, at=T0, actor="system:test", action="later", entity_type="thing"
            )
        result = await verify(chain)
        assert result.ok and result.entries == 6

    async def test_entries_recorded_outside_the_request_transaction_survive(self, chain):
        await audit.record_outside(
            chain,
            at=T0,
            actor="system:test",
            action="authority.update",
            entity_type="authority",
            outcome="denied",
        )
        async with chain.sessions() as session:
            outcome = (
                await session.execute(text("SELECT outcome FROM audit_log ORDER BY seq DESC"))
            ).scalar()
        assert outcome == "denied"
        assert (await verify(chain)).ok
