"""Seeded ids: ones a provider writes as JSON integers fit int64, and every id is a string or an integer, so a seed
that loads never makes a later request answer 500."""

from __future__ import annotations

import subprocess
import sys

import pytest
import yaml

from emulator.seed import SeedError, load_seed_file

from .conftest import BASIC

LONG = "9" * 5000
INT64_MAX = "9223372036854775807"
PAST_INT64 = "9223372036854775808"


def account(provider: str, **fields) -> dict:
    return {"version": 1, provider: {"accounts": [{"id": "1", **fields}]}}


def pc_number(**fields) -> dict:
    return {"number": "+12125550101", **fields}


def vox_number(**fields) -> dict:
    return {"number": "447443332211", **fields}


@pytest.mark.parametrize("seed, place", [
    ({"version": 1, "phonecom": {"accounts": [{"id": "9" * 4301, "phone_numbers": []}]}}, "phonecom.accounts[0].id"),
    (account("phonecom", phone_numbers=[pc_number(id="9" * 4301)]), "phonecom.accounts[0].phone_numbers[0].id"),
    (account("phonecom", phone_numbers=[pc_number(id=PAST_INT64)]), "phonecom.accounts[0].phone_numbers[0].id"),
    ({"version": 1, "ringcentral": {"accounts": [{"id": LONG}]}}, "ringcentral.accounts[0].id"),
    ({"version": 1, "voximplant": {"accounts": [{"id": LONG}]}}, "voximplant.accounts[0].id"),
    ({"version": 1, "ringcentral": {"accounts": [{"id": PAST_INT64}]}}, "ringcentral.accounts[0].id"),
    (account("ringcentral", extensions=[{"number": "101", "id": LONG}]), "ringcentral.accounts[0].extensions[0].id"),
    (account("phonecom", extensions=[{"number": "101", "id": LONG}]), "phonecom.accounts[0].extensions[0].id"),
    (account("phonecom", extensions=[{"number": LONG, "id": "5"}]), "phonecom.accounts[0].extensions[0].number"),
    ({"version": 1, "ringcentral": {"accounts": [{"id": INT64_MAX, "extensions": [{"number": "101"}]}]}},
     "ringcentral.accounts[0].extensions[0].id"),  # its id by default: the account id, then the number
    ({"version": 1, "phonecom": {"accounts": [{"id": INT64_MAX, "phone_numbers": [pc_number()]}]}},
     "phonecom.accounts[0].phone_numbers[0].id"),  # its id by default: the account id times 1000 plus 1
    (account("ringcentral", phone_numbers=[{"number": "+16505550999", "id": LONG}]),
     "ringcentral.accounts[0].phone_numbers[0].id"),
    (account("voximplant", phone_numbers=[vox_number(id=LONG)]), "voximplant.accounts[0].phone_numbers[0].id"),
    (account("voximplant", phone_numbers=[vox_number(subscription_id=LONG)]),
     "voximplant.accounts[0].phone_numbers[0].subscription_id"),
    (account("voximplant", phone_numbers=[vox_number(application_id=PAST_INT64)]),
     "voximplant.accounts[0].phone_numbers[0].application_id"),
])
@pytest.mark.parametrize("tenant", [None, "x"])
async def test_an_id_a_provider_writes_as_an_integer_past_int64_is_refused_naming_its_place(api, seed, place, tenant):
    client = api.on(tenant) if tenant else api
    status, body = await client.call("PUT", "/_emulator/seed", json=seed)
    assert status == 400 and f"PUT /_emulator/seed: {place}: " in body["error"]["message"], body
    assert "9223372036854775807" in body["error"]["message"]
    _, kept = await client.call("GET", "/_emulator/seed")
    assert kept["seed"]["ringcentral"]["accounts"][0]["id"] == "1346632010"


