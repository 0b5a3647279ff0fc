"""SendSmsMessage's parameters read at once in the usual case and its answer written out: each the same as the
general reading and the encoded dict."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from emulator.core.model import Direction, Kind, Mailbox, Message, Party, Status
from emulator.providers.voximplant import parse
from emulator.providers.voximplant.errors import VoximplantError
from emulator.providers.voximplant.render import sent_sms_json
from emulator.wire import encode_json

VALUES = st.one_of(st.sampled_from(["447443332211", " 447443332299 ", "", " ", "\u2003", "\t\n", "hi", "true", "0",
                                    "FALSE", "yes"]), st.text(max_size=6))
NAMES = ("source", "destination", "sms_body", "store_body")


def general_reading(params: dict) -> parse.SendSms:
    """Each parameter by itself, in the order Voximplant checks them."""
    return parse.SendSms(parse.text(params, "source"), parse.text(params, "destination"),
                         parse.text(params, "sms_body"), parse.flag(params, "store_body"))


def outcome(read, params: dict):
    try:
        return read(params)
    except VoximplantError as error:
        return ("error", error.code, error.message)


@st.composite
def send_params(draw) -> dict:
    """A usual send's parameters with none, one or two of them changed to odd values or left out."""
    params = {"source": "447443332211", "destination": "447443332299", "sms_body": draw(st.text(min_size=1))}
    for name in draw(st.lists(st.sampled_from(NAMES), max_size=2, unique=True)):
        value = draw(st.one_of(st.none(), VALUES))
        if value is None:
            params.pop(name, None)
        else:
            params[name] = value
    return params


@given(send_params())
def test_send_parameters_read_at_once_are_what_reading_each_gives(params) -> None:
    assert outcome(parse.send_sms, params) == outcome(general_reading, params)


@given(st.integers(1, 2**63 - 1), st.integers(1, 10**6))
def test_the_written_out_answer_is_the_encoded_one(message_id, segments) -> None:
    sent = Message(message_id, Mailbox("3000001"), Kind.SMS, Direction.OUTBOUND, Party("+1"), (Party("+2"),), "t",
                   Status.QUEUED, 0, 0, 1, segments=segments)
    assert sent_sms_json(sent) == encode_json({"result": 1, "message_id": message_id, "transaction_id": message_id,
                                               "fragments_count": segments})
