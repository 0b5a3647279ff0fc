"""Message sync: an FSync hands over a frame's messages and a token, an ISync only what changed since."""

from __future__ import annotations

import base64

from .conftest import STORE, assert_rc_error

SYNC = "/restapi/v1.0/account/~/extension/~/message-sync"
ALICE, BOB = "+16505550102", "+16505550103"


async def sync(rc, headers: dict, **params) -> dict:
    status, body = await rc.call("GET", SYNC, headers, params=params)
    assert status == 200, body
    return body


async def send_three(rc, headers: dict) -> list[int]:
    """Three SMS a minute apart, oldest first; returns their ids."""
    ids = []
    for text in ("first", "second", "third"):
        _, body = await rc.sms(headers, ALICE, BOB, text)
        ids.append(body["id"])
        rc.world.clock.advance(60)
    return ids


async def test_a_full_sync_returns_the_frames_messages_newest_first_with_a_token(rc):
    alice = await rc.login("102")
    ids = await send_three(rc, alice)
    body = await sync(rc, alice, syncType="FSync")
    assert [r["id"] for r in body["records"]] == ids[::-1]
    assert body["records"][0]["subject"] == "third" and body["records"][0]["messageStatus"] == "Delivered"
    info = body["syncInfo"]
    assert info["syncType"] == "FSync" and info["olderRecordsExist"] is False
    assert info["syncToken"] and info["syncTime"].endswith("Z")
    assert body["uri"].endswith("/extension/1346632010102/message-sync?syncType=FSync")


async def test_sync_type_defaults_to_a_full_sync(rc):
    alice = await rc.login("102")
    await send_three(rc, alice)
    body = await sync(rc, alice)
    assert body["syncInfo"]["syncType"] == "FSync" and len(body["records"]) == 3


async def test_record_count_keeps_the_newest_and_says_older_records_exist(rc):
    alice = await rc.login("102")
    ids = await send_three(rc, alice)
    cut = await sync(rc, alice, syncType="FSync", recordCount="2")
    assert [r["id"] for r in cut["records"]] == [ids[2], ids[1]]
    assert cut["syncInfo"]["olderRecordsExist"] is True
    whole = await sync(rc, alice, syncType="FSync", recordCount="3")
    assert whole["syncInfo"]["olderRecordsExist"] is False


async def test_a_full_sync_leaves_out_deleted_messages_and_messages_outside_its_filters(rc):
    alice = await rc.login("102")
    ids = await send_three(rc, alice)
    await rc.pager(alice, ["103"], "a page")
    assert (await rc.call("DELETE", f"{STORE}/{ids[0]}", alice))[0] == 204
    sms_only = await sync(rc, alice, syncType="FSync", messageType="SMS")
    assert [r["id"] for r in sms_only["records"]] == [ids[2], ids[1]]
    pages = await sync(rc, alice, syncType="FSync", messageType="Pager")
    assert [r["subject"] for r in pages["records"]] == ["a page"]
    assert (await sync(rc, alice, syncType="FSync", direction="Inbound"))["records"] == []


async def test_distinct_conversations_keeps_the_latest_message_of_each(rc):
    alice = await rc.login("102")
    await send_three(rc, alice)
    _, other = await rc.sms(alice, ALICE, "+14155550100", "to a handset")
    body = await sync(rc, alice, syncType="FSync", distinctConversations="true", messageType="SMS")
    assert [r["subject"] for r in body["records"]] == ["to a handset", "third"]


async def test_the_default_frame_is_the_24_hours_before_now(rc):
    alice = await rc.login("102")
    await rc.sms(alice, ALICE, BOB, "yesterday")
    rc.world.clock.advance(25 * 3600)
    alice = await rc.login("102")  # the first access token has expired
    await rc.sms(alice, ALICE, BOB, "today")
    body = await sync(rc, alice, syncType="FSync")
    assert [r["subject"] for r in body["records"]] == ["today"]
    wider = await sync(rc, alice, syncType="FSync", dateFrom="2026-03-01T00:00:00Z")
    assert [r["subject"] for r in wider["records"]] == ["today", "yesterday"]


async def test_an_incremental_sync_returns_only_what_changed_since_the_last_sync(rc):
    alice = await rc.login("102")
    bob = await rc.login("103")
    ids = await send_three(rc, alice)
    full = await sync(rc, alice, syncType="FSync")
    rc.world.clock.advance(10)
    nothing = await sync(rc, alice, syncType="ISync", syncToken=full["syncInfo"]["syncToken"])
    assert nothing["records"] == [] and nothing["syncInfo"]["syncType"] == "ISync"
    rc.world.clock.advance(10)
    _, reply = await rc.sms(bob, BOB, ALICE, "a reply")
    assert (await rc.call("DELETE", f"{STORE}/{ids[0]}", alice))[0] == 204
    changes = await sync(rc, alice, syncType="ISync", syncToken=nothing["syncInfo"]["syncToken"])
    inbound, deleted = changes["records"]
    assert inbound["direction"] == "Inbound" and inbound["subject"] == "a reply"
    assert inbound["conversationId"] == reply["conversationId"]
    assert deleted == {"id": ids[0], "availability": "Deleted"}


