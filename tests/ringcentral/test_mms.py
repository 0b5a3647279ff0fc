"""MMS: an SMS sent with files, to /sms or its alias /mms, as RingCentral's SDKs send it (multipart, JSON first)."""

from __future__ import annotations

import base64
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emulator.core.model import Mailbox
from emulator.webhooks import WEBHOOKS_KEY

from .conftest import SMS, STORE, assert_rc_error

MMS = "/restapi/v1.0/account/~/extension/~/mms"
ALICE, BOB = "+16505550102", "+16505550103"  # Alice's number has MmsSender, Bob's does not
HANDSET = "+14155550100"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256))


BOUNDARY = "mms-test-boundary-7f3a9c"


def multipart(body: dict, files=(), mixed: bool = False) -> tuple[bytes, str]:
    """A body as the official SDKs build it: a `json` part, then each (name, bytes, type or None) file."""
    parts = [('Content-Disposition: form-data; name="json"; filename="request.json"\r\n'
              "Content-Type: application/json", json.dumps(body).encode())]
    for name, content, content_type in files:
        head = f'Content-Disposition: form-data; name="attachment"; filename="{name}"'
        parts.append((head + (f"\r\nContent-Type: {content_type}" if content_type else ""), content))
    raw = b"".join(f"--{BOUNDARY}\r\n{head}\r\n\r\n".encode() + content + b"\r\n" for head, content in parts)
    kind = "multipart/mixed" if mixed else "multipart/form-data"
    return raw + f"--{BOUNDARY}--\r\n".encode(), f"{kind}; boundary={BOUNDARY}"


async def post_files(rc, path: str, headers: dict, body: dict, files=(), mixed: bool = False) -> tuple[int, dict]:
    raw, content_type = multipart(body, files, mixed)
    response = await rc.client.post(path, data=raw, headers={**headers, "Content-Type": content_type})
    return response.status, await response.json()


def path_of(uri: str) -> str:
    """The path of a link the emulator wrote, for the test client."""
    return "/" + uri.split("/", 3)[3]


def envelope(sender: str = ALICE, to=(HANDSET,), text: str | None = "look") -> dict:
    body: dict = {"from": {"phoneNumber": sender}, "to": [{"phoneNumber": n} for n in to]}
    if text is not None:
        body["text"] = text
    return body


@pytest.mark.parametrize("path", [SMS, MMS], ids=["sms", "mms-alias"])
@pytest.mark.parametrize("mixed", [False, True], ids=["form-data", "mixed"])
async def test_an_sms_with_a_file_is_an_mms_whose_file_is_listed_after_its_text(rc, path, mixed):
    alice = await rc.login("102")
    status, body = await post_files(rc, path, alice, envelope(), [("pic.png", PNG, "image/png")], mixed)
    assert status == 200, body
    assert body["type"] == "SMS" and body["subject"] == "look" and body["messageStatus"] == "Queued"
    text, picture = body["attachments"]
    assert text["type"] == "Text" and text["id"] == body["id"]
    assert picture["type"] == "MmsAttachment" and picture["contentType"] == "image/png"
    assert picture["size"] == len(PNG) and picture["fileName"] == "pic.png"
    assert picture["uri"] == f"{body['uri']}/content/{picture['id']}"


async def test_each_file_downloads_byte_for_byte_with_its_type_from_both_mailboxes(rc):
    alice, bob = await rc.login("102"), await rc.login("103")
    files = [("pic.png", PNG, "image/png"), ("card.vcf", b"BEGIN:VCARD\r\nEND:VCARD\r\n", "text/vcard")]
    _, sent = await post_files(rc, SMS, alice, envelope(to=(BOB,)), files)
    (inbound,) = await rc.store(bob, direction="Inbound")
    assert [a["type"] for a in inbound["attachments"]] == ["Text", "MmsAttachment", "MmsAttachment"]
    for record, headers in ((sent, alice), (inbound, bob)):
        for attachment, (name, content, content_type) in zip(record["attachments"][1:], files):
            response = await rc.client.get(path_of(attachment["uri"]), headers=headers)
            assert response.status == 200 and response.content_type == content_type
            assert await response.read() == content


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=st.binary(min_size=1, max_size=4096))
async def test_any_bytes_of_a_file_come_back_unchanged(rc, content):
    alice = await rc.login("102")
    _, sent = await post_files(rc, SMS, alice, envelope(), [("blob.zip", content, "application/zip")])
    uri = sent["attachments"][1]["uri"]
    response = await rc.client.get(path_of(uri), headers=alice)
    assert await response.read() == content


