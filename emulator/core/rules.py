"""Delivery and rejection rules as pure decisions; the HTTP faces only render them.

Each function looks at the directory and a request and returns a decision value:
deliver to these mailboxes, drop (the sender keeps its copy), or reject with a neutral reason
that every provider face maps to its own status, code and message.
"""

from __future__ import annotations

import re
from enum import Enum
from functools import lru_cache
from typing import Callable, NamedTuple

import attrs

from .directory import Directory
from .model import (
    FEATURE_SMS_SENDER,
    PAGER_RECEIVING_TYPES,
    SMS_RECEIVING_TYPES,
    Extension,
    ExtensionType,
    Mailbox,
    PhoneNumber,
    Thread,
)
from .text import utf16_units


class Reason(Enum):
    TEXT_MISSING = "text-missing"
    TEXT_TOO_LONG = "text-too-long"
    SENDER_NUMBER_MISSING = "sender-number-missing"
    SENDER_NUMBER_INVALID = "sender-number-invalid"
    SENDER_EXTENSION_NUMBER = "sender-extension-number"
    SENDER_NUMBER_NOT_OWNED = "sender-number-not-owned"
    SENDER_NUMBER_OPERATOR_ONLY = "sender-number-operator-only"
    SENDER_NUMBER_FAX = "sender-number-fax"
    SENDER_NUMBER_NOT_SMS_SENDER = "sender-number-not-sms-sender"
    SENDER_NUMBER_SMS_UNSUPPORTED = "sender-number-sms-unsupported"
    SENDER_NUMBER_SMS_DISABLED = "sender-number-sms-disabled"
    RECIPIENT_MISSING = "recipient-missing"
    RECIPIENT_INVALID = "recipient-invalid"
    RECIPIENT_EXTENSION_NUMBER = "recipient-extension-number"
    RECIPIENT_SHORT_NUMBER = "recipient-short-number"
    RECIPIENT_DUPLICATE = "recipient-duplicate"
    RECIPIENT_FAX_ONLY = "recipient-fax-only"
    RECIPIENT_INTERNATIONAL = "recipient-international"  # abroad, from a number not allowed to send there
    TOO_MANY_RECIPIENTS = "too-many-recipients"
    PAGER_FROM_DEPARTMENT = "pager-from-department"
    PAGER_SENDER_MISMATCH = "pager-sender-mismatch"
    PAGER_RECIPIENT_UNKNOWN = "pager-recipient-unknown"
    PAGER_RECIPIENT_MISMATCH = "pager-recipient-mismatch"  # its extension id and number name two extensions
    PAGER_RECIPIENT_INACTIVE = "pager-recipient-inactive"
    PAGER_RECIPIENT_WRONG_TYPE = "pager-recipient-wrong-type"
    REPLY_TARGET_UNKNOWN = "reply-target-unknown"
    REPLY_NOT_PARTICIPANT = "reply-not-participant"
    MEDIA_TOO_MANY = "media-too-many"
    MEDIA_TOO_LARGE = "media-too-large"  # all of a message's files together
    MEDIA_EMPTY = "media-empty"  # value: "<position from 1>"
    MEDIA_TYPE_UNSUPPORTED = "media-type-unsupported"  # value: "<position from 1>:<file name or type>"
    SENDER_NUMBER_NOT_MMS_SENDER = "sender-number-not-mms-sender"
    RECIPIENT_INTERNATIONAL_MMS = "recipient-international-mms"


@attrs.frozen
class Rejection:
    """The request is refused and the world stays as it was."""

    reason: Reason
    parameter: str | None = None
    value: str | None = None


class Outcome(Enum):
    DELIVER = "deliver"
    DROP = "drop"
    OUTSIDE = "outside"


class Delivery(NamedTuple):
    """What happens to one recipient number of an SMS.

    This and the other records made on every send are named tuples: immutable, and made in half the time
    a frozen attrs class takes.
    """

    number: str
    outcome: Outcome
    mailbox: Mailbox | None = None
    provider: str = ""


