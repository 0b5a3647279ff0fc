"""Recording a session of the default tenant as a scenario file that replays green on a fresh emulator."""

from __future__ import annotations

import base64
import contextlib
import json
import logging
import os
import time
from pathlib import Path
from typing import Any, Awaitable, Callable
from urllib.parse import parse_qsl, urlencode, urlsplit

import attrs
import yaml
from aiohttp import web

from ..app import FACE_BY_SEGMENT, TENANTS_KEY, TENANT_HEADER, allow_body, body_limit, body_timeout, first_segment
from ..control.state import Journal, JournalEntry, control_of
from ..core.clock import Clock, iso_ms
from ..encodings import BodyTimedOut, buffer_body
from ..providers.voximplant.auth import account_for_token, unverified_kid
from ..providers.voximplant.errors import VoximplantError
from ..seed import DEFAULT_SEED_PATH, Seed
from ..wire import EXCHANGE, UNDECODABLE_BODY, own_host
from .credentials import CredentialError, Credentials
from .format import SCENARIO_VERSION, schema
from .match import TIMESTAMP
from .replica import CLOCK, Handled, ReplayView
from .runner import body_as_json

DEFAULT_PREFIX = "/t/default/"  # the default tenant named in the path: recorded as its path without it
WAIT = "/_emulator/wait"  # a long-poll waits for time to pass, so the clock is not held still for it

TOKEN_KEYS = ("access_token", "refresh_token")
RECORDED_HEADERS = ("authorization", "accept")
UNSAID = {"accept": "*/*"}  # what the replay's client sends anyway, so not worth a line in every step
MAX_DEPTH = 100  # JSON nested deeper is kept as text: the YAML writer recurses once or more for each level
log = logging.getLogger("sms_emulator")
METHODS = frozenset(schema()["$defs"]["request"]["properties"]["method"]["enum"])  # what a step may send
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def escaped(value: Any) -> Any:
    """Recorded strings are literals: a ${ in them is written $${, not a capture, and one that starts with $
    is not a matcher."""
    if isinstance(value, str):
        value = literal_captures(value)
        return "$" + value if value.startswith("$") else value
    if isinstance(value, dict):
        return {k: escaped(v) for k, v in value.items()}
    if isinstance(value, list):
        return [escaped(v) for v in value]
    return value


def literal_captures(text: str) -> str:
    return text.replace("${", "$${") if "${" in text else text


def replaced(value: Any, swap: Callable[[str], Any]) -> Any:
    """Every string of a JSON value passed through swap."""
    if isinstance(value, str):
        return swap(value)
    if isinstance(value, dict):
        return {k: replaced(v, swap) for k, v in value.items()}
    if isinstance(value, list):
        return [replaced(v, swap) for v in value]
    return value


def depth_of(value: Any, limit: int = MAX_DEPTH) -> int:
    """How deep a JSON value nests, counted no further than past the limit, so a deep one costs no recursion."""
    deepest, level = 0, [(value, 1)]
    while level and deepest <= limit:
        item, depth = level.pop()
        if isinstance(item, (dict, list)):
            deepest = max(deepest, depth)
            level += [(v, depth + 1) for v in (item.values() if isinstance(item, dict) else item)]
    return deepest


def pairs_as_dict(pairs) -> dict[str, Any]:
    """Query or form pairs; a repeated name becomes a list."""
    out: dict[str, Any] = {}
    for name, value in pairs:
        if name in out:
            out[name] = (out[name] if isinstance(out[name], list) else [out[name]]) + [value]
        else:
            out[name] = value
    return out


