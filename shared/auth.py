"""Bearer-token validation and the caller's principal (docs/architecture.md "Identity").

Every service and the gateway validate access tokens themselves:

- asymmetric algorithms only (RS256, ES256): ``alg: none`` and every HS* token
  are refused by looking at the header, before any key is touched, so a token
  "signed" with the public key as an HMAC secret never reaches verification;
- the signature is checked against the issuer's JWKS, cached in memory by
  ``kid``. An unknown ``kid`` triggers at most one JWKS refresh per
  ``refresh_interval`` (30 s), so key rotation works without a restart and the
  JWKS endpoint is not called per request. The cache is also refreshed once it
  is older than ``max_key_age`` (10 min), so a key removed from Keycloak stops
  being trusted; if that refresh fails, the cached keys stay in use;
- ``iss`` must equal the *expected issuer*, configured apart from the URL used
  to reach Keycloak internally; ``aud`` is required and must contain
  ``comity-api``; ``exp`` is required; ``nbf``, when present, must not be in
  the future; ``typ`` must be ``Bearer`` (a refresh or ID token is refused).

python-keycloak does the discovery and the JWKS fetch; decoding goes through
its ``decode_token`` with the cached key, the one allowed algorithm and the
claims to check passed explicitly (by default it checks neither ``iss`` nor
``aud`` and fetches the keys on every call).

In an app, put a :class:`TokenValidator` on ``app.state.token_validator``
(in the lifespan) and use :data:`CurrentPrincipal` or :func:`require_role`
in the routes. Failures raise :class:`Unauthenticated` (401) or
:class:`Forbidden` (403); ``shared.problems`` turns them into problem
responses.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import json
import logging
import re
import time
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any

import httpx
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from jwcrypto import jwk, jws, jwt
from jwcrypto.common import JWException
from keycloak import KeycloakOpenID
from keycloak.exceptions import KeycloakError
from pydantic import BaseModel, ConfigDict, Field

from shared.clock import Clock, SystemClock

if TYPE_CHECKING:
    from shared.settings import ServiceSettings

logger = logging.getLogger(__name__)

# The only algorithms accepted, with the key type (and curve) each needs.
ALLOWED_ALGORITHMS: Mapping[str, tuple[str, str | None]] = {
    "RS256": ("RSA", None),
    "ES256": ("EC", "P-256"),
}
JWKS_REFRESH_INTERVAL_SECONDS = 30.0
JWKS_MAX_AGE_SECONDS = 600.0
ACCESS_TOKEN_TYPE = "Bearer"
# Far above any real access token; a guard against absurd input, not a policy.
MAX_TOKEN_LENGTH = 16 * 1024


class InvalidToken(Exception):
    """A token was refused. ``reason`` is short and safe to show to the caller."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Unauthenticated(Exception):
    """No valid bearer token: the problems module answers 401 with ``WWW-Authenticate``."""

    def __init__(self, detail: str, *, invalid_token: bool = False) -> None:
        super().__init__(detail)
        self.detail = detail
        self.invalid_token = invalid_token

    @property
    def www_authenticate(self) -> str:
        """The ``WWW-Authenticate`` header value (RFC 6750 section 3)."""
        if self.invalid_token:
            return 'Bearer realm="comity", error="invalid_token"'
        return 'Bearer realm="comity"'


