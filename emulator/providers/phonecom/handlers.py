"""Phone.com endpoints: each authenticates, parses, asks the core, and renders; none of them decides a rule."""

from __future__ import annotations

from typing import Any, Callable, Iterable

from aiohttp import web
from multidict import MultiDict

from ...core import carrier
from ...core.clock import parse_iso
from ...core.ids import is_digits
from ...core.model import Availability, Direction, Extension, Mailbox, Message
from ...core.rules import Rejection
from ...core.world import World
from ...wire import EXCHANGE, BodyError, json_response, query, read_json_object
from . import NAME, auth, render
from .errors import bad_request, body_too_large, from_rejection, invalid, not_found, unparsable_json
from .parse import (
    ListQuery,
    as_direction,
    as_flag,
    as_integer,
    as_text,
    is_new_value,
    list_query,
    mode_value,
    sms_request,
)
from .rules import SMS_POLICY


def world_of(request: web.Request) -> World:
    return request[EXCHANGE].world


async def json_body(request: web.Request) -> dict:
    try:
        return await read_json_object(request)
    except BodyError as error:
        if error.problem == "too-large":
            raise body_too_large() from None
        if error.problem == "not-object":
            raise bad_request("Request body must be a JSON object") from None
        raise unparsable_json() from None


def respond(body: Any, status: int = 200) -> web.Response:
    return json_response(body, status, content_type="application/json")


# --- SMS fields for filters and sorting ------------------------------------------------------------

def as_sms_id(raw: str) -> str:
    return raw.strip().lower()


def as_timestamp(raw: str) -> int:
    """UNIX seconds, as the spec's example `gt:1597778180`; an ISO-8601 time is read too."""
    text = raw.strip()
    if is_digits(text.lstrip("-")):
        return int(text)
    return parse_iso(text) // 1000


def extension_value(record: Message) -> list:
    ext = record.mailbox.extension_id
    return [int(ext) if ext and is_digits(ext) else ext]