# Part of the key under which a tenant remembers its routes: hashed and compared as itself, in C, as every send
# looks its route up (each provider's policies are made once, at import).
@attrs.frozen(eq=False)
class SmsPolicy:
    """A provider's limits and sender rules for SMS."""

    max_text_units: int
    max_recipients: int = 1
    measure: Callable[[str], int] = utf16_units
    sender_scope: str = "extension"  # "extension": the caller's own numbers; "account": any of the account
    requires_sms_sender_feature: bool = True
    requires_sms_enabled: bool = False
    save_unassigned_outbound: bool = False
    required_feature: str | None = None  # a number feature the sender must have besides (A2PSmsSender, say)
    opt_out_code: str | None = None  # honour handsets' STOP replies: a send to one fails with this code
    national_calling_code: str | None = None  # the country a number written without one is read in ("1": NANP)
    refuses_fax_recipients: bool = False  # an SMS to a fax-only number is refused whole, not dropped
    international_feature: str | None = None  # a North American sender needs it to reach a number outside +1
    outbound_read: bool = True  # whether the sender's own copy starts out read


class SmsRequest(NamedTuple):
    """An SMS as a provider face parsed it: who sends, from which number, to whom."""

    account_id: str
    from_number: str | None
    to_numbers: tuple[str, ...]
    text: str | None
    caller_extension_id: str | None = None
    save_to_extension_id: str | None = None
    calling_code: str | None = None  # the request's country for numbers without one; None: the policy's


class Attachment(NamedTuple):
    """A file as a request sends it with an SMS, making it an MMS."""

    content_type: str | None  # None when the request does not say; then the file name's extension tells
    file_name: str | None
    content: bytes


@attrs.frozen
class MmsPolicy:
    """A provider's limits for the files of an MMS and for who may send one where."""

    max_attachments: int | None  # None: no limit the provider documents
    max_total_bytes: int | None
    content_types: frozenset[str] | None  # None: any type, as the file is sent as it is
    # the type of a file sent without one (or as plain bytes), by its name's extension: {".jpg": "image/jpeg"}
    extension_types: dict[str, str] = attrs.field(factory=dict, hash=False)
    type_aliases: dict[str, str] = attrs.field(factory=dict, hash=False)  # another name of a carried type
    refuses_empty_files: bool = False
    sender_feature: str | None = None  # a number feature the sender needs (MmsSender, say)
    domestic_prefix: str | None = None  # from a number starting with it, MMS reaches only numbers that do too


class SmsDecision(NamedTuple):
    """An accepted SMS: where the sender's copy goes and what happens to each recipient."""

    sender_number: PhoneNumber
    sender_mailbox: Mailbox | None
    deliveries: tuple[Delivery, ...]


@attrs.frozen
class PagerRecipient:
    """A pager recipient as written in the request: by extension id or by extension number."""

    extension_id: str | None = None
    extension_number: str | None = None


@attrs.frozen
class PagerRequest:
    account_id: str
    caller_extension_id: str
    text: str | None
    to: tuple[PagerRecipient, ...] = ()
    from_extension_id: str | None = None
    from_extension_number: str | None = None
    reply_on_thread: Thread | None = None
    reply_on_found: bool = True


@attrs.frozen
class PagerDecision:
    """An accepted pager message: who is addressed, and the mailboxes that receive it."""

    sender: Extension
    addressed: tuple[Extension, ...]
    receivers: tuple[Extension, ...]
    to_department: bool
    thread: Thread | None


PAGER_MAX_TEXT_UNITS = 1024
E164 = re.compile(r"^\+?[1-9]\d{6,14}$")
SHORT_NUMBER = re.compile(r"^\d{3,6}$")
NUMBER_PUNCTUATION = re.compile(r"[\s\-().]")
NANP_CALLING_CODE = "1"
NANP_NATIONAL = re.compile(r"[2-9]\d{2}[2-9]\d{6}")  # area code and exchange never start with 0 or 1
REMEMBERED_NUMBER_LENGTH = 40  # longer strings are worked out each time, so odd input cannot fill the memory


