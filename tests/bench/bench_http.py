"""Throughput and latency over loopback: wrk against the emulator and the bare baseline in one run."""

from __future__ import annotations

import base64
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from pathlib import Path
from typing import Iterator

import attrs

from . import bench_bare

CONNECTIONS = 32
DURATION_S = 10  # per server and request type: long enough that the host's short bursts of noise average out
TURNS = 10  # each server's time is cut into turns taken alternately, so a drift in the machine's speed hits both
SHARED_S = 5  # then both servers at once on their one CPU, each with its own wrk: a drift hits both at every moment
WARMUP_S = 1
READY_TIMEOUT_S = 20.0
RC_SMS = "/restapi/v1.0/account/~/extension/~/sms"
RC_LIST = "/restapi/v1.0/account/~/extension/~/message-store"
PC_SMS = "/v4/accounts/2000001/sms"
VOX_SMS = "/platform_api/SendSmsMessage"
CONTROL_LIST = "/_emulator/messages"
PAGE = 20
# wrk reports its whole latency histogram (each latency in µs that occurred, and how often), so the turns of a
# run pool into one exact distribution.
DONE_LUA = r"""
done = function(summary, latency, requests)
  local e = summary.errors
  local counts = {}
  for i = 1, #latency do
    local value, count = latency(i)
    counts[i] = string.format("[%d,%d]", value, count)
  end
  io.write(string.format('WRKJSON {"requests":%d,"duration_us":%d,"non2xx":%d,"socket_errors":%d,'
    .. '"latency_counts":[%s]}\n', summary.requests, summary.duration, e.status,
    e.connect + e.read + e.write + e.timeout, table.concat(counts, ",")))
end
"""


@attrs.frozen
class Scenario:
    """One request, replayed by every wrk connection as fast as the server answers."""

    name: str
    method: str
    path: str
    query: str = ""
    body: str = ""
    headers: tuple[tuple[str, str], ...] = ()

    def url(self, base: str) -> str:
        return f"{base}{self.path}{'?' + self.query if self.query else ''}"


@attrs.frozen
class Cores:
    """Which CPUs the servers and wrk run on, so they take turns on the scheduler only with the machine.

    Both servers are single-threaded. Left to the scheduler on a 2-core machine, wrk's threads land on the
    server's core and preempt it, and what p99 then measures is that contention, not the server. So with two
    or more CPUs each server is pinned to the first and wrk, with one thread per remaining CPU (two at most),
    to the others; with one CPU, or where processes cannot be pinned (macOS), nothing is pinned.
    """

    server: frozenset[int]
    load: frozenset[int]

    @property
    def pinned(self) -> bool:
        return self.server != self.load

    @property
    def wrk_threads(self) -> int:
        return min(2, len(self.load)) if self.pinned else 2

    def describe(self) -> str:
        if not self.pinned:
            return f"wrk -t{self.wrk_threads}, nothing pinned"
        return f"each server pinned to CPU {min(self.server)}, wrk -t{self.wrk_threads} to CPU {cpu_list(self.load)}"

    def on_server(self) -> None:
        """Run in the child before exec: the server process and everything it starts stay on the server's CPU."""
        os.sched_setaffinity(0, self.server)

    def on_load(self) -> None:
        os.sched_setaffinity(0, self.load)


def cpu_list(cpus: frozenset[int]) -> str:
    return ",".join(str(cpu) for cpu in sorted(cpus))


def split_cores(usable: set[int]) -> Cores:
    """The first usable CPU for the servers and the rest for wrk; all of them for both when there is one."""
    ordered = sorted(usable)
    if len(ordered) < 2:
        return Cores(frozenset(ordered), frozenset(ordered))
    return Cores(frozenset(ordered[:1]), frozenset(ordered[1:]))


CORES = split_cores(os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else set())


