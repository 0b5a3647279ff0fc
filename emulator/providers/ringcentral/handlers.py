"""RingCentral endpoints: each parses, asks the core, and renders; none of them decides a rule."""

from __future__ import annotations

import uuid
from collections import deque
from typing import Callable, Iterator

import attrs
from aiohttp import web

from ...core import carrier
from ...core.model import Availability, Direction, Extension, Kind, Mailbox, Message, PhoneNumber, Status
from ...core.rules import (Attachment, PagerRequest, Reason, Rejection, SmsRequest, can_read_thread, normalize_number,
                           webhook_standing)
from ...core.store import MailboxIndex
from ...core.world import World
from ...webhooks import WEBHOOKS_KEY, Webhooks
from ...wire import (CONTROL_CHARACTERS, EXCHANGE, JSON_CONTENT_TYPE, BodyError, content_disposition,
                     encoded_json_response, json_response, origin, query, read_json, read_json_object,
                     world_after_await)
from . import NAME, auth, render
from .errors import (
    OAuthError,
    RingCentralError,
    another_extension,
    body_too_large,
    from_rejection,
    invalid,
    mandatory,
    not_found,
    oauth_bad_request,
    oauth_body_too_large,
    thread_unreadable,
    subscription_expired,
    too_many_subscriptions,
    unparsable_json,
    webhook_response_invalid,
    webhook_status,
    webhook_unreachable,
    with_asg_envelope,
)
from .parse import (
    MULTIPART_JSON,
    EventFilter,
    a2p_batch_request,
    a2p_query,
    consent_search,
    conversation_ids,
    bulk_changes,
    consent_updates,
    deleted_ids,
    is_bulk,
    Part,
    json_or_none,
    request_and_files,
    split_multipart,
    page_token,
    path_id,
    path_ids,
    MessageFilter,
    SyncFrame,
    decode_sync_token,
    encode_sync_token,
    full_sync_frame,
    message_filter,
    pager_body,
    ExtensionFilter,
    NumberFilter,
    extension_filter,
    number_filter,
    record_count,
    sms_request,
    subscription_request,
    sync_type,
    time_param,
)
from .rules import (
    A2P_POLICY,
    A2P_REJECTED_CODE,
    BLACKLIST_AFTER_MS,
    MAX_SUBSCRIPTIONS,
    MMS_PARSED_BYTES,
    MMS_POLICY,
    SMS_POLICY,
    SUBSCRIPTION_TTL_S,
    SYNC_OVERLAP_MS,
    WEBHOOK_USER_AGENT,
)


COUNT_SCAN_LIMIT = 10_000  # records a filtered list reads past its page to count the total


def world_of(request: web.Request) -> World:
    return request[EXCHANGE].world


async def json_body(request: web.Request, read=read_json_object):
    """The JSON body (an object, unless `read` takes any JSON), or RingCentral's 413 or parse error."""
    try:
        return await read(request)
    except BodyError as error:
        if error.problem == "too-large":
            raise body_too_large() from None
        raise unparsable_json() from None


async def multipart_parts(request: web.Request, most_bytes: int | None = None) -> list[Part]:
    """The parts of a multipart body, in order; a body over `most_bytes` is refused unread, as too large files."""
    try:
        raw = await request.read()
    except web.HTTPRequestEntityTooLarge:
        raise body_too_large() from None
    if most_bytes is not None and len(raw) > most_bytes:
        raise from_rejection(Rejection(Reason.MEDIA_TOO_LARGE, "attachments"))
    return split_multipart(request.headers.get("Content-Type", ""), raw)


FORM = "application/x-www-form-urlencoded"
FORMS = frozenset({FORM, "multipart/form-data"})  # the spec's form, and a form as HTML sends files


async def form_body(request: web.Request) -> dict[str, str]:
    """OAuth parameters from the form body, with query parameters as a fallback; a body that is no form (JSON, say)
    is the spec's 415, as the token and revoke operations take a form only."""
    if request.body_exists and request.content_type not in FORMS:
        raise oauth_bad_request(415, f"Unsupported Media Type: {request.content_type}; send {FORM}")
    try:
        form = await request.post()
    except web.HTTPRequestEntityTooLarge:
        raise oauth_body_too_large() from None
    except (ValueError, LookupError):  # undecodable, or a charset nobody knows
        raise oauth_bad_request(400, "Cannot parse request") from None
    merged = {k: v for k, v in query(request).items()}
    merged.update({k: v for k, v in form.items() if isinstance(v, str)})
    return merged


# --- OAuth ------------------------------------------------------------------------------------

async def token(request: web.Request) -> web.Response:
    world = world_of(request)
    form = await form_body(request)
    account, client_id = auth.authenticate_client(world, request, form)
    grant = form.get("grant_type")
    problem = auth.grant_problem(grant)
    if problem is not None:
        raise problem
    if grant == "refresh_token":
        session = auth.rotate(world, client_id, form)
        return json_response(auth.token_body(session))
    if grant == auth.JWT_GRANT:
        extension = auth.extension_for_jwt(world, account, form.get("assertion"))
    else:
        extension = auth.extension_for_password(world, account, form)
    auth.check_may_log_in(extension)
    session = auth.open_session(world, account, extension, client_id, form)
    return json_response(auth.token_body(session))


async def revoke(request: web.Request) -> web.Response:
    world = world_of(request)
    form = await form_body(request)
    auth.authenticate_client(world, request, form)
    if not form.get("token"):  # required by the spec's RevokeTokenRequest, as by RFC 7009
        raise OAuthError(400, "invalid_request", "OAU-101", "Parameter [token] is missing")
    auth.revoke(world, form["token"])
    return web.Response(status=200)


# --- path resolution ----------------------------------------------------------------------------

def caller(request: web.Request) -> tuple[auth.Session, Extension]:
    """The logged-in extension, after checking the account and extension in the path."""
    world = request[EXCHANGE].world
    purge_due(world)
    session = auth.session_for(world, request)
    path = request.match_info
    account_id = path.get("accountId", "~")
    if account_id not in ("~", session.account_id):
        raise not_found("accountId")
    me = auth.caller_extension(world, session)
    extension_id = path.get("extensionId")
    if extension_id is None or extension_id in ("~", me.id):
        return session, me
    other = world.directory.extensions.get(extension_id)
    if other is None or other.account_id != session.account_id:
        raise not_found("extensionId")
    raise another_extension()


# --- sending --------------------------------------------------------------------------------

