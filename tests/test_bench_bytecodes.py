"""`make bench-bytecodes` counts what each request type executes, on both applications, and says where."""

from __future__ import annotations

import asyncio

from aiohttp import web

from tests.bench import bench_bare, bench_bytecodes


async def test_the_bytecode_bench_counts_every_request_type_and_names_the_functions_that_ran() -> None:
    results = await bench_bytecodes.compare(requests=3)
    assert [r.scenario.name for r in results] == [s.name for s in bench_bytecodes.bench_http.scenarios("token")]
    assert all(r.emulator.per_request > 0 and r.bare.per_request > 0 for r in results)
    phonecom = dict(next(r for r in results if r.scenario.name == "Phone.com POST sms").emulator.by_function)
    assert phonecom["emulator/providers/phonecom/handlers.py create_sms"] > 0
    assert phonecom["emulator/core/store.py MessageStore.add"] > 0
    bare = dict(results[0].bare.by_function)
    assert "tests/bench/bench_bare.py answer" in bare and not any(name.startswith("emulator/") for name in bare)


def tick_work() -> int:
    return sum(range(3))


async def test_what_background_tasks_run_meanwhile_is_not_counted_against_the_request() -> None:
    ticks = 0

    async def ticking() -> None:
        nonlocal ticks
        while True:
            ticks += tick_work()
            await asyncio.sleep(0)

    runner = web.AppRunner(bench_bare.build({"/sms": (200, {"ok": True})}), access_log=None)
    await runner.setup()
    ticker = asyncio.create_task(ticking())
    try:
        client = bench_bytecodes.InMemoryClient(runner)
        raw = bench_bytecodes.raw_request("GET", "/sms", (), b"")
        ticks_before = ticks
        counted = await bench_bytecodes.count_bytecodes(client, raw, 3, frozenset({ticker}))
        assert ticks > ticks_before  # the ticker did run while the requests were counted
        names = dict(counted.by_function)
        assert "tests/bench/bench_bare.py answer" in names
        assert not any(name.endswith(("tick_work", "ticking")) for name in names)
    finally:
        ticker.cancel()
        await runner.cleanup()


def test_the_report_lists_the_emulators_own_functions_most_first() -> None:
    count = bench_bytecodes.Count(100.0, (("aiohttp/web_protocol.py start", 60.0), ("emulator/app.py serve", 30.0),
                                          ("emulator/wire.py read_json", 10.0)))
    scenario = bench_bytecodes.bench_http.Scenario("Phone.com POST sms", "POST", "/v4/accounts/1/sms")
    report = bench_bytecodes.report([bench_bytecodes.Compared(scenario, count, bench_bytecodes.Count(80.0, ()))],
                                    top=1)
    assert "| Phone.com POST sms | 100 | 80 | 0.80 |" in report
    assert "the emulator's own 40, most first" in report
    assert "emulator/app.py serve" in report and "read_json" not in report
