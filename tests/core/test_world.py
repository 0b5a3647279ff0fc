"""Outbound SMS move from Queued to Sent to their final status on the tenant's timing, whenever they are read."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from emulator.core.clock import Clock
from emulator.core.directory import Directory
from emulator.core.model import Mailbox, Status
from emulator.core.world import DeliveryTiming, World

from .test_store import message

START_MS = 1_700_000_000_000
FINALS = st.sampled_from([Status.DELIVERED, Status.DELIVERY_FAILED, None])


def expected(created: int, final: Status | None, timing: DeliveryTiming, now: int) -> tuple[Status, int]:
    """The status and modification time a message created at `created` has at `now`."""
    sent_at, final_at = created + timing.sent_after_ms, created + timing.delivered_after_ms
    if final is not None and now >= final_at:
        return final, max(created, final_at)
    if now >= sent_at and (final is None or sent_at <= final_at):
        return Status.SENT, max(created, sent_at)
    return Status.QUEUED, created


@settings(deadline=None)
@given(sends=st.lists(st.tuples(st.integers(0, 1500), FINALS), max_size=20),
       reads=st.lists(st.integers(0, 6000), min_size=1, max_size=8),
       sent_after=st.integers(0, 3000), delivered_after=st.integers(0, 3000))
def test_each_sms_shows_the_status_its_age_gives_it_whenever_it_is_read(sends, reads, sent_after, delivered_after):
    clock = Clock(frozen_at_ms=START_MS)
    timing = DeliveryTiming(sent_after / 1000, delivered_after / 1000)
    world = World(Directory(), clock, timing)
    created = []
    for number, (pause, final) in enumerate(sends):
        clock.frozen_at_ms += pause
        stored = world.add_message(message(number, Mailbox("1", "101"), world.now_ms()))
        stored.status = Status.QUEUED
        world.dispatch(stored, final, "SMS-CAR-411" if final is Status.DELIVERY_FAILED else None)
        created.append((stored, final))
    for moment in sorted(reads):
        clock.frozen_at_ms = max(clock.frozen_at_ms, START_MS + moment)
        now = world.now_ms()
        for index, (stored, final) in enumerate(created):
            read_together = stored.status_and_modified() if index % 2 else None  # every other, first: as answers read
            assert (stored.status, stored.modified_ms) == expected(stored.created_ms, final, timing, now)
            assert read_together in (None, (stored.status, stored.modified_ms))
            assert (stored.delivered_ms is not None) == (stored.status is Status.DELIVERED)
            assert (stored.error_code is not None) == (stored.status is Status.DELIVERY_FAILED)


def test_new_timing_holds_for_sms_sent_after_it_and_those_on_their_way_keep_theirs():
    clock = Clock(frozen_at_ms=START_MS)
    world = World(Directory(), clock, DeliveryTiming(1.0, 2.0))

    def send(number: int):
        stored = world.add_message(message(number, Mailbox("1", "101"), world.now_ms()))
        stored.status = Status.QUEUED
        world.dispatch(stored, Status.DELIVERED)
        return stored

    early = send(1)
    world.timing = DeliveryTiming(5.0, 10.0)
    late = send(2)
    clock.frozen_at_ms += 3000
    world.now_ms()
    assert (early.status, late.status) == (Status.DELIVERED, Status.QUEUED)