def message_sender(files_required: bool):
    """The handler of /sms (an SMS, or an MMS when files come with it) or of /mms (the alias that needs files);
    one function each rather than a shared coroutine awaited by two, as every SMS passes through it."""

    async def send_message(request: web.Request) -> web.Response:
        session, me = caller(request)
        body, files = await sms_body(request)
        if files_required and not files:
            raise mandatory("attachments")
        exchange = request[EXCHANGE]
        command = sms_request(body, session.account_id, me.id)
        result = carrier.send_sms(exchange.world, command, SMS_POLICY, NAME, exchange.fail_delivery, files,
                                  MMS_POLICY)
        if isinstance(result, Rejection):
            raise from_rejection(result)
        return encoded_json_response(render.sent_message_json(exchange.world, origin(request), result.outbound, me))

    send_message.__name__ = send_message.__qualname__ = "send_mms" if files_required else "send_sms"
    return send_message


send_sms = message_sender(files_required=False)
send_mms = message_sender(files_required=True)


async def sms_body(request: web.Request) -> tuple[dict, tuple[Attachment, ...]]:
    """JSON, or a multipart body as the official SDKs' MultipartBuilder sends it: the request's JSON part, then
    the files that make it an MMS. A Content-Type of plain JSON, as most clients send, is known without parsing."""
    if request.headers.get("Content-Type") == JSON_CONTENT_TYPE or not request.content_type.startswith("multipart/"):
        return await json_body(request), ()
    body, files = request_and_files(await multipart_parts(request, MMS_PARSED_BYTES))
    if body is None:
        raise unparsable_json()
    return body, files


async def send_pager(request: web.Request) -> web.Response:
    session, me = caller(request)
    parsed = pager_body(await json_body(request))
    world = world_of(request)
    thread, found = None, True
    if parsed.reply_on is not None:
        thread, found = reply_thread(world, me, parsed.reply_on)
    command = PagerRequest(session.account_id, me.id, parsed.text, parsed.to, parsed.from_extension_id,
                           parsed.from_extension_number, thread, found)
    result = carrier.send_pager(world, command, NAME)
    if isinstance(result, Rejection):
        raise from_rejection(result)
    return json_response(render.message(origin(request), result.outbound))


def reply_thread(world: World, me: Extension, message_id: int):
    """The thread a replyOn id belongs to, looked up among the messages this extension holds."""
    record = world.store.get(message_id)
    if record is None or record.kind is not Kind.PAGER or record.mailbox.account_id != me.account_id:
        return None, False
    if record.mailbox.extension_id != me.id and not any(d.id == record.mailbox.extension_id
                                                        for d in world.directory.departments_of(me.id)):
        return None, False
    return world.threads.get(record.conversation_id), True


# --- message store ------------------------------------------------------------------------------

def readable(world: World, me: Extension, record: Message) -> bool:
    """Pager threads hide from a user who is no longer one of their participants."""
    if record.kind is not Kind.PAGER:
        return True
    return can_read_thread(world.directory, me.id, world.threads.get(record.conversation_id))


def matches(record: Message, wanted: MessageFilter) -> bool:
    if record.availability.value not in wanted.availability:
        return False
    if wanted.kinds is not None and record.kind.value not in wanted.kinds:
        return False
    if wanted.directions is not None and record.direction.value not in wanted.directions:
        return False
    if wanted.read_statuses is not None and ("Read" if record.read else "Unread") not in wanted.read_statuses:
        return False
    if wanted.conversation_id is not None and record.conversation_id != wanted.conversation_id:
        return False
    if wanted.phone_number is not None and not involves_number(record, wanted.phone_number):
        return False
    return True


def involves_number(record: Message, number: str) -> bool:
    wanted = number if number.startswith("+") else "+" + number.lstrip()
    return record.sender.number == wanted or any(p.number == wanted for p in record.recipients)


async def list_messages(request: web.Request) -> web.Response:
    session, me = caller(request)
    world = world_of(request)
    params = query(request)
    wanted = message_filter(params, world.now_ms())
    index = world.store.mailbox(Mailbox(session.account_id, me.id))
    page, total, more = select_page(world, me, index, wanted)
    base = origin(request)
    records = [render.message(base, r, in_list=True, mailbox_owner=me) for r in page]
    path_uri = f"{render.extension_uri(base, session.account_id, me.id)}/message-store"
    body = render.list_body(path_uri, list(params.items()), records, total, wanted.page, wanted.per_page, more)
    return json_response(body)


def plain_filter(wanted: MessageFilter) -> bool:
    """Filters whose totals the mailbox index can count without reading every record."""
    return (wanted.directions is None and wanted.kinds is None and wanted.read_statuses is None
            and wanted.conversation_id is None and wanted.phone_number is None and not wanted.distinct_conversations)


def select_page(world: World, me: Extension, index: MailboxIndex, wanted: MessageFilter
                ) -> tuple[list[Message], int | None, bool]:
    """The page's records, the total (None when too costly to count) and whether a later page exists.

    Only the records up to the page's end are read; the total then comes from the index for plain
    filters, or from reading at most COUNT_SCAN_LIMIT more records.
    """
    start = (wanted.page - 1) * wanted.per_page
    end = start + wanted.per_page
    seen: set[int] = set()

    def accepts(record: Message) -> bool:
        if not matches(record, wanted) or not readable(world, me, record):
            return False
        if wanted.distinct_conversations:
            if record.conversation_id in seen:
                return False
            seen.add(record.conversation_id)
        return True

    records = index.newest_first(wanted.date_from, wanted.date_to)
    page: list[Message] = []
    found = 0
    for record in records:
        if accepts(record):
            if start <= found < end:
                page.append(record)
            found += 1
            if found >= end:
                break
    else:
        return page, found, False
    if plain_filter(wanted):
        total = index.count(wanted.date_from, wanted.date_to, "Alive" in wanted.availability, accepts)
        return page, total, total > end
    return page, *count_on(records, accepts, found)


def count_on(records: Iterator[Message], accepts, found: int) -> tuple[int | None, bool]:
    """Count the rest, giving up (total None) after COUNT_SCAN_LIMIT records once a further match is known."""
    page_end = found
    for examined, record in enumerate(records, 1):
        if accepts(record):
            found += 1
        if examined >= COUNT_SCAN_LIMIT and found > page_end:
            return None, True
    return found, found > page_end


# --- message sync -------------------------------------------------------------------------------

