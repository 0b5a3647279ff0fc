"""pytest fixtures over Emulator: one server per session (per xdist worker), a fresh tenant per test."""

from __future__ import annotations

from typing import Iterator

import pytest

from .emulator import Emulator, Tenant
from .scenario.collect import pytest_collect_file  # noqa: F401  (scenario YAML files are test items)

SEED_MARKER = "sms_emulator_seed"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("sms-emulator")
    group.addoption("--sms-emulator-host", default="127.0.0.1", help="address the emulator listens on")
    group.addoption("--sms-emulator-port", type=int, default=0,
                    help="port of the emulator (default 0: a free one, safe with pytest-xdist)")
    group.addoption("--sms-emulator-tls", action="store_true",
                    help="serve https with a CA of its own (sms_emulator.ca_file), as the Voximplant client needs")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", f"{SEED_MARKER}(seed): the seed (YAML path, dict or Seed) this test's "
                            "sms_emulator tenant starts from")


@pytest.fixture(scope="session")
def sms_emulator_server(pytestconfig: pytest.Config) -> Iterator[Emulator]:
    """The emulator, started once per session and worker; it raises ServerStartError rather than hang."""
    host = pytestconfig.getoption("--sms-emulator-host")
    port = pytestconfig.getoption("--sms-emulator-port")
    with Emulator(host=host, port=port, tls=pytestconfig.getoption("--sms-emulator-tls")) as emulator:
        yield emulator


@pytest.fixture
def sms_emulator(sms_emulator_server: Emulator, request: pytest.FixtureRequest) -> Iterator[Tenant]:
    """A fresh tenant for this test: its own messages, tokens, clock, faults and journal."""
    marker = request.node.get_closest_marker(SEED_MARKER)
    seed = marker.args[0] if marker and marker.args else getattr(request, "param", None)
    tenant = sms_emulator_server.tenant(seed=seed)
    yield tenant
    sms_emulator_server.drop_tenant(tenant.name)
