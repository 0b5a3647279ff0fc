"""Turn Phone.com request bodies and list queries into typed commands, or Phone.com's 422.

List queries follow Phone.com's collection grammar: `filters[<key>]=<operator>:<params>` (no known operator
prefix means `eq` with the whole value; `\\,` escapes a comma; `filters[<key>][]` given several times is ANDed),
`sort[<key>]=asc|desc`, `limit` (1..500, default 25) and `offset`. A key repeated without `[]` keeps its last
value, as PHP reads a query.
"""

from __future__ import annotations

import base64
import binascii
import mimetypes
import os
import re
from typing import Any, Callable, Iterable

import attrs
from multidict import MultiDict

from ...core.ids import is_digits
from ...core.rules import Attachment, SmsRequest
from ...webhooks import is_webhook_url
from ...wire import CONTROL_CHARACTERS, has_lone_surrogate
from .errors import PhoneComError, invalid, required, validation
from .rules import (CALLBACK_METHODS, CALLBACK_MODES, DEFAULT_LIMIT, EMULATED_GRANTS, EVENT_TAGS, EXTENSION_ROLES,
                    GRANT_TYPES, LISTENER_VERSIONS, MAX_LIMIT, SCOPE_ACCOUNT_OWNER)

HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]{1,256}")
HEADER_VALUE = re.compile(r"[\t\x20-\x7e]{0,4096}")

# --- every failing field at once ---------------------------------------------------------------------

def every_field(checks: dict[str, Callable[[], Any]]) -> dict[str, Any]:
    """Each field's checked value; one 422 names every field that failed, so a client fixes them in one go."""
    values: dict[str, Any] = {}
    failures: dict[str, list[str]] = {}
    for name, check in checks.items():
        try:
            values[name] = check()
        except PhoneComError as error:
            if error.fields is None:
                raise
            failures.update(error.fields)
    if failures:
        raise validation(failures)
    return values


MISSING = (None, "")  # for a JSON value, `in MISSING` is `is None or == ""` in one step


def present(body: dict, field: str) -> Any:
    """A required field's value; null and the empty string count as missing."""
    value = body.get(field)
    if value in MISSING:
        raise required(field)
    return value


# --- integers, as Phone.com's PHP holds them ----------------------------------------------------

# PHP's integers are 64-bit: Phone.com reads a longer number as no integer at all (json_decode makes it a float).
MAX_INTEGER = 2 ** 63 - 1
MIN_INTEGER = -MAX_INTEGER - 1
MAX_INTEGER_DIGITS = len(str(MAX_INTEGER))
INTEGER = re.compile(r"[+-]?[0-9]+")


def as_integer(raw: str) -> int:
    """ASCII digits with an optional sign, within 64 bits; else ValueError, which callers answer as a bad value."""
    text = raw.strip()
    if not INTEGER.fullmatch(text):
        raise ValueError(raw)
    digits = text.lstrip("+-").lstrip("0") or "0"
    if len(digits) > MAX_INTEGER_DIGITS:  # before int(), which refuses 4,300 digits, leading zeros counted
        raise ValueError(raw)
    value = -int(digits) if text.startswith("-") else int(digits)
    if not MIN_INTEGER <= value <= MAX_INTEGER:
        raise ValueError(raw)
    return value


def path_integer(raw: str) -> int | None:
    """A path's id as a number, or None for text no record's id can be: the caller's 404, never a 500."""
    digits = raw.lstrip("0") or "0"
    if not is_digits(raw) or len(digits) > MAX_INTEGER_DIGITS:
        return None
    value = int(digits)
    return value if value <= MAX_INTEGER else None


def body_integer(value: Any) -> int | None:
    """A JSON integer, or a digit string, that PHP holds as an integer; None for anything else (1e400 included)."""
    if isinstance(value, str) and is_digits(value.strip()):
        return path_integer(value.strip())
    if isinstance(value, int) and not isinstance(value, bool) and MIN_INTEGER <= value <= MAX_INTEGER:
        return value
    return None


# --- create SMS ---------------------------------------------------------------------------------

def phone_field(value: Any, field: str) -> str:
    if not isinstance(value, str) or has_lone_surrogate(value):
        raise invalid(field, f"The {field} must be a string.")
    return value


