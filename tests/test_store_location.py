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


@pytest.mark.parametrize("location", [
    "bolt:/u:TopSecret99@127.0.0.1:7692",  # one slash missing
    "bolt:u:TopSecret99@127.0.0.1:7692",
    "bolt//u:TopSecret99@127.0.0.1:7692",  # the colon missing
    "neo4j+s:/u:Top/Secret99@db.example.org",  # an unencoded slash in the password
    "blot:/u:TopSecret99@127.0.0.1:7692",  # an unknown scheme, malformed
    "u:TopSecret99@127.0.0.1:7692",  # no scheme at all
])
def test_a_mistyped_uri_with_a_password_is_refused_unechoed_and_never_a_folder(location, runner, tmp_path,
                                                                                monkeypatch, tiny):
    from cli import main

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LANDSCAPE_STORE", location)
    for command in (["load", str(tiny)], ["analyse", "--format", "json"]):
        result = runner.invoke(main, command)
        assert result.exit_code == 1
        assert result.output.startswith("Error: --store: this looks like a URI but is not one Landscape can use")
        assert "TopSecret99" not in result.output and "Secret99" not in result.output
        assert "127.0.0.1" not in result.output
    assert not any(tmp_path.iterdir())  # no folder made from the URI


@pytest.mark.parametrize("location", ["bolt:localhost:7687", "neo4j:/localhost"])
def test_a_neo4j_scheme_without_its_slashes_is_refused(location, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(LandscapeError, match="looks like a URI"):
        open_store(location)
    assert not any(tmp_path.iterdir())


@pytest.mark.parametrize("name", ["store", "my store (2024)", "notes:2024", "team@london"])
def test_folders_with_colons_or_at_signs_alone_are_still_folders(name, tmp_path):
    assert isinstance(open_store(str(tmp_path / name)), EmbeddedStore)


def test_a_percent_in_a_uri_password_is_decoded_as_documented():
    """docs/neo4j.md: a `%` in a password is written `%25` in a URI; NEO4J_PASSWORD takes it as it is."""
    assert split_credentials("bolt://neo4j:100%25%40home@db:7687")[2] == "100%@home"
    assert split_credentials("bolt://neo4j:%41@db:7687")[2] == "A"