async def sync_messages(request: web.Request) -> web.Response:
    """FSync: the newest messages of a frame and a token for it; ISync: what changed in that frame since."""
    session, me = caller(request)
    world = world_of(request)
    params = query(request)
    now = world.now_ms()
    kind = sync_type(params)
    count = record_count(params)
    index = world.store.mailbox(Mailbox(session.account_id, me.id))
    if kind == "FSync":
        frame = full_sync_frame(params, session.account_id, me.id, now)
        records, older, frame = full_sync(world, me, index, frame, count, now)
    else:
        token = params.get("syncToken")
        if not token:
            raise mandatory("syncToken")
        previous = decode_sync_token(token, session.account_id, me.id)
        records, older, frame = incremental_sync(world, me, index, previous, params, count, now)
    base = origin(request)
    path_uri = f"{render.extension_uri(base, session.account_id, me.id)}/message-sync"
    body = render.sync_body(path_uri, list(params.items()), [render.sync_record(base, r, me) for r in records],
                            kind, encode_sync_token(frame), now, older)
    return json_response(body)


def full_sync(world: World, me: Extension, index: MailboxIndex, frame: SyncFrame, count: int | None, now: int
              ) -> tuple[list[Message], bool, SyncFrame]:
    """The frame's alive messages, newest first; cut at recordCount, the frame then starts at the oldest sent."""
    fits = frame_filters(world, me, frame)
    records, older = collect(index.newest_first(frame.date_from, frame_end(frame, now)),
                             lambda record: record.availability is Availability.ALIVE and fits(record),
                             count, frame.distinct_conversations)
    if older:
        frame = attrs.evolve(frame, date_from=records[-1].created_ms)
    return records, older, frame


def incremental_sync(world: World, me: Extension, index: MailboxIndex, previous: SyncFrame, params,
                     count: int | None, now: int) -> tuple[list[Message], bool, SyncFrame]:
    """Messages of the previous frame changed since its sync, plus those a moved dateFrom or dateTo takes in.

    recordCount widens the frame into the past by that many older messages.
    """
    date_from, date_to = time_param(params, "dateFrom"), time_param(params, "dateTo")
    frame = attrs.evolve(previous, date_from=previous.date_from if date_from is None else date_from,
                         date_to=previous.date_to if date_to is None else date_to, synced_ms=now)
    since = previous.synced_ms - SYNC_OVERLAP_MS
    fits = frame_filters(world, me, previous)

    def wanted(record: Message) -> bool:
        if not fits(record):
            return False
        if in_frame(previous, record):
            return record.modified_ms >= since
        return record.availability is Availability.ALIVE

    records, _ = collect(index.newest_first(frame.date_from, frame_end(frame, now)), wanted, None,
                         frame.distinct_conversations)
    if count is None:
        return records, False, frame
    older_records, older = collect(index.newest_first(None, frame.date_from - 1),
                                   lambda record: record.availability is Availability.ALIVE and fits(record),
                                   count, frame.distinct_conversations)
    if older_records:
        frame = attrs.evolve(frame, date_from=older_records[-1].created_ms)
    return records + older_records, older, frame


def frame_filters(world: World, me: Extension, frame: SyncFrame) -> Callable[[Message], bool]:
    """The frame's type, direction and conversation filters, and the pager threads the caller may still read."""

    def fits(record: Message) -> bool:
        return ((frame.kinds is None or record.kind.value in frame.kinds)
                and (frame.directions is None or record.direction.value in frame.directions)
                and (frame.conversation_id is None or record.conversation_id == frame.conversation_id)
                and readable(world, me, record))

    return fits


def in_frame(frame: SyncFrame, record: Message) -> bool:
    return frame.date_from <= record.created_ms and (frame.date_to is None or record.created_ms <= frame.date_to)


def frame_end(frame: SyncFrame, now: int) -> int:
    return now if frame.date_to is None else frame.date_to


def collect(records: Iterator[Message], wanted: Callable[[Message], bool], limit: int | None, distinct: bool
            ) -> tuple[list[Message], bool]:
    """Up to `limit` wanted records (one per conversation when `distinct`), and whether one more was found."""
    chosen: list[Message] = []
    seen: set[int] = set()
    for record in records:
        if not wanted(record):
            continue
        if distinct:
            if record.conversation_id in seen:
                continue
            seen.add(record.conversation_id)
        if limit is not None and len(chosen) == limit:
            return chosen, True
        chosen.append(record)
    return chosen, False


def own_message(request: web.Request) -> tuple[World, Extension, Message]:
    session, me = caller(request)
    world = world_of(request)
    return world, me, stored_message(world, session, me, request.match_info["messageId"])


ChangeMessage = Callable[[World, Message, object], None]  # what PUT or PATCH does to one message


def stored_message(world: World, session: auth.Session, me: Extension, raw_id: str) -> Message:
    """The caller's message with this id, or RingCentral's error for it (ids are 64-bit, at most 19 digits)."""
    message_id = path_id(raw_id)
    if message_id is None:
        raise invalid("messageId")
    record = world.store.get(message_id)
    world.now_ms()
    if record is None or record.mailbox != Mailbox(session.account_id, me.id):
        raise not_found("messageId")
    if not readable(world, me, record):
        raise thread_unreadable()
    return record


async def get_message(request: web.Request) -> web.Response:
    return await one_or_bulk(request, None)


async def put_message(request: web.Request) -> web.Response:
    return await one_or_bulk(request, update_message)


async def patch_message(request: web.Request) -> web.Response:
    return await one_or_bulk(request, patch_one_message)


async def one_or_bulk(request: web.Request, change: ChangeMessage | None) -> web.Response:
    """One message, read and changed (when the method changes it), or several in bulk syntax."""
    if is_bulk(request.match_info["messageId"]):
        return await bulk_messages(request, change)
    world, me, record = own_message(request)
    if change is not None:
        change(world, record, await json_body(request))
    return json_response(render.message(origin(request), record, in_list=True, mailbox_owner=me))


def update_message(world: World, record: Message, body) -> None:
    """PUT: only `readStatus`, which is required."""
    if not isinstance(body, dict) or "readStatus" not in body:
        raise mandatory("readStatus")
    set_read_status(record, body["readStatus"])
    world.touch(record)


