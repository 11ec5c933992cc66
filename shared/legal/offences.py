"""The offence taxonomy: what a request is about, with where each offence comes from.

docs/domain.md "Extradition" (the offences of a request: "category from an offence
taxonomy that covers 1988 art. 3(1), UNTOC and UNCAC offences and the EAW
list"). A category is a *kind of conduct*, not a national offence: the
requesting State's provision and the requested State's corresponding provision
are recorded beside it, and dual criminality compares the conduct, never the
names (:mod:`shared.legal.dual_criminality`). Where two instruments oblige
States to criminalise the same conduct (laundering: UNTOC art. 6, UNCAC art. 23;
obstruction of justice: UNTOC art. 23, UNCAC art. 25; bribery of national
public officials: UNTOC art. 8, UNCAC art. 15) there is one category citing
both.

Each category carries two flags:

- ``c1988_art3_1``: an offence established under 1988 art. 3(1). Between
  Parties it is deemed an extraditable offence (1988 art. 6(1)-(2) (verify)) and
  is not a political offence (1988 art. 3(10) (verify)). Possession for
  personal consumption is art. 3(2), not 3(1): it carries the flag ``False``.
- ``eaw_listed``: the category of Framework Decision 2002/584/JHA art. 2(2)
  (the 32 "list offences") that the conduct falls in, if any. The list
  offences are "as defined by the law of the issuing Member State": what
  counts is the box the issuing authority ticks on the warrant, and this
  mapping is the default Comity proposes. Where the fit is doubtful the
  category maps to none, so Comity never skips a check it may not skip; the
  other 28 list offences are categories of their own (id = the EAW value).

Read in the text while writing this module: EAW art. 2(1)-(2) (the list). The
subparagraphs of 1988 art. 3(1)-(2) and the UNCAC articles 15-25 follow the
conventions' structure without having been re-read here: check them once
against the texts. Doubtful provisions and mappings are marked "(verify)".

Values of :class:`OffenceCategory` and :class:`EawCategory` are stored: never
renamed.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from shared.legal.citations import C1988, UNCAC, UNTOC, art, join

# Instruments the extradition rules cite (the MLA ones are in citations.py).
EAW = "Framework Decision 2002/584/JHA (European Arrest Warrant)"


class Instrument(StrEnum):
    """An instrument that establishes offences."""

    c1988 = "c1988"
    untoc = "untoc"
    uncac = "uncac"
    eaw = "eaw"


class EawCategory(StrEnum):
    """The 32 offences of EAW art. 2(2), in the order of the list. Values are stored."""

    participation_in_a_criminal_organisation = "participation_in_a_criminal_organisation"
    terrorism = "terrorism"
    trafficking_in_human_beings = "trafficking_in_human_beings"
    sexual_exploitation_of_children_and_child_pornography = (
        "sexual_exploitation_of_children_and_child_pornography"
    )
    illicit_trafficking_in_narcotic_drugs_and_psychotropic_substances = (
        "illicit_trafficking_in_narcotic_drugs_and_psychotropic_substances"
    )
    illicit_trafficking_in_weapons_munitions_and_explosives = (
        "illicit_trafficking_in_weapons_munitions_and_explosives"
    )
    corruption = "corruption"
    fraud = "fraud"
    laundering_of_the_proceeds_of_crime = "laundering_of_the_proceeds_of_crime"
    counterfeiting_currency = "counterfeiting_currency"
    computer_related_crime = "computer_related_crime"
    environmental_crime = "environmental_crime"
    facilitation_of_unauthorised_entry_and_residence = (
        "facilitation_of_unauthorised_entry_and_residence"
    )
    murder_grievous_bodily_injury = "murder_grievous_bodily_injury"
    illicit_trade_in_human_organs_and_tissue = "illicit_trade_in_human_organs_and_tissue"
    kidnapping_illegal_restraint_and_hostage_taking = (
        "kidnapping_illegal_restraint_and_hostage_taking"
    )
    racism_and_xenophobia = "racism_and_xenophobia"
    organised_or_armed_robbery = "organised_or_armed_robbery"
    illicit_trafficking_in_cultural_goods = "illicit_trafficking_in_cultural_goods"
    swindling = "swindling"
    racketeering_and_extortion = "racketeering_and_extortion"
    counterfeiting_and_piracy_of_products = "counterfeiting_and_piracy_of_products"
    forgery_of_administrative_documents = "forgery_of_administrative_documents"
    forgery_of_means_of_payment = "forgery_of_means_of_payment"
    illicit_trafficking_in_hormonal_substances = "illicit_trafficking_in_hormonal_substances"
    illicit_trafficking_in_nuclear_or_radioactive_materials = (
        "illicit_trafficking_in_nuclear_or_radioactive_materials"
    )
    trafficking_in_stolen_vehicles = "trafficking_in_stolen_vehicles"
    rape = "rape"
    arson = "arson"
    crimes_within_the_jurisdiction_of_the_icc = "crimes_within_the_jurisdiction_of_the_icc"
    unlawful_seizure_of_aircraft_ships = "unlawful_seizure_of_aircraft_ships"
    sabotage = "sabotage"


EAW_LIST_CITATION = art(EAW, "2(2)")

EAW_LABELS: dict[EawCategory, str] = {
    EawCategory.participation_in_a_criminal_organisation: (
        "participation in a criminal organisation"
    ),
    EawCategory.terrorism: "terrorism",
    EawCategory.trafficking_in_human_beings: "trafficking in human beings",
    EawCategory.sexual_exploitation_of_children_and_child_pornography: (
        "sexual exploitation of children and child pornography"
    ),
    EawCategory.illicit_trafficking_in_narcotic_drugs_and_psychotropic_substances: (
        "illicit trafficking in narcotic drugs and psychotropic substances"
    ),
    EawCategory.illicit_trafficking_in_weapons_munitions_and_explosives: (
        "illicit trafficking in weapons, munitions and explosives"
    ),
    EawCategory.corruption: "corruption",
    EawCategory.fraud: (
        "fraud, including that affecting the financial interests of the European Communities"
    ),
    EawCategory.laundering_of_the_proceeds_of_crime: "laundering of the proceeds of crime",
    EawCategory.counterfeiting_currency: "counterfeiting currency, including of the euro",
    EawCategory.computer_related_crime: "computer-related crime",
    EawCategory.environmental_crime: (
        "environmental crime, including illicit trafficking in endangered animal species "
        "and in endangered plant species and varieties"
    ),
    EawCategory.facilitation_of_unauthorised_entry_and_residence: (
        "facilitation of unauthorised entry and residence"
    ),
    EawCategory.murder_grievous_bodily_injury: "murder, grievous bodily injury",
    EawCategory.illicit_trade_in_human_organs_and_tissue: (
        "illicit trade in human organs and tissue"
    ),
    EawCategory.kidnapping_illegal_restraint_and_hostage_taking: (
        "kidnapping, illegal restraint and hostage-taking"
    ),
    EawCategory.racism_and_xenophobia: "racism and xenophobia",
    EawCategory.organised_or_armed_robbery: "organised or armed robbery",
    EawCategory.illicit_trafficking_in_cultural_goods: (
        "illicit trafficking in cultural goods, including antiques and works of art"
    ),
    EawCategory.swindling: "swindling",
    EawCategory.racketeering_and_extortion: "racketeering and extortion",
    EawCategory.counterfeiting_and_piracy_of_products: "counterfeiting and piracy of products",
    EawCategory.forgery_of_administrative_documents: (
        "forgery of administrative documents and trafficking therein"
    ),
    EawCategory.forgery_of_means_of_payment: "forgery of means of payment",
    EawCategory.illicit_trafficking_in_hormonal_substances: (
        "illicit trafficking in hormonal substances and other growth promoters"
    ),
    EawCategory.illicit_trafficking_in_nuclear_or_radioactive_materials: (
        "illicit trafficking in nuclear or radioactive materials"
    ),
    EawCategory.trafficking_in_stolen_vehicles: "trafficking in stolen vehicles",
    EawCategory.rape: "rape",
    EawCategory.arson: "arson",
    EawCategory.crimes_within_the_jurisdiction_of_the_icc: (
        "crimes within the jurisdiction of the International Criminal Court"
    ),
    EawCategory.unlawful_seizure_of_aircraft_ships: "unlawful seizure of aircraft/ships",
    EawCategory.sabotage: "sabotage",
}


class OffenceCategory(StrEnum):
    """A category of the taxonomy. Values are stored: never renamed."""

    # --- 1988 Convention, art. 3(1)(a): trafficking ---
    # (i) production, manufacture, extraction, preparation
    drug_production = "drug_production"
    # (i) offering, offering for sale, distribution, sale, delivery on any terms, brokerage
    drug_trafficking = "drug_trafficking"
    # (i) dispatch, dispatch in transit, transport
    drug_transport = "drug_transport"
    # (i) importation or exportation
    drug_import_export = "drug_import_export"
    # (ii) cultivation of opium poppy, coca bush or cannabis plant
    drug_cultivation = "drug_cultivation"
    # (iii) possession or purchase for the purpose of an activity under (i)
    drug_possession_for_trafficking = "drug_possession_for_trafficking"
    # (iv) manufacture, transport or distribution of equipment, materials or
    # substances in Tables I and II (precursors), knowing their illicit use
    precursor_trafficking = "precursor_trafficking"
    # (v) organisation, management or financing of (i)-(iv)
    drug_trafficking_organising_financing = "drug_trafficking_organising_financing"
    # --- 1988 Convention, art. 3(1)(b): laundering of drug proceeds ---
    drug_proceeds_laundering = "drug_proceeds_laundering"
    # --- 1988 Convention, art. 3(1)(c): subject to constitutional principles ---
    drug_proceeds_acquisition_possession = "drug_proceeds_acquisition_possession"
    precursor_possession = "precursor_possession"
    drug_offence_public_incitement = "drug_offence_public_incitement"
    drug_offence_participation_conspiracy = "drug_offence_participation_conspiracy"
    # --- 1988 Convention, art. 3(2): not an art. 3(1) offence ---
    drug_possession_personal_consumption = "drug_possession_personal_consumption"

    # --- UNTOC and UNCAC ---
    participation_in_organized_criminal_group = "participation_in_organized_criminal_group"
    laundering_of_proceeds_of_crime = "laundering_of_proceeds_of_crime"
    bribery_of_national_public_officials = "bribery_of_national_public_officials"
    bribery_of_foreign_public_officials = "bribery_of_foreign_public_officials"
    embezzlement_by_public_official = "embezzlement_by_public_official"
    trading_in_influence = "trading_in_influence"
    abuse_of_functions = "abuse_of_functions"
    illicit_enrichment = "illicit_enrichment"
    bribery_in_private_sector = "bribery_in_private_sector"
    embezzlement_in_private_sector = "embezzlement_in_private_sector"
    concealment_of_property = "concealment_of_property"
    obstruction_of_justice = "obstruction_of_justice"

    # --- EAW art. 2(2): the list offences no category above covers (id = EAW value) ---
    terrorism = "terrorism"
    trafficking_in_human_beings = "trafficking_in_human_beings"
    sexual_exploitation_of_children_and_child_pornography = (
        "sexual_exploitation_of_children_and_child_pornography"
    )
    illicit_trafficking_in_weapons_munitions_and_explosives = (
        "illicit_trafficking_in_weapons_munitions_and_explosives"
    )
    fraud = "fraud"
    counterfeiting_currency = "counterfeiting_currency"
    computer_related_crime = "computer_related_crime"
    environmental_crime = "environmental_crime"
    facilitation_of_unauthorised_entry_and_residence = (
        "facilitation_of_unauthorised_entry_and_residence"
    )
    murder_grievous_bodily_injury = "murder_grievous_bodily_injury"
    illicit_trade_in_human_organs_and_tissue = "illicit_trade_in_human_organs_and_tissue"
    kidnapping_illegal_restraint_and_hostage_taking = (
        "kidnapping_illegal_restraint_and_hostage_taking"
    )
    racism_and_xenophobia = "racism_and_xenophobia"
    organised_or_armed_robbery = "organised_or_armed_robbery"
    illicit_trafficking_in_cultural_goods = "illicit_trafficking_in_cultural_goods"
    swindling = "swindling"
    racketeering_and_extortion = "racketeering_and_extortion"
    counterfeiting_and_piracy_of_products = "counterfeiting_and_piracy_of_products"
    forgery_of_administrative_documents = "forgery_of_administrative_documents"
    forgery_of_means_of_payment = "forgery_of_means_of_payment"
    illicit_trafficking_in_hormonal_substances = "illicit_trafficking_in_hormonal_substances"
    illicit_trafficking_in_nuclear_or_radioactive_materials = (
        "illicit_trafficking_in_nuclear_or_radioactive_materials"
    )
    trafficking_in_stolen_vehicles = "trafficking_in_stolen_vehicles"
    rape = "rape"
    arson = "arson"
    crimes_within_the_jurisdiction_of_the_icc = "crimes_within_the_jurisdiction_of_the_icc"
    unlawful_seizure_of_aircraft_ships = "unlawful_seizure_of_aircraft_ships"
    sabotage = "sabotage"


class OffenceCategoryInfo(BaseModel):
    """One category of the taxonomy, as the UI lists it and the rules read it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: OffenceCategory
    label: str = Field(min_length=1)
    instruments: tuple[Instrument, ...] = Field(
        min_length=1, description="The instruments that establish it, the first one first"
    )
    citations: tuple[str, ...] = Field(min_length=1)
    c1988_art3_1: bool = Field(
        description="An offence under 1988 art. 3(1): deemed extraditable between Parties "
        "(art. 6) and not a political offence (art. 3(10)) (verify)"
    )
    eaw_listed: EawCategory | None = Field(
        description="The EAW art. 2(2) list offence it falls in, if any"
    )
    note: str | None = None

    @property
    def citation(self) -> str:
        """Every source of the category, joined."""
        return join(*self.citations)


