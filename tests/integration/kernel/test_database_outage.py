"""PostgreSQL going away (docs/limits.md "Outages"): every request that needs it answers
503 ``database-unavailable`` with ``Retry-After``, a request that got no answer changed
nothing, and the service works again as soon as the database is back. The kernel app
reaches the real server through a TCP proxy that the test cuts and restores."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from shared.clock import FixedClock
from shared.db import Database, database_url
from shared.testing.tcp_proxy import TcpProxy
from tests.integration.kernel.test_kernel_app import PROBLEM, bearer
from tests.kernel_app.app import KernelAppSettings, Note, create_app


@pytest.fixture(scope="module")
async def proxy(postgres_server_url: str) -> AsyncIterator[TcpProxy]:
    server = make_url(postgres_server_url)
    proxy = TcpProxy(server.host or "127.0.0.1", server.port or 5432)
    await proxy.start()
    yield proxy
    await proxy.cut()


@pytest.fixture(scope="module")
async def app_behind_proxy(
    proxy: TcpProxy,
    postgres_server_url: str,
    kernel_db: str,
    service_env: dict[str, object],
    clock: FixedClock,
) -> AsyncIterator[FastAPI]:
    through_proxy = make_url(postgres_server_url).set(port=proxy.port)
    env = {**service_env, "database_url": through_proxy.render_as_string(hide_password=False)}
    app = create_app(KernelAppSettings(**env, database_name=kernel_db), clock=clock)
    assert isinstance(app, FastAPI)
    async with app.router.lifespan_context(app):
        yield app


@pytest.fixture(scope="module")
async def direct(postgres_server_url: str, kernel_db: str) -> AsyncIterator[Database]:
    database = Database(database_url(postgres_server_url, kernel_db))
    yield database
    await database.dispose()


async def notes(database: Database) -> int:
    async with database.sessions() as session:
        return (await session.execute(select(func.count()).select_from(Note))).scalar_one()


async def test_writes_and_reads_answer_503_while_it_is_away_and_work_when_it_is_back(
    app_behind_proxy: FastAPI, proxy: TcpProxy, direct: Database, token_for
) -> None:
    auth = bearer(await token_for("es.officer"))
    transport = httpx.ASGITransport(app=app_behind_proxy)
    async with httpx.AsyncClient(transport=transport, base_url="http://kernel.test") as client:
        first = await client.post("/v1/notes", json={"text": "before"}, headers=auth)
        assert first.status_code == 201, first.text
        before = await notes(direct)

        await proxy.cut()
        try:
            for attempt in range(3):
                write = await client.post("/v1/notes", json={"text": "lost?"}, headers=auth)
                assert write.status_code == 503, f"attempt {attempt}: {write.text}"
                assert write.headers["content-type"] == PROBLEM
                assert write.json()["code"] == "database-unavailable"
                assert int(write.headers["retry-after"]) > 0
            read = await client.get(f"/v1/notes/{first.json()['id']}", headers=auth)
            assert read.status_code == 503 and read.json()["code"] == "database-unavailable"
            ready = await client.get("/readyz")
            assert ready.status_code == 503
        finally:
            await proxy.restore()
        assert await notes(direct) == before

        again = await client.post("/v1/notes", json={"text": "after"}, headers=auth)
        assert again.status_code == 201, again.text
        assert await notes(direct) == before + 1
