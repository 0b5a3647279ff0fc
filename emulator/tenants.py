"""Tenants: isolated copies of the seeded world on one server, created on first use."""

from __future__ import annotations

import re
from typing import Callable

from .core.world import World
from .seed import Seed

TENANT_NAME = re.compile(r"[A-Za-z0-9_.\-]{1,64}")
DEFAULT_TENANT = "default"
DOT_SEGMENTS = (".", "..")  # clients remove them from a path, so /t/../x reaches the default tenant


class TenantNameError(ValueError):
    """A tenant name that cannot be used in a path or header."""


def check_name(name: str) -> str:
    if not TENANT_NAME.fullmatch(name) or name in DOT_SEGMENTS:  # whole: '$' would let a trailing newline through
        raise TenantNameError(f"tenant names are 1-64 letters, digits, '.', '_' or '-', and not '.' or '..' (which "
                              f"URLs drop from a path): {name!r}")
    return name


class Tenants:
    """Every tenant of one server; a new one starts from its seed and shares its directory until it edits it."""

    def __init__(self, seed: Seed) -> None:
        self.seed = seed
        self._worlds: dict[str, World] = {}
        self._seeds: dict[str, Seed] = {}
        self.on_new_world: list[Callable[[World], None]] = []  # told of each world made, a reset one included

    def get(self, name: str = DEFAULT_TENANT) -> World:
        world = self._worlds.get(name)
        if world is None:
            world = self._worlds[check_name(name)] = self.seed_of(name).new_world(name)
            for hook in self.on_new_world:
                hook(world)
        return world

    def current(self, name: str) -> World | None:
        """The tenant's world if it exists, made by nobody: a handler back from an await must not revive a tenant
        deleted meanwhile."""
        return self._worlds.get(name)

    def seed_of(self, name: str) -> Seed:
        """The tenant's own seed when it loaded one, else the server's."""
        return self._seeds.get(name, self.seed)

    def reset(self, name: str) -> World:
        """Put one tenant back to its seed, leaving the others alone."""
        self._worlds.pop(name, None)
        return self.get(name)

    def use_seed(self, name: str, seed: Seed) -> World:
        """Give one tenant a seed of its own and start it afresh from it."""
        self._seeds[check_name(name)] = seed
        return self.reset(name)

    def drop(self, name: str) -> None:
        self._worlds.pop(name, None)
        self._seeds.pop(name, None)

    def replace_seed(self, seed: Seed) -> None:
        self.seed = seed
        self._worlds.clear()
        self._seeds.clear()

    def names(self) -> list[str]:
        """In the order the tenants were made (the default, usually, first)."""
        return list(self._worlds)

    def has_own_seed(self, name: str) -> bool:
        return name in self._seeds

    def worlds(self) -> list[World]:
        """Every tenant's world that exists now."""
        return list(self._worlds.values())