# 1988 art. 6(1)-(2): art. 6 applies to the art. 3(1) offences, deemed included as
# extraditable offences in every treaty between Parties; art. 3(10): not political
# (nor fiscal) offences, without prejudice to constitutional limitations.
C1988_EXTRADITABLE_CITATION = art(C1988, "6(1)-(2)", verify=True)
C1988_NOT_POLITICAL_CITATION = art(C1988, "3(10)", verify=True)
C1988_ART3_1_CITATION = join(C1988_EXTRADITABLE_CITATION, C1988_NOT_POLITICAL_CITATION)

_CONSTITUTIONAL = (
    "1988 art. 3(1)(c): established subject to each Party's constitutional principles and "
    "the basic concepts of its legal system; check that the requested State has it"
)

_N = EawCategory.illicit_trafficking_in_narcotic_drugs_and_psychotropic_substances
_L = EawCategory.laundering_of_the_proceeds_of_crime


def _c1988(
    category: OffenceCategory,
    label: str,
    letter: str,
    eaw: EawCategory | None,
    *,
    note: str | None = None,
) -> OffenceCategoryInfo:
    return OffenceCategoryInfo(
        id=category,
        label=label,
        instruments=(Instrument.c1988,),
        citations=(art(C1988, letter),),
        c1988_art3_1=True,
        eaw_listed=eaw,
        note=note,
    )


