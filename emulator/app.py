"""Build the one aiohttp application that serves every provider face and the control API."""

from __future__ import annotations

import logging
from typing import Awaitable, Callable

from aiohttp import web

from .control import routes as control
from .providers.phonecom import face as phonecom
from .providers.ringcentral import face as ringcentral
from .providers.voximplant import face as voximplant
from .tenants import DEFAULT_TENANT, TenantNameError, Tenants
from .wire import ProviderError, json_response

log = logging.getLogger("sms_emulator")

FACES = [ringcentral, phonecom, voximplant]
TENANT_HEADER = "X-Emulator-Tenant"
TENANT_PREFIX = "/t/{tenant}"
MAX_BODY_BYTES = 1024 * 1024

TENANTS_KEY = web.AppKey("tenants", Tenants)


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
    """Pick the tenant, then make sure every failure leaves as the provider's own error body."""
    path = strip_tenant(request.path)
    face = face_for_path(path)
    try:
        bind_tenant(request)
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


def bind_tenant(request: web.Request) -> None:
    tenants = request.app[TENANTS_KEY]
    via_path = request.match_info.get("tenant")
    name = via_path or request.headers.get(TENANT_HEADER) or DEFAULT_TENANT
    prefix = f"/t/{name}" if via_path else ""
    request["tenant"] = name
    request["world"] = tenants.get(name)
    request["base_url"] = f"{request.scheme}://{request.host}{prefix}"


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


def add_routes(app: web.Application, routes, provider: str) -> None:
    """Each route is reachable as is and under a tenant prefix."""
    for method, path, handler, operation in routes:
        for prefix in ("", TENANT_PREFIX):
            suffix = ".t" if prefix else ""
            app.router.add_route(method, prefix + path, handler, name=f"{provider}.{operation}{suffix}")


def build_app(tenants: Tenants) -> web.Application:
    app = web.Application(middlewares=[tenant_and_errors], client_max_size=MAX_BODY_BYTES)
    app[TENANTS_KEY] = tenants
    for face in FACES:
        add_routes(app, face.ROUTES, face.NAME)
    add_routes(app, control.ROUTES, "control")
    return app


def operation_of(request: web.Request) -> str | None:
    """The provider operation a request matched, as '<provider>.<operationId>'."""
    route = request.match_info.route
    name = getattr(route, "name", None)
    return name[:-2] if name and name.endswith(".t") else name
