"""The message store: filters, the 24-hour default window, paging, read status, delete and purge, content."""

from __future__ import annotations

import pytest

from .conftest import STORE, assert_rc_error

OUTSIDE = "+14155550100"


async def sent_conversation(rc):
    alice = await rc.login("102")
    bob = await rc.login("103")
    await rc.sms(alice, "+16505550102", "+16505550103", "one")
    await rc.sms(bob, "+16505550103", "+16505550102", "two")
    await rc.sms(alice, "+16505550102", OUTSIDE, "three")
    await rc.pager(alice, ["103"], "four")
    return alice, bob


async def test_list_is_newest_first_and_filters_by_type_and_direction(rc):
    alice, _ = await sent_conversation(rc)
    assert [r["subject"] for r in await rc.store(alice)] == ["four", "three", "two", "one"]
    assert [r["subject"] for r in await rc.store(alice, messageType="SMS")] == ["three", "two", "one"]
    assert [r["subject"] for r in await rc.store(alice, direction="Inbound")] == ["two"]
    assert [r["subject"] for r in await rc.store(alice, messageType=["SMS", "Pager"], direction="Outbound")] == \
        ["four", "three", "one"]


async def test_list_filters_by_conversation_and_read_status(rc):
    alice, bob = await sent_conversation(rc)
    [latest] = await rc.store(alice, messageType="SMS", direction="Inbound")
    records = await rc.store(alice, conversationId=str(latest["conversationId"]))
    assert [r["subject"] for r in records] == ["two", "one"]
    assert [r["subject"] for r in await rc.store(alice, readStatus="Unread")] == ["two"]


async def test_phone_number_filter_reads_an_unencoded_plus(rc):
    alice, _ = await sent_conversation(rc)
    response = await rc.client.get(f"{STORE}?phoneNumber=+14155550100", headers=alice)
    body = await response.json()
    assert [r["subject"] for r in body["records"]] == ["three"]


async def test_distinct_conversations_keeps_the_latest_message_of_each(rc):
    alice, _ = await sent_conversation(rc)
    records = await rc.store(alice, distinctConversations="true", messageType="SMS")
    assert [r["subject"] for r in records] == ["three", "two"]


async def test_list_defaults_to_the_last_24_hours(rc):
    alice, _ = await sent_conversation(rc)
    rc.world.clock.advance(25 * 3600)
    alice = await rc.login("102")
    assert await rc.store(alice) == []
    assert len(await rc.store(alice, dateFrom="2026-03-01T00:00:00.000Z")) == 4


async def test_paging_and_navigation_point_back_at_the_emulator(rc):
    alice = await rc.login("102")
    for n in range(5):
        await rc.sms(alice, "+16505550102", OUTSIDE, f"m{n}")
    status, body = await rc.call("GET", STORE, alice, params={"perPage": "2", "page": "2"})
    assert status == 200
    assert [r["subject"] for r in body["records"]] == ["m2", "m1"]
    assert body["paging"] == {"page": 2, "totalPages": 3, "perPage": 2, "totalElements": 5, "pageStart": 2, "pageEnd": 3}
    navigation = body["navigation"]
    assert set(navigation) == {"firstPage", "nextPage", "previousPage", "lastPage"}
    origin = str(rc.client.make_url("/"))[:-1]
    assert navigation["nextPage"]["uri"].startswith(origin + "/restapi/v1.0/account/1346632010/extension/")
    assert "page=3" in navigation["nextPage"]["uri"] and "perPage=2" in navigation["nextPage"]["uri"]
    status, last = await rc.call("GET", navigation["lastPage"]["uri"].replace(origin, ""), alice)
    assert [r["subject"] for r in last["records"]] == ["m0"]
    assert "nextPage" not in last["navigation"]


async def test_per_page_above_1000_is_clamped(rc):
    alice = await rc.login("102")
    status, body = await rc.call("GET", STORE, alice, params={"perPage": "5000"})
    assert status == 200 and body["paging"]["perPage"] == 1000


async def test_per_page_zero_answers_an_empty_message_store_page_with_the_count(rc):
    alice = await rc.login("102")
    await rc.sms(alice, "+16505550102", "+14155550100", "counted")
    status, body = await rc.call("GET", STORE, alice, params={"perPage": "0"})
    assert status == 200 and body["records"] == [] and body["navigation"] == {}
    assert body["paging"] == {"perPage": 0, "totalElements": 1}


@pytest.mark.parametrize("path", ["/restapi/v1.0/account/~/extension", "/restapi/v1.0/account/~/phone-number",
                                  "/restapi/v1.0/account/~/extension/~/phone-number"])
