"""pytest collection of scenario files: one test item per file, the step report as the failure message."""

from __future__ import annotations

from pathlib import Path

import pytest

from .format import ScenarioError, is_scenario_file, load_scenario
from .runner import report, run_scenario


class ScenarioFailed(Exception):
    """A scenario step failed, or the file is not a usable scenario; the message is the report."""


class ScenarioItem(pytest.Item):
    """Runs one scenario on a fresh in-process emulator."""

    def runtest(self) -> None:
        try:
            scenario = load_scenario(self.path)
        except ScenarioError as error:
            raise ScenarioFailed(str(error)) from None
        result = run_scenario(scenario)
        if not result.passed:
            raise ScenarioFailed(report(result))

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, ScenarioFailed):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style)

    def reportinfo(self):
        return self.path, 0, f"scenario {self.path.name}"


class ScenarioFile(pytest.File):
    def collect(self):
        yield ScenarioItem.from_parent(self, name=self.path.stem)


def pytest_collect_file(file_path: Path, parent: pytest.Collector):
    """YAML files with a top-level `scenario:` key are scenarios; seeds and other YAML are left alone."""
    if is_scenario_file(file_path):
        return ScenarioFile.from_parent(parent, path=file_path)
    return None
