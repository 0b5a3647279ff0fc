"""Running a scenario: against a fresh in-process emulator, or against a running server over HTTP (a new tenant)."""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import json
import os
import re
import ssl
import uuid
from typing import Any, AsyncIterator
from urllib.parse import urlsplit

import aiohttp
import attrs
from aiohttp.test_utils import TestServer
from yarl import URL

from ..app import build_app
from ..seed import build_seed
from ..tenants import Tenants
from .credentials import CredentialError, Credentials
from .format import Scenario, Step
from .match import Mismatch, compare, match_each, matches, show, unified_diff

CONTROL = "/_emulator"
SERVER_FILTERS = ("provider", "account", "number", "from", "to", "direction", "status", "kind", "text", "since",
                  "until")
WHOLE_CAPTURE = re.compile(r"^\$\{([^}]+)\}$")
CAPTURE = re.compile(r"(?<!\$)\$\{([^}]+)\}")  # $${ is a literal ${, written so by recordings
LITERAL_CAPTURE = "$${"
REPEAT = re.compile(r"^repeat (\d+) (.+)$", re.DOTALL)
REQUEST_TIMEOUT_S = 30
CA_VARIABLES = ("REQUESTS_CA_BUNDLE", "SSL_CERT_FILE")  # what `serve --tls` tells clients to trust, and OpenSSL's
PLAIN_PATH = re.compile(r"^[!-~]*$")  # printable ASCII, no space: a path already written as it goes on the wire


@attrs.frozen
class Reply:
    """What a step got back: status, headers and the body (JSON when it is JSON, else text)."""

    status: int
    headers: dict[str, str]
    body: Any
    raw: bytes = b""


@attrs.define
class StepResult:
    step: Step
    outcome: str  # "pass", "fail" or "skip"
    problems: list[str] = attrs.field(factory=list)
    diffs: list[str] = attrs.field(factory=list)
    reply: Reply | None = None


@attrs.define
class ScenarioResult:
    scenario: Scenario
    steps: list[StepResult] = attrs.field(factory=list)
    error: str | None = None
    unusable: bool = False  # the file cannot run as written (a seed change the server refuses), not a failed check
    tenant_url: str | None = None  # the target's tenant the scenario ran in; None in process

    @property
    def passed(self) -> bool:
        return self.error is None and all(s.outcome == "pass" for s in self.steps)


class StepFailed(Exception):
    """A step could not be carried out at all (a login, a connection)."""


class Unreachable(StepFailed):
    """The server gave no answer at all (refused, reset, timed out); `reason` says which."""

    def __init__(self, where: str, reason: str) -> None:
        super().__init__(f"{where}: {reason}")
        self.reason = reason


class TargetUnusable(Exception):
    """The --target server cannot be reached, or will not take a seed: no scenario can run there."""


# --- talking to a tenant --------------------------------------------------------------------------

@attrs.define
class Tenant:
    """One tenant reached over HTTP; every path is relative to its base URL."""

    http: aiohttp.ClientSession
    base: str
    name: str = "default"

    def captures(self) -> dict[str, str]:
        """What every scenario may use as ${...}: where its tenant is, as a URL, a path prefix and a name."""
        parts = urlsplit(self.base)
        return {"base_url": self.base, "base_path": parts.path, "tenant": self.name, "host": parts.netloc}

    async def send(self, method: str, path: str, *, query: dict | None = None, json_body: Any = None,
                   form: dict | None = None, body: str | bytes | None = None, headers: dict | None = None) -> Reply:
        kwargs: dict[str, Any] = {"params": flat_params(query), "headers": headers or {}}
        if json_body is not None:
            kwargs["data"] = json_bytes(json_body)
            kwargs["headers"] = {"Content-Type": "application/json", **kwargs["headers"]}
        elif form is not None:
            kwargs["data"] = flat_params(form)
        elif body is not None:
            kwargs["data"] = body.encode() if isinstance(body, str) else body
        try:
            async with self.http.request(method, url_of(self.base + path), **kwargs) as response:
                raw = await response.read()
                return Reply(response.status, dict(response.headers), decode(raw, response.content_type), raw)
        except (aiohttp.ClientError, asyncio.TimeoutError) as error:
            raise Unreachable(f"{method} {path}", f"{type(error).__name__}: {error}".rstrip(": ")) from None


