"""Turn Voximplant requests (query string plus urlencoded, multipart or JSON body) into typed commands."""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from operator import itemgetter, methodcaller
from typing import Callable, Mapping, NamedTuple
from urllib.parse import parse_qsl, unquote

import attrs
from aiohttp import web

from ...webhooks import is_webhook_url
from ...wire import has_lone_surrogate
from .errors import (
    CALLBACK_SALT_INVALID,
    INVALID_APPLICATION_ID,
    INVALID_CALLBACK_URL,
    INVALID_COUNTRY_CODE,
    INVALID_DATE_FORMAT,
    INVALID_DATE_RANGE,
    INVALID_PHONE_CATEGORY_NAME,
    INVALID_PHONE_ID,
    INVALID_SMS_DIRECTION,
    MISSING_CMD,
    OUTPUT_FORMAT_NOT_SUPPORTED,
    VoximplantError,
    body_too_large,
    invalid,
    output_not_written,
    required,
    unreadable_body,
)
from .rules import A2P_MAX_DESTINATIONS, HISTORY_MAX_COUNT

Params = Mapping[str, str]
URLENCODED = "application/x-www-form-urlencoded"
FORM_TYPES = (URLENCODED, "multipart/form-data")
TRUE_WORDS = frozenset({"true", "1"})
FALSE_WORDS = frozenset({"false", "0"})
API_DATETIME = "%Y-%m-%d %H:%M:%S"
API_DATE = "%Y-%m-%d"
ASCII_SPACE = " \t\r\n"
SIGNED_DECIMAL = re.compile(r"-?[0-9]+")
UNSIGNED_DECIMAL = re.compile(r"[0-9]+")
CATEGORY_NAME = re.compile(r"[A-Za-z0-9_]+")
OUTPUT_FORMATS = frozenset({"json", "csv"})
DOCUMENTED_OUTPUT_FORMATS = frozenset({"json", "csv", "xls"})
DIRECTIONS = {"in": "IN", "out": "OUT"}
A2P_DELIVERY_STATUSES = {1: "QUEUED", 2: "DISPATCHED", 3: "ABORTED", 4: "REJECTED", 5: "DELIVERED",
                         6: "FAILED", 7: "EXPIRED", 8: "UNKNOWN"}


# --- the raw request ------------------------------------------------------------------------

async def read_params(request: web.Request) -> dict[str, str]:
    """Query parameters, overridden by body parameters; '+' in the query means a space, as in any form."""
    raw_query = request.rel_url.raw_query_string
    params = dict(parse_qsl(raw_query, keep_blank_values=True, errors="replace")) if raw_query else {}
    params.update(await body_params(request))
    return storable(params)


def storable(params: dict[str, str]) -> dict[str, str]:
    """Half a surrogate pair (a JSON escape, or a charset that decodes to one) cannot be stored or written back
    as UTF-8: 496 naming the parameter, or 101 when it is the name itself that cannot be written."""
    if "".join(params.values()).isascii() and "".join(params).isascii():  # every send's case, checked in C
        return params
    for name, value in params.items():
        if has_lone_surrogate(name):
            raise unreadable_body()
        if has_lone_surrogate(value):
            raise invalid(name)
    return params


async def body_params(request: web.Request) -> dict[str, str]:
    """Form fields of an urlencoded or multipart body (chunked or not), or the scalars of a JSON object.

    A Content-Type of the urlencoded type alone, as clients send it, says UTF-8 without parsing it."""
    plain_form = request.headers.get("Content-Type") == URLENCODED
    content_type = URLENCODED if plain_form else request.content_type
    try:
        if plain_form or (content_type == URLENCODED and request.charset in (None, "utf-8")):
            return form_fields(await request.read())
        if content_type in FORM_TYPES:
            form = await request.post()
            return {key: value for key, value in form.items() if isinstance(value, str)}
        raw = await request.read()
    except web.HTTPRequestEntityTooLarge:
        raise body_too_large() from None
    except Exception:  # a broken multipart or encoding: Voximplant's envelope, never a traceback
        raise unreadable_body() from None
    if content_type == "application/json" and raw.strip():
        return json_params(raw)
    return {}


