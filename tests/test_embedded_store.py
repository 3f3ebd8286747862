"""The embedded store: atomic writes, a file lock, and the London landscape until loaded."""

import threading

import pytest
from filelock import FileLock

from landscape.errors import LandscapeError
from landscape.io.datasets import shipped_dataset
from landscape.io.validate import load_dataset
from landscape.store import open_store
from landscape.store.embedded import DATA_FILE, LOCK_FILE, EmbeddedStore
from tests.test_store_failures import file_size_limit


def test_a_store_never_loaded_holds_the_london_landscape(tmp_path):
    assert "lasob" in open_store(str(tmp_path / "new"), default=shipped_dataset).read().entities


def test_an_empty_store_without_default_says_what_to_do(tmp_path):
    with pytest.raises(LandscapeError, match="landscape load"):
        EmbeddedStore(tmp_path).read()


def test_a_second_load_waits_then_fails_clearly_while_the_lock_is_held(tmp_path, tiny):
    store = EmbeddedStore(tmp_path, lock_timeout=0.2)
    with FileLock(tmp_path / LOCK_FILE):
        with pytest.raises(LandscapeError, match="locked by another load"):
            store.write(load_dataset(tiny))
    assert not (tmp_path / DATA_FILE).exists()


def test_concurrent_loads_are_serialised(tmp_path, tiny):
    landscape = load_dataset(tiny)
    errors = []

    def load():
        try:
            EmbeddedStore(tmp_path).write(landscape)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=load) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(EmbeddedStore(tmp_path).read().relationships) == len(landscape.relationships)


def test_a_write_that_fails_part_way_leaves_the_folder_as_it_was(tmp_path, tiny):
    store = EmbeddedStore(tmp_path)
    store.write(load_dataset(tiny))
    files = {path.name: path.read_bytes() for path in tmp_path.iterdir()}
    with file_size_limit(1024), pytest.raises(LandscapeError, match="File too large; the store was not changed"):
        store.write(load_dataset(tiny), replace=True)
    assert {path.name: path.read_bytes() for path in tmp_path.iterdir()} == files  # no temporary file left


def test_a_damaged_store_file_is_reported(tmp_path):
    (tmp_path / DATA_FILE).write_text("{not json")
    with pytest.raises(LandscapeError, match="cannot be read"):
        EmbeddedStore(tmp_path).read()
