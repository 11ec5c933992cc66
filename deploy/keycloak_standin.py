"""Development stand-in for Keycloak (docs/architecture.md "Identity").

Where no Keycloak can run (a laptop without containers, CI), this serves the
realm of ``deploy/keycloak/realm.json`` at Keycloak's own paths, so every other
part runs unchanged:

- ``GET  /realms/{realm}/.well-known/openid-configuration``
- ``GET  /realms/{realm}/protocol/openid-connect/certs``
- ``POST /realms/{realm}/protocol/openid-connect/token`` (``password`` and
  ``refresh_token`` grants, refused with Keycloak's own error bodies)
- ``GET|POST /realms/{realm}/protocol/openid-connect/userinfo``
- ``POST /realms/{realm}/protocol/openid-connect/logout`` (by refresh token)

Access tokens are shaped as Keycloak shapes them, and every claim beyond the
standard ``profile`` and ``email`` scopes (which Keycloak adds to every client
by default) comes from the protocol mappers declared in the realm file. User
attributes the realm's user profile does not declare are dropped, as Keycloak
24+ drops them. The login form (authorization-code flow) is out of scope.

It refuses to start unless ``COMITY_ENV`` is ``dev`` or ``test``: demo users
with a published password must never reach production.

For tests, ``app.state.keys.rotate()`` makes a new signing key while keeping
the old ones in the JWKS (as Keycloak does during rotation), and
``app.state.request_counts`` counts hits per endpoint.
"""

from __future__ import annotations

import base64
import contextlib
import hmac
import json
import logging
import os
import re
import socket
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from jwcrypto import jwk, jwt
from jwcrypto.common import JWException, json_decode

from shared.clock import Clock, SystemClock

logger = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_REALM_FILE = REPO_ROOT / "deploy" / "keycloak" / "realm.json"
ALLOWED_ENVIRONMENTS = frozenset({"dev", "test"})
DEFAULT_PORT = 8080

# Keycloak's realm defaults when the realm file does not set them.
DEFAULT_ACCESS_TOKEN_LIFESPAN = 300
DEFAULT_SSO_SESSION_IDLE_TIMEOUT = 1800

# What Keycloak's default client scopes "profile" and "email" put in the token. They
# are created by Keycloak itself on import, so they are not in the realm file.
DEFAULT_SCOPES = ("profile", "email")

# The user properties every Keycloak user has; the user profile governs the rest.
USER_PROPERTIES = frozenset({"username", "email", "firstName", "lastName"})


INVALID_CLIENT = "Invalid client or Invalid client credentials"


class StandinRefused(RuntimeError):
    """The stand-in must not run outside development and tests."""


def ensure_dev_or_test() -> None:
    env = os.environ.get("COMITY_ENV", "")
    if env not in ALLOWED_ENVIRONMENTS:
        raise StandinRefused(
            f"the Keycloak stand-in runs only when COMITY_ENV is dev or test (it is {env!r}); "
            "use a real Keycloak with deploy/keycloak/realm.json elsewhere"
        )


