"""The events, phone-number and extension lists take the filters and sorts their v4.6.11 spec lists, in the SMS
list's grammar."""

from __future__ import annotations

import pytest

from .conftest import ACCOUNT, EXT_102, MAIN_NUMBER, OWNER, PAULA_NUMBER, QUINN, QUINN_NUMBER, assert_pc_error

EVENTS = f"/v4/accounts/{ACCOUNT}/integrations/events"
EXTENSION_EVENTS = f"/v4/accounts/{ACCOUNT}/extensions/{EXT_102}/integrations/events"
NUMBERS = f"/v4/accounts/{ACCOUNT}/phone-numbers"


async def created(pc, path: str, body: dict, auth: dict = OWNER) -> dict:
    status, answer = await pc.call("POST", path, auth, json=body)
    assert status == 201, answer
    return answer


async def listed(pc, path: str, params: dict | None = None, auth: dict = OWNER) -> dict:
    status, body = await pc.call("GET", path, auth, params=params)
    assert status == 200, body
    return body


async def callbacks(pc, url: str, *names: str | None, base: str = EVENTS, auth: dict = OWNER) -> list[dict]:
    return [await created(pc, base + "/callbacks", {"name": name, "config": {"url": url}}, auth) for name in names]


async def test_callbacks_filter_by_name_and_echo_the_query(pc, receiver):
    alpha, beta, _ = await callbacks(pc, receiver.url, "alpha", "beta", None)
    body = await listed(pc, EVENTS + "/callbacks", {"filters[name]": "beta"})
    assert [c["id"] for c in body["items"]] == [beta["id"]] and body["total"] == 1
    assert body["filters"] == {"name": "beta"} and body["sort"] == {"id": "desc"}
    body = await listed(pc, EVENTS + "/callbacks", {"filters[name]": "starts-with:al"})
    assert [c["id"] for c in body["items"]] == [alpha["id"]]
    body = await listed(pc, EVENTS + "/callbacks", {"filters[name]": "not-empty"})
    assert [c["id"] for c in body["items"]] == [beta["id"], alpha["id"]]


async def test_callbacks_filter_by_profile_and_fallback_match_the_null_every_callback_shows(pc, receiver):
    first, second = await callbacks(pc, receiver.url, "a", "b")
    assert first["profile_id"] is None and first["fallback_callback_id"] is None
    everything = [second["id"], first["id"]]
    for params, expected in (({"filters[profile_id]": "empty"}, everything),
                             ({"filters[profile_id]": "383"}, []),
                             ({"filters[fallback_callback_id]": f"eq:{first['id']}"}, []),
                             ({"filters[fallback_callback_id]": "not-empty"}, [])):
        body = await listed(pc, EVENTS + "/callbacks", params)
        assert [c["id"] for c in body["items"]] == expected, params
        assert body["filters"] == {key[8:-1]: value for key, value in params.items()}


async def test_listeners_filter_by_callback_id(pc, receiver):
    first, second = await callbacks(pc, receiver.url, "a", "b")
    on_first = [await created(pc, EVENTS + "/listeners", {"callback_id": first["id"]}) for _ in range(2)]
    await created(pc, EVENTS + "/listeners", {"callback_id": second["id"]})
    body = await listed(pc, EVENTS + "/listeners", {"filters[callback_id]": str(first["id"])})
    assert [item["id"] for item in body["items"]] == [on_first[1]["id"], on_first[0]["id"]]
    assert body["total"] == 2 and body["filters"] == {"callback_id": str(first["id"])}
    body = await listed(pc, EVENTS + "/listeners", {"filters[callback_id]": f"in:{first['id']},{second['id']}"})
    assert body["total"] == 3


async def test_an_extensions_events_lists_take_the_same_filters(pc, receiver):
    mine, _ = await callbacks(pc, receiver.url, "mine", "other", base=EXTENSION_EVENTS, auth=QUINN)
    await callbacks(pc, receiver.url, "mine")  # the account's own, not the extension's
    body = await listed(pc, EXTENSION_EVENTS + "/callbacks", {"filters[name]": "mine"}, QUINN)
    assert [c["id"] for c in body["items"]] == [mine["id"]]


