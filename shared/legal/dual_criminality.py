"""The dual-criminality assessment: is the conduct punishable in both States, enough?

docs/domain.md "Extradition". Pure and deterministic: the facts of one offence and
the standard of the legal basis come in; ``satisfied``, ``not_satisfied`` or
``needs_review`` comes out, with every rule checked, its finding and its
citation, and the :data:`RULES_VERSION` that produced it, so an assessment
stored on a request says which rules it applied and can be re-run when the
facts change. Extradition uses it now; MLA (coercive measures) and transfer of
proceedings reuse it with a standard of their own (:func:`conduct_only_standard`).

The rules, in the order they are checked:

1. **EAW list offences** (EAW art. 2(2)): an offence in one of the 32
   categories, punishable in the issuing State by a custodial sentence of a
   maximum of at least three years, is surrendered *without verification of
   double criminality*: the requested-side checks below are skipped.
2. **Minimum penalty** (MTE art. 2(1): [one/two] years in both States; ECE
   art. 2(1): one year in both; EAW art. 2(1): 12 months in the issuing State
   only, and for a sentence passed only the sentence counts). "At least", so
   equal is enough; life imprisonment is "a more severe penalty".
3. **Sentence** for enforcement: MTE art. 2(1): at least [four/six] months
   *remain to be served*; ECE art. 2(1): "the punishment awarded must have been
   for a period of at least four months"; EAW art. 2(1): "sentences of at least
   four months". The ECE and the EAW measure the sentence *imposed*, the MTE
   the part *remaining* (:class:`SentenceMeasure`, a parameter of the basis).
4. **Conduct** (MTE art. 2(2); UNCAC art. 43(2)): the requested officer says
   whether the acts, taken as a whole, are punishable under the requested
   State's law. The names and categories of the offences are never compared:
   "trafic de stupéfiants" and "drug trafficking" differ in name only.
5. **1988 art. 3(1) offences** are deemed extraditable between Parties and are
   not political offences (1988 arts. 6 and 3(10) (verify)): an advisory
   reason; the conditions of the treaty or law still apply (art. 6(5) (verify)).

A rule that fails makes the outcome ``not_satisfied``; otherwise a fact that is
missing makes it ``needs_review``, naming each missing fact by its pointer.

Read in the text for this module: MTE art. 2(1)-(2); ECE art. 2(1); EAW art.
2(1)-(2). UNCAC art. 43(2) is as docs/domain.md gives it.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import Annotated, Literal, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    model_validator,
)

from shared.legal.citations import UNCAC, art, join
from shared.legal.cooperation import Purpose
from shared.legal.offences import (
    C1988_ART3_1_CITATION,
    EAW,
    EAW_LABELS,
    OffenceCategory,
    offence,
)
from shared.wire import rule_error

RULES_VERSION = "dual-criminality/1"
"""Which rules produced an assessment. Bump it whenever a rule, a default or a
citation below changes, so that stored assessments can be told apart."""

# Instruments cited here (to join the others in citations.py).
MTE = "Model Treaty on Extradition (GA res. 45/116)"
ECE = "European Convention on Extradition (ETS 24)"

CONDUCT_TEST_CITATION = join(art(MTE, "2(2)"), art(UNCAC, "43(2)"))
# EAW art. 2(4): surrender may be made subject to the acts being an offence under
# the executing State's law, "whatever the constituent elements or however it is
# described" (verify).
EAW_CONDUCT_TEST_CITATION = join(art(EAW, "2(4)", verify=True), CONDUCT_TEST_CITATION)
EAW_LIST_CITATION = art(EAW, "2(2)")
EAW_LIST_MONTHS = 36


class SentenceMeasure(StrEnum):
    """What the sentence threshold for enforcement is measured on."""

    remaining = "remaining"  # the part still to be served (MTE art. 2(1))
    imposed = "imposed"  # the sentence awarded (ECE art. 2(1); EAW art. 2(1))


Months = Annotated[StrictInt, Field(ge=0)]
Penalty = Months | Literal["life"]
"""A penalty in months, or ``"life"``: life imprisonment, "a more severe penalty"."""

# "A maximum period of at least one year or ... a more severe penalty": life
# imprisonment meets every minimum in months.
MORE_SEVERE_PENALTY_CITATION = join(art(MTE, "2(1)"), art(ECE, "2(1)"))


def _at_least(penalty: Penalty, months: int) -> bool:
    return penalty == "life" or (isinstance(penalty, int) and penalty >= months)


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _months(penalty: Penalty) -> str:
    """``"life imprisonment"``, ``"8 months"``, ``"36 months (3 years)"``."""
    if penalty == "life":
        return "life imprisonment"
    text = f"{penalty} month" + ("" if penalty == 1 else "s")
    years, rest = divmod(penalty, 12)
    if years and not rest:
        text += f" ({years} year" + ("" if years == 1 else "s") + ")"
    return text


# --- the standard a legal basis sets ---


class PenaltyThreshold(BaseModel):
    """The minimum of the maximum penalty: "punishable ... by deprivation of liberty
    for a maximum period of at least ..."."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    months: Annotated[StrictInt, Field(ge=1)] | None = Field(
        description="None: the basis leaves it to the requested State's law and it is not "
        "recorded (the assessment needs review)"
    )
    citation: str = Field(min_length=1)
    in_requested_state: StrictBool = Field(
        default=True, description="False: the issuing State's penalty alone counts (EAW)"
    )
    applies_to_enforcement: StrictBool = Field(
        default=True,
        description="False: for a sentence passed only the sentence counts (EAW art. 2(1))",
    )


