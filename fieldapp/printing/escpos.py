"""Receipts straight to the cheap ESC/POS thermal printers teams carry, with no driver on the laptop.

Their code pages have no Vietnamese, so a receipt goes as pixels: the roll PDF (`receipt.write`, layouts
80mm/58mm) is rendered at the head's 203 dpi, made 1-bit and sent as raster images (GS v 0) in bands a
small printer buffer holds, then fed and cut. Commands come from python-escpos; the connection is opened,
used and closed within one call, every step under a deadline, so a Bluetooth printer that went away gives
an answer instead of a hung app. Every failure is a `PrinterError` (or `InputRefused` for a bad address)
with a message code under `[escpos]`; the details go to the log.

This module is the driver: the job sent over a connection and what went wrong said in words. Addresses are
`escpos_address`, the pages made into commands `escpos_raster`; their names are importable from here too.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from fieldapp.errors import FieldappError
from fieldapp.printing.escpos_address import Address, parse_address
from fieldapp.printing.escpos_raster import _job, head_dots

log = logging.getLogger(__name__)

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
