"""ESC/POS printing for real: receipts sent to a file and to a real pseudo-terminal (a serial port), the
bytes parsed back into the bitmap the printer would print, and its QR decoded with zxing-cpp."""

from __future__ import annotations

import os
import re
import socket
import threading
import time
from dataclasses import dataclass, field

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fieldapp.errors import FieldappError, InputRefused
from fieldapp.printing import escpos, escpos_address, escpos_raster
from fieldapp.printing.escpos import Address, PrinterError, parse_address, print_pdf
from fieldapp.printing.receipt import Printing, pdf_bytes
from fieldapp.storage import receipts as receipt_store
from fieldapp.storage import work

ROLL_BYTES = {"80mm": 72, "58mm": 48}


# --- a receipt, and the printer's side of the wire ----------------------------------------------------


@pytest.fixture
def record(demo_store):
    """A demo receipt with a signed QR, the one with the most participants (the longest roll)."""
    ids = [row.id for row in work.receipts(demo_store, limit=40)]
    found = [r for r in receipt_store.records(demo_store, ids) if r.qr_payload]
    return max(found, key=lambda r: len(r.participants))


@dataclass
class Job:
    pages: list[list[tuple[int, int, bytes]]]  # per receipt: its GS v 0 bands (bytes wide, rows, data)
    queries: int
    ends_with_cut: bool


def parse(stream: bytes) -> Job:
    """The ESC/POS commands fieldapp sends, decoded; anything else fails the test."""
    pages: list[list[tuple[int, int, bytes]]] = []
    bands: list[tuple[int, int, bytes]] = []
    i = queries = 0
    last = b""
    while i < len(stream):
        if stream.startswith(b"\x1b@", i):  # ESC @: reset
            i, last = i + 2, b"init"
        elif stream.startswith(b"\x10\x04", i):  # DLE EOT n: real-time status
            assert stream[i + 2] in (1, 4)
            i, queries = i + 3, queries + 1  # not a print command: may come after the cut
        elif stream.startswith(b"\x1dv0", i):  # GS v 0 m xL xH yL yH data: raster image
            assert stream[i + 3] == 0  # normal density
            width = stream[i + 4] + 256 * stream[i + 5]
            rows = stream[i + 6] + 256 * stream[i + 7]
            data = stream[i + 8 : i + 8 + width * rows]
            assert len(data) == width * rows, "a band cut short"
            bands.append((width, rows, data))
            i, last = i + 8 + width * rows, b"image"
        elif stream.startswith(b"\x1bd", i):  # ESC d n: print and feed n lines
            i, last = i + 3, b"feed"
        elif stream.startswith(b"\x1dV", i):  # GS V m: cut
            assert stream[i + 2] in (0, 1, 48, 49)
            pages.append(bands)
            bands = []
            i, last = i + 3, b"cut"
        else:
            raise AssertionError(f"unknown command at byte {i}: {stream[i : i + 8]!r}")
    assert bands == [], "an image after the last cut"
    return Job(pages, queries, last == b"cut")


def bitmap(bands: list[tuple[int, int, bytes]]):
    """The dots of one receipt as a PIL image (ESC/POS: bit 1 = black; PIL '1': bit 1 = white)."""
    from PIL import Image, ImageOps

    widths = {w for w, _, _ in bands}
    assert len(widths) == 1
    width = widths.pop()
    rows = sum(r for _, r, _ in bands)
    dots = Image.frombytes("1", (width * 8, rows), b"".join(d for _, _, d in bands))
    return ImageOps.invert(dots.convert("L"))


def check_receipt(stream: bytes, record, roll: str, receipts: int = 1) -> None:
    import zxingcpp

    job = parse(stream)
    assert job.ends_with_cut
    assert len(job.pages) == receipts
    for bands in job.pages:
        assert {w for w, _, _ in bands} == {ROLL_BYTES[roll]}
        assert max(r for _, r, _ in bands) <= escpos_raster.BAND_ROWS
        image = bitmap(bands)
        assert image.width == escpos_raster.HEAD_DOTS[roll]
        assert 600 < image.height < 5000  # a roll receipt: 8 to 60 cm
        ink = image.histogram()[0] / (image.width * image.height)
        assert 0.03 < ink < 0.4
        found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
        assert [r.text for r in found] == [record.qr_payload]


