"""An SMS from an outside handset, the same from HTTP and from Python."""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any

from ..core import carrier
from ..core.model import Message
from ..core.rules import Attachment, normalize_number
from ..core.world import World
from ..wire import CONTROL_CHARACTERS, has_lone_surrogate


class InboundRefused(ValueError):
    """An inbound SMS that cannot be injected; status is the HTTP status the control API answers with."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def phone(name: str, value: Any) -> str:
    number = normalize_number(value) if isinstance(value, str) else None
    if number is None:
        raise InboundRefused(400, f"{name} must be a phone number as a string, got {value!r}")
    return number


MAX_MEDIA = 10


def attachment(index: int, value: Any) -> Attachment:
    """One file of an inbound MMS: {content_type, file_name?, content (bytes, from Python) or content_base64}."""
    where = f"media[{index}]"
    if not isinstance(value, dict) or not set(value) <= {"content_type", "file_name", "content", "content_base64"}:
        raise InboundRefused(400, f"{where} must be an object of content_type, file_name and content_base64")
    content_type, file_name = value.get("content_type"), value.get("file_name")
    kind = MEDIA_TYPE.fullmatch(content_type.split(";", 1)[0].strip()) if isinstance(content_type, str) else None
    if kind is None:
        raise InboundRefused(400, f"{where}.content_type must be a media type such as image/png")
    if file_name is not None and (not isinstance(file_name, str) or CONTROL_CHARACTERS.search(file_name)
                                  or has_lone_surrogate(file_name)):
        raise InboundRefused(400, f"{where}.file_name must be a string without control characters or lone "
                                  "surrogates")
    if "content" not in value and "content_base64" not in value:
        raise InboundRefused(400, f"{where} needs its bytes: content_base64")
    content = value.get("content")
    if content is None:
        try:
            content = base64.b64decode(value["content_base64"], validate=True)
        except (binascii.Error, TypeError, ValueError):
            raise InboundRefused(400, f"{where}.content_base64 must be base64") from None
    if not isinstance(content, bytes):
        raise InboundRefused(400, f"{where}.content must be bytes; JSON carries a file as content_base64")
    return Attachment(kind.group(0).lower(), file_name, content)


# RFC 6838's type and subtype names; parameters after ";" are dropped.
MEDIA_TYPE = re.compile(r"[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}")


def attachments(media: Any) -> tuple[Attachment, ...]:
    if media is None:
        return ()
    if not isinstance(media, list) or len(media) > MAX_MEDIA:
        raise InboundRefused(400, f"media must be a list of at most {MAX_MEDIA} files")
    return tuple(attachment(index, value) for index, value in enumerate(media))


def inject(world: World, handset: Any, to: Any, text: Any, media: Any = None) -> Message | None:
    """Deliver through the provider owning `to`; None when the owner drops it, as the real network does.

    With `media` the message is an MMS (its text may then be left out): its files, which the receiving mailbox
    lists and serves.
    """
    handset, to = phone("from", handset), phone("to", to)
    files = attachments(media)
    if text is None and files:
        text = ""  # a picture alone
    if text is None:
        raise InboundRefused(400, "text is required (it may be left out only when media is given)")
    if not isinstance(text, str):
        raise InboundRefused(400, "text must be a string")
    if has_lone_surrogate(text):  # no provider could store or send it as UTF-8
        raise InboundRefused(400, "text must be valid Unicode, without half of a surrogate pair")
    if to not in world.directory.numbers:
        raise InboundRefused(404, f"no account in this tenant owns {to}")
    if handset in world.directory.numbers:
        raise InboundRefused(400, f"{handset} belongs to an account; send from it through its provider's API")
    return carrier.receive_from_outside(world, handset, to, text, files)
