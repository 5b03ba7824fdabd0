"""The bare engine that `ecograph build --no-reason` is measured against: pyoxigraph alone, no ecograph.

Usage::

    python benchmarks/bare_pyoxigraph.py --out DIR FILE [FILE ...]

Bulk-loads the files (TriG, Turtle, N-Triples or N-Quads, by extension) into one in-memory
store and writes the four data files a build writes: Turtle and N-Triples (every graph's
triples, as pyoxigraph dumps them: not sorted, not deduplicated across graphs), TriG and
JSON-LD (the dataset). No validation, no canonical order, no documentation: what the engine
itself costs. benchmarks/run.py runs it as a whole process (time and peak memory) beside
`ecograph build --no-reason` on the same files.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import pyoxigraph as ox

FORMATS = {".trig": ox.RdfFormat.TRIG, ".ttl": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES, ".nq": ox.RdfFormat.N_QUADS}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    store = ox.Store()
    for path in args.files:
        store.bulk_load(path=str(path), format=FORMATS[path.suffix])
    args.out.mkdir(parents=True, exist_ok=True)
    triples = lambda: (ox.Triple(q.subject, q.predicate, q.object) for q in store)  # noqa: E731
    ox.serialize(triples(), str(args.out / "bare.ttl"), format=ox.RdfFormat.TURTLE)
    ox.serialize(triples(), str(args.out / "bare.nt"), format=ox.RdfFormat.N_TRIPLES)
    store.dump(str(args.out / "bare.trig"), format=ox.RdfFormat.TRIG)
    store.dump(str(args.out / "bare.jsonld"), format=ox.RdfFormat.JSON_LD)
    print(f"{len(store)} quads in {time.perf_counter() - start:.2f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
