"""Hypothesis profiles (a reproducible bounded run for `make test`, a long random campaign for `make fuzz`),
and an application's webhook endpoint for tests that subscribe to events."""

from __future__ import annotations

import asyncio
import json
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import attrs
import pytest
from aiohttp import web
from hypothesis import HealthCheck, settings

settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
settings.register_profile(
    "fuzz",
    deadline=None,
    print_blob=True,
    max_examples=int(os.environ.get("SMS_EMULATOR_FUZZ_EXAMPLES", "2000")),
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture
def webhook_endpoint():
    """A plain HTTP server standing in for an application's webhook: it echoes the Validation-Token and
    keeps the notifications it receives."""
    events: list[dict] = []
    arrived = threading.Event()

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if body and json.loads(body) != {"test": 1}:  # Phone.com tests a new callback with {"test": 1}
                events.append(json.loads(body))
                arrived.set()
            self.send_response(200)
            if not body:
                self.send_header("Validation-Token", self.headers["Validation-Token"])
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/hook", events, arrived
    server.shutdown()
    server.server_close()


@attrs.define
class Receiver:
    """An application's webhook endpoint: what it was sent, and how it answers the handshake."""

    url: str = ""
    requests: list = attrs.field(factory=list)  # (headers, body) of each request
    methods: list = attrs.field(factory=list)
    status: int = 200
    echo: bool = True
    delay_s: float = 0.0  # how long the application takes to answer

    def events(self) -> list[dict]:
        """The notifications: neither an empty validation request nor Phone.com's {"test": 1}."""
        bodies = [json.loads(body) for headers, body in self.requests if body]
        return [body for body in bodies if body != {"test": 1}]

    def handshakes(self) -> list[dict]:
        return [headers for headers, body in self.requests if not body or json.loads(body) == {"test": 1}]


@pytest.fixture
async def receiver(aiohttp_server) -> Receiver:
    hook = Receiver()

    async def answer(request: web.Request) -> web.Response:
        hook.requests.append((dict(request.headers), await request.read()))
        hook.methods.append(request.method)
        await asyncio.sleep(hook.delay_s)
        token = request.headers.get("Validation-Token")
        headers = {"Validation-Token": token} if token and hook.echo else {}
        return web.Response(status=hook.status, headers=headers)

    app = web.Application()
    app.router.add_route("*", "/hook", answer)
    server = await aiohttp_server(app)
    hook.url = str(server.make_url("/hook"))
    return hook
