"""RingCentral OAuth: apps, grants, rotating tokens and bearer checks, and the rate limits per caller, per tenant."""

from __future__ import annotations

import base64
import binascii
import re
from typing import Awaitable

import attrs
from aiohttp import web

from ...core.ids import IdSequence, stable_int63
from ...core.model import Account, Extension
from ...core.rules import RateWindow, Throttled, may_log_in, normalize_number, throttle
from ...core.world import World
from ...wire import EXCHANGE
from . import NAME
from .errors import (
    OAuthError,
    RingCentralError,
    client_authentication_required,
    grant_not_enabled,
    grant_unsupported,
    invalid_authorization,
    invalid_client_credentials,
    invalid_resource_owner_credentials,
    missing_authorization,
    token_expired,
    token_not_found,
)
from .rules import (
    ACCESS_TOKEN_TTL,
    ENABLED_GRANTS,
    NOT_ENABLED_GRANTS,
    RATE_LIMITS,
    RATE_PENALTY_S,
    RATE_WINDOW_S,
    REFRESH_TOKEN_TTL,
    THROTTLING_GROUPS,
    TOKEN_SCOPE,
)

JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"


@attrs.define
class Session:
    """One login: the extension it acts as and its current pair of tokens."""

    id: str
    account_id: str
    extension_id: str
    client_id: str
    access_token: str
    refresh_token: str
    access_expires_ms: int
    refresh_expires_ms: int
    access_ttl_s: int = 0
    refresh_ttl_s: int = 0

    def grant(self, now_ms: int, form: dict[str, str]) -> None:
        """Set the lifetimes this login or refresh grants, as the token response states them."""
        self.access_ttl_s = ttl(form.get("access_token_ttl"), ACCESS_TOKEN_TTL)
        self.refresh_ttl_s = ttl(form.get("refresh_token_ttl"), REFRESH_TOKEN_TTL)
        self.access_expires_ms = now_ms + 1000 * self.access_ttl_s
        self.refresh_expires_ms = now_ms + 1000 * self.refresh_ttl_s


@attrs.define
class TokenRegistry:
    """Live sessions of one tenant, found by either token; a rotated or revoked token is simply gone."""

    by_access: dict[str, Session] = attrs.field(factory=dict)
    by_refresh: dict[str, Session] = attrs.field(factory=dict)
    counter: IdSequence = attrs.field(factory=lambda: IdSequence(1))

    def forget(self, session: Session) -> None:
        self.by_access.pop(session.access_token, None)
        self.by_refresh.pop(session.refresh_token, None)


def tokens(world: World) -> TokenRegistry:
    return world.state(NAME, TokenRegistry)


def mint(world: World, kind: str) -> str:
    """An opaque token, deterministic per tenant and unique across tenants."""
    serial = tokens(world).counter.take()
    digest = stable_int63(world.name, kind, str(serial)).to_bytes(8, "big")
    return base64.urlsafe_b64encode(kind.encode() + b"|" + digest + serial.to_bytes(4, "big")).decode().rstrip("=")


# --- client authentication ------------------------------------------------------------------

def authenticate_client(world: World, request: web.Request, form: dict[str, str]) -> tuple[Account, str]:
    """The app making the token request: Basic auth, else the form's client_id (and client_secret)."""
    client_id, secret = basic_credentials(request.headers.get("Authorization", ""))
    if client_id is None:
        client_id, secret = form.get("client_id"), form.get("client_secret")
    if not client_id:
        raise client_authentication_required()
    found = find_app(world, client_id)
    if found is None:
        raise OAuthError(401, "invalid_client", "OAU-153", f"Invalid client: {client_id}")
    account, app = found
    problem = client_problem(app, secret)
    if problem is not None:
        raise problem
    return account, client_id


def find_app(world: World, client_id: str) -> tuple[Account, dict] | None:
    """The RingCentral account and seeded app a client_id names."""
    for account in world.directory.accounts.values():
        if account.provider != NAME:
            continue
        for app in account.auth.get("apps") or ():
            if str(app.get("client_id")) == client_id:
                return account, app
    return None


def client_problem(app: dict, secret: str | None) -> OAuthError | None:
    """A confidential app (seeded with a client_secret) must prove it; a public one is known by its client_id, and
    an empty secret (Basic `id:`) is no secret."""
    expected = app.get("client_secret")
    if expected in (None, ""):
        return invalid_client_credentials() if secret else None
    if secret is None:
        return client_authentication_required()
    return None if secret == str(expected) else invalid_client_credentials()


def basic_credentials(header: str) -> tuple[str | None, str | None]:
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic" or not encoded:
        return None, None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise invalid_client_credentials() from None
    client_id, _, secret = decoded.partition(":")
    return client_id, secret


# --- grants ----------------------------------------------------------------------------------

def grant_problem(grant: str | None) -> OAuthError | None:
    """Whether the app may use this grant: one the spec defines but no seeded app is enabled for is OAU-251, an
    unknown one OAU-250."""
    if not grant:
        return OAuthError(400, "invalid_request", "OAU-101", "Parameter [grant_type] is missing")
    if grant in ENABLED_GRANTS:
        return None
    return grant_not_enabled() if grant in NOT_ENABLED_GRANTS else grant_unsupported()


