"""No network: the guard is on for the whole session, and the app's code does not
reach for networking modules at all."""

from __future__ import annotations

import re
import socket
from pathlib import Path

import pytest

from .netguard import NetworkBlocked

SRC = Path(__file__).resolve().parents[2] / "src" / "inspect_tui"
NETWORK_MODULES = re.compile(
    r"^\s*(?:import|from)\s+(socket|ssl|urllib\.request|urllib3|http\.client|httpx|requests|aiohttp"
    r"|smtplib|ftplib|poplib|imaplib|telnetlib|xmlrpc|websockets?|paramiko)\b",
    re.M,
)


def test_connecting_anywhere_fails_the_test():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s, pytest.raises(NetworkBlocked):
        s.connect(("127.0.0.1", 9))
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s, pytest.raises(NetworkBlocked):
        s.connect_ex(("192.0.2.1", 53))
    with pytest.raises(NetworkBlocked):
        socket.create_connection(("example.com", 443))
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s, pytest.raises(NetworkBlocked):
        s.sendto(b"x", ("192.0.2.1", 53))  # no connect needed for a datagram


def test_local_unix_sockets_still_work(tmp_path):
    a, b = socket.socketpair()
    with a, b:
        a.sendall(b"x")
        assert b.recv(1) == b"x"


def test_the_app_imports_no_networking_module():
    offenders = [
        f"{p.relative_to(SRC)}: {m.group(1)}"
        for p in SRC.rglob("*.py")
        for m in NETWORK_MODULES.finditer(p.read_text(encoding="utf-8"))
    ]
    assert not offenders, offenders
