"""A bare aiohttp app that parses each request as the emulator would and answers with a same-size body.

It is the yardstick of `make bench`: whatever the emulator costs beyond it is the emulator's own work.
It is a plain handler as most aiohttp code writes one, with the standard library's json; the emulator
writes JSON with orjson, which is most of why it nears the baseline on large list bodies.
"""

from __future__ import annotations

import argparse
import asyncio
import json
from pathlib import Path
from urllib.parse import parse_qsl

from aiohttp import web

CANNED_KEY = web.AppKey("canned", dict)
CANNED_PATH = "/__canned"  # POST {path: [status, body]}: what to answer on path from now on


async def answer(request: web.Request) -> web.Response:
    """Parse headers, query and body (JSON or form), then serialise a body as large as the emulator's."""
    request.headers.get("Authorization")
    dict(parse_qsl(request.query_string))
    raw = await request.read()
    if raw:
        if request.content_type == "application/json":
            json.loads(raw)
        else:
            dict(parse_qsl(raw.decode()))
    if request.path == CANNED_PATH:
        request.app[CANNED_KEY].update(json.loads(raw))
        return web.Response(status=204)
    status, body = request.app[CANNED_KEY][request.path]
    text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    return web.Response(text=text, status=status, content_type="application/json")


def build(canned: dict[str, tuple[int, object]]) -> web.Application:
    app = web.Application()
    app[CANNED_KEY] = canned
    app.router.add_route("*", "/{tail:.*}", answer)
    return app


async def serve(ready_file: Path) -> None:
    runner = web.AppRunner(build({}), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, backlog=1024)
    await site.start()
    port = runner.addresses[0][1]
    ready_file.write_text(f"http://127.0.0.1:{port}\n")
    await asyncio.Event().wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--ready-file", required=True)
    args = parser.parse_args()
    try:
        asyncio.run(serve(Path(args.ready_file)))
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
