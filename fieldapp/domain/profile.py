"""A province profile (packaging/profiles/<code>.toml): what one province's installer carries.

`validate(path)` reads the TOML file and returns every problem with its line and a message code
(resources/messages, `profile.*`), so the build can stop with "line 12: …" instead of a traceback.
An installed app finds its profile in the bundle (`profile/profile.toml` beside `resources/`) or, from a
source tree, through `FIELDAPP_PROFILE`; `seed_settings` fills a fresh data dir's settings from it.

The format (packaging/profiles/33.toml is the documented example):

    province = "33"                 # one of the 34 codes of fieldapp.domain.admin_units
    language = "vi"                 # vi | en: the app's language on first start
    [organisation]  name = "…"  logo = "logo-33.png"   # on receipts; the logo is optional (PNG or JPEG)
    [server]        url = "https://…/"                  # the province's sync server, for `fieldapp enrol`
    [receipts]      prefix = "HY"                       # receipt series prefix (1–8 capitals or digits)
                    payer_copy = 1                      # optional: the A4 sheet's Liên the payer keeps, 1 or 2
    [printer]       format = "a5"  name = ""            # a5 | a4 | 80mm | 58mm; "" = the default printer
    [[rules.vsi.local_support]] …                       # local premium support, resources/rules format
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from fieldapp.domain import rulefile, ruleformat
from fieldapp.outputs import private_writing
from fieldapp.paths import install_root
from fieldapp.tomltext import Lines, Problem, parse

ENV_PROFILE = "FIELDAPP_PROFILE"
BUNDLED = ("profile", "profile.toml")  # under install_root()
PRINT_FORMATS = ("a5", "a4", "80mm", "58mm")
LANGUAGES = ("vi", "en")
MAX_LOGO_BYTES = 2 * 1024 * 1024
PREFIX = re.compile(r"[A-Z0-9]{1,8}")
PAYER_COPIES = (1, 2)  # which copy (Liên) of the A4 sheet the payer keeps; the other stays with the organisation

# key -> required?; a nested dict is a table. `rules` is checked by _check_rules.
SCHEMA: dict[str, Any] = {
    "province": True,
    "language": True,
    "organisation": {"name": True, "logo": False},
    "server": {"url": True},
    "receipts": {"prefix": True, "payer_copy": False},
    "printer": {"format": True, "name": False},
    "rules": False,
}


@dataclass(frozen=True, slots=True)
class Profile:
    path: Path
    province: str
    language: str
    organisation: str
    logo: Path | None
    server_url: str
    receipt_prefix: str
    payer_copy: int  # PAYER_COPIES: Liên 1 (the default, as before) or Liên 2 goes to the payer
    print_format: str
    printer_name: str
    rules: Mapping[str, Any]


class ProfileInvalid(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(p.message("en") for p in problems))
        self.problems = problems


# --- validation ---------------------------------------------------------------------------------------


def _is_image(path: Path) -> str | None:
    """None if the file is a PNG or JPEG image, else why not (Pillow when installed, else magic bytes)."""
    try:
        head = path.read_bytes()[:16]
    except OSError as exc:
        return exc.strerror or type(exc).__name__
    if not (head.startswith(b"\x89PNG\r\n\x1a\n") or head.startswith(b"\xff\xd8\xff")):
        return "not_png_jpeg"
    try:
        from PIL import Image
    except ImportError:
        return None
    try:
        with Image.open(path) as image:
            image.verify()
        with Image.open(path) as image:
            image.load()
            if image.format not in ("PNG", "JPEG"):
                return "not_png_jpeg"
    except Exception:  # Pillow raises many kinds for a damaged file
        return "damaged"
    return None


def _check_url(url: Any) -> str | None:
    import urllib.parse

    if not isinstance(url, str):
        return "profile.not_text"
    parts = urllib.parse.urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "profile.url_scheme"
    if any(c.isspace() for c in url.strip()):
        return "profile.url_scheme"
    return None


def _check_rules(rules: Any, province: Any, lines: Lines) -> Iterator[Problem]:
    """The profile's `[rules]`: a province file's entries (fieldapp.domain.rulefile), at ("rules",), and
    the merged rules must still price a quote on each entry's first day."""
    from fieldapp.domain.premiums import RuleBook

    code = province if isinstance(province, str) else None
    origin = rulefile.Origin(ruleformat.PROFILE, rulefile.PROVINCE, "profile", None, code)
    problems = list(rulefile.check_tree(rules, lines, ("rules",), origin=origin))
    yield from problems
    if problems:
        return
    found = ruleformat.profile_file(rules, code)
    book = RuleBook.from_files([rulefile.shipped(), found])
    for entry_id, why in rulefile.prices(book, found):
        yield Problem(lines.of(("rules",)), "rules.quote", {"id": entry_id, "reason": why})


