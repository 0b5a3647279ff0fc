"""Raw garbage on every surface: truncated JSON, wrong content types, invalid UTF-8, deep nesting, huge bodies.

Never a 5xx, never a traceback or HTML page: always the provider's own JSON envelope.
"""

from __future__ import annotations

import gzip
import json
import zlib

import brotli
import pytest
from hypothesis import given
from hypothesis import strategies as st

from emulator.encodings import zstd

from .conftest import ringcentral_token, tally
from .envelopes import (
    assert_control_error,
    assert_phonecom_error,
    assert_ringcentral_error,
    assert_voximplant_answer,
)

GARBAGE = [
    b'{"from": {"phoneNumber": "+16505550102"}, "to": [{"phoneNumber": "+1415',
    b"\xff\xfe\xfa garbage \x00\x01",
    b"[" * 100_000,
    b'{"a":' * 20_000,
    b"x" * (3 * 1024 * 1024),
    b'{"text": "\\ud800", "to": "\\udfff"}',
    b"",
    b"null",
    b'"just a string"',
    b"<xml>not json</xml>",
]
COMPRESSORS = {"gzip": gzip.compress, "deflate": zlib.compress, "br": brotli.compress, "zstd": zstd.compress}
CONTENT_TYPES = ["application/json", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data",
                 "application/xml", "application/json; charset=latin-1",
                 "application/x-www-form-urlencoded; charset=bogus", "multipart/mixed; boundary=b"]


def targets(base: str, token: str) -> list[tuple[str, str, dict, str, callable]]:
    rc = {"Authorization": f"Bearer {token}"}
    pc = {"Authorization": "Bearer pc-owner-token"}
    return [
        ("ringcentral", f"{base}/restapi/v1.0/account/~/extension/~/sms", rc, "POST", assert_ringcentral_error),
        ("ringcentral", f"{base}/restapi/v1.0/account/~/extension/~/company-pager", rc, "POST", assert_ringcentral_error),
        ("ringcentral", f"{base}/restapi/oauth/token", {}, "POST", assert_ringcentral_error),
        ("ringcentral", f"{base}/restapi/v2/accounts/~/sms/consents", rc, "PATCH", assert_ringcentral_error),
        ("ringcentral", f"{base}/restapi/v1.0/account/~/extension/~/message-store/*", rc, "PUT",
         assert_ringcentral_error),
        ("ringcentral", f"{base}/restapi/v2/accounts/~/sms/consents/search", rc, "POST", assert_ringcentral_error),
        ("phonecom", f"{base}/v4/accounts/2000001/sms", pc, "POST", assert_phonecom_error),
        ("phonecom", f"{base}/v4/accounts/2000001/sms/{'0' * 40}", pc, "PATCH", assert_phonecom_error),
        ("voximplant", f"{base}/platform_api/SendSmsMessage", {}, "POST", assert_voximplant_answer),
        ("control", f"{base}/_emulator/inbound", {}, "POST", assert_control_error),
        ("control", f"{base}/_emulator/faults", {}, "POST", assert_control_error),
        ("control", f"{base}/_emulator/clock", {}, "POST", assert_control_error),
        ("control", f"{base}/_emulator/seed", {}, "PUT", assert_control_error),
    ]


@pytest.fixture(scope="module")
def surfaces(fuzz_emulator):
    base = fuzz_emulator.tenant("fuzz-garbage").url
    return targets(base, ringcentral_token(base))


