"""Scenarios: YAML stories of a seed, steps and expectations, replayed from the CLI and collected by pytest."""

from __future__ import annotations

from importlib import import_module
from typing import Any

EXPORTS = {
    "Scenario": "format", "ScenarioError": "format", "Step": "format", "load_scenario": "format",
    "scenario_files": "format", "ScenarioResult": "runner", "report": "runner", "run_scenario": "runner",
}
__all__ = list(EXPORTS)


def __getattr__(name: str) -> Any:
    """Names are loaded on first use, so the CLI and the pytest plugin start without the runner."""
    if name not in EXPORTS:
        raise AttributeError(name)
    return getattr(import_module(f".{EXPORTS[name]}", __name__), name)
