"""RingCentral JSON for messages, numbers, extensions and pages; field names as in the official spec."""

from __future__ import annotations

import hashlib
import math
import re
from http import HTTPStatus
from typing import NamedTuple
from urllib.parse import quote

import orjson

from ...core.clock import iso_ms
from ...core.directory import Directory
from ...core.ids import is_digits
from ...core.model import (Account, Availability, Direction, Extension, ExtensionType, Kind, Mailbox, Media, Message,
                           Party, PhoneNumber, Status)
from ...core.world import World
from ...wire import encode_json

API = "/restapi/v1.0"
FAILED = (Status.DELIVERY_FAILED, Status.SENDING_FAILED)
HTTP_STATUSES = frozenset(HTTPStatus)
# Read on every send; Python 3.11 looks an enum member up on its class through a Python-level hook.
SMS, OUTBOUND, ALIVE = Kind.SMS, Direction.OUTBOUND, Availability.ALIVE


def account_uri(base: str, account_id: str) -> str:
    return f"{base}{API}/account/{account_id}"


def extension_uri(base: str, account_id: str, extension_id: str) -> str:
    return f"{account_uri(base, account_id)}/extension/{extension_id}"


def message_uri(base: str, message: Message) -> str:
    """Written out in one string rather than through extension_uri: every message rendered needs it."""
    mailbox = message.mailbox
    return f"{base}{API}/account/{mailbox.account_id}/extension/{mailbox.extension_id}/message-store/{message.id}"


def sms_party(party: Party) -> dict:
    body: dict = {"phoneNumber": party.number}
    if party.name:
        body["name"] = party.name
    return body


def pager_party(party: Party) -> dict:
    body: dict = {"extensionNumber": party.extension_number}
    if party.extension_id:
        body["extensionId"] = party.extension_id
    if party.name:
        body["name"] = party.name
    return body


def message(base: str, record: Message, in_list: bool = False, mailbox_owner: Extension | None = None) -> dict:
    """A message-store record; creation responses are the same record without `extensionId`.

    Enum members go in as they are: they are strings, and the encoder writes their values. A call queue's
    (Department's) shared messages name it as their `owner`, as RingCentral's send sample does. The fields go
    into one dict display, in the order RingCentral writes them, rather than one assignment each.
    """
    uri = message_uri(base, record)
    is_sms = record.kind is Kind.SMS
    if is_sms and len(record.recipients) > 1 and record.direction is Direction.OUTBOUND:
        statuses = record.recipient_statuses()
        to = [{**sms_party(p), "target": True, "messageStatus": s} for p, s in zip(record.recipients, statuses)]
        status = group_status(statuses)
    else:
        status = record.status
        party = sms_party if is_sms else pager_party
        to = [party(p) for p in record.recipients]
    conversation_id = record.conversation_id
    body: dict = {
        "uri": uri,
        "id": record.id,
        **({"extensionId": record.mailbox.extension_id} if in_list else {}),
        "to": to,
        "from": sms_party(record.sender) if is_sms else pager_party(record.sender),
        "type": record.kind,
        "creationTime": iso_ms(record.created_ms),
        "readStatus": "Read" if record.read else "Unread",
        "priority": "Normal",
        "attachments": attachments(record, uri),
        "direction": record.direction,
        "availability": record.availability,
        "subject": record.text,
        "messageStatus": status,
        "conversationId": conversation_id,
        "conversation": {"id": str(conversation_id), "uri": f"{base}{API}/conversation/{conversation_id}"},
        "lastModifiedTime": iso_ms(record.modified_ms),
    }
    if is_sms:
        add_sms_fields(body, record, status)
        if in_list:  # GetMessageInfoResponse has it; the send's GetSMSMessageInfoResponse does not
            body["segmentCount"] = record.segments
    else:
        body["pgToDepartment"] = record.to_department
    if mailbox_owner is not None and mailbox_owner.type is ExtensionType.DEPARTMENT:
        body["owner"] = {"extensionId": mailbox_owner.id, "extensionType": mailbox_owner.type,
                         "name": mailbox_owner.name}
    return body


def attachments(record: Message, uri: str) -> list[dict]:
    """None once purged; an MMS's text and files; an SMS's text alone."""
    if record.availability is Availability.PURGED:
        return []
    if record.media:
        return mms_attachments(record, uri)
    return [{"id": record.id, "uri": f"{uri}/content/{record.id}", "type": "Text", "contentType": "text/plain"}]


