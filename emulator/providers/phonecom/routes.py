"""Phone.com's v4 paths, as in its OpenAPI description (the account id is `voip_id` there, `account_id` in 2017)."""

from . import NAME, handlers
from .rules import MESSAGE_MAX_BODY_BYTES

ACCOUNT = "/v4/accounts/{account_id}"
EXTENSION = ACCOUNT + "/extensions/{extension_id}"

PREFIXES = ("/v4",)
BODY_LIMITS = {"create-account-message": MESSAGE_MAX_BODY_BYTES, "create-extension-message": MESSAGE_MAX_BODY_BYTES}
# The operations that send a message: the only ones a fault rule that just fails delivery is spent on.
SENDS = frozenset(f"{NAME}.{op}" for op in ("create-account-sms", "create-extension-sms", "create-account-message",
                                            "create-extension-message"))

ROUTES = [
    ("GET", "/v4/oauth/access-token", handlers.access_token_details, "getAccessToken"),
    ("GET", "/v4/oauth/access-token/details", handlers.access_token_details, "getAccessTokenDetails"),
    ("POST", "/v4/oauth/access-token", handlers.create_access_token, "createAccessToken"),
    ("DELETE", "/v4/oauth/access-token", handlers.delete_access_token, "deleteAccessToken"),
    ("POST", ACCOUNT + "/sms", handlers.create_sms, "create-account-sms"),
    ("GET", ACCOUNT + "/sms", handlers.list_sms, "list-account-sms"),
    ("DELETE", ACCOUNT + "/sms", handlers.delete_sms_list, "delete-account-sms-list"),
    ("GET", ACCOUNT + "/sms/{sms_id}", handlers.get_sms, "get-account-sms"),
    ("PATCH", ACCOUNT + "/sms/{sms_id}", handlers.patch_sms, "patch-account-sms"),
    ("DELETE", ACCOUNT + "/sms/{sms_id}", handlers.delete_sms, "delete-account-sms"),
    ("POST", EXTENSION + "/sms", handlers.create_sms, "create-extension-sms"),
    ("GET", EXTENSION + "/sms", handlers.list_sms, "list-extension-sms"),
    ("DELETE", EXTENSION + "/sms", handlers.delete_sms_list, "delete-extension-sms-list"),
    ("GET", EXTENSION + "/sms/{sms_id}", handlers.get_sms, "get-extension-sms"),
    ("PATCH", EXTENSION + "/sms/{sms_id}", handlers.patch_sms, "patch-extension-sms"),
    ("DELETE", EXTENSION + "/sms/{sms_id}", handlers.delete_sms, "delete-extension-sms"),
]

for scope, base in (("account", ACCOUNT), ("extension", EXTENSION)):
    ROUTES += [  # the Messages API, which v4.6.11 names as the SMS API's replacement
        ("POST", base + "/messages", handlers.create_message, f"create-{scope}-message"),
        ("GET", base + "/messages", handlers.list_messages, f"list-{scope}-messages"),
        ("GET", base + "/messages/{message_id}", handlers.get_message, f"get-{scope}-message"),
        ("PATCH", base + "/messages/{message_id}", handlers.patch_message, f"patch-{scope}-message"),
        ("DELETE", base + "/messages/{message_id}", handlers.delete_sms, f"delete-{scope}-message"),
    ]

ROUTES += [
    ("GET", ACCOUNT + "/phone-numbers", handlers.list_phone_numbers, "list-account-phone-numbers"),
    ("GET", EXTENSION + "/phone-numbers", handlers.list_phone_numbers, "list-extension-phone-numbers"),
    ("GET", ACCOUNT + "/phone-numbers/{number_id}", handlers.get_phone_number, "get-account-phone-number"),
    ("GET", EXTENSION + "/phone-numbers/{number_id}", handlers.get_phone_number, "get-extension-phone-number"),
    ("GET", ACCOUNT + "/extensions", handlers.list_extensions, "list-account-extensions"),
    ("GET", EXTENSION, handlers.get_extension, "get-account-extension"),
]

for scope, base in (("account", ACCOUNT), ("extension", EXTENSION)):
    EVENTS = base + "/integrations/events"
    LISTENER = EVENTS + "/listeners/{listener_id}"
    ROUTES += [
        ("GET", EVENTS + "/callbacks", handlers.list_callbacks, f"list-{scope}-events-callbacks"),
        ("POST", EVENTS + "/callbacks", handlers.create_callback, f"create-{scope}-events-callback"),
        ("GET", EVENTS + "/callbacks/{id}", handlers.get_callback, f"get-{scope}-events-callback"),
        ("PATCH", EVENTS + "/callbacks/{id}", handlers.patch_callback, f"patch-{scope}-events-callback"),
        ("DELETE", EVENTS + "/callbacks/{id}", handlers.delete_callback, f"delete-{scope}-events-callback"),
        ("GET", EVENTS + "/listeners", handlers.list_listeners, f"list-{scope}-events-listeners"),
        ("POST", EVENTS + "/listeners", handlers.create_listener, f"create-{scope}-events-listener"),
        ("GET", EVENTS + "/listeners/{id}", handlers.get_listener, f"get-{scope}-events-listener"),
        ("PATCH", EVENTS + "/listeners/{id}", handlers.patch_listener, f"patch-{scope}-events-listener"),
        ("DELETE", EVENTS + "/listeners/{id}", handlers.delete_listener, f"delete-{scope}-events-listener"),
        ("GET", LISTENER + "/subscriptions", handlers.list_listener_subscriptions,
         f"list-{scope}-events-listener-subscriptions"),
        ("POST", LISTENER + "/subscriptions", handlers.create_listener_subscription,
         f"create-{scope}-events-listener-subscription"),
        ("GET", LISTENER + "/subscriptions/{id}", handlers.get_listener_subscription,
         f"get-{scope}-events-listener-subscription"),
        ("DELETE", LISTENER + "/subscriptions/{id}", handlers.delete_listener_subscription,
         f"delete-{scope}-events-listener-subscription"),
        ("GET", LISTENER + "/filters", handlers.list_listener_filters, f"list-{scope}-events-listener-filters"),
        ("POST", LISTENER + "/filters", handlers.create_listener_filter, f"create-{scope}-events-listener-filter"),
        ("GET", LISTENER + "/filters/{id}", handlers.get_listener_filter, f"get-{scope}-events-listener-filter"),
        ("PATCH", LISTENER + "/filters/{id}", handlers.patch_listener_filter,
         f"patch-{scope}-events-listener-filter"),
        ("DELETE", LISTENER + "/filters/{id}", handlers.delete_listener_filter,
         f"delete-{scope}-events-listener-filter"),
    ]
