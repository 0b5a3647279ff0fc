"""Turn RingCentral request bodies and query strings into typed commands, or RingCentral's 400."""

from __future__ import annotations

import base64
import email
import email.errors
import email.message
import email.policy
import json
import re
from typing import Any, NamedTuple
from urllib.parse import parse_qsl

import attrs
from multidict import MultiDict

from ...core.clock import parse_iso
from ...core.ids import is_digits
from ...core.model import PAYMENT_TYPES, Availability, Direction, Kind
from ...core.rules import NANP_CALLING_CODE, Attachment, PagerRecipient, SmsRequest
from ...core.text import utf16_units
from ...webhooks import is_webhook_url
from ...wire import has_lone_surrogate
from .errors import (RingCentralError, events_of_another_account, invalid, invalid_event_filters, mandatory,
                     messages_of_another_extension, sync_token_invalid)
from .rules import (
    A2P_MAX_PHONE_FILTERS,
    A2P_MAX_TEXT_UNITS,
    A2P_PER_PAGE,
    CONSENT_PER_PAGE,
    CONSENT_SOURCES,
    DEFAULT_LIST_WINDOW_MS,
    DEFAULT_PER_PAGE,
    DEFAULT_SYNC_TYPE,
    EVENT_FILTERS,
    MAX_PER_PAGE,
    NANP_ISO_CODES,
    NUMBER_STATUSES,
    NUMBER_USAGE_TYPES,
    US_COUNTRY_ID,
    SUBSCRIPTION_TTL_S,
)


def text_field(body: dict) -> str | None:
    text = body.get("text")
    if text is None:
        return None
    if not isinstance(text, str) or (not text.isascii() and has_lone_surrogate(text)):
        raise invalid("text")
    return text


def sms_request(body: dict, account_id: str, caller_id: str) -> SmsRequest:
    sender = body.get("from")
    if sender is None:
        raise mandatory("from")
    if not isinstance(sender, dict) or not isinstance(sender.get("phoneNumber"), str):
        raise invalid("from.phoneNumber")
    recipients = body.get("to")
    if recipients is None:
        raise mandatory("to")
    if not isinstance(recipients, list):
        raise invalid("to")
    numbers = []
    for recipient in recipients:
        if not isinstance(recipient, dict) or not isinstance(recipient.get("phoneNumber"), str):
            raise invalid("to.phoneNumber")
        numbers.append(recipient["phoneNumber"])
    country = body.get("country")
    return SmsRequest(account_id, sender["phoneNumber"], tuple(numbers), text_field(body), caller_id, None,
                      None if country is None else country_calling_code(country))


def country_calling_code(country: Any) -> str | None:
    """How `country` says to read numbers written without a country code: "1" in the North American plan
    (an `isoCode` there, or `id` 1, the United States), "" (as international numbers) for any other country,
    None (the account's country) when not given."""
    if country is None:
        return None
    if not isinstance(country, dict):
        raise invalid("country")
    iso_code, country_id = country.get("isoCode"), country.get("id")
    if iso_code is not None and country_id is not None:
        raise RingCentralError(400, "MSG-365", "Parameters [country.id] and [country.isoCode] can not be "
                               "specified simultaneously", "country")
    if iso_code is not None:
        if not isinstance(iso_code, str):
            raise invalid("country.isoCode")
        return NANP_CALLING_CODE if iso_code.upper() in NANP_ISO_CODES else ""
    if country_id is None:
        return None
    if isinstance(country_id, bool) or not isinstance(country_id, (str, int)):
        raise invalid("country.id")
    return NANP_CALLING_CODE if str(country_id) == US_COUNTRY_ID else ""


@attrs.frozen
class PagerBody:
    text: str | None
    to: tuple[PagerRecipient, ...]
    from_extension_id: str | None
    from_extension_number: str | None
    reply_on: int | None


def pager_body(body: dict) -> PagerBody:
    sender = body.get("from") or {}
    if not isinstance(sender, dict):
        raise invalid("from")
    recipients = body.get("to") or []
    if not isinstance(recipients, list):
        raise invalid("to")
    parsed = tuple(pager_recipient(r) for r in recipients)
    reply_on = body.get("replyOn")
    if reply_on is not None:
        reply_on = integer(reply_on, "replyOn")
    if not parsed and reply_on is None:
        raise mandatory("to")
    return PagerBody(text_field(body), parsed, optional_id(sender.get("extensionId"), "from.extensionId"),
                     optional_id(sender.get("extensionNumber"), "from.extensionNumber"), reply_on)


def pager_recipient(raw: Any) -> PagerRecipient:
    if not isinstance(raw, dict):
        raise invalid("to")
    ext_id = optional_id(raw.get("extensionId"), "to.extensionId")
    ext_number = optional_id(raw.get("extensionNumber"), "to.extensionNumber")
    if ext_id is None and ext_number is None:
        raise invalid("to.extensionNumber")
    return PagerRecipient(ext_id, ext_number)


