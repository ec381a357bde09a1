"""The builder's performance shape, checked by what it does rather than how long it takes: the prefilter,
on-demand loads, worker processes, and the cache (stat first, then content hash)."""

from __future__ import annotations

import gc
import json
import os
from pathlib import Path

import pytest

from socketlens.analysis.catalog import catalog
from socketlens.config import Config
from socketlens.index import builder as builder_module
from socketlens.index.builder import IndexBuilder

FILES = {
    "package.json": json.dumps({"name": "app", "dependencies": {"socket.io": "4", "socket.io-client": "4"}}),
    "src/names.ts": 'export const LEAD_NEW = "lead:new";\n',  # no prefilter token: loaded on demand
    "src/io.ts": 'import { Server } from "socket.io";\nimport { LEAD_NEW } from "./names";\n'
    "export const io = new Server();\nio.emit(LEAD_NEW);\n",
    "src/useLead.ts": 'import { io } from "socket.io-client";\nconst s = io();\n'
    "export function useLead(name: string, fn: () => void) { s.on(name, fn); }\n",
    "src/Page.tsx": 'import { useLead } from "./useLead";\nexport const Page = () => { useLead("lead:seen", () => {}); };\n',
    "src/plain.ts": "export const nothing = 1;\n",
}


def write_repo(root: Path, files: dict[str, str] = FILES) -> Path:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)
    return root


class Spy:
    """Counts the files the builder reads and extracts (in-process runs: jobs=1)."""

    def __init__(self, monkeypatch):
        self.read: list[str] = []
        self.extracted: list[str] = []
        real_read, real_extract = builder_module.read_hook, builder_module.extract_file

        def read(path, max_size):
            self.read.append(Path(path).name)
            return real_read(path, max_size)

        def extract(rel, *args, **kwargs):
            self.extracted.append(rel)
            return real_extract(rel, *args, **kwargs)

        monkeypatch.setattr(builder_module, "read_hook", read)
        monkeypatch.setattr(builder_module, "extract_file", extract)

    def reset(self):
        self.read.clear()
        self.extracted.clear()


def build(root: Path, use_cache: bool = True, jobs: int = 1):
    return IndexBuilder(root, Config(), use_cache=use_cache, jobs=jobs).build()


def test_prefilter_skips_files_and_loads_a_constant_on_demand(tmp_path, monkeypatch):
    root = write_repo(tmp_path)
    spy = Spy(monkeypatch)
    index = build(root, use_cache=False)
    assert set(index.events) == {"lead:new", "lead:seen"}
    # names.ts holds no token: extracted only because LEAD_NEW resolves into it; plain.ts never.
    assert "src/names.ts" in spy.extracted
    assert "src/plain.ts" not in spy.extracted
    # Page.tsx holds no base token either: the second pass found it by the custom hook's name.
    assert only_listener(index, "lead:seen").file == "src/Page.tsx"


def only_listener(index, name):
    (listener,) = index.event(name).listeners
    return listener


def test_warm_start_reads_no_unchanged_file(tmp_path, monkeypatch):
    root = write_repo(tmp_path)
    spy = Spy(monkeypatch)
    cold = catalog(build(root), str(root))
    spy.reset()
    warm = catalog(build(root), str(root))
    assert warm == cold
    assert spy.read == [] and spy.extracted == []


def test_touched_but_identical_file_is_read_but_not_parsed(tmp_path, monkeypatch):
    root = write_repo(tmp_path)
    spy = Spy(monkeypatch)
    build(root)
    path = root / "src/io.ts"
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))
    spy.reset()
    index = build(root)
    assert spy.read == ["io.ts"]
    assert spy.extracted == []
    assert set(index.events) == {"lead:new", "lead:seen"}
    spy.reset()
    build(root)  # the new mtime was saved
    assert spy.read == []


