"""Create, read, update and delete SMS through both the account and the extension endpoints."""

from __future__ import annotations

from emulator.core.model import Mailbox
from emulator.providers.phonecom.render import core_id, sms_id

from .conftest import (
    ACCOUNT,
    ACCOUNT_SMS,
    EXT_101,
    EXT_102,
    FROZEN_EPOCH,
    HANDSET,
    MAIN_NUMBER,
    OWNER,
    PAULA,
    PAULA_NUMBER,
    QUINN,
    QUINN_NUMBER,
    assert_pc_error,
    extension_sms,
)


def without_ids(recipients: list[dict]) -> list[dict]:
    """The recipients as a client compares them: each has an id of its own, pinned in its own tests."""
    return [{k: v for k, v in r.items() if k != "id"} for r in recipients]


async def test_account_owner_creates_sms_with_201_and_the_sms_object(pc):
    status, body = await pc.send(**{"from": PAULA_NUMBER, "to": [HANDSET], "text": "Hello from Phone.com"})
    assert status == 201, body
    assert body["from"] == PAULA_NUMBER
    assert body["to"] == [{"number": HANDSET, "status": "queued", "id": body["to"][0]["id"]}]
    assert body["direction"] == "out"
    assert body["text"] == "Hello from Phone.com"
    assert body["created_epoch"] == FROZEN_EPOCH
    assert body["created_at"] == "2026-03-02T10:00:00+00:00"
    assert isinstance(body["is_new"], bool)
    assert body["extension"] == {"id": int(EXT_101), "voip_id": int(ACCOUNT), "name": "Paula Phone", "extension": 101}


async def test_sms_id_is_forty_hex_digits_that_reverse_to_the_core_id(pc):
    body = await pc.sent(**{"from": PAULA_NUMBER, "to": HANDSET, "text": "id"})
    assert len(body["id"]) == 40 and all(c in "0123456789abcdef" for c in body["id"])
    stored = pc.mailbox(EXT_101)[0]
    assert core_id(body["id"]) == stored.id and sms_id(stored.id) == body["id"]


async def test_to_as_a_single_string_reaches_one_recipient(pc):
    body = await pc.sent(**{"from": PAULA_NUMBER, "to": HANDSET, "text": "one"})
    assert [r["number"] for r in body["to"]] == [HANDSET]
    assert [m.text for m in pc.world.outside_messages(HANDSET)] == ["one"]


async def test_to_as_an_array_reaches_every_recipient_with_its_own_status(pc):
    others = ["+13125550101", "+13125550102", "+13125550103"]
    body = await pc.sent(**{"from": PAULA_NUMBER, "to": others, "text": "group"})
    assert [r["number"] for r in body["to"]] == others
    assert all(r["status"] == "queued" for r in body["to"])
    assert sorted(m.mailbox.handset for m in pc.world.outside_messages()) == others


async def test_to_as_a_comma_separated_string_is_split_into_recipients(pc):
    body = await pc.sent(**{"from": PAULA_NUMBER, "to": "+13125550101, +13125550102", "text": "csv"})
    assert [r["number"] for r in body["to"]] == ["+13125550101", "+13125550102"]


async def test_outbound_copy_is_saved_under_the_numbers_sms_forwarding_extension(pc):
    await pc.sent(**{"from": QUINN_NUMBER, "to": HANDSET, "text": "fwd"})
    assert [m.text for m in pc.mailbox(EXT_102)] == ["fwd"]
    assert pc.mailbox(EXT_101) == []


async def test_extension_id_in_the_body_chooses_where_the_outbound_copy_is_saved(pc):
    body = await pc.sent(**{"from": QUINN_NUMBER, "to": HANDSET, "text": "to paula", "extension_id": int(EXT_101)})
    assert body["extension"]["id"] == int(EXT_101)
    assert [m.text for m in pc.mailbox(EXT_101)] == ["to paula"]
    assert pc.mailbox(EXT_102) == []


