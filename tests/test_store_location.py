"""Naming a store: folders, Neo4j URIs in any case, unknown schemes, and credentials that never show."""

import pytest

from landscape.errors import LandscapeError
from landscape.store import open_store
from landscape.store.embedded import EmbeddedStore
from landscape.store.neo4j import Neo4jStore, split_credentials


@pytest.mark.parametrize("password", ["s3cret", "pa/ss", "pa?ss", "pa#ss", "p@ss", "pa%2Fss"])
def test_credentials_are_split_off_the_uri_whatever_the_password_holds(password):
    uri, user, found = split_credentials(f"bolt://neo4j:{password}@db.example.org:7687")
    assert uri == "bolt://db.example.org:7687"
    assert user == "neo4j"
    assert found == password.replace("%2F", "/")


def test_a_uri_without_credentials_is_kept_as_it_is():
    assert split_credentials("neo4j+s://xxxx.databases.neo4j.io") == ("neo4j+s://xxxx.databases.neo4j.io", None, None)


@pytest.mark.parametrize("scheme", ["Bolt", "NEO4J+S", "neo4j"])
def test_neo4j_schemes_are_recognised_in_any_case(scheme):
    store = open_store(f"{scheme}://neo4j:pa/ss@127.0.0.1:1")
    try:
        assert isinstance(store, Neo4jStore)
        assert store.describe() == f"{scheme.lower()}://127.0.0.1:1 (database neo4j)"
    finally:
        store.close()


@pytest.mark.parametrize("location", ["blot://neo4j:s3cret@localhost:7687", "http://localhost:7474"])
def test_an_unknown_scheme_is_refused_without_echoing_the_rest(location, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(LandscapeError) as raised:
        open_store(location)
    assert "s3cret" not in str(raised.value) and "localhost" not in str(raised.value)
    assert str(raised.value).startswith(f"--store: {location.partition(':')[0]}:// is not a store Landscape knows")
    assert not any(tmp_path.iterdir())  # no folder made from the URI


def test_a_folder_is_the_embedded_store(tmp_path):
    assert isinstance(open_store(str(tmp_path / "store")), EmbeddedStore)
