"""Provider faces: each owns one vendor's routes, auth scheme, field names and error envelope."""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def fault_operations() -> dict[str, frozenset[str]]:
    """What a fault rule may name, by provider: each route's operation id, and Voximplant's methods."""
    from .phonecom import face as phonecom  # imported when first asked: the faces need the whole package
    from .ringcentral import face as ringcentral
    from .voximplant import face as voximplant

    return {face.NAME: frozenset(op for *_, op in face.ROUTES) | frozenset(getattr(face, "COMMANDS", ()))
            for face in (ringcentral, phonecom, voximplant)}


def number_field_values(provider: str) -> dict[str, frozenset[str]]:
    """The values a provider's phone numbers may take in `features`, `type` and `usage_type` (none: any)."""
    if provider == "ringcentral":
        from .ringcentral.rules import NUMBER_FIELD_VALUES

        return NUMBER_FIELD_VALUES
    return {}


def number_field_problem(provider: str, field: str, value: str | frozenset[str] | list[str]) -> str | None:
    """Why a phone number of this provider cannot hold the value, naming what it can; None if it can."""
    allowed = number_field_values(provider).get(field)
    values = [value] if isinstance(value, str) else list(value)
    outside = sorted(v for v in values if allowed is not None and v not in allowed)
    if not outside:
        return None
    return f"{field} {', '.join(map(repr, outside))} is not one of {provider}'s: {', '.join(sorted(allowed))}"