# The v4.6.11 `SMS` schema's pattern for `from` and `to` (PHP's \s: ASCII whitespace only); the Messages API's
# `Message` schema gives none.
SMS_NUMBER = re.compile(r"\+?[0-9\-() \t\n\r\f\v]*")


def sms_number(value: Any, field: str) -> str:
    """A Create SMS number: a string of the schema's pattern, so `+1.212.555.0101` is the 422 Phone.com answers."""
    number = phone_field(value, field)
    if not SMS_NUMBER.fullmatch(number):
        raise invalid(field, f"The {field} format is invalid.")
    return number


def sms_recipients(value: Any) -> tuple[str, ...]:
    numbers = recipients(value)
    for number in numbers:
        if not SMS_NUMBER.fullmatch(number):
            raise invalid("to", "The to format is invalid.")
    return numbers


def recipients(value: Any) -> tuple[str, ...]:
    """`to` is one number, an array of numbers, or (tolerated) one comma-separated string of them."""
    if isinstance(value, str):
        if "," not in value:  # the usual one number
            number = value.strip()
            if not number:
                raise required("to")
            return (number,)
        items = [part.strip() for part in value.split(",")]
    elif isinstance(value, list):
        items = [phone_field(item, "to").strip() for item in value]
    else:
        raise invalid("to", "The to must be a string or an array of strings.")
    items = [item for item in items if item]
    if not items:
        raise required("to")
    return tuple(items)


def positive_id(value: Any, field: str) -> str | None:
    """Ids arrive as integers (or digit strings from loose clients); null means not given."""
    if value is None:
        return None
    number = body_integer(value)
    if number is None:
        raise invalid(field, f"The {field} must be an integer.")
    if number < 1:
        raise invalid(field, f"The {field} must be at least 1.")
    return str(number)


def text_field(value: Any) -> str:
    if not isinstance(value, str) or has_lone_surrogate(value):
        raise invalid("text", "The text must be a string.")
    return value


def direction_field(value: Any) -> None:
    """Create SMS only sends: `direction` may be given, and then only as "out"."""
    if value is not None and value != "out":
        raise invalid("direction", "The selected direction is invalid.")


def sms_request(body: dict, account_id: str, caller_extension_id: str | None) -> SmsRequest:
    """Create SMS's body: one number to one number with text, read in one step (every send's case; a property
    test holds it to checked_sms_request); anything else is checked field by field."""
    number, to, text = body.get("from"), body.get("to"), body.get("text")
    # SMS_NUMBER has no comma, so a `to` it matches is one number.
    if type(number) is str and type(to) is str and type(text) is str and text and SMS_NUMBER.fullmatch(number) \
            and SMS_NUMBER.fullmatch(to) and body.get("direction") in NO_DIRECTION \
            and body.get("extension_id") is None and (text.isascii() or not has_lone_surrogate(text)):
        number, to = number.strip(), to.strip()
        if number and to:
            return SmsRequest(account_id, number, (to,), text, caller_extension_id, None)
    return checked_sms_request(body, account_id, caller_extension_id)


NO_DIRECTION = (None, "out")  # `direction` as Create SMS takes it: absent, or "out"


def checked_sms_request(body: dict, account_id: str, caller_extension_id: str | None) -> SmsRequest:
    try:  # the common case, a valid body, without collecting
        direction_field(body.get("direction"))
        return SmsRequest(account_id, sms_number(present(body, "from"), "from").strip(),
                          sms_recipients(present(body, "to")), text_field(present(body, "text")), caller_extension_id,
                          positive_id(body.get("extension_id"), "extension_id"))
    except PhoneComError as error:
        if error.fields is None:
            raise
        every_field({  # the 422 that names every bad field, not only the first
            "from": lambda: sms_number(present(body, "from"), "from"),
            "to": lambda: sms_recipients(present(body, "to")),
            "text": lambda: text_field(present(body, "text")),
            "direction": lambda: direction_field(body.get("direction")),
            "extension_id": lambda: positive_id(body.get("extension_id"), "extension_id"),
        })
        raise


# --- send message (the Messages API, which v4.6.11 names as the SMS API's replacement) --------------------

