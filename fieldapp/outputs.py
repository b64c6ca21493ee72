"""Every file the app writes goes through here: receipts, labels, lists, reports, declarations, bundles,
backups, import error files, downloaded installers, and the data folder's own files.

A file is written next to its place under a temporary name, synced to the disk and renamed over its place,
so a crash, a pulled USB stick or a full disk leaves the old file or the new one, never half of one, and no
temporary file. What a person names (`-o FILE`, a save dialog) is checked first (`check`): an existing file
is replaced only when they said so (`--force`, or the dialog's own question); a folder, a device, a FIFO, a
symbolic link, or a place inside the app's data folder is refused. Files are made readable by their owner
only (0600, folders 0700) whatever the umask, and `tighten` takes group and other rights away from what an
older version left, never adding any.

Spreadsheet cells go through `safe_cell`, so that a name typed as `=cmd|…` is text in Excel, not a formula.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from fieldapp.errors import InputRefused

FILE_MODE = 0o600
DIR_MODE = 0o700
_POSIX = os.name == "posix"


@dataclass(frozen=True)
class Output:
    """A file a person asked for: where, whether it may replace a file, and the folder it must stay out of."""

    path: Path
    force: bool = False  # replace an existing file (`--force`; a save dialog asks by itself)
    data_dir: Path | None = None  # the app's data folder: nothing is ever written into it from outside


OutputLike = Output | str | os.PathLike[str]


def as_output(target: OutputLike, *, data_dir: str | os.PathLike[str] | None = None) -> Output:
    """`target` as an Output; `data_dir` fills in the folder to stay out of when the caller gave none."""
    out = target if isinstance(target, Output) else Output(Path(os.fspath(target)))
    if out.data_dir is None and data_dir is not None:
        out = replace(out, data_dir=Path(data_dir))
    return out


def inside(path: Path, folder: Path) -> bool:
    real = Path(os.path.realpath(path))
    root = Path(os.path.realpath(folder))
    return real == root or root in real.parents


def check(target: OutputLike) -> Path:
    """The path, once it is a place this file may be written; InputRefused (exit 1) naming it otherwise."""
    out = as_output(target)
    path = out.path
    shown = str(path)
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        info = None
    except OSError as exc:  # a name too long, a file where a folder should be
        raise InputRefused("output.unwritable", path=shown, reason=exc.strerror or str(exc)) from None
    if info is not None:
        if stat.S_ISLNK(info.st_mode):
            raise InputRefused("output.symlink", path=shown)
        if stat.S_ISDIR(info.st_mode):
            raise InputRefused("output.is_folder", path=shown)
        if not stat.S_ISREG(info.st_mode):
            raise InputRefused("output.not_file", path=shown)
    if path.name in ("", ".", ".."):
        raise InputRefused("output.is_folder", path=shown)
    if not path.parent.is_dir():
        raise InputRefused("output.no_folder", path=shown, folder=str(path.parent))
    if out.data_dir is not None and inside(path.parent, out.data_dir):
        raise InputRefused("output.in_data_dir", path=shown, data_dir=str(out.data_dir))
    if info is not None and not out.force:
        raise InputRefused("output.exists", path=shown)
    return path


def _temporary(path: Path) -> Path:
    """An empty file beside `path`, made here and now (never an existing one), its owner's only."""
    stem = path.name if len(path.name.encode()) < 200 else "output"
    for _attempt in range(10):
        tmp = path.with_name(f".{stem}.{secrets.token_hex(4)}.part")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), FILE_MODE)
        except FileExistsError:
            continue
        try:
            if _POSIX:
                os.fchmod(fd, FILE_MODE)  # the umask may have taken bits away, never added: set them exactly
        finally:
            os.close(fd)
        return tmp
    raise FileExistsError(f"no temporary name free beside {path}")


def _sync_folder(folder: Path) -> None:
    if not _POSIX:
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _settle(tmp: Path, path: Path, replace_existing: bool) -> None:
    """Sync the finished temporary file and put it in its place."""
    fd = os.open(tmp, os.O_RDWR)
    try:
        if _POSIX:
            os.fchmod(fd, FILE_MODE)  # a writer that re-created the file got the umask's mode
        os.fsync(fd)
    finally:
        os.close(fd)
    if replace_existing:
        os.replace(tmp, path)
    else:
        try:  # a hard link never replaces: a file that appeared meanwhile is not lost
            os.link(tmp, path)
        except FileExistsError:
            raise InputRefused("output.exists", path=str(path)) from None
        except OSError:  # a FAT USB stick has no hard links
            if os.path.lexists(path):
                raise InputRefused("output.exists", path=str(path)) from None
            os.replace(tmp, path)
        else:
            os.unlink(tmp)
    _sync_folder(path.parent)


