"""fragments_count at every segment boundary: GSM-7 160/153 septets, UCS-2 70/67 code units."""

from __future__ import annotations

import pytest

from .conftest import ENABLED

CASES = [
    # GSM-7 basic characters
    ("a" * 160, 1), ("a" * 161, 2),
    ("a" * 306, 2), ("a" * 307, 3),
    ("a" * 459, 3), ("a" * 460, 4),
    ("a" * 612, 4), ("a" * 613, 5),
    ("a" * 765, 5),
    # GSM-7 extension-table characters take two septets
    ("€" * 80, 1), ("€" * 80 + "a", 2),
    ("{" * 153, 2), ("{" * 153 + "a", 3),
    ("a" * 159 + "^", 2), ("a" * 158 + "^", 1),
    ("[]" * 76 + "a" * 153, 3),
    # UCS-2: one character outside GSM-7 makes the whole text UCS-2
    ("я" * 70, 1), ("я" * 71, 2),
    ("я" * 134, 2), ("я" * 135, 3),
    ("я" * 201, 3), ("я" * 202, 4),
    ("я" + "a" * 69, 1), ("я" + "a" * 70, 2),
    # extension-table characters count once in UCS-2
    ("я" + "€" * 69, 1), ("я" + "€" * 70, 2),
    # astral characters are two UTF-16 code units
    ("😀" * 35, 1), ("😀" * 35 + "a", 2),
    ("😀" * 67, 2), ("😀" * 67 + "a", 3),
]


@pytest.mark.parametrize("text, fragments", CASES, ids=[f"{len(t)}ch-{f}" for t, f in CASES])
def test_send_sms_message_reports_fragments_of_gsm7_and_ucs2_text(call, text, fragments):
    body = call("SendSmsMessage", source=ENABLED, destination="447700900001", sms_body=text)
    assert body["fragments_count"] == fragments, body


def test_history_reports_the_same_fragments_as_the_send(call):
    sent = call("SendSmsMessage", source=ENABLED, destination="447700900001", sms_body="я" * 135)
    [record] = call("GetSmsHistory", message_id=str(sent["message_id"]))["result"]
    assert record["fragments"] == sent["fragments_count"] == 3


def test_a2p_fragments_follow_the_same_segmentation(call):
    body = call("A2PSendSms", src_number=ENABLED, dst_numbers="447700900001", text="€" * 80 + "a")
    assert body["fragments_count"] == 2


def test_sms_body_limit_counts_characters_not_code_units(call):
    body = call("SendSmsMessage", source=ENABLED, destination="447700900001", sms_body="😀" * 765)
    assert body["result"] == 1
    assert body["fragments_count"] == 23
