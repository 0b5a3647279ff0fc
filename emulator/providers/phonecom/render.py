"""Phone.com JSON for SMS, phone numbers, extensions and list envelopes; field names as in its v4 specs."""

from __future__ import annotations

import uuid
from functools import lru_cache
from typing import NamedTuple

import orjson

from ...core.clock import utc_second
from ...core.directory import Directory
from ...core.ids import stable_uuid
from ...core.model import Direction, Extension, Mailbox, Media, Message, Party, PhoneNumber, Status
from ...core.world import World
from ...wire import encode_json
from .rules import RECIPIENT_STATUS, SEEDED_TOKEN_EXPIRES_AT, TOKEN_TYPE

ID_HEX_DIGITS = 40
SMS_ID_FORMAT = f"0{ID_HEX_DIGITS}x"  # zero-padded lowercase hex


def sms_id(message_id: int) -> str:
    """Phone.com SMS ids are 40-hex strings; this one is the core id, zero-padded, so it reverses exactly."""
    return format(message_id, SMS_ID_FORMAT)


def core_id(raw: str) -> int | None:
    if len(raw) != ID_HEX_DIGITS or any(ch not in "0123456789abcdefABCDEF" for ch in raw):
        return None
    return int(raw, 16)


def iso_seconds(ms: int) -> str:
    """ISO-8601 with an explicit +00:00 offset, as in Phone.com's samples."""
    return f"{utc_second(ms // 1000)}+00:00"


@lru_cache(maxsize=4096)
def as_int(value: str):
    """Ids and extension numbers go out as numbers; remembered, as every SMS body carries the same few."""
    return int(value) if value.isascii() and value.isdigit() else value


def extension_summary(record: Extension) -> dict:
    return {"id": as_int(record.id), "voip_id": as_int(record.account_id), "name": record.name,
            "extension": as_int(record.number)}


RECIPIENT_ID_MARK = 1 << (4 * ID_HEX_DIGITS - 1)  # the top bit: never set in an SMS id, a zero-padded core id
RECIPIENT_INDEX_BITS = 16


def recipient_id(message_id: int, index: int) -> str:
    """A recipient's own 40-hex id, as in Create SMS's example: the SMS id with the recipient's place below it
    and the top bit set, so it is the same on every read and never an SMS id."""
    return format(RECIPIENT_ID_MARK | message_id << RECIPIENT_INDEX_BITS | index, SMS_ID_FORMAT)


def recipients(record: Message) -> list[dict]:
    """Create SMS's example: number, its own status and id, and `sent_at` and `delivered_at` once delivered.

    The core keeps no sent time; the example gives both the same second.
    """
    items = []
    statuses = record.recipient_statuses()
    for index, party in enumerate(record.recipients):
        status = RECIPIENT_STATUS.get(statuses[index], "queued")
        item = {"number": party.number, "status": status, "id": recipient_id(record.id, index)}
        if status == "delivered" and record.delivered_ms is not None:
            item["sent_at"] = item["delivered_at"] = record.delivered_ms // 1000
        items.append(item)
    return items


def sms(directory: Directory, record: Message, mode: str = "full") -> dict:
    """The SmsFull object; `extension` names the mailbox that holds this copy, when there is one."""
    body: dict = {
        "id": sms_id(record.id),
        "from": record.sender.number,
        "to": recipients(record),
        "direction": "out" if record.direction is Direction.OUTBOUND else "in",
        "created_epoch": record.created_ms // 1000,
        "created_at": iso_seconds(record.created_ms),
        "is_new": not record.read,
        "text": record.text,
    }
    extension = directory.extensions.get(record.mailbox.extension_id) if record.mailbox.extension_id else None
    if extension is not None and mode == "full":
        body["extension"] = extension_summary(extension)
    return body


class SentPieces(NamedTuple):
    """What a route fixes in sms() of the copies sent along it: sender, recipient and mailbox, encoded once."""

    recipients: tuple[Party, ...]
    sender: Party
    mailbox: Mailbox
    head: bytes  # ","from":"...","to":[{"number":"..."
    tail: bytes  # ,"extension":{...}} or }


SENT_PIECES = "phonecom.sent"
# Recipient statuses an answer carries without sent_at and delivered_at; a delivered one goes the long way.
UNDELIVERED_STATUS_JSON = {status: f',"status":"{name}","id":"'.encode() for status, name in RECIPIENT_STATUS.items()
                           if status is not Status.DELIVERED}


