"""RingCentral's limits, handed to the core rules."""

from ...core.rules import MmsPolicy, SmsPolicy
from ...core.text import utf16_units

OPT_OUT_CODE = "SMS-RC-413"  # "Destination subscriber opted out": a send to a handset that replied STOP to the sender

SMS_POLICY = SmsPolicy(
    max_text_units=1000,          # UTF-16 code units; an astral character counts twice
    max_recipients=10,            # a group message reaches at most 10 numbers (MSG-381)
    measure=utf16_units,
    sender_scope="extension",     # only the caller's own SmsSender numbers (the operator's for the main number)
    requires_sms_sender_feature=True,
    opt_out_code=OPT_OUT_CODE,
    national_calling_code="1",    # the seeded accounts are in the US; a request's `country` overrides it
    refuses_fax_recipients=True,  # 403 MSG-309 "Cannot receive SMS on Fax number"
    international_feature="InternationalSmsSender",  # else 403 MSG-240, InternationalProhibited
)

# MMS: an SMS sent with files, to /sms or its alias /mms, as multipart (the request's JSON first, then the files).
# Limits and media types from the Developer Guide's "Sending MMS" (updated 2025-06-05); the guide's table lists
# audio/arm (.arm), kept as written, beside audio/amr. A part without a Content-Type, or typed only as bytes
# (application/octet-stream, as the PHP SDK sends every file), is typed by its file name.
MMS_CONTENT_TYPES = {
    "image/jpeg": (".jpeg", ".jpg"), "image/png": (".png",), "image/bmp": (".bmp",), "image/gif": (".gif",),
    "image/tiff": (".tiff", ".tif"), "image/svg+xml": (".svg",), "image/webp": (".webp",),
    "video/3gpp": (".3gp",), "video/mp4": (".mp4", ".m4v"), "video/mpeg": (".mpeg", ".mpg"), "video/avi": (".avi",),
    "video/x-flv": (".flv",), "video/x-ms-wmv": (".wmv",), "video/quicktime": (".mov", ".qt"),
    "video/webm": (".webm",), "video/ogg": (".ogg",),
    "audio/mpeg": (".mp3",), "audio/mp4": (".m4a",), "audio/ogg": (".oga",), "audio/wav": (".wav",),
    "audio/arm": (".arm",), "audio/amr": (".amr",), "audio/3gpp": (),
    "text/vcard": (".vcf", ".vcard"), "application/zip": (".zip",), "application/gzip": (".gzip", ".gz"),
    "application/rtf": (".rtf",), "application/pdf": (".pdf",), "text/html": (".html", ".htm"),
    "text/plain": (".txt",), "text/csv": (".csv",), "text/calendar": (".ics",),
}
MMS_FEATURE = "MmsSender"  # toll-free numbers never have it (the guide's SMS requirements)
MMS_MAX_TOTAL_BYTES = 1_500_000  # all files together (the spec's createSMSMessage); else 400 MSG-376
MMS_POLICY = MmsPolicy(
    max_attachments=10,           # else 400 MSG-379 "Too many attachments"
    max_total_bytes=MMS_MAX_TOTAL_BYTES,
    content_types=frozenset(MMS_CONTENT_TYPES),
    extension_types={ext: kind for kind, exts in MMS_CONTENT_TYPES.items() for ext in exts},
    type_aliases={"image/jpg": "image/jpeg", "image/pjpeg": "image/jpeg", "video/x-msvideo": "video/avi",
                  "video/msvideo": "video/avi", "audio/x-wav": "audio/wav", "audio/wave": "audio/wav",
                  "audio/mp3": "audio/mpeg", "text/x-vcard": "text/vcard"},  # what clients also call them
    refuses_empty_files=True,     # 400 MSG-347 "Attachment body is empty"
    sender_feature=MMS_FEATURE,   # else 403 MSG-242 "The requested feature is not available"
    domestic_prefix="+1",         # from a North American number, MMS stays there: 403 MSG-383 otherwise
)
MMS_MAX_BODY_BYTES = 10 * 1024 * 1024  # the spec's x-request-max-body-size of /mms; /sms carries the same files
# A body larger than this holds files over MMS_POLICY's limit however they are encoded (base64 takes 4/3): it is
# refused before parsing, which would hold up every other request for half a second at 10 MiB.
MMS_PARSED_BYTES = 2 * MMS_MAX_TOTAL_BYTES + 64 * 1024

# A request's `country` reads numbers without a country code in it: in the North American plan a ten-digit number
# is national; any other country's numbers are read as international. Country id 1 is the United States.
NANP_ISO_CODES = frozenset({"US", "CA", "PR", "VI", "GU", "AS", "MP", "AG", "AI", "BB", "BM", "BS", "DM", "DO",
                            "GD", "JM", "KN", "KY", "LC", "MS", "SX", "TC", "TT", "VC", "VG"})
US_COUNTRY_ID = "1"

