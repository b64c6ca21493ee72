"""Receipts straight to the cheap ESC/POS thermal printers teams carry, with no driver on the laptop.

Their code pages have no Vietnamese, so a receipt goes as pixels: the roll PDF (`receipt.write`, layouts
80mm/58mm) is rendered at the head's 203 dpi, made 1-bit and sent as raster images (GS v 0) in bands a
small printer buffer holds, then fed and cut. Commands come from python-escpos; the connection is opened,
used and closed within one call, every step under a deadline, so a Bluetooth printer that went away gives
an answer instead of a hung app. Every failure is a `PrinterError` (or `InputRefused` for a bad address)
with a message code under `[escpos]`; the details go to the log.

Addresses, as a person or the settings file writes them:
    usb:0416:5011            vendor:product id, hex (python-escpos through pyusb/libusb)
    serial:/dev/rfcomm0      a serial or Bluetooth SPP port; serial:COM5 on Windows; @115200 sets the speed
    file:/dev/usb/lp0        the kernel's USB printer device: no driver and no USB permissions needed
    tcp:192.168.1.50:9100    a network printer (raw port 9100)
"""

from __future__ import annotations

import contextlib
import errno
import glob
import ipaddress
import logging
import os
import re
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from fieldapp.errors import FieldappError, InputRefused

if TYPE_CHECKING:
    from PIL.Image import Image

log = logging.getLogger(__name__)

KINDS = ("usb", "serial", "file", "tcp")
HEAD_DOTS = {"80mm": 576, "58mm": 384}  # 72 mm and 48 mm printable at 8 dots per mm
DPI = 203
# Grey levels below this print black. Above plain 50% on purpose: at 203 dpi the anti-aliased strokes of
# 6-7 pt text and the marks of Vietnamese (dấu nặng, hỏi, ngã) are 1-2 dots wide and mostly grey; a
# threshold of 160 keeps them whole and slightly bold, where 128 thins them and dithering breaks them.
THRESHOLD = 160
BAND_ROWS = 64  # one GS v 0 command: 4.6 KB at 80 mm, 3 KB at 58 mm
SERIAL_SPEEDS = (9600, 19200, 38400, 57600, 115200)
DEFAULT_SPEED = 9600  # what Bluetooth SPP printers expect (the speed is nominal over Bluetooth)
TCP_PORT = 9100
OPEN_SECONDS = 5.0  # to open a connection (Bluetooth paging takes a few seconds)
STATUS_SECONDS = 0.4  # to wait for a status byte; printers that never answer are printed to anyway
WRITE_SECONDS = 10.0  # with no byte taken for this long, the printer is gone
CLOSE_SECONDS = 2.0
SERIAL_PIECE = 1024  # bytes per serial write, so its timeout stays short at 9600 baud

_QUERY_PAPER = b"\x10\x04\x04"  # DLE EOT 4: roll paper sensor status
_QUERY_ONLINE = b"\x10\x04\x01"  # DLE EOT 1: printer status
_LPGETSTATUS = 0x060B  # the Linux lp/usblp status ioctl; bit 0x20 is paper out
_T = TypeVar("_T")


class PrinterError(FieldappError):
    """The thermal printer did not print, or not all of it. The receipt itself is saved."""


# --- addresses -----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Address:
    """Where a printer is. `target` is the serial port, the file path or the TCP host."""

    kind: str
    target: str = ""
    vendor: int = 0
    product: int = 0
    speed: int = DEFAULT_SPEED
    port: int = TCP_PORT

    def __str__(self) -> str:
        if self.kind == "usb":
            return f"usb:{self.vendor:04x}:{self.product:04x}"
        if self.kind == "serial":
            return f"serial:{self.target}" + (f"@{self.speed}" if self.speed != DEFAULT_SPEED else "")
        if self.kind == "file":
            return f"file:{self.target}"
        host = f"[{self.target}]" if ":" in self.target else self.target
        return f"tcp:{host}:{self.port}"


