"""SQL for changing the registry: hamlets by name, duplicate look-ups, merges and erasure."""

from __future__ import annotations

from datetime import date, datetime

from fieldapp.domain.models import Hamlet, Person
from fieldapp.domain.text import fold
from fieldapp.protocol.encoding import encode_datetime
from fieldapp.storage.driver import Connection
from fieldapp.storage.records import spec_for

_PERSON = spec_for(Person)
_HAMLET = spec_for(Hamlet)


def find_hamlet(conn: Connection, commune_code: str, name: str) -> Hamlet | None:
    row = conn.execute(
        f"{_HAMLET.select_sql} WHERE commune_code = ? AND name_key = ?", (commune_code, fold(name))
    ).fetchone()
    return _HAMLET.decode(row) if row else None


def hamlets_of(conn: Connection, commune_code: str) -> list[Hamlet]:
    rows = conn.execute(f"{_HAMLET.select_sql} WHERE commune_code = ? ORDER BY vi_text_sort_key(name)", (commune_code,))
    return [_HAMLET.decode(r) for r in rows]


def same_citizen_id(conn: Connection, citizen_id: str, exclude_id: str | None = None) -> list[Person]:
    rows = conn.execute(
        f"{_PERSON.select_sql} WHERE citizen_id = ? AND id IS NOT ? AND merged_into IS NULL AND erased_at IS NULL",
        (citizen_id, exclude_id),
    )
    return [_PERSON.decode(r) for r in rows]


def same_name_birth_commune(
    conn: Connection,
    full_name: str,
    birth_year: int,
    birth_date: date | None,
    commune_code: str,
    exclude_id: str | None = None,
) -> list[Person]:
    """Candidates: the same name and commune, born the same day, or the same year where one of the two
    records knows only the year."""
    rows = conn.execute(
        f"{_PERSON.select_sql} WHERE name_key = ?1 AND birth_year = ?2 AND commune_code = ?4 AND id IS NOT ?5 "
        "AND (birth_date = ?3 OR birth_date IS NULL OR ?3 IS NULL) AND merged_into IS NULL AND erased_at IS NULL",
        (fold(full_name), birth_year, birth_date.isoformat() if birth_date else None, commune_code, exclude_id),
    )
    return [_PERSON.decode(r) for r in rows]


def next_household_order(conn: Connection, household_id: str) -> int:
    row = conn.execute(
        "SELECT coalesce(max(household_order), 0) + 1 FROM persons WHERE household_id = ?", (household_id,)
    ).fetchone()
    return int(row[0])


def erase_person_row(conn: Connection, person_id: str, at: datetime) -> None:
    """Empty a person's record in place (Person.PERSONAL, and the search keys made from the name); its id
    stays for the facts that refer to it."""
    conn.execute(_ERASE_SQL, (encode_datetime(at), person_id))


_ERASE_SQL = (
    "UPDATE persons SET "
    + ", ".join(
        [f"{name} = ''" for name in ("full_name", *spec_for(Person).derived)]
        + [f"{name} = NULL" for name in Person.PERSONAL if name != "full_name"]
    )
    + ", erased_at = ?1, updated_at = ?1 WHERE id = ?2"
)


def erase_free_text(conn: Connection, person_id: str) -> int:
    """Blank the notes written about a person (the only change the facts' triggers allow)."""
    changed = conn.execute(
        "UPDATE consultations SET note = '', refusal_reason = NULL "
        "WHERE person_id = ? AND (note <> '' OR refusal_reason IS NOT NULL)",
        (person_id,),
    ).rowcount
    changed += conn.execute("UPDATE follow_ups SET note = '' WHERE person_id = ? AND note <> ''", (person_id,)).rowcount
    return changed


def person_record(conn: Connection, person_id: str) -> dict[str, list[dict]]:
    """Everything held about one person, for the copy they may take (Law 91/2025, data portability)."""

    def table(sql: str, params: tuple) -> list[dict]:
        cursor = conn.execute(sql, params)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    return {
        "person": table(
            "SELECT p.full_name, p.birth_date, p.birth_year, p.sex, p.citizen_id, p.si_number, p.phone, "
            "c.name AS commune, h.name AS hamlet, p.target_group, p.consent_at, p.hi_valid_to, p.hi_clinic, "
            "p.vsi_status, p.vsi_paid_to, p.created_at, p.updated_at "
            "FROM persons p JOIN communes c ON c.code = p.commune_code LEFT JOIN hamlets h ON h.id = p.hamlet_id "
            "WHERE p.id = ?",
            (person_id,),
        ),
        "consultations": table(
            "SELECT day, topics, outcome, follow_up_on, refusal_reason, note, consent FROM consultations "
            "WHERE person_id = ? ORDER BY at",
            (person_id,),
        ),
        "follow_ups": table(
            "SELECT due_on, done_at, note FROM follow_ups WHERE person_id = ? ORDER BY due_on", (person_id,)
        ),
        "enrolments": table(
            "SELECT e.kind, e.enrolled_on, e.months, e.income, e.start_on, e.end_on, e.amount, e.state_support, "
            "e.local_support, e.sponsor FROM enrolments e WHERE e.person_id = ?1 OR EXISTS "
            "(SELECT 1 FROM json_each(e.lines) l WHERE json_extract(l.value, '$.person_id') = ?1) "
            "ORDER BY e.enrolled_on",
            (person_id,),
        ),
        "receipts": table(
            "SELECT r.series, r.number, r.day, r.amount, r.payer_name FROM receipts r "
            "JOIN payments pa ON pa.id = r.payment_id JOIN enrolments e ON e.id = pa.enrolment_id "
            "WHERE e.person_id = ? ORDER BY r.issued_at",
            (person_id,),
        ),
        "outreach": table("SELECT kind, day, note FROM outreach_results WHERE person_id = ? ORDER BY at", (person_id,)),
    }