def mms_attachments(record: Message, uri: str) -> list[dict]:
    """An MMS's text as its Text attachment (none when it has no text), then its files."""
    listed = [{"id": record.id, "uri": f"{uri}/content/{record.id}", "type": "Text", "contentType": "text/plain"}
              ] if record.text else []
    listed.extend(media_attachment(media, uri) for media in record.media)
    return listed


def has_text(record: Message) -> bool:
    """Every SMS has its text as an attachment; an MMS sent without text has none."""
    return bool(record.text) or not record.media


def media_attachment(media: Media, uri: str, in_event: bool = False) -> dict:
    """An MMS file; an instant event gives its id as a string and no fileName, as RingCentral's 2025 sample."""
    body: dict = {"id": str(media.id) if in_event else media.id, "uri": f"{uri}/content/{media.id}",
                  "type": "MmsAttachment", "contentType": media.content_type, "size": media.size}
    if media.file_name and not in_event:
        body["fileName"] = media.file_name
    return body


def group_status(statuses: tuple[Status, ...]) -> Status:
    """A group SMS is Queued while a recipient is, SendingFailed when one failed to send, else Sent (the spec's
    MessageStatusEnum); each recipient in `to` carries its own."""
    for aggregate in (Status.QUEUED, Status.SENDING_FAILED):
        if aggregate in statuses:
            return aggregate
    return Status.SENT


def add_sms_fields(body: dict, record: Message, status: Status) -> None:
    """Delivery time and error code, read only when the status has them: each read works out the status."""
    if record.direction is Direction.OUTBOUND:
        body["smsSendingAttemptsCount"] = 1
        if status is Status.DELIVERED and record.delivered_ms is not None:
            body["smsDeliveryTime"] = iso_ms(record.delivered_ms)
        elif status in FAILED and record.error_code:
            body["deliveryErrorCode"] = record.error_code


class SentPieces(NamedTuple):
    """What a route (with its conversation), a base URL and the caller fix in message() of the SMS sent along them,
    encoded once."""

    recipients: tuple[Party, ...]
    sender: Party
    mailbox: Mailbox
    owner: Extension | None
    conversation_id: int
    uri: bytes  # the message-store's uri up to the message id, escaped as in a JSON string
    parties: bytes  # ,"to":[...],"from":{...},"type":"SMS","creationTime":"
    conversation: bytes  # ,"conversationId":...,"conversation":{...},"lastModifiedTime":"
    tail: bytes  # ","smsSendingAttemptsCount":1}, and the owner where it is a call queue


SENT_PIECES = "ringcentral.sent"
# Statuses an answer carries with no delivery time or error code after them; the others go the long way.
SPLICED_STATUS = {status: status.value.encode() for status in Status if status not in (Status.DELIVERED, *FAILED)}
SENT_JSON = (b'{"uri":"%s%d","id":%d%s%s","readStatus":"%s","priority":"Normal","attachments":[{"id":%d,"uri":"%s%d'
             b'/content/%d","type":"Text","contentType":"text/plain"}],"direction":"Outbound","availability":"Alive",'
             b'"subject":%s,"messageStatus":"%s"%s%s%s')


def sent_message_json(world: World, base: str, record: Message, owner: Extension | None) -> bytes:
    """encode_json(message(base, record, mailbox_owner=owner)), byte for byte; an SMS to one number, neither
    delivered nor failed, is spliced from pieces its route fixes, as building and encoding the dicts cost a tenth
    of a send."""
    status, modified_ms = record.status_and_modified()
    status = SPLICED_STATUS.get(status)
    if status is None or len(record.recipients) != 1 or record.kind is not SMS or record.direction is not OUTBOUND \
            or record.availability is not ALIVE or record.media:
        return encode_json(message(base, record, mailbox_owner=owner))
    key = (SENT_PIECES, id(record.recipients), base)
    pieces = world.renderings.get(key)
    if pieces is None or pieces.recipients is not record.recipients or pieces.sender is not record.sender \
            or pieces.mailbox is not record.mailbox or pieces.owner is not owner \
            or pieces.conversation_id != record.conversation_id:
        pieces = world.remember_rendering(key, sent_pieces(base, record, owner))
    try:
        subject = orjson.dumps(record.text)
    except TypeError:  # half a surrogate pair: the standard library's escapes, as encode_json gives them
        return encode_json(message(base, record, mailbox_owner=owner))
    message_id, created_ms = record.id, record.created_ms
    created = iso_ms(created_ms).encode()
    modified = created if modified_ms == created_ms else iso_ms(modified_ms).encode()
    read = b"Read" if record.read else b"Unread"
    return SENT_JSON % (pieces.uri, message_id, message_id, pieces.parties, created, read, message_id, pieces.uri,
                        message_id, message_id, subject, status, pieces.conversation, modified, pieces.tail)