async def test_an_incremental_sync_reports_status_changes_of_sent_messages(rc):
    alice = await rc.login("102")
    _, sent = await rc.sms(alice, ALICE, BOB, "on its way")
    full = await sync(rc, alice, syncType="FSync")
    assert full["records"][0]["messageStatus"] == "Queued"
    rc.world.clock.advance(10)
    changes = await sync(rc, alice, syncType="ISync", syncToken=full["syncInfo"]["syncToken"])
    assert [(r["id"], r["messageStatus"]) for r in changes["records"]] == [(sent["id"], "Delivered")]


async def test_an_incremental_sync_reports_a_read_status_change(rc):
    alice = await rc.login("102")
    ids = await send_three(rc, alice)
    full = await sync(rc, alice, syncType="FSync")
    rc.world.clock.advance(10)
    status, _ = await rc.call("PUT", f"{STORE}/{ids[1]}", alice, json={"readStatus": "Unread"})
    assert status == 200
    changes = await sync(rc, alice, syncType="ISync", syncToken=full["syncInfo"]["syncToken"])
    assert [(r["id"], r["readStatus"]) for r in changes["records"]] == [(ids[1], "Unread")]


async def test_changes_in_the_five_seconds_before_a_sync_are_returned_again(rc):
    alice = await rc.login("102")
    _, first = await rc.sms(alice, ALICE, BOB, "just before")
    rc.world.clock.advance(3)  # delivered by now, less than 5 s before the full sync
    full = await sync(rc, alice, syncType="FSync")
    changes = await sync(rc, alice, syncType="ISync", syncToken=full["syncInfo"]["syncToken"])
    assert [r["id"] for r in changes["records"]] == [first["id"]]


async def test_an_incremental_sync_with_record_count_reaches_into_the_past(rc):
    alice = await rc.login("102")
    ids = await send_three(rc, alice)
    cut = await sync(rc, alice, syncType="FSync", recordCount="1")
    assert [r["id"] for r in cut["records"]] == [ids[2]]
    rc.world.clock.advance(10)
    older = await sync(rc, alice, syncType="ISync", syncToken=cut["syncInfo"]["syncToken"], recordCount="1")
    assert [r["id"] for r in older["records"]] == [ids[1]] and older["syncInfo"]["olderRecordsExist"] is True
    rc.world.clock.advance(10)
    status, _ = await rc.call("PUT", f"{STORE}/{ids[1]}", alice, json={"readStatus": "Unread"})
    assert status == 200
    changes = await sync(rc, alice, syncType="ISync", syncToken=older["syncInfo"]["syncToken"])
    assert [r["id"] for r in changes["records"]] == [ids[1]]


async def test_an_incremental_sync_with_an_earlier_date_from_takes_in_older_messages(rc):
    alice = await rc.login("102")
    await rc.sms(alice, ALICE, BOB, "two days ago")
    rc.world.clock.advance(48 * 3600)
    alice = await rc.login("102")  # the first access token has expired
    full = await sync(rc, alice, syncType="FSync")
    assert full["records"] == []
    rc.world.clock.advance(10)
    wider = await sync(rc, alice, syncType="ISync", syncToken=full["syncInfo"]["syncToken"],
                       dateFrom="2026-03-01T00:00:00Z")
    assert [r["subject"] for r in wider["records"]] == ["two days ago"]


async def test_an_incremental_sync_needs_a_token_this_mailbox_was_given(rc):
    alice = await rc.login("102")
    bob = await rc.login("103")
    status, body = await rc.call("GET", SYNC, alice, params={"syncType": "ISync"})
    assert_rc_error(status, body, 400, "CMN-100")
    nested = base64.urlsafe_b64encode(b"[" * 2000).decode()  # deeper than the JSON reader goes
    for token in ("garbage", "%", "W10", "eyJhIjoxfQ", "WzEsMiwzXQ", nested):  # not base64; [], {"a":1}, [1,2,3]
        status, body = await rc.call("GET", SYNC, alice, params={"syncType": "ISync", "syncToken": token})
        assert_rc_error(status, body, 400, "MSG-333")
        assert body["message"] == "Parameter [syncToken] is invalid"
    bobs = (await sync(rc, bob, syncType="FSync"))["syncInfo"]["syncToken"]
    status, body = await rc.call("GET", SYNC, alice, params={"syncType": "ISync", "syncToken": bobs})
    assert_rc_error(status, body, 400, "MSG-333")


async def test_bad_sync_parameters_get_ringcentrals_400(rc):
    alice = await rc.login("102")
    for params, parameter in (({"syncType": "Partial"}, "syncType"), ({"recordCount": "0"}, "recordCount"),
                              ({"recordCount": "many"}, "recordCount"), ({"messageType": "Telegram"}, "messageType"),
                              ({"dateFrom": "yesterday"}, "dateFrom"), ({"conversationId": "x"}, "conversationId")):
        status, body = await rc.call("GET", SYNC, alice, params=params)
        assert_rc_error(status, body, 400, "CMN-101")
        assert body["errors"][0]["parameterName"] == parameter


async def test_another_extensions_sync_is_refused(rc):
    alice = await rc.login("102")
    bob_id = rc.world.extension("1346632010", "103").id
    status, body = await rc.call("GET", f"/restapi/v1.0/account/~/extension/{bob_id}/message-sync", alice)
    assert status == 403, body
