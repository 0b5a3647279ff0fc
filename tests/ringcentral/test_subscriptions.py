"""Webhook subscriptions: the validation handshake, the subscription's life, and the events it delivers."""

from __future__ import annotations

import asyncio

import pytest

from emulator import app as app_module
from emulator.core.clock import iso_ms
from emulator.providers.ringcentral.handlers import subscriptions_of
from emulator.webhooks import WEBHOOKS_KEY

from ..waiting import eventually
from .conftest import STORE, assert_rc_error

SUBSCRIPTIONS = "/restapi/v1.0/subscription"
INSTANT = "/restapi/v1.0/account/~/extension/~/message-store/instant?type=SMS"
MESSAGE_STORE = "/restapi/v1.0/account/~/extension/~/message-store"
ALICE_EXT = "1346632010102"
ALICE, BOB = "+16505550102", "+16505550103"


async def subscribe(rc, headers: dict, url: str, filters=(INSTANT,), **extra) -> tuple[int, dict]:
    body = {"eventFilters": list(filters), "deliveryMode": {"transportType": "WebHook", "address": url}, **extra}
    return await rc.call("POST", SUBSCRIPTIONS, headers, json=body)


async def delivered(rc) -> None:
    await rc.client.app[WEBHOOKS_KEY].settle()


async def test_a_subscription_is_created_after_the_webhook_echoes_the_validation_token(rc, receiver):
    alice = await rc.login("102")
    status, body = await subscribe(rc, alice, receiver.url, filters=(INSTANT, MESSAGE_STORE))
    assert status == 200, body
    (handshake,) = receiver.handshakes()
    assert handshake["Validation-Token"] and handshake["User-Agent"].startswith("RingCentral-Webhook/")
    assert body["status"] == "Active" and body["expiresIn"] == 604800
    assert body["eventFilters"] == [f"/restapi/v1.0/account/1346632010/extension/{ALICE_EXT}/message-store/instant"
                                    "?type=SMS", f"/restapi/v1.0/account/1346632010/extension/{ALICE_EXT}/message-store"]
    assert body["deliveryMode"] == {"transportType": "WebHook", "address": receiver.url, "encryption": False}
    assert body["uri"].endswith(f"/restapi/v1.0/subscription/{body['id']}")


async def test_a_webhook_that_fails_the_handshake_gets_no_subscription(rc, receiver):
    alice = await rc.login("102")
    receiver.echo = False
    status, body = await subscribe(rc, alice, receiver.url)
    assert_rc_error(status, body, 400, "SUB-525")
    receiver.echo, receiver.status = True, 500
    status, body = await subscribe(rc, alice, receiver.url)
    assert_rc_error(status, body, 400, "SUB-522")
    assert body["message"].endswith("HTTP status is 500")
    status, body = await subscribe(rc, alice, "http://127.0.0.1:9/nobody-listens")
    assert_rc_error(status, body, 400, "SUB-521")
    _, listed = await rc.call("GET", SUBSCRIPTIONS, alice)
    assert listed["records"] == []


async def test_an_inbound_sms_is_delivered_as_an_instant_event_with_the_verification_token(rc, receiver):
    alice, bob = await rc.login("102"), await rc.login("103")
    _, subscription = await subscribe(rc, alice, receiver.url, deliveryMode={
        "transportType": "WebHook", "address": receiver.url, "verificationToken": "s3cret"})
    await rc.sms(bob, BOB, ALICE, "ping")
    await delivered(rc)
    (event,) = receiver.events()
    headers = receiver.requests[-1][0]
    assert headers["Validation-Token"] == "s3cret" and headers["Content-Type"].startswith("application/json")
    assert event["subscriptionId"] == subscription["id"] and event["ownerId"] == ALICE_EXT
    assert event["event"] == subscription["eventFilters"][0]
    body = event["body"]
    (inbound,) = await rc.store(alice, direction="Inbound")
    assert body["id"] == str(inbound["id"]) and body["subject"] == "ping"
    assert body["direction"] == "Inbound" and body["messageStatus"] == "Received" and body["eventType"] == "Create"
    assert body["to"] == [{"phoneNumber": ALICE, "name": "Alice Able", "target": True}]
    assert body["owner"] == {"extensionId": ALICE_EXT, "extensionType": "User", "name": "Alice Able"}
    assert body["conversation"] == {"id": str(inbound["conversationId"])}


