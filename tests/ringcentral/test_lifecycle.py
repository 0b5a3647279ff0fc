"""Outbound SMS status follows Queued, Sent, Delivered on the emulator's clock."""

from __future__ import annotations

from .conftest import STORE

OUTSIDE = "+14155550100"


async def status_of(rc, headers, message_id):
    status, body = await rc.call("GET", f"{STORE}/{message_id}", headers)
    assert status == 200
    return body


async def test_outbound_sms_moves_from_queued_to_sent_to_delivered(rc):
    alice = await rc.login("102")
    _, sent = await rc.sms(alice, "+16505550102", OUTSIDE)
    assert sent["messageStatus"] == "Queued"
    assert (await status_of(rc, alice, sent["id"]))["messageStatus"] == "Queued"
    rc.world.clock.advance(1)
    record = await status_of(rc, alice, sent["id"])
    assert record["messageStatus"] == "Sent"
    assert record["lastModifiedTime"] > sent["lastModifiedTime"]
    rc.world.clock.advance(1)
    record = await status_of(rc, alice, sent["id"])
    assert record["messageStatus"] == "Delivered"
    assert record["smsDeliveryTime"] == record["lastModifiedTime"]


async def test_a_dropped_sms_is_sent_but_never_delivered(rc):
    alice = await rc.login("102")
    _, sent = await rc.sms(alice, "+16505550102", "+16505550105")
    rc.world.clock.advance(60)
    record = await status_of(rc, alice, sent["id"])
    assert record["messageStatus"] == "Sent" and "smsDeliveryTime" not in record


async def test_status_changes_wait_for_the_clock_when_it_is_frozen(rc):
    alice = await rc.login("102")
    _, sent = await rc.sms(alice, "+16505550102", OUTSIDE)
    assert rc.world.clock.frozen
    wall_clock = rc.world.clock.source
    rc.world.clock.source = lambda: wall_clock() + 3600  # an hour of real time passes: a frozen clock ignores it
    assert (await status_of(rc, alice, sent["id"]))["messageStatus"] == "Queued"
    rc.world.clock.advance(3)
    assert (await status_of(rc, alice, sent["id"]))["messageStatus"] == "Delivered"
