"""National-size landscapes: the strongest findings can be asked for alone, and the report
still renders when the landscape is too large to draw whole."""

from collections import Counter
from datetime import date

import pytest

from landscape.analysis import KINDS, analyse
from landscape.io.generate import generate
from landscape.model import Entity, Landscape, Relationship
from viz import map as viz_map
from viz import report
from viz.report import render_report, report_view

DAY = date(2025, 1, 1)


def test_a_limit_keeps_the_strongest_findings_of_each_kind():
    landscape = generate(600, seed=3)
    whole = analyse(landscape, as_of=DAY)["findings"]
    limited = analyse(landscape, as_of=DAY, limit=5)
    for kind in KINDS:
        assert [f for f in limited["findings"] if f["kind"] == kind] == \
            [f for f in whole if f["kind"] == kind][:5]
    assert limited["limit"] == 5 and "limit" not in analyse(landscape, as_of=DAY)


def test_with_a_limit_the_summary_still_counts_every_finding():
    landscape = generate(600, seed=3)
    whole = analyse(landscape, as_of=DAY)
    limited = analyse(landscape, as_of=DAY, limit=5)
    assert limited["summary"] == whole["summary"] == dict.fromkeys(KINDS, 0) | Counter(
        f["kind"] for f in whole["findings"])
    assert limited["severities"] == whole["severities"] == Counter(f["severity"] for f in whole["findings"])
    assert max(whole["summary"].values()) > 5 and all(whole["severities"].values())  # the limit bites


def test_a_report_too_large_to_draw_says_so_and_keeps_the_rest(monkeypatch):
    """The limits are lowered so that a small landscape stands in for a national one."""
    monkeypatch.setattr(report, "DRAW_LIMIT", 50)
    monkeypatch.setattr(report, "MATRIX_BOARDS", 10)
    monkeypatch.setattr(report, "SECTION_LIMIT", 5)
    boards = [Entity(f"b{n}", f"Board {n}", "board") for n in range(60)]
    themes = [Entity(f"t{n}", f"Theme {n}", "theme") for n in range(3)]
    edges = [Relationship(f"b{n}", f"t{n % 3}", "addresses") for n in range(0, 60, 2)]
    landscape = Landscape(boards + themes, edges)
    view = report_view(landscape, DAY)
    assert view["map"] is None and "--focus" in view["map_note"]
    assert len(view["coverage"]["boards"]) == 10 and "Showing the 10 boards" in view["coverage_note"]
    assert all(len(section["rows"]) <= 5 for section in view["sections"])
    assert any(section.get("more") for section in view["sections"])
    page = render_report(landscape, DAY)
    assert "too many to draw whole" in page


def test_findings_of_each_kind_come_in_rank_order():
    """The numerous kinds are ranked as arrays, not sorted again: check they need no sorting."""
    from landscape.analysis.findings import rank_key

    found = analyse(generate(600, seed=5), as_of=DAY)["findings"]
    for kind in KINDS:
        of_kind = [f for f in found if f["kind"] == kind]
        assert of_kind == sorted(of_kind, key=rank_key), kind


def test_overlaps_computed_in_blocks_match_the_whole_product(monkeypatch):
    from landscape.analysis import incidence

    landscape = generate(600, seed=4)
    whole = analyse(landscape, as_of=DAY)
    monkeypatch.setattr(incidence, "BLOCK", 7)
    assert analyse(landscape, as_of=DAY) == whole


