"""Scenario files: valid ones load; malformed ones give one line naming the file, the line and the problem."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from emulator.scenario.format import ScenarioError, is_scenario_file, load_scenario, scenario_files
from emulator.seed import DEFAULT_SEED_PATH

from .conftest import LIBRARY

pytest_plugins = ["pytester"]
INNER_PYTEST = ("-p", "no:cacheprovider", "-o", "asyncio_default_fixture_loop_scope=function")  # as pyproject sets

GOOD = """\
scenario: a handset texts Alice
version: 1
steps:
  - inbound: {from: "+14155550100", to: "+16505550102", text: hi}
    expect: {status: 201}
"""

BAD = [
    ("yaml syntax", "scenario: x\nversion: 1\nsteps:\n  - inbound: {from: a, to: b\n", 5, "not valid YAML"),
    ("unknown top-level key", "scenario: x\nversion: 1\ncolour: red\nsteps:\n  - advance: 1\n", 3,
     "unknown key(s) 'colour'; known: scenario, version, description, rule, seed, steps (at colour)"),
    ("unknown message filter", "scenario: x\nversion: 1\nsteps:\n  - expect:\n      messages:\n        - where:\n"
     "            text: hi\n            txt: hi\n          count: 0\n", 8,
     "unknown key(s) 'txt'; known: provider, account, number, from, to, direction, status, kind, text, since, "),
    ("unknown message field to match", "scenario: x\nversion: 1\nsteps:\n  - expect:\n      messages:\n"
     "        - match: [{txt: $absent}]\n", 6, "unknown key(s) 'txt'; known: id, provider, kind,"),
    ("unknown seed clock key", "scenario: x\nversion: 1\nseed:\n  clock:\n    frozen: '2026-03-02T10:00:00Z'\n"
     "steps:\n  - advance: 1\n", 5, "unknown key(s) 'frozen'; known: frozen_at (at seed.clock.frozen)"),
    ("unknown seed delivery key", "scenario: x\nversion: 1\nseed: {delivery: {sent_afer: 0}}\nsteps:\n"
     "  - advance: 1\n", 3, "unknown key(s) 'sent_afer'; known: sent_after, delivered_after"),
    ("wrong version", "scenario: x\nversion: 2\nsteps:\n  - advance: 1\n", 2, "version 2"),
    ("missing steps", "scenario: x\nversion: 1\n", 1, "'steps' is a required property"),
    ("two actions", "scenario: x\nversion: 1\nsteps:\n  - advance: 1\n\n  - advance: 1\n    world: {action: add_member}\n",
     6, "a step does one thing"),
    ("no action", "scenario: x\nversion: 1\nsteps:\n  - name: idle\n", 4, "a step needs one of"),
    ("unknown credential", "scenario: x\nversion: 1\nsteps:\n  - as: twilio:1\n    request: {method: GET, path: /}\n",
     4, "unknown credential"),
    ("unknown matcher", "scenario: x\nversion: 1\nsteps:\n  - advance: 1\n    expect:\n      body:\n        id: $anything\n",
     7, "unknown matcher $anything"),
    ("bad regex", "scenario: x\nversion: 1\nsteps:\n  - advance: 1\n    expect: {body: {id: '$regex ('}}\n",
     5, "not a regular expression"),
    ("capture used before saved", "scenario: x\nversion: 1\nsteps:\n  - advance: 1\n  - request:\n"
     "      method: GET\n      path: /x/${later}\n", 7, "${later} is not saved"),
    ("bad save path", "scenario: x\nversion: 1\nsteps:\n  - advance: 1\n    save: {x: reply.id}\n", 5, "cannot save"),
    ("bad method", "scenario: x\nversion: 1\nsteps:\n  - request: {method: FETCH, path: /}\n", 4, "FETCH"),
    ("missing seed file", "scenario: x\nversion: 1\nseed:\n  file: nowhere.yaml\nsteps:\n  - advance: 1\n", 4,
     "cannot load seed nowhere.yaml"),
    ("unusable inline seed", "scenario: x\nversion: 1\nseed:\n  inline: {ringcentral: {accounts: [{name: x}]}}\n"
     "steps:\n  - advance: 1\n", 4, "the seed is not usable"),
    ("not a mapping", "- just\n- a list\n", 1, "a scenario is a mapping"),
    ("a date python cannot hold", "scenario: x\nversion: 1\nsteps:\n  - advance: 2020-13-45\n", 1,
     "a value that cannot be read: month must be in 1..12"),
    ("an integer past python's limit", "scenario: x\nversion: 1\nsteps:\n  - advance: " + "9" * 5000 + "\n", 1,
     "a value that cannot be read: Exceeds the limit (4300 digits)"),
    ("nested too deep", "scenario: x\nversion: 1\nsteps:\n  - advance: " + "[" * 3000 + "]" * 3000 + "\n", 1,
     "nested deeper than can be read"),
    ("json and form together", "scenario: x\nversion: 1\nsteps:\n  - request:\n      method: POST\n      path: /\n"
     "      json: {a: 1}\n      form: {b: 2}\n", 5,
     "json and form cannot both be given: choose one (at steps[0].request)"),
    ("a seed file and inline together", "scenario: x\nversion: 1\nseed:\n  file: default\n  inline: {version: 1}\n"
     "steps:\n  - advance: 1\n", 4, "file and inline cannot both be given: choose one (at seed)"),
    ("a key given twice", "scenario: x\nversion: 1\nsteps:\n  - request: {method: GET, path: /}\n"
     "    expect: {status: 404}\n    expect: {status: 200}\n", 6,
     "the key 'expect' is given twice in one mapping, and YAML keeps only the last (at steps[0].expect)"),
    ("a reply expected of a step with no request", "scenario: x\nversion: 1\nsteps:\n  - request: {method: GET, "
     "path: /}\n  - expect:\n      status: 999\n", 6, "expect.status needs a request (or a control step)"),
    ("a save in a step with no request", "scenario: x\nversion: 1\nsteps:\n  - expect: {messages: [{count: 0}]}\n"
     "    save: {x: body.id}\n", 5, "save needs a request"),
    ("body_base64 not base64", "scenario: x\nversion: 1\nsteps:\n  - request:\n      method: POST\n      path: /\n"
     "      body_base64: '%%%'\n", 7, "body_base64 is not base64"),
]


def test_a_valid_scenario_loads_with_its_steps_and_lines(write):
    scenario = load_scenario(write(GOOD))
    assert scenario.name == "a handset texts Alice"
    assert [(s.action, s.line) for s in scenario.steps] == [("inbound", 4)]
    assert scenario.seed["clock"] == {"frozen_at": "2026-03-02T10:00:00Z"}


@pytest.mark.parametrize("text, line, words", [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_a_malformed_scenario_is_one_line_naming_file_and_line(write, text, line, words):
    path = write(text)
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{path}:{line}: "), message
    assert words in message


def test_every_library_file_is_a_valid_scenario():
    files = scenario_files([LIBRARY])
    assert len(files) >= 30
    for path in files:
        load_scenario(path)
    assert not is_scenario_file(DEFAULT_SEED_PATH)


def test_replay_of_a_malformed_file_prints_one_line_and_exits_2(write):
    path = write(BAD[0][1])
    cli = Path(sys.executable).parent / "sms-emulator"
    result = subprocess.run([str(cli), "replay", str(path)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stdout.splitlines()[0] == f"{path}:5: not valid YAML: expected ',' or '}}', but got '<stream end>'"
    assert "Traceback" not in result.stdout + result.stderr


def test_replay_shows_half_a_surrogate_pair_in_a_scenario_escaped_instead_of_failing_to_print(write):
    path = write('scenario: x\nversion: 1\nsteps:\n  - name: "half \\ud800 a pair"\n    advance: 1\n')
    cli = Path(sys.executable).parent / "sms-emulator"
    result = subprocess.run([str(cli), "replay", "-v", str(path)], capture_output=True, timeout=60,
                            env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    assert result.returncode == 0, result.stdout + result.stderr
    assert b"half \\ud800 a pair" in result.stdout and b"Traceback" not in result.stdout + result.stderr


REFUSED_CHANGE = """\
scenario: a change to an extension the seed does not have
version: 1
seed:
  changes:
    - {action: set_extension_status, extension: "101", status: Frozen}
    - {action: set_extension_status, extension: "999", status: Frozen}