@attrs.frozen
class WrkResult:
    requests: int
    duration_us: int
    non2xx: int
    socket_errors: int
    latency_counts: tuple[tuple[int, int], ...]  # (latency in µs, requests that took it), fastest first

    @property
    def rps(self) -> float:
        return self.requests / (self.duration_us / 1e6)

    @property
    def p50_us(self) -> int:
        return self.percentile_us(50)

    @property
    def p99_us(self) -> int:
        return self.percentile_us(99)

    def percentile_us(self, percentile: float) -> int:
        """The latency of the request at wrk's own rank for `percentile`, so one turn reads as wrk prints it."""
        total = sum(count for _, count in self.latency_counts)
        rank = min(total, math.floor(percentile / 100 * total) + 1)
        seen = 0
        for latency, count in self.latency_counts:
            seen += count
            if seen >= rank:
                return latency
        return 0


def ensure_wrk() -> str:
    """wrk's path, installing it with apt-get when running as root."""
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("bench: installing wrk with apt-get ...", file=sys.stderr, flush=True)
        subprocess.run(["apt-get", "update", "-qq"], check=False, stdout=subprocess.DEVNULL)
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, stdout=subprocess.DEVNULL)
        found = shutil.which("wrk")
        if found:
            return found
    sys.exit("bench: wrk is required; install it with `sudo apt-get install wrk` (Debian/Ubuntu) "
             "or `brew install wrk` (macOS)")


class ServerProcess:
    """A server in its own process that writes its base URL to a ready file once it accepts connections."""

    def __init__(self, command: list[str], ready_file: Path, cores: Cores | None = None) -> None:
        self.ready_file = ready_file
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                        preexec_fn=cores.on_server if cores and cores.pinned else None)
        self.base = wait_ready(ready_file, self.process)

    def stop(self) -> None:
        stop_process(self.process, 5)


def stop_process(process: subprocess.Popen, grace_s: float) -> None:
    """SIGTERM, and SIGKILL for a process still there after grace_s."""
    process.terminate()
    try:
        process.wait(grace_s)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def wait_ready(ready_file: Path, process: subprocess.Popen, timeout_s: float = READY_TIMEOUT_S) -> str:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if ready_file.exists():
            text = ready_file.read_text()
            if text.endswith("\n"):
                return text.strip()
        if process.poll() is not None:
            raise RuntimeError(f"server exited: {process.stderr.read().decode(errors='replace')}")
        time.sleep(0.005)
    raise RuntimeError("server did not become ready")


