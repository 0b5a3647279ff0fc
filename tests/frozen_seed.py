"""The default seed with its clock frozen, so tests see the same times and ids on every run."""

from __future__ import annotations

from pathlib import Path

import yaml

from emulator.seed import DEFAULT_SEED_PATH

FROZEN_AT = "2026-03-02T10:00:00Z"


def frozen_seed_data() -> dict:
    data = yaml.safe_load(Path(DEFAULT_SEED_PATH).read_text())
    data["clock"] = {"frozen_at": FROZEN_AT}
    return data
