"""Bad input never stops an index run: broken code, odd encodings, binaries, huge and minified files,
symlink tricks, files vanishing mid-run, a corrupt cache, and expressions nested deeper than Python's
recursion limit. Each test also checks that the good sites next to the bad input are still indexed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from socketlens.config import Config
from socketlens.extract import ExtractOptions, extract_file
from socketlens.index import builder as builder_module
from socketlens.index.builder import IndexBuilder
from socketlens.index.cache import FactsCache
from socketlens.model import Lit

SERVER = 'import { Server } from "socket.io";\nconst io = new Server();\n'


def write(root: Path, rel: str, content: str | bytes) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return path


def good_repo(root: Path) -> Path:
    write(root, "package.json", '{"name": "app", "dependencies": {"socket.io": "4"}}')
    write(root, "src/good.ts", SERVER + 'io.emit("good:event");\n')
    return root


def event_names(root: Path, config: Config | None = None, use_cache: bool = False) -> set[str]:
    index = IndexBuilder(root, config or Config(), use_cache=use_cache, jobs=1).build()
    return set(index.events)


def emitted(source: bytes | str, rel: str = "a.ts") -> list[str]:
    data = source.encode() if isinstance(source, str) else source
    language = "javascript" if rel.endswith(".js") else "typescript"
    facts = extract_file(rel, data, language, ExtractOptions())
    return [e.name.value for e in facts.emits if isinstance(e.name, Lit)]


def test_half_typed_code_keeps_what_error_recovery_gives():
    source = SERVER + 'io.emit("before:typo");\nio.to(`org:${id}`).emit(\nfunction (\nio.emit("after:typo");\n'
    facts = extract_file("a.ts", source.encode(), "typescript", ExtractOptions())
    assert facts.has_errors
    names = [e.name.value for e in facts.emits if isinstance(e.name, Lit)]
    assert "before:typo" in names
    assert "after:typo" in names


def test_syntax_error_file_in_a_repo_does_not_stop_the_run(tmp_path):
    root = good_repo(tmp_path)
    write(root, "src/broken.ts", SERVER + 'io.emit("broken:still-found");\n}}} const = = ;\nclass {\n')
    assert event_names(root) == {"good:event", "broken:still-found"}


def test_latin1_file_is_indexed_with_replacement_characters(tmp_path):
    root = good_repo(tmp_path)
    write(root, "src/latin1.ts", (SERVER + '// caf\xe9\nio.emit("latin:ok", "d\xe9j\xe0");\n').encode("latin-1"))
    assert event_names(root) == {"good:event", "latin:ok"}


def test_latin1_column_after_an_undecodable_byte():
    facts = extract_file("a.ts", b'io.emit("x\xe9", "y"); io.emit("z");', "typescript", ExtractOptions())
    spans = {e.name.value: e.span for e in facts.emits}
    assert spans["z"].start_col == 28  # the bad byte counts as one character


def test_utf8_bom_does_not_shift_positions():
    source = "\ufeff" + SERVER + 'io.emit("bom:event");\n'
    facts = extract_file("a.ts", source.encode("utf-8"), "typescript", ExtractOptions())
    (emit,) = facts.emits
    assert emit.name == Lit("bom:event")
    assert (emit.span.start_line, emit.span.start_col) == (2, 8)


def test_binary_file_with_a_ts_name_is_skipped(tmp_path):
    root = good_repo(tmp_path)
    write(root, "src/video.ts", b"G\x40\x00\x10\x00" + b'io.emit("binary:no")' + bytes(range(256)) * 8)
    assert event_names(root) == {"good:event"}


def test_file_over_the_size_limit_is_skipped(tmp_path):
    root = good_repo(tmp_path)
    write(root, "src/huge.ts", SERVER + 'io.emit("huge:no");\n' + "// padding\n" * 2000)
    assert event_names(root, Config(max_file_size=10_000)) == {"good:event"}


def test_minified_bundle_is_skipped_even_with_an_ordinary_name(tmp_path):
    root = good_repo(tmp_path)
    body = ";".join(f"var a{i}=io.emit('min:{i % 3}')" for i in range(400))
    write(root, "src/vendor.js", "const io=require('socket.io')();" + body)
    write(root, "src/app.min.js", "const io=require('socket.io')();io.emit('min:named')")
    assert event_names(root) == {"good:event"}


def test_symlink_loop_terminates_and_indexes_each_file_once(tmp_path):
    root = good_repo(tmp_path)
    os.symlink(root / "src", root / "src" / "loop")
    os.symlink(root, root / "src" / "up")
    index = IndexBuilder(root, Config(), use_cache=False, jobs=1).build()
    assert [e.file for e in index.event("good:event").emits] == ["src/good.ts"]


def test_symlink_out_of_the_root_is_not_followed(tmp_path):
    root = good_repo(tmp_path / "repo")
    outside = tmp_path / "outside"
    write(outside, "secret.ts", SERVER + 'io.emit("outside:no");\n')
    os.symlink(outside, root / "src" / "linked-dir")
    os.symlink(outside / "secret.ts", root / "src" / "linked-file.ts")
    assert event_names(root) == {"good:event"}


def test_file_deleted_between_discovery_and_reading_is_skipped(tmp_path, monkeypatch):
    root = good_repo(tmp_path)
    doomed = write(root, "src/doomed.ts", SERVER + 'io.emit("doomed:no");\n')
    real_read = builder_module.read_hook

    def delete_then_read(path: Path, max_size: int):
        if path == doomed:
            path.unlink()
        return real_read(path, max_size)

    monkeypatch.setattr(builder_module, "read_hook", delete_then_read)
    assert event_names(root) == {"good:event"}
    assert not doomed.exists()


def test_corrupt_cache_file_means_a_cold_start(tmp_path):
    root = good_repo(tmp_path / "repo")
    config = Config()
    cache = FactsCache.for_root(root.resolve(), builder_module.extract_options(config), config)
    cache.path.parent.mkdir(parents=True, exist_ok=True)
    for garbage in (b"", b"not a pickle at all", b"\x80\x05\x95truncated"):
        cache.path.write_bytes(garbage)
        assert event_names(root, config, use_cache=True) == {"good:event"}
    # ... and the rewritten cache works for the next (warm) run.
    assert event_names(root, config, use_cache=True) == {"good:event"}


@pytest.mark.parametrize(
    "deep",
    [
        "(" * 3000 + "1" + ")" * 3000,
        "[" * 3000 + "]" * 3000,
        "a" + ".b" * 5000,
        '"org:" + ' + " + ".join(["x"] * 5000),
        "f(" * 2000 + ")" * 2000,
        "{a: " * 2000 + "1" + "}" * 2000,
    ],
)
def test_deeply_nested_expressions_do_not_lose_the_file(deep):
    source = SERVER + f'io.emit("deep:before");\nconst v = {deep};\nio.to({deep}).emit("deep:room", {deep});\n'
    source += 'io.emit("deep:after");\n'
    names = emitted(source)
    assert {"deep:before", "deep:after"} <= set(names)