def sent_pieces(base: str, record: Message, owner: Extension | None) -> SentPieces:
    """The parts of message()'s answer a route fixes, cut from the encoding of a sample record along it."""
    sample = message(base, record, mailbox_owner=owner)
    owner_part = {"owner": sample["owner"]} if "owner" in sample else {}
    conversation = {"conversationId": sample["conversationId"], "conversation": sample["conversation"]}
    return SentPieces(
        record.recipients, record.sender, record.mailbox, owner, record.conversation_id,
        uri=encode_json(message_uri(base, record)[:-len(str(record.id))])[1:-1],
        parties=b"," + encode_json({"to": sample["to"], "from": sample["from"], "type": "SMS"})[1:-1]
        + b',"creationTime":"',
        conversation=b"," + encode_json(conversation)[1:-1] + b',"lastModifiedTime":"',
        tail=b'","smsSendingAttemptsCount":1' + (b"," + encode_json(owner_part)[1:] if owner_part else b"}"),
    )


def paging(total: int | None, page: int, per_page: int, shown: int = 0) -> dict:
    """RingCentral's paging block; page and its bounds are left out of an empty page.

    Without a total (a result set too large to count cheaply), totalPages and totalElements are
    omitted, as RingCentral's spec allows "for performance", and the bounds come from the page itself.
    """
    start = (page - 1) * per_page
    if per_page == 0:  # no page to number: what there is to count is all it says
        return {"perPage": 0} if total is None else {"perPage": 0, "totalElements": total}
    if total is None:
        body: dict = {"page": page, "perPage": per_page} if shown else {"perPage": per_page}
        if shown:
            body.update({"pageStart": start, "pageEnd": start + shown - 1})
        return body
    pages = math.ceil(total / per_page) if total else 0
    body = {}
    if start < total:
        body["page"] = page
    body["totalPages"] = pages
    body["perPage"] = per_page
    body["totalElements"] = total
    if start < total:
        body["pageStart"] = start
        body["pageEnd"] = min(start + per_page, total) - 1
    return body


def navigation(uri_for_page, total: int | None, page: int, per_page: int, more: bool = False) -> dict:
    """Links to the other pages; with no total, lastPage is left out and `more` says whether a next page exists."""
    if per_page == 0:
        return {}
    if total is None:
        body = {"firstPage": {"uri": uri_for_page(1)}}
        if more:
            body["nextPage"] = {"uri": uri_for_page(page + 1)}
        if page > 1:
            body["previousPage"] = {"uri": uri_for_page(page - 1)}
        return body
    pages = math.ceil(total / per_page) if total else 0
    if pages == 0:
        return {}
    body = {"firstPage": {"uri": uri_for_page(1)}}
    if page < pages:
        body["nextPage"] = {"uri": uri_for_page(page + 1)}
    if 1 < page <= pages + 1:
        body["previousPage"] = {"uri": uri_for_page(min(page - 1, pages))}
    body["lastPage"] = {"uri": uri_for_page(pages)}
    return body


def page_uri_builder(path_uri: str, params: list[tuple[str, str]], per_page: int):
    """Uris of other pages: the request's own query, normalised, with page and perPage set."""
    kept = [(k, v) for k, v in params if k not in ("page", "perPage")]

    def build(page: int) -> str:
        query = kept + [("page", str(page)), ("perPage", str(per_page))]
        return path_uri + "?" + "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in query)

    return build


def list_body(path_uri: str, params: list[tuple[str, str]], records: list, total: int | None, page: int,
              per_page: int, more: bool = False) -> dict:
    """A page of records; total None means it was too costly to count (see `paging`)."""
    build = page_uri_builder(path_uri, params, per_page)
    return {
        "uri": build(page),
        "records": records,
        "paging": paging(total, page, per_page, len(records)),
        "navigation": navigation(build, total, page, per_page, more),
    }


