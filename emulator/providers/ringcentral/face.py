"""What the application needs to mount RingCentral: its routes and its errors for what no route handles.

Every provider has a face module with the same names: NAME, PREFIXES, ROUTES, BODY_LIMITS, SENDS,
body_too_large(operation), internal_error(), invalid_uri(), method_not_allowed(method), unreadable_body(operation)
and fault_error(status, message, operation).
"""

from . import NAME
from .errors import (body_too_large, fault_error, internal_error, invalid_uri, method_not_allowed,
                     unreadable_body)
from .routes import BODY_LIMITS, PREFIXES, ROUTES, SENDS

__all__ = ["NAME", "PREFIXES", "ROUTES", "BODY_LIMITS", "SENDS", "body_too_large", "fault_error", "internal_error",
           "invalid_uri", "method_not_allowed", "unreadable_body"]
