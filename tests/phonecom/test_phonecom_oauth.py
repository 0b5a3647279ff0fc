"""Create Access Token for an app the seed lists (client_credentials and refresh_token), and Delete Access Token."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from emulator.app import build_app
from emulator.seed import build_seed
from emulator.tenants import Tenants

from ..frozen_seed import frozen_seed_data
from .conftest import ACCOUNT, ACCOUNT_SMS, FROZEN_EPOCH, HANDSET, OWNER, PAULA, PAULA_NUMBER, PhoneCom, assert_pc_error

TOKEN = "/v4/oauth/access-token"
APP = {"client_id": "pc-client-id", "client_secret": "pc-client-secret"}
OTHER_APP = {"client_id": "pc-other-client", "client_secret": "pc-other-secret"}
CLIENT_CREDENTIALS = {"grant_type": "client_credentials", **APP}


def seed_with_apps() -> dict:
    """The default seed with two apps on the Phone.com account, as a seed lists RingCentral's."""
    data = frozen_seed_data()
    data["phonecom"]["accounts"][0]["apps"] = [APP, OTHER_APP]  # the default seed lists the first
    return data


@pytest.fixture
async def pc_apps(aiohttp_client) -> PhoneCom:
    tenants = Tenants(build_seed(seed_with_apps()))
    client = await aiohttp_client(build_app(tenants))
    return PhoneCom(client, tenants.get("default"))


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


async def minted(pc, body: dict = CLIENT_CREDENTIALS, **request) -> dict:
    status, answer = await pc.call("POST", TOKEN, json=body, **request)
    assert status == 201, answer
    return answer


async def test_client_credentials_mint_an_account_owner_token_that_sends_sms(pc_apps):
    token = await minted(pc_apps)
    assert token == {"access_token": token["access_token"], "token_type": "Bearer", "scope": "account-owner",
                     "refresh_token": token["refresh_token"], "expires_in": 3600}
    assert len(token["access_token"]) == 40 and token["access_token"] != token["refresh_token"]
    sms = {"from": PAULA_NUMBER, "to": HANDSET, "text": "sent with a minted token"}
    status, sms = await pc_apps.send(bearer(token["access_token"]), **sms)
    assert status == 201, sms
    status, details = await pc_apps.call("GET", TOKEN, bearer(token["access_token"]))
    assert status == 200 and details["scope_details"] == [{"scope": "account-owner", "voip_id": int(ACCOUNT)}]
    assert details["expires_at"] == FROZEN_EPOCH + 3600


async def test_the_grant_may_come_as_a_form_or_in_the_query_string(pc_apps):
    from_form = await minted(pc_apps, None, data=CLIENT_CREDENTIALS)
    from_query = await minted(pc_apps, None, params=CLIENT_CREDENTIALS)
    assert from_form["scope"] == from_query["scope"] == "account-owner"
    assert from_form["access_token"] != from_query["access_token"]


@pytest.mark.parametrize("content_type, raw", [
    ("application/x-www-form-urlencoded; charset=no-such-charset", b"grant_type=client_credentials"),
    ("application/x-www-form-urlencoded; charset=ascii", b"grant_type=\xff"),
    ("application/json", b"[1, 2]"),
    ("application/json", b"{"),
])
async def test_an_unreadable_grant_is_phonecoms_400(pc_apps, content_type, raw):
    status, body = await pc_apps.call("POST", TOKEN, {"Content-Type": content_type}, data=raw)
    assert_pc_error(status, body, 400)


async def test_a_refresh_token_buys_a_new_pair_and_retires_the_old_one(pc_apps):
    first = await minted(pc_apps)
    second = await minted(pc_apps, {"grant_type": "refresh_token", "refresh_token": first["refresh_token"], **APP})
    assert second["scope"] == "account-owner" and second["expires_in"] == 3600
    assert {second["access_token"], second["refresh_token"]}.isdisjoint({first["access_token"], first["refresh_token"]})
    status, body = await pc_apps.call("GET", ACCOUNT_SMS, bearer(first["access_token"]))
    assert_pc_error(status, body, 401)
    status, body = await pc_apps.call("POST", TOKEN, json={"grant_type": "refresh_token",
                                                           "refresh_token": first["refresh_token"], **APP})
    assert_pc_error(status, body, 401)
    assert (await pc_apps.call("GET", ACCOUNT_SMS, bearer(second["access_token"])))[0] == 200


async def test_a_refresh_token_works_only_for_the_app_it_was_minted_for(pc_apps):
    first = await minted(pc_apps)
    status, body = await pc_apps.call("POST", TOKEN, json={"grant_type": "refresh_token",
                                                           "refresh_token": first["refresh_token"], **OTHER_APP})
    assert_pc_error(status, body, 401)
    assert (await pc_apps.call("GET", ACCOUNT_SMS, bearer(first["access_token"])))[0] == 200


async def test_a_minted_token_expires_on_the_tenants_clock_and_its_refresh_token_renews_it(pc_apps):
    token = await minted(pc_apps)
    pc_apps.world.clock.advance(3599)
    assert (await pc_apps.call("GET", ACCOUNT_SMS, bearer(token["access_token"])))[0] == 200
    pc_apps.world.clock.advance(1)
    status, body = await pc_apps.call("GET", ACCOUNT_SMS, bearer(token["access_token"]))
    assert "expired" in assert_pc_error(status, body, 401)["@message"]
    renewed = await minted(pc_apps, {"grant_type": "refresh_token", "refresh_token": token["refresh_token"], **APP})
    assert (await pc_apps.call("GET", ACCOUNT_SMS, bearer(renewed["access_token"])))[0] == 200


