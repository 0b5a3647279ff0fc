"""High-volume (A2P) SMS: batches from an A2PSmsSender number, their messages, statuses and pages."""

from __future__ import annotations

import pytest

from .conftest import STORE, assert_rc_error

A2P = "/restapi/v1.0/account/~/a2p-sms"
A2P_NUMBER = "+18005550100"
HANDSET = "+14155550100"


async def batch(rc, headers: dict, messages: list, text: str | None = "Your code is 1234", sender=A2P_NUMBER):
    body = {"from": sender, "messages": messages}
    if text is not None:
        body["text"] = text
    return await rc.call("POST", A2P + "/batches", headers, json=body)


async def test_a_batch_is_accepted_with_201_and_its_bad_destinations_rejected_by_index(rc):
    operator = await rc.login("101")
    status, body = await batch(rc, operator, [{"to": [HANDSET]}, {"to": ["12"]}, {"to": ["+16505550102"]}])
    assert status == 201, body
    assert body["from"] == A2P_NUMBER and body["batchSize"] == 3
    assert body["status"] == "Processing" and body["processedCount"] == 0
    assert body["rejected"] == [{"index": 2, "to": ["12"], "errorCode": "SMS-RC-410",
                                 "description": "The destination number is invalid or not supported"}]


async def test_a_sender_written_without_its_plus_is_shown_in_e164_as_the_recipients_are(rc):
    operator = await rc.login("101")
    status, created = await batch(rc, operator, [{"to": ["14155550100"]}], sender=A2P_NUMBER.lstrip("+"))
    assert status == 201, created
    _, read = await rc.call("GET", f"{A2P}/batches/{created['id']}", operator)
    assert created["from"] == read["from"] == A2P_NUMBER


async def test_each_message_takes_its_own_text_or_the_batchs(rc):
    operator = await rc.login("101")
    _, created = await batch(rc, operator, [{"to": [HANDSET]}, {"to": ["+14155550111"], "text": "own text"}])
    _, page = await rc.call("GET", A2P + "/messages", operator, params={"batchId": created["id"], "view": "Detailed"})
    assert sorted((r["to"], r["text"]) for r in page["records"]) == [
        (["+14155550100"], "Your code is 1234"), (["+14155550111"], "own text")]


async def test_the_batch_and_its_messages_follow_the_delivery_lifecycle(rc):
    operator = await rc.login("101")
    _, created = await batch(rc, operator, [{"to": [HANDSET]}, {"to": ["+14155550111"]}])
    rc.world.clock.advance(1.5)
    _, sent = await rc.call("GET", f"{A2P}/batches/{created['id']}", operator)
    assert (sent["status"], sent["processedCount"]) == ("Sent", 2) and "rejected" not in sent
    rc.world.clock.advance(1)
    _, done = await rc.call("GET", f"{A2P}/batches/{created['id']}", operator)
    assert done["status"] == "Completed"
    _, page = await rc.call("GET", A2P + "/messages", operator, params={"batchId": created["id"]})
    assert {r["messageStatus"] for r in page["records"]} == {"Delivered"}
    assert all("text" not in r and r["direction"] == "Outbound" for r in page["records"])
    _, one = await rc.call("GET", f"{A2P}/messages/{page['records'][0]['id']}", operator)
    assert one["text"] == "Your code is 1234" and one["batchId"] == created["id"]


async def test_a_message_to_a_world_number_arrives_and_stays_out_of_the_senders_message_store(rc):
    operator = await rc.login("101")
    await batch(rc, operator, [{"to": ["+16505550102"]}], text="from the high-volume number")
    alice = await rc.login("102")
    (inbound,) = await rc.store(alice)
    assert (inbound["direction"], inbound["subject"]) == ("Inbound", "from the high-volume number")
    assert inbound["from"]["phoneNumber"] == A2P_NUMBER
    assert await rc.store(operator) == []


