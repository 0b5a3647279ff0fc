"""Scheduled status changes: whatever order they are queued in, each applies once its moment has come."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from emulator.core.clock import Clock
from emulator.core.directory import Directory
from emulator.core.model import STATUS_RANK, Mailbox, Status
from emulator.core.world import Transition, World

from .test_store import message

START_MS = 1_700_000_000_000
CHANGES = st.tuples(st.integers(0, 4), st.integers(0, 5000), st.sampled_from([Status.SENT, Status.DELIVERED,
                                                                              Status.DELIVERY_FAILED]))


def expected_status(changes: list[Transition], message_id: int, now: int) -> Status:
    """The highest-ranked status due by now; of two equal ranks, the earlier due, as statuses only move up."""
    status = Status.QUEUED
    for change in sorted((c for c in changes if c.message_id == message_id and c.due_ms <= now),
                         key=lambda c: c.due_ms):
        if STATUS_RANK[change.status] > STATUS_RANK[status]:
            status = change.status
    return status


@settings(deadline=None)
@given(changes=st.lists(CHANGES, max_size=30, unique_by=lambda change: change[:2]), reads=st.lists(st.integers(0, 6000), min_size=1, max_size=8))
def test_each_scheduled_status_applies_once_due_whatever_order_it_was_queued_in(changes, reads) -> None:
    clock = Clock(frozen_at_ms=START_MS)
    world = World(Directory(), clock)
    for number in range(5):
        stored = message(number, Mailbox("1", "101"), START_MS)
        stored.status = Status.QUEUED
        world.add_message(stored)
    transitions = [Transition(START_MS + delay, number, status) for number, delay, status in changes]
    world.schedule(transitions)
    for moment in sorted(reads):
        clock.frozen_at_ms = START_MS + moment
        now = world.now_ms()
        for number in range(5):
            assert world.store.get(number).status is expected_status(transitions, number, now)
    assert world.pending == sum(1 for t in transitions if t.due_ms > START_MS + max(reads))
