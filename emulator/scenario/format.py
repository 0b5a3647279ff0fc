"""The scenario file format: YAML checked against the shipped JSON Schema, errors as `path:line: what is wrong`."""

from __future__ import annotations

import base64
import binascii
import json
import re
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Iterator

import attrs
import yaml

from ..seed import DEFAULT_SEED_PATH, SeedError, build_seed, parse_yaml, unreadable_value
from .match import matcher_problem

SCENARIO_VERSION = 1
# A scenario file names itself on its first key's line and has steps; other YAML that happens to have a top-level
# `scenario:` (Ansible Molecule's mapping, a load test's name) lacks one or the other.
SCENARIO_KEY = re.compile(r"^scenario[ \t]*:[ \t]*[^\s#]", re.MULTILINE)
STEPS_KEY = re.compile(r"^steps[ \t]*:", re.MULTILINE)
DEFAULT_FROZEN_AT = "2026-03-02T10:00:00Z"
ACTIONS = ("request", "advance", "freeze", "inbound", "fault", "clear_faults", "world")
REPEAT = re.compile(r"^repeat \d+ .+$", re.DOTALL)
BUILT_IN_CAPTURES = ("base_url", "base_path", "tenant", "host")  # set by the runner for every scenario
SAVE_PATH = re.compile(r"^(status|headers\.[A-Za-z0-9-]+|body(\.[^.\[\]]+|\[\d+\])*)$")

Location = tuple[Any, ...]


class ScenarioError(ValueError):
    """A scenario that cannot be used; the message is one line naming the file and the line."""


@attrs.frozen
class Step:
    """One step: an action (a provider request or a control action) and what must hold afterwards."""

    index: int
    line: int
    action: str
    payload: Any
    name: str = ""
    credential: str | None = None
    jwt: dict = attrs.field(factory=dict)
    expect: dict = attrs.field(factory=dict)
    save: dict = attrs.field(factory=dict)

    @property
    def title(self) -> str:
        return self.name or describe_action(self.action, self.payload)


@attrs.frozen
class Scenario:
    """A story: the seed it starts from, its world changes, and its steps."""

    path: Path
    name: str
    seed: dict
    seed_source: str
    changes: tuple[dict, ...]
    steps: tuple[Step, ...]
    rule: str = ""
    change_lines: tuple[int, ...] = ()  # the line of each seed change, for the one the server refuses


def describe_action(action: str, payload: Any) -> str:
    if action == "request":
        return f"{payload['method']} {payload['path']}"
    if action == "check":
        return "check the world"
    if isinstance(payload, dict):
        return f"{action} {json.dumps(payload, ensure_ascii=False)}"
    return f"{action} {payload}"


# --- YAML with line numbers ---------------------------------------------------------------------