async def test_per_page_zero_on_a_directory_list_is_a_400_as_its_paging_schema_has_no_zero(rc, path):
    status, body = await rc.call("GET", path, await rc.login("102"), params={"perPage": "0"})
    assert_rc_error(status, body, 400, "CMN-101")
    assert body["errors"][0]["parameterName"] == "perPage"


async def test_an_empty_page_has_no_page_bounds(rc):
    alice = await rc.login("102")
    status, body = await rc.call("GET", STORE, alice)
    assert body["records"] == [] and "pageStart" not in body["paging"] and body["paging"]["totalElements"] == 0


@pytest.mark.parametrize("params, parameter", [
    ({"readStatus": "Maybe"}, "readStatus"),
    ({"direction": "Sideways"}, "direction"),
    ({"messageType": "Letter"}, "messageType"),
    ({"availability": "Gone"}, "availability"),
    ({"perPage": "zero"}, "perPage"),
    ({"perPage": "1_0"}, "perPage"),
    ({"page": "\u0661"}, "page"),
    ({"page": "0"}, "page"),
    ({"dateFrom": "yesterday"}, "dateFrom"),
    ({"distinctConversations": "perhaps"}, "distinctConversations"),
])
async def test_invalid_list_parameters_are_named_in_a_400(rc, params, parameter):
    alice = await rc.login("102")
    status, body = await rc.call("GET", STORE, alice, params=params)
    assert_rc_error(status, body, 400, "CMN-101")
    assert body["errors"][0]["parameterName"] == parameter


async def test_put_and_patch_change_read_status_and_stamp_the_modification_time(rc):
    alice, _ = await sent_conversation(rc)
    [inbound] = await rc.store(alice, direction="Inbound")
    rc.world.clock.advance(5)
    status, body = await rc.call("PUT", f"{STORE}/{inbound['id']}", alice, json={"readStatus": "Read"})
    assert status == 200 and body["readStatus"] == "Read"
    assert body["lastModifiedTime"] > inbound["lastModifiedTime"]
    status, body = await rc.call("PATCH", f"{STORE}/{inbound['id']}", alice, json={"readStatus": "Unread"})
    assert status == 200 and body["readStatus"] == "Unread"


async def test_put_requires_read_status(rc):
    alice, _ = await sent_conversation(rc)
    [record, *_] = await rc.store(alice)
    status, body = await rc.call("PUT", f"{STORE}/{record['id']}", alice, json={})
    assert_rc_error(status, body, 400, "CMN-100")
    status, body = await rc.call("PUT", f"{STORE}/{record['id']}", alice, json={"readStatus": "Skimmed"})
    assert_rc_error(status, body, 400, "CMN-101")


async def test_first_delete_hides_then_patch_restores_then_second_delete_purges(rc):
    alice, _ = await sent_conversation(rc)
    [record, *_] = await rc.store(alice)
    path = f"{STORE}/{record['id']}"
    status, _ = await rc.call("DELETE", path, alice)
    assert status == 204
    assert record["id"] not in [r["id"] for r in await rc.store(alice)]
    assert [r["id"] for r in await rc.store(alice, availability="Deleted")] == [record["id"]]
    status, body = await rc.call("PATCH", path, alice, json={"availability": "Alive"})
    assert status == 200 and body["availability"] == "Alive"
    await rc.call("DELETE", path, alice)
    await rc.call("DELETE", path, alice)
    status, body = await rc.call("GET", path, alice)
    assert body["availability"] == "Purged"
    assert [r["id"] for r in await rc.store(alice, availability="Purged")] == [record["id"]]


async def test_delete_with_purge_skips_the_deleted_state(rc):
    alice, _ = await sent_conversation(rc)
    [record, *_] = await rc.store(alice)
    status, _ = await rc.call("DELETE", f"{STORE}/{record['id']}", alice, params={"purge": "true"})
    assert status == 204
    _, body = await rc.call("GET", f"{STORE}/{record['id']}", alice)
    assert body["availability"] == "Purged"


async def test_a_purged_message_has_no_attachments_left_to_read(rc):
    alice, _ = await sent_conversation(rc)
    [record, *_] = await rc.store(alice)
    content = record["attachments"][0]["uri"].split("/restapi", 1)[1]
    status, _ = await rc.call("GET", "/restapi" + content, alice)
    assert status == 200
    await rc.call("DELETE", f"{STORE}/{record['id']}", alice, params={"purge": "true"})
    _, body = await rc.call("GET", f"{STORE}/{record['id']}", alice)
    assert body["availability"] == "Purged" and body["attachments"] == []
    status, body = await rc.call("GET", "/restapi" + content, alice)
    assert_rc_error(status, body, 404, "CMN-102")


