"""The Emulator: a seeded world served over HTTP in-process, usable with or without pytest."""

from __future__ import annotations

from pathlib import Path

from .core.world import World
from .seed import Seed, load_default_seed, load_seed_file
from .server import BackgroundServer
from .tenants import DEFAULT_TENANT, Tenants


class Emulator:
    """Start it (or use it as a context manager) and point any SDK at `url`."""

    def __init__(self, seed: Seed | str | Path | None = None, host: str = "127.0.0.1", port: int = 0) -> None:
        if seed is None:
            seed = load_default_seed()
        elif not isinstance(seed, Seed):
            seed = load_seed_file(seed)
        self.tenants = Tenants(seed)
        self.server = BackgroundServer(self.tenants, host, port)
        self.tenant = DEFAULT_TENANT

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def world(self) -> World:
        return self.tenants.get(self.tenant)

    def start(self) -> "Emulator":
        self.server.start()
        return self

    def stop(self) -> None:
        self.server.stop()

    def __enter__(self) -> "Emulator":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