class SentenceThreshold(BaseModel):
    """The minimum sentence for enforcement of a sentence."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    months: Annotated[StrictInt, Field(ge=1)] | None
    measure: SentenceMeasure
    citation: str = Field(min_length=1)


class DualCriminalityStandard(BaseModel):
    """What a legal basis requires of dual criminality, with where it says so."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    basis: str = Field(min_length=1, description="For the user, e.g. 'the ECE'")
    penalty_threshold: PenaltyThreshold | None = Field(
        description="None: no minimum penalty (e.g. MLA: punishable at all is enough)"
    )
    sentence_threshold: SentenceThreshold | None = None
    conduct_citation: str = CONDUCT_TEST_CITATION
    eaw_list_months: Annotated[StrictInt, Field(ge=1)] | None = Field(
        default=None,
        description="EAW art. 2(2): list offences punishable by at least this many months "
        "in the issuing State need no check; None: no list",
    )


def mte_standard(
    *, threshold_months: int = 12, sentence_months: int = 4, basis: str | None = None
) -> DualCriminalityStandard:
    """A treaty on the UN Model Treaty: its art. 2(1) figures are in brackets,
    [one/two] years and [four/six] months; the treaty picks them."""
    return DualCriminalityStandard(
        basis=basis or f"a treaty on the {MTE}",
        penalty_threshold=PenaltyThreshold(months=threshold_months, citation=art(MTE, "2(1)")),
        sentence_threshold=SentenceThreshold(
            months=sentence_months, measure=SentenceMeasure.remaining, citation=art(MTE, "2(1)")
        ),
    )


ECE_STANDARD = DualCriminalityStandard(
    basis=ECE,
    penalty_threshold=PenaltyThreshold(months=12, citation=art(ECE, "2(1)")),
    sentence_threshold=SentenceThreshold(
        months=4, measure=SentenceMeasure.imposed, citation=art(ECE, "2(1)")
    ),
)

EAW_STANDARD = DualCriminalityStandard(
    basis=EAW,
    penalty_threshold=PenaltyThreshold(
        months=12,
        citation=art(EAW, "2(1)"),
        in_requested_state=False,
        applies_to_enforcement=False,
    ),
    sentence_threshold=SentenceThreshold(
        months=4, measure=SentenceMeasure.imposed, citation=art(EAW, "2(1)")
    ),
    conduct_citation=EAW_CONDUCT_TEST_CITATION,
    eaw_list_months=EAW_LIST_MONTHS,
)


def conduct_only_standard(basis: str, citation: str) -> DualCriminalityStandard:
    """No minimum penalty and no sentence: the conduct must be punishable in the
    requested State, nothing more (e.g. MLA for coercive measures, UNTOC art. 18(9))."""
    return DualCriminalityStandard(
        basis=basis, penalty_threshold=None, conduct_citation=join(citation, CONDUCT_TEST_CITATION)
    )


# --- the facts ---


