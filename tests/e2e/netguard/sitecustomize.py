"""Loaded by every Python process of a guarded run (through PYTHONPATH): records each outbound
connection and name lookup to the file named by ACORN_NETGUARD_LOG and refuses any that does not
go to the loopback interface."""

import ipaddress
import os
import socket
import sys

_LOG = os.environ.get("ACORN_NETGUARD_LOG")


def _is_loopback(host) -> bool:
    if host in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return False


def _record(kind: str, host, port) -> None:
    with open(_LOG, "a", encoding="utf-8") as handle:
        handle.write(f"{os.getpid()}\t{kind}\t{host}\t{port}\n")


if _LOG:
    _record("start", os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else "python", "")
    _connect = socket.socket.connect
    _connect_ex = socket.socket.connect_ex
    _getaddrinfo = socket.getaddrinfo

    def _guard(address):
        if isinstance(address, tuple) and len(address) >= 2:
            _record("connect", address[0], address[1])
            if not _is_loopback(address[0]):
                raise OSError(f"network guard: connection to {address[0]}:{address[1]} refused")

    def connect(self, address):
        _guard(address)
        return _connect(self, address)

    def connect_ex(self, address):
        _guard(address)
        return _connect_ex(self, address)

    def getaddrinfo(host, port, *args, **kwargs):
        _record("lookup", host, port)
        if host is not None and not _is_loopback(host):
            raise socket.gaierror(socket.EAI_NONAME, f"network guard: lookup of {host} refused")
        return _getaddrinfo(host, port, *args, **kwargs)

    socket.socket.connect = connect
    socket.socket.connect_ex = connect_ex
    socket.getaddrinfo = getaddrinfo
