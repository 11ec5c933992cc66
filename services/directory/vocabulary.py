"""The directory's closed vocabularies (docs/domain.md, "Complementary measures").

Every value is snake_case and stable: it is stored, sent on the bus and shown
in the API, so a value is never renamed; a new one is added instead. The
human-readable citations live beside the enums so the UI can show them.
"""

from __future__ import annotations

from enum import StrEnum


class AuthorityKind(StrEnum):
    """What an authority is designated or competent for.

    The UNODC Directory of Competent National Authorities covers authorities
    under 1988 arts. 6, 7 and 17 and UNTOC; PoA para. 64(b) asks for it online.
    """

    # 1988 art. 7(8); UNTOC art. 18(13); UNCAC art. 46(13).
    central_authority_mla = "central_authority_mla"
    # 1988 art. 6; UNTOC art. 16; UNCAC art. 44.
    competent_authority_extradition = "competent_authority_extradition"
    # 1988 art. 8; UNTOC art. 21; UNCAC art. 47.
    transfer_of_proceedings = "transfer_of_proceedings"
    # 1988 art. 11; UNTOC art. 20.
    controlled_delivery = "controlled_delivery"
    # 1988 art. 17(7): the authority that receives and answers boarding
    # requests for vessels suspected of illicit traffic by sea.
    illicit_traffic_by_sea = "illicit_traffic_by_sea"
    # UNTOC art. 7(1)(b); UNCAC art. 58.
    financial_intelligence_unit = "financial_intelligence_unit"


AUTHORITY_KIND_CITATIONS: dict[AuthorityKind, str] = {
    AuthorityKind.central_authority_mla: "1988 Convention, art. 7(8); UNTOC, art. 18(13)",
    AuthorityKind.competent_authority_extradition: "1988 Convention, art. 6; UNTOC, art. 16",
    AuthorityKind.transfer_of_proceedings: "1988 Convention, art. 8; UNTOC, art. 21",
    AuthorityKind.controlled_delivery: "1988 Convention, art. 11; UNTOC, art. 20",
    AuthorityKind.illicit_traffic_by_sea: "1988 Convention, art. 17(7)",
    AuthorityKind.financial_intelligence_unit: "UNTOC, art. 7(1)(b); UNCAC, art. 58",
}


class Instrument(StrEnum):
    """The convention article under which an authority is designated.

    Scheme: ``<instrument>_art<number>``; ``c1988`` is the 1988 Convention
    (a value may not start with a digit where it becomes an identifier).
    """

    c1988_art6 = "c1988_art6"  # extradition
    c1988_art7 = "c1988_art7"  # mutual legal assistance
    c1988_art8 = "c1988_art8"  # transfer of proceedings
    c1988_art11 = "c1988_art11"  # controlled delivery
    c1988_art17 = "c1988_art17"  # illicit traffic by sea
    untoc_art16 = "untoc_art16"  # extradition
    untoc_art18 = "untoc_art18"  # mutual legal assistance
    untoc_art20 = "untoc_art20"  # special investigative techniques, controlled delivery
    untoc_art21 = "untoc_art21"  # transfer of criminal proceedings
    uncac_art44 = "uncac_art44"  # extradition
    uncac_art46 = "uncac_art46"  # mutual legal assistance
    uncac_art47 = "uncac_art47"  # transfer of criminal proceedings


INSTRUMENT_CITATIONS: dict[Instrument, str] = {
    Instrument.c1988_art6: "1988 Convention, art. 6",
    Instrument.c1988_art7: "1988 Convention, art. 7",
    Instrument.c1988_art8: "1988 Convention, art. 8",
    Instrument.c1988_art11: "1988 Convention, art. 11",
    Instrument.c1988_art17: "1988 Convention, art. 17",
    Instrument.untoc_art16: "UNTOC, art. 16",
    Instrument.untoc_art18: "UNTOC, art. 18",
    Instrument.untoc_art20: "UNTOC, art. 20",
    Instrument.untoc_art21: "UNTOC, art. 21",
    Instrument.uncac_art44: "UNCAC, art. 44",
    Instrument.uncac_art46: "UNCAC, art. 46",
    Instrument.uncac_art47: "UNCAC, art. 47",
}


class Channel(StrEnum):
    """How requests reach an authority (Council of Europe PC-OC forms: "channels")."""

    # Between central authorities: UNTOC art. 18(13); 1988 art. 7(8).
    direct = "direct"
    # A State may require the diplomatic channel: UNTOC art. 18(13); 1988 art. 7(8).
    diplomatic = "diplomatic"
    # In urgent circumstances, where the States agree: UNTOC art. 18(13); 1988 art. 7(8).
    interpol = "interpol"
    # Secure e-mail, platforms, any electronic means producing a written record
    # (UNTOC art. 18(14)).
    other_electronic = "other_electronic"


class ExtraditesNationals(StrEnum):
    """Whether a State extradites its own nationals.

    Refusal on nationality triggers "extradite or prosecute": 1988 art. 6(9);
    UNTOC art. 16(10); PoA para. 54(d).
    """

    yes = "yes"
    no = "no"
    with_conditions = "with_conditions"


class DualCriminalityMla(StrEnum):
    """When a State requires dual criminality for mutual legal assistance.

    UNTOC art. 18(9) allows declining for lack of it; UNCAC art. 46(9)(b) and
    PoA para. 56(b) ask for flexibility, in particular for non-coercive measures.
    """

    never = "never"
    coercive_measures_only = "coercive_measures_only"
    always = "always"