async def test_delete_by_conversation_removes_the_whole_conversation_only(rc):
    alice, _ = await sent_conversation(rc)
    [inbound] = await rc.store(alice, direction="Inbound")
    status, _ = await rc.call("DELETE", STORE, alice, params={"conversationId": str(inbound["conversationId"])})
    assert status == 204
    assert [r["subject"] for r in await rc.store(alice)] == ["four", "three"]


async def test_delete_by_type_takes_the_delete_enum_with_text_and_all(rc):
    alice, _ = await sent_conversation(rc)
    text, _ = await rc.call("DELETE", STORE, alice, params={"type": "Text"})
    assert text == 204
    assert len(await rc.store(alice)) == 4  # no SMS is a Text record
    status, _ = await rc.call("DELETE", STORE, alice, params={"type": "SMS"})
    assert status == 204
    assert [r["subject"] for r in await rc.store(alice)] == ["four"]  # the pager stays


@pytest.mark.parametrize("path", [STORE, STORE + "/{id}", STORE + "/{id},{id}"])
async def test_a_delete_naming_a_type_outside_the_enum_is_refused_and_deletes_nothing(rc, path):
    alice, _ = await sent_conversation(rc)
    [record, *_] = await rc.store(alice)
    status, body = await rc.call("DELETE", path.format(id=record["id"]), alice, params={"type": "Bogus"})
    assert_rc_error(status, body, 400, "CMN-101")
    assert body["errors"][0]["parameterName"] == "type"
    assert len(await rc.store(alice)) == 4


@pytest.mark.parametrize("conversation", ["9" * 4301, "9" * 23, str(2**63), "%207%20", "1_0", "1,x"])
async def test_delete_by_conversation_refuses_the_ids_the_list_refuses_and_deletes_nothing(rc, conversation):
    alice, _ = await sent_conversation(rc)
    listed, _ = await rc.call("GET", f"{STORE}?conversationId={conversation.split(',')[-1]}", alice)
    status, body = await rc.call("DELETE", f"{STORE}?conversationId={conversation}", alice)
    assert listed == 400
    assert_rc_error(status, body, 400, "CMN-101")
    assert body["errors"][0]["parameterName"] == "conversationId"
    assert len(await rc.store(alice)) == 4


async def test_deleting_leaves_the_other_side_of_the_conversation_untouched(rc):
    alice, bob = await sent_conversation(rc)
    [first] = await rc.store(alice, direction="Outbound", messageType="SMS", phoneNumber="+16505550103")
    await rc.call("DELETE", f"{STORE}/{first['id']}", alice)
    assert "one" in [r["subject"] for r in await rc.store(bob)]


async def test_content_returns_the_text_as_plain_text(rc):
    alice = await rc.login("102")
    _, sent = await rc.sms(alice, "+16505550102", OUTSIDE, "héllo 😀")
    response = await rc.client.get(sent["attachments"][0]["uri"].split(str(rc.client.make_url("/"))[:-1], 1)[1],
                                   headers=alice)
    assert response.status == 200 and response.content_type == "text/plain"
    assert await response.text() == "héllo 😀"


async def test_content_of_an_unknown_attachment_is_404(rc):
    alice = await rc.login("102")
    _, sent = await rc.sms(alice, "+16505550102", OUTSIDE)
    status, body = await rc.call("GET", f"{STORE}/{sent['id']}/content/1", alice)
    assert_rc_error(status, body, 404, "CMN-102")


async def test_a_message_of_another_extension_is_not_found(rc):
    alice = await rc.login("102")
    bob = await rc.login("103")
    _, sent = await rc.sms(alice, "+16505550102", OUTSIDE)
    status, body = await rc.call("GET", f"{STORE}/{sent['id']}", bob)
    assert_rc_error(status, body, 404, "CMN-102")
    status, body = await rc.call("GET", f"{STORE}/999999", bob)
    assert_rc_error(status, body, 404, "CMN-102")


async def test_paths_with_another_extension_id_are_forbidden_and_unknown_ids_not_found(rc):
    alice = await rc.login("102")
    bob_id = rc.world.extension("1346632010", "103").id
    status, body = await rc.call("GET", f"/restapi/v1.0/account/~/extension/{bob_id}/message-store", alice)
    assert_rc_error(status, body, 403, "CMN-404")
    status, body = await rc.call("GET", "/restapi/v1.0/account/~/extension/42/message-store", alice)
    assert_rc_error(status, body, 404, "CMN-102")
    status, body = await rc.call("GET", "/restapi/v1.0/account/42/extension/~/message-store", alice)
    assert_rc_error(status, body, 404, "CMN-102")