async def test_an_mms_without_text_has_no_text_attachment(rc):
    alice = await rc.login("102")
    status, body = await post_files(rc, MMS, alice, envelope(text=None), [("pic.jpg", b"\xff\xd8\xff", "image/jpeg")])
    assert status == 200, body
    assert [a["type"] for a in body["attachments"]] == ["MmsAttachment"]
    status, body = await rc.sms(alice, ALICE, HANDSET, "")
    assert_rc_error(status, body, 400, "CMN-100")  # a plain SMS still needs its text


async def test_a_file_sent_without_a_type_is_typed_by_its_name(rc):
    alice = await rc.login("102")
    _, body = await post_files(rc, SMS, alice, envelope(), [("photo.JPG", b"\xff\xd8\xff", None)])
    assert body["attachments"][1]["contentType"] == "image/jpeg"
    status, body = await post_files(rc, SMS, alice, envelope(), [("notes", b"?", None)])
    assert_rc_error(status, body, 415, "MSG-348")


async def test_the_mms_alias_needs_files(rc):
    alice = await rc.login("102")
    status, body = await post_files(rc, MMS, alice, envelope())
    assert_rc_error(status, body, 400, "CMN-100")
    assert body["errors"][0]["parameterName"] == "attachments"
    status, body = await rc.call("POST", MMS, alice, json=envelope())
    assert_rc_error(status, body, 400, "CMN-100")


async def test_at_most_ten_files(rc):
    alice = await rc.login("102")
    status, body = await post_files(rc, SMS, alice, envelope(), [("p.png", PNG, "image/png")] * 10)
    assert status == 200 and len(body["attachments"]) == 11
    status, body = await post_files(rc, SMS, alice, envelope(), [("p.png", PNG, "image/png")] * 11)
    assert_rc_error(status, body, 400, "MSG-379")


async def test_files_together_may_take_1500000_bytes_and_no_more(rc):
    alice = await rc.login("102")
    half = b"\0" * 750_000
    status, body = await post_files(rc, SMS, alice, envelope(), [("a.png", half, "image/png"), ("b.png", half, "image/png")])
    assert status == 200, body
    status, body = await post_files(rc, SMS, alice, envelope(), [("a.png", half, "image/png"),
                                                                 ("b.png", half + b"\0", "image/png")])
    assert_rc_error(status, body, 400, "MSG-376")
    assert len(rc.world.store) == 2  # the accepted MMS, out and in: nothing of the refused one


async def test_a_media_type_rcs_does_not_carry_is_415_naming_the_file(rc):
    alice = await rc.login("102")
    status, body = await post_files(rc, SMS, alice, envelope(), [("ok.png", PNG, "image/png"),
                                                                 ("stuff.smil", b"<smil/>", "application/smil")])
    assert_rc_error(status, body, 415, "MSG-348")
    assert body["message"] == "Unsupported attachment media type, attachment [2]: [stuff.smil]"


async def test_only_a_number_with_the_mms_feature_sends_files(rc):
    bob = await rc.login("103")
    status, body = await post_files(rc, SMS, bob, envelope(sender=BOB), [("p.png", PNG, "image/png")])
    assert_rc_error(status, body, 403, "MSG-242")
    status, _ = await rc.sms(bob, BOB, HANDSET, "text alone is fine")
    assert status == 200


