"""Routes of the control API (/_emulator, per tenant); every error is JSON with a clear message."""

from __future__ import annotations

import asyncio
import json
import re
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml
from aiohttp import web

from ..core.faults import FaultRuleError, short_operation
from ..core.ids import is_digits
from ..core.world import World
from ..providers import fault_operations
from ..seed import Seed, SeedError, build_seed, parse_yaml
from ..tenants import Tenants
from ..webhooks import WEBHOOKS_KEY
from ..wire import EXCHANGE, BodyError, json_response, origin, read_json, world_after_await
from .inbound import InboundRefused, inject
from .clock import ClockError, apply_clock_command, clock_json
from .messages import FILTERS, QueryError, int_param, message_json, page_of, page_params, parse_filters, select
from .state import control_of
from .world import WorldChangeError, apply_world_change

PREFIX = "/_emulator"
WAIT_POLL_S = 0.02
WAIT_DEFAULT_S = 5.0
WAIT_MAX_S = 300.0
BODY_PROBLEMS = {
    "unparsable": "the body is not valid JSON",
    "not-utf8": "the body is not UTF-8",
    "too-large": "the body is too large",
}


class ControlError(Exception):
    """A request the control API refuses, with the status and the message to answer with."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def unreadable(problem: BodyError) -> ControlError:
    """A body over the limit is 413; one that is not JSON or not UTF-8, 400."""
    status = 413 if problem.problem == "too-large" else 400
    return ControlError(status, BODY_PROBLEMS.get(problem.problem, "the body cannot be read"))


def error(status: int, message: str) -> web.Response:
    return json_response({"error": {"status": status, "message": message}}, status)


def refusals(handler):
    """Turn every refusal a handler raises into a JSON error, never a 500."""
    async def wrapped(request: web.Request) -> web.StreamResponse:
        try:
            return await handler(request)
        except ControlError as problem:
            return error(problem.status, problem.message)
        except (QueryError, FaultRuleError, ClockError, SeedError) as problem:
            return error(400, str(problem))
    wrapped.__name__ = handler.__name__
    wrapped.__doc__ = handler.__doc__
    return wrapped


def world_of(request: web.Request) -> World:
    return request[EXCHANGE].world


def tenants_of(request: web.Request) -> Tenants:
    return request[EXCHANGE].tenants


async def json_object(request: web.Request, allowed: set[str], required: set[str] = frozenset()) -> dict[str, Any]:
    """The JSON object body, refusing bad JSON, other types, unknown and missing fields."""
    try:
        body = await read_json(request)
    except BodyError as problem:
        raise unreadable(problem) from None
    body = {} if body is None else body
    if not isinstance(body, dict):
        raise ControlError(400, "the body must be a JSON object")
    unknown = sorted(set(body) - allowed)
    if unknown:
        raise ControlError(400, f"unknown field(s): {', '.join(unknown)}; allowed: {', '.join(sorted(allowed))}")
    missing = sorted(required - set(body))
    if missing:
        raise ControlError(400, f"missing field(s): {', '.join(missing)}")
    return body


def query_dict(request: web.Request) -> dict[str, str]:
    """The query's parameters; one given twice is refused, as only one of its values could be read."""
    repeated = sorted({key for key in request.query if len(request.query.getall(key)) > 1})
    if repeated:
        raise ControlError(400, f"parameter(s) given more than once: {', '.join(repeated)}")
    return {key: request.query[key] for key in request.query}


# --- health, reset, seed -----------------------------------------------------------------------

@refusals
async def health(request: web.Request) -> web.Response:
    return json_response({"status": "ok", "tenant": request[EXCHANGE].tenant})


@refusals
async def reset(request: web.Request) -> web.Response:
    """Put this tenant back to its seed: messages, clock, tokens, faults and journal start afresh."""
    tenants_of(request).reset(request[EXCHANGE].tenant)
    request.app[WEBHOOKS_KEY].forget(request[EXCHANGE].tenant)
    return json_response({"status": "reset", "tenant": request[EXCHANGE].tenant})


@refusals
async def list_tenants(request: web.Request) -> web.Response:
    if request.query:
        raise ControlError(400, f"unknown parameter(s): {', '.join(sorted(request.query))}; this list takes none")
    tenants = tenants_of(request)
    return json_response({"tenants": [{"name": name, "messages": len(tenants.get(name).store),
                                       "own_seed": tenants.has_own_seed(name)} for name in tenants.names()]})


