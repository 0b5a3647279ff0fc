"""GET/DELETE /messages, POST /inbound, GET /wait, GET /journal, health and reset."""

from __future__ import annotations

import asyncio

import pytest

from emulator.core.model import Direction, Status

from ..waiting import eventually
from .conftest import BASIC, HANDSET

RC_ACCOUNT = "1346632010"


async def test_health_names_the_tenant_chosen_by_prefix_or_header(api):
    assert (await api.call("GET", "/_emulator/health"))[1]["tenant"] == "default"
    assert (await api.on("blue").call("GET", "/_emulator/health"))[1]["tenant"] == "blue"
    response = await api.client.get("/_emulator/health", headers={"X-Emulator-Tenant": "green"})
    assert (await response.json())["tenant"] == "green"


async def test_health_answers_a_head_liveness_probe(api):
    response = await api.client.head("/_emulator/health")
    assert response.status == 200 and response.content_type == "application/json"
    assert await response.read() == b""
    assert (await api.client.head("/t/blue/_emulator/health")).status == 200


async def test_a_bad_tenant_name_is_refused_with_a_json_message(api):
    response = await api.client.get("/_emulator/health", headers={"X-Emulator-Tenant": "no spaces!"})
    assert response.status == 400
    assert "tenant names" in (await response.json())["error"]["message"]


@pytest.mark.parametrize("path", ["/t/blue%0A/_emulator/health", "/t/no%20spaces/_emulator/health"])
async def test_a_bad_tenant_name_in_the_path_is_refused_too(api, path):
    response = await api.client.get(path)
    assert response.status == 400
    assert "tenant names" in (await response.json())["error"]["message"]


async def test_messages_lists_both_the_senders_copy_and_what_the_outside_handset_received(api):
    assert (await api.send_sms("first")).status == 200
    status, body = await api.call("GET", "/_emulator/messages")
    assert status == 200 and body["total"] == 2
    by_provider = {m["provider"]: m for m in body["messages"]}
    assert by_provider["ringcentral"]["direction"] == "Outbound"
    assert by_provider["outside"]["handset"] == HANDSET and by_provider["outside"]["text"] == "first"


async def test_messages_are_newest_first_and_paged_with_a_total(api):
    for text in ("one", "two", "three"):
        await api.send_sms(text)
    status, body = await api.call("GET", "/_emulator/messages?provider=outside&limit=2&offset=1")
    assert status == 200
    assert body["total"] == 3 and body["limit"] == 2 and body["offset"] == 1
    assert [m["text"] for m in body["messages"]] == ["two", "one"]


async def test_messages_filter_by_direction_number_text_account_and_status(api):
    await api.send_sms("code 111", to="+14155550111")
    await api.send_sms("hello there", to="+14155550122")
    _, body = await api.call("GET", "/_emulator/messages?number=%2B14155550111")
    assert {m["text"] for m in body["messages"]} == {"code 111"}
    _, body = await api.call("GET", "/_emulator/messages?text=there&direction=outbound")
    assert [(m["text"], m["provider"]) for m in body["messages"]] == [("hello there", "ringcentral")]
    _, body = await api.call("GET", f"/_emulator/messages?account={RC_ACCOUNT}&status=Queued")
    assert body["total"] == 2
    _, body = await api.call("GET", "/_emulator/messages?status=Delivered")
    assert body["total"] == 0


async def test_messages_filter_by_time_window(api):
    await api.send_sms("early")
    await api.call("POST", "/_emulator/clock", json={"action": "advance", "by": "1h"})
    _, clock = await api.call("GET", "/_emulator/clock")
    await api.send_sms("late")
    _, since = await api.call("GET", f"/_emulator/messages?provider=outside&since={clock['now']}")
    _, until = await api.call("GET", f"/_emulator/messages?provider=outside&until={clock['now_ms'] - 1}")
    assert [m["text"] for m in since["messages"]] == ["late"]
    assert [m["text"] for m in until["messages"]] == ["early"]


async def test_unknown_filters_and_bad_paging_are_refused_with_400(api):
    for query in ("colour=red", "limit=0", "limit=abc", "offset=-1", "since=yesterday", "number=not-a-number"):
        status, body = await api.call("GET", f"/_emulator/messages?{query}")
        assert status == 400, query
        assert body["error"]["message"]


@pytest.mark.parametrize("query", ["direction=sideways", "status=Recieved", "provider=ringcentrall", "kind=MMS"])
async def test_a_misspelt_filter_value_is_a_400_not_an_empty_list(api, query):
    status, body = await api.call("GET", f"/_emulator/messages?{query}")
    assert status == 400 and query.split("=")[0] + " must be one of" in body["error"]["message"]


