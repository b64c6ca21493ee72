"""The high-contrast theme for reading in the sun: a bar at 70 % shows its empty part, and the charts draw
in colours that read on black (issue 18, item 14)."""

from __future__ import annotations

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication

from ui import theme
from ui.views.charts import CONTRAST, NORMAL, PlanBars, colours
from ui.views.common import Tile


def test_a_bar_at_70_percent_does_not_look_full(qtbot):
    app = QApplication.instance()
    try:
        theme.apply(app, "high_contrast", 100)
        tile = Tile("Lượt tư vấn")
        qtbot.addWidget(tile)
        tile.resize(300, 120)
        tile.show_value("70", "/ 100", 70)
        tile.show()
        qtbot.waitExposed(tile)
        image = tile.bar.grab().toImage()
        y = image.height() // 2
        done = QColor(image.pixel(int(image.width() * 0.3), y))
        left = QColor(image.pixel(int(image.width() * 0.9), y))
        assert done.name() == "#ffff00"
        assert left.name() != done.name() and left.lightness() < 128  # the track, distinct from the chunk
        bars = PlanBars()
        qtbot.addWidget(bars)
        assert colours(bars) is CONTRAST
    finally:
        theme.apply(app, "light", 100)
    assert colours(PlanBars()) is NORMAL
