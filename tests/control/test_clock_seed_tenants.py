"""GET/POST /clock, GET/PUT /seed, and tenants that never see each other."""

from __future__ import annotations

import asyncio
import json

import pytest

from emulator.tenants import Tenants

from emulator.seed import build_seed

from ..frozen_seed import FROZEN_AT, frozen_seed_data
from .conftest import BASIC


async def test_clock_reads_the_seeded_frozen_time(api):
    status, body = await api.call("GET", "/_emulator/clock")
    assert status == 200 and body["now"] == "2026-03-02T10:00:00.000Z" and body["frozen"] is True


async def test_advancing_the_clock_moves_an_sms_through_sent_to_delivered(api):
    await api.send_sms()
    await api.call("POST", "/_emulator/clock", json={"action": "advance", "seconds": 1})
    assert (await api.call("GET", "/_emulator/messages?direction=Outbound"))[1]["messages"][0]["status"] == "Sent"
    status, body = await api.call("POST", "/_emulator/clock", json={"action": "advance", "by": "1s"})
    assert status == 200 and body["now"] == "2026-03-02T10:00:02.000Z"
    assert (await api.call("GET", "/_emulator/messages?direction=Outbound"))[1]["messages"][0]["status"] == "Delivered"


async def test_clock_resumes_and_freezes_again_at_a_later_moment(api):
    status, body = await api.call("POST", "/_emulator/clock", json={"action": "resume"})
    assert status == 200 and body["frozen"] is False
    status, body = await api.call("POST", "/_emulator/clock", json={"action": "freeze", "at": "2030-01-01T00:00:00Z"})
    assert status == 200 and body == {"now": "2030-01-01T00:00:00.000Z", "now_ms": body["now_ms"], "frozen": True}


@pytest.mark.parametrize("command", [
    {"action": "rewind"},
    {},
    {"action": "advance"},
    {"action": "advance", "seconds": -1},
    {"action": "advance", "by": "soon"},
    {"action": "advance", "seconds": True},
    {"action": "advance", "seconds": 1, "by": "1s"},
    {"action": "freeze", "at": "2020-01-01T00:00:00Z"},
    {"action": "freeze", "at": 5},
    {"action": "resume", "speed": 2},
    {"action": "freeze", "seconds": 5},
    {"action": ["freeze"], "at": "2030-01-01T00:00:00Z"},
    {"action": {"a": 1}},
    {"action": "resume", "at": "2030-01-01T00:00:00Z"},
    {"action": "advance", "by": "1s", "at": "2030-01-01T00:00:00Z"},
    {"action": "advance", "seconds": 10 ** 400},
    {"action": "freeze", "at": "9999-12-31T23:59:59-23:59"},
    {"action": "freeze", "at": "9000-01-01T00:00:00.001Z"},
])
async def test_bad_clock_commands_are_refused_with_a_message(api, command):
    status, body = await api.call("POST", "/_emulator/clock", json=command)
    assert status == 400 and body["error"]["message"]


async def test_the_clock_stops_short_of_the_years_no_date_can_show_and_every_time_still_renders(api):
    status, body = await api.on("far").call("POST", "/_emulator/clock", json={"action": "freeze",
                                                                              "at": "8999-12-31T23:59:00Z"})
    assert status == 200 and body["now"] == "8999-12-31T23:59:00.000Z"
    status, body = await api.on("far").call("POST", "/_emulator/clock", json={"action": "advance", "by": "2m"})
    assert status == 400 and "9000-01-01" in body["error"]["message"]
    sent = await api.on("far").send_sms()  # lifetimes and delivery times past 9000 still have a year to show
    assert sent.status == 200, await sent.text()
    assert (await api.on("far").call("GET", "/_emulator/messages"))[0] == 200


async def test_a_clock_resumed_into_the_last_moment_it_can_show_is_refused_a_freeze_with_a_400(api):
    far = api.on("far")
    await far.call("POST", "/_emulator/clock", json={"action": "freeze", "at": "8999-12-31T23:59:59.950Z"})
    await far.call("POST", "/_emulator/clock", json={"action": "resume"})
    await asyncio.sleep(0.1)  # the running clock passes 9000-01-01
    status, body = await far.call("POST", "/_emulator/clock", json={"action": "freeze"})
    assert status == 400 and "9000-01-01" in body["error"]["message"]


