"""Phone numbers, extensions and token details from the seed, seen through each token's scope."""

from __future__ import annotations

import pytest

from emulator.app import build_app
from emulator.providers.phonecom.rules import internal_number_ids
from emulator.seed import SeedError, build_seed
from emulator.tenants import Tenants

from ..frozen_seed import frozen_seed_data
from .conftest import (ACCOUNT, EXT_101, EXT_102, MAIN_NUMBER, OWNER, PAULA, PAULA_NUMBER, QUINN_NUMBER, PhoneCom,
                       assert_pc_error)

NUMBERS = f"/v4/accounts/{ACCOUNT}/phone-numbers"
EXTENSIONS = f"/v4/accounts/{ACCOUNT}/extensions"


async def test_owner_lists_the_accounts_numbers_with_sms_forwarding(pc):
    body = await pc.listing(OWNER, NUMBERS)
    forwarding = {i["phone_number"]: i["sms_forwarding"] for i in body["items"]}
    assert body["total"] == 3
    assert forwarding[MAIN_NUMBER] is None
    assert forwarding[PAULA_NUMBER] == {"type": "extension",
                                        "extension": {"id": int(EXT_101), "name": "Paula Phone", "extension": 101}}
    assert forwarding[QUINN_NUMBER]["extension"]["id"] == int(EXT_102)


async def test_phone_numbers_take_filters_and_sort(pc):
    body = await pc.listing(OWNER, NUMBERS, params={"filters[phone_number]": f"eq:{QUINN_NUMBER}"})
    assert [i["phone_number"] for i in body["items"]] == [QUINN_NUMBER]
    body = await pc.listing(OWNER, NUMBERS, params={"sort[phone_number]": "desc", "limit": "1"})
    assert [i["phone_number"] for i in body["items"]] == [QUINN_NUMBER] and body["total"] == 3
    status, error = await pc.call("GET", NUMBERS, OWNER, params={"filters[route]": "x"})
    assert_pc_error(status, error, 422)


async def test_extension_token_reads_its_own_numbers_but_not_the_accounts(pc):
    status, body = await pc.call("GET", NUMBERS, PAULA)
    assert_pc_error(status, body, 403)
    own = await pc.listing(PAULA, f"{EXTENSIONS}/{EXT_101}/phone-numbers")
    assert [i["phone_number"] for i in own["items"]] == [PAULA_NUMBER]
    status, body = await pc.call("GET", f"{EXTENSIONS}/{EXT_102}/phone-numbers", PAULA)
    assert_pc_error(status, body, 403)


async def test_one_number_is_read_by_its_id_in_the_account_or_its_extension(pc):
    listed = {i["phone_number"]: i for i in (await pc.listing(OWNER, NUMBERS))["items"]}
    paula_id = listed[PAULA_NUMBER]["id"]
    status, number = await pc.call("GET", f"{NUMBERS}/{paula_id}", OWNER)
    assert status == 200 and number == listed[PAULA_NUMBER]
    status, own = await pc.call("GET", f"{EXTENSIONS}/{EXT_101}/phone-numbers/{paula_id}", PAULA)
    assert status == 200 and own["phone_number"] == PAULA_NUMBER
    quinn_id = listed[QUINN_NUMBER]["id"]
    for path, token, expected in ((f"{EXTENSIONS}/{EXT_101}/phone-numbers/{quinn_id}", PAULA, 404),
                                  (f"{NUMBERS}/999", OWNER, 404), (f"{NUMBERS}/{'9' * 5000}", OWNER, 404),
                                  (f"{NUMBERS}/{paula_id}", PAULA, 403)):
        status, body = await pc.call("GET", path, token)
        assert_pc_error(status, body, expected)


async def test_a_number_has_phone_coms_internal_id_not_its_digits(pc):
    body = await pc.listing(OWNER, NUMBERS)
    assert [(i["id"], i["phone_number"]) for i in body["items"]] == [
        (2000001001, PAULA_NUMBER), (2000001002, QUINN_NUMBER), (2000001003, MAIN_NUMBER)]
    status, number = await pc.call("GET", f"{NUMBERS}/2000001003", OWNER)
    assert status == 200 and number["phone_number"] == MAIN_NUMBER


async def test_a_url_built_from_the_number_itself_is_404_as_in_production(pc):
    for raw in ("12125550101", "+12125550101", "%2B12125550101"):
        status, body = await pc.call("GET", f"{NUMBERS}/{raw}", OWNER)
        assert_pc_error(status, body, 404)
    status, body = await pc.call("GET", f"{EXTENSIONS}/{EXT_101}/phone-numbers/12125550101", PAULA)
    assert_pc_error(status, body, 404)


async def test_phone_numbers_filter_by_the_internal_id(pc):
    body = await pc.listing(OWNER, NUMBERS, params={"filters[id]": "2000001002"})
    assert [i["phone_number"] for i in body["items"]] == [QUINN_NUMBER]
    body = await pc.listing(OWNER, NUMBERS, params={"filters[id]": "12125550102"})
    assert body["items"] == [] and body["total"] == 0


