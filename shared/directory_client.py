"""How case services resolve an authority at intake (docs/architecture.md "Cross-service flows").

Lookups go to the directory over request-reply (``comity.directory.lookup``) and
are cached; ``comity.directory.authority.*`` events refresh the cache, so a
withdrawn authority or a changed language list is seen at once. An unknown
authority is a problem from the directory; a directory that is down is a
timeout problem, quickly — never a hang.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

import structlog
from fastapi import FastAPI
from nats.aio.msg import Msg

from contracts.directory import (
    LOOKUP_SUBJECT,
    PROFILE_LOOKUP_SUBJECT,
    AuthorityChanged,
    AuthorityLookup,
    AuthorityLookupReply,
    CountryProfileLookup,
    CountryProfileSummary,
)
from shared.bus import Bus
from shared.problems import FieldError, NotFound, UnprocessableContent

log = structlog.get_logger(__name__)

AUTHORITY_EVENTS = "comity.directory.authority.*"


class DirectoryClient:
    def __init__(self, bus: Bus, *, timeout: float = 2.0) -> None:
        self.bus = bus
        self.timeout = timeout
        self._by_code: dict[str, AuthorityChanged] = {}

    async def start(self) -> None:
        await self.bus.subscribe(AUTHORITY_EVENTS, self._on_event)

    async def _on_event(self, msg: Msg) -> None:
        try:
            authority = AuthorityChanged.model_validate(json.loads(msg.data)["data"])
        except (ValueError, KeyError) as exc:
            log.warning("unreadable directory event", subject=msg.subject, error=str(exc))
            return
        self._by_code[authority.code] = authority

    async def authority(self, code: str) -> AuthorityChanged:
        """The authority with ``code``; the directory answers a not-found problem when it
        has none, which this raises."""
        cached = self._by_code.get(code)
        if cached is None:
            [cached] = await self._lookup(AuthorityLookup(code=code))
            self._by_code[code] = cached
        return cached

    async def named_authority(self, code: str, *, pointer: str) -> AuthorityChanged:
        """The authority ``code`` a request body names at ``pointer``; one the directory
        does not know is a 422 on that field."""
        try:
            return await self.authority(code)
        except NotFound:
            raise UnprocessableContent(
                f"The directory has no authority {code}",
                code="unknown-authority",
                errors=[FieldError(pointer=pointer, detail=f"'{code}' is not in the directory")],
            ) from None

    async def find(self, *, country: str, kind: str | None = None) -> list[AuthorityChanged]:
        """Authorities of a State (of one kind), always asked afresh."""
        return await self._lookup(AuthorityLookup(country=country, kind=kind))

    async def profile(self, country: str) -> CountryProfileSummary:
        """A State's profile, asked afresh (it decides rules such as dual criminality);
        the directory answers a not-found problem for a State without one."""
        body = await self.bus.request(
            PROFILE_LOOKUP_SUBJECT, CountryProfileLookup(country=country), timeout=self.timeout
        )
        return CountryProfileSummary.model_validate(body)

    async def _lookup(self, query: AuthorityLookup) -> list[AuthorityChanged]:
        body = await self.bus.request(LOOKUP_SUBJECT, query, timeout=self.timeout)
        return AuthorityLookupReply.model_validate(body).authorities


def directory_lifespan(timeout: float) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    """The start-up work of a case service: a directory client on the app's bus, as
    ``app.state.directory``, with lookups timing out after ``timeout`` seconds."""

    @asynccontextmanager
    async def directory(app: FastAPI) -> AsyncIterator[None]:
        bus: Bus = app.state.bus
        client = DirectoryClient(bus, timeout=timeout)
        # Refreshed by the directory's authority events: a withdrawal is seen at once.
        await client.start()
        app.state.directory = client
        yield

    return directory
