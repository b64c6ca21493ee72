"""search_typed, search_typed_cold, search_exact_id, people_scroll_end, quote: the People screen's reads.

Every search is timed on the path the People screen takes (ui/controllers/people.py, ui/models/
people_model.py): `people.list_pks(store, text)` (the best 500 matches) and then `people.rows` of the first
page (ui.models.people_model.PAGE, 100 rows) that the table shows, one after the other as the database
thread runs them. What is typed is what members type, from the third letter and every other keystroke (the
search box waits for a pause): a family name alone, the whole name, the given name first, word starts
("ng th ho"), now and then a hamlet.

- search_typed: a session of such keystrokes on the 500,000-person store, from the moment the store is
  opened (its first searches included), the OS file cache warm. Baseline, query by query in the same loop:
  a plain FTS5 prefix query ranked by bm25 with LIMIT 500, and the same page of rows by plain SQL.
- search_typed_cold: the first searches after a start with a cold cache: the database and its WAL are
  evicted from the OS page cache (`common.evict`: posix_fadvise DONTNEED), the store is opened again and,
  as the app does once the store is open, the search's indexes are read in on a thread of their own
  (`fieldapp.storage.search.warm`); the first name is typed `SIGN_IN_S` after the opening (a member picks
  their name and types a PIN of 4 to 8 digits before the People screen takes a key), or at once when the
  warm-up ends sooner; repeated for several names. The warm-up's own time is in the note. Baseline: the
  same typing after the same eviction on a plain SQLCipher connection opened with the store's key, with
  no warm-up.
- search_typed_cold_at_once (no target; what the warm-up buys): the same, typed the moment the store is
  open, with no warm-up.
- search_exact_id: a citizen ID, SI number or phone typed whole, the same path. Baseline: the bare index
  look-up and the row.
- people_scroll_end: the People table jumps to its end: the row data of its last page (PAGE rows) from the
  ids the model holds. Baseline: the first page.
- quote: a VSI or household HI quote from the dated rules. Baseline: the same sums with the rates written in.
"""

from __future__ import annotations

import random
import statistics
import threading
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from common import PASSPHRASE, Row, Target, evict, progress, store_files
from stores import DemoStore, open_existing

from fieldapp.domain.enums import SupportGroup
from fieldapp.domain.premiums import default_rules
from fieldapp.domain.text import fold
from fieldapp.paths import DataDir
from fieldapp.storage import driver, people
from fieldapp.storage.keystore import KeyStore
from fieldapp.storage.search import warm as warm_search
from fieldapp.storage.store import DEFAULT_CACHE_KIB, Store
from ui.models.people_model import PAGE  # the rows the People table asks for first

SEARCH_P95_MS = 20.0
SIGN_IN_S = 1.0  # from the sign-in list to the first key in the People search: a name picked, a PIN typed
EXACT_P95_MS = 1.0
SCROLL_P95_MS = 100.0
QUOTE_P95_MS = 1.0
_PLAIN_ROWS = (
    "SELECT p.pk, p.id, p.full_name, p.birth_date, p.sex, p.citizen_id, p.si_number, p.phone, c.name, h.name, "
    "p.household_id, p.target_group, p.hi_valid_to, p.vsi_status, p.birth_year FROM persons p "
    "JOIN communes c ON c.code = p.commune_code LEFT JOIN hamlets h ON h.id = p.hamlet_id "
    "WHERE p.pk IN (SELECT value FROM json_each(?))"
)


def _typed(name_key: str, style: int) -> str:
    words = name_key.split()
    if style == 0:
        return words[0]  # the family name alone
    if style == 1:
        return name_key  # the whole name as written
    if style == 2:
        return f"{words[-1]} {words[0]}"  # the given name first
    if style == 3:
        return " ".join(w[:2] for w in words)  # word starts
    return words[-1]  # the given name alone


def keystrokes(typed: str) -> list[str]:
    """What the search box sends as a member types `typed`: from the third letter, every other keystroke,
    and the whole text at the end."""
    out = [typed[:i] for i in range(3, len(typed) + 1, 2)]
    return out if out and out[-1] == typed else [*out, typed]


def _names(store: Store, count: int, rng: random.Random) -> list[list[str]]:
    """`count` names as typed, each as its keystrokes; now and then a hamlet's name after one."""
    total = store.query_one("SELECT max(pk) FROM persons")[0]
    hamlets = [fold(r[0]) for r in store.query("SELECT name FROM hamlets")]
    out: list[list[str]] = []
    while len(out) < count:
        row = store.query_one("SELECT name_key FROM persons WHERE pk = ? AND name_key <> ''", (rng.randint(1, total),))
        if not row:
            continue
        out.append(keystrokes(_typed(row[0], rng.randrange(5))))
        if rng.random() < 0.1 and hamlets:
            out.append(keystrokes(rng.choice(hamlets)))
    return out[:count]


