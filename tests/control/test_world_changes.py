"""World changes, and control-API inputs of the wrong type, are refused with a clear 4xx, never a 500."""

from __future__ import annotations

import pytest

RC = "1346632010"


async def test_a_number_can_be_switched_off_for_sms_and_inbound_is_then_dropped(api, tenants):
    status, _ = await api.call("POST", "/_emulator/world", json={
        "action": "update_number", "number": "+16505550103", "changes": {"sms_enabled": False}})
    assert status == 200
    assert tenants.get("default").directory.numbers["+16505550103"].sms_enabled is False


@pytest.mark.parametrize("body", [
    {"action": ["update_number"]},
    {"action": {"x": 1}},
    {"action": "update_number", "number": "+16505550103", "changes": {"sms_enabled": "false"}},
    {"action": "update_number", "number": "+16505550103", "changes": {"features": "SmsSender"}},
    {"action": "update_number", "number": "+16505550103", "changes": {"type": ["FaxOnly"]}},
    {"action": "set_extension_status", "extension": ["103"], "status": "Frozen"},
    {"action": "update_number", "number": "+16505550103", "changes": {"features": ["A2PSmsSnder"]}},
    {"action": "update_number", "number": "+16505550103", "changes": {"type": "weird"}},
    {"action": "update_number", "number": "+16505550103", "changes": {"usage_type": "x"}},
    {"action": "set_extension_status", "extension": "103", "status": "Frozen", "department": "200"},
    {"action": "update_number", "number": "+16505550103", "changes": {"sms_enabled": False}, "status": "Frozen"},
])
async def test_world_changes_of_the_wrong_type_are_a_400_and_change_nothing(api, tenants, body):
    before = tenants.get("default").directory.numbers["+16505550103"]
    snapshot = (before.sms_enabled, before.features, before.type)
    status, answer = await api.call("POST", "/_emulator/world", json=body)
    assert status == 400 and answer["error"]["message"]
    after = tenants.get("default").directory.numbers["+16505550103"]
    assert (after.sms_enabled, after.features, after.type) == snapshot
    assert tenants.get("default").extension(RC, "103").status.value == "Enabled"


async def test_message_offsets_beyond_the_documented_bound_are_a_400(api):
    status, answer = await api.call("GET", "/_emulator/messages?offset=99999999999999999999")
    assert status == 400 and "offset" in answer["error"]["message"]


@pytest.mark.parametrize("query", ["since=" + "9" * 5000, "until=" + "9" * 17])
async def test_a_time_filter_of_more_digits_than_any_time_is_a_400(api, query):
    status, answer = await api.call("GET", f"/_emulator/messages?{query}")
    assert status == 400 and query.split("=")[0] in answer["error"]["message"]


@pytest.mark.parametrize(("department", "member", "words"), [
    ("102", "103", "only a Department has members"),
    ("200", "200", "a department's members are users"),
])
async def test_members_join_only_a_department_and_are_never_departments(api, tenants, department, member, words):
    status, answer = await api.call("POST", "/_emulator/world", json={
        "action": "add_member", "department": department, "member": member})
    assert status == 400 and words in answer["error"]["message"]
    assert tenants.get("default").extension(RC, "200").members == tenants.get("other").extension(RC, "200").members


async def test_removing_an_extension_that_is_not_a_member_is_a_400(api):
    status, answer = await api.call("POST", "/_emulator/world", json={
        "action": "remove_member", "department": "200", "member": "101"})
    assert status == 400 and "101 is not a member of department 200" in answer["error"]["message"]


@pytest.mark.parametrize("fault_id", ["²", "٣", "1²", "9" * 5000])
async def test_fault_ids_with_non_ascii_digits_are_not_found_rather_than_a_crash(api, fault_id):
    status, answer = await api.call("DELETE", f"/_emulator/faults/{fault_id}", template="/_emulator/faults/{fault_id}")
    assert 400 <= status < 500 and answer["error"]["message"]


async def test_a_fault_rule_with_null_probability_takes_the_default(api):
    status, rule = await api.call("POST", "/_emulator/faults", json={"status": 429, "probability": None})
    assert status == 201 and rule["probability"] == 1.0


@pytest.mark.parametrize("provider", [True, "x", 5, ["phonecom"]])
@pytest.mark.parametrize("body", [
    {"action": "add_member", "department": "200", "member": "106"},
    {"action": "set_extension_status", "account": RC, "extension": "103", "status": "Frozen"},
    {"action": "update_number", "number": "+16505550103", "changes": {"sms_enabled": False}},
])
async def test_a_world_change_naming_no_known_provider_is_a_400_listing_the_providers(api, tenants, provider, body):
    status, answer = await api.call("POST", "/_emulator/world", json={**body, "provider": provider})
    assert status == 400, answer
    assert "provider must be one of ringcentral, phonecom, voximplant" in answer["error"]["message"]
    assert tenants.get("default").directory.numbers["+16505550103"].sms_enabled is True
    assert tenants.get("default").extension(RC, "103").status.value == "Enabled"


async def test_a_world_change_naming_an_account_of_another_provider_is_a_400_saying_whose_it_is(api, tenants):
    status, answer = await api.call("POST", "/_emulator/world", json={
        "action": "set_extension_status", "account": RC, "provider": "phonecom", "extension": "103",
        "status": "Frozen"})
    assert status == 400
    assert answer["error"]["message"] == f"account {RC} is ringcentral's, not phonecom's"
    assert tenants.get("default").extension(RC, "103").status.value == "Enabled"


@pytest.mark.parametrize("path, name", [
    ("/_emulator/messages", "limit"), ("/_emulator/messages", "offset"), ("/_emulator/wait", "count"),
    ("/_emulator/journal", "limit"), ("/_emulator/webhooks", "limit"),
])
@pytest.mark.parametrize("raw", ["1_0", "%2B1", "%201", "1%20", "%D9%A1", "0x1", "9" * 5000])
async def test_integer_query_parameters_take_plain_ascii_digits_only(api, path, name, raw):
    wait = "&timeout=0" if path.endswith("wait") else ""
    status, answer = await api.call("GET", f"{path}?{name}={raw}{wait}")
    assert status == 400 and answer["error"]["message"].startswith(f"{name} must be"), answer


@pytest.mark.parametrize("by", ["\u0661s", "\u0661\u0660m"])
async def test_a_clock_duration_takes_ascii_digits_only(api, by):
    status, answer = await api.call("POST", "/_emulator/clock", json={"action": "advance", "by": by})
    assert status == 400 and "a duration is" in answer["error"]["message"]
    assert (await api.call("GET", "/_emulator/clock"))[1]["now"] == "2026-03-02T10:00:00.000Z"
