"""The records of the simulated phone network: accounts, extensions, numbers, messages."""

from __future__ import annotations

from enum import StrEnum
from typing import NamedTuple

import attrs


class ExtensionType(StrEnum):
    USER = "User"
    DEPARTMENT = "Department"
    VOICEMAIL = "Voicemail"  # "Take Messages Only"; RingCentral's enum spells it Voicemail

    @classmethod
    def _missing_(cls, value: object):
        """Seeds may write VoiceMail or voicemail; the wire value stays the vendor's."""
        if isinstance(value, str):
            for member in cls:
                if member.value.lower() == value.lower():
                    return member
        return None


class ExtensionStatus(StrEnum):
    ENABLED = "Enabled"
    DISABLED = "Disabled"
    FROZEN = "Frozen"


class Kind(StrEnum):
    SMS = "SMS"
    PAGER = "Pager"


class Direction(StrEnum):
    INBOUND = "Inbound"
    OUTBOUND = "Outbound"


class Status(StrEnum):
    QUEUED = "Queued"
    SENT = "Sent"
    DELIVERED = "Delivered"
    DELIVERY_FAILED = "DeliveryFailed"
    SENDING_FAILED = "SendingFailed"
    RECEIVED = "Received"


STATUS_RANK = {
    Status.QUEUED: 0,
    Status.SENT: 1,
    Status.RECEIVED: 1,
    Status.DELIVERED: 2,
    Status.DELIVERY_FAILED: 2,
    Status.SENDING_FAILED: 2,
}


class Availability(StrEnum):
    ALIVE = "Alive"
    DELETED = "Deleted"
    PURGED = "Purged"


SMS_RECEIVING_TYPES = frozenset({ExtensionType.USER, ExtensionType.VOICEMAIL, ExtensionType.DEPARTMENT})
PAGER_RECEIVING_TYPES = frozenset({ExtensionType.USER, ExtensionType.VOICEMAIL, ExtensionType.DEPARTMENT})
ACTIVE = ExtensionStatus.ENABLED

FEATURE_SMS_SENDER = "SmsSender"
USAGE_MAIN_COMPANY_NUMBER = "MainCompanyNumber"
NUMBER_TYPE_FAX_ONLY = "FaxOnly"
# How a number is paid for: RingCentral's PlatformPaymentType enum, which its number list filters on.
PAYMENT_TYPES = frozenset({"External", "TollFree", "Local", "BusinessMobileNumberProvider", "ExternalNumberProvider",
                           "ExternalNumberProviderTollFree", "Mobile"})


@attrs.define(slots=True)
class Account:
    """One customer account of one provider."""

    provider: str
    id: str
    name: str = ""
    operator_extension_id: str | None = None
    keeps_unassigned_inbound: bool = False
    # Replies to a number with this feature land in the account's own mailbox, whoever holds the number
    # (RingCentral's high-volume numbers, whose message store is the account's, apart from any extension's).
    account_inbox_feature: str | None = None
    auth: dict = attrs.field(factory=dict)


@attrs.define(slots=True)
class Extension:
    """A mailbox-owning endpoint of an account: a user, a department, a voicemail box."""

    id: str
    account_id: str
    number: str
    name: str
    type: ExtensionType = ExtensionType.USER
    status: ExtensionStatus = ExtensionStatus.ENABLED
    members: tuple[str, ...] = ()
    email: str = ""
    auth: dict = attrs.field(factory=dict)

    @property
    def active(self) -> bool:
        return self.status is ExtensionStatus.ENABLED


@attrs.define(slots=True)
class PhoneNumber:
    """A number with exactly one owning account, and optionally an owning extension."""

    id: str
    number: str
    account_id: str
    extension_id: str | None = None
    usage_type: str = "DirectNumber"
    type: str = "VoiceFax"
    features: frozenset[str] = frozenset()
    sms_supported: bool = True
    sms_enabled: bool = True
    label: str = ""
    payment_type: str = "Local"  # RingCentral's PlatformPaymentType: TollFree, Local, ...
    extra: dict = attrs.field(factory=dict)

    @property
    def is_main_company_number(self) -> bool:
        return self.usage_type == USAGE_MAIN_COMPANY_NUMBER

    @property
    def is_fax_only(self) -> bool:
        return self.type == NUMBER_TYPE_FAX_ONLY


class Consent(NamedTuple):
    """Whether a handset takes SMS from a number, who said so last, and when."""

    opted_out: bool
    by_recipient: bool  # the handset's own STOP or START reply, not an application's record
    modified_ms: int


class Mailbox(NamedTuple):
    """Where a copy of a message lives: an extension, an account, or an outside handset.

    A named tuple: hashed and compared in C, as every store lookup hashes one.
    """

    account_id: str | None
    extension_id: str | None = None
    handset: str | None = None

    @property
    def is_outside(self) -> bool:
        return self.handset is not None