def patch_one_message(world: World, record: Message, body) -> None:
    """PATCH: `readStatus`, and `availability` to restore a Deleted message."""
    if not isinstance(body, dict) or ("readStatus" not in body and "availability" not in body):
        raise mandatory("readStatus")
    if "readStatus" in body:
        set_read_status(record, body["readStatus"])
    deleted_now = False
    if "availability" in body:
        if body["availability"] not in ("Alive", "Deleted"):
            raise invalid("availability")
        if record.availability is Availability.PURGED:
            raise not_found("messageId")
        deleted_now = record.availability is Availability.ALIVE and body["availability"] == "Deleted"
        record.availability = Availability(body["availability"])
    world.touch(record)
    if deleted_now:
        purge_later(world, record)


def set_read_status(record: Message, value) -> None:
    if value not in ("Read", "Unread"):
        raise invalid("readStatus")
    record.read = value == "Read"


async def delete_message(request: web.Request) -> web.Response:
    """The first delete moves a message to Deleted, the next (or purge=true) to Purged."""
    raw_id = request.match_info["messageId"]
    if is_bulk(raw_id):
        return await bulk_delete(request, raw_id)
    world, _, record = own_message(request)
    purge = purge_flag(request)
    delete_type(request)
    discard(world, record, purge)
    return web.Response(status=204)


# --- bulk syntax: several messages in one request, each answered in its own part ---------------------

async def bulk_messages(request: web.Request, change: ChangeMessage | None) -> web.Response:
    """GET, PUT or PATCH of `1,2,3` or `*`: 207 Multi-Status, with the status and body of each message."""
    session, me = caller(request)
    world = world_of(request)
    raw_id = request.match_info["messageId"]
    if change is None:
        entries = [(message_id, None) for message_id in path_ids(raw_id)] if raw_id != "*" else []
        if not entries:
            raise invalid("messageId")
    else:
        entries = bulk_changes(raw_id, await bulk_body(request))
    base = origin(request)
    parts = [bulk_part(world, session, me, message_id, change, body, base) for message_id, body in entries]
    return multi_status(request, parts)


def bulk_part(world: World, session: auth.Session, me: Extension, message_id: str, change: ChangeMessage | None,
              body, base: str) -> render.BulkPart:
    """One message of a bulk request, read or changed alone: its own status and body, or its error."""
    href = f"{render.extension_uri(base, session.account_id, me.id)}/message-store/{message_id}"
    try:
        record = stored_message(world, session, me, message_id)
        if change is not None:
            change(world, record, body)
    except RingCentralError as error:
        return render.BulkPart(message_id, href, error.status, error.body())
    return render.BulkPart(message_id, href, 200, render.message(base, record, in_list=True, mailbox_owner=me))


async def bulk_body(request: web.Request):
    """A bulk change's body: JSON (an array of `{resourceId, body}`, or one change) or multipart/mixed parts."""
    if request.content_type == "multipart/mixed":
        return [json_or_none(part.content) for part in await multipart_parts(request)]
    return await json_body(request, read_json)


async def bulk_delete(request: web.Request, raw_id: str) -> web.Response:
    """204 when every message was deleted, else 207 with each one's status (RingCentral's bulk guide)."""
    session, me = caller(request)
    world = world_of(request)
    purge = purge_flag(request)
    delete_type(request)
    body = await bulk_body(request) if raw_id == "*" else None
    base = origin(request)
    parts = []
    for message_id in deleted_ids(raw_id, body):
        href = f"{render.extension_uri(base, session.account_id, me.id)}/message-store/{message_id}"
        try:
            discard(world, stored_message(world, session, me, message_id), purge)
        except RingCentralError as error:
            parts.append(render.BulkPart(message_id, href, error.status, error.body()))
            continue
        parts.append(render.BulkPart(message_id, href, 204, None))
    if all(part.status == 204 for part in parts):
        return web.Response(status=204)
    return multi_status(request, parts)


def multi_status(request: web.Request, parts: list[render.BulkPart]) -> web.Response:
    """multipart/mixed, or RingCentral's JSON form when the client asks for it (Accept or Content-Type)."""
    asked = request.headers.get("Accept", "") + request.headers.get("Content-Type", "")
    if MULTIPART_JSON in asked:
        return json_response(render.multipart_json(parts), 207, content_type=MULTIPART_JSON)
    body, content_type = render.multipart_mixed(parts)
    return web.Response(body=body, status=207, headers={"Content-Type": content_type})


def purge_flag(request: web.Request) -> bool:
    value = query(request).get("purge", "false").lower()
    if value not in ("true", "false"):
        raise invalid("purge")
    return value == "true"


DELETE_TYPES = frozenset({"Fax", "SMS", "VoiceMail", "Pager", "Text", "All"})  # both delete operations' enum


def delete_type(request: web.Request) -> str | None:
    """The `type` a delete names, checked against the spec's enum for deletes (which has `All` and `Text`)."""
    kind = query(request).get("type")
    if kind is not None and kind not in DELETE_TYPES:
        raise invalid("type")
    return kind


def discard(world: World, record: Message, purge: bool) -> None:
    if purge or record.availability is Availability.DELETED:
        record.availability = Availability.PURGED
    elif record.availability is Availability.ALIVE:
        record.availability = Availability.DELETED
    world.touch(record)
    purge_later(world, record)


AUTO_PURGE_MS = 5 * 24 * 3600 * 1000  # "Deleted messages are purged automatically after about 5 days"
PURGES_STATE = NAME + ".purges"


@attrs.define
class Purges:
    """A tenant's Deleted messages, in the order RingCentral's automatic purge reaches them."""

    due: deque[tuple[int, Message]] = attrs.field(factory=deque)
    latest: dict[int, int] = attrs.field(factory=dict)  # message id -> when its latest deletion falls due

    def purge_due(self, world: World) -> None:
        """Purge what has been Deleted for five days of the tenant's clock; a message restored meanwhile stays."""
        now = world.now_ms()
        while self.due and self.due[0][0] <= now:
            due, record = self.due.popleft()
            if self.latest.get(record.id) != due:
                continue  # deleted again since: a later entry decides
            del self.latest[record.id]
            if record.availability is Availability.DELETED:
                record.availability = Availability.PURGED
                world.touch(record)


def purge_later(world: World, record: Message) -> None:
    """A message that became Deleted is purged five days on, unless restored; the tenant's ticks look."""
    if record.availability is not Availability.DELETED:
        return
    purges = world.provider_state.get(PURGES_STATE)
    if purges is None:
        purges = world.state(PURGES_STATE, Purges)
        world.tick_listeners.append(lambda: purges.purge_due(world))
    due = world.now_ms() + AUTO_PURGE_MS
    purges.due.append((due, record))
    purges.latest[record.id] = due


