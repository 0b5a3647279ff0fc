"""Numbers are ASCII digits: what only Python's int() reads ('1_0', '٣', '+3') is Voximplant's invalid number."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from emulator.providers.voximplant.parse import decimal

from .conftest import ENABLED, error_code

PYTHON_ONLY = ["1_0", "٣", "１０", "+3", "3.0", "0x10", "1e2", "²"]


@pytest.fixture
def three_sent(call) -> list[int]:
    return [call("SendSmsMessage", source=ENABLED, destination=f"44770090006{n}", sms_body="x")["message_id"]
            for n in range(3)]


@pytest.mark.parametrize("value", PYTHON_ONLY)
@pytest.mark.parametrize("cmd, name", [("GetPhoneNumbers", "count"), ("GetPhoneNumbers", "offset"),
                                       ("GetSmsHistory", "count"), ("GetSmsHistory", "offset"),
                                       ("A2PGetSmsHistory", "delivery_status")])
def test_number_written_in_python_only_syntax_is_496_naming_the_parameter(call, cmd, name, value):
    body = call(cmd, **{name: value})
    assert error_code(body) == 496
    assert f"'{name}'" in body["error"]["msg"]


@pytest.mark.parametrize("value", PYTHON_ONLY + ["-1", "1;-2"])
def test_message_id_list_with_an_item_that_is_not_ascii_digits_is_496(call, value):
    assert error_code(call("GetSmsHistory", message_id=value)) == 496


@pytest.mark.parametrize("cmd, name", [("GetPhoneNumbers", "count"), ("GetSmsHistory", "offset")])
def test_negative_count_or_offset_is_496(call, cmd, name):
    assert error_code(call(cmd, **{name: "-1"})) == 496


def test_ascii_count_and_offset_page_the_history(call, three_sent):
    body = call("GetSmsHistory", count="1", offset="2")
    assert [r["message_id"] for r in body["result"]] == three_sent[2:]
    assert body["total_count"] == 3


def test_message_id_list_of_ascii_ids_with_spaces_around_them_selects_those(call, three_sent):
    first, _, last = three_sent
    body = call("GetSmsHistory", message_id=f" {first} ; {last};")
    assert sorted(r["message_id"] for r in body["result"]) == [first, last]


def test_history_date_in_arabic_indic_digits_is_111(call):
    assert error_code(call("GetSmsHistory", from_date="٢٠٢٤-01-01 00:00:00")) == 111


@given(st.text(alphabet=st.sampled_from("-+_ .0123456789٣１²"), max_size=8) | st.text(max_size=8))
def test_only_an_optional_minus_and_ascii_digits_read_as_a_number(text):
    plain = text.isascii() and text.removeprefix("-").isdigit()
    assert (decimal(text) is not None) == plain
    if plain:
        assert decimal(text) == int(text)


@given(st.integers(-10**30, 10**30))
def test_every_integer_written_plainly_reads_back(number):
    assert decimal(str(number)) == number
    assert decimal(str(number), signed=False) == (number if number >= 0 else None)
