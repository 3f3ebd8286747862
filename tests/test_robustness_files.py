"""Writes and stores under attack and faults: an output is replaced atomically only when it is a
regular file, keeps its mode, workbooks and dataset folders are written over only with --force,
a dataset folder is switched in whole or not at all, and every failure (a full disk, a store
that cannot be read, a damaged store, a path that is no store) is one clear line, exit status 1."""

from __future__ import annotations

import builtins
import os
import signal
import socket
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from cli import main
from landscape import files
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


def succeeds(runner, *args: str) -> str:
    result = runner.invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result.output


# Outputs that are not regular files

def read_fifo_into(fifo: Path, into: list[bytes]) -> threading.Thread:
    """A reader for `fifo`, as a pipe's other end would be: writing to a FIFO waits for one."""
    def read() -> None:
        with open(fifo, "rb") as file:
            into.append(file.read())

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    return thread


def test_a_fifo_given_as_output_stays_a_fifo_and_receives_the_output(runner, tiny, tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = read_fifo_into(fifo, received)
    succeeds(runner, "analyse", str(tiny), "--format", "json", "-o", str(fifo))
    reader.join(10)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert received and received[0].startswith(b"{")


def test_a_device_given_as_output_stays_a_device(runner, tiny, tmp_path):
    """A null device made in a temporary folder (never the real /dev/null)."""
    device = tmp_path / "null"
    try:
        os.mknod(device, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("making a device node needs root")
    for command in (["analyse", str(tiny), "--format", "json"], ["report", str(tiny)],
                    ["export", str(tiny), "--format", "graphml"], ["template"]):
        succeeds(runner, *command, "-o", str(device))
        info = os.lstat(device)
        assert stat.S_ISCHR(info.st_mode) and info.st_rdev == os.makedev(1, 3), command


def test_a_symbolic_link_given_as_output_is_written_through(runner, tiny, tmp_path):
    target = tmp_path / "target.json"
    target.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(target)
    succeeds(runner, "export", str(tiny), "--format", "json", "-o", str(link))
    assert link.is_symlink() and target.read_text().startswith("{")


def test_a_link_to_a_pipe_like_dev_stdout_receives_the_output(tmp_path):
    """A link of our own to /proc/self/fd/1, as /dev/stdout is: never the real /dev/stdout, which
    a faulty writer would replace for the whole machine."""
    if not Path("/proc/self/fd/1").exists():
        pytest.skip("no /proc")
    link = tmp_path / "stdout"
    link.symlink_to("/proc/self/fd/1")
    result = subprocess.run([*COMMAND, "export", "london", "--format", "json", "-o", str(link)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("{") and link.is_symlink()


def test_a_full_device_is_one_clear_error(runner, tiny, tmp_path):
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full")
    full = tmp_path / "full"
    try:
        os.mknod(full, 0o666 | stat.S_IFCHR, os.makedev(1, 7))
    except PermissionError:
        full = Path("/dev/full")  # written to, never replaced: it stays what it is either way
    output = refused(runner, "export", str(tiny), "--format", "json", "-o", str(full))
    assert output == f"Error: {full}: cannot write: No space left on device\n"


# Standard output that cannot be written

@pytest.mark.parametrize("command", [["export", "london", "--format", "json"], ["validate", "london"],
                                     ["analyse", "london", "--format", "json"]])
def test_a_full_standard_output_is_one_clear_line(command):
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full")
    with open("/dev/full", "wb") as full:
        result = subprocess.run([*COMMAND, *command], stdout=full, stderr=subprocess.PIPE, text=True,
                                timeout=120)
    assert result.returncode == 1
    assert result.stderr == "Error: standard output: cannot write: No space left on device\n"


@pytest.mark.parametrize("option", ["--help", "--version"])
def test_help_on_a_full_disk_is_one_clear_line(option):
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full")
    with open("/dev/full", "wb") as full:
        result = subprocess.run([*COMMAND, option], stdout=full, stderr=subprocess.PIPE, text=True, timeout=60)
    assert result.returncode == 1
    assert result.stderr == "Error: cannot write: No space left on device\n"


def test_a_closed_pipe_is_one_clear_line():
    process = subprocess.Popen([*COMMAND, "export", "london", "--format", "json"], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    process.stdout.close()  # as `| head -1` does once it has its line
    errors = process.stderr.read()
    assert process.wait(120) == 1
    assert errors == "Error: standard output: cannot write: Broken pipe\n"


# Modes

def test_a_replaced_file_keeps_its_mode(runner, tiny, tmp_path):
    for mode, command in ((0o600, ["report", str(tiny)]), (0o640, ["analyse", str(tiny), "--format", "json"]),
                          (0o604, ["export", str(tiny), "--format", "gexf"])):
        path = tmp_path / f"out-{mode:o}"
        path.write_text("old")
        path.chmod(mode)
        succeeds(runner, *command, "-o", str(path))
        assert stat.S_IMODE(path.stat().st_mode) == mode, command
        assert path.read_text() != "old"


def test_new_files_get_the_umask_mode_and_replaced_dataset_files_keep_theirs(runner, tiny, tmp_path):
    old = os.umask(0o027)
    try:
        succeeds(runner, "report", str(tiny), "-o", str(tmp_path / "new.html"))
        succeeds(runner, "export", str(tiny), "--format", "csv", "-o", str(tmp_path / "copy"))
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new.html").stat().st_mode) == 0o640
    assert stat.S_IMODE((tmp_path / "copy" / "entities.csv").stat().st_mode) == 0o640
    (tmp_path / "copy" / "entities.csv").chmod(0o600)
    succeeds(runner, "export", str(tiny), "--format", "csv", "-o", str(tmp_path / "copy"), "--force")
    assert stat.S_IMODE((tmp_path / "copy" / "entities.csv").stat().st_mode) == 0o600


# --force: workbooks and dataset folders

WORKBOOK_WRITERS = [
    ["template"],
    ["export", "{tiny}", "--format", "xlsx"],
    ["analyse", "{tiny}", "--format", "xlsx"],
    ["analyse", "{tiny}", "--format", "json"],  # over a file named as a workbook
    ["report", "{tiny}"],
]


@pytest.mark.parametrize("command", WORKBOOK_WRITERS, ids=" ".join)
def test_an_existing_workbook_is_only_written_over_with_force(runner, tiny, tmp_path, command):
    command = [part.format(tiny=tiny) for part in command]
    path = tmp_path / "someones-typing.xlsx"
    path.write_bytes(b"precious")
    output = refused(runner, *command, "-o", str(path))
    assert output == f"Error: {path} exists: give --force to write over it\n"
    assert path.read_bytes() == b"precious"
    succeeds(runner, *command, "-o", str(path), "--force")
    assert path.read_bytes() != b"precious"


@pytest.mark.parametrize("fmt", ["xlsx"])
def test_a_workbook_format_is_never_written_over_an_existing_file_without_force(runner, tiny, tmp_path, fmt):
    path = tmp_path / "findings"  # whatever its name, a file there may be someone's workbook
    path.write_bytes(b"precious")
    refused(runner, "analyse", str(tiny), "--format", fmt, "-o", str(path))
    refused(runner, "template", "-o", str(path))
    assert path.read_bytes() == b"precious"


@pytest.mark.parametrize("command", [["export", "{tiny}", "--format", "csv"], ["generate", "--entities", "10"]],
                         ids=" ".join)
def test_an_existing_dataset_folder_is_only_written_over_with_force(runner, tiny, tmp_path, command):
    command = [part.format(tiny=tiny) for part in command]
    folder = tmp_path / "dataset"
    folder.mkdir()
    (folder / "entities.csv").write_text("precious")
    (folder / "notes.txt").write_text("kept")
    output = refused(runner, *command, "-o", str(folder))
    assert output == f"Error: {folder} holds a dataset (entities.csv): give --force to replace it\n"
    assert (folder / "entities.csv").read_text() == "precious"
    succeeds(runner, *command, "-o", str(folder), "--force")
    assert load_dataset(folder).entities
    assert (folder / "notes.txt").read_text() == "kept"
    assert sorted(path.name for path in folder.iterdir()) == ["entities.csv", "notes.txt", "relationships.csv"]


def test_other_outputs_are_replaced_without_force(runner, tiny, tmp_path):
    for name, command in (("m.html", ["map", str(tiny)]), ("r.html", ["report", str(tiny)]),
                          ("e.json", ["export", str(tiny), "--format", "json"]),
                          ("f.csv", ["analyse", str(tiny), "--format", "csv"])):
        (tmp_path / name).write_text("old")
        succeeds(runner, *command, "-o", str(tmp_path / name))
        assert (tmp_path / name).read_text() != "old"


# A dataset folder is written all or nothing

def old_dataset(folder: Path) -> dict[str, bytes]:
    folder.mkdir()
    files = {"entities.csv": b"id,name,type\nold,Old,board\n", "relationships.csv": b"source,target,type\n",
             "sources.csv": b"id,title,date\n"}
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return files


def contents(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in folder.iterdir()}


def test_a_full_disk_during_a_csv_export_leaves_the_old_dataset_whole(runner, tiny, tmp_path, monkeypatch):
    """The second file fails: the first must not have replaced its old copy."""
    folder = tmp_path / "dataset"
    before = old_dataset(folder)
    calls = []

    def second_fails(descriptor: int) -> None:
        calls.append(descriptor)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", second_fails)
    output = refused(runner, "export", str(tiny), "--format", "csv", "-o", str(folder), "--force")
    assert output == f"Error: {folder}: cannot write: No space left on device; the folder was not changed\n"
    assert contents(folder) == before  # and no temporary folder left behind


def test_a_failed_switch_puts_the_old_dataset_back(tiny, tmp_path, monkeypatch):
    folder = tmp_path / "dataset"
    before = old_dataset(folder)
    real_replace = os.replace
    calls = []

    def second_fails(source, target) -> None:
        calls.append(target)
        if len(calls) == 2:
            raise OSError(5, "Input/output error")
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", second_fails)
    with pytest.raises(LandscapeError, match="Input/output error; the folder was not changed"):
        files.write_dataset_folder(folder, {"entities.csv": b"new", "relationships.csv": b"new"}, force=True)
    monkeypatch.undo()
    assert contents(folder) == before


def test_a_replaced_dataset_loses_the_old_sources_it_no_longer_has(tmp_path):
    """Old and new files are never mixed: an old sources.csv would vouch for new citations."""
    folder = tmp_path / "dataset"
    old_dataset(folder)
    files.write_dataset_folder(folder, {"entities.csv": b"new", "relationships.csv": b"new"}, force=True)
    assert contents(folder) == {"entities.csv": b"new", "relationships.csv": b"new"}


def test_a_failed_export_into_a_new_folder_leaves_no_folder(runner, tiny, tmp_path, monkeypatch):
    def disk_full(descriptor: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    output = refused(runner, "export", str(tiny), "--format", "csv", "-o", str(tmp_path / "new"))
    assert "No space left on device; nothing was written" in output
    assert not (tmp_path / "new").exists()


# Stores that cannot be used

@pytest.fixture
def unreachable(monkeypatch):
    """Make a folder's contents unreadable and unwritable: by its mode, and, for root (whom
    modes do not stop), by failing every access inside it as the kernel would."""
    def deny(folder: Path) -> None:
        folder.chmod(0)
        if os.geteuid() != 0:
            return

        def refuse(function, listing: bool = False):
            def call(path=".", *args, **kwargs):
                where = Path(os.fspath(path)) if isinstance(path, str | os.PathLike) else None
                if where is not None and (folder in where.parents or listing and where == folder):
                    raise PermissionError(13, "Permission denied", os.fspath(path))
                return function(path, *args, **kwargs)
            return call

        for module, name in ((os, "stat"), (os, "lstat"), (os, "open"), (os, "mkdir"), (builtins, "open")):
            monkeypatch.setattr(module, name, refuse(getattr(module, name)))
        for name in ("listdir", "scandir"):
            monkeypatch.setattr(os, name, refuse(getattr(os, name), listing=True))

    return deny


def test_a_store_folder_that_cannot_be_read_or_written_is_one_clear_line(runner, tiny, tmp_path, unreachable):
    store = tmp_path / "store"
    EmbeddedStore(store).write(load_dataset(tiny))
    unreachable(store)
    try:
        output = refused(runner, "analyse", "--store", str(store), "--format", "json")
        assert output == f"Error: store {store} cannot be read: Permission denied\n"
        output = refused(runner, "load", str(tiny), "--store", str(store))
        assert output == f"Error: store {store} cannot be written: Permission denied; the store was not changed\n"
    finally:
        store.chmod(0o755)


@pytest.mark.parametrize(("text", "message"), [
    (b"[1]", "is damaged: landscape.json holds a list, not a landscape"),
    (b'{"format": "landscape/1", "entities": [{"id": 1, "name": "A", "type": "board"}], "relationships": []}',
     "is damaged: entities row 1 holds a value that is not text: {'id': 1, 'name': 'A', 'type': 'board'}"),
    (b'{"format": "landscape/1", "entities": [{"name": "A", "type": "board"}], "relationships": []}',
     "is damaged: a row lacks the column 'id'"),
    (b'{"format": "landscape/1", "entities": {"a": 1}, "relationships": []}',
     "is damaged: 'entities' is not a list of rows"),
    (b'{"format": "landscape/1", "entities": [[1]], "relationships": []}',
     "is damaged: 'entities' is not a list of rows"),
    (b'{"format": "landscape/1", "entities": [], "relationships": [{"source": "a", "target": "b", "type": "x"}]}',
     "is damaged: relationships refer to unknown entities 'a', 'b'"),
    (b'{"format": "landscape/1", "name": 7, "entities": [], "relationships": []}',
     "is damaged: the name is not text"),
    (b'{"format": "landscape/9"}', "holds an unknown format 'landscape/9'"),
])
def test_a_store_file_of_the_wrong_shape_is_one_clear_line(runner, tmp_path, text, message):
    store = tmp_path / "store"
    store.mkdir()
    (store / DATA_FILE).write_bytes(text)
    output = refused(runner, "analyse", "--store", str(store), "--format", "json")
    assert output == f"Error: store {store} {message}\n"


def test_a_file_given_as_the_store_is_refused(runner, tiny, tmp_path):
    path = tmp_path / "f"
    path.write_text("x\n")
    message = f"Error: store {path} is not a folder: give a folder, or a neo4j:// or bolt:// URI\n"
    assert refused(runner, "analyse", "--store", str(path), "--format", "json") == message
    assert refused(runner, "load", str(tiny), "--store", str(path)) == message
    assert path.read_text() == "x\n"


def test_a_dataset_folder_given_as_the_store_is_refused(runner, tiny):
    output = refused(runner, "analyse", "--store", str(tiny), "--format", "json")
    assert output == (f"Error: store {tiny} is not a Landscape store: it holds 'entities.csv' and no "
                      f"{DATA_FILE} (a dataset is given as DATASET, not --store)\n")


def test_a_store_never_loaded_still_reads_the_default(runner, tmp_path):
    for store in (tmp_path / "new", tmp_path):  # missing, and an empty folder
        output = succeeds(runner, "analyse", "--store", str(store), "--format", "json")
        assert '"landscape": "london"' in output


# Loads interrupted, concurrent or failing (the store stays whole)

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


def store_state_of(dataset: Path) -> tuple[int, int]:
    landscape = load_dataset(dataset)
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
