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
