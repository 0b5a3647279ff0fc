"""The message store's indexes: window counts agree with reading every record, retention forgets the oldest."""

from __future__ import annotations

import random
from unittest.mock import patch

from hypothesis import given
from hypothesis import strategies as st

from emulator.core.model import Availability, Direction, Kind, Mailbox, Media, Message, Party, Status
from emulator.core.store import MessageStore

BOXES = [Mailbox("1", "101"), Mailbox("1", "102"), Mailbox(None, None, "+14155550100")]


def message(number: int, mailbox: Mailbox, created_ms: int, kind: Kind = Kind.SMS) -> Message:
    return Message(id=number, mailbox=mailbox, kind=kind, direction=Direction.OUTBOUND, sender=Party("+1"),
                   recipients=(Party("+2"),), text="t", status=Status.SENT, created_ms=created_ms,
                   modified_ms=created_ms, conversation_id=1)


def filled(rng: random.Random, count: int, retention: int | None = None) -> MessageStore:
    store = MessageStore(retention)
    created = 0
    for number in range(1, count + 1):
        created += rng.choice((0, 1, 5))
        kind = Kind.PAGER if rng.random() < 0.1 else Kind.SMS
        store.add(message(number, Mailbox(*attrs_of(rng.choice(BOXES))), created, kind))
        if rng.random() < 0.1:
            victim = store.get(rng.randint(1, number))
            if victim is not None:
                victim.availability = rng.choice(list(Availability))
                store.changed(victim)
    return store


def attrs_of(mailbox: Mailbox) -> tuple:
    return mailbox.account_id, mailbox.extension_id, mailbox.handset


def test_window_counts_equal_a_full_read() -> None:
    rng = random.Random(7)
    for retention in (None, 50, 700):
        store = filled(rng, 3000, retention)
        for box in BOXES:
            index = store.mailbox(box)
            for _ in range(30):
                low, high = sorted(rng.randint(0, 7000) for _ in range(2))
                wanted = set(rng.sample([a.value for a in Availability], rng.randint(1, 3)))
                accepts = lambda m: m.availability.value in wanted and m.kind is Kind.SMS  # noqa: E731
                read = sum(1 for m in index.newest_first(low, high) if accepts(m))
                assert index.count(low, high, "Alive" in wanted, accepts) == read


def test_retention_keeps_the_newest_and_forgets_the_oldest() -> None:
    store = filled(random.Random(3), 10_000, retention=1000)
    assert len(store) == 1000
    assert [m.id for m in store.newest_first()] == list(range(10_000, 9000, -1))
    assert store.get(9000) is None and store.get(9001) is not None
    assert sum(len(store.mailbox(box)) for box in BOXES) == 1000
    assert all(m.id > 9000 for box in BOXES for m in store.mailbox(box).messages)


def test_a_retention_changed_on_a_running_store_applies_to_the_next_add_and_reads_back() -> None:
    store = filled(random.Random(4), 300)
    assert store.retention is None and len(store) == 300
    store.retention = 100
    store.add(message(10_000, BOXES[0], 10_000))
    assert store.retention == 100 and len(store) == 100
    store.retention = None
    for number in range(10_001, 10_401):
        store.add(message(number, BOXES[0], number))
    assert store.retention is None and len(store) == 500


def test_copies_share_one_mailbox_record() -> None:
    store = MessageStore()
    first, second = message(1, Mailbox("1", "101"), 1), message(2, Mailbox("1", "101"), 2)
    store.add(first)
    store.add(second)
    assert first.mailbox is second.mailbox


@given(st.lists(st.tuples(st.sampled_from(["add", "add", "add", "add-any", "forget"]), st.integers(1, 60)),
                max_size=80),
       st.sampled_from([None, 1, 5, 20]), st.sampled_from([0, 1, 3, 256]), st.booleans())
def test_lookups_order_and_retention_agree_with_a_plain_model(operations, retention, batch, read_every_step) -> None:
    """Ids usually ascend; one from outside the sequence, a repeat or a removal must not break the indexes.

    Creation times never go back (the tenant's clock does not), which the mailbox indexes rely on. Copies beyond
    retention are forgotten `batch` at a time, or at the next read; reads never see them either way.
    """
    with patch("emulator.core.store.FORGET_BATCH", batch):
        store, model = MessageStore(retention), {}
    next_id = 100
    for created_ms, (operation, number) in enumerate(operations):
        if operation == "forget":
            victim = model.get(number) or model.get(next(iter(model), None))
            if victim is not None:
                store.forget(victim)
                del model[victim.id]
            continue
        if operation == "add":
            next_id += number
        copy = message(next_id if operation == "add" else number, BOXES[number % 3], created_ms)
        store.add(copy)
        model[copy.id] = copy
        while retention is not None and len(model) > retention:
            del model[min(model)]
        assert not read_every_step or len(store) == len(model)
    assert len(store) == len(model)
    assert [m.id for m in store.newest_first()] == sorted(model, reverse=True)
    assert all(store.get(number) is model.get(number) for number in range(0, next_id + 2))
    by_mailbox = {box: sorted(m.id for m in model.values() if m.mailbox == box) for box in BOXES}
    assert {box: sorted(m.id for m in store.mailbox(box).messages) for box in BOXES} == by_mailbox


@given(st.lists(st.tuples(st.sampled_from(["mms", "mms", "sms", "copy", "forget", "purge"]), st.integers(0, 40)),
                max_size=60),
       st.sampled_from([None, 40, 100]), st.sampled_from([None, 2, 7]), st.sampled_from([0, 3, 256]))
def test_mms_files_count_once_however_many_copies_share_them_and_stay_within_their_retention(operations, limit,
                                                                                            retention, batch):
    """A file shared by an MMS's copies counts once; the oldest messages go when the files pass the limit, and
    a copy forgotten beyond the count's retention lets go of its files before anything is read."""
    with patch("emulator.core.store.FORGET_BATCH", batch):
        store, next_id, last = MessageStore(retention, media_retention=limit), 1, None
    for operation, size in operations:
        if operation in ("forget", "purge"):
            victim = next(iter(store.newest_first()), None)
            if victim is not None and operation == "forget":
                store.forget(victim)
            elif victim is not None and victim.media:
                store.release_media(victim)  # as the world does when a message is purged
                victim.media = ()
        else:
            copy = message(next_id, BOXES[next_id % 3], next_id)
            if operation == "mms":
                copy.media = (Media(10_000 + next_id, "image/png", None, bytes(size)),)
            elif operation == "copy" and last is not None:
                copy.media = last.media  # another mailbox's copy of the same MMS
            store.add(copy)
            last, next_id = copy, next_id + 1
        held = {m.id: m.size for stored in store.newest_first() for m in stored.media}
        assert store.media_bytes == sum(held.values())
        if limit is not None:
            assert store.media_bytes <= limit
