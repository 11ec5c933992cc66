"""The legal bases of an extradition request and the figures each carries.

:class:`ExtraditionBasisKind` adds the Model Treaty, the ECE and the EAW to the
kinds :mod:`shared.legal.bases` knows (same values where they overlap). A basis
carries its figures as ``parameters`` (:class:`BasisParameter`), with the
instrument's figure as the default where it has one; a computation that needs a
missing figure raises :class:`BasisParameterMissing`. The request's primary
basis gives the figures (:func:`primary_basis`); the conventions alone serve
only a State that takes them as the basis (:func:`convention_basis_accepted`).
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from shared.legal.bases import ParameterValue
from shared.legal.citations import C1988, UNCAC, UNTOC, art, join, para
from shared.legal.dual_criminality import (
    CONDUCT_TEST_CITATION,
    EAW_CONDUCT_TEST_CITATION,
    EAW_LIST_MONTHS,
    ECE,
    MTE,
    DualCriminalityStandard,
    PenaltyThreshold,
    SentenceMeasure,
    SentenceThreshold,
)
from shared.legal.offences import EAW
from shared.legal.rules import Decision, Violation


class ExtraditionBasisKind(StrEnum):
    """The kind of instrument an extradition request rests on. Values are stored.

    Where a kind exists in :class:`shared.legal.bases.LegalBasisKind` the value is
    the same, so the two can merge once ``bases.py`` grows these kinds.
    """

    # A bilateral treaty modelled on the UN Model Treaty on Extradition (GA res.
    # 45/116): its bracketed figures are parameters.
    mte = "mte"
    ece = "ece"  # European Convention on Extradition 1957
    eaw = "eaw"  # Framework Decision 2002/584/JHA, between EU Member States
    # A bilateral treaty with its own figures (e.g. United States-Mexico 1978).
    bilateral_treaty = "bilateral_treaty"
    c1988 = "c1988"  # 1988 Convention, art. 6(3): the Convention as the legal basis
    untoc = "untoc"  # UNTOC, art. 16(4)
    uncac = "uncac"  # UNCAC, art. 44(5)
    reciprocity = "reciprocity"
    domestic_law = "domestic_law"


BASIS_CITATIONS: dict[ExtraditionBasisKind, str] = {
    ExtraditionBasisKind.mte: f"a bilateral treaty modelled on the {MTE}",
    ExtraditionBasisKind.ece: ECE,
    ExtraditionBasisKind.eaw: EAW,
    ExtraditionBasisKind.bilateral_treaty: "the bilateral treaty named in the legal basis",
    ExtraditionBasisKind.c1988: art(C1988, "6(3)", verify=True),
    ExtraditionBasisKind.untoc: art(UNTOC, "16(4)"),
    ExtraditionBasisKind.uncac: art(UNCAC, "44(5)"),
    ExtraditionBasisKind.reciprocity: "reciprocity under the requested State's domestic law",
    ExtraditionBasisKind.domestic_law: "the requested State's domestic law on extradition",
}

BASIS_LABELS: dict[ExtraditionBasisKind, str] = {
    ExtraditionBasisKind.mte: "bilateral treaty on the UN Model Treaty on Extradition",
    ExtraditionBasisKind.ece: "European Convention on Extradition",
    ExtraditionBasisKind.eaw: "European Arrest Warrant",
    ExtraditionBasisKind.bilateral_treaty: "bilateral treaty",
    ExtraditionBasisKind.c1988: "1988 Convention against Illicit Traffic",
    ExtraditionBasisKind.untoc: "UN Convention against Transnational Organized Crime",
    ExtraditionBasisKind.uncac: "UN Convention against Corruption",
    ExtraditionBasisKind.reciprocity: "reciprocity",
    ExtraditionBasisKind.domestic_law: "domestic law",
}


class BasisParameter(StrEnum):
    """The figures a legal basis may carry (``ExtraditionBasis.parameters`` keys)."""

    # Dual criminality (shared.legal.dual_criminality).
    threshold_months = "threshold_months"  # int: minimum of the maximum penalty
    sentence_threshold_months = "sentence_threshold_months"  # int: for enforcement
    sentence_threshold_measure = "sentence_threshold_measure"  # "remaining" | "imposed"
    threshold_provision = "threshold_provision"  # str: the treaty's article, e.g. "art. 2"
    # Provisional arrest: release when the formal request has not arrived.
    provisional_arrest_days = "provisional_arrest_days"  # int: release required after
    provisional_arrest_release_possible_days = "provisional_arrest_release_possible_days"
    provisional_arrest_provision = "provisional_arrest_provision"  # str, e.g. "art. 11"
    # Surrender after the final decision.
    surrender_days = "surrender_days"  # int
    surrender_provision = "surrender_provision"  # str
    # Counting: True when the basis counts the day of the event as day 1.
    first_day_counted = "first_day_counted"  # bool


class ExtraditionBasis(BaseModel):
    """One legal basis of an extradition request: kind, name, citation, parameters.

    The shape of :class:`shared.legal.bases.LegalBasis`, with the extradition kinds.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: ExtraditionBasisKind
    name: str = Field(
        min_length=1,
        max_length=300,
        pattern=r"\S",
        description="Free text, e.g. 'Extradition Treaty United States-Mexico (1978)'",
    )
    citation: str | None = Field(default=None, min_length=1, max_length=300)
    parameters: dict[str, ParameterValue] = Field(default_factory=dict)

    @property
    def effective_citation(self) -> str:
        """The basis's own citation, else the general one for its kind."""
        return self.citation or BASIS_CITATIONS[self.kind]


