"""Phone.com's v4 paths, as in its OpenAPI description (the account id is `voip_id` there, `account_id` in 2017)."""

from . import handlers

ACCOUNT = "/v4/accounts/{account_id}"
EXTENSION = ACCOUNT + "/extensions/{extension_id}"

PREFIXES = ("/v4",)

ROUTES = [
    ("GET", "/v4/oauth/access-token", handlers.access_token_details, "getAccessToken"),
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
    ("GET", ACCOUNT + "/phone-numbers", handlers.list_phone_numbers, "list-account-phone-numbers"),
    ("GET", EXTENSION + "/phone-numbers", handlers.list_phone_numbers, "list-extension-phone-numbers"),
    ("GET", ACCOUNT + "/extensions", handlers.list_extensions, "list-account-extensions"),
    ("GET", EXTENSION, handlers.get_extension, "get-account-extension"),
]
