"""The demo's builder: a team in a real province, its members, places and campaign, then its people and days.

Same seed and same end date, same data: ids come from a seeded UUIDv7 factory on a simulated clock, and
every random choice from one seeded generator. The registry is written in batches (`Writer.add_all`,
`demo.people`), the day-by-day work one service call at a time (`demo.days`), so the outbox and the audit
log fill as in real use. `DemoBuilder.run()` is a generator that yields progress; the GUI and the CLI show it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import random
from collections.abc import Iterator
from datetime import datetime, time, timedelta
from pathlib import Path

from fieldapp.demo import targets as demo_targets
from fieldapp.demo.days import Days
from fieldapp.demo.options import (
    DEFAULT_PROVINCE,
    DEMO_PIN,
    MAX_DAYS,
    MAX_PERSONS,
    MEMBERS,
    RUNNING,
    TEAM_COMMUNES,
    DemoOptions,
    DemoProgress,
    DemoResult,
)
from fieldapp.demo.people import People, _vocabulary, _Weighted
from fieldapp.domain import admin_units
from fieldapp.domain.clock import today as vietnam_today
from fieldapp.domain.enums import AuditAction, Role, Sex, SiteKind
from fieldapp.domain.formats import VIETNAM
from fieldapp.domain.ids import IdFactory
from fieldapp.domain.models import Campaign, CampaignPeriod, Commune, Hamlet, Member, Person, Site, Team
from fieldapp.domain.premiums import RuleBook, default_rules
from fieldapp.errors import InputRefused
from fieldapp.services.team import new_member
from fieldapp.storage import team as team_store
from fieldapp.storage.pin_keys import team_key
from fieldapp.storage.store import Store, delete_meta, put_meta
from fieldapp.storage.writer import Actor, Writer, writing

log = logging.getLogger("fieldapp.demo")


def in_name(place: str) -> str:
    """A unit's name inside a site's name: its kind lower case, its own name as written ("Xã Nam Cường" in
    "Hội trường UBND xã Nam Cường"): the place is a proper name, never lower-cased as a whole."""
    kind, _, own = place.partition(" ")
    return f"{kind.lower()} {own}" if own else place


class DemoBuilder(People, Days):
    def __init__(self, store: Store, options: DemoOptions, rules: RuleBook | None = None) -> None:
        self.store = store
        self.options = options
        self.rules = rules or default_rules()
        self.rng = random.Random(options.seed)
        self.end = options.end_date or vietnam_today()
        self.start = self.end - timedelta(days=max(options.days, 1) - 1)
        self.now = datetime.combine(self.start - timedelta(days=2), time(8, 0), VIETNAM)
        self.ids = IdFactory(clock_ms=lambda: int(self.now.timestamp() * 1000), rng=random.Random(options.seed * 7919))
        self.vocab = _vocabulary()
        self.family = _Weighted(self.vocab["family_names"])
        self.male_middle = _Weighted(self.vocab["male_middle"])
        self.female_middle = _Weighted(self.vocab["female_middle"])
        self.result = DemoResult()
        self.team: Team | None = None
        self.members: list[Member] = []
        self.hamlets: dict[str, list[Hamlet]] = {}
        self.sites: list[Site] = []
        self.campaign: Campaign | None = None
        self.days: list[CampaignPeriod] = []  # the campaign's day periods
        self.visited: list[list[Person]] = []  # households the team will meet, persons kept in memory
        self._taken_ids: set[str] = set()

    def clock(self) -> datetime:
        return self.now

    def _writer_actor(self, member: Member | None) -> Actor:
        return Actor(member.id if member else None, self.store.device_id)

    # --- the whole run ---------------------------------------------------------------------------

    def run(self) -> Iterator[DemoProgress]:
        opts = self.options
        if not (0 <= opts.persons <= MAX_PERSONS and 1 <= opts.days <= MAX_DAYS):
            raise InputRefused("demo.bad_size", max_persons=MAX_PERSONS, max_days=MAX_DAYS)
        self._restart_if_killed()
        marker = f"demo_seed_{opts.seed}"
        if self.store.meta(marker):
            raise InputRefused("demo.already_loaded", seed=opts.seed)
        yield DemoProgress("setup", 0, 1)
        before = self.store.copy_to_backups("before-demo")
        try:
            self._setup(before)
        except BaseException:
            before.unlink(missing_ok=True)
            raise
        yield DemoProgress("setup", 1, 1)
        with self.store.large_cache():
            yield from self._registry()
            yield from self._work()
        leader = next((m for m in self.members if m.role == Role.TEAM_LEADER), self.members[0])
        with self._writing(leader) as w:  # targets are the leader's to set
            # the members' and communes' targets come last, so that the ids of all the rest stay as they were
            units = demo_targets.unit_targets(
                self.ids, self.now, self.campaign, self.days, self.members, self.team.commune_codes
            )
            w.add_all(units)
        with self._writing(self.members[0]) as w:
            w.audit(AuditAction.DEMO_DATA, "demo", None, seed=opts.seed, persons=opts.persons, days=opts.days)
            put_meta(w.conn, marker, self.end.isoformat())
            delete_meta(w.conn, RUNNING)
        before.unlink(missing_ok=True)  # only needed while the run could be killed half way
        yield DemoProgress("done", 1, 1)

    def _restart_if_killed(self) -> None:
        """A run killed half way: take back the copy made before it, so this run starts from there."""
        running = self.store.meta(RUNNING)
        if running is None:
            return
        copy = Path(json.loads(running)["copy"])
        if not copy.is_file():
            raise InputRefused("demo.interrupted_no_copy", path=str(copy))
        safety = self.store.restore(copy)
        copy.unlink(missing_ok=True)
        self.result.restarted_from = str(safety)
        log.warning("a demo-data run had been stopped half way; started again (its data kept in backups/)")

    def run_all(self) -> DemoResult:
        for _ in self.run():
            pass
        return self.result

    def _writing(self, member: Member | None):
        return writing(self.store, self._writer_actor(member), clock=self.clock, ids=self.ids)

    # --- team, campaign, places ------------------------------------------------------------------

    def _province(self, existing: Team | None) -> str:
        if existing is not None:
            return existing.province_code
        code = admin_units.normalise_province_code(self.options.province or DEFAULT_PROVINCE)
        if code is None:
            raise InputRefused("demo.unknown_province", code=self.options.province)
        return code

    def _setup(self, before: Path) -> None:
        existing = team_store.current_team(self.store)
        province = self._province(existing)
        rng = self.rng
        communes = [c for c in admin_units.communes_of(province) if c.kind == "xã"] or admin_units.communes_of(province)
        chosen = sorted(rng.sample(communes, min(TEAM_COMMUNES, len(communes))), key=lambda c: c.code)
        with self._writing(None) as w:
            put_meta(w.conn, RUNNING, json.dumps({"copy": str(before), "seed": self.options.seed}))
            # a team already there (an enrolled laptop) may have other laptops closing its days: a closing is
            # once per collector and day for the whole team, so the demo closes only the days of its own team
            self.closes_days = existing is None
            if existing is None:
                self.team = self._new_team(w, province, chosen)
            else:
                self.team = existing
                chosen = [admin_units.communes()[c] for c in existing.commune_codes] or chosen
            self.members = team_store.members(self.store, self.team.id)
            if not self.members:
                self.members = self._roster(w, str(self.options.seed) if existing is None else self.team.id)
            leader = next((m for m in self.members if m.role == Role.TEAM_LEADER), self.members[0])
            w.actor = self._writer_actor(leader)  # places and the campaign's targets are the leader's to make
            for commune in chosen:
                self._places(w, commune)
            w.add_all(self.sites)
            self._campaign(w, province)
        self.result.team_id = self.team.id
        self.result.leader_id = self.members[0].id

    def _new_team(self, w: Writer, province: str, chosen: list[Commune]) -> Team:
        """The team of a laptop that has none yet, working in the `chosen` communes."""
        province_name = admin_units.provinces()[province].name.removeprefix("Thành phố ")
        team_no = self.rng.randint(1, 9)
        team = Team(
            self.ids(),
            f"Tổ tuyên truyền lưu động số {team_no}",
            province,
            f"Bưu điện tỉnh {province_name}",
            tuple(c.code for c in chosen),
            self.now,
        )
        w.add(team)
        team_store.set_current_team(w.conn, team.id)
        return team

    def _places(self, w: Writer, commune: Commune) -> None:
        """A commune's hamlets (written now) and the team's three sites there (written with the others)."""
        rng = self.rng
        names = rng.sample(self.vocab["hamlets_rural"], rng.randint(5, 9))
        hamlets = [Hamlet(self.ids(), commune.code, n, self.now) for n in sorted(names)]
        w.add_all(hamlets)
        self.hamlets[commune.code] = hamlets
        short = commune.name.removeprefix("Xã ").removeprefix("Phường ")
        self.sites += [
            Site(self.ids(), self.team.id, commune.code, None, f"Chợ {short}", SiteKind.MARKET, self.now),
            Site(
                self.ids(),
                self.team.id,
                commune.code,
                None,
                f"Hội trường UBND {in_name(commune.name)}",
                SiteKind.COMMUNE_HALL,
                self.now,
            ),
            Site(
                self.ids(),
                self.team.id,
                commune.code,
                hamlets[0].id,
                f"Nhà văn hoá {in_name(hamlets[0].name)}",
                SiteKind.CULTURAL_HOUSE,
                self.now,
            ),
        ]

    def _roster(self, w: Writer, tag: str) -> list[Member]:
        """The team's members, its leader first, who then makes the others (docs/sync-api.md, "Roles").

        The demo of a team made here comes from the seed (`tag`); an enrolled team's (`tag` = its id) is the
        team's own: the same ids, names, codes and PINs on every laptop of the team that loads demo data, so
        two laptops that both do before they sync make the same members, which the server takes once, rather
        than a second roster with a second leader that the server would refuse."""
        if tag == str(self.options.seed):
            leader = self._member(w, 0, tag)
            w.actor = self._writer_actor(leader)
            return [leader, *(self._member(w, i, tag) for i in range(1, MEMBERS))]
        saved = self.rng, self.ids, self.now
        seed = int.from_bytes(hashlib.sha256(tag.encode()).digest()[:8], "big")
        self.rng, self.now = random.Random(seed), self.team.created_at
        self.ids = IdFactory(clock_ms=lambda: int(self.now.timestamp() * 1000), rng=random.Random(seed))
        try:
            leader = self._member(w, 0, tag)
            w.actor = self._writer_actor(leader)
            return [leader, *(self._member(w, i, tag) for i in range(1, MEMBERS))]
        finally:
            self.rng, self.ids, self.now = saved

    def _member(self, w: Writer, index: int, tag: str) -> Member:
        sex = Sex.FEMALE if index % 2 == 0 else Sex.MALE
        role = Role.TEAM_LEADER if index == 0 else Role.MEMBER
        salt = hashlib.sha256(f"demo-pin-{tag}-{index}".encode()).digest()[:16]
        number = int(hashlib.sha256(tag.encode()).hexdigest(), 16) if tag != str(self.options.seed) else int(tag)
        member = new_member(
            self.team.id,
            self._name(sex),
            role,
            f"{self.team.province_code}{index + 1:02d}{number % 100:02d}",
            DEMO_PIN,
            pin_key=team_key(w.conn, self.team.id),  # the server's once enrolled, else this laptop's own
            phone=self._phone(),
            ids=self.ids,
            now=self.now,
            salt=salt,
            nonce=hashlib.sha256(f"demo-pin-seal-{tag}-{index}".encode()).digest()[:12],
        )
        return w.add(member)

    def _campaign(self, w: Writer, province: str) -> None:
        self.campaign, self.days = demo_targets.campaign(
            w, self.ids, self.now, self.team, province, self.start, self.end
        )


def load_demo(store: Store, options: DemoOptions) -> DemoResult:
    return DemoBuilder(store, options).run_all()
