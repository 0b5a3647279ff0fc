"""Events v2: a callback (tested with {"test": 1}), a listener on it, subscriptions by tags, and message events."""

from __future__ import annotations

import asyncio

import pytest

from emulator.webhooks import WEBHOOKS_KEY

from .conftest import ACCOUNT, EXT_102, HANDSET, OWNER, PAULA_NUMBER, QUINN, QUINN_NUMBER, assert_pc_error

EVENTS = f"/v4/accounts/{ACCOUNT}/integrations/events"
EXTENSION_EVENTS = f"/v4/accounts/{ACCOUNT}/extensions/{EXT_102}/integrations/events"


async def listen(pc, url: str, tags: list[str], base: str = EVENTS, auth: dict = OWNER, **config) -> dict:
    """Callback, listener and one subscription, as the events integration guide sets them up."""
    status, callback = await pc.call("POST", base + "/callbacks", auth, json={
        "name": "my callback", "config": {"url": url, "method": "POST", "headers": None, **config}})
    assert status == 201, callback
    status, listener = await pc.call("POST", base + "/listeners", auth, json={"callback_id": callback["id"]})
    assert status == 201, listener
    status, subscription = await pc.call("POST", f"{base}/listeners/{listener['id']}/subscriptions", auth,
                                         json={":tags": tags})
    assert status == 201, subscription
    return {"callback": callback, "listener": listener, "subscription": subscription}


async def inbound(pc, to: str, text: str) -> None:
    status, body = await pc.call("POST", "/_emulator/inbound", json={"from": HANDSET, "to": to, "text": text})
    assert status == 201, body


async def delivered(pc) -> None:
    await pc.client.app[WEBHOOKS_KEY].settle()


async def test_a_callback_is_created_once_its_url_answers_the_test_request(pc, receiver):
    status, callback = await pc.call("POST", EVENTS + "/callbacks", OWNER, json={
        "config": {"url": receiver.url, "headers": [{"name": "X-Api-Key", "value": "secret"}]}})
    assert status == 201, callback
    headers, body = receiver.requests[0]
    assert receiver.methods[0] == "POST" and body == b'{"test":1}' and headers["X-Api-Key"] == "secret"
    assert callback == {"id": callback["id"], "voip_id": int(ACCOUNT), "extension_id": None,
                        "fallback_callback_id": None, "name": None, "profile_id": None, "enabled": True,
                        "mode": "HTTPS", "config": {"url": receiver.url, "method": "POST",
                                                    "headers": [{"name": "X-Api-Key", "value": True}]}}


@pytest.mark.parametrize("timeout", [1, 120, 86_400])
async def test_a_callback_takes_any_positive_timeout_as_phonecoms_spec_bounds_none(pc, receiver, timeout):
    status, callback = await pc.call("POST", EVENTS + "/callbacks", OWNER,
                                     json={"config": {"url": receiver.url, "timeout": timeout}})
    assert status == 201, callback
    assert callback["config"]["timeout"] == timeout


@pytest.mark.parametrize("timeout, message", [(0, "The config.timeout must be at least 1."),
                                              (-5, "The config.timeout must be at least 1."),
                                              ("30", "The config.timeout must be an integer."),
                                              (1.5, "The config.timeout must be an integer."),
                                              (True, "The config.timeout must be an integer."),
                                              (2 ** 63, "The config.timeout must be an integer.")])
async def test_a_callback_timeout_that_is_no_positive_integer_is_a_422_naming_it(pc, receiver, timeout, message):
    status, answer = await pc.call("POST", EVENTS + "/callbacks", OWNER,
                                   json={"config": {"url": receiver.url, "timeout": timeout}})
    assert assert_pc_error(status, answer, 422)["fields"]["config.timeout"] == [message]


