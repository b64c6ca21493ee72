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
    [printer]       format = "a5"  name = ""            # a5 | a4 | 80mm | 58mm; "" = the default printer
    [[rules.vsi.local_support]] …                       # local premium support, resources/rules format
"""

from __future__ import annotations

import os
import re
import shutil
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from fieldapp.outputs import private_writing
from fieldapp.paths import install_root, resource_path

ENV_PROFILE = "FIELDAPP_PROFILE"
BUNDLED = ("profile", "profile.toml")  # under install_root()
PRINT_FORMATS = ("a5", "a4", "80mm", "58mm")
LANGUAGES = ("vi", "en")
MAX_LOGO_BYTES = 2 * 1024 * 1024
PREFIX = re.compile(r"[A-Z0-9]{1,8}")
SUPPORT_GROUPS = ("poor", "near_poor", "ethnic_minority", "other")

# key -> required?; a nested dict is a table. `rules` is checked by _check_rules.
SCHEMA: dict[str, Any] = {
    "province": True,
    "language": True,
    "organisation": {"name": True, "logo": False},
    "server": {"url": True},
    "receipts": {"prefix": True},
    "printer": {"format": True, "name": False},
    "rules": False,
}
ENTRY_KEYS = {"id", "from", "basis", "note", "unconfirmed"}
LOCAL_SUPPORT_KEYS = {"id", "from", "basis", "note", "province", "groups", "monthly"}


@dataclass(frozen=True, slots=True)
class Problem:
    line: int  # 1-based; 0 when the whole file is at fault
    code: str  # message code in resources/messages (profile.*)
    params: Mapping[str, Any] = field(default_factory=dict)
    warning: bool = False  # the build goes on (unless --strict)

    def message(self, lang: str | None = None) -> str:
        from fieldapp.i18n import t

        text = t(self.code, lang, **self.params)
        return t("profile.at_line", lang, line=self.line, text=text) if self.line else text


@dataclass(frozen=True, slots=True)
class Profile:
    path: Path
    province: str
    language: str
    organisation: str
    logo: Path | None
    server_url: str
    receipt_prefix: str
    print_format: str
    printer_name: str
    rules: Mapping[str, Any]


class ProfileInvalid(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(p.message("en") for p in problems))
        self.problems = problems


# --- where each key is written ---------------------------------------------------------------------

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?")
_KEY = re.compile(r"^\s*([A-Za-z0-9_\-\".]+?)\s*=")


class _Lines:
    """Line numbers of tables and keys, found by reading the text (tomllib gives none)."""

    def __init__(self, text: str) -> None:
        self.keys: dict[tuple[Any, ...], int] = {}
        self.tables: dict[tuple[Any, ...], int] = {}
        counts: dict[tuple[str, ...], int] = {}
        table: tuple[Any, ...] = ()
        for number, line in enumerate(text.splitlines(), 1):
            header = _HEADER.match(line)
            if header:
                name = tuple(part.strip().strip('"') for part in header.group(2).split("."))
                if header.group(1) == "[[":
                    index = counts.get(name, 0)
                    counts[name] = index + 1
                    table = (*name, index)
                else:
                    table = name
                self.tables.setdefault(table, number)
                continue
            key = _KEY.match(line)
            if key:
                parts = tuple(part.strip('"') for part in key.group(1).split("."))
                self.keys.setdefault((*table, *parts), number)

    def of(self, path: tuple[Any, ...]) -> int:
        """The line of a key, else of its table, else of the nearest enclosing one that is written."""
        for end in range(len(path), 0, -1):
            part = path[:end]
            if part in self.keys:
                return self.keys[part]
            if part in self.tables:
                return self.tables[part]
            if (*part, 0) in self.tables:  # an array of tables: its first [[header]]
                return self.tables[(*part, 0)]
        return 0


# --- validation ---------------------------------------------------------------------------------------


def _decode_error_line(exc: tomllib.TOMLDecodeError) -> int:
    found = re.search(r"line (\d+)", str(exc))
    return int(found.group(1)) if found else 0


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


def _official_rules() -> dict[str, dict[str, Any]]:
    """The shipped rule lists by name and their entries by id."""
    with resource_path("rules", "vietnam.toml").open("rb") as f:
        data = tomllib.load(f)
    lists: dict[str, dict[str, Any]] = {}

    def walk(tree: Mapping[str, Any], prefix: str) -> None:
        for key, value in tree.items():
            if isinstance(value, list) and value and isinstance(value[0], dict):
                lists[prefix + key] = {e["id"]: e for e in value}
            elif isinstance(value, dict):
                walk(value, prefix + key + ".")

    walk(data, "")
    return lists


def _check_rules(rules: Any, province: Any, lines: _Lines) -> Iterator[Problem]:
    if not isinstance(rules, dict):
        yield Problem(lines.of(("rules",)), "profile.not_table", {"key": "rules"})
        return
    official = _official_rules()

    def walk(tree: Mapping[str, Any], path: tuple[str, ...]) -> Iterator[Problem]:
        for key, value in tree.items():
            here = (*path, key)
            name = ".".join(here[1:])
            if isinstance(value, dict):
                yield from walk(value, here)
            elif isinstance(value, list) and all(isinstance(e, dict) for e in value) and value:
                yield from entries(name, value, here)
            else:
                yield Problem(lines.of(here), "profile.rule_list", {"key": ".".join(here)})

    def entries(name: str, value: list[dict[str, Any]], path: tuple[str, ...]) -> Iterator[Problem]:
        local = name == "vsi.local_support"
        if not local and name not in official:
            yield Problem(lines.of(path), "profile.rule_unknown_list", {"key": name})
            return
        shipped = official.get(name, {})
        sample = next(iter(shipped.values()), {})
        allowed = LOCAL_SUPPORT_KEYS if local else ENTRY_KEYS | set(sample)
        for index, entry in enumerate(value):
            at = (*path, index)
            for key in entry:
                if key not in allowed:
                    yield Problem(lines.of((*at, key)), "profile.unknown_key", {"key": f"{name}.{key}"})
            entry_id = entry.get("id")
            if not isinstance(entry_id, str) or not entry_id.strip():
                yield Problem(lines.of((*at, "id")), "profile.rule_field", {"key": f"{name}.id"})
            elif entry_id in shipped and not shipped[entry_id].get("unconfirmed"):
                yield Problem(lines.of((*at, "id")), "profile.rule_confirmed", {"id": entry_id})
            if not isinstance(entry.get("from"), date):
                yield Problem(lines.of((*at, "from")), "profile.rule_date", {"key": f"{name}.from"})
            if not isinstance(entry.get("basis"), str) or not entry["basis"].strip():
                yield Problem(lines.of((*at, "basis")), "profile.rule_field", {"key": f"{name}.basis"})
            if local:
                yield from local_support(entry, at)
            else:
                for key in set(sample) - ENTRY_KEYS:
                    if key not in entry:
                        yield Problem(lines.of(at), "profile.missing_key", {"key": f"{name}.{key}"})
                    elif type(entry[key]) is not type(sample[key]):
                        yield Problem(lines.of((*at, key)), "profile.rule_field", {"key": f"{name}.{key}"})

    def local_support(entry: Mapping[str, Any], at: tuple[Any, ...]) -> Iterator[Problem]:
        if entry.get("province") != province:
            yield Problem(
                lines.of((*at, "province")), "profile.rule_province", {"found": entry.get("province"), "code": province}
            )
        groups = entry.get("groups")
        if (
            not isinstance(groups, list)
            or not groups
            or not all(isinstance(g, str) and g in SUPPORT_GROUPS for g in groups)
        ):
            yield Problem(lines.of((*at, "groups")), "profile.rule_groups", {"allowed": ", ".join(SUPPORT_GROUPS)})
        monthly = entry.get("monthly")
        if not isinstance(monthly, int) or isinstance(monthly, bool) or not 0 <= monthly <= 10_000_000:
            yield Problem(lines.of((*at, "monthly")), "profile.rule_money", {"key": "vsi.local_support.monthly"})

    yield from walk(rules, ("rules",))


def _check_tree(data: Mapping[str, Any], schema: Mapping[str, Any], path: tuple[str, ...], lines: _Lines):
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
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, [Problem(0, "profile.unreadable", {"path": str(path), "reason": exc.strerror or str(exc)})]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None, [Problem(0, "profile.not_utf8", {"path": str(path)})]
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return None, [Problem(_decode_error_line(exc), "profile.syntax", {"reason": str(exc).split(" (at ")[0]})]
    lines = _Lines(text)
    problems = list(_check_tree(data, SCHEMA, (), lines))

    from fieldapp.domain.admin_units import provinces

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
    logo_value = _text(data, "organisation", "logo")
    logo: Path | None = None
    if logo_value is not None:
        if not isinstance(logo_value, str) or not logo_value.strip():
            problems.append(
                Problem(lines.of(("organisation", "logo")), "profile.not_text", {"key": "organisation.logo"})
            )
        else:
            logo = (path.parent / logo_value).resolve()
            why = (
                "missing"
                if not logo.is_file()
                else ("too_big" if logo.stat().st_size > MAX_LOGO_BYTES else _is_image(logo))
            )
            if why:
                code = {"missing": "profile.logo_missing", "too_big": "profile.logo_too_big"}.get(
                    why, "profile.logo_not_image"
                )
                problems.append(Problem(lines.of(("organisation", "logo")), code, {"path": str(logo)}))
    url = _text(data, "server", "url")
    if url is not None:
        bad = _check_url(url)
        if bad:
            problems.append(Problem(lines.of(("server", "url")), "profile.url_scheme", {"url": url}))
        elif check_server:
            reason = server_unreachable(url, timeout)
            if reason:
                problems.append(
                    Problem(
                        lines.of(("server", "url")), "profile.url_unreachable", {"url": url, "reason": reason}, True
                    )
                )
    prefix = _text(data, "receipts", "prefix")
    if prefix is not None and (not isinstance(prefix, str) or not PREFIX.fullmatch(prefix)):
        problems.append(Problem(lines.of(("receipts", "prefix")), "profile.prefix"))
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
    if "rules" in data:
        problems.extend(_check_rules(data["rules"], province, lines))
        if not any(not p.warning for p in problems):
            problems.extend(_check_rule_book(data["rules"], lines))
    problems.sort(key=lambda p: (p.warning, p.line))
    if any(not p.warning for p in problems):
        return None, problems
    return (
        Profile(
            path=path,
            province=province,
            language=language,
            organisation=name.strip(),
            logo=logo,
            server_url=url.strip(),
            receipt_prefix=prefix,
            print_format=print_format,
            printer_name=(printer or "").strip(),
            rules=data.get("rules", {}),
        ),
        problems,
    )


def _check_rule_book(rules: Mapping[str, Any], lines: _Lines) -> Iterator[Problem]:
    """The merged rules must still price a quote on each local entry's first day."""
    from fieldapp.domain.enums import SupportGroup
    from fieldapp.domain.premiums import RuleBook
    from fieldapp.errors import InputRefused

    book = RuleBook.load(overrides=rules)
    for index, entry in enumerate(_text(rules, "vsi", "local_support") or []):
        for group in entry["groups"]:
            try:
                floor, _ = book.vsi_income_bounds(entry["from"])
                book.quote_vsi(
                    income=floor,
                    months=1,
                    on=entry["from"],
                    group=SupportGroup(group),
                    province=entry["province"],
                )
            except (InputRefused, KeyError, TypeError, ValueError) as exc:
                yield Problem(
                    lines.of(("rules", "vsi", "local_support", index)),
                    "profile.rule_quote",
                    {"id": entry["id"], "reason": str(exc)},
                )


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
    """The organisation's name and logo for receipts (from the data dir's settings, seeded by the profile)."""

    organisation: str = ""
    logo: Path | None = None


