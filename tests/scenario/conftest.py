"""Helpers for scenario tests: the library's location and a way to write scenario files."""

from __future__ import annotations

from pathlib import Path

import pytest

LIBRARY = Path(__file__).resolve().parents[2] / "scenarios"


@pytest.fixture
def write(tmp_path):
    """Write a scenario file (text) and return its path."""
    def make(text: str, name: str = "story.yaml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path
    return make