def form_fields(raw: bytes) -> dict[str, str]:
    """A UTF-8 urlencoded body as aiohttp's request.post() reads it, in a third of its time."""
    text = raw.rstrip().decode("utf-8")
    if "%" not in text:  # the usual body: only '+' to read, and it means a space wherever it stands
        pairs = filter(None, text.replace("+", " ").split("&"))
        return dict(map(KEY_AND_VALUE, map(SPLIT_AT_EQUALS, pairs)))
    fields = {}
    for pair in text.split("&"):
        if pair:
            key, _, value = pair.partition("=")
            if "+" in pair or "%" in pair:
                key, value = form_unquote(key), form_unquote(value)
            fields[key] = value
    return fields


# A pair's key and value, as pair.partition("=")[::2] has them, without a Python-level step per pair.
SPLIT_AT_EQUALS, KEY_AND_VALUE = methodcaller("partition", "="), itemgetter(0, 2)


def form_unquote(text: str) -> str:
    """'+' is a space and %XX an escaped UTF-8 byte."""
    if "+" in text:
        text = text.replace("+", " ")
    return unquote(text, errors="replace") if "%" in text else text


def json_params(raw: bytes) -> dict[str, str]:
    try:
        body = json.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise unreadable_body() from None
    if not isinstance(body, dict):
        raise unreadable_body()
    return {str(k): scalar_text(v) for k, v in body.items() if isinstance(v, (str, int, float, bool))}


def scalar_text(value: str | int | float | bool) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def command_name(path_method: str | None, params: Params) -> str:
    """The method in the path wins over `cmd`; neither is Voximplant's 102."""
    name = (path_method or params.get("cmd") or "").strip()
    if not name:
        raise VoximplantError(MISSING_CMD)
    return name


# --- single values ------------------------------------------------------------------------------

def text(params: Params, name: str) -> str:
    """A required parameter; absent and empty are the same to Voximplant."""
    value = params.get(name)
    if value is None or value.strip() == "":
        raise required(name)
    return value


def flag(params: Params, name: str, default: bool = False) -> bool:
    """Booleans in any case: true/True/TRUE/1 and false/False/0."""
    value = params.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in TRUE_WORDS:
        return True
    if lowered in FALSE_WORDS:
        return False
    raise invalid(name)


def optional_flag(params: Params, name: str) -> bool | None:
    """A boolean filter: absent or empty filters nothing."""
    value = params.get(name)
    return None if value is None or value == "" else flag(params, name)


def integer(params: Params, name: str, default: int, low: int = 0, high: int | None = None) -> int:
    """A decimal number within bounds; a negative one only where `low` allows it."""
    value = params.get(name)
    if value is None or value == "":
        return default
    number = decimal(value.strip(ASCII_SPACE))
    if number is None or number < low or (high is not None and number > high):
        raise invalid(name)
    return number


def decimal(text: str, signed: bool = True) -> int | None:
    """ASCII digits after an optional minus, else None: int() alone also reads '1_0', '٣' and '+3'."""
    if not (SIGNED_DECIMAL if signed else UNSIGNED_DECIMAL).fullmatch(text):
        return None
    try:
        return int(text)
    except ValueError:  # more digits than int() converts; no count or id is that long
        return None


def unsigned(text: str) -> int | None:
    """An id in an intlist: ids are never negative."""
    return decimal(text, signed=False)


def int_list(params: Params, name: str) -> frozenset[int] | None:
    """A `;`-separated list of ids, as the clients send intlist parameters."""
    return listed(params, name, unsigned, lambda: invalid(name))


def listed(params: Params, name: str, read: Callable[[str], object | None],
           error: Callable[[], VoximplantError]) -> frozenset | None:
    """A `;`-separated list whose items `read` turns into values, or None when one is bad: that is `error`."""
    value = params.get(name)
    if value is None or value.strip() == "":
        return None
    values = [read(item) for item in (raw.strip(ASCII_SPACE) for raw in value.split(";")) if item]
    if any(v is None for v in values):
        raise error()
    return frozenset(values)


def str_list(params: Params, name: str) -> tuple[str, ...] | None:
    value = params.get(name)
    if value is None or value.strip() == "":
        return None
    return tuple(item.strip() for item in value.split(";") if item.strip())


def text_set(params: Params, name: str) -> frozenset[str] | None:
    values = str_list(params, name)
    return frozenset(values) if values else None


