"""The SMS rules of RingCentral's documents, each pinned through HTTP."""

from __future__ import annotations

import pytest

from emulator.core.model import Direction, Mailbox

from .conftest import ACCOUNT, SMS as SMS_PATH, STORE, assert_rc_error

OUTSIDE = "+14155550100"


async def test_sending_from_a_number_of_another_extension_is_forbidden(rc):
    alice = await rc.login("102")
    status, body = await rc.sms(alice, "+16505550103", OUTSIDE)
    assert_rc_error(status, body, 403, "MSG-304")
    assert rc.mailbox_of("102") == []


async def test_sending_from_a_number_nobody_in_the_account_owns_is_forbidden(rc):
    alice = await rc.login("102")
    status, body = await rc.sms(alice, "+19995550100", OUTSIDE)
    assert_rc_error(status, body, 403, "MSG-304")


async def test_a_number_without_sms_sender_cannot_send(rc):
    bob = await rc.login("103")
    status, body = await rc.sms(bob, "+16505550113", OUTSIDE)
    assert_rc_error(status, body, 403, "MSG-367")


async def test_a_fax_number_cannot_send_sms(rc):
    alice = await rc.login("102")
    status, body = await rc.sms(alice, "+16505550192", OUTSIDE)
    assert_rc_error(status, body, 403, "MSG-241")


async def test_only_the_operator_may_send_from_the_main_company_number(rc):
    alice = await rc.login("102")
    status, body = await rc.sms(alice, "+16505550100", OUTSIDE)
    assert_rc_error(status, body, 403, "MSG-304")
    operator = await rc.login("101")
    status, body = await rc.sms(operator, "+16505550100", OUTSIDE)
    assert status == 200, body
    assert [m.id for m in rc.mailbox_of("101")] == [body["id"]]


async def test_sms_to_the_main_company_number_lands_in_the_operator_mailbox(rc):
    alice = await rc.login("102")
    status, _ = await rc.sms(alice, "+16505550102", "+16505550100", "for the front desk")
    assert status == 200
    operator = await rc.login("101")
    records = await rc.store(operator)
    assert [(r["direction"], r["subject"]) for r in records] == [("Inbound", "for the front desk")]


async def test_a_department_logged_in_as_itself_sends_from_its_number_into_its_own_mailbox(rc):
    queue = await rc.login("200")
    status, body = await rc.sms(queue, "+16505550200", OUTSIDE, "from the queue")
    assert status == 200, body
    assert [m.id for m in rc.mailbox_of("200")] == [body["id"]]
    assert rc.mailbox_of("102") == [] and rc.mailbox_of("103") == []


async def test_a_department_phone_number_list_shows_sms_sender(rc):
    queue = await rc.login("200")
    status, body = await rc.call("GET", "/restapi/v1.0/account/~/extension/~/phone-number", queue)
    assert status == 200
    assert [(r["phoneNumber"], "SmsSender" in r["features"]) for r in body["records"]] == [("+16505550200", True)]


async def test_a_member_cannot_send_from_the_department_number(rc):
    alice = await rc.login("102")
    status, body = await rc.sms(alice, "+16505550200", OUTSIDE)
    assert_rc_error(status, body, 403, "MSG-304")


@pytest.mark.parametrize("recipient, extension", [("+16505550103", "103"), ("+16505550106", "106")])
async def test_user_and_voicemail_extensions_receive_sms(rc, recipient, extension):
    alice = await rc.login("102")
    status, body = await rc.sms(alice, "+16505550102", recipient, "ping")
    assert status == 200
    inbox = rc.mailbox_of(extension)
    assert [(m.direction, m.text) for m in inbox] == [(Direction.INBOUND, "ping")]


async def test_an_sms_to_a_department_number_lands_in_the_queues_own_store_only(rc):
    alice = await rc.login("102")
    status, _ = await rc.sms(alice, "+16505550102", "+16505550200")
    assert status == 200
    assert [m.direction for m in rc.mailbox_of("200")] == [Direction.INBOUND]
    assert [m.direction for m in rc.mailbox_of("102")] == [Direction.OUTBOUND]  # a member, yet no inbound copy
    assert rc.mailbox_of("103") == []


