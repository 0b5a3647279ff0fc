"""What an installed copy of the package carries: a plain `pip install` must serve with the default seed."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import emulator
from emulator.seed import DEFAULT_SEED_PATH

ROOT = Path(__file__).resolve().parent.parent


def test_the_default_seed_lives_inside_the_package():
    assert DEFAULT_SEED_PATH.is_relative_to(Path(emulator.__file__).resolve().parent)


def test_a_built_wheel_carries_the_default_seed_and_the_voximplant_credentials(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir", str(tmp_path),
                    str(ROOT)], check=True, capture_output=True, timeout=300)
    [wheel] = tmp_path.glob("sms_emulator-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {"emulator/seeds/default.yaml", "emulator/seeds/voximplant-credentials.json"} <= names
