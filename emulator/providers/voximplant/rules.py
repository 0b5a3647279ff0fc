"""Voximplant's limits, handed to the core rules."""

from ...core.rules import SmsPolicy

SEND_SMS_MAX_CHARS = 765          # five concatenated GSM-7 segments
A2P_MAX_CHARS = 1600
A2P_MAX_DESTINATIONS = 100
HISTORY_MAX_COUNT = 1000
TOKEN_MAX_TTL_S = 3600
TOKEN_LEEWAY_S = 10               # the Python client signs with iat = now - 5
PRICE_PER_FRAGMENT = 0.0065
# GetAccountInfo's balance and currency when the seed account gives none: invented (the emulator charges nothing,
# so the balance stays what the seed says).
DEFAULT_ACCOUNT_BALANCE = 100.0
DEFAULT_ACCOUNT_CURRENCY = "USD"

# Any number of the account may send; no SmsSender feature, but SMS must be enabled via ControlSms.
# Numbers have no extension, so the sender's copy stays in the account mailbox. Limits count characters.
SMS_POLICY = SmsPolicy(
    max_text_units=SEND_SMS_MAX_CHARS,
    max_recipients=1,
    measure=len,
    sender_scope="account",
    requires_sms_sender_feature=False,
    requires_sms_enabled=True,
    save_unassigned_outbound=True,
)

A2P_POLICY = SmsPolicy(
    max_text_units=A2P_MAX_CHARS,
    max_recipients=1,             # one core send per destination, so each has its own id and failure
    measure=len,
    sender_scope="account",
    requires_sms_sender_feature=False,
    requires_sms_enabled=True,
    save_unassigned_outbound=True,
)