@pytest.mark.parametrize("recipient, extension", [("+16505550104", "104"), ("+16505550105", "105")])
async def test_sms_to_disabled_or_frozen_extension_is_accepted_and_dropped(rc, recipient, extension):
    alice = await rc.login("102")
    status, body = await rc.sms(alice, "+16505550102", recipient)
    assert status == 200, body
    assert rc.mailbox_of(extension) == []
    assert [m.id for m in rc.mailbox_of("102")] == [body["id"]]
    assert len(rc.world.store) == 1


async def test_sms_between_two_world_numbers_is_inbound_received_unread_in_one_conversation(rc):
    alice = await rc.login("102")
    status, sent = await rc.sms(alice, "+16505550102", "+16505550103", "lunch?")
    assert status == 200
    bob = await rc.login("103")
    [received] = await rc.store(bob)
    assert (received["direction"], received["messageStatus"], received["readStatus"]) == ("Inbound", "Received", "Unread")
    assert received["conversationId"] == sent["conversationId"]
    assert received["from"]["phoneNumber"] == "+16505550102"
    status, reply = await rc.sms(bob, "+16505550103", "+16505550102", "sure")
    assert reply["conversationId"] == sent["conversationId"]


async def test_sms_to_a_number_nobody_owns_reaches_the_outside_world(rc):
    alice = await rc.login("102")
    status, _ = await rc.sms(alice, "+16505550102", OUTSIDE, "hello world")
    assert status == 200
    [handset_copy] = rc.world.outside_messages(OUTSIDE)
    assert (handset_copy.text, handset_copy.sender.number) == ("hello world", "+16505550102")
    assert handset_copy.mailbox == Mailbox(None, handset=OUTSIDE)


async def test_a_group_sms_reaches_every_recipient_once(rc):
    alice = await rc.login("102")
    status, body = await rc.sms(alice, "+16505550102", ["+16505550103", "+16505550106", OUTSIDE])
    assert status == 200, body
    assert [p["phoneNumber"] for p in body["to"]] == ["+16505550103", "+16505550106", OUTSIDE]
    assert len(rc.mailbox_of("103")) == 1 and len(rc.mailbox_of("106")) == 1
    assert len(rc.world.outside_messages(OUTSIDE)) == 1


async def test_duplicate_recipients_are_refused(rc):
    alice = await rc.login("102")
    status, body = await rc.sms(alice, "+16505550102", [OUTSIDE, OUTSIDE])
    assert_rc_error(status, body, 400, "CMN-406")


async def test_more_than_ten_recipients_are_refused(rc):
    alice = await rc.login("102")
    recipients = [f"+1415555{n:04d}" for n in range(11)]
    status, body = await rc.sms(alice, "+16505550102", recipients)
    assert_rc_error(status, body, 400, "MSG-381")


async def test_sms_to_an_extension_number_is_refused(rc):
    alice = await rc.login("102")
    status, body = await rc.sms(alice, "+16505550102", "103")
    assert_rc_error(status, body, 400, "MSG-246")
    assert body["errorCode"] == "InvalidParameter"


async def test_sms_from_an_extension_number_is_refused_as_one(rc):
    alice = await rc.login("102")
    status, body = await rc.sms(alice, "102", "+14155550100")
    assert_rc_error(status, body, 400, "MSG-246")
    assert body["errors"][0]["parameterName"] == "from"


async def test_sms_to_a_short_number_is_refused(rc):
    alice = await rc.login("102")
    status, body = await rc.sms(alice, "+16505550102", "40404")
    assert_rc_error(status, body, 400, "MSG-247")


@pytest.mark.parametrize("units, accepted", [(1000, True), (1001, False)])
async def test_sms_text_is_limited_to_1000_utf16_units(rc, units, accepted):
    alice = await rc.login("102")
    status, body = await rc.sms(alice, "+16505550102", OUTSIDE, "a" * units)
    if accepted:
        assert status == 200, body
    else:
        assert_rc_error(status, body, 400, "CMN-101")
        assert body["errors"][0]["parameterName"] == "text"


@pytest.mark.parametrize("text, accepted", [
    ("😀" * 500, True),
    ("😀" * 500 + "a", False),
    ("a" * 999 + "😀", False),
    ("é" * 1000, True),
])
async def test_a_four_byte_character_counts_twice_toward_the_sms_limit(rc, text, accepted):
    alice = await rc.login("102")
    status, body = await rc.sms(alice, "+16505550102", OUTSIDE, text)
    assert (status == 200) is accepted, body
    if not accepted:
        assert_rc_error(status, body, 400, "CMN-101")