async def test_the_instant_filter_ignores_outbound_sms_and_the_message_store_filter_counts_them(rc, receiver):
    alice = await rc.login("102")
    await subscribe(rc, alice, receiver.url, filters=(INSTANT, MESSAGE_STORE))
    _, sent = await rc.sms(alice, ALICE, BOB, "outbound")
    await delivered(rc)
    (event,) = receiver.events()
    assert event["event"].endswith("/message-store")
    assert event["body"]["changes"] == [{"type": "SMS", "newCount": 1, "updatedCount": 0,
                                         "newMessageIds": [sent["id"]]}]
    assert event["body"]["extensionId"] == ALICE_EXT


async def test_a_message_store_filter_narrowed_by_direction_and_type(rc, receiver):
    alice, bob = await rc.login("102"), await rc.login("103")
    await subscribe(rc, alice, receiver.url, filters=(MESSAGE_STORE + "?direction=Inbound&type=Pager",))
    await rc.sms(alice, ALICE, BOB, "outbound sms")
    await rc.sms(bob, BOB, ALICE, "inbound sms")
    await rc.pager(bob, ["102"], "inbound page")
    await delivered(rc)
    assert [e["body"]["changes"][0]["type"] for e in receiver.events()] == ["Pager"]


async def test_a_change_made_by_a_client_is_an_updated_count(rc, receiver):
    alice = await rc.login("102")
    _, sent = await rc.sms(alice, ALICE, BOB, "to be read")
    await subscribe(rc, alice, receiver.url, filters=(MESSAGE_STORE,))
    status, _ = await rc.call("PUT", f"{STORE}/{sent['id']}", alice, json={"readStatus": "Unread"})
    assert status == 200
    await delivered(rc)
    (event,) = receiver.events()
    assert event["body"]["changes"] == [{"type": "SMS", "newCount": 0, "updatedCount": 1}]


async def test_an_sms_from_phonecom_reaches_a_ringcentral_webhook(rc, receiver):
    alice = await rc.login("102")
    await subscribe(rc, alice, receiver.url)
    response = await rc.client.post("/v4/accounts/2000001/sms", headers={"Authorization": "Bearer pc-owner-token"},
                                    json={"from": "+12125550101", "to": ALICE, "text": "across providers"})
    assert response.status in (200, 201), await response.text()
    await delivered(rc)
    (event,) = receiver.events()
    assert event["body"]["subject"] == "across providers" and event["body"]["from"]["phoneNumber"] == "+12125550101"


async def test_a_deleted_or_expired_subscription_delivers_nothing(rc, receiver):
    alice, bob = await rc.login("102"), await rc.login("103")
    _, first = await subscribe(rc, alice, receiver.url)
    assert (await rc.call("DELETE", f"{SUBSCRIPTIONS}/{first['id']}", alice))[0] == 204
    _, second = await subscribe(rc, alice, receiver.url, expiresIn=60)
    rc.world.clock.advance(61)
    await rc.sms(bob, BOB, ALICE, "nobody is told")
    await delivered(rc)
    assert receiver.events() == []
    status, body = await rc.call("GET", f"{SUBSCRIPTIONS}/{first['id']}", alice)
    assert_rc_error(status, body, 404, "CMN-102")
    for method, path in (("GET", ""), ("POST", "/renew"), ("PUT", "")):
        status, body = await rc.call(method, f"{SUBSCRIPTIONS}/{second['id']}{path}", alice)
        assert_rc_error(status, body, 404, "SUB-507")
        assert body["message"].startswith(f"Subscription with key [{second['id']}] and assigned session [")
    status, body = await rc.call("GET", f"{SUBSCRIPTIONS}/{second['id']}", bob)  # not Bob's to know of
    assert_rc_error(status, body, 404, "CMN-102")


