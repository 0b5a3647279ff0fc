"""Voximplant's urlencoded bodies are read exactly as aiohttp's own form parser reads them."""

from __future__ import annotations

import asyncio

from aiohttp import streams
from aiohttp.test_utils import make_mocked_request
from hypothesis import example, given
from hypothesis import strategies as st

from emulator.providers.voximplant.parse import form_fields

FORM_PIECES = st.sampled_from(list("ab=&+%;\n\t 09AFZé€") + ["%2B", "%20", "%C3%A9", "%FF", "%00", "%E2%82", "%%"])


class Unthrottled:
    """The protocol side a StreamReader pauses and resumes; a body fed whole never needs either."""

    _reading_paused = False

    def pause_reading(self, *args, **kwargs) -> None:
        pass

    def resume_reading(self, *args, **kwargs) -> None:
        pass


async def aiohttp_form(raw: bytes) -> dict[str, str]:
    payload = streams.StreamReader(Unthrottled(), 2**16, loop=asyncio.get_running_loop())
    payload.feed_data(raw)
    payload.feed_eof()
    request = make_mocked_request("POST", "/", payload=payload, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Content-Length": str(len(raw))})
    return {key: value for key, value in (await request.post()).items() if isinstance(value, str)}


@given(st.lists(FORM_PIECES, max_size=30).map(lambda pieces: "".join(pieces).encode()))
@example(b"account_id=1&api_key=k&sms_body=Hello+from%20the+benchmark%21&empty=&flag")
@example(b"a=1\n")
def test_an_urlencoded_body_reads_as_aiohttps_form_parser_reads_it(raw: bytes) -> None:
    assert form_fields(raw) == asyncio.run(aiohttp_form(raw))
