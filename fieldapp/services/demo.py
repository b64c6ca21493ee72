"""Demo data: a realistic team in a real province, built through the same services as the GUI.

Same seed and same end date, same data: ids come from a seeded UUIDv7 factory on a simulated clock, and
every random choice from one seeded generator. The registry is written in batches (`Writer.add_all`),
the day-by-day work one service call at a time, so the outbox and the audit log fill as in real use.
`DemoBuilder.run()` is a generator that yields progress; the GUI and the CLI show it.
"""

from __future__ import annotations

import bisect
import csv
import hashlib
import itertools
import json
import logging
import random
import tomllib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from fieldapp.domain import admin_units
from fieldapp.domain.clock import today as vietnam_today
from fieldapp.domain.enums import (
    AuditAction,
    EventKind,
    Outcome,
    OutreachKind,
    PaymentMethod,
    Role,
    Sex,
    SiteKind,
    SupportGroup,
    TargetGroup,
    Topic,
    VsiStatus,
)
from fieldapp.domain.formats import VIETNAM
from fieldapp.domain.ids import IdFactory
from fieldapp.domain.models import (
    Campaign,
    CampaignPeriod,
    Hamlet,
    Household,
    Member,
    Person,
    Site,
    Team,
)
from fieldapp.domain.premiums import RuleBook, default_rules
from fieldapp.errors import InputRefused
from fieldapp.paths import resource_path
from fieldapp.services import demo_targets, enrolment, fieldwork
from fieldapp.services.team import new_member, team_key
from fieldapp.storage import team as team_store
from fieldapp.storage.store import Store, delete_meta, put_meta
from fieldapp.storage.work import open_follow_ups
from fieldapp.storage.writer import Actor, Writer, writing

log = logging.getLogger(__name__)

DEMO_PIN = "1234"
DEFAULT_PROVINCE = "33"  # Hưng Yên, the example of cli.md
BATCH = 5_000
TEAM_COMMUNES = 6
MEMBERS = 8
MAX_PERSONS = 2_000_000  # four times the largest store the benchmarks use
MAX_DAYS = 366
# While a run is under way: the copy of the store taken before it. A run killed half way leaves this
# behind; the next run takes that copy back (what the killed run had written is kept in backups/) and
# starts again, so the same seed gives the same data and nothing that was there before is lost.
RUNNING = "demo_running"


@dataclass(frozen=True)
class DemoOptions:
    persons: int = 20_000
    days: int = 30
    seed: int = 1
    province: str | None = None
    end_date: date | None = None  # the last day of demo work; default today


@dataclass
class DemoProgress:
    phase: str  # "setup", "registry", "work", "done"
    done: int
    total: int


@dataclass
class DemoResult:
    team_id: str = ""
    leader_id: str = ""
    counts: dict[str, int] = field(default_factory=dict)
    restarted_from: str | None = None  # a killed run's data, kept in backups/ when this run started again


class _Weighted:
    """Fast weighted choice from (value, weight) pairs with a given Random."""

    def __init__(self, pairs: Sequence[Sequence[Any]]) -> None:
        self.values = [p[0] for p in pairs]
        self.cum = list(itertools.accumulate(float(p[1]) for p in pairs))

    def pick(self, rng: random.Random) -> Any:
        return self.values[bisect.bisect_right(self.cum, rng.random() * self.cum[-1])]


@cache
def _vocabulary() -> dict[str, Any]:
    with resource_path("demo", "names.toml").open("rb") as f:
        return tomllib.load(f)


@cache
def _old_province_codes(new_code: str) -> tuple[str, ...]:
    with resource_path("identifiers", "province_merger_2025.csv").open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            if row["new_code"] == new_code:
                return tuple(row["old_codes"].split())
    return ()


_ADULT_GROUPS = _Weighted(
    [
        (TargetGroup.FARMER, 34),
        (TargetGroup.TRADER, 10),
        (TargetGroup.SELF_EMPLOYED, 10),
        (TargetGroup.CRAFTSMAN, 6),
        (TargetGroup.SMALL_BUSINESS, 5),
        (TargetGroup.COOPERATIVE_WORKER, 3),
        (TargetGroup.RESERVED_SI, 6),
        (TargetGroup.INFORMAL, 16),
        (TargetGroup.OTHER, 10),
    ]
)
_HOUSEHOLD_SIZES = _Weighted([(1, 6), (2, 12), (3, 22), (4, 27), (5, 18), (6, 9), (7, 4), (8, 2)])
_OUTCOMES = _Weighted(
    [(Outcome.ENROLLED, 22), (Outcome.WILL_THINK, 33), (Outcome.REFUSED, 18), (Outcome.ALREADY_INSURED, 27)]
)
_EVENT_KINDS = (EventKind.MARKET_STALL, EventKind.DOOR_TO_DOOR, EventKind.CONFERENCE)


