"""shared/legal/offences: the offence taxonomy.

Facts (docs/domain.md "Extradition"; the brief of the extradition issue): the
taxonomy covers the 1988 art. 3(1) offences, the UNTOC offences (arts. 5, 6, 8,
23), the UNCAC offences (arts. 15-20, 23-25) and the 32 offences of EAW art.
2(2). The art. 3(1) offences are deemed extraditable between Parties (1988 art.
6) and are not political offences (art. 3(10)) (verify); possession for
personal consumption is art. 3(2), outside art. 6.
"""

from __future__ import annotations

import re

import pytest
from pydantic import ValidationError

from shared.legal.offences import (
    C1988_ART3_1_CITATION,
    EAW_LABELS,
    EAW_LIST_CITATION,
    TAXONOMY,
    EawCategory,
    Instrument,
    categories_in,
    eaw_category,
    established_under,
    is_c1988_art3_1,
    offence,
)
from shared.legal.offences import OffenceCategory as O

E = EawCategory
DRUGS = E.illicit_trafficking_in_narcotic_drugs_and_psychotropic_substances
LAUNDERING = E.laundering_of_the_proceeds_of_crime
SNAKE_CASE = re.compile(r"^[a-z0-9]+(_[a-z0-9]+)*$")


class TestShape:
    def test_every_category_is_in_the_taxonomy_with_a_snake_case_id(self):
        assert set(TAXONOMY) == set(O)
        for category, info in TAXONOMY.items():
            assert info.id is category
            assert SNAKE_CASE.match(category.value)
            assert category.value == category.name
            assert info.label.strip()
            assert info.citations and all(c.strip() for c in info.citations)

    def test_the_eaw_list_has_its_32_offences_each_with_a_label(self):
        assert len(E) == 32
        assert set(EAW_LABELS) == set(E)
        assert all(SNAKE_CASE.match(e.value) for e in E)

    def test_every_eaw_list_offence_is_reachable_from_a_category(self):
        for eaw in E:
            assert categories_in(eaw), eaw

    def test_an_entry_is_frozen(self):
        with pytest.raises(ValidationError):
            offence(O.drug_trafficking).c1988_art3_1 = False  # type: ignore[misc]


# (category, a citation it must carry, 1988 art. 3(1)?, EAW list offence)
TABLE = [
    (O.drug_production, "1988 Convention, art. 3(1)(a)(i)", True, DRUGS),
    (O.drug_trafficking, "1988 Convention, art. 3(1)(a)(i)", True, DRUGS),
    (O.drug_transport, "1988 Convention, art. 3(1)(a)(i)", True, DRUGS),
    (O.drug_import_export, "1988 Convention, art. 3(1)(a)(i)", True, DRUGS),
    (O.drug_cultivation, "1988 Convention, art. 3(1)(a)(ii)", True, DRUGS),
    (O.drug_possession_for_trafficking, "1988 Convention, art. 3(1)(a)(iii)", True, DRUGS),
    (O.precursor_trafficking, "1988 Convention, art. 3(1)(a)(iv)", True, DRUGS),
    (O.drug_trafficking_organising_financing, "1988 Convention, art. 3(1)(a)(v)", True, DRUGS),
    (O.drug_proceeds_laundering, "1988 Convention, art. 3(1)(b)", True, LAUNDERING),
    (O.drug_proceeds_acquisition_possession, "1988 Convention, art. 3(1)(c)(i)", True, LAUNDERING),
    (O.precursor_possession, "1988 Convention, art. 3(1)(c)(ii)", True, None),
    (O.drug_offence_public_incitement, "1988 Convention, art. 3(1)(c)(iii)", True, None),
    (O.drug_offence_participation_conspiracy, "1988 Convention, art. 3(1)(c)(iv)", True, None),
    (O.drug_possession_personal_consumption, "1988 Convention, art. 3(2)", False, None),
    (O.participation_in_organized_criminal_group, "UNTOC, art. 5", False, E.participation_in_a_criminal_organisation),  # noqa: E501
    (O.laundering_of_proceeds_of_crime, "UNTOC, art. 6", False, LAUNDERING),
    (O.laundering_of_proceeds_of_crime, "UNCAC, art. 23", False, LAUNDERING),
    (O.bribery_of_national_public_officials, "UNTOC, art. 8", False, E.corruption),
    (O.bribery_of_national_public_officials, "UNCAC, art. 15", False, E.corruption),
    (O.bribery_of_foreign_public_officials, "UNCAC, art. 16", False, E.corruption),
    (O.embezzlement_by_public_official, "UNCAC, art. 17", False, E.corruption),
    (O.trading_in_influence, "UNCAC, art. 18", False, E.corruption),
    (O.abuse_of_functions, "UNCAC, art. 19", False, None),
    (O.illicit_enrichment, "UNCAC, art. 20", False, None),
    (O.concealment_of_property, "UNCAC, art. 24", False, None),
    (O.obstruction_of_justice, "UNTOC, art. 23", False, None),
    (O.obstruction_of_justice, "UNCAC, art. 25", False, None),
    (O.terrorism, "art. 2(2)", False, E.terrorism),
    (O.fraud, "art. 2(2)", False, E.fraud),
    (O.sabotage, "art. 2(2)", False, E.sabotage),
]  # fmt: skip


