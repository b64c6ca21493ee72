"""The GUI reads in one sitting (issue 16, item 6): no module of ui/ above 500 lines, no function above 60.

Counted as tests/test_architecture.py counts the command line: a function from its `def` to its last line,
decorators left out. A dialog's layout is built a group at a time (_build_<group>()), a controller that
grows past 500 lines is split by what it does.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MODULE_LINES = 500
FUNCTION_LINES = 60


def test_the_gui_reads_in_one_sitting():
    too_long = []
    for path in sorted((ROOT / "ui").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        rel = path.relative_to(ROOT)
        if (n := len(text.splitlines())) > MODULE_LINES:
            too_long.append(f"{rel}: {n} lines")
        functions = (f for f in ast.walk(ast.parse(text)) if isinstance(f, ast.FunctionDef | ast.AsyncFunctionDef))
        too_long += [
            f"{rel}:{f.lineno} {f.name}: {n} lines"
            for f in functions
            if (n := f.end_lineno - f.lineno + 1) > FUNCTION_LINES
        ]
    assert too_long == []
