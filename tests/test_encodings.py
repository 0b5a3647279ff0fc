"""Compressed request bodies: decoded whole by the application, and every failure is the provider's own error."""

from __future__ import annotations

import gzip
import json
import socket
import time
import zlib

import brotli
import pytest
import requests
from hypothesis import assume, given
from hypothesis import strategies as st

from emulator import Emulator
from emulator.encodings import DecodedTooLarge, UndecodableBody, decompressed, zstd
from emulator.providers.ringcentral.rules import MMS_MAX_BODY_BYTES  # an SMS may carry MMS files

COMPRESSORS = {"gzip": gzip.compress, "deflate": zlib.compress, "br": brotli.compress, "zstd": zstd.compress}
LIMIT = 1024 * 1024
SMS = "/restapi/v1.0/account/~/extension/~/sms"
SMS_BODY = {"from": {"phoneNumber": "+16505550102"}, "to": [{"phoneNumber": "+14155550100"}], "text": "squeezed"}


@given(data=st.binary(max_size=4000), coding=st.sampled_from(sorted(COMPRESSORS)))
def test_a_compressed_body_decodes_to_what_was_compressed(data, coding):
    assert decompressed(COMPRESSORS[coding](data), coding, LIMIT) == data


@given(data=st.binary(max_size=4000), coding=st.sampled_from(sorted(COMPRESSORS)), cut=st.floats(0, 1))
def test_every_stream_cut_short_is_undecodable(data, coding, cut):
    whole = COMPRESSORS[coding](data)
    prefix = whole[: min(int(len(whole) * cut), len(whole) - 1)]
    assume(prefix)  # an empty body is no body, whatever its Content-Encoding
    with pytest.raises(UndecodableBody):
        decompressed(prefix, coding, LIMIT)


@pytest.mark.parametrize("coding", sorted(COMPRESSORS))
def test_a_body_that_decodes_past_the_limit_is_refused_before_it_is_all_decoded(coding):
    bomb = COMPRESSORS[coding](bytes(4 * LIMIT))
    with pytest.raises(DecodedTooLarge):
        decompressed(bomb, coding, LIMIT)
    assert decompressed(COMPRESSORS[coding](bytes(LIMIT)), coding, LIMIT) == bytes(LIMIT)


def test_raw_deflate_and_several_gzip_members_are_read_as_clients_send_them():
    raw_deflater = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    assert decompressed(raw_deflater.compress(b"raw") + raw_deflater.flush(), "deflate", LIMIT) == b"raw"
    assert decompressed(gzip.compress(b"one ") + gzip.compress(b"two"), "gzip", LIMIT) == b"one two"
    assert decompressed(zstd.compress(b"one ") + zstd.compress(b"two"), "zstd", LIMIT) == b"one two"
    assert decompressed(gzip.compress(b"x"), "x-gzip", LIMIT) == b"x"


def test_a_coding_the_server_does_not_know_leaves_the_body_as_it_is():
    assert decompressed(b'{"a": 1}', "identity", LIMIT) == b'{"a": 1}'
    assert decompressed(b'{"a": 1}', "compress", LIMIT) == b'{"a": 1}'


@pytest.fixture(scope="module")
def emulator():
    with Emulator() as running:
        yield running