async def test_list_read_update_and_renew_a_subscription(rc, receiver):
    alice = await rc.login("102")
    _, created = await subscribe(rc, alice, receiver.url, expiresIn=600)
    one = f"{SUBSCRIPTIONS}/{created['id']}"
    _, listed = await rc.call("GET", SUBSCRIPTIONS, alice)
    assert [r["id"] for r in listed["records"]] == [created["id"]]
    assert (await rc.call("GET", one, alice))[1] == created
    rc.world.clock.advance(100)
    _, renewed = await rc.call("POST", one + "/renew", alice)
    assert renewed["expiresIn"] == 600
    status, updated = await rc.call("PUT", one, alice, json={"eventFilters": [MESSAGE_STORE], "expiresIn": 1200})
    assert status == 200 and updated["expiresIn"] == 1200 and updated["eventFilters"][0].endswith("/message-store")
    status, emptied = await rc.call("PUT", one, alice)
    assert status == 200 and emptied["expiresIn"] == 604800
    bob = await rc.login("103")
    status, body = await rc.call("GET", one, bob)
    assert_rc_error(status, body, 404, "CMN-102")


async def test_lifetimes_beyond_the_webhook_maximum_are_cut_to_it(rc, receiver):
    alice = await rc.login("102")
    _, body = await subscribe(rc, alice, receiver.url, expiresIn=10**12)
    assert body["expiresIn"] == 315360000


@pytest.mark.parametrize("body, code, parameter", [
    ({"deliveryMode": {"transportType": "WebHook", "address": "http://x.test/"}}, "CMN-100", "eventFilters"),
    ({"eventFilters": "nope", "deliveryMode": {"transportType": "WebHook", "address": "http://x.test/"}},
     "CMN-101", "eventFilters"),
    ({"eventFilters": []}, "CMN-101", "eventFilters"),
    ({"eventFilters": [MESSAGE_STORE]}, "CMN-100", "deliveryMode"),
    ({"eventFilters": [MESSAGE_STORE], "deliveryMode": {"transportType": "PubNub"}}, "CMN-101",
     "deliveryMode.transportType"),
    ({"eventFilters": [MESSAGE_STORE], "deliveryMode": {"transportType": "WebHook"}}, "CMN-100",
     "deliveryMode.address"),
    ({"eventFilters": [MESSAGE_STORE], "deliveryMode": {"transportType": "WebHook", "address": "ftp://x.test/"}},
     "CMN-101", "deliveryMode.address"),
    ({"eventFilters": [MESSAGE_STORE], "deliveryMode": {"transportType": "WebHook", "address": "http://\ud800.test/"}},
     "CMN-101", "deliveryMode.address"),
    ({"eventFilters": [MESSAGE_STORE], "deliveryMode": {"transportType": "WebHook", "address": "http://x.test/"},
      "expiresIn": 0}, "CMN-101", "expiresIn"),
    ({"eventFilters": [MESSAGE_STORE], "deliveryMode": {"transportType": "WebHook", "address": "http://x.test/",
                                                        "verificationToken": "two\nlines"}},
     "CMN-101", "deliveryMode.verificationToken"),
    ({"eventFilters": ["message-store"], "deliveryMode": {"transportType": "WebHook", "address": "http://x.test/"}},
     "SUB-508", "eventFilters"),
    ({"eventFilters": [MESSAGE_STORE + "?type=Carrier"],
      "deliveryMode": {"transportType": "WebHook", "address": "http://x.test/"}}, "SUB-508", "eventFilters"),
])
async def test_a_bad_subscription_body_gets_ringcentrals_400(rc, body, code, parameter):
    alice = await rc.login("102")
    status, answer = await rc.call("POST", SUBSCRIPTIONS, alice, json=body)
    assert_rc_error(status, answer, 400, code)
    assert answer["errors"][0]["parameterName"] == parameter


