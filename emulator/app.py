"""Build the one aiohttp application that serves every provider face and the control API."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import Any, Awaitable, Callable
from urllib.parse import parse_qsl

import attrs
from aiohttp import web

from .control import routes as control
from .control.state import control_of
from .core.faults import FaultRequest, FaultRule, first_match, strings_in
from .providers.phonecom import face as phonecom
from .providers.ringcentral import face as ringcentral
from .providers.voximplant import face as voximplant
from .tenants import DEFAULT_TENANT, TenantNameError, Tenants
from .wire import DROPPED, FAIL_DELIVERY, FAULT, OPERATION, ProviderError, TENANT, TENANTS, WORLD, json_response

log = logging.getLogger("sms_emulator")

FACES = [ringcentral, phonecom, voximplant]
TENANT_HEADER = "X-Emulator-Tenant"
TENANT_PREFIX = "/t/{tenant}"
MAX_BODY_BYTES = 1024 * 1024

TENANTS_KEY = web.AppKey("tenants", Tenants)
REQUEST_LOG_KEY = web.AppKey("request_log", object)
ROUTES_KEY = web.AppKey("routes", dict)
UNJOURNALED = ("/_emulator/journal",)


@attrs.frozen
class RouteInfo:
    """What the middleware needs to know about a route, worked out once when the route is added."""

    face: Any  # the provider face module, None for the control API
    provider: str | None
    operation: str | None
    journaled: bool = True


def route_info(request: web.Request) -> RouteInfo:
    """The matched route's info; for paths no route matches, worked out from the path."""
    info = request.app[ROUTES_KEY].get(request.match_info.route)
    if info is not None:
        return info
    path = strip_tenant(request.path)
    face = face_for_path(path)
    provider = face.NAME if face is not None else ("control" if path.startswith(control.PREFIX) else None)
    return RouteInfo(face, provider, None, not path.startswith(UNJOURNALED))


def face_for_path(path: str):
    """The provider whose envelope an error on this path is rendered in; None for the control API."""
    for face in FACES:
        if any(path.startswith(prefix) for prefix in face.PREFIXES):
            return face
    return None


def strip_tenant(path: str) -> str:
    if path.startswith("/t/"):
        rest = path[3:]
        slash = rest.find("/")
        return rest[slash:] if slash >= 0 else "/"
    return path


@web.middleware
async def tenant_and_errors(request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]):
    """Pick the tenant, apply any matching fault, answer, and note the request in the tenant's journal."""
    info = route_info(request)
    started = time.monotonic()
    try:
        bind_tenant(request)
    except TenantNameError as error:
        return control.error(400, str(error))
    response = await answer(request, handler, info)
    note_request(request, info, response, started)
    if response is None:  # the connection is gone; aiohttp quietly fails to write this
        return web.Response(status=500, text="connection dropped by a fault rule")
    return response


async def answer(request: web.Request, handler, info: RouteInfo) -> web.StreamResponse | None:
    """The handler's response, a fault's, or None when a fault dropped the connection."""
    face = info.face
    try:
        if face is not None:
            faulted = await apply_fault(request, face, info.operation)
            if faulted is not None or request.get(DROPPED):
                return faulted
        return await handler(request)
    except ProviderError as error:
        return error.response()
    except TenantNameError as error:
        return control.error(400, str(error))
    except web.HTTPException as error:
        return http_error(face, request, error)
    except Exception:
        log.exception("unhandled error on %s %s", request.method, request.path)
        if face is None:
            return control.error(500, "internal error")
        return face.internal_error().response()


async def apply_fault(request: web.Request, face, operation: str | None) -> web.StreamResponse | None:
    """The first matching fault rule of the tenant: wait, drop, answer with an error, or mark delivery to fail."""
    rules = control_of(request[WORLD]).faults.rules
    if not rules:
        return None
    strings = await request_strings(request) if any(r.number or r.text for r in rules) else ()
    if hasattr(face, "operation"):
        operation = await face.operation(request) or operation
    rule = first_match(rules, FaultRequest(face.NAME, operation, tuple(strings)))
    if rule is None:
        return None
    request[FAULT] = rule
    if rule.latency_ms:
        await asyncio.sleep(rule.latency_ms / 1000)
    if rule.drop:
        request[DROPPED] = True
        if request.transport is not None:
            request.transport.abort()
        return None
    if rule.status is not None:
        return face.fault_error(rule.status, rule.message).response()
    if rule.fail_delivery:
        request[FAIL_DELIVERY] = rule.fail_delivery
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
    except ValueError:
        strings.extend(value for _, value in parse_qsl(raw))
    return strings