# The phone-number list's filters take the spec's enums; any other value is 400 CMN-101.
NUMBER_USAGE_TYPES = frozenset({
    "MainCompanyNumber", "AdditionalCompanyNumber", "CompanyNumber", "DirectNumber", "CompanyFaxNumber",
    "FmcBusinessMobileNumber", "InventoryFmcBusinessMobileNumber", "ForwardedNumber", "ForwardedCompanyNumber",
    "ContactCenterNumber", "ConferencingNumber", "MeetingsNumber", "NumberPool", "BusinessMobileNumber", "ELIN",
    "PartnerBusinessMobileNumber", "NumberPoolPartnerBusinessMobileNumber", "NumberStorage", "IntegrationNumber",
    "InventoryMobileNumber"})
NUMBER_STATUSES = ("Normal", "Pending", "PortedIn", "Temporary", "Unknown")
NUMBER_TYPES = frozenset({"VoiceFax", "VoiceOnly", "FaxOnly"})
# Every phone-number feature the spec's schemas name; a seed or world change naming another is refused, as a
# misspelt A2PSmsSender would silently turn high-volume sending off.
NUMBER_FEATURES = frozenset({"A2PSmsSender", "BLA", "CallFlip", "CallForwarding", "CallerId", "Delegated", "HELD",
                             "Intercom", "InternationalSmsSender", "MmsSender", "Paging", "SmsSender"})
# What a seeded or changed number of a RingCentral account may hold, by its seed field.
NUMBER_FIELD_VALUES = {"features": NUMBER_FEATURES, "type": NUMBER_TYPES, "usage_type": NUMBER_USAGE_TYPES}

# Rate limits, off unless a seeded account sets `rate_limits` (true, or its own requests a minute per group):
# requests a minute per caller and throttling group, and the penalty after going over (RingCentral's rate-limits
# guide). Each operation's group is its `x-throttling-group` in the spec.
RATE_LIMITS = {"Light": 50, "Medium": 40, "Heavy": 10, "Auth": 5}
RATE_WINDOW_S = 60
RATE_PENALTY_S = 60
THROTTLING_GROUPS = {
    "getToken": "Auth", "revokeToken": "Auth",
    "createSMSMessage": "Medium", "createMMS": "Medium", "createInternalTextMessage": "Medium",
    "listExtensions": "Medium",
    "deleteMessageByFilter": "Medium", "updateMessage": "Medium", "patchMessage": "Medium",
    "deleteMessage": "Medium", "readMessageContent": "Medium", "createSubscription": "Medium",
    "updateSubscription": "Medium", "deleteSubscription": "Medium",
    "listAccountPhoneNumbers": "Heavy",
}  # every other operation is Light

# OAuth grants the seeded apps are enabled for (password as the spec's deprecated RopcTokenRequest had it).
ENABLED_GRANTS = frozenset({"urn:ietf:params:oauth:grant-type:jwt-bearer", "password", "refresh_token"})
# Grants the current spec defines that no seeded app is enabled for: 400 unauthorized_client OAU-251. Any grant_type
# outside both sets is 400 OAU-250 "Unsupported grant type".
NOT_ENABLED_GRANTS = frozenset({"authorization_code", "client_credentials", "partner_jwt"})

# The app permission (OAuth scope) each served operation needs, its `x-app-permission` in the spec; a token's scope
# is every one of them. ReadPresence serves no operation: the presence event filters that are accepted need it.
APP_PERMISSIONS = {
    "ReadAccounts": ("readAccountInfo", "listExtensions", "readExtension", "listExtensionPhoneNumbers",
                     "listAccountPhoneNumbers", "readAccountPhoneNumber"),
    "ReadMessages": ("listMessages", "readMessage", "syncMessages", "readMessageContent"),
    "EditMessages": ("updateMessage", "patchMessage", "deleteMessage", "deleteMessageByFilter"),
    "SMS": ("createSMSMessage", "createMMS", "editSmsConsentRecords", "searchSmsConsentRecords"),
    "A2PSMS": ("createA2PSMS", "listA2PBatches", "readA2PBatch", "listA2PSMS", "readA2PSMS",
               "aggregateA2PSMSStatuses"),
    "InternalMessages": ("createInternalTextMessage",),
    "ReadPresence": (),
}
TOKEN_SCOPE = " ".join(APP_PERMISSIONS)