def _check_tree(data: Mapping[str, Any], schema: Mapping[str, Any], path: tuple[str, ...], lines: Lines):
    for key in data:
        if key not in schema:
            yield Problem(lines.of((*path, key)), "profile.unknown_key", {"key": ".".join((*path, key))})
    for key, spec in schema.items():
        here = (*path, key)
        if isinstance(spec, dict):
            value = data.get(key)
            if value is None:
                yield Problem(lines.of(path), "profile.missing_key", {"key": ".".join(here)})
            elif not isinstance(value, dict):
                yield Problem(lines.of(here), "profile.not_table", {"key": ".".join(here)})
            else:
                yield from _check_tree(value, spec, here, lines)
        elif spec and key not in data:
            yield Problem(lines.of(path), "profile.missing_key", {"key": ".".join(here)})


def _text(data: Mapping[str, Any], *path: str) -> Any:
    value: Any = data
    for key in path:
        value = value.get(key) if isinstance(value, dict) else None
    return value


def validate(path: Path, *, check_server: bool = False, timeout: float = 5.0) -> tuple[Profile | None, list[Problem]]:
    """The profile and every problem found (errors first by line). The profile is None if any error."""
    path = Path(path)
    parsed = _read(path)
    if isinstance(parsed, Problem):
        return None, [parsed]
    data, lines = parsed
    problems = list(_check_tree(data, SCHEMA, (), lines))
    problems += _check_place(data, lines)
    logo, logo_problems = _check_logo(data, path, lines)
    problems += logo_problems
    problems += _check_server_url(data, lines, check_server, timeout)
    problems += _check_receipts_and_printer(data, lines)
    province = data.get("province")
    if "rules" in data:
        problems.extend(_check_rules(data["rules"], province, lines))
    problems.sort(key=lambda p: (p.warning, p.line))
    if any(not p.warning for p in problems):
        return None, problems
    return (
        Profile(
            path=path,
            province=province,
            language=data.get("language"),
            organisation=_text(data, "organisation", "name").strip(),
            logo=logo,
            server_url=_text(data, "server", "url").strip(),
            receipt_prefix=_text(data, "receipts", "prefix"),
            payer_copy=_text(data, "receipts", "payer_copy") or PAYER_COPIES[0],
            print_format=_text(data, "printer", "format"),
            printer_name=(_text(data, "printer", "name") or "").strip(),
            rules=data.get("rules", {}),
        ),
        problems,
    )


def _read(path: Path) -> tuple[dict[str, Any], Lines] | Problem:
    """The file's TOML and where each key is, or the one problem that stops reading it."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return Problem(0, "profile.unreadable", {"path": str(path), "reason": exc.strerror or str(exc)})
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return Problem(0, "profile.not_utf8", {"path": str(path)})
    return parse(text, "profile.syntax")


def _check_place(data: dict[str, Any], lines: Lines) -> list[Problem]:
    """The province, the language and the organisation's name."""
    from fieldapp.domain.admin_units import provinces

    problems = []
    province = data.get("province")
    if "province" in data and (not isinstance(province, str) or province not in provinces()):
        problems.append(
            Problem(lines.of(("province",)), "profile.province", {"code": province, "count": len(provinces())})
        )
    language = data.get("language")
    if "language" in data and language not in LANGUAGES:
        problems.append(Problem(lines.of(("language",)), "profile.choice", {"key": "language", "allowed": "vi, en"}))
    name = _text(data, "organisation", "name")
    if name is not None and (not isinstance(name, str) or not name.strip() or len(name) > 200):
        problems.append(Problem(lines.of(("organisation", "name")), "profile.org_name"))
    return problems


