"""Reading a tenant's messages the same way from HTTP and from Python: filters, order and one JSON shape."""

from __future__ import annotations

from itertools import islice
from typing import Any, Iterable, Mapping

import attrs

from ..core.clock import iso_ms, parse_iso
from ..core.ids import is_digits
from ..core.model import Direction, Kind, Message, Party, Status
from ..core.rules import normalize_number
from ..core.world import World

FILTERS = ("provider", "account", "number", "from", "to", "direction", "status", "kind", "text", "since", "until")
DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
MAX_OFFSET = 1_000_000_000


# Filters with a closed set of values: a misspelt one is refused rather than matching nothing.
ENUM_FILTERS = {
    "provider": ("ringcentral", "phonecom", "voximplant", "outside"),
    "direction": tuple(d.value.lower() for d in Direction),
    "status": tuple(s.value.lower() for s in Status),
    "kind": tuple(k.value.lower() for k in Kind),
}


class QueryError(ValueError):
    """A filter or page parameter that cannot be used, with its name."""


@attrs.frozen
class MessageQuery:
    """Which messages to return; every filter that is set must hold."""

    provider: str | None = None
    account: str | None = None
    number: str | None = None
    sender: str | None = None
    recipient: str | None = None
    direction: str | None = None
    status: str | None = None
    kind: str | None = None
    text: str | None = None
    since_ms: int | None = None
    until_ms: int | None = None

    def accepts(self, message: Message) -> bool:
        """Every filter that is set holds; checks stop at the first that fails."""
        return (
            (self.provider is None or message.provider.lower() == self.provider)
            and (self.account is None or message.mailbox.account_id == self.account)
            and (self.number is None or self.number in numbers_of(message))
            and (self.sender is None or party_number(message.sender) == self.sender)
            and (self.recipient is None or self.recipient in {party_number(p) for p in message.recipients})
            and (self.direction is None or message.direction.value.lower() == self.direction)
            and (self.status is None or message.status.value.lower() == self.status)
            and (self.kind is None or message.kind.value.lower() == self.kind)
            and (self.text is None or self.text in message.text)
            and (self.since_ms is None or message.created_ms >= self.since_ms)
            and (self.until_ms is None or message.created_ms <= self.until_ms)
        )


NO_FILTER = MessageQuery()


def parse_filters(params: Mapping[str, Any], extra: Iterable[str] = ()) -> MessageQuery:
    """Filters from query parameters or keyword arguments; unknown names are refused, not ignored."""
    unknown = sorted(set(params) - set(FILTERS) - set(extra))
    if unknown:
        raise QueryError(f"unknown filter(s): {', '.join(unknown)}; known: {', '.join(FILTERS)}")
    value = {k: params[k] for k in FILTERS if params.get(k) not in (None, "")}
    for name, allowed in ENUM_FILTERS.items():
        if name in value and str(value[name]).lower() not in allowed:
            raise QueryError(f"{name} must be one of {', '.join(allowed)}, any case; got {value[name]!r}")
    return MessageQuery(
        provider=lowered(value.get("provider")),
        account=text_of(value.get("account")),
        number=number_filter("number", value.get("number")),
        sender=number_filter("from", value.get("from")),
        recipient=number_filter("to", value.get("to")),
        direction=lowered(value.get("direction")),
        status=lowered(value.get("status")),
        kind=lowered(value.get("kind")),
        text=text_of(value.get("text")),
        since_ms=time_filter("since", value.get("since")),
        until_ms=time_filter("until", value.get("until")),
    )


def lowered(value: Any) -> str | None:
    return None if value is None else str(value).lower()


def text_of(value: Any) -> str | None:
    return None if value is None else str(value)


def number_filter(name: str, value: Any) -> str | None:
    if value is None:
        return None
    number = normalize_number(str(value))
    if number is None:
        raise QueryError(f"{name} must be a phone number, got {value!r}")
    return number


MAX_MS_DIGITS = 16  # milliseconds up to year 318857; longer digit strings are no time this API shows


def time_filter(name: str, value: Any) -> int | None:
    """An ISO-8601 time or milliseconds since the epoch."""
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = str(value)
    if is_digits(text) and len(text) <= MAX_MS_DIGITS:
        return int(text)
    try:
        return parse_iso(text)
    except ValueError:
        raise QueryError(f"{name} must be an ISO-8601 time or milliseconds since the epoch, got {text!r}") from None


def page_params(params: Mapping[str, Any]) -> tuple[int, int]:
    return int_param(params, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT), int_param(params, "offset", 0, 0, MAX_OFFSET)


MAX_PARAM_DIGITS = 18  # past every bound of the control API, and short of the 4,300 digits int() stops at


def int_param(params: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    """Every integer query parameter, read strictly: int() alone also takes '1_0', ' 5', '+5' and '١'."""
    raw = params.get(name)
    if raw in (None, ""):
        return default
    if not is_digits(raw):
        raise QueryError(f"{name} must be an integer (ASCII digits only), got {raw!r}")
    if len(raw) > MAX_PARAM_DIGITS or not low <= int(raw) <= high:
        raise QueryError(f"{name} must be {low} to {high}, got {raw}")
    return int(raw)


def select(world: World, query: MessageQuery) -> list[Message]:
    """Matching messages, newest first, with every status change due by now applied."""
    world.now_ms()
    return [m for m in world.store.newest_first() if query.accepts(m)]


def page_of(world: World, query: MessageQuery, offset: int, limit: int) -> tuple[int, list[Message]]:
    """The total and one page, newest first; with no filter set, both come without reading the store."""
    world.now_ms()
    if query == NO_FILTER:
        return len(world.store), list(islice(world.store.newest_first(), offset, offset + limit))
    found = [m for m in world.store.newest_first() if query.accepts(m)]
    return len(found), found[offset:offset + limit]


def party_number(party: Party) -> str | None:
    return party.number or party.extension_number


def numbers_of(message: Message) -> set[str | None]:
    return {party_number(message.sender), *(party_number(p) for p in message.recipients)}


def message_json(message: Message, base: str = "") -> dict[str, Any]:
    """One copy of a message as the control API shows it, whichever provider holds it; `base` is the tenant's
    URL, for the links to an MMS's files."""
    return {
        "id": message.id,
        "provider": message.provider,
        "kind": message.kind.value,
        "direction": message.direction.value,
        "status": message.status.value,
        "from": party_number(message.sender),
        "to": [party_number(p) for p in message.recipients],
        "text": message.text,
        "account": message.mailbox.account_id,
        "extension": message.mailbox.extension_id,
        "handset": message.mailbox.handset,
        "created": iso_ms(message.created_ms),
        "modified": iso_ms(message.modified_ms),
        "created_ms": message.created_ms,
        "conversation_id": message.conversation_id,
        "segments": message.segments,
        "read": message.read,
        "error_code": message.error_code,
        "media": [{"id": m.id, "content_type": m.content_type, "file_name": m.file_name, "size": m.size,
                   "url": f"{base}/_emulator/media/{m.id}"} for m in message.media],
    }