steps:
  - advance: 1
"""


def test_a_seed_change_the_server_refuses_makes_the_file_unusable_naming_its_line(write):
    cli = Path(sys.executable).parent / "sms-emulator"
    result = subprocess.run([str(cli), "replay", str(write(REFUSED_CHANGE))], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 2, result.stdout
    assert "ERROR line 6: seed change" in result.stdout and "999" in result.stdout
    assert result.stdout.splitlines()[-1] == "0 passed, 0 failed, 1 unusable"


def test_pytest_reports_a_malformed_scenario_file_in_one_line(pytester: pytest.Pytester):
    pytester.makefile(".yaml", broken="scenario: x\nversion: 1\nsteps:\n  - advance: 1\n    colour: red\n")
    result = pytester.runpytest(*INNER_PYTEST)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*broken.yaml:5: unknown key(s) 'colour'; known: name, as, *(at steps*.colour)"])
    assert "Traceback" not in result.stdout.str()


def test_pytest_collects_scenarios_but_not_seeds_or_other_yaml(pytester: pytest.Pytester):
    pytester.makefile(".yaml", story=GOOD, seed="version: 1\nringcentral: {accounts: []}\n", other="a: 1\n")
    result = pytester.runpytest(*INNER_PYTEST, "-v")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*story.yaml::story PASSED*"])


def test_a_freeze_step_may_say_true_for_now(tmp_path):
    from emulator.scenario.format import load_scenario
    from emulator.scenario.runner import run_scenario

    path = tmp_path / "freeze.yaml"
    path.write_text("scenario: freeze now\nversion: 1\nseed: {clock: {}}\nsteps:\n  - freeze: true\n"
                    "  - request: {method: GET, path: /_emulator/clock}\n    expect: {body: {frozen: true}}\n",
                    encoding="utf-8")
    assert run_scenario(load_scenario(path)).passed


def test_a_mistyped_message_filter_is_a_load_error_naming_file_line_and_key(write):
    path = write("scenario: x\nversion: 1\nsteps:\n  - expect: {messages: [{where: {txt: hi}, count: 0}]}\n")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    message = str(caught.value)
    assert message.startswith(f"{path}:4: unknown key(s) 'txt'; known: provider, ")
    assert message.endswith("(at steps[0].expect.messages[0].where.txt)")


def test_message_checks_know_every_filter_and_field_of_the_control_api():
    from emulator.control.messages import FILTERS
    from emulator.emulator import Emulator
    from emulator.scenario.format import schema
    from emulator.scenario.runner import SERVER_FILTERS

    with Emulator() as emulator:
        emulator.inject_sms("+14155550100", "+16505550102", "hi")
        fields = set(emulator.messages()[0])
    defs = schema()["$defs"]
    assert set(defs["messageWhere"]["properties"]) == set(FILTERS) | fields
    assert set(defs["messageFields"]["properties"]) == fields
    assert set(SERVER_FILTERS) == set(FILTERS)