def user_id_for(username: str) -> str:
    """The stable id of a user whose realm entry has none (realm.json uses the same rule)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"urn:comity:keycloak:user:{username}"))


# --- the realm ---------------------------------------------------------------------------


@dataclass(frozen=True)
class User:
    id: str
    username: str
    enabled: bool
    email_verified: bool
    first_name: str | None
    last_name: str | None
    email: str | None
    attributes: dict[str, list[str]]
    realm_roles: tuple[str, ...]
    password: str | None
    password_temporary: bool
    required_actions: tuple[str, ...]

    @property
    def full_name(self) -> str | None:
        name = " ".join(part for part in (self.first_name, self.last_name) if part)
        return name or None


@dataclass(frozen=True)
class Client:
    client_id: str
    enabled: bool
    public: bool
    bearer_only: bool
    secret: str | None
    direct_access_grants: bool
    protocol_mappers: tuple[dict[str, Any], ...]


@dataclass(frozen=True)
class Realm:
    name: str
    enabled: bool
    access_token_lifespan: int
    sso_session_idle_timeout: int
    login_with_email: bool
    users: dict[str, User]
    clients: dict[str, Client]
    role_composites: dict[str, tuple[str, ...]]

    @classmethod
    def from_representation(cls, rep: dict[str, Any]) -> Realm:
        declared, keep_unmanaged = _user_profile_attributes(rep)
        users = {}
        for user_rep in rep.get("users", []):
            user = _user(user_rep, declared, keep_unmanaged)
            users[user.username] = user
        scopes = {scope.get("name"): scope for scope in rep.get("clientScopes", [])}
        clients = {}
        for client_rep in rep.get("clients", []):
            client = _client(client_rep, scopes)
            clients[client.client_id] = client
        composites = {}
        for role in rep.get("roles", {}).get("realm", []):
            realm_composites = (role.get("composites") or {}).get("realm", [])
            composites[role["name"]] = tuple(realm_composites)
        return cls(
            name=rep["realm"],
            enabled=rep.get("enabled", False),
            access_token_lifespan=rep.get("accessTokenLifespan", DEFAULT_ACCESS_TOKEN_LIFESPAN),
            sso_session_idle_timeout=rep.get(
                "ssoSessionIdleTimeout", DEFAULT_SSO_SESSION_IDLE_TIMEOUT
            ),
            login_with_email=rep.get("loginWithEmailAllowed", True),
            users=users,
            clients=clients,
            role_composites=composites,
        )

    @classmethod
    def load(cls, path: Path) -> Realm:
        return cls.from_representation(json.loads(path.read_text(encoding="utf-8")))

    def find_user(self, username_or_email: str) -> User | None:
        # Keycloak stores usernames in lower case.
        wanted = username_or_email.lower()
        user = self.users.get(wanted)
        if user is None and self.login_with_email:
            user = next((u for u in self.users.values() if (u.email or "").lower() == wanted), None)
        return user

    def user_by_id(self, user_id: str) -> User | None:
        return next((user for user in self.users.values() if user.id == user_id), None)

    def effective_roles(self, user: User) -> list[str]:
        """The user's realm roles with composites expanded, in a stable order."""
        seen: dict[str, None] = {}
        pending = list(user.realm_roles)
        while pending:
            role = pending.pop(0)
            if role not in seen:
                seen[role] = None
                pending.extend(self.role_composites.get(role, ()))
        return list(seen)


def _user_profile_attributes(rep: dict[str, Any]) -> tuple[frozenset[str], bool]:
    """Declared attribute names, and whether undeclared ones are kept (unmanaged policy)."""
    providers = rep.get("components", {}).get("org.keycloak.userprofile.UserProfileProvider", [])
    for provider in providers:
        raw = (provider.get("config") or {}).get("kc.user.profile.config")
        if raw:
            config = json.loads(raw[0] if isinstance(raw, list) else raw)
            names = frozenset(attribute["name"] for attribute in config.get("attributes", []))
            return names, config.get("unmanagedAttributePolicy") is not None
    # No configuration: Keycloak's default profile, which declares only the user properties.
    return USER_PROPERTIES, False


def _user(rep: dict[str, Any], declared: frozenset[str], keep_unmanaged: bool) -> User:
    username = rep["username"].lower()
    attributes = {
        name: [str(value) for value in (values if isinstance(values, list) else [values])]
        for name, values in (rep.get("attributes") or {}).items()
        if keep_unmanaged or name in declared
    }
    dropped = set(rep.get("attributes") or {}) - set(attributes)
    if dropped:
        logger.warning(
            "user %s: attributes %s are not declared in the user profile; Keycloak drops them",
            username,
            sorted(dropped),
        )
    password = None
    temporary = False
    for credential in rep.get("credentials", []):
        if credential.get("type") == "password":
            # Only plain values are supported; a hashed export needs a real Keycloak.
            password = credential.get("value")
            temporary = bool(credential.get("temporary", False))
    return User(
        id=rep.get("id") or user_id_for(username),
        username=username,
        enabled=rep.get("enabled", False),
        email_verified=rep.get("emailVerified", False),
        first_name=rep.get("firstName"),
        last_name=rep.get("lastName"),
        email=rep.get("email"),
        attributes=attributes,
        realm_roles=tuple(rep.get("realmRoles", [])),
        password=password,
        password_temporary=temporary,
        required_actions=tuple(rep.get("requiredActions", [])),
    )


