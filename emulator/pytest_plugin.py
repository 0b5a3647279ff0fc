"""pytest fixtures over Emulator: one server per session (per xdist worker), a fresh tenant per test."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, Iterator

import pytest

from .emulator import Emulator, Tenant
from .scenario.collect import pytest_collect_file  # noqa: F401  (scenario YAML files are test items)
from .seed import Seed, SeedError
from .server import ServerStartError

SEED_MARKER = "sms_emulator_seed"
TLS_MARKER = "sms_emulator_tls"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("sms-emulator")
    group.addoption("--sms-emulator-host", default="127.0.0.1", help="address the emulator listens on")
    group.addoption("--sms-emulator-port", type=port_number, default=0,
                    help="port of the emulator (default 0: a free one, safe with pytest-xdist; a fixed port "
                    "cannot be shared by several xdist workers)")
    group.addoption("--sms-emulator-tls", action="store_true",
                    help="serve https with a CA of its own (sms_emulator.ca_file), as the Voximplant client needs")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", f"{SEED_MARKER}(seed): the seed (YAML path, relative to the test file, dict "
                            "or Seed) this test's sms_emulator tenant starts from")
    config.addinivalue_line("markers", f"{TLS_MARKER}: this test's sms_emulator serves https (trust "
                            "sms_emulator.ca_file), as the Voximplant client needs; other tests keep plain http")


@pytest.fixture(scope="session")
def sms_emulator_server(pytestconfig: pytest.Config) -> Iterator[Emulator]:
    """The emulator, started once per session and worker; it raises ServerStartError rather than hang."""
    host = pytestconfig.getoption("--sms-emulator-host")
    port = pytestconfig.getoption("--sms-emulator-port")
    refuse_a_fixed_port_for_many_workers(pytestconfig, port)
    with Emulator(host=host, port=port, tls=pytestconfig.getoption("--sms-emulator-tls")) as emulator:
        yield emulator


@pytest.fixture(scope="session")
def sms_emulator_tls_server(pytestconfig: pytest.Config) -> Iterator[Emulator]:
    """An https emulator for tests marked sms_emulator_tls, started on a free port when the first one runs."""
    with Emulator(host=pytestconfig.getoption("--sms-emulator-host"), tls=True) as emulator:
        yield emulator


@pytest.fixture
def sms_emulator(request: pytest.FixtureRequest) -> Iterator[Tenant]:
    """A fresh tenant for this test: its own messages, tokens, clock, faults and journal."""
    server = serving_emulator(request)
    tenant = server.tenant(seed=resolved_seed(requested_seed(request), request.node.path))
    yield tenant
    server.drop_tenant(tenant.name)


def serving_emulator(request: pytest.FixtureRequest) -> Emulator:
    """The session's emulator; the https one for a test marked sms_emulator_tls when the session's is plain http."""
    wants_tls = request.node.get_closest_marker(TLS_MARKER) is not None
    if wants_tls and not request.config.getoption("--sms-emulator-tls"):
        return request.getfixturevalue("sms_emulator_tls_server")
    return request.getfixturevalue("sms_emulator_server")


def port_number(text: str) -> int:
    """A TCP port, 0 to 65535, refused by pytest's option parser with the option's name otherwise."""
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"a port is a number from 0 to 65535 (0: a free one), not {text!r}")
    return int(text)


def requested_seed(request: pytest.FixtureRequest) -> Any:
    """The seed a marker or an indirect parameter asks for; None for the session's."""
    marker = request.node.get_closest_marker(SEED_MARKER)
    if marker is None:
        return getattr(request, "param", None)
    seed = marker.args[0] if marker.args else marker.kwargs.get("seed")
    if not isinstance(seed, (str, Path, dict, Seed)):
        raise SeedError(f"@pytest.mark.{SEED_MARKER} takes a seed file's path, a dict or a Seed, got {seed!r}")
    return seed


def resolved_seed(seed: Any, test_file: Path) -> Any:
    """A relative seed path is looked for next to the test file first, then in the current directory."""
    if not isinstance(seed, (str, Path)) or Path(seed).is_absolute():
        return seed
    beside_test = test_file.parent / seed
    if beside_test.is_file():
        return beside_test
    if Path(seed).is_file():
        return seed
    raise SeedError(f"{seed}: no such seed file next to the test ({beside_test}) or in the current directory "
                    f"({Path.cwd() / seed})")


def refuse_a_fixed_port_for_many_workers(config: pytest.Config, port: int) -> None:
    """Every pytest-xdist worker starts its own emulator, so only one of them could listen on a fixed port."""
    workers = int(getattr(config, "workerinput", {}).get("workercount", 1))
    if port and workers > 1:
        raise ServerStartError(f"--sms-emulator-port {port} cannot be shared by {workers} pytest-xdist workers: "
                               "each worker starts its own emulator; leave the port at 0 (each picks a free one) "
                               "or run without -n")
