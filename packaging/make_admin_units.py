"""Regenerate resources/admin_units/*.csv from the vietnam-provinces package (a dev dependency).

The app ships the CSV files and never imports the package: the names and codes are the official list
(Resolution 202/2025/QH15, codes of Decision 19/2025/QĐ-TTg) and are read at start-up in a few ms.
Run: .venv/bin/python packaging/make_admin_units.py
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import vietnam_provinces

OUT = Path(__file__).resolve().parent.parent / "resources" / "admin_units"


def main() -> None:
    data = json.loads(Path(vietnam_provinces.NESTED_DIVISIONS_JSON_PATH).read_text(encoding="utf-8"))
    OUT.mkdir(parents=True, exist_ok=True)
    with (OUT / "provinces.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["code", "name", "kind"])
        for p in sorted(data, key=lambda p: p["code"]):
            w.writerow([f"{p['code']:02d}", p["name"], p["division_type"]])
    with (OUT / "communes.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["code", "province_code", "name", "kind"])
        for p in sorted(data, key=lambda p: p["code"]):
            for c in sorted(p["wards"], key=lambda c: c["code"]):
                w.writerow([f"{c['code']:05d}", f"{p['code']:02d}", c["name"], c["division_type"]])
    (OUT / "VERSION").write_text(f"vietnam-provinces {vietnam_provinces.__version__}\n", encoding="utf-8")


if __name__ == "__main__":
    main()
