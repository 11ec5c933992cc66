"""shared/legal/mla: measures, dual criminality, completeness and language of a request.

Facts (docs/domain.md "Mutual legal assistance"): the content of a request (UNTOC
art. 18(15)): requesting authority; subject matter and nature of the
investigation and the authority conducting it; a summary of the facts, except
for service of judicial documents; the assistance sought and any procedure;
where possible identity, location and nationality of persons; the purpose. The
language must be acceptable to the requested State (UNTOC art. 18(14)).
"""

from __future__ import annotations

import pytest

from services.directory.vocabulary import DualCriminalityMla
from shared.legal.bases import BASIS_CITATIONS, LegalBasis, LegalBasisKind
from shared.legal.mla.request import (
    CHECKLIST,
    COERCIVE,
    MEASURE_CITATIONS,
    MEASURE_DETAILS_CITATION,
    MEASURE_LABELS,
    MeasureSought,
    PersonConcerned,
    RequestFacts,
    Requirement,
    assess_completeness,
    completeness,
    dual_criminality_required,
    is_coercive,
    language_check,
)
from shared.legal.mla.request import DualCriminalityRule as DC
from shared.legal.mla.request import Measure as M

COMPLETE = RequestFacts(
    requesting_authority="Spain, Ministry of Justice, Subdirectorate for International Cooperation",
    investigation_subject="Preliminary investigation of cocaine trafficking and money laundering",
    conducting_authority="Juzgado Central de Instrucción n.º 3, Audiencia Nacional, Madrid",
    summary_of_facts="Between 2023 and 2025 a network shipped cocaine from Cartagena to Algeciras.",
    measures=(
        MeasureSought(measure=M.documents_and_records, details="Statements of account 0012-34"),
        MeasureSought(measure=M.videoconference_hearing, details="Hear the witness J. P."),
    ),
    persons=(PersonConcerned(identity="J. P.", location="Bogotá", nationalities=("CO",)),),
    purpose="Evidence of the flow of funds for the trial in Spain",
)


class TestMeasures:
    def test_every_measure_has_a_citation_a_label_and_a_coercive_class(self):
        for measure in M:
            assert MEASURE_CITATIONS[measure]
            assert MEASURE_LABELS[measure]
            assert measure in COERCIVE

    @pytest.mark.parametrize(
        ("measure", "citation"),
        [
            (M.taking_evidence_or_statements, "UNTOC, art. 18(3)(a)"),
            (M.service_of_judicial_documents, "1988 Convention, art. 7(2)(b)"),
            (M.documents_and_records, "UNTOC, art. 18(3)(f)"),
            (M.videoconference_hearing, "UNTOC, art. 18(18)"),
        ],
    )
    def test_measure_citations(self, measure: M, citation: str):
        assert citation in MEASURE_CITATIONS[measure]

    @pytest.mark.parametrize(
        ("measure", "coercive"),
        [
            (M.search_and_seizure, True),
            (M.freezing, True),
            (M.confiscation, True),
            (M.documents_and_records, True),
            (M.identifying_tracing_proceeds, True),
            (M.other_assistance, True),
            (M.taking_evidence_or_statements, False),
            (M.service_of_judicial_documents, False),
            (M.examining_objects_and_sites, False),
            (M.information_evidence_expert_evaluations, False),
            (M.voluntary_appearance, False),
            (M.videoconference_hearing, False),
        ],
    )
    def test_coercive_measures(self, measure: M, coercive: bool):
        assert is_coercive(measure) is coercive


class TestDualCriminalityRequired:
    @pytest.mark.parametrize(
        ("rule", "measures", "required"),
        [
            (DC.never, [M.search_and_seizure, M.freezing], False),
            (DC.never, [], False),
            (DC.coercive_measures_only, [M.videoconference_hearing], False),
            (DC.coercive_measures_only, [M.service_of_judicial_documents], False),
            (DC.coercive_measures_only, [M.search_and_seizure], True),
            (DC.coercive_measures_only, [M.taking_evidence_or_statements, M.freezing], True),
            (DC.coercive_measures_only, [], False),
            (DC.always, [M.service_of_judicial_documents], True),
            (DC.always, [], True),
        ],
    )
    def test_by_profile_and_measures(self, rule: DC, measures: list[M], required: bool):
        assert dual_criminality_required(rule, measures) is required

    def test_the_directory_profile_mirrors_the_values(self):
        assert {r.value for r in DC} == {r.value for r in DualCriminalityMla}