def json_bytes(value: Any) -> bytes:
    """UTF-8 JSON; a lone surrogate (which UTF-8 cannot carry) goes as the \\u escape it came as."""
    try:
        return json.dumps(value, ensure_ascii=False).encode()
    except UnicodeEncodeError:
        return json.dumps(value).encode()


def url_of(text: str) -> URL:
    """A path written with its percent-escapes is sent as is (%3F stays an escaped ?); any other is quoted."""
    return URL(text, encoded=True) if PLAIN_PATH.match(text) else URL(text)


def flat_params(params: dict | None) -> list[tuple[str, str]] | None:
    """Query or form pairs; lists repeat the name, booleans are lower case."""
    if params is None:
        return None
    pairs = []
    for name, value in params.items():
        for item in value if isinstance(value, list) else [value]:
            pairs.append((name, str(item).lower() if isinstance(item, bool) else str(item)))
    return pairs


def decode(raw: bytes, content_type: str) -> Any:
    return body_as_json(raw.decode("utf-8", errors="replace"), content_type)[1]


def body_as_json(text: str, content_type: str) -> tuple[bool, Any]:
    """Whether a body reads as JSON, and what it reads as: one rule for the recorder and the replay, so a text
    that happens to be a JSON scalar (12345, true) is a text unless the response says it is JSON."""
    if "json" in content_type or text[:1] in ("{", "["):
        try:
            return True, json.loads(text)
        except (ValueError, RecursionError):
            return False, text
    return False, text


def target_ssl() -> ssl.SSLContext | None:
    """The CA a target's https is trusted with, as REQUESTS_CA_BUNDLE or SSL_CERT_FILE names it (say, the one
    `serve --tls` printed); None: the system's."""
    cafile = next((os.environ[name] for name in CA_VARIABLES if os.environ.get(name)), None)
    return ssl.create_default_context(cafile=cafile) if cafile else None


@contextlib.asynccontextmanager
async def in_process(scenario: Scenario) -> AsyncIterator[Tenant]:
    """A fresh emulator of the scenario's seed, served on a free local port for this scenario only."""
    tenants = Tenants(build_seed(scenario.seed, scenario.seed_source))
    server = TestServer(build_app(tenants), host="127.0.0.1")
    await server.start_server()
    try:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S)) as http:
            yield Tenant(http, str(server.make_url("")).rstrip("/"))
    finally:
        await server.close()


@contextlib.asynccontextmanager
async def on_target(scenario: Scenario, url: str) -> AsyncIterator[Tenant]:
    """A new tenant of a running server, given the scenario's seed, so other users of the server are untouched."""
    name = f"scenario-{uuid.uuid4().hex[:12]}"
    connector = aiohttp.TCPConnector(ssl=target_ssl() or True)
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S), connector=connector
                                     ) as http:
        tenant = Tenant(http, f"{url.rstrip('/')}/t/{name}", name)
        await seed_tenant(tenant, scenario)
        yield tenant


async def seed_tenant(tenant: Tenant, scenario: Scenario) -> None:
    """The scenario's seed in the new tenant; a target that cannot take it is no place to run any scenario."""
    try:
        reply = await tenant.send("PUT", CONTROL + "/seed", json_body=scenario.seed)
    except Unreachable as error:
        raise TargetUnusable(f"cannot be reached: {error.reason}") from None
    if reply.status != 200:
        raise TargetUnusable(f"refused a scenario's seed (is it sms-emulator?): {reply.status} {show(reply.body)}")


# --- captures ------------------------------------------------------------------------------------------

def expand(name: str, saved: dict[str, Any], original: str) -> str:
    """A saved value, or `repeat <count> <text>` for long texts written briefly."""
    repeat = REPEAT.match(name)
    if repeat:
        return repeat.group(2) * int(repeat.group(1))
    return str(saved[name]) if name in saved else original


