"""The carrier turns accepted decisions into message copies, one per mailbox, and schedules their statuses."""

from __future__ import annotations

from typing import NamedTuple

import attrs

from .directory import Directory
from .ids import sms_conversation_id
from .model import Availability, Direction, Kind, Mailbox, Media, Message, Party, Status, Thread
from .rules import (
    Attachment,
    Delivery,
    MmsPolicy,
    Outcome,
    PagerDecision,
    PagerRequest,
    Rejection,
    SmsDecision,
    SmsPolicy,
    SmsRequest,
    check_media,
    check_mms_route,
    check_text,
    consent_change,
    decide_pager,
    decide_sms_route,
    media_type,
    route_sms,
)
from .text import segment_count
from .world import World


PARTY_CACHE_SIZE = 10_000  # distinct numbers remembered per tenant before starting afresh
ROUTE_CACHE_SIZE = 10_000  # distinct (policy, sender, recipients) routes remembered per tenant likewise
# Read on every send; Python 3.11 looks an enum member up on its class through a Python-level hook.
SMS, OUTBOUND, INBOUND, DROP = Kind.SMS, Direction.OUTBOUND, Direction.INBOUND, Outcome.DROP
ALIVE = Availability.ALIVE
QUEUED, RECEIVED, SENT = Status.QUEUED, Status.RECEIVED, Status.SENT
DELIVERED, DELIVERY_FAILED, SENDING_FAILED = Status.DELIVERED, Status.DELIVERY_FAILED, Status.SENDING_FAILED


class SmsSent(NamedTuple):
    """The outcome of an accepted SMS: the sender's copy (saved or not) and each recipient's copy."""

    outbound: Message
    saved: bool
    decision: SmsDecision
    inbound: tuple[Message, ...]


# A named tuple made by tuple's own constructor: SmsSent(...) would run the Python-level __new__ namedtuple writes.
NEW_TUPLE = tuple.__new__


@attrs.frozen
class PagerSent:
    outbound: Message
    decision: PagerDecision
    inbound: tuple[Message, ...]


def send_sms(
    world: World,
    request: SmsRequest,
    policy: SmsPolicy,
    provider: str,
    fail_delivery: str | None = None,
    attachments: tuple[Attachment, ...] = (),
    mms: MmsPolicy | None = None,
) -> SmsSent | Rejection:
    """Decide, then record: the sender's outbound copy and an inbound copy in every receiving mailbox.

    With attachments (which need the provider's `mms` policy) the SMS is an MMS, whose text may be empty.
    """
    if attachments:
        route = mms_route(world, request, policy, attachments, mms)
    else:
        route = check_text(request.text, policy.max_text_units, policy.measure) or sms_route(world, request, policy)
    if isinstance(route, Rejection):
        return route
    now = world.now_ms()
    text = request.text or ""
    outbound = Message(  # by position, in SMS_FIELDS' order: keywords cost every copy made
        world.ids.take(), route.mailbox, SMS, OUTBOUND, route.sender, route.recipients, text, QUEUED, now, now,
        route.conversation_id, policy.outbound_read, ALIVE, None, None, False, segment_count(text), provider)
    if attachments:
        outbound.media = stored_media(world, attachments, mms)
    saved = route.decision.sender_mailbox is not None
    store = world.store  # world.add_message written out here and below, as every copy of every SMS passes here
    if saved:
        store.add(outbound)
        if world.listeners:
            world.tell_listeners(outbound)
    receivers = () if fail_delivery else route.receivers  # a failed delivery reaches nobody
    stopped, refused = NO_ONE, False
    if world.consents and policy.opt_out_code is not None:
        stopped = opted_out_recipients(world, route)
        receivers = tuple(d for d in receivers if d.number not in stopped)
        refused = bool(stopped) and len(stopped) == len(route.recipients)  # every recipient opted out
    if len(route.recipients) > 1:
        outbound.recipient_ends = recipient_ends(route.decision, stopped)
    inbound = []
    for delivery in receivers:
        copy = inbound_copy(world, outbound, delivery.mailbox, delivery.provider or "outside", now)
        store.add(copy)
        if world.listeners:
            world.tell_listeners(copy)
        inbound.append(copy)
    if refused:
        world.dispatch(outbound, SENDING_FAILED, policy.opt_out_code)
    elif saved:
        world.dispatch(outbound, DELIVERY_FAILED if fail_delivery else route.final, fail_delivery)
    return NEW_TUPLE(SmsSent, (outbound, saved, route.decision, tuple(inbound)))


