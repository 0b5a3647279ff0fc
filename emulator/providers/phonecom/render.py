"""Phone.com JSON for SMS, phone numbers, extensions and list envelopes; field names as in its v4 specs."""

from __future__ import annotations

from functools import lru_cache

from ...core.clock import utc_second
from ...core.directory import Directory
from ...core.model import Direction, Extension, Message, PhoneNumber
from .rules import RECIPIENT_STATUS

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


def recipients(record: Message) -> list[dict]:
    status = RECIPIENT_STATUS.get(record.status, "queued")
    return [{"number": party.number, "status": status} for party in record.recipients]


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
    }


def extension(record: Extension) -> dict:
    """ExtensionFull, with the fields an SMS client reads filled and the telephony ones left at defaults."""
    return {
        **extension_summary(record),
        "full_name": record.name,
        "usage_type": "unlimited",
        "timezone": "America/New_York",
        "include_in_directory": True,
        "enable_call_waiting": True,
        "enable_outbound_calls": True,
        "caller_id": "private",  # the spec's value for "no caller id assigned"; its schema types this a string
        "local_area_code": "",
        "route": None,
    }


def list_body(filters: dict, sort: dict, total: int, offset: int, limit: int, items: list[dict]) -> dict:
    return {"filters": filters, "sort": sort, "total": total, "offset": offset, "limit": limit, "items": items}
