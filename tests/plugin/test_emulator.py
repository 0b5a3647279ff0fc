"""The Emulator class without pytest's fixtures: a context manager with the same helpers."""

from __future__ import annotations

import json
import urllib.request

import pytest

from emulator.emulator import Emulator
from emulator.server import ServerStartError


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
