"""Voximplant's one endpoint: parse, authenticate, dispatch the method; each method asks the core and renders."""

from __future__ import annotations

import time
from typing import Awaitable, Callable, NamedTuple

import attrs
from aiohttp import web

from ...core import carrier
from ...core.model import Account, Direction, Kind, Mailbox, Message
from ...core.rules import Reason, Rejection, SmsRequest, decide_sms_toggle, normalize_number
from ...core.world import World
from ...webhooks import Webhooks
from ...wire import EXCHANGE, encoded_json_response, json_response, origin
from . import NAME, auth, parse, render
from .errors import (
    A2P_FAILED_DESCRIPTION,
    INVALID_PHONE_ID,
    INVALID_PHONE_NUMBER,
    SENDING_SMS_ERROR,
    UNKNOWN_COMMAND,
    VoximplantError,
    from_rejection,
)
from .rules import A2P_MAX_CHARS, A2P_POLICY, SEND_SMS_MAX_CHARS, SMS_POLICY

# Rejections that concern one A2P destination; any other stops the whole request.
DESTINATION_REASONS = frozenset({Reason.RECIPIENT_INVALID, Reason.RECIPIENT_EXTENSION_NUMBER,
                                 Reason.RECIPIENT_SHORT_NUMBER, Reason.RECIPIENT_DUPLICATE,
                                 Reason.RECIPIENT_MISSING})


@attrs.define
class VoximplantState:
    """What Voximplant knows beyond the core's messages: which were A2P, which kept their text."""

    a2p_ids: set[int] = attrs.field(factory=set)
    stored_body_ids: set[int] = attrs.field(factory=set)
    token_clock: Callable[[], float] = time.time  # clients sign tokens with wall-clock time
    account_callbacks: dict[str, parse.AccountCallbacks] = attrs.field(factory=dict)  # set by SetAccountInfo
    # SetAccountInfo's profile fields per account (names, language, notifications, billing address...)
    account_profiles: dict[str, dict[str, parse.ProfileValue]] = attrs.field(factory=dict)
    # SetAccountInfo's storage settings per account, each with the time it took effect, oldest first
    account_storage: dict[str, list[tuple[int, parse.AccountStorage]]] = attrs.field(factory=dict)
    last_callback_id: int = 0
    webhooks: Webhooks | None = None  # the application's, given to every new world by watch()
    posting_callbacks: bool = False


class Call(NamedTuple):
    """One authenticated method call; a named tuple, made on every request in half a frozen class's time."""

    world: World
    account: Account
    params: parse.Params
    fail_delivery: str | None
    request: web.Request


Method = Callable[[Call], Awaitable[dict | web.Response]]  # a JSON body, or a file (output=csv)


def state(world: World) -> VoximplantState:
    return world.state(NAME, VoximplantState)


async def platform_api(request: web.Request) -> web.Response:
    """Every Voximplant call: POST /platform_api with cmd, or GET|POST /platform_api/{method}[/]."""
    params = await parse.read_params(request)
    name = parse.command_name(request.match_info.get("method"), params)
    exchange = request[EXCHANGE]
    exchange.operation = f"{NAME}.{name}"
    method = METHODS.get(name)
    if method is None:
        raise VoximplantError(UNKNOWN_COMMAND)
    world: World = exchange.world
    account = auth.authenticate(world, request.headers.get("Authorization"), params,
                                lambda: state(world).token_clock())  # read only for a JWT, which few calls carry
    body = await method(Call(world, account, params, exchange.fail_delivery, request))
    # A method answers with a dict, or a Response of its own; Response is an ABC (a MutableMapping), which
    # isinstance() would ask in Python, dict in C.
    return json_response(body) if isinstance(body, dict) else body


async def operation(request: web.Request) -> str | None:
    """The Voximplant method a request calls, for fault rules that name it (e.g. voximplant.SendSmsMessage)."""
    try:
        params = await parse.read_params(request)
        return f"{NAME}.{parse.command_name(request.match_info.get('method'), params)}"
    except VoximplantError:
        return None


# --- sending ---------------------------------------------------------------------------------------

async def send_sms_message(call: Call) -> web.Response:
    command = parse.send_sms(call.params)
    request = SmsRequest(call.account.id, command.source, (command.destination,), command.sms_body)
    result = carrier.send_sms(call.world, request, SMS_POLICY, NAME, call.fail_delivery)
    if isinstance(result, Rejection):
        raise from_rejection(result, text_limit=SEND_SMS_MAX_CHARS)
    if command.store_body:
        remember(call.world, result.outbound, True, a2p=False)
    return encoded_json_response(render.sent_sms_json(result.outbound))


