"""End to end: the real `socketlens serve` over stdio, driven by pytest-lsp as the client.

Every test works on a fresh copy of the fixture monorepo under tmp_path, so edits never touch the fixture.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types as lsp
from pytest_lsp import make_test_lsp_client

FIXTURE = Path(__file__).parent / "fixtures" / "monorepo"

pytestmark = pytest.mark.asyncio

LEADS = "apps/api/src/routes/leads.ts"
LEAD_LIST = "apps/web/src/components/LeadList.tsx"
CHAT_PANEL = "apps/web/src/components/ChatPanel.tsx"
SOCKET = "apps/api/src/socket.ts"
EVENTS = "packages/shared/src/events.ts"
MAPS = "packages/shared/src/socket-events.ts"
ADMIN = "apps/api/src/routes/admin.ts"


def copy_fixture(tmp_path: Path, name: str = "repo") -> Path:
    target = tmp_path / name
    shutil.copytree(FIXTURE, target)
    return target


def uri(root: Path, rel: str) -> str:
    return (root / rel).as_uri()


def position_of(root: Path, rel: str, needle: str, offset: int = 1, occurrence: int = 0) -> lsp.Position:
    """UTF-16 position of `needle` (+offset characters) in a file: fine for ASCII lines."""
    text = (root / rel).read_text(encoding="utf-8")
    index = -1
    for _ in range(occurrence + 1):
        index = text.index(needle, index + 1)
    index += offset
    line = text.count("\n", 0, index)
    column = index - (text.rfind("\n", 0, index) + 1)
    return lsp.Position(line=line, character=column)


def rels(root: Path, locations) -> list[tuple[str, int]]:
    out = []
    for location in locations or []:
        path = Path(lsp_uri_path(location.uri))
        out.append((path.relative_to(root).as_posix(), location.range.start.line + 1))
    return sorted(out)


def lsp_uri_path(value: str) -> str:
    from pygls.uris import to_fs_path

    return to_fs_path(value)


class Session:
    """A client plus what the server sent it that the stock pytest-lsp client does not keep."""

    def __init__(self, client, roots: list[Path]):
        self.client = client
        self.roots = roots
        self.statuses: list[dict[str, Any]] = []
        self.registrations: list[lsp.Registration] = []
        self.ready = asyncio.Event()
        self.versions: dict[str, int] = {}
        self.publications: list[lsp.PublishDiagnosticsParams] = []

    # -- test hooks of the server (serve(..., hooks=True)) --

    def gate(self, steps: int | None) -> None:
        """Let `steps` more of the server's await points pass (None: all); the rest wait."""
        self.client.protocol.notify("socketlens/test/gate", {"steps": steps})

    async def stats(self) -> dict[str, Any]:
        answer = await self.client.protocol.send_request_async("socketlens/test/stats", {})
        return {
            "ruleRuns": answer.ruleRuns,
            "frozenObjects": answer.frozenObjects,
            "roots": [root._asdict() for root in answer.roots],
        }

    async def cancelled(self, method: str, params: Any, msg_id: str) -> Any:
        """Send a request and cancel it at once; what the server answered (the exception, or a result)."""
        future = self.client.protocol.send_request(method, params, msg_id=msg_id)  # written now, in order
        self.client.cancel_request(lsp.CancelParams(id=msg_id))
        try:
            return await asyncio.wait_for(asyncio.wrap_future(future), 30)
        except Exception as error:  # noqa: BLE001
            return error

    async def wait_ready(self) -> None:
        await asyncio.wait_for(self.ready.wait(), 60)

    def open(self, rel: str, text: str | None = None, root: Path | None = None) -> str:
        root = root or self.roots[0]
        document = uri(root, rel)
        text = (root / rel).read_text(encoding="utf-8") if text is None else text
        language = "typescriptreact" if rel.endswith(".tsx") else "typescript"
        self.versions[document] = 1
        self.client.text_document_did_open(
            lsp.DidOpenTextDocumentParams(lsp.TextDocumentItem(document, language, 1, text))
        )
        return document

    def replace(self, document: str, text: str) -> None:
        self.versions[document] += 1
        self.client.text_document_did_change(
            lsp.DidChangeTextDocumentParams(
                text_document=lsp.VersionedTextDocumentIdentifier(uri=document, version=self.versions[document]),
                content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=text)],
            )
        )

    async def definition(self, document: str, position: lsp.Position):
        return await self.client.text_document_definition_async(
            lsp.DefinitionParams(lsp.TextDocumentIdentifier(document), position)
        )

    async def diagnostics_for(self, document: str, predicate, attempts: int = 100):
        """Wait (by events, not by time) until the published diagnostics of a document satisfy `predicate`."""
        for _ in range(attempts):
            current = self.client.diagnostics.get(document)
            if current is not None and predicate(current):
                return current
            await self.client.wait_for_notification(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        raise AssertionError(f"diagnostics of {document} never matched: {self.client.diagnostics.get(document)}")


def capabilities(*, encodings: list[str] | None = None, pull: bool = False, watch: bool = True) -> lsp.ClientCapabilities:
    return lsp.ClientCapabilities(
        general=lsp.GeneralClientCapabilities(position_encodings=encodings) if encodings else None,
        window=lsp.WindowClientCapabilities(work_done_progress=True),
        workspace=lsp.WorkspaceClientCapabilities(
            configuration=True,
            workspace_folders=True,
            did_change_watched_files=lsp.DidChangeWatchedFilesClientCapabilities(dynamic_registration=watch),
            diagnostics=lsp.DiagnosticWorkspaceClientCapabilities(refresh_support=True) if pull else None,
            apply_edit=True,
        ),
        text_document=lsp.TextDocumentClientCapabilities(
            synchronization=lsp.TextDocumentSyncClientCapabilities(did_save=True),
            publish_diagnostics=lsp.PublishDiagnosticsClientCapabilities(version_support=True),
            diagnostic=lsp.DiagnosticClientCapabilities(related_document_support=True) if pull else None,
            completion=lsp.CompletionClientCapabilities(
                completion_item=lsp.ClientCompletionItemOptions(documentation_format=[lsp.MarkupKind.Markdown])
            ),
            hover=lsp.HoverClientCapabilities(content_format=[lsp.MarkupKind.Markdown]),
            rename=lsp.RenameClientCapabilities(prepare_support=True),
            code_action=lsp.CodeActionClientCapabilities(
                code_action_literal_support=lsp.ClientCodeActionLiteralOptions(
                    code_action_kind=lsp.ClientCodeActionKindOptions(value_set=[lsp.CodeActionKind.QuickFix])
                ),
                is_preferred_support=True,
            ),
            document_symbol=lsp.DocumentSymbolClientCapabilities(hierarchical_document_symbol_support=True),
        ),
    )


@contextlib.asynccontextmanager
async def serve(
    roots: list[Path],
    *,
    encodings: list[str] | None = None,
    pull: bool = False,
    watch: bool = True,
    settings: dict[str, Any] | None = None,
    init_options: dict[str, Any] | None = None,
    hooks: bool = False,
):
    client = make_test_lsp_client()
    session = Session(client, roots)

    # Keep every publishDiagnostics (the stock client keeps only the latest list, without its version).
    keep_latest = client.protocol.fm.features[lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS]

    def record_publication(params: lsp.PublishDiagnosticsParams):
        session.publications.append(params)
        return keep_latest(params)

    client.protocol.fm.features[lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = record_publication

    @client.feature("socketlens/status")
    def on_status(params):
        session.statuses.append(params._asdict() if hasattr(params, "_asdict") else dict(params))
        ready_roots = {s.get("root") for s in session.statuses if s.get("state") == "ready"}
        if len(ready_roots) >= len(roots):
            session.ready.set()

    @client.feature(lsp.CLIENT_REGISTER_CAPABILITY)
    def on_register(params: lsp.RegistrationParams):
        session.registrations.extend(params.registrations)

    if settings is not None:
        client.set_configuration(settings, section="socketlens")
    env = dict(os.environ)
    if hooks:  # the server's test-only gate and stats (socketlens.lsp.server.register_test_hooks)
        env["SOCKETLENS_TEST_HOOKS"] = "1"
    await client.start_io(sys.executable, "-m", "socketlens", "serve", "--stdio", env=env)
    try:
        await client.initialize_session(
            lsp.InitializeParams(
                capabilities=capabilities(encodings=encodings, pull=pull, watch=watch),
                workspace_folders=[lsp.WorkspaceFolder(root.as_uri(), root.name) for root in roots],
                root_uri=roots[0].as_uri(),
                initialization_options=init_options,
            )
        )
        yield session
    finally:
        # Without shutdown + exit, stopping the client hangs; a failed assertion must not turn into a hang.
        with contextlib.suppress(Exception):
            await asyncio.wait_for(client.shutdown_session(), 10)
        await client.stop()


# ---------------------------------------------------------------------------------------------------------


async def test_definition_references_declaration_from_every_kind_of_site(tmp_path):
    root = copy_fixture(tmp_path)
    async with serve([root]) as s:
        await s.wait_ready()
        leads = s.open(LEADS)
        # emit → listeners
        found = await s.definition(leads, position_of(root, LEADS, '"lead:new"', 2))
        assert rels(root, found) == [(LEAD_LIST, 20)]
        # listener (hook argument) → emits
        lead_list = s.open(LEAD_LIST)
        found = await s.definition(lead_list, position_of(root, LEAD_LIST, '"lead:new"', 3))
        assert rels(root, found) == [(LEADS, 15)]
        # map key → emits and listeners
        maps = s.open(MAPS)
        found = await s.definition(maps, position_of(root, MAPS, '"lead:updated"', 1))
        assert rels(root, found) == [(LEADS, 30), (LEAD_LIST, 25)]
        # an enum member used as the event (ChatEvent.Typing on the server) → the client's emit
        sock = s.open(SOCKET)
        found = await s.definition(sock, position_of(root, SOCKET, "ChatEvent.Typing", 12))
        assert rels(root, found) == [(CHAT_PANEL, 57)]
        # the enum member's string value → emits and listeners
        events = s.open(EVENTS)
        found = await s.definition(events, position_of(root, EVENTS, '"chat:typing"', 2))
        assert rels(root, found) == [(SOCKET, 46), (CHAT_PANEL, 57)]
        # declaration → the map member
        found = await s.client.text_document_declaration_async(
            lsp.DeclarationParams(lsp.TextDocumentIdentifier(leads), position_of(root, LEADS, '"lead:new"', 2))
        )
        assert rels(root, found) == [(MAPS, 20)]
        # references, with and without the declaration
        for include, expected in ((True, [(LEADS, 15), (LEAD_LIST, 20), (MAPS, 20)]), (False, [(LEADS, 15), (LEAD_LIST, 20)])):
            found = await s.client.text_document_references_async(
                lsp.ReferenceParams(
                    context=lsp.ReferenceContext(include_declaration=include),
                    text_document=lsp.TextDocumentIdentifier(maps),
                    position=position_of(root, MAPS, '"lead:new"', 1),
                )
            )
            assert rels(root, found) == expected
        # nothing under the cursor: no answer, no error
        assert await s.definition(leads, lsp.Position(0, 0)) is None


async def test_hover_shows_direction_payload_doc_and_linked_sites(tmp_path):
    root = copy_fixture(tmp_path)
    async with serve([root]) as s:
        await s.wait_ready()
        leads = s.open(LEADS)
        hover = await s.client.text_document_hover_async(
            lsp.HoverParams(lsp.TextDocumentIdentifier(leads), position_of(root, LEADS, '"lead:new"', 2))
        )
        text = hover.contents.value
        assert hover.contents.kind == lsp.MarkupKind.Markdown
        assert "**`lead:new`** · server → client" in text
        assert "leadId: string; name: string; score: number" in text
        assert "A lead was created in the org." in text
        assert f"[{LEADS}:15]({uri(root, LEADS)}#L15)" in text
        assert "org `` `org:${req.user.orgId}` ``" in text
        assert f"[{LEAD_LIST}:20]({uri(root, LEAD_LIST)}#L20) — client hook" in text
        assert hover.range == lsp.Range(lsp.Position(14, 38), lsp.Position(14, 48))


async def test_completion_filters_by_direction_and_offers_rooms(tmp_path):
    root = copy_fixture(tmp_path)
    async with serve([root]) as s:
        await s.wait_ready()

        async def labels(rel: str, text: str, marker: str = "|") -> tuple[list[str], lsp.CompletionList]:
            index = text.index(marker)
            source = text.replace(marker, "")
            document = s.open(rel, source)
            line = source.count("\n", 0, index)
            column = index - (source.rfind("\n", 0, index) + 1)
            result = await s.client.text_document_completion_async(
                lsp.CompletionParams(lsp.TextDocumentIdentifier(document), lsp.Position(line, column))
            )
            return sorted(item.label for item in result.items) if result else [], result

        server_to_client = ["chat:user-typing", "deal:stage-changed", "lead:archived", "lead:new", "lead:updated", "message:new", "notification"]
        client_to_server = ["chat:join", "chat:send", "chat:typing"]
        # a client hook offers server-to-client events, with the payload type as detail
        got, result = await labels("apps/web/src/components/New.tsx", 'import { useSocketEvent } from "../hooks/useSocketEvent";\nexport function A() {\n  useSocketEvent("lead|", () => {});\n}\n')
        assert got == server_to_client
        item = next(i for i in result.items if i.label == "lead:new")
        assert item.detail == "(payload: { leadId: string; name: string; score: number }) => void"
        assert item.text_edit.new_text == "lead:new"
        assert item.text_edit.range == lsp.Range(lsp.Position(2, 18), lsp.Position(2, 22))
        # a client emit offers client-to-server events; unquoted, the name comes with quotes
        got, result = await labels("apps/web/src/lib/send.ts", 'import { socket } from "./socket";\nsocket.emit(|\n')
        assert got == client_to_server
        assert result.items[0].text_edit.new_text == '"chat:join"'
        # a client listener offers server-to-client events
        got, _ = await labels("apps/web/src/lib/listen.ts", 'import { socket } from "./socket";\nsocket.on("|");\n')
        assert got == server_to_client
        # a server emit offers server-to-client events; a server listener client-to-server (and inter-server)
        got, _ = await labels("apps/api/src/routes/more.ts", 'import { io } from "../socket";\nio.to("x").emit("|");\n')
        assert got == server_to_client
        got, _ = await labels("apps/api/src/routes/hear.ts", 'import { io } from "../socket";\nio.on("connection", (socket) => { socket.on("|") });\n')
        assert got == ["cache:invalidate", *client_to_server]
        # room prefixes inside .to(
        got, result = await labels("apps/api/src/routes/rooms.ts", 'import { io } from "../socket";\nio.to(`|`).emit("lead:new");\n')
        assert got == ["org:", "user:"]
        # not an event argument: nothing
        got, _ = await labels("apps/api/src/routes/other.ts", 'const x = foo("|");\n')
        assert got == []


async def test_rename_edits_keys_literals_and_constant_values_and_refuses_with_dynamic_sites(tmp_path):
    root = copy_fixture(tmp_path)
    async with serve([root]) as s:
        await s.wait_ready()
        chat = s.open(CHAT_PANEL)
        where = position_of(root, CHAT_PANEL, '"chat:send"', 3)
        prepared = await s.client.text_document_prepare_rename_async(
            lsp.PrepareRenameParams(lsp.TextDocumentIdentifier(chat), where)
        )
        assert prepared.placeholder == "chat:send"
        assert prepared.range == lsp.Range(lsp.Position(38, 17), lsp.Position(38, 26))
        edit = await s.client.text_document_rename_async(
            lsp.RenameParams(lsp.TextDocumentIdentifier(chat), where, "chat:post")
        )
        changed = {Path(lsp_uri_path(u)).relative_to(root).as_posix(): edits for u, edits in edit.changes.items()}
        assert sorted(changed) == sorted([CHAT_PANEL, "apps/api/src/routes/chat.ts", MAPS])
        assert all(e.new_text == "chat:post" for edits in changed.values() for e in edits)
        assert changed[MAPS][0].range == lsp.Range(lsp.Position(43, 3), lsp.Position(43, 12))

        # from the enum-backed listener: the enum member's value is edited, never `Typing` itself
        sock = s.open(SOCKET)
        edit = await s.client.text_document_rename_async(
            lsp.RenameParams(lsp.TextDocumentIdentifier(sock), position_of(root, SOCKET, "ChatEvent.Typing", 12), "chat:is-typing")
        )
        changed = {Path(lsp_uri_path(u)).relative_to(root).as_posix(): edits for u, edits in edit.changes.items()}
        assert list(changed) == [EVENTS]
        assert [(e.range.start.line, e.range.start.character, e.new_text) for e in changed[EVENTS]] == [(3, 12, "chat:is-typing")]

        # a server emit with a computed name could be any server-to-client event: refused, with the reason
        leads = s.open(LEADS)
        with pytest.raises(Exception, match="computed at run time.*admin.ts:21"):
            await s.client.text_document_rename_async(
                lsp.RenameParams(lsp.TextDocumentIdentifier(leads), position_of(root, LEADS, '"lead:new"', 2), "lead:created")
            )
        with pytest.raises(Exception, match="already exists"):
            await s.client.text_document_rename_async(lsp.RenameParams(lsp.TextDocumentIdentifier(chat), where, "chat:join"))


async def test_symbols_and_code_lens(tmp_path):
    root = copy_fixture(tmp_path)
    async with serve([root]) as s:
        await s.wait_ready()
        symbols = await s.client.workspace_symbol_async(lsp.WorkspaceSymbolParams(query="lead"))
        assert [sym.name for sym in symbols] == ["lead:archived", "lead:new", "lead:updated"]
        assert rels(root, [sym.location for sym in symbols]) == [(MAPS, 20), (MAPS, 22), (MAPS, 27)]
        maps = s.open(MAPS)
        tree = await s.client.text_document_document_symbol_async(lsp.DocumentSymbolParams(lsp.TextDocumentIdentifier(maps)))
        assert [(m.name, [c.name for c in m.children]) for m in tree] == [
            ("ServerToClientEvents", ["lead:new", "lead:updated", "lead:archived", "deal:stage-changed", "message:new", "chat:user-typing", "notification"]),
            ("ClientToServerEvents", ["chat:join", "chat:send", "chat:typing"]),
            ("InterServerEvents", ["cache:invalidate"]),
        ]
        lenses = await s.client.text_document_code_lens_async(lsp.CodeLensParams(lsp.TextDocumentIdentifier(maps)))
        by_line = {lens.range.start.line + 1: lens.command for lens in lenses}
        assert by_line[20].title == "1 emitter · 1 listener"
        assert by_line[27].title == "0 emitters · 0 listeners"
        assert by_line[51].title == "0 emitters · 1 listener"
        command = by_line[20]
        assert command.command == "editor.action.showReferences"
        assert command.arguments[0] == maps and command.arguments[1] == {"line": 19, "character": 2}
        assert sorted(a["uri"] for a in command.arguments[2]) == [uri(root, LEADS), uri(root, LEAD_LIST)]
        leads = s.open(LEADS)
        lenses = await s.client.text_document_code_lens_async(lsp.CodeLensParams(lsp.TextDocumentIdentifier(leads)))
        assert [(lens.range.start.line + 1, lens.command.title) for lens in lenses] == [(15, "1 emitter · 1 listener"), (30, "1 emitter · 1 listener")]


BROADCAST_EMIT = '  io.emit("lead:new", { leadId: "x", name: "y", score: 1 });\n'


async def test_edits_move_definitions_and_diagnostics_and_quick_fixes(tmp_path):
    root = copy_fixture(tmp_path)
    async with serve([root]) as s:
        await s.wait_ready()
        admin = uri(root, ADMIN)
        # the workspace's diagnostics arrive after indexing, with a link to the rule's docs
        found = await s.diagnostics_for(admin, lambda ds: any(d.code == "unscoped-broadcast" for d in ds))
        broadcast = next(d for d in found if d.code == "unscoped-broadcast")
        assert broadcast.range.start == lsp.Position(9, 10)
        assert broadcast.source == "socketlens"
        assert broadcast.code_description.href.endswith("unscoped-broadcast.md")
        # quick fixes from the rule's fixes, preferred one marked
        s.open(ADMIN)
        actions = await s.client.text_document_code_action_async(
            lsp.CodeActionParams(
                lsp.TextDocumentIdentifier(admin), broadcast.range, lsp.CodeActionContext(diagnostics=[broadcast])
            )
        )
        fixes = [a for a in actions if isinstance(a, lsp.CodeAction) and a.kind == lsp.CodeActionKind.QuickFix]
        assert fixes and fixes[0].title.startswith("Scope the emit to the org room")
        assert fixes[0].is_preferred is True and list(fixes[0].diagnostics) == [broadcast]
        (edit,) = fixes[0].edit.changes[admin]
        assert edit.new_text == ".to(`org:${req.user.orgId}`)" and edit.range.start == lsp.Position(9, 4)

        # an edit adds a second (broadcast) emit of lead:new: the listener's definition and the diagnostics follow
        leads = s.open(LEADS)
        original = (root / LEADS).read_text()
        lines = original.splitlines(keepends=True)
        edited = "".join(lines[:15] + [BROADCAST_EMIT] + lines[15:])
        s.replace(leads, edited)
        await s.diagnostics_for(leads, lambda ds: [d.range.start.line for d in ds if d.code == "unscoped-broadcast"] == [15])
        lead_list = s.open(LEAD_LIST)
        found = await s.definition(lead_list, position_of(root, LEAD_LIST, '"lead:new"', 3))
        assert rels(root, found) == [(LEADS, 15), (LEADS, 16)]
        # removing it again drops both
        s.replace(leads, original)
        await s.diagnostics_for(leads, lambda ds: not any(d.code == "unscoped-broadcast" for d in ds))
        found = await s.definition(lead_list, position_of(root, LEAD_LIST, '"lead:new"', 3))
        assert rels(root, found) == [(LEADS, 15)]
        # the disk never changed
        assert (root / LEADS).read_text() == original


async def test_close_falls_back_to_disk(tmp_path):
    root = copy_fixture(tmp_path)
    async with serve([root]) as s:
        await s.wait_ready()
        leads = s.open(LEADS)
        s.replace(leads, (root / LEADS).read_text().replace('"lead:new"', '"lead:fresh"'))
        lead_list = s.open(LEAD_LIST)
        assert await s.definition(lead_list, position_of(root, LEAD_LIST, '"lead:new"', 3)) == []
        s.client.text_document_did_close(lsp.DidCloseTextDocumentParams(lsp.TextDocumentIdentifier(leads)))
        found = await s.definition(lead_list, position_of(root, LEAD_LIST, '"lead:new"', 3))
        assert rels(root, found) == [(LEADS, 15)]


async def test_watched_files_created_and_deleted(tmp_path):
    root = copy_fixture(tmp_path)
    async with serve([root]) as s:
        await s.wait_ready()
        assert [r.method for r in s.registrations] == [lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES]
        created = root / "apps/api/src/routes/archive.ts"
        created.write_text('import { io } from "../socket";\nexport function archive(orgId: string) {\n  io.to(`org:${orgId}`).emit("lead:archived", { leadId: "1" });\n}\n')
        s.client.workspace_did_change_watched_files(
            lsp.DidChangeWatchedFilesParams([lsp.FileEvent(created.as_uri(), lsp.FileChangeType.Created)])
        )
        maps = s.open(MAPS)
        found = await s.definition(maps, position_of(root, MAPS, '"lead:archived"', 1))
        assert rels(root, found) == [("apps/api/src/routes/archive.ts", 3)]
        created.unlink()
        s.client.workspace_did_change_watched_files(
            lsp.DidChangeWatchedFilesParams([lsp.FileEvent(created.as_uri(), lsp.FileChangeType.Deleted)])
        )
        assert await s.definition(maps, position_of(root, MAPS, '"lead:archived"', 1)) == []


NON_ASCII_LINE = '  const note = "مرحبا 👋🏽\tfine"; io.to(`org:${orgId}`).emit("lead:new", { leadId: "x", name: note, score: 1 });\r\n'


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8", "utf-32"])
async def test_position_encodings_with_arabic_emoji_tabs_and_crlf(tmp_path, encoding):
    root = copy_fixture(tmp_path)
    rel = "apps/api/src/routes/intl.ts"
    text = 'import { io } from "../socket";\r\nexport function greet(orgId: string) {\r\n' + NON_ASCII_LINE + "}\r\n"
    (root / rel).write_bytes(text.encode("utf-8"))
    async with serve([root], encodings=[encoding, "utf-16"]) as s:
        await s.wait_ready()
        document = s.open(rel, text)
        line_text = NON_ASCII_LINE.rstrip("\r\n")
        prefix = line_text[: line_text.index('"lead:new"')]
        units = {"utf-8": len(prefix.encode("utf-8")), "utf-16": len(prefix.encode("utf-16-le")) // 2, "utf-32": len(prefix)}[encoding]
        assert len({len(prefix.encode("utf-8")), len(prefix.encode("utf-16-le")) // 2, len(prefix)}) == 3
        hover = await s.client.text_document_hover_async(
            lsp.HoverParams(lsp.TextDocumentIdentifier(document), lsp.Position(2, units + 1))
        )
        assert hover.range == lsp.Range(lsp.Position(2, units), lsp.Position(2, units + len('"lead:new"')))
        # definition from the listener lands on this line, in the same units
        lead_list = s.open(LEAD_LIST)
        found = await s.definition(lead_list, position_of(root, LEAD_LIST, '"lead:new"', 3))
        ours = [loc for loc in found if loc.uri == document]
        assert [loc.range.start for loc in ours] == [lsp.Position(2, units)]
        # one unit before the literal is not on it
        assert await s.definition(document, lsp.Position(2, units - 1)) is None


async def test_broken_half_typed_file_still_answers(tmp_path):
    root = copy_fixture(tmp_path)
    async with serve([root]) as s:
        await s.wait_ready()
        # typing in progress below a complete emit: an unclosed function and an unclosed string
        broken = 'import { io } from "../socket";\nio.to(`org:${x}`).emit("lead:new", { leadId: x });\nfunction (( {\n  io.emit("lead:'
        document = s.open("apps/api/src/routes/broken.ts", broken)
        found = await s.definition(document, lsp.Position(1, 26))
        assert rels(root, found) == [(LEAD_LIST, 20)]
        result = await s.client.text_document_completion_async(
            lsp.CompletionParams(lsp.TextDocumentIdentifier(document), lsp.Position(3, 16))
        )
        assert "lead:new" in [item.label for item in result.items]
        symbols = await s.client.text_document_document_symbol_async(lsp.DocumentSymbolParams(lsp.TextDocumentIdentifier(document)))
        assert symbols == []


async def test_two_roots_stay_separate_and_report_progress(tmp_path):
    first, second = copy_fixture(tmp_path, "one"), copy_fixture(tmp_path, "two")
    async with serve([first, second]) as s:
        await s.wait_ready()
        one = s.open(LEAD_LIST, root=first)
        two = s.open(LEAD_LIST, root=second)
        assert rels(first, await s.definition(one, position_of(first, LEAD_LIST, '"lead:new"', 3))) == [(LEADS, 15)]
        assert rels(second, await s.definition(two, position_of(second, LEAD_LIST, '"lead:new"', 3))) == [(LEADS, 15)]
        # an edit in one root does not leak into the other
        leads_one = s.open(LEADS, root=first)
        s.replace(leads_one, (first / LEADS).read_text().replace('"lead:new"', '"lead:other"'))
        assert await s.definition(one, position_of(first, LEAD_LIST, '"lead:new"', 3)) == []
        assert rels(second, await s.definition(two, position_of(second, LEAD_LIST, '"lead:new"', 3))) == [(LEADS, 15)]
        # status notifications and work-done progress, one per root
        ready = [st for st in s.statuses if st["state"] == "ready"]
        assert sorted(st["root"] for st in ready) == sorted([first.as_uri(), second.as_uri()])
        assert all(st["events"] == 12 and st["files"] == 24 for st in ready)
        assert any(st["state"] == "indexing" for st in s.statuses)
        reports = list(s.client.progress_reports.values())
        assert len(reports) == 2
        for report in reports:
            assert isinstance(report[0], lsp.WorkDoneProgressBegin) and report[0].title == "socketlens: indexing"
            assert isinstance(report[-1], lsp.WorkDoneProgressEnd) and "12 events in 24 files" in report[-1].message


async def test_pull_diagnostics_when_the_client_supports_them(tmp_path):
    root = copy_fixture(tmp_path)
    async with serve([root], pull=True) as s:
        await s.wait_ready()
        admin = s.open(ADMIN)
        report = await s.client.text_document_diagnostic_async(
            lsp.DocumentDiagnosticParams(lsp.TextDocumentIdentifier(admin))
        )
        assert [d.code for d in report.items] == ["unscoped-broadcast"]
        again = await s.client.text_document_diagnostic_async(
            lsp.DocumentDiagnosticParams(lsp.TextDocumentIdentifier(admin), previous_result_id=report.result_id)
        )
        assert again.kind == "unchanged"
        workspace = await s.client.workspace_diagnostic_async(lsp.WorkspaceDiagnosticParams(previous_result_ids=[]))
        codes = {Path(lsp_uri_path(item.uri)).relative_to(root).as_posix(): [d.code for d in item.items] for item in workspace.items}
        assert codes[ADMIN] == ["unscoped-broadcast"]
        assert "undeclared-event" in codes["apps/web/src/components/DealBoard.tsx"]
        assert s.client.diagnostics == {}  # nothing pushed to a pull client
        assert s.client.diagnostic_refresh_count >= 1


async def test_settings_from_configuration_and_initialization_options(tmp_path):
    root = copy_fixture(tmp_path)
    settings = {"rooms": {"deal": "deal:{dealId}"}, "rules": {"unscoped-broadcast": "off"}}
    async with serve([root], settings=settings, init_options={"socketlens": {"rooms": {"team": "team:{teamId}"}}}) as s:
        await s.wait_ready()
        document = s.open("apps/api/src/routes/r.ts", 'import { io } from "../socket";\nio.to("").emit("x");\n')
        result = await s.client.text_document_completion_async(
            lsp.CompletionParams(lsp.TextDocumentIdentifier(document), lsp.Position(1, 7))
        )
        assert sorted(item.label for item in result.items) == ["deal:", "org:", "team:", "user:"]
        # the severity override turned the rule off: admin.ts has nothing to report
        await s.diagnostics_for(uri(root, "apps/web/src/components/DealBoard.tsx"), lambda ds: len(ds) > 0)
        assert not any(d.code == "unscoped-broadcast" for ds in s.client.diagnostics.values() for d in ds)
        # a configuration change is re-read
        s.client.set_configuration({"rules": {}}, section="socketlens")
        s.client.workspace_did_change_configuration(lsp.DidChangeConfigurationParams(settings=None))
        await s.diagnostics_for(uri(root, ADMIN), lambda ds: any(d.code == "unscoped-broadcast" for d in ds))


async def test_requests_before_indexing_and_shutdown(tmp_path):
    root = copy_fixture(tmp_path)
    client = make_test_lsp_client()
    await client.start_io(sys.executable, "-m", "socketlens", "serve", env=dict(os.environ))
    try:
        await client.initialize_session(
            lsp.InitializeParams(capabilities=lsp.ClientCapabilities(), workspace_folders=[lsp.WorkspaceFolder(root.as_uri(), "r")])
        )
        # no progress, no watcher registration, no configuration support: still answers
        document = uri(root, LEADS)
        client.text_document_did_open(
            lsp.DidOpenTextDocumentParams(lsp.TextDocumentItem(document, "typescript", 1, (root / LEADS).read_text()))
        )
        hover = await client.text_document_hover_async(
            lsp.HoverParams(lsp.TextDocumentIdentifier(document), position_of(root, LEADS, '"lead:new"', 2))
        )
        assert hover is not None and "lead:new" in hover.contents.value
        assert await client.shutdown_async(None) is None
        client.exit(None)
        assert await asyncio.wait_for(client._server.wait(), 10) == 0
    finally:
        await client.stop()


# ---------------------------------------------------------------------------------------------------------
# Cancellation. The server's test gate holds its await points, so "the cancel was processed before the
# request did any work" does not depend on timing: messages are handled in order.


def enabled_rule_count(root: Path) -> int:
    from socketlens.analysis.rules import all_rules
    from socketlens.config import load_config

    config, _ = load_config(root)
    return sum(1 for r in all_rules() if config.severity(r.code, r.default_severity.value) != "off")


def is_request_cancelled(answer: Any) -> bool:
    from pygls.exceptions import JsonRpcRequestCancelled

    return isinstance(answer, JsonRpcRequestCancelled) and answer.code == -32800


async def test_a_cancelled_diagnostic_request_runs_no_rule_and_the_next_one_answers(tmp_path):
    root = copy_fixture(tmp_path)
    async with serve([root], pull=True, hooks=True) as s:
        await s.wait_ready()
        admin = uri(root, ADMIN)
        (folder,) = (await s.stats())["roots"]
        assert (await s.stats())["ruleRuns"] == 0 and folder["diagnosticsGeneration"] != folder["generation"]

        s.gate(0)
        params = lsp.DocumentDiagnosticParams(lsp.TextDocumentIdentifier(admin))
        answer = await asyncio.gather(s.cancelled(lsp.TEXT_DOCUMENT_DIAGNOSTIC, params, "cancel-diagnostic"), release(s))
        assert is_request_cancelled(answer[0]), answer[0]
        stats = await s.stats()
        (folder,) = stats["roots"]
        assert stats["ruleRuns"] == 0  # no rule ran for it
        assert folder["diagnosticsGeneration"] != folder["generation"] and folder["rulesPending"] is None

        # the next request answers as if nothing happened, running every rule once, for this file alone
        report = await s.client.text_document_diagnostic_async(params)
        assert [d.code for d in report.items] == ["unscoped-broadcast"]
        stats = await s.stats()
        (folder,) = stats["roots"]
        assert stats["ruleRuns"] == enabled_rule_count(root)
        assert folder["diagnosticsGeneration"] != folder["generation"]  # the other files' are left for later
        # asked again, it answers from what it computed; the whole folder's run happens when asked for
        again = await s.client.text_document_diagnostic_async(params)
        assert [d.code for d in again.items] == ["unscoped-broadcast"]
        assert (await s.stats())["ruleRuns"] == enabled_rule_count(root)
        workspace = await s.client.workspace_diagnostic_async(lsp.WorkspaceDiagnosticParams(previous_result_ids=[]))
        assert "no-emitter" in {d.code for item in workspace.items for d in item.items}
        stats = await s.stats()
        (folder,) = stats["roots"]
        assert stats["ruleRuns"] == 2 * enabled_rule_count(root)
        assert folder["diagnosticsGeneration"] == folder["generation"]


async def release(s: Session) -> None:
    """Reopen the gate after the request and its cancel were sent (gathered after `cancelled`)."""
    s.gate(None)


async def test_a_workspace_diagnostic_cancelled_midway_keeps_the_rules_done_for_the_next_request(tmp_path):
    root = copy_fixture(tmp_path)
    async with serve([root], pull=True, hooks=True) as s:
        await s.wait_ready()
        total = enabled_rule_count(root)
        assert total > 3
        s.gate(3)  # at most 3 rules can run before the cancel is seen
        params = lsp.WorkspaceDiagnosticParams(previous_result_ids=[])
        answer, _ = await asyncio.gather(s.cancelled(lsp.WORKSPACE_DIAGNOSTIC, params, "cancel-workspace"), release(s))
        assert is_request_cancelled(answer), answer
        stats = await s.stats()
        ran = stats["ruleRuns"]
        (folder,) = stats["roots"]
        assert ran <= 3 and folder["diagnosticsGeneration"] != folder["generation"]
        assert folder["rulesPending"] == (total - ran if ran else None)

        workspace = await s.client.workspace_diagnostic_async(params)
        codes = {Path(lsp_uri_path(item.uri)).relative_to(root).as_posix(): [d.code for d in item.items] for item in workspace.items}
        assert codes[ADMIN] == ["unscoped-broadcast"]
        assert "undeclared-event" in codes["apps/web/src/components/DealBoard.tsx"]
        assert (await s.stats())["ruleRuns"] == total  # resumed: no rule ran twice


async def test_cancelled_navigation_lens_symbol_rename_and_action_requests_answer_request_cancelled(tmp_path):
    root = copy_fixture(tmp_path)
    async with serve([root], hooks=True) as s:
        await s.wait_ready()
        maps = s.open(MAPS)
        where = position_of(root, MAPS, '"chat:send"', 1)
        document = lsp.TextDocumentIdentifier(maps)
        requests = {
            lsp.TEXT_DOCUMENT_REFERENCES: lsp.ReferenceParams(
                context=lsp.ReferenceContext(include_declaration=True), text_document=document, position=where
            ),
            lsp.TEXT_DOCUMENT_RENAME: lsp.RenameParams(document, where, "chat:post"),
            lsp.WORKSPACE_SYMBOL: lsp.WorkspaceSymbolParams(query="lead"),
            lsp.TEXT_DOCUMENT_CODE_LENS: lsp.CodeLensParams(document),
            lsp.TEXT_DOCUMENT_CODE_ACTION: lsp.CodeActionParams(
                document, lsp.Range(where, where), lsp.CodeActionContext(diagnostics=[], trigger_kind=lsp.CodeActionTriggerKind.Invoked)
            ),
            "socketlens/scaffoldOptions": {"textDocument": {"uri": maps}},
        }
        s.gate(0)
        sent = [s.cancelled(method, params, f"cancel-{number}") for number, (method, params) in enumerate(requests.items())]
        *answers, _ = await asyncio.gather(*sent, release(s))
        for method, answer in zip(requests, answers):
            assert is_request_cancelled(answer), (method, answer)
        # nothing was left half done: the same requests answer normally now
        refs = await s.client.text_document_references_async(requests[lsp.TEXT_DOCUMENT_REFERENCES])
        assert rels(root, refs) == [("apps/api/src/routes/chat.ts", 7), (CHAT_PANEL, 39), (MAPS, 44)]
        symbols = await s.client.workspace_symbol_async(requests[lsp.WORKSPACE_SYMBOL])
        assert [sym.name for sym in symbols] == ["lead:archived", "lead:new", "lead:updated"]
        lenses = await s.client.text_document_code_lens_async(requests[lsp.TEXT_DOCUMENT_CODE_LENS])
        assert {lens.range.start.line + 1: lens.command.title for lens in lenses}[20] == "1 emitter · 1 listener"
        options = await s.client.protocol.send_request_async("socketlens/scaffoldOptions", requests["socketlens/scaffoldOptions"])
        assert "POST /api/leads" in [route.label for route in options.routes]
        assert (root / MAPS).read_text() == (FIXTURE / MAPS).read_text()


async def test_diagnostics_of_a_version_that_changed_meanwhile_are_never_published(tmp_path):
    root = copy_fixture(tmp_path)
    async with serve([root], hooks=True) as s:
        await s.wait_ready()
        await s.diagnostics_for(uri(root, ADMIN), lambda ds: any(d.code == "unscoped-broadcast" for d in ds))
        s.gate(0)  # every diagnostics run now waits at its first await point
        leads = s.open(LEADS)  # version 1
        original = (root / LEADS).read_text()
        lines = original.splitlines(keepends=True)
        s.replace(leads, "".join(lines[:15] + [BROADCAST_EMIT] + lines[15:]))  # version 2: a broadcast
        s.replace(leads, "".join(lines[:15] + [BROADCAST_EMIT, BROADCAST_EMIT] + lines[15:]))  # version 3: two
        s.gate(None)
        for _ in range(100):
            if any(p.uri == leads and p.version == 3 for p in s.publications):
                break
            await asyncio.wait_for(s.client.wait_for_notification(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS), 30)
        ours = [p for p in s.publications if p.uri == leads and p.version is not None]
        assert [p.version for p in ours] == [3]
        assert [d.range.start.line for d in ours[0].diagnostics if d.code == "unscoped-broadcast"] == [15, 16]


async def test_chunked_diagnostics_equal_the_rule_engine_run_in_one_go():
    from socketlens.analysis.rules import RuleContext, run_rules
    from socketlens.config import load_config
    from socketlens.index.builder import IndexBuilder
    from socketlens.lsp.server import SocketlensServer
    from socketlens.lsp.state import RootState

    config, _ = load_config(FIXTURE)
    state = RootState.empty(FIXTURE.resolve(), config)
    state.builder = IndexBuilder(state.root, config, use_cache=False)
    state.index = state.builder.build()
    server = SocketlensServer()

    found = await server.diagnostics_async(state)  # one rule per step
    read = lambda rel: (state.root / rel).read_text(encoding="utf-8")  # noqa: E731
    whole = run_rules(RuleContext(index=state.index, config=config, read_text=read))
    expected: dict[str, list] = {}
    for diagnostic in whole:
        expected.setdefault(diagnostic.file, []).append(diagnostic)
    assert len({d.code for d in whole}) >= 3 and found == expected
    assert server.rule_runs == enabled_rule_count(FIXTURE)


async def test_the_built_index_is_kept_out_of_the_garbage_collectors_full_passes(tmp_path):
    # A full collection over a big index lands on some keystroke; once built, the index is frozen.
    root = copy_fixture(tmp_path)
    async with serve([root], hooks=True) as s:
        await s.wait_ready()
        assert (await s.stats())["frozenObjects"] > 10_000


async def test_typing_a_generic_that_names_event_maps_declares_their_members(tmp_path):
    # `Up`/`Down` are maps only because a Server generic names them; typing it must not need a rebuild.
    root = tmp_path / "repo"
    (root / "src").mkdir(parents=True)
    (root / "package.json").write_text('{"name": "app", "dependencies": {"socket.io": "4"}}')
    (root / "src/maps.ts").write_text("export interface Up { ping: () => void }\nexport interface Down { hello: () => void }\n")
    before = 'import { Server } from "socket.io";\nimport type { Up, Down } from "./maps";\nexport const io = new Server();\n'
    (root / "src/io.ts").write_text(before)
    async with serve([root]) as s:
        await s.wait_ready()
        names = lambda symbols: sorted(symbol.name for symbol in symbols or [])  # noqa: E731
        assert names(await s.client.workspace_symbol_async(lsp.WorkspaceSymbolParams(query=""))) == []
        document = s.open("src/io.ts")
        s.replace(document, before.replace("new Server()", "new Server<Up, Down>()"))
        symbols = await s.client.workspace_symbol_async(lsp.WorkspaceSymbolParams(query=""))
        assert names(symbols) == ["hello", "ping"]
