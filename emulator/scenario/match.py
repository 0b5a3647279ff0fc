"""Comparing what a step expects with what it got: JSON subsets with $matchers for values that vary."""

from __future__ import annotations

import difflib
import json
import re
from typing import Any, Callable

import attrs

MATCHER = re.compile(r"^\$([a-z_]+)(?:\s+(.*))?$", re.DOTALL)
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$")
ABSENT = object()


def is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def numeric(arg: str | None) -> float:
    return float(arg or "0")


def length_is(value: Any, arg: str | None) -> bool:
    return isinstance(value, (str, list, dict)) and len(value) == int(arg or "0")


def contains(value: Any, part: str) -> bool:
    """A substring of a string, or an item of a list (compared as text)."""
    if isinstance(value, str):
        return part in value
    return isinstance(value, list) and part in [str(item) for item in value]


def is_id(value: Any) -> bool:
    """Ids are positive integers or non-empty strings, whichever the provider uses."""
    return (is_int(value) and value > 0) or (isinstance(value, str) and value.strip() != "")


def is_timestamp(value: Any) -> bool:
    """An ISO-8601 time or seconds/milliseconds since the epoch."""
    return (isinstance(value, str) and TIMESTAMP.match(value) is not None) or (is_int(value) and value > 0)


# name -> (test(actual, argument), whether an argument is required)
MATCHERS: dict[str, tuple[Callable[[Any, str | None], bool], bool]] = {
    "any": (lambda v, a: v is not ABSENT, False),
    "absent": (lambda v, a: v is ABSENT, False),
    "id": (lambda v, a: is_id(v), False),
    "int": (lambda v, a: is_int(v), False),
    "number": (lambda v, a: is_number(v), False),
    "string": (lambda v, a: isinstance(v, str), False),
    "bool": (lambda v, a: isinstance(v, bool), False),
    "timestamp": (lambda v, a: is_timestamp(v), False),
    "regex": (lambda v, a: isinstance(v, str) and re.search(a or "", v) is not None, True),
    "contains": (lambda v, a: contains(v, a or ""), True),
    "len": (lambda v, a: length_is(v, a), True),
    "gt": (lambda v, a: is_number(v) and v > numeric(a), True),
    "ge": (lambda v, a: is_number(v) and v >= numeric(a), True),
    "lt": (lambda v, a: is_number(v) and v < numeric(a), True),
    "le": (lambda v, a: is_number(v) and v <= numeric(a), True),
    "not": (lambda v, a: v != a and str(v) != a, True),
}


def parse_matcher(text: str) -> tuple[str, str | None] | None:
    """('regex', '^MSG') for '$regex ^MSG'; None for a literal string ('$$x' is the literal '$x')."""
    if not text.startswith("$") or text.startswith("$$") or text.startswith("${"):
        return None
    found = MATCHER.match(text)
    if found is None:
        return None
    return found.group(1), found.group(2)


def matcher_problem(text: str) -> str | None:
    """Why a $word in a scenario is not a usable matcher, checked when the file is loaded."""
    parsed = parse_matcher(text)
    if parsed is None:
        return None
    name, arg = parsed
    if name not in MATCHERS:
        return f"unknown matcher ${name}; known: {', '.join('$' + m for m in MATCHERS)} (write $$ for a literal $)"
    if MATCHERS[name][1] and not arg:
        return f"${name} needs an argument, like ${name} <value>"
    if name == "regex":
        try:
            re.compile(arg or "")
        except re.error as error:
            return f"$regex {arg!r} is not a regular expression: {error}"
    if name in ("len", "gt", "ge", "lt", "le"):
        try:
            float(arg or "")
        except ValueError:
            return f"${name} needs a number, got {arg!r}"
    return None


def literal(value: Any) -> Any:
    """A string written with the $$ escape, as the value it stands for."""
    if isinstance(value, str) and value.startswith("$$"):
        return value[1:]
    return value


@attrs.frozen
class Mismatch:
    """One place where the actual value differs from the expected one."""

    where: str
    expected: Any
    actual: Any

    def describe(self) -> str:
        got = "nothing (missing)" if self.actual is ABSENT else show(self.actual)
        return f"{self.where}: expected {show(self.expected)}, got {got}"


