"""Work lists on the demo registry, and the printed list read back."""

from __future__ import annotations

from datetime import date, timedelta

from pypdf import PdfReader

from fieldapp.domain.text import text_sort_key
from fieldapp.printing.lists import list_pdf
from fieldapp.storage import people, worklists
from tests.conftest import DEMO_END


def test_lists_hold_who_they_say(demo_store):
    today = DEMO_END
    for row in people.rows(demo_store, list(worklists.not_insured(demo_store, today))).values():
        assert row.hi_valid_to is None or row.hi_valid_to < today
    ending = people.rows(demo_store, list(worklists.hi_ending(demo_store, today, 30)))
    assert ending and all(
        today - timedelta(days=90) <= r.hi_valid_to <= today + timedelta(days=30) for r in ending.values()
    )
    for row in people.rows(demo_store, list(worklists.vsi_due(demo_store, today, 30))).values():
        assert row.vsi_status.value in ("active", "paused")
    assert list(worklists.follow_ups(demo_store, today + timedelta(days=30)))


def test_printed_list_reads_back_with_its_diacritics(tmp_path):
    rows = [
        ["Nguyễn Thị Hoà", "12/05/1988", "0912345678", "Thôn Đông"],
        ["Đặng Văn Đông", "01/01/1970", "", "Xóm Chùa"],
    ]
    path = list_pdf(
        tmp_path / "l.pdf",
        "Danh sách chưa có bảo hiểm",
        "Tổ tuyên truyền lưu động số 1",
        ["Họ tên", "Ngày sinh", "Điện thoại", "Thôn"],
        rows * 60,
        date(2026, 7, 15),
    )
    reader = PdfReader(path)
    assert len(reader.pages) >= 2  # the header row repeats on every page
    text = "\n".join(page.extract_text() for page in reader.pages)
    for word in ("Danh sách chưa có bảo hiểm", "Nguyễn Thị Hoà", "Đặng Văn Đông", "Xóm Chùa", "15/07/2026"):
        assert word in text


def test_the_round_goes_commune_by_commune_and_hamlet_by_hamlet_in_name_order(demo_store):
    """Not in the order of the hamlets' random ids: each hamlet once, by name within its commune, and
    each household's members together."""
    pks = list(worklists.not_insured(demo_store, DEMO_END))
    assert len(pks) > 100
    place = {
        pk: (commune, text_sort_key(name), hamlet, household)
        for pk, commune, name, hamlet, household in demo_store.query(
            "SELECT p.pk, p.commune_code, h.name, p.hamlet_id, p.household_id FROM persons p "
            "LEFT JOIN hamlets h ON h.id = p.hamlet_id"
        )
    }
    walk = [place[pk] for pk in pks]
    assert [w[:2] for w in walk] == sorted(w[:2] for w in walk)
    for i in (2, 3):  # a hamlet, a household: met once, not again after the round has left it
        runs = [w[i] for n, w in enumerate(walk) if n == 0 or walk[n - 1][i] != w[i]]
        assert len(runs) == len(set(runs))


def test_one_hamlets_round_is_that_hamlet_alone_in_household_order(demo_store):
    hamlet_id = demo_store.query_one("SELECT hamlet_id FROM persons WHERE hamlet_id IS NOT NULL LIMIT 1")[0]
    pks = list(worklists.not_insured(demo_store, DEMO_END, hamlet_id))
    everybody = list(worklists.not_insured(demo_store, DEMO_END))
    assert pks and pks == [pk for pk in everybody if pk in set(pks)]
    hamlets = {r[0] for r in demo_store.query(f"SELECT hamlet_id FROM persons WHERE pk IN ({','.join(map(str, pks))})")}
    assert hamlets == {hamlet_id}
