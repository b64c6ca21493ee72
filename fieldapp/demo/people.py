"""The demo's people: names, phones and identifiers, households, and the registry written in batches."""

from __future__ import annotations

import bisect
import csv
import itertools
import random
import tomllib
from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any

from fieldapp.demo.options import BATCH, DemoOptions, DemoProgress
from fieldapp.domain.enums import AuditAction, Sex, TargetGroup, VsiStatus
from fieldapp.domain.ids import IdFactory
from fieldapp.domain.models import Hamlet, Household, Member, Person, Team
from fieldapp.paths import resource_path


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


def health_station(province: str, commune_code: str) -> str:
    """The registered clinic of a demo card holder: their commune's health station, made up from the commune's
    code (no random draw, so the rest of the data stays as it was)."""
    return f"{province} - {int(commune_code) % 1000:03d}"


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


class People:
    """The registry part of `DemoBuilder`: every random choice from its one seeded generator, in the order
    the seed's data depends on."""

    options: DemoOptions
    rng: random.Random
    ids: IdFactory
    now: datetime
    end: date
    vocab: dict[str, Any]
    family: _Weighted
    male_middle: _Weighted
    female_middle: _Weighted
    team: Team | None
    members: list[Member]
    hamlets: dict[str, list[Hamlet]]
    visited: list[list[Person]]
    _taken_ids: set[str]
    _writing: Callable[..., Any]
    _consultations_per_day: Callable[[], int]

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
            hi_clinic=health_station(province, household.commune_code) if hi_valid_to else None,
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
