"""Run the application: in the foreground for the CLI, or on a background thread for sync tests."""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import socket
import ssl
import threading
import time

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError

from .app import build_app
from .tenants import Tenants
from .webhooks import Webhooks

START_TIMEOUT_S = 10.0
# Query strings may carry a whole SMS (Voximplant's GET style); let them reach the provider's own checks.
MAX_REQUEST_LINE_BYTES = 1024 * 1024


class ServerStoppedError(RuntimeError):
    """A call reached the emulator as it stopped: nothing will answer it."""


STOPPED = "the emulator stopped before it could answer; start() it again"


class ServerStartError(RuntimeError):
    """The server could not start (for example, the port is taken); raised instead of hanging."""


class ClientErrorsAtDebug(logging.Filter):
    """A malformed request is the client's mistake, already answered with aiohttp's plain-text 400: log it at
    debug level, not as a server error with a traceback. Every other record passes as it is."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if not isinstance(error, HttpProcessingError) or not 400 <= (error.code or 0) < 500:
            return True
        record.levelno, record.levelname = logging.DEBUG, logging.getLevelName(logging.DEBUG)
        return logging.getLogger(record.name).isEnabledFor(logging.DEBUG)


# aiohttp's request handlers log here; a child of `aiohttp.server`, so its level and handlers still apply.
SERVER_LOGGER = logging.getLogger("aiohttp.server.sms_emulator")
STOP_CHECK_S = 0.1  # how often a caller waiting on the server's loop checks that the server still runs
SHUTDOWN_GRACE_S = 1.0  # then a long-poll wait or a stalled body is cut off: a stop is prompt, as CI expects
SERVER_LOGGER.addFilter(ClientErrorsAtDebug())


async def start_site(app: web.Application, host: str, port: int, ssl_context: ssl.SSLContext | None = None):
    """Start listening and return the runner and the port actually bound (port 0 picks a free one)."""
    runner = web.AppRunner(app, access_log=None, handle_signals=False, logger=SERVER_LOGGER,
                           max_line_size=MAX_REQUEST_LINE_BYTES, max_field_size=MAX_REQUEST_LINE_BYTES,
                           shutdown_timeout=SHUTDOWN_GRACE_S)
    await runner.setup()
    site = web.TCPSite(runner, host, port, ssl_context=ssl_context, backlog=1024, reuse_address=True)
    try:
        await site.start()
    except OSError as error:
        await runner.cleanup()
        raise ServerStartError(f"cannot listen on {host}:{port}: {error.strerror or error}") from None
    sockets = [s for s in runner.addresses]
    bound_port = sockets[0][1] if sockets else port
    return runner, bound_port


LOOPBACK_OF_WILDCARD = {"": "localhost", "0.0.0.0": "127.0.0.1", "::": "::1"}  # "" listens on every address


def client_url(scheme: str, host: str, port: int) -> str:
    """The base URL a client on this machine uses for a server listening on host: a wildcard address names no
    host, so its loopback does (one the test certificate covers), and an IPv6 address goes in brackets."""
    host = LOOPBACK_OF_WILDCARD.get(host, host)
    return f"{scheme}://{f'[{host}]' if ':' in host else host}:{port}"


class BackgroundServer:
    """The emulator on its own thread and event loop, so plain synchronous code can call it over HTTP."""

    def __init__(self, tenants: Tenants, host: str = "127.0.0.1", port: int = 0,
                 ssl_context: ssl.SSLContext | None = None) -> None:
        self.tenants = tenants
        self.host = host
        self.port = port
        self.ssl_context = ssl_context
        self.loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._stop: asyncio.Event | None = None
        self._error: BaseException | None = None
        self.webhooks = Webhooks()

    @property
    def url(self) -> str:
        """Where a client on this machine reaches the server: a wildcard address names no host, so its loopback
        does (one the test certificate covers)."""
        return client_url("https" if self.ssl_context else "http", self.host, self.port)

    def start(self) -> "BackgroundServer":
        if self._thread is not None and self._thread.is_alive():
            raise RuntimeError(f"the emulator is already running at {self.url}; stop() it before starting it again")
        self._ready.clear()  # a restart waits for its own server, not the last one's
        self._error = None
        self._thread = threading.Thread(target=self._run, name="sms-emulator", daemon=True)
        self._thread.start()
        if not self._ready.wait(START_TIMEOUT_S):
            raise ServerStartError(f"the emulator did not start within {START_TIMEOUT_S:.0f} s")
        if self._error is not None:
            self._thread.join(START_TIMEOUT_S)  # its loop is closing: a stop() now would call into a closed loop
            raise self._error
        return self

    def stop(self) -> None:
        if self.loop is not None and self._stop is not None and self._thread and self._thread.is_alive():
            self.loop.call_soon_threadsafe(self._stop.set)
            self._thread.join(START_TIMEOUT_S)

    def call(self, function, *args):
        """Run a function on the server's loop and wait for it, so world changes never race a request."""
        if self.loop is None or self.loop.is_closed() or threading.current_thread() is self._thread:
            return function(*args)
        return self._result(on_loop(self.loop, function, *args), START_TIMEOUT_S)

    def wait_for(self, make_coroutine):
        """Run a coroutine on the server's loop and wait for its result (None when called from that loop)."""
        if self.loop is None or self.loop.is_closed() or threading.current_thread() is self._thread:
            return None
        return self._result(asyncio.run_coroutine_threadsafe(make_coroutine(), self.loop), START_TIMEOUT_S * 2)

    def _result(self, future: concurrent.futures.Future, timeout_s: float):
        """The answer from the server's loop; a server stopped meanwhile, which will never answer, is said at once."""
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                return future.result(STOP_CHECK_S)
            except concurrent.futures.CancelledError:
                raise ServerStoppedError(STOPPED) from None
            except concurrent.futures.TimeoutError:
                if self._thread is None or not self._thread.is_alive():
                    future.cancel()
                    raise ServerStoppedError(STOPPED) from None
                if time.monotonic() >= deadline:
                    raise TimeoutError(f"the emulator did not answer within {timeout_s:g} s") from None

    async def wait_for_async(self, make_coroutine):
        """wait_for for a caller on another running loop: that loop keeps running while the server works."""
        if self.loop is None or self.loop.is_closed() or asyncio.get_running_loop() is self.loop:
            return None
        future = asyncio.run_coroutine_threadsafe(make_coroutine(), self.loop)
        return await asyncio.wait_for(asyncio.wrap_future(future), START_TIMEOUT_S * 2)

    async def call_async(self, function, *args):
        """call for a caller on another running loop, without blocking it."""
        if self.loop is None or self.loop.is_closed() or asyncio.get_running_loop() is self.loop:
            return function(*args)
        future = on_loop(self.loop, function, *args)
        if future.cancelled():
            raise ServerStoppedError(STOPPED)
        return await asyncio.wait_for(asyncio.wrap_future(future), START_TIMEOUT_S)

    def _run(self) -> None:
        self.loop = asyncio.new_event_loop()
        try:
            self.loop.run_until_complete(self._serve())
        except BaseException as error:  # reported to start(), never lost
            self._error = error
            self._ready.set()
        finally:
            end_what_is_left(self.loop)
            self.loop.close()
            self.loop = None

    async def _serve(self) -> None:
        self._stop = asyncio.Event()
        app = build_app(self.tenants, webhooks=self.webhooks)
        runner, self.port = await start_site(app, self.host, self.port, self.ssl_context)
        self._ready.set()
        try:
            await self._stop.wait()
        finally:
            transports = [handler.transport for handler in runner.server.connections]
            await runner.cleanup()
            close_for_good(transports)

    def __enter__(self) -> "BackgroundServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def end_what_is_left(loop: asyncio.AbstractEventLoop) -> None:
    """Calls from other threads that came as the server stopped are cancelled (their callers hear that it stopped),
    not left pending for the closed loop to complain of."""
    left = asyncio.all_tasks(loop)
    for task in left:
        task.cancel()
    if left:
        loop.run_until_complete(asyncio.gather(*left, return_exceptions=True))


def close_for_good(transports: list) -> None:
    """Close what a stop left open: a TLS connection waits for its client's close_notify, which a client that keeps
    connections alive never sends, and its socket would outlive the loop (a ResourceWarning in the user's tests)."""
    for transport in transports:
        if transport is not None:
            transport.abort()  # nothing for one already closed


def on_loop(loop: asyncio.AbstractEventLoop, function, *args) -> concurrent.futures.Future:
    """Run a plain function on the loop, its result in a future: no coroutine is made, so none is left unawaited
    when the loop stops first (the future then never resolves, and the caller's wait says the server stopped)."""
    future: concurrent.futures.Future = concurrent.futures.Future()

    def run() -> None:
        if future.set_running_or_notify_cancel():
            try:
                future.set_result(function(*args))
            except BaseException as error:
                future.set_exception(error)

    try:
        loop.call_soon_threadsafe(run)
    except RuntimeError:  # the loop closed in between
        future.cancel()
    return future


def port_is_free(host: str, port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True