def api_datetime(params: Params, name: str) -> int | None:
    """`YYYY-MM-DD HH:MM:SS` in UTC, as milliseconds; anything else is Voximplant's 111."""
    value = params.get(name)
    if value is None or value.strip() == "":
        return None
    return int(moment(value.strip(), API_DATETIME).replace(tzinfo=timezone.utc).timestamp() * 1000)


def moment(text: str, layout: str) -> datetime:
    """ASCII only, else 111: strptime alone also reads Arabic-Indic and other Unicode digits."""
    if not text.isascii():
        raise VoximplantError(INVALID_DATE_FORMAT)
    try:
        return datetime.strptime(text, layout)
    except ValueError:
        raise VoximplantError(INVALID_DATE_FORMAT) from None


def date_range(params: Params, prefix: str, layout: str) -> tuple[str | None, str | None]:
    """from_<prefix> and to_<prefix>, written as the record writes the field so they compare as text."""
    bounds = []
    for name in (f"from_{prefix}", f"to_{prefix}"):
        value = (params.get(name) or "").strip()
        bounds.append(moment(value, layout).strftime(layout) if value else None)
    low, high = bounds
    if low is not None and high is not None and low > high:
        raise VoximplantError(INVALID_DATE_RANGE)
    return low, high


def digits(number: str | None) -> str:
    """Voximplant writes numbers without the plus the core stores."""
    return (number or "").strip().lstrip("+")


# --- typed commands -------------------------------------------------------------------------------

class SendSms(NamedTuple):
    """SendSmsMessage's parameters; a named tuple, as one is made on every send."""

    source: str
    destination: str
    sms_body: str
    store_body: bool


@attrs.frozen
class A2PSend:
    src_number: str
    dst_numbers: tuple[str, ...]
    text: str
    store_body: bool


@attrs.frozen
class ControlSms:
    phone_number: str
    enable: bool


@attrs.frozen
class NumberQuery:
    phone_ids: frozenset[str] | None
    phone_numbers: frozenset[str] | None
    count: int
    offset: int
    one_of: tuple[tuple[str, frozenset], ...] = ()  # a rendered field and the values it may have
    between: tuple[tuple[str, str | None, str | None], ...] = ()  # a rendered date field, from and to
    bound_to_application: bool | None = None
    phone_template: str | None = None
    order: tuple[str, bool] | None = None  # the rendered field to sort by, and whether descending


@attrs.frozen
class HistoryQuery:
    message_ids: frozenset[int] | None
    source_number: str | None
    destination_number: str | None
    direction: str | None
    count: int
    offset: int
    from_ms: int | None
    to_ms: int | None
    delivery_status: str | None = None
    output: str = "json"


def send_sms(params: Params) -> SendSms:
    """Three texts of more than whitespace and no `store_body`, as every usual send has them, are read at once."""
    source, destination, sms_body = params.get("source"), params.get("destination"), params.get("sms_body")
    if source and destination and sms_body and "store_body" not in params \
            and not (source.isspace() or destination.isspace() or sms_body.isspace()):
        return SendSms(source, destination, sms_body, False)
    return SendSms(text(params, "source"), text(params, "destination"), text(params, "sms_body"),
                   flag(params, "store_body"))


def a2p_send(params: Params) -> A2PSend:
    source = text(params, "src_number")
    destinations = str_list(params, "dst_numbers")
    if not destinations:
        raise required("dst_numbers")
    if len(destinations) > A2P_MAX_DESTINATIONS:
        raise invalid("dst_numbers")
    return A2PSend(source, destinations, text(params, "text"), flag(params, "store_body"))


def control_sms(params: Params) -> ControlSms:
    number = text(params, "phone_number")
    command = text(params, "command").strip().lower()
    if command not in ("enable", "disable"):
        raise invalid("command")
    return ControlSms(number, command == "enable")


def number_query(params: Params) -> NumberQuery:
    # An intlist: an item that is no id is 181, as an unknown id is to SetPhoneNumberInfo, not a filter matching none.
    ids = listed(params, "phone_id", unsigned, lambda: VoximplantError(INVALID_PHONE_ID))
    numbers = str_list(params, "phone_number")
    return NumberQuery(
        frozenset(str(i) for i in ids) if ids else None,
        frozenset(digits(n) for n in numbers) if numbers else None,
        integer(params, "count", 20, low=1),
        integer(params, "offset", 0),
        number_values(params),
        number_dates(params),
        optional_flag(params, "is_bound_to_application"),
        digits(params.get("phone_template")) or None,
        number_order(params),
    )


