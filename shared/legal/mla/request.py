"""Mutual legal assistance: measures, dual criminality, completeness, language.

docs/domain.md "Mutual legal assistance" (Plan of Action paras. 55-56). Pure: the
request's facts come in, violations and reasons with citations come out.

Sources: the measures of 1988 Convention art. 7(2)(a)-(g), 7(3) and 7(4) were
read in the text; the UNTOC art. 18(3) letters follow the same order, with
freezing added to (c), expert evaluations to (e) and voluntary appearance and
other assistance as (h) and (i). Provisions not read are marked "(verify)".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from enum import StrEnum

import pycountry
from pydantic import BaseModel, ConfigDict, Field

from shared.legal.citations import C1988, UNCAC, UNTOC, art, join, para
from shared.legal.rules import Decision, Violation


class Measure(StrEnum):
    """A measure of assistance sought. Values are stored: never renamed."""

    taking_evidence_or_statements = "taking_evidence_or_statements"
    service_of_judicial_documents = "service_of_judicial_documents"
    search_and_seizure = "search_and_seizure"
    examining_objects_and_sites = "examining_objects_and_sites"
    information_evidence_expert_evaluations = "information_evidence_expert_evaluations"
    # Including government, bank, financial, corporate or business records.
    documents_and_records = "documents_and_records"
    identifying_tracing_proceeds = "identifying_tracing_proceeds"
    voluntary_appearance = "voluntary_appearance"
    other_assistance = "other_assistance"
    videoconference_hearing = "videoconference_hearing"
    freezing = "freezing"
    confiscation = "confiscation"


MEASURE_CITATIONS: dict[Measure, str] = {
    Measure.taking_evidence_or_statements: join(art(UNTOC, "18(3)(a)"), art(C1988, "7(2)(a)")),
    Measure.service_of_judicial_documents: join(art(UNTOC, "18(3)(b)"), art(C1988, "7(2)(b)")),
    Measure.search_and_seizure: join(art(UNTOC, "18(3)(c)"), art(C1988, "7(2)(c)")),
    Measure.examining_objects_and_sites: join(art(UNTOC, "18(3)(d)"), art(C1988, "7(2)(d)")),
    Measure.information_evidence_expert_evaluations: join(
        art(UNTOC, "18(3)(e)"), art(C1988, "7(2)(e)")
    ),
    Measure.documents_and_records: join(art(UNTOC, "18(3)(f)"), art(C1988, "7(2)(f)")),
    Measure.identifying_tracing_proceeds: join(art(UNTOC, "18(3)(g)"), art(C1988, "7(2)(g)")),
    # 1988 art. 7(4): presence or availability of persons who consent.
    Measure.voluntary_appearance: join(art(UNTOC, "18(3)(h)"), art(C1988, "7(4)")),
    # 1988 art. 7(3): other forms allowed by the requested Party's domestic law.
    Measure.other_assistance: join(art(UNTOC, "18(3)(i)"), art(C1988, "7(3)")),
    Measure.videoconference_hearing: art(UNTOC, "18(18)"),
    Measure.freezing: join(
        art(UNTOC, "18(3)(c)"), art(UNTOC, "13", verify=True), art(C1988, "5(4)(b)", verify=True)
    ),
    Measure.confiscation: join(
        art(UNTOC, "13(1)", verify=True), art(C1988, "5(4)(a)", verify=True)
    ),
}

MEASURE_LABELS: dict[Measure, str] = {
    Measure.taking_evidence_or_statements: "taking evidence or statements from persons",
    Measure.service_of_judicial_documents: "service of judicial documents",
    Measure.search_and_seizure: "search and seizure",
    Measure.examining_objects_and_sites: "examining objects and sites",
    Measure.information_evidence_expert_evaluations: (
        "information, evidentiary items and expert evaluations"
    ),
    Measure.documents_and_records: (
        "documents and records (government, bank, financial, corporate or business)"
    ),
    Measure.identifying_tracing_proceeds: (
        "identifying or tracing proceeds, property or instrumentalities"
    ),
    Measure.voluntary_appearance: "facilitating the voluntary appearance of persons",
    Measure.other_assistance: "other assistance not contrary to domestic law",
    Measure.videoconference_hearing: "hearing by videoconference",
    Measure.freezing: "freezing",
    Measure.confiscation: "confiscation",
}

# Coercive measures: those that compel someone or interfere with property or
# privacy by order of an authority. The conventions do not list them; UNCAC art.
# 46(9)(b) and PoA para. 56(b) ask for non-coercive assistance without dual
# criminality. Where the class depends on how the requested State executes the
# measure, the table says "coercive": Comity must not block a refusal that the
# requested State's law allows, and its directory profile stays the authority.
COERCIVE: dict[Measure, bool] = {
    # A statement from a willing person. Compelled testimony before a court is
    # coercive in many States (verify per State).
    Measure.taking_evidence_or_statements: False,
    Measure.service_of_judicial_documents: False,
    Measure.search_and_seizure: True,
    # Inspecting objects or places the authorities can reach without compulsion;
    # entering private premises against the occupier's will is a search.
    Measure.examining_objects_and_sites: False,
    # What the requested authorities already hold or can give freely.
    Measure.information_evidence_expert_evaluations: False,
    # Bank, financial and business records need a production order (compulsory
    # production). Public records alone would not (verify per State).
    Measure.documents_and_records: True,
    # Tracing usually needs orders on financial institutions (account
    # information and monitoring) (verify per State).
    Measure.identifying_tracing_proceeds: True,
    # Voluntary by definition (UNTOC art. 18(3)(h); 1988 art. 7(4): persons who consent).
    Measure.voluntary_appearance: False,
    # Unknown content: treated as coercive (see above).
    Measure.other_assistance: True,
    # A hearing of a witness or expert (UNTOC art. 18(18)); compelled appearance
    # would be coercive (verify per State).
    Measure.videoconference_hearing: False,
    Measure.freezing: True,
    Measure.confiscation: True,
}


def is_coercive(measure: Measure) -> bool:
    """Whether ``measure`` is coercive (see :data:`COERCIVE` for each choice)."""
    return COERCIVE[measure]


class DualCriminalityRule(StrEnum):
    """When a State requires dual criminality for mutual legal assistance.

    UNTOC art. 18(9) allows declining for lack of it; UNCAC art. 46(9)(b) and
    PoA para. 56(b) ask for flexibility, in particular for non-coercive
    measures. ``services/directory/vocabulary.py`` (``DualCriminalityMla``)
    mirrors these values for the country profile: keep the two equal.
    """

    never = "never"
    coercive_measures_only = "coercive_measures_only"
    always = "always"


DUAL_CRIMINALITY_CITATION = join(art(UNTOC, "18(9)"), art(UNCAC, "46(9)(b)"), para("56(b)"))


def dual_criminality_required(rule: DualCriminalityRule, measures: Iterable[Measure]) -> bool:
    """Whether the requested State's ``rule`` requires dual criminality for ``measures``."""
    if rule is DualCriminalityRule.always:
        return True
    if rule is DualCriminalityRule.coercive_measures_only:
        return any(is_coercive(m) for m in measures)
    return False


