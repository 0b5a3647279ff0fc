"""Build the one aiohttp application that serves every provider face and the control API."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from typing import Any, Awaitable, Callable
from urllib.parse import parse_qsl

import attrs
from aiohttp import web
from aiohttp.web_urldispatcher import _default_expect_handler

from .control import routes as control
from .encodings import AUTO_DECOMPRESS_OFF, BODY_TIMEOUT_S, BodyTimedOut, buffer_body
from .control.state import control_of
from .core.faults import FaultRequest, FaultRule, first_match, strings_in
from .providers.phonecom import face as phonecom
from .providers.ringcentral import face as ringcentral
from .providers.voximplant import face as voximplant
from .routing import TENANT_PREFIX, TenantScoped
from .tenants import DEFAULT_TENANT, TenantNameError, Tenants
from .webhooks import WEBHOOKS_KEY, Webhooks, webhooks_closed_on_cleanup
from .wire import EXCHANGE, UNDECODABLE_BODY, Exchange, ProviderError, json_response, world_after_await

log = logging.getLogger("sms_emulator")

FACES = [ringcentral, phonecom, voximplant]
TENANT_HEADER = "X-Emulator-Tenant"
MAX_BODY_BYTES = 1024 * 1024

TENANTS_KEY = web.AppKey("tenants", Tenants)
BODY_TIMEOUT_KEY = web.AppKey("body_timeout_s", float)
UNJOURNALED = ("/_emulator/journal",)
STATUS_TICK_S = 0.05
UNMATCHED = ("unmatched", "unmatched.t")  # the last routes, which take every request no other route matches
ANY_TAIL = "{tail:(?s:.*)}"  # any rest of a path, newlines (an escaped %0A) included


@attrs.frozen
class RouteInfo:
    """What serving a route needs to know about it, worked out once when the route is added."""

    face: Any  # the provider face module, None for the control API
    provider: str | None
    operation: str | None
    journaled: bool = True
    max_body_bytes: int = MAX_BODY_BYTES


def unmatched_route_info(request: web.Request) -> RouteInfo:
    """For a path no route matches: the provider whose envelope its error is rendered in."""
    path = strip_tenant(request.path)
    first = first_segment(path)
    face = FACE_BY_SEGMENT.get(first)
    provider = face.NAME if face is not None else ("control" if first == CONTROL_SEGMENT else None)
    return RouteInfo(face, provider, None, not path.startswith(UNJOURNALED))


# Each face's prefix is one path segment; a path belongs to the face whose segment it starts with, so a base URL
# ending in "/" (//restapi/...) still gets the provider's own 404, and /restapiX gets none of it.
FACE_BY_SEGMENT = {prefix.strip("/"): face for face in FACES for prefix in face.PREFIXES}
CONTROL_SEGMENT = control.PREFIX.strip("/")


def first_segment(path: str) -> str:
    return path.lstrip("/").partition("/")[0]


def strip_tenant(path: str) -> str:
    if path.startswith("/t/"):
        rest = path[3:]
        slash = rest.find("/")
        return rest[slash:] if slash >= 0 else "/"
    return path


@attrs.frozen
class Site:
    """What every route of one application shares: its tenants, and where request log lines go, if anywhere."""

    tenants: Tenants
    write_log: Callable[[dict[str, Any]], None] | None = None


def serving(handler: Callable[[web.Request], Awaitable[web.StreamResponse]], info: RouteInfo | None, site: Site,
            tenant_in_path: bool = True):
    """The handler with what every request gets: its tenant, fault rules, the provider's errors, a journal entry.

    A wrapper per route rather than an aiohttp middleware, so the route's facts are bound once, not looked up;
    `tenant_in_path` is False for a route whose path names no tenant, where only the header can.
    """

    tenants, write_log = site.tenants, site.write_log
    larger_body = info is not None and info.max_body_bytes != MAX_BODY_BYTES

    async def serve(request: web.Request) -> web.StreamResponse:
        route = info or unmatched_route_info(request)
        if larger_body:
            allow_body(request, route.max_body_bytes)
        started = time.monotonic() if write_log is not None else 0.0
        try:
            exchange = bind_tenant(request, tenants, tenant_in_path)
        except TenantNameError as error:
            return control.error(400, str(error))
        response = await answer(request, handler, route, exchange)
        if route.journaled:
            note_request(request, route, exchange, response)
        if write_log is not None:
            write_log(log_line(request, route, exchange, response, started))
        if response is None:  # the connection is gone; aiohttp quietly fails to write this
            return web.Response(status=500, text="connection dropped by a fault rule")
        return response

    serve.__name__ = serve.__qualname__ = getattr(handler, "__name__", "serve")
    serve.max_body_bytes = info.max_body_bytes if info else MAX_BODY_BYTES  # type: ignore[attr-defined]
    return serve


def body_limit(request: web.Request) -> int:
    """The largest body the request's route takes: MAX_BODY_BYTES, or more where a route carries files."""
    return getattr(request.match_info.handler, "max_body_bytes", MAX_BODY_BYTES)