def int_id(value: str) -> int | str:
    """RingCentral ids are int64 in records; seeds may still use names."""
    return int(value) if is_digits(value) else value


COUNTRY_US = {"id": "1", "name": "United States", "isoCode": "US"}


def phone_number(base: str, directory: Directory, record: PhoneNumber, with_extension: bool) -> dict:
    body: dict = {
        "uri": f"{account_uri(base, record.account_id)}/phone-number/{record.id}",
        "id": int_id(record.id),
        "phoneNumber": record.number,
        "paymentType": record.payment_type,
        "type": record.type,
        "usageType": record.usage_type,
        "features": sorted(record.features),
        "status": "Normal",
        "country": {**COUNTRY_US, "uri": f"{base}{API}/dictionary/country/1"},
        "primary": record.usage_type != "MainCompanyNumber" and "CallerId" in record.features,
    }
    if record.label:
        body["label"] = record.label
    owner = number_owner(directory, record)
    if with_extension and owner is not None:
        body["extension"] = {"id": int_id(owner.id), "uri": extension_uri(base, owner.account_id, owner.id),
                             "extensionNumber": owner.number, "name": owner.name, "type": owner.type.value}
    return body


def account(base: str, directory: Directory, record: Account) -> dict:
    """GetAccountInfoResponse, from what the seed knows: the main number, the operator, and the US as home country
    (the seeded accounts are American); the schema marks no field required."""
    uri = account_uri(base, record.id)
    body: dict = {"uri": uri, "id": int_id(record.id), "status": "Confirmed"}
    main = next((n for n in directory.numbers_of_account(record.id) if n.is_main_company_number), None)
    if main is not None:
        body["mainNumber"] = main.number
    operator = directory.extensions.get(record.operator_extension_id or "")
    if operator is not None:
        body["operator"] = {"uri": extension_uri(base, record.id, operator.id), "id": int_id(operator.id),
                            "extensionNumber": operator.number}
    body["regionalSettings"] = {"homeCountry": {**COUNTRY_US, "uri": f"{base}{API}/dictionary/country/1",
                                                "callingCode": "1"}}
    return body


def number_owner(directory: Directory, record: PhoneNumber) -> Extension | None:
    """The extension a number is listed under (the operator for the main number): its `extension` block."""
    owner_id = directory.sms_owner_id(record)
    return directory.extensions.get(owner_id) if owner_id else None


def extension(base: str, directory: Directory, record: Extension, full: bool) -> dict:
    first, _, last = record.name.partition(" ")
    body: dict = {
        "id": int_id(record.id),
        "uri": extension_uri(base, record.account_id, record.id),
        "extensionNumber": record.number,
        "name": record.name,
        "type": record.type.value,
        "status": record.status,
        "contact": {"firstName": first, "lastName": last, "email": record.email, "emailAsLoginName": True},
    }
    if record.status == "Disabled":
        body["statusInfo"] = {"reason": "Voluntarily"}
    if full:
        body["account"] = {"id": record.account_id, "uri": account_uri(base, record.account_id)}
        body["departments"] = [
            {"id": d.id, "uri": extension_uri(base, d.account_id, d.id), "extensionNumber": d.number}
            for d in directory.departments_of(record.id)
        ]
        body["serviceFeatures"] = service_features(record)
    return body


def service_features(record: Extension) -> list[dict]:
    receives_sms = record.type is not ExtensionType.DEPARTMENT
    sends_pager = record.type is not ExtensionType.DEPARTMENT
    return [
        {"featureName": "SMS", "enabled": True},
        {"featureName": "SMSReceiving", "enabled": receives_sms},
        {"featureName": "Pager", "enabled": sends_pager},
        {"featureName": "PagerReceiving", "enabled": True},
    ]


def sync_record(base: str, record: Message, mailbox_owner: Extension) -> dict:
    """A message-sync record; a deleted or purged one is only its id and availability, as RingCentral's guide says."""
    if record.availability is Availability.ALIVE:
        return message(base, record, in_list=True, mailbox_owner=mailbox_owner)
    return {"id": record.id, "availability": record.availability}


def sync_body(path_uri: str, params: list[tuple[str, str]], records: list, sync_type: str, token: str, now_ms: int,
              older: bool) -> dict:
    query = "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in params)
    return {
        "uri": f"{path_uri}?{query}" if query else path_uri,
        "records": records,
        "syncInfo": {"syncType": sync_type, "syncToken": token, "syncTime": iso_ms(now_ms),
                     "olderRecordsExist": older},
    }


