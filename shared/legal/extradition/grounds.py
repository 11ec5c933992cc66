"""Refusal of extradition: the grounds per legal basis and whether a refusal may be recorded.

The grounds follow the checklist of the UNODC Model Law on Extradition 2004 (ss.
4-13), mandatory or optional as in the Model Treaty arts. 3 and 4 (verify the
split); the ECE and the EAW have their own catalogues. The fiscal nature of the
offence alone is never a ground (UNTOC art. 16(15) (verify)), an offence under
1988 art. 3(1) is never a political offence (1988 art. 3(10) (verify)), and
nationality is a ground only for a national of the requested State (Model Law
s.11).
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from shared.legal.citations import UNCAC, UNTOC, art, join, section
from shared.legal.cooperation import Purpose
from shared.legal.dual_criminality import ECE, MTE
from shared.legal.extradition.bases import BASIS_CITATIONS, BASIS_LABELS, ExtraditionBasisKind
from shared.legal.extradition.obligations import extradite_or_prosecute
from shared.legal.offences import (
    C1988_NOT_POLITICAL_CITATION,
    EAW,
    Instrument,
    OffenceCategory,
    established_under,
    is_c1988_art3_1,
    offence,
)
from shared.legal.rules import Decision, GroundRule, GroundStatus, Violation


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

_FISCAL = GroundRule(_NEVER, FISCAL_OFFENCE_CITATION)


def _model_rule(ground: ExtraditionRefusalGround, *, own_text: bool) -> GroundRule:
    model_section, status, mte_article = _MODEL[ground]
    citation = join(section(model_section), f"{art(MTE, mte_article)} (verify the split)")
    if own_text:
        citation += "; the treaty's or law's own provision prevails"
    return GroundRule(status, citation)


def _model_catalogue(*, own_text: bool) -> dict[ExtraditionRefusalGround, GroundRule]:
    return {g: _model_rule(g, own_text=own_text) for g in _MODEL} | {_G.fiscal_offence: _FISCAL}


# ECE: arts. 3 (political offences, persecution), 4 (military), 6 (nationals), 7
# (place of commission), 9 (non bis in idem), 10 (lapse of time), 11 (capital
# punishment) by their titles; the status of each is from memory (verify).
# Torture, fair trial and ad hoc tribunals rest on the requested State's human
# rights obligations; in absentia on the Second Additional Protocol (verify).
_ECE_GROUNDS: dict[ExtraditionRefusalGround, GroundRule] = {
    _G.political_offence: GroundRule(_M, art(ECE, "3(1)")),
    _G.discrimination: GroundRule(_M, art(ECE, "3(2)", verify=True)),
    _G.military_offence: GroundRule(_M, art(ECE, "4")),
    _G.nationality: GroundRule(_O, art(ECE, "6(1)(a)", verify=True)),
    _G.extraterritoriality: GroundRule(_O, art(ECE, "7(2)", verify=True)),
    _G.ne_bis_in_idem: GroundRule(_M, art(ECE, "9", verify=True)),
    _G.lapse_of_time: GroundRule(_M, art(ECE, "10", verify=True)),
    _G.death_penalty: GroundRule(_O, art(ECE, "11", verify=True)),
    _G.in_absentia: GroundRule(_O, f"{ECE}, Second Additional Protocol (ETS 98), art. 3 (verify)"),
    _G.torture: GroundRule(
        _M, join(section("6"), "European Convention on Human Rights, art. 3 (verify)")
    ),
    _G.fair_trial: GroundRule(
        _M, join(section("7"), "European Convention on Human Rights, art. 6 (verify)")
    ),
    _G.ad_hoc_tribunal: GroundRule(_O, join(section("7"), "(verify under the ECE)")),
    _G.lack_of_dual_criminality: GroundRule(_M, art(ECE, "2(1)")),
    _G.fiscal_offence: _FISCAL,
}

# EAW: mandatory non-execution art. 3, optional art. 4 and 4a; fundamental rights
# (art. 1(3)) as the Court of Justice reads them. No political-offence,
# military-offence or death-penalty ground exists between Member States.
_EAW_FUNDAMENTAL_RIGHTS = join(
    art(EAW, "1(3)", verify=True),
    "CJEU C-404/15 and C-659/15 PPU Aranyosi and Căldăraru; C-216/18 PPU LM (verify)",
)
_EAW_GROUNDS: dict[ExtraditionRefusalGround, GroundRule] = {
    _G.ne_bis_in_idem: GroundRule(_M, art(EAW, "3(2)", verify=True)),
    _G.lapse_of_time: GroundRule(_O, art(EAW, "4(4)", verify=True)),
    _G.lack_of_dual_criminality: GroundRule(_O, art(EAW, "4(1)", verify=True)),
    # Art. 4(6): only to execute the sentence itself; for prosecution art. 5(3)
    # allows a guarantee of return instead.
    _G.nationality: GroundRule(_O, art(EAW, "4(6)", verify=True), frozenset({Purpose.enforcement})),
    _G.extraterritoriality: GroundRule(_O, art(EAW, "4(7)", verify=True)),
    _G.in_absentia: GroundRule(_O, art(EAW, "4a", verify=True)),
    _G.discrimination: GroundRule(_O, join(f"{EAW}, recital 12 (verify)", _EAW_FUNDAMENTAL_RIGHTS)),
    _G.torture: GroundRule(_O, _EAW_FUNDAMENTAL_RIGHTS),
    _G.fair_trial: GroundRule(_O, _EAW_FUNDAMENTAL_RIGHTS),
    _G.fiscal_offence: GroundRule(
        _NEVER, join(FISCAL_OFFENCE_CITATION, art(EAW, "4(1)", verify=True))
    ),
}

_CATALOGUES: dict[ExtraditionBasisKind, dict[ExtraditionRefusalGround, GroundRule]] = {
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


def catalogue(basis: ExtraditionBasisKind) -> dict[ExtraditionRefusalGround, GroundRule]:
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
        for obligation in extradite_or_prosecute(
            nationality=True, purpose=purpose or Purpose.prosecution
        ):
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


NATIONALITY_CITATION = join(section("11"), art(MTE, "4(a)"))


def assess_nationality_ground(
    grounds: Sequence[ExtraditionRefusalGround],
    *,
    person_nationalities: Sequence[str],
    requested_country: str,
) -> Decision:
    """A refusal on nationality needs the person sought to be a national of the
    requested State (Model Law s.11; MTE art. 4(a)): ``nationality-ground-not-met``
    otherwise, at the ground's pointer."""
    if ExtraditionRefusalGround.nationality not in grounds:
        return Decision.of()
    if requested_country in person_nationalities:
        return Decision.of(
            reasons=[
                f"The person sought is a national of {requested_country} ({NATIONALITY_CITATION})."
            ]
        )
    index = list(grounds).index(ExtraditionRefusalGround.nationality)
    return Decision.of(
        [
            Violation(
                code="nationality-ground-not-met",
                message=(
                    "Extradition is refused on nationality only when the person sought is a "
                    f"national of the requested State ({NATIONALITY_CITATION}); the person's "
                    f"recorded nationalities do not include {requested_country}."
                ),
                citation=NATIONALITY_CITATION,
                pointer=f"/grounds/{index}",
            )
        ]
    )


def refusal_citations(
    grounds: Sequence[ExtraditionRefusalGround], bases: Sequence[ExtraditionBasisKind]
) -> list[str]:
    """Where each ground of a refusal stands in the request's legal bases, in order."""
    return list(
        dict.fromkeys(
            rule.citation
            for kind in bases
            for ground in grounds
            if (rule := _CATALOGUES[kind].get(ground)) is not None
        )
    )