async def test_a_callback_answered_during_a_reset_is_there_and_a_patched_one_is_gone(pc, receiver):
    status, kept = await pc.call("POST", EVENTS + "/callbacks", OWNER, json={"config": {"url": receiver.url}})
    receiver.delay_s = 0.2
    creating = asyncio.ensure_future(pc.call("POST", EVENTS + "/callbacks", OWNER,
                                             json={"config": {"url": receiver.url}}))
    patching = asyncio.ensure_future(pc.call("PATCH", f"{EVENTS}/callbacks/{kept['id']}", OWNER,
                                             json={"config": {"url": receiver.url + "?v=2"}}))
    await asyncio.sleep(0.05)
    assert (await pc.call("POST", "/_emulator/reset"))[0] == 200
    (status, created), (patch_status, patched) = await creating, await patching
    assert status == 201, created
    assert (await pc.call("GET", f"{EVENTS}/callbacks/{created['id']}", OWNER))[0] == 200
    assert_pc_error(patch_status, patched, 404)


async def test_a_callback_whose_url_fails_the_test_is_refused(pc, receiver):
    receiver.status = 500
    status, body = await pc.call("POST", EVENTS + "/callbacks", OWNER, json={"config": {"url": receiver.url}})
    error = assert_pc_error(status, body, 422)
    assert "config.url" in error["fields"]
    status, body = await pc.call("POST", EVENTS + "/callbacks", OWNER, json={"config": {"url": "http://127.0.0.1:9/"}})
    assert_pc_error(status, body, 422)


async def test_an_inbound_sms_reaches_a_listener_subscribed_to_inbound_messages(pc, receiver):
    setup = await listen(pc, receiver.url, ["message", "inbound"])
    await inbound(pc, QUINN_NUMBER, "hello phone.com")
    await delivered(pc)
    (event,) = receiver.events()
    assert event["version"] == "2.0.0" and event["listener_id"] == setup["listener"]["id"]
    assert event["context"] == {"type": "account", "id": int(ACCOUNT), "voip_id": int(ACCOUNT)}
    assert event["tags"] == ["message", "*ms-message", "sms-message", "received-message", "inbound"]
    data = event["data"]
    assert (data["direction"], data["state"], data["type"], data["message"]) == (
        "inbound", "received", "sms", "hello phone.com")
    assert data["from"] == {"type": "did", "id": HANDSET} and data["to"] == [{"type": "did", "id": QUINN_NUMBER}]
    assert data["inbox"]["did"] == QUINN_NUMBER and data["inbox"]["extension_id"] == int(EXT_102)
    assert event["data_object_uuid"] == data["uuid"]


async def test_tags_are_anded_within_a_subscription(pc, receiver):
    await listen(pc, receiver.url, ["message", "outbound"])
    await inbound(pc, QUINN_NUMBER, "not for this listener")
    status, _ = await pc.send(**{"from": PAULA_NUMBER, "to": HANDSET, "text": "outbound one"})
    assert status == 201
    await delivered(pc)
    assert [(e["data"]["direction"], e["data"]["message"]) for e in receiver.events()] == [
        ("outbound", "outbound one")]


async def test_an_extension_listener_sees_only_its_extensions_inbox(pc, receiver):
    await listen(pc, receiver.url, ["message"], base=EXTENSION_EVENTS, auth=QUINN)
    await inbound(pc, PAULA_NUMBER, "to paula")
    await inbound(pc, QUINN_NUMBER, "to quinn")
    await delivered(pc)
    (event,) = receiver.events()
    assert event["data"]["message"] == "to quinn"
    assert event["context"] == {"type": "extension", "id": int(EXT_102), "voip_id": int(ACCOUNT)}


async def test_a_callbacks_method_and_headers_are_used_for_events(pc, receiver):
    await listen(pc, receiver.url, ["message"], method="PUT", headers=[{"name": "Authorization", "value": "t0k"}])
    await inbound(pc, QUINN_NUMBER, "put me")
    await delivered(pc)
    headers, _ = receiver.requests[-1]
    assert receiver.methods[-1] == "PUT" and headers["Authorization"] == "t0k"


