"""Messages with the indexes that keep lookups and pages independent of the store's size."""

from __future__ import annotations

import sys
from bisect import bisect_left, bisect_right
from collections import Counter
from operator import attrgetter
from typing import Callable, Iterator

from .model import Availability, Kind, Mailbox, Media, Message

UNLIMITED = sys.maxsize  # a limit no count reaches, an int so comparing with it stays on the fast path
# Forgotten copies stay at the front of a list, before its head, until they are at least COMPACT_AFTER and an eighth
# of it: then one slice deletion lets go of them all. Forgetting the oldest thus need not read the copy itself (its
# memory, long unused, is the slowest a send would otherwise reach), and a store keeps at most an eighth more.
COMPACT_AFTER = 4096
COMPACT_SHARE = 8
FORGET_BATCH = 256  # copies past retention that wait to be forgotten together, unless something is read first
# Read on every add; Python 3.11 looks an enum member up on its class through a Python-level hook.
PAGER, ALIVE = Kind.PAGER, Availability.ALIVE
ID_OF, CREATED_OF = attrgetter("id"), attrgetter("created_ms")  # what lists of messages are bisected by


class MailboxIndex:
    """One mailbox's messages in creation order, bisected by their creation times.

    Retention forgets from the front by moving `head` (see COMPACT_AFTER), so dropping the oldest costs O(1).
    Messages that are pager texts or have left Alive are also kept in `unusual`, so a count over a
    window can be had from positions alone plus a look at those few.
    """

    __slots__ = ("mailbox", "entries", "head", "_unusual", "_unusual_times")

    def __init__(self, mailbox: Mailbox | None = None) -> None:
        self.mailbox = mailbox
        # Oldest first, from `head` on; the forgotten before it wait for compaction. MessageStore.add appends to it
        # itself, as every copy stored passes there.
        self.entries: list[Message] = []
        self.head = 0
        self._unusual: list[Message] = []
        self._unusual_times: list[int] = []

    def __len__(self) -> int:
        return len(self.entries) - self.head

    @property
    def messages(self) -> list[Message]:
        """The live messages, oldest first."""
        return self.entries[self.head:] if self.head else self.entries

    def note_unusual(self, message: Message) -> None:
        """Remember a message that a plain 'alive texts in a window' count would get wrong."""
        low = bisect_left(self._unusual_times, message.created_ms)
        high = bisect_right(self._unusual_times, message.created_ms, low)
        if any(self._unusual[position] is message for position in range(low, high)):
            return
        self._unusual.insert(high, message)
        self._unusual_times.insert(high, message.created_ms)

    def newest_first(self, date_from: int | None = None, date_to: int | None = None) -> Iterator[Message]:
        """Messages created in [date_from, date_to], newest first, touching only what is read."""
        low, high = self._bounds(date_from, date_to)
        entries = self.entries
        for position in range(high - 1, low - 1, -1):
            yield entries[position]

    def window_size(self, date_from: int | None, date_to: int | None) -> int:
        low, high = self._bounds(date_from, date_to)
        return max(0, high - low)

    def count(self, date_from: int, date_to: int, alive_counts: bool, accepts: Callable[[Message], bool]) -> int:
        """Messages in the window that `accepts`, in O(log n + unusual ones in the window).

        Every message not in `unusual` is an alive SMS; `alive_counts` says whether those are wanted,
        and `accepts` decides each unusual one.
        """
        total = self.window_size(date_from, date_to)
        low = bisect_left(self._unusual_times, date_from)
        high = bisect_right(self._unusual_times, date_to)
        plain = total - (high - low) if alive_counts else 0
        return plain + sum(1 for position in range(low, high) if accepts(self._unusual[position]))

    def _bounds(self, date_from: int | None, date_to: int | None) -> tuple[int, int]:
        low = self.head if date_from is None else bisect_left(self.entries, date_from, self.head, key=CREATED_OF)
        high = len(self.entries) if date_to is None else bisect_right(self.entries, date_to, self.head, key=CREATED_OF)
        return low, high

    def forget(self, message: Message) -> bool:
        """Drop this message, in O(1) amortised when it is the oldest (as retention drops it); True when none is
        left."""
        if self.head >= len(self.entries) or self.entries[self.head] is not message:
            return self._remove(message)
        return self.forget_oldest(1)

    def forget_oldest(self, count: int) -> bool:
        """Drop the `count` oldest messages; True when none is left."""
        entries, head = self.entries, self.head + count
        if self._unusual:
            for message in entries[self.head:head]:
                self._drop_unusual(message)
        if head >= COMPACT_AFTER and head * COMPACT_SHARE >= len(entries):
            del entries[:head]
            head = 0
        self.head = head
        return head == len(entries)

    def _remove(self, message: Message) -> bool:
        low = bisect_left(self.entries, message.created_ms, self.head, key=CREATED_OF)
        high = bisect_right(self.entries, message.created_ms, low, key=CREATED_OF)
        for position in range(low, high):
            if self.entries[position] is message:
                del self.entries[position]
                self._drop_unusual(message)
                break
        return self.head == len(self.entries)

    def _drop_unusual(self, message: Message) -> None:
        if not self._unusual or self._unusual_times[0] > message.created_ms:
            return
        low = bisect_left(self._unusual_times, message.created_ms)
        high = bisect_right(self._unusual_times, message.created_ms, low)
        for position in range(low, high):
            if self._unusual[position] is message:
                del self._unusual[position]
                del self._unusual_times[position]
                return