def purge_due(world: World) -> None:
    """Before a read: the automatic purges the clock has reached, even between ticks."""
    purges = world.provider_state.get(PURGES_STATE)
    if purges is not None and purges.due:
        purges.purge_due(world)


async def delete_by_filter(request: web.Request) -> web.Response:
    """Delete whole conversations, or everything of a type up to a moment."""
    session, me = caller(request)
    world = world_of(request)
    params = query(request)
    purge = purge_flag(request)
    conversations = conversation_ids(params)
    kind = delete_type(request)
    date_to = time_param(params, "dateTo")
    date_to = world.now_ms() if date_to is None else date_to
    for record in list(world.store.mailbox(Mailbox(session.account_id, me.id)).newest_first(None, date_to)):
        if conversations and record.conversation_id not in conversations:
            continue
        if kind not in (None, "All") and record.kind.value != kind:
            continue
        if record.availability is not Availability.PURGED:
            discard(world, record, purge)
    return web.Response(status=204)


async def message_content(request: web.Request) -> web.Response:
    """The text of an SMS (its Text attachment, whose id is the message's) or one of an MMS's files."""
    _, _, record = own_message(request)
    wanted = request.match_info["attachmentId"]
    if record.availability is Availability.PURGED:
        raise not_found("attachmentId")  # a Purged message's attachments are already deleted (the spec's enum)
    if wanted == str(record.id) and render.has_text(record):
        response = web.Response(text=record.text, content_type="text/plain", charset="utf-8")
        default_name = f"{record.id}.txt"
    else:
        media = next((m for m in record.media if str(m.id) == wanted), None)
        if media is None:
            raise not_found("attachmentId")
        response = web.Response(body=media.content, headers={"Content-Type": media.content_type})
        default_name = media.file_name or str(media.id)
    params = query(request)
    disposition = params.get("contentDisposition")
    if disposition is not None:
        if disposition not in ("Inline", "Attachment"):
            raise invalid("contentDisposition")
        filename = params.get("contentDispositionFilename") or default_name
        if CONTROL_CHARACTERS.search(params.get("contentDispositionFilename") or ""):
            raise invalid("contentDispositionFilename")
        response.headers["Content-Disposition"] = content_disposition(disposition.lower(), filename)
    return response


# --- directory ------------------------------------------------------------------------------------

async def extension_phone_numbers(request: web.Request) -> web.Response:
    session, me = caller(request)
    world = world_of(request)
    numbers = world.directory.numbers_of_extension(me.id)
    base = origin(request)
    path_uri = f"{render.extension_uri(base, session.account_id, me.id)}/phone-number"
    return number_page(request, numbers, path_uri, with_extension=False)


async def account_phone_numbers(request: web.Request) -> web.Response:
    session, _ = caller(request)
    world = world_of(request)
    numbers = world.directory.numbers_of_account(session.account_id)
    path_uri = f"{render.account_uri(origin(request), session.account_id)}/phone-number"
    return number_page(request, numbers, path_uri, with_extension=True)


def number_page(request: web.Request, numbers, path_uri: str, with_extension: bool) -> web.Response:
    """The account list (with_extension) takes the account-wide filters; the extension list only its own."""
    world = world_of(request)
    params = query(request)
    wanted = number_filter(params, account_wide=with_extension)
    numbers = [n for n in numbers if number_matches(world, n, wanted)]
    page, per_page = wanted.page, wanted.per_page
    base = origin(request)
    start = (page - 1) * per_page
    records = [render.phone_number(base, world.directory, n, with_extension) for n in numbers[start:start + per_page]]
    return json_response(render.list_body(path_uri, list(params.items()), records, len(numbers), page, per_page))


def number_matches(world: World, number: PhoneNumber, wanted: NumberFilter) -> bool:
    """Every number is Normal; extensionStatus is that of the extension the number is listed under, so a number
    listed under none passes no extensionStatus."""
    if wanted.usage_types is not None and number.usage_type not in wanted.usage_types:
        return False
    if wanted.statuses is not None and "Normal" not in wanted.statuses:
        return False
    if wanted.payment_types is not None and number.payment_type not in wanted.payment_types:
        return False
    if wanted.extension_statuses is not None:
        owner = render.number_owner(world.directory, number)
        return owner is not None and owner.status.value in wanted.extension_statuses
    return True


async def get_account_phone_number(request: web.Request) -> web.Response:
    """One number of the caller's account, as the account's list shows it (its `uri` points here); any other id,
    another account's number included, is 404 CMN-102."""
    session, _ = caller(request)
    world = world_of(request)
    wanted = request.match_info["phoneNumberId"]
    number = next((n for n in world.directory.numbers_of_account(session.account_id) if n.id == wanted), None)
    if number is None:
        raise not_found("phoneNumberId")
    return json_response(render.phone_number(origin(request), world.directory, number, with_extension=True))


async def get_account(request: web.Request) -> web.Response:
    """The caller's account, which every extension record's `account.uri` points at."""
    session, _ = caller(request)
    directory = world_of(request).directory
    return json_response(render.account(origin(request), directory, directory.accounts[session.account_id]))


async def get_extension(request: web.Request) -> web.Response:
    _, me = caller(request)
    return json_response(render.extension(origin(request), world_of(request).directory, me, full=True))


async def list_extensions(request: web.Request) -> web.Response:
    session, _ = caller(request)
    world = world_of(request)
    params = query(request)
    wanted = extension_filter(params)
    extensions = [e for e in world.directory.extensions_of(session.account_id) if extension_matches(e, wanted)]
    page, per_page = wanted.page, wanted.per_page
    base = origin(request)
    start = (page - 1) * per_page
    records = [render.extension(base, world.directory, e, full=False) for e in extensions[start:start + per_page]]
    path_uri = f"{render.account_uri(base, session.account_id)}/extension"
    return json_response(render.list_body(path_uri, list(params.items()), records, len(extensions), page, per_page))


def extension_matches(extension: Extension, wanted: ExtensionFilter) -> bool:
    """Every filter given must pass; a repeated one passes on any of its values."""
    if wanted.types is not None and extension.type.value not in wanted.types:
        return False
    if wanted.statuses is not None and extension.status.value not in wanted.statuses:
        return False
    if wanted.number is not None and extension.number != wanted.number:
        return False
    return wanted.emails is None or extension.email.lower() in wanted.emails


def error_response(error: RingCentralError) -> web.Response:
    return error.response()


# --- subscriptions (webhooks) ---------------------------------------------------------------------

