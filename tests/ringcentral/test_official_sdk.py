"""RingCentral's official Python SDK, unchanged apart from the server URL, against a running emulator."""

from __future__ import annotations

import warnings

import pytest
from ringcentral import SDK
from ringcentral.http import MultipartBuilder
from ringcentral.http.api_exception import ApiException

from emulator import Emulator

STORE = "/restapi/v1.0/account/~/extension/~/message-store"


@pytest.fixture(scope="module")
def emulator():
    with Emulator() as running:
        yield running


@pytest.fixture
def platform(emulator, request):
    """Each test talks to its own tenant through the /t/{tenant} prefix, so tests never share messages."""
    tenant = "sdk-" + request.node.name.replace("_", "-")[:50]
    sdk = SDK("rc-client-id", "rc-client-secret", f"{emulator.url}/t/{tenant}")
    yield sdk.platform()


def test_jwt_login_send_list_read_content_refresh_and_logout(platform):
    platform.login(jwt="rc-jwt-102")
    assert platform.logged_in()
    sent = platform.post("/restapi/v1.0/account/~/extension/~/sms", {
        "from": {"phoneNumber": "+16505550102"}, "to": [{"phoneNumber": "+16505550103"}], "text": "from the SDK",
    }).json_dict()
    assert sent["messageStatus"] == "Queued"
    page = platform.get(STORE, {"messageType": ["SMS"], "phoneNumber": "+16505550103", "perPage": 10}).json_dict()
    assert [r["id"] for r in page["records"]][:1] == [sent["id"]]
    record = platform.get(f"{STORE}/{sent['id']}").json_dict()
    assert record["subject"] == "from the SDK"
    content = platform.get(record["attachments"][0]["uri"])
    assert content.text() == "from the SDK"
    old_token = platform.auth().access_token()
    platform.refresh()
    assert platform.auth().access_token() != old_token
    assert platform.get(STORE).ok()
    platform.logout()
    assert not platform.logged_in()


def test_password_login_and_pager_to_a_department(platform):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        platform.login("+16505550100", "101", "pw-101")
    page = platform.post("/account/~/extension/~/company-pager",
                         {"to": [{"extensionNumber": "200"}], "text": "all hands"}).json_dict()
    assert page["type"] == "Pager" and page["pgToDepartment"] is True
    numbers = platform.get("/account/~/extension/~/phone-number").json_dict()
    assert "SmsSender" in numbers["records"][0]["features"]
    platform.logout()


def test_an_sdk_call_that_breaks_a_rule_raises_with_ringcentrals_error_body(platform):
    platform.login(jwt="rc-jwt-102")
    with pytest.raises(ApiException) as raised:
        platform.post("/restapi/v1.0/account/~/extension/~/sms", {
            "from": {"phoneNumber": "+16505550103"}, "to": [{"phoneNumber": "+14155550100"}], "text": "not mine"})
    response = raised.value.api_response()
    assert response.response().status_code == 403
    assert response.json_dict()["errors"][0]["errorCode"] == "MSG-304"


def test_navigation_uris_are_followable_by_the_sdk(platform):
    platform.login(jwt="rc-jwt-103")
    for n in range(3):
        platform.post("/restapi/v1.0/account/~/extension/~/sms", {
            "from": {"phoneNumber": "+16505550103"}, "to": [{"phoneNumber": "+14155550199"}], "text": f"n{n}"})
    first = platform.get(STORE, {"perPage": 2}).json_dict()
    second = platform.get(first["navigation"]["nextPage"]["uri"]).json_dict()
    assert [r["subject"] for r in first["records"] + second["records"]] == ["n2", "n1", "n0"]


def test_disabled_extension_login_raises(platform):
    with pytest.raises(ApiException) as raised:
        platform.login(jwt="rc-jwt-104")
    assert raised.value.api_response().json_dict()["errors"][0]["errorCode"] == "OAU-141"


def test_message_sync_with_the_sdk_fetches_once_then_only_changes(platform):
    platform.login(jwt="rc-jwt-102")
    sync = "/restapi/v1.0/account/~/extension/~/message-sync"
    full = platform.get(sync, {"syncType": "FSync", "messageType": ["SMS"]}).json_dict()
    assert full["records"] == [] and full["syncInfo"]["syncType"] == "FSync"
    sent = platform.post("/restapi/v1.0/account/~/extension/~/sms", {
        "from": {"phoneNumber": "+16505550102"}, "to": [{"phoneNumber": "+16505550103"}], "text": "to sync",
    }).json_dict()
    changes = platform.get(sync, {"syncType": "ISync", "syncToken": full["syncInfo"]["syncToken"]}).json_dict()
    assert [r["id"] for r in changes["records"]] == [sent["id"]]
    with pytest.raises(ApiException) as refused:
        platform.get(sync, {"syncType": "ISync", "syncToken": "not-a-token"})
    assert refused.value.api_response().json_dict()["errors"][0]["errorCode"] == "MSG-333"