async def a2p_send_sms(call: Call) -> dict:
    """One message per destination; a bad destination goes to failed[], a bad sender or text fails all."""
    command = parse.a2p_send(call.params)
    sent, failed, fragments = [], [], 0
    for destination in command.dst_numbers:
        request = SmsRequest(call.account.id, command.src_number, (destination,), command.text)
        result = carrier.send_sms(call.world, request, A2P_POLICY, NAME, call.fail_delivery)
        if isinstance(result, Rejection):
            if result.reason not in DESTINATION_REASONS:
                raise from_rejection(result, a2p=True, text_limit=A2P_MAX_CHARS)
            failed.append({"destination_number": destination, "error_code": SENDING_SMS_ERROR,
                           "error_description": A2P_FAILED_DESCRIPTION})
            continue
        remember(call.world, result.outbound, command.store_body, a2p=True)
        fragments = result.outbound.segments
        sent.append({"message_id": result.outbound.id, "transaction_id": result.outbound.id,
                     "destination_number": parse.digits(destination)})
    return {"result": sent, "failed": failed, "fragments_count": fragments}


def remember(world: World, outbound: Message, store_body: bool, a2p: bool) -> None:
    if not (a2p or store_body):
        return
    voximplant = state(world)
    if a2p:
        voximplant.a2p_ids.add(outbound.id)
    if store_body:
        voximplant.stored_body_ids.add(outbound.id)


# --- numbers --------------------------------------------------------------------------------------

async def control_sms(call: Call) -> dict:
    """Enable or disable SMS on an own number that supports it."""
    command = parse.control_sms(call.params)
    e164 = normalize_number(command.phone_number)
    number = call.world.directory.numbers.get(e164) if e164 else None
    if number is None or number.account_id != call.account.id:
        raise VoximplantError(INVALID_PHONE_NUMBER)
    rejection = decide_sms_toggle(number)
    if rejection is not None:
        raise from_rejection(rejection)
    call.world.update_number(number.number, sms_enabled=command.enable)
    return {"result": 1}


async def get_phone_numbers(call: Call) -> dict:
    """The account's numbers, filtered on the fields each record shows, ordered as asked, and paged."""
    query = parse.number_query(call.params)
    records = [
        render.phone_number(n) for n in call.world.directory.numbers_of_account(call.account.id)
        if (query.phone_ids is None or n.id in query.phone_ids)
        and (query.phone_numbers is None or parse.digits(n.number) in query.phone_numbers)
    ]
    found = ordered([r for r in records if number_matches(r, query)], query.order)
    page = found[query.offset:query.offset + query.count]
    return {"result": page, "total_count": len(found), "count": len(page)}


def number_matches(record: dict, query: parse.NumberQuery) -> bool:
    """Whether a rendered number passes every GetPhoneNumbers filter asked for."""
    if any(record.get(field) not in values for field, values in query.one_of):
        return False
    if any(not within(record.get(field), low, high) for field, low, high in query.between):
        return False
    if query.bound_to_application is not None and ("application_id" in record) != query.bound_to_application:
        return False
    return query.phone_template is None or record["phone_number"].startswith(query.phone_template)


def within(value: str | None, low: str | None, high: str | None) -> bool:
    """Dates written alike compare as text; a number without the date is outside any range."""
    return value is not None and (low is None or value >= low) and (high is None or value <= high)


def ordered(records: list[dict], order: tuple[str, bool] | None) -> list[dict]:
    """Sorted by one field, ties kept in the account's order; a field no record has leaves them as they are."""
    if order is None:
        return records
    field, descending = order
    return sorted(records, key=lambda record: record.get(field, ""), reverse=descending)


async def set_phone_number_info(call: Call) -> dict:
    """Set (or with an empty value clear) the URL an own number's inbound SMS are posted to."""
    command = parse.phone_number_info(call.params)
    numbers = own_numbers(call, command.phone_ids, command.phone_numbers)
    if command.incoming_sms_callback_url is not None:
        for number in numbers:
            extra = {**number.extra, "incoming_sms_callback_url": command.incoming_sms_callback_url}
            call.world.update_number(number.number, extra=extra)
        post_callbacks(call.world)
    return {"result": 1}


def own_numbers(call: Call, phone_ids: tuple[str, ...] | None, phone_numbers: tuple[str, ...] | None) -> list:
    mine = call.world.directory.numbers_of_account(call.account.id)
    chosen = []
    for wanted in phone_ids or ():
        found = next((n for n in mine if n.id == wanted), None)
        if found is None:
            raise VoximplantError(INVALID_PHONE_ID)
        chosen.append(found)
    for wanted in phone_numbers or ():
        found = next((n for n in mine if parse.digits(n.number) == parse.digits(wanted)), None)
        if found is None:
            raise VoximplantError(INVALID_PHONE_NUMBER)
        chosen.append(found)
    return chosen


