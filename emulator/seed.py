"""Load a seed (YAML or a dict) into a directory that every tenant starts from."""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Any

import attrs
import yaml

from .core.clock import Clock, ClockRangeError, check_moment, parse_iso
from .core.directory import Directory
from .core.ids import is_digits
from .core.model import PAYMENT_TYPES, Account, Extension, ExtensionStatus, ExtensionType, PhoneNumber
from .core.rules import normalize_number
from .core.world import DeliveryTiming, World
from .providers import number_field_problem
from .providers.phonecom.rules import internal_number_ids
from .providers.ringcentral.rules import A2P_FEATURE, RATE_LIMITS

SEED_VERSION = 1
PROVIDERS = ("ringcentral", "phonecom", "voximplant")
DEFAULT_RETENTION = 100_000  # stored copies per tenant, so a long-running CI server keeps bounded memory
MAX_SEED_DEPTH = 32  # the default seed is 6 deep
MAX_SEED_CHARACTERS = 8 * 1024 * 1024  # far past any seed file (PUT /_emulator/seed takes 1 MiB bodies)
MAX_SEED_VALUES = 1_000_000  # some 100,000 extensions and numbers; a bomb stops here in a fraction of a second
MAX_DELAY_S = 10 * 365 * 86400.0  # a delivery delay no test waits for, kept within the clock's range
DEFAULT_MEDIA_RETENTION = 256 * 1024 * 1024  # bytes of MMS files per tenant, likewise (a shared file counts once)
DEFAULT_SEED_PATH = Path(__file__).resolve().parent / "seeds" / "default.yaml"  # inside the package: any install has it

# Where an SMS to a number with no owning extension goes, per provider.
KEEPS_UNASSIGNED_INBOUND = {"ringcentral": False, "phonecom": True, "voximplant": True}
ACCOUNT_INBOX_FEATURE = {"ringcentral": A2P_FEATURE}  # replies to high-volume numbers: the account's A2P store

ACCOUNT_KEYS = {"id", "name", "operator", "extensions", "phone_numbers"}
EXTENSION_KEYS = {"id", "number", "name", "type", "status", "members", "email"}
NUMBER_KEYS = {"id", "number", "extension", "sms_forwarding", "usage_type", "type", "features",
               "sms_supported", "sms_enabled", "label", "payment_type"}
# The North American plan's toll-free area codes: such a number is TollFree unless its seed says otherwise.
TOLL_FREE_PREFIXES = tuple(f"+1{code}" for code in ("800", "833", "844", "855", "866", "877", "888"))
# Keys that are true or false, so that a string like "false" is an error rather than read as true.
ACCOUNT_FLAGS = ("store_outbound_sms", "store_inbound_sms")
NUMBER_FLAGS = ("sms_supported", "sms_enabled", "deactivated", "canceled", "auto_charge", "can_be_used")
MAX_RATE_LIMIT = 10_000  # requests a minute; each request looks at the minute's earlier ones
INT64_MAX = 2**63 - 1
INT64_DIGITS = len(str(INT64_MAX))
# Ids a provider writes as JSON integers when they are all digits (int_id, as_int and numeric_id in
# providers/*/render.py); its clients read them as int64.
INTEGER_IDS = {
    "ringcentral": {"account id", "extension id", "number id"},
    "phonecom": {"account id", "extension id", "extension number", "number id"},
    "voximplant": {"account id", "number id", "number subscription_id", "number application_id"},
}


class SeedError(ValueError):
    """A seed that cannot be loaded, with the place in it that is wrong."""


@attrs.frozen
class Seed:
    """A parsed seed: the shared directory plus clock and delivery settings."""

    directory: Directory
    raw: dict
    timing: DeliveryTiming = DeliveryTiming()
    frozen_at_ms: int | None = None
    retention: int | None = None  # build_seed gives DEFAULT_RETENTION unless the seed says otherwise
    source: str = "<inline>"
    media_retention: int | None = None  # build_seed gives DEFAULT_MEDIA_RETENTION unless the seed says otherwise

    def new_world(self, name: str = "default") -> World:
        """A fresh tenant: it shares the directory until it changes it, and owns its messages."""
        clock = Clock(frozen_at_ms=self.frozen_at_ms)
        world = World(self.directory, clock, self.timing, self.retention, self.media_retention)
        world.name = name
        return world


