"""Create SMS answers with pieces its route fixes, worked out once: byte for byte what encoding sms() gives."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from emulator.core import carrier
from emulator.core.model import Direction, Kind, Mailbox, Message, Party, Status
from emulator.core.rules import SmsRequest
from emulator.providers.phonecom.render import sent_sms_json, sms
from emulator.providers.phonecom.rules import SMS_POLICY
from emulator.seed import build_seed
from emulator.tenants import Tenants
from emulator.wire import encode_json

from ..frozen_seed import frozen_seed_data
from .conftest import ACCOUNT, EXT_101, EXT_102, HANDSET, OWNER, PAULA_NUMBER, QUINN_NUMBER, extension_sms

WORLD = Tenants(build_seed(frozen_seed_data())).get("default")
PARTIES = [Party(number=n) for n in (PAULA_NUMBER, QUINN_NUMBER, HANDSET, "+4412345", "")] + [Party()]
# The same tuples again and again, as a route's copies share theirs: alone, in groups, and none.
ROUTES = [(party,) for party in PARTIES] + [(), (PARTIES[0], PARTIES[2]), (PARTIES[1], PARTIES[3], PARTIES[5])]
MAILBOXES = [Mailbox(ACCOUNT, EXT_101), Mailbox(ACCOUNT, EXT_102), Mailbox(ACCOUNT), Mailbox(None, None, HANDSET),
             Mailbox(ACCOUNT, "no-such-extension")]
END_STATUSES = st.sampled_from([None, Status.SENT, Status.SENDING_FAILED])
TEXTS = st.text(alphabet=st.one_of(st.characters(), st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF)),
                max_size=40)  # half a surrogate pair too, which UTF-8 cannot carry


@st.composite
def copies(draw) -> Message:
    recipients = draw(st.sampled_from(ROUTES))
    status = draw(st.sampled_from(list(Status)))
    delivered = draw(st.one_of(st.none(), st.integers(0, 2**40)))
    return Message(
        draw(st.integers(1, 2**60)), draw(st.sampled_from(MAILBOXES)), Kind.SMS, draw(st.sampled_from(list(Direction))),
        draw(st.sampled_from(PARTIES)), recipients, draw(TEXTS), status, draw(st.integers(0, 2**42)),
        0, 1, read=draw(st.booleans()), delivered_ms=delivered,
        recipient_ends=tuple(draw(END_STATUSES) for _ in recipients) if draw(st.booleans()) else None)


@settings(max_examples=300, deadline=None)
@given(records=st.lists(copies(), min_size=1, max_size=4))
def test_the_sent_answer_is_the_encoded_sms_object_for_every_copy(records) -> None:
    for record in records * 2:  # the second time along each route, from the remembered pieces
        assert sent_sms_json(WORLD, record) == encode_json(sms(WORLD.directory, record))


def test_a_remembered_route_answers_with_the_extension_as_it_is_after_an_edit() -> None:
    world = Tenants(build_seed(frozen_seed_data())).get("default")
    request = SmsRequest(ACCOUNT, PAULA_NUMBER, (HANDSET,), "hi")
    before = carrier.send_sms(world, request, SMS_POLICY, "phonecom").outbound
    assert b'"name":"Paula' in sent_sms_json(world, before) and world.renderings  # spliced from remembered pieces
    world.edit().extensions[EXT_101].name = "Paula Renamed"
    after = carrier.send_sms(world, request, SMS_POLICY, "phonecom").outbound
    assert sent_sms_json(world, after) == encode_json(sms(world.directory, after))
    assert b'"name":"Paula Renamed"' in sent_sms_json(world, after)


async def test_create_sms_answers_what_reading_the_sms_back_gives(pc) -> None:
    for text in ("plain", "unicode ✓ 👋", 'quotes " and \\ and \n'):
        created = await pc.sent(**{"from": PAULA_NUMBER, "to": HANDSET, "text": text})
        status, read_back = await pc.call("GET", f"{extension_sms(EXT_101)}/{created['id']}", OWNER)
        assert status == 200 and created == read_back
