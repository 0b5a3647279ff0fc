"""The sms_emulator fixture as users meet it: installed through the pytest11 entry point, run by pytester."""

from __future__ import annotations

import re
import socket
import textwrap
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

INI = """
[pytest]
asyncio_mode = auto
asyncio_default_fixture_loop_scope = function
timeout = 60
"""


README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def python_block(heading: str, index: int) -> str:
    """The index-th ```python block after a heading of the README."""
    return re.findall(r"```python\n(.*?)```", README.split(heading, 1)[1], re.S)[index]


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


def test_without_tls_the_fixture_speaks_plain_http_and_its_ca_file_says_how_to_get_https(run):
    result = run("""
        import pytest
        from emulator.emulator import PlainHttpError

        def test_plain(sms_emulator):
            assert sms_emulator.url.startswith("http://") and sms_emulator.tls is None
            with pytest.raises(PlainHttpError, match="@pytest.mark.sms_emulator_tls.*--sms-emulator-tls"):
                sms_emulator.ca_file
    """)
    result.assert_outcomes(passed=1)


def test_the_readmes_pytest_examples_pass_together_in_one_plain_run(pytester: pytest.Pytester):
    pytester.makeini(INI)
    pytester.makeconftest(python_block("## pytest", 1))  # the shared tenant's fixture
    pytester.makepyfile(test_ringcentral=python_block("## pytest", 0), test_voximplant=python_block("## pytest", 2))
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", timeout=120)
    result.assert_outcomes(passed=3)


def test_a_test_marked_sms_emulator_tls_gets_https_while_the_others_keep_plain_http(run):
    result = run("""
        import pytest

        @pytest.mark.sms_emulator_tls
        def test_https(sms_emulator):
            assert sms_emulator.url.startswith("https://") and sms_emulator.ca_file.is_file()

        def test_plain(sms_emulator):
            assert sms_emulator.url.startswith("http://")
    """)
    result.assert_outcomes(passed=2)


def test_a_tls_run_leaves_no_temporary_certificate_folder_behind(run, tmp_path, monkeypatch):
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setenv("TMPDIR", str(temporary))
    result = run("""
        import pytest

        def test_https(sms_emulator):
            assert sms_emulator.ca_file.is_file()

        @pytest.mark.sms_emulator_tls
        def test_marked(sms_emulator):
            assert sms_emulator.ca_file.is_file()
    """, "--sms-emulator-tls")
    result.assert_outcomes(passed=2)
    assert not list(temporary.glob("sms-emulator-tls-*"))


def test_a_fixed_port_under_xdist_fails_with_an_error_that_says_why(run):
    result = run("""
        def test_one(sms_emulator):
            pass

        def test_two(sms_emulator):
            pass
    """, "-n", "2", "--sms-emulator-port", "18501")
    result.assert_outcomes(errors=2)
    result.stdout.fnmatch_lines(["*--sms-emulator-port 18501 cannot be shared by 2 pytest-xdist workers*"])


def test_a_marker_seed_path_is_found_next_to_the_test_file_when_run_from_elsewhere(pytester: pytest.Pytester):
    pytester.makeini(INI)
    tests = pytester.mkdir("tests")
    (tests / "myseed.yaml").write_text("version: 1\nringcentral:\n  accounts: [{id: '77'}]\n")
    (tests / "test_seeded.py").write_text(textwrap.dedent("""
        import pytest

        @pytest.mark.sms_emulator_seed("myseed.yaml")
        def test_seeded(sms_emulator):
            assert sms_emulator.ringcentral.account_id == "77"
    """))
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "tests/test_seeded.py", timeout=120)
    result.assert_outcomes(passed=1)


def test_a_marker_seed_path_relative_to_the_current_directory_still_works(pytester: pytest.Pytester):
    pytester.makeini(INI)
    (pytester.path / "seeds").mkdir()
    (pytester.path / "seeds" / "myseed.yaml").write_text("version: 1\nringcentral:\n  accounts: [{id: '78'}]\n")
    pytester.makepyfile(test_seeded="""
        import pytest

        @pytest.mark.sms_emulator_seed("seeds/myseed.yaml")
        def test_seeded(sms_emulator):
            assert sms_emulator.ringcentral.account_id == "78"

        @pytest.mark.sms_emulator_seed("missing.yaml")
        def test_missing(sms_emulator):
            pass
    """)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", timeout=120)
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*SeedError: missing.yaml: no such seed file next to the test*"])