def message_request(body: dict, account_id: str, caller_extension_id: str | None
                    ) -> tuple[SmsRequest, tuple[Attachment, ...]]:
    """The `Message` schema: `from` and `to` required, `text` unless `media` carries the message, `tag` a string.
    Every field that fails is named in one 422."""
    values = every_field({
        "from": lambda: phone_field(present(body, "from"), "from").strip(),
        "to": lambda: recipients(present(body, "to")),
        "text": lambda: message_text(body.get("text"), required_text=not body.get("media")),
        "media": lambda: media_files(body.get("media")),
        "tag": lambda: optional_tag(body.get("tag")),
    })
    request = SmsRequest(account_id, values["from"], values["to"], values["text"], caller_extension_id)
    return request, values["media"]


def message_text(value: Any, required_text: bool) -> str | None:
    """Required unless files carry the message."""
    if value is None or value == "":
        if required_text:
            raise required("text")
        return value
    return text_field(value)


def optional_tag(value: Any) -> None:
    if value is not None and not isinstance(value, str):
        raise invalid("tag", "The tag must be a string.")


def media_files(value: Any) -> tuple[Attachment, ...]:
    """`media`: objects of base64 `data` (required) and a `filename`, which also gives the file's type. Every
    item's every failing field is named."""
    if value is None:
        return ()
    if not isinstance(value, list):
        raise invalid("media", "The media must be an array.")
    files = every_field({str(index): (lambda index=index, item=item: media_file(index, item))
                         for index, item in enumerate(value)})
    return tuple(files[str(index)] for index in range(len(value)))


def media_file(index: int, item: Any) -> Attachment:
    where = f"media.{index}"
    if not isinstance(item, dict):
        raise invalid(where, f"The {where} must be an object.")
    checked = every_field({"data": lambda: file_data(item.get("data"), where),
                           "filename": lambda: file_name(item.get("filename"), where)})
    name = checked["filename"]
    return Attachment(type_by_name(name), name, checked["data"])


def file_data(data: Any, where: str) -> bytes:
    """Base64, line-wrapped or not (PHP's decoder skips the breaks)."""
    if not isinstance(data, str) or not data:
        raise invalid(f"{where}.data", f"The {where}.data field is required.")
    try:
        return base64.b64decode(WHITESPACE.sub("", data), validate=True)
    except (binascii.Error, ValueError):
        raise invalid(f"{where}.data", f"The {where}.data must be a valid base64 string.") from None


def file_name(name: Any, where: str) -> str | None:
    if name is not None and (not isinstance(name, str) or CONTROL_CHARACTERS.search(name)
                             or has_lone_surrogate(name)):
        raise invalid(f"{where}.filename", f"The {where}.filename must be a string.")
    return name


WHITESPACE = re.compile(r"\s+")
FILE_TYPES = mimetypes.MimeTypes()  # Python's own table only: the same types on every machine


def type_by_name(name: str | None) -> str | None:
    """The media type a file name's extension stands for, by a fixed table (not the machine's)."""
    suffix = os.path.splitext(name or "")[1].lower()
    return FILE_TYPES.guess_type("file" + suffix, strict=False)[0] if suffix else None


def read_value(body: dict) -> bool | None:
    """Update Message's `read`: a boolean; null or absent changes nothing."""
    value = body.get("read")
    if value is None or isinstance(value, bool):
        return value
    raise invalid("read", "The read field must be true or false.")


def is_new_value(body: dict) -> bool | None:
    """`is_new` is a boolean now and was the string "0"/"1" in 2017; null or absent changes nothing."""
    value = body.get("is_new")
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in ("0", "1", "true", "false"):
        return value.strip().lower() in ("1", "true")
    raise invalid("is_new", "The is_new field must be true or false.")


# --- filter grammar -------------------------------------------------------------------------------

ZERO_ARG = frozenset({"empty", "not-empty"})
ONE_ARG = frozenset({"eq", "ne", "lt", "gt", "lte", "gte", "starts-with", "ends-with", "contains",
                     "not-starts-with", "not-ends-with", "not-contains"})
TWO_ARG = frozenset({"between", "not-between"})
N_ARG = frozenset({"in", "not-in"})
OPERATORS = ZERO_ARG | ONE_ARG | TWO_ARG | N_ARG
NEGATED = {"ne": "eq", "not-starts-with": "starts-with", "not-ends-with": "ends-with",
           "not-contains": "contains", "not-between": "between", "not-in": "in", "not-empty": "empty"}
