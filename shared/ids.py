"""Identifiers: one kind for every row and event Comity creates.

UUIDv7 (RFC 9562): time-ordered, so new rows land at the end of their indexes and
ids sort roughly by creation. Pure: no clock of ours is read, no I/O is done.
"""

from __future__ import annotations

from uuid import UUID

import uuid_utils


def new_id() -> UUID:
    """A new UUIDv7."""
    return UUID(str(uuid_utils.uuid7()))
