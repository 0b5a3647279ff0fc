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
SAMPLES = 300
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
SENDER = "+16505550102"


@attrs.frozen
class Level:
    """Timings at one store size: medians of SAMPLES requests over HTTP on loopback, in this process."""

    stored: int
    list_ms: float
    send_ms: float
    bytes_per_message: float


def resident_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * PAGE_SIZE


def fill(world: World, account_id: str, extension_id: str, target: int, sent: int) -> int:
    """Send through the core until the store holds `target` copies; each text is its own string."""
    while len(world.store) < target:
        sent += 1
        request = SmsRequest(account_id, SENDER, (f"+1415{sent % 1000:07d}",), f"Benchmark message number {sent}",
                             extension_id)
        carrier.send_sms(world, request, SMS_POLICY, "ringcentral")
    return sent


async def median_ms(session: aiohttp.ClientSession, method: str, url: str, **kwargs) -> float:
    times = []
    for _ in range(SAMPLES):
        started = time.perf_counter()
        async with session.request(method, url, **kwargs) as response:
            await response.read()
            assert response.status < 300, response.status
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


async def measure_async() -> list[Level]:
    tenants = Tenants(load_default_seed())
    world = tenants.get("default")
    world.store.retention = None  # the point is to grow past any retention limit
    runner, port = await start_site(build_app(tenants), "127.0.0.1", 0)
    base = f"http://127.0.0.1:{port}"
    loop = asyncio.get_running_loop()
    token = await loop.run_in_executor(None, ringcentral_token, base)
    account = world.account("ringcentral")
    extension = world.extension(account.id, "102")
    headers = {"Authorization": f"Bearer {token}"}
    body = json.dumps({"from": {"phoneNumber": SENDER}, "to": [{"phoneNumber": "+14155550123"}], "text": "Hi"})
    levels, sent = [], 0
    gc.collect()
    baseline = resident_bytes()
    try:
        async with aiohttp.ClientSession(headers=headers) as session:
            for target in LEVELS:
                sent = fill(world, account.id, extension.id, target, sent)
                world.clock.advance(3)  # let every pending status change land before measuring memory
                world.now_ms()
                gc.collect()
                per_message = (resident_bytes() - baseline) / len(world.store)
                list_ms = await median_ms(session, "GET", f"{base}{RC_LIST}?perPage={PAGE}")
                send_ms = await median_ms(session, "POST", f"{base}{RC_SMS}", data=body,
                                          headers={"Content-Type": "application/json"})
                levels.append(Level(len(world.store), list_ms, send_ms, per_message))
    finally:
        await runner.cleanup()
    return levels


def measure() -> list[Level]:
    return asyncio.run(measure_async())


if __name__ == "__main__":
    for level in measure():
        print(level)