async def test_delete_messages_clears_the_tenant(api):
    await api.send_sms()
    status, body = await api.call("DELETE", "/_emulator/messages")
    assert status == 200 and body["deleted"] == 2
    assert (await api.call("GET", "/_emulator/messages"))[1]["total"] == 0


async def test_inbound_arrives_in_the_owning_extensions_ringcentral_mailbox(api):
    status, body = await api.call("POST", "/_emulator/inbound", json={
        "from": HANDSET, "to": "+16505550103", "text": "hi Bob"})
    assert status == 201 and body["delivered"] is True
    assert body["message"]["provider"] == "ringcentral" and body["message"]["extension"] == "1346632010103"
    token = await api.client.post("/restapi/oauth/token", headers={"Authorization": BASIC}, data={
        "grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "assertion": "rc-jwt-103"})
    access = (await token.json())["access_token"]
    store = await api.client.get("/restapi/v1.0/account/~/extension/~/message-store",
                                 headers={"Authorization": f"Bearer {access}"})
    records = (await store.json())["records"]
    assert [(r["direction"], r["subject"]) for r in records] == [("Inbound", "hi Bob")]


async def test_inbound_to_a_disabled_extension_is_dropped_not_delivered(api):
    status, body = await api.call("POST", "/_emulator/inbound", json={
        "from": HANDSET, "to": "+16505550104", "text": "anyone?"})
    assert status == 200 and body == {"delivered": False, "message": None, "reason": body["reason"]}


async def test_inbound_to_a_number_nobody_owns_is_404(api):
    status, body = await api.call("POST", "/_emulator/inbound", json={
        "from": HANDSET, "to": "+19995550000", "text": "x"})
    assert status == 404 and "+19995550000" in body["error"]["message"]


async def test_inbound_refuses_bad_json_wrong_types_missing_and_unknown_fields(api):
    cases = [
        {"data": b"{not json", "headers": {"Content-Type": "application/json"}},
        {"json": ["a list"]},
        {"json": {"from": 4155550100, "to": "+16505550103", "text": "x"}},
        {"json": {"from": HANDSET, "to": "+16505550103"}},
        {"json": {"from": HANDSET, "to": "+16505550103", "text": "x", "colour": "red"}},
        {"json": {"from": HANDSET, "to": "+16505550103", "text": 5}},
        {"json": {"from": "+16505550102", "to": "+16505550103", "text": "x"}},
        {"data": b'{"from": "+14155550100", "to": "+16505550103", "text": "a\\ud800b"}',
         "headers": {"Content-Type": "application/json"}},
    ]
    for case in cases:
        status, body = await api.call("POST", "/_emulator/inbound", **case)
        assert status == 400, case
        assert body["error"]["status"] == 400 and body["error"]["message"]


async def test_wait_answers_as_soon_as_enough_messages_match(api):
    waiting = asyncio.ensure_future(api.call("GET", "/_emulator/wait?count=2&provider=outside&timeout=10"))
    await asyncio.sleep(0.05)
    await api.send_sms("a")
    await api.send_sms("b")
    status, body = await waiting
    assert status == 200 and body["timed_out"] is False and body["count"] == 2


async def test_wait_times_out_with_408_and_says_what_it_saw(api):
    await api.send_sms("only one")
    status, body = await api.call("GET", "/_emulator/wait?count=2&provider=outside&timeout=0.1")
    assert status == 408 and body["timed_out"] is True and body["count"] == 1
    assert "1 of 2" in body["message"]


async def test_a_wait_begun_before_a_reset_sees_the_messages_that_come_after_it(api):
    waiting = asyncio.ensure_future(api.call("GET", "/_emulator/wait?count=1&text=after&timeout=5"))
    await asyncio.sleep(0.05)
    await api.call("POST", "/_emulator/reset")
    await api.call("POST", "/_emulator/inbound", json={"from": HANDSET, "to": "+16505550103", "text": "after"})
    status, body = await waiting
    assert status == 200 and body["count"] == 1 and body["messages"][0]["text"] == "after"


async def test_wait_refuses_bad_parameters(api):
    for query in ("count=0", "timeout=-1", "timeout=soon", "colour=red", "since=" + "9" * 5000):
        status, _ = await api.call("GET", f"/_emulator/wait?{query}")
        assert status == 400, query


async def test_journal_records_operation_status_and_newest_first(api):
    await api.send_sms()
    await api.client.get("/restapi/v1.0/nothing-here")
    status, body = await api.call("GET", "/_emulator/journal?provider=ringcentral")
    assert status == 200
    assert [(e["operation"], e["status"]) for e in body["entries"]] == [
        (None, 404), ("ringcentral.createSMSMessage", 200), ("ringcentral.getToken", 200)]
    _, only = await api.call("GET", "/_emulator/journal?operation=ringcentral.getToken")
    assert only["total"] == 1
    _, short = await api.call("GET", "/_emulator/journal?operation=getToken")  # as fault rules take it too
    assert short["total"] == 1


@pytest.mark.parametrize("query, words", [
    ("provider=bogus", "unknown provider 'bogus'"),
    ("operation=nope", "unknown operation 'nope'"),
    ("provider=ringcentral&provider=phonecom", "given more than once: provider"),
])
async def test_a_journal_filter_that_could_match_nothing_is_refused_rather_than_read_as_no_requests(api, query,
                                                                                                     words):
    status, body = await api.call("GET", "/_emulator/journal?" + query)
    assert status == 400 and words in body["error"]["message"]


async def test_a_message_query_parameter_given_twice_is_refused_as_only_one_could_be_read(api):
    status, body = await api.call("GET", "/_emulator/messages?limit=1&limit=1000")
    assert status == 400 and "given more than once: limit" in body["error"]["message"]


async def test_journal_is_per_tenant_and_can_be_cleared(api):
    await api.on("other").send_sms()
    assert (await api.call("GET", "/_emulator/journal?provider=ringcentral"))[1]["total"] == 0
    status, body = await api.on("other").call("DELETE", "/_emulator/journal")
    assert status == 200 and body["deleted"] >= 2
    assert (await api.on("other").call("GET", "/_emulator/journal"))[1]["total"] == 0


async def test_a_wrong_path_or_method_under_a_tenant_prefix_is_journaled_in_that_tenant(api):
    await api.client.get("/t/other/restapi/v1.0/nothing-here")
    await api.client.put("/t/other/restapi/oauth/token")
    _, theirs = await api.on("other").call("GET", "/_emulator/journal?provider=ringcentral")
    assert [e["status"] for e in theirs["entries"]] == [405, 404]
    assert (await api.call("GET", "/_emulator/journal?provider=ringcentral"))[1]["total"] == 0


async def test_journal_refuses_unknown_parameters(api):
    status, _ = await api.call("GET", "/_emulator/journal?colour=red")
    assert status == 400


async def test_reset_empties_this_tenant_only(api):
    await api.send_sms("mine")
    await api.on("other").send_sms("theirs")
    status, body = await api.call("POST", "/_emulator/reset")
    assert status == 200 and body == {"status": "reset", "tenant": "default"}
    assert (await api.call("GET", "/_emulator/messages"))[1]["total"] == 0
    assert (await api.on("other").call("GET", "/_emulator/messages"))[1]["total"] == 2


async def test_request_log_gets_one_structured_entry_per_request(api, request_log):
    request_log.clear()
    await api.call("GET", "/_emulator/health")
    assert len(request_log) == 1
    assert request_log[0]["operation"] == "control.health" and request_log[0]["status"] == 200
    assert request_log[0]["tenant"] == "default"


async def test_control_errors_are_json_for_unknown_paths_and_wrong_methods(api):
    missing = await api.client.get("/_emulator/nothing")
    wrong = await api.client.put("/_emulator/messages")
    assert missing.status == 404 and (await missing.json())["error"]["status"] == 404
    assert wrong.status == 405 and (await wrong.json())["error"]["status"] == 405


async def test_statuses_fall_due_while_no_request_comes(api, tenants):
    assert (await api.send_sms()).status == 200
    world = tenants.get("default")
    outbound = next(m for m in world.store.newest_first() if m.direction is Direction.OUTBOUND)
    world.clock.advance(5)
    # read off the record: nothing asked the world for the time, only the server's clock readings
    await eventually(lambda: outbound.status is Status.DELIVERED, "the SMS delivered")


async def test_one_tenant_whose_tick_fails_stops_neither_the_others_nor_the_ticker(api, tenants, caplog):
    broken, healthy = tenants.get("broken"), tenants.get("healthy")
    broken.tick_listeners.append(lambda: 1 / 0)
    healthy.clock.advance(60)
    ticked = []
    healthy.tick_listeners.append(lambda: ticked.append(healthy.time.ms))
    await eventually(lambda: len(ticked) >= 2, "two ticks of the healthy tenant")
    assert ticked[-1] >= healthy.clock.now_ms() - 1000
    assert [r.getMessage() for r in caplog.records if r.levelname == "ERROR"] == ["a tenant's status tick failed"]
