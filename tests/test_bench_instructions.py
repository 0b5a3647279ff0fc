"""The arithmetic of `make bench-instructions`, which turns callgrind's counts into a cost per request."""

import pytest

from tests.bench import bench_instructions
from tests.bench.bench_instructions import Load, check_gaps, cost_per_request, read_dump


def counted(requests: int, seconds: float, per_request: int = 300_000, once: int = 5_000_000,
            per_second: int = 2_000_000) -> Load:
    """A server's count over one load: a fixed cost, a cost per request and clock-driven work."""
    return Load(once + per_request * requests + per_second * seconds, seconds, requests)


def test_cost_per_request_leaves_out_what_a_load_costs_once_and_the_clock_driven_work():
    short, long = counted(1_000, 9.5), counted(3_100, 27.0)
    assert cost_per_request(short, long, idle_rate=2_000_000) == pytest.approx(300_000)


def test_cost_per_request_refuses_loads_that_served_nothing_more():
    with pytest.raises(RuntimeError, match="no more requests"):
        cost_per_request(counted(1_000, 9.5), counted(1_000, 27.0), idle_rate=0)


def test_a_dump_is_read_once_callgrind_has_written_its_totals(tmp_path):
    dump = tmp_path / "callgrind.emulator.1"
    dump.write_text("events: Ir\nsummary: 123456\n\nfn=main\n1 123456\n\ntotals: 123456\n")
    assert read_dump(dump) == 123456


def test_the_bench_refuses_pauses_long_enough_for_the_servers_idle_sweep(monkeypatch):
    check_gaps()  # the bench's own pauses are short enough
    monkeypatch.setattr(bench_instructions, "IDLE_S", 10.0)
    with pytest.raises(SystemExit, match="IdleSweep"):
        check_gaps()
