"""Properties of the delivery and rejection rules, checked on generated worlds without a server."""

from __future__ import annotations

import math

from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from emulator.core import carrier
from emulator.core.model import Direction, ExtensionStatus, ExtensionType, Mailbox
from emulator.core.rules import (
    PagerRecipient,
    PagerRequest,
    Reason,
    Rejection,
    SmsPolicy,
    SmsRequest,
    can_receive_sms,
    check_text,
    current_participants,
    decide_sms,
    RateWindow,
    normalize_number,
    throttle,
    webhook_standing,
)
from emulator.core.text import segment_count, utf16_units

from .strategies import ACCOUNT, OUTSIDE_HANDSETS, directories, numbers_of, sms_texts, world_of

POLICY = SmsPolicy(max_text_units=1000, max_recipients=10)


def snapshot(world) -> tuple:
    """Everything a rejection must leave untouched."""
    return (len(world.store), world.ids.next_value, dict(world.threads))


def copies_by_mailbox(world) -> dict[Mailbox, int]:
    counts: dict[Mailbox, int] = {}
    for message in world.store.newest_first():
        counts[message.mailbox] = counts.get(message.mailbox, 0) + 1
    return counts


@settings(deadline=None)
@given(data=st.data(), directory=directories())
def test_an_accepted_sms_leaves_one_outbound_copy_and_one_inbound_copy_per_receiving_mailbox(data, directory):
    world = world_of(directory)
    sender = data.draw(st.sampled_from(list(directory.extensions.values())))
    own = [n.number for n in directory.numbers.values() if directory.sms_owner_id(n) == sender.id]
    assume(own)
    targets = data.draw(st.lists(st.sampled_from(numbers_of(directory) + OUTSIDE_HANDSETS), min_size=1,
                                 max_size=4, unique=True))
    request = SmsRequest(ACCOUNT, data.draw(st.sampled_from(own)), tuple(targets), "hi", sender.id)
    result = carrier.send_sms(world, request, POLICY, "ringcentral")
    assume(not isinstance(result, Rejection))
    counts = copies_by_mailbox(world)
    sender_box = Mailbox(ACCOUNT, sender.id)
    outbound = [m for m in world.store.newest_first() if m.direction is Direction.OUTBOUND]
    assert [m.mailbox for m in outbound] == [sender_box]
    for target in targets:
        number = directory.numbers.get(target)
        if number is None:
            assert counts.get(Mailbox(None, handset=target)) == 1
            continue
        owner_id = directory.sms_owner_id(number)
        if owner_id is None:
            continue
        owner = directory.extensions[owner_id]
        receives = can_receive_sms(owner) and not number.is_fax_only
        inbound_here = [m for m in world.store.mailbox(Mailbox(ACCOUNT, owner.id)).messages
                        if m.direction is Direction.INBOUND]
        assert len(inbound_here) == (1 if receives else 0) * sum(
            1 for t in targets if directory.numbers.get(t) and directory.sms_owner_id(directory.numbers[t]) == owner.id
        )
        if not owner.active:
            assert inbound_here == []


@settings(deadline=None)
@given(data=st.data(), directory=directories())
def test_every_send_is_decided_on_the_directory_as_it_is_at_that_moment(data, directory):
    """A tenant remembers the routes it has worked out; a change to its directory must make it forget them."""
    world = world_of(directory)
    extensions = list(directory.extensions.values())
    numbers = numbers_of(directory) + OUTSIDE_HANDSETS[:1]
    first = extensions[0]  # an enabled user who owns an SMS-capable number: most of its sends get through
    own = [n.number for n in directory.numbers.values() if directory.sms_owner_id(n) == first.id]
    requests = [SmsRequest(ACCOUNT, data.draw(st.sampled_from(own)), (target,), "hi", first.id) for target in numbers]
    requests += data.draw(st.lists(st.builds(
        lambda sender, source, target: SmsRequest(ACCOUNT, source, (target,), "hi", sender.id),
        st.sampled_from(extensions), st.sampled_from(numbers), st.sampled_from(numbers)), max_size=3))
    for _ in range(data.draw(st.integers(1, 20))):
        change = data.draw(st.sampled_from(["none", "status", "sms_enabled", "features"]))
        if change == "status":
            world.set_extension_status(ACCOUNT, data.draw(st.sampled_from(extensions)).number,
                                       data.draw(st.sampled_from(list(ExtensionStatus))))
        elif change == "sms_enabled":
            world.update_number(data.draw(st.sampled_from(numbers[:-1])), sms_enabled=data.draw(st.booleans()))
        elif change == "features":
            world.update_number(data.draw(st.sampled_from(numbers[:-1])),
                                features=data.draw(st.sampled_from([frozenset(), frozenset({"SmsSender"})])))
        request = data.draw(st.sampled_from(requests))
        result = carrier.send_sms(world, request, POLICY, "ringcentral")
        decided = result if isinstance(result, Rejection) else result.decision
        assert decided == decide_sms(world.directory, request, POLICY)


