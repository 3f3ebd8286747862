"""Compare two analysis results (`landscape analyse --format json`) for the same landscape.

They must be identical, except that:

- a broker's betweenness may differ in the fourth decimal place (it is rounded there, and
  two exact ways of computing it may round a figure ending in 5 differently);
- clusters may come in another order (and so with other `cluster-N` ids): they are
  compared as a set.

With `--clusters-may-differ`, clusters that differ are listed but not counted as a
difference (another community-detection algorithm may group a large landscape otherwise).

    .venv/bin/python benchmarks/compare_analysis.py BEFORE.json AFTER.json [--clusters-may-differ]

Exit status 0 when they match, 1 with each difference listed when they do not.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

BETWEENNESS_TOLERANCE = 1e-3  # a difference in the fourth decimal place


def cluster_set(result: dict[str, Any]) -> set[tuple[tuple[str, ...], tuple[str, ...]]]:
    """Each cluster as (its boards, its themes), without its place in the list."""
    return {(tuple(sorted(cluster["boards"])), tuple(cluster["themes"])) for cluster in result.get("clusters", [])}


def broker_differences(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> list[str]:
    if [row["id"] for row in before] != [row["id"] for row in after]:
        return [f"brokers: {[row['id'] for row in before]} became {[row['id'] for row in after]}"]
    problems = []
    for old, new in zip(before, after):
        if abs(old["betweenness"] - new["betweenness"]) >= BETWEENNESS_TOLERANCE:
            problems.append(f"broker {old['id']}: betweenness {old['betweenness']} became {new['betweenness']}")
        rest_old = {key: value for key, value in old.items() if key != "betweenness"}
        rest_new = {key: value for key, value in new.items() if key != "betweenness"}
        if rest_old != rest_new:
            problems.append(f"broker {old['id']}: {rest_old} became {rest_new}")
    return problems


def differences(before: dict[str, Any], after: dict[str, Any], clusters_may_differ: bool = False,
                ) -> tuple[list[str], list[str]]:
    """The differences that matter, and those only noted (clusters, when they may differ)."""
    problems, notes = [], []
    for key in sorted(set(before) | set(after)):
        if key in ("brokers", "clusters"):
            continue
        if before.get(key) != after.get(key):
            if key == "findings" and key in before and key in after:
                old, new = before[key], after[key]
                problems.append(f"findings: {len(old)} before, {len(new)} after")
                problems += [f"finding {n}: {a} became {b}" for n, (a, b) in enumerate(zip(old, new)) if a != b][:5]
            else:
                problems.append(f"{key}: differs")
    problems += broker_differences(before.get("brokers", []), after.get("brokers", []))
    old_clusters, new_clusters = cluster_set(before), cluster_set(after)
    if old_clusters != new_clusters:
        same = len(old_clusters & new_clusters)
        text = (f"clusters: {same} the same, {len(old_clusters - new_clusters)} only before, "
                f"{len(new_clusters - old_clusters)} only after")
        (notes if clusters_may_differ else problems).append(text)
    return problems, notes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before")
    parser.add_argument("after")
    parser.add_argument("--clusters-may-differ", action="store_true")
    args = parser.parse_args()
    with open(args.before, encoding="utf-8") as old, open(args.after, encoding="utf-8") as new:
        problems, notes = differences(json.load(old), json.load(new), args.clusters_may_differ)
    for note in notes:
        print(f"note: {note}")
    for problem in problems:
        print(problem)
    print(f"{args.before} and {args.after}: " + ("the same" if not problems else f"{len(problems)} differences"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
