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
