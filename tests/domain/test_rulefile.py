"""The rule-file checker (fieldapp/domain/rulefile.py): the one check of the shipped national file, a
province profile's rules and a file added on the server. A bad file is refused with its line and reason,
whole: never a traceback, never part of it applied."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fieldapp.domain import rulefile, ruleformat
from fieldapp.domain.premiums import RuleBook
from fieldapp.i18n import catalog
from fieldapp.paths import resource_path

TODAY = date(2026, 12, 20)
SHIPPED = resource_path("rules", "vietnam.toml").read_text(encoding="utf-8")

NATIONAL = """\
[file]
format = 1
kind = "national"
version = "2027.2"
issued = 2026-12-15

[[base_salary]]
id = "base_salary.2027-07"
from = 2027-07-01
amount = 2_800_000
basis = "Nghị định 999/2027/NĐ-CP (ví dụ)"
"""

PROVINCE = """\
[file]
format = 1
kind = "province"
version = "2027.1"
issued = 2026-12-10
province = "33"

[[vsi.local_support]]
id = "hung_yen.vsi_local.2027-01"
from = 2027-01-01
province = "33"
groups = ["poor", "near_poor"]
monthly = 50_000
basis = "Nghị quyết 12/2026/NQ-HĐND tỉnh Hưng Yên (ví dụ)"
"""


@pytest.fixture(scope="module")
def base() -> RuleBook:
    return RuleBook.load()


def _check(text: str, base: RuleBook | None = None, **kw) -> tuple[rulefile.RuleFile | None, list]:
    return rulefile.check(text.encode(), source=ruleformat.SERVER, base=base, today=TODAY, **kw)


def _codes(problems) -> list[str]:
    return [p.code for p in problems]


def _line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_the_shipped_file_is_a_good_national_file() -> None:
    found, problems = rulefile.check(SHIPPED.encode(), source=rulefile.SHIPPED, today=date(2026, 12, 7))
    assert problems == [] and found is not None
    assert found.origin.kind == "national" and found.origin.version == "2027.1"
    assert all(entry["basis"].strip() for _name, entry in found.entries())


def test_a_newer_national_file_and_a_province_file_are_taken(base: RuleBook) -> None:
    national, problems = _check(NATIONAL, base)
    assert problems == [] and national is not None
    province, problems = _check(PROVINCE, base)
    assert problems == [] and province is not None
    book = RuleBook.from_files([*base.sources, national, province])
    assert book.version == "2027.2 + 33:2027.1"
    assert book.in_force("base_salary", date(2027, 7, 1))["amount"] == 2_800_000
    assert book.origin("hung_yen.vsi_local.2027-01").source == "server"


@pytest.mark.parametrize(
    ("text", "needle", "code"),
    [
        (NATIONAL.replace("amount = 2_800_000", "amount = -5"), "amount = -5", "rules.money"),
        (NATIONAL.replace("amount = 2_800_000", "amount = 253_000_000_000"), "amount = 253", "rules.money"),
        (NATIONAL.replace("amount = 2_800_000", 'amount = "2.800.000"'), "amount = ", "rules.money"),
        (NATIONAL.replace('basis = "Nghị định 999/2027/NĐ-CP (ví dụ)"', 'basis = "  "'), "basis =", "rules.basis"),
        (NATIONAL.replace('basis = "Nghị định 999/2027/NĐ-CP (ví dụ)"\n', ""), "[[base_salary]]", "rules.basis"),
        (NATIONAL.replace("amount = 2_800_000", "amount = 2_800_000\ncolour = 1"), "colour", "rules.unknown_key"),
        (NATIONAL.replace("[[base_salary]]", "[[base_salery]]"), "base_salery", "rules.unknown_list"),
        (NATIONAL.replace("from = 2027-07-01", 'from = "July"'), "from = ", "rules.date"),
        (NATIONAL.replace("from = 2027-07-01", "from = 2035-07-01"), "from = ", "rules.date_range"),
        (NATIONAL.replace("from = 2027-07-01", "from = 2017-07-01"), "from = ", "rules.date_range"),
        (NATIONAL.replace('id = "base_salary.2027-07"', 'id = "Lương cơ sở"'), "id = ", "rules.id"),
        (NATIONAL.replace("format = 1", "format = 2"), "format = 2", "rules.format_newer"),
        (NATIONAL.replace('kind = "national"', 'kind = "city"'), "kind = ", "rules.choice"),
        (NATIONAL.replace("issued = 2026-12-15", "issued = 2027-03-01"), "issued", "rules.date_range"),
        (NATIONAL.replace('version = "2027.2"', 'version = "2027 mới"'), "version", "rules.header_field"),
        (
            NATIONAL.replace('amount = 2_800_000\nbasis = "', 'amount = 2_800_000\nbasis = "\\u001b[2J'),
            "basis",
            "rules.basis",
        ),
        (
            NATIONAL.replace('amount = 2_800_000\nbasis = "', 'amount = 2_800_000\nbasis = "\u202e'),
            "basis",
            "rules.basis",
        ),
        (PROVINCE.replace("monthly = 50_000", "monthly = 50_000_000"), "monthly", "rules.money"),
        (PROVINCE.replace('groups = ["poor", "near_poor"]', 'groups = ["rich"]'), "groups", "rules.groups"),
        (PROVINCE.replace('province = "33"\ngroups', 'province = "01"\ngroups'), 'province = "01"', "rules.province"),
        (PROVINCE.replace('province = "33"\n\n', 'province = "99"\n\n'), 'province = "99"', "rules.province_code"),
        (PROVINCE.replace("from = 2027-01-01", "from = 2027-01-01\nto = 2026-12-31"), "to = ", "rules.date_order"),
        (
            PROVINCE.replace('kind = "province"', 'kind = "national"').replace('province = "33"\n\n', "\n"),
            "[[vsi.local_support]]",
            "rules.local_in_national",
        ),
        (NATIONAL.replace("[file]", "[fiel]"), "", "rules.header_missing"),
        (NATIONAL.replace('amount = 2_800_000\nbasis = "Nghị', 'amount = 2_800_000\nbasis = "Nghị'), "", None),
    ],
)
def test_a_bad_file_is_refused_with_its_line_and_reason(
    base: RuleBook, text: str, needle: str, code: str | None
) -> None:
    found, problems = _check(text, base)
    if code is None:
        assert found is not None and problems == []
        return
    assert found is None
    assert code in _codes(problems), [p.message("en") for p in problems]
    hit = next(p for p in problems if p.code == code)
    if needle:
        assert hit.line == _line_of(text, needle)
        assert hit.message("vi").startswith(f"dòng {hit.line}: ")
        assert hit.message("en").startswith(f"line {hit.line}: ")
    assert "{" not in hit.message("vi") and "{" not in hit.message("en")


def test_not_toml_names_the_line() -> None:
    text = NATIONAL.replace('version = "2027.2"', 'version = "2027.2')
    found, problems = _check(text)
    assert found is None and _codes(problems) == ["rules.syntax"]
    assert problems[0].line == _line_of(text, 'version = "2027.2')


def test_overlapping_periods_of_one_rule_are_refused(base: RuleBook) -> None:
    twice = NATIONAL + NATIONAL.split("\n\n", 1)[1].replace("base_salary.2027-07", "base_salary.2027-07b")
    found, problems = _check(twice, base)
    assert found is None and "rules.overlap" in _codes(problems)
    # local support: a period with an end that runs into the next one's, for the same province and group
    later = PROVINCE.split("\n\n", 1)[1].replace("2027-01", "2027-06").replace("2027-01-01", "2027-06-01")
    text = PROVINCE.replace("from = 2027-01-01", "from = 2027-01-01\nto = 2027-12-31") + "\n" + later
    found, problems = _check(text, base)
    assert found is None and _codes(problems) == ["rules.overlap"]
    # ... and one that ends first is fine
    text = PROVINCE.replace("from = 2027-01-01", "from = 2027-01-01\nto = 2027-05-31") + "\n" + later
    assert _check(text, base)[1] == []


def test_the_same_id_twice_is_refused(base: RuleBook) -> None:
    text = NATIONAL + NATIONAL.split("\n\n", 1)[1].replace("2027-07-01", "2028-01-01")
    assert "rules.id_twice" in _codes(_check(text, base)[1])


def test_a_province_cannot_change_a_confirmed_national_rule_nor_add_to_the_states(base: RuleBook) -> None:
    confirmed = PROVINCE + (
        '\n[[vsi.poverty_line]]\nid = "vsi.poverty_line.2027-01"\nfrom = 2027-01-01\namount = 1_800_000\n'
        'basis = "Quyết định của UBND tỉnh (ví dụ)"\n'
    )
    found, problems = _check(confirmed, base)
    assert found is None and _codes(problems) == ["rules.confirmed"]
    assert problems[0].line == _line_of(confirmed, 'id = "vsi.poverty_line.2027-01"')
    new = confirmed.replace("vsi.poverty_line.2027-01", "hung_yen.poverty_line.2027")
    assert _codes(_check(new, base)[1]) == ["rules.province_national"]
    unconfirmed = PROVINCE + (
        '\n[[vsi.return_rate]]\nid = "vsi.return_rate.2027"\nfrom = 2027-01-01\nmonthly_pct = 0.4\n'
        'basis = "Công bố của BHXH Việt Nam (ví dụ)"\n'
    )
    assert _check(unconfirmed, base)[1] == []


def test_only_a_newer_national_file_changes_a_confirmed_rule(base: RuleBook) -> None:
    change = NATIONAL.replace("base_salary.2027-07", "vsi.poverty_line.2027-01").replace(
        "[[base_salary]]", "[[vsi.poverty_line]]"
    )
    change = change.replace("from = 2027-07-01", "from = 2027-01-01").replace("2_800_000", "2_300_000")
    found, problems = _check(change, base)
    assert problems == [] and found is not None
    book = RuleBook.from_files([*base.sources, found])
    assert book.vsi_income_bounds(date(2027, 1, 1))[0] == 2_300_000
    older = change.replace("issued = 2026-12-15", "issued = 2026-12-07")  # the shipped file's day: not newer
    found, problems = _check(older, base)
    assert found is None and _codes(problems) == ["rules.national_older"]


def test_an_absurd_jump_is_taken_for_a_typo(base: RuleBook) -> None:
    text = NATIONAL.replace("amount = 2_800_000", "amount = 28_000_000")  # one zero too many: 11 x the last
    found, problems = _check(text, base)
    assert found is None and _codes(problems) == ["rules.implausible"]
    assert problems[0].line == _line_of(text, "amount = 28_000_000")
    halved = NATIONAL.replace("amount = 2_800_000", "amount = 1_200_000")
    assert _codes(_check(halved, base)[1]) == ["rules.implausible"]


def test_rules_that_no_longer_price_are_refused(base: RuleBook) -> None:
    """A floor above the ceiling: every quote would be refused."""
    text = NATIONAL.replace("[[base_salary]]", "[[vsi.ceiling]]").replace("base_salary.2027-07", "vsi.ceiling.2027-07")
    text = text.replace("amount = 2_800_000", "multiple = 1\nreference = 2_100_000")
    found, problems = _check(text, base)
    assert found is None and _codes(problems) == ["rules.quote"]


# --- hostile files ----------------------------------------------------------------------------------


def test_a_huge_file_is_refused_before_it_is_read() -> None:
    text = NATIONAL + "# " + "x" * rulefile.MAX_BYTES + "\n"
    found, problems = _check(text)
    assert found is None and _codes(problems) == ["rules.too_big"]


@pytest.mark.parametrize(
    "bomb",
    [
        "a = " + "[" * 50_000 + "]" * 50_000,  # nesting deeper than any parser's stack
        "a = " + "{b = " * 20_000 + "1" + "}" * 20_000,
        "[file]\n" + "".join(f"k{i} = {i}\n" for i in range(20_000)),  # 200,000 keys would be too big
    ],
)
def test_toml_bombs_are_refused_cleanly(bomb: str) -> None:
    found, problems = _check(bomb)
    assert found is None
    assert problems and all(p.code in catalog("en") for p in problems)


def test_too_many_entries_are_refused(base: RuleBook) -> None:
    header, entry = NATIONAL.split("\n\n", 1)
    start = date(2019, 1, 1).toordinal()
    entries = [
        entry.replace("from = 2027-07-01", f"from = {date.fromordinal(start + i)}").replace("2027-07", f"n{i}")
        for i in range(rulefile.MAX_ENTRIES + 1)
    ]
    text = header + "\n\n" + "\n".join(entries)
    found, problems = _check(text, base)
    assert found is None and "rules.too_many" in _codes(problems)


def test_not_utf8_is_refused() -> None:
    found, problems = rulefile.check(NATIONAL.encode("utf-16"), source=ruleformat.SERVER, today=TODAY)
    assert found is None and _codes(problems) == ["rules.not_utf8"]


_LINES = NATIONAL.splitlines() + PROVINCE.splitlines()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    lines=st.lists(st.sampled_from(_LINES), max_size=30),
    noise=st.text(max_size=40),
    where=st.integers(0, 30),
)
def test_any_file_is_taken_or_refused_with_known_messages(
    base: RuleBook, lines: list[str], noise: str, where: int
) -> None:
    """Lines of good files shuffled, dropped, repeated, with noise anywhere: never a crash, and every
    problem a message of the catalog at a line of the file."""
    lines = list(lines)
    lines.insert(min(where, len(lines)), noise)
    text = "\n".join(lines)
    found, problems = _check(text, base)
    assert (found is None) == bool(problems)
    count = len(text.splitlines())
    for p in problems:
        assert p.code in catalog("en") and p.code in catalog("vi")
        assert 0 <= p.line <= max(count, 1)
        assert p.message("vi") and p.message("en")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    amount=st.one_of(st.integers(-(10**12), 10**12), st.floats(allow_nan=True), st.booleans(), st.text(max_size=5)),
    key=st.sampled_from(["amount", "monthly"]),
)
def test_any_amount_is_taken_only_in_its_bounds(base: RuleBook, amount, key: str) -> None:
    import json

    text = (NATIONAL if key == "amount" else PROVINCE).replace(
        "amount = 2_800_000" if key == "amount" else "monthly = 50_000", f"{key} = {json.dumps(amount)}"
    )
    found, _problems = _check(text, base)
    if found is not None:
        assert isinstance(amount, int) and not isinstance(amount, bool)
        assert (1_265_000 <= amount <= 5_060_000) if key == "amount" else (0 <= amount <= 10_000_000)