class TestCategories:
    @pytest.mark.parametrize(("category", "citation", "c1988", "eaw"), TABLE)
    def test_category_carries_its_citation_and_flags(
        self, category: O, citation: str, c1988: bool, eaw: E | None
    ):
        info = offence(category)
        assert citation in info.citation
        assert info.c1988_art3_1 is c1988
        assert is_c1988_art3_1(category) is c1988
        assert info.eaw_listed is eaw
        assert eaw_category(category) is eaw

    def test_the_1988_flag_is_marked_verify(self):
        # 1988 art. 6 and art. 3(10) were not read in the text (docs/domain.md).
        assert "1988 Convention, art. 6(1)-(2) (verify)" in C1988_ART3_1_CITATION
        assert "1988 Convention, art. 3(10) (verify)" in C1988_ART3_1_CITATION

    def test_every_1988_art_3_1_category_cites_art_3_1(self):
        for info in TAXONOMY.values():
            if info.c1988_art3_1:
                assert "1988 Convention, art. 3(1)" in info.citation
                assert info.instruments[0] is Instrument.c1988

    def test_the_eaw_only_categories_cite_the_list(self):
        for eaw in E:
            if eaw.value in O.__members__:
                info = offence(O(eaw.value))
                assert info.eaw_listed is eaw
                assert info.citation == EAW_LIST_CITATION
                assert info.label == EAW_LABELS[eaw]

    def test_the_four_list_offences_with_a_convention_category_have_no_duplicate(self):
        # Drug trafficking, laundering, participation and corruption are covered
        # by the convention categories, not by an EAW-only entry.
        for eaw in (
            E.illicit_trafficking_in_narcotic_drugs_and_psychotropic_substances,
            E.laundering_of_the_proceeds_of_crime,
            E.participation_in_a_criminal_organisation,
            E.corruption,
        ):
            assert eaw.value not in O.__members__
            assert all(offence(c).instruments[0] is not Instrument.eaw for c in categories_in(eaw))

    def test_constitutional_offences_carry_a_note(self):
        # 1988 art. 3(1)(c): subject to constitutional principles.
        for category in (
            O.drug_proceeds_acquisition_possession,
            O.precursor_possession,
            O.drug_offence_public_incitement,
            O.drug_offence_participation_conspiracy,
        ):
            note = offence(category).note
            assert note is not None and "3(1)(c)" in note


class TestEstablishedUnder:
    def test_uncac_offences(self):
        uncac = established_under(Instrument.uncac)
        assert O.bribery_of_national_public_officials in uncac
        assert O.laundering_of_proceeds_of_crime in uncac
        assert O.obstruction_of_justice in uncac
        assert O.drug_trafficking not in uncac
        # UNTOC art. 8(2) only asks States to consider foreign bribery.
        assert O.bribery_of_foreign_public_officials not in established_under(Instrument.untoc)

    def test_the_1988_art_3_1_offences_are_the_flagged_ones(self):
        flagged = {c for c in O if is_c1988_art3_1(c)}
        assert flagged == established_under(Instrument.c1988) - {
            O.drug_possession_personal_consumption
        }
