"""Inbound SMS callbacks: a number's incoming_sms_callback_url, else the account's callback_url, signed by hash."""

from __future__ import annotations

import hashlib

import pytest

from emulator.seed import build_seed, load_default_seed
from emulator.server import BackgroundServer
from emulator.tenants import Tenants

from .conftest import ACCOUNT_ID, API_KEY, ENABLED, error_code

HANDSET = "14155550100"


def inject(http, to: str = ENABLED, text: str = "hello vox") -> None:
    response = http.post("/_emulator/inbound", json={"from": "+" + HANDSET, "to": "+" + to, "text": text})
    assert response.status_code == 201, response.text


def expected_hash(callback_id: int, salt: str = "") -> str:
    return hashlib.md5(f"{salt}{ACCOUNT_ID}{API_KEY}{callback_id}".encode()).hexdigest()


def test_an_inbound_sms_is_posted_to_the_numbers_callback_url_set_with_the_official_client(
        api, http, webhook_endpoint):
    url, events, arrived = webhook_endpoint
    assert api.set_phone_number_info(phone_number=ENABLED, incoming_sms_callback_url=url) == {"result": 1}
    [number] = api.get_phone_numbers(phone_number=ENABLED)["result"]
    assert number["incoming_sms_callback_url"] == url
    inject(http)
    assert arrived.wait(10)
    [callback] = events[0]["callbacks"]
    assert callback["type"] == "sms_inbound" and callback["account_id"] == int(ACCOUNT_ID)
    assert callback["callback_id"] == 1 and callback["hash"] == expected_hash(1)
    assert callback["sms_inbound"]["source_number"] == HANDSET
    assert callback["sms_inbound"]["destination_number"] == ENABLED
    assert callback["sms_inbound"]["sms_body"] == "hello vox"
    assert len(callback["sms_inbound"]["receival_date"]) == len("2026-03-02 10:00:00")


def test_without_a_number_url_the_accounts_callback_url_is_used_and_its_salt_signs(api, http, webhook_endpoint):
    url, events, arrived = webhook_endpoint
    assert api.set_account_info(callback_url=url, callback_salt="pepper") == {"result": 1}
    inject(http, text="to the account")
    assert arrived.wait(10)
    [callback] = events[0]["callbacks"]
    assert callback["hash"] == expected_hash(callback["callback_id"], "pepper")
    assert callback["sms_inbound"]["sms_body"] == "to the account"


def test_an_empty_url_stops_the_callbacks(api, http, server, webhook_endpoint):
    url, events, _ = webhook_endpoint
    api.set_phone_number_info(phone_number=ENABLED, incoming_sms_callback_url=url)
    api.set_phone_number_info(phone_number=ENABLED, incoming_sms_callback_url="")
    inject(http)
    assert http.get("/_emulator/webhooks").json()["total"] == 0
    assert events == []


def test_the_control_api_shows_the_callback_and_the_applications_answer(api, http, webhook_endpoint):
    url, _, arrived = webhook_endpoint
    api.set_phone_number_info(phone_number=ENABLED, incoming_sms_callback_url=url)
    inject(http)
    [delivery] = http.get("/_emulator/webhooks").json()["deliveries"]
    assert delivery["provider"] == "voximplant" and delivery["status"] == 200 and delivery["address"] == url
    assert delivery["body"]["callbacks"][0]["sms_inbound"]["sms_body"] == "hello vox"


def test_a_callback_url_in_the_seed_works_without_any_api_call(webhook_endpoint):
    url, events, arrived = webhook_endpoint
    data = load_default_seed().raw
    data["voximplant"]["accounts"][0]["phone_numbers"][0]["incoming_sms_callback_url"] = url
    with BackgroundServer(Tenants(build_seed(data))) as server:
        import httpx
        with httpx.Client(base_url=server.url, timeout=10) as http:
            inject(http, text="seeded")
            assert arrived.wait(10)
    assert events[0]["callbacks"][0]["sms_inbound"]["sms_body"] == "seeded"


@pytest.mark.parametrize("params, code", [
    ({"phone_number": "447000000000", "incoming_sms_callback_url": "http://x.test/"}, 121),
    ({"phone_id": "1", "incoming_sms_callback_url": "http://x.test/"}, 181),
    ({"incoming_sms_callback_url": "http://x.test/"}, 134),
    ({"phone_number": ENABLED, "incoming_sms_callback_url": "not a url"}, 496),
])
def test_bad_set_phone_number_info_gets_voximplants_error(call, params, code):
    assert error_code(call("SetPhoneNumberInfo", **params)) == code


@pytest.mark.parametrize("params, code", [
    ({"callback_url": "ftp://x.test/"}, 398),
    ({"callback_salt": "s" * 41}, 399),
])
def test_bad_set_account_info_gets_voximplants_error(call, params, code):
    assert error_code(call("SetAccountInfo", **params)) == code
