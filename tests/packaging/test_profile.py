"""The province profile validator: every bad profile is refused with its line and reason, never a traceback."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading
from datetime import date
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fieldapp.domain import profile as prof
from fieldapp.domain.admin_units import provinces
from fieldapp.domain.enums import SupportGroup
from fieldapp.domain.premiums import RuleBook
from fieldapp.i18n import catalog
from fieldapp.paths import DataDir
from fieldapp.settings import LANGUAGE, ORGANISATION_LOGO, RECEIPT_LAYOUT, RECEIPT_PREFIX, SERVER_URL, Settings

ROOT = Path(__file__).resolve().parents[2]
PROFILES = ROOT / "packaging" / "profiles"
GOOD = (PROFILES / "33.toml").read_text(encoding="utf-8")


def _write(tmp: Path, text: str, name: str = "p.toml") -> Path:
    (tmp / "logos").mkdir(exist_ok=True)
    shutil.copyfile(PROFILES / "logos" / "33.png", tmp / "logos" / "33.png")
    path = tmp / name
    path.write_text(text, encoding="utf-8")
    return path


def _line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def _codes(problems: list[prof.Problem]) -> list[str]:
    return [p.code for p in problems]


@pytest.mark.parametrize("name", ["33.toml", "01.toml"])
def test_the_shipped_profiles_are_valid(name: str) -> None:
    profile, problems = prof.validate(PROFILES / name)
    assert profile is not None, [p.message("en") for p in problems]
    assert problems == []
    assert profile.province in provinces()
    assert profile.logo is not None and profile.logo.is_file()


def test_every_profile_message_is_in_both_languages() -> None:
    for lang in ("vi", "en"):
        keys = {k for k in catalog(lang) if k.startswith(("profile.", "build."))}
        assert len(keys) > 20
    assert {k for k in catalog("vi") if k.startswith("profile.")} == {
        k for k in catalog("en") if k.startswith("profile.")
    }


@pytest.mark.parametrize(
    ("change", "needle", "code"),
    [
        (lambda t: t.replace('province = "33"', 'province = "99"'), 'province = "99"', "profile.province"),
        (lambda t: t.replace('province = "33"', "province = 33"), "province = 33", "profile.province"),
        (lambda t: t.replace('prefix = "HY"', 'prefix = "hy-1"'), 'prefix = "hy-1"', "profile.prefix"),
        (lambda t: t.replace('format = "a5"', 'format = "letter"'), 'format = "letter"', "profile.choice"),
        (lambda t: t.replace('language = "vi"', 'language = "fr"'), 'language = "fr"', "profile.choice"),
        (lambda t: t.replace('name = ""', 'name = ""\ncolour = "red"'), 'colour = "red"', "profile.unknown_key"),
        (
            lambda t: t.replace('url = "https://bhxh-hungyen.example.vn/"', 'url = "ftp://bhxh.example.vn/"'),
            'url = "ftp://',
            "profile.url_scheme",
        ),
        (lambda t: t.replace("monthly = 33_000", "monthly = -5"), "monthly = -5", "rules.money"),
        (
            lambda t: t.replace('groups = ["poor", "near_poor"]', 'groups = ["rich"]'),
            'groups = ["rich"]',
            "rules.groups",
        ),
        (
            lambda t: t.replace('province = "33"\ngroups', 'province = "01"\ngroups'),
            'province = "01"',
            "rules.province",
        ),
        (lambda t: t.replace("from = 2025-07-01", 'from = "July"'), 'from = "July"', "rules.date"),
        (
            lambda t: t.replace("[[rules.vsi.local_support]]", "[[rules.vsi.local_suport]]"),
            "local_suport",
            "rules.unknown_list",
        ),
    ],
)
def test_a_bad_value_is_named_with_its_line(tmp_path: Path, change, needle: str, code: str) -> None:
    text = change(GOOD)
    assert text != GOOD
    profile, problems = prof.validate(_write(tmp_path, text))
    assert profile is None
    assert code in _codes(problems)
    hit = next(p for p in problems if p.code == code)
    assert hit.line == _line_of(text, needle)
    assert hit.message("vi").startswith(f"dòng {hit.line}: ")
    assert hit.message("en").startswith(f"line {hit.line}: ")


@pytest.mark.parametrize("key", ["province", "language", "[organisation]", "url =", "prefix =", "format ="])
def test_a_missing_key_is_named(tmp_path: Path, key: str) -> None:
    text = "\n".join(line for line in GOOD.splitlines() if not line.startswith(key))
    profile, problems = prof.validate(_write(tmp_path, text))
    assert profile is None
    assert "profile.missing_key" in _codes(problems) or "profile.unknown_key" in _codes(problems)


def test_a_logo_that_is_not_an_image_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, GOOD)
    (tmp_path / "logos" / "33.png").write_bytes(b"%PDF-1.4 not a picture at all")
    profile, problems = prof.validate(path)
    assert profile is None
    assert _codes(problems) == ["profile.logo_not_image"]
    assert problems[0].line == _line_of(GOOD, "logo =")
    # a PNG header on a truncated body: Pillow sees through it
    (tmp_path / "logos" / "33.png").write_bytes((PROFILES / "logos" / "33.png").read_bytes()[:60])
    assert _codes(prof.validate(path)[1]) == ["profile.logo_not_image"]
    (tmp_path / "logos" / "33.png").unlink()
    assert _codes(prof.validate(path)[1]) == ["profile.logo_missing"]


def test_a_confirmed_national_rule_cannot_be_overridden(tmp_path: Path) -> None:
    text = GOOD + (
        '\n[[rules.base_salary]]\nid = "base_salary.2024-07"\nfrom = 2024-07-01\namount = 1\nbasis = "không"\n'
    )
    profile, problems = prof.validate(_write(tmp_path, text))
    assert profile is None
    assert _codes(problems) == ["rules.confirmed"]
    assert problems[0].line == _line_of(text, 'id = "base_salary.2024-07"')


def test_an_unconfirmed_rule_may_be_overridden(tmp_path: Path) -> None:
    text = GOOD + (
        '\n[[rules.vsi.return_rate]]\nid = "vsi.return_rate.2026"\nfrom = 2026-01-01\nmonthly_pct = 0.4\n'
        'basis = "Công bố của BHXH Việt Nam (ví dụ)"\n'
    )
    profile, problems = prof.validate(_write(tmp_path, text))
    assert profile is not None, [p.message("en") for p in problems]
    book = RuleBook.load(overrides=profile.rules)
    assert book.in_force("vsi.return_rate", date(2026, 1, 1))["monthly_pct"] == 0.4


def test_toml_syntax_errors_name_the_line(tmp_path: Path) -> None:
    text = GOOD.replace('prefix = "HY"', 'prefix = "HY')
    profile, problems = prof.validate(_write(tmp_path, text))
    assert profile is None
    assert _codes(problems) == ["profile.syntax"]
    assert problems[0].line == _line_of(text, 'prefix = "HY')


def test_not_utf8_and_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_bytes(GOOD.encode("cp1258", errors="replace"))
    assert _codes(prof.validate(path)[1]) == ["profile.not_utf8"]
    assert _codes(prof.validate(tmp_path / "none.toml")[1]) == ["profile.unreadable"]


class _Health(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        ok = self.path == "/v1/health"
        self.send_response(200 if ok else 404)
        self.end_headers()
        self.wfile.write(b'{"ok": true}' if ok else b"")

    def log_message(self, *args) -> None:
        pass


def test_an_unreachable_server_is_a_warning_and_a_reachable_one_is_fine(tmp_path: Path) -> None:
    server = HTTPServer(("127.0.0.1", 0), _Health)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/"
        text = GOOD.replace("https://bhxh-hungyen.example.vn/", url)
        profile, problems = prof.validate(_write(tmp_path, text), check_server=True)
        assert profile is not None and problems == []
    finally:
        server.shutdown()
        server.server_close()
    profile, problems = prof.validate(_write(tmp_path, text), check_server=True, timeout=2)
    assert profile is not None  # offline builds are normal
    assert [(p.code, p.warning) for p in problems] == [("profile.url_unreachable", True)]
    assert problems[0].line == _line_of(text, "url =")


def _build(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "packaging" / "build.py"), *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={"PATH": "/usr/bin:/bin", "FIELDAPP_LANG": "en"},
    )


def test_build_check_stops_on_a_bad_profile_with_line_and_reason(tmp_path: Path) -> None:
    text = GOOD.replace('province = "33"', 'province = "64"')
    done = _build("--profile", str(_write(tmp_path, text)), "--check", "--offline")
    assert done.returncode == 1
    assert f"line {_line_of(text, 'province =')}: province code 64" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    good = _build("--profile", str(PROFILES / "33.toml"), "--check", "--offline")
    assert good.returncode == 0, good.stderr
    strict = _build("--profile", str(PROFILES / "33.toml"), "--check", "--strict")
    assert strict.returncode == 1  # the example server does not answer
    assert "warning" in strict.stderr and "--strict" in strict.stderr


# --- property-based: whatever the file says, the validator answers with problems, never an exception ---

_scalars = st.one_of(
    st.text(max_size=20),
    st.integers(-(10**9), 10**9),
    st.booleans(),
    st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 1, 1)),
    st.lists(st.text(max_size=8), max_size=3),
)
_keys = st.sampled_from(
    ["province", "language", "organisation", "server", "receipts", "printer", "rules", "name", "url", "x"]
)


def _toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(json.dumps(v, ensure_ascii=False) for v in value) + "]"
    if isinstance(value, int):
        return str(value)
    return json.dumps(value, ensure_ascii=False)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    line=st.integers(0, len(GOOD.splitlines()) - 1),
    key=_keys,
    value=_scalars,
    table=st.booleans(),
)
def test_any_edit_of_a_line_gives_problems_not_exceptions(tmp_path: Path, line: int, key: str, value, table) -> None:
    lines = GOOD.splitlines()
    lines[line] = f"[{key}]" if table else f"{key} = {_toml_value(value)}"
    text = "\n".join(lines) + "\n"
    profile, problems = prof.validate(_write(tmp_path, text))
    for problem in problems:
        assert 0 <= problem.line <= len(lines)
        assert problem.code in catalog("en")
        assert problem.message("en") and problem.message("vi")
    if profile is None:
        assert any(not p.warning for p in problems)
    else:
        assert profile.province in provinces()
        assert prof.PREFIX.fullmatch(profile.receipt_prefix)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=400))
def test_random_bytes_are_refused_cleanly(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "random.toml"
    path.write_bytes(data)
    profile, problems = prof.validate(path)
    assert profile is None
    assert problems and all(p.code in catalog("en") for p in problems)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    monthly=st.integers(0, 2_000_000),
    groups=st.lists(st.sampled_from([g.value for g in SupportGroup]), min_size=1, max_size=4, unique=True),
)
def test_valid_local_support_lowers_the_quote(tmp_path: Path, monthly: int, groups: list[str]) -> None:
    text = GOOD.replace("monthly = 33_000", f"monthly = {monthly}").replace(
        'groups = ["poor", "near_poor"]', "groups = " + json.dumps(groups)
    )
    profile, problems = prof.validate(_write(tmp_path, text))
    assert profile is not None, [p.message("en") for p in problems]
    book = RuleBook.load(overrides=profile.rules)
    on = date(2026, 1, 5)
    quote = book.quote_vsi(income=1_500_000, months=1, on=on, group=SupportGroup(groups[0]), province="33")
    plain = RuleBook.load().quote_vsi(income=1_500_000, months=1, on=on, group=SupportGroup(groups[0]), province="33")
    assert quote.monthly_due == max(plain.monthly_due - monthly, 0) or quote.monthly_due == 0


# --- first start on a fresh data dir -------------------------------------------------------------------


def test_a_fresh_data_dir_is_seeded_from_the_profile_once(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv(prof.ENV_PROFILE, str(PROFILES / "01.toml"))
    prof.installed_profile.cache_clear()
    try:
        data = DataDir(tmp_path / "data")
        prof.start(data)
        s = Settings(data.settings)
        assert s.get(LANGUAGE) == "vi"
        assert s.get(RECEIPT_LAYOUT) == "80mm"
        assert s.get(SERVER_URL) == "https://bhxh-hanoi.example.vn/"
        assert s.get(RECEIPT_PREFIX) == "HN"
        assert (data.root / s.get(ORGANISATION_LOGO)).read_bytes() == (PROFILES / "logos" / "01.png").read_bytes()
        assert prof.letterhead_of(data).organisation == "Bưu điện Thành phố Hà Nội"
        assert prof.letterhead_of(data).logo == data.root / "logo.png"
        # the user's own choice afterwards is kept: the profile is applied only to a fresh data dir
        s.set(RECEIPT_LAYOUT, "a4")
        prof.start(data)
        assert Settings(data.settings).get(RECEIPT_LAYOUT) == "a4"
    finally:
        monkeypatch.delenv(prof.ENV_PROFILE)
        prof.installed_profile.cache_clear()


@pytest.mark.parametrize("value", ["3", "0", '"1"', "true", "1.5"])
def test_a_bad_payer_copy_is_named_in_both_languages(tmp_path: Path, value: str) -> None:
    """Issue 17, item 12: `[receipts] payer_copy` is 1 or 2 (which Liên of the A4 sheet the payer keeps)."""
    text = GOOD.replace("payer_copy = 1", f"payer_copy = {value}")
    profile, problems = prof.validate(_write(tmp_path, text))
    assert profile is None
    (hit,) = [p for p in problems if p.code == "profile.payer_copy"]
    assert hit.line == _line_of(text, "payer_copy =")
    assert "Liên 1" in hit.message("vi") and "người nộp tiền" in hit.message("vi")
    assert "copy" in hit.message("en") and "payer" in hit.message("en")


def test_payer_copy_defaults_to_the_first_and_may_be_the_second(tmp_path: Path) -> None:
    without = "\n".join(line for line in GOOD.splitlines() if not line.startswith("payer_copy"))
    profile, _ = prof.validate(_write(tmp_path, without))
    assert profile is not None and profile.payer_copy == 1
    profile, problems = prof.validate(_write(tmp_path, GOOD.replace("payer_copy = 1", "payer_copy = 2")))
    assert profile is not None and profile.payer_copy == 2, problems


def test_the_letterhead_takes_the_payer_copy_from_the_installed_profile(tmp_path: Path, monkeypatch) -> None:
    path = _write(tmp_path, GOOD.replace("payer_copy = 1", "payer_copy = 2"))
    monkeypatch.setenv(prof.ENV_PROFILE, str(path))
    prof.installed_profile.cache_clear()
    data = DataDir(tmp_path / "data")
    try:
        prof.start(data)
        assert prof.letterhead_of(data).payer_copy == 2
    finally:
        monkeypatch.delenv(prof.ENV_PROFILE)
        prof.installed_profile.cache_clear()
    assert prof.letterhead_of(data).payer_copy == 1  # nothing kept in the process: without a profile, Liên 1