async def test_sms_from_a_number_without_sms_forwarding_is_sent_but_not_saved(pc):
    body = await pc.sent(**{"from": MAIN_NUMBER, "to": HANDSET, "text": "unsaved"})
    assert "extension" not in body
    assert [m.text for m in pc.world.outside_messages(HANDSET)] == ["unsaved"]
    assert (await pc.listing())["total"] == 0
    status, error = await pc.call("GET", f"{ACCOUNT_SMS}/{body['id']}", OWNER)
    assert_pc_error(status, error, 404)


async def test_inbound_sms_lands_in_the_sms_forwarding_extensions_mailbox(pc):
    await pc.sent(**{"from": PAULA_NUMBER, "to": QUINN_NUMBER, "text": "hi quinn"})
    inbound = [m for m in pc.mailbox(EXT_102) if m.direction.value == "Inbound"]
    assert [m.text for m in inbound] == ["hi quinn"]
    listed = await pc.listing(QUINN, extension_sms(EXT_102))
    assert [(i["direction"], i["is_new"], without_ids(i["to"])) for i in listed["items"]] == [
        ("in", True, [{"number": QUINN_NUMBER, "status": "received"}])]


async def test_inbound_sms_to_a_number_without_sms_forwarding_lands_in_the_account_mailbox(pc):
    await pc.sent(**{"from": PAULA_NUMBER, "to": MAIN_NUMBER, "text": "to main"})
    assert [m.text for m in pc.mailbox(None)] == ["to main"]
    items = (await pc.listing())["items"]
    inbound = [i for i in items if i["direction"] == "in"]
    assert [(i["text"], "extension" in i) for i in inbound] == [("to main", False)]


async def test_account_list_shows_every_mailbox_and_extension_list_only_its_own(pc):
    await pc.sent(**{"from": PAULA_NUMBER, "to": HANDSET, "text": "a"})
    await pc.sent(**{"from": QUINN_NUMBER, "to": HANDSET, "text": "b"})
    await pc.sent(**{"from": PAULA_NUMBER, "to": MAIN_NUMBER, "text": "c"})
    account = await pc.listing()
    assert sorted(i["text"] for i in account["items"]) == ["a", "b", "c", "c"]
    paula = await pc.listing(PAULA, extension_sms(EXT_101))
    assert sorted(i["text"] for i in paula["items"]) == ["a", "c"]
    quinn = await pc.listing(QUINN, extension_sms(EXT_102))
    assert [i["text"] for i in quinn["items"]] == ["b"]


async def test_extension_user_sends_through_its_extension_endpoint_and_the_copy_is_saved_there(pc):
    body = await pc.sent(PAULA, extension_sms(EXT_101), **{"from": MAIN_NUMBER, "to": HANDSET, "text": "mine"})
    assert body["extension"]["id"] == int(EXT_101)
    assert [m.text for m in pc.mailbox(EXT_101)] == ["mine"]


async def test_account_owner_may_use_the_extension_endpoints(pc):
    await pc.sent(OWNER, extension_sms(EXT_102), **{"from": QUINN_NUMBER, "to": HANDSET, "text": "owner"})
    assert [i["text"] for i in (await pc.listing(OWNER, extension_sms(EXT_102)))["items"]] == ["owner"]


async def test_recipient_status_moves_from_queued_to_sent_to_delivered_with_the_clock(pc):
    created = await pc.sent(**{"from": PAULA_NUMBER, "to": HANDSET, "text": "tick"})
    url = f"{ACCOUNT_SMS}/{created['id']}"
    statuses = []
    for _ in range(3):
        status, body = await pc.call("GET", url, OWNER)
        assert status == 200, body
        statuses.append(body["to"][0]["status"])
        pc.world.clock.advance(1)
    assert statuses == ["queued", "sent", "delivered"]


