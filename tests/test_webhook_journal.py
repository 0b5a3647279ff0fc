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


async def test_waiting_for_a_tenant_after_a_reset_skips_what_it_sent_before(receiver):
    hooks = Webhooks()
    try:
        receiver.delay_s = 3
        hooks.send("t", "ringcentral", receiver.url, {"before": "the reset"}, {}, 0)
        await asyncio.sleep(0.05)
        hooks.forget("t")
        loop = asyncio.get_running_loop()
        started = loop.time()
        await hooks.settle("t")
        assert loop.time() - started < 1 and hooks.deliveries("t") == []
    finally:
        await hooks.close()


async def test_closing_ends_deliveries_a_slow_receiver_holds_instead_of_waiting_for_them(receiver):
    hooks = Webhooks()
    receiver.delay_s = 3
    hooks.send("t", "ringcentral", receiver.url, {"slow": True}, {}, 0)
    await asyncio.sleep(0.05)
    loop = asyncio.get_running_loop()
    started = loop.time()
    await hooks.close()
    assert loop.time() - started < 1.5 and hooks.deliveries("t") == []


async def test_a_tenant_that_is_gone_leaves_no_bookkeeping_behind():
    hooks = Webhooks()
    for name in ("a", "b"):
        hooks.forget(name)
        hooks.forget(name, gone=True)
    assert hooks._forgotten == {} and hooks.journals == {}
    await hooks.close()
