"""`sms-emulator replay`: run scenario files or folders and report each step; non-zero exit on any failure."""

from __future__ import annotations

import argparse
import sys
from typing import TextIO
from urllib.parse import urlsplit

EXIT_FAILED = 1
EXIT_UNUSABLE = 2


def target_url(text: str) -> str:
    """--target as a base URL, refused while parsing arguments rather than as every scenario's error."""
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise argparse.ArgumentTypeError(f"{text!r} is not an http:// or https:// URL, like http://127.0.0.1:8080")
    try:
        parts.port
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} has a port that is not a number from 0 to 65535") from None
    return text.rstrip("/")


def add_replay_command(commands) -> None:
    """The replay subcommand, added to the CLI's subparsers."""
    replay = commands.add_parser("replay", help="replay scenario files (or folders of them) and report each step")
    replay.add_argument("paths", nargs="+", metavar="PATH", help="scenario files or folders")
    replay.add_argument("--target", type=target_url, help="a running emulator's base URL; each scenario gets a "
                        "new tenant of it (default: a fresh in-process emulator per scenario)")
    replay.add_argument("--verbose", "-v", action="store_true", help="show the checks of passing steps too")


def run_replay(args: argparse.Namespace, out: TextIO = sys.stdout) -> int:
    from .format import ScenarioError, load_scenario, scenario_files
    from .runner import TargetUnusable, report, run_scenario

    if hasattr(out, "reconfigure"):  # a scenario's text may hold half a surrogate pair, which is shown escaped
        out.reconfigure(errors="backslashreplace")
    files = scenario_files(args.paths)
    if not files:
        print(f"sms-emulator: no scenario files in {' '.join(args.paths)}", file=out)
        return EXIT_UNUSABLE
    passed = failed = unusable = 0
    for path in files:
        try:
            scenario = load_scenario(path)
        except ScenarioError as error:
            print(str(error), file=out, flush=True)
            unusable += 1
            continue
        try:
            result = run_scenario(scenario, args.target)
        except TargetUnusable as error:
            print(f"sms-emulator: --target {args.target} {error}", file=out, flush=True)
            return EXIT_UNUSABLE
        print(report(result, args.verbose), file=out, flush=True)
        if result.unusable:
            unusable += 1
        else:
            passed, failed = passed + result.passed, failed + (not result.passed)
    print(f"{passed} passed, {failed} failed, {unusable} unusable", file=out)
    return EXIT_UNUSABLE if unusable else (EXIT_FAILED if failed else 0)
