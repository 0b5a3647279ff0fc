"""A handset that replies STOP to a number gets no more texts from it: RingCentral fails them with SMS-RC-413."""

from __future__ import annotations

import json
from functools import lru_cache

import jsonschema
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from emulator.core import carrier
from emulator.core.model import Status
from emulator.core.rules import SmsRequest
from emulator.providers.ringcentral.rules import SMS_POLICY
from emulator.seed import load_default_seed
from emulator.tenants import Tenants
from tests.openapi_schemas import REFERENCE

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
    record = await status_after_delivery_time(rc, alice, sent["id"])
    assert [(r["phoneNumber"], r["messageStatus"]) for r in record["to"]] == [
        (HANDSET, "SendingFailed"), (OTHER_HANDSET, "Delivered")]
    assert record["messageStatus"] == "SendingFailed"  # a group shows SendingFailed while a recipient does
    _, received = await rc.call("GET", "/_emulator/messages", {}, params={"direction": "Inbound", "text": "to both"})
    assert [m["handset"] for m in received["messages"]] == [OTHER_HANDSET]


async def test_a_high_volume_message_to_an_opted_out_handset_fails_with_its_error_code(rc):
    operator = await rc.login("101")
    assert (await reply(rc, HANDSET, A2P_NUMBER, "STOP"))["delivered"] is True  # the account's A2P store keeps it
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


CONSENTS = "/restapi/v2/accounts/~/sms/consents"
FULL_SPEC = REFERENCE / "ringcentral" / "rc-public-openapi.yml"


@lru_cache(maxsize=1)
def full_spec_components() -> dict:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(FULL_SPEC.read_text(), Loader=loader)["components"]


def assert_vendor_schema(body: dict, schema_name: str) -> None:
    if not FULL_SPEC.exists():
        pytest.skip(f"RingCentral's full OpenAPI description not found at {FULL_SPEC}")
    schema = {"$ref": f"#/components/schemas/{schema_name}", "components": full_spec_components()}
    jsonschema.Draft7Validator(schema).validate(body)


async def test_a_stop_reply_shows_in_the_consent_search_as_the_recipients_opt_out(rc):
    alice = await rc.login("102")
    await reply(rc, HANDSET, ALICE, "STOP")
    await reply(rc, OTHER_HANDSET, ALICE, "STOP")
    await reply(rc, OTHER_HANDSET, ALICE, "START")
    status, found = await rc.call("POST", CONSENTS + "/search", alice, json={})
    assert status == 200, found
    (record,) = found["records"]
    assert {k: record[k] for k in ("from", "to", "optStatus", "source")} == {
        "from": ALICE, "to": HANDSET, "optStatus": "OptOut", "source": "Recipient"}
    assert_vendor_schema(found, "OptRecordList")
    _, opted_in = await rc.call("POST", CONSENTS + "/search", alice, json={"optStatus": "OptIn"})
    assert [r["to"] for r in opted_in["records"]] == [OTHER_HANDSET]


async def test_an_opt_out_recorded_through_the_api_stops_sends_and_an_opt_in_lets_them_through(rc):
    alice = await rc.login("102")
    status, summary = await rc.call("PATCH", CONSENTS, alice, json={"records": [
        {"from": ALICE, "to": HANDSET, "optStatus": "OptOut", "source": "Api"}]})
    assert (status, summary) == (200, {})  # no failedRecords: the schema gives it minItems 1
    _, refused = await rc.sms(alice, ALICE, HANDSET)
    assert (await status_after_delivery_time(rc, alice, refused["id"]))["messageStatus"] == "SendingFailed"
    _, found = await rc.call("POST", CONSENTS + "/search", alice, json={"from": [ALICE], "to": [HANDSET]})
    assert [(r["optStatus"], r["source"]) for r in found["records"]] == [("OptOut", "Api")]
    await rc.call("PATCH", CONSENTS, alice, json={"records": [
        {"from": ALICE, "to": HANDSET, "optStatus": "OptIn", "source": "Api"}]})
    _, sent = await rc.sms(alice, ALICE, HANDSET)
    assert (await status_after_delivery_time(rc, alice, sent["id"]))["messageStatus"] == "Delivered"


