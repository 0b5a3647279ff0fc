#!/usr/bin/env bash
# Start the emulator for a CI job, send an SMS through RingCentral's API, read it back, stop.
set -euo pipefail
READY="$(mktemp -d)/sms-emulator.url"

sms-emulator serve --port 0 --ready-file "$READY" > sms-emulator.log 2>&1 &
EMULATOR_PID=$!
trap 'kill -TERM "$EMULATOR_PID" 2>/dev/null || true' EXIT

for _ in $(seq 100); do [ -s "$READY" ] && break; sleep 0.1; done
[ -s "$READY" ] || { echo "sms-emulator did not start:"; cat sms-emulator.log; exit 1; }
BASE="$(cat "$READY")"

# Log in as extension 102 with its seeded JWT, then send an SMS to an outside handset.
TOKEN="$(curl -fsS -u rc-client-id:rc-client-secret "$BASE/restapi/oauth/token" \
  -d grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer -d assertion=rc-jwt-102 \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')"
curl -fsS -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
  "$BASE/restapi/v1.0/account/~/extension/~/sms" \
  -d '{"from":{"phoneNumber":"+16505550102"},"to":[{"phoneNumber":"+14155550100"}],"text":"Your code is 123456"}' \
  > /dev/null

# What the handset received (the control API; add ?provider=ringcentral&direction=Outbound etc. to filter).
curl -fsS "$BASE/_emulator/messages?to=%2B14155550100&direction=Inbound"

kill -TERM "$EMULATOR_PID" && wait "$EMULATOR_PID"
trap - EXIT
