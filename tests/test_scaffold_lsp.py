"""End to end through the real server (pytest-lsp as the client): `socketlens/scaffoldOptions`, the
`socketlens.scaffold.addEvent` command applying its edit through the client's `workspace/applyEdit`, and
the scaffold's code actions."""

from __future__ import annotations

import asyncio
import contextlib
import sys
from pathlib import Path
from typing import Union

import pytest
from lsprotocol import types as lsp
from pygls.uris import to_fs_path
from pytest_lsp import make_test_lsp_client

from socketlens.scaffold_apply import apply_plan

from scaffold_support import SEED, copy_fixture, plan, snapshot

pytestmark = pytest.mark.asyncio

LEADS = "apps/api/src/routes/leads.ts"
LEAD_LIST = "apps/web/src/components/LeadList.tsx"


def _offset(text: str, position: lsp.Position) -> int:
    """UTF-16 LSP position -> index into `text`."""
    lines = text.split("\n")
    index = sum(len(line) + 1 for line in lines[: position.line])
    units = 0
    for ch in lines[position.line] if position.line < len(lines) else "":
        if units >= position.character:
            break
        units += 2 if ord(ch) > 0xFFFF else 1
        index += 1
    return index


def apply_workspace_edit(edit: lsp.WorkspaceEdit) -> None:
    """What an editor does with the edit: create files (never overwriting), then insert text."""
    for change in edit.document_changes or []:
        if isinstance(change, lsp.CreateFile):
            path = Path(to_fs_path(change.uri))
            assert change.options is not None and not change.options.overwrite
            if not path.exists():
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text("")
        elif isinstance(change, lsp.TextDocumentEdit):
            path = Path(to_fs_path(change.text_document.uri))
            text = path.read_text(encoding="utf-8")
            # Edits refer to the original text; at one position they apply in array order.
            located = [(_offset(text, e.range.start), i, e) for i, e in enumerate(change.edits)]
            for offset, _, e in sorted(located, key=lambda item: (item[0], item[1]), reverse=True):
                text = text[:offset] + e.new_text + text[_offset(text, e.range.end) if e.range.end != e.range.start else offset :]
            path.write_text(text, encoding="utf-8")
        else:
            raise AssertionError(f"unexpected change {change!r}")


def _fix_code_action_parsing(client) -> None:
    """lsprotocol's client-side hook reads any object with a `command` key as a Command, so a CodeAction
    carrying a command would arrive as a mangled Command; a Command's `command` is a string."""
    converter = client.protocol._converter

    def structure(obj, _):
        if isinstance(obj.get("command"), str):
            return converter.structure(obj, lsp.Command)
        return converter.structure(obj, lsp.CodeAction)

    converter.register_structure_hook(Union[lsp.Command, lsp.CodeAction], structure)


@contextlib.asynccontextmanager
async def serve(root: Path):
    client = make_test_lsp_client()
    _fix_code_action_parsing(client)
    ready = asyncio.Event()
    applied: list[lsp.WorkspaceEdit] = []

    @client.feature("socketlens/status")
    def on_status(params):
        state = params.get("state") if isinstance(params, dict) else getattr(params, "state", None)
        if state == "ready":
            ready.set()

    @client.feature(lsp.WORKSPACE_APPLY_EDIT)
    def on_apply_edit(params: lsp.ApplyWorkspaceEditParams):
        applied.append(params.edit)
        apply_workspace_edit(params.edit)
        return lsp.ApplyWorkspaceEditResult(applied=True)

    await client.start_io(sys.executable, "-m", "socketlens", "serve", "--stdio")
    try:
        await client.initialize_session(
            lsp.InitializeParams(
                capabilities=lsp.ClientCapabilities(
                    workspace=lsp.WorkspaceClientCapabilities(
                        apply_edit=True,
                        workspace_edit=lsp.WorkspaceEditClientCapabilities(
                            document_changes=True, resource_operations=[lsp.ResourceOperationKind.Create]
                        ),
                    ),
                ),
                workspace_folders=[lsp.WorkspaceFolder(root.as_uri(), root.name)],
                root_uri=root.as_uri(),
            )
        )
        await asyncio.wait_for(ready.wait(), 60)
        client.applied = applied
        yield client
    finally:
        # Also after a failed assertion: a server that is not shut down keeps `stop()` waiting.
        with contextlib.suppress(Exception):
            await asyncio.wait_for(client.shutdown_session(), 30)
        await client.stop()


