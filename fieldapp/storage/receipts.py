"""Receipts: numbers unique per series without a network, the device's signing key, the known keys, and
what a printout needs, read in one snapshot."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from fieldapp.domain import products
from fieldapp.domain.admin_units import province_title
from fieldapp.domain.clock import today as vietnam_today
from fieldapp.domain.enums import PaymentMethod
from fieldapp.domain.premiums import rules_version
from fieldapp.domain.receipt_books import FIRST_NUMBER
from fieldapp.domain.receipts import HandOver, Participant, ReceiptRecord
from fieldapp.protocol.encoding import decode_datetime
from fieldapp.storage.driver import Connection
from fieldapp.storage.store import Store, put_meta

_SIGNING_KEY = "device_signing_key"
_DEVICE_NUMBER = "receipt_device_number"
# [prefix-]product-agent[.device]-year / number: `BI-DV01-2026/0000123`, `HY-BI-DV01.3-2026/0000001`
LABEL = re.compile(
    r"^\s*(?P<series>(?:[A-Z0-9]{1,8}-)?[A-Z]{2}-[A-Z0-9]{1,12}(?:\.\d{1,6})?-\d{4})\s*[/ ]\s*(?P<number>\d{1,9})\s*$",
    re.IGNORECASE,
)


def next_number(conn: Connection, series: str) -> int:
    """Bump and return the series' number; call inside the transaction that inserts the receipt.

    Never a number a receipt of the series already has here, whatever the counter says (receipts pulled
    from elsewhere, a store restored from a copy): the next one is above both. The numbers of receipt books
    (receipt_books.FIRST_NUMBER on, storage.receipt_books) are not this counter's: the form's series holds
    both, and a laptop numbering here stays below every book."""
    row = conn.execute(
        "INSERT INTO receipt_series (series, last_number) "
        "VALUES (?1, coalesce((SELECT max(number) FROM receipts WHERE series = ?1 AND number < ?2), 0) + 1) "
        "ON CONFLICT (series) DO UPDATE SET last_number = max(last_number + 1, excluded.last_number) "
        "RETURNING last_number",
        (series, FIRST_NUMBER),
    ).fetchone()
    return int(row[0])


def raise_counters(conn: Connection, receipt_ids: list[str]) -> None:
    """After receipts arrived (a pull, a bundle): each series' counter at least their highest number."""
    for start in range(0, len(receipt_ids), 500):
        chunk = receipt_ids[start : start + 500]
        conn.execute(
            "INSERT INTO receipt_series (series, last_number) "
            f"SELECT series, max(number) FROM receipts WHERE id IN ({', '.join('?' * len(chunk))}) "
            "AND number < ? GROUP BY series "  # a book's numbers are the book's (storage.receipt_books)
            "ON CONFLICT (series) DO UPDATE SET last_number = max(last_number, excluded.last_number)",
            [*chunk, FIRST_NUMBER],
        )


def store_folder(conn: Connection) -> Path | None:
    """The data folder holding this store's file (its settings.json beside it), None for a store in memory."""
    for _seq, name, file in conn.execute("PRAGMA database_list").fetchall():
        if name == "main" and file:
            return Path(file).parent
    return None


def device_number(conn: Connection) -> int | None:
    """The number the server gave this laptop at enrolment (the device part of its series), or None."""
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (_DEVICE_NUMBER,)).fetchone()
    return int(row[0]) if row and str(row[0]).isdigit() else None


def set_device_number(conn: Connection, number: int) -> None:
    put_meta(conn, _DEVICE_NUMBER, str(int(number)))


def signing_key_hex(conn: Connection) -> str | None:
    """The device's Ed25519 private key (raw, hex). It lives in the encrypted store, never in a file."""
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (_SIGNING_KEY,)).fetchone()
    return row[0] if row else None


def put_signing_key_hex(conn: Connection, value: str) -> None:
    put_meta(conn, _SIGNING_KEY, value)


@dataclass(frozen=True, slots=True)
class KnownKey:
    device_id: str
    name: str
    public_key: bytes
    revoked_at: datetime | None
    number: int | None = None  # the device part of the series it signs in


_KEY_SQL = "SELECT id, name, public_key, revoked_at, number FROM devices WHERE public_key IS NOT NULL AND "


