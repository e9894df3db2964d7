"""Retrieval at 50,000 knowledge chunks: exact cosine top-k with numpy vs a bare Python loop.

Run: `python bench/inbox_retrieval.py [--chunks 50000] [--dim 256] [--queries 20]`. Needs the database
(SQLite default) and Redis. It creates a throw-away workspace, bulk-inserts chunks with random unit
vectors, then measures: building the index from the database, loading it from Redis (another worker),
one query on the in-process copy, and the same query as a bare Python loop over the rows (the
baseline). Prints one line per figure and the speed-up; deletes what it created.
"""
import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def main():
    import django

    django.setup()
    import numpy as np

    from accounts.models import Workspace
    from inbox import retrieval
    from inbox.models import KnowledgeChunk, KnowledgeSource

    parser = argparse.ArgumentParser()
    parser.add_argument("--chunks", type=int, default=50_000)
    parser.add_argument("--dim", type=int, default=256)
    parser.add_argument("--queries", type=int, default=20)
    args = parser.parse_args()

    rng = np.random.default_rng(7)
    workspace = Workspace.objects.create(name="bench-retrieval")
    try:
        source = KnowledgeSource.objects.create(workspace=workspace, kind="text", title="bench", status="ready")
        started = time.perf_counter()
        batch = []
        for i in range(args.chunks):
            batch.append(KnowledgeChunk(workspace=workspace, source=source, position=i, text=f"chunk {i}",
                                        embedding=retrieval.vector_bytes(rng.standard_normal(args.dim))))
            if len(batch) == 5000:
                KnowledgeChunk.objects.bulk_create(batch)
                batch = []
        KnowledgeChunk.objects.bulk_create(batch)
        print(f"inserted {args.chunks} chunks of {args.dim} dims in {time.perf_counter() - started:.1f}s")
        retrieval.kb_changed(workspace)

        started = time.perf_counter()
        ids, matrix = retrieval.load_index(workspace)
        print(f"build from database + store in Redis: {time.perf_counter() - started:.3f}s "
              f"({matrix.nbytes / 1e6:.1f} MB)")
        retrieval._PROCESS_CACHE.clear()
        started = time.perf_counter()
        retrieval.load_index(workspace)
        print(f"load from Redis (a fresh worker):     {time.perf_counter() - started:.3f}s")

        queries = [rng.standard_normal(args.dim) for _ in range(args.queries)]
        numpy_times, loop_times = [], []
        rows = [(int(pk), [float(x) for x in vec]) for pk, vec in zip(ids, matrix, strict=True)]
        for query in queries:
            started = time.perf_counter()
            hits = retrieval.top_k(ids, matrix, query, k=4)
            numpy_times.append(time.perf_counter() - started)
            q = [float(x) for x in query / np.linalg.norm(query)]
            started = time.perf_counter()
            scored = [(sum(a * b for a, b in zip(vec, q, strict=True)), pk) for pk, vec in rows]
            best = sorted(scored, reverse=True)[:4]
            loop_times.append(time.perf_counter() - started)
            assert [h.chunk_id for h in hits] == [pk for _s, pk in best], "numpy and the loop disagree"
        numpy_ms, loop_ms = statistics.median(numpy_times) * 1000, statistics.median(loop_times) * 1000
        print(f"query, numpy (median of {args.queries}):    {numpy_ms:.2f} ms")
        print(f"query, bare Python loop (baseline):   {loop_ms:.1f} ms")
        print(f"speed-up: {loop_ms / numpy_ms:.0f}x")
    finally:
        KnowledgeChunk.objects.filter(workspace=workspace).delete()
        workspace.delete()


if __name__ == "__main__":
    main()