def test_an_edited_file_is_the_only_one_re_extracted(tmp_path, monkeypatch):
    root = write_repo(tmp_path)
    spy = Spy(monkeypatch)
    build(root)
    (root / "src/io.ts").write_text(FILES["src/io.ts"] + 'io.emit("lead:gone");\n')
    spy.reset()
    index = build(root)
    assert spy.extracted == ["src/io.ts"]
    assert set(index.events) == {"lead:new", "lead:seen", "lead:gone"}


def test_worker_processes_give_the_same_index(tmp_path):
    files = dict(FILES)
    for number in range(80):  # above the threshold for worker processes
        files[f"src/gen/m{number}.ts"] = (
            'import { io } from "../io";\n' f'export function f{number}() {{ io.emit("gen:{number % 7}"); }}\n'
        )
    root = write_repo(tmp_path, files)
    serial = catalog(build(root, use_cache=False, jobs=1), str(root))
    parallel = catalog(build(root, use_cache=False, jobs=2), str(root))
    assert parallel == serial
    assert len(events_named(parallel, "gen:0")["emits"]) == 12


def test_a_cache_written_by_worker_processes_serves_a_warm_start(tmp_path, monkeypatch):
    # Workers hand their facts back pickled and the cache stores those bytes as they are.
    files = dict(FILES)
    for number in range(80):
        files[f"src/gen/m{number}.ts"] = 'import { io } from "../io";\n' f'io.emit("gen:{number}");\n'
    root = write_repo(tmp_path, files)
    cold = catalog(build(root, jobs=2), str(root))
    spy = Spy(monkeypatch)
    warm = catalog(build(root, jobs=1), str(root))  # in-process: a re-extraction would be seen
    assert warm == cold
    assert spy.read == [] and spy.extracted == []


def test_builds_pause_the_garbage_collector_and_restore_it(tmp_path, monkeypatch):
    root = write_repo(tmp_path)
    seen = []
    real_extract = builder_module.extract_file

    def extract(*args, **kwargs):
        seen.append(gc.isenabled())
        return real_extract(*args, **kwargs)

    monkeypatch.setattr(builder_module, "extract_file", extract)
    assert gc.isenabled()
    build(root, use_cache=False)
    assert seen and not any(seen)
    assert gc.isenabled()
    gc.disable()
    try:
        build(root, use_cache=False)
        assert not gc.isenabled()  # a caller's own pause is left as it was
    finally:
        gc.enable()


def events_named(data, name):
    return next(e for e in data["events"] if e["name"] == name)


def test_learned_maps_follow_their_generic_across_warm_starts(tmp_path):
    files = {
        "package.json": json.dumps({"name": "app", "dependencies": {"socket.io": "4"}}),
        "src/maps.ts": "export interface Down { hello: () => void }\nexport interface Up { ping: () => void }\n",
        "src/io.ts": 'import { Server } from "socket.io";\nimport type { Up, Down } from "./maps";\n'
        "export const io = new Server<Up, Down>();\n",
    }
    root = write_repo(tmp_path, files)
    directions = lambda index: {name: entry.direction.value for name, entry in index.events.items()}  # noqa: E731
    assert directions(build(root)) == {"hello": "server-to-client", "ping": "client-to-server"}
    assert directions(build(root)) == {"hello": "server-to-client", "ping": "client-to-server"}
    # The generic swaps the maps: the maps' file is unchanged on disk, its declarations still follow.
    (root / "src/io.ts").write_text(files["src/io.ts"].replace("Server<Up, Down>", "Server<Down, Up>"))
    assert directions(build(root)) == {"hello": "client-to-server", "ping": "server-to-client"}
    (root / "src/io.ts").write_text(files["src/io.ts"].replace("<Up, Down>", ""))
    assert build(root).events == {}


