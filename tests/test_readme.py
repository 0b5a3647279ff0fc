"""The README's copy-paste examples run as written, with only the emulator's address filled in."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from emulator import Emulator

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def python_block(heading: str, index: int = 0) -> str:
    """The index-th ```python block after a heading."""
    section = README.split(heading, 1)[1]
    return re.findall(r"```python\n(.*?)```", section, re.S)[index]


def run(code: str, env: dict | None = None, cwd: Path = ROOT) -> str:
    result = subprocess.run([sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, timeout=60,
                            env=env)
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def emulator():
    with Emulator() as running:
        yield running


def test_the_ringcentral_sdk_example_runs(emulator):
    code = python_block("### RingCentral").replace("http://127.0.0.1:8080", emulator.tenant("readme-rc").url)
    output = run(code)
    assert "Queued" in output and "Outbound" in output


def test_the_ringcentral_mms_example_runs_after_the_login(emulator, tmp_path):
    (tmp_path / "receipt.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    login = python_block("### RingCentral").split("sms = platform.post", 1)[0]
    code = (login + python_block("### RingCentral", 1)).replace("http://127.0.0.1:8080",
                                                                  emulator.tenant("readme-mms").url)
    assert run(code, cwd=tmp_path).split()[-2:] == ["MmsAttachment", "264"]


def test_the_ringcentral_webhook_example_runs(emulator, webhook_endpoint):
    url, events, arrived = webhook_endpoint
    tenant = emulator.tenant("readme-hook")
    code = (python_block("### RingCentral webhooks").replace("http://127.0.0.1:8080", tenant.url)
            .replace("http://127.0.0.1:5000/webhook", url))
    output = run(code)
    assert "Active" in output
    tenant.inject_sms("+14155550100", "+16505550102", "to the webhook")
    assert arrived.wait(10) and events[0]["body"]["subject"] == "to the webhook"


def test_the_ringcentral_opt_out_example_runs(emulator):
    tenant = emulator.tenant("readme-opt-out")
    code = python_block("### RingCentral opt-outs").replace("http://127.0.0.1:8080", tenant.url)
    output = run(code)
    assert "'optStatus': 'OptOut'" in output and "'source': 'Api'" in output


def test_the_phonecom_events_example_runs(emulator, webhook_endpoint):
    url, events, arrived = webhook_endpoint
    tenant = emulator.tenant("readme-pc-events")
    code = python_block("### Phone.com", 2).replace("http://127.0.0.1:8080", tenant.url).replace(
        "http://127.0.0.1:5000/events", url)
    assert "2.0.0" in run(code)
    tenant.inject_sms("+14155550100", "+12125550101", "to the events callback")
    assert arrived.wait(10) and events[0]["data"]["message"] == "to the events callback"


def test_the_phonecom_messages_example_sends_an_mms_and_reads_its_file_back(emulator):
    tenant = emulator.tenant("readme-pc-messages")
    output = run(python_block("### Phone.com", 1).replace("http://127.0.0.1:8080", tenant.url)).split("\n")
    assert output[0].endswith(" mms") and output[1] == "queued b'GIF89a'"


def test_the_phonecom_app_token_example_runs(emulator):
    tenant = emulator.tenant("readme-pc-token")
    output = run(python_block("### Phone.com", 3).replace("http://127.0.0.1:8080", tenant.url))
    assert "account-owner 3600" in output


def test_the_ringcentral_high_volume_example_runs(emulator):
    code = python_block("### RingCentral high-volume SMS").replace("http://127.0.0.1:8080",
                                                                   emulator.tenant("readme-a2p").url)
    output = run(code)
    assert "Processing 2 []" in output and "+14155550111" in output


def test_the_phonecom_example_runs(emulator):
    code = python_block("### Phone.com").replace("http://127.0.0.1:8080", emulator.tenant("readme-pc").url)
    output = run(code)
    assert "Hello from Phone.com" in output


def test_the_voximplant_client_example_runs(tmp_path):
    import os

    with Emulator(tls=True) as emulator:
        endpoint = emulator.url.split("://", 1)[1]
        code = python_block("### Voximplant").replace("127.0.0.1:8443", endpoint)
        output = run(code, env={**os.environ, "REQUESTS_CA_BUNDLE": str(emulator.tls.ca_path)})
    assert "'result': 1" in output and "386" in output


def test_the_pytest_example_passes_as_written(pytester):
    pytester.makepyfile(test_example=python_block("## pytest"))
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-q")
    result.assert_outcomes(passed=2)


def test_the_readme_webhook_receiver_answers_the_ringcentral_handshake_and_prints_what_arrives(emulator, tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    receiver = python_block("### RingCentral webhooks", 1).replace("5000", str(port))
    (tmp_path / "receiver.py").write_text(receiver)
    process = subprocess.Popen([sys.executable, "-u", "receiver.py"], cwd=tmp_path, stdout=subprocess.PIPE,
                               text=True)
    try:
        tenant = emulator.tenant("readme-receiver")
        for _ in range(100):
            with socket.socket() as client:
                if client.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.05)
        code = (python_block("### RingCentral webhooks").replace("http://127.0.0.1:8080", tenant.url)
                .replace("127.0.0.1:5000", f"127.0.0.1:{port}"))
        assert "Active" in run(code)
        tenant.inject_sms("+14155550100", "+16505550102", "to the receiver")
        assert [d["status"] for d in tenant.webhooks()] == [200]
    finally:
        process.terminate()
        output = process.communicate(timeout=10)[0]
    assert "(handshake)" in output and "to the receiver" in output
