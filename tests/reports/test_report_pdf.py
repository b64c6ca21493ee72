"""The tally report's PDF as the office reads it: no page of signatures alone, no table heading alone at a
page's foot, and one way to write a percentage in each language (issue 17, item 10)."""

from __future__ import annotations

import re
from copy import deepcopy
from datetime import date, timedelta

import pytest
from pypdf import PdfReader

from fieldapp.reports.export import compact
from fieldapp.reports.pdf import report_pdf
from fieldapp.reports.tallies import build
from tests.conftest import DEMO_END
from tests.reports.helpers import team_and_people

FIRST = DEMO_END - timedelta(days=3)


@pytest.fixture
def report(demo_store):
    team, _l, _m = team_and_people(demo_store)
    return build(demo_store, FIRST, DEMO_END, [team.id])


def pages(report, path) -> list[str]:
    report_pdf(report, path, date(2026, 7, 15))
    return [" ".join(p.extract_text().split()) for p in PdfReader(path).pages]


def test_signatures_stay_with_the_last_table_and_headings_with_their_rows(report, tmp_path):
    """The last table grown a row at a time moves its end down the page and over it: whatever its length,
    the signatures share their page with rows of the table, and every heading has rows under it."""
    last = report.tables[-1]
    assert len(last.rows) >= 1
    for extra in range(0, 44, 2):
        grown = deepcopy(report)
        grown.tables[-1].rows = last.rows + [list(last.rows[0]) for _ in range(extra)]
        texts = pages(grown, tmp_path / f"r{extra}.pdf")
        signed = next(i for i, t in enumerate(texts) if "TỔ TRƯỞNG" in t)
        before_signs = texts[signed].split("TỔ TRƯỞNG")[0]
        end = " ".join(compact(grown.tables[-1], "vi")[1][-1])  # the table's last row, its total where it has one
        assert end in before_signs, (extra, texts[signed][:300])
        for table in grown.tables:
            _headers, rows, _kinds = compact(table, "vi")
            for text in texts:
                if table.title in text:
                    after = text.split(table.title, 1)[1]
                    assert rows[0][0] in after, (extra, table.title)


def test_the_chart_writes_percentages_as_the_tables_do(report, tmp_path):
    vi = " ".join(pages(report, tmp_path / "vi.pdf"))
    assert re.search(r"\d+,\d %", vi) and not re.search(r"\d+\.\d %", vi)
    english = deepcopy(report)
    english.lang = "en"
    en = " ".join(pages(english, tmp_path / "en.pdf"))
    assert re.search(r"\d+\.\d %", en) and not re.search(r"\d+,\d %", en)
