"""Numbers too long for an integer (Python's int() refuses over 4,300 digits; PHP holds 64 bits) get the answer of
any other bad value: a 404 for a path id, a 422 naming the field or query parameter; never a 500."""

from __future__ import annotations

import pytest

from .conftest import ACCOUNT, ACCOUNT_SMS, EXT_101, HANDSET, OWNER, PAULA_NUMBER, assert_pc_error, extension_sms

DIGITS = "9" * 5000
BEYOND_64_BITS = str(2 ** 63)
EVENTS = f"/v4/accounts/{ACCOUNT}/integrations/events"
SEND = {"from": PAULA_NUMBER, "to": HANDSET, "text": "hi"}


async def error_of(pc, method: str, path: str, status: int, **kwargs) -> dict:
    answer_status, body = await pc.call(method, path, OWNER, **kwargs)
    return assert_pc_error(answer_status, body, status)


@pytest.mark.parametrize("account_id", [DIGITS, BEYOND_64_BITS, "0" * 5000])
async def test_an_account_id_no_integer_holds_is_the_404_of_a_non_numeric_account(pc, account_id):
    unknown = await error_of(pc, "GET", "/v4/accounts/me/sms", 404)
    for path in (f"/v4/accounts/{account_id}/sms", f"/v4/accounts/{account_id}/extensions",
                 f"/v4/accounts/{account_id}/extensions/{EXT_101}/sms"):
        assert await error_of(pc, "GET", path, 404) == unknown, path


async def test_an_account_id_of_leading_zeros_is_that_account(pc):
    body = await pc.listing(OWNER, f"/v4/accounts/{'0' * 5000}{ACCOUNT}/sms")
    assert body["total"] == 0 and body["items"] == []


@pytest.mark.parametrize("extension_id", [DIGITS, BEYOND_64_BITS])
async def test_an_extension_id_no_integer_holds_is_the_404_of_an_unknown_extension(pc, extension_id):
    unknown = await error_of(pc, "GET", extension_sms("999999"), 404)
    base = f"/v4/accounts/{ACCOUNT}/extensions/{extension_id}"
    for method, path in (("GET", base + "/sms"), ("POST", base + "/sms"), ("GET", base),
                         ("GET", base + "/phone-numbers"), ("GET", base + "/integrations/events/listeners")):
        assert await error_of(pc, method, path, 404, json=SEND) == unknown, (method, path)


@pytest.mark.parametrize("record", ["callbacks", "listeners", "listeners/1/subscriptions", "listeners/1/filters"])
async def test_an_events_record_id_no_integer_holds_is_a_404(pc, record):
    assert await error_of(pc, "GET", f"{EVENTS}/{record}/{DIGITS}", 404) == {
        "@message": "Not found", "@httpStatusCode": 404, "@time": "2026-03-02T10:00:00.000Z"}


@pytest.mark.parametrize("value", [DIGITS, BEYOND_64_BITS, 2 ** 63, 1e400, -1e400])
async def test_a_new_sms_with_an_extension_id_no_integer_holds_is_a_422_naming_it(pc, value):
    error = await error_of(pc, "POST", ACCOUNT_SMS, 422, json={**SEND, "extension_id": value})
    assert error["fields"] == {"extension_id": ["The extension_id must be an integer."]}
    assert len(pc.world.store) == 0


@pytest.mark.parametrize("field", ["callback_id", "expires_at"])
@pytest.mark.parametrize("value", [DIGITS, BEYOND_64_BITS, 2 ** 63, 1e400])
async def test_a_listener_with_a_callback_id_or_expires_at_no_integer_holds_is_a_422_naming_it(pc, field, value):
    error = await error_of(pc, "POST", f"{EVENTS}/listeners", 422, json={"callback_id": 1, field: value})
    assert error["fields"] == {field: [f"The {field} must be an integer."]}


async def test_changing_a_listener_to_an_expires_at_no_integer_holds_is_a_422_and_keeps_it(pc, receiver):
    callback = await pc.sent(path=f"{EVENTS}/callbacks", config={"url": receiver.url})
    listener = await pc.sent(path=f"{EVENTS}/listeners", callback_id=callback["id"], expires_at=2000000000)
    error = await error_of(pc, "PATCH", f"{EVENTS}/listeners/{listener['id']}", 422, json={"expires_at": DIGITS})
    assert error["fields"] == {"expires_at": ["The expires_at must be an integer."]}
    _, kept = await pc.call("GET", f"{EVENTS}/listeners/{listener['id']}", OWNER)
    assert kept["expires_at"] == 2000000000


@pytest.mark.parametrize("path, key", [
    (ACCOUNT_SMS, "filters[extension]"), (ACCOUNT_SMS, "filters[created_at]"),
    (f"/v4/accounts/{ACCOUNT}/messages", "filters[extension_id]"),
    (f"/v4/accounts/{ACCOUNT}/messages", "filters[created_after]"),
    (f"/v4/accounts/{ACCOUNT}/phone-numbers", "filters[id]"), (f"/v4/accounts/{ACCOUNT}/extensions", "filters[id]"),
    (f"/v4/accounts/{ACCOUNT}/extensions", "filters[extension]"), (f"{EVENTS}/listeners", "filters[callback_id]"),
    (f"{EVENTS}/callbacks", "filters[profile_id]"),
])
@pytest.mark.parametrize("value", [DIGITS, f"in:1,{DIGITS}", f"between:1,{BEYOND_64_BITS}", "1_000", "١٢"])
async def test_an_integer_filter_no_integer_holds_is_a_422_naming_it(pc, path, key, value):
    error = await error_of(pc, "GET", path, 422, params={key: value})
    assert list(error["fields"]) == [key]
    assert error["fields"][key][0].startswith(f"The {key} filter value '")


@pytest.mark.parametrize("name", ["limit", "offset"])
@pytest.mark.parametrize("value", [DIGITS, BEYOND_64_BITS, "1e400", "1_0"])
async def test_a_limit_or_offset_no_integer_holds_is_a_422_naming_it(pc, name, value):
    for path in (ACCOUNT_SMS, f"/v4/accounts/{ACCOUNT}/extensions", f"{EVENTS}/callbacks"):
        error = await error_of(pc, "GET", path, 422, params={name: value})
        assert error["fields"] == {name: [f"The {name} must be an integer."]}, path


async def test_the_largest_64_bit_integers_are_still_integers(pc):
    body = await pc.listing(params={"offset": str(2 ** 63 - 1), "filters[extension]": str(-2 ** 63)})
    assert (body["offset"], body["total"], body["items"]) == (2 ** 63 - 1, 0, [])
    status, body = await pc.call("GET", f"/v4/accounts/{2 ** 63 - 1}/sms", OWNER)
    assert_pc_error(status, body, 403)  # an account id, but not the token's
