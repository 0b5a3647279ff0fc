"""The HTTP calls the emulator makes to an application, as a provider's notification service does.

One `Webhooks` per application: it opens its client session on first use, sends each notification in the
background so the request that caused it never waits, and keeps a journal of what it sent and how the
application answered, for tests and the control API to read.
"""

from __future__ import annotations

import asyncio
import re
import ssl
from collections import deque
from typing import Any, Callable

import aiohttp
import attrs
from aiohttp import web

from .wire import encode_json, has_lone_surrogate

WEBHOOK_URL = re.compile(r"https?://[^\s/?#]+[^\s]*", re.IGNORECASE)
HANDSHAKE_TIMEOUT_S = 3.0  # RingCentral's limit for answering a subscription's validation request
DELIVERY_TIMEOUT_S = 10.0
CLOSE_GRACE_S = 0.5  # what a stop waits for deliveries on their way before it ends them
SETTLE_TIMEOUT_S = DELIVERY_TIMEOUT_S + 1.0  # past a delivery's own timeout, so its failure is in the journal
JOURNAL_SIZE = 1000  # deliveries remembered, newest last

Answered = Callable[[int | None, str | None], None]  # told a delivery's status, or None and the error


def is_webhook_url(value: object) -> bool:
    """An http or https URL with a host, which the client session can be asked to call."""
    return isinstance(value, str) and not has_lone_surrogate(value) and WEBHOOK_URL.fullmatch(value) is not None


@attrs.frozen
class Reply:
    """How the application answered; status None when it could not be reached in time. Header names are lower-case."""

    status: int | None
    headers: dict[str, str]


@attrs.frozen
class Delivery:
    """One notification sent, with its answer, as the journal keeps it."""

    tenant: str
    provider: str
    address: str
    body: Any
    time_ms: int  # the tenant's time when the event happened
    status: int | None
    error: str | None

    def as_json(self) -> dict:
        return {"time_ms": self.time_ms, "provider": self.provider, "address": self.address, "body": self.body,
                "status": self.status, "error": self.error}


