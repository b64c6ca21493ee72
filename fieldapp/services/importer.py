"""Importing a prospect list (people without insurance to visit) that a commune or the city sent.

Each row is checked like the person form; a row that is wrong is reported with its number and reason
and nothing of it is saved; a person already in the registry (same citizen ID, or same name, birth date
and commune), or twice in the file, is linked to the list instead of added again. The whole import is
one transaction: all of it lands, or none of it (a pulled plug leaves the registry as it was). The
same file (by SHA-256) is not imported twice.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import re
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from fieldapp.domain import admin_units
from fieldapp.domain.enums import AuditAction, Sex, TargetGroup
from fieldapp.domain.formats import local_day
from fieldapp.domain.models import Hamlet, Person, Prospect, ProspectList
from fieldapp.domain.text import fold
from fieldapp.errors import InputRefused
from fieldapp.i18n import t
from fieldapp.outputs import private_writing, safe_row
from fieldapp.protocol.encoding import to_json
from fieldapp.services.registry import CleanPerson, FormRefused, PersonForm, check_person, new_person
from fieldapp.services.table_files import data_rows, read_table, split_header
from fieldapp.storage import imports as import_store
from fieldapp.storage import registry as store_registry
from fieldapp.storage.driver import Connection
from fieldapp.storage.store import Store
from fieldapp.storage.team import current_team
from fieldapp.storage.writer import Actor, Writer, chunks, writing

COLUMNS = (
    "full_name",
    "birth_date",
    "sex",
    "citizen_id",
    "si_number",
    "phone",
    "commune",
    "hamlet",
    "address",
    "target_group",
    "hi_clinic",
)
# Column names as offices write them, folded (no diacritics, lower case, single spaces).
ALIASES: dict[str, tuple[str, ...]] = {
    "full_name": ("ho va ten", "ho ten", "ho va ten nguoi tham gia", "ten", "full name", "name"),
    "birth_date": ("ngay sinh", "ngay thang nam sinh", "nam sinh", "ngay/thang/nam sinh", "date of birth", "dob"),
    "sex": ("gioi tinh", "gt", "sex", "nam/nu"),
    "citizen_id": (
        "so cccd",
        "cccd",
        "so dinh danh",
        "so dinh danh ca nhan",
        "can cuoc",
        "so can cuoc",
        "cmnd/cccd",
        "citizen id",
    ),
    "si_number": ("ma so bhxh", "ma bhxh", "so bhxh", "ma the bhyt", "ma the", "so the bhyt", "si number"),
    "phone": ("so dien thoai", "dien thoai", "sdt", "so dt", "phone"),
    "commune": ("xa", "phuong", "xa/phuong", "xa, phuong", "xa phuong", "commune"),
    "hamlet": ("thon", "xom", "ap", "ban", "thon/xom", "thon, xom", "to dan pho", "thon xom", "hamlet"),
    "address": ("dia chi", "noi o", "address"),
    "target_group": ("doi tuong", "nhom doi tuong", "target group"),
    "hi_clinic": (
        "noi kcb ban dau",
        "noi dang ky kcb ban dau",
        "noi dang ky kcb bd",
        "noi dk kcb bd",
        "noi dk kcb ban dau",
        "ma kcb",
        "ma kcb bd",
        "ma noi kcb",
        "ma noi kcb ban dau",
        "ma noi dk kcb bd",
        "ma benh vien",
        "ma bv",
        "kcb bd",
        "registered clinic",
    ),
}
_PREFIX = re.compile(r"^(xa|phuong|dac khu)\s+")
GROUP_WORDS = {
    fold(w): g
    for g, words in {
        TargetGroup.POOR: ("hộ nghèo", "ngheo"),
        TargetGroup.NEAR_POOR: ("hộ cận nghèo", "can ngheo"),
        TargetGroup.FARMER: ("nông dân", "nong dan"),
        TargetGroup.TRADER: ("tiểu thương", "buon ban"),
        TargetGroup.STUDENT: ("học sinh", "sinh vien", "hoc sinh, sinh vien"),
        TargetGroup.ETHNIC_MINORITY: ("dân tộc thiểu số", "dtts"),
        TargetGroup.INFORMAL: ("lao động tự do", "lao dong tu do"),
    }.items()
    for w in words
}


def guess_mapping(header: list[str]) -> dict[str, int]:
    """Which column holds what, from the header's words."""
    found: dict[str, int] = {}
    for index, name in enumerate(header):
        key = fold(name).strip(" :.*")
        for column, aliases in ALIASES.items():
            if column not in found and key in aliases:
                found[column] = index
    return found


