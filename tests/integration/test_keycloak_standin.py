"""The Keycloak stand-in and the realm file (docs/architecture.md "Identity").

The stand-in runs on a real port (uvicorn in a background thread); the tokens
it issues are validated by shared/auth.py exactly as services validate them.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from keycloak import KeycloakOpenID
from keycloak.exceptions import KeycloakAuthenticationError

from deploy.keycloak_standin import (
    DEFAULT_REALM_FILE,
    REPO_ROOT,
    RunningStandin,
    StandinRefused,
    create_standin_app,
    serve_in_thread,
    user_id_for,
)
from shared.auth import AuthSettings, InvalidToken, TokenValidator
from shared.servers import free_port

PASSWORD = "comity-demo"
TOKEN_PATH = "/realms/comity/protocol/openid-connect/token"
ROLES = {
    "case_officer",
    "supervisor",
    "liaison_officer",
    "directory_editor",
    "protection_officer",
    "auditor",
}
# username: (realm roles, authority, country)
DEMO_USERS: dict[str, tuple[set[str], str, str]] = {
    "es.officer": ({"case_officer"}, "ES-MJ", "ES"),
    "es.supervisor": ({"supervisor", "case_officer"}, "ES-MJ", "ES"),
    "co.officer": ({"case_officer"}, "CO-MJD", "CO"),
    "co.supervisor": ({"supervisor", "case_officer"}, "CO-MJD", "CO"),
    "co.prosecutor": ({"case_officer"}, "CO-FGN", "CO"),
    "nl.officer": ({"case_officer"}, "NL-MJV", "NL"),
    "nl.supervisor": ({"supervisor", "case_officer"}, "NL-MJV", "NL"),
    "us.officer": ({"case_officer"}, "US-OIA", "US"),
    "us.supervisor": ({"supervisor", "case_officer"}, "US-OIA", "US"),
    "mx.officer": ({"case_officer"}, "MX-FGR", "MX"),
    "mx.supervisor": ({"supervisor", "case_officer"}, "MX-FGR", "MX"),
    "pa.officer": ({"case_officer"}, "PA-MINGOB", "PA"),
    "pa.supervisor": ({"supervisor", "case_officer"}, "PA-MINGOB", "PA"),
    "es.liaison": ({"liaison_officer"}, "ES-MJ", "ES"),
    "es.editor": ({"directory_editor"}, "ES-MJ", "ES"),
    "co.editor": ({"directory_editor"}, "CO-MJD", "CO"),
    "es.protection": ({"protection_officer", "case_officer"}, "ES-MJ", "ES"),
    "es.auditor": ({"auditor"}, "ES-MJ", "ES"),
}


@pytest.fixture(scope="module")
def standin() -> Iterator[RunningStandin]:
    with pytest.MonkeyPatch.context() as env:
        env.setenv("COMITY_ENV", "test")
        with serve_in_thread() as running:
            yield running


@pytest.fixture
async def validator(standin: RunningStandin) -> AsyncIterator[TokenValidator]:
    validator = TokenValidator(
        AuthSettings(server_url=standin.base_url, expected_issuer=standin.issuer)
    )
    yield validator
    await validator.aclose()


@pytest.fixture
async def http(standin: RunningStandin) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=standin.base_url) as client:
        yield client


async def password_grant(
    http: httpx.AsyncClient,
    username: str,
    password: str = PASSWORD,
    client_id: str = "comity-cli",
    **extra: str,
) -> httpx.Response:
    return await http.post(
        TOKEN_PATH,
        data={
            "grant_type": "password",
            "client_id": client_id,
            "username": username,
            "password": password,
            **extra,
        },
    )


def jose_part(token: str, index: int) -> dict[str, Any]:
    segment = token.split(".")[index]
    decoded: dict[str, Any] = json.loads(
        base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    )
    return decoded


def realm_rep() -> dict[str, Any]:
    rep: dict[str, Any] = json.loads(DEFAULT_REALM_FILE.read_text(encoding="utf-8"))
    return rep


class TestPasswordGrant:
    @pytest.mark.parametrize("username", sorted(DEMO_USERS))
    async def test_every_demo_user_gets_a_token_the_validator_accepts(
        self, http: httpx.AsyncClient, validator: TokenValidator, username: str
    ) -> None:
        roles, authority, country = DEMO_USERS[username]

        response = await password_grant(http, username)
        principal = await validator.principal(response.json()["access_token"])

        assert response.status_code == 200
        assert principal.username == username
        assert principal.roles == roles
        assert principal.authority == authority
        assert principal.country == country
        assert principal.subject == user_id_for(username)

    async def test_the_token_is_shaped_as_keycloak_shapes_it(
        self, standin: RunningStandin, http: httpx.AsyncClient
    ) -> None:
        response = await password_grant(http, "co.prosecutor", scope="openid")
        body = response.json()
        header = jose_part(body["access_token"], 0)
        access = jose_part(body["access_token"], 1)

        assert response.headers["cache-control"] == "no-store"
        assert body["token_type"] == "Bearer"
        assert body["expires_in"] == 300
        assert body["refresh_expires_in"] == 1800
        assert body["not-before-policy"] == 0
        assert body["scope"] == "openid profile email"
        assert body["session_state"] == access["sid"] == access["session_state"]
        assert header == {"alg": "RS256", "typ": "JWT", "kid": standin.app.state.keys.signing_kid}
        assert access["iss"] == standin.issuer
        assert access["aud"] == "comity-api"
        assert access["typ"] == "Bearer"
        assert access["azp"] == "comity-cli"
        assert access["exp"] - access["iat"] == 300
        assert access["realm_access"] == {"roles": ["case_officer"]}
        assert access["preferred_username"] == "co.prosecutor"
        assert access["email"] == "co.prosecutor@example.org"
        assert access["email_verified"] is True
        assert access["name"] == f"{access['given_name']} {access['family_name']}"
        assert (access["authority"], access["country"]) == ("CO-FGN", "CO")
        id_token = jose_part(body["id_token"], 1)
        assert (id_token["typ"], id_token["aud"]) == ("ID", "comity-cli")
        assert jose_part(body["refresh_token"], 0)["alg"] == "HS512"
        assert jose_part(body["refresh_token"], 1)["typ"] == "Refresh"

    async def test_without_openid_scope_there_is_no_id_token(self, http: httpx.AsyncClient) -> None:
        body = (await password_grant(http, "es.officer")).json()

        assert "id_token" not in body
        assert body["scope"] == "profile email"

    async def test_python_keycloak_can_sign_in_against_the_standin(
        self, standin: RunningStandin, validator: TokenValidator
    ) -> None:
        openid = KeycloakOpenID(
            server_url=standin.base_url + "/", realm_name="comity", client_id="comity-cli"
        )
        try:
            tokens = await openid.a_token("es.auditor", PASSWORD)
            principal = await validator.principal(tokens["access_token"])
        finally:
            await openid.connection.aclose()

        assert principal.roles == {"auditor"}

    @pytest.mark.parametrize("username", ["es.officer", "nobody.here"])
    async def test_wrong_password_or_unknown_user_is_refused_as_keycloak_refuses(
        self, http: httpx.AsyncClient, username: str
    ) -> None:
        response = await password_grant(http, username, password="guess")

        assert response.status_code == 401
        assert response.json() == {
            "error": "invalid_grant",
            "error_description": "Invalid user credentials",
        }

    async def test_python_keycloak_reports_the_refusal(self, standin: RunningStandin) -> None:
        openid = KeycloakOpenID(
            server_url=standin.base_url + "/", realm_name="comity", client_id="comity-cli"
        )
        try:
            with pytest.raises(KeycloakAuthenticationError) as caught:
                await openid.a_token("es.officer", "guess")
        finally:
            await openid.connection.aclose()

        assert caught.value.response_code == 401

    async def test_the_gateway_client_may_not_use_the_password_grant(
        self, http: httpx.AsyncClient
    ) -> None:
        response = await password_grant(http, "es.officer", client_id="comity-gateway")

        assert response.status_code == 400
        assert response.json() == {
            "error": "unauthorized_client",
            "error_description": "Client not allowed for direct access grants",
        }

    async def test_an_unknown_client_is_refused(self, http: httpx.AsyncClient) -> None:
        response = await password_grant(http, "es.officer", client_id="no-such-client")

        assert response.status_code == 401
        assert response.json()["error"] == "invalid_client"

    async def test_an_unsupported_grant_is_refused(self, http: httpx.AsyncClient) -> None:
        response = await http.post(
            TOKEN_PATH, data={"grant_type": "client_credentials", "client_id": "comity-cli"}
        )

        assert response.status_code == 400
        assert response.json()["error"] == "unsupported_grant_type"

    async def test_a_missing_grant_type_is_refused(self, http: httpx.AsyncClient) -> None:
        response = await http.post(TOKEN_PATH, data={"client_id": "comity-cli"})

        assert response.status_code == 400
        assert response.json()["error"] == "invalid_request"

    async def test_another_realm_does_not_exist(self, http: httpx.AsyncClient) -> None:
        response = await http.get("/realms/master/.well-known/openid-configuration")

        assert response.status_code == 404


class TestRefreshGrant:
    async def refresh(
        self, http: httpx.AsyncClient, refresh_token: str, client_id: str = "comity-cli"
    ) -> httpx.Response:
        return await http.post(
            TOKEN_PATH,
            data={
                "grant_type": "refresh_token",
                "client_id": client_id,
                "refresh_token": refresh_token,
            },
        )

    async def test_refresh_gives_a_new_valid_token_in_the_same_session(
        self, http: httpx.AsyncClient, validator: TokenValidator
    ) -> None:
        first = (await password_grant(http, "es.supervisor")).json()

        response = await self.refresh(http, first["refresh_token"])
        second = response.json()
        claims = await validator.validate(second["access_token"])

        assert response.status_code == 200
        assert claims["preferred_username"] == "es.supervisor"
        assert claims["sid"] == jose_part(first["access_token"], 1)["sid"]
        assert claims["jti"] != jose_part(first["access_token"], 1)["jti"]
        assert second["refresh_token"] != first["refresh_token"]

    async def test_a_refresh_token_from_another_client_is_refused(
        self, http: httpx.AsyncClient
    ) -> None:
        first = (await password_grant(http, "es.officer")).json()

        response = await self.refresh(http, first["refresh_token"], client_id="comity-gateway")

        assert response.status_code == 400
        assert response.json()["error"] == "invalid_grant"

    async def test_an_access_token_is_not_a_refresh_token(self, http: httpx.AsyncClient) -> None:
        first = (await password_grant(http, "es.officer")).json()

        response = await self.refresh(http, first["access_token"])

        assert response.status_code == 400
        assert response.json() == {
            "error": "invalid_grant",
            "error_description": "Invalid refresh token",
        }

    async def test_after_logout_the_session_is_gone(self, http: httpx.AsyncClient) -> None:
        first = (await password_grant(http, "es.officer")).json()

        logout = await http.post(
            "/realms/comity/protocol/openid-connect/logout",
            data={"client_id": "comity-cli", "refresh_token": first["refresh_token"]},
        )
        response = await self.refresh(http, first["refresh_token"])

        assert logout.status_code == 204
        assert response.status_code == 400
        assert response.json()["error_description"] == "Session not active"

    async def test_refresh_reissues_from_the_current_user_data(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("COMITY_ENV", "test")
        realm_file = tmp_path / "realm.json"
        realm_file.write_text(DEFAULT_REALM_FILE.read_text(encoding="utf-8"), encoding="utf-8")
        with serve_in_thread(realm_file) as running:
            async with httpx.AsyncClient(base_url=running.base_url) as client:
                first = (await password_grant(client, "es.officer")).json()
                rep = realm_rep()
                user = next(u for u in rep["users"] if u["username"] == "es.officer")
                user["realmRoles"] = ["supervisor", "case_officer"]
                user["attributes"]["authority"] = ["ES-FGE"]
                realm_file.write_text(json.dumps(rep), encoding="utf-8")
                os.utime(realm_file, ns=(time.time_ns(), time.time_ns() + 1_000_000))

                second = (await self.refresh(client, first["refresh_token"])).json()

        claims = jose_part(second["access_token"], 1)
        assert claims["authority"] == "ES-FGE"
        assert set(claims["realm_access"]["roles"]) == {"supervisor", "case_officer"}


class TestEndpoints:
    async def test_discovery_names_the_public_issuer_and_endpoints(
        self, standin: RunningStandin, validator: TokenValidator
    ) -> None:
        document = await validator.discover()
        oidc = f"{standin.issuer}/protocol/openid-connect"

        assert document["issuer"] == standin.issuer
        assert document["token_endpoint"] == f"{oidc}/token"
        assert document["jwks_uri"] == f"{oidc}/certs"
        assert document["userinfo_endpoint"] == f"{oidc}/userinfo"
        assert document["end_session_endpoint"] == f"{oidc}/logout"
        assert document["id_token_signing_alg_values_supported"] == ["RS256"]
        assert {"password", "refresh_token"} <= set(document["grant_types_supported"])

    async def test_the_issuer_is_the_public_url_not_the_internal_one(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("COMITY_ENV", "test")
        app = create_standin_app(public_base_url="https://id.comity.example/")
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://internal") as client:
            document = (await client.get("/realms/comity/.well-known/openid-configuration")).json()

        assert document["issuer"] == "https://id.comity.example/realms/comity"

    async def test_jwks_publishes_rs256_signing_keys_with_kid(
        self, standin: RunningStandin, http: httpx.AsyncClient
    ) -> None:
        keys = (await http.get("/realms/comity/protocol/openid-connect/certs")).json()["keys"]

        assert keys
        for key in keys:
            assert (key["kty"], key["use"], key["alg"]) == ("RSA", "sig", "RS256")
            assert key["kid"]
            assert "d" not in key  # public parts only
        assert standin.app.state.keys.signing_kid in {key["kid"] for key in keys}

    async def test_userinfo_answers_for_a_valid_token(self, http: httpx.AsyncClient) -> None:
        access_token = (await password_grant(http, "mx.officer")).json()["access_token"]

        response = await http.get(
            "/realms/comity/protocol/openid-connect/userinfo",
            headers={"Authorization": f"Bearer {access_token}"},
        )
        refused = await http.get(
            "/realms/comity/protocol/openid-connect/userinfo",
            headers={"Authorization": "Bearer nonsense"},
        )

        assert response.json()["authority"] == "MX-FGR"
        assert response.json()["preferred_username"] == "mx.officer"
        assert refused.status_code == 401


class TestClaimsComeFromTheRealm:
    async def run_with(
        self, rep: dict[str, Any], tmp_path: Path, username: str = "es.officer"
    ) -> dict[str, Any]:
        realm_file = tmp_path / "realm.json"
        realm_file.write_text(json.dumps(rep), encoding="utf-8")
        with serve_in_thread(realm_file) as running:
            async with httpx.AsyncClient(base_url=running.base_url) as client:
                body = (await password_grant(client, username)).json()
            validator = TokenValidator(
                AuthSettings(server_url=running.base_url, expected_issuer=running.issuer)
            )
            try:
                with pytest.raises(InvalidToken) as caught:
                    await validator.principal(body["access_token"])
            finally:
                await validator.aclose()
        return {"claims": jose_part(body["access_token"], 1), "reason": caught.value.reason}

    async def test_an_attribute_the_user_profile_does_not_declare_is_dropped(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("COMITY_ENV", "test")
        rep = realm_rep()
        component = rep["components"]["org.keycloak.userprofile.UserProfileProvider"][0]
        profile = json.loads(component["config"]["kc.user.profile.config"][0])
        profile["attributes"] = [a for a in profile["attributes"] if a["name"] != "country"]
        component["config"]["kc.user.profile.config"] = [json.dumps(profile)]

        result = await self.run_with(rep, tmp_path)

        assert "country" not in result["claims"]
        assert result["claims"]["authority"] == "ES-MJ"
        assert result["reason"] == "missing country claim"

    async def test_without_the_audience_mapper_there_is_no_comity_api_audience(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("COMITY_ENV", "test")
        rep = realm_rep()
        for client in rep["clients"]:
            client["protocolMappers"] = [
                m
                for m in client["protocolMappers"]
                if m["protocolMapper"] != "oidc-audience-mapper"
            ]

        result = await self.run_with(rep, tmp_path)

        assert "aud" not in result["claims"]
        assert result["reason"] == "missing aud claim"


class TestStartup:
    @pytest.mark.parametrize("env", ["prod", "production", ""])
    def test_the_standin_refuses_to_start_outside_dev_and_test(
        self, monkeypatch: pytest.MonkeyPatch, env: str
    ) -> None:
        monkeypatch.setenv("COMITY_ENV", env)

        with pytest.raises(StandinRefused):
            create_standin_app()

    def test_main_refuses_with_comity_env_prod(self) -> None:
        result = subprocess.run(
            [sys.executable, "-m", "deploy.keycloak_standin"],
            cwd=REPO_ROOT,
            env={**os.environ, "COMITY_ENV": "prod", "COMITY_KEYCLOAK_STANDIN_PORT": "1"},
            capture_output=True,
            text=True,
            timeout=60,
        )

        assert result.returncode == 2
        assert "COMITY_ENV" in result.stderr

    def test_main_serves_the_realm_on_the_configured_port(self) -> None:
        port = free_port()
        process = subprocess.Popen(
            [sys.executable, "-m", "deploy.keycloak_standin"],
            cwd=REPO_ROOT,
            env={
                **os.environ,
                "COMITY_ENV": "dev",
                "COMITY_KEYCLOAK_STANDIN_PORT": str(port),
                "COMITY_KEYCLOAK_PUBLIC_URL": "http://localhost:18080",
            },
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            url = f"http://127.0.0.1:{port}/realms/comity/.well-known/openid-configuration"
            deadline = time.monotonic() + 30
            while True:
                try:
                    document = httpx.get(url).json()
                    break
                except httpx.TransportError:
                    assert process.poll() is None, "the stand-in exited"
                    assert time.monotonic() < deadline, "the stand-in did not start"
                    time.sleep(0.1)
        finally:
            process.terminate()
            process.wait(timeout=10)

        assert document["issuer"] == "http://localhost:18080/realms/comity"


class TestRealmFile:
    """realm.json in the shape Keycloak 24+ imports (`kc.sh import`, `--import-realm`)."""

    def test_realm_and_roles(self) -> None:
        rep = realm_rep()

        assert (rep["realm"], rep["enabled"]) == ("comity", True)
        assert {role["name"] for role in rep["roles"]["realm"]} == ROLES
        # Declaring client scopes would stop Keycloak creating its default ones.
        assert "clientScopes" not in rep

    def test_user_profile_declares_authority_and_country(self) -> None:
        rep = realm_rep()
        (component,) = rep["components"]["org.keycloak.userprofile.UserProfileProvider"]
        (raw,) = component["config"]["kc.user.profile.config"]
        profile = json.loads(raw)
        attributes = {attribute["name"]: attribute for attribute in profile["attributes"]}

        assert component["providerId"] == "declarative-user-profile"
        assert {"username", "email", "firstName", "lastName", "authority", "country"} <= set(
            attributes
        )
        # Users may see, not change, the authority they belong to.
        for name in ("authority", "country"):
            assert attributes[name]["permissions"]["edit"] == ["admin"]
            assert attributes[name]["multivalued"] is False
        assert "unmanagedAttributePolicy" not in profile

    @pytest.mark.parametrize("client_id", ["comity-gateway", "comity-cli"])
    def test_clients_carry_the_mappers(self, client_id: str) -> None:
        client = next(c for c in realm_rep()["clients"] if c["clientId"] == client_id)
        mappers = {m["protocolMapper"]: m for m in client["protocolMappers"]}
        attribute_mappers = [
            m["config"]
            for m in client["protocolMappers"]
            if m["protocolMapper"] == "oidc-usermodel-attribute-mapper"
        ]

        assert {(c["user.attribute"], c["claim.name"]) for c in attribute_mappers} == {
            ("authority", "authority"),
            ("country", "country"),
        }
        for config in attribute_mappers:
            assert config["access.token.claim"] == "true"
            assert config["jsonType.label"] == "String"
        audience = mappers["oidc-audience-mapper"]["config"]
        assert audience["included.custom.audience"] == "comity-api"
        assert audience["access.token.claim"] == "true"
        roles = mappers["oidc-usermodel-realm-role-mapper"]["config"]
        assert roles["claim.name"] == "realm_access.roles"
        assert roles["multivalued"] == "true"
        assert roles["access.token.claim"] == "true"
        for mapper in client["protocolMappers"]:
            assert mapper["protocol"] == "openid-connect"

    def test_the_gateway_client_is_public_with_pkce(self) -> None:
        client = next(c for c in realm_rep()["clients"] if c["clientId"] == "comity-gateway")

        assert client["publicClient"] is True
        assert client["standardFlowEnabled"] is True
        assert client["directAccessGrantsEnabled"] is False
        assert client["attributes"]["pkce.code.challenge.method"] == "S256"
        assert set(client["redirectUris"]) == {"http://127.0.0.1:8000/*", "http://localhost:8000/*"}

    def test_the_cli_client_uses_direct_access_grants_only(self) -> None:
        client = next(c for c in realm_rep()["clients"] if c["clientId"] == "comity-cli")

        assert client["publicClient"] is True
        assert client["directAccessGrantsEnabled"] is True
        assert client["standardFlowEnabled"] is False

    def test_demo_users(self) -> None:
        users = {user["username"]: user for user in realm_rep()["users"]}

        assert set(users) == set(DEMO_USERS)
        for username, (roles, authority, country) in DEMO_USERS.items():
            user = users[username]
            assert user["enabled"] is True
            assert user["emailVerified"] is True
            assert user["email"] == f"{username}@example.org"
            assert user["firstName"]
            assert user["lastName"]
            assert set(user["realmRoles"]) == roles
            assert user["attributes"] == {"authority": [authority], "country": [country]}
            assert user["credentials"] == [
                {"type": "password", "value": PASSWORD, "temporary": False}
            ]
            # Real Keycloak and the stand-in give the same subject.
            assert user["id"] == user_id_for(username)
