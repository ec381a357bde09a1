"""On-disk cache of extracted facts, one file per workspace root.

Keyed by (path, mtime, size) for a warm start that reads no unchanged file, with the content hash kept so
that a touched-but-identical file is not re-parsed. Anything unexpected in the cache file (another
version, a truncated write, a pickle from elsewhere) means an empty cache, never an error.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from pathlib import Path
from typing import NamedTuple

from socketlens import __version__
from socketlens.config import Config
from socketlens.extract import EXTRACTION_FAILED, ExtractOptions
from socketlens.index.gc_pause import paused_gc
from socketlens.model import Direction, FileFacts
from socketlens.replay import cache_dir

_SCHEMA = 34  # bump whenever what extraction produces changes: older caches are then ignored

LearnedMaps = tuple[tuple[str, Direction], ...]  # event maps of a file named by generics elsewhere


class CacheEntry(NamedTuple):
    """One file's cache record. A tuple, not a dataclass: the cache holds one per file of the repository
    (10,000+), and tuples pickle and unpickle several times faster."""

    mtime_ns: int
    size: int
    digest: str
    facts: FileFacts | None  # None: the prefilter found nothing socket-related
    tokens_checked: frozenset[bytes]  # the prefilter tokens a skipped file was searched for
    learned: LearnedMaps = ()  # the learned maps the facts were extracted with
    on_demand: bool = False  # skipped by the prefilter, extracted because a name resolved into it
    pickled: bytes | None = None  # `facts` pickled, when a worker process already did it


class FactsCache:
    def __init__(self, path: Path, stamp: str):
        self.path = path
        self.stamp = stamp
        self.entries: dict[str, CacheEntry] = self._read()

    @classmethod
    def for_root(cls, root: Path, options: ExtractOptions, config: Config) -> "FactsCache":
        key = hashlib.blake2b(str(root).encode(), digest_size=12).hexdigest()
        # Extraction depends on the options (hook and map names): another configuration, another cache.
        stamp = f"{__version__}/{_SCHEMA}/{options!r}/{config.max_file_size}"
        return cls(Path(cache_dir()) / f"{key}.pickle", stamp)

    def _read(self) -> dict[str, CacheEntry]:
        try:
            with open(self.path, "rb") as handle, paused_gc():
                stamp, entries = pickle.load(handle)
                if stamp != self.stamp or not isinstance(entries, dict):
                    return {}
                return {rel: _unpacked(entry) for rel, entry in entries.items()}
        except Exception:  # noqa: BLE001 - a missing or broken cache is an empty one
            return {}

    def save(self, entries: dict[str, CacheEntry]) -> None:
        self.entries = entries
        # A file our extractor crashed on is retried next time (after an upgrade, say), not frozen empty.
        entries = {rel: _packed(entry) for rel, entry in entries.items() if not _extraction_failed(entry)}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".facts-")
            with os.fdopen(fd, "wb") as handle:
                pickle.dump((self.stamp, entries), handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self.path)  # atomic: a concurrent reader sees the old or the new cache
        except OSError:
            pass  # a read-only home must not break indexing


def _packed(entry: CacheEntry) -> CacheEntry:
    """On disk, facts are stored pickled on their own (each file's bytes as a worker produced them)."""
    if entry.facts is None:
        return entry
    pickled = entry.pickled or pickle.dumps(entry.facts, protocol=pickle.HIGHEST_PROTOCOL)
    return entry._replace(facts=None, pickled=pickled)


def _unpacked(entry: CacheEntry) -> CacheEntry:
    return entry if entry.pickled is None else entry._replace(facts=pickle.loads(entry.pickled))


def _extraction_failed(entry: CacheEntry) -> bool:
    return entry.facts is not None and any(p.message.startswith(EXTRACTION_FAILED) for p in entry.facts.problems)
