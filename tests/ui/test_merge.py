"""Merging two records of the same person from the household panel, by keyboard, never silently."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt

from fieldapp.services import registry
from fieldapp.services.registry import PersonForm
from fieldapp.storage import people
from fieldapp.storage.writer import writing
from tests.ui.test_app import WAIT
from ui.controllers.merge import compare


@pytest.fixture
def gui(signed_in):
    signed_in.window.show_screen("people")
    return signed_in


def add_twin(gui, original, **fields):
    """A second record of the same person, as a member typing in a hurry might have made it."""
    form = PersonForm(
        full_name=original.full_name,
        birth_date=original.birth_date.strftime("%d/%m/%Y"),
        commune_code=original.commune_code,
        **fields,
    )
    clean = registry.check_person(form, today=date(2026, 7, 15))
    with writing(gui.session.store, gui.session.actor) as w:
        return registry.add_person(w, clean, allow_candidates=True)


def original_without_phone(store):
    (person_id,) = store.query_one(
        "SELECT id FROM persons WHERE citizen_id IS NOT NULL AND phone IS NULL AND birth_date IS NOT NULL "
        "AND merged_into IS NULL AND erased_at IS NULL LIMIT 1"
    )
    return people.get(store, person_id)


def open_merge(qtbot, gui, person):
    view = gui.window.views["people"]
    gui.people.open_person(person.id)
    qtbot.waitUntil(lambda: view.panel.person_id == person.id, timeout=WAIT)
    qtbot.keyClick(view, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(
        lambda: gui.people.merging.dialog is not None and gui.people.merging.dialog.isVisible(), timeout=WAIT
    )
    return gui.people.merging.dialog


def choose(qtbot, dialog, person_id):
    """Enter goes from the search box to the results; the arrows pick the row; Enter compares."""
    qtbot.waitUntil(lambda: any(r.id == person_id for r in dialog.results.rows), timeout=WAIT)
    qtbot.keyClick(dialog.search, Qt.Key.Key_Return)
    assert dialog.results_table.hasFocus()
    row = next(i for i, r in enumerate(dialog.results.rows) if r.id == person_id)
    for _ in range(row):
        qtbot.keyClick(dialog.results_table, Qt.Key.Key_Down)
    qtbot.keyClick(dialog.results_table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == 1, timeout=WAIT)


def test_merge_two_records_by_keyboard(qtbot, gui, tmp_path):
    store = gui.session.store
    original = original_without_phone(store)
    twin = add_twin(gui, original, phone="0912 000 999")
    dialog = open_merge(qtbot, gui, original)
    assert dialog.search.text() == original.full_name  # the twins with the same name show up first
    qtbot.waitUntil(lambda: any(r.id == twin.id for r in dialog.results.rows), timeout=WAIT)
    assert all(r.id != original.id for r in dialog.results.rows)  # not itself
    dialog.grab().save(str(tmp_path / "merge-search.png"))
    choose(qtbot, dialog, twin.id)
    # both side by side; A (with the citizen ID) is offered as the one kept, its empty phone filled from B
    assert dialog.keep_a.isChecked()
    merging = gui.people.merging
    fields = {f.caption: f for f in compare(merging.a, merging.b, True, "vi")}
    assert fields["Điện thoại"].b == "0912000999" and fields["Điện thoại"].after == "0912000999"
    assert fields["Điện thoại"].filled and fields["Số CCCD"].after == original.citizen_id
    dialog.grab().save(str(tmp_path / "merge-compare.png"))
    assert store.query_one("SELECT merged_into FROM persons WHERE id = ?", (twin.id,)) == (None,)  # not yet
    qtbot.keyClick(dialog, Qt.Key.Key_Return)  # Enter never merges
    assert dialog.isVisible() and people.get(store, twin.id).merged_into is None
    qtbot.keyClick(dialog, Qt.Key.Key_G, Qt.KeyboardModifier.AltModifier)  # Mer&ge
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT)
    assert people.get(store, twin.id).merged_into == original.id
    assert people.get(store, original.id).phone == "0912000999"
    panel = gui.window.views["people"].panel
    qtbot.waitUntil(
        lambda: panel.person_id == original.id and panel.fields["phone"].text() == "0912000999", timeout=WAIT
    )


def test_keeping_the_other_record_and_going_back(qtbot, gui):
    store = gui.session.store
    original = original_without_phone(store)
    twin = add_twin(gui, original, phone="0912 000 888")
    dialog = open_merge(qtbot, gui, original)
    choose(qtbot, dialog, twin.id)
    qtbot.keyClick(dialog, Qt.Key.Key_B, Qt.KeyboardModifier.AltModifier)  # Keep &B
    qtbot.waitUntil(dialog.keep_b.isChecked, timeout=WAIT)  # a mnemonic clicks after a short animation
    assert not gui.people.merging.keep_a
    dialog.back_button.click()
    assert dialog.pages.currentIndex() == 0
    choose(qtbot, dialog, twin.id)
    dialog.keep_b.setChecked(True)
    dialog.merge_button.click()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT)
    assert people.get(store, original.id).merged_into == twin.id
    kept = people.get(store, twin.id)
    assert kept.citizen_id == original.citizen_id and kept.phone == "0912000888"


def test_two_citizen_ids_cannot_be_merged(qtbot, gui):
    store = gui.session.store
    original = original_without_phone(store)
    other_id = "0" + str(int(original.citizen_id) + 1).zfill(11)[-11:]
    twin = add_twin(gui, original, citizen_id=other_id, sex=original.sex)
    dialog = open_merge(qtbot, gui, original)
    choose(qtbot, dialog, twin.id)
    assert not dialog.merge_button.isEnabled()
    assert "CCCD khác nhau" in dialog.message.text()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible() and people.get(store, twin.id).merged_into is None
