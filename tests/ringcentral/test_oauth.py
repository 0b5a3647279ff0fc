"""OAuth as the official SDKs use it: grants, client authentication, rotation, revocation, expiry."""

from __future__ import annotations

import asyncio
import base64
import json
import re

import pytest

from emulator.app import build_app
from emulator.providers.ringcentral.routes import BODY_LIMITS
from emulator.seed import build_seed
from emulator.tenants import Tenants

from ..frozen_seed import frozen_seed_data
from .conftest import BASIC, STORE, RingCentral, assert_rc_error

JWT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
TOKEN_FIELDS = {"access_token", "token_type", "expires_in", "refresh_token", "refresh_token_expires_in",
                "scope", "owner_id", "session_id"}
PUBLIC_APP = "rc-public-app"
CLIENT_AUTHENTICATION_REQUIRED = {
    "error": "invalid_client", "error_description": "Client authentication is required",
    "errors": [{"errorCode": "OAU-123", "message": "Client authentication is required"}]}


async def test_jwt_login_returns_every_field_the_sdks_read(rc):
    status, body = await rc.token(grant_type=JWT, assertion="rc-jwt-102")
    assert status == 200
    assert TOKEN_FIELDS <= set(body)
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 3600 and body["refresh_token_expires_in"] == 604800
    assert body["owner_id"] == rc.world.extension("1346632010", "102").id


@pytest.mark.parametrize("form", [
    {"username": "+16505550102", "password": "pw-102"},
    {"username": "+16505550100", "password": "pw-102", "extension": "102"},
    {"username": "+16505550100*102", "password": "pw-102"},
    {"username": "alice@example.com", "password": "pw-102"},
])
async def test_password_login_accepts_number_extension_star_and_email(rc, form):
    status, body = await rc.token(grant_type="password", **form)
    assert status == 200, body
    assert body["owner_id"] == rc.world.extension("1346632010", "102").id


async def with_public_app(aiohttp_client) -> RingCentral:
    """The default seed plus a public app: one seeded without a client_secret."""
    data = frozen_seed_data()
    data["ringcentral"]["accounts"][0]["apps"].append({"client_id": PUBLIC_APP})
    tenants = Tenants(build_seed(data))
    return RingCentral(await aiohttp_client(build_app(tenants)), tenants.get("default"))


async def test_a_public_app_logs_in_with_its_client_id_in_the_body(aiohttp_client):
    rc = await with_public_app(aiohttp_client)
    response = await rc.client.post("/restapi/oauth/token", data={
        "grant_type": JWT, "assertion": "rc-jwt-103", "client_id": PUBLIC_APP})
    assert response.status == 200, await response.text()
    empty_secret = "Basic " + base64.b64encode(f"{PUBLIC_APP}:".encode()).decode()
    response = await rc.client.post("/restapi/oauth/token", data={"grant_type": JWT, "assertion": "rc-jwt-103"},
                                    headers={"Authorization": empty_secret})
    assert response.status == 200, await response.text()


@pytest.mark.parametrize("form", [
    {"grant_type": JWT, "assertion": "rc-jwt-102"},
    {"grant_type": "password", "username": "+16505550102", "password": "pw-102"},
    {"grant_type": "refresh_token", "refresh_token": "anything"},
])
async def test_the_seeded_confidential_app_needs_client_authentication_for_every_grant(rc, form):
    for body in (form, {**form, "client_id": "rc-client-id"}):
        response = await rc.client.post("/restapi/oauth/token", data=body)
        assert response.status == 400
        assert await response.json() == CLIENT_AUTHENTICATION_REQUIRED


async def test_revoking_for_the_confidential_app_needs_client_authentication(rc):
    headers = await rc.login("102")
    token = headers["Authorization"].split()[1]
    response = await rc.client.post("/restapi/oauth/revoke", data={"token": token, "client_id": "rc-client-id"})
    assert response.status == 400 and await response.json() == CLIENT_AUTHENTICATION_REQUIRED
    assert (await rc.call("GET", STORE, headers))[0] == 200  # still logged in
    response = await rc.client.post("/restapi/oauth/revoke", data={
        "token": token, "client_id": "rc-client-id", "client_secret": "rc-client-secret"})
    assert response.status == 200


async def test_token_request_without_any_client_is_invalid_client(rc):
    response = await rc.client.post("/restapi/oauth/token", data={"grant_type": JWT, "assertion": "rc-jwt-102"})
    assert response.status == 400 and await response.json() == CLIENT_AUTHENTICATION_REQUIRED