def normalize_number(raw: str, calling_code: str | None = None) -> str | None:
    """E.164 with a leading plus, or None when the value is not a phone number.

    Digits without a plus are the full international number, except that where the country is in the North
    American plan (calling code 1) a ten-digit national number is read in it: 415 555 0123 is +14155550123.
    """
    if len(raw) > REMEMBERED_NUMBER_LENGTH:
        return normalized_number(raw, calling_code)
    return remembered_number(raw, calling_code)


def normalized_number(raw: str, calling_code: str | None = None) -> str | None:
    """The E.164 form, worked out."""
    if calling_code == NANP_CALLING_CODE and not raw.startswith("+"):
        national = NUMBER_PUNCTUATION.sub("", raw)
        if NANP_NATIONAL.fullmatch(national):
            return "+1" + national
    if E164.fullmatch(raw):
        return raw if raw[0] == "+" else "+" + raw
    digits = NUMBER_PUNCTUATION.sub("", raw)
    if not E164.match(digits):
        return None
    return digits if digits.startswith("+") else "+" + digits


remembered_number = lru_cache(maxsize=4096)(normalized_number)  # numbers recur on every send


def check_text(text: str | None, policy_limit: int, measure: Callable[[str], int], required: bool = True
               ) -> Rejection | None:
    """Text is required (unless files carry the message) and measured the provider's way; one unit over the
    limit is refused."""
    if text is None or text == "":
        return Rejection(Reason.TEXT_MISSING, "text") if required else None
    if measure(text) > policy_limit:
        return Rejection(Reason.TEXT_TOO_LONG, "text")
    return None


GENERIC_TYPES = frozenset({"application/octet-stream", "binary/octet-stream", ""})


def media_type(attachment: Attachment, policy: MmsPolicy) -> str | None:
    """The file's media type in lower case without parameters, under its usual name; from its name's extension
    when the request gives none, or only says it is bytes."""
    given = (attachment.content_type or "").split(";", 1)[0].strip().lower()
    if given not in GENERIC_TYPES:
        return policy.type_aliases.get(given, given)
    name = attachment.file_name or ""
    dot = name.rfind(".")
    by_name = policy.extension_types.get(name[dot:].lower()) if dot >= 0 else None
    return by_name or given or None


def check_media(attachments: tuple[Attachment, ...], policy: MmsPolicy) -> Rejection | None:
    """At most so many files, so many bytes together, each of a media type the provider carries."""
    if policy.max_attachments is not None and len(attachments) > policy.max_attachments:
        return Rejection(Reason.MEDIA_TOO_MANY, "attachments")
    if policy.refuses_empty_files:
        for position, attachment in enumerate(attachments, 1):
            if not attachment.content:
                return Rejection(Reason.MEDIA_EMPTY, "attachments", str(position))
    if policy.max_total_bytes is not None and sum(len(a.content) for a in attachments) > policy.max_total_bytes:
        return Rejection(Reason.MEDIA_TOO_LARGE, "attachments")
    if policy.content_types is None:
        return None
    for position, attachment in enumerate(attachments, 1):
        if media_type(attachment, policy) not in policy.content_types:
            named = attachment.file_name or attachment.content_type or ""
            return Rejection(Reason.MEDIA_TYPE_UNSUPPORTED, "attachments", f"{position}:{named}")
    return None


def check_mms_route(decision: SmsDecision, policy: MmsPolicy) -> Rejection | None:
    """An accepted SMS route carries media only from a number able to send MMS, and only at home."""
    sender = decision.sender_number
    if policy.sender_feature is not None and policy.sender_feature not in sender.features:
        return Rejection(Reason.SENDER_NUMBER_NOT_MMS_SENDER, "from", sender.number)
    home = policy.domestic_prefix
    if home is not None and sender.number.startswith(home):
        for delivery in decision.deliveries:
            if not delivery.number.startswith(home):
                return Rejection(Reason.RECIPIENT_INTERNATIONAL_MMS, "to", delivery.number)
    return None