@refusals
async def delete_tenant(request: web.Request) -> web.Response:
    """Forget this tenant, own seed included: what a CI job that names a tenant per test calls when done."""
    tenant = request[EXCHANGE].tenant
    tenants_of(request).drop(tenant)
    request.app[WEBHOOKS_KEY].forget(tenant, gone=True)
    return json_response({"status": "deleted", "tenant": tenant})


def jsonable(value: Any) -> Any:
    """Seed data as JSON; YAML may hold dates and times, which become strings."""
    return json.loads(json.dumps(value, default=str))


def seed_json(tenant: str, seed: Seed) -> dict[str, Any]:
    return {"tenant": tenant, "source": seed.source, "seed": jsonable(seed.raw)}


@refusals
async def get_seed(request: web.Request) -> web.Response:
    tenant = request[EXCHANGE].tenant
    return json_response(seed_json(tenant, tenants_of(request).seed_of(tenant)))


@refusals
async def put_seed(request: web.Request) -> web.Response:
    """Load another seed for this tenant only, as JSON or YAML, and start the tenant afresh from it."""
    raw = await request.read()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ControlError(400, "the seed is not UTF-8") from None
    data = parse_seed_text(text, request.content_type)
    seed = build_seed(data, f"PUT {PREFIX}/seed")
    tenant = request[EXCHANGE].tenant
    tenants_of(request).use_seed(tenant, seed)
    return json_response(seed_json(tenant, seed))


