"""Schemathesis hooks of the fuzz runs (docs/decisions/0014-fuzzing-with-schemathesis.md),
loaded by the ``schemathesis`` command through ``SCHEMATHESIS_HOOKS``.

- a bearer token of a demo user from the Keycloak stand-in, fetched again before it
  expires (tokens live 5 minutes): ``COMITY_FUZZ_TOKEN_URL`` and ``COMITY_FUZZ_USER``;
- the check ``schema_valid_is_accepted``: a request generated to fit the schema is never
  answered ``validation-error``; if it is, the document allows what the validators
  refuse. A business rule's refusal (another code, citing law) is a declared answer.
"""

from __future__ import annotations

import os
from typing import Any

import httpx
import schemathesis
from schemathesis import AuthContext, Case, CheckContext, Response

DEMO_PASSWORD = "comity-demo"
# The stand-in's tokens live 300 s; a new one well before the old one expires.
TOKEN_REFRESH_SECONDS = 200


@schemathesis.auth(refresh_interval=TOKEN_REFRESH_SECONDS)
class StandinToken:
    """The password grant of the ``comity-cli`` client, as a script would use it."""

    def get(self, case: Case, ctx: AuthContext) -> str:
        response = httpx.post(
            os.environ["COMITY_FUZZ_TOKEN_URL"],
            data={
                "grant_type": "password",
                "client_id": "comity-cli",
                "username": os.environ["COMITY_FUZZ_USER"],
                "password": DEMO_PASSWORD,
            },
        )
        response.raise_for_status()
        token: str = response.json()["access_token"]
        return token

    def set(self, case: Case, data: str, ctx: AuthContext) -> None:
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


@schemathesis.check
def schema_valid_is_accepted(ctx: CheckContext, response: Response, case: Case) -> bool | None:
    """A positive case answered 422 ``validation-error``: the schema and the validators
    disagree; the problem's ``errors[]`` say on which field."""
    if case.meta is None or not case.meta.generation.mode.is_positive:
        return None
    if response.status_code != 422:
        return None
    body: Any = response.json()
    if isinstance(body, dict) and body.get("code") == "validation-error":
        raise AssertionError(
            "A request that fits the schema was refused as invalid: "
            f"{body.get('detail')}; errors: {body.get('errors')}"
        )
    return None
