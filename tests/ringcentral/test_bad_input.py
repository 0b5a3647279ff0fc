"""Bad input of every shape gets RingCentral's 4xx envelope: never a 500, an HTML page or a traceback."""

from __future__ import annotations

import gzip
import json
import zlib

import brotli
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import PAGER, SMS, STORE, assert_rc_error

try:
    from compression import zstd  # Python 3.14+
except ImportError:
    from backports import zstd


def assert_envelope(status: int, body) -> None:
    assert 400 <= status < 500, (status, body)
    assert isinstance(body, dict) and isinstance(body.get("errors"), list) and body["errors"], body
    assert all("errorCode" in e and "message" in e for e in body["errors"]), body


async def raw(rc, method: str, path: str, headers: dict, data: bytes | str | None, content_type: str = "application/json"):
    response = await rc.client.request(method, path, data=data, headers={**headers, "Content-Type": content_type})
    assert response.content_type == "application/json", await response.text()
    return response.status, await response.json()


@pytest.mark.parametrize("data", [
    b"{", b"{\"to\": [", b"null", b"[]", b"\"text\"", b"42", b"\xff\xfe\x00garbage",
    b"{\"from\": 1, \"to\": 2, \"text\": 3}", b"{\"from\": {}, \"to\": [{}], \"text\": \"x\"}",
    b"{\"from\": {\"phoneNumber\": \"+16505550102\"}, \"to\": \"+14155550100\", \"text\": \"x\"}",
    b"{\"from\": {\"phoneNumber\": \"+16505550102\"}, \"to\": [\"+14155550100\"], \"text\": \"x\"}",
    b"{\"from\": {\"phoneNumber\": \"+16505550102\"}, \"to\": [{\"phoneNumber\": \"+14155550100\"}], \"text\": [\"x\"]}",
    b"{\"from\": {\"phoneNumber\": \"+16505550102\"}, \"to\": [{\"phoneNumber\": \"+14155550100\"}], \"text\": \"\\ud83d\"}",
    b"{\"from\": {\"phoneNumber\": \"not a number\"}, \"to\": [{\"phoneNumber\": \"+14155550100\"}], \"text\": \"x\"}",
    b"{\"from\": {\"phoneNumber\": \"+16505550102\"}, \"to\": [{\"phoneNumber\": \"\"}], \"text\": \"x\"}",
    b"{\"from\": {\"phoneNumber\": \"+16505550102\"}, \"to\": [], \"text\": \"x\"}",
    b"[" * 5000 + b"]" * 5000,
])
async def test_malformed_sms_bodies_get_a_400_envelope(rc, data):
    alice = await rc.login("102")
    status, body = await raw(rc, "POST", SMS, alice, data)
    assert_envelope(status, body)
    assert len(rc.world.store) == 0


COMPRESSORS = {"gzip": gzip.compress, "deflate": zlib.compress, "br": brotli.compress, "zstd": zstd.compress}


@pytest.mark.parametrize("encoding", COMPRESSORS)
async def test_a_compressed_sms_body_is_sent_like_a_plain_one(rc, encoding):
    alice = await rc.login("102")
    body = json.dumps({"from": {"phoneNumber": "+16505550102"}, "to": [{"phoneNumber": "+14155550100"}],
                       "text": "squeezed"}).encode()
    response = await rc.client.post(SMS, data=COMPRESSORS[encoding](body), headers={
        **alice, "Content-Type": "application/json", "Content-Encoding": encoding})
    assert response.status == 200, await response.text()
    assert (await response.json())["subject"] == "squeezed"


async def test_missing_fields_are_named(rc):
    alice = await rc.login("102")
    status, body = await rc.call("POST", SMS, alice, json={"to": [{"phoneNumber": "+14155550100"}], "text": "x"})
    assert_rc_error(status, body, 400, "CMN-100")
    assert body["errors"][0]["parameterName"] == "from"
    status, body = await rc.call("POST", SMS, alice, json={"from": {"phoneNumber": "+16505550102"}, "text": "x"})
    assert body["errors"][0]["parameterName"] == "to"


async def test_an_oversize_body_is_refused_with_413(rc):
    alice = await rc.login("102")
    status, body = await raw(rc, "POST", PAGER, alice, b"{\"text\": \"" + b"a" * (2 * 1024 * 1024) + b"\"}")
    assert_rc_error(status, body, 413, "MSG-338")


async def test_an_sms_body_may_grow_to_the_10_mib_of_mms_files_and_no_further(rc):
    alice = await rc.login("102")
    status, body = await raw(rc, "POST", SMS, alice, b"{\"text\": \"" + b"a" * (2 * 1024 * 1024) + b"\"}")
    assert_rc_error(status, body, 400, "CMN-100")  # read whole: the JSON lacks `from`
    status, body = await raw(rc, "POST", SMS, alice, b"{\"text\": \"" + b"a" * (11 * 1024 * 1024) + b"\"}")
    assert_rc_error(status, body, 413, "MSG-338")


