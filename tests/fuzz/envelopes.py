"""What each provider's error body must look like, for checking fuzzed answers."""

from __future__ import annotations


def assert_ringcentral_error(body) -> None:
    assert isinstance(body, dict), body
    if "error" in body:  # OAuth endpoints
        assert isinstance(body["error"], str) and body["errors"][0]["errorCode"], body
        return
    assert isinstance(body.get("errorCode"), str) and isinstance(body.get("message"), str), body
    assert body["errors"] and all(e.get("errorCode") and e.get("message") for e in body["errors"]), body


def assert_phonecom_error(body) -> None:
    error = body["@error"]
    assert isinstance(error["@message"], str) and isinstance(error["@httpStatusCode"], int), body
    assert error["@time"].endswith("Z"), body


def assert_voximplant_answer(body) -> None:
    assert isinstance(body, dict), body
    if "error" in body:
        assert isinstance(body["error"]["msg"], str) and isinstance(body["error"]["code"], int), body
    else:
        assert "result" in body, body


def assert_control_error(body) -> None:
    assert isinstance(body["error"]["message"], str) and body["error"]["status"] >= 400, body
