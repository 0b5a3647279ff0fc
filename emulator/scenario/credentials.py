"""Acting as a named credential of the seed: the runner logs in or signs for the step, the story only names who acts."""

from __future__ import annotations

import base64
import json
import time
from pathlib import Path
from typing import Any, Awaitable, Callable

import attrs
import jwt

from ..seed import Seed

RC_TOKEN_PATH = "/restapi/oauth/token"
RC_JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"


class CredentialError(Exception):
    """A credential the seed does not have, or a login that failed."""


@attrs.frozen
class Signed:
    """What a credential adds to a request: headers, and parameters for the query or the form."""

    headers: dict[str, str] = attrs.field(factory=dict)
    params: dict[str, str] = attrs.field(factory=dict)


Send = Callable[..., Awaitable[Any]]  # send(method, path, form=..., headers=...) -> Reply


@attrs.define
class Credentials:
    """Tokens obtained during one scenario, so each credential logs in once."""

    seed: Seed
    send: Send
    tokens: dict[str, str] = attrs.field(factory=dict)

    def account(self, provider: str):
        for account in self.seed.directory.accounts.values():
            if account.provider == provider:
                return account
        raise CredentialError(f"the seed has no {provider} account")

    def extension(self, provider: str, number: str):
        account = self.account(provider)
        found = self.seed.directory.extension_by_number(account.id, number)
        if found is None:
            raise CredentialError(f"the seed has no {provider} extension {number}")
        return found

    async def sign(self, name: str | None, overrides: dict[str, Any]) -> Signed:
        """The headers or parameters that make a request come from `name`."""
        if name is None or name == "none":
            return Signed()
        provider, _, who = name.partition(":")
        if provider == "ringcentral":
            return await self.ringcentral(who)
        if provider == "phonecom":
            return Signed({"Authorization": f"Bearer {self.phonecom_token(who)}"})
        if who == "jwt":
            return Signed({"Authorization": f"Bearer {await self.voximplant_jwt(overrides)}"})
        account = self.account("voximplant")
        if "api_key" not in account.auth:
            raise CredentialError("the seed's voximplant account has no api_key")
        return Signed(params={"account_id": account.id, "api_key": str(account.auth["api_key"])})

    # --- RingCentral -----------------------------------------------------------------------------

    def basic(self) -> str:
        app = (self.account("ringcentral").auth.get("apps") or [{}])[0]
        if "client_id" not in app:
            raise CredentialError("the seed's ringcentral account has no app (client_id, client_secret)")
        pair = f"{app['client_id']}:{app.get('client_secret', '')}".encode()
        return "Basic " + base64.b64encode(pair).decode()

    async def ringcentral(self, who: str) -> Signed:
        if who == "app":
            return Signed({"Authorization": self.basic()})
        key = f"ringcentral:{who}"
        if key not in self.tokens:
            self.tokens[key] = await self.ringcentral_login(who)
        return Signed({"Authorization": f"Bearer {self.tokens[key]}"})

    async def ringcentral_login(self, who: str) -> str:
        """A JWT-bearer login of the extension, as the official SDK does it."""
        assertion = self.extension("ringcentral", who).auth.get("jwt")
        if not assertion:
            raise CredentialError(f"ringcentral extension {who} has no jwt in the seed")
        reply = await self.send("POST", RC_TOKEN_PATH, form={"grant_type": RC_JWT_GRANT, "assertion": str(assertion)},
                                headers={"Authorization": self.basic()})
        if reply.status != 200 or not isinstance(reply.body, dict) or "access_token" not in reply.body:
            raise CredentialError(f"cannot log in as ringcentral:{who}: {reply.status} {json.dumps(reply.body)[:200]}")
        return str(reply.body["access_token"])

    # --- Phone.com -------------------------------------------------------------------------------

    def phonecom_token(self, who: str) -> str:
        holder = self.account("phonecom") if who == "owner" else self.extension("phonecom", who)
        token = holder.auth.get("access_token")
        if isinstance(token, list):
            token = token[0] if token else None
        if not token:
            raise CredentialError(f"phonecom:{who} has no access_token in the seed")
        return str(token)

    # --- Voximplant ------------------------------------------------------------------------------

    def voximplant_key(self) -> dict[str, Any]:
        """The service-account credentials file the seed names (account_id, key_id, private_key)."""
        account = self.account("voximplant")
        name = account.auth.get("credentials_file")
        if not name:
            raise CredentialError("the seed's voximplant account has no credentials_file")
        path = Path(str(name))
        if not path.is_absolute():
            path = Path(self.seed.source).resolve().parent / path
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise CredentialError(f"cannot read voximplant credentials {path}: {error}") from None

    async def voximplant_jwt(self, overrides: dict[str, Any]) -> str:
        """A service-account JWT signed with wall-clock time, as the official clients sign them."""
        key = self.voximplant_key()
        now = int(time.time())
        claims = {"iss": str(overrides.get("iss", key["account_id"])), "iat": now + int(overrides.get("iat", -5)),
                  "exp": now + int(overrides.get("exp", 3595))}
        headers = {"kid": str(overrides.get("kid", key["key_id"]))}
        return jwt.encode(claims, key["private_key"], algorithm="RS256", headers=headers)
