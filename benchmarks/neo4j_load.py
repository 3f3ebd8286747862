"""Benchmark the Neo4j store's batched load against naive per-row MERGE, on one server, in one run.

Run on demand (it is not a test):

    NEO4J_TEST_HEAP=4g NEO4J_TEST_PAGECACHE=1g .venv/bin/python benchmarks/neo4j_load.py
    .venv/bin/python benchmarks/neo4j_load.py --entities 10000 --relationships 50000 --sample 1000

It builds a synthetic landscape (valid types and endpoints, no reporting cycles, distinct
relationship keys), loads it WARM_UPS times to warm the server's JIT up (their times are
printed), and times `Neo4jStore.write(replace=True)` into an empty store TIMED times (the
median counts): a new generation written with batched UNWIND ... CREATE in many small
transactions, then the switch.
It times the same again over the loaded landscape (which then also deletes the old generation),
and a merge-mode reload (read back, merged in Python, written whole, old generation deleted).
Finally it MERGEs a sample of relationships one query at a time between the stored entities,
found through the store's (generation, id) index as a naive loader would find them: one
transaction per row (the usual naive code) and all in one transaction, and extrapolates.
Without --uri (or NEO4J_URI) it starts the local test server (tests/neo4j_server.py) and stops
it afterwards.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from landscape.model import EDGE_ENDPOINTS, MEMBER_ROLES, NODE_TYPES, Entity, Landscape, Relationship  # noqa: E402
from landscape.store.base import relationship_key  # noqa: E402
from landscape.store.graph_schema import REL_TYPES  # noqa: E402
from landscape.store.neo4j import Neo4jStore  # noqa: E402

WARM_UPS = 5  # loads before timing: a fresh JVM takes 2.5 times as long over the first, and settles from the third
TIMED = 3  # loads into an empty store timed; the median counts
TYPE_SHARE = {"board": 0.1, "agency": 0.2, "vcs": 0.1, "initiative": 0.3, "person": 0.25, "theme": 0.05}
CURRENT = "MATCH (m:LandscapeMeta {key: 'landscape'}) RETURN m.current AS generation"
PER_ROW_MERGE = """
MATCH (a:Entity {generation: $generation, id: $source})
MATCH (b:Entity {generation: $generation, id: $target})
MERGE (a)-[r:%s {role: $role, start: $start, end: $end}]->(b)
SET r.source_doc = $source_doc, r += $attrs
"""


def synthetic_landscape(entities: int, relationships: int, seed: int = 4) -> Landscape:
    """`entities` entities in TYPE_SHARE proportions and `relationships` distinct, valid relationships."""
    rng = random.Random(seed)
    ids: dict[str, list[str]] = {node_type: [] for node_type in NODE_TYPES}
    nodes = []
    for index in range(entities):
        node_type = NODE_TYPES[index % len(NODE_TYPES)] if index < len(NODE_TYPES) else rng.choices(
            list(TYPE_SHARE), weights=list(TYPE_SHARE.values()))[0]
        ids[node_type].append(f"{node_type}-{index}")
        nodes.append(Entity(f"{node_type}-{index}", f"{node_type.title()} {index}", node_type,
                            f"{rng.randint(2005, 2020)}", "", f"doc {index % 97}",
                            {"sector": rng.choice(["health", "police", "vcs"]), "level": "regional"}))
    endpoints = [(edge_type, pair) for edge_type, pairs in EDGE_ENDPOINTS.items() for pair in sorted(pairs)]
    edges: dict[tuple[str, ...], Relationship] = {}
    while len(edges) < relationships:
        edge_type, (from_type, to_type) = rng.choice(endpoints)
        role = rng.choice(MEMBER_ROLES) if edge_type == "member_of" else ""
        source, target = rng.choice(ids[from_type]), rng.choice(ids[to_type])
        if edge_type in ("reports_to", "part_of") and from_type == to_type:  # upwards only: no cycles
            source, target = sorted((source, target), key=lambda entity_id: int(entity_id.rsplit("-", 1)[1]))
        edge = Relationship(source, target, edge_type,
                            f"{rng.randint(2010, 2024)}-{rng.randint(1, 12):02d}", "", f"doc {rng.randint(0, 999)}",
                            role, {"note": f"synthetic {len(edges)}"})
        edges.setdefault(relationship_key(edge), edge)
    return Landscape(nodes, edges.values(), "synthetic")


def timed(work: Callable[[], Any]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def per_row_parameters(edge: Relationship, generation: int) -> dict[str, Any]:
    """One relationship as parameters, dated 1999 so that MERGE creates it, as the batched load did."""
    return {"generation": generation, "source": edge.source, "target": edge.target, "role": edge.role,
            "start": "1999", "end": edge.end, "source_doc": edge.source_doc,
            "attrs": {f"attr_{key}": value for key, value in edge.attrs.items()}}


def per_row(driver: Any, database: str, sample: list[Relationship], one_transaction: bool) -> float:
    """Seconds to MERGE `sample` one query per relationship: a transaction each, or one for all."""
    generation = driver.execute_query(CURRENT, database_=database).records[0]["generation"]

    def run(tx: Any, edge: Relationship) -> None:
        tx.run(PER_ROW_MERGE % REL_TYPES[edge.type], per_row_parameters(edge, generation)).consume()

    def each(session: Any) -> None:
        for edge in sample:
            session.execute_write(run, edge)

    def together(session: Any) -> None:
        session.execute_write(lambda tx: [run(tx, edge) for edge in sample])

    with driver.session(database=database) as session:
        return timed(lambda: (together if one_transaction else each)(session))


def connection(args: argparse.Namespace) -> tuple[dict[str, str], Callable[[], None]]:
    """Settings of the server to use, and how to stop it (a no-op unless we started it)."""
    if args.uri:
        return {"uri": args.uri, "user": args.user, "password": args.password, "database": args.database}, (
            lambda: None)
    sys.path.insert(0, str(ROOT / "tests"))
    from neo4j_server import start_neo4j, stop_neo4j

    print("starting the local test server ...", flush=True)
    return start_neo4j(), stop_neo4j


def packer() -> str:
    """Which Bolt packer the driver uses: the optional Rust extension is several times faster."""
    try:
        version("neo4j-rust-ext")
    except PackageNotFoundError:
        return "pure-Python"
    return "Rust (neo4j-rust-ext)"


def report(rows: list[tuple[str, int, float]], relationships: int) -> None:
    slowest = rows[1][1] / rows[1][2]
    print(f"\n{'method':<44}{'rows':>10}{'seconds':>10}{'rows/s':>10}{'vs per-row':>12}")
    for method, count, seconds in rows:
        rate = count / seconds
        print(f"{method:<44}{count:>10,}{seconds:>10.2f}{rate:>10,.0f}{rate / slowest:>11,.0f}x")
    print(f"\nper-row MERGE, one transaction per row, would take about {relationships / slowest / 60:,.1f} "
          f"min for all {relationships:,} relationships")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entities", type=int, default=100_000)
    parser.add_argument("--relationships", type=int, default=500_000)
    parser.add_argument("--sample", type=int, default=5_000, help="relationships MERGEd one by one")
    parser.add_argument("--uri", default=os.environ.get("NEO4J_URI"))
    parser.add_argument("--user", default=os.environ.get("NEO4J_USERNAME", "neo4j"))
    parser.add_argument("--password", default=os.environ.get("NEO4J_PASSWORD"))
    parser.add_argument("--database", default=os.environ.get("NEO4J_DATABASE", "neo4j"))
    args = parser.parse_args()

    landscape = synthetic_landscape(args.entities, args.relationships)
    settings, stop = connection(args)
    try:
        with Neo4jStore(settings["uri"], user=settings["user"], password=settings["password"],
                        database=settings["database"]) as store:
            for warm_up in range(WARM_UPS):
                seconds = timed(lambda: store.write(landscape, replace=True))
                print(f"warm-up load {warm_up + 1} of {WARM_UPS}: {seconds:.2f} s", flush=True)
                store.write(Landscape([], []), replace=True)
            print(f"loading {args.entities:,} entities and {args.relationships:,} relationships into "
                  f"{store.describe()} with the driver's {packer()} packer ...", flush=True)
            loads = []
            for _ in range(TIMED):
                loads.append(timed(lambda: store.write(landscape, replace=True)))
                store.write(Landscape([], []), replace=True)
            batched = statistics.median(loads)
            print(f"timed loads: {', '.join(f'{seconds:.2f}' for seconds in loads)} s", flush=True)
            store.write(landscape, replace=True)
            print("replacing it ...", flush=True)
            replaced = timed(lambda: store.write(landscape, replace=True))
            print("reloading it in merge mode ...", flush=True)
            reload = timed(lambda: store.write(landscape))
            sample = random.Random(5).sample(landscape.relationships, min(args.sample, args.relationships))
            from neo4j import GraphDatabase

            with GraphDatabase.driver(settings["uri"], auth=(settings["user"], settings["password"])) as driver:
                each = per_row(driver, settings["database"], sample, one_transaction=False)
                together = per_row(driver, settings["database"], sample, one_transaction=True)
            store.write(Landscape([], []), replace=True)
    finally:
        stop()
    rows = len(landscape.entities) + len(landscape.relationships)
    report([("batched load, --replace, into an empty store", rows, batched),
            ("per-row MERGE, one transaction per row", len(sample), each),
            ("per-row MERGE, all in one transaction", len(sample), together),
            ("batched load, --replace, over the loaded one", rows, replaced),
            ("batched reload, merge mode", rows, reload)], len(landscape.relationships))
    relationships = len(landscape.relationships)
    print(f"batched load: {relationships / batched:,.0f} relationships/s over the whole load time (entities, "
          f"switch and clean-up included); over the loaded one: {relationships / replaced:,.0f}/s (deleting it "
          f"included); merge-mode reload: {relationships / reload:,.0f}/s (reading back and merging included); "
          f"counting relationships only, the batched load is {relationships / batched / (len(sample) / each):,.0f}x "
          "per-row MERGE")


if __name__ == "__main__":
    main()
