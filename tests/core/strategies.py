"""Hypothesis strategies for worlds and requests: every extension type and status, any department mix."""

from __future__ import annotations

from hypothesis import strategies as st

from emulator.core.clock import Clock
from emulator.core.directory import Directory
from emulator.core.model import Account, Extension, ExtensionStatus, ExtensionType, PhoneNumber
from emulator.core.world import World

ACCOUNT = "100"
OTHER_PROVIDER_ACCOUNT = "200"
OUTSIDE_HANDSETS = ["+14155550100", "+14155550101", "+447700900123"]

statuses = st.sampled_from(list(ExtensionStatus))
types = st.sampled_from(list(ExtensionType))


@st.composite
def directories(draw, with_department: bool = False) -> Directory:
    """An account with 2-8 extensions of any type and status, departments with any members, and numbers.

    With `with_department`, the last extension is an enabled Department with at least one member.
    """
    directory = Directory()
    count = draw(st.integers(3 if with_department else 2, 8))
    directory.add_account(Account("ringcentral", ACCOUNT, operator_extension_id=f"{ACCOUNT}-101"))
    directory.add_account(Account("phonecom", OTHER_PROVIDER_ACCOUNT, keeps_unassigned_inbound=True))
    for index in range(count):
        number = str(101 + index)
        directory.add_extension(Extension(
            id=f"{ACCOUNT}-{number}", account_id=ACCOUNT, number=number, name=f"Ext {number}",
            type=extension_type(draw, index, count, with_department),
            status=ExtensionStatus.ENABLED if index == 0 or (with_department and index == count - 1) else draw(statuses),
        ))
    extensions = list(directory.extensions.values())
    people = [e for e in extensions if e.type is not ExtensionType.DEPARTMENT]
    for extension in extensions:
        if extension.type is ExtensionType.DEPARTMENT:
            members = draw(st.lists(st.sampled_from(people), unique_by=lambda e: e.id, max_size=count,
                                    min_size=1 if with_department else 0))
            extension.members = tuple(m.id for m in members)
    directory.add_number(PhoneNumber("main", "+16505550100", ACCOUNT, f"{ACCOUNT}-101",
                                     usage_type="MainCompanyNumber", features=frozenset({"SmsSender"})))
    for index, extension in enumerate(extensions):
        features = frozenset({"SmsSender"}) if draw(st.booleans()) or index == 0 else frozenset()
        features |= {"MmsSender"} if draw(st.booleans()) else frozenset()
        kind = "FaxOnly" if draw(st.integers(0, 9)) == 0 and index else "VoiceFax"
        directory.add_number(PhoneNumber(f"n{index}", f"+165055502{index:02d}", ACCOUNT, extension.id,
                                         type=kind, features=features))
    directory.add_number(PhoneNumber("pc", "+12125550101", OTHER_PROVIDER_ACCOUNT))
    return directory


def extension_type(draw, index: int, count: int, with_department: bool) -> ExtensionType:
    if index == 0:
        return ExtensionType.USER
    if with_department and index == count - 1:
        return ExtensionType.DEPARTMENT
    return draw(types)


def world_of(directory: Directory) -> World:
    return World(directory, Clock(frozen_at_ms=1_700_000_000_000))


def numbers_of(directory: Directory) -> list[str]:
    return sorted(directory.numbers)


def sms_texts(max_units: int = 1100):
    """Texts across all of Unicode, including astral characters, near and over the limits."""
    return st.one_of(
        st.text(min_size=1, max_size=60),
        st.integers(990, 1010).map(lambda n: "a" * n),
        st.integers(495, 505).map(lambda n: "😀" * n),
        st.tuples(st.integers(0, 1000), st.text(min_size=1, max_size=5)).map(lambda t: "x" * t[0] + t[1]),
    )