async def test_unknown_routes_get_ringcentrals_404(rc):
    alice = await rc.login("102")
    for path in ("/restapi/v1.0/account/~/extension/~/does-not-exist", "/restapi/v2/whatever", "/restapi"):
        status, body = await rc.call("GET", path, alice)
        assert_rc_error(status, body, 404, "CMN-120")


async def test_wrong_methods_get_ringcentrals_405(rc):
    alice = await rc.login("102")
    status, body = await rc.call("PUT", SMS, alice, json={})
    assert status == 405 and body["errors"][0]["errorCode"]


async def test_a_405_names_the_methods_the_path_takes_in_allow(rc):
    alice = await rc.login("102")
    response = await rc.client.put(SMS, json={}, headers=alice)
    assert response.status == 405 and response.headers["Allow"] == "POST"
    response = await rc.client.post(f"{STORE}/1", json={}, headers=alice)
    assert set(response.headers["Allow"].split(",")) == {"GET", "HEAD", "PUT", "PATCH", "DELETE"}
    response = await rc.client.put("/_emulator/health")
    assert response.status == 405 and set(response.headers["Allow"].split(",")) == {"GET", "HEAD"}


async def test_head_is_answered_as_get_without_a_body_wherever_get_is(rc):
    alice = await rc.login("102")
    await rc.sms(alice, "+16505550102", "+14155550100", "counted")
    get = await rc.client.get(STORE, headers=alice)
    head = await rc.client.head(STORE, headers=alice)
    assert head.status == 200 and head.headers["Content-Length"] == get.headers["Content-Length"]
    assert await head.read() == b""
    head = await rc.client.head("/v4/accounts/2000001/messages", headers={"Authorization": "Bearer nope"})
    assert head.status == 401


async def test_non_numeric_message_ids_are_invalid(rc):
    alice = await rc.login("102")
    status, body = await rc.call("GET", f"{STORE}/abc", alice)
    assert_rc_error(status, body, 400, "CMN-101")


async def test_token_endpoint_with_garbage_form_gets_an_oauth_error(rc):
    response = await rc.client.post("/restapi/oauth/token", data=b"\xff\xfe=\x00&&==",
                                    headers={"Content-Type": "application/x-www-form-urlencoded"})
    body = await response.json()
    assert 400 <= response.status < 500 and body["error"] and body["errors"][0]["errorCode"]


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)
sms_like = st.fixed_dictionaries({}, optional={
    "from": st.one_of(json_values, st.fixed_dictionaries({"phoneNumber": st.one_of(st.text(), json_values)})),
    "to": st.one_of(json_values, st.lists(st.fixed_dictionaries({"phoneNumber": st.one_of(st.text(), json_values)}))),
    "text": st.one_of(st.text(), json_values),
    "replyOn": json_values,
})


@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=sms_like, endpoint=st.sampled_from([SMS, PAGER]))
async def test_arbitrary_json_never_gets_a_5xx(rc, body, endpoint):
    alice = await rc.login("102")
    response = await rc.client.post(endpoint, data=json.dumps(body), headers={**alice, "Content-Type": "application/json"})
    assert response.status < 500
    payload = await response.json()
    if response.status >= 400:
        assert_envelope(response.status, payload)


@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(params=st.dictionaries(st.sampled_from(["page", "perPage", "dateFrom", "dateTo", "messageType", "direction",
                                               "readStatus", "availability", "conversationId", "phoneNumber",
                                               "distinctConversations"]), st.text(max_size=30), max_size=5))
async def test_arbitrary_list_parameters_never_get_a_5xx(rc, params):
    alice = await rc.login("102")
    response = await rc.client.get(STORE, params=params, headers=alice)
    assert response.status in (200, 400), await response.text()
    if response.status == 400:
        assert_envelope(response.status, await response.json())


async def test_a_multipart_sms_without_a_json_part_or_form_fields_gets_ringcentrals_parse_error(rc):
    alice = await rc.login("102")
    body = '--b\r\nContent-Disposition: form-data; name="note"\r\n\r\nhello\r\n--b--\r\n'
    response = await rc.client.post(SMS, data=body, headers={**alice, "Content-Type": "multipart/form-data; boundary=b"})
    assert_rc_error(response.status, await response.json(), 400, "CMN-103")
    body = '--b\r\nContent-Disposition: form-data; name="text"\r\n\r\nhello\r\n--b--\r\n'
    response = await rc.client.post(SMS, data=body, headers={**alice, "Content-Type": "multipart/form-data; boundary=b"})
    assert_rc_error(response.status, await response.json(), 400, "CMN-100")  # form fields, `from` missing