@attrs.frozen(slots=True)
class Party:
    """One end of a message as the recipient sees it."""

    number: str | None = None
    extension_id: str | None = None
    extension_number: str | None = None
    name: str | None = None


@attrs.frozen(slots=True)
class Media:
    """A file sent with a message (MMS), shared by every copy of it: one upload, one id, wherever it landed."""

    id: int
    content_type: str
    file_name: str | None
    content: bytes

    @property
    def size(self) -> int:
        return len(self.content)


@attrs.define(slots=True, eq=False, weakref_slot=False)
class Message:
    """One copy of a message in one mailbox; each side has its own id, status and read state.

    An outbound SMS on its way carries its `progress`: its status, modification and delivery times and
    error code are worked out from its age whenever they are read, so nothing visits it as they fall due.
    """

    id: int
    mailbox: Mailbox
    kind: Kind
    direction: Direction
    sender: Party
    recipients: tuple[Party, ...]
    text: str
    _status: Status
    created_ms: int
    _modified_ms: int
    conversation_id: int
    read: bool = False
    availability: Availability = Availability.ALIVE
    _delivered_ms: int | None = None
    _error_code: str | None = None
    to_department: bool = False
    segments: int = 1
    provider: str = ""
    progress: MessageProgress | None = None
    # Per recipient of a group SMS, the status it stops at short of the message's (Sent: nobody receives it;
    # SendingFailed: the handset opted out); None while every recipient follows the message.
    recipient_ends: tuple[Status | None, ...] | None = None
    media: tuple[Media, ...] = ()  # an MMS's files; a plain SMS has none

    @property
    def status(self) -> Status:
        return self._status if self.progress is None else self.progress.settle(self)._status

    def status_and_modified(self) -> tuple[Status, int]:
        """The status and the time of the last change, worked out from the message's age once for both."""
        if self.progress is not None:
            self.progress.settle(self)
        return self._status, self._modified_ms

    def recipient_statuses(self) -> tuple[Status, ...]:
        """Each recipient's status, in the order of `recipients`: a group SMS may reach some and not others."""
        status = self.status
        if self.recipient_ends is None:
            return (status,) * len(self.recipients)
        return tuple(recipient_status(status, end) for end in self.recipient_ends)

    @status.setter
    def status(self, value: Status) -> None:
        self._status = value

    @property
    def modified_ms(self) -> int:
        return self._modified_ms if self.progress is None else self.progress.settle(self)._modified_ms

    @modified_ms.setter
    def modified_ms(self, value: int) -> None:
        if self.progress is not None:
            self.progress.settle(self)
        self._modified_ms = value

    @property
    def delivered_ms(self) -> int | None:
        return self._delivered_ms if self.progress is None else self.progress.settle(self)._delivered_ms

    @property
    def error_code(self) -> str | None:
        return self._error_code if self.progress is None else self.progress.settle(self)._error_code


class TenantTime:
    """A tenant's latest clock reading, shared with the progress of its messages, which read their age off it."""

    __slots__ = ("ms",)

    def __init__(self, ms: int = 0) -> None:
        self.ms = ms


class MessageProgress:
    """The statuses an outbound SMS passes after Queued, each due a fixed time after its creation.

    One per tenant and destination status, shared by every SMS going that way.
    """

    __slots__ = ("time", "steps")

    def __init__(self, time: TenantTime, steps: tuple[tuple[int, Status, str | None], ...]) -> None:
        self.time = time
        self.steps = steps  # (milliseconds after creation, status, error code), in due order

    def settle(self, message: Message) -> Message:
        """Apply every step due by the tenant's time; once the last one is, the message needs its progress no more."""
        created, now = message.created_ms, self.time.ms
        for after, status, error_code in self.steps:
            due = created + after
            if due > now:
                return message
            advance_status(message, status, due, error_code)
        message.progress = None
        return message


def recipient_status(status: Status, end: Status | None) -> Status:
    """The message's status, held at the one its recipient stops at: Queued still shows as Queued."""
    if end is None or (status is Status.QUEUED and end is Status.SENT):
        return status
    return end


def advance_status(message: Message, status: Status, due_ms: int, error_code: str | None = None) -> None:
    """Statuses only move forward; a change stamps the modification time."""
    if STATUS_RANK[status] <= STATUS_RANK[message._status]:
        return
    message._status = status
    if due_ms > message._modified_ms:
        message._modified_ms = due_ms
    if status is Status.DELIVERED:
        message._delivered_ms = due_ms
    if error_code:
        message._error_code = error_code


@attrs.define(slots=True)
class Thread:
    """A pager conversation and the extensions it was addressed to, departments unexpanded."""

    id: int
    account_id: str
    participants: frozenset[str]
