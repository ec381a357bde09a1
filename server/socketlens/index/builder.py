"""Cold and warm index builds: discover files, prefilter, extract in parallel, cache by content hash.

Most files of a product monorepo never touch a socket. A byte-level prefilter decides which files are
parsed at all; the rest are parsed only if name resolution needs a constant from them (`load`). Extraction
runs in worker processes on every core, and facts are cached on disk so that a warm start reads no file
whose size and mtime did not change, and re-parses no file whose content hash did not change.
"""

from __future__ import annotations

import logging
import os
import pickle
import threading
from dataclasses import replace
from pathlib import Path
from typing import Callable, Iterable, NamedTuple

from socketlens.config import Config
from socketlens.extract import ExtractOptions, ReusableTree, content_hash, extract_file
from socketlens.index.cache import CacheEntry, FactsCache, LearnedMaps
from socketlens.index.event_index import EventIndex
from socketlens.index.gc_pause import paused_gc
from socketlens.model import FileFacts
from socketlens.packages import Workspace
from socketlens.workspace import (
    WorkspaceFile,
    discover_files,
    language_of,
    looks_minified_or_generated,
    read_source,
)

Progress = Callable[[int, int], None]
log = logging.getLogger(__name__)

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
    words += [name.encode() for name in config.inter_server_maps]
    words += [name.encode() for name in extra]
    return tuple(dict.fromkeys(words))


class _Job(NamedTuple):  # tuples: 10,000+ of them cross the pipe to the workers and back
    rel: str
    path: str
    language: str
    max_size: int
    known_digest: str | None = None  # the cached content hash: the same bytes need no new parse


class _Outcome(NamedTuple):
    rel: str
    mtime_ns: int
    size: int
    digest: str | None  # None: unreadable now (deleted, binary, too big)
    facts: FileFacts | None  # None: the prefilter kept it out, or `reused`, or still `pickled`
    reused: bool = False  # same content hash as the cache: keep the cached facts
    # The facts as a worker process pickled them to send them back: kept, so the cache saves these bytes
    # instead of pickling every file's facts a second time.
    pickled: bytes | None = None


def read_hook(path: Path, max_size: int) -> bytes | None:
    """How a job reads a file; a seam for tests (a file deleted between discovery and reading)."""
    return read_source(path, max_size)


def _process(job: _Job, tokens: tuple[bytes, ...], options: ExtractOptions, force: bool) -> _Outcome:
    try:
        stat = os.stat(job.path)
    except OSError:
        return _Outcome(job.rel, 0, 0, None, None)
    data = read_hook(Path(job.path), job.max_size)
    if data is None:
        return _Outcome(job.rel, stat.st_mtime_ns, stat.st_size, None, None)
    digest = content_hash(data)
    if digest == job.known_digest:
        return _Outcome(job.rel, stat.st_mtime_ns, stat.st_size, digest, None, reused=True)
    skip = looks_minified_or_generated(job.rel, data) or (not force and not any(t in data for t in tokens))
    if skip:
        return _Outcome(job.rel, stat.st_mtime_ns, stat.st_size, digest, None)
    facts = extract_file(job.rel, data, job.language, options, digest)
    return _Outcome(job.rel, stat.st_mtime_ns, stat.st_size, digest, facts)


def _process_chunk(jobs: list[_Job], tokens: tuple[bytes, ...], options: ExtractOptions) -> list[_Outcome]:
    """In a worker process: the outcomes with their facts pickled (see `_Outcome.pickled`)."""
    outcomes = []
    for job in jobs:
        outcome = _process(job, tokens, options, False)
        if outcome.facts is not None:
            outcome = outcome._replace(facts=None, pickled=pickle.dumps(outcome.facts, pickle.HIGHEST_PROTOCOL))
        outcomes.append(outcome)
    return outcomes


def _unpickled(outcome: _Outcome) -> _Outcome:
    return outcome if outcome.pickled is None else outcome._replace(facts=pickle.loads(outcome.pickled))


def _run_jobs(
    jobs: list[_Job],
    tokens: tuple[bytes, ...],
    options: ExtractOptions,
    progress: Progress | None,
    workers: int | None,
) -> list[_Outcome]:
    workers = workers or os.cpu_count() or 1
    if workers > 1 and len(jobs) >= _PARALLEL_THRESHOLD:
        try:
            return _run_in_workers(jobs, tokens, options, progress, workers)
        except (OSError, RuntimeError) as error:  # no processes here (sandbox, limits), a broken pool...
            log.warning("worker processes failed (%s: %s); extracting in this process", type(error).__name__, error)
    outcomes = []
    for number, job in enumerate(jobs, 1):
        outcomes.append(_process(job, tokens, options, False))
        if progress is not None and (number % 50 == 0 or number == len(jobs)):
            progress(number, len(jobs))
    return outcomes


