"""The premium engine: prices VSI and household HI from dated rules (resources/rules/*.toml).

Every figure comes from a rule entry in force on the payment date, and every quote lists the entries it
used with their legal basis. A province profile may add local support and override entries marked
unconfirmed. Money is an integer number of đồng, rounded half up once per monthly amount.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path
from typing import Any

from fieldapp.domain.enums import SupportGroup
from fieldapp.errors import InputRefused
from fieldapp.paths import resource_path


@dataclass(frozen=True, slots=True)
class RuleRef:
    id: str
    basis: str
    unconfirmed: bool = False

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "basis": self.basis, "unconfirmed": self.unconfirmed}


@dataclass(frozen=True, slots=True)
class VsiQuote:
    on: date
    income: int
    months: int
    group: SupportGroup
    monthly_contribution: int
    state_support_monthly: int
    local_support_monthly: int
    monthly_due: int  # what the participant pays a month before any discount
    total: int  # what the participant pays for the whole period
    discount: int  # paying ahead: the undiscounted sum minus the total
    rules: tuple[RuleRef, ...]
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class HiMemberQuote:
    order: int
    monthly: int
    amount: int


@dataclass(frozen=True, slots=True)
class HiQuote:
    on: date
    months: int
    members: tuple[HiMemberQuote, ...]
    total: int
    rules: tuple[RuleRef, ...]


def _round(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _pct(value: Any) -> Decimal:
    return Decimal(str(value)) / 100


# The rules' member shares stop at the fifth member (every further one pays the last share) and set no upper
# limit; a household registered at one address is rarely over 20 people. Beyond this a count is a typing
# slip, and a quote line per member must not grow without bound.
MAX_HOUSEHOLD_MEMBERS = 50


class RuleBook:
    """All dated rule lists, loaded once; `in_force(name, on)` picks the entry for a day."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self._lists: dict[str, list[dict[str, Any]]] = {}
        self._collect(data, "")

    def _collect(self, tree: Mapping[str, Any], prefix: str) -> None:
        for key, value in tree.items():
            name = f"{prefix}{key}"
            if isinstance(value, list) and value and isinstance(value[0], dict):
                self._lists[name] = sorted(value, key=lambda e: e["from"])
            elif isinstance(value, dict):
                self._collect(value, name + ".")

    @classmethod
    def load(cls, path: Path | None = None, overrides: Mapping[str, Any] | None = None) -> RuleBook:
        with (path or resource_path("rules", "vietnam.toml")).open("rb") as f:
            book = cls(tomllib.load(f))
        if overrides:
            book._merge(cls(overrides))
        return book

    def _merge(self, other: RuleBook) -> None:
        """A profile's entries join each list; an entry with an existing id replaces it."""
        for name, entries in other._lists.items():
            ids = {e["id"] for e in entries}
            kept = [e for e in self._lists.get(name, []) if e["id"] not in ids]
            self._lists[name] = sorted([*kept, *entries], key=lambda e: e["from"])

    def first_date(self, name: str) -> date:
        return self._lists[name][0]["from"]

    def in_force(self, name: str, on: date) -> dict[str, Any]:
        entries = self._lists.get(name, [])
        current = None
        for entry in entries:
            if entry["from"] <= on:
                current = entry
        if current is None:
            raise InputRefused("premium.before_rules", date=on, first=self.first_date(name))
        return current

    def entries(self, name: str) -> list[dict[str, Any]]:
        return list(self._lists.get(name, []))

    @staticmethod
    def ref(entry: Mapping[str, Any]) -> RuleRef:
        return RuleRef(entry["id"], entry.get("basis", ""), bool(entry.get("unconfirmed", False)))

    # --- VSI ----------------------------------------------------------------------------------

    def vsi_income_bounds(self, on: date) -> tuple[int, int]:
        floor = self.in_force("vsi.poverty_line", on)["amount"]
        ceiling = self.in_force("vsi.ceiling", on)
        return floor, ceiling["multiple"] * ceiling["reference"]

    def vsi_allowed_months(self, on: date) -> tuple[int, ...]:
        methods = self.in_force("vsi.methods", on)
        return (*methods["periodic_months"], *methods["ahead_months"])

    def _local_support(self, list_name: str, province: str | None, group: str, on: date) -> tuple[int, RuleRef | None]:
        """Local support per month from a province profile's `<list_name>` entries, if any."""
        if not province:
            return 0, None
        current = None
        for entry in self._lists.get(list_name, []):
            if entry["from"] <= on and entry.get("province") == province and group in entry.get("groups", ()):
                current = entry
        if current is None:
            return 0, None
        return int(current["monthly"]), self.ref(current)

    def quote_vsi(
        self,
        *,
        income: int,
        months: int,
        on: date,
        group: SupportGroup = SupportGroup.OTHER,
        province: str | None = None,
        supported_months_before: int = 0,
    ) -> VsiQuote:
        contribution = self.in_force("vsi.contribution", on)
        poverty = self.in_force("vsi.poverty_line", on)
        ceiling = self.in_force("vsi.ceiling", on)
        support = self.in_force("vsi.support", on)
        methods = self.in_force("vsi.methods", on)
        floor, top = self.vsi_income_bounds(on)
        if not floor <= income <= top:
            raise InputRefused("premium.vsi_income", income=income, floor=floor, ceiling=top)
        allowed = self.vsi_allowed_months(on)
        if months not in allowed:
            raise InputRefused("premium.vsi_months", months=months, allowed=", ".join(map(str, allowed)))
        rate = _pct(contribution["rate_pct"])
        monthly = _round(rate * income)
        state = _round(_pct(support[group.value]) * rate * poverty["amount"])
        local, local_ref = self._local_support("vsi.local_support", province, group.value, on)
        local = min(local, monthly - state)
        due = monthly - state - local
        rules = [self.ref(e) for e in (contribution, poverty, ceiling, support, methods)]
        warnings: list[str] = []
        limit = support.get("max_months")
        if limit is not None and supported_months_before + months > limit:
            warnings.append("premium.vsi_support_limit")
        if months in methods["ahead_months"]:
            r_entry = self.in_force("vsi.return_rate", on)
            rules.append(self.ref(r_entry))
            growth = 1 + _pct(r_entry["monthly_pct"])
            total = _round(sum(Decimal(due) / growth**i for i in range(months)))
        else:
            total = due * months
        if local_ref:
            rules.append(local_ref)
        return VsiQuote(
            on=on,
            income=income,
            months=months,
            group=group,
            monthly_contribution=monthly,
            state_support_monthly=state,
            local_support_monthly=local,
            monthly_due=due,
            total=total,
            discount=due * months - total,
            rules=tuple(rules),
            warnings=tuple(warnings),
        )

    # --- household HI -------------------------------------------------------------------------

    def hi_allowed_months(self, on: date) -> tuple[int, ...]:
        return tuple(self.in_force("hi.periods", on)["months"])

    def quote_hi(self, *, members: int, months: int, on: date) -> HiQuote:
        if not 1 <= members <= MAX_HOUSEHOLD_MEMBERS:
            raise InputRefused("premium.hi_members", members=members, maximum=MAX_HOUSEHOLD_MEMBERS)
        base = self.in_force("base_salary", on)
        rule = self.in_force("hi.household", on)
        periods = self.in_force("hi.periods", on)
        if months not in periods["months"]:
            raise InputRefused("premium.hi_months", months=months, allowed=", ".join(map(str, periods["months"])))
        first = _pct(rule["rate_pct"]) * base["amount"]
        shares = rule["member_pct"]
        lines = []
        for order in range(1, members + 1):
            share = shares[min(order, len(shares)) - 1]
            monthly = _round(first * _pct(share))
            lines.append(HiMemberQuote(order, monthly, monthly * months))
        return HiQuote(
            on=on,
            months=months,
            members=tuple(lines),
            total=sum(m.amount for m in lines),
            rules=tuple(self.ref(e) for e in (base, rule, periods)),
        )


@cache
def default_rules() -> RuleBook:
    """The shipped rules with the installed province profile's entries (local support) merged in."""
    from fieldapp.profile import installed_rules

    return RuleBook.load(overrides=installed_rules())


def quote_json_rules(rules: Iterable[RuleRef]) -> list[dict[str, Any]]:
    return [r.as_json() for r in rules]