# GetPhoneNumbers' boolean filters, each named as the field it narrows.
NUMBER_FLAGS = ("deactivated", "canceled", "auto_charge", "can_be_used")

# order_by's documented values: the field each sorts by and whether descending. The verification fields are
# never rendered here, so ordering by them keeps the numbers as they are.
NUMBER_ORDERS = {
    "phone_number": ("phone_number", False),
    "phone_price": ("phone_price", False),
    "phone_country_code": ("phone_country_code", False),
    "deactivated": ("deactivated", True),  # deactivated first
    "purchase_date": ("phone_purchase_date", True),
    "phone_next_renewal": ("phone_next_renewal", False),
    "verification_status": ("verification_status", False),
    "unverified_hold_until": ("unverified_hold_until", False),
    "verification_name": ("verification_name", False),
}


def number_values(params: Params) -> tuple[tuple[str, frozenset], ...]:
    """GetPhoneNumbers' list and boolean filters, each as the rendered field it narrows and the values allowed."""
    wanted = {
        "phone_country_code": listed(params, "country_code", country_code,
                                     lambda: VoximplantError(INVALID_COUNTRY_CODE)),
        "category_name": listed(params, "phone_category_name", category_name,
                                lambda: VoximplantError(INVALID_PHONE_CATEGORY_NAME)),
        "phone_region_name": text_set(params, "phone_region_name"),
        "application_id": listed(params, "application_id", unsigned,
                                 lambda: VoximplantError(INVALID_APPLICATION_ID)),
        "application_name": text_set(params, "application_name"),
    }
    for name in NUMBER_FLAGS:
        value = optional_flag(params, name)
        wanted[name] = None if value is None else frozenset({value})
    return tuple((field, values) for field, values in wanted.items() if values is not None)


def country_code(item: str) -> str | None:
    """Two letters, as ISO 3166 writes a country, in either case."""
    return item.upper() if len(item) == 2 and item.isascii() and item.isalpha() else None


def category_name(item: str) -> str | None:
    """A category is one word (MOBILE, GEOGRAPHIC, TOLLFREE, MOSCOW495), in either case."""
    return item.upper() if CATEGORY_NAME.fullmatch(item) else None


def number_dates(params: Params) -> tuple[tuple[str, str | None, str | None], ...]:
    """The renewal and purchase date ranges asked for, written as the records write those dates."""
    ranges = (("phone_next_renewal", *date_range(params, "phone_next_renewal", API_DATE)),
              ("phone_purchase_date", *date_range(params, "phone_purchase_date", API_DATETIME)))
    return tuple(r for r in ranges if r[1] is not None or r[2] is not None)


def number_order(params: Params) -> tuple[str, bool] | None:
    """order_by's field and direction, or None to keep the account's order."""
    value = (params.get("order_by") or "").strip()
    if value == "":
        return None
    if value not in NUMBER_ORDERS:
        raise invalid("order_by")
    return NUMBER_ORDERS[value]


def output_format(params: Params) -> str:
    """json or csv; xls is documented too but not written here, so it is a 105 that says so."""
    output = (params.get("output") or "json").strip().lower()
    if output in OUTPUT_FORMATS:
        return output
    if output in DOCUMENTED_OUTPUT_FORMATS:
        raise output_not_written(output)
    raise VoximplantError(OUTPUT_FORMAT_NOT_SUPPORTED)


def history_query(params: Params, a2p: bool = False) -> HistoryQuery:
    output = output_format(params)
    from_ms, to_ms = api_datetime(params, "from_date"), api_datetime(params, "to_date")
    if from_ms is not None and to_ms is not None and from_ms > to_ms:
        raise VoximplantError(INVALID_DATE_RANGE)
    return HistoryQuery(
        int_list(params, "message_id"),
        digits(params.get("source_number")) or None,
        digits(params.get("destination_number")) or None,
        None if a2p else direction(params),
        integer(params, "count", HISTORY_MAX_COUNT, low=1, high=HISTORY_MAX_COUNT),
        integer(params, "offset", 0),
        from_ms,
        to_ms,
        delivery_status(params) if a2p else None,
        output,
    )


