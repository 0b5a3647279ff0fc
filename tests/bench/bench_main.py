"""`make bench`: every figure of the performance table, measured in one run so the ratios hold.

    python -m tests.bench.bench_main [--quick]
"""

from __future__ import annotations

import argparse
import platform
import os

from . import bench_http, bench_scale, bench_startup

TARGET_RATIO = 0.75
TARGET_P99_MS = 10.0
TARGET_SCALE = 1.5
TARGET_BYTES = 700
TARGET_FIXTURE_MS = 2.0
TARGET_COLD_MS = 500.0


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def machine() -> str:
    model = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")),
                 platform.processor())
    return f"{os.cpu_count()} CPUs, {model}, Python {platform.python_version()}, load {os.getloadavg()[0]:.1f}"


def cpu_ticks() -> tuple[int, int] | None:
    """All CPU time and the part of it stolen by other guests of a virtual machine's host, in ticks (Linux)."""
    try:
        with open("/proc/stat") as stat:
            fields = [int(value) for value in stat.readline().split()[1:9]]
    except (OSError, ValueError):
        return None
    return sum(fields), fields[7] if len(fields) > 7 else 0


def stolen_note(before: tuple[int, int] | None, after: tuple[int, int] | None) -> str:
    """How much of the machine other guests took while the HTTP table was measured: its figures mean little
    when that is more than a few percent."""
    if before is None or after is None or after[0] <= before[0]:
        return ""
    share = (after[1] - before[1]) / (after[0] - before[0])
    return f"CPU time stolen by other guests of the host during these runs: {share:.1%}"


def http_table(pairs: list[bench_http.Pair], duration_s: float) -> list[str]:
    lines = [f"HTTP on loopback, wrk -c{bench_http.CONNECTIONS}, {bench_http.CORES.describe()}, "
             f"{duration_s:g} s each, emulator and bare aiohttp in {bench_http.turns_in(duration_s)} alternating "
             f"turns, latencies pooled over the turns; then {bench_http.shared_s(duration_s)} s of both at once, "
             "sharing the servers' CPU",
             "",
             "| request | bytes | emulator req/s | bare req/s | ratio | turn ratios | ratio sharing a CPU | p50 ms "
             "| p99 ms | bare p99 ms | non-2xx |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for pair in pairs:
        emulator, bare = pair.emulator, pair.bare
        p99_ms = emulator.p99_us / 1000
        is_send = "sms" in pair.scenario.name.lower() or "Send" in pair.scenario.name
        lines.append(f"| {pair.scenario.name} | {pair.response_bytes} | {emulator.rps:,.0f} | {bare.rps:,.0f} | "
                     f"{pair.ratio:.2f}{mark(is_send, pair.ratio >= TARGET_RATIO)} | {turn_spread(pair.turn_ratios)} | "
                     f"{pair.shared_ratio:.2f}{mark(is_send, pair.shared_ratio >= TARGET_RATIO)} | "
                     f"{emulator.p50_us / 1000:.1f} | {p99_ms:.1f}{mark(is_send, p99_ms < TARGET_P99_MS)} | "
                     f"{bare.p99_us / 1000:.1f} | {emulator.non2xx + emulator.socket_errors} |")
    return lines


def mark(targeted: bool, ok: bool) -> str:
    """The verdict after a figure the targets cover (the sends'), nothing after the others."""
    return f" {verdict(ok)}" if targeted else ""


def turn_spread(ratios: tuple[float, ...]) -> str:
    """The lowest and highest ratio of single turns: far apart, the host was unsteady and the ratio is rough."""
    return f"{min(ratios):.2f}-{max(ratios):.2f}" if ratios else "-"


def scale_table(levels: list[bench_scale.Level]) -> list[str]:
    lines = ["", f"Scale (in-process server, one tenant per size filled through the core; median of "
             f"{bench_scale.SAMPLES} requests over loopback, in {bench_scale.ROUNDS} rounds across the sizes)", "",
             "| stored messages | list page ms | send ms | RSS bytes/message |", "|---:|---:|---:|---:|"]
    for level in levels:
        lines.append(f"| {level.stored:,} | {level.list_ms:.2f} | {level.send_ms:.2f} | {level.bytes_per_message:.0f} |")
    first, last = levels[0], levels[-1]
    list_growth, send_growth = last.list_ms / first.list_ms, last.send_ms / first.send_ms
    lines.append(f"| growth {first.stored:,} -> {last.stored:,} | x{list_growth:.2f} "
                 f"{verdict(list_growth <= TARGET_SCALE)} | x{send_growth:.2f} {verdict(send_growth <= TARGET_SCALE)} | "
                 f"{verdict(max(l.bytes_per_message for l in levels[1:] or levels) <= TARGET_BYTES)} |")
    return lines


def startup_table(fixture_ms: float, cold_ms: float) -> list[str]:
    return ["", "| start-up | ms | target |", "|---|---:|---|",
            f"| sms_emulator fixture per test (new tenant + teardown) | {fixture_ms:.2f} | "
            f"< {TARGET_FIXTURE_MS:g} {verdict(fixture_ms < TARGET_FIXTURE_MS)} |",
            f"| cold start of sms-emulator serve to first 200 on /_emulator/health | {cold_ms:.0f} | "
            f"< {TARGET_COLD_MS:g} {verdict(cold_ms < TARGET_COLD_MS)} |"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="2 s runs and up to 100,000 messages, for a smoke test")
    args = parser.parse_args()
    if args.quick:
        bench_scale.LEVELS = bench_scale.LEVELS[:2]
        bench_scale.SAMPLES = 50
    print(f"sms-emulator benchmark on {machine()}", flush=True)
    duration_s = 2 if args.quick else bench_http.DURATION_S
    levels = bench_scale.measure()  # first, while this process has freed no memory a store could reuse unseen
    before = cpu_ticks()
    pairs = bench_http.measure(duration_s)
    note = stolen_note(before, cpu_ticks())
    print("\n".join(http_table(pairs, duration_s) + (["", note] if note else [])), flush=True)
    print("\n".join(scale_table(levels)), flush=True)
    print("\n".join(startup_table(bench_startup.fixture_cost_ms(), bench_startup.cold_start_ms())), flush=True)


if __name__ == "__main__":
    main()
