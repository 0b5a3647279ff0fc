"""Replaying against a running server gives the in-process results; a recorded session replays green."""

from __future__ import annotations

import asyncio
import base64
import json
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import yaml

from emulator.app import build_app
from emulator.emulator import Emulator
from emulator.scenario.format import load_scenario, scenario_files
from emulator.scenario.recorder import Recorder
from emulator.scenario.runner import run_scenario
from emulator.seed import DEFAULT_SEED_PATH, load_seed_file
from emulator.tenants import Tenants

from .conftest import LIBRARY

CLI = Path(sys.executable).parent / "sms-emulator"
BASIC = "Basic " + base64.b64encode(b"rc-client-id:rc-client-secret").decode()
JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
SMS = "/restapi/v1.0/account/~/extension/~/sms"
STORE = "/restapi/v1.0/account/~/extension/~/message-store"


def outcomes(result) -> list[tuple[int, str, list[str]]]:
    return [(s.step.index, s.outcome, s.problems) for s in result.steps]


def test_the_library_against_a_running_server_gives_the_in_process_results():
    with Emulator() as emulator:
        for path in scenario_files([LIBRARY]):
            scenario = load_scenario(path)
            local, remote = run_scenario(scenario), run_scenario(scenario, emulator.url)
            assert local.passed, path
            assert outcomes(remote) == outcomes(local), path


def frozen_seed_file(tmp_path: Path) -> Path:
    data = yaml.safe_load(DEFAULT_SEED_PATH.read_text(encoding="utf-8"))
    data["clock"] = {"frozen_at": "2026-03-02T10:00:00Z"}
    data["voximplant"]["accounts"][0]["credentials_file"] = str(DEFAULT_SEED_PATH.parent / "voximplant-credentials.json")
    path = tmp_path / "seed.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


async def a_session(client) -> None:
    """What an application might do: log in, send, read, refresh, and use the other providers and the clock."""
    token = await (await client.post("/restapi/oauth/token", data={"grant_type": JWT_GRANT, "assertion": "rc-jwt-102"},
                                     headers={"Authorization": BASIC})).json()
    alice = {"Authorization": f"Bearer {token['access_token']}"}
    sent = await (await client.post(SMS, headers=alice, json={
        "from": {"phoneNumber": "+16505550102"}, "to": [{"phoneNumber": "+12125550101"}], "text": "hi 😀"})).json()
    await client.post("/_emulator/clock", json={"action": "advance", "seconds": 2})
    await client.get(f"{STORE}/{sent['id']}", headers=alice)
    await client.post(SMS, headers=alice, json={"from": {"phoneNumber": "+16505550103"}, "to": [{"phoneNumber": "+1"}],
                                                "text": "refused"})
    fresh = await (await client.post("/restapi/oauth/token", headers={"Authorization": BASIC},
                                     data={"grant_type": "refresh_token", "refresh_token": token["refresh_token"]})).json()
    await client.get(STORE, headers={"Authorization": f"Bearer {fresh['access_token']}"})
    await client.get("/v4/accounts/2000001/extensions/2000001101/sms", headers={"Authorization": "Bearer pc-ext-101-token"})
    await client.post("/platform_api/SendSmsMessage", data={"account_id": "3000001", "api_key": "vox-api-key",
                                                           "source": "447443332211", "destination": "16505550102",
                                                           "sms_body": "$5 off"})
    await client.get("/_emulator/messages")


async def recording(aiohttp_client, record: Path, seed_path: Path):
    """A test client of an app that records its default tenant's session into `record`."""
    seed = load_seed_file(seed_path)
    app = build_app(Tenants(seed))
    Recorder(record, seed).install(app)
    return await aiohttp_client(app)


async def test_a_recorded_session_replays_green_with_identical_bodies(tmp_path, aiohttp_client):
    record = tmp_path / "session.yaml"
    await a_session(await recording(aiohttp_client, record, frozen_seed_file(tmp_path)))
    data = yaml.safe_load(record.read_text(encoding="utf-8"))
    assert data["seed"] == {"file": "seed.yaml"}
    assert len(data["steps"]) == 10 and all(s["expect"].get("exact") for s in data["steps"])
    assert "advance" not in [next(iter(s)) for s in data["steps"]]
    result = await __import__("emulator.scenario.runner", fromlist=["x"]).run_scenario_async(load_scenario(record))
    assert result.passed, [s.problems for s in result.steps]
    matchers = {v for s in data["steps"] for v in json.dumps(s["expect"]).split('"') if v.startswith("$") and
                not v.startswith("$$") and not v.startswith("${")}
    assert matchers == {"$string"}  # only the issued tokens vary; every other byte of every body is expected as is