@contextlib.contextmanager
def writing(target: OutputLike, *, data_dir: str | os.PathLike[str] | None = None) -> Iterator[Path]:
    """`with writing(out) as tmp:` write the whole file to `tmp` (a path, for writers that want one); it
    takes the place of `out` when the block ends, and is removed if anything fails. An OSError (a full
    disk, a stick pulled out) becomes InputRefused `output.unwritable` naming the file."""
    out = as_output(target, data_dir=data_dir)
    path = check(out)
    try:
        tmp = _temporary(path)
    except OSError as exc:
        raise InputRefused("output.unwritable", path=str(path), reason=exc.strerror or str(exc)) from None
    try:
        yield tmp
        _settle(tmp, path, out.force)
    except OSError as exc:
        raise InputRefused("output.unwritable", path=str(path), reason=exc.strerror or str(exc)) from exc
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()


def write_bytes(target: OutputLike, data: bytes, *, data_dir: str | os.PathLike[str] | None = None) -> Path:
    with writing(target, data_dir=data_dir) as tmp:
        tmp.write_bytes(data)
    return as_output(target).path


def write_with(
    target: OutputLike, write: Callable[[Path], Any], *, data_dir: str | os.PathLike[str] | None = None
) -> Path:
    """`write(tmp)` fills the file (openpyxl, reportlab, ElementTree want a path); see `writing`."""
    with writing(target, data_dir=data_dir) as tmp:
        write(tmp)
    return as_output(target).path


# --- the app's own files ---------------------------------------------------------------------------------


@contextlib.contextmanager
def private_writing(path: Path) -> Iterator[Path]:
    """The app's own files in its own folders (keystore, settings, backups of the store, import error
    files, downloads): written atomically and 0600 like any output, replacing the old one, with no
    question asked; errors stay OSError for the caller to explain."""
    path = Path(path)
    private_folder(path.parent)
    tmp = _temporary(path)
    try:
        yield tmp
        _settle(tmp, path, replace_existing=True)
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()


@contextlib.contextmanager
def scratch_file(folder: Path, name: str = "scratch") -> Iterator[Path]:
    """An empty private file in one of the app's folders, removed when the block ends whatever happens."""
    tmp = _temporary(Path(private_folder(folder)) / name)
    try:
        yield tmp
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()


def write_private(path: Path, data: bytes) -> None:
    """Write one of the app's own files so that a crash or a full disk leaves the old file or the new one."""
    with private_writing(path) as tmp:
        tmp.write_bytes(data)


def private_folder(folder: Path) -> Path:
    """Make `folder` and its missing parents 0700 (exactly, whatever the umask); an existing one loses its
    group and other rights. Only for the app's own folders: an existing parent is never changed."""
    folder = Path(folder)
    missing = []
    probe = folder
    while not probe.exists() and probe != probe.parent:
        missing.append(probe)
        probe = probe.parent
    for made in reversed(missing):
        made.mkdir(mode=DIR_MODE, exist_ok=True)
        if _POSIX:
            os.chmod(made, DIR_MODE)
    tighten(folder)
    return folder


def tighten(path: Path) -> None:
    """Take group and other rights away from a file or folder (never a symlink's target); keep the owner's."""
    if not _POSIX:
        return
    try:
        info = os.lstat(path)
    except OSError:
        return
    if stat.S_ISLNK(info.st_mode):
        return
    current = stat.S_IMODE(info.st_mode)
    wanted = current & ~0o077
    if wanted != current:
        with contextlib.suppress(OSError):  # a file of another owner: nothing to do from here
            os.chmod(path, wanted)


def tighten_tree(folder: Path, depth: int = 2) -> None:
    """`tighten` a folder and what it holds, `depth` levels down (the data folder's logs/, backups/, …)."""
    tighten(folder)
    if depth <= 0:
        return
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        if entry.is_symlink():
            continue
        if entry.is_dir():
            tighten_tree(Path(entry.path), depth - 1)
        else:
            tighten(Path(entry.path))


# --- spreadsheets ----------------------------------------------------------------------------------------

# A cell starting with one of these is a formula to Excel, LibreOffice or Sheets (OWASP, "CSV Injection"),
# and the full-width forms are read as the same by Excel in East Asian locales.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def safe_cell(value: Any) -> Any:
    """A spreadsheet cell that cannot run: text that would start a formula gets a leading apostrophe.
    Numbers, dates and empty cells are returned as they are, so they stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def safe_row(values: Any) -> list[Any]:
    return [safe_cell(v) for v in values]
