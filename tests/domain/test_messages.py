"""The message catalogs (resources/messages/vi.toml, en.toml) and fieldapp.i18n."""

from __future__ import annotations

import inspect
import string
from enum import Enum

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fieldapp.domain import enums
from fieldapp.domain.enums import Outcome, Sex
from fieldapp.domain.validators import Reason
from fieldapp.i18n import LANGUAGES, catalog, label, normalise_language, t

ENUMS: list[type[Enum]] = [
    cls
    for _name, cls in inspect.getmembers(enums, inspect.isclass)
    if issubclass(cls, Enum) and cls.__module__ == enums.__name__
]
ENUM_MEMBERS = [member for cls in ENUMS for member in cls]
KEYS = sorted(catalog("vi"))


def _placeholders(message: str) -> set[str]:
    return {name for _lit, name, _spec, _conv in string.Formatter().parse(message) if name is not None}


def test_languages() -> None:
    assert LANGUAGES == ("vi", "en")


def test_catalogs_have_the_same_keys() -> None:
    vi, en = catalog("vi"), catalog("en")
    assert sorted(set(vi) - set(en)) == []
    assert sorted(set(en) - set(vi)) == []


@pytest.mark.parametrize("key", KEYS)
def test_same_placeholders(key: str) -> None:
    vi, en = catalog("vi")[key], catalog("en")[key]
    assert _placeholders(vi) == _placeholders(en)
    assert all(name.isidentifier() for name in _placeholders(vi))  # plain names: no {a.b}, {0}, {}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_messages_are_not_empty(lang: str) -> None:
    assert [k for k, v in catalog(lang).items() if not v.strip()] == []


def test_enum_list_is_complete() -> None:
    assert {"Sex", "Outcome", "SupportGroup", "AuditAction", "Metric"} <= {cls.__name__ for cls in ENUMS}


@pytest.mark.parametrize("reason", list(Reason), ids=[r.value for r in Reason])
@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_reason_has_a_message(reason: Reason, lang: str) -> None:
    assert reason.value in catalog(lang)


@pytest.mark.parametrize("member", ENUM_MEMBERS, ids=[f"{type(e).__name__}.{e.value}" for e in ENUM_MEMBERS])
def test_every_enum_member_has_a_label(member: Enum) -> None:
    key = f"enum.{type(member).__name__}.{member.value}"
    for lang in LANGUAGES:
        assert key in catalog(lang)
        assert label(member, lang) == catalog(lang)[key]
        assert label(member, lang) != key


def test_labels() -> None:
    assert label(Outcome.REFUSED, "vi") == "Từ chối"
    assert label(Outcome.REFUSED, "en") == "Refused"
    assert label(Sex.FEMALE, "vi") == "Nữ"


def test_label_uses_the_current_language(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FIELDAPP_LANG", raising=False)
    assert label(Sex.MALE) == "Nam"
    monkeypatch.setenv("FIELDAPP_LANG", "en_GB")
    assert label(Sex.MALE) == "Male"


@pytest.mark.parametrize(
    ("given_lang", "lang"),
    [(None, "vi"), ("", "vi"), ("vi_VN", "vi"), ("EN", "en"), ("en-US", "en"), ("fr", "vi")],
)
def test_normalise_language(given_lang: str | None, lang: str) -> None:
    assert normalise_language(given_lang) == lang


def test_unknown_key_falls_back_to_the_code() -> None:
    assert t("no.such.key", "vi") == "no.such.key"
    assert t("no.such.key", "en", count=3) == "no.such.key"


def test_missing_params_do_not_raise() -> None:
    assert t("premium.vsi_income", "en") == catalog("en")["premium.vsi_income"]
    assert t("premium.vsi_income", "en", income=1) == catalog("en")["premium.vsi_income"]


def test_params_named_like_the_arguments() -> None:
    """`code` is a message parameter too (reason.citizen_id.province)."""
    assert t("reason.citizen_id.province", "vi", code="003") == (
        "Ba chữ số đầu (003) không phải mã tỉnh nơi đăng ký khai sinh."
    )


def test_full_sentence() -> None:
    assert t("reason.citizen_id.length", "en", length=11) == "A citizen ID has 12 digits (this one has 11)."
    assert t("reason.citizen_id.length", "vi", length=11) == "Số CCCD phải có 12 chữ số (đang có 11)."


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "vi",
            "Mức thu nhập 50.600.001 đ nằm ngoài khoảng cho phép: từ 1.500.000 đ đến 50.600.000 đ "
            "(Luật BHXH 41/2024/QH15).",
        ),
        ("en", "1,500,000"),
    ],
)
def test_amounts_grouped_per_language(lang: str, expected: str) -> None:
    text = t(
        "premium.vsi_income",
        lang,
        income=50_600_001,
        floor=1_500_000,
        ceiling=50_600_000,
        basis="Luật BHXH 41/2024/QH15",
    )
    assert expected in text


def test_numbers_grouped_from_1000() -> None:
    assert t("check.problems", "vi", count=999) == "Phát hiện 999 vấn đề:"
    assert t("check.problems", "vi", count=1000) == "Phát hiện 1.000 vấn đề:"
    assert t("check.problems", "vi", count=10_000) == "Phát hiện 10.000 vấn đề:"
    assert "10,000" in t("check.problems", "en", count=10_000)
    assert "-12.345" in t("check.problems", "vi", count=-12_345)
    assert "True" in t("check.problems", "en", count=True)  # a bool is not a number


def test_years_and_codes_stay_plain() -> None:
    assert t("reason.citizen_id.birth_year", "vi", id_year=1988, typed_year=2005) == (
        "Số CCCD ghi năm sinh 1988 nhưng ngày sinh đã nhập là năm 2005."
    )
    assert "2027" in t("reason.citizen_id.future", "en", year=2027)
    assert "(1234)" in t("reason.citizen_id.province", "en", code=1234)


def test_enum_params_read_as_labels() -> None:
    assert t("reason.citizen_id.sex", "vi", id_sex=Sex.MALE, typed_sex=Sex.FEMALE) == (
        "Số CCCD ghi giới tính Nam nhưng đã chọn Nữ."
    )


def test_english_falls_back_to_vietnamese_then_to_the_code(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(catalog("vi"), "test.only_vi", "chỉ tiếng Việt {n}")
    assert t("test.only_vi", "en", n=1) == "chỉ tiếng Việt 1"


param_values = st.one_of(st.none(), st.integers(), st.text(), st.booleans(), st.floats(), st.sampled_from(Sex))


@settings(max_examples=200)
@given(
    st.sampled_from([*KEYS, "no.such.key"]),
    st.sampled_from([*LANGUAGES, None, "fr", ""]),
    st.dictionaries(
        st.sampled_from(["count", "path", "months", "code", "maximum", "length", "income", "x"])
        # `lang` is t()'s own keyword, never a message parameter
        | st.text(min_size=1).filter(lambda k: k != "lang"),
        param_values,
        max_size=6,
    ),
)
def test_t_never_raises(key: str, lang: str | None, params: dict[str, object]) -> None:
    text = t(key, lang, **params)
    assert isinstance(text, str)
    assert text