async def test_every_events_list_sorts_by_id_both_ways(pc, receiver):
    first, second = await callbacks(pc, receiver.url, "a", "b")
    listeners = [await created(pc, EVENTS + "/listeners", {"callback_id": c["id"]}) for c in (first, second)]
    listener = f"{EVENTS}/listeners/{listeners[0]['id']}"
    for tags in (["message"], ["inbound"]):
        await created(pc, listener + "/subscriptions", {":tags": tags})
    for number in (PAULA_NUMBER, QUINN_NUMBER):
        await created(pc, listener + "/filters", {"filter_type": "number", "filter_value": {"eq": number}})
    for path in ("/callbacks", "/listeners", f"/listeners/{listeners[0]['id']}/subscriptions",
                 f"/listeners/{listeners[0]['id']}/filters"):
        ascending = await listed(pc, EVENTS + path, {"sort[id]": "asc"})
        ids = [item["id"] for item in ascending["items"]]
        assert len(ids) == 2 and ids == sorted(ids) and ascending["sort"] == {"id": "asc"}, path
        descending = await listed(pc, EVENTS + path, {"sort[id]": "desc", "limit": "1", "offset": "1"})
        assert [item["id"] for item in descending["items"]] == ids[:1] and descending["total"] == 2, path


@pytest.mark.parametrize("path, params, field", [
    ("/callbacks", {"filters[url]": "x"}, "filters[url]"),
    ("/callbacks", {"filters[id]": "1"}, "filters[id]"),
    ("/callbacks", {"filters[profile_id]": "abc"}, "filters[profile_id]"),
    ("/callbacks", {"sort[name]": "asc"}, "sort[name]"),
    ("/callbacks", {"sort[id]": "up"}, "sort[id]"),
    ("/listeners", {"filters[callback_id]": "abc"}, "filters[callback_id]"),
    ("/listeners", {"filters[version]": "2.0.0"}, "filters[version]"),
    ("/listeners", {"sort[created_at]": "asc"}, "sort[created_at]"),
    ("/listeners", {"limit": "501"}, "limit"),
])
async def test_events_lists_refuse_unknown_filters_and_sorts_with_a_422_naming_them(pc, path, params, field):
    status, body = await pc.call("GET", EVENTS + path, OWNER, params=params)
    assert field in assert_pc_error(status, body, 422)["fields"]


async def test_a_listeners_subscriptions_and_filters_take_no_filters(pc, receiver):
    [callback] = await callbacks(pc, receiver.url, "a")
    listener = await created(pc, EVENTS + "/listeners", {"callback_id": callback["id"]})
    for table in ("subscriptions", "filters"):
        status, body = await pc.call("GET", f"{EVENTS}/listeners/{listener['id']}/{table}", OWNER,
                                     params={"filters[id]": "1"})
        assert "filters[id]" in assert_pc_error(status, body, 422)["fields"]


@pytest.mark.parametrize("params, numbers", [
    ({"filters[number]": QUINN_NUMBER}, [QUINN_NUMBER]),
    ({"filters[did]": f"in:{PAULA_NUMBER},{QUINN_NUMBER}"}, [PAULA_NUMBER, QUINN_NUMBER]),
    ({"filters[number]": "ends-with:0100"}, [MAIN_NUMBER]),
    ({"filters[name-or-did]": "contains:Direct"}, [PAULA_NUMBER, QUINN_NUMBER]),
    ({"filters[name-or-did]": MAIN_NUMBER}, [MAIN_NUMBER]),
    ({"filters[name]": "starts-with:Main"}, [MAIN_NUMBER]),
    ({"filters[phone_number]": PAULA_NUMBER}, [PAULA_NUMBER]),  # the 2017 name still works
])
async def test_phone_numbers_take_the_v4611_filter_names_and_the_2017_ones(pc, params, numbers):
    body = await listed(pc, NUMBERS, params)
    assert sorted(i["phone_number"] for i in body["items"]) == numbers
    assert body["filters"] == {key[8:-1]: value for key, value in params.items()}


@pytest.mark.parametrize("params", [{"filters[activation_date]": "gt:1"}, {"filters[usage]": "sms"},
                                    {"sort[did]": "asc"}, {"sort[name-or-did]": "asc"}])
