"""A recording that drives the control API (clock, journal, tenant, seed) replays green, and still catches a change."""

from __future__ import annotations

import asyncio

import attrs
import yaml

from emulator.control import routes
from emulator.control.clock import clock_json
from emulator.control.state import JournalEntry
from emulator.emulator import Emulator
from emulator.scenario.format import load_scenario
from emulator.scenario.runner import run_scenario_async
from emulator.seed import DEFAULT_SEED_PATH

from .test_target_and_record import frozen_seed_file, recording

CLOCK = "/_emulator/clock"


async def a_control_session(client) -> None:
    """What a test harness does with the control API around an application's requests."""
    await client.get("/_emulator/health")
    await client.get(CLOCK)
    await client.post(CLOCK, json={"action": "advance", "by": "1m"})
    await asyncio.sleep(0.02)
    await client.post("/_emulator/inbound", json={"from": "+14155550100", "to": "+16505550102", "text": "hi"})
    await client.get("/_emulator/journal")
    await client.get("/_emulator/journal", params={"provider": "control", "limit": "2"})
    await client.get("/_emulator/seed")
    await client.post("/_emulator/faults", json={"provider": "ringcentral", "status": 503})
    await client.get("/_emulator/faults")
    await client.delete("/_emulator/faults")
    await client.post("/_emulator/world", json={"action": "set_extension_status", "extension": "103",
                                                "status": "Frozen"})
    await client.get("/_emulator/wait", params={"count": "1", "timeout": "1"})
    await client.get("/_emulator/messages")
    await client.delete("/_emulator/journal")
    await asyncio.sleep(0.02)
    await client.get(CLOCK)
    await client.post(CLOCK, json={"action": "freeze"})
    await client.post(CLOCK, json={"action": "advance", "seconds": 5})
    await client.get("/_emulator/journal")


async def a_reset_session(client) -> None:
    """The clock and journal start afresh from the seed midway, then from another seed."""
    await client.post(CLOCK, json={"action": "advance", "by": "1h"})
    await client.post("/_emulator/reset")
    await asyncio.sleep(0.02)
    await client.get(CLOCK)
    await client.get("/_emulator/journal")
    other = {**yaml.safe_load(DEFAULT_SEED_PATH.read_text(encoding="utf-8")), "clock": {"frozen_at": "2027-01-01"}}
    await client.put("/_emulator/seed", json=other)
    await client.get("/_emulator/seed")
    await client.post(CLOCK, json={"action": "advance", "seconds": 5})
    await client.get("/_emulator/journal")


async def a_resume_session(client) -> None:
    """After a resume the replay's clock runs too, so its times are checked as lower bounds."""
    await client.post(CLOCK, json={"action": "resume"})
    await asyncio.sleep(0.02)
    await client.get(CLOCK)
    await client.get("/_emulator/journal")


def problems(result) -> list:
    return [(s.step.index, s.problems) for s in result.steps if s.outcome != "pass"] + [result.error]


class Noted:
    """The test client, noting each request's method and path, to compare with the steps a recording wrote."""

    def __init__(self, client) -> None:
        self.client, self.requests = client, []

    def __getattr__(self, method: str):
        async def call(path: str, **kwargs):
            self.requests.append((method.upper(), path))
            return await getattr(self.client, method)(path, **kwargs)
        return call


async def noted_session(session, client) -> list[tuple[str, str]]:
    noted = Noted(client)
    await session(noted)
    return noted.requests


async def replayed_in_process_and_on_a_target(record, requests: list[tuple[str, str]]) -> None:
    """Every request of the session is a step (an empty recording would replay green too), then both replays pass."""
    steps = [s["request"] for s in yaml.safe_load(record.read_text(encoding="utf-8"))["steps"] if "request" in s]
    assert [(s["method"], s["path"]) for s in steps] == requests
    scenario = load_scenario(record)
    local = await run_scenario_async(scenario)
    assert local.passed, problems(local)
    with Emulator() as emulator:
        remote = await run_scenario_async(scenario, emulator.url)
    assert remote.passed, problems(remote)


