"""Which database errors mean "unreachable" (503 with Retry-After: nothing changed, try
again) and which are faults of ours (500): shared.problems.database_unreachable."""

from __future__ import annotations

import asyncpg
import pytest
import sqlalchemy.exc

from shared.problems import database_unreachable


def wrapped(orig: BaseException, *, invalidated: bool = False) -> sqlalchemy.exc.DBAPIError:
    """An error as SQLAlchemy raises it, with the driver's error as ``orig``."""
    error = sqlalchemy.exc.DBAPIError("SELECT 1", {}, orig, connection_invalidated=invalidated)
    error.__cause__ = orig
    return error


@pytest.mark.parametrize(
    "error",
    [
        asyncpg.CannotConnectNowError("the database system is starting up"),
        asyncpg.exceptions.AdminShutdownError("terminating connection due to administrator"),
        asyncpg.TooManyConnectionsError("too many clients already"),
        asyncpg.ConnectionDoesNotExistError("connection was closed in the middle of operation"),
        asyncpg.InternalClientError("cannot switch to state 15; another operation is in progress"),
        wrapped(asyncpg.CannotConnectNowError("the database system is shutting down")),
        wrapped(ValueError("broken pipe"), invalidated=True),
    ],
    ids=type,
)
def test_a_connection_that_is_gone_or_cannot_be_made_is_unreachable(error):
    assert database_unreachable(error)


@pytest.mark.parametrize(
    "error",
    [
        wrapped(asyncpg.UniqueViolationError("duplicate key value")),
        wrapped(asyncpg.UndefinedTableError("relation does not exist")),
        ConnectionRefusedError("refused, but not by the database"),
        ValueError("not a database error at all"),
    ],
    ids=type,
)
def test_a_faulty_query_or_an_unrelated_error_is_not(error):
    assert not database_unreachable(error)


async def test_a_refused_connection_raised_in_the_driver_is_unreachable():
    with pytest.raises(OSError) as refused:
        await asyncpg.connect("postgresql://postgres@127.0.0.1:9/postgres", timeout=2)
    assert database_unreachable(refused.value)
