"""A running emulator for fuzzing, and a tally of what the campaign tried, printed at the end."""

from __future__ import annotations

import collections

import pytest
import requests

from emulator import Emulator

TALLY: collections.Counter = collections.Counter()


@pytest.fixture(scope="session")
def fuzz_emulator():
    with Emulator() as running:
        yield running


@pytest.fixture(scope="session")
def http():
    with requests.Session() as session:
        yield session


def ringcentral_token(base: str) -> str:
    response = requests.post(f"{base}/restapi/oauth/token", auth=("rc-client-id", "rc-client-secret"), data={
        "grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "assertion": "rc-jwt-102",
        "access_token_ttl": "3600"})
    response.raise_for_status()
    return response.json()["access_token"]


def tally(provider: str, status: int) -> None:
    TALLY[(provider, "requests")] += 1
    TALLY[(provider, f"{status // 100}xx")] += 1


def pytest_terminal_summary(terminalreporter):
    """How many generated requests each provider answered, by status class."""
    if not TALLY:
        return
    terminalreporter.section("fuzzing: generated requests")
    for provider in sorted({p for p, _ in TALLY}):
        counts = {k: v for (p, k), v in TALLY.items() if p == provider}
        classes = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()) if k != "requests")
        terminalreporter.write_line(f"{provider:12} {counts['requests']:7d} requests ({classes})")
