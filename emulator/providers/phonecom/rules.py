"""Phone.com's limits, handed to the core rules, and its names for the core's statuses."""

import attrs

from ...core.ids import is_digits
from ...core.model import Status
from ...core.rules import MmsPolicy, SmsPolicy


def characters(text: str) -> int:
    """The v4.6.11 spec caps `text` with JSON Schema's maxLength, which counts code points."""
    return len(text)


MAX_TEXT_CHARACTERS = 3200        # SMS.text maxLength in the v4.6.11 spec (160 in the 2017 description)
MAX_RECIPIENTS = 25               # clients batch `to` in groups of 25

SMS_POLICY = SmsPolicy(
    max_text_units=MAX_TEXT_CHARACTERS,
    max_recipients=MAX_RECIPIENTS,
    measure=characters,
    sender_scope="account",            # any number of the account, whichever token sends
    requires_sms_sender_feature=False,
    save_unassigned_outbound=False,    # no extension_id and no sms_forwarding: sent, not saved (Create SMS doc)
    national_calling_code="1",         # a US carrier: 312 555 0199 is +13125550199, not a number in +31
    outbound_read=False,               # the Create SMS example's just-sent message is "is_new": true
)

# The Messages API has no `extension_id` to say where a send is saved, and its spec offers "the history of SMS/MMS
# sent from / delivered to your account": a send from a number with no sms_forwarding is kept in the account's
# own mailbox, where inbound SMS to that number go, so its `message_id` reads back.
MESSAGE_POLICY = attrs.evolve(SMS_POLICY, save_unassigned_outbound=True)

# The Messages API sends SMS and MMS. "Phone.com will try to send the file provided via the API as is" (Send
# Message, v4.6.11): no count, size or type of file is refused; the body may be as large as RingCentral's.
MESSAGE_MMS_POLICY = MmsPolicy(max_attachments=None, max_total_bytes=None, content_types=None)
MESSAGE_MAX_BODY_BYTES = 10 * 1024 * 1024

DEFAULT_LIMIT = 25
MAX_LIMIT = 500

# Per-recipient statuses; the 2017 Recipient schema names 'sent', 'received', 'queued', 'new'.
RECIPIENT_STATUS = {
    Status.QUEUED: "queued",
    Status.SENT: "sent",
    Status.DELIVERED: "delivered",
    Status.DELIVERY_FAILED: "failed",
    Status.SENDING_FAILED: "failed",
    Status.RECEIVED: "received",
}

# Extension roles the v4.6.11 extensions list filters by. The seed holds none, so every extension is what the
# seeded ones are: a classic (not NXT), non-virtual extension of the device role, with a real route.
EXTENSION_ROLES = frozenset({"device", "virtual", "company-inbox", "nxt-user", "common-area", "app", "softphone"})
EXTENSION_ROLE = "device"

SCOPE_ACCOUNT_OWNER = "account-owner"
SCOPE_EXTENSION_USER = "extension-user"

# Events v2 (integrations/events): what a listener subscription may ask for, and how callbacks are called.
EVENT_TAGS = frozenset({
    "inbound", "outbound", "call", "new-call", "connecting-call", "connected-call", "completed-call", "first-leg",
    "not-first-leg", "to-did", "from-did", "to-extension", "from-extension", "message", "sms-message",
    "mms-message", "*ms-message", "api-error", "api-error-trusted", "call-log", "recording", "call-recording",
    "message-status", "voicemail-recording"})
EVENTS_VERSION = "2.0.0"
# A callback may ask for any wait (`config.timeout`); a delivery waits an hour at most, so a stopping server is not
# held.
LONGEST_CALLBACK_WAIT_S = 3600
LISTENER_VERSIONS = ("1.0.0", "1.1.0", EVENTS_VERSION)
CALLBACK_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
CALLBACK_MODES = ("HTTPS", "HTTP")  # the spec's APPLICATION and EMAIL modes are not emulated
CALLBACK_TEST_BODY = {"test": 1}    # a new callback's URL must answer it with 200 or 201

# OAuth (POST /v4/oauth/access-token): the v4.6.11 CreatedAccessToken grants, of which the emulator mints two.
GRANT_TYPES = ("password", "client_credentials", "refresh_token", "authorization_code")
EMULATED_GRANTS = ("client_credentials", "refresh_token")  # the seed holds apps, not users' passwords or codes
# GetOauthAccessToken (2017) types `expires_at` an integer, epoch seconds. A seeded token never expires, so it
# reads as the last second of year 9999, past the furthest the tenant's clock goes (9000-01-01).
SEEDED_TOKEN_EXPIRES_AT = 253402300799  # 9999-12-31T23:59:59Z
ACCESS_TOKEN_TTL_S = 3600  # no document gives Phone.com's lifetime; one hour, as is usual for client tokens
TOKEN_TYPE = "Bearer"


# Phone numbers: "the internal Phone.com ID for this number, not the phone number itself" (2017 PhoneNumberFull.id).
NUMBER_ID_SLOTS = 1000  # a seeded account's numbers are numbered from its id times this, plus their place


def internal_number_ids(account_id: str, seeded_ids: list[str | None], digits: set[str]) -> list[str]:
    """Each number's id: the seed's own, else the account's id times 1000 plus the number's place from 1, moved
    past any id already taken or equal to some number's digits, so a URL built from the number finds nothing."""
    base = int(account_id) * NUMBER_ID_SLOTS if is_digits(account_id) else 0
    taken = {seeded for seeded in seeded_ids if seeded is not None} | digits
    ids = []
    for place, seeded in enumerate(seeded_ids, start=1):
        if seeded is None:
            seeded = next_free_id(base + place, taken)
            taken.add(seeded)
        ids.append(seeded)
    return ids


def next_free_id(candidate: int, taken: set[str]) -> str:
    while str(candidate) in taken:
        candidate += 1
    return str(candidate)