def http(method: str, url: str, body: bytes | None = None, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def ringcentral_token(base: str) -> str:
    basic = base64.b64encode(b"rc-client-id:rc-client-secret").decode()
    form = b"grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=rc-jwt-102"
    status, raw = http("POST", f"{base}/restapi/oauth/token", form,
                       {"Authorization": f"Basic {basic}", "Content-Type": "application/x-www-form-urlencoded"})
    if status != 200:
        raise RuntimeError(f"token request failed: {status} {raw[:200]!r}")
    return json.loads(raw)["access_token"]


def scenarios(rc_token: str) -> list[Scenario]:
    """The requests of the table: three provider sends, a message-store page and a control query.

    The pages are read right after the RingCentral sends, which fill them: later sends push those messages
    out of the tenant's retention window.
    """
    rc_auth = ("Authorization", f"Bearer {rc_token}")
    as_json = ("Content-Type", "application/json")
    return [
        Scenario("RingCentral POST sms", "POST", RC_SMS, body=json.dumps(
            {"from": {"phoneNumber": "+16505550102"}, "to": [{"phoneNumber": "+14155550123"}],
             "text": "Hello from the benchmark"}), headers=(rc_auth, as_json)),
        Scenario(f"RingCentral GET message-store ({PAGE}/page)", "GET", RC_LIST, query=f"perPage={PAGE}",
                 headers=(rc_auth,)),
        Scenario(f"control GET /_emulator/messages ({PAGE})", "GET", CONTROL_LIST, query=f"limit={PAGE}"),
        Scenario("Phone.com POST sms", "POST", PC_SMS, body=json.dumps(
            {"from": "+12125550101", "to": "+14155550124", "text": "Hello from the benchmark"}),
            headers=(("Authorization", "Bearer pc-owner-token"), as_json)),
        Scenario("Voximplant SendSmsMessage", "POST", VOX_SMS,
                 body="account_id=3000001&api_key=vox-api-key&source=447443332211&destination=447443332299"
                      "&sms_body=Hello+from+the+benchmark",
                 headers=(("Content-Type", "application/x-www-form-urlencoded"),)),
    ]


def lua_script(scenario: Scenario) -> str:
    lines = [f'wrk.method = "{scenario.method}"']
    if scenario.body:
        lines.append(f"wrk.body = [==[{scenario.body}]==]")
    lines += [f'wrk.headers["{k}"] = [==[{v}]==]' for k, v in scenario.headers]
    return "\n".join(lines) + "\n" + DONE_LUA


def run_wrk(wrk: str, scenario: Scenario, base: str, workdir: Path, duration_s: float) -> WrkResult:
    return finish_wrk(start_wrk(wrk, scenario, base, workdir, duration_s))


def run_at_once(wrk: str, scenario: Scenario, bases: tuple[str, str], workdir: Path, duration_s: float
                ) -> tuple[WrkResult, WrkResult]:
    """One wrk per server, all started together, so the servers share their CPU for the whole run."""
    first, second = (start_wrk(wrk, scenario, base, workdir, duration_s, f"scenario-{index}.lua")
                     for index, base in enumerate(bases))
    try:
        return finish_wrk(first), finish_wrk(second)
    finally:
        second.kill()  # only still running when the first failed


def start_wrk(wrk: str, scenario: Scenario, base: str, workdir: Path, duration_s: float,
              script_name: str = "scenario.lua") -> subprocess.Popen:
    """wrk on its way; each wrk running at once needs a script file of its own, written before it starts."""
    script = workdir / script_name
    script.write_text(lua_script(scenario))
    command = [wrk, f"-t{CORES.wrk_threads}", f"-c{CONNECTIONS}", f"-d{max(1, round(duration_s))}s", "--timeout",
               "5s", "-s", str(script), scenario.url(base)]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=CORES.on_load if CORES.pinned else None)


def finish_wrk(process: subprocess.Popen) -> WrkResult:
    output, errors = process.communicate()
    if process.returncode != 0:
        raise RuntimeError(f"wrk failed ({process.returncode}): {errors.strip()}")
    return wrk_result(output)


