"""Protected persons: who may see an identity, and the pseudonym everyone else sees.

Plan of Action para. 62 and UNTOC art. 24(2)(a): non-disclosure or limits on the
disclosure of the identity and whereabouts of protected witnesses. In Comity a
protected person's identity is shown only to the ``protection_officer``s of the
authorities party to the case; everyone else (and every event on the bus) sees
a stable pseudonym such as "Protected person P-3F2A". Each disclosure is
audited by the service that shows it.
"""

from __future__ import annotations

import secrets
from collections.abc import Collection

from shared.casework.parties import PARTY_SIDES, Caller
from shared.casework.state_machine import Side

PROTECTION_ROLE = "protection_officer"
PROTECTION_CITATION = "Plan of Action para. 62; UNTOC art. 24(2)(a)"
# Why a caller sees a pseudonym instead of a protected person's identity.
WITHHELD_REASON = (
    f"Protected identity ({PROTECTION_CITATION}): shown only to the protection officers "
    "of the authorities party to the case; everyone else sees the pseudonym"
)


def new_pseudonym(taken: Collection[str]) -> str:
    """A pseudonym code unused in the case, e.g. ``P-3F2A``; random, so it says
    nothing about the person."""
    while True:
        code = f"P-{secrets.token_hex(2).upper()}"
        if code not in taken:
            return code


def pseudonym_label(code: str) -> str:
    return f"Protected person {code}"


def may_see_identity(caller: Caller, side: Side | None) -> bool:
    """A protection officer of an authority party to the case (not a liaison officer)."""
    return side in PARTY_SIDES and caller.has_role(PROTECTION_ROLE)