def _score(row: list[str]) -> int:
    return len(guess_mapping(row))


@dataclass
class RowError:
    row: int
    column: str
    code: str
    params: dict = field(default_factory=dict)


@dataclass
class ImportPlan:
    """What an import would do: the member sees it before anything is saved."""

    path: Path
    sha256: str
    encoding: str
    header: list[str]
    mapping: dict[str, int]
    rows: list[tuple[int, list[str]]]
    preview: list[list[str]]

    @property
    def missing(self) -> list[str]:
        return [c for c in ("full_name",) if c not in self.mapping]


@dataclass
class ImportResult:
    rows: int = 0
    imported: int = 0
    duplicates: int = 0
    rejected: int = 0
    errors: list[RowError] = field(default_factory=list)
    errors_file: Path | None = None
    list_id: str | None = None


def plan_import(path: Path, mapping: dict[str, int] | None = None) -> ImportPlan:
    raw = read_table(path)
    header, start = split_header(raw.rows, _score)
    rows = list(data_rows(raw.rows, start))
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    chosen = mapping if mapping is not None else guess_mapping(header)
    return ImportPlan(path, digest, raw.encoding, header, chosen, rows, [r for _n, r in rows[:20]])


# --- cleaning one row -------------------------------------------------------------------------------


def _restore_zeros(value: str, length: int, starts: str = "0123456789") -> str:
    """Excel stores identifiers as numbers and drops their leading zeros: put them back."""
    digits = value.replace(" ", "")
    if digits.isdigit() and len(digits) == length - 1 and digits[0] in starts:
        return "0" + digits
    return value


_SEXES = {
    "nam": Sex.MALE,
    "1": Sex.MALE,
    "m": Sex.MALE,
    "male": Sex.MALE,
    "nu": Sex.FEMALE,
    "2": Sex.FEMALE,
    "f": Sex.FEMALE,
    "female": Sex.FEMALE,
}


def _sex(text: str) -> Sex | None:
    return _SEXES.get(fold(text))


class CommuneMatcher:
    """Communes by name within a province: "Xã Xuân Trúc", "xuan truc" and "XUÂN TRÚC" are the same."""

    def __init__(self, province: str) -> None:
        self.by_name: dict[str, str] = {}
        for commune in admin_units.communes_of(province):
            key = fold(commune.name)
            self.by_name[key] = commune.code
            self.by_name.setdefault(_PREFIX.sub("", key), commune.code)

        self._seen: dict[str, str | None] = {}

    def find(self, text: str) -> str | None:
        if text not in self._seen:  # a list names the same few communes thousands of times
            key = fold(text)
            self._seen[text] = self.by_name.get(key) or self.by_name.get(_PREFIX.sub("", key))
        return self._seen[text]


def clean_row(
    cells: list[str], mapping: dict[str, int], communes: CommuneMatcher, default_commune: str | None, today: date
) -> tuple[CleanPerson | None, list[tuple[str, str, dict]]]:
    def get(column: str) -> str:
        index = mapping.get(column)
        return cells[index].strip() if index is not None and index < len(cells) else ""

    problems: list[tuple[str, str, dict]] = []
    commune_text = get("commune")
    commune = communes.find(commune_text) if commune_text else default_commune
    if commune is None:
        problems.append(("commune", "import.commune_unknown", {"name": commune_text}))
    birth = get("birth_date")  # a whole date, or the year alone
    sex_text, group_text = get("sex"), get("target_group")
    sex = _sex(sex_text) if sex_text else None
    group = GROUP_WORDS.get(fold(group_text), TargetGroup.OTHER) if group_text else TargetGroup.OTHER
    form = PersonForm(
        full_name=get("full_name"),
        birth_date=birth,
        sex=sex,
        citizen_id=_restore_zeros(get("citizen_id"), 12),
        si_number=_restore_zeros(get("si_number"), 10),
        phone=_restore_zeros(get("phone"), 10, "35789"),
        commune_code=commune or "",
        hamlet=get("hamlet") or get("address")[:80],
        target_group=group,
        hi_clinic=get("hi_clinic"),
        consent=False,
    )
    try:
        clean = check_person(form, today=today)
    except FormRefused as exc:
        known_commune_problem = bool(problems)
        problems += [
            (p.field, p.code, p.params)
            for p in exc.problems
            if not (known_commune_problem and p.field == "commune_code")
        ]
        return None, problems
    return (clean, []) if not problems else (None, problems)