def sent_sms_json(world: World, record: Message) -> bytes:
    """encode_json(sms(world.directory, record)), byte for byte; a copy to one number that is not yet delivered is
    spliced from pieces its route fixes, as building and encoding the dicts cost a tenth of a send."""
    key = (SENT_PIECES, id(record.recipients))
    pieces = world.renderings.get(key)
    if pieces is None or pieces.recipients is not record.recipients or pieces.sender is not record.sender \
            or pieces.mailbox is not record.mailbox:
        if len(record.recipients) != 1:
            return encode_json(sms(world.directory, record))
        pieces = world.remember_rendering(key, sent_pieces(world.directory, record))
    status = UNDELIVERED_STATUS_JSON.get(record.status if record.recipient_ends is None
                                         else record.recipient_statuses()[0])
    try:
        text = orjson.dumps(record.text)
    except TypeError:  # half a surrogate pair: the standard library's escapes, as encode_json gives them
        status = None
    if status is None:
        return encode_json(sms(world.directory, record))
    created_ms = record.created_ms
    return b"".join((b'{"id":"', sms_id(record.id).encode(), pieces.head, status, recipient_id(record.id, 0).encode(),
                     b'"}],"direction":"%s","created_epoch":%d,"created_at":"%s","is_new":%s,"text":' % (
                         b"out" if record.direction is Direction.OUTBOUND else b"in", created_ms // 1000,
                         iso_seconds(created_ms).encode(), b"false" if record.read else b"true"),
                     text, pieces.tail))


def sent_pieces(directory: Directory, record: Message) -> SentPieces:
    extension = directory.extensions.get(record.mailbox.extension_id) if record.mailbox.extension_id else None
    return SentPieces(
        record.recipients, record.sender, record.mailbox,
        head=b'","from":' + encode_json(record.sender.number) + b',"to":[{"number":'
        + encode_json(record.recipients[0].number),
        tail=b',"extension":' + encode_json(extension_summary(extension)) + b"}" if extension is not None else b"}",
    )


def message_item(record: Message, base: str) -> dict:
    """A Messages API item, as the one third-party client that records it reads it: a numeric `id` (and as a
    string `message_id`), the send's UUID as `old_id` on outbound items, epoch `created_at`, `to` with each
    recipient's `delivery_status`, a string `conversation_id`, and `media` as events describe files."""
    outbound = record.direction is Direction.OUTBOUND
    body: dict = {"id": record.id, "message_id": str(record.id)}
    if outbound:
        body["old_id"] = send_uuid(record)
    body.update({
        "conversation_id": conversation_key(record),
        "type": "mms" if record.media else "sms",
        "direction": "out" if outbound else "in",
        "from": record.sender.number,
        "to": message_recipients(record),
        "text": record.text,
        "media": [media_item(media, base) for media in record.media],
        "extension_id": optional_int(record.mailbox.extension_id),
        "created_at": record.created_ms // 1000,
        "updated_at": record.modified_ms // 1000,
        "read": record.read,
    })
    return body


def conversation_key(record: Message) -> str:
    """A conversation as the Messages API names it: eight hex digits, as in the one recorded sample."""
    return format(record.conversation_id & 0xFFFFFFFF, "08x")


def created_message(record: Message, base: str) -> dict:
    """Send Message's answer: the message, whose `id` is the send's UUID (later reads give the numeric id, and
    this UUID as `old_id`)."""
    body = message_item(record, base)
    body["id"] = body.pop("old_id")
    return body


def send_uuid(record: Message) -> str:
    return stable_uuid("phonecom.message", str(record.id))


def message_recipients(record: Message) -> list[dict]:
    items = []
    for party, status in zip(record.recipients, record.recipient_statuses()):
        item: dict = {"number": party.number, "delivery_status": RECIPIENT_STATUS.get(status, "queued")}
        if item["delivery_status"] == "delivered" and record.delivered_ms is not None:
            item["sent_at"] = item["delivered_at"] = record.delivered_ms // 1000
        items.append(item)
    return items


def media_item(media: Media, base: str) -> dict:
    """A file as Phone.com's message events describe one (events-examples/message.json); its url serves the bytes.
    An image's `thumbnail` is the image itself, as no smaller copy is drawn; other files have none."""
    url = f"{base}/_emulator/media/{media.id}"
    return {"url": url, "type": media.content_type, "size": media.size, "filename": media.file_name,
            "thumbnail": url if media.content_type.startswith("image/") else None}


def phone_number(directory: Directory, record: PhoneNumber) -> dict:
    """PhoneNumberFull; `sms_forwarding` points at the extension that receives the number's SMS."""
    owner = directory.extensions.get(record.extension_id) if record.extension_id else None
    name = str(record.extra.get("name") or record.label or record.number)
    return {
        "id": as_int(record.id),
        "name": name,
        "phone_number": record.number,
        "block_incoming": False,
        "block_anonymous": False,
        "route": None,
        "caller_id": {"name": name[:15], "type": "business"},
        "sms_forwarding": {"type": "extension", "extension": {"id": as_int(owner.id), "name": owner.name,
                                                               "extension": as_int(owner.number)}} if owner else None,
        "call_notifications": {"emails": [], "sms": None},
        "reservation_id": None,   # v4.6.11: a nullable string, for a number reserved before it was bought
        "record_calls": False,    # v4.6.11: a nullable boolean; call recording is an account feature not emulated
    }


