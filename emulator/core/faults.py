"""Fault rules as data and matching as a pure function, so injected failures are deterministic and testable."""

from __future__ import annotations

import random
import re
from typing import Any, Collection, Iterable, Mapping

import attrs

ACTIONS = ("status", "latency_ms", "drop", "fail_delivery")
MAX_TIMES = 2 ** 53 - 1  # the largest count every JSON client reads back exactly
RULE_FIELDS = {"provider", "operation", "number", "text", "status", "message", "latency_ms", "drop",
               "fail_delivery", "times", "probability", "seed"}


class FaultRuleError(ValueError):
    """A fault rule that cannot be used, with the field that is wrong."""


@attrs.frozen
class FaultRequest:
    """What a rule can look at in a request: who serves it, which operation, and every string it carries."""

    provider: str | None
    operation: str | None
    strings: tuple[str, ...] = ()
    sends: bool = True  # whether the request sends a message, which a rule that only fails delivery waits for


@attrs.define
class FaultRule:
    """When a request matches, answer with a status, wait, drop the connection, or fail delivery later."""

    id: int
    provider: str | None = None
    operation: str | None = None
    number: str | None = None
    text: str | None = None
    status: int | None = None
    message: str | None = None
    latency_ms: int = 0
    drop: bool = False
    fail_delivery: str | None = None
    times: int | None = None
    probability: float = 1.0
    seed: int = 0
    hits: int = 0
    _rng: random.Random = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        self._rng = random.Random(self.seed)

    @property
    def exhausted(self) -> bool:
        return self.times is not None and self.hits >= self.times

    def roll(self) -> bool:
        """A seeded draw, so the same sequence of requests meets the same faults in every run."""
        return self.probability >= 1.0 or self._rng.random() < self.probability

    def as_dict(self) -> dict[str, Any]:
        body = {f.name: getattr(self, f.name) for f in attrs.fields(FaultRule) if not f.name.startswith("_")}
        body["remaining"] = None if self.times is None else max(0, self.times - self.hits)
        return body


def digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def matches(rule: FaultRule, request: FaultRequest) -> bool:
    """Every condition the rule names must hold; a rule that names none matches every provider request."""
    if rule.exhausted:
        return False
    if rule.fail_delivery and rule.status is None and not rule.drop and not request.sends:
        return False  # a login or a read before the send would use the rule up, and no message would fail
    if rule.provider is not None and rule.provider != request.provider:
        return False
    if rule.operation is not None and rule.operation not in (request.operation, short_operation(request.operation)):
        return False
    if rule.number is not None and not any(digits(s) == digits(rule.number) for s in request.strings):
        return False
    if rule.text is not None and not any(rule.text in s for s in request.strings):
        return False
    return True


def short_operation(operation: str | None) -> str | None:
    """'createSMSMessage' for 'ringcentral.createSMSMessage', so a rule may name either."""
    return operation.split(".", 1)[1] if operation and "." in operation else operation


def first_match(rules: Iterable[FaultRule], request: FaultRequest) -> FaultRule | None:
    """The first rule (in the order they were added) that matches and wins its draw; its use is counted."""
    for rule in rules:
        if matches(rule, request) and rule.roll():
            rule.hits += 1
            return rule
    return None


def strings_in(value: Any) -> Iterable[str]:
    """Every string inside a decoded JSON or form body, however deeply nested (a stack, not recursion)."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            pending.extend(reversed(item.values()))
        elif isinstance(item, (list, tuple)):
            pending.extend(reversed(item))
        elif isinstance(item, (int, float)) and not isinstance(item, bool):
            yield str(item)


def build_rule(rule_id: int, data: Any, operations: Mapping[str, Collection[str]] | None = None) -> FaultRule:
    """A rule from its JSON form, refusing unknown fields and wrong types with a message that names them, and,
    given the providers' `operations`, a provider or operation no request could ever match."""
    if not isinstance(data, dict):
        raise FaultRuleError("a fault rule is a JSON object")
    unknown = sorted(set(data) - RULE_FIELDS)
    if unknown:
        raise FaultRuleError(f"unknown field(s) in fault rule: {', '.join(unknown)}")
    rule = FaultRule(
        rule_id,
        provider=optional(data, "provider", str),
        operation=optional(data, "operation", str),
        number=optional(data, "number", str),
        text=optional(data, "text", str),
        status=optional(data, "status", int),
        message=optional(data, "message", str),
        latency_ms=optional(data, "latency_ms", int) or 0,
        drop=bool(optional(data, "drop", bool)),
        fail_delivery=optional(data, "fail_delivery", str),
        times=optional(data, "times", int),
        probability=probability_of(data),
        seed=optional(data, "seed", int) or 0,
    )
    check_rule(rule)
    if operations is not None:
        check_names(rule, operations)
    return rule