@attrs.define
class Subscription:
    id: str
    account_id: str
    extension_id: str
    filters: tuple[EventFilter, ...]
    address: str
    verification_token: str | None
    created_ms: int
    lifetime_s: int
    expires_ms: int = 0
    failing_since_ms: int | None = None  # when the current run of failed deliveries began
    blacklisted_ms: int | None = None
    blacklist_reason: str = ""
    origin: str = ""  # the server as the subscriber reached it, for the links in what it is sent

    def renew(self, now_ms: int) -> None:
        self.expires_ms = now_ms + 1000 * self.lifetime_s

    def answered(self, status: int | None, error: str | None, now_ms: int) -> None:
        """A delivery's answer; a webhook that has failed for long enough is blacklisted, and told nothing more."""
        if self.blacklisted_ms is not None:
            return
        self.failing_since_ms, blacklist = webhook_standing(self.failing_since_ms, status == 200, now_ms,
                                                            BLACKLIST_AFTER_MS)
        if blacklist:
            self.blacklisted_ms = now_ms
            self.blacklist_reason = render.blacklist_reason(status, error)


PASSED_THROUGH_SENT = frozenset({Status.DELIVERED, Status.DELIVERY_FAILED})  # SendingFailed never was Sent


@attrs.define
class Subscriptions:
    """A tenant's webhook subscriptions, and the notifications they send as its message store changes."""

    webhooks: Webhooks | None = None
    by_id: dict[str, Subscription] = attrs.field(factory=dict)
    expired: dict[str, str] = attrs.field(factory=dict)  # id -> extension id, for RingCentral's "was expired"
    on_their_way: dict[int, tuple[Message, Status]] = attrs.field(factory=dict)  # outbound SMS, last status told

    def listen(self, world: World, webhooks: Webhooks) -> None:
        """Hook into the world once, on the first subscription."""
        if self.webhooks is None:
            self.webhooks = webhooks
            world.listeners.append(lambda message: self.stored(world, message))
            world.change_listeners.append(lambda message: self.notify(world, message, new=False))
            world.tick_listeners.append(lambda: self.tell_status_changes(world))

    def stored(self, world: World, message: Message) -> None:
        """A new message is told at once; an outbound SMS is watched until its status stops changing."""
        self.notify(world, message, new=True)
        if message.direction is Direction.OUTBOUND and message.kind is Kind.SMS and self.watched(message.mailbox):
            self.on_their_way[message.id] = (message, message.status)

    def watched(self, mailbox: Mailbox) -> bool:
        """Whether a message-store filter (not an instant one) covers the mailbox."""
        wanted = (mailbox.account_id, mailbox.extension_id)
        return any(f.mailbox == wanted and not f.instant for s in self.by_id.values() for f in s.filters)

    def tell_status_changes(self, world: World) -> None:
        """Sent, Delivered or a failure, each a change of the message-store, told when the tenant's clock reaches it;
        a clock moved past both Sent and the end still tells two changes, as the real store would have seen."""
        for message_id, (message, told) in list(self.on_their_way.items()):
            status = message.status
            if status is not told:
                if told is Status.QUEUED and status in PASSED_THROUGH_SENT:
                    self.notify(world, message, new=False)
                self.notify(world, message, new=False)
                self.on_their_way[message_id] = (message, status)
            if message.progress is None and status is not Status.QUEUED:
                del self.on_their_way[message_id]

    def live(self, now_ms: int) -> list[Subscription]:
        """The subscriptions not yet expired; expired ones stop, remembered only as expired."""
        for expired in [s for s in self.by_id.values() if s.expires_ms <= now_ms]:
            del self.by_id[expired.id]
            self.expired[expired.id] = expired.extension_id
        return list(self.by_id.values())

    def notify(self, world: World, message: Message, new: bool) -> None:
        mailbox = message.mailbox
        if mailbox.extension_id is None or not self.by_id:
            return
        now = world.now_ms()
        for record in self.live(now):
            if record.blacklisted_ms is not None:
                continue
            for event_filter in record.filters:
                body = event_body(world, event_filter, message, new, now, record.origin)
                if body is not None:
                    self.send(world, record, event_filter.text, body, now)

    def send(self, world: World, record: Subscription, event: str, body: dict, now_ms: int) -> None:
        headers = {"Content-Type": "application/json; charset=UTF-8", "User-Agent": WEBHOOK_USER_AGENT}
        if record.verification_token:
            headers["Validation-Token"] = record.verification_token
        envelope = render.notification(event, record.id, record.extension_id, body, notification_uuid(world), now_ms)
        self.webhooks.send(world.name, NAME, record.address, envelope, headers, now_ms,
                           on_answer=lambda status, error: record.answered(status, error, world.now_ms()))


def notification_uuid(world: World) -> str:
    """A notification's `uuid`, digits as RingCentral's are, counted per tenant so a recorded session replays alike."""
    return str(uuid.UUID(world.next_uuid("notification")).int >> 64)


def event_body(world: World, event_filter: EventFilter, message: Message, new: bool, now_ms: int, base: str
               ) -> dict | None:
    """What one filter sends for a stored or changed message, or None when the filter does not take it."""
    mailbox = message.mailbox
    if event_filter.mailbox != (mailbox.account_id, mailbox.extension_id):
        return None
    if event_filter.kinds is not None and message.kind.value not in event_filter.kinds:
        return None
    if event_filter.directions is not None and message.direction.value not in event_filter.directions:
        return None
    if event_filter.instant:
        if not new or message.kind is not Kind.SMS or message.direction is not Direction.INBOUND:
            return None
        owner = world.directory.extensions.get(mailbox.extension_id)
        return render.instant_sms(message, owner, base) if owner is not None else None
    return render.message_store_change(message, new, now_ms)


def subscriptions_of(world: World) -> Subscriptions:
    return world.state(NAME + ".subscriptions", Subscriptions)


def own_subscriptions(request: web.Request) -> tuple[World, Extension, Subscriptions, list[Subscription]]:
    _, me = caller(request)
    world = world_of(request)
    registry = subscriptions_of(world)
    return world, me, registry, [s for s in registry.live(world.now_ms()) if s.extension_id == me.id]


def own_subscription(request: web.Request) -> tuple[World, Extension, Subscriptions, Subscription]:
    world, me, registry, mine = own_subscriptions(request)
    wanted = request.match_info["subscriptionId"]
    for record in mine:
        if record.id == wanted:
            return world, me, registry, record
    if registry.expired.get(wanted) == me.id:
        raise subscription_expired(wanted, caller(request)[0].id)
    raise not_found("subscriptionId")