async def test_a_rejected_sms_changes_nothing(rc):
    alice = await rc.login("102")
    await rc.sms(alice, "+16505550102", OUTSIDE, "a" * 1001)
    await rc.sms(alice, "+16505550103", OUTSIDE)
    assert len(rc.world.store) == 0


async def test_sms_answer_echoes_the_request_and_starts_queued(rc):
    alice = await rc.login("102")
    status, body = await rc.sms(alice, "+16505550102", OUTSIDE, "Test SMS message")
    assert status == 200
    assert body["type"] == "SMS" and body["direction"] == "Outbound" and body["availability"] == "Alive"
    assert body["messageStatus"] == "Queued" and body["subject"] == "Test SMS message"
    assert body["from"]["phoneNumber"] == "+16505550102" and body["to"][0]["phoneNumber"] == OUTSIDE
    assert body["uri"].startswith("http://") and f"/account/{ACCOUNT}/extension/" in body["uri"]
    assert "~" not in body["uri"]
    assert body["attachments"][0]["uri"].endswith(f"/content/{body['id']}")


@pytest.mark.parametrize("written", ["4155550123", "(415) 555-0123", "415-555-0123", "14155550123"])
async def test_a_us_number_written_without_its_country_code_reaches_the_us_handset(rc, written):
    alice = await rc.login("102")
    status, body = await rc.sms(alice, "+16505550102", written)
    assert status == 200, body
    assert body["to"][0]["phoneNumber"] == "+14155550123"
    assert [m.sender.number for m in rc.world.messages_in(Mailbox(None, None, "+14155550123"))] == ["+16505550102"]


async def test_the_country_of_the_request_decides_how_a_number_without_a_country_code_is_read(rc):
    alice = await rc.login("102")
    sms = {"from": {"phoneNumber": "+16505550102"}, "text": "abroad"}
    status, body = await rc.call("POST", SMS_PATH, alice, json={
        **sms, "to": [{"phoneNumber": "4155550124"}], "country": {"isoCode": "CA"}})
    assert status == 200 and body["to"][0]["phoneNumber"] == "+14155550124", body
    status, body = await rc.call("POST", SMS_PATH, alice, json={
        **sms, "to": [{"phoneNumber": "4155550124"}], "country": {"isoCode": "CH"}})
    assert status == 200 and body["to"][0]["phoneNumber"] == "+4155550124", body  # the same digits, another route
    status, body = await rc.call("POST", SMS_PATH, alice, json={
        **sms, "to": [{"phoneNumber": "447700900123"}], "country": {"isoCode": "GB"}})
    assert status == 200 and body["to"][0]["phoneNumber"] == "+447700900123", body
    status, body = await rc.call("POST", SMS_PATH, alice, json={
        **sms, "to": [{"phoneNumber": "4155550125"}], "country": {"id": "1"}})
    assert status == 200 and body["to"][0]["phoneNumber"] == "+14155550125", body
    status, body = await rc.call("POST", SMS_PATH, alice, json={
        **sms, "to": [{"phoneNumber": "3912345678"}], "country": {"id": "39"}})
    assert status == 200 and body["to"][0]["phoneNumber"] == "+3912345678", body  # another id: as international
    status, body = await rc.call("POST", SMS_PATH, alice, json={
        **sms, "to": [{"phoneNumber": "4155550126"}], "country": {"id": "1", "isoCode": None}})
    assert status == 200 and body["to"][0]["phoneNumber"] == "+14155550126", body
    status, body = await rc.call("POST", SMS_PATH, alice, json={**sms, "to": [{"phoneNumber": OUTSIDE}],
                                                                 "country": "US"})
    assert_rc_error(status, body, 400, "CMN-101")


async def test_an_sms_to_a_fax_only_number_is_refused_with_msg_309(rc):
    bob = await rc.login("103")
    status, body = await rc.sms(bob, "+16505550103", ["+14155550100", "+16505550192"])
    assert_rc_error(status, body, 403, "MSG-309")
    assert body["errors"][0]["parameterName"] == "to"
    assert rc.mailbox_of("103") == [] and rc.mailbox_of("102") == []