def _run_in_workers(
    jobs: list[_Job], tokens: tuple[bytes, ...], options: ExtractOptions, progress: Progress | None, workers: int
) -> list[_Outcome]:
    import concurrent.futures  # only here: a warm start never pays for these imports

    total = len(jobs)
    chunk = max(16, min(256, total // (workers * 8) or 16))
    chunks = [jobs[i : i + chunk] for i in range(0, total, chunk)]
    outcomes = []
    with concurrent.futures.ProcessPoolExecutor(workers, mp_context=_worker_context()) as pool:
        futures = [pool.submit(_process_chunk, c, tokens, options) for c in chunks]
        for future in concurrent.futures.as_completed(futures):
            outcomes.extend(_unpickled(outcome) for outcome in future.result())
            if progress is not None:
                progress(len(outcomes), total)
    return outcomes


# What a worker imports to extract: the fork server imports it once, its workers start with it.
_WORKER_MODULES = ["socketlens.index.builder", "socketlens.extract.typescript"]


def _worker_context():
    """fork is fastest, but forking a process that runs other threads (the language server) can deadlock:
    there, workers fork from multiprocessing's fork server (see `start_worker_server`), or are spawned
    (a new Python that imports the extractors) where the platform has none."""
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    if threading.active_count() == 1 and "fork" in methods:
        return multiprocessing.get_context("fork")
    if "forkserver" in methods:
        multiprocessing.set_forkserver_preload(_WORKER_MODULES)
        return multiprocessing.get_context("forkserver")
    return multiprocessing.get_context("spawn")


def start_worker_server() -> None:
    """Start the fork server now, in the background, for a process that will build from several threads:
    the language server calls this before its own (long) imports, so that the first index build's workers
    do not each start Python and import the extractors."""
    import multiprocessing

    if "forkserver" not in multiprocessing.get_all_start_methods():
        return
    from multiprocessing import forkserver

    multiprocessing.set_forkserver_preload(_WORKER_MODULES)
    try:
        forkserver.ensure_running()
    except OSError:  # no fork server: builds start their workers another way
        pass


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
        self._entries: dict[str, CacheEntry] = {}  # this build's cache entries, saved at its end
        self._learned: dict[str, LearnedMaps] = {}  # file -> the learned maps its facts were extracted with

    def build(self, progress: Progress | None = None, first: Iterable[str] = ()) -> EventIndex:
        with paused_gc():  # hundreds of thousands of long-lived objects, no garbage cycles
            return self._build(progress, first)

    def _build(self, progress: Progress | None, first: Iterable[str]) -> EventIndex:
        self.files = {f.rel: f for f in discover_files(self.root, self.config)}
        self.workspace = Workspace(self.root, list(self.files))
        cached = self.cache.entries if self.cache is not None else {}
        self._entries = {}
        self._learned = {}
        tokens = prefilter_tokens(self.config)
        first_set = set(first)
        ordered = sorted(self.files.values(), key=lambda f: (f.rel not in first_set, f.rel))
        to_do: list[_Job] = []
        for file in ordered:
            entry = cached.get(file.rel)
            reusable = entry is not None and (entry.facts is not None or entry.tokens_checked >= set(tokens))
            if reusable and self._unchanged(file, entry, just_walked=True):
                self._keep(file.rel, entry)  # warm start: the file is not even opened
                continue
            to_do.append(self._job(file, entry.digest if reusable else None))
        self._record(_run_jobs(to_do, tokens, self.options, progress, self.jobs), tokens, cached)
        self._prefilter_again_for_forwarders(tokens)
        facts = {rel: e.facts for rel, e in self._entries.items() if e.facts is not None and not e.on_demand}
        index = EventIndex(self.workspace, self.config, facts, load=self.load)
        index.events  # noqa: B018 - resolve now, so that on-demand loads land in the cache below
        self.refresh_learned_maps(index)
        if self.cache is not None and not _same_entries(self._entries, cached):
            self.cache.save(self._entries)
        return index

    def _job(self, file: WorkspaceFile, known_digest: str | None = None) -> _Job:
        return _Job(file.rel, file.abs_path, file.language, self.config.max_file_size, known_digest)

    def _keep(self, rel: str, entry: CacheEntry) -> None:
        self._entries[rel] = entry
        if entry.learned:
            self._learned[rel] = entry.learned

    def _record(self, outcomes: list[_Outcome], tokens: tuple[bytes, ...], cached: dict[str, CacheEntry]) -> None:
        checked = frozenset(tokens)  # one set shared by every entry: pickled once, not once per file
        for outcome in outcomes:
            if outcome.digest is None:
                self._entries.pop(outcome.rel, None)
                continue
            if outcome.reused:  # touched but identical: the cached facts stand, with the new stat
                old = cached[outcome.rel]
                self._keep(outcome.rel, old._replace(mtime_ns=outcome.mtime_ns, size=outcome.size))
                continue
            self._entries[outcome.rel] = CacheEntry(
                outcome.mtime_ns, outcome.size, outcome.digest, outcome.facts, checked, pickled=outcome.pickled
            )

    def _prefilter_again_for_forwarders(self, tokens: tuple[bytes, ...]) -> None:
        """Call sites of wrappers and custom hooks may hold none of the base tokens (`useLeadEvent(...)`):
        once the first pass has found the forwarding functions, look for their names in the skipped files."""
        names = {f.function for e in self._entries.values() if e.facts for f in e.facts.forwarders} - {"default"}
        # A name holding a base token (`emitToOrg` holds "emit") is in files the first pass already read.
        unseen = sorted(name for name in names if not any(token in name.encode() for token in tokens))
        extra = prefilter_tokens(self.config, unseen)
        if not set(extra) - set(tokens):
            return
        for rel, entry in list(self._entries.items()):
            # A file extracted on demand (for a constant) that also calls a wrapper holds sites.
            if entry.on_demand and entry.facts is not None and any(
                (call.callee.path[-1] if call.callee.path else call.callee.name) in names for call in entry.facts.calls
            ):
                self._entries[rel] = entry._replace(on_demand=False)
        again = [
            self._job(self.files[rel])
            for rel, entry in sorted(self._entries.items())
            if entry.facts is None and not entry.tokens_checked >= set(extra)
        ]
        self._record(_run_jobs(again, extra, self.options, None, self.jobs), extra, {})

    def refresh_learned_maps(self, index: EventIndex) -> set[str]:
        """Re-extract the files whose event maps a generic elsewhere names (`new Server<Up, Down>()`), so
        that their members become declarations with the learned direction. Returns the files updated.
        Call again after updates that may change generics (the language server does)."""
        wanted = {rel: tuple(sorted(maps.items())) for rel, maps in index.learned_maps().items()}
        updated: set[str] = set()
        for rel in sorted(set(wanted) | set(self._learned)):
            want = wanted.get(rel, ())
            file = self.files.get(rel)
            if self._learned.get(rel, ()) == want or file is None:
                continue
            outcome = _process(self._job(file), (), replace(self.options, learned_maps=want), True)
            if outcome.facts is None:
                continue
            old = self._entries.get(rel)
            tokens = old.tokens_checked if old is not None else frozenset()
            self._entries[rel] = CacheEntry(outcome.mtime_ns, outcome.size, outcome.digest, outcome.facts, tokens, want)
            self._learned[rel] = want
            index.update(outcome.facts)
            updated.add(rel)
        return updated

    def _unchanged(self, file: WorkspaceFile, entry: CacheEntry, just_walked: bool = False) -> bool:
        """The file still has the size and mtime the cache saw. Right after discovery the walk's own stat
        serves; later (an on-demand load in a long-lived server) the file is stat'ed again."""
        if just_walked and file.mtime_ns:
            return file.mtime_ns == entry.mtime_ns and file.size == entry.size
        try:
            stat = os.stat(file.abs_path)
        except OSError:
            return False
        return stat.st_mtime_ns == entry.mtime_ns and stat.st_size == entry.size

    def load(self, rel: str) -> FileFacts | None:
        """Extract a file the prefilter skipped, because a name resolves into it."""
        file = self.files.get(rel)
        if file is None:
            return None
        entry = self._entries.get(rel)
        if entry is not None and entry.facts is not None and self._unchanged(file, entry):
            return entry.facts
        outcome = _process(self._job(file), (), self.options, True)
        if outcome.digest is None or outcome.facts is None:
            return None
        tokens = entry.tokens_checked if entry is not None else frozenset()
        self._entries[rel] = CacheEntry(
            outcome.mtime_ns, outcome.size, outcome.digest, outcome.facts, tokens, on_demand=True
        )
        self._learned.pop(rel, None)
        return outcome.facts

    def extract_source(self, rel: str, data: bytes, reuse: ReusableTree | None = None) -> FileFacts:
        """Facts of an open buffer (the editor's text, not the disk); `reuse`: its previous syntax tree."""
        options = replace(self.options, learned_maps=self._learned.get(rel, ()))
        return extract_file(rel, data, language_of(rel) or "typescript", options, reuse=reuse)


def _same_entries(new: dict[str, CacheEntry], old: dict[str, CacheEntry]) -> bool:
    """Nothing changed since the cache was read: a warm start writes nothing."""
    return new.keys() == old.keys() and all(new[rel] is old[rel] for rel in new)


def build_index(
    root: Path, config: Config, use_cache: bool = True, progress: Progress | None = None, jobs: int | None = None
) -> EventIndex:
    return IndexBuilder(root, config, use_cache=use_cache, jobs=jobs).build(progress)