def optional_id(value: Any, parameter: str) -> str | None:
    """Ids and extension numbers arrive as strings or numbers; anything else is invalid."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise invalid(parameter)
    return str(value)


PLAIN_INTEGER = re.compile(r"[+-]?[0-9]{1,19}")
INT64 = range(-2**63, 2**63)  # RingCentral's integer parameters are int64 at most; beyond is a 400, not a miss


def integer(value: Any, parameter: str, minimum: int | None = None) -> int:
    """A JSON number or a query's ASCII digits (Python alone would also read '1_0', ' 7 ' or '١٠' as numbers)."""
    if isinstance(value, bool) or (isinstance(value, str) and not PLAIN_INTEGER.fullmatch(value)):
        raise invalid(parameter)
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):  # OverflowError: an infinite JSON number
        raise invalid(parameter) from None
    if number not in INT64 or (minimum is not None and number < minimum):
        raise invalid(parameter)
    return number


def conversation_ids(params: MultiDict[str]) -> set[int]:
    """deleteMessageByFilter's `conversationId`s (repeated or comma-separated), each read as the list reads its one."""
    return {integer(item, "conversationId") for value in params.getall("conversationId", [])
            for item in value.split(",")}


def path_id(raw: str) -> int | None:
    """A message id from a path: ASCII digits within int64, else None (int() alone would read '1_0' or ' 7 ')."""
    if not PATH_ID.fullmatch(raw):
        return None
    number = int(raw)
    return number if number in INT64 else None


PATH_ID = re.compile(r"[0-9]{1,19}")


def enum_values(params: MultiDict[str], name: str, allowed: set[str]) -> set[str] | None:
    values = params.getall(name, [])
    if not values:
        return None
    chosen = set()
    for value in values:
        for item in value.split(","):
            if item not in allowed:
                raise invalid(name)
            chosen.add(item)
    return chosen


def boolean(params: MultiDict[str], name: str) -> bool:
    value = params.get(name)
    if value is None:
        return False
    lowered = value.lower()
    if lowered not in ("true", "false"):
        raise invalid(name)
    return lowered == "true"


def time_param(params: MultiDict[str], name: str) -> int | None:
    """A date-time query parameter; a date alone is refused, as every RingCentral one is `format: date-time`."""
    value = params.get(name)
    if value is None:
        return None
    if not DATE_WITH_TIME.search(value):
        raise invalid(name)
    try:
        return parse_iso(value)
    except ValueError:
        raise invalid(name) from None


def paging_params(params: MultiDict[str], least_per_page: int = 1) -> tuple[int, int]:
    """page and perPage. The message store's paging schema foresees perPage=0, an empty page with a count; the
    directory lists' (EnumeratedPagingModel) echoes perPage with a minimum of 1, so there 0 is refused."""
    page = integer(params.get("page", "1"), "page", minimum=1)
    per_page = integer(params.get("perPage", str(DEFAULT_PER_PAGE)), "perPage", minimum=least_per_page)
    return page, min(per_page, MAX_PER_PAGE)


@attrs.frozen
class MessageFilter:
    """The message-store list filters, with RingCentral's defaults applied."""

    date_from: int
    date_to: int
    availability: frozenset[str]
    directions: frozenset[str] | None
    kinds: frozenset[str] | None
    read_statuses: frozenset[str] | None
    conversation_id: int | None
    phone_number: str | None
    distinct_conversations: bool
    page: int
    per_page: int


def date_window(params: MultiDict[str], now_ms: int) -> tuple[int, int]:
    """dateFrom and dateTo with RingCentral's defaults: up to now, from 24 hours before dateTo."""
    date_to = time_param(params, "dateTo")
    date_to = now_ms if date_to is None else date_to
    date_from = time_param(params, "dateFrom")
    return (date_to - DEFAULT_LIST_WINDOW_MS if date_from is None else date_from), date_to


# The spec's enums for the message lists' filters. Text is a record's type, never a filter value (MessageTypeEnum).
MESSAGE_TYPES = frozenset({"Fax", "SMS", "VoiceMail", "Pager"})
EXTENSION_TYPES = frozenset({  # AllExtensionTypesEnum
    "User", "Department", "Announcement", "Voicemail", "DigitalUser", "VirtualUser", "FaxUser", "PagingOnly",
    "SharedLinesGroup", "DelegatedLinesGroup", "GroupCallPickup", "IvrMenu", "ApplicationExtension", "ProxyAdmin",
    "RoomConnector", "ParkLocation", "Limited", "Bot", "Site", "Room", "FlexibleUser", "TieLine", "Unknown"})