def note_request(request: web.Request, info: RouteInfo, response: web.StreamResponse | None, started: float) -> None:
    """One journal entry per request, and one JSON log line when request logging is on."""
    rule: FaultRule | None = request.get(FAULT)
    status = response.status if response is not None else None
    operation = request.get(OPERATION) or info.operation
    fault_id, effect = (rule.id, fault_effect(rule, request)) if rule else (None, None)
    world = request.get(WORLD)
    if world is not None and info.journaled:
        control_of(world).journal.record(world.now_ms(), request.method, request.path, operation, info.provider,
                                         status, fault_id, effect)
    write_log = request.app.get(REQUEST_LOG_KEY)
    if write_log is not None:
        write_log({"tenant": request.get(TENANT), "method": request.method, "path": request.path,
                   "operation": operation, "provider": info.provider, "status": status, "fault": fault_id,
                   "fault_effect": effect, "duration_ms": round((time.monotonic() - started) * 1000, 3)})


def fault_effect(rule: FaultRule | None, request: web.Request) -> str | None:
    if rule is None:
        return None
    if rule.drop:
        return "drop"
    if rule.status is not None:
        return f"status {rule.status}"
    if request.get(FAIL_DELIVERY):
        return f"fail_delivery {rule.fail_delivery}"
    return f"latency {rule.latency_ms} ms"


def bind_tenant(request: web.Request) -> None:
    tenants = request.app[TENANTS_KEY]
    via_path = request.match_info.get("tenant")
    name = via_path or request.headers.get(TENANT_HEADER) or DEFAULT_TENANT
    request[TENANT] = name
    request[TENANTS] = tenants
    request[WORLD] = tenants.get(name)


def http_error(face, request: web.Request, error: web.HTTPException) -> web.StreamResponse:
    """Unknown routes, wrong methods and oversize bodies, in the envelope of the path's provider."""
    if error.status < 400:
        return error
    if face is None:
        return control.error(error.status, error.reason)
    if error.status == 405:
        return face.method_not_allowed(request.method).response()
    if error.status == 413:
        return face.body_too_large().response()
    if error.status == 404:
        return face.invalid_uri().response()
    return face.internal_error().response() if error.status >= 500 else json_response(
        {"message": error.reason}, error.status)


def add_routes(app: web.Application, routes, provider: str, face=None) -> None:
    """Each route is reachable as is and under a tenant prefix."""
    for method, path, handler, operation in routes:
        info = RouteInfo(face, provider, f"{provider}.{operation}", not path.startswith(UNJOURNALED))
        for prefix in ("", TENANT_PREFIX):
            suffix = ".t" if prefix else ""
            route = app.router.add_route(method, prefix + path, handler, name=f"{provider}.{operation}{suffix}")
            app[ROUTES_KEY][route] = info


def build_app(tenants: Tenants, request_log: Callable[[dict[str, Any]], None] | None = None) -> web.Application:
    """The application; request_log, when given, receives one dict per request."""
    app = web.Application(middlewares=[tenant_and_errors], client_max_size=MAX_BODY_BYTES)
    app[TENANTS_KEY] = tenants
    app[ROUTES_KEY] = {}
    if request_log is not None:
        app[REQUEST_LOG_KEY] = request_log
    for face in FACES:
        add_routes(app, face.ROUTES, face.NAME, face)
    add_routes(app, control.ROUTES, "control")
    return app


def operation_of(request: web.Request) -> str | None:
    """The provider operation a request matched, as '<provider>.<operationId>'."""
    route = request.match_info.route
    name = getattr(route, "name", None)
    return name[:-2] if name and name.endswith(".t") else name