@pytest.mark.parametrize("seed, words", [
    ({"clock": {"frozen_at": "9999-12-31T00:00:00Z"}}, "the clock stays between"),
    ({"clock": {"frozen_at": "0001-01-01T00:00:00+23:59"}}, "the clock stays between"),
    ({"clock": {"frozn_at": "2030-01-01T00:00:00Z"}}, "unknown key clock.frozn_at; did you mean 'frozen_at'?"),
    ({"clock": "2030-01-01T00:00:00Z"}, "clock is a mapping of frozen_at"),
    ({"delivery": {"sent_after": 1, "delivred_after": 2}},
     "unknown key delivery.delivred_after; did you mean 'delivered_after'?"),
    ({"delivery": {"speed": 2}}, "unknown key delivery.speed; known: sent_after, delivered_after"),
    ({"delivery": {"sent_after": 10 ** 400}}, "delivery.sent_after and delivery.delivered_after are seconds"),
    ({"delivery": {"delivered_after": "inf"}}, "delivery.sent_after and delivery.delivered_after are seconds"),
    ({"ringcentral": {"accounts": [{"id": 1, "extensions": 5}]}}, "accounts[0].extensions must be a list"),
    ({"ringcentral": {"accounts": [{"id": 1, "phone_numbers": 5}]}}, "accounts[0].phone_numbers must be a list"),
    ({"ringcentral": {"accounts": [{"id": 1, "extensions": [{"number": "1", "type": "Department", "members": 5}]}]}},
     "extensions[0].members must be a list"),
    ({"ringcentral": {"accounts": [{"id": 1, "extensions": [{"number": "101", "stauts": "Disabled"}]}]}},
     "extensions[0]: unknown key 'stauts'; did you mean 'status'?"),
    ({"phonecom": {"accounts": [{"id": 1, "phone_numbers": [{"number": "+16505550999", "sms_enabeld": False}]}]}},
     "phone_numbers[0]: unknown key 'sms_enabeld'; did you mean 'sms_enabled'?"),
    ({"voximplant": {"accounts": [{"id": 1, "api_kye": "k"}]}}, "unknown key 'api_kye'; did you mean 'api_key'?"),
    ({"ringcentral": {"accounts": [{"id": 1, "phone_numbers": [{"number": "+16505550999",
                                                              "features": ["A2PSmsSnder"]}]}]}},
     "features 'A2PSmsSnder' is not one of ringcentral's: A2PSmsSender"),
    ({"ringcentral": {"accounts": [{"id": 1, "phone_numbers": [{"number": "+16505550999", "usage_type": "x"}]}]}},
     "usage_type 'x' is not one of ringcentral's"),
])
async def test_a_seed_of_the_wrong_shape_or_range_is_refused_naming_the_field(api, seed, words):
    status, body = await api.on("shape").call("PUT", "/_emulator/seed", json={"version": 1, **seed})
    assert status == 400 and words in body["error"]["message"], body


async def test_a_yaml_seed_whose_aliases_expand_to_millions_of_values_is_refused_at_once(api):
    levels = ["ringcentral:", "  accounts: []", "  junk:", "    a0: &a0 [" + ", ".join(["lol"] * 10) + "]"]
    levels += [f"    a{n}: &a{n} [" + ", ".join([f"*a{n - 1}"] * 10) + "]" for n in range(1, 9)]
    status, body = await api.on("bomb").call("PUT", "/_emulator/seed", data="\n".join(levels),
                                             headers={"Content-Type": "application/yaml"})
    assert status == 400 and "1,000,000 values" in body["error"]["message"]


async def test_a_seed_nested_deeper_than_any_seed_needs_is_refused_and_not_loaded(api):
    nested: dict = {"version": 1, "ringcentral": {"accounts": []}}
    deep = nested["ringcentral"]
    for _ in range(900):
        deep["x"] = {}
        deep = deep["x"]
    status, body = await api.on("deep").call("PUT", "/_emulator/seed", data=json.dumps(nested),
                                             headers={"Content-Type": "application/json"})
    assert status == 400 and "nested deeper than 32 levels" in body["error"]["message"]
    assert (await api.on("deep").call("GET", "/_emulator/seed"))[0] == 200


async def test_each_tenant_has_its_own_clock(api):
    await api.on("a").call("POST", "/_emulator/clock", json={"action": "advance", "by": "1h"})
    assert (await api.on("b").call("GET", "/_emulator/clock"))[1]["now"] == "2026-03-02T10:00:00.000Z"


async def test_get_seed_returns_the_seed_as_json(api):
    status, body = await api.call("GET", "/_emulator/seed")
    assert status == 200 and body["tenant"] == "default"
    assert body["seed"]["ringcentral"]["accounts"][0]["id"] == "1346632010"