async def test_thirty_subscriptions_is_the_limit(rc, receiver):
    alice = await rc.login("102")
    for _ in range(30):
        assert (await subscribe(rc, alice, receiver.url))[0] == 200
    status, body = await subscribe(rc, alice, receiver.url)
    assert_rc_error(status, body, 403, "SUB-505")


async def test_subscriptions_asked_for_at_once_still_stop_at_thirty(rc, receiver):
    alice = await rc.login("102")
    for _ in range(28):
        assert (await subscribe(rc, alice, receiver.url))[0] == 200
    receiver.delay_s = 0.2  # each handshake takes a while, so the five below overlap
    answers = await asyncio.gather(*(subscribe(rc, alice, receiver.url) for _ in range(5)))
    assert sorted(status for status, _ in answers) == [200, 200, 403, 403, 403]
    _, listed = await rc.call("GET", SUBSCRIPTIONS, alice)
    assert len(listed["records"]) == 30


@pytest.mark.parametrize(("mailbox", "code"), [
    ("account/~/extension/1346632010103", "SUB-405"),
    ("account/1346632010/extension/1346632010103", "SUB-405"),
    ("account/999999/extension/~", "SUB-406"),
])
@pytest.mark.parametrize("suffix", ["/message-store", "/message-store/instant?type=SMS"])
async def test_a_user_may_not_subscribe_to_the_messages_of_another_extension_or_account(rc, receiver, mailbox,
                                                                                        code, suffix):
    alice, bob = await rc.login("102"), await rc.login("103")
    status, body = await subscribe(rc, alice, receiver.url, filters=(f"/restapi/v1.0/{mailbox}{suffix}",))
    assert_rc_error(status, body, 403, code)
    _, own = await subscribe(rc, alice, receiver.url)
    status, body = await rc.call("PUT", f"{SUBSCRIPTIONS}/{own['id']}", alice, json={
        "eventFilters": [f"/restapi/v1.0/{mailbox}{suffix}"]})
    assert_rc_error(status, body, 403, code)
    await rc.sms(bob, BOB, "+14155550100", "private")
    await delivered(rc)
    assert receiver.events() == []


async def test_the_control_api_shows_each_delivery_with_the_webhooks_answer(rc, receiver):
    alice, bob = await rc.login("102"), await rc.login("103")
    await subscribe(rc, alice, receiver.url)
    await rc.sms(bob, BOB, ALICE, "first")
    await delivered(rc)
    receiver.status = 503
    await rc.sms(bob, BOB, ALICE, "second")
    status, body = await rc.call("GET", "/_emulator/webhooks", {})
    assert status == 200 and body["total"] == 2
    newest, oldest = body["deliveries"]
    assert (newest["status"], oldest["status"]) == (503, 200)
    assert newest["body"]["body"]["subject"] == "second" and newest["address"] == receiver.url
    assert newest["provider"] == "ringcentral" and newest["error"] is None
    assert (await rc.call("DELETE", "/_emulator/webhooks", {}))[1] == {"deleted": 2}
    assert (await rc.call("GET", "/_emulator/webhooks", {}))[1]["total"] == 0


async def test_an_unreachable_webhook_is_recorded_with_the_error(rc, receiver):
    alice, bob = await rc.login("102"), await rc.login("103")
    _, created = await subscribe(rc, alice, receiver.url)
    subscriptions_of(rc.world).by_id[created["id"]].address = "http://127.0.0.1:9/gone"  # the app went away
    await rc.sms(bob, BOB, ALICE, "lost")
    _, body = await rc.call("GET", "/_emulator/webhooks", {})
    (delivery,) = body["deliveries"]
    assert delivery["status"] is None and delivery["error"]


