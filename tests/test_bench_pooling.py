"""`make bench` pools the latencies of its alternating turns: the pooled p99 never reads better than the turns'."""

from __future__ import annotations

from tests.bench.bench_http import PERCENTILES, WrkResult, combined


def turn(requests: int, latency_at: dict[float, int], otherwise: int) -> WrkResult:
    return WrkResult(requests, 1_000_000, 0, 0, tuple(latency_at.get(p, otherwise) for p in PERCENTILES))


def test_a_slow_tail_in_one_turn_of_two_sets_the_pooled_p99_only_as_far_as_its_share() -> None:
    fast = turn(1000, {}, 5000)
    slow = turn(1000, {99: 9000, 99.25: 9000, 99.5: 9000, 99.75: 9000, 99.9: 9000, 99.99: 9000}, 5000)
    pooled = combined([fast, slow])
    assert pooled.requests == 2000 and pooled.rps == 1000
    assert pooled.p50_us == 5000
    assert pooled.p99_us == 5000  # 1.25% of the slow turn took over 5 ms: 0.625% of all requests


def test_the_pooled_p99_is_never_below_every_turns_own() -> None:
    turns = [turn(500, {99: 8000, 99.25: 8000, 99.5: 8000, 99.75: 8000, 99.9: 8000, 99.99: 8000}, 6000)] * 3
    assert combined(turns).p99_us == 8000
