"""Vietnamese first: every GUI string translated, the shipped .qm files built from the current .ts."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TS_FILES = sorted((ROOT / "resources" / "translations").glob("*.ts"))


@pytest.mark.parametrize("ts", TS_FILES, ids=lambda p: p.name)
def test_every_string_is_translated(ts):
    tree = ET.parse(ts)
    missing = [
        (ctx.findtext("name"), m.findtext("source"))
        for ctx in tree.getroot().iter("context")
        for m in ctx.iter("message")
        if m.find("translation").get("type") in ("unfinished", "obsolete", "vanished")
        or not (m.findtext("translation") or "").strip()
    ]
    assert missing == []


@pytest.mark.parametrize("ts", TS_FILES, ids=lambda p: p.name)
def test_qm_is_built_from_the_current_ts(ts, tmp_path):
    import subprocess
    import sys

    sys.path.insert(0, str(ROOT / "packaging"))
    from translations import tool

    out = tmp_path / ts.with_suffix(".qm").name
    subprocess.run([tool("pyside6-lrelease"), "-silent", str(ts), "-qm", str(out)], check=True)
    assert out.read_bytes() == ts.with_suffix(".qm").read_bytes(), "run: python packaging/translations.py release"


def test_source_strings_are_all_in_the_ts(tmp_path):
    """A tr() string added to ui/ but not to fieldapp_vi.ts would show in English."""
    import shutil
    import subprocess
    import sys

    sys.path.insert(0, str(ROOT / "packaging"))
    from translations import tool

    copy = tmp_path / "fieldapp_vi.ts"
    shutil.copy(ROOT / "resources" / "translations" / "fieldapp_vi.ts", copy)
    sources = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "ui").rglob("*.py"))
    subprocess.run(
        [tool("pyside6-lupdate"), *sources, "-ts", str(copy), "-no-obsolete", "-silent"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    test_every_string_is_translated(copy)


def test_no_tr_inside_f_strings():
    """lupdate cannot see a tr() call inside an f-string, so its text would never be translated."""
    import re

    pattern = re.compile(r"""\bf(["']).*?\btr\(""")
    offenders = [
        f"{p.relative_to(ROOT)}:{n}"
        for p in (ROOT / "ui").rglob("*.py")
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert offenders == []


def test_one_word_for_enrolling_a_laptop():
    """A laptop is "đăng ký" with the server everywhere; "ghi danh" in some messages read as another act
    (issue 18, item 13)."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    for path in (root / "resources" / "messages" / "vi.toml", root / "resources" / "translations" / "fieldapp_vi.ts"):
        assert "ghi danh" not in path.read_text(encoding="utf-8").lower(), path