async def test_a_subscription_answered_during_a_reset_is_refused_as_the_reset_ended_its_login(rc, receiver):
    alice = await rc.login("102")
    receiver.delay_s = 0.2
    creating = asyncio.ensure_future(subscribe(rc, alice, receiver.url))
    await asyncio.sleep(0.05)
    assert (await rc.call("POST", "/_emulator/reset", {}))[0] == 200
    status, body = await creating
    assert_rc_error(status, body, 401, "OAU-213")
    _, listed = await rc.call("GET", SUBSCRIPTIONS, await rc.login("102"))
    assert listed["records"] == []  # neither in the world that was reset nor in the new one


async def test_a_reset_forgets_subscriptions_and_deliveries(rc, receiver):
    alice, bob = await rc.login("102"), await rc.login("103")
    await subscribe(rc, alice, receiver.url)
    await rc.sms(bob, BOB, ALICE, "before the reset")
    await rc.call("GET", "/_emulator/webhooks", {})
    assert (await rc.call("POST", "/_emulator/reset", {}))[0] == 200
    assert (await rc.call("GET", "/_emulator/webhooks", {}))[1]["total"] == 0
    alice, bob = await rc.login("102"), await rc.login("103")
    assert (await rc.call("GET", SUBSCRIPTIONS, alice))[1]["records"] == []
    await rc.sms(bob, BOB, ALICE, "after the reset")
    await delivered(rc)
    assert [e["body"]["subject"] for e in receiver.events()] == ["before the reset"]


async def test_waiting_for_deliveries_gives_up_without_cancelling_a_slow_one(rc, receiver):
    alice, bob = await rc.login("102"), await rc.login("103")
    await subscribe(rc, alice, receiver.url)
    receiver.delay_s = 0.3
    await rc.sms(bob, BOB, ALICE, "slow")
    webhooks = rc.client.app[WEBHOOKS_KEY]
    await webhooks.settle(timeout_s=0.05)
    assert webhooks.deliveries("default") == []
    await webhooks.settle()
    (delivery,) = webhooks.deliveries("default")
    assert delivery.status == 200


async def test_status_changes_of_a_sent_sms_are_message_store_updates_on_the_tenants_clock(rc, receiver):
    alice = await rc.login("102")
    await subscribe(rc, alice, receiver.url, filters=(MESSAGE_STORE,))
    _, sent = await rc.sms(alice, ALICE, "+14155550100", "watch me")
    for told, seconds in ((2, 1.5), (3, 1.0)):  # Sent after 1 s, Delivered after 2 s in the default seed
        rc.world.clock.advance(seconds)
        # the server reads the tenant's clock every 50 ms
        await eventually(lambda: len(receiver.events()) >= told, f"{told} events told")
    await delivered(rc)
    changes = [e["body"]["changes"][0] for e in receiver.events()]
    assert changes == [{"type": "SMS", "newCount": 1, "updatedCount": 0, "newMessageIds": [sent["id"]]},
                       {"type": "SMS", "newCount": 0, "updatedCount": 1},
                       {"type": "SMS", "newCount": 0, "updatedCount": 1}]
    (record,) = await rc.store(alice)
    assert record["messageStatus"] == "Delivered"
    assert subscriptions_of(rc.world).on_their_way == {}


async def test_a_clock_advance_through_the_control_api_tells_the_webhook_at_once(rc, receiver, monkeypatch):
    monkeypatch.setattr(app_module, "STATUS_TICK_S", 3600.0)
    await asyncio.sleep(0.1)  # the server's timer now waits an hour: only the advance itself can tell the webhook
    alice = await rc.login("102")
    await subscribe(rc, alice, receiver.url, filters=(MESSAGE_STORE,))
    await rc.sms(alice, ALICE, "+14155550100", "watch me")
    response = await rc.client.post("/_emulator/clock", json={"action": "advance", "seconds": 5})
    assert response.status == 200
    listed = await (await rc.client.get("/_emulator/webhooks")).json()
    assert listed["total"] == 3  # the new SMS, then its moves to Sent and to Delivered, told during the advance itself