def test_errors_in_the_fixture_name_the_missing_extension_or_credential(run):
    result = run("""
        import pytest

        SEED = {"version": 1, "ringcentral": {"accounts": [{"id": "9", "extensions": [{"number": "1"}]}]}}

        def test_unknown_extension(sms_emulator):
            with pytest.raises(KeyError, match="^world.set_extension_status.*: no extension 999 in account 1346632010"):
                sms_emulator.world.set_extension_status("1346632010", "999", "Frozen")

        @pytest.mark.sms_emulator_seed(SEED)
        def test_seed_without_credentials(sms_emulator):
            rc = sms_emulator.ringcentral
            with pytest.raises(KeyError, match="extension 101 of RingCentral account 9 has no jwt"):
                rc.jwt("101")
            with pytest.raises(KeyError, match="has no app in the seed"):
                rc.client_id
    """)
    result.assert_outcomes(passed=2)


def test_webhooks_async_waits_without_blocking_an_async_tests_receiver(run):
    result = run("""
        import aiohttp
        import pytest
        from aiohttp import web

        async def test_callback_reaches_a_receiver_on_the_tests_loop(sms_emulator, aiohttp_server):
            async def answer(request):
                return web.Response()

            app = web.Application()
            app.router.add_post("/hook", answer)
            server = await aiohttp_server(app)
            vox = sms_emulator.voximplant
            async with aiohttp.ClientSession() as session:
                await session.get(vox.url + "/platform_api/SetPhoneNumberInfo/", params={
                    "account_id": vox.account_id, "api_key": vox.api_key, "phone_number": "447443332211",
                    "incoming_sms_callback_url": str(server.make_url("/hook"))})
            sms_emulator.inject_sms("+14155550100", "+447443332211", "to the hook")
            [delivery] = await sms_emulator.webhooks_async()
            assert delivery["status"] == 200
            with pytest.raises(RuntimeError, match="webhooks_async"):
                sms_emulator.webhooks()
    """)
    result.assert_outcomes(passed=1)


def test_a_blocking_wait_for_in_an_async_test_refuses_at_once_and_names_the_async_one(run):
    result = run("""
        import pytest

        async def test_waits(sms_emulator):
            with pytest.raises(RuntimeError, match="running event loop.*await sms_emulator.wait_for_async"):
                sms_emulator.wait_for(1, timeout=5)
    """)
    result.assert_outcomes(passed=1)


def test_the_seed_marker_takes_its_seed_by_keyword_too_and_refuses_what_is_no_seed(run):
    result = run("""
        import pytest

        @pytest.mark.sms_emulator_seed(seed={"version": 1, "ringcentral": {"accounts": [{"id": "777"}]}})
        def test_keyword(sms_emulator):
            assert sms_emulator.ringcentral.account_id == "777"

        @pytest.mark.sms_emulator_seed(42)
        def test_no_seed(sms_emulator):
            pass
    """)
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*sms_emulator_seed takes a seed file's path, a dict or a Seed, got 42*"])


def test_a_port_out_of_range_is_refused_by_the_option_itself(run):
    result = run("def test_nothing():\n    pass\n", "--sms-emulator-port", "70000")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--sms-emulator-port*a port is a number from 0 to 65535*"])


def test_yaml_that_only_has_a_scenario_key_is_not_collected_as_a_scenario(pytester: pytest.Pytester):
    pytester.makeini(INI)
    molecule = "dependency: {name: galaxy}\nscenario:\n  name: default\nverifier: {name: testinfra}\n"
    pytester.makefile(".yml", molecule=molecule, loadtest="scenario: checkout-flow\nusers: 50\n")
    pytester.makepyfile(test_role="def test_role():\n    pass\n")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", timeout=120)
    result.assert_outcomes(passed=1)


def test_a_module_scoped_tenant_made_from_the_session_server_is_shared_and_then_dropped(run):
    result = run("""
        import pytest

        @pytest.fixture(scope="module")
        def shared_tenant(sms_emulator_server):
            tenant = sms_emulator_server.tenant()
            yield tenant
            sms_emulator_server.drop_tenant(tenant.name)

        def test_first(shared_tenant):
            shared_tenant.inject_sms("+14155550100", "+16505550103", "kept")

        def test_second(shared_tenant, sms_emulator):
            assert [m["text"] for m in shared_tenant.messages()] == ["kept"]
            assert sms_emulator.messages() == []
    """)
    result.assert_outcomes(passed=2)
