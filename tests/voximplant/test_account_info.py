"""GetAccountInfo: the account as Voximplant describes it, reading back what SetAccountInfo set."""

from __future__ import annotations

import copy
import datetime

import httpx
import pytest
from voximplant.apiclient import VoximplantException

from emulator.core.model import Account
from emulator.providers.voximplant.parse import AccountCallbacks
from emulator.providers.voximplant.render import account_info
from emulator.seed import build_seed, load_default_seed
from emulator.server import BackgroundServer
from emulator.tenants import Tenants

from .conftest import ACCOUNT_ID, API_KEY, envelope, error_code

SEEDED_ACCOUNT = {
    "account_id": 3000001,
    "account_name": "emulated-vox",
    "account_email": "vox@example.com",
    "api_key": API_KEY,
    "created": "2024-01-01 00:00:00",
    "active": True,
    "frozen": False,
    "balance": 100.0,
    "currency": "USD",
    "a2p_sms_enabled": True,
}


def test_the_seeded_account_is_described_with_its_api_key_to_an_api_key_caller(call, server):
    body = call("GetAccountInfo")
    assert body == {"result": SEEDED_ACCOUNT, "api_address": f"127.0.0.1:{server.port}"}


def test_a_jwt_caller_gets_the_same_account_without_the_api_key_and_created_parses_as_a_datetime(api):
    info = api.get_account_info()["result"]
    assert "api_key" not in info
    assert info["created"] == datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)
    assert (info["account_id"], info["account_email"], info["balance"]) == (3000001, "vox@example.com", 100.0)


def test_api_address_names_the_tenant_the_call_came_to(http, server):
    body = envelope(http.post("/t/ci-7/platform_api/GetAccountInfo", data={"account_id": ACCOUNT_ID,
                                                                         "api_key": API_KEY}))
    assert body["api_address"] == f"127.0.0.1:{server.port}/t/ci-7"


def test_callback_url_and_salt_set_with_the_official_client_are_read_back_and_an_empty_one_clears_them(api):
    assert api.set_account_info(callback_url="https://app.example.com/vox", callback_salt="pepper") == {"result": 1}
    info = api.get_account_info()["result"]
    assert (info["callback_url"], info["callback_salt"]) == ("https://app.example.com/vox", "pepper")
    api.set_account_info(callback_url="", callback_salt="")
    info = api.get_account_info()["result"]
    assert "callback_url" not in info and "callback_salt" not in info


def test_profile_fields_set_with_set_account_info_are_read_back_typed(api):
    api.set_account_info(account_first_name="Vera", account_last_name="Vox", language_code="en",
                         location="Europe/London", min_balance_to_notify="12.5", account_notifications=True,
                         tariff_changing_notifications=False, news_notifications=False, send_js_error=True,
                         billing_address_name="Vox Ltd", billing_address_country_code="GB",
                         billing_address_address="1 Main St", billing_address_zip="N1 1AA",
                         billing_address_phone="447443332299", account_custom_data="tier=gold")
    info = api.get_account_info()["result"]
    assert {name: info[name] for name in info if name not in SEEDED_ACCOUNT} == {
        "account_first_name": "Vera", "account_last_name": "Vox", "language_code": "en",
        "location": "Europe/London", "min_balance_to_notify": 12.5, "account_notifications": True,
        "tariff_changing_notifications": False, "news_notifications": False, "send_js_error": True,
        "billing_address_name": "Vox Ltd", "billing_address_country_code": "GB",
        "billing_address_address": "1 Main St", "billing_address_zip": "N1 1AA",
        "billing_address_phone": "447443332299", "account_custom_data": "tier=gold"}


def test_a_later_set_account_info_changes_only_the_fields_it_names(call):
    call("SetAccountInfo", account_first_name="Vera", send_js_error="true", callback_url="https://a.example.com/")
    call("SetAccountInfo", send_js_error="false", account_first_name="")
    info = call("GetAccountInfo")["result"]
    assert info["send_js_error"] is False
    assert "account_first_name" not in info
    assert info["callback_url"] == "https://a.example.com/"


@pytest.mark.parametrize("name, value", [("send_js_error", "maybe"), ("news_notifications", "2"),
                                         ("min_balance_to_notify", "ten"), ("min_balance_to_notify", "-5")])
def test_a_profile_flag_or_amount_that_is_not_one_is_496_and_changes_nothing(call, name, value):
    refused = call("SetAccountInfo", callback_url="https://a.example.com/", account_last_name="Vox", **{name: value})
    assert error_code(refused) == 496 and name in refused["error"]["msg"]
    assert call("GetAccountInfo")["result"] == SEEDED_ACCOUNT


@pytest.mark.parametrize("value", ["true", "False", "1", "0", ""])
def test_return_live_balance_takes_a_boolean_and_the_balance_is_the_same_either_way(call, value):
    assert call("GetAccountInfo", return_live_balance=value)["result"]["balance"] == 100.0


def test_return_live_balance_that_is_not_a_boolean_raises_496_in_the_official_client(api):
    with pytest.raises(VoximplantException) as refused:
        api.get_account_info(return_live_balance="maybe")
    assert refused.value.code == 496


def test_a_wrong_api_key_is_100_as_for_every_method(call):
    assert error_code(call("GetAccountInfo", auth={"account_id": ACCOUNT_ID, "api_key": "wrong"})) == 100


def test_a_fault_naming_get_account_info_refuses_it(api, http):
    http.post("/_emulator/faults", json={"operation": "voximplant.GetAccountInfo", "status": 429, "times": 1})
    with pytest.raises(VoximplantException) as refused:
        api.get_account_info()
    assert refused.value.code == 340
    assert api.get_account_info()["result"]["account_id"] == 3000001


def test_a_seed_account_gives_its_balance_currency_creation_date_and_profile():
    data = copy.deepcopy(load_default_seed().raw)
    data["voximplant"]["accounts"][0].update({
        "balance": 3.25, "currency": "EUR", "created": datetime.datetime(2022, 5, 6, 7, 8, 9),
        "account_first_name": "Vera", "billing_address_state": "California", "send_js_error": False,
        "min_balance_to_notify": 2, "callback_url": "https://seeded.example.com/vox", "callback_salt": "salt"})
    with BackgroundServer(Tenants(build_seed(data))) as server, httpx.Client(base_url=server.url) as http:
        info = envelope(http.post("/platform_api/GetAccountInfo",
                                  data={"account_id": ACCOUNT_ID, "api_key": API_KEY}))["result"]
    assert {name: info[name] for name in ("balance", "currency", "created", "account_first_name",
                                          "billing_address_state", "send_js_error", "min_balance_to_notify",
                                          "callback_url", "callback_salt")} == {
        "balance": 3.25, "currency": "EUR", "created": "2022-05-06 07:08:09", "account_first_name": "Vera",
        "billing_address_state": "California", "send_js_error": False, "min_balance_to_notify": 2.0,
        "callback_url": "https://seeded.example.com/vox", "callback_salt": "salt"}


def test_seed_amounts_of_the_wrong_type_fall_back_rather_than_break_the_answer():
    account = Account("voximplant", "3000009", "typo-vox", auth={"balance": "lots", "currency": "", "created": None})
    info = account_info(account, {}, AccountCallbacks("", ""), shows_api_key=True)
    assert info == {"account_id": 3000009, "account_name": "typo-vox", "account_email": "",
                    "created": "2024-01-01 00:00:00", "active": True, "frozen": False, "balance": 100.0,
                    "currency": "USD", "a2p_sms_enabled": True}
