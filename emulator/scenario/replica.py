"""The control API as a replay of a recording will answer it: the replay runs in its own tenant, on a clock frozen
where the recording's ran and moved by advance steps that its journal lists, so those answers are written as the
replay will give them, every other field as recorded."""

from __future__ import annotations

from collections import deque
from typing import Any

import attrs

from ..control.state import JOURNAL_SIZE, JournalEntry

CLOCK = "/_emulator/clock"
JOURNAL = "/_emulator/journal"
SEED = "/_emulator/seed"
RESET = "/_emulator/reset"
TENANT = "/_emulator/tenant"  # DELETE: the tenant starts afresh from the server's seed, as after a reset
TENANTS = "/_emulator/tenants"  # every tenant of the server: the replay's server holds others
TENANT_ANSWERS = ("/_emulator/health", RESET, SEED, TENANT)  # answers that name their tenant
JOURNAL_LIMIT = 100  # GET /_emulator/journal's default
BASE_PATH = "${base_path}"  # the replay's tenant prefix: empty in process, /t/<name> on a target


@attrs.frozen
class Handled:
    """One recorded request as the control API saw it: what it asked, what it got, what it changed."""

    method: str
    path: str
    query: dict[str, str]
    action: Any  # the `action` of a JSON body (a clock command's), if any
    status: int
    replaced_world: bool  # a reset or a new seed gave the tenant a new world
    entry: dict | None  # its entry in the recording's journal, if it made one
    before_ms: int  # the tenant's clock as the request came, and as it went (moved only by a clock command)
    after_ms: int
    was_frozen: bool  # whether the clock was frozen as the request came, and as it went
    frozen: bool

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


@attrs.define
class JournalForecast:
    """The replay's journal: the recording's entries renumbered, with one more for each advance step."""

    entries: deque = attrs.field(factory=lambda: deque(maxlen=JOURNAL_SIZE))
    next_id: int = 1

    def add(self, entry: dict, time_varies: bool) -> None:
        """An entry under the replay's id and tenant prefix; a time the replay cannot repeat is a lower bound."""
        entry = {**entry, "id": self.next_id, "path": BASE_PATH + entry["path"]}
        if time_varies:
            entry["time_ms"] = f"$ge {entry['time_ms']}"
        self.entries.append(entry)
        self.next_id += 1

    def add_advance(self, at_ms: int, time_varies: bool) -> None:
        """What the replay's own advance step (POST /_emulator/clock) leaves in its journal."""
        self.add(JournalEntry(0, at_ms, "POST", CLOCK, "control.setClock", "control", 200).as_dict(), time_varies)

    def answer(self, query: dict[str, str]) -> dict[str, Any]:
        """GET /_emulator/journal's answer, filtered and cut as the control API does it."""
        wanted = {key: query[key] for key in ("provider", "operation") if query.get(key)}
        found = [e for e in reversed(self.entries) if all(e[k] == v for k, v in wanted.items())]
        return {"total": len(found), "entries": found[:int(query.get("limit") or JOURNAL_LIMIT)]}


@attrs.define
class ReplayView:
    """What differs on replay: whether its clock stands still, its journal, and whether it keeps the seed."""

    clock_stands_in: bool = False  # the replay's frozen clock stands in for the recording's running one
    clock_runs: bool = False  # the replay's clock runs, so it cannot repeat a time to the millisecond
    own_seed: bool = True  # the tenant still has the recording's seed (no PUT /_emulator/seed yet)
    journal: JournalForecast = attrs.field(factory=JournalForecast)

    def start(self, frozen: bool) -> None:
        """A recording that starts on a running clock is replayed on a frozen one, moved step by step."""
        self.clock_stands_in = not frozen

    def advanced(self, to_ms: int) -> None:
        """The recording wrote an advance step, which the replay's journal will list."""
        self.journal.add_advance(to_ms, self.clock_runs)

    def clock_moved(self, handled: Handled, seed_frozen: bool) -> None:
        """After a request: a freeze or resume ends the stand-in, a reset starts it again for a running seed."""
        if not handled.ok:
            return
        if handled.path == CLOCK and handled.method == "POST" and handled.action in ("freeze", "resume"):
            self.clock_stands_in = False
        if handled.path == SEED and handled.method == "PUT":
            self.own_seed = self.clock_stands_in = False
        if handled.path == TENANT and handled.method == "DELETE":
            self.own_seed = True  # its own seed went with it: the server's is the recording's again
        if handled.path in (RESET, TENANT) and self.own_seed:
            self.clock_stands_in = not seed_frozen
        self.clock_runs = not (handled.frozen or self.clock_stands_in)

    def journal_moved(self, handled: Handled) -> None:
        """After a request's answer is written: its own entry, after whatever it did to the journal."""
        if handled.replaced_world:
            self.journal = JournalForecast()
            return
        if handled.ok and handled.path == JOURNAL and handled.method == "DELETE":
            self.journal.entries.clear()
        if handled.entry is not None:
            self.journal.add(handled.entry, self.clock_runs)

    def expected(self, handled: Handled, body: Any, seed_clock: Any) -> Any:
        """The answer as the replay will give it, where it differs from the recording's."""
        if not isinstance(body, dict) or not handled.ok or not handled.path.startswith("/_emulator/"):
            return body
        if handled.path in TENANT_ANSWERS and "tenant" in body:
            body = {**body, "tenant": "${tenant}"}
        if handled.path == TENANTS:
            return {**body, "tenants": "$any"}
        if handled.path == CLOCK:
            return self.clock_answer(body)
        if handled.path == JOURNAL:
            return self.journal_answer(handled, body)
        if handled.path == SEED and handled.method == "GET" and self.own_seed:
            return self.seed_answer(body, seed_clock)
        return body

    def clock_answer(self, body: dict) -> dict:
        """Frozen where the replay's clock stands in for a running one; a running replay's time as a lower bound."""
        body = {**body, "frozen": not self.clock_runs}
        if self.clock_runs:
            body.update({"now": "$timestamp", "now_ms": f"$ge {body['now_ms']}"})
        return body

    def journal_answer(self, handled: Handled, body: dict) -> dict:
        """The replay's journal holds its advance steps too, so it is read from the forecast, not the recording."""
        if handled.method == "DELETE":
            return {**body, "deleted": len(self.journal.entries)}
        return self.journal.answer(handled.query) if handled.method == "GET" else body

    def seed_answer(self, body: dict, seed_clock: Any) -> dict:
        """The replay's seed is the recording's with the clock the scenario gives it, read from wherever it runs."""
        seed = dict(body.get("seed") or {})
        if seed_clock is not None:
            seed["clock"] = seed_clock
        return {**body, "source": "$string", "seed": seed}
