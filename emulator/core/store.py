"""Messages with the indexes that keep lookups and pages independent of the store's size."""

from __future__ import annotations

import sys
from bisect import bisect_left, bisect_right
from operator import attrgetter
from typing import Callable, Iterator

from .model import Availability, Kind, Mailbox, Media, Message

UNLIMITED = sys.maxsize  # a limit no count reaches, an int so comparing with it stays on the fast path
COMPACT_AFTER = 4096  # forgotten slots at the front of a mailbox before its lists are compacted
# Read on every add; Python 3.11 looks an enum member up on its class through a Python-level hook.
PAGER, ALIVE = Kind.PAGER, Availability.ALIVE
ID_OF, CREATED_OF = attrgetter("id"), attrgetter("created_ms")  # what lists of messages are bisected by


class MailboxIndex:
    """One mailbox's messages in creation order, bisected by their creation times.

    Retention forgets from the front by moving `head`, so dropping the oldest costs O(1) amortised.
    Messages that are pager texts or have left Alive are also kept in `unusual`, so a count over a
    window can be had from positions alone plus a look at those few.
    """

    __slots__ = ("mailbox", "entries", "head", "_unusual", "_unusual_times")

    def __init__(self, mailbox: Mailbox | None = None) -> None:
        self.mailbox = mailbox
        # Oldest first, from `head` on; the forgotten before it are None. MessageStore.add appends to it itself, as
        # every copy stored passes there.
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
        entries, head = self.entries, self.head
        if head >= len(entries) or entries[head] is not message:
            return self._remove(message)
        entries[head] = None  # type: ignore[call-overload]  # let it be collected now
        head += 1
        if self._unusual and self._unusual_times[0] <= message.created_ms:
            self._drop_unusual(message)
        if head * 2 >= len(entries) and head >= COMPACT_AFTER:  # the test that usually fails first
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
    resizes) and 8 bytes a copy. With a `retention` limit, adding a message beyond it forgets the tenant's
    oldest copy, in O(1) amortised, so a long-running server keeps bounded memory. MMS files are bounded
    the same way by `media_retention`, in bytes: a file every copy of one MMS shares counts once.
    """

    retention = limit("_most_copies")  # stored copies
    media_retention = limit("_most_media_bytes")  # bytes of MMS files

    def __init__(self, retention: int | None = None, media_retention: int | None = None) -> None:
        self.retention = retention
        self.media_retention = media_retention
        self.media_bytes = 0
        self._media_holders: dict[int, list] = {}  # a file's id -> [the file, the stored copies holding it]
        self._messages: list[Message | None] = []  # in id order, bisected by id; forgotten ones before _head are None
        self._head = 0
        self._last_id = -1  # the highest id ever added: a larger one is appended, in the usual case
        self._by_mailbox: dict[Mailbox, MailboxIndex] = {}

    def __len__(self) -> int:
        return len(self._messages) - self._head

    def add(self, message: Message) -> None:
        """Store a copy, and forget the oldest beyond retention; every copy passes here, so its mailbox index's
        append is written out in it."""
        messages = self._messages
        if message.id > self._last_id:
            self._last_id = message.id
            messages.append(message)
        else:  # an id from outside the sequence, or a message added again
            self._insert(message)
        index = self._by_mailbox.get(message.mailbox)
        if index is None:
            index = self._by_mailbox[message.mailbox] = MailboxIndex(message.mailbox)
        else:
            message.mailbox = index.mailbox  # one shared Mailbox per mailbox, not one per copy
        index.entries.append(message)
        if message.kind is PAGER or message.availability is not ALIVE:
            index.note_unusual(message)
        if message.media:
            self._hold_media(message)
        if len(messages) - self._head > self._most_copies or self.media_bytes > self._most_media_bytes:
            self._forget_beyond_retention()

    def _hold_media(self, message: Message) -> None:
        for media in message.media:
            held = self._media_holders.get(media.id)
            if held is None:
                self._media_holders[media.id] = [media, 1]
                self.media_bytes += media.size
            else:
                held[1] += 1

    def release_media(self, message: Message) -> None:
        """The copy no longer keeps its files (forgotten, or purged); a file nobody holds stops counting."""
        for media in message.media:
            held = self._media_holders.get(media.id)
            if held is None:
                continue
            held[1] -= 1
            if not held[1]:
                del self._media_holders[media.id]
                self.media_bytes -= media.size

    def media(self, media_id: int) -> Media | None:
        """A file some stored copy still holds, by its id."""
        held = self._media_holders.get(media_id)
        return None if held is None else held[0]

    def _insert(self, message: Message) -> None:
        present = self._position(message.id)
        if present is not None:
            self.forget(self._messages[present])  # type: ignore[arg-type]
        self._messages.insert(bisect_left(self._messages, message.id, self._head, key=ID_OF), message)

    def _forget_beyond_retention(self) -> None:
        """The oldest copies (the lowest ids) go until the store is back within its limits; called once past them,
        so each copy forgotten checks the limits once."""
        messages, by_mailbox, head = self._messages, self._by_mailbox, self._head
        while head < len(messages):
            oldest = messages[head]
            messages[head] = None  # let it be collected now
            head += 1
            if by_mailbox[oldest.mailbox].forget(oldest):
                del by_mailbox[oldest.mailbox]
            if oldest.media:
                self.release_media(oldest)
            if len(messages) - head <= self._most_copies and self.media_bytes <= self._most_media_bytes:
                break
        if head * 2 >= len(messages) and head >= COMPACT_AFTER:  # the test that usually fails first
            del messages[:head]
            head = 0
        self._head = head

    def _position(self, message_id: int) -> int | None:
        messages = self._messages
        position = bisect_left(messages, message_id, self._head, key=ID_OF)
        if position < len(messages) and messages[position].id == message_id:  # type: ignore[union-attr]
            return position
        return None

    def changed(self, message: Message) -> None:
        """A client changed a message (its availability, say); keep the window counts exact."""
        if message.availability is not Availability.ALIVE:
            index = self._by_mailbox.get(message.mailbox)
            if index is not None and self.get(message.id) is message:
                index.note_unusual(message)

    def forget(self, message: Message) -> None:
        """Remove a message entirely, as retention does with the oldest."""
        position = self._position(message.id)
        if position is None or self._messages[position] is not message:
            return
        index = self._by_mailbox.get(message.mailbox)
        if index is not None and index.forget(message):
            del self._by_mailbox[message.mailbox]
        if message.media:
            self.release_media(message)
        if position == self._head:
            self._messages[position] = None
            self._head += 1
        else:
            del self._messages[position]

    def get(self, message_id: int) -> Message | None:
        position = self._position(message_id)
        return None if position is None else self._messages[position]

    def mailbox(self, mailbox: Mailbox) -> MailboxIndex:
        return self._by_mailbox.get(mailbox) or MailboxIndex(mailbox)

    def mailboxes(self) -> list[Mailbox]:
        return list(self._by_mailbox)

    def newest_first(self) -> Iterator[Message]:
        """Every message of the tenant, newest first."""
        messages = self._messages
        for position in range(len(messages) - 1, self._head - 1, -1):
            yield messages[position]  # type: ignore[misc]

    def clear(self) -> None:
        self._messages.clear()
        self._last_id = -1
        self._head = 0
        self._by_mailbox.clear()
        self._media_holders.clear()
        self.media_bytes = 0
