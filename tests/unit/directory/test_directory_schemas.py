"""The directory's API models: the seed file, ISO checks, strictness, error locations."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from uuid import uuid4

import pytest
from pydantic import BaseModel, ValidationError

from services.directory.schemas import (
    AuthorityCreate,
    AuthorityPublic,
    AuthorityUpdate,
    CountryProfileCreate,
    CountryProfileUpdate,
    CountryPublic,
    DirectoryFile,
    authority_search_text,
    country_name,
    iso_countries,
    merge_authority_update,
    merge_profile_update,
)
from services.directory.text import normalise_search_text
from services.directory.vocabulary import (
    AUTHORITY_KIND_CITATIONS,
    INSTRUMENT_CITATIONS,
    AuthorityKind,
    Channel,
    DualCriminalityMla,
    ExtraditesNationals,
    Instrument,
)

SEED_PATH = Path(__file__).resolve().parents[3] / "services" / "directory" / "seed_data.json"

Mutation = Callable[[dict[str, Any]], None]


def _seed() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SEED_PATH.read_text(encoding="utf-8"))
    return data


def _authority() -> dict[str, Any]:
    """A valid authority, as a JSON body would arrive."""
    return {
        "code": "ES-MJ",
        "country": "ES",
        "names": {"es": "Ministerio de Justicia", "en": "Ministry of Justice"},
        "kinds": ["central_authority_mla", "competent_authority_extradition"],
        "instruments": ["c1988_art7", "untoc_art18"],
        "contacts": [
            {
                "role": "Duty officer, international cooperation unit",
                "email": "duty@es-mj.example.org",
                "phone": "+00 000 000 000",
                "languages": ["es", "en"],
                "available_24_7": True,
            }
        ],
        "accepted_languages": ["es"],
        "channels": ["direct", "interpol"],
        "interpol_scope": "Provisional arrest",
        "urgent_channel": {"channel": "interpol"},
        "reachable_24_7": True,
        "office_hours": "Mon-Fri 09:00-17:00",
        "time_zone": "Europe/Madrid",
        "requirements": {"central_authority_mla": "In Spanish"},
        "last_verified": "2026-11-15",
        "is_sample": True,
    }


def _profile() -> dict[str, Any]:
    return {
        "country": "CO",
        "extradites_nationals": "with_conditions",
        "extradites_nationals_conditions": "Nationals by birth, offences committed abroad",
        "conventions_as_extradition_basis": True,
        "conventions_as_mla_basis": True,
        "formal_request_deadline_days": [
            {"legal_basis": "MTE art. 9(4)", "days": 40, "citation": "UN Model Treaty"}
        ],
        "dual_criminality_mla": "coercive_measures_only",
        "simplified_surrender": False,
        "incoming_languages": ["es"],
        "notes": "Sample; verify.",
        "is_sample": True,
    }


def _errors(model: type[BaseModel], data: dict[str, Any]) -> list[dict[str, Any]]:
    with pytest.raises(ValidationError) as caught:
        model.model_validate(data)
    return [dict(error) for error in caught.value.errors(include_url=False)]


def _assert_error_at(
    model: type[BaseModel], data: dict[str, Any], loc: tuple[str | int, ...], type_: str
) -> dict[str, Any]:
    errors = _errors(model, data)
    found = [e for e in errors if tuple(e["loc"]) == loc]
    assert found, f"no error at {loc}: {errors}"
    assert found[0]["type"] == type_, found
    return found[0]


def _set(path: tuple[str | int, ...], value: Any) -> Mutation:
    def mutate(data: dict[str, Any]) -> None:
        target: Any = data
        for part in path[:-1]:
            target = target[part]
        target[path[-1]] = value

    return mutate


def _drop(name: str) -> Mutation:
    def mutate(data: dict[str, Any]) -> None:
        del data[name]

    return mutate


class TestSeedData:
    def test_the_whole_seed_file_validates(self) -> None:
        seed = DirectoryFile.model_validate(_seed())
        assert len(seed.authorities) >= 12
        assert len(seed.profiles) >= 12

    def test_the_seed_file_validates_as_json_too(self) -> None:
        DirectoryFile.model_validate_json(SEED_PATH.read_bytes())

    def test_the_seed_is_plainly_marked_as_sample(self) -> None:
        data = _seed()
        assert data["notice"].startswith("SAMPLE DATA")
        assert "not an official directory" in data["notice"]
        for entry in [*data["authorities"], *data["profiles"]]:
            assert entry["is_sample"] is True, entry.get("code", entry.get("country"))
        for profile in data["profiles"]:
            assert "verify" in profile["notes"].lower(), profile["country"]

    def test_contacts_are_placeholders(self) -> None:
        for authority in _seed()["authorities"]:
            for contact in authority["contacts"]:
                if "email" in contact:
                    assert contact["email"].endswith(".example.org"), contact
                if "phone" in contact:
                    assert contact["phone"].startswith("+00 "), contact

    def test_states_have_both_authorities_and_profiles(self) -> None:
        seed = DirectoryFile.model_validate(_seed())
        with_authorities = {a.country for a in seed.authorities}
        with_profiles = {p.country for p in seed.profiles}
        required = {"ES", "CO", "NL", "US", "MX", "PA", "FR", "DE", "IT", "PT", "BR", "PE"}
        assert required <= with_authorities & with_profiles

    @pytest.mark.parametrize(
        ("code", "country", "time_zone", "language"),
        [
            ("ES-MJ", "ES", "Europe/Madrid", "es"),
            ("CO-MJD", "CO", "America/Bogota", "es"),
            ("CO-FGN", "CO", "America/Bogota", "es"),
            ("NL-MJV", "NL", "Europe/Amsterdam", "nl"),
            ("US-OIA", "US", "America/New_York", "en"),
            ("MX-FGR", "MX", "America/Mexico_City", "es"),
            ("PA-MINGOB", "PA", "America/Panama", "es"),
        ],
    )
    def test_the_demo_users_authorities_exist(
        self, code: str, country: str, time_zone: str, language: str
    ) -> None:
        seed = DirectoryFile.model_validate(_seed())
        authority = next(a for a in seed.authorities if a.code == code)
        assert authority.country == country
        assert authority.time_zone == time_zone
        assert language in authority.accepted_languages

    def test_spain_is_central_authority_and_competent_for_extradition(self) -> None:
        seed = DirectoryFile.model_validate(_seed())
        spain = next(a for a in seed.authorities if a.code == "ES-MJ")
        assert AuthorityKind.central_authority_mla in spain.kinds
        assert AuthorityKind.competent_authority_extradition in spain.kinds

    def test_netherlands_accepts_dutch_and_english(self) -> None:
        seed = DirectoryFile.model_validate(_seed())
        netherlands = next(a for a in seed.authorities if a.code == "NL-MJV")
        assert set(netherlands.accepted_languages) == {"nl", "en"}

    def test_fiscalia_keeps_its_accent_and_is_found_without_it(self) -> None:
        seed = DirectoryFile.model_validate(_seed())
        fiscalia = next(a for a in seed.authorities if a.code == "CO-FGN")
        assert "Fiscalía General de la Nación" in fiscalia.names["es"]
        text = authority_search_text(fiscalia)
        assert "fiscalia general de la nacion" in text
        assert "colombia" in text
        assert "co-fgn" in text

    def test_us_mexico_treaty_deadline_is_marked_for_verification(self) -> None:
        seed = DirectoryFile.model_validate(_seed())
        for country in ("US", "MX"):
            profile = next(p for p in seed.profiles if p.country == country)
            deadline = next(
                d for d in profile.formal_request_deadline_days if "US-MX" in d.legal_basis
            )
            assert deadline.days == 60
            assert "verify" in deadline.citation

    def test_a_duplicate_code_in_a_file_is_rejected_where_it_is(self) -> None:
        data = _seed()
        data["authorities"].append(copy.deepcopy(data["authorities"][0]))
        index = len(data["authorities"]) - 1
        _assert_error_at(DirectoryFile, data, ("authorities", index, "code"), "duplicate_item")

    def test_a_second_profile_for_a_country_is_rejected(self) -> None:
        data = _seed()
        data["profiles"].append(copy.deepcopy(data["profiles"][0]))
        index = len(data["profiles"]) - 1
        _assert_error_at(DirectoryFile, data, ("profiles", index, "country"), "duplicate_item")


class TestAuthorityValidation:
    def test_a_valid_authority_is_accepted(self) -> None:
        authority = AuthorityCreate.model_validate(_authority())
        assert authority.channels == [Channel.direct, Channel.interpol]
        assert authority.last_verified == date(2026, 11, 15)
        assert authority.withdrawn is False

    def test_a_valid_authority_is_accepted_from_json(self) -> None:
        authority = AuthorityCreate.model_validate_json(json.dumps(_authority()))
        assert authority.requirements == {AuthorityKind.central_authority_mla: "In Spanish"}

    @pytest.mark.parametrize(
        ("mutation", "loc", "error_type"),
        [
            # ISO 3166-1 alpha-2
            (_set(("country",), "XX"), ("country",), "unknown_country"),
            (_set(("country",), "es"), ("country",), "unknown_country"),
            (_set(("country",), "ESP"), ("country",), "unknown_country"),
            # ISO 639-1, wherever a language appears
            (
                _set(("accepted_languages",), ["es", "xx"]),
                ("accepted_languages", 1),
                "unknown_language",
            ),
            (_set(("accepted_languages",), ["ES"]), ("accepted_languages", 0), "unknown_language"),
            (_set(("accepted_languages",), ["spa"]), ("accepted_languages", 0), "unknown_language"),
            (_set(("accepted_languages",), []), ("accepted_languages",), "too_short"),
            (
                _set(("accepted_languages",), ["es", "es"]),
                ("accepted_languages", 1),
                "duplicate_item",
            ),
            (
                _set(("names",), {"es": "Ministerio", "xx": "?"}),
                ("names", "xx"),
                "unknown_language",
            ),
            (_set(("names",), {}), ("names",), "too_short"),
            (_set(("names", "es"), "   "), ("names", "es"), "string_too_short"),
            (
                _set(("contacts", 0, "languages"), ["zz"]),
                ("contacts", 0, "languages", 0),
                "unknown_language",
            ),
            # IANA time zones
            (_set(("time_zone",), "Mars/Olympus_Mons"), ("time_zone",), "unknown_time_zone"),
            (_set(("time_zone",), "europe/madrid"), ("time_zone",), "unknown_time_zone"),
            (_set(("time_zone",), "localtime"), ("time_zone",), "unknown_time_zone"),
            (_set(("time_zone",), "CET+1"), ("time_zone",), "unknown_time_zone"),
            # the code and its country
            (_set(("code",), "FR-MJ"), ("code",), "code_country_mismatch"),
            (_set(("code",), "es-mj"), ("code",), "string_pattern_mismatch"),
            (_set(("code",), "ES"), ("code",), "string_pattern_mismatch"),
            (_set(("code",), "ES-M"), ("code",), "string_pattern_mismatch"),
            (_set(("code",), "ES-MJ-"), ("code",), "string_pattern_mismatch"),
            # strictness: no "yes", 1, "true" for a boolean; no timestamps for a date
            (_set(("reachable_24_7",), "yes"), ("reachable_24_7",), "bool_type"),
            (_set(("reachable_24_7",), 1), ("reachable_24_7",), "bool_type"),
            (_set(("reachable_24_7",), "true"), ("reachable_24_7",), "bool_type"),
            (_set(("withdrawn",), 0), ("withdrawn",), "bool_type"),
            (_set(("is_sample",), "false"), ("is_sample",), "bool_type"),
            (
                _set(("contacts", 0, "available_24_7"), "no"),
                ("contacts", 0, "available_24_7"),
                "bool_type",
            ),
            (_set(("last_verified",), 1_700_000_000), ("last_verified",), "date_format"),
            (_set(("last_verified",), "2026-02-30"), ("last_verified",), "date_format"),
            (_set(("last_verified",), "2026-11-15T00:00:00"), ("last_verified",), "date_format"),
            (_set(("last_verified",), "15/11/2026"), ("last_verified",), "date_format"),
            # closed vocabularies
            (_set(("kinds",), []), ("kinds",), "too_short"),
            (_set(("kinds",), ["prosecutor"]), ("kinds", 0), "enum"),
            (
                _set(("kinds",), ["central_authority_mla", "central_authority_mla"]),
                ("kinds", 1),
                "duplicate_item",
            ),
            (_set(("instruments",), ["1988_art7"]), ("instruments", 0), "enum"),
            (_set(("channels",), ["fax"]), ("channels", 0), "enum"),
            (_set(("channels",), []), ("channels",), "too_short"),
            (
                _set(("requirements",), {"prosecutor": "x"}),
                ("requirements", "prosecutor"),
                "unknown_authority_kind",
            ),
            # rules across fields
            (
                _set(("requirements",), {"controlled_delivery": "x"}),
                ("requirements", "controlled_delivery"),
                "kind_not_listed",
            ),
            (
                _set(("urgent_channel",), {"channel": "diplomatic"}),
                ("urgent_channel", "channel"),
                "channel_not_listed",
            ),
            # contacts
            (_set(("contacts", 0, "email"), "not-an-address"), ("contacts", 0, "email"), "email"),
            (_set(("contacts", 0, "email"), "a@b"), ("contacts", 0, "email"), "email"),
            (_set(("contacts", 0, "phone"), "call us"), ("contacts", 0, "phone"), "phone"),
            (_set(("contacts", 0, "role"), ""), ("contacts", 0, "role"), "string_too_short"),
            # missing and extra fields
            (_drop("time_zone"), ("time_zone",), "missing"),
            (_drop("last_verified"), ("last_verified",), "missing"),
            (_set(("search_text",), "x"), ("search_text",), "extra_forbidden"),
            (_set(("contacts", 0, "name"), "Jane Doe"), ("contacts", 0, "name"), "extra_forbidden"),
            (
                _set(("urgent_channel", "phone"), "+00 1"),
                ("urgent_channel", "phone"),
                "extra_forbidden",
            ),
        ],
    )
    def test_invalid_input_is_rejected_at_the_field(
        self, mutation: Mutation, loc: tuple[str | int, ...], error_type: str
    ) -> None:
        data = _authority()
        mutation(data)
        _assert_error_at(AuthorityCreate, data, loc, error_type)

    @pytest.mark.parametrize(
        ("field", "value", "named"),
        [
            ("country", "XX", "ISO 3166-1"),
            ("time_zone", "Mars/Olympus_Mons", "IANA"),
            ("accepted_languages", ["xx"], "ISO 639-1"),
        ],
    )
    def test_the_message_names_the_standard_and_the_value(
        self, field: str, value: Any, named: str
    ) -> None:
        data = _authority()
        data[field] = value
        if field == "country":
            data["code"] = "XX-MJ"
        errors = _errors(AuthorityCreate, data)
        assert len(errors) == 1, errors
        assert errors[0]["loc"][0] == field
        assert named in errors[0]["msg"]
        assert re.search("Mars/Olympus_Mons|XX|xx", errors[0]["msg"])

    def test_a_wrong_country_is_reported_once_not_as_a_code_mismatch_too(self) -> None:
        data = _authority()
        data["country"] = "XX"
        assert [e["loc"] for e in _errors(AuthorityCreate, data)] == [("country",)]

    def test_text_is_trimmed(self) -> None:
        data = _authority()
        data["names"] = {"es": "  Ministerio de Justicia  "}
        assert AuthorityCreate.model_validate(data).names == {"es": "Ministerio de Justicia"}

    def test_several_errors_are_reported_together(self) -> None:
        data = _authority()
        data["accepted_languages"] = ["xx", "yy"]
        data["reachable_24_7"] = "yes"
        locs = {tuple(e["loc"]) for e in _errors(AuthorityCreate, data)}
        assert locs == {("accepted_languages", 0), ("accepted_languages", 1), ("reachable_24_7",)}


class TestAuthorityUpdate:
    @pytest.mark.parametrize(
        ("body", "loc", "error_type"),
        [
            ({"reachable_24_7": None}, ("reachable_24_7",), "null_not_allowed"),
            ({"names": None}, ("names",), "null_not_allowed"),
            ({"time_zone": None}, ("time_zone",), "null_not_allowed"),
            ({"time_zone": "Nowhere/City"}, ("time_zone",), "unknown_time_zone"),
            ({"reachable_24_7": 1}, ("reachable_24_7",), "bool_type"),
            ({"accepted_languages": ["xx"]}, ("accepted_languages", 0), "unknown_language"),
            ({"accepted_languages": []}, ("accepted_languages",), "too_short"),
            ({"names": {"zz": "x"}}, ("names", "zz"), "unknown_language"),
            ({"code": "ES-MJ2"}, ("code",), "extra_forbidden"),
            ({"country": "FR"}, ("country",), "extra_forbidden"),
        ],
    )
    def test_invalid_updates_are_rejected_at_the_field(
        self, body: dict[str, Any], loc: tuple[str | int, ...], error_type: str
    ) -> None:
        _assert_error_at(AuthorityUpdate, body, loc, error_type)

    def test_null_clears_an_optional_field(self) -> None:
        current = AuthorityCreate.model_validate(_authority())
        update = AuthorityUpdate.model_validate({"interpol_scope": None, "urgent_channel": None})
        merged = merge_authority_update(current, update)
        assert merged.interpol_scope is None
        assert merged.urgent_channel is None
        assert merged.office_hours == "Mon-Fri 09:00-17:00"

    def test_fields_left_out_keep_their_value(self) -> None:
        current = AuthorityCreate.model_validate(_authority())
        update = AuthorityUpdate.model_validate({"accepted_languages": ["es", "en"]})
        merged = merge_authority_update(current, update)
        assert merged.accepted_languages == ["es", "en"]
        assert merged.names == current.names
        assert merged.requirements == current.requirements

    def test_rules_across_fields_are_checked_on_the_merged_entry(self) -> None:
        current = AuthorityCreate.model_validate(_authority())
        update = AuthorityUpdate.model_validate({"kinds": ["competent_authority_extradition"]})
        with pytest.raises(ValidationError) as caught:
            merge_authority_update(current, update)
        [error] = caught.value.errors()
        assert error["loc"] == ("requirements", "central_authority_mla")
        assert error["type"] == "kind_not_listed"

    def test_merging_keeps_code_and_country(self) -> None:
        public = AuthorityPublic.model_validate(
            {
                **_authority(),
                "id": uuid4(),
                "version": 3,
                "created_at": datetime(2026, 1, 1, tzinfo=UTC),
                "updated_at": datetime(2026, 1, 2, tzinfo=UTC),
            }
        )
        merged = merge_authority_update(public, AuthorityUpdate(withdrawn=True))
        assert (merged.code, merged.country, merged.withdrawn) == ("ES-MJ", "ES", True)


class TestCountryProfileValidation:
    def test_a_valid_profile_is_accepted(self) -> None:
        profile = CountryProfileCreate.model_validate(_profile())
        assert profile.extradites_nationals is ExtraditesNationals.with_conditions
        assert profile.dual_criminality_mla is DualCriminalityMla.coercive_measures_only

    @pytest.mark.parametrize(
        ("mutation", "loc", "error_type"),
        [
            (_set(("country",), "XX"), ("country",), "unknown_country"),
            (_set(("incoming_languages",), ["EN"]), ("incoming_languages", 0), "unknown_language"),
            (_set(("incoming_languages",), []), ("incoming_languages",), "too_short"),
            (_set(("extradites_nationals",), "sometimes"), ("extradites_nationals",), "enum"),
            (_set(("dual_criminality_mla",), True), ("dual_criminality_mla",), "enum"),
            (_set(("simplified_surrender",), "no"), ("simplified_surrender",), "bool_type"),
            (_set(("conventions_as_mla_basis",), 1), ("conventions_as_mla_basis",), "bool_type"),
            (
                _set(("formal_request_deadline_days", 0, "days"), "40"),
                ("formal_request_deadline_days", 0, "days"),
                "int_type",
            ),
            (
                _set(("formal_request_deadline_days", 0, "days"), True),
                ("formal_request_deadline_days", 0, "days"),
                "int_type",
            ),
            (
                _set(("formal_request_deadline_days", 0, "days"), 0),
                ("formal_request_deadline_days", 0, "days"),
                "greater_than",
            ),
            (
                _set(("formal_request_deadline_days", 0, "citation"), ""),
                ("formal_request_deadline_days", 0, "citation"),
                "string_too_short",
            ),
            (
                _set(
                    ("formal_request_deadline_days",),
                    [
                        {"legal_basis": "MTE art. 9(4)", "days": 40, "citation": "a"},
                        {"legal_basis": "MTE art. 9(4)", "days": 30, "citation": "b"},
                    ],
                ),
                ("formal_request_deadline_days", 1, "legal_basis"),
                "duplicate_item",
            ),
            (
                _drop("extradites_nationals_conditions"),
                ("extradites_nationals_conditions",),
                "conditions_required",
            ),
            (_set(("notes_extra",), "x"), ("notes_extra",), "extra_forbidden"),
        ],
    )
    def test_invalid_input_is_rejected_at_the_field(
        self, mutation: Mutation, loc: tuple[str | int, ...], error_type: str
    ) -> None:
        data = _profile()
        mutation(data)
        _assert_error_at(CountryProfileCreate, data, loc, error_type)

    def test_conditions_may_be_left_out_when_the_answer_is_plain(self) -> None:
        data = _profile()
        data["extradites_nationals"] = "yes"
        del data["extradites_nationals_conditions"]
        assert CountryProfileCreate.model_validate(data).extradites_nationals_conditions is None

    def test_an_update_cannot_leave_with_conditions_unexplained(self) -> None:
        current = CountryProfileCreate.model_validate(_profile())
        update = CountryProfileUpdate.model_validate({"extradites_nationals_conditions": None})
        with pytest.raises(ValidationError) as caught:
            merge_profile_update(current, update)
        assert caught.value.errors()[0]["loc"] == ("extradites_nationals_conditions",)

    @pytest.mark.parametrize(
        ("body", "loc", "error_type"),
        [
            ({"simplified_surrender": None}, ("simplified_surrender",), "null_not_allowed"),
            ({"country": "ES"}, ("country",), "extra_forbidden"),
            ({"incoming_languages": ["xx"]}, ("incoming_languages", 0), "unknown_language"),
        ],
    )
    def test_invalid_updates_are_rejected_at_the_field(
        self, body: dict[str, Any], loc: tuple[str | int, ...], error_type: str
    ) -> None:
        _assert_error_at(CountryProfileUpdate, body, loc, error_type)


class TestPublicModels:
    def test_an_authority_reads_from_a_row_with_more_columns(self) -> None:
        row = SimpleNamespace(
            **AuthorityCreate.model_validate(_authority()).model_dump(mode="json"),
            id=uuid4(),
            version=1,
            created_at=datetime(2026, 1, 1, tzinfo=UTC),
            updated_at=datetime(2026, 1, 1, tzinfo=UTC),
            search_text="es-mj spain ministerio de justicia",
        )
        public = AuthorityPublic.model_validate(row)
        assert public.code == "ES-MJ"
        assert public.last_verified == date(2026, 11, 15)
        assert "search_text" not in public.model_dump()

    def test_countries_come_from_iso_3166(self) -> None:
        countries = dict(iso_countries())
        assert countries["CO"] == "Colombia"
        assert countries["BO"] == "Bolivia"
        assert country_name("NL") == "Netherlands"
        assert CountryPublic(alpha2="CO", name="Colombia", has_profile=True).has_profile


class TestVocabulary:
    @pytest.mark.parametrize(
        ("enum", "citations"),
        [(Instrument, INSTRUMENT_CITATIONS), (AuthorityKind, AUTHORITY_KIND_CITATIONS)],
    )
    def test_every_value_has_a_citation(self, enum: Any, citations: dict[Any, str]) -> None:
        assert set(citations) == set(enum)

    def test_instrument_citations_read_as_citations(self) -> None:
        assert INSTRUMENT_CITATIONS[Instrument.c1988_art6] == "1988 Convention, art. 6"
        assert INSTRUMENT_CITATIONS[Instrument.untoc_art18] == "UNTOC, art. 18"

    @pytest.mark.parametrize(
        "enum", [AuthorityKind, Instrument, Channel, ExtraditesNationals, DualCriminalityMla]
    )
    def test_values_are_snake_case_and_match_the_names(self, enum: Any) -> None:
        for member in enum:
            assert re.fullmatch(r"[a-z][a-z0-9_]*", member.value), member
            assert member.name == member.value


class TestSearchText:
    @pytest.mark.parametrize(
        ("parts", "expected"),
        [
            (("Fiscalía General",), "fiscalia general"),
            (("Fiscalía  General ", "de la Nación"), "fiscalia general de la nacion"),
            (("\tMinisterie van Justitie\n",), "ministerie van justitie"),
            (("Bundesamt für Justiz",), "bundesamt fur justiz"),
            (("Straße",), "strasse"),
            (("Ørsted", "Łódź"), "orsted lodz"),
            (("Procuradoria-Geral da República",), "procuradoria-geral da republica"),
            (("ES-MJ",), "es-mj"),
            ((), ""),
        ],
    )
    def test_normalise_search_text(self, parts: tuple[str, ...], expected: str) -> None:
        assert normalise_search_text(*parts) == expected

    def test_query_and_column_meet(self) -> None:
        assert normalise_search_text("FISCALIA") in normalise_search_text("Fiscalía General")