async def test_an_mms_stays_in_north_america_even_from_an_international_sms_sender(rc):
    alice = await rc.login("102")
    status, body = await post_files(rc, SMS, alice, envelope(to=("+447700900123",)), [("p.png", PNG, "image/png")])
    assert_rc_error(status, body, 403, "MSG-383")
    status, _ = await rc.sms(alice, ALICE, "+447700900123", "text abroad is fine")
    assert status == 200


async def test_a_group_mms_reaches_each_recipient_with_the_files(rc):
    alice, bob = await rc.login("102"), await rc.login("103")
    status, body = await post_files(rc, SMS, alice, envelope(to=(BOB, HANDSET)), [("p.png", PNG, "image/png")])
    assert status == 200 and [r.get("target") for r in body["to"]] == [True, True]
    (inbound,) = await rc.store(bob, direction="Inbound")
    assert inbound["attachments"][1]["size"] == len(PNG)
    handset_copies = rc.world.messages_in(Mailbox(None, None, HANDSET))
    assert [m.media[0].content for m in handset_copies] == [PNG]


async def test_the_sdks_rules_for_a_plain_sms_still_come_first(rc):
    alice = await rc.login("102")
    status, body = await post_files(rc, SMS, alice, envelope(sender=HANDSET), [("p.png", PNG, "image/png")])
    assert_rc_error(status, body, 403, "MSG-304")


async def test_a_purged_mms_has_no_files_to_download(rc):
    alice = await rc.login("102")
    _, sent = await post_files(rc, SMS, alice, envelope(), [("p.png", PNG, "image/png")])
    file_path = path_of(sent["attachments"][1]["uri"])
    status, _ = await rc.call("DELETE", f"{STORE}/{sent['id']}", alice, params={"purge": "true"})
    assert status == 204
    status, body = await rc.call("GET", file_path, alice)
    assert_rc_error(status, body, 404, "CMN-102")


async def test_a_content_id_of_another_message_is_404(rc):
    alice = await rc.login("102")
    _, first = await post_files(rc, SMS, alice, envelope(), [("p.png", PNG, "image/png")])
    _, second = await rc.sms(alice, ALICE, HANDSET, "plain")
    status, body = await rc.call("GET", f"{STORE}/{second['id']}/content/{first['attachments'][1]['id']}", alice)
    assert_rc_error(status, body, 404, "CMN-102")


async def test_a_file_downloads_as_an_attachment_under_its_own_name(rc):
    alice = await rc.login("102")
    _, sent = await post_files(rc, SMS, alice, envelope(), [("pic.png", PNG, "image/png")])
    path = path_of(sent["attachments"][1]["uri"])
    response = await rc.client.get(path, params={"contentDisposition": "Attachment"}, headers=alice)
    assert response.headers["Content-Disposition"] == 'attachment; filename="pic.png"'


async def test_an_inbound_mms_reaches_the_instant_webhook_with_links_to_its_files(rc, receiver):
    alice, bob = await rc.login("102"), await rc.login("103")
    body = {"eventFilters": ["/restapi/v1.0/account/~/extension/~/message-store/instant?type=SMS"],
            "deliveryMode": {"transportType": "WebHook", "address": receiver.url}}
    status, _ = await rc.call("POST", "/restapi/v1.0/subscription", bob, json=body)
    assert status == 200
    await post_files(rc, SMS, alice, envelope(to=(BOB,)), [("pic.png", PNG, "image/png")])
    await rc.client.app[WEBHOOKS_KEY].settle()
    (event,) = receiver.events()
    text, picture = event["body"]["attachments"]
    assert text == {"id": event["body"]["id"], "type": "Text", "contentType": "text/plain"}
    assert picture["type"] == "MmsAttachment" and isinstance(picture["id"], str)
    response = await rc.client.get(path_of(picture["uri"]), headers=bob)
    assert await response.read() == PNG


