"""Deterministic identifiers: per-tenant counters, never randomness."""

from __future__ import annotations

import hashlib
import uuid
from functools import lru_cache
from itertools import count
from typing import Callable


class IdSequence:
    """Hands out increasing integers from a starting value.

    `take` is the counter's own C-level __next__: every message copy takes one, and a Python-level method
    would cost a call frame each time.
    """

    __slots__ = ("take",)

    def __init__(self, next_value: int) -> None:
        self.take: Callable[[], int] = count(next_value).__next__

    @property
    def next_value(self) -> int:
        """The value the next take() gives; read by starting a new counter there, which nothing hot does."""
        value = self.take()
        self.take = count(value).__next__
        return value

    def __repr__(self) -> str:
        return f"IdSequence(next_value={self.next_value})"


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
