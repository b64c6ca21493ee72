"""The premium engine: prices VSI and household HI from dated rules (resources/rules/*.toml).

Every figure comes from a rule entry in force on the payment date, and every quote lists the entries it
used with their legal basis. A province profile may add local support and override entries marked
unconfirmed. Money is an integer number of đồng, rounded half up once per monthly amount.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import cache, cached_property
from pathlib import Path
from typing import Any

from fieldapp.domain.enums import SupportGroup
from fieldapp.domain.rulefile import LOCAL, NATIONAL, SHIPPED, Origin, RuleFile, read, shipped
from fieldapp.domain.ruleformat import profile_file
from fieldapp.errors import InputRefused


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
    rules_version: str = ""


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
    rules_version: str = ""


def _file_order(f: RuleFile) -> tuple[date, tuple[int, ...], bool]:
    """Older files first; of two issued the same day, the higher version, then the server's, last (wins)."""
    version = tuple(int(p) if p.isdigit() else 0 for p in f.origin.version.replace("-", ".").split("."))
    return (f.origin.issued or date.min, version, f.origin.source != SHIPPED)


def _round(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _pct(value: Any) -> Decimal:
    return Decimal(str(value)) / 100


# The rules' member shares stop at the fifth member (every further one pays the last share) and set no upper
# limit; a household registered at one address is rarely over 20 people. Beyond this a count is a typing
# slip, and a quote line per member must not grow without bound.
MAX_HOUSEHOLD_MEMBERS = 50


class RuleBook:
    """All dated rule lists, merged from rule files; `in_force(name, on)` picks the entry for a day.

    One loader for every source (`from_files`): the national files (the shipped one, and national files
    from the server) in the order they were issued, a later one replacing an entry of the same id or of
    the same first day; then the province files (a profile's local support, the server's province files),
    which add local support and may replace only entries the national rules mark unconfirmed. A newer
    rule a laptop holds is never dropped for an older file: the order is the files' issue dates, not the
    order they arrived in.
    """

    def __init__(self) -> None:
        self._lists: dict[str, list[dict[str, Any]]] = {}
        self._origin: dict[str, Origin] = {}
        self._seen: dict[str, list[dict[str, Any]]] = {}  # every entry ever merged: the payment periods' union
        self.sources: list[RuleFile] = []
        self.files: list[Origin] = []  # the files that gave at least one entry, in merge order

    @classmethod
    def from_files(cls, files: Iterable[RuleFile]) -> RuleBook:
        book = cls()
        given = list(files)
        national = sorted((f for f in given if f.kind == NATIONAL), key=_file_order)
        local = sorted((f for f in given if f.kind != NATIONAL), key=_file_order)
        for f in [*national, *local]:
            book.sources.append(f)
            if book._merge(f):
                book.files.append(f.origin)
        for entries in book._lists.values():
            entries.sort(key=lambda e: e["from"])
        return book

    @classmethod
    def load(cls, path: Path | None = None, overrides: Mapping[str, Any] | None = None) -> RuleBook:
        """The shipped national file (or the file at `path`), with a profile's rule entries (`overrides`)."""
        files = [shipped() if path is None else read(path.read_bytes(), source=SHIPPED)]
        if overrides:
            files.append(profile_file(overrides))
        return cls.from_files(files)

    def _merge(self, f: RuleFile) -> bool:
        national = f.kind == NATIONAL
        took = False
        for name, entry in f.entries():
            current = self._lists.setdefault(name, [])
            if not national and name != LOCAL:
                held = next((e for e in current if e["id"] == entry["id"]), None)
                if held is None or not held.get("unconfirmed"):
                    continue  # a confirmed national rule wins over a province's
            current[:] = [
                e for e in current if e["id"] != entry["id"] and not (national and e["from"] == entry["from"])
            ]
            current.append(entry)
            self._origin[entry["id"]] = f.origin
            self._seen.setdefault(name, []).append(entry)
            took = True
        return took

    @cached_property
    def version(self) -> str:
        """The rules version members see: the newest national file's, then each province file's."""
        national = [o for o in self.files if o.kind == NATIONAL]
        parts = [national[-1].label()] if national else []
        return " + ".join(parts + [o.label() for o in self.files if o.kind != NATIONAL])

    @cached_property
    def last_change(self) -> date:
        """The latest first day of any rule held: after it, this laptop knows of no change."""
        return max(e["from"] for entries in self._lists.values() for e in entries)

    @cached_property
    def issued(self) -> date | None:
        return max((o.issued for o in self.files if o.issued), default=None)

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

    def entry(self, entry_id: str) -> tuple[str, dict[str, Any]] | None:
        """The list name and the entry with this id, among the entries in force at some time."""
        for name, entries in self._lists.items():
            for e in entries:
                if e["id"] == entry_id:
                    return name, e
        return None

    def origin(self, entry_id: str) -> Origin | None:
        return self._origin.get(entry_id)

    def months_ever(self, name: str, *keys: str) -> frozenset[int]:
        """Every payment period of `name` that any rule merged here allows or allowed."""
        return frozenset(n for e in self._seen.get(name, ()) for k in keys for n in e.get(k, ()))

    @staticmethod
    def ref(entry: Mapping[str, Any]) -> RuleRef:
        return RuleRef(entry["id"], entry.get("basis", ""), bool(entry.get("unconfirmed", False)))

    def in_force_on(self, on: date) -> list[tuple[str, dict[str, Any]]]:
        """(list name, entry) of every rule in force on `on`; local support: each province's and group's."""
        out: list[tuple[str, dict[str, Any]]] = []
        for name, entries in sorted(self._lists.items()):
            if name == LOCAL:  # the one in force for each province and group (a passed `to` gives none)
                current = {(e["province"], g) for e in entries for g in e["groups"]}
                found = {id(c): c for p, g in sorted(current) if (c := self._local_current(p, g, on)) is not None}
                out += [(name, e) for e in found.values()]
                continue
            current = [e for e in entries if e["from"] <= on]
            if current:
                out.append((name, current[-1]))
        return out

    # --- VSI ----------------------------------------------------------------------------------

    def vsi_income_bounds(self, on: date) -> tuple[int, int]:
        floor = self.in_force("vsi.poverty_line", on)["amount"]
        ceiling = self.in_force("vsi.ceiling", on)
        return floor, ceiling["multiple"] * ceiling["reference"]

    def vsi_allowed_months(self, on: date) -> tuple[int, ...]:
        methods = self.in_force("vsi.methods", on)
        return (*methods["periodic_months"], *methods["ahead_months"])

    def vsi_support_base(self, on: date) -> Decimal:
        """What the state's support rates apply to: the contribution rate times the rural poverty line."""
        return _pct(self.in_force("vsi.contribution", on)["rate_pct"]) * self.in_force("vsi.poverty_line", on)["amount"]

    def _local_current(self, province: str, group: str, on: date) -> dict[str, Any] | None:
        """The province's latest local support entry for the group on the day; one whose `to` has passed
        gives none (until a later one)."""
        current = None
        for entry in self._lists.get(LOCAL, []):
            if entry["from"] <= on and entry.get("province") == province and group in entry.get("groups", ()):
                current = entry
        if current is None or ("to" in current and current["to"] < on):
            return None
        return current

    def _local_support(self, province: str | None, group: str, on: date) -> tuple[int, RuleRef | None]:
        """Local support per month from the province's own entries (a profile's, a server file's), if any."""
        current = self._local_current(province, group, on) if province else None
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
            basis = (poverty if income < floor else ceiling).get("basis", "")
            raise InputRefused("premium.vsi_income", income=income, floor=floor, ceiling=top, basis=basis)
        allowed = self.vsi_allowed_months(on)
        if months not in allowed:
            raise InputRefused("premium.vsi_months", months=months, allowed=", ".join(map(str, allowed)))
        rate = _pct(contribution["rate_pct"])
        monthly = _round(rate * income)
        state = _round(_pct(support[group.value]) * rate * poverty["amount"])
        local, local_ref = self._local_support(province, group.value, on)
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
            rules_version=self.version,
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
            rules_version=self.version,
        )

    def hi_state_group(self, group: str, on: date) -> tuple[str, RuleRef] | None:
        """Where the HI card of a person of `group` comes from when the state pays or supports it (rules.md:
        outside household HI), with the rule that says so; None for everyone else."""
        try:
            entry = self.in_force("hi.state_groups", on)
        except (InputRefused, KeyError):
            return None
        path = entry.get(group)
        return (path, self.ref(entry)) if path else None


