"""Request bodies read whole by the application: within a deadline, and decoded here rather than by aiohttp.

aiohttp's parser decodes `Content-Encoding` as the bytes arrive, and a deflate stream cut short fails
inside the parser itself: the request gets a plain-text 400, or, when the body came in a later packet than
the headers, its handler waits for the rest forever. The application turns that decoding off
(`AUTO_DECOMPRESS_OFF`) and decodes the whole body here, so every failure reaches the provider's own error.
A body that stops short of its Content-Length (or its last chunk) would hold its connection and handler
forever; reading it here under a deadline turns that into the provider's 408.
"""

from __future__ import annotations

import asyncio
import zlib
from typing import Any, Callable

import brotli
from aiohttp import StreamReader, web

try:
    from compression import zstd  # Python 3.14 and later
except ImportError:  # pragma: no cover - depends on the Python version
    from backports import zstd

# Passed to aiohttp's request handler through the application, so a test server gets it too.
AUTO_DECOMPRESS_OFF = {"auto_decompress": False}
BODY_BUFFERED = web.RequestKey("body_buffered", bool)  # False once its deadline passed
BODY_TIMEOUT_S = 30.0  # nginx's client_body_timeout is 60 s; on loopback a body is whole in milliseconds
GZIP_WBITS = 16 + zlib.MAX_WBITS
ZLIB_METHOD_DEFLATE = 8


class UndecodableBody(ValueError):
    """A request body that its Content-Encoding does not decode: not that format, or cut short."""


class BodyTimedOut(TimeoutError):
    """A request body that did not arrive whole within the server's deadline."""


class DecodedTooLarge(ValueError):
    """A compressed request body that decodes to more than the server takes."""


def decompressed(data: bytes, coding: str, limit: int) -> bytes:
    """The body as sent before compression; a coding this server does not know leaves it as it is."""
    if not data:
        return data
    if coding in ("gzip", "x-gzip"):
        return inflated(data, GZIP_WBITS, limit)
    if coding == "deflate":  # zlib-wrapped as HTTP says, or the raw deflate some clients send
        wrapped = data[0] & 0x0F == ZLIB_METHOD_DEFLATE
        return inflated(data, zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS, limit)
    if coding == "br":
        return unbrotlied(data, limit)
    if coding == "zstd":
        return unzstded(data, limit)
    return data


def inflated(data: bytes, wbits: int, limit: int) -> bytes:
    """gzip or deflate, member after member (gzip allows several; zero bytes after the last are padding, as
    Python's own gzip reader takes them)."""
    return member_by_member(data, limit, lambda: zlib.decompressobj(wbits), zlib.error,
                            padded=wbits == GZIP_WBITS)


def unzstded(data: bytes, limit: int) -> bytes:
    """Frame after frame, as a zstd stream may hold several."""
    return member_by_member(data, limit, zstd.ZstdDecompressor, zstd.ZstdError)


def member_by_member(data: bytes, limit: int, new_decoder: Callable[[], Any], error: type[Exception],
                     padded: bool = False) -> bytes:
    """Each member read to its end by a decoder of its own, the whole no longer than limit."""
    out = bytearray()
    while data and not (padded and out and not data.strip(b"\0")):
        decoder = new_decoder()
        try:
            out += decoder.decompress(data, limit + 1 - len(out))
        except error as failure:
            raise UndecodableBody(str(failure)) from None
        if len(out) > limit:
            raise DecodedTooLarge(limit)
        if not decoder.eof:
            raise UndecodableBody("compressed stream cut short")
        data = decoder.unused_data
    return bytes(out)


def unbrotlied(data: bytes, limit: int) -> bytes:
    """Brotli, whose decoder bounds its output itself, so a small body cannot decode to gigabytes."""
    decoder = brotli.Decompressor()
    try:
        out = decoder.process(data, output_buffer_limit=limit + 1)
    except brotli.error as error:
        raise UndecodableBody(str(error)) from None
    if len(out) > limit or not decoder.can_accept_more_data():
        raise DecodedTooLarge(limit)
    if not decoder.is_finished():
        raise UndecodableBody("compressed stream cut short")
    return out


async def buffer_body(request: web.Request, limit: int, timeout_s: float = BODY_TIMEOUT_S) -> None:
    """Read the body whole within timeout_s, decode it, and put it where every reader of the request looks.

    Raises BodyTimedOut, UndecodableBody, or aiohttp's 413 when the body, sent or decoded, exceeds the limit.
    """
    if BODY_BUFFERED in request:
        if not request[BODY_BUFFERED]:  # a second reader (the recorder's, then the route's) waits no longer
            raise BodyTimedOut(timeout_s)
        return
    try:
        async with asyncio.timeout(timeout_s):
            raw = await request.read()
    except TimeoutError:
        request[BODY_BUFFERED] = False
        raise BodyTimedOut(timeout_s) from None
    coding = request.headers.get("Content-Encoding", "").strip().lower()
    try:
        body = decompressed(raw, coding, limit)
    except DecodedTooLarge:
        raise web.HTTPRequestEntityTooLarge(max_size=limit, actual_size=limit + 1) from None
    request[BODY_BUFFERED] = True
    # a buffer limit as large as the body, so feeding it whole never asks the connection to pause
    stream = StreamReader(request.protocol, max(len(body), 2**16), loop=asyncio.get_running_loop())
    stream.feed_data(body)
    stream.feed_eof()
    # aiohttp gives no public way to replace a body; read(), post() and multipart() all use these two
    request._payload = stream
    request._read_bytes = body
