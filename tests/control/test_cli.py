"""sms-emulator serve as CI runs it: port 0, a ready file, request logs, clean stop on signals."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

from emulator.app import build_app
from emulator.seed import load_default_seed
from emulator.serve import IdleSweep
from emulator.server import start_site
from emulator.tenants import Tenants

EXAMPLE = Path(__file__).with_name("ci_example.sh")
BIN = Path(sys.executable).parent


def env_with_cli() -> dict[str, str]:
    return {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}


def start(tmp_path: Path, *extra: str) -> tuple[subprocess.Popen, Path]:
    ready = tmp_path / "ready.url"
    process = subprocess.Popen([str(BIN / "sms-emulator"), "serve", "--port", "0", "--ready-file", str(ready), *extra],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 20
    while not ready.exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert ready.exists(), process.communicate(timeout=5)
    return process, ready


def test_the_ci_example_sends_an_sms_and_reads_it_back(tmp_path):
    result = subprocess.run(["bash", str(EXAMPLE)], cwd=tmp_path, env=env_with_cli(), capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr + (tmp_path / "sms-emulator.log").read_text()
    body = json.loads(result.stdout)
    assert [(m["from"], m["text"]) for m in body["messages"]] == [("+16505550102", "Your code is 123456")]
    assert "sms-emulator: stopped" in (tmp_path / "sms-emulator.log").read_text()


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_serve_on_port_zero_prints_the_port_writes_the_ready_file_and_stops_cleanly(tmp_path, signum):
    process, ready = start(tmp_path)
    base = ready.read_text().strip()
    with urllib.request.urlopen(base + "/_emulator/health", timeout=5) as response:
        assert json.load(response)["status"] == "ok"
    process.send_signal(signum)
    out, _ = process.communicate(timeout=10)
    assert process.returncode == 0
    assert f"listening on {base}" in out and "stopped" in out
    assert not ready.exists()


def test_a_stop_does_not_wait_for_a_webhook_receiver_that_never_answers(tmp_path):
    with socket.socket() as silent:  # takes the connection, never reads or answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        process, ready = start(tmp_path)
        base = ready.read_text().strip()
        hook = f"http://127.0.0.1:{silent.getsockname()[1]}/vox"
        urllib.request.urlopen(f"{base}/platform_api/SetAccountInfo/?account_id=3000001&api_key=vox-api-key"
                               f"&callback_url={hook}", timeout=5).close()
        request = urllib.request.Request(f"{base}/_emulator/inbound", method="POST", data=json.dumps(
            {"from": "+14155550100", "to": "+447443332211", "text": "to a silent app"}).encode(),
            headers={"Content-Type": "application/json"})
        urllib.request.urlopen(request, timeout=5).close()
        time.sleep(0.2)  # the delivery is on its way
        started = time.monotonic()
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=20)
        assert process.returncode == 0 and time.monotonic() - started < 3  # not the delivery's 10 s timeout


def test_serve_keeps_serving_without_a_traceback_once_its_output_pipe_is_closed(tmp_path):
    process, ready = start(tmp_path, "--log-requests")
    base = ready.read_text().strip()
    process.stdout.close()  # as `sms-emulator serve | head -3` does once it has read its lines
    for _ in range(2):  # each request prints a log line into the closed pipe
        with urllib.request.urlopen(base + "/_emulator/health", timeout=5) as response:
            assert response.status == 200
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=10)
    assert process.returncode == 0
    assert "Traceback" not in err and "BrokenPipe" not in err, err


def test_the_banner_names_every_seeded_credential_the_official_clients_take(tmp_path):
    process, _ = start(tmp_path)
    process.send_signal(signal.SIGTERM)
    out, _ = process.communicate(timeout=10)
    for credential in ("client_id=rc-client-id", "client_secret=rc-client-secret", "jwt=rc-jwt-102",
                       "access_token=pc-owner-token", "api_key=vox-api-key", "key_id=vox-key-id",
                       "voximplant-credentials.json"):
        assert credential in out, credential


def test_serve_with_tls_answers_https_that_trusts_the_printed_ca(tmp_path):
    process, ready = start(tmp_path, "--tls", "--tls-dir", str(tmp_path / "tls"))
    base = ready.read_text().strip()
    context = ssl.create_default_context(cafile=str(tmp_path / "tls" / "ca.pem"))
    with urllib.request.urlopen(base + "/_emulator/health", timeout=5, context=context) as response:
        assert base.startswith("https://") and json.load(response)["status"] == "ok"
    process.send_signal(signal.SIGTERM)
    out, _ = process.communicate(timeout=10)
    assert process.returncode == 0 and "TLS CA:" in out
    assert (tmp_path / "tls" / "ca.pem").is_file()  # the folder the user named stays


def test_log_requests_prints_one_json_line_per_request(tmp_path):
    process, ready = start(tmp_path, "--log-requests")
    base = ready.read_text().strip()
    urllib.request.urlopen(base + "/t/ci/_emulator/health", timeout=5).close()
    process.send_signal(signal.SIGTERM)
    out, _ = process.communicate(timeout=10)
    lines = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    assert [(e["tenant"], e["operation"], e["status"]) for e in lines] == [("ci", "control.health", 200)]


def test_requests_are_not_logged_unless_asked(tmp_path):
    process, ready = start(tmp_path)
    urllib.request.urlopen(ready.read_text().strip() + "/_emulator/health", timeout=5).close()
    process.send_signal(signal.SIGTERM)
    out, _ = process.communicate(timeout=10)
    assert not [line for line in out.splitlines() if line.startswith("{")]


def test_a_taken_port_is_a_clear_error_and_exit_code_one(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run([str(BIN / "sms-emulator"), "serve", "--port", str(port)], capture_output=True,
                                text=True, timeout=30)
    assert result.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr



@pytest.mark.parametrize("option", [
    ["--ready-file", "/nonexistent/d/x.url"],
    ["--record", "/nonexistent/d/s.yaml"],
    ["--tls", "--tls-dir", "/proc/x"],
    ["--port", "99999"],
], ids=["ready-file", "record", "tls-dir", "port"])
def test_an_unusable_option_is_one_line_on_stderr_and_exit_two_before_serving(option):
    result = subprocess.run([str(BIN / "sms-emulator"), "serve", *option], capture_output=True, text=True,
                            timeout=30)
    assert result.returncode == 2 and result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith(f"sms-emulator: {option[-2]} {option[-1]}")


UNWRITABLE_TLS_DIR = """
import argparse, sys
from emulator.serve import run_serve
from emulator.seed import DEFAULT_SEED_PATH