async def test_a_consent_for_a_number_the_account_does_not_own_fails_alone(rc):
    alice = await rc.login("102")
    status, summary = await rc.call("PATCH", CONSENTS, alice, json={"records": [
        {"from": "+12125550102", "to": HANDSET, "optStatus": "OptOut", "source": "Api"},  # a Phone.com number
        {"from": "+19995550100", "to": HANDSET, "optStatus": "OptOut", "source": "Api"},  # nobody's
        {"from": ALICE, "to": HANDSET, "optStatus": "OptOut", "source": "Api"}]})
    assert status == 200
    assert [(f["from"], f["error"]["errorCode"], f["error"]["parameterName"]) for f in summary["failedRecords"]] == [
        ("+12125550102", "CMN-101", "from"), ("+19995550100", "CMN-101", "from")]
    assert_vendor_schema(summary, "OptRecordsModificationSummary")
    _, found = await rc.call("POST", CONSENTS + "/search", alice, json={})
    assert [r["to"] for r in found["records"]] == [HANDSET]


@pytest.mark.parametrize("body, parameter", [
    ({}, "records"), ({"records": "x"}, "records"), ({"records": [{"from": ALICE, "to": HANDSET}]}, "records.optStatus"),
    ({"records": [{"from": ALICE, "to": HANDSET, "optStatus": "Maybe"}]}, "records.optStatus"),
    ({"records": [{"from": ALICE, "to": 5, "optStatus": "OptOut", "source": "Api"}]}, "records.to"),
    ({"records": [{"from": ALICE, "to": "4155550100", "optStatus": "OptOut", "source": "Api"}]}, "records.to"),
    ({"records": [{"from": "Alice", "to": HANDSET, "optStatus": "OptOut", "source": "Api"}]}, "records.from"),
    ({"records": [{"from": ALICE, "to": HANDSET, "optStatus": "OptOut", "source": "Me"}]}, "records.source"),
    ({"records": [{"from": ALICE, "to": HANDSET, "optStatus": "OptOut"}]}, "records.source"),
    ({"records": [{"from": ALICE, "to": HANDSET, "optStatus": "OptOut", "source": "Api"}] * 1001}, "records"),
])
async def test_a_malformed_consent_update_is_refused_whole_with_the_parameter_named(rc, body, parameter):
    alice = await rc.login("102")
    status, error = await rc.call("PATCH", CONSENTS, alice, json=body)
    assert status == 400 and error["errors"][0]["parameterName"] == parameter, error
    _, found = await rc.call("POST", CONSENTS + "/search", alice, json={"optStatus": "OptOut"})
    assert found["records"] == []


async def test_consent_search_pages_with_tokens(rc):
    alice = await rc.login("102")
    handsets = [f"+1415555{n:04d}" for n in range(5)]
    await rc.call("PATCH", CONSENTS, alice, json={"records": [
        {"from": ALICE, "to": h, "optStatus": "OptOut", "source": "Api"} for h in handsets]})
    seen, token = [], None
    while True:
        _, page = await rc.call("POST", CONSENTS + "/search", alice,
                                json={"perPage": 2, **({"pageToken": token} if token else {})})
        seen += [r["to"] for r in page["records"]]
        token = page["paging"].get("nextPageToken")
        if token is None:
            break
    assert sorted(seen) == handsets


@pytest.mark.parametrize("body, parameter", [
    ({"optStatus": "Sometimes"}, "optStatus"), ({"perPage": 0}, "perPage"), ({"perPage": 1e400}, "perPage"),
    ({"perPage": True}, "perPage"), ({"pageToken": 7}, "pageToken"), ({"pageToken": "nope"}, "pageToken"),
    ({"from": ALICE}, "from"), ({"to": [1]}, "to"), ({"from": []}, "from"), ({"from": ["not-a-number"]}, "from"),
    ({"to": [HANDSET, HANDSET]}, "to"), ({"to": [f"+1415555{n:04d}" for n in range(21)]}, "to"),
    ({"coverage": ["Bogus"]}, "coverage"), ({"campaignType": ["Bogus"]}, "campaignType"),
    ({"coverage": []}, "coverage"),
])
async def test_a_malformed_consent_search_gets_a_400_naming_the_parameter(rc, body, parameter):
    alice = await rc.login("102")
    response = await rc.client.post(CONSENTS + "/search", data=json.dumps(body).replace("Infinity", "1e400"),
                                    headers={**alice, "Content-Type": "application/json"})
    error = await response.json()
    assert response.status == 400 and error["errors"][0]["parameterName"] == parameter, error
