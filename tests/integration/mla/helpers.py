"""A small client of the MLA API for tests: tokens per demo user, If-Match from the last read."""

from __future__ import annotations

import asyncio
import base64
import copy
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
from nats.js import JetStreamContext

from shared.events import Envelope

COMPLETE: dict[str, Any] = {
    "requested_authority": "CO-MJD",
    "language": "es",
    "legal_bases": [
        {"kind": "untoc", "name": "UN Convention against Transnational Organized Crime"},
        {"kind": "c1988", "name": "1988 Convention against Illicit Traffic"},
    ],
    "measures": [
        {
            "measure": "documents_and_records",
            "details": "Statements of account 0012-3456 at Banco del Pacífico, 2024-2026",
        },
        {
            "measure": "videoconference_hearing",
            "details": "Hearing of a witness in Cali by videoconference",
        },
    ],
    "investigation_subject": "Preliminary investigation 45/2026: cocaine shipments to Algeciras",
    "conducting_authority": "Juzgado Central de Instrucción n.º 3, Audiencia Nacional",
    "summary_of_facts": "Between 2024 and 2026 containers of fruit carried cocaine to Algeciras.",
    "purpose": "To trace the payments for the shipments and hear the witness who saw them loaded",
    "suggested_deadline": "2027-01-29",
}


def body(**overrides: Any) -> dict[str, Any]:
    """The complete draft, with ``overrides`` (``None`` removes a field)."""
    result = copy.deepcopy(COMPLETE)
    for name, value in overrides.items():
        if value is None:
            result.pop(name, None)
        else:
            result[name] = value
    return result


def document(kind: str = "attachment", **fields: Any) -> dict[str, Any]:
    return {
        "kind": kind,
        "title": fields.pop("title", "Annex"),
        "filename": fields.pop("filename", "annex.pdf"),
        "media_type": fields.pop("media_type", "application/pdf"),
        "content_base64": base64.b64encode(fields.pop("content", b"%PDF-1.7 annex")).decode(),
        **fields,
    }


class Api:
    """``await api.post("es.officer", "/v1/requests", json=...)``, with the ETag kept."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        token_for: Callable[[str], Awaitable[str]],
        prefix: str = "",
    ) -> None:
        self.client = client
        self.token_for = token_for
        self.prefix = prefix

    async def headers(self, user: str, **extra: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {await self.token_for(user)}", **extra}

    async def get(self, user: str, path: str, **kwargs: Any) -> httpx.Response:
        return await self.client.get(self.prefix + path, headers=await self.headers(user), **kwargs)

    async def post(
        self, user: str, path: str, json: Any = None, *, headers: dict[str, str] | None = None
    ) -> httpx.Response:
        return await self.client.post(
            self.prefix + path, json=json, headers={**await self.headers(user), **(headers or {})}
        )

    async def patch(
        self, user: str, path: str, json: Any, *, headers: dict[str, str] | None = None
    ) -> httpx.Response:
        return await self.client.patch(
            self.prefix + path, json=json, headers={**await self.headers(user), **(headers or {})}
        )

    async def etag(self, user: str, request_id: str) -> str:
        read = await self.get(user, f"/v1/requests/{request_id}")
        assert read.status_code == 200, read.text
        return read.headers["etag"]

    async def act(
        self, user: str, request_id: str, action: str, json: Any = None
    ) -> httpx.Response:
        """A transition with If-Match from a fresh read by the same user."""
        etag = await self.etag(user, request_id)
        return await self.post(
            user, f"/v1/requests/{request_id}/{action}", json, headers={"If-Match": etag}
        )

    async def draft(self, user: str = "es.officer", **overrides: Any) -> dict[str, Any]:
        created = await self.post(user, "/v1/requests", body(**overrides))
        assert created.status_code == 201, created.text
        result: dict[str, Any] = created.json()
        return result

    async def sent(self, user: str = "es.officer", **overrides: Any) -> dict[str, Any]:
        draft = await self.draft(user, **overrides)
        sent = await self.act(user, draft["id"], "send")
        assert sent.status_code == 200, sent.text
        result: dict[str, Any] = sent.json()
        return result

    async def acknowledged(self, **overrides: Any) -> dict[str, Any]:
        request = await self.sent(**overrides)
        done = await self.act("co.officer", request["id"], "acknowledge")
        assert done.status_code == 200, done.text
        result: dict[str, Any] = done.json()
        return result


async def events_about(js: JetStreamContext, stream: str, subject: str) -> list[Envelope]:
    info = await js.stream_info(stream)
    found = []
    for seq in range(info.state.first_seq, info.state.last_seq + 1):
        try:
            message = await js.get_msg(stream, seq)
        except Exception:  # a deleted message
            continue
        event = Envelope.from_bytes(message.data)
        if event.subject == subject or event.data.get("case_id") == subject:
            found.append(event)
    return found


async def eventually(check: Callable[[], Awaitable[Any]], timeout: float = 10.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        result = await check()
        if result or time.monotonic() > deadline:
            return result
        await asyncio.sleep(0.1)
