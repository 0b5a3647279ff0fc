"""Tenants: isolated copies of the seeded world on one server, created on first use."""

from __future__ import annotations

import re

from .core.world import World
from .seed import Seed

TENANT_NAME = re.compile(r"^[A-Za-z0-9_.\-]{1,64}$")
DEFAULT_TENANT = "default"


class TenantNameError(ValueError):
    """A tenant name that cannot be used in a path or header."""


class Tenants:
    """Every tenant of one server; a new one starts from the seed and shares its directory until it edits it."""

    def __init__(self, seed: Seed) -> None:
        self.seed = seed
        self._worlds: dict[str, World] = {}

    def get(self, name: str = DEFAULT_TENANT) -> World:
        world = self._worlds.get(name)
        if world is None:
            if not TENANT_NAME.match(name):
                raise TenantNameError(f"tenant names are 1-64 letters, digits, '.', '_' or '-': {name!r}")
            world = self._worlds[name] = self.seed.new_world(name)
        return world

    def reset(self, name: str) -> World:
        """Put one tenant back to the seed, leaving the others alone."""
        self._worlds.pop(name, None)
        return self.get(name)

    def drop(self, name: str) -> None:
        self._worlds.pop(name, None)

    def replace_seed(self, seed: Seed) -> None:
        self.seed = seed
        self._worlds.clear()

    def names(self) -> list[str]:
        return sorted(self._worlds)
