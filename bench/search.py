"""search_first_50, search_exact_id, people_scroll_end, quote: the field-work screen's reads (issue 4).

search_first_50: `search_pks(store, text, 50)` on the 500,000-person store for a mix of what members type,
keystroke by keystroke: a family name alone, the full name, the given name first, word starts ("ng th
ho"), a hamlet. Baseline in the same loop: a plain FTS5 prefix query over the same index ranked by bm25,
LIMIT 50 — the floor the issue names (about 22 ms median, 60 ms p95 here).
search_exact_id: a citizen ID, SI number or phone typed whole. Baseline: the bare index look-up.
people_scroll_end: the People table jumps to its last row: the row data of its last page (200 rows)
from the ids the model holds. Baseline: the first page.
quote: a VSI or household HI quote from the dated rules. Baseline: the same sums with the rates written in.
"""

from __future__ import annotations

import random
import time
from datetime import date

from common import PASSPHRASE, Row, Target, progress
from stores import DemoStore

from fieldapp.domain.enums import SupportGroup
from fieldapp.domain.premiums import default_rules
from fieldapp.domain.text import fold
from fieldapp.storage import people
from fieldapp.storage.search import search_pks
from fieldapp.storage.store import OpenOptions, Store

SEARCH_P95_MS = 20.0
EXACT_P95_MS = 1.0
SCROLL_P95_MS = 100.0
QUOTE_P95_MS = 1.0


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


def queries(store: Store, count: int, rng: random.Random) -> list[str]:
    total = store.query_one("SELECT max(pk) FROM persons")[0]
    names = []
    while len(names) < count // 8:
        row = store.query_one("SELECT name_key FROM persons WHERE pk = ?", (rng.randint(1, total),))
        if row:
            names.append(row[0])
    hamlets = [fold(r[0]) for r in store.query("SELECT name FROM hamlets")]
    out = []
    for name in names:
        typed = _typed(name, rng.randrange(5))
        # as the member types it: every prefix of three letters or more, the last one whole
        out += [typed[:i] for i in range(3, len(typed) + 1, 2)] + [typed]
        if rng.random() < 0.1:
            out.append(rng.choice(hamlets))
    return out[:count]


def _bm25(store: Store, text: str) -> None:
    tokens = fold(text).split()
    if tokens:
        expr = " AND ".join(f'"{t}"*' for t in tokens)
        store.query("SELECT rowid FROM person_names WHERE person_names MATCH ? ORDER BY rank LIMIT 50", (expr,))


def _timed(fn, *args, **kwargs) -> float:
    start = time.perf_counter()
    fn(*args, **kwargs)
    return (time.perf_counter() - start) * 1000


def run_search(demo: DemoStore, *, count: int) -> list[Row]:
    store = Store.open(demo.data_dir, OpenOptions(passphrase=PASSPHRASE))
    try:
        rng = random.Random(7)
        typed = queries(store, count, rng)
        progress(f"search: {len(typed)} keystrokes")
        for text in typed[:20]:  # warm the page cache as a member's first searches would
            search_pks(store, text)
        first = Row("search_first_50", "ms", target=Target("p95", SEARCH_P95_MS))
        for text in typed:
            first.samples.append(_timed(search_pks, store, text, 50))
            first.baseline.append(_timed(_bm25, store, text))
        first.note = (
            f"{demo.info['persons']:,} persons; {len(typed)} keystrokes of typed names (family, whole, given "
            "first, word starts, hamlets); baseline: FTS5 prefix query ranked by bm25, LIMIT 50"
        )
        ids = [
            value
            for row in store.query("SELECT citizen_id, si_number, phone FROM persons WHERE pk % 997 = 0 LIMIT 300")
            for value in row
            if value
        ]
        exact = Row("search_exact_id", "ms", target=Target("p95", EXACT_P95_MS))
        for value in ids:
            exact.samples.append(_timed(search_pks, store, value, 50))
            exact.baseline.append(
                _timed(
                    store.query,
                    "SELECT pk FROM persons WHERE citizen_id = ?1 OR si_number = ?1 OR phone = ?1",
                    (value,),
                )
            )
        exact.note = f"{len(ids)} citizen IDs, SI numbers and phones typed whole; baseline: the bare index look-up"
        pks = people.list_pks(store)
        scroll = Row("people_scroll_end", "ms", target=Target("p95", SCROLL_P95_MS))
        for i in range(30):
            end = len(pks) - 200 * (i % 5)
            scroll.samples.append(_timed(people.rows, store, list(pks[max(0, end - 200) : end])))
            scroll.baseline.append(_timed(people.rows, store, list(pks[200 * (i % 5) : 200 * (i % 5) + 200])))
        start = time.perf_counter()
        people.list_pks(store)
        scroll.note = (
            f"rows of the last page (200) of {len(pks):,} people; baseline: the first page; "
            f"loading the {len(pks):,} ids themselves (once, off the GUI thread) took "
            f"{(time.perf_counter() - start) * 1000:.0f} ms"
        )
    finally:
        store.close()
    return [first, exact, scroll, run_quote(rng)]


def _hi_sum(members: int, months: int) -> int:
    shares = (100, 70, 60, 50, 40)
    return sum(105_300 * shares[min(i, 4)] // 100 * months for i in range(members))


def _vsi_sum(income: int, months: int) -> int:
    return (income * 22 // 100 - 66_000) * months


def run_quote(rng: random.Random) -> Row:
    rules = default_rules()
    row = Row("quote", "ms", target=Target("p95", QUOTE_P95_MS))
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
