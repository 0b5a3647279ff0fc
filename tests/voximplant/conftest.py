"""Fixtures for Voximplant tests: a TLS emulator on a free port, the official client and a raw HTTP helper."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from emulator import tls
from emulator.seed import DEFAULT_SEED_PATH, load_default_seed
from emulator.server import BackgroundServer
from emulator.tenants import Tenants

ACCOUNT_ID = "3000001"
API_KEY = "vox-api-key"
KEY_ID = "vox-key-id"
CREDENTIALS = DEFAULT_SEED_PATH.parent / "voximplant-credentials.json"
ENABLED = "447443332211"
NOT_ENABLED = "447443332212"
UNSUPPORTED = "447443332213"
LEGACY = {"account_id": ACCOUNT_ID, "api_key": API_KEY}


@pytest.fixture(scope="session")
def tls_material(tmp_path_factory) -> tls.TlsMaterial:
    return tls.generate(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def server(tls_material):
    with BackgroundServer(Tenants(load_default_seed()), ssl_context=tls_material.context) as running:
        yield running


@pytest.fixture
def endpoint(server) -> str:
    """host:port, which is all the official client lets one configure."""
    return f"127.0.0.1:{server.port}"


@pytest.fixture
def api(endpoint, tls_material, monkeypatch):
    """The official client, unchanged: only its endpoint and the CA bundle differ from production."""
    from voximplant.apiclient import VoximplantAPI

    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(tls_material.ca_path))
    return VoximplantAPI(str(CREDENTIALS), endpoint=endpoint)


@pytest.fixture
def http(server, tls_material):
    with httpx.Client(base_url=server.url, verify=tls_material.client_context(), timeout=10) as client:
        yield client


@pytest.fixture
def call(http):
    """POST /platform_api with cmd and legacy credentials; returns the decoded body after checking the envelope."""
    def run(cmd: str, auth: dict | None = None, **params) -> dict:
        data = {"cmd": cmd, **(LEGACY if auth is None else auth), **params}
        return envelope(http.post("/platform_api", data=data))
    return run


def envelope(response: httpx.Response) -> dict:
    """Voximplant always answers 200 with a JSON object holding either result or error."""
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == "application/json", response.headers
    body = json.loads(response.text)
    assert isinstance(body, dict) and ("result" in body or "error" in body), body
    return body


def error_code(body: dict) -> int:
    assert "error" in body, body
    assert isinstance(body["error"]["msg"], str) and body["error"]["msg"], body
    return body["error"]["code"]


def private_key() -> str:
    return json.loads(Path(CREDENTIALS).read_text())["private_key"]