async def test_real_ids_work_in_place_of_tilde(rc):
    alice = await rc.login("102")
    alice_id = rc.world.extension("1346632010", "102").id
    status, body = await rc.call("GET", f"/restapi/v1.0/account/1346632010/extension/{alice_id}", alice)
    assert status == 200 and body["extensionNumber"] == "102" and body["status"] == "Enabled"


MULTIPART_JSON = "application/vnd.ringcentral.multipart+json"


async def two_sms(rc):
    alice = await rc.login("102")
    ids = []
    for text in ("first", "second"):
        _, sent = await rc.sms(alice, "+16505550102", OUTSIDE, text)
        ids.append(str(sent["id"]))
    return alice, ids


async def test_bulk_get_in_ringcentrals_json_form_lists_each_id_with_its_status_and_body(rc):
    alice, ids = await two_sms(rc)
    response = await rc.client.get(f"{STORE}/{ids[0]},999", headers={**alice, "Accept": MULTIPART_JSON})
    assert response.status == 207 and response.content_type == MULTIPART_JSON
    first, missing = await response.json(content_type=None)
    assert (first["resourceId"], first["status"], first["body"]["subject"]) == (ids[0], 200, "first")
    assert (missing["resourceId"], missing["status"], missing["body"]["errorCode"]) == ("999", 404, "CMN-102")


async def test_a_bulk_read_is_written_alike_on_any_host_so_a_recording_replays(rc):
    alice, ids = await two_sms(rc)
    answers = [await rc.client.get(f"{STORE}/{ids[0]},{ids[1]}", headers={**alice, "Host": host})
               for host in ("127.0.0.1:8080", "sms.test:9999")]
    first, second = [await answer.read() for answer in answers]
    assert b"sms.test:9999" in second and b"sms.test:9999" not in first  # the uris differ, the boundary does not
    assert answers[0].headers["Content-Type"] == answers[1].headers["Content-Type"]
    assert first.replace(b"127.0.0.1:8080", b"sms.test:9999") == second


async def test_bulk_put_with_multipart_mixed_parts_changes_each_message_as_its_part_says(rc):
    alice, ids = await two_sms(rc)
    body = ("--b\r\nContent-Type: application/json\r\n\r\n{\"readStatus\": \"Unread\"}\r\n"
            "--b\r\nContent-Type: application/json\r\n\r\n{\"readStatus\": \"Read\"}\r\n--b--\r\n")
    response = await rc.client.put(f"{STORE}/{ids[0]},{ids[1]}", data=body,
                                   headers={**alice, "Content-Type": "multipart/mixed; boundary=b"})
    assert response.status == 207 and response.content_type == "multipart/mixed"
    assert [r["readStatus"] for r in await rc.store(alice)] == ["Read", "Unread"]  # newest first


async def test_bulk_put_with_ids_in_the_body_uses_an_asterisk_in_the_path(rc):
    alice, ids = await two_sms(rc)
    status, parts = await rc.call("PUT", f"{STORE}/*", {**alice, "Accept": MULTIPART_JSON}, json=[
        {"resourceId": ids[1], "body": {"readStatus": "Unread"}}, {"resourceId": "999", "body": {"readStatus": "Read"}}])
    assert status == 207
    assert [(p["resourceId"], p["status"]) for p in parts] == [(ids[1], 200), ("999", 404)]
    assert [r["readStatus"] for r in await rc.store(alice)] == ["Unread", "Read"]


async def test_bulk_patch_restores_deleted_messages(rc):
    alice, ids = await two_sms(rc)
    await rc.call("DELETE", f"{STORE}/{ids[0]},{ids[1]}", alice)
    assert await rc.store(alice) == []
    status, parts = await rc.call("PATCH", f"{STORE}/{ids[0]},{ids[1]}", {**alice, "Accept": MULTIPART_JSON},
                                  json={"availability": "Alive"})
    assert status == 207 and [p["body"]["availability"] for p in parts] == ["Alive", "Alive"]
    assert len(await rc.store(alice)) == 2


async def test_bulk_delete_is_204_when_all_go_and_207_naming_the_ones_that_could_not(rc):
    alice, ids = await two_sms(rc)
    status, _ = await rc.call("DELETE", f"{STORE}/{ids[0]}", alice)
    assert status == 204
    status, parts = await rc.call("DELETE", f"{STORE}/*", {**alice, "Accept": MULTIPART_JSON}, json=[ids[1], "999"])
    assert status == 207 and [(p["resourceId"], p["status"]) for p in parts] == [(ids[1], 204), ("999", 404)]
    assert await rc.store(alice) == []