async def test_injected_delivery_failure_shows_as_failed_recipient_status(pc, aiohttp_client, tenants):
    from emulator.core import carrier
    from emulator.core.rules import SmsRequest
    from emulator.providers.phonecom.rules import SMS_POLICY

    result = carrier.send_sms(pc.world, SmsRequest(ACCOUNT, PAULA_NUMBER, (HANDSET,), "x"), SMS_POLICY,
                              "phonecom", fail_delivery="carrier-rejected")
    pc.world.clock.advance(5)
    status, body = await pc.call("GET", f"{ACCOUNT_SMS}/{sms_id(result.outbound.id)}", OWNER)
    assert status == 200, body
    assert without_ids(body["to"]) == [{"number": HANDSET, "status": "failed"}]


async def test_get_one_sms_by_account_and_by_its_extension(pc):
    created = await pc.sent(**{"from": PAULA_NUMBER, "to": HANDSET, "text": "get me"})
    for headers, path in ((OWNER, ACCOUNT_SMS), (PAULA, extension_sms(EXT_101)), (OWNER, extension_sms(EXT_101))):
        status, body = await pc.call("GET", f"{path}/{created['id']}", headers)
        assert status == 200, body
        assert body["id"] == created["id"] and body["text"] == "get me"


async def test_get_sms_of_another_extension_through_an_extension_path_is_not_found(pc):
    created = await pc.sent(**{"from": PAULA_NUMBER, "to": HANDSET, "text": "paula's"})
    status, body = await pc.call("GET", f"{extension_sms(EXT_102)}/{created['id']}", OWNER)
    assert_pc_error(status, body, 404)


async def test_get_with_an_unknown_or_malformed_id_is_not_found(pc):
    for raw in ("0" * 40, "not-an-id", "f" * 41, "g" * 40):
        status, body = await pc.call("GET", f"{ACCOUNT_SMS}/{raw}", OWNER)
        assert_pc_error(status, body, 404)


async def test_patch_is_new_accepts_booleans_and_legacy_zero_one_strings(pc):
    await pc.sent(**{"from": PAULA_NUMBER, "to": QUINN_NUMBER, "text": "read me"})
    inbound = pc.mailbox(EXT_102)[0]
    url = f"{extension_sms(EXT_102)}/{sms_id(inbound.id)}"
    for value, expected in ((False, False), ("1", True), ("0", False), (True, True)):
        status, body = await pc.call("PATCH", url, QUINN, json={"is_new": value})
        assert status == 200, body
        assert body["is_new"] is expected
        assert inbound.read is (not expected)


async def test_patch_without_is_new_changes_nothing(pc):
    await pc.sent(**{"from": PAULA_NUMBER, "to": QUINN_NUMBER, "text": "keep"})
    inbound = pc.mailbox(EXT_102)[0]
    status, body = await pc.call("PATCH", f"{ACCOUNT_SMS}/{sms_id(inbound.id)}", OWNER, json={})
    assert status == 200 and body["is_new"] is True


async def test_patch_with_an_unreadable_is_new_is_422_naming_the_field(pc):
    await pc.sent(**{"from": PAULA_NUMBER, "to": QUINN_NUMBER, "text": "x"})
    inbound = pc.mailbox(EXT_102)[0]
    for value in ("yes", 2, [True], {"a": 1}):
        status, body = await pc.call("PATCH", f"{ACCOUNT_SMS}/{sms_id(inbound.id)}", OWNER, json={"is_new": value})
        assert "is_new" in assert_pc_error(status, body, 422)["fields"]
    assert inbound.read is False


async def test_delete_returns_an_empty_object_and_hides_the_sms(pc):
    created = await pc.sent(PAULA, extension_sms(EXT_101), **{"from": PAULA_NUMBER, "to": HANDSET, "text": "bye"})
    url = f"{extension_sms(EXT_101)}/{created['id']}"
    status, body = await pc.call("DELETE", url, PAULA)
    assert (status, body) == (200, {})
    status, body = await pc.call("GET", url, PAULA)
    assert_pc_error(status, body, 404)
    assert (await pc.listing(PAULA, extension_sms(EXT_101)))["total"] == 0
    status, body = await pc.call("DELETE", url, PAULA)
    assert_pc_error(status, body, 404)


