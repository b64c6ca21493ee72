"""The Windows installer is built in CI on Windows; here we keep it buildable: the NSIS script's !defines
agree with packaging/build.py, the workflow parses and calls build.py, and (where makensis is installed,
as NSIS compiles Windows installers on Linux too) the script compiles against a stand-in bundle."""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
NSI = ROOT / "packaging" / "windows" / "fieldapp.nsi"
WORKFLOW = ROOT / ".github" / "workflows" / "windows-installer.yml"


def _build_module():
    spec = importlib.util.spec_from_file_location("packaging_build", ROOT / "packaging" / "build.py")
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


def _script() -> str:
    return NSI.read_text(encoding="utf-8")


def test_the_script_requires_exactly_the_defines_build_py_passes() -> None:
    build = _build_module()
    required = set(re.findall(r"^!ifndef (\w+)\s*$", _script(), flags=re.M))
    assert required == set(build.NSIS_DEFINES)
    # and every ${NAME} it uses is one of those, its own !define, or a constant of the NSIS headers
    own = set(re.findall(r"^!define (\w+)", _script(), flags=re.M))
    headers = {"BST_CHECKED", "BST_UNCHECKED"}
    used = set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)\}", _script()))
    assert used <= required | own | headers, used - required - own - headers


def test_the_installer_keeps_data_refuses_a_downgrade_and_makes_shortcuts() -> None:
    text = _script()
    assert '"Xoá cả dữ liệu"' in text
    # the data folder is deleted only inside the branch of the ticked box
    removal = text.index('RMDir /r "$LOCALAPPDATA\\fieldapp"')
    assert text.rfind("${If} $DeleteData == ${BST_CHECKED}", 0, removal) > text.index('Section "Uninstall"')
    assert "${BST_UNCHECKED}" in text  # unticked by default
    assert 'ReadRegStr $InstalledVersion HKLM "${REGKEY}" "DisplayVersion"' in text
    assert "${VersionCompare} $InstalledVersion" in text and "Abort" in text
    assert "$PROGRAMFILES64\\${APP}" in text
    assert "$DESKTOP\\fieldapp.lnk" in text and "$SMPROGRAMS\\${APP}\\fieldapp.lnk" in text


def test_the_output_names_match_between_build_py_and_the_script() -> None:
    build = _build_module()
    from fieldapp.domain.profile import load

    names = build.names(load(ROOT / "packaging" / "profiles" / "33.toml"))
    assert names["setup"] == "fieldapp-0.1.0-33-windows-x64-setup.exe"
    assert names["bundle"] == "fieldapp-33"
    spec = (ROOT / "packaging" / "fieldapp.spec").read_text(encoding="utf-8")
    assert '_exe("fieldapp-gui", False)' in spec  # the shortcuts' target
    assert "fieldapp-gui.exe" in _script()


def test_the_workflow_parses_and_calls_build_py_with_the_shared_spec() -> None:
    flow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    job = flow["jobs"]["installer"]
    assert job["runs-on"].startswith("windows")
    runs = "\n".join(step.get("run", "") for step in job["steps"])
    assert "packaging/build.py --profile" in runs
    assert ".[packaging]" in runs
    assert "--self-test" in runs
    assert "makensis" in runs or "nsis" in runs
    assert (ROOT / "packaging" / "fieldapp.spec").is_file()


@pytest.mark.skipif(shutil.which("makensis") is None, reason="makensis is not installed (apt-get install nsis)")
def test_the_script_compiles_with_makensis(tmp_path: Path) -> None:
    bundle = tmp_path / "fieldapp-33"
    (bundle / "_internal").mkdir(parents=True)
    for name in ("fieldapp.exe", "fieldapp-gui.exe"):
        (bundle / name).write_bytes(b"MZ stand-in")
    (bundle / "_internal" / "base_library.zip").write_bytes(b"PK")
    out = tmp_path / "setup.exe"
    defines = {
        "VERSION": "0.1.0",
        "PROVINCE": "33",
        "PROVINCE_NAME": "Hưng Yên",
        "BUNDLE_DIR": str(bundle),
        "OUTFILE": str(out),
        "ICON": str(ROOT / "packaging" / "icons" / "fieldapp.ico"),
    }
    assert set(defines) == set(_build_module().NSIS_DEFINES)
    done = subprocess.run(
        ["makensis", "-V2", "-INPUTCHARSET", "UTF8", *(f"-D{k}={v}" for k, v in defines.items()), str(NSI)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert out.read_bytes()[:2] == b"MZ"
    # a missing define stops makensis with the define's name
    missing = subprocess.run(
        ["makensis", "-V2", "-INPUTCHARSET", "UTF8", "-DVERSION=0.1.0", str(NSI)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert missing.returncode != 0
    assert "PROVINCE is not defined" in missing.stdout + missing.stderr
