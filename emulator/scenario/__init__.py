"""Scenarios: YAML stories of a seed, steps and expectations, replayed from the CLI and collected by pytest."""

from .format import Scenario, ScenarioError, Step, load_scenario, scenario_files
from .runner import ScenarioResult, report, run_scenario

__all__ = ["Scenario", "ScenarioError", "ScenarioResult", "Step", "load_scenario", "report", "run_scenario",
           "scenario_files"]
