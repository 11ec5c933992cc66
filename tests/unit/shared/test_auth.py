"""Token validation (shared/auth.py) against the Keycloak stand-in over real HTTP.

Each refusal asserts its reason, so a test cannot pass by failing for another
cause (a wrong-issuer token refused for its signature, say).
"""

from __future__ import annotations

import asyncio
import base64
import json
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse
from jwcrypto import jwk, jwt

from deploy.keycloak_standin import RunningStandin, create_standin_app, serve_in_thread
from shared.auth import (
    AuthSettings,
    CurrentPrincipal,
    Forbidden,
    InvalidToken,
    Principal,
    TokenValidator,
    Unauthenticated,
    require_role,
)

AUDIENCE = "comity-api"


class FakeMonotonic:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture(scope="module")
def standin() -> Iterator[RunningStandin]:
    with pytest.MonkeyPatch.context() as env:
        env.setenv("COMITY_ENV", "test")
        with serve_in_thread() as running:
            yield running


@pytest.fixture
def monotonic() -> FakeMonotonic:
    return FakeMonotonic()


@pytest.fixture
async def validator(
    standin: RunningStandin, monotonic: FakeMonotonic
) -> AsyncIterator[TokenValidator]:
    validator = TokenValidator(
        AuthSettings(server_url=standin.base_url, expected_issuer=standin.issuer),
        monotonic=monotonic,
    )
    yield validator
    await validator.aclose()


def claims(standin: RunningStandin, **overrides: Any) -> dict[str, Any]:
    """Claims of a valid access token for es.supervisor; ``None`` removes a claim."""
    now = int(time.time())
    base: dict[str, Any] = {
        "exp": now + 300,
        "iat": now,
        "jti": str(uuid.uuid4()),
        "iss": standin.issuer,
        "aud": AUDIENCE,
        "sub": str(uuid.uuid4()),
        "typ": "Bearer",
        "azp": "comity-cli",
        "preferred_username": "es.supervisor",
        "authority": "ES-MJ",
        "country": "ES",
        "realm_access": {"roles": ["supervisor", "case_officer"]},
    }
    base.update(overrides)
    return {name: value for name, value in base.items() if value is not None}


def signed(standin: RunningStandin, **overrides: Any) -> str:
    return str(standin.app.state.keys.sign(claims(standin, **overrides)))


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def certs_hits(standin: RunningStandin) -> int:
    return int(standin.app.state.request_counts["certs"])


async def refused(validator: TokenValidator, token: str) -> str:
    with pytest.raises(InvalidToken) as caught:
        await validator.validate(token)
    return caught.value.reason


class TestValidToken:
    async def test_a_token_from_the_realm_key_is_accepted(
        self, standin: RunningStandin, validator: TokenValidator
    ) -> None:
        principal = await validator.principal(signed(standin))

        assert principal.username == "es.supervisor"
        assert principal.authority == "ES-MJ"
        assert principal.country == "ES"
        assert principal.roles == frozenset({"supervisor", "case_officer"})
        assert principal.has_role("supervisor", "auditor")
        assert not principal.has_role("auditor")

    async def test_audience_as_a_list_containing_comity_api_is_accepted(
        self, standin: RunningStandin, validator: TokenValidator
    ) -> None:
        token = signed(standin, aud=["account", AUDIENCE])

        assert (await validator.validate(token))["aud"] == ["account", AUDIENCE]

    async def test_the_raw_token_is_kept_but_never_printed(
        self, standin: RunningStandin, validator: TokenValidator
    ) -> None:
        token = signed(standin)

        principal = await validator.principal(token)

        assert principal.token == token
        assert token not in repr(principal)