async def set_account_info(call: Call) -> dict:
    """The account's callback URL and salt, whether history keeps SMS texts, and the profile GetAccountInfo
    shows; every parameter is checked before any is changed."""
    callbacks = parse.account_callbacks(call.params)
    storage = parse.account_storage(call.params)
    profile = parse.account_profile(call.params)
    state(call.world).account_profiles.setdefault(call.account.id, {}).update(profile)
    keep_storage(call.world, call.account, storage)
    keep_callbacks(call.world, call.account, callbacks)
    post_callbacks(call.world)
    return {"result": 1}


def keep_storage(world: World, account: Account, changes: parse.AccountStorage) -> None:
    """From now on, the storage settings in force with these changes (None leaves one as it was)."""
    now = world.now_ms()
    known = storage_at(world, account, now)
    state(world).account_storage.setdefault(account.id, []).append((now, parse.AccountStorage(
        *(old if new is None else new for old, new in zip(known, changes)))))


def keep_callbacks(world: World, account: Account, changes: parse.AccountCallbacks) -> None:
    """The callback URL and salt in force with these changes (None leaves one as it was, "" clears it)."""
    known = callbacks_in_force(world, account)
    state(world).account_callbacks[account.id] = parse.AccountCallbacks(
        known.callback_url if changes.callback_url is None else changes.callback_url,
        known.callback_salt if changes.callback_salt is None else changes.callback_salt)


# --- the account ----------------------------------------------------------------------------------

async def get_account_info(call: Call) -> dict:
    """The account as Voximplant describes it, so an application reads back what SetAccountInfo set; with
    api_address, the emulator's own, so a client that moves to it stays here."""
    parse.return_live_balance(call.params)  # checked only: nothing is charged, so the live balance is the fixed one
    info = render.account_info(call.account, profile_in_force(call.world, call.account),
                               callbacks_in_force(call.world, call.account),
                               auth.shows_api_key(call.request.headers.get("Authorization")))
    return {"result": info, "api_address": origin(call.request).split("://", 1)[1]}


def profile_in_force(world: World, account: Account) -> dict[str, parse.ProfileValue]:
    """The seed account's profile fields, each replaced by what SetAccountInfo set since."""
    return {**seeded_profile(account), **state(world).account_profiles.get(account.id, {})}


def seeded_profile(account: Account) -> dict[str, parse.ProfileValue]:
    """AccountInfoType's profile fields a seed account gives, those of the wrong type left out."""
    auth = account.auth
    profile: dict[str, parse.ProfileValue] = {
        name: str(auth[name]) for name in (*parse.PROFILE_TEXTS, "billing_address_state") if auth.get(name)}
    profile.update({name: auth[name] for name in parse.PROFILE_FLAGS if isinstance(auth.get(name), bool)})
    profile.update({name: render.money(auth[name], 0.0) for name in parse.PROFILE_DECIMALS
                    if render.is_amount(auth.get(name))})
    return profile


# --- inbound SMS callbacks ----------------------------------------------------------------------------

def watch(world: World, webhooks: Webhooks) -> None:
    """On a new world: keep the application's webhooks, and post callbacks at once if the seed names a URL."""
    state(world).webhooks = webhooks
    accounts = [a for a in world.directory.accounts.values() if a.provider == NAME]
    numbers = [n for a in accounts for n in world.directory.numbers_of_account(a.id)]
    if any(a.auth.get("callback_url") for a in accounts) or any(
            n.extra.get("incoming_sms_callback_url") for n in numbers):
        post_callbacks(world)


def post_callbacks(world: World) -> None:
    """From now on every inbound SMS stored is looked at (before, none is: sends pay nothing for this)."""
    voximplant = state(world)
    if not voximplant.posting_callbacks:
        voximplant.posting_callbacks = True
        world.listeners.append(lambda message: post_inbound_sms(world, message))


def account_callbacks_of(account: Account) -> parse.AccountCallbacks:
    return parse.AccountCallbacks(account.auth.get("callback_url") or "", str(account.auth.get("callback_salt") or ""))


def callbacks_in_force(world: World, account: Account) -> parse.AccountCallbacks:
    """SetAccountInfo's callback URL and salt once it has set them, else the seed's."""
    return state(world).account_callbacks.get(account.id) or account_callbacks_of(account)


def post_inbound_sms(world: World, message: Message) -> None:
    """An inbound SMS to a Voximplant number goes to the number's incoming_sms_callback_url, else the account's."""
    if message.direction is not Direction.INBOUND or message.kind is not Kind.SMS:
        return
    account = world.directory.accounts.get(message.mailbox.account_id)
    if account is None or account.provider != NAME:
        return
    voximplant = state(world)
    numbers = {n.number: n for n in world.directory.numbers_of_account(account.id)}
    own = render.own_number(message, frozenset(numbers))
    callbacks = callbacks_in_force(world, account)
    number = numbers.get(own)
    url = (number.extra.get("incoming_sms_callback_url") if number else None) or callbacks.callback_url
    if not url:
        return
    voximplant.last_callback_id += 1
    body = render.inbound_sms_callback(account, message, own, voximplant.last_callback_id,
                                       callbacks.callback_salt or "")
    if voximplant.webhooks is not None:
        voximplant.webhooks.send(world.name, NAME, url, body, {"Content-Type": "application/json"},
                                 world.now_ms())


