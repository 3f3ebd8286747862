"""Landscape: map a governance and stakeholder landscape, and find where work overlaps,
falls into gaps or lacks a communication link.

The public API, importable from here::

    from datetime import date
    import landscape

    london = landscape.load_dataset("graph_data/london")      # a folder or an .xlsx workbook
    result = landscape.analyse(london, as_of=date(2024, 12, 31))
    for finding in result["findings"][:3]:
        print(finding["kind"], finding["explanation"])
    changes = landscape.diff(london, london, before_day=date(2021, 3, 1), after_day=date(2024, 12, 31))
    landscape.export(london, "graphml", "london.graphml")
    html = landscape.render_report(london, date(2024, 12, 31))

    with landscape.open_store("~/.local/share/landscape") as store:  # or a neo4j:// URI
        store.write(london, replace=True)

The packages, each depending only on those above it:

- ``landscape.model``, ``landscape.errors``: entities, relationships, dates; errors.
- ``landscape.interchange``, ``landscape.cells``, ``landscape.files``: the interchange rows and
  dict form, spreadsheet-safe cells, atomic file writes.
- ``landscape.io``: reading and validating datasets, the workbook template, shipped datasets.
- ``landscape.output``: findings as tables, exports (JSON, CSV, XLSX, GraphML, GEXF, Popolo,
  Cypher).
- ``landscape.store``: where a loaded landscape lives (embedded folder or Neo4j).
- ``landscape.analysis``: overlaps, gaps, missing links, brokers, clusters, coverage, diff.
- ``viz`` (beside this package): interactive maps and the executive report.

Names are imported on first use, so ``import landscape`` stays cheap.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from landscape.analysis import analyse
    from landscape.analysis.diff import diff
    from landscape.errors import DatasetError, LandscapeError
    from landscape.io.validate import load_dataset
    from landscape.model import Entity, Landscape, Relationship
    from landscape.output.export import export
    from landscape.store import open_store
    from viz.map import render_map
    from viz.report import render_report

_WHERE = {
    "analyse": "landscape.analysis",
    "diff": "landscape.analysis.diff",
    "DatasetError": "landscape.errors",
    "LandscapeError": "landscape.errors",
    "load_dataset": "landscape.io.validate",
    "Entity": "landscape.model",
    "Landscape": "landscape.model",
    "Relationship": "landscape.model",
    "export": "landscape.output.export",
    "open_store": "landscape.store",
    "render_map": "viz.map",
    "render_report": "viz.report",
}

__all__ = [
    "DatasetError", "Entity", "Landscape", "LandscapeError", "Relationship", "analyse", "diff",
    "export", "load_dataset", "open_store", "render_map", "render_report",
]


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'landscape' has no attribute {name!r}")
    return getattr(importlib.import_module(_WHERE[name]), name)
