"""Build one province's installer: `python packaging/build.py --profile packaging/profiles/33.toml`.

1. validates the profile (fieldapp.domain.profile): an error stops the build with its line and reason; an
   unreachable server URL is only a warning (offline builds are normal) unless --strict;
2. runs PyInstaller with packaging/fieldapp.spec (one-folder; the same spec on Linux and Windows), the
   profile and its logo carried in the bundle as profile/; on Linux, Qt's ICU data (libicudata, 32 MB) is then
   cut down to Vietnamese and English (trim_icu: needs icupkg, genccode, genrb, derb from icu-devtools, readelf
   and gcc; without them the full data stays and the build says so);
3. Linux: dist/fieldapp-<version>-<province>-linux-x86_64.tar.gz and dist/fieldapp-<province>_<version>_amd64.deb
   (installs to /opt/fieldapp-<province>, /usr/bin/fieldapp, a menu entry and an icon; removing it never
   touches the users' data folders). Windows: the bundle, then makensis packaging/windows/fieldapp.nsi
   gives dist/fieldapp-<version>-<province>-windows-x64-setup.exe;
4. writes dist/fieldapp-<version>-<province>.json (what was built, sizes, seconds, the inputs' hash).

A second run with the same inputs (the source, the spec, the profile, Python and PyInstaller) reuses the
bundle (`--force` rebuilds). Exit codes: 0 built; 1 the profile was refused; 2 usage; 4 a step failed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import re
import shutil
import struct
import subprocess
import sys
import tarfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fieldapp import __version__  # noqa: E402
from fieldapp.domain.profile import Profile, validate  # noqa: E402
from fieldapp.i18n import normalise_language, t  # noqa: E402

SPEC = ROOT / "packaging" / "fieldapp.spec"
NSIS_SCRIPT = ROOT / "packaging" / "windows" / "fieldapp.nsi"
ICON = ROOT / "packaging" / "icons" / "fieldapp.png"
# The !defines packaging/windows/fieldapp.nsi needs; tests/packaging/test_windows.py checks they agree.
NSIS_DEFINES = ("VERSION", "PROVINCE", "PROVINCE_NAME", "BUNDLE_DIR", "OUTFILE", "ICON")
# What goes into the bundle: a change in any of these makes a new bundle.
INPUTS = ("fieldapp", "ui", "resources", "db", "packaging/fieldapp.spec", "packaging/entry.py", "pyproject.toml")
DEB_DEPENDS = "libc6 (>= 2.31), libcups2, libgl1, libegl1, libfontconfig1, libxkbcommon0, libdbus-1-3"


class StepFailed(Exception):
    def __init__(self, step: str, code: int, log: Path) -> None:
        super().__init__(step)
        self.step, self.code, self.log = step, code, log


def names(profile: Profile) -> dict[str, str]:
    base = f"fieldapp-{__version__}-{profile.province}"
    return {
        "bundle": f"fieldapp-{profile.province}",
        "tarball": f"{base}-linux-x86_64.tar.gz",
        "deb": f"fieldapp-{profile.province}_{__version__}_amd64.deb",
        "setup": f"{base}-windows-x64-setup.exe",
        "manifest": f"{base}.json",
    }


def inputs_hash(profile: Profile) -> str:
    digest = hashlib.sha256()
    digest.update(f"{sys.version} {platform.machine()} {sys.platform}".encode())
    try:
        from importlib.metadata import version

        digest.update(version("pyinstaller").encode())
    except Exception:  # no PyInstaller: the build stops later with its own message
        pass
    files = [profile.path, *([profile.logo] if profile.logo else []), Path(__file__)]
    for name in INPUTS:
        path = ROOT / name
        files.extend(sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path])
    for path in files:
        if "__pycache__" in path.parts or path.suffix == ".pyc":
            continue
        digest.update(str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path.name).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def stage_profile(profile: Profile, where: Path) -> Path:
    """profile/profile.toml with its logo beside it (the logo key rewritten to the copy's name)."""
    shutil.rmtree(where, ignore_errors=True)
    where.mkdir(parents=True)
    text = profile.path.read_text(encoding="utf-8")
    if profile.logo is not None:
        logo_name = f"logo{profile.logo.suffix.lower()}"
        shutil.copyfile(profile.logo, where / logo_name)
        lines = text.splitlines(keepends=True)
        for i, line in enumerate(lines):
            if line.lstrip().startswith("logo") and "=" in line:
                lines[i] = f'logo = "{logo_name}"\n'
                break
        text = "".join(lines)
    (where / "profile.toml").write_text(text, encoding="utf-8")
    return where


def run(step: str, command: list[str], log: Path, env: dict[str, str] | None = None) -> None:
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w", encoding="utf-8") as out:
        done = subprocess.run(command, stdout=out, stderr=subprocess.STDOUT, env=env, check=False, cwd=ROOT)
    if done.returncode != 0:
        raise StepFailed(step, done.returncode, log)


def pyinstaller(profile: Profile, staged: Path, work: Path, bundle_name: str) -> Path:
    env = dict(os.environ, FIELDAPP_BUILD_PROFILE_DIR=str(staged), FIELDAPP_BUILD_NAME=bundle_name)
    dist = work / "dist"
    shutil.rmtree(dist / bundle_name, ignore_errors=True)
    command = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN"]
    command += ["--distpath", str(dist), "--workpath", str(work / "pyinstaller"), str(SPEC)]
    run("pyinstaller", command, work / "pyinstaller.log", env)
    return dist / bundle_name


def tree_size(path: Path) -> int:
    return sum(p.lstat().st_size for p in path.rglob("*") if p.is_file() or p.is_symlink())


# Qt's ICU data (libicudata.so.73, 32 MB) holds every locale of CLDR. Qt uses ICU only for collation
# (QCollator), code page converters, time zone names and case mapping, for a Vietnamese/English app: the
# data is cut down to root, en* and vi* (every tree: locales, coll, curr, lang, region, unit, zone, rbnf,
# brkitr), the core data every ICU call needs (ucadata, nfkc, uts46, cnvalias, the pools and the
# supplemental tables) and the single-byte code pages (windows-1258 among them); the multi-byte CJK code
# pages, the CJK/Thai/Lao/Khmer/Burmese word dictionaries and the transliterator rules go.
ICU_LANGUAGES = ("en", "vi")
ICU_TOOLS = ("icupkg", "genccode", "genrb", "derb", "readelf", "gcc")
ICU_TREES = ("", "coll/", "curr/", "lang/", "region/", "unit/", "zone/", "rbnf/", "brkitr/")
ICU_CNV_MAX = 16_000  # single-byte code pages are 1–3 KB, the multi-byte ones 20–550 KB
_ICU_LOCALE = re.compile(r"[a-z]{2,3}(_[A-Za-z0-9]*)*")


def icu_items(data: bytes) -> dict[str, int]:
    """An ICU common data file's table of contents: item name → size in bytes."""
    if data[2:4] != b"\xda\x27" or data[8:10] != b"\0\0":  # ICU's magic; little-endian, ASCII names
        raise ValueError("not little-endian ICU data")
    header = struct.unpack_from("<H", data, 0)[0]
    count = struct.unpack_from("<I", data, header)[0]
    entries = [struct.unpack_from("<II", data, header + 4 + 8 * i) for i in range(count)]
    items = {}
    for i, (name_at, data_at) in enumerate(entries):
        start = header + name_at
        name = data[start : data.index(b"\0", start)].decode("ascii")
        end = entries[i + 1][1] if i + 1 < count else len(data) - header
        items[name.split("/", 1)[1]] = end - data_at  # without the package's prefix (icudt73l/)
    return items


def icu_keep(item: str, size: int) -> bool:
    tree, _, name = item.rpartition("/")
    if tree == "translit" or name.endswith(".dict") or (tree == "brkitr" and "_cj" in name):
        return False
    if name.endswith(".cnv"):
        return size <= ICU_CNV_MAX
    stem, ext = os.path.splitext(name)
    if ext != ".res" or stem in ("root", "pool", "res_index") or not _ICU_LOCALE.fullmatch(stem):
        return True
    return stem.split("_")[0] in ICU_LANGUAGES


def _res_index(dumped: str, kept: set[str], tree: str) -> str:
    """derb's text of a tree's res_index.res with only the locales still in the package listed."""
    out = []
    for line in dumped.splitlines():
        entry = re.fullmatch(r'\s+([A-Za-z0-9_]+) \{ "" \}', line)
        if entry and f"{tree}{entry.group(1)}.res" not in kept:
            continue
        # derb leaves out that the index has no parent (icupkg would look for res.res)
        out.append("res_index:table(nofallback){" if line == "res_index{" else line)
    return "\n".join(out) + "\n"


def trim_icu(bundle: Path, work: Path) -> str | None:
    """Replace the bundle's libicudata.so.NN with one holding only what a Vietnamese/English app uses.
    Returns what happened (for the build's output), None when the bundle has no ICU data of its own."""
    lang = normalise_language(os.environ.get("FIELDAPP_LANG"))
    found = sorted(bundle.rglob("libicudata.so.*"))
    library = next((p for p in found if not p.is_symlink() and re.fullmatch(r"libicudata\.so\.\d+", p.name)), None)
    if library is None:
        return None
    size_mb = f"{library.stat().st_size / 1e6:.1f}"
    missing = [tool for tool in ICU_TOOLS if shutil.which(tool) is None]
    if missing:
        return t("build.icu_no_tools", lang, size=size_mb, tools=", ".join(missing))
    major = library.name.rsplit(".", 1)[1]
    symbol = f"icudt{major}_dat"
    where = work / "icu"
    shutil.rmtree(where, ignore_errors=True)
    (where / "items").mkdir(parents=True)
    log = work / "icu.log"
    try:
        symbols = subprocess.run(["readelf", "-Ws", str(library)], capture_output=True, text=True, check=True).stdout
        sections = subprocess.run(["readelf", "-SW", str(library)], capture_output=True, text=True, check=True).stdout
        value, size = next(
            (int(f[1], 16), int(f[2], 0)) for f in (line.split() for line in symbols.splitlines()) if f[-1:] == [symbol]
        )
        # the section holding the symbol: [Nr] Name Type Address Off Size …
        for line in sections.splitlines():
            f = line.replace("[ ", "[").split()
            if len(f) > 5 and re.fullmatch(r"[0-9a-f]{16}", f[3]):
                address, offset, length = int(f[3], 16), int(f[4], 16), int(f[5], 16)
                if address <= value < address + length:
                    break
        else:
            raise ValueError(f"{symbol} is in no section")
        with library.open("rb") as raw:
            raw.seek(value - address + offset)
            data = raw.read(size)
    except (subprocess.CalledProcessError, StopIteration, ValueError, OSError) as exc:
        log.write_text(f"{library}: {exc}\n", encoding="utf-8")
        return t("build.icu_failed", lang, size=size_mb, step="readelf", log=log)
    dat = where / f"icudt{major}l.dat"
    dat.write_bytes(data)
    try:
        items = icu_items(data)
    except (struct.error, ValueError, IndexError) as exc:  # not ICU common data: keep the library as it is
        log.write_text(f"{library}: {symbol} is not an ICU data package ({exc})\n", encoding="utf-8")
        return t("build.icu_failed", lang, size=size_mb, step="icupkg", log=log)
    kept = {name for name, n in items.items() if icu_keep(name, n)}
    try:
        # a code page kept may extend one removed (windows-950 on ibm-1373): icupkg names it, it goes too
        for _ in range(5):
            (where / "remove.txt").write_text("".join(f"{n}\n" for n in sorted(set(items) - kept)), encoding="utf-8")
            try:
                run("icupkg", ["icupkg", "-r", str(where / "remove.txt"), str(dat)], log)
                break
            except StepFailed:
                needing = set(re.findall(r"Item (\S+) depends on missing item", log.read_text(encoding="utf-8")))
                if not needing & kept:
                    raise
                kept -= needing
        else:
            raise StepFailed("icupkg", 1, log)
        # each tree's res_index lists the locales installed: only those that are still there
        for tree in ICU_TREES:
            if f"{tree}res_index.res" not in kept:
                continue
            (where / "items" / tree).mkdir(parents=True, exist_ok=True)
            (where / "txt" / tree).mkdir(parents=True, exist_ok=True)
            run("icupkg", ["icupkg", "-x", f"{tree}res_index.res", "-d", str(where / "items"), str(dat)], log)
            dumped = ["derb", "-s", str(where / "items" / tree), "-d", str(where / "txt" / tree), "res_index.res"]
            run("derb", dumped, log)
            text = (where / "txt" / tree / "res_index.txt").read_text(encoding="utf-8")
            (where / "txt" / tree / "res_index.txt").write_text(_res_index(text, kept, tree), encoding="utf-8")
            command = ["genrb", "-q", "-s", str(where / "txt" / tree), "-d", str(where / "items" / tree)]
            run("genrb", [*command, "res_index.txt"], log)
        (where / "add.txt").write_text("".join(f"{tree}res_index.res\n" for tree in ICU_TREES), encoding="utf-8")
        run("icupkg", ["icupkg", "-s", str(where / "items"), "-a", str(where / "add.txt"), str(dat)], log)
        run("genccode", ["genccode", "-a", "gcc", "-e", f"icudt{major}", "-d", str(where), str(dat)], log)
        source = next(where.glob("*.S"), None) or next(where.glob("*.s"))
        built = where / library.name
        command = ["gcc", "-shared", "-nostdlib", f"-Wl,-soname,{library.name}", "-Wl,-z,noexecstack"]
        run("gcc", [*command, "-o", str(built), str(source)], log)
    except StepFailed as exc:
        return t("build.icu_failed", lang, size=size_mb, step=exc.step, log=exc.log)
    os.replace(built, library)
    library.chmod(0o755)
    return t("build.icu_trimmed", lang, before=size_mb, after=f"{library.stat().st_size / 1e6:.1f}")


def make_tarball(bundle: Path, out: Path) -> None:
    tmp = out.with_suffix(".tmp")
    with tarfile.open(tmp, "w:gz", compresslevel=6) as tar:
        tar.add(bundle, arcname=bundle.name)
    os.replace(tmp, out)


def _desktop_entry(profile: Profile, bundle_name: str) -> str:
    return (
        "[Desktop Entry]\n"
        "Type=Application\n"
        "Name=fieldapp\n"
        f"Comment=Tuyên truyền, đăng ký BHXH tự nguyện, BHYT hộ gia đình ({profile.organisation})\n"
        "Comment[en]=Outreach, voluntary social insurance and household health insurance\n"
        f"Exec=/opt/{bundle_name}/fieldapp gui\n"
        "Icon=fieldapp\n"
        "Terminal=false\n"
        "Categories=Office;Finance;\n"
        "StartupWMClass=fieldapp\n"
    )


# prerm/postrm: remove only what the package installed. The users' data folders (~/.local/share/fieldapp)
# are theirs: never touched, not even on purge.
_PRERM = "#!/bin/sh\nset -e\n# fieldapp keeps each user's data in their own data folder; nothing to do here.\nexit 0\n"
_POSTRM = (
    "#!/bin/sh\nset -e\n"
    "# Removing or purging the package never deletes the users' data folders (~/.local/share/fieldapp).\n"
    'if [ "$1" = "remove" ] || [ "$1" = "purge" ]; then\n'
    "    command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q || true\n"
    "fi\nexit 0\n"
)
_POSTINST = (
    "#!/bin/sh\nset -e\n"
    "command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q || true\n"
    "command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -q /usr/share/icons/hicolor || true\n"
    "exit 0\n"
)


def _preinst(version: str) -> str:
    """Never over a newer fieldapp: this older app would refuse the data the newer one wrote (issue 8)."""
    return (
        "#!/bin/sh\nset -e\n"
        'if { [ "$1" = "upgrade" ] || [ "$1" = "install" ]; } && [ -n "${2:-}" ] && '
        f'dpkg --compare-versions "$2" gt "{version}"; then\n'
        f'    echo "fieldapp $2 đã được cài, mới hơn bản này ({version}): không cài đè, dữ liệu giữ nguyên." >&2\n'
        f'    echo "fieldapp $2 is installed, newer than this one ({version}): not installed over it." >&2\n'
        "    exit 1\nfi\nexit 0\n"
    )


def make_deb(profile: Profile, bundle: Path, out: Path, work: Path) -> None:
    bundle_name = bundle.name
    root = work / "deb"
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(bundle, root / "opt" / bundle_name, symlinks=True)
    (root / "usr" / "bin").mkdir(parents=True)
    (root / "usr" / "bin" / "fieldapp").symlink_to(f"/opt/{bundle_name}/fieldapp")
    apps = root / "usr" / "share" / "applications"
    apps.mkdir(parents=True)
    (apps / f"{bundle_name}.desktop").write_text(_desktop_entry(profile, bundle_name), encoding="utf-8")
    icons = root / "usr" / "share" / "icons" / "hicolor" / "256x256" / "apps"
    icons.mkdir(parents=True)
    shutil.copyfile(ICON, icons / "fieldapp.png")
    debian = root / "DEBIAN"
    debian.mkdir()
    installed_kb = tree_size(root) // 1024
    (debian / "control").write_text(
        f"Package: {bundle_name}\n"
        f"Version: {__version__}\n"
        "Section: misc\n"
        "Priority: optional\n"
        "Architecture: amd64\n"
        f"Depends: {DEB_DEPENDS}\n"
        # one province's build per laptop: they share /usr/bin/fieldapp
        "Provides: fieldapp\nConflicts: fieldapp\nReplaces: fieldapp\n"
        f"Installed-Size: {installed_kb}\n"
        "Maintainer: fieldapp <it@bhxh.invalid>\n"
        f"Description: fieldapp for {profile.organisation} (province {profile.province})\n"
        " Offline-first app of the mobile outreach teams of Vietnam Social Security: people, consultations,\n"
        " VSI and household HI enrolment, receipts, tallies and sync with the province's server.\n",
        encoding="utf-8",
    )
    scripts = (("preinst", _preinst(__version__)), ("postinst", _POSTINST), ("prerm", _PRERM), ("postrm", _POSTRM))
    for name, text in scripts:
        (debian / name).write_text(text, encoding="utf-8")
        (debian / name).chmod(0o755)
    # gzip: xz saves a fifth of the size but takes 110 s of the build's 2 cores instead of 10
    command = ["dpkg-deb", "--build", "-Zgzip", "-z6", str(root), str(out)]
    if shutil.which("fakeroot"):
        command = ["fakeroot", *command]
    else:
        command.insert(1, "--root-owner-group")
    run("dpkg-deb", command, work / "dpkg-deb.log")


def nsis(profile: Profile, bundle: Path, out: Path, work: Path) -> None:
    from fieldapp.domain.admin_units import provinces

    makensis = shutil.which("makensis") or r"C:\Program Files (x86)\NSIS\makensis.exe"
    values = {
        "VERSION": __version__,
        "PROVINCE": profile.province,
        "PROVINCE_NAME": provinces()[profile.province].name,
        "BUNDLE_DIR": str(bundle),
        "OUTFILE": str(out),
        "ICON": str(ROOT / "packaging" / "icons" / "fieldapp.ico"),
    }
    command = [makensis, "/INPUTCHARSET", "UTF8", *(f"/D{k}={values[k]}" for k in NSIS_DEFINES), str(NSIS_SCRIPT)]
    run("makensis", command, work / "makensis.log")


def main(argv: list[str] | None = None) -> int:
    lang = normalise_language(os.environ.get("FIELDAPP_LANG"))
    parser = argparse.ArgumentParser(prog="packaging/build.py", description=__doc__.splitlines()[0])
    parser.add_argument("--profile", required=True, type=Path, help="packaging/profiles/<code>.toml")
    parser.add_argument("--strict", action="store_true", help="warnings (an unreachable server) stop the build")
    parser.add_argument("--check", action="store_true", help="only validate the profile")
    parser.add_argument("--offline", action="store_true", help="do not try the server URL")
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="where the outputs go (dist/)")
    parser.add_argument("--work", type=Path, default=ROOT / "build", help="PyInstaller's work folder (build/)")
    parser.add_argument("--no-deb", action="store_true", help="Linux: only the .tar.gz")
    parser.add_argument("--force", action="store_true", help="rebuild even if the inputs did not change")
    args = parser.parse_args(argv)

    started = time.monotonic()
    profile, problems = validate(args.profile, check_server=not args.offline, timeout=5)
    for problem in problems:
        head = t("build.warning", lang) if problem.warning else ""
        print(f"{args.profile}: {head + ': ' if head else ''}{problem.message(lang)}", file=sys.stderr)
    if profile is None or (args.strict and problems):
        if profile is not None:
            print(t("build.strict", lang), file=sys.stderr)
        stopping = problems if profile is not None else [p for p in problems if not p.warning]
        print(t("build.stopped", lang, count=len(stopping)), file=sys.stderr)
        return 1
    print(t("build.ok", lang, path=args.profile, province=profile.province, organisation=profile.organisation))
    if args.check:
        return 0
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        print(t("build.no_pyinstaller", lang), file=sys.stderr)
        return 4

    out = names(profile)
    dist, work = args.dist.resolve(), (args.work / out["bundle"]).resolve()
    dist.mkdir(parents=True, exist_ok=True)
    key = inputs_hash(profile)
    manifest_path = dist / out["manifest"]
    try:
        previous = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        previous = {}
    bundle = work / "dist" / out["bundle"]
    timings: dict[str, float] = {}
    try:
        built = (bundle / "fieldapp").exists() or (bundle / "fieldapp.exe").exists()
        if args.force or previous.get("inputs") != key or not built:
            step = time.monotonic()
            staged = stage_profile(profile, work / "profile")
            bundle = pyinstaller(profile, staged, work, out["bundle"])
            timings["pyinstaller_s"] = round(time.monotonic() - step, 1)
            if sys.platform.startswith("linux"):
                step = time.monotonic()
                said = trim_icu(bundle, work)
                if said:
                    print(said)
                timings["icu_s"] = round(time.monotonic() - step, 1)
            reused = False
        else:
            reused = True
        outputs: dict[str, str] = {"bundle": str(bundle)}
        if sys.platform.startswith("linux"):
            step = time.monotonic()
            tarball = dist / out["tarball"]
            if not (reused and tarball.exists()):
                make_tarball(bundle, tarball)
            outputs["tarball"] = str(tarball)
            timings["tarball_s"] = round(time.monotonic() - step, 1)
            if not args.no_deb:
                step = time.monotonic()
                deb = dist / out["deb"]
                if not (reused and deb.exists()):
                    make_deb(profile, bundle, deb, work)
                outputs["deb"] = str(deb)
                timings["deb_s"] = round(time.monotonic() - step, 1)
        elif sys.platform == "win32":
            step = time.monotonic()
            setup = dist / out["setup"]
            nsis(profile, bundle, setup, work)
            outputs["setup"] = str(setup)
            timings["nsis_s"] = round(time.monotonic() - step, 1)
    except StepFailed as exc:
        print(t("build.step_failed", lang, step=exc.step, code=exc.code, log=exc.log), file=sys.stderr)
        return 4
    seconds = round(time.monotonic() - started, 1)
    manifest = {
        "version": __version__,
        "province": profile.province,
        "inputs": key,
        "reused": reused,
        "seconds": seconds,
        "timings": timings,
        "bundle_bytes": tree_size(bundle),
        "outputs": outputs,
        "sizes": {k: Path(v).stat().st_size for k, v in outputs.items() if k != "bundle"},
    }
    if reused and previous.get("timings"):
        manifest["timings"] = previous["timings"] | timings
        manifest["built_seconds"] = previous.get("built_seconds", previous.get("seconds"))
    else:
        manifest["built_seconds"] = seconds
    manifest_path.write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    print(t("build.done", lang, seconds=seconds, outputs=", ".join(Path(v).name for v in outputs.values())))
    print(json.dumps(manifest, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