def test_open_buffer_extraction_keeps_learned_maps(tmp_path):
    files = {
        "package.json": json.dumps({"name": "app", "dependencies": {"socket.io": "4"}}),
        "src/maps.ts": "export interface Down { hello: () => void }\n",
        "src/io.ts": 'import { Server } from "socket.io";\nimport type { Down } from "./maps";\n'
        "export const io = new Server<{}, Down>();\n",
    }
    root = write_repo(tmp_path, files)
    builder = IndexBuilder(root, Config(), use_cache=False, jobs=1)
    index = builder.build()
    edited = builder.extract_source("src/maps.ts", b"export interface Down { hello: () => void; bye: () => void }\n")
    index.update(edited)
    assert {name: e.direction.value for name, e in index.events.items()} == {
        "hello": "server-to-client",
        "bye": "server-to-client",
    }


@pytest.mark.parametrize("name", ["CalendarEvents", "WindowEventMap"])
def test_ui_types_named_like_event_maps_are_not_maps(tmp_path, name):
    files = {"src/ui.ts": f"export interface {name} {{ click: () => void; select: (d: Date) => void }}\n"}
    root = write_repo(tmp_path, files)
    assert build(root, use_cache=False).events == {}


def test_incremental_updates_re_resolve_dependents_and_namespace_changes(tmp_path):
    files = {
        **FILES,
        "src/typed.ts": 'import type { Socket } from "socket.io";\nexport function f(s: Socket) { s.emit("typed"); }\n',
    }
    root = write_repo(tmp_path, files)
    builder = IndexBuilder(root, Config(), use_cache=False, jobs=1)
    index = builder.build()
    namespace = lambda: index.event("typed").emits[0].namespace  # noqa: E731
    assert namespace() == "/"  # no `of()` anywhere: every server socket is on "/"
    # Renaming the constant re-resolves the file that imports it, not the unrelated ones.
    redone = index.update(builder.extract_source("src/names.ts", b'export const LEAD_NEW = "lead:created";\n'))
    assert {"src/names.ts", "src/io.ts"} <= redone and "src/typed.ts" not in redone
    assert "lead:created" in index.events and "lead:new" not in index.events
    # A first namespace in the project: a socket received as a parameter may be on any namespace.
    admin = b'import { io } from "./io";\nio.of("/admin").emit("admin:x");\n'
    index.update(builder.extract_source("src/admin.ts", admin))
    assert namespace() is None
    assert index.event("admin:x").emits[0].namespace == "/admin"
    index.remove("src/admin.ts")
    assert namespace() == "/"


def test_calls_of_ordinary_functions_load_nothing(tmp_path, monkeypatch):
    # A call is resolved only when its name can reach a wrapper: `format(...)` must not pull in util.ts.
    files = dict(FILES)
    files["src/util.ts"] = "export function format(value: string) { return value.trim(); }\n"
    files["src/io.ts"] += 'import { format } from "./util";\nformat("lead:new");\n'
    root = write_repo(tmp_path, files)
    spy = Spy(monkeypatch)
    build(root, use_cache=False)
    assert "src/util.ts" not in spy.extracted
    assert "src/names.ts" in spy.extracted  # a constant still is loaded on demand


def test_files_loaded_on_demand_stay_out_of_the_index_across_warm_starts(tmp_path, monkeypatch):
    root = write_repo(tmp_path)
    cold = build(root)
    assert "src/names.ts" not in cold.facts  # it lent a binding; it holds no site
    spy = Spy(monkeypatch)
    warm = build(root)
    assert "src/names.ts" not in warm.facts
    assert spy.extracted == []  # its cached facts serve the next resolution without a parse
    assert set(warm.events) == set(cold.events)


def test_unchanged_warm_start_does_not_rewrite_the_cache(tmp_path, monkeypatch):
    root = write_repo(tmp_path)
    build(root)
    writes: list[int] = []
    real_save = builder_module.FactsCache.save
    monkeypatch.setattr(builder_module.FactsCache, "save", lambda self, entries: writes.append(len(entries)))
    build(root)
    assert writes == []
    (root / "src/io.ts").write_text((root / "src/io.ts").read_text() + 'io.emit("lead:gone");\n')
    monkeypatch.setattr(builder_module.FactsCache, "save", real_save)
    rebuilt = build(root)
    assert "lead:gone" in rebuilt.events


