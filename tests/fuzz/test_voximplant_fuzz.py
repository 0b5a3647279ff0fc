"""Voximplant publishes no OpenAPI document, so its requests are generated from the methods it documents."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from .conftest import tally
from .envelopes import assert_voximplant_answer

METHODS = ["SendSmsMessage", "A2PSendSms", "ControlSms", "GetPhoneNumbers", "GetSmsHistory",
           "A2PGetSmsHistory", "Logon", "GetAccountInfo", "", "sendsmsmessage"]
NUMBERS = ["447443332211", "447443332212", "447443332213", "16505550102", "12125550101", "447700900123"]
PARAMETERS = ["source", "destination", "sms_body", "store_body", "src_number", "dst_numbers", "text", "phone_number",
              "command", "count", "offset", "from_date", "to_date", "direction", "message_id", "delivery_status",
              "phone_id", "output", "cmd"]

values = st.one_of(
    st.sampled_from(NUMBERS),
    st.text(max_size=40),
    st.integers(-10, 10**12).map(str),
    st.sampled_from(["true", "False", "1", "enable", "disable", "IN", "out", "2026-01-01 00:00:00", ";".join(NUMBERS)]),
    st.integers(0, 1800).map(lambda n: "é" * n),
)
params = st.dictionaries(st.sampled_from(PARAMETERS), values, max_size=6)
credentials = st.sampled_from([
    {"account_id": "3000001", "api_key": "vox-api-key"},
    {"account_id": "3000001", "api_key": "wrong"},
    {"account_id": "not-a-number", "api_key": "vox-api-key"},
    {},
])


@settings(max_examples=settings().max_examples * 6)
@given(method=st.sampled_from(METHODS), extra=params, auth=credentials,
       style=st.sampled_from(["path-post", "path-get", "cmd-form", "cmd-multipart", "query"]))
def test_voximplant_requests_always_get_200_json_in_its_envelope(fuzz_emulator, http, method, extra, auth, style):
    base = fuzz_emulator.tenant("fuzz-voximplant").url
    fields = {**auth, **extra}
    if style == "path-post":
        response = http.post(f"{base}/platform_api/{method}", data=fields)
    elif style == "path-get":
        response = http.get(f"{base}/platform_api/{method}/", params=fields)
    elif style == "cmd-form":
        response = http.post(f"{base}/platform_api", data={"cmd": method, **fields})
    elif style == "cmd-multipart":
        response = http.post(f"{base}/platform_api", files={k: (None, v) for k, v in {"cmd": method, **fields}.items()})
    else:
        response = http.post(f"{base}/platform_api/{method}", params=fields)
    tally("voximplant", response.status_code)
    assert response.status_code == 200, response.text[:300]
    assert response.headers["Content-Type"].startswith("application/json"), response.text[:300]
    assert_voximplant_answer(response.json())