def body_timeout(request: web.Request) -> float:
    """How long this application waits for a request's body to arrive whole."""
    return request.app[BODY_TIMEOUT_KEY]


def allow_body(request: web.Request, limit: int) -> None:
    """Let this request's body grow to `limit`. aiohttp reads its limit from the request alone, and its public
    way to change it, clone(), is refused once anything has read the body."""
    request._client_max_size = limit


async def unmatched(request: web.Request) -> web.StreamResponse:
    """No route took the request: 405 when its path exists with other methods, else 404."""
    allowed: set[str] = set()
    for resource in request.app.router.resources():
        if resource.name not in UNMATCHED:
            allowed |= (await resource.resolve(request))[1]
    if allowed:
        raise web.HTTPMethodNotAllowed(request.method, allowed)
    raise web.HTTPNotFound()


async def answer(request: web.Request, handler, info: RouteInfo, exchange: Exchange) -> web.StreamResponse | None:
    """The handler's response, a fault's, or None when a fault dropped the connection."""
    face = info.face
    try:
        if "Content-Encoding" in request.headers or not request.content.is_eof():  # compressed, or still coming
            await buffer_body(request, info.max_body_bytes, body_timeout(request))
            world_after_await(request)
        if face is not None and exchange.control.faults.rules:
            faulted = await apply_fault(request, exchange, face, info.operation)
            if faulted is not None or exchange.dropped:
                return faulted
            world_after_await(request)
        return await handler(request)
    except ProviderError as error:
        error.stamp(exchange.world)
        return error.response()
    except TenantNameError as error:
        return control.error(400, str(error))
    except web.HTTPException as error:
        return http_error(face, info.operation, request, error, exchange.world)
    except UNDECODABLE_BODY:
        if face is None:
            return control.error(400, "the body cannot be read")
        return stamped(face.unreadable_body(info.operation), exchange.world)
    except BodyTimedOut as timeout:
        return body_timed_out(face, info.operation, timeout, exchange.world)
    except ConnectionError:  # the client went away mid-request: nobody is left to answer
        exchange.dropped = True
        return None
    except Exception:
        log.exception("unhandled error on %s %s", request.method, request.path)
        if face is None:
            return control.error(500, "internal error")
        return stamped(face.internal_error(), exchange.world)


def stamped(error: ProviderError, world) -> web.Response:
    """The error's response, timed by the tenant's clock (Phone.com's `@time`), as a handler's own errors are."""
    error.stamp(world)
    return error.response()


async def apply_fault(request: web.Request, exchange: Exchange, face, operation: str | None
                      ) -> web.StreamResponse | None:
    """The first matching fault rule of the tenant: wait, drop, answer with an error, or mark delivery to fail."""
    rules = exchange.control.faults.rules
    strings = await request_strings(request) if any(r.number or r.text for r in rules) else ()
    if hasattr(face, "operation"):
        operation = await face.operation(request) or operation
    rule = first_match(rules, FaultRequest(face.NAME, operation, tuple(strings), operation in face.SENDS))
    if rule is None:
        return None
    exchange.fault = rule
    if rule.latency_ms:
        await asyncio.sleep(rule.latency_ms / 1000)
    if rule.drop:
        exchange.dropped = True
        if request.transport is not None:
            request.transport.abort()
        return None
    if rule.status is not None:
        return stamped(face.fault_error(rule.status, rule.message, operation), exchange.world)
    if rule.fail_delivery:
        exchange.fail_delivery = rule.fail_delivery
    return None


