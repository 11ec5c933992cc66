"""The whole directory in and out: JSON (``DirectoryFile``), and CSV for spreadsheets.

Export then import is lossless: the file holds every field an editor writes,
withdrawn entries included. An import is all or nothing: a malformed file is
refused whole with every offending entry and field named by a JSON pointer
(``/authorities/3/time_zone``), and nothing is written; a valid one creates the
entries that are new, updates those that differ (a new version each) and
leaves the rest alone. Entries missing from the file are not deleted: withdraw
them instead.

These functions are what ``comity directory import | export`` calls; they never
commit, the caller's transaction does.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable
from typing import Any

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from services.directory import repository
from services.directory.schemas import (
    AuthorityCreate,
    ChangeKind,
    CountryProfileCreate,
    DirectoryFile,
    ImportReport,
)
from services.directory.service import (
    Action,
    Actor,
    apply_authority,
    apply_profile,
    authority_data,
    ensure_countries,
    insert_authority,
    insert_profile,
    other_state_refusal,
    profile_data,
    require_editor,
)
from shared import audit
from shared.auth import Principal
from shared.clock import Clock, SystemClock
from shared.problems import FieldError, field_errors

EXPORT_NOTICE = (
    "Export of the Comity directory of designated authorities. Entries with is_sample "
    "true are demonstration data, not official; verify everything with the authorities."
)


class InvalidDirectoryFile(ValueError):
    """A directory file that cannot be imported; ``errors`` names each entry and field."""

    def __init__(self, errors: list[FieldError]) -> None:
        self.errors = errors
        where = ", ".join(dict.fromkeys(error.pointer for error in errors))
        super().__init__(f"invalid directory file at {where}" if where else "invalid file")


def parse_directory_file(data: str | bytes) -> DirectoryFile:
    """Read a directory file, or raise :class:`InvalidDirectoryFile` naming every error."""
    try:
        document = json.loads(data)
    except (ValueError, UnicodeDecodeError) as error:
        raise InvalidDirectoryFile(
            [FieldError(pointer="", detail=f"not JSON: {error}", code="json_invalid")]
        ) from None
    try:
        return DirectoryFile.model_validate(document)
    except ValidationError as error:
        raise InvalidDirectoryFile(field_errors(error.errors(include_url=False))) from None


# ---------------------------------------------------------------------------
# Export


async def export_directory(session: AsyncSession) -> DirectoryFile:
    """Every authority (by code, withdrawn ones too) and every profile (by country)."""
    authorities = [
        AuthorityCreate.model_validate(row, from_attributes=True)
        for row in await repository.all_authorities(session)
    ]
    profiles = [
        CountryProfileCreate.model_validate(row, from_attributes=True)
        for row in await repository.all_profiles(session)
    ]
    return DirectoryFile(notice=EXPORT_NOTICE, authorities=authorities, profiles=profiles)


CSV_COLUMNS = (
    "code",
    "country",
    "names",
    "kinds",
    "instruments",
    "accepted_languages",
    "channels",
    "contacts",
    "interpol_scope",
    "urgent_channel",
    "reachable_24_7",
    "office_hours",
    "time_zone",
    "requirements",
    "last_verified",
    "withdrawn",
    "is_sample",
)

# A cell a spreadsheet would run as a formula ("=HYPERLINK(...)"). Phone numbers
# ("+00 000") start with "+" too, and stay as they are.
_FORMULA_START = re.compile(r"^[=@\t\r]|^[+-](?![0-9 ()\-]*$)")


def _cell(value: str) -> str:
    return f"'{value}" if _FORMULA_START.match(value) else value


def _joined(values: Iterable[str]) -> str:
    return ";".join(values)


def _contact(contact: dict[str, Any]) -> str:
    parts = [contact["role"]]
    parts += [contact[name] for name in ("email", "phone") if contact.get(name)]
    if contact.get("available_24_7"):
        parts.append("24/7")
    return " | ".join(parts)


def directory_csv(directory: DirectoryFile) -> str:
    """One row per authority; lists joined with ``;``, keyed values as ``key=value``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for authority in directory.authorities:
        data = authority.model_dump(mode="json")
        urgent = data["urgent_channel"]
        row = {
            "code": data["code"],
            "country": data["country"],
            "names": _joined(f"{lang}={name}" for lang, name in data["names"].items()),
            "kinds": _joined(data["kinds"]),
            "instruments": _joined(data["instruments"]),
            "accepted_languages": _joined(data["accepted_languages"]),
            "channels": _joined(data["channels"]),
            "contacts": _joined(_contact(contact) for contact in data["contacts"]),
            "interpol_scope": data["interpol_scope"] or "",
            "urgent_channel": "" if urgent is None else urgent["channel"],
            "reachable_24_7": "yes" if data["reachable_24_7"] else "no",
            "office_hours": data["office_hours"] or "",
            "time_zone": data["time_zone"],
            "requirements": _joined(f"{k}={v}" for k, v in data["requirements"].items()),
            "last_verified": data["last_verified"],
            "withdrawn": "yes" if data["withdrawn"] else "no",
            "is_sample": "yes" if data["is_sample"] else "no",
        }
        writer.writerow([_cell(row[column]) for column in CSV_COLUMNS])
    return buffer.getvalue()