# libyaml's parser where PyYAML was built with it: the same documents, read about ten times as fast (every
# cold start of `serve` reads the default seed).
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_yaml(text: str) -> Any:
    """YAML as data; a value YAML allows but Python cannot hold (a number of 5,000 digits, the 45th of a month) is
    a YAML error like any other, not a crash."""
    try:
        return yaml.load(text, Loader=SAFE_LOADER)
    except (ValueError, OverflowError) as error:
        raise unreadable_value(error) from None


def unreadable_value(error: ValueError | OverflowError) -> yaml.YAMLError:
    """A value YAML allows but Python cannot hold, as the YAML error it is for whoever reads the file."""
    reason = str(error).partition("; use sys.")[0]  # not Python's advice on raising its limit
    return yaml.constructor.ConstructorError(problem=f"a value that cannot be read: {reason}")


def load_seed_file(path: str | Path) -> Seed:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise SeedError(f"{path}: cannot read seed: {error.strerror} ({path.absolute()})") from None
    except UnicodeDecodeError as error:
        raise SeedError(f"{path}: cannot read seed: it is not UTF-8 text (byte {error.start})") from None
    try:
        data = parse_yaml(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise SeedError(f"{where}: not valid YAML: {getattr(error, 'problem', error)}") from None
    return build_seed(data, str(path))


def load_default_seed() -> Seed:
    return load_seed_file(DEFAULT_SEED_PATH)


def build_seed(data: Any, source: str = "<inline>") -> Seed:
    if not isinstance(data, dict):
        raise SeedError(f"{source}: a seed is a mapping with provider sections")
    check_bounded(data, source)
    version = data.get("version", SEED_VERSION)
    if version != SEED_VERSION:
        raise SeedError(f"{source}: seed version {version!r} is not supported (expected {SEED_VERSION})")
    unknown = set(data) - {"version", "clock", "delivery", "retention", "media_retention", *PROVIDERS}
    if unknown:
        raise SeedError(f"{source}: unknown seed section(s): {', '.join(sorted(map(str, unknown)))}")
    check_fixed_keys(data, "clock", ("frozen_at",), source)
    check_fixed_keys(data, "delivery", ("sent_after", "delivered_after"), source)
    directory = Directory()
    for provider in PROVIDERS:
        section = data.get(provider) or {}
        accounts = section.get("accounts", []) if isinstance(section, dict) else None
        if not isinstance(accounts, list):
            raise SeedError(f"{source}: {provider}.accounts must be a list")
        for index, account in enumerate(accounts):
            load_account(directory, provider, account, f"{source}: {provider}.accounts[{index}]")
    return Seed(directory, data, load_timing(data, source), load_frozen_at(data, source),
                load_retention(data, source), source,
                load_retention(data, source, "media_retention", DEFAULT_MEDIA_RETENTION, "bytes of MMS files"))


def check_bounded(data: Any, source: str) -> None:
    """Refuse a seed that is nested too deep or, with YAML aliases, expands to millions of values or of
    characters: showing it back (GET /_emulator/seed) would hold the server for minutes."""
    pending, seen, characters = [(data, 1)], 0, 0
    while pending:
        value, depth = pending.pop()
        seen += 1
        characters += len(value) if isinstance(value, str) else 0
        if depth > MAX_SEED_DEPTH or seen > MAX_SEED_VALUES or characters > MAX_SEED_CHARACTERS:
            raise SeedError(f"{source}: the seed is nested deeper than {MAX_SEED_DEPTH} levels or holds more than "
                            f"{MAX_SEED_VALUES:,} values or {MAX_SEED_CHARACTERS:,} characters of text (with YAML "
                            "aliases expanded)")
        if isinstance(value, dict):
            odd = next((key for key in value if not isinstance(key, str)), None)
            if odd is not None:
                raise SeedError(f"{source}: a seed's keys are text; {odd!r} is not (quote it)")
            characters += sum(len(key) for key in value)
            pending.extend((item, depth + 1) for item in value.values())
        elif isinstance(value, list):
            pending.extend((item, depth + 1) for item in value)


def load_account(directory: Directory, provider: str, data: Any, where: str) -> None:
    if not isinstance(data, dict) or "id" not in data:
        raise SeedError(f"{where}: an account is a mapping with an id")
    account_id = id_text(data["id"], f"{where}.id")
    check_int64(provider, "account id", account_id, f"{where}.id")
    check_spelling(data, ACCOUNT_KEYS | set(ACCOUNT_FLAGS) | ACCOUNT_READ_KEYS, where)
    check_read_values(data, ACCOUNT_READ_KEYS, where)
    check_digit_id(provider, "account", account_id, f"{where}.id")
    check_flags(data, ACCOUNT_FLAGS, where)
    check_rate_limits(data.get("rate_limits"), where)
    auth = {k: v for k, v in data.items() if k not in ACCOUNT_KEYS}
    account = Account(provider, account_id, str(data.get("name", "")),
                      keeps_unassigned_inbound=KEEPS_UNASSIGNED_INBOUND[provider],
                      account_inbox_feature=ACCOUNT_INBOX_FEATURE.get(provider), auth=auth)
    guard(where, directory.add_account, account)
    extensions = listed(data, "extensions", where)
    for index, ext in enumerate(extensions):
        load_extension(directory, account_id, ext, f"{where}.extensions[{index}]")
    for index, ext in enumerate(extensions):
        link_members(directory, account_id, ext, f"{where}.extensions[{index}]")
    if "operator" in data:
        operator = directory.extension_by_number(account_id, str(data["operator"]))
        if operator is None:
            raise SeedError(f"{where}.operator: no extension {data['operator']}")
        account.operator_extension_id = operator.id
    numbers = listed(data, "phone_numbers", where)
    ids = number_ids(provider, account_id, numbers, where)
    for index, number in enumerate(numbers):
        load_number(directory, account_id, number, f"{where}.phone_numbers[{index}]", ids[index])


# Keys the providers read from a seed's free-form fields (credentials, vendor settings), beside the fixed ones.
ACCOUNT_READ_KEYS = {"apps", "rate_limits", "access_token", "api_key", "credentials_file", "callback_url",
                     "callback_salt", "service_account_keys", "history_dates", "account_email"}
EXTENSION_READ_KEYS = {"jwt", "password", "access_token"}
NUMBER_READ_KEYS = {"incoming_sms_callback_url", "name"}


def check_digit_id(provider: str, kind: str, text: str, where: str) -> None:
    """Phone.com's paths take an account or extension id as digits only: any other id could never be reached."""
    if provider == "phonecom" and not is_digits(text):
        raise SeedError(f"{where}: a Phone.com {kind} id is all digits, as its paths take no other, not {text!r}")


def is_text(value: Any) -> bool:
    return isinstance(value, str)


def is_text_or_integer(value: Any) -> bool:
    return isinstance(value, (str, int)) and not isinstance(value, bool)


def are_mappings(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, dict) for item in value)