async def test_wrong_client_secret_is_refused(rc):
    wrong = "Basic " + base64.b64encode(b"rc-client-id:nope").decode()
    response = await rc.client.post("/restapi/oauth/token", data={"grant_type": JWT, "assertion": "rc-jwt-102"},
                                    headers={"Authorization": wrong})
    body = await response.json()
    assert response.status == 401 and body["errors"][0]["errorCode"] == "OAU-146"


async def test_unknown_client_id_is_refused(rc):
    unknown = "Basic " + base64.b64encode(b"who:secret").decode()
    response = await rc.client.post("/restapi/oauth/token", data={"grant_type": JWT, "assertion": "rc-jwt-102"},
                                    headers={"Authorization": unknown})
    body = await response.json()
    assert response.status == 401 and body["errors"][0]["errorCode"] == "OAU-153"


@pytest.mark.parametrize("form", [
    {"grant_type": "password", "username": "+16505550102", "password": "nope"},
    {"grant_type": "password", "username": "nobody@example.com", "password": "pw-102"},
    {"grant_type": JWT, "assertion": "forged"},
])
async def test_a_wrong_password_or_unknown_jwt_is_400_invalid_credentials_for_either_grant(rc, form):
    status, body = await rc.token(**form)
    assert status == 400 and body == {
        "error": "invalid_grant", "error_description": "Invalid resource owner credentials.",
        "errors": [{"errorCode": "OAU-140", "message": "Invalid resource owner credentials."}]}


@pytest.mark.parametrize("grant", ["urn:ietf:params:oauth:grant-type:device_code", "implicit", "jwt"])
async def test_a_grant_type_ringcentral_does_not_know_is_unsupported(rc, grant):
    status, body = await rc.token(grant_type=grant)
    assert status == 400 and body == {"error": "invalid_request", "error_description": "Unsupported grant type",
                                      "errors": [{"errorCode": "OAU-250", "message": "Unsupported grant type"}]}


@pytest.mark.parametrize("grant", ["authorization_code", "client_credentials", "partner_jwt"])
async def test_a_grant_the_spec_defines_but_the_app_is_not_enabled_for_is_unauthorized_client(rc, grant):
    status, body = await rc.token(grant_type=grant, code="abc", assertion="rc-jwt-102")
    assert status == 400 and body == {
        "error": "unauthorized_client", "error_description": "Unauthorized for this grant type",
        "errors": [{"errorCode": "OAU-251", "message": "Unauthorized for this grant type"}]}


async def test_a_token_request_without_grant_type_names_the_missing_parameter(rc):
    status, body = await rc.token(assertion="rc-jwt-102")
    assert status == 400 and body["errors"][0] == {"errorCode": "OAU-101",
                                                    "message": "Parameter [grant_type] is missing"}


async def test_the_token_scope_names_every_permission_the_served_operations_need(rc):
    _, body = await rc.token(grant_type=JWT, assertion="rc-jwt-102")
    scope = body["scope"].split()
    assert {"A2PSMS", "SMS", "ReadAccounts", "ReadMessages", "EditMessages", "InternalMessages"} <= set(scope)
    assert len(scope) == len(set(scope))


async def test_a_refresh_without_its_token_names_the_missing_parameter(rc):
    status, body = await rc.token(grant_type="refresh_token")
    assert status == 400 and body["error"] == "invalid_request"
    assert body["errors"][0] == {"errorCode": "OAU-101", "message": "Parameter [refresh_token] is missing"}


@pytest.mark.parametrize("extension", ["104", "105"])
async def test_disabled_and_frozen_extensions_cannot_log_in(rc, extension):
    status, body = await rc.token(grant_type=JWT, assertion=f"rc-jwt-{extension}")
    assert status == 401 and body["errors"][0]["errorCode"] == "OAU-141"
    status, body = await rc.token(grant_type="password", username=f"+1650555010{extension[-1]}",
                                  password=f"pw-{extension}")
    assert status == 401 and body["errors"][0]["errorCode"] == "OAU-141"


@pytest.mark.parametrize("status_now", ["Disabled", "Frozen"])
async def test_an_extension_disabled_or_frozen_after_logging_in_loses_its_sessions(rc, status_now):
    _, first = await rc.token(grant_type=JWT, assertion="rc-jwt-103")
    _, second = await rc.token(grant_type=JWT, assertion="rc-jwt-103")
    rc.world.set_extension_status("1346632010", "103", status_now)
    status, body = await rc.sms({"Authorization": f"Bearer {first['access_token']}"}, "+16505550103", "+14155550100")
    assert_rc_error(status, body, 401, "OAU-213")
    status, body = await rc.token(grant_type="refresh_token", refresh_token=second["refresh_token"])
    assert status == 401 and body["errors"][0]["errorCode"] == "OAU-141"
    assert rc.mailbox_of("103") == []  # nothing was sent
    rc.world.set_extension_status("1346632010", "103", "Enabled")
    status, _ = await rc.call("GET", STORE, {"Authorization": f"Bearer {first['access_token']}"})
    assert status == 401  # the sessions stay ended: log in again


