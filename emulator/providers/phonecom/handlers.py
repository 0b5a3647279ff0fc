"""Phone.com endpoints: each authenticates, parses, asks the core, and renders; none of them decides a rule."""

from __future__ import annotations

from typing import Any, Callable, Iterable

import attrs
from aiohttp import web
from multidict import MultiDict

from ...core import carrier
from ...core.clock import parse_iso
from ...core.ids import is_digits
from ...core.model import Availability, Direction, Extension, Kind, Mailbox, Message
from ...core.rules import Rejection
from ...core.world import World
from ...webhooks import DELIVERY_TIMEOUT_S, WEBHOOKS_KEY, Webhooks
from ...wire import (EXCHANGE, BodyError, encoded_json_response, form_query, json_response, origin, read_json_object,
                     world_after_await)
from . import NAME, auth, render
from .errors import PhoneComError, bad_request, body_too_large, from_rejection, invalid, not_found, unparsable_json
from .parse import (
    CallbackConfig,
    ListQuery,
    NumberFilter,
    as_direction,
    as_flag,
    as_integer,
    as_role,
    as_text,
    callback_fields,
    is_new_value,
    list_query,
    listener_fields,
    message_request,
    mode_value,
    number_filter,
    path_integer,
    php_params,
    read_value,
    sms_request,
    subscription_tags,
    token_request,
)
from .rules import (CALLBACK_TEST_BODY, EVENTS_VERSION, EXTENSION_ROLE, LONGEST_CALLBACK_WAIT_S, MESSAGE_MMS_POLICY,
                    MESSAGE_POLICY, SMS_POLICY)


def php_query(request: web.Request) -> MultiDict[str]:
    """The query string as Phone.com's PHP reads it: a form ('+' a space), a repeated key's last value winning."""
    return php_params(form_query(request).items())


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


JSON_CONTENT = {"Content-Type": "application/json"}


def respond(body: Any, status: int = 200) -> web.Response:
    return json_response(body, status, content_type="application/json")


# --- SMS fields for filters and sorting ------------------------------------------------------------

def as_sms_id(raw: str) -> str:
    return raw.strip().lower()


def as_timestamp(raw: str) -> int:
    """UNIX seconds, as the spec's example `gt:1597778180`; an ISO-8601 time is read too."""
    text = raw.strip()
    if is_digits(text.lstrip("-")):
        return as_integer(text)
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
    world = request[EXCHANGE].world
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
    """The SMS the path names by its 40-hex id, or the message by its number (the Messages API), in scope."""
    world, account_id, extension = scope_of(request)
    if "sms_id" in request.match_info:
        message_id = render.core_id(request.match_info["sms_id"])
    else:
        message_id = path_integer(request.match_info["message_id"])
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
    return encoded_json_response(render.sent_sms_json(world, result.outbound), 201, JSON_CONTENT)


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
    params = php_query(request)
    wanted = sms_query(params)
    mode = mode_value(params)
    chosen = listed_sms(world, account_id, extension, wanted)
    items = [render.sms(world.directory, r, mode) for r in page(wanted, chosen)]
    return respond(render.list_body(wanted.filters_echo, wanted.sort_echo, len(chosen), wanted.offset,
                                    wanted.limit, items))


def listed_sms(world: World, account_id: str, extension: Extension | None, wanted: ListQuery) -> list[Message]:
    """What List SMS matches, which Delete List SMS deletes too: `filters[deleted]` included."""
    deleted = wanted.options.get("deleted", "ignore")
    records = [r for r in visible_messages(world, account_id, extension) if wanted_availability(r, deleted)]
    return select(records, wanted, {k: v[1] for k, v in SMS_FILTERS.items()}, SMS_SORTS)


