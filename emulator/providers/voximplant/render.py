"""Voximplant's JSON records: phone numbers and SMS history, numbers without '+' and its date formats."""

from __future__ import annotations

import csv
import hashlib
import io
from datetime import date, datetime, timezone

from ...core.ids import is_digits
from ...core.model import Account, Direction, Message, PhoneNumber, Status
from .parse import API_DATE, API_DATETIME, AccountCallbacks, ProfileValue, digits
from .rules import DEFAULT_ACCOUNT_BALANCE, DEFAULT_ACCOUNT_CURRENCY, PRICE_PER_FRAGMENT

DEFAULT_PURCHASE_DATE = "2024-01-01 00:00:00"
DEFAULT_NEXT_RENEWAL = "2030-01-01"
DEFAULT_ACCOUNT_CREATED = DEFAULT_PURCHASE_DATE  # the account is as old as its numbers
COUNTRY_BY_PREFIX = (("44", "GB"), ("1", "US"), ("49", "DE"), ("7", "RU"))

STATUS_IDS = {
    Status.QUEUED: "3",
    Status.SENT: "1",
    Status.DELIVERED: "1",
    Status.RECEIVED: "1",
    Status.DELIVERY_FAILED: "2",
    Status.SENDING_FAILED: "2",
}
# The columns of output=csv: every field a history record can have, in the order the JSON writes them.
HISTORY_COLUMNS = ("message_id", "transaction_id", "source_number", "destination_number", "fragments", "cost",
                   "status_id")
SMS_HISTORY_COLUMNS = HISTORY_COLUMNS + ("direction", "processed_date", "error_message", "text")
A2P_HISTORY_COLUMNS = HISTORY_COLUMNS + ("delivery_status", "processing_date", "error_message", "text")
# Optional AttachedPhoneInfo fields a seed may give a number.
SEEDED_NUMBER_FIELDS = ("application_name", "phone_region_name", "incoming_sms_callback_url")

A2P_STATUS_NAMES = {
    Status.QUEUED: "QUEUED",
    Status.SENT: "DISPATCHED",
    Status.DELIVERED: "DELIVERED",
    Status.RECEIVED: "DELIVERED",
    Status.DELIVERY_FAILED: "FAILED",
    Status.SENDING_FAILED: "REJECTED",
}


# SendSmsMessage's answer, all integers: what encoding its dict gives, written out, as every send answers with it.
SENT_JSON = b'{"result":1,"message_id":%d,"transaction_id":%d,"fragments_count":%d}'


def sent_sms_json(message: Message) -> bytes:
    return SENT_JSON % (message.id, message.id, message.segments)


def api_datetime(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, timezone.utc).strftime(API_DATETIME)


def history_date(account: Account, ms: int) -> str:
    """Date only by default (the Python client parses it with "%Y-%m-%d"); the documented datetime on request."""
    if account.auth.get("history_dates") == "datetime":
        return api_datetime(ms)
    return datetime.fromtimestamp(ms / 1000, timezone.utc).strftime(API_DATE)


def numeric_id(value: str) -> int | str:
    return int(value) if is_digits(value) else value


def country_code(number: str) -> str:
    plain = digits(number)
    return next((code for prefix, code in COUNTRY_BY_PREFIX if plain.startswith(prefix)), "")


def phone_number(number: PhoneNumber) -> dict:
    """An AttachedPhoneInfo with the fields and date formats the official clients parse."""
    extra = number.extra
    record = {
        "phone_id": numeric_id(number.id),
        "phone_number": digits(number.number),
        "phone_price": float(extra.get("phone_price", 1.0)),
        "phone_country_code": str(extra.get("phone_country_code", country_code(number.number))),
        "phone_next_renewal": str(extra.get("phone_next_renewal", DEFAULT_NEXT_RENEWAL)),
        "phone_purchase_date": str(extra.get("phone_purchase_date", DEFAULT_PURCHASE_DATE)),
        "deactivated": bool(extra.get("deactivated", False)),
        "canceled": bool(extra.get("canceled", False)),
        "auto_charge": bool(extra.get("auto_charge", True)),
        "category_name": str(extra.get("category_name", "MOBILE")),
        "can_be_used": bool(extra.get("can_be_used", True)),
        "is_sms_supported": number.sms_supported,
        "is_sms_enabled": number.sms_supported and number.sms_enabled,
        "emergency_calls_to_be_enabled": False,
        "emergency_calls_enabled": False,
        "subscription_id": numeric_id(str(extra.get("subscription_id", number.id))),
        "modified": str(extra.get("modified", extra.get("phone_purchase_date", DEFAULT_PURCHASE_DATE))),
    }
    if extra.get("application_id") is not None:
        record["application_id"] = numeric_id(str(extra["application_id"]))
    for field in SEEDED_NUMBER_FIELDS:
        if extra.get(field):
            record[field] = str(extra[field])
    return record


def own_number(message: Message, account_numbers: frozenset[str]) -> str:
    """For an inbound copy, the account's own number among the recipients."""
    numbers = [p.number for p in message.recipients if p.number]
    return next((n for n in numbers if n in account_numbers), numbers[0] if numbers else "")


def other_number(message: Message) -> str:
    return next((p.number for p in message.recipients if p.number), "")