# The shape of each free-form value a face reads (null is always allowed, as absent): checked when the seed loads,
# so that no request meets a value it cannot use.
READ_VALUE_SHAPES: dict[str, tuple[Any, str]] = {
    "apps": (lambda v: are_mappings(v) and all("client_id" in app for app in v),
             "a list of apps, each a mapping with a client_id"),
    "service_account_keys": (are_mappings, "a list of mappings (key_id, public_key)"),
    "access_token": (lambda v: is_text(v) or (isinstance(v, list) and all(map(is_text, v))),
                     "a token, or a list of tokens, as text"),
    "jwt": (is_text, "text (quote it)"),
    "password": (is_text, "text (quote it)"),
    "api_key": (is_text_or_integer, "text"),
    "credentials_file": (lambda v: is_text(v) and "\0" not in v, "the path of a file"),
    "callback_url": (is_text, "a URL"),
    "callback_salt": (is_text_or_integer, "text"),
    "account_email": (is_text, "text"),
    "history_dates": (is_text, "text"),
    "incoming_sms_callback_url": (is_text, "a URL"),
    "name": (is_text_or_integer, "text"),
}


def check_read_values(data: dict, keys: set[str], where: str) -> None:
    for key in keys & data.keys():
        shape = READ_VALUE_SHAPES.get(key)
        value = data[key]
        if shape is not None and value is not None and not shape[0](value):
            shown = repr(value) if len(repr(value)) <= 60 else repr(value)[:57] + "..."
            raise SeedError(f"{where}.{key}: must be {shape[1]}, not {shown}")


def id_text(value: Any, where: str) -> str:
    """An id as text: a string or an integer, as a float, a boolean or null names nothing (.inf became "inf")."""
    if isinstance(value, bool) or not isinstance(value, (str, int)) or (
            isinstance(value, int) and not -INT64_MAX - 1 <= value <= INT64_MAX):
        raise SeedError(f"{where}: an id is a string or an integer (within int64), not {value!r}")
    return str(value)