async def test_statuses_count_the_messages_by_status_and_error_code(rc):
    operator = await rc.login("101")
    await batch(rc, operator, [{"to": [HANDSET]}, {"to": ["+14155550111"]}])
    rc.world.clock.advance(3)
    _, counts = await rc.call("GET", A2P + "/statuses", operator)
    assert counts["delivered"]["count"] == 2 and counts["queued"]["count"] == 0
    assert set(counts) == {"queued", "sent", "delivered", "deliveryFailed", "sendingFailed"}


async def test_lists_are_paged_with_tokens(rc):
    operator = await rc.login("101")
    _, created = await batch(rc, operator, [{"to": [f"+1415555010{i}"]} for i in range(5)])
    _, first = await rc.call("GET", A2P + "/messages", operator, params={"perPage": "2"})
    assert len(first["records"]) == 2 and first["paging"]["perPage"] == 2
    assert first["paging"]["pageToken"] == first["paging"]["firstPageToken"]  # the current page's, on every page
    _, second = await rc.call("GET", A2P + "/messages", operator,
                              params={"perPage": "2", "pageToken": first["paging"]["nextPageToken"]})
    _, third = await rc.call("GET", A2P + "/messages", operator,
                             params={"perPage": "2", "pageToken": second["paging"]["nextPageToken"]})
    ids = [r["id"] for page in (first, second, third) for r in page["records"]]
    assert len(set(ids)) == 5 and "nextPageToken" not in third["paging"]
    _, batches = await rc.call("GET", A2P + "/batches", operator, params={"from": A2P_NUMBER.lstrip("+")})
    assert [b["id"] for b in batches["records"]] == [created["id"]]


@pytest.mark.parametrize("token", ["pgt\u0661", "pgt1_0", "pgt 1"])
async def test_a_page_token_the_emulator_did_not_write_is_refused(rc, token):
    operator = await rc.login("101")
    status, body = await rc.call("GET", A2P + "/messages", operator, params={"pageToken": token})
    assert status == 400 and body["errors"][0]["parameterName"] == "pageToken", body


async def test_filters_by_phone_number_and_direction(rc):
    operator = await rc.login("101")
    await batch(rc, operator, [{"to": [HANDSET]}, {"to": ["+14155550111"]}])
    _, page = await rc.call("GET", A2P + "/messages", operator, params={"phoneNumber": "14155550111"})
    assert [r["to"] for r in page["records"]] == [["+14155550111"]]
    _, inbound = await rc.call("GET", A2P + "/messages", operator, params={"direction": "Inbound"})
    assert inbound["records"] == []


async def reply(rc, text: str, handset: str = HANDSET) -> dict:
    status, body = await rc.call("POST", "/_emulator/inbound", {}, json={"from": handset, "to": A2P_NUMBER,
                                                                         "text": text})
    assert status == 201, body
    return body


async def test_a_reply_to_a_high_volume_number_is_an_inbound_a2p_message_with_its_text(rc):
    operator = await rc.login("101")
    _, created = await batch(rc, operator, [{"to": [HANDSET]}])
    rc.world.clock.advance(1)
    assert (await reply(rc, "yes please"))["delivered"] is True
    _, inbound = await rc.call("GET", A2P + "/messages", operator, params={"direction": "Inbound"})
    (record,) = inbound["records"]
    assert record["from"] == HANDSET and record["to"] == [A2P_NUMBER] and record["direction"] == "Inbound"
    assert record["messageStatus"] == "Received" and "batchId" not in record
    _, both = await rc.call("GET", A2P + "/messages", operator)  # no direction: both, newest first
    assert [r["direction"] for r in both["records"]] == ["Inbound", "Outbound"]
    status, detail = await rc.call("GET", f"{A2P}/messages/{record['id']}", operator)
    assert status == 200 and detail["text"] == "yes please" and detail["id"] == str(record["id"])
    _, statuses = await rc.call("GET", A2P + "/statuses", operator, params={"batchId": created["id"]})
    assert sum(entry["count"] for entry in statuses.values()) == 1  # the aggregate counts what was sent


