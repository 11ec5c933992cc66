"""The bilateral extradition treaties Comity knows, with their figures."""

from __future__ import annotations

from shared.legal.extradition.bases import BasisParameter, ExtraditionBasis, ExtraditionBasisKind

# Extradition Treaty between the United States of America and the United Mexican
# States, signed at Mexico City on 4 May 1978: art. 2 (one year; six months of the
# sentence remaining, read in the text) and art. 11 (provisional arrest ends if the
# formal request has not arrived within 60 days after the apprehension (verify)).
US_MX_1978 = ExtraditionBasis(
    kind=ExtraditionBasisKind.bilateral_treaty,
    name="Extradition Treaty United States-Mexico (1978)",
    citation="Extradition Treaty between the United States of America and the United "
    "Mexican States, Mexico City, 4 May 1978",
    parameters={
        BasisParameter.threshold_months.value: 12,
        BasisParameter.sentence_threshold_months.value: 6,
        BasisParameter.sentence_threshold_measure.value: "remaining",
        BasisParameter.threshold_provision.value: "art. 2",
        BasisParameter.provisional_arrest_days.value: 60,
        BasisParameter.provisional_arrest_provision.value: "art. 11 (verify)",
    },
)

# The bilateral treaties Comity knows with their figures, by the pair of States
# (ISO 3166-1 alpha-2): offered when a request between them is drafted.
BILATERAL_TREATIES: dict[frozenset[str], tuple[ExtraditionBasis, ...]] = {
    frozenset({"US", "MX"}): (US_MX_1978,),
}


def bilateral_treaties(*states: str) -> tuple[ExtraditionBasis, ...]:
    """The bilateral extradition treaties Comity knows to which every State named is a
    party, by name: between two States, of one State, or every treaty when none is named."""
    named = set(states)
    found = (t for parties, known in BILATERAL_TREATIES.items() if named <= parties for t in known)
    return tuple(sorted(found, key=lambda treaty: treaty.name))
