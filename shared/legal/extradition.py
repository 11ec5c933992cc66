"""Extradition: legal bases, refusal grounds, extradite or prosecute, time limits.

DOMAIN.md "Extradition" (Plan of Action paras. 52-54). Pure: the facts, the
legal basis and the instants of the events come in; decisions, obligations and
due dates with their citations come out. Dual criminality is in
:mod:`shared.legal.dual_criminality`, the offences in :mod:`shared.legal.offences`.

**Legal bases.** :class:`ExtraditionBasisKind` adds the Model Treaty, the ECE
and the EAW to the kinds :mod:`shared.legal.bases` knows (same values where
they overlap). A basis carries its figures as ``parameters``
(:class:`BasisParameter`), with the instrument's figure as the default where it
has one (MTE [40] days, ECE 18/40 days, EAW 60/10/10 days); a bilateral treaty,
a convention used as the basis, reciprocity or domestic law must record its
own (the conventions leave them to domestic law and the treaties: UNTOC art.
16(7) (verify)), and a computation that needs a missing figure raises
:class:`BasisParameterMissing`.

**Refusal grounds** follow the checklist of the UNODC Model Law on Extradition
2004 (ss. 4-13), mandatory or optional as in the Model Treaty arts. 3 and 4
(verify the split); the ECE and the EAW have their own catalogues. The fiscal
nature of the offence alone is never a ground (UNTOC art. 16(15) (verify)), and
an offence under 1988 art. 3(1) is never a political offence (1988 art. 3(10)
(verify)).

**Time limits** are computed only through :func:`shared.calendar.due`, on the
local date of the event in the requested State's time zone, the event's own day
not counted unless the basis says so (``first_day_counted``). Every limit here
keeps a person in custody or decides on it, so none ever rolls to the next
working day (DESIGN.md "Casework": custody limits never roll).

Read in the text for this module: MTE arts. 1-2; ECE art. 2 and the titles of
arts. 1-32; ECE art. 16(4) (in translation); ECE Third Additional Protocol art.
6; EAW arts. 2(1)-(2) and 17; the titles of the Model Law's sections; the 1978
United States-Mexico treaty art. 2 (one year; six months remaining). The rest
comes from DOMAIN.md or is marked "(verify)".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field

from shared.calendar import CountingRule, DueDate, Period, due
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
    Purpose,
    SentenceMeasure,
    SentenceThreshold,
)
from shared.legal.grounds import GroundStatus
from shared.legal.offences import (
    C1988_NOT_POLITICAL_CITATION,
    EAW,
    Instrument,
    OffenceCategory,
    established_under,
    is_c1988_art3_1,
    offence,
)
from shared.legal.rules import Decision, Violation

MODEL_LAW = "UNODC Model Law on Extradition (2004)"


def section(provision: str) -> str:
    """A section of the Model Law: ``section("11")`` -> ``"... (2004), s. 11"``."""
    return f"{MODEL_LAW}, s. {provision}"


# --- legal bases ---


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


def _int_parameter(basis: ExtraditionBasis, parameter: BasisParameter) -> int | None:
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


def _first_day_counted(basis: ExtraditionBasis) -> bool:
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
            months=_int_parameter(basis, BasisParameter.threshold_months),
            citation=basis_provision(basis, BasisParameter.threshold_months),
            in_requested_state=not eaw,
            applies_to_enforcement=not eaw,
        ),
        sentence_threshold=SentenceThreshold(
            months=_int_parameter(basis, BasisParameter.sentence_threshold_months),
            measure=measure,
            citation=basis_provision(basis, BasisParameter.sentence_threshold_months),
        ),
        conduct_citation=EAW_CONDUCT_TEST_CITATION if eaw else CONDUCT_TEST_CITATION,
        eaw_list_months=EAW_LIST_MONTHS if eaw else None,
    )


# --- refusal grounds ---


class ExtraditionRefusalGround(StrEnum):
    """A ground for refusing extradition. Values are stored: never renamed."""

    political_offence = "political_offence"  # Model Law s.4
    # Prosecution or punishment on account of race, religion, nationality, ethnic
    # origin, political opinions, sex or status (Model Law s.5).
    discrimination = "discrimination"
    # Torture or cruel, inhuman or degrading treatment or punishment (s.6).
    torture = "torture"
    # Minimum guarantees in criminal proceedings not met (s.7).
    fair_trial = "fair_trial"
    # A judgment in absentia without notice or opportunity to defend, no retrial (s.7).
    in_absentia = "in_absentia"
    # Tried or to be tried by an extraordinary or ad hoc court or tribunal (s.7).
    ad_hoc_tribunal = "ad_hoc_tribunal"
    ne_bis_in_idem = "ne_bis_in_idem"  # s.8
    # Prosecution or punishment barred by lapse of time, or amnesty (s.9).
    lapse_of_time = "lapse_of_time"
    military_offence = "military_offence"  # s.10: not also an ordinary offence
    nationality = "nationality"  # s.11: the person is a national of the requested State
    death_penalty = "death_penalty"  # s.12: without sufficient assurances
    extraterritoriality = "extraterritoriality"  # s.13
    # Not an extraditable offence (MTE art. 2(1); Model Law s.3).
    lack_of_dual_criminality = "lack_of_dual_criminality"
    # Never a ground: kept so that an attempt is recognised, refused and counted.
    fiscal_offence = "fiscal_offence"


GROUND_LABELS: dict[ExtraditionRefusalGround, str] = {
    ExtraditionRefusalGround.political_offence: "political offence",
    ExtraditionRefusalGround.discrimination: "discrimination or persecution",
    ExtraditionRefusalGround.torture: "torture or cruel, inhuman or degrading treatment",
    ExtraditionRefusalGround.fair_trial: "minimum guarantees of a fair trial not met",
    ExtraditionRefusalGround.in_absentia: "judgment in absentia",
    ExtraditionRefusalGround.ad_hoc_tribunal: "extraordinary or ad hoc court or tribunal",
    ExtraditionRefusalGround.ne_bis_in_idem: "ne bis in idem",
    ExtraditionRefusalGround.lapse_of_time: "lapse of time or amnesty",
    ExtraditionRefusalGround.military_offence: "military offence",
    ExtraditionRefusalGround.nationality: "nationality of the person sought",
    ExtraditionRefusalGround.death_penalty: "death penalty",
    ExtraditionRefusalGround.extraterritoriality: "extraterritorial offence",
    ExtraditionRefusalGround.lack_of_dual_criminality: "lack of dual criminality",
    ExtraditionRefusalGround.fiscal_offence: "the fiscal nature of the offence",
}


@dataclass(frozen=True, slots=True)
class ExtraditionGroundRule:
    """What one legal basis says of one ground, and where."""

    status: GroundStatus
    citation: str
    purposes: frozenset[Purpose] = frozenset(Purpose)
    """The purposes it may be invoked for (the EAW: nationality for enforcement only)."""


_G = ExtraditionRefusalGround
_M, _O, _NEVER = GroundStatus.mandatory, GroundStatus.optional, GroundStatus.never

# The Model Law's checklist and the Model Treaty's split: art. 3 "shall not be
# granted" (mandatory), art. 4 "may be refused" (optional) (verify the split).
_MODEL: dict[ExtraditionRefusalGround, tuple[str, GroundStatus, str]] = {
    _G.political_offence: ("4", _M, "3(a)"),
    _G.discrimination: ("5", _M, "3(b)"),
    _G.military_offence: ("10", _M, "3(c)"),
    _G.ne_bis_in_idem: ("8", _M, "3(d)"),
    _G.lapse_of_time: ("9", _M, "3(e)"),
    _G.torture: ("6", _M, "3(f)"),
    _G.fair_trial: ("7", _M, "3(f)"),
    _G.in_absentia: ("7", _M, "3(g)"),
    _G.nationality: ("11", _O, "4(a)"),
    _G.death_penalty: ("12", _O, "4(d)"),
    _G.extraterritoriality: ("13", _O, "4(e)"),
    _G.ad_hoc_tribunal: ("7", _O, "4(g)"),
    _G.lack_of_dual_criminality: ("3", _M, "2(1)"),
}

# UNTOC art. 16(15): extradition may not be refused on the sole ground that the
# offence also involves fiscal matters (verify); MTE art. 2(3): nor because the
# requesting State does not impose the same kind of tax or duty.
FISCAL_OFFENCE_CITATION = join(art(UNTOC, "16(15)", verify=True), art(MTE, "2(3)"))

_FISCAL = ExtraditionGroundRule(_NEVER, FISCAL_OFFENCE_CITATION)


def _model_rule(ground: ExtraditionRefusalGround, *, own_text: bool) -> ExtraditionGroundRule:
    model_section, status, mte_article = _MODEL[ground]
    citation = join(section(model_section), f"{art(MTE, mte_article)} (verify the split)")
    if own_text:
        citation += "; the treaty's or law's own provision prevails"
    return ExtraditionGroundRule(status, citation)


def _model_catalogue(*, own_text: bool) -> dict[ExtraditionRefusalGround, ExtraditionGroundRule]:
    return {g: _model_rule(g, own_text=own_text) for g in _MODEL} | {_G.fiscal_offence: _FISCAL}


# ECE: arts. 3 (political offences, persecution), 4 (military), 6 (nationals), 7
# (place of commission), 9 (non bis in idem), 10 (lapse of time), 11 (capital
# punishment) by their titles; the status of each is from memory (verify).
# Torture, fair trial and ad hoc tribunals rest on the requested State's human
# rights obligations; in absentia on the Second Additional Protocol (verify).
_ECE_GROUNDS: dict[ExtraditionRefusalGround, ExtraditionGroundRule] = {
    _G.political_offence: ExtraditionGroundRule(_M, art(ECE, "3(1)")),
    _G.discrimination: ExtraditionGroundRule(_M, art(ECE, "3(2)", verify=True)),
    _G.military_offence: ExtraditionGroundRule(_M, art(ECE, "4")),
    _G.nationality: ExtraditionGroundRule(_O, art(ECE, "6(1)(a)", verify=True)),
    _G.extraterritoriality: ExtraditionGroundRule(_O, art(ECE, "7(2)", verify=True)),
    _G.ne_bis_in_idem: ExtraditionGroundRule(_M, art(ECE, "9", verify=True)),
    _G.lapse_of_time: ExtraditionGroundRule(_M, art(ECE, "10", verify=True)),
    _G.death_penalty: ExtraditionGroundRule(_O, art(ECE, "11", verify=True)),
    _G.in_absentia: ExtraditionGroundRule(
        _O, f"{ECE}, Second Additional Protocol (ETS 98), art. 3 (verify)"
    ),
    _G.torture: ExtraditionGroundRule(
        _M, join(section("6"), "European Convention on Human Rights, art. 3 (verify)")
    ),
    _G.fair_trial: ExtraditionGroundRule(
        _M, join(section("7"), "European Convention on Human Rights, art. 6 (verify)")
    ),
    _G.ad_hoc_tribunal: ExtraditionGroundRule(_O, join(section("7"), "(verify under the ECE)")),
    _G.lack_of_dual_criminality: ExtraditionGroundRule(_M, art(ECE, "2(1)")),
    _G.fiscal_offence: _FISCAL,
}

# EAW: mandatory non-execution art. 3, optional art. 4 and 4a; fundamental rights
# (art. 1(3)) as the Court of Justice reads them. No political-offence,
# military-offence or death-penalty ground exists between Member States.
_EAW_FUNDAMENTAL_RIGHTS = join(
    art(EAW, "1(3)", verify=True),
    "CJEU C-404/15 and C-659/15 PPU Aranyosi and Căldăraru; C-216/18 PPU LM (verify)",
)
_EAW_GROUNDS: dict[ExtraditionRefusalGround, ExtraditionGroundRule] = {
    _G.ne_bis_in_idem: ExtraditionGroundRule(_M, art(EAW, "3(2)", verify=True)),
    _G.lapse_of_time: ExtraditionGroundRule(_O, art(EAW, "4(4)", verify=True)),
    _G.lack_of_dual_criminality: ExtraditionGroundRule(_O, art(EAW, "4(1)", verify=True)),
    # Art. 4(6): only to execute the sentence itself; for prosecution art. 5(3)
    # allows a guarantee of return instead.
    _G.nationality: ExtraditionGroundRule(
        _O, art(EAW, "4(6)", verify=True), frozenset({Purpose.enforcement})
    ),
    _G.extraterritoriality: ExtraditionGroundRule(_O, art(EAW, "4(7)", verify=True)),
    _G.in_absentia: ExtraditionGroundRule(_O, art(EAW, "4a", verify=True)),
    _G.discrimination: ExtraditionGroundRule(
        _O, join(f"{EAW}, recital 12 (verify)", _EAW_FUNDAMENTAL_RIGHTS)
    ),
    _G.torture: ExtraditionGroundRule(_O, _EAW_FUNDAMENTAL_RIGHTS),
    _G.fair_trial: ExtraditionGroundRule(_O, _EAW_FUNDAMENTAL_RIGHTS),
    _G.fiscal_offence: ExtraditionGroundRule(
        _NEVER, join(FISCAL_OFFENCE_CITATION, art(EAW, "4(1)", verify=True))
    ),
}

_CATALOGUES: dict[ExtraditionBasisKind, dict[ExtraditionRefusalGround, ExtraditionGroundRule]] = {
    ExtraditionBasisKind.mte: _model_catalogue(own_text=False),
    ExtraditionBasisKind.ece: _ECE_GROUNDS,
    ExtraditionBasisKind.eaw: _EAW_GROUNDS,
    # The conventions subject extradition to the domestic law and the treaties of
    # the requested State (UNTOC art. 16(7) (verify)): the Model split as a guide.
    ExtraditionBasisKind.c1988: _model_catalogue(own_text=True),
    ExtraditionBasisKind.untoc: _model_catalogue(own_text=True),
    ExtraditionBasisKind.uncac: _model_catalogue(own_text=True),
    ExtraditionBasisKind.bilateral_treaty: _model_catalogue(own_text=True),
    ExtraditionBasisKind.reciprocity: _model_catalogue(own_text=True),
    ExtraditionBasisKind.domestic_law: _model_catalogue(own_text=True),
}


def catalogue(basis: ExtraditionBasisKind) -> dict[ExtraditionRefusalGround, ExtraditionGroundRule]:
    """The refusal grounds under ``basis``: a ground absent from it is not offered."""
    return dict(_CATALOGUES[basis])


REFUSAL_GROUNDS_CITATION = join(section("4-13"), art(MTE, "3-4", verify=True))
# MTE art. 10(2): reasons for any complete or partial refusal (verify); EAW art.
# 17(6): any refusal to execute a warrant must be motivated.
REFUSAL_REASONS_CITATION = join(art(MTE, "10(2)", verify=True), art(EAW, "17(6)"))
# UNCAC art. 44(4): no UNCAC offence is a political offence where UNCAC is the
# basis and the requested State's law so permits (verify).
UNCAC_NOT_POLITICAL_CITATION = art(UNCAC, "44(4)", verify=True)


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def assess_extradition_refusal(
    *,
    grounds: Sequence[ExtraditionRefusalGround],
    reasons: str | None,
    offence_categories: Sequence[OffenceCategory],
    bases: Sequence[ExtraditionBasisKind],
    purpose: Purpose | None = None,
) -> Decision:
    """Whether a refusal of extradition (of a request, or of some offences) may be recorded.

    ``grounds`` are indexed by the pointers ``/grounds/<i>``; ``offence_categories``
    are the categories of the offences refused; ``bases`` the request's legal
    bases; ``purpose`` the request's (nationality under the EAW depends on it).
    Violations:

    - ``forbidden-refusal-ground``: the fiscal nature of the offence (UNTOC art. 16(15));
    - ``political-offence-excluded``: political offence, where every offence
      refused is a 1988 art. 3(1) offence (1988 art. 3(10)), or an UNCAC offence
      with UNCAC as a basis (UNCAC art. 44(4));
    - ``ground-not-available``: none of the bases offers the ground (e.g. a
      political offence under the EAW);
    - ``refusal-ground-required``: no ground;
    - ``reasons-required``: no reasons.

    The reasons of the decision say for each ground whether it is mandatory or
    optional and where; a refusal on nationality adds the duty to extradite or
    prosecute (:func:`extradite_or_prosecute`).
    """
    violations: list[Violation] = []
    notes: list[str] = []
    kinds = list(dict.fromkeys(bases))
    categories = list(dict.fromkeys(offence_categories))

    if not grounds:
        violations.append(
            Violation(
                code="refusal-ground-required",
                message=(
                    "A refusal of extradition must name at least one ground from the "
                    f"catalogue of the request's legal bases ({REFUSAL_GROUNDS_CITATION})."
                ),
                citation=REFUSAL_GROUNDS_CITATION,
                pointer="/grounds",
            )
        )

    for i, ground in enumerate(grounds):
        pointer = f"/grounds/{i}"
        label = GROUND_LABELS[ground]
        if ground is ExtraditionRefusalGround.fiscal_offence:
            citation = _fiscal_citation(kinds, categories)
            violations.append(
                Violation(
                    code="forbidden-refusal-ground",
                    message=(
                        "Extradition may not be refused on the sole ground that the offence "
                        f"involves fiscal matters ({citation})."
                    ),
                    citation=citation,
                    pointer=pointer,
                )
            )
            continue
        if ground is ExtraditionRefusalGround.political_offence:
            excluded = _political_offence_excluded(kinds, categories, pointer)
            if excluded is not None:
                violations.append(excluded)
                continue
            notes.extend(_political_offence_notes(kinds, categories))
        offering = [
            (kind, rule)
            for kind in kinds
            if (rule := _CATALOGUES[kind].get(ground)) is not None
            and rule.status is not GroundStatus.never
            and (purpose is None or purpose in rule.purposes)
        ]
        if not offering:
            violations.append(_not_available(ground, kinds, purpose, pointer))
            continue
        for kind, rule in offering:
            notes.append(
                f"{_capitalised(label)}: a{'' if rule.status is _M else 'n'} "
                f"{rule.status.value} ground for refusal under the {BASIS_LABELS[kind]} "
                f"({rule.citation})."
            )

    if reasons is None or not reasons.strip():
        violations.append(
            Violation(
                code="reasons-required",
                message=(
                    "Reasons must be given for any refusal of extradition "
                    f"({REFUSAL_REASONS_CITATION})."
                ),
                citation=REFUSAL_REASONS_CITATION,
                pointer="/reasons",
            )
        )

    if ExtraditionRefusalGround.nationality in grounds:
        for obligation in extradite_or_prosecute(grounds, purpose or Purpose.prosecution):
            notes.append(obligation.message)
    return Decision.of(violations, notes)


def _fiscal_citation(
    kinds: Sequence[ExtraditionBasisKind], categories: Sequence[OffenceCategory]
) -> str:
    parts = [
        rule.citation
        for kind in kinds
        if (rule := _CATALOGUES[kind].get(ExtraditionRefusalGround.fiscal_offence))
    ] or [FISCAL_OFFENCE_CITATION]
    if any(is_c1988_art3_1(c) for c in categories):
        # 1988 art. 3(10): the art. 3 offences are not fiscal offences either.
        parts.append(C1988_NOT_POLITICAL_CITATION)
    return join(*dict.fromkeys(parts))


def _political_offence_excluded(
    kinds: Sequence[ExtraditionBasisKind], categories: Sequence[OffenceCategory], pointer: str
) -> Violation | None:
    if not categories:
        return None
    if all(is_c1988_art3_1(c) for c in categories):
        citation = C1988_NOT_POLITICAL_CITATION
        return Violation(
            code="political-offence-excluded",
            message=(
                "An offence under 1988 Convention art. 3(1) shall not be considered a political "
                f"offence or as politically motivated ({citation})."
            ),
            citation=citation,
            pointer=pointer,
        )
    uncac_offences = established_under(Instrument.uncac)
    if ExtraditionBasisKind.uncac in kinds and all(c in uncac_offences for c in categories):
        citation = UNCAC_NOT_POLITICAL_CITATION
        return Violation(
            code="political-offence-excluded",
            message=(
                "With UNCAC as the legal basis, an offence established under UNCAC is not "
                f"considered a political offence where the requested State's law so permits "
                f"({citation})."
            ),
            citation=citation,
            pointer=pointer,
        )
    return None


def _political_offence_notes(
    kinds: Sequence[ExtraditionBasisKind], categories: Sequence[OffenceCategory]
) -> list[str]:
    drug = [c for c in categories if is_c1988_art3_1(c)]
    if not drug:
        return []
    return [
        "Political offence: it cannot cover the offences under 1988 Convention art. 3(1) "
        f"({'; '.join(offence(c).label for c in drug)}); the refusal on this ground can concern "
        "only the other offences "
        f"({C1988_NOT_POLITICAL_CITATION})."
    ]


def _not_available(
    ground: ExtraditionRefusalGround,
    kinds: Sequence[ExtraditionBasisKind],
    purpose: Purpose | None,
    pointer: str,
) -> Violation:
    citation = join(*(BASIS_CITATIONS[k] for k in kinds)) if kinds else REFUSAL_GROUNDS_CITATION
    where = citation if kinds else f"none recorded; {citation}"
    restricted = [
        rule
        for kind in kinds
        if (rule := _CATALOGUES[kind].get(ground)) is not None
        and purpose is not None
        and purpose not in rule.purposes
    ]
    if restricted:
        citation = join(*(rule.citation for rule in restricted))
        only = ", ".join(sorted(p.value for rule in restricted for p in rule.purposes))
        message = (
            f"{_capitalised(GROUND_LABELS[ground])} is a ground for refusal only for "
            f"{only}, not for {purpose} ({citation})."
        )
    else:
        message = (
            f"{_capitalised(GROUND_LABELS[ground])} is not a ground for refusing extradition "
            f"under the request's legal bases ({where})."
        )
    return Violation(
        code="ground-not-available", message=message, citation=citation, pointer=pointer
    )


# --- prior consultation (UNTOC art. 16(16)) ---

CONSULTATION_CITATION = art(UNTOC, "16(16)", verify=True)


def refusal_consultation_requirement(
    *, has_consultation_on_topic: bool, no_consultation_reason: str | None
) -> Decision:
    """Whether a refusal of extradition has its prior consultation.

    Before refusing, the requested State consults the requesting State, where
    appropriate, to let it present its opinions and information (UNTOC art.
    16(16) (verify paragraph number)). Comity accepts a consultation on the
    refusal or a supervisor's recorded reason why none was appropriate;
    otherwise ``consultation-required`` (pointer ``/no_consultation_reason``).
    """
    if has_consultation_on_topic:
        return Decision.of(
            reasons=[f"A consultation on the refusal was held ({CONSULTATION_CITATION})."]
        )
    if no_consultation_reason is not None and no_consultation_reason.strip():
        return Decision.of(
            reasons=[
                "No consultation on the refusal: the supervisor recorded why none was "
                f"appropriate ({CONSULTATION_CITATION})."
            ]
        )
    return Decision.of(
        [
            Violation(
                code="consultation-required",
                message=(
                    "Before refusing extradition, consult the requesting State to let it present "
                    "its opinions and information, or record why a consultation was not "
                    f"appropriate ({CONSULTATION_CITATION})."
                ),
                citation=CONSULTATION_CITATION,
                pointer="/no_consultation_reason",
            )
        ]
    )


# --- extradite or prosecute ---


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


def extradite_or_prosecute(
    grounds: Sequence[ExtraditionRefusalGround], purpose: Purpose
) -> tuple[Obligation, ...]:
    """The duties a refusal on ``grounds`` for ``purpose`` leaves the requested State.

    Refused because the person is a national: for prosecution, submit the case
    without undue delay to the competent authorities for prosecution (UNTOC art.
    16(10), at the request of the requesting State; 1988 art. 6(9)(a), unless
    otherwise agreed; UNCAC art. 44(11); PoA para. 54(d); Model Law s.15); for
    enforcement of a sentence, consider enforcing the sentence itself, if its
    law permits, on the requesting State's application (UNTOC art. 16(12); 1988
    art. 6(10)). The person is already convicted, so the second replaces the
    first. No nationality ground: no obligation.
    """
    if ExtraditionRefusalGround.nationality not in grounds:
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


# --- time limits ---


class DeadlineKind(StrEnum):
    """An extradition time limit. Values are stored: never renamed."""

    # ECE art. 16(4): the person may be released if the formal request has not
    # arrived within this limit.
    formal_request_release_possible = "formal_request_release_possible"
    # The person is released if the formal request has not arrived: MTE [40]
    # days; ECE 40 days at most; a treaty's own figure.
    formal_request = "formal_request"
    eaw_decision = "eaw_decision"  # EAW art. 17(3): 60 days after arrest
    eaw_decision_after_consent = "eaw_decision_after_consent"  # EAW art. 17(2): 10 days
    # ECE Third Additional Protocol art. 6(1): say within 10 days of the provisional
    # arrest whether the person consents to extradition.
    consent_notification = "consent_notification"
    surrender = "surrender"  # EAW art. 23(2): 10 days after the final decision
    surrender_new_date = "surrender_new_date"  # EAW art. 23(3): 10 days from a new date


def custody_rule(*, first_day_counted: bool = False) -> CountingRule:
    """The counting rule of every custody limit: it never rolls to a working day."""
    return CountingRule(first_day_counted=first_day_counted, roll_to_working_day=False)


@dataclass(frozen=True, slots=True)
class ExtraditionDeadline:
    """A time limit computed from an event, with where it comes from.

    ``started_at``, ``period``, ``rule`` and ``due`` are the fields of
    :class:`shared.casework.deadlines.DeadlinePlan`; the service adds the
    responsible side and the calendar (``country`` and ``due.tz``).
    """

    kind: DeadlineKind
    started_at: datetime
    local_start_date: date
    """The local date of the event in ``due.tz``: what the count starts from."""
    period: Period
    rule: CountingRule
    due: DueDate
    country: str
    citation: str
    message: str
    extended: bool = False


def _deadline(
    kind: DeadlineKind,
    *,
    start: datetime,
    days: int,
    country: str,
    tz: str,
    first_day_counted: bool,
    citation: str,
    what: str,
    extended: bool = False,
) -> ExtraditionDeadline:
    period = Period(days, "calendar_days")
    rule = custody_rule(first_day_counted=first_day_counted)
    due_date = due(start, period, country=country, tz=tz, rule=rule)
    local_start = start.astimezone(ZoneInfo(tz)).date()
    counted = "counted from that day" if first_day_counted else "not counting that day"
    message = (
        f"{what}: {days} days from {local_start.isoformat()} (local date in {tz}, {counted}), "
        f"due by the end of {due_date.date.isoformat()}; a custody limit never moves to the "
        f"next working day ({citation})."
    )
    return ExtraditionDeadline(
        kind=kind,
        started_at=start,
        local_start_date=local_start,
        period=period,
        rule=rule,
        due=due_date,
        country=country,
        citation=citation,
        message=message,
        extended=extended,
    )


@dataclass(frozen=True, slots=True)
class ProvisionalArrestLimits:
    """What runs from a provisional arrest until the formal request arrives."""

    formal_request: ExtraditionDeadline
    """The person is released if the request has not arrived (MTE [40]; ECE 40; a treaty's)."""
    release_possible: ExtraditionDeadline | None = None
    """ECE art. 16(4): release possible from then (18 days); None where the basis has none."""

    @property
    def formal_request_due(self) -> DueDate:
        """The date to show on the request: the first limit after which the person
        may walk free (ECE: 18 days, else the release limit)."""
        return (self.release_possible or self.formal_request).due

    @property
    def deadlines(self) -> tuple[ExtraditionDeadline, ...]:
        return tuple(d for d in (self.release_possible, self.formal_request) if d is not None)


def provisional_arrest_limits(
    basis: ExtraditionBasis, *, arrested_at: datetime, country: str, tz: str
) -> ProvisionalArrestLimits:
    """The formal-request limits that run from a provisional arrest at ``arrested_at``
    in the requested State (``country``, its IANA ``tz``).

    MTE: released after [40] days (parameter ``provisional_arrest_days``, art.
    9(4) (verify)); ECE art. 16(4): release possible after 18 days, never beyond
    40; a bilateral treaty, a convention, reciprocity or domestic law: the
    figure recorded on the basis (e.g. United States-Mexico 1978: 60 days, art.
    11 (verify)). The EAW has no formal request: use :func:`deadlines_at_arrest`
    or :func:`eaw_decision_due`. Raises :class:`BasisParameterMissing` when the
    basis records no figure.
    """
    if basis.kind is ExtraditionBasisKind.eaw:
        raise ValueError(
            "a European arrest warrant has no formal request after arrest; the decision "
            f"limits of {art(EAW, '17')} apply (eaw_decision_due)"
        )
    days = _int_parameter(basis, BasisParameter.provisional_arrest_days)
    if days is None:
        raise BasisParameterMissing(
            basis,
            BasisParameter.provisional_arrest_days,
            "the time limit for the formal request after a provisional arrest",
        )
    first_day = _first_day_counted(basis)
    formal = _deadline(
        DeadlineKind.formal_request,
        start=arrested_at,
        days=days,
        country=country,
        tz=tz,
        first_day_counted=first_day,
        citation=basis_provision(basis, BasisParameter.provisional_arrest_days),
        what="Formal request due: the person provisionally arrested is released if it has not "
        "been received",
    )
    possible_days = _int_parameter(basis, BasisParameter.provisional_arrest_release_possible_days)
    possible = None
    if possible_days is not None:
        possible = _deadline(
            DeadlineKind.formal_request_release_possible,
            start=arrested_at,
            days=possible_days,
            country=country,
            tz=tz,
            first_day_counted=first_day,
            citation=basis_provision(
                basis, BasisParameter.provisional_arrest_release_possible_days
            ),
            what="Formal request expected: the person provisionally arrested may be released if "
            "it has not been received",
        )
    return ProvisionalArrestLimits(formal_request=formal, release_possible=possible)


ECE_3AP = f"{ECE}, Third Additional Protocol (CETS 209)"
ECE_CONSENT_NOTIFICATION_DAYS = 10


def ece_consent_notification_due(
    *, arrested_at: datetime, country: str, tz: str
) -> ExtraditionDeadline:
    """ECE Third Additional Protocol art. 6(1): the requested Party tells the
    requesting Party, at the latest 10 days after the provisional arrest, whether
    the person consents to extradition (simplified extradition)."""
    return _deadline(
        DeadlineKind.consent_notification,
        start=arrested_at,
        days=ECE_CONSENT_NOTIFICATION_DAYS,
        country=country,
        tz=tz,
        first_day_counted=False,
        citation=art(ECE_3AP, "6(1)"),
        what="Notice to the requesting Party whether the person consents to extradition due",
    )


EAW_DECISION_DAYS = 60
EAW_DECISION_AFTER_CONSENT_DAYS = 10
EAW_EXTENSION_DAYS = 30
EAW_SURRENDER_DAYS = 10


def eaw_decision_due(*, arrested_at: datetime, country: str, tz: str) -> ExtraditionDeadline:
    """EAW art. 17(3): the final decision within 60 days after the arrest."""
    return _deadline(
        DeadlineKind.eaw_decision,
        start=arrested_at,
        days=EAW_DECISION_DAYS,
        country=country,
        tz=tz,
        first_day_counted=False,
        citation=art(EAW, "17(3)"),
        what="Final decision on the European arrest warrant due",
    )


def eaw_decision_due_after_consent(
    *, consented_at: datetime, country: str, tz: str
) -> ExtraditionDeadline:
    """EAW art. 17(2): the final decision within 10 days after the person consents."""
    return _deadline(
        DeadlineKind.eaw_decision_after_consent,
        start=consented_at,
        days=EAW_DECISION_AFTER_CONSENT_DAYS,
        country=country,
        tz=tz,
        first_day_counted=False,
        citation=art(EAW, "17(2)"),
        what="Final decision on the European arrest warrant due after consent to surrender",
    )


_EXTENDABLE = (DeadlineKind.eaw_decision, DeadlineKind.eaw_decision_after_consent)
EXTENSION_CITATION = art(EAW, "17(4)")


def assess_eaw_extension(deadline: ExtraditionDeadline, *, reasons: str | None) -> Decision:
    """Whether ``deadline`` may be extended by 30 days (EAW art. 17(4)).

    Only the decision limits of art. 17(2)-(3) extend, once; the executing
    authority informs the issuing authority, giving the reasons for the delay.
    Violations: ``extension-not-available``, ``reasons-required``.
    """
    violations: list[Violation] = []
    if deadline.kind not in _EXTENDABLE or deadline.extended:
        why = "it was extended already" if deadline.extended else "it is not a decision limit"
        violations.append(
            Violation(
                code="extension-not-available",
                message=(
                    "Only the time limits for the final decision on a European arrest warrant "
                    f"may be extended, once, by {EAW_EXTENSION_DAYS} days: {why} "
                    f"({EXTENSION_CITATION})."
                ),
                citation=EXTENSION_CITATION,
                pointer="/deadline",
            )
        )
    if reasons is None or not reasons.strip():
        violations.append(
            Violation(
                code="reasons-required",
                message=(
                    "To extend the time limit, inform the issuing judicial authority of the "
                    f"reasons for the delay ({EXTENSION_CITATION})."
                ),
                citation=EXTENSION_CITATION,
                pointer="/reasons",
            )
        )
    return Decision.of(
        violations,
        [f"The time limit may be extended by {EAW_EXTENSION_DAYS} days ({EXTENSION_CITATION})."]
        if not violations
        else [],
    )


def extend_eaw_decision(deadline: ExtraditionDeadline) -> ExtraditionDeadline:
    """``deadline`` extended by 30 days from the same event (EAW art. 17(4)).

    Check :func:`assess_eaw_extension` first; an extension that it refuses raises
    ValueError here.
    """
    if deadline.kind not in _EXTENDABLE or deadline.extended:
        raise ValueError(f"{deadline.kind} cannot be extended ({EXTENSION_CITATION})")
    return _deadline(
        deadline.kind,
        start=deadline.started_at,
        days=deadline.period.amount + EAW_EXTENSION_DAYS,
        country=deadline.country,
        tz=deadline.due.tz,
        first_day_counted=deadline.rule.first_day_counted,
        citation=join(deadline.citation, EXTENSION_CITATION),
        what="Final decision on the European arrest warrant due, extended by "
        f"{EAW_EXTENSION_DAYS} days with reasons given",
        extended=True,
    )


def surrender_due(
    basis: ExtraditionBasis, *, final_decision_at: datetime, country: str, tz: str
) -> ExtraditionDeadline:
    """The surrender limit after the final decision at ``final_decision_at``.

    EAW art. 23(2): within 10 days of the final decision (verify); any other basis:
    its ``surrender_days``, or :class:`BasisParameterMissing`.
    """
    days = _int_parameter(basis, BasisParameter.surrender_days)
    if days is None:
        raise BasisParameterMissing(
            basis, BasisParameter.surrender_days, "the time limit for surrender"
        )
    return _deadline(
        DeadlineKind.surrender,
        start=final_decision_at,
        days=days,
        country=country,
        tz=tz,
        first_day_counted=_first_day_counted(basis),
        citation=basis_provision(basis, BasisParameter.surrender_days),
        what="Surrender due after the final decision; the person is released if not surrendered",
    )


def eaw_surrender_due_on_new_date(
    *, agreed_date: date, country: str, tz: str
) -> ExtraditionDeadline:
    """EAW art. 23(3): surrender prevented by circumstances beyond control; within
    10 days of the new date agreed (verify)."""
    # The count runs from the agreed local date: any instant of that day will do.
    start = datetime.combine(agreed_date, time(12), tzinfo=ZoneInfo(tz))
    return _deadline(
        DeadlineKind.surrender_new_date,
        start=start,
        days=EAW_SURRENDER_DAYS,
        country=country,
        tz=tz,
        first_day_counted=False,
        citation=art(EAW, "23(3)", verify=True),
        what="Surrender due after the new date agreed",
    )


def deadlines_at_arrest(
    basis: ExtraditionBasis, *, arrested_at: datetime, country: str, tz: str
) -> tuple[ExtraditionDeadline, ...]:
    """Every limit that starts with the arrest of the person sought, for ``basis``:
    the EAW decision limit, or the formal-request limits after a provisional arrest."""
    if basis.kind is ExtraditionBasisKind.eaw:
        return (eaw_decision_due(arrested_at=arrested_at, country=country, tz=tz),)
    return provisional_arrest_limits(
        basis, arrested_at=arrested_at, country=country, tz=tz
    ).deadlines


# --- bilateral treaties between the demo States ---

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


def bilateral_treaties(country: str, other: str) -> tuple[ExtraditionBasis, ...]:
    """The bilateral extradition treaties between two States that Comity knows."""
    return BILATERAL_TREATIES.get(frozenset({country, other}), ())


# ---------------------------------------------------------------------------
# The conventions as the legal basis


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