class Forbidden(Exception):
    """Authenticated, but without a role the action needs: the problems module answers 403."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


@dataclass(frozen=True, slots=True)
class AuthSettings:
    """Where the keys come from and what a token must say."""

    # How this process reaches Keycloak (may be an internal address).
    server_url: str
    # The issuer tokens must carry: the public URL of the realm, configured on its own.
    expected_issuer: str
    realm: str = "comity"
    audience: str = "comity-api"
    client_id: str = "comity-api"
    # Allowed clock skew for exp and nbf, in seconds.
    leeway_seconds: int = 0

    @classmethod
    def from_service_settings(
        cls, settings: ServiceSettings, *, client_id: str = "comity-api"
    ) -> AuthSettings:
        return cls(
            server_url=settings.keycloak_url,
            expected_issuer=settings.keycloak_issuer,
            realm=settings.keycloak_realm,
            audience=settings.token_audience,
            client_id=client_id,
        )


class Principal(BaseModel):
    """The user behind a validated access token; authorisation uses these claims."""

    model_config = ConfigDict(frozen=True)

    subject: str
    username: str
    authority: str
    country: str
    roles: frozenset[str]
    # The raw access token, so a service can act on behalf of the user; never printed.
    token: str = Field(repr=False)

    def has_role(self, *roles: str) -> bool:
        """True if the principal holds at least one of ``roles``."""
        return not self.roles.isdisjoint(roles)

    @classmethod
    def from_claims(cls, claims: Mapping[str, Any], token: str) -> Principal:
        """Build from validated claims; a token without what Comity needs is invalid."""
        subject = _string_claim(claims, "sub")
        username = _string_claim(claims, "preferred_username")
        authority = _string_claim(claims, "authority")
        country = _string_claim(claims, "country")
        realm_access = claims.get("realm_access", {})
        roles = realm_access.get("roles", []) if isinstance(realm_access, dict) else None
        if not isinstance(roles, list) or not all(isinstance(role, str) for role in roles):
            raise InvalidToken("malformed realm_access.roles claim")
        return cls(
            subject=subject,
            username=username,
            authority=authority,
            country=country,
            roles=frozenset(roles),
            token=token,
        )


def _string_claim(claims: Mapping[str, Any], name: str) -> str:
    value = claims.get(name)
    if not isinstance(value, str) or not value:
        raise InvalidToken(f"missing {name} claim")
    return value


def _b64url_json(segment: str) -> dict[str, Any]:
    padded = segment + "=" * (-len(segment) % 4)
    try:
        value = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
    except (ValueError, binascii.Error, UnicodeError) as exc:
        raise InvalidToken("malformed token") from exc
    if not isinstance(value, dict):
        raise InvalidToken("malformed token")
    return value


_MISSING_CLAIM = re.compile(r"Claim (\w+) is missing")
_INVALID_CLAIM = re.compile(r"Invalid '(\w+)' value")
_CLAIM_REASONS = {"iss": "wrong issuer", "aud": "wrong audience", "typ": "wrong token type"}


def _claims_reason(exc: JWException) -> str:
    # jwcrypto names the failing claim only in its message.
    message = str(exc)
    if missing := _MISSING_CLAIM.search(message):
        return f"missing {missing.group(1)} claim"
    if invalid := _INVALID_CLAIM.search(message):
        return _CLAIM_REASONS.get(invalid.group(1), f"invalid {invalid.group(1)} claim")
    return "invalid claims"


class TokenValidator:
    """Validates access tokens of one realm; one instance per app, shared by all requests."""

    def __init__(
        self,
        settings: AuthSettings,
        *,
        clock: Clock | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        refresh_interval: float = JWKS_REFRESH_INTERVAL_SECONDS,
        max_key_age: float = JWKS_MAX_AGE_SECONDS,
        http_client: httpx.AsyncClient | None = None,
    ) -> None:
        """``http_client`` replaces python-keycloak's own client (e.g. an in-process
        ``ASGITransport``); the caller keeps ownership of it."""
        self.settings = settings
        self._clock = clock or SystemClock()
        self._monotonic = monotonic
        self._refresh_interval = refresh_interval
        self._max_key_age = max_key_age
        # urljoin drops the last path segment of a base URL without a trailing slash.
        self._openid = KeycloakOpenID(
            server_url=settings.server_url.rstrip("/") + "/",
            realm_name=settings.realm,
            client_id=settings.client_id,
            timeout=10,
        )
        self._own_http_client: httpx.AsyncClient | None = None
        if http_client is not None:
            self._own_http_client = self._openid.connection.async_s
            self._openid.connection.async_s = http_client
        self._keys: dict[str, jwk.JWK] = {}
        self._last_attempt: float | None = None  # throttles fetches, failed ones included
        self._fetched_at: float | None = None  # age of the cached keys
        self._refresh_lock = asyncio.Lock()
        self.jwks_fetches = 0

    @property
    def key_ids(self) -> frozenset[str]:
        return frozenset(self._keys)

    async def discover(self) -> dict[str, Any]:
        """The realm's OpenID configuration; warns when its issuer is not the expected one."""
        document: dict[str, Any] = await self._openid.a_well_known()
        issuer = document.get("issuer")
        if issuer != self.settings.expected_issuer:
            logger.warning(
                "Keycloak announces issuer %r but tokens must carry %r; check the public "
                "hostname of Keycloak and COMITY_KEYCLOAK_ISSUER",
                issuer,
                self.settings.expected_issuer,
            )
        return document

    async def refresh_keys(self) -> None:
        """Fetch the JWKS now (e.g. at startup), regardless of the throttle."""
        async with self._refresh_lock:
            await self._fetch_keys()

    async def _fetch_keys(self) -> None:
        # Counted as an attempt even when it fails, so a Keycloak that is down is not
        # hammered by every request carrying a token.
        self._last_attempt = self._monotonic()
        self.jwks_fetches += 1
        try:
            document = await self._openid.a_certs()
        except (KeycloakError, TypeError, ValueError) as exc:
            logger.warning("fetching the JWKS of realm %s failed: %s", self.settings.realm, exc)
            raise InvalidToken("signing keys unavailable") from None
        keys: dict[str, jwk.JWK] = {}
        for entry in document.get("keys", []):
            if not isinstance(entry, dict):
                continue
            kid = entry.get("kid")
            # Keycloak also publishes encryption keys (use "enc"); only signing keys count.
            if not isinstance(kid, str) or entry.get("use", "sig") != "sig":
                continue
            if entry.get("alg") is not None and entry.get("alg") not in ALLOWED_ALGORITHMS:
                continue
            try:
                keys[kid] = jwk.JWK(**entry)
            except (JWException, ValueError, TypeError) as exc:
                logger.warning("ignoring unusable JWKS key %s: %s", kid, exc)
        self._keys = keys
        self._fetched_at = self._last_attempt

    def _may_fetch(self) -> bool:
        last = self._last_attempt
        return last is None or self._monotonic() - last >= self._refresh_interval

    def _stale(self) -> bool:
        fetched = self._fetched_at
        return fetched is not None and self._monotonic() - fetched >= self._max_key_age

    async def _key_for(self, kid: str) -> jwk.JWK:
        if self._stale():
            async with self._refresh_lock:
                if self._stale() and self._may_fetch():
                    with contextlib.suppress(InvalidToken):  # keep the cached keys
                        await self._fetch_keys()
        key = self._keys.get(kid)
        if key is not None:
            return key
        async with self._refresh_lock:
            key = self._keys.get(kid)
            if key is not None:  # another request refreshed while this one waited
                return key
            if self._may_fetch():
                await self._fetch_keys()
        key = self._keys.get(kid)
        if key is None:
            raise InvalidToken("unknown signing key")
        return key

    async def validate(self, token: str) -> dict[str, Any]:
        """Return the claims of a valid access token, or raise :class:`InvalidToken`."""
        if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_LENGTH:
            raise InvalidToken("malformed token")
        segments = token.split(".")
        if len(segments) != 3:  # five would be an encrypted token (JWE)
            raise InvalidToken("malformed token")
        header = _b64url_json(segments[0])

        # Refuse what we never accept before touching any key.
        alg = header.get("alg")
        if not isinstance(alg, str) or alg not in ALLOWED_ALGORITHMS:
            raise InvalidToken("algorithm not allowed")
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise InvalidToken("token has no key id")

        key = await self._key_for(kid)
        kty, crv = ALLOWED_ALGORITHMS[alg]
        key_alg = key.get("alg")
        if key.get("kty") != kty or (crv is not None and key.get("crv") != crv):
            raise InvalidToken("key does not match algorithm")
        if key_alg is not None and key_alg != alg:
            raise InvalidToken("key does not match algorithm")

        now = int(self._clock.now().timestamp())
        leeway = self.settings.leeway_seconds
        check_claims: dict[str, Any] = {
            "iss": self.settings.expected_issuer,
            "aud": self.settings.audience,
            "typ": ACCESS_TOKEN_TYPE,
            # Given as a limit, so jwcrypto compares with our clock, not its own.
            "exp": now - leeway,
        }
        try:
            claims: dict[str, Any] = self._openid.decode_token(
                token,
                validate=True,
                key=key,
                algs=[alg],
                check_claims=check_claims,
                expected_type="JWS",
            )
        except jws.InvalidJWSSignature:
            raise InvalidToken("invalid signature") from None
        except jwt.JWTExpired:
            raise InvalidToken("token expired") from None
        except (jwt.JWTMissingClaim, jwt.JWTInvalidClaimValue) as exc:
            raise InvalidToken(_claims_reason(exc)) from None
        except (JWException, ValueError, TypeError):
            raise InvalidToken("malformed token") from None

        nbf = claims.get("nbf")
        if nbf is not None and nbf > now + leeway:
            raise InvalidToken("token not yet valid")
        return claims

    async def principal(self, token: str) -> Principal:
        return Principal.from_claims(await self.validate(token), token)

    async def aclose(self) -> None:
        """Close the HTTP client python-keycloak made (an injected one stays open)."""
        own = self._own_http_client or self._openid.connection.async_s
        await own.aclose()