def _known(row) -> KnownKey | None:
    if row is None:
        return None
    try:
        public = bytes.fromhex(row[2])
    except ValueError:
        return None
    return KnownKey(row[0], row[1], public, decode_datetime(row[3]) if row[3] else None, row[4])


def known_key(store: Store, key_id_hex: str) -> KnownKey | None:
    """A device key this laptop knows (its own, and those the server publishes), by its key id."""
    return _known(store.query_one(_KEY_SQL + "key_id = ? ORDER BY revoked_at IS NULL DESC, id", (key_id_hex,)))


def device_by_number(store: Store, number: int) -> KnownKey | None:
    """The device a receipt series names (`BI-DV01.3-2026`: number 3), with its key, as the server lists it."""
    return _known(store.query_one(_KEY_SQL + "number = ? ORDER BY id LIMIT 1", (number,)))


@dataclass(frozen=True, slots=True)
class Held:
    """A receipt of a series and number as this laptop holds it, for verifying a scanned QR against."""

    ref: ReceiptRef
    qr_payload: str | None
    reached_server: bool  # pulled, or pushed and accepted: the server had it (from its signer) by then


_HELD_SQL = (
    "SELECT r.qr_payload, NOT EXISTS (SELECT 1 FROM outbox o WHERE o.entity_id = r.id AND o.entity = 'receipts' "
    "AND o.op = 'create' AND o.state <> 'accepted'), r.id, r.series, r.number, r.amount, r.day, v.reason, v.id "
    "FROM receipts r LEFT JOIN receipt_voids v ON v.receipt_id = r.id WHERE r.series = ? AND r.number = ?"
)


def held(store: Store, series: str, number: int) -> Held | None:
    row = store.query_one(_HELD_SQL, (series, number))
    return None if row is None else Held(_ref(row[2:]), row[0], bool(row[1]))


def put_void_notices(conn: Connection, notices: Sequence[Mapping[str, Any]]) -> int:
    """The province's receipt voids, by series and number (`void_notices`, made by the server): what lets
    verify answer `void` for a receipt this laptop does not hold. Facts: a notice seen again changes nothing."""
    rows = []
    for n in notices:
        number = n.get("number")
        if not (isinstance(n.get("series"), str) and type(number) is int and 0 < number <= 10**9
                and isinstance(n.get("at"), str) and isinstance(n.get("id"), str)):  # fmt: skip
            continue  # not a notice this version can read: nothing to verify against
        confirmation = n.get("confirmation") if isinstance(n.get("confirmation"), str) else None
        rows.append((n["id"], n["series"], number, confirmation, n["at"]))
    conn.executemany(
        "INSERT INTO void_notices (id, series, number, confirmation, at) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (id) DO NOTHING",
        rows,
    )
    return len(rows)


def void_noticed(store: Store, series: str, number: int, confirmation: str) -> bool:
    """Whether the server told of a void of this receipt (void_notices: voids of the whole province). A
    notice with another confirmation code is of another receipt numbered alike (old-form series)."""
    row = store.query_one(
        "SELECT 1 FROM void_notices WHERE series = ? AND number = ? AND coalesce(confirmation, ?) = ? LIMIT 1",
        (series, number, confirmation, confirmation),
    )
    return row is not None


def team_id(conn: Connection) -> str | None:
    row = conn.execute("SELECT value FROM meta WHERE key = 'team_id'").fetchone()
    return row[0] if row else None


def set_device_key(conn: Connection, device_id: str, key_id_hex: str, public_hex: str) -> bool:
    """Give an existing device row its key; False where the device has no row yet (the caller adds it)."""
    cursor = conn.execute(
        "UPDATE devices SET key_id = ?, public_key = ? WHERE id = ?", (key_id_hex, public_hex, device_id)
    )
    return cursor.rowcount == 1


def void_state(conn: Connection, receipt_id: str) -> bool | None:
    """None: no such receipt; True: already void; False: valid."""
    row = conn.execute(
        "SELECT v.id FROM receipts r LEFT JOIN receipt_voids v ON v.receipt_id = r.id WHERE r.id = ?", (receipt_id,)
    ).fetchone()
    return None if row is None else row[0] is not None


