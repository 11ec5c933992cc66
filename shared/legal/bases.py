"""Legal bases of a cooperation request (docs/domain.md "Legal bases").

A request rests on one or more legal bases: a multilateral convention (1988
Convention art. 7; UNTOC art. 18; UNCAC art. 46 for mutual legal assistance), a
bilateral treaty, a regional instrument (the EIO), reciprocity or domestic law.
Plan of Action paras. 54(a) and 56(a): use the conventions as a legal basis
where no treaty exists. What a basis allows (its refusal grounds) is in
:mod:`shared.legal.grounds`; the figures a treaty or law picks (thresholds, time
limits, channels) travel with the basis as its ``parameters``, never as
constants.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictStr

from shared.legal.citations import C1988, EIO, MTMLA, UNCAC, UNTOC, art
from shared.wire import WHOLE_NUMBER


class LegalBasisKind(StrEnum):
    """The kind of instrument a request rests on. Values are stored: never renamed."""

    c1988 = "c1988"  # 1988 Convention, art. 7 (MLA); art. 6 (extradition)
    untoc = "untoc"  # UNTOC, art. 18 (MLA); art. 16 (extradition)
    uncac = "uncac"  # UNCAC, art. 46 (MLA); art. 44 (extradition)
    # A bilateral treaty modelled on the UN Model Treaty (GA res. 45/117): its
    # refusal grounds are taken to be those of the model's art. 4(1).
    mtmla = "mtmla"
    # A bilateral treaty whose grounds Comity does not know: its own articles apply.
    bilateral_treaty = "bilateral_treaty"
    eio = "eio"  # Directive 2014/41/EU, between EU Member States
    reciprocity = "reciprocity"  # no treaty: an assurance of reciprocity under domestic law
    domestic_law = "domestic_law"  # the requested State's law on mutual legal assistance


BASIS_CITATIONS: dict[LegalBasisKind, str] = {
    LegalBasisKind.c1988: art(C1988, "7"),
    LegalBasisKind.untoc: art(UNTOC, "18"),
    LegalBasisKind.uncac: art(UNCAC, "46"),
    LegalBasisKind.mtmla: f"a bilateral treaty modelled on the {MTMLA}",
    LegalBasisKind.bilateral_treaty: "the bilateral treaty named in the legal basis",
    LegalBasisKind.eio: EIO,
    LegalBasisKind.reciprocity: "reciprocity under the requested State's domestic law",
    LegalBasisKind.domestic_law: "the requested State's domestic law on mutual legal assistance",
}
"""A general citation per kind; a :class:`LegalBasis` may carry a more precise one."""

BASIS_LABELS: dict[LegalBasisKind, str] = {
    LegalBasisKind.c1988: "1988 Convention against Illicit Traffic",
    LegalBasisKind.untoc: "UN Convention against Transnational Organized Crime",
    LegalBasisKind.uncac: "UN Convention against Corruption",
    LegalBasisKind.mtmla: "bilateral treaty on the UN Model Treaty",
    LegalBasisKind.bilateral_treaty: "bilateral treaty",
    LegalBasisKind.eio: "European Investigation Order",
    LegalBasisKind.reciprocity: "reciprocity",
    LegalBasisKind.domestic_law: "domestic law",
}

# A whole number as JSON Schema counts one (5.0 too), never a text or a boolean.
ParameterValue = StrictStr | Annotated[int, WHOLE_NUMBER] | StrictBool


class LegalBasis(BaseModel):
    """One legal basis of a request: its kind, its name and its parameters.

    ``parameters`` holds what the instrument picks where a model leaves a figure
    in brackets (docs/domain.md), e.g. ``{"acknowledgement_working_days": 10}``; it is
    small on purpose and request types extend it (extradition: thresholds, the
    provisional-arrest limit). A ``dict`` field makes the model unhashable.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: LegalBasisKind
    name: str = Field(
        min_length=1,
        max_length=300,
        pattern=r"\S",
        description="Free text, e.g. 'Spain-Colombia MLA treaty 1997'",
    )
    citation: str | None = Field(
        default=None, min_length=1, max_length=300, description="e.g. 'arts. 3 and 4'"
    )
    parameters: dict[str, ParameterValue] = Field(default_factory=dict)

    @property
    def effective_citation(self) -> str:
        """The basis's own citation, else the general one for its kind."""
        return self.citation or BASIS_CITATIONS[self.kind]
