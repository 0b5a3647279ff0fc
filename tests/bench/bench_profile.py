"""Profile the emulator's hot path: serve in this process under cProfile while wrk replays one scenario.

    python -m tests.bench.bench_profile [scenario-number] [seconds]
"""

from __future__ import annotations

import asyncio
import cProfile
import pstats
import sys
import tempfile
from pathlib import Path

from emulator.app import build_app
from emulator.seed import load_default_seed
from emulator.server import start_site
from emulator.tenants import Tenants

from . import bench_http

TOP = 25


async def profile(index: int, seconds: float) -> pstats.Stats:
    runner, port = await start_site(build_app(Tenants(load_default_seed())), "127.0.0.1", 0)
    base = f"http://127.0.0.1:{port}"
    loop = asyncio.get_running_loop()
    try:
        token = await loop.run_in_executor(None, bench_http.ringcentral_token, base)
        scenario = bench_http.scenarios(token)[index]
        with tempfile.TemporaryDirectory() as tmp:
            profiler = cProfile.Profile()
            profiler.enable()
            result = await loop.run_in_executor(None, bench_http.run_wrk, bench_http.ensure_wrk(), scenario, base,
                                                Path(tmp), seconds)
            profiler.disable()
        print(f"{scenario.name}: {result.rps:.0f} requests/s under the profiler")
        return pstats.Stats(profiler)
    finally:
        await runner.cleanup()


def main() -> None:
    index = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 3
    stats = asyncio.run(profile(index, seconds))
    stats.sort_stats(sys.argv[3] if len(sys.argv) > 3 else "tottime").print_stats(TOP)
    if len(sys.argv) > 4:
        stats.print_callees(sys.argv[4])


if __name__ == "__main__":
    main()
