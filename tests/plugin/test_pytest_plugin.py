"""The sms_emulator fixture as users meet it: installed through the pytest11 entry point, run by pytester."""

from __future__ import annotations

import socket

import pytest

pytest_plugins = ["pytester"]

INI = """
[pytest]
asyncio_mode = auto
asyncio_default_fixture_loop_scope = function
timeout = 60
"""


@pytest.fixture
def run(pytester: pytest.Pytester):
    pytester.makeini(INI)

    def runner(source: str, *args: str) -> pytest.RunResult:
        pytester.makepyfile(test_user=source)
        return pytester.runpytest_subprocess("-p", "no:cacheprovider", *args, timeout=120)
    return runner


def test_each_test_gets_a_fresh_tenant_that_sees_nothing_of_the_others(run):
    result = run("""
        def test_first(sms_emulator):
            sms_emulator.inject_sms("+14155550100", "+16505550102", "for the first test")
            assert len(sms_emulator.messages()) == 1

        def test_second(sms_emulator):
            assert sms_emulator.messages() == []

        def test_same_server_different_tenant(sms_emulator, sms_emulator_server):
            assert sms_emulator.url.startswith(sms_emulator_server.url + "/t/")
    """)
    result.assert_outcomes(passed=3)


def test_a_sync_test_sends_with_the_official_ringcentral_sdk(run):
    result = run("""
        from ringcentral import SDK

        def test_send(sms_emulator):
            rc = sms_emulator.ringcentral
            assert (rc.client_id, rc.client_secret, rc.jwt("102")) == ("rc-client-id", "rc-client-secret", "rc-jwt-102")
            platform = SDK(rc.client_id, rc.client_secret, rc.url).platform()
            platform.login(jwt=rc.jwt("102"))
            platform.post("/restapi/v1.0/account/~/extension/~/sms", {
                "from": {"phoneNumber": "+16505550102"}, "to": [{"phoneNumber": "+14155550100"}], "text": "hi"})
            [received] = sms_emulator.wait_for(1, timeout=5, to="+14155550100", direction="Inbound")
            assert received["text"] == "hi" and received["provider"] == "outside"
            sms_emulator.advance(5)
            [sent] = sms_emulator.messages(provider="ringcentral", direction="Outbound")
            assert sent["status"] == "Delivered"
    """)
    result.assert_outcomes(passed=1)


def test_an_async_test_uses_the_fixture_with_aiohttp(run):
    result = run("""
        import aiohttp

        async def test_async(sms_emulator):
            async with aiohttp.ClientSession() as session:
                async with session.post(sms_emulator.url + "/_emulator/inbound", json={
                        "from": "+14155550100", "to": "+16505550103", "text": "async hello"}) as response:
                    assert response.status == 201
            [message] = await sms_emulator.wait_for_async(1, timeout=5, text="async")
            assert message["extension"] == "1346632010103"
    """)
    result.assert_outcomes(passed=1)


def test_faults_world_changes_and_seed_markers_work_from_python(run):
    result = run("""
        import pytest
        from ringcentral import SDK

        SEED = {"version": 1, "ringcentral": {"accounts": [{"id": "9", "apps": [
            {"client_id": "c", "client_secret": "s"}], "extensions": [{"number": "1", "jwt": "j1"}]}]}}

        def test_fault_from_python(sms_emulator):
            rule = sms_emulator.fault(operation="ringcentral.createSMSMessage", fail_delivery="SMS-CAR-413")
            assert rule["id"] == 1
            rc = sms_emulator.ringcentral
            platform = SDK(rc.client_id, rc.client_secret, rc.url).platform()
            platform.login(jwt=rc.jwt("102"))
            platform.post("/restapi/v1.0/account/~/extension/~/sms", {
                "from": {"phoneNumber": "+16505550102"}, "to": [{"phoneNumber": "+14155550100"}], "text": "x"})
            sms_emulator.advance("5s")
            assert sms_emulator.messages(direction="Outbound")[0]["status"] == "DeliveryFailed"
            assert sms_emulator.journal()[0]["fault"] == 1

        def test_world_changes_run_on_the_server_loop(sms_emulator):
            sms_emulator.world.set_extension_status("1346632010", "103", "Disabled")
            assert sms_emulator.inject_sms("+14155550100", "+16505550103", "dropped") is None

        @pytest.mark.sms_emulator_seed(SEED)
        def test_marker_picks_another_seed(sms_emulator):
            assert sms_emulator.ringcentral.account_id == "9"

        @pytest.mark.parametrize("sms_emulator", [SEED], indirect=True)
        def test_parameter_picks_another_seed(sms_emulator):
            assert sms_emulator.ringcentral.jwt("1") == "j1"

        def test_wait_for_times_out_with_what_it_saw(sms_emulator):
            sms_emulator.inject_sms("+14155550100", "+16505550102", "only one")
            with pytest.raises(TimeoutError, match="1 matched"):
                sms_emulator.wait_for(2, timeout=0.2)
    """)
    result.assert_outcomes(passed=5)


def test_the_fixture_works_under_pytest_xdist(run):
    body = "".join(f"""
        def test_isolated_{i}(sms_emulator):
            sms_emulator.inject_sms("+14155550100", "+16505550102", "n{i}")
            assert [m["text"] for m in sms_emulator.messages()] == ["n{i}"]
    """ for i in range(6))
    result = run(body, "-n", "2")
    result.assert_outcomes(passed=6)


def test_a_taken_port_fails_with_a_clear_error_instead_of_hanging(run):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run("""
            def test_needs_server(sms_emulator):
                pass
        """, f"--sms-emulator-port={port}")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines([f"*ServerStartError: cannot listen on 127.0.0.1:{port}*"])


def test_with_tls_the_official_voximplant_client_works_through_the_fixture(run):
    result = run("""
        from voximplant.apiclient import VoximplantAPI

        def test_send(sms_emulator, monkeypatch):
            vox = sms_emulator.voximplant
            monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(sms_emulator.ca_file))
            api = VoximplantAPI(str(vox.credentials_file), endpoint=vox.endpoint)
            assert api.send_sms_message("447443332211", "447443332212", "over https")["result"] == 1
            assert vox.url.startswith("https://") and sms_emulator.messages()[0]["text"] == "over https"
    """, "--sms-emulator-tls")
    result.assert_outcomes(passed=1)


def test_without_tls_the_fixture_speaks_plain_http_and_has_no_ca(run):
    result = run("""
        def test_plain(sms_emulator):
            assert sms_emulator.url.startswith("http://") and sms_emulator.ca_file is None
    """)
    result.assert_outcomes(passed=1)
