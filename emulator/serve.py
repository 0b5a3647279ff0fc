"""`sms-emulator serve`: the emulator in the foreground until SIGINT or SIGTERM."""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import signal
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

import attrs

from .app import build_app
from .encodings import BODY_TIMEOUT_S
from .seed import SeedError, load_seed_file
from .server import ServerStartError, client_url, start_site
from .tenants import Tenants


class UnusableOptionError(Exception):
    """A file or folder an option names cannot be written: exit 2, as for any other bad option."""


def run_serve(args: argparse.Namespace) -> int:
    try:
        seed = load_seed_file(args.seed)
    except SeedError as error:
        print(f"sms-emulator: {error}", file=sys.stderr)
        return 2
    keep_collection_pauses_short()
    try:
        asyncio.run(serve_until_signalled(seed, args))
    except UnusableOptionError as error:
        print(f"sms-emulator: {error}", file=sys.stderr)
        return 2
    except ServerStartError as error:
        print(f"sms-emulator: {error}", file=sys.stderr)
        return 1
    return 0


@contextmanager
def writing_for(option: str, value: str) -> Iterator[None]:
    """An OSError while writing what an option names becomes one line naming the option."""
    try:
        yield
    except OSError as error:
        raise UnusableOptionError(f"{option} {value}: {error.strerror or error}") from None


def keep_collection_pauses_short() -> None:
    """Garbage collection pauses that stay short however large the store grows.

    Stored messages live long, so every full collection would otherwise walk the whole store: about 50 ms
    on a 2-core machine after a few seconds of sends, felt as p99 latency. Whatever has survived a
    collection of the older generation is frozen out of later ones (gc.freeze), so no collection ever
    walks more than the last few hundred milliseconds of objects. Reference counting still frees
    frozen records when retention, a reset or a dropped tenant lets go of them: they hold no cycles.
    The young generations are also collected on a timer (collect_young_generations): the collector
    counts allocations minus deallocations, so once retention frees as many records as sends make, its
    own collections come seldom and find thousands of survivors (pauses of 3-4 ms, and 60 ms once).
    What freezing keeps that later becomes cyclic garbage (asyncio's socket transports are cycles) is
    collected by IdleSweep.
    """
    gc.freeze()
    gc.collect()  # with everything frozen, this leaves the collector counting survivors from zero
    gc.callbacks.append(freeze_survivors)


def freeze_survivors(phase: str, info: dict) -> None:
    if phase == "stop" and info["generation"] >= 1:
        gc.freeze()


@attrs.define
class IdleSweep:
    """When to collect everything frozen: after requests, once the server has been idle a while.

    Frozen objects are never collected, and the socket transport of every keep-alive connection that lived
    through a collection is a reference cycle, about 2 KB, so a long-running server would slowly grow. A
    full collection walks the whole store (about 100 ms per 100,000 messages), so it waits until no request
    has come for `idle_s`, and runs at most every `min_interval_s`.
    """

    idle_s: float = 5.0
    min_interval_s: float = 60.0
    swept_at_requests: int = 0
    seen_requests: int = 0
    swept_at: float = 0.0

    def due(self, requests: int, now: float) -> bool:
        """Called every `idle_s`: sweep when nothing came in since the last call but something since the last sweep."""
        idle = requests == self.seen_requests
        self.seen_requests = requests
        if idle and requests != self.swept_at_requests and now - self.swept_at >= self.min_interval_s:
            self.swept_at_requests, self.swept_at = requests, now
            return True
        return False


def sweep_frozen() -> None:
    """Collect what was frozen and has since become garbage, then freeze the survivors again."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()


YOUNG_COLLECTION_S = 0.05  # at most 50 ms of survivors per collection: pauses of about 0.3 ms


async def collect_young_generations() -> None:
    """Collect the two young generations every YOUNG_COLLECTION_S, whatever the collector's own count says."""
    while True:
        await asyncio.sleep(YOUNG_COLLECTION_S)
        gc.collect(1)


async def sweep_when_idle(requests_served: Callable[[], int], sweep: IdleSweep) -> None:
    """Check once every `idle_s` whether the server has gone quiet, and sweep when it has."""
    while True:
        await asyncio.sleep(sweep.idle_s)
        if sweep.due(requests_served(), time.monotonic()):
            sweep_frozen()


