"""Build one province's installer: `python packaging/build.py --profile packaging/profiles/33.toml`.

1. validates the profile (fieldapp.profile): an error stops the build with its line and reason; an
   unreachable server URL is only a warning (offline builds are normal) unless --strict;
2. runs PyInstaller with packaging/fieldapp.spec (one-folder; the same spec on Linux and Windows), the
   profile and its logo carried in the bundle as profile/;
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
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fieldapp import __version__  # noqa: E402
from fieldapp.i18n import normalise_language, t  # noqa: E402
from fieldapp.profile import Profile, validate  # noqa: E402

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
    for name, text in (("postinst", _POSTINST), ("prerm", _PRERM), ("postrm", _POSTRM)):
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
