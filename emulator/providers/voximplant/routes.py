"""Voximplant's paths: POST /platform_api with `cmd`, and GET|POST /platform_api/{method}[/]."""

from . import NAME, handlers

PREFIXES = ("/platform_api",)
BODY_LIMITS: dict[str, int] = {}  # every operation takes the application's default limit
# The operations that send a message: the only ones a fault rule that just fails delivery is spent on.
SENDS = frozenset(f"{NAME}.{op}" for op in ("SendSmsMessage", "A2PSendSms"))

ROUTES = [  # the method in the path first: the router tries a path's candidates in this order
    ("POST", "/platform_api/{method}", handlers.platform_api, "callMethod"),
    ("GET", "/platform_api/{method}", handlers.platform_api, "callMethodGet"),
    ("POST", "/platform_api/{method}/", handlers.platform_api, "callMethodSlash"),
    ("GET", "/platform_api/{method}/", handlers.platform_api, "callMethodSlashGet"),
    ("POST", "/platform_api", handlers.platform_api, "callWithCmd"),
    ("GET", "/platform_api", handlers.platform_api, "callWithCmdGet"),
    ("POST", "/platform_api/", handlers.platform_api, "callWithCmdSlash"),
    ("GET", "/platform_api/", handlers.platform_api, "callWithCmdSlashGet"),
]
