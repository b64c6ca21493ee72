"""The demo's days of work: events, consultations and the enrolments they lead to, follow-ups, donations,
and the leader's end of the day: a void now and then, and every day but the last closed."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from typing import Any

from fieldapp.demo.options import DemoOptions, DemoProgress
from fieldapp.demo.people import _Weighted, health_station
from fieldapp.domain.cash import counted, fewest_notes, odd_part_only
from fieldapp.domain.enums import (
    EventKind,
    Outcome,
    OutreachKind,
    PaymentMethod,
    SupportGroup,
    TargetGroup,
    Topic,
    VsiStatus,
)
from fieldapp.domain.formats import VIETNAM
from fieldapp.domain.ids import IdFactory
from fieldapp.domain.models import Campaign, Member, Person, Site, Team
from fieldapp.domain.premiums import RuleBook
from fieldapp.services import closing, enrolment, fieldwork, receipts
from fieldapp.storage.store import Store
from fieldapp.storage.work import open_follow_ups
from fieldapp.storage.writer import Actor, Writer

_OUTCOMES = _Weighted(
    [(Outcome.ENROLLED, 22), (Outcome.WILL_THINK, 33), (Outcome.REFUSED, 18), (Outcome.ALREADY_INSURED, 27)]
)


_EVENT_KINDS = (EventKind.MARKET_STALL, EventKind.DOOR_TO_DOOR, EventKind.CONFERENCE)


class Days:
    """The day-by-day part of `DemoBuilder`: one service call at a time, as each member on the simulated
    clock, so the outbox and the audit log fill as in real use."""

    store: Store
    options: DemoOptions
    rules: RuleBook
    rng: random.Random
    ids: IdFactory
    now: datetime
    start: date
    end: date
    vocab: dict[str, Any]
    team: Team | None
    members: list[Member]
    sites: list[Site]
    campaign: Campaign | None
    closes_days: bool
    visited: list[list[Person]]
    clock: Callable[[], datetime]
    _writer_actor: Callable[[Member | None], Actor]
    _writing: Callable[..., Any]

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
            self._end_of_day(index, day)
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
                    EventKind.MARKET_STALL: f"Điểm tư vấn tại {site.name}",  # a proper name
                    EventKind.DOOR_TO_DOOR: "Tư vấn tại nhà theo thôn",
                    EventKind.CONFERENCE: f"Hội nghị tuyên truyền BHXH, BHYT tại {site.name}",
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

    def _end_of_day(self, index: int, day: date) -> None:
        """As a leader ends a day: now and then a receipt written wrong is voided, on its own day or (a
        correction the next closing names) from a day already closed; every day but the last is closed, each
        collector's cash counted in the fewest notes."""
        leader = self.members[0]
        self.now = self._at(day, 590)
        with self._writing(leader) as w:
            if index % 5 == 1:
                self._void_one(w, leader, day, "Ghi sai số tháng đóng, đã lập biên lai khác")
            if index % 5 == 2:
                self._void_one(w, leader, day - timedelta(days=2), "Người tham gia đề nghị huỷ, đã trả lại tiền")
            if index == self.options.days - 1 or not self.closes_days:
                return
            for collector in self.members:
                cash = closing.open_cash(w.conn, day, collector.id)
                if not cash.receipts and not cash.corrections:
                    continue
                notes = fewest_notes(cash.cash_expected)
                short = counted(notes) - cash.cash_expected
                why = "Phần lẻ dưới 100 đồng" if odd_part_only(short) else "Trả lại tiền theo biên lai huỷ"
                closing.close_in(
                    w,
                    leader,
                    day=day,
                    collector_id=collector.id,
                    team_id=self.team.id,
                    notes=notes,
                    explanation=why if short else "",
                )

    def _void_one(self, w: Writer, leader: Member, day: date, reason: str) -> None:
        """The day's first receipt still valid, voided by the leader."""
        for collector in self.members:
            for receipt in closing.open_cash(w.conn, day, collector.id).valid:
                receipts.void_in(w, receipt.id, reason, leader)
                return

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
        members = [self._registered(w, p) for p in adults[: rng.randint(1, len(adults))]]
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
            at = next(i for i, q in enumerate(household) if q.id == p.id)
            household[at] = replace(p, hi_valid_to=done.enrolment.end_on)

    def _registered(self, w: Writer, person: Person) -> Person:
        """A member buying a first card chooses where they register (nơi KCB ban đầu): the collector types
        it into their record, here their commune's health station."""
        if person.hi_clinic:
            return person
        clinic = health_station(self.team.province_code, person.commune_code)
        return w.update(replace(person, hi_clinic=clinic, updated_at=w.clock()), ["hi_clinic"])

    def _donation(self, w: Writer, leader: Member) -> None:
        rng = self.rng
        poor = [h for h in self.visited[:500] if h[0].target_group in (TargetGroup.POOR, TargetGroup.NEAR_POOR)]
        household = rng.choice(poor or self.visited)
        person = self._registered(w, household[0])
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
