"""Each scenario pins its rule: break the rule (or the expectation) and the scenario fails."""

from __future__ import annotations

import attrs
import pytest
import yaml

from emulator import seed as seed_module
from emulator.core import rules
from emulator.core import model as model_module
from emulator.core.directory import Directory
from emulator.providers.ringcentral import handlers as rc_handlers
from emulator.providers.ringcentral.errors import RingCentralError
from emulator.providers.voximplant import handlers as vox_handlers
from emulator.scenario.format import load_scenario, scenario_files
from emulator.scenario.runner import run_scenario

from .conftest import LIBRARY


def outcome(name: str) -> bool:
    return run_scenario(load_scenario(LIBRARY / name)).passed


def rc_table_with(code: str, replacement: str):
    """RingCentral's rejection table with one code rendered as another."""
    original = rc_handlers.from_rejection

    def swapped(rejection):
        error = original(rejection)
        if error.code == code:
            return RingCentralError(error.status, replacement, error.message, "to")
        return error
    return swapped


BREAKS = {
    "sender may use any number of the account": (
        lambda mp: mp.setattr(rules, "check_extension_owns_number", lambda *a: None),
        ["ringcentral/sms-from-another-extensions-number.yaml", "ringcentral/main-number-only-for-the-operator.yaml",
         "ringcentral/department-sends-sms-from-its-number.yaml"]),
    "SmsSender feature ignored": (
        lambda mp: mp.setattr(rules, "FEATURE_SMS_SENDER", "NoSuchFeature"),
        ["ringcentral/sms-from-own-number.yaml"]),
    "every extension receives SMS": (
        lambda mp: mp.setattr(rules, "can_receive_sms", lambda extension: True),
        ["ringcentral/sms-to-disabled-or-frozen-is-dropped.yaml"]),
    "departments receive no SMS": (
        lambda mp: mp.setattr(rules, "SMS_RECEIVING_TYPES",
                              frozenset({model_module.ExtensionType.USER, model_module.ExtensionType.VOICEMAIL})),
        ["ringcentral/sms-received-by-user-voicemail-and-department.yaml"]),
    "departments forward pages to inactive members": (
        lambda mp: mp.setattr(Directory, "active_members",
                              lambda self, dept: [self.extensions[m] for m in dept.members]),
        ["ringcentral/pager-to-department-reaches-active-members.yaml"]),
    "thread participants are fixed when the thread starts": (
        lambda mp: mp.setattr(rules, "current_participants",
                              lambda directory, thread: set(directory.extensions)),
        ["ringcentral/removed-member-loses-the-thread.yaml"]),
    "pager text measured in characters": (
        lambda mp: mp.setattr(rules, "utf16_units", len),
        ["ringcentral/pager-text-limit.yaml"]),
    "pager limit raised": (
        lambda mp: mp.setattr(rules, "PAGER_MAX_TEXT_UNITS", 2048),
        ["ringcentral/pager-text-limit.yaml"]),
    "inactive pager recipient rendered with another code": (
        lambda mp: mp.setattr(rc_handlers, "from_rejection", rc_table_with("MSG-324", "MSG-316")),
        ["ringcentral/pager-to-disabled-or-frozen-is-refused.yaml"]),
    "statuses never advance": (
        lambda mp: mp.setattr(model_module, "advance_status", lambda *change: None),
        ["ringcentral/sms-status-lifecycle.yaml", "phonecom/sms-get-patch-delete.yaml"]),
    "Phone.com drops SMS to unassigned numbers": (
        lambda mp: mp.setitem(seed_module.KEEPS_UNASSIGNED_INBOUND, "phonecom", False),
        ["phonecom/inbound-lands-by-sms-forwarding-or-account-mailbox.yaml"]),
    "Voximplant sends from numbers without enabled SMS": (
        lambda mp: mp.setattr(vox_handlers, "SMS_POLICY", attrs.evolve(vox_handlers.SMS_POLICY,
                                                                        requires_sms_enabled=False)),
        ["voximplant/sms-not-enabled-386.yaml"]),
    "Voximplant limit raised": (
        lambda mp: mp.setattr(vox_handlers, "SMS_POLICY", attrs.evolve(vox_handlers.SMS_POLICY,
                                                                        max_text_units=1000)),
        ["voximplant/sms-body-limit-765.yaml"]),
    "numbers nobody owns are dropped instead of reaching the outside world": (
        lambda mp: mp.setattr(rules, "route_sms", lambda directory, number: rules.Delivery(
            number, rules.Outcome.DROP) if number not in directory.numbers else ROUTE(directory, number)),
        ["ringcentral/sms-from-own-number.yaml"]),
}
ROUTE = rules.route_sms


@pytest.mark.parametrize("rule", list(BREAKS))
def test_breaking_a_rule_fails_its_scenarios(monkeypatch, rule):
    breaker, names = BREAKS[rule]
    assert all(outcome(name) for name in names), "the scenarios pass while the rule holds"
    breaker(monkeypatch)
    assert not any(outcome(name) for name in names), f"a scenario still passes with the rule broken: {rule}"


def first_status(data: dict) -> tuple[int, dict] | None:
    for index, step in enumerate(data["steps"]):
        if isinstance((step.get("expect") or {}).get("status"), int):
            return index, step["expect"]
    return None


@pytest.mark.parametrize("path", scenario_files([LIBRARY]), ids=lambda p: str(p.relative_to(LIBRARY)))
def test_every_scenario_fails_when_its_first_expected_status_is_changed(tmp_path, path):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    found = first_status(data)
    assert found is not None, f"{path}: no step expects a status, so nothing pins its behaviour"
    found[1]["status"] += 1
    mutated = tmp_path / path.name
    mutated.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    result = run_scenario(load_scenario(mutated))
    assert not result.passed
    assert f"step {found[0] + 1} " in "\n".join(f"step {s.step.index + 1} {s.outcome}" for s in result.steps
                                                if s.outcome == "fail") + " "


def test_a_changed_error_code_fails_with_a_readable_diff(tmp_path):
    path = LIBRARY / "ringcentral/sms-from-fax-number.yaml"
    mutated = tmp_path / path.name
    mutated.write_text(path.read_text(encoding="utf-8").replace("MSG-241", "MSG-999"), encoding="utf-8")
    from emulator.scenario.runner import report

    text = report(run_scenario(load_scenario(mutated)))
    assert 'body.errors[0].errorCode: expected "MSG-999", got "MSG-241"' in text
    assert '-      "errorCode": "MSG-999",' in text and '+      "errorCode": "MSG-241",' in text
    assert "FAILED" in text
    assert "messages[0]" not in text  # its messages check (count 0) held, so it is not shown as a problem


def test_verbose_replay_shows_what_each_passing_step_was_checked_against():
    from emulator.scenario.runner import report

    result = run_scenario(load_scenario(LIBRARY / "ringcentral/sms-from-fax-number.yaml"))
    quiet, verbose = report(result), report(result, verbose=True)
    assert "ok:" not in quiet
    assert "ok: status 403" in verbose and 'ok: body has {"errors": [{"errorCode": "MSG-241"' in verbose
    assert "ok: messages {}: 0 found" in verbose