@dataclass
class FakeEnd:
    """The far end of a pseudo-terminal: keeps what arrives, answers each DLE EOT 4 with the next byte of
    `paper` (the last one repeats) and each DLE EOT 1 with `online`, or hangs up after `hang_up_after` bytes."""

    master: int
    paper: list[int] = field(default_factory=list)
    online: int | None = None
    hang_up_after: int | None = None
    got: bytearray = field(default_factory=bytearray)

    def __post_init__(self) -> None:
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _reply(self, query: int) -> int | None:
        if query == 1:
            return self.online
        if not self.paper:
            return None
        return self.paper.pop(0) if len(self.paper) > 1 else self.paper[0]

    def _run(self) -> None:
        try:
            while self.hang_up_after is None or len(self.got) < self.hang_up_after:
                try:
                    chunk = os.read(self.master, 65536)
                except OSError:  # EIO: every slave fd is closed and all is read
                    break
                if not chunk:
                    break
                start = max(0, len(self.got) - 2)  # a query may straddle two reads
                self.got.extend(chunk)
                for query in re.findall(rb"\x10\x04[\x01\x04]", bytes(self.got[start:])):
                    if (reply := self._reply(query[2])) is not None:
                        os.write(self.master, bytes([reply]))
        finally:
            os.close(self.master)


class Pty:
    """A real serial device: the slave end of a pseudo-terminal pair, with a FakeEnd on the master."""

    def __init__(self) -> None:
        self.master, self.slave = os.openpty()
        self.path = os.ttyname(self.slave)
        self.end: FakeEnd | None = None

    def far_end(self, **kw) -> FakeEnd:
        self.end = FakeEnd(self.master, **kw)
        return self.end

    def finish(self) -> bytes:
        """Hang up our end so the far end reads what is left, then stops; what it got."""
        self.close()
        assert self.end is not None
        self.end.thread.join(5)
        assert not self.end.thread.is_alive()
        return bytes(self.end.got)

    def close(self) -> None:
        if self.slave is not None:
            os.close(self.slave)
            self.slave = None
        if self.end is None:
            os.close(self.master)
        else:
            self.end.thread.join(5)


@pytest.fixture
def pty():
    if os.name != "posix":
        pytest.skip("pseudo-terminals are POSIX; Windows runs the file and address tests")
    line = Pty()
    yield line
    line.close()


# --- (a) to a file, (b) to a serial port ---------------------------------------------------------------


@pytest.mark.parametrize("roll", ["80mm", "58mm"])
def test_prints_to_a_file(record, tmp_path, roll):
    device = tmp_path / "lp0"
    device.touch()  # like /dev/usb/lp0: file: never creates what is not there
    done = print_pdf(pdf_bytes([Printing(record)], roll), f"file:{device}", roll=roll)
    stream = device.read_bytes()
    assert done.receipts == 1 and done.sent == len(stream) and not done.paper_low
    assert parse(stream).queries == 0  # a plain file has no status to ask
    check_receipt(stream, record, roll)


@pytest.mark.parametrize("roll", ["80mm", "58mm"])
def test_prints_to_a_serial_port(record, pty, roll):
    pty.far_end()  # a printer that never answers a status query: printed to anyway
    started = time.monotonic()
    done = print_pdf(pdf_bytes([Printing(record), Printing(record, copy=True)], roll), f"serial:{pty.path}", roll=roll)
    assert time.monotonic() - started < 5
    stream = pty.finish()
    assert done.receipts == 2 and done.sent == len(stream) - 3  # the one status query went first
    assert parse(stream).queries == 1
    check_receipt(stream, record, roll, receipts=2)


def test_a_printer_that_answers_is_asked_before_and_after(record, pty):
    pty.far_end(paper=[0x12, 0x1E], online=0x12)  # plenty of paper, then near the end
    done = print_pdf(pdf_bytes([Printing(record)], "58mm"), f"serial:{pty.path}", roll="58mm")
    stream = pty.finish()
    assert parse(stream).queries == 4  # paper and online, before and after
    assert done.paper_low
    check_receipt(stream, record, "58mm")


@pytest.mark.parametrize(
    ("answers", "code", "printed"),
    [
        ({"paper": [0x72], "online": 0x12}, "escpos.out_of_paper", False),
        ({"paper": [0x12], "online": 0x1A}, "escpos.offline", False),
        ({"paper": [0x12, 0x72], "online": 0x12}, "escpos.paper_ran_out", True),
    ],
)
def test_paper_and_offline_as_the_printer_reports_them(record, pty, answers, code, printed):
    pty.far_end(**answers)
    with pytest.raises(PrinterError) as refused:
        print_pdf(pdf_bytes([Printing(record)], "80mm"), f"serial:{pty.path}")
    assert refused.value.code == code and refused.value.params == {"address": f"serial:{pty.path}"}
    assert (b"\x1dv0" in pty.finish()) is printed


# --- (c) bad addresses and missing printers ------------------------------------------------------------