# --- Completeness of a request (UNTOC art. 18(15); 1988 art. 7(10) (verify)) ---


class Requirement(StrEnum):
    """How an element of the checklist is required."""

    required = "required"
    # UNTOC art. 18(15)(c): "except in relation to requests for the purpose of
    # service of judicial documents".
    required_except_service_of_documents = "required_except_service_of_documents"
    # UNTOC art. 18(15)(d): only where the requesting State wants one followed.
    if_any = "if_any"
    # UNTOC art. 18(15)(e): "where possible"; never blocks sending.
    where_possible = "where_possible"


class ChecklistItem(BaseModel):
    """One element a request must contain, as the UI shows it while drafting."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    element: str
    pointer: str
    name: str
    citation: str
    requirement: Requirement


def _content(letter: str) -> str:
    return join(art(UNTOC, f"18(15)({letter})"), art(C1988, f"7(10)({letter})", verify=True))


# "A description of the assistance sought": every measure is described in its details.
MEASURE_DETAILS_CITATION = _content("d")

CHECKLIST: tuple[ChecklistItem, ...] = (
    ChecklistItem(
        element="requesting_authority",
        pointer="/requesting_authority",
        name="the authority making the request",
        citation=_content("a"),
        requirement=Requirement.required,
    ),
    ChecklistItem(
        element="investigation_subject",
        pointer="/investigation_subject",
        name="the subject matter and nature of the investigation, prosecution or proceeding",
        citation=_content("b"),
        requirement=Requirement.required,
    ),
    ChecklistItem(
        element="conducting_authority",
        pointer="/conducting_authority",
        name="the name and functions of the authority conducting it",
        citation=_content("b"),
        requirement=Requirement.required,
    ),
    ChecklistItem(
        element="summary_of_facts",
        pointer="/summary_of_facts",
        name="a summary of the relevant facts",
        citation=_content("c"),
        requirement=Requirement.required_except_service_of_documents,
    ),
    ChecklistItem(
        element="measures",
        pointer="/measures",
        name="a description of the assistance sought: at least one measure, each described "
        "in its details (/measures/{index}/details)",
        citation=MEASURE_DETAILS_CITATION,
        requirement=Requirement.required,
    ),
    ChecklistItem(
        element="procedures",
        pointer="/procedures",
        name="details of any particular procedure to be followed",
        citation=_content("d"),
        requirement=Requirement.if_any,
    ),
    ChecklistItem(
        element="persons",
        pointer="/persons",
        name="the identity, location and nationality of any person concerned",
        citation=_content("e"),
        requirement=Requirement.where_possible,
    ),
    ChecklistItem(
        element="purpose",
        pointer="/purpose",
        name="the purpose for which the evidence, information or action is sought",
        citation=_content("f"),
        requirement=Requirement.required,
    ),
)
"""The content of a request, in the order of UNTOC art. 18(15)(a)-(f)."""

_ITEM = {item.element: item for item in CHECKLIST}


class MeasureSought(BaseModel):
    """One measure of a request with its description (UNTOC art. 18(15)(d))."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    measure: Measure
    details: str | None = None


