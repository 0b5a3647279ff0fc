"""Who is who: accounts, extensions and numbers, shared between tenants until one changes it."""

from __future__ import annotations

import attrs

from .model import Account, Extension, ExtensionStatus, PhoneNumber


@attrs.define
class Directory:
    """Indexes over the seeded parties of the network; every number has exactly one owner."""

    accounts: dict[str, Account] = attrs.field(factory=dict)
    extensions: dict[str, Extension] = attrs.field(factory=dict)
    numbers: dict[str, PhoneNumber] = attrs.field(factory=dict)
    _extension_by_number: dict[tuple[str, str], str] = attrs.field(factory=dict)

    def add_account(self, account: Account) -> Account:
        if account.id in self.accounts:
            raise ValueError(f"account {account.id} is defined twice")
        self.accounts[account.id] = account
        return account

    def add_extension(self, extension: Extension) -> Extension:
        if extension.account_id not in self.accounts:
            raise ValueError(f"extension {extension.number} names unknown account {extension.account_id}")
        if extension.id in self.extensions:
            raise ValueError(f"extension id {extension.id} is defined twice")
        key = (extension.account_id, extension.number)
        if key in self._extension_by_number:
            raise ValueError(f"extension number {extension.number} is defined twice in account {extension.account_id}")
        self.extensions[extension.id] = extension
        self._extension_by_number[key] = extension.id
        return extension

    def add_number(self, number: PhoneNumber) -> PhoneNumber:
        if number.number in self.numbers:
            raise ValueError(f"phone number {number.number} has two owners")
        if number.account_id not in self.accounts:
            raise ValueError(f"phone number {number.number} names unknown account {number.account_id}")
        if number.extension_id is not None and number.extension_id not in self.extensions:
            raise ValueError(f"phone number {number.number} names unknown extension {number.extension_id}")
        self.numbers[number.number] = number
        return number

    def extension_by_number(self, account_id: str, number: str) -> Extension | None:
        ext_id = self._extension_by_number.get((account_id, number))
        return self.extensions.get(ext_id) if ext_id else None

    def extensions_of(self, account_id: str) -> list[Extension]:
        return [e for e in self.extensions.values() if e.account_id == account_id]

    def numbers_of_account(self, account_id: str) -> list[PhoneNumber]:
        return [n for n in self.numbers.values() if n.account_id == account_id]

    def sms_owner_id(self, number: PhoneNumber) -> str | None:
        """The extension whose mailbox a number's SMS belong to: the operator for the main number."""
        if number.is_main_company_number:
            account = self.accounts[number.account_id]
            return account.operator_extension_id or number.extension_id
        return number.extension_id

    def numbers_of_extension(self, extension_id: str) -> list[PhoneNumber]:
        return [
            n for n in self.numbers.values()
            if n.extension_id == extension_id or self.sms_owner_id(n) == extension_id
        ]

    def departments_of(self, extension_id: str) -> list[Extension]:
        return [e for e in self.extensions.values() if extension_id in e.members]

    def active_members(self, department: Extension) -> list[Extension]:
        members = (self.extensions.get(m) for m in department.members)
        return [m for m in members if m is not None and m.status is ExtensionStatus.ENABLED]

    def copy(self) -> "Directory":
        """A private copy whose records can change without touching the shared one."""
        return Directory(
            {k: attrs.evolve(v) for k, v in self.accounts.items()},
            {k: attrs.evolve(v) for k, v in self.extensions.items()},
            {k: attrs.evolve(v) for k, v in self.numbers.items()},
            dict(self._extension_by_number),
        )
