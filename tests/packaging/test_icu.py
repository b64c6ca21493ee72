"""packaging/build.py trims Qt's ICU data (libicudata.so.73, 32 MB) to what a Vietnamese/English app uses.

The trim runs here on a copy of the installed PySide6's own libicudata (about 2 s, no PyInstaller build);
Qt then runs against the trimmed library (LD_PRELOAD: the same SONAME, so Qt's libicuuc binds to it) and
must collate, case-map and name time zones in Vietnamese and English exactly as with the full data.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[2]
# by its path: `import build` could find the build/ folder (a namespace package) or pypa's build
_spec = importlib.util.spec_from_file_location("packaging_build_icu", ROOT / "packaging" / "build.py")
assert _spec is not None and _spec.loader is not None
build = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(build)

linux = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the ICU trim is for the Linux bundle")
tools = pytest.mark.skipif(
    any(shutil.which(tool) is None for tool in build.ICU_TOOLS),
    reason="icu-devtools, binutils and gcc are needed (apt-get install icu-devtools binutils gcc)",
)


def _pyside_icudata() -> Path:
    spec = importlib.util.find_spec("PySide6")
    if spec is None or spec.origin is None:
        pytest.skip("PySide6 is not installed")
    found = sorted((Path(spec.origin).parent / "Qt" / "lib").glob("libicudata.so.[0-9]*"))
    if not found:
        pytest.skip("this PySide6 carries no ICU data of its own")
    return found[0]


@pytest.mark.parametrize(
    ("item", "size", "kept"),
    [
        ("root.res", 105_840, True),
        ("res_index.res", 8_560, True),
        ("pool.res", 159_280, True),
        ("vi.res", 40_000, True),
        ("vi_VN.res", 100, True),
        ("en.res", 5_000, True),
        ("en_US_POSIX.res", 100, True),
        ("en_001.res", 100, True),
        ("fr.res", 40_000, False),
        ("zh_Hant_TW.res", 100, False),
        ("ars.res", 100, False),
        ("likelySubtags.res", 268_496, True),
        ("zoneinfo64.res", 151_344, True),
        ("metaZones.res", 50_000, True),
        ("cnvalias.icu", 100_000, True),
        ("unames.icu", 296_000, True),
        ("uts46.nrm", 100_000, True),
        ("coll/root.res", 301_712, True),
        ("coll/ucadata.icu", 570_256, True),
        ("coll/vi.res", 5_000, True),
        ("coll/zh.res", 712_800, False),
        ("coll/de__PHONEBOOK.res", 100, False),
        ("coll/res_index.res", 1_000, True),
        ("zone/vi.res", 50_000, True),
        ("zone/ja.res", 50_000, False),
        ("zone/tzdbNames.res", 5_000, True),
        ("curr/supplementalData.res", 5_000, True),
        ("brkitr/cjdict.dict", 2_007_296, False),
        ("brkitr/thaidict.dict", 126_144, False),
        ("brkitr/line_cj.brk", 60_000, False),
        ("brkitr/word.brk", 30_000, True),
        ("brkitr/root.res", 1_000, True),
        ("translit/root.res", 1_086_544, False),
        ("ibm-5354_P100-1998.cnv", 3_000, True),  # windows-1258, Vietnamese
        ("ibm-5348_P100-1997.cnv", 3_000, True),  # windows-1252
        ("gb18030.cnv", 232_816, False),
        ("euc-tw-2014.cnv", 545_632, False),
    ],
)
def test_what_the_trim_keeps(item: str, size: int, kept: bool) -> None:
    assert build.icu_keep(item, size) is kept


def test_a_res_index_lists_only_the_locales_kept() -> None:
    dumped = 'res_index{\n    AliasLocales{\n        in { "" }\n    }\n    InstalledLocales{\n'
    dumped += '        en { "" }\n        fr { "" }\n        vi { "" }\n    }\n}\n'
    text = build._res_index(dumped, {"coll/en.res", "coll/vi.res", "coll/res_index.res"}, "coll/")
    assert text.startswith("res_index:table(nofallback){")
    assert 'en { "" }' in text and 'vi { "" }' in text
    assert "fr" not in text and "in {" not in text


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200))
def test_bad_data_is_refused_with_an_error_the_build_catches(data: bytes) -> None:
    try:
        items = build.icu_items(data)
    except (struct.error, ValueError, IndexError):
        return
    assert all(isinstance(name, str) for name in items)


def test_a_real_table_of_contents_reads_back() -> None:
    names = [b"icudt73l/root.res\0", b"icudt73l/vi.res\0"]
    header = b"\x10\x00\xda\x27" + b"\x00" * 4 + b"\x00\x00" + b"\x00" * 6  # 16 bytes
    toc_len = 4 + 8 * len(names)
    name_blob = b"".join(names)
    first = toc_len + len(name_blob)
    toc = struct.pack("<I", 2) + struct.pack("<II", toc_len, first)
    toc += struct.pack("<II", toc_len + len(names[0]), first + 7)
    data = header + toc + name_blob + b"R" * 7 + b"V" * 5
    assert build.icu_items(data) == {"root.res": 7, "vi.res": 5}


@linux
def test_without_the_tools_the_full_data_stays_and_the_build_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    library = tmp_path / "bundle" / "_internal" / "PySide6" / "Qt" / "lib" / "libicudata.so.73"
    library.parent.mkdir(parents=True)
    library.write_bytes(b"\x7fELF" + b"\0" * 2_000_000)
    (tmp_path / "empty").mkdir()
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.setenv("FIELDAPP_LANG", "vi")
    said = build.trim_icu(tmp_path / "bundle", tmp_path / "work")
    assert said is not None and "Giữ nguyên toàn bộ dữ liệu ICU" in said and "icupkg" in said
    assert library.read_bytes() == b"\x7fELF" + b"\0" * 2_000_000


@linux
@tools
def test_a_library_that_is_not_icu_data_stays_as_it_was(tmp_path: Path) -> None:
    library = tmp_path / "bundle" / "libicudata.so.73"
    library.parent.mkdir(parents=True)
    library.write_bytes(b"not an ELF file at all")
    said = build.trim_icu(tmp_path / "bundle", tmp_path / "work")
    assert said is not None and ("kept" in said or "Giữ nguyên" in said)
    assert library.read_bytes() == b"not an ELF file at all"


CHECK = r"""
from PySide6.QtCore import QCollator, QLocale, QStringDecoder, QTimeZone, Qt
names = ["Đặng", "An", "Ánh", "Ân", "Bình", "Dũng", "Ưng", "Ơn", "Ô", "Oanh", "Zung", "ăn", "Ăn", "Yến", "Đào", "Dương",
         "Nguyễn", "nguyen", "Ngô", "Ngọc", "Lê", "Lý", "Hồ", "Hoàng", "Huỳnh", "Trần", "Trương", "Phạm", "Phan",
         "Võ", "Vũ"]
