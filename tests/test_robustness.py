"""Hostile input and faults: every case ends in a clear message and a non-zero status, never a
traceback, and never lost or half-written data."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from cli import main
from landscape.errors import LandscapeError
from landscape.io.validate import load_dataset
from landscape.store.embedded import DATA_FILE, EmbeddedStore

COMMAND = [sys.executable, "-c", "import cli; cli.main()"]


def refused(runner, *args: str) -> str:
    """Run a command that must fail cleanly; its combined output."""
    result = runner.invoke(main, list(args))
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and not isinstance(result.exception, AssertionError)
    return result.output


@pytest.fixture(scope="module")
def big(tmp_path_factory) -> Path:
    """A synthetic landscape large enough that writing the store takes a while."""
    folder = tmp_path_factory.mktemp("big")
    subprocess.run([*COMMAND, "generate", "--entities", "4000", "-o", str(folder)], check=True,
                   capture_output=True)
    return folder


def store_state(store: Path) -> tuple[int, int]:
    landscape = EmbeddedStore(store).read()
    return len(landscape.entities), len(landscape.relationships)


def test_two_loads_at_once_are_serialised(tmp_path, tiny, big):
    store = tmp_path / "store"
    env = {**os.environ, "LANDSCAPE_STORE": str(store)}
    loads = [subprocess.Popen([*COMMAND, "load", str(dataset), "--replace"], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for dataset in (big, tiny)]
    for load in loads:
        _, errors = load.communicate(timeout=120)
        assert load.returncode == 0, errors
    assert store_state(store) in {store_state_of(big), store_state_of(tiny)}


def store_state_of(dataset: Path) -> tuple[int, int]:
    landscape = load_dataset(dataset)
    return len(landscape.entities), len(landscape.relationships)


@pytest.mark.parametrize("fraction", [0.3, 0.6, 0.8, 0.95])
def test_a_load_killed_half_way_leaves_the_store_intact(tmp_path, tiny, big, fraction):
    """Kill `landscape load` with SIGKILL at several points: the store always holds the old
    landscape or the new one, and the next load cleans up and succeeds."""
    store = tmp_path / "store"
    EmbeddedStore(store).write(load_dataset(tiny))
    env = {**os.environ, "LANDSCAPE_STORE": str(store)}
    start = time.perf_counter()
    subprocess.run([*COMMAND, "load", str(big), "--replace"], env=env, check=True, capture_output=True)
    whole = time.perf_counter() - start
    EmbeddedStore(store).write(load_dataset(tiny), replace=True)

    load = subprocess.Popen([*COMMAND, "load", str(big), "--replace"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(whole * fraction)
    load.send_signal(signal.SIGKILL)
    load.wait()
    assert store_state(store) in {store_state_of(tiny), store_state_of(big)}
    EmbeddedStore(store).write(load_dataset(tiny), replace=True)
    assert sorted(path.name for path in store.iterdir() if path.name.endswith(".tmp")) == []


def test_disk_full_during_a_write_keeps_the_old_store(runner, tiny, big, store_folder, monkeypatch):
    EmbeddedStore(store_folder).write(load_dataset(tiny))
    before = (store_folder / DATA_FILE).read_bytes()

    def disk_full(descriptor: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    output = refused(runner, "load", str(big), "--replace")
    assert "No space left on device; the store was not changed" in output
    assert (store_folder / DATA_FILE).read_bytes() == before
    assert not [path for path in store_folder.iterdir() if path.name.endswith(".tmp")]


def test_exports_neutralise_formulas(runner, write_dataset, tmp_path):
    import openpyxl

    folder = write_dataset('evil,"=HYPERLINK(""http://x"",""y"")",board,,,true\n'
                           "plain,@SUM(A1),board,,,true", entity_header="id,name,type,sector,level,top")
    assert runner.invoke(main, ["export", str(folder), "--format", "csv", "-o", str(tmp_path / "out")]).exit_code == 0
    text = (tmp_path / "out" / "entities.csv").read_text()
    assert "'=HYPERLINK" in text and "'@SUM(A1)" in text
    assert runner.invoke(main, ["export", str(folder), "--format", "xlsx", "-o", str(tmp_path / "o.xlsx")]
                         ).exit_code == 0
    book = openpyxl.load_workbook(tmp_path / "o.xlsx")
    cells = [cell for row in book["entities"].iter_rows() for cell in row]
    assert all(cell.data_type != "f" for cell in cells) and not any(cell.hyperlink for cell in cells)
    assert load_dataset(tmp_path / "out").entities["evil"].name == '=HYPERLINK("http://x","y")'


class Proxy:
    """A TCP relay to a server that is cut once `budget` bytes have gone towards the server,
    as a network or a server going away mid-load would; cutting by bytes, not by time, makes
    the cut land part way through the load however fast the machine is."""

    def __init__(self, host: str, port: int, budget: int) -> None:
        self.target = (host, port)
        self.budget = budget
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.sockets: list[socket.socket] = []
        self.cut = False
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self) -> None:
        while not self.cut:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.target)
            self.sockets += [client, server]
            for a, b, upstream in ((client, server, True), (server, client, False)):
                threading.Thread(target=self.pipe, args=(a, b, upstream), daemon=True).start()

    def pipe(self, source: socket.socket, target: socket.socket, upstream: bool) -> None:
        try:
            while data := source.recv(65536):
                target.sendall(data)
                if upstream:
                    self.budget -= len(data)
                    if self.budget <= 0:
                        self.close()
                        return
        except OSError:
            pass

    def close(self) -> None:
        self.cut = True
        self.listener.close()
        for sock in self.sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()


@pytest.mark.neo4j
def test_neo4j_going_away_mid_load_writes_nothing_and_rerunning_is_safe(neo4j_server, neo4j_store, tiny, big):
    """Cut the connection while a large load is under way: the old landscape is still there,
    whole, and loading again succeeds."""
    from landscape.store import open_store

    neo4j_store.write(load_dataset(tiny), replace=True)
    before = neo4j_store.read()
    host, port = neo4j_server["uri"].split("://")[1].rsplit(":", 1)
    proxy = Proxy(host, int(port), budget=1_000_000)
    scheme = neo4j_server["uri"].split("://")[0]
    cut = open_store(f"{scheme}://127.0.0.1:{proxy.port}", user=neo4j_server["user"],
                     password=neo4j_server["password"], database=neo4j_server["database"])
    with pytest.raises(LandscapeError, match=r": load failed: .+; the store was not changed$"):
        cut.write(load_dataset(big), replace=True)
    cut.close()
    after = neo4j_store.read()
    assert set(after.entities) == set(before.entities)
    assert len(after.relationships) == len(before.relationships)
    neo4j_store.write(load_dataset(big), replace=True)
    assert len(neo4j_store.read().entities) == len(load_dataset(big).entities)
