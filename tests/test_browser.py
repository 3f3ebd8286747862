"""The map and the report opened from file:// in headless Chromium, with no network."""

import os
import re
import shutil
import subprocess

import pytest

from cli import main

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def chromium():
    if CHROMIUM is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI needs Chromium for the browser tests: run scripts/test.sh, which installs it")
        pytest.skip("Chromium is not installed (scripts/test.sh installs it)")
    return CHROMIUM


def rendered_dom(chromium, path, tmp_path) -> str:
    """The page's DOM after its scripts ran, loaded from file:// with networking disabled."""
    result = subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-extensions",
         f"--user-data-dir={tmp_path / 'profile'}", "--proxy-server=127.0.0.1:9", "--window-size=1400,900",
         "--virtual-time-budget=8000", "--dump-dom", path.as_uri()],
        capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def test_the_london_map_draws_with_legend_and_filters(chromium, runner, tmp_path):
    path = tmp_path / "london-map.html"
    assert runner.invoke(main, ["map", "london", "-o", str(path)]).exit_code == 0
    dom = rendered_dom(chromium, path, tmp_path)
    status = re.search(r'id="lmap-status"[^>]*>(\d+) of (\d+) shown', dom)
    assert status and status.group(1) == status.group(2) and int(status.group(1)) > 50
    assert re.search(r'<div id="lmap-canvas"[^>]*>.*?<canvas', dom, re.S)
    assert dom.count('class="lmap-legend-item"') == 6
    assert dom.count("<option") > 100  # sector, level and theme filters and the search list


def test_the_report_opens_with_its_map(chromium, runner, tmp_path):
    path = tmp_path / "london-report.html"
    assert runner.invoke(main, ["report", "london", "-o", str(path)]).exit_code == 0
    dom = rendered_dom(chromium, path, tmp_path)
    assert re.search(r'<div id="lmap-canvas"[^>]*>.*?<canvas', dom, re.S)
    assert 'id="kind-missing_link"' in dom or "Boards that should be talking" in dom


def test_injected_markup_never_runs(chromium, runner, tmp_path):
    folder = tmp_path / "hostile"
    folder.mkdir()
    payload = '<img src=x onerror="document.title=\'pwned\'"></script><script>document.title=\'pwned\'</script>'
    (folder / "entities.csv").write_text(
        'id,name,type,top,source\n'
        f'a,"{payload.replace(chr(34), chr(34) * 2)}",board,true,"{payload.replace(chr(34), chr(34) * 2)}"\n'
        'b,Other,board,true,doc\n', encoding="utf-8")
    (folder / "relationships.csv").write_text("source,target,type\na,b,communicates_with\n", encoding="utf-8")
    for command in ("map", "report"):
        path = tmp_path / f"{command}.html"
        assert runner.invoke(main, [command, str(folder), "-o", str(path)]).exit_code == 0
        dom = rendered_dom(chromium, path, tmp_path)
        assert "pwned" not in re.search(r"<title>(.*?)</title>", dom, re.S).group(1)
        assert not re.search(r"<img\b[^>]*src=\"?x", dom)
