"""Drafts, for every case service: who may edit one, and who may share one for prior
consultation before it is sent (Plan of Action para. 56(c))."""

from __future__ import annotations

from shared.casework.state_machine import Side
from shared.problems import Conflict

DRAFT = "draft"


def may_edit_draft(state: str, *, created_by_side: Side, side: Side | None) -> None:
    """Only the side that drafted a request edits it, and only while it is a draft;
    anything else is a 409 ``invalid-transition``."""
    if state != DRAFT or side is not created_by_side:
        raise Conflict(
            f"Only the author's draft can be edited; this request is {state}",
            code="invalid-transition",
            extensions={"state": state, "allowed_actions": []},
        )


def shareable(*, own_draft: bool, disclosed: bool, counterpart_uses_comity: bool) -> bool:
    """A draft is shared once, by its author, with a counterpart that uses Comity."""
    return own_draft and not disclosed and counterpart_uses_comity
