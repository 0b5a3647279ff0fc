"""sms-emulator: RingCentral, Phone.com and Voximplant SMS APIs in memory, for tests."""

from .emulator import Emulator

__all__ = ["Emulator"]
