"""output=csv: GetSmsHistory and A2PGetSmsHistory as the file the official client downloads."""

from __future__ import annotations

import csv
import io

import pytest

from .conftest import ENABLED, LEGACY, envelope, error_code

voximplant = pytest.importorskip("voximplant.apiclient")

HANDSET = "447700900050"


def rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def assert_same_records(table: list[dict], records: list[dict]) -> None:
    """Each row is its JSON record written out: every field in its column, a field the record lacks empty."""
    assert len(table) == len(records)
    for row, record in zip(table, records):
        assert set(record) <= set(row), (record, row)
        assert row == {column: str(record[column]) if column in record else "" for column in row}


def csv_answer(http, cmd: str, **params) -> str:
    response = http.post("/platform_api", data={"cmd": cmd, **LEGACY, **params, "output": "csv"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/octet-stream"
    return response.content.decode("utf-8")


def receive(http, text: str) -> None:
    answer = http.post("/_emulator/inbound", json={"from": f"+{HANDSET}", "to": f"+{ENABLED}", "text": text})
    assert answer.status_code < 300, answer.text


@pytest.fixture
def mixed_history(call, http) -> None:
    """Two sends (one keeping its text) and one inbound SMS: records with and without optional fields."""
    call("SendSmsMessage", source=ENABLED, destination="447700900051", sms_body="kept, with a comma", store_body="1")
    call("SendSmsMessage", source=ENABLED, destination="447700900052", sms_body="not kept")
    receive(http, 'a "quoted" reply')


def test_official_client_sms_history_csv_is_file_content_holding_the_json_records(api, call, mixed_history):
    records = call("GetSmsHistory")["result"]
    downloaded = api.get_sms_history(output="csv")
    assert set(downloaded) == {"file_content"}
    table = rows(downloaded["file_content"])
    assert len(table) == 3
    assert_same_records(table, records)
    assert {row["direction"] for row in table} == {"IN", "OUT"}
    assert 'a "quoted" reply' in {row["text"] for row in table}


def test_sms_history_csv_names_every_column_even_those_no_record_has(http, call):
    call("SendSmsMessage", source=ENABLED, destination="447700900051", sms_body="not kept")
    header = csv_answer(http, "GetSmsHistory").splitlines()[0].split(",")
    assert header == ["message_id", "transaction_id", "source_number", "destination_number", "fragments", "cost",
                      "status_id", "direction", "processed_date", "error_message", "text"]
    [row] = rows(csv_answer(http, "GetSmsHistory"))
    assert (row["text"], row["error_message"]) == ("", "")


def test_sms_history_csv_applies_the_same_filters_and_paging_as_json(http, call, mixed_history):
    params = {"direction": "OUT", "count": "1", "offset": "1"}
    [record] = call("GetSmsHistory", **params)["result"]
    [row] = rows(csv_answer(http, "GetSmsHistory", **params))
    assert row["message_id"] == str(record["message_id"])
    assert row["destination_number"] == "447700900052"


def test_empty_sms_history_csv_is_only_the_header(http):
    assert csv_answer(http, "GetSmsHistory").splitlines() == [
        "message_id,transaction_id,source_number,destination_number,fragments,cost,status_id,direction,"
        "processed_date,error_message,text"]


def test_official_client_a2p_history_csv_lists_a2p_records_with_their_delivery_status(api, call):
    sent = api.a2p_send_sms(ENABLED, ["447700900053", "447700900054"], "A2P hello")
    api.send_sms_message(ENABLED, "447700900055", "not A2P")
    table = rows(api.a2p_get_sms_history(output="csv")["file_content"])
    assert [row["message_id"] for row in table] == [str(r["message_id"]) for r in sent["result"]]
    assert all(row["delivery_status"] and row["processing_date"] for row in table)
    assert "direction" not in table[0]
    assert_same_records(table, call("A2PGetSmsHistory")["result"])


def test_history_csv_with_a_bad_parameter_is_the_usual_json_error(http):
    body = envelope(http.post("/platform_api", data={"cmd": "GetSmsHistory", **LEGACY, "output": "csv",
                                                     "direction": "sideways"}))
    assert error_code(body) == 470


def test_output_is_read_in_any_case(http, call):
    call("SendSmsMessage", source=ENABLED, destination="447700900051", sms_body="x")
    response = http.post("/platform_api", data={"cmd": "GetSmsHistory", **LEGACY, "output": " CSV "})
    assert response.headers["content-type"] == "application/octet-stream"
    assert len(rows(response.text)) == 1