async def serve_until_signalled(seed, args: argparse.Namespace) -> None:
    app = build_app(Tenants(seed), request_log=print_json_line if getattr(args, "log_requests", False) else None,
                    body_timeout_s=getattr(args, "body_timeout", None) or BODY_TIMEOUT_S)
    if getattr(args, "record", None):
        from .scenario.recorder import Recorder  # only a recording server pays for importing it

        with writing_for("--record", args.record):
            Recorder(Path(args.record), seed).install(app)
    material = None
    if getattr(args, "tls", False):
        from . import tls  # cryptography is only worth its import time when serving https

        with writing_for("--tls-dir", args.tls_dir):
            material = tls.generate(args.tls_dir)
    runner, port = await start_site(app, args.host, args.port, material.context if material else None)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    base = client_url("https" if material else "http", args.host, port)
    ready_file = getattr(args, "ready_file", None)
    collectors = []
    try:
        print_banner(base, seed)
        if material:
            say(f"  TLS CA: {material.ca_path.resolve()}  (export REQUESTS_CA_BUNDLE={material.ca_path.resolve()})")
        if ready_file:  # last: whoever polls for it finds the banner already printed
            with writing_for("--ready-file", ready_file):
                write_ready_file(Path(ready_file), base)
        collectors = [asyncio.create_task(sweep_when_idle(lambda: runner.server.requests_count, IdleSweep())),
                      asyncio.create_task(collect_young_generations())]
        await stop.wait()
    finally:
        for collector in collectors:
            collector.cancel()
        await runner.cleanup()
        if ready_file:
            Path(ready_file).unlink(missing_ok=True)
    say("sms-emulator: stopped")


def write_ready_file(path: Path, base: str) -> None:
    """Written whole (via a rename) so a script polling for it never reads half a URL."""
    partial = path.with_name(path.name + ".partial")
    partial.write_text(base + "\n", encoding="utf-8")
    partial.replace(path)


def print_json_line(fields: dict) -> None:
    """One structured log line per request."""
    say(json.dumps(fields, separators=(",", ":")))


def say(text: str) -> None:
    """Print a line; once stdout's reader has gone (`serve | head -3`), keep serving and print nothing more."""
    try:
        print(text, flush=True)
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # so the exit's flush finds no pipe either


def print_banner(base: str, seed) -> None:
    """What a person needs to point an SDK at the emulator: the URL and the seeded credentials."""
    lines = [f"sms-emulator listening on {base}", f"  health: {base}/_emulator/health"]
    for account in seed.directory.accounts.values():
        lines.append(f"  {account.provider} account {account.id}")
        for app in account.auth.get("apps") or ():
            lines.append(f"    app client_id={app.get('client_id')} client_secret={app.get('client_secret')}")
        if account.provider == "phonecom" and "access_token" in account.auth:
            lines.append(f"    account-owner access_token={account.auth['access_token']}")
        lines += voximplant_credentials(account, seed)
        for extension in seed.directory.extensions_of(account.id):
            creds = " ".join(f"{k}={v}" for k, v in extension.auth.items())
            lines.append(f"    ext {extension.number} {extension.name} ({extension.type.value}, "
                         f"{extension.status.value}) {creds}".rstrip())
    say("\n".join(lines))


def voximplant_credentials(account, seed) -> list[str]:
    """The api_key, the service account's key id and the credentials.json the official Voximplant clients read,
    when the seed has them."""
    if account.provider != "voximplant":
        return []
    lines = [f"    api_key={account.auth['api_key']}"] if "api_key" in account.auth else []
    if account.auth.get("credentials_file"):
        path = (Path(seed.source).parent / str(account.auth["credentials_file"])).resolve()
        key_id = service_key_id(path)
        lines.append(f"    credentials.json: {path}" + (f" (key_id={key_id})" if key_id else ""))
    return lines


def service_key_id(path: Path) -> str | None:
    """The key id a credentials file names, for the banner; None when it cannot be read."""
    try:
        key_id = json.loads(path.read_text(encoding="utf-8")).get("key_id")
    except (OSError, ValueError, AttributeError):
        return None
    return str(key_id) if key_id else None