class TestRefusedToken:
    async def test_alg_none_is_refused_before_any_key_is_fetched(
        self, standin: RunningStandin, validator: TokenValidator
    ) -> None:
        header = {"alg": "none", "typ": "JWT", "kid": standin.app.state.keys.signing_kid}
        token = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(claims(standin)).encode())}."

        assert await refused(validator, token) == "algorithm not allowed"
        assert validator.jwks_fetches == 0

    async def test_hs256_signed_with_the_public_key_as_secret_is_refused(
        self, standin: RunningStandin, validator: TokenValidator
    ) -> None:
        # The classic confusion attack: the public key (known to all) used as an HMAC secret.
        kid = standin.app.state.keys.signing_kid
        public_pem = standin.app.state.keys.public_key(kid).export_to_pem()
        secret = jwk.JWK(kty="oct", k=b64(public_pem))
        forged = jwt.JWT(header={"alg": "HS256", "typ": "JWT", "kid": kid}, claims=claims(standin))
        forged.make_signed_token(secret)

        assert await refused(validator, forged.serialize()) == "algorithm not allowed"
        assert validator.jwks_fetches == 0

    async def test_wrong_issuer_is_refused(
        self, standin: RunningStandin, validator: TokenValidator
    ) -> None:
        token = signed(standin, iss="http://keycloak.internal:8080/realms/comity")

        assert await refused(validator, token) == "wrong issuer"

    async def test_missing_audience_is_refused(
        self, standin: RunningStandin, validator: TokenValidator
    ) -> None:
        assert await refused(validator, signed(standin, aud=None)) == "missing aud claim"

    async def test_wrong_audience_is_refused(
        self, standin: RunningStandin, validator: TokenValidator
    ) -> None:
        token = signed(standin, aud=["account", "another-api"])

        assert await refused(validator, token) == "wrong audience"

    async def test_expired_token_is_refused(
        self, standin: RunningStandin, validator: TokenValidator
    ) -> None:
        now = int(time.time())
        token = signed(standin, iat=now - 600, exp=now - 300)

        assert await refused(validator, token) == "token expired"

    async def test_token_without_expiry_is_refused(
        self, standin: RunningStandin, validator: TokenValidator
    ) -> None:
        assert await refused(validator, signed(standin, exp=None)) == "missing exp claim"

    async def test_not_before_in_the_future_is_refused(
        self, standin: RunningStandin, validator: TokenValidator
    ) -> None:
        token = signed(standin, nbf=int(time.time()) + 120)

        assert await refused(validator, token) == "token not yet valid"

    async def test_unknown_kid_is_refused(
        self, standin: RunningStandin, validator: TokenValidator
    ) -> None:
        stranger = jwk.JWK.generate(kty="RSA", size=2048)
        token = jwt.JWT(
            header={"alg": "RS256", "typ": "JWT", "kid": "not-a-realm-key"},
            claims=claims(standin),
        )
        token.make_signed_token(stranger)

        assert await refused(validator, token.serialize()) == "unknown signing key"

    async def test_tampered_payload_is_refused(
        self, standin: RunningStandin, validator: TokenValidator
    ) -> None:
        header, _, signature = signed(standin).split(".")
        promoted = claims(standin, realm_access={"roles": ["supervisor", "auditor"]})
        token = f"{header}.{b64(json.dumps(promoted).encode())}.{signature}"

        assert await refused(validator, token) == "invalid signature"

    async def test_token_signed_by_another_key_under_a_realm_kid_is_refused(
        self, standin: RunningStandin, validator: TokenValidator
    ) -> None:
        stranger = jwk.JWK.generate(kty="RSA", size=2048)
        kid = standin.app.state.keys.signing_kid
        token = jwt.JWT(header={"alg": "RS256", "kid": kid}, claims=claims(standin))
        token.make_signed_token(stranger)

        assert await refused(validator, token.serialize()) == "invalid signature"

    async def test_refresh_typed_token_used_as_access_token_is_refused(
        self, standin: RunningStandin, validator: TokenValidator
    ) -> None:
        assert await refused(validator, signed(standin, typ="Refresh")) == "wrong token type"
        assert await refused(validator, signed(standin, typ="ID")) == "wrong token type"
        assert await refused(validator, signed(standin, typ=None)) == "missing typ claim"

    async def test_a_real_refresh_token_is_refused(
        self, standin: RunningStandin, validator: TokenValidator
    ) -> None:
        # Keycloak signs refresh tokens with HS512: refused on the header alone.
        async with httpx.AsyncClient(base_url=standin.base_url) as http:
            response = await http.post(
                "/realms/comity/protocol/openid-connect/token",
                data={
                    "grant_type": "password",
                    "client_id": "comity-cli",
                    "username": "es.officer",
                    "password": "comity-demo",
                },
            )
        refresh_token = response.json()["refresh_token"]

        assert await refused(validator, refresh_token) == "algorithm not allowed"

    @pytest.mark.parametrize(
        "token",
        ["", "abc", "a.b", "a.b.c.d.e", "%%%.e30.", "W10.e30.sig"],
        ids=["empty", "one-part", "two-parts", "jwe", "bad-base64", "header-not-object"],
    )
    async def test_malformed_token_is_refused(self, validator: TokenValidator, token: str) -> None:
        assert await refused(validator, token) == "malformed token"

    async def test_token_without_kid_is_refused(
        self, standin: RunningStandin, validator: TokenValidator
    ) -> None:
        key = standin.app.state.keys.public_key(standin.app.state.keys.signing_kid)
        header = {"alg": "RS256"}
        token = f"{b64(json.dumps(header).encode())}.{b64(b'{}')}.{b64(b'x')}"

        assert key is not None
        assert await refused(validator, token) == "token has no key id"

    async def test_token_without_authority_gives_no_principal(
        self, standin: RunningStandin, validator: TokenValidator
    ) -> None:
        with pytest.raises(InvalidToken) as caught:
            await validator.principal(signed(standin, authority=None))

        assert caught.value.reason == "missing authority claim"