def small_seed(extension_jwt: str = "rc-jwt-777") -> dict:
    return {"version": 1, "clock": {"frozen_at": FROZEN_AT}, "ringcentral": {"accounts": [{
        "id": "42", "apps": [{"client_id": "rc-client-id", "client_secret": "rc-client-secret"}],
        "extensions": [{"number": "777", "name": "Solo", "jwt": extension_jwt}],
        "phone_numbers": [{"number": "+16505550777", "extension": "777", "features": ["SmsSender"]}]}]}}


async def test_put_seed_as_json_changes_this_tenant_only(api):
    status, body = await api.on("custom").call("PUT", "/_emulator/seed", json=small_seed())
    assert status == 200 and body["tenant"] == "custom" and body["seed"]["ringcentral"]["accounts"][0]["id"] == "42"
    sent = await api.on("custom").send_sms(jwt="rc-jwt-777", sender="+16505550777")
    assert sent.status == 200
    with pytest.raises(AssertionError, match="OAU-140"):
        await api.send_sms(jwt="rc-jwt-777", sender="+16505550777")
    assert (await api.call("GET", "/_emulator/seed"))[1]["seed"]["ringcentral"]["accounts"][0]["id"] == "1346632010"


async def test_put_seed_as_yaml_text_is_kept_across_a_reset(api):
    yaml_text = "version: 1\nringcentral:\n  accounts:\n    - id: '43'\n"
    status, body = await api.on("y").call("PUT", "/_emulator/seed", data=yaml_text,
                                         headers={"Content-Type": "application/yaml"})
    assert status == 200 and body["seed"]["ringcentral"]["accounts"][0]["id"] == "43"
    await api.on("y").call("POST", "/_emulator/reset")
    assert (await api.on("y").call("GET", "/_emulator/seed"))[1]["seed"]["ringcentral"]["accounts"][0]["id"] == "43"


@pytest.mark.parametrize("body, content_type, words", [
    ('{"version": 1, "twilio": {}}', "application/json", "unknown seed section"),
    ("{", "application/json", "not valid JSON"),
    ("ringcentral: [unclosed", "application/yaml", "not valid YAML"),
    ("", "application/yaml", "empty"),
    ("- a list", "application/yaml", "a seed is a mapping"),
    ('{"version": 2}', "application/json", "version 2"),
    ('{"version": 1, "retention": 0}', "application/json", "retention is a positive number of messages"),
    ('{"version": 1, "media_retention": true}', "application/json",
     "media_retention is a positive number of bytes of MMS files"),
])
async def test_bad_seeds_are_refused_with_the_loaders_message(api, body, content_type, words):
    status, answer = await api.call("PUT", "/_emulator/seed", data=body, headers={"Content-Type": content_type})
    assert status == 400 and words in answer["error"]["message"]
    assert (await api.call("GET", "/_emulator/seed"))[1]["seed"]["ringcentral"]["accounts"][0]["id"] == "1346632010"


async def test_two_clients_on_two_tenants_send_in_parallel_and_see_only_their_own(api):
    async def send_many(tenant: str) -> None:
        for i in range(10):
            assert (await api.on(tenant).send_sms(f"{tenant}-{i}")).status == 200

    await asyncio.gather(send_many("left"), send_many("right"))
    for tenant in ("left", "right"):
        _, body = await api.on(tenant).call("GET", "/_emulator/messages?provider=outside&limit=100")
        assert body["total"] == 10
        assert all(m["text"].startswith(tenant) for m in body["messages"])