def decide_sms(directory: Directory, request: SmsRequest, policy: SmsPolicy) -> SmsDecision | Rejection:
    """Whether an SMS is sent, and where every copy of it lands."""
    return check_text(request.text, policy.max_text_units, policy.measure) or decide_sms_route(directory, request, policy)


def decide_sms_route(directory: Directory, request: SmsRequest, policy: SmsPolicy) -> SmsDecision | Rejection:
    """All decide_sms decides once the text is known to be acceptable; nothing here reads the text."""
    sender = check_sender_number(directory, request, policy)
    if isinstance(sender, Rejection):
        return sender
    recipients = check_recipients(directory, request, policy, sender)
    if isinstance(recipients, Rejection):
        return recipients
    deliveries = tuple(route_sms(directory, number) for number in recipients)
    return SmsDecision(sender, sender_mailbox(directory, request, sender, policy), deliveries)


def check_sender_number(directory: Directory, request: SmsRequest, policy: SmsPolicy) -> PhoneNumber | Rejection:
    """The sender may only use a number it owns that is able to send SMS."""
    if not request.from_number:
        return Rejection(Reason.SENDER_NUMBER_MISSING, "from")
    normalized = normalize_number(request.from_number, calling_code_of(request, policy))
    if normalized is None:
        if directory.extension_by_number(request.account_id, request.from_number.strip()) is not None:
            return Rejection(Reason.SENDER_EXTENSION_NUMBER, "from", request.from_number)
        return Rejection(Reason.SENDER_NUMBER_INVALID, "from", request.from_number)
    number = directory.numbers.get(normalized)
    if number is None or number.account_id != request.account_id:
        return Rejection(Reason.SENDER_NUMBER_NOT_OWNED, "from", request.from_number)
    if policy.sender_scope == "extension":
        ownership = check_extension_owns_number(directory, request.caller_extension_id, number)
        if ownership:
            return ownership
    return check_number_can_send(number, policy)


def check_extension_owns_number(directory: Directory, caller_id: str | None, number: PhoneNumber) -> Rejection | None:
    """Only the number's SMS owner may send from it; the main number belongs to the operator alone."""
    if directory.sms_owner_id(number) == caller_id:
        return None
    if number.is_main_company_number:
        return Rejection(Reason.SENDER_NUMBER_OPERATOR_ONLY, "from", number.number)
    return Rejection(Reason.SENDER_NUMBER_NOT_OWNED, "from", number.number)


def check_number_can_send(number: PhoneNumber, policy: SmsPolicy) -> PhoneNumber | Rejection:
    if number.is_fax_only and policy.requires_sms_sender_feature:
        return Rejection(Reason.SENDER_NUMBER_FAX, "from", number.number)
    if policy.requires_sms_sender_feature and FEATURE_SMS_SENDER not in number.features:
        return Rejection(Reason.SENDER_NUMBER_NOT_SMS_SENDER, "from", number.number)
    if policy.required_feature is not None and policy.required_feature not in number.features:
        return Rejection(Reason.SENDER_NUMBER_NOT_SMS_SENDER, "from", number.number)
    if not number.sms_supported:
        return Rejection(Reason.SENDER_NUMBER_SMS_UNSUPPORTED, "from", number.number)
    if policy.requires_sms_enabled and not number.sms_enabled:
        return Rejection(Reason.SENDER_NUMBER_SMS_DISABLED, "from", number.number)
    return number