async def request_strings(request: web.Request) -> list[str]:
    """Every string a request carries (path, query, JSON or form body), for number and text rules."""
    strings = [*request.match_info.values(), *request.query.values()]
    if request.content_type.startswith("multipart/"):
        return strings
    try:
        raw = (await request.read()).decode("utf-8", errors="replace")
    except web.HTTPRequestEntityTooLarge:
        return strings
    strings.append(raw)
    try:
        strings.extend(strings_in(json.loads(raw)))
    except RecursionError:  # nested past what the parser reads: the raw text above is what rules see
        pass
    except ValueError:
        strings.extend(value for _, value in parse_qsl(raw))
    return strings


def note_request(request: web.Request, info: RouteInfo, exchange: Exchange, response: web.StreamResponse | None
                 ) -> None:
    """One journal entry per request of a journaled route, in the tenant's journal."""
    rule: FaultRule | None = exchange.fault
    fault_id, effect = (rule.id, fault_effect(rule, exchange)) if rule else (None, None)
    exchange.control.journal.record(exchange.world.now_ms(), request.method, request.path,
                                    exchange.operation or info.operation, info.provider,
                                    response.status if response is not None else None, fault_id, effect)


def log_line(request: web.Request, info: RouteInfo, exchange: Exchange, response: web.StreamResponse | None,
             started: float) -> dict[str, Any]:
    """The structured log line of one request, for `serve --log-requests`."""
    rule: FaultRule | None = exchange.fault
    return {"tenant": exchange.tenant, "method": request.method, "path": request.path,
            "operation": exchange.operation or info.operation, "provider": info.provider,
            "status": response.status if response is not None else None, "fault": rule.id if rule else None,
            "fault_effect": fault_effect(rule, exchange), "duration_ms": round((time.monotonic() - started) * 1000, 3)}


def fault_effect(rule: FaultRule | None, exchange: Exchange) -> str | None:
    if rule is None:
        return None
    if rule.drop:
        return "drop"
    if rule.status is not None:
        return f"status {rule.status}"
    if exchange.fail_delivery:
        return f"fail_delivery {rule.fail_delivery}"
    return f"latency {rule.latency_ms} ms"


def bind_tenant(request: web.Request, tenants: Tenants, tenant_in_path: bool = True) -> Exchange:
    name = ((tenant_in_path and request.match_info.get("tenant")) or request.headers.get(TENANT_HEADER)
            or DEFAULT_TENANT)
    world = tenants.get(name)
    exchange = request[EXCHANGE] = Exchange(name, tenants, world, control_of)
    return exchange


def body_timed_out(face, operation: str | None, timeout: BodyTimedOut, world) -> web.StreamResponse:
    """A 408 in the provider's envelope, closing the connection: the rest of the body may still come."""
    message = f"The request body did not arrive within {timeout.args[0]:g} s"
    response = control.error(408, message) if face is None else stamped(face.fault_error(408, message, operation),
                                                                          world)
    response.force_close()
    return response


def http_error(face, operation: str | None, request: web.Request, error: web.HTTPException, world
               ) -> web.StreamResponse:
    """Unknown routes, wrong methods and oversize bodies, in the envelope of the path's provider."""
    if error.status < 400:
        return error
    response = provider_error(face, operation, request, error, world)
    if response.status == 405:
        response.headers["Allow"] = error.headers.get("Allow", "")  # HTTP requires it with a 405
    return response


def provider_error(face, operation: str | None, request: web.Request, error: web.HTTPException, world
                   ) -> web.StreamResponse:
    """The provider's own body for an HTTP error aiohttp raised (Voximplant's is a 200, as all its answers)."""
    if face is None:
        message = control.BODY_PROBLEMS["too-large"] if error.status == 413 else error.reason
        return control.error(error.status, message)
    if error.status == 405:
        return stamped(face.method_not_allowed(request.method), world)
    if error.status == 413:
        return stamped(face.body_too_large(operation), world)
    if error.status == 404:
        return stamped(face.invalid_uri(), world)
    return stamped(face.internal_error(), world) if error.status >= 500 else json_response(
        {"message": error.reason}, error.status)


