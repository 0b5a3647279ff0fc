"""HTTP helpers every provider face shares: raw query parsing, JSON in and out."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qsl, quote, unquote

import orjson
from aiohttp import web
from aiohttp.http_exceptions import BadHttpMessage
from multidict import MultiDict

from .encodings import UndecodableBody

# What reading a body raises when it cannot be decoded, such as a gzip stream that is not one.
UNDECODABLE_BODY = (UndecodableBody, web.RequestPayloadError, BadHttpMessage)


class Exchange:
    """One request's passage through the application: its tenant, and what a fault rule did to it.

    One object under one request key, so handlers read plain attributes instead of a key per fact. What most
    requests never set is a class attribute until set, so making one per request stores five attributes.
    """

    fault: Any = None  # the fault rule that matched, if any
    fail_delivery: str | None = None  # the error code a fault rule makes delivery fail with
    dropped = False  # a fault rule dropped the connection
    operation: str | None = None  # set by faces whose operation is not known from the route alone
    base_url: str | None = None  # worked out on first use by origin()
    query: MultiDict[str] | None = None  # parsed on first use by query()
    form_query: MultiDict[str] | None = None  # parsed on first use by form_query(), '+' as a space

    def __init__(self, tenant: str, tenants: Any, world: Any, control_of: Any) -> None:
        self.tenant = tenant
        self.tenants = tenants
        self.world = world
        self.control_of = control_of  # a world's fault rules and journal
        self.control = control_of(world)


EXCHANGE = web.RequestKey("exchange", Exchange)


def world_after_await(request: web.Request) -> Any:
    """The tenant's world as it is now, made the request's own: a reset or a new seed while the request waited (for
    its body, a fault's latency, a webhook's answer) replaced the one it began with, and what it does next, checks
    included, belongs in the new one, where it can be read; a tenant deleted meanwhile keeps the old one."""
    exchange = request[EXCHANGE]
    current = exchange.tenants.current(exchange.tenant)
    if current is not None and current is not exchange.world:
        exchange.world = current
        exchange.control = exchange.control_of(current)
    return exchange.world


def exchange_of(request: web.Request) -> Exchange:
    return request[EXCHANGE]


JSON_CONTENT_TYPE = "application/json"


def parse_query(raw_query: str) -> MultiDict[str]:
    """Query parameters with repeated keys kept and an unencoded '+' kept as a plus.

    RingCentral's Python SDK sends `phoneNumber=+1650...` without percent-encoding it,
    so the usual form decoding (plus means space) would corrupt phone numbers.
    """
    params: MultiDict[str] = MultiDict()
    if not raw_query:
        return params
    for pair in raw_query.split("&"):
        if not pair:
            continue
        key, _, value = pair.partition("=")
        params.add(unquote(key, errors="replace"), unquote(value, errors="replace"))
    return params


def query(request: web.Request) -> MultiDict[str]:
    exchange = request[EXCHANGE]
    if exchange.query is None:
        exchange.query = parse_query(request.rel_url.raw_query_string)
    return exchange.query


def form_query(request: web.Request) -> MultiDict[str]:
    """The query string decoded as a form, a '+' as a space: PHP reads Phone.com's so, and its documentation
    says a number's plus must be sent as %2B."""
    exchange = request[EXCHANGE]
    if exchange.form_query is None:
        pairs = parse_qsl(request.rel_url.raw_query_string, keep_blank_values=True, errors="replace")
        exchange.form_query = MultiDict(pairs)
    return exchange.form_query


def encode_json(body: Any) -> bytes:
    """Compact UTF-8 JSON, encoded by orjson in a tenth of the standard library's time.

    What orjson refuses (half a surrogate pair echoed from a request, integers beyond 64 bits)
    falls back to the standard library, with \\u escapes where UTF-8 cannot carry the text.
    """
    try:
        return orjson.dumps(body, option=orjson.OPT_NON_STR_KEYS)
    except TypeError:
        return json.dumps(body, ensure_ascii=True, separators=(",", ":")).encode("ascii")