def check_int64(provider: str, kind: str, text: str, where: str, note: str = "") -> None:
    """An id the provider writes as a JSON integer must fit the int64 its clients read (int() stops at 4,300
    digits): checked here, so no later request answers 500."""
    if kind in INTEGER_IDS[provider] and is_digits(text) and (len(text) > INT64_DIGITS or int(text) > INT64_MAX):
        shown = text if len(text) <= 40 else f"{text[:20]}... ({len(text):,} digits)"
        raise SeedError(f"{where}: {provider} writes an all-digit {kind} as an integer, so it must be at most "
                        f"{INT64_MAX}; {shown}{note} is past that")


def check_spelling(data: dict, known: set[str], where: str) -> None:
    """Free-form keys are kept for the providers, so a misspelt fixed one would be kept silently and change
    nothing: one a letter or two from a known key is refused, naming the key it resembles."""
    for key in data:
        if isinstance(key, str) and key not in known:
            close = difflib.get_close_matches(key, known, n=1, cutoff=0.8)
            if close:
                raise SeedError(f"{where}: unknown key {key!r}; did you mean {close[0]!r}?")


def check_fixed_keys(data: dict, section: str, known: tuple[str, ...], source: str) -> None:
    """`clock` and `delivery` take only their own keys: a misspelt one would leave the default in place unseen."""
    value = data.get(section)
    if value is None:
        return
    if not isinstance(value, dict):
        raise SeedError(f"{source}: {section} is a mapping of {', '.join(known)}")
    for key in value:
        if key not in known:
            close = difflib.get_close_matches(str(key), known, n=1, cutoff=0.6)
            hint = f"did you mean {close[0]!r}?" if close else f"known: {', '.join(known)}"
            raise SeedError(f"{source}: unknown key {section}.{key}; {hint}")


def listed(data: dict, key: str, where: str) -> list:
    """A list the seed gives under key, or none."""
    value = data.get(key) or []
    if not isinstance(value, list):
        raise SeedError(f"{where}.{key} must be a list")
    return value


def load_extension(directory: Directory, account_id: str, data: Any, where: str) -> None:
    if not isinstance(data, dict) or "number" not in data:
        raise SeedError(f"{where}: an extension is a mapping with a number")
    check_spelling(data, EXTENSION_KEYS | EXTENSION_READ_KEYS, where)
    check_read_values(data, EXTENSION_READ_KEYS, where)
    number = id_text(data["number"], f"{where}.number")
    provider = directory.accounts[account_id].provider
    check_int64(provider, "extension number", number, f"{where}.number")
    try:
        ext_type = ExtensionType(data.get("type", "User"))
        status = ExtensionStatus(data.get("status", "Enabled"))
    except ValueError as error:
        raise SeedError(f"{where}: {error}") from None
    auth = {k: v for k, v in data.items() if k not in EXTENSION_KEYS}
    extension_id = id_text(data["id"], f"{where}.id") if "id" in data else f"{account_id}{number}"
    check_int64(provider, "extension id", extension_id, f"{where}.id",
                "" if "id" in data else " (the account id then the extension number, as no id is given)")
    check_digit_id(provider, "extension", extension_id, f"{where}.id")
    extension = Extension(
        id=extension_id,
        account_id=account_id,
        number=number,
        name=str(data.get("name", f"Extension {number}")),
        type=ext_type,
        status=status,
        email=str(data.get("email", "")),
        auth=auth,
    )
    guard(where, directory.add_extension, extension)


def link_members(directory: Directory, account_id: str, data: dict, where: str) -> None:
    members = listed(data, "members", where)
    if not members:
        return
    department = directory.extension_by_number(account_id, str(data["number"]))
    if department.type is not ExtensionType.DEPARTMENT:
        raise SeedError(f"{where}.members: only a Department has members")
    ids = []
    for member in members:
        extension = directory.extension_by_number(account_id, str(member))
        if extension is None:
            raise SeedError(f"{where}.members: no extension {member}")
        ids.append(extension.id)
    department.members = tuple(ids)


