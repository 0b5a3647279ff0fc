"""Every Voximplant error code the emulator can emit, over raw HTTP: always HTTP 200 with {"error": {msg, code}}."""

from __future__ import annotations

import csv
import json
import time

import attrs
import jwt
import pytest

from emulator.providers.voximplant import errors, face
from emulator.providers.voximplant.errors import MESSAGES
from tests.openapi_schemas import REFERENCE

from .conftest import ACCOUNT_ID, ENABLED, KEY_ID, NOT_ENABLED, UNSUPPORTED, envelope, error_code, private_key

ERROR_CODES = REFERENCE / "voximplant" / "api_error_codes.tsv"


def token(claims: dict | None = None, kid: str = KEY_ID, key: str | None = None, algorithm: str = "RS256",
          **overrides) -> str:
    now = int(time.time())
    body = {"iss": ACCOUNT_ID, "iat": now - 5, "exp": now + 24} if claims is None else dict(claims)
    body.update(overrides)
    # Signed as raw JWS so claims PyJWT would refuse to encode (a numeric iss, as Node's client sends) can be made.
    payload = json.dumps(body).encode()
    return jwt.PyJWS().encode(payload, key or private_key(), algorithm=algorithm, headers={"kid": kid, "typ": "JWT"})


def bearer_call(http, bearer: str, cmd: str = "GetPhoneNumbers", **params) -> int | None:
    body = envelope(http.post("/platform_api", data={"cmd": cmd, **params},
                              headers={"Authorization": f"Bearer {bearer}"}))
    return body["error"]["code"] if "error" in body else None


# --- dispatch ------------------------------------------------------------------------------------------

def test_missing_cmd_is_102(http):
    assert error_code(envelope(http.post("/platform_api", data={"account_id": ACCOUNT_ID}))) == 102


def test_unknown_cmd_is_103(call):
    assert error_code(call("NoSuchMethod")) == 103


def test_unknown_path_under_platform_api_is_103(http):
    assert error_code(envelope(http.get("/platform_api/SendSmsMessage/extra/part"))) == 103


def test_unsupported_http_method_is_101(http):
    assert error_code(envelope(http.put("/platform_api/SendSmsMessage", content=b"x"))) == 101


def test_path_method_overrides_cmd(http):
    body = envelope(http.get("/platform_api/GetPhoneNumbers/", params={"cmd": "NoSuchMethod",
                                                                       "account_id": ACCOUNT_ID,
                                                                       "api_key": "vox-api-key"}))
    assert body["total_count"] == 3


# --- legacy credentials -----------------------------------------------------------------------------

@pytest.mark.parametrize("auth", [
    {},
    {"account_id": ACCOUNT_ID},
    {"account_id": ACCOUNT_ID, "api_key": "wrong"},
    {"account_id": "999", "api_key": "vox-api-key"},
    {"account_id": ACCOUNT_ID, "account_name": "emulated-vox", "api_key": "vox-api-key"},
    {"account_id": ACCOUNT_ID, "session_id": "abc"},
], ids=["none", "no-key", "wrong-key", "unknown-account", "two-identifiers", "session-id"])
def test_bad_legacy_credentials_are_100(call, auth):
    assert error_code(call("GetPhoneNumbers", auth=auth)) == 100


@pytest.mark.parametrize("auth", [
    {"account_name": "emulated-vox", "api_key": "vox-api-key"},
    {"account_email": "VOX@example.com", "api_key": "vox-api-key"},
])
def test_account_name_or_email_with_api_key_authenticates(call, auth):
    assert call("GetPhoneNumbers", auth=auth)["total_count"] == 3


def test_credentials_that_logged_in_once_still_refuse_a_wrong_key_and_follow_a_changed_one(call, server):
    assert call("GetPhoneNumbers")["total_count"] == 3
    assert error_code(call("GetPhoneNumbers", auth={"account_id": ACCOUNT_ID, "api_key": "wrong"})) == 100
    directory = server.tenants.get("default").edit()
    account = directory.accounts[ACCOUNT_ID]
    directory.accounts[ACCOUNT_ID] = attrs.evolve(account, auth={**account.auth, "api_key": "rotated"})
    assert error_code(call("GetPhoneNumbers")) == 100
    assert call("GetPhoneNumbers", auth={"account_id": ACCOUNT_ID, "api_key": "rotated"})["total_count"] == 3