def ends(message: Message, account_numbers: frozenset[str]) -> tuple[str, str]:
    """Source and destination as Voximplant writes them."""
    if message.direction is Direction.INBOUND:
        return digits(message.sender.number), digits(own_number(message, account_numbers))
    return digits(message.sender.number), digits(other_number(message))


def sms_history(account: Account, message: Message, account_numbers: frozenset[str], with_text: bool) -> dict:
    return history_record(message, account_numbers, with_text,
                          direction="IN" if message.direction is Direction.INBOUND else "OUT",
                          processed_date=history_date(account, message.created_ms))


def a2p_history(account: Account, message: Message, account_numbers: frozenset[str], with_text: bool) -> dict:
    return history_record(message, account_numbers, with_text,
                          delivery_status=A2P_STATUS_NAMES[message.status],
                          processing_date=history_date(account, message.created_ms))


def history_record(message: Message, account_numbers: frozenset[str], with_text: bool, **specific) -> dict:
    """The fields GetSmsHistory and A2PGetSmsHistory records share, then each method's own."""
    source, destination = ends(message, account_numbers)
    record = {
        "message_id": message.id,
        "transaction_id": message.id,
        "source_number": source,
        "destination_number": destination,
        "fragments": message.segments,
        "cost": round(message.segments * PRICE_PER_FRAGMENT, 4),
        "status_id": STATUS_IDS[message.status],
        **specific,
    }
    add_optional(record, message, with_text)
    return record


def add_optional(record: dict, message: Message, with_text: bool) -> None:
    if message.error_code:
        record["error_message"] = message.error_code
    if with_text:
        record["text"] = message.text


def history_csv(records: list[dict], columns: tuple[str, ...]) -> str:
    """The file output=csv downloads: a header naming the columns, then each record; a field it lacks is empty."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns)
    writer.writeheader()
    writer.writerows(records)
    return out.getvalue()


def inbound_sms_callback(account: Account, message: Message, own: str, callback_id: int, salt: str) -> dict:
    """The callback of one inbound SMS; sms_inbound nested once, as the one real consumer found reads it.

    hash is md5(callback_salt + account_id + api_key + callback_id), so the application can tell it is Voximplant.
    """
    signed = f"{salt}{account.id}{account.auth.get('api_key', '')}{callback_id}"
    return {"callbacks": [{
        "callback_id": callback_id,
        "type": "sms_inbound",
        "account_id": numeric_id(account.id),
        "hash": hashlib.md5(signed.encode()).hexdigest(),
        "sms_inbound": {"source_number": digits(message.sender.number), "destination_number": digits(own),
                        "sms_body": message.text, "receival_date": api_datetime(message.created_ms)},
    }]}


# AccountInfoType's fields in the order Voximplant's typings list them; a field with no value is left out.
ACCOUNT_INFO_FIELDS = (
    "account_id", "account_name", "account_email", "api_key", "account_first_name", "account_last_name", "created",
    "language_code", "location", "min_balance_to_notify", "account_notifications", "tariff_changing_notifications",
    "news_notifications", "billing_address_name", "billing_address_country_code", "billing_address_address",
    "billing_address_zip", "billing_address_phone", "billing_address_state", "active", "frozen", "balance",
    "currency", "account_custom_data", "callback_url", "callback_salt", "send_js_error", "a2p_sms_enabled",
)
REQUIRED_ACCOUNT_INFO_FIELDS = frozenset({"account_id", "account_name", "account_email", "created", "active"})


def account_info(account: Account, profile: dict[str, ProfileValue], callbacks: AccountCallbacks,
                 shows_api_key: bool) -> dict:
    """GetAccountInfo's AccountInfoType: the seed's account, the profile and callbacks in force, and the emulator's
    own state (every account active and unfrozen, A2P open to all, nothing charged)."""
    auth = account.auth
    values = {
        **profile,
        "account_id": numeric_id(account.id),
        "account_name": account.name,
        "account_email": str(auth.get("account_email", "")),
        "api_key": str(auth.get("api_key") or "") if shows_api_key else None,
        "created": account_created(auth.get("created")),
        "active": True,
        "frozen": False,
        "balance": money(auth.get("balance"), DEFAULT_ACCOUNT_BALANCE),
        "currency": str(auth.get("currency") or DEFAULT_ACCOUNT_CURRENCY),
        "callback_url": callbacks.callback_url,
        "callback_salt": callbacks.callback_salt,
        "a2p_sms_enabled": True,
    }
    return {field: values[field] for field in ACCOUNT_INFO_FIELDS
            if field in REQUIRED_ACCOUNT_INFO_FIELDS or values.get(field) not in (None, "")}


def account_created(seeded: object) -> str:
    """`YYYY-MM-DD HH:MM:SS`, as the Python client parses `created`; YAML reads an unquoted one as a datetime."""
    if isinstance(seeded, datetime):
        return seeded.strftime(API_DATETIME)
    if isinstance(seeded, date):
        return seeded.strftime(API_DATE) + " 00:00:00"
    return str(seeded) if seeded else DEFAULT_ACCOUNT_CREATED


def money(seeded: object, default: float) -> float:
    """A seeded amount, to 4 decimal places as Voximplant writes balances; anything but a number is the default."""
    return round(float(seeded), 4) if is_amount(seeded) else default


def is_amount(value: object) -> bool:
    """A number of money as YAML gives one: an int or a float, but not a boolean (an int to Python)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)
