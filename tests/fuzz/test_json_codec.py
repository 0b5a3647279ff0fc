"""Request bodies are read, and answers written, as the standard library would on odd input."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from emulator.wire import decode_json, encode_json


def test_lone_surrogates_nan_and_huge_integers_are_read_not_refused() -> None:
    assert decode_json(b'{"text": "\\ud800"}') == {"text": "\ud800"}
    assert repr(decode_json(b'{"n": NaN}')) == "{'n': nan}"
    assert decode_json(b'{"big": 123456789012345678901234567890}') == {"big": 123456789012345678901234567890}


def test_a_body_that_is_not_utf8_is_refused_as_such() -> None:
    with pytest.raises(UnicodeDecodeError):
        decode_json('{"text": "é"}'.encode("latin-1"))


def test_half_a_surrogate_pair_is_written_as_an_escape_not_an_error() -> None:
    assert encode_json({"text": "a\ud800b"}) == b'{"text":"a\\ud800b"}'


def test_ordinary_bodies_are_compact_utf8_in_key_order() -> None:
    assert encode_json({"b": "é", "a": [1, None, True]}) == '{"b":"é","a":[1,null,true]}'.encode()


@given(st.recursive(st.none() | st.booleans() | st.integers(-(2**80), 2**80) | st.text(),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
                    max_leaves=12),
       st.text(" \t\r\n", max_size=3), st.text(" \t\r\n", max_size=3))
def test_any_document_written_reads_back_unchanged(document, before: str, after: str) -> None:
    raw = before.encode() + encode_json(document) + after.encode()
    assert repr(decode_json(raw)) == repr(document)


def test_integers_on_either_side_of_64_bits_keep_their_exact_value() -> None:
    for number in (2**63 - 1, 2**64, 10**18, 10**19, -(10**19), 99999999999999999999):
        raw = f'{{"n": {number}, "s": "+{number}"}}'.encode()
        assert decode_json(raw) == {"n": number, "s": f"+{number}"}


def test_whitespace_around_a_document_is_allowed_and_anything_after_it_is_not() -> None:
    assert decode_json(b' \n{"a": 1}\t ') == {"a": 1}
    for raw in (b'{"a": 1} x', b'{"a": 1}{}', b"\xef\xbb\xbf{}", b""):
        with pytest.raises(ValueError):
            decode_json(raw)
