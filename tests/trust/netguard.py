"""No network, ever: a session-wide fixture that makes any non-AF_UNIX connect fail.

tests/conftest.py imports it, so it applies to every test.

(Subprocesses are not affected, so the SSH test, which runs ``ssh`` as a
subprocess, is exempt by construction. pytest-xdist talks to its workers over
pipes, not sockets.)
"""

from __future__ import annotations

import socket

import pytest


class NetworkBlocked(AssertionError):
    """The code under test tried to open a network connection."""


def _is_unix(sock: socket.socket) -> bool:
    return getattr(socket, "AF_UNIX", None) is not None and sock.family == socket.AF_UNIX


@pytest.fixture(autouse=True, scope="session")
def block_network():
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex
    real_create = socket.create_connection

    def connect(self, address, *a, **k):
        if _is_unix(self):
            return real_connect(self, address, *a, **k)
        raise NetworkBlocked(f"network connection attempted: {address!r}")

    def connect_ex(self, address, *a, **k):
        if _is_unix(self):
            return real_connect_ex(self, address, *a, **k)
        raise NetworkBlocked(f"network connection attempted: {address!r}")

    def create_connection(address, *a, **k):
        raise NetworkBlocked(f"network connection attempted: {address!r}")

    real_sendto = socket.socket.sendto
    real_sendmsg = socket.socket.sendmsg

    def sendto(self, data, *a, **k):  # a datagram needs no connect to leave the machine
        if _is_unix(self):
            return real_sendto(self, data, *a, **k)
        raise NetworkBlocked("network datagram attempted (sendto)")

    def sendmsg(self, *a, **k):
        if _is_unix(self):
            return real_sendmsg(self, *a, **k)
        raise NetworkBlocked("network message attempted (sendmsg)")

    socket.socket.connect = connect  # type: ignore[method-assign]
    socket.socket.connect_ex = connect_ex  # type: ignore[method-assign]
    socket.create_connection = create_connection  # type: ignore[assignment]
    socket.socket.sendto = sendto  # type: ignore[method-assign]
    socket.socket.sendmsg = sendmsg  # type: ignore[method-assign]
    try:
        yield
    finally:
        socket.socket.sendto = real_sendto  # type: ignore[method-assign]
        socket.socket.sendmsg = real_sendmsg  # type: ignore[method-assign]
        socket.socket.connect = real_connect  # type: ignore[method-assign]
        socket.socket.connect_ex = real_connect_ex  # type: ignore[method-assign]
        socket.create_connection = real_create  # type: ignore[assignment]
