"""Shared fixtures: small datasets written on the fly, the command runner, and the stores."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

DATA = Path(__file__).parent / "data"
TINY = DATA / "tiny"

ENTITY_HEADER = "id,name,type,sector,level,top,required_sectors,start,end,source,themes"
RELATIONSHIP_HEADER = "source,target,type,role,start,end,source_doc,note"


@pytest.fixture
def tiny() -> Path:
    return TINY


@pytest.fixture
def write_dataset(tmp_path: Path) -> Callable[..., Path]:
    """Write a dataset folder from entity and relationship rows (headers added when omitted)."""

    def write(entities: str, relationships: str = "", name: str = "dataset",
              entity_header: str = ENTITY_HEADER,
              relationship_header: str = RELATIONSHIP_HEADER) -> Path:
        folder = tmp_path / name
        folder.mkdir(exist_ok=True)
        for file, header, body in (("entities.csv", entity_header, entities),
                                   ("relationships.csv", relationship_header, relationships)):
            text = textwrap.dedent(body).strip("\n")
            (folder / file).write_text(f"{header}\n{text}\n" if text else f"{header}\n",
                                       encoding="utf-8")
        return folder

    return write


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def store_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty embedded store, made the default for the command line."""
    folder = tmp_path / "store"
    monkeypatch.setenv("LANDSCAPE_STORE", str(folder))
    return folder


@pytest.fixture(params=["embedded"])
def store(request: pytest.FixtureRequest, tmp_path: Path):
    """Each store backend, empty."""
    from landscape.store.embedded import EmbeddedStore

    opened = EmbeddedStore(tmp_path / "store")
    yield opened
    opened.close()
