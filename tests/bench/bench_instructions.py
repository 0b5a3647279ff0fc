"""`make bench-instructions`: instructions per request, emulator against bare aiohttp, counted by valgrind.

    python -m tests.bench.bench_instructions [--quick]

Requests a second on a shared host move by several percent from one run to the next, as other guests take
the CPU; the instructions a request costs do not. Each server runs under callgrind. After a warm-up, wrk
replays the request with 32 connections twice, for two lengths of time, and the counters are read after
each: the difference between the two cancels what a load costs once (connecting, the requests still in
flight when wrk stops). Under valgrind a second holds about forty times fewer requests than at full speed,
so the work a server does by the clock (the emulator's status ticks and young-generation collections) is
measured while idle and taken off at that rate. Instructions are not time: cache misses on a larger
working set cost the emulator more than they cost the bare app, so `make bench` ratios come out lower.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import attrs

from emulator.serve import IdleSweep

from . import bench_bare, bench_http

LOADS_S = (8, 24)  # two loads of each request; their difference is what is counted
# The emulator's idle rate is read over IDLE_S, after SETTLE_S for the server to finish what was in flight. No gap
# between requests may reach the idle time after which `serve` collects everything once (IdleSweep, 5 s): a sweep
# walks the whole heap, and falling in one count or another, it moved the figures by a tenth.
SETTLE_S = 1.0
IDLE_S = 2.0
STARTUP_TIMEOUT_S = 300.0  # Python starts about fifty times slower under valgrind
DUMP_TIMEOUT_S = 60.0
TOTALS = re.compile(r"^totals: (\d+)$", re.M)  # the last line of a dump: it is written whole


@attrs.frozen
class Counted:
    """One request's cost on the emulator and on the bare app."""

    scenario: bench_http.Scenario
    emulator: float
    bare: float

    @property
    def ratio(self) -> float:
        return self.bare / self.emulator


