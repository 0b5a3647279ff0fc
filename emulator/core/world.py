"""One tenant's world: the directory, the message store, the clock and the pending status changes."""

from __future__ import annotations

import heapq
import math
from collections import deque
from operator import attrgetter
from typing import Any, Callable, Iterable, NamedTuple

import attrs

from .clock import Clock
from .directory import Directory
from .ids import IdSequence
from .model import (
    STATUS_RANK,
    Account,
    Extension,
    ExtensionStatus,
    Mailbox,
    Message,
    Party,
    PhoneNumber,
    Status,
    Thread,
)
from .store import MessageStore

FIRST_MESSAGE_ID = 1_000_000_000_001


@attrs.frozen
class DeliveryTiming:
    """Seconds after sending at which an outbound SMS becomes Sent, then Delivered."""

    sent_after: float = 1.0
    delivered_after: float = 2.0
    sent_after_ms: int = attrs.field(init=False)
    delivered_after_ms: int = attrs.field(init=False)

    @sent_after_ms.default
    def _sent_after_ms(self) -> int:
        return round(self.sent_after * 1000)

    @delivered_after_ms.default
    def _delivered_after_ms(self) -> int:
        return round(self.delivered_after * 1000)


class Transition(NamedTuple):
    """A status change due at a moment of the tenant's clock; a tuple, so the heap orders it in C."""

    due_ms: int
    message_id: int
    status: Status
    error_code: str | None = None


