"""The closed vocabularies every case shares, for the rules and the API alike.

Values are stored and travel in events: never renamed. The consultation topics and
outcomes are those of :mod:`shared.legal.consultation`, the request types those of
:mod:`shared.legal.cooperation`.
"""

from __future__ import annotations

from enum import StrEnum


class ReceivedVia(StrEnum):
    """How a request reached the requested authority outside Comity (docs/architecture.md
    "Counterparts that do not use Comity")."""

    diplomatic_channel = "diplomatic_channel"
    direct = "direct"
    interpol = "interpol"
    urgent_advance_copy = "urgent_advance_copy"
    email = "email"
    post = "post"


class ConsultationStatus(StrEnum):
    open = "open"
    closed = "closed"


class PersonKind(StrEnum):
    natural = "natural"
    legal = "legal"


class PersonRole(StrEnum):
    suspect = "suspect"
    accused = "accused"
    witness = "witness"
    victim = "victim"
    expert = "expert"
    account_holder = "account_holder"
    # The person whose extradition is sought (docs/domain.md "Extradition").
    person_sought = "person_sought"
    other = "other"


class CustodyStatus(StrEnum):
    at_liberty = "at_liberty"
    in_custody = "in_custody"
    unknown = "unknown"


class DocumentKind(StrEnum):
    attachment = "attachment"
    translation = "translation"
    execution_result = "execution_result"
    request_document = "request_document"


class LinkRelation(StrEnum):
    related = "related"
    same_investigation = "same_investigation"
    follow_up_of = "follow_up_of"
    extradite_or_prosecute = "extradite_or_prosecute"