# --- service-account tokens ---------------------------------------------------------------------------

def test_well_formed_token_with_numeric_issuer_is_accepted(http):
    assert bearer_call(http, token(iss=int(ACCOUNT_ID))) is None


def test_token_that_is_not_a_jwt_is_447(http):
    assert bearer_call(http, "not-a-token") == 447


def test_unsigned_token_with_alg_none_is_447(http):
    unsigned = jwt.encode({"iss": ACCOUNT_ID, "iat": int(time.time()), "exp": int(time.time()) + 20}, None,
                          algorithm="none", headers={"kid": KEY_ID})
    assert bearer_call(http, unsigned) == 447


def test_hmac_token_keyed_with_the_public_key_is_447(http):
    forged = jwt.encode({"iss": ACCOUNT_ID, "iat": int(time.time()), "exp": int(time.time()) + 20},
                        "a shared secret in place of the RSA key", algorithm="HS256", headers={"kid": KEY_ID})
    assert bearer_call(http, forged) == 447


def test_token_with_tampered_payload_is_100(http):
    header, _, signature = token().split(".")
    _, payload, _ = token(iss="3000002").split(".")
    assert bearer_call(http, f"{header}.{payload}.{signature}") == 100


def test_token_for_another_account_is_100(http):
    assert bearer_call(http, token(iss="3000002")) == 100


def test_token_with_unknown_kid_is_433(http):
    assert bearer_call(http, token(kid="unknown-key")) == 433


def test_token_without_time_claims_is_447(http):
    assert bearer_call(http, token({"iss": ACCOUNT_ID})) == 447


def test_token_living_longer_than_an_hour_is_454(http):
    now = int(time.time())
    assert bearer_call(http, token(iat=now, exp=now + 3601)) == 454
    assert bearer_call(http, token(iat=now, exp=now + 3600)) is None


def test_token_issued_in_the_future_beyond_leeway_is_455(http):
    now = int(time.time())
    assert bearer_call(http, token(iat=now + 120, exp=now + 180)) == 455


def test_expired_token_is_456(http):
    now = int(time.time())
    assert bearer_call(http, token(iat=now - 200, exp=now - 100)) == 456


@pytest.mark.parametrize("bearer", [b"\xff\xfe", b"\xff\xfe.\xff.\xff", "\u00e9t\u00e9.a.b".encode()])
def test_bearer_token_of_bytes_that_are_not_ascii_is_447_like_any_garbage_token(http, bearer):
    response = http.post("/platform_api", data={"cmd": "GetPhoneNumbers"},
                         headers={"Authorization": b"Bearer " + bearer})
    assert error_code(envelope(response)) == 447


NOT_FINITE_TIMES = {  # the other claim, where finite, is an ordinary time: the odd one alone must refuse the token
    "nan-both": {"iat": float("nan"), "exp": float("nan")},
    "nan-iat-1e308-exp": {"iat": float("nan"), "exp": 1e308},
    "nan-exp": {"exp": float("nan")},
    "inf-exp": {"exp": float("inf")},
    "minus-inf-iat": {"iat": float("-inf")},
    "exp-beyond-float": {"iat": 1.5, "exp": 10 ** 400},
    "iat-beyond-float": {"iat": -10 ** 400},
    "iat-as-text": {"iat": "1700000000"},
    "exp-as-boolean": {"exp": True},
}


@pytest.mark.parametrize("times", NOT_FINITE_TIMES.values(), ids=NOT_FINITE_TIMES.keys())
def test_signed_token_whose_times_are_not_finite_numbers_is_447_not_a_token_that_never_expires(http, times):
    assert bearer_call(http, token(**times)) == 447


def test_signed_token_whose_time_has_more_digits_than_python_reads_is_447(http):
    payload = f'{{"iss": "{ACCOUNT_ID}", "iat": {"9" * 5000}, "exp": {int(time.time()) + 20}}}'.encode()
    raw = jwt.PyJWS().encode(payload, private_key(), algorithm="RS256", headers={"kid": KEY_ID, "typ": "JWT"})
    assert bearer_call(http, raw) == 447


