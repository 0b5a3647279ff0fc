"""The account and its phone numbers read one by one, at the `uri` the lists and extension records give them."""

from __future__ import annotations

import base64
from urllib.parse import urlsplit

from emulator.app import build_app
from emulator.seed import build_seed
from emulator.tenants import Tenants

from ..frozen_seed import frozen_seed_data
from .conftest import ACCOUNT, RingCentral, assert_rc_error

ACCOUNT_PATH = "/restapi/v1.0/account/~"
NUMBERS = ACCOUNT_PATH + "/phone-number"
OTHER_ACCOUNT = "2222222222"
OTHER_NUMBER_ID = "14255550199"


def path_of(uri: str) -> str:
    return urlsplit(uri).path


async def with_second_account(aiohttp_client) -> RingCentral:
    """The default seed plus a second RingCentral account that owns +14255550199."""
    data = frozen_seed_data()
    data["ringcentral"]["accounts"].append({
        "id": OTHER_ACCOUNT, "name": "Another Company", "apps": [{"client_id": "other-id", "client_secret": "other"}],
        "extensions": [{"number": "101", "name": "Other Operator", "jwt": "other-jwt"}],
        "phone_numbers": [{"number": "+14255550199", "extension": "101", "features": ["SmsSender"]}]})
    tenants = Tenants(build_seed(data))
    return RingCentral(await aiohttp_client(build_app(tenants)), tenants.get("default"))


async def test_every_number_of_the_account_list_reads_back_at_its_uri(rc):
    alice = await rc.login("102")
    _, listed = await rc.call("GET", NUMBERS, alice, params={"perPage": 1000})
    assert len(listed["records"]) == 10
    for record in listed["records"]:
        status, one = await rc.call("GET", path_of(record["uri"]), alice)
        assert status == 200, one
        assert one == record


async def test_a_number_reads_with_tilde_or_the_account_id_and_names_its_extension(rc):
    alice = await rc.login("102")
    for account in ("~", ACCOUNT):
        status, number = await rc.call("GET", f"/restapi/v1.0/account/{account}/phone-number/16505550103", alice)
        assert status == 200, number
        assert number["id"] == 16505550103 and number["phoneNumber"] == "+16505550103"
        assert number["extension"]["extensionNumber"] == "103" and number["usageType"] == "DirectNumber"


async def test_an_unknown_phone_number_id_is_ringcentrals_404(rc):
    alice = await rc.login("102")
    for unknown in ("999", "16505550100,16505550102", "abc"):
        status, body = await rc.call("GET", f"{NUMBERS}/{unknown}", alice)
        assert_rc_error(status, body, 404, "CMN-102")
        assert body["errors"][0] == {"errorCode": "CMN-102", "parameterName": "phoneNumberId",
                                     "message": "Resource for parameter [phoneNumberId] is not found"}


async def test_a_number_of_another_account_is_not_found_from_this_one(aiohttp_client):
    rc = await with_second_account(aiohttp_client)
    alice = await rc.login("102")
    status, body = await rc.call("GET", f"{NUMBERS}/{OTHER_NUMBER_ID}", alice)
    assert_rc_error(status, body, 404, "CMN-102")
    status, body = await rc.call("GET", f"/restapi/v1.0/account/{OTHER_ACCOUNT}/phone-number/{OTHER_NUMBER_ID}",
                                 alice)
    assert_rc_error(status, body, 404, "CMN-102")
    assert body["errors"][0]["parameterName"] == "accountId"


async def test_the_account_reads_back_at_the_uri_every_extension_record_gives(rc):
    alice = await rc.login("102")
    _, extension = await rc.call("GET", "/restapi/v1.0/account/~/extension/~", alice)
    status, account = await rc.call("GET", path_of(extension["account"]["uri"]), alice)
    assert status == 200, account
    assert account["uri"] == extension["account"]["uri"]
    assert account["id"] == int(ACCOUNT) and account["status"] == "Confirmed"
    assert account["mainNumber"] == "+16505550100"
    operator = rc.world.extension(ACCOUNT, "101")
    assert account["operator"]["id"] == int(operator.id) and account["operator"]["extensionNumber"] == "101"
    assert path_of(account["operator"]["uri"]) == f"/restapi/v1.0/account/{ACCOUNT}/extension/{operator.id}"
    assert account["regionalSettings"]["homeCountry"]["isoCode"] == "US"
    assert (await rc.call("GET", ACCOUNT_PATH, alice))[1] == account


async def test_an_account_without_operator_or_main_number_leaves_them_out(aiohttp_client):
    rc = await with_second_account(aiohttp_client)
    other_app = "Basic " + base64.b64encode(b"other-id:other").decode()
    response = await rc.client.post("/restapi/oauth/token", headers={"Authorization": other_app}, data={
        "grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "assertion": "other-jwt"})
    assert response.status == 200, await response.text()
    token = (await response.json())["access_token"]
    status, account = await rc.call("GET", ACCOUNT_PATH, {"Authorization": f"Bearer {token}"})
    assert status == 200 and account["id"] == int(OTHER_ACCOUNT)
    assert "operator" not in account and "mainNumber" not in account


async def test_another_account_is_not_found(rc):
    alice = await rc.login("102")
    status, body = await rc.call("GET", f"/restapi/v1.0/account/{OTHER_ACCOUNT}", alice)
    assert_rc_error(status, body, 404, "CMN-102")
    assert body["errors"][0]["parameterName"] == "accountId"


async def test_reading_the_account_or_a_number_needs_a_token(rc):
    for path in (ACCOUNT_PATH, f"{NUMBERS}/16505550102"):
        status, body = await rc.call("GET", path, {})
        assert_rc_error(status, body, 401, "AGW-401")
