"""A request body must arrive whole within the server's deadline; one that stops short gets the provider's 408."""

from __future__ import annotations

import asyncio
import json
import time

import pytest

from emulator.app import build_app
from emulator.cli import main as cli_main
from emulator.encodings import BODY_TIMEOUT_S
from emulator.providers.voximplant.errors import INVALID_ARGUMENTS
from emulator.scenario.recorder import Recorder
from emulator.seed import load_default_seed
from emulator.tenants import Tenants

DEADLINE_S = 0.3
SMS = "/restapi/v1.0/account/~/extension/~/sms"
TOKEN = "/restapi/oauth/token"
RC_BASIC = "Basic cmMtY2xpZW50LWlkOnJjLWNsaWVudC1zZWNyZXQ="  # rc-client-id:rc-client-secret


@pytest.fixture
async def server(aiohttp_server):
    return await aiohttp_server(build_app(Tenants(load_default_seed()), body_timeout_s=DEADLINE_S))


async def exchange(port: int, head: str, pieces: list[bytes], pause_s: float = 0.0) -> tuple[bytes, float]:
    """Send the head, then each piece after a pause; the whole answer until the server closes, and how long."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    started = time.monotonic()
    writer.write(head.encode())
    for piece in pieces:
        await asyncio.sleep(pause_s)
        writer.write(piece)
    answer = await asyncio.wait_for(reader.read(65536), 5)
    writer.close()
    return answer, time.monotonic() - started


def status_and_json(answer: bytes) -> tuple[int, dict, bytes]:
    head, _, body = answer.partition(b"\r\n\r\n")
    return int(head.split()[1]), json.loads(body), head


def post_head(path: str, length: int, content_type: str = "application/json", extra: str = "") -> str:
    return (f"POST {path} HTTP/1.1\r\nHost: emulator\r\nContent-Type: {content_type}\r\n"
            f"Content-Length: {length}\r\n{extra}\r\n")


async def test_a_ringcentral_body_that_stops_short_gets_a_408_and_the_connection_closes(server):
    answer, took = await exchange(server.port, post_head(SMS, 100), [b'{"text": '])
    status, body, head = status_and_json(answer)
    assert status == 408
    assert body["errors"][0]["message"] == "The request body did not arrive within 0.3 s"
    assert b"Connection: close" in head
    assert DEADLINE_S <= took < 2


@pytest.mark.parametrize(("path", "envelope"), [
    ("/v4/accounts/1315/sms", lambda body: body["@error"]["@httpStatusCode"] == 408
     and "did not arrive" in body["@error"]["@message"]),
    ("/platform_api/SendSmsMessage", lambda body: body["error"]["code"] == INVALID_ARGUMENTS  # Voximplant's 200
     and "did not arrive" in body["error"]["msg"]),
    ("/_emulator/inbound", lambda body: body["error"]["status"] == 408
     and "did not arrive" in body["error"]["message"]),
], ids=["phonecom", "voximplant", "control"])
async def test_every_face_answers_a_body_that_stops_short_in_its_own_envelope(server, path, envelope):
    answer, _ = await exchange(server.port, post_head(path, 100), [b'{"text": '])
    assert envelope(status_and_json(answer)[1]), answer


async def test_a_body_that_trickles_in_within_the_deadline_is_read_whole(server):
    form = b"grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=rc-jwt-102"
    answer, _ = await exchange(server.port, post_head(TOKEN, len(form), "application/x-www-form-urlencoded",
                                                      f"Authorization: {RC_BASIC}\r\n"),
                               [form[:10], form[10:30], form[30:]], pause_s=0.05)
    status, body, _ = status_and_json(answer)
    assert status == 200 and body["token_type"] == "bearer", body


async def test_a_multipart_form_sent_after_its_headers_reaches_the_oauth_form_reader(server):
    boundary = "late-form"
    fields = {"grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "assertion": "rc-jwt-102"}
    form = "".join(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
                   for name, value in fields.items()).encode() + f"--{boundary}--\r\n".encode()
    head = post_head(TOKEN, len(form), f"multipart/form-data; boundary={boundary}", f"Authorization: {RC_BASIC}\r\n")
    answer, _ = await exchange(server.port, head, [form], pause_s=0.1)
    status, body, _ = status_and_json(answer)
    assert status == 200 and body["token_type"] == "bearer", body


async def test_a_recording_server_waits_out_one_deadline_not_two(aiohttp_server, tmp_path):
    seed = load_default_seed()
    app = build_app(Tenants(seed), body_timeout_s=DEADLINE_S)
    Recorder(tmp_path / "session.yaml", seed).install(app)
    server = await aiohttp_server(app)
    answer, took = await exchange(server.port, post_head(SMS, 100), [b"{"])
    assert status_and_json(answer)[0] == 408
    assert took < 2 * DEADLINE_S


def test_serve_documents_its_default_deadline_and_refuses_one_that_is_not_positive(capsys):
    with pytest.raises(SystemExit):
        cli_main(["serve", "--help"])
    assert f"(default: {BODY_TIMEOUT_S:g})" in " ".join(capsys.readouterr().out.split())
    for bad in ("0", "-1", "nan", "inf", "soon"):
        with pytest.raises(SystemExit):
            cli_main(["serve", "--body-timeout", bad])
        assert "not a positive number of seconds" in capsys.readouterr().err