@pytest.mark.parametrize("text", ["price: ${price}", "${price}", "$${x} and $5", "a ${b} ${c}"])
async def test_a_text_holding_dollar_braces_is_recorded_as_a_literal_and_replays_green(tmp_path, aiohttp_client,
                                                                                       text):
    record = tmp_path / "session.yaml"
    client = await recording(aiohttp_client, record, frozen_seed_file(tmp_path))
    await client.post("/platform_api/SendSmsMessage", data={
        "account_id": "3000001", "api_key": "vox-api-key", "source": "447443332211", "destination": "16505550102",
        "sms_body": text})
    await client.get("/_emulator/messages", params={"text": text})
    scenario = load_scenario(record)  # loads: no ${price} taken for a capture never saved
    result = await __import__("emulator.scenario.runner", fromlist=["x"]).run_scenario_async(scenario)
    assert result.passed, [s.problems for s in result.steps]
    written = text.replace("${", "$${")
    expected = "$" + written if written.startswith("$") else written  # a leading $ is the matcher escape's
    recorded = yaml.safe_load(record.read_text(encoding="utf-8"))["steps"][-1]["expect"]["body"]["messages"][0]
    assert recorded["text"] == expected


async def test_an_mms_with_binary_files_is_recorded_byte_for_byte_and_replays_green(tmp_path, aiohttp_client):
    from ..ringcentral.test_mms import PNG, envelope, multipart

    record = tmp_path / "session.yaml"
    client = await recording(aiohttp_client, record, frozen_seed_file(tmp_path))
    response = await client.post("/restapi/oauth/token", data={"grant_type": JWT_GRANT, "assertion": "rc-jwt-102"},
                                 headers={"Authorization": BASIC})
    token = (await response.json())["access_token"]
    raw, content_type = multipart(envelope(), [("pic.png", PNG, "image/png")])
    response = await client.post(SMS, data=raw, headers={"Authorization": f"Bearer {token}",
                                                         "Content-Type": content_type})
    assert response.status == 200
    sent = await response.json()
    response = await client.get("/" + sent["attachments"][1]["uri"].split("/", 3)[3],
                                headers={"Authorization": f"Bearer {token}"})
    assert await response.read() == PNG
    steps = yaml.safe_load(record.read_text(encoding="utf-8"))["steps"]
    assert base64.b64decode(steps[1]["request"]["body_base64"]) == raw
    assert steps[1]["request"]["headers"]["Content-Type"] == content_type
    assert base64.b64decode(steps[2]["expect"]["body_base64"]) == PNG
    runner = __import__("emulator.scenario.runner", fromlist=["x"])
    result = await runner.run_scenario_async(load_scenario(record))
    assert result.passed, [s.problems for s in result.steps]
    steps[1]["request"]["body_base64"] = base64.b64encode(raw.replace(PNG, b"\xff" + PNG[1:])).decode()
    record.write_text(yaml.safe_dump({**yaml.safe_load(record.read_text(encoding="utf-8")), "steps": steps}))
    result = await runner.run_scenario_async(load_scenario(record))
    assert not result.passed
    assert "first different at byte 0" in " ".join(result.steps[2].problems)


async def test_a_body_that_does_not_decompress_is_answered_but_not_recorded(tmp_path, aiohttp_client):
    record = tmp_path / "session.yaml"
    client = await recording(aiohttp_client, record, frozen_seed_file(tmp_path))
    response = await client.post("/v4/accounts/2000001/sms", data=b"not gzip", headers={
        "Authorization": "Bearer pc-owner-token", "Content-Type": "application/json", "Content-Encoding": "gzip"})
    assert response.status == 400 and (await response.json())["@error"]["@httpStatusCode"] == 400
    await client.get("/_emulator/health")
    steps = yaml.safe_load(record.read_text(encoding="utf-8"))["steps"]
    assert [step["request"]["path"] for step in steps] == ["/_emulator/health"]