def wrk_result(output: str) -> WrkResult:
    """The figures DONE_LUA wrote among wrk's output."""
    line = next((l for l in output.splitlines() if l.startswith("WRKJSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no figures: {output.strip()[-300:]!r}")
    fields = json.loads(line[len("WRKJSON "):])
    return WrkResult(**{**fields, "latency_counts": tuple((value, count) for value, count in fields["latency_counts"])})


def capture(scenario: Scenario, base: str) -> tuple[int, object]:
    """One real emulator answer, so the baseline can serialise a body of the same size."""
    status, raw = http(scenario.method, scenario.url(base), scenario.body.encode() or None, dict(scenario.headers))
    if status >= 300:
        raise RuntimeError(f"{scenario.name}: emulator answered {status}: {raw[:300]!r}")
    body = json.loads(raw)
    listed = body.get("records", body.get("messages")) if isinstance(body, dict) else None
    if listed is not None and len(listed) < PAGE:
        raise RuntimeError(f"{scenario.name}: the page holds {len(listed)} messages, not {PAGE}; it would time "
                           "an emptier page than the table says")
    return status, body


@attrs.frozen
class Pair:
    """One scenario measured against the emulator and the baseline back to back."""

    scenario: Scenario
    emulator: WrkResult
    bare: WrkResult
    response_bytes: int
    turn_ratios: tuple[float, ...]  # emulator / baseline of each pair of turns: how steady the host was
    shared_ratio: float  # emulator / baseline with both serving at once on one CPU: their cost per request

    @property
    def ratio(self) -> float:
        return self.emulator.rps / self.bare.rps


def measure(duration_s: float = DURATION_S) -> list[Pair]:
    wrk = ensure_wrk()
    with tempfile.TemporaryDirectory(prefix="sms-bench-") as tmp:
        workdir = Path(tmp)
        emulator = ServerProcess([sys.executable, "-m", "emulator.cli", "serve", "--port", "0", "--ready-file",
                                  str(workdir / "emulator.url")], workdir / "emulator.url", CORES)
        try:
            chosen = scenarios(ringcentral_token(emulator.base))
            bare = ServerProcess([sys.executable, "-m", "tests.bench.bench_bare", "--ready-file",
                                  str(workdir / "bare.url")], workdir / "bare.url", CORES)
            try:
                return list(run_pairs(wrk, chosen, emulator.base, bare.base, workdir, duration_s))
            finally:
                bare.stop()
        finally:
            emulator.stop()


def run_pairs(wrk: str, chosen: list[Scenario], emulator_base: str, bare_base: str, workdir: Path,
              duration_s: float) -> Iterator[Pair]:
    """Each scenario on the emulator and on the baseline primed with the emulator's latest answer, in turns."""
    for scenario in chosen:
        run_wrk(wrk, scenario, emulator_base, workdir, WARMUP_S)
        status, body = capture(scenario, emulator_base)
        http("POST", bare_base + bench_bare.CANNED_PATH, json.dumps({scenario.path: [status, body]}).encode())
        size = len(json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode())
        run_wrk(wrk, scenario, bare_base, workdir, WARMUP_S)
        turns = turns_in(duration_s)
        emulator_turns, bare_turns = [], []
        for _ in range(turns):
            emulator_turns.append(run_wrk(wrk, scenario, emulator_base, workdir, duration_s / turns))
            bare_turns.append(run_wrk(wrk, scenario, bare_base, workdir, duration_s / turns))
        at_once = run_at_once(wrk, scenario, (emulator_base, bare_base), workdir, shared_s(duration_s))
        yield Pair(scenario, combined(emulator_turns), combined(bare_turns), size,
                   turn_ratios(emulator_turns, bare_turns), shared_ratio(*at_once))


def shared_s(duration_s: float) -> int:
    """How long both servers serve at once: SHARED_S, or less in a run shorter than that."""
    return max(1, min(SHARED_S, round(duration_s)))


def shared_ratio(emulator: WrkResult, bare: WrkResult) -> float:
    """Emulator / baseline while both were busy at once on the servers' one CPU.

    The scheduler gives two busy processes on one CPU equal time, so this is the ratio of their costs per
    request, and whatever slows the host slows both alike at every moment: it varies far less from run to run
    than the turns. The rates themselves are lower than alone, as the two keep evicting each other from the
    caches.
    """
    return emulator.rps / bare.rps if bare.requests and emulator.duration_us else 0.0


def turns_in(duration_s: float) -> int:
    """How many alternating turns a run of duration_s is cut into: wrk counts whole seconds."""
    return max(1, min(TURNS, round(duration_s)))


def turn_ratios(emulator_turns: list[WrkResult], bare_turns: list[WrkResult]) -> tuple[float, ...]:
    """The ratio of each turn of the emulator to the baseline's turn after it."""
    return tuple(e.rps / b.rps for e, b in zip(emulator_turns, bare_turns) if e.duration_us and b.requests)


def combined(turns: list[WrkResult]) -> WrkResult:
    """Turns as one run: requests, time and the latency histograms add up."""
    pooled: Counter[int] = Counter()
    for turn in turns:
        pooled.update(dict(turn.latency_counts))
    return WrkResult(
        requests=sum(t.requests for t in turns),
        duration_us=sum(t.duration_us for t in turns),
        non2xx=sum(t.non2xx for t in turns),
        socket_errors=sum(t.socket_errors for t in turns),
        latency_counts=tuple(sorted(pooled.items())),
    )