class DualCriminalityFacts(BaseModel):
    """The facts of one offence, as both sides record them.

    The requested side's fields (``requested_*``, ``conduct_punishable_in_requested_state``)
    are entered by the requested officer and may be absent until then.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    conduct: str = Field(
        min_length=1, pattern=r"\S", description="The acts or omissions, as the request states"
    )
    purpose: Purpose
    offence_category: OffenceCategory | None = None
    requesting_provision: str = Field(
        min_length=1, pattern=r"\S", description="e.g. 'Code pénal, art. 222-37 (trafic de ...)'"
    )
    requesting_max_penalty_months: Penalty | None = None
    requested_provision: str | None = None
    requested_max_penalty_months: Penalty | None = None
    sentence_imposed_months: Penalty | None = None
    sentence_remaining_months: Penalty | None = None
    conduct_punishable_in_requested_state: StrictBool | None = Field(
        default=None,
        description="The requested officer's finding: the acts, taken as a whole, are "
        "punishable under the requested State's law (MTE art. 2(2))",
    )
    standard: DualCriminalityStandard

    @model_validator(mode="after")
    def _sentence_is_for_enforcement(self) -> Self:
        sentence = (self.sentence_imposed_months, self.sentence_remaining_months)
        if self.purpose is Purpose.prosecution and any(s is not None for s in sentence):
            raise rule_error(
                "sentence", "a sentence imposed or remaining is recorded only for enforcement"
            )
        imposed, remaining = sentence
        if isinstance(imposed, int) and (
            remaining == "life" or (isinstance(remaining, int) and remaining > imposed)
        ):
            raise rule_error("sentence", "the part remaining cannot exceed the sentence imposed")
        return self


# --- the result ---


class Outcome(StrEnum):
    satisfied = "satisfied"
    not_satisfied = "not_satisfied"
    needs_review = "needs_review"


class Rule(StrEnum):
    """A rule the assessment checks (the ``rule`` of a reason)."""

    eaw_list = "eaw_list"
    penalty_requesting_state = "penalty_requesting_state"
    penalty_requested_state = "penalty_requested_state"
    sentence = "sentence"
    conduct = "conduct"
    c1988_offence = "c1988_offence"
    offence_note = "offence_note"


class Finding(StrEnum):
    met = "met"
    not_met = "not_met"
    missing = "missing"  # a fact needed to check it is absent
    not_required = "not_required"  # the rule does not apply here
    advisory = "advisory"  # for information; never decides


class DualCriminalityReason(BaseModel):
    """One rule, what was found and under which provision."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    rule: Rule
    finding: Finding
    message: str = Field(min_length=1, description="For the user; names the citation")
    citation: str = Field(min_length=1)
    pointer: str | None = Field(
        default=None, description="The fact it rests on, a JSON pointer into the facts"
    )