def _other(
    category: OffenceCategory,
    label: str,
    instruments: tuple[Instrument, ...],
    citations: tuple[str, ...],
    eaw: EawCategory | None,
    *,
    note: str | None = None,
) -> OffenceCategoryInfo:
    return OffenceCategoryInfo(
        id=category,
        label=label,
        instruments=instruments,
        citations=citations,
        c1988_art3_1=False,
        eaw_listed=eaw,
        note=note,
    )


_O = OffenceCategory

_TAXONOMY: tuple[OffenceCategoryInfo, ...] = (
    # --- 1988 Convention, art. 3(1) ---
    _c1988(
        _O.drug_production,
        "production, manufacture, extraction or preparation of narcotic drugs or "
        "psychotropic substances",
        "3(1)(a)(i)",
        _N,
    ),
    _c1988(
        _O.drug_trafficking,
        "offering, offering for sale, distribution, sale, delivery on any terms whatsoever or "
        "brokerage of narcotic drugs or psychotropic substances",
        "3(1)(a)(i)",
        _N,
    ),
    _c1988(
        _O.drug_transport,
        "dispatch, dispatch in transit or transport of narcotic drugs or psychotropic substances",
        "3(1)(a)(i)",
        _N,
    ),
    _c1988(
        _O.drug_import_export,
        "importation or exportation of narcotic drugs or psychotropic substances",
        "3(1)(a)(i)",
        _N,
    ),
    _c1988(
        _O.drug_cultivation,
        "cultivation of opium poppy, coca bush or cannabis plant for the production of "
        "narcotic drugs",
        "3(1)(a)(ii)",
        _N,
    ),
    _c1988(
        _O.drug_possession_for_trafficking,
        "possession or purchase of narcotic drugs or psychotropic substances for trafficking",
        "3(1)(a)(iii)",
        _N,
    ),
    # Council Framework Decision 2004/757/JHA counts precursors as illicit
    # trafficking (verify): mapped to the list offence.
    _c1988(
        _O.precursor_trafficking,
        "manufacture, transport or distribution of equipment, materials or substances in "
        "Table I or II (precursors), knowing they are to be used for illicit cultivation, "
        "production or manufacture",
        "3(1)(a)(iv)",
        _N,
    ),
    _c1988(
        _O.drug_trafficking_organising_financing,
        "organisation, management or financing of drug trafficking offences",
        "3(1)(a)(v)",
        _N,
    ),
    _c1988(
        _O.drug_proceeds_laundering,
        "laundering of the proceeds of drug trafficking: conversion, transfer, concealment or "
        "disguise of property derived from it",
        "3(1)(b)",
        _L,
    ),
    _c1988(
        _O.drug_proceeds_acquisition_possession,
        "acquisition, possession or use of property knowing it derives from drug trafficking",
        "3(1)(c)(i)",
        _L,
        note=_CONSTITUTIONAL,
    ),
    # Possession alone, or incitement, may fall outside the issuing State's
    # definition of trafficking: no list offence is proposed, the check is made.
    _c1988(
        _O.precursor_possession,
        "possession of equipment, materials or substances in Table I or II knowing they are "
        "to be used for illicit cultivation, production or manufacture",
        "3(1)(c)(ii)",
        None,
        note=_CONSTITUTIONAL,
    ),
    _c1988(
        _O.drug_offence_public_incitement,
        "publicly inciting or inducing others to commit drug trafficking offences or to use "
        "narcotic drugs or psychotropic substances illicitly",
        "3(1)(c)(iii)",
        None,
        note=_CONSTITUTIONAL,
    ),
    _c1988(
        _O.drug_offence_participation_conspiracy,
        "participation in, association or conspiracy to commit, attempt, aiding, abetting, "
        "facilitating or counselling a drug trafficking offence",
        "3(1)(c)(iv)",
        None,
        note=_CONSTITUTIONAL,
    ),
    _other(
        _O.drug_possession_personal_consumption,
        "possession, purchase or cultivation of narcotic drugs or psychotropic substances for "
        "personal consumption",
        (Instrument.c1988,),
        (art(C1988, "3(2)"),),
        None,
        note="1988 art. 3(2), not art. 3(1): not deemed extraditable by art. 6",
    ),
    # --- UNTOC and UNCAC ---
    _other(
        _O.participation_in_organized_criminal_group,
        "participation in an organized criminal group",
        (Instrument.untoc,),
        (art(UNTOC, "5"),),
        EawCategory.participation_in_a_criminal_organisation,
    ),
    _other(
        _O.laundering_of_proceeds_of_crime,
        "laundering of the proceeds of crime",
        (Instrument.untoc, Instrument.uncac),
        (art(UNTOC, "6"), art(UNCAC, "23")),
        _L,
    ),
    _other(
        _O.bribery_of_national_public_officials,
        "bribery of national public officials (active or passive)",
        (Instrument.uncac, Instrument.untoc),
        (art(UNCAC, "15"), art(UNTOC, "8")),
        EawCategory.corruption,
    ),
    _other(
        _O.bribery_of_foreign_public_officials,
        "bribery of foreign public officials and officials of public international organizations",
        # UNTOC art. 8(2) only asks States to consider it: not "established under" UNTOC.
        (Instrument.uncac,),
        (art(UNCAC, "16"), art(UNTOC, "8(2)", verify=True)),
        EawCategory.corruption,
    ),
    _other(
        _O.embezzlement_by_public_official,
        "embezzlement, misappropriation or other diversion of property by a public official",
        (Instrument.uncac,),
        (art(UNCAC, "17"),),
        EawCategory.corruption,
        note="mapped to the EAW list offence 'corruption' (verify against the warrant)",
    ),
    _other(
        _O.trading_in_influence,
        "trading in influence",
        (Instrument.uncac,),
        (art(UNCAC, "18"),),
        EawCategory.corruption,
    ),
    # Abuse of functions and illicit enrichment are not bribery; whether the
    # issuing State's "corruption" covers them varies: no list offence proposed.
    _other(
        _O.abuse_of_functions,
        "abuse of functions by a public official",
        (Instrument.uncac,),
        (art(UNCAC, "19"),),
        None,
    ),
    _other(
        _O.illicit_enrichment,
        "illicit enrichment",
        (Instrument.uncac,),
        (art(UNCAC, "20"),),
        None,
        note="UNCAC art. 20 is subject to each State's constitution: many States do not "
        "criminalise it; dual criminality needs care",
    ),
    _other(
        _O.bribery_in_private_sector,
        "bribery in the private sector",
        (Instrument.uncac,),
        (art(UNCAC, "21"),),
        EawCategory.corruption,
    ),
    _other(
        _O.embezzlement_in_private_sector,
        "embezzlement of property in the private sector",
        (Instrument.uncac,),
        (art(UNCAC, "22"),),
        None,
    ),
    _other(
        _O.concealment_of_property,
        "concealment or continued retention of property resulting from a corruption offence",
        (Instrument.uncac,),
        (art(UNCAC, "24"),),
        None,
    ),
    _other(
        _O.obstruction_of_justice,
        "obstruction of justice",
        (Instrument.untoc, Instrument.uncac),
        (art(UNTOC, "23"), art(UNCAC, "25")),
        None,
    ),
)


