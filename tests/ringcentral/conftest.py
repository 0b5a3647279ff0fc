"""Fixtures for RingCentral tests: an in-process app on a frozen clock, and helpers that log in and send."""

from __future__ import annotations

import base64

import pytest

from emulator.app import build_app
from emulator.seed import build_seed
from emulator.tenants import Tenants

from ..frozen_seed import frozen_seed_data


ACCOUNT = "1346632010"
BASIC = "Basic " + base64.b64encode(b"rc-client-id:rc-client-secret").decode()
SMS = "/restapi/v1.0/account/~/extension/~/sms"
PAGER = "/restapi/v1.0/account/~/extension/~/company-pager"
STORE = "/restapi/v1.0/account/~/extension/~/message-store"




@pytest.fixture
def tenants() -> Tenants:
    return Tenants(build_seed(frozen_seed_data()))


@pytest.fixture
def world(tenants):
    return tenants.get("default")


@pytest.fixture
async def rc(aiohttp_client, tenants):
    client = await aiohttp_client(build_app(tenants))
    return RingCentral(client, tenants.get("default"))


def assert_rc_error(status: int, body: dict, expected_status: int, code: str) -> None:
    """Every RingCentral error has a top-level errorCode and message and an errors[] naming the code."""
    assert status == expected_status, body
    assert isinstance(body.get("errorCode"), str) and isinstance(body.get("message"), str), body
    assert body["errors"][0]["errorCode"] == code, body
    assert body["errors"][0]["message"], body


class RingCentral:
    """A thin client over the test app that speaks RingCentral's wire format."""

    def __init__(self, client, world) -> None:
        self.client = client
        self.world = world

    async def token(self, **form) -> tuple[int, dict]:
        response = await self.client.post("/restapi/oauth/token", data=form, headers={"Authorization": BASIC})
        return response.status, await response.json()

    async def login(self, extension: str) -> dict[str, str]:
        status, body = await self.token(grant_type="urn:ietf:params:oauth:grant-type:jwt-bearer",
                                        assertion=f"rc-jwt-{extension}")
        assert status == 200, body
        return {"Authorization": f"bearer {body['access_token']}"}

    async def call(self, method: str, path: str, headers: dict, json=None, params=None) -> tuple[int, dict | str]:
        response = await self.client.request(method, path, headers=headers, json=json, params=params)
        if response.content_type.endswith("json"):  # application/json, or the bulk syntax's multipart+json
            return response.status, await response.json()
        return response.status, await response.text()

    async def sms(self, headers: dict, sender: str, to, text: str = "hello") -> tuple[int, dict]:
        recipients = [to] if isinstance(to, str) else to
        return await self.call("POST", SMS, headers, json={
            "from": {"phoneNumber": sender}, "to": [{"phoneNumber": n} for n in recipients], "text": text})

    async def pager(self, headers: dict, to: list[str] | None = None, text: str = "page", **extra) -> tuple[int, dict]:
        body = {"text": text, **extra}
        if to is not None:
            body["to"] = [{"extensionNumber": n} for n in to]
        return await self.call("POST", PAGER, headers, json=body)

    async def store(self, headers: dict, **params) -> list[dict]:
        status, body = await self.call("GET", STORE, headers, params=params)
        assert status == 200, body
        return body["records"]

    def mailbox_of(self, extension_number: str):
        from emulator.core.model import Mailbox
        extension = self.world.extension(ACCOUNT, extension_number)
        return self.world.messages_in(Mailbox(ACCOUNT, extension.id))
