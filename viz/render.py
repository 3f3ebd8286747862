"""Shared rendering: the Jinja2 environment (autoescape on) and the vis-network assets inlined.

Pages are single self-contained files: the vis-network script and style sheet
bundled with pyvis are copied into the page, so a map opened from an email
attachment makes no request to any host.

A map's page runs to megabytes, so it is made with few copies. It is kept pure
ASCII (its data JSON, the script and its template), as Python joins and writes an
ASCII string many times faster than one holding a single wider character. And the
data JSON and the vis-network assets are plain strings, made safe for their
elements here and inserted in autoescape-off blocks: autoescaping a Markup string
copies it (megabytes each time), while a plain string that ever reached an
autoescaped place would be escaped, never trusted.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import re
from pathlib import Path
from typing import Any

import numpy as np
from jinja2 import Environment, PackageLoader, select_autoescape

VIS_VERSION = "vis-9.1.2"


def script_json(value: Any) -> str:
    """JSON that is safe inside a <script> element (see `script_json_parts`)."""
    return "".join(script_json_parts(value))


def script_json_parts(value: Any) -> list[str]:
    """JSON in parts that are each safe inside a <script> element: no `<`, `>` or `&` can end it
    early, and (being ASCII) no line or paragraph separator either. A template writes the parts
    in turn, sparing a copy of megabytes."""
    parts: list[str] = []
    add_json(value, parts)
    for number, part in enumerate(parts):
        for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
            if char in part:  # a quick search; replace() would count through the whole text first
                part = parts[number] = part.replace(char, escape)
    return parts


def to_json(value: Any) -> str:
    """Compact ASCII JSON of plain data (dicts with text keys, lists, text, numbers), with a
    shortcut for lists of plain text, which are most of a map's data."""
    parts: list[str] = []
    add_json(value, parts)
    return "".join(parts)


def add_json(value: Any, parts: list[str]) -> None:
    if isinstance(value, dict):
        parts.append("{")
        for number, (key, item) in enumerate(value.items()):
            parts.append(f"{',' if number else ''}{json.dumps(str(key))}:")
            add_json(item, parts)
        parts.append("}")
        return
    plain = plain_strings(value) if isinstance(value, list) else None
    if plain is not None:
        parts += ['["', plain, '"]']
    else:
        parts.append(json.dumps(value, separators=(",", ":"), check_circular=False))  # plain data, never circular


def plain_strings(items: list[Any]) -> str | None:
    """For a list of strings of ASCII characters that JSON writes as they are, its JSON without
    the brackets, made by joining them: several times faster than json.dumps, which examines and
    copies each character in turn. None for any other list. JSON escapes control characters, the
    backslash and the quotation mark; each join between items holds two quotation marks, so a
    plain list has just those."""
    try:
        joined = '","'.join(items)
        codes = np.frombuffer(joined.encode("ascii"), np.uint8)
    except (TypeError, UnicodeEncodeError):  # not all strings, or not all ASCII
        return None
    no_controls = codes.size == 0 or codes.min() >= 0x20
    return joined if no_controls and "\\" not in joined and joined.count('"') == 2 * (len(items) - 1) else None


@functools.cache
def environment() -> Environment:
    env = Environment(loader=PackageLoader("viz", "templates"), auto_reload=False,  # read once a process
                      autoescape=select_autoescape(default=True, default_for_string=True),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["script_json_parts"] = script_json_parts
    env.globals["vis_assets"] = vis_assets
    env.globals["static_asset"] = static_asset
    return env


@functools.cache
def vis_assets() -> dict[str, str]:
    """vis-network's script and style sheet, from the copy pyvis ships, checked to be safe to
    insert in their elements as they are."""
    spec = importlib.util.find_spec("pyvis")  # found, not imported: pyvis imports IPython
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("pyvis, which bundles vis-network, is not installed")
    folder = Path(list(spec.submodule_search_locations)[0]) / "lib" / VIS_VERSION
    script = ascii_script((folder / "vis-network.min.js").read_text(encoding="utf-8"))
    style = (folder / "vis-network.css").read_text(encoding="utf-8")
    if "</script" in script.lower() or "</style" in style.lower():
        raise RuntimeError("vis-network assets cannot be inlined safely")
    return {"script": script, "style": style}


@functools.cache
def static_asset(name: str) -> str:
    """One of the page's own scripts or style sheets from viz/static, checked to be safe to
    insert in its element as it is (and ASCII, as the page is)."""
    text = (Path(__file__).parent / "static" / name).read_text(encoding="utf-8")
    if "</script" in text.lower() or "</style" in text.lower() or not text.isascii():
        raise RuntimeError(f"viz/static/{name} cannot be inlined safely")
    return text


def ascii_script(script: str) -> str:
    """The script with every character beyond ASCII written as a \\u escape (all of vis-network's
    are in string literals, where the escape means the same character), for an ASCII page."""
    def escape(match: re.Match[str]) -> str:
        units = match[0].encode("utf-16-be")  # a character beyond U+FFFF is two units, as in JavaScript
        return "".join(f"\\u{units[i]:02x}{units[i + 1]:02x}" for i in range(0, len(units), 2))
    return re.sub(r"[^\x00-\x7f]+", escape, script)


def render(template: str, **context: Any) -> str:
    """The page of `template`, with the hash of each of its scripts in its Content-Security-Policy."""
    return with_script_hashes(environment().get_template(template).render(**context))


def executable_scripts(page: str) -> list[str]:
    """The text of each script the page runs: each `<script>` element with no type (data blocks
    are `type="application/json"`, never run). Found with str.find, which skips through a page of
    megabytes several times faster than a regular expression.

    >>> executable_scripts('<script>run()</script><script type="application/json">[1]</script><script>x</script>')
    ['run()', 'x']
    """
    scripts, start = [], page.find("<script>")
    while start >= 0:
        end = page.find("</script>", start)
        if end < 0:
            break
        scripts.append(page[start + len("<script>"):end])
        start = page.find("<script>", end)
    return scripts


def with_script_hashes(page: str) -> str:
    """`page` with `SCRIPT-HASHES` in its policy replaced by the SHA-256 of each script it runs, so
    the browser runs those and nothing else: an injected script, even one that got past the
    escaping, has no hash in the policy. The scripts are the page's own (vis-network, the map's
    and the report's), never user data, which reaches the page only as JSON."""
    import base64
    import hashlib

    hashes = dict.fromkeys(
        "'sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii") + "'"
        for script in executable_scripts(page))
    return page.replace("SCRIPT-HASHES", " ".join(hashes) or "'none'", 1)