def probability_of(data: dict) -> float:
    """The rule's probability as a float; an integer too large for one is out of range like any past 1."""
    try:
        return float(default(optional(data, "probability", (int, float)), 1.0))
    except OverflowError:
        raise FaultRuleError("probability must be between 0 and 1") from None


def check_names(rule: FaultRule, operations: Mapping[str, Collection[str]]) -> None:
    """A misspelt provider or operation would make a rule that never fires: refused, naming what exists."""
    if rule.provider is not None and rule.provider not in operations:
        raise FaultRuleError(f"provider must be one of {', '.join(operations)}, got {rule.provider!r}")
    if rule.operation is None:
        return
    provider, _, name = rule.operation.rpartition(".")
    if provider and provider not in operations:
        raise FaultRuleError(f"operation {rule.operation!r} names no provider; they are {', '.join(operations)}")
    owners = [p for p in ([provider] if provider else operations) if name in operations[p]]
    if rule.provider is not None and owners and rule.provider not in owners:
        raise FaultRuleError(f"operation {rule.operation!r} is not one of {rule.provider}'s")
    if not owners:
        where = provider or rule.provider
        known = sorted(operations[where]) if where else sorted({op for ops in operations.values() for op in ops})
        raise FaultRuleError(f"unknown operation {rule.operation!r}; known: {', '.join(known)}")


def check_rule(rule: FaultRule) -> None:
    if rule.status is not None and not 400 <= rule.status <= 599:
        raise FaultRuleError("status must be an HTTP error status, 400 to 599")
    if not 0 <= rule.latency_ms <= 60_000:
        raise FaultRuleError("latency_ms must be 0 to 60000")
    if rule.times is not None and not 1 <= rule.times <= MAX_TIMES:
        raise FaultRuleError(f"times must be 1 to {MAX_TIMES} (leave it out for no limit)")
    if not 0.0 <= rule.probability <= 1.0:
        raise FaultRuleError("probability must be between 0 and 1")
    if rule.number is not None and not digits(rule.number):
        raise FaultRuleError("number must contain digits")
    if not (rule.status or rule.latency_ms or rule.drop or rule.fail_delivery):
        raise FaultRuleError("a fault rule needs an effect: status, latency_ms, drop or fail_delivery")
    if rule.drop and rule.status is not None:
        raise FaultRuleError("a rule either drops the connection or answers with a status, not both")
    if rule.fail_delivery and (rule.drop or rule.status is not None):
        raise FaultRuleError("fail_delivery cannot go with status or drop: a refused or dropped request sends nothing")


def default(value: Any, fallback: Any) -> Any:
    """An absent or null field means the default, never a crash."""
    return fallback if value is None else value


def optional(data: dict, name: str, kind: type | tuple[type, ...]) -> Any:
    value = data.get(name)
    if value is None:
        return None
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if isinstance(value, bool) and bool not in kinds:
        raise FaultRuleError(f"{name} must be {type_name(kinds)}, not a boolean")
    if not isinstance(value, kinds):
        raise FaultRuleError(f"{name} must be {type_name(kinds)}, not {type(value).__name__}")
    return value


def type_name(kinds: tuple[type, ...]) -> str:
    names = {str: "a string", int: "an integer", float: "a number", bool: "true or false"}
    return " or ".join(names.get(k, k.__name__) for k in kinds)


@attrs.define
class FaultBook:
    """One tenant's fault rules, in the order they were added."""

    rules: list[FaultRule] = attrs.field(factory=list)
    next_id: int = 1
    operations: Mapping[str, Collection[str]] | None = None  # by provider, for refusing names that never match

    def add(self, data: Any) -> FaultRule:
        rule = build_rule(self.next_id, data, self.operations)
        self.next_id += 1
        self.rules.append(rule)
        return rule

    def remove(self, rule_id: int) -> bool:
        before = len(self.rules)
        self.rules = [r for r in self.rules if r.id != rule_id]
        return len(self.rules) < before

    def clear(self) -> None:
        self.rules.clear()