_bearer = HTTPBearer(
    auto_error=False,
    description="An access token of the comity realm (Keycloak)",
)


def token_validator(request: Request) -> TokenValidator:
    """The validator each app puts on ``app.state.token_validator``."""
    validator: TokenValidator | None = getattr(request.app.state, "token_validator", None)
    if validator is None:
        raise RuntimeError("app.state.token_validator is not set; create it in the app's lifespan")
    return validator


async def current_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """Any authenticated user, from ``Authorization: Bearer <access token>``."""
    if credentials is None:
        raise Unauthenticated("a bearer token is required")
    try:
        principal = await token_validator(request).principal(credentials.credentials)
    except InvalidToken as exc:
        raise Unauthenticated(f"invalid token: {exc.reason}", invalid_token=True) from None
    request.state.principal = principal
    return principal


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


def require_role(*roles: str) -> Callable[[Principal], Coroutine[Any, Any, Principal]]:
    """A dependency admitting a user who holds at least one of ``roles``."""
    if not roles:
        raise ValueError("require_role needs at least one role")
    wanted = frozenset(roles)

    async def dependency(principal: CurrentPrincipal) -> Principal:
        if not principal.has_role(*wanted):
            raise Forbidden(f"requires one of the roles: {', '.join(sorted(wanted))}")
        return principal

    return dependency
