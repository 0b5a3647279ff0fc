"""Create SMS's body read in one step where it is one number to one number, and field by field otherwise: the
two readings agree on every body, valid or not."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from emulator.providers.phonecom import parse
from emulator.providers.phonecom.errors import PhoneComError
from emulator.providers.phonecom.parse import checked_sms_request, sms_request

ABSENT = object()
GOOD_NUMBERS = st.sampled_from(["+12125550101", "+14155550124", "4155550124\t", "+1 (415) 555-0124 ", "(415)5550124"])
NUMBERS = st.one_of(
    st.sampled_from([ABSENT, "", "   ", "+", "+1,+2", " +1650", "+1\u00a0650", "\u2003+1650", "1.212.555.0101",
                     "+1650\ud800"]),
    st.text(alphabet="+0123456789 -(),\t\n\u00a0\u1680x", max_size=14),
    st.integers(), st.none(), st.lists(st.sampled_from(["+12125550101", "+14155550124"]), max_size=2))
GOOD_TEXTS = st.one_of(st.text(min_size=1, max_size=12), st.just("ok ✓"))
TEXTS = st.one_of(st.sampled_from([ABSENT, "", " ", "hi \ud83d", "\udc00"]), st.none(), st.integers())
DIRECTIONS = st.sampled_from([ABSENT, None, "out", "in", "", 0, False])
EXTENSION_IDS = st.sampled_from([ABSENT, None, 2000001101, "2000001101", 0, -1, "x", True])


ODD = {"from": NUMBERS, "to": NUMBERS, "text": TEXTS, "direction": DIRECTIONS, "extension_id": EXTENSION_IDS}


@st.composite
def bodies(draw) -> dict:
    """A plain send's body with none, one or two of its fields made odd (absent, the wrong type, a bad value)."""
    body = {"from": draw(GOOD_NUMBERS), "to": draw(GOOD_NUMBERS), "text": draw(GOOD_TEXTS)}
    for name in draw(st.lists(st.sampled_from(sorted(ODD)), max_size=2, unique=True)):
        value = draw(ODD[name])
        if value is ABSENT:
            body.pop(name, None)
        else:
            body[name] = value
    return body


def outcome(read, body: dict):
    try:
        return read(body, "2000001", "2000001101")
    except PhoneComError as error:
        return ("error", error.status, error.message, error.fields)


@settings(max_examples=500, deadline=None)
@given(bodies())
def test_a_send_body_read_in_one_step_is_what_checking_each_field_reads(body) -> None:
    assert outcome(sms_request, body) == outcome(checked_sms_request, body)


def test_the_usual_body_is_read_in_one_step(monkeypatch) -> None:
    monkeypatch.setattr(parse, "checked_sms_request", None)  # not called for it
    request = sms_request({"from": "+12125550101", "to": "+14155550124 ", "text": "hi ✓"}, "2000001", None)
    assert (request.from_number, request.to_numbers, request.text) == ("+12125550101", ("+14155550124",), "hi ✓")
