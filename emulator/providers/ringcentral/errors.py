"""RingCentral's error envelope and the one table that maps neutral rejections to its codes.

Choices where sources disagree (newest primary source wins; see the README's fidelity notes):
- non-owned `from`: 403 MSG-304 (Developer Guide, current) rather than 400 MSG-245 (2018 explorer);
- Disabled/Frozen pager recipient: 400 MSG-324 with the Developer Guide's wording;
- invalid bearer token: 401 with legacy top-level `TokenInvalid` and `OAU-213` in `errors[]`.
- MMS from a number without the MmsSender feature: 403 MSG-242 "The requested feature is not available", the
  documented code for a number that may not send what is asked; the one MMS code known, BIL-103 "Feature [MMS]
  is not available for current account", is about the account, and no source gives one for a number;
- message sync: `syncType` optional (FSync) and a 24-hour default frame, as the current spec says, rather than the
  2019 guide's mandatory `syncType` and one-week frame (rules.py); a token it did not issue: 400 MSG-333.
- token endpoint: OAU-123 (no client authentication) and OAU-140 (bad JWT or password) are 400, as the spec's only
  listed error and a 2021 wire capture, rather than the Developer Guide table's 401.
"""

from __future__ import annotations

import functools

from aiohttp import web

from ...core.rules import Reason, Rejection
from ...wire import ProviderError, json_response


