"""consultation_form_next: from Ctrl+Enter on a walk-in's consultation to the form cleared for the next
person, in the real dialog and controller (offscreen Qt, the database work done inline so the whole
round trip is timed: checks, the save with its outbox and audit rows, the reset). Target ≤ 100 ms.
Baseline: the same dialog reset alone, without saving."""

from __future__ import annotations

import os
import time
from pathlib import Path

from common import PASSPHRASE, Row, Target
from stores import DemoStore, copy_data_dir

TARGET_MS = 100.0


def run_form(demo: DemoStore, *, saves: int, tmp: Path) -> list[Row]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["FIELDAPP_PASSPHRASE"] = PASSPHRASE
    from PySide6.QtWidgets import QApplication

    from fieldapp.domain.enums import Outcome, TargetGroup, Topic
    from ui.app import create

    app = QApplication.instance() or QApplication([])
    data_dir = copy_data_dir(demo.data_dir, tmp / "form-data")
    controller = create(app, data_dir, synchronous=True)
    try:
        controller.open_store(PASSPHRASE)
        controller.enter(controller.session.members[0])
        controller.fieldwork.consult(None)
        dialog = controller.fieldwork.dialog
        row = Row("consultation_form_next", "ms", targets=[Target("p95", TARGET_MS)])
        for i in range(saves):
            dialog.topics[Topic.HI].setChecked(True)
            dialog.outcomes[Outcome.REFUSED if i % 2 else Outcome.ALREADY_INSURED].setChecked(True)
            start = time.perf_counter()
            dialog.save_requested.emit()
            app.processEvents()
            assert dialog.outcome() is None, dialog.message.text()
            row.samples.append((time.perf_counter() - start) * 1000)
            start = time.perf_counter()
            dialog.start("", walk_in=True, group=TargetGroup.OTHER, site_id=None, consent=False)
            app.processEvents()
            row.baseline.append((time.perf_counter() - start) * 1000)
        row.note = (
            f"{saves} walk-in consultations saved from the dialog (Qt offscreen, store work inline) until "
            "the form is clear for the next person; baseline: the form's reset alone"
        )
    finally:
        controller.shutdown()
    return [row]