# --- running it ----------------------------------------------------------------------------------------


def run_import(
    store: Store,
    plan: ImportPlan,
    actor: Actor,
    *,
    province: str,
    name: str | None = None,
    dry_run: bool = False,
    lang: str = "vi",
    errors_dir: Path | None = None,
) -> ImportResult:
    if plan.missing:
        raise InputRefused("import.no_name_column")
    if not dry_run and import_store.already_imported(store, plan.sha256):
        raise InputRefused("import.already", path=str(plan.path))
    team = current_team(store)
    communes_of_team = team.commune_codes if team else ()
    default_commune = communes_of_team[0] if len(communes_of_team) == 1 else None
    result = ImportResult(rows=len(plan.rows))
    # one transaction for the whole list (all or nothing), so give it room; a dry run rolls back at the end
    with contextlib.suppress(_DryRun), store.large_cache():
        _import_rows(store, plan, actor, result, province, default_commune, name, dry_run)
    if result.errors and errors_dir is not None:
        result.errors_file = write_errors(result.errors, plan, errors_dir, lang)
    return result


class _DryRun(Exception):
    """Raised at the end of a dry run so the transaction rolls back."""


PART = 2000  # rows of a list cleaned, looked up and made into people at a time, a part ahead of the inserts


def _import_rows(
    store: Store,
    plan: ImportPlan,
    actor: Actor,
    result: ImportResult,
    province: str,
    default_commune: str | None,
    name: str | None,
    dry_run: bool,
) -> None:
    """A part of the list is cleaned, looked up and made into people on a thread of its own while the parts
    before are inserted here (Writer.add_parts): the same writes, in the same transaction, as all at once."""
    with writing(store, actor) as w, store.side_reader() as registry:
        now = w.clock()  # the people of one list come into the registry at one moment
        list_id = w.ids()
        people = _People(registry, w, now, list_id, result)
        communes, today = CommuneMatcher(province), local_day(now)
        parts = (
            people.part([(n, *clean_row(cells, plan.mapping, communes, default_commune, today)) for n, cells in rows])
            for rows in chunks(plan.rows, PART)
        )
        if dry_run:
            for _part in parts:
                pass
            raise _DryRun

        def hamlets_first() -> None:  # a part's new hamlets go in before its people (here: one thread writes)
            while people.new_hamlets:
                w.add(people.new_hamlets.popleft())

        w.add_parts(parts, before_each=hamlets_first, action=AuditAction.IMPORT, source=plan.path.name)
        prospects = list({p.person_id: p for p in people.prospects}.values())  # a person once per list
        w.add(
            ProspectList(
                list_id,
                name or plan.path.stem,
                plan.sha256,
                result.rows,
                result.imported,
                result.duplicates,
                result.rejected,
                actor.member_id,
                w.clock(),
            ),
            audit=False,
        )
        # the list's links go out as one op with the list, not one op per person
        import_store.add_prospects(w.conn, prospects)
        w.outbox("prospects", list_id, "create", None, to_json([[p.id, p.person_id, p.row_number] for p in prospects]))
        result.list_id = list_id