# Every event filter a subscription may name, `{...}` standing for an id (`~` included) and a query allowed after
# it; any other is 400 SUB-508. Only the two message-store filters have events here; the rest are accepted and stay
# silent. Sources: the Developer Guide's event-filter index and pages (docs/notifications/event-filters/), and the
# spec's reminder filter (example CreateSubscriptionReminderSet).
EVENT_FILTERS = (
    # SMS and other messages
    "/restapi/v1.0/account/{accountId}/extension/{extensionId}/message-store",            # events: changes
    "/restapi/v1.0/account/{accountId}/extension/{extensionId}/message-store/instant",    # events: new inbound SMS
    "/restapi/v1.0/account/{accountId}/extension/{extensionId}/fax",
    "/restapi/v1.0/account/{accountId}/extension/{extensionId}/voicemail",
    "/restapi/v1.0/account/{accountId}/a2p-sms/batches",
    "/restapi/v1.0/account/{accountId}/a2p-sms/batches/{batchId}",
    "/restapi/v1.0/account/{accountId}/a2p-sms/messages",
    "/restapi/v1.0/account/{accountId}/a2p-sms/opt-outs",
    "/restapi/v1.0/account/{accountId}/message-threads/sync",
    "/restapi/v1.0/account/{accountId}/message-threads/entries/sync",
    # presence
    "/restapi/v1.0/account/{accountId}/presence",
    "/restapi/v1.0/account/{accountId}/extension/{extensionId}/presence",
    "/restapi/v1.0/account/{accountId}/extension/{extensionId}/presence/dnd",
    "/restapi/v1.0/account/{accountId}/extension/{extensionId}/presence/line",
    "/restapi/v1.0/account/{accountId}/extension/{extensionId}/presence/line/presence",
    "/restapi/v1.0/account/{accountId}/extension/{extensionId}/favorite/presence",
    "/restapi/v1.0/account/{accountId}/call-queues/{groupId}/presence",
    # telephony
    "/restapi/v1.0/account/{accountId}/telephony/sessions",
    "/restapi/v1.0/account/{accountId}/extension/{extensionId}/telephony/sessions",
    # account
    "/restapi/v1.0/account/{accountId}/extension",
    "/restapi/v1.0/account/{accountId}/extension/{extensionId}",
    "/restapi/v1.0/account/{accountId}/extension/{extensionId}/favorite",
    "/restapi/v1.0/account/{accountId}/extension/{extensionId}/grant",
    "/restapi/v1.0/account/{accountId}/directory/entries",
    "/restapi/v1.0/account/{accountId}/device/{deviceId}/emergency-address",
    "/restapi/v1.0/account/{accountId}/phone-number",
    # calls, as the SDKs' MissedCallEvent and IncomingCallEvent still name them
    "/restapi/v1.0/account/{accountId}/extension/{extensionId}/missed-calls",
    "/restapi/v1.0/account/{accountId}/extension/{extensionId}/incoming-call-pickup",
    # the subscription's own reminder, team messaging (and its older /glip paths), RingSense
    "/restapi/v1.0/subscription/{subscriptionId}",
    "/team-messaging/v1/posts",
    "/team-messaging/v1/groups",
    "/restapi/v1.0/glip/posts",
    "/restapi/v1.0/glip/groups",
    "/ai/ringsense/v1/public/accounts/{accountId}/domains/{domain}/insights",
)

ACCESS_TOKEN_TTL = (600, 3600, 3600)         # min, max, default seconds
REFRESH_TOKEN_TTL = (1, 2_592_000, 604_800)
DEFAULT_LIST_WINDOW_MS = 24 * 3600 * 1000
MAX_PER_PAGE = 1000
DEFAULT_PER_PAGE = 100
DEFAULT_SYNC_TYPE = "FSync"  # the current spec lists syncType as optional; the 2019 guide called it mandatory
SYNC_OVERLAP_MS = 5_000      # an ISync also returns what changed in the 5 s before the previous sync (guide)
SUBSCRIPTION_TTL_S = (1, 315_360_000, 604_800)  # min, max (WebHook) and default seconds of a subscription's life
MAX_SUBSCRIPTIONS = 30                           # per user and application
WEBHOOK_USER_AGENT = "RingCentral-Webhook/8.3"
# Deliveries that keep failing (no 200) for this long blacklist the subscription for good: RingCentral's staff
# gave 10 minutes (developer forum, 2018); its troubleshooting guide (2022) says a blacklisted subscription stays
# suspended until it is deleted, so the forum's reactivation every 15 minutes is not emulated.
BLACKLIST_AFTER_MS = 10 * 60 * 1000

# High-volume (A2P) SMS: a batch's messages leave from a number with the A2PSmsSender feature; the copy is
# kept with the account, so it shows in the A2P lists and not in an extension's message store.
A2P_FEATURE = "A2PSmsSender"
A2P_MAX_TEXT_UNITS = 1000
A2P_MAX_PHONE_FILTERS = 15
A2P_PER_PAGE = (1000, 1000)  # max, default
A2P_POLICY = SmsPolicy(
    max_text_units=A2P_MAX_TEXT_UNITS,
    max_recipients=1,
    measure=utf16_units,
    sender_scope="account",
    requires_sms_sender_feature=False,
    save_unassigned_outbound=True,
    required_feature=A2P_FEATURE,
    opt_out_code=OPT_OUT_CODE,
    national_calling_code="1",
)
A2P_REJECTED_CODE = "SMS-RC-410"  # "destination unsupported", in the create response's rejected[]
CONSENT_PER_PAGE = (1000, 100)  # max, default records a page of a consent search
CONSENT_SOURCES = ("Recipient", "Api", "Upstream", "Carrier")  # a record written by the API is from "Api"
