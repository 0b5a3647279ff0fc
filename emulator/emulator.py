"""The Emulator: a seeded world served over HTTP in-process, usable with or without pytest."""

from __future__ import annotations

import asyncio
import inspect
import time
import weakref
from pathlib import Path
from typing import Any, Callable

import attrs

from .control.clock import parse_duration
from .control.inbound import inject
from .control.messages import message_json, parse_filters, select
from .control.state import control_of
from .control.world import WorldChangeError as ControlWorldChangeError
from .control.world import ACTION_FIELDS as WORLD_ACTION_FIELDS
from .control.world import apply_world_change
from .core.rules import normalize_number
from .core.world import World
from .seed import Seed, load_default_seed, load_seed_file
from .server import BackgroundServer
from .tenants import DEFAULT_TENANT, Tenants, check_name
from .tls import TlsMaterial
from .tls import generate as generate_tls
from .webhooks import SETTLE_TIMEOUT_S

WAIT_POLL_S = 0.02


class PlainHttpError(RuntimeError):
    """Asked for what only an https emulator has (its CA file)."""


class MissingCredentialError(KeyError):
    """The seed gives no such credential; the message says which and where to add it."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class WorldChangeError(KeyError):
    """A world change named something the world does not have; the message names the call and what is missing."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


@attrs.frozen
class RingCentralAccess:
    """What the official RingCentral SDK needs: SDK(client_id, client_secret, url), then login(jwt=...)."""

    url: str
    account_id: str
    _client_id: str | None
    _client_secret: str | None
    jwts: dict[str, str]
    passwords: dict[str, str]

    @property
    def client_id(self) -> str:
        return self._client_id if self._client_id is not None else self._missing_app()

    @property
    def client_secret(self) -> str:
        return self._client_secret if self._client_secret is not None else self._missing_app()

    def jwt(self, extension: str = "102") -> str:
        return self._credential(self.jwts, "jwt", extension)

    def password(self, extension: str = "102") -> str:
        return self._credential(self.passwords, "password", extension)

    def _credential(self, known: dict[str, str], kind: str, extension: str) -> str:
        """A KeyError that says which extensions have one, rather than just the number asked for."""
        extension = str(extension)  # jwt(102) means extension "102"
        if extension in known:
            return known[extension]
        having = ", ".join(sorted(known)) or "none"
        raise MissingCredentialError(f"extension {extension} of RingCentral account {self.account_id} has no {kind} "
                                     f"in the seed (extensions with one: {having}); give it `{kind}:` in the seed")

    def _missing_app(self) -> str:
        raise MissingCredentialError(f"RingCentral account {self.account_id} has no app in the seed: add "
                                     "`apps: [{client_id: ..., client_secret: ...}]` to the account")


@attrs.frozen
class PhonecomAccess:
    """Phone.com: the account id, the owner's token, and one token per extension number."""

    url: str
    account_id: str
    owner_token: str | None
    extension_tokens: dict[str, str]


@attrs.frozen
class VoximplantAccess:
    """Voximplant: account id and api key, or the service-account credentials file for the official client."""

    url: str
    account_id: str
    api_key: str | None
    credentials_file: Path | None

    @property
    def endpoint(self) -> str:
        """The URL without its scheme, as the official client takes it (`VoximplantAPI(..., endpoint=...)`)."""
        return self.url.split("://", 1)[1]


class OnServerLoop:
    """A tenant's world whose methods, called from the test thread, run on the server's loop between requests.

    The world is looked up at each call, so a handle kept across `.reset()` or `.load_seed()` changes the new one.
    """

    def __init__(self, server: BackgroundServer, current: Callable[[], World]) -> None:
        self._server = server
        self._current = current

    def __getattr__(self, name: str) -> Any:
        if name in WORLD_ACTION_FIELDS:
            return lambda *args, **kwargs: self._server.call(
                lambda: checked_change(self._current(), name, args, kwargs))
        value = getattr(self._current(), name)
        if callable(value):
            return lambda *args, **kwargs: self._server.call(
                lambda: explained(getattr(self._current(), name), *args, **kwargs))
        return value


def as_list(value: Any) -> Any:
    """A set or tuple of features as the list the control API takes; anything else as given, to be checked."""
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    return list(value) if isinstance(value, tuple) else value


