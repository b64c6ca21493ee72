"""A rule file checked: every problem of its header and entries, by line, and against the rules held.

The format itself (the header, the rule lists and their values, RuleFile) is `fieldapp.domain.ruleformat`;
its names are importable from here too, as every caller has used them. One checker for every place rules
come from: the national file the app ships, a province profile's `[rules]` and the server's files.

What is refused, each with its line (`check`): a file that is too big, not UTF-8 or not TOML; a missing or
wrong header; an unknown list or key; a missing id, date or legal basis; an id twice; a date out of range;
a negative or absurd amount, rate or months list; two entries of one rule for the same period; local
support in a national file or for another province; a province file that adds to the state's rules or
changes a confirmed one; and, against the rules already held (`base`), an older national file, an amount
that jumps to less than half or more than double the one before it, and rules that no longer price a quote.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date, timedelta
from functools import cache
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from fieldapp.domain.ruleformat import (
    AHEAD,
    ENTRY_KEYS,
    FIRST_DAY,
    FORMAT,
    HEADER_KEYS,
    KINDS,
    LAST_DAY,
    LISTS,
    LOCAL,
    MAX_BYTES,
    MAX_ENTRIES,
    NATIONAL,
    PROVINCE,
    SCALED,
    SHIPPED,
    SUPPORT_GROUPS,
    Origin,
    Province,
    RuleFile,
    RulesRefused,
    _is_int,
    _lists,
)
from fieldapp.tomltext import Lines, Problem, parse

if TYPE_CHECKING:
    from fieldapp.domain.premiums import RuleBook

_ID = re.compile(r"[a-z0-9][a-z0-9_.-]{2,79}")
_VERSION = re.compile(r"[0-9A-Za-z][0-9A-Za-z._-]{0,19}")
_BAD_TEXT = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_MAX_JUMP = 2  # an amount more than double, or less than half, the one before it is a typo


# --- checking ------------------------------------------------------------------------------------


def read(
    raw: bytes,
    *,
    source: str,
    base: RuleBook | None = None,
    today: date | None = None,
    province: str | None = None,
    held: RuleBook | None = None,
) -> RuleFile:
    """The rule file, checked; RulesRefused with every problem otherwise."""
    found, problems = check(raw, source=source, base=base, today=today, province=province, held=held)
    if found is None:
        raise RulesRefused(problems)
    return found


def check(
    raw: bytes,
    *,
    source: str,
    base: RuleBook | None = None,
    today: date | None = None,
    province: str | None = None,
    held: RuleBook | None = None,
) -> tuple[RuleFile | None, list[Problem]]:
    """The file and [] when it is good, else None and every problem (by line). `base`: the rules held now
    (the server checks against them; a laptop only checks the file itself). `today` bounds `issued`.
    `province`: the one province whose files are wanted (a laptop's). `held`: the state's rules a province
    file's entries are checked against (default: `base`, else the shipped file)."""
    if len(raw) > MAX_BYTES:
        return None, [Problem(0, "rules.too_big", {"size": len(raw), "limit": MAX_BYTES})]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None, [Problem(0, "rules.not_utf8")]
    parsed = parse(text, "rules.syntax")
    if isinstance(parsed, Problem):
        return None, [parsed]
    data, lines = parsed
    header = data.get("file")
    problems = list(_check_header(header, lines, today, province))
    if problems:
        return None, problems
    origin = Origin(source, header["kind"], header["version"], header["issued"], header.get("province"))
    tree = {k: v for k, v in data.items() if k != "file"}
    problems = list(check_tree(tree, lines, (), origin=origin, base=held or base))
    if base is not None and not problems:
        problems += _check_against(base, RuleFile(origin, tree, raw, header["format"]), lines)
    problems.sort(key=lambda p: p.line)
    if problems:
        return None, problems
    return RuleFile(origin, tree, raw, header["format"]), []


def check_files(
    bodies: Sequence[bytes],
    *,
    source: str,
    province: str | None = None,
    held: Sequence[RuleFile] = (),
) -> list[tuple[RuleFile | None, list[Problem]]]:
    """Several files, each checked on its own, national ones first: a province file may replace the
    unconfirmed entries of the shipped file, of `held` national files and of the national files among
    `bodies` (a server sends a national update and a province's file for it together)."""
    from fieldapp.domain.premiums import RuleBook

    first = [check(body, source=source, province=province) for body in bodies]
    national = [f for f, _problems in first if f is not None and f.kind == NATIONAL]
    state = RuleBook.from_files([shipped(), *held, *national])
    return [
        (found, problems)
        if found is not None and found.kind == NATIONAL
        else check(body, source=source, province=province, held=state)
        for body, (found, problems) in zip(bodies, first, strict=True)
    ]


def _check_header(header: Any, lines: Lines, today: date | None, province: str | None) -> Iterator[Problem]:
    at = ("file",)
    if not isinstance(header, dict):
        yield Problem(lines.of(at), "rules.header_missing")
        return
    for key in header:
        if key not in HEADER_KEYS:
            yield Problem(lines.of((*at, key)), "rules.unknown_key", {"key": f"file.{key}"})
    fmt = header.get("format")
    if not _is_int(fmt) or fmt < 1:
        yield Problem(lines.of((*at, "format")), "rules.header_field", {"key": "file.format"})
    elif fmt > FORMAT:
        yield Problem(lines.of((*at, "format")), "rules.format_newer", {"format": fmt, "known": FORMAT})
    kind = header.get("kind")
    if kind not in KINDS:
        yield Problem(lines.of((*at, "kind")), "rules.choice", {"key": "file.kind", "allowed": ", ".join(KINDS)})
    if not isinstance(header.get("version"), str) or not _VERSION.fullmatch(header["version"]):
        yield Problem(lines.of((*at, "version")), "rules.header_field", {"key": "file.version"})
    issued = header.get("issued")
    if type(issued) is not date:
        yield Problem(lines.of((*at, "issued")), "rules.date", {"key": "file.issued"})
    elif issued < FIRST_DAY or (today is not None and issued > today + timedelta(days=1)):
        last = today + timedelta(days=1) if today else None
        yield Problem(
            lines.of((*at, "issued")),
            "rules.date_range",
            {"key": "file.issued", "first": FIRST_DAY, "last": last or "—"},
        )
    if kind == PROVINCE:
        code = header.get("province")
        bad = Province().problem("file.province", code)
        if bad:
            yield Problem(lines.of((*at, "province")), *bad)
        elif province is not None and code != province:
            yield Problem(lines.of((*at, "province")), "rules.other_province", {"found": code, "code": province})
    elif "province" in header:
        yield Problem(lines.of((*at, "province")), "rules.unknown_key", {"key": "file.province"})


def check_tree(
    tree: Any, lines: Lines, at: tuple[Any, ...], *, origin: Origin, base: RuleBook | None = None
) -> Iterator[Problem]:
    """The rule lists of a file (or of a profile's `[rules]`, at ("rules",)): each entry on its own, then
    the periods of each list together. A province's entries in the state's lists are checked against
    `base` (or the shipped national file): only unconfirmed entries may be replaced."""
    if not isinstance(tree, dict):
        yield Problem(lines.of(at), "rules.not_table", {"key": ".".join(map(str, at)) or "rules"})
        return

    def national() -> RuleBook:  # only a province's entries are checked against the state's rules
        return base if base is not None else _shipped_book()

    ids: dict[str, tuple[Any, ...]] = {}
    good: dict[str, list[dict[str, Any]]] = {}
    count = 0
    for name, inner, entries in _lists(tree, ()):
        path = (*at, *inner)
        if name not in LISTS:
            yield Problem(lines.of(path), "rules.unknown_list", {"key": name})
            continue
        if not all(isinstance(e, dict) for e in entries) or not entries:
            yield Problem(lines.of(path), "rules.not_list", {"key": name})
            continue
        for index, entry in enumerate(entries):
            count += 1
            here = (*path, index)
            found = list(_check_entry(name, entry, here, lines, origin, national))
            entry_id = entry.get("id")
            if isinstance(entry_id, str) and entry_id in ids:
                found.append(Problem(lines.of((*here, "id")), "rules.id_twice", {"id": entry_id}))
            ids.setdefault(str(entry_id), here)
            yield from found
            if not found:
                good.setdefault(name, []).append(entry)
    if count > MAX_ENTRIES:
        yield Problem(0, "rules.too_many", {"count": count, "limit": MAX_ENTRIES})
    elif count == 0:
        yield Problem(lines.of(at), "rules.empty")
    for name, entries in good.items():
        yield from _overlaps(name, entries, lines, ids)


def _check_entry(
    name: str,
    entry: dict[str, Any],
    at: tuple[Any, ...],
    lines: Lines,
    origin: Origin,
    national: Callable[[], RuleBook],
) -> Iterator[Problem]:
    fields = LISTS[name]
    entry_id = entry.get("id")
    if not isinstance(entry_id, str) or not _ID.fullmatch(entry_id):
        yield Problem(lines.of((*at, "id")), "rules.id", {"key": f"{name}.id"})
        return
    local = name == LOCAL
    if origin.kind == NATIONAL and local:
        yield Problem(lines.of(at), "rules.local_in_national")
        return
    if origin.kind == PROVINCE and not local:  # a province only replaces the state's unconfirmed entries
        held = national().entry(entry_id)
        if held is None or held[0] != name:
            yield Problem(lines.of((*at, "id")), "rules.province_national", {"id": entry_id, "key": name})
            return
        if not held[1].get("unconfirmed"):
            yield Problem(lines.of((*at, "id")), "rules.confirmed", {"id": entry_id})
            return
    for key in entry:
        if key not in ENTRY_KEYS and key not in fields:
            yield Problem(lines.of((*at, key)), "rules.unknown_key", {"key": f"{name}.{key}"})
    start = entry.get("from")
    if type(start) is not date:
        yield Problem(lines.of((*at, "from")), "rules.date", {"key": f"{name}.from"})
    else:
        last = origin.issued + AHEAD if origin.issued else LAST_DAY
        if not FIRST_DAY <= start <= last:
            yield Problem(
                lines.of((*at, "from")), "rules.date_range", {"key": f"{name}.from", "first": FIRST_DAY, "last": last}
            )
    basis = entry.get("basis")
    if not isinstance(basis, str) or not basis.strip() or len(basis) > 300 or _BAD_TEXT.search(basis):
        yield Problem(lines.of((*at, "basis")) or lines.of(at), "rules.basis", {"id": entry_id})
    note = entry.get("note")
    if note is not None and (not isinstance(note, str) or len(note) > 500 or _BAD_TEXT.search(note)):
        yield Problem(lines.of((*at, "note")), "rules.field", {"key": f"{name}.note"})
    if "unconfirmed" in entry and not isinstance(entry["unconfirmed"], bool):
        yield Problem(lines.of((*at, "unconfirmed")), "rules.field", {"key": f"{name}.unconfirmed"})
    for key, spec in fields.items():
        if key not in entry:
            if not spec.optional:
                yield Problem(lines.of(at), "rules.missing_key", {"key": f"{name}.{key}"})
            continue
        bad = spec.problem(f"{name}.{key}", entry[key])
        if bad:
            yield Problem(lines.of((*at, key)), *bad)
    if local:
        if origin.province is not None and entry.get("province") != origin.province:
            found = entry.get("province")
            yield Problem(lines.of((*at, "province")), "rules.province", {"found": found, "code": origin.province})
        end = entry.get("to")
        if type(end) is date and type(start) is date and end < start:
            yield Problem(lines.of((*at, "to")), "rules.date_order", {"id": entry_id})


def _overlaps(
    name: str, entries: list[dict[str, Any]], lines: Lines, where: Mapping[str, tuple[Any, ...]]
) -> Iterator[Problem]:
    """Two entries of one rule for the same period: the same first day, or (local support, for one
    province and group) a period that runs on past the next one's first day."""
    if name != LOCAL:
        seen: dict[date, str] = {}
        for e in sorted(entries, key=lambda e: e["from"]):
            if e["from"] in seen:
                yield Problem(
                    lines.of((*where[e["id"]], "from")), "rules.overlap", {"id": e["id"], "other": seen[e["from"]]}
                )
            seen.setdefault(e["from"], e["id"])
        return
    told: set[tuple[str, str]] = set()
    for group in SUPPORT_GROUPS:
        mine = sorted((e for e in entries if group in e["groups"]), key=lambda e: (e["province"], e["from"]))
        for a, b in pairwise(mine):
            if a["province"] != b["province"] or (a["id"], b["id"]) in told:
                continue
            if a["from"] == b["from"] or (a.get("to") is not None and a["to"] >= b["from"]):
                told.add((a["id"], b["id"]))
                yield Problem(lines.of((*where[b["id"]], "from")), "rules.overlap", {"id": b["id"], "other": a["id"]})


def _check_against(base: RuleBook, found: RuleFile, lines: Lines) -> list[Problem]:
    """What the server checks beyond the file itself: not older than the national rules it holds, no absurd
    jump from the amount before, and the merged rules still price a quote on each new entry's first day."""
    from fieldapp.domain.premiums import RuleBook

    def at(entry_id: str, key: str = "id") -> int:
        for _name, path, entries in _lists(found.rules, ()):
            for index, entry in enumerate(entries):
                if entry.get("id") == entry_id:
                    return lines.of((*path, index, key))
        return 0

    problems: list[Problem] = []
    origin = found.origin
    if origin.kind == NATIONAL:
        newest = max((o.issued for o in base.files if o.kind == NATIONAL and o.issued), default=None)
        if newest is not None and origin.issued is not None and origin.issued <= newest:
            problems.append(
                Problem(
                    lines.of(("file", "issued")), "rules.national_older", {"issued": origin.issued, "newest": newest}
                )
            )
            return problems
    merged = RuleBook.from_files([*base.sources, found])
    for name, entry in found.entries():
        key = SCALED.get(name)
        if key is None:
            continue
        before = _in_force_or_none(base, name, entry["from"] - timedelta(days=1))
        if before is not None and not before[key] / _MAX_JUMP <= entry[key] <= before[key] * _MAX_JUMP:
            problems.append(
                Problem(
                    at(entry["id"], key),
                    "rules.implausible",
                    {"id": entry["id"], "value": entry[key], "previous": before[key], "other": before["id"]},
                )
            )
    problems += [
        Problem(at(entry_id), "rules.quote", {"id": entry_id, "reason": why}) for entry_id, why in prices(merged, found)
    ]
    return problems


def _in_force_or_none(book: RuleBook, name: str, on: date) -> dict[str, Any] | None:
    from fieldapp.errors import InputRefused

    try:
        return book.in_force(name, on)
    except InputRefused:
        return None


def prices(book: RuleBook, found: RuleFile) -> Iterator[tuple[str, str]]:
    """(id, why) of each entry of `found` on whose first day `book` cannot price a quote at the floor, for
    every group (a province's local support: in its province), or one household HI member."""
    from fieldapp.domain.enums import SupportGroup
    from fieldapp.errors import InputRefused
    from fieldapp.i18n import t

    for name, entry in found.entries():
        on = entry["from"]
        try:
            if name.startswith("vsi.") or name == "base_salary":
                floor, _ = book.vsi_income_bounds(on)
                months = book.vsi_allowed_months(on)[0]
                groups = entry["groups"] if name == LOCAL else SUPPORT_GROUPS
                for group in groups:
                    book.quote_vsi(
                        income=floor, months=months, on=on, group=SupportGroup(group), province=entry.get("province")
                    )
            if name.startswith("hi.") or name == "base_salary":
                book.quote_hi(members=1, months=book.hi_allowed_months(on)[0], on=on)
        except InputRefused as exc:
            yield entry["id"], t(exc.code, "en", **exc.params)
        except (KeyError, TypeError, ValueError, IndexError, ArithmeticError) as exc:
            yield entry["id"], type(exc).__name__


# --- the files the app carries --------------------------------------------------------------------


@cache
def shipped() -> RuleFile:
    """The national rules this version ships (resources/rules/vietnam.toml), checked like any file."""
    from fieldapp.paths import resource_path

    return read(resource_path("rules", "vietnam.toml").read_bytes(), source=SHIPPED)


@cache
def _shipped_book() -> RuleBook:
    from fieldapp.domain.premiums import RuleBook

    return RuleBook.from_files([shipped()])
