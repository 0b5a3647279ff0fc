"""Cost of a list page and of a send as the store grows, and resident memory per stored message."""

from __future__ import annotations

import asyncio
import gc
import json
import os
import statistics
import time

import aiohttp
import attrs

from emulator.app import build_app
from emulator.core import carrier
from emulator.core.rules import SmsRequest
from emulator.core.world import World
from emulator.providers.ringcentral.rules import SMS_POLICY
from emulator.seed import load_default_seed
from emulator.server import start_site
from emulator.tenants import Tenants

from .bench_http import PAGE, RC_LIST, RC_SMS, ringcentral_token

LEVELS = (10_000, 100_000, 1_000_000)
SAMPLES = 300  # requests of each kind timed per store size
ROUNDS = 10  # the samples are taken in rounds, every size in turn, so a slow spell of the machine hits all sizes alike
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
SENDER = "+16505550102"
SEND_BODY = json.dumps({"from": {"phoneNumber": SENDER}, "to": [{"phoneNumber": "+14155550123"}], "text": "Hi"})


@attrs.frozen
class Level:
    """Timings at one store size: medians of SAMPLES requests over HTTP on loopback, in this process."""

    stored: int
    list_ms: float
    send_ms: float
    bytes_per_message: float


@attrs.define
class FilledTenant:
    """A tenant of its own filled to one store size, and the timings taken against it."""

    world: World
    base: str  # the tenant's own base URL
    token: str
    bytes_per_message: float
    list_ms: list[float] = attrs.Factory(list)
    send_ms: list[float] = attrs.Factory(list)

    def level(self) -> Level:
        return Level(len(self.world.store), statistics.median(self.list_ms), statistics.median(self.send_ms),
                     self.bytes_per_message)


def resident_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * PAGE_SIZE


def fill(world: World, account_id: str, extension_id: str, target: int) -> None:
    """Send through the core until the store holds `target` copies; each text is its own string."""
    sent = 0
    while len(world.store) < target:
        sent += 1
        request = SmsRequest(account_id, SENDER, (f"+1415{sent % 1000:07d}",), f"Benchmark message number {sent}",
                             extension_id)
        carrier.send_sms(world, request, SMS_POLICY, "ringcentral")


def settle_statuses(world: World) -> None:
    """Read every status once it is final, so each record holds its delivery times when memory is measured."""
    for message in world.store.newest_first():
        message.status  # reading applies whatever fell due


async def filled_tenant(tenants: Tenants, base: str, target: int) -> FilledTenant:
    """A new tenant holding `target` messages, with the resident memory its messages took."""
    name = f"scale-{target}"
    gc.collect()
    before = resident_bytes()
    world = tenants.get(name)
    world.store.retention = None  # the point is to grow past any retention limit
    account = world.account("ringcentral")
    fill(world, account.id, world.extension(account.id, "102").id, target)
    world.clock.advance(3)
    settle_statuses(world)
    gc.collect()
    per_message = (resident_bytes() - before) / len(world.store)
    tenant_base = f"{base}/t/{name}"
    token = await asyncio.get_running_loop().run_in_executor(None, ringcentral_token, tenant_base)
    return FilledTenant(world, tenant_base, token, per_message)


async def timed_ms(session: aiohttp.ClientSession, count: int, method: str, url: str, **kwargs) -> list[float]:
    times = []
    for _ in range(count):
        started = time.perf_counter()
        async with session.request(method, url, **kwargs) as response:
            await response.read()
            assert response.status < 300, response.status
        times.append((time.perf_counter() - started) * 1000)
    return times


async def measure_async() -> list[Level]:
    tenants = Tenants(load_default_seed())
    runner, port = await start_site(build_app(tenants), "127.0.0.1", 0)
    base = f"http://127.0.0.1:{port}"
    try:
        filled = [await filled_tenant(tenants, base, target) for target in LEVELS]
        per_round = max(1, SAMPLES // ROUNDS)
        async with aiohttp.ClientSession() as session:
            for _ in range(ROUNDS):
                for tenant in filled:
                    auth = {"Authorization": f"Bearer {tenant.token}"}
                    as_json = {**auth, "Content-Type": "application/json"}
                    list_url, send_url = f"{tenant.base}{RC_LIST}?perPage={PAGE}", f"{tenant.base}{RC_SMS}"
                    tenant.list_ms += await timed_ms(session, per_round, "GET", list_url, headers=auth)
                    tenant.send_ms += await timed_ms(session, per_round, "POST", send_url, data=SEND_BODY,
                                                     headers=as_json)
    finally:
        await runner.cleanup()
    return [tenant.level() for tenant in filled]


def measure() -> list[Level]:
    return asyncio.run(measure_async())


if __name__ == "__main__":
    for level in measure():
        print(level)