async def test_deleted_filter_lists_only_deleted_or_both(pc):
    keep = await pc.sent(**{"from": PAULA_NUMBER, "to": HANDSET, "text": "keep"})
    gone = await pc.sent(**{"from": PAULA_NUMBER, "to": HANDSET, "text": "gone"})
    await pc.call("DELETE", f"{ACCOUNT_SMS}/{gone['id']}", OWNER)
    assert await pc.ids(params={"filters[deleted]": "only"}) == [gone["id"]]
    assert await pc.ids(params={"filters[deleted]": "ignore"}) == [keep["id"]]
    assert await pc.ids(params={"filters[deleted]": "with"}) == [gone["id"], keep["id"]]


async def test_delete_list_deletes_the_filtered_page_and_returns_it(pc):
    a = await pc.sent(**{"from": PAULA_NUMBER, "to": HANDSET, "text": "a"})
    b = await pc.sent(**{"from": QUINN_NUMBER, "to": HANDSET, "text": "b"})
    status, body = await pc.call("DELETE", ACCOUNT_SMS, OWNER, params={"filters[extension]": EXT_101})
    assert status == 200, body
    assert [i["id"] for i in body["items"]] == [a["id"]] and body["total"] == 1
    assert await pc.ids() == [b["id"]]


async def test_delete_list_on_an_extension_path_touches_only_that_extension(pc):
    await pc.sent(**{"from": PAULA_NUMBER, "to": HANDSET, "text": "a"})
    b = await pc.sent(**{"from": QUINN_NUMBER, "to": HANDSET, "text": "b"})
    status, body = await pc.call("DELETE", extension_sms(EXT_101), PAULA)
    assert status == 200 and len(body["items"]) == 1
    assert await pc.ids() == [b["id"]]


async def test_mode_brief_leaves_out_the_extension(pc):
    created = await pc.sent(**{"from": PAULA_NUMBER, "to": HANDSET, "text": "brief"})
    status, body = await pc.call("GET", f"{ACCOUNT_SMS}/{created['id']}", OWNER, params={"mode": "brief"})
    assert status == 200 and "extension" not in body
    items = (await pc.listing(params={"mode": "full"}))["items"]
    assert items[0]["extension"]["id"] == int(EXT_101)


async def test_tenants_keep_their_own_phonecom_messages(pc, tenants):
    await pc.sent(**{"from": PAULA_NUMBER, "to": HANDSET, "text": "default tenant"})
    status, body = await pc.call("GET", f"/t/other{ACCOUNT_SMS}", OWNER)
    assert status == 200 and body["total"] == 0
    assert len(tenants.get("other").store) == 0
    assert pc.world.messages_in(Mailbox(ACCOUNT, EXT_101))[0].provider == "phonecom"


async def test_delete_list_takes_the_deleted_filter_as_list_does_and_leaves_live_sms_alone(pc):
    live = await pc.sent(**{"from": PAULA_NUMBER, "to": HANDSET, "text": "live"})
    gone = await pc.sent(**{"from": PAULA_NUMBER, "to": HANDSET, "text": "gone"})
    await pc.call("DELETE", f"{ACCOUNT_SMS}/{gone['id']}", OWNER)
    status, body = await pc.call("DELETE", ACCOUNT_SMS, OWNER, params={"filters[deleted]": "only"})
    assert status == 200, body
    assert [i["id"] for i in body["items"]] == [gone["id"]] and body["filters"] == {"deleted": "only"}
    assert await pc.ids() == [live["id"]]
    assert await pc.ids(params={"filters[deleted]": "only"}) == [gone["id"]]


async def test_a_ten_digit_number_without_a_country_code_is_a_us_number(pc):
    sent = await pc.sent(**{"from": "2125550101", "to": "(312) 555-0199", "text": "local"})
    assert sent["from"] == "+12125550101" and [r["number"] for r in sent["to"]] == ["+13125550199"]