def direction(params: Params) -> str | None:
    value = (params.get("direction") or "").strip()
    if value == "":
        return None
    if value.lower() not in DIRECTIONS:
        raise VoximplantError(INVALID_SMS_DIRECTION)
    return DIRECTIONS[value.lower()]


def delivery_status(params: Params) -> str | None:
    code = integer(params, "delivery_status", 0, low=0)
    if code == 0 and not params.get("delivery_status"):
        return None
    if code not in A2P_DELIVERY_STATUSES:
        raise invalid("delivery_status")
    return A2P_DELIVERY_STATUSES[code]


# --- callbacks --------------------------------------------------------------------------------------

CALLBACK_SALT_MAX = 40


class PhoneNumberInfo(NamedTuple):
    phone_ids: tuple[str, ...] | None
    phone_numbers: tuple[str, ...] | None
    incoming_sms_callback_url: str | None  # "" clears it


class AccountCallbacks(NamedTuple):
    callback_url: str | None  # "" clears it
    callback_salt: str | None


class AccountStorage(NamedTuple):
    """SetAccountInfo's SMS settings: whether history keeps the text of outbound and of inbound SMS."""

    store_outbound_sms: bool | None
    store_inbound_sms: bool | None


def account_storage(params: Params) -> AccountStorage:
    """The storage settings a SetAccountInfo call changes; None leaves one as it was."""
    return AccountStorage(optional_flag(params, "store_outbound_sms"), optional_flag(params, "store_inbound_sms"))


def phone_number_info(params: Params) -> PhoneNumberInfo:
    ids, numbers = str_list(params, "phone_id"), str_list(params, "phone_number")
    if ids is None and numbers is None:
        raise required("phone_id")
    url = params.get("incoming_sms_callback_url")
    if url is not None and url.strip() and not is_webhook_url(url.strip()):
        raise invalid("incoming_sms_callback_url")
    return PhoneNumberInfo(ids, numbers, None if url is None else url.strip())


# SetAccountInfo's profile fields, by type, as the official clients send them; each is a field of the
# AccountInfoType GetAccountInfo answers with.
PROFILE_TEXTS = ("language_code", "location", "account_first_name", "account_last_name", "billing_address_name",
                 "billing_address_country_code", "billing_address_address", "billing_address_zip",
                 "billing_address_phone", "account_custom_data")
PROFILE_FLAGS = ("account_notifications", "tariff_changing_notifications", "news_notifications", "send_js_error")
PROFILE_DECIMALS = ("min_balance_to_notify",)
UNSIGNED_DECIMAL_FRACTION = re.compile(r"[0-9]+(\.[0-9]+)?")

ProfileValue = str | bool | float


def account_profile(params: Params) -> dict[str, ProfileValue]:
    """The profile fields a SetAccountInfo call changes, typed; an empty text clears its field, and a flag or
    amount that is not one is 496 naming it, before anything is changed."""
    changes: dict[str, ProfileValue] = {name: params[name].strip() for name in PROFILE_TEXTS if name in params}
    for name in PROFILE_FLAGS:
        value = optional_flag(params, name)
        if value is not None:
            changes[name] = value
    for name in PROFILE_DECIMALS:
        value = amount(params, name)
        if value is not None:
            changes[name] = value
    return changes


def amount(params: Params, name: str) -> float | None:
    """A decimal amount of money in ASCII digits (`10`, `2.5`), or None when absent or empty."""
    value = (params.get(name) or "").strip(ASCII_SPACE)
    if value == "":
        return None
    if not UNSIGNED_DECIMAL_FRACTION.fullmatch(value):
        raise invalid(name)
    return float(value)


def return_live_balance(params: Params) -> bool:
    """GetAccountInfo's one parameter: a boolean, true when absent (balance is the live balance by default)."""
    return flag(params, "return_live_balance", default=True)


def account_callbacks(params: Params) -> AccountCallbacks:
    url, salt = params.get("callback_url"), params.get("callback_salt")
    if url is not None and url.strip() and not is_webhook_url(url.strip()):
        raise VoximplantError(INVALID_CALLBACK_URL)
    if salt is not None and len(salt) > CALLBACK_SALT_MAX:
        raise VoximplantError(CALLBACK_SALT_INVALID)
    return AccountCallbacks(None if url is None else url.strip(), salt)