@pytest.mark.parametrize("content_type", CONTENT_TYPES)
@pytest.mark.parametrize("body", GARBAGE, ids=lambda b: repr(b[:24]))
def test_garbage_bodies_get_the_providers_own_4xx(surfaces, http, body, content_type):
    for provider, url, headers, method, assert_envelope in surfaces:
        response = http.request(method, url, data=body, headers={**headers, "Content-Type": content_type})
        tally(provider, response.status_code)
        assert response.status_code < 500, (provider, url, response.status_code, response.text[:300])
        assert response.headers["Content-Type"].startswith("application/json"), (url, response.text[:200])
        if provider == "voximplant" or response.status_code >= 400:
            assert_envelope(response.json())


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "br", "zstd"])
@pytest.mark.parametrize("content_type", ["application/json", "application/x-www-form-urlencoded"])
def test_a_body_that_does_not_decompress_gets_the_providers_own_4xx(surfaces, http, encoding, content_type):
    for provider, url, headers, method, assert_envelope in surfaces:
        response = http.request(method, url, data=b"not compressed at all",
                                headers={**headers, "Content-Type": content_type, "Content-Encoding": encoding})
        tally(provider, response.status_code)
        if provider == "voximplant":
            assert response.status_code == 200, (url, response.text[:300])
        else:  # 400, or what a route checks before it reads the body (the token endpoint's client, say)
            assert 400 <= response.status_code < 500, (url, response.status_code, response.text[:300])
        assert_envelope(response.json())
        assert response.headers.get("Connection") != "close"  # the body was read whole: the connection goes on


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "br", "zstd"])
def test_a_compressed_body_cut_short_gets_the_providers_own_4xx(surfaces, http, encoding):
    whole = COMPRESSORS[encoding](json.dumps({"text": "x" * 500, "to": "+14155550100"}).encode())
    for provider, url, headers, method, assert_envelope in surfaces:
        response = http.request(method, url, data=whole[: len(whole) // 2],
                                headers={**headers, "Content-Type": "application/json", "Content-Encoding": encoding})
        tally(provider, response.status_code)
        assert response.status_code == 200 if provider == "voximplant" else 400 <= response.status_code < 500, (
            url, response.status_code, response.text[:300])
        assert_envelope(response.json())


@given(body=st.binary(max_size=2000), content_type=st.sampled_from(CONTENT_TYPES), index=st.integers(0, 12))
def test_random_bytes_never_get_a_5xx(surfaces, http, body, content_type, index):
    provider, url, headers, method, assert_envelope = surfaces[index]
    response = http.request(method, url, data=body, headers={**headers, "Content-Type": content_type})
    tally(provider, response.status_code)
    assert response.status_code < 500, (url, response.text[:300])
    if provider == "voximplant" or response.status_code >= 400:
        assert_envelope(response.json())


@pytest.mark.parametrize("path", ["/restapi/v1.0/nothing", "/v4/nothing", "/platform_api/a/b/c", "/_emulator/nothing",
                                  "/t/bad name/_emulator/health", "/%ff%fe", "/" + "a" * 5000,
                                  "/restapi/v1.0/subscription/1%0A", "/v4/nothing%0A", "/_emulator/health%0A",
                                  "/t/ci/_emulator/nothing%0A%0D", "/%00%0A"])
def test_unknown_routes_get_json_not_html(fuzz_emulator, http, path):
    response = http.get(fuzz_emulator.url + path)
    assert response.status_code < 500
    assert response.headers["Content-Type"].startswith("application/json"), response.text[:200]


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20)
    | st.sampled_from(["+16505550102", "+14155550100", "OptOut", "OptIn", "Api", "pgt0"]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["records", "from", "to", "optStatus", "source", "perPage", "pageToken"]), inner, max_size=5),
    max_leaves=12)


CONSENT_ENDPOINTS = ("/sms/consents", "/sms/consents/search")


@given(body=st.dictionaries(st.sampled_from(["records", "from", "to", "optStatus", "perPage", "pageToken"]),
                            JSON_VALUES, max_size=4), endpoint=st.sampled_from(CONSENT_ENDPOINTS))
def test_consent_bodies_of_any_shape_get_a_2xx_or_ringcentrals_4xx(surfaces, http, body, endpoint):
    provider, url, headers, method, assert_envelope = next(s for s in surfaces if s[1].endswith(endpoint))
    response = http.request(method, url, data=json.dumps(body), headers={**headers, "Content-Type": "application/json"})
    tally(provider, response.status_code)
    assert response.status_code < 500, (url, body, response.text[:300])
    if response.status_code >= 400:
        assert_envelope(response.json())


@pytest.mark.parametrize("endpoint, body", [
    ("/sms/consents", {"records": [{"from": "+16505550102", "to": "+14155550100", "optStatus": "OptOut",
                                   "source": "Recipient"}]}),
    ("/sms/consents/search", {"perPage": 2}),
])
def test_the_consent_endpoints_the_fuzzer_aims_at_take_a_valid_body(surfaces, http, endpoint, body):
    provider, url, headers, method, _ = next(s for s in surfaces if s[1].endswith(endpoint))
    response = http.request(method, url, data=json.dumps(body), headers={**headers, "Content-Type": "application/json"})
    assert 200 <= response.status_code < 300, (url, response.text[:300])
