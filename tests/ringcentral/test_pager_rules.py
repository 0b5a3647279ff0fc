"""Company pager rules: departments, inactive recipients, and thread participation."""

from __future__ import annotations

import pytest

from emulator.core.model import Direction

from .conftest import ACCOUNT, PAGER as PAGER_PATH, STORE, assert_rc_error


@pytest.mark.parametrize("recipients", [["104"], ["105"], ["103", "104"], ["105", "103", "106"]])
async def test_pager_to_a_disabled_or_frozen_extension_is_refused_and_stores_nothing(rc, recipients):
    alice = await rc.login("102")
    status, body = await rc.pager(alice, recipients)
    assert_rc_error(status, body, 400, "MSG-324")
    assert "inappropriate state" in body["message"]
    assert len(rc.world.store) == 0


async def test_pager_to_a_department_reaches_only_its_active_members_without_error(rc):
    operator = await rc.login("101")
    status, body = await rc.pager(operator, ["200"], "team meeting")
    assert status == 200, body
    assert body["pgToDepartment"] is True
    for member in ("102", "103"):
        assert [(m.direction, m.text) for m in rc.mailbox_of(member)] == [(Direction.INBOUND, "team meeting")]
    assert rc.mailbox_of("104") == [] and rc.mailbox_of("105") == []
    assert len(rc.mailbox_of("200")) == 1


async def test_a_member_listed_explicitly_and_through_the_department_receives_one_copy(rc):
    operator = await rc.login("101")
    status, _ = await rc.pager(operator, ["200", "102"])
    assert status == 200
    assert len(rc.mailbox_of("102")) == 1


async def test_pager_from_a_department_is_refused(rc):
    queue = await rc.login("200")
    status, body = await rc.pager(queue, ["102"])
    assert_rc_error(status, body, 403, "MSG-330")
    assert len(rc.world.store) == 0


async def test_pager_reaches_user_and_voicemail_recipients(rc):
    alice = await rc.login("102")
    status, body = await rc.pager(alice, ["103", "106"], "hi both")
    assert status == 200
    assert body["pgToDepartment"] is False
    assert len(rc.mailbox_of("103")) == 1 and len(rc.mailbox_of("106")) == 1
    assert body["conversationId"] == body["id"]


async def test_pager_to_an_unknown_extension_is_refused(rc):
    alice = await rc.login("102")
    status, body = await rc.pager(alice, ["999"])
    assert_rc_error(status, body, 400, "MSG-316")


@pytest.mark.parametrize("units, accepted", [(1024, True), (1025, False), (512, True)])
async def test_pager_text_is_limited_to_1024_utf16_units(rc, units, accepted):
    alice = await rc.login("102")
    text = "😀" * units if units == 512 else "x" * units
    status, body = await rc.pager(alice, ["103"], text)
    assert (status == 200) is accepted, body


async def test_pager_sender_must_be_the_logged_in_extension(rc):
    alice = await rc.login("102")
    status, body = await rc.pager(alice, ["103"], **{"from": {"extensionNumber": "103"}})
    assert_rc_error(status, body, 400, "MSG-331")


async def test_a_reply_reaches_every_participant_of_the_thread(rc):
    operator = await rc.login("101")
    _, first = await rc.pager(operator, ["102", "103"], "kick-off")
    bob = await rc.login("103")
    [bob_copy] = await rc.store(bob, messageType="Pager")
    status, reply = await rc.pager(bob, text="count me in", replyOn=bob_copy["id"])
    assert status == 200, reply
    assert reply["conversationId"] == first["conversationId"]
    assert [m.text for m in rc.mailbox_of("102")] == ["kick-off", "count me in"]
    assert [m.text for m in rc.mailbox_of("101")] == ["kick-off", "count me in"]


async def test_a_user_removed_from_the_department_can_no_longer_reply_or_read_the_thread(rc):
    operator = await rc.login("101")
    _, first = await rc.pager(operator, ["200"], "department news")
    alice = await rc.login("102")
    [alice_copy] = await rc.store(alice, messageType="Pager")
    status, _ = await rc.pager(alice, text="thanks", replyOn=alice_copy["id"])
    assert status == 200
    rc.world.remove_member("1346632010", "200", "102")
    status, body = await rc.pager(alice, text="still here?", replyOn=alice_copy["id"])
    assert_rc_error(status, body, 403, "MSG-326")
    status, body = await rc.call("GET", f"{STORE}/{alice_copy['id']}", alice)
    assert_rc_error(status, body, 403, "MSG-326")
    assert await rc.store(alice, messageType="Pager") == []
    _, _ = await rc.pager(operator, text="follow-up", replyOn=first["id"])
    assert [m.text for m in rc.mailbox_of("102")].count("follow-up") == 0
    assert [m.text for m in rc.mailbox_of("103")].count("follow-up") == 1


async def test_reply_to_an_unknown_message_is_refused(rc):
    alice = await rc.login("102")
    status, body = await rc.pager(alice, text="hello?", replyOn=123)
    assert_rc_error(status, body, 400, "CMN-102")


async def test_a_pager_recipient_whose_id_and_number_name_two_extensions_is_refused_with_msg_335(rc):
    alice = await rc.login("102")
    bob_id = rc.world.extension(ACCOUNT, "103").id
    status, body = await rc.call("POST", PAGER_PATH, alice, json={
        "to": [{"extensionId": bob_id, "extensionNumber": "102"}], "text": "x"})
    assert_rc_error(status, body, 400, "MSG-335")
    status, body = await rc.call("POST", PAGER_PATH, alice, json={
        "to": [{"extensionId": bob_id, "extensionNumber": "103"}], "text": "x"})
    assert status == 200, body