def check_recipients(directory: Directory, request: SmsRequest, policy: SmsPolicy, sender: PhoneNumber
                     ) -> tuple[str, ...] | Rejection:
    """Recipients are distinct full phone numbers, never extension or short numbers, and abroad only from a
    number allowed to send there."""
    if not request.to_numbers:
        return Rejection(Reason.RECIPIENT_MISSING, "to")
    if len(request.to_numbers) > policy.max_recipients:
        return Rejection(Reason.TOO_MANY_RECIPIENTS, "to")
    seen: list[str] = []
    calling_code = calling_code_of(request, policy)
    for raw in request.to_numbers:
        number = recipient_number(directory, request.account_id, raw, calling_code)
        if isinstance(number, Rejection):
            return number
        if policy.refuses_fax_recipients and is_fax_only(directory, number):
            return Rejection(Reason.RECIPIENT_FAX_ONLY, "to", raw)
        if is_international(policy, sender, number):
            return Rejection(Reason.RECIPIENT_INTERNATIONAL, "to", number)
        if number in seen:
            return Rejection(Reason.RECIPIENT_DUPLICATE, "to", raw)
        seen.append(number)
    return tuple(seen)


def calling_code_of(request: SmsRequest, policy: SmsPolicy) -> str | None:
    """The request's country when it names one ("" for outside the North American plan), else the provider's."""
    return policy.national_calling_code if request.calling_code is None else request.calling_code


def recipient_number(directory: Directory, account_id: str, raw: str, calling_code: str | None = None
                     ) -> str | Rejection:
    """The recipient as E.164, unless it is an extension number, a short number or no number at all."""
    compact = raw.strip()
    if directory.extension_by_number(account_id, compact) is not None:
        return Rejection(Reason.RECIPIENT_EXTENSION_NUMBER, "to", raw)
    if SHORT_NUMBER.match(compact):
        return Rejection(Reason.RECIPIENT_SHORT_NUMBER, "to", raw)
    return normalize_number(compact, calling_code) or Rejection(Reason.RECIPIENT_INVALID, "to", raw)


def is_international(policy: SmsPolicy, sender: PhoneNumber, recipient: str) -> bool:
    """A send from a North American number to one outside +1, which the policy's feature must allow."""
    return (policy.international_feature is not None and sender.number.startswith("+1")
            and not recipient.startswith("+1") and policy.international_feature not in sender.features)


def is_fax_only(directory: Directory, number: str) -> bool:
    """Whether a number of the world takes faxes only, for providers that refuse an SMS to one."""
    owned = directory.numbers.get(number)
    return owned is not None and owned.is_fax_only


def sender_mailbox(directory: Directory, request: SmsRequest, number: PhoneNumber, policy: SmsPolicy) -> Mailbox | None:
    """The caller's mailbox keeps the outbound copy; without one it goes where the number points."""
    owner = request.caller_extension_id or request.save_to_extension_id or number.extension_id
    if owner is not None:
        return Mailbox(number.account_id, owner)
    if policy.save_unassigned_outbound:
        return Mailbox(number.account_id)
    return None


def route_sms(directory: Directory, number: str) -> Delivery:
    """Where an SMS to this number lands: its owner's mailbox, nowhere, or the outside world."""
    owned = directory.numbers.get(number)
    if owned is None:
        return Delivery(number, Outcome.OUTSIDE, Mailbox(None, None, number))
    account = directory.accounts[owned.account_id]
    if not (owned.sms_supported and owned.sms_enabled) or owned.is_fax_only:
        return Delivery(number, Outcome.DROP, provider=account.provider)
    if account.account_inbox_feature is not None and account.account_inbox_feature in owned.features:
        return Delivery(number, Outcome.DELIVER, Mailbox(account.id), account.provider)
    owner_id = directory.sms_owner_id(owned)
    if owner_id is None:
        if account.keeps_unassigned_inbound:
            return Delivery(number, Outcome.DELIVER, Mailbox(account.id), account.provider)
        return Delivery(number, Outcome.DROP, provider=account.provider)
    owner = directory.extensions[owner_id]
    if can_receive_sms(owner):
        return Delivery(number, Outcome.DELIVER, Mailbox(account.id, owner.id), account.provider)
    return Delivery(number, Outcome.DROP, provider=account.provider)


def may_log_in(extension: Extension) -> bool:
    """Disabled and Frozen extensions cannot log in."""
    return extension.active


