"""Writing results: whole files replaced atomically, dataset folders switched all together,
and `-` for standard output.

Only a regular file (or a new path) is replaced by renaming a temporary file over it: a
device, a FIFO, a symbolic link such as /dev/stdout, or a pipe is opened and written in
place, as a shell's `>` would, so that it stays what it is. A replaced file keeps its mode
(and, where the system allows, its owner and group); a new one gets the umask's mode.
"""

from __future__ import annotations

import os
import shutil
import stat
import sys
import tempfile
from pathlib import Path

from landscape.errors import LandscapeError

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls")
# The files that make a dataset folder: written and switched in as one set.
DATASET_FILES = ("entities.csv", "relationships.csv", "sources.csv", "dataset.json")


def write_output(content: str | bytes, output: str, *, force: bool = False, workbook: bool = False) -> None:
    """Write `content` to the file `output`, or to standard output for `-`. A workbook (a file
    named .xlsx, or any file when `content` is a workbook) is only written over with `force`:
    it may hold someone's typing."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    if output == "-":
        write_standard_output(data)
        return
    path = Path(output)
    if not force and (workbook or path.suffix.lower() in WORKBOOK_SUFFIXES) and path.is_file():
        raise LandscapeError(f"{path} exists: give --force to write over it")
    write_file(path, data)


def write_standard_output(data: bytes) -> None:
    try:
        sys.stdout.flush()  # whatever was printed before comes first
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    except OSError as error:  # a full disk (> /dev/full) or a closed pipe
        discard_standard_output()
        raise LandscapeError(f"standard output: cannot write: {error.strerror or error}") from None


def discard_standard_output() -> None:
    """Point standard output at the null device after a failed write: Python flushes it again at
    exit, and that second failure would print a warning and end with status 120."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
    except (OSError, ValueError):  # no file descriptor (tests capture output in memory)
        pass


def write_file(path: Path, data: bytes) -> None:
    """Replace a regular file (or make a new one) atomically; write anything else in place."""
    try:
        existing = os.lstat(path)
    except FileNotFoundError:
        existing = None
    except OSError as error:
        raise LandscapeError(f"{path}: cannot write: {error.strerror}") from None
    if existing is None or stat.S_ISREG(existing.st_mode):
        write_file_atomically(path, data)
        return
    try:
        with open(path, "wb") as file:
            file.write(data)
    except OSError as error:
        raise LandscapeError(f"{path}: cannot write: {error.strerror}") from None


def write_file_atomically(path: Path, data: bytes) -> None:
    """Write to a temporary file beside `path`, then rename it into place: no half-written files."""
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise LandscapeError(f"{path}: folder {folder} does not exist")
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as error:
        raise LandscapeError(f"{path}: cannot write: {error.strerror}") from None
    try:
        with os.fdopen(handle, "wb") as file:
            take_mode(file.fileno(), path)
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise LandscapeError(f"{path}: cannot write: {error.strerror}") from None


def take_mode(descriptor: int, replaced: Path) -> None:
    """Give a new file the mode of the file it will replace, else the umask's mode (mkstemp
    makes it 0600)."""
    try:
        old = os.stat(replaced)
    except FileNotFoundError:
        os.fchmod(descriptor, 0o666 & ~current_umask())
        return
    try:
        os.fchown(descriptor, old.st_uid, old.st_gid)  # only root, or the owner for a group of theirs
    except OSError:
        pass
    os.fchmod(descriptor, stat.S_IMODE(old.st_mode))


def current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_dataset_folder(folder: Path, files: dict[str, bytes], *, force: bool = False) -> None:
    """Write a dataset's files (named in DATASET_FILES) into `folder`, all or nothing.

    Every file is written to a temporary folder inside `folder` first; only when all are
    written are they renamed into place, so that a failure (a full disk) leaves the old
    dataset whole. A dataset file of the old set that the new one lacks is removed in the
    same switch: old and new files are never mixed. A folder that holds a dataset is only
    written over with `force`.
    """
    held = [name for name in DATASET_FILES if os.path.lexists(folder / name)]
    if held and not force:
        raise LandscapeError(f"{folder} holds a dataset ({', '.join(held)}): give --force to replace it")
    for name in held:
        if not (folder / name).is_file() or (folder / name).is_symlink():
            raise LandscapeError(f"{folder / name} is not a regular file: not replaced")
    created = not folder.exists()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        temporary = Path(tempfile.mkdtemp(prefix=".landscape-", suffix=".tmp", dir=folder))
    except OSError as error:
        raise LandscapeError(f"{folder}: cannot create folder: {error.strerror}") from None
    try:
        for name, data in files.items():
            with open(temporary / name, "wb") as file:
                take_mode(file.fileno(), folder / name)
                file.write(data)
                file.flush()
                os.fsync(file.fileno())
        switch_in(folder, temporary, files)
    except OSError as error:
        raise LandscapeError(f"{folder}: cannot write: {error.strerror}; "
                             f"{'nothing was written' if created else 'the folder was not changed'}") from None
    finally:
        shutil.rmtree(temporary, ignore_errors=True)
        if created and not any(folder.iterdir()):
            folder.rmdir()


def switch_in(folder: Path, temporary: Path, files: dict[str, bytes]) -> None:
    """Rename the new files from `temporary` into `folder`. Renames in one folder need no
    space, so they fail only rarely; if one does, the old files are put back from copies."""
    old = temporary / "old"
    old.mkdir()
    for name in DATASET_FILES:
        if (folder / name).exists():
            try:
                os.link(folder / name, old / name)  # a second name for the old file: no copy
            except OSError:
                shutil.copy2(folder / name, old / name)  # file systems without hard links
    switched = []
    try:
        for name in DATASET_FILES:
            switched.append(name)
            if name in files:
                os.replace(temporary / name, folder / name)
            else:
                (folder / name).unlink(missing_ok=True)
    except OSError:
        for name in switched:
            if (old / name).exists():
                os.replace(old / name, folder / name)
            else:
                (folder / name).unlink(missing_ok=True)
        raise
