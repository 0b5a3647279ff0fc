"""RingCentral's rate limits: off unless the seed turns them on, then per caller and throttling group."""

from __future__ import annotations

import pytest

from emulator.app import build_app
from emulator.providers.ringcentral.auth import MAX_WINDOWS, RateLimiter
from emulator.providers.ringcentral.rules import RATE_LIMITS
from emulator.seed import build_seed
from emulator.tenants import Tenants

from ..frozen_seed import frozen_seed_data
from .conftest import BASIC, SMS, STORE, RingCentral, assert_rc_error

JWT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
OUTSIDE = "+14155550100"


async def limited(aiohttp_client, rate_limits) -> RingCentral:
    data = frozen_seed_data()
    data["ringcentral"]["accounts"][0]["rate_limits"] = rate_limits
    tenants = Tenants(build_seed(data))
    return RingCentral(await aiohttp_client(build_app(tenants)), tenants.get("default"))


async def test_without_rate_limits_in_the_seed_nothing_is_throttled_or_labelled(rc):
    alice = await rc.login("102")
    for _ in range(60):
        response = await rc.client.get(STORE, headers=alice)
        assert response.status == 200
    assert "X-Rate-Limit-Group" not in response.headers


async def test_every_answer_names_its_group_limit_and_what_is_left(aiohttp_client):
    rc = await limited(aiohttp_client, True)
    alice = await rc.login("102")
    listed = await rc.client.get(STORE, headers=alice)
    sent = await rc.client.post(SMS, headers=alice, json={
        "from": {"phoneNumber": "+16505550102"}, "to": [{"phoneNumber": OUTSIDE}], "text": "hi"})
    refused = await rc.client.post(SMS, headers=alice, json={"to": [{"phoneNumber": OUTSIDE}], "text": "no from"})
    assert [(r.status, r.headers["X-Rate-Limit-Group"], r.headers["X-Rate-Limit-Limit"],
             r.headers["X-Rate-Limit-Remaining"], r.headers["X-Rate-Limit-Window"]) for r in (listed, sent, refused)] == [
        (200, "light", "50", "49", "60"), (200, "medium", "40", "39", "60"), (400, "medium", "40", "38", "60")]


async def test_the_sixth_token_request_in_a_minute_is_429_until_a_minute_passes_without_one(aiohttp_client):
    rc = await limited(aiohttp_client, True)
    for _ in range(5):
        status, _ = await rc.token(grant_type=JWT, assertion="rc-jwt-102")
        assert status == 200
    response = await rc.client.post("/restapi/oauth/token", data={"grant_type": JWT, "assertion": "rc-jwt-102"},
                                    headers={"Authorization": BASIC})
    assert response.status == 429 and response.headers["Retry-After"] == "60"
    assert response.headers["X-Rate-Limit-Remaining"] == "0"
    assert_rc_error(response.status, await response.json(), 429, "CMN-301")
    rc.world.clock.advance(30)
    status, _ = await rc.token(grant_type=JWT, assertion="rc-jwt-102")
    assert status == 429  # a request during the penalty starts it again
    rc.world.clock.advance(60)
    status, _ = await rc.token(grant_type=JWT, assertion="rc-jwt-102")
    assert status == 200


async def test_a_seed_may_set_its_own_limit_for_a_group_and_callers_are_counted_apart(aiohttp_client):
    rc = await limited(aiohttp_client, {"Medium": 2})
    alice, bob = await rc.login("102"), await rc.login("103")
    statuses = [(await rc.sms(alice, "+16505550102", OUTSIDE))[0] for _ in range(3)]
    assert statuses == [200, 200, 429]
    status, _ = await rc.sms(bob, "+16505550103", OUTSIDE)
    assert status == 200
    response = await rc.client.get(STORE, headers=alice)  # another group has its own window
    assert response.status == 200 and response.headers["X-Rate-Limit-Limit"] == "50"


async def test_a_new_login_or_a_refresh_of_the_same_user_and_app_shares_its_count(aiohttp_client):
    rc = await limited(aiohttp_client, {"Medium": 2})
    first = await rc.login("102")
    statuses = [(await rc.sms(first, "+16505550102", OUTSIDE))[0] for _ in range(3)]
    again = await rc.login("102")
    status, body = await rc.sms(again, "+16505550102", OUTSIDE)
    assert statuses == [200, 200, 429]
    assert_rc_error(status, body, 429, "CMN-301")  # still the same user and app, in its penalty


@pytest.mark.parametrize("rate_limits", [False, None])
async def test_rate_limits_set_false_leave_them_off(aiohttp_client, rate_limits):
    rc = await limited(aiohttp_client, rate_limits)
    for _ in range(6):
        status, _ = await rc.token(grant_type=JWT, assertion="rc-jwt-102")
        assert status == 200


async def test_rate_limits_given_as_an_empty_mapping_are_on_with_ringcentrals_defaults(aiohttp_client):
    rc = await limited(aiohttp_client, {})
    response = await rc.client.post("/restapi/oauth/token", data={"grant_type": JWT, "assertion": "rc-jwt-102"},
                                    headers={"Authorization": BASIC})
    assert response.headers["X-Rate-Limit-Limit"] == "5"


async def test_token_requests_with_the_client_in_the_body_are_counted_for_that_client(aiohttp_client):
    rc = await limited(aiohttp_client, {"Auth": 1})
    in_body = {"grant_type": JWT, "assertion": "rc-jwt-102", "client_id": "rc-client-id",
               "client_secret": "rc-client-secret"}
    first = await rc.client.post("/restapi/oauth/token", data=in_body)
    second = await rc.client.post("/restapi/oauth/token", data=in_body)
    by_header = await rc.client.post("/restapi/oauth/token", data={"grant_type": JWT, "assertion": "rc-jwt-102"},
                                     headers={"Authorization": BASIC})
    assert [first.status, second.status, by_header.status] == [200, 429, 200]


def test_callers_with_nothing_in_the_last_minute_are_forgotten_once_many_are_remembered():
    limiter = RateLimiter({**RATE_LIMITS})
    for caller in range(MAX_WINDOWS):
        assert limiter.admit("Light", f"token-{caller}", 0).allowed
    assert len(limiter.windows) == MAX_WINDOWS
    assert limiter.admit("Light", "token-new", 61_000).allowed
    assert list(limiter.windows) == [("Light", "token-new")]


async def test_reading_the_account_or_one_number_is_light_while_the_number_list_is_heavy(aiohttp_client):
    rc = await limited(aiohttp_client, True)
    alice = await rc.login("102")
    groups = {}
    for path in ("/restapi/v1.0/account/~", "/restapi/v1.0/account/~/phone-number/16505550102",
                 "/restapi/v1.0/account/~/phone-number"):
        response = await rc.client.get(path, headers=alice)
        assert response.status == 200
        groups[path.rsplit("/", 1)[-1]] = response.headers["X-Rate-Limit-Group"]
    assert groups == {"~": "light", "16505550102": "light", "phone-number": "heavy"}
