"""Routes of the control API; every error is JSON with a clear message."""

from __future__ import annotations

from aiohttp import web

from ..wire import json_response

PREFIX = "/_emulator"


def error(status: int, message: str) -> web.Response:
    return json_response({"error": {"status": status, "message": message}}, status)


async def health(request: web.Request) -> web.Response:
    return json_response({"status": "ok", "tenant": request["tenant"]})


ROUTES = [
    ("GET", PREFIX + "/health", health, "health"),
]
