"""The fast JSON codec reads and writes exactly what the standard library would on odd input."""

from __future__ import annotations

import json

from emulator.wire import decode_json, encode_json


def test_input_orjson_refuses_is_still_read_as_the_standard_library_reads_it() -> None:
    for raw in (b'{"text": "\\ud800"}', b'{"n": NaN}', b'{"big": 123456789012345678901234567890}'):
        assert repr(decode_json(raw)) == repr(json.loads(raw))


def test_half_a_surrogate_pair_is_written_as_an_escape_not_an_error() -> None:
    assert encode_json({"text": "a\ud800b"}) == b'{"text":"a\\ud800b"}'


def test_ordinary_bodies_are_compact_utf8_in_key_order() -> None:
    assert encode_json({"b": "é", "a": [1, None, True]}) == '{"b":"é","a":[1,null,true]}'.encode()