def start_recording(tmp_path: Path, record: Path) -> tuple[subprocess.Popen, str]:
    ready = tmp_path / "ready.url"
    process = subprocess.Popen([str(CLI), "serve", "--port", "0", "--ready-file", str(ready), "--record", str(record)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 20
    while not ready.exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert ready.exists(), process.communicate(timeout=5)
    return process, ready.read_text().strip()


def call(base: str, method: str, path: str, body: bytes | None = None, headers: dict | None = None) -> dict:
    request = urllib.request.Request(base + path, data=body, method=method, headers=headers or {})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def test_serve_record_writes_a_scenario_that_replays_green_also_on_a_running_server(tmp_path):
    record = tmp_path / "session.yaml"
    process, base = start_recording(tmp_path, record)
    try:
        form = f"grant_type={JWT_GRANT}&assertion=rc-jwt-102".encode()
        token = call(base, "POST", "/restapi/oauth/token", form, {"Authorization": BASIC,
                                                                  "Content-Type": "application/x-www-form-urlencoded"})
        alice = {"Authorization": f"Bearer {token['access_token']}", "Content-Type": "application/json"}
        sent = call(base, "POST", SMS, json.dumps({"from": {"phoneNumber": "+16505550102"},
                                                   "to": [{"phoneNumber": "+14155550100"}], "text": "hi"}).encode(), alice)
        time.sleep(1.1)  # the clock runs freely here: the recording notes the time that passed
        call(base, "GET", f"{STORE}/{sent['id']}", None, alice)
        info = call(base, "POST", "/platform_api/GetAccountInfo", b"account_id=3000001&api_key=vox-api-key",
                    {"Content-Type": "application/x-www-form-urlencoded"})
        assert info["api_address"] == base.split("://", 1)[1]  # on a target, the replay's tenant path follows it
        replay_remote = subprocess.run([str(CLI), "replay", "--target", base, str(record),
                                        str(LIBRARY / "cross-provider")], capture_output=True, text=True, timeout=60)
        assert replay_remote.returncode == 0, replay_remote.stdout
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=10)
    data = yaml.safe_load(record.read_text(encoding="utf-8"))
    assert data["seed"]["file"] == "default" and "frozen_at" in data["seed"]["clock"]
    kinds = [next(iter(s)) for s in data["steps"]]
    assert [k for k in kinds if k != "advance"] == ["request", "request", "request", "request"]
    assert max(s["advance"] for s in data["steps"] if "advance" in s) >= 1.1
    replay = subprocess.run([str(CLI), "replay", str(record)], capture_output=True, text=True, timeout=60)
    assert replay.returncode == 0, replay.stdout
    assert "FAIL" not in replay.stdout and f"PASS  step {len(kinds)} " in replay.stdout


def test_replay_reports_each_step_and_fails_with_a_diff(tmp_path):
    broken = tmp_path / "broken.yaml"
    source = (LIBRARY / "ringcentral/sms-status-lifecycle.yaml").read_text(encoding="utf-8")
    broken.write_text(source.replace("body: {messageStatus: Sent, smsDeliveryTime: $absent}",
                                     "body: {messageStatus: Delivered}"), encoding="utf-8")
    result = subprocess.run([str(CLI), "replay", str(broken), str(LIBRARY / "ringcentral/sms-from-fax-number.yaml")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    out = result.stdout
    assert "PASS  step 3 (line 17): advance 1" in out
    assert 'FAIL  step 4 (line 18): GET /restapi/v1.0/account/~/extension/~/message-store/${id}' in out
    assert 'body.messageStatus: expected "Delivered", got "Sent"' in out
    assert '-  "messageStatus": "Delivered"' in out and '+  "messageStatus": "Sent"' in out
    assert "SKIP  step 5" in out and "1 passed, 1 failed, 0 unusable" in out


async def test_a_session_recorded_on_a_running_clock_replays_green(tmp_path, aiohttp_client):
    record = tmp_path / "running.yaml"
    client = await recording(aiohttp_client, record, DEFAULT_SEED_PATH)
    operator = await (await client.post("/restapi/oauth/token", headers={"Authorization": BASIC},
                                        data={"grant_type": JWT_GRANT, "assertion": "rc-jwt-101"})).json()
    headers = {"Authorization": f"Bearer {operator['access_token']}"}
    await client.post(SMS, headers=headers, json={
        "from": {"phoneNumber": "+16505550100"}, "to": [{"phoneNumber": "+14155550100"}], "text": "hello"})
    await asyncio.sleep(0.02)  # time passes between requests, as it does for an application
    await client.get("/restapi/v1.0/account/~/extension/~/message-sync", headers=headers,
                     params={"syncType": "FSync"})
    batch = await (await client.post("/restapi/v1.0/account/~/a2p-sms/batches", headers=headers, json={
        "from": "+18005550100", "text": "sale", "messages": [{"to": ["+14155550111"]}]})).json()
    await client.get(f"/restapi/v1.0/account/~/a2p-sms/batches/{batch['id']}", headers=headers)
    await client.post("/_emulator/inbound", json={"from": "+14155550100", "to": "+16505550102", "text": "hi"})
    await asyncio.sleep(0.02)
    await client.get("/_emulator/messages")
    result = await __import__("emulator.scenario.runner", fromlist=["x"]).run_scenario_async(load_scenario(record))
    assert result.passed, [s.problems for s in result.steps]


def test_serve_record_of_the_clock_and_journal_replays_green(tmp_path):
    record = tmp_path / "session.yaml"
    process, base = start_recording(tmp_path, record)
    try:
        json_body = {"Content-Type": "application/json"}
        call(base, "POST", "/_emulator/clock", json.dumps({"action": "advance", "by": "1m"}).encode(), json_body)
        call(base, "GET", "/_emulator/clock")
        time.sleep(0.05)
        call(base, "GET", "/_emulator/journal")
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=10)
    replay = subprocess.run([str(CLI), "replay", str(record)], capture_output=True, text=True, timeout=60)
    assert replay.returncode == 0, replay.stdout


def test_a_long_poll_on_a_recording_server_sees_time_pass(tmp_path):
    record = tmp_path / "session.yaml"
    process, base = start_recording(tmp_path, record)
    try:
        call(base, "POST", "/v4/accounts/2000001/sms", json.dumps({
            "from": "+12125550101", "to": "+14155550100", "text": "wait for me"}).encode(),
             {"Content-Type": "application/json", "Authorization": "Bearer pc-owner-token"})
        started = time.monotonic()
        found = call(base, "GET", "/_emulator/wait?provider=phonecom&status=Delivered&timeout=8")
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=10)
    assert found["count"] == 1 and time.monotonic() - started < 6
    replay = subprocess.run([str(CLI), "replay", str(record)], capture_output=True, text=True, timeout=60)
    assert replay.returncode == 0, replay.stdout


def test_a_session_that_names_the_default_tenant_deletes_it_and_lists_tenants_replays_green(tmp_path):
    record = tmp_path / "session.yaml"
    process, base = start_recording(tmp_path, record)
    as_json = {"Content-Type": "application/json"}
    try:
        call(base, "POST", "/t/default/_emulator/inbound", json.dumps(
            {"from": "+14155550100", "to": "+16505550102", "text": "named"}).encode(), as_json)
        call(base, "GET", "/_emulator/messages")
        call(base, "PUT", "/_emulator/seed", json.dumps({"version": 1}).encode(), as_json)
        call(base, "DELETE", "/_emulator/tenant")
        call(base, "GET", "/_emulator/seed")
        call(base, "GET", "/_emulator/tenants")
        call(base, "GET", "/t/default/_emulator/journal")
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=10)
    requests = [s for s in yaml.safe_load(record.read_text(encoding="utf-8"))["steps"] if "request" in s]
    assert [s["request"]["path"] for s in requests][:2] == ["/_emulator/inbound", "/_emulator/messages"]
    assert requests[1]["expect"]["body"]["total"] == 1  # the named default tenant's message, recorded
    replay = subprocess.run([str(CLI), "replay", str(record)], capture_output=True, text=True, timeout=60)
    assert replay.returncode == 0, replay.stdout


