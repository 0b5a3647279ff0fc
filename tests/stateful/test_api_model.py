"""A stateful check of the whole HTTP API of all three providers and the control API against a small,
independent model of the default seed: nothing lost or duplicated, conversations consistent on both sides,
paging returns every record once, statuses only move forward."""

from __future__ import annotations

import collections
import itertools

import pytest
import requests
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from emulator import Emulator

RC, PC, VOX = "1346632010", "2000001", "3000001"
OUTSIDE = ["+14155550100", "+447700900123"]

# Where an SMS to each world number lands, written out by hand from the seed documents and the default seed.
LANDS_IN = {
    "+16505550100": (RC, RC + "101"),   # the main number: the operator's mailbox
    "+16505550102": (RC, RC + "102"),
    "+16505550103": (RC, RC + "103"),
    "+16505550113": (RC, RC + "103"),
    "+16505550104": None,               # Disabled: dropped
    "+16505550105": None,               # Frozen: dropped
    "+16505550106": (RC, RC + "106"),   # Voicemail receives SMS
    "+16505550200": (RC, RC + "200"),   # a Department (call queue) keeps its SMS in its own store
    "+16505550192": None,               # fax only
    "+12125550101": (PC, PC + "101"),   # sms_forwarding to 101
    "+12125550102": (PC, PC + "102"),
    "+12125550100": (PC, None),         # no sms_forwarding: the account mailbox
    "+447443332211": (VOX, None),
    "+447443332212": None,              # SMS not enabled
    "+447443332213": None,              # SMS not supported
}
TARGETS = sorted(LANDS_IN) + OUTSIDE
RC_INTERNATIONAL_SENDERS = {"102", "103"}  # their numbers have InternationalSmsSender
RC_FAX_ONLY = "+16505550192"  # RingCentral refuses an SMS to it; Phone.com and Voximplant send it to be dropped
RC_SENDERS = {"101": "+16505550100", "102": "+16505550102", "103": "+16505550103", "200": "+16505550200"}
RANK = {"Queued": 0, "Sent": 1, "Received": 1, "Delivered": 2, "DeliveryFailed": 2, "SendingFailed": 2}
tenant_names = (f"model-{n}" for n in itertools.count())


