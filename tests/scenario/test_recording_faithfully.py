"""What a client sends is recorded so the replay sends the same, and what it got is expected as the replay reads it."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

import jwt
import pytest
import yaml
from cryptography.hazmat.primitives.asymmetric import rsa

from emulator.emulator import Emulator
from emulator.scenario.format import load_scenario
from emulator.scenario.recorder import Recorder
from emulator.scenario.runner import run_scenario, run_scenario_async
from emulator.seed import DEFAULT_SEED_PATH

from .test_target_and_record import BASIC, JWT_GRANT, SMS, STORE, frozen_seed_file, recording

INBOUND = {"from": "+14155550100", "to": "+16505550102", "text": "x"}
SENT = {"from": {"phoneNumber": "+16505550102"}, "to": [{"phoneNumber": "+14155550100"}]}


async def replayed(record: Path):
    """The recorded file replayed in process; it must pass."""
    result = await run_scenario_async(load_scenario(record))
    assert result.passed, [(s.step.title, s.problems) for s in result.steps]
    return result


def steps_of(record: Path) -> list[dict]:
    return [s for s in yaml.safe_load(record.read_text(encoding="utf-8"))["steps"] if "request" in s]


async def rc_login(client) -> dict[str, str]:
    token = await (await client.post("/restapi/oauth/token", data={"grant_type": JWT_GRANT, "assertion": "rc-jwt-102"},
                                     headers={"Authorization": BASIC})).json()
    return {"Authorization": f"Bearer {token['access_token']}"}


async def a_client(tmp_path, aiohttp_client):
    record = tmp_path / "session.yaml"
    return record, await recording(aiohttp_client, record, frozen_seed_file(tmp_path))


@pytest.mark.parametrize("depth", [400, 100_000])
async def test_a_body_nested_too_deep_is_recorded_as_its_text_and_the_server_answers_on(tmp_path, aiohttp_client,
                                                                                         depth):
    record, client = await a_client(tmp_path, aiohttp_client)
    body = json.dumps(INBOUND)[:-1] + ', "extra": ' + "[" * depth + "]" * depth + "}"
    response = await client.post("/_emulator/inbound", data=body, headers={"Content-Type": "application/json"})
    assert response.status != 500
    assert (await client.get("/_emulator/health")).status == 200
    first, second = steps_of(record)
    assert first["request"]["body"] == body and second["request"]["path"] == "/_emulator/health"
    await replayed(record)


async def test_a_step_that_cannot_be_written_is_left_out_and_never_answers_500(tmp_path, aiohttp_client,
                                                                             monkeypatch):
    record, client = await a_client(tmp_path, aiohttp_client)
    write, calls = Recorder.write, []

    def fails_once(self):
        calls.append(1)
        if len(calls) == 1:
            raise RecursionError("too deep")
        write(self)

    monkeypatch.setattr(Recorder, "write", fails_once)
    assert (await client.get("/_emulator/clock")).status == 200
    assert (await client.get("/_emulator/health")).status == 200
    assert [s["request"]["path"] for s in steps_of(record)] == ["/_emulator/health"]
    await replayed(record)


async def test_head_options_and_trace_requests_are_recorded_and_replay(tmp_path, aiohttp_client):
    record, client = await a_client(tmp_path, aiohttp_client)
    assert (await client.head("/_emulator/health")).status == 200
    pc = {"Authorization": "Bearer pc-owner-token"}
    for method in ("OPTIONS", "TRACE", "HEAD"):
        await client.request(method, "/v4/accounts/2000001/sms", headers=pc)
    assert [s["request"]["method"] for s in steps_of(record)] == ["HEAD", "OPTIONS", "TRACE", "HEAD"]
    await replayed(record)


async def test_the_accept_header_of_a_bulk_read_is_recorded_and_sent_on_replay(tmp_path, aiohttp_client):
    record, client = await a_client(tmp_path, aiohttp_client)
    alice = await rc_login(client)
    ids = [str((await (await client.post(SMS, headers=alice, json={**SENT, "text": t})).json())["id"]) for t in "ab"]
    accept = "application/vnd.ringcentral.multipart+json"
    response = await client.get(f"{STORE}/{','.join(ids)}", headers={**alice, "Accept": accept})
    assert response.status in (200, 207)
    assert steps_of(record)[-1]["request"]["headers"]["Accept"] == accept
    assert "Accept" not in steps_of(record)[0]["request"].get("headers", {})  # a client's */* is not worth a line
    await replayed(record)


async def test_uris_answered_under_t_default_replay_as_the_replays_own(tmp_path, aiohttp_client):
    record, client = await a_client(tmp_path, aiohttp_client)
    token = await (await client.post("/t/default/restapi/oauth/token", headers={"Authorization": BASIC},
                                     data={"grant_type": JWT_GRANT, "assertion": "rc-jwt-102"})).json()
    sent = await client.post(f"/t/default{SMS}", json={**SENT, "text": "named"},
                             headers={"Authorization": f"Bearer {token['access_token']}"})
    assert "/t/default/" in (await sent.json())["uri"]
    assert steps_of(record)[-1]["expect"]["body"]["uri"].startswith("${base_url}/restapi/")
    await replayed(record)


async def test_an_echoed_phonecom_token_keeps_its_capture_and_a_new_one_gets_its_own(tmp_path, aiohttp_client):
    record, client = await a_client(tmp_path, aiohttp_client)
    token_url, app = "/v4/oauth/access-token", {"client_id": "pc-client-id", "client_secret": "pc-client-secret"}
    first = await (await client.post(token_url, json={"grant_type": "client_credentials", **app})).json()
    await client.get(token_url, headers={"Authorization": f"Bearer {first['access_token']}"})
    second = await (await client.post(token_url, json={"grant_type": "refresh_token",
                                                       "refresh_token": first["refresh_token"], **app})).json()
    await client.get(token_url, headers={"Authorization": f"Bearer {second['access_token']}"})
    await client.get("/v4/accounts/2000001/sms", headers={"Authorization": f"Bearer {second['access_token']}"})
    names = [name for s in steps_of(record) for name in s.get("save", {})]
    assert len(names) == len(set(names))
    await replayed(record)


async def test_a_percent_encoded_path_is_recorded_and_sent_still_encoded(tmp_path, aiohttp_client):
    record, client = await a_client(tmp_path, aiohttp_client)
    alice = await rc_login(client)
    response = await client.get(f"{STORE}/%3F", headers=alice)
    assert response.status == 400 and "messageId" in await response.text()
    assert steps_of(record)[-1]["request"]["path"] == f"{STORE}/%3F"
    await replayed(record)


async def test_the_servers_own_address_inside_a_request_is_recorded_as_base_url(tmp_path, aiohttp_client):
    record, client = await a_client(tmp_path, aiohttp_client)
    alice = await rc_login(client)
    base = str(client.make_url("")).rstrip("/")
    await client.post(SMS, headers=alice, json={**SENT, "text": f"see {base}/x"})
    assert steps_of(record)[-1]["request"]["json"]["text"] == "see ${base_url}/x"
    await replayed(record)


async def test_a_lone_surrogate_escape_in_a_json_body_is_sent_again_as_an_escape(tmp_path, aiohttp_client):
    record, client = await a_client(tmp_path, aiohttp_client)
    alice = await rc_login(client)
    body = json.dumps({**SENT, "text": "bad \ud800 x"})
    response = await client.post(SMS, headers={**alice, "Content-Type": "application/json"}, data=body)
    assert response.status == 400  # the text cannot be sent, and the replay is told so too
    await replayed(record)


@pytest.mark.parametrize("text", ["12345", "true", "null", '"quoted"', "1e400"])
async def test_a_text_body_that_reads_as_a_json_scalar_is_expected_as_text(tmp_path, aiohttp_client, text):
    record, client = await a_client(tmp_path, aiohttp_client)
    alice = await rc_login(client)
    sent = await (await client.post(SMS, headers=alice, json={**SENT, "text": text})).json()
    content = await client.get("/" + sent["attachments"][0]["uri"].split("/", 3)[3], headers=alice)
    assert content.content_type == "text/plain" and await content.text() == text
    assert steps_of(record)[-1]["expect"]["body"] == text
    await replayed(record)


async def test_voximplants_bare_api_address_is_expected_as_the_replays_host_and_tenant_path(tmp_path, aiohttp_client):
    record, client = await a_client(tmp_path, aiohttp_client)
    info = await (await client.post("/platform_api/GetAccountInfo/", data={"account_id": "3000001",
                                                                          "api_key": "vox-api-key"})).json()
    assert info["api_address"] == f"{client.host}:{client.port}"
    assert steps_of(record)[-1]["expect"]["body"]["api_address"] == "${host}${base_path}"
    await replayed(record)


def service_jwt(lifetime_s: int = 3595, signed_by: str | None = None) -> str:
    """A JWT as the official Voximplant clients sign one, with the default seed's credentials file."""
    key = json.loads((DEFAULT_SEED_PATH.parent / "voximplant-credentials.json").read_text(encoding="utf-8"))
    now = int(time.time())
    return jwt.encode({"iss": str(key["account_id"]), "iat": now - 5, "exp": now + lifetime_s},
                      signed_by or key["private_key"], algorithm="RS256", headers={"kid": key["key_id"]})


