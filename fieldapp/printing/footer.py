"""What every printout says about the app that made it: "fieldapp <version>", small, in the footer.

One place, so a receipt, a label sheet, a list and a report name the release the same way, and a
printout found in a drawer months later says which version printed it.
"""

from __future__ import annotations

from fieldapp import __version__

VERSION_SIZE = 5.5  # points: readable with a loupe on a label, out of the way on a form


def version_mark() -> str:
    return f"fieldapp {__version__}"


def footer_text(*parts: str) -> str:
    """The footer line: the document's own parts (a scope, a date), then the version, joined by " · "."""
    return " · ".join([p for p in parts if p] + [version_mark()])


def stamp(canvas) -> None:
    """The PDF's creator field says the version too (what a PDF viewer's properties show)."""
    canvas.setCreator(version_mark())


def draw_version(canvas, x: float, y: float, *, font: str, size: float = VERSION_SIZE, right: bool = False) -> None:
    """The version alone at (x, y), where a layout has no footer line of its own (a label)."""
    canvas.saveState()
    canvas.setFont(font, size)
    canvas.setFillGray(0.35)
    (canvas.drawRightString if right else canvas.drawString)(x, y, version_mark())
    canvas.restoreState()