async def test_a_number_shows_the_v4611_reservation_id_and_record_calls(pc):
    status, number = await pc.call("GET", f"{NUMBERS}/2000001001", OWNER)
    assert status == 200
    assert (number["reservation_id"], number["record_calls"]) == (None, False)


def seed_with_numbers(*numbers: dict) -> dict:
    data = frozen_seed_data()
    data["phonecom"]["accounts"][0]["phone_numbers"] = list(numbers)
    return data


async def test_a_seed_may_give_a_number_its_own_id_and_the_others_keep_their_place(aiohttp_client):
    data = seed_with_numbers({"number": PAULA_NUMBER, "sms_forwarding": "101"},
                             {"number": QUINN_NUMBER, "id": 4242, "sms_forwarding": "102"}, {"number": MAIN_NUMBER})
    tenants = Tenants(build_seed(data))
    pc = PhoneCom(await aiohttp_client(build_app(tenants)), tenants.get("default"))
    body = await pc.listing(OWNER, NUMBERS)
    assert [(i["id"], i["phone_number"]) for i in body["items"]] == [
        (4242, QUINN_NUMBER), (2000001001, PAULA_NUMBER), (2000001003, MAIN_NUMBER)]
    status, number = await pc.call("GET", f"{NUMBERS}/4242", OWNER)
    assert status == 200 and number["phone_number"] == QUINN_NUMBER


@pytest.mark.parametrize("bad_id", ["abc", 0, -5, True, 1.5, "12 3"])
def test_a_seeded_phone_com_number_id_that_is_no_positive_integer_is_refused(bad_id):
    with pytest.raises(SeedError, match=r"phonecom\.accounts\[0\]\.phone_numbers\[0\]\.id: .*positive integer"):
        build_seed(seed_with_numbers({"number": PAULA_NUMBER, "id": bad_id}))


def test_only_phone_com_numbers_get_internal_ids():
    directory = build_seed(frozen_seed_data()).directory
    assert directory.numbers["+16505550102"].id == "16505550102"  # RingCentral's stay as they were
    assert directory.numbers[PAULA_NUMBER].id == "2000001001"


def test_a_derived_id_passes_over_ids_taken_and_numbers_digits():
    assert internal_number_ids("7", [None, None, None], set()) == ["7001", "7002", "7003"]
    assert internal_number_ids("7", [None, "7002", None], {"7001"}) == ["7003", "7002", "7004"]


async def test_owner_lists_every_extension_and_an_extension_user_only_its_own(pc):
    everyone = await pc.listing(OWNER, EXTENSIONS)
    assert [(i["id"], i["extension"], i["name"]) for i in everyone["items"]] == [
        (int(EXT_101), 101, "Paula Phone"), (int(EXT_102), 102, "Quinn Phone")]
    own = await pc.listing(PAULA, EXTENSIONS)
    assert [i["id"] for i in own["items"]] == [int(EXT_101)]
    filtered = await pc.listing(OWNER, EXTENSIONS, params={"filters[extension]": "102"})
    assert [i["name"] for i in filtered["items"]] == ["Quinn Phone"]


async def test_an_extension_shows_every_documented_field_with_nothing_the_seed_lacks_switched_on(pc):
    status, body = await pc.call("GET", f"{EXTENSIONS}/{EXT_101}", PAULA)
    assert status == 200
    assert body["local_area_code"] is None  # v4.6.11: a nullable integer
    assert body["voicemail"] == {
        "enabled": True, "password": None, "transcription": None, "attachments": None,
        "greeting": {"type": "standard", "standard": None, "alternate": None, "enable_leave_message_prompt": True},
        "notifications": {"emails": None, "sms": None}}
    assert body["call_notifications"] == {"emails": None, "sms": None}
    assert (body["name_greeting"], body["device_membership"]) == (None, None)
    assert (body["bypass_hard_phone"], body["presence_publish"], body["presence_subscribe"]) == (False, False, False)


async def test_get_one_extension_follows_the_token_scope(pc):
    status, body = await pc.call("GET", f"{EXTENSIONS}/{EXT_101}", PAULA)
    assert status == 200 and body["voip_id"] == int(ACCOUNT) and body["extension"] == 101
    status, body = await pc.call("GET", f"{EXTENSIONS}/{EXT_102}", PAULA)
    assert_pc_error(status, body, 403)


async def test_access_token_details_name_the_scope_account_and_extension(pc):
    status, body = await pc.call("GET", "/v4/oauth/access-token", PAULA)
    assert status == 200
    assert body["scope"] == "extension-user"
    assert body["scope_details"] == [{"scope": "extension-user", "voip_id": int(ACCOUNT), "extension_id": int(EXT_101)}]
    status, body = await pc.call("GET", "/v4/oauth/access-token", OWNER)
    assert body["scope_details"][0] == {"scope": "account-owner", "voip_id": int(ACCOUNT)}