def test_signed_token_expiring_in_1e308_seconds_is_454_for_its_lifetime(http):
    assert bearer_call(http, token(iat=int(time.time()), exp=1e308)) == 454


# --- SendSmsMessage -------------------------------------------------------------------------------------

@pytest.mark.parametrize("missing", ["source", "destination", "sms_body"])
def test_send_without_a_required_parameter_is_134(call, missing):
    params = {"source": ENABLED, "destination": "447700900001", "sms_body": "hi"}
    params[missing] = ""
    assert error_code(call("SendSmsMessage", **params)) == 134


def test_send_from_a_number_the_account_does_not_own_is_422(call):
    assert error_code(call("SendSmsMessage", source="447700900009", destination="447700900001", sms_body="x")) == 422


def test_send_to_a_malformed_destination_is_423(call):
    assert error_code(call("SendSmsMessage", source=ENABLED, destination="12ab", sms_body="x")) == 423


def test_send_from_a_number_without_enabled_sms_is_386(call):
    assert error_code(call("SendSmsMessage", source=NOT_ENABLED, destination="447700900001", sms_body="x")) == 386


def test_send_from_a_number_without_sms_support_is_528(call):
    assert error_code(call("SendSmsMessage", source=UNSUPPORTED, destination="447700900001", sms_body="x")) == 528


def test_sms_body_over_765_characters_is_477_and_765_is_accepted(call):
    body = call("SendSmsMessage", source=ENABLED, destination="447700900001", sms_body="a" * 766)
    assert error_code(body) == 477
    assert "765" in body["error"]["msg"] and "sms_body" in body["error"]["msg"]
    assert call("SendSmsMessage", source=ENABLED, destination="447700900001", sms_body="a" * 765)["result"] == 1


def test_store_body_that_is_not_a_boolean_is_496(call):
    body = call("SendSmsMessage", source=ENABLED, destination="447700900001", sms_body="x", store_body="maybe")
    assert error_code(body) == 496


@pytest.mark.parametrize("value", ["true", "True", "TRUE", "1"])
def test_store_body_accepts_booleans_in_any_case(call, value):
    sent = call("SendSmsMessage", source=ENABLED, destination="447700900001", sms_body="kept", store_body=value)
    [record] = call("GetSmsHistory", message_id=str(sent["message_id"]))["result"]
    assert record["text"] == "kept"


# --- A2PSendSms ------------------------------------------------------------------------------------------

def test_a2p_from_a_number_the_account_does_not_own_is_507(call):
    assert error_code(call("A2PSendSms", src_number="447700900009", dst_numbers="447700900001", text="x")) == 507


def test_a2p_from_a_number_without_enabled_sms_is_509_naming_it(call):
    body = call("A2PSendSms", src_number=NOT_ENABLED, dst_numbers="447700900001", text="x")
    assert error_code(body) == 509
    assert NOT_ENABLED in body["error"]["msg"]


def test_a2p_text_over_1600_characters_is_477(call):
    assert error_code(call("A2PSendSms", src_number=ENABLED, dst_numbers="447700900001", text="a" * 1601)) == 477


def test_a2p_text_of_1600_gsm_characters_is_eleven_fragments(call):
    body = call("A2PSendSms", src_number=ENABLED, dst_numbers="447700900001", text="a" * 1600)
    assert body["fragments_count"] == 11


def test_a2p_to_more_than_100_destinations_is_496_and_100_are_sent(call):
    many = [f"4477009{n:05d}" for n in range(101)]
    assert error_code(call("A2PSendSms", src_number=ENABLED, dst_numbers=";".join(many), text="x")) == 496
    body = call("A2PSendSms", src_number=ENABLED, dst_numbers=";".join(many[:100]), text="x")
    assert len(body["result"]) == 100 and body["failed"] == []