_active: dict[str, Letterhead] = {"now": Letterhead()}


def start(data_dir: Any) -> None:
    """At every start: seed a fresh data dir from the installed profile, then take its letterhead.

    Never stops the app: a broken profile or an unwritable folder is logged and the defaults are used.
    """
    import logging

    from fieldapp import settings as s

    log = logging.getLogger(__name__)
    try:
        if seed_settings(data_dir.settings):
            log.info("settings seeded from the province profile %s", installed_profile_path())
    except (ProfileInvalid, OSError) as exc:
        log.warning("province profile not applied: %s", exc)
    values = s.Settings(data_dir.settings)
    logo_name = values.get(s.ORGANISATION_LOGO)
    logo = data_dir.root / Path(logo_name).name if logo_name else None
    _active["now"] = Letterhead(values.get(s.ORGANISATION_NAME), logo if logo and logo.is_file() else None)


def letterhead() -> Letterhead:
    return _active["now"]


def enrol_server(data_dir: Any) -> str:
    """`fieldapp enrol` without --server: the province profile's server, seeded into settings."""
    from fieldapp import settings as s
    from fieldapp.errors import UsageError

    url = s.Settings(data_dir.settings).get(s.SERVER_URL)
    if not url:
        raise UsageError("cli.server_needed")
    return url