def number_ids(provider: str, account_id: str, numbers: list, where: str) -> list[str | None]:
    """Phone.com numbers have internal ids, not their digits; the other providers' default to the digits (None)."""
    if provider != "phonecom":
        return [None] * len(numbers)
    seeded = [phonecom_number_id(data, f"{where}.phone_numbers[{index}]") for index, data in enumerate(numbers)]
    digits = {e164.lstrip("+") for e164 in map(seeded_e164, numbers) if e164}
    ids = internal_number_ids(account_id, seeded, digits)
    for index, number_id in enumerate(ids):
        if seeded[index] is None:
            check_int64(provider, "number id", number_id, f"{where}.phone_numbers[{index}].id",
                        " (the account id times 1000 plus the number's place, as no id is given)")
    return ids


def phonecom_number_id(data: Any, where: str) -> str | None:
    """A Phone.com number's seeded `id`, a positive integer as PhoneNumberFull.id is; None when not given."""
    if not isinstance(data, dict) or "id" not in data:
        return None
    value = data["id"]
    text = str(value).strip() if isinstance(value, (int, str)) and not isinstance(value, bool) else ""
    if not is_digits(text):
        raise SeedError(f"{where}.id: a Phone.com number's id is a positive integer, not {value!r}")
    check_int64("phonecom", "number id", text, f"{where}.id")
    if int(text) < 1:
        raise SeedError(f"{where}.id: a Phone.com number's id is a positive integer, not {value!r}")
    return str(int(text))


def seeded_e164(data: Any) -> str | None:
    raw = data.get("number") if isinstance(data, dict) else data
    return normalize_number(str(raw)) if isinstance(raw, (str, int)) else None


def load_number(directory: Directory, account_id: str, data: Any, where: str, default_id: str | None = None) -> None:
    if isinstance(data, (str, int)):
        data = {"number": str(data)}
    if not isinstance(data, dict) or "number" not in data:
        raise SeedError(f"{where}: a phone number is a mapping with a number")
    check_spelling(data, NUMBER_KEYS | set(NUMBER_FLAGS) | NUMBER_READ_KEYS, where)
    check_read_values(data, NUMBER_READ_KEYS, where)
    check_flags(data, NUMBER_FLAGS, where)
    e164 = normalize_number(str(data["number"]))
    if e164 is None:
        raise SeedError(f"{where}: {data['number']!r} is not a phone number")
    owner = data.get("extension", data.get("sms_forwarding"))
    extension_id = None
    if owner is not None:
        extension = directory.extension_by_number(account_id, str(owner))
        if extension is None:
            raise SeedError(f"{where}: no extension {owner} in account {account_id}")
        extension_id = extension.id
    features = data.get("features", [])
    if not isinstance(features, list):
        raise SeedError(f"{where}.features must be a list")
    provider = directory.accounts[account_id].provider
    number = PhoneNumber(
        id=default_id or number_id(provider, data, e164, where),
        number=e164,
        account_id=account_id,
        extension_id=extension_id,
        usage_type=str(data.get("usage_type", "DirectNumber")),
        type=str(data.get("type", "VoiceFax")),
        features=frozenset(map(str, features)),
        sms_supported=bool(data.get("sms_supported", True)),
        sms_enabled=bool(data.get("sms_enabled", True)),
        label=str(data.get("label", "")),
        payment_type=payment_type(data, e164, where),
        extra={k: v for k, v in data.items() if k not in NUMBER_KEYS},
    )
    check_number_fields(provider, number, where)
    check_price(data, where)
    guard(where, directory.add_number, number)


PLAIN_DECIMAL = re.compile(r"[0-9]{1,15}(?:\.[0-9]{1,15})?")


def check_price(data: dict, where: str) -> None:
    """A number's `phone_price` (Voximplant shows it as a decimal) is a number or its decimal text, nothing else."""
    price = data.get("phone_price")
    if price is None and "phone_price" not in data:
        return
    plain = isinstance(price, str) and PLAIN_DECIMAL.fullmatch(price)
    number = isinstance(price, (int, float)) and not isinstance(price, bool) and 0 <= price < 1e15  # NaN fails too
    if not (plain or number):
        raise SeedError(f"{where}.phone_price: a price is a number of 0 or more (or its decimal text), not {price!r}")


