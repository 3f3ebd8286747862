"""Start and stop the local Neo4j test server (scripts/neo4j/server.sh). Standard library only.

``start_neo4j()`` returns connection settings for the neo4j driver. If ``NEO4J_URI`` is set it
reuses that server (with ``NEO4J_USER``/``NEO4J_PASSWORD``/``NEO4J_DATABASE``, defaulting to
neo4j / landscape-test / neo4j) and starts nothing. Otherwise it runs ``server.sh install`` (fetches
the Neo4j Community jars once into .neo4j/) and ``server.sh start`` (Bolt on 127.0.0.1, port
``NEO4J_TEST_PORT``, default 7688). Any reason it cannot do so (no bash, no java, no mvn, fetch
failed, server did not come up) is raised as ``RuntimeError`` with that reason in the message, so a
fixture can skip outside CI and fail in CI (CI=true).

``stop_neo4j()`` stops the server only if ``start_neo4j()`` started it in this process; a server
that was already running, or one given by ``NEO4J_URI``, is left alone (``force=True`` stops a
local one anyway).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "neo4j" / "server.sh"
USER = "neo4j"
PASSWORD = "landscape-test"  # fixed test password, set by server.sh before the first start
DATABASE = "neo4j"  # Community edition has only "neo4j" and "system"

INSTALL_TIMEOUT = 900  # seconds; a cold fetch is ~10-60 s, depending on the network
START_TIMEOUT = 180  # server.sh itself gives up after NEO4J_TEST_START_TIMEOUT (120 s)

_started_here = False


def _run(command: str, timeout: float) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(
            ["bash", str(SCRIPT), command],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise RuntimeError(f"neo4j test server: '{SCRIPT.name} {command}' timed out after {timeout} s") from exc


def _fail(command: str, proc: subprocess.CompletedProcess[str]) -> RuntimeError:
    tail = "\n".join((proc.stderr.strip() + "\n" + proc.stdout.strip()).strip().splitlines()[-60:])
    return RuntimeError(f"neo4j test server: '{SCRIPT.name} {command}' failed (exit {proc.returncode}):\n{tail}")


def _settings(uri: str) -> dict[str, str]:
    return {
        "uri": uri,
        "user": os.environ.get("NEO4J_USER", USER),
        "password": os.environ.get("NEO4J_PASSWORD", PASSWORD),
        "database": os.environ.get("NEO4J_DATABASE", DATABASE),
    }


def _check_prerequisites() -> None:
    if shutil.which("bash") is None:
        raise RuntimeError("neo4j test server: no bash found")
    if not SCRIPT.is_file():
        raise RuntimeError(f"neo4j test server: {SCRIPT} is missing")
    java_home = os.environ.get("JAVA_HOME")
    if not (java_home and Path(java_home, "bin", "java").is_file()) and shutil.which("java") is None:
        raise RuntimeError("neo4j test server: no java found (install OpenJDK 17 or 21, or set JAVA_HOME)")


def start_neo4j() -> dict[str, str]:
    """Start (or reuse) a Neo4j server; return {"uri", "user", "password", "database"}."""
    global _started_here
    if os.environ.get("NEO4J_URI"):
        return _settings(os.environ["NEO4J_URI"])
    _check_prerequisites()
    proc = _run("install", INSTALL_TIMEOUT)
    if proc.returncode != 0:
        raise _fail("install", proc)
    was_running = _run("status", 30).returncode == 0
    proc = _run("start", START_TIMEOUT)
    if proc.returncode != 0:
        raise _fail("start", proc)
    lines = proc.stdout.strip().splitlines()
    if not lines or not lines[-1].startswith("bolt://"):
        raise _fail("start", proc)
    _started_here = _started_here or not was_running
    return {"uri": lines[-1], "user": USER, "password": PASSWORD, "database": DATABASE}


def stop_neo4j(force: bool = False) -> None:
    """Stop the server if start_neo4j() started it (or, with force=True, any local one)."""
    global _started_here
    if os.environ.get("NEO4J_URI") and not force:
        return
    if not (_started_here or force):
        return
    proc = _run("stop", 120)
    _started_here = False
    if proc.returncode != 0:
        raise _fail("stop", proc)
