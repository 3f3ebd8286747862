"""Opening a store by name: a folder path for the embedded store, a neo4j:// or bolt:// URI for Neo4j."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

from landscape.errors import LandscapeError
from landscape.model import Landscape
from landscape.store.base import LoadSummary, Store

NEO4J_SCHEMES = ("neo4j://", "neo4j+s://", "neo4j+ssc://", "bolt://", "bolt+s://", "bolt+ssc://")

__all__ = ["LoadSummary", "Store", "default_store_location", "open_store"]


def default_store_location() -> str:
    """`LANDSCAPE_STORE`, else `NEO4J_URI`, else a folder in the user's data directory."""
    for variable in ("LANDSCAPE_STORE", "NEO4J_URI"):
        if os.environ.get(variable):
            return os.environ[variable]
    data_home = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return str(Path(data_home) / "landscape")


def open_store(location: str | None = None, *, default: Callable[[], Landscape] | None = None,
               **options: str | None) -> Store:
    """The store at `location` (default: `default_store_location()`).

    An embedded store that was never loaded reads as `default()` when given (the command line
    gives the shipped London landscape), else refuses to be read."""
    location = location or default_store_location()
    scheme, separator, rest = location.partition("://")
    if separator and re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*", scheme):  # a URI, never a folder named after one
        if f"{scheme.lower()}://" not in NEO4J_SCHEMES:
            raise LandscapeError(f"--store: {scheme}:// is not a store Landscape knows; give a folder, or a URI "
                                 f"starting with {', '.join(NEO4J_SCHEMES)}")
        from landscape.store.neo4j import Neo4jStore  # the driver is only needed here

        return Neo4jStore(f"{scheme.lower()}://{rest}", **options)
    if looks_like_a_uri(location):
        # Never echoed: it may hold a password. Made a folder, it would be printed as one.
        raise LandscapeError("--store: this looks like a URI but is not one Landscape can use (a slash "
                             f"missing?); write it as one of {', '.join(NEO4J_SCHEMES)}, followed by "
                             "HOST:PORT, and give the password in NEO4J_PASSWORD")
    from landscape.store.embedded import EmbeddedStore

    return EmbeddedStore(location, default=default)


def looks_like_a_uri(location: str) -> bool:
    """A Neo4j scheme without its `//` (`bolt:/host`, `neo4j:host`), or a `user:password@` anywhere
    (`bolt:/u:secret@host`): a mistyped URI, which must not become a folder of that name."""
    scheme, colon, _ = location.partition(":")
    if colon and f"{scheme.lower()}://" in NEO4J_SCHEMES:
        return True
    return 0 <= location.find(":") < location.rfind("@")