class Standing:
    """A clock source that reads one moment: time stands still, and the clock still reads as running."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    def __call__(self) -> float:
        return self.seconds


@contextlib.contextmanager
def time_standing(clock: Clock):
    """Real time stands still for the tenant's clock while a recorded request is handled, so every time the
    response carries is the request's own, which a replay (its clock advanced from request to request) gives again.
    The clock is not frozen, so what the request asks of it (freeze, advance, resume) is answered as ever."""
    source = clock.source
    if isinstance(source, Standing):  # another recorded request holds it
        yield
        return
    clock.source = Standing(source())
    try:
        yield
    finally:
        clock.source = source


def own_path(request: web.Request, raw: bool = False) -> str:
    """The path as the default tenant's own: /t/default/x is /x, as a replay in a tenant of its own asks it;
    raw keeps its percent-escapes, as the client sent them (a decoded %3F would read as a query)."""
    path = request.rel_url.raw_path if raw else request.path
    return path[len(DEFAULT_PREFIX) - 1:] if path.startswith(DEFAULT_PREFIX) else path


def base_of(request: web.Request) -> str:
    """The URL the client reached the tenant at: its uris start so (with /t/default when the path named it)."""
    prefix = DEFAULT_PREFIX.rstrip("/") if request.path.startswith(DEFAULT_PREFIX) else ""
    return f"{request.scheme}://{own_host(request)}{prefix}"


def journal_entry(journal: Journal, entry_id: int, request: web.Request) -> dict | None:
    """The entry the request made in its tenant's journal, if it made one: the first since it came that names
    its method and path, since others (an inbound during a long-poll) may be journaled while it is handled."""
    found = None
    for fields in reversed(journal.entries):  # newest first, as far back as the request came
        if fields[0] < entry_id:
            break
        if fields[2] == request.method and fields[3] == request.path:
            found = fields
    if found is None:
        return None
    entry = JournalEntry(*found).as_dict()
    path = entry["path"]
    return {**entry, "path": path[len(DEFAULT_PREFIX) - 1:]} if path.startswith(DEFAULT_PREFIX) else entry


def clock_action(request: web.Request, raw: bytes) -> Any:
    """The `action` of a clock command (freeze, advance, resume), which the replay's clock follows."""
    if own_path(request) != CLOCK or not raw:
        return None
    try:
        body = json.loads(raw)
    except ValueError:
        return None
    return body.get("action") if isinstance(body, dict) else None