async def test_no_events_after_the_listener_is_deleted_expired_or_its_callback_disabled(pc, receiver):
    first = await listen(pc, receiver.url, ["message"])
    listener = f"{EVENTS}/listeners/{first['listener']['id']}"
    assert (await pc.call("DELETE", listener, OWNER))[1] == {"success": True}
    status, _ = await pc.call("GET", f"{listener}/subscriptions", OWNER)
    assert status == 404
    second = await listen(pc, receiver.url, ["message"])
    await pc.call("PATCH", f"{EVENTS}/callbacks/{second['callback']['id']}", OWNER, json={"enabled": False})
    third = await listen(pc, receiver.url, ["message"])
    expires = pc.world.now_ms() // 1000 + 60
    await pc.call("PATCH", f"{EVENTS}/listeners/{third['listener']['id']}", OWNER, json={"expires_at": expires})
    pc.world.clock.advance(61)
    await inbound(pc, QUINN_NUMBER, "nobody hears")
    await delivered(pc)
    assert receiver.events() == []


async def test_a_callback_in_use_cannot_be_deleted(pc, receiver):
    setup = await listen(pc, receiver.url, ["message"])
    callback = f"{EVENTS}/callbacks/{setup['callback']['id']}"
    status, body = await pc.call("DELETE", callback, OWNER)
    assert assert_pc_error(status, body, 409)["@message"] == "Error: Callback is in use. Look for listeners using it."
    await pc.call("DELETE", f"{EVENTS}/listeners/{setup['listener']['id']}", OWNER)
    assert (await pc.call("DELETE", callback, OWNER))[1] == {"success": True}


async def test_lists_are_newest_first_in_the_events_envelope(pc, receiver):
    await listen(pc, receiver.url, ["message"])
    second = await listen(pc, receiver.url, ["inbound"])
    status, listed = await pc.call("GET", EVENTS + "/listeners", OWNER)
    assert status == 200
    assert listed["sort"] == {"id": "desc"} and listed["filters"] == {} and listed["total"] == 2
    assert listed["items"][0] == second["listener"]
    status, subscriptions = await pc.call("GET", f"{EVENTS}/listeners/{second['listener']['id']}/subscriptions",
                                          OWNER)
    assert [s[":tags"] for s in subscriptions["items"]] == [["inbound"]]


@pytest.mark.parametrize("path, body, field", [
    ("/callbacks", {}, "config"),
    ("/callbacks", {"config": {}}, "config.url"),
    ("/callbacks", {"config": {"url": "mailto:x@y.z"}}, "config.url"),
    ("/callbacks", {"config": {"url": "http://x.test/", "method": "TRACE"}}, "config.method"),
    ("/callbacks", {"config": {"url": "http://x.test/", "headers": [{"name": "Bad Name", "value": "v"}]}},
     "config.headers"),
    ("/callbacks", {"config": {"url": "http://x.test/"}, "mode": "EMAIL"}, "mode"),
    ("/listeners", {}, "callback_id"),
    ("/listeners", {"callback_id": 999}, "callback_id"),
    ("/listeners", {"callback_id": "x"}, "callback_id"),
])
async def test_a_bad_events_body_gets_phonecoms_422(pc, path, body, field):
    status, answer = await pc.call("POST", EVENTS + path, OWNER, json=body)
    assert field in assert_pc_error(status, answer, 422)["fields"]


@pytest.mark.parametrize("path, body, fields", [
    ("/callbacks", {"config": {"url": "mailto:x@y.z", "method": "TRACE", "timeout": 0}, "name": 5, "mode": "EMAIL",
                    "enabled": "yes"}, ["config.url", "config.method", "config.timeout", "name", "mode", "enabled"]),
    ("/callbacks", {"name": ""}, ["config", "name"]),
    ("/listeners", {"callback_id": "x", "version": "9.9.9", "expires_at": -1}, ["callback_id", "version",
                                                                                 "expires_at"]),
])
async def test_every_bad_events_field_is_named_in_one_422(pc, path, body, fields):
    status, answer = await pc.call("POST", EVENTS + path, OWNER, json=body)
    assert list(assert_pc_error(status, answer, 422)["fields"]) == fields


async def test_every_bad_listener_filter_field_is_named_in_one_422(pc, receiver):
    setup = await listen(pc, receiver.url, ["message"])
    status, answer = await pc.call("POST", f"{EVENTS}/listeners/{setup['listener']['id']}/filters", OWNER,
                                   json={"filter_type": "schedule", "filter_value": 1, "not_logic": "y"})
    assert list(assert_pc_error(status, answer, 422)["fields"]) == ["filter_type", "filter_value", "not_logic"]


