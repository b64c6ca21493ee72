"""A newer installer on the province's server: `fieldapp server installer add` stores it with its SHA-256,
a sync tells the laptop (only when it is newer than the app, for its platform and province), and the
download is saved only when its hash is the published one (a tampered file is deleted). A real server."""

from __future__ import annotations

import json
import os
import stat

import httpx
import pytest

from fieldapp import __version__
from fieldapp.errors import InputRefused
from fieldapp.sync import updates
from tests.conftest import cli_env
from tests.sync.conftest import fieldapp

PROVINCE = "33"


def add_installer(server, path, version, platform="linux", province=None):
    args = ["server", "installer", "add", str(path), "--version", version, "--platform", platform]
    args += ["--province", province] if province else []
    return fieldapp(*args, "--database-url", server.database_url, "--json", env=cli_env(server.root / "laptop-unused"))


@pytest.fixture
def laptop(server, laptops):
    server.add_team("Tổ cập nhật", PROVINCE)
    lap = laptops("a")
    lap.enrol(server, "Tổ cập nhật")
    return lap


def installer_file(tmp_path, name, size=300_000):
    path = tmp_path / name
    path.write_bytes(os.urandom(size))
    return path


def stored(done) -> dict:
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)["installer"]


def test_an_older_or_equal_version_is_no_news(server, laptop, tmp_path):
    assert laptop.sync().update is None
    stored(add_installer(server, installer_file(tmp_path, "old.tar.gz"), "0.0.9"))
    stored(add_installer(server, installer_file(tmp_path, "same.tar.gz"), __version__))
    result = laptop.sync()
    assert result.update is None and result.as_json()["update"] is None
    assert updates.available(laptop.store) is None
    with pytest.raises(InputRefused) as err:
        updates.download(laptop.store)
    assert err.value.code == "update.none"


def test_a_newer_version_is_told_at_sync_and_downloaded_with_its_hash_checked(server, laptop, tmp_path):
    wanted = installer_file(tmp_path, "fieldapp-9.0.0-linux.tar.gz")
    row = stored(add_installer(server, wanted, "9.0.0"))
    stored(add_installer(server, installer_file(tmp_path, "w.exe"), "9.9.0", platform="windows"))
    stored(add_installer(server, installer_file(tmp_path, "other.tar.gz"), "9.5.0", province="01"))
    result = laptop.sync()
    assert result.update is not None and result.update.version == "9.0.0"
    assert result.update.sha256 == row["sha256"] and result.update.size == wanted.stat().st_size
    assert updates.available(laptop.store).version == "9.0.0"  # kept for the status bar, offline
    saved = updates.download(laptop.store)
    assert saved == laptop.data_dir.root / "downloads" / "fieldapp-9.0.0-linux.tar.gz"
    assert saved.read_bytes() == wanted.read_bytes()
    assert not saved.stat().st_mode & (stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)  # never made runnable
    assert [p.name for p in saved.parent.iterdir()] == [saved.name]


def test_a_tampered_installer_is_deleted_and_refused(server, laptop, tmp_path):
    row = stored(add_installer(server, installer_file(tmp_path, "fieldapp.tar.gz"), "9.0.0"))
    laptop.sync()
    on_server = row["path"]
    with open(on_server, "r+b") as f:  # one byte changed on the server's disk after it was published
        f.seek(1000)
        byte = f.read(1)[0]
        f.seek(1000)
        f.write(bytes([byte ^ 0xFF]))
    with pytest.raises(InputRefused) as err:
        updates.download(laptop.store)
    assert err.value.code == "update.hash_mismatch"
    downloads = laptop.data_dir.root / "downloads"
    assert not downloads.exists() or list(downloads.iterdir()) == []


def test_the_update_commands_for_it(server, laptop, tmp_path):
    laptop.close()
    env = cli_env(laptop.data_dir.root)
    done = fieldapp("update", "check", "--json", env=env)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"current": __version__, "available": None}
    wanted = installer_file(tmp_path, "fieldapp-setup.exe" if os.name == "nt" else "fieldapp.deb")
    stored(add_installer(server, wanted, "1.0.0"))
    done = fieldapp("update", "check", "--json", env=env)
    assert json.loads(done.stdout)["available"]["version"] == "1.0.0"
    done = fieldapp("update", "check", env=env)
    assert "Có phiên bản mới trên máy chủ: 1.0.0" in done.stdout
    out = tmp_path / "for-it" / "fieldapp-1.0.0.deb"
    done = fieldapp("update", "download", "-o", str(out), "--json", env=env)
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["path"] == str(out) and out.read_bytes() == wanted.read_bytes()