def _open(client, root: Path, rel: str, text: str | None = None) -> str:
    uri = (root / rel).as_uri()
    text = (root / rel).read_text(encoding="utf-8") if text is None else text
    language = "typescriptreact" if rel.endswith(".tsx") else "typescript"
    client.text_document_did_open(lsp.DidOpenTextDocumentParams(lsp.TextDocumentItem(uri, language, 1, text)))
    return uri


def _position(text: str, needle: str) -> lsp.Position:
    index = text.index(needle)
    return lsp.Position(text.count("\n", 0, index), index - (text.rfind("\n", 0, index) + 1))


async def _actions(client, uri: str, position: lsp.Position, only=None, invoked=False) -> list[lsp.CodeAction]:
    context = lsp.CodeActionContext(
        diagnostics=[], only=only, trigger_kind=lsp.CodeActionTriggerKind.Invoked if invoked else None
    )
    result = await client.text_document_code_action_async(
        lsp.CodeActionParams(lsp.TextDocumentIdentifier(uri), lsp.Range(position, position), context)
    )
    return [a for a in result or [] if isinstance(a, lsp.CodeAction)]


async def test_scaffold_options_list_the_routes_scopes_and_consumers(tmp_path):
    root = copy_fixture("bare-monorepo", tmp_path)
    async with serve(root) as client:
        leads = (root / LEADS).read_text()
        uri = _open(client, root, LEADS)
        inside = _position(leads, "await db.lead.create")
        options = await client.protocol.send_request_async(
            "socketlens/scaffoldOptions", {"textDocument": {"uri": uri}, "position": {"line": inside.line, "character": inside.character}}
        )
    options = options._asdict() if hasattr(options, "_asdict") else options
    routes = [r._asdict() if hasattr(r, "_asdict") else r for r in options["routes"]]
    # Only the mutation routes, found although the file never mentions a socket (the index skipped it).
    assert [(r["label"], r["file"], r["line"], r["containsPosition"]) for r in routes] == [
        ("POST /api/leads", LEADS, 11, True)
    ]
    assert routes[0]["uri"] == (root / LEADS).as_uri()
    scopes = {(s.scope if hasattr(s, "scope") else s["scope"]) for s in options["scopes"]}
    assert scopes == {"user", "org", "room"}
    consumer_files = [c.file if hasattr(c, "file") else c["file"] for c in options["consumers"]]
    assert LEAD_LIST in consumer_files and "apps/web/src/App.tsx" in consumer_files
    assert list(options["events"]) == []
    assert "domain:action" in options["namingHint"]


async def test_the_command_applies_the_same_edit_as_the_cli_through_apply_edit(tmp_path):
    root = copy_fixture("bare-monorepo", tmp_path / "lsp")
    expected_root = copy_fixture("bare-monorepo", tmp_path / "cli")
    _, expected_plan = plan(expected_root, **SEED)
    apply_plan(expected_root, expected_plan)

    async with serve(root) as client:
        arguments = {**SEED, "uri": root.as_uri()}
        result = await client.workspace_execute_command_async(
            lsp.ExecuteCommandParams(command="socketlens.scaffold.addEvent", arguments=[arguments])
        )
        assert len(client.applied) == 1
        # Like an editor, report the files the edit wrote to the server's file watcher.
        get = lambda obj, key: obj[key] if isinstance(obj, dict) else getattr(obj, key)  # noqa: E731
        client.workspace_did_change_watched_files(
            lsp.DidChangeWatchedFilesParams(
                changes=[
                    lsp.FileEvent(get(f, "uri"), lsp.FileChangeType.Created if get(f, "created") else lsp.FileChangeType.Changed)
                    for f in get(result, "files")
                ]
            )
        )
        again = await client.workspace_execute_command_async(
            lsp.ExecuteCommandParams(command="socketlens.scaffold.addEvent", arguments=[arguments])
        )
        refused = await client.workspace_execute_command_async(
            lsp.ExecuteCommandParams(
                command="socketlens.scaffold.addEvent",
                arguments=[{**arguments, "name": "deal:created", "trigger": "POST /api/deals"}],
            )
        )
        assert len(client.applied) == 1  # neither the repeat nor the refusal sent an edit
    assert get(result, "applied") is True
    files = {(get(f, "uri"), get(f, "created")) for f in get(result, "files")}
    assert ((root / "apps/api/src/socket.ts").as_uri(), True) in files
    assert ((root / LEADS).as_uri(), False) in files
    emit = get(result, "emitLocation")
    assert get(emit, "uri") == (root / LEADS).as_uri()
    emit_line = (root / LEADS).read_text().splitlines()[get(get(get(emit, "range"), "start"), "line")]
    assert '.emit("lead:new"' in emit_line
    # The editor path writes exactly what the CLI writes.
    assert snapshot(root) == snapshot(expected_root)
    assert get(again, "applied") is False and "nothing to do" in get(again, "message")
    assert get(refused, "applied") is False and get(refused, "refused") is True
    assert "POST /api/deals not found" in get(refused, "message")


