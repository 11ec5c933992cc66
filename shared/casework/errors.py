"""What a rule of a case answers when it says no: framework-free errors.

The pure layer (``shared.legal``, the casework rules, ``services.*.domain``) raises
these and knows nothing of HTTP; the edge maps each kind to its RFC 9457 problem
(:func:`shared.problems.install`): an action that does not fit the case is a 409,
a missing role a 403, something that is not on the case a 404, a broken rule of
law or a bad value a 422 with the rule's citation and the field it points at.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from shared.legal.rules import Violation


@dataclass(frozen=True, slots=True)
class FieldIssue:
    """What is wrong with one field: a JSON pointer into the action's body, and why."""

    pointer: str
    detail: str
    code: str | None = None
    citation: str | None = None


class CaseError(Exception):
    """A rule of a case refused an action. ``code`` is a problem code of docs/problems.md."""

    code: ClassVar[str] = "conflict"

    def __init__(
        self,
        detail: str,
        *,
        code: str | None = None,
        citation: str | None = None,
        errors: Sequence[FieldIssue] = (),
        extensions: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.problem_code = code or self.code
        self.citation = citation
        self.errors = tuple(errors)
        self.extensions = dict(extensions or {})


class InvalidTransition(CaseError):
    """The action does not fit the case's state or the caller's side (409); the
    extensions name the state and the actions the caller may take now."""

    code = "invalid-transition"


class CaseConflict(CaseError):
    """The action conflicts with what the case holds now (409), e.g. a closed thread."""

    code = "conflict"


class MissingRole(CaseError):
    """The right action by a user without a role it needs (403)."""

    code = "forbidden"


class NotOnCase(CaseError):
    """Something the action names is not on this case (404)."""

    code = "not-found"


class RuleBroken(CaseError):
    """A rule of law, or one between values or against the case, is broken (422), with
    its citation: the request fits its document, the rule is one a document cannot state
    (docs/decisions/0014-fuzzing-with-schemathesis.md)."""

    code = "rule-broken"

    @classmethod
    def of(cls, violations: Sequence[Violation], *, detail: str | None = None) -> RuleBroken:
        """One error for ``violations``: the first one's code, every citation, one field
        issue each, worded as the rules word them."""
        if not violations:
            raise ValueError("no violation to report")
        citations = list(dict.fromkeys(v.citation for v in violations))
        if detail is None:
            detail = (
                violations[0].message
                if len(violations) == 1
                else f"{len(violations)} rules are not met: "
                + " ".join(v.message for v in violations)
            )
        return cls(
            detail,
            code=violations[0].code,
            citation="; ".join(citations),
            errors=[
                FieldIssue(
                    pointer=v.pointer or "", detail=v.message, code=v.code, citation=v.citation
                )
                for v in violations
            ],
        )

    @classmethod
    def at(
        cls,
        pointer: str,
        detail: str,
        *,
        why: str | None = None,
        code: str | None = None,
        citation: str | None = None,
    ) -> RuleBroken:
        """A value at ``pointer`` that a rule refuses: ``detail`` for the user, ``why``
        for the field (``detail`` when not given)."""
        return cls(
            detail,
            code=code,
            citation=citation,
            errors=[
                FieldIssue(pointer=pointer, detail=why or detail, code=code, citation=citation)
            ],
        )


def raise_if_broken(violations: Sequence[Violation], *, detail: str | None = None) -> None:
    """Raise :class:`RuleBroken` for ``violations``, if there are any."""
    if violations:
        raise RuleBroken.of(violations, detail=detail)
