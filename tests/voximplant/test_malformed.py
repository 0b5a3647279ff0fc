"""No request of any shape gets anything but HTTP 200 with Voximplant's JSON envelope."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emulator.providers.voximplant.handlers import METHODS

from .conftest import ACCOUNT_ID, API_KEY, ENABLED, LEGACY, envelope, error_code

FORM = "application/x-www-form-urlencoded"


def multipart(fields: dict[str, str], boundary: str = "vox-boundary") -> bytes:
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n' for k, v in fields.items()]
    return ("".join(parts) + f"--{boundary}--\r\n").encode()


def chunks(data: bytes, size: int = 7):
    for start in range(0, len(data), size):
        yield data[start:start + size]


MALFORMED = [
    ("POST", "/platform_api", {}, b""),
    ("POST", "/platform_api", {"Content-Type": FORM}, b"\xff\xfe\x00garbage=\xc3"),
    ("POST", "/platform_api", {"Content-Type": FORM}, b"cmd=%zz&account_id=%ff%fe&&&=&=="),
    ("POST", "/platform_api", {"Content-Type": "multipart/form-data; boundary=abc"}, b"--abc\r\nnonsense"),
    ("POST", "/platform_api", {"Content-Type": "multipart/form-data"}, b"no boundary at all"),
    ("POST", "/platform_api", {"Content-Type": "multipart/form-data; boundary=x"}, b"--x\r\n\r\n\r\n--x"),
    ("POST", "/platform_api", {"Content-Type": "application/json"}, b"[1, 2, 3]"),
    ("POST", "/platform_api", {"Content-Type": "application/json"}, b"{not json"),
    ("POST", "/platform_api", {"Content-Type": "application/json"}, b"[" * 100_000 + b"]" * 100_000),
    ("POST", "/platform_api", {"Content-Type": "application/json"}, b'{"cmd": {"nested": true}}'),
    ("POST", "/platform_api", {"Content-Type": "text/plain"}, b"cmd=SendSmsMessage"),
    ("POST", "/platform_api", {"Content-Type": FORM}, b"cmd=SendSmsMessage&" + b"x" * (2 * 1024 * 1024)),
    ("POST", "/platform_api", {"Content-Type": FORM, "Authorization": "Bearer"}, b"cmd=GetPhoneNumbers"),
    ("POST", "/platform_api", {"Content-Type": FORM, "Authorization": "Bearer a.b.c"}, b"cmd=GetPhoneNumbers"),
    ("POST", "/platform_api", {"Content-Type": FORM, "Authorization": "Basic Zm9vOmJhcg=="}, b"cmd=GetPhoneNumbers"),
    ("POST", "/platform_api", {"Content-Type": FORM, "Authorization": "Bearer ....."}, b"cmd=GetPhoneNumbers"),
    ("GET", "/platform_api/", {}, b""),
    ("GET", "/platform_api//", {}, b""),
    ("GET", "/platform_api/%00", {}, b""),
    ("GET", "/platform_api/Send%20Sms%2F..%2F", {}, b""),
    ("GET", "/platform_api/" + "A" * 2000, {}, b""),
    ("GET", "/platform_api/GetSmsHistory?count=-1&offset=x&message_id=1;a;;", {}, b""),
    ("PUT", "/platform_api", {}, b"cmd=GetPhoneNumbers"),
    ("DELETE", "/platform_api/SendSmsMessage", {}, b""),
    ("PATCH", "/platform_api/SendSmsMessage/", {}, b""),
    ("OPTIONS", "/platform_api", {}, b""),
]


@pytest.mark.parametrize("method, path, headers, body", MALFORMED, ids=[f"{i}-{m[0]}" for i, m in enumerate(MALFORMED)])
def test_malformed_request_gets_200_json_error(http, method, path, headers, body):
    body = envelope(http.request(method, path, headers=headers, content=body))
    assert "error" in body
    assert isinstance(body["error"]["code"], int)


def test_oversize_body_is_refused_with_101(http):
    response = http.post("/platform_api", headers={"Content-Type": FORM},
                         content=b"cmd=SendSmsMessage&sms_body=" + b"x" * (2 * 1024 * 1024))
    assert error_code(envelope(response)) == 101


def test_chunked_multipart_body_like_the_node_client_sends_is_read(http):
    data = multipart({"cmd": "SendSmsMessage", "account_id": ACCOUNT_ID, "api_key": API_KEY, "source": ENABLED,
                      "destination": "447700900001", "sms_body": "multipart ü", "store_body": "true"})
    response = http.post("/platform_api", content=chunks(data),
                         headers={"Content-Type": "multipart/form-data; boundary=vox-boundary"})
    assert "chunked" in response.request.headers.get("Transfer-Encoding", "")
    sent = envelope(response)
    assert sent["result"] == 1
    assert sent["fragments_count"] == 1


def test_chunked_urlencoded_body_is_read(http):
    data = b"cmd=GetPhoneNumbers&account_id=3000001&api_key=vox-api-key"
    body = envelope(http.post("/platform_api", content=chunks(data), headers={"Content-Type": FORM}))
    assert body["total_count"] == 3


def test_query_parameters_with_a_json_body_like_the_docs_example_are_read(http):
    response = http.post("/platform_api/SendSmsMessage", json={}, params={
        **LEGACY, "source": ENABLED, "destination": "447700900001", "sms_body": "Test message", "store_body": "true"})
    sent = envelope(response)
    assert sent["result"] == 1


def test_plus_in_query_string_is_a_space_as_form_encoding_says(http, call):
    sent = envelope(http.get(f"/platform_api/SendSmsMessage/?account_id={ACCOUNT_ID}&api_key={API_KEY}"
                             f"&source={ENABLED}&destination=447700900001&sms_body=Test+message&store_body=1"))
    [record] = call("GetSmsHistory", message_id=str(sent["message_id"]))["result"]
    assert record["text"] == "Test message"


param_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cmd=st.sampled_from(sorted(METHODS) + ["", "Unknown"]),
       params=st.dictionaries(st.sampled_from(["source", "destination", "sms_body", "store_body", "src_number",
                                               "dst_numbers", "text", "phone_number", "command", "count", "offset",
                                               "direction", "from_date", "to_date", "message_id", "phone_id",
                                               "delivery_status", "output", "source_number"]),
                              param_text, max_size=8))
def test_any_parameters_to_any_method_get_200_json(http, cmd, params):
    envelope(http.post("/platform_api", data={"cmd": cmd, **LEGACY, **params}))
