"""sms-emulator: RingCentral, Phone.com and Voximplant SMS APIs in memory, for tests."""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .emulator import Emulator

__all__ = ["Emulator"]


def __getattr__(name: str):
    """Emulator is imported on first use, so `sms-emulator serve` starts without its TLS and thread machinery."""
    if name == "Emulator":
        from .emulator import Emulator

        return Emulator
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
