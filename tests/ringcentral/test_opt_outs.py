"""A handset that replies STOP to a number gets no more texts from it: RingCentral fails them with SMS-RC-413."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from emulator.core import carrier
from emulator.core.model import Status
from emulator.core.rules import SmsRequest
from emulator.providers.ringcentral.rules import SMS_POLICY
from emulator.seed import load_default_seed
from emulator.tenants import Tenants

from .conftest import ACCOUNT

ALICE = "+16505550102"
BOB = "+16505550103"
HANDSET = "+14155550100"
OTHER_HANDSET = "+14155550111"
A2P = "/restapi/v1.0/account/~/a2p-sms"
A2P_NUMBER = "+18005550100"


async def reply(rc, handset: str, to: str, text: str) -> dict:
    """The handset's text as the network takes it, whether or not a mailbox keeps it."""
    status, body = await rc.call("POST", "/_emulator/inbound", {}, json={"from": handset, "to": to, "text": text})
    assert status in (200, 201), body
    return body


async def status_after_delivery_time(rc, headers: dict, message_id: int) -> dict:
    await rc.call("POST", "/_emulator/clock", {}, json={"action": "advance", "seconds": 3})
    _, record = await rc.call("GET", f"/restapi/v1.0/account/~/extension/~/message-store/{message_id}", headers)
    return record


@pytest.mark.parametrize("keyword", ["STOP", "stop", " Unsubscribe ", "QUIT", "cancel", "End."])
async def test_an_sms_to_a_handset_that_replied_stop_ends_sending_failed_with_sms_rc_413(rc, keyword):
    alice = await rc.login("102")
    await reply(rc, HANDSET, ALICE, keyword)
    status, sent = await rc.sms(alice, ALICE, HANDSET, "are you there?")
    assert status == 200 and sent["messageStatus"] == "Queued"  # accepted, then refused before it leaves
    record = await status_after_delivery_time(rc, alice, sent["id"])
    assert (record["messageStatus"], record["deliveryErrorCode"]) == ("SendingFailed", "SMS-RC-413")
    _, received = await rc.call("GET", "/_emulator/messages", {}, params={"to": HANDSET, "direction": "Inbound"})
    assert received["total"] == 0


async def test_opting_out_is_per_pair_of_numbers_and_start_opts_back_in(rc):
    alice, bob = await rc.login("102"), await rc.login("103")
    await reply(rc, HANDSET, ALICE, "STOP")
    _, to_other_handset = await rc.sms(alice, ALICE, OTHER_HANDSET)
    _, from_bob = await rc.sms(bob, BOB, HANDSET)
    assert (await status_after_delivery_time(rc, alice, to_other_handset["id"]))["messageStatus"] == "Delivered"
    assert (await status_after_delivery_time(rc, bob, from_bob["id"]))["messageStatus"] == "Delivered"
    await reply(rc, HANDSET, ALICE, "start")
    _, again = await rc.sms(alice, ALICE, HANDSET, "welcome back")
    assert (await status_after_delivery_time(rc, alice, again["id"]))["messageStatus"] == "Delivered"


async def test_a_text_that_merely_contains_stop_opts_nobody_out(rc):
    alice = await rc.login("102")
    await reply(rc, HANDSET, ALICE, "please don't stop texting me")
    _, sent = await rc.sms(alice, ALICE, HANDSET)
    assert (await status_after_delivery_time(rc, alice, sent["id"]))["messageStatus"] == "Delivered"


async def test_a_group_message_still_reaches_the_recipients_that_did_not_opt_out(rc):
    alice = await rc.login("102")
    await reply(rc, HANDSET, ALICE, "STOP")
    _, sent = await rc.sms(alice, ALICE, [HANDSET, OTHER_HANDSET], "to both")
    assert (await status_after_delivery_time(rc, alice, sent["id"]))["messageStatus"] == "Delivered"
    _, received = await rc.call("GET", "/_emulator/messages", {}, params={"direction": "Inbound", "text": "to both"})
    assert [m["handset"] for m in received["messages"]] == [OTHER_HANDSET]


async def test_a_high_volume_message_to_an_opted_out_handset_fails_with_its_error_code(rc):
    operator = await rc.login("101")
    assert (await reply(rc, HANDSET, A2P_NUMBER, "STOP"))["delivered"] is False  # no mailbox keeps it
    status, created = await rc.call("POST", A2P + "/batches", operator, json={
        "from": A2P_NUMBER, "text": "sale", "messages": [{"to": [HANDSET]}, {"to": [OTHER_HANDSET]}]})
    assert status == 201 and created["rejected"] == []  # opt-outs are not rejected up front
    rc.world.clock.advance(3)
    _, page = await rc.call("GET", A2P + "/messages", operator, params={"batchId": created["id"]})
    outcome = {r["to"][0]: (r["messageStatus"], r.get("errorCode")) for r in page["records"]}
    assert outcome == {HANDSET: ("SendingFailed", "SMS-RC-413"), OTHER_HANDSET: ("Delivered", None)}
    _, counts = await rc.call("GET", A2P + "/statuses", operator, params={"batchId": created["id"]})
    assert counts["sendingFailed"]["errorCodeCounts"] == {"SMS-RC-413": 1}


async def test_a_reset_forgets_opt_outs(rc):
    await reply(rc, HANDSET, ALICE, "STOP")
    assert (await rc.call("POST", "/_emulator/reset", {}))[0] == 200
    alice = await rc.login("102")
    _, sent = await rc.sms(alice, ALICE, HANDSET)
    assert (await status_after_delivery_time(rc, alice, sent["id"]))["messageStatus"] == "Delivered"


SENDERS = {ALICE: "1346632010102", BOB: "1346632010103"}  # each number's extension
REPLIES = ["STOP", "start", "Cancel", "UNSTOP", "hello", "stop please", "End"]


@settings(deadline=None, max_examples=60)
@given(steps=st.lists(st.tuples(st.sampled_from(sorted(SENDERS)), st.sampled_from([HANDSET, OTHER_HANDSET]),
                                st.sampled_from(REPLIES + [None])), max_size=25))
def test_a_send_fails_exactly_when_the_handsets_last_keyword_to_that_number_was_an_opt_out(steps):
    """A model that keeps each pair's last keyword reply agrees with the carrier's verdict on every send."""
    world = Tenants(load_default_seed()).get("opt-outs")
    last_keyword: dict[tuple[str, str], str] = {}
    for number, handset, text in steps:
        if text is not None:  # the handset replies to the number
            carrier.receive_from_outside(world, handset, number, text)
            word = text.strip().rstrip(".!").upper()
            if word in {"STOP", "CANCEL", "END", "START", "UNSTOP"}:
                last_keyword[(number, handset)] = word
            continue
        sent = carrier.send_sms(world, SmsRequest(ACCOUNT, number, (handset,), "hi", SENDERS[number]), SMS_POLICY,
                                "ringcentral")
        world.clock.advance(3)
        world.now_ms()  # the tenant reads its clock, as the server does on every request
        refused = last_keyword.get((number, handset)) in {"STOP", "CANCEL", "END"}
        assert sent.outbound.status is (Status.SENDING_FAILED if refused else Status.DELIVERED)
        assert (sent.outbound.error_code == "SMS-RC-413") is refused
        assert len(sent.inbound) == (0 if refused else 1)
