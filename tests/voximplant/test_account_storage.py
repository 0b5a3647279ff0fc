"""SetAccountInfo's store_outbound_sms and store_inbound_sms decide which SMS texts GetSmsHistory shows."""

from __future__ import annotations

import pytest

from .conftest import ENABLED, error_code


def texts(call) -> dict[str, str | None]:
    return {r["direction"]: r.get("text") for r in call("GetSmsHistory")["result"]}


def test_by_default_outbound_texts_need_store_body_and_inbound_texts_show(call):
    call("SendSmsMessage", source=ENABLED, destination=ENABLED, sms_body="to myself")
    assert texts(call) == {"OUT": None, "IN": "to myself"}


def test_store_outbound_sms_keeps_outbound_texts_and_store_inbound_sms_false_drops_inbound_ones(call):
    assert call("SetAccountInfo", store_outbound_sms="true", store_inbound_sms="false")["result"] == 1
    call("SendSmsMessage", source=ENABLED, destination=ENABLED, sms_body="to myself")
    assert texts(call) == {"OUT": "to myself", "IN": None}


def test_a_storage_setting_changes_what_is_kept_from_then_on_not_what_was(call, server):
    call("SendSmsMessage", source=ENABLED, destination=ENABLED, sms_body="before")
    server.tenants.get().clock.advance(1)
    assert call("SetAccountInfo", store_outbound_sms="true", store_inbound_sms="false")["result"] == 1
    server.tenants.get().clock.advance(1)
    call("SendSmsMessage", source=ENABLED, destination=ENABLED, sms_body="after")
    history = [(r["direction"], r.get("text")) for r in call("GetSmsHistory")["result"]]
    assert history == [("OUT", None), ("IN", "before"), ("OUT", "after"), ("IN", None)]


@pytest.mark.parametrize("name", ["store_outbound_sms", "store_inbound_sms"])
def test_a_storage_setting_that_is_not_a_boolean_is_496(call, name):
    assert error_code(call("SetAccountInfo", **{name: "maybe"})) == 496