sys.exit(run_serve(argparse.Namespace(seed=str(DEFAULT_SEED_PATH), host="127.0.0.1", port=0, tls=True,
                                      tls_dir="/proc/x", ready_file=None, record=None)))
"""


def test_a_tls_folder_that_cannot_be_written_is_one_line_even_past_the_early_checks():
    result = subprocess.run([sys.executable, "-c", UNWRITABLE_TLS_DIR], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and result.stderr.startswith("sms-emulator: --tls-dir /proc/x: ")
    assert len(result.stderr.splitlines()) == 1


def test_a_malformed_request_gets_its_400_without_a_traceback_in_the_log(tmp_path):
    process, ready = start(tmp_path)
    port = int(ready.read_text().strip().rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=5) as raw:
        raw.sendall(b"GET / HTTP/1.1\r\nBad Header\r\n\r\n")
        assert raw.recv(100).startswith(b"HTTP/1.0 400 Bad Request")
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=10)
    assert process.returncode == 0 and err == ""


async def test_malformed_requests_are_logged_at_debug_while_server_errors_keep_their_traceback(caplog):
    async def broken(request: web.Request) -> web.Response:
        raise RuntimeError("a bug in a handler")

    app = web.Application()
    app.router.add_get("/broken", broken)
    runner, port = await start_site(app, "127.0.0.1", 0)
    caplog.set_level(logging.DEBUG, logger="aiohttp.server")
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"GET / HTTP/1.1\r\nBad Header\r\n\r\n")
        assert (await reader.read()).startswith(b"HTTP/1.0 400")
        writer.close()
        async with aiohttp.ClientSession() as session:
            async with session.get(f"http://127.0.0.1:{port}/broken") as response:
                assert response.status == 500
    finally:
        await runner.cleanup()
    logged = [(r.levelname, type(r.exc_info[1]).__name__) for r in caplog.records if r.exc_info]
    assert logged == [("DEBUG", "BadHttpMessage"), ("ERROR", "RuntimeError")]

async def test_a_pending_wait_is_answered_as_timed_out_when_the_server_stops_so_the_stop_is_prompt():
    runner, port = await start_site(build_app(Tenants(load_default_seed())), "127.0.0.1", 0)
    async with aiohttp.ClientSession() as session:
        async def wait_for_a_message():
            async with session.get(f"http://127.0.0.1:{port}/_emulator/wait?count=1&timeout=30") as response:
                return response.status, await response.json()

        waiting = asyncio.create_task(wait_for_a_message())
        await asyncio.sleep(0.2)
        await runner.cleanup()  # held for its grace period and then cut off, the wait would get no answer at all
        status, body = await waiting
    assert (status, body["timed_out"]) == (408, True), body
    assert body["message"] == "the server is stopping with 0 of 1 matching message(s)"


GC_PROBE = """
import gc
from emulator.serve import keep_collection_pauses_short

