"""The Sync screen against a real server process (tests/sync's helpers): enrol with the one-time code,
"Sync now" with its progress and Cancel, a conflict two laptops made settled from the Conflicts list, a
revoked laptop told so and background sync off. FIELDAPP_SHOTS=folder also saves the screenshots."""

from __future__ import annotations

import time
from dataclasses import replace

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from fieldapp.domain.models import Person
from fieldapp.i18n import t
from fieldapp.storage.records import spec_for
from fieldapp.storage.writer import writing
from fieldapp.sync import SyncEngine, conflicts, status
from tests.sync.conftest import FAST_RETRY, add_demo, laptops, server  # noqa: F401 (fixtures)
from tests.ui.test_app import WAIT
from tests.ui.test_receipts import shot

PERSON = spec_for(Person)
SYNC_WAIT = 60_000


def fast(controller, **kw) -> None:
    """The app's sync controller with the tests' quick retries (an unreachable server answers fast)."""
    sc = controller.sync
    sc.engine = lambda store: SyncEngine(store, retry=FAST_RETRY, sleep=time.sleep, **kw)
    sc.enrol_kw = {"retry": FAST_RETRY}


@pytest.fixture
def gui(signed_in, server):  # noqa: F811
    server.add_team("Tổ 1")
    fast(signed_in)
    signed_in.window.show_screen("sync")
    return signed_in


def enrol_from_screen(qtbot, gui, url: str, code: str, *, anyway: bool = True) -> None:
    """Type and enrol; the demo store holds its demo team's work, so the warning about it is answered
    "Enrol anyway" (anyway=False leaves it open: tests/ui/test_sync_shortcuts.py)."""
    form = gui.window.views["sync"].enrol_form
    form.url.setText(url)
    form.code.setText(code)
    qtbot.mouseClick(form.button, Qt.MouseButton.LeftButton)
    if anyway:
        answered = lambda: form.button.isEnabled() and gui.sync.net.pending == 0  # noqa: E731
        qtbot.waitUntil(lambda: gui.sync.question is not None or answered(), timeout=SYNC_WAIT)
        if gui.sync.question is not None:
            gui.sync.question.button(QMessageBox.StandardButton.Yes).click()
            gui.window.activateWindow()  # a window manager does this when the box closes; offscreen does not
            qtbot.waitUntil(gui.window.isActiveWindow, timeout=WAIT)


def wait_synced(qtbot, gui) -> None:
    qtbot.waitUntil(lambda: gui.sync.enrolled and not gui.sync.running and gui.tasks.pending == 0
                    and gui.sync.net.pending == 0, timeout=SYNC_WAIT)  # fmt: skip


def sync_now(qtbot, gui):
    results = []
    gui.sync.synced.connect(results.append)
    qtbot.keyClick(gui.window.views["sync"], Qt.Key.Key_F9)
    qtbot.waitUntil(lambda: not gui.sync.running and gui.sync.net.pending == 0, timeout=SYNC_WAIT)
    qtbot.waitUntil(lambda: gui.tasks.pending == 0, timeout=WAIT)
    return results[-1] if results else None


def test_enrol_from_the_sync_screen_then_sync_now_shows_what_came(qtbot, gui, server, laptops):  # noqa: F811
    view = gui.window.views["sync"]
    qtbot.waitUntil(lambda: gui.tasks.pending == 0, timeout=WAIT)
    assert view.pages.currentWidget() is view.enrol_form
    shot(view, "sync-not-enrolled")
    lang = gui.session.lang
    # the wrong code, a bad address, nothing listening: said plainly, nothing enrolled
    enrol_from_screen(qtbot, gui, server.url, "WRONG-CODE")
    qtbot.waitUntil(lambda: view.enrol_form.message.text() == t("sync.code_unknown", lang), timeout=SYNC_WAIT)
    enrol_from_screen(qtbot, gui, "ftp://nowhere", "X")
    qtbot.waitUntil(lambda: view.enrol_form.message.text().startswith(t("sync.bad_url", lang, url="ftp://nowhere")[:20]),
                    timeout=SYNC_WAIT)  # fmt: skip
    code = server.enrol_code("Tổ 1")
    # another laptop of the team has work for this one to pull
    other = laptops("other")
    other.enrol(server, "Tổ 1")
    add_demo(other, persons=30, days=1, seed=7)
    assert other.sync().pushed > 0
    enrol_from_screen(qtbot, gui, server.url, code)
    qtbot.waitUntil(lambda: view.pages.currentWidget() is view.panel, timeout=SYNC_WAIT)
    wait_synced(qtbot, gui)  # enrolling starts the first sync
    st = status(gui.session.store)
    assert st.enrolled and st.last_ok is not None and st.pending == 0
    assert view.panel.server.text() == server.url
    assert view.panel.last.text() != gui.sync.status_text() != ""
    assert "Đồng bộ xong" in view.panel.progress.text()
    # a used code is refused on another laptop
    third = laptops("third")
    from fieldapp.sync import SyncError, enrol

    with pytest.raises(SyncError) as err:
        enrol(third.store, server.url, code, retry=FAST_RETRY)
    assert err.value.code == "sync.code_used"
    # the other laptop's new work comes in on "Sync now" (F9), the count shown
    add_demo(other, persons=10, days=1, seed=8)
    other.sync()
    r = sync_now(qtbot, gui)
    assert r is not None and r.pulled > 0 and not r.cancelled
    assert f"nhận {r.pulled}" in view.panel.progress.text().replace(".", "")
    assert gui.window.online.text().startswith("●")
    assert "Lần đồng bộ" in gui.window.sync_state.text() or gui.window.sync_state.text()
    shot(view, "sync-enrolled")
    shot(gui.window, "sync-window")