async def test_a_voximplant_service_jwt_is_recorded_as_a_credential_the_replay_signs_afresh(tmp_path, aiohttp_client):
    record, client = await a_client(tmp_path, aiohttp_client)
    token = service_jwt()
    info = await (await client.get("/platform_api/GetAccountInfo/",
                                   headers={"Authorization": f"Bearer {token}"})).json()
    assert info["result"]["account_id"] == 3000001
    step = steps_of(record)[-1]
    assert step["as"] == "voximplant:jwt" and "headers" not in step["request"]
    assert token not in record.read_text(encoding="utf-8")  # nothing in the file to expire
    await replayed(record)


async def test_a_voximplant_jwt_the_server_refused_is_recorded_as_sent(tmp_path, aiohttp_client):
    record, client = await a_client(tmp_path, aiohttp_client)
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = service_jwt(signed_by=other_key)
    answer = await (await client.get("/platform_api/GetAccountInfo/",
                                     headers={"Authorization": f"Bearer {forged}"})).json()
    assert "error" in answer
    step = steps_of(record)[-1]
    assert "as" not in step and step["request"]["headers"]["Authorization"] == f"Bearer {forged}"
    await replayed(record)


def test_a_replay_on_an_https_target_trusts_the_ca_of_requests_ca_bundle(tmp_path, monkeypatch):
    record = tmp_path / "story.yaml"
    record.write_text("scenario: health\nversion: 1\nsteps:\n  - request: {method: GET, path: /_emulator/health}\n"
                      "    expect: {status: 200}\n", encoding="utf-8")
    with Emulator(tls=True) as emulator:
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(emulator.tls.ca_path))
        result = run_scenario(load_scenario(record), emulator.url)
    assert emulator.url.startswith("https://") and result.passed, (result.error, [s.problems for s in result.steps])


