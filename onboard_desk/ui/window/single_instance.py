"""One window per database: a second launch hands over to the running one and exits.

The running app listens on a local socket whose name is derived from the database path
(and the user id), so two different databases can be open side by side while opening the
same one twice brings the existing window forward instead.
"""

from __future__ import annotations

import os
import zlib
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

ACTIVATE = b"activate\n"


def server_name(db_path: Path) -> str:
    """A socket name unique to this user and this database file."""
    try:
        resolved = str(db_path.expanduser().resolve())
    except OSError:
        resolved = str(db_path)
    data = resolved.encode("utf-8")
    digest = f"{zlib.crc32(data):08x}{zlib.adler32(data):08x}"
    uid = os.getuid() if hasattr(os, "getuid") else 0
    return f"onboard-desk-{uid}-{digest}"


def socket_path(name: str) -> str:
    """Where QLocalServer puts a named socket on Unix: Qt's temporary folder."""
    return os.path.join(os.environ.get("TMPDIR") or "/tmp", name)


def forward_to_running(db_path: Path, *, timeout_ms: int = 500) -> bool:
    """Ask a running instance on ``db_path`` to come forward; True if one answered.

    On Unix this talks to the QLocalServer's socket with the standard library, so a first
    launch does not load QtNetwork before its window is on screen.
    """
    name = server_name(db_path)
    if os.name != "posix":
        return _forward_with_qt(name, timeout_ms)
    import socket

    client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    client.settimeout(timeout_ms / 1000)
    try:
        client.connect(socket_path(name))
        client.sendall(ACTIVATE)
    except OSError:
        return False
    finally:
        client.close()
    return True


def _forward_with_qt(name: str, timeout_ms: int) -> bool:
    from PySide6.QtNetwork import QLocalSocket

    socket = QLocalSocket()
    socket.connectToServer(name)
    if not socket.waitForConnected(timeout_ms):
        return False
    socket.write(ACTIVATE)
    socket.flush()
    socket.waitForBytesWritten(timeout_ms)
    socket.disconnectFromServer()
    return True


class InstanceServer(QObject):
    """Listens for later launches on the same database and announces them."""

    #: Another launch asked for the window to come forward.
    sig_activation_requested = Signal()

    def __init__(self, db_path: Path, parent: QObject | None = None) -> None:
        from PySide6.QtNetwork import QLocalServer

        super().__init__(parent)
        self.name = server_name(db_path)
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._on_new_connection)

    def listen(self) -> bool:
        """Start listening; a socket left behind by a crashed instance is removed first."""
        from PySide6.QtNetwork import QLocalServer

        if self._server.listen(self.name):
            return True
        QLocalServer.removeServer(self.name)
        return self._server.listen(self.name)

    def close(self) -> None:
        self._server.close()

    @Slot()
    def _on_new_connection(self) -> None:
        while self._server.hasPendingConnections():
            connection = self._server.nextPendingConnection()
            if connection is None:
                break
            connection.readyRead.connect(self._on_ready_read)
            connection.disconnected.connect(connection.deleteLater)
            if connection.bytesAvailable():
                self._read(connection)

    @Slot()
    def _on_ready_read(self) -> None:
        connection = self.sender()
        if connection is not None:
            self._read(connection)

    def _read(self, connection: Any) -> None:
        data = bytes(connection.readAll().data())
        if ACTIVATE.strip() in data:
            self.sig_activation_requested.emit()
