"""The copies a send makes: the carrier builds them by position, so the fields must be where it puts them."""

from __future__ import annotations

import attrs

from emulator.core import carrier
from emulator.core.model import Availability, Direction, Kind, Mailbox, Message, Status
from emulator.core.rules import SmsRequest
from emulator.providers.phonecom.rules import SMS_POLICY
from emulator.seed import build_seed
from emulator.tenants import Tenants

from ..frozen_seed import frozen_seed_data
from ..phonecom.conftest import ACCOUNT, EXT_101, EXT_102, PAULA_NUMBER, QUINN_NUMBER


def test_message_fields_are_in_the_order_the_carrier_passes_them() -> None:
    assert tuple(field.alias for field in attrs.fields(Message)) == carrier.SMS_FIELDS


def test_a_send_between_two_extensions_makes_a_read_outbound_copy_and_an_unread_inbound_one() -> None:
    world = Tenants(build_seed(frozen_seed_data())).get("default")
    sent = carrier.send_sms(world, SmsRequest(ACCOUNT, PAULA_NUMBER, (QUINN_NUMBER,), "héllo 👋"), SMS_POLICY,
                            "phonecom")
    outbound, (inbound,) = sent.outbound, sent.inbound
    assert (outbound.mailbox, inbound.mailbox) == (Mailbox(ACCOUNT, EXT_101), Mailbox(ACCOUNT, EXT_102))
    assert (outbound.direction, inbound.direction) == (Direction.OUTBOUND, Direction.INBOUND)
    assert (outbound.status, inbound.status) == (Status.QUEUED, Status.RECEIVED)
    assert (outbound.read, inbound.read) == (SMS_POLICY.outbound_read, False)
    assert inbound.id == outbound.id + 1 and inbound.created_ms == outbound.created_ms == outbound.modified_ms
    for copy in (outbound, inbound):
        assert copy.kind is Kind.SMS and copy.availability is Availability.ALIVE
        assert (copy.text, copy.segments, copy.provider, copy.media) == ("héllo 👋", 1, "phonecom", ())
        assert (copy.delivered_ms, copy.error_code, copy.to_department, copy.recipient_ends) == (None, None, False, None)
        assert copy.sender.number == PAULA_NUMBER and [p.number for p in copy.recipients] == [QUINN_NUMBER]
        assert copy.conversation_id == outbound.conversation_id
    assert outbound.progress is not None and inbound.progress is None