EXTENSION_STATUSES = frozenset({"Enabled", "Disabled", "Frozen", "NotActivated", "Unassigned"})  # ...StatusEnumFull
OWNER_KEYWORDS = frozenset({"Any", "Personal", "Shared"})  # the `owner` parameter's enum; else extension ids
DATE_WITH_TIME = re.compile(r"[Tt ]\d")


def check_message_query(params: MultiDict[str]) -> None:
    """What the message store and sync share: the spec's enums and date-times, refused with CMN-101 before use."""
    for name in ("dateFrom", "dateTo"):
        time_param(params, name)
    enum_values(params, "messageType", MESSAGE_TYPES)
    enum_values(params, "ownerExtensionType", EXTENSION_TYPES)
    owner_values(params)


def owner_values(params: MultiDict[str]) -> None:
    """`owner` is Any, Personal, Shared or extension ids; only checked, as every mailbox keeps its own copies."""
    for value in params.getall("owner", []):
        if any(item not in OWNER_KEYWORDS and not is_digits(item) for item in value.split(",")):
            raise invalid("owner")


def message_filter(params: MultiDict[str], now_ms: int) -> MessageFilter:
    check_message_query(params)
    date_from, date_to = date_window(params, now_ms)
    availability = enum_values(params, "availability", {a.value for a in Availability}) or {"Alive"}
    conversation = params.get("conversationId")
    page, per_page = paging_params(params, least_per_page=0)
    phone = params.get("phoneNumber")
    return MessageFilter(
        date_from=date_from,
        date_to=date_to,
        availability=frozenset(availability),
        directions=frozen(enum_values(params, "direction", {d.value for d in Direction})),
        kinds=frozen(enum_values(params, "messageType", MESSAGE_TYPES)),
        read_statuses=frozen(enum_values(params, "readStatus", {"Read", "Unread"})),
        conversation_id=integer(conversation, "conversationId") if conversation is not None else None,
        phone_number=phone.strip() if phone else None,
        distinct_conversations=boolean(params, "distinctConversations"),
        page=page,
        per_page=per_page,
    )


def frozen(values: set[str] | None) -> frozenset[str] | None:
    return frozenset(values) if values is not None else None


KIND_NAMES = {k.value for k in Kind}


# --- directory lists --------------------------------------------------------------------------------

EMAIL_MAX_LENGTH = 254  # listExtensions' `email` items


@attrs.frozen
class NumberFilter:
    """A phone-number list's filters (None: not given); the extension's list has no paymentType or extensionStatus."""

    usage_types: frozenset[str] | None
    statuses: frozenset[str] | None
    payment_types: frozenset[str] | None
    extension_statuses: frozenset[str] | None
    page: int
    per_page: int


def number_filter(params: MultiDict[str], account_wide: bool) -> NumberFilter:
    """The extension's list does not document the account-wide filters, and ignores them as any unknown one."""
    page, per_page = paging_params(params)
    return NumberFilter(
        usage_types=frozen(enum_values(params, "usageType", NUMBER_USAGE_TYPES)),
        statuses=frozen(enum_values(params, "status", set(NUMBER_STATUSES))),
        payment_types=frozen(enum_values(params, "paymentType", PAYMENT_TYPES)) if account_wide else None,
        extension_statuses=frozen(enum_values(params, "extensionStatus", EXTENSION_STATUSES)) if account_wide else None,
        page=page,
        per_page=per_page,
    )


@attrs.frozen
class ExtensionFilter:
    """The extension list's filters (None: not given); emails lower-cased, as they match whatever the case."""

    types: frozenset[str] | None
    statuses: frozenset[str] | None
    number: str | None
    emails: frozenset[str] | None
    page: int
    per_page: int


def extension_filter(params: MultiDict[str]) -> ExtensionFilter:
    emails = params.getall("email", [])
    if any(len(value) > EMAIL_MAX_LENGTH for value in emails):
        raise invalid("email")
    page, per_page = paging_params(params)
    return ExtensionFilter(
        types=frozen(enum_values(params, "type", EXTENSION_TYPES)),
        statuses=frozen(enum_values(params, "status", EXTENSION_STATUSES)),
        number=params.get("extensionNumber"),
        emails=frozenset(value.lower() for value in emails) if emails else None,
        page=page,
        per_page=per_page,
    )


# --- message sync -----------------------------------------------------------------------------------

SYNC_TYPES = ("FSync", "ISync")
SYNC_TOKEN_VERSION = 1


@attrs.frozen
class SyncFrame:
    """What a sync token carries: whose mailbox, which messages (creation window and filters), and when.

    `date_to` None is an open frame that takes in new messages as they come.
    """

    account_id: str
    extension_id: str
    date_from: int
    date_to: int | None
    kinds: frozenset[str] | None
    directions: frozenset[str] | None
    conversation_id: int | None
    distinct_conversations: bool
    synced_ms: int


