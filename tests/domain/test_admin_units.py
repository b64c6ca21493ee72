"""How provinces are named on the printouts."""

from __future__ import annotations

from fieldapp.domain.admin_units import province_title, provinces


def test_a_province_is_named_as_a_title():
    """Issue 17, item 8: "Tỉnh Hưng Yên" as "Thành phố Hà Nội" is written, never "tỉnh Hưng Yên"; an
    upper-case heading line upper-cases it whole."""
    known = provinces()
    assert province_title(known["33"].name, known["33"].kind) == "Tỉnh Hưng Yên"
    assert province_title(known["01"].name, known["01"].kind) == "Thành phố Hà Nội"
    assert province_title("Hưng Yên", "tỉnh").upper() == "TỈNH HƯNG YÊN"
    assert province_title("Hà Nội", "thành phố trung ương") == "Thành phố Hà Nội"
    assert province_title("Hưng Yên", "") == "Hưng Yên"
    for p in known.values():
        title = province_title(p.name, p.kind)
        assert title[0].isupper() and title.endswith(p.name.removeprefix("Thành phố ")), title
