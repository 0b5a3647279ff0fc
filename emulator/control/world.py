"""Changing a tenant's world while it runs, as an administrator would: statuses, department members, numbers."""

from __future__ import annotations

from typing import Any, Callable

from ..core.model import ExtensionStatus
from ..core.rules import normalize_number
from ..core.world import World
from ..providers import number_field_problem
from ..seed import PROVIDERS

NUMBER_FIELDS = {"sms_enabled": "a boolean", "sms_supported": "a boolean", "features": "a list of strings",
                 "type": "a string", "usage_type": "a string"}
ACTIONS = ("set_extension_status", "remove_member", "add_member", "update_number")


class WorldChangeError(ValueError):
    """A world change that cannot be made, with the reason."""


def account_id_of(world: World, body: dict[str, Any]) -> str:
    """The account named by `account`, else the only account of `provider` (RingCentral by default)."""
    if body.get("account") is not None:
        account_id = str(body["account"])
        account = world.directory.accounts.get(account_id)
        if account is None:
            raise WorldChangeError(f"no account {account_id} in this tenant")
        if body.get("provider") is not None and account.provider != body["provider"]:
            raise WorldChangeError(f"account {account_id} is {account.provider}'s, not {body['provider']}'s")
        return account_id
    provider = provider_of(body)
    try:
        return world.account(provider).id
    except KeyError as error:
        raise WorldChangeError(str(error.args[0])) from None


def provider_of(body: dict[str, Any]) -> str:
    """`provider`, RingCentral when absent: str() would make true a provider named "True" and say only that it has
    no account."""
    provider = body.get("provider")
    if provider is None:
        return "ringcentral"
    if provider not in PROVIDERS:
        raise WorldChangeError(f"provider must be one of {', '.join(PROVIDERS)}, got {provider!r}")
    return provider


def field(body: dict[str, Any], name: str) -> str:
    value = body.get(name)
    if value is None or isinstance(value, (dict, list, bool)):
        raise WorldChangeError(f"{body.get('action')} needs {name} (a string)")
    return str(value)


def set_extension_status(world: World, body: dict[str, Any]) -> None:
    status = field(body, "status")
    if status not in {s.value for s in ExtensionStatus}:
        raise WorldChangeError(f"status must be one of {', '.join(s.value for s in ExtensionStatus)}, got {status!r}")
    world.set_extension_status(account_id_of(world, body), field(body, "extension"), status)


def remove_member(world: World, body: dict[str, Any]) -> None:
    world.remove_member(account_id_of(world, body), field(body, "department"), field(body, "member"))


def add_member(world: World, body: dict[str, Any]) -> None:
    world.add_member(account_id_of(world, body), field(body, "department"), field(body, "member"))


def update_number(world: World, body: dict[str, Any]) -> None:
    changes = body.get("changes")
    if not isinstance(changes, dict) or not changes:
        raise WorldChangeError(f"update_number needs changes, an object of: {', '.join(NUMBER_FIELDS)}")
    unknown = sorted(set(changes) - set(NUMBER_FIELDS))
    if unknown:
        raise WorldChangeError(f"phone numbers cannot change {', '.join(unknown)}; known: {', '.join(NUMBER_FIELDS)}")
    number = normalize_number(field(body, "number"))
    if number is None:
        raise WorldChangeError(f"number must be a phone number, got {body.get('number')!r}")
    fields = {name: number_field(name, value) for name, value in changes.items()}
    record = world.directory.numbers.get(number)
    provider = world.directory.accounts[record.account_id].provider if record is not None else ""
    for name, value in fields.items():
        problem = number_field_problem(provider, name, value) if isinstance(value, (str, frozenset)) else None
        if problem:
            raise WorldChangeError(problem)
    world.update_number(number, **fields)


def number_field(name: str, value: Any) -> Any:
    """A phone-number field of the right type; nothing is coerced, so "false" is not taken for true."""
    kind = NUMBER_FIELDS[name]
    if kind == "a boolean" and isinstance(value, bool):
        return value
    if kind == "a string" and isinstance(value, str):
        return value
    if kind == "a list of strings" and isinstance(value, list) and all(isinstance(v, str) for v in value):
        return frozenset(value)
    raise WorldChangeError(f"{name} must be {kind}, got {value!r}")


HANDLERS: dict[str, Callable[[World, dict[str, Any]], None]] = {
    "set_extension_status": set_extension_status,
    "remove_member": remove_member,
    "add_member": add_member,
    "update_number": update_number,
}


# What each action reads besides `action`, `provider` and `account`: a field of another action is most likely a
# mistaken action or a stray copy, so it is refused rather than ignored.
ACTION_FIELDS = {"set_extension_status": ("extension", "status"), "remove_member": ("department", "member"),
                 "add_member": ("department", "member"), "update_number": ("number", "changes")}


def apply_world_change(world: World, body: dict[str, Any]) -> None:
    """One change; unknown extensions, departments and numbers are refused, not ignored."""
    action = body.get("action")
    handler = HANDLERS.get(action) if isinstance(action, str) else None
    if handler is None:
        raise WorldChangeError(f"action must be one of {', '.join(ACTIONS)}, got {body.get('action')!r}")
    stray = sorted(set(body) - {"action", "provider", "account", *ACTION_FIELDS[action]})
    if stray:
        raise WorldChangeError(f"{action} does not take {', '.join(stray)} "
                               f"(it takes {', '.join(ACTION_FIELDS[action])}, and provider or account)")
    provider_of(body)  # checked whatever the action: update_number and a named account do not read it
    try:
        handler(world, body)
    except KeyError as error:
        raise WorldChangeError(str(error.args[0])) from None