def test_a_file_the_extractor_crashed_on_is_not_cached(tmp_path, monkeypatch):
    import socketlens.extract.typescript as extract_module

    root = write_repo(tmp_path)
    real = extract_module.extract_typescript

    def crash(rel, *args, **kwargs):
        if rel == "src/io.ts":
            raise AttributeError("a bug of ours")
        return real(rel, *args, **kwargs)

    monkeypatch.setattr(extract_module, "extract_typescript", crash)
    broken = build(root)
    assert "lead:new" not in broken.events
    monkeypatch.setattr(extract_module, "extract_typescript", real)
    assert "lead:new" in build(root).events  # re-extracted, not served empty from the cache


def test_an_edit_that_touches_no_wrapper_keeps_the_index_wide_wrapper_tables(tmp_path):
    # Recomputing them walks every file's calls: not on every keystroke.
    from socketlens.extract import extract_file
    from socketlens.index.builder import extract_options

    root = write_repo(tmp_path)
    index = build(root, use_cache=False)
    names = index.forwarder_names()
    options = extract_options(Config())
    edited = (root / "src/io.ts").read_text() + 'io.emit("lead:typed");\n'
    index.update(extract_file("src/io.ts", edited.encode(), "typescript", options))
    assert index.forwarder_names() is names
    assert "lead:typed" in index.events
    wrapper = edited + "export function shout(event: string) { io.emit(event); }\n"
    index.update(extract_file("src/io.ts", wrapper.encode(), "typescript", options))
    assert "shout" in index.forwarder_names()


def test_the_findings_table_follows_updates_and_removals(tmp_path):
    root = write_repo(tmp_path, {**FILES, "src/types.ts": "export interface Lead { id: string; socket: string }\n"})
    builder = IndexBuilder(root, Config(), use_cache=False, jobs=1)
    index = builder.build()
    assert [rel for rel, _ in index.findings("type-shape")] == ["src/types.ts"]
    edited = b"export interface Lead { id: string; socket: string }\nexport interface Deal { id: string }\n"
    index.update(builder.extract_source("src/types.ts", edited))
    assert [f.message for _, f in index.findings("type-shape")] == ["Lead", "Deal"]
    index.remove("src/types.ts")
    assert index.findings("type-shape") == []


def test_a_build_beside_other_threads_forks_its_workers_from_the_fork_server(tmp_path):
    # The language server builds in a thread, where forking could deadlock: the workers fork from the
    # fork server (started early by `serve`) and must give what in-process extraction gives.
    import threading

    files = dict(FILES)
    for number in range(80):
        files[f"src/gen/m{number}.ts"] = 'import { io } from "../io";\n' f'io.emit("gen:{number % 5}");\n'
    root = write_repo(tmp_path, files)
    serial = catalog(build(root, use_cache=False, jobs=1), str(root))
    builder_module.start_worker_server()
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert builder_module._worker_context().get_start_method() == "forkserver"
        threaded = catalog(build(root, use_cache=False, jobs=2), str(root))
    finally:
        stop.set()
        other.join()
    assert threaded == serial
    assert builder_module._worker_context().get_start_method() == "fork"


def test_a_build_whose_worker_processes_fail_extracts_in_process(tmp_path, monkeypatch, caplog):
    # A sandbox without fork/spawn, a process limit, a fork server that could not start: slower, never empty.
    import concurrent.futures

    class NoProcesses:
        def __init__(self, *args, **kwargs):
            raise OSError("process creation refused")

    files = dict(FILES)
    for number in range(80):
        files[f"src/gen/m{number}.ts"] = 'import { io } from "../io";\n' f'io.emit("gen:{number % 5}");\n'
    root = write_repo(tmp_path, files)
    serial = catalog(build(root, use_cache=False, jobs=1), str(root))
    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", NoProcesses)
    assert catalog(build(root, use_cache=False, jobs=2), str(root)) == serial
    assert "worker processes failed (OSError: process creation refused)" in caplog.text
