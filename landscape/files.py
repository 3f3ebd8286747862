"""Writing results: whole files replaced atomically, and `-` for standard output."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from landscape.errors import LandscapeError


def write_output(content: str | bytes, output: str) -> None:
    """Write `content` to the file `output` atomically, or to standard output for `-`."""
    if output == "-":
        if isinstance(content, bytes):
            sys.stdout.buffer.write(content)
            sys.stdout.buffer.flush()
        else:
            sys.stdout.write(content)
            sys.stdout.flush()
        return
    data = content.encode("utf-8") if isinstance(content, str) else content
    write_file_atomically(Path(output), data)


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
        os.chmod(temporary, 0o666 & ~current_umask())
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise LandscapeError(f"{path}: cannot write: {error.strerror}") from None


def current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