def _usb_backend() -> bool:
    import usb.backend.libusb1

    return usb.backend.libusb1.get_backend() is not None


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize(
    ("address", "code"),
    [
        ("file:/nonexistent/lp9", "escpos.not_found"),
        ("serial:/dev/does-not-exist", "escpos.not_found"),
        ("usb:ffff:ffff", "usb"),
        ("tcp", "escpos.unreachable"),
    ],
)
def test_a_missing_printer_is_said_quickly(record, address, code):
    if code == "usb":
        code = "escpos.not_found" if _usb_backend() else "escpos.usb_unavailable"
    if address == "tcp":
        address = f"tcp:127.0.0.1:{_closed_port()}"
    pdf = pdf_bytes([Printing(record)], "80mm")
    started = time.monotonic()
    with pytest.raises(PrinterError) as failed:
        print_pdf(pdf, address)
    assert time.monotonic() - started < 3
    assert failed.value.code == code
    assert failed.value.params == {"address": str(parse_address(address))}


@pytest.mark.parametrize(
    ("address", "code"),
    [
        ("", "escpos.address"),
        ("lp0", "escpos.address"),
        ("bluetooth:00:11:22:33:44:55", "escpos.address"),
        ("usb:0416", "escpos.address"),
        ("usb:0000:5011", "escpos.address"),
        ("usb:10416:5011", "escpos.address"),
        ("serial:rfcomm0", "escpos.address"),
        ("serial:/dev/rfcomm0@1234", "escpos.speed"),
        ("serial:COM5@fast", "escpos.speed"),
        ("file:lp0", "escpos.address"),
        ("tcp:192.168.1.500", "escpos.address"),
        ("tcp:printer:70000", "escpos.address"),
        ("tcp:bad_host", "escpos.address"),
    ],
)
def test_a_bad_address_is_refused(address, code):
    started = time.monotonic()
    with pytest.raises(InputRefused) as refused:
        print_pdf(b"%PDF-", address)
    assert time.monotonic() - started < 3
    assert refused.value.code == code


def test_bad_roll_and_bad_pdf(tmp_path):
    device = tmp_path / "lp0"
    device.touch()
    with pytest.raises(InputRefused) as refused:
        print_pdf(b"", f"file:{device}", roll="110mm")
    assert refused.value.code == "escpos.roll"
    with pytest.raises(PrinterError) as failed:
        print_pdf(b"not a pdf", f"file:{device}")
    assert failed.value.code == "escpos.render_failed"
    assert device.read_bytes() == b""  # nothing sent for a receipt that did not render


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root may open any file")
def test_no_permission_says_which_group(record, tmp_path):
    device = tmp_path / "lp0"
    device.touch(mode=0o000)
    with pytest.raises(PrinterError) as failed:
        print_pdf(pdf_bytes([Printing(record)], "80mm"), f"file:{device}")
    assert failed.value.code == "escpos.permission_file"


# --- (d) a printer that goes away mid-job --------------------------------------------------------------


def test_hang_up_mid_job_says_print_again(record, pty):
    end = pty.far_end(hang_up_after=20_000)
    started = time.monotonic()
    with pytest.raises(PrinterError) as failed:
        print_pdf(pdf_bytes([Printing(record)], "80mm"), f"serial:{pty.path}")
    assert time.monotonic() - started < 5
    assert failed.value.code == "escpos.write_failed"
    end.thread.join(5)
    assert 20_000 <= len(end.got) < 100_000


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_a_printer_that_stops_taking_data_times_out(record, tmp_path, monkeypatch):
    """A FIFO whose reader never reads fills up like a stalled printer's buffer."""
    monkeypatch.setattr(escpos, "WRITE_SECONDS", 0.5)
    fifo = tmp_path / "lp0"
    os.mkfifo(fifo)
    pdf = pdf_bytes([Printing(record)], "80mm")
    with pytest.raises(PrinterError) as nobody:
        print_pdf(pdf, f"file:{fifo}")  # no reader at all: nothing there
    assert nobody.value.code == "escpos.not_found"
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        started = time.monotonic()
        with pytest.raises(PrinterError) as stalled:
            print_pdf(pdf, f"file:{fifo}")
        assert time.monotonic() - started < 3
        assert stalled.value.code == "escpos.not_responding"
    finally:
        os.close(reader)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_a_second_print_to_a_busy_printer_is_told_so(record, tmp_path, monkeypatch):
    """A second tap on Print while the first job is still going gets `busy`, not its bytes mixed in."""
    monkeypatch.setattr(escpos, "WRITE_SECONDS", 1.5)
    fifo = tmp_path / "lp0"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # takes nothing: the first job stalls
    pdf = pdf_bytes([Printing(record)], "80mm")
    first: list[str] = []

    def print_first() -> None:
        try:
            print_pdf(pdf, f"file:{fifo}")
        except PrinterError as exc:
            first.append(exc.code)

    job = threading.Thread(target=print_first)
    job.start()
    try:
        time.sleep(0.3)
        with pytest.raises(PrinterError) as second:
            print_pdf(pdf, f"file:{fifo}")
        assert second.value.code == "escpos.busy"
    finally:
        job.join(10)
        os.close(reader)
    assert first == ["escpos.not_responding"]


