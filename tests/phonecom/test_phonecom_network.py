"""Phone.com shares one phone network with RingCentral: SMS cross between them both ways."""

from __future__ import annotations

import base64

import requests

from emulator import Emulator

from .conftest import ACCOUNT, ACCOUNT_SMS, EXT_101, OWNER, PAULA, PAULA_NUMBER, extension_sms

RC_BASIC = "Basic " + base64.b64encode(b"rc-client-id:rc-client-secret").decode()
RC_ALICE_NUMBER = "+16505550102"
RC_STORE = "/restapi/v1.0/account/~/extension/~/message-store"


async def rc_login(pc, extension: str) -> dict:
    status, body = await pc.call("POST", "/restapi/oauth/token", {"Authorization": RC_BASIC}, data={
        "grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "assertion": f"rc-jwt-{extension}"})
    assert status == 200, body
    return {"Authorization": f"Bearer {body['access_token']}"}


async def test_sms_from_phonecom_arrives_in_the_ringcentral_message_store(pc):
    await pc.sent(**{"from": PAULA_NUMBER, "to": RC_ALICE_NUMBER, "text": "hello RingCentral"})
    alice = await rc_login(pc, "102")
    status, body = await pc.call("GET", RC_STORE, alice, params={"direction": "Inbound"})
    assert status == 200, body
    assert [(r["subject"], r["from"]["phoneNumber"]) for r in body["records"]] == [("hello RingCentral", PAULA_NUMBER)]


async def test_sms_from_ringcentral_arrives_in_the_phonecom_extension_and_account_lists(pc):
    alice = await rc_login(pc, "102")
    status, body = await pc.call("POST", "/restapi/v1.0/account/~/extension/~/sms", alice, json={
        "from": {"phoneNumber": RC_ALICE_NUMBER}, "to": [{"phoneNumber": PAULA_NUMBER}], "text": "hello Phone.com"})
    assert status == 200, body
    for headers, path in ((PAULA, extension_sms(EXT_101)), (OWNER, ACCOUNT_SMS)):
        items = (await pc.listing(headers, path))["items"]
        assert [(i["direction"], i["from"], i["text"], i["is_new"]) for i in items] == [
            ("in", RC_ALICE_NUMBER, "hello Phone.com", True)]


def test_requests_against_a_running_emulator_send_and_list():
    """The README example: plain `requests` against a background server."""
    with Emulator() as emulator:
        base = f"{emulator.url}/v4/accounts/{ACCOUNT}"
        created = requests.post(f"{base}/sms", headers=OWNER, timeout=10,
                                json={"from": PAULA_NUMBER, "to": ["+13125550199"], "text": "Hi"})
        assert created.status_code == 201, created.text
        listed = requests.get(f"{base}/sms", headers=OWNER, timeout=10,
                              params={"filters[direction]": "out", "limit": 10})
        assert listed.status_code == 200
        assert [i["id"] for i in listed.json()["items"]] == [created.json()["id"]]
