"""Fault rules and the journal name Voximplant's own methods, whichever way the call is written."""

from __future__ import annotations

from voximplant.apiclient import VoximplantException

import pytest

from .conftest import ENABLED, LEGACY


def test_a_fault_naming_send_sms_message_refuses_the_official_clients_call(api, http):
    http.post("/_emulator/faults", json={"operation": "voximplant.SendSmsMessage", "status": 429, "times": 1})
    with pytest.raises(VoximplantException) as raised:
        api.send_sms_message(ENABLED, "447700900123", "rate limited")
    assert raised.value.code == 340
    assert api.send_sms_message(ENABLED, "447700900123", "now it goes")["result"] == 1


def test_a_fault_naming_another_method_leaves_send_sms_message_alone(api, http):
    http.post("/_emulator/faults", json={"operation": "voximplant.A2PSendSms", "status": 429})
    assert api.send_sms_message(ENABLED, "447700900123", "unaffected")["result"] == 1


@pytest.mark.parametrize("style", ["cmd", "path"])
def test_the_journal_names_the_method_called(http, style):
    if style == "cmd":
        http.post("/platform_api", data={"cmd": "GetPhoneNumbers", **LEGACY})
    else:
        http.get("/platform_api/GetPhoneNumbers/", params=LEGACY)
    [entry, *_] = [e for e in http.get("/_emulator/journal").json()["entries"] if e["provider"] == "voximplant"]
    assert entry["operation"] == "voximplant.GetPhoneNumbers"