def test_cancel_stops_between_batches_and_the_next_sync_goes_on(qtbot, gui, server):  # noqa: F811
    fast(gui, push_batch=5)
    enrol_from_screen(qtbot, gui, server.url, server.enrol_code("Tổ 1"))
    gui.sync.timer.stop()
    qtbot.waitUntil(lambda: gui.sync.running, timeout=SYNC_WAIT)  # the first sync after enrolling
    view = gui.window.views["sync"]
    gui.sync._progress.connect(lambda _p: view.panel.cancel_button.isEnabled() and view.panel.cancel_button.click())
    qtbot.waitUntil(lambda: not gui.sync.running and gui.sync.net.pending == 0, timeout=SYNC_WAIT)
    qtbot.waitUntil(lambda: gui.tasks.pending == 0, timeout=WAIT)
    assert view.panel.progress.text() == t("sync.cancelled", gui.session.lang)
    assert status(gui.session.store).pending > 0
    gui.sync._progress.disconnect()
    gui.sync._progress.connect(gui.sync._show_progress)
    r = sync_now(qtbot, gui)
    assert r is not None and not r.cancelled and r.pending == 0 and r.pushed > 0


def _person(store, pid):
    return PERSON.decode(store.query_one(f"{PERSON.select_sql} WHERE id = ?", (pid,)))


def test_a_conflict_of_two_laptops_is_settled_from_the_list(qtbot, gui, server, laptops):  # noqa: F811
    enrol_from_screen(qtbot, gui, server.url, server.enrol_code("Tổ 1"))
    wait_synced(qtbot, gui)
    gui.sync.timer.stop()
    b = laptops("b")
    b.enrol(server, "Tổ 1")
    b.sync()
    store = gui.session.store
    pid = store.query_one("SELECT id FROM persons WHERE erased_at IS NULL AND merged_into IS NULL ORDER BY id")[0]
    with writing(b.store, b.actor()) as w:
        w.update(replace(_person(b.store, pid), phone="0912000111"), ["phone"])
    b.sync()
    with writing(store, gui.session.actor) as w:
        w.update(replace(_person(store, pid), phone="0988000222", si_number="3312345678"), ["phone", "si_number"])
    r = sync_now(qtbot, gui)
    assert r.conflicts == 1
    cv = gui.window.views["sync"].conflicts
    qtbot.waitUntil(lambda: cv.conflict_list.count() == 1, timeout=WAIT)
    name = _person(store, pid).full_name
    assert name in cv.conflict_list.item(0).text()
    cv.setCurrentIndex(0)
    cv.conflict_list.setCurrentRow(0)
    qtbot.waitUntil(lambda: len(cv.grid.rows) >= 2, timeout=WAIT)
    fields = [f for f, *_ in cv.grid.rows]
    assert "phone" in fields and "si_number" in fields
    assert not cv.keep_button.isEnabled()  # nothing is kept until every field is picked
    assert _person(store, pid).phone == "0988000222"
    # the keyboard: Space picks "mine" on the first row, arrows move to the other version and rows
    rows = {f: (o, th) for f, o, th, _g in cv.grid.rows}
    for f, (ours, theirs) in rows.items():
        ours.setFocus()
        if f == "phone":
            qtbot.keyClick(ours, Qt.Key.Key_Right)
            qtbot.keyClick(theirs, Qt.Key.Key_Space)
        else:
            qtbot.keyClick(ours, Qt.Key.Key_Space)
    assert cv.grid.choices()["phone"] == "theirs" and cv.grid.choices()["si_number"] == "ours"
    qtbot.wait(50)  # the rows' widgets are shown by the event loop
    shot(cv, "sync-conflicts")
    shot(gui.window, "sync-conflicts-window")
    assert cv.keep_button.isEnabled()
    qtbot.mouseClick(cv.keep_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: cv.conflict_list.count() == 0 and gui.tasks.pending == 0, timeout=WAIT)
    assert [c for c in conflicts(store) if c.resolved_at is None] == []
    sync_now(qtbot, gui)
    b.sync()
    for s in (store, b.store):
        got = _person(s, pid)
        assert (got.phone, got.si_number) == ("0912000111", "3312345678")