def extension(record: Extension) -> dict:
    """ExtensionFull (2017) and Extension (v4.6.11), with the fields an SMS client reads filled and the telephony
    ones at a plain extension's defaults, as the v4.6.11 schema allows them (the seed gives none of them)."""
    return {
        **extension_summary(record),
        "full_name": record.name,
        "usage_type": "unlimited",
        "timezone": "America/New_York",
        "include_in_directory": True,
        "enable_call_waiting": True,
        "enable_outbound_calls": True,
        "caller_id": "private",  # the spec's value for "no caller id assigned"; its schema types this a string
        "local_area_code": None,  # v4.6.11: a nullable integer (2017: a string)
        "route": None,
        "voicemail": default_voicemail(),
        "call_notifications": {"emails": None, "sms": None},  # v4.6.11 types `emails` a string, 2017 an array
        "name_greeting": None,
        "device_membership": None,  # 2017 only: "Device Membership Object, or NULL"
        "bypass_hard_phone": False,
        "presence_publish": False,
        "presence_subscribe": False,
    }


def default_voicemail() -> dict:
    """Voicemail on, with the standard greeting and no password, transcription, attachments or notifications: the
    descriptions name NULL for "none" (the v4.6.11 enums of `transcription` and `attachments` leave it out)."""
    return {
        "enabled": True,
        "password": None,
        "greeting": {"type": "standard", "standard": None, "alternate": None, "enable_leave_message_prompt": True},
        "transcription": None,
        "attachments": None,
        "notifications": {"emails": None, "sms": None},
    }


def token_details(grant) -> dict:
    """Get Access Token: the scope, the account (voip_id) and, for an extension user, the extension; `expires_at`
    is epoch seconds, as GetOauthAccessToken types it and Phone.com's JS client reads it."""
    detail: dict = {"scope": grant.scope, "voip_id": as_int(grant.account_id)}
    if grant.extension_id is not None:
        detail["extension_id"] = as_int(grant.extension_id)
    expires_at = SEEDED_TOKEN_EXPIRES_AT if grant.expires_at is None else grant.expires_at
    return {"access_token": grant.token, "scope": grant.scope, "scope_details": [detail], "expires_at": expires_at}


def created_token(grant, refresh_token: str, now_s: int) -> dict:
    """Create Access Token's answer, the 2017 OauthAccessToken: the pair, its scope and seconds left."""
    return {"access_token": grant.token, "token_type": TOKEN_TYPE, "scope": grant.scope,
            "refresh_token": refresh_token, "expires_in": grant.expires_at - now_s}


def list_body(filters: dict, sort: dict, total: int, offset: int, limit: int, items: list[dict]) -> dict:
    return {"filters": filters, "sort": sort, "total": total, "offset": offset, "limit": limit, "items": items}


# --- events v2 ---------------------------------------------------------------------------------------

SECRET_HEADERS = frozenset({"authorization", "x-api-key"})  # shown as true, never echoed


def optional_int(value: str | None) -> int | None:
    return None if value is None else as_int(value)


def events_callback(record) -> dict:
    config: dict = {"url": record.config.url, "method": record.config.method}
    if record.config.headers is not None:
        config["headers"] = [{"name": name, "value": True if name.lower() in SECRET_HEADERS else value}
                             for name, value in record.config.headers]
    if record.config.timeout is not None:
        config["timeout"] = record.config.timeout
    return {"id": record.id, "voip_id": as_int(record.account_id), "extension_id": optional_int(record.extension_id),
            "fallback_callback_id": None, "name": record.name, "profile_id": None, "enabled": record.enabled,
            "mode": record.mode, "config": config}


def events_listener(record) -> dict:
    return {"id": record.id, "voip_id": as_int(record.account_id), "extension_id": optional_int(record.extension_id),
            "version": record.version, "callback_id": record.callback_id, "created_at": record.created_at,
            "expires_at": record.expires_at}


def events_subscription(record) -> dict:
    return {"id": record.id, ":tags": list(record.tags)}


def events_filter(record) -> dict:
    body = {"id": record.id, "listener_id": record.listener_id, "filter_type": "number",
            "filter_value": record.rule.value}
    if record.rule.not_logic:
        body["not_logic"] = True
    return body


def message_event(listener, message: Message, did: str, tags: list[str], event_uuid: str, now_ms: int) -> dict:
    """A message event of the events v2 format; the message's uuid is its id, so it is the same in every event."""
    scope_id = listener.extension_id or listener.account_id
    message_uuid = str(uuid.UUID(int=message.id))
    inbound = message.direction is Direction.INBOUND
    return {
        "uuid": event_uuid,
        "version": listener.version,
        "listener_id": listener.id,
        "context": {"type": "extension" if listener.extension_id else "account", "id": as_int(scope_id),
                    "voip_id": as_int(listener.account_id)},
        "timestamp": now_ms // 1000,
        "timestamp_ns": now_ms * 1_000_000,
        "tags": tags,
        "data_type": "message",
        "data_object_uuid": message_uuid,
        "data": {
            "uuid": message_uuid,
            "direction": "inbound" if inbound else "outbound",
            "state": "received" if inbound else "sent",
            "inbox": {"id": message.id, "extension_id": optional_int(message.mailbox.extension_id), "did": did},
            "from": {"type": "did", "id": message.sender.number},
            "to": [{"type": "did", "id": p.number} for p in message.recipients],
            "type": "mms" if message.media else "sms",
            "message": message.text,
            "media": [media_item(media, listener.origin) for media in message.media],
        },
    }