class DemoBuilder:
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
        province_name = admin_units.provinces()[province].name.removeprefix("Thành phố ")
        with self._writing(None) as w:
            put_meta(w.conn, RUNNING, json.dumps({"copy": str(before), "seed": self.options.seed}))
            if existing is None:
                team_no = rng.randint(1, 9)
                self.team = Team(
                    self.ids(),
                    f"Tổ tuyên truyền lưu động số {team_no}",
                    province,
                    f"Bưu điện tỉnh {province_name}",
                    tuple(c.code for c in chosen),
                    self.now,
                )
                w.add(self.team)
                team_store.set_current_team(w.conn, self.team.id)
            else:
                self.team = existing
                chosen = [admin_units.communes()[c] for c in existing.commune_codes] or chosen
            self.members = team_store.members(self.store, self.team.id)
            if not self.members:
                self.members = self._roster(w, str(self.options.seed) if existing is None else self.team.id)
            leader = next((m for m in self.members if m.role == Role.TEAM_LEADER), self.members[0])
            w.actor = self._writer_actor(leader)  # places and the campaign's targets are the leader's to make
            for commune in chosen:
                names = rng.sample(self.vocab["hamlets_rural"], rng.randint(5, 9))
                hamlets = [Hamlet(self.ids(), commune.code, n, self.now) for n in sorted(names)]
                w.add_all(hamlets)
                self.hamlets[commune.code] = hamlets
                short = commune.name.removeprefix("Xã ").removeprefix("Phường ")
                self.sites += [
                    Site(
                        self.ids(),
                        self.team.id,
                        commune.code,
                        None,
                        f"Chợ {short}",
                        SiteKind.MARKET,
                        self.now,
                    ),
                    Site(
                        self.ids(),
                        self.team.id,
                        commune.code,
                        None,
                        f"Hội trường UBND {commune.name.lower()}",
                        SiteKind.COMMUNE_HALL,
                        self.now,
                    ),
                    Site(
                        self.ids(),
                        self.team.id,
                        commune.code,
                        hamlets[0].id,
                        f"Nhà văn hoá {hamlets[0].name.lower()}",
                        SiteKind.CULTURAL_HOUSE,
                        self.now,
                    ),
                ]
            w.add_all(self.sites)
            self._campaign(w, province)
        self.result.team_id = self.team.id
        self.result.leader_id = self.members[0].id

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

    # --- people ----------------------------------------------------------------------------------

    def _name(self, sex: Sex, family: str | None = None) -> str:
        rng = self.rng
        family = family or self.family.pick(rng)
        if sex is Sex.MALE:
            middle, given = self.male_middle.pick(rng), rng.choice(self.vocab["male_given"])
        else:
            middle, given = self.female_middle.pick(rng), rng.choice(self.vocab["female_given"])
        if middle == given:
            middle = "Văn" if sex is Sex.MALE else "Thị"
        return f"{family} {middle} {given}"

    def _phone(self) -> str:
        prefix = self.rng.choice(
            (
                "032",
                "033",
                "034",
                "035",
                "036",
                "037",
                "038",
                "039",
                "086",
                "096",
                "097",
                "098",
                "091",
                "094",
                "088",
                "090",
                "093",
                "089",
                "070",
                "077",
                "083",
                "085",
            )
        )
        return f"{prefix}{self.rng.randrange(10_000_000):07d}"

    def _unique(self, make) -> str:
        for _ in range(50):
            value = make()
            if value not in self._taken_ids:
                self._taken_ids.add(value)
                return value
        raise RuntimeError("identifier space exhausted")

    def _citizen_id(self, birth: date, sex: Sex, province: str) -> str:
        rng = self.rng
        olds = _old_province_codes(province)
        birth_province = (
            rng.choice(olds)
            if olds and rng.random() < 0.85
            else rng.choice(("001", "030", "034", "035", "036", "038", "040", "079"))
        )
        century = (birth.year - 1900) // 100
        marker = century * 2 + (1 if sex is Sex.FEMALE else 0)
        head = f"{birth_province}{marker}{birth.year % 100:02d}"
        return self._unique(lambda: f"{head}{rng.randrange(1_000_000):06d}")

    def _birth(self, age: int) -> date:
        """A birthday that makes the person `age` full years old on the demo's last day."""
        latest = (
            self.end.replace(year=self.end.year - age)
            if (self.end.month, self.end.day) != (2, 29)
            else (date(self.end.year - age, 2, 28))
        )
        return latest - timedelta(days=self.rng.randrange(365))

    def _household_people(self, household: Household, size: int, province: str) -> list[Person]:
        rng = self.rng
        head_age = rng.randint(26, 72)
        head_sex = Sex.MALE if rng.random() < 0.72 else Sex.FEMALE
        head_family = self.family.pick(rng)
        roll = rng.random()
        household_group = (
            TargetGroup.POOR
            if roll < 0.04
            else TargetGroup.NEAR_POOR
            if roll < 0.10
            else TargetGroup.ETHNIC_MINORITY
            if roll < 0.13
            else None
        )
        plan: list[tuple[int, Sex, str | None]] = [(head_age, head_sex, head_family)]
        if size >= 2:
            plan.append(
                (
                    max(18, head_age + rng.randint(-6, 4)),
                    Sex.FEMALE if head_sex is Sex.MALE else Sex.MALE,
                    None,
                )
            )
        elders = 2 if size >= 7 else 1 if size >= 6 else 0
        for _ in range(elders):
            plan.append((min(95, head_age + rng.randint(22, 30)), rng.choice((Sex.MALE, Sex.FEMALE)), None))
        father_family = head_family if head_sex is Sex.MALE else self.family.pick(rng)
        while len(plan) < size:
            age = max(0, head_age - rng.randint(20, 36))
            plan.append((age, rng.choice((Sex.MALE, Sex.FEMALE)), father_family))
        people = []
        for order, (age, sex, family) in enumerate(plan, start=1):
            people.append(self._person(household, order, age, sex, family, household_group, province))
        return people

    def _person(
        self,
        household: Household,
        order: int,
        age: int,
        sex: Sex,
        family: str | None,
        household_group: TargetGroup | None,
        province: str,
    ) -> Person:
        rng = self.rng
        birth = self._birth(age)
        if 6 <= age <= 18 or (age <= 22 and rng.random() < 0.5):
            group = TargetGroup.STUDENT
        elif household_group is not None:
            group = household_group
        elif age > 62:
            group = TargetGroup.OTHER
        else:
            group = _ADULT_GROUPS.pick(rng)
        supported = age < 6 or group in (TargetGroup.POOR, TargetGroup.NEAR_POOR, TargetGroup.STUDENT) or age >= 80
        end_of_year = date(self.end.year, 12, 31)
        if supported:
            hi_valid_to = end_of_year
        elif rng.random() < 0.62:
            hi_valid_to = self.end + timedelta(days=rng.randint(-120, 300))
        else:
            hi_valid_to = None
        vsi_status, vsi_paid_to = VsiStatus.NEVER, None
        if 18 <= age <= 60 and group is not TargetGroup.STUDENT:
            roll = rng.random()
            if roll < 0.07:
                vsi_status = VsiStatus.ACTIVE
                vsi_paid_to = date(self.end.year, rng.randint(self.end.month, 12), 1) + timedelta(days=27)
            elif roll < 0.11:
                vsi_status = VsiStatus.PAUSED
                vsi_paid_to = self.end - timedelta(days=rng.randint(60, 900))
        return Person(
            id=self.ids(),
            full_name=self._name(sex, family),
            birth_date=birth,
            sex=sex,
            citizen_id=self._citizen_id(birth, sex, province) if age >= 14 and rng.random() < 0.93 else None,
            si_number=self._unique(lambda: f"{province}{rng.randrange(100_000_000):08d}")
            if rng.random() < 0.78
            else None,
            phone=self._unique(self._phone) if age >= 16 and rng.random() < 0.85 else None,
            commune_code=household.commune_code,
            hamlet_id=household.hamlet_id,
            household_id=household.id,
            household_order=order,
            target_group=group,
            consent_at=None,
            hi_valid_to=hi_valid_to,
            vsi_status=vsi_status,
            vsi_paid_to=vsi_paid_to,
            created_at=self.now,
            updated_at=self.now,
        )

    def _registry(self) -> Iterator[DemoProgress]:
        total = self.options.persons
        rng = self.rng
        province = self.team.province_code
        places = [(code, hamlet) for code, hamlets in self.hamlets.items() for hamlet in hamlets]
        per_day = self._consultations_per_day()
        want_visited = per_day * self.options.days * 2 + 50
        households_estimate = max(1, total // 4)
        keep_probability = min(1.0, want_visited / households_estimate)
        made = 0
        leader = self.members[0]
        while made < total:
            households: list[Household] = []
            persons: list[Person] = []
            while made < total and len(persons) < BATCH:
                commune_code, hamlet = rng.choice(places)
                household = Household(self.ids(), commune_code, hamlet.id, hamlet.name, self.now, self.now)
                size = min(_HOUSEHOLD_SIZES.pick(rng), total - made)
                people = self._household_people(household, size, province)
                households.append(household)
                persons += people
                made += size
                if rng.random() < keep_probability:
                    self.visited.append(people)
            with self._writing(leader) as w:
                w.add_all(households, action=AuditAction.IMPORT, source="demo")
                w.add_all(persons, action=AuditAction.IMPORT, source="demo")
            yield DemoProgress("registry", made, total)

    # --- the days of work ------------------------------------------------------------------------

    def _consultations_per_day(self) -> int:
        return max(20, min(150, self.options.persons // 300))

    def _work(self) -> Iterator[DemoProgress]:
        days = self.options.days
        if not self.visited:
            yield DemoProgress("work", days, days)
            return
        for index in range(days):
            day = self.start + timedelta(days=index)
            self._close_follow_ups(day)
            self._work_day(day)
            yield DemoProgress("work", index + 1, days)

    def _close_follow_ups(self, day: date) -> None:
        """Most follow-ups are done on their day (a call or a visit); a quarter are still open."""
        due = open_follow_ups(self.store, day)
        if not due:
            return
        self.now = self._at(day, 0)
        with self._writing(self.members[0]) as w:
            for follow_up in due:
                if self.rng.random() < 0.75:
                    done_at = self._at(follow_up.due_on, self.rng.randrange(60, 540))
                    w.update(replace(follow_up, done_at=done_at), ["done_at"])

    def _at(self, day: date, minute: int) -> datetime:
        return datetime.combine(day, time(7, 30), VIETNAM) + timedelta(minutes=minute)

    def _work_day(self, day: date) -> None:
        rng = self.rng
        team_id = self.team.id
        per_day = max(1, int(self._consultations_per_day() * rng.uniform(0.7, 1.2)))
        minutes = sorted(rng.randrange(0, 570) for _ in range(per_day))
        leader = self.members[0]
        self.now = self._at(day, 0)
        with self._writing(leader) as w:
            events = []
            for n in range(rng.choice((1, 1, 2))):
                site = rng.choice(self.sites)
                kind = _EVENT_KINDS[(day.toordinal() + n) % len(_EVENT_KINDS)]
                title = {
                    EventKind.MARKET_STALL: f"Điểm tư vấn tại {site.name.lower()}",
                    EventKind.DOOR_TO_DOOR: "Tư vấn tại nhà theo thôn",
                    EventKind.CONFERENCE: f"Hội nghị tuyên truyền BHXH, BHYT tại {site.name.lower()}",
                }[kind]
                events.append(
                    fieldwork.record_event(
                        w,
                        team_id=team_id,
                        kind=kind,
                        title=title,
                        held_on=day,
                        attendance=rng.randint(25, 140) if kind is EventKind.CONFERENCE else rng.randint(10, 60),
                        campaign_id=self.campaign.id,
                        site_id=site.id,
                    )
                )
        # A day's consultations in one transaction (one fsync, not one per person): each still goes
        # through the service as its member, at its own time, with its outbox and audit rows.
        with self.store.transaction() as conn:
            for minute in minutes:
                member = rng.choice(self.members)
                self.now = self._at(day, minute)
                w = Writer(conn, self._writer_actor(member), clock=self.clock, ids=self.ids)
                self._one_consultation(w, member, rng.choice(events), day)
        self.now = self._at(day, 575)
        with self._writing(leader) as w:
            for _ in range(rng.randint(4, 14)):
                person = rng.choice(rng.choice(self.visited))
                fieldwork.record_outreach_result(
                    w,
                    team_id=team_id,
                    kind=OutreachKind.VSSID_INSTALL,
                    person_id=person.id,
                    event_id=events[0].id,
                )
            for _ in range(rng.randint(0, 3)):
                household = rng.choice(self.visited)
                fieldwork.record_outreach_result(
                    w,
                    team_id=team_id,
                    kind=OutreachKind.NON_CASH_PENSION,
                    person_id=household[0].id,
                    event_id=events[0].id,
                )
            if day.toordinal() % 3 == 0:
                self._donation(w, leader)

    def _one_consultation(self, w: Writer, member: Member, event, day: date) -> None:
        rng = self.rng
        walk_in = rng.random() < 0.08
        household = rng.choice(self.visited)
        person = household[0] if walk_in else rng.choice(household)
        if person.hi_valid_to and person.hi_valid_to > day + timedelta(days=60):
            outcome = rng.choice((Outcome.ALREADY_INSURED, _OUTCOMES.pick(rng)))
        else:
            outcome = _OUTCOMES.pick(rng)
        topics = [Topic.HI] if rng.random() < 0.6 else [Topic.VSI]
        if rng.random() < 0.3:
            topics.append(Topic.VSI if topics[0] is Topic.HI else Topic.HI)
        if person.target_group is TargetGroup.RESERVED_SI:
            topics.append(Topic.RESERVED_SI)
        if rng.random() < 0.15:
            topics.append(Topic.VSSID)
        if walk_in and outcome is Outcome.ENROLLED:
            outcome = Outcome.WILL_THINK
        fieldwork.record_consultation(
            w,
            team_id=self.team.id,
            person_id=None if walk_in else person.id,
            target_group=person.target_group,
            topics=topics,
            outcome=outcome,
            event_id=event.id,
            site_id=event.site_id,
            follow_up_on=day + timedelta(days=rng.randint(2, 14)) if outcome is Outcome.WILL_THINK else None,
            refusal_reason=rng.choice(self.vocab["refusal_reasons"]) if outcome is Outcome.REFUSED else None,
            note=rng.choice(self.vocab["notes"]),
            consent=not walk_in and rng.random() < 0.9,
        )
        if outcome is Outcome.ENROLLED:
            self._enrol(w, member, household, person, event.id, topics[0])

    def _enrol(
        self, w: Writer, member: Member, household: list[Person], person: Person, event_id: str, topic: Topic
    ) -> None:
        rng = self.rng
        method = PaymentMethod.TRANSFER if rng.random() < 0.15 else PaymentMethod.CASH
        reference = f"FT{rng.randrange(10**10):010d}" if method is PaymentMethod.TRANSFER else None
        adults = [
            p for p in household if p.target_group not in (TargetGroup.STUDENT, TargetGroup.POOR, TargetGroup.NEAR_POOR)
        ]
        if topic is Topic.VSI and 18 <= self.end.year - person.birth_date.year <= 60:
            group = {
                TargetGroup.POOR: SupportGroup.POOR,
                TargetGroup.NEAR_POOR: SupportGroup.NEAR_POOR,
                TargetGroup.ETHNIC_MINORITY: SupportGroup.ETHNIC_MINORITY,
            }.get(person.target_group, SupportGroup.OTHER)
            done = enrolment.enrol_vsi(
                w,
                self.rules,
                team_id=self.team.id,
                collector=member,
                person=person,
                income=rng.choice((1_500_000, 1_500_000, 2_000_000, 3_000_000, 5_000_000)),
                months=rng.choice((1, 3, 6, 6, 12, 12, 60)),
                group=group,
                method=method,
                reference=reference,
                event_id=event_id,
            )
            updated = replace(person, vsi_status=VsiStatus.ACTIVE, vsi_paid_to=done.enrolment.end_on)
            household[household.index(person)] = updated
            return
        if not adults:
            return
        members = adults[: rng.randint(1, len(adults))]
        done = enrolment.enrol_household_hi(
            w,
            self.rules,
            team_id=self.team.id,
            collector=member,
            payer=members[0],
            members=members,
            months=rng.choice((3, 6, 12, 12, 12)),
            method=method,
            reference=reference,
            event_id=event_id,
        )
        for p in members:
            household[household.index(p)] = replace(p, hi_valid_to=done.enrolment.end_on)

    def _donation(self, w: Writer, leader: Member) -> None:
        rng = self.rng
        poor = [h for h in self.visited[:500] if h[0].target_group in (TargetGroup.POOR, TargetGroup.NEAR_POOR)]
        household = rng.choice(poor or self.visited)
        person = household[0]
        enrolment.enrol_household_hi(
            w,
            self.rules,
            team_id=self.team.id,
            collector=leader,
            payer=person,
            members=[person],
            months=12,
            donated_by=rng.choice(self.vocab["sponsors"]),
        )


def load_demo(store: Store, options: DemoOptions) -> DemoResult:
    return DemoBuilder(store, options).run_all()