def _client(rep: dict[str, Any], scopes: dict[str, dict[str, Any]]) -> Client:
    mappers = list(rep.get("protocolMappers", []))
    # Mappers of client scopes declared in the realm file and assigned as defaults.
    for scope_name in rep.get("defaultClientScopes", []):
        mappers.extend(scopes.get(scope_name, {}).get("protocolMappers", []))
    return Client(
        client_id=rep["clientId"],
        enabled=rep.get("enabled", True),
        public=rep.get("publicClient", False),
        bearer_only=rep.get("bearerOnly", False),
        secret=rep.get("secret"),
        direct_access_grants=rep.get("directAccessGrantsEnabled", False),
        protocol_mappers=tuple(mappers),
    )


class RealmStore:
    """The realm file, re-read when it changes, so edits need no restart."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._mtime = path.stat().st_mtime_ns
        self._realm = Realm.load(path)

    def get(self) -> Realm:
        with self._lock:
            mtime = self.path.stat().st_mtime_ns
            if mtime != self._mtime:
                self._realm = Realm.load(self.path)
                self._mtime = mtime
            return self._realm

    def replace(self, realm: Realm) -> None:
        """For tests: serve a changed realm until the file changes."""
        with self._lock:
            self._realm = realm


# --- the keys ----------------------------------------------------------------------------


class KeyRing:
    """The realm's keys: RSA keys for access and ID tokens, an HMAC key for refresh tokens."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rsa: list[jwk.JWK] = [self._new_rsa_key()]  # newest first; the first signs
        # Keycloak signs refresh tokens with a realm HMAC key (HS512), not the RSA key.
        self._hmac = jwk.JWK.generate(kty="oct", size=512, kid=str(uuid.uuid4()), alg="HS512")

    @staticmethod
    def _new_rsa_key() -> jwk.JWK:
        key = jwk.JWK.generate(kty="RSA", size=2048, alg="RS256", use="sig")
        key["kid"] = key.thumbprint()
        return key

    @property
    def signing_kid(self) -> str:
        with self._lock:
            return str(self._rsa[0]["kid"])

    @property
    def kids(self) -> list[str]:
        with self._lock:
            return [str(key["kid"]) for key in self._rsa]

    def rotate(self, *, drop_old: bool = False) -> str:
        """Make a new signing key; old keys stay in the JWKS unless ``drop_old``."""
        key = self._new_rsa_key()
        with self._lock:
            self._rsa = [key] if drop_old else [key, *self._rsa]
        return str(key["kid"])

    def drop_old(self) -> None:
        """Keep only the current signing key, as when old keys are removed from Keycloak."""
        with self._lock:
            self._rsa = self._rsa[:1]

    def jwks(self) -> dict[str, Any]:
        with self._lock:
            keys = list(self._rsa)
        return {"keys": [key.export_public(as_dict=True) for key in keys]}

    def sign(self, claims: dict[str, Any], *, header: dict[str, Any] | None = None) -> str:
        """An RS256 token signed with the current key (tests use this to forge claims)."""
        with self._lock:
            key = self._rsa[0]
        token = jwt.JWT(
            header={"alg": "RS256", "typ": "JWT", "kid": key["kid"], **(header or {})},
            claims=claims,
        )
        token.make_signed_token(key)
        return str(token.serialize())

    def public_key(self, kid: str) -> jwk.JWK | None:
        with self._lock:
            return next((key for key in self._rsa if key["kid"] == kid), None)

    def sign_refresh(self, claims: dict[str, Any]) -> str:
        token = jwt.JWT(
            header={"alg": "HS512", "typ": "JWT", "kid": self._hmac["kid"]}, claims=claims
        )
        token.make_signed_token(self._hmac)
        return str(token.serialize())

    def verify_refresh(self, token: str) -> dict[str, Any]:
        """Claims of a refresh token this stand-in signed; raises ``ValueError`` otherwise."""
        try:
            parsed = jwt.JWT(jwt=token, key=self._hmac, algs=["HS512"], check_claims={})
            claims: dict[str, Any] = json_decode(parsed.claims)
        except (JWException, ValueError, TypeError) as exc:
            raise ValueError("invalid refresh token") from exc
        return claims

    def verify_access(self, token: str) -> dict[str, Any]:
        """Claims of an access token this stand-in signed; raises ``ValueError`` otherwise."""
        try:
            segment = token.split(".")[0]
            header = json_decode(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
            key = self.public_key(str(header.get("kid")))
            if key is None:
                raise ValueError("unknown key")
            parsed = jwt.JWT(jwt=token, key=key, algs=["RS256"], check_claims={})
            claims: dict[str, Any] = json_decode(parsed.claims)
        except (JWException, ValueError, TypeError, IndexError) as exc:
            raise ValueError("invalid access token") from exc
        return claims


# --- claims from the realm's mappers -----------------------------------------------------

_CLAIM_PATH_SPLIT = re.compile(r"(?<!\\)\.")


def _claim_path(name: str) -> list[str]:
    # Keycloak nests claims on unescaped dots: "realm_access.roles"; "a\.b" is one name.
    return [part.replace("\\.", ".") for part in _CLAIM_PATH_SPLIT.split(name)]


def _set_claim(claims: dict[str, Any], name: str, value: Any) -> None:
    path = _claim_path(name)
    target = claims
    for part in path[:-1]:
        nested = target.get(part)
        if not isinstance(nested, dict):
            nested = {}
            target[part] = nested
        target = nested
    leaf = path[-1]
    existing = target.get(leaf)
    if isinstance(existing, list) and isinstance(value, list):
        target[leaf] = existing + [item for item in value if item not in existing]
    else:
        target[leaf] = value


def _convert(value: str, json_type: str | None) -> Any:
    match json_type:
        case "long" | "int":
            return int(value)
        case "boolean":
            return value.lower() == "true"
        case "JSON":
            return json.loads(value)
        case _:
            return value


_TOKEN_KIND_CONFIG = {
    "access": "access.token.claim",
    "id": "id.token.claim",
    "userinfo": "userinfo.token.claim",
}
_USER_PROPERTY = {
    "username": lambda user: user.username,
    "email": lambda user: user.email,
    "firstName": lambda user: user.first_name,
    "lastName": lambda user: user.last_name,
}


def apply_mappers(
    claims: dict[str, Any], realm: Realm, client: Client, user: User, kind: str
) -> list[str]:
    """Add the claims of ``client``'s mappers for a token of ``kind``; return added audiences."""
    audiences: list[str] = []
    for mapper in client.protocol_mappers:
        config = mapper.get("config") or {}
        if config.get(_TOKEN_KIND_CONFIG[kind]) != "true":
            continue
        mapper_type = mapper.get("protocolMapper")
        claim_name = config.get("claim.name")
        multivalued = config.get("multivalued") == "true"
        json_type = config.get("jsonType.label")
        if mapper_type == "oidc-usermodel-attribute-mapper" and claim_name:
            values = user.attributes.get(config.get("user.attribute", ""), [])
            if values:
                converted = [_convert(value, json_type) for value in values]
                _set_claim(claims, claim_name, converted if multivalued else converted[0])
        elif mapper_type == "oidc-usermodel-property-mapper" and claim_name:
            getter = _USER_PROPERTY.get(config.get("user.attribute", ""))
            value = getter(user) if getter else None
            if value is not None:
                _set_claim(claims, claim_name, _convert(value, json_type))
        elif mapper_type == "oidc-usermodel-realm-role-mapper" and claim_name:
            prefix = config.get("usermodel.realmRoleMapping.rolePrefix", "")
            roles = [prefix + role for role in realm.effective_roles(user)]
            if roles:
                _set_claim(claims, claim_name, roles if multivalued else roles[0])
        elif mapper_type == "oidc-hardcoded-claim-mapper" and claim_name:
            _set_claim(claims, claim_name, _convert(config.get("claim.value", ""), json_type))
        elif mapper_type == "oidc-full-name-mapper":
            if user.full_name:
                claims["name"] = user.full_name
        elif mapper_type == "oidc-audience-mapper":
            audience = config.get("included.client.audience") or config.get(
                "included.custom.audience"
            )
            if audience:
                audiences.append(audience)
        else:
            logger.warning("mapper %s (%s) is not supported", mapper.get("name"), mapper_type)
    return audiences


def _profile_claims(user: User) -> dict[str, Any]:
    """What Keycloak's default "profile" and "email" scopes add."""
    claims: dict[str, Any] = {"email_verified": user.email_verified}
    if user.full_name:
        claims["name"] = user.full_name
    claims["preferred_username"] = user.username
    if user.first_name:
        claims["given_name"] = user.first_name
    if user.last_name:
        claims["family_name"] = user.last_name
    if user.email:
        claims["email"] = user.email
    return claims


def _single_or_list(audiences: list[str]) -> str | list[str]:
    # Keycloak writes a one-element audience as a plain string.
    unique = list(dict.fromkeys(audiences))
    return unique[0] if len(unique) == 1 else unique


# --- the app -----------------------------------------------------------------------------


@dataclass
class Session:
    id: str
    user_id: str
    client_id: str
    started: int


@dataclass
class StandinState:
    """Everything the stand-in keeps between requests; all in memory."""

    sessions: dict[str, Session] = field(default_factory=dict)


def _error(status: int, error: str, description: str) -> JSONResponse:
    return JSONResponse(
        {"error": error, "error_description": description},
        status_code=status,
        headers={"Cache-Control": "no-store", "Pragma": "no-cache"},
    )


def _client_credentials(request: Request, form: dict[str, str]) -> tuple[str | None, str | None]:
    """client_id and secret from the form (client_secret_post) or Basic (client_secret_basic)."""
    authorization = request.headers.get("authorization", "")
    if authorization.lower().startswith("basic "):
        with contextlib.suppress(ValueError, UnicodeError):
            decoded = base64.b64decode(authorization[6:]).decode()
            client_id, _, secret = decoded.partition(":")
            return client_id, secret
    return form.get("client_id"), form.get("client_secret")


def create_standin_app(
    realm_file: Path = DEFAULT_REALM_FILE,
    public_base_url: str = f"http://127.0.0.1:{DEFAULT_PORT}",
    *,
    clock: Clock | None = None,
) -> FastAPI:
    """The stand-in app; tokens carry the issuer ``{public_base_url}/realms/<realm>``."""
    ensure_dev_or_test()
    store = RealmStore(realm_file)
    keys = KeyRing()
    clock = clock or SystemClock()
    base = public_base_url.rstrip("/")
    counts: Counter[str] = Counter()
    state = StandinState()

    app = FastAPI(
        title="Comity Keycloak stand-in (development only)",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.keys = keys
    app.state.realm_store = store
    app.state.request_counts = counts
    app.state.public_base_url = base
    app.state.standin = state

    def issuer_of(realm: Realm) -> str:
        return f"{base}/realms/{realm.name}"

    def now() -> int:
        return int(clock.now().timestamp())

    app.state.issuer = issuer_of(store.get())

    def realm_or_404(name: str) -> Realm | JSONResponse:
        realm = store.get()
        if name != realm.name or not realm.enabled:
            return JSONResponse(
                {"error": "Realm does not exist", "error_description": "Realm does not exist"},
                status_code=404,
            )
        return realm

    def issue(
        realm: Realm, client: Client, user: User, session: Session, scope_requested: set[str]
    ) -> dict[str, Any]:
        issued_at = now()
        issuer = issuer_of(realm)
        openid = "openid" in scope_requested
        scope = " ".join((["openid"] if openid else []) + list(DEFAULT_SCOPES))
        mapped: dict[str, Any] = {}
        audiences = apply_mappers(mapped, realm, client, user, "access")
        access: dict[str, Any] = {
            "exp": issued_at + realm.access_token_lifespan,
            "iat": issued_at,
            "jti": str(uuid.uuid4()),
            "iss": issuer,
        }
        if audiences:
            access["aud"] = _single_or_list(audiences)
        access |= {
            "sub": user.id,
            "typ": "Bearer",
            "azp": client.client_id,
            "session_state": session.id,
            "acr": "1",
            "scope": scope,
            "sid": session.id,
        }
        access |= _profile_claims(user)
        for name, value in mapped.items():
            _set_claim(access, name, value)
        refresh_expires_in = realm.sso_session_idle_timeout
        refresh = {
            "exp": issued_at + refresh_expires_in,
            "iat": issued_at,
            "jti": str(uuid.uuid4()),
            "iss": issuer,
            "aud": issuer,
            "sub": user.id,
            "typ": "Refresh",
            "azp": client.client_id,
            "session_state": session.id,
            "scope": scope,
            "sid": session.id,
        }
        body: dict[str, Any] = {
            "access_token": keys.sign(access),
            "expires_in": realm.access_token_lifespan,
            "refresh_expires_in": refresh_expires_in,
            "refresh_token": keys.sign_refresh(refresh),
            "token_type": "Bearer",
        }
        if openid:
            id_token: dict[str, Any] = {
                "exp": access["exp"],
                "iat": issued_at,
                "auth_time": session.started,
                "jti": str(uuid.uuid4()),
                "iss": issuer,
                "aud": client.client_id,
                "sub": user.id,
                "typ": "ID",
                "azp": client.client_id,
                "session_state": session.id,
                "acr": "1",
                "sid": session.id,
            }
            id_token.update(_profile_claims(user))
            apply_mappers(id_token, realm, client, user, "id")
            body["id_token"] = keys.sign(id_token)
        body.update({"not-before-policy": 0, "session_state": session.id, "scope": scope})
        return body

    @app.get("/realms/{realm_name}/.well-known/openid-configuration")
    async def discovery(realm_name: str) -> Response:
        counts["discovery"] += 1
        realm = realm_or_404(realm_name)
        if isinstance(realm, JSONResponse):
            return realm
        issuer = issuer_of(realm)
        oidc = f"{issuer}/protocol/openid-connect"
        return JSONResponse(
            {
                "issuer": issuer,
                "authorization_endpoint": f"{oidc}/auth",
                "token_endpoint": f"{oidc}/token",
                "userinfo_endpoint": f"{oidc}/userinfo",
                "end_session_endpoint": f"{oidc}/logout",
                "jwks_uri": f"{oidc}/certs",
                "frontchannel_logout_session_supported": True,
                "frontchannel_logout_supported": True,
                "backchannel_logout_supported": True,
                "backchannel_logout_session_supported": True,
                # Only what the stand-in actually does; Keycloak lists more.
                "grant_types_supported": ["password", "refresh_token"],
                "acr_values_supported": ["0", "1"],
                "response_types_supported": ["code"],
                "response_modes_supported": ["query", "fragment", "form_post"],
                "subject_types_supported": ["public", "pairwise"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "userinfo_signing_alg_values_supported": ["RS256"],
                "token_endpoint_auth_methods_supported": [
                    "client_secret_basic",
                    "client_secret_post",
                ],
                "claims_supported": [
                    "aud",
                    "sub",
                    "iss",
                    "auth_time",
                    "name",
                    "given_name",
                    "family_name",
                    "preferred_username",
                    "email",
                    "acr",
                ],
                "claim_types_supported": ["normal"],
                "scopes_supported": ["openid", *DEFAULT_SCOPES],
                "code_challenge_methods_supported": ["plain", "S256"],
            }
        )

    @app.get("/realms/{realm_name}/protocol/openid-connect/certs")
    async def certs(realm_name: str) -> Response:
        counts["certs"] += 1
        realm = realm_or_404(realm_name)
        if isinstance(realm, JSONResponse):
            return realm
        return JSONResponse(keys.jwks())

    @app.get("/realms/{realm_name}/protocol/openid-connect/auth")
    async def authorization(realm_name: str) -> Response:
        return _error(
            501,
            "temporarily_unavailable",
            "the development stand-in has no login form; use the password grant (comity-cli)",
        )

    @app.post("/realms/{realm_name}/protocol/openid-connect/token")
    async def token(realm_name: str, request: Request) -> Response:
        counts["token"] += 1
        realm = realm_or_404(realm_name)
        if isinstance(realm, JSONResponse):
            return realm
        form = {key: str(value) for key, value in (await request.form()).items()}
        grant_type = form.get("grant_type")
        if not grant_type:
            return _error(400, "invalid_request", "Missing form parameter: grant_type")

        client_id, secret = _client_credentials(request, form)
        client = realm.clients.get(client_id or "")
        if client is None or not client.enabled:
            return _error(401, "invalid_client", INVALID_CLIENT)
        if client.bearer_only:
            return _error(400, "invalid_client", "Bearer-only not allowed")
        if not client.public and (
            client.secret is None
            or secret is None
            or not hmac.compare_digest(client.secret.encode(), secret.encode())
        ):
            return _error(401, "unauthorized_client", INVALID_CLIENT)

        if grant_type == "password":
            return password_grant(realm, client, form)
        if grant_type == "refresh_token":
            return refresh_grant(realm, client, form)
        return _error(400, "unsupported_grant_type", "Unsupported grant_type")

    def password_grant(realm: Realm, client: Client, form: dict[str, str]) -> Response:
        if not client.direct_access_grants:
            return _error(400, "unauthorized_client", "Client not allowed for direct access grants")
        user = realm.find_user(form.get("username", ""))
        password = form.get("password", "")
        if (
            user is None
            or user.password is None
            or not hmac.compare_digest(user.password.encode(), password.encode())
        ):
            return _error(401, "invalid_grant", "Invalid user credentials")
        if not user.enabled:
            return _error(400, "invalid_grant", "Account disabled")
        if user.password_temporary or user.required_actions:
            return _error(400, "invalid_grant", "Account is not fully set up")
        session = Session(
            id=str(uuid.uuid4()), user_id=user.id, client_id=client.client_id, started=now()
        )
        state.sessions[session.id] = session
        requested = set(form.get("scope", "").split())
        return _token_response(issue(realm, client, user, session, requested))

    def refresh_grant(realm: Realm, client: Client, form: dict[str, str]) -> Response:
        try:
            claims = keys.verify_refresh(form.get("refresh_token", ""))
        except ValueError:
            return _error(400, "invalid_grant", "Invalid refresh token")
        if claims.get("typ") != "Refresh" or claims.get("iss") != issuer_of(realm):
            return _error(400, "invalid_grant", "Invalid refresh token")
        if not isinstance(claims.get("exp"), int) or claims["exp"] < now():
            return _error(400, "invalid_grant", "Token is not active")
        if claims.get("azp") != client.client_id:
            return _error(
                400,
                "invalid_grant",
                "Invalid refresh token. Token client and authorized client don't match",
            )
        session = state.sessions.get(str(claims.get("sid")))
        if session is None:
            return _error(400, "invalid_grant", "Session not active")
        # Re-issued from the realm as it is now: changed roles and attributes show up.
        user = realm.user_by_id(str(claims.get("sub")))
        if user is None:
            return _error(400, "invalid_grant", "User not found")
        if not user.enabled:
            return _error(400, "invalid_grant", "User disabled")
        requested = set(str(claims.get("scope", "")).split())
        return _token_response(issue(realm, client, user, session, requested))

    def _token_response(body: dict[str, Any]) -> JSONResponse:
        return JSONResponse(body, headers={"Cache-Control": "no-store", "Pragma": "no-cache"})

    @app.api_route("/realms/{realm_name}/protocol/openid-connect/userinfo", methods=["GET", "POST"])
    async def userinfo(realm_name: str, request: Request) -> Response:
        counts["userinfo"] += 1
        realm = realm_or_404(realm_name)
        if isinstance(realm, JSONResponse):
            return realm
        refused = JSONResponse(
            {"error": "invalid_token", "error_description": "Token verification failed"},
            status_code=401,
            headers={"WWW-Authenticate": f'Bearer realm="{realm.name}", error="invalid_token"'},
        )
        authorization = request.headers.get("authorization", "")
        if not authorization.lower().startswith("bearer "):
            return refused
        try:
            claims = keys.verify_access(authorization[7:].strip())
        except ValueError:
            return refused
        if (
            claims.get("typ") != "Bearer"
            or claims.get("iss") != issuer_of(realm)
            or not isinstance(claims.get("exp"), int)
            or claims["exp"] < now()
            or str(claims.get("sid")) not in state.sessions
        ):
            return refused
        user = realm.user_by_id(str(claims.get("sub")))
        client = realm.clients.get(str(claims.get("azp")))
        if user is None or client is None:
            return refused
        body: dict[str, Any] = {"sub": user.id, **_profile_claims(user)}
        apply_mappers(body, realm, client, user, "userinfo")
        return JSONResponse(body)

    @app.post("/realms/{realm_name}/protocol/openid-connect/logout")
    async def logout(realm_name: str, request: Request) -> Response:
        counts["logout"] += 1
        realm = realm_or_404(realm_name)
        if isinstance(realm, JSONResponse):
            return realm
        form = {key: str(value) for key, value in (await request.form()).items()}
        client_id, _ = _client_credentials(request, form)
        if realm.clients.get(client_id or "") is None:
            return _error(401, "invalid_client", INVALID_CLIENT)
        try:
            claims = keys.verify_refresh(form.get("refresh_token", ""))
        except ValueError:
            return _error(400, "invalid_grant", "Invalid refresh token")
        state.sessions.pop(str(claims.get("sid")), None)
        return Response(status_code=204)

    return app


# --- running it --------------------------------------------------------------------------


@dataclass
class RunningStandin:
    app: FastAPI
    base_url: str
    port: int

    @property
    def issuer(self) -> str:
        return str(self.app.state.issuer)


@contextlib.contextmanager
def serve_in_thread(
    realm_file: Path = DEFAULT_REALM_FILE,
    *,
    host: str = "127.0.0.1",
    clock: Clock | None = None,
    startup_timeout: float = 10.0,
) -> Iterator[RunningStandin]:
    """Run the stand-in on a free port in a background thread (tests, one-process runs).

    The socket is bound before the app is made, so the issuer names the real port
    and no other process can take it in between.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, 0))
    port = int(sock.getsockname()[1])
    base_url = f"http://{host}:{port}"
    app = create_standin_app(realm_file, base_url, clock=clock)
    config = uvicorn.Config(app, log_level="warning", lifespan="off", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="keycloak-standin", daemon=True
    )
    thread.start()
    deadline = time.monotonic() + startup_timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            sock.close()
            raise RuntimeError("the Keycloak stand-in did not start")
        time.sleep(0.01)
    try:
        yield RunningStandin(app=app, base_url=base_url, port=port)
    finally:
        server.should_exit = True
        thread.join(timeout=startup_timeout)
        sock.close()


def main() -> None:
    """``python -m deploy.keycloak_standin``: serve the realm on 127.0.0.1."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    port = int(os.environ.get("COMITY_KEYCLOAK_STANDIN_PORT", str(DEFAULT_PORT)))
    realm_file = Path(os.environ.get("COMITY_KEYCLOAK_STANDIN_REALM", str(DEFAULT_REALM_FILE)))
    public_url = os.environ.get("COMITY_KEYCLOAK_PUBLIC_URL", f"http://127.0.0.1:{port}")
    try:
        app = create_standin_app(realm_file, public_url)
    except StandinRefused as exc:
        print(f"keycloak stand-in: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    logger.info("Keycloak stand-in for realm %s: issuer %s", app.state.issuer, public_url)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="info")


if __name__ == "__main__":
    main()
