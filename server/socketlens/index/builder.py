"""Cold and warm index builds: discover files, prefilter, extract in parallel, cache by content hash.

Most files of a product monorepo never touch a socket. A byte-level prefilter decides which files are
parsed at all; the rest are parsed only if name resolution needs a constant from them. Extraction runs in
worker processes on every core, and facts are cached on disk so that a warm start re-reads nothing that
did not change (stat size and mtime first, then the content hash).
"""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from socketlens.config import Config
from socketlens.extract import ExtractOptions, content_hash, extract_file
from socketlens.index.cache import CacheEntry, FactsCache
from socketlens.index.event_index import EventIndex
from socketlens.model import FileFacts
from socketlens.packages import Workspace
from socketlens.workspace import WorkspaceFile, discover_files, read_source

Progress = Callable[[int, int], None]

# Substrings of every file that can hold a socket.io site or an event map.
BASE_TOKENS = (b"emit", b"socket", b".on(", b".once(", b"Events", b"EventMap", b"sio.", b"@sio")
_PARALLEL_THRESHOLD = 64  # below this many files to extract, worker start-up costs more than it saves


def extract_options(config: Config) -> ExtractOptions:
    return ExtractOptions(
        server_to_client_maps=config.server_to_client_maps,
        client_to_server_maps=config.client_to_server_maps,
        inter_server_maps=config.inter_server_maps,
        hooks=config.hooks,
    )


def prefilter_tokens(config: Config, extra: Iterable[str] = ()) -> tuple[bytes, ...]:
    words = [*BASE_TOKENS, *(hook.encode() for hook in config.hooks)]
    words += [name.encode() for name in (*config.server_to_client_maps, *config.client_to_server_maps)]
    words += [name.encode() for name in extra]
    return tuple(dict.fromkeys(words))


@dataclass(frozen=True)
class _Job:
    rel: str
    path: str
    language: str
    max_size: int


@dataclass(frozen=True)
class _Outcome:
    rel: str
    mtime_ns: int
    size: int
    digest: str | None  # None: unreadable now (deleted, binary, too big)
    facts: FileFacts | None  # None: the prefilter kept it out


def _process(job: _Job, tokens: tuple[bytes, ...], options: ExtractOptions, force: bool) -> _Outcome:
    try:
        stat = os.stat(job.path)
    except OSError:
        return _Outcome(job.rel, 0, 0, None, None)
    data = read_source(Path(job.path), job.max_size)
    if data is None:
        return _Outcome(job.rel, stat.st_mtime_ns, stat.st_size, None, None)
    digest = content_hash(data)
    if not force and not any(token in data for token in tokens):
        return _Outcome(job.rel, stat.st_mtime_ns, stat.st_size, digest, None)
    return _Outcome(job.rel, stat.st_mtime_ns, stat.st_size, digest, extract_file(job.rel, data, job.language, options, digest))


def _process_chunk(jobs: list[_Job], tokens: tuple[bytes, ...], options: ExtractOptions, force: bool) -> list[_Outcome]:
    return [_process(job, tokens, options, force) for job in jobs]


