"""A client that keeps a cache by FSync, then ISync after ISync, ends up with what a fresh FSync would give it."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from multidict import MultiDict

from emulator.control.inbound import inject
from emulator.core import carrier
from emulator.core.model import Availability, Mailbox
from emulator.core.rules import SmsRequest
from emulator.providers.ringcentral.handlers import discard, full_sync, incremental_sync
from emulator.providers.ringcentral.parse import full_sync_frame
from emulator.providers.ringcentral.rules import SMS_POLICY
from emulator.seed import build_seed
from emulator.tenants import Tenants

from ..frozen_seed import frozen_seed_data

ACCOUNT = "1346632010"
ALICE = "1346632010102"

operations = st.lists(st.one_of(
    st.tuples(st.just("inbound"), st.sampled_from(["+14155550100", "+14155550111"])),
    st.tuples(st.just("send"), st.sampled_from(["+14155550100", "+16505550103"])),
    st.tuples(st.just("read"), st.integers(0, 30), st.booleans()),
    st.tuples(st.just("delete"), st.integers(0, 30), st.booleans()),
    st.tuples(st.just("advance"), st.sampled_from([0, 0.5, 1, 2, 4.9, 5, 6, 30])),
    st.tuples(st.just("sync"),),
), max_size=40)


def cached_view(records: list) -> dict[int, tuple]:
    return {r.id: (r.read, r.status, r.availability) for r in records}


def apply(cache: dict[int, tuple], records: list) -> None:
    """What a client does with sync records: keep alive ones as they are now, drop deleted and purged ones."""
    for record in records:
        if record.availability is Availability.ALIVE:
            cache[record.id] = (record.read, record.status, record.availability)
        else:
            cache.pop(record.id, None)


@settings(max_examples=150, deadline=None)
@given(operations)
def test_full_then_incremental_syncs_keep_a_cache_equal_to_a_fresh_full_sync(steps):
    world = Tenants(build_seed(frozen_seed_data())).get("default")
    alice = world.directory.extensions[ALICE]
    inject(world, "+14155550100", "+16505550102", "before the first sync")
    records, frame = fresh_full_sync(world, alice)
    assert records
    cache = cached_view(records)
    for step in steps + [("sync",)]:
        kind = step[0]
        if kind == "inbound":
            inject(world, step[1], "+16505550102", "hi")
        elif kind == "send":
            carrier.send_sms(world, SmsRequest(ACCOUNT, "+16505550102", (step[1],), "out", ALICE), SMS_POLICY,
                             "ringcentral", None)
        elif kind in ("read", "delete"):
            mine = world.messages_in(Mailbox(ACCOUNT, ALICE))
            if mine:
                record = mine[step[1] % len(mine)]
                if kind == "read":
                    record.read = step[2]
                    world.touch(record)
                elif record.availability is not Availability.PURGED:
                    discard(world, record, purge=step[2])
        elif kind == "advance":
            world.clock.advance(step[1])
        else:
            now = world.now_ms()
            index = world.store.mailbox(Mailbox(ACCOUNT, ALICE))  # as each request looks it up
            records, _, frame = incremental_sync(world, alice, index, frame, MultiDict(), None, now)
            apply(cache, records)
    fresh, _ = fresh_full_sync(world, alice)
    assert cache == cached_view(fresh)


def fresh_full_sync(world, alice) -> tuple[list, object]:
    now = world.now_ms()
    index = world.store.mailbox(Mailbox(ACCOUNT, ALICE))
    records, _, frame = full_sync(world, alice, index, full_sync_frame(MultiDict(), ACCOUNT, ALICE, now), None, now)
    return records, frame