def show(value: Any, limit: int = 200) -> str:
    text = json.dumps(value, ensure_ascii=False, default=lambda v: "<missing>" if v is ABSENT else str(v))
    return text if len(text) <= limit else text[:limit - 3] + "..."


def compare(expected: Any, actual: Any, where: str = "", exact: bool = False) -> list[Mismatch]:
    """Every mismatch; objects are compared as subsets unless exact, lists element by element."""
    if isinstance(expected, str):
        parsed = parse_matcher(expected)
        if parsed is not None:
            test, _ = MATCHERS[parsed[0]]
            return [] if test(actual, parsed[1]) else [Mismatch(where or "value", expected, actual)]
    if isinstance(expected, dict):
        return compare_object(expected, actual, where, exact)
    if isinstance(expected, list):
        return compare_list(expected, actual, where, exact)
    if same_value(literal(expected), actual):
        return []
    return [Mismatch(where or "value", literal(expected), actual)]


def same_value(expected: Any, actual: Any) -> bool:
    """Equal, with 1 and 1.0 alike but True never equal to 1."""
    if isinstance(expected, bool) or isinstance(actual, bool):
        return type(expected) is type(actual) and expected == actual
    return expected == actual


def compare_object(expected: dict, actual: Any, where: str, exact: bool) -> list[Mismatch]:
    if not isinstance(actual, dict):
        return [Mismatch(where or "value", expected, actual)]
    found: list[Mismatch] = []
    for key, value in expected.items():
        found += compare(value, actual.get(key, ABSENT), f"{where}.{key}" if where else str(key), exact)
    if exact:
        for key in actual.keys() - expected.keys():
            found.append(Mismatch(f"{where}.{key}" if where else str(key), "$absent", actual[key]))
    return found


def compare_list(expected: list, actual: Any, where: str, exact: bool) -> list[Mismatch]:
    if not isinstance(actual, list):
        return [Mismatch(where or "value", expected, actual)]
    found: list[Mismatch] = []
    if len(expected) != len(actual):
        found.append(Mismatch(f"{where or 'value'} (length)", len(expected), len(actual)))
    for index, (want, got) in enumerate(zip(expected, actual)):
        found += compare(want, got, f"{where}[{index}]", exact)
    return found


def matches(expected: Any, actual: Any, exact: bool = False) -> bool:
    return not compare(expected, actual, exact=exact)


def match_each(expected: list[dict], actual: list[dict]) -> list[dict]:
    """The expected items that no distinct actual item matches (any order, first fit)."""
    left = list(actual)
    missing = []
    for want in expected:
        hit = next((i for i, got in enumerate(left) if matches(want, got)), None)
        if hit is None:
            missing.append(want)
        else:
            left.pop(hit)
    return missing


def projected(expected: Any, actual: Any) -> Any:
    """The actual value cut to the expected shape, so a diff shows only what the step looks at."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        return {k: projected(v, actual.get(k, "<missing>")) for k, v in expected.items()}
    if isinstance(expected, list) and isinstance(actual, list):
        return [projected(e, a) for e, a in zip(expected, actual)] + actual[len(expected):]
    return actual


def resolved(expected: Any, actual: Any) -> Any:
    """The expected value with every satisfied matcher replaced by the actual value it accepted."""
    if isinstance(expected, str) and parse_matcher(expected) is not None:
        return actual if matches(expected, actual) else expected
    if isinstance(expected, dict) and isinstance(actual, dict):
        return {k: resolved(v, actual.get(k, ABSENT)) for k, v in expected.items()}
    if isinstance(expected, list) and isinstance(actual, list):
        return [resolved(e, a) for e, a in zip(expected, actual)] + expected[len(actual):]
    return literal(expected)


def unified_diff(expected: Any, actual: Any, label: str) -> str:
    """A unified diff of expected against actual, both cut to what the step looks at."""
    want = pretty(resolved(expected, actual))
    got = pretty(projected(expected, actual))
    lines = difflib.unified_diff(want.splitlines(), got.splitlines(), f"expected {label}", f"actual {label}",
                                 lineterm="", n=2)
    return "\n".join(lines)


def pretty(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, sort_keys=False,
                      default=lambda v: "<missing>" if v is ABSENT else str(v))
