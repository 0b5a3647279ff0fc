"""A clock tests can freeze and advance, so statuses and token expiry are deterministic."""

from __future__ import annotations

import time
from functools import lru_cache
from datetime import datetime, timezone

import attrs


EARLIEST_MS = -62_135_510_400_000  # 0001-01-02T00:00:00Z: a day after the first moment a date can show
LATEST_MS = 221_845_392_000_000  # 9000-01-01T00:00:00Z: every lifetime granted from there still has a year to show


class ClockRangeError(ValueError):
    """A moment the clock cannot show: it would run out of four-digit years."""

    def __init__(self) -> None:
        super().__init__("the clock stays between 0001-01-02T00:00:00Z and 9000-01-01T00:00:00Z")


def check_moment(ms: int) -> int:
    if not EARLIEST_MS <= ms <= LATEST_MS:
        raise ClockRangeError()
    return ms


@attrs.define
class Clock:
    """Milliseconds since the epoch; real time plus an offset, or frozen at a moment."""

    offset_ms: int = 0
    frozen_at_ms: int | None = None
    source: "callable[[], float]" = time.time

    def now_ms(self) -> int:
        if self.frozen_at_ms is not None:
            return self.frozen_at_ms
        return int(self.source() * 1000) + self.offset_ms

    def freeze(self, at_ms: int | None = None) -> None:
        self.frozen_at_ms = self.now_ms() if at_ms is None else check_moment(at_ms)

    def resume(self) -> None:
        """Run on from the frozen moment, never jumping back in time."""
        if self.frozen_at_ms is not None:
            self.offset_ms = self.frozen_at_ms - int(self.source() * 1000)
            self.frozen_at_ms = None

    def advance(self, seconds: float) -> None:
        if not seconds >= 0:  # NaN too
            raise ValueError("the clock only moves forward")
        if seconds * 1000 > LATEST_MS:  # inf too, before round() meets it
            raise ClockRangeError()
        delta = round(seconds * 1000)
        check_moment(self.now_ms() + delta)
        if self.frozen_at_ms is not None:
            self.frozen_at_ms += delta
        else:
            self.offset_ms += delta

    @property
    def frozen(self) -> bool:
        return self.frozen_at_ms is not None

    def copy(self) -> "Clock":
        return Clock(self.offset_ms, self.frozen_at_ms, self.source)


def iso_ms(ms: int) -> str:
    """ISO-8601 UTC with milliseconds, the form RingCentral uses."""
    seconds, millis = divmod(ms, 1000)
    return f"{utc_second(seconds)}.{millis:03d}Z"


@lru_cache(maxsize=4096)
def utc_second(seconds: int) -> str:
    """One second as ISO-8601 UTC; cached because every response formats the same few seconds."""
    return datetime.fromtimestamp(seconds, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")


def parse_iso(value: str) -> int:
    """Milliseconds for an ISO-8601 timestamp; a naive one is taken as UTC."""
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return int(parsed.timestamp() * 1000)
