"""Requests as clients really write them at the edges of HTTP: doubled slashes, odd Expect and Host headers."""

from __future__ import annotations

import asyncio
import json

import pytest

from emulator.app import build_app
from emulator.seed import load_default_seed
from emulator.tenants import Tenants

RC_BASIC = "Basic cmMtY2xpZW50LWlkOnJjLWNsaWVudC1zZWNyZXQ="  # rc-client-id:rc-client-secret


@pytest.fixture
async def server(aiohttp_server):
    return await aiohttp_server(build_app(Tenants(load_default_seed())))


async def raw(port: int, request: bytes, then: bytes = b"") -> tuple[int, dict, bytes]:
    """Send bytes as they are (no client library tidies them); the status, JSON body and head of the answer."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(request)
    if then:
        interim = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
        assert interim.startswith(b"HTTP/1.1 100 Continue"), interim
        writer.write(then)
    answer = await asyncio.wait_for(reader.read(), 5)
    writer.close()
    head, _, body = answer.partition(b"\r\n\r\n")
    return int(head.split()[1]), json.loads(body.decode("utf-8")), head


def get(path: str, *headers: str) -> bytes:
    return "\r\n".join([f"GET {path} HTTP/1.1", "Host: emulator", *headers, "Connection: close", "", ""]).encode()


@pytest.mark.parametrize("path,provider", [
    ("//restapi/v1.0/account/~/nothing-here", "ringcentral"),
    ("/t/ci-1//restapi/v1.0/account/~/nothing-here", "ringcentral"),
    ("//v4/accounts/2000001/nothing-here", "phonecom"),
    ("//platform_api/NothingHere", "voximplant"),
])
async def test_a_base_url_ending_in_a_slash_still_gets_the_providers_own_not_found(server, path, provider):
    status, body, _ = await raw(server.port, get(path))
    if provider == "ringcentral":
        assert (status, body["errorCode"]) == (404, "CMN-120")
    elif provider == "phonecom":
        assert status == 404 and "@error" in body
    else:
        assert (status, body["error"]["code"]) == (200, 103)


@pytest.mark.parametrize("path", ["/restapiX/v1.0", "/v45/accounts", "/platform_apis/SendSmsMessage"])
async def test_a_path_that_only_begins_like_a_providers_prefix_is_no_providers(server, path):
    status, body, _ = await raw(server.port, get(path))
    assert status == 404
    assert body["error"]["status"] == 404


async def test_an_expectation_other_than_100_continue_is_ignored_and_the_request_answered(server):
    status, body, _ = await raw(server.port, get("/_emulator/health", "Expect: something-else"))
    assert (status, body["status"]) == (200, "ok")


async def test_expect_100_continue_still_gets_its_interim_answer_before_the_body_is_sent(server):
    form = b"grant_type=password&username=%2B16505550100&extension=102&password=pw-102"
    head = ("POST /restapi/oauth/token HTTP/1.1\r\nHost: emulator\r\nExpect: 100-continue\r\nConnection: close\r\n"
            f"Authorization: {RC_BASIC}\r\nContent-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {len(form)}\r\n\r\n").encode()
    status, body, _ = await raw(server.port, head, then=form)
    assert status == 200 and body["token_type"] == "bearer"


@pytest.mark.parametrize("host", [b"\xff\xfe", b"a b", b"evil.example/../x", b""])
async def test_a_host_header_no_url_can_carry_gives_uris_on_the_address_connected_to(server, host):
    form = b"grant_type=password&username=%2B16505550100&extension=102&password=pw-102"
    token = await server_token(server.port, form)
    request = (b"GET /restapi/v1.0/account/~ HTTP/1.1\r\nHost: " + host + b"\r\nConnection: close\r\n"
               b"Authorization: Bearer " + token.encode() + b"\r\n\r\n")
    status, body, _ = await raw(server.port, request)
    assert status == 200
    assert body["uri"] == f"http://127.0.0.1:{server.port}/restapi/v1.0/account/1346632010"


async def test_a_host_header_a_url_can_carry_is_the_origin_of_every_uri(server):
    token = await server_token(server.port, b"grant_type=password&username=%2B16505550100&extension=102"
                                            b"&password=pw-102")
    status, body, _ = await raw(server.port, get("/restapi/v1.0/account/~", f"Authorization: Bearer {token}",
                                                 ).replace(b"Host: emulator", b"Host: sms.test:8443"))
    assert status == 200
    assert body["uri"] == "http://sms.test:8443/restapi/v1.0/account/1346632010"


async def server_token(port: int, form: bytes) -> str:
    head = (f"POST /restapi/oauth/token HTTP/1.1\r\nHost: emulator\r\nConnection: close\r\n"
            f"Authorization: {RC_BASIC}\r\nContent-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {len(form)}\r\n\r\n").encode()
    status, body, _ = await raw(port, head + form)
    assert status == 200, body
    return body["access_token"]