_USB = re.compile(r"(?:0[xX])?([0-9a-fA-F]{1,4}):(?:0[xX])?([0-9a-fA-F]{1,4})")
_COM = re.compile(r"(?:\\\\\.\\)?[cC][oO][mM]([0-9]{1,3})")
_POSIX_PORT = re.compile(r"/[^\s@]+")
_SPEED = re.compile(r"[0-9]{1,7}")
_WINDOWS_PATH = re.compile(r"(?:[A-Za-z]:[\\/]|\\\\)\S.*")
_HOST_PORT = re.compile(r"(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(?::([0-9]{1,5}))?")
_LABEL = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")


def parse_address(text: str) -> Address:
    """The printer address in `text`; InputRefused (`escpos.address`, `escpos.speed`) for anything else."""
    raw = text.strip() if isinstance(text, str) else ""
    shown = raw[:80] if isinstance(text, str) else repr(text)[:80]
    refused = InputRefused("escpos.address", address=shown)
    if not raw or len(raw) > 260 or any(ord(c) < 32 or ord(c) == 127 for c in raw):
        raise refused
    kind, sep, rest = raw.partition(":")
    kind = kind.lower()
    if not sep or kind not in KINDS:
        raise refused
    if kind == "usb":
        m = _USB.fullmatch(rest)
        vendor, product = (int(m[1], 16), int(m[2], 16)) if m else (0, 0)
        if not vendor or not product:  # 0 is no USB id (and python-escpos would match any device)
            raise refused
        return Address("usb", vendor=vendor, product=product)
    if kind == "serial":
        port, at, speed_text = rest.partition("@")
        if com := _COM.fullmatch(port):
            if int(com[1]) == 0:
                raise refused
            port = f"COM{int(com[1])}"
        elif not _POSIX_PORT.fullmatch(port):
            raise refused
        if not at:
            return Address("serial", port)
        if not _SPEED.fullmatch(speed_text) or int(speed_text) not in SERIAL_SPEEDS:
            raise InputRefused("escpos.speed", speed=speed_text[:12], allowed=", ".join(str(s) for s in SERIAL_SPEEDS))
        return Address("serial", port, speed=int(speed_text))
    if kind == "file":
        if not (len(rest) > 1 and rest.startswith("/")) and not _WINDOWS_PATH.fullmatch(rest):
            raise refused
        return Address("file", rest)
    m = _HOST_PORT.fullmatch(rest)
    if not m:
        raise refused
    host, port = m[1], int(m[2]) if m[2] else TCP_PORT
    if not 0 < port < 65536:
        raise refused
    try:
        if host.startswith("["):
            host = str(ipaddress.IPv6Address(host[1:-1]))
        elif re.fullmatch(r"[0-9.]+", host):
            host = str(ipaddress.IPv4Address(host))
        elif len(host) > 253 or not all(_LABEL.fullmatch(label) for label in host.split(".")):
            raise ValueError(host)
    except ValueError:
        raise refused from None
    return Address("tcp", host.lower(), port=port)


# --- receipt pages to ESC/POS commands -----------------------------------------------------------------


def head_dots(roll: str) -> int:
    try:
        return HEAD_DOTS[roll]
    except (KeyError, TypeError):
        raise InputRefused("escpos.roll", value=str(roll)[:20]) from None