def substitute(value: Any, saved: dict[str, Any]) -> Any:
    """${name} replaced by what an earlier step saved; a whole-string ${name} keeps the saved value's type."""
    if isinstance(value, str):
        whole = WHOLE_CAPTURE.match(value)
        if whole and whole.group(1) in saved:
            return saved[whole.group(1)]
        expanded = CAPTURE.sub(lambda m: expand(m.group(1), saved, m.group(0)), value)
        return expanded.replace(LITERAL_CAPTURE, "${") if LITERAL_CAPTURE in expanded else expanded
    if isinstance(value, dict):
        return {k: substitute(v, saved) for k, v in value.items()}
    if isinstance(value, list):
        return [substitute(v, saved) for v in value]
    return value


def extract(reply: Reply, source: str) -> Any:
    """status, headers.<Name>, or body.<path> with .keys and [indexes]."""
    if source == "status":
        return reply.status
    if source.startswith("headers."):
        wanted = source.split(".", 1)[1].lower()
        return next((v for k, v in reply.headers.items() if k.lower() == wanted), None)
    value = reply.body
    for key, index in re.findall(r"\.([^.\[\]]+)|\[(\d+)\]", source[len("body"):]):
        if index:
            value = value[int(index)] if isinstance(value, list) and int(index) < len(value) else None
        else:
            value = value.get(key) if isinstance(value, dict) else None
    return value


# --- steps -----------------------------------------------------------------------------------------------

@attrs.define
class Run:
    """The state of one scenario run: the tenant, the credentials in use and the saved values."""

    tenant: Tenant
    credentials: Credentials
    saved: dict[str, Any]

    async def act(self, step: Step) -> Reply | None:
        payload = substitute(step.payload, self.saved)
        if step.action == "request":
            return await self.request(step, payload)
        if step.action == "advance":
            key = "seconds" if isinstance(payload, (int, float)) else "by"
            return await self.move_clock({"action": "advance", key: payload})
        if step.action == "freeze":
            at = {"at": payload} if isinstance(payload, str) and payload else {}  # null or true: now
            return await self.move_clock({"action": "freeze", **at})
        if step.action == "inbound":
            return await self.control("POST", "/inbound", payload)
        if step.action == "fault":
            return await self.control("POST", "/faults", payload)
        if step.action == "clear_faults":
            return await self.control("DELETE", "/faults", None)
        if step.action == "world":
            return await self.control("POST", "/world", payload)
        return None

    async def move_clock(self, change: dict) -> Reply:
        """A clock step; tokens `as:` obtained may have expired by the new time, so the next step logs in again."""
        self.credentials.tokens.clear()
        return await self.control("POST", "/clock", change)

    async def control(self, method: str, path: str, body: Any) -> Reply:
        return await self.tenant.send(method, CONTROL + path, json_body=body)

    async def request(self, step: Step, payload: dict) -> Reply:
        try:
            signed = await self.credentials.sign(step.credential, substitute(step.jwt, self.saved))
        except CredentialError as error:
            raise StepFailed(str(error)) from None
        query, form = payload.get("query"), payload.get("form")
        if signed.params:
            if form is not None:
                form = {**signed.params, **form}
            else:
                query = {**signed.params, **(query or {})}
        headers = {**signed.headers, **(payload.get("headers") or {})}
        body = payload.get("body")
        if "body_base64" in payload:
            try:
                body = base64.b64decode(payload["body_base64"], validate=True)
            except (binascii.Error, ValueError):
                raise StepFailed("request.body_base64 is not base64") from None
        dropped = bool(step.expect.get("dropped"))
        try:
            reply = await self.tenant.send(payload["method"], payload["path"], query=query,
                                           json_body=payload.get("json"), form=form, body=body, headers=headers)
        except Unreachable:
            if dropped:  # what the step expects: a drop fault closed the connection unanswered
                return None
            raise
        if dropped:
            raise StepFailed(f"expected the connection dropped without an answer, got status {reply.status}")
        return reply

    async def check(self, step: Step, reply: Reply | None) -> StepResult:
        """Every expectation of the step against its reply and the world afterwards, then its captures."""
        expect = substitute(step.expect, self.saved)
        result = StepResult(step, "pass", reply=reply)
        if reply is not None:
            check_reply(step, expect, reply, result)
        for index, check in enumerate(expect.get("messages") or []):
            await self.check_messages(index, check, result)
        if reply is not None:
            for name, source in step.save.items():
                self.saved[name] = extract(reply, source)
                if self.saved[name] is None:
                    result.problems.append(f"save {name}: {source} is not in the reply")
        if result.problems:
            result.outcome = "fail"
        return result

    async def check_messages(self, index: int, check: dict, result: StepResult) -> None:
        where = check.get("where") or {}
        query = {k: v for k, v in where.items() if k in SERVER_FILTERS}
        reply = await self.tenant.send("GET", CONTROL + "/messages", query={**query, "limit": 1000})
        if reply.status != 200:
            result.problems.append(f"messages[{index}]: the control API answered {reply.status}: {show(reply.body)}")
            return
        rest = {k: v for k, v in where.items() if k not in SERVER_FILTERS}
        found = [m for m in reply.body["messages"] if matches(rest, m)]
        label = f"messages[{index}] where {show(where)}"
        problems_before = len(result.problems)
        if "count" in check:
            for problem in compare(check["count"], len(found), f"{label}: count"):
                result.problems.append(problem.describe())
        for item in match_each(check.get("match") or [], found):
            result.problems.append(f"{label}: no message matches {show(item)}")
        if len(result.problems) > problems_before:  # only this check's own failure shows what it found
            seen = "\n".join(f"    {show(brief(m))}" for m in found[:10]) or "    (none)"
            result.diffs.append(f"{label} found {len(found)}:\n{seen}")


