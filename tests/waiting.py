"""Waiting for what a server does on its own clock, so a slow machine makes a test slower rather than red."""

from __future__ import annotations

import asyncio
from typing import Callable

PATIENCE_S = 10.0  # far beyond the 50 ms between the server's clock readings, on any machine


async def eventually(check: Callable[[], bool], what: str, timeout_s: float = PATIENCE_S) -> None:
    """Poll `check` until it holds; fail naming `what` did not happen once `timeout_s` has passed."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    while not check():
        if loop.time() > deadline:
            raise AssertionError(f"{what}: not within {timeout_s:g} s")
        await asyncio.sleep(0.01)
