"""The directory's seed: every ISO 3166-1 country, and the sample authorities and profiles.

Idempotent: what is present already is left alone (never overwritten with the
sample), so it runs at every ``make run``. The sample in ``seed_data.json`` is
plainly marked (``is_sample``, and its ``notice``): demonstration data, not an
official directory.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from services.directory.schemas import ChangeKind, ImportReport
from services.directory.service import SYSTEM_ACTOR, ensure_countries
from services.directory.transfer import import_directory, parse_directory_file
from shared.clock import Clock, SystemClock
from shared.db import Database

SEED_FILE = Path(__file__).with_name("seed_data.json")
# Names the lock that keeps two seeds (two processes starting at once) apart.
_SEED_LOCK_KEY = 0x6469726563746F72  # "director"


async def seed(
    database: Database, *, samples: bool = True, clock: Clock | None = None
) -> ImportReport:
    """Load the countries and, unless ``samples`` is false, the sample entries that are
    missing; in one transaction, as ``system:directory``."""
    clock = clock or SystemClock()
    async with database.sessions() as session, session.begin():
        await session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _SEED_LOCK_KEY})
        await ensure_countries(session, now=clock.now())
        if not samples:
            return ImportReport()
        sample = parse_directory_file(SEED_FILE.read_bytes())
        return await import_directory(
            session,
            sample,
            SYSTEM_ACTOR,
            clock=clock,
            only_missing=True,
            change=ChangeKind.seeded,
        )
