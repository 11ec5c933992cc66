"""The result of every legal rule: a decision with violations, reasons and citations.

A :class:`Violation` is one broken rule. Its ``code`` is a problem code
(kebab-case, listed in ``docs/problems.md``), its ``message`` is shown to the
user and names the citation, its ``pointer`` is a JSON pointer into the body of
the action the rule checks (``/grounds/0``, ``/reasons``), so a service turns
it into a ``FieldError`` of a 422 problem without rewording it:
``FieldError(pointer=v.pointer or "", detail=v.message, code=v.code)``.

A :class:`Decision` is ``ok`` exactly when it has no violations; ``reasons``
explain it (what was checked and under which provision) and carry advisories
that never block (e.g. a person's nationality "where possible").

A refusal ground is treated by each instrument as mandatory, optional or never a
ground (:class:`GroundStatus`); :class:`GroundRule` says which, and where. The
catalogues per request type are :mod:`shared.legal.mla.grounds` and
:mod:`shared.legal.extradition.grounds`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from shared.legal.cooperation import Purpose

_KEBAB_CASE = r"^[a-z0-9]+(-[a-z0-9]+)*$"


class Violation(BaseModel):
    """One rule the facts break, with the provision that states it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str = Field(
        pattern=_KEBAB_CASE, description="A problem code, e.g. forbidden-refusal-ground"
    )
    message: str = Field(min_length=1, description="For the user; names the citation")
    citation: str = Field(min_length=1, description="The provision(s) the rule comes from")
    pointer: str | None = Field(
        default=None, description="A JSON pointer into the checked body, e.g. /grounds/0"
    )


class Decision(BaseModel):
    """What a rule decided: ``ok`` when nothing is violated, with the reasons why."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    ok: bool
    violations: tuple[Violation, ...] = ()
    reasons: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _ok_means_no_violation(self) -> Self:
        if self.ok == bool(self.violations):
            raise ValueError("a decision is ok exactly when it has no violations")
        return self

    @classmethod
    def of(cls, violations: Iterable[Violation] = (), reasons: Iterable[str] = ()) -> Decision:
        """The decision these violations make (ok when there are none)."""
        found = tuple(violations)
        return cls(ok=not found, violations=found, reasons=tuple(reasons))


def merge(*decisions: Decision) -> Decision:
    """One decision from several rules checked on the same action, in order.

    E.g. a refusal: ``merge(assess_refusal(...), consultation_requirement(...))``.
    """
    return Decision.of(
        (v for d in decisions for v in d.violations),
        (r for d in decisions for r in d.reasons),
    )


class GroundStatus(StrEnum):
    """How an instrument treats a refusal ground."""

    mandatory = "mandatory"  # the request shall be refused
    optional = "optional"  # the request may be refused
    never = "never"  # the request shall not be refused on this ground


@dataclass(frozen=True, slots=True)
class GroundRule:
    """What one legal basis says of one ground, and where."""

    status: GroundStatus
    citation: str
    purposes: frozenset[Purpose] = frozenset(Purpose)
    """The purposes it may be invoked for (the EAW: nationality for enforcement only)."""