async def test_code_actions_appear_where_they_should(tmp_path):
    root = copy_fixture("monorepo", tmp_path)
    async with serve(root) as client:
        leads_text = (root / LEADS).read_text()
        leads = _open(client, root, LEADS)
        inside = _position(leads_text, "await db.lead.create")
        # The "Source Action…" menu offers it anywhere.
        source = await _actions(client, leads, inside, only=[lsp.CodeActionKind.Source])
        assert [(a.title, a.kind, a.command.command) for a in source] == [
            ("Add WebSocket event…", "source.socketlens.addEvent", "socketlens.addEvent")
        ]
        # Inside the POST handler: the refactor pre-filling the trigger (asked for, or invoked by the user).
        titles = {a.title: a for a in await _actions(client, leads, inside, only=[lsp.CodeActionKind.Refactor])}
        assert list(titles) == ["Add WebSocket event emitted by POST /api/leads…"]
        invoked = [a.title for a in await _actions(client, leads, inside, invoked=True)]
        assert invoked == ["Add WebSocket event emitted by POST /api/leads…"]
        # The automatic light bulb (no `only`, not invoked) stays quiet.
        assert await _actions(client, leads, inside) == []
        refactor = titles["Add WebSocket event emitted by POST /api/leads…"]
        assert refactor.kind == "refactor.socketlens.addEvent"
        assert refactor.command.command == "socketlens.addEvent"
        prefill = refactor.command.arguments[0]
        assert (prefill["trigger"], prefill["triggerFile"]) == ("POST /api/leads", LEADS)
        # Outside any handler: the source action, no refactor.
        outside = _position(leads_text, "const router")
        assert [a.title for a in await _actions(client, leads, outside, only=[lsp.CodeActionKind.Source])] == [
            "Add WebSocket event…"
        ]
        assert await _actions(client, leads, outside, only=[lsp.CodeActionKind.Refactor]) == []

        # An undeclared listened event: "Declare event" inserts it into the map, typed as the handler says.
        board_rel = "apps/web/src/components/DealBoard.tsx"
        board_text = (root / board_rel).read_text()
        board = _open(client, root, board_rel)
        actions = await _actions(client, board, _position(board_text, '"deal:won"'))
        declare = next(a for a in actions if a.title == "Declare event deal:won in ServerToClientEvents")
        [(target, edits)] = declare.edit.changes.items()
        assert target == (root / "packages/shared/src/socket-events.ts").as_uri()
        assert edits[0].new_text.endswith('  "deal:won": (payload: { dealId: string }) => void;\n')

        # A declared event heard but never emitted: "Add emit for this event".
        list_text = (root / LEAD_LIST).read_text().replace(
            '  if (isPending)', '  useSocketEvent("lead:archived", () => {});\n\n  if (isPending)'
        )
        lead_list = _open(client, root, LEAD_LIST, list_text)
        actions = await _actions(client, lead_list, _position(list_text, '"lead:archived"'))
        add_emit = next(a for a in actions if a.title == "Add emit for lead:archived…")
        assert add_emit.command.arguments[0]["parts"] == ["emit"]
        assert add_emit.command.arguments[0]["payload"] == "leadId: string"

        # A declared event emitted but never heard: "Add listener hook".
        admin_rel = "apps/api/src/routes/admin.ts"
        admin_text = (root / admin_rel).read_text().replace(
            '  res.status(202)', '  io.to(`org:${req.user.orgId}`).emit("lead:updated", { leadId: "x", changes: [] });\n  res.status(202)'
        )
        client.text_document_did_change(
            lsp.DidChangeTextDocumentParams(
                lsp.VersionedTextDocumentIdentifier(version=2, uri=lead_list),
                [lsp.TextDocumentContentChangeWholeDocument(text=(root / LEAD_LIST).read_text().replace('useSocketEvent("lead:updated"', 'useSocketEvent("lead:new"'))],
            )
        )
        admin = _open(client, root, admin_rel, admin_text)
        actions = await _actions(client, admin, _position(admin_text, '"lead:updated"'))
        hook = next(a for a in actions if a.title == "Add listener hook for lead:updated…")
        assert hook.command.arguments[0]["parts"] == ["consumer"]
        # Neither fires where it does not apply: lead:new is emitted and heard.
        actions = await _actions(client, leads, _position(leads_text, '"lead:new"'))
        assert not any(a.title.startswith(("Declare event", "Add emit", "Add listener hook")) for a in actions)