def printed(store: Store, receipt_ids: list[str], actions: tuple[str, ...]) -> set[str]:
    """Which of these receipts the audit log shows printed (by one of `actions`)."""
    out: set[str] = set()
    marks = ", ".join("?" * len(actions))
    for start in range(0, len(receipt_ids), 500):
        chunk = receipt_ids[start : start + 500]
        rows = store.query(
            f"SELECT DISTINCT entity_id FROM audit_log WHERE entity = 'receipts' AND action IN ({marks}) "
            f"AND entity_id IN ({', '.join('?' * len(chunk))})",
            (*actions, *chunk),
        )
        out.update(r[0] for r in rows)
    return out


def revoke_device(conn: Connection, device_id: str, at: str) -> None:
    """Mark a device's key revoked on this laptop (the server's published list does this in sync)."""
    conn.execute("UPDATE devices SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", (at, device_id))


@dataclass(frozen=True, slots=True)
class ReceiptRef:
    id: str
    series: str
    number: int
    amount: int
    day: date
    void_reason: str | None
    voided: bool

    @property
    def label(self) -> str:
        return f"{self.series}/{self.number:07d}"


def _ref(row) -> ReceiptRef:
    return ReceiptRef(row[0], row[1], row[2], row[3], date.fromisoformat(row[4]), row[5], row[6] is not None)


_REF_SQL = (
    "SELECT r.id, r.series, r.number, r.amount, r.day, v.reason, v.id "
    "FROM receipts r LEFT JOIN receipt_voids v ON v.receipt_id = r.id "
)


def find(store: Store, series: str, number: int) -> ReceiptRef | None:
    row = store.query_one(_REF_SQL + "WHERE r.series = ? AND r.number = ?", (series, number))
    return _ref(row) if row else None


def find_label(store: Store, label: str) -> ReceiptRef | None:
    """A receipt by the label people read off the paper: `BI-DV01-2026/0000123` (or a space for the /)."""
    m = LABEL.match(label or "")
    if not m:
        return None
    return find(store, m["series"].upper(), int(m["number"]))


def refs(store: Store, *, day: date | None = None, ids: list[str] | None = None) -> list[ReceiptRef]:
    if ids is not None:
        marks = ", ".join("?" * len(ids))
        rows = store.query(_REF_SQL + f"WHERE r.id IN ({marks}) ORDER BY r.series, r.number", ids)
    else:
        rows = store.query(_REF_SQL + "WHERE r.day = ? ORDER BY r.issued_at", ((day or vietnam_today()).isoformat(),))
    return [_ref(r) for r in rows]


_RECORD_SQL = """
SELECT r.id, r.series, r.number, r.amount, r.day, r.issued_at, r.qr_payload,
       e.kind, e.months, e.start_on, e.end_on, e.income, e.state_support, e.local_support, e.sponsor, e.lines,
       p.method, p.reference,
       r.payer_name, payer.si_number, payer.citizen_id,
       coalesce(h.name, ''), c.name, pr.code, pr.name, pr.kind,
       coalesce(t.organisation, ''), m.full_name, m.code,
       v.reason, v.at, e.rules
FROM receipts r
JOIN payments p ON p.id = r.payment_id
JOIN enrolments e ON e.id = p.enrolment_id
JOIN persons payer ON payer.id = e.person_id
JOIN communes c ON c.code = payer.commune_code
JOIN provinces pr ON pr.code = c.province_code
JOIN members m ON m.id = r.member_id
LEFT JOIN teams t ON t.id = e.team_id
LEFT JOIN hamlets h ON h.id = payer.hamlet_id
LEFT JOIN receipt_voids v ON v.receipt_id = r.id
WHERE r.id IN ({marks})
ORDER BY r.series, r.number
"""