def sync_type(params: MultiDict[str]) -> str:
    """FSync or ISync, once the query passes the checks the message store makes: either sync refuses a bad value."""
    check_message_query(params)
    value = params.get("syncType", DEFAULT_SYNC_TYPE)
    if value not in SYNC_TYPES:
        raise invalid("syncType")
    return value


def record_count(params: MultiDict[str]) -> int | None:
    value = params.get("recordCount")
    return None if value is None else integer(value, "recordCount", minimum=1)


def full_sync_frame(params: MultiDict[str], account_id: str, extension_id: str, now_ms: int) -> SyncFrame:
    """The frame an FSync asks for, with the spec's default window of 24 hours before dateTo."""
    date_to = time_param(params, "dateTo")
    date_from = time_param(params, "dateFrom")
    if date_from is None:
        date_from = (now_ms if date_to is None else date_to) - DEFAULT_LIST_WINDOW_MS
    conversation = params.get("conversationId")
    return SyncFrame(
        account_id=account_id,
        extension_id=extension_id,
        date_from=date_from,
        date_to=date_to,
        kinds=frozen(enum_values(params, "messageType", MESSAGE_TYPES)),
        directions=frozen(enum_values(params, "direction", {d.value for d in Direction})),
        conversation_id=integer(conversation, "conversationId") if conversation is not None else None,
        distinct_conversations=boolean(params, "distinctConversations"),
        synced_ms=now_ms,
    )