@pytest.mark.parametrize("block", [1024, 37])
@pytest.mark.parametrize("min_shared, min_jaccard", [(1, 0.0), (2, 0.0), (1, 0.2), (1, 0.5), (2, 0.5), (1, 0.75)])
def test_overlaps_with_items_nearly_every_group_holds_match_a_brute_force(min_shared, min_jaccard, block,
                                                                        monkeypatch):
    """Items nearly every group holds, and small groups holding mostly those: the blocks of the
    product must give exactly the pairs of sets, for the groups asked for (`columns`), whatever
    the block size; a stored zero holds nothing."""
    import numpy as np
    from scipy import sparse

    from landscape.analysis import incidence

    monkeypatch.setattr(incidence, "BLOCK", block)
    rng = np.random.default_rng(11)
    groups, items = 1324, 400
    held = [set(rng.choice(items, size=rng.integers(1, 12), replace=False).tolist()) for _ in range(groups)]
    for number, items_held in enumerate(held):  # items 0-2 are common; a small group holds mostly those
        items_held |= {item for item in range(3) if rng.random() < (0.9, 0.6, 0.3)[item]}
        if number % 50 == 0:
            items_held.clear()
            items_held.update({0, 1, 2} if number % 100 else {0, 1, 2, 3})
    rows, columns = zip(*((item, group) for group, items_held in enumerate(held) for item in items_held))
    values = np.ones(len(rows), dtype=np.int32)
    stored_zero = [(0, group) for group in range(5, groups, 7) if 0 not in held[group]]
    rows, columns = rows + tuple(row for row, _ in stored_zero), columns + tuple(column for _, column in stored_zero)
    values = np.concatenate([values, np.zeros(len(stored_zero), dtype=np.int32)])
    matrix = sparse.csr_matrix((values, (rows, columns)), shape=(items, groups))
    names = np.array([f"g{n:05}" for n in range(groups)], dtype=object)
    asked = np.flatnonzero(np.arange(groups) % 3 != 1)  # the groups compared, as `columns`
    found = incidence.overlaps(matrix, names, min_shared, min_jaccard, columns=asked)
    expected = {}
    for first, a in enumerate(asked.tolist()):
        for second in range(first + 1, len(asked)):
            b = asked[second]
            shared = len(held[a] & held[b])
            if shared >= min_shared and shared / len(held[a] | held[b]) >= min_jaccard:
                expected[first, second] = (shared, len(held[a] | held[b]))
    assert dict(zip(zip(found.first.tolist(), found.second.tolist()),
                    zip(found.shared.tolist(), found.union.tolist()))) == expected
    assert len(found) == len(expected) and set(found.groups[found.first]) <= set(names[asked])


def test_a_large_coverage_matrix_is_sparse_and_reads_as_the_dense_one():
    import json

    from landscape.analysis.coverage import coverage
    from landscape.analysis.facts import gather

    facts = gather(generate(600, seed=6).as_of(DAY))
    dense, sparse = coverage(facts), coverage(facts, dense_cells=0)
    assert "sparse" not in dense and sparse["sparse"] is True
    assert dense["boards"] == sparse["boards"] and dense["themes"] == sparse["themes"]
    for board in dense["boards"]:
        row, held = dense["cells"][board["id"]], sparse["cells"][board["id"]]
        assert all(row[theme["id"]] == held[theme["id"]] for theme in dense["themes"])
        assert json.loads(json.dumps(held)) == {theme: how for theme, how in row.items() if how}


def test_a_focused_map_marks_every_finding_naming_a_body_it_draws(monkeypatch):
    """Only the findings naming a drawn body are written, and they are exactly those of the whole analysis."""
    monkeypatch.setattr(viz_map, "DRAW_LIMIT", 50)
    landscape = generate(600, seed=3)
    whole = analyse(landscape, as_of=DAY)["findings"]
    board = next(entity.id for entity in landscape.entities.values() if entity.type == "board")
    view = viz_map.map_view(landscape, DAY, viz_map.MapOptions(focus=board, depth=1))
    drawn = set(view["nodes"]["entity"])
    expected = [finding for finding in whole if not drawn.isdisjoint(finding["entities"])]
    assert view["findings"] == viz_map.finding_columns(expected)
    assert len({finding["kind"] for finding in expected}) >= 4 and len(expected) < len(whole)
