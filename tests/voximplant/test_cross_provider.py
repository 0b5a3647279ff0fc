"""One phone network: SMS between a Voximplant account and a RingCentral account reach each other's stores."""

from __future__ import annotations

import pytest

from .conftest import ENABLED, NOT_ENABLED

RC_BASIC = ("rc-client-id", "rc-client-secret")
RC_NUMBER = "+16505550102"
STORE = "/restapi/v1.0/account/~/extension/~/message-store"


def rc_headers(http, extension: str = "102") -> dict:
    response = http.post("/restapi/oauth/token", auth=RC_BASIC, data={
        "grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "assertion": f"rc-jwt-{extension}"})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def test_voximplant_sms_to_a_ringcentral_number_lands_in_its_message_store(http, call):
    sent = call("SendSmsMessage", source=ENABLED, destination=RC_NUMBER.lstrip("+"), sms_body="from vox")
    assert sent["result"] == 1
    response = http.get(STORE, params={"messageType": "SMS", "direction": "Inbound"}, headers=rc_headers(http))
    assert response.status_code == 200, response.text
    [record] = response.json()["records"]
    assert record["subject"] == "from vox"
    assert record["from"]["phoneNumber"] == "+" + ENABLED
    assert record["direction"] == "Inbound"


def test_ringcentral_sms_to_a_voximplant_number_shows_as_inbound_in_get_sms_history(http, call):
    response = http.post("/restapi/v1.0/account/~/extension/~/sms", headers=rc_headers(http), json={
        "from": {"phoneNumber": RC_NUMBER}, "to": [{"phoneNumber": "+" + ENABLED}], "text": "from rc"})
    assert response.status_code == 200, response.text
    history = call("GetSmsHistory", direction="IN")
    [record] = history["result"]
    assert (record["source_number"], record["destination_number"]) == (RC_NUMBER.lstrip("+"), ENABLED)
    assert (record["direction"], record["text"]) == ("IN", "from rc")


def test_ringcentral_sms_to_a_voximplant_number_without_enabled_sms_is_not_received(http, call):
    response = http.post("/restapi/v1.0/account/~/extension/~/sms", headers=rc_headers(http), json={
        "from": {"phoneNumber": RC_NUMBER}, "to": [{"phoneNumber": "+" + NOT_ENABLED}], "text": "dropped"})
    assert response.status_code == 200, response.text
    assert call("GetSmsHistory", direction="IN")["total_count"] == 0


@pytest.mark.parametrize("direction", ["in", "IN", "In"])
def test_history_direction_is_case_insensitive(http, call, direction):
    http.post("/restapi/v1.0/account/~/extension/~/sms", headers=rc_headers(http), json={
        "from": {"phoneNumber": RC_NUMBER}, "to": [{"phoneNumber": "+" + ENABLED}], "text": "hi"})
    call("SendSmsMessage", source=ENABLED, destination="447700900001", sms_body="out")
    assert [r["direction"] for r in call("GetSmsHistory", direction=direction)["result"]] == ["IN"]
