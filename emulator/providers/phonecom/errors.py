"""Phone.com's `@error` envelope, its statuses (research A6), and the map from neutral rejections to 422s."""

from __future__ import annotations

import time

from aiohttp import web

from ...core.clock import iso_ms
from ...core.rules import Reason, Rejection
from ...wire import ProviderError, json_response
from .rules import MAX_RECIPIENTS


class PhoneComError(ProviderError):
    """An error Phone.com would answer with: `{"@error": {"@message", "@httpStatusCode", "@time", ...}}`."""

    def __init__(self, status: int, message: str, fields: dict[str, list[str]] | None = None,
                 extra: dict | None = None, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.fields = fields
        self.extra = extra or {}
        self.headers = headers
        self.time_ms: int | None = None

    def stamp(self, world) -> None:
        """`@time` is the tenant's clock, so a replay with a frozen clock is byte-identical."""
        if self.time_ms is None:
            self.time_ms = world.now_ms()

    def body(self) -> dict:
        stamp = self.time_ms if self.time_ms is not None else int(time.time() * 1000)
        error: dict = {"@message": self.message, "@httpStatusCode": self.status, "@time": iso_ms(stamp)}
        error.update(self.extra)
        if self.fields is not None:
            error["fields"] = self.fields
        return {"@error": error}

    def response(self) -> web.Response:
        return json_response(self.body(), self.status, self.headers, content_type="application/json")


def validation(fields: dict[str, list[str]], message: str = "Validation failed") -> PhoneComError:
    return PhoneComError(422, message, fields)


def invalid(field: str, message: str) -> PhoneComError:
    return validation({field: [message]})


def required(field: str) -> PhoneComError:
    return invalid(field, f"The {field} field is required.")


def bad_request(message: str = "Bad Request") -> PhoneComError:
    return PhoneComError(400, message)


def unparsable_json() -> PhoneComError:
    return bad_request("Request body is not valid JSON")


def unreadable_body(operation: str | None = None) -> PhoneComError:
    """A body that cannot be read at all, such as a broken gzip stream: Phone.com's parse error."""
    return unparsable_json()


def unauthorized(message: str = "Unauthorized") -> PhoneComError:
    return PhoneComError(401, message)


def forbidden() -> PhoneComError:
    return PhoneComError(403, "Forbidden")


def not_found(message: str = "Not found") -> PhoneComError:
    return PhoneComError(404, message)


def body_too_large(operation: str | None = None) -> PhoneComError:
    """413 on any operation: Phone.com has one envelope for every path."""
    return PhoneComError(413, "Request Entity Too Large")


def invalid_uri() -> PhoneComError:
    return not_found()


def method_not_allowed(method: str) -> PhoneComError:
    return PhoneComError(405, f"Method {method} Not Allowed")


def internal_error() -> PhoneComError:
    return PhoneComError(500, "Internal Server Error")


def rate_limited(message: str | None = None, retry_after: int = 60) -> PhoneComError:
    """Phone.com's client waits `@rateLimit.Retry-After` seconds before retrying."""
    limits = {"RateLimit-Limit": 60, "RateLimit-Remaining": 0, "RateLimit-Reset": retry_after, "Retry-After": retry_after}
    return PhoneComError(429, message or "Too Many Requests", extra={"@rateLimit": limits},
                         headers={"Retry-After": str(retry_after)})


STATUS_MESSAGES = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not found", 409: "Conflict",
                   422: "Validation failed", 500: "Internal Server Error", 502: "Bad Gateway",
                   503: "Service Unavailable", 504: "Gateway Timeout"}


def fault_error(status: int, message: str | None = None, operation: str | None = None) -> PhoneComError:
    """The error an injected fault or a late body answers with, in Phone.com's envelope for that status (the same
    on every operation)."""
    if status == 429:
        return rate_limited(message)
    if status == 409:
        return PhoneComError(409, message or "Conflict", extra={"@messages": []})
    if status == 422:
        return PhoneComError(422, message or "Validation failed", {})
    return PhoneComError(status, message or STATUS_MESSAGES.get(status, "Error"))


REJECTION_MESSAGES = {
    Reason.TEXT_MISSING: "The text field is required.",
    Reason.TEXT_TOO_LONG: "The text may not be greater than 3200 characters.",
    Reason.SENDER_NUMBER_MISSING: "The from field is required.",
    Reason.SENDER_NUMBER_INVALID: "The from must be a valid phone number.",
    Reason.SENDER_EXTENSION_NUMBER: "The from must be a valid phone number.",
    Reason.SENDER_NUMBER_NOT_OWNED: "The from number must be a phone number of this account.",
    Reason.SENDER_NUMBER_OPERATOR_ONLY: "The from number must be a phone number of this account.",
    Reason.SENDER_NUMBER_FAX: "The from number cannot send SMS.",
    Reason.SENDER_NUMBER_NOT_SMS_SENDER: "The from number cannot send SMS.",
    Reason.SENDER_NUMBER_SMS_UNSUPPORTED: "The from number cannot send SMS.",
    Reason.SENDER_NUMBER_SMS_DISABLED: "The from number cannot send SMS.",
    Reason.RECIPIENT_MISSING: "The to field is required.",
    Reason.RECIPIENT_INVALID: "The to must be a valid phone number.",
    Reason.RECIPIENT_EXTENSION_NUMBER: "The to must be a valid phone number.",
    Reason.RECIPIENT_SHORT_NUMBER: "The to must be a valid phone number.",
    Reason.RECIPIENT_DUPLICATE: "The to field has a duplicate value.",
}


def from_rejection(rejection: Rejection) -> PhoneComError:
    """A neutral rule decision as Phone.com's 422, naming the offending field in `fields`."""
    field = (rejection.parameter or "to").split(".")[0]
    if rejection.reason is Reason.TOO_MANY_RECIPIENTS:
        return invalid(field, f"The to may not have more than {MAX_RECIPIENTS} items.")
    message = REJECTION_MESSAGES.get(rejection.reason, f"The {field} is invalid.")
    if rejection.value:
        message = f"{message} ({rejection.value})"
    return invalid(field, message)
