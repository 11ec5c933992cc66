"""Extradite or prosecute: what a refusal leaves the requested State to do."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from shared.legal.citations import C1988, UNCAC, UNTOC, art, join, para, section
from shared.legal.cooperation import Purpose


class ObligationKind(StrEnum):
    """A duty that follows a refusal. Values are stored: never renamed."""

    submit_for_prosecution = "submit_for_prosecution"
    consider_enforcing_sentence = "consider_enforcing_sentence"


class Obligation(BaseModel):
    """What the refusing State must do next, on what condition, and why."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: ObligationKind
    condition: str = Field(
        description="When the duty arises, e.g. at the requesting State's request"
    )
    message: str = Field(min_length=1, description="For the user; names the citation")
    citation: str


PROSECUTE_CITATION = join(
    art(UNTOC, "16(10)"),
    art(C1988, "6(9)(a)"),
    art(UNCAC, "44(11)"),
    para("54(d)"),
    section("15"),
)
ENFORCE_SENTENCE_CITATION = join(art(UNTOC, "16(12)"), art(C1988, "6(10)"))


def extradite_or_prosecute(*, nationality: bool, purpose: Purpose) -> tuple[Obligation, ...]:
    """The duties a refusal leaves the requested State: ``nationality`` when the refusal
    rests on the person's nationality, for ``purpose``.

    Refused because the person is a national: for prosecution, submit the case
    without undue delay to the competent authorities for prosecution (UNTOC art.
    16(10), at the request of the requesting State; 1988 art. 6(9)(a), unless
    otherwise agreed; UNCAC art. 44(11); PoA para. 54(d); Model Law s.15); for
    enforcement of a sentence, consider enforcing the sentence itself, if its
    law permits, on the requesting State's application (UNTOC art. 16(12); 1988
    art. 6(10)). The person is already convicted, so the second replaces the
    first. No nationality ground: no obligation.
    """
    if not nationality:
        return ()
    if purpose is Purpose.enforcement:
        return (
            Obligation(
                kind=ObligationKind.consider_enforcing_sentence,
                condition="on the application of the requesting State, if the requested "
                "State's law permits",
                message=(
                    "Extradition to enforce a sentence was refused because the person is a "
                    "national: the requested State considers enforcing the sentence imposed "
                    "under the requesting State's law, or the remainder of it, if its law "
                    f"permits and the requesting State applies ({ENFORCE_SENTENCE_CITATION})."
                ),
                citation=ENFORCE_SENTENCE_CITATION,
            ),
        )
    return (
        Obligation(
            kind=ObligationKind.submit_for_prosecution,
            condition="at the request of the requesting State (UNTOC); unless otherwise "
            "agreed with it (1988 Convention)",
            message=(
                "Extradition was refused because the person is a national: the requested "
                "State submits the case without undue delay to its competent authorities for "
                f"the purpose of prosecution ({PROSECUTE_CITATION})."
            ),
            citation=PROSECUTE_CITATION,
        ),
    )
