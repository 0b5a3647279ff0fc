"""The official voximplant-apiclient, unchanged, against the TLS emulator."""

from __future__ import annotations

import datetime
import json
import time

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from .conftest import ACCOUNT_ID, CREDENTIALS, ENABLED, NOT_ENABLED, UNSUPPORTED

voximplant = pytest.importorskip("voximplant.apiclient")
VoximplantAPI, VoximplantAPIConfig, VoximplantException = (
    voximplant.VoximplantAPI, voximplant.VoximplantAPIConfig, voximplant.VoximplantException)


def test_send_sms_message_returns_id_and_one_fragment(api):
    body = api.send_sms_message(ENABLED, "447700900001", "Test message")
    assert body["result"] == 1
    assert isinstance(body["message_id"], int)
    assert body["fragments_count"] == 1


def test_send_from_number_without_enabled_sms_raises_386_until_control_sms_enables_it(api):
    with pytest.raises(VoximplantException) as refused:
        api.send_sms_message(NOT_ENABLED, "447700900001", "hi")
    assert refused.value.code == 386
    assert "SMS disabled" in refused.value.message
    assert api.control_sms(NOT_ENABLED, "enable") == {"result": 1}
    assert api.send_sms_message(NOT_ENABLED, "447700900001", "hi")["result"] == 1


def test_control_sms_on_number_without_sms_support_raises_528(api):
    with pytest.raises(VoximplantException) as refused:
        api.control_sms(UNSUPPORTED, "enable")
    assert refused.value.code == 528


def test_get_phone_numbers_parses_dates_and_reports_sms_flags(api):
    body = api.get_phone_numbers()
    numbers = {n["phone_number"]: n for n in body["result"]}
    assert set(numbers) == {ENABLED, NOT_ENABLED, UNSUPPORTED}
    assert body["total_count"] == 3
    assert (numbers[ENABLED]["is_sms_supported"], numbers[ENABLED]["is_sms_enabled"]) == (True, True)
    assert (numbers[NOT_ENABLED]["is_sms_supported"], numbers[NOT_ENABLED]["is_sms_enabled"]) == (True, False)
    assert (numbers[UNSUPPORTED]["is_sms_supported"], numbers[UNSUPPORTED]["is_sms_enabled"]) == (False, False)
    assert isinstance(numbers[ENABLED]["phone_next_renewal"], datetime.date)
    assert isinstance(numbers[ENABLED]["phone_purchase_date"], datetime.datetime)
    assert isinstance(numbers[ENABLED]["modified"], datetime.datetime)


def test_control_sms_enable_shows_in_get_phone_numbers(api):
    api.control_sms(NOT_ENABLED, "enable")
    [number] = api.get_phone_numbers(phone_number=NOT_ENABLED)["result"]
    assert number["is_sms_enabled"] is True
    api.control_sms(NOT_ENABLED, "disable")
    [number] = api.get_phone_numbers(phone_number=NOT_ENABLED)["result"]
    assert number["is_sms_enabled"] is False


def test_sms_history_lists_sent_message_with_parsed_date_and_stored_body(api):
    sent = api.send_sms_message(ENABLED, "447700900002", "kept text", store_body=True)
    other = api.send_sms_message(ENABLED, "447700900003", "not kept")
    history = api.get_sms_history(direction="OUT")
    records = {r["message_id"]: r for r in history["result"]}
    assert history["total_count"] == 2
    kept = records[sent["message_id"]]
    assert (kept["source_number"], kept["destination_number"], kept["direction"]) == (ENABLED, "447700900002", "OUT")
    assert kept["text"] == "kept text"
    assert isinstance(kept["processed_date"], datetime.date)
    assert "text" not in records[other["message_id"]]


def test_a2p_send_reports_each_destination_and_lists_in_a2p_history_only(api):
    body = api.a2p_send_sms(ENABLED, ["447700900004", "447700900005", "12"], "A2P hello")
    assert [r["destination_number"] for r in body["result"]] == ["447700900004", "447700900005"]
    assert body["failed"] == [{"destination_number": "12", "error_code": 385, "error_description": "SMS failed to send."}]
    assert body["fragments_count"] == 1
    a2p = api.a2p_get_sms_history()
    assert {r["message_id"] for r in a2p["result"]} == {r["message_id"] for r in body["result"]}
    assert all(isinstance(r["processing_date"], datetime.date) for r in a2p["result"])
    assert api.get_sms_history()["total_count"] == 0


def test_config_default_issuer_zero_is_accepted_as_the_keys_own_account(endpoint, tls_material, monkeypatch):
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(tls_material.ca_path))
    api = VoximplantAPI(config=VoximplantAPIConfig(credentials_file_path=str(CREDENTIALS), endpoint=endpoint))
    assert api.account_id == 0
    assert api.get_phone_numbers()["total_count"] == 3


def test_token_signed_with_another_key_is_refused_with_100(endpoint, tls_material, monkeypatch, tmp_path):
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(tls_material.ca_path))
    forged = json.loads(CREDENTIALS.read_text())
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged["private_key"] = other.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                serialization.NoEncryption()).decode()
    path = tmp_path / "forged.json"
    path.write_text(json.dumps(forged))
    with pytest.raises(VoximplantException) as refused:
        VoximplantAPI(str(path), endpoint=endpoint).send_sms_message(ENABLED, "447700900001", "x")
    assert refused.value.code == 100


def test_token_from_a_client_whose_clock_is_an_hour_behind_is_refused_as_expired(api, monkeypatch):
    real = time.time
    monkeypatch.setattr(voximplant.client.time, "time", lambda: real() - 3600)
    with pytest.raises(VoximplantException) as refused:
        api.get_phone_numbers()
    assert refused.value.code == 456


def test_unknown_key_id_in_credentials_is_refused_with_433(endpoint, tls_material, monkeypatch, tmp_path):
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(tls_material.ca_path))
    credentials = json.loads(CREDENTIALS.read_text())
    credentials["key_id"] = "no-such-key"
    path = tmp_path / "unknown.json"
    path.write_text(json.dumps(credentials))
    with pytest.raises(VoximplantException) as refused:
        VoximplantAPI(str(path), endpoint=endpoint).get_phone_numbers()
    assert refused.value.code == 433


def test_credentials_file_names_the_seeded_account_and_key():
    credentials = json.loads(CREDENTIALS.read_text())
    assert str(credentials["account_id"]) == ACCOUNT_ID
    assert credentials["key_id"] == "vox-key-id"
    assert credentials["private_key"].startswith("-----BEGIN PRIVATE KEY-----")