async def test_phone_number_filters_and_sorts_the_emulator_cannot_answer_are_a_422(pc, params):
    status, body = await pc.call("GET", NUMBERS, OWNER, params=params)
    assert list(params)[0] in assert_pc_error(status, body, 422)["fields"]


EXTENSIONS = f"/v4/accounts/{ACCOUNT}/extensions"
PAULA_PHONE, QUINN_PHONE = "Paula Phone", "Quinn Phone"


@pytest.mark.parametrize("params, names", [
    ({"filters[full_name]": QUINN_PHONE}, [QUINN_PHONE]),
    ({"filters[full_name]": "starts-with:Paula"}, [PAULA_PHONE]),
    ({"filters[full_name]": f"not-in:{PAULA_PHONE}"}, [QUINN_PHONE]),
    ({"filters[full_name]": "empty"}, []),
    ({"filters[name-or-extension]": "101"}, [PAULA_PHONE]),
    ({"filters[name-or-extension]": QUINN_PHONE}, [QUINN_PHONE]),
    ({"filters[name-or-extension]": "ends-with:2"}, [QUINN_PHONE]),
    ({"filters[name-or-extension]": "starts-with:10"}, [PAULA_PHONE, QUINN_PHONE]),
    ({"filters[name-or-extension]": "in:101,Quinn Phone"}, [PAULA_PHONE, QUINN_PHONE]),
    ({"filters[name-or-extension]": "not-contains:Paula"}, [QUINN_PHONE]),
    ({"filters[role]": "device"}, [PAULA_PHONE, QUINN_PHONE]),
    ({"filters[role]": "in:virtual,softphone"}, []),
    ({"filters[role]": "ne:device"}, []),
    ({"filters[virtual]": "0"}, [PAULA_PHONE, QUINN_PHONE]),
    ({"filters[virtual]": "1"}, []),
    ({"filters[has_real_route]": "1"}, [PAULA_PHONE, QUINN_PHONE]),
    ({"filters[has_real_route]": "0"}, []),
    ({"filters[eligible_for_device]": "true"}, [PAULA_PHONE, QUINN_PHONE]),
    ({"filters[eligible_for_device]": "0"}, []),
    ({"filters[nxt_extensions]": "0"}, [PAULA_PHONE, QUINN_PHONE]),
    ({"filters[nxt_extensions]": "1"}, []),
    ({"filters[full_name]": "contains:Phone", "filters[name-or-extension]": "102"}, [QUINN_PHONE]),
])
async def test_extensions_take_the_v4611_filters_with_the_list_operators_and_echo_them(pc, params, names):
    body = await listed(pc, EXTENSIONS, params)
    assert [item["name"] for item in body["items"]] == names and body["total"] == len(names)
    assert body["filters"] == {key[8:-1]: value for key, value in params.items()}


async def test_an_extension_user_filters_only_its_own_extension(pc):
    body = await listed(pc, EXTENSIONS, {"filters[name-or-extension]": "starts-with:10"}, QUINN)
    assert [item["id"] for item in body["items"]] == [int(EXT_102)]


@pytest.mark.parametrize("key, value", [("filters[role]", "manager"), ("filters[virtual]", "yes"),
                                        ("filters[has_real_route]", "2"), ("filters[eligible_for_device]", "in:1,x"),
                                        ("filters[nxt_extensions]", "maybe")])
async def test_an_extension_filter_value_outside_the_spec_is_a_422_naming_it(pc, key, value):
    status, body = await pc.call("GET", EXTENSIONS, OWNER, params={key: value})
    bad = value.rpartition(",")[2] if value.startswith("in:") else value
    assert assert_pc_error(status, body, 422)["fields"] == {key: [f"The {key} filter value '{bad}' is invalid."]}


async def test_an_extension_filter_the_spec_does_not_list_is_still_a_422_naming_it(pc):
    status, body = await pc.call("GET", EXTENSIONS, OWNER, params={"filters[usage_type]": "unlimited"})
    assert assert_pc_error(status, body, 422)["fields"] == {
        "filters[usage_type]": ["Filtering by 'usage_type' is not supported."]}
