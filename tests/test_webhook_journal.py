"""The webhook delivery journal: each tenant keeps its own last deliveries, and a reset starts it afresh."""

from __future__ import annotations

import asyncio

from emulator import webhooks as webhooks_module
from emulator.webhooks import Webhooks


async def test_each_tenant_keeps_its_own_deliveries_however_busy_another_is(receiver, monkeypatch):
    monkeypatch.setattr(webhooks_module, "JOURNAL_SIZE", 2)
    hooks = Webhooks()
    try:
        hooks.send("quiet", "ringcentral", receiver.url, {"n": 0}, {}, 0)
        for n in range(5):
            hooks.send("busy", "ringcentral", receiver.url, {"n": n}, {}, 0)
        await hooks.settle()
        assert [d.body for d in hooks.deliveries("quiet")] == [{"n": 0}]
        assert len(hooks.deliveries("busy")) == 2
    finally:
        await hooks.close()


async def test_an_answer_that_comes_after_its_tenant_was_forgotten_is_not_journaled(receiver):
    hooks = Webhooks()
    try:
        receiver.delay_s = 0.2
        hooks.send("brief", "ringcentral", receiver.url, {"late": True}, {}, 0)
        await asyncio.sleep(0.05)
        assert hooks.forget("brief") == 0
        await hooks.settle()
        assert len(receiver.requests) == 1 and hooks.deliveries("brief") == []
    finally:
        await hooks.close()
