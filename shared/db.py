"""Databases and the unit of work (docs/architecture.md "Data").

One PostgreSQL database per service on one server: ``COMITY_DATABASE_URL``
names the server and each service derives its database name. A request gets
one session; :class:`UnitOfWorkRoute` commits it after the endpoint returns and
before the response is sent, and rolls it back when the endpoint raises or
answers an error. Services and repositories never commit.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable, Coroutine
from typing import Annotated, Any

import asyncpg
from fastapi import Depends, Request, Response
from fastapi.routing import APIRoute
from sqlalchemy import MetaData
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import registry
from sqlmodel import SQLModel

# Constraint names that Alembic can compare and migrations can refer to.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def new_registry() -> registry:
    """A registry of its own for each service's tables, so two services' models can live
    in one process (the end-to-end tests) without sharing a MetaData."""
    return registry(metadata=MetaData(naming_convention=NAMING_CONVENTION))


# The kernel's own tables (audit log, idempotency keys, ...) that every service migrates.
kernel_registry = new_registry()


class KernelTable(SQLModel, registry=kernel_registry):
    """Base of the tables in ``shared/`` that every service database holds."""


def database_url(server_url: str, database: str) -> URL:
    """The asyncpg URL of ``database`` on the server that ``server_url`` names."""
    url = make_url(server_url)
    return url.set(drivername="postgresql+asyncpg", database=database)


async def ensure_database(server_url: str, database: str) -> None:
    """Create ``database`` on the server if it does not exist yet."""
    admin = database_url(server_url, "postgres")
    dsn = admin.set(drivername="postgresql").render_as_string(hide_password=False)
    connection = await asyncpg.connect(dsn)
    try:
        exists = await connection.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", database)
        if not exists:
            # Created concurrently by another process is what we wanted anyway.
            with contextlib.suppress(asyncpg.DuplicateDatabaseError):
                # Identifiers cannot be bound parameters; the name is quoted, never user input.
                await connection.execute(f'CREATE DATABASE "{database}"')
    finally:
        await connection.close()


async def drop_database(server_url: str, database: str) -> None:
    admin = database_url(server_url, "postgres")
    dsn = admin.set(drivername="postgresql").render_as_string(hide_password=False)
    connection = await asyncpg.connect(dsn)
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    finally:
        await connection.close()


# A server that does not answer is given up on in seconds, not asyncpg's minute, and a
# request waits as long for a connection of the pool (docs/limits.md): then 503.
CONNECT_TIMEOUT_SECONDS = 5.0
POOL_TIMEOUT_SECONDS = 10.0


class Database:
    """The engine and session factory of one service database."""

    def __init__(self, url: URL | str, *, pool_size: int = 5) -> None:
        self.url = make_url(url) if isinstance(url, str) else url
        self.engine: AsyncEngine = create_async_engine(
            self.url,
            pool_size=pool_size,
            max_overflow=10,
            pool_pre_ping=True,
            pool_timeout=POOL_TIMEOUT_SECONDS,
            connect_args={"timeout": CONNECT_TIMEOUT_SECONDS},
        )
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)

    async def dispose(self) -> None:
        await self.engine.dispose()

    async def ping(self) -> None:
        async with self.engine.connect() as connection:
            await connection.exec_driver_sql("SELECT 1")


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """The request's session; committed by :class:`UnitOfWorkRoute`, closed afterwards."""
    database: Database = request.app.state.database
    async with database.sessions() as session:
        request.state.db_session = session
        yield session


SessionDep = Annotated[AsyncSession, Depends(get_session)]


class UnitOfWorkRoute(APIRoute):
    """Commits the request's session after the endpoint and before the response is sent.

    A dependency's teardown runs after the response has gone out, which would let a
    client see a success whose commit then failed; so the commit happens here.
    """

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def unit_of_work(request: Request) -> Response:
            try:
                response = await handler(request)
            except BaseException:
                await _finish(request, commit=False)
                raise
            await _finish(request, commit=response.status_code < 400)
            return response

        return unit_of_work


async def _finish(request: Request, *, commit: bool) -> None:
    session: AsyncSession | None = getattr(request.state, "db_session", None)
    if session is None:
        return
    if commit:
        await session.commit()
    else:
        await session.rollback()
