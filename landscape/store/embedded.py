"""The embedded store: one JSON file in a folder, written atomically under a file lock.

A load writes the whole landscape to a temporary file in the same folder,
flushes it to disk and renames it over the old one, so a reader sees either the
old landscape or the new one, never half of either. A second concurrent load
waits for the lock, then fails with a clear message.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import orjson  # several times faster than json at national size (a 170 MB store)
from filelock import FileLock, Timeout

from landscape.errors import LandscapeError
from landscape.files import write_file_atomically
from landscape.interchange import FORMAT, from_dict, to_dict
from landscape.model import Landscape, cycle_collection_paused
from landscape.store.base import LoadSummary, Store, check_endpoints, check_types, merge

DATA_FILE = "landscape.json"
LOCK_FILE = "landscape.lock"


class EmbeddedStore(Store):
    def __init__(self, folder: str | Path, *, lock_timeout: float = 10.0,
                 default: Callable[[], Landscape] | None = None) -> None:
        self.folder = Path(folder).expanduser()
        self.lock_timeout = lock_timeout
        self.default = default

    @property
    def data_file(self) -> Path:
        return self.folder / DATA_FILE

    def describe(self) -> str:
        return str(self.folder)

    def is_empty(self) -> bool:
        return not self.data_file.exists()

    def read(self) -> Landscape:
        try:
            holds_store = self._check_folder()
        except OSError as error:
            raise LandscapeError(f"store {self.folder} cannot be read: {error.strerror}") from None
        if not holds_store:
            if self.default is not None:
                return self.default()
            raise LandscapeError(f"store {self.folder} is empty: run `landscape load DATASET`")
        with cycle_collection_paused():
            try:
                data = orjson.loads(self.data_file.read_bytes())
            except OSError as error:
                raise LandscapeError(f"store {self.folder} cannot be read: {error.strerror}") from None
            except ValueError as error:
                raise LandscapeError(f"store {self.folder} cannot be read: {error}") from None
            if not isinstance(data, dict):
                raise LandscapeError(f"store {self.folder} is damaged: {DATA_FILE} holds a "
                                     f"{type(data).__name__}, not a landscape")
            if data.get("format") != FORMAT:
                raise LandscapeError(f"store {self.folder} holds an unknown format {data.get('format')!r}")
            try:
                landscape = from_dict(data)
            except ValueError as error:
                raise LandscapeError(f"store {self.folder} is damaged: {error}") from None
        check_endpoints(landscape, f"store {self.folder} is damaged: ")
        return landscape

    def _check_folder(self) -> bool:
        """Whether the folder holds a loaded landscape. A folder that was never loaded (or does
        not exist yet) holds none; a path that is something else, such as a file or a dataset
        folder given by mistake, is refused rather than read as the default landscape."""
        if not self.folder.exists():
            return False
        if not self.folder.is_dir():
            raise LandscapeError(f"store {self.folder} is not a folder: give a folder, or a neo4j:// or "
                                 "bolt:// URI")
        if self.data_file.exists():
            if not self.data_file.is_file():
                raise LandscapeError(f"store {self.folder}: {DATA_FILE} is not a file")
            return True
        others = sorted(path.name for path in self.folder.iterdir()
                        if path.name != LOCK_FILE and not path.name.endswith(".tmp"))
        if others:
            raise LandscapeError(f"store {self.folder} is not a Landscape store: it holds {others[0]!r} and no "
                                 f"{DATA_FILE} (a dataset is given as DATASET, not --store)")
        return False

    def write(self, landscape: Landscape, *, replace: bool = False) -> LoadSummary:
        if self.folder.exists() and not self.folder.is_dir():
            raise LandscapeError(f"store {self.folder} is not a folder: give a folder, or a neo4j:// or "
                                 "bolt:// URI")
        check_types(landscape)  # refused before the folder is made or locked
        if replace:
            check_endpoints(landscape)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise LandscapeError(f"store {self.folder} cannot be created: {error.strerror}") from None
        try:
            with FileLock(self.folder / LOCK_FILE, timeout=self.lock_timeout):
                self._remove_leftovers()
                if not replace and not self.is_empty():
                    landscape = merge(self.read(), landscape)  # which checks this and more
                elif not replace:
                    check_endpoints(landscape)
                with cycle_collection_paused():
                    data = orjson.dumps(to_dict(landscape))
                self._replace_file(data)
        except Timeout:
            raise LandscapeError(f"store {self.folder} is locked by another load; "
                                 f"gave up after {self.lock_timeout:g} s") from None
        except OSError as error:  # a folder the user may not read or write
            raise LandscapeError(f"store {self.folder} cannot be written: {error.strerror}; "
                                 "the store was not changed") from None
        return LoadSummary(len(landscape.entities), len(landscape.relationships), replace)

    def _remove_leftovers(self) -> None:
        """Delete temporary files of loads that were killed half way (we hold the lock, so no
        load is writing one now). The store itself was never touched by them."""
        for leftover in self.folder.glob(f".{DATA_FILE}.*.tmp"):
            leftover.unlink(missing_ok=True)

    def _replace_file(self, data: bytes) -> None:
        try:
            write_file_atomically(self.data_file, data)
        except LandscapeError as error:
            raise LandscapeError(f"{error}; the store was not changed") from None
