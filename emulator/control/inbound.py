"""An SMS from an outside handset, the same from HTTP and from Python."""

from __future__ import annotations

from typing import Any

from ..core import carrier
from ..core.model import Message
from ..core.rules import normalize_number
from ..core.world import World


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


def inject(world: World, handset: Any, to: Any, text: Any) -> Message | None:
    """Deliver through the provider owning `to`; None when the owner drops it, as the real network does."""
    handset, to = phone("from", handset), phone("to", to)
    if not isinstance(text, str):
        raise InboundRefused(400, "text must be a string")
    if to not in world.directory.numbers:
        raise InboundRefused(404, f"no account in this tenant owns {to}")
    if handset in world.directory.numbers:
        raise InboundRefused(400, f"{handset} belongs to an account; send from it through its provider's API")
    return carrier.receive_from_outside(world, handset, to, text)