def number_id(provider: str, data: dict, e164: str, where: str) -> str:
    """The seed's id for a number, else its digits; the subscription and application ids Voximplant shows beside
    it are ids too."""
    for key in ("subscription_id", "application_id"):
        if f"number {key}" in INTEGER_IDS[provider] and data.get(key) is not None:
            check_int64(provider, f"number {key}", id_text(data[key], f"{where}.{key}"), f"{where}.{key}")
    seeded = id_text(data["id"], f"{where}.id") if "id" in data else e164.lstrip("+")
    check_int64(provider, "number id", seeded, f"{where}.id")
    return seeded


def check_number_fields(provider: str, number: PhoneNumber, where: str) -> None:
    for field in ("features", "type", "usage_type"):
        problem = number_field_problem(provider, field, getattr(number, field))
        if problem:
            raise SeedError(f"{where}: {problem}")


def payment_type(data: dict, e164: str, where: str) -> str:
    """The seed's `payment_type`, else TollFree for a toll-free number and Local for any other."""
    value = data.get("payment_type", "TollFree" if e164.startswith(TOLL_FREE_PREFIXES) else "Local")
    if not isinstance(value, str) or value not in PAYMENT_TYPES:
        raise SeedError(f"{where}.payment_type: {value!r} is not one of {', '.join(sorted(PAYMENT_TYPES))}")
    return value


def check_flags(data: dict, names: tuple[str, ...], where: str) -> None:
    """True or false only: YAML's 'false' in quotes would otherwise read as true."""
    for name in names:
        if name in data and not isinstance(data[name], bool):
            raise SeedError(f"{where}.{name}: must be true or false, not {data[name]!r}")


def check_rate_limits(value: Any, where: str) -> None:
    """`rate_limits`: true or false, or requests a minute for the throttling groups it names."""
    if value is None or isinstance(value, bool):
        return
    if not isinstance(value, dict):
        raise SeedError(f"{where}.rate_limits: true, false, or a mapping of group to requests a minute")
    for group, count in value.items():
        if group not in RATE_LIMITS:
            raise SeedError(f"{where}.rate_limits: unknown group {group!r} (one of {', '.join(RATE_LIMITS)})")
        if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_RATE_LIMIT:
            raise SeedError(f"{where}.rate_limits.{group}: a whole number of requests from 1 to {MAX_RATE_LIMIT}")


def guard(where: str, action, record) -> None:
    try:
        action(record)
    except ValueError as error:
        raise SeedError(f"{where}: {error}") from None


def load_timing(data: dict, source: str) -> DeliveryTiming:
    delivery = data.get("delivery") or {}
    sent, delivered = seconds_of(delivery, "sent_after", 1.0), seconds_of(delivery, "delivered_after", 2.0)
    if not (0 <= sent <= MAX_DELAY_S and 0 <= delivered <= MAX_DELAY_S):
        raise SeedError(f"{source}: delivery.sent_after and delivery.delivered_after are seconds, "
                        f"from 0 to {MAX_DELAY_S:g}")
    return DeliveryTiming(sent, delivered)


def seconds_of(delivery: Any, key: str, default: float) -> float:
    """A delay given as a number, else NaN (refused): float() alone also reads "1_0", " 5" and true."""
    value = delivery.get(key, default) if isinstance(delivery, dict) else None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return float("nan")
    return float(value) if abs(value) < 1e300 else float("inf")  # an int past a float's range is too far


def load_frozen_at(data: dict, source: str) -> int | None:
    clock = data.get("clock") or {}
    frozen_at = clock.get("frozen_at") if isinstance(clock, dict) else None
    if frozen_at is None:
        return None
    written = frozen_at if isinstance(frozen_at, str) else str(frozen_at)  # YAML reads a bare time as a datetime
    try:
        return check_moment(parse_iso(written.replace(" ", "T")))
    except ClockRangeError as error:
        raise SeedError(f"{source}: clock.frozen_at {written!r}: {error}") from None
    except (ValueError, OverflowError):
        raise SeedError(f"{source}: clock.frozen_at {written!r} is not an ISO-8601 time") from None


def load_retention(data: dict, source: str, key: str = "retention", default: int = DEFAULT_RETENTION,
                   unit: str = "messages") -> int | None:
    """What a tenant keeps (messages, or bytes of MMS files) before forgetting its oldest messages: the default
    when absent, no limit when null."""
    if key not in data:
        return default
    retention = data[key]
    if retention is None:
        return None
    if isinstance(retention, bool) or not isinstance(retention, int) or retention < 1:
        raise SeedError(f"{source}: {key} is a positive number of {unit}")
    return retention