def brief(message: dict) -> dict:
    """The fields of a control-API message worth showing in a failure."""
    keys = ("provider", "kind", "direction", "status", "from", "to", "text", "account", "extension", "handset")
    return {k: message.get(k) for k in keys}


def check_reply(step: Step, expect: dict, reply: Reply, result: StepResult) -> None:
    if "status" in expect:
        wanted = expect["status"]
        if isinstance(wanted, str) and wanted.isascii() and wanted.isdigit():  # a quoted number, as YAML may write it
            wanted = int(wanted)
        mismatched = [p.describe() for p in compare(wanted, reply.status, "status")]
        result.problems += mismatched
        if mismatched and "body" not in expect:  # the body says why (an error code), where nothing else shows it
            result.diffs.append(f"actual body: {show(reply.body, 400)}")
    elif step.action != "request" and not 200 <= reply.status < 300:
        result.problems.append(f"status: the control API refused the {step.action}: {reply.status} {show(reply.body)}")
    if "headers" in expect:
        lowered = {k.lower(): v for k, v in reply.headers.items()}
        wanted = {k.lower(): v for k, v in expect["headers"].items()}
        result.problems += [p.describe() for p in compare(wanted, lowered, "headers")]
    if "body_base64" in expect:
        wanted, got = base64.b64decode(expect["body_base64"]), reply.raw
        if wanted != got:
            first = next((i for i, (a, b) in enumerate(zip(wanted, got)) if a != b), min(len(wanted), len(got)))
            result.problems.append(f"body: expected {len(wanted)} bytes, got {len(got)}, "
                                   f"first different at byte {first}")
    if "body" in expect:
        mismatches: list[Mismatch] = compare(expect["body"], reply.body, "body", bool(expect.get("exact")))
        if mismatches:
            result.problems += [m.describe() for m in mismatches]
            result.diffs.append(unified_diff(expect["body"], reply.body, "body"))
            result.diffs.append(f"actual body: {show(reply.body, 400)}")


async def run_steps(scenario: Scenario, tenant: Tenant) -> ScenarioResult:
    credentials = Credentials(build_seed(scenario.seed, scenario.seed_source), tenant.send)
    run = Run(tenant, credentials, tenant.captures())
    result = ScenarioResult(scenario)
    for index, change in enumerate(scenario.changes):
        reply = await run.control("POST", "/world", change)
        if reply.status != 200:
            line = scenario.change_lines[index] if index < len(scenario.change_lines) else 1
            result.error = f"line {line}: seed change {show(change)} refused: {show(reply.body)}"
            result.unusable = True
            return result
    failed = False
    for step in scenario.steps:
        if failed:
            result.steps.append(StepResult(step, "skip"))
            continue
        try:
            step_result = await run.check(step, await run.act(step))
        except StepFailed as error:
            step_result = StepResult(step, "fail", [str(error)])
        except Exception as error:  # a broken step is reported as a failure, never as a traceback
            step_result = StepResult(step, "fail", [f"the step could not run: {type(error).__name__}: {error}"])
        result.steps.append(step_result)
        failed = step_result.outcome == "fail"
    return result