UNESCAPED_COMMA = re.compile(r"(?<!\\),")


@attrs.frozen
class Condition:
    """One `operator:params` filter value, its params already converted to the field's type."""

    operator: str
    params: tuple

    def accepts(self, values: Iterable) -> bool:
        """A field with several values (like `to`) matches when any value does; negations when none does."""
        values = list(values)
        positive = NEGATED.get(self.operator)
        if positive is not None:
            return not Condition(positive, self.params).accepts(values)
        if self.operator == "empty":
            return all(v is None or v == "" for v in values)
        return any(v is not None and self.test(v) for v in values)

    def test(self, value) -> bool:
        p = self.params
        match self.operator:
            case "eq":
                return value == p[0]
            case "lt":
                return value < p[0]
            case "gt":
                return value > p[0]
            case "lte":
                return value <= p[0]
            case "gte":
                return value >= p[0]
            case "starts-with":
                return str(value).startswith(str(p[0]))
            case "ends-with":
                return str(value).endswith(str(p[0]))
            case "contains":
                return str(p[0]) in str(value)
            case "between":
                return p[0] <= value <= p[1]
            case "in":
                return value in p
        return False


def split_params(raw: str) -> list[str]:
    return [part.replace("\\,", ",").strip() for part in UNESCAPED_COMMA.split(raw)]


def parse_condition(name: str, raw: str, convert: Callable[[str], Any]) -> Condition:
    """Mason's grammar: `op:params` when op is one of its operators as written (`empty` may stand alone), otherwise
    `eq` with the whole value; the params split on unescaped commas, as many as the operator takes (any number for
    `in` and `not-in`). A bare `in`, as in `filters[direction]=in`, is a value: Phone.com documents that filter."""
    operator, colon, rest = raw.partition(":")
    if operator not in OPERATORS or not (colon or operator in ZERO_ARG):
        operator, rest = "eq", raw
    params = split_params(rest) if rest else []
    if not arity_fits(operator, len(params)):
        raise invalid(name, f"The {name} filter has the wrong number of values for '{operator}'.")
    return Condition(operator, tuple(converted(name, p, convert) for p in params))


def arity_fits(operator: str, count: int) -> bool:
    if operator in N_ARG:
        return True
    return count == (0 if operator in ZERO_ARG else 1 if operator in ONE_ARG else 2)


def converted(name: str, raw: str, convert: Callable[[str], Any]):
    try:
        return convert(raw)
    except ValueError:
        raise invalid(name, f"The {name} filter value '{raw}' is invalid.") from None


def as_text(raw: str) -> str:
    return raw


def as_flag(raw: str) -> bool:
    lowered = raw.strip().lower()
    if lowered not in ("0", "1", "true", "false"):
        raise ValueError(raw)
    return lowered in ("1", "true")


def as_direction(raw: str) -> str:
    if raw.strip().lower() not in ("in", "out"):
        raise ValueError(raw)
    return raw.strip().lower()


def as_role(raw: str) -> str:
    """One of the roles the v4.6.11 extensions filter lists; any other is a bad value, as a bad direction is."""
    if raw.strip().lower() not in EXTENSION_ROLES:
        raise ValueError(raw)
    return raw.strip().lower()


@attrs.frozen
class ListQuery:
    """A parsed list request: ANDed conditions per field, sort keys in order, the page, and the echo."""

    conditions: tuple[tuple[str, Condition], ...]
    sort: tuple[tuple[str, bool], ...]         # (field, descending)
    limit: int
    offset: int
    filters_echo: dict
    sort_echo: dict
    options: dict


def php_params(pairs: Iterable[tuple[str, str]]) -> MultiDict[str]:
    """The query as PHP's parse_str leaves it for Phone.com: a repeated key keeps its last value, in the place of
    its first, and only a key ending in `[]` collects every value (a plain value after them replaces them all)."""
    slots: dict[str, list[tuple[str, str]]] = {}
    for key, value in pairs:
        base = key[:-2] if key.endswith("[]") else key
        held = slots.get(base)
        if key.endswith("[]") and held and held[-1][0].endswith("[]"):
            held.append((key, value))
        else:
            slots[base] = [(key, value)]
    return MultiDict(pair for held in slots.values() for pair in held)