@pytest.fixture(scope="module")
def token(emulator):
    response = requests.post(f"{emulator.url}/restapi/oauth/token", auth=("rc-client-id", "rc-client-secret"), data={
        "grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "assertion": "rc-jwt-102"})
    return response.json()["access_token"]


def raw_exchange(url: str, head: str, body: bytes, separately: bool) -> bytes:
    """One request over a plain socket, its body sent with the headers or in a later packet."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        if separately:
            sock.sendall(head.encode())
            time.sleep(0.2)  # the server has read the headers and waits for the body
            sock.sendall(body)
        else:
            sock.sendall(head.encode() + body)
        return sock.recv(65536)


@pytest.mark.parametrize("separately", [False, True], ids=["with-headers", "in-a-later-packet"])
@pytest.mark.parametrize("coding", sorted(COMPRESSORS))
def test_a_compressed_sms_cut_short_gets_ringcentrals_400_and_never_hangs(emulator, token, coding, separately):
    whole = COMPRESSORS[coding](json.dumps(SMS_BODY).encode())
    body = whole[:-6]
    head = (f"POST {SMS} HTTP/1.1\r\nHost: emulator\r\nAuthorization: Bearer {token}\r\n"
            f"Content-Type: application/json\r\nContent-Encoding: {coding}\r\nContent-Length: {len(body)}\r\n\r\n")
    answer = raw_exchange(emulator.url, head, body, separately)
    status_line, _, rest = answer.partition(b"\r\n")
    assert status_line.split()[1] == b"400", answer[:300]
    assert b"application/json" in rest.split(b"\r\n\r\n")[0]
    assert json.loads(rest.split(b"\r\n\r\n", 1)[1])["errorCode"]


def test_a_compressed_sms_that_decodes_past_the_body_limit_gets_ringcentrals_413(emulator, token):
    bomb = gzip.compress(json.dumps({**SMS_BODY, "text": "a" * (MMS_MAX_BODY_BYTES + 1)}).encode())
    response = requests.post(f"{emulator.url}{SMS}", data=bomb, headers={
        "Authorization": f"Bearer {token}", "Content-Type": "application/json", "Content-Encoding": "gzip"})
    assert response.status_code == 413
    assert response.json()["errors"][0]["errorCode"]


def test_a_connection_goes_on_after_a_body_that_does_not_decompress(emulator, token):
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    with requests.Session() as session:
        refused = session.post(f"{emulator.url}{SMS}", data=b"plain", headers={**headers, "Content-Encoding": "br"})
        sent = session.post(f"{emulator.url}{SMS}", json=SMS_BODY, headers=headers)
        unparsable = session.post(f"{emulator.url}{SMS}", data=b"{", headers=headers)
    assert refused.status_code == 400 and refused.json() == unparsable.json()  # RingCentral's parse error
    assert sent.status_code == 200 and sent.json()["subject"] == "squeezed"


def test_a_compressed_multipart_voximplant_call_is_read_like_a_plain_one(emulator):
    boundary = "sms-boundary"
    fields = {"account_id": "3000001", "api_key": "vox-api-key", "source": "447443332211",
              "destination": "447700900001", "sms_body": "squeezed form"}
    form = "".join(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
                   for name, value in fields.items()) + f"--{boundary}--\r\n"
    response = requests.post(f"{emulator.url}/platform_api/SendSmsMessage", data=gzip.compress(form.encode()),
                             headers={"Content-Type": f"multipart/form-data; boundary={boundary}",
                                      "Content-Encoding": "gzip"})
    assert response.json()["result"] == 1, response.text
    sent = emulator.messages(provider="voximplant", direction="Outbound")
    assert [m["text"] for m in sent] == ["squeezed form"]


def test_gzip_padded_with_zero_bytes_after_its_last_member_reads_as_python_reads_it():
    assert decompressed(gzip.compress(b"padded") + bytes(8), "gzip", LIMIT) == b"padded"
    with pytest.raises(UndecodableBody):
        decompressed(gzip.compress(b"x") + b"junk", "gzip", LIMIT)


@pytest.mark.parametrize("size", [200_000, LIMIT - 200])
def test_a_large_compressed_sms_body_within_the_limit_is_read_whole(emulator, token, size):
    body = json.dumps({**SMS_BODY, "text": "x"}).encode()
    body = body[:-1] + b" " * (size - len(body)) + b"}"  # JSON padded with spaces to `size` bytes
    response = requests.post(f"{emulator.url}{SMS}", data=gzip.compress(body), headers={
        "Authorization": f"Bearer {token}", "Content-Type": "application/json", "Content-Encoding": "gzip"})
    assert response.status_code == 200, response.text[:300]


def test_a_client_that_hangs_up_mid_body_is_no_error_in_the_servers_log(emulator, token, caplog):
    host, port = emulator.url.split("://", 1)[1].split(":")
    with socket.create_connection((host, int(port))) as conn:
        conn.sendall(f"POST {SMS} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n"
                     "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{".encode())
        time.sleep(0.2)
    time.sleep(0.3)
    assert requests.get(f"{emulator.url}/_emulator/health", timeout=5).status_code == 200
    assert not [r for r in caplog.records if r.levelno >= 40], [r.getMessage() for r in caplog.records]
