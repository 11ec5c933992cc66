"""HTTP conventions every service shares: ``ETag``/``If-Match``, ``Idempotency-Key``
and files served as attachments.

Optimistic concurrency (docs/architecture.md "Data"): every case row has a ``version``; a
read answers ``ETag: "<version>"`` and an update needs ``If-Match`` with it
(missing: 428; stale: 412), so two officers never overwrite each other. The
comparison is the strong one (RFC 9110 section 13.1.1): a weak ETag ``W/"1"`` never
matches, since this API issues none.

Idempotent creation: a ``POST`` with ``Idempotency-Key`` is remembered for the
user and the resource (the method and the path) for 24 hours; a retry gets the first
answer, even while the first is still running (the retry waits on an advisory lock).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, Header, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse, Response
from sqlalchemy import DateTime, Index, delete, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Column, Field, col

from shared.auth import CurrentPrincipal
from shared.clock import Clock
from shared.db import KernelTable, SessionDep
from shared.problems import PreconditionFailed, PreconditionRequired, UnprocessableContent

_ETAG = re.compile(r'^\s*"(\d+)"\s*$')


def etag(version: int) -> str:
    return f'"{version}"'


IF_MATCH_DESCRIPTION = (
    "The ETag of the version you read. Required: without it the answer is 428, with an "
    "older version 412."
)
IDEMPOTENCY_KEY_DESCRIPTION = (
    "Optional: 1-255 visible ASCII characters. A retry with the same key (same user, same "
    "endpoint, same body) within 24 hours gets the first answer again."
)


@dataclass(frozen=True)
class IfMatch:
    """The ``If-Match`` header of a request, read once the caller is known to see the
    resource (so that a stranger gets 404, not 428)."""

    header: str | None

    def version(self) -> int:
        """The version the caller last read; 428 when absent, 412 when unreadable."""
        if self.header is None:
            raise PreconditionRequired(
                "Send If-Match with the ETag of the version you read, so that no one's change "
                "is overwritten"
            )
        match = _ETAG.match(self.header)
        if match is None:
            raise PreconditionFailed(f"If-Match {self.header!r} is not an ETag this API issued")
        return int(match.group(1))

    def optional_version(self) -> int | None:
        """The version, or ``None`` when no ``If-Match`` was sent (a create-or-replace)."""
        return None if self.header is None else self.version()

    def check(self, current: int) -> None:
        """412 unless the caller read the ``current`` version (428 without If-Match)."""
        check_version(self.version(), current)


def if_match(
    header: Annotated[
        str | None, Header(alias="If-Match", description=IF_MATCH_DESCRIPTION)
    ] = None,
) -> IfMatch:
    return IfMatch(header)


def check_version(expected: int, current: int) -> None:
    if expected != current:
        raise PreconditionFailed(
            f"You read version {expected}; the current version is {current}. Read it again "
            "and reapply your change.",
            extensions={"current_version": current},
        )


IfMatchDep = Annotated[IfMatch, Depends(if_match)]


class IdempotencyRecord(KernelTable, table=True):
    __tablename__ = "idempotency_keys"
    __table_args__ = (Index("ix_idempotency_keys_expires_at", "expires_at"),)

    subject: str = Field(primary_key=True, max_length=255)
    endpoint: str = Field(primary_key=True, max_length=255)
    key: str = Field(primary_key=True, max_length=255)
    request_hash: str = Field(max_length=64)
    status_code: int
    response_body: Any = Field(sa_column=Column(JSONB, nullable=False))
    response_headers: dict[str, str] = Field(sa_column=Column(JSONB, nullable=False))
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    expires_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")


class Idempotency:
    """Replays a remembered answer, or remembers the new one, for one create request.

    Used in a create endpoint::

        if (replay := await idempotency.replay()) is not None:
            return replay
        ...
        return await idempotency.remember(201, body, headers)
    """

    def __init__(
        self,
        request: Request,
        session: SessionDep,
        principal: CurrentPrincipal,
        key: Annotated[
            str | None, Header(alias="Idempotency-Key", description=IDEMPOTENCY_KEY_DESCRIPTION)
        ] = None,
    ) -> None:
        self.request = request
        self.session = session
        self.subject = principal.subject
        self.key = key
        # The resource itself, not the route's template: a key used on one case's
        # documents never answers for another case's.
        self.endpoint = f"{request.method} {request.url.path}"
        self._request_hash: str | None = None
        if self.key is not None and not _KEY.match(self.key):
            raise UnprocessableContent(
                "Idempotency-Key must be 1 to 255 visible ASCII characters",
                code="invalid-idempotency-key",
            )

    @property
    def clock(self) -> Clock:
        clock: Clock = self.request.app.state.clock
        return clock

    async def replay(self) -> JSONResponse | None:
        if self.key is None:
            return None
        body = await self.request.body()
        self._request_hash = hashlib.sha256(body).hexdigest()
        # Serialise requests with the same key: a concurrent retry waits for the first.
        await self.session.execute(
            text("SELECT pg_advisory_xact_lock(hashtextextended(:k, 0))"),
            {"k": f"idempotency:{self.subject}:{self.endpoint}:{self.key}"},
        )
        record = await self.session.get(IdempotencyRecord, (self.subject, self.endpoint, self.key))
        if record is None or record.expires_at <= self.clock.now():
            return None
        if record.request_hash != self._request_hash:
            raise UnprocessableContent(
                "This Idempotency-Key was already used with a different request body",
                code="idempotency-key-reused",
            )
        return JSONResponse(
            record.response_body,
            status_code=record.status_code,
            headers={**record.response_headers, "Idempotent-Replayed": "true"},
        )

    async def remember(
        self, status_code: int, body: Any, headers: dict[str, str] | None = None
    ) -> JSONResponse:
        content = jsonable_encoder(body)
        headers = headers or {}
        if self.key is not None:
            now = self.clock.now()
            ttl = timedelta(hours=self.request.app.state.settings.idempotency_ttl_hours)
            # Drops this key's expired answer and, in passing, everyone's expired keys.
            await self.session.execute(
                delete(IdempotencyRecord).where(col(IdempotencyRecord.expires_at) <= now)
            )
            self.session.add(
                IdempotencyRecord(
                    subject=self.subject,
                    endpoint=self.endpoint,
                    key=self.key,
                    request_hash=self._request_hash or "",
                    status_code=status_code,
                    response_body=json.loads(json.dumps(content)),
                    response_headers=headers,
                    created_at=now,
                    expires_at=now + ttl,
                )
            )
        return JSONResponse(content, status_code=status_code, headers=headers)


IdempotencyDep = Annotated[Idempotency, Depends()]


# The media types a file is served as when it was declared so; any other is served as
# application/octet-stream, so that no upload is ever rendered as a page or a script.
SERVED_MEDIA_TYPES = frozenset(
    {
        "application/pdf",
        "application/msword",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.oasis.opendocument.text",
        "application/vnd.ms-excel",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.oasis.opendocument.spreadsheet",
        "application/zip",
        "text/plain",
        "text/csv",
        "image/png",
        "image/jpeg",
        "image/tiff",
        "audio/mpeg",
        "video/mp4",
    }
)
FALLBACK_MEDIA_TYPE = "application/octet-stream"
# RFC 8187 attr-char besides letters, digits and "-._~" (which quote() never encodes).
_ATTR_CHAR = "!#$&+^`|"


def served_media_type(declared: str) -> str:
    """The media type a file declared as ``declared`` is served as."""
    essence = declared.split(";", 1)[0].strip().lower()
    return declared if essence in SERVED_MEDIA_TYPES else FALLBACK_MEDIA_TYPE


def content_disposition(filename: str) -> str:
    """``attachment`` with the name as given in ``filename*`` (RFC 8187, UTF-8) and an
    ASCII ``filename`` for older clients (RFC 6266 section 4.3): whatever the name
    holds, the header is plain ASCII and one line."""
    fallback = "".join(c if " " <= c <= "~" and c not in '"\\' else "_" for c in filename)
    encoded = quote(filename, safe=_ATTR_CHAR)
    return f"attachment; filename=\"{fallback or 'download'}\"; filename*=UTF-8''{encoded}"


def attachment(content: bytes | str, *, filename: str, media_type: str) -> Response:
    """A file to download, never to display: an attachment of a served media type."""
    return Response(
        content,
        media_type=served_media_type(media_type),
        headers={"Content-Disposition": content_disposition(filename)},
    )