def read_yaml(path: Path) -> tuple[Any, dict[Location, int]]:
    """The document and the line of every value in it, by its location (keys and indexes)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ScenarioError(f"{path}:1: cannot read the file: {getattr(error, 'strerror', None) or error}") from None
    loader = yaml.SafeLoader(text)
    lines: dict[Location, int] = {}
    try:
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        except (ValueError, OverflowError) as error:  # YAML allows it, Python cannot hold it (5,000 digits, month 13)
            raise unreadable_value(error) from None
        if node is not None:
            index_lines(node, (), lines)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        line = mark.line + 1 if mark else 1
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise ScenarioError(f"{path}:{line}: not valid YAML: {problem}") from None
    except RecursionError:
        raise ScenarioError(f"{path}:1: not valid YAML: nested deeper than can be read") from None
    finally:
        loader.dispose()
    if node is not None:
        repeated = first_repeated_key(node, ())
        if repeated is not None:
            where, line = repeated
            raise ScenarioError(f"{path}:{line}: the key {where[-1]!r} is given twice in one mapping, and YAML keeps "
                                f"only the last (at {dotted(where)})")
    return data, lines


def first_repeated_key(node: yaml.Node, where: Location) -> tuple[Location, int] | None:
    """The first key a mapping gives twice, and the line of its second one: a copied line that would silently win."""
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            if not isinstance(key, yaml.ScalarNode):
                continue
            if key.value in seen:
                return where + (key.value,), key.start_mark.line + 1
            seen.add(key.value)
            found = first_repeated_key(value, where + (key.value,))
            if found is not None:
                return found
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            found = first_repeated_key(item, where + (index,))
            if found is not None:
                return found
    return None


def index_lines(node: yaml.Node, where: Location, lines: dict[Location, int]) -> None:
    lines[where] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            name = key.value if isinstance(key, yaml.ScalarNode) else str(key.start_mark)
            lines[where + (name,)] = key.start_mark.line + 1
            index_lines(value, where + (name,), lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            index_lines(item, where + (index,), lines)


def line_of(lines: dict[Location, int], where: Location) -> int:
    """The line of a location, or of its nearest enclosing value."""
    where = tuple(str(p) if not isinstance(p, int) else p for p in where)
    while where and where not in lines:
        where = where[:-1]
    return lines.get(where, 1)


def dotted(where: Location) -> str:
    text = ""
    for part in where:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


# --- the schema ------------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def schema() -> dict[str, Any]:
    """The JSON Schema of scenario files, shipped with the package."""
    return json.loads(resources.files(__package__).joinpath("schema.json").read_text(encoding="utf-8"))


def schema_problem(data: Any) -> tuple[Location, str] | None:
    """The most telling schema violation, as a location and a sentence."""
    import jsonschema  # only when a scenario is loaded, so `sms-emulator serve` starts without it

    validator = jsonschema.Draft202012Validator(schema())
    error = jsonschema.exceptions.best_match(validator.iter_errors(data))
    if error is None:
        return None
    where = tuple(error.absolute_path)
    if error.validator == "oneOf" and len(where) == 2 and where[0] == "steps":
        return where, step_action_problem(error.instance)
    if error.validator == "additionalProperties":
        return unknown_keys_problem(where, error.instance, error.schema.get("properties", {}))
    if error.validator == "pattern" and where and where[-1] == "as":
        return where, (f"unknown credential {error.instance!r}; use ringcentral:<extension>, ringcentral:app, "
                       "phonecom:owner, phonecom:<extension>, voximplant, voximplant:jwt or none")
    if error.validator == "not" and isinstance(error.instance, dict):
        return where, exclusive_keys_problem(error.instance, error.validator_value)
    return where, error.message


def exclusive_keys_problem(instance: dict, forbidden: dict) -> str:
    """Keys that may not go together (a request's json and form; a seed's file and inline), said as such."""
    groups = forbidden.get("anyOf", [forbidden])
    together = next((g["required"] for g in groups if all(key in instance for key in g.get("required", ()))), None)
    if together is None:
        return "these keys may not go together"
    return f"{' and '.join(together)} cannot both be given: choose one"


def unknown_keys_problem(where: Location, instance: dict, known: dict) -> tuple[Location, str]:
    """At the first unknown key, so the line shown is the typo's own."""
    unknown = [key for key in instance if key not in known]
    listed = ", ".join(map(repr, sorted(map(str, unknown))))
    return where + (unknown[0],), f"unknown key(s) {listed}; known: {', '.join(known)}"


def step_action_problem(step: Any) -> str:
    actions = [a for a in ACTIONS if isinstance(step, dict) and a in step]
    if len(actions) > 1:
        return f"a step does one thing, this one has {', '.join(actions)}"
    return f"a step needs one of {', '.join(ACTIONS)} (or only expect, to check the world)"


# --- loading -----------------------------------------------------------------------------------------

def is_scenario_file(path: Path) -> bool:
    """Scenario files have a top-level `scenario: <name>` and `steps:`; seeds and other YAML do not."""
    if path.suffix not in (".yaml", ".yml"):
        return False
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return SCENARIO_KEY.search(text) is not None and STEPS_KEY.search(text) is not None


