"""The phone-number and extension lists filter as the spec documents, and refuse values outside its enums;
the message lists refuse filter values their spec does not list."""

from __future__ import annotations

import pytest

from emulator.seed import SeedError, build_seed

from ..frozen_seed import frozen_seed_data
from .conftest import STORE, assert_rc_error
from .test_vendor_schema import SPEC, assert_valid

NUMBERS = "/restapi/v1.0/account/~/phone-number"
MY_NUMBERS = "/restapi/v1.0/account/~/extension/~/phone-number"
EXTENSIONS = "/restapi/v1.0/account/~/extension"
SYNC = "/restapi/v1.0/account/~/extension/~/message-sync"
TOLL_FREE = "+18005550100"


async def listed(rc, headers: dict, path: str, params) -> list[str]:
    status, body = await rc.call("GET", path, headers, params=params)
    assert status == 200, body
    return sorted(r["phoneNumber"] if "phoneNumber" in r else r["extensionNumber"] for r in body["records"])


async def assert_refused(rc, headers: dict, path: str, params, parameter: str) -> None:
    status, body = await rc.call("GET", path, headers, params=params)
    assert_rc_error(status, body, 400, "CMN-101")
    assert body["errors"][0]["parameterName"] == parameter
    assert body["errors"][0]["message"] == f"Parameter [{parameter}] value is invalid."


# --- phone numbers --------------------------------------------------------------------------------------

async def test_the_toll_free_number_is_listed_as_toll_free_and_the_others_as_local(rc):
    alice = await rc.login("102")
    _, body = await rc.call("GET", NUMBERS, alice)
    payment = {r["phoneNumber"]: r["paymentType"] for r in body["records"]}
    assert payment.pop(TOLL_FREE) == "TollFree"
    assert set(payment.values()) == {"Local"}
    _, mine = await rc.call("GET", MY_NUMBERS, alice)
    assert {r["paymentType"] for r in mine["records"]} == {"Local"}


async def test_the_account_number_list_filters_by_payment_type_any_of_repeated_values(rc):
    alice = await rc.login("102")
    assert await listed(rc, alice, NUMBERS, {"paymentType": "TollFree"}) == [TOLL_FREE]
    assert await listed(rc, alice, NUMBERS, {"paymentType": "Mobile"}) == []
    both = await listed(rc, alice, NUMBERS, [("paymentType", "TollFree"), ("paymentType", "Local")])
    assert both == await listed(rc, alice, NUMBERS, {})


@pytest.mark.parametrize("params, parameter", [
    ({"paymentType": "Premium"}, "paymentType"),
    ([("paymentType", "Local"), ("paymentType", "tollfree")], "paymentType"),
    ({"extensionStatus": "Asleep"}, "extensionStatus"),
    ([("status", "Normal"), ("status", "Bogus")], "status"),
])
async def test_an_account_number_filter_outside_the_spec_enum_is_refused(rc, params, parameter):
    alice = await rc.login("102")
    await assert_refused(rc, alice, NUMBERS, params, parameter)


async def test_the_account_number_list_filters_by_the_status_of_each_numbers_extension(rc):
    alice = await rc.login("102")
    assert await listed(rc, alice, NUMBERS, {"extensionStatus": "Disabled"}) == ["+16505550104"]
    assert await listed(rc, alice, NUMBERS, {"extensionStatus": "Frozen"}) == ["+16505550105"]
    enabled = await listed(rc, alice, NUMBERS, {"extensionStatus": "Enabled"})
    assert "+16505550100" in enabled  # the main number, listed under the operator
    assert TOLL_FREE not in enabled and "+16505550104" not in enabled  # under no extension; under a Disabled one
    assert await listed(rc, alice, NUMBERS, {"extensionStatus": "NotActivated"}) == []


async def test_an_extension_status_filter_follows_the_extension_as_it_changes(rc):
    alice = await rc.login("102")
    rc.world.set_extension_status("1346632010", "103", "Frozen")
    frozen = await listed(rc, alice, NUMBERS, {"extensionStatus": "Frozen"})
    assert frozen == ["+16505550103", "+16505550105", "+16505550113"]


async def test_the_account_number_list_takes_several_number_statuses(rc):
    alice = await rc.login("102")
    everything = await listed(rc, alice, NUMBERS, {})
    assert await listed(rc, alice, NUMBERS, [("status", "Pending"), ("status", "Normal")]) == everything
    assert await listed(rc, alice, NUMBERS, [("status", "Pending"), ("status", "PortedIn")]) == []


async def test_the_extension_number_list_keeps_its_own_filters_and_ignores_the_account_ones(rc):
    alice = await rc.login("102")
    mine = await listed(rc, alice, MY_NUMBERS, {})
    assert await listed(rc, alice, MY_NUMBERS, {"paymentType": "Bogus", "extensionStatus": "Bogus"}) == mine
    assert await listed(rc, alice, MY_NUMBERS, {"status": "Pending"}) == []
    await assert_refused(rc, alice, MY_NUMBERS, {"status": "Bogus"}, "status")
    await assert_refused(rc, alice, MY_NUMBERS, {"usageType": "Bogus"}, "usageType")


