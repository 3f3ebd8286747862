"""Writing results: whole files replaced atomically, `-` for standard output, spreadsheet-safe cells."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from landscape.errors import LandscapeError

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> object:
    """Neutralise text a spreadsheet would run as a formula by prefixing a quote (OWASP advice)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def unneutralise(value: str) -> str:
    """Undo `spreadsheet_safe` on text read back in."""
    if value.startswith("'") and value[1:2] and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


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