@pytest.mark.parametrize("message_ids", [",".join(str(n) for n in range(1, 52)), "*", "1,,2"])
async def test_a_bulk_get_of_too_many_or_no_ids_is_refused(rc, message_ids):
    alice = await rc.login("102")
    status, body = await rc.call("GET", f"{STORE}/{message_ids}", alice)
    assert_rc_error(status, body, 400, "CMN-101")


async def test_a_bulk_delete_naming_a_message_twice_deletes_it_once(rc):
    alice, ids = await two_sms(rc)
    status, _ = await rc.call("DELETE", f"{STORE}/{ids[0]},{ids[0]}", alice)
    assert status == 204
    assert [r["id"] for r in await rc.store(alice, availability="Deleted")] == [int(ids[0])]


@pytest.mark.parametrize("path", ["9" * 5000, "9" * 20, str(2**63), f"1,{'9' * 5000}"])
async def test_a_message_id_longer_than_an_int64_is_invalid(rc, path):
    alice = await rc.login("102")
    status, body = await rc.call("GET", f"{STORE}/{path}", alice)
    if "," in path:
        assert status == 207 and [p["status"] for p in (await bulk_json(rc, alice, path))] == [404, 400]
    else:
        assert_rc_error(status, body, 400, "CMN-101")


async def bulk_json(rc, headers, path):
    _, parts = await rc.call("GET", f"{STORE}/{path}", {**headers, "Accept": MULTIPART_JSON})
    return parts


async def test_a_multipart_part_nested_too_deep_is_no_json_and_gets_a_4xx(rc):
    alice, ids = await two_sms(rc)
    deep = "[" * 100_000 + "]" * 100_000
    body = f"--b\r\nContent-Type: application/json\r\n\r\n{deep}\r\n--b--\r\n"
    response = await rc.client.put(f"{STORE}/{ids[0]}", data=body,
                                   headers={**alice, "Content-Type": "multipart/mixed; boundary=b"})
    assert response.status == 400
    response = await rc.client.put(f"{STORE}/{ids[0]},{ids[1]}", data=body,
                                   headers={**alice, "Content-Type": "multipart/mixed; boundary=b"})
    assert response.status == 400


async def test_a_multipart_body_of_more_parts_than_a_bulk_request_holds_is_refused_unparsed(rc):
    alice, ids = await two_sms(rc)
    body = "".join("--b\r\n\r\n{}\r\n" for _ in range(5000)) + "--b--\r\n"
    response = await rc.client.put(f"{STORE}/{ids[0]},{ids[1]}", data=body,
                                   headers={**alice, "Content-Type": "multipart/mixed; boundary=b"})
    assert_rc_error(response.status, await response.json(), 400, "CMN-101")


async def test_a_deleted_message_is_purged_five_days_later_unless_restored(rc):
    alice, _ = await sent_conversation(rc)
    [kept, gone, *_] = await rc.store(alice)
    for record in (kept, gone):
        await rc.call("DELETE", f"{STORE}/{record['id']}", alice)
    await rc.call("PATCH", f"{STORE}/{kept['id']}", alice, json={"availability": "Alive"})
    rc.world.clock.advance(5 * 24 * 3600 - 1)
    alice = await rc.login("102")  # the first login expired meanwhile
    _, body = await rc.call("GET", f"{STORE}/{gone['id']}", alice)
    assert body["availability"] == "Deleted"
    rc.world.clock.advance(1)
    _, body = await rc.call("GET", f"{STORE}/{gone['id']}", alice)
    assert (body["availability"], body["attachments"]) == ("Purged", [])
    _, body = await rc.call("GET", f"{STORE}/{kept['id']}", alice)
    assert body["availability"] == "Alive"


async def test_deleting_again_after_a_restore_starts_the_five_days_again(rc):
    alice, _ = await sent_conversation(rc)
    [record, *_] = await rc.store(alice)
    path = f"{STORE}/{record['id']}"
    await rc.call("DELETE", path, alice)
    await rc.call("PATCH", path, alice, json={"availability": "Alive"})
    rc.world.clock.advance(3 * 24 * 3600)
    alice = await rc.login("102")
    await rc.call("DELETE", path, alice)
    rc.world.clock.advance(3 * 24 * 3600)
    alice = await rc.login("102")
    _, body = await rc.call("GET", path, alice)
    assert body["availability"] == "Deleted"  # five days from the second delete, not the first
    rc.world.clock.advance(2 * 24 * 3600)
    _, body = await rc.call("GET", path, await rc.login("102"))
    assert body["availability"] == "Purged"