@settings(deadline=None)
@given(data=st.data(), directory=directories())
def test_only_the_owner_may_send_from_a_number_and_only_the_operator_from_the_main_number(data, directory):
    world = world_of(directory)
    sender = data.draw(st.sampled_from(list(directory.extensions.values())))
    number = data.draw(st.sampled_from([n for n in directory.numbers.values() if n.account_id == ACCOUNT]))
    result = carrier.send_sms(world, SmsRequest(ACCOUNT, number.number, ("+14155550100",), "hi", sender.id),
                              POLICY, "ringcentral")
    owner = directory.sms_owner_id(number)
    if owner != sender.id:
        assert isinstance(result, Rejection)
        expected = Reason.SENDER_NUMBER_OPERATOR_ONLY if number.is_main_company_number else Reason.SENDER_NUMBER_NOT_OWNED
        assert result.reason is expected
    elif number.is_fax_only:
        assert isinstance(result, Rejection) and result.reason is Reason.SENDER_NUMBER_FAX
    elif "SmsSender" not in number.features:
        assert isinstance(result, Rejection) and result.reason is Reason.SENDER_NUMBER_NOT_SMS_SENDER
    else:
        assert not isinstance(result, Rejection)
    if number.is_main_company_number and not isinstance(result, Rejection):
        assert sender.id == directory.accounts[ACCOUNT].operator_extension_id


@settings(deadline=None)
@given(data=st.data(), directory=directories())
def test_a_pager_to_a_list_with_an_inactive_extension_changes_nothing(data, directory):
    world = world_of(directory)
    extensions = list(directory.extensions.values())
    inactive = [e for e in extensions if not e.active]
    assume(inactive)
    listed = data.draw(st.lists(st.sampled_from(extensions), min_size=1, max_size=5, unique_by=lambda e: e.id))
    listed.append(data.draw(st.sampled_from(inactive)))
    before = snapshot(world)
    request = PagerRequest(ACCOUNT, extensions[0].id, "page",
                           tuple(PagerRecipient(extension_number=e.number) for e in listed))
    result = carrier.send_pager(world, request, "ringcentral")
    assert isinstance(result, Rejection)
    assert result.reason in (Reason.PAGER_RECIPIENT_INACTIVE, Reason.PAGER_RECIPIENT_WRONG_TYPE)
    assert snapshot(world) == before


@settings(deadline=None)
@given(data=st.data(), directory=directories(with_department=True))
def test_a_pager_to_a_department_reaches_exactly_its_active_members_once_each(data, directory):
    world = world_of(directory)
    departments = [e for e in directory.extensions.values()
                   if e.type is ExtensionType.DEPARTMENT and e.active]
    assume(departments)
    department = data.draw(st.sampled_from(departments))
    sender = list(directory.extensions.values())[0]
    also_listed = [directory.extensions[m] for m in department.members if directory.extensions[m].active]
    extra = data.draw(st.lists(st.sampled_from(also_listed), unique_by=lambda e: e.id)) if also_listed else []
    to = (PagerRecipient(extension_number=department.number),
          *(PagerRecipient(extension_number=e.number) for e in extra))
    result = carrier.send_pager(world, PagerRequest(ACCOUNT, sender.id, "hello", to), "ringcentral")
    assert not isinstance(result, Rejection)
    received = [m.mailbox.extension_id for m in world.store.newest_first() if m.direction is Direction.INBOUND]
    expected = {m for m in department.members if directory.extensions[m].active} | {department.id}
    expected.discard(sender.id)
    assert sorted(received) == sorted(expected)
    assert result.outbound.to_department is True


