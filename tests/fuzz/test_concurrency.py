"""Many clients on many connections sending at once: afterwards every message is there exactly once."""

from __future__ import annotations

import asyncio
import base64
import collections

import aiohttp

from emulator import Emulator

CONNECTIONS = 50
MESSAGES = 5000
CLIENT_CREDENTIALS = base64.b64encode(b"rc-client-id:rc-client-secret").decode()
SENDERS = [
    ("ringcentral", "+16505550102"),
    ("phonecom", "+12125550101"),
    ("voximplant", "447443332211"),
]


async def rc_token(session: aiohttp.ClientSession, base: str) -> str:
    async with session.post(f"{base}/restapi/oauth/token", headers={"Authorization": f"Basic {CLIENT_CREDENTIALS}"},
                            data={"grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer",
                                  "assertion": "rc-jwt-102"}) as response:
        return (await response.json())["access_token"]


async def send(session: aiohttp.ClientSession, base: str, token: str, index: int) -> tuple[str, int]:
    provider, sender = SENDERS[index % len(SENDERS)]
    handset, text = f"+1415555{index % 10000:04d}", f"concurrent #{index}"
    if provider == "ringcentral":
        request = session.post(f"{base}/restapi/v1.0/account/~/extension/~/sms",
                               headers={"Authorization": f"Bearer {token}"},
                               json={"from": {"phoneNumber": sender}, "to": [{"phoneNumber": handset}], "text": text})
    elif provider == "phonecom":
        request = session.post(f"{base}/v4/accounts/2000001/sms", headers={"Authorization": "Bearer pc-owner-token"},
                               json={"from": sender, "to": handset, "text": text})
    else:
        request = session.post(f"{base}/platform_api/SendSmsMessage", data={
            "account_id": "3000001", "api_key": "vox-api-key", "source": sender,
            "destination": handset.lstrip("+"), "sms_body": text})
    async with request as response:
        body = await response.json()
        ok = response.status in (200, 201) and "error" not in body
        return provider, 1 if ok else 0


async def blast(base: str) -> collections.Counter:
    connector = aiohttp.TCPConnector(limit=CONNECTIONS, force_close=False)
    async with aiohttp.ClientSession(connector=connector) as session:
        token = await rc_token(session, base)
        gate = asyncio.Semaphore(CONNECTIONS)

        async def one(index: int):
            async with gate:
                return await send(session, base, token, index)

        results = await asyncio.gather(*(one(i) for i in range(MESSAGES)))
    accepted = collections.Counter()
    for provider, ok in results:
        accepted[provider] += ok
    return accepted


def test_five_thousand_concurrent_sends_on_fifty_connections_lose_and_duplicate_nothing():
    with Emulator() as emulator:
        tenant = emulator.tenant("concurrency")
        accepted = asyncio.run(blast(tenant.url))
        assert sum(accepted.values()) == MESSAGES, accepted
        received = [m for m in tenant.world.outside_messages()]
        texts = collections.Counter(m.text for m in received)
        assert len(received) == MESSAGES
        assert all(count == 1 for count in texts.values())
        assert set(texts) == {f"concurrent #{i}" for i in range(MESSAGES)}
        outbound = collections.Counter(m.provider for m in tenant.world.store.newest_first()
                                       if m.direction.value == "Outbound")
        assert outbound == {"ringcentral": 1667, "phonecom": 1667, "voximplant": 1666}