async def test_a_long_poll_is_paired_with_its_own_journal_entry_not_an_inbound_during_it(tmp_path, aiohttp_client):
    record, client = await a_client(tmp_path, aiohttp_client)
    waiting = asyncio.create_task(client.get("/_emulator/wait", params={"count": "1", "text": "waited",
                                                                        "timeout": "5"}))
    await asyncio.sleep(0.2)
    await client.post("/_emulator/inbound", json={**INBOUND, "text": "waited"})
    assert (await waiting).status == 200
    await client.get("/_emulator/journal")
    await replayed(record)


async def test_a_request_a_drop_fault_left_unanswered_is_expected_dropped_and_replays(tmp_path, aiohttp_client):
    record, client = await a_client(tmp_path, aiohttp_client)
    fault = await client.post("/_emulator/faults", json={"operation": "ringcentral.createSMSMessage", "drop": True,
                                                          "times": 1})
    assert fault.status == 201
    headers = await rc_login(client)
    with pytest.raises(Exception):  # the client sees the connection close with no answer
        await client.post(SMS, json={**SENT, "text": "lost"}, headers=headers)
    assert (await client.post(SMS, json={**SENT, "text": "kept"}, headers=headers)).status == 200
    dropped, kept = [s for s in steps_of(record) if s["request"]["path"] == SMS]
    assert dropped["expect"] == {"dropped": True} and kept["expect"]["status"] == 200
    await replayed(record)


async def test_a_step_expecting_a_drop_fails_when_the_server_answers(tmp_path):
    path = tmp_path / "answered.yaml"
    path.write_text("scenario: answered\nversion: 1\nsteps:\n"
                    "  - request: {method: GET, path: /_emulator/health}\n    expect: {dropped: true}\n",
                    encoding="utf-8")
    result = await run_scenario_async(load_scenario(path))
    assert not result.passed
    assert result.steps[0].problems == ["expected the connection dropped without an answer, got status 200"]