class PersonConcerned(BaseModel):
    """A person concerned; each fact is asked "where possible" (UNTOC art. 18(15)(e))."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    identity: str | None = None
    location: str | None = None
    nationalities: tuple[str, ...] = ()


class RequestFacts(BaseModel):
    """What the completeness checklist reads from a request.

    Field names are those of :data:`CHECKLIST`; a violation's pointer names the
    field here (``/measures/1/details``), so the service keeps the same names in
    its request body or maps the pointers.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    requesting_authority: str | None = None
    investigation_subject: str | None = Field(
        default=None, description="Subject matter and nature of the investigation or proceeding"
    )
    conducting_authority: str | None = None
    summary_of_facts: str | None = None
    measures: tuple[MeasureSought, ...] = ()
    procedures: str | None = None
    persons: tuple[PersonConcerned, ...] = ()
    purpose: str | None = None


def _blank(text: str | None) -> bool:
    return text is None or not text.strip()


def _missing(item: ChecklistItem, pointer: str | None = None, name: str | None = None) -> Violation:
    what = name or item.name
    return Violation(
        code="request-incomplete",
        message=f"The request must state {what} ({item.citation}).",
        citation=item.citation,
        pointer=pointer or item.pointer,
    )


def service_of_documents_only(measures: Iterable[Measure]) -> bool:
    """Whether every measure is service of judicial documents (and there is one)."""
    found = set(measures)
    return found == {Measure.service_of_judicial_documents}