class World:
    """Everything one tenant can see; nothing here is shared with another tenant except read-only seed data."""

    def __init__(
        self,
        directory: Directory,
        clock: Clock | None = None,
        timing: DeliveryTiming = DeliveryTiming(),
        retention: int | None = None,
    ) -> None:
        self._directory = directory
        self._owns_directory = False
        self.clock = clock or Clock()
        self.timing = timing
        self.store = MessageStore(retention)
        self.ids = IdSequence(FIRST_MESSAGE_ID)
        self.threads: dict[int, Thread] = {}
        self.provider_state: dict[str, Any] = {}
        self._lanes: dict[Status, deque[Transition]] = {}  # one queue per target status, each in due order
        self._out_of_order: list[Transition] = []  # a heap, for a transition that would break a lane's order
        self._next_due = math.inf
        self.parties: dict[str, Party] = {}  # one Party per number, shared by every copy; reset on edits
        self._last_ms = 0
        self.listeners: list[Callable[[Message], None]] = []
        self.name = "default"

    # --- reading -------------------------------------------------------------------------

    @property
    def directory(self) -> Directory:
        return self._directory

    def now_ms(self) -> int:
        """The tenant's time, never running backwards, with every status change due by then applied."""
        now = self.clock.now_ms()
        if now < self._last_ms:
            now = self._last_ms
        self._last_ms = now
        if now >= self._next_due:
            self._apply_due(now)
        return now

    def state(self, provider: str, factory: Callable[[], Any]) -> Any:
        """A provider face's own per-tenant state (tokens, sessions), created on first use."""
        value = self.provider_state.get(provider)
        if value is None:
            value = self.provider_state[provider] = factory()
        return value

    def messages_in(self, mailbox: Mailbox) -> list[Message]:
        self.now_ms()
        return list(self.store.mailbox(mailbox).messages)

    def outside_messages(self, handset: str | None = None) -> list[Message]:
        """What handsets nobody in the world owns have received, oldest first."""
        self.now_ms()
        return [
            m for m in reversed(list(self.store.newest_first()))
            if m.mailbox.is_outside and (handset is None or m.mailbox.handset == handset)
        ]

    def account(self, provider: str, account_id: str | None = None) -> Account:
        """The account of a provider; the only one when no id is given."""
        accounts = [a for a in self._directory.accounts.values() if a.provider == provider]
        if account_id is not None:
            accounts = [a for a in accounts if a.id == account_id]
        if not accounts:
            raise KeyError(f"no {provider} account {account_id or ''}".strip())
        return accounts[0]

    def extension(self, account_id: str, number: str) -> Extension:
        extension = self._directory.extension_by_number(account_id, number)
        if extension is None:
            raise KeyError(f"no extension {number} in account {account_id}")
        return extension

    # --- changing the world from Python ---------------------------------------------------

    def edit(self) -> Directory:
        """The directory, made private to this tenant on first change (copy on write)."""
        if not self._owns_directory:
            self._directory = self._directory.copy()
            self._owns_directory = True
        self.parties.clear()
        return self._directory

    def set_extension_status(self, account_id: str, number: str, status: ExtensionStatus | str) -> None:
        directory = self.edit()
        extension = directory.extension_by_number(account_id, number)
        if extension is None:
            raise KeyError(f"no extension {number} in account {account_id}")
        extension.status = ExtensionStatus(status)

    def remove_member(self, account_id: str, department: str, member: str) -> None:
        """Take an extension out of a department, as an administrator would."""
        dept, person = self._department_and_member(account_id, department, member)
        dept.members = tuple(m for m in dept.members if m != person.id)

    def add_member(self, account_id: str, department: str, member: str) -> None:
        dept, person = self._department_and_member(account_id, department, member)
        if person.id not in dept.members:
            dept.members = dept.members + (person.id,)

    def _department_and_member(self, account_id: str, department: str, member: str) -> tuple[Extension, Extension]:
        directory = self.edit()
        dept = directory.extension_by_number(account_id, department)
        person = directory.extension_by_number(account_id, member)
        if dept is None or person is None:
            raise KeyError(f"no extension {department if dept is None else member} in account {account_id}")
        return dept, person

    def update_number(self, number: str, **changes: Any) -> PhoneNumber:
        directory = self.edit()
        record = directory.numbers.get(number)
        if record is None:
            raise KeyError(f"no phone number {number}")
        for name, value in changes.items():
            if not hasattr(record, name):
                raise KeyError(f"phone numbers have no field {name}")
            setattr(record, name, value)
        return record

    # --- messages -------------------------------------------------------------------------

    def add_message(self, message: Message) -> Message:
        self.store.add(message)
        for listener in self.listeners:
            listener(message)
        return message

    @property
    def pending(self) -> int:
        """Status changes scheduled and not yet due."""
        return sum(map(len, self._lanes.values())) + len(self._out_of_order)

    def schedule(self, transitions: Iterable[Transition]) -> None:
        """Queue status changes; a fixed delay per status keeps each lane in due order at O(1) a change."""
        for transition in transitions:
            lane = self._lanes.get(transition.status)
            if lane is None:
                lane = self._lanes[transition.status] = deque()
            if not lane or lane[-1].due_ms <= transition.due_ms:
                lane.append(transition)
            else:
                heapq.heappush(self._out_of_order, transition)
            if transition.due_ms < self._next_due:
                self._next_due = transition.due_ms

    def touch(self, message: Message) -> None:
        """A client changed the message: stamp it and let the store's window counts follow."""
        message.modified_ms = self.now_ms()
        self.store.changed(message)

    def clear_messages(self) -> None:
        self.store.clear()
        self.threads.clear()
        self._lanes.clear()
        self._out_of_order.clear()
        self._next_due = math.inf

    def _apply_due(self, now: int) -> None:
        """Apply every change due by now, in due order across the lanes, as a single queue would."""
        due: list[Transition] = []
        heads: list[int] = []
        for lane in self._lanes.values():
            while lane and lane[0].due_ms <= now:
                due.append(lane.popleft())
            if lane:
                heads.append(lane[0].due_ms)
        pending = self._out_of_order
        while pending and pending[0].due_ms <= now:
            due.append(heapq.heappop(pending))
        if pending:
            heads.append(pending[0].due_ms)
        due.sort(key=DUE_MS)
        for transition in due:
            message = self.store.get(transition.message_id)
            if message is not None:
                advance_status(message, transition)
        self._next_due = min(heads, default=math.inf)


DUE_MS = attrgetter("due_ms")


def advance_status(message: Message, transition: Transition) -> None:
    """Statuses only move forward; a change stamps the modification time."""
    status, due_ms = transition.status, transition.due_ms
    if STATUS_RANK[status] <= STATUS_RANK[message.status]:
        return
    message.status = status
    if due_ms > message.modified_ms:
        message.modified_ms = due_ms
    if status is Status.DELIVERED:
        message.delivered_ms = due_ms
    if transition.error_code:
        message.error_code = transition.error_code
