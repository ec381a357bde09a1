"""The socketlens language server (pygls 2.x): protocol ↔ `analysis.navigate` and the rules.

Threading: every handler and task runs on the event loop thread, so the index is only ever touched there.
Indexing a folder runs `IndexBuilder.build` in a worker thread on a fresh builder; the loop swaps the result
in. Requests during indexing answer from the index so far (open documents only, at first). Features that
answer from in-memory maps in milliseconds are plain `def` handlers; anything that waits on the client is
`async`.

Cancellation: pygls can only cancel a coroutine handler (`$/cancelRequest` cancels its task, which then
answers RequestCancelled, -32800). So the requests that can be long on a big repository (pull diagnostics,
references, rename, workspace symbols, code lens, code actions) are `async def` and pass through
`checkpoint()` before any work and every `CHUNK` sites/files during it. Diagnostics are computed one rule
per step (`diagnostics_async`), the partial result kept per folder generation, so a cancelled request
loses nothing that a later one would have to redo.

Logs go to stderr and, from warnings up, to `window/logMessage`; stdout carries the protocol only.
"""

from __future__ import annotations

import asyncio
import functools
import gc
import inspect
import itertools
import logging
import os
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any, Awaitable, Callable

from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcException
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from socketlens import __version__
from socketlens.analysis import navigate as nav
from socketlens.analysis.rules import Diagnostic, Rule, RuleContext, Severity, all_rules, run_rules
from socketlens.config import Config, load_config
from socketlens.extract import SFC_LANGUAGES
from socketlens.extract.sfc import blanked, script_block_at
from socketlens.index.builder import IndexBuilder
from socketlens.lsp import scaffold_feature
from socketlens.lsp.positions import UTF16, TextLines
from socketlens.lsp.state import CONFIG_FILES, OpenDocument, RootState
from socketlens.model import Emit, Side, Span
from socketlens.workspace import language_of

log = logging.getLogger("socketlens.lsp")

STATUS_NOTIFICATION = "socketlens/status"
SETTINGS_SECTION = "socketlens"
DIAGNOSTIC_DELAY = 0.15  # seconds of quiet after an edit before the rules run again
REQUEST_FAILED = -32803  # LSP RequestFailed: a refusal the client shows to the user
WATCHED_GLOB = "**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs,vue,svelte,py}"
CONFIG_GLOB = "**/{socketlens.toml,pyproject.toml,package.json,tsconfig*.json}"
RULE_DOCS_URL = "https://github.com/socketlens/socketlens/blob/main/docs/rules/{code}.md"
CHUNK = 64  # sites or files handled between two await points of a long request
# Set to "1" to get the test-only hooks: the `socketlens/test/gate` notification and `socketlens/test/stats`
# request (see `register_test_hooks`). Never set by editors.
TEST_HOOKS_ENV = "SOCKETLENS_TEST_HOOKS"

SEVERITIES = {
    Severity.ERROR: lsp.DiagnosticSeverity.Error,
    Severity.WARNING: lsp.DiagnosticSeverity.Warning,
    Severity.INFO: lsp.DiagnosticSeverity.Information,
    Severity.HINT: lsp.DiagnosticSeverity.Hint,
}

# A provider returns its actions, or an awaitable of them (then it can await `server.checkpoint()`).
CodeActionProvider = Callable[[lsp.CodeActionParams], "list[lsp.CodeAction | lsp.Command] | Awaitable[list]"]


@dataclass
class RulesProgress:
    """The rules' run over one generation of a folder's index, one rule per step, so that it can stop at
    any step (a cancelled request) and the next request resumes it. A run may want one file's diagnostics
    alone (see `RuleContext.only_file`): `_rules_progress` keys each run by that file."""

    state: RootState
    generation: int
    pending: list[Rule]  # still to run, in the engine's order
    done: list[Diagnostic] = field(default_factory=list)  # each finished rule's sorted results, in order

    @property
    def finished(self) -> bool:
        return not self.pending

    def result(self) -> dict[str, list[Diagnostic]]:
        # `run_rules` sorts everything by this key, stably over rules in order: the per-rule lists
        # concatenated in the same order and sorted again give the very same list.
        ordered = sorted(self.done, key=lambda d: (d.file, d.span.start_line, d.span.start_col, d.code))
        found: dict[str, list[Diagnostic]] = {}
        for diagnostic in ordered:
            found.setdefault(diagnostic.file, []).append(diagnostic)
        return found


class StepGate:
    """Test hook: how many more `checkpoint()`s may pass (None: no limit). Makes "the cancel arrived before
    the work" deterministic without timing: hold the gate, send the request and its cancel, release."""

    def __init__(self) -> None:
        self.budget: int | None = None
        self._changed = asyncio.Event()

    def set(self, budget: int | None) -> None:
        self.budget = budget
        self._changed.set()
        self._changed = asyncio.Event()

    async def passage(self) -> None:
        while self.budget is not None and self.budget <= 0:
            await self._changed.wait()
        if self.budget is not None:
            self.budget -= 1


@functools.cache
def rule_docs_href(code: str) -> str:
    """The rule's documentation: the repository's `docs/rules/<code>.md` when installed from a checkout,
    otherwise the same page online."""
    local = Path(__file__).resolve().parents[3] / "docs" / "rules" / f"{code}.md"
    if local.is_file():
        return local.as_uri()
    return RULE_DOCS_URL.format(code=code)


