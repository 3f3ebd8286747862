"""What every store refuses, whole: a landscape or dataset it must not hold leaves the store exactly as it was.

Run against each backend, as the contract tests are. The stored landscape is compared in full (every row in
order, its name, title and sources table) before and after each refusal.
"""

import pytest

from cli import main
from landscape.errors import LandscapeError
from landscape.io.validate import load_dataset
from landscape.model import Entity, Landscape, Relationship
from tests.test_store_contract import everything


@pytest.fixture
def loaded(store, tiny):
    """`store` holding the tiny landscape, under a title."""
    landscape = load_dataset(tiny)
    landscape.title = "A tiny partnership"
    store.write(landscape, replace=True)
    return store


BOARDS = [Entity("a", "A", "board"), Entity("b", "B", "board")]
REFUSED_EITHER_WAY = {
    "a relationship to an unknown entity": (
        Landscape(BOARDS, [Relationship("a", "ghost", "reports_to")]), "ghost"),
    "an entity of an unknown type": (
        Landscape([*BOARDS, Entity("c", "C", "committee")], []),
        "entity 'c': unknown entity type 'committee' (expected one of board, agency, vcs, initiative, person, "
        "theme)"),
    "a relationship of an unknown type": (
        Landscape(BOARDS, [Relationship("a", "b", "advises")]),
        "relationship 'a' -> 'b': unknown relationship type 'advises' (expected one of reports_to, "),
}
REFUSED_AS_A_MERGE = {
    "a reporting line that closes a cycle": (
        Landscape([], [Relationship("exec", "oversight", "reports_to")]), "reports_to cycle among exec, oversight"),
    "a part_of line that closes a cycle": (
        Landscape([], [Relationship("exec", "oversight", "part_of"), Relationship("oversight", "exec", "part_of")]),
        "part_of cycle among exec, oversight"),
    "a change of type its relationships do not allow": (
        Landscape([Entity("oversight", "Oversight Board", "agency")], []),
        "oversight reports_to exec: not allowed between an agency and a board (oversight was a board before "
        "this load)"),
}


@pytest.mark.parametrize("replace", [False, True], ids=["merging", "replacing"])
@pytest.mark.parametrize("case", REFUSED_EITHER_WAY)
def test_a_landscape_outside_the_model_is_refused_whole(loaded, case, replace):
    bad, message = REFUSED_EITHER_WAY[case]
    before = everything(loaded)
    with pytest.raises(LandscapeError) as raised:
        loaded.write(bad, replace=replace)
    assert message in str(raised.value)
    assert everything(loaded) == before


@pytest.mark.parametrize("case", REFUSED_AS_A_MERGE)
def test_a_merge_that_would_make_the_landscape_inconsistent_is_refused_whole(loaded, case):
    bad, message = REFUSED_AS_A_MERGE[case]
    before = everything(loaded)
    with pytest.raises(LandscapeError) as raised:
        loaded.write(bad)
    assert message in str(raised.value) and "nothing was loaded" in str(raised.value)
    assert everything(loaded) == before


@pytest.mark.parametrize("replace", [False, True], ids=["merging", "replacing"])
def test_an_empty_store_refuses_a_relationship_to_an_unknown_entity_and_stays_empty(store, replace):
    with pytest.raises(LandscapeError, match="unknown entities 'ghost'"):
        store.write(REFUSED_EITHER_WAY["a relationship to an unknown entity"][0], replace=replace)
    with pytest.raises(LandscapeError, match="is empty: run `landscape load DATASET`"):
        store.read()


# Datasets `landscape load` refuses, each with what its message says. Validation refuses the first three before
# the store is opened; the last two are valid alone and refused when merged into the tiny landscape.
BAD_DATASETS = {
    "validation problems": (
        "a,A,board,,,,,2021-13,,doc,\na,Again,board,,,,,,,doc,", "",
        "entities.csv:2: start: '2021-13' has no month 13"),
    "a relationship to an unknown entity": (
        "a,A,board,,,,,,,doc,", "a,ghost,reports_to,,,,doc,", "relationships.csv:2: target: unknown entity 'ghost'"),
    "an entity of an unknown type": (
        "a,A,committee,,,,,,,doc,", "", "entities.csv:2: type: unknown entity type 'committee'"),
    "a reporting line that closes a cycle": (
        "exec,Partnership Executive,board,,,,,,,doc,\noversight,Oversight Board,board,,,,,,,doc,",
        "exec,oversight,reports_to,,,,doc,", "reports_to cycle among exec, oversight"),
    "a change of type its relationships do not allow": (
        "oversight,Oversight Board,agency,,,,,,,doc,", "", "(oversight was a board before this load)"),
}


@pytest.mark.parametrize("case", BAD_DATASETS)
def test_a_bad_dataset_is_refused_whole_by_the_command_line(loaded, store_options, runner, write_dataset, case):
    entities, relationships, message = BAD_DATASETS[case]
    before = everything(loaded)
    result = runner.invoke(main, ["load", str(write_dataset(entities, relationships)), *store_options])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert message in result.output and "Traceback" not in result.output
    assert everything(loaded) == before