def test_a2p_bad_destination_is_a_385_entry_in_failed_not_an_error(call):
    body = call("A2PSendSms", src_number=ENABLED, dst_numbers="447700900001;abc", text="x")
    assert [r["destination_number"] for r in body["result"]] == ["447700900001"]
    assert body["failed"] == [{"destination_number": "abc", "error_code": 385,
                               "error_description": "SMS failed to send."}]


# --- ControlSms and GetPhoneNumbers -----------------------------------------------------------------------

def test_control_sms_for_a_number_of_no_account_is_121(call):
    assert error_code(call("ControlSms", phone_number="447700900009", command="enable")) == 121


def test_control_sms_with_an_unknown_command_is_496(call):
    assert error_code(call("ControlSms", phone_number=NOT_ENABLED, command="toggle")) == 496


def test_control_sms_for_unsupported_number_is_528(call):
    assert error_code(call("ControlSms", phone_number=UNSUPPORTED, command="enable")) == 528


def test_get_phone_numbers_with_a_non_numeric_count_is_496(call):
    assert error_code(call("GetPhoneNumbers", count="many")) == 496


# --- history ------------------------------------------------------------------------------------------------

def test_history_with_an_unknown_direction_is_470(call):
    assert error_code(call("GetSmsHistory", direction="sideways")) == 470


def test_history_with_a_malformed_date_is_111(call):
    assert error_code(call("GetSmsHistory", from_date="2024-01-01T00:00:00Z")) == 111


def test_history_with_from_date_after_to_date_is_123(call):
    assert error_code(call("GetSmsHistory", from_date="2024-02-01 00:00:00", to_date="2024-01-01 00:00:00")) == 123


@pytest.mark.parametrize("cmd", ["GetSmsHistory", "A2PGetSmsHistory"])
def test_history_in_xls_is_105_saying_the_emulator_writes_json_and_csv(call, cmd):
    body = call(cmd, output="xls")
    assert error_code(body) == 105
    assert body["error"]["msg"].startswith(MESSAGES[105])
    assert "xls" in body["error"]["msg"] and "csv" in body["error"]["msg"]


@pytest.mark.parametrize("output", ["pdf", "xml", "csv;json"])
def test_history_in_an_undocumented_format_is_105(call, output):
    body = call("GetSmsHistory", output=output)
    assert error_code(body) == 105
    assert body["error"]["msg"] == MESSAGES[105]


def test_history_count_over_1000_is_496(call):
    assert error_code(call("A2PGetSmsHistory", count="1001")) == 496


def test_a2p_history_with_an_unknown_delivery_status_is_496(call):
    assert error_code(call("A2PGetSmsHistory", delivery_status="9")) == 496


# --- errors of the face itself ---------------------------------------------------------------------------

@pytest.mark.parametrize("status, code", [(429, 340), (401, 100), (403, 104), (404, 103), (400, 101)])
def test_injected_client_side_faults_answer_200_with_voximplant_codes(status, code):
    error = face.fault_error(status)
    assert (error.status, error.code) == (200, code)


def test_injected_server_fault_keeps_its_status_with_the_json_envelope():
    response = face.fault_error(503).response()
    assert response.status == 503
    assert response.content_type == "application/json"


def test_unexpected_failure_inside_a_method_is_code_2_at_http_200(http, monkeypatch):
    from emulator.providers.voximplant import handlers

    async def broken(call):
        raise RuntimeError("boom")

    monkeypatch.setitem(handlers.METHODS, "GetPhoneNumbers", broken)
    body = envelope(http.post("/platform_api", data={"cmd": "GetPhoneNumbers", "account_id": ACCOUNT_ID,
                                                     "api_key": "vox-api-key"}))
    assert error_code(body) == 2


def test_every_fixed_message_matches_the_official_enum():
    if not ERROR_CODES.exists():
        pytest.skip(f"reference table {ERROR_CODES} is not available in this checkout")
    with ERROR_CODES.open(encoding="utf-8") as handle:
        official = {int(row["code"]): row["message"] for row in csv.DictReader(handle, delimiter="\t")}
    for code, message in MESSAGES.items():
        assert code in official, code
        assert message.startswith(official[code]), (code, message, official[code])
    for code in (errors.LENGTH_EXCEEDED, errors.INVALID, errors.A2P_SMS_DISABLED):
        assert code in official