async def export_csv(session: AsyncSession) -> str:
    return directory_csv(await export_directory(session))


# ---------------------------------------------------------------------------
# Import


def _check_own_state(principal: Principal, directory: DirectoryFile) -> None:
    """An editor imports their own State's entries only; the file is refused whole."""
    require_editor(principal, action=Action.directory_import, entity_type="directory")
    errors: list[FieldError] = []
    countries: list[str] = []
    entries: list[tuple[str, int, str]] = [
        ("authorities", index, authority.country)
        for index, authority in enumerate(directory.authorities)
    ]
    entries += [
        ("profiles", index, profile.country) for index, profile in enumerate(directory.profiles)
    ]
    for section, index, country in entries:
        if country != principal.country:
            countries.append(country)
            errors.append(
                FieldError(
                    pointer=f"/{section}/{index}/country",
                    detail=f"an entry of {country}; you maintain those of {principal.country}",
                )
            )
    if errors:
        raise other_state_refusal(
            principal,
            countries,
            action=Action.directory_import,
            entity_type="directory",
            errors=errors,
        )


async def import_directory(
    session: AsyncSession,
    file: DirectoryFile,
    actor: Principal | str,
    *,
    clock: Clock | None = None,
    only_missing: bool = False,
    change: ChangeKind = ChangeKind.imported,
) -> ImportReport:
    """Create what is new, update what differs, leave the rest; all in the caller's
    transaction. A person (``Principal``) must be a directory editor and the file hold
    only their own State's entries (or :class:`~services.directory.service.EditRefused`);
    a system actor (``"system:directory"``, the operator CLI) may import any State's.
    ``only_missing`` skips entries that exist (the seed)."""
    who = Actor.of(actor)
    if who.principal is not None:
        _check_own_state(who.principal, file)
    now = (clock or SystemClock()).now()
    await ensure_countries(session, now=now)
    report = ImportReport()
    via = {"via": "import"} if change is ChangeKind.imported else {"via": change.value}

    for authority in file.authorities:
        row = await repository.get_authority_by_code(session, authority.code, for_update=True)
        if row is None:
            await insert_authority(
                session, authority, actor=who, now=now, change=change, details=via
            )
            report.authorities_created.append(authority.code)
        elif only_missing or authority_data(row).model_dump(mode="json") == authority.model_dump(
            mode="json"
        ):
            report.authorities_unchanged.append(authority.code)
        else:
            await apply_authority(
                session,
                row,
                authority,
                actor=who,
                now=now,
                change=change,
                action=Action.authority_update,
                details=via,
            )
            report.authorities_updated.append(authority.code)

    for profile in file.profiles:
        current = await repository.get_profile(session, profile.country, for_update=True)
        if current is None:
            await insert_profile(session, profile, actor=who, now=now, change=change, details=via)
            report.profiles_created.append(profile.country)
        elif only_missing or profile_data(current).model_dump(mode="json") == profile.model_dump(
            mode="json"
        ):
            report.profiles_unchanged.append(profile.country)
        else:
            await apply_profile(
                session, current, profile, actor=who, now=now, change=change, details=via
            )
            report.profiles_updated.append(profile.country)

    if report.changed:
        await audit.append(
            session,
            at=now,
            actor=who.for_audit,
            action=Action.directory_import.value,
            entity_type="directory",
            details={"change": change.value, **report.model_dump()},
        )
    return report