async def create_subscription(request: web.Request) -> web.Response:
    """A webhook subscription, once the address has answered the validation request as RingCentral requires."""
    session, me = caller(request)
    world = world_of(request)
    wanted = subscription_request(await json_body(request), session.account_id, me.id, creating=True)
    registry = subscriptions_of(world)
    if len([s for s in registry.live(world.now_ms()) if s.extension_id == me.id]) >= MAX_SUBSCRIPTIONS:
        raise too_many_subscriptions()
    webhooks = request.app[WEBHOOKS_KEY]
    await validate_webhook(webhooks, wanted.address)
    world = world_after_await(request)
    session, me = caller(request)  # again: a reset meanwhile ended the session, which the new world never had
    registry = subscriptions_of(world)
    if len([s for s in registry.live(world.now_ms()) if s.extension_id == me.id]) >= MAX_SUBSCRIPTIONS:
        raise too_many_subscriptions()  # again: others may have been made while this webhook was asked
    now = world.now_ms()
    record = Subscription(world.next_uuid("ringcentral.subscription"), session.account_id, me.id,
                          wanted.event_filters, wanted.address, wanted.verification_token, now,
                          wanted.expires_in or SUBSCRIPTION_TTL_S[2], origin=origin(request))
    record.renew(now)
    registry.by_id[record.id] = record
    registry.listen(world, webhooks)
    return json_response(render.subscription(origin(request), record, now))


async def validate_webhook(webhooks: Webhooks, address: str) -> None:
    """POST with a Validation-Token header; the webhook must answer 200 with the same header within 3 s."""
    token = str(uuid.uuid4())
    reply = await webhooks.ask(address, {"Validation-Token": token, "User-Agent": WEBHOOK_USER_AGENT})
    if reply.status is None:
        raise webhook_unreachable()
    if reply.status != 200:
        raise webhook_status(reply.status)
    if reply.headers.get("validation-token") != token:
        raise webhook_response_invalid()


async def list_subscriptions(request: web.Request) -> web.Response:
    world, _, _, mine = own_subscriptions(request)
    base, now = origin(request), world.now_ms()
    return json_response({"uri": f"{base}{render.API}/subscription",
                          "records": [render.subscription(base, s, now) for s in mine]})


async def get_subscription(request: web.Request) -> web.Response:
    world, _, _, record = own_subscription(request)
    return json_response(render.subscription(origin(request), record, world.now_ms()))


async def update_subscription(request: web.Request) -> web.Response:
    """New event filters and lifetime; an empty body renews with the default lifetime."""
    world, me, _, record = own_subscription(request)
    body = await json_body(request) if request.can_read_body else {}
    wanted = subscription_request(body, record.account_id, me.id, creating=False)
    if wanted.event_filters is not None:
        record.filters = wanted.event_filters
    record.lifetime_s = wanted.expires_in or SUBSCRIPTION_TTL_S[2]
    now = world.now_ms()
    record.renew(now)
    return json_response(render.subscription(origin(request), record, now))


async def renew_subscription(request: web.Request) -> web.Response:
    world, _, _, record = own_subscription(request)
    now = world.now_ms()
    record.renew(now)
    return json_response(render.subscription(origin(request), record, now))


async def delete_subscription(request: web.Request) -> web.Response:
    _, _, registry, record = own_subscription(request)
    del registry.by_id[record.id]
    return web.Response(status=204)


# --- SMS consents (opt-outs) ----------------------------------------------------------------------------

async def update_consents(request: web.Request) -> web.Response:
    """Record opt-outs and opt-ins; a record whose `from` is not a number of the account fails alone."""
    session, _ = caller(request)
    world = world_of(request)
    failed = []
    for update in consent_updates(await json_body(request)):
        problem = consent_problem(world, session.account_id, update)
        if problem is not None:
            failed.append({**update.fields, "error": problem.body()["errors"][0]})
        else:
            world.set_consent(update.number, update.handset, update.opted_out, update.by_recipient)
    return json_response({"failedRecords": failed} if failed else {})  # the schema's failedRecords has minItems 1


def consent_problem(world: World, account_id: str, update) -> RingCentralError | None:
    owner = world.directory.numbers.get(update.number)
    return invalid("from") if owner is None or owner.account_id != account_id else None


async def search_consents(request: web.Request) -> web.Response:
    """The account's consent records that pass the filters, the latest change first, in token pages."""
    session, _ = caller(request)
    world = world_of(request)
    wanted = consent_search(await json_body(request))
    own = {n for n, owner in world.directory.numbers.items() if owner.account_id == session.account_id}
    found = sorted(((number, handset, record) for (number, handset), record in world.consents.items()
                    if record.opted_out is wanted.opted_out and number in own
                    and (wanted.numbers is None or number in wanted.numbers)
                    and (wanted.handsets is None or handset in wanted.handsets)),
                   key=lambda item: item[2].modified_ms, reverse=True)
    return token_page([render.consent(*item) for item in found], wanted)


# --- high-volume (A2P) SMS ------------------------------------------------------------------------------

A2P_DESTINATION_REASONS = frozenset({Reason.RECIPIENT_INVALID, Reason.RECIPIENT_EXTENSION_NUMBER,
                                     Reason.RECIPIENT_SHORT_NUMBER, Reason.RECIPIENT_MISSING})


@attrs.frozen
class A2pBatch:
    id: str
    account_id: str
    from_number: str
    created_ms: int
    size: int
    message_ids: tuple[int, ...]


@attrs.define
class A2pState:
    """A tenant's batches and, in sending order, the id and batch of every A2P message."""

    batches: dict[str, A2pBatch] = attrs.field(factory=dict)
    messages: list[tuple[int, str]] = attrs.field(factory=list)


def a2p_of(world: World) -> A2pState:
    return world.state(NAME + ".a2p", A2pState)