def encode_sync_token(frame: SyncFrame) -> str:
    """Opaque to clients, as RingCentral's are, but readable back without keeping any state."""
    fields = [SYNC_TOKEN_VERSION, frame.account_id, frame.extension_id, frame.date_from, frame.date_to,
              sorted(frame.kinds) if frame.kinds is not None else None,
              sorted(frame.directions) if frame.directions is not None else None,
              frame.conversation_id, frame.distinct_conversations, frame.synced_ms]
    packed = json.dumps(fields, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(packed).decode().rstrip("=")


def decode_sync_token(token: str, account_id: str, extension_id: str) -> SyncFrame:
    """The frame of a token this mailbox was given; anything else is RingCentral's MSG-333."""
    try:
        fields = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        version, account, extension, date_from, date_to, kinds, directions, conversation, distinct, synced = fields
        frame = SyncFrame(account, extension, date_from, date_to, optional_names(kinds), optional_names(directions),
                          conversation, distinct, synced)
    except (ValueError, TypeError, UnicodeError, RecursionError):  # the client holds the token: any bytes come
        raise sync_token_invalid() from None
    if version != SYNC_TOKEN_VERSION or not well_formed(frame) or (account, extension) != (account_id, extension_id):
        raise sync_token_invalid()
    return frame


def optional_names(values: Any) -> frozenset[str] | None:
    if values is None:
        return None
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise TypeError("names")
    return frozenset(values)


def well_formed(frame: SyncFrame) -> bool:
    def whole(value: Any) -> bool:
        return isinstance(value, int) and not isinstance(value, bool)

    return (whole(frame.date_from) and (frame.date_to is None or whole(frame.date_to)) and whole(frame.synced_ms)
            and (frame.conversation_id is None or whole(frame.conversation_id))
            and isinstance(frame.distinct_conversations, bool))


# --- subscriptions ----------------------------------------------------------------------------------

VERIFICATION_TOKEN = re.compile(r"[\x21-\x7e]{1,64}")
MESSAGE_STORE_FILTER = re.compile(r"/restapi/v1\.0/account/(\d+)/extension/(\d+)/message-store(/instant)?(?:\?(.*))?")


@attrs.frozen
class EventFilter:
    """One event filter as the subscription shows it (`~` expanded), and what it takes from the message store.

    A filter of the EVENT_FILTERS table the emulator has no events for (presence, telephony) is kept and shown, and
    never fires.
    """

    text: str
    mailbox: tuple[str, str] | None = None  # (account id, extension id) of a message-store filter
    instant: bool = False  # message-store/instant: the full record of each new inbound SMS
    kinds: frozenset[str] | None = None
    directions: frozenset[str] | None = None


@attrs.frozen
class SubscriptionRequest:
    event_filters: tuple[EventFilter, ...] | None
    address: str | None
    verification_token: str | None
    expires_in: int | None


def subscription_request(body: dict, account_id: str, extension_id: str, creating: bool) -> SubscriptionRequest:
    """A create (deliveryMode and eventFilters required) or update (both optional; deliveryMode ignored) body."""
    filters = body.get("eventFilters")
    if filters is None and creating:
        raise mandatory("eventFilters")
    parsed = None if filters is None else event_filters(filters, account_id, extension_id)
    address = token = None
    if creating:
        address, token = delivery_mode(body.get("deliveryMode"))
    return SubscriptionRequest(parsed, address, token, expires_in(body.get("expiresIn")))


def event_filters(filters: Any, account_id: str, extension_id: str) -> tuple[EventFilter, ...]:
    """The filters of a create or update; any RingCentral does not know makes the whole request 400 SUB-508."""
    if not isinstance(filters, list) or not filters or not all(isinstance(f, str) for f in filters):
        raise invalid("eventFilters")
    unknown = [f for f in filters if not is_known_event_filter(f)]
    if unknown:
        raise invalid_event_filters(unknown)
    parsed = tuple(event_filter(f, account_id, extension_id) for f in filters)
    for wanted in parsed:
        if wanted.mailbox is not None and wanted.mailbox[0] != account_id:
            raise events_of_another_account()
        if wanted.mailbox is not None and wanted.mailbox[1] != extension_id:
            raise messages_of_another_extension()
    return parsed


def event_filter_pattern(template: str) -> re.Pattern:
    """A path of the EVENT_FILTERS table as a pattern: an account or extension id is `~` or digits, any other `{...}`
    one path segment; any query may follow."""
    pieces = re.split(r"(\{[^}]+\})", template)
    pattern = "".join(PLACEHOLDERS.get(piece, r"[^/?]+") if piece.startswith("{") else re.escape(piece)
                      for piece in pieces)
    return re.compile(pattern + r"(?:\?.*)?")


PLACEHOLDERS = {"{accountId}": r"(?:~|\d+)", "{extensionId}": r"(?:~|\d+)"}


KNOWN_EVENT_FILTERS = tuple(event_filter_pattern(template) for template in EVENT_FILTERS)


def is_known_event_filter(raw: str) -> bool:
    """Whether a filter names one of RingCentral's events (a typo such as `mesage-store` does not)."""
    return not has_lone_surrogate(raw) and any(pattern.fullmatch(raw) for pattern in KNOWN_EVENT_FILTERS)


def event_filter(raw: str, account_id: str, extension_id: str) -> EventFilter:
    text = raw.replace("/account/~", f"/account/{account_id}").replace("/extension/~", f"/extension/{extension_id}")
    match = MESSAGE_STORE_FILTER.fullmatch(text)
    if match is None:
        return EventFilter(text)
    query = MultiDict(parse_qsl(match.group(4) or "", keep_blank_values=True))
    try:
        kinds = enum_values(query, "type", {"Fax", "SMS", "VoiceMail", "Pager", "Text"})
        directions = enum_values(query, "direction", {d.value for d in Direction})
    except RingCentralError:
        raise invalid_event_filters([raw]) from None
    return EventFilter(text, (match.group(1), match.group(2)), bool(match.group(3)), frozen(kinds), frozen(directions))


def delivery_mode(mode: Any) -> tuple[str, str | None]:
    """The webhook address and verification token; WebHook is the one transport served over REST."""
    if mode is None:
        raise mandatory("deliveryMode")
    if not isinstance(mode, dict):
        raise invalid("deliveryMode")
    if mode.get("transportType") != "WebHook":
        raise invalid("deliveryMode.transportType")
    address = mode.get("address")
    if address is None:
        raise mandatory("deliveryMode.address")
    if not is_webhook_url(address):
        raise invalid("deliveryMode.address")
    token = mode.get("verificationToken")
    if token is not None and not (isinstance(token, str) and VERIFICATION_TOKEN.fullmatch(token)):
        raise invalid("deliveryMode.verificationToken")  # it travels back as a header value
    return address, token


def expires_in(value: Any) -> int | None:
    """Lifetimes beyond WebHook's maximum are cut to it."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < SUBSCRIPTION_TTL_S[0]:
        raise invalid("expiresIn")
    return min(value, SUBSCRIPTION_TTL_S[1])


# --- high-volume (A2P) SMS ------------------------------------------------------------------------------

@attrs.frozen
class A2pBatchRequest:
    from_number: str
    messages: tuple[tuple[str, str], ...]  # (to, text), text already defaulted to the batch's


def a2p_batch_request(body: dict) -> A2pBatchRequest:
    """A batch: `from`, `messages[]` of `{to: [one number], text?}`, and a `text` for those without their own."""
    sender = body.get("from")
    if sender is None:
        raise mandatory("from")
    if not isinstance(sender, str):
        raise invalid("from")
    messages = body.get("messages")
    if messages is None:
        raise mandatory("messages")
    if not isinstance(messages, list) or not messages:
        raise invalid("messages")
    default_text = body.get("text")
    return A2pBatchRequest(sender, tuple(a2p_message(m, default_text) for m in messages))


def a2p_message(message: Any, default_text: Any) -> tuple[str, str]:
    if not isinstance(message, dict):
        raise invalid("messages")
    to = message.get("to")
    if to is None:
        raise mandatory("messages.to")
    if not isinstance(to, list) or len(to) != 1 or not isinstance(to[0], str):
        raise invalid("messages.to")  # "Currently only one number is supported"
    text = message.get("text", default_text)
    if text is None:
        raise mandatory("text")
    if not isinstance(text, str) or has_lone_surrogate(text) or utf16_units(text) > A2P_MAX_TEXT_UNITS:
        raise invalid("text")
    return to[0], text


@attrs.frozen
class A2pQuery:
    date_from: int
    date_to: int
    batch_id: str | None
    directions: frozenset[str] | None
    phone_numbers: frozenset[str] | None  # digits only, as RingCentral's examples write them
    detailed: bool
    statuses: frozenset[str] | None
    sender: str | None
    offset: int
    per_page: int


def a2p_query(params: MultiDict[str], now_ms: int) -> A2pQuery:
    date_from, date_to = date_window(params, now_ms)
    view = params.get("view", "Simple")
    if view not in ("Simple", "Detailed"):
        raise invalid("view")
    numbers = [n for value in params.getall("phoneNumber", []) for n in value.split(",") if n.strip()]
    if len(numbers) > A2P_MAX_PHONE_FILTERS:
        raise invalid("phoneNumber")
    per_page = integer(params.get("perPage", str(A2P_PER_PAGE[1])), "perPage", minimum=1)
    sender = params.get("from")
    return A2pQuery(
        date_from=date_from,
        date_to=date_to,
        batch_id=params.get("batchId"),
        directions=frozen(enum_values(params, "direction", {d.value for d in Direction})),
        phone_numbers=frozenset(n.strip().lstrip("+") for n in numbers) or None,
        detailed=view == "Detailed",
        statuses=frozen(enum_values(params, "status", {"Queued", "Processing", "Sent", "Completed"})),
        sender=sender.strip().lstrip("+") if sender else None,
        offset=page_token_offset(params.get("pageToken")),
        per_page=min(per_page, A2P_PER_PAGE[0]),
    )


def page_token_offset(token: str | None) -> int:
    """Page tokens are opaque to clients; here they carry the offset of the page."""
    if token is None:
        return 0
    if not PAGE_TOKEN.fullmatch(token):
        raise invalid("pageToken")
    return int(token[3:])


def page_token(offset: int) -> str:
    return f"pgt{offset}"


PAGE_TOKEN = re.compile(r"pgt[0-9]{1,9}")  # ASCII digits: `\d` would take "pgt١" too


# --- SMS consents (opt-outs) ------------------------------------------------------------------------------

OPT_STATUSES = ("OptOut", "OptIn")


class ConsentUpdate(NamedTuple):
    """One record of a consent update, its numbers in E.164."""

    fields: dict  # from, to, optStatus and source, echoed when the record fails
    number: str
    handset: str
    opted_out: bool
    by_recipient: bool


CONSENT_RECORDS_MAX = 1000  # UpdateOptRecordList's maxItems
CONSENT_FILTER_MAX = 20  # from[] and to[] of a search
CONSENT_COVERAGES = {"PhoneNumber", "Account", "CampaignType"}
CAMPAIGN_TYPES = {"Conversational", "Informational", "Promotional"}


def consent_updates(body: dict) -> list[ConsentUpdate]:
    """`records[]` of `{from, to, optStatus, source?}`; a record that is not one refuses the whole request."""
    records = body.get("records")
    if records is None:
        raise mandatory("records")
    if not isinstance(records, list) or not 1 <= len(records) <= CONSENT_RECORDS_MAX:
        raise invalid("records")
    return [consent_update(record) for record in records]


def consent_update(record: Any) -> ConsentUpdate:
    if not isinstance(record, dict):
        raise invalid("records")
    for name in ("from", "to", "optStatus"):
        if record.get(name) is None:
            raise mandatory(f"records.{name}")
        if not isinstance(record[name], str):
            raise invalid(f"records.{name}")
    if record["optStatus"] not in OPT_STATUSES:
        raise invalid("records.optStatus")
    number, handset = e164(record["from"]), e164(record["to"])
    if number is None or handset is None:
        raise invalid("records.from" if number is None else "records.to")  # the schema's E.164 pattern
    source = record.get("source")
    if source is None:
        raise mandatory("records.source")  # UpdateSmsOptRecord requires it
    if source not in CONSENT_SOURCES:
        raise invalid("records.source")
    fields = {"from": number, "to": handset, "optStatus": record["optStatus"], "source": source}
    return ConsentUpdate(fields, number, handset, record["optStatus"] == "OptOut", source == "Recipient")


def e164(value: str) -> str | None:
    """The number when it is written as E.164 (a plus, then 2-15 digits), else None."""
    return value if E164_STRICT.fullmatch(value) else None


E164_STRICT = re.compile(r"\+[1-9][0-9]{1,14}")


class ConsentSearch(NamedTuple):
    numbers: frozenset[str] | None
    handsets: frozenset[str] | None
    opted_out: bool
    offset: int
    per_page: int


def consent_search(body: dict) -> ConsentSearch:
    """Filters `from[]`, `to[]` and `optStatus` (OptOut unless given, as the list API documents), token pages."""
    status = body.get("optStatus", "OptOut")
    if status not in OPT_STATUSES:
        raise invalid("optStatus")
    per_page = integer(body.get("perPage", CONSENT_PER_PAGE[1]), "perPage", minimum=1)
    token = body.get("pageToken")
    if token is not None and not isinstance(token, str):
        raise invalid("pageToken")
    for name, allowed in (("coverage", CONSENT_COVERAGES), ("campaignType", CAMPAIGN_TYPES)):
        distinct_list(body, name, lambda value: value in allowed)  # checked; every record here is PhoneNumber's
    return ConsentSearch(number_list(body, "from"), number_list(body, "to"), status == "OptOut",
                         page_token_offset(token), min(per_page, CONSENT_PER_PAGE[0]))


def number_list(body: dict, name: str) -> frozenset[str] | None:
    """from[] or to[]: 1 to 20 distinct E.164 numbers, as SearchSmsConsentRecordsRequest has them."""
    values = distinct_list(body, name, lambda value: e164(value) is not None, CONSENT_FILTER_MAX)
    return None if values is None else frozenset(values)


def distinct_list(body: dict, name: str, valid, most: int | None = None) -> list[str] | None:
    """A filter array of the search: absent, or 1 to `most` distinct strings that pass `valid`."""
    values = body.get(name)
    if values is None:
        return None
    if (not isinstance(values, list) or not values or (most is not None and len(values) > most)
            or not all(isinstance(v, str) and valid(v) for v in values) or len(set(values)) != len(values)):
        raise invalid(name)
    return values


# --- bulk syntax -----------------------------------------------------------------------------------
# `message-store/1,2,3` names up to 50 messages in the path; `message-store/*` names them in the body (up to
# 1000). Each message is handled alone (RingCentral's bulk-requests guide).

BULK_IDS_IN_PATH = 50
BULK_IDS_IN_BODY = 1000
MULTIPART_JSON = "application/vnd.ringcentral.multipart+json"


def is_bulk(raw_id: str) -> bool:
    """`1,2,3` or `*`: the bulk syntax, which answers in parts."""
    return raw_id == "*" or "," in raw_id


def path_ids(raw_id: str) -> list[str]:
    """The ids of `1,2,3`, at most 50; `*` has none, as its ids are in the body."""
    if raw_id == "*":
        return []
    ids = [item.strip() for item in raw_id.split(",", BULK_IDS_IN_PATH)]
    if not 1 <= len(ids) <= BULK_IDS_IN_PATH or not all(ids):
        raise invalid("messageId")
    return ids


def deleted_ids(raw_id: str, body: Any) -> list[str]:
    """A bulk delete's ids, from the path or for `*` from the body's array, each once: a message named twice
    is deleted once, not deleted and then purged."""
    if raw_id != "*":
        return list(dict.fromkeys(path_ids(raw_id)))
    if not isinstance(body, list) or not 1 <= len(body) <= BULK_IDS_IN_BODY:
        raise invalid("messageId")
    return list(dict.fromkeys(resource_id(item) for item in body))


def resource_id(value: Any) -> str:
    """An id as a bulk body names it: a string or an integer, nothing else."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise invalid("resourceId")
    return str(value)


def bulk_changes(raw_id: str, body: Any) -> list[tuple[str, Any]]:
    """Each message of a bulk PUT or PATCH with its own change.

    The body is a list of `{resourceId?, body}` (the ids come from the path in order, or from `resourceId`
    with `*`), a list of plain changes (the parts of a multipart/mixed body), or one change for every id.
    """
    ids = path_ids(raw_id)
    if isinstance(body, dict) and ids:
        return [(message_id, body) for message_id in ids]
    if not isinstance(body, list) or not 1 <= len(body) <= BULK_IDS_IN_BODY:
        raise invalid("body")
    if not ids:
        return [(resource_id(entry.get("resourceId")) if isinstance(entry, dict) else resource_id(None),
                 entry.get("body")) for entry in body]
    if len(body) != len(ids):
        raise invalid("body")
    return [(message_id, entry.get("body", entry) if isinstance(entry, dict) else entry)
            for message_id, entry in zip(ids, body)]


class Part(NamedTuple):
    """One part of a multipart body: its form field name, type and file name as sent (None when not), and
    its bytes."""

    name: str | None
    content_type: str | None
    file_name: str | None
    content: bytes


def split_multipart(content_type: str, raw: bytes) -> list[Part]:
    """The parts of a multipart body (mixed or form-data), in order.

    A body of more parts than a bulk request may hold is refused before it is parsed, which takes time per part.
    Headers are read as UTF-8, as HTTP clients write a file's name; a delimiter right after a file's last byte
    (as one RingCentral SDK writes it, without the line break before it) still ends the file.
    """
    found = MULTIPART_BOUNDARY.search(content_type)
    if found is None:
        raise invalid("body")
    delimiter = b"--" + found.group(1).encode("latin-1", "replace")
    segments = raw.split(delimiter)
    if len(segments) > BULK_IDS_IN_BODY + 2 or not headers_end(segments[1:-1]):
        raise invalid("body")
    raw = re.sub(rb"(?<!\n)" + re.escape(delimiter), b"\r\n" + delimiter, raw)
    try:
        message = email.message_from_bytes(b"Content-Type: " + content_type.encode("latin-1", "replace") +
                                           b"\r\n\r\n" + raw, policy=email.policy.HTTP)
        if not message.is_multipart() or message.defects:  # a body cut short, say
            raise invalid("body")
        return [one_part(part) for part in message.get_payload()]
    except (email.errors.MessageError, ValueError, LookupError, TypeError, AttributeError):
        raise invalid("body") from None


MAX_PART_HEADER_BYTES = 8192  # the headers of one part; parsing them takes time that grows faster than their size
HEADER_END = re.compile(rb"\r?\n\r?\n")


def headers_end(segments: list[bytes]) -> bool:
    """Every part's headers end in a blank line, within the bound: one cut off inside them is a body cut short."""
    return all(HEADER_END.search(segment, 0, MAX_PART_HEADER_BYTES + 4) for segment in segments)


def one_part(part: email.message.Message) -> Part:
    content = part.get_payload(decode=True)
    if any(isinstance(defect, email.errors.InvalidBase64CharactersDefect | email.errors.InvalidBase64PaddingDefect)
           for defect in part.defects):
        raise invalid("body")
    content_type = part.get("Content-Type")
    return Part(form_name(part), None if content_type is None else str(content_type), file_name(part),
                content or b"")


def form_name(part: email.message.Message) -> str | None:
    name = part.get_param("name", header="content-disposition")
    return name if isinstance(name, str) else None


def file_name(part: email.message.Message) -> str | None:
    """The file name as the client wrote it: HTML forms and requests escape a quote and line breaks as %22,
    %0A and %0D in it."""
    name = part.get_filename()
    if not name:
        return None
    readable = str(name).encode("utf-8", "replace").decode("utf-8")  # no lone surrogate reaches JSON
    return readable.replace("%22", '"').replace("%0A", "\n").replace("%0D", "\r")


def request_and_files(parts: list[Part]) -> tuple[dict | None, tuple[Attachment, ...]]:
    """An SMS sent in parts, as the SDKs' MultipartBuilder sends it: the request's JSON (the first part that is
    a JSON object), and every other part a file to send with it. Without a JSON part, the request may be form
    fields (`from`, `to` once per recipient, `text`, `country`), as the spec's form-data schema lays it out."""
    for index, part in enumerate(parts):
        body = json_or_none(part.content)
        if isinstance(body, dict):
            files = parts[:index] + parts[index + 1:]
            return body, as_files(files)
    fields = [p for p in parts if p.file_name is None and p.name in FORM_FIELDS]
    if not fields:
        return None, ()
    return form_request(fields), as_files([p for p in parts if p not in fields])


FORM_FIELDS = ("from", "to", "text", "country")


def as_files(parts: list[Part]) -> tuple[Attachment, ...]:
    return tuple(Attachment(p.content_type, p.file_name, p.content) for p in parts)


def form_request(fields: list[Part]) -> dict:
    """The request as form fields: a number stands for `{"phoneNumber": ...}`, and JSON is read as JSON."""
    body: dict = {}
    for part in fields:
        try:
            value = part.content.decode("utf-8")
        except UnicodeDecodeError:
            raise invalid(part.name or "body") from None
        if part.name == "text":
            body["text"] = value
            continue
        parsed = json_or_none(part.content)
        item = parsed if isinstance(parsed, dict) else {"phoneNumber": value.strip()}
        if part.name == "to":
            body.setdefault("to", []).append(item)
        else:
            body[part.name] = item if part.name == "from" else parsed
    return body


MULTIPART_BOUNDARY = re.compile(r'boundary="?([^";]+)"?', re.IGNORECASE)


def json_or_none(raw: bytes | None) -> Any:
    try:
        return json.loads(raw or b"null")
    except (ValueError, RecursionError):  # not JSON, or nested deeper than the parser goes
        return None
