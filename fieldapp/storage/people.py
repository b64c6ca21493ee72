"""The registry's reads: person lists for the People screen, look-ups by identifier, households."""

from __future__ import annotations

from array import array
from dataclasses import dataclass
from datetime import date

from fieldapp.domain.enums import Sex, TargetGroup, VsiStatus
from fieldapp.domain.models import Person
from fieldapp.storage.records import spec_for
from fieldapp.storage.store import Store

_PERSON = spec_for(Person)


@dataclass(frozen=True, slots=True)
class PersonRow:
    """One line of the People table."""

    pk: int
    id: str
    full_name: str
    birth_date: date | None
    sex: Sex | None
    citizen_id: str | None
    si_number: str | None
    phone: str | None
    commune: str
    hamlet: str | None
    household_id: str | None
    target_group: TargetGroup
    hi_valid_to: date | None
    vsi_status: VsiStatus
    birth_year: int | None = None  # the year of birth_date, or all that is known


_ROW_SQL = (
    "SELECT p.pk, p.id, p.full_name, p.birth_date, p.sex, p.citizen_id, p.si_number, p.phone, c.name, h.name, "
    "p.household_id, p.target_group, p.hi_valid_to, p.vsi_status, p.birth_year "
    "FROM persons p JOIN communes c ON c.code = p.commune_code LEFT JOIN hamlets h ON h.id = p.hamlet_id "
)


# The enums by value, looked up directly: a page of the People table decodes 200 rows at a time.
_SEX, _GROUP, _VSI = Sex._value2member_map_, TargetGroup._value2member_map_, VsiStatus._value2member_map_


def _row(r: tuple) -> PersonRow:
    return PersonRow(
        pk=r[0],
        id=r[1],
        full_name=r[2],
        birth_date=date.fromisoformat(r[3]) if r[3] else None,
        sex=(_SEX.get(r[4]) or Sex(r[4])) if r[4] else None,
        citizen_id=r[5],
        si_number=r[6],
        phone=r[7],
        commune=r[8],
        hamlet=r[9],
        household_id=r[10],
        target_group=_GROUP.get(r[11]) or TargetGroup(r[11]),
        hi_valid_to=date.fromisoformat(r[12]) if r[12] else None,
        vsi_status=_VSI.get(r[13]) or VsiStatus(r[13]),
        birth_year=r[14],
    )


SEARCH_LIMIT = 500  # the People screen shows the best 500 matches of a search; an empty one lists everybody


def list_pks(store: Store, text: str = "") -> array:
    """Row numbers of the people to list: everybody in Vietnamese name order, or the best matches of a search.

    Only the integers are loaded (an index-only scan), so 500,000 people cost a few MB; the rows come
    page by page through `rows()` as the table scrolls.
    """
    if text.strip():
        from fieldapp.storage.search import search_pks

        return array("q", search_pks(store, text, SEARCH_LIMIT))
    return array(
        "q",
        (
            r[0]
            for r in store.query(
                "SELECT pk FROM persons WHERE erased_at IS NULL AND merged_into IS NULL ORDER BY sort_key"
            )
        ),
    )


def rows(store: Store, pks: list[int]) -> dict[int, PersonRow]:
    if not pks:
        return {}
    marks = ",".join("?" * len(pks))
    return {
        r[0]: _row(r)
        for r in store.query(
            f"{_ROW_SQL} WHERE p.pk IN ({marks}) AND p.erased_at IS NULL AND p.merged_into IS NULL", pks
        )
    }


def get(store: Store, person_id: str) -> Person | None:
    row = store.query_one(f"{_PERSON.select_sql} WHERE id = ?", (person_id,))
    return _PERSON.decode(row) if row else None


def household_members(store: Store, household_id: str) -> list[Person]:
    rows_ = store.query(
        f"{_PERSON.select_sql} WHERE household_id = ? ORDER BY household_order, sort_key", (household_id,)
    )
    return [_PERSON.decode(r) for r in rows_]


@dataclass(frozen=True)
class HouseholdView:
    """A person with their place, and their household's members in declared order."""

    person: Person
    commune: str
    hamlet: str | None
    members: list[PersonRow]


def household_view(store: Store, person_id: str) -> HouseholdView | None:
    person = get(store, person_id)
    if person is None:
        return None
    names = store.query_one(
        "SELECT c.name, h.name FROM communes c LEFT JOIN hamlets h ON h.id = ? WHERE c.code = ?",
        (person.hamlet_id, person.commune_code),
    )
    if person.household_id:
        pks = [
            r[0]
            for r in store.query(
                "SELECT pk FROM persons WHERE household_id = ? AND erased_at IS NULL AND merged_into IS NULL "
                "ORDER BY household_order, sort_key",
                (person.household_id,),
            )
        ]
    else:
        pks = [r[0] for r in store.query("SELECT pk FROM persons WHERE id = ?", (person_id,))]
    found = rows(store, pks)
    return HouseholdView(
        person, names[0] if names else "", names[1] if names else None, [found[pk] for pk in pks if pk in found]
    )


def household_pks(store: Store, person_id: str) -> array:
    """The person's row first, then the rest of their household: what to list after saving or opening one."""
    rows_ = store.query(
        "SELECT pk FROM persons WHERE id = ?1 UNION ALL SELECT * FROM (SELECT pk FROM persons WHERE household_id = "
        "(SELECT household_id FROM persons WHERE id = ?1) AND id <> ?1 AND erased_at IS NULL AND merged_into IS NULL "
        "ORDER BY household_order)",
        (person_id,),
    )
    return array("q", (r[0] for r in rows_))
