"""Issue 16, item 3: use cases own their transaction. No module of ui/ opens one (`writing(...)`,
`written(...)`, `store.transaction()`) or holds a `Writer`: a screen calls a use case of fieldapp.services,
which checks the role, writes and says what changed."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
TRANSACTIONS = {"writing", "written", "transaction"}
WRITER_NAMES = {"writing", "written", "Writer"}


def offences(path: Path) -> list[str]:
    found = []
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
            if name in TRANSACTIONS:
                found.append(f"{node.lineno}: calls {name}(")
        elif isinstance(node, ast.ImportFrom) and node.module == "fieldapp.storage.writer":
            found += [f"{node.lineno}: imports {a.name}" for a in node.names if a.name in WRITER_NAMES]
    return sorted(found, key=lambda o: int(o.split(":")[0]))


def test_no_module_of_the_gui_opens_a_write_transaction():
    bad = [f"{p.relative_to(ROOT)}:{o}" for p in sorted((ROOT / "ui").rglob("*.py")) for o in offences(p)]
    assert bad == []


def test_the_check_sees_each_way_of_opening_one(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from fieldapp.storage.writer import Actor, writing\n"
        "with writing(store, actor) as w: pass\n"
        "with self.session.store.transaction() as conn: pass\n"
        "writer.written(store, actor, f)\n",
        encoding="utf-8",
    )
    assert offences(sample) == ["1: imports writing", "2: calls writing(", "3: calls transaction(", "4: calls written("]
