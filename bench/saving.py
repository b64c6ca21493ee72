"""save_consultation: a consultation saved as the consultation form saves it, on the 500,000-person store.

Ours: what the form's Save does (`ui/controllers/fieldwork.py`), `with writing(store, actor) as w:
fieldwork.save_consultation(w, ...)` on a private copy of the cached demo store (encrypted, WAL,
synchronous=FULL), all in one transaction: the consultation row, its outbox op and audit entry; the
follow-up (row, op, audit) when the outcome is "will think about it"; and the person's consent (an update
of the person with its op and audit entry) when the form's consent box differs from what the store holds,
as it does for most people (the demo records consent on the consultation only, so a person who agrees is
asked once, then saved with consent). The person is read before the clock starts, as the form has it
before Save.

Baseline, in the same loop, call by call: a plain SQLCipher connection (`fieldapp.storage.driver`,
`PRAGMA key`, WAL, synchronous=FULL, the store's cache pragmas; no foreign key checks) to a second copy of
the same store, and per transaction the same rows written with the fewest plain statements: INSERT of the
consultation row and its outbox op, the follow-up row and its op, and for the consent `UPDATE persons SET
consent_at, updated_at` and its op; every value encoded before the clock starts. The two alternate call by
call, so disk hiccups hit both.
"""

from __future__ import annotations

import random
import time
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from common import PASSPHRASE, Row, Target, Throttled, progress
from stores import DemoStore, copy_data_dir, open_existing

from fieldapp.domain.clock import utcnow
from fieldapp.domain.enums import Outcome, Topic
from fieldapp.domain.formats import VIETNAM, local_day
from fieldapp.domain.ids import new_id
from fieldapp.domain.models import Consultation, FollowUp, Person
from fieldapp.protocol.encoding import encode_datetime, to_json
from fieldapp.services.fieldwork import save_consultation
from fieldapp.storage import driver, people
from fieldapp.storage import team as team_store
from fieldapp.storage.keystore import KeyStore
from fieldapp.storage.records import spec_for
from fieldapp.storage.store import DEFAULT_CACHE_KIB, Store
from fieldapp.storage.writer import Actor, writing

