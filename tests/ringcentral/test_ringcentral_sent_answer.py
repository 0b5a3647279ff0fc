"""Send SMS answers with pieces its route, base URL and caller fix, worked out once: byte for byte message()'s JSON."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from emulator.core import carrier
from emulator.core.model import Availability, Direction, Kind, Mailbox, Media, Message, Party, Status
from emulator.core.rules import SmsRequest
from emulator.providers.ringcentral.render import message, sent_message_json
from emulator.providers.ringcentral.rules import SMS_POLICY
from emulator.seed import build_seed
from emulator.tenants import Tenants
from emulator.wire import encode_json

from ..frozen_seed import frozen_seed_data
from .conftest import ACCOUNT, STORE

WORLD = Tenants(build_seed(frozen_seed_data())).get("default")
USER = WORLD.directory.extension_by_number(ACCOUNT, "102")
QUEUE = WORLD.directory.extension_by_number(ACCOUNT, "200")  # a Department: its messages name it as their owner
PARTIES = [Party("+16505550102", name="Alice Able"), Party("+14155550123"), Party("+4412345", "7", "103", "Bo"),
           Party(""), Party("+1650555\u2028\U0001f600", name='a "quoted" \\ name')]
ALONE = [(party,) for party in PARTIES]  # the same tuples again and again, as a route's copies share theirs
GROUPS = [(PARTIES[0], PARTIES[1]), (PARTIES[1], PARTIES[4], PARTIES[2])]
MAILBOXES = [Mailbox(ACCOUNT, USER.id), Mailbox(ACCOUNT, QUEUE.id), Mailbox(ACCOUNT), Mailbox(None, None, "+1415")]
BASES = ["http://127.0.0.1:8080", "https://emulator.test/t/team-a", "http://[::1]:9000/t/x"]
TEXTS = st.text(alphabet=st.one_of(st.characters(), st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF)),
                max_size=40)  # half a surrogate pair too, which UTF-8 cannot carry
MEDIA = (Media(9, "image/png", "a.png", b"\x89PNG"),)


@st.composite
def copies(draw) -> Message:
    """Half of them as a send answers them (one recipient's outbound SMS, alive, no files), half anything."""
    as_sent = draw(st.booleans())
    recipients = draw(st.sampled_from(ALONE if as_sent else ALONE + GROUPS))
    created = draw(st.integers(0, 2**42))
    return Message(
        draw(st.integers(1, 2**60)), draw(st.sampled_from(MAILBOXES)),
        Kind.SMS if as_sent else draw(st.sampled_from(list(Kind))),
        Direction.OUTBOUND if as_sent else draw(st.sampled_from(list(Direction))), draw(st.sampled_from(PARTIES)),
        recipients, draw(TEXTS), draw(st.sampled_from(list(Status))), created,
        created + draw(st.sampled_from([0, 0, 1, 86_400_000])), draw(st.integers(-2**63, 2**63 - 1)),
        read=draw(st.booleans()),
        availability=Availability.ALIVE if as_sent else draw(st.sampled_from(list(Availability))),
        delivered_ms=draw(st.one_of(st.none(), st.integers(0, 2**42))),
        error_code=draw(st.sampled_from([None, "SMS-RC-410"])),
        media=() if as_sent else draw(st.sampled_from([(), MEDIA])))


@settings(max_examples=300, deadline=None)
@given(records=st.lists(st.tuples(copies(), st.sampled_from(BASES), st.sampled_from([None, USER, QUEUE])),
                        min_size=1, max_size=4))
def test_the_sent_answer_is_the_encoded_message_for_every_copy_base_and_caller(records) -> None:
    for record, base, owner in records * 2:  # the second time along each route, from the remembered pieces
        assert sent_message_json(WORLD, base, record, owner) == encode_json(message(base, record, mailbox_owner=owner))


def test_a_remembered_route_answers_with_the_sender_name_as_it_is_after_an_edit() -> None:
    world = Tenants(build_seed(frozen_seed_data())).get("default")
    me = world.directory.extension_by_number(ACCOUNT, "102")
    request = SmsRequest(ACCOUNT, "+16505550102", ("+14155550123",), "hi", caller_extension_id=me.id)
    before = carrier.send_sms(world, request, SMS_POLICY, "ringcentral").outbound
    assert sent_message_json(world, BASES[0], before, me) == encode_json(message(BASES[0], before, mailbox_owner=me))
    assert world.renderings  # spliced from remembered pieces
    world.edit().extensions[me.id].name = "Alice Renamed"
    me = world.directory.extensions[me.id]
    after = carrier.send_sms(world, request, SMS_POLICY, "ringcentral").outbound
    answer = sent_message_json(world, BASES[0], after, me)
    assert answer == encode_json(message(BASES[0], after, mailbox_owner=me)) and b"Alice Renamed" in answer


async def test_send_sms_answers_what_reading_the_message_back_gives(rc) -> None:
    headers = await rc.login("102")
    for text in ("plain", "unicode \u2713 \U0001f44b", 'quotes " and \\ and \n'):
        status, sent = await rc.sms(headers, "+16505550102", "+14155550123", text)
        assert status == 200, sent
        status, read_back = await rc.call("GET", f"{STORE}/{sent['id']}", headers)
        listed_only = ("extensionId", "segmentCount")  # GetMessageInfoResponse's, not the send's
        assert status == 200 and {k: v for k, v in read_back.items() if k not in listed_only} == sent
        assert sent["uri"].endswith(f"/message-store/{sent['id']}") and sent["subject"] == text
