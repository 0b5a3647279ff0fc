"""The sms-emulator command: serve the emulator in the foreground, or replay scenarios."""

from __future__ import annotations

import argparse
import os
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from .scenario.replay import add_replay_command, run_replay
from .seed import DEFAULT_SEED_PATH


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="sms-emulator", description="In-memory RingCentral, Phone.com and "
                                     "Voximplant SMS APIs for tests.")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the emulator until SIGINT or SIGTERM")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8080, help="port to listen on (default: 8080); 0 picks a free "
                       "port and prints it")
    serve.add_argument("--seed", default=str(DEFAULT_SEED_PATH), help="seed YAML file (default: the bundled one)")
    serve.add_argument("--ready-file", help="write the base URL to this file once connections are accepted "
                       "(removed again on a clean stop)")
    serve.add_argument("--body-timeout", type=positive_seconds, metavar="SECONDS",
                       help="answer 408 when a request's body has not arrived whole by then (default: 30)")
    serve.add_argument("--log-requests", action="store_true", help="print one JSON line per request on stdout")
    serve.add_argument("--tls", action="store_true", help="serve https with a CA made at start (for clients whose "
                       "scheme is fixed, like Voximplant's); trust it with REQUESTS_CA_BUNDLE=<printed CA file>")
    serve.add_argument("--tls-dir", default=".emulator-tls", help="where --tls writes ca.pem and the server "
                       "certificate (default: .emulator-tls)")
    serve.add_argument("--record", metavar="FILE", help="write the default tenant's session to FILE as a scenario "
                       "(replay it with: sms-emulator replay FILE)")
    add_replay_command(commands)
    args = parser.parse_args(argv)
    if args.command == "serve":
        problem = unusable_serve_option(args)
        if problem:
            print(f"sms-emulator: {problem}", file=sys.stderr)
            return 2
        with ca_bundle_left_unread():
            from .serve import run_serve
        return run_serve(args)
    if args.command == "replay":
        try:
            return run_replay(args)
        except BrokenPipeError:  # `replay ... | head` stopped reading: no traceback for that
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # Python's own advice, for the exit flush
            return 1
    return 2


def positive_seconds(text: str) -> float:
    try:
        seconds = float(text)
    except ValueError:
        seconds = float("nan")
    if not 0 < seconds < float("inf"):
        raise argparse.ArgumentTypeError(f"not a positive number of seconds: {text!r}")
    return seconds


def unusable_serve_option(args: argparse.Namespace) -> str | None:
    """What would stop `serve` once it runs, found before it listens: one line for the user, not a traceback."""
    if not 0 <= args.port <= 65535:
        return f"--port {args.port} is not a port number (0 to 65535; 0 picks a free one)"
    for option, value in (("--ready-file", args.ready_file), ("--record", args.record)):
        problem = value and unwritable_file(Path(value))
        if problem:
            return f"{option} {value}: {problem}"
    problem = args.tls and unwritable_directory(Path(args.tls_dir))
    return f"--tls-dir {args.tls_dir}: {problem}" if problem else None


def unwritable_file(path: Path) -> str | None:
    """Why a file could not be written there (its folder is missing or read-only, or it is a folder); None if it can."""
    if path.is_dir():
        return "is a directory, not a file"
    return unwritable_directory(path.parent, create=False)


def unwritable_directory(folder: Path, create: bool = True) -> str | None:
    """Why no file can be made in the folder, tried by making one; a missing folder counts if it will be created."""
    if create and not folder.exists():
        return unwritable_directory(nearest_existing(folder), create=False)
    if not folder.is_dir():
        return f"{folder} is not an existing directory"
    probe = folder / f".sms-emulator-probe-{os.getpid()}"
    try:
        os.close(os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        probe.unlink()
    except OSError as error:
        return f"cannot write in {folder}: {error.strerror}"
    return None


def nearest_existing(folder: Path) -> Path:
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return folder


@contextmanager
def ca_bundle_left_unread() -> Iterator[None]:
    """Import the server without parsing the system's CA bundle, a third of a cold start.

    aiohttp builds its default client TLS contexts at import, and OpenSSL 3 takes about 0.1 s to parse
    the bundle for each. `serve` makes no client connections, so those contexts go unused: while the
    server is imported, SSL_CERT_FILE names no file, and afterwards it is put back as it was.
    """
    saved = os.environ.get("SSL_CERT_FILE")
    os.environ["SSL_CERT_FILE"] = os.devnull + ".no-bundle"
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop("SSL_CERT_FILE", None)
        else:
            os.environ["SSL_CERT_FILE"] = saved


if __name__ == "__main__":
    sys.exit(main())