def decide_sms_toggle(number: PhoneNumber) -> Rejection | None:
    """SMS can be switched on or off only on a number that supports SMS at all."""
    if not number.sms_supported:
        return Rejection(Reason.SENDER_NUMBER_SMS_UNSUPPORTED, "phone_number", number.number)
    return None


def can_receive_sms(extension: Extension) -> bool:
    """SMS reach enabled User, VoiceMail and Department extensions: a call queue keeps its SMS in its own store."""
    return extension.active and extension.type in SMS_RECEIVING_TYPES


def decide_pager(directory: Directory, request: PagerRequest) -> PagerDecision | Rejection:
    """Whether a pager message is sent, and which extensions receive a copy."""
    sender = directory.extensions[request.caller_extension_id]
    if sender.type is ExtensionType.DEPARTMENT:
        return Rejection(Reason.PAGER_FROM_DEPARTMENT, "from")
    rejection = check_pager_sender(sender, request) or check_text(request.text, PAGER_MAX_TEXT_UNITS, utf16_units)
    if rejection:
        return rejection
    if request.reply_on_thread is not None or not request.reply_on_found:
        return decide_reply(directory, request, sender)
    addressed = resolve_pager_recipients(directory, request)
    if isinstance(addressed, Rejection):
        return addressed
    return pager_decision(directory, sender, addressed, None)


def check_pager_sender(sender: Extension, request: PagerRequest) -> Rejection | None:
    if request.from_extension_id is not None and request.from_extension_id != sender.id:
        return Rejection(Reason.PAGER_SENDER_MISMATCH, "from.extensionId", request.from_extension_id)
    if request.from_extension_number is not None and request.from_extension_number != sender.number:
        return Rejection(Reason.PAGER_SENDER_MISMATCH, "from.extensionNumber", request.from_extension_number)
    return None


def resolve_pager_recipients(directory: Directory, request: PagerRequest) -> list[Extension] | Rejection:
    """Every addressed extension must exist, be active and be able to receive pager messages."""
    if not request.to:
        return Rejection(Reason.RECIPIENT_MISSING, "to")
    addressed: list[Extension] = []
    for recipient in request.to:
        extension = find_pager_recipient(directory, request.account_id, recipient)
        if extension is not None and recipient.extension_number not in (None, extension.number):
            return Rejection(Reason.PAGER_RECIPIENT_MISMATCH, "to", recipient.extension_number)
        if extension is None:
            return Rejection(Reason.PAGER_RECIPIENT_UNKNOWN, "to", recipient.extension_number or recipient.extension_id)
        if not extension.active:
            return Rejection(Reason.PAGER_RECIPIENT_INACTIVE, "to", extension.number)
        if extension.type not in PAGER_RECEIVING_TYPES:
            return Rejection(Reason.PAGER_RECIPIENT_WRONG_TYPE, "to", extension.number)
        if extension not in addressed:
            addressed.append(extension)
    return addressed


def find_pager_recipient(directory: Directory, account_id: str, recipient: PagerRecipient) -> Extension | None:
    if recipient.extension_id is not None:
        extension = directory.extensions.get(recipient.extension_id)
        if extension is None or extension.account_id != account_id:
            return None
        return extension
    if recipient.extension_number is not None:
        return directory.extension_by_number(account_id, recipient.extension_number)
    return None


def decide_reply(directory: Directory, request: PagerRequest, sender: Extension) -> PagerDecision | Rejection:
    """A reply reaches the thread's participants, and only a current participant may post it."""
    thread = request.reply_on_thread
    if thread is None:
        return Rejection(Reason.REPLY_TARGET_UNKNOWN, "replyOn")
    if sender.id not in current_participants(directory, thread):
        return Rejection(Reason.REPLY_NOT_PARTICIPANT, "replyOn")
    addressed = [directory.extensions[p] for p in sorted(thread.participants) if p in directory.extensions]
    if request.to:
        extra = resolve_pager_recipients(directory, request)
        if isinstance(extra, Rejection):
            return extra
        addressed += [e for e in extra if e not in addressed]
    reachable = [e for e in addressed if e.active and e.type in PAGER_RECEIVING_TYPES]
    return pager_decision(directory, sender, reachable, thread)


