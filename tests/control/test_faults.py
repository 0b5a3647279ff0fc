"""POST/GET/DELETE /faults and how the middleware applies them to provider requests."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest

from emulator.core.faults import FaultRequest, FaultRule, build_rule, first_match

SMS_OPERATION = "ringcentral.createSMSMessage"


async def test_a_status_fault_answers_with_ringcentrals_own_error_body(api):
    status, rule = await api.call("POST", "/_emulator/faults", json={
        "operation": SMS_OPERATION, "status": 503})
    assert status == 201 and rule["id"] == 1 and rule["remaining"] is None
    response = await api.send_sms()
    assert response.status == 503
    assert (await response.json())["errorCode"] == "MSG-290"
    assert (await api.call("GET", "/_emulator/messages"))[1]["total"] == 0


async def test_a_fault_with_times_stops_after_that_many_requests(api):
    await api.call("POST", "/_emulator/faults", json={"operation": "createSMSMessage", "status": 429, "times": 1})
    first, second = await api.send_sms("a"), await api.send_sms("b")
    assert (first.status, second.status) == (429, 200)
    assert first.headers["Retry-After"] == "60"
    _, listed = await api.call("GET", "/_emulator/faults")
    assert listed["faults"][0]["hits"] == 1 and listed["faults"][0]["remaining"] == 0


async def test_a_fault_matches_a_number_or_text_in_the_body_only(api):
    await api.call("POST", "/_emulator/faults", json={"number": "+1 (415) 555-0199", "status": 400})
    await api.call("POST", "/_emulator/faults", json={"text": "BOOM", "status": 500})
    assert (await api.send_sms("fine", to="+14155550100")).status == 200
    assert (await api.send_sms("fine", to="+14155550199")).status == 400
    assert (await api.send_sms("say BOOM")).status == 500


@pytest.mark.parametrize(("path", "status"), [  # no credentials: each provider's own 401 (Voximplant's is a 200)
    ("/v4/accounts/2000001/sms", 401), ("/restapi/v1.0/account/~/extension/~/sms", 401),
    ("/platform_api/SendSmsMessage", 200)])
async def test_a_text_rule_meeting_a_body_nested_past_the_json_parser_leaves_the_providers_own_answer(api, path,
                                                                                                  status):
    await api.call("POST", "/_emulator/faults", json={"text": "boom", "status": 503})
    response = await api.client.post(path, data='{"a":' + "[" * 10_000 + "]" * 10_000 + "}",
                                     headers={"Content-Type": "application/json"})
    assert response.status == status, await response.text()  # the rule's 503 does not come, nor a 500
    body = await response.json()
    assert "Internal" not in str(body)


@pytest.mark.parametrize(("rule", "words"), [
    ({"provider": "ringcentrall"}, "provider must be one of ringcentral, phonecom, voximplant"),
    ({"operation": "ringcentral.nope"}, "unknown operation 'ringcentral.nope'; known: aggregateA2PSMSStatuses"),
    ({"operation": "twilio.createSMSMessage"}, "names no provider"),
    ({"operation": "SendSmsMesage"}, "unknown operation 'SendSmsMesage'"),
    ({"provider": "phonecom", "operation": "createSMSMessage"}, "is not one of phonecom's"),
])
async def test_a_rule_naming_a_provider_or_operation_that_does_not_exist_is_refused(api, rule, words):
    status, body = await api.call("POST", "/_emulator/faults", json={**rule, "status": 500})
    assert status == 400 and words in body["error"]["message"]


@pytest.mark.parametrize("rule", [
    {"operation": "createSMSMessage"}, {"operation": "ringcentral.createSMSMessage"},
    {"provider": "voximplant", "operation": "SendSmsMessage"}, {"operation": "create-account-sms"}])
async def test_every_operation_name_the_journal_shows_is_taken_with_or_without_its_provider(api, rule):
    assert (await api.call("POST", "/_emulator/faults", json={**rule, "status": 500}))[0] == 201


async def test_fail_delivery_lets_the_send_succeed_then_the_status_becomes_delivery_failed(api):
    await api.call("POST", "/_emulator/faults", json={"operation": SMS_OPERATION, "fail_delivery": "SMS-CAR-413"})
    response = await api.send_sms()
    assert response.status == 200
    await api.call("POST", "/_emulator/clock", json={"action": "advance", "seconds": 5})
    _, body = await api.call("GET", "/_emulator/messages?direction=Outbound")
    assert [(m["status"], m["error_code"]) for m in body["messages"]] == [("DeliveryFailed", "SMS-CAR-413")]


async def test_a_fail_delivery_rule_naming_no_operation_waits_for_a_send_and_the_recipient_gets_nothing(api):
    await api.call("POST", "/_emulator/faults", json={"fail_delivery": "SMS-CAR-413", "times": 1})
    assert (await api.send_sms()).status == 200  # its login first: no message to fail there
    await api.call("POST", "/_emulator/clock", json={"action": "advance", "seconds": 5})
    _, body = await api.call("GET", "/_emulator/messages")
    assert [(m["direction"], m["status"]) for m in body["messages"]] == [("Outbound", "DeliveryFailed")]
    _, listed = await api.call("GET", "/_emulator/faults")
    assert listed["faults"][0]["hits"] == 1 and listed["faults"][0]["remaining"] == 0


async def test_a_drop_fault_closes_the_connection_without_an_answer(api):
    await api.call("POST", "/_emulator/faults", json={"operation": SMS_OPERATION, "drop": True, "times": 1})
    with pytest.raises(aiohttp.ClientError):
        await api.send_sms()
    _, journal = await api.call("GET", "/_emulator/journal?operation=" + SMS_OPERATION)
    assert [(e["status"], e["fault_effect"]) for e in journal["entries"]] == [(None, "drop")]
    assert (await api.send_sms()).status == 200


async def test_a_latency_fault_delays_then_answers_normally_and_is_journaled(api):
    await api.call("POST", "/_emulator/faults", json={"provider": "ringcentral", "latency_ms": 20,
                                                      "operation": SMS_OPERATION})
    assert (await api.send_sms()).status == 200
    _, journal = await api.call("GET", "/_emulator/journal?operation=" + SMS_OPERATION)
    assert journal["entries"][0]["fault"] == 1 and journal["entries"][0]["fault_effect"] == "latency 20 ms"


async def test_faults_never_touch_the_control_api_or_other_tenants(api):
    await api.call("POST", "/_emulator/faults", json={"status": 500})
    assert (await api.call("GET", "/_emulator/health"))[0] == 200
    assert (await api.on("other").send_sms()).status == 200
    assert (await api.client.get("/restapi/v1.0/account/~/extension")).status == 500


async def test_probability_with_a_seed_gives_the_same_faults_in_every_tenant(api):
    outcomes = []
    for tenant in ("one", "two"):
        await api.on(tenant).call("POST", "/_emulator/faults", json={
            "operation": SMS_OPERATION, "status": 503, "probability": 0.5, "seed": 7})
        outcomes.append([(await api.on(tenant).send_sms(str(i))).status for i in range(8)])
    assert outcomes[0] == outcomes[1]
    assert set(outcomes[0]) == {200, 503}


async def test_faults_can_be_deleted_one_by_one_or_all(api):
    for status in (500, 502):
        await api.call("POST", "/_emulator/faults", json={"status": status})
    code, body = await api.call("DELETE", "/_emulator/faults/1", template="/_emulator/faults/{fault_id}")
    assert code == 200 and body == {"deleted": 1}
    assert [f["status"] for f in (await api.call("GET", "/_emulator/faults"))[1]["faults"]] == [502]
    code, _ = await api.call("DELETE", "/_emulator/faults/1", template="/_emulator/faults/{fault_id}")
    assert code == 404
    code, _ = await api.call("DELETE", "/_emulator/faults/x", template="/_emulator/faults/{fault_id}")
    assert code == 400
    code, body = await api.call("DELETE", "/_emulator/faults")
    assert code == 200 and body == {"deleted": 1}
    assert (await api.send_sms()).status == 200


@pytest.mark.parametrize("rule", [
    {"status": "503"},
    {"status": 200},
    {"status": True},
    {"operation": SMS_OPERATION},
    {"status": 500, "colour": "red"},
    {"status": 500, "times": 0},
    {"status": 500, "probability": 2},
    {"status": 500, "probability": 10 ** 400},  # past what a float holds
    {"status": 500, "drop": True},
    {"fail_delivery": "X", "status": 500},
    {"fail_delivery": "X", "drop": True},
    {"status": 500, "times": 2 ** 53},
    {"latency_ms": -5},
    ["not", "an", "object"],
])
async def test_bad_fault_rules_are_refused_with_a_message(api, rule):
    status, body = await api.call("POST", "/_emulator/faults", json=rule)
    assert status == 400 and body["error"]["message"]


async def test_a_fault_body_that_is_not_json_is_refused(api):
    status, body = await api.call("POST", "/_emulator/faults", data=b"{", headers={"Content-Type": "application/json"})
    assert status == 400 and "JSON" in body["error"]["message"]


def test_first_match_takes_rules_in_order_and_counts_the_hit():
    rules = [build_rule(1, {"provider": "phonecom", "status": 500}), build_rule(2, {"status": 502, "times": 1})]
    request = FaultRequest("ringcentral", SMS_OPERATION, ())
    assert first_match(rules, request).id == 2
    assert first_match(rules, request) is None
    assert [r.hits for r in rules] == [0, 1]


def test_a_rule_names_its_operation_with_or_without_the_provider():
    request = FaultRequest("ringcentral", SMS_OPERATION, ())
    assert first_match([FaultRule(1, operation="createSMSMessage", status=500)], request) is not None
    assert first_match([FaultRule(1, operation="ringcentral.getToken", status=500)], request) is None


async def test_a_send_held_by_a_latency_fault_past_a_reset_is_served_by_the_new_world(api):
    """It is answered after the reset, so it happens there, where it can be read; not in the world the reset threw
    away, where its message would be lost and its id given again."""
    owner = {"Authorization": "Bearer pc-owner-token"}
    await api.call("POST", "/_emulator/faults", json={"operation": "phonecom.create-account-sms", "latency_ms": 300})
    sending = asyncio.ensure_future(api.client.post("/v4/accounts/2000001/sms", headers=owner, json={
        "from": "+12125550101", "to": "+13125550199", "text": "held past the reset"}))
    await asyncio.sleep(0.1)
    assert (await api.call("POST", "/_emulator/reset"))[0] == 200
    response = await sending
    assert response.status == 201
    sent = await response.json()
    _, found = await api.call("GET", "/_emulator/messages?text=held past the reset")
    assert [m["direction"] for m in found["messages"]] == ["Inbound", "Outbound"]
    second = await api.client.post("/v4/accounts/2000001/sms", headers=owner, json={
        "from": "+12125550101", "to": "+13125550199", "text": "after"})
    assert (await second.json())["id"] != sent["id"]
