"""Phone numbers, extensions and token details from the seed, seen through each token's scope."""

from __future__ import annotations

from .conftest import ACCOUNT, EXT_101, EXT_102, MAIN_NUMBER, OWNER, PAULA, PAULA_NUMBER, QUINN_NUMBER, assert_pc_error

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


async def test_owner_lists_every_extension_and_an_extension_user_only_its_own(pc):
    everyone = await pc.listing(OWNER, EXTENSIONS)
    assert [(i["id"], i["extension"], i["name"]) for i in everyone["items"]] == [
        (int(EXT_101), 101, "Paula Phone"), (int(EXT_102), 102, "Quinn Phone")]
    own = await pc.listing(PAULA, EXTENSIONS)
    assert [i["id"] for i in own["items"]] == [int(EXT_101)]
    filtered = await pc.listing(OWNER, EXTENSIONS, params={"filters[extension]": "102"})
    assert [i["name"] for i in filtered["items"]] == ["Quinn Phone"]


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