class Webhooks:
    """Outgoing notifications of one application; safe to call from its loop or from another thread."""

    def __init__(self) -> None:
        self._session: aiohttp.ClientSession | None = None
        self._tls: ssl.SSLContext | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._pending: dict[asyncio.Task, tuple[str, int]] = {}  # each delivery on its way: its tenant and epoch
        self.journals: dict[str, deque[Delivery]] = {}  # each tenant's last JOURNAL_SIZE, so none crowds another out
        self._forgotten: dict[str, int] = {}  # times each tenant was forgotten: an answer from before is dropped

    async def ask(self, address: str, headers: dict[str, str], body: Any = None, method: str = "POST",
                  timeout_s: float = HANDSHAKE_TIMEOUT_S) -> Reply:
        """Send a test or validation request (empty, or with a JSON body) and wait for the answer."""
        data = None if body is None else encode_json(body)
        try:
            async with self.session().request(method, address, data=data, headers=headers, ssl=self.tls_for(address),
                                              timeout=aiohttp.ClientTimeout(total=timeout_s)) as response:
                await response.read()
                return Reply(response.status, {name.lower(): value for name, value in response.headers.items()})
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError, OSError):
            return Reply(None, {})

    def send(self, tenant: str, provider: str, address: str, body: Any, headers: dict[str, str], time_ms: int,
             method: str = "POST", timeout_s: float = DELIVERY_TIMEOUT_S, on_answer: Answered | None = None) -> None:
        """Deliver a JSON notification in the background; on_answer, if given, hears how it went."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            loop = None
        if loop is None and self._loop is not None:
            self._loop.call_soon_threadsafe(
                lambda: self.send(tenant, provider, address, body, headers, time_ms, method, timeout_s, on_answer))
            return
        if loop is None:
            return  # no server is running to deliver it
        self._loop = loop
        delivery = Delivery(tenant, provider, address, body, time_ms, None, None)
        epoch = self._forgotten.get(tenant, 0)
        task = loop.create_task(self._deliver(delivery, headers, method, timeout_s, on_answer, epoch))
        self._pending[task] = (tenant, epoch)
        task.add_done_callback(lambda done: self._pending.pop(done, None))

    async def _deliver(self, delivery: Delivery, headers: dict[str, str], method: str, timeout_s: float,
                       on_answer: Answered | None, epoch: int = 0) -> None:
        status, error = None, None
        try:
            async with self.session().request(method, delivery.address, data=encode_json(delivery.body),
                                              headers=headers, ssl=self.tls_for(delivery.address),
                                              timeout=aiohttp.ClientTimeout(total=timeout_s)) as response:
                await response.read()
                status = response.status
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError, OSError) as problem:
            error = f"{type(problem).__name__}: {problem}".rstrip(": ")
        if self._forgotten.get(delivery.tenant, 0) != epoch:
            return  # the tenant was reset or deleted while this was on its way: its journal starts afresh
        journal = self.journals.setdefault(delivery.tenant, deque(maxlen=JOURNAL_SIZE))
        journal.append(attrs.evolve(delivery, status=status, error=error))
        if on_answer is not None:
            on_answer(status, error)

    def deliveries(self, tenant: str) -> list[Delivery]:
        """What one tenant's subscriptions sent, newest first."""
        return list(reversed(self.journals.get(tenant, ())))

    def forget(self, tenant: str, gone: bool = False) -> int:
        """Start the tenant's journal afresh; for a tenant that is `gone`, also stop what is on its way to its
        webhooks, so a slow receiver of a finished test holds up no later one."""
        self._forgotten[tenant] = self._forgotten.get(tenant, 0) + 1
        if gone:
            for task in [task for task, (owner, _) in self._pending.items() if owner == tenant]:
                task.cancel()  # stopped at its next await, before it could write to a journal
            del self._forgotten[tenant]  # nothing of the tenant is left to tell apart from a later one of its name
        return len(self.journals.pop(tenant, ()))

    async def settle(self, tenant: str | None = None, timeout_s: float = SETTLE_TIMEOUT_S) -> None:
        """Wait until every notification sent so far (to one tenant's webhooks, or anyone's) has been answered or
        has failed, for at most timeout_s.

        Waiting gives up without cancelling: a slow webhook still gets its notification.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        while (waiting := self.on_their_way(tenant)) and loop.time() < deadline:
            await asyncio.wait(waiting, timeout=deadline - loop.time())

    def on_their_way(self, tenant: str | None) -> list[asyncio.Task]:
        """Deliveries still on their way (of one tenant as it is now: what it sent before a reset is not its own)."""
        if tenant is None:
            return list(self._pending)
        epoch = self._forgotten.get(tenant, 0)
        return [task for task, owner in self._pending.items() if owner == (tenant, epoch)]

    def session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession()
            self._loop = asyncio.get_running_loop()
        return self._session

    def tls_for(self, address: str) -> ssl.SSLContext | bool:
        """The system's CA bundle, loaded on the first https address only: `serve` starts without it."""
        if not address.lower().startswith("https:"):
            return True
        if self._tls is None:
            self._tls = ssl.create_default_context()
        return self._tls

    async def close(self) -> None:
        """Deliveries on their way get a moment to finish; a receiver slower than that does not hold up a stop."""
        await self.settle(timeout_s=CLOSE_GRACE_S)
        for task in self.on_their_way(None):
            task.cancel()
        if self._pending:
            await asyncio.wait(list(self._pending), timeout=CLOSE_GRACE_S)
        if self._session is not None:
            await self._session.close()


WEBHOOKS_KEY = web.AppKey("webhooks", Webhooks)


async def webhooks_closed_on_cleanup(app: web.Application):
    """Notifications still on their way are finished before the client session closes."""
    yield
    await app[WEBHOOKS_KEY].close()