@pytest.mark.skipif(not SPEC.exists(), reason=f"RingCentral reference spec not found at {SPEC}")
async def test_filtered_number_lists_match_the_vendor_schema(rc):
    alice = await rc.login("102")
    _, body = await rc.call("GET", NUMBERS, alice, params={"paymentType": "TollFree", "perPage": "5"})
    assert_valid(body, "AccountPhoneNumbers")
    _, body = await rc.call("GET", NUMBERS, alice, params={"extensionStatus": "Enabled"})
    assert_valid(body, "AccountPhoneNumbers")
    _, body = await rc.call("GET", MY_NUMBERS, alice, params={"usageType": "DirectNumber"})
    assert_valid(body, "GetExtensionPhoneNumbersResponse")


def seeded_payment_types(numbers: list[dict]) -> dict[str, str]:
    data = frozen_seed_data()
    data["ringcentral"]["accounts"][0]["phone_numbers"] = numbers
    directory = build_seed(data).directory
    return {n.number: n.payment_type for n in directory.numbers.values() if n.account_id == "1346632010"}


def test_a_seed_may_give_a_numbers_payment_type_and_toll_free_numbers_default_to_toll_free():
    assert seeded_payment_types([
        {"number": "+18885550100"}, {"number": "+18445550100", "payment_type": "ExternalNumberProviderTollFree"},
        {"number": "+16505550150"}, {"number": "+16505550151", "payment_type": "Mobile"},
        {"number": "+18105550100"},  # 810 is a Michigan area code, not toll-free
    ]) == {"+18885550100": "TollFree", "+18445550100": "ExternalNumberProviderTollFree",
           "+16505550150": "Local", "+16505550151": "Mobile", "+18105550100": "Local"}


@pytest.mark.parametrize("value", ["Premium", "tollfree", ["Local"]])
def test_a_seed_with_a_payment_type_outside_the_enum_is_refused(value):
    with pytest.raises(SeedError, match="payment_type"):
        seeded_payment_types([{"number": "+16505550150", "payment_type": value}])


# --- extensions -----------------------------------------------------------------------------------------

async def test_the_extension_list_filters_by_email_whatever_its_case(rc):
    alice = await rc.login("102")
    assert await listed(rc, alice, EXTENSIONS, {"email": "Alice@Example.COM"}) == ["102"]
    both = [("email", "bob@example.com"), ("email", "vera@example.com")]
    assert await listed(rc, alice, EXTENSIONS, both) == ["103", "106"]
    assert await listed(rc, alice, EXTENSIONS, {"email": "alice@example"}) == []  # exact, not a prefix
    assert await listed(rc, alice, EXTENSIONS, {"email": "alice@example.com", "type": "Department"}) == []


async def test_an_email_longer_than_the_spec_allows_is_refused(rc):
    alice = await rc.login("102")
    await assert_refused(rc, alice, EXTENSIONS, {"email": "a" * 243 + "@example.com"}, "email")


async def test_the_extension_list_refuses_a_type_outside_the_spec_enum(rc):
    alice = await rc.login("102")
    await assert_refused(rc, alice, EXTENSIONS, {"type": "Bogus"}, "type")
    await assert_refused(rc, alice, EXTENSIONS, {"type": "VoiceMail"}, "type")  # the message type's spelling
    assert await listed(rc, alice, EXTENSIONS, {"type": "Voicemail"}) == ["106"]
    assert await listed(rc, alice, EXTENSIONS, {"type": "IvrMenu"}) == []  # in the enum, none seeded
    await assert_refused(rc, alice, EXTENSIONS, {"status": "Bogus"}, "status")


# --- message store and sync -----------------------------------------------------------------------------

@pytest.mark.parametrize("path", [STORE, SYNC])
@pytest.mark.parametrize("params, parameter", [
    ({"messageType": "Text"}, "messageType"),
    ([("messageType", "SMS"), ("messageType", "Text")], "messageType"),
    ({"ownerExtensionType": "Nope"}, "ownerExtensionType"),
    ({"owner": "Bogus"}, "owner"),
    ({"dateFrom": "2026-01-01"}, "dateFrom"),
    ({"dateTo": "2026-03-02"}, "dateTo"),
])
async def test_the_message_lists_refuse_filter_values_outside_the_spec(rc, path, params, parameter):
    alice = await rc.login("102")
    await assert_refused(rc, alice, path, params, parameter)


@pytest.mark.parametrize("path", [STORE, SYNC])
@pytest.mark.parametrize("params", [
    {"ownerExtensionType": "Department"}, {"owner": "Personal"}, {"owner": "1346632010200"},
    [("owner", "Any")], {"dateFrom": "2026-03-01T00:00:00Z", "dateTo": "2026-03-02T10:00:00.000Z"},
])
async def test_the_message_lists_accept_the_documented_values(rc, path, params):
    alice = await rc.login("102")
    status, body = await rc.call("GET", path, alice, params=params)
    assert status == 200, body


async def test_an_incremental_sync_refuses_what_a_full_sync_would(rc):
    alice = await rc.login("102")
    _, full = await rc.call("GET", SYNC, alice, params={"syncType": "FSync"})
    token = full["syncInfo"]["syncToken"]
    for params, parameter in (({"messageType": "Text"}, "messageType"), ({"dateTo": "2026-03-02"}, "dateTo")):
        await assert_refused(rc, alice, SYNC, {"syncType": "ISync", "syncToken": token, **params}, parameter)