class TestCompleteness:
    def test_a_complete_request_has_no_missing_element(self):
        decision = assess_completeness(COMPLETE)

        assert decision.ok
        assert completeness(COMPLETE) == []

    def test_an_empty_request_lists_every_missing_element_by_pointer(self):
        missing = completeness(RequestFacts())

        assert [v.pointer for v in missing] == [
            "/requesting_authority",
            "/investigation_subject",
            "/conducting_authority",
            "/summary_of_facts",
            "/measures",
            "/purpose",
        ]
        assert {v.code for v in missing} == {"request-incomplete"}
        for violation in missing:
            assert "UNTOC, art. 18(15)" in violation.citation
            assert violation.citation in violation.message

    @pytest.mark.parametrize(
        ("field", "value", "pointer", "letter"),
        [
            ("requesting_authority", None, "/requesting_authority", "(a)"),
            ("investigation_subject", "  ", "/investigation_subject", "(b)"),
            ("conducting_authority", "", "/conducting_authority", "(b)"),
            ("summary_of_facts", None, "/summary_of_facts", "(c)"),
            ("measures", (), "/measures", "(d)"),
            ("purpose", None, "/purpose", "(f)"),
        ],
    )
    def test_each_missing_element_is_named_with_its_citation(
        self, field: str, value: object, pointer: str, letter: str
    ):
        facts = COMPLETE.model_copy(update={field: value})

        (violation,) = completeness(facts)
        assert violation.pointer == pointer
        assert violation.citation.startswith(f"UNTOC, art. 18(15){letter}")

    def test_sending_without_a_purpose_names_the_purpose(self):
        (violation,) = completeness(COMPLETE.model_copy(update={"purpose": None}))

        assert "purpose" in violation.message

    def test_a_measure_without_details_points_at_its_details(self):
        measures = (
            MeasureSought(measure=M.documents_and_records, details="Statements of account"),
            MeasureSought(measure=M.videoconference_hearing, details=" "),
        )

        (violation,) = completeness(COMPLETE.model_copy(update={"measures": measures}))
        assert violation.pointer == "/measures/1/details"
        assert "hearing by videoconference" in violation.message
        assert violation.citation == MEASURE_DETAILS_CITATION

    def test_the_checklist_says_every_measure_is_described_in_its_details(self):
        [item] = [i for i in CHECKLIST if i.element == "measures"]
        assert "/measures/{index}/details" in item.name
        assert item.citation.startswith("UNTOC, art. 18(15)(d)")

    @pytest.mark.parametrize(
        ("measures", "summary_needed"),
        [
            ((M.service_of_judicial_documents,), False),
            ((M.service_of_judicial_documents, M.service_of_judicial_documents), False),
            ((M.service_of_judicial_documents, M.taking_evidence_or_statements), True),
            ((M.search_and_seizure,), True),
        ],
    )
    def test_service_of_documents_needs_no_summary_of_facts(
        self, measures: tuple[M, ...], summary_needed: bool
    ):
        facts = COMPLETE.model_copy(
            update={
                "summary_of_facts": None,
                "measures": tuple(MeasureSought(measure=m, details="x") for m in measures),
            }
        )

        decision = assess_completeness(facts)
        assert [v.pointer for v in decision.violations] == (
            ["/summary_of_facts"] if summary_needed else []
        )
        if not summary_needed:
            assert any("18(15)(c)" in r for r in decision.reasons)

    def test_identity_location_and_nationality_are_advisory_only(self):
        facts = COMPLETE.model_copy(update={"persons": (PersonConcerned(),), "procedures": None})

        decision = assess_completeness(facts)
        assert decision.ok
        advisories = [r for r in decision.reasons if "Where possible" in r]
        assert len(advisories) == 3
        assert any("/persons/0/nationalities" in r for r in advisories)
        assert all("18(15)(e)" in r for r in advisories)

    def test_the_checklist_is_ordered_and_cited(self):
        assert [item.element for item in CHECKLIST] == [
            "requesting_authority",
            "investigation_subject",
            "conducting_authority",
            "summary_of_facts",
            "measures",
            "procedures",
            "persons",
            "purpose",
        ]
        assert all(item.citation.startswith("UNTOC, art. 18(15)") for item in CHECKLIST)
        by_element = {item.element: item.requirement for item in CHECKLIST}
        assert by_element["persons"] is Requirement.where_possible
        assert by_element["summary_of_facts"] is Requirement.required_except_service_of_documents
        # Every pointer the rule returns is on the checklist the UI shows.
        pointers = {item.pointer for item in CHECKLIST}
        assert {v.pointer for v in completeness(RequestFacts())} <= pointers


class TestLanguage:
    @pytest.mark.parametrize(
        ("language", "accepted", "translations", "ok"),
        [
            ("es", ["es"], [], True),
            ("fr", ["es", "en"], ["en"], True),  # accepted via a translation
            ("fr", ["es", "en"], ["de", "es"], True),
            ("ES", ["es"], [], True),
            ("es-CO", ["es"], [], True),
            ("fr", ["es", "en"], [], False),
            ("fr", ["es", "en"], ["de"], False),
            ("fr", [], [], True),  # nothing recorded in the directory: nothing to check
        ],
    )
    def test_accepted_language_or_translation(
        self, language: str, accepted: list[str], translations: list[str], ok: bool
    ):
        violation = language_check(language, accepted, translations)

        assert (violation is None) is ok

    def test_the_refusal_names_the_accepted_languages(self):
        violation = language_check("fr", ["es", "en"], [])

        assert violation is not None
        assert violation.code == "language-not-accepted"
        assert violation.pointer == "/language"
        assert "es (Spanish)" in violation.message and "en (English)" in violation.message
        assert "UNTOC, art. 18(14)" in violation.citation


class TestLegalBasis:
    def test_a_basis_falls_back_to_the_citation_of_its_kind(self):
        basis = LegalBasis(kind=LegalBasisKind.untoc, name="UNTOC")

        assert basis.effective_citation == BASIS_CITATIONS[LegalBasisKind.untoc] == "UNTOC, art. 18"

    def test_a_treaty_carries_its_own_citation_and_parameters(self):
        basis = LegalBasis(
            kind=LegalBasisKind.bilateral_treaty,
            name="Spain-Colombia MLA treaty 1997",
            citation="art. 4",
            parameters={"acknowledgement_working_days": 10},
        )

        assert basis.effective_citation == "art. 4"
        assert basis.parameters["acknowledgement_working_days"] == 10

    @pytest.mark.parametrize(
        "fields",
        [
            {"kind": "untoc", "name": " "},
            {"kind": "treaty", "name": "x"},
            {"kind": "untoc", "name": "x", "parameters": {"days": 1.5}},
            {"kind": "untoc", "name": "x", "extra": 1},
        ],
    )
    def test_invalid_bases_are_rejected(self, fields: dict[str, object]):
        with pytest.raises(ValueError):
            LegalBasis.model_validate(fields)

    def test_every_kind_has_a_citation(self):
        assert set(BASIS_CITATIONS) == set(LegalBasisKind)