async def test_an_mms_from_a_handset_is_injected_with_base64_files_and_served_to_the_mailbox(rc):
    bob = await rc.login("103")
    status, body = await rc.call("POST", "/_emulator/inbound", {}, json={
        "from": HANDSET, "to": BOB, "text": "", "media": [
            {"content_type": "image/png", "file_name": "pic.png", "content_base64": base64.b64encode(PNG).decode()}]})
    assert status == 201, body
    (shown,) = body["message"]["media"]
    assert (shown["content_type"], shown["file_name"], shown["size"]) == ("image/png", "pic.png", len(PNG))
    response = await rc.client.get(path_of(shown["url"]))
    assert response.content_type == "image/png" and await response.read() == PNG
    (inbound,) = await rc.store(bob, direction="Inbound")
    (picture,) = inbound["attachments"]
    response = await rc.client.get(path_of(picture["uri"]), headers=bob)
    assert response.content_type == "image/png" and await response.read() == PNG


@pytest.mark.parametrize("media, problem", [
    ("pic", "media must be a list"),
    ([{"content_type": "image/png", "content_base64": "%%%"}], "content_base64 must be base64"),
    ([{"content_type": "image/png", "content": "raw"}], "content_base64"),
    ([{"content_type": "png"}], "content_type must be a media type"),
    ([{"content_type": "image/png", "size": 3}], "must be an object of"),
    ([{"content_type": "image/png"}] * 11, "at most 10"),
    ([{"content_type": "image/png"}], "needs its bytes"),
    ([{"content_type": "text/plain\r\nX: 1", "content_base64": "aGk="}], "content_type must be a media type"),
    ([{"content_type": "image/png", "file_name": "a\r\nX: 1.png", "content_base64": "aGk="}], "control characters"),
])
async def test_a_bad_injected_file_is_a_400_that_says_what_is_wrong(rc, media, problem):
    status, body = await rc.call("POST", "/_emulator/inbound", {}, json={
        "from": HANDSET, "to": BOB, "text": "x", "media": media})
    assert status == 400 and problem in body["error"]["message"], body
    assert len(rc.world.store) == 0


async def post_raw(rc, headers: dict, raw: bytes, boundary: str = "b") -> tuple[int, dict]:
    response = await rc.client.post(SMS, data=raw, headers={
        **headers, "Content-Type": f"multipart/form-data; boundary={boundary}"})
    return response.status, await response.json()


JSON_PART = (b'--b\r\nContent-Disposition: form-data; name="json"\r\nContent-Type: application/json\r\n\r\n' +
             json.dumps(envelope()).encode() + b"\r\n")


def file_part(head: bytes, content: bytes, closing: bytes = b"\r\n") -> bytes:
    return b"--b\r\n" + head + b"\r\n\r\n" + content + closing


async def test_a_file_name_keeps_its_unicode_and_quotes_as_the_sdk_sends_them(rc):
    alice = await rc.login("102")
    name = 'reçu "final" €.png'
    _, body = await post_files(rc, SMS, alice, envelope(), [(name.replace('"', "%22"), PNG, "image/png")])
    assert body["attachments"][1]["fileName"] == name
    response = await rc.client.get(path_of(body["attachments"][1]["uri"]), params={"contentDisposition": "Attachment"},
                                   headers=alice)
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="re?u \\"final\\" ?.png"')
    assert "filename*=UTF-8''re%C3%A7u%20%22final%22%20%E2%82%AC.png" in disposition


async def test_a_download_name_with_a_line_break_is_refused_not_written_into_the_headers(rc):
    alice = await rc.login("102")
    _, body = await post_files(rc, SMS, alice, envelope(), [("pic.png", PNG, "image/png")])
    status, error = await rc.call("GET", path_of(body["attachments"][1]["uri"]), alice, params={
        "contentDisposition": "Attachment", "contentDispositionFilename": "x\r\nSet-Cookie: a=b"})
    assert_rc_error(status, error, 400, "CMN-101")