_active: list[RuleBook] = []  # the book with the server's files, once a store has given them


def base_files() -> list[RuleFile]:
    """The rules this install carries: the shipped national file, and the province profile's entries."""
    from fieldapp.domain.profile import installed_rule_file

    profile = installed_rule_file()
    return [shipped(), profile] if profile else [shipped()]


@cache
def _base_rules() -> RuleBook:
    return RuleBook.from_files(base_files())


def default_rules() -> RuleBook:
    """The rules this process prices with: the shipped ones with the installed profile's, and the server's
    rule files the open store holds (`activate`). `fieldapp.protocol.records` reads the same book."""
    return _active[0] if _active else _base_rules()


def activate(server_files: Iterable[RuleFile]) -> RuleBook:
    """Price with the server's rule files too (the laptop: those in its store; the server: those it holds)."""
    files = list(server_files)
    book = RuleBook.from_files([*base_files(), *files]) if files else _base_rules()
    _active[:] = [book]
    return book


RULES_MARK = "rules@"  # the last item of an enrolment's `rules`: the rules version that priced it (issue 14)


def rule_ids(quote: VsiQuote | HiQuote) -> tuple[str, ...]:
    """What an enrolment keeps of the rules that priced it: each entry's id, then the rules version (the
    receipt's footer prints it; docs/sync-api.md, "Rules")."""
    return (*(r.id for r in quote.rules), f"{RULES_MARK}{quote.rules_version}")


def rules_version(ids: Iterable[Any]) -> str | None:
    """The rules version an enrolment's `rules` names (None: made before rules 2027.1)."""
    return next((i[len(RULES_MARK) :] for i in ids if isinstance(i, str) and i.startswith(RULES_MARK)), None)


def quote_json_rules(rules: Iterable[RuleRef]) -> list[dict[str, Any]]:
    return [r.as_json() for r in rules]