async def test_refresh_rotates_both_tokens_and_the_old_ones_stop_working(rc):
    _, first = await rc.token(grant_type=JWT, assertion="rc-jwt-102")
    status, second = await rc.token(grant_type="refresh_token", refresh_token=first["refresh_token"])
    assert status == 200
    assert second["access_token"] != first["access_token"]
    assert second["refresh_token"] != first["refresh_token"]
    status, body = await rc.call("GET", STORE, {"Authorization": f"bearer {first['access_token']}"})
    assert_rc_error(status, body, 401, "OAU-213")
    status, body = await rc.token(grant_type="refresh_token", refresh_token=first["refresh_token"])
    assert status == 400 and body["error"] == "invalid_grant"
    status, _ = await rc.call("GET", STORE, {"Authorization": f"bearer {second['access_token']}"})
    assert status == 200


async def test_revoke_ends_the_session(rc):
    headers = await rc.login("102")
    token = headers["Authorization"].split()[1]
    response = await rc.client.post("/restapi/oauth/revoke", data={"token": token}, headers={"Authorization": BASIC})
    assert response.status == 200
    status, body = await rc.call("GET", STORE, headers)
    assert_rc_error(status, body, 401, "OAU-213")


@pytest.mark.parametrize("lifetime", ["Infinity", "inf", "1e309", "nan", "soon", "1_200", " 1200 "])
async def test_a_token_lifetime_that_is_no_number_of_seconds_means_the_default(rc, lifetime):
    status, body = await rc.token(grant_type=JWT, assertion="rc-jwt-102", access_token_ttl=lifetime,
                                  refresh_token_ttl=lifetime)
    assert status == 200, body
    assert body["expires_in"] == 3600 and body["refresh_token_expires_in"] == 604800


async def test_access_token_expires_on_the_emulator_clock(rc):
    headers = await rc.login("102")
    rc.world.clock.advance(3600)
    status, body = await rc.call("GET", STORE, headers)
    assert_rc_error(status, body, 401, "OAU-128")


async def test_refresh_token_expires_on_the_emulator_clock(rc):
    _, tokens = await rc.token(grant_type=JWT, assertion="rc-jwt-102")
    rc.world.clock.advance(604800)
    status, body = await rc.token(grant_type="refresh_token", refresh_token=tokens["refresh_token"])
    assert status == 400 and body["errors"][0]["errorCode"] == "OAU-210"


@pytest.mark.parametrize("header, code", [
    (None, "AGW-401"),
    ("Basic abc", "AGW-402"),
    ("Bearer", "AGW-402"),
    ("Bearer not-a-token", "OAU-213"),
])
async def test_api_calls_without_a_valid_bearer_token_get_401(rc, header, code):
    headers = {"Authorization": header} if header else {}
    status, body = await rc.call("GET", STORE, headers)
    assert_rc_error(status, body, 401, code)


async def test_tokens_of_one_tenant_do_not_work_on_another(rc):
    headers = await rc.login("102")
    status, body = await rc.call("GET", "/t/other" + STORE, headers)
    assert_rc_error(status, body, 401, "OAU-213")


@pytest.mark.parametrize("content_type", ["application/x-www-form-urlencoded; charset=bogus",
                                          "application/x-www-form-urlencoded; charset=utf-16"])
async def test_a_token_request_in_a_charset_nobody_reads_is_ringcentrals_400(rc, content_type):
    response = await rc.client.post("/restapi/oauth/token", data=f"grant_type={JWT}&assertion=rc-jwt-102",
                                    headers={"Authorization": BASIC, "Content-Type": content_type})
    body = await response.json()
    assert response.status == 400 and body["errors"][0]["errorCode"] == "OAU-101"


@pytest.mark.parametrize("path", ["/restapi/oauth/token", "/restapi/oauth/revoke"])
@pytest.mark.parametrize("content_type, body", [
    ("application/json", json.dumps({"grant_type": JWT, "assertion": "rc-jwt-102", "token": "x"})),
    ("text/plain", f"grant_type={JWT}&assertion=rc-jwt-102&token=x"),
])
async def test_a_token_or_revoke_body_that_is_not_a_form_is_the_specs_415(rc, path, content_type, body):
    response = await rc.client.post(path, data=body, headers={"Authorization": BASIC, "Content-Type": content_type})
    answer = await response.json()
    assert response.status == 415, answer
    assert (answer["error"], answer["errors"][0]["errorCode"]) == ("invalid_request", "OAU-101")
    assert content_type in answer["error_description"]