def is_forty_hex(value) -> bool:
    return isinstance(value, str) and len(value) == 40 and all(c in "0123456789abcdef" for c in value)


async def test_each_recipient_has_its_own_forty_hex_id_the_same_on_every_read(pc):
    others = ["+13125550101", "+13125550102", "+13125550103"]
    created = await pc.sent(**{"from": PAULA_NUMBER, "to": others, "text": "ids"})
    ids = [r["id"] for r in created["to"]]
    assert all(is_forty_hex(i) for i in ids) and len(set(ids)) == 3
    status, again = await pc.call("GET", f"{ACCOUNT_SMS}/{created['id']}", OWNER)
    assert status == 200 and [r["id"] for r in again["to"]] == ids
    listed = await pc.listing(params={"filters[id]": created["id"]})
    assert [r["id"] for r in listed["items"][0]["to"]] == ids
    other = await pc.sent(**{"from": PAULA_NUMBER, "to": others, "text": "other ids"})
    assert not set(ids) & {r["id"] for r in other["to"]}


async def test_a_recipient_id_is_never_an_sms_id(pc):
    created = await pc.sent(**{"from": PAULA_NUMBER, "to": [QUINN_NUMBER, HANDSET], "text": "ids"})
    sms_ids = set(await pc.ids())
    recipient_ids = {r["id"] for item in (await pc.listing())["items"] for r in item["to"]}
    assert sms_ids and recipient_ids and not sms_ids & recipient_ids
    for recipient in created["to"]:
        status, body = await pc.call("GET", f"{ACCOUNT_SMS}/{recipient['id']}", OWNER)
        assert_pc_error(status, body, 404)


async def test_a_delivered_recipient_shows_sent_at_and_delivered_at_in_epoch_seconds(pc):
    created = await pc.sent(**{"from": PAULA_NUMBER, "to": [HANDSET, "+13125550101"], "text": "when"})
    url = f"{ACCOUNT_SMS}/{created['id']}"
    assert not {"sent_at", "delivered_at"} & set(created["to"][0])
    pc.world.clock.advance(1)
    _, sent = await pc.call("GET", url, OWNER)
    assert sent["to"][0]["status"] == "sent" and not {"sent_at", "delivered_at"} & set(sent["to"][0])
    pc.world.clock.advance(5)
    _, delivered = await pc.call("GET", url, OWNER)
    assert [(r["status"], r["sent_at"], r["delivered_at"]) for r in delivered["to"]] == [
        ("delivered", FROZEN_EPOCH + 2, FROZEN_EPOCH + 2)] * 2
    assert list(delivered["to"][0]) == ["number", "status", "id", "sent_at", "delivered_at"]


async def test_a_received_recipient_has_an_id_and_no_delivery_times(pc):
    await pc.sent(**{"from": PAULA_NUMBER, "to": QUINN_NUMBER, "text": "in"})
    pc.world.clock.advance(5)
    inbound = (await pc.listing(QUINN, extension_sms(EXT_102)))["items"][0]["to"]
    assert inbound[0]["status"] == "received" and is_forty_hex(inbound[0]["id"])
    assert not {"sent_at", "delivered_at"} & set(inbound[0])


async def test_a_group_sms_shows_each_recipients_own_status(pc):
    sent = await pc.sent(**{"from": PAULA_NUMBER, "to": [HANDSET, "+447443332212"], "text": "to two"})
    assert [r["status"] for r in sent["to"]] == ["queued", "queued"]
    pc.world.clock.advance(3)
    _, record = await pc.call("GET", f"{ACCOUNT_SMS}/{sent['id']}", OWNER)
    # the handset gets it; the Voximplant number has SMS disabled, so nothing receives it there
    assert [(r["number"], r["status"], "delivered_at" in r) for r in record["to"]] == [
        (HANDSET, "delivered", True), ("+447443332212", "sent", False)]
