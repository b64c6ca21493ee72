"""No dead ends: Enter or a double-click on a row that names a person opens that person on the People
screen, from Today's follow-ups and latest consultations, the Consultations and Enrolments lists, and a
household's members (issue 18, item 11)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from tests.ui.test_app import WAIT


def chosen_person(gui):
    panel = gui.window.views["people"].panel
    return panel.current.person.id if panel.current is not None else None


def open_row(qtbot, table, model, row: int) -> None:
    """The row chosen, then Enter: what the keyboard does (a double-click emits the same `activated`)."""
    table.setFocus()
    table.setCurrentIndex(model.index(row, 0))
    qtbot.keyClick(table, Qt.Key.Key_Return)


def first_with_person(model):
    return next(i for i, r in enumerate(model.rows) if getattr(r, "person_id", None))


@pytest.mark.parametrize("screen", ["consultations", "enrolments"])
def test_a_row_of_a_list_opens_its_person(qtbot, signed_in, screen):
    gui = signed_in
    gui.window.show_screen(screen)
    view = gui.window.views[screen]
    qtbot.waitUntil(lambda: view.model.rowCount() > 0 and any(r.person_id for r in view.model.rows), timeout=WAIT)
    row = first_with_person(view.model)
    wanted = view.model.rows[row].person_id
    open_row(qtbot, view.table, view.model, row)
    assert gui.window.current_screen() == "people"
    qtbot.waitUntil(lambda: chosen_person(gui) == wanted, timeout=WAIT)


def test_a_latest_consultation_on_today_opens_its_person(qtbot, signed_in):
    gui = signed_in
    gui.window.show_screen("today")
    view = gui.window.views["today"]
    from fieldapp.storage import work

    # the demo's days lie before today: its latest consultations stand in for today's
    view.recent_model.set_rows(work.recent_consultations(gui.session.store, limit=20))
    row = first_with_person(view.recent_model)
    wanted = view.recent_model.rows[row].person_id
    open_row(qtbot, view.recent_table, view.recent_model, row)
    assert gui.window.current_screen() == "people"
    qtbot.waitUntil(lambda: chosen_person(gui) == wanted, timeout=WAIT)


def test_a_household_member_opens_in_the_panel(qtbot, signed_in):
    gui = signed_in
    (person_id,) = gui.session.store.query_one(
        "SELECT id FROM persons WHERE household_id IN "
        "(SELECT household_id FROM persons GROUP BY household_id HAVING count(*) > 1) LIMIT 1"
    )
    gui.open_person(person_id)
    panel = gui.window.views["people"].panel
    qtbot.waitUntil(lambda: chosen_person(gui) == person_id and len(panel.members.rows) > 1, timeout=WAIT)
    other = next(r for r in panel.members.rows if r.id != person_id)
    open_row(qtbot, panel.members_table, panel.members, panel.members.rows.index(other))
    qtbot.waitUntil(lambda: chosen_person(gui) == other.id, timeout=WAIT)