async def test_a_token_issued_in_one_tenant_is_unknown_in_another(api):
    token = await api.on("a").client.post("/t/a/restapi/oauth/token", headers={"Authorization": BASIC}, data={
        "grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "assertion": "rc-jwt-102"})
    access = (await token.json())["access_token"]
    other = await api.client.get("/t/b/restapi/v1.0/account/~/extension/~",
                                 headers={"Authorization": f"Bearer {access}"})
    assert other.status == 401


def test_a_new_tenant_shares_the_seeded_directory_until_it_changes_it():
    tenants = Tenants(build_seed(frozen_seed_data()))
    fresh = tenants.get("fresh")
    assert fresh.directory is tenants.seed.directory
    fresh.remove_member("1346632010", "200", "102")
    assert fresh.directory is not tenants.seed.directory
    assert tenants.get("untouched").directory is tenants.seed.directory


async def test_openapi_document_is_served_and_describes_every_control_route(api):
    status, document = await api.call("GET", "/_emulator/openapi.json")
    assert status == 200 and document["openapi"].startswith("3.")
    routes = {(r.method.lower(), r.resource.canonical) for r in api.client.app.router.routes()
              if r.resource and r.resource.canonical.startswith("/_emulator")}
    described = {(m, p) for p, item in document["paths"].items() for m in item}
    implicit_heads = {("head", p) for m, p in routes if m == "get"} - described  # HEAD as GET, by HTTP's rule
    assert routes - implicit_heads == described, json.dumps(sorted((routes - implicit_heads) ^ described))


@pytest.mark.parametrize("change, words", [
    (lambda d: d["voximplant"]["accounts"][0].update(store_outbound_sms="false"), "store_outbound_sms: must be true"),
    (lambda d: d["voximplant"]["accounts"][0]["phone_numbers"][0].update(deactivated="no"), "deactivated: must be"),
    (lambda d: d["ringcentral"]["accounts"][0]["phone_numbers"][0].update(sms_enabled="false"), "sms_enabled: must"),
    (lambda d: d["ringcentral"]["accounts"][0].update(rate_limits="yes"), "rate_limits: true, false, or a mapping"),
    (lambda d: d["ringcentral"]["accounts"][0].update(rate_limits={"Fast": 5}), "unknown group 'Fast'"),
    (lambda d: d["ringcentral"]["accounts"][0].update(rate_limits={"Medium": 10**9}), "rate_limits.Medium"),
])
async def test_a_seed_flag_or_rate_limit_of_the_wrong_kind_is_refused_naming_it(api, change, words):
    data = frozen_seed_data()
    change(data)
    status, answer = await api.call("PUT", "/_emulator/seed", data=json.dumps(data),
                                    headers={"Content-Type": "application/json"})
    assert status == 400 and words in answer["error"]["message"], answer


async def test_tenants_are_listed_with_their_messages_and_a_deleted_one_is_forgotten(api):
    await api.on("kept").send_sms()
    await api.on("gone").call("PUT", "/_emulator/seed", json=small_seed())
    await api.on("gone").send_sms(jwt="rc-jwt-777", sender="+16505550777")
    status, body = await api.call("GET", "/_emulator/tenants")
    listed = {t["name"]: t for t in body["tenants"]}
    assert status == 200 and {"default", "kept", "gone"} <= set(listed)
    assert (listed["kept"]["messages"], listed["kept"]["own_seed"]) == (2, False)  # the sender's copy, the handset's
    assert (listed["gone"]["messages"], listed["gone"]["own_seed"]) == (2, True)
    status, body = await api.on("gone").call("DELETE", "/_emulator/tenant")
    assert status == 200 and body == {"status": "deleted", "tenant": "gone"}
    names = [t["name"] for t in (await api.call("GET", "/_emulator/tenants"))[1]["tenants"]]
    assert "gone" not in names and "kept" in names
    _, seed = await api.on("gone").call("GET", "/_emulator/seed")  # named again: afresh, from the server's seed
    assert seed["seed"]["ringcentral"]["accounts"][0]["id"] == "1346632010"
    assert (await api.on("gone").call("GET", "/_emulator/messages"))[1]["total"] == 0


async def test_a_yaml_seed_whose_aliases_repeat_a_long_text_is_refused_at_once(api):
    text = ("ringcentral:\n  accounts:\n    - id: '1'\n      blob:\n        s: &s " + "x" * 200_000 + "\n"
            + "".join(f"        a{n}: &a{n} [" + ", ".join([f"*{'s' if n == 1 else f'a{n - 1}'}"] * 10) + "]\n"
                      for n in range(1, 5)))
    status, body = await api.on("textbomb").call("PUT", "/_emulator/seed", data=text,
                                                 headers={"Content-Type": "application/yaml"})
    assert status == 400 and "characters of text" in body["error"]["message"]


@pytest.mark.parametrize("name", [".", ".."])
async def test_a_tenant_named_as_a_dot_segment_is_refused_as_clients_would_drop_it_from_the_path(api, name):
    response = await api.client.get("/_emulator/health", headers={"X-Emulator-Tenant": name})
    assert response.status == 400 and "not '.' or '..'" in (await response.json())["error"]["message"]


async def test_a_wait_pending_when_its_tenant_is_deleted_does_not_bring_the_tenant_back(api):
    waiting = asyncio.ensure_future(api.on("brief").call("GET", "/_emulator/wait?count=1&timeout=0.3"))
    await asyncio.sleep(0.05)
    await api.on("brief").call("DELETE", "/_emulator/tenant")
    status, _ = await waiting
    assert status == 408
    assert "brief" not in [t["name"] for t in (await api.call("GET", "/_emulator/tenants"))[1]["tenants"]]


@pytest.mark.parametrize("query", ["count=1_0", "count=%D9%A3", "timeout=-0", "timeout=1e3", "count=+1"])
async def test_control_numbers_are_plain_ascii_digits(api, query):
    status, body = await api.call("GET", f"/_emulator/wait?{query}")
    assert status == 400 and query.split("=")[0] in body["error"]["message"]