P95_TARGET_MS = 2.0
WARM_UP = 20
# The demo's outcome mix (fieldapp/demo/days.py); "will think" also writes a follow-up.
OUTCOMES = ((Outcome.ENROLLED, 22), (Outcome.WILL_THINK, 33), (Outcome.REFUSED, 18), (Outcome.ALREADY_INSURED, 27))
_CONSULTATION = spec_for(Consultation)
_FOLLOW_UP = spec_for(FollowUp)
_PERSON = spec_for(Person)
_OUTBOX_SQL = (
    "INSERT INTO outbox (op_id, entity, entity_id, op, base_version, payload, created_at, actor) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)
_CONSENT_SQL = "UPDATE persons SET consent_at = ?, updated_at = ? WHERE id = ?"


def run_save(demo: DemoStore, *, calls: int, tmp: Path) -> list[Row]:
    data_dir = copy_data_dir(demo.data_dir, tmp / "save-data")
    plain_dir = copy_data_dir(demo.data_dir, tmp / "save-plain")
    store = open_existing(data_dir)
    try:
        plain = _plain_connection(plain_dir.db, KeyStore.load(plain_dir.keystore).unlock(PASSPHRASE))
        try:
            row, consents = _measure(store, plain, calls)
        finally:
            plain.close()
    finally:
        store.close()
    row.note = (
        f"copy of the {demo.info['persons']:,}-person demo store; {calls:,} saves as the consultation form makes "
        f"them, each its own transaction (row + outbox + audit; ~33% add a follow-up; {consents:.0%} also record "
        "the person's consent: update + outbox + audit), encrypted, WAL, synchronous=FULL; baseline: the same "
        "rows by plain INSERTs / UPDATE + their outbox ops, per COMMIT, on another copy"
    )
    return [row]


def _plain_connection(path: Path, key: bytes) -> driver.Connection:
    conn = driver.connect(str(path))
    conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA temp_store = MEMORY")
    conn.execute(f"PRAGMA cache_size = {DEFAULT_CACHE_KIB}")
    return conn


def _measure(store: Store, plain: driver.Connection, calls: int) -> tuple[Row, float]:
    rng = random.Random(1)
    team = team_store.current_team(store)
    if team is None:
        raise RuntimeError("the demo store has no team")
    members = team_store.members(store, team.id)
    persons = [r[0] for r in store.query("SELECT id FROM persons WHERE erased_at IS NULL ORDER BY pk")]
    sites = [r[0] for r in store.query("SELECT id FROM sites ORDER BY created_at")]
    outcomes = [o for o, _w in OUTCOMES]
    weights = [w for _o, w in OUTCOMES]
    today = datetime.now(VIETNAM).date()
    row = Row("save_consultation", "ms", targets=[Target("p95", P95_TARGET_MS)])
    show = Throttled("save_consultation", every=5)
    consents = 0

    for i in range(WARM_UP + calls):
        member = rng.choice(members)
        actor = Actor(member.id, store.device_id)
        person = people.get(store, rng.choice(persons))  # the form holds the person before Save
        assert person is not None
        outcome = rng.choices(outcomes, weights)[0]
        args: dict[str, Any] = {
            "team_id": team.id,
            "person": person,
            "walk_in": False,
            "target_group": person.target_group,
            "topics": [Topic.HI] if rng.random() < 0.6 else [Topic.VSI, Topic.HI],
            "outcome": outcome,
            "site_id": rng.choice(sites),
            "follow_up_on": today + timedelta(days=rng.randint(2, 14)) if outcome is Outcome.WILL_THINK else None,
            "refusal_reason": "Chưa có tiền" if outcome is Outcome.REFUSED else None,
            "note": "Tư vấn tại nhà, hẹn quay lại sau vụ thu hoạch",
            "consent": rng.random() < 0.9,
        }
        statements = _plain_statements(args, member.id)
        if i >= WARM_UP and args["consent"] != (person.consent_at is not None):
            consents += 1

        start = time.perf_counter()
        with writing(store, actor) as w:
            save_consultation(w, **args)
        ours = time.perf_counter() - start

        start = time.perf_counter()
        plain.execute("BEGIN IMMEDIATE")
        for sql, values in statements:
            plain.execute(sql, values)
        plain.execute("COMMIT")
        base = time.perf_counter() - start

        if i >= WARM_UP:
            row.samples.append(ours * 1000)
            row.baseline.append(base * 1000)
            show(f"{i - WARM_UP + 1:,}/{calls:,}")
    progress(f"save_consultation: {calls:,} saves done, {consents:,} with the consent")
    return row, consents / calls


def _plain_statements(args: dict[str, Any], member_id: str) -> list[tuple[str, tuple]]:
    """The statements and values of the same save for the plain connection, encoded ahead of the timing."""
    at: datetime = utcnow()
    now = encode_datetime(at)
    person = args["person"]
    record = Consultation(
        id=new_id(),
        person_id=person.id,
        event_id=None,
        site_id=args["site_id"],
        team_id=args["team_id"],
        member_id=member_id,
        at=at,
        day=local_day(at),
        target_group=args["target_group"],
        topics=tuple(args["topics"]),
        outcome=args["outcome"],
        follow_up_on=args["follow_up_on"],
        refusal_reason=args["refusal_reason"],
        note=args["note"],
        consent=args["consent"],
    )
    out = [
        (_CONSULTATION.insert_sql, _CONSULTATION.row(record)),
        (_OUTBOX_SQL, _op(_CONSULTATION.entity, record.id, to_json(_CONSULTATION.encode(record)), now, member_id)),
    ]
    if args["follow_up_on"] is not None:
        follow = FollowUp(new_id(), person.id, record.id, member_id, args["follow_up_on"], "", None, at)
        out += [
            (_FOLLOW_UP.insert_sql, _FOLLOW_UP.row(follow)),
            (_OUTBOX_SQL, _op(_FOLLOW_UP.entity, follow.id, to_json(_FOLLOW_UP.encode(follow)), now, member_id)),
        ]
    if args["consent"] != (person.consent_at is not None):
        edited = replace(person, consent_at=at if args["consent"] else None, updated_at=at)
        payload = to_json({"record": _PERSON.encode(edited), "changed": ["consent_at"]})
        out += [
            (_CONSENT_SQL, (encode_datetime(at) if args["consent"] else None, now, person.id)),
            (_OUTBOX_SQL, _op("persons", person.id, payload, now, member_id, "update", person.version)),
        ]
    return out


def _op(
    entity: str, entity_id: str, payload: str, now: str, member_id: str, op: str = "create", base: int | None = None
) -> tuple:
    return (new_id(), entity, entity_id, op, base, payload, now, member_id)