async def test_a_clock_moved_past_sent_and_delivered_at_once_tells_both_changes(rc, receiver):
    alice = await rc.login("102")
    await subscribe(rc, alice, receiver.url, filters=(MESSAGE_STORE,))
    await rc.sms(alice, ALICE, "+14155550100", "watch me")
    rc.world.clock.advance(30)  # well past Sent (1 s) and Delivered (2 s) in one move
    await eventually(lambda: len(receiver.events()) >= 3, "three events told")  # the server reads the clock every 50 ms
    await delivered(rc)
    updates = [e["body"]["changes"][0]["updatedCount"] for e in receiver.events()]
    assert updates == [0, 1, 1]  # the new message, then one change for Sent and one for Delivered


async def test_a_webhook_failing_for_ten_minutes_is_blacklisted_and_told_nothing_more(rc, receiver):
    alice, bob = await rc.login("102"), await rc.login("103")
    _, created = await subscribe(rc, alice, receiver.url)
    one = f"{SUBSCRIPTIONS}/{created['id']}"
    receiver.status = 404
    for minutes in (0, 9.9):  # failing, but not yet for ten minutes
        rc.world.clock.advance(minutes * 60)
        await rc.sms(bob, BOB, ALICE, f"after {minutes} min")
        await delivered(rc)
        assert (await rc.call("GET", one, alice))[1]["status"] == "Active"
    rc.world.clock.advance(6)
    await rc.sms(bob, BOB, ALICE, "ten minutes of failures")
    await delivered(rc)
    _, blacklisted = await rc.call("GET", one, alice)
    assert blacklisted["status"] == "Blacklisted"
    assert blacklisted["blacklistedData"] == {"reason": "Webhook responses with code: [404], reason: [Not Found]",
                                              "blacklistedAt": iso_ms(rc.world.now_ms())}
    receiver.status = 200
    await rc.sms(bob, BOB, ALICE, "never told")
    await delivered(rc)
    assert len(receiver.events()) == 3
    _, renewed = await rc.call("POST", one + "/renew", alice)
    assert renewed["status"] == "Blacklisted"  # until it is deleted and created again
    assert (await rc.call("DELETE", one, alice))[0] == 204
    _, fresh = await subscribe(rc, alice, receiver.url)
    assert fresh["status"] == "Active" and "blacklistedData" not in fresh


async def test_one_answered_delivery_starts_the_ten_minutes_again(rc, receiver):
    alice, bob = await rc.login("102"), await rc.login("103")
    _, created = await subscribe(rc, alice, receiver.url)
    for status in (500, 200, 500):
        receiver.status = status
        await rc.sms(bob, BOB, ALICE, f"answered {status}")
        await delivered(rc)
        rc.world.clock.advance(6 * 60)
    await rc.sms(bob, BOB, ALICE, "failing for six minutes only")
    await delivered(rc)
    assert (await rc.call("GET", f"{SUBSCRIPTIONS}/{created['id']}", alice))[1]["status"] == "Active"


async def test_an_unreachable_webhook_is_blacklisted_with_an_io_reason(rc, receiver):
    alice, bob = await rc.login("102"), await rc.login("103")
    _, created = await subscribe(rc, alice, receiver.url)
    subscriptions_of(rc.world).by_id[created["id"]].address = "http://127.0.0.1:9/gone"  # the app went away
    for _ in range(2):
        await rc.sms(bob, BOB, ALICE, "lost")
        await delivered(rc)
        rc.world.clock.advance(600)
    _, body = await rc.call("GET", f"{SUBSCRIPTIONS}/{created['id']}", alice)
    assert body["blacklistedData"]["reason"] == "I/O operation is failed. Details: [Connection refused]"


