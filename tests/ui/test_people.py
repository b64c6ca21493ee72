"""The People screen as a member uses it: add a person by keyboard, scan a card, meet a duplicate."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from tests.ui.test_app import WAIT


@pytest.fixture
def gui(signed_in):
    signed_in.window.show_screen("people")
    return signed_in


def dialog_of(gui):
    return gui.people.forms.dialog


def test_add_a_person_with_the_keyboard(qtbot, gui):
    view = gui.window.views["people"]
    qtbot.waitUntil(lambda: view.model.rowCount() > 0, timeout=WAIT)
    qtbot.keyClick(view, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = dialog_of(gui)
    qtbot.waitUntil(lambda: dialog is not None and dialog.isVisible(), timeout=WAIT)
    dialog.full_name.setText("Lò Thị Mỷ")  # typed through the input method
    qtbot.keyClick(dialog.full_name, Qt.Key.Key_Return)  # Enter goes to the next field, it does not save
    assert dialog.focusWidget() is dialog.birth_date and dialog.isVisible()
    qtbot.keyClicks(dialog.birth_date, "07/03/1990")
    dialog.sex.setCurrentIndex(dialog.sex.findData(dialog.sex.itemData(2)))
    qtbot.keyClicks(dialog.citizen_id, "0xx")  # wrong on purpose
    qtbot.keyClicks(dialog.phone, "0912 000 111")
    dialog.hamlet.setText("Bản Mới")
    qtbot.keyClick(dialog.phone, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert dialog.isVisible()
    assert "12 chữ số" in dialog.errors["citizen_id"].text() or "chữ số" in dialog.errors["citizen_id"].text()
    dialog.citizen_id.setText("")
    qtbot.keyClick(dialog.phone, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT)
    qtbot.waitUntil(lambda: view.panel.heading.text() == "Lò Thị Mỷ", timeout=WAIT)
    assert "Bản Mới" in view.panel.fields["place"].text()
    assert view.panel.fields["phone"].text() == "0912000111"


def test_scanning_a_card_into_the_search_box(qtbot, gui, monkeypatch):
    view = gui.window.views["people"]
    name_hex = "Đinh Văn Tú".encode().hex()
    view.search.setText(f"0133012345|{name_hex}|05/06/1979|1|-|33 - 123|01/01/2026|31/12/2026|01/01/2026|$")
    dialog = None
    qtbot.waitUntil(lambda: (d := dialog_of(gui)) is not None and d.isVisible(), timeout=WAIT)
    dialog = dialog_of(gui)
    assert dialog.full_name.text() == "Đinh Văn Tú"
    assert dialog.birth_date.text() == "05/06/1979"
    assert dialog.si_number.text() == "0133012345"
    assert view.search.text() == ""  # the scan does not stay in the search box
    assert dialog.hi_clinic.text() == "33 - 123"  # the card's registered clinic (field [5]) comes with it
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: view.panel.heading.text() == "Đinh Văn Tú", timeout=WAIT)
    assert "33 - 123" in view.panel.fields["hi"].text()  # shown beside the card's date
    (clinic,) = gui.session.store.query_one("SELECT hi_clinic FROM persons WHERE full_name = 'Đinh Văn Tú'")
    assert clinic == "33 - 123"
    # a damaged scan says so and opens nothing
    view.search.setText("0133012345|zz|05/06/1979|1|-|x|01/01/2026|-|-|$")
    qtbot.waitUntil(lambda: "mã bị hỏng" in view.count.text(), timeout=WAIT)


def test_same_citizen_id_offers_the_existing_record(qtbot, gui, monkeypatch):
    store = gui.session.store
    name, cid = store.query_one("SELECT full_name, citizen_id FROM persons WHERE citizen_id IS NOT NULL LIMIT 1")
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    view = gui.window.views["people"]
    view.new_requested.emit()
    dialog = dialog_of(gui)
    dialog.full_name.setText("Người Khác")
    dialog.citizen_id.setText(cid)
    before = store.query_one("SELECT count(*) FROM persons")[0]
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: view.panel.heading.text() == name, timeout=WAIT)
    assert store.query_one("SELECT count(*) FROM persons")[0] == before


def test_import_a_list_with_a_trial_first(qtbot, gui, tmp_path):
    path = tmp_path / "danh-sach.csv"
    path.write_text(
        "Họ và tên;Ngày sinh;Xã;Thôn\nNguyễn Văn Dũng;01/02/1960;Xuân Trúc;Thôn Đông\nSai 1;;Xuân Trúc;\n",
        encoding="utf-8",
    )
    store = gui.session.store
    before = store.query_one("SELECT count(*) FROM persons")[0]
    gui.people.imports.open(path)
    qtbot.waitUntil(
        lambda: gui.people.imports.dialog is not None and gui.people.imports.dialog.isVisible(), timeout=WAIT
    )
    dialog = gui.people.imports.dialog
    assert dialog.mapping()["full_name"] == 0
    dialog.try_button.click()
    qtbot.waitUntil(lambda: "Thử nhập" in dialog.result.text(), timeout=WAIT)
    assert store.query_one("SELECT count(*) FROM persons")[0] == before
    dialog.import_button.click()
    qtbot.waitUntil(lambda: "Đã nhập 1" in dialog.result.text(), timeout=WAIT)
    assert "1 dòng bị từ chối" in dialog.result.text() and ".csv" in dialog.result.text()
    assert store.query_one("SELECT count(*) FROM persons")[0] == before + 1


def test_a_work_list_printed(qtbot, gui, tmp_path, monkeypatch):
    from PySide6.QtGui import QDesktopServices
    from PySide6.QtWidgets import QFileDialog

    opened = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(tmp_path / "l.pdf"), ""))
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()))
    view = gui.window.views["people"]
    view.lists.setCurrentIndex(view.lists.findData("not_insured"))
    qtbot.waitUntil(lambda: view.model.rowCount() > 0, timeout=WAIT)
    view.print_requested.emit()
    qtbot.waitUntil(lambda: bool(opened), timeout=WAIT)
    assert (tmp_path / "l.pdf").stat().st_size > 5000
    # every person of the list, the last one too (it stopped at 5,000 without a word)
    from pypdf import PdfReader

    from fieldapp.storage import people

    pks = list(view.model.pks())
    last = people.rows(gui.session.store, [pks[-1]])[pks[-1]].full_name
    text = "".join(page.extract_text() for page in PdfReader(tmp_path / "l.pdf").pages)
    assert last in text
    assert text.count("\n") >= len(pks)


def test_a_persons_copy_and_erasure_on_request(qtbot, gui, tmp_path, monkeypatch):
    import json

    view = gui.window.views["people"]
    qtbot.waitUntil(lambda: view.panel.current is not None, timeout=WAIT)
    person = view.panel.current.person
    personal = gui.people.personal
    out = tmp_path / "copy.json"
    personal.export(person, str(out))
    qtbot.waitUntil(out.exists, timeout=WAIT)
    assert json.loads(out.read_text(encoding="utf-8"))["person"][0]["full_name"] == person.full_name
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: warnings.append(a[2]))
    personal.erase(person, typed="Tên Khác")
    assert "không khớp" in warnings[-1]
    personal.erase(person, typed=person.full_name)
    store = gui.session.store
    qtbot.waitUntil(
        lambda: store.query_one("SELECT erased_at FROM persons WHERE id = ?", (person.id,))[0] is not None, timeout=WAIT
    )
    assert store.query_one("SELECT full_name, citizen_id FROM persons WHERE id = ?", (person.id,)) == ("", None)


def test_a_year_alone_in_the_form_and_on_the_panel(qtbot, gui):
    view = gui.window.views["people"]
    view.new_requested.emit()
    dialog = dialog_of(gui)
    qtbot.waitUntil(dialog.isVisible, timeout=WAIT)
    dialog.full_name.setText("Lò Văn Pả")
    qtbot.keyClicks(dialog.birth_date, "1965")
    qtbot.keyClick(dialog.birth_date, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT)
    qtbot.waitUntil(lambda: view.panel.heading.text() == "Lò Văn Pả", timeout=WAIT)
    assert view.panel.fields["born"].text() == "1965"
    assert view.panel.members.data(view.panel.members.index(0, 1)) == "1965"
    qtbot.waitUntil(lambda: view.model.rowCount() > 0, timeout=WAIT)
    row = next(r for r in range(view.model.rowCount()) if view.model.person_id(r) == view.panel.person_id)
    assert "1965" in [view.model.data(view.model.index(row, c)) for c in range(view.model.columnCount())]
    gui.people.forms.edit(view.panel.current.person, view.panel.current.hamlet or "")
    assert dialog_of(gui).birth_date.text() == "1965"  # edited as it was typed
    dialog_of(gui).reject()


def test_everybody_is_listed_in_vietnamese_order(qtbot, gui, tmp_path):
    """By given name in the Vietnamese alphabet: the Đ names after every D name, Ă and Â after A."""
    from fieldapp.domain.text import sort_key

    view = gui.window.views["people"]
    model = view.model
    qtbot.waitUntil(lambda: model.rowCount() > 100 and model.row_at(99) is not None, timeout=WAIT)
    names = [model.row_at(r).full_name for r in range(100)]
    assert names == sorted(names, key=sort_key)
    given = [name.split()[-1] for name in names]
    letters = [sort_key(g).split("\x1f")[0] for g in given]  # tones break ties only after the family name
    assert given[0][0] == "A" and letters == sorted(letters)
    # where the D names end: the first given name in Đ comes after the last in D
    from fieldapp.storage import people

    store = gui.session.store
    pks = list(people.list_pks(store))
    rows = people.rows(store, pks)
    first_dd = next(i for i, pk in enumerate(pks) if rows[pk].full_name.split()[-1].startswith("Đ"))
    assert rows[pks[first_dd - 1]].full_name.split()[-1][0] == "D"
    assert all(not rows[pk].full_name.split()[-1].startswith("D") for pk in pks[first_dd:])
    view.table.scrollTo(model.index(first_dd + 8, 0))
    qtbot.waitUntil(lambda: model.row_at(first_dd) is not None, timeout=WAIT)
    view.grab().save(str(tmp_path / "people-order.png"))


def test_a_long_list_shows_its_pages_and_cancel_stops_it_without_a_file(qtbot, gui, tmp_path, monkeypatch):
    import time

    from PySide6.QtWidgets import QApplication, QFileDialog, QProgressDialog

    from fieldapp.printing import lists

    def slow(path, *args, progress, **kwargs):  # a list of hundreds of pages, page by page
        path.write_bytes(b"%PDF- half made")
        for page in range(1, 1000):
            progress(page, 999)
            time.sleep(0.01)

    monkeypatch.setattr(lists, "list_pdf", slow)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(tmp_path / "l.pdf"), ""))
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: warnings.append(a[2]))
    view = gui.window.views["people"]
    qtbot.waitUntil(lambda: view.model.rowCount() > 0, timeout=WAIT)
    view.print_requested.emit()

    def progress_dialog():
        found = [w for w in QApplication.topLevelWidgets() if isinstance(w, QProgressDialog) and w.isVisible()]
        return found[0] if found else None

    qtbot.waitUntil(lambda: progress_dialog() is not None and progress_dialog().value() > 2, timeout=WAIT)
    assert "999" in progress_dialog().labelText()
    qtbot.keyClick(progress_dialog(), Qt.Key.Key_Escape)  # as the Cancel button does
    qtbot.waitUntil(lambda: gui.tasks.pending == 0, timeout=WAIT)
    assert [p.name for p in tmp_path.iterdir() if p.is_file()] == []  # neither the list nor a half-made one
    assert warnings == []


def test_a_search_with_more_matches_than_listed_says_so_and_places_come_first(qtbot, gui, monkeypatch):
    """'500 người' read as a count though it was the cap; hamlet and commune were off a 1366 px screen."""
    from fieldapp.storage import people

    monkeypatch.setattr(people, "SEARCH_LIMIT", 3)
    view = gui.window.views["people"]
    view.search.setText("nguyen")
    qtbot.waitUntil(lambda: "khớp nhất" in view.count.text(), timeout=WAIT)
    assert view.model.rowCount() == 3 and view.count.text().startswith("3 ")
    view.search.setText("")
    qtbot.waitUntil(lambda: "khớp nhất" not in view.count.text() and view.model.rowCount() > 3, timeout=WAIT)
    headings = [view.model.headerData(i, Qt.Orientation.Horizontal) for i in range(4)]
    assert headings[2:] == ["Thôn, xóm", "Xã, phường"]


def sign_in_as(qtbot, gui, member_id):
    from fieldapp.demo import DEMO_PIN

    gui.lock()
    lock = gui.window.lock_view
    ids = [lock.member_list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(lock.member_list.count())]
    lock.member_list.setCurrentRow(ids.index(member_id))
    qtbot.keyClicks(lock.pin, DEMO_PIN)
    qtbot.keyClick(lock.pin, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: gui.window.top.currentIndex() == 1, timeout=WAIT)


def test_another_member_signs_in_to_an_empty_search(qtbot, gui):
    """The last member's search, its results and the person they had open are not the next member's (issue 18)."""
    view = gui.window.views["people"]
    qtbot.waitUntil(lambda: view.model.rowCount() > 0, timeout=WAIT)
    everybody = view.model.rowCount()
    first, other = gui.session.member, next(m for m in gui.session.members if m.id != gui.session.member.id)
    qtbot.keyClicks(view.search, "nguyen")
    qtbot.waitUntil(lambda: 0 < view.model.rowCount() < everybody, timeout=WAIT)
    sign_in_as(qtbot, gui, first.id)  # the same member again: their search is as they left it
    qtbot.waitUntil(lambda: 0 < view.model.rowCount() < everybody, timeout=WAIT)
    assert view.search.text() == "nguyen"
    view.lists.setCurrentIndex(view.lists.findData("hi_ending"))
    sign_in_as(qtbot, gui, other.id)
    assert gui.window.current_screen() == "people"
    assert view.search.text() == "" and view.lists.currentData() == ""
    qtbot.waitUntil(lambda: view.model.rowCount() == everybody, timeout=WAIT)  # everybody, read again
    qtbot.wait(300)  # longer than the typing pause: no search of the last member comes back
    assert view.search.text() == "" and view.model.rowCount() == everybody