def limit(attribute: str) -> property:
    """A limit that reads None when there is none, kept as UNLIMITED so every add compares two integers and no more."""

    def read(store: "MessageStore") -> int | None:
        value = getattr(store, attribute)
        return None if value == UNLIMITED else value

    def write(store: "MessageStore", value: int | None) -> None:
        setattr(store, attribute, UNLIMITED if value is None else value)

    return property(read, write)


class MessageStore:
    """Every copy of every message of one tenant, indexed by id and by mailbox.

    Ids come from one ascending sequence, so the copies are kept in a list in id order and found by
    bisection: no dictionary to grow (a dictionary of 90,000 entries stops the server for 6 ms when it
    resizes) and 8 bytes a copy. With a `retention` limit the store keeps the newest copies only, so a
    long-running server keeps bounded memory: what is read always holds exactly the newest `retention`, and the
    copies beyond it are forgotten FORGET_BATCH at a time, or before the next read. MMS files are bounded by
    `media_retention`, in bytes, at once: a file every copy of one MMS shares counts once.
    """

    media_retention = limit("_most_media_bytes")  # bytes of MMS files

    def __init__(self, retention: int | None = None, media_retention: int | None = None) -> None:
        self._media_bytes = 0
        self._media_holders: dict[int, list] = {}  # a file's id -> [the file, the stored copies holding it]
        self._messages: list[Message] = []  # in id order, bisected by id; before _head, forgotten (see COMPACT_AFTER)
        self._homes: list[MailboxIndex] = []  # each copy's mailbox index, so forgetting one need not read it
        self._head = 0
        self._last_id = -1  # the highest id ever added: a larger one is appended, in the usual case
        self._in_order = True  # every copy was added with the highest id yet: each mailbox's oldest are the store's
        self._by_mailbox: dict[Mailbox, MailboxIndex] = {}
        self._most_copies = self._forget_at = UNLIMITED
        self.retention = retention
        self.media_retention = media_retention

    @property
    def retention(self) -> int | None:
        """Stored copies kept, the newest; None for no limit."""
        return None if self._most_copies == UNLIMITED else self._most_copies

    @retention.setter
    def retention(self, value: int | None) -> None:
        self.settle()
        self._most_copies = UNLIMITED if value is None else value
        self._forget_at = UNLIMITED if value is None else value + FORGET_BATCH

    @property
    def media_bytes(self) -> int:
        """Bytes of the MMS files the stored copies hold, each file once."""
        self.settle()
        return self._media_bytes

    def __len__(self) -> int:
        self.settle()
        return len(self._messages) - self._head

    def settle(self) -> None:
        """Forget the copies beyond retention still waiting for their batch: called before anything is read."""
        if len(self._messages) - self._head > self._most_copies:
            self._forget_beyond_retention()

    def add(self, message: Message) -> None:
        """Store a copy; every copy passes here, so its mailbox index's append is written out in it."""
        messages = self._messages
        if message.id > self._last_id:
            self._last_id = message.id
            position = None
        else:  # an id from outside the sequence, or a message added again
            position = self._insert_position(message)
        index = self._by_mailbox.get(message.mailbox)
        if index is None:
            index = self._by_mailbox[message.mailbox] = MailboxIndex(message.mailbox)
        else:
            message.mailbox = index.mailbox  # one shared Mailbox per mailbox, not one per copy
        if position is None:
            messages.append(message)
            self._homes.append(index)
        else:
            messages.insert(position, message)
            self._homes.insert(position, index)
        index.entries.append(message)
        if message.kind is PAGER or message.availability is not ALIVE:
            index.note_unusual(message)
        if message.media:
            self._hold_media(message)
        if len(messages) - self._head > self._forget_at or self._media_bytes > self._most_media_bytes:
            self._forget_beyond_retention()

    def _hold_media(self, message: Message) -> None:
        for media in message.media:
            held = self._media_holders.get(media.id)
            if held is None:
                self._media_holders[media.id] = [media, 1]
                self._media_bytes += media.size
            else:
                held[1] += 1

    def release_media(self, message: Message) -> None:
        """The copy no longer keeps its files (purged); a file nobody holds stops counting."""
        self.settle()
        self._release_media(message)

    def _release_media(self, message: Message) -> None:
        for media in message.media:
            held = self._media_holders.get(media.id)
            if held is None:
                continue
            held[1] -= 1
            if not held[1]:
                del self._media_holders[media.id]
                self._media_bytes -= media.size

    def media(self, media_id: int) -> Media | None:
        """A file some stored copy still holds, by its id."""
        self.settle()
        held = self._media_holders.get(media_id)
        return None if held is None else held[0]

    def _insert_position(self, message: Message) -> int:
        """Where a copy whose id is not the highest goes; a copy stored under its id before is forgotten first."""
        self._in_order = False
        self.settle()
        present = self._position(message.id)
        if present is not None:
            self.forget(self._messages[present])
        return bisect_left(self._messages, message.id, self._head, key=ID_OF)

    def _forget_beyond_retention(self) -> None:
        """The oldest copies (the lowest ids) go until the store is back within its limits."""
        excess = len(self._messages) - self._head - self._most_copies
        if excess > 0 and self._in_order:
            self._forget_oldest(excess)
        messages, homes, head = self._messages, self._homes, self._head
        while head < len(messages):
            if len(messages) - head <= self._most_copies and self._media_bytes <= self._most_media_bytes:
                break
            oldest, home = messages[head], homes[head]
            head += 1
            if home.forget(oldest):
                del self._by_mailbox[home.mailbox]
            if self._media_holders and oldest.media:
                self._release_media(oldest)
        self._move_head(head)

    def _forget_oldest(self, count: int) -> None:
        """Forget the `count` oldest copies at once: with ids in order, they are the oldest of their mailboxes too."""
        head, end = self._head, self._head + count
        if self._media_holders:
            for message in self._messages[head:end]:
                if message.media:
                    self._release_media(message)
        for home, dropped in Counter(self._homes[head:end]).items():
            if home.forget_oldest(dropped):
                del self._by_mailbox[home.mailbox]
        self._move_head(end)

    def _move_head(self, head: int) -> None:
        """The copies before `head` are forgotten; let go of them once there are enough (see COMPACT_AFTER)."""
        if head >= COMPACT_AFTER and head * COMPACT_SHARE >= len(self._messages):
            del self._messages[:head]
            del self._homes[:head]
            head = 0
        self._head = head

    def _position(self, message_id: int) -> int | None:
        messages = self._messages
        position = bisect_left(messages, message_id, self._head, key=ID_OF)
        if position < len(messages) and messages[position].id == message_id:
            return position
        return None

    def changed(self, message: Message) -> None:
        """A client changed a message (its availability, say); keep the window counts exact."""
        self.settle()
        if message.availability is not Availability.ALIVE:
            index = self._by_mailbox.get(message.mailbox)
            if index is not None and self.get(message.id) is message:
                index.note_unusual(message)

    def forget(self, message: Message) -> None:
        """Remove a message entirely, as retention does with the oldest."""
        self.settle()
        position = self._position(message.id)
        if position is None or self._messages[position] is not message:
            return
        home = self._homes[position]
        if home.forget(message):
            del self._by_mailbox[home.mailbox]
        if message.media:
            self._release_media(message)
        if position == self._head:
            self._move_head(position + 1)
        else:
            del self._messages[position]
            del self._homes[position]

    def get(self, message_id: int) -> Message | None:
        self.settle()
        position = self._position(message_id)
        return None if position is None else self._messages[position]

    def mailbox(self, mailbox: Mailbox) -> MailboxIndex:
        self.settle()
        return self._by_mailbox.get(mailbox) or MailboxIndex(mailbox)

    def mailboxes(self) -> list[Mailbox]:
        self.settle()
        return list(self._by_mailbox)

    def newest_first(self) -> Iterator[Message]:
        """Every message of the tenant, newest first."""
        self.settle()
        return self._newest_first()

    def _newest_first(self) -> Iterator[Message]:
        messages = self._messages
        for position in range(len(messages) - 1, self._head - 1, -1):
            yield messages[position]

    def clear(self) -> None:
        self._messages.clear()
        self._homes.clear()
        self._last_id = -1
        self._head = 0
        self._in_order = True
        self._by_mailbox.clear()
        self._media_holders.clear()
        self._media_bytes = 0