class _People:
    """The people of a list, a part at a time: each row cleaned, then linked to the person already in the
    registry (same citizen ID, or same name, birth year and commune and an agreeing birth date) or to one
    an earlier row of the file added, else made new. The registry is read on a connection of its own, so it
    answers as it was before the import began while the writer inserts the parts before (WAL); the rows of
    the file are found in memory."""

    def __init__(self, registry: Connection, w: Writer, now: datetime, list_id: str, result: ImportResult) -> None:
        self.registry, self.w, self.now, self.list_id, self.result = registry, w, now, list_id, result
        self.known_ids: dict[str, str] = {}
        self.known_names: dict[tuple[str, int, str], list[tuple[str | None, str]]] = {}
        self.looked_up: set[tuple[str, int, str]] = set()
        self.hamlets: dict[tuple[str, str], str | None] = {}  # as written: a list spells the same few again and again
        self.hamlets_folded: dict[tuple[str, str], str] = {}  # by folded name: "thon 3" is "Thôn 3"
        self.new_hamlets: deque[Hamlet] = deque()
        self.prospects: list[Prospect] = []

    def part(self, rows: list[tuple[int, CleanPerson | None, list[tuple[str, str, dict]]]]) -> list[Person]:
        result, cleaned = self.result, []
        for number, clean, problems in rows:
            if clean is None:
                result.rejected += 1
                result.errors += [RowError(number, col, code, params) for col, code, params in problems]
            else:
                cleaned.append((number, clean, fold(clean.full_name)))
        self._look_up(cleaned)
        persons = []
        for number, clean, name_key in cleaned:
            name_key_full = (name_key, clean.birth_year, clean.commune_code) if clean.birth_year else None
            birth = clean.birth_date.isoformat() if clean.birth_date else None
            namesakes = self.known_names.get(name_key_full) if name_key_full else None
            existing = (self.known_ids.get(clean.citizen_id) if clean.citizen_id else None) or (
                _same_birth(namesakes, birth) if namesakes else None
            )
            if existing is not None:
                result.duplicates += 1
                self.prospects.append(Prospect(self.w.ids(), self.list_id, existing, number))
                continue
            person = new_person(self.w, clean, hamlet_id=self._hamlet_id(clean), now=self.now)
            persons.append(person)
            self.prospects.append(Prospect(self.w.ids(), self.list_id, person.id, number))
            if person.citizen_id:  # a second row of the same person further down the file
                self.known_ids[person.citizen_id] = person.id
            if name_key_full:
                self.known_names.setdefault(name_key_full, []).append((birth, person.id))
        result.imported += len(persons)
        return persons

    def _look_up(self, cleaned: list[tuple[int, CleanPerson, str]]) -> None:
        """Who of this part's rows the registry already holds, in two queries (only what no part before asked)."""
        ids = [c.citizen_id for _n, c, _k in cleaned if c.citizen_id and c.citizen_id not in self.known_ids]
        self.known_ids.update(import_store.persons_by_citizen_ids(self.registry, ids))
        keys = {(k, c.birth_year, c.commune_code) for _n, c, k in cleaned if c.birth_year} - self.looked_up
        self.looked_up |= keys
        self.known_names.update(import_store.persons_by_name_year_commune(self.registry, list(keys)))

    def _hamlet_id(self, clean: CleanPerson) -> str | None:
        if not clean.hamlet:
            return None
        key = (clean.commune_code, clean.hamlet)
        if key not in self.hamlets:
            folded = (clean.commune_code, fold(clean.hamlet))
            if folded not in self.hamlets_folded:
                found = store_registry.find_hamlet(self.registry, *key)
                if found is None:  # made here, written by the writer before the part's people
                    found = Hamlet(self.w.ids(), clean.commune_code, clean.hamlet, self.w.clock())
                    self.new_hamlets.append(found)
                self.hamlets_folded[folded] = found.id
            self.hamlets[key] = self.hamlets_folded[folded]
        return self.hamlets[key]


def _same_birth(known: Iterable[tuple[str | None, str]], birth: str | None) -> str | None:
    """Of the people with the same name, birth year and commune, the one born the same day, else one of
    whom only the year is known (or any, when this row gives only the year)."""
    agreeing = [(day, person_id) for day, person_id in known if day is None or birth is None or day == birth]
    exact = [person_id for day, person_id in agreeing if day == birth]
    return exact[0] if exact else agreeing[0][1] if agreeing else None


def write_errors(errors: list[RowError], plan: ImportPlan, folder: Path, lang: str) -> Path:
    """A CSV the member opens in Excel (UTF-8 with BOM): row, column, reason, and the row as it was. It holds
    personal data as the list did: written 0600 in the data folder's imports/ (0700), every cell safe from
    formula injection (a cell of the list may be `=cmd|…`)."""
    path = folder / f"{plan.path.stem}-loi-{plan.sha256[:8]}.csv"
    rows = dict(plan.rows)
    with private_writing(path) as tmp, tmp.open("w", encoding="utf-8-sig", newline="") as f:
        out = csv.writer(f)
        out.writerow(
            safe_row(
                [
                    t("import.errors.row", lang),
                    t("import.errors.column", lang),
                    t("import.errors.reason", lang),
                    *plan.header,
                ]
            )
        )
        for e in errors:
            out.writerow(
                safe_row(
                    [
                        e.row,
                        t(f"import.column.{e.column}", lang) if e.column in COLUMNS else e.column,
                        t(e.code, lang, **e.params),
                        *rows.get(e.row, []),
                    ]
                )
            )
    return path
