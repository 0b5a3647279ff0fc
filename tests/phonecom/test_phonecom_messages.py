"""The Messages API (`/messages`), which v4.6.11 names as the SMS API's replacement: SMS and MMS in one."""

from __future__ import annotations

import base64
import uuid

import pytest

from .conftest import (ACCOUNT, ACCOUNT_SMS, EXT_101, EXT_102, HANDSET, MAIN_NUMBER, OWNER, PAULA, PAULA_NUMBER,
                       QUINN_NUMBER, assert_pc_error)
from .test_phonecom_events import delivered, listen

MESSAGES = f"/v4/accounts/{ACCOUNT}/messages"
GIF = b"GIF89a\x01\x00\x01\x00\x00\x00\x00,"


def media(content: bytes = GIF, filename: str | None = "dot.gif") -> dict:
    item = {"data": base64.b64encode(content).decode()}
    if filename is not None:
        item["filename"] = filename
    return item


def path_of(url: str) -> str:
    return "/" + url.split("/", 3)[3]


async def send(pc, headers: dict = OWNER, path: str = MESSAGES, **body) -> dict:
    status, created = await pc.call("POST", path, headers, json=body)
    assert status == 201, created
    return created


async def test_a_message_with_a_file_is_an_mms_whose_file_is_served_at_its_url(pc):
    created = await send(pc, **{"from": PAULA_NUMBER, "to": [QUINN_NUMBER], "text": "look", "media": [media()]})
    assert created["type"] == "mms" and created["direction"] == "out" and created["text"] == "look"
    (file,) = created["media"]
    assert (file["type"], file["size"], file["filename"]) == ("image/gif", len(GIF), "dot.gif")
    response = await pc.client.get(path_of(file["url"]))
    assert response.content_type == "image/gif" and await response.read() == GIF


async def test_the_send_answers_a_uuid_id_and_reads_give_the_number_with_that_uuid_as_old_id(pc):
    created = await send(pc, **{"from": PAULA_NUMBER, "to": [HANDSET], "text": "hello"})
    uuid.UUID(created["id"])
    status, page = await pc.call("GET", MESSAGES, OWNER, params={"filters[direction]": "out"})
    (item,) = page["items"]
    assert isinstance(item["id"], int) and item["message_id"] == str(item["id"]) == created["message_id"]
    assert item["old_id"] == created["id"] and item["type"] == "sms" and item["media"] == []
    status, one = await pc.call("GET", f"{MESSAGES}/{item['id']}", OWNER)
    assert status == 200 and one == item
    status, body = await pc.call("GET", f"{MESSAGES}/{created['id']}", OWNER)
    assert_pc_error(status, body, 404)  # the path takes the number


async def test_a_message_sent_from_a_number_without_sms_forwarding_reads_back_by_its_message_id(pc):
    """The Messages API has no extension_id to save a send under; the account keeps it, as its spec offers the
    history of what was sent from the account."""
    created = await send(pc, **{"from": MAIN_NUMBER, "to": ["+13125550199"], "text": "x"})
    status, one = await pc.call("GET", f"{MESSAGES}/{created['message_id']}", OWNER)
    assert status == 200, one
    assert (one["old_id"], one["from"], one["text"], one["extension_id"]) == (created["id"], MAIN_NUMBER, "x", None)
    page = await pc.listing(OWNER, MESSAGES, params={"filters[from]": MAIN_NUMBER})
    assert [item["message_id"] for item in page["items"]] == [created["message_id"]]
    patched = await pc.call("PATCH", f"{MESSAGES}/{created['message_id']}", OWNER, json={"read": False})
    assert patched[0] == 200 and patched[1]["read"] is False


async def test_an_sms_api_send_from_a_number_without_sms_forwarding_is_still_not_saved(pc):
    await pc.sent(**{"from": MAIN_NUMBER, "to": "+13125550199", "text": "unsaved"})
    assert (await pc.listing(OWNER, ACCOUNT_SMS, params={"filters[direction]": "out"}))["total"] == 0
    assert (await pc.listing(OWNER, MESSAGES))["total"] == 0


async def test_each_recipient_has_its_delivery_status_and_times_once_delivered(pc):
    await send(pc, **{"from": PAULA_NUMBER, "to": [QUINN_NUMBER, HANDSET], "text": "hi"})
    pc.world.clock.advance(3)
    _, page = await pc.call("GET", MESSAGES, OWNER, params={"filters[direction]": "out"})
    recipients = page["items"][0]["to"]
    assert [r["delivery_status"] for r in recipients] == ["delivered", "delivered"]
    assert all(r["sent_at"] == r["delivered_at"] and isinstance(r["delivered_at"], int) for r in recipients)


