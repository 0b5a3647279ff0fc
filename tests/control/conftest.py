"""Fixtures for the control API: an in-process app on a frozen clock, and a client that checks every
response against the OpenAPI document the server itself serves."""

from __future__ import annotations

import base64
from typing import Any

import jsonschema
import pytest
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from emulator.app import build_app
from emulator.seed import build_seed
from emulator.tenants import Tenants

from ..frozen_seed import frozen_seed_data

BASIC = "Basic " + base64.b64encode(b"rc-client-id:rc-client-secret").decode()
SMS = "/restapi/v1.0/account/~/extension/~/sms"
HANDSET = "+14155550100"




def escape(part: str) -> str:
    return part.replace("~", "~0").replace("/", "~1")


class ControlClient:
    """Calls the control API of one tenant and validates each answer against the served OpenAPI document."""

    def __init__(self, client, document: dict, tenant: str | None = None) -> None:
        self.client = client
        self.document = document
        self.tenant = tenant
        self.registry = Registry().with_resource(
            "urn:control", Resource.from_contents(document, default_specification=DRAFT202012))

    def path(self, path: str) -> str:
        return f"/t/{self.tenant}{path}" if self.tenant else path

    def on(self, tenant: str) -> "ControlClient":
        return ControlClient(self.client, self.document, tenant)

    async def call(self, method: str, path: str, template: str | None = None, **kwargs: Any) -> tuple[int, Any]:
        response = await self.client.request(method, self.path(path), **kwargs)
        body = await response.json()
        self.validate(template or path.split("?")[0], method.lower(), response.status, body)
        return response.status, body

    def validate(self, path: str, method: str, status: int, body: Any) -> None:
        responses = self.document["paths"][path][method]["responses"]
        assert str(status) in responses, f"{method.upper()} {path} answered {status}, which the document does not list"
        response = responses[str(status)]
        base = response["$ref"][1:] if "$ref" in response else f"/paths/{escape(path)}/{method}/responses/{status}"
        schema = {"$ref": f"urn:control#{base}/content/application~1json/schema"}
        jsonschema.Draft202012Validator(schema, registry=self.registry).validate(body)

    async def send_sms(self, text: str = "hello", to: str = HANDSET, jwt: str = "rc-jwt-102",
                       sender: str = "+16505550102"):
        """Log in through RingCentral's OAuth and send one SMS; returns the HTTP response."""
        token = await self.client.post(self.path("/restapi/oauth/token"), headers={"Authorization": BASIC}, data={
            "grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "assertion": jwt})
        assert token.status == 200, await token.text()
        access = (await token.json())["access_token"]
        return await self.client.post(self.path(SMS), headers={"Authorization": f"Bearer {access}"}, json={
            "from": {"phoneNumber": sender}, "to": [{"phoneNumber": to}], "text": text})


@pytest.fixture
def tenants() -> Tenants:
    return Tenants(build_seed(frozen_seed_data()))


@pytest.fixture
def request_log() -> list[dict]:
    return []


@pytest.fixture
async def api(aiohttp_client, tenants, request_log) -> ControlClient:
    client = await aiohttp_client(build_app(tenants, request_log=request_log.append))
    served = await client.get("/_emulator/openapi.json")
    assert served.status == 200
    return ControlClient(client, await served.json())
