"""Recording the work: consultations (with their follow-up), outreach events, other results."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from fieldapp.domain.changes import Done
from fieldapp.domain.enums import EventKind, Outcome, OutreachKind, SiteKind, TargetGroup, Topic
from fieldapp.domain.formats import local_day
from fieldapp.domain.models import Consultation, FollowUp, OutreachEvent, OutreachResult, Person, Site
from fieldapp.errors import InputRefused
from fieldapp.services.registry import record_consent
from fieldapp.storage.store import Store
from fieldapp.storage.writer import Actor, Writer, written

NOTE_MAX = 2000


def record_consultation(
    w: Writer,
    *,
    team_id: str,
    person_id: str | None,
    target_group: TargetGroup,
    topics: Sequence[Topic],
    outcome: Outcome,
    event_id: str | None = None,
    site_id: str | None = None,
    follow_up_on: date | None = None,
    refusal_reason: str | None = None,
    note: str = "",
    consent: bool = False,
    at: datetime | None = None,
) -> Consultation:
    """Save one consultation; "will think about it" needs a follow-up date and creates the follow-up."""
    member_id = w.actor.member_id
    if member_id is None:
        raise InputRefused("consultation.no_member")
    if not topics:
        raise InputRefused("consultation.no_topic")
    at = at or w.clock()
    if outcome is Outcome.WILL_THINK:
        if follow_up_on is None:
            raise InputRefused("consultation.follow_up_needed")
        if follow_up_on < local_day(at):
            raise InputRefused("consultation.follow_up_past")
    else:
        follow_up_on = None
    refusal_reason = ((refusal_reason or "").strip() or None) if outcome is Outcome.REFUSED else None
    note = note.strip()
    if len(note) > NOTE_MAX:
        raise InputRefused("consultation.note_too_long", maximum=NOTE_MAX)
    consultation = Consultation(
        id=w.ids(),
        person_id=person_id,
        event_id=event_id,
        site_id=site_id,
        team_id=team_id,
        member_id=member_id,
        at=at,
        day=local_day(at),
        target_group=target_group,
        topics=tuple(dict.fromkeys(topics)),
        outcome=outcome,
        follow_up_on=follow_up_on,
        refusal_reason=refusal_reason,
        note=note,
        consent=consent,
    )
    w.add(consultation)
    if follow_up_on is not None and person_id is not None:
        w.add(FollowUp(w.ids(), person_id, consultation.id, member_id, follow_up_on, "", None, at))
    return consultation


def save_consultation(
    w: Writer,
    *,
    team_id: str,
    person: Person | None,
    walk_in: bool,
    target_group: TargetGroup,
    topics: Sequence[Topic],
    outcome: Outcome,
    site_id: str | None = None,
    follow_up_on: date | None = None,
    refusal_reason: str | None = None,
    note: str = "",
    consent: bool = False,
    results: Sequence[OutreachKind] = (),
) -> Consultation:
    """What the consultation form saves, in the caller's one transaction: the consultation (and its
    follow-up), the other results ticked with it (VssID installed, non-cash pension), and the person's
    consent when the member changed it on the form."""
    person_id = None if (person is None or walk_in) else person.id
    consultation = record_consultation(
        w,
        team_id=team_id,
        person_id=person_id,
        target_group=target_group,
        topics=topics,
        outcome=outcome,
        site_id=site_id,
        follow_up_on=follow_up_on,
        refusal_reason=refusal_reason,
        note=note,
        consent=consent,
    )
    for kind in results:
        record_outreach_result(w, team_id=team_id, kind=kind, person_id=person_id, at=consultation.at)
    if person is not None and person_id and consent != (person.consent_at is not None):
        record_consent(w, person, consent)
    return consultation


def record_event(
    w: Writer,
    *,
    team_id: str,
    kind: EventKind,
    title: str,
    held_on: date,
    attendance: int,
    campaign_id: str | None = None,
    site_id: str | None = None,
    note: str = "",
) -> OutreachEvent:
    if attendance < 0:
        raise InputRefused("event.attendance_negative")
    if not title.strip():
        raise InputRefused("event.title_empty")
    event = OutreachEvent(
        w.ids(),
        team_id,
        campaign_id,
        site_id,
        kind,
        title.strip(),
        held_on,
        attendance,
        w.actor.member_id or "",
        note.strip(),
        w.clock(),
    )
    return w.add(event)


def record_outreach_result(
    w: Writer,
    *,
    team_id: str,
    kind: OutreachKind,
    person_id: str | None = None,
    event_id: str | None = None,
    note: str = "",
    at: datetime | None = None,
) -> OutreachResult:
    at = at or w.clock()
    result = OutreachResult(
        w.ids(), kind, person_id, event_id, team_id, w.actor.member_id or "", at, local_day(at), note.strip()
    )
    return w.add(result)


def add_site(
    w: Writer, *, team_id: str, commune_code: str, name: str, kind: SiteKind, hamlet_id: str | None = None
) -> Site:
    """A place the team works at (a market, a commune hall, a cultural house), kept for the next days."""
    name = " ".join(name.split())
    if not name:
        raise InputRefused("site.name_empty")
    return w.add(Site(w.ids(), team_id, commune_code, hamlet_id, name, kind, w.clock()))


# --- use cases: each its own transaction, for the screens (issue 16) -----------------------------------


def consult(store: Store, actor: Actor, **form: Any) -> Done[Consultation]:
    """What the consultation form saves (`save_consultation`'s arguments), in a transaction of its own."""
    return written(store, actor, lambda w: save_consultation(w, **form))


def hold_event(store: Store, actor: Actor, **form: Any) -> Done[OutreachEvent]:
    """An outreach event with its attendance (`record_event`'s arguments), in a transaction of its own."""
    return written(store, actor, lambda w: record_event(w, **form))