def add_routes(app: web.Application, scoped: TenantScoped, routes, provider: str, site: Site, face=None,
               limits: dict[str, int] | None = None) -> None:
    """Each route is reachable as is and under a tenant prefix; the methods of one path share a resource,
    so the router tries one candidate per path, not one per method. `limits`: body sizes beyond the default,
    by operation (a face's BODY_LIMITS)."""
    limits = getattr(face, "BODY_LIMITS", {}) if limits is None else limits
    infos = [(method, path, handler, RouteInfo(face, provider, f"{provider}.{operation}",
                                               not path.startswith(UNJOURNALED), limits.get(operation, MAX_BODY_BYTES)))
             for method, path, handler, operation in routes]
    for router, tenant_in_path in ((app.router, False), (scoped.router, True)):
        served = [(method, path, serving(handler, info, site, tenant_in_path)) for method, path, handler, info in infos]
        served += with_head(served)
        resources: dict[str, web.Resource] = {}
        for method, path, handler in served:
            resource = resources.get(path)
            if resource is None:
                resource = resources[path] = router.add_resource(path)
            resource.add_route(method, handler, expect_handler=continue_or_ignore)


async def continue_or_ignore(request: web.Request) -> None:
    """`Expect: 100-continue` as aiohttp answers it; any other expectation is ignored, as HTTP allows and nginx
    does, so the request still gets the provider's own answer rather than aiohttp's plain-text 417."""
    if request.headers.get("Expect", "").lower() == "100-continue":
        await _default_expect_handler(request)


def with_head(served: list[tuple[str, str, Any]]) -> list[tuple[str, str, Any]]:
    """HEAD on every path that takes GET and names no HEAD of its own, answered as GET without its body (HTTP's
    rule, which the providers' servers follow)."""
    heads = {path for method, path, _ in served if method == "HEAD"}
    return [("HEAD", path, handler) for method, path, handler in served if method == "GET" and path not in heads]


def build_app(tenants: Tenants, request_log: Callable[[dict[str, Any]], None] | None = None,
              webhooks: Webhooks | None = None, body_timeout_s: float = BODY_TIMEOUT_S) -> web.Application:
    """The application; request_log, when given, receives one dict per request."""
    app = web.Application(client_max_size=MAX_BODY_BYTES, handler_args=AUTO_DECOMPRESS_OFF)
    app[TENANTS_KEY] = tenants
    app[BODY_TIMEOUT_KEY] = body_timeout_s
    app[WEBHOOKS_KEY] = webhooks = webhooks or Webhooks()
    watch_worlds(tenants, webhooks)
    site = Site(tenants, request_log)
    scoped = TenantScoped()
    for face in FACES:
        add_routes(app, scoped, face.ROUTES, face.NAME, site, face)
    add_routes(app, scoped, control.ROUTES, "control", site, limits=control.BODY_LIMITS)
    app.router.register_resource(scoped)
    app[control.STOPPING_KEY] = asyncio.Event()
    app.on_shutdown.append(control.end_long_polls)
    app.cleanup_ctx.append(tenant_clocks_read_while_idle)
    app.cleanup_ctx.append(webhooks_closed_on_cleanup)
    app.router.add_route("*", TENANT_PREFIX + "/" + ANY_TAIL, serving(unmatched, None, site), name=UNMATCHED[1],
                         expect_handler=continue_or_ignore)
    app.router.add_route("*", "/" + ANY_TAIL, serving(unmatched, None, site), name=UNMATCHED[0],
                         expect_handler=continue_or_ignore)
    return app


def watch_worlds(tenants: Tenants, webhooks: Webhooks) -> None:
    """Faces that notify applications (Voximplant's inbound SMS callbacks) watch every tenant's world."""
    for face in FACES:
        watch = getattr(face, "watch", None)
        if watch is not None:
            tenants.on_new_world.append(lambda world, watch=watch: watch(world, webhooks))
            for world in tenants.worlds():
                watch(world, webhooks)


async def tenant_clocks_read_while_idle(app: web.Application):
    """Statuses fall due while no request comes too: each tenant's clock is read every tick, so a record
    held in a test shows the status its age gives it."""
    ticker = asyncio.create_task(read_tenant_clocks(app[TENANTS_KEY]))
    yield
    ticker.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await ticker


async def read_tenant_clocks(tenants: Tenants) -> None:
    """Tick every tenant; one tenant's failure is logged once and stops neither the others nor the ticker."""
    failed: set[int] = set()
    while True:
        await asyncio.sleep(STATUS_TICK_S)
        for world in tenants.worlds():
            try:
                world.tick()
            except Exception:
                if id(world) not in failed:
                    failed.add(id(world))
                    log.exception("a tenant's status tick failed")