async def test_a_phone_number_list_with_an_unknown_usage_type_is_refused(rc):
    alice = await rc.login("102")
    path = "/restapi/v1.0/account/~/phone-number"
    status, body = await rc.call("GET", path, alice, params={"usageType": "Bogus"})
    assert_rc_error(status, body, 400, "CMN-101")
    assert body["errors"][0]["parameterName"] == "usageType"
    status, body = await rc.call("GET", path, alice, params={"usageType": "DirectNumber"})
    assert status == 200 and {r["usageType"] for r in body["records"]} == {"DirectNumber"}


async def test_a_group_sms_shows_each_recipients_status_and_sent_overall(rc):
    alice = await rc.login("102")
    recipients = [OUTSIDE, "+16505550103", "+16505550104"]  # a handset, Bob, and Dana, who is Disabled
    status, sent = await rc.sms(alice, "+16505550102", recipients, "to the group")
    assert status == 200 and sent["messageStatus"] == "Queued"
    assert [(r["phoneNumber"], r["messageStatus"], r["target"]) for r in sent["to"]] == [
        (n, "Queued", True) for n in recipients]
    await rc.call("POST", "/_emulator/clock", {}, json={"action": "advance", "seconds": 3})
    _, record = await rc.call("GET", f"{STORE}/{sent['id']}", alice)
    assert [r["messageStatus"] for r in record["to"]] == ["Delivered", "Delivered", "Sent"]
    assert record["messageStatus"] == "Sent" and "smsDeliveryTime" not in record


async def test_a_one_to_one_sms_keeps_its_own_delivered_status(rc):
    alice = await rc.login("102")
    _, sent = await rc.sms(alice, "+16505550102", OUTSIDE)
    await rc.call("POST", "/_emulator/clock", {}, json={"action": "advance", "seconds": 3})
    _, record = await rc.call("GET", f"{STORE}/{sent['id']}", alice)
    assert record["messageStatus"] == "Delivered" and "messageStatus" not in record["to"][0]


async def test_a_call_queues_messages_name_the_queue_as_their_owner(rc):
    queue = await rc.login("200")
    queue_id = rc.world.extension(ACCOUNT, "200").id
    owner = {"extensionId": queue_id, "extensionType": "Department", "name": "Support Queue"}
    status, sent = await rc.sms(queue, "+16505550200", OUTSIDE, "from the queue")
    assert status == 200 and sent["owner"] == owner
    assert [r["owner"] for r in await rc.store(queue)] == [owner]
    _, synced = await rc.call("GET", "/restapi/v1.0/account/~/extension/~/message-sync", queue,
                              params={"syncType": "FSync"})
    assert [r["owner"] for r in synced["records"]] == [owner]
    alice = await rc.login("102")
    _, own = await rc.sms(alice, "+16505550102", OUTSIDE)
    assert "owner" not in own  # a user's own messages have no owner block


async def test_a_group_sms_has_its_own_conversation_apart_from_the_one_to_one(rc):
    alice = await rc.login("102")
    _, one_to_one = await rc.sms(alice, "+16505550102", OUTSIDE, "just you")
    _, group = await rc.sms(alice, "+16505550102", [OUTSIDE, "+16505550103"], "both of you")
    _, again = await rc.sms(alice, "+16505550102", ["+16505550103", OUTSIDE], "both again")
    assert group["conversationId"] != one_to_one["conversationId"]
    assert again["conversationId"] == group["conversationId"]  # the same people, in any order
    thread = await rc.store(alice, conversationId=str(one_to_one["conversationId"]))
    assert [r["subject"] for r in thread] == ["just you"]


async def test_an_sms_abroad_needs_a_number_with_international_sms_sender(rc):
    operator = await rc.login("101")  # the main number has SmsSender but not InternationalSmsSender
    status, body = await rc.sms(operator, "+16505550100", "+447700900123")
    assert_rc_error(status, body, 403, "MSG-240")
    assert body["errorCode"] == "InternationalProhibited" and body["errors"][0]["parameterName"] == "to"
    status, _ = await rc.sms(operator, "+16505550100", OUTSIDE)
    assert status == 200  # at home it sends
    alice = await rc.login("102")
    status, body = await rc.sms(alice, "+16505550102", "+447700900123")
    assert status == 200, body
