"""Phone.com bearer tokens: an account-owner token reaches the account, an extension-user token its extension."""

from __future__ import annotations

import attrs
from aiohttp import web

from ...core.ids import is_digits
from ...core.model import Extension
from ...core.world import World
from . import NAME
from .errors import forbidden, not_found, unauthorized
from .rules import SCOPE_ACCOUNT_OWNER, SCOPE_EXTENSION_USER

TOKEN_KEY = "access_token"


@attrs.frozen
class Grant:
    """What one access token may do: the whole account, or one extension of it."""

    token: str
    account_id: str
    scope: str
    extension_id: str | None = None

    @property
    def is_owner(self) -> bool:
        return self.scope == SCOPE_ACCOUNT_OWNER


@attrs.define
class TokenRegistry:
    """The tenant's live tokens; seeded ones are read from the directory on first use."""

    grants: dict[str, Grant] = attrs.field(factory=dict)

    def add(self, grant: Grant) -> Grant:
        self.grants[grant.token] = grant
        return grant


def seeded_tokens(value) -> list[str]:
    """A seed names one token as a string, or several as a list."""
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    return [str(value)]


def tokens(world: World) -> TokenRegistry:
    return world.state(NAME, lambda: registry_from_directory(world))


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
    if not header:
        raise unauthorized("Unauthorized: no access token was given")
    if scheme.lower() != "bearer" or not token.strip():
        raise unauthorized("Unauthorized: the Authorization header must be 'Bearer <token>'")
    grant = tokens(world).grants.get(token.strip())
    if grant is None:
        raise unauthorized("Unauthorized: the access token is invalid")
    return grant


def check_account(grant: Grant, raw_account_id: str) -> str:
    """The path's account must be the token's own; ids are positive integers."""
    if not is_digits(raw_account_id) or int(raw_account_id) < 1:
        raise not_found()
    if str(int(raw_account_id)) != grant.account_id:
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
    raw = request.match_info["extension_id"]
    if not is_digits(raw):
        raise not_found()
    extension = world.directory.extensions.get(str(int(raw)))
    if not grant.is_owner and (extension is None or extension.id != grant.extension_id):
        raise forbidden()
    if extension is None or extension.account_id != account_id:
        raise not_found()
    return grant, extension
