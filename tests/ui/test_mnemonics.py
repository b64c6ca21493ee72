"""Alt+letter in a dialog goes to one place only, in Vietnamese and in English: a mnemonic (&X) of a label,
button, box or tab never repeats another of the same dialog or one of its fixed Alt shortcuts, and is a
key a laptop's keyboard has (Alt+Ô cannot be typed). Issue 18: Alt+N in the consultation dialog; the
enrolment had two Alt+H and two Alt+T in Vietnamese and two Alt+I in English, the event dialog two Alt+L."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtGui import QShortcut
from PySide6.QtWidgets import QAbstractButton, QApplication, QDialog, QGroupBox, QLabel, QTabBar, QWidget

from fieldapp.domain.enums import PeriodKind, ScopeKind
from fieldapp.storage import people
from fieldapp.storage import team as team_store
from ui.app import install_translators

MNEMONIC = re.compile(r"&(.)")


def mnemonic(text: str) -> str | None:
    found = MNEMONIC.search(text.replace("&&", ""))
    return found.group(1).upper() if found else None


def alt_keys(dialog: QWidget) -> list[tuple[str, str]]:
    """Every Alt+key of the dialog (or a screen), with what it belongs to."""
    texts = [w.text() for w in dialog.findChildren(QAbstractButton)]
    texts += [w.text() for w in dialog.findChildren(QLabel)]
    texts += [w.title() for w in dialog.findChildren(QGroupBox)]
    texts += [bar.tabText(i) for bar in dialog.findChildren(QTabBar) for i in range(bar.count())]
    keys = [(key, text) for text in texts if (key := mnemonic(text))]
    for shortcut in dialog.findChildren(QShortcut):
        sequence = shortcut.key().toString()
        if sequence.startswith("Alt+") and len(sequence) == len("Alt+X"):
            keys.append((sequence[-1].upper(), sequence))
    return keys


def dialogs(store, lang: str) -> dict[str, QDialog]:
    """Every dialog of the app that is made from plain values (the ones the controllers give them)."""
    from fieldapp.services.importer import ImportPlan
    from ui.views.about import AboutDialog, AboutInfo
    from ui.views.closing_dialog import ClosingDialog
    from ui.views.consultation_dialog import ConsultationDialog
    from ui.views.enrol_dialog import EnrolDialog
    from ui.views.event_dialog import EventDialog
    from ui.views.import_dialog import ImportDialog
    from ui.views.merge_dialog import MergeDialog
    from ui.views.person_dialog import PersonDialog
    from ui.views.receipt_dialogs import VerifyDialog, VoidDialog
    from ui.views.targets_dialog import TargetsDialog

    (person_id,) = store.query_one("SELECT id FROM persons WHERE household_id IS NOT NULL LIMIT 1")
    person = people.get(store, person_id)
    household = people.household_members(store, person.household_id)
    team = team_store.current_team(store)
    members = team_store.members(store, team.id)
    sites = [("site", "Chợ Tân Lập")]
    day = date(2026, 7, 1)
    plan = ImportPlan(Path("danh-sach.csv"), "", "utf-8", ["Họ tên"], {"full_name": 0}, [(2, ["An"])], [["An"]])
    units = {ScopeKind.TEAM: [(team.id, team.name)], ScopeKind.MEMBER: [(m.id, m.full_name) for m in members]}
    return {
        "about": AboutDialog(AboutInfo("0.1.0", "10", "/tmp", "33", team.name, "Noto Sans")),
        "closing": ClosingDialog(None, [(m.id, m.full_name, m.code, 2, False) for m in members], lang),
        "consultation": ConsultationDialog(sites, lang, day),
        "enrol": EnrolDialog(person, household, lang),
        "event": EventDialog(sites, lang, day),
        "import": ImportDialog(plan, lang),
        "merge": MergeDialog(),
        "person": PersonDialog([("12345", "Xã Tân Lập")], lang),
        "void": VoidDialog("BI-330101-2026/0000001", members),
        "verify": VerifyDialog(),
        "targets": TargetsDialog(None, [], units, lang, tuple(PeriodKind), day),
    }


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_alt_key_of_a_dialog_is_unique_and_typeable(qtbot, demo_store, lang):
    app = QApplication.instance()
    install_translators(app, lang)
    try:
        made = dialogs(demo_store, lang)
        problems = {}
        for name, dialog in made.items():
            qtbot.addWidget(dialog)
            keys = alt_keys(dialog)
            counts = Counter(key for key, _text in keys)
            clashes = [(key, text) for key, text in keys if counts[key] > 1]
            untypeable = [(key, text) for key, text in keys if not re.fullmatch(r"[A-Z0-9]", key)]
            if clashes or untypeable:
                problems[name] = clashes + untypeable
        assert problems == {}
        assert {key for key, _t in alt_keys(made["consultation"])} >= {"E", "S", "T", "C", "V", "U", "D", "1"}
    finally:
        install_translators(app, "vi")


def problems_of(keys: list[tuple[str, str]]) -> list[tuple[str, str]]:
    counts = Counter(key for key, _text in keys)
    return [(k, t) for k, t in keys if counts[k] > 1 or not re.fullmatch(r"[A-Z0-9]", k)]


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_alt_key_of_a_screen_is_unique_with_the_menu_bar(qtbot, signed_in, lang):
    """The window's screens too: the menu bar's Alt+key and a screen's buttons and labels share the window
    (an Alt+key two widgets share only moves the focus between them, it never presses the button)."""
    from ui.main_window import MainWindow

    app = QApplication.instance()
    install_translators(app, lang)
    try:
        window = MainWindow(signed_in.session.settings, signed_in.window._people_model)
        qtbot.addWidget(window)
        menus = [(key, a.text()) for a in window.menuBar().actions() if (key := mnemonic(a.text()))]
        lock = [(key, window.lock_button.text())] if (key := mnemonic(window.lock_button.text())) else []
        chrome = menus + lock
        pages = window.lock_view.pages  # the passphrase and the PIN are asked on pages of their own
        found = {f"sign-in {i}": problems_of(chrome + alt_keys(pages.widget(i))) for i in range(pages.count())}
        found.update({name: problems_of(chrome + alt_keys(view)) for name, view in window.views.items()})
        clashes = {name: keys for name, keys in found.items() if keys}
        assert clashes == {}, "\n".join(f"{name}: {keys}" for name, keys in clashes.items())
    finally:
        install_translators(app, "vi")


def test_a_clash_is_found(qtbot):
    """The check itself: two labels with &N are seen as a clash."""
    from PySide6.QtWidgets import QLineEdit, QVBoxLayout

    dialog = QDialog()
    qtbot.addWidget(dialog)
    layout = QVBoxLayout(dialog)
    for text in ("&Nơi tư vấn:", "Ghi chú (&N):"):
        label = QLabel(text)
        label.setBuddy(QLineEdit())
        layout.addWidget(label)
    assert [key for key, _t in alt_keys(dialog)] == ["N", "N"]
