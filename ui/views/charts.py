"""Two small charts drawn with QPainter (no QtCharts: PySide6-Addons is a 175 MB wheel for two charts):
bars of % of plan against the 100 % target line, and the cumulative count over the days of a period
against the plan's straight line."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

DONE, OVER, TARGET, GRID = QColor("#1565c0"), QColor("#2e7d32"), QColor("#c62828"), QColor("#bdbdbd")


class PlanBars(QWidget):
    """One bar per indicator: done as % of its target; a dashed red line at 100 %."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[tuple[str, int, int | None]] = []  # label, done, target
        self.no_target = ""
        self.setMinimumHeight(180)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

    def set_rows(self, rows: list[tuple[str, int, int | None]], no_target: str) -> None:
        self.rows, self.no_target = rows, no_target
        self.update()

    def paintEvent(self, _event) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = self.rect().adjusted(6, 6, -6, -6)
        if not self.rows:
            return
        label_w = min(300, rect.width() * 0.42)
        row_h = rect.height() / len(self.rows)
        plot_w = rect.width() - label_w - 70
        scale = plot_w / 150
        fm = p.fontMetrics()
        for i, (text, done, target) in enumerate(self.rows):
            y = rect.top() + i * row_h
            p.setPen(self.palette().text().color())
            p.drawText(QRectF(rect.left(), y, label_w - 6, row_h), Qt.AlignmentFlag.AlignVCenter,
                       fm.elidedText(text, Qt.TextElideMode.ElideRight, int(label_w - 6)))  # fmt: skip
            x0 = rect.left() + label_w
            if not target:
                p.setPen(GRID.darker(160))
                p.drawText(QRectF(x0, y, plot_w, row_h), Qt.AlignmentFlag.AlignVCenter, self.no_target)
                continue
            pct = 100 * done / target
            bar = QRectF(x0, y + row_h * 0.2, min(pct, 150) * scale, row_h * 0.6)
            p.fillRect(bar, OVER if pct >= 100 else DONE)
            p.setPen(self.palette().text().color())
            p.drawText(QRectF(bar.right() + 4, y, 70, row_h), Qt.AlignmentFlag.AlignVCenter, f"{pct:.0f} %")
        x100 = rect.left() + label_w + 100 * scale
        pen = QPen(TARGET, 2, Qt.PenStyle.DashLine)
        p.setPen(pen)
        p.drawLine(QPointF(x100, rect.top()), QPointF(x100, rect.bottom()))


class CumulativeLine(QWidget):
    """The running total of one indicator day by day, and the plan's straight line to its target."""

    def __init__(self) -> None:
        super().__init__()
        self.values: list[int] = []
        self.target: int | None = None
        self.caption = ""
        self.setMinimumHeight(180)

    def set_series(self, caption: str, per_day: list[int], target: int | None) -> None:
        total, running = 0, []
        for v in per_day:
            total += v
            running.append(total)
        self.caption, self.values, self.target = caption, running, target
        self.update()

    def paintEvent(self, _event) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRectF(self.rect().adjusted(40, 22, -10, -20))
        p.setPen(self.palette().text().color())
        p.drawText(QRectF(4, 2, self.width() - 8, 18), Qt.AlignmentFlag.AlignLeft, self.caption)
        if not self.values:
            return
        top = max([*self.values, self.target or 0, 1])
        n = len(self.values)

        def point(i: float, v: float) -> QPointF:
            x = rect.left() + (rect.width() * (i / max(1, n - 1)) if n > 1 else rect.width() / 2)
            return QPointF(x, rect.bottom() - rect.height() * v / top)

        p.setPen(QPen(GRID, 1))
        p.drawLine(rect.bottomLeft(), rect.bottomRight())
        p.drawLine(rect.bottomLeft(), rect.topLeft())
        p.setPen(self.palette().text().color())
        p.drawText(QRectF(0, rect.top() - 8, 38, 16), Qt.AlignmentFlag.AlignRight, f"{top:,}".replace(",", "."))
        if self.target:
            p.setPen(QPen(TARGET, 2, Qt.PenStyle.DashLine))
            p.drawLine(point(0, self.target / n if n > 1 else self.target), point(n - 1, self.target))
        p.setPen(QPen(DONE, 2.5))
        for i in range(1, n):
            p.drawLine(point(i - 1, self.values[i - 1]), point(i, self.values[i]))
        if n == 1:
            p.setBrush(DONE)
            p.drawEllipse(point(0, self.values[0]), 4, 4)
