"""A TCP relay that can drop its connections, as a failing network does: for tests of what a store does when
its connection to the server goes part way through a load. Standard library only."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress


class Relay:
    """A TCP relay on a free local port to a server, that drops every connection it carries, as a failing
    network does, when a client sends a given marker."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.marker = b""
        self.sockets: list[socket.socket] = []
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    @contextmanager
    def dropping_when_sent(self, marker: bytes) -> Iterator[None]:
        """Drop every connection when a client next sends `marker` within the block."""
        self.marker = marker
        try:
            yield
        finally:
            self.marker = b""

    def close(self) -> None:
        self.listener.close()
        self._drop()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:  # closed
                return
            server = socket.create_connection(self.target)
            with self.lock:
                self.sockets += [client, server]
            threading.Thread(target=self._relay, args=(client, server, True), daemon=True).start()
            threading.Thread(target=self._relay, args=(server, client, False), daemon=True).start()

    def _relay(self, source: socket.socket, sink: socket.socket, from_client: bool) -> None:
        tail = b""  # the marker may be split between two reads
        try:
            while data := source.recv(65536):
                if from_client and self.marker and self.marker in tail + data:
                    self.marker = b""
                    self._drop()
                    return
                tail = data[-len(self.marker):] if self.marker else b""
                sink.sendall(data)
        except OSError:  # dropped, or closed by the other side
            pass
        for end in (source, sink):  # one side closed: so does the other
            hang_up(end)

    def _drop(self) -> None:
        with self.lock:
            dropped, self.sockets = self.sockets, []
        for end in dropped:
            hang_up(end)


def hang_up(end: socket.socket) -> None:
    """Close a connection, waking any thread that reads it: closing alone would leave the connection open
    until that read returns."""
    with suppress(OSError):  # closed already
        end.shutdown(socket.SHUT_RDWR)
    end.close()
