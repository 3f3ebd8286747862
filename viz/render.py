"""Shared rendering: the Jinja2 environment (autoescape on) and the vis-network assets inlined.

Pages are single self-contained files: the vis-network script and style sheet
bundled with pyvis are copied into the page, so a map opened from an email
attachment makes no request to any host.
"""

from __future__ import annotations

import functools
import importlib.util
import json
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

VIS_VERSION = "vis-9.1.2"


def script_json(value: Any) -> Markup:
    """JSON that is safe inside a <script> element: no `<`, `>` or `&` can end it early."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                         ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escape)
    return Markup(text)


@functools.cache
def environment() -> Environment:
    env = Environment(loader=PackageLoader("viz", "templates"),
                      autoescape=select_autoescape(default=True, default_for_string=True),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["script_json"] = script_json
    env.globals["vis_assets"] = vis_assets
    return env


@functools.cache
def vis_assets() -> dict[str, Markup]:
    """vis-network's script and style sheet, from the copy pyvis ships."""
    spec = importlib.util.find_spec("pyvis")  # found, not imported: pyvis imports IPython
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("pyvis, which bundles vis-network, is not installed")
    folder = Path(list(spec.submodule_search_locations)[0]) / "lib" / VIS_VERSION
    script = (folder / "vis-network.min.js").read_text(encoding="utf-8")
    style = (folder / "vis-network.css").read_text(encoding="utf-8")
    if "</script" in script.lower() or "</style" in style.lower():
        raise RuntimeError("vis-network assets cannot be inlined safely")
    return {"script": Markup(script), "style": Markup(style)}


def render(template: str, **context: Any) -> str:
    return environment().get_template(template).render(**context)