BRACKET = re.compile(r"(filters|sort)\[([^\]]*)\](\[[^\]]*\])?")


def list_query(params: MultiDict[str], filters: dict[str, Callable[[str], Any]], sorts: Iterable[str],
               options: dict[str, frozenset[str]] | None = None) -> ListQuery:
    """Read filters, sort, paging and enumerated options; anything unknown is a 422, as Phone.com answers."""
    options = options or {}
    conditions: list[tuple[str, Condition]] = []
    filters_echo: dict = {}
    sort_echo: dict = {}
    sort: list[tuple[str, bool]] = []
    chosen: dict[str, str] = {}
    for key, value in params.items():
        match = BRACKET.fullmatch(key)
        if match and match.group(1) == "filters":
            field = match.group(2)
            if field in options:
                chosen[field] = option_value(f"filters[{field}]", value, options[field])
            elif field not in filters:
                raise invalid(f"filters[{field}]", f"Filtering by '{field}' is not supported.")
            else:
                conditions.append((field, parse_condition(f"filters[{field}]", value, filters[field])))
            echo(filters_echo, field, value)
        elif match:
            sort.append(sort_key(match.group(2), value, set(sorts)))
            sort_echo[match.group(2)] = value
        elif key.startswith(("filters", "sort")):
            raise invalid(key, f"The query parameter '{key}' is not supported.")
    limit = bounded(params, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
    offset = bounded(params, "offset", 0, 0, None)
    if not sort:
        sort_echo = {"id": "desc"}
        sort = [("id", True)]
    return ListQuery(tuple(conditions), tuple(sort), limit, offset, filters_echo, sort_echo, chosen)


def option_value(name: str, raw: str, allowed: frozenset[str]) -> str:
    value = raw[3:] if raw.startswith("eq:") else raw
    if value not in allowed:
        raise invalid(name, f"The selected {name} is invalid.")
    return value


def echo(target: dict, field: str, value: str) -> None:
    """Filters echo back as given; a repeated filter echoes as a list."""
    if field not in target:
        target[field] = value
    elif isinstance(target[field], list):
        target[field].append(value)
    else:
        target[field] = [target[field], value]


def sort_key(field: str, value: str, allowed: set[str]) -> tuple[str, bool]:
    if field not in allowed:
        raise invalid(f"sort[{field}]", f"Sorting by '{field}' is not supported.")
    direction = value.strip().lower()
    if direction not in ("asc", "desc"):
        raise invalid(f"sort[{field}]", f"The sort[{field}] must be asc or desc.")
    return field, direction == "desc"


def is_php_array(params: MultiDict[str], name: str) -> bool:
    """`name[]=...` or `name[key]=...` with no plain `name`: PHP reads the parameter as an array, no single value."""
    return name not in params and any(key.startswith(name + "[") for key in params)


def bounded(params: MultiDict[str], name: str, default: int, low: int, high: int | None) -> int:
    raw = params.get(name)
    if raw is None and is_php_array(params, name):
        raise invalid(name, f"The {name} must be an integer.")
    if raw is None or raw == "":
        return default
    try:
        value = as_integer(raw)
    except ValueError:
        raise invalid(name, f"The {name} must be an integer.") from None
    if value < low:
        raise invalid(name, f"The {name} must be at least {low}.")
    if high is not None and value > high:
        raise invalid(name, f"The {name} may not be greater than {high}.")
    return value


def mode_value(params: MultiDict[str]) -> str:
    mode = params.get("mode", "full")
    if mode not in ("brief", "full") or is_php_array(params, "mode"):
        raise invalid("mode", "The selected mode is invalid.")
    return mode


# --- events v2: callbacks, listeners, subscriptions ---------------------------------------------------

@attrs.frozen
class CallbackConfig:
    url: str
    method: str = "POST"
    headers: tuple[tuple[str, str], ...] | None = None
    timeout: int | None = None


@attrs.frozen
class CallbackFields:
    """The fields a create or update body gave; None where it gave nothing."""

    config: CallbackConfig | None
    name: str | None
    mode: str | None
    enabled: bool | None
    has_name: bool


def callback_fields(body: dict, creating: bool) -> CallbackFields:
    fields = every_field({
        "config": lambda: optional_config(given(body, "config", creating)),
        "name": lambda: callback_name(body.get("name")),
        "mode": lambda: callback_mode(body.get("mode")),
        "enabled": lambda: optional_flag(body.get("enabled"), "enabled"),
    })
    return CallbackFields(fields["config"], fields["name"], fields["mode"], fields["enabled"], "name" in body)


def given(body: dict, field: str, creating: bool) -> Any:
    """A field that a create needs and an update may leave out."""
    return present(body, field) if creating else body.get(field)


def optional_config(config: Any) -> CallbackConfig | None:
    return None if config is None else callback_config(config)


def callback_name(name: Any) -> str | None:
    if name is not None and (not isinstance(name, str) or not 1 <= len(name) <= 128 or has_lone_surrogate(name)):
        raise invalid("name", "The name must be a string of 1 to 128 characters.")
    return name


def callback_mode(mode: Any) -> str | None:
    if mode is not None and mode not in CALLBACK_MODES:
        raise invalid("mode", f"The selected mode is invalid; the emulator calls {' and '.join(CALLBACK_MODES)} "
                              "callbacks.")
    return mode


def optional_flag(value: Any, field: str) -> bool | None:
    if value is not None and not isinstance(value, bool):
        raise invalid(field, f"The {field} field must be true or false.")
    return value


def callback_config(config: Any) -> CallbackConfig:
    if not isinstance(config, dict):
        raise invalid("config", "The config must be an object.")
    fields = every_field({
        "url": lambda: callback_url(config.get("url")),
        "method": lambda: callback_method(config.get("method", "POST")),
        "headers": lambda: callback_headers(config.get("headers")),
        "timeout": lambda: callback_timeout(config.get("timeout")),
    })
    return CallbackConfig(fields["url"], fields["method"], fields["headers"], fields["timeout"])


def callback_url(url: Any) -> str:
    if url is None:
        raise required("config.url")
    if not is_webhook_url(url):
        raise invalid("config.url", "The config.url format is invalid.")
    return url


def callback_method(method: Any) -> str:
    if method not in CALLBACK_METHODS:
        raise invalid("config.method", "The selected config.method is invalid.")
    return method


def callback_timeout(timeout: Any) -> int | None:
    """Seconds to wait for the callback's answer: a positive integer, bounded by no source (null: the system's)."""
    if timeout is None:
        return None
    if body_integer(timeout) is None or isinstance(timeout, str):
        raise invalid("config.timeout", "The config.timeout must be an integer.")
    if timeout < 1:
        raise invalid("config.timeout", "The config.timeout must be at least 1.")
    return timeout


def callback_headers(headers: Any) -> tuple[tuple[str, str], ...] | None:
    if headers is None:
        return None
    if not isinstance(headers, list) or not all(
            isinstance(h, dict) and isinstance(h.get("name"), str) and isinstance(h.get("value"), str)
            and HEADER_NAME.fullmatch(h["name"]) and HEADER_VALUE.fullmatch(h["value"]) for h in headers):
        raise invalid("config.headers", "The config.headers must be a list of {name, value} strings.")
    return tuple((h["name"], h["value"]) for h in headers)


@attrs.frozen
class ListenerFields:
    callback_id: int | None
    version: str | None
    expires_at: int | None
    has_expires_at: bool


def listener_fields(body: dict, creating: bool) -> ListenerFields:
    fields = every_field({
        "callback_id": lambda: positive_id(given(body, "callback_id", creating), "callback_id"),
        "version": lambda: listener_version(body.get("version")),
        "expires_at": lambda: positive_id(body.get("expires_at"), "expires_at"),
    })
    callback_id, expires_at = fields["callback_id"], fields["expires_at"]
    return ListenerFields(None if callback_id is None else int(callback_id), fields["version"],
                          None if expires_at is None else int(expires_at), "expires_at" in body)


def listener_version(version: Any) -> str | None:
    if version is not None and version not in LISTENER_VERSIONS:
        raise invalid("version", "The selected version is invalid.")
    return version


def subscription_tags(body: dict) -> tuple[str, ...]:
    tags = body.get(":tags")
    if tags is None:
        raise required(":tags")
    if not isinstance(tags, list) or not tags or not all(isinstance(t, str) and t in EVENT_TAGS for t in tags):
        raise invalid(":tags", "The :tags must be a list of known event tags.")
    return tuple(dict.fromkeys(tags))


@attrs.frozen
class NumberFilter:
    """A listener's number filter: `eq`, `in` or `match` (with % as a wildcard), optionally inverted."""

    value: dict
    not_logic: bool = False

    def matches(self, number: str) -> bool:
        if "eq" in self.value:
            found = number == self.value["eq"]
        elif "in" in self.value:
            found = number in self.value["in"]
        else:
            pattern = "".join(".*" if ch == "%" else re.escape(ch) for ch in self.value["match"])
            found = re.fullmatch(pattern, number) is not None
        return found != self.not_logic


E164 = re.compile(r"\+\d{1,15}")
NUMBER_PATTERN = re.compile(r"[+\d%]{1,32}")


def number_filter(body: dict) -> NumberFilter:
    fields = every_field({
        "filter_type": lambda: filter_type(present(body, "filter_type")),
        "filter_value": lambda: filter_value(present(body, "filter_value")),
        "not_logic": lambda: bool(optional_flag(body.get("not_logic"), "not_logic")),
    })
    return NumberFilter(fields["filter_value"], fields["not_logic"])


def filter_type(kind: Any) -> str:
    if kind != "number":
        raise invalid("filter_type", "The selected filter_type is invalid; the emulator filters by number only.")
    return kind


def filter_value(value: Any) -> dict:
    if not isinstance(value, dict) or len(value) != 1 or not number_filter_value_ok(value):
        raise invalid("filter_value", "The filter_value must hold one of eq (a number), in (numbers) or match.")
    return dict(value)


def number_filter_value_ok(value: dict) -> bool:
    if "eq" in value:
        return isinstance(value["eq"], str) and E164.fullmatch(value["eq"]) is not None
    if "in" in value:
        numbers = value["in"]
        return isinstance(numbers, list) and bool(numbers) and all(
            isinstance(n, str) and E164.fullmatch(n) for n in numbers)
    if "match" in value:
        return isinstance(value["match"], str) and NUMBER_PATTERN.fullmatch(value["match"]) is not None
    return False


# --- OAuth: create access token -------------------------------------------------------------------------

@attrs.frozen
class TokenRequest:
    """A Create Access Token request of one of the emulated grants."""

    grant_type: str
    client_id: str
    client_secret: str
    refresh_token: str | None


def token_request(params: dict) -> TokenRequest:
    """CreatedAccessToken: grant_type, client_id and client_secret are required, and refresh_token for its grant."""
    fields = every_field({
        "grant_type": lambda: grant_type(present(params, "grant_type")),
        "client_id": lambda: token_text(present(params, "client_id"), "client_id"),
        "client_secret": lambda: token_text(present(params, "client_secret"), "client_secret"),
        "scope": lambda: token_scope(params.get("scope")),
        "refresh_token": lambda: optional_text(params.get("refresh_token"), "refresh_token"),
    })
    if fields["grant_type"] == "refresh_token" and not fields["refresh_token"]:
        raise required("refresh_token")
    if fields["grant_type"] == "client_credentials" and fields["scope"] and SCOPE_ACCOUNT_OWNER not in fields["scope"]:
        raise invalid("scope", f"The client_credentials grant gives the {SCOPE_ACCOUNT_OWNER} scope.")
    return TokenRequest(fields["grant_type"], fields["client_id"], fields["client_secret"], fields["refresh_token"])


def grant_type(value: Any) -> str:
    if value not in GRANT_TYPES:
        raise invalid("grant_type", "The selected grant_type is invalid.")
    if value not in EMULATED_GRANTS:
        raise invalid("grant_type", f"The emulator grants {' and '.join(EMULATED_GRANTS)} tokens, not {value}.")
    return value


def token_text(value: Any, field: str) -> str:
    if not isinstance(value, str) or has_lone_surrogate(value):
        raise invalid(field, f"The {field} must be a string.")
    return value


def optional_text(value: Any, field: str) -> str | None:
    return None if value is None else token_text(value, field)


def token_scope(value: Any) -> tuple[str, ...]:
    """Scopes are separated by spaces, as in `account-owner methods:ALL`."""
    return tuple((optional_text(value, "scope") or "").split())