def assess_completeness(facts: RequestFacts) -> Decision:
    """Whether ``facts`` hold every element a request must contain before it is sent.

    Every missing element is a ``request-incomplete`` violation with its pointer,
    its name and its citation. The identity, location and nationality of persons
    are asked "where possible" (UNTOC art. 18(15)(e)): they never block, and
    come back as advisory reasons.
    """
    violations: list[Violation] = []
    reasons: list[str] = []
    for element in ("requesting_authority", "investigation_subject", "conducting_authority"):
        if _blank(getattr(facts, element)):
            violations.append(_missing(_ITEM[element]))

    summary = _ITEM["summary_of_facts"]
    if service_of_documents_only(m.measure for m in facts.measures):
        reasons.append(
            "A summary of the facts is not needed for a request for service of judicial "
            f"documents only ({summary.citation})."
        )
    elif _blank(facts.summary_of_facts):
        violations.append(_missing(summary))

    measures = _ITEM["measures"]
    if not facts.measures:
        violations.append(_missing(measures, name="at least one measure of assistance sought"))
    for i, sought in enumerate(facts.measures):
        if _blank(sought.details):
            label = MEASURE_LABELS[sought.measure]
            violations.append(
                _missing(
                    measures,
                    pointer=f"/measures/{i}/details",
                    name=f"a description of the assistance sought ({label}) in its details",
                )
            )

    if _blank(facts.purpose):
        violations.append(_missing(_ITEM["purpose"]))

    reasons.extend(_person_advisories(facts.persons))
    if not violations:
        reasons.append(f"The request contains every element required ({art(UNTOC, '18(15)')}).")
    return Decision.of(violations, reasons)


def completeness(facts: RequestFacts) -> list[Violation]:
    """The missing elements of a request (see :func:`assess_completeness`); empty when complete."""
    return list(assess_completeness(facts).violations)


def _person_advisories(persons: Sequence[PersonConcerned]) -> list[str]:
    citation = _ITEM["persons"].citation
    if not persons:
        return [
            "No person concerned is named: where possible, give their identity, location "
            f"and nationality ({citation})."
        ]
    advisories: list[str] = []
    for i, person in enumerate(persons):
        gaps = [
            (field, label)
            for field, label, empty in (
                ("identity", "identity", _blank(person.identity)),
                ("location", "location", _blank(person.location)),
                ("nationalities", "nationality", not person.nationalities),
            )
            if empty
        ]
        for field, label in gaps:
            advisories.append(
                f"Where possible, give the {label} of person {i + 1} "
                f"(/persons/{i}/{field}) ({citation})."
            )
    return advisories


# --- Language (UNTOC art. 18(14)) ---

LANGUAGE_CITATION = join(art(UNTOC, "18(14)"), art(C1988, "7(9)", verify=True), para("55"))


def _language_key(code: str) -> str:
    # ISO 639-1 codes as the directory stores them; "es-CO" or "ES" count as "es".
    return code.strip().replace("_", "-").split("-", 1)[0].lower()


def _language_name(code: str) -> str:
    language = pycountry.languages.get(alpha_2=code)
    return f"{code} ({language.name})" if language is not None else code


def language_check(
    request_language: str, accepted: Sequence[str], translations: Sequence[str]
) -> Violation | None:
    """``None`` when the request or an attached translation is in an accepted language.

    ``accepted`` are the requested authority's languages from the directory
    (ISO 639-1). When the directory records none there is nothing to check and
    the result is ``None``. Otherwise a ``language-not-accepted`` violation
    names the accepted languages (UNTOC art. 18(14): a language acceptable to
    the requested State).
    """
    wanted = [_language_key(code) for code in accepted if code.strip()]
    if not wanted:
        return None
    offered = {_language_key(code) for code in (request_language, *translations) if code.strip()}
    if offered & set(wanted):
        return None
    names = ", ".join(_language_name(code) for code in dict.fromkeys(wanted))
    return Violation(
        code="language-not-accepted",
        message=(
            f"The requested authority accepts requests in {names}: attach a translation "
            f"into one of them ({LANGUAGE_CITATION})."
        ),
        citation=LANGUAGE_CITATION,
        pointer="/language",
    )