class BasisParameterMissing(ValueError):
    """A computation needs a figure the legal basis does not record."""

    def __init__(self, basis: ExtraditionBasis, parameter: BasisParameter, why: str) -> None:
        self.basis = basis
        self.parameter = parameter
        super().__init__(
            f"the legal basis '{basis.name}' records no '{parameter.value}': {why}; "
            "record the figure the treaty or law gives"
        )


# The instrument's own figures, where it has them.
_DEFAULT_FIGURES: dict[ExtraditionBasisKind, dict[BasisParameter, int]] = {
    ExtraditionBasisKind.mte: {
        BasisParameter.threshold_months: 12,  # MTE art. 2(1): [one/two] years
        BasisParameter.sentence_threshold_months: 4,  # MTE art. 2(1): [four/six] months
        BasisParameter.provisional_arrest_days: 40,  # MTE art. 9(4): [40] days (verify)
    },
    ExtraditionBasisKind.ece: {
        BasisParameter.threshold_months: 12,  # ECE art. 2(1)
        BasisParameter.sentence_threshold_months: 4,  # ECE art. 2(1)
        BasisParameter.provisional_arrest_release_possible_days: 18,  # ECE art. 16(4)
        BasisParameter.provisional_arrest_days: 40,  # ECE art. 16(4)
    },
    ExtraditionBasisKind.eaw: {
        BasisParameter.threshold_months: 12,  # EAW art. 2(1)
        BasisParameter.sentence_threshold_months: 4,  # EAW art. 2(1)
        BasisParameter.surrender_days: 10,  # EAW art. 23(2) (verify)
    },
}

# Where the instrument states each figure.
_INSTRUMENT_PROVISIONS: dict[ExtraditionBasisKind, dict[BasisParameter, str]] = {
    ExtraditionBasisKind.mte: {
        BasisParameter.threshold_months: art(MTE, "2(1)"),
        BasisParameter.sentence_threshold_months: art(MTE, "2(1)"),
        BasisParameter.provisional_arrest_days: art(MTE, "9(4)", verify=True),
    },
    ExtraditionBasisKind.ece: {
        BasisParameter.threshold_months: art(ECE, "2(1)"),
        BasisParameter.sentence_threshold_months: art(ECE, "2(1)"),
        BasisParameter.provisional_arrest_release_possible_days: art(ECE, "16(4)"),
        BasisParameter.provisional_arrest_days: art(ECE, "16(4)"),
    },
    ExtraditionBasisKind.eaw: {
        BasisParameter.threshold_months: art(EAW, "2(1)"),
        BasisParameter.sentence_threshold_months: art(EAW, "2(1)"),
        BasisParameter.surrender_days: art(EAW, "23(2)", verify=True),
    },
    # The conventions leave the conditions to domestic law and the treaties.
    ExtraditionBasisKind.c1988: {
        BasisParameter.threshold_months: art(C1988, "6(5)", verify=True),
        BasisParameter.sentence_threshold_months: art(C1988, "6(5)", verify=True),
        BasisParameter.provisional_arrest_days: art(C1988, "6(8)", verify=True),
    },
    ExtraditionBasisKind.untoc: {
        BasisParameter.threshold_months: art(UNTOC, "16(7)", verify=True),
        BasisParameter.sentence_threshold_months: art(UNTOC, "16(7)", verify=True),
        BasisParameter.provisional_arrest_days: art(UNTOC, "16(9)", verify=True),
    },
    ExtraditionBasisKind.uncac: {
        BasisParameter.threshold_months: art(UNCAC, "44(8)", verify=True),
        BasisParameter.sentence_threshold_months: art(UNCAC, "44(8)", verify=True),
        BasisParameter.provisional_arrest_days: art(UNCAC, "44(10)", verify=True),
    },
}

