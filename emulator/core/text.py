"""Text measurement: UTF-16 code units and GSM-7 / UCS-2 segmentation."""

from __future__ import annotations

import re

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("^{}\\[~]|€\f")
GSM7_BASIC_ONLY = re.compile("[" + "".join(re.escape(ch) for ch in sorted(GSM7_BASIC)) + "]*")  # one C pass

GSM7_SINGLE_SEGMENT = 160
GSM7_MULTI_SEGMENT = 153
UCS2_SINGLE_SEGMENT = 70
UCS2_MULTI_SEGMENT = 67


def utf16_units(text: str) -> int:
    """Providers limit text in UTF-16 code units, where an astral character counts twice."""
    if text.isascii():
        return len(text)
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def gsm7_septets(text: str) -> int | None:
    """Septets the text takes in GSM-7, or None when a character forces UCS-2."""
    if GSM7_BASIC_ONLY.fullmatch(text):
        return len(text)
    septets = 0
    for ch in text:
        if ch in GSM7_BASIC:
            septets += 1
        elif ch in GSM7_EXTENSION:
            septets += 2
        else:
            return None
    return septets


# Characters that fit one segment whatever they are: 35 astral ones are 70 UTF-16 units, UCS-2's single segment,
# and 35 GSM-7 extension characters are 70 septets.
ALWAYS_ONE_SEGMENT = UCS2_SINGLE_SEGMENT // 2


def segment_count(text: str) -> int:
    """How many SMS segments a carrier bills for this text (GSM 03.38 concatenation)."""
    if len(text) <= ALWAYS_ONE_SEGMENT:  # most texts, known without reading them
        return 1
    septets = gsm7_septets(text)
    if septets is not None:
        return _segments(septets, GSM7_SINGLE_SEGMENT, GSM7_MULTI_SEGMENT)
    return _segments(utf16_units(text), UCS2_SINGLE_SEGMENT, UCS2_MULTI_SEGMENT)


def _segments(units: int, single: int, multi: int) -> int:
    if units <= single:
        return 1
    return -(-units // multi)
