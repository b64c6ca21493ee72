"""The registry: adding people and households, spotting duplicates, merging, erasing on request.

A form is checked whole, so a member sees every problem at once, each named by field and reason code.
Duplicates: the same citizen ID is the same person (refused, the existing one is named); the same name,
birth date and commune is a candidate a member looks at before creating anyway or merging. Nothing is
ever merged automatically.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from fieldapp.domain.changes import Done
from fieldapp.domain.enums import AuditAction, Sex, TargetGroup, VsiStatus
from fieldapp.domain.formats import format_birth, parse_birth
from fieldapp.domain.models import Hamlet, Household, Person, PersonMerge
from fieldapp.domain.permissions import Action, require
from fieldapp.domain.scans import ScannedPerson
from fieldapp.domain.validators import (
    Checked,
    check_birth_date,
    check_birth_year,
    check_citizen_id,
    check_clinic,
    check_hi_card,
    check_name,
    check_phone,
)
from fieldapp.errors import InputRefused
from fieldapp.protocol.encoding import encode_datetime, to_json
from fieldapp.storage import people
from fieldapp.storage import registry as store_registry
from fieldapp.storage import team as team_store
from fieldapp.storage.store import Store
from fieldapp.storage.writer import Actor, Writer, written


@dataclass(frozen=True)
class PersonForm:
    """What a member typed (or a scan or an import row filled in), as text."""

    full_name: str = ""
    birth_date: str = ""  # dd/mm/yyyy, or the year alone
    sex: Sex | None = None
    citizen_id: str = ""
    si_number: str = ""  # the 10-digit SI number, or an HI card code (15 characters) holding it
    phone: str = ""
    commune_code: str = ""
    hamlet: str = ""
    target_group: TargetGroup = TargetGroup.OTHER
    consent: bool = False
    hi_clinic: str = ""  # the registered clinic's code, as the HI card prints it ("33 - 105")


def scanned_form(scan: ScannedPerson, typed: PersonForm | None = None) -> PersonForm:
    """What a scanned citizen ID or HI card fills in, over what was typed (kept where the card says nothing):
    the member checks it with the person before saving."""
    typed = typed or PersonForm()
    return replace(
        typed,
        full_name=scan.full_name,
        birth_date=format_birth(scan.birth_date, scan.birth_year) or typed.birth_date,
        sex=scan.sex or typed.sex,
        citizen_id=scan.citizen_id or typed.citizen_id,
        si_number=scan.hi_card_code or typed.si_number,
        hi_clinic=scan.clinic or typed.hi_clinic,
    )


@dataclass(frozen=True)
class Problem:
    field: str
    code: str
    params: dict[str, Any] = field(default_factory=dict)


class FormRefused(InputRefused):
    """One or more fields are wrong; `problems` names each field and why."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("form.invalid", count=len(problems))
        self.problems = problems


class SamePerson(InputRefused):
    """Somebody with this citizen ID is already in the registry."""

    def __init__(self, existing: Person) -> None:
        super().__init__("person.same_citizen_id", name=existing.full_name)
        self.existing = existing


class PossibleDuplicates(InputRefused):
    """People with the same name, birth date and commune: a member decides."""

    def __init__(self, candidates: list[Person]) -> None:
        super().__init__("person.possible_duplicates", count=len(candidates))
        self.candidates = candidates


@dataclass(frozen=True)
class CleanPerson:
    full_name: str
    birth_date: date | None
    birth_year: int | None  # the year of birth_date, or the only thing known
    sex: Sex | None
    citizen_id: str | None
    si_number: str | None
    phone: str | None
    commune_code: str
    hamlet: str
    target_group: TargetGroup
    consent: bool
    hi_clinic: str | None = None