@settings(deadline=None)
@given(data=st.data(), directory=directories(with_department=True))
def test_only_current_thread_participants_can_reply(data, directory):
    world = world_of(directory)
    departments = [e for e in directory.extensions.values()
                   if e.type is ExtensionType.DEPARTMENT and e.active and e.members]
    department = data.draw(st.sampled_from(departments))
    sender = list(directory.extensions.values())[0]
    first = carrier.send_pager(world, PagerRequest(ACCOUNT, sender.id, "start",
                                                   (PagerRecipient(extension_number=department.number),)),
                               "ringcentral")
    assert not isinstance(first, Rejection)
    thread = world.threads[first.outbound.conversation_id]
    candidates = [m for m in department.members if m != sender.id]
    assume(candidates)
    leaver = directory.extensions[data.draw(st.sampled_from(candidates))]
    world.remove_member(ACCOUNT, department.number, leaver.number)
    assert leaver.id not in current_participants(world.directory, thread)
    before = snapshot(world)
    reply = carrier.send_pager(world, PagerRequest(ACCOUNT, leaver.id, "me too", reply_on_thread=thread), "ringcentral")
    assert isinstance(reply, Rejection) and reply.reason is Reason.REPLY_NOT_PARTICIPANT  # members are no Departments
    assert snapshot(world) == before


@settings(deadline=None)
@given(text=sms_texts())
def test_sms_length_limit_is_exact_in_utf16_code_units(text):
    units = len(text.encode("utf-16-le")) // 2
    assert utf16_units(text) == units
    rejection = check_text(text, 1000, utf16_units)
    assert (rejection is None) == (units <= 1000)


GSM_SAMPLE = "@£$¥èéÄÖÑÜ§¿abcXYZ019 !?.,\n"
GSM_EXTENSION_SAMPLE = "^{}\\[~]|€"
NON_GSM_SAMPLE = "Жш中ąç😀𝄞"
segment_texts = st.one_of(
    st.text(alphabet=GSM_SAMPLE + GSM_EXTENSION_SAMPLE, min_size=1, max_size=800),
    st.text(alphabet=GSM_SAMPLE + NON_GSM_SAMPLE, min_size=1, max_size=400),
    st.integers(150, 170).map(lambda n: "a" * n),
    st.integers(300, 470).map(lambda n: "a" * n),
    st.tuples(st.integers(140, 170), st.integers(0, 4)).map(lambda t: "a" * t[0] + "€" * t[1]),
    st.integers(60, 80).map(lambda n: "Ж" * n),
    st.integers(125, 140).map(lambda n: "Ж" * n),
    st.integers(30, 40).map(lambda n: "😀" * n),
)


def reference_segments(text: str) -> int:
    """GSM 03.38 concatenation, computed independently of the emulator's tables."""
    if all(ch in GSM_SAMPLE or ch in GSM_EXTENSION_SAMPLE for ch in text):
        septets = len(text) + sum(1 for ch in text if ch in GSM_EXTENSION_SAMPLE)
        return 1 if septets <= 160 else math.ceil(septets / 153)
    units = len(text.encode("utf-16-le")) // 2
    return 1 if units <= 70 else math.ceil(units / 67)


@settings(deadline=None)
@given(text=segment_texts)
@example("a" * 160)
@example("a" * 161)
@example("€" * 80)
@example("€" * 81)
@example("a" * 306 + "{")
@example("Ж" * 70)
@example("Ж" * 71)
@example("Ж" * 134 + "😀")
@example("€" * 1001)  # longer than the texts whose counts are remembered
def test_fragment_counts_follow_gsm7_and_ucs2_segmentation(text):
    assert segment_count(text) == reference_segments(text)
    assert segment_count(text) == reference_segments(text)  # and again, as remembered