async def run_scenario_async(scenario: Scenario, target: str | None = None) -> ScenarioResult:
    """Run every step (the first failure skips the rest); on a target, a failed run's tenant keeps its messages."""
    try:
        context = on_target(scenario, target) if target else in_process(scenario)
        async with context as tenant:
            result = await run_steps(scenario, tenant)
            if target:
                result.tenant_url = tenant.base
                if result.passed:
                    await tidy(tenant)
            return result
    except StepFailed as error:
        return ScenarioResult(scenario, error=str(error))


async def tidy(tenant: Tenant) -> None:
    """A passed scenario's tenant is of no more use, and a long-running server keeps it until told."""
    with contextlib.suppress(StepFailed):
        await tenant.send("DELETE", CONTROL + "/tenant")


def run_scenario(scenario: Scenario, target: str | None = None) -> ScenarioResult:
    return asyncio.run(run_scenario_async(scenario, target))


# --- reporting -------------------------------------------------------------------------------------------

OUTCOME_WORDS = {"fail": "failed", "pass": "passed", "skip": "skipped"}


def checks_of(step: Step) -> list[str]:
    """What a passing step was checked against, one line for each kind of expectation."""
    expect, checks = step.expect, []
    if expect.get("dropped"):
        checks.append("the connection dropped without an answer")
    if "status" in expect:
        checks.append(f"status {expect['status']}")
    elif step.action not in ("request", "check"):
        checks.append(f"the control API accepted the {step.action} (2xx)")
    if "headers" in expect:
        checks.append(f"headers have {show(expect['headers'], 160)}")
    if "body" in expect:
        checks.append(("body exactly " if expect.get("exact") else "body has ") + show(expect["body"], 160))
    if "body_base64" in expect:
        checks.append(f"body is exactly {len(base64.b64decode(expect['body_base64']))} given bytes")
    for check in expect.get("messages") or ():
        checks.append(f"messages {show(check.get('where', {}), 100)}: {check.get('count', 'any')} found"
                      + (f", matching {show(check['match'], 100)}" if "match" in check else ""))
    checks += [f"saved {name} from {source}" for name, source in step.save.items()]
    return checks or ["nothing expected"]


def report(result: ScenarioResult, verbose: bool = False) -> str:
    """Each step with PASS, FAIL or SKIP; a failure shows what differs and a diff of expected against actual."""
    scenario = result.scenario
    lines = [f"{scenario.path}: {scenario.name}"]
    if result.tenant_url and (verbose or not result.passed):
        lines.append(tenant_line(result))
    if result.error:
        lines.append(f"  ERROR {result.error}")
    for outcome in result.steps:
        step = outcome.step
        lines.append(f"  {outcome.outcome.upper():4}  step {step.index + 1} (line {step.line}): {step.title}")
        if outcome.outcome == "fail" or verbose:
            lines += [f"        {p}" for p in outcome.problems]
            for diff in outcome.diffs:
                lines += [f"        {line}" for line in diff.splitlines()]
        if verbose and outcome.outcome == "pass":
            lines += [f"        ok: {check}" for check in checks_of(step)]
    lines.append(f"  {summary(result)}")
    return "\n".join(lines)


def tenant_line(result: ScenarioResult) -> str:
    """Where a target run happened, so a failure can be looked into with the control API."""
    name = result.tenant_url.rsplit("/", 1)[-1]
    kept = "" if result.passed else ", kept for inspection (its /_emulator/messages and /_emulator/journal)"
    return f"  tenant {name} at {result.tenant_url}{kept}"


def summary(result: ScenarioResult) -> str:
    """Counts by outcome, so a failed run with many passing steps never reads as many failures."""
    total = len(result.scenario.steps)
    if result.passed:
        return f"passed: {total} of {total} steps"
    counts = {outcome: sum(s.outcome == outcome for s in result.steps) for outcome in ("fail", "pass", "skip")}
    ran = ", ".join(f"{count} {OUTCOME_WORDS[outcome]}" for outcome, count in counts.items() if count)
    return f"FAILED: {ran} of {total} steps" if ran else f"FAILED: none of {total} steps ran"
