"""Reading the spreadsheets communes send: CSV in any of the encodings Vietnamese offices use, or XLSX.

CSV: a byte-order mark decides (UTF-8, UTF-16); without one, strict UTF-8, then Windows-1258 (whose
tone marks are combining characters, so text is NFC-normalised after decoding). The delimiter is sniffed
among comma, semicolon and tab. XLSX is read with openpyxl in read-only mode; numbers that Excel made of
identifiers come back as text without ".0". The header row is found among the first rows by the column
names it holds, and a header cell left empty under a merged cell takes the name above it.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from fieldapp.domain.text import fold
from fieldapp.errors import InputRefused

MAX_BYTES = 100 * 1024 * 1024
HEADER_SCAN_ROWS = 10


@dataclass
class RawTable:
    encoding: str  # "xlsx", or the text encoding found
    rows: list[list[str]]  # every row as text, header rows included


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y")
    return unicodedata.normalize("NFC", str(value)).strip()


def _decode(data: bytes) -> tuple[str, str]:
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(encoding), encoding
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if data[:200].count(b"\x00") > 20:  # UTF-16 without its mark
        try:
            return data.decode("utf-16-le"), "utf-16-le"
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("cp1258"), "cp1258"
    except UnicodeDecodeError:  # bytes Windows-1258 does not define: not text at all
        return "", "binary"


def _looks_binary(text: str) -> bool:
    sample = text[:4096]
    controls = sum(1 for ch in sample if unicodedata.category(ch) == "Cc" and ch not in "\r\n\t")
    return controls > len(sample) // 50


def read_table(path: Path) -> RawTable:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputRefused("import.unreadable", path=str(path)) from exc
    if size == 0:
        raise InputRefused("import.empty", path=str(path))
    if size > MAX_BYTES:
        raise InputRefused("import.too_big", path=str(path), maximum=MAX_BYTES // (1024 * 1024))
    with path.open("rb") as f:
        head = f.read(8)
    if head.startswith(b"PK\x03\x04"):
        return _read_xlsx(path)
    data = path.read_bytes()
    text, encoding = _decode(data)
    text = unicodedata.normalize("NFC", text)
    if encoding == "binary" or _looks_binary(text):
        raise InputRefused("import.not_a_table", path=str(path))
    delimiter = _delimiter(text)
    try:
        rows = [[c.strip() for c in row] for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    except csv.Error as exc:
        raise InputRefused("import.not_a_table", path=str(path)) from exc
    return RawTable(encoding, rows)


def _delimiter(text: str) -> str:
    """Comma, semicolon or tab: the one found on most of the first lines (a title line has none)."""
    lines = [line for line in text[:20_000].splitlines() if line.strip()][:30]

    def weight(d: str) -> tuple[int, int]:
        return sum(1 for line in lines if d in line), sum(line.count(d) for line in lines)

    return max((",", ";", "\t"), key=weight)


def _read_xlsx(path: Path) -> RawTable:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    with path.open("rb") as f:  # a file object: an .xlsx saved under another name still opens
        try:
            workbook = load_workbook(f, read_only=True, data_only=True)
            try:
                sheet = workbook.worksheets[0]
                rows = [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
            finally:
                workbook.close()
        except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, IndexError, OSError) as exc:
            raise InputRefused("import.not_a_table", path=str(path)) from exc
    return RawTable("xlsx", rows)


def split_header(rows: list[list[str]], score) -> tuple[list[str], int]:
    """The header (one name per column) and the index of the first data row.

    `score(row)` counts the cells that name a known column; the best of the first rows is the header.
    Offices often write a two-row header with merged cells ("Giấy tờ" over "Số CCCD | Số điện thoại"):
    a cell of the row below that names a known column replaces an unknown one above it (and the data
    starts after both rows), and an empty header cell takes the name written above it.
    """
    best, best_score = 0, -1
    for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        value = score(row)
        if value > best_score:
            best, best_score = i, value
    if best_score <= 0:
        raise InputRefused("import.no_header")
    header = list(rows[best])
    start = best + 1

    def known(cell: str) -> bool:
        return bool(cell) and score([cell]) > 0

    below = rows[best + 1] if best + 1 < len(rows) else []
    below_known = [i for i, cell in enumerate(below) if known(cell)]
    if below_known and not any(i < len(header) and known(header[i]) for i in below_known):
        header += [""] * (len(below) - len(header))
        header = [below[i] if i < len(below) and known(below[i]) else h for i, h in enumerate(header)]
        start = best + 2
    if best > 0:
        above = rows[best - 1]
        header = [h or (above[i] if i < len(above) else "") for i, h in enumerate(header)]
    return header, start


def data_rows(rows: list[list[str]], start: int) -> Iterator[tuple[int, list[str]]]:
    """(1-based row number in the file, cells), skipping rows with nothing in them, up to the list's foot
    (`foot`): a total line and the signature blocks under a commune's list are not people."""
    for index in range(start, foot(rows, start)):
        row = rows[index]
        if any(cell.strip() for cell in row):
            yield index + 1, row


# What starts a list's foot, read without tones and in lower case (text.fold): its total line ("Tổng cộng:
# 120 người", "Cộng"), the place and day of signing ("Xuân Trúc, ngày 05 tháng 12 năm 2026"), and the
# signers' titles ("Người lập biểu", "Trưởng thôn", "(Ký, ghi rõ họ tên)").
_TOTAL = re.compile(r"^(tong cong|tong so|cong|total)\s*(:|$|\d)")
_SIGNING = re.compile(
    r"\bngay\W*\d*\W*thang\W*\d*\W*nam\b"
    r"|\b(ky,? ghi ro ho ten|ky ten|ky va ghi ro|nguoi lap( bieu| danh sach)?|truong thon|truong ban|chu tich"
    r"|xac nhan cua|can bo thu|thu truong don vi|dai dien)\b"
)


def foot(rows: list[list[str]], start: int) -> int:
    """The index of the first row of the list's foot (len(rows) when it has none): after at least one row
    of data, a total line (its first written cells say so, and it holds at most three: a person's row holds
    more than a name, so "Tống Công" is read as a person) or a row that names a signature. Everything from
    there on is the foot: the signers' own names under their titles would otherwise read as people."""
    seen_data = False
    for index in range(start, len(rows)):
        written = [c for c in rows[index] if c and not c.isspace()]
        if not written:
            continue
        if seen_data:
            first = [fold(c.strip()) for c in written[:2]]  # only these are read: a list's rows are many
            total = len(written) <= 3 and any(_TOTAL.search(c) for c in first)
            if total or any(_SIGNING.search(c) for c in first):
                return index
        seen_data = True
    return len(rows)