async def test_files_written_without_a_line_break_before_the_next_delimiter_stay_apart(rc):
    """As one of RingCentral's SDKs (ringcentral-extensible) writes a file: its last byte, then the delimiter."""
    alice = await rc.login("102")
    first, second = PNG + b"\r", b"\xff\xd8\xff\xe0"
    raw = (JSON_PART + file_part(b'Content-Disposition: form-data; name="a"; filename="a.png"\r\n'
                                 b"Content-Type: image/png", first, b"") +
           file_part(b'Content-Disposition: form-data; name="b"; filename="b.jpg"\r\nContent-Type: image/jpeg',
                     second, b"") + b"--b--\r\n")
    status, body = await post_raw(rc, alice, raw)
    assert status == 200, body
    assert [a["size"] for a in body["attachments"][1:]] == [len(first), len(second)]


async def test_the_request_may_be_form_fields_with_one_to_per_recipient(rc):
    alice = await rc.login("102")
    fields = [(b'name="from"', b"+16505550102"), (b'name="to"', b"+16505550103"), (b'name="to"', b"+14155550100"),
              (b'name="text"', "voilà".encode())]
    raw = b"".join(file_part(b"Content-Disposition: form-data; " + name, value) for name, value in fields)
    raw += file_part(b'Content-Disposition: form-data; name="attachment"; filename="p.png"\r\nContent-Type: image/png',
                     PNG) + b"--b--\r\n"
    status, body = await post_raw(rc, alice, raw)
    assert status == 200, body
    assert [r["phoneNumber"] for r in body["to"]] == [BOB, HANDSET] and body["subject"] == "voilà"
    assert body["attachments"][1]["size"] == len(PNG)


async def test_an_empty_file_is_refused_with_msg_347(rc):
    alice = await rc.login("102")
    status, body = await post_files(rc, SMS, alice, envelope(), [("p.png", b"", "image/png")])
    assert_rc_error(status, body, 400, "MSG-347")


@pytest.mark.parametrize("content_type, name, stored", [
    ("application/octet-stream", "photo.png", "image/png"),   # the PHP SDK types every file so
    ("image/jpg", "photo.jpg", "image/jpeg"),
    ("audio/x-wav", "hello.wav", "audio/wav"),                 # what Python's mimetypes says for .wav
    ("IMAGE/PNG; name=x", "p", "image/png"),
])
async def test_a_file_under_another_name_of_a_carried_type_is_sent_as_that_type(rc, content_type, name, stored):
    alice = await rc.login("102")
    status, body = await post_files(rc, SMS, alice, envelope(), [(name, PNG, content_type)])
    assert status == 200, body
    assert body["attachments"][1]["contentType"] == stored


@pytest.mark.parametrize("raw", [
    JSON_PART + file_part(b'Content-Disposition: form-data; name="a"; filename="a.png"\r\nContent-Type: image/png',
                          b"\x89PNGd", b""),                                          # cut short: no closing line
    JSON_PART + file_part(b'Content-Disposition: form-data; name="a"; filename="a.png"\r\nContent-Type: image/png\r\n'
                          b"Content-Transfer-Encoding: base64", b"!!!@@@") + b"--b--\r\n",  # not base64
    JSON_PART + file_part(b'Content-Disposition: form-data; name="a"; ' + b"x=1; " * 5000, b"1") + b"--b--\r\n",
], ids=["truncated", "bad-base64", "huge-headers"])
async def test_a_broken_multipart_body_is_refused_with_400_and_nothing_is_sent(rc, raw):
    alice = await rc.login("102")
    status, body = await post_raw(rc, alice, raw)
    assert_rc_error(status, body, 400, "CMN-101")
    assert len(rc.world.store) == 0