@attrs.define
class Recorder:
    """Notes every request of the default tenant with its response, and rewrites the scenario file after each."""

    path: Path
    seed: Seed
    steps: list[dict] = attrs.field(factory=list)
    tokens: dict[str, str] = attrs.field(factory=dict)  # token value -> capture name
    frozen: bool = True
    start_ms: int | None = None
    last_ms: int | None = None
    failed: bool = False  # a step could not be written (said once)
    key_id: str | None = None  # the seed's Voximplant service-account key, once looked up ("" for none)
    replay: ReplayView = attrs.field(factory=ReplayView)

    def install(self, app: web.Application) -> None:
        """Outermost, so it sees the final response, faults and rendered errors included."""
        app.middlewares.insert(0, self.middleware)
        self.write()

    @web.middleware
    async def middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        if not self.records(request):
            return await handler(request)
        try:
            limit = body_limit(request)
            allow_body(request, limit)
            await buffer_body(request, limit, body_timeout(request))
            raw = await request.read()
        except web.HTTPException:
            raw = b""
        except (*UNDECODABLE_BODY, BodyTimedOut):  # no step could replay it
            return await handler(request)
        response, handled = await self.handled(request, raw, handler)
        try:
            self.note(request, raw, response, handled)
        except Exception:  # the client is answered whatever becomes of its step
            self.warn_once(f"{request.method} {request.path_qs}")
        return response

    def warn_once(self, what: str) -> None:
        """A step that cannot be recorded is said once with its cause; the server serves on, the file as it was."""
        if not self.failed:
            self.failed = True
            log.exception("--record: a step could not be written to %s and was left out (%s); "
                          "later ones that fail are left out silently", self.path, what)

    async def handled(self, request: web.Request, raw: bytes, handler: Handler
                      ) -> tuple[web.StreamResponse, Handled]:
        """The response, and what the request did to the tenant's clock, world and journal."""
        tenants = request.app[TENANTS_KEY]
        world = tenants.get()
        journal, was_frozen = control_of(world).journal, world.clock.frozen
        entry_id = journal.next_id
        waits = own_path(request) == WAIT
        with contextlib.nullcontext() if waits else time_standing(world.clock):
            before = world.now_ms()
            response = await handler(request)
            now = tenants.get()
            after = now.now_ms()
        if waits:  # written as answered: the replay advances its clock by the time waited, then asks
            before = after
        return response, Handled(request.method, own_path(request), dict(request.query), clock_action(request, raw),
                                 response.status, now is not world, journal_entry(journal, entry_id, request), before,
                                 after, was_frozen, now.clock.frozen)

    def records(self, request: web.Request) -> bool:
        """Only the default tenant (no other tenant's prefix or header), and only a method a step can name."""
        return (request.method in METHODS and not own_path(request).startswith("/t/")
                and request.headers.get(TENANT_HEADER, "default") == "default")

    def note(self, request: web.Request, raw: bytes, response: web.StreamResponse, handled: Handled) -> None:
        """One step, after an advance of the time since the last request ended (which only a request that sets
        the clock moves past its start)."""
        if self.start_ms is None:
            self.start_ms, self.frozen = handled.before_ms, handled.was_frozen
            self.replay.start(handled.was_frozen)
        elif self.last_ms is not None and handled.before_ms > self.last_ms:
            self.steps.append({"advance": round((handled.before_ms - self.last_ms) / 1000, 3)})
            self.replay.advanced(handled.before_ms)
        self.replay.clock_moved(handled, self.seed.frozen_at_ms is not None)
        restarted = handled.replaced_world and self.replay.clock_stands_in
        self.last_ms = self.seed_moment() if restarted else handled.after_ms
        base = base_of(request)
        step = {**self.signed_as(request), "request": self.request_of(request, raw, base),
                "expect": self.expect_of(request, response, base, handled)}
        if "as" in step:  # the replay signs its own token; the recorded one would have expired by then
            headers = {k: v for k, v in step["request"].pop("headers").items() if k.lower() != "authorization"}
            step["request"].update({"headers": headers} if headers else {})
        self.replay.journal_moved(handled)
        save = self.save_tokens(step["expect"])
        if save:
            step["save"] = save
        self.add_step(step)

    def signed_as(self, request: web.Request) -> dict[str, str]:
        """`as: voximplant:jwt` for a Voximplant service-account JWT the seed's credentials file signs and the
        server accepted: the official clients sign one for an hour, so the recorded token would fail a later replay."""
        token = request.headers.get("Authorization", "")
        face = FACE_BY_SEGMENT.get(first_segment(own_path(request)))
        if not (face is not None and face.NAME == "voximplant" and token.startswith("Bearer ")):
            return {}
        key_id = self.voximplant_key_id()
        try:
            accepted = unverified_kid(token[7:]) == key_id and account_for_token(
                request.app[TENANTS_KEY].get(), token[7:], time.time())
        except VoximplantError:
            accepted = False
        return {"as": "voximplant:jwt"} if key_id and accepted else {}

    def voximplant_key_id(self) -> str | None:
        """The key id of the seed's Voximplant credentials file, which the replay signs with; None without one."""
        if self.key_id is None:
            try:
                self.key_id = str(Credentials(self.seed, send=None).voximplant_key().get("key_id") or "")
            except (CredentialError, AttributeError):
                self.key_id = ""
        return self.key_id or None

    def add_step(self, step: dict) -> None:
        """Kept only once the file holds it, so a step that cannot be written spoils no later one."""
        self.steps.append(step)
        try:
            self.write()
        except BaseException:
            self.steps.remove(step)
            raise

    def seed_moment(self) -> int | None:
        """Where the replay's clock stands when its tenant starts from the seed (the recording's own start if the
        seed's clock runs)."""
        return self.seed.frozen_at_ms if self.seed.frozen_at_ms is not None else self.start_ms

    # --- the request ---------------------------------------------------------------------------------

    def request_of(self, request: web.Request, raw: bytes, base: str) -> dict[str, Any]:
        """The request as the replay sends it: the server's address and earlier tokens as captures."""
        out: dict[str, Any] = {"method": request.method, "path": own_path(request, raw=True)}
        if request.query:
            out["query"] = pairs_as_dict(request.query.items())
        headers = {k: v for k, v in request.headers.items()
                   if k.lower() in RECORDED_HEADERS and UNSAID.get(k.lower()) != v}
        out.update(self.body_of(request, raw, headers))
        if "Content-Type" in request.headers and not raw:  # a GET may say what it is (a bulk read's JSON, say)
            headers["Content-Type"] = request.headers["Content-Type"]
        if headers:
            out["headers"] = headers
        return replaced(out, lambda text: self.with_captures(literal_captures(text).replace(base, "${base_url}")))

    def body_of(self, request: web.Request, raw: bytes, headers: dict[str, str]) -> dict[str, Any]:
        if not raw:
            return {}
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:  # files of an MMS, say: kept byte for byte
            headers["Content-Type"] = request.headers.get("Content-Type", "application/octet-stream")
            return {"body_base64": base64.b64encode(raw).decode("ascii")}
        if request.content_type == "application/json":
            try:
                value = json.loads(text)
                if depth_of(value) <= MAX_DEPTH:  # else kept as its text, sent back byte for byte
                    return {"json": value}
            except (ValueError, RecursionError):
                pass
        if request.content_type == "application/x-www-form-urlencoded":
            form = pairs_as_dict(parse_qsl(text, keep_blank_values=True))
            if urlencode(form, doseq=True) == text:  # else (JSON sent as curl -d sends it, say) kept as it came
                return {"form": form}
        headers["Content-Type"] = request.headers.get("Content-Type", "application/octet-stream")
        return {"body": text}

    def with_captures(self, text: str) -> str:
        """Tokens issued earlier in the session, written as the captures that hold them on replay."""
        for token, name in self.tokens.items():
            if token in text:
                text = text.replace(token, "${" + name + "}")
        return text

    # --- the response --------------------------------------------------------------------------------

    def expect_of(self, request: web.Request, response: web.StreamResponse, base: str, handled: Handled
                  ) -> dict[str, Any]:
        """The status, and the body as the replay's client reads it (none for a HEAD, which is sent none); a drop
        fault's request, which the client saw go unanswered, as dropped."""
        rule = request[EXCHANGE].fault if EXCHANGE in request else None
        if rule is not None and rule.drop:
            return {"dropped": True}
        expect: dict[str, Any] = {"status": response.status}
        body = getattr(response, "body", None)
        if isinstance(body, (bytes, bytearray)) and body and request.method != "HEAD":
            try:
                text = bytes(body).decode("utf-8")
            except UnicodeDecodeError:  # a file: expected byte for byte
                expect["body_base64"] = base64.b64encode(bytes(body)).decode("ascii")
                return expect
            parsed, value = body_as_json(text, response.content_type)
            if parsed and depth_of(value) > MAX_DEPTH:  # too deep to write as data: expected byte for byte
                expect["body_base64"] = base64.b64encode(bytes(body)).decode("ascii")
                return expect
            if parsed:
                expect["exact"] = True
            host = urlsplit(base).netloc
            value = replaced(escaped(value), lambda s: self.expected_text(s, base, host))
            expect["body"] = self.replay.expected(handled, value, self.seed_spec().get("clock"))
        return expect

    def expected_text(self, text: str, base: str, host: str) -> str:
        """The server's address as ${base_url}, and as ${host}${base_path} where it is written without a scheme
        (Voximplant's api_address: a replay on a target answers with its tenant's path); times as $timestamp when
        the clock ran freely."""
        if (not self.frozen or self.replay.clock_runs) and TIMESTAMP.match(text):
            return "$timestamp"
        if text in (host, base.split("://", 1)[-1]):
            return "${host}${base_path}"
        return text.replace(base, "${base_url}")

    def save_tokens(self, expect: dict[str, Any]) -> dict[str, str]:
        """Tokens in a response are saved for later steps and expected only as strings."""
        body = expect.get("body")
        if not isinstance(body, dict):
            return {}
        save = {}
        for key in TOKEN_KEYS:
            value = body.get(key)
            if isinstance(value, str) and value:
                token = value[1:] if value.startswith("$$") else value  # as escaped() wrote it
                if token in self.tokens:  # echoed (Phone.com's token details): the capture that holds it
                    body[key] = "${" + self.tokens[token] + "}"
                    continue
                name = self.tokens[token] = f"{key}_{len(self.tokens) + 1}"  # the dict grows: never a name twice
                save[name] = f"body.{key}"
                body[key] = "$string"
        return save

    # --- the file -------------------------------------------------------------------------------------

    def seed_spec(self) -> dict[str, Any]:
        source = Path(self.seed.source)
        if source.resolve() == DEFAULT_SEED_PATH.resolve():
            spec: dict[str, Any] = {"file": "default"}
        elif source.exists():
            spec = {"file": os.path.relpath(source.resolve(), self.path.resolve().parent)}
        else:
            spec = {"inline": self.seed.raw}
        if self.seed.frozen_at_ms is None:  # the replay's clock stands in for the running one
            spec["clock"] = {"frozen_at": iso_ms(self.start_ms)} if self.start_ms is not None else {}
        return spec

    def scenario(self) -> dict[str, Any]:
        steps = self.steps or [{"name": "nothing was recorded", "expect": {}}]
        return {"scenario": f"Recorded session ({len(self.steps)} steps)", "version": SCENARIO_VERSION,
                "seed": self.seed_spec(), "steps": steps}

    def write(self) -> None:
        """Whole, via a rename, so the file is a complete scenario at any moment."""
        text = "# Recorded by sms-emulator serve --record; replay with: sms-emulator replay " + self.path.name + "\n"
        text += yaml.safe_dump(json.loads(json.dumps(self.scenario(), default=str)), sort_keys=False,
                               allow_unicode=True, width=120)
        partial = self.path.with_name(self.path.name + ".partial")
        partial.write_text(text, encoding="utf-8")
        partial.replace(self.path)
