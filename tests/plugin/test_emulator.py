"""The Emulator class without pytest's fixtures: a context manager with the same helpers."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import aiohttp
import pytest
from aiohttp import web

from emulator.emulator import Emulator, PlainHttpError
from emulator.seed import SeedError, load_default_seed
from emulator.server import BackgroundServer, ServerStartError, ServerStoppedError
from emulator.tenants import Tenants


def test_emulator_as_a_context_manager_serves_and_reads_its_default_tenant():
    with Emulator() as emulator:
        emulator.inject_sms("+14155550100", "+16505550102", "hello")
        with urllib.request.urlopen(emulator.url + "/_emulator/messages", timeout=5) as response:
            assert [m["text"] for m in json.load(response)["messages"]] == ["hello"]
        assert emulator.tenant("other").messages() == []


def test_an_injected_mms_carries_its_files_as_bytes_to_the_mailbox_and_the_sdk():
    from ringcentral import SDK

    picture = bytes(range(256))
    with Emulator() as emulator:
        shown = emulator.inject_sms("+14155550100", "+16505550102", "see this", media=[
            {"content_type": "image/png", "file_name": "pic.png", "content": picture}])
        assert [(m["content_type"], m["size"]) for m in shown["media"]] == [("image/png", 256)]
        rc = emulator.ringcentral
        platform = SDK(rc.client_id, rc.client_secret, rc.url).platform()
        platform.login(jwt=rc.jwt("102"))
        record = platform.get("/restapi/v1.0/account/~/extension/~/message-store").json_dict()["records"][0]
        assert platform.get(record["attachments"][1]["uri"]).body() == picture


def test_tenants_of_one_emulator_get_unique_names_and_their_own_seed():
    seed = {"version": 1, "ringcentral": {"accounts": [{"id": "7"}]}}
    with Emulator() as emulator:
        first, second = emulator.tenant(), emulator.tenant(seed=seed)
        assert first.name != second.name
        assert (first.ringcentral.account_id, second.ringcentral.account_id) == ("1346632010", "7")
        with pytest.raises(LookupError, match="no phonecom account"):
            second.phonecom


def test_a_second_emulator_on_a_taken_port_raises_instead_of_hanging():
    with Emulator() as first:
        with pytest.raises(ServerStartError, match="cannot listen"):
            Emulator(port=first.server.port).start()


def test_unknown_message_filters_are_refused():
    with Emulator() as emulator:
        with pytest.raises(ValueError, match="unknown filter"):
            emulator.messages(colour="red")


def test_the_temporary_tls_folder_is_removed_when_the_emulator_stops():
    with Emulator(tls=True) as emulator:
        folder = emulator.tls.directory
        assert {p.name for p in folder.iterdir()} == {"ca.pem", "server.pem", "server-key.pem"}
    assert not folder.exists()


def test_the_temporary_tls_folder_is_removed_when_the_emulator_cannot_start():
    with Emulator() as first:
        second = Emulator(port=first.server.port, tls=True)
        with pytest.raises(ServerStartError):
            second.start()
        assert not second.tls.directory.exists()


def test_without_tls_asking_for_the_ca_file_says_how_to_get_https():
    with Emulator() as emulator:
        with pytest.raises(PlainHttpError, match="--sms-emulator-tls.*Emulator\\(tls=True\\)"):
            emulator.ca_file


def test_a_world_change_naming_what_does_not_exist_says_what_is_missing():
    with Emulator() as emulator:
        with pytest.raises(KeyError) as raised:
            emulator.world.set_extension_status("1346632010", "999", "Frozen")
        assert str(raised.value) == ("world.set_extension_status('1346632010', '999', 'Frozen'): "
                                     "no extension 999 in account 1346632010")


@pytest.mark.parametrize("change, message", [
    (lambda world: world.update_number("+16505550102", features="SmsSender"),
     "features must be a list of strings, got 'SmsSender'"),
    (lambda world: world.update_number("+16505550102", features=["SmsSnder"]), "features 'SmsSnder' is not one of"),
    (lambda world: world.update_number("+16505550102", sms_enabled="yes"), "sms_enabled must be a boolean"),
    (lambda world: world.set_extension_status("999", "103", "Frozen"), "no account 999 in this tenant"),
    (lambda world: world.set_extension_status("1346632010", "103", "Frozzen"),
     "status must be one of Enabled, Disabled, Frozen, got 'Frozzen'"),
])
def test_world_changes_are_checked_as_the_control_api_checks_them(change, message):
    with Emulator() as emulator:
        with pytest.raises(KeyError, match=message):
            change(emulator.world)
        number = emulator.world.directory.numbers["+16505550102"]
        unchanged = {"CallerId", "SmsSender", "MmsSender", "InternationalSmsSender"}
        assert (number.features, number.sms_enabled) == (unchanged, True)


def test_world_update_number_takes_a_number_without_its_plus_and_any_collection_of_features():
    with Emulator() as emulator:
        changed = emulator.world.update_number("16505550102", features=("SmsSender",), sms_enabled=False)
        assert (changed.number, changed.features, changed.sms_enabled) == ("+16505550102", {"SmsSender"}, False)


def test_world_changes_take_their_arguments_by_the_worlds_own_names_too():
    with Emulator() as emulator:
        emulator.world.set_extension_status(account_id="1346632010", number="103", status="Frozen")
        emulator.world.remove_member("1346632010", department="200", member="102")
        directory = emulator.world.directory
        assert directory.extension_by_number("1346632010", "103").status == "Frozen"
        assert "1346632010102" not in directory.extension_by_number("1346632010", "200").members


def test_a_world_handle_kept_across_a_reset_changes_the_tenants_new_world():
    with Emulator() as emulator:
        world = emulator.world
        emulator.reset()
        world.set_extension_status("1346632010", "103", "Frozen")
        assert emulator.world.directory.extension_by_number("1346632010", "103").status == "Frozen"


def test_credentials_the_seed_does_not_give_are_named_with_where_to_add_them():
    seed = {"version": 1, "ringcentral": {"accounts": [{"id": "9", "extensions": [{"number": "1", "jwt": "j1"}]}]}}
    with Emulator(seed=seed) as emulator:
        rc = emulator.ringcentral
        with pytest.raises(KeyError, match=r"^extension 101 of RingCentral account 9 has no jwt .*with one: 1\)"):
            rc.jwt("101")
        with pytest.raises(KeyError, match="no password .*with one: none"):
            rc.password("1")
        with pytest.raises(KeyError, match=r"account 9 has no app in the seed: add `apps: \[\{client_id"):
            rc.client_id
        assert rc.jwt("1") == rc.jwt(1) == "j1"  # an extension number given as an int is the same number


def test_a_seed_file_that_is_not_there_is_named_with_the_absolute_path_looked_at(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with Emulator() as emulator:
        with pytest.raises(SeedError, match=f"small.yaml: cannot read seed: No such file or directory "
                                            f"\\({tmp_path}/small.yaml\\)"):
            emulator.load_seed("small.yaml")


def test_webhooks_async_lets_a_receiver_on_the_tests_own_loop_answer():
    with Emulator() as emulator:
        delivered = asyncio.run(deliver_to_a_receiver_on_this_loop(emulator))
    assert [(d["status"], d["body"]["callbacks"][0]["sms_inbound"]["sms_body"]) for d in delivered] == [(200, "hook")]


def test_webhooks_called_from_a_running_loop_fails_at_once_and_names_the_async_one():
    async def sync_call_in_async_code(emulator: Emulator):
        started = time.monotonic()
        with pytest.raises(RuntimeError, match="running event loop.*await sms_emulator.webhooks_async"):
            emulator.webhooks()
        return time.monotonic() - started

    with Emulator() as emulator:
        assert asyncio.run(sync_call_in_async_code(emulator)) < 1


async def deliver_to_a_receiver_on_this_loop(emulator: Emulator) -> list[dict]:
    """A Voximplant callback receiver served by the calling loop, and an inbound SMS it is told about."""
    async def answer(request: web.Request) -> web.Response:
        return web.Response()

    app = web.Application()
    app.router.add_post("/hook", answer)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    hook = f"http://127.0.0.1:{runner.addresses[0][1]}/hook"
    try:
        vox = emulator.voximplant
        async with aiohttp.ClientSession() as session:
            async with session.get(vox.url + "/platform_api/SetPhoneNumberInfo/", params={
                    "account_id": vox.account_id, "api_key": vox.api_key, "phone_number": "447443332211",
                    "incoming_sms_callback_url": hook}) as response:
                assert (await response.json()) == {"result": 1}
        emulator.inject_sms("+14155550100", "+447443332211", "hook")
        return await emulator.webhooks_async()
    finally:
        await runner.cleanup()


def test_an_automatic_tenant_name_never_repeats_one_given_by_hand():
    with Emulator() as emulator:
        mine = emulator.tenant("tenant-1")
        mine.inject_sms("+14155550100", "+16505550103", "mine")
        automatic = emulator.tenant()
        assert automatic.name != "tenant-1"
        assert automatic.messages() == []


@pytest.mark.parametrize("host, url", [("::1", "http://[::1]:8080"), ("", "http://localhost:8080"),
                                       ("127.0.0.1", "http://127.0.0.1:8080"), ("0.0.0.0", "http://127.0.0.1:8080"),
                                       ("::", "http://[::1]:8080")])
def test_the_servers_url_is_one_a_client_can_use_for_any_host_it_listens_on(host, url):
    assert BackgroundServer(Tenants(load_default_seed()), host, 8080).url == url


def test_starting_a_running_emulator_again_is_refused_and_a_stopped_one_restarts():
    emulator = Emulator().start()
    try:
        with pytest.raises(RuntimeError, match="already running"):
            emulator.start()
    finally:
        emulator.stop()
    with emulator:
        with urllib.request.urlopen(emulator.url + "/_emulator/health", timeout=5) as answer:
            assert answer.status == 200


def test_a_stopped_tls_emulator_says_to_make_a_new_one_rather_than_serve_a_deleted_ca():
    emulator = Emulator(tls=True)
    with emulator:
        pass
    with pytest.raises(RuntimeError, match="make a new Emulator"):
        emulator.start()


@pytest.fixture
def slow_receiver():
    """A webhook receiver that takes 30 s to answer, as a hung application would."""
    release = threading.Event()

    class Slow(BaseHTTPRequestHandler):
        def do_POST(self):
            release.wait(30)
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Slow)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/hook"
    release.set()
    server.shutdown()
    server.server_close()


def test_a_slow_webhook_of_one_tenant_holds_up_no_other_tenant(slow_receiver):
    with Emulator() as emulator:
        first, second = emulator.tenant(), emulator.tenant()
        vox = first.voximplant
        urllib.request.urlopen(f"{vox.url}/platform_api/SetPhoneNumberInfo/?account_id={vox.account_id}"
                               f"&api_key={vox.api_key}&phone_number=447443332211"
                               f"&incoming_sms_callback_url={slow_receiver}", timeout=5).read()
        first.inject_sms("+14155550100", "+447443332211", "to a hung application")
        started = time.monotonic()
        assert second.webhooks() == []
        emulator.drop_tenant(first.name)  # as the fixture does after each test
        assert emulator.tenant().webhooks() == []
        assert time.monotonic() - started < 2


def test_webhooks_lists_a_delivery_its_receiver_never_answered_with_the_timeout(slow_receiver):
    """webhooks() waits out a delivery's own 10 s timeout, so the hung receiver's entry is there, with its error."""
    with Emulator() as emulator:
        vox = emulator.voximplant
        urllib.request.urlopen(f"{vox.url}/platform_api/SetPhoneNumberInfo/?account_id={vox.account_id}"
                               f"&api_key={vox.api_key}&phone_number=447443332211"
                               f"&incoming_sms_callback_url={slow_receiver}", timeout=5).read()
        emulator.inject_sms("+14155550100", "+447443332211", "to a hung application")
        [delivery] = emulator.webhooks()
    assert (delivery["status"], delivery["error"]) == (None, "TimeoutError")


def test_stopping_a_tls_emulator_a_client_keeps_a_connection_to_leaves_no_socket_open():
    script = (
        "import gc, warnings\n"
        "import requests\n"
        "from emulator.emulator import Emulator\n"
        "warnings.simplefilter('error')\n"
        "client = requests.Session()\n"
        "with Emulator(tls=True) as emulator:\n"
        "    assert client.get(emulator.url + '/_emulator/health', verify=str(emulator.ca_file)).status_code == 200\n"
        "gc.collect()\n")
    result = subprocess.run([sys.executable, "-X", "dev", "-c", script], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "ResourceWarning" not in result.stderr, result.stderr


def test_a_call_that_meets_a_stopping_emulator_runs_or_says_it_stopped_at_once():
    """Never a 10 s hang and a bare TimeoutError, nor a coroutine left unawaited."""
    outcomes: list[str] = []
    for _ in range(3):
        emulator = Emulator().start()
        tenant = emulator.tenant()
        go = threading.Event()

        def call_repeatedly():
            go.wait()
            for _ in range(50):
                try:
                    tenant.now_ms()
                    outcomes.append("ran")
                except ServerStoppedError:
                    outcomes.append("stopped")
                    return

        threads = [threading.Thread(target=call_repeatedly) for _ in range(4)]
        for thread in threads:
            thread.start()
        go.set()
        emulator.stop()
        started = time.monotonic()
        for thread in threads:
            thread.join(5)
        assert time.monotonic() - started < 2 and not any(thread.is_alive() for thread in threads)
    assert set(outcomes) <= {"ran", "stopped"} and "ran" in outcomes