@pytest.mark.parametrize("cut_part", [
    b'--b\r\nContent-Disposition: form-data; name="a"; filename="a.png"\r\nContent-Ty',
    b'--b\r\nContent-Disposition: form-data; name="a"; filename="a.png"\r\nContent-Type: image/png\r\n',
    b'--b\r\nContent-Disposition: form-data; name="a"; filena',
], ids=["inside-a-name", "before-the-blank-line", "inside-a-value"])
async def test_a_last_part_cut_off_inside_its_headers_is_refused_as_a_body_without_its_closing_delimiter(
        rc, cut_part):
    alice = await rc.login("102")
    unclosed = await post_raw(rc, alice, JSON_PART + file_part(b'Content-Type: image/png', b"\x89PNGd"))
    assert unclosed[0] == 400
    assert await post_raw(rc, alice, JSON_PART + cut_part + b"--b--\r\n") == unclosed
    assert len(rc.world.store) == 0


async def test_a_part_type_that_is_not_ascii_is_an_unsupported_media_type(rc):
    alice = await rc.login("102")
    raw = JSON_PART + file_part(b'Content-Disposition: form-data; name="a"; filename="a.png"\r\n'
                                b"Content-Type: image/p\xffng", b"xx") + b"--b--\r\n"
    status, body = await post_raw(rc, alice, raw)
    assert_rc_error(status, body, 415, "MSG-348")


async def test_a_body_far_over_the_files_limit_is_refused_as_too_large_files_without_parsing(rc):
    alice = await rc.login("102")
    raw = JSON_PART + file_part(b'Content-Disposition: form-data; name="a"; filename="a.png"\r\n'
                                b"Content-Type: image/png", b"\0" * 4_000_000) + b"--b--\r\n"
    status, body = await post_raw(rc, alice, raw)
    assert_rc_error(status, body, 400, "MSG-376")


async def test_a_handsets_picture_needs_no_text_and_its_bytes_are_at_the_control_apis_media_url(rc):
    status, body = await rc.call("POST", "/_emulator/inbound", {}, json={"from": HANDSET, "to": ALICE, "media": [
        {"content_type": "Image/GIF; name=dot", "content_base64": base64.b64encode(b"GIF89a").decode()}]})
    assert status == 201 and body["message"]["text"] == ""
    (shown,) = body["message"]["media"]
    assert shown["content_type"] == "image/gif" and shown["file_name"] is None
    response = await rc.client.get(path_of(shown["url"]))
    assert response.headers["Content-Type"] == "image/gif" and await response.read() == b"GIF89a"
    status, error = await rc.call("GET", "/_emulator/media/1", {})
    assert status == 404 and "no file 1" in error["error"]["message"]


async def test_an_injected_file_may_pass_the_control_apis_1_mib_as_other_control_bodies_may_not(rc):
    picture = bytes(1_400_000)
    status, body = await rc.call("POST", "/_emulator/inbound", {}, json={"from": HANDSET, "to": ALICE, "media": [
        {"content_type": "image/png", "content_base64": base64.b64encode(picture).decode()}]})
    assert status == 201 and body["message"]["media"][0]["size"] == len(picture)
    status, body = await rc.call("POST", "/_emulator/faults", {}, json={"provider": "x" * (2 * 1024 * 1024)})
    assert status == 413 and body["error"]["message"] == "the body is too large"


@pytest.mark.parametrize("head", [
    b'Content-Disposition: form-data; name="a"; filename="caf\xe9\xff.png"',
    b"Content-Disposition: form-data; name=\"a\"; filename*=UTF-8''a%ED%A0%80.png",
], ids=["latin-1-bytes", "encoded-lone-surrogate"])
async def test_a_file_name_that_is_not_utf8_is_kept_readable_and_downloads(rc, head):
    alice = await rc.login("102")
    raw = JSON_PART + file_part(head + b"\r\nContent-Type: image/png", PNG) + b"--b--\r\n"
    status, body = await post_raw(rc, alice, raw)
    assert status == 200, body
    name = body["attachments"][1]["fileName"]
    assert name.endswith(".png") and name.encode("utf-8")
    response = await rc.client.get(path_of(body["attachments"][1]["uri"]), params={"contentDisposition": "Inline"},
                                   headers=alice)
    assert response.status == 200 and response.headers["Content-Disposition"].startswith("inline; filename=")
