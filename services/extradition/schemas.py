"""API models of the extradition service: the request and its lists. The bodies of the
actions are the domain's commands (:mod:`services.extradition.commands`)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field, StrictBool, model_validator

from services.extradition.commands import MaxPenalty, Months, max_penalty_description
from services.extradition.domain import (
    Arrest,
    Assessment,
    Consent,
    DecisionRecord,
    Offence,
    SpecialityRequest,
    State,
    Surrender,
    sentence_problem,
)
from shared.casework import schemas as casework
from shared.casework.schemas import (
    Body,
    DeadlinePublic,
    LongText,
    PersonCreate,
    PersonPublic,
    Reference,
    ShortText,
)
from shared.casework.vocabulary import CustodyStatus, PersonKind, PersonRole
from shared.legal.cooperation import Purpose
from shared.legal.extradition.bases import ExtraditionBasis
from shared.legal.offences import OffenceCategory
from shared.wire import CountryCode, IsoDate, rule_error


class PersonSoughtCreate(Body):
    name: ShortText
    aliases: list[ShortText] = Field(default_factory=list, max_length=50)
    nationalities: list[CountryCode] = Field(default_factory=list, max_length=10)
    date_of_birth: IsoDate | None = None
    known_locations: list[ShortText] = Field(default_factory=list, max_length=20)
    # Witness protection (Plan of Action para. 62): the identity is shown to
    # protection officers only; everyone else sees a pseudonym.
    protected: StrictBool = False

    def as_person(self) -> PersonCreate:
        """The person sought as the case's first person concerned: at liberty until an
        arrest is recorded."""
        return PersonCreate(
            kind=PersonKind.natural,
            role=PersonRole.person_sought,
            name=self.name,
            aliases=self.aliases,
            nationalities=self.nationalities,
            date_of_birth=self.date_of_birth,
            location="; ".join(self.known_locations) or None,
            custody_status=CustodyStatus.at_liberty,
            protected=self.protected,
        )


class OffenceCreate(Body):
    conduct: LongText
    category: OffenceCategory | None = None
    provision: ShortText = Field(description="The requesting State's legal provision")
    max_penalty_months: MaxPenalty | None = Field(
        default=None, description=max_penalty_description("the requesting State's provision")
    )


class RequestCreate(casework.CaseCreate):
    """A new draft (see :class:`~shared.casework.schemas.CaseCreate` for how it is
    addressed): the person sought, the offences and the legal bases."""

    person_sought: PersonSoughtCreate
    purpose: Purpose
    sentence_imposed_months: Months | None = None
    sentence_remaining_months: Months | None = None
    offences: list[OffenceCreate] = Field(min_length=1, max_length=50)
    legal_bases: list[ExtraditionBasis] = Field(min_length=1, max_length=10)
    warrant_references: list[Reference] = Field(default_factory=list, max_length=20)
    interpol_notice: Reference | None = None
    summary_of_facts: LongText | None = None

    @model_validator(mode="after")
    def _sentence_for_enforcement(self) -> RequestCreate:
        problem = sentence_problem(
            self.purpose, self.sentence_imposed_months, self.sentence_remaining_months
        )
        if problem is not None:
            raise rule_error("sentence", problem)
        return self


class RequestUpdate(casework.CaseUpdate):
    """Changes to a draft: only the fields sent change (``null`` clears a field)."""

    never_null = frozenset({"purpose", "offences", "legal_bases", "warrant_references"})

    purpose: Purpose | None = None
    sentence_imposed_months: Months | None = None
    sentence_remaining_months: Months | None = None
    offences: list[OffenceCreate] | None = Field(default=None, min_length=1, max_length=50)
    legal_bases: list[ExtraditionBasis] | None = Field(default=None, min_length=1, max_length=10)
    warrant_references: list[Reference] | None = Field(default=None, max_length=20)
    interpol_notice: Reference | None = None
    summary_of_facts: LongText | None = None


class RequestPublic(casework.CasePublic):
    state: State
    person_sought: PersonPublic
    purpose: Purpose
    sentence_imposed_months: int | None
    sentence_remaining_months: int | None
    offences: list[Offence]
    legal_bases: list[ExtraditionBasis]
    warrant_references: list[str]
    interpol_notice: str | None
    summary_of_facts: str | None
    provisional_arrest_requested: bool
    arrest: Arrest | None
    formal_request_due: DeadlinePublic | None = Field(
        description="The date the formal request must arrive by, with its citation"
    )
    formal_request_received_at: datetime | None
    consent: Consent | None
    dual_criminality: Assessment | None = Field(description="The latest assessment")
    dual_criminality_versions: int
    decisions: list[DecisionRecord]
    surrender: Surrender | None
    speciality_requests: list[SpecialityRequest]


class RequestSummary(casework.CaseSummary):
    state: State
    purpose: Purpose


class LegalBasesPublic(BaseModel):
    """A page of the bilateral treaties Comity knows: ``next_cursor`` continues it. Each
    item is a legal basis as a request's ``legal_bases`` takes it."""

    items: list[ExtraditionBasis]
    next_cursor: str | None = None


class RequestFilters(casework.CaseFilters):
    status: State | None = None
    purpose: Purpose | None = None
