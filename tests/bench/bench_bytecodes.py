"""`make bench-bytecodes`: Python bytecodes per request, emulator against bare aiohttp, in seconds on any host.

    python -m tests.bench.bench_bytecodes [--top N] [--requests N]

Both applications run in this process behind aiohttp's own request handler, fed each request's raw bytes
through an in-memory transport (no sockets, no load generator), and the interpreter counts the bytecodes each
request executes; what the applications' own background tasks run meanwhile (the emulator's status clock) is
left out. A send's count repeats from run to run and host to host, where times do not (a list page's moves
with how many statuses fall due while it is read); counts do not see C-level work or cache misses, so they
show where the Python-level work of a request goes rather than how fast it runs. The tenant keeps only
RETENTION copies, so every counted send also forgets the oldest, as on a long-running server. With --top, the
emulator's functions that execute the most bytecodes for each request: where a leaner hot path starts.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections import Counter
from pathlib import Path
from types import FrameType

import attrs
from aiohttp import web

from emulator.app import build_app
from emulator.seed import load_default_seed
from emulator.tenants import DEFAULT_TENANT, Tenants

from . import bench_bare, bench_http

REQUESTS = 200  # counted per request type, after as many to warm up
RETENTION = 1_000  # stored copies: small, so the warm-up fills the store and every counted send forgets one
PROJECT = str(Path(__file__).resolve().parents[2]) + "/"
TOKEN_FORM = b"grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=rc-jwt-102"


class MemoryTransport(asyncio.Transport):
    """What a server writes, kept in memory; `answered` resolves once a whole response has been written."""

    def __init__(self) -> None:
        super().__init__()
        self.written = bytearray()
        self.answered: asyncio.Future | None = None
        self.closed = False

    def write(self, data) -> None:
        self.written += data
        if self.answered is not None and not self.answered.done() and whole_response(self.written):
            self.answered.set_result(bytes(self.written))

    def writelines(self, lines) -> None:
        self.write(b"".join(lines))

    def get_extra_info(self, name: str, default=None):
        return {"peername": ("127.0.0.1", 40000), "sockname": ("127.0.0.1", 8080)}.get(name, default)

    def is_closing(self) -> bool:
        return self.closed

    def close(self) -> None:
        self.closed = True

    def abort(self) -> None:
        self.closed = True

    def get_write_buffer_size(self) -> int:
        return 0

    def pause_reading(self) -> None:
        pass

    def resume_reading(self) -> None:
        pass


def whole_response(written: bytes) -> bool:
    head, separator, body = bytes(written).partition(b"\r\n\r\n")
    if not separator:
        return False
    length = next((int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
                   if line.lower().startswith(b"content-length:")), 0)
    return len(body) >= length


class InMemoryClient:
    """One keep-alive connection to an application, through aiohttp's request handler."""

    def __init__(self, runner: web.AppRunner) -> None:
        self.transport = MemoryTransport()
        self.protocol = runner.server()
        self.protocol.connection_made(self.transport)

    async def send(self, raw: bytes) -> tuple[int, bytes]:
        """The status and body of the answer to one raw HTTP/1.1 request."""
        self.transport.written.clear()
        self.transport.answered = asyncio.get_running_loop().create_future()
        self.protocol.data_received(raw)
        head, _, body = (await self.transport.answered).partition(b"\r\n\r\n")
        return int(head.split()[1]), body


def raw_request(method: str, path: str, headers: tuple[tuple[str, str], ...], body: bytes) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1:8080", *(f"{k}: {v}" for k, v in headers)]
    if body:
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def scenario_request(scenario: bench_http.Scenario) -> bytes:
    path = scenario.path + (f"?{scenario.query}" if scenario.query else "")
    return raw_request(scenario.method, path, scenario.headers, scenario.body.encode())


@attrs.frozen
class Count:
    """Bytecodes per request, in all and by function (file relative to the project or site-packages, name)."""

    per_request: float
    by_function: tuple[tuple[str, float], ...]