class RingCentralError(ProviderError):
    """An error RingCentral would answer with; rendered as its JSON envelope."""

    def __init__(self, status: int, code: str, message: str, parameter: str | None = None,
                 category: str | None = None, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.parameter = parameter
        self.category = category
        self.headers = headers

    def body(self) -> dict:
        item = {"errorCode": self.code, "message": self.message}
        if self.parameter:
            item["parameterName"] = self.parameter
        body = {"errorCode": self.category or self.code, "message": self.message, "errors": [item]}
        if self.parameter:
            body["parameterName"] = self.parameter
        return body

    def response(self) -> web.Response:
        return json_response(self.body(), self.status, self.headers)


class OAuthError(RingCentralError):
    """Errors of /restapi/oauth/*, in the OAuth shape RingCentral adds `errors[]` to."""

    def __init__(self, status: int, error: str, code: str, message: str) -> None:
        super().__init__(status, code, message)
        self.error = error

    def body(self) -> dict:
        return {"error": self.error, "error_description": self.message,
                "errors": [{"errorCode": self.code, "message": self.message}]}


def client_authentication_required() -> OAuthError:
    """A confidential app that sent only its client_id: the body as RingCentral answered it (api-docs PR #33); 400,
    as the spec's OauthInvalidRequest, the one error its token endpoint lists."""
    return OAuthError(400, "invalid_client", "OAU-123", "Client authentication is required")


def invalid_client_credentials() -> OAuthError:
    return OAuthError(401, "invalid_client", "OAU-146", "Invalid client credentials")


def invalid_resource_owner_credentials() -> OAuthError:
    """A JWT or password nobody has. 400 for every grant: the spec lists only 400 for the token endpoint, and a real
    password login answered 400 (ringcentral-java issue #24, 2021), though the Developer Guide's table says 401."""
    return OAuthError(400, "invalid_grant", "OAU-140", "Invalid resource owner credentials.")


def grant_not_enabled() -> OAuthError:
    """A grant the spec defines that the app is not enabled for (StackOverflow 47692828 and others: 400)."""
    return OAuthError(400, "unauthorized_client", "OAU-251", "Unauthorized for this grant type")


def grant_unsupported() -> OAuthError:
    """A grant_type RingCentral does not know, as seen on the wire."""
    return OAuthError(400, "invalid_request", "OAU-250", "Unsupported grant type")


def mandatory(parameter: str) -> RingCentralError:
    return RingCentralError(400, "CMN-100", f"Mandatory parameter [{parameter}] not specified.", parameter,
                            category="InvalidParameter")


def invalid(parameter: str) -> RingCentralError:
    return RingCentralError(400, "CMN-101", f"Parameter [{parameter}] value is invalid.", parameter,
                            category="InvalidParameter")


def not_found(parameter: str, status: int = 404) -> RingCentralError:
    return RingCentralError(status, "CMN-102", f"Resource for parameter [{parameter}] is not found", parameter)


def unparsable_json() -> RingCentralError:
    return RingCentralError(400, "CMN-103", "JSON can't be parsed.", category="InvalidParameter")


def unreadable_body(operation: str | None = None) -> RingCentralError:
    """A body that cannot be read at all, such as a broken gzip stream: RingCentral's parse error, in the OAuth
    shape on the token endpoints."""
    if operation in OAUTH_OPERATIONS:
        return oauth_bad_request(400, "Cannot parse request")
    return unparsable_json()


OAUTH_OPERATIONS = ("ringcentral.getToken", "ringcentral.revokeToken")
# Where a 503 is the messaging service's "Sending SMS failed" (MSG-290); elsewhere it is the gateway's CMN-201.
SMS_SENDS = ("ringcentral.createSMSMessage", "ringcentral.createMMS", "ringcentral.createInternalTextMessage",
             "ringcentral.createA2PSMS")


def oauth_bad_request(status: int, message: str) -> OAuthError:
    """The token endpoints' answer to a request they cannot use as sent, in the shape OAuth clients read."""
    # OAU-101 is the code they give a missing parameter or an unreadable body here. No source shows their 413 or
    # 408, so those keep their status and take this closest code rather than a REST code or an invented OAU one.
    return OAuthError(status, "invalid_request", "OAU-101", message)


def body_too_large(operation: str | None = None) -> RingCentralError:
    """413: the messaging code, or in the OAuth shape on the token endpoints."""
    if operation in OAUTH_OPERATIONS:
        return oauth_body_too_large()
    return RingCentralError(413, "MSG-338", "Message size limit exceeded")


def oauth_body_too_large() -> OAuthError:
    """The token endpoints' 413, the same whether the body was read before their handler ran or by it."""
    return oauth_bad_request(413, "Request is too large")


def invalid_uri() -> RingCentralError:
    return RingCentralError(404, "CMN-120", "Invalid URI")


def method_not_allowed(method: str) -> RingCentralError:
    return RingCentralError(405, "CMN-120", f"Invalid URI: method [{method}] is not allowed here")


def internal_error() -> RingCentralError:
    return RingCentralError(500, "CMN-201", "Service temporary unavailable")


def fault_error(status: int, message: str | None = None, operation: str | None = None) -> RingCentralError:
    """A fault's or a late body's error, in the envelope RingCentral gives that status on that operation."""
    if operation in OAUTH_OPERATIONS and 400 <= status < 500 and status != 429:
        return oauth_fault(status, message)
    if status == 429:
        return RingCentralError(429, "CMN-301", message or "Request rate exceeded", headers={"Retry-After": "60"})
    if status == 401:
        return RingCentralError(401, "OAU-213", message or "Token not found", category="TokenInvalid")
    if status == 403:
        return RingCentralError(403, "CMN-408", message or "In order to call this API endpoint, user needs to have "
                                "[OutboundSMS] permission for requested resource.")
    if status == 404:
        return RingCentralError(404, "CMN-102", message or "Resource for parameter [extensionId] is not found")
    if status == 503 and (operation is None or operation in SMS_SENDS):
        return RingCentralError(503, "MSG-290", message or "Sending SMS failed. Please try later.")
    if status >= 500:
        return RingCentralError(status, "CMN-201", message or "Service temporary unavailable")
    return RingCentralError(status, "CMN-101", message or "Parameter [] value is invalid", category="InvalidParameter")


def oauth_fault(status: int, message: str | None) -> OAuthError:
    """A token endpoint's client error: 401 is invalid_client (RFC 6749 5.2), the rest invalid_request."""
    # 429 and 5xx are not sent here: the API gateway answers them in the REST envelope on every path.
    if status == 401:
        return OAuthError(401, "invalid_client", "OAU-146", message or "Invalid client credentials")
    return oauth_bad_request(status, message or "Request is invalid")


def another_extension() -> RingCentralError:
    return RingCentralError(403, "CMN-404", "Attempt to access another extension")


def token_not_found() -> RingCentralError:
    return RingCentralError(401, "OAU-213", "Token not found", category="TokenInvalid")


def token_expired() -> RingCentralError:
    return RingCentralError(401, "OAU-128", "Access token expired.", category="TokenInvalid")


def missing_authorization() -> RingCentralError:
    return RingCentralError(401, "AGW-401", "Authorization header is not specified", category="TokenInvalid")


def invalid_authorization() -> RingCentralError:
    return RingCentralError(401, "AGW-402", "Invalid Authorization header", category="TokenInvalid")


def sync_token_invalid() -> RingCentralError:
    """The message-sync answer to a token it did not issue to this mailbox; clients then do an FSync."""
    return RingCentralError(400, "MSG-333", "Parameter [syncToken] is invalid", "syncToken",
                            category="InvalidParameter")


def webhook_unreachable() -> RingCentralError:
    return RingCentralError(400, "SUB-521", "WebHook is not reachable")


def webhook_status(status: int) -> RingCentralError:
    return RingCentralError(400, "SUB-522", f"WebHook responds with incorrect HTTP status. HTTP status is {status}")


def webhook_response_invalid() -> RingCentralError:
    """The webhook answered 200 without echoing the Validation-Token header."""
    return RingCentralError(400, "SUB-525", "WebHook server response is invalid")


def invalid_event_filters(filters: list[str]) -> RingCentralError:
    return RingCentralError(400, "SUB-508", f"Invalid event filters: [{', '.join(filters)}]", "eventFilters")


def too_many_subscriptions() -> RingCentralError:
    return RingCentralError(403, "SUB-505", "Subscriptions limit exceeded")


def messages_of_another_extension() -> RingCentralError:
    return RingCentralError(403, "SUB-405", "Not allowed subscribe for messages to other extensions")


def events_of_another_account() -> RingCentralError:
    return RingCentralError(403, "SUB-406", "Not allowed subscribe for events to extensions of other account")


def subscription_expired(subscription_id: str, session_id: str) -> RingCentralError:
    return RingCentralError(404, "SUB-507", f"Subscription with key [{subscription_id}] and assigned session "
                                            f"[{session_id}] was expired")


def with_asg_envelope(handler):
    """High-volume SMS errors are the ASG envelope: the code itself at the top, no legacy category."""

    @functools.wraps(handler)
    async def answer(request):
        try:
            return await handler(request)
        except OAuthError:
            raise
        except RingCentralError as error:
            error.category = None
            raise

    return answer


def thread_unreadable() -> RingCentralError:
    return RingCentralError(403, "MSG-326", "Access is denied for user, who is no longer a thread participant")


def from_rejection(rejection: Rejection) -> RingCentralError:
    """Render a neutral rule decision as the error RingCentral answers with."""
    value = rejection.value or ""
    match rejection.reason:
        case Reason.TEXT_MISSING:
            return mandatory("text")
        case Reason.TEXT_TOO_LONG:
            return invalid("text")
        case Reason.SENDER_NUMBER_MISSING:
            return mandatory("from")
        case Reason.SENDER_NUMBER_INVALID:
            return invalid("from.phoneNumber")
        case Reason.SENDER_NUMBER_NOT_OWNED | Reason.SENDER_NUMBER_OPERATOR_ONLY:
            return RingCentralError(403, "MSG-304", "Phone number doesn't belong to extension", "from",
                                    category="InvalidParameter")
        case Reason.SENDER_NUMBER_FAX:
            return RingCentralError(403, "MSG-241", "Cannot send SMS from Fax number", "from")
        case Reason.SENDER_NUMBER_NOT_SMS_SENDER | Reason.SENDER_NUMBER_SMS_UNSUPPORTED | Reason.SENDER_NUMBER_SMS_DISABLED:
            return RingCentralError(403, "MSG-367", '"from" phone number does not support SMS', "from")
        case Reason.RECIPIENT_MISSING:
            return mandatory("to")
        case Reason.RECIPIENT_INVALID:
            return invalid("to.phoneNumber")
        case Reason.SENDER_EXTENSION_NUMBER | Reason.RECIPIENT_EXTENSION_NUMBER:
            return RingCentralError(400, "MSG-246", "Sending SMS from/to extension numbers is not available",
                                    rejection.parameter, category="InvalidParameter")
        case Reason.RECIPIENT_SHORT_NUMBER:
            return RingCentralError(400, "MSG-247", "Sending SMS to short numbers is not available", "to",
                                    category="InvalidParameter")
        case Reason.RECIPIENT_DUPLICATE:
            return RingCentralError(400, "CMN-406", f"Duplicate value for parameter to: {value} found in request",
                                    "to", category="InvalidParameter")
        case Reason.RECIPIENT_INTERNATIONAL:
            return RingCentralError(403, "MSG-240", "International SMS is not available for account.", "to",
                                    category="InternationalProhibited")
        case Reason.RECIPIENT_FAX_ONLY:
            return RingCentralError(403, "MSG-309", "Cannot receive SMS on Fax number", "to")
        case Reason.TOO_MANY_RECIPIENTS:
            return RingCentralError(400, "MSG-381", "Exceeded maximum number of recipients for a Group MMS: [10]",
                                    "to", category="InvalidParameter")
        case Reason.MEDIA_TOO_MANY:
            return RingCentralError(400, "MSG-379", "Too many attachments", "attachments", category="InvalidParameter")
        case Reason.MEDIA_EMPTY:
            return RingCentralError(400, "MSG-347", "Attachment body is empty", "attachments",
                                    category="InvalidParameter")
        case Reason.MEDIA_TOO_LARGE:
            return RingCentralError(400, "MSG-376", "Attachment size limit exceeded", "attachments",
                                    category="InvalidParameter")
        case Reason.MEDIA_TYPE_UNSUPPORTED:
            position, _, named = value.partition(":")
            return RingCentralError(415, "MSG-348", f"Unsupported attachment media type, attachment [{position}]: "
                                    f"[{named}]", "attachments")
        case Reason.SENDER_NUMBER_NOT_MMS_SENDER:
            return RingCentralError(403, "MSG-242", "The requested feature is not available", "from")
        case Reason.RECIPIENT_INTERNATIONAL_MMS:
            return RingCentralError(403, "MSG-383", "International MMS feature is not available", "to")
        case Reason.PAGER_FROM_DEPARTMENT:
            return RingCentralError(403, "MSG-330", "Sending from department message is not supported.", "from")
        case Reason.PAGER_SENDER_MISMATCH:
            detail = "id" if rejection.parameter == "from.extensionId" else "number"
            code = "MSG-332" if detail == "id" else "MSG-331"
            return RingCentralError(400, code, f"Parameter [from] value [{value}] is invalid [Sender extension "
                                    f"{detail} does not correspond to logged in extension]", "from")
        case Reason.PAGER_RECIPIENT_UNKNOWN:
            return RingCentralError(400, "MSG-316", f"Parameter [to] value [{value}] is invalid "
                                    "[Target extension not found]", "to", category="InvalidParameter")
        case Reason.PAGER_RECIPIENT_MISMATCH:
            return RingCentralError(400, "MSG-335", "Recipient extension number does not correspond to ID", "to",
                                    category="InvalidParameter")
        case Reason.PAGER_RECIPIENT_INACTIVE:
            return RingCentralError(400, "MSG-324", "Recipient extension is in inappropriate state", "to",
                                    category="InvalidParameter")
        case Reason.PAGER_RECIPIENT_WRONG_TYPE:
            return RingCentralError(403, "MSG-314", "Extension is of inappropriate type", "to")
        case Reason.REPLY_TARGET_UNKNOWN:
            return not_found("replyOn", status=400)
        case Reason.REPLY_NOT_PARTICIPANT:
            return RingCentralError(403, "MSG-326", "Reply is denied for user, who is no longer a thread participant",
                                    "replyOn")
    raise AssertionError(f"no RingCentral rendering for {rejection.reason}")  # every Reason is covered above