def check_person(form: PersonForm, *, communes: set[str] | None = None, today: date | None = None) -> CleanPerson:
    """Every field checked; FormRefused lists all that are wrong."""
    problems: list[Problem] = []
    name = check_name(form.full_name)
    if not name.ok:
        problems.append(Problem("full_name", name.reason.value, dict(name.params)))
    birth, year = _checked_birth(form.birth_date, today, problems)
    citizen_id = _optional(
        problems,
        "citizen_id",
        form.citizen_id,
        lambda text: check_citizen_id(text, birth_date=birth, birth_year=year, sex=form.sex, today=today),
        lambda value: value.number,
    )
    si_number = _optional(problems, "si_number", form.si_number, check_hi_card, lambda value: value.si_number)
    phone = _optional(problems, "phone", form.phone, check_phone, lambda value: value)
    clinic = _optional(problems, "hi_clinic", form.hi_clinic, check_clinic, lambda value: value)
    if not form.commune_code or (communes is not None and form.commune_code not in communes):
        problems.append(Problem("commune_code", "form.commune", {}))
    if len(form.hamlet.strip()) > 80:
        problems.append(Problem("hamlet", "form.too_long", {"maximum": 80}))
    if problems:
        raise FormRefused(problems)
    return CleanPerson(
        full_name=name.value,
        birth_date=birth,
        birth_year=year,
        sex=form.sex,
        citizen_id=citizen_id,
        si_number=si_number,
        phone=phone,
        commune_code=form.commune_code,
        hamlet=" ".join(form.hamlet.split()),
        target_group=form.target_group,
        consent=form.consent,
        hi_clinic=clinic,
    )


def _checked_birth(text: str, today: date | None, problems: list[Problem]) -> tuple[date | None, int | None]:
    """A whole date, or the year alone ("1965"), each within its bounds; (None, None) and a problem if not."""
    try:
        birth, year = parse_birth(text)
    except ValueError:
        problems.append(Problem("birth_date", "form.birth_format", {}))
        return None, None
    checked: Checked[Any] | None = None
    if birth is not None:
        checked = check_birth_date(birth, today=today)
    elif year is not None:
        checked = check_birth_year(year, today=today)
    if checked is not None and not checked.ok:
        problems.append(Problem("birth_date", checked.reason.value, dict(checked.params)))
        return None, None
    return birth, year


def _optional(
    problems: list[Problem], name: str, text: str, check: Callable[[str], Checked[Any]], pick: Callable[[Any], Any]
) -> Any:
    """An identifier left empty is None; one typed must be right."""
    if not text.strip():
        return None
    checked = check(text)
    if checked.ok:
        return pick(checked.value)
    problems.append(Problem(name, checked.reason.value, dict(checked.params)))
    return None


@dataclass(frozen=True)
class Duplicates:
    same_person: list[Person]
    candidates: list[Person]


def find_duplicates(w: Writer, clean: CleanPerson, exclude_id: str | None = None) -> Duplicates:
    same = store_registry.same_citizen_id(w.conn, clean.citizen_id, exclude_id) if clean.citizen_id else []
    candidates = (
        store_registry.same_name_birth_commune(
            w.conn, clean.full_name, clean.birth_year, clean.birth_date, clean.commune_code, exclude_id
        )
        if clean.birth_year
        else []
    )
    return Duplicates(same, [c for c in candidates if c not in same])


def hamlet_for(w: Writer, commune_code: str, name: str) -> Hamlet | None:
    """The commune's hamlet of that name, made if the team meets it for the first time."""
    if not name:
        return None
    found = store_registry.find_hamlet(w.conn, commune_code, name)
    if found is None:
        found = w.add(Hamlet(w.ids(), commune_code, name, w.clock()))
    return found


def add_person(
    w: Writer,
    clean: CleanPerson,
    *,
    household_id: str | None = None,
    address: str = "",
    allow_candidates: bool = False,
) -> Person:
    """A new person; a new household of one unless `household_id` says whose household they join."""
    dupes = find_duplicates(w, clean)
    if dupes.same_person:
        raise SamePerson(dupes.same_person[0])
    if dupes.candidates and not allow_candidates:
        raise PossibleDuplicates(dupes.candidates)
    hamlet = hamlet_for(w, clean.commune_code, clean.hamlet)
    now = w.clock()
    if household_id is None:
        household = w.add(
            Household(
                w.ids(),
                clean.commune_code,
                hamlet.id if hamlet else None,
                address or (hamlet.name if hamlet else ""),
                now,
                now,
            )
        )
        household_id, order = household.id, 1
    else:
        order = store_registry.next_household_order(w.conn, household_id)
    person = new_person(
        w, clean, hamlet_id=hamlet.id if hamlet else None, household_id=household_id, household_order=order
    )
    return w.add(person)