def free_port() -> int:
    """A port nothing listens on (it was free a moment ago)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_replay_against_a_target_nobody_listens_on_is_unusable_in_one_line():
    target = f"http://127.0.0.1:{free_port()}"
    result = subprocess.run([str(CLI), "replay", "--target", target, str(LIBRARY / "cross-provider")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    [line] = result.stdout.splitlines()
    assert line.startswith(f"sms-emulator: --target {target} cannot be reached: ClientConnectorError: "), line
    assert "Traceback" not in result.stderr


def test_a_target_without_a_scheme_is_refused_when_arguments_are_parsed():
    result = subprocess.run([str(CLI), "replay", "--target", "127.0.0.1:18100", str(LIBRARY / "cross-provider")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.splitlines()[-1] == ("sms-emulator replay: error: argument --target: '127.0.0.1:18100' is "
                                              "not an http:// or https:// URL, like http://127.0.0.1:8080")


def test_a_failed_run_on_a_target_names_its_tenant_and_keeps_it_and_a_passed_one_deletes_its_own(tmp_path):
    from emulator.scenario.runner import report

    broken = tmp_path / "broken.yaml"
    source = (LIBRARY / "ringcentral/sms-status-lifecycle.yaml").read_text(encoding="utf-8")
    broken.write_text(source.replace("messageStatus: Sent, smsDeliveryTime", "messageStatus: Delivered, x"))
    with Emulator() as emulator:
        failed = run_scenario(load_scenario(broken), emulator.url)
        passed = run_scenario(load_scenario(LIBRARY / "ringcentral/sms-from-fax-number.yaml"), emulator.url)
        name = failed.tenant_url.rsplit("/", 1)[-1]
        kept = call(failed.tenant_url, "GET", "/_emulator/messages")
        tenants = [t["name"] for t in call(emulator.url, "GET", "/_emulator/tenants")["tenants"]]
    assert not failed.passed and name.startswith("scenario-") and kept["total"] > 0
    assert name in tenants and passed.tenant_url.rsplit("/", 1)[-1] not in tenants  # a passed run's is deleted
    assert f"  tenant {name} at {emulator.url}/t/{name}, kept for inspection" in report(failed)
    assert "tenant" not in report(passed)
    assert report(passed, verbose=True).splitlines()[1] == f"  tenant {passed.tenant_url.rsplit('/', 1)[-1]} at " \
                                                           f"{passed.tenant_url}"
