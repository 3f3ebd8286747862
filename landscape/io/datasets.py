"""The datasets shipped with Landscape (graph_data/), found by name."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from landscape.model import Landscape

DEFAULT = "london"


def shipped_path(name: str = DEFAULT) -> Path | None:
    """The folder of the shipped dataset `name`, or None when there is none by that name."""
    folder = Path(str(resources.files("graph_data"))) / name
    return folder if (folder / "entities.csv").is_file() else None


def shipped_dataset(name: str = DEFAULT) -> Landscape:
    from landscape.io.validate import load_dataset

    path = shipped_path(name)
    if path is None:
        raise FileNotFoundError(f"no shipped dataset {name!r}")
    return load_dataset(path)


def resolve_dataset(argument: str) -> Path:
    """A DATASET argument as a path: an existing path, else the name of a shipped dataset."""
    path = Path(argument)
    if not path.exists() and "/" not in argument and shipped_path(argument):
        return shipped_path(argument)  # type: ignore[return-value]
    return path