async def test_a_reply_to_a_high_volume_number_reaches_no_extensions_message_store(rc):
    await reply(rc, "hello")
    for number in ("101", "102"):
        _, page = await rc.call("GET", STORE, await rc.login(number), params={"direction": "Inbound"})
        assert page["records"] == []
    _, other = await rc.call("GET", A2P + "/messages", await rc.login("101"), params={"batchId": "nope"})
    assert other["records"] == []


async def test_a_number_without_a2p_sms_sender_refuses_the_whole_batch(rc):
    alice = await rc.login("102")
    status, body = await batch(rc, alice, [{"to": [HANDSET]}], sender="+16505550102")
    assert_rc_error(status, body, 400, "CMN-101")
    assert body["errorCode"] == "CMN-101" and body["errors"][0]["parameterName"] == "from"
    assert (await rc.call("GET", A2P + "/messages", alice))[1]["records"] == []
    assert await rc.store(alice) == []


@pytest.mark.parametrize("body, code, parameter", [
    ({"messages": [{"to": [HANDSET]}], "text": "x"}, "CMN-100", "from"),
    ({"from": A2P_NUMBER, "text": "x"}, "CMN-100", "messages"),
    ({"from": A2P_NUMBER, "messages": [], "text": "x"}, "CMN-101", "messages"),
    ({"from": A2P_NUMBER, "messages": [{"to": [HANDSET, "+14155550111"]}], "text": "x"}, "CMN-101", "messages.to"),
    ({"from": A2P_NUMBER, "messages": [{"to": [HANDSET]}]}, "CMN-100", "text"),
    ({"from": A2P_NUMBER, "messages": [{"to": [HANDSET]}], "text": "x" * 1001}, "CMN-101", "text"),
])
async def test_a_bad_batch_gets_the_asg_error_envelope(rc, body, code, parameter):
    operator = await rc.login("101")
    status, answer = await rc.call("POST", A2P + "/batches", operator, json=body)
    assert_rc_error(status, answer, 400, code)
    assert answer["errorCode"] == code and answer["errors"][0]["parameterName"] == parameter


async def test_unknown_batches_and_messages_are_404(rc):
    operator = await rc.login("101")
    for path, parameter in ((f"{A2P}/batches/nope", "batchId"), (f"{A2P}/messages/123", "messageId")):
        status, body = await rc.call("GET", path, operator)
        assert_rc_error(status, body, 404, "CMN-102")
        assert body["errors"][0]["parameterName"] == parameter


async def test_an_ordinary_sms_is_not_an_a2p_message(rc):
    alice = await rc.login("102")
    await rc.sms(alice, "+16505550102", HANDSET, "person to person")
    assert (await rc.call("GET", A2P + "/messages", alice))[1]["records"] == []
    assert len(await rc.store(alice)) == 1
    assert (await rc.call("GET", STORE, alice))[0] == 200


async def test_messages_retention_let_go_leave_the_a2p_lists_too(rc):
    operator = await rc.login("101")
    rc.world.store.retention = 2
    _, old = await batch(rc, operator, [{"to": [HANDSET]}, {"to": ["+14155550111"]}])
    _, new = await batch(rc, operator, [{"to": ["+14155550122"]}, {"to": ["+14155550133"]}])
    _, page = await rc.call("GET", A2P + "/messages", operator)
    assert {r["batchId"] for r in page["records"]} == {new["id"]}
    _, batches = await rc.call("GET", A2P + "/batches", operator)
    assert [b["id"] for b in batches["records"]] == [new["id"]]
    assert (await rc.call("GET", f"{A2P}/batches/{old['id']}", operator))[0] == 404


@pytest.mark.parametrize("path", ["/messages", "/batches", "/statuses"])
async def test_a_date_without_a_time_is_refused_as_the_spec_asks_for_date_times(rc, path):
    status, body = await rc.call("GET", A2P + path, await rc.login("101"), params={"dateFrom": "2026-01-01"})
    assert status == 400 and "dateFrom" in body["message"], body