NO_ONE: frozenset[str] = frozenset()


def mms_route(world: World, request: SmsRequest, policy: SmsPolicy, attachments: tuple[Attachment, ...],
              mms: MmsPolicy | None) -> SmsRoute | Rejection:
    """The files first, then the SMS route, then whether that route may carry files."""
    if mms is None:
        raise ValueError("attachments need the provider's MmsPolicy")
    refused = (check_text(request.text, policy.max_text_units, policy.measure, required=False)
               or check_media(attachments, mms))
    if refused:
        return refused
    route = sms_route(world, request, policy)
    if isinstance(route, Rejection):
        return route
    return check_mms_route(route.decision, mms) or route


def stored_media(world: World, attachments: tuple[Attachment, ...], mms: MmsPolicy | None) -> tuple[Media, ...]:
    """The files as every copy of the message keeps them, each with an id of its own."""
    return tuple(Media(world.ids.take(), (media_type(a, mms) if mms else a.content_type) or UNTYPED, a.file_name,
                       a.content) for a in attachments)


UNTYPED = "application/octet-stream"


def opted_out_recipients(world: World, route: SmsRoute) -> frozenset[str]:
    """The recipients whose handsets have replied STOP to the sender's number."""
    sender = route.sender.number
    return frozenset(party.number for party in route.recipients if world.opted_out(sender, party.number))


def recipient_ends(decision: SmsDecision, stopped: frozenset[str]) -> tuple[Status | None, ...] | None:
    """Where each recipient of a group SMS stops short of the message: Sent for one nobody receives,
    SendingFailed for one that opted out; None when every recipient follows the message."""
    ends = tuple(SENDING_FAILED if d.number in stopped else SENT if d.outcome is DROP else None
                 for d in decision.deliveries)
    return ends if any(end is not None for end in ends) else None


class SmsRoute(NamedTuple):
    """An accepted route, worked out once: its decision, and what every SMS sent along it shares."""

    decision: SmsDecision
    mailbox: Mailbox  # where the outbound copy is kept (or would be)
    sender: Party
    recipients: tuple[Party, ...]
    conversation_id: int
    receivers: tuple[Delivery, ...]  # the deliveries that leave an inbound copy
    final: Status | None  # the status delivery ends in, unless a fault makes it fail


def sms_route(world: World, request: SmsRequest, policy: SmsPolicy) -> SmsRoute | Rejection:
    """decide_sms_route and its parties, remembered until the tenant's directory changes: tests send the same
    route over and over."""
    key = (policy, request.account_id, request.from_number, request.to_numbers, request.caller_extension_id,
           request.save_to_extension_id, request.calling_code)
    route = world.sms_routes.get(key)
    if route is None:
        if len(world.sms_routes) >= ROUTE_CACHE_SIZE:
            world.sms_routes.clear()
        route = world.sms_routes[key] = new_route(world, request, decide_sms_route(world.directory, request, policy))
    return route


def new_route(world: World, request: SmsRequest, decision: SmsDecision | Rejection) -> SmsRoute | Rejection:
    if isinstance(decision, Rejection):
        return decision
    sender_number = decision.sender_number.number
    return SmsRoute(
        decision=decision,
        mailbox=decision.sender_mailbox or Mailbox(request.account_id),
        sender=party_for_number(world, sender_number),
        recipients=tuple([party_for_number(world, d.number) for d in decision.deliveries]),
        conversation_id=sms_conversation_id(sender_number, *(d.number for d in decision.deliveries)),
        receivers=tuple(d for d in decision.deliveries if d.outcome is not DROP and d.mailbox is not None),
        final=delivered_status(decision),
    )


def delivered_status(decision: SmsDecision) -> Status | None:
    """Delivered when any recipient takes it; an SMS every recipient dropped stays Sent."""
    for delivery in decision.deliveries:
        if delivery.outcome is not DROP:
            return DELIVERED
    return None