class TestKeyRotation:
    async def test_a_freshly_rotated_key_is_accepted_without_restart(
        self, standin: RunningStandin, validator: TokenValidator, monotonic: FakeMonotonic
    ) -> None:
        old_token = signed(standin)
        await validator.validate(old_token)

        standin.app.state.keys.rotate()
        new_token = signed(standin)
        monotonic.advance(31)  # the last JWKS fetch is older than the throttle

        assert (await validator.validate(new_token))["iss"] == standin.issuer
        # Keycloak keeps the previous key published while its tokens live.
        assert (await validator.validate(old_token))["iss"] == standin.issuer
        assert validator.jwks_fetches == 2

    async def test_a_dropped_key_stops_being_trusted_once_the_cache_is_old(
        self, standin: RunningStandin, validator: TokenValidator, monotonic: FakeMonotonic
    ) -> None:
        old_token = signed(standin)
        await validator.validate(old_token)
        standin.app.state.keys.rotate(drop_old=True)

        monotonic.advance(601)

        assert await refused(validator, old_token) == "unknown signing key"
        assert await validator.validate(signed(standin))

    async def test_the_jwks_endpoint_is_not_called_per_request(
        self, standin: RunningStandin, validator: TokenValidator
    ) -> None:
        before = certs_hits(standin)

        for _ in range(25):
            await validator.validate(signed(standin))

        assert certs_hits(standin) - before == 1

    async def test_concurrent_requests_share_one_fetch(
        self, standin: RunningStandin, validator: TokenValidator
    ) -> None:
        before = certs_hits(standin)

        await asyncio.gather(*(validator.validate(signed(standin)) for _ in range(10)))

        assert certs_hits(standin) - before == 1

    async def test_unknown_kid_refreshes_at_most_once_per_30_seconds(
        self, standin: RunningStandin, validator: TokenValidator, monotonic: FakeMonotonic
    ) -> None:
        stranger = jwk.JWK.generate(kty="RSA", size=2048)
        forged = jwt.JWT(header={"alg": "RS256", "kid": "unknown-kid"}, claims=claims(standin))
        forged.make_signed_token(stranger)
        token = forged.serialize()
        before = certs_hits(standin)

        for _ in range(5):
            assert await refused(validator, token) == "unknown signing key"
        monotonic.advance(29)
        assert await refused(validator, token) == "unknown signing key"
        assert certs_hits(standin) - before == 1

        monotonic.advance(2)
        assert await refused(validator, token) == "unknown signing key"
        assert certs_hits(standin) - before == 2

    async def test_an_unreachable_keycloak_refuses_tokens_without_hammering_it(
        self, standin: RunningStandin, monotonic: FakeMonotonic
    ) -> None:
        validator = TokenValidator(
            AuthSettings(server_url="http://127.0.0.1:9", expected_issuer=standin.issuer),
            monotonic=monotonic,
        )
        try:
            assert await refused(validator, signed(standin)) == "signing keys unavailable"
            assert await refused(validator, signed(standin)) == "unknown signing key"
            assert validator.jwks_fetches == 1
        finally:
            await validator.aclose()


class TestInjectedHttpClient:
    async def test_keys_can_come_through_an_in_process_transport(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("COMITY_ENV", "test")
        app = create_standin_app(public_base_url="http://keycloak.test")
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app)) as http:
            validator = TokenValidator(
                AuthSettings(
                    server_url="http://keycloak.test",
                    expected_issuer="http://keycloak.test/realms/comity",
                ),
                http_client=http,
            )
            token = app.state.keys.sign(
                {
                    "exp": int(time.time()) + 60,
                    "iss": "http://keycloak.test/realms/comity",
                    "aud": AUDIENCE,
                    "typ": "Bearer",
                    "sub": "u",
                }
            )

            assert (await validator.validate(token))["sub"] == "u"
            assert (await validator.discover())["issuer"] == "http://keycloak.test/realms/comity"
            await validator.aclose()
            assert not http.is_closed  # the caller owns the injected client