def _run_jobs(
    jobs: list[_Job], tokens: tuple[bytes, ...], options: ExtractOptions, force: bool, progress: Progress | None, jobs_count: int | None
) -> list[_Outcome]:
    outcomes: list[_Outcome] = []
    total = len(jobs)
    workers = jobs_count or os.cpu_count() or 1
    if workers <= 1 or total < _PARALLEL_THRESHOLD:
        for number, job in enumerate(jobs, 1):
            outcomes.append(_process(job, tokens, options, force))
            if progress is not None and (number % 50 == 0 or number == total):
                progress(number, total)
        return outcomes
    # fork is fastest, but forking a process that runs other threads (the language server) can deadlock.
    method = "fork" if threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods() else "spawn"
    chunk = max(16, min(256, total // (workers * 8) or 16))
    chunks = [jobs[i : i + chunk] for i in range(0, total, chunk)]
    done = 0
    with concurrent.futures.ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context(method)) as pool:
        futures = [pool.submit(_process_chunk, c, tokens, options, force) for c in chunks]
        for future in concurrent.futures.as_completed(futures):
            batch = future.result()
            outcomes.extend(batch)
            done += len(batch)
            if progress is not None:
                progress(done, total)
    return outcomes


class IndexBuilder:
    """Owns the list of files and the cache of a root; builds and feeds an `EventIndex`."""

    def __init__(self, root: Path, config: Config, use_cache: bool = True, jobs: int | None = None):
        self.root = root.resolve()
        self.config = config
        self.options = extract_options(config)
        self.cache = FactsCache.for_root(self.root, self.options, config) if use_cache else None
        self.jobs = jobs
        self.files: dict[str, WorkspaceFile] = {}
        self.workspace: Workspace | None = None

    def build(self, progress: Progress | None = None, first: Iterable[str] = ()) -> EventIndex:
        self.files = {f.rel: f for f in discover_files(self.root, self.config)}
        self.workspace = Workspace(self.root, list(self.files))
        entries = self.cache.entries if self.cache is not None else {}
        tokens = prefilter_tokens(self.config)
        facts: dict[str, FileFacts] = {}
        skipped: set[str] = set()  # read and left out by the prefilter
        to_do: list[_Job] = []
        first_set = set(first)
        ordered = sorted(self.files.values(), key=lambda f: (f.rel not in first_set, f.rel))
        for file in ordered:
            entry = entries.get(file.rel)
            if entry is not None and self._unchanged(file, entry) and entry.tokens_checked >= set(tokens):
                if entry.facts is not None:
                    facts[file.rel] = entry.facts
                else:
                    skipped.add(file.rel)
                continue
            to_do.append(_Job(file.rel, str(file.path), file.language, self.config.max_file_size))
        new_entries: dict[str, CacheEntry] = {
            rel: entry for rel, entry in entries.items() if rel in facts or rel in skipped
        }
        for outcome in _run_jobs(to_do, tokens, self.options, False, progress, self.jobs):
            if outcome.digest is None:
                continue
            new_entries[outcome.rel] = CacheEntry(outcome.mtime_ns, outcome.size, outcome.digest, outcome.facts, frozenset(tokens))
            if outcome.facts is not None:
                facts[outcome.rel] = outcome.facts
            else:
                skipped.add(outcome.rel)
        # Second pass: call sites of wrappers and custom hooks whose names the first pass learned.
        names = {f.function for ff in facts.values() for f in ff.forwarders} - {"default"}
        extra = prefilter_tokens(self.config, names)
        if set(extra) - set(tokens):
            again = [
                _Job(rel, str(self.files[rel].path), self.files[rel].language, self.config.max_file_size)
                for rel in sorted(skipped)
                if not (new_entries.get(rel) and new_entries[rel].tokens_checked >= set(extra))
            ]
            for outcome in _run_jobs(again, extra, self.options, False, None, self.jobs):
                if outcome.digest is None:
                    continue
                new_entries[outcome.rel] = CacheEntry(outcome.mtime_ns, outcome.size, outcome.digest, outcome.facts, frozenset(extra))
                if outcome.facts is not None:
                    facts[outcome.rel] = outcome.facts
                    skipped.discard(outcome.rel)
        self._entries = new_entries
        index = EventIndex(self.workspace, self.config, facts, load=self.load)
        index.events  # noqa: B018 - resolve now, so that on-demand loads land in the cache below
        if self.cache is not None:
            self.cache.save(self._entries)
        return index

    def _unchanged(self, file: WorkspaceFile, entry: CacheEntry) -> bool:
        try:
            stat = os.stat(file.path)
        except OSError:
            return False
        return stat.st_mtime_ns == entry.mtime_ns and stat.st_size == entry.size

    def load(self, rel: str) -> FileFacts | None:
        """Extract a file the prefilter skipped, because a name resolves into it."""
        file = self.files.get(rel)
        if file is None:
            return None
        entry = getattr(self, "_entries", {}).get(rel)
        if entry is not None and entry.facts is not None and self._unchanged(file, entry):
            return entry.facts
        outcome = _process(_Job(rel, str(file.path), file.language, self.config.max_file_size), (), self.options, True)
        if outcome.digest is None or outcome.facts is None:
            return None
        if hasattr(self, "_entries"):
            old = self._entries.get(rel)
            self._entries[rel] = CacheEntry(
                outcome.mtime_ns, outcome.size, outcome.digest, outcome.facts, old.tokens_checked if old else frozenset()
            )
        return outcome.facts

    def extract_source(self, rel: str, data: bytes) -> FileFacts:
        """Facts of an open buffer (the editor's text, not the disk)."""
        from socketlens.workspace import language_of

        language = language_of(rel) or "typescript"
        return extract_file(rel, data, language, self.options)


def build_index(root: Path, config: Config, use_cache: bool = True, progress: Progress | None = None, jobs: int | None = None) -> EventIndex:
    return IndexBuilder(root, config, use_cache=use_cache, jobs=jobs).build(progress)