class CountedServer:
    """A server under callgrind whose instruction count is read, and reset, by dumping it."""

    def __init__(self, command: list[str], workdir: Path, name: str) -> None:
        self.out = workdir / f"callgrind.{name}"
        ready = workdir / f"{name}.url"
        self.process = subprocess.Popen(["valgrind", "--tool=callgrind", f"--callgrind-out-file={self.out}",
                                         *command], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self.dumps = 0
        self.base = bench_http.wait_ready(ready, self.process, STARTUP_TIMEOUT_S)

    def count(self) -> tuple[int, float]:
        """Instructions since the last count, and when they were read (callgrind zeroes its counters on a dump)."""
        self.dumps += 1
        subprocess.run(["callgrind_control", "--dump", str(self.process.pid)], check=True, capture_output=True)
        return read_dump(Path(f"{self.out}.{self.dumps}")), time.monotonic()

    def stop(self) -> None:
        bench_http.stop_process(self.process, 30)


def read_dump(path: Path) -> int:
    """The instruction total of one dump, once callgrind has written it whole."""
    deadline = time.monotonic() + DUMP_TIMEOUT_S
    while time.monotonic() < deadline:
        if path.exists():
            found = TOTALS.search(path.read_text(errors="replace"))
            if found:
                return int(found.group(1))
        time.sleep(0.05)
    raise RuntimeError(f"callgrind wrote no dump to {path}")


def check_gaps() -> None:
    if SETTLE_S + IDLE_S >= IdleSweep().idle_s - 1:
        raise SystemExit("bench: SETTLE_S + IDLE_S must stay a second short of IdleSweep.idle_s")


@attrs.frozen
class Load:
    """One load's count: instructions between two reads, the seconds between them, the requests wrk saw served."""

    instructions: int
    seconds: float
    requests: int


def cost_per_request(short: Load, long: Load, idle_rate: float) -> float:
    """What one more request costs: each load less the clock-driven work of its seconds, then the difference of
    the two, which cancels what any load costs once, over the difference of their requests."""
    if long.requests <= short.requests:
        raise RuntimeError("the longer load served no more requests than the shorter one")
    short_work = short.instructions - idle_rate * short.seconds
    long_work = long.instructions - idle_rate * long.seconds
    return (long_work - short_work) / (long.requests - short.requests)


def per_request(server: CountedServer, wrk: str, scenario: bench_http.Scenario, workdir: Path,
                loads_s: tuple[float, float]) -> float:
    """Instructions per request on this server, after a warm-up and a reading of its idle rate."""
    bench_http.run_wrk(wrk, scenario, server.base, workdir, 1)
    time.sleep(SETTLE_S)
    _, idle_from = server.count()
    time.sleep(IDLE_S)
    idle, idle_to = server.count()
    short, long = (load(server, wrk, scenario, workdir, seconds) for seconds in loads_s)
    return cost_per_request(short, long, idle / (idle_to - idle_from))


def load(server: CountedServer, wrk: str, scenario: bench_http.Scenario, workdir: Path, seconds: float) -> Load:
    started = time.monotonic()
    result = bench_http.run_wrk(wrk, scenario, server.base, workdir, seconds)
    time.sleep(SETTLE_S)
    instructions, read_at = server.count()
    failed = result.socket_errors + result.non2xx
    if failed:  # a request that timed out was served but not counted: the cost per request reads too high
        print(f"bench: {scenario.name} on {server.out.name}: {failed} of wrk's requests failed or timed out; "
              "the machine may be too busy for this count", file=sys.stderr, flush=True)
    return Load(instructions, read_at - started, result.requests)


def measure(loads_s: tuple[float, float] = LOADS_S) -> list[Counted]:
    wrk = bench_http.ensure_wrk()
    with tempfile.TemporaryDirectory(prefix="sms-bench-instructions-") as tmp:
        workdir = Path(tmp)
        emulator = CountedServer([sys.executable, "-m", "emulator.cli", "serve", "--port", "0", "--ready-file",
                                  str(workdir / "emulator.url")], workdir, "emulator")
        try:
            bare = CountedServer([sys.executable, "-m", "tests.bench.bench_bare", "--ready-file",
                                  str(workdir / "bare.url")], workdir, "bare")
            try:
                return [count_both(wrk, scenario, emulator, bare, workdir, loads_s)
                        for scenario in bench_http.scenarios(bench_http.ringcentral_token(emulator.base))]
            finally:
                bare.stop()
        finally:
            emulator.stop()


def count_both(wrk: str, scenario: bench_http.Scenario, emulator: CountedServer, bare: CountedServer,
               workdir: Path, loads_s: tuple[float, float]) -> Counted:
    """The emulator first, then the bare app primed with the emulator's latest answer to the same request."""
    emulator_cost = per_request(emulator, wrk, scenario, workdir, loads_s)
    status, body = bench_http.capture(scenario, emulator.base)
    bench_http.http("POST", bare.base + bench_bare.CANNED_PATH, json.dumps({scenario.path: [status, body]}).encode())
    return Counted(scenario, emulator_cost, per_request(bare, wrk, scenario, workdir, loads_s))


def table(counted: list[Counted]) -> list[str]:
    lines = ["| request | emulator instructions/request | bare instructions/request | ratio bare / emulator |",
             "|---|---:|---:|---:|"]
    lines += [f"| {c.scenario.name} | {c.emulator:,.0f} | {c.bare:,.0f} | {c.ratio:.2f} |" for c in counted]
    return lines


def ensure_valgrind() -> None:
    if not (shutil.which("valgrind") and shutil.which("callgrind_control")):
        sys.exit("bench: valgrind is required; install it with `sudo apt-get install valgrind` (Debian/Ubuntu)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="loads of 2 and 6 s, for a smoke test")
    args = parser.parse_args()
    ensure_valgrind()
    check_gaps()
    loads_s = (2, 6) if args.quick else LOADS_S
    print(f"Instructions per request under callgrind, wrk -c{bench_http.CONNECTIONS}, loads of "
          f"{loads_s[0]:g} and {loads_s[1]:g} s, the servers' idle rate taken off", flush=True)
    print("\n".join(["", *table(measure(loads_s))]), flush=True)


if __name__ == "__main__":
    main()
