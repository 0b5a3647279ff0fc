"""Responses validated against Phone.com's own API descriptions in ../shared/reference/phonecom."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

jsonschema = pytest.importorskip("jsonschema")

from tests.openapi_schemas import REFERENCE, as_json_schema

from .conftest import ACCOUNT, ACCOUNT_SMS, EXT_101, HANDSET, OWNER, PAULA, PAULA_NUMBER, QUINN_NUMBER, extension_sms

SWAGGER_2017 = REFERENCE / "phonecom" / "phonecom-apiv4.swagger.json"
OPENAPI_4611 = REFERENCE / "phonecom" / "phonecom_openapi_v4.6.11.json"

pytestmark = pytest.mark.skipif(not (SWAGGER_2017.exists() and OPENAPI_4611.exists()),
                                reason="Phone.com reference specs are not present in ../shared/reference/phonecom")


def definition(name: str) -> dict:
    """A 2017 swagger definition as a JSON Schema whose $refs resolve inside the swagger file."""
    swagger = json.loads(SWAGGER_2017.read_text())
    return {"$ref": f"#/definitions/{name}", "definitions": swagger["definitions"]}


def strict(schema: dict) -> dict:
    """Every property the spec declares for an SMS is present, and nothing undeclared besides `extension`."""
    properties = json.loads(SWAGGER_2017.read_text())["definitions"][schema]["properties"]
    return {"type": "object", "required": sorted(properties), "properties": {**properties, "extension": {}},
            "additionalProperties": False}


def error_schema(name: str) -> dict:
    spec = json.loads(OPENAPI_4611.read_text())
    schema = spec["components"]["responses"][name]["content"]["application/json"]["schema"]
    return {**schema, "required": ["@error"]}


def validate(instance, schema: dict) -> None:
    jsonschema.Draft4Validator(schema).validate(instance)


def without_nulls(value):
    """Swagger 2.0 cannot say nullable; the 2017 descriptions say "or NULL if not set" for these objects."""
    if isinstance(value, dict):
        return {k: without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [without_nulls(v) for v in value]
    return value


async def test_created_sms_matches_smsfull_and_its_recipients(pc):
    status, body = await pc.send(**{"from": PAULA_NUMBER, "to": [HANDSET, QUINN_NUMBER], "text": "spec"})
    assert status == 201
    validate(body, definition("SmsFull"))
    validate(body, {**strict("SmsFull"), "definitions": definition("SmsFull")["definitions"]})
    datetime.fromisoformat(body["created_at"])


async def test_sms_list_matches_listsms_and_list_response(pc):
    await pc.sent(**{"from": PAULA_NUMBER, "to": QUINN_NUMBER, "text": "spec"})
    body = await pc.listing(params={"filters[direction]": "in", "sort[created_at]": "desc"})
    validate(body, definition("ListSms"))
    spec = json.loads(OPENAPI_4611.read_text())
    validate(body, {**spec["components"]["schemas"]["List-Response"],
                    "required": ["filters", "sort", "total", "offset", "limit", "items"]})
    assert body["items"]


async def test_phone_numbers_and_extensions_match_their_list_schemas(pc):
    numbers = await pc.listing(OWNER, f"/v4/accounts/{ACCOUNT}/phone-numbers")
    validate(without_nulls(numbers), definition("ListPhoneNumbers"))
    assert any(item["sms_forwarding"] is None for item in numbers["items"])
    extensions = await pc.listing(OWNER, f"/v4/accounts/{ACCOUNT}/extensions")
    validate(without_nulls(extensions), definition("ListExtensions"))
    status, one = await pc.call("GET", f"/v4/accounts/{ACCOUNT}/phone-numbers/{numbers['items'][0]['id']}", OWNER)
    assert status == 200
    validate(without_nulls(one), definition("PhoneNumberFull"))


def v4611_schema(name: str) -> dict:
    """A v4.6.11 schema as JSON Schema."""
    return as_json_schema(json.loads(OPENAPI_4611.read_text())["components"]["schemas"][name])


async def test_phone_numbers_and_extensions_match_the_v4611_schemas_with_every_field_they_declare(pc):
    numbers = await pc.listing(OWNER, f"/v4/accounts/{ACCOUNT}/phone-numbers")
    extensions = await pc.listing(OWNER, f"/v4/accounts/{ACCOUNT}/extensions")
    for items, name in ((numbers["items"], "PhoneNumber"), (extensions["items"], "Extension")):
        schema = v4611_schema(name)
        for item in items:
            validate(item, schema)
            assert set(schema["properties"]) <= set(item), set(schema["properties"]) - set(item)


async def test_access_token_details_match_get_oauth_access_token(pc):
    status, details = await pc.call("GET", "/v4/oauth/access-token", OWNER)
    assert status == 200
    validate(details, definition("GetOauthAccessToken"))
    assert isinstance(details["expires_at"], int)


async def test_a_create_body_valid_under_the_v4611_sms_schema_is_sent_and_kept_in_its_extension(pc):
    body = {"from": PAULA_NUMBER, "to": HANDSET, "text": "hi", "extension_id": int(EXT_101)}
    validate(body, json.loads(OPENAPI_4611.read_text())["components"]["schemas"]["SMS"])
    status, created = await pc.call("POST", ACCOUNT_SMS, OWNER, json=body)
    assert status == 201, created
    assert created["extension"]["id"] == int(EXT_101) and created["to"][0]["number"] == HANDSET


@pytest.mark.parametrize("method, path, headers, body, response", [
    ("GET", ACCOUNT_SMS, {}, None, "Unauthorized"),
    ("GET", ACCOUNT_SMS, PAULA, None, "Forbidden"),
    ("GET", f"{ACCOUNT_SMS}/{'0' * 40}", OWNER, None, "Not-Found"),
    ("POST", ACCOUNT_SMS, OWNER, {"from": PAULA_NUMBER}, "Validation-Error"),
    ("GET", extension_sms(EXT_101), OWNER, None, None),
])
async def test_error_bodies_match_the_v4611_error_responses(pc, method, path, headers, body, response):
    status, answer = await pc.call(method, path, headers, json=body)
    if response is None:
        assert status == 200
        return
    validate(answer, error_schema(response))
    assert isinstance(answer["@error"]["@httpStatusCode"], int)
    if response == "Validation-Error":
        assert isinstance(answer["@error"]["fields"], dict)
