"""The fast JSON codec reads and writes exactly what the standard library would on odd input."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from emulator.wire import decode_json, encode_json


def test_input_orjson_refuses_is_still_read_as_the_standard_library_reads_it() -> None:
    for raw in (b'{"text": "\\ud800"}', b'{"n": NaN}', b'{"big": 123456789012345678901234567890}'):
        assert repr(decode_json(raw)) == repr(json.loads(raw))


def test_half_a_surrogate_pair_is_written_as_an_escape_not_an_error() -> None:
    assert encode_json({"text": "a\ud800b"}) == b'{"text":"a\\ud800b"}'


def test_ordinary_bodies_are_compact_utf8_in_key_order() -> None:
    assert encode_json({"b": "é", "a": [1, None, True]}) == '{"b":"é","a":[1,null,true]}'.encode()


@given(st.recursive(st.none() | st.booleans() | st.integers(-(2**80), 2**80) | st.text(),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
                    max_leaves=12))
def test_any_json_document_reads_as_the_standard_library_reads_it(document) -> None:
    raw = json.dumps(document).encode()
    assert repr(decode_json(raw)) == repr(json.loads(raw))


def test_integers_on_either_side_of_64_bits_keep_their_exact_value() -> None:
    for number in (2**63 - 1, 2**64, 10**18, 10**19, -(10**19), 99999999999999999999):
        raw = f'{{"n": {number}, "s": "+{number}"}}'.encode()
        assert decode_json(raw) == {"n": number, "s": f"+{number}"}
