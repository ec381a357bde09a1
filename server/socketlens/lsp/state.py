"""What the language server holds per workspace folder and per open document.

All mutation happens on the server's event loop thread (handlers and tasks); only `IndexBuilder.build`
runs in a worker thread, on a builder and index nobody else sees until the loop swaps them in.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pygls.uris import from_fs_path, to_fs_path

from socketlens.analysis.rules import Diagnostic
from socketlens.config import Config
from socketlens.extract import ReusableTree
from socketlens.index.builder import IndexBuilder
from socketlens.index.event_index import EventIndex
from socketlens.lsp.positions import TextLines
from socketlens.model import FileFacts
from socketlens.packages import Workspace
from socketlens.workspace import language_of

CONFIG_FILES = frozenset({"socketlens.toml", "pyproject.toml", "package.json"})


@dataclass
class OpenDocument:
    """An editor buffer. Facts are extracted lazily, once per version (`facts_version`)."""

    uri: str
    version: int | None
    text: str
    encoding: str
    rel: str | None = None  # relative to its root, when inside one
    facts: FileFacts | None = None
    facts_version: int | None = -1
    tree: ReusableTree = field(default_factory=ReusableTree)  # the last parse, edited to match the text
    _lines: TextLines | None = None
    _data: bytes | None = None

    @property
    def lines(self) -> TextLines:
        if self._lines is None or self._lines.encoding != self.encoding:
            self._lines = TextLines(self.text, self.encoding)
        return self._lines

    @property
    def data(self) -> bytes:
        if self._data is None:
            self._data = self.text.encode("utf-8", errors="surrogatepass")
        return self._data

    def replace_text(self, text: str, version: int | None) -> None:
        self.text, self.version = text, version
        self._lines, self._data = None, None

    def apply_changes(self, changes: list[Any], text: str, version: int | None) -> None:
        """pygls applied these content changes to give `text`: apply them to the kept syntax tree too, so
        that the next extraction re-parses only what changed. A whole-text change, or any disagreement
        with pygls' result, means a fresh parse."""
        data, lines = self.data, self.lines
        for change in changes:
            if getattr(change, "range", None) is None:
                self.tree.forget()
                break
            if data is not self.data:  # the second change of one notification: positions in the new text
                lines = TextLines(data.decode("utf-8", errors="surrogatepass"), self.encoding)
            start, end = lines.byte_offset(change.range.start), lines.byte_offset(change.range.end)
            new = change.text.encode("utf-8", errors="surrogatepass")
            start_point = lines.point(start)
            if b"\n" in new:
                new_end_point = (start_point[0] + new.count(b"\n"), len(new) - new.rindex(b"\n") - 1)
            else:
                new_end_point = (start_point[0], start_point[1] + len(new))
            self.tree.edit(start, end, start + len(new), start_point, lines.point(end), new_end_point)
            data = data[:start] + new + data[end:]
        self.replace_text(text, version)
        if data != self.data:
            self.tree.forget()

    @property
    def stale(self) -> bool:
        return self.facts_version != self.version or self.facts is None


@dataclass
class RootState:
    """One workspace folder: its configuration, builder and index. Folders never share an index."""

    root: Path
    uri: str
    config: Config
    index: EventIndex
    builder: IndexBuilder | None = None
    ready: bool = False
    generation: int = 0  # bumped on every index change; keys the diagnostics cache
    build_number: int = 0  # the latest build started; older builds' results are dropped
    settings: dict[str, Any] = field(default_factory=dict)
    changed_during_build: set[str] = field(default_factory=set)
    created: set[str] = field(default_factory=set)  # files that appeared after the build
    diagnostics: dict[str, list[Diagnostic]] | None = None
    diagnostics_generation: int = -1
    # One file's diagnostics computed alone (a pulled document's after an edit), for one generation.
    file_diagnostics: dict[str, list[Diagnostic]] = field(default_factory=dict)
    file_diagnostics_generation: int = -1
    published: set[str] = field(default_factory=set)  # files with published (push) diagnostics
    _disk_lines: dict[str, tuple[tuple[int, int], TextLines]] = field(default_factory=dict)

    @property
    def file_count(self) -> int:
        """Source files in the folder, not only those touching sockets: what "indexed" means to a user."""
        return len(self.builder.files) if self.builder is not None else len(self.index.facts)

    @classmethod
    def empty(cls, root: Path, config: Config) -> "RootState":
        index = EventIndex(Workspace(root, []), config, {})
        return cls(root=root, uri=from_fs_path(str(root)) or root.as_uri(), config=config, index=index)

    # -- paths -------------------------------------------------------------------------------------------

    def rel_of(self, uri: str) -> str | None:
        path = to_fs_path(uri)
        if path is None:
            return None
        try:
            rel = Path(os.path.abspath(path)).relative_to(self.root)
        except ValueError:
            return None
        return rel.as_posix() if str(rel) != "." else None

    def uri_of(self, rel: str) -> str:
        return from_fs_path(str(self.root / rel)) or (self.root / rel).as_uri()

    def indexable(self, rel: str) -> bool:
        """Whether a file belongs in the index: a known source file, or a new one that is not ignored."""
        if self.builder is not None and rel in self.builder.files:
            return True
        if rel in self.created:
            return True
        parts = rel.split("/")
        return language_of(rel) is not None and "node_modules" not in parts and not any(p.startswith(".") for p in parts)

    # -- text of files not open ---------------------------------------------------------------------------

    def disk_lines(self, rel: str, encoding: str) -> TextLines | None:
        path = self.root / rel
        try:
            stat = path.stat()
        except OSError:
            return None
        key = (stat.st_mtime_ns, stat.st_size)
        cached = self._disk_lines.get(rel)
        if cached is not None and cached[0] == key and cached[1].encoding == encoding:
            return cached[1]
        try:
            text = path.read_bytes().decode("utf-8", errors="replace")
        except OSError:
            return None
        lines = TextLines(text, encoding)
        if len(self._disk_lines) > 512:
            self._disk_lines.clear()
        self._disk_lines[rel] = (key, lines)
        return lines

    def forget_disk_text(self, rel: str) -> None:
        self._disk_lines.pop(rel, None)

    def read_disk(self, rel: str) -> bytes | None:
        try:
            return (self.root / rel).read_bytes()
        except OSError:
            return None

    def changed(self) -> None:
        self.generation += 1