for name in ("vi", "vi_VN", "en", "en_US", "fr"):
    print("sort-" + name, sorted(names, key=QCollator(QLocale(name)).sortKey))
c = QCollator(QLocale("vi"))
c.setCaseSensitivity(Qt.CaseInsensitive)
print("compare", c.compare("nguyễn", "NGUYỄN"), c.compare("Đ", "D"), c.compare("Ư", "U"))
print(QLocale("vi").toUpper("nguyễn thị ánh ưng"), QLocale("vi").toLower("ĐẶNG VĂN ƯỚC"))
zone = QTimeZone(b"Asia/Ho_Chi_Minh")
for name in ("vi", "en"):
    print(name, zone.displayName(QTimeZone.StandardTime, QTimeZone.LongName, QLocale(name)))
print([QStringDecoder(e).isValid() for e in ("UTF-8", "windows-1258", "windows-1252", "ISO-8859-1")])
print("ICU", [line.split()[-1] for line in open("/proc/self/maps") if "libicudata" in line][:1])
"""


def _qt_run(env: dict[str, str]) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", CHECK], capture_output=True, text=True, env=env, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


@linux
@tools
def test_qt_on_the_trimmed_data_collates_and_names_as_with_the_full_data(tmp_path: Path) -> None:
    original = _pyside_icudata()
    bundle = tmp_path / "bundle"
    library = bundle / "_internal" / "PySide6" / "Qt" / "lib" / original.name
    library.parent.mkdir(parents=True)
    shutil.copyfile(original, library)
    said = build.trim_icu(bundle, tmp_path / "work")
    assert said is not None and ("trimmed" in said or "chỉ giữ" in said), said
    assert library.stat().st_size < original.stat().st_size / 4
    dynamic = subprocess.run(["readelf", "-d", str(library)], capture_output=True, text=True, check=True).stdout
    assert f"Library soname: [{original.name}]" in dynamic
    symbols = subprocess.run(["readelf", "-Ws", str(library)], capture_output=True, text=True, check=True).stdout
    assert f"icudt{original.name.rsplit('.', 1)[1]}_dat" in symbols

    env = {k: v for k, v in os.environ.items() if k != "LD_PRELOAD"} | {"QT_QPA_PLATFORM": "offscreen"}
    full = _qt_run(env)
    trimmed = _qt_run(env | {"LD_PRELOAD": str(library)})
    assert full[-1] != trimmed[-1] and str(library) in trimmed[-1]  # the trimmed library is the one Qt used
    assert full[:-1] == trimmed[:-1]
    by_name = {line.split(" ", 1)[0].removeprefix("sort-"): line for line in trimmed if line.startswith("sort-")}
    # Vietnamese order: a ă â, d đ, o ô ơ, u ư (the full data's vi collation, not the root order)
    assert by_name["vi"].index("'Dương'") < by_name["vi"].index("'Đào'") < by_name["vi"].index("'Hồ'")
    assert by_name["vi"].index("'Oanh'") < by_name["vi"].index("'Ô'") < by_name["vi"].index("'Ơn'")
    assert by_name["en"].index("'Đào'") < by_name["en"].index("'Dũng'")  # root order: Đ sorts with D
    assert "NGUYỄN THỊ ÁNH ƯNG đặng văn ước" in trimmed
    assert "vi Giờ Đông Dương" in trimmed and "en Indochina Time" in trimmed
    assert "[True, True, True, True]" in trimmed
