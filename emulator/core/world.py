"""One tenant's world: the directory, the message store, the clock and the timing of delivery."""

from __future__ import annotations

from typing import Any, Callable

import attrs

from .clock import Clock
from .directory import Directory
from .ids import IdSequence, stable_uuid
from .model import (
    Account,
    Availability,
    Consent,
    Extension,
    ExtensionStatus,
    ExtensionType,
    Mailbox,
    Message,
    MessageProgress,
    Party,
    PhoneNumber,
    TenantTime,
    Status,
    Thread,
)
from .store import MessageStore

FIRST_MESSAGE_ID = 1_000_000_000_001
RENDERINGS_KEPT = 10_000  # answer pieces remembered per tenant before starting afresh, as routes are


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


class World:
    """Everything one tenant can see; nothing here is shared with another tenant except read-only seed data."""

    def __init__(
        self,
        directory: Directory,
        clock: Clock | None = None,
        timing: DeliveryTiming = DeliveryTiming(),
        retention: int | None = None,
        media_retention: int | None = None,
    ) -> None:
        self._directory = directory
        self._owns_directory = False
        self.clock = clock or Clock()
        self.timing = timing
        self.store = MessageStore(retention, media_retention)
        self.ids = IdSequence(FIRST_MESSAGE_ID)
        self.threads: dict[int, Thread] = {}
        self.provider_state: dict[str, Any] = {}
        self.parties: dict[str, Party] = {}  # one Party per number, shared by every copy; reset on edits
        self.sms_routes: dict[tuple, Any] = {}  # routes worked out by carrier.sms_route; reset on edits
        self.logins: dict[tuple, Account] = {}  # accounts found by the credentials a request carried; reset on edits
        self.renderings: dict[tuple, Any] = {}  # pieces of answers a face worked out per route; reset on edits
        self.time = TenantTime()  # the latest reading of the clock, never running backwards
        self.listeners: list[Callable[[Message], None]] = []  # told of every message stored
        self.change_listeners: list[Callable[[Message], None]] = []  # told of every change a client makes
        self.tick_listeners: list[Callable[[], None]] = []  # told each time the server reads the clock while idle
        self.consents: dict[tuple[str, str], Consent] = {}  # (number, handset): does the handset take its SMS
        self.uuid_counts: dict[str, int] = {}  # UUIDs made so far, by kind
        self.name = "default"

    # --- reading -------------------------------------------------------------------------

    @property
    def timing(self) -> DeliveryTiming:
        return self._timing

    @timing.setter
    def timing(self, timing: DeliveryTiming) -> None:
        """New timing holds for SMS sent from now on; those on their way keep the one they were sent with."""
        self._timing = timing
        self._progress: dict[tuple[Status | None, str | None], MessageProgress] = {}  # see dispatch

    @property
    def directory(self) -> Directory:
        """Read-only: changes go through edit(), which also forgets what was worked out from the old one."""
        return self._directory

    def now_ms(self) -> int:
        """The tenant's time, never running backwards; Clock.now_ms written out, as requests read it two or three
        times each."""
        clock, time = self.clock, self.time
        now = clock.frozen_at_ms
        if now is None:
            now = int(clock.source() * 1000) + clock.offset_ms
        if now < time.ms:
            return time.ms
        time.ms = now
        return now

    def tick(self) -> None:
        """The clock read on the server's timer, so what falls due with time (statuses) is noticed unasked."""
        self.now_ms()
        for listener in self.tick_listeners:
            listener()

    def next_uuid(self, kind: str) -> str:
        """The tenant's next id of a kind that providers write as a UUID (a subscription, a batch): the same
        in every tenant that makes the same requests, as message ids are."""
        count = self.uuid_counts[kind] = self.uuid_counts.get(kind, 0) + 1
        return stable_uuid(kind, str(count))

    def remember_rendering(self, key: tuple, pieces: Any) -> Any:
        """A face's pieces of an answer, kept until the directory changes; past RENDERINGS_KEPT it starts afresh."""
        if len(self.renderings) >= RENDERINGS_KEPT:
            self.renderings.clear()
        self.renderings[key] = pieces
        return pieces

    def state(self, provider: str, factory: Callable[..., Any], *args: Any) -> Any:
        """A provider face's own per-tenant state (tokens, sessions), created on first use by factory(*args): read on
        every request, so a factory needing arguments takes them here rather than in a closure made per call."""
        value = self.provider_state.get(provider)
        if value is None:
            value = self.provider_state[provider] = factory(*args)
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
        self.logins.clear()
        self.renderings.clear()
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
        if person.id not in dept.members:
            raise KeyError(f"extension {member} is not a member of department {department}")
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
        if dept.type is not ExtensionType.DEPARTMENT:
            raise KeyError(f"extension {department} is a {dept.type.value}; only a Department has members")
        if person.type is ExtensionType.DEPARTMENT:
            raise KeyError(f"extension {member} is a Department; a department's members are users")
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

    def opted_out(self, number: str, handset: str) -> bool:
        """Whether the handset's latest word on texts from the number was an opt-out."""
        consent = self.consents.get((number, handset))
        return consent is not None and consent.opted_out

    def set_consent(self, number: str, handset: str, opted_out: bool, by_recipient: bool) -> None:
        """The handset's new word on texts from the number; the latest one counts."""
        self.consents[(number, handset)] = Consent(opted_out, by_recipient, self.now_ms())

    def add_message(self, message: Message) -> Message:
        self.store.add(message)
        if self.listeners:
            self.tell_listeners(message)
        return message

    def tell_listeners(self, message: Message) -> None:
        """A message was stored: what watches the store (subscriptions, webhooks, recordings) hears of it."""
        for listener in self.listeners:
            listener(message)

    def dispatch(self, message: Message, final: Status | None, error_code: str | None = None) -> None:
        """Let an outbound SMS become Sent, then reach its final status (if any), on the tenant's timing."""
        progress = self._progress.get((final, error_code))
        if progress is None:
            progress = self._progress[(final, error_code)] = self._new_progress(final, error_code)
        message.progress = progress

    def _new_progress(self, final: Status | None, error_code: str | None) -> MessageProgress:
        """Sent, then the final status, in due order; on a tie Sent comes first. SendingFailed is never Sent."""
        if final is Status.SENDING_FAILED:
            return MessageProgress(self.time, ((self.timing.sent_after_ms, final, error_code),))
        steps = [(self.timing.sent_after_ms, Status.SENT, None)]
        if final is not None:
            steps.append((self.timing.delivered_after_ms, final, error_code))
        steps.sort(key=lambda step: step[0])
        return MessageProgress(self.time, tuple(steps))

    def touch(self, message: Message) -> None:
        """A client changed the message: stamp it and let the store's window counts follow."""
        message.modified_ms = self.now_ms()
        self.store.changed(message)
        if message.availability is Availability.PURGED and message.media:
            self.store.release_media(message)  # a purged message's files are deleted
            message.media = ()
        for listener in self.change_listeners:
            listener(message)

    def clear_messages(self) -> None:
        self.store.clear()
        self.threads.clear()
