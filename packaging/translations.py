"""Keep the Qt translations in step with the code.

  .venv/bin/python packaging/translations.py update   # pyside6-lupdate: new ui/ strings into fieldapp_vi.ts
  .venv/bin/python packaging/translations.py release  # pyside6-lrelease: every resources/translations/*.ts -> .qm

Translate new strings in fieldapp_vi.ts (Qt Linguist, or by hand), then release. The test suite fails
when a string is untranslated or a .qm is older than its .ts.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "resources" / "translations"


def tool(name: str) -> str:
    found = shutil.which(name) or str(Path(sys.executable).parent / name)
    return found


def update() -> None:
    sources = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "ui").rglob("*.py"))
    subprocess.run(
        [
            tool("pyside6-lupdate"),
            *sources,
            "-ts",
            str(TRANSLATIONS / "fieldapp_vi.ts"),
            "-target-language",
            "vi_VN",
            "-no-obsolete",
        ],
        cwd=ROOT,
        check=True,
    )


def release(out_dir: Path = TRANSLATIONS) -> list[Path]:
    made = []
    for ts in sorted(TRANSLATIONS.glob("*.ts")):
        qm = out_dir / ts.with_suffix(".qm").name
        subprocess.run([tool("pyside6-lrelease"), "-silent", str(ts), "-qm", str(qm)], check=True)
        made.append(qm)
    return made


if __name__ == "__main__":
    {"update": update, "release": release}[sys.argv[1]]()