# Which figure each parameter that names a provision goes with.
_PROVISION_PARAMETERS: dict[BasisParameter, BasisParameter] = {
    BasisParameter.threshold_months: BasisParameter.threshold_provision,
    BasisParameter.sentence_threshold_months: BasisParameter.threshold_provision,
    BasisParameter.provisional_arrest_days: BasisParameter.provisional_arrest_provision,
    BasisParameter.provisional_arrest_release_possible_days: (
        BasisParameter.provisional_arrest_provision
    ),
    BasisParameter.surrender_days: BasisParameter.surrender_provision,
}


def int_parameter(basis: ExtraditionBasis, parameter: BasisParameter) -> int | None:
    value = basis.parameters.get(parameter.value)
    if value is None:
        return _DEFAULT_FIGURES.get(basis.kind, {}).get(parameter)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(
            f"parameter '{parameter.value}' of '{basis.name}' must be a whole number >= 0"
        )
    return value


def _str_parameter(basis: ExtraditionBasis, parameter: BasisParameter) -> str | None:
    value = basis.parameters.get(parameter.value)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"parameter '{parameter.value}' of '{basis.name}' must be a text")
    return value.strip()


def counts_first_day(basis: ExtraditionBasis) -> bool:
    value = basis.parameters.get(BasisParameter.first_day_counted.value, False)
    if not isinstance(value, bool):
        raise ValueError(f"parameter 'first_day_counted' of '{basis.name}' must be true or false")
    return value


def basis_provision(basis: ExtraditionBasis, parameter: BasisParameter) -> str:
    """Where ``basis`` states the figure ``parameter``, for the user to check.

    The basis's own provision (e.g. ``provisional_arrest_provision = "art. 11"``)
    comes first; else the instrument's article (ECE, EAW, the Model Treaty, the
    conventions); else the basis's citation, to be verified against its text.
    """
    provision_parameter = _PROVISION_PARAMETERS.get(parameter)
    own = _str_parameter(basis, provision_parameter) if provision_parameter else None
    if own is not None:
        return f"{basis.name}, {own}"
    instrument = _INSTRUMENT_PROVISIONS.get(basis.kind, {}).get(parameter)
    if instrument is not None:
        # A treaty on the Model Treaty: its own name, and the model's article.
        if basis.kind is ExtraditionBasisKind.mte:
            return f"{basis.name} ({instrument})"
        return instrument
    if basis.citation is not None:
        return f"{basis.name}, {basis.citation} (verify against its text)"
    return f"{basis.name} (verify against its text)"


