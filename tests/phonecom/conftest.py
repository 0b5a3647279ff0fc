"""Fixtures for Phone.com tests: the app on a frozen clock, and a client that speaks Phone.com's v4 API."""

from __future__ import annotations


import pytest

from emulator.app import build_app
from emulator.core.model import Mailbox
from emulator.seed import build_seed
from emulator.tenants import Tenants

from ..frozen_seed import frozen_seed_data

ACCOUNT = "2000001"
EXT_101 = "2000001101"
EXT_102 = "2000001102"
OWNER = {"Authorization": "Bearer pc-owner-token"}
PAULA = {"Authorization": "Bearer pc-ext-101-token"}
QUINN = {"Authorization": "Bearer pc-ext-102-token"}
PAULA_NUMBER = "+12125550101"
QUINN_NUMBER = "+12125550102"
MAIN_NUMBER = "+12125550100"
HANDSET = "+13125550199"
FROZEN_EPOCH = 1772445600
ACCOUNT_SMS = f"/v4/accounts/{ACCOUNT}/sms"


def extension_sms(extension_id: str) -> str:
    return f"/v4/accounts/{ACCOUNT}/extensions/{extension_id}/sms"




@pytest.fixture
def tenants() -> Tenants:
    return Tenants(build_seed(frozen_seed_data()))


@pytest.fixture
def world(tenants):
    return tenants.get("default")


@pytest.fixture
async def pc(aiohttp_client, tenants):
    client = await aiohttp_client(build_app(tenants))
    return PhoneCom(client, tenants.get("default"))


def assert_pc_error(status: int, body, expected_status: int) -> dict:
    """Every Phone.com error is `{"@error": {"@message", "@httpStatusCode", "@time"}}` with the real status."""
    assert status == expected_status, body
    assert isinstance(body, dict) and set(body) == {"@error"}, body
    error = body["@error"]
    assert isinstance(error["@message"], str) and error["@message"], body
    assert error["@httpStatusCode"] == expected_status, body
    assert error["@time"].endswith("Z") and "." in error["@time"], body
    return error


class PhoneCom:
    """A thin client over the test app in Phone.com's wire format."""

    def __init__(self, client, world) -> None:
        self.client = client
        self.world = world

    async def call(self, method: str, path: str, headers: dict | None = None, json=None, params=None, data=None):
        response = await self.client.request(method, path, headers=headers or {}, json=json, params=params, data=data)
        if response.content_type == "application/json":
            return response.status, await response.json()
        return response.status, await response.text()

    async def send(self, headers: dict = OWNER, path: str = ACCOUNT_SMS, **body) -> tuple[int, dict]:
        return await self.call("POST", path, headers, json=body)

    async def sent(self, headers: dict = OWNER, path: str = ACCOUNT_SMS, **body) -> dict:
        status, created = await self.send(headers, path, **body)
        assert status == 201, created
        return created

    async def listing(self, headers: dict = OWNER, path: str = ACCOUNT_SMS, params=None) -> dict:
        status, body = await self.call("GET", path, headers, params=params)
        assert status == 200, body
        return body

    async def ids(self, headers: dict = OWNER, path: str = ACCOUNT_SMS, params=None) -> list[str]:
        return [item["id"] for item in (await self.listing(headers, path, params))["items"]]

    def mailbox(self, extension_id: str | None):
        return self.world.messages_in(Mailbox(ACCOUNT, extension_id))
