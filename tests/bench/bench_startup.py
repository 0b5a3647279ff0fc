"""Per-test cost of the sms_emulator fixture, and the cold start of `sms-emulator serve`."""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

TENANTS = 1000
COLD_STARTS = 5


def fixture_cost_ms() -> float:
    """Per test, what the sms_emulator fixture does: a new tenant whose world is made, then dropped."""
    from emulator import Emulator

    with Emulator() as emulator:
        started = time.perf_counter()
        for _ in range(TENANTS):
            tenant = emulator.tenant()
            assert tenant.world.name == tenant.name
            emulator.drop_tenant(tenant.name)
        return (time.perf_counter() - started) / TENANTS * 1000


def cold_start_ms() -> float:
    """Median time from spawning `sms-emulator serve --port 0` to the first 200 from /_emulator/health."""
    times = []
    with tempfile.TemporaryDirectory(prefix="sms-bench-") as tmp:
        ready = Path(tmp) / "ready.url"
        for _ in range(COLD_STARTS):
            ready.unlink(missing_ok=True)
            started = time.perf_counter()
            process = subprocess.Popen([sys.executable, "-m", "emulator.cli", "serve", "--port", "0", "--ready-file",
                                        str(ready)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                wait_for_health(ready)
                times.append((time.perf_counter() - started) * 1000)
            finally:
                process.terminate()
                process.wait(5)
    return statistics.median(times)


def wait_for_health(ready: Path) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if ready.exists() and ready.read_text().endswith("\n"):
            try:
                with urllib.request.urlopen(ready.read_text().strip() + "/_emulator/health", timeout=5) as response:
                    if response.status == 200:
                        return
            except OSError:
                pass
        time.sleep(0.002)
    raise RuntimeError("the emulator did not answer /_emulator/health")


if __name__ == "__main__":
    print(f"fixture {fixture_cost_ms():.2f} ms/test, cold start {cold_start_ms():.0f} ms")