@settings(deadline=None)
@given(data=st.data(), directory=directories(), text=sms_texts())
def test_a_rejected_sms_never_changes_the_world(data, directory, text):
    world = world_of(directory)
    sender = data.draw(st.sampled_from(list(directory.extensions.values())))
    source = data.draw(st.sampled_from(numbers_of(directory) + ["+19999999999", "bogus"]))
    targets = data.draw(st.lists(st.sampled_from(numbers_of(directory) + OUTSIDE_HANDSETS + ["101", "12"]),
                                 max_size=12))
    before = snapshot(world)
    result = carrier.send_sms(world, SmsRequest(ACCOUNT, source, tuple(targets), text, sender.id),
                              POLICY, "ringcentral")
    if isinstance(result, Rejection):
        assert snapshot(world) == before
    else:
        assert utf16_units(text) <= 1000 and len(world.store) >= 1


@given(digits=st.text("0123456789", min_size=7, max_size=15), padding=st.text(" -().", max_size=60))
def test_a_number_reads_the_same_however_much_punctuation_surrounds_it(digits, padding) -> None:
    raw = f"+{padding}{digits}{padding}"
    expected = f"+{digits}" if digits[0] != "0" else None
    assert normalize_number(raw) == expected
    assert normalize_number(raw) == expected  # the second read comes from memory for short strings


@given(answers=st.lists(st.tuples(st.booleans(), st.integers(0, 400_000)), max_size=40))
@example(answers=[(False, 0), (False, 300_000), (False, 300_000)])  # given up at exactly the limit
def test_a_webhook_is_given_up_exactly_when_its_failures_have_run_unbroken_for_the_limit(answers):
    """Folding the answers one by one agrees with reading the whole history back to the last success."""
    limit = 600_000
    since, now, history = None, 0, []
    for answered_ok, wait_ms in answers:
        now += wait_ms
        history.append((now, answered_ok))
        since, give_up = webhook_standing(since, answered_ok, now, limit)
        failures = []
        for at, ok in reversed(history):
            if ok:
                break
            failures.append(at)
        assert since == (failures[-1] if failures else None)
        assert give_up == (bool(failures) and now - failures[-1] >= limit)


NANP_NATIONAL_NUMBERS = st.from_regex(r"\A[2-9]\d{2}[2-9]\d{6}\Z")
NUMBER_LAYOUTS = st.sampled_from(["{a}{b}{c}", "({a}) {b}-{c}", "{a}-{b}-{c}", "{a}.{b}.{c}", " {a} {b} {c} "])


@given(national=NANP_NATIONAL_NUMBERS, layout=NUMBER_LAYOUTS)
def test_a_ten_digit_number_is_read_in_the_north_american_plan_only_where_that_is_the_country(national, layout):
    written = layout.format(a=national[:3], b=national[3:6], c=national[6:]).strip()
    assert normalize_number(written, "1") == "+1" + national
    assert normalize_number(written, None) == "+" + national  # elsewhere, digits are the international number
    assert normalize_number(written, "") == "+" + national


@given(international=st.from_regex(r"\A\+[1-9]\d{6,14}\Z"), calling_code=st.sampled_from([None, "", "1"]))
def test_a_number_with_its_plus_is_read_the_same_in_every_country(international, calling_code):
    assert normalize_number(international, calling_code) == international


@given(gaps=st.lists(st.integers(0, 30_000), max_size=80), limit=st.integers(1, 6),
       window_ms=st.integers(1_000, 60_000), penalty_ms=st.integers(0, 60_000))
def test_throttling_never_lets_more_than_the_limit_through_a_window_and_never_refuses_without_cause(
        gaps, limit, window_ms, penalty_ms):
    window, now, allowed, last_refused = RateWindow(), 0, [], None
    for gap in gaps:
        now += gap
        verdict = throttle(window, now, limit, window_ms, penalty_ms)
        window = verdict.window
        recent = [t for t in allowed if t > now - window_ms]
        if verdict.allowed:
            allowed.append(now)
            assert len(recent) + 1 <= limit and verdict.remaining == limit - len(recent) - 1
        else:
            penalised = last_refused is not None and now < last_refused + penalty_ms
            assert len(recent) >= limit or penalised  # refused only when full, or during a penalty
            assert verdict.retry_after_s * 1000 >= penalty_ms
            last_refused = now
