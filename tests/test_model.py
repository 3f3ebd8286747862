import gc
from datetime import date

import pytest

from landscape.model import (
    OPEN_END,
    OPEN_START,
    Columns,
    Entity,
    Landscape,
    Relationship,
    cycle_collection_paused,
    is_current,
    parse_date,
)


@pytest.mark.parametrize(("text", "start", "end"), [
    ("2021", date(2021, 1, 1), date(2021, 12, 31)),
    ("2021-02", date(2021, 2, 1), date(2021, 2, 28)),
    ("2024-02", date(2024, 2, 1), date(2024, 2, 29)),
    ("2021-03-18", date(2021, 3, 18), date(2021, 3, 18)),
])
def test_partial_dates_stand_for_their_span(text, start, end):
    assert parse_date(text) == start
    assert parse_date(text, end=True) == end


@pytest.mark.parametrize("text", ["2021-13", "2021-02-30", "18/02/2021", "2021-1-5", "soon", ""])
def test_impossible_or_malformed_dates_are_refused(text):
    with pytest.raises(ValueError):
        parse_date(text)


def test_facts_hold_between_their_dates_inclusive():
    assert is_current("2021-03", "2022", date(2021, 3, 1))
    assert is_current("2021-03", "2022", date(2022, 12, 31))
    assert not is_current("2021-03", "2022", date(2023, 1, 1))
    assert not is_current("2021-03", "", date(2021, 2, 28))
    assert is_current("", "", date(1900, 1, 1))


def test_as_of_drops_facts_not_current_and_edges_to_entities_not_current():
    landscape = Landscape(
        [Entity("a", "A", "board"), Entity("b", "B", "board", start="2022"),
         Entity("c", "C", "agency")],
        [Relationship("a", "b", "communicates_with"),
         Relationship("c", "a", "member_of", end="2021-06"),
         Relationship("c", "a", "member_of", start="2023")])
    in_2021 = landscape.as_of(date(2021, 3, 1))
    assert set(in_2021.entities) == {"a", "c"}
    assert [(e.source, e.end) for e in in_2021.relationships] == [("c", "2021-06")]
    in_2024 = landscape.as_of(date(2024, 1, 1))
    assert len(in_2024.relationships) == 2
    assert landscape.as_of(None) is landscape


def test_what_is_made_while_the_collector_is_paused_goes_to_the_oldest_generation():
    """The first collections after a national read or analysis would otherwise walk millions of objects."""
    with cycle_collection_paused():
        made = [[] for _ in range(1000)]
    young = {id(obj) for generation in (0, 1) for obj in gc.get_objects(generation=generation)}
    assert gc.isenabled() and not young & set(map(id, made))


def columns_equal(first, second):
    return first.type_names == second.type_names and all(
        list(getattr(first, name)) == list(getattr(second, name))
        for name in ("ids", "sources", "targets", "types", "starts", "ends"))


@pytest.mark.parametrize("day", [date(2004, 1, 1), date(2012, 6, 30), date(2021, 3, 1), date(2031, 1, 1)])
def test_as_of_on_columns_keeps_what_the_dates_say_and_codes_it_again(day):
    """`as_of` filters the columns as arrays; the result is what testing each fact gives, and its
    columns are those made from its own objects."""
    from landscape.io.generate import generate

    landscape = generate(400, seed=9)
    current = landscape.as_of(day)
    alive = {e.id for e in landscape.entities.values() if is_current(e.start, e.end, day)}
    assert set(current.entities) == alive
    assert current.relationships == [edge for edge in landscape.relationships
                                     if edge.source in alive and edge.target in alive
                                     and is_current(edge.start, edge.end, day)]
    assert columns_equal(current.columns, Columns.of(current.entities, current.relationships))


def test_columns_code_ids_no_entity_holds_and_types_the_model_does_not_know():
    landscape = Landscape([Entity("b", "B", "board")],
                          [Relationship("a", "b", "member_of"), Relationship("b", "c", "oversees_badly", end="2020")])
    columns = landscape.columns
    assert list(columns.ids) == ["a", "b", "c"] and list(columns.sources) == [0, 1]
    assert columns.type_names[columns.types[1]] == "oversees_badly"
    assert list(columns.ends) == [OPEN_END, date(2020, 12, 31).toordinal()] and list(columns.starts) == [OPEN_START] * 2
    assert landscape.as_of(date(2019, 1, 1)).relationships == []  # a and c are no entities: not current


def test_a_landscape_built_by_hand_with_a_text_that_is_no_date():
    """Without a day it is analysed as it is; as of a day, a bad date is named when the fact
    it dates joins two current entities, and never read otherwise (as before columns)."""
    from landscape.analysis import analyse

    entities = [Entity("a", "A", "board"), Entity("b", "B", "board"), Entity("c", "C", "board", end="2019")]
    landscape = Landscape(entities, [Relationship("a", "b", "communicates_with", end="soon")])
    assert analyse(landscape)["counts"]["relationships"] == 1
    with pytest.raises(ValueError, match="'soon' is not an ISO 8601 date"):
        landscape.as_of(date(2024, 1, 1))
    to_c = Landscape(entities, [Relationship("a", "c", "communicates_with", start="later")])
    assert to_c.as_of(date(2024, 1, 1)).relationships == []  # c has ended: the date is never read
    with pytest.raises(ValueError, match="'later'"):
        to_c.as_of(date(2018, 1, 1))