def test_a_webhook_subscription_made_with_the_sdk_receives_inbound_sms(emulator, webhook_endpoint):
    url, events, arrived = webhook_endpoint
    base = f"{emulator.url}/t/sdk-webhook"
    alice = SDK("rc-client-id", "rc-client-secret", base).platform()
    alice.login(jwt="rc-jwt-102")
    subscription = alice.post("/restapi/v1.0/subscription", {
        "eventFilters": ["/restapi/v1.0/account/~/extension/~/message-store/instant?type=SMS"],
        "deliveryMode": {"transportType": "WebHook", "address": url},
    }).json_dict()
    bob = SDK("rc-client-id", "rc-client-secret", base).platform()
    bob.login(jwt="rc-jwt-103")
    bob.post("/restapi/v1.0/account/~/extension/~/sms", {
        "from": {"phoneNumber": "+16505550103"}, "to": [{"phoneNumber": "+16505550102"}], "text": "hook me",
    })
    assert arrived.wait(10)
    assert events[0]["subscriptionId"] == subscription["id"] and events[0]["body"]["subject"] == "hook me"
    (delivery,) = emulator.tenant("sdk-webhook").webhooks()
    assert delivery["status"] == 200 and delivery["body"] == events[0]
    assert alice.delete(f"/restapi/v1.0/subscription/{subscription['id']}").response().status_code == 204


def test_bulk_get_and_put_with_the_sdk_answer_each_message_in_its_own_part(platform):
    platform.login(jwt="rc-jwt-102")
    ids = [str(platform.post("/restapi/v1.0/account/~/extension/~/sms", {
        "from": {"phoneNumber": "+16505550102"}, "to": [{"phoneNumber": "+14155550100"}], "text": text,
    }).json_dict()["id"]) for text in ("first", "second")]
    answer = platform.get(f"{STORE}/{ids[0]},{ids[1]},999")
    assert answer.response().status_code == 207
    parts = answer.multipart()
    assert [p.response().status_code for p in parts] == [200, 200, 404]
    assert [p.json_dict().get("subject") for p in parts[:2]] == ["first", "second"]
    assert parts[2].json_dict()["errors"][0]["errorCode"] == "CMN-102"
    updated = platform.put(f"{STORE}/{ids[0]},{ids[1]}", {"readStatus": "Unread"}).multipart()
    assert [p.json_dict()["readStatus"] for p in updated] == ["Unread", "Unread"]
    assert platform.delete(f"{STORE}/{ids[0]},{ids[1]}").response().status_code == 204


@pytest.mark.parametrize("mixed", [False, True], ids=["form-data", "mixed"])
def test_an_mms_built_with_the_sdk_is_sent_and_its_file_downloaded(platform, mixed):
    platform.login(jwt="rc-jwt-102")
    picture = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8
    builder = MultipartBuilder(platform).set_multipart_mixed(mixed).set_body({
        "from": {"phoneNumber": "+16505550102"}, "to": [{"phoneNumber": "+14155550100"}], "text": "a picture"})
    builder.add(("picture.png", picture, "image/png"))
    sent = platform.send_request(builder.request("/restapi/v1.0/account/~/extension/~/mms")).json_dict()
    _, attachment = sent["attachments"]
    assert attachment["type"] == "MmsAttachment" and attachment["size"] == len(picture)
    downloaded = platform.get(attachment["uri"])
    assert downloaded.response().headers["Content-Type"] == "image/png" and downloaded.body() == picture


@pytest.mark.parametrize("mixed", [False, True], ids=["form-data", "mixed"])
def test_an_sms_sent_as_the_sdks_multipart_request_is_sent_like_a_json_one(platform, mixed):
    platform.login(jwt="rc-jwt-102")
    builder = MultipartBuilder(platform).set_multipart_mixed(mixed).set_body({
        "from": {"phoneNumber": "+16505550102"}, "to": [{"phoneNumber": "+14155550100"}], "text": "in parts"})
    request = builder.request("/restapi/v1.0/account/~/extension/~/sms")
    sent = platform.send_request(request).json_dict()
    assert sent["subject"] == "in parts" and sent["messageStatus"] == "Queued"
