"""A document's name and media type are the uploader's; serving them is ours: a name
that could break the answer's headers or disguise the file is refused at upload, a
download is always an attachment whose ``Content-Disposition`` is ASCII on one line
(RFC 6266 with an RFC 8187 ``filename*``), a media type outside the allow-list is served
as ``application/octet-stream``, and no name stored before these rules makes a download
fail."""

from __future__ import annotations

from urllib.parse import unquote
from uuid import UUID

import pytest
from sqlalchemy import update

from shared.casework.models import CaseDocument
from shared.casework.schemas import MAX_DOCUMENT_BYTES
from shared.db import Database
from tests.integration.casework.conformance import REQUEST, CaseServiceUnderTest
from tests.integration.casework.helpers import items
from tests.integration.mla.helpers import Api, document

HEADER_INJECTION = "a.txt\r\nSet-Cookie: x=1"
RIGHT_TO_LEFT_OVERRIDE = "invoice\u202efdp.exe"


def filename_star(disposition: str) -> str:
    value = disposition.split("filename*=UTF-8''", 1)[1]
    return unquote(value)


class TestUpload:
    @pytest.mark.parametrize(
        ("filename", "refused"),
        [
            (HEADER_INJECTION, "U+000A, U+000D"),
            (RIGHT_TO_LEFT_OVERRIDE, "U+202E"),
            ("tab\there.pdf", "U+0009"),
            ("dir/annex.pdf", "U+002F"),
        ],
    )
    async def test_a_name_with_control_bidi_or_separator_characters_is_refused(
        self, service: CaseServiceUnderTest, api: Api, filename: str, refused: str
    ) -> None:
        request = await service.case.in_progress(api)
        path = REQUEST.format(request_id=request["id"]) + "/documents"
        answer = await api.post(service.requesting.officer, path, document(filename=filename))
        assert answer.status_code == 422, answer.text
        [error] = answer.json()["errors"]
        assert error["pointer"] == "/filename" and refused in error["detail"]
        assert await items(api, service.requesting.officer, path) == []

    async def test_a_document_above_the_default_body_limit_is_taken(
        self, service: CaseServiceUnderTest, api: Api, case_app
    ) -> None:
        request = await service.case.in_progress(api)
        path = REQUEST.format(request_id=request["id"]) + "/documents"
        content = b"%PDF-1.7 " + b"0" * (case_app.state.settings.max_body_bytes * 2)
        added = await api.post(service.requesting.officer, path, document(content=content))
        assert added.status_code == 201, added.text
        too_large = await api.post(
            service.requesting.officer,
            path,
            document(content=b"0" * (MAX_DOCUMENT_BYTES + 1)),
        )
        assert too_large.status_code == 422
        assert too_large.json()["errors"][0]["pointer"] == "/content_base64"


class TestDownload:
    async def test_a_name_is_kept_and_served_as_an_ascii_attachment(
        self, service: CaseServiceUnderTest, api: Api
    ) -> None:
        request = await service.case.in_progress(api)
        path = REQUEST.format(request_id=request["id"]) + "/documents"
        name = 'Commission rogatoire "Bogotá" n° 7.pdf'
        added = await api.post(service.requesting.officer, path, document(filename=name))
        assert added.status_code == 201, added.text
        assert added.json()["filename"] == name
        fetched = await api.get(service.requested.officer, f"{path}/{added.json()['id']}/content")
        assert fetched.status_code == 200
        disposition = fetched.headers["content-disposition"]
        assert disposition.isascii()
        assert disposition.startswith('attachment; filename="Commission rogatoire _Bogot_')
        assert filename_star(disposition) == name
        assert fetched.headers["x-content-type-options"] == "nosniff"

    @pytest.mark.parametrize(
        ("declared", "served"),
        [
            ("application/pdf", "application/pdf"),
            ("text/html", "application/octet-stream"),
            ("image/svg+xml", "application/octet-stream"),
            ("application/javascript", "application/octet-stream"),
        ],
    )
    async def test_a_media_type_outside_the_allow_list_is_served_as_octet_stream(
        self, service: CaseServiceUnderTest, api: Api, declared: str, served: str
    ) -> None:
        request = await service.case.in_progress(api)
        path = REQUEST.format(request_id=request["id"]) + "/documents"
        added = await api.post(
            service.requesting.officer,
            path,
            document(media_type=declared, content=b"<script>alert(1)</script>"),
        )
        assert added.status_code == 201, added.text
        assert added.json()["media_type"] == declared
        fetched = await api.get(service.requested.officer, f"{path}/{added.json()['id']}/content")
        assert fetched.headers["content-type"].split(";")[0] == served
        assert fetched.headers["content-disposition"].startswith("attachment;")

    @pytest.mark.parametrize("stored", [HEADER_INJECTION, RIGHT_TO_LEFT_OVERRIDE])
    async def test_a_name_stored_before_the_rules_never_breaks_the_download(
        self, service: CaseServiceUnderTest, api: Api, database: Database, stored: str
    ) -> None:
        request = await service.case.in_progress(api)
        path = REQUEST.format(request_id=request["id"]) + "/documents"
        added = await api.post(service.requesting.officer, path, document())
        assert added.status_code == 201, added.text
        async with database.sessions() as session, session.begin():
            await session.execute(
                update(CaseDocument)
                .where(CaseDocument.id == UUID(added.json()["id"]))  # type: ignore[arg-type]
                .values(filename=stored)
            )
        fetched = await api.get(service.requested.officer, f"{path}/{added.json()['id']}/content")
        assert fetched.status_code == 200, fetched.text
        assert "set-cookie" not in fetched.headers
        disposition = fetched.headers["content-disposition"]
        assert disposition.isascii() and "\r" not in disposition and "\n" not in disposition
        assert filename_star(disposition) == stored