async def test_revoke_needs_the_token_in_the_body_or_the_query(rc):
    response = await rc.client.post("/restapi/oauth/revoke", data={}, headers={"Authorization": BASIC})
    body = await response.json()
    assert response.status == 400 and body["errors"][0]["errorCode"] == "OAU-101"
    _, login = await rc.token(grant_type=JWT, assertion="rc-jwt-102")
    response = await rc.client.post("/restapi/oauth/revoke", params={"token": login["access_token"]},
                                    headers={"Authorization": BASIC})
    assert response.status == 200
    status, _ = await rc.call("GET", STORE, {"Authorization": f"Bearer {login['access_token']}"})
    assert status == 401


async def test_a_token_request_whose_body_does_not_decompress_gets_the_oauth_error(rc):
    response = await rc.client.post("/restapi/oauth/token", data=b"not gzip at all", headers={
        "Authorization": BASIC, "Content-Type": "application/x-www-form-urlencoded", "Content-Encoding": "gzip"})
    body = await response.json()
    assert response.status == 400 and body["error"] == "invalid_request"
    assert body["errors"][0]["errorCode"] == "OAU-101"


def oauth_error(message: str) -> dict:
    return {"error": "invalid_request", "error_description": message,
            "errors": [{"errorCode": "OAU-101", "message": message}]}


async def raw_token_request(port: int, body: bytes, pause_s: float, length: int | None = None) -> tuple[int, dict]:
    """A token request written by hand: its head, then (after pause_s, or in the same write) its body."""
    head = (f"POST /restapi/oauth/token HTTP/1.1\r\nHost: emulator\r\nAuthorization: {BASIC}\r\n"
            f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {length or len(body)}\r\n\r\n")
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(head.encode() + (b"" if pause_s else body))
    if pause_s:
        await asyncio.sleep(pause_s)
        writer.write(body)
    answer_head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
    size = re.search(rb"(?im)^content-length: *([0-9]+)", answer_head)
    payload = await asyncio.wait_for(reader.readexactly(int(size.group(1))), 5)
    writer.close()
    return int(answer_head.split()[1]), json.loads(payload)


@pytest.mark.parametrize("pause_s", [0, 0.05], ids=["arrived-before-the-handler", "still-arriving"])
async def test_a_token_request_over_the_body_limit_is_the_same_oauth_413_however_its_body_arrives(
        aiohttp_server, monkeypatch, pause_s):
    monkeypatch.setitem(BODY_LIMITS, "getToken", 100)  # small enough for a body to arrive with its head
    server = await aiohttp_server(build_app(Tenants(build_seed(frozen_seed_data()))))
    body = f"grant_type={JWT}&assertion=rc-jwt-102&pad={'x' * 200}".encode()
    assert await raw_token_request(server.port, body, pause_s) == (413, oauth_error("Request is too large"))


async def test_a_token_request_whose_body_stops_short_gets_an_oauth_408(aiohttp_server):
    server = await aiohttp_server(build_app(Tenants(build_seed(frozen_seed_data())), body_timeout_s=0.2))
    status, body = await raw_token_request(server.port, b"grant_type=", 0, length=100)
    assert (status, body) == (408, oauth_error("The request body did not arrive within 0.2 s"))


async def test_a_503_fault_on_the_token_endpoint_is_the_gateways_not_a_failed_sms(rc):
    await rc.client.post("/_emulator/faults", json={"operation": "ringcentral.getToken", "status": 503, "times": 1})
    status, body = await rc.token(grant_type=JWT, assertion="rc-jwt-102")
    assert_rc_error(status, body, 503, "CMN-201")


async def test_a_fault_on_the_token_endpoint_answers_in_the_oauth_shape_but_a_429_as_the_gateway_does(rc):
    await rc.client.post("/_emulator/faults", json={"operation": "ringcentral.getToken", "status": 400, "times": 1})
    await rc.client.post("/_emulator/faults", json={"operation": "ringcentral.getToken", "status": 429, "times": 1})
    status, body = await rc.token(grant_type=JWT, assertion="rc-jwt-102")
    assert (status, body) == (400, oauth_error("Request is invalid"))
    status, body = await rc.token(grant_type=JWT, assertion="rc-jwt-102")
    assert_rc_error(status, body, 429, "CMN-301")