def parse_seed_text(text: str, content_type: str) -> Any:
    if not text.strip():
        raise ControlError(400, "the seed is empty; send it as JSON or YAML")
    if content_type == "application/json":
        try:
            return json.loads(text)
        except ValueError as problem:
            raise ControlError(400, f"the seed is not valid JSON: {problem}") from None
        except RecursionError:
            raise ControlError(400, "the seed is nested too deeply") from None
    try:
        return parse_yaml(text)
    except RecursionError:
        raise ControlError(400, "the seed is nested too deeply") from None
    except yaml.YAMLError as problem:
        mark = getattr(problem, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise ControlError(400, f"the seed is not valid YAML{where}: {getattr(problem, 'problem', problem)}") from None


# --- messages -----------------------------------------------------------------------------------

@refusals
async def list_messages(request: web.Request) -> web.Response:
    """Every message of the tenant across providers and the outside world, newest first, paged."""
    params = query_dict(request)
    query = parse_filters(params, extra=("limit", "offset"))
    limit, offset = page_params(params)
    total, page = page_of(world_of(request), query, offset, limit)
    return json_response({"total": total, "limit": limit, "offset": offset,
                          "messages": [message_json(m, origin(request)) for m in page]})


@refusals
async def delete_messages(request: web.Request) -> web.Response:
    world = world_of(request)
    count = len(world.store)
    world.clear_messages()
    return json_response({"deleted": count})


@refusals
async def inbound(request: web.Request) -> web.Response:
    """An SMS (or, with media, an MMS) from an outside handset, arriving through the provider that owns the number."""
    body = await json_object(request, {"from", "to", "text", "media"}, {"from", "to"})
    try:
        message = inject(world_of(request), body["from"], body["to"], body.get("text"), body.get("media"))
    except InboundRefused as refused:
        raise ControlError(refused.status, str(refused)) from None
    if message is None:
        return json_response({"delivered": False, "message": None,
                              "reason": f"{body['to']} does not receive SMS now (disabled, unassigned or not SMS-capable)"})
    return json_response({"delivered": True, "message": message_json(message, origin(request))}, 201)


@refusals
async def media(request: web.Request) -> web.Response:
    """A file of an MMS any copy in the tenant still holds: what a handset received, say."""
    raw = request.match_info["media_id"]
    found = world_of(request).store.media(int(raw)) if is_digits(raw) and len(raw) < 20 else None
    if found is None:
        raise ControlError(404, f"no file {raw} in this tenant")
    return web.Response(body=found.content, headers={"Content-Type": found.content_type})


# --- clock --------------------------------------------------------------------------------------

@refusals
async def get_clock(request: web.Request) -> web.Response:
    return json_response(clock_json(world_of(request)))


@refusals
async def post_clock(request: web.Request) -> web.Response:
    """Freeze, advance or resume this tenant's clock; due status changes are applied at once."""
    body = await json_object(request, {"action", "seconds", "by", "at"}, {"action"})
    world = world_of(request)
    apply_clock_command(world, body)
    return json_response(clock_json(world))


# --- faults -------------------------------------------------------------------------------------

@refusals
async def list_faults(request: web.Request) -> web.Response:
    rules = control_of(world_of(request)).faults.rules
    return json_response({"faults": [r.as_dict() for r in rules]})


@refusals
async def add_fault(request: web.Request) -> web.Response:
    try:
        body = await read_json(request)
    except BodyError as problem:
        raise unreadable(problem) from None
    rule = control_of(world_of(request)).faults.add(body)
    return json_response(rule.as_dict(), 201)


@refusals
async def clear_faults(request: web.Request) -> web.Response:
    book = control_of(world_of(request)).faults
    count = len(book.rules)
    book.clear()
    return json_response({"deleted": count})


@refusals
async def delete_fault(request: web.Request) -> web.Response:
    raw = request.match_info["fault_id"]
    if not is_digits(raw):
        raise ControlError(400, f"fault ids are integers, got {raw!r}")
    if len(raw) > 18 or not control_of(world_of(request)).faults.remove(int(raw)):  # past any id a rule gets
        raise ControlError(404, f"no fault rule {raw} in this tenant")
    return json_response({"deleted": 1})


# --- wait and journal ---------------------------------------------------------------------------

@refusals
async def wait(request: web.Request) -> web.Response:
    """Long-poll until `count` messages match; 408 with what was seen when the timeout passes first."""
    params = query_dict(request)
    query = parse_filters(params, extra=("count", "timeout"))
    count = int_param(params, "count", 1, 1, 10_000)
    timeout = float_param(params, "timeout", WAIT_DEFAULT_S, 0.0, WAIT_MAX_S)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    stopping = request.app.get(STOPPING_KEY)
    while True:
        found = select(world_after_await(request), query)
        if len(found) >= count:
            return json_response(wait_json(found, count, False, origin(request)))
        if loop.time() >= deadline or (stopping is not None and stopping.is_set()):
            body = wait_json(found, count, True, origin(request))
            ended = "the server is stopping" if loop.time() < deadline else f"timed out after {timeout:g} s"
            body["message"] = f"{ended} with {len(found)} of {count} matching message(s)"
            return json_response(body, 408)
        await asyncio.sleep(WAIT_POLL_S)


STOPPING_KEY = web.AppKey("stopping", asyncio.Event)  # set when the server begins to stop


async def end_long_polls(app: web.Application) -> None:
    """On stop, a pending wait answers at once (as timed out) rather than holding the stop for its grace period."""
    app[STOPPING_KEY].set()


def wait_json(found: list, count: int, timed_out: bool, base: str) -> dict[str, Any]:
    return {"timed_out": timed_out, "wanted": count, "count": len(found),
            "messages": [message_json(m, base) for m in found]}


PLAIN_SECONDS = re.compile(r"[0-9]{1,18}(?:\.[0-9]{0,9})?|\.[0-9]{1,9}")


def float_param(params: dict, name: str, default: float, low: float, high: float) -> float:
    """Seconds from the query string, digits and a point only: float() alone also takes '1_0', ' 5' and 'inf'."""
    raw = params.get(name)
    if raw in (None, ""):
        return default
    if not PLAIN_SECONDS.fullmatch(raw) or not low <= float(raw) <= high:
        raise ControlError(400, f"{name} must be a number of seconds from {low:g} to {high:g}, got {raw!r}")
    return float(raw)


@refusals
async def get_journal(request: web.Request) -> web.Response:
    """The requests this tenant received, newest first, with the operation, status and any fault."""
    params = query_dict(request)
    unknown = sorted(set(params) - {"limit", "provider", "operation"})
    if unknown:
        raise ControlError(400, f"unknown parameter(s): {', '.join(unknown)}; known: limit, operation, provider")
    limit = int_param(params, "limit", 100, 1, 1000)
    provider, operation = params.get("provider"), params.get("operation")
    if provider and provider not in JOURNAL_PROVIDERS:
        raise ControlError(400, f"unknown provider {provider!r}; known: {', '.join(JOURNAL_PROVIDERS)}")
    if operation and operation not in journal_operations():
        raise ControlError(400, f"unknown operation {operation!r}; the journal names operations as "
                                "ringcentral.createSMSMessage (or createSMSMessage), as fault rules do")
    entries = control_of(world_of(request)).journal.newest_first()
    if provider:
        entries = [e for e in entries if e.provider == provider]
    if operation:
        entries = [e for e in entries if operation in (e.operation, short_operation(e.operation))]
    return json_response({"total": len(entries), "entries": [e.as_dict() for e in entries[:limit]]})


JOURNAL_PROVIDERS = ("ringcentral", "phonecom", "voximplant", "control")


@lru_cache(maxsize=1)
def journal_operations() -> frozenset[str]:
    """Every operation a journal entry can name, with and without its provider."""
    named = {(provider, op) for provider, ops in fault_operations().items() for op in ops}
    named |= {("control", op) for *_, op in ROUTES}
    return frozenset({f"{provider}.{op}" for provider, op in named} | {op for _, op in named})


@refusals
async def clear_journal(request: web.Request) -> web.Response:
    journal = control_of(world_of(request)).journal
    count = len(journal.entries)
    journal.clear()
    return json_response({"deleted": count})


# --- changing the world -------------------------------------------------------------------------

@refusals
async def change_world(request: web.Request) -> web.Response:
    """Change the tenant's directory as an administrator would (status, department members, numbers)."""
    body = await json_object(request, {"action", "provider", "account", "extension", "status", "department",
                                       "member", "number", "changes"}, {"action"})
    try:
        apply_world_change(world_of(request), body)
    except WorldChangeError as problem:
        raise ControlError(400, str(problem)) from None
    return json_response({"changed": body})


# --- webhook deliveries ---------------------------------------------------------------------------

@refusals
async def get_webhooks(request: web.Request) -> web.Response:
    """What this tenant's webhook subscriptions sent, newest first, once those on their way are answered."""
    params = query_dict(request)
    unknown = sorted(set(params) - {"limit"})
    if unknown:
        raise ControlError(400, f"unknown parameter(s): {', '.join(unknown)}; known: limit")
    limit = int_param(params, "limit", 100, 1, 1000)
    webhooks = request.app[WEBHOOKS_KEY]
    await webhooks.settle(request[EXCHANGE].tenant)
    deliveries = webhooks.deliveries(request[EXCHANGE].tenant)
    return json_response({"total": len(deliveries), "deliveries": [d.as_json() for d in deliveries[:limit]]})


@refusals
async def clear_webhooks(request: web.Request) -> web.Response:
    return json_response({"deleted": request.app[WEBHOOKS_KEY].forget(request[EXCHANGE].tenant)})


# --- the description of this API ------------------------------------------------------------------

@lru_cache(maxsize=1)
def openapi_document() -> dict[str, Any]:
    """The control API's OpenAPI document, shipped with the package as YAML."""
    text = resources.files(__package__).joinpath("openapi.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


@refusals
async def openapi(request: web.Request) -> web.Response:
    return json_response(openapi_document())


ROUTES = [
    ("GET", PREFIX + "/health", health, "health"),
    ("HEAD", PREFIX + "/health", health, "health"),  # the liveness probe of CI services and container checks
    ("POST", PREFIX + "/reset", reset, "reset"),
    ("GET", PREFIX + "/tenants", list_tenants, "listTenants"),
    ("DELETE", PREFIX + "/tenant", delete_tenant, "deleteTenant"),
    ("GET", PREFIX + "/seed", get_seed, "getSeed"),
    ("PUT", PREFIX + "/seed", put_seed, "putSeed"),
    ("GET", PREFIX + "/messages", list_messages, "listMessages"),
    ("DELETE", PREFIX + "/messages", delete_messages, "deleteMessages"),
    ("POST", PREFIX + "/inbound", inbound, "injectInbound"),
    ("GET", PREFIX + "/media/{media_id}", media, "getMedia"),
    ("GET", PREFIX + "/clock", get_clock, "getClock"),
    ("POST", PREFIX + "/clock", post_clock, "setClock"),
    ("GET", PREFIX + "/faults", list_faults, "listFaults"),
    ("POST", PREFIX + "/faults", add_fault, "addFault"),
    ("DELETE", PREFIX + "/faults", clear_faults, "clearFaults"),
    ("DELETE", PREFIX + "/faults/{fault_id}", delete_fault, "deleteFault"),
    ("GET", PREFIX + "/wait", wait, "waitForMessages"),
    ("GET", PREFIX + "/journal", get_journal, "getJournal"),
    ("DELETE", PREFIX + "/journal", clear_journal, "clearJournal"),
    ("GET", PREFIX + "/webhooks", get_webhooks, "getWebhookDeliveries"),
    ("DELETE", PREFIX + "/webhooks", clear_webhooks, "clearWebhookDeliveries"),
    ("POST", PREFIX + "/world", change_world, "changeWorld"),
    ("GET", PREFIX + "/openapi.json", openapi, "openapi"),
]

# An injected MMS carries its files as base64: as much as RingCentral's 1.5 MB of files, a third larger.
BODY_LIMITS = {"injectInbound": 10 * 1024 * 1024}

__all__ = ["BODY_LIMITS", "BODY_PROBLEMS", "FILTERS", "PREFIX", "ROUTES", "error"]
