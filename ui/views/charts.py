"""Two small charts drawn with QPainter (no QtCharts: PySide6-Addons is a 175 MB wheel for two charts):
bars of % of plan against the 100 % target line, and the cumulative count over the days of a period
against the plan's straight line."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QPointF, QRect, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget


@dataclass(frozen=True)
class Colours:
    done: QColor
    over: QColor
    target: QColor
    grid: QColor
    track: QColor
    expected: QColor


NORMAL = Colours(QColor("#1565c0"), QColor("#2e7d32"), QColor("#c62828"), QColor("#bdbdbd"), QColor("#e3e7ee"),
                 QColor("#6a1b9a"))  # fmt: skip
CONTRAST = Colours(QColor("#ffff00"), QColor("#00ff00"), QColor("#ff5555"), QColor("#ffffff"), QColor("#333333"),
                   QColor("#00ffff"))  # fmt: skip


def colours(widget: QWidget) -> Colours:
    """The high-contrast theme's colours where the window is dark (blue on black did not read in the sun)."""
    return CONTRAST if widget.palette().window().color().lightness() < 128 else NORMAL


class PlanBars(QWidget):
    """One bar per indicator: done as % of its target; a dashed red line at 100 %."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[tuple[str, int, int | None]] = []  # label, done, target
        self.no_target = ""
        self.expected_pct: float | None = None  # the plan due by today, as % of the period's target
        self.expected_label = ""
        self.setMinimumHeight(180)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

    def set_rows(
        self,
        rows: list[tuple[str, int, int | None]],
        no_target: str,
        expected_pct: float | None = None,
        expected_label: str = "",
    ) -> None:
        """`expected_pct`: where the plan stands today (a tick on every bar, with `expected_label`), for a
        period still running."""
        self.rows, self.no_target = rows, no_target
        self.expected_pct, self.expected_label = expected_pct, expected_label
        self.setToolTip("\n".join(text for text, _d, _t in rows))
        self.update()

    def label_width(self, width: float) -> float:
        """As wide as the longest indicator's name, so that none is cut, up to half the chart (the bars need
        the rest); a name longer than that is elided, and the tooltip gives them all whole."""
        longest = max((self.fontMetrics().horizontalAdvance(text) for text, _d, _t in self.rows), default=0)
        return min(longest + 12, width * 0.5)

    def paintEvent(self, _event) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        c = colours(self)
        rect = self.rect().adjusted(6, 6, -6, -6)
        if not self.rows:
            return
        fm = p.fontMetrics()
        legend = self.expected_pct is not None and bool(self.expected_label)
        label_w = self.label_width(rect.width())
        row_h = (rect.height() - (fm.height() + 4 if legend else 0)) / len(self.rows)  # the legend has its own line
        plot_w = rect.width() - label_w - 70
        scale = plot_w / 150
        for i, (text, done, target) in enumerate(self.rows):
            y = rect.top() + i * row_h
            p.setPen(self.palette().text().color())
            p.drawText(QRectF(rect.left(), y, label_w - 6, row_h), Qt.AlignmentFlag.AlignVCenter,
                       fm.elidedText(text, Qt.TextElideMode.ElideRight, int(label_w - 6)))  # fmt: skip
            x0 = rect.left() + label_w
            if not target:
                p.setPen(c.grid.darker(160) if c is NORMAL else c.grid)
                p.drawText(QRectF(x0, y, plot_w, row_h), Qt.AlignmentFlag.AlignVCenter, self.no_target)
                continue
            pct = 100 * done / target
            track = QRectF(x0, y + row_h * 0.2, 100 * scale, row_h * 0.6)
            p.fillRect(track, c.track)  # the whole 100 %: 70 % no longer looks like a full bar
            p.setPen(QPen(c.grid, 1))
            p.drawRect(track)
            bar = QRectF(x0, y + row_h * 0.2, min(pct, 150) * scale, row_h * 0.6)
            ahead = pct >= (self.expected_pct if self.expected_pct is not None else 100)
            p.fillRect(bar, c.over if ahead else c.done)
            if self.expected_pct is not None:
                xe = x0 + min(self.expected_pct, 150) * scale
                p.setPen(QPen(c.expected, 3))
                p.drawLine(QPointF(xe, y + row_h * 0.1), QPointF(xe, y + row_h * 0.9))
            p.setPen(self.palette().text().color())
            p.drawText(QRectF(bar.right() + 4, y, 70, row_h), Qt.AlignmentFlag.AlignVCenter, f"{pct:.0f} %")
        x100 = rect.left() + label_w + 100 * scale
        pen = QPen(c.target, 2, Qt.PenStyle.DashLine)
        p.setPen(pen)
        p.drawLine(QPointF(x100, rect.top()), QPointF(x100, rect.top() + row_h * len(self.rows)))
        if legend:
            p.setPen(c.expected)
            p.drawText(QRectF(rect.left() + label_w, rect.bottom() - fm.height(), plot_w + 70, fm.height()),
                       Qt.AlignmentFlag.AlignLeft, f"▎ {self.expected_label}")  # fmt: skip


class CumulativeLine(QWidget):
    """The running total of one indicator day by day up to today (the days to come are not drawn as if
    nothing would happen on them), the plan's straight line to its target, the period's dates and today."""

    def __init__(self) -> None:
        super().__init__()
        self.values: list[int] = []
        self.target: int | None = None
        self.caption = ""
        self.days: list[date] = []
        self.today: date | None = None
        self.today_label = ""
        self.setMinimumHeight(180)

    def set_series(
        self,
        caption: str,
        per_day: list[int],
        target: int | None,
        days: list[date] | None = None,
        today: date | None = None,
        today_label: str = "",
    ) -> None:
        total, running = 0, []
        for v in per_day:
            total += v
            running.append(total)
        self.caption, self.values, self.target = caption, running, target
        self.days, self.today, self.today_label = list(days or []), today, today_label
        self.update()

    def drawn(self) -> int:
        """How many days of the series are drawn: those up to today (all of them without dates)."""
        if not self.days or self.today is None:
            return len(self.values)
        return sum(1 for d in self.days[: len(self.values)] if d <= self.today)

    _CAPTION = Qt.AlignmentFlag.AlignLeft | Qt.TextFlag.TextWordWrap

    def caption_rect(self) -> QRect:
        """Where the caption goes: whole, over as many lines as the chart's width needs (at 1366 px, or at a
        larger font, a fixed 18 px line cut it off)."""
        wrapped = self.fontMetrics().boundingRect(QRect(4, 2, self.width() - 8, 10_000), self._CAPTION, self.caption)
        return QRect(4, 2, self.width() - 8, max(wrapped.height(), self.fontMetrics().height()))

    def paintEvent(self, _event) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        c = colours(self)
        fm = p.fontMetrics()
        caption = self.caption_rect()
        top = max([*self.values, self.target or 0, 1])
        top_text = f"{top:,}".replace(",", ".")
        left = max(40, fm.horizontalAdvance(top_text) + 8)  # the axis' figure is never cut either
        bottom = 20 + (fm.height() if self.days else 0)
        rect = QRectF(self.rect().adjusted(left, caption.bottom() + 4 + fm.height() // 2, -10, -bottom))
        p.setPen(self.palette().text().color())
        p.drawText(caption, self._CAPTION, self.caption)
        if not self.values:
            return
        n = len(self.values)

        def point(i: float, v: float) -> QPointF:
            x = rect.left() + (rect.width() * (i / max(1, n - 1)) if n > 1 else rect.width() / 2)
            return QPointF(x, rect.bottom() - rect.height() * v / top)

        p.setPen(QPen(c.grid, 1))
        p.drawLine(rect.bottomLeft(), rect.bottomRight())
        p.drawLine(rect.bottomLeft(), rect.topLeft())
        p.setPen(self.palette().text().color())
        p.drawText(
            QRectF(0, rect.top() - fm.height() / 2, left - 2, fm.height()), Qt.AlignmentFlag.AlignRight, top_text
        )
        if self.days:  # the period's first and last day under the axis
            below = QRectF(rect.left(), rect.bottom() + 4, rect.width(), fm.height())
            p.drawText(below, Qt.AlignmentFlag.AlignLeft, f"{self.days[0]:%d/%m}")
            p.drawText(below, Qt.AlignmentFlag.AlignRight, f"{self.days[min(n, len(self.days)) - 1]:%d/%m}")
        if self.target:
            p.setPen(QPen(c.target, 2, Qt.PenStyle.DashLine))
            p.drawLine(point(0, self.target / n if n > 1 else self.target), point(n - 1, self.target))
        drawn = self.drawn()
        if 0 < drawn < n:  # today, inside the period
            x = point(drawn - 1, 0).x()
            p.setPen(QPen(c.expected, 1.5, Qt.PenStyle.DotLine))
            p.drawLine(QPointF(x, rect.top()), QPointF(x, rect.bottom()))
            p.setPen(c.expected)
            wide = fm.horizontalAdvance(self.today_label) + 4
            at = x + 3 if x + 3 + wide <= self.width() else x - 3 - wide  # left of the line near the right edge
            p.drawText(QRectF(at, rect.top(), wide, fm.height()), Qt.AlignmentFlag.AlignLeft, self.today_label)
        p.setPen(QPen(c.done, 2.5))
        for i in range(1, drawn):
            p.drawLine(point(i - 1, self.values[i - 1]), point(i, self.values[i]))
        if drawn >= 1:
            p.setBrush(c.done)
            p.drawEllipse(point(drawn - 1, self.values[drawn - 1]), 4, 4)
