"""CSV export and directory-file parsing: pure functions, no database."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from services.directory.schemas import AuthorityCreate, DirectoryFile, authority_sort_name
from services.directory.transfer import (
    CSV_COLUMNS,
    InvalidDirectoryFile,
    directory_csv,
    parse_directory_file,
)

SEED_PATH = Path(__file__).resolve().parents[3] / "services" / "directory" / "seed_data.json"


def _seed() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SEED_PATH.read_text(encoding="utf-8"))
    return data


def _rows(directory: DirectoryFile) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(directory_csv(directory))))


class TestCsv:
    def test_one_row_per_authority_in_file_order(self) -> None:
        directory = DirectoryFile.model_validate(_seed())
        rows = _rows(directory)
        assert [r["code"] for r in rows] == [a.code for a in directory.authorities]
        assert list(rows[0]) == list(CSV_COLUMNS)

    def test_lists_are_joined_with_semicolons(self) -> None:
        directory = DirectoryFile.model_validate(_seed())
        row = _rows(directory)[0]
        first = directory.authorities[0]
        assert row["kinds"].split(";") == [k.value for k in first.kinds]
        assert row["channels"].split(";") == [c.value for c in first.channels]
        assert row["names"].split(";") == [f"{k}={v}" for k, v in first.names.items()]
        assert len(row["contacts"].split(";")) == len(first.contacts)

    def test_an_empty_directory_is_a_header(self) -> None:
        assert directory_csv(DirectoryFile()) == ",".join(CSV_COLUMNS) + "\r\n"

    @pytest.mark.parametrize(
        ("value", "cell"),
        [
            ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
            ("-2+3", "'-2+3"),
            ("Plain text", "Plain text"),
        ],
    )
    def test_cells_a_spreadsheet_would_run_are_defused(self, value: str, cell: str) -> None:
        data = _seed()["authorities"][0]
        data["interpol_scope"] = value
        directory = DirectoryFile(authorities=[AuthorityCreate.model_validate(data)])
        assert _rows(directory)[0]["interpol_scope"] == cell

    def test_phone_numbers_stay_as_they_are(self) -> None:
        data = _seed()["authorities"][0]
        data["office_hours"] = "-"
        data["contacts"] = [{"role": "+00 000 000 009"}]
        row = _rows(DirectoryFile(authorities=[AuthorityCreate.model_validate(data)]))[0]
        assert row["contacts"] == "+00 000 000 009"
        assert row["office_hours"] == "-"


class TestParse:
    def test_the_seed_file_parses(self) -> None:
        directory = parse_directory_file(SEED_PATH.read_bytes())
        assert len(directory.authorities) == len(_seed()["authorities"])

    def test_every_error_is_named_by_entry_and_field(self) -> None:
        data = _seed()
        data["authorities"][3]["time_zone"] = "Europe/Atlantis"
        data["authorities"][5]["code"] = data["authorities"][0]["code"]
        data["profiles"][1]["incoming_languages"] = ["xx"]
        with pytest.raises(InvalidDirectoryFile) as caught:
            parse_directory_file(json.dumps(data))
        pointers = [error.pointer for error in caught.value.errors]
        assert "/authorities/3/time_zone" in pointers
        assert "/profiles/1/incoming_languages/0" in pointers
        # The code is checked against the country too, so the duplicate shows as a mismatch.
        assert any(p.startswith("/authorities/5/code") for p in pointers)

    def test_unknown_top_level_fields_are_refused(self) -> None:
        with pytest.raises(InvalidDirectoryFile) as caught:
            parse_directory_file('{"authorities": [], "extra": 1}')
        assert [e.pointer for e in caught.value.errors] == ["/extra"]


class TestSortName:
    @pytest.mark.parametrize(
        ("names", "languages", "expected"),
        [
            ({"es": "Fiscalía", "en": "Prosecutor"}, ["es"], "fiscalia"),
            ({"es": "Fiscalía", "en": "Prosecutor"}, ["pt"], "prosecutor"),
            ({"nl": "Openbaar Ministerie", "fr": "Ministère public"}, ["de"], "ministere public"),
        ],
    )
    def test_the_name_in_the_authority_s_own_language_first(
        self, names: dict[str, str], languages: list[str], expected: str
    ) -> None:
        data = _seed()["authorities"][0]
        data.update(names=names, accepted_languages=languages)
        assert authority_sort_name(AuthorityCreate.model_validate(data)) == expected
