"""Look: the bundled Noto Sans (every Vietnamese glyph on every laptop), a font size for older eyes,
and a high-contrast theme for reading in the sun."""

from __future__ import annotations

import logging

from PySide6.QtGui import QColor, QFont, QFontDatabase, QPalette
from PySide6.QtWidgets import QApplication

from fieldapp.paths import resource_path

log = logging.getLogger(__name__)

FONT_FILES = ("NotoSans-Regular.ttf", "NotoSans-Bold.ttf", "NotoSans-Italic.ttf")
BASE_POINT_SIZE = 10.0
_family: str | None = None


def load_fonts() -> str:
    global _family  # noqa: PLW0603 - loaded once per process
    if _family is None:
        families: list[str] = []
        for name in FONT_FILES:
            font_id = QFontDatabase.addApplicationFont(str(resource_path("fonts", name)))
            if font_id < 0:
                log.warning("font %s did not load", name)
                continue
            families += QFontDatabase.applicationFontFamilies(font_id)
        _family = families[0] if families else QApplication.font().family()
    return _family


_NORMAL_CSS = """
QListWidget#nav { font-size: %(nav)spt; }
QListWidget#nav::item { padding: 8px 12px; }
QLabel[role="tile-value"] { font-size: %(tile)spt; font-weight: bold; }
QLabel[role="title"] { font-size: %(title)spt; font-weight: bold; }
QLabel[role="warning"] { background: #fff3e0; color: #3e2723; border: 2px solid #ef6c00; padding: 6px; }
*:focus { outline: 2px solid #1565c0; }
"""

_CONTRAST_CSS = (
    _NORMAL_CSS
    + """
QWidget { background: #000000; color: #ffffff; }
QLineEdit, QComboBox, QSpinBox, QTableView, QListWidget, QPlainTextEdit {
    background: #000000; color: #ffffff; border: 2px solid #ffffff; }
QPushButton { background: #ffff00; color: #000000; border: 2px solid #ffffff; padding: 6px 14px; font-weight: bold; }
QHeaderView::section { background: #222222; color: #ffff00; border: 1px solid #ffffff; font-weight: bold; }
QTableView::item:selected, QListWidget::item:selected { background: #ffff00; color: #000000; }
*:focus { border: 3px solid #00ffff; }
QStatusBar { background: #000000; color: #ffff00; border-top: 2px solid #ffffff; }
QProgressBar { background: #333333; color: #ffffff; border: 2px solid #ffffff; text-align: center; }
QProgressBar::chunk { background: #ffff00; }
QLabel[role="warning"] { background: #000000; color: #ffff00; border: 3px solid #ffff00; padding: 6px; }
QComboBox { padding: 2px 6px; }
QComboBox::drop-down { border-left: 2px solid #ffffff; width: 20px; }
QComboBox::down-arrow { width: 0; height: 0; border-left: 6px solid #000000; border-right: 6px solid #000000;
    border-top: 8px solid #ffffff; }
QComboBox QAbstractItemView { background: #000000; color: #ffffff; border: 2px solid #ffffff;
    selection-background-color: #ffff00; selection-color: #000000; }
"""
)


def apply_font(app: QApplication, font_scale: int) -> float:
    """The bundled font at the chosen size, and the Fusion style (the same look on every OS)."""
    size = BASE_POINT_SIZE * font_scale / 100
    font = QFont(load_fonts())
    font.setPointSizeF(size)
    app.setFont(font)
    app.setStyle("Fusion")
    return size


def apply(app: QApplication, theme: str, font_scale: int) -> None:
    """Font, palette and style sheet. Set the style sheet after the window is built: installing it first
    makes Qt re-style every widget as it is added (85 ms of a 0.5 s start, bench/README.md)."""
    size = apply_font(app, font_scale)
    sizes = {"nav": round(size * 1.15, 1), "tile": round(size * 2.0, 1), "title": round(size * 1.4, 1)}
    if theme == "high_contrast":
        palette = QPalette()
        for role, color in (
            (QPalette.ColorRole.Window, "#000000"),
            (QPalette.ColorRole.WindowText, "#ffffff"),
            (QPalette.ColorRole.Base, "#000000"),
            (QPalette.ColorRole.AlternateBase, "#1a1a1a"),
            (QPalette.ColorRole.Text, "#ffffff"),
            (QPalette.ColorRole.Button, "#ffff00"),
            (QPalette.ColorRole.ButtonText, "#000000"),
            (QPalette.ColorRole.Highlight, "#ffff00"),
            (QPalette.ColorRole.HighlightedText, "#000000"),
        ):
            palette.setColor(role, QColor(color))
        app.setPalette(palette)
        app.setStyleSheet(_CONTRAST_CSS % sizes)
    else:
        app.setPalette(app.style().standardPalette())
        app.setStyleSheet(_NORMAL_CSS % sizes)
