"""Requests generated from the vendors' own OpenAPI documents: never a 5xx, errors in the provider's
envelope, successes valid against the vendor's response schema."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import given, settings
from hypothesis import strategies as st
from schemathesis.generation import GenerationMode
import json
from urllib.parse import urlsplit

import jsonschema
import yaml

from tests.openapi_schemas import REFERENCE, as_json_schema

from .conftest import ringcentral_token, tally
from .envelopes import assert_control_error, assert_phonecom_error, assert_ringcentral_error

RINGCENTRAL_SPEC = REFERENCE / "ringcentral" / "rc-sms-subset.yml"
PHONECOM_SPEC = REFERENCE / "phonecom" / "phonecom_openapi_v4.6.11.json"  # the newest Phone.com spec
PHONECOM_PATHS = r"/sms|/messages|/phone-numbers|/extensions"


def cases(schema, path_parameters: dict, headers: dict):
    """Valid requests aimed at the seeded account, mixed with requests that break the spec on purpose."""
    reads = schema.include(method="GET")
    return st.one_of(
        reads.as_strategy(GenerationMode.POSITIVE, path_parameters=path_parameters, headers=headers),
        schema.as_strategy(GenerationMode.POSITIVE, path_parameters=path_parameters, headers=headers),
        schema.as_strategy(GenerationMode.POSITIVE, headers=headers),
        schema.as_strategy(GenerationMode.NEGATIVE, headers=headers),
    )


def load_document(path) -> dict:
    text = path.read_text()
    return json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)


def assert_conforms(document: dict, case, response) -> None:
    """Validate a success body against the vendor's response schema.

    `format` is not asserted: RingCentral's spec declares DepartmentInfo.id as `format: uri`, which no real
    department id satisfies. Types, enums, required fields and additionalProperties are all checked.
    """
    responses = case.operation.definition.raw.get("responses", {})
    declared = responses.get(str(response.status_code)) or responses.get("default") or {}
    if "$ref" in declared:
        declared = resolve(document, declared["$ref"])
    schema = (declared.get("content", {}).get("application/json", {}) or {}).get("schema")
    if schema is None:
        return
    root = as_json_schema({**schema, "components": document.get("components", {})})
    jsonschema.Draft4Validator(root).validate(response.json())


def resolve(document: dict, ref: str) -> dict:
    node = document
    for part in ref.lstrip("#/").split("/"):
        node = node[part]
    return node


def envelope_for(url: str, assert_error):
    """Generated path parameters like '..' can move a request out of the provider's paths altogether."""
    path = urlsplit(url).path.split("/t/fuzz-", 1)[-1]
    return assert_error if ("/restapi" in path or "/v4" in path) else assert_control_error


def check(case, response, provider: str, assert_error, document: dict) -> None:
    tally(provider, response.status_code)
    assert response.status_code < 500, f"{response.status_code}: {response.text[:500]}"
    content_type = (response.headers.get("content-type") or [""])[0]
    bulk_parts = response.status_code == 207 and content_type.startswith("multipart/mixed")  # RingCentral bulk
    json_body = "application/json" in content_type or content_type.endswith("+json")  # bulk's multipart+json too
    assert json_body or response.status_code in (200, 204) or bulk_parts, response.text[:200]
    if response.status_code >= 400:
        envelope_for(response.request.url, assert_error)(response.json())
    elif response.status_code < 300 and response.content and not bulk_parts:
        assert_conforms(document, case, response)


@pytest.mark.skipif(not RINGCENTRAL_SPEC.exists(), reason=f"RingCentral reference spec not found at {RINGCENTRAL_SPEC}")
def test_ringcentral_requests_from_its_own_spec_never_get_a_5xx(fuzz_emulator, http):
    base = fuzz_emulator.tenant("fuzz-ringcentral").url
    token = ringcentral_token(base)
    document = load_document(RINGCENTRAL_SPEC)
    schema = schemathesis.openapi.from_dict(document)
    strategy = cases(schema, {"accountId": "~", "extensionId": "~"}, {"Authorization": f"Bearer {token}"})

    @settings(max_examples=settings().max_examples * 3)
    @given(case=strategy)
    def run(case):
        response = case.call(base_url=base, session=http)
        check(case, response, "ringcentral", assert_ringcentral_error, document)

    run()


@pytest.mark.skipif(not PHONECOM_SPEC.exists(), reason=f"Phone.com reference spec not found at {PHONECOM_SPEC}")
def test_phonecom_requests_from_its_own_spec_never_get_a_5xx(fuzz_emulator, http):
    base = fuzz_emulator.tenant("fuzz-phonecom").url
    document = load_document(PHONECOM_SPEC)
    schema = schemathesis.openapi.from_dict(document).include(path_regex=PHONECOM_PATHS)
    strategy = cases(schema, {"voip_id": 2000001, "extension_id": 2000001101},
                     {"Authorization": "Bearer pc-owner-token"})

    @settings(max_examples=settings().max_examples * 3)
    @given(case=strategy)
    def run(case):
        response = case.call(base_url=base, session=http)
        check(case, response, "phonecom", assert_phonecom_error, document)

    run()


def test_control_api_requests_from_its_served_spec_never_get_a_5xx(fuzz_emulator, http):
    base = fuzz_emulator.tenant("fuzz-control").url
    document = http.get(f"{base}/_emulator/openapi.json").json()
    schema = schemathesis.openapi.from_dict(document).exclude(path_regex=r"/wait$")

    @settings(max_examples=settings().max_examples * 2)
    @given(case=st.one_of(schema.as_strategy(GenerationMode.POSITIVE), schema.as_strategy(GenerationMode.NEGATIVE)))
    def run(case):
        response = case.call(base_url=base, session=http)
        tally("control", response.status_code)
        assert response.status_code < 500, response.text[:500]
        if response.status_code >= 400:
            assert_control_error(response.json())
        elif response.status_code < 300 and response.content:
            assert_conforms(document, case, response)

    run()