def scenario_files(paths: list[str | Path]) -> list[Path]:
    """Scenario files among paths, folders searched recursively, in a stable order."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found += sorted(p for p in path.rglob("*.y*ml") if is_scenario_file(p))
        else:
            found.append(path)
    return found


def load_scenario(path: str | Path) -> Scenario:
    """A scenario ready to run, or ScenarioError naming the file and line of the first problem."""
    path = Path(path)
    data, lines = read_yaml(path)
    if not isinstance(data, dict):
        raise ScenarioError(f"{path}:1: a scenario is a mapping with scenario, version and steps")
    if "version" in data and data["version"] != SCENARIO_VERSION:
        raise ScenarioError(f"{path}:{line_of(lines, ('version',))}: scenario version {data['version']!r} "
                            f"is not supported (expected {SCENARIO_VERSION})")
    problem = schema_problem(data)
    if problem is not None:
        where, message = problem
        at = f" (at {dotted(where)})" if where else ""
        raise ScenarioError(f"{path}:{line_of(lines, where)}: {message}{at}")
    for where, message in semantic_problems(data):
        raise ScenarioError(f"{path}:{line_of(lines, where)}: {message} (at {dotted(where)})")
    seed_data, seed_source = seed_of(path, data.get("seed") or {}, lines)
    steps = tuple(build_step(i, raw, line_of(lines, ("steps", i))) for i, raw in enumerate(data["steps"]))
    changes = tuple((data.get("seed") or {}).get("changes") or ())
    change_lines = tuple(line_of(lines, ("seed", "changes", i)) for i in range(len(changes)))
    return Scenario(path, data["scenario"], seed_data, seed_source, changes, steps, data.get("rule", ""), change_lines)


def build_step(index: int, raw: dict, line: int) -> Step:
    action = next((a for a in ACTIONS if a in raw), "check")
    return Step(index, line, action, raw.get(action), raw.get("name", ""), raw.get("as"), raw.get("jwt") or {},
                raw.get("expect") or {}, raw.get("save") or {})


def semantic_problems(data: dict) -> Iterator[tuple[Location, str]]:
    """What the schema cannot say: unknown matchers, capture paths, and captures used before they are saved."""
    saved: set[str] = set(BUILT_IN_CAPTURES)
    for index, step in enumerate(data["steps"]):
        where = ("steps", index)
        for location, text in strings_in(step, where):
            problem = matcher_problem(text) if "expect" in location else None
            if problem:
                yield location, problem
            for name in re.findall(r"(?<!\$)\$\{([^}]*)\}", text):  # $${ is a literal ${
                if name not in saved and not REPEAT.match(name):
                    yield location, f"${{{name}}} is not saved by an earlier step"
        if not any(action in step for action in ACTIONS):
            yield from replyless_problems(step, where)
        for part in ("request", "expect"):
            encoded = (step.get(part) or {}).get("body_base64") if isinstance(step.get(part), dict) else None
            if isinstance(encoded, str) and not is_base64(encoded):
                yield where + (part, "body_base64"), "body_base64 is not base64"
        for name, source in (step.get("save") or {}).items():
            if not SAVE_PATH.match(source):
                yield where + ("save", name), f"cannot save {source!r}: use status, headers.<Name> or body.<path>"
            saved.add(name)


# What only a reply can show: a step with only `expect` has none, so these would pass unchecked.
REPLY_EXPECTATIONS = ("status", "headers", "body", "body_base64", "exact", "dropped")


def replyless_problems(step: dict, where: Location) -> Iterator[tuple[Location, str]]:
    """A step with only `expect` checks the world; expecting a reply there is a step split in two by mistake."""
    for key in REPLY_EXPECTATIONS:
        if key in (step.get("expect") or {}):
            yield where + ("expect", key), (f"expect.{key} needs a request (or a control step) in the same step; "
                                            "a step with only expect checks messages")
    if step.get("save"):
        yield where + ("save",), "save needs a request (or a control step) in the same step to save from"


def is_base64(text: str) -> bool:
    try:
        base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return False
    return True


def strings_in(value: Any, where: Location) -> Iterator[tuple[Location, str]]:
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, dict):
        for key, item in value.items():
            if key != "save":
                yield from strings_in(item, where + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from strings_in(item, where + (index,))


def seed_of(path: Path, spec: dict, lines: dict[Location, int]) -> tuple[dict, str]:
    """The seed as data: a file (or the bundled default) or inline, with its clock frozen unless it says otherwise."""
    if "inline" in spec:
        data, source = dict(spec["inline"]), str(path)
    else:
        data, source = read_seed_file(path, spec.get("file", "default"), lines)
    for section in ("clock", "delivery"):
        if section in spec:
            data[section] = spec[section]
    data.setdefault("clock", {"frozen_at": DEFAULT_FROZEN_AT})
    try:
        build_seed(data, source)
    except SeedError as error:
        where = ("seed", "inline") if "inline" in spec else ("seed",)
        raise ScenarioError(f"{path}:{line_of(lines, where)}: the seed is not usable: {error}") from None
    return data, source


def read_seed_file(path: Path, name: str, lines: dict[Location, int]) -> tuple[dict, str]:
    seed_path = DEFAULT_SEED_PATH if name == "default" else (path.parent / name).resolve()
    try:
        data = parse_yaml(seed_path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        reason = getattr(error, "strerror", None) or getattr(error, "problem", None) or error
        raise ScenarioError(f"{path}:{line_of(lines, ('seed', 'file'))}: cannot load seed {name}: {reason}") from None
    if not isinstance(data, dict):
        raise ScenarioError(f"{path}:{line_of(lines, ('seed', 'file'))}: seed {name} is not a mapping")
    return data, str(seed_path)