def current_participants(directory: Directory, thread: Thread) -> set[str]:
    """Explicit participants plus the members departments have now, not when the thread began."""
    current: set[str] = set()
    for participant in thread.participants:
        current.add(participant)
        extension = directory.extensions.get(participant)
        if extension is not None and extension.type is ExtensionType.DEPARTMENT:
            current.update(extension.members)
    return current


def pager_decision(directory: Directory, sender: Extension, addressed: list[Extension], thread: Thread | None) -> PagerDecision:
    """Departments forward to their active members; nobody receives a copy twice, nor the sender."""
    receivers: list[Extension] = []
    for extension in addressed:
        candidates = [extension]
        if extension.type is ExtensionType.DEPARTMENT:
            candidates += directory.active_members(extension)
        for candidate in candidates:
            if candidate.id != sender.id and candidate not in receivers:
                receivers.append(candidate)
    to_department = any(e.type is ExtensionType.DEPARTMENT for e in addressed)
    return PagerDecision(sender, tuple(addressed), tuple(receivers), to_department, thread)


def can_read_thread(directory: Directory, extension_id: str, thread: Thread | None) -> bool:
    """A pager thread is readable only by its current participants."""
    return thread is None or extension_id in current_participants(directory, thread)


def webhook_standing(failing_since_ms: int | None, answered_ok: bool, now_ms: int,
                     limit_ms: int) -> tuple[int | None, bool]:
    """After one delivery to a webhook: when its current run of failures began (None once one succeeds), and
    whether that run has lasted limit_ms, when a provider gives up on the subscription."""
    if answered_ok:
        return None, False
    since = now_ms if failing_since_ms is None else failing_since_ms
    return since, now_ms - since >= limit_ms


class RateWindow(NamedTuple):
    """One caller's recent requests in one throttling group, and when its penalty, if any, ends."""

    times_ms: tuple[int, ...] = ()
    penalty_until_ms: int = 0


class Throttled(NamedTuple):
    """Whether a request may go ahead, what is left of the window, and the caller's window after it."""

    allowed: bool
    remaining: int
    retry_after_s: int
    window: RateWindow


def throttle(window: RateWindow, now_ms: int, limit: int, window_ms: int, penalty_ms: int) -> Throttled:
    """At most `limit` requests in any `window_ms`; past that every request is refused until `penalty_ms` pass
    without one, as each request made during the penalty starts it again."""
    penalty_s = -(-penalty_ms // 1000)
    if now_ms < window.penalty_until_ms:
        return Throttled(False, 0, penalty_s, RateWindow(window.times_ms, now_ms + penalty_ms))
    recent = tuple(t for t in window.times_ms if t > now_ms - window_ms)
    if len(recent) >= limit:
        return Throttled(False, 0, penalty_s, RateWindow(recent, now_ms + penalty_ms))
    recent += (now_ms,)
    return Throttled(True, limit - len(recent), 0, RateWindow(recent))


# The industry's keywords (CTIA), as RingCentral lists them: a reply that is just one of these opts the handset
# out of (or back in to) texts from the number it replied to.
OPT_OUT_KEYWORDS = frozenset({"STOP", "UNSUBSCRIBE", "QUIT", "CANCEL", "END"})
OPT_IN_KEYWORDS = frozenset({"START", "SUBSCRIBE", "RESUME", "CONTINUE", "UNSTOP"})


def consent_change(text: str) -> bool | None:
    """True when an inbound text opts its sender out, False when it opts back in, None when it is neither."""
    word = text.strip().rstrip(".!").upper()
    if word in OPT_OUT_KEYWORDS:
        return True
    if word in OPT_IN_KEYWORDS:
        return False
    return None
