"""Deterministic identifiers: per-tenant counters, never randomness."""

from __future__ import annotations

import hashlib
import uuid
from functools import lru_cache

import attrs


@attrs.define
class IdSequence:
    """Hands out increasing integers from a starting value."""

    next_value: int

    def take(self) -> int:
        value = self.next_value
        self.next_value += 1
        return value


def is_digits(text: str) -> bool:
    """ASCII digits only: str.isdigit() also accepts characters like '²' that int() refuses."""
    return text.isascii() and text.isdigit()


def stable_int63(*parts: str) -> int:
    """A positive 63-bit integer derived from text, the same in every run."""
    digest = hashlib.blake2b("\x1f".join(parts).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> 1


def stable_uuid(*parts: str) -> str:
    """A version-4-shaped UUID derived from text: the same in every run, so recorded sessions replay alike."""
    digest = hashlib.blake2b("\x1f".join(parts).encode(), digest_size=16).digest()
    return str(uuid.UUID(bytes=digest, version=4))


@lru_cache(maxsize=65_536)
def sms_conversation_id(*numbers: str) -> int:
    """Every side of an SMS exchange shares a conversation keyed by its numbers: a pair, or a group's own set."""
    return stable_int63("sms", *sorted(numbers))