def inbound_copy(world: World, outbound: Message, mailbox: Mailbox, provider: str, now: int) -> Message:
    kind = outbound.kind
    return Message(  # by position, in SMS_FIELDS' order
        world.ids.take(), mailbox, kind, INBOUND, outbound.sender, outbound.recipients, outbound.text,
        RECEIVED if kind is SMS else SENT, now, now, outbound.conversation_id, False, ALIVE, None, None,
        outbound.to_department, outbound.segments, provider, None, None, outbound.media)


# The order of Message's fields that send_sms and inbound_copy pass by position; a test holds Message to it.
SMS_FIELDS = ("id", "mailbox", "kind", "direction", "sender", "recipients", "text", "status", "created_ms",
              "modified_ms", "conversation_id", "read", "availability", "delivered_ms", "error_code", "to_department",
              "segments", "provider", "progress", "recipient_ends", "media")


def receive_from_outside(world: World, handset: str, to_number: str, text: str,
                         attachments: tuple[Attachment, ...] = ()) -> Message | None:
    """An SMS (an MMS, with attachments) from a handset nobody in the world owns; it lands wherever the number
    routes it.

    A reply of STOP (or START) opts the handset out of (or back in to) texts from that number.
    """
    opting_out = consent_change(text)
    if opting_out is not None:
        world.set_consent(to_number, handset, opting_out, by_recipient=True)
    delivery = route_sms(world.directory, to_number)
    if delivery.outcome is not Outcome.DELIVER or delivery.mailbox is None:
        return None
    now = world.now_ms()
    message = Message(
        id=world.ids.take(),
        mailbox=delivery.mailbox,
        kind=Kind.SMS,
        direction=Direction.INBOUND,
        sender=Party(number=handset),
        recipients=(party_for_number(world, to_number),),
        text=text,
        status=Status.RECEIVED,
        created_ms=now,
        modified_ms=now,
        conversation_id=sms_conversation_id(handset, to_number),
        segments=segment_count(text),
        provider=delivery.provider,
        media=stored_media(world, attachments, None),
    )
    return world.add_message(message)


def send_pager(world: World, request: PagerRequest, provider: str) -> PagerSent | Rejection:
    """Decide, then record the sender's copy and one copy per receiving extension, all in one thread."""
    decision = decide_pager(world.directory, request)
    if isinstance(decision, Rejection):
        return decision
    now = world.now_ms()
    message_id = world.ids.take()
    thread = decision.thread or new_thread(world, message_id, decision)
    outbound = Message(
        id=message_id,
        mailbox=Mailbox(request.account_id, decision.sender.id),
        kind=Kind.PAGER,
        direction=Direction.OUTBOUND,
        sender=party_for_extension(decision.sender),
        recipients=tuple(party_for_extension(e) for e in (decision.sender, *decision.addressed)),
        text=request.text or "",
        status=Status.SENT,
        created_ms=now,
        modified_ms=now,
        conversation_id=thread.id,
        read=True,
        to_department=decision.to_department,
        provider=provider,
    )
    world.add_message(outbound)
    inbound = tuple(
        world.add_message(inbound_copy(world, outbound, Mailbox(request.account_id, e.id), provider, now))
        for e in decision.receivers
    )
    return PagerSent(outbound, decision, inbound)


def new_thread(world: World, first_message_id: int, decision: PagerDecision) -> Thread:
    """A new pager thread takes the id of its first message."""
    participants = frozenset({decision.sender.id, *(e.id for e in decision.addressed)})
    thread = Thread(first_message_id, decision.sender.account_id, participants)
    world.threads[thread.id] = thread
    return thread


def party_for_number(world: World, number: str) -> Party:
    """The number as a message party, made once per number and tenant (the world forgets them on edits)."""
    party = world.parties.get(number)
    if party is None:
        if len(world.parties) >= PARTY_CACHE_SIZE:
            world.parties.clear()
        party = world.parties[number] = new_party(world.directory, number)
    return party


def new_party(directory: Directory, number: str) -> Party:
    record = directory.numbers.get(number)
    if record is None:
        return Party(number=number)
    owner_id = directory.sms_owner_id(record)
    owner = directory.extensions.get(owner_id) if owner_id else None
    return Party(number=number, extension_id=owner.id if owner else None, name=owner.name if owner else None)


def party_for_extension(extension) -> Party:
    return Party(extension_id=extension.id, extension_number=extension.number, name=extension.name)