# --- subscriptions and their notifications ------------------------------------------------------------

def subscription(base: str, record, now_ms: int) -> dict:
    """SubscriptionInfo; `expiresIn` counts down to the expiration time, as RingCentral's does."""
    body = {
        "uri": f"{base}{API}/subscription/{record.id}",
        "id": record.id,
        "creationTime": iso_ms(record.created_ms),
        "status": "Active" if record.blacklisted_ms is None else "Blacklisted",
        "eventFilters": [f.text for f in record.filters],
        "expirationTime": iso_ms(record.expires_ms),
        "expiresIn": max(0, (record.expires_ms - now_ms) // 1000),
        "deliveryMode": {"transportType": "WebHook", "address": record.address, "encryption": False},
    }
    if record.blacklisted_ms is not None:
        body["blacklistedData"] = {"reason": record.blacklist_reason, "blacklistedAt": iso_ms(record.blacklisted_ms)}
    return body


def blacklist_reason(status: int | None, error: str | None) -> str:
    """The short reason RingCentral gives for a blacklisted subscription, in the words of its examples."""
    if status is not None:
        phrase = HTTPStatus(status).phrase if status in HTTP_STATUSES else "Unknown"
        return f"Webhook responses with code: [{status}], reason: [{phrase}]"
    detail = "Read timed out" if error and "Timeout" in error else "Connection refused"
    return f"I/O operation is failed. Details: [{detail}]"


def notification(event: str, subscription_id: str, owner_id: str, body: dict, uuid: str, now_ms: int) -> dict:
    return {"uuid": uuid, "event": event, "timestamp": iso_ms(now_ms), "subscriptionId": subscription_id,
            "ownerId": owner_id, "body": body}


def instant_sms(record: Message, owner: Extension, base: str) -> dict:
    """A new inbound SMS as the message-store/instant event carries it: ids as strings, no uris but the links
    to an MMS's files."""
    return {
        "id": str(record.id),
        "to": [{**sms_party(p), "target": p.extension_id == owner.id} for p in record.recipients],
        "from": sms_party(record.sender),
        "type": record.kind,
        "creationTime": iso_ms(record.created_ms),
        "lastModifiedTime": iso_ms(record.modified_ms),
        "readStatus": "Read" if record.read else "Unread",
        "priority": "Normal",
        "attachments": instant_attachments(record, base),
        "direction": record.direction,
        "availability": record.availability,
        "subject": record.text,
        "messageStatus": record.status,
        "conversationId": str(record.conversation_id),
        "conversation": {"id": str(record.conversation_id)},
        "eventType": "Create",
        "owner": {"extensionId": owner.id, "extensionType": owner.type, "name": owner.name},
    }


def instant_attachments(record: Message, base: str) -> list[dict]:
    listed = [{"id": str(record.id), "type": "Text", "contentType": "text/plain"}] if has_text(record) else []
    listed.extend(media_attachment(media, message_uri(base, record), in_event=True) for media in record.media)
    return listed


def message_store_change(record: Message, new: bool, now_ms: int) -> dict:
    """The message-store event: how many messages of a type are new or updated, and the new ones' ids."""
    change: dict = {"type": record.kind, "newCount": int(new), "updatedCount": int(not new)}
    if new:
        change["newMessageIds"] = [record.id]
    mailbox = record.mailbox
    return {"accountId": mailbox.account_id, "extensionId": mailbox.extension_id, "ownerId": mailbox.extension_id,
            "lastUpdated": iso_ms(now_ms), "changes": [change]}


# --- high-volume (A2P) SMS ------------------------------------------------------------------------------

def a2p_batch_status(messages: list[Message]) -> str:
    """Processing while any message is Queued, Sent once all have left, Completed once none will change."""
    if any(m.status is Status.QUEUED for m in messages):
        return "Processing"
    return "Completed" if all(m.progress is None for m in messages) else "Sent"


def a2p_batch(batch, messages: list[Message], rejected: list[dict] | None = None) -> dict:
    """MessageBatchResponse; `rejected` only in the answer to the batch's creation, as RingCentral's."""
    body = {
        "id": batch.id,
        "from": batch.from_number,
        "batchSize": batch.size,
        "processedCount": sum(1 for m in messages if m.status is not Status.QUEUED),
        "status": a2p_batch_status(messages),
        "creationTime": iso_ms(batch.created_ms),
        "lastModifiedTime": iso_ms(max([batch.created_ms] + [m.modified_ms for m in messages])),
    }
    if rejected is not None:
        body["rejected"] = rejected
    return body


def a2p_message(record: Message, batch_id: str | None, with_text: bool) -> dict:
    """A batch's message, or a reply to a high-volume number (no batch; `Received`, as RingCentral's other
    stores show an inbound SMS: the spec's SmsStatusEnum names outbound statuses only)."""
    status = record.status
    body = {
        "id": record.id,
        **({"batchId": batch_id} if batch_id is not None else {}),
        "from": record.sender.number,
        "to": [p.number for p in record.recipients],
        "creationTime": iso_ms(record.created_ms),
        "lastModifiedTime": iso_ms(record.modified_ms),
        "messageStatus": status,
        "segmentCount": record.segments,
        "direction": record.direction,
    }
    if status in FAILED and record.error_code:
        body["errorCode"] = record.error_code
    if with_text:
        body["text"] = record.text
    return body


def non_enumerated_paging(per_page: int, offset: int, shown: int, more: bool, token) -> dict:
    """Page tokens; the current page's is left out only when the page is empty, as the spec allows."""
    body: dict = {"perPage": per_page, "firstPageToken": token(0)}
    if shown:
        body["pageToken"] = token(offset)
    if offset:
        body["previousPageToken"] = token(max(0, offset - per_page))
    if more:
        body["nextPageToken"] = token(offset + per_page)
    return body


A2P_STATUS_KEYS = {Status.QUEUED: "queued", Status.SENT: "sent", Status.DELIVERED: "delivered",
                   Status.DELIVERY_FAILED: "deliveryFailed", Status.SENDING_FAILED: "sendingFailed"}


def a2p_statuses(messages: list[Message]) -> dict:
    counts = {key: {"count": 0, "cost": 0.0, "errorCodeCounts": {}} for key in A2P_STATUS_KEYS.values()}
    for record in messages:
        status = record.status
        if status not in A2P_STATUS_KEYS:  # a reply's Received: the aggregate counts what was sent
            continue
        entry = counts[A2P_STATUS_KEYS[status]]
        entry["count"] += 1
        if status in FAILED and record.error_code:
            entry["errorCodeCounts"][record.error_code] = entry["errorCodeCounts"].get(record.error_code, 0) + 1
    return counts


def consent(number: str, handset: str, record) -> dict:
    """SmsOptRecord: one pair of numbers, whether the handset takes the number's SMS, and who said so last."""
    return {"from": number, "to": handset, "optStatus": "OptOut" if record.opted_out else "OptIn",
            "source": "Recipient" if record.by_recipient else "Api", "lastModifiedTime": iso_ms(record.modified_ms)}


class BulkPart(NamedTuple):
    """One message's answer within a bulk request."""

    resource_id: str
    href: str
    status: int
    body: dict | None  # None for a deleted message, whose part is empty


def multipart_json(parts: list[BulkPart]) -> list[dict]:
    """`application/vnd.ringcentral.multipart+json`: each part's `resourceId`, `status` and `body`."""
    return [{"resourceId": p.resource_id, "status": p.status, **({"body": p.body} if p.body is not None else {})}
            for p in parts]


ORIGIN = re.compile(rb'https?://[^/"]*')


def multipart_mixed(parts: list[BulkPart]) -> tuple[bytes, str]:
    """multipart/mixed as RingCentral's bulk guide shows it: the statuses first, then each body in order.

    The boundary is a digest of the bodies, so it cannot occur in them and the same answer is written alike, on
    any host and port: the origins in their uris are left out of it.
    """
    statuses = {"response": [{"href": p.href, "status": p.status, "responseDescription": HTTPStatus(p.status).phrase}
                             for p in parts]}
    bodies = [encode_json(statuses)] + [encode_json(p.body) if p.body is not None else b"" for p in parts]
    boundary = "Boundary_" + hashlib.sha1(ORIGIN.sub(b"", b"\0".join(bodies))).hexdigest()
    delimiter = f"--{boundary}\r\nContent-Type: application/json\r\n\r\n".encode()
    body = b"".join(delimiter + part + b"\r\n" for part in bodies) + f"--{boundary}--\r\n".encode()
    return body, f"multipart/mixed; boundary={boundary}"
