"""Screens learn what changed (issue 16, item 4): every committed write reaches one signal with its change set,
a burst of writes makes one refresh, and the screen in front reloads only if it shows what was written."""

from __future__ import annotations

from fieldapp.domain.changes import Changes
from fieldapp.domain.enums import Outcome, TargetGroup, Topic
from fieldapp.services import fieldwork
from fieldapp.services import receipts as receipt_service
from fieldapp.storage.writer import Actor, writing
from tests.services.helpers import person
from tests.ui.test_app import WAIT
from ui.controllers.refresh import ChangeFeed, shows

CONSULTATION = Changes.of({"consultations": ["c1"]})
VOID = Changes.of({"receipt_voids": ["v1"]})


def test_a_consultation_touches_today_and_not_receipts():
    assert shows("today", CONSULTATION) and shows("consultations", CONSULTATION) and shows("tallies", CONSULTATION)
    assert not shows("receipts", CONSULTATION) and not shows("people", CONSULTATION)
    assert shows("sync", CONSULTATION)  # it waits in the outbox
    assert not shows("sync", Changes()) and not shows("settings", CONSULTATION)


def test_a_void_touches_receipts_and_tallies():
    assert shows("receipts", VOID) and shows("tallies", VOID) and shows("enrolments", VOID)
    assert not shows("people", VOID) and not shows("consultations", VOID)


def test_ten_writes_make_one_refresh(qtbot, store):
    feed = ChangeFeed()
    feed.listen(store)
    heard: list[Changes] = []
    feed.changed.connect(heard.append)
    added = [person(f"Người {i}") for i in range(10)]
    for p in added:
        with writing(store, Actor(None, store.device_id)) as w:
            w.add(p)
    qtbot.waitUntil(lambda: bool(heard), timeout=WAIT)
    qtbot.wait(100)  # nothing more comes
    assert len(heard) == 1
    assert heard[0].ids("persons") == {p.id for p in added}


def counting(obj, name: str) -> list[int]:
    """Count the calls of obj.name (still calling it)."""
    calls: list[int] = []
    original = getattr(obj, name)

    def counted(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    setattr(obj, name, counted)
    return calls


def write_and_wait(qtbot, gui, work) -> None:
    """Run a use case on the database thread as a screen does, and wait for the burst's refresh."""
    done: list[object] = []
    gui.tasks.run(work, done.append)
    qtbot.waitUntil(lambda: bool(done) and not gui.feed._timer.isActive() and gui.tasks.pending == 0, timeout=WAIT)


def consult(gui):
    s = gui.session
    return lambda: fieldwork.consult(
        s.store,
        s.actor,
        team_id=s.team.id,
        person=None,
        walk_in=True,
        target_group=TargetGroup.FARMER,
        topics=[Topic.HI],
        outcome=Outcome.REFUSED,
        refusal_reason="Chưa có tiền",
    )


def test_a_consultation_refreshes_today_and_not_receipts(qtbot, signed_in):
    gui = signed_in
    today = counting(gui.window.views["today"], "show_data")
    receipts = counting(gui.receipts, "refresh")
    gui.window.show_screen("receipts")
    qtbot.waitUntil(lambda: gui.tasks.pending == 0, timeout=WAIT)
    receipts.clear()
    write_and_wait(qtbot, gui, consult(gui))
    assert receipts == []  # in front, but it shows no consultation
    gui.window.show_screen("today")
    qtbot.waitUntil(lambda: gui.tasks.pending == 0, timeout=WAIT)
    today.clear()
    write_and_wait(qtbot, gui, consult(gui))
    assert today == [1]
    assert receipts == []


def test_a_void_refreshes_receipts_and_tallies(qtbot, signed_in):
    gui = signed_in
    s = gui.session
    ids = [r[0] for r in s.store.query("SELECT id FROM receipts ORDER BY number DESC LIMIT 2")]
    refreshed = {"receipts": counting(gui.receipts, "refresh"), "tallies": counting(gui.tallies, "refresh")}
    for screen, receipt_id in zip(("receipts", "tallies"), ids, strict=True):
        gui.window.show_screen(screen)
        qtbot.waitUntil(lambda: gui.tasks.pending == 0, timeout=WAIT)
        refreshed[screen].clear()
        write_and_wait(
            qtbot, gui, lambda r=receipt_id: receipt_service.void(s.store, s.actor, r, "Ghi sai số tiền", s.member)
        )
        assert refreshed[screen] == [1], screen


def test_a_stopped_feed_hears_nothing(qtbot, store):
    feed = ChangeFeed()
    feed.listen(store)
    heard: list[Changes] = []
    feed.changed.connect(heard.append)
    feed.stop()
    with writing(store, Actor(None, store.device_id)) as w:
        w.add(person())
    qtbot.wait(100)
    assert heard == [] and store.on_written == []


def test_a_write_keeps_the_household_shown_and_reads_its_rows_again(qtbot, signed_in):
    """The People list showing a household (a save, a merge, another screen opened it) stays on it: its rows
    are read again in place, no reset that would blank them and lose the selection."""
    from fieldapp.services import registry
    from fieldapp.storage import people

    gui = signed_in
    s = gui.session
    view = gui.window.views["people"]
    gui.window.show_screen("people")
    (pid,) = s.store.query_one("SELECT id FROM persons WHERE household_order = 1 AND consent_at IS NULL LIMIT 1")
    gui.people.open_person(pid)
    qtbot.waitUntil(lambda: gui.tasks.pending == 0 and view.panel.person_id == pid, timeout=WAIT)
    shown = view.model.pks()
    resets: list[int] = []
    view.model.modelReset.connect(lambda: resets.append(1))
    write_and_wait(qtbot, gui, lambda: registry.change_consent(s.store, s.actor, people.get(s.store, pid), True))
    assert resets == []
    assert view.model.pks() == shown
    qtbot.waitUntil(lambda: view.panel.current.person.consent_at is not None, timeout=WAIT)