def decode_json(raw: bytes) -> Any:
    """UTF-8 JSON read by the standard library, which keeps the server's clock up.

    orjson reads faster, but on CPUs with AVX-512 its parser drops the core to a lower clock for the
    milliseconds after each call: measured on a 2-core Xeon, every request then ran about 10% slower
    (`make bench`, Phone.com send: 20 µs more per request). Writing with orjson has no such cost.
    """
    text = raw.decode("utf-8")
    try:
        value, end = JSON_DECODER.raw_decode(text)
    except ValueError:
        return json.loads(text)  # leading whitespace, or the standard library's own error
    if end == len(text):
        return value
    return json.loads(text)  # trailing whitespace, or extra data


JSON_DECODER = json.JSONDecoder()  # its raw_decode skips two whitespace checks when none is needed


JSON_UTF8 = "application/json;charset=UTF-8"


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None,
                  content_type: str = JSON_UTF8) -> web.Response:
    merged = {**headers, "Content-Type": content_type} if headers else {"Content-Type": content_type}
    return web.Response(body=encode_json(body), status=status, headers=merged)


def encoded_json_response(body: bytes, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    """json_response's answer for a body already encoded (an answer spliced from pieces); `headers` name its type."""
    return web.Response(body=body, status=status, headers=headers or JSON_UTF8_HEADERS)


JSON_UTF8_HEADERS = {"Content-Type": JSON_UTF8}


class ProviderError(Exception):
    """An error a provider would answer with; each face renders its own envelope."""

    def stamp(self, world: Any) -> None:
        """Called with the tenant's world before response(), for faces whose errors carry its time."""

    def response(self) -> web.Response:  # pragma: no cover - every face overrides it
        raise NotImplementedError


class BodyError(Exception):
    """The request body could not be read as the JSON the endpoint needs."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem  # "unparsable", "not-object", "too-large", "not-utf8"


async def read_json(request: web.Request) -> Any:
    """The decoded JSON body, or a BodyError saying why it cannot be had."""
    try:
        raw = await request.read()
    except web.HTTPRequestEntityTooLarge:
        raise BodyError("too-large") from None
    if not raw:
        return None
    try:
        return decode_json(raw)
    except UnicodeDecodeError:
        raise BodyError("not-utf8") from None
    except (ValueError, RecursionError):
        raise BodyError("unparsable") from None


async def read_json_object(request: web.Request) -> dict:
    body = await read_json(request)
    if body is None:
        return {}
    if not isinstance(body, dict):
        raise BodyError("not-object")
    return body


def origin(request: web.Request) -> str:
    """The emulator's own origin and tenant prefix, for every absolute uri a response carries.

    Worked out on first use, as most responses carry no uri.
    """
    exchange = request[EXCHANGE]
    if exchange.base_url is None:
        tenant = request.match_info.get("tenant")
        exchange.base_url = f"{request.scheme}://{own_host(request)}{'/t/' + tenant if tenant else ''}"
    return exchange.base_url


# A Host header as a URL can carry it: a name or IPv4 address, or a bracketed IPv6 literal, and a port.
URL_HOST = re.compile(r"(?:[A-Za-z0-9\-._~]+|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?")


def own_host(request: web.Request) -> str:
    """The Host the client named, when a URL can carry it; else the address it connected to, so a uri in a
    response is never garbage (a Host of raw bytes would make the JSON itself unreadable)."""
    host = request.headers.get("Host", "")
    if URL_HOST.fullmatch(host):
        return host
    address = request.transport.get_extra_info("sockname") if request.transport is not None else None
    if not address:
        return "localhost"
    return f"[{address[0]}]:{address[1]}" if ":" in address[0] else f"{address[0]}:{address[1]}"


def has_lone_surrogate(text: str) -> bool:
    """Half of a surrogate pair cannot be stored or sent as UTF-8."""
    return any(0xD800 <= ord(ch) <= 0xDFFF for ch in text) if not text.isascii() else False


CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


def content_disposition(kind: str, filename: str) -> str:
    """`inline` or `attachment` with a file name any client reads back as it was: quoted as ASCII (quotes and
    line breaks cannot break out of it), and as RFC 6266's `filename*` when the name is not plain ASCII."""
    plain = CONTROL_CHARACTERS.sub("", filename).encode("utf-8", "replace").decode("utf-8")
    fallback = plain.encode("ascii", "replace").decode("ascii").replace("\\", "\\\\").replace('"', '\\"')
    header = f'{kind}; filename="{fallback}"'
    if not plain.isascii() or plain != filename:
        header += f"; filename*=UTF-8''{quote(plain, safe='')}"
    return header