def records(store: Store, ids: list[str]) -> list[ReceiptRecord]:
    """The printable facts of these receipts, in series and number order, read in one snapshot."""
    if not ids:
        return []
    from fieldapp.storage.issuer import profile_organisation  # it reads this module's store_folder

    out = []
    with store.reading() as conn:
        fallback = profile_organisation(conn)  # storage.issuer: the team's, else the profile's
        rows = conn.execute(_RECORD_SQL.format(marks=", ".join("?" * len(ids))), ids).fetchall()
        person_ids = {line["person_id"] for row in rows for line in json.loads(row[15])}
        names = _participants(conn, sorted(person_ids))
        for row in rows:
            lines = sorted(json.loads(row[15]), key=lambda line: line["order"])
            participants = tuple(
                _participant(names.get(line["person_id"]), line["order"], line["amount"]) for line in lines
            )
            hamlet, commune, province_code, province, province_kind = row[21:26]
            address = "; ".join(x for x in (hamlet, commune, province_title(province, province_kind)) if x)
            out.append(
                ReceiptRecord(
                    id=row[0],
                    series=row[1],
                    number=row[2],
                    amount=row[3],
                    day=date.fromisoformat(row[4]),
                    issued_at=decode_datetime(row[5]),
                    qr_payload=row[6],
                    kind=products.get(row[7]).kind,
                    months=row[8],
                    start_on=date.fromisoformat(row[9]),
                    end_on=date.fromisoformat(row[10]),
                    income=row[11],
                    state_support=row[12],
                    local_support=row[13],
                    sponsor=row[14],
                    method=PaymentMethod(row[16]),
                    reference=row[17],
                    payer_name=row[18],
                    payer_si_number=row[19],
                    payer_citizen_id=row[20],
                    address=address,
                    province_code=province_code,
                    province_name=province,
                    province_kind=province_kind,
                    organisation=" ".join(row[26].split()) or fallback,
                    collector_name=row[27],
                    collector_code=row[28],
                    participants=participants,
                    void_reason=row[29],
                    voided_at=decode_datetime(row[30]) if row[30] else None,
                    rules_version=rules_version(json.loads(row[31] or "[]")),
                )
            )
    return out


def _participants(conn: Connection, person_ids: list[str]) -> dict[str, tuple[Any, ...]]:
    out: dict[str, tuple[Any, ...]] = {}
    for start in range(0, len(person_ids), 500):
        chunk = person_ids[start : start + 500]
        marks = ", ".join("?" * len(chunk))
        for pid, *facts in conn.execute(
            "SELECT id, full_name, si_number, citizen_id, birth_date, birth_year, sex, hi_clinic "
            f"FROM persons WHERE id IN ({marks})",
            chunk,
        ).fetchall():
            out[pid] = tuple(facts)
    return out


def _participant(facts: tuple[Any, ...] | None, order: int, amount: int) -> Participant:
    if facts is None:  # an erased person: the line stays, the name is gone
        return Participant("", None, order, amount)
    name, si, citizen_id, born, year, sex, clinic = facts
    born_on = date.fromisoformat(born) if born else None
    return Participant(name, si, order, amount, citizen_id, born_on, year, sex, clinic)


def hand_overs(store: Store, day: date, *, receipt_ids: list[str] | None = None) -> list[HandOver]:
    """The HI cards and SI books of a day's receipts (or of the given ones), in receipt and member order."""
    where, params = ("r.day = ?", [day.isoformat()])
    if receipt_ids is not None:
        where = f"r.id IN ({', '.join('?' * len(receipt_ids))})"
        params = list(receipt_ids)
    with store.reading() as conn:
        rows = conn.execute(
            "SELECT e.kind, e.start_on, e.end_on, e.lines, r.series, r.number, v.id IS NOT NULL "
            "FROM receipts r JOIN payments p ON p.id = r.payment_id JOIN enrolments e ON e.id = p.enrolment_id "
            f"LEFT JOIN receipt_voids v ON v.receipt_id = r.id WHERE {where} ORDER BY r.series, r.number",
            params,
        ).fetchall()
        wanted = sorted({line["person_id"] for row in rows for line in json.loads(row[3])})
        people: dict[str, tuple] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            for r in conn.execute(
                "SELECT p.id, p.full_name, p.birth_date, p.birth_year, p.sex, p.si_number, coalesce(h.name, ''), "
                "p.hi_clinic "
                "FROM persons p "
                f"LEFT JOIN hamlets h ON h.id = p.hamlet_id WHERE p.id IN ({', '.join('?' * len(chunk))})",
                chunk,
            ).fetchall():
                people[r[0]] = r
    out = []
    for kind, start_on, end_on, lines, series, number, voided in rows:
        for line in sorted(json.loads(lines), key=lambda x: x["order"]):
            p = people.get(line["person_id"])
            if p is None:
                continue
            out.append(
                HandOver(
                    p[0],
                    p[1],
                    date.fromisoformat(p[2]) if p[2] else None,
                    p[3],
                    p[4],
                    p[5],
                    products.get(kind).kind,
                    date.fromisoformat(start_on),
                    date.fromisoformat(end_on),
                    f"{series}/{number:07d}",
                    p[6],
                    bool(voided),
                    p[7],
                )
            )
    return out
