"""Turn RingCentral request bodies and query strings into typed commands, or RingCentral's 400."""

from __future__ import annotations

from typing import Any

import attrs
from multidict import MultiDict

from ...core.clock import parse_iso
from ...core.model import Availability, Direction, Kind
from ...core.rules import PagerRecipient, SmsRequest
from ...wire import has_lone_surrogate
from .errors import RingCentralError, invalid, mandatory
from .rules import DEFAULT_LIST_WINDOW_MS, DEFAULT_PER_PAGE, MAX_PER_PAGE


def text_field(body: dict) -> str | None:
    text = body.get("text")
    if text is None:
        return None
    if not isinstance(text, str) or has_lone_surrogate(text):
        raise invalid("text")
    return text


def sms_request(body: dict, account_id: str, caller_id: str) -> SmsRequest:
    sender = body.get("from")
    if sender is None:
        raise mandatory("from")
    if not isinstance(sender, dict) or not isinstance(sender.get("phoneNumber"), str):
        raise invalid("from.phoneNumber")
    recipients = body.get("to")
    if recipients is None:
        raise mandatory("to")
    if not isinstance(recipients, list):
        raise invalid("to")
    numbers = []
    for recipient in recipients:
        if not isinstance(recipient, dict) or not isinstance(recipient.get("phoneNumber"), str):
            raise invalid("to.phoneNumber")
        numbers.append(recipient["phoneNumber"])
    country = body.get("country")
    if isinstance(country, dict) and "id" in country and "isoCode" in country:
        raise RingCentralError(400, "MSG-365", "Parameters [country.id] and [country.isoCode] can not be "
                               "specified simultaneously", "country")
    return SmsRequest(account_id, sender["phoneNumber"], tuple(numbers), text_field(body), caller_id)


@attrs.frozen
class PagerBody:
    text: str | None
    to: tuple[PagerRecipient, ...]
    from_extension_id: str | None
    from_extension_number: str | None
    reply_on: int | None


def pager_body(body: dict) -> PagerBody:
    sender = body.get("from") or {}
    if not isinstance(sender, dict):
        raise invalid("from")
    recipients = body.get("to") or []
    if not isinstance(recipients, list):
        raise invalid("to")
    parsed = tuple(pager_recipient(r) for r in recipients)
    reply_on = body.get("replyOn")
    if reply_on is not None:
        reply_on = integer(reply_on, "replyOn")
    if not parsed and reply_on is None:
        raise mandatory("to")
    return PagerBody(text_field(body), parsed, optional_id(sender.get("extensionId"), "from.extensionId"),
                     optional_id(sender.get("extensionNumber"), "from.extensionNumber"), reply_on)


def pager_recipient(raw: Any) -> PagerRecipient:
    if not isinstance(raw, dict):
        raise invalid("to")
    ext_id = optional_id(raw.get("extensionId"), "to.extensionId")
    ext_number = optional_id(raw.get("extensionNumber"), "to.extensionNumber")
    if ext_id is None and ext_number is None:
        raise invalid("to.extensionNumber")
    return PagerRecipient(ext_id, ext_number)


def optional_id(value: Any, parameter: str) -> str | None:
    """Ids and extension numbers arrive as strings or numbers; anything else is invalid."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise invalid(parameter)
    return str(value)


def integer(value: Any, parameter: str, minimum: int | None = None) -> int:
    if isinstance(value, bool):
        raise invalid(parameter)
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise invalid(parameter) from None
    if minimum is not None and number < minimum:
        raise invalid(parameter)
    return number


def enum_values(params: MultiDict[str], name: str, allowed: set[str]) -> set[str] | None:
    values = params.getall(name, [])
    if not values:
        return None
    chosen = set()
    for value in values:
        for item in value.split(","):
            if item not in allowed:
                raise invalid(name)
            chosen.add(item)
    return chosen


def boolean(params: MultiDict[str], name: str) -> bool:
    value = params.get(name)
    if value is None:
        return False
    lowered = value.lower()
    if lowered not in ("true", "false"):
        raise invalid(name)
    return lowered == "true"


def time_param(params: MultiDict[str], name: str) -> int | None:
    value = params.get(name)
    if value is None:
        return None
    try:
        return parse_iso(value)
    except ValueError:
        raise invalid(name) from None


def paging_params(params: MultiDict[str]) -> tuple[int, int]:
    page = integer(params.get("page", "1"), "page", minimum=1)
    per_page = integer(params.get("perPage", str(DEFAULT_PER_PAGE)), "perPage", minimum=1)
    return page, min(per_page, MAX_PER_PAGE)


@attrs.frozen
class MessageFilter:
    """The message-store list filters, with RingCentral's defaults applied."""

    date_from: int
    date_to: int
    availability: frozenset[str]
    directions: frozenset[str] | None
    kinds: frozenset[str] | None
    read_statuses: frozenset[str] | None
    conversation_id: int | None
    phone_number: str | None
    distinct_conversations: bool
    page: int
    per_page: int


def message_filter(params: MultiDict[str], now_ms: int) -> MessageFilter:
    date_to = time_param(params, "dateTo")
    date_to = now_ms if date_to is None else date_to
    date_from = time_param(params, "dateFrom")
    date_from = date_to - DEFAULT_LIST_WINDOW_MS if date_from is None else date_from
    availability = enum_values(params, "availability", {a.value for a in Availability}) or {"Alive"}
    conversation = params.get("conversationId")
    page, per_page = paging_params(params)
    phone = params.get("phoneNumber")
    return MessageFilter(
        date_from=date_from,
        date_to=date_to,
        availability=frozenset(availability),
        directions=frozen(enum_values(params, "direction", {d.value for d in Direction})),
        kinds=frozen(enum_values(params, "messageType", {"Fax", "SMS", "VoiceMail", "Pager", "Text"})),
        read_statuses=frozen(enum_values(params, "readStatus", {"Read", "Unread"})),
        conversation_id=integer(conversation, "conversationId") if conversation is not None else None,
        phone_number=phone.strip() if phone else None,
        distinct_conversations=boolean(params, "distinctConversations"),
        page=page,
        per_page=per_page,
    )


def frozen(values: set[str] | None) -> frozenset[str] | None:
    return frozenset(values) if values is not None else None


KIND_NAMES = {k.value for k in Kind}