async def test_text_may_be_left_out_only_when_files_carry_the_message(pc):
    created = await send(pc, **{"from": PAULA_NUMBER, "to": HANDSET, "media": [media()]})
    assert created["text"] == "" and created["type"] == "mms"
    status, body = await pc.call("POST", MESSAGES, OWNER, json={"from": PAULA_NUMBER, "to": [HANDSET]})
    assert assert_pc_error(status, body, 422)["fields"] == {"text": ["The text field is required."]}


async def test_every_bad_field_is_named_in_one_422(pc):
    status, body = await pc.call("POST", MESSAGES, OWNER, json={"from": 5, "to": [], "media": "x", "tag": 3})
    assert set(assert_pc_error(status, body, 422)["fields"]) == {"from", "to", "media", "tag"}
    status, body = await pc.call("POST", MESSAGES, OWNER, json={
        "from": PAULA_NUMBER, "to": [HANDSET], "media": [{"data": "%%%"}]})
    assert "media.0.data" in assert_pc_error(status, body, 422)["fields"]
    status, body = await pc.call("POST", MESSAGES, OWNER, json={
        "from": PAULA_NUMBER, "to": [HANDSET], "media": [{"filename": "a.png"}]})
    assert "media.0.data" in assert_pc_error(status, body, 422)["fields"]


async def test_any_file_goes_as_it_is_typed_by_its_name(pc):
    created = await send(pc, **{"from": PAULA_NUMBER, "to": [HANDSET], "media": [
        media(b"%PDF", "menu.pdf"), media(b"\x00", None), media(b"x" * 700_000, "big.bin")]})
    assert [f["type"] for f in created["media"]] == ["application/pdf", "application/octet-stream",
                                                     "application/octet-stream"]


async def test_an_image_names_itself_as_its_thumbnail_and_other_files_have_none(pc):
    created = await send(pc, **{"from": PAULA_NUMBER, "to": [HANDSET], "media": [media(), media(b"%PDF", "menu.pdf")]})
    image, document = created["media"]
    assert image["thumbnail"] == image["url"] and image["type"] == "image/gif"
    assert document["thumbnail"] is None


async def test_a_handsets_mms_lands_in_the_phonecom_inbox_with_its_files(pc):
    await pc.call("POST", "/_emulator/inbound", json={"from": HANDSET, "to": QUINN_NUMBER, "media": [
        {"content_type": "image/gif", "file_name": "dot.gif", "content_base64": base64.b64encode(GIF).decode()}]})
    path = f"/v4/accounts/{ACCOUNT}/extensions/{EXT_102}/messages"
    _, page = await pc.call("GET", path, {"Authorization": "Bearer pc-ext-102-token"})
    (item,) = page["items"]
    assert item["direction"] == "in" and item["type"] == "mms" and item["extension_id"] == int(EXT_102)
    response = await pc.client.get(path_of(item["media"][0]["url"]))
    assert await response.read() == GIF


async def test_filters_sort_and_pages_follow_the_list_grammar(pc):
    first = await send(pc, **{"from": PAULA_NUMBER, "to": [HANDSET], "text": "one"})
    pc.world.clock.advance(10)
    await send(pc, **{"from": PAULA_NUMBER, "to": [QUINN_NUMBER], "text": "two"})
    _, page = await pc.call("GET", MESSAGES, OWNER, params={"filters[direction]": "out", "sort[id]": "asc"})
    assert [i["text"] for i in page["items"]] == ["one", "two"] and page["sort"] == {"id": "asc"}
    created_at = page["items"][0]["created_at"]
    _, later = await pc.call("GET", MESSAGES, OWNER, params={"filters[created_after]": str(created_at)})
    assert {i["text"] for i in later["items"]} == {"two"}
    _, by_id = await pc.call("GET", MESSAGES, OWNER, params={"filters[message_id]": first["message_id"]})
    assert [i["text"] for i in by_id["items"]] == ["one"]
    conversation = page["items"][1]["conversation_id"]
    _, chat = await pc.call("GET", MESSAGES, OWNER, params={"filters[conversation_id]": conversation})
    assert {i["direction"] for i in chat["items"]} == {"in", "out"} and chat["total"] == 2
    _, unread = await pc.call("GET", MESSAGES, OWNER, params={"filters[read]": "false"})
    assert sorted(i["direction"] for i in unread["items"]) == ["in", "out", "out"]  # a sent one starts unread too
    await pc.call("PATCH", f"{MESSAGES}/{first['message_id']}", OWNER, json={"read": True})
    _, read = await pc.call("GET", MESSAGES, OWNER, params={"filters[read]": "true"})
    assert [i["text"] for i in read["items"]] == ["one"]
    status, body = await pc.call("GET", MESSAGES, OWNER, params={"filters[colour]": "red"})
    assert "filters[colour]" in assert_pc_error(status, body, 422)["fields"]