def test_a_revoked_laptop_is_told_and_background_sync_stops(qtbot, gui, server):  # noqa: F811
    enrol_from_screen(qtbot, gui, server.url, server.enrol_code("Tổ 1"))
    wait_synced(qtbot, gui)
    store = gui.session.store
    before = store.query_one("SELECT count(*) FROM persons")[0]
    server.revoke(store.device_id)
    sync_now(qtbot, gui)
    view = gui.window.views["sync"]
    assert view.panel.message.text() == t("sync.revoked", gui.session.lang)
    assert gui.sync.stopped == "sync.revoked" and not gui.sync.timer.isActive()
    assert gui.window.sync_state.text() == gui.sync.status_text() != ""
    gui.sync._background()  # the timer's slot does nothing now
    assert not gui.sync.running
    assert store.query_one("SELECT count(*) FROM persons")[0] == before


def test_merge_candidates_open_the_merge_dialog_or_are_settled_as_two_people(qtbot, gui, server, monkeypatch):  # noqa: F811
    from PySide6.QtWidgets import QMessageBox

    from fieldapp.sync import merge_candidates
    from ui.views.merge_dialog import MergeDialog

    signed_in = gui
    enrol_from_screen(qtbot, gui, server.url, server.enrol_code("Tổ 1"))
    wait_synced(qtbot, gui)
    store = signed_in.session.store
    ids = [r[0] for r in store.query("SELECT id FROM persons WHERE erased_at IS NULL AND merged_into IS NULL "
                                     "ORDER BY id LIMIT 4")]  # fmt: skip
    with store.transaction() as conn:
        for a, b in ((ids[0], ids[1]), (ids[2], ids[3])):
            conn.execute("INSERT INTO merge_candidates (person_id, other_id, reason, at) VALUES (?, ?, 'citizen_id', "
                         "'2026-01-01T00:00:00Z')", (a, b))  # fmt: skip
    signed_in.window.show_screen("sync")
    signed_in.sync.refresh()
    qtbot.waitUntil(lambda: signed_in.tasks.pending == 0, timeout=WAIT)
    cv = signed_in.window.views["sync"].conflicts
    assert cv.candidate_list.count() == 2
    names = [r[0] for r in store.query("SELECT full_name FROM persons WHERE id IN (?, ?)", (ids[0], ids[1]))]
    assert all(n in cv.candidate_list.item(0).text() for n in names)
    # "Look at them": the merge dialog on the two people, compared side by side
    cv.candidate_list.setCurrentRow(0)
    qtbot.mouseClick(cv.look_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: signed_in.sync.conflicts.merging.b is not None, timeout=WAIT)
    merging = signed_in.sync.conflicts.merging
    dialog = merging.dialog
    assert isinstance(dialog, MergeDialog)
    assert {merging.a.person.id, merging.b.person.id} == {ids[0], ids[1]}
    dialog.reject()
    # "Not the same person": settled, off the list
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    cv.candidate_list.setCurrentRow(1)
    qtbot.mouseClick(cv.not_same_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: cv.candidate_list.count() == 1 and signed_in.tasks.pending == 0, timeout=WAIT)
    assert [(c.person_id, c.other_id) for c in merge_candidates(store)] == [(ids[0], ids[1])]