class ApiModel(RuleBasedStateMachine):
    emulator: Emulator

    @initialize()
    def start(self):
        self.tenant = self.emulator.tenant(next(tenant_names))
        self.base = self.tenant.url
        self.http = requests.Session()
        self.tenant.freeze()
        self.expected: collections.Counter = collections.Counter()
        self.frozen_103 = False
        self.seen_status: dict[int, str] = {}
        self.texts = itertools.count()
        self.tokens = {ext: self.login(ext) for ext in RC_SENDERS}

    def teardown(self):
        self.http.close()
        self.emulator.drop_tenant(self.tenant.name)

    def login(self, extension: str) -> str:
        response = self.http.post(f"{self.base}/restapi/oauth/token", auth=("rc-client-id", "rc-client-secret"),
                                  data={"grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer",
                                        "assertion": f"rc-jwt-{extension}"})
        assert response.status_code == 200, response.text
        return response.json()["access_token"]

    def lands_in(self, number: str):
        if number in OUTSIDE:
            return (None, None, number)
        box = LANDS_IN[number]
        if box is not None and box[1] == RC + "103" and self.frozen_103:
            return None
        return None if box is None else (*box, None)

    def expect_sms(self, sender_box, target: str, text: str) -> None:
        if sender_box is not None:
            self.expected[(*sender_box, "Outbound", text)] += 1
        landing = self.lands_in(target)
        if landing is not None:
            self.expected[(*landing, "Inbound", text)] += 1

    # --- rules: provider requests --------------------------------------------------------------

    @rule(extension=st.sampled_from(sorted(RC_SENDERS)), to=st.sampled_from(TARGETS))
    def ringcentral_sms(self, extension, to):
        if extension == "103" and self.frozen_103:
            return
        text = f"rc-{next(self.texts)}"
        response = self.http.post(f"{self.base}/restapi/v1.0/account/~/extension/~/sms",
                                  headers={"Authorization": f"Bearer {self.tokens[extension]}"},
                                  json={"from": {"phoneNumber": RC_SENDERS[extension]},
                                        "to": [{"phoneNumber": to}], "text": text})
        if to == RC_FAX_ONLY:  # refused outright: 403 MSG-309, nothing stored
            assert response.status_code == 403 and response.json()["errorCode"] == "MSG-309", response.text
            return
        if not to.startswith("+1") and extension not in RC_INTERNATIONAL_SENDERS:  # 403, nothing stored
            assert response.status_code == 403 and response.json()["errorCode"] == "InternationalProhibited"
            return
        assert response.status_code == 200, response.text
        assert response.json()["messageStatus"] == "Queued"
        self.expect_sms((RC, RC + extension, None), to, text)

    @rule(sender=st.sampled_from(["+12125550101", "+12125550100"]), to=st.sampled_from(TARGETS))
    def phonecom_sms(self, sender, to):
        text = f"pc-{next(self.texts)}"
        response = self.http.post(f"{self.base}/v4/accounts/{PC}/sms", headers={"Authorization": "Bearer pc-owner-token"},
                                  json={"from": sender, "to": to, "text": text})
        assert response.status_code == 201, response.text
        saved = (PC, PC + "101", None) if sender == "+12125550101" else None
        self.expect_sms(saved, to, text)

    @rule(to=st.sampled_from(TARGETS))
    def voximplant_sms(self, to):
        text = f"vox-{next(self.texts)}"
        response = self.http.post(f"{self.base}/platform_api/SendSmsMessage", data={
            "account_id": VOX, "api_key": "vox-api-key", "source": "447443332211",
            "destination": to.lstrip("+"), "sms_body": text})
        body = response.json()
        assert response.status_code == 200 and body.get("result") == 1, body
        self.expect_sms((VOX, None, None), to, text)

    # --- rules: control actions ------------------------------------------------------------------

    @rule(handset=st.sampled_from(OUTSIDE), to=st.sampled_from(sorted(LANDS_IN)))
    def inject_from_outside(self, handset, to):
        text = f"in-{next(self.texts)}"
        self.tenant.inject_sms(handset, to, text)
        landing = self.lands_in(to)
        if landing is not None:
            self.expected[(*landing, "Inbound", text)] += 1

    @rule(seconds=st.sampled_from([0.5, 1, 2, 30]))
    def advance_clock(self, seconds):
        self.tenant.advance(seconds)

    @rule()
    def toggle_bob_frozen(self):
        self.frozen_103 = not self.frozen_103
        self.tenant.world.set_extension_status(RC, "103", "Frozen" if self.frozen_103 else "Enabled")
        if not self.frozen_103:
            self.tokens["103"] = self.login("103")

    # --- invariants ------------------------------------------------------------------------------

    def all_messages(self) -> list[dict]:
        records, offset = [], 0
        while True:
            page = self.http.get(f"{self.base}/_emulator/messages", params={"limit": 1000, "offset": offset}).json()
            records += page["messages"]
            offset += len(page["messages"])
            if not page["messages"] or offset >= page["total"]:
                return records

    @invariant()
    def nothing_lost_or_duplicated(self):
        if not hasattr(self, "tenant"):
            return
        actual = collections.Counter((m["account"], m["extension"], m["handset"], m["direction"], m["text"])
                                     for m in self.all_messages())
        assert actual == self.expected

    @invariant()
    def both_sides_of_a_conversation_share_it(self):
        if not hasattr(self, "tenant"):
            return
        by_text = collections.defaultdict(set)
        for message in self.all_messages():
            by_text[message["text"]].add(message["conversation_id"])
        assert all(len(ids) == 1 for ids in by_text.values()), by_text

    @invariant()
    def statuses_only_move_forward(self):
        if not hasattr(self, "tenant"):
            return
        for message in self.all_messages():
            before = self.seen_status.get(message["id"])
            if before is not None:
                assert RANK[message["status"]] >= RANK[before], (message, before)
            self.seen_status[message["id"]] = message["status"]

    @invariant()
    def paging_returns_every_record_once(self):
        if not hasattr(self, "tenant"):
            return
        self.check_ringcentral_paging()
        self.check_phonecom_paging()
        self.check_voximplant_paging()

    def check_ringcentral_paging(self):
        ids, page = [], 1
        headers = {"Authorization": f"Bearer {self.tokens['102']}"}
        while True:
            body = self.http.get(f"{self.base}/restapi/v1.0/account/~/extension/~/message-store", headers=headers,
                                 params={"perPage": 3, "page": page, "dateFrom": "2000-01-01T00:00:00Z"}).json()
            ids += [r["id"] for r in body["records"]]
            if "nextPage" not in body["navigation"]:
                break
            page += 1
        expected = sum(n for (acct, ext, _, _, _), n in self.expected.items() if ext == RC + "102")
        assert len(ids) == len(set(ids)) == expected

    def check_phonecom_paging(self):
        ids, offset = [], 0
        while True:
            body = self.http.get(f"{self.base}/v4/accounts/{PC}/sms", headers={"Authorization": "Bearer pc-owner-token"},
                                 params={"limit": 2, "offset": offset}).json()
            ids += [item["id"] for item in body["items"]]
            offset += 2
            if offset >= body["total"]:
                break
        expected = sum(n for (acct, _, _, _, _), n in self.expected.items() if acct == PC)
        assert len(ids) == len(set(ids)) == expected

    def check_voximplant_paging(self):
        ids, offset = [], 0
        while True:
            body = self.http.post(f"{self.base}/platform_api/GetSmsHistory", data={
                "account_id": VOX, "api_key": "vox-api-key", "count": 2, "offset": offset}).json()
            ids += [r["message_id"] for r in body["result"]]
            offset += 2
            if offset >= body["total_count"]:
                break
        expected = sum(n for (acct, _, _, _, _), n in self.expected.items() if acct == VOX)
        assert len(ids) == len(set(ids)) == expected


ApiModel.TestCase.settings = settings(max_examples=max(25, settings().max_examples // 30), stateful_step_count=12, deadline=None)
TestApiModel = ApiModel.TestCase


@pytest.fixture(scope="module", autouse=True)
def running_emulator():
    with Emulator() as emulator:
        ApiModel.emulator = emulator
        yield