async def test_a_recording_of_the_control_api_on_a_running_clock_replays_green(tmp_path, aiohttp_client):
    record = tmp_path / "control.yaml"
    requests = await noted_session(a_control_session, await recording(aiohttp_client, record, DEFAULT_SEED_PATH))
    await replayed_in_process_and_on_a_target(record, requests)


async def test_a_recording_of_the_control_api_on_a_frozen_clock_replays_green(tmp_path, aiohttp_client):
    record = tmp_path / "control.yaml"
    requests = await noted_session(a_control_session,
                                   await recording(aiohttp_client, record, frozen_seed_file(tmp_path)))
    await replayed_in_process_and_on_a_target(record, requests)


async def test_a_recording_that_resets_the_tenant_replays_green(tmp_path, aiohttp_client):
    for index, seed in enumerate((DEFAULT_SEED_PATH, frozen_seed_file(tmp_path))):
        record = tmp_path / f"reset-{index}.yaml"
        requests = await noted_session(a_reset_session, await recording(aiohttp_client, record, seed))
        await replayed_in_process_and_on_a_target(record, requests)


async def test_a_recording_that_resumes_the_clock_replays_green(tmp_path, aiohttp_client):
    for index, seed in enumerate((DEFAULT_SEED_PATH, frozen_seed_file(tmp_path))):
        record = tmp_path / f"resume-{index}.yaml"
        requests = await noted_session(a_resume_session, await recording(aiohttp_client, record, seed))
        await replayed_in_process_and_on_a_target(record, requests)


async def test_a_replayed_recording_of_the_clock_and_journal_still_catches_a_change(tmp_path, aiohttp_client,
                                                                                   monkeypatch):
    record = tmp_path / "control.yaml"
    await a_control_session(await recording(aiohttp_client, record, DEFAULT_SEED_PATH))
    scenario = load_scenario(record)
    changes = [
        (routes, "clock_json", lambda world: {**clock_json(world), "frozen": False}, CLOCK,
         "body.frozen: expected true, got false"),
        (routes, "clock_json", lambda world: {**clock_json(world), "now_ms": world.now_ms() + 1}, CLOCK,
         "body.now_ms: expected "),
        (JournalEntry, "as_dict", lambda entry: {**attrs.asdict(entry), "status": 299}, "/_emulator/journal",
         "body.entries[0].status: expected "),
    ]
    for owner, name, changed, path, problem in changes:
        with monkeypatch.context() as patch:
            patch.setattr(owner, name, changed)
            step, problems = first_failure(await run_scenario_async(scenario))
        assert step.payload["path"] == path and problems[0].startswith(problem), (name, problems)


def first_failure(result):
    failed = next(s for s in result.steps if s.outcome == "fail")
    return failed.step, failed.problems


async def test_json_sent_as_curl_d_sends_it_is_recorded_as_it_came_and_replays_green(tmp_path, aiohttp_client):
    record = tmp_path / "curl.yaml"
    client = await recording(aiohttp_client, record, DEFAULT_SEED_PATH)
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    await client.post(CLOCK, data=b'{"action":"freeze"}', headers=form)
    await client.post("/platform_api/SendSmsMessage", data={"account_id": "3000001", "api_key": "vox-api-key",
                                                            "source": "447443332211", "destination": "16505550102",
                                                            "sms_body": "hi there!"})
    steps = yaml.safe_load(record.read_text(encoding="utf-8"))["steps"]
    assert steps[0]["request"]["body"] == '{"action":"freeze"}' and steps[0]["expect"]["body"]["frozen"] is True
    assert steps[1]["request"]["form"]["sms_body"] == "hi there!"
    await replayed_in_process_and_on_a_target(record, [("POST", CLOCK), ("POST", "/platform_api/SendSmsMessage")])