SMS_FILTERS: dict[str, tuple[Callable[[str], Any], Callable[[Message], list]]] = {
    "id": (as_sms_id, lambda m: [render.sms_id(m.id)]),
    "is_new": (as_flag, lambda m: [not m.read]),
    "from": (as_text, lambda m: [m.sender.number]),
    "to": (as_text, lambda m: [p.number for p in m.recipients]),
    "direction": (as_direction, lambda m: ["out" if m.direction is Direction.OUTBOUND else "in"]),
    "created_at": (as_timestamp, lambda m: [m.created_ms // 1000]),
    "updated_at": (as_timestamp, lambda m: [m.modified_ms // 1000]),
    "extension": (as_integer, extension_value),
}
SMS_SORTS: dict[str, Callable[[Message], Any]] = {"id": lambda m: m.id, "created_at": lambda m: (m.created_ms, m.id)}
DELETED_OPTIONS = frozenset({"only", "ignore", "with"})


def sms_query(params: MultiDict[str]) -> ListQuery:
    wanted = list_query(params, {k: v[0] for k, v in SMS_FILTERS.items()}, SMS_SORTS,
                        {"deleted": DELETED_OPTIONS})
    fields = {name for name, _ in wanted.conditions}
    for needs_direction in ("from", "to"):
        if needs_direction in fields and "direction" not in fields:
            raise invalid(f"filters[{needs_direction}]",
                          f"The direction filter is required when filtering by {needs_direction}.")
    return wanted


def wanted_availability(record: Message, deleted: str) -> bool:
    if record.availability is Availability.PURGED:
        return False
    is_deleted = record.availability is Availability.DELETED
    return {"only": is_deleted, "with": True}.get(deleted, not is_deleted)


def select(records: Iterable, wanted: ListQuery, getters: dict, sorts: dict) -> list:
    chosen = [r for r in records if all(c.accepts(getters[f](r)) for f, c in wanted.conditions)]
    for field, descending in reversed(wanted.sort):
        chosen.sort(key=sorts[field], reverse=descending)
    return chosen


def page(wanted: ListQuery, records: list) -> list:
    return records[wanted.offset:wanted.offset + wanted.limit]


# --- which messages a scope sees ------------------------------------------------------------------

def account_messages(world: World, account_id: str) -> list[Message]:
    """The account-level list holds every copy in every mailbox of the account, its own mailbox included."""
    world.now_ms()
    found: list[Message] = []
    for mailbox in world.store.mailboxes():
        if mailbox.account_id == account_id and not mailbox.is_outside:
            found.extend(world.store.mailbox(mailbox).messages)
    return found


def extension_messages(world: World, account_id: str, extension: Extension) -> list[Message]:
    return world.messages_in(Mailbox(account_id, extension.id))


def scope_of(request: web.Request) -> tuple[World, str, Extension | None]:
    """The account, and the extension when the path names one, after checking the token may use them."""
    world = world_of(request)
    if "extension_id" in request.match_info:
        grant, extension = auth.extension_scope(world, request)
        return world, grant.account_id, extension
    grant = auth.account_scope(world, request)
    return world, grant.account_id, None


def visible_messages(world: World, account_id: str, extension: Extension | None) -> list[Message]:
    if extension is None:
        return account_messages(world, account_id)
    return extension_messages(world, account_id, extension)


def one_message(request: web.Request) -> tuple[World, Message]:
    world, account_id, extension = scope_of(request)
    message_id = render.core_id(request.match_info["sms_id"])
    record = world.store.get(message_id) if message_id is not None else None
    world.now_ms()
    if record is None or record.availability is not Availability.ALIVE or record.mailbox.is_outside:
        raise not_found()
    if record.mailbox.account_id != account_id:
        raise not_found()
    if extension is not None and record.mailbox.extension_id != extension.id:
        raise not_found()
    return world, record


# --- SMS endpoints ----------------------------------------------------------------------------------

async def create_sms(request: web.Request) -> web.Response:
    world, account_id, extension = scope_of(request)
    body = await json_body(request)
    command = sms_request(body, account_id, extension.id if extension else None)
    check_save_target(world, account_id, extension, command.save_to_extension_id)
    result = carrier.send_sms(world, command, SMS_POLICY, NAME, request[EXCHANGE].fail_delivery)
    if isinstance(result, Rejection):
        raise from_rejection(result)
    return respond(render.sms(world.directory, result.outbound), 201)


def check_save_target(world: World, account_id: str, extension: Extension | None, save_to: str | None) -> None:
    """`extension_id` must be an extension of the account, and on an extension path that extension."""
    if save_to is None:
        return
    target = world.directory.extensions.get(save_to)
    if target is None or target.account_id != account_id:
        raise invalid("extension_id", "The selected extension_id is invalid.")
    if extension is not None and target.id != extension.id:
        raise invalid("extension_id", "The extension_id must be the extension of the path.")


async def list_sms(request: web.Request) -> web.Response:
    world, account_id, extension = scope_of(request)
    params = query(request)
    wanted = sms_query(params)
    mode = mode_value(params)
    deleted = wanted.options.get("deleted", "ignore")
    records = [r for r in visible_messages(world, account_id, extension) if wanted_availability(r, deleted)]
    chosen = select(records, wanted, {k: v[1] for k, v in SMS_FILTERS.items()}, SMS_SORTS)
    items = [render.sms(world.directory, r, mode) for r in page(wanted, chosen)]
    return respond(render.list_body(wanted.filters_echo, wanted.sort_echo, len(chosen), wanted.offset,
                                    wanted.limit, items))


async def delete_sms_list(request: web.Request) -> web.Response:
    """Delete List SMS: the page the same query would list is deleted and returned."""
    world, account_id, extension = scope_of(request)
    wanted = sms_query(query(request))
    records = [r for r in visible_messages(world, account_id, extension) if wanted_availability(r, "ignore")]
    chosen = select(records, wanted, {k: v[1] for k, v in SMS_FILTERS.items()}, SMS_SORTS)
    deleted = page(wanted, chosen)
    for record in deleted:
        record.availability = Availability.DELETED
        world.touch(record)
    items = [render.sms(world.directory, r) for r in deleted]
    return respond(render.list_body(wanted.filters_echo, wanted.sort_echo, len(chosen), wanted.offset,
                                    wanted.limit, items))


async def get_sms(request: web.Request) -> web.Response:
    world, record = one_message(request)
    return respond(render.sms(world.directory, record, mode_value(query(request))))


async def patch_sms(request: web.Request) -> web.Response:
    world, record = one_message(request)
    is_new = is_new_value(await json_body(request))
    if is_new is not None:
        record.read = not is_new
        world.touch(record)
    return respond(render.sms(world.directory, record))


async def delete_sms(request: web.Request) -> web.Response:
    world, record = one_message(request)
    record.availability = Availability.DELETED
    world.touch(record)
    return respond({})


# --- phone numbers and extensions -------------------------------------------------------------------

NUMBER_FILTERS = {"id": as_integer, "name": as_text, "phone_number": as_text}
NUMBER_GETTERS = {"id": lambda r: [r["id"]], "name": lambda r: [r["name"]],
                  "phone_number": lambda r: [r["phone_number"]]}
EXTENSION_FILTERS = {"id": as_integer, "extension": as_integer, "name": as_text}
EXTENSION_GETTERS = {"id": lambda r: [r["id"]], "extension": lambda r: [r["extension"]], "name": lambda r: [r["name"]]}


def sort_by(field: str):
    return lambda item: item[field]


def directory_page(request: web.Request, items: list[dict], filters: dict, getters: dict) -> web.Response:
    """Numbers and extensions list in the same envelope and grammar as SMS, oldest id first by default."""
    params = query(request)
    sorts = {field: sort_by(field) for field in getters}
    wanted = list_query(params, filters, sorts)
    if not any(key.startswith("sort[") for key in params):
        wanted = ListQuery(wanted.conditions, (("id", False),), wanted.limit, wanted.offset,
                           wanted.filters_echo, {"id": "asc"}, wanted.options)
    chosen = select(items, wanted, getters, sorts)
    return respond(render.list_body(wanted.filters_echo, wanted.sort_echo, len(chosen), wanted.offset,
                                    wanted.limit, page(wanted, chosen)))


async def list_phone_numbers(request: web.Request) -> web.Response:
    world, account_id, extension = scope_of(request)
    numbers = world.directory.numbers_of_account(account_id)
    if extension is not None:
        numbers = [n for n in numbers if n.extension_id == extension.id]
    items = [render.phone_number(world.directory, n) for n in numbers]
    return directory_page(request, items, NUMBER_FILTERS, NUMBER_GETTERS)


async def list_extensions(request: web.Request) -> web.Response:
    """Extensions visible to the token: all of them for the owner, its own for an extension user."""
    world = world_of(request)
    grant = auth.grant_for(world, request)
    account_id = auth.check_account(grant, request.match_info["account_id"])
    extensions = world.directory.extensions_of(account_id)
    if not grant.is_owner:
        extensions = [e for e in extensions if e.id == grant.extension_id]
    return directory_page(request, [render.extension(e) for e in extensions], EXTENSION_FILTERS, EXTENSION_GETTERS)


async def get_extension(request: web.Request) -> web.Response:
    _, _, extension = scope_of(request)
    return respond(render.extension(extension))


async def access_token_details(request: web.Request) -> web.Response:
    """Token introspection: the scope, the account (voip_id) and, for an extension user, the extension."""
    grant = auth.grant_for(world_of(request), request)
    detail: dict = {"scope": grant.scope, "voip_id": int(grant.account_id)}
    if grant.extension_id is not None:
        detail["extension_id"] = render.as_int(grant.extension_id)
    return respond({"access_token": grant.token, "scope": grant.scope, "scope_details": [detail],
                    "expires_at": None})
