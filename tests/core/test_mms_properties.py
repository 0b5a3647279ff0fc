"""Properties of the MMS rules: the limits on files, and an MMS landing whole or not at all."""

from __future__ import annotations

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from emulator.core import carrier
from emulator.core.model import Mailbox
from emulator.core.rules import Attachment, MmsPolicy, Reason, Rejection, SmsPolicy, SmsRequest, check_media

from .strategies import ACCOUNT, OUTSIDE_HANDSETS, directories, numbers_of, world_of

CARRIED = ("image/png", "image/jpeg", "text/vcard")
NOT_CARRIED = ("application/smil", "application/x-msdownload")
SMS = SmsPolicy(max_text_units=1000, max_recipients=10)
MMS = MmsPolicy(max_attachments=3, max_total_bytes=64, content_types=frozenset(CARRIED),
                extension_types={".png": "image/png"}, sender_feature="MmsSender", domestic_prefix="+1")


def attachments(max_size: int = 40):
    """Files of carried and uncarried types, typed by header, by name, or not at all."""
    typed = st.builds(Attachment, st.sampled_from(CARRIED + NOT_CARRIED + ("IMAGE/PNG; name=x",)),
                      st.sampled_from(["a.png", "b", None]), st.binary(max_size=max_size))
    untyped = st.builds(Attachment, st.none(), st.sampled_from(["a.png", "A.PNG", "b.exe", "c", None]),
                        st.binary(max_size=max_size))
    return st.lists(st.one_of(typed, untyped), max_size=6).map(tuple)


policies = st.builds(MmsPolicy, max_attachments=st.integers(1, 6), max_total_bytes=st.integers(0, 120),
                     content_types=st.just(frozenset(CARRIED)), extension_types=st.just({".png": "image/png"}))


@given(files=attachments(), policy=policies)
def test_files_beyond_the_count_or_the_bytes_or_of_a_type_not_carried_are_refused_and_nothing_else(files, policy):
    refused = check_media(files, policy)
    too_many = len(files) > policy.max_attachments
    too_large = sum(len(f.content) for f in files) > policy.max_total_bytes
    typed = [f.content_type.split(";")[0].lower() if f.content_type else
             ("image/png" if (f.file_name or "").lower().endswith(".png") else None) for f in files]
    uncarried = [i for i, kind in enumerate(typed, 1) if kind not in CARRIED]
    assert (refused is None) == (not too_many and not too_large and not uncarried)
    if too_many:
        assert refused.reason is Reason.MEDIA_TOO_MANY
    elif too_large:
        assert refused.reason is Reason.MEDIA_TOO_LARGE
    elif uncarried:
        assert refused.reason is Reason.MEDIA_TYPE_UNSUPPORTED
        assert refused.value.split(":")[0] == str(uncarried[0])  # the first file not carried, counted from 1


@given(files=attachments(), policy=policies, order=st.randoms(use_true_random=False))
def test_the_order_of_the_files_does_not_decide_whether_they_go(files, policy, order):
    shuffled = list(files)
    order.shuffle(shuffled)
    assert (check_media(files, policy) is None) == (check_media(tuple(shuffled), policy) is None)


ABROAD = "+447700900123"


def snapshot(world) -> tuple:
    return len(world.store), world.ids.next_value


carried_files = st.lists(st.builds(Attachment, st.sampled_from(CARRIED), st.sampled_from(["a.png", None]),
                                   st.binary(max_size=20)), min_size=1, max_size=3).map(tuple)


@settings(deadline=None)
@given(data=st.data(), directory=directories(), files=st.one_of(carried_files, attachments(max_size=20)),
       text=st.sampled_from(["", "hi"]))
def test_an_mms_lands_whole_with_the_same_files_in_every_copy_or_not_at_all(data, directory, files, text):
    world = world_of(directory)
    sender = data.draw(st.sampled_from(list(directory.extensions.values())))
    own = [n.number for n in directory.numbers.values() if directory.sms_owner_id(n) == sender.id]
    source = data.draw(st.sampled_from(own or numbers_of(directory)))
    targets = data.draw(st.lists(st.sampled_from(numbers_of(directory) + OUTSIDE_HANDSETS), min_size=1,
                                 max_size=4, unique=True))
    if data.draw(st.booleans()) and ABROAD not in targets:
        targets.append(ABROAD)
    assume(files)
    before = snapshot(world)
    result = carrier.send_sms(world, SmsRequest(ACCOUNT, source, tuple(targets), text, sender.id), SMS,
                              "ringcentral", attachments=files, mms=MMS)
    if isinstance(result, Rejection):
        assert snapshot(world) == before
        return
    assert "MmsSender" in directory.numbers[source].features
    assert all(t.startswith("+1") for t in targets)  # every sender here is North American
    copies = [result.outbound, *result.inbound]
    assert all(copy.media == result.outbound.media for copy in copies)
    assert [m.content for m in result.outbound.media] == [f.content for f in files]
    media_ids = {m.id for m in result.outbound.media}
    assert len(media_ids) == len(files) and not media_ids & {c.id for c in copies}
    handsets = [t for t in targets if t in OUTSIDE_HANDSETS]
    for handset in handsets:
        (copy,) = world.messages_in(Mailbox(None, None, handset))
        assert copy.media == result.outbound.media
