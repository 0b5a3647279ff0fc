"""Voximplant's error envelope and the table that maps neutral rejections to its codes.

Voximplant answers HTTP 200 with {"error": {"msg", "code"}}; both official clients read errors from
the body, so every failure here, even an unknown path or a broken body, leaves as that envelope.
Only injected 5xx faults keep their status (a gateway failing in front of the API), still with the
JSON envelope the Python client parses whatever the status.
"""

from __future__ import annotations

from aiohttp import web

from ...core.rules import Reason, Rejection
from ...wire import ProviderError, json_response

AUTHORIZATION_FAILED = 100
INVALID_ARGUMENTS = 101
MISSING_CMD = 102
UNKNOWN_COMMAND = 103
FORBIDDEN_COMMAND = 104
OUTPUT_FORMAT_NOT_SUPPORTED = 105
INVALID_DATE_FORMAT = 111
INVALID_APPLICATION_ID = 116
INVALID_PHONE_NUMBER = 121
INVALID_DATE_RANGE = 123
REQUIRED_IS_EMPTY = 134
INVALID_COUNTRY_CODE = 239
INVALID_PHONE_CATEGORY_NAME = 240
RATE_LIMIT_EXCEED = 340
SENDING_SMS_ERROR = 385
SMS_DISABLED_FOR_NUMBER = 386
INVALID_SOURCE = 422
INVALID_DESTINATION = 423
INVALID_KEY_ID = 433
INVALID_TOKEN_FORMAT = 447
INVALID_TOKEN_TTL = 454
TOKEN_ISSUED_IN_FUTURE = 455
TOKEN_EXPIRED = 456
INVALID_SMS_DIRECTION = 470
LENGTH_EXCEEDED = 477
INVALID = 496
INVALID_SRC_NUMBER = 507
INVALID_PHONE_ID = 181
INVALID_CALLBACK_URL = 398
CALLBACK_SALT_INVALID = 399
A2P_SMS_DISABLED = 509
NOT_SUPPORT_SMS = 528
INTERNAL_ERROR = 2

MESSAGES = {
    AUTHORIZATION_FAILED: "Authorization failed",
    INVALID_ARGUMENTS: "Invalid arguments",
    MISSING_CMD: "Missing 'cmd' parameter",
    UNKNOWN_COMMAND: "Unknown command",
    FORBIDDEN_COMMAND: "Forbidden command",
    OUTPUT_FORMAT_NOT_SUPPORTED: "The required output format type is not supported",
    INVALID_DATE_FORMAT: "Invalid date format",
    INVALID_APPLICATION_ID: "The 'application_id' parameter is invalid",
    INVALID_PHONE_NUMBER: "Invalid phone number",
    INVALID_DATE_RANGE: "Invalid date range",
    REQUIRED_IS_EMPTY: "Required parameter is empty",
    INVALID_COUNTRY_CODE: "The 'country_code' parameter is invalid",
    INVALID_PHONE_CATEGORY_NAME: "The 'phone_category_name' parameter is invalid",
    RATE_LIMIT_EXCEED: "Rate limit exceed",
    SENDING_SMS_ERROR: "Sending sms error",
    SMS_DISABLED_FOR_NUMBER: "SMS disabled for number",
    INVALID_SOURCE: "The 'source' parameter is invalid",
    INVALID_DESTINATION: "The 'destination' parameter is invalid",
    INVALID_KEY_ID: "Invalid key id.",
    INVALID_TOKEN_FORMAT: "Invalid token format.",
    INVALID_TOKEN_TTL: "The token TTL exceeds the maximum limit.",
    TOKEN_ISSUED_IN_FUTURE: "Token issued in the future.",
    TOKEN_EXPIRED: "The token has expired.",
    INVALID_SMS_DIRECTION: "Invalid value specified for the \u2018direction\u2019 parameter. "
                           "Allowed parameter values are: 'IN', 'OUT'",
    INVALID_SRC_NUMBER: "The 'src_number' parameter is invalid.",
    NOT_SUPPORT_SMS: "Sms is not supported",
    INVALID_PHONE_ID: "The 'phone_id' parameter is invalid",
    INVALID_CALLBACK_URL: "The 'callback_url' parameter is invalid",
    CALLBACK_SALT_INVALID: "The 'callback_salt' parameter length should be less than 40",
    INTERNAL_ERROR: "Internal error",
}

A2P_FAILED_DESCRIPTION = "SMS failed to send."