async def test_a_subscription_needs_known_tags(pc, receiver):
    setup = await listen(pc, receiver.url, ["message"])
    path = f"{EVENTS}/listeners/{setup['listener']['id']}/subscriptions"
    for body in ({}, {":tags": []}, {":tags": ["sms-received"]}, {":tags": "message"}):
        status, answer = await pc.call("POST", path, OWNER, json=body)
        assert ":tags" in assert_pc_error(status, answer, 422)["fields"]


async def test_an_extension_token_cannot_use_the_accounts_events(pc):
    status, body = await pc.call("GET", EVENTS + "/callbacks", QUINN)
    assert_pc_error(status, body, 403)


@pytest.mark.parametrize("value, not_logic, reaches", [
    ({"eq": QUINN_NUMBER}, False, ["to quinn"]),
    ({"in": [PAULA_NUMBER, QUINN_NUMBER]}, False, ["to paula", "to quinn"]),
    ({"match": "+1212555010%"}, False, ["to paula", "to quinn"]),
    ({"eq": QUINN_NUMBER}, True, ["to paula"]),
])
async def test_a_number_filter_keeps_only_events_for_matching_numbers(pc, receiver, value, not_logic, reaches):
    setup = await listen(pc, receiver.url, ["message", "inbound"])
    filters = f"{EVENTS}/listeners/{setup['listener']['id']}/filters"
    status, created = await pc.call("POST", filters, OWNER, json={
        "filter_type": "number", "filter_value": value, "not_logic": not_logic})
    assert status == 201, created
    assert created["filter_value"] == value and created["listener_id"] == setup["listener"]["id"]
    await inbound(pc, PAULA_NUMBER, "to paula")
    await inbound(pc, QUINN_NUMBER, "to quinn")
    await delivered(pc)
    assert sorted(e["data"]["message"] for e in receiver.events()) == reaches


async def test_filters_can_be_listed_changed_and_deleted(pc, receiver):
    setup = await listen(pc, receiver.url, ["message"])
    filters = f"{EVENTS}/listeners/{setup['listener']['id']}/filters"
    _, created = await pc.call("POST", filters, OWNER, json={"filter_type": "number",
                                                              "filter_value": {"eq": PAULA_NUMBER}})
    one = f"{filters}/{created['id']}"
    assert (await pc.call("GET", filters, OWNER))[1]["items"] == [created]
    status, changed = await pc.call("PATCH", one, OWNER, json={"filter_type": "number",
                                                                "filter_value": {"eq": QUINN_NUMBER}})
    assert status == 200 and changed["filter_value"] == {"eq": QUINN_NUMBER}
    assert (await pc.call("GET", one, OWNER))[1] == changed
    assert (await pc.call("DELETE", one, OWNER))[1] == {"success": True}
    assert (await pc.call("GET", one, OWNER))[0] == 404


@pytest.mark.parametrize("body, field", [
    ({"filter_value": {"eq": "+12125550101"}}, "filter_type"),
    ({"filter_type": "schedule", "filter_value": {"id": 1}}, "filter_type"),
    ({"filter_type": "number"}, "filter_value"),
    ({"filter_type": "number", "filter_value": {"eq": "12125550101"}}, "filter_value"),
    ({"filter_type": "number", "filter_value": {"eq": "+1", "in": ["+1"]}}, "filter_value"),
    ({"filter_type": "number", "filter_value": {"in": []}}, "filter_value"),
    ({"filter_type": "number", "filter_value": {"eq": "+12125550101"}, "not_logic": "yes"}, "not_logic"),
])
async def test_a_bad_filter_gets_phonecoms_422(pc, receiver, body, field):
    setup = await listen(pc, receiver.url, ["message"])
    status, answer = await pc.call("POST", f"{EVENTS}/listeners/{setup['listener']['id']}/filters", OWNER,
                                   json=body)
    assert field in assert_pc_error(status, answer, 422)["fields"]