async def test_read_is_set_by_patch_and_a_deleted_message_is_listed_only_when_asked(pc):
    await send(pc, **{"from": PAULA_NUMBER, "to": [QUINN_NUMBER], "text": "hi"})
    _, page = await pc.call("GET", MESSAGES, OWNER, params={"filters[direction]": "in"})
    item = page["items"][0]
    status, patched = await pc.call("PATCH", f"{MESSAGES}/{item['id']}", OWNER, json={"read": True})
    assert status == 200 and patched["read"] is True
    status, body = await pc.call("PATCH", f"{MESSAGES}/{item['id']}", OWNER, json={"read": "yes"})
    assert "read" in assert_pc_error(status, body, 422)["fields"]
    status, body = await pc.call("DELETE", f"{MESSAGES}/{item['id']}", OWNER)
    assert (status, body) == (200, {})
    status, body = await pc.call("GET", f"{MESSAGES}/{item['id']}", OWNER)
    assert_pc_error(status, body, 404)
    _, gone = await pc.call("GET", MESSAGES, OWNER, params={"filters[deleted]": "only"})
    assert [i["id"] for i in gone["items"]] == [item["id"]]


async def test_an_extension_token_sends_and_reads_only_under_its_extension(pc):
    path = f"/v4/accounts/{ACCOUNT}/extensions/{EXT_101}/messages"
    created = await send(pc, PAULA, path, **{"from": PAULA_NUMBER, "to": [HANDSET], "text": "mine"})
    assert created["extension_id"] == int(EXT_101)
    status, body = await pc.call("GET", MESSAGES, PAULA)
    assert_pc_error(status, body, 403)


@pytest.mark.parametrize("raw_id", ["abc", "0" * 30, "-1"])
async def test_an_id_that_is_not_a_message_number_is_404(pc, raw_id):
    status, body = await pc.call("GET", f"{MESSAGES}/{raw_id}", OWNER)
    assert_pc_error(status, body, 404)


async def test_an_inbound_mms_event_is_typed_mms_and_links_its_files(pc, receiver):
    await listen(pc, receiver.url, ["message", "inbound"])
    await pc.call("POST", "/_emulator/inbound", json={"from": HANDSET, "to": PAULA_NUMBER, "text": "pic", "media": [
        {"content_type": "image/gif", "file_name": "dot.gif", "content_base64": base64.b64encode(GIF).decode()}]})
    await delivered(pc)
    (event,) = receiver.events()
    assert "mms-message" in event["tags"] and "sms-message" not in event["tags"]
    data = event["data"]
    assert data["type"] == "mms" and data["media"][0]["filename"] == "dot.gif"
    assert data["media"][0]["thumbnail"] == data["media"][0]["url"]  # as events-examples/message.json has one
    response = await pc.client.get(path_of(data["media"][0]["url"]))
    assert await response.read() == GIF


async def test_a_422_names_every_failing_field_of_every_file(pc):
    status, body = await pc.call("POST", MESSAGES, OWNER, json={})
    assert set(assert_pc_error(status, body, 422)["fields"]) == {"from", "to", "text"}
    status, body = await pc.call("POST", MESSAGES, OWNER, json={
        "from": PAULA_NUMBER, "to": [HANDSET], "media": [{"data": "!"}, {"data": 1, "filename": 2}, 5]})
    assert set(assert_pc_error(status, body, 422)["fields"]) == {
        "media.0.data", "media.1.data", "media.1.filename", "media.2"}


async def test_a_file_name_with_half_a_surrogate_pair_is_refused(pc):
    status, body = await pc.call("POST", MESSAGES, {**OWNER, "Content-Type": "application/json"},
                                 data='{"from": "+12125550101", "to": ["+13125550199"], '
                                 '"media": [{"data": "YQ==", "filename": "a\\ud800.png"}]}')
    assert "media.0.filename" in assert_pc_error(status, body, 422)["fields"]


async def test_base64_wrapped_over_lines_is_read_as_php_reads_it(pc):
    wrapped = base64.encodebytes(GIF * 10).decode()  # 76 characters a line
    created = await send(pc, **{"from": PAULA_NUMBER, "to": [HANDSET], "media": [{"data": wrapped}]})
    assert created["media"][0]["size"] == len(GIF) * 10