def test_only_fieldapp_errors_with_messages_come_out(record, tmp_path):
    from fieldapp.i18n import catalog

    for address in ("file:/nonexistent/lp9", "serial:/dev/does-not-exist", "usb:ffff:ffff", "nonsense"):
        with pytest.raises(FieldappError) as failed:
            print_pdf(pdf_bytes([Printing(record)], "58mm"), address, roll="58mm")
        assert failed.value.code in catalog("vi") and failed.value.code in catalog("en")


# --- the 1-bit image -----------------------------------------------------------------------------------


@pytest.mark.parametrize("roll", ["80mm", "58mm"])
def test_rendered_pages_are_the_head_width_in_one_bit(record, roll):
    images = escpos_raster.render(pdf_bytes([Printing(record)] * 2, roll), roll=roll)
    assert [(im.mode, im.width) for im in images] == [("1", escpos_raster.HEAD_DOTS[roll])] * 2


def test_a_page_of_another_size_is_scaled_to_the_head():
    from PIL import Image

    assert escpos_raster.one_bit(Image.new("L", (1200, 600), 255), 384).size == (384, 192)
    assert escpos_raster.one_bit(Image.new("L", (575, 100), 0), 576).size == (576, 100)  # padded, not resampled


# --- addresses -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("usb:0416:5011", "usb:0416:5011"),
        (" USB:0x416:0X5011 ", "usb:0416:5011"),
        ("serial:/dev/rfcomm0", "serial:/dev/rfcomm0"),
        ("serial:/dev/rfcomm0@9600", "serial:/dev/rfcomm0"),
        ("serial:/dev/rfcomm0@115200", "serial:/dev/rfcomm0@115200"),
        ("serial:com5", "serial:COM5"),
        ("serial:\\\\.\\COM12@115200", "serial:COM12@115200"),
        ("file:/dev/usb/lp0", "file:/dev/usb/lp0"),
        ("file:\\\\.\\USB001", "file:\\\\.\\USB001"),
        ("tcp:192.168.1.50:9100", "tcp:192.168.1.50:9100"),
        ("tcp:Printer.local", "tcp:printer.local:9100"),
        ("tcp:[FE80::1]:9101", "tcp:[fe80::1]:9101"),
    ],
)
def test_addresses(text, canonical):
    assert str(parse_address(text)) == canonical
    assert parse_address(canonical) == parse_address(text)


_hostnames = st.from_regex(
    r"[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?){0,3}", fullmatch=True
)
addresses = st.one_of(
    st.builds(lambda v, p: Address("usb", vendor=v, product=p), st.integers(1, 0xFFFF), st.integers(1, 0xFFFF)),
    st.builds(
        lambda port, speed: Address("serial", port, speed=speed),
        st.one_of(
            st.integers(1, 999).map(lambda n: f"COM{n}"),
            st.from_regex(r"/[A-Za-z0-9_./:-]{1,30}", fullmatch=True),
        ),
        st.sampled_from(escpos_address.SERIAL_SPEEDS),
    ),
    st.from_regex(r"/[A-Za-z0-9_./ @:-]{0,30}[A-Za-z0-9_]", fullmatch=True).map(lambda p: Address("file", p)),
    st.builds(
        lambda host, port: Address("tcp", host, port=port),
        st.one_of(
            st.ip_addresses(v=4).map(str),
            st.ip_addresses(v=6).map(str),
            _hostnames.filter(lambda h: not re.fullmatch(r"[0-9.]+", h)),
        ),
        st.integers(1, 65535),
    ),
)


@given(addresses)
def test_every_address_round_trips(address):
    assert parse_address(str(address)) == address


_near = st.tuples(
    st.sampled_from(["usb:", "serial:", "file:", "tcp:", "USB:", "serial:/dev/", "serial:COM", "tcp:[", ""]),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=40)
    | st.text(alphabet="0123456789abcdefxX:@/.[]- COM", max_size=30),
).map("".join)


@given(st.one_of(st.text(), _near, st.binary().map(lambda b: b.decode("latin-1"))))
def test_parsing_never_crashes_and_what_it_accepts_round_trips(text):
    try:
        address = parse_address(text)
    except InputRefused as refused:
        assert refused.code in ("escpos.address", "escpos.speed")
        return
    assert address.kind in escpos_address.KINDS
    assert parse_address(str(address)) == address
    assert str(parse_address(str(address))) == str(address)


def test_not_text_is_refused():
    for value in (None, 5, b"usb:0416:5011"):
        with pytest.raises(InputRefused):
            parse_address(value)  # type: ignore[arg-type]


def test_candidates_are_addresses():
    found = escpos_address.list_candidates()
    assert isinstance(found, list) and len(found) == len(set(found))
    assert all(str(parse_address(a)) == a for a in found)