keep_collection_pauses_short()
stored = [[n] for n in range(5000)]  # long-lived records, as a store holds
gc.collect(1)
collectable = {id(o) for o in gc.get_objects()}  # every generation; frozen objects are in none
assert id(stored) not in collectable and not any(id(record) in collectable for record in stored)
cycle = [None]; cycle[0] = cycle; del cycle  # garbage that dies young is still collected
assert gc.collect(0) >= 1
"""


def test_serve_freezes_what_survives_so_collection_pauses_do_not_grow_with_the_store() -> None:
    result = subprocess.run([sys.executable, "-c", GC_PROBE], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


SWEEP_PROBE = """
import gc, weakref
from emulator.serve import keep_collection_pauses_short, sweep_frozen

keep_collection_pauses_short()

class Transport:  # like asyncio's socket transports: a cycle through a bound method
    def __init__(self):
        self.callback = self.read

    def read(self):
        pass

transport = Transport()
gone = weakref.ref(transport)
gc.collect(1)  # it lives through a collection of the older generation, so it is frozen
del transport
gc.collect()
assert gone() is not None, "frozen cycles are not collected by ordinary collections"
sweep_frozen()
assert gone() is None, "the sweep collects them"
"""


def test_an_idle_sweep_collects_cycles_that_were_frozen_while_alive() -> None:
    result = subprocess.run([sys.executable, "-c", SWEEP_PROBE], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


def test_the_sweep_waits_for_a_quiet_second_after_requests_and_then_a_minimum_interval() -> None:
    sweep = IdleSweep(idle_s=1.0, min_interval_s=30.0)
    assert not sweep.due(0, 100.0)  # nothing served yet
    assert not sweep.due(50, 101.0)  # busy
    assert not sweep.due(90, 102.0)  # still busy
    assert sweep.due(90, 103.0)  # a quiet second after requests
    assert not sweep.due(90, 104.0)  # nothing new since the sweep
    assert not sweep.due(95, 105.0) and not sweep.due(95, 106.0)  # new requests, but within the interval
    assert sweep.due(95, 134.0)


def test_replay_piped_into_a_reader_that_stops_early_ends_without_a_traceback():
    root = Path(__file__).resolve().parents[2]
    replay = subprocess.Popen([sys.executable, "-m", "emulator.cli", "replay", "-v", str(root / "scenarios")],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=root)
    replay.stdout.readline()
    replay.stdout.close()  # as `| head -1` does once it has its line
    errors = replay.stderr.read().decode()
    replay.wait(timeout=60)
    assert "Traceback" not in errors and "BrokenPipeError" not in errors, errors


def test_serve_stops_promptly_on_sigterm_while_a_long_poll_and_a_stalled_body_are_pending(tmp_path):
    process, ready = start(tmp_path)
    host, port = ready.read_text().strip().removeprefix("http://").split(":")
    waiting = socket.create_connection((host, int(port)))
    waiting.sendall(b"GET /_emulator/wait?count=1&timeout=280 HTTP/1.1\r\nHost: x\r\n\r\n")
    stalled = socket.create_connection((host, int(port)))
    stalled.sendall(b"POST /_emulator/inbound HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    b"Content-Length: 100\r\n\r\n{")
    time.sleep(0.3)
    started = time.monotonic()
    process.send_signal(signal.SIGTERM)
    process.communicate(timeout=20)
    waiting.close(), stalled.close()
    assert process.returncode == 0 and time.monotonic() - started < 5
