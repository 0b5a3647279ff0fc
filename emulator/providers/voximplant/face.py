"""What the application needs to mount Voximplant: its routes and its errors for what no route handles.

Every provider has a face module with the same names: NAME, PREFIXES, ROUTES, BODY_LIMITS, SENDS,
body_too_large(operation), internal_error(), invalid_uri(), method_not_allowed(method), unreadable_body(operation)
and fault_error(status, message, operation).
Voximplant also has `operation(request)`: its routes carry no method, the path or `cmd` names it (one of
COMMANDS); and `watch(world, webhooks)`, which posts inbound SMS callbacks for a world whose seed names a callback URL.
"""

from . import NAME
from .errors import (body_too_large, fault_error, internal_error, invalid_uri, method_not_allowed,
                     unreadable_body)
from .handlers import METHODS, operation, watch
from .routes import BODY_LIMITS, PREFIXES, ROUTES, SENDS

COMMANDS = tuple(METHODS)

__all__ = ["NAME", "PREFIXES", "ROUTES", "BODY_LIMITS", "SENDS", "COMMANDS", "body_too_large", "fault_error",
           "internal_error", "invalid_uri", "method_not_allowed", "operation", "unreadable_body", "watch"]