def one_bit(page: Image, width: int) -> Image:
    """A rendered page as the printer's dots: exactly `width` wide, black where darker than THRESHOLD.
    A roll page is already the head's width (give or take a dot of rounding: padded, never resampled);
    anything else is scaled to fit."""
    from PIL import Image as PILImage

    grey = page.convert("L")
    if abs(grey.width - width) > 2:
        height = max(1, round(grey.height * width / grey.width))
        grey = grey.resize((width, height), PILImage.Resampling.LANCZOS)
    elif grey.width != width:
        canvas = PILImage.new("L", (width, grey.height), 255)
        canvas.paste(grey.crop((0, 0, min(width, grey.width), grey.height)), ((width - grey.width) // 2, 0))
        grey = canvas
    return grey.point(lambda v: 255 if v >= THRESHOLD else 0, mode="1")


def render(pdf_bytes: bytes, *, roll: str = "80mm") -> list[Image]:
    """Each page of a roll PDF (one receipt a page) as a 1-bit image the printer's head wide."""
    from fieldapp.printing import raster

    width = head_dots(roll)
    return [one_bit(page, width) for page in raster.pages(pdf_bytes, DPI)]


def commands(pdf_bytes: bytes, *, roll: str = "80mm") -> list[bytes]:
    """The ESC/POS job for these receipts, in the pieces it is sent in: reset, then for each receipt its
    raster bands (GS v 0, BAND_ROWS rows each), a feed and a cut."""
    return _job(pdf_bytes, roll)[1]


def _job(pdf_bytes: bytes, roll: str) -> tuple[int, list[bytes]]:
    images = render(pdf_bytes, roll=roll)
    printer = _collector(head_dots(roll))
    printer.hw("INIT")
    for image in images:
        for top in range(0, image.height, BAND_ROWS):  # banded here: python-escpos would convert it all first
            band = image.crop((0, top, image.width, min(top + BAND_ROWS, image.height)))
            printer.image(band, impl="bitImageRaster", fragment_height=BAND_ROWS)
        printer.cut()
    return len(images), printer.chunks


def _collector(width: int) -> Any:
    """A python-escpos printer that keeps what it would send, its profile told the head's width (else it
    prints a warning to stdout for every image)."""
    from escpos.escpos import Escpos

    class Collector(Escpos):
        def __init__(self) -> None:
            super().__init__()
            self.chunks: list[bytes] = []
            data = dict(self.profile.profile_data)
            data["media"] = {"width": {"pixels": width, "mm": width / 8}, "dpi": DPI}
            self.profile.profile_data = data  # on this instance only: the profile class is shared

        def _raw(self, msg: bytes) -> None:
            self.chunks.append(bytes(msg))

    return Collector()


# --- printing ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Printed:
    receipts: int
    sent: int  # bytes
    paper_low: bool  # the printer said its roll is nearly used up (show escpos.paper_low)


def print_pdf(pdf_bytes: bytes, address: str | Address, *, roll: str = "80mm") -> Printed:
    """Print a roll PDF (receipt.write with layout 80mm or 58mm) on the ESC/POS printer at `address`.

    Raises InputRefused for a bad address or roll and PrinterError for everything the printer or the
    connection does; nothing else. Takes seconds (the printer's speed, a status wait of up to
    STATUS_SECONDS): call it off the GUI thread."""
    where = parse_address(str(address) if isinstance(address, Address) else address)
    name = str(where)
    head_dots(roll)
    try:
        receipts, chunks = _job(pdf_bytes, roll)  # all rendered before the printer is touched
    except FieldappError:
        raise
    except Exception:
        log.exception("could not render %d bytes of PDF for %s", len(pdf_bytes or b""), name)
        raise PrinterError("escpos.render_failed") from None
    sent = 0
    link: _Link | None = None
    try:
        link = _open(where)
        before = _check(link, name)
        for chunk in chunks:
            link.write(chunk)
            sent += len(chunk)
        _within(WRITE_SECONDS, link.drain)
        after = _check(link, name, during=True) if before is not None else None
        log.info("printed %d receipt(s), %d bytes, to %s", receipts, sent, name)
        return Printed(receipts, sent, paper_low=(after or before or _State()).paper == 1)
    except FieldappError:
        raise
    except Exception as exc:  # every failure becomes a message; the details go to the log
        raise _problem(exc, where, opened=link is not None, sent=sent) from None
    finally:
        if link is not None:
            _close(link, name)


@dataclass(frozen=True, slots=True)
class _State:
    paper: int = 2  # 2 plenty, 1 near the end, 0 none
    offline: bool = False


def _check(link: _Link, name: str, *, during: bool = False) -> _State | None:
    """The printer's state where it tells it; None (print anyway) where it does not answer in time."""
    try:
        state = link.state()
    except (OSError, ValueError):
        raise
    except Exception as exc:  # a status read that fails is no answer, never a reason not to print
        log.info("status of %s unreadable: %r", name, exc)
        return None
    if state is None:
        log.info("%s did not answer the status query; printing anyway", name)
        return None
    if state.paper == 0:
        raise PrinterError("escpos.paper_ran_out" if during else "escpos.out_of_paper", address=name)
    if state.offline and not during:
        raise PrinterError("escpos.offline", address=name)
    return state


def _decode(paper: int | None, online: int | None) -> _State | None:
    """Real-time status bytes (DLE EOT 4 and 1) as a state; a byte without the fixed bits of the ESC/POS
    status format (0 at bits 0 and 7, 1 at bits 1 and 4) is no answer."""

    def valid(b: int | None) -> bool:
        return b is not None and b & 0x93 == 0x12

    if not valid(paper):
        return None
    assert paper is not None
    level = 0 if paper & 0x60 else 1 if paper & 0x0C else 2
    return _State(level, offline=online is not None and valid(online) and bool(online & 0x08))


# --- connections ---------------------------------------------------------------------------------------


class _Link:
    """One open connection: write with a deadline, the printer's state, drain, close."""

    def write(self, data: bytes) -> None:
        raise NotImplementedError

    def state(self) -> _State | None:
        return None

    def drain(self) -> None:
        pass

    def close(self) -> None:
        pass


class _FileLink(_Link):
    """A device file (/dev/usb/lp0, or any file that exists) written without blocking, so a stalled
    printer times out. Never created: a missing /dev/usb/lp0 means the printer is unplugged. (python-escpos'
    File opens with "wb", which creates the file and blocks for as long as the printer does.)"""

    def __init__(self, path: str) -> None:
        flags = os.O_WRONLY | os.O_APPEND
        for extra in ("O_NONBLOCK", "O_NOCTTY", "O_BINARY"):
            flags |= getattr(os, extra, 0)
        self.path = path
        self.fd = os.open(path, flags)

    def write(self, data: bytes) -> None:
        import select

        view = memoryview(data)
        deadline = time.monotonic() + WRITE_SECONDS
        while view:
            try:
                done = os.write(self.fd, view)
            except BlockingIOError:
                done = 0
            if done:
                view = view[done:]
                deadline = time.monotonic() + WRITE_SECONDS
                continue
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"{self.path} took no data for {WRITE_SECONDS} s")
            if sys.platform == "win32":
                time.sleep(0.05)
            else:
                select.select([], [self.fd], [], min(left, 0.5))

    def state(self) -> _State | None:
        if not sys.platform.startswith("linux"):
            return None
        import fcntl
        import stat
        import struct

        if not stat.S_ISCHR(os.fstat(self.fd).st_mode):
            return None
        try:
            raw = fcntl.ioctl(self.fd, _LPGETSTATUS, struct.pack("i", 0))
        except OSError:
            return None
        status = struct.unpack("i", raw)[0]
        return _State(paper=0 if status & 0x20 else 2)  # only paper out: cheap printers fake the rest

    def drain(self) -> None:
        with contextlib.suppress(OSError):  # a device file has nothing to sync
            os.fsync(self.fd)

    def close(self) -> None:
        os.close(self.fd)


class _EscposLink(_Link):
    """A python-escpos printer (Usb, Serial, Network) opened by us; status read with a short timeout."""

    def __init__(self, printer: Any, kind: str) -> None:
        self.printer, self.kind = printer, kind

    @property
    def device(self) -> Any:
        return self.printer._device  # the open pyserial port, pyusb device or socket

    def write(self, data: bytes) -> None:
        if self.kind == "serial":
            for start in range(0, len(data), SERIAL_PIECE):
                self.device.write(data[start : start + SERIAL_PIECE])
        else:
            self.printer._raw(data)

    def _ask(self, query: bytes) -> int | None:
        dev = self.device
        if self.kind == "serial":
            dev.reset_input_buffer()
            dev.write(query)
            reply = dev.read(1)
        elif self.kind == "usb":
            import usb.core

            self.printer._raw(query)
            try:
                reply = bytes(dev.read(self.printer.in_ep, 16, int(STATUS_SECONDS * 1000)))[-1:]
            except usb.core.USBError:
                return None
        else:
            dev.sendall(query)
            saved = dev.gettimeout()
            dev.settimeout(STATUS_SECONDS)
            try:
                reply = dev.recv(1)
            except TimeoutError:
                return None
            finally:
                dev.settimeout(saved)
        return reply[0] if reply else None

    def state(self) -> _State | None:
        paper = self._ask(_QUERY_PAPER)
        if paper is None:
            return None
        return _decode(paper, self._ask(_QUERY_ONLINE))

    def drain(self) -> None:
        if self.kind == "serial":
            self.device.flush()

    def close(self) -> None:
        if self.kind == "serial":
            self.device.close()  # not printer.close(): that drains with no deadline
            self.printer._device = False
        else:
            self.printer.close()


def _open(where: Address) -> _Link:
    link: _Link
    fd: int | None = None
    if where.kind == "file":
        link = file_link = _FileLink(where.target)
        fd = file_link.fd
    else:
        if where.kind == "serial":
            from escpos.printer import Serial

            printer = Serial(where.target, baudrate=where.speed, timeout=STATUS_SECONDS, dsrdtr=False)
        elif where.kind == "usb":
            from escpos.printer import Usb

            printer = Usb(where.vendor, where.product, timeout=int(WRITE_SECONDS * 1000))
        else:
            from escpos.printer import Network

            printer = Network(where.target, where.port, timeout=OPEN_SECONDS)
        _within(OPEN_SECONDS, printer.open, late=lambda _: printer.close())
        link = _EscposLink(printer, where.kind)
        if where.kind == "serial":
            fd = printer._device.fileno()
    try:
        if fd is not None:
            _lock(fd)
        if where.kind == "serial":
            link.device.write_timeout = WRITE_SECONDS
        elif where.kind == "usb":
            _usb_endpoints(printer)
    except BaseException:
        _close(link, str(where))
        raise
    return link


def _lock(fd: int) -> None:
    """Take the device for this job: another program (or a second tap on Print) gets `escpos.busy`
    instead of its bytes mixed into ours. Where the OS cannot lock it, print without."""
    try:
        import fcntl
    except ImportError:  # Windows opens serial ports exclusively anyway
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        raise OSError(errno.EBUSY, os.strerror(errno.EBUSY)) from None
    except OSError as exc:
        log.info("no lock on fd %d: %r", fd, exc)


def _usb_endpoints(printer: Any) -> None:
    """Use the printer's own bulk endpoints (python-escpos assumes 0x01 and 0x82; cheap printers vary)."""
    import usb.util

    try:
        config = printer._device.get_active_configuration()
        for interface in config:
            eps = list(interface)
            out = [e for e in eps if usb.util.endpoint_direction(e.bEndpointAddress) == usb.util.ENDPOINT_OUT]
            inn = [e for e in eps if usb.util.endpoint_direction(e.bEndpointAddress) == usb.util.ENDPOINT_IN]
            if out:
                printer.out_ep = out[0].bEndpointAddress
                if inn:
                    printer.in_ep = inn[0].bEndpointAddress
                return
    except Exception as exc:  # keep python-escpos' defaults
        log.info("USB endpoints of %s not read: %r", printer.usb_args, exc)


def _close(link: _Link, name: str) -> None:
    try:
        _within(CLOSE_SECONDS, link.close)
    except Exception as exc:
        log.info("closing %s: %r", name, exc)


def _within(seconds: float, fn: Callable[[], _T], late: Callable[[_T], object] | None = None) -> _T:
    """fn() on a helper thread, given up after `seconds` (TimeoutError). A call that finishes after that
    has its result passed to `late` (to close a connection nobody will use)."""
    box: dict[str, Any] = {}
    lock = threading.Lock()

    def run() -> None:
        try:
            box["value"] = fn()
        except BaseException as exc:  # handed to the caller
            box["error"] = exc
        with lock:
            box["done"] = True
            too_late = box.get("late", False)
        if too_late and late is not None and "value" in box:
            try:
                late(box["value"])
            except Exception as exc:
                log.info("cleaning up after a late %s: %r", fn, exc)

    thread = threading.Thread(target=run, name="escpos", daemon=True)
    thread.start()
    thread.join(seconds)
    with lock:
        if not box.get("done"):
            box["late"] = True
            raise TimeoutError(f"{fn} took more than {seconds} s")
    if "error" in box:
        raise box["error"]
    return box["value"]


# --- what went wrong, in words a person can act on -----------------------------------------------------

_GONE = {errno.ENOENT, errno.ENODEV, errno.ENXIO, errno.ENOTDIR, errno.EISDIR}
_DENIED = {errno.EACCES, errno.EPERM}
_AWAY = {errno.EHOSTDOWN, errno.EHOSTUNREACH, errno.ECONNREFUSED, errno.ETIMEDOUT, errno.ENETUNREACH}
_BROKEN = {errno.EIO, errno.EPIPE, errno.ECONNRESET, errno.ENODEV, errno.ESHUTDOWN, errno.ECONNABORTED}


def _causes(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def _errno(exc: BaseException) -> int | None:
    for e in _causes(exc):
        number = getattr(e, "errno", None)
        if isinstance(number, int):
            return number
        for arg in getattr(e, "args", ())[:1]:  # pyusb and pyserial sometimes keep it in args
            if isinstance(arg, int) and arg > 0:
                return arg
    return None


def _problem(exc: Exception, where: Address, *, opened: bool, sent: int) -> PrinterError:
    """The message for an exception from opening (opened=False) or from using a connection."""
    name = str(where)
    log.warning("ESC/POS printer %s: %s after %d bytes", name, "failed" if opened else "not opened", sent, exc_info=exc)
    causes = _causes(exc)
    kinds = {type(e).__name__ for e in causes}
    text = " ".join(str(e) for e in causes)
    number = _errno(exc)
    if "NoBackendError" in kinds:
        return PrinterError("escpos.usb_unavailable", address=name)
    if kinds & {"USBTimeoutError", "SerialTimeoutException"} or any(isinstance(e, TimeoutError) for e in causes):
        if not opened:
            return PrinterError("escpos.unreachable", address=name)
        return PrinterError("escpos.not_responding", address=name)
    if number in _DENIED or "PermissionError" in text or "Access denied" in text:
        if where.kind == "serial" and sys.platform == "win32":  # Windows says "denied" for a port in use
            return PrinterError("escpos.busy", address=name)
        return PrinterError(f"escpos.permission_{where.kind}", address=name)
    if number == errno.EBUSY:
        return PrinterError("escpos.busy", address=name)
    if not opened:
        if number in _GONE or "FileNotFoundError" in text or "AssertionError" in kinds or "gaierror" in kinds:
            return PrinterError("escpos.not_found", address=name)
        if number in _AWAY:
            return PrinterError("escpos.unreachable", address=name)
        return PrinterError("escpos.cannot_open", address=name, problem=_short(exc))
    return PrinterError("escpos.write_failed", address=name)


def _short(exc: BaseException) -> str:
    number = _errno(exc)
    if number:
        return os.strerror(number)
    return str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__


# --- what to offer in settings -------------------------------------------------------------------------


def list_candidates() -> list[str]:
    """Printer addresses worth offering on this machine (kernel printer devices first, then Bluetooth and
    USB serial ports, then USB printers pyusb can see). Never fails: nothing found is an empty list."""
    found: list[str] = []

    def add(text: str) -> None:
        try:
            canonical = str(parse_address(text))
        except InputRefused:
            return
        if canonical not in found:
            found.append(canonical)

    patterns = (
        ("file", "/dev/usb/lp*"),
        ("serial", "/dev/rfcomm*"),
        ("serial", "/dev/ttyUSB*"),
        ("serial", "/dev/ttyACM*"),
    )
    for kind, pattern in patterns:
        try:
            for path in sorted(glob.glob(pattern)):
                add(f"{kind}:{path}")
        except Exception as exc:
            log.info("listing %s: %r", pattern, exc)
    try:
        from serial.tools import list_ports

        for port in sorted(list_ports.comports(), key=lambda p: p.device):
            add(f"serial:{port.device}")
    except Exception as exc:
        log.info("listing serial ports: %r", exc)
    try:
        import usb.core

        for device in usb.core.find(find_all=True, custom_match=_is_usb_printer) or ():
            add(f"usb:{device.idVendor:04x}:{device.idProduct:04x}")
    except Exception as exc:  # no libusb (NoBackendError) is the usual case on Windows
        log.info("listing USB printers: %r", exc)
    return found


def _is_usb_printer(device: Any) -> bool:
    try:
        return any(interface.bInterfaceClass == 7 for config in device for interface in config)
    except Exception:
        return False
