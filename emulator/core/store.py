"""Messages with the indexes that keep lookups and pages independent of the store's size."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import deque
from typing import Iterator

from .model import Mailbox, Message


class MailboxIndex:
    """One mailbox's messages in creation order, with a parallel list of creation times for bisecting."""

    __slots__ = ("messages", "times")

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.times: list[int] = []

    def append(self, message: Message) -> None:
        self.messages.append(message)
        self.times.append(message.created_ms)

    def newest_first(self, date_from: int | None = None, date_to: int | None = None) -> Iterator[Message]:
        """Messages created in [date_from, date_to], newest first, touching only that window."""
        low, high = self._bounds(date_from, date_to)
        for position in range(high - 1, low - 1, -1):
            yield self.messages[position]

    def window_size(self, date_from: int | None, date_to: int | None) -> int:
        low, high = self._bounds(date_from, date_to)
        return max(0, high - low)

    def _bounds(self, date_from: int | None, date_to: int | None) -> tuple[int, int]:
        low = 0 if date_from is None else bisect_left(self.times, date_from)
        high = len(self.times) if date_to is None else bisect_right(self.times, date_to)
        return low, high

    def remove(self, message: Message) -> None:
        low = bisect_left(self.times, message.created_ms)
        high = bisect_right(self.times, message.created_ms)
        for position in range(low, high):
            if self.messages[position] is message:
                del self.messages[position]
                del self.times[position]
                return


class MessageStore:
    """Every copy of every message of one tenant, indexed by id, by mailbox and by conversation."""

    def __init__(self, retention: int | None = None) -> None:
        self.retention = retention
        self._by_id: dict[int, Message] = {}
        self._by_mailbox: dict[Mailbox, MailboxIndex] = {}
        self._order: deque[Message] = deque()

    def __len__(self) -> int:
        return len(self._by_id)

    def add(self, message: Message) -> None:
        self._by_id[message.id] = message
        index = self._by_mailbox.get(message.mailbox)
        if index is None:
            index = self._by_mailbox[message.mailbox] = MailboxIndex()
        index.append(message)
        self._order.append(message)
        if self.retention is not None:
            while len(self._by_id) > self.retention:
                self.forget(self._order[0])

    def forget(self, message: Message) -> None:
        """Remove a message entirely, as retention does with the oldest."""
        if self._by_id.pop(message.id, None) is None:
            return
        index = self._by_mailbox.get(message.mailbox)
        if index is not None:
            index.remove(message)
        if self._order and self._order[0] is message:
            self._order.popleft()
        else:
            try:
                self._order.remove(message)
            except ValueError:
                pass

    def get(self, message_id: int) -> Message | None:
        return self._by_id.get(message_id)

    def mailbox(self, mailbox: Mailbox) -> MailboxIndex:
        return self._by_mailbox.get(mailbox) or MailboxIndex()

    def mailboxes(self) -> list[Mailbox]:
        return list(self._by_mailbox)

    def newest_first(self) -> Iterator[Message]:
        """Every message of the tenant, newest first."""
        return reversed(self._order)

    def clear(self) -> None:
        self._by_id.clear()
        self._by_mailbox.clear()
        self._order.clear()
