"""Voximplant authentication: service-account JWTs (RS256, key by `kid`) and legacy account_id + api_key."""

from __future__ import annotations

import math
from typing import Callable, Mapping

from ...core.model import Account
from ...core.world import World
from . import NAME
from .errors import (
    INVALID_KEY_ID,
    INVALID_TOKEN_FORMAT,
    INVALID_TOKEN_TTL,
    TOKEN_EXPIRED,
    TOKEN_ISSUED_IN_FUTURE,
    VoximplantError,
    authorization_failed,
)
from .rules import TOKEN_LEEWAY_S, TOKEN_MAX_TTL_S

ACCOUNT_FIELDS = ("account_id", "account_name", "account_email")
# Verify the signature with PyJWT; the time claims are checked here, against the emulator's token clock.
DECODE_OPTIONS = {"verify_signature": True, "verify_exp": False, "verify_iat": False, "verify_nbf": False,
                  "verify_aud": False, "verify_iss": False, "verify_sub": False, "verify_jti": False}


def authenticate(world: World, authorization: str | None, params: Mapping[str, str],
                 clock: Callable[[], float]) -> Account:
    """A Bearer JWT when the header carries one (its times read on `clock`), otherwise the legacy credentials."""
    token = bearer_token(authorization) if authorization else None
    if token is not None:
        return account_for_token(world, token, clock())
    return account_for_api_key(world, params)


def bearer_token(authorization: str | None) -> str | None:
    """The token of a Bearer Authorization header, which signs in with a service-account JWT; else None."""
    if authorization:
        scheme, _, token = authorization.strip().partition(" ")
        if scheme.lower() == "bearer":
            return token.strip()
    return None


def shows_api_key(authorization: str | None) -> bool:
    """GetAccountInfo shows the api_key only to a caller that signed in with it, not with a JWT (Voximplant: "Use
    password or api_key authentication to show the api_key")."""
    return bearer_token(authorization) is None


def accounts(world: World) -> list[Account]:
    return [a for a in world.directory.accounts.values() if a.provider == NAME]


# --- legacy credentials -----------------------------------------------------------------------------

LEGACY_FIELDS = (*ACCOUNT_FIELDS, "api_key", "session_id")
REMEMBERED_LOGINS = 1000  # credentials that found an account, remembered per tenant before starting afresh


def account_for_api_key(world: World, params: Mapping[str, str]) -> Account:
    """The account the legacy credentials name, remembered per tenant until its directory changes."""
    login = (NAME, *map(params.get, LEGACY_FIELDS))
    account = world.logins.get(login)
    if account is None:
        account = find_account_for_api_key(world, params)
        if len(world.logins) >= REMEMBERED_LOGINS:
            world.logins.clear()
        world.logins[login] = account
    return account


def find_account_for_api_key(world: World, params: Mapping[str, str]) -> Account:
    """Exactly one account identifier and exactly one secret; only api_key is a secret the emulator knows."""
    named = [f for f in ACCOUNT_FIELDS if params.get(f)]
    api_key = params.get("api_key")
    if len(named) != 1 or not api_key or params.get("session_id"):
        raise authorization_failed()
    field, value = named[0], params[named[0]].strip()
    for account in candidates(world, field, value):
        if identifies(account, field, value) and str(account.auth.get("api_key")) == api_key:
            return account
    raise authorization_failed()


def candidates(world: World, field: str, value: str) -> list[Account]:
    """The accounts a credential may name: looked up by id directly, by name or email among all."""
    if field == "account_id":
        account = world.directory.accounts.get(value)
        return [account] if account is not None and account.provider == NAME else []
    return accounts(world)


def identifies(account: Account, field: str, value: str) -> bool:
    if field == "account_id":
        return account.id == value
    if field == "account_name":
        return account.name == value
    return str(account.auth.get("account_email", "")).lower() == value.lower()


# --- service-account JWT ---------------------------------------------------------------------------

def account_for_token(world: World, token: str, now_s: float) -> Account:
    """Key by `kid`, RS256 signature by that key, issuer, then the time claims."""
    import jwt  # here, not at the top: PyJWT and cryptography add a lot to the server's cold start

    if not token.isascii():  # a JWT is base64url; undecodable header bytes would reach PyJWT as surrogates
        raise VoximplantError(INVALID_TOKEN_FORMAT)
    try:
        header = jwt.get_unverified_header(token)
    except (jwt.InvalidTokenError, ValueError):
        raise VoximplantError(INVALID_TOKEN_FORMAT) from None
    if header.get("alg") != "RS256":
        raise VoximplantError(INVALID_TOKEN_FORMAT)
    kid = header.get("kid")
    found = find_key(world, kid) if isinstance(kid, str) else None
    if found is None:
        raise VoximplantError(INVALID_KEY_ID)
    account, public_key = found
    claims = verified_claims(token, public_key)
    check_issuer(claims, account)
    check_times(claims, now_s)
    return account


def unverified_kid(token: str) -> str | None:
    """The key id a JWT names, unchecked: which key signed it, before anything says whether it did."""
    import jwt

    try:
        kid = jwt.get_unverified_header(token).get("kid") if token.isascii() else None
    except (jwt.InvalidTokenError, ValueError):
        return None
    return kid if isinstance(kid, str) else None


def find_key(world: World, kid: str) -> tuple[Account, str] | None:
    for account in accounts(world):
        for key in account.auth.get("service_account_keys") or []:
            if isinstance(key, dict) and str(key.get("key_id")) == kid and key.get("public_key"):
                return account, str(key["public_key"])
    return None


def verified_claims(token: str, public_key: str) -> dict:
    import jwt

    try:
        claims = jwt.decode(token, public_key, algorithms=["RS256"], options=DECODE_OPTIONS)
    except jwt.InvalidSignatureError:
        raise authorization_failed() from None
    except jwt.DecodeError:
        raise VoximplantError(INVALID_TOKEN_FORMAT) from None
    except (jwt.PyJWTError, ValueError, TypeError):
        raise authorization_failed() from None
    if not isinstance(claims, dict):
        raise VoximplantError(INVALID_TOKEN_FORMAT)
    return claims


def check_issuer(claims: dict, account: Account) -> None:
    """`iss` is the key's account as a number or a string; "0" is the official Python client's default."""
    issuer = claims.get("iss")
    if isinstance(issuer, bool) or not isinstance(issuer, (str, int)):
        raise authorization_failed()
    if str(issuer).strip() not in ("0", account.id):
        raise authorization_failed()


def check_times(claims: dict, now_s: float) -> None:
    """iat and exp are required finite numbers; a lifetime over an hour, a future iat or a past exp are refused."""
    iat, exp = seconds(claims.get("iat")), seconds(claims.get("exp"))
    if iat is None or exp is None:
        raise VoximplantError(INVALID_TOKEN_FORMAT)
    if exp - iat > TOKEN_MAX_TTL_S:
        raise VoximplantError(INVALID_TOKEN_TTL)
    if iat > now_s + TOKEN_LEEWAY_S:
        raise VoximplantError(TOKEN_ISSUED_IN_FUTURE)
    if exp < now_s - TOKEN_LEEWAY_S:
        raise VoximplantError(TOKEN_EXPIRED)


def seconds(claim: object) -> float | None:
    """A time claim as finite seconds, else None: NaN compares false with any time, so it would never expire,
    and an integer beyond a float's range cannot be subtracted from one."""
    if isinstance(claim, bool) or not isinstance(claim, (int, float)):
        return None
    try:
        number = float(claim)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None
