"""Scopes, authentication and every error envelope the Phone.com face answers with; never a 5xx."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emulator.providers.phonecom import face

from .conftest import (
    ACCOUNT,
    ACCOUNT_SMS,
    EXT_101,
    EXT_102,
    HANDSET,
    OWNER,
    PAULA,
    PAULA_NUMBER,
    QUINN,
    assert_pc_error,
    extension_sms,
)

VALID = {"from": PAULA_NUMBER, "to": HANDSET, "text": "hi"}


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic abc"},
                                     {"Authorization": "Bearer "}])
async def test_missing_or_unknown_token_is_401(pc, headers):
    status, body = await pc.call("GET", ACCOUNT_SMS, headers)
    assert_pc_error(status, body, 401)


async def test_extension_token_on_an_account_endpoint_is_403(pc):
    for method, json_body in (("GET", None), ("POST", VALID), ("DELETE", None)):
        status, body = await pc.call(method, ACCOUNT_SMS, PAULA, json=json_body)
        assert_pc_error(status, body, 403)
    assert len(pc.world.store) == 0


async def test_extension_token_on_another_extension_is_403(pc):
    for method, json_body in (("GET", None), ("POST", VALID)):
        status, body = await pc.call(method, extension_sms(EXT_102), PAULA, json=json_body)
        assert_pc_error(status, body, 403)
    created = await pc.sent(QUINN, extension_sms(EXT_102), **{**VALID, "from": "+12125550102"})
    for method in ("GET", "PATCH", "DELETE"):
        status, body = await pc.call(method, f"{extension_sms(EXT_102)}/{created['id']}", PAULA, json={"is_new": True})
        assert_pc_error(status, body, 403)


async def test_token_on_another_account_is_403_and_a_non_numeric_account_is_404(pc):
    status, body = await pc.call("GET", "/v4/accounts/2000002/sms", OWNER)
    assert_pc_error(status, body, 403)
    status, body = await pc.call("GET", "/v4/accounts/me/sms", OWNER)
    assert_pc_error(status, body, 404)


async def test_owner_on_an_unknown_extension_is_404(pc):
    status, body = await pc.call("GET", extension_sms("999999"), OWNER)
    assert_pc_error(status, body, 404)


@pytest.mark.parametrize("body, field", [
    ({"to": HANDSET, "text": "x"}, "from"),
    ({"from": PAULA_NUMBER, "text": "x"}, "to"),
    ({"from": PAULA_NUMBER, "to": HANDSET}, "text"),
    ({"from": PAULA_NUMBER, "to": [], "text": "x"}, "to"),
    ({"from": PAULA_NUMBER, "to": " , ", "text": "x"}, "to"),
    ({"from": 12125550101, "to": HANDSET, "text": "x"}, "from"),
    ({"from": PAULA_NUMBER, "to": 13125550199, "text": "x"}, "to"),
    ({"from": PAULA_NUMBER, "to": [HANDSET, 5], "text": "x"}, "to"),
    ({"from": PAULA_NUMBER, "to": HANDSET, "text": 5}, "text"),
    ({"from": PAULA_NUMBER, "to": HANDSET, "text": "x", "extension_id": "abc"}, "extension_id"),
    ({"from": PAULA_NUMBER, "to": HANDSET, "text": "x", "extension_id": 0}, "extension_id"),
    ({"from": PAULA_NUMBER, "to": HANDSET, "text": "x", "extension_id": True}, "extension_id"),
    ({"from": PAULA_NUMBER, "to": HANDSET, "text": "x", "extension_id": 999}, "extension_id"),
    ({"from": PAULA_NUMBER, "to": HANDSET, "text": "x", "direction": "in"}, "direction"),
    ({"from": "+16505550102", "to": HANDSET, "text": "x"}, "from"),
    ({"from": "not a number", "to": HANDSET, "text": "x"}, "from"),
    ({"from": PAULA_NUMBER, "to": "12", "text": "x"}, "to"),
    ({"from": PAULA_NUMBER, "to": "call me", "text": "x"}, "to"),
    ({"from": "+1.212.555.0101", "to": HANDSET, "text": "x"}, "from"),  # the v4.6.11 SMS schema's pattern
    ({"from": PAULA_NUMBER, "to": ["+1.312.555.0199"], "text": "x"}, "to"),
    ({"from": PAULA_NUMBER, "to": [HANDSET, HANDSET], "text": "x"}, "to"),
    ({"from": PAULA_NUMBER, "to": [f"+1312555{n:04d}" for n in range(26)], "text": "x"}, "to"),
    ({"from": PAULA_NUMBER, "to": HANDSET, "text": "x" * 3201}, "text"),
])
async def test_invalid_create_input_is_422_with_the_field_and_nothing_is_sent(pc, body, field):
    status, answer = await pc.call("POST", ACCOUNT_SMS, OWNER, json=body)
    error = assert_pc_error(status, answer, 422)
    assert list(error["fields"]) == [field] and all(isinstance(m, str) for m in error["fields"][field])
    assert len(pc.world.store) == 0


@pytest.mark.parametrize("body, fields", [
    ({"from": {"a": 1}, "to": {"a": 1}, "text": {"a": 1}}, ["from", "to", "text"]),
    ({"from": 12125550101, "text": "x"}, ["from", "to"]),
    ({"to": [HANDSET, 5], "text": 5, "direction": "in", "extension_id": "abc"}, ["from", "to", "text", "direction",
                                                                              "extension_id"]),
])
async def test_every_bad_create_field_is_named_in_one_422(pc, body, fields):
    status, answer = await pc.call("POST", ACCOUNT_SMS, OWNER, json=body)
    error = assert_pc_error(status, answer, 422)
    assert list(error["fields"]) == fields and all(len(error["fields"][f]) == 1 for f in fields)
    assert len(pc.world.store) == 0


async def test_text_of_3200_characters_is_accepted(pc):
    status, body = await pc.send(**{**VALID, "text": "é" * 3200})
    assert status == 201, body


async def test_twenty_five_recipients_are_accepted(pc):
    status, body = await pc.send(**{**VALID, "to": [f"+1312555{n:04d}" for n in range(25)]})
    assert status == 201 and len(body["to"]) == 25


async def test_extension_id_of_another_extension_on_an_extension_path_is_422(pc):
    status, body = await pc.send(PAULA, extension_sms(EXT_101), **{**VALID, "extension_id": int(EXT_102)})
    assert "extension_id" in assert_pc_error(status, body, 422)["fields"]


@pytest.mark.parametrize("raw", [b"{", b"[1, 2]", b'"text"', b"\xff\xfe", b"null x"])
async def test_malformed_or_non_object_json_is_400(pc, raw):
    status, body = await pc.call("POST", ACCOUNT_SMS, {**OWNER, "Content-Type": "application/json"}, data=raw)
    assert_pc_error(status, body, 400)


async def test_oversize_body_is_413_in_the_envelope(pc):
    raw = json.dumps({**VALID, "text": "x" * (2 * 1024 * 1024)}).encode()
    status, body = await pc.call("POST", ACCOUNT_SMS, {**OWNER, "Content-Type": "application/json"}, data=raw)
    assert_pc_error(status, body, 413)


async def test_unknown_route_under_v4_is_404_in_the_envelope(pc):
    for path in ("/v4/nothing", f"/v4/accounts/{ACCOUNT}/faxes", f"{ACCOUNT_SMS}/a/b", "/v4"):
        status, body = await pc.call("GET", path, OWNER)
        assert_pc_error(status, body, 404)


async def test_wrong_method_is_405_in_the_envelope(pc):
    for method, path in (("PUT", ACCOUNT_SMS), ("POST", f"{ACCOUNT_SMS}/{'0' * 40}"), ("PUT", "/v4/oauth/access-token")):
        status, body = await pc.call(method, path, OWNER)
        assert_pc_error(status, body, 405)


async def test_error_time_is_the_tenants_clock(pc):
    status, body = await pc.call("GET", ACCOUNT_SMS, {})
    assert assert_pc_error(status, body, 401)["@time"] == "2026-03-02T10:00:00.000Z"


async def test_errors_no_handler_raises_are_timed_by_the_tenants_clock_too(pc):
    await pc.client.post("/_emulator/faults", json={"operation": "phonecom.list-account-sms", "status": 503})
    answers = [await pc.call("GET", "/v4/nothing", OWNER), await pc.call("PUT", ACCOUNT_SMS, OWNER),
               await pc.call("GET", ACCOUNT_SMS, OWNER)]
    assert [status for status, _ in answers] == [404, 405, 503]
    assert {body["@error"]["@time"] for _, body in answers} == {"2026-03-02T10:00:00.000Z"}


def test_fault_errors_use_phonecoms_envelope_and_rate_limit_block():
    error = face.fault_error(429)
    body = error.body()["@error"]
    assert error.status == 429 and body["@rateLimit"]["Retry-After"] == 60
    assert error.response().headers["Retry-After"] == "60"
    for status in (400, 401, 403, 404, 409, 500, 503):
        answer = face.fault_error(status, "boom").body()["@error"]
        assert answer["@httpStatusCode"] == status and answer["@message"] == "boom"
    assert face.fault_error(422).body()["@error"]["fields"] == {}
    assert face.internal_error().status == 500 and face.method_not_allowed("PUT").status == 405


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
BODIES = st.fixed_dictionaries({}, optional={
    "from": JSON_VALUES | st.sampled_from([PAULA_NUMBER, "+12125550100", "x"]),
    "to": JSON_VALUES | st.lists(st.sampled_from([HANDSET, "+12125550102", "", "1"]), max_size=4),
    "text": JSON_VALUES,
    "extension_id": JSON_VALUES,
    "direction": JSON_VALUES,
}) | JSON_VALUES
PATHS = st.sampled_from([ACCOUNT_SMS, extension_sms(EXT_101), f"{ACCOUNT_SMS}/{'0' * 40}", "/v4/accounts/x/sms",
                         f"/v4/accounts/{ACCOUNT}/extensions/abc/sms", f"/v4/accounts/{ACCOUNT}/phone-numbers",
                         f"/v4/accounts/{ACCOUNT}/extensions", "/v4/oauth/access-token", "/v4/%ff"])
QUERIES = st.dictionaries(st.sampled_from(["filters[id]", "filters[created_at]", "filters[to]", "sort[id]", "limit",
                                           "offset", "filters[", "sort[]", "mode", "filters[deleted]", "filters[x]"]),
                          st.text(max_size=12), max_size=4)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(method=st.sampled_from(["GET", "POST", "PATCH", "DELETE", "PUT"]), path=PATHS, body=BODIES, params=QUERIES,
       headers=st.sampled_from([OWNER, PAULA, QUINN, {}]))
async def test_no_request_of_any_shape_gets_a_5xx(pc, method, path, body, params, headers):
    status, answer = await pc.call(method, path, headers, json=body, params=params)
    assert status < 500, answer
    if status >= 400:
        assert_pc_error(status, answer, status)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.binary(max_size=64))
async def test_no_raw_body_gets_a_5xx(pc, raw):
    status, answer = await pc.call("POST", ACCOUNT_SMS, {**OWNER, "Content-Type": "application/json"}, data=raw)
    assert 400 <= status < 500, answer
    assert_pc_error(status, answer, status)
