"""One tenant's world: the directory, the message store, the clock and the pending status changes."""

from __future__ import annotations

import math
from collections import deque
from typing import Any, Callable

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
# Read for every status change; Python 3.11 looks an enum member up on its class through a Python-level hook.
SENT, DELIVERED = Status.SENT, Status.DELIVERED


@attrs.frozen
class DeliveryTiming:
    """Seconds after sending at which an outbound SMS becomes Sent, then Delivered."""

    sent_after: float = 1.0
    delivered_after: float = 2.0
    sent_after_ms: int = attrs.field(init=False)
    delivered_after_ms: int = attrs.field(init=False)
    first_change_ms: int = attrs.field(init=False)  # read on every send

    @sent_after_ms.default
    def _sent_after_ms(self) -> int:
        return round(self.sent_after * 1000)

    @delivered_after_ms.default
    def _delivered_after_ms(self) -> int:
        return round(self.delivered_after * 1000)

    @first_change_ms.default
    def _first_change_ms(self) -> int:
        return min(self.sent_after_ms, self.delivered_after_ms)


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
        # Outbound SMS on their way, oldest first: each becomes Sent, then reaches its final status, a fixed
        # time after its creation, so both queues stay in due order and cost O(1) a message.
        self._awaiting_sent: deque[Message] = deque()
        self._awaiting_final: deque[tuple[Message, Status, str | None]] = deque()
        self._next_due: float = math.inf
        self.parties: dict[str, Party] = {}  # one Party per number, shared by every copy; reset on edits
        self.sms_routes: dict[tuple, Any] = {}  # routes worked out by carrier.sms_route; reset on edits
        self._last_ms = 0
        self.listeners: list[Callable[[Message], None]] = []
        self.name = "default"

    # --- reading -------------------------------------------------------------------------

    @property
    def directory(self) -> Directory:
        """Read-only: changes go through edit(), which also forgets what was worked out from the old one."""
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
        self.sms_routes.clear()
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
        return len(self._awaiting_sent) + len(self._awaiting_final)

    def dispatch(self, message: Message, final: Status | None, error_code: str | None = None) -> None:
        """Let an outbound SMS become Sent, then reach its final status (if any), on the tenant's timing."""
        self._awaiting_sent.append(message)
        if final is not None:
            self._awaiting_final.append((message, final, error_code))
        due = message.created_ms + self.timing.first_change_ms
        if due < self._next_due:
            self._next_due = due

    def touch(self, message: Message) -> None:
        """A client changed the message: stamp it and let the store's window counts follow."""
        message.modified_ms = self.now_ms()
        self.store.changed(message)

    def clear_messages(self) -> None:
        self.store.clear()
        self.threads.clear()
        self._awaiting_sent.clear()
        self._awaiting_final.clear()
        self._next_due = math.inf

    def _apply_due(self, now: int) -> None:
        """Every status change due by now, each queue oldest first, the queue with the shorter delay first."""
        if self.timing.sent_after_ms <= self.timing.delivered_after_ms:
            self._apply_sent(now)
            self._apply_final(now)
        else:
            self._apply_final(now)
            self._apply_sent(now)
        heads = []
        if self._awaiting_sent:
            heads.append(self._awaiting_sent[0].created_ms + self.timing.sent_after_ms)
        if self._awaiting_final:
            heads.append(self._awaiting_final[0][0].created_ms + self.timing.delivered_after_ms)
        self._next_due = min(heads, default=math.inf)

    def _apply_sent(self, now: int) -> None:
        waiting, after = self._awaiting_sent, self.timing.sent_after_ms
        while waiting and waiting[0].created_ms + after <= now:
            message = waiting.popleft()
            advance_status(message, SENT, message.created_ms + after)

    def _apply_final(self, now: int) -> None:
        waiting, after = self._awaiting_final, self.timing.delivered_after_ms
        while waiting and waiting[0][0].created_ms + after <= now:
            message, status, error_code = waiting.popleft()
            advance_status(message, status, message.created_ms + after, error_code)


def advance_status(message: Message, status: Status, due_ms: int, error_code: str | None = None) -> None:
    """Statuses only move forward; a change stamps the modification time."""
    if STATUS_RANK[status] <= STATUS_RANK[message.status]:
        return
    message.status = status
    if due_ms > message.modified_ms:
        message.modified_ms = due_ms
    if status is DELIVERED:
        message.delivered_ms = due_ms
    if error_code:
        message.error_code = error_code