async def test_ids_up_to_int64_load_and_are_served_as_integers(api):
    seed = {"version": 1, "ringcentral": {"accounts": [{
        "id": INT64_MAX, "apps": [{"client_id": "rc-client-id", "client_secret": "rc-client-secret"}],
        "extensions": [{"number": "101", "id": INT64_MAX, "jwt": "rc-jwt-big"}]}]}}
    assert (await api.on("big").call("PUT", "/_emulator/seed", json=seed))[0] == 200
    token = await api.client.post("/t/big/restapi/oauth/token", headers={"Authorization": BASIC}, data={
        "grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "assertion": "rc-jwt-big"})
    access = (await token.json())["access_token"]
    answer = await api.client.get("/t/big/restapi/v1.0/account/~/extension/~",
                                  headers={"Authorization": f"Bearer {access}"})
    assert answer.status == 200 and (await answer.json())["id"] == int(INT64_MAX)


@pytest.mark.parametrize("value", ["!!float .inf", "1.5", "true", "null", "[1]"])
@pytest.mark.parametrize("yaml_seed, place", [
    ("ringcentral:\n  accounts:\n    - id: {}\n", "ringcentral.accounts[0].id"),
    ("ringcentral:\n  accounts:\n    - id: '1'\n      extensions: [{{number: '101', id: {}}}]\n",
     "ringcentral.accounts[0].extensions[0].id"),
    ("phonecom:\n  accounts:\n    - id: '1'\n      extensions: [{{number: {}}}]\n",
     "phonecom.accounts[0].extensions[0].number"),
    ("voximplant:\n  accounts:\n    - id: '1'\n      phone_numbers: [{{number: '447443332211', id: {}}}]\n",
     "voximplant.accounts[0].phone_numbers[0].id"),
    ("phonecom:\n  accounts:\n    - id: '1'\n      phone_numbers: [{{number: '+12125550101', id: {}}}]\n",
     "phonecom.accounts[0].phone_numbers[0].id"),
])
async def test_an_id_that_is_not_a_string_or_an_integer_is_refused_naming_its_place(api, value, yaml_seed, place):
    status, body = await api.on("odd").call("PUT", "/_emulator/seed", data="version: 1\n" + yaml_seed.format(value),
                                            headers={"Content-Type": "application/yaml"})
    assert status == 400 and f"PUT /_emulator/seed: {place}: " in body["error"]["message"], body


@pytest.mark.parametrize("text, words", [
    ("version: 1\nringcentral:\n  accounts:\n    - id: " + LONG + "\n", "5000 digits"),
    ("version: 1\nringcentral:\n  accounts:\n    - id: '1'\n      created: 2020-13-45\n", "month must be in 1..12"),
])
async def test_a_yaml_value_python_cannot_hold_is_a_400_not_a_500(api, text, words):
    status, body = await api.on("y").call("PUT", "/_emulator/seed", data=text,
                                          headers={"Content-Type": "application/yaml"})
    assert status == 400 and "not valid YAML" in body["error"]["message"] and words in body["error"]["message"]


@pytest.mark.parametrize("text", [
    "version: 1\nphonecom:\n  accounts:\n    - id: '" + "9" * 4301 + "'\n",
    "version: 1\nphonecom:\n  accounts:\n    - id: " + "9" * 4301 + "\n",
    "version: 1\nringcentral:\n  accounts:\n    - id: .inf\n",
])
def test_serve_refuses_a_seed_file_with_such_an_id_as_a_seed_error(tmp_path, text):
    path = tmp_path / "seed.yaml"
    path.write_text(text)
    with pytest.raises(SeedError, match=str(path)):
        load_seed_file(path)


def test_a_seed_file_that_is_not_utf8_is_a_seed_error_naming_the_file(tmp_path):
    path = tmp_path / "seed.yaml"
    path.write_bytes(b"version: 1\n\xff\xfe")
    with pytest.raises(SeedError, match="is not UTF-8 text"):
        load_seed_file(path)


@pytest.mark.parametrize("delay", ["1_0", " 5", "1", True])
async def test_a_seeds_delivery_delays_are_numbers_not_text_or_booleans(api, delay):
    status, body = await api.on("d").call("PUT", "/_emulator/seed", json={"version": 1,
                                                                          "delivery": {"sent_after": delay}})
    assert status == 400 and "delivery.sent_after" in body["error"]["message"]


@pytest.mark.parametrize("price", ["abc", None, 10**400, float("nan"), -1, True, "1_0"])
async def test_a_voximplant_price_that_is_not_a_number_is_refused_naming_its_place(api, price):
    seed = account("voximplant", phone_numbers=[vox_number(phone_price=price)])
    status, body = await api.call("PUT", "/_emulator/seed", data=yaml.safe_dump(seed),
                                  headers={"Content-Type": "application/yaml"})
    assert status == 400, body
    assert "voximplant.accounts[0].phone_numbers[0].phone_price: " in body["error"]["message"]


@pytest.mark.parametrize("price", [2, 2.5, "1.5"])
async def test_a_voximplant_price_given_as_a_number_or_its_decimal_text_is_served_as_a_number(api, price):
    status, _ = await api.call("PUT", "/_emulator/seed", json=account("voximplant", api_key="k", phone_numbers=[
        vox_number(phone_price=price, sms_supported=True)]))
    assert status == 200
    answer = await api.client.get("/platform_api/GetPhoneNumbers", params={"account_id": "1", "api_key": "k"})
    [number] = (await answer.json())["result"]
    assert number["phone_price"] == float(price)


@pytest.mark.parametrize("text, words", [
    ("version: 1\nringcentral:\n  accounts:\n    - id: '1'\n      2020-01-01: x\n", "keys are text; datetime.date"),
    ("version: 1\nringcentral:\n  accounts:\n    - id: '1'\n      apps: [x]\n", "apps: must be a list of apps"),
    ("version: 1\nringcentral:\n  accounts:\n    - id: '1'\n      apps: 5\n", "apps: must be a list of apps"),
    ("version: 1\nringcentral:\n  accounts:\n    - id: '1'\n      extensions: [{number: '101', jwt: 5}]\n",
     "extensions[0].jwt: must be text (quote it), not 5"),
    ("version: 1\nvoximplant:\n  accounts:\n    - id: '1'\n      callback_url: 5\n", "callback_url: must be a URL"),
    ("version: 1\nvoximplant:\n  accounts:\n    - id: '1'\n      credentials_file: \"a\\0b\"\n",
     "credentials_file: must be the path of a file"),
    ("version: 1\nvoximplant:\n  accounts:\n    - id: '1'\n      service_account_keys: 7\n",
     "service_account_keys: must be a list of mappings"),
    ("version: 1\nphonecom:\n  accounts:\n    - id: '1'\n      extensions: [{number: '101', id: abc}]\n",
     "extensions[0].id: a Phone.com extension id is all digits"),
    ("version: 1\nphonecom:\n  accounts:\n    - id: pc-acc\n", "accounts[0].id: a Phone.com account id is all digits"),
])
async def test_a_seed_value_a_provider_could_not_use_is_refused_and_the_seed_kept(api, text, words):
    """Refused when the seed loads, naming its place, instead of a 500 at the first request that reads it."""
    status, body = await api.on("z").call("PUT", "/_emulator/seed", data=text,
                                          headers={"Content-Type": "application/yaml"})
    assert status == 400 and words in body["error"]["message"], body
    status, kept = await api.on("z").call("GET", "/_emulator/seed")
    assert status == 200 and kept["seed"]["ringcentral"]["accounts"][0]["id"] == "1346632010"


def test_serve_refuses_a_seed_whose_apps_are_not_mappings_in_one_line(tmp_path):
    path = tmp_path / "seed.yaml"
    path.write_text("version: 1\nringcentral:\n  accounts:\n    - id: '1'\n      apps: [x]\n")
    result = subprocess.run([sys.executable, "-m", "emulator.cli", "serve", "--seed", str(path), "--port", "0"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip().count("\n") == 0 and "apps: must be a list of apps" in result.stderr