def _gui_search(store: Store, text: str) -> None:
    pks = people.list_pks(store, text)
    people.rows(store, list(pks[:PAGE]))


def _plain_search(conn: driver.Connection, text: str) -> None:
    tokens = fold(text).split()
    if not tokens:
        return
    expr = " AND ".join(f'"{t}"*' for t in tokens)
    pks = [
        r[0]
        for r in conn.execute(
            "SELECT rowid FROM person_names WHERE person_names MATCH ? ORDER BY rank LIMIT 500", (expr,)
        ).fetchall()
    ]
    conn.execute(_PLAIN_ROWS, (str(pks[:PAGE]),)).fetchall()


def _plain_connection(store_db: Path, key: bytes) -> driver.Connection:
    conn = driver.connect(str(store_db))
    conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    conn.execute(f"PRAGMA cache_size = {DEFAULT_CACHE_KIB}")
    conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    return conn


def _timed(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> float:
    start = time.perf_counter()
    fn(*args, **kwargs)
    return (time.perf_counter() - start) * 1000


def run_search(demo: DemoStore, *, count: int, cold_names: int) -> list[Row]:
    typed = run_typed(demo.data_dir, "search_typed", names=count, cold_names=cold_names)
    key = KeyStore.load(demo.data_dir.keystore).unlock(PASSPHRASE)
    store = open_existing(demo.data_dir)
    plain = _plain_connection(demo.data_dir.db, key)
    try:
        exact = _exact(store, plain)
        scroll = _scroll(store)
    finally:
        plain.close()
        store.close()
    return [*typed, exact, scroll, run_quote(random.Random(7))]


def run_typed(data_dir: DataDir, name: str, *, names: int, cold_names: int) -> list[Row]:
    """`name` (a warm session of `names` names typed, from the store's opening on) and `name`_cold (each of
    `cold_names` names typed right after evicting the store's files and opening it again)."""
    key = KeyStore.load(data_dir.keystore).unlock(PASSPHRASE)
    store = open_existing(data_dir)
    try:
        persons = store.query_one("SELECT count(*) FROM persons")[0]
        typed = _names(store, names, random.Random(7))
        cold_typed = _names(store, cold_names, random.Random(11))
    finally:
        store.close()
    cold = _cold(data_dir, f"{name}_cold", cold_typed, key, store_files(data_dir.db))
    store = open_existing(data_dir)  # the first searches of this session are timed too
    plain = _plain_connection(data_dir.db, key)
    try:
        warm = Row(name, "ms", targets=[Target("p95", SEARCH_P95_MS)])
        for text in (t for one in typed for t in one):
            warm.samples.append(_timed(_gui_search, store, text))
            warm.baseline.append(_timed(_plain_search, plain, text))
    finally:
        plain.close()
        store.close()
    warm.note = (
        f"{persons:,} persons; {len(warm.samples)} keystrokes of {len(typed)} names typed (family, whole, given "
        "first, word starts, hamlets; from the 3rd letter, every other keystroke), each list_pks (best 500) + the "
        f"first page of {PAGE} rows, from the store's opening on, OS cache warm; baseline: FTS5 prefix query ranked "
        "by bm25 LIMIT 500 + the same page by plain SQL"
    )
    return [warm, *cold]


def _cold(data_dir: DataDir, name: str, typed: list[list[str]], key: bytes, files: list[Path]) -> list[Row]:
    """Each name typed after the store's files were evicted and the store opened again: as the app does (the
    warm-up on its thread, the first key no sooner than a sign-in allows), at once without the warm-up, and
    on a plain connection (the baseline); the three take turns so that none always runs first."""
    row = Row(name, "ms", targets=[Target("p95", SEARCH_P95_MS)])
    at_once = Row(f"{name}_at_once", "ms")
    first: list[float] = []
    warmed: list[float] = []
    for i, one in enumerate(typed):
        for which in (0, 1, 2)[i % 3 :] + (0, 1, 2)[: i % 3]:
            evict(files)
            if which == 2:
                plain = _plain_connection(data_dir.db, key)
                try:
                    times = [_timed(_plain_search, plain, text) for text in one]
                finally:
                    plain.close()
                row.baseline += times
                at_once.baseline += times
                continue
            opened = time.perf_counter()
            store = open_existing(data_dir)
            try:
                warming = _warm_while_signing_in(store, opened) if which == 0 else None
                times = [_timed(_gui_search, store, text) for text in one]
                if warming is not None:
                    warmed.append(warming())  # done before the next eviction
            finally:
                store.close()
            if which == 0:
                row.samples += times
                first.append(times[0])
            else:
                at_once.samples += times
    progress(f"{name}: {len(typed)} names, first keystroke max {max(first):.1f} ms")
    row.note = (
        f"{len(typed)} names typed ({len(row.samples)} keystrokes), each after evicting the store's database and "
        "WAL from the OS page cache (posix_fadvise DONTNEED) and opening it again, the search's indexes read in "
        f"on a thread as the app does (storage.search.warm: {statistics.median(warmed):.2f} s median, "
        f"{max(warmed):.2f} s max), the first key {SIGN_IN_S:.1f} s after the opening (a sign-in) or when the "
        f"warm-up ended if sooner; the first keystroke of a name took up to {max(first):.1f} ms (median "
        f"{statistics.median(first):.1f}); baseline: the plain query and page after the same eviction, on a fresh "
        "plain connection, at once"
    )
    at_once.note = (
        "no target: the same names typed the moment the store is open after the same eviction, without the "
        "warm-up (what it buys a member who could search before signing in); baseline as above"
    )
    return [row, at_once]


def _warm_while_signing_in(store: Store, opened: float) -> Callable[[], float]:
    """Start the app's warm-up on a thread and return when a sign-in would let the member type (SIGN_IN_S
    after `opened`) or when the warm-up is done, whichever is first. The function returned waits for the
    warm-up to end and gives its time."""
    done = threading.Event()
    began = time.perf_counter()
    ended: list[float] = []

    def work() -> None:
        try:
            warm_search(store)
        finally:
            ended.append(time.perf_counter())
            done.set()

    threading.Thread(target=work, daemon=True).start()
    done.wait(max(0.0, opened + SIGN_IN_S - time.perf_counter()))

    def finished() -> float:
        done.wait()
        return ended[0] - began

    return finished


def _exact(store: Store, plain: driver.Connection) -> Row:
    ids = [
        value
        for row in store.query("SELECT citizen_id, si_number, phone FROM persons WHERE pk % 997 = 0 LIMIT 300")
        for value in row
        if value
    ]
    row = Row("search_exact_id", "ms", targets=[Target("p95", EXACT_P95_MS)])

    def bare(value: str) -> None:
        pks = plain.execute(
            "SELECT pk FROM persons WHERE citizen_id = ?1 OR si_number = ?1 OR phone = ?1", (value,)
        ).fetchall()
        plain.execute(_PLAIN_ROWS, (str([r[0] for r in pks]),)).fetchall()

    for value in ids:
        row.samples.append(_timed(_gui_search, store, value))
        row.baseline.append(_timed(bare, value))
    row.note = (
        f"{len(ids)} citizen IDs, SI numbers and phones typed whole, the same path (list_pks + its page); "
        "baseline: the bare index look-up and the row"
    )
    return row


def _scroll(store: Store) -> Row:
    start = time.perf_counter()
    pks = people.list_pks(store)
    listed = (time.perf_counter() - start) * 1000
    row = Row("people_scroll_end", "ms", targets=[Target("p95", SCROLL_P95_MS)])
    for i in range(30):
        end = len(pks) - PAGE * (i % 5)
        row.samples.append(_timed(people.rows, store, list(pks[max(0, end - PAGE) : end])))
        row.baseline.append(_timed(people.rows, store, list(pks[PAGE * (i % 5) : PAGE * (i % 5) + PAGE])))
    row.note = (
        f"rows of the last page ({PAGE}) of {len(pks):,} people; baseline: the first page; loading the "
        f"{len(pks):,} ids themselves (once, off the GUI thread) took {listed:.0f} ms"
    )
    return row


def _hi_sum(members: int, months: int) -> int:
    shares = (100, 70, 60, 50, 40)
    return sum(105_300 * shares[min(i, 4)] // 100 * months for i in range(members))


def _vsi_sum(income: int, months: int) -> int:
    return (income * 22 // 100 - 66_000) * months


def run_quote(rng: random.Random) -> Row:
    rules = default_rules()
    row = Row("quote", "ms", targets=[Target("p95", QUOTE_P95_MS)])
    for i in range(2_000):
        on = date(2026, rng.randint(1, 12), rng.randint(1, 28))
        if i % 2:
            members, months = rng.randint(1, 8), rng.choice((3, 6, 12))
            row.samples.append(_timed(rules.quote_hi, members=members, months=months, on=on))
            row.baseline.append(_timed(_hi_sum, members, months))
        else:
            income, months = rng.randrange(1_500_000, 20_000_000, 50_000), rng.choice((1, 3, 6, 12, 60))
            group = rng.choice(list(SupportGroup))
            row.samples.append(_timed(rules.quote_vsi, income=income, months=months, on=on, group=group))
            row.baseline.append(_timed(_vsi_sum, income, months))
    row.note = "2,000 quotes, VSI and household HI, on random 2026 dates; baseline: the sums with rates written in"
    return row