def extension_for_jwt(world: World, account: Account, assertion: str | None) -> Extension:
    if not assertion:
        raise OAuthError(400, "invalid_request", "OAU-101", "Parameter [assertion] is missing")
    for extension in world.directory.extensions_of(account.id):
        if extension.auth.get("jwt") == assertion:
            return extension
    raise invalid_resource_owner_credentials()


def extension_for_password(world: World, account: Account, form: dict[str, str]) -> Extension:
    """Username is an email or a phone number, with the extension in its own field or after '*'."""
    username = form.get("username") or ""
    if not username or "password" not in form:
        raise OAuthError(400, "invalid_request", "OAU-101", "Parameter [username] is missing")
    extension = find_login_extension(world, account, username, form.get("extension"))
    if extension is None or extension.auth.get("password") != form.get("password"):
        raise invalid_resource_owner_credentials()
    return extension


def find_login_extension(world: World, account: Account, username: str, extension_number: str | None) -> Extension | None:
    directory = world.directory
    if "@" in username:
        return next((e for e in directory.extensions_of(account.id) if e.email.lower() == username.lower()), None)
    number_part, _, star_extension = username.partition("*")
    extension_number = extension_number or star_extension or None
    e164 = normalize_number(number_part)
    number = directory.numbers.get(e164) if e164 else None
    if number is None or number.account_id != account.id:
        return None
    if extension_number:
        return directory.extension_by_number(account.id, extension_number)
    owner_id = directory.sms_owner_id(number)
    return directory.extensions.get(owner_id) if owner_id else None


def check_may_log_in(extension: Extension) -> None:
    if not may_log_in(extension):
        raise OAuthError(401, "invalid_grant", "OAU-141", "Login for extension in current state is not allowed.")


def ttl(raw: str | None, bounds: tuple[int, int, int]) -> int:
    """A requested lifetime, held to RingCentral's bounds; anything but a plain number means the default."""
    low, high, default = bounds
    if raw is None or not PLAIN_NUMBER.fullmatch(raw):  # float() alone also reads '1_0', ' 7 ', 'nan'
        return default
    try:
        seconds = int(float(raw))
    except OverflowError:  # too large for a float: infinity
        return default
    return min(max(seconds, low), high)


PLAIN_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def open_session(world: World, account: Account, extension: Extension, client_id: str, form: dict[str, str]) -> Session:
    now = world.now_ms()
    registry = tokens(world)
    session = Session(
        id=str(registry.counter.take()),
        account_id=account.id,
        extension_id=extension.id,
        client_id=client_id,
        access_token=mint(world, "at"),
        refresh_token=mint(world, "rt"),
        access_expires_ms=now,
        refresh_expires_ms=now,
    )
    session.grant(now, form)
    registry.by_access[session.access_token] = session
    registry.by_refresh[session.refresh_token] = session
    return session


def rotate(world: World, client_id: str, form: dict[str, str]) -> Session:
    """Refresh tokens are single use: the old access and refresh tokens stop working at once."""
    registry = tokens(world)
    if not form.get("refresh_token"):
        raise OAuthError(400, "invalid_request", "OAU-101", "Parameter [refresh_token] is missing")
    session = registry.by_refresh.get(form["refresh_token"])
    if session is None or session.client_id != client_id:
        raise OAuthError(400, "invalid_grant", "OAU-213", "Token not found")
    now = world.now_ms()
    if now >= session.refresh_expires_ms:
        registry.forget(session)
        raise OAuthError(400, "invalid_grant", "OAU-210", "Token expired")
    registry.forget(session)
    extension = world.directory.extensions.get(session.extension_id)
    if extension is None or not may_log_in(extension):
        raise OAuthError(401, "invalid_grant", "OAU-141", "Login for extension in current state is not allowed.")
    session.access_token = mint(world, "at")
    session.refresh_token = mint(world, "rt")
    session.grant(now, form)
    registry.by_access[session.access_token] = session
    registry.by_refresh[session.refresh_token] = session
    return session


def revoke(world: World, token: str) -> None:
    """Revoking either token ends the whole session; unknown tokens are ignored, as clients expect."""
    registry = tokens(world)
    session = registry.by_access.get(token) or registry.by_refresh.get(token)
    if session is not None:
        registry.forget(session)


def token_body(session: Session) -> dict:
    return {
        "access_token": session.access_token,
        "token_type": "bearer",
        "expires_in": session.access_ttl_s,
        "refresh_token": session.refresh_token,
        "refresh_token_expires_in": session.refresh_ttl_s,
        "scope": TOKEN_SCOPE,
        "owner_id": session.extension_id,
        "endpoint_id": f"emulator-{session.id}",
        "session_id": session.id,
    }


# --- bearer check on API calls -----------------------------------------------------------------

def session_for(world: World, request: web.Request) -> Session:
    """The session behind a request's bearer token, or RingCentral's 401."""
    header = request.headers.get("Authorization")
    if not header:
        raise missing_authorization()
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise invalid_authorization()
    session = tokens(world).by_access.get(token)
    if session is None:
        raise token_not_found()
    if world.now_ms() >= session.access_expires_ms:
        raise token_expired()
    return session