class DualCriminalityAssessment(BaseModel):
    """The outcome, every reason, and the rules that produced it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    outcome: Outcome
    checked: bool = Field(
        description="False when the EAW list made a check unnecessary (EAW art. 2(2))"
    )
    reasons: tuple[DualCriminalityReason, ...]
    missing: tuple[str, ...] = Field(description="Pointers of the facts still to be entered")
    basis: str
    rules_version: str = RULES_VERSION

    @property
    def citations(self) -> tuple[str, ...]:
        """Every provision the reasons cite, once, in order."""
        return tuple(dict.fromkeys(r.citation for r in self.reasons))


# --- the assessment ---


def _reason(
    rule: Rule, finding: Finding, message: str, citation: str, pointer: str | None = None
) -> DualCriminalityReason:
    return DualCriminalityReason(
        rule=rule,
        finding=finding,
        message=f"{message} ({citation}).",
        citation=citation,
        pointer=pointer,
    )


def _outcome(reasons: Iterable[DualCriminalityReason]) -> Outcome:
    findings = {r.finding for r in reasons}
    if Finding.not_met in findings:
        return Outcome.not_satisfied
    if Finding.missing in findings:
        return Outcome.needs_review
    return Outcome.satisfied


def _eaw_list(facts: DualCriminalityFacts) -> tuple[bool, list[DualCriminalityReason]]:
    """Whether the EAW list exempts the offence from the check, and why."""
    months = facts.standard.eaw_list_months
    if months is None:
        return False, []
    if facts.offence_category is None:
        return False, [
            _reason(
                Rule.eaw_list,
                Finding.not_required,
                "No offence category is recorded, so the list of offences that need no check "
                "of double criminality cannot apply: it is checked",
                EAW_LIST_CITATION,
                "/offence_category",
            )
        ]
    listed = offence(facts.offence_category).eaw_listed
    if listed is None:
        return False, [
            _reason(
                Rule.eaw_list,
                Finding.not_required,
                f"{_capitalised(offence(facts.offence_category).label)} is not among the list "
                "offences that need no check of double criminality: it is checked",
                EAW_LIST_CITATION,
                "/offence_category",
            )
        ]
    label = EAW_LABELS[listed]
    penalty = facts.requesting_max_penalty_months
    if penalty is None:
        return False, [
            _reason(
                Rule.eaw_list,
                Finding.missing,
                f"A list offence ({label}) needs no check of double criminality if punishable "
                f"in the issuing State by at least {_months(months)}: enter the maximum "
                "penalty there",
                EAW_LIST_CITATION,
                "/requesting_max_penalty_months",
            )
        ]
    if _at_least(penalty, months):
        return True, [
            _reason(
                Rule.eaw_list,
                Finding.met,
                f"A list offence ({label}) punishable in the issuing State by "
                f"{_months(penalty)}, at least {_months(months)}: surrender without "
                "verification of double criminality",
                EAW_LIST_CITATION,
                "/requesting_max_penalty_months",
            )
        ]
    return False, [
        _reason(
            Rule.eaw_list,
            Finding.not_required,
            f"A list offence ({label}), but punishable in the issuing State by "
            f"{_months(penalty)}, less than {_months(months)}: double criminality is checked",
            EAW_LIST_CITATION,
            "/requesting_max_penalty_months",
        )
    ]


def _penalties(facts: DualCriminalityFacts, *, exempt: bool) -> list[DualCriminalityReason]:
    threshold = facts.standard.penalty_threshold
    if threshold is None:
        return []
    citation = threshold.citation
    if facts.purpose is Purpose.enforcement and not threshold.applies_to_enforcement:
        return [
            _reason(
                Rule.penalty_requesting_state,
                Finding.not_required,
                "For a sentence passed, the length of the sentence counts, not the maximum penalty",
                citation,
            )
        ]
    if threshold.months is None:
        return [
            _reason(
                Rule.penalty_requesting_state,
                Finding.missing,
                f"The minimum penalty under {facts.standard.basis} is set by the requested "
                "State's law or the applicable treaty: record it on the legal basis",
                citation,
                "/standard/penalty_threshold/months",
            )
        ]
    needed = _months(threshold.months)
    reasons = [
        _penalty_reason(
            Rule.penalty_requesting_state,
            "requesting",
            facts.requesting_max_penalty_months,
            threshold.months,
            needed,
            citation,
            "/requesting_max_penalty_months",
        )
    ]
    if exempt:
        return reasons
    if not threshold.in_requested_state:
        reasons.append(
            _reason(
                Rule.penalty_requested_state,
                Finding.not_required,
                "The minimum penalty applies in the issuing State only",
                citation,
            )
        )
        return reasons
    reasons.append(
        _penalty_reason(
            Rule.penalty_requested_state,
            "requested",
            facts.requested_max_penalty_months,
            threshold.months,
            needed,
            citation,
            "/requested_max_penalty_months",
        )
    )
    return reasons


def _penalty_reason(
    rule: Rule,
    side: Literal["requesting", "requested"],
    penalty: Penalty | None,
    months: int,
    needed: str,
    citation: str,
    pointer: str,
) -> DualCriminalityReason:
    state = f"the {side} State"
    if penalty is None:
        return _reason(
            rule,
            Finding.missing,
            f"The maximum penalty in {state} is not recorded; it must be at least {needed}",
            citation,
            pointer,
        )
    if _at_least(penalty, months):
        return _reason(
            rule,
            Finding.met,
            f"Punishable in {state} by a maximum of {_months(penalty)}, at least {needed}",
            citation,
            pointer,
        )
    return _reason(
        rule,
        Finding.not_met,
        f"Punishable in {state} by a maximum of {_months(penalty)}, less than the {needed} "
        "required",
        citation,
        pointer,
    )


def _sentence(facts: DualCriminalityFacts) -> list[DualCriminalityReason]:
    threshold = facts.standard.sentence_threshold
    if facts.purpose is not Purpose.enforcement or threshold is None:
        return []
    citation = threshold.citation
    if threshold.months is None:
        return [
            _reason(
                Rule.sentence,
                Finding.missing,
                f"The minimum sentence under {facts.standard.basis} is not recorded: record it "
                "on the legal basis",
                citation,
                "/standard/sentence_threshold/months",
            )
        ]
    needed = _months(threshold.months)
    remaining = facts.sentence_remaining_months
    if threshold.measure is SentenceMeasure.remaining:
        value, what, pointer = (
            remaining,
            "the part of the sentence remaining to be served",
            "/sentence_remaining_months",
        )
    else:
        value, what, pointer = (
            facts.sentence_imposed_months,
            "the sentence imposed",
            "/sentence_imposed_months",
        )
    if value is None:
        return [
            _reason(
                Rule.sentence,
                Finding.missing,
                f"For enforcement, {what} must be at least {needed}: enter it",
                citation,
                pointer,
            )
        ]
    if not _at_least(value, threshold.months):
        return [
            _reason(
                Rule.sentence,
                Finding.not_met,
                f"For enforcement, {what} is {_months(value)}, less than the {needed} required",
                citation,
                pointer,
            )
        ]
    reasons = [
        _reason(
            Rule.sentence,
            Finding.met,
            f"For enforcement, {what} is {_months(value)}, at least {needed}",
            citation,
            pointer,
        )
    ]
    if (
        threshold.measure is SentenceMeasure.imposed
        and remaining is not None
        and not _at_least(remaining, threshold.months)
    ):
        reasons.append(
            _reason(
                Rule.sentence,
                Finding.advisory,
                f"Only {_months(remaining)} remain to be served: {facts.standard.basis} measures "
                "the sentence imposed, but a treaty, a reservation or the requested State's law "
                "may ask for a part remaining",
                citation,
                "/sentence_remaining_months",
            )
        )
    return reasons


def _named_differently(facts: DualCriminalityFacts) -> bool:
    requested = facts.requested_provision
    return requested is not None and (
        requested.strip().casefold() != facts.requesting_provision.strip().casefold()
    )


def _conduct(facts: DualCriminalityFacts) -> list[DualCriminalityReason]:
    citation = facts.standard.conduct_citation
    finding = facts.conduct_punishable_in_requested_state
    if finding is None:
        return [
            _reason(
                Rule.conduct,
                Finding.missing,
                "The requested officer has not yet said whether the acts, taken as a whole, are "
                "punishable under the requested State's law",
                citation,
                "/conduct_punishable_in_requested_state",
            )
        ]
    if finding is False:
        return [
            _reason(
                Rule.conduct,
                Finding.not_met,
                "The requested officer found that the acts, taken as a whole, are not "
                "punishable under the requested State's law",
                citation,
                "/conduct_punishable_in_requested_state",
            )
        ]
    requested = facts.requested_provision
    if requested is None or not requested.strip():
        return [
            _reason(
                Rule.conduct,
                Finding.missing,
                "The acts are said to be punishable in the requested State: name the "
                "corresponding provision",
                citation,
                "/requested_provision",
            )
        ]
    message = (
        f"The acts, taken as a whole, are punishable in the requested State under "
        f"'{requested.strip()}'"
    )
    if _named_differently(facts):
        message += (
            f", though named differently from '{facts.requesting_provision.strip()}': the "
            "names and categories of the offences do not matter, the totality of the acts does"
        )
    return [_reason(Rule.conduct, Finding.met, message, citation, "/requested_provision")]


def _offence_notes(facts: DualCriminalityFacts) -> list[DualCriminalityReason]:
    if facts.offence_category is None:
        return []
    info = offence(facts.offence_category)
    reasons: list[DualCriminalityReason] = []
    if info.c1988_art3_1:
        reasons.append(
            _reason(
                Rule.c1988_offence,
                Finding.advisory,
                f"{_capitalised(info.label)} is an offence under 1988 Convention art. 3(1) "
                f"({info.citation}): every Party establishes it as a criminal offence, and "
                "between Parties it is deemed an extraditable offence and is not a political "
                "offence; the conditions of the treaty or law still apply",
                C1988_ART3_1_CITATION,
                "/offence_category",
            )
        )
    if info.note is not None:
        reasons.append(
            _reason(
                Rule.offence_note,
                Finding.advisory,
                f"{_capitalised(info.label)}: {info.note}",
                info.citation,
                "/offence_category",
            )
        )
    return reasons


def assess_dual_criminality(facts: DualCriminalityFacts) -> DualCriminalityAssessment:
    """The dual-criminality assessment of one offence (see the module's rules)."""
    exempt, reasons = _eaw_list(facts)
    reasons += _penalties(facts, exempt=exempt)
    reasons += _sentence(facts)
    if not exempt:
        reasons += _conduct(facts)
    reasons += _offence_notes(facts)
    return DualCriminalityAssessment(
        outcome=_outcome(reasons),
        checked=not exempt,
        reasons=tuple(reasons),
        missing=tuple(
            dict.fromkeys(r.pointer for r in reasons if r.finding is Finding.missing and r.pointer)
        ),
        basis=facts.standard.basis,
    )