def change_body(action: str, method: Callable[..., Any], args: tuple, kwargs: dict[str, Any]) -> dict[str, Any]:
    """The body POST /_emulator/world takes for a World method's call, its arguments bound as the method names them."""
    given = inspect.signature(method).bind(*args, **kwargs).arguments
    if action == "update_number":
        changes = given.get("changes", {})
        return {"number": given["number"], "changes": {name: as_list(value) for name, value in changes.items()}}
    return dict(zip(("account", *WORLD_ACTION_FIELDS[action]), given.values()))


def checked_change(world: World, action: str, args: tuple, kwargs: dict[str, Any]) -> Any:
    """A world change with the control API's checks and messages; update_number returns the changed number."""
    body = {"action": action, **change_body(action, getattr(world, action), args, kwargs)}
    try:
        apply_world_change(world, body)
    except ControlWorldChangeError as error:
        raise WorldChangeError(f"world.{action}({call_text(args, kwargs)}): {error}") from None
    if action == "update_number":
        return world.directory.numbers[normalize_number(str(body["number"]))]
    return None


def explained(change: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run a world change; a KeyError names the call and what is missing instead of a bare quoted key."""
    try:
        return change(*args, **kwargs)
    except KeyError as error:
        raise WorldChangeError(f"world.{change.__name__}({call_text(args, kwargs)}): "
                               f"{error.args[0] if error.args else error}") from None


def call_text(args: tuple, kwargs: dict[str, Any]) -> str:
    """A call's arguments as written, for an error that names the call."""
    return ", ".join([*map(repr, args), *(f"{k}={v!r}" for k, v in kwargs.items())])


def text_or_none(value: Any) -> str | None:
    return None if value is None else str(value)


def first_token(value: Any) -> str | None:
    if isinstance(value, (list, tuple)):
        return str(value[0]) if value else None
    return None if value is None else str(value)


class Tenant:
    """One tenant of a running emulator, with helpers that read and drive it from Python."""

    def __init__(self, server: BackgroundServer, tenants: Tenants, name: str, tls: TlsMaterial | None = None) -> None:
        self.server = server
        self.tenants = tenants
        self.name = check_name(name)
        self.tls = tls  # the server's certificates when it speaks https; trust tls.ca_path

    @property
    def ca_file(self) -> Path:
        """The CA to trust (REQUESTS_CA_BUNDLE) when the server speaks https, as the Voximplant client needs."""
        if self.tls is None:
            raise PlainHttpError("this emulator serves plain http, so it has no CA file: ask for https with "
                                 "@pytest.mark.sms_emulator_tls on the test or `pytest --sms-emulator-tls` "
                                 "(outside pytest: Emulator(tls=True))")
        return self.tls.ca_path

    # --- where to point clients ---------------------------------------------------------------

    @property
    def url(self) -> str:
        """The base URL of this tenant: the server's, plus /t/<name> for any tenant but the default."""
        return self.server.url if self.name == DEFAULT_TENANT else f"{self.server.url}/t/{self.name}"

    @property
    def world(self) -> OnServerLoop:
        return OnServerLoop(self.server, lambda: self.tenants.get(self.name))

    @property
    def seed(self) -> Seed:
        return self.tenants.seed_of(self.name)

    def _account(self, provider: str):
        accounts = [a for a in self.seed.directory.accounts.values() if a.provider == provider]
        if not accounts:
            raise LookupError(f"the seed of tenant {self.name!r} has no {provider} account")
        return accounts[0]

    @property
    def ringcentral(self) -> RingCentralAccess:
        account = self._account("ringcentral")
        app = (account.auth.get("apps") or [{}])[0]
        extensions = self.seed.directory.extensions_of(account.id)
        return RingCentralAccess(
            self.url, account.id, text_or_none(app.get("client_id")), text_or_none(app.get("client_secret")),
            {e.number: str(e.auth["jwt"]) for e in extensions if "jwt" in e.auth},
            {e.number: str(e.auth["password"]) for e in extensions if "password" in e.auth},
        )

    @property
    def phonecom(self) -> PhonecomAccess:
        account = self._account("phonecom")
        tokens = {e.number: first_token(e.auth.get("access_token"))
                  for e in self.seed.directory.extensions_of(account.id) if e.auth.get("access_token")}
        return PhonecomAccess(self.url, account.id, first_token(account.auth.get("access_token")), tokens)

    @property
    def voximplant(self) -> VoximplantAccess:
        account = self._account("voximplant")
        credentials = account.auth.get("credentials_file")
        path = None
        if credentials:
            path = Path(credentials)
            if not path.is_absolute() and self.seed.source and not self.seed.source.startswith(("<", "PUT ")):
                path = Path(self.seed.source).resolve().parent / path
        api_key = account.auth.get("api_key")
        return VoximplantAccess(self.url, account.id, None if api_key is None else str(api_key), path)

    # --- reading and driving the world ------------------------------------------------------------

    def _on_loop(self, function: Callable[[World], Any]) -> Any:
        return self.server.call(lambda: function(self.tenants.get(self.name)))

    def messages(self, **filters: Any) -> list[dict[str, Any]]:
        """Messages of this tenant, newest first, filtered as GET /_emulator/messages is (from_ means from)."""
        query = parse_filters(python_filters(filters))
        return self._on_loop(lambda world: [message_json(m, self.url) for m in select(world, query)])

    def inject_sms(self, from_: str, to: str, text: str, media: list[dict[str, Any]] | None = None
                   ) -> dict[str, Any] | None:
        """An SMS from an outside handset; None when the owner of `to` drops it. With `media` (dicts of
        content_type, file_name and content bytes) it is an MMS."""
        message = self._on_loop(lambda world: inject(world, from_, to, text, media))
        return None if message is None else message_json(message, self.url)

    def advance(self, seconds: float | str) -> int:
        """Move this tenant's clock forward (seconds, or '5m'); returns the new time in ms."""
        delta = parse_duration(seconds)
        return self._on_loop(lambda world: (world.clock.advance(delta), world.tick(), world.now_ms())[2])

    def freeze(self) -> int:
        return self._on_loop(lambda world: (world.clock.freeze(world.now_ms()), world.now_ms())[1])

    def resume(self) -> int:
        return self._on_loop(lambda world: (world.clock.resume(), world.tick(), world.now_ms())[2])

    def now_ms(self) -> int:
        return self._on_loop(lambda world: world.now_ms())

    def fault(self, **rule: Any) -> dict[str, Any]:
        """Add a fault rule (the fields of POST /_emulator/faults); returns it with its id."""
        return self._on_loop(lambda world: control_of(world).faults.add(rule).as_dict())

    def clear_faults(self) -> None:
        self._on_loop(lambda world: control_of(world).faults.clear())

    def journal(self) -> list[dict[str, Any]]:
        return self._on_loop(lambda world: [e.as_dict() for e in control_of(world).journal.newest_first()])

    def webhooks(self) -> list[dict[str, Any]]:
        """What this tenant's webhook subscriptions sent, newest first, once those on their way are answered."""
        refuse_to_block_a_running_loop(self.server.loop, "webhooks()", "await sms_emulator.webhooks_async()",
                                       SETTLE_TIMEOUT_S)
        hooks = self.server.webhooks
        self.server.wait_for(lambda: hooks.settle(self.name))
        return self.server.call(lambda: [d.as_json() for d in hooks.deliveries(self.name)])

    async def webhooks_async(self) -> list[dict[str, Any]]:
        """webhooks() for async tests: the test's loop keeps running, so a receiver on it can answer."""
        hooks = self.server.webhooks
        await self.server.wait_for_async(lambda: hooks.settle(self.name))
        return await self.server.call_async(lambda: [d.as_json() for d in hooks.deliveries(self.name)])

    def reset(self) -> None:
        """Back to the seed: messages, clock, tokens, faults, journal, webhook subscriptions and deliveries."""
        self.server.call(lambda: (self.tenants.reset(self.name), self.server.webhooks.forget(self.name)))

    def load_seed(self, seed: Seed | str | Path | dict) -> None:
        """Give this tenant a seed of its own and start it afresh from it."""
        loaded = as_seed(seed)
        self.server.call(lambda: self.tenants.use_seed(self.name, loaded))

    def wait_for(self, count: int = 1, timeout: float = 5.0, **filters: Any) -> list[dict[str, Any]]:
        """Block until `count` messages match; TimeoutError says what did match."""
        refuse_to_block_a_running_loop(self.server.loop, "wait_for()", "await sms_emulator.wait_for_async()", timeout)
        look = self._looker(count, timeout, filters)
        while (found := look()) is None:
            time.sleep(WAIT_POLL_S)
        return found

    async def wait_for_async(self, count: int = 1, timeout: float = 5.0, **filters: Any) -> list[dict[str, Any]]:
        """wait_for for async tests: it yields to the test's loop between looks."""
        look = self._looker(count, timeout, filters)
        while (found := look()) is None:
            await asyncio.sleep(WAIT_POLL_S)
        return found

    def _looker(self, count: int, timeout: float, filters: dict[str, Any]) -> Callable[[], list[dict[str, Any]] | None]:
        """One look at the messages: enough of them, None to look again, or TimeoutError once time is up."""
        query = parse_filters(python_filters(filters))
        deadline = time.monotonic() + timeout

        def look() -> list[dict[str, Any]] | None:
            found = self._on_loop(lambda world: [message_json(m, self.url) for m in select(world, query)])
            if len(found) >= count:
                return found
            if time.monotonic() >= deadline:
                raise TimeoutError(timeout_message(count, timeout, filters, found))
            return None

        return look


def refuse_to_block_a_running_loop(server_loop: asyncio.AbstractEventLoop | None, what: str, instead: str,
                                   seconds: float) -> None:
    """Waiting here would stall the caller's event loop, and whatever on it the wait is for (a webhook receiver)."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return
    if loop is server_loop:
        return  # on the server's own loop the wait is skipped, so nothing blocks
    raise RuntimeError(f"{what} blocks, and it was called from a running event loop (an async test?), which it "
                       f"would stall for up to {seconds:g} s; use {instead} there")


def python_filters(filters: dict[str, Any]) -> dict[str, Any]:
    """Keyword filters as the HTTP names: from_ is from."""
    return {("from" if k == "from_" else k): v for k, v in filters.items()}


def timeout_message(count: int, timeout: float, filters: dict, found: list[dict]) -> str:
    seen = "; ".join(f"{m['direction']} {m['from']}->{','.join(map(str, m['to']))} {m['status']} {m['text']!r}"
                     for m in found[:5])
    return (f"timed out after {timeout:g} s waiting for {count} message(s) matching {filters or 'anything'}; "
            f"{len(found)} matched{': ' + seen if seen else ''}")


def as_seed(seed: Seed | str | Path | dict | None) -> Seed:
    from .seed import build_seed

    if seed is None:
        return load_default_seed()
    if isinstance(seed, Seed):
        return seed
    if isinstance(seed, dict):
        return build_seed(seed)
    return load_seed_file(seed)


class Emulator(Tenant):
    """Start it (or use it as a context manager) and point any SDK at `url`; it is also its default tenant."""

    def __init__(self, seed: Seed | str | Path | dict | None = None, host: str = "127.0.0.1", port: int = 0,
                 tls: bool = False) -> None:
        tenants = Tenants(as_seed(seed))
        material = generate_tls() if tls else None  # https for clients with a fixed scheme
        server = BackgroundServer(tenants, host, port, ssl_context=material.context if material else None)
        super().__init__(server, tenants, DEFAULT_TENANT, material)
        self._tenant_count = 0
        self._named: set[str] = set()  # every tenant name handed out, so an automatic one never repeats one
        # the temporary CA and key go when the emulator stops, or at the latest when it is collected or Python exits
        self._discard_tls = weakref.finalize(self, material.discard if material else lambda: None)

    def tenant(self, name: str | None = None, seed: Seed | str | Path | dict | None = None) -> Tenant:
        """A tenant of this server (a new, uniquely named one when no name is given), optionally with its own seed."""
        if name is None:
            name = self._unused_name()
        self._named.add(name)
        view = Tenant(self.server, self.tenants, name, self.tls)
        if seed is not None:
            view.load_seed(seed)
        return view

    def _unused_name(self) -> str:
        """tenant-N for the next N no tenant has, not even one named so by hand, so no two tests share one."""
        while True:
            self._tenant_count += 1
            name = f"tenant-{self._tenant_count}"
            if name not in self._named and name not in self.tenants.names():
                return name

    def drop_tenant(self, name: str) -> None:
        """Forget a tenant and the webhook deliveries it made, so a tenant of the same name starts afresh."""
        self.server.call(lambda: (self.tenants.drop(name), self.server.webhooks.forget(name, gone=True)))

    def start(self) -> "Emulator":
        if self.tls is not None and not self._discard_tls.alive:
            raise RuntimeError("this Emulator(tls=True) was stopped and its CA deleted; make a new Emulator to start")
        try:
            self.server.start()
        except BaseException:
            self.stop()  # a with-block that failed to start never reaches __exit__
            raise
        return self

    def stop(self) -> None:
        self.server.stop()
        self._discard_tls()

    def __enter__(self) -> "Emulator":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
