"""The premium engine (rules.md): household HI and voluntary SI priced from dated rules."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fieldapp.domain.enums import SupportGroup
from fieldapp.domain.premiums import HiQuote, RuleBook, VsiQuote, default_rules, quote_json_rules
from fieldapp.errors import InputRefused

BEFORE_RAISE = date(2026, 6, 30)  # the last day of base salary 2,340,000 and ceiling 46,800,000
RAISE = date(2026, 7, 1)
DECREE_159 = date(2025, 7, 1)
POVERTY_LINE = 1_500_000
PERIODIC = (1, 3, 6, 12)
AHEAD = (24, 36, 48, 60)
MONTHLY_RETURN = Fraction(35, 10_000)  # r = 0.35 % a month, from vietnam.toml


@pytest.fixture(scope="module")
def rules() -> RuleBook:
    return RuleBook.load()


def _round(value: Fraction) -> int:
    return int((Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _refused(exc: pytest.ExceptionInfo[InputRefused]) -> tuple[str, dict[str, Any]]:
    return exc.value.code, exc.value.params


def _local(monthly: int, *, groups: tuple[str, ...] = ("poor",), since: date = date(2025, 7, 1)) -> dict[str, Any]:
    return {
        "vsi": {
            "local_support": [
                {
                    "id": "hung_yen.vsi_local.2025-07",
                    "from": since,
                    "province": "33",
                    "groups": list(groups),
                    "monthly": monthly,
                    "basis": "Nghị quyết của HĐND tỉnh Hưng Yên (hồ sơ tỉnh)",
                }
            ]
        }
    }


# --- household HI --------------------------------------------------------------------------------


def test_worked_example_of_rules_md(rules: RuleBook) -> None:
    quote = rules.quote_hi(members=3, months=12, on=BEFORE_RAISE)
    assert [m.monthly for m in quote.members] == [105_300, 73_710, 63_180]
    assert [m.amount for m in quote.members] == [1_263_600, 884_520, 758_160]
    assert [m.order for m in quote.members] == [1, 2, 3]
    assert quote.total == 2_906_280
    assert (quote.on, quote.months) == (BEFORE_RAISE, 12)


def test_base_salary_change_on_2026_07_01(rules: RuleBook) -> None:
    quote = rules.quote_hi(members=3, months=12, on=RAISE)
    assert [m.monthly for m in quote.members] == [113_850, 79_695, 68_310]  # 4.5 % of 2,530,000 ...
    assert quote.total == (113_850 + 79_695 + 68_310) * 12 == 3_142_260
    assert "base_salary.2026-07" in [r.id for r in quote.rules]
    assert "base_salary.2024-07" in [r.id for r in rules.quote_hi(members=1, months=3, on=BEFORE_RAISE).rules]


@pytest.mark.parametrize(("on", "first"), [(BEFORE_RAISE, 105_300), (RAISE, 113_850)])
def test_fifth_and_further_members_pay_40_percent(rules: RuleBook, on: date, first: int) -> None:
    quote = rules.quote_hi(members=8, months=6, on=on)
    monthly = [m.monthly for m in quote.members]
    assert monthly[0] == first
    expected_shares = [100, 70, 60, 50, 40, 40, 40, 40]
    assert monthly == [int(Decimal(first * s) / 100 + Decimal("0.5")) for s in expected_shares]
    assert all(m.amount == m.monthly * 6 for m in quote.members)


def test_hi_quote_lists_its_rules(rules: RuleBook) -> None:
    quote = rules.quote_hi(members=2, months=3, on=date(2025, 8, 1))
    assert [r.id for r in quote.rules] == ["base_salary.2024-07", "hi.household.2025-07", "hi.periods.2018-12"]
    assert all(r.basis for r in quote.rules)
    assert [r.unconfirmed for r in quote.rules] == [False, False, True]
    assert quote_json_rules(quote.rules)[2] == {
        "id": "hi.periods.2018-12",
        "basis": "Nghị định 146/2018/NĐ-CP; Nghị định 188/2025/NĐ-CP",
        "unconfirmed": True,
    }


@pytest.mark.parametrize("months", [0, 1, 2, 24])
def test_hi_months_not_allowed(rules: RuleBook, months: int) -> None:
    with pytest.raises(InputRefused) as exc:
        rules.quote_hi(members=1, months=months, on=RAISE)
    assert _refused(exc) == ("premium.hi_months", {"months": months, "allowed": "3, 6, 12"})


def test_hi_needs_a_member(rules: RuleBook) -> None:
    with pytest.raises(InputRefused) as exc:
        rules.quote_hi(members=0, months=12, on=RAISE)
    assert _refused(exc) == ("premium.hi_members", {"members": 0, "maximum": 50})


def test_hi_before_the_first_rule(rules: RuleBook) -> None:
    with pytest.raises(InputRefused) as exc:
        rules.quote_hi(members=1, months=12, on=date(2024, 6, 30))
    assert _refused(exc) == ("premium.before_rules", {"date": date(2024, 6, 30), "first": date(2024, 7, 1)})


# --- voluntary SI --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("income", "monthly"),
    [
        (1_500_000, 330_000),
        (5_000_000, 1_100_000),
        (1_500_003, 330_001),
        (1_500_002, 330_000),
        (46_800_000, 10_296_000),
    ],
)
def test_vsi_contribution_is_22_percent_of_income(rules: RuleBook, income: int, monthly: int) -> None:
    quote = rules.quote_vsi(income=income, months=1, on=BEFORE_RAISE)
    assert quote.monthly_contribution == monthly
    assert quote.monthly_due == monthly - quote.state_support_monthly


@pytest.mark.parametrize(
    ("group", "after", "before"),
    [
        (SupportGroup.POOR, 50, 30),
        (SupportGroup.NEAR_POOR, 40, 25),
        (SupportGroup.ETHNIC_MINORITY, 30, 10),
        (SupportGroup.OTHER, 20, 10),
    ],
)
@pytest.mark.parametrize("income", [1_500_000, 4_000_000, 46_800_000])
def test_vsi_state_support_rates(rules: RuleBook, group: SupportGroup, after: int, before: int, income: int) -> None:
    """Support is a rate of 22 % of the poverty line, whatever income was chosen."""
    new = rules.quote_vsi(income=income, months=12, on=DECREE_159, group=group)
    old = rules.quote_vsi(income=income, months=12, on=DECREE_159 - timedelta(days=1), group=group)
    assert new.state_support_monthly == after * 22 * POVERTY_LINE // 10_000
    assert old.state_support_monthly == before * 22 * POVERTY_LINE // 10_000
    for quote in (new, old):
        assert quote.monthly_due == quote.monthly_contribution - quote.state_support_monthly
        assert quote.total == quote.monthly_due * 12
        assert quote.group is group
    assert "vsi.support.2025-07" in [r.id for r in new.rules]
    assert "vsi.support.2018-01" in [r.id for r in old.rules]


def test_vsi_state_support_amounts(rules: RuleBook) -> None:
    amounts = {
        g: rules.quote_vsi(income=2_000_000, months=1, on=RAISE, group=g).state_support_monthly for g in SupportGroup
    }
    assert amounts == {
        SupportGroup.POOR: 165_000,
        SupportGroup.NEAR_POOR: 132_000,
        SupportGroup.ETHNIC_MINORITY: 99_000,
        SupportGroup.OTHER: 66_000,
    }


@pytest.mark.parametrize(
    ("on", "income", "ceiling"),
    [
        (BEFORE_RAISE, 1_499_999, 46_800_000),
        (BEFORE_RAISE, 46_800_001, 46_800_000),
        (BEFORE_RAISE, 50_600_000, 46_800_000),
        (RAISE, 50_600_001, 50_600_000),
        (RAISE, 0, 50_600_000),
        (RAISE, -1, 50_600_000),
    ],
)
def test_vsi_income_outside_the_bounds(rules: RuleBook, on: date, income: int, ceiling: int) -> None:
    with pytest.raises(InputRefused) as exc:
        rules.quote_vsi(income=income, months=12, on=on)
    basis = rules.in_force("vsi.poverty_line" if income < POVERTY_LINE else "vsi.ceiling", on)["basis"]
    assert _refused(exc) == (
        "premium.vsi_income",
        {"income": income, "floor": POVERTY_LINE, "ceiling": ceiling, "basis": basis},
    )


def test_vsi_ceiling_changes_on_2026_07_01(rules: RuleBook) -> None:
    assert rules.vsi_income_bounds(BEFORE_RAISE) == (1_500_000, 46_800_000)
    assert rules.vsi_income_bounds(RAISE) == (1_500_000, 50_600_000)
    quote = rules.quote_vsi(income=50_600_000, months=1, on=RAISE)
    assert quote.monthly_contribution == 11_132_000
    assert "vsi.ceiling.2026-07" in [r.id for r in quote.rules]
    for income in (1_500_000, 46_800_000):
        assert rules.quote_vsi(income=income, months=1, on=BEFORE_RAISE).income == income


@pytest.mark.parametrize("months", [0, 2, 5, 18, 72, 120])
def test_vsi_months_not_allowed(rules: RuleBook, months: int) -> None:
    with pytest.raises(InputRefused) as exc:
        rules.quote_vsi(income=2_000_000, months=months, on=RAISE)
    assert _refused(exc) == ("premium.vsi_months", {"months": months, "allowed": "1, 3, 6, 12, 24, 36, 48, 60"})


@pytest.mark.parametrize(("on", "first"), [(date(2024, 6, 30), "2024-07-01"), (date(2017, 12, 31), "2018-01-01")])
def test_vsi_before_the_first_rule(rules: RuleBook, on: date, first: str) -> None:
    with pytest.raises(InputRefused) as exc:
        rules.quote_vsi(income=2_000_000, months=12, on=on)
    assert _refused(exc) == ("premium.before_rules", {"date": on, "first": date.fromisoformat(first)})


@pytest.mark.parametrize("months", AHEAD)
@pytest.mark.parametrize("group", list(SupportGroup))
def test_vsi_paying_ahead_is_discounted(rules: RuleBook, months: int, group: SupportGroup) -> None:
    quote = rules.quote_vsi(income=3_000_000, months=months, on=RAISE, group=group)
    exact = sum(Fraction(quote.monthly_due) / (1 + MONTHLY_RETURN) ** i for i in range(months))
    assert quote.total == _round(exact)
    assert quote.total < quote.monthly_due * months
    assert quote.discount == quote.monthly_due * months - quote.total > 0
    assert "vsi.return_rate.2026" in [r.id for r in quote.rules]


@pytest.mark.parametrize("months", PERIODIC)
def test_vsi_periodic_payment_is_not_discounted(rules: RuleBook, months: int) -> None:
    quote = rules.quote_vsi(income=3_000_000, months=months, on=RAISE)
    assert quote.total == quote.monthly_due * months
    assert quote.discount == 0
    assert not any(r.id.startswith("vsi.return_rate") for r in quote.rules)


def test_vsi_quote_lists_its_rules_with_basis(rules: RuleBook) -> None:
    quote = rules.quote_vsi(income=3_000_000, months=12, on=RAISE, group=SupportGroup.POOR)
    assert [r.id for r in quote.rules] == [
        "vsi.contribution.2025-07",
        "vsi.poverty_line.2022-01",
        "vsi.ceiling.2026-07",
        "vsi.support.2025-07",
        "vsi.methods.2018-01",
    ]
    assert all(r.basis for r in quote.rules)
    # the 2022-2025 poverty line is kept until 2026-12-31 by Decree 351/2025: confirmed since rules 2027.1
    assert {r.id for r in quote.rules if r.unconfirmed} == set()


def test_vsi_support_limit_warning(rules: RuleBook) -> None:
    def warnings(before: int, months: int, on: date = RAISE) -> tuple[str, ...]:
        return rules.quote_vsi(income=2_000_000, months=months, on=on, supported_months_before=before).warnings

    assert warnings(0, 60) == ()
    assert warnings(108, 12) == ()
    assert warnings(109, 12) == ("premium.vsi_support_limit",)
    assert warnings(200, 12, date(2025, 6, 30)) == ()  # no limit before Decree 159


# --- province profiles ---------------------------------------------------------------------------


def test_local_support_lowers_what_the_participant_pays(rules: RuleBook) -> None:
    book = RuleBook.load(overrides=_local(10_000))
    base = rules.quote_vsi(income=2_000_000, months=12, on=RAISE, group=SupportGroup.POOR, province="33")
    local = book.quote_vsi(income=2_000_000, months=12, on=RAISE, group=SupportGroup.POOR, province="33")
    assert base.local_support_monthly == 0
    assert local.local_support_monthly == 10_000
    assert local.state_support_monthly == base.state_support_monthly
    assert local.monthly_due == base.monthly_due - 10_000
    assert local.total == base.total - 120_000
    assert local.rules[-1].id == "hung_yen.vsi_local.2025-07"
    assert local.rules[-1].basis.startswith("Nghị quyết")


def test_local_support_flat_key_form() -> None:
    entries = _local(10_000)["vsi"]["local_support"]
    book = RuleBook.load(overrides={"vsi.local_support": entries})
    quote = book.quote_vsi(income=2_000_000, months=1, on=RAISE, group=SupportGroup.POOR, province="33")
    assert quote.local_support_monthly == 10_000


@pytest.mark.parametrize(
    ("group", "province", "on"),
    [
        (SupportGroup.OTHER, "33", RAISE),  # not one of the profile's groups
        (SupportGroup.POOR, "01", RAISE),  # another province
        (SupportGroup.POOR, None, RAISE),  # no province given
        (SupportGroup.POOR, "33", date(2025, 6, 30)),  # before the profile's entry
    ],
)
def test_local_support_only_where_it_applies(group: SupportGroup, province: str | None, on: date) -> None:
    book = RuleBook.load(overrides=_local(10_000))
    quote = book.quote_vsi(income=2_000_000, months=12, on=on, group=group, province=province)
    assert quote.local_support_monthly == 0
    assert "hung_yen.vsi_local.2025-07" not in [r.id for r in quote.rules]


def test_local_support_is_capped_at_what_is_left() -> None:
    book = RuleBook.load(overrides=_local(1_000_000))
    quote = book.quote_vsi(income=1_500_000, months=24, on=RAISE, group=SupportGroup.POOR, province="33")
    assert quote.state_support_monthly + quote.local_support_monthly == quote.monthly_contribution
    assert quote.monthly_due == quote.total == quote.discount == 0


def test_a_profile_entry_replaces_the_one_with_its_id(rules: RuleBook) -> None:
    """An unconfirmed entry (the fund's return of 2025) overridden by a province profile."""
    override = {
        "vsi": {
            "return_rate": [
                {"id": "vsi.return_rate.2026", "from": date(2026, 1, 1), "monthly_pct": 0.5, "basis": "hồ sơ tỉnh"}
            ]
        }
    }
    book = RuleBook.load(overrides=override)
    quote = book.quote_vsi(income=2_000_000, months=24, on=RAISE, group=SupportGroup.POOR)
    exact = sum(Fraction(quote.monthly_due) / (1 + Fraction(5, 1000)) ** i for i in range(24))
    assert quote.total == _round(exact)
    assert next(r for r in quote.rules if r.id == "vsi.return_rate.2026").unconfirmed is False
    plain = rules.quote_vsi(income=2_000_000, months=24, on=RAISE, group=SupportGroup.POOR)
    assert plain.total > quote.total  # the default book is untouched
    assert default_rules().quote_vsi(income=2_000_000, months=24, on=RAISE, group=SupportGroup.POOR) == plain


def test_a_profile_never_replaces_a_confirmed_entry(rules: RuleBook) -> None:
    """The merge itself keeps a confirmed national rule, whatever a province's entries say."""
    override = {
        "vsi": {
            "poverty_line": [
                {"id": "vsi.poverty_line.2022-01", "from": date(2022, 1, 1), "amount": 2_000_000, "basis": "hồ sơ tỉnh"}
            ]
        }
    }
    assert RuleBook.load(overrides=override).vsi_income_bounds(RAISE) == (1_500_000, 50_600_000)


# --- properties ----------------------------------------------------------------------------------

GROUPS = st.sampled_from(list(SupportGroup))
DAYS = st.dates(min_value=date(2025, 1, 1), max_value=date(2028, 12, 31))


@st.composite
def vsi_inputs(draw: st.DrawFn) -> dict[str, Any]:
    on = draw(DAYS)
    floor, ceiling = default_rules().vsi_income_bounds(on)
    return {
        "income": draw(st.integers(floor, ceiling)),
        "months": draw(st.sampled_from(PERIODIC + AHEAD)),
        "on": on,
        "group": draw(GROUPS),
        "province": draw(st.sampled_from(["33", "01", None])),
        "supported_months_before": draw(st.integers(0, 200)),
    }


@settings(max_examples=200)
@given(vsi_inputs(), st.integers(0, 2_000_000), st.lists(GROUPS, max_size=4))
def test_vsi_quote_properties(kw: dict[str, Any], local: int, groups: list[SupportGroup]) -> None:
    book = RuleBook.load(overrides=_local(local, groups=tuple(g.value for g in groups)))
    quote = book.quote_vsi(**kw)
    assert isinstance(quote, VsiQuote)
    assert quote.total >= 0
    assert quote.monthly_due >= 0
    assert 0 <= quote.local_support_monthly <= local
    assert quote.state_support_monthly >= 0
    assert quote.state_support_monthly + quote.local_support_monthly <= quote.monthly_contribution
    assert quote.monthly_due == quote.monthly_contribution - quote.state_support_monthly - quote.local_support_monthly
    assert quote.discount == quote.monthly_due * quote.months - quote.total
    assert quote.discount >= 0
    if kw["months"] in PERIODIC:
        assert quote.discount == 0
    elif quote.monthly_due > 0:
        assert quote.total < quote.monthly_due * quote.months
    assert all(r.id and r.basis for r in quote.rules)
    assert quote == book.quote_vsi(**kw)  # deterministic
    assert quote == RuleBook.load(overrides=_local(local, groups=tuple(g.value for g in groups))).quote_vsi(**kw)


@settings(max_examples=200)
@given(vsi_inputs())
def test_vsi_local_support_never_raises_the_price(kw: dict[str, Any]) -> None:
    plain = default_rules().quote_vsi(**kw)
    with_local = RuleBook.load(overrides=_local(50_000, groups=tuple(SupportGroup))).quote_vsi(**kw)
    assert with_local.total <= plain.total
    assert with_local.monthly_contribution == plain.monthly_contribution
    assert with_local.state_support_monthly == plain.state_support_monthly


@settings(max_examples=200)
@given(
    st.integers(1, 20), st.sampled_from([3, 6, 12]), st.dates(min_value=date(2024, 7, 1), max_value=date(2030, 12, 31))
)
def test_hi_quote_properties(members: int, months: int, on: date) -> None:
    rules = default_rules()
    quote = rules.quote_hi(members=members, months=months, on=on)
    more = rules.quote_hi(members=members + 1, months=months, on=on)
    assert isinstance(quote, HiQuote)
    assert len(quote.members) == members
    assert quote.total == sum(m.amount for m in quote.members)
    assert all(m.amount == m.monthly * months for m in quote.members)
    assert [m.order for m in quote.members] == list(range(1, members + 1))
    assert more.total >= quote.total
    assert more.members[:members] == quote.members  # adding a member changes nobody else's price
    monthly = [m.monthly for m in more.members]
    assert all(a >= b > 0 for a, b in itertools.pairwise(monthly))
    assert quote == rules.quote_hi(members=members, months=months, on=on)  # deterministic