class TestEcKeys:
    """ES256 is the other allowed algorithm; the stand-in only makes RSA keys, so a
    JWKS with an EC key is served from a fixed document here."""

    ISSUER = "http://keycloak.test/realms/comity"

    @pytest.fixture
    async def ec_validator(self) -> AsyncIterator[tuple[TokenValidator, jwk.JWK, str]]:
        ec_key = jwk.JWK.generate(kty="EC", crv="P-256", kid="ec-1", use="sig", alg="ES256")
        rsa_key = jwk.JWK.generate(kty="RSA", size=2048, kid="rsa-1", use="sig", alg="RS256")
        jwks = {"keys": [ec_key.export_public(as_dict=True), rsa_key.export_public(as_dict=True)]}

        def keycloak(request: httpx.Request) -> httpx.Response:
            assert request.url.path == "/realms/comity/protocol/openid-connect/certs"
            return httpx.Response(200, json=jwks)

        async with httpx.AsyncClient(transport=httpx.MockTransport(keycloak)) as http:
            validator = TokenValidator(
                AuthSettings(server_url="http://keycloak.test", expected_issuer=self.ISSUER),
                http_client=http,
            )
            yield validator, ec_key, str(rsa_key["kid"])
            await validator.aclose()

    def token(self, key: jwk.JWK, kid: str) -> str:
        now = int(time.time())
        claims = {"exp": now + 60, "iss": self.ISSUER, "aud": AUDIENCE, "typ": "Bearer"}
        token = jwt.JWT(header={"alg": "ES256", "kid": kid}, claims=claims)
        token.make_signed_token(key)
        return str(token.serialize())

    async def test_an_es256_token_is_accepted(
        self, ec_validator: tuple[TokenValidator, jwk.JWK, str]
    ) -> None:
        validator, ec_key, _ = ec_validator

        assert (await validator.validate(self.token(ec_key, "ec-1")))["iss"] == self.ISSUER

    async def test_es256_naming_an_rsa_key_is_refused(
        self, ec_validator: tuple[TokenValidator, jwk.JWK, str]
    ) -> None:
        validator, ec_key, rsa_kid = ec_validator

        assert await refused(validator, self.token(ec_key, rsa_kid)) == (
            "key does not match algorithm"
        )


def api(validator: TokenValidator) -> FastAPI:
    """An app like a service's, with the mapping shared.problems will do."""
    app = FastAPI()
    app.state.token_validator = validator

    @app.exception_handler(Unauthenticated)
    async def unauthenticated(_: Request, exc: Unauthenticated) -> JSONResponse:
        return JSONResponse(
            {"detail": exc.detail},
            status_code=401,
            headers={"WWW-Authenticate": exc.www_authenticate},
        )

    @app.exception_handler(Forbidden)
    async def forbidden(_: Request, exc: Forbidden) -> JSONResponse:
        return JSONResponse({"detail": exc.detail}, status_code=403)

    @app.get("/me")
    async def me(principal: CurrentPrincipal) -> dict[str, Any]:
        return {"username": principal.username, "roles": sorted(principal.roles)}

    @app.post("/refuse")
    async def refuse(
        principal: Principal = Depends(require_role("supervisor")),
    ) -> dict[str, str]:
        return {"by": principal.username}

    return app


class TestDependencies:
    @pytest.fixture
    async def client(self, validator: TokenValidator) -> AsyncIterator[httpx.AsyncClient]:
        transport = httpx.ASGITransport(app=api(validator))
        async with httpx.AsyncClient(transport=transport, base_url="http://service") as client:
            yield client

    async def test_no_token_is_401_with_a_bearer_challenge(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/me")

        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"] == 'Bearer realm="comity"'

    async def test_another_scheme_is_401(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/me", headers={"Authorization": "Basic ZXM6b2ZmaWNlcg=="})

        assert response.status_code == 401

    async def test_an_invalid_token_is_401_invalid_token(
        self, standin: RunningStandin, client: httpx.AsyncClient
    ) -> None:
        token = signed(standin, aud="another-api")

        response = await client.get("/me", headers={"Authorization": f"Bearer {token}"})

        assert response.status_code == 401
        assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]
        assert response.json() == {"detail": "invalid token: wrong audience"}

    async def test_a_valid_token_gives_the_principal(
        self, standin: RunningStandin, client: httpx.AsyncClient
    ) -> None:
        token = signed(standin)

        response = await client.get("/me", headers={"Authorization": f"Bearer {token}"})

        assert response.status_code == 200
        assert response.json() == {
            "username": "es.supervisor",
            "roles": ["case_officer", "supervisor"],
        }

    async def test_a_role_the_user_lacks_is_403(
        self, standin: RunningStandin, client: httpx.AsyncClient
    ) -> None:
        token = signed(standin, realm_access={"roles": ["case_officer"]})

        response = await client.post("/refuse", headers={"Authorization": f"Bearer {token}"})

        assert response.status_code == 403
        assert response.json() == {"detail": "requires one of the roles: supervisor"}

    async def test_a_role_the_user_holds_passes(
        self, standin: RunningStandin, client: httpx.AsyncClient
    ) -> None:
        response = await client.post(
            "/refuse", headers={"Authorization": f"Bearer {signed(standin)}"}
        )

        assert response.json() == {"by": "es.supervisor"}

    def test_require_role_needs_a_role(self) -> None:
        with pytest.raises(ValueError):
            require_role()