# --- history ----------------------------------------------------------------------------------------

async def get_sms_history(call: Call) -> dict | web.Response:
    """The account's person-to-person SMS, as JSON or, with output=csv, as a file."""
    query = parse.history_query(call.params)
    a2p_ids = state(call.world).a2p_ids
    page, total = history(call, query, lambda m: m.id not in a2p_ids, render.sms_history)
    if query.output == "csv":
        return csv_file(render.history_csv(page, render.SMS_HISTORY_COLUMNS), "sms_history.csv")
    return {"result": page, "total_count": total}


async def a2p_get_sms_history(call: Call) -> dict | web.Response:
    """The account's A2P SMS, as JSON or, with output=csv, as a file."""
    query = parse.history_query(call.params, a2p=True)
    a2p_ids = state(call.world).a2p_ids
    page, total = history(call, query, lambda m: m.id in a2p_ids, render.a2p_history)
    if query.output == "csv":
        return csv_file(render.history_csv(page, render.A2P_HISTORY_COLUMNS), "a2p_sms_history.csv")
    return {"result": page, "total_count": total}


def csv_file(text: str, filename: str) -> web.Response:
    """A file as the official Python client reads one: application/octet-stream, returned as file_content."""
    return web.Response(body=text.encode("utf-8"), headers={
        "Content-Type": "application/octet-stream",
        "Content-Disposition": f'attachment; filename="{filename}"'})


def history(call: Call, query: parse.HistoryQuery, channel: Callable[[Message], bool],
            record: Callable[..., dict]) -> tuple[list[dict], int]:
    """The account mailbox's SMS, oldest first, filtered and paged; with how many matched."""
    numbers = frozenset(n.number for n in call.world.directory.numbers_of_account(call.account.id))
    stored = state(call.world).stored_body_ids
    rendered = []
    for message in call.world.messages_in(Mailbox(call.account.id)):
        if message.kind is not Kind.SMS or not channel(message):
            continue
        item = record(call.account, message, numbers, with_text(call.world, call.account, message, stored))
        if matches(message, item, query):
            rendered.append(item)
    return rendered[query.offset:query.offset + query.count], len(rendered)


def storage_at(world: World, account: Account, at_ms: int) -> parse.AccountStorage:
    """The storage settings in force at a moment: SetAccountInfo's latest by then, else the seed's (outbound
    texts are not kept unless asked for, inbound ones are unless `store_inbound_sms: false`)."""
    settings = state(world).account_storage.get(account.id, ())
    for since_ms, storage in reversed(settings):
        if since_ms <= at_ms:
            return storage
    return parse.AccountStorage(account.auth.get("store_outbound_sms", False),
                                account.auth.get("store_inbound_sms", True))


def with_text(world: World, account: Account, message: Message, stored: set[int]) -> bool:
    """An SMS's text shows in history when its account kept texts of that direction when it came, or it was
    sent with store_body: a setting changes what is kept from then on, not what was."""
    storage = storage_at(world, account, message.created_ms)
    if message.direction is Direction.INBOUND:
        return storage.store_inbound_sms
    return storage.store_outbound_sms or message.id in stored


def matches(message: Message, item: dict, query: parse.HistoryQuery) -> bool:
    if query.message_ids is not None and message.id not in query.message_ids:
        return False
    if query.source_number is not None and item["source_number"] != query.source_number:
        return False
    if query.destination_number is not None and item["destination_number"] != query.destination_number:
        return False
    if query.direction is not None and item.get("direction") != query.direction:
        return False
    if query.delivery_status is not None and item.get("delivery_status") != query.delivery_status:
        return False
    if query.from_ms is not None and message.created_ms < query.from_ms:
        return False
    return query.to_ms is None or message.created_ms <= query.to_ms


METHODS: dict[str, Method] = {
    "SendSmsMessage": send_sms_message,
    "A2PSendSms": a2p_send_sms,
    "ControlSms": control_sms,
    "GetPhoneNumbers": get_phone_numbers,
    "GetSmsHistory": get_sms_history,
    "A2PGetSmsHistory": a2p_get_sms_history,
    "SetPhoneNumberInfo": set_phone_number_info,
    "SetAccountInfo": set_account_info,
    "GetAccountInfo": get_account_info,
}