def _eaw_only(category: OffenceCategory) -> OffenceCategoryInfo:
    eaw = EawCategory(category.value)
    return _other(category, EAW_LABELS[eaw], (Instrument.eaw,), (EAW_LIST_CITATION,), eaw)


_EAW_ONLY = tuple(
    _eaw_only(c)
    for c in OffenceCategory
    if c.value in EawCategory.__members__ and c not in {i.id for i in _TAXONOMY}
)

TAXONOMY: dict[OffenceCategory, OffenceCategoryInfo] = {
    info.id: info for info in (*_TAXONOMY, *_EAW_ONLY)
}
"""Every category, in the order of the instruments (1988, UNTOC/UNCAC, EAW list)."""


def offence(category: OffenceCategory) -> OffenceCategoryInfo:
    """The taxonomy entry of ``category``."""
    return TAXONOMY[category]


def is_c1988_art3_1(category: OffenceCategory) -> bool:
    """Whether ``category`` is an offence under 1988 art. 3(1)."""
    return TAXONOMY[category].c1988_art3_1


def eaw_category(category: OffenceCategory) -> EawCategory | None:
    """The EAW art. 2(2) list offence ``category`` falls in (Comity's default), if any."""
    return TAXONOMY[category].eaw_listed


def categories_in(eaw: EawCategory) -> tuple[OffenceCategory, ...]:
    """The categories that map to the list offence ``eaw``."""
    return tuple(info.id for info in TAXONOMY.values() if info.eaw_listed is eaw)


def established_under(instrument: Instrument) -> frozenset[OffenceCategory]:
    """The categories that ``instrument`` obliges its Parties to establish as offences."""
    return frozenset(info.id for info in TAXONOMY.values() if instrument in info.instruments)