@pytest.mark.parametrize("body", [
    {**CLIENT_CREDENTIALS, "client_secret": "wrong"},
    {**CLIENT_CREDENTIALS, "client_id": "nobody"},
    {"grant_type": "client_credentials", "client_id": APP["client_id"], "client_secret": OTHER_APP["client_secret"]},
    {"grant_type": "refresh_token", "refresh_token": "never-minted", **APP},
])
async def test_unknown_client_credentials_or_refresh_tokens_are_401(pc_apps, body):
    status, answer = await pc_apps.call("POST", TOKEN, json=body)
    assert_pc_error(status, answer, 401)


@pytest.mark.parametrize("body, fields", [
    ({}, ["grant_type", "client_id", "client_secret"]),
    ({"grant_type": "implicit", "client_id": 5, "client_secret": ["x"]}, ["grant_type", "client_id", "client_secret"]),
    ({**CLIENT_CREDENTIALS, "grant_type": "password", "username": "u", "password": "p"}, ["grant_type"]),
    ({**CLIENT_CREDENTIALS, "grant_type": "authorization_code", "code": "c"}, ["grant_type"]),
    ({**CLIENT_CREDENTIALS, "grant_type": "refresh_token"}, ["refresh_token"]),
    ({**CLIENT_CREDENTIALS, "scope": "extension-user"}, ["scope"]),
    ({**CLIENT_CREDENTIALS, "scope": 7}, ["scope"]),
])
async def test_missing_or_unusable_grant_fields_are_named_in_one_422(pc_apps, body, fields):
    status, answer = await pc_apps.call("POST", TOKEN, json=body)
    assert list(assert_pc_error(status, answer, 422)["fields"]) == fields


async def test_a_scope_naming_account_owner_is_accepted(pc_apps):
    token = await minted(pc_apps, {**CLIENT_CREDENTIALS, "scope": "account-owner methods:ALL"})
    assert token["scope"] == "account-owner"


async def test_without_a_seeded_app_no_client_gets_a_token(aiohttp_client):
    data = frozen_seed_data()
    data["phonecom"]["accounts"][0].pop("apps", None)
    tenants = Tenants(build_seed(data))
    pc = PhoneCom(await aiohttp_client(build_app(tenants)), tenants.get("default"))
    status, body = await pc.call("POST", TOKEN, json=CLIENT_CREDENTIALS)
    assert_pc_error(status, body, 401)


async def test_the_default_seed_has_an_app_whose_client_credentials_mint_a_token(pc):
    token = await minted(pc)
    assert token["scope"] == "account-owner" and token["token_type"] == "Bearer"


async def test_delete_access_token_deactivates_the_token_it_is_called_with_and_its_refresh_token(pc_apps):
    token = await minted(pc_apps)
    status, body = await pc_apps.call("DELETE", TOKEN, bearer(token["access_token"]))
    assert status == 200 and body == {}
    status, body = await pc_apps.call("GET", TOKEN, bearer(token["access_token"]))
    assert_pc_error(status, body, 401)
    status, body = await pc_apps.call("POST", TOKEN, json={"grant_type": "refresh_token",
                                                           "refresh_token": token["refresh_token"], **APP})
    assert_pc_error(status, body, 401)
    assert (await pc_apps.call("GET", ACCOUNT_SMS, OWNER))[0] == 200  # other tokens live on


async def test_delete_access_token_needs_a_live_token(pc):
    status, body = await pc.call("DELETE", TOKEN, {"Authorization": "Bearer nope"})
    assert_pc_error(status, body, 401)


async def test_access_token_details_are_served_at_details_too(pc):
    for headers in (OWNER, PAULA):
        status, details = await pc.call("GET", TOKEN + "/details", headers)
        assert status == 200
        assert details == (await pc.call("GET", TOKEN, headers))[1]


async def test_a_seeded_token_expires_at_an_integer_past_anything_the_clock_reaches(pc):
    """GetOauthAccessToken types expires_at an integer, which Phone.com's JS client multiplies into a date."""
    for headers in (OWNER, PAULA):
        status, details = await pc.call("GET", TOKEN, headers)
        assert status == 200 and details["expires_at"] == 253402300799
        assert datetime.fromtimestamp(details["expires_at"], timezone.utc) == datetime(9999, 12, 31, 23, 59, 59,
                                                                                      tzinfo=timezone.utc)
    pc.world.clock.advance(100 * 365 * 86400)
    assert (await pc.call("GET", TOKEN, OWNER))[0] == 200  # permanent, like the Console's tokens


async def test_mode_details_answers_create_with_the_token_details(pc_apps):
    status, details = await pc_apps.call("POST", TOKEN, json=CLIENT_CREDENTIALS, params={"mode": "details"})
    assert status == 201, details
    assert details["scope_details"] == [{"scope": "account-owner", "voip_id": int(ACCOUNT)}]
    assert (await pc_apps.call("GET", TOKEN, bearer(details["access_token"])))[1] == details


async def test_minted_tokens_are_the_same_in_every_replay(aiohttp_client):
    tokens = []
    for _ in range(2):
        tenants = Tenants(build_seed(seed_with_apps()))
        pc = PhoneCom(await aiohttp_client(build_app(tenants)), tenants.get("default"))
        tokens.append(await minted(pc))
    assert tokens[0] == tokens[1]
