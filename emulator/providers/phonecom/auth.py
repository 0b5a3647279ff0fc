"""Phone.com bearer tokens: an account-owner token reaches the account, an extension-user token its extension.

Seeded tokens never expire, like the permanent tokens of Phone.com's Console; tokens minted by Create Access
Token for a seeded app (`apps: [{client_id, client_secret}]` on the account) expire on the tenant's clock.
"""

from __future__ import annotations

import hashlib

import attrs
from aiohttp import web

from ...core.ids import IdSequence
from ...core.model import Extension
from ...core.world import World
from . import NAME
from .errors import forbidden, not_found, unauthorized
from .parse import TokenRequest, path_integer
from .rules import ACCESS_TOKEN_TTL_S, SCOPE_ACCOUNT_OWNER, SCOPE_EXTENSION_USER

TOKEN_KEY = "access_token"
APPS_KEY = "apps"


@attrs.frozen
class Grant:
    """What one access token may do: the whole account, or one extension of it, until it expires."""

    token: str
    account_id: str
    scope: str
    extension_id: str | None = None
    expires_at: int | None = None   # epoch seconds; None for a seeded token
    client_id: str | None = None    # the app that minted it
    account_in_path: bool = attrs.field(init=False, eq=False, repr=False)

    @account_in_path.default
    def _account_in_path(self) -> bool:
        """Whether a path that writes account_id as it is passes check_account: worked out once per token."""
        value = path_integer(self.account_id)
        return value is not None and value >= 1 and str(value) == self.account_id

    @property
    def is_owner(self) -> bool:
        return self.scope == SCOPE_ACCOUNT_OWNER


@attrs.define
class TokenRegistry:
    """The tenant's live tokens and the refresh tokens that renew them; seeded ones are read on first use."""

    grants: dict[str, Grant] = attrs.field(factory=dict)
    refreshes: dict[str, Grant] = attrs.field(factory=dict)   # refresh token -> the grant it renews
    serial: IdSequence = attrs.field(factory=lambda: IdSequence(1))

    def add(self, grant: Grant) -> Grant:
        self.grants[grant.token] = grant
        return grant

    def revoke(self, grant: Grant) -> None:
        """The access token and every refresh token that would renew it stop working."""
        self.grants.pop(grant.token, None)
        for refresh in [r for r, renewed in self.refreshes.items() if renewed.token == grant.token]:
            del self.refreshes[refresh]


def seeded_tokens(value) -> list[str]:
    """A seed names one token as a string, or several as a list."""
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    return [str(value)]


def tokens(world: World) -> TokenRegistry:
    return world.state(NAME, registry_from_directory, world)


def registry_from_directory(world: World) -> TokenRegistry:
    registry = TokenRegistry()
    directory = world.directory
    for account in directory.accounts.values():
        if account.provider != NAME:
            continue
        for token in seeded_tokens(account.auth.get(TOKEN_KEY)):
            registry.add(Grant(token, account.id, SCOPE_ACCOUNT_OWNER))
        for extension in directory.extensions_of(account.id):
            for token in seeded_tokens(extension.auth.get(TOKEN_KEY)):
                registry.add(Grant(token, account.id, SCOPE_EXTENSION_USER, extension.id))
    return registry


def grant_for(world: World, request: web.Request) -> Grant:
    """The grant behind a request's bearer token, or Phone.com's 401."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if not header:
        raise unauthorized("Unauthorized: no access token was given")
    if scheme.lower() != "bearer" or not token:
        raise unauthorized("Unauthorized: the Authorization header must be 'Bearer <token>'")
    grant = tokens(world).grants.get(token)
    if grant is None:
        raise unauthorized("Unauthorized: the access token is invalid")
    if grant.expires_at is not None and world.now_ms() // 1000 >= grant.expires_at:
        raise unauthorized("Unauthorized: the access token has expired")
    return grant


def check_account(grant: Grant, raw_account_id: str) -> str:
    """The path's account must be the token's own; ids are positive 64-bit integers, anything else is no account."""
    if raw_account_id == grant.account_id and grant.account_in_path:
        return grant.account_id  # the usual path, the token's account as it is written: nothing to parse
    account_id = path_integer(raw_account_id)
    if account_id is None or account_id < 1:
        raise not_found()
    if str(account_id) != grant.account_id:
        raise forbidden()
    return grant.account_id


def account_scope(world: World, request: web.Request) -> Grant:
    """Account endpoints need an account-owner token."""
    grant = grant_for(world, request)
    check_account(grant, request.match_info["account_id"])
    if not grant.is_owner:
        raise forbidden()
    return grant


def extension_scope(world: World, request: web.Request) -> tuple[Grant, Extension]:
    """Extension endpoints take the owner's token, or the extension's own token and no other."""
    grant = grant_for(world, request)
    account_id = check_account(grant, request.match_info["account_id"])
    extension_id = path_integer(request.match_info["extension_id"])
    if extension_id is None:
        raise not_found()
    extension = world.directory.extensions.get(str(extension_id))
    if not grant.is_owner and (extension is None or extension.id != grant.extension_id):
        raise forbidden()
    if extension is None or extension.account_id != account_id:
        raise not_found()
    return grant, extension


# --- minting: Create Access Token -----------------------------------------------------------------------

def mint(world: World, registry: TokenRegistry, kind: str) -> str:
    """An opaque 40-character token, deterministic per tenant, as long as Phone.com's own."""
    serial = registry.serial.take()
    return hashlib.sha1(f"{world.name}|{kind}|{serial}".encode()).hexdigest()


def client_account(world: World, client_id: str, client_secret: str) -> str:
    """The account whose seeded app has these credentials, or Phone.com's 401."""
    for account in world.directory.accounts.values():
        if account.provider != NAME:
            continue
        for app in account.auth.get(APPS_KEY) or ():
            if isinstance(app, dict) and str(app.get("client_id")) == client_id:
                if str(app.get("client_secret")) != client_secret:
                    break
                return account.id
    raise unauthorized("Unauthorized: the client credentials are invalid")


def issue(world: World, account_id: str, client_id: str, scope: str = SCOPE_ACCOUNT_OWNER,
          extension_id: str | None = None) -> tuple[Grant, str]:
    """A new access token and the refresh token that renews it."""
    registry = tokens(world)
    expires_at = world.now_ms() // 1000 + ACCESS_TOKEN_TTL_S
    grant = registry.add(Grant(mint(world, registry, "access"), account_id, scope, extension_id, expires_at,
                               client_id))
    refresh = mint(world, registry, "refresh")
    registry.refreshes[refresh] = grant
    return grant, refresh


def renew(world: World, wanted: TokenRequest) -> tuple[Grant, str]:
    """The refresh_token grant: the app's refresh token buys a new pair; the old pair stops working."""
    registry = tokens(world)
    old = registry.refreshes.get(wanted.refresh_token or "")
    if old is None or old.client_id != wanted.client_id:
        raise unauthorized("Unauthorized: the refresh token is invalid")
    registry.revoke(old)
    return issue(world, old.account_id, wanted.client_id, old.scope, old.extension_id)
