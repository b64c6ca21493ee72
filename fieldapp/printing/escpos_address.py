"""Where an ESC/POS printer is: its address parsed and written back, and the addresses worth offering.

Addresses, as a person or the settings file writes them:
    usb:0416:5011            vendor:product id, hex (python-escpos through pyusb/libusb)
    serial:/dev/rfcomm0      a serial or Bluetooth SPP port; serial:COM5 on Windows; @115200 sets the speed
    file:/dev/usb/lp0        the kernel's USB printer device: no driver and no USB permissions needed
    tcp:192.168.1.50:9100    a network printer (raw port 9100)
"""

from __future__ import annotations

import glob
import ipaddress
import logging
import re
from dataclasses import dataclass
from typing import Any

from fieldapp.errors import InputRefused

log = logging.getLogger("fieldapp.printing.escpos")  # one name in the log for the printer, as before the split

KINDS = ("usb", "serial", "file", "tcp")
SERIAL_SPEEDS = (9600, 19200, 38400, 57600, 115200)
DEFAULT_SPEED = 9600  # what Bluetooth SPP printers expect (the speed is nominal over Bluetooth)
TCP_PORT = 9100


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