def test_tampered_download_from_the_cli_exits_1_with_the_reason(server, laptop, tmp_path):
    row = stored(add_installer(server, installer_file(tmp_path, "f.deb"), "1.0.0"))
    laptop.close()
    with open(row["path"], "r+b") as f:
        f.write(b"MZ")
    out = tmp_path / "for-it" / "f.deb"
    done = fieldapp("update", "download", "-o", str(out), env=cli_env(laptop.data_dir.root))
    assert done.returncode == 1
    assert "không đúng với bộ cài máy chủ công bố" in done.stderr and "Traceback" not in done.stderr
    assert not out.exists() and list(out.parent.glob(".f.deb*")) == []


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (("--version", "mới nhất"), "không phải số phiên bản"),
        (("--version", "1.0", "--province", "99"), "99"),
    ],
)
def test_a_wrong_installer_is_refused_and_nothing_stored(server, tmp_path, args, code):
    path = installer_file(tmp_path, "x.deb", 100)
    done = fieldapp("server", "installer", "add", str(path), "--platform", "linux", *args,
                    "--database-url", server.database_url, env=cli_env(server.root / "laptop-unused"))  # fmt: skip
    assert done.returncode == 1 and code in done.stderr and "Traceback" not in done.stderr
    missing = fieldapp("server", "installer", "add", str(tmp_path / "nope.deb"), "--platform", "linux",
                       "--version", "1.0", "--database-url", server.database_url)  # fmt: skip
    assert missing.returncode == 1 and "nope.deb" in missing.stderr
    listed = fieldapp("server", "installer", "list", "--json", "--database-url", server.database_url)
    assert json.loads(listed.stdout) == {"installers": []}


class OlderServer(httpx.BaseTransport):
    """A real server seen through a link that answers the installer paths the way a server from before
    installers did (404), or cuts a download half way."""

    def __init__(self, *, cut_download: bool = False) -> None:
        self.inner = httpx.HTTPTransport()
        self.cut_download = cut_download

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path.startswith("/v1/installers/") and not self.cut_download:
            return httpx.Response(404, json={"detail": {"code": "not_found"}})
        response = self.inner.handle_request(request)
        if self.cut_download and path.startswith("/v1/installers/") and path != "/v1/installers/latest":
            return httpx.Response(response.status_code, headers=response.headers, stream=_Cut(response.stream))
        return response

    def close(self) -> None:
        self.inner.close()


class _Cut(httpx.SyncByteStream):
    def __init__(self, inner) -> None:
        self.inner = inner

    def __iter__(self):
        for i, chunk in enumerate(self.inner):
            if i == 2:
                raise httpx.ReadError("connection reset mid-download")
            yield chunk

    def close(self) -> None:
        self.inner.close()


def test_a_server_from_before_installers_is_no_news_and_the_sync_goes_on(server, laptop, tmp_path):
    stored(add_installer(server, installer_file(tmp_path, "f.deb"), "9.0.0"))
    result = laptop.sync(transport=OlderServer())
    assert result.finished_at is not None and result.update is None
    assert updates.available(laptop.store) is None


def test_a_download_cut_half_way_leaves_nothing_and_says_so(server, laptop, tmp_path):
    stored(add_installer(server, installer_file(tmp_path, "f.deb", 2_000_000), "9.0.0"))
    laptop.sync()
    with pytest.raises(InputRefused) as err:
        updates.download(laptop.store, transport=OlderServer(cut_download=True))
    assert err.value.code == "sync.offline"
    downloads = laptop.data_dir.root / "downloads"
    assert not downloads.exists() or list(downloads.iterdir()) == []
    assert updates.download(laptop.store).stat().st_size == 2_000_000  # the next try gets it whole