def _check_logo(data: dict[str, Any], path: Path, lines: Lines) -> tuple[Path | None, list[Problem]]:
    """The organisation's logo, beside the profile: there, small enough, an image."""
    logo_value = _text(data, "organisation", "logo")
    if logo_value is None:
        return None, []
    if not isinstance(logo_value, str) or not logo_value.strip():
        return None, [Problem(lines.of(("organisation", "logo")), "profile.not_text", {"key": "organisation.logo"})]
    logo = (path.parent / logo_value).resolve()
    why = "missing" if not logo.is_file() else ("too_big" if logo.stat().st_size > MAX_LOGO_BYTES else _is_image(logo))
    if not why:
        return logo, []
    code = {"missing": "profile.logo_missing", "too_big": "profile.logo_too_big"}.get(why, "profile.logo_not_image")
    return logo, [Problem(lines.of(("organisation", "logo")), code, {"path": str(logo)})]


def _check_server_url(data: dict[str, Any], lines: Lines, check_server: bool, timeout: float) -> list[Problem]:
    """The server's address, and whether it answers when `check_server` (a warning when it does not)."""
    url = _text(data, "server", "url")
    if url is None:
        return []
    if _check_url(url):
        return [Problem(lines.of(("server", "url")), "profile.url_scheme", {"url": url})]
    if check_server:
        reason = server_unreachable(url, timeout)
        if reason:
            return [
                Problem(lines.of(("server", "url")), "profile.url_unreachable", {"url": url, "reason": reason}, True)
            ]
    return []


def _check_receipts_and_printer(data: dict[str, Any], lines: Lines) -> list[Problem]:
    problems = []
    prefix = _text(data, "receipts", "prefix")
    if prefix is not None and (not isinstance(prefix, str) or not PREFIX.fullmatch(prefix)):
        problems.append(Problem(lines.of(("receipts", "prefix")), "profile.prefix"))
    copy = _text(data, "receipts", "payer_copy")
    if copy is not None and (type(copy) is not int or copy not in PAYER_COPIES):  # bool is an int: refused too
        problems.append(Problem(lines.of(("receipts", "payer_copy")), "profile.payer_copy", {"value": copy}))
    print_format = _text(data, "printer", "format")
    if print_format is not None and print_format not in PRINT_FORMATS:
        problems.append(
            Problem(
                lines.of(("printer", "format")),
                "profile.choice",
                {"key": "printer.format", "allowed": ", ".join(PRINT_FORMATS)},
            )
        )
    printer = _text(data, "printer", "name")
    if printer is not None and (not isinstance(printer, str) or len(printer) > 200):
        problems.append(Problem(lines.of(("printer", "name")), "profile.not_text", {"key": "printer.name"}))
    return problems


def load(path: Path) -> Profile:
    """The profile, or ProfileInvalid listing the problems (warnings alone do not refuse it)."""
    profile, problems = validate(path)
    if profile is None:
        raise ProfileInvalid([p for p in problems if not p.warning])
    return profile


def server_unreachable(url: str, timeout: float = 5.0) -> str | None:
    """None if the server answers `GET /v1/health`, else why not (offline builds are normal: a warning)."""
    import urllib.error
    import urllib.parse
    import urllib.request

    health = urllib.parse.urljoin(url if url.endswith("/") else url + "/", "v1/health")
    try:
        with urllib.request.urlopen(health, timeout=timeout) as answer:
            if answer.status >= 400:
                return f"HTTP {answer.status}"
    except urllib.error.HTTPError as exc:
        return f"HTTP {exc.code}"
    except (urllib.error.URLError, OSError, ValueError) as exc:
        return str(getattr(exc, "reason", exc))
    return None


# --- the installed app's profile ----------------------------------------------------------------------


def installed_profile_path() -> Path | None:
    env = os.environ.get(ENV_PROFILE)
    if env:
        return Path(env).expanduser()
    bundled = install_root().joinpath(*BUNDLED)
    return bundled if bundled.is_file() else None


@cache
def installed_profile() -> Profile | None:
    """The profile this install carries; None from a plain source tree. A broken one is an error."""
    path = installed_profile_path()
    return None if path is None else load(path)