def new_person(
    w: Writer,
    clean: CleanPerson,
    *,
    hamlet_id: str | None,
    household_id: str | None = None,
    household_order: int | None = None,
    now: datetime | None = None,
) -> Person:
    """The record for a checked form (or import row): new to the registry, not insured yet."""
    now = now or w.clock()
    return Person(
        id=w.ids(),
        full_name=clean.full_name,
        birth_date=clean.birth_date,
        birth_year=clean.birth_year,
        sex=clean.sex,
        citizen_id=clean.citizen_id,
        si_number=clean.si_number,
        phone=clean.phone,
        commune_code=clean.commune_code,
        hamlet_id=hamlet_id,
        household_id=household_id,
        household_order=household_order,
        target_group=clean.target_group,
        hi_clinic=clean.hi_clinic,
        consent_at=now if clean.consent else None,
        hi_valid_to=None,
        vsi_status=VsiStatus.NEVER,
        vsi_paid_to=None,
        created_at=now,
        updated_at=now,
    )


def update_person(w: Writer, person: Person, clean: CleanPerson) -> Person:
    """Save an edit; the same duplicate rules apply against everybody else."""
    dupes = find_duplicates(w, clean, exclude_id=person.id)
    if dupes.same_person:
        raise SamePerson(dupes.same_person[0])
    hamlet = hamlet_for(w, clean.commune_code, clean.hamlet)
    consent_at = person.consent_at if clean.consent else None
    if clean.consent and consent_at is None:
        consent_at = w.clock()
    values = {
        "full_name": clean.full_name,
        "birth_date": clean.birth_date,
        "birth_year": clean.birth_year,
        "sex": clean.sex,
        "citizen_id": clean.citizen_id,
        "si_number": clean.si_number,
        "phone": clean.phone,
        "commune_code": clean.commune_code,
        "hamlet_id": hamlet.id if hamlet else None,
        "target_group": clean.target_group,
        "hi_clinic": clean.hi_clinic,
        "consent_at": consent_at,
    }
    changed = [f for f, v in values.items() if getattr(person, f) != v]
    edited = replace(person, **values, updated_at=w.clock())
    if not changed:
        return person
    return w.update(edited, changed)


def record_consent(w: Writer, person: Person, given: bool) -> Person:
    edited = replace(person, consent_at=w.clock() if given else None, updated_at=w.clock())
    return w.update(edited, ["consent_at"])


# What a merge copies from the merged record into the kept one, where the kept one has nothing.
MERGE_FILLS = (
    "birth_date",
    "birth_year",
    "sex",
    "citizen_id",
    "si_number",
    "phone",
    "hamlet_id",
    "hi_valid_to",
    "hi_clinic",
    "vsi_paid_to",
)


def merge_refusal(kept: Person, merged: Person) -> str | None:
    """Why these two records cannot be merged (a message code), or None: the screen asks before merging."""
    if kept.id == merged.id:
        return "merge.same_record"
    if merged.merged_into or kept.merged_into:
        return "merge.already_merged"
    if kept.citizen_id and merged.citizen_id and kept.citizen_id != merged.citizen_id:
        return "merge.different_citizen_ids"
    return None


def merge_fills(kept: Person, merged: Person) -> dict[str, Any]:
    """The gaps of the kept record that the merged one fills: what the member sees before confirming."""
    filled = {f: getattr(merged, f) for f in MERGE_FILLS if getattr(kept, f) is None and getattr(merged, f) is not None}
    if "birth_date" in filled and filled["birth_date"].year != kept.birth_year:
        filled["birth_year"] = filled["birth_date"].year  # the year is always the whole date's
    if kept.vsi_status is VsiStatus.NEVER and merged.vsi_status is not VsiStatus.NEVER:
        filled["vsi_status"] = merged.vsi_status  # the merged record is the one that pays VSI
    return filled


