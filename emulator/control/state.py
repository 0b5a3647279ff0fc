"""What the control API keeps per tenant besides the world: fault rules and the request journal."""

from __future__ import annotations

from collections import deque
from typing import Any

import attrs

from ..core.faults import FaultBook
from ..core.world import World
from ..providers import fault_operations

JOURNAL_SIZE = 1000
STATE_KEY = "_emulator"


@attrs.define
class JournalEntry:
    """One request the tenant received: what it matched, how it was answered, and which fault it met."""

    id: int
    time_ms: int
    method: str
    path: str
    operation: str | None
    provider: str | None
    status: int | None = None
    fault: int | None = None
    fault_effect: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return attrs.asdict(self)


@attrs.define
class Journal:
    """The newest requests of a tenant; bounded so a long CI run cannot grow it without end."""

    entries: deque = attrs.field(factory=lambda: deque(maxlen=JOURNAL_SIZE))  # JournalEntry fields as tuples
    next_id: int = 1

    def record(self, time_ms: int, method: str, path: str, operation: str | None, provider: str | None,
               status: int | None = None, fault: int | None = None, fault_effect: str | None = None) -> None:
        """Kept as a plain tuple: every request writes one, few are ever read."""
        self.entries.append((self.next_id, time_ms, method, path, operation, provider, status, fault, fault_effect))
        self.next_id += 1

    def newest_first(self) -> list[JournalEntry]:
        return [JournalEntry(*fields) for fields in reversed(self.entries)]

    def clear(self) -> None:
        self.entries.clear()


@attrs.define
class TenantControl:
    """Fault rules and journal of one tenant; a reset of the tenant starts them afresh with its world."""

    faults: FaultBook = attrs.field(factory=lambda: FaultBook(operations=fault_operations()))
    journal: Journal = attrs.field(factory=Journal)


def control_of(world: World) -> TenantControl:
    """The tenant's fault rules and journal: read on every request, so found without a further call once made."""
    return world.provider_state.get(STATE_KEY) or world.state(STATE_KEY, TenantControl)
