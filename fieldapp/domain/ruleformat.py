"""What a rule file holds: its header, the rule lists and the values each entry may have, read as a RuleFile.

The format of resources/rules/vietnam.toml, for every place rules come from: the national file the app
ships, a province profile's `[rules]` (local support), and the files provincial IT adds on the server
(`fieldapp server rules add`), which the server signs and every laptop of the province takes at its next
sync or from a USB bundle (docs/sync-api.md, "Rules"). `fieldapp.domain.premiums.RuleBook.from_files`
merges them; `fieldapp.domain.rulefile` checks a file against all this.

    [file]
    format = 1                 # this app reads format 1; a newer format asks for a newer app
    kind = "national"          # national: the state's rules; province: one province's own support
    version = "2027.1"         # shown to members: the About box, every quote, the receipt's footer
    issued = 2026-12-07        # of two national files, the later issued one wins
    province = "33"            # kind = "province" only

    [[vsi.poverty_line]]       # a rule list; each entry applies from `from` until the next one
    id = "vsi.poverty_line.2027-01"
    from = 2027-01-01
    amount = 2_200_000
    basis = "Nghị định 351/2025/NĐ-CP"   # the legal text: required
    unconfirmed = true         # optional: not found in an official text (members see it, citizens never)
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import pairwise
from typing import Any

from fieldapp.domain.enums import HiStatePath
from fieldapp.tomltext import Problem

FORMAT = 1
MAX_BYTES = 256 * 1024  # the national file is 5 KB; anything near this is not a rule file
MAX_ENTRIES = 1000
FIRST_DAY = date(2018, 1, 1)  # the oldest rule the app knows (Decree 134/2015 as amended in 2018)
LAST_DAY = date(2100, 12, 31)  # a profile's entries (a profile has no issue date)
AHEAD = timedelta(days=5 * 366)  # a rule may take effect at most five years after its file was issued
KINDS = ("national", "province")
NATIONAL, PROVINCE = KINDS
SHIPPED, PROFILE, SERVER = "shipped", "profile", "server"
LOCAL = "vsi.local_support"
SUPPORT_GROUPS = ("poor", "near_poor", "ethnic_minority", "other")
# The groups whose HI card the state pays or supports (rules.md), and where their card comes from.
HI_STATE_GROUPS = ("poor", "near_poor", "student", "ethnic_minority")
HI_PATHS = tuple(p.value for p in HiStatePath)
ENTRY_KEYS = ("id", "from", "basis", "note", "unconfirmed")
HEADER_KEYS = ("format", "kind", "version", "issued", "province")


# --- what each value may be ---------------------------------------------------------------------


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_number(v: Any) -> bool:
    return _is_int(v) or isinstance(v, float)


MONEY, PCT, COUNT = "rules.money", "rules.pct", "rules.count"  # what a Number is, and its message


@dataclass(frozen=True)
class Number:
    """A number within bounds: whole đồng (MONEY), a whole count (COUNT), or a percentage (PCT, decimals
    allowed). Never a bool, a string or a NaN."""

    lo: float
    hi: float
    code: str = MONEY
    optional: bool = False

    def problem(self, key: str, v: Any) -> tuple[str, dict[str, Any]] | None:
        kind_ok = _is_number(v) if self.code == PCT else _is_int(v)
        if not kind_ok or not self.lo <= v <= self.hi:
            return self.code, {"key": key, "low": self.lo, "high": self.hi}
        return None


@dataclass(frozen=True)
class Months:
    """Payment periods in months: distinct, from 1 to 120, in increasing order."""

    may_be_empty: bool = False
    optional: bool = False

    def problem(self, key: str, v: Any) -> tuple[str, dict[str, Any]] | None:
        ok = (
            isinstance(v, list)
            and (bool(v) or self.may_be_empty)
            and all(_is_int(m) and 1 <= m <= 120 for m in v)
            and all(a < b for a, b in pairwise(v))
        )
        return None if ok else ("rules.months", {"key": key})


@dataclass(frozen=True)
class Shares:
    """Percentages, one per member in order (household HI)."""

    optional: bool = False

    def problem(self, key: str, v: Any) -> tuple[str, dict[str, Any]] | None:
        ok = isinstance(v, list) and 1 <= len(v) <= 10 and all(_is_number(p) and 1 <= p <= 100 for p in v)
        return None if ok else ("rules.pct", {"key": key, "low": 1, "high": 100})


@dataclass(frozen=True)
class Choice:
    allowed: tuple[str, ...]
    optional: bool = False

    def problem(self, key: str, v: Any) -> tuple[str, dict[str, Any]] | None:
        return None if v in self.allowed else ("rules.choice", {"key": key, "allowed": ", ".join(self.allowed)})


@dataclass(frozen=True)
class Groups:
    optional: bool = False

    def problem(self, key: str, v: Any) -> tuple[str, dict[str, Any]] | None:
        ok = isinstance(v, list) and v and len(set(v)) == len(v) and all(g in SUPPORT_GROUPS for g in v)
        return None if ok else ("rules.groups", {"allowed": ", ".join(SUPPORT_GROUPS)})


@dataclass(frozen=True)
class Day:
    optional: bool = False

    def problem(self, key: str, v: Any) -> tuple[str, dict[str, Any]] | None:
        return None if type(v) is date else ("rules.date", {"key": key})


@dataclass(frozen=True)
class Province:
    optional: bool = False

    def problem(self, key: str, v: Any) -> tuple[str, dict[str, Any]] | None:
        from fieldapp.domain.admin_units import provinces

        ok = isinstance(v, str) and v in provinces()
        return None if ok else ("rules.province_code", {"key": key, "code": v})


Spec = Number | Months | Shares | Choice | Groups | Day | Province


# Every rule list this app prices with, and the fields of its entries besides ENTRY_KEYS.
LISTS: dict[str, dict[str, Spec]] = {
    "base_salary": {"amount": Number(1_000_000, 50_000_000)},
    "vsi.contribution": {"rate_pct": Number(1, 50, PCT)},
    "vsi.poverty_line": {"amount": Number(500_000, 20_000_000)},
    "vsi.ceiling": {"multiple": Number(1, 100, COUNT), "reference": Number(1_000_000, 50_000_000)},
    "vsi.support": {
        **{g: Number(0, 100, PCT) for g in SUPPORT_GROUPS},
        "max_months": Number(1, 1200, COUNT, optional=True),
    },
    "vsi.methods": {"periodic_months": Months(), "ahead_months": Months(may_be_empty=True)},
    "vsi.return_rate": {"monthly_pct": Number(0, 5, PCT)},
    "hi.household": {"rate_pct": Number(0.1, 20, PCT), "member_pct": Shares()},
    "hi.periods": {"months": Months()},
    "hi.state_groups": {g: Choice(HI_PATHS, optional=True) for g in HI_STATE_GROUPS},
    LOCAL: {
        "province": Province(),
        "groups": Groups(),
        "monthly": Number(0, 10_000_000),
        "to": Day(optional=True),
    },
}


# Amounts a slip of one zero would make absurd: compared with the entry in force the day before.
SCALED = {"base_salary": "amount", "vsi.poverty_line": "amount", "vsi.ceiling": "reference"}


# --- the file -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Origin:
    """Where a rule entry comes from, as `fieldapp rules list` and the About box say it."""

    source: str  # shipped | profile | server
    kind: str  # national | province
    version: str
    issued: date | None = None
    province: str | None = None

    def label(self) -> str:
        return self.version if self.kind == NATIONAL else f"{self.province or '?'}:{self.version}"

    def as_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "kind": self.kind,
            "version": self.version,
            "issued": self.issued.isoformat() if self.issued else None,
            "province": self.province,
        }


@dataclass(frozen=True)
class RuleFile:
    origin: Origin
    rules: Mapping[str, Any]  # the rule tree, without [file]
    raw: bytes = b""
    format: int = FORMAT

    @property
    def kind(self) -> str:
        return self.origin.kind

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.raw).hexdigest()

    def entries(self) -> Iterator[tuple[str, dict[str, Any]]]:
        for name, _path, entries in _lists(self.rules, ()):
            for entry in entries:
                yield name, entry

    def count(self) -> int:
        return sum(1 for _ in self.entries())


class RulesRefused(Exception):
    """A rule file that breaks the format: every problem, with its line. Nothing of it is applied."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__("; ".join(p.message("en") for p in problems))
        self.problems = list(problems)


def _lists(tree: Mapping[str, Any], at: tuple[Any, ...]) -> Iterator[tuple[str, tuple[Any, ...], list[Any]]]:
    """(dotted name, path, entries) of every list of tables in `tree`; a flat "vsi.local_support" key too."""
    for key, value in tree.items():
        here = (*at, key)
        if isinstance(value, dict):
            yield from _lists(value, here)
        else:
            yield ".".join(str(p) for p in here), here, value if isinstance(value, list) else [value]


def profile_file(rules: Mapping[str, Any], province: str | None = None) -> RuleFile:
    """A province profile's `[rules]` as a province file (checked by fieldapp.domain.profile.validate)."""
    return RuleFile(Origin(PROFILE, PROVINCE, "profile", None, province), rules)


SIGN_CONTEXT = b"fieldapp rule file v1\n"


def signed_message(raw: bytes) -> bytes:
    """What the server signs and a laptop checks: the file's bytes, behind a context no other signature of
    the same key (an answer bundle, a receipt) starts with."""
    return SIGN_CONTEXT + raw


def problems_text(problems: Sequence[Problem], lang: str) -> str:
    return "\n".join(p.message(lang) for p in problems)