SILENT_FILTERS = [
    "/restapi/v1.0/account/~/extension/~/presence",
    "/restapi/v1.0/account/~/extension/~/presence?detailedTelephonyState=true&sipData=true",
    "/restapi/v1.0/account/~/presence",
    "/restapi/v1.0/account/~/extension/~/telephony/sessions?direction=Inbound",
    "/restapi/v1.0/account/~/telephony/sessions",
    "/restapi/v1.0/account/~/extension/~/voicemail",
    "/restapi/v1.0/account/~/extension/~/fax?direction=Inbound",
    "/restapi/v1.0/account/~/a2p-sms/batches",
    "/restapi/v1.0/account/~/extension",
    "/restapi/v1.0/subscription/~?threshold=259200&interval=43200",
    "/team-messaging/v1/posts",
    "/restapi/v1.0/glip/posts",
    "/restapi/v1.0/account/~/extension/~/missed-calls",
]


@pytest.mark.parametrize("event_filter", SILENT_FILTERS)
async def test_ringcentrals_other_event_filters_are_accepted_and_stay_silent(rc, receiver, event_filter):
    alice, bob = await rc.login("102"), await rc.login("103")
    status, body = await subscribe(rc, alice, receiver.url, filters=(event_filter,))
    assert status == 200, body
    assert body["eventFilters"] == [event_filter.replace("/account/~", "/account/1346632010")
                                    .replace("/extension/~", f"/extension/{ALICE_EXT}")]
    await rc.sms(bob, BOB, ALICE, "nobody is told")
    await delivered(rc)
    assert receiver.events() == []


@pytest.mark.parametrize("typo", [
    "/restapi/v1.0/account/~/extension/~/mesage-store",
    "/foo/bar",
    "/restapi/v1.0/account/~/extension/~/message-store/",
    "/restapi/v1.0/account/alice/extension/~/message-store",
    "/restapi/v1.0/account/~/extension/~/presence/everything",
])
async def test_an_event_filter_ringcentral_does_not_know_refuses_the_subscription(rc, receiver, typo):
    alice = await rc.login("102")
    status, body = await subscribe(rc, alice, receiver.url, filters=(MESSAGE_STORE, typo))
    assert_rc_error(status, body, 400, "SUB-508")
    assert body["errors"][0] == {"errorCode": "SUB-508", "message": f"Invalid event filters: [{typo}]",
                                 "parameterName": "eventFilters"}
    assert receiver.handshakes() == []  # refused before the webhook is asked
    assert (await rc.call("GET", SUBSCRIPTIONS, alice))[1]["records"] == []


async def test_every_unknown_event_filter_is_named_in_the_refusal(rc, receiver):
    alice = await rc.login("102")
    status, body = await subscribe(rc, alice, receiver.url, filters=("/foo/bar", INSTANT, "/foo/baz"))
    assert_rc_error(status, body, 400, "SUB-508")
    assert body["message"] == "Invalid event filters: [/foo/bar, /foo/baz]"


async def test_an_update_to_an_unknown_event_filter_is_refused_and_keeps_the_old_filters(rc, receiver):
    alice, bob = await rc.login("102"), await rc.login("103")
    _, created = await subscribe(rc, alice, receiver.url)
    one = f"{SUBSCRIPTIONS}/{created['id']}"
    typo = "/restapi/v1.0/account/~/extension/~/mesage-store"
    status, body = await rc.call("PUT", one, alice, json={"eventFilters": [typo]})
    assert_rc_error(status, body, 400, "SUB-508")
    assert body["message"] == f"Invalid event filters: [{typo}]"
    assert (await rc.call("GET", one, alice))[1]["eventFilters"] == created["eventFilters"]
    await rc.sms(bob, BOB, ALICE, "still told")
    await delivered(rc)
    assert [event["body"]["subject"] for event in receiver.events()] == ["still told"]