def dual_criminality_standard(basis: ExtraditionBasis) -> DualCriminalityStandard:
    """What ``basis`` requires of dual criminality (see :mod:`shared.legal.dual_criminality`).

    The ECE and the EAW measure the sentence *imposed* for enforcement, every
    other basis the part *remaining* unless its ``sentence_threshold_measure``
    says otherwise; the EAW counts the issuing State's penalty only and exempts
    its list offences (EAW arts. 2(1)-(2)).
    """
    eaw = basis.kind is ExtraditionBasisKind.eaw
    european = basis.kind in (ExtraditionBasisKind.ece, ExtraditionBasisKind.eaw)
    measure_value = _str_parameter(basis, BasisParameter.sentence_threshold_measure)
    if measure_value is None:
        measure = SentenceMeasure.imposed if european else SentenceMeasure.remaining
    else:
        try:
            measure = SentenceMeasure(measure_value)
        except ValueError as exc:
            raise ValueError(
                f"parameter 'sentence_threshold_measure' of '{basis.name}' must be "
                "'remaining' or 'imposed'"
            ) from exc
    return DualCriminalityStandard(
        basis=basis.name,
        penalty_threshold=PenaltyThreshold(
            months=int_parameter(basis, BasisParameter.threshold_months),
            citation=basis_provision(basis, BasisParameter.threshold_months),
            in_requested_state=not eaw,
            applies_to_enforcement=not eaw,
        ),
        sentence_threshold=SentenceThreshold(
            months=int_parameter(basis, BasisParameter.sentence_threshold_months),
            measure=measure,
            citation=basis_provision(basis, BasisParameter.sentence_threshold_months),
        ),
        conduct_citation=EAW_CONDUCT_TEST_CITATION if eaw else CONDUCT_TEST_CITATION,
        eaw_list_months=EAW_LIST_MONTHS if eaw else None,
    )


# --- the primary basis ---

# Plan of Action para. 54(a): the conventions serve as the legal basis where no
# treaty exists, so a treaty or a regional instrument gives the figures first.
PRIMARY_ORDER = (
    ExtraditionBasisKind.eaw,
    ExtraditionBasisKind.bilateral_treaty,
    ExtraditionBasisKind.ece,
    ExtraditionBasisKind.mte,
)


def primary_basis(bases: Sequence[ExtraditionBasis]) -> ExtraditionBasis:
    """The basis the time limits and thresholds are taken from: the EAW, a bilateral
    treaty, the ECE, a treaty on the Model Treaty, in that order; else the first basis
    (Plan of Action para. 54(a): the conventions serve where no treaty exists)."""
    if not bases:
        raise ValueError("a request rests on at least one legal basis")
    for kind in PRIMARY_ORDER:
        for basis in bases:
            if basis.kind is kind:
                return basis
    return bases[0]


# --- the conventions as the legal basis ---


CONVENTION_BASES = frozenset(
    {ExtraditionBasisKind.c1988, ExtraditionBasisKind.untoc, ExtraditionBasisKind.uncac}
)
CONVENTION_BASIS_CITATION = join(
    para("54(a)"),
    art(UNTOC, "16(4)", verify=True),
    art(UNTOC, "16(5)", verify=True),
    art(UNCAC, "44(5)", verify=True),
    art(C1988, "6(3)", verify=True),
)


def rests_on_conventions_alone(bases: Sequence[ExtraditionBasisKind]) -> bool:
    """Every basis of the request is UNTOC, UNCAC or the 1988 Convention."""
    return bool(bases) and all(kind in CONVENTION_BASES for kind in bases)


def convention_basis_accepted(
    bases: Sequence[ExtraditionBasisKind], *, accepts_conventions: bool | None
) -> Decision:
    """Whether the requested State can act on a request resting on the conventions alone.

    A State that makes extradition conditional on a treaty may consider UNTOC (art.
    16(4)), UNCAC (art. 44(5)) or the 1988 Convention (art. 6(3)) the legal basis, and
    says whether it does (UNTOC art. 16(5)(a)); the Plan of Action asks States to use
    the conventions as the basis where no treaty exists (para. 54(a)). When every basis
    of the request is one of these conventions and the requested State's profile says
    it does not take them as a basis, the request is refused before it is sent
    (``convention-basis-not-accepted``). A State without a profile (``None``) is not
    blocked; another basis (a treaty, reciprocity, domestic law) is enough.
    """
    if not rests_on_conventions_alone(bases):
        return Decision.of()
    if accepts_conventions is None or accepts_conventions:
        return Decision.of(
            reasons=[
                "The request rests on the conventions alone; the requested State is not "
                f"known to refuse them as the legal basis ({CONVENTION_BASIS_CITATION})."
            ]
        )
    return Decision.of(
        [
            Violation(
                code="convention-basis-not-accepted",
                message=(
                    "The request rests only on a multilateral convention and the requested "
                    "State's profile says it does not take the conventions as the legal "
                    "basis for extradition: add the treaty, reciprocity or domestic law it "
                    f"extradites on ({CONVENTION_BASIS_CITATION})."
                ),
                citation=CONVENTION_BASIS_CITATION,
                pointer="/legal_bases",
            )
        ]
    )
