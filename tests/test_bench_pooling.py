"""`make bench` pools the latencies of its alternating turns into one distribution, exactly, shows how far
single turns' ratios spread, and gives the ratio of the two servers sharing one CPU."""

from __future__ import annotations

from tests.bench.bench_http import DONE_LUA, Pair, Scenario, WrkResult, combined, shared_ratio, turn_ratios, wrk_result
from tests.bench.bench_main import http_table, turn_spread


def turn(requests: int, latency_counts: dict[int, int]) -> WrkResult:
    return WrkResult(requests, 1_000_000, 0, 0, tuple(sorted(latency_counts.items())))


def test_a_slow_tail_in_one_turn_moves_the_pooled_p99_only_by_its_share_of_all_requests() -> None:
    fast = turn(1000, {5000: 1000})
    slow = turn(1000, {5000: 988, 9000: 12})
    assert slow.p99_us == 9000  # 1.2% of this turn
    pooled = combined([fast, slow])
    assert pooled.requests == 2000 and pooled.rps == 1000
    assert pooled.p50_us == 5000
    assert pooled.p99_us == 5000  # 0.6% of all requests


def test_a_tail_over_one_percent_of_all_requests_sets_the_pooled_p99() -> None:
    pooled = combined([turn(1000, {5000: 1000}), turn(1000, {5000: 975, 9000: 25})])
    assert pooled.p99_us == 9000


def test_pooled_turns_read_as_one_turn_holding_all_their_requests() -> None:
    first = turn(6, {100: 1, 200: 2, 400: 3})
    second = turn(4, {200: 1, 300: 2, 900: 1})
    whole = turn(10, {100: 1, 200: 3, 300: 2, 400: 3, 900: 1})
    pooled = combined([first, second])
    assert pooled.latency_counts == whole.latency_counts
    assert [pooled.percentile_us(p) for p in (10, 50, 90, 99)] == [whole.percentile_us(p) for p in (10, 50, 90, 99)]


def test_a_percentile_is_read_at_wrks_own_rank() -> None:
    hundred = turn(100, {latency: 1 for latency in range(1, 101)})
    assert hundred.percentile_us(50) == 51  # wrk's rank: round(p / 100 * count + 0.5)
    assert hundred.percentile_us(99) == 100
    assert hundred.percentile_us(100) == 100


def test_the_histogram_wrk_writes_is_read_back_from_its_output() -> None:
    assert "latency(i)" in DONE_LUA and '"latency_counts":[%s]' in DONE_LUA
    output = ("Running 1s test @ http://127.0.0.1:8080/\n"
              'WRKJSON {"requests":3,"duration_us":1000000,"non2xx":0,"socket_errors":0,'
              '"latency_counts":[[250,2],[400,1]]}\n')
    result = wrk_result(output)
    assert result.latency_counts == ((250, 2), (400, 1))
    assert result.p50_us == 250 and result.p99_us == 400


def test_each_pair_of_turns_gives_its_own_ratio_and_the_table_shows_their_range() -> None:
    steady, dip = turn(800, {5000: 800}), turn(400, {9000: 400})
    ratios = turn_ratios([steady, dip, steady], [turn(1000, {4000: 1000})] * 3)
    assert ratios == (0.8, 0.4, 0.8)
    assert turn_spread(ratios) == "0.40-0.80"
    assert turn_spread(()) == "-"


def test_the_ratio_sharing_a_cpu_compares_the_two_servers_rates_over_the_same_seconds() -> None:
    assert shared_ratio(turn(3000, {8000: 3000}), turn(4000, {6000: 4000})) == 0.75
    assert shared_ratio(turn(3000, {8000: 3000}), turn(0, {})) == 0.0


def test_the_send_rows_mark_each_targeted_figure_and_other_rows_carry_no_verdict() -> None:
    send = Scenario("Phone.com POST sms", "POST", "/v4/accounts/1/sms")
    page = Scenario("RingCentral GET message-store (20/page)", "GET", "/message-store")
    quick, slow = turn(800, {5000: 800}), turn(700, {12000: 700})
    bare = turn(1000, {4000: 1000})
    rows = http_table([Pair(send, slow, bare, 90, (0.7,), 0.8), Pair(page, quick, bare, 900, (0.8,), 0.7)], 1)
    send_row, page_row = rows[-2], rows[-1]
    assert "| 0.70 MISSED | 0.70-0.70 | 0.80 ok |" in send_row and "| 12.0 MISSED |" in send_row
    assert "MISSED" not in page_row and " ok" not in page_row