def test_background_sync_runs_only_signed_in_backs_off_offline_and_asks_to_enrol_again(qtbot, gui, server):  # noqa: F811
    from fieldapp.sync import SyncError
    from ui.controllers.sync import SYNC_INTERVAL_MINUTES

    sc = gui.sync
    enrol_from_screen(qtbot, gui, server.url, server.enrol_code("Tổ 1"))
    wait_synced(qtbot, gui)
    interval = gui.session.settings.get(SYNC_INTERVAL_MINUTES) * 60_000
    assert interval == 5 * 60_000
    assert sc.timer.isActive() and sc.timer.interval() == interval  # the next one in five minutes
    gui.lock()
    assert not sc.timer.isActive()
    sc._background()  # locked: the timer's slot starts nothing
    assert not sc.running
    from tests.ui.test_app import sign_in

    sign_in(qtbot, gui)
    qtbot.waitUntil(lambda: gui.window.top.currentIndex() == 1, timeout=WAIT)
    assert sc.timer.isActive() and sc.timer.interval() < interval  # a sync soon after signing in
    # the server goes away: offline in the status bar, the next try later and later
    server.stop()
    sc._background()
    qtbot.waitUntil(lambda: not sc.running and sc.net.pending == 0 and gui.tasks.pending == 0, timeout=SYNC_WAIT)
    assert sc.online is False and sc.failures == 1
    assert gui.window.online.text().startswith("○")
    assert sc.timer.isActive() and 0.8 * interval <= sc.timer.interval() <= 1.2 * interval
    sc._background()
    qtbot.waitUntil(lambda: not sc.running and sc.net.pending == 0 and gui.tasks.pending == 0, timeout=SYNC_WAIT)
    assert sc.failures == 2 and sc.timer.interval() >= 1.6 * interval
    # back again: online, the schedule as before
    server.start()
    sync_now(qtbot, gui)
    assert sc.online is True and sc.failures == 0 and sc.timer.interval() == interval

    # a token the server does not know (401): background sync off, the enrol form with the reason
    class Unknown:
        def __init__(self, _store) -> None:
            pass

        def sync(self, **_kw):
            raise SyncError("sync.enrol_again")

    sc.engine = Unknown
    sync_now(qtbot, gui)
    view = gui.window.views["sync"]
    assert sc.stopped == "sync.enrol_again" and not sc.timer.isActive()
    qtbot.waitUntil(lambda: view.pages.currentWidget() is view.enrol_form, timeout=WAIT)
    assert view.enrol_form.message.text() == t("sync.enrol_again", gui.session.lang)


def test_a_pulled_receipt_kept_aside_by_a_numbering_clash_is_listed_for_the_leader(qtbot, gui, server, laptops):  # noqa: F811
    """Two laptops that numbered one collector's receipts alike (the series form before device numbers):
    the pulled one is kept aside, not dropped, and the Sync screen lists it with the refused operations."""
    from tests.reports.helpers import team_and_people
    from tests.sync.test_receipt_series import DAY, _forget_device_numbers, _issue

    enrol_from_screen(qtbot, gui, server.url, server.enrol_code("Tổ 1"))
    wait_synced(qtbot, gui)
    gui.sync.timer.stop()
    b = laptops("b")
    b.enrol(server, "Tổ 1")
    add_demo(b, persons=30, days=1, seed=2)
    b.sync()
    sync_now(qtbot, gui)
    _team, _leader, collector = team_and_people(b.store)
    here = type("Laptop", (), {"store": gui.session.store})()
    _forget_device_numbers(here, b)
    _same_counter(f"BI-{collector.code}-{DAY.year}", here, b)
    (mine,) = _issue(here, collector.id, 2)
    (theirs,) = _issue(b, collector.id, 2)
    assert (mine.series, mine.number) == (theirs.series, theirs.number)
    b.sync()
    sync_now(qtbot, gui)
    gui.sync.refresh()
    table = gui.window.views["sync"].conflicts.rejected_table
    label = f"{theirs.series}/{theirs.number:07d}"
    qtbot.waitUntil(
        lambda: any(label in (table.item(r, 3).text() if table.item(r, 3) else "") for r in range(table.rowCount())),
        timeout=WAIT,
    )
    assert gui.session.store.query_one("SELECT count(*) FROM receipts WHERE id = ?", (mine.id,))[0] == 1
    shot(gui.window, "sync-kept-aside")


def _same_counter(series: str, *machines) -> None:
    """Both laptops' counters of the series at the same number, so their next receipts clash whatever either
    holds already (this laptop's demo data may hold old-form receipts of that collector code and year). The
    numbers of receipt books in the same series are not the counter's (storage.receipts.next_number)."""
    from fieldapp.domain.receipt_books import FIRST_NUMBER

    last = 0
    for laptop in machines:
        (counted, held) = laptop.store.query_one(
            "SELECT (SELECT last_number FROM receipt_series WHERE series = ?1), "
            "(SELECT max(number) FROM receipts WHERE series = ?1 AND number < ?2)",
            (series, FIRST_NUMBER),
        )
        last = max(last, counted or 0, held or 0)
    for laptop in machines:
        with laptop.store.transaction() as conn:
            conn.execute(
                "INSERT INTO receipt_series (series, last_number) VALUES (?, ?) "
                "ON CONFLICT (series) DO UPDATE SET last_number = excluded.last_number",
                (series, last),
            )
