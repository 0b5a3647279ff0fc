"""The replay report: counts by outcome, and in -v what each passing step was checked against."""

from __future__ import annotations

from emulator.scenario.format import load_scenario
from emulator.scenario.runner import report, run_scenario

from .conftest import LIBRARY

HEADERS_ONLY = """\
scenario: the health check says it is JSON
version: 1
steps:
  - advance: 1
  - request: {method: GET, path: /_emulator/health}
    expect: {headers: {Content-Type: $contains json}}
    save: {kind: headers.Content-Type}
  - request: {method: GET, path: /_emulator/health}
"""


def test_a_failed_scenario_summary_counts_its_steps_by_outcome(tmp_path):
    broken = tmp_path / "broken.yaml"
    source = (LIBRARY / "ringcentral/sms-status-lifecycle.yaml").read_text(encoding="utf-8")
    broken.write_text(source.replace("messageStatus: Sent, smsDeliveryTime", "messageStatus: Delivered, x"))
    text = report(run_scenario(load_scenario(broken)))
    assert text.splitlines()[-1] == "  FAILED: 1 failed, 3 passed, 2 skipped of 6 steps"


def test_a_passed_scenario_summary_says_every_step_passed():
    result = run_scenario(load_scenario(LIBRARY / "ringcentral/sms-status-lifecycle.yaml"))
    assert report(result).splitlines()[-1] == "  passed: 6 of 6 steps"


def test_verbose_replay_says_what_was_checked_when_only_headers_are_expected(write):
    text = report(run_scenario(load_scenario(write(HEADERS_ONLY))), verbose=True)
    assert "ok: the control API accepted the advance (2xx)" in text
    assert 'ok: headers have {"Content-Type": "$contains json"}' in text
    assert "ok: saved kind from headers.Content-Type" in text
    assert text.count("ok: nothing expected") == 1  # the last step, which expects nothing indeed


TOKEN_OUTLIVED = """\
scenario: a RingCentral caller keeps working after the clock outruns its token
version: 1
steps:
  - as: ringcentral:101
    request: {method: GET, path: /restapi/v1.0/account/~/extension/~}
    expect: {status: 200}
  - advance: 2h
  - as: ringcentral:101
    request: {method: GET, path: /restapi/v1.0/account/~/extension/~}
    expect: {status: 200}
  - freeze: "2031-01-01T00:00:00Z"
  - as: ringcentral:101
    request: {method: GET, path: /restapi/v1.0/account/~/extension/~}
    expect: {status: 200}
"""


def test_as_logs_in_again_after_a_clock_step_so_an_hour_later_its_token_has_not_expired(write):
    result = run_scenario(load_scenario(write(TOKEN_OUTLIVED)))
    assert report(result).splitlines()[-1] == "  passed: 5 of 5 steps", report(result, verbose=True)


QUOTED_AND_WRONG_STATUS = """\
scenario: a quoted status matches, and a wrong one shows the body that says why
version: 1
steps:
  - request: {method: GET, path: /_emulator/health}
    expect: {status: "200"}
  - request: {method: GET, path: /restapi/v1.0/account/~/extension/~}
    expect: {status: 200}
"""


def test_a_quoted_status_matches_and_a_wrong_status_shows_the_body_that_says_why(write):
    text = report(run_scenario(load_scenario(write(QUOTED_AND_WRONG_STATUS))))
    assert "PASS  step 1" in text and "FAIL  step 2" in text, text
    assert "actual body:" in text and "errorCode" in text, text
