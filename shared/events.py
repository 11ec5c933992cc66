"""The CloudEvents 1.0 envelope every event travels in (structured JSON mode).

``id`` is a UUIDv7 and also the ``Nats-Msg-Id``; ``source`` is ``/services/<name>``;
``type`` is the contract's versioned type; ``subject`` the case reference or id.
Extension attributes are scalars only: ``correlationid``, ``causationid``,
``actor``, ``caseversion``. Events carry ids, references and pseudonyms, never a
protected identity.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict

from contracts.registry import EventContract
from shared.correlation import current_correlation_id
from shared.ids import new_id

# NATS headers that carry the same ids, so tools can trace without parsing bodies.
MSG_ID_HEADER = "Nats-Msg-Id"
CORRELATION_HEADER = "X-Correlation-ID"


class Envelope(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    specversion: Literal["1.0"] = "1.0"
    id: UUID
    source: str
    type: str
    subject: str
    time: datetime
    datacontenttype: Literal["application/json"] = "application/json"
    data: dict[str, Any]
    correlationid: str | None = None
    causationid: str | None = None
    actor: str
    caseversion: int | None = None

    @property
    def nats_subject(self) -> str:
        """``comity.directory.authority.updated.v1`` -> ``comity.directory.authority.updated``."""
        return self.type.rsplit(".", 1)[0]

    def to_bytes(self) -> bytes:
        return self.model_dump_json().encode()

    @classmethod
    def from_bytes(cls, raw: bytes) -> Envelope:
        return cls.model_validate_json(raw)

    def headers(self) -> dict[str, str]:
        headers = {MSG_ID_HEADER: str(self.id)}
        if self.correlationid:
            headers[CORRELATION_HEADER] = self.correlationid
        return headers


def new_event(
    contract: EventContract,
    payload: BaseModel,
    *,
    subject: str,
    actor: str,
    at: datetime,
    case_version: int | None = None,
    causation_id: UUID | str | None = None,
) -> Envelope:
    """An event of ``contract``; the payload is validated against the contract's model."""
    data = contract.payload.model_validate(payload.model_dump()).model_dump(mode="json")
    return Envelope(
        id=new_id(),
        source=f"/services/{contract.service}",
        type=contract.type,
        subject=subject,
        time=at,
        data=data,
        correlationid=current_correlation_id(),
        causationid=str(causation_id) if causation_id is not None else None,
        actor=actor,
        caseversion=case_version,
    )
