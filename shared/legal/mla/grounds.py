"""Refusal and postponement of mutual legal assistance: the grounds per legal basis.

docs/domain.md "Mutual legal assistance". Which grounds a refusal may rest on depends
on the request's legal bases (:func:`catalogue`): under the conventions UNTOC
art. 18(21) and 1988 art. 7(15); under a treaty on the UN Model Treaty its art.
4(1); under domestic law or reciprocity what that law provides. Two grounds are
never grounds: bank secrecy (1988 art. 7(5); UNTOC art. 18(8); PoA para.
51(a)(iv)) and the fiscal nature of the offence alone (UNTOC art. 18(22)).
Reasons must be given for any refusal (UNTOC art. 18(23); 1988 art. 7(16)); the
consultation that precedes a refusal or postponement (UNTOC art. 18(26)) is
:mod:`shared.legal.consultation`.

Read in the text: 1988 art. 7(5); Model Treaty art. 4(1)(a) (essential
interests), (b) (political offence) and (c) (persecution). The rest comes from
docs/domain.md or is marked "(verify)".
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from shared.legal.bases import BASIS_CITATIONS, BASIS_LABELS, LegalBasisKind
from shared.legal.citations import C1988, EIO, MTMLA, UNCAC, UNTOC, art, join, para
from shared.legal.mla.request import (
    DUAL_CRIMINALITY_CITATION,
    MEASURE_LABELS,
    DualCriminalityRule,
    Measure,
    dual_criminality_required,
    is_coercive,
)
from shared.legal.rules import Decision, GroundRule, GroundStatus, Violation


class RefusalGround(StrEnum):
    """A ground for refusing mutual legal assistance. Values are stored: never renamed."""

    request_not_in_conformity = "request_not_in_conformity"
    # Sovereignty, security, ordre public or other essential interests.
    essential_interests = "essential_interests"
    # Domestic law would prohibit the action for a similar domestic offence.
    domestic_law_prohibits = "domestic_law_prohibits"
    # Contrary to the requested State's legal system relating to MLA.
    contrary_to_legal_system = "contrary_to_legal_system"
    political_offence = "political_offence"
    # Prosecution or punishment on account of race, sex, religion, nationality,
    # ethnic origin or political opinions.
    persecution = "persecution"
    ne_bis_in_idem = "ne_bis_in_idem"
    # An offence under military law that is not also an ordinary offence.
    military_offence = "military_offence"
    lack_of_dual_criminality = "lack_of_dual_criminality"
    # A ground of the requested State's domestic law that no value above names;
    # the reasons name the provision.
    domestic_law_ground = "domestic_law_ground"
    # Never grounds: kept so that an attempt is recognised, refused and counted.
    bank_secrecy = "bank_secrecy"
    fiscal_offence = "fiscal_offence"


GROUND_LABELS: dict[RefusalGround, str] = {
    RefusalGround.request_not_in_conformity: "the request is not in conformity",
    RefusalGround.essential_interests: (
        "sovereignty, security, ordre public or other essential interests"
    ),
    RefusalGround.domestic_law_prohibits: (
        "domestic law would prohibit the action for a similar domestic offence"
    ),
    RefusalGround.contrary_to_legal_system: "contrary to the legal system of the requested State",
    RefusalGround.political_offence: "political offence",
    RefusalGround.persecution: "persecution",
    RefusalGround.ne_bis_in_idem: "ne bis in idem",
    RefusalGround.military_offence: "military offence",
    RefusalGround.lack_of_dual_criminality: "lack of dual criminality",
    RefusalGround.domestic_law_ground: "a ground under the requested State's domestic law",
    RefusalGround.bank_secrecy: "bank secrecy",
    RefusalGround.fiscal_offence: "the fiscal nature of the offence",
}


# --- the never grounds ---

# Bank secrecy: 1988 art. 7(5) and UNTOC art. 18(8) lie outside the paragraphs a
# treaty between the Parties displaces (1988 art. 7(7) (verify); UNTOC art. 18(7)
# (verify)), so the prohibition holds whatever basis the request names.
BANK_SECRECY_CITATION = join(art(C1988, "7(5)"), art(UNTOC, "18(8)"), para("51(a)(iv)"))
# The fiscal nature alone: UNTOC art. 18(22). It is among the paragraphs a treaty
# may displace (UNTOC art. 18(7) (verify)); Comity applies it under every basis.
FISCAL_OFFENCE_CITATION = art(UNTOC, "18(22)")

NEVER_GROUNDS: dict[RefusalGround, GroundRule] = {
    RefusalGround.bank_secrecy: GroundRule(GroundStatus.never, BANK_SECRECY_CITATION),
    RefusalGround.fiscal_offence: GroundRule(GroundStatus.never, FISCAL_OFFENCE_CITATION),
}
"""Grounds that are never grounds, whatever the legal basis."""


# --- the catalogue per basis ---


def _may(pairs: Sequence[tuple[RefusalGround, str]]) -> dict[RefusalGround, GroundRule]:
    # Every instrument below says assistance "may be refused": optional grounds.
    return {ground: GroundRule(GroundStatus.optional, citation) for ground, citation in pairs}


def _convention_grounds(
    instrument: str, paragraph: str, *, verify: bool
) -> dict[RefusalGround, GroundRule]:
    # UNTOC art. 18(21)(a)-(d); 1988 art. 7(15)(a)-(d); UNCAC art. 46(21)(a)-(d).
    return _may(
        [
            (
                RefusalGround.request_not_in_conformity,
                art(instrument, f"{paragraph}(a)", verify=verify),
            ),
            (RefusalGround.essential_interests, art(instrument, f"{paragraph}(b)", verify=verify)),
            (
                RefusalGround.domestic_law_prohibits,
                art(instrument, f"{paragraph}(c)", verify=verify),
            ),
            (
                RefusalGround.contrary_to_legal_system,
                art(instrument, f"{paragraph}(d)", verify=verify),
            ),
        ]
    )


def _every_ground(citation: str) -> dict[RefusalGround, GroundRule]:
    return _may([(g, citation) for g in RefusalGround if g not in NEVER_GROUNDS])


_DOMESTIC_LAW = "the requested State's domestic law (name the provision in the reasons)"

_CATALOGUES: dict[LegalBasisKind, dict[RefusalGround, GroundRule]] = {
    # 1988 art. 7 has no dual-criminality ground: every Party makes the art. 3(1)
    # offences criminal, so the conduct is punishable in both States.
    LegalBasisKind.c1988: _convention_grounds(C1988, "7(15)", verify=False) | NEVER_GROUNDS,
    LegalBasisKind.untoc: _convention_grounds(UNTOC, "18(21)", verify=False)
    | _may([(RefusalGround.lack_of_dual_criminality, art(UNTOC, "18(9)"))])
    | NEVER_GROUNDS,
    # UNCAC art. 46(9)(b): may decline for lack of dual criminality, but renders
    # non-coercive assistance where consistent with the basic concepts of its
    # legal system (an advisory in assess_refusal).
    LegalBasisKind.uncac: _convention_grounds(UNCAC, "46(21)", verify=True)
    | _may([(RefusalGround.lack_of_dual_criminality, art(UNCAC, "46(9)(b)"))])
    | {
        RefusalGround.bank_secrecy: GroundRule(
            GroundStatus.never, join(BANK_SECRECY_CITATION, art(UNCAC, "46(8)", verify=True))
        ),
        RefusalGround.fiscal_offence: GroundRule(
            GroundStatus.never, join(FISCAL_OFFENCE_CITATION, art(UNCAC, "46(22)", verify=True))
        ),
    },
    # Model Treaty art. 4(1): (a)-(c) read; (d)-(f) (verify). No dual-criminality
    # ground in its text: a treaty that adds one is recorded as bilateral_treaty.
    LegalBasisKind.mtmla: _may(
        [
            (RefusalGround.essential_interests, art(MTMLA, "4(1)(a)")),
            (RefusalGround.political_offence, art(MTMLA, "4(1)(b)")),
            (RefusalGround.persecution, art(MTMLA, "4(1)(c)")),
            (RefusalGround.ne_bis_in_idem, art(MTMLA, "4(1)(d)", verify=True)),
            # Compulsory measures inconsistent with its law in a similar domestic case.
            (RefusalGround.domestic_law_prohibits, art(MTMLA, "4(1)(e)", verify=True)),
            (RefusalGround.military_offence, art(MTMLA, "4(1)(f)", verify=True)),
        ]
    )
    | NEVER_GROUNDS,
    # A treaty Comity does not know: any ground may be in it; the officer checks.
    LegalBasisKind.bilateral_treaty: _every_ground(
        "the refusal article of the bilateral treaty (verify against its text)"
    )
    | NEVER_GROUNDS,
    # Directive 2014/41/EU art. 11(1): grounds for non-recognition (verify all).
    LegalBasisKind.eio: _may(
        [
            (RefusalGround.essential_interests, art(EIO, "11(1)(b)", verify=True)),
            (RefusalGround.domestic_law_prohibits, art(EIO, "11(1)(c), (h)", verify=True)),
            (RefusalGround.ne_bis_in_idem, art(EIO, "11(1)(d)", verify=True)),
            # Fundamental rights under art. 6 TEU and the Charter.
            (RefusalGround.persecution, art(EIO, "11(1)(f)", verify=True)),
            (RefusalGround.lack_of_dual_criminality, art(EIO, "11(1)(g)", verify=True)),
        ]
    )
    | {
        RefusalGround.bank_secrecy: NEVER_GROUNDS[RefusalGround.bank_secrecy],
        RefusalGround.fiscal_offence: GroundRule(
            GroundStatus.never, join(FISCAL_OFFENCE_CITATION, art(EIO, "11(3)", verify=True))
        ),
    },
    # No treaty: the requested State applies its own law, which may hold any ground.
    LegalBasisKind.reciprocity: _every_ground(_DOMESTIC_LAW) | NEVER_GROUNDS,
    LegalBasisKind.domestic_law: _every_ground(_DOMESTIC_LAW) | NEVER_GROUNDS,
}


def catalogue(basis: LegalBasisKind) -> dict[RefusalGround, GroundRule]:
    """The refusal grounds under ``basis``: a ground absent from it is not offered."""
    return dict(_CATALOGUES[basis])


# --- refusal ---

REFUSAL_GROUNDS_CITATION = join(art(UNTOC, "18(21)"), art(C1988, "7(15)"))
REFUSAL_REASONS_CITATION = join(art(UNTOC, "18(23)"), art(C1988, "7(16)"))


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def assess_refusal(
    *,
    bases: Sequence[LegalBasisKind],
    grounds: Sequence[RefusalGround],
    reasons: str | None,
    requested_profile_dual_criminality: DualCriminalityRule,
    measures: Sequence[Measure],
) -> Decision:
    """Whether a refusal (of a request, or of some of its measures) may be recorded.

    ``bases`` are the request's legal bases, ``grounds`` the grounds invoked (the
    pointers ``/grounds/<i>`` index them), ``reasons`` the reasons given,
    ``requested_profile_dual_criminality`` the requested State's rule from the
    directory and ``measures`` the measures refused. Violations:

    - ``forbidden-refusal-ground``: bank secrecy or the fiscal nature of the offence;
    - ``ground-not-available``: none of the request's bases offers the ground;
    - ``dual-criminality-not-required``: lack of dual criminality where the
      requested State does not require it for these measures;
    - ``refusal-ground-required``: no ground;
    - ``reasons-required``: no reasons.
    """
    violations: list[Violation] = []
    notes: list[str] = []
    kinds = list(dict.fromkeys(bases))
    catalogues = {kind: _CATALOGUES[kind] for kind in kinds}

    if not grounds:
        violations.append(
            Violation(
                code="refusal-ground-required",
                message=(
                    "A refusal must name at least one ground from the catalogue of the "
                    f"request's legal bases ({REFUSAL_GROUNDS_CITATION})."
                ),
                citation=REFUSAL_GROUNDS_CITATION,
                pointer="/grounds",
            )
        )

    for i, ground in enumerate(grounds):
        pointer = f"/grounds/{i}"
        label = GROUND_LABELS[ground]
        if ground in NEVER_GROUNDS:
            citation = NEVER_GROUNDS[ground].citation
            violations.append(
                Violation(
                    code="forbidden-refusal-ground",
                    message=(
                        f"{_capitalised(label)} is never a ground for refusing mutual legal "
                        f"assistance ({citation})."
                    ),
                    citation=citation,
                    pointer=pointer,
                )
            )
            continue
        offering = [
            (kind, rule)
            for kind, catalogue_of_kind in catalogues.items()
            if (rule := catalogue_of_kind.get(ground)) is not None
            and rule.status is not GroundStatus.never
        ]
        if offering:
            where = join(*(rule.citation for _, rule in offering))
            notes.append(f"{_capitalised(label)}: a ground for refusal under {where}.")
        else:
            violations.append(_not_available(ground, kinds, pointer))
        if ground is RefusalGround.lack_of_dual_criminality and not dual_criminality_required(
            requested_profile_dual_criminality, measures
        ):
            violations.append(
                _dual_criminality_not_required(
                    requested_profile_dual_criminality, measures, pointer
                )
            )

    if reasons is None or not reasons.strip():
        violations.append(
            Violation(
                code="reasons-required",
                message=f"Reasons must be given for any refusal ({REFUSAL_REASONS_CITATION}).",
                citation=REFUSAL_REASONS_CITATION,
                pointer="/reasons",
            )
        )

    if (
        LegalBasisKind.uncac in kinds
        and RefusalGround.lack_of_dual_criminality in grounds
        and not any(is_coercive(m) for m in measures)
    ):
        notes.append(
            "Under UNCAC the requested State renders assistance that does not involve "
            "coercive action even without dual criminality, where consistent with the basic "
            f"concepts of its legal system ({art(UNCAC, '46(9)(b)')})."
        )
    return Decision.of(violations, notes)


def _not_available(
    ground: RefusalGround, kinds: Sequence[LegalBasisKind], pointer: str
) -> Violation:
    # Named by their citations, which name the instruments ("UNTOC, art. 18").
    citation = join(*(BASIS_CITATIONS[k] for k in kinds)) if kinds else REFUSAL_GROUNDS_CITATION
    bases = citation if kinds else f"none recorded; {citation}"
    return Violation(
        code="ground-not-available",
        message=(
            f"{_capitalised(GROUND_LABELS[ground])} is not a ground for refusal under the "
            f"request's legal bases ({bases})."
        ),
        citation=citation,
        pointer=pointer,
    )


def _dual_criminality_not_required(
    rule: DualCriminalityRule, measures: Sequence[Measure], pointer: str
) -> Violation:
    if rule is DualCriminalityRule.coercive_measures_only:
        refused = ", ".join(MEASURE_LABELS[m] for m in dict.fromkeys(measures)) or "none"
        profile = (
            f"only for coercive measures, and none of the measures refused ({refused}) is coercive"
        )
    else:
        profile = "for no measure"
    return Violation(
        code="dual-criminality-not-required",
        message=(
            f"The requested State requires dual criminality {profile}: lack of dual "
            f"criminality is not a ground here ({DUAL_CRIMINALITY_CITATION})."
        ),
        citation=DUAL_CRIMINALITY_CITATION,
        pointer=pointer,
    )


# --- postponement ---

POSTPONEMENT_CITATIONS: dict[LegalBasisKind, str] = {
    LegalBasisKind.untoc: art(UNTOC, "18(25)"),
    LegalBasisKind.c1988: art(C1988, "7(17)", verify=True),
    LegalBasisKind.uncac: art(UNCAC, "46(25)", verify=True),
    LegalBasisKind.mtmla: art(MTMLA, "4(3)", verify=True),
    LegalBasisKind.bilateral_treaty: "the bilateral treaty (verify against its text)",
    LegalBasisKind.eio: art(EIO, "15", verify=True),
    LegalBasisKind.reciprocity: _DOMESTIC_LAW,
    LegalBasisKind.domestic_law: _DOMESTIC_LAW,
}
"""Where each basis allows postponing execution."""

# UNTOC art. 18(25) allows postponement only because execution would interfere
# with an ongoing investigation, prosecution or judicial proceeding: the reasons
# must say which. The Model Treaty asks for reasons for a postponement in terms.
POSTPONEMENT_REASONS_CITATION = join(art(UNTOC, "18(25)"), art(MTMLA, "4(5)", verify=True))


def assess_postponement(*, reasons: str | None, bases: Sequence[LegalBasisKind] = ()) -> Decision:
    """Whether execution may be postponed: reasons are required (``reasons-required``).

    Postponement is allowed because execution would interfere with an ongoing
    investigation, prosecution or judicial proceeding (UNTOC art. 18(25)); the
    reasons say which. ``bases`` only add the provision of each basis to the
    decision's reasons.
    """
    violations: list[Violation] = []
    if reasons is None or not reasons.strip():
        violations.append(
            Violation(
                code="reasons-required",
                message=(
                    "A postponement must give its reasons: which ongoing investigation, "
                    "prosecution or judicial proceeding execution would interfere with "
                    f"({POSTPONEMENT_REASONS_CITATION})."
                ),
                citation=POSTPONEMENT_REASONS_CITATION,
                pointer="/reasons",
            )
        )
    notes = [
        f"Postponement under {BASIS_LABELS[kind]}: {POSTPONEMENT_CITATIONS[kind]}."
        for kind in dict.fromkeys(bases)
    ]
    return Decision.of(violations, notes)