def installed_rule_file() -> rulefile.RuleFile | None:
    """The profile's rule entries as a province rule file, merged into the premium rules (None: none)."""
    rules = installed_rules()
    if not rules:
        return None
    return ruleformat.profile_file(rules, installed_profile().province)  # type: ignore[union-attr]


def installed_rules() -> Mapping[str, Any]:
    """The profile's rule entries to merge into the shipped premium rules ({} without a profile)."""
    try:
        profile = installed_profile()
    except ProfileInvalid:
        return {}
    return profile.rules if profile else {}


def seed_settings(settings_path: Path) -> bool:
    """On a fresh data dir (no settings.json yet) write the profile's settings; True if it did.

    The logo is copied into the data dir, so receipts keep it when the app is moved or upgraded.
    Later changes in Settings are the user's: the profile is never applied again.
    """
    if settings_path.exists() or installed_profile_path() is None:
        return False  # checked first: every later start costs no profile parsing
    profile = installed_profile()
    if profile is None:
        return False
    from fieldapp import settings as s

    store = s.Settings(settings_path)
    values: list[tuple[s.Setting[Any], Any]] = [
        (s.LANGUAGE, profile.language),
        (s.RECEIPT_LAYOUT, profile.print_format),
        (s.PRINTER_NAME, profile.printer_name),
        (s.SERVER_URL, profile.server_url),
        (s.RECEIPT_PREFIX, profile.receipt_prefix),
        (s.ORGANISATION_NAME, profile.organisation),
        (s.PROFILE_PROVINCE, profile.province),
    ]
    if profile.logo is not None:
        copy = settings_path.parent / f"logo{profile.logo.suffix.lower()}"
        with private_writing(copy) as tmp:  # fieldapp.outputs: atomic, 0600, in a 0700 folder
            shutil.copyfile(profile.logo, tmp)
        values.append((s.ORGANISATION_LOGO, copy.name))
    store.update(values)
    return True


@dataclass(frozen=True, slots=True)
class Letterhead:
    """The organisation's name and logo for receipts (from the data dir's settings, seeded by the profile), and
    which copy of the A4 sheet the payer keeps (the installed profile's own, read at every start: it is the
    province's practice, not a user's choice)."""

    organisation: str = ""
    logo: Path | None = None
    payer_copy: int = PAYER_COPIES[0]


def start(data_dir: Any) -> None:
    """At every start: seed a fresh data dir from the installed profile (once; later changes are the user's).

    Never stops the app: a broken profile or an unwritable folder is logged and the defaults are used.
    """
    import logging

    log = logging.getLogger(__name__)
    try:
        if seed_settings(data_dir.settings):
            log.info("settings seeded from the province profile %s", installed_profile_path())
    except (ProfileInvalid, OSError) as exc:
        log.warning("province profile not applied: %s", exc)


def letterhead_of(data_dir: Any) -> Letterhead:
    """The letterhead receipts print with on this data dir: its settings' organisation and logo (seeded by
    the profile), and the installed profile's payer copy (the province's practice, not a user's choice).
    Read when receipts are made ready to print, never kept in the process."""
    import logging

    from fieldapp import settings as s

    values = s.Settings(data_dir.settings)
    logo_name = values.get(s.ORGANISATION_LOGO)
    logo = data_dir.root / Path(logo_name).name if logo_name else None
    return Letterhead(
        values.get(s.ORGANISATION_NAME),
        logo if logo and logo.is_file() else None,
        _payer_copy(logging.getLogger(__name__)),
    )


def _payer_copy(log: Any) -> int:
    """The installed profile's payer copy; the default without a profile or with a broken one (logged)."""
    try:
        profile = installed_profile()
    except ProfileInvalid as exc:
        log.warning("province profile not applied: %s", exc)
        return PAYER_COPIES[0]
    return profile.payer_copy if profile else PAYER_COPIES[0]


def enrol_server(data_dir: Any) -> str:
    """`fieldapp enrol` without --server: the province profile's server, seeded into settings."""
    from fieldapp import settings as s
    from fieldapp.errors import UsageError

    url = s.Settings(data_dir.settings).get(s.SERVER_URL)
    if not url:
        raise UsageError("cli.server_needed")
    return url