class SocketlensServer(LanguageServer):
    """The language server object, and the extension points for other features (e.g. the scaffold).

    - `root_for(uri) -> RootState | None`: the workspace folder of a document. A `RootState` has
      `.root` (Path), `.config` (`Config`), `.index` (`EventIndex`, current snapshot), `.rel_of(uri)`,
      `.uri_of(rel)`.
    - `index_for(uri)`, `config_for(uri)`, `root_path_for(uri)`: shortcuts; None outside every folder.
    - `document_text(uri) -> str | None`: the open buffer's text, else the file on disk.
    - `span_to_range(uri, span) -> Range` and `range_to_span(uri, range) -> Span`: conversions in the
      negotiated position encoding, against the open buffer or the file on disk.
    - `code_action_providers`: append `Callable[[CodeActionParams], list[CodeAction | Command]]` (or an
      awaitable of that list: then await `checkpoint()` between chunks of long work, so that a cancelled
      request stops); the `textDocument/codeAction` handler concatenates every provider's answer (one
      failing is logged and skipped).
    - `checkpoint()`: the await point of long requests, where a `$/cancelRequest` takes effect.
    - `diagnostics_of(state)` / `await diagnostics_async(state)`: the rules' diagnostics per file, blocking
      or one rule per await point (cancellable).
    - `refresh(uri)`: re-run diagnostics after a feature changed something.
    - Also used as-is: `roots` (list of `RootState`), `documents` (uri → `OpenDocument` with `.text`,
      `.version`, `.rel`, `.lines`), `lines_for(uri) -> TextLines` (byte ↔ position conversions), and
      `sync(state)` (apply pending buffer edits to the index before reading it).
    """

    def __init__(self) -> None:
        super().__init__("socketlens", __version__)
        self.roots: list[RootState] = []
        self._roots_of_cache: tuple[RootState, ...] = ()  # the folders `_root_of_uri` was computed for
        self._root_of_uri: dict[str, RootState | None] = {}
        self.documents: dict[str, OpenDocument] = {}
        self.init_settings: dict[str, Any] = {}
        self.code_action_providers: list[CodeActionProvider] = [self._quick_fixes]
        self._diagnostic_tasks: dict[str, asyncio.Task] = {}
        self._tokens = itertools.count(1)
        self._background: set[asyncio.Task] = set()
        self.event_loop: asyncio.AbstractEventLoop | None = None  # set at initialize; for other threads
        # (id(RootState), the one file wanted or None for all) -> the run in progress
        self._rules_progress: dict[tuple[int, str | None], RulesProgress] = {}
        # Observable work, for tests (read through `socketlens/test/stats`): rule checks run since start.
        self.rule_runs = 0
        self.test_gate: StepGate | None = None  # only with SOCKETLENS_TEST_HOOKS=1

    async def checkpoint(self) -> None:
        """An await point of a long request: where `$/cancelRequest` (a cancelled task) takes effect."""
        await asyncio.sleep(0)
        if self.test_gate is not None:
            await self.test_gate.passage()

    # -- extension points ---------------------------------------------------------------------------------

    @property
    def encoding(self) -> str:
        encoding = None
        try:
            encoding = self.workspace.position_encoding
        except RuntimeError:  # before initialize
            pass
        return str(getattr(encoding, "value", encoding) or UTF16)

    def root_for(self, uri: str) -> RootState | None:
        """The innermost workspace folder holding `uri`. Remembered per URI while the folders stay the
        same: it is asked for every open document on every step of a diagnostics run."""
        roots = self._roots_of_cache
        if len(roots) != len(self.roots) or any(a is not b for a, b in zip(roots, self.roots)):
            self._roots_of_cache, self._root_of_uri = tuple(self.roots), {}
        if uri in self._root_of_uri:
            return self._root_of_uri[uri]
        best = None
        for state in self.roots:
            if state.rel_of(uri) is not None and (best is None or len(str(state.root)) > len(str(best.root))):
                best = state
        self._root_of_uri[uri] = best
        return best

    def index_for(self, uri: str):
        state = self.root_for(uri)
        if state is None:
            return None
        self.sync(state)
        return state.index

    def config_for(self, uri: str) -> Config | None:
        state = self.root_for(uri)
        return state.config if state is not None else None

    def root_path_for(self, uri: str) -> Path | None:
        state = self.root_for(uri)
        return state.root if state is not None else None

    def document_text(self, uri: str) -> str | None:
        document = self.documents.get(uri)
        if document is not None:
            return document.text
        path = to_fs_path(uri)
        try:
            return Path(path).read_bytes().decode("utf-8", errors="replace") if path else None
        except OSError:
            return None

    def lines_for(self, uri: str) -> TextLines | None:
        document = self.documents.get(uri)
        if document is not None:
            document.encoding = self.encoding
            return document.lines
        state = self.root_for(uri)
        if state is not None:
            rel = state.rel_of(uri)
            return state.disk_lines(rel, self.encoding) if rel else None
        text = self.document_text(uri)
        return TextLines(text, self.encoding) if text is not None else None

    def span_to_range(self, uri: str, span: Span) -> lsp.Range:
        lines = self.lines_for(uri)
        if lines is None:  # no text: trust the code-point columns
            return lsp.Range(
                lsp.Position(span.start_line, span.start_col), lsp.Position(span.end_line, span.end_col)
            )
        return lines.range(span)

    def range_to_span(self, uri: str, range_: lsp.Range) -> Span:
        lines = self.lines_for(uri) or TextLines("", self.encoding)
        return lines.span(range_.start, range_.end)

    def refresh(self, uri: str | None = None) -> None:
        for state in self.roots if uri is None else [s for s in [self.root_for(uri)] if s]:
            self.schedule_diagnostics(state)

    # -- roots, documents, index ----------------------------------------------------------------------------

    def location(self, state: RootState, file: str, span: Span) -> lsp.Location:
        uri = state.uri_of(file)
        return lsp.Location(uri=uri, range=self.span_to_range(uri, span))

    def settings_for(self, state: RootState) -> Config:
        config, problems = load_config(state.root)
        for overrides in (self.init_settings, state.settings):
            if overrides:
                config, more = config.merged(overrides)
                problems += more
        for problem in problems:
            log.warning("config: %s: %s", state.root, problem)
        return config

    def sync(self, state: RootState) -> None:
        """Bring the index up to date with the open buffers of this folder (extraction is lazy)."""
        for document in self.documents.values():
            if not document.stale or document.rel is None or self.root_for(document.uri) is not state:
                continue
            if not state.indexable(document.rel):
                continue
            builder = state.builder or IndexBuilder(state.root, state.config, use_cache=False)
            document.facts = builder.extract_source(document.rel, document.data, document.tree)
            document.facts_version = document.version
            self._update_index(state, document.facts)
            state.changed()

    def _update_index(self, state: RootState, facts) -> None:
        """Swap one file's facts; when its generics name event maps differently (`new Server<Up, Down>()`),
        re-extract the files declaring those maps so that their members get the learned directions."""
        old = state.index.facts.get(facts.path)
        state.index.update(facts)
        if state.builder is None or (old.map_roles if old is not None else ()) == facts.map_roles:
            return
        for rel in state.builder.refresh_learned_maps(state.index):
            for document in self.documents.values():
                if document.rel == rel and self.root_for(document.uri) is state:
                    document.facts_version = -1  # the buffer, not the disk, is the truth: re-extract it

    def target(self, uri: str, position: lsp.Position) -> tuple[RootState, nav.Target] | None:
        state = self.root_for(uri)
        if state is None:
            return None
        self.sync(state)
        rel = state.rel_of(uri)
        lines = self.lines_for(uri)
        if rel is None or lines is None:
            return None
        found = nav.target_at(state.index, rel, lines.byte_offset(position))
        return (state, found) if found is not None else None

    def status(self, state: RootState) -> None:
        index = state.index
        self.protocol.notify(
            STATUS_NOTIFICATION,
            {
                "state": "ready" if state.ready else "indexing",
                "events": len(index.events),
                "files": state.file_count,
                "root": state.uri,
            },
        )

    def spawn(self, coroutine) -> asyncio.Task:
        task = asyncio.ensure_future(coroutine)
        self._background.add(task)
        task.add_done_callback(self._background.discard)
        task.add_done_callback(_log_task_failure)
        return task

    async def index_root(self, state: RootState) -> None:
        """(Re)build a folder's index in a worker thread, with work-done progress when the client has it."""
        state.build_number += 1
        number = state.build_number
        state.ready = False
        state.changed_during_build.clear()
        self.status(state)
        token = None
        if _capability(self.client_capabilities, "window", "work_done_progress"):
            token = f"socketlens-index-{next(self._tokens)}"
            try:
                await self.work_done_progress.create_async(token)
                self.work_done_progress.begin(
                    token,
                    lsp.WorkDoneProgressBegin(
                        title="socketlens: indexing", message=state.root.name, percentage=0, cancellable=False
                    ),
                )
            except Exception as error:  # noqa: BLE001 - progress is optional
                log.warning("work-done progress unavailable: %s", error)
                token = None
        loop = asyncio.get_running_loop()

        def progress(done: int, total: int) -> None:
            if token is not None:
                percentage = int(100 * done / max(total, 1))
                message = f"{done}/{total} files"
                loop.call_soon_threadsafe(
                    self.work_done_progress.report,
                    token,
                    lsp.WorkDoneProgressReport(message=message, percentage=percentage),
                )

        builder = IndexBuilder(state.root, state.config)
        first = [d.rel for d in self.documents.values() if d.rel and self.root_for(d.uri) is state]
        try:
            index = await loop.run_in_executor(None, lambda: builder.build(progress, first=first))
        except Exception:
            log.exception("indexing %s failed", state.root)
            if token is not None:
                self.work_done_progress.end(token, lsp.WorkDoneProgressEnd(message="failed"))
            return
        if number != state.build_number or state not in self.roots:
            return  # a newer build (or a removed folder) superseded this one
        state.builder, state.index = builder, index
        state.created.clear()
        for document in self.documents.values():
            if self.root_for(document.uri) is state:
                document.facts_version = -1  # re-apply buffers over the disk's facts
        for rel in sorted(state.changed_during_build):
            self._reload_from_disk(state, rel)
        state.changed_during_build.clear()
        self.sync(state)
        _settle_long_lived_objects()
        state.ready = True
        state.changed()
        summary = f"{len(index.events)} events in {state.file_count} files"
        if token is not None:
            self.work_done_progress.end(token, lsp.WorkDoneProgressEnd(message=summary))
        log.info("indexed %s: %s", state.root, summary)
        self.status(state)
        await self.publish_diagnostics(state)
        if self.pull_diagnostics and _capability(self.client_capabilities, "workspace", "diagnostics", "refresh_support"):
            try:
                await self.workspace_diagnostic_refresh_async(None)
            except Exception as error:  # noqa: BLE001
                log.debug("diagnostic refresh not honoured: %s", error)

    def _reload_from_disk(self, state: RootState, rel: str) -> None:
        """A file changed on disk (and is not open): re-extract it, or drop it when gone."""
        state.forget_disk_text(rel)
        data = state.read_disk(rel)
        state.index.workspace.file_changed(rel, exists=data is not None)
        if data is None or language_of(rel) is None:
            state.created.discard(rel)
            state.index.remove(rel)
        else:
            if state.builder is not None and rel not in state.builder.files:
                state.created.add(rel)
            builder = state.builder or IndexBuilder(state.root, state.config, use_cache=False)
            self._update_index(state, builder.extract_source(rel, data))
        state.changed()

    # -- diagnostics ------------------------------------------------------------------------------------------

    @property
    def pull_diagnostics(self) -> bool:
        return _capability(self.client_capabilities, "text_document", "diagnostic") is not None

    def diagnostics_of(self, state: RootState) -> dict[str, list[Diagnostic]]:
        """The rules' diagnostics of the folder, per file, computed now if needed (blocking)."""
        self.sync(state)
        while not self._cached(state):
            self._run_next_rule(state)
        return state.diagnostics or {}

    async def diagnostics_async(self, state: RootState) -> dict[str, list[Diagnostic]]:
        """`diagnostics_of` one rule per step, with an await point before each: cancellable. Buffers are
        synced at each step, so the result always matches the buffers as they are when it returns."""
        while True:
            await self.checkpoint()
            self.sync(state)
            if self._cached(state):
                return state.diagnostics or {}
            self._run_next_rule(state)

    async def file_diagnostics_async(self, state: RootState, rel: str) -> list[Diagnostic]:
        """The diagnostics of one file (a pulled document's), cancellable like `diagnostics_async`: the
        folder's when current, else the rules run for this file alone, which after an edit skips the
        work of every other file's diagnostics (the folder's follow when asked for)."""
        while True:
            await self.checkpoint()
            self.sync(state)
            if self._cached(state):
                return (state.diagnostics or {}).get(rel, [])
            if state.file_diagnostics_generation == state.generation and rel in state.file_diagnostics:
                return state.file_diagnostics[rel]
            self._run_next_rule(state, only_file=rel)

    def _cached(self, state: RootState) -> bool:
        return state.diagnostics is not None and state.diagnostics_generation == state.generation

    def _run_next_rule(self, state: RootState, only_file: str | None = None) -> None:
        """One step of the current generation's rules run (for every file, or `only_file`); the last step
        fills the diagnostics cache."""
        key = (id(state), only_file)
        progress = self._rules_progress.get(key)
        if progress is None or progress.state is not state or progress.generation != state.generation:
            config = state.config
            enabled = [r for r in all_rules() if config.severity(r.code, r.default_severity.value) != "off"]
            progress = RulesProgress(state, state.generation, enabled)
            for old_key, old in list(self._rules_progress.items()):  # runs over an older generation: moot
                if old.state is state and old.generation != state.generation:
                    del self._rules_progress[old_key]
            self._rules_progress[key] = progress
        if progress.pending:
            current = progress.pending[0]
            self.rule_runs += 1
            try:
                progress.done.extend(run_rules(self._context_for_rule(state, current.code, only_file)))
            except Exception:
                log.exception("rule %s failed", current.code)
            progress.pending.pop(0)
        if not progress.finished:
            return
        del self._rules_progress[key]
        if only_file is None:
            state.diagnostics, state.diagnostics_generation = progress.result(), progress.generation
            return
        if state.file_diagnostics_generation != progress.generation:
            state.file_diagnostics, state.file_diagnostics_generation = {}, progress.generation
        state.file_diagnostics[only_file] = progress.result().get(only_file, [])

    def _context_for_rule(self, state: RootState, code: str, only_file: str | None = None) -> RuleContext:
        """The engine (`run_rules`: severities, suppressions, order) with every rule but `code` off."""
        severities = {r.code: "off" for r in all_rules() if r.code != code}
        config = replace(state.config, severities=MappingProxyType({**state.config.severities, **severities}))

        def read_text(rel: str) -> str | None:
            return self.document_text(state.uri_of(rel))

        return RuleContext(index=state.index, config=config, read_text=read_text, only_file=only_file)

    def lsp_diagnostic(self, state: RootState, diagnostic: Diagnostic) -> lsp.Diagnostic:
        uri = state.uri_of(diagnostic.file)
        related = [
            lsp.DiagnosticRelatedInformation(location=self.location(state, file, span), message=message)
            for file, span, message in diagnostic.related
        ]
        return lsp.Diagnostic(
            range=self.span_to_range(uri, diagnostic.span),
            message=diagnostic.message,
            severity=SEVERITIES.get(diagnostic.severity, lsp.DiagnosticSeverity.Warning),
            code=diagnostic.code,
            code_description=lsp.CodeDescription(href=rule_docs_href(diagnostic.code)),
            source="socketlens",
            related_information=related or None,
        )

    def schedule_diagnostics(self, state: RootState, delay: float = DIAGNOSTIC_DELAY) -> None:
        """Debounced: a newer change cancels the pending run (during the delay or while the rules run), so
        the diagnostics of a version that has since changed are never published."""
        pending = self._diagnostic_tasks.get(state.uri)
        if pending is not None and not pending.done():
            pending.cancel()

        async def later() -> None:
            await asyncio.sleep(delay)
            await self.publish_diagnostics(state)

        self._diagnostic_tasks[state.uri] = self.spawn(later())

    async def publish_diagnostics(self, state: RootState) -> None:
        if self.pull_diagnostics:
            if _capability(self.client_capabilities, "workspace", "diagnostics", "refresh_support"):
                try:
                    # Shielded: cancelling a task that awaits the client's reply to a refresh request breaks
                    # pygls' handling of that reply.
                    await asyncio.shield(self.workspace_diagnostic_refresh_async(None))
                except Exception as error:  # noqa: BLE001
                    log.debug("diagnostic refresh failed: %s", error)
            return
        found = await self.diagnostics_async(state)
        # No await from here on: the buffers are those `diagnostics_async` synced last, so every version
        # sent is the version the diagnostics were computed from.
        for rel in sorted(set(found) | state.published):
            uri = state.uri_of(rel)
            document = self.documents.get(uri)
            self.text_document_publish_diagnostics(
                lsp.PublishDiagnosticsParams(
                    uri=uri,
                    diagnostics=[self.lsp_diagnostic(state, d) for d in found.get(rel, [])],
                    version=document.version if document is not None else None,
                )
            )
        state.published = set(found)

    # -- code actions -------------------------------------------------------------------------------------------

    def _quick_fixes(self, params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
        only = params.context.only
        if only and not any(str(kind).startswith("quickfix") for kind in only):
            return []
        state = self.root_for(params.text_document.uri)
        if state is None:
            return []
        rel = state.rel_of(params.text_document.uri)
        uri = params.text_document.uri
        ours = self.diagnostics_of(state).get(rel, [])
        actions: list[lsp.CodeAction] = []
        for sent in params.context.diagnostics:
            if sent.source != "socketlens":
                continue
            for diagnostic in ours:
                if diagnostic.code != sent.code or self.span_to_range(uri, diagnostic.span) != sent.range:
                    continue
                for fix in diagnostic.fixes:
                    changes: dict[str, list[lsp.TextEdit]] = {}
                    for edit in fix.edits:
                        edit_uri = state.uri_of(edit.file)
                        changes.setdefault(edit_uri, []).append(
                            lsp.TextEdit(range=self.span_to_range(edit_uri, edit.span), new_text=edit.new_text)
                        )
                    actions.append(
                        lsp.CodeAction(
                            title=fix.title,
                            kind=lsp.CodeActionKind.QuickFix,
                            diagnostics=[sent],
                            is_preferred=fix.preferred or None,
                            edit=lsp.WorkspaceEdit(changes=changes),
                        )
                    )
        return actions


def _capability(capabilities: Any, *path: str) -> Any:
    value = capabilities
    for name in path:
        value = getattr(value, name, None)
        if value is None:
            return None
    return value


def _log_task_failure(task: asyncio.Task) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("background task failed", exc_info=task.exception())


def _settings_section(value: Any) -> dict[str, Any]:
    """initializationOptions / didChangeConfiguration settings: `{socketlens: {...}}` or the section itself."""
    if not isinstance(value, dict):
        return {}
    inner = value.get(SETTINGS_SECTION)
    if isinstance(inner, dict):
        return inner
    return value


class _ClientLogHandler(logging.Handler):
    """Forwards warnings and errors to the client's log (window/logMessage), from any thread."""

    def __init__(self, server: SocketlensServer):
        super().__init__(logging.WARNING)
        self.server = server

    def emit(self, record: logging.LogRecord) -> None:
        try:
            loop = self.server.event_loop
            if loop is None or loop.is_closed():
                return
            message = self.format(record)
            kind = lsp.MessageType.Error if record.levelno >= logging.ERROR else lsp.MessageType.Warning
            params = lsp.LogMessageParams(type=kind, message=message)
            loop.call_soon_threadsafe(self.server.window_log_message, params)
        except Exception:  # noqa: BLE001 - logging must never raise
            pass


# ---------------------------------------------------------------------------------------------------------
# Handlers


def create_server() -> SocketlensServer:
    server = SocketlensServer()

    @server.feature(lsp.INITIALIZE)
    def initialize(ls: SocketlensServer, params: lsp.InitializeParams) -> None:
        ls.event_loop = asyncio.get_running_loop()
        ls.init_settings = _settings_section(params.initialization_options)
        folders = [f.uri for f in params.workspace_folders or []]
        if not folders and params.root_uri:
            folders = [params.root_uri]
        elif not folders and params.root_path:
            folders = [from_fs_path(params.root_path)]
        for uri in folders:
            path = to_fs_path(uri)
            if path is None or not Path(path).is_dir():
                log.warning("workspace folder %s is not a directory; skipped", uri)
                continue
            root = Path(path).resolve()
            state = RootState.empty(root, Config())
            state.uri = uri
            state.config = ls.settings_for(state)
            state.index.config = state.config
            ls.roots.append(state)

    @server.feature(lsp.INITIALIZED)
    async def initialized(ls: SocketlensServer, params: lsp.InitializedParams) -> None:
        if _capability(ls.client_capabilities, "workspace", "did_change_watched_files", "dynamic_registration"):
            watchers = [lsp.FileSystemWatcher(glob_pattern=WATCHED_GLOB), lsp.FileSystemWatcher(glob_pattern=CONFIG_GLOB)]
            registration = lsp.Registration(
                id="socketlens-watched-files",
                method=lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                register_options=lsp.DidChangeWatchedFilesRegistrationOptions(watchers=watchers),
            )
            try:
                await ls.client_register_capability_async(lsp.RegistrationParams(registrations=[registration]))
            except Exception as error:  # noqa: BLE001
                log.warning("could not register file watching: %s", error)
        await fetch_settings(ls)
        for state in ls.roots:
            ls.spawn(ls.index_root(state))

    async def fetch_settings(ls: SocketlensServer) -> bool:
        """Ask the client for the `socketlens` section of each folder; True when a folder's config changed."""
        if not _capability(ls.client_capabilities, "workspace", "configuration") or not ls.roots:
            return False
        try:
            items = [lsp.ConfigurationItem(scope_uri=s.uri, section=SETTINGS_SECTION) for s in ls.roots]
            answers = await ls.workspace_configuration_async(lsp.ConfigurationParams(items=items))
        except Exception as error:  # noqa: BLE001
            log.warning("workspace/configuration failed: %s", error)
            return False
        changed = False
        for state, answer in zip(ls.roots, answers or []):
            state.settings = _settings_section(answer) if isinstance(answer, dict) else {}
            changed |= apply_config(ls, state)
        return changed

    def apply_config(ls: SocketlensServer, state: RootState) -> bool:
        """Recompute a folder's config; True when the index must be rebuilt."""
        config = ls.settings_for(state)
        if config == state.config:
            return False
        rebuild = _without_severities(config) != _without_severities(state.config)
        state.config = config
        state.index.config = config
        state.changed()
        return rebuild

    @server.feature(lsp.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def did_change_configuration(ls: SocketlensServer, params: lsp.DidChangeConfigurationParams) -> None:
        if _capability(ls.client_capabilities, "workspace", "configuration"):
            await fetch_settings_and_rebuild(ls)
            return
        ls.init_settings = _settings_section(params.settings) or ls.init_settings
        for state in ls.roots:
            if apply_config(ls, state):
                ls.spawn(ls.index_root(state))
            else:
                ls.schedule_diagnostics(state, 0)

    async def fetch_settings_and_rebuild(ls: SocketlensServer) -> None:
        before = {s.uri: s.config for s in ls.roots}
        await fetch_settings(ls)
        for state in ls.roots:
            old = before.get(state.uri)
            if old is not None and _without_severities(old) != _without_severities(state.config):
                ls.spawn(ls.index_root(state))
            else:
                ls.schedule_diagnostics(state, 0)

    @server.feature(lsp.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)
    def did_change_folders(ls: SocketlensServer, params: lsp.DidChangeWorkspaceFoldersParams) -> None:
        removed = {f.uri for f in params.event.removed}
        ls.roots = [s for s in ls.roots if s.uri not in removed]
        for folder in params.event.added:
            path = to_fs_path(folder.uri)
            if path and Path(path).is_dir():
                state = RootState.empty(Path(path).resolve(), Config())
                state.uri = folder.uri
                state.config = ls.settings_for(state)
                ls.roots.append(state)
                ls.spawn(ls.index_root(state))

    # -- documents ---------------------------------------------------------------------------------------------

    @server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: SocketlensServer, params: lsp.DidOpenTextDocumentParams) -> None:
        item = params.text_document
        state = ls.root_for(item.uri)
        ls.documents[item.uri] = OpenDocument(
            item.uri, item.version, item.text, ls.encoding, rel=state.rel_of(item.uri) if state else None
        )
        if state is not None:
            ls.schedule_diagnostics(state, 0)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: SocketlensServer, params: lsp.DidChangeTextDocumentParams) -> None:
        uri = params.text_document.uri
        document = ls.documents.get(uri)
        if document is None:
            return
        # pygls has applied the (incremental) changes to its copy; take the result.
        text = ls.workspace.get_text_document(uri).source
        document.apply_changes(params.content_changes, text, params.text_document.version)
        state = ls.root_for(uri)
        if state is not None:
            ls.schedule_diagnostics(state)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: SocketlensServer, params: lsp.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        document = ls.documents.pop(uri, None)
        state = ls.root_for(uri)
        if document is None or state is None or document.rel is None:
            return
        if state.indexable(document.rel) or document.rel in state.index.facts:
            ls._reload_from_disk(state, document.rel)  # back to what the disk says
        ls.schedule_diagnostics(state, 0)

    @server.feature(lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    async def did_change_watched_files(ls: SocketlensServer, params: lsp.DidChangeWatchedFilesParams) -> None:
        touched: set[int] = set()
        config_changed = False
        for change in params.changes:
            state = ls.root_for(change.uri)
            if state is None:
                continue
            rel = state.rel_of(change.uri)
            if rel is None:
                continue
            if rel in CONFIG_FILES or rel.rsplit("/", 1)[-1].startswith("tsconfig"):
                config_changed = True
                continue
            if change.uri in ls.documents and change.type != lsp.FileChangeType.Deleted:
                continue  # the open buffer wins over the disk
            if not state.indexable(rel) and rel not in state.index.facts:
                continue
            if not state.ready:
                state.changed_during_build.add(rel)
            ls._reload_from_disk(state, rel)
            touched.add(id(state))
        if config_changed:  # a config file or tsconfig: reload the config once, and rebuild
            if not await fetch_settings(ls):  # it applies each folder's config when the client answers
                for state in ls.roots:
                    apply_config(ls, state)
            for state in ls.roots:
                ls.spawn(ls.index_root(state))
            return
        for state in ls.roots:
            if id(state) in touched:
                ls.schedule_diagnostics(state)

    # -- navigation ----------------------------------------------------------------------------------------------

    def locations_at(ls: SocketlensServer, params, find) -> list[lsp.Location] | None:
        """The locations `find(index, target)` gives for the event under the cursor."""
        found = ls.target(params.text_document.uri, params.position)
        if found is None:
            return None
        state, target = found
        return [ls.location(state, loc.file, loc.span) for loc in find(state.index, target)]

    @server.feature(lsp.TEXT_DOCUMENT_DEFINITION)
    def definition(ls: SocketlensServer, params: lsp.DefinitionParams) -> list[lsp.Location] | None:
        return locations_at(ls, params, nav.definitions)

    @server.feature(lsp.TEXT_DOCUMENT_DECLARATION)
    def declaration(ls: SocketlensServer, params: lsp.DeclarationParams) -> list[lsp.Location] | None:
        return locations_at(ls, params, nav.declarations)

    @server.feature(lsp.TEXT_DOCUMENT_REFERENCES)
    async def references(ls: SocketlensServer, params: lsp.ReferenceParams) -> list[lsp.Location] | None:
        await ls.checkpoint()
        found = ls.target(params.text_document.uri, params.position)
        if found is None:
            return None
        state, target = found
        include = params.context.include_declaration if params.context is not None else True
        out = []
        for number, loc in enumerate(nav.references(state.index, target, include), 1):
            out.append(ls.location(state, loc.file, loc.span))
            if number % CHUNK == 0:
                await ls.checkpoint()
        return out

    @server.feature(lsp.TEXT_DOCUMENT_HOVER)
    def hover(ls: SocketlensServer, params: lsp.HoverParams) -> lsp.Hover | None:
        found = ls.target(params.text_document.uri, params.position)
        if found is None:
            return None
        state, target = found

        def link(file: str, span: Span) -> str:
            return f"{state.uri_of(file)}#L{span.start_line + 1}"

        text = nav.hover_markdown(state.index, target, link)
        if text is None:
            return None
        return lsp.Hover(
            contents=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=text),
            range=ls.span_to_range(params.text_document.uri, target.span),
        )

    @server.feature(
        lsp.TEXT_DOCUMENT_COMPLETION, lsp.CompletionOptions(trigger_characters=['"', "'", "`", "("])
    )
    def completion(ls: SocketlensServer, params: lsp.CompletionParams) -> lsp.CompletionList | None:
        uri = params.text_document.uri
        state = ls.root_for(uri)
        document = ls.documents.get(uri)
        if state is None or document is None or document.rel is None:
            return None
        if _grammar(document.rel) is None:
            return None
        ls.sync(state)
        document.encoding = ls.encoding
        offset = document.lines.byte_offset(params.position)
        parsed = _completion_source(document.rel, document.data, offset)
        if parsed is None:
            return None
        source, grammar = parsed
        forwarders = {
            forwarder.function: (forwarder.param_index, "emit" if isinstance(forwarder.inner, Emit) else "listen")
            for facts in state.index.facts.values()
            for forwarder in facts.forwarders
        }
        context = nav.completion_context(
            source, grammar, offset, state.config.hooks, forwarders, _file_side(state, document.rel)
        )
        if context is None:
            return None
        project = state.index.workspace.project_of(document.rel)
        if context.kind == nav.ROOM:
            choices = nav.room_completions(state.config, context)
        else:
            choices = nav.event_completions(state.index, context, project)
        replace = lsp.Range(
            start=document.lines.position_at_byte(context.replace_start),
            end=document.lines.position_at_byte(context.replace_end),
        )
        items = []
        for number, choice in enumerate(choices):
            items.append(
                lsp.CompletionItem(
                    label=choice.label,
                    kind=lsp.CompletionItemKind.Event if choice.kind == nav.EVENT else lsp.CompletionItemKind.Value,
                    detail=choice.detail,
                    documentation=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=choice.documentation)
                    if choice.documentation
                    else None,
                    text_edit=lsp.TextEdit(range=replace, new_text=choice.insert_text),
                    filter_text=choice.insert_text,
                    sort_text=f"{number:04d}",
                )
            )
        return lsp.CompletionList(is_incomplete=False, items=items)

    @server.feature(lsp.TEXT_DOCUMENT_PREPARE_RENAME)
    def prepare_rename(ls: SocketlensServer, params: lsp.PrepareRenameParams):
        found = ls.target(params.text_document.uri, params.position)
        if found is None:
            return None
        state, target = found
        try:
            span, placeholder = nav.rename_range(state.index, target)
        except nav.RenameRefused as refusal:
            raise JsonRpcException(str(refusal), code=REQUEST_FAILED) from None
        if span.start_line != target.span.start_line and target.role != nav.LITERAL:
            span = target.span
        uri = params.text_document.uri
        return lsp.PrepareRenamePlaceholder(range=ls.span_to_range(uri, span), placeholder=placeholder)

    @server.feature(lsp.TEXT_DOCUMENT_RENAME)
    async def rename(ls: SocketlensServer, params: lsp.RenameParams) -> lsp.WorkspaceEdit | None:
        await ls.checkpoint()
        found = ls.target(params.text_document.uri, params.position)
        if found is None:
            return None
        state, target = found
        try:
            edits = nav.rename_plan(state.index, target, params.new_name)
        except nav.RenameRefused as refusal:
            raise JsonRpcException(str(refusal), code=REQUEST_FAILED) from None
        changes: dict[str, list[lsp.TextEdit]] = {}
        for number, edit in enumerate(edits, 1):
            uri = state.uri_of(edit.file)
            changes.setdefault(uri, []).append(lsp.TextEdit(range=ls.span_to_range(uri, edit.span), new_text=edit.new_text))
            if number % CHUNK == 0:
                await ls.checkpoint()
        return lsp.WorkspaceEdit(changes=changes)

    # -- symbols and lenses ---------------------------------------------------------------------------------------

    @server.feature(lsp.WORKSPACE_SYMBOL)
    async def workspace_symbol(ls: SocketlensServer, params: lsp.WorkspaceSymbolParams) -> list[lsp.SymbolInformation]:
        out = []
        for state in list(ls.roots):
            await ls.checkpoint()
            ls.sync(state)
            for number, symbol in enumerate(nav.workspace_symbols(state.index, params.query), 1):
                if number % CHUNK == 0:
                    await ls.checkpoint()
                out.append(
                    lsp.SymbolInformation(
                        name=symbol.event,
                        kind=lsp.SymbolKind.Event,
                        location=ls.location(state, symbol.file, symbol.span),
                        container_name=symbol.container,
                    )
                )
        return out

    @server.feature(lsp.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    def document_symbol(ls: SocketlensServer, params: lsp.DocumentSymbolParams) -> list[lsp.DocumentSymbol] | None:
        uri = params.text_document.uri
        state = ls.root_for(uri)
        if state is None:
            return None
        ls.sync(state)
        rel = state.rel_of(uri)
        out = []
        for event_map in nav.document_symbols(state.index, rel):
            children = [
                lsp.DocumentSymbol(
                    name=member.event,
                    kind=lsp.SymbolKind.Event,
                    range=ls.span_to_range(uri, member.span),
                    selection_range=ls.span_to_range(uri, member.span),
                    detail=member.detail,
                )
                for member in event_map.members
            ]
            whole = ls.span_to_range(uri, event_map.span)
            out.append(
                lsp.DocumentSymbol(
                    name=event_map.name, kind=lsp.SymbolKind.Interface, range=whole, selection_range=whole, children=children
                )
            )
        return out

    @server.feature(lsp.TEXT_DOCUMENT_CODE_LENS)
    async def code_lens(ls: SocketlensServer, params: lsp.CodeLensParams) -> list[lsp.CodeLens] | None:
        await ls.checkpoint()
        uri = params.text_document.uri
        state = ls.root_for(uri)
        if state is None:
            return None
        ls.sync(state)
        rel = state.rel_of(uri)
        lenses = []
        converted = 0  # each lens carries all its sites' locations: chunk by sites, not by lenses
        for lens in nav.code_lenses(state.index, rel):
            converted += 1 + len(lens.locations)
            if converted >= CHUNK:
                converted = 0
                await ls.checkpoint()
            range_ = ls.span_to_range(uri, lens.span)
            locations = [ls.location(state, loc.file, loc.span) for loc in lens.locations]
            arguments = [uri, _json(range_.start), [_json(location) for location in locations]]
            lenses.append(
                lsp.CodeLens(
                    range=range_,
                    command=lsp.Command(title=lens.title, command="editor.action.showReferences", arguments=arguments),
                )
            )
        return lenses

    # -- diagnostics and code actions --------------------------------------------------------------------------------

    @server.feature(
        lsp.TEXT_DOCUMENT_DIAGNOSTIC,
        lsp.DiagnosticOptions(identifier="socketlens", inter_file_dependencies=True, workspace_diagnostics=True),
    )
    async def document_diagnostic(ls: SocketlensServer, params: lsp.DocumentDiagnosticParams):
        uri = params.text_document.uri
        state = ls.root_for(uri)
        if state is None:
            return lsp.RelatedFullDocumentDiagnosticReport(items=[])
        rel = state.rel_of(uri)
        found = await ls.file_diagnostics_async(state, rel) if rel is not None else []
        # No await from here on: the generation is still current.
        result_id = f"{state.build_number}.{state.generation}"
        if params.previous_result_id == result_id:
            return lsp.RelatedUnchangedDocumentDiagnosticReport(result_id=result_id)
        items = [ls.lsp_diagnostic(state, d) for d in found]
        return lsp.RelatedFullDocumentDiagnosticReport(items=items, result_id=result_id)

    @server.feature(lsp.WORKSPACE_DIAGNOSTIC)
    async def workspace_diagnostic(ls: SocketlensServer, params: lsp.WorkspaceDiagnosticParams) -> lsp.WorkspaceDiagnosticReport:
        previous = {p.uri: p.value for p in params.previous_result_ids or []}
        reports: list[Any] = []
        for state in list(ls.roots):
            folder_reports = None
            while folder_reports is None:  # None: a buffer changed while converting; start the folder again
                folder_reports = await folder_diagnostic_reports(ls, state, previous)
            reports.extend(folder_reports)
        return lsp.WorkspaceDiagnosticReport(items=reports)

    async def folder_diagnostic_reports(ls: SocketlensServer, state: RootState, previous: dict[str, str]) -> list[Any] | None:
        found = await ls.diagnostics_async(state)
        result_id = f"{state.build_number}.{state.generation}"
        versions = {d.uri: d.version for d in ls.documents.values()}
        files = set(found) | {d.rel for d in ls.documents.values() if d.rel and ls.root_for(d.uri) is state}
        reports: list[Any] = []
        for number, rel in enumerate(sorted(files), 1):
            if number % CHUNK == 0:
                await ls.checkpoint()
                if versions != {d.uri: d.version for d in ls.documents.values()}:
                    return None  # ranges are converted against the buffers: they must be the ones analysed
            uri = state.uri_of(rel)
            version = versions.get(uri)
            if previous.get(uri) == result_id:
                reports.append(lsp.WorkspaceUnchangedDocumentDiagnosticReport(uri=uri, version=version, result_id=result_id))
                continue
            items = [ls.lsp_diagnostic(state, d) for d in found.get(rel, [])]
            reports.append(lsp.WorkspaceFullDocumentDiagnosticReport(uri=uri, version=version, items=items, result_id=result_id))
        return reports

    @server.feature(
        lsp.TEXT_DOCUMENT_CODE_ACTION,
        lsp.CodeActionOptions(
            code_action_kinds=[lsp.CodeActionKind.QuickFix, lsp.CodeActionKind.Refactor, lsp.CodeActionKind.Source]
        ),
    )
    async def code_action(ls: SocketlensServer, params: lsp.CodeActionParams):
        await ls.checkpoint()
        state = ls.root_for(params.text_document.uri)
        only = params.context.only
        if state is not None and params.context.diagnostics and (not only or any(str(k).startswith("quickfix") for k in only)):
            await ls.diagnostics_async(state)  # the quick fixes read them: compute them cancellably first
        actions: list[Any] = []
        for provider in list(ls.code_action_providers):
            await ls.checkpoint()
            try:
                answer = provider(params)
                if inspect.isawaitable(answer):  # async providers may await `checkpoint()` themselves
                    answer = await answer
                actions.extend(answer or [])
            except Exception:
                log.exception("code action provider %r failed", getattr(provider, "__name__", provider))
        return actions

    scaffold_feature.register(server)  # the "Add WebSocket event" command, request and code actions
    if os.environ.get(TEST_HOOKS_ENV) == "1":
        register_test_hooks(server)
    return server


def register_test_hooks(server: SocketlensServer) -> None:
    """Test-only protocol, to observe cancellation without timing:
    - notification `socketlens/test/gate` `{"steps": n | null}`: let n more `checkpoint()`s pass, the rest
      wait (null: no limit). Messages are handled in order, so a cancel sent before the gate is reopened
      has been processed before the request does any work.
    - request `socketlens/test/stats`: `{"ruleRuns": n, "roots": [{"root", "generation",
      "diagnosticsGeneration", "rulesPending"}]}` (rule checks run since start; a folder's diagnostics cache
      is current when both generations match; `rulesPending` is null when no run over every file is in
      progress)."""
    server.test_gate = StepGate()

    @server.feature("socketlens/test/gate")
    def gate(ls: SocketlensServer, params=None) -> None:
        steps = params.get("steps") if isinstance(params, dict) else getattr(params, "steps", None)
        ls.test_gate.set(None if steps is None else int(steps))

    @server.feature("socketlens/test/stats")
    def stats(ls: SocketlensServer, params=None) -> dict[str, Any]:
        roots = []
        for state in ls.roots:
            progress = ls._rules_progress.get((id(state), None))
            roots.append(
                {
                    "root": state.uri,
                    "generation": state.generation,
                    "diagnosticsGeneration": state.diagnostics_generation,
                    "rulesPending": len(progress.pending) if progress is not None and progress.state is state else None,
                }
            )
        return {"ruleRuns": ls.rule_runs, "frozenObjects": gc.get_freeze_count(), "roots": roots}


def _without_severities(config: Config) -> Config:
    from dataclasses import replace
    from types import MappingProxyType

    return replace(config, severities=MappingProxyType({}))


def _grammar(rel: str) -> str | None:
    """The file's grammar; "sfc" for .vue/.svelte, whose grammar depends on the script block."""
    language = language_of(rel)
    if language in SFC_LANGUAGES:
        return "sfc"
    if language not in ("typescript", "tsx", "javascript"):
        return None
    return "tsx" if rel.endswith(".tsx") else language


def _completion_source(rel: str, data: bytes, offset: int) -> tuple[bytes, str] | None:
    """What to parse for completion at `offset`: the file and its grammar, or, in a .vue/.svelte file, the
    script block under the cursor (blanked in place, so offsets stay file offsets). None outside scripts."""
    grammar = _grammar(rel)
    if grammar != "sfc":
        return None if grammar is None else (data, grammar)
    block = script_block_at(data, language_of(rel) or "vue", offset)
    return None if block is None else (blanked(data, block), block.grammar)


def _settle_long_lived_objects() -> None:
    """Move the freshly built index out of the garbage collector's sight.

    A full collection walks every object the index holds (tens of thousands of facts); on a big repo it
    lands on some keystroke and turns a 50 ms didChange into 150 ms. The index lives until the next build,
    so it is collected once, then frozen; unfreezing first lets a replaced index be freed."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()


def _file_side(state: RootState, rel: str) -> Side | None:
    side = state.index.file_side(rel)
    if side is None and state.builder is not None and state.builder.workspace is not None:
        # While the first build runs, the index is a placeholder without the repository's packages.
        hint = state.builder.workspace.side_hint(rel)
        side = Side(hint) if hint else None
    return side


def _json(value: Any) -> Any:
    from lsprotocol import converters

    return converters.get_converter().unstructure(value)


def _configure_logging(server: SocketlensServer) -> None:
    root = logging.getLogger()
    if not any(getattr(h, "_socketlens", False) for h in root.handlers):
        stderr = logging.StreamHandler(sys.stderr)
        stderr.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        stderr._socketlens = True  # type: ignore[attr-defined]
        root.addHandler(stderr)
        root.setLevel(logging.INFO)
        logging.getLogger("pygls").setLevel(logging.WARNING)
    client = _ClientLogHandler(server)
    client.setFormatter(logging.Formatter("%(name)s: %(message)s"))
    logging.getLogger("socketlens").addHandler(client)


def run_server(tcp: tuple[str, int] | None = None) -> None:
    """Serve LSP over stdio (the default) or on a TCP port for debugging."""
    server = create_server()
    _configure_logging(server)
    if tcp is not None:
        server.start_tcp(*tcp)
    else:
        server.start_io()


if __name__ == "__main__":
    run_server()
