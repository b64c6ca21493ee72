"""save_consultation: one consultation saved as the GUI saves it, in its own committed transaction.

Ours: `with writing(store, actor) as w: record_consultation(w, ...)` on a private copy of a cached
demo store (encrypted, WAL, synchronous=FULL): the consultation row, its outbox op and its audit entry,
plus the follow-up (row, op, audit) when the outcome is "will think about it", as in real use.
Baseline, in the same loop: a plain SQLCipher connection (fieldapp.storage.driver.connect, PRAGMA key,
the store's pragmas) to a new file with the same consultations and outbox tables, and per transaction
one INSERT of the same consultation row and one INSERT of its outbox op, values prepared beforehand.
The two alternate call by call, so disk hiccups hit both.
"""

from __future__ import annotations

import random
import secrets
import time
from datetime import datetime, timedelta
from pathlib import Path

from common import PASSPHRASE, Row, Target, Throttled, progress
from stores import DemoStore, copy_data_dir

from fieldapp.domain.clock import utcnow
from fieldapp.domain.enums import Outcome, TargetGroup, Topic
from fieldapp.domain.formats import VIETNAM, local_day
from fieldapp.domain.ids import new_id
from fieldapp.domain.models import Consultation
from fieldapp.services.fieldwork import record_consultation
from fieldapp.storage import driver
from fieldapp.storage import team as team_store
from fieldapp.storage.records import encode_datetime, spec_for, to_json
from fieldapp.storage.store import OpenOptions, Store
from fieldapp.storage.writer import Actor, writing

P95_TARGET_MS = 2.0
WARM_UP = 20
# The demo's outcome mix (fieldapp/services/demo.py); "will think" also writes a follow-up.
OUTCOMES = ((Outcome.ENROLLED, 22), (Outcome.WILL_THINK, 33), (Outcome.REFUSED, 18), (Outcome.ALREADY_INSURED, 27))
_CONSULTATION = spec_for(Consultation)
_OUTBOX_SQL = (
    "INSERT INTO outbox (op_id, entity, entity_id, op, base_version, payload, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
)


def run_save(demo: DemoStore, *, calls: int, tmp: Path) -> list[Row]:
    data_dir = copy_data_dir(demo.data_dir, tmp / "save-data")
    store = Store.open(data_dir, OpenOptions(passphrase=PASSPHRASE))
    try:
        plain = _plain_store(store, tmp / "plain.db")
        try:
            row = _measure(store, plain, calls)
        finally:
            plain.close()
    finally:
        store.close()
    row.note = (
        f"copy of a {demo.info['persons']:,}-person demo store; {calls:,} saves, each its own transaction "
        "(row + outbox + audit; ~33% add a follow-up), "
        "encrypted, WAL, synchronous=FULL; baseline: raw INSERT of the same row + its outbox op per COMMIT"
    )
    return [row]


def _plain_store(store: Store, path: Path) -> driver.Connection:
    """A new encrypted file with the store's consultations and outbox tables and indexes (no triggers: the
    raw insert is the baseline), opened without Store."""
    ddl = [
        r[0]
        for r in store.query(
            "SELECT sql FROM sqlite_master WHERE tbl_name IN ('consultations', 'outbox') AND sql IS NOT NULL "
            "AND type IN ('table', 'index') ORDER BY type = 'table' DESC, rowid"
        )
    ]
    path.unlink(missing_ok=True)
    conn = driver.connect(str(path))
    conn.execute(f"PRAGMA key = \"x'{secrets.token_bytes(32).hex()}'\"")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA temp_store = MEMORY")
    conn.execute("PRAGMA cache_size = -32000")
    for statement in ddl:  # consultations' foreign keys stay inert: foreign_keys is off here
        conn.execute(statement)
    return conn


def _measure(store: Store, plain: driver.Connection, calls: int) -> Row:
    rng = random.Random(1)
    team = team_store.current_team(store)
    if team is None:
        raise RuntimeError("the demo store has no team")
    members = team_store.members(store, team.id)
    persons = store.query("SELECT id, target_group FROM persons ORDER BY pk")
    events = store.query("SELECT id, site_id FROM events ORDER BY created_at")
    outcomes = [o for o, _w in OUTCOMES]
    weights = [w for _o, w in OUTCOMES]
    today = datetime.now(VIETNAM).date()
    row = Row("save_consultation", "ms", target=Target("p95", P95_TARGET_MS))
    show = Throttled("save_consultation", every=5)

    for i in range(WARM_UP + calls):
        member = rng.choice(members)
        actor = Actor(member.id, store.device_id)
        person_id, group = rng.choice(persons)
        event_id, site_id = rng.choice(events)
        outcome = rng.choices(outcomes, weights)[0]
        topics = [Topic.HI] if rng.random() < 0.6 else [Topic.VSI, Topic.HI]
        args = {
            "team_id": team.id,
            "person_id": person_id,
            "target_group": TargetGroup(group),
            "topics": topics,
            "outcome": outcome,
            "event_id": event_id,
            "site_id": site_id,
            "follow_up_on": today + timedelta(days=rng.randint(2, 14)) if outcome is Outcome.WILL_THINK else None,
            "refusal_reason": "Chưa có tiền" if outcome is Outcome.REFUSED else None,
            "note": "Tư vấn tại nhà, hẹn quay lại sau vụ thu hoạch",
            "consent": rng.random() < 0.9,
        }
        consultation_row, outbox_row = _raw_rows(args, member.id)

        start = time.perf_counter()
        with writing(store, actor) as w:
            record_consultation(w, **args)
        ours = time.perf_counter() - start

        start = time.perf_counter()
        plain.execute("BEGIN IMMEDIATE")
        plain.execute(_CONSULTATION.insert_sql, consultation_row)
        plain.execute(_OUTBOX_SQL, outbox_row)
        plain.execute("COMMIT")
        base = time.perf_counter() - start

        if i >= WARM_UP:
            row.samples.append(ours * 1000)
            row.baseline.append(base * 1000)
            show(f"{i - WARM_UP + 1:,}/{calls:,}")
    progress(f"save_consultation: {calls:,} saves done")
    return row


def _raw_rows(args: dict, member_id: str) -> tuple[tuple, tuple]:
    """The row and outbox op record_consultation would write for `args`, encoded ahead of the timing."""
    at: datetime = utcnow()
    record = Consultation(
        id=new_id(),
        person_id=args["person_id"],
        event_id=args["event_id"],
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
    encoded = _CONSULTATION.encode(record)
    outbox = (new_id(), _CONSULTATION.entity, record.id, "create", None, to_json(encoded), encode_datetime(at))
    return _CONSULTATION.row(record), outbox
