"""Find people as they are typed: by name without diacritics, citizen ID, SI number, phone or hamlet.

Ranking everything by bm25 costs up to half a second on 500,000 people when a common family name matches
a third of them, so the search works in tiers, each cheap, and stops as soon as it has enough:

1. identifiers: the digits typed are an exact citizen ID, SI number or phone (an index look-up), or the
   start of one (an index range);
2. names: the name typed from its beginning ("nguyen thi h", a range of the name index), every word
   typed as a whole word in any order ("hoa nguyen"), then the last word still being typed ("hoa ng"),
   then every word only a prefix; at most `CANDIDATES` from the full-text index, all scored together
   here: a whole word beats a prefix, the given name (the last word) counts most, the typed order and
   the name typed from its start count more, so "hoa" finds the people called Hoa before the Hoàngs;
3. the words name a hamlet ("thon dong"): the people of that hamlet, household by household.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from fieldapp.domain.text import fold
from fieldapp.domain.validators import check_phone
from fieldapp.storage.people import PersonRow, rows
from fieldapp.storage.store import Store

CANDIDATES = 1000
FROM_THE_START = 1.5  # the name typed from its first word, as it is written
_TOKEN = re.compile(r"[a-z0-9]+")
_IDENTIFIER = re.compile(r"^[+\d][\d .\-]*$")
# Words that say what kind of place follows; they alone never narrow a search for a hamlet.
PLACE_WORDS = frozenset({"thon", "xom", "ap", "ban", "to", "dan", "pho", "khu", "xa", "phuong", "dac"})


@dataclass(frozen=True)
class Query:
    text: str
    tokens: tuple[str, ...]
    digits: str

    @classmethod
    def parse(cls, text: str) -> Query:
        folded = fold(text)
        tokens = tuple(_TOKEN.findall(folded))
        digits = "".join(ch for ch in text if ch.isdigit()) if _IDENTIFIER.match(text.strip() or "x") else ""
        return cls(text, tokens, digits)


def _next_prefix(prefix: str) -> str:
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def _fts_quote(token: str, prefix: bool) -> str:
    return f'"{token}"' + ("*" if prefix else "")


def score(name_key: str, tokens: tuple[str, ...]) -> float:
    """How well a folded name matches the typed words: higher is better."""
    words = name_key.split()
    total, last_index, in_order = 0.0, -1, True
    for token in tokens:
        best, best_index = 0.0, -1
        for index, word in enumerate(words):
            if word == token:
                points = 3.0 + (2.0 if index == len(words) - 1 else 0.0)
            elif word.startswith(token):
                points = 1.0 + (0.5 if index == len(words) - 1 else 0.0)
            else:
                continue
            if points > best:
                best, best_index = points, index
        total += best
        if best_index <= last_index:
            in_order = False
        last_index = best_index
    return total + (1.0 if in_order else 0.0) - 0.01 * abs(len(words) - len(tokens))


class _Collector:
    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.pks: list[int] = []
        self.seen: set[int] = set()

    def add(self, pks: Iterable[int]) -> None:
        for pk in pks:
            if pk not in self.seen and len(self.pks) < self.limit:
                self.seen.add(pk)
                self.pks.append(pk)

    @property
    def full(self) -> bool:
        return len(self.pks) >= self.limit


def search_pks(store: Store, text: str, limit: int = 50) -> list[int]:
    """Row numbers of the best matches, best first."""
    query = Query.parse(text)
    out = _Collector(limit)
    if query.digits and len(query.digits) >= 3:
        out.add(_identifiers(store, query.digits, limit))
        if len(query.tokens) == 1 and query.tokens[0].isdigit():
            return out.pks
    name_tokens = tuple(t for t in query.tokens if not t.isdigit())
    if not name_tokens:
        return out.pks
    out.add(_names(store, name_tokens, limit))
    if not out.full:
        out.add(_hamlet_people(store, name_tokens, limit))
    return out.pks


def _names(store: Store, tokens: tuple[str, ...], limit: int) -> list[int]:
    """Tiers 2-4: candidates from the name index and the full-text index, ranked together."""
    scored: dict[int, tuple[float, str]] = {}
    scores: dict[str, float] = {}  # a registry repeats its names: each is scored once per search
    whole = " ".join(tokens)
    for pk, name_key in store.query(
        "SELECT pk, name_key FROM persons WHERE name_key >= ? AND name_key < ? ORDER BY name_key LIMIT ?",
        (whole, _next_prefix(whole), limit),
    ):
        points = scores.get(name_key)
        if points is None:
            points = scores[name_key] = score(name_key, tokens)
        scored[pk] = (points + FROM_THE_START, name_key)
    for prefix_last, prefix_all in ((False, False), (True, False), (True, True)):
        if prefix_last and len(scored) >= limit:
            break
        if not prefix_last and len(tokens[-1]) < 2:
            continue
        expr = " AND ".join(
            _fts_quote(t, prefix_all or (prefix_last and i == len(tokens) - 1)) for i, t in enumerate(tokens)
        )
        for pk, name_key in store.query(
            "SELECT rowid, name FROM person_names WHERE person_names MATCH ? LIMIT ?",
            (expr, CANDIDATES),
        ):
            if pk not in scored:
                points = scores.get(name_key)
                if points is None:
                    points = scores[name_key] = score(name_key, tokens)
                scored[pk] = (points, name_key)
    ranked = sorted(scored.items(), key=lambda item: (-item[1][0], item[1][1]))
    return [pk for pk, _ in ranked[:limit]]


# What a search reads, read once in full (`warm`): the name index, the full-text index's pages and the names
# it hands back (`|| x''` makes SQLite load each blob, not only its length).
_WARM = (
    "SELECT count(name_key) FROM persons WHERE name_key >= ''",
    "SELECT sum(length(block || x'')) FROM person_names_data",
    "SELECT sum(length(c0)) FROM person_names_content",
    "SELECT count(*) FROM hamlets",
)


def warm(store: Store) -> None:
    """Read what a search reads, once, on a connection of its own, so that the first searches after a start
    with a cold OS cache find it in memory instead of waiting on the disk for each of a thousand names (25-50
    ms a search on 500,000 people; under 1 s of reading, in the background, while the member signs in)."""
    with store.side_reader() as conn:
        conn.execute("PRAGMA cache_size = -1024")  # it fills the OS cache; its own pages are dropped at once
        for sql in _WARM:
            conn.execute(sql).fetchone()


def search(store: Store, text: str, limit: int = 50) -> list[PersonRow]:
    pks = search_pks(store, text, limit)
    found = rows(store, pks)
    return [found[pk] for pk in pks if pk in found]


def _identifiers(store: Store, digits: str, limit: int) -> list[int]:
    phone = check_phone(digits)
    exact = {digits, phone.value} if phone.ok else {digits}
    if len(digits) == 15:  # an old HI card code typed without its letters is not possible; the SI part is
        exact.add(digits[-10:])
    pks = [
        r[0]
        for value in exact
        for r in store.query(
            "SELECT pk FROM persons WHERE citizen_id = ?1 UNION SELECT pk FROM persons WHERE si_number = ?1 "
            "UNION SELECT pk FROM persons WHERE phone = ?1",
            (value,),
        )
    ]
    if len(pks) >= limit or len(digits) >= 12:
        return pks
    high = _next_prefix(digits)
    for column in ("citizen_id", "si_number", "phone"):
        pks += [
            r[0]
            for r in store.query(
                f"SELECT pk FROM persons WHERE {column} >= ? AND {column} < ? ORDER BY {column} LIMIT ?",
                (digits, high, limit),
            )
        ]
    return pks


def without_place_kind(words: list[str]) -> list[str]:
    """Drop the words in front that say what kind of place it is ("thon dong" -> "dong"; "dong xa" stays)."""
    start = 0
    while start < len(words) and words[start] in PLACE_WORDS:
        start += 1
    return words[start:]


def _hamlet_people(store: Store, tokens: tuple[str, ...], limit: int) -> list[int]:
    """People of the hamlets whose name has every distinctive word typed ("dong", "thon dong"): the best
    named hamlet first (Thôn Đông before Thôn Đồng Xá), household by household."""
    distinctive = without_place_kind(list(tokens))
    if not distinctive:
        return []
    ranked = []
    for hamlet_id, name_key in store.query("SELECT id, name_key FROM hamlets"):
        words = without_place_kind(name_key.split())
        points = 0
        for token in distinctive:
            best = max((2 if w == token else 1 if w.startswith(token) else 0 for w in words), default=0)
            if not best:
                break
            points += best
        else:
            ranked.append((-points, len(words), name_key, hamlet_id))
    pks: list[int] = []
    for *_key, hamlet_id in sorted(ranked):
        if len(pks) >= limit:
            break
        pks += [
            r[0]
            for r in store.query(
                "SELECT pk FROM persons WHERE hamlet_id = ? ORDER BY hamlet_id, household_id, household_order LIMIT ?",
                (hamlet_id, limit - len(pks)),
            )
        ]
    return pks
