"""Driving a tenant's clock: freeze, advance by a duration, resume; due status changes apply at once."""

from __future__ import annotations

import re
from typing import Any

from ..core.clock import ClockRangeError, iso_ms, parse_iso
from ..core.world import World

DURATION_PART = re.compile(r"([0-9]+(?:\.[0-9]+)?)(ms|s|m|h|d)")  # ASCII digits: \d and float() also take '١'
DURATION = re.compile(r"(?:[0-9]+(?:\.[0-9]+)?(?:ms|s|m|h|d))+")
UNIT_SECONDS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}
MAX_ADVANCE_S = 10 * 365 * 86400.0


class ClockError(ValueError):
    """A clock command that cannot be carried out, with the reason."""


def parse_duration(value: Any) -> float:
    """Seconds from a number or a text like '90s', '5m', '1h30m', '250ms'."""
    if isinstance(value, bool):
        raise ClockError("a duration is a number of seconds or a text like '90s', '5m', '1h30m'")
    if isinstance(value, (int, float)):
        seconds = float(value) if abs(value) < 1e300 else float("inf")  # an int past a float's range is too far
    elif isinstance(value, str) and DURATION.fullmatch(value.strip()):
        seconds = sum(float(n) * UNIT_SECONDS[u] for n, u in DURATION_PART.findall(value.strip()))
    else:
        raise ClockError(f"a duration is a number of seconds or a text like '90s', '5m', '1h30m', got {value!r}")
    if not 0 <= seconds <= MAX_ADVANCE_S:
        raise ClockError("the clock only moves forward, by at most ten years at a time")
    return seconds


# What each action reads: a field of another action is most likely a mistaken action, so it is refused.
ACTION_FIELDS = {"freeze": {"at"}, "advance": {"seconds", "by"}, "resume": set()}


def apply_clock_command(world: World, body: dict[str, Any]) -> None:
    action = body.get("action")
    takes = ACTION_FIELDS.get(action) if isinstance(action, str) else None  # else the action itself is refused below
    stray = sorted(set(body) - {"action"} - takes) if takes is not None else []
    if stray:
        wanted = ", ".join(sorted(takes)) or "no other field"
        raise ClockError(f"{action} does not take {', '.join(stray)} (it takes {wanted})")
    if action == "freeze":
        freeze(world, body.get("at"))
    elif action == "advance":
        advance(world, body)
    elif action == "resume":
        world.clock.resume()
    else:
        raise ClockError(f"action must be freeze, advance or resume, got {action!r}")
    world.tick()  # what the move makes due (statuses, their webhooks) happens now, not on the next timer tick


def freeze(world: World, at: Any) -> None:
    if at is None:
        try:  # a clock resumed just short of the last moment it can show runs on past it
            world.clock.freeze(world.now_ms())
        except ClockRangeError as error:
            raise ClockError(str(error)) from None
        return
    if not isinstance(at, str):
        raise ClockError("at must be an ISO-8601 time")
    try:
        at_ms = parse_iso(at)
    except ValueError:
        raise ClockError(f"at must be an ISO-8601 time, got {at!r}") from None
    if at_ms < world.now_ms():
        raise ClockError("the clock only moves forward; at is earlier than the tenant's now")
    try:
        world.clock.freeze(at_ms)
    except ClockRangeError as error:
        raise ClockError(str(error)) from None


def advance(world: World, body: dict[str, Any]) -> None:
    given = [k for k in ("seconds", "by") if k in body]
    if len(given) != 1:
        raise ClockError("advance takes exactly one of seconds (a number) or by (a duration like '5m')")
    try:
        world.clock.advance(parse_duration(body[given[0]]))
    except ClockRangeError as error:
        raise ClockError(str(error)) from None


def clock_json(world: World) -> dict[str, Any]:
    now = world.now_ms()
    return {"now": iso_ms(now), "now_ms": now, "frozen": world.clock.frozen}