async def count_bytecodes(client: InMemoryClient, raw: bytes, requests: int,
                          background: frozenset[asyncio.Task] = frozenset()) -> Count:
    """Send `raw` `requests` times with every executed bytecode counted against its function, except what the
    `background` tasks run meanwhile (a clock's tick falls due on its own time, not a request's)."""
    counts: Counter[tuple[str, str]] = Counter()

    def trace(frame: FrameType, event: str, arg) -> object:
        if event == "call":
            if asyncio.current_task() in background:
                return None
            frame.f_trace_opcodes = True
        elif event == "opcode":
            code = frame.f_code
            counts[(code.co_filename, code.co_qualname)] += 1
        return trace

    sys.settrace(trace)
    try:
        for _ in range(requests):
            await client.send(raw)
    finally:
        sys.settrace(None)
    by_function = Counter()
    for (filename, name), count in counts.items():
        by_function[f"{short_path(filename)} {name}"] += count / requests
    return Count(sum(counts.values()) / requests, tuple(by_function.most_common()))


def short_path(filename: str) -> str:
    if filename.startswith(PROJECT):
        return filename[len(PROJECT):]
    return filename.rpartition("site-packages/")[2] if "site-packages/" in filename else filename


@attrs.frozen
class Compared:
    """One request type counted on both applications."""

    scenario: bench_http.Scenario
    emulator: Count
    bare: Count


async def compare(requests: int = REQUESTS) -> list[Compared]:
    """Every request type of `make bench`, counted on the emulator and on the bare app primed with its answer."""
    tenants = Tenants(load_default_seed())
    tenants.get(DEFAULT_TENANT).store.retention = RETENTION
    emulator_runner = web.AppRunner(build_app(tenants), access_log=None)
    bare_runner = web.AppRunner(bench_bare.build({}), access_log=None)
    await emulator_runner.setup()
    await bare_runner.setup()
    background = frozenset(asyncio.all_tasks()) - {asyncio.current_task()}  # started by the apps, not requests
    try:
        emulator, bare = InMemoryClient(emulator_runner), InMemoryClient(bare_runner)
        results = []
        for scenario in bench_http.scenarios(await ringcentral_token(emulator)):
            raw = scenario_request(scenario)
            for _ in range(max(requests, RETENTION)):  # warm up, and fill the store to its retention
                status, body = await emulator.send(raw)
            if status >= 300:
                raise RuntimeError(f"{scenario.name}: emulator answered {status}: {body[:300]!r}")
            bare_runner.app[bench_bare.CANNED_KEY][scenario.path] = (status, json.loads(body))
            for _ in range(requests):
                await bare.send(raw)
            results.append(Compared(scenario, await count_bytecodes(emulator, raw, requests, background),
                                    await count_bytecodes(bare, raw, requests, background)))
        return results
    finally:
        await emulator_runner.cleanup()
        await bare_runner.cleanup()


async def ringcentral_token(client: InMemoryClient) -> str:
    basic = "cmMtY2xpZW50LWlkOnJjLWNsaWVudC1zZWNyZXQ="  # rc-client-id:rc-client-secret
    status, body = await client.send(raw_request(
        "POST", "/restapi/oauth/token", (("Authorization", f"Basic {basic}"),
                                         ("Content-Type", "application/x-www-form-urlencoded")), TOKEN_FORM))
    if status != 200:
        raise RuntimeError(f"token request failed: {status} {body[:200]!r}")
    return json.loads(body)["access_token"]


def report(results: list[Compared], top: int) -> str:
    lines = ["| request | emulator bytecodes | bare bytecodes | ratio bare / emulator |", "|---|---:|---:|---:|"]
    lines += [f"| {r.scenario.name} | {r.emulator.per_request:,.0f} | {r.bare.per_request:,.0f} | "
              f"{r.bare.per_request / r.emulator.per_request:.2f} |" for r in results]
    for result in results if top else ():
        own = [(name, count) for name, count in result.emulator.by_function if name.startswith("emulator/")]
        lines += ["", f"{result.scenario.name}: the emulator's own {sum(c for _, c in own):,.0f}, most first"]
        lines += [f"  {count:7.1f}  {name}" for name, count in own[:top]]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--top", type=int, default=0, help="list the emulator's N busiest functions per request")
    parser.add_argument("--requests", type=int, default=REQUESTS, help="requests counted per request type")
    args = parser.parse_args()
    print(f"Python bytecodes per request, {args.requests} requests of each type counted in-process, "
          f"the tenant's retention at {RETENTION:,} copies\n")
    print(report(asyncio.run(compare(args.requests)), args.top))


if __name__ == "__main__":
    main()
