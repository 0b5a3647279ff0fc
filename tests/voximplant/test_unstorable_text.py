"""Half a surrogate pair cannot be stored or written as UTF-8: refused as the parameter's 496 wherever it comes from."""

from __future__ import annotations

import json

import pytest

from .conftest import ACCOUNT_ID, API_KEY, ENABLED, LEGACY, envelope, error_code

LONE = "\\ud800"  # as the JSON text escapes it
RECIPIENT = "16505550102"
SEND = {"source": ENABLED, "destination": RECIPIENT, "sms_body": "x", "store_body": "true"}

# Each command with the string parameters it reads, credentials and cmd included.
STRING_PARAMETERS = [
    ("SendSmsMessage", name) for name in ("source", "destination", "sms_body", "store_body")
] + [
    ("A2PSendSms", name) for name in ("src_number", "dst_numbers", "text", "store_body")
] + [
    ("ControlSms", name) for name in ("phone_number", "command")
] + [
    ("GetPhoneNumbers", name) for name in (
        "phone_id", "phone_number", "phone_region_name", "application_name", "application_id", "country_code",
        "phone_category_name", "phone_template", "order_by", "count", "offset", "deactivated",
        "is_bound_to_application", "from_phone_next_renewal", "to_phone_purchase_date")
] + [
    ("GetSmsHistory", name) for name in (
        "source_number", "destination_number", "direction", "output", "from_date", "to_date", "message_id")
] + [
    ("A2PGetSmsHistory", name) for name in ("delivery_status", "source_number", "output")
] + [
    ("SetPhoneNumberInfo", name) for name in ("phone_id", "phone_number", "incoming_sms_callback_url")
] + [
    ("SetAccountInfo", name) for name in ("callback_url", "callback_salt", "store_outbound_sms", "store_inbound_sms")
] + [
    ("GetPhoneNumbers", name) for name in ("cmd", "account_id", "account_name", "api_key")
]


def json_call(http, cmd: str, fields: dict[str, str], raw: dict[str, str] | None = None) -> dict:
    """POST a JSON body; `raw` values go in as written, so an escape reaches the server as the escape."""
    text = json.dumps({**LEGACY, **fields})[:-1]
    for name, value in (raw or {}).items():
        text += f', "{name}": "{value}"'
    return envelope(http.post(f"/platform_api/{cmd}", content=text + "}",
                              headers={"Content-Type": "application/json"}))


def history_csv(http, cmd: str) -> str:
    response = http.post("/platform_api", data={"cmd": cmd, **LEGACY, "output": "csv"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/octet-stream", response.text
    return response.content.decode("utf-8")


@pytest.mark.parametrize("cmd, name", STRING_PARAMETERS)
def test_lone_surrogate_escaped_in_a_json_parameter_is_496_naming_it(http, cmd, name):
    body = json_call(http, cmd, {}, raw={name: f"1{LONE}"})
    assert error_code(body) == 496
    assert body["error"]["msg"] == f"The '{name}' parameter is invalid."


def test_refused_surrogate_send_leaves_sms_and_a2p_history_csv_writable(http):
    assert error_code(json_call(http, "SendSmsMessage", SEND, raw={"sms_body": f"x{LONE}"})) == 496
    assert error_code(json_call(http, "A2PSendSms", {"src_number": ENABLED, "dst_numbers": RECIPIENT},
                                raw={"text": f"x{LONE}"})) == 496
    assert history_csv(http, "GetSmsHistory").count("\n") == 1  # the header alone: nothing was sent
    assert history_csv(http, "A2PGetSmsHistory").count("\n") == 1


def test_surrogate_pair_escaped_in_json_is_one_character_sent_and_written_to_csv(http):
    assert "result" in json_call(http, "SendSmsMessage", SEND, raw={"sms_body": "smile \\ud83d\\ude00"})
    assert "smile \U0001F600" in history_csv(http, "GetSmsHistory")


def test_json_parameter_named_with_a_lone_surrogate_is_101(http):
    assert error_code(json_call(http, "GetPhoneNumbers", {}, raw={f"name{LONE}": "x"})) == 101


@pytest.mark.parametrize("content_type", ["application/x-www-form-urlencoded; charset=unicode_escape",
                                          "multipart/form-data; boundary=vox"])
def test_form_body_whose_charset_decodes_to_a_lone_surrogate_is_496(http, content_type):
    fields = {**LEGACY, "source": ENABLED, "destination": RECIPIENT}
    if content_type.startswith("multipart"):
        parts = [f'--vox\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n' for k, v in fields.items()]
        parts.append('--vox\r\nContent-Disposition: form-data; name="sms_body"\r\n'
                     'Content-Type: text/plain; charset=unicode_escape\r\n\r\nx\\ud800\r\n--vox--\r\n')
        data = "".join(parts).encode()
    else:
        data = ("&".join(f"{k}={v}" for k, v in fields.items()) + "&sms_body=x\\ud800").encode()
    body = envelope(http.post("/platform_api/SendSmsMessage", content=data, headers={"Content-Type": content_type}))
    assert error_code(body) == 496
    assert "'sms_body'" in body["error"]["msg"]


@pytest.mark.parametrize("where", ["form", "query"])
def test_percent_encoded_surrogate_is_sent_as_replacement_characters_and_csv_still_writes(http, where):
    query = f"account_id={ACCOUNT_ID}&api_key={API_KEY}&source={ENABLED}&destination={RECIPIENT}" \
            "&store_body=1&sms_body=x%ED%A0%80"
    if where == "query":
        response = http.get(f"/platform_api/SendSmsMessage?{query}")
    else:
        response = http.post("/platform_api/SendSmsMessage", content=query,
                             headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert "result" in envelope(response)
    assert "x\ufffd" in history_csv(http, "GetSmsHistory")


def test_multipart_field_of_undecodable_utf8_is_101(http):
    data = (f'--vox\r\nContent-Disposition: form-data; name="account_id"\r\n\r\n{ACCOUNT_ID}\r\n'
            '--vox\r\nContent-Disposition: form-data; name="sms_body"\r\n\r\n').encode() + b"x\xed\xa0\x80\r\n--vox--\r\n"
    body = envelope(http.post("/platform_api/SendSmsMessage", content=data,
                              headers={"Content-Type": "multipart/form-data; boundary=vox"}))
    assert error_code(body) == 101
