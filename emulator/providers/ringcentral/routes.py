"""RingCentral's paths, as in its OpenAPI description; `~` is accepted for account and extension."""

from . import NAME, auth, handlers
from .rules import MMS_MAX_BODY_BYTES

ACCOUNT = "/restapi/v1.0/account/{accountId}"
EXTENSION = ACCOUNT + "/extension/{extensionId}"
MESSAGE = EXTENSION + "/message-store/{messageId}"
A2P = ACCOUNT + "/a2p-sms"
CONSENTS = "/restapi/v2/accounts/{accountId}/sms/consents"
SUBSCRIPTION_LIST = "/restapi/v1.0/subscription"
SUBSCRIPTION = SUBSCRIPTION_LIST + "/{subscriptionId}"

PREFIXES = ("/restapi",)
BODY_LIMITS = {"createSMSMessage": MMS_MAX_BODY_BYTES, "createMMS": MMS_MAX_BODY_BYTES}  # both carry MMS files
# The operations that send a message: the only ones a fault rule that just fails delivery is spent on.
SENDS = frozenset(f"{NAME}.{op}" for op in ("createSMSMessage", "createMMS", "createA2PSMS"))

ENDPOINTS = [
    ("POST", "/restapi/oauth/token", handlers.token, "getToken"),
    ("POST", "/restapi/oauth/revoke", handlers.revoke, "revokeToken"),
    # sends ahead of the rest: the router tries the paths that share a prefix in this order
    ("POST", EXTENSION + "/sms", handlers.send_sms, "createSMSMessage"),
    ("POST", EXTENSION + "/mms", handlers.send_mms, "createMMS"),
    ("POST", EXTENSION + "/company-pager", handlers.send_pager, "createInternalTextMessage"),
    ("GET", ACCOUNT + "/extension", handlers.list_extensions, "listExtensions"),
    ("GET", EXTENSION, handlers.get_extension, "readExtension"),
    ("GET", EXTENSION + "/phone-number", handlers.extension_phone_numbers, "listExtensionPhoneNumbers"),
    ("GET", ACCOUNT + "/phone-number", handlers.account_phone_numbers, "listAccountPhoneNumbers"),
    ("GET", ACCOUNT + "/phone-number/{phoneNumberId}", handlers.get_account_phone_number, "readAccountPhoneNumber"),
    ("GET", ACCOUNT, handlers.get_account, "readAccountInfo"),
    ("GET", EXTENSION + "/message-store", handlers.list_messages, "listMessages"),
    ("DELETE", EXTENSION + "/message-store", handlers.delete_by_filter, "deleteMessageByFilter"),
    ("GET", EXTENSION + "/message-sync", handlers.sync_messages, "syncMessages"),
    ("GET", MESSAGE, handlers.get_message, "readMessage"),
    ("PUT", MESSAGE, handlers.put_message, "updateMessage"),
    ("PATCH", MESSAGE, handlers.patch_message, "patchMessage"),
    ("DELETE", MESSAGE, handlers.delete_message, "deleteMessage"),
    ("GET", MESSAGE + "/content/{attachmentId}", handlers.message_content, "readMessageContent"),
    ("POST", SUBSCRIPTION_LIST, handlers.create_subscription, "createSubscription"),
    ("GET", SUBSCRIPTION_LIST, handlers.list_subscriptions, "listSubscriptions"),
    ("GET", SUBSCRIPTION, handlers.get_subscription, "readSubscription"),
    ("PUT", SUBSCRIPTION, handlers.update_subscription, "updateSubscription"),
    ("DELETE", SUBSCRIPTION, handlers.delete_subscription, "deleteSubscription"),
    ("POST", SUBSCRIPTION + "/renew", handlers.renew_subscription, "renewSubscription"),
    ("POST", A2P + "/batches", handlers.create_a2p_batch, "createA2PSMS"),
    ("GET", A2P + "/batches", handlers.list_a2p_batches, "listA2PBatches"),
    ("GET", A2P + "/batches/{batchId}", handlers.get_a2p_batch, "readA2PBatch"),
    ("GET", A2P + "/messages", handlers.list_a2p_messages, "listA2PSMS"),
    ("GET", A2P + "/messages/{messageId}", handlers.get_a2p_message, "readA2PSMS"),
    ("GET", A2P + "/statuses", handlers.a2p_statuses, "aggregateA2PSMSStatuses"),
    ("PATCH", CONSENTS, handlers.update_consents, "editSmsConsentRecords"),
    ("POST", CONSENTS + "/search", handlers.search_consents, "searchSmsConsentRecords"),
]

# Each handler behind its throttling group's rate limit, which does nothing until a seed turns limits on.
ROUTES = [(method, path, auth.throttled(handler, operation), operation)
          for method, path, handler, operation in ENDPOINTS]