def merge(w: Writer, kept: Person, merged: Person) -> PersonMerge:
    """A member decided these are the same person: keep one, point the other at it, fill gaps.

    Facts about the merged record stay where they are (they are never rewritten); lists and tallies
    follow `merged_into`. Two different citizen IDs are two people and are refused.
    """
    refusal = merge_refusal(kept, merged)
    if refusal:
        raise InputRefused(refusal)
    filled = merge_fills(kept, merged)
    member_id = w.actor.member_id or ""
    record = w.add(PersonMerge(w.ids(), kept.id, merged.id, member_id, w.clock()))
    if filled:
        w.update(replace(kept, **filled, updated_at=w.clock()), list(filled))
    w.update(replace(merged, merged_into=kept.id, updated_at=w.clock()), ["merged_into"])
    return record


def erase(w: Writer, person: Person) -> Person:
    """Erase one person's data on request: the record stays (receipts and tallies refer to it), emptied.

    The notes written about them are blanked too; the erasure goes to the server as its own op and is
    written in the audit log. Receipts keep the payer's name, as accounting law requires. Only a leader
    (or admin) of the team this laptop works for erases (the writer's actor, as the store holds them).
    """
    acting = team_store.member_in(w.conn, w.actor.member_id)
    require(acting, Action.ERASE_PERSON, team_store.current_team_id(w.conn))
    if person.erased_at is not None:
        raise InputRefused("erase.already")
    now = w.clock()
    emptied = person.erased(now)
    store_registry.erase_person_row(w.conn, person.id, now)
    notes = store_registry.erase_free_text(w.conn, person.id)
    w.outbox("persons", person.id, "erase", person.version, to_json({"erased_at": encode_datetime(now)}))
    w.audit(AuditAction.ERASE, "persons", person.id, notes=notes)
    return emptied


def person_copy(w: Writer, person_id: str) -> dict[str, Any]:
    """The person's own data as one document they may take; the export is written in the audit log."""
    record = store_registry.person_record(w.conn, person_id)
    w.audit(AuditAction.EXPORT, "persons", person_id)
    return {"exported_at": encode_datetime(w.clock()), **record}


# --- use cases: each its own transaction, for the screens and the commands (issue 16) ------------------


def save_person(
    store: Store,
    actor: Actor,
    clean: CleanPerson,
    *,
    editing: Person | None = None,
    household_id: str | None = None,
    allow_candidates: bool = False,
) -> Done[Person]:
    """A new person (in `household_id`'s household, or a new one), or the edit of `editing`."""

    def write(w: Writer) -> Person:
        if editing is None:
            return add_person(w, clean, household_id=household_id, allow_candidates=allow_candidates)
        return update_person(w, editing, clean)

    return written(store, actor, write)


def change_consent(store: Store, actor: Actor, person: Person, given: bool) -> Done[Person]:
    return written(store, actor, lambda w: record_consent(w, person, given))


def export_copy(store: Store, actor: Actor, person_id: str) -> Done[dict[str, Any]]:
    """The person's own data to hand them; the export is audited (and changes no record)."""
    return written(store, actor, lambda w: person_copy(w, person_id))


def erase_person(store: Store, actor: Actor, person: Person) -> Done[Person]:
    """Erase on request: refused, nothing written, unless the actor leads this laptop's team (`erase`)."""
    return written(store, actor, lambda w: erase(w, person))


def merge_people(store: Store, actor: Actor, kept_id: str, merged_id: str) -> Done[PersonMerge]:
    """Merge two records of one person, as they are in the store now (not as a screen showed them)."""

    def write(w: Writer) -> PersonMerge:
        kept, merged = people.get(store, kept_id), people.get(store, merged_id)
        if kept is None or merged is None:  # rows are never deleted, only emptied
            raise LookupError(f"person {kept_id if kept is None else merged_id} not found")
        return merge(w, kept, merged)

    return written(store, actor, write)