async def delete_sms_list(request: web.Request) -> web.Response:
    """Delete List SMS: the page the same query would list is deleted and returned."""
    world, account_id, extension = scope_of(request)
    wanted = sms_query(php_query(request))
    chosen = listed_sms(world, account_id, extension, wanted)
    deleted = page(wanted, chosen)
    for record in deleted:
        if record.availability is Availability.ALIVE:
            record.availability = Availability.DELETED
            world.touch(record)
    items = [render.sms(world.directory, r) for r in deleted]
    return respond(render.list_body(wanted.filters_echo, wanted.sort_echo, len(chosen), wanted.offset,
                                    wanted.limit, items))


async def get_sms(request: web.Request) -> web.Response:
    world, record = one_message(request)
    return respond(render.sms(world.directory, record, mode_value(php_query(request))))


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


# --- Messages API ----------------------------------------------------------------------------------

MESSAGE_FILTERS: dict[str, tuple[Callable[[str], Any], Callable[[Message], list]]] = {
    "message_id": (as_text, lambda m: [str(m.id)]),
    "direction": (as_direction, lambda m: ["out" if m.direction is Direction.OUTBOUND else "in"]),
    "from": (as_text, lambda m: [m.sender.number]),
    "to": (as_text, lambda m: [p.number for p in m.recipients]),
    "extension_id": (as_integer, extension_value),
    "read": (as_flag, lambda m: [m.read]),
    "conversation_id": (as_text, lambda m: [render.conversation_key(m)]),
    "created_at": (as_timestamp, lambda m: [m.created_ms // 1000]),
    "updated_at": (as_timestamp, lambda m: [m.modified_ms // 1000]),
    "archived_at": (as_timestamp, lambda m: [None]),  # nothing is archived
}
MESSAGE_BOUNDS = {"created_after": ("created_at", "gt"), "created_before": ("created_at", "lt"),
                  "updated_after": ("updated_at", "gt"), "updated_before": ("updated_at", "lt")}
MESSAGE_SORTS: dict[str, Callable[[Message], Any]] = {"id": lambda m: m.id}


def message_query(params: MultiDict[str]) -> ListQuery:
    """The Messages list's filters; `created_after=T` reads as `created_at=gt:T` (a value with an operator
    keeps it), and the like."""
    filters = {k: v[0] for k, v in MESSAGE_FILTERS.items()}
    filters.update({name: as_timestamp for name in MESSAGE_BOUNDS})
    wanted = list_query(params, filters, MESSAGE_SORTS, {"deleted": DELETED_OPTIONS})
    conditions = tuple((field, attrs.evolve(c, operator=MESSAGE_BOUNDS[field][1]) if field in MESSAGE_BOUNDS and
                        c.operator == "eq" else c) for field, c in wanted.conditions)
    return attrs.evolve(wanted, conditions=conditions)


def message_getters() -> dict[str, Callable[[Message], list]]:
    getters = {k: v[1] for k, v in MESSAGE_FILTERS.items()}
    getters.update({name: MESSAGE_FILTERS[field][1] for name, (field, _) in MESSAGE_BOUNDS.items()})
    return getters


async def create_message(request: web.Request) -> web.Response:
    world, account_id, extension = scope_of(request)
    command, files = message_request(await json_body(request), account_id, extension.id if extension else None)
    result = carrier.send_sms(world, command, MESSAGE_POLICY, NAME, request[EXCHANGE].fail_delivery, files,
                              MESSAGE_MMS_POLICY)
    if isinstance(result, Rejection):
        raise from_rejection(result)
    return respond(render.created_message(result.outbound, origin(request)), 201)


async def list_messages(request: web.Request) -> web.Response:
    world, account_id, extension = scope_of(request)
    params = php_query(request)
    wanted = message_query(params)
    mode_value(params)
    deleted = wanted.options.get("deleted", "ignore")
    records = [r for r in visible_messages(world, account_id, extension) if wanted_availability(r, deleted)]
    chosen = select(records, wanted, message_getters(), MESSAGE_SORTS)
    base = origin(request)
    items = [render.message_item(r, base) for r in page(wanted, chosen)]
    return respond(render.list_body(wanted.filters_echo, wanted.sort_echo, len(chosen), wanted.offset,
                                    wanted.limit, items))


async def get_message(request: web.Request) -> web.Response:
    _, record = one_message(request)
    mode_value(php_query(request))
    return respond(render.message_item(record, origin(request)))


async def patch_message(request: web.Request) -> web.Response:
    world, record = one_message(request)
    read = read_value(await json_body(request))
    if read is not None:
        record.read = read
        world.touch(record)
    return respond(render.message_item(record, origin(request)))


# --- phone numbers and extensions -------------------------------------------------------------------

# The 2017 names (id, name, phone_number) and the v4.6.11 ones that map onto what a number holds: `number` and
# `did` are the phone number, `name-or-did` either. activation_date, has_real_route, lrdn_numbers and usage are
# not emulated and get the 422 of an unknown filter.
NUMBER_FILTERS = {"id": as_integer, "name": as_text, "phone_number": as_text, "number": as_text, "did": as_text,
                  "name-or-did": as_text}
NUMBER_GETTERS = {"id": lambda r: [r["id"]], "name": lambda r: [r["name"]],
                  "phone_number": lambda r: [r["phone_number"]], "number": lambda r: [r["phone_number"]],
                  "did": lambda r: [r["phone_number"]], "name-or-did": lambda r: [r["name"], r["phone_number"]]}
NUMBER_SORTS = ("id", "name", "phone_number")
# The 2017 names (id, extension, name) and the v4.6.11 ones. `full_name` is the name, as the item shows it, and
# `name-or-extension` either, the number as text like a name. The seed gives no role, virtual, route or NXT
# generation, so those filters answer what the seeded extensions are (rules.EXTENSION_ROLE).
EXTENSION_FILTERS = {"id": as_integer, "extension": as_integer, "name": as_text, "full_name": as_text,
                     "name-or-extension": as_text, "role": as_role, "virtual": as_flag, "has_real_route": as_flag,
                     "eligible_for_device": as_flag, "nxt_extensions": as_flag}
EXTENSION_GETTERS = {"id": lambda r: [r["id"]], "extension": lambda r: [r["extension"]], "name": lambda r: [r["name"]],
                     "full_name": lambda r: [r["full_name"]],
                     "name-or-extension": lambda r: [r["name"], str(r["extension"])],
                     "role": lambda r: [EXTENSION_ROLE], "virtual": lambda r: [False],
                     "has_real_route": lambda r: [True], "eligible_for_device": lambda r: [True],
                     "nxt_extensions": lambda r: [False]}
EXTENSION_SORTS = ("id", "extension", "name")


def sort_by(field: str):
    return lambda item: item[field]


def directory_page(request: web.Request, items: list[dict], filters: dict, getters: dict,
                   sort_fields: Iterable[str]) -> web.Response:
    """Numbers and extensions list in the same envelope and grammar as SMS, oldest id first by default."""
    params = php_query(request)
    sorts = {field: sort_by(field) for field in sort_fields}
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
    return directory_page(request, items, NUMBER_FILTERS, NUMBER_GETTERS, NUMBER_SORTS)


async def get_phone_number(request: web.Request) -> web.Response:
    """One of the account's numbers (of the extension's, under an extension) by its id; else Phone.com's 404."""
    world, account_id, extension = scope_of(request)
    wanted = path_integer(request.match_info["number_id"])
    for number in world.directory.numbers_of_account(account_id):
        if render.as_int(number.id) == wanted and (extension is None or number.extension_id == extension.id):
            return respond(render.phone_number(world.directory, number))
    raise not_found()


async def list_extensions(request: web.Request) -> web.Response:
    """Extensions visible to the token: all of them for the owner, its own for an extension user."""
    world = world_of(request)
    grant = auth.grant_for(world, request)
    account_id = auth.check_account(grant, request.match_info["account_id"])
    extensions = world.directory.extensions_of(account_id)
    if not grant.is_owner:
        extensions = [e for e in extensions if e.id == grant.extension_id]
    return directory_page(request, [render.extension(e) for e in extensions], EXTENSION_FILTERS, EXTENSION_GETTERS,
                          EXTENSION_SORTS)


async def get_extension(request: web.Request) -> web.Response:
    _, _, extension = scope_of(request)
    return respond(render.extension(extension))


# --- OAuth access tokens --------------------------------------------------------------------------------

async def access_token_details(request: web.Request) -> web.Response:
    """Token introspection (also at `/details`): Phone.com's JS client reads `scope_details[0].voip_id`."""
    return respond(render.token_details(auth.grant_for(world_of(request), request)))


async def create_access_token(request: web.Request) -> web.Response:
    """Create Access Token for a seeded app; `?mode=details` answers as Get Access Token does."""
    world = world_of(request)
    wanted = token_request(await token_params(request))
    account_id = auth.client_account(world, wanted.client_id, wanted.client_secret)
    if wanted.grant_type == "refresh_token":
        grant, refresh = auth.renew(world, wanted)
    else:
        grant, refresh = auth.issue(world, account_id, wanted.client_id)
    if php_query(request).get("mode") == "details":
        return respond(render.token_details(grant), 201)
    return respond(render.created_token(grant, refresh, world.now_ms() // 1000), 201)


async def token_params(request: web.Request) -> dict:
    """The grant's parameters from a JSON body or a form, over those of the query string (the 2017 docs)."""
    params: dict = dict(php_query(request).items())
    if request.content_type == "application/x-www-form-urlencoded":
        try:
            form = await request.post()
        except web.HTTPRequestEntityTooLarge:
            raise body_too_large() from None
        except (ValueError, LookupError):  # undecodable, or in a charset Python does not know
            raise bad_request("Request body is not a valid form") from None
        params.update((key, value) for key, value in form.items() if isinstance(value, str))
    else:
        params.update(await json_body(request))
    return params


async def delete_access_token(request: web.Request) -> web.Response:
    """Delete Access Token deactivates the token it is called with, as Phone.com's JS client does on sign-out."""
    world = world_of(request)
    auth.tokens(world).revoke(auth.grant_for(world, request))
    return respond({})


# --- events v2: callbacks, listeners and their subscriptions ------------------------------------------

@attrs.define
class EventsCallback:
    id: int
    account_id: str
    extension_id: str | None
    config: CallbackConfig
    name: str | None = None
    mode: str = "HTTPS"
    enabled: bool = True


@attrs.define
class EventsListener:
    id: int
    account_id: str
    extension_id: str | None
    callback_id: int
    version: str
    created_at: int
    expires_at: int | None
    origin: str = ""  # the server as its creator reached it, for the links to a message's files


@attrs.frozen
class EventsSubscription:
    id: int
    listener_id: int
    tags: tuple[str, ...]


@attrs.frozen
class EventsFilter:
    id: int
    listener_id: int
    rule: NumberFilter


@attrs.define
class Events:
    """A tenant's events integration: callbacks, listeners and subscriptions, and the events they send."""

    callbacks: dict[int, EventsCallback] = attrs.field(factory=dict)
    listeners: dict[int, EventsListener] = attrs.field(factory=dict)
    subscriptions: dict[int, EventsSubscription] = attrs.field(factory=dict)
    filters: dict[int, EventsFilter] = attrs.field(factory=dict)
    last_id: int = 0
    webhooks: Webhooks | None = None

    def next_id(self) -> int:
        self.last_id += 1
        return self.last_id

    def listen(self, world: World, webhooks: Webhooks) -> None:
        if self.webhooks is None:
            self.webhooks = webhooks
            world.listeners.append(lambda message: self.notify(world, message))

    def notify(self, world: World, message: Message) -> None:
        """Each live listener in the message's scope with a subscription whose tags the message has sends it."""
        mailbox = message.mailbox
        if not self.listeners or mailbox.is_outside or message.kind is not Kind.SMS:
            return
        account = world.directory.accounts.get(mailbox.account_id)
        if account is None or account.provider != NAME:
            return
        tags = message_tags(message)
        now = world.now_ms()
        for listener in list(self.listeners.values()):
            callback = self.callbacks.get(listener.callback_id)
            if callback is None or not callback.enabled or not self.takes(listener, mailbox, set(tags), now):
                continue
            did = message.sender.number if message.direction is Direction.OUTBOUND else own_did(world, message)
            if not all(f.rule.matches(did) for f in of_listener(self.filters, listener.id)):
                continue
            body = render.message_event(listener, message, did, tags, world.next_uuid("event"), now)
            headers = {"Content-Type": "application/json", **dict(callback.config.headers or ())}
            self.webhooks.send(world.name, NAME, callback.config.url, body, headers, now, callback.config.method,
                               min(callback.config.timeout or DELIVERY_TIMEOUT_S, LONGEST_CALLBACK_WAIT_S))

    def takes(self, listener: EventsListener, mailbox: Mailbox, tags: set[str], now_ms: int) -> bool:
        if listener.account_id != mailbox.account_id or listener.version != EVENTS_VERSION:
            return False
        if listener.extension_id is not None and listener.extension_id != mailbox.extension_id:
            return False
        if listener.expires_at is not None and listener.expires_at <= now_ms // 1000:
            return False
        return any(set(s.tags) <= tags for s in of_listener(self.subscriptions, listener.id))


def message_tags(message: Message) -> list[str]:
    inbound = message.direction is Direction.INBOUND
    return ["message", "*ms-message", "mms-message" if message.media else "sms-message",
            "received-message" if inbound else "sent-message", "inbound" if inbound else "outbound"]


def own_did(world: World, message: Message) -> str:
    """The account's own number an inbound message came to."""
    for party in message.recipients:
        number = world.directory.numbers.get(party.number or "")
        if number is not None and number.account_id == message.mailbox.account_id:
            return party.number
    return message.recipients[0].number if message.recipients else ""


def events_of(world: World) -> Events:
    return world.state(NAME + ".events", Events)


def in_scope(record, account_id: str, extension: Extension | None) -> bool:
    return record.account_id == account_id and record.extension_id == (extension.id if extension else None)


# The filters the v4.6.11 spec lists for each events list. Profiles and fallback callbacks are not emulated, so
# every callback shows null for both, and the filters match that null.
CALLBACK_FILTERS: dict[str, tuple[Callable[[str], Any], Callable[[Any], list]]] = {
    "name": (as_text, lambda callback: [callback.name]),
    "profile_id": (as_integer, lambda callback: [None]),
    "fallback_callback_id": (as_integer, lambda callback: [None]),
}
LISTENER_FILTERS: dict[str, tuple[Callable[[str], Any], Callable[[Any], list]]] = {
    "callback_id": (as_integer, lambda listener: [listener.callback_id]),
}
EVENTS_SORTS: dict[str, Callable[[Any], Any]] = {"id": lambda record: record.id}


def events_page(request: web.Request, records: list, render_one, filters: dict | None = None) -> web.Response:
    """The SMS list's grammar and envelope: the list's own filters, `sort[id]` (newest first), limit, offset."""
    filters = filters or {}
    wanted = list_query(php_query(request), {k: v[0] for k, v in filters.items()}, EVENTS_SORTS)
    chosen = select(records, wanted, {k: v[1] for k, v in filters.items()}, EVENTS_SORTS)
    items = [render_one(r) for r in page(wanted, chosen)]
    return respond(render.list_body(wanted.filters_echo, wanted.sort_echo, len(chosen), wanted.offset,
                                    wanted.limit, items))


def scoped_events(request: web.Request) -> tuple[World, str, Extension | None, Events]:
    world, account_id, extension = scope_of(request)
    return world, account_id, extension, events_of(world)


def of_listener(items: dict, listener_id: int) -> list:
    """A listener's subscriptions or filters."""
    return [item for item in items.values() if item.listener_id == listener_id]


def one_of(records: dict, raw_id: str, account_id: str, extension: Extension | None):
    record = records.get(path_integer(raw_id))
    if record is None or not in_scope(record, account_id, extension):
        raise not_found()
    return record


def named_record(request: web.Request, table: str) -> tuple[Events, Any]:
    """The callback or listener the path names, in the path's account or extension; else 404."""
    _, account_id, extension, events = scoped_events(request)
    return events, one_of(getattr(events, table), request.match_info["id"], account_id, extension)


async def list_callbacks(request: web.Request) -> web.Response:
    _, account_id, extension, events = scoped_events(request)
    mine = [c for c in events.callbacks.values() if in_scope(c, account_id, extension)]
    return events_page(request, mine, render.events_callback, CALLBACK_FILTERS)


async def create_callback(request: web.Request) -> web.Response:
    """A callback, once its URL has answered the test request ({"test": 1}) with 200 or 201."""
    _, account_id, extension, _ = scoped_events(request)
    fields = callback_fields(await json_body(request), creating=True)
    await test_callback(request.app[WEBHOOKS_KEY], fields.config)
    world = world_after_await(request)
    _, account_id, extension, events = scoped_events(request)  # again, in the world as it is now
    record = EventsCallback(events.next_id(), account_id, extension.id if extension else None, fields.config,
                            fields.name, fields.mode or "HTTPS", True if fields.enabled is None else fields.enabled)
    events.callbacks[record.id] = record
    events.listen(world, request.app[WEBHOOKS_KEY])
    return respond(render.events_callback(record), 201)


async def test_callback(webhooks: Webhooks, config: CallbackConfig) -> None:
    headers = {"Content-Type": "application/json", **dict(config.headers or ())}
    reply = await webhooks.ask(config.url, headers, CALLBACK_TEST_BODY, config.method)
    if reply.status not in (200, 201):
        answer = "no answer" if reply.status is None else f"HTTP {reply.status}"
        raise invalid("config.url", f"The callback URL must answer the test request with 200 or 201 ({answer}).")


async def get_callback(request: web.Request) -> web.Response:
    return respond(render.events_callback(named_record(request, "callbacks")[1]))


async def patch_callback(request: web.Request) -> web.Response:
    _, record = named_record(request, "callbacks")
    fields = callback_fields(await json_body(request), creating=False)
    if fields.config is not None:
        await test_callback(request.app[WEBHOOKS_KEY], fields.config)
        if events_of(world_after_await(request)).callbacks.get(record.id) is not record:
            raise not_found()  # a reset while the URL was tested took the callback away
        record.config = fields.config
    if fields.has_name:
        record.name = fields.name
    record.mode = fields.mode or record.mode
    record.enabled = record.enabled if fields.enabled is None else fields.enabled
    return respond(render.events_callback(record))


async def delete_callback(request: web.Request) -> web.Response:
    events, record = named_record(request, "callbacks")
    if any(listener.callback_id == record.id for listener in events.listeners.values()):
        raise PhoneComError(409, "Error: Callback is in use. Look for listeners using it.")
    del events.callbacks[record.id]
    return respond({"success": True})


async def list_listeners(request: web.Request) -> web.Response:
    _, account_id, extension, events = scoped_events(request)
    mine = [listener for listener in events.listeners.values() if in_scope(listener, account_id, extension)]
    return events_page(request, mine, render.events_listener, LISTENER_FILTERS)


def callback_for(events: Events, callback_id: int, account_id: str, extension: Extension | None) -> int:
    record = events.callbacks.get(callback_id)
    if record is None or not in_scope(record, account_id, extension):
        raise invalid("callback_id", "The selected callback id is invalid.")
    return callback_id


async def create_listener(request: web.Request) -> web.Response:
    world, account_id, extension, events = scoped_events(request)
    fields = listener_fields(await json_body(request), creating=True)
    record = EventsListener(events.next_id(), account_id, extension.id if extension else None,
                            callback_for(events, fields.callback_id, account_id, extension),
                            fields.version or EVENTS_VERSION, world.now_ms() // 1000, fields.expires_at,
                            origin(request))
    events.listeners[record.id] = record
    return respond(render.events_listener(record), 201)


async def get_listener(request: web.Request) -> web.Response:
    return respond(render.events_listener(named_record(request, "listeners")[1]))


async def patch_listener(request: web.Request) -> web.Response:
    _, account_id, extension, events = scoped_events(request)
    record = one_of(events.listeners, request.match_info["id"], account_id, extension)
    fields = listener_fields(await json_body(request), creating=False)
    if fields.callback_id is not None:
        record.callback_id = callback_for(events, fields.callback_id, account_id, extension)
    record.version = fields.version or record.version
    if fields.has_expires_at:
        record.expires_at = fields.expires_at
    return respond(render.events_listener(record))


async def delete_listener(request: web.Request) -> web.Response:
    events, record = named_record(request, "listeners")
    del events.listeners[record.id]
    for table in (events.subscriptions, events.filters):
        for gone in of_listener(table, record.id):
            del table[gone.id]
    return respond({"success": True})


def listener_of(request: web.Request) -> tuple[Events, EventsListener]:
    _, account_id, extension, events = scoped_events(request)
    return events, one_of(events.listeners, request.match_info["listener_id"], account_id, extension)


async def list_listener_subscriptions(request: web.Request) -> web.Response:
    events, listener = listener_of(request)
    return events_page(request, of_listener(events.subscriptions, listener.id), render.events_subscription)


async def create_listener_subscription(request: web.Request) -> web.Response:
    events, listener = listener_of(request)
    record = EventsSubscription(events.next_id(), listener.id, subscription_tags(await json_body(request)))
    events.subscriptions[record.id] = record
    return respond(render.events_subscription(record), 201)


def listener_item(request: web.Request, table: str) -> tuple[dict, Any]:
    """A subscription or filter of the listener the path names; else 404."""
    events, listener = listener_of(request)
    items = getattr(events, table)
    record = items.get(path_integer(request.match_info["id"]))
    if record is None or record.listener_id != listener.id:
        raise not_found()
    return items, record


async def get_listener_subscription(request: web.Request) -> web.Response:
    _, record = listener_item(request, "subscriptions")
    return respond(render.events_subscription(record))


async def delete_listener_subscription(request: web.Request) -> web.Response:
    items, record = listener_item(request, "subscriptions")
    del items[record.id]
    return respond({"success": True})


async def list_listener_filters(request: web.Request) -> web.Response:
    events, listener = listener_of(request)
    return events_page(request, of_listener(events.filters, listener.id), render.events_filter)


async def create_listener_filter(request: web.Request) -> web.Response:
    """Events reach the listener only if their number matches every one of its filters."""
    events, listener = listener_of(request)
    record = EventsFilter(events.next_id(), listener.id, number_filter(await json_body(request)))
    events.filters[record.id] = record
    return respond(render.events_filter(record), 201)


async def get_listener_filter(request: web.Request) -> web.Response:
    _, record = listener_item(request, "filters")
    return respond(render.events_filter(record))


async def patch_listener_filter(request: web.Request) -> web.Response:
    items, record = listener_item(request, "filters")
    items[record.id] = attrs.evolve(record, rule=number_filter(await json_body(request)))
    return respond(render.events_filter(items[record.id]))


async def delete_listener_filter(request: web.Request) -> web.Response:
    items, record = listener_item(request, "filters")
    del items[record.id]
    return respond({"success": True})
