"""The shape house-style.md asks for: a Qt-free core, all SQL in fieldapp/storage, migrations in db/."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SQL = re.compile(r"\b(SELECT\s+[\w*(]|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|CREATE\s+TABLE|PRAGMA\s+\w)", re.I)


def test_core_never_imports_qt_or_the_gui():
    modules = sorted(
        ".".join(p.relative_to(ROOT).with_suffix("").parts)
        for p in (ROOT / "fieldapp").rglob("*.py")
        if p.name != "__main__.py"
    )
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        "bad = sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6', 'ui')))\n"
        "print(','.join(bad))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert done.stdout.strip() == ""


def test_sql_lives_in_storage_only():
    offenders = []
    for path in list((ROOT / "fieldapp").rglob("*.py")) + list((ROOT / "ui").rglob("*.py")):
        rel = path.relative_to(ROOT)
        # the laptop's storage layer, and the server's own (house-style.md: server/ has its own storage)
        if rel.parts[:2] == ("fieldapp", "storage") or rel.parts[:3] in (
            ("fieldapp", "server", "store.py"),
            ("fieldapp", "server", "store_feed.py"),
            ("fieldapp", "server", "store_push.py"),
            ("fieldapp", "server", "store_rules.py"),
            ("fieldapp", "server", "migrations"),
        ):
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if SQL.search(line):
                offenders.append(f"{rel}:{n}: {line.strip()}")
    assert offenders == []


def test_the_layout_is_there():
    for part in (
        "fieldapp/domain",
        "fieldapp/storage",
        "ui/views",
        "ui/models",
        "ui/controllers",
        "resources",
        "db",
        "tests",
        "packaging",
        "bench",
        "README.md",
        "pyproject.toml",
        ".ci/run",
        "dev",
    ):
        assert (ROOT / part).exists(), part


CLI = ROOT / "fieldapp" / "cli"
MODULE_LINES = 500
FUNCTION_LINES = 60


def test_every_module_reads_in_one_sitting():
    """No module of the app above 500 lines, no function above 60 (issue 16, item 6), core, server, command
    line and GUI alike: a dialog is built a group at a time, a controller or a store that grows is split by
    what it does. Counted from a function's `def` to its last line, decorators left out. A declarative table
    (registry.LAPTOP, protocol.records.FIELDS) is a module-level assignment, not a function. The server's
    Alembic migrations, written once and never edited, are not counted."""
    too_long = []
    for path in sorted([*(ROOT / "fieldapp").rglob("*.py"), *(ROOT / "ui").rglob("*.py")]):
        rel = path.relative_to(ROOT)
        if rel.parts[:3] == ("fieldapp", "server", "migrations"):
            continue
        text = path.read_text(encoding="utf-8")
        if (n := len(text.splitlines())) > MODULE_LINES:
            too_long.append(f"{rel}: {n} lines")
        functions = (f for f in ast.walk(ast.parse(text)) if isinstance(f, ast.FunctionDef | ast.AsyncFunctionDef))
        too_long += [
            f"{rel}:{f.lineno} {f.name}: {n} lines"
            for f in functions
            if (n := f.end_lineno - f.lineno + 1) > FUNCTION_LINES
        ]
    assert too_long == []


def test_commands_are_parsed_in_the_cli_package_only():
    """One registry of commands (fieldapp/cli/registry.py): no other module of the app builds a parser."""
    parser = re.compile(r"\b(ArgumentParser\(|add_subparsers\(|add_parser\()")
    offenders = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in list((ROOT / "fieldapp").rglob("*.py")) + list((ROOT / "ui").rglob("*.py"))
        if CLI not in path.parents
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if parser.search(line)
    ]
    assert offenders == []


def test_the_laptops_command_loads_nothing_of_the_server():
    """A laptop's install has no server extra: `fieldapp --help` lists the server's commands without
    importing the server (fieldapp.server, FastAPI, SQLAlchemy …); they load when one of them runs."""
    server = ("fieldapp.server", "fastapi", "starlette", "uvicorn", "sqlalchemy", "alembic", "psycopg", "pydantic")
    code = (
        "import sys\n"
        "from fieldapp.cli import build_parser\n"
        "build_parser('vi')\n"
        f"print(','.join(sorted(m for m in sys.modules if m.startswith({server!r}))))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert done.stdout.strip() == ""


def test_one_clock_for_the_day_in_vietnam():
    """Every "today" is the day in Vietnam (fieldapp.domain.clock.today): `date.today()` and a second
    definition of the time zone gave a quote dated the 7th beside receipts of the 8th (issue 18)."""
    clock = ROOT / "fieldapp" / "domain" / "clock.py"
    offenders = []
    for path in list((ROOT / "fieldapp").rglob("*.py")) + list((ROOT / "ui").rglob("*.py")):
        if path == clock:
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"date\.today\(\)|datetime\.now\(VIETNAM\)|timezone\(timedelta\(hours=7\)", line):
                offenders.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
    assert offenders == []