def caller_extension(world: World, session: Session) -> Extension:
    """The session's extension; one Disabled or Frozen since it logged in has lost its sessions, as it may not log
    in again."""
    extension = world.directory.extensions.get(session.extension_id)
    if extension is None or not may_log_in(extension):
        tokens(world).forget(session)
        raise RingCentralError(401, "OAU-213", "Token not found", category="TokenInvalid")
    return extension


# --- rate limits ------------------------------------------------------------------------------------------

MAX_WINDOWS = 10_000  # callers remembered per tenant; past that, those with nothing recent are forgotten


@attrs.define
class RateLimiter:
    """A tenant's RingCentral rate limits, when a seeded account asks for them, and each caller's windows."""

    limits: dict[str, int] | None  # requests a minute per throttling group; None: no limits
    windows: dict[tuple[str, str], RateWindow] = attrs.field(factory=dict)

    @classmethod
    def of(cls, world: World) -> RateLimiter:
        """The limits the first RingCentral account of the seed asks for, else none."""
        for account in world.directory.accounts.values():
            if account.provider == NAME and account.auth.get("rate_limits") not in (None, False):
                return cls(seeded_limits(account.auth["rate_limits"]))
        return cls(None)

    def admit(self, group: str, caller: str, now_ms: int) -> Throttled:
        """The caller's request in this group, counted: whether it may go ahead, and what is left."""
        if len(self.windows) >= MAX_WINDOWS:
            self.forget_idle(now_ms)
        key = (group, caller)
        verdict = throttle(self.windows.get(key, RateWindow()), now_ms, self.limits[group], RATE_WINDOW_S * 1000,
                           RATE_PENALTY_S * 1000)
        self.windows[key] = verdict.window
        return verdict

    def forget_idle(self, now_ms: int) -> None:
        """Windows with no request in the last minute and no penalty running count nothing any more."""
        since = now_ms - RATE_WINDOW_S * 1000
        self.windows = {key: window for key, window in self.windows.items()
                        if window.penalty_until_ms > now_ms or any(t > since for t in window.times_ms)}


def seeded_limits(value) -> dict[str, int]:
    """`rate_limits: true` gives RingCentral's defaults; a mapping (checked when the seed loads) changes the
    groups it names."""
    return {**RATE_LIMITS, **value} if isinstance(value, dict) else dict(RATE_LIMITS)


def rate_limiter(world: World) -> RateLimiter:
    """The tenant's limiter, made on first use from its seed."""
    return world.state(RATE_LIMITS_STATE, RateLimiter.of, world)


RATE_LIMITS_STATE = NAME + ".rate-limits"


async def rate_caller(request: web.Request, group: str) -> str:
    """Who a limit counts, as RingCentral counts per user and app: the extension and app a bearer token was issued
    to (so a new login or a refresh starts no new count), or for the token endpoints the client (Basic auth, else
    the form's client_id); a token nobody issued counts as itself."""
    authorization = request.headers.get("Authorization", "")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() == "bearer":
        session = tokens(request[EXCHANGE].world).by_access.get(token.strip())
        if session is not None:
            return f"user:{session.extension_id}:{session.client_id}"
    if authorization or group != AUTH_GROUP:
        return authorization
    try:
        form = await request.post()
    except (ValueError, LookupError, web.HTTPException):
        return ""
    return "client_id:" + str(form.get("client_id", ""))


AUTH_GROUP = "Auth"


def throttled(handler, operation: str):
    """The handler behind the operation's throttling group, once a seed turns rate limits on: every answer
    carries the X-Rate-Limit headers, and a caller over the limit gets 429 CMN-301 with Retry-After."""
    group = THROTTLING_GROUPS.get(operation, "Light")

    def serve(request: web.Request) -> Awaitable[web.StreamResponse]:
        """The handler's own coroutine where no limits are on (every request of most seeds), else the limited one."""
        world = request[EXCHANGE].world
        limiter = world.provider_state.get(RATE_LIMITS_STATE) or rate_limiter(world)
        return handler(request) if limiter.limits is None else limited(request, world, limiter)

    async def limited(request: web.Request, world: World, limiter: RateLimiter) -> web.StreamResponse:
        verdict = limiter.admit(group, await rate_caller(request, group), world.now_ms())
        headers = {"X-Rate-Limit-Group": group.lower(), "X-Rate-Limit-Limit": str(limiter.limits[group]),
                   "X-Rate-Limit-Remaining": str(verdict.remaining), "X-Rate-Limit-Window": str(RATE_WINDOW_S)}
        if not verdict.allowed:
            raise RingCentralError(429, "CMN-301", "Request rate exceeded",
                                   headers={**headers, "Retry-After": str(verdict.retry_after_s)})
        try:
            response = await handler(request)
        except RingCentralError as error:
            error.headers = {**(error.headers or {}), **headers}
            raise
        response.headers.update(headers)
        return response

    serve.__name__ = getattr(handler, "__name__", "serve")
    return serve
