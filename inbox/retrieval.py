"""Exact cosine-similarity retrieval over a workspace's knowledge chunks, cached per workspace.

Embeddings are stored L2-normalised as float32 bytes on each chunk, so similarity is one matrix-vector
product. The matrix of a workspace lives in Redis under `key("inbox", "kb", workspace, version)`:
`AssistantSettings.kb_version` is bumped on every knowledge-base change, so a stale index is never
read and the new one is rebuilt from the database on the next question. A small per-process copy
saves re-reading Redis for every message.
"""
import dataclasses

import numpy as np
from django.db.models import F

from config.redis import get_redis, key

from .models import AssistantSettings, KnowledgeChunk
from .services import settings_for

INDEX_TTL_SECONDS = 7 * 24 * 3600
_PROCESS_CACHE = {}
_PROCESS_CACHE_SIZE = 8


@dataclasses.dataclass
class Hit:
    chunk_id: int
    score: float


def vector_bytes(values):
    """A normalised float32 vector as bytes, for KnowledgeChunk.embedding."""
    vector = np.asarray(values, dtype=np.float32)
    norm = float(np.linalg.norm(vector))
    return (vector / norm if norm else vector).astype("<f4").tobytes()


def kb_changed(workspace):
    """Call after any knowledge-base write: the next question rebuilds the index."""
    AssistantSettings.objects.get_or_create(workspace=workspace)
    AssistantSettings.objects.filter(workspace=workspace).update(kb_version=F("kb_version") + 1)


def _build(workspace):
    rows = (KnowledgeChunk.objects.for_workspace(workspace).filter(embedding__isnull=False)
            .order_by("pk").values_list("pk", "embedding"))
    ids, vectors, dim = [], [], None
    for pk, blob in rows.iterator(chunk_size=2000):
        vector = np.frombuffer(bytes(blob), dtype="<f4")
        if dim is None:
            dim = vector.shape[0]
        if vector.shape[0] != dim:
            continue  # embedded by another model; re-index the source to use it
        ids.append(pk)
        vectors.append(vector)
    if not ids:
        return np.zeros(0, dtype=np.int64), np.zeros((0, 0), dtype=np.float32)
    return np.asarray(ids, dtype=np.int64), np.vstack(vectors)


def load_index(workspace):
    """(chunk ids, matrix) of the workspace's current knowledge base."""
    version = settings_for(workspace).kb_version
    cache_key = (workspace.pk, version)
    if cache_key in _PROCESS_CACHE:
        return _PROCESS_CACHE[cache_key]
    redis_key = key("inbox", "kb", workspace.pk, version)
    redis = get_redis()
    stored = redis.hgetall(redis_key)
    if stored and b"ids" in stored:
        ids = np.frombuffer(stored[b"ids"], dtype="<i8")
        dim = int(stored[b"dim"])
        matrix = np.frombuffer(stored[b"vectors"], dtype="<f4").reshape(len(ids), dim) if dim else \
            np.zeros((0, 0), dtype=np.float32)
    else:
        ids, matrix = _build(workspace)
        dim = matrix.shape[1] if matrix.size else 0
        pipe = redis.pipeline()
        pipe.hset(redis_key, mapping={"ids": ids.astype("<i8").tobytes(), "dim": dim,
                                      "vectors": matrix.astype("<f4").tobytes()})
        pipe.expire(redis_key, INDEX_TTL_SECONDS)
        pipe.delete(key("inbox", "kb", workspace.pk, version - 1))
        pipe.execute()
    if len(_PROCESS_CACHE) >= _PROCESS_CACHE_SIZE:
        _PROCESS_CACHE.pop(next(iter(_PROCESS_CACHE)))
    _PROCESS_CACHE[cache_key] = (ids, matrix)
    return ids, matrix


def top_k(ids, matrix, query, k=4):
    """Best `k` (id, cosine) pairs of an index for a query vector."""
    if not len(ids):
        return []
    q = np.asarray(query, dtype=np.float32)
    if q.shape[0] != matrix.shape[1]:
        return []
    norm = float(np.linalg.norm(q))
    if not norm:
        return []
    scores = matrix @ (q / norm)
    k = min(k, len(ids))
    best = np.argpartition(-scores, k - 1)[:k]
    best = best[np.argsort(-scores[best])]
    return [Hit(int(ids[i]), float(scores[i])) for i in best]


def search(workspace, query, k=4):
    ids, matrix = load_index(workspace)
    return top_k(ids, matrix, query, k)