class VoximplantError(ProviderError):
    """An error Voximplant would answer with; rendered as its JSON envelope."""

    def __init__(self, code: int, message: str | None = None, status: int = 200) -> None:
        self.code = code
        self.message = message or MESSAGES[code]
        self.status = status
        super().__init__(self.message)

    def body(self) -> dict:
        return {"error": {"msg": self.message, "code": self.code}}

    def response(self) -> web.Response:
        return json_response(self.body(), self.status)


def required(parameter: str) -> VoximplantError:
    return VoximplantError(REQUIRED_IS_EMPTY, f"Required parameter is empty: '{parameter}'")


def invalid(parameter: str) -> VoximplantError:
    return VoximplantError(INVALID, f"The '{parameter}' parameter is invalid.")


def too_long(parameter: str, limit: int) -> VoximplantError:
    return VoximplantError(LENGTH_EXCEEDED, f"The '{parameter}' parameter length should not exceed {limit} symbols.")


def output_not_written(output: str) -> VoximplantError:
    """A documented format the emulator cannot write (xls needs a spreadsheet library): 105, saying which."""
    return VoximplantError(OUTPUT_FORMAT_NOT_SUPPORTED,
                           f"{MESSAGES[OUTPUT_FORMAT_NOT_SUPPORTED]}: the emulator writes json and csv, not {output}")


def authorization_failed() -> VoximplantError:
    return VoximplantError(AUTHORIZATION_FAILED)


def body_too_large(operation: str | None = None) -> VoximplantError:
    """Every method answers a body too large the same way."""
    return VoximplantError(INVALID_ARGUMENTS)


def unreadable_body(operation: str | None = None) -> VoximplantError:
    return VoximplantError(INVALID_ARGUMENTS)


def invalid_uri() -> VoximplantError:
    return VoximplantError(UNKNOWN_COMMAND)


def method_not_allowed(method: str) -> VoximplantError:
    return VoximplantError(INVALID_ARGUMENTS, f"Invalid arguments: method {method} is not supported")


def internal_error() -> VoximplantError:
    return VoximplantError(INTERNAL_ERROR)


def fault_error(status: int, message: str | None = None, operation: str | None = None) -> VoximplantError:
    """The error an injected fault or a late body answers with: Voximplant's code at HTTP 200, or a failing
    gateway's 5xx, the same for every method."""
    if status >= 500:
        return VoximplantError(INTERNAL_ERROR, message, status=status)
    if status == 429:
        return VoximplantError(RATE_LIMIT_EXCEED, message)
    if status == 401:
        return VoximplantError(AUTHORIZATION_FAILED, message)
    if status == 403:
        return VoximplantError(FORBIDDEN_COMMAND, message)
    if status == 404:
        return VoximplantError(UNKNOWN_COMMAND, message)
    return VoximplantError(INVALID_ARGUMENTS, message)


def from_rejection(rejection: Rejection, a2p: bool = False, text_limit: int = 765) -> VoximplantError:
    """Render a neutral rule decision as the error SendSmsMessage (or A2PSendSms) answers with."""
    value = (rejection.value or "").lstrip("+")
    text_param, source_param, destination_param = ("text", "src_number", "dst_numbers") if a2p else \
        ("sms_body", "source", "destination")
    match rejection.reason:
        case Reason.TEXT_MISSING:
            return required(text_param)
        case Reason.TEXT_TOO_LONG:
            return too_long(text_param, text_limit)
        case Reason.SENDER_NUMBER_MISSING:
            return required(source_param)
        case Reason.RECIPIENT_MISSING:
            return required(destination_param)
        case Reason.SENDER_NUMBER_SMS_UNSUPPORTED:
            return VoximplantError(NOT_SUPPORT_SMS)
        case Reason.SENDER_NUMBER_SMS_DISABLED:
            if a2p:
                return VoximplantError(A2P_SMS_DISABLED, f"A2P SMS disabled for number {value}")
            return VoximplantError(SMS_DISABLED_FOR_NUMBER)
        case Reason.SENDER_NUMBER_INVALID | Reason.SENDER_EXTENSION_NUMBER | Reason.SENDER_NUMBER_NOT_OWNED \
                | Reason.SENDER_NUMBER_OPERATOR_ONLY | Reason.SENDER_NUMBER_FAX | Reason.SENDER_NUMBER_NOT_SMS_SENDER:
            return VoximplantError(INVALID_SRC_NUMBER if a2p else INVALID_SOURCE)
        case Reason.RECIPIENT_INVALID | Reason.RECIPIENT_EXTENSION_NUMBER | Reason.RECIPIENT_SHORT_NUMBER \
                | Reason.RECIPIENT_DUPLICATE | Reason.TOO_MANY_RECIPIENTS:
            return invalid(destination_param) if a2p else VoximplantError(INVALID_DESTINATION)
    return VoximplantError(INVALID_ARGUMENTS)
