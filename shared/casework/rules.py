"""Rules of law broken by an action, as the 422 problem the user sees.

A rule in :mod:`shared.legal` returns :class:`~shared.legal.rules.Violation`\\ s with
a problem code, a message naming the citation and a JSON pointer into the
action's body; this turns them into one problem without rewording them.
"""

from __future__ import annotations

from collections.abc import Sequence

from shared.legal.rules import Violation
from shared.problems import FieldError, UnprocessableContent


def violations_problem(
    violations: Sequence[Violation], *, detail: str | None = None
) -> UnprocessableContent:
    """One 422 for ``violations``: the first one's code, every citation, one error each."""
    if not violations:
        raise ValueError("no violation to report")
    citations = list(dict.fromkeys(v.citation for v in violations))
    if detail is None:
        detail = (
            violations[0].message
            if len(violations) == 1
            else f"{len(violations)} rules are not met: " + " ".join(v.message for v in violations)
        )
    return UnprocessableContent(
        detail,
        code=violations[0].code,
        citation="; ".join(citations),
        errors=[
            FieldError(pointer=v.pointer or "", detail=v.message, code=v.code, citation=v.citation)
            for v in violations
        ],
    )