@with_asg_envelope
async def create_a2p_batch(request: web.Request) -> web.Response:
    """Each message is sent on its own; a bad destination goes to rejected[], a bad sender refuses the batch."""
    session, _ = caller(request)
    world = world_of(request)
    wanted = a2p_batch_request(await json_body(request))
    now = world.now_ms()
    sent: list[Message] = []
    rejected: list[dict] = []
    for index, (to, text) in enumerate(wanted.messages, 1):
        command = SmsRequest(session.account_id, wanted.from_number, (to,), text)
        result = carrier.send_sms(world, command, A2P_POLICY, NAME, request[EXCHANGE].fail_delivery)
        if not isinstance(result, Rejection):
            sent.append(result.outbound)
        elif result.reason in A2P_DESTINATION_REASONS:
            rejected.append({"index": index, "to": [to], "errorCode": A2P_REJECTED_CODE,
                             "description": "The destination number is invalid or not supported"})
        else:
            raise invalid("from")  # the sender is the same for every message: nothing was sent
    sender = normalize_number(wanted.from_number, A2P_POLICY.national_calling_code) or wanted.from_number
    batch = A2pBatch(world.next_uuid("ringcentral.a2p-batch"), session.account_id, sender, now,
                     len(wanted.messages), tuple(m.id for m in sent))  # `from` in E.164, as its recipients are
    state = a2p_of(world)
    state.batches[batch.id] = batch
    state.messages.extend((m.id, batch.id) for m in sent)
    return json_response(render.a2p_batch(batch, sent, rejected), 201)


def forget_what_retention_dropped(world: World) -> None:
    """Once the store's retention has let a message go it never comes back: its A2P entries go too."""
    state = a2p_of(world)
    kept = [(message_id, batch_id) for message_id, batch_id in state.messages if world.store.get(message_id)]
    if len(kept) < len(state.messages):
        state.messages = kept
        alive = {batch_id for _, batch_id in kept}
        state.batches = {k: b for k, b in state.batches.items() if k in alive or not b.message_ids}


def batch_messages(world: World, batch: A2pBatch) -> list[Message]:
    """The batch's messages still kept (retention may have let the oldest go)."""
    found = (world.store.get(message_id) for message_id in batch.message_ids)
    return [m for m in found if m is not None]


def own_batch(request: web.Request) -> tuple[World, A2pBatch]:
    session, _ = caller(request)
    world = world_of(request)
    batch = a2p_of(world).batches.get(request.match_info["batchId"])
    if batch is None or batch.account_id != session.account_id:
        raise not_found("batchId")
    world.now_ms()
    return world, batch


@with_asg_envelope
async def get_a2p_batch(request: web.Request) -> web.Response:
    world, batch = own_batch(request)
    return json_response(render.a2p_batch(batch, batch_messages(world, batch)))


@with_asg_envelope
async def list_a2p_batches(request: web.Request) -> web.Response:
    session, _ = caller(request)
    world = world_of(request)
    wanted = a2p_query(query(request), world.now_ms())
    forget_what_retention_dropped(world)
    chosen = []
    for batch in reversed(list(a2p_of(world).batches.values())):
        if batch.account_id != session.account_id or not wanted.date_from <= batch.created_ms <= wanted.date_to:
            continue
        if wanted.sender is not None and batch.from_number.lstrip("+") != wanted.sender:
            continue
        messages = batch_messages(world, batch)
        if wanted.statuses is None or render.a2p_batch_status(messages) in wanted.statuses:
            chosen.append(render.a2p_batch(batch, messages))
    return token_page(chosen, wanted)


def token_page(records: list, wanted) -> web.Response:
    """One page of records and its page tokens (NonEnumeratedPagingModel), for the A2P and consent lists."""
    page = records[wanted.offset:wanted.offset + wanted.per_page]
    more = len(records) > wanted.offset + wanted.per_page
    return json_response({"records": page, "paging": render.non_enumerated_paging(
        wanted.per_page, wanted.offset, len(page), more, page_token)})


def a2p_messages(world: World, account_id: str, wanted) -> list[tuple[Message, str | None]]:
    """The account's A2P messages that pass the filters, newest first: the batches' and the replies to them."""
    forget_what_retention_dropped(world)
    found: list[tuple[Message, str | None]] = []
    if wanted.directions is None or "Outbound" in wanted.directions:
        found += [(record, batch_id) for record, batch_id in sent_a2p(world)
                  if record.mailbox.account_id == account_id and a2p_wanted(record, batch_id, wanted)]
    if wanted.directions is None or "Inbound" in wanted.directions:
        found += [(record, None) for record in a2p_replies(world, account_id) if a2p_wanted(record, None, wanted)]
    return sorted(found, key=lambda item: (item[0].created_ms, item[0].id), reverse=True)


def sent_a2p(world: World) -> Iterator[tuple[Message, str]]:
    for message_id, batch_id in reversed(a2p_of(world).messages):
        record = world.store.get(message_id)
        if record is not None:
            yield record, batch_id


def a2p_replies(world: World, account_id: str) -> list[Message]:
    """What handsets sent to the account's high-volume numbers: its own mailbox, which no extension reads."""
    return [m for m in world.messages_in(Mailbox(account_id)) if m.direction is Direction.INBOUND]


def a2p_wanted(record: Message, batch_id: str | None, wanted) -> bool:
    if not wanted.date_from <= record.created_ms <= wanted.date_to:
        return False
    if wanted.batch_id is not None and batch_id != wanted.batch_id:
        return False
    numbers = {(record.sender.number or "").lstrip("+")} | {(p.number or "").lstrip("+") for p in record.recipients}
    return wanted.phone_numbers is None or bool(numbers & wanted.phone_numbers)


@with_asg_envelope
async def list_a2p_messages(request: web.Request) -> web.Response:
    session, _ = caller(request)
    world = world_of(request)
    wanted = a2p_query(query(request), world.now_ms())
    records = [render.a2p_message(m, batch_id, wanted.detailed)
               for m, batch_id in a2p_messages(world, session.account_id, wanted)]
    return token_page(records, wanted)


@with_asg_envelope
async def get_a2p_message(request: web.Request) -> web.Response:
    """MessageDetailsResponse: the list's record with its text, and the id a string, as the spec types it."""
    session, _ = caller(request)
    world = world_of(request)
    message_id = path_id(request.match_info["messageId"])
    batch_id = dict(a2p_of(world).messages).get(message_id)
    record = world.store.get(message_id) if message_id is not None else None
    world.now_ms()
    is_reply = record is not None and record.mailbox == Mailbox(session.account_id)
    if record is None or record.mailbox.account_id != session.account_id or (batch_id is None and not is_reply):
        raise not_found("messageId")
    return json_response(render.a2p_message(record, batch_id, with_text=True) | {"id": str(record.id)})


@with_asg_envelope
async def a2p_statuses(request: web.Request) -> web.Response:
    session, _ = caller(request)
    world = world_of(request)
    wanted = a2p_query(query(request), world.now_ms())
    messages = [m for m, _ in a2p_messages(world, session.account_id, wanted)]
    return json_response(render.a2p_statuses(messages))
