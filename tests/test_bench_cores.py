"""`make bench` keeps the servers and wrk off each other's CPU when it can, and says how much CPU the host took."""

from __future__ import annotations

from tests.bench.bench_http import split_cores
from tests.bench.bench_main import stolen_note


def test_on_two_cpus_the_servers_get_the_first_and_wrk_runs_one_thread_on_the_second() -> None:
    cores = split_cores({0, 1})
    assert cores.pinned
    assert cores.server == {0} and cores.load == {1}
    assert cores.wrk_threads == 1
    assert cores.describe() == "each server pinned to CPU 0, wrk -t1 to CPU 1"


def test_on_many_cpus_wrk_takes_the_rest_with_at_most_two_threads() -> None:
    cores = split_cores({7, 3, 5, 4})
    assert cores.server == {3} and cores.load == {4, 5, 7}
    assert cores.wrk_threads == 2


def test_on_one_cpu_nothing_is_pinned_and_wrk_keeps_two_threads() -> None:
    cores = split_cores({2})
    assert not cores.pinned
    assert cores.server == cores.load == {2}
    assert cores.wrk_threads == 2
    assert cores.describe() == "wrk -t2, nothing pinned"


def test_where_processes_cannot_be_pinned_nothing_is() -> None:
    cores = split_cores(set())
    assert not cores.pinned
    assert cores.wrk_threads == 2


def test_the_bench_reports_the_share_of_cpu_time_other_guests_stole() -> None:
    assert stolen_note((10_000, 100), (20_000, 600)) == ("CPU time stolen by other guests of the host during "
                                                          "these runs: 5.0%")
    assert stolen_note(None, (20_000, 600)) == ""
