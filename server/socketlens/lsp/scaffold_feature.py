""""Add WebSocket event" in the editor: the `socketlens.scaffold.addEvent` command, the
`socketlens/scaffoldOptions` request and the scaffold's code actions.

Plugs into `SocketlensServer` through its extension points only (`root_for`, `sync`, `documents`,
`lines_for`, `code_action_providers`). Planning is `analysis.scaffold`; this module converts the plan into
a WorkspaceEdit (CreateFile without overwrite + TextDocumentEdits against the versions the plan saw) and
sends it through `workspace/applyEdit`.
"""

from __future__ import annotations

import logging
from typing import Any

from lsprotocol import types as lsp

from socketlens.analysis.scaffold import (
    Create,
    Plan,
    ScaffoldContext,
    ScaffoldRequest,
    Status,
    disk_reader,
    plan_add_event,
)
from socketlens.analysis.scaffold.maps_edit import member_insert
from socketlens.analysis.scaffold.discover import _ROUTE_TOKENS
from socketlens.analysis.scaffold.options import consumers, event_names, mutation_routes, naming_hint, route_at, scopes
from socketlens.analysis.scaffold.payload import fields_of_declaration, parse_payload, PayloadError
from socketlens.model import Side
from socketlens.workspace import language_of

log = logging.getLogger("socketlens.lsp.scaffold")

COMMAND = "socketlens.scaffold.addEvent"  # executed by the server: plans and applies
CLIENT_COMMAND = "socketlens.addEvent"  # the VS Code extension's command: prompts, then runs COMMAND
OPTIONS_REQUEST = "socketlens/scaffoldOptions"
SOURCE_KIND = "source.socketlens.addEvent"
REFACTOR_KIND = "refactor.socketlens.addEvent"
ADD_TITLE = "Add WebSocket event…"


def _get(obj: Any, key: str, default: Any = None) -> Any:
    """A field of a request parameter, whether pygls hands over a dict, a namedtuple or an attrs object."""
    if obj is None:
        return default
    if isinstance(obj, dict):
        return obj.get(key, default)
    return getattr(obj, key, default)


def context_for(server, state) -> ScaffoldContext:
    """Planning context of a folder: its index (synced with open buffers) and buffers over the disk."""
    server.sync(state)
    overlay: dict[str, bytes] = {}
    for document in server.documents.values():
        if document.rel is not None and server.root_for(document.uri) is state:
            overlay[document.rel] = document.data
    return ScaffoldContext(root=state.root, config=state.config, index=state.index, read=disk_reader(state.root, overlay))


def _state_for_args(server, args: dict) -> Any:
    text_document = args.get("textDocument")
    uri = args.get("uri") or (text_document.get("uri") if isinstance(text_document, dict) else None)
    if uri:
        for state in server.roots:  # the folder's own URI (root_for only knows files inside folders)
            if state.uri.rstrip("/") == str(uri).rstrip("/"):
                return state
        return server.root_for(uri)
    return server.roots[0] if len(server.roots) == 1 else None


def request_from(args: dict) -> ScaffoldRequest:
    parts = args.get("parts")
    return ScaffoldRequest(
        name=str(args.get("name", "")),
        payload=str(args.get("payload", "")),
        scope=str(args.get("scope", "")),
        trigger=str(args.get("trigger", "")),
        room_template=args.get("roomTemplate") or None,
        consumer=args.get("consumer") or None,
        trigger_file=args.get("triggerFile") or None,
        parts=frozenset(parts) if parts else frozenset({"declare", "emit", "consumer"}),
    )


async def routes_cancellable(server, ctx: ScaffoldContext):
    """`mutation_routes(ctx)`, with an await point (`server.checkpoint()`) before it and between every
    `CHUNK` candidate files: it may extract the route files the index skipped, which is long on a big repo.
    The extraction happens here, cached in `ctx`; `mutation_routes` then only reads the cache."""
    from socketlens.lsp.server import CHUNK

    await server.checkpoint()
    extracted = 0
    for rel in sorted(ctx.files):  # the candidates `find_routes` extracts: same filter
        if language_of(rel) not in ("typescript", "tsx", "javascript"):
            continue
        data = ctx.read(rel)
        if data is None or not any(token in data for token in _ROUTE_TOKENS):
            continue
        ctx.facts(rel)
        extracted += 1
        if extracted % CHUNK == 0:
            await server.checkpoint()
    return mutation_routes(ctx)


def workspace_edit(server, state, ctx: ScaffoldContext, plan: Plan) -> tuple[lsp.WorkspaceEdit, list[dict]]:
    """The plan as document changes: created files first, then inserts grouped per document."""
    changes: list[Any] = []
    files: list[dict] = []
    inserts: dict[str, list] = {}
    for edit in plan.edits:
        uri = state.uri_of(edit.path)
        if isinstance(edit, Create):
            changes.append(
                lsp.CreateFile(uri=uri, options=lsp.CreateFileOptions(overwrite=False, ignore_if_exists=True))
            )
            changes.append(
                lsp.TextDocumentEdit(
                    text_document=lsp.OptionalVersionedTextDocumentIdentifier(uri=uri, version=None),
                    edits=[lsp.TextEdit(range=lsp.Range(lsp.Position(0, 0), lsp.Position(0, 0)), new_text=edit.text)],
                )
            )
            files.append({"uri": uri, "created": True})
        else:
            if uri not in inserts:
                files.append({"uri": uri, "created": False})
            inserts.setdefault(uri, []).append(edit)
    for uri, edits in inserts.items():
        lines = server.lines_for(uri)
        document = server.documents.get(uri)
        text_edits = []
        for insert in edits:
            position = lines.position(insert.line, insert.column) if lines is not None else lsp.Position(insert.line, insert.column)
            text_edits.append(lsp.TextEdit(range=lsp.Range(position, position), new_text=insert.text))
        changes.append(
            lsp.TextDocumentEdit(
                # The version the plan was made against: the client refuses the edit if the buffer moved on.
                text_document=lsp.OptionalVersionedTextDocumentIdentifier(
                    uri=uri, version=document.version if document is not None else None
                ),
                edits=text_edits,
            )
        )
    return lsp.WorkspaceEdit(document_changes=changes), files


def _location(state, plan: Plan) -> dict | None:
    where = plan.emit_location
    if where is None:
        return None
    position = {"line": where.line, "character": where.column}
    return {"uri": state.uri_of(where.path), "range": {"start": position, "end": position}}


def register(server) -> None:
    @server.command(COMMAND)
    async def add_event(ls, *arguments):
        args = arguments[0] if arguments and isinstance(arguments[0], dict) else {}
        state = _state_for_args(ls, args)
        if state is None:
            return {"applied": False, "message": "no workspace folder to add the event to", "files": []}
        ctx = context_for(ls, state)
        plan = plan_add_event(ctx, request_from(args))
        result: dict[str, Any] = {"applied": False, "message": plan.message, "files": [], "notes": list(plan.notes)}
        if plan.existing is not None:
            result["existing"] = {
                "uri": state.uri_of(plan.existing.path),
                "range": {
                    "start": {"line": plan.existing.line, "character": plan.existing.column},
                    "end": {"line": plan.existing.line, "character": plan.existing.column},
                },
            }
        if plan.status != Status.READY:
            result["refused"] = plan.status == Status.REFUSED
            return result
        edit, files = workspace_edit(ls, state, ctx, plan)
        response = await ls.workspace_apply_edit_async(lsp.ApplyWorkspaceEditParams(edit=edit, label=f"Add {args.get('name')}"))
        applied = bool(_get(response, "applied", False))
        result["applied"] = applied
        result["files"] = files if applied else []
        if applied:
            location = _location(state, plan)
            if location is not None:
                result["emitLocation"] = location
            ls.refresh()
        else:
            reason = _get(response, "failure_reason") or _get(response, "failureReason")
            result["message"] = f"the editor did not apply the edit{': ' + reason if reason else ''}"
        return result

    @server.feature(OPTIONS_REQUEST)
    async def scaffold_options(ls, params=None):
        await ls.checkpoint()
        uri = _get(_get(params, "textDocument"), "uri")
        position = _get(params, "position")
        state = ls.root_for(uri) if uri else (ls.roots[0] if len(ls.roots) == 1 else None)
        if state is None:
            return {"routes": [], "scopes": [], "consumers": [], "events": [], "namingHint": ""}
        ctx = context_for(ls, state)
        routes = await routes_cancellable(ls, ctx)
        here = None
        rel = state.rel_of(uri) if uri else None
        if rel is not None and position is not None:
            lines = ls.lines_for(uri)
            if lines is not None:
                offset = lines.byte_offset(lsp.Position(int(_get(position, "line", 0)), int(_get(position, "character", 0))))
                here = route_at(routes, rel, offset)
        return {
            "routes": [
                {
                    "method": r.method,
                    "path": r.path,
                    "file": r.file,
                    "uri": state.uri_of(r.file),
                    "line": r.route.span.start_line,
                    "label": r.label,
                    "containsPosition": r is here,
                }
                for r in routes
            ],
            "scopes": scopes(ctx),
            "consumers": [{"label": c.label, "file": c.file, "uri": state.uri_of(c.file)} for c in consumers(ctx)],
            "events": event_names(ctx),
            "namingHint": naming_hint(ctx),
        }

    server.code_action_providers.append(lambda params: code_actions(server, params))


# ---------------------------------------------------------------------------------------------------------
# Code actions


def _wanted(params: lsp.CodeActionParams, kind: str) -> bool:
    only = params.context.only
    return not only or _asked_for(params, kind)


def _asked_for(params: lsp.CodeActionParams, kind: str) -> bool:
    """The client explicitly asked for this kind (or a parent of it) in `only`."""
    return any(kind == str(k) or kind.startswith(str(k) + ".") for k in params.context.only or ())


def _explicitly_invoked(params: lsp.CodeActionParams) -> bool:
    return params.context.trigger_kind == lsp.CodeActionTriggerKind.Invoked


async def code_actions(server, params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
    uri = params.text_document.uri
    state = server.root_for(uri)
    rel = state.rel_of(uri) if state is not None else None
    if state is None or rel is None:
        return []
    ctx = context_for(server, state)
    lines = server.lines_for(uri)
    if lines is None:
        return []
    start = lines.byte_offset(params.range.start)
    end = lines.byte_offset(params.range.end)
    actions: list[lsp.CodeAction] = []
    # Source actions belong in the editor's "Source Action…" menu, which asks for them with `only`; the
    # refactor shows when refactorings are asked for or the user invoked the menu (not the automatic bulb).
    if _asked_for(params, SOURCE_KIND):
        actions.append(
            lsp.CodeAction(
                title=ADD_TITLE,
                kind=SOURCE_KIND,
                command=lsp.Command(title=ADD_TITLE, command=CLIENT_COMMAND, arguments=[{"uri": uri}]),
            )
        )
    if _asked_for(params, REFACTOR_KIND) or (not params.context.only and _explicitly_invoked(params)):
        route = route_at(await routes_cancellable(server, ctx), rel, start)
        if route is not None:
            title = f"Add WebSocket event emitted by {route.label}…"
            prefill = {"uri": uri, "trigger": route.label, "triggerFile": route.file}
            actions.append(
                lsp.CodeAction(title=title, kind=REFACTOR_KIND, command=lsp.Command(title=title, command=CLIENT_COMMAND, arguments=[prefill]))
            )
    if _wanted(params, str(lsp.CodeActionKind.QuickFix)):
        actions += _site_actions(server, state, ctx, uri, rel, start, end)
    return actions


def _sites_at(ctx: ScaffoldContext, rel: str, start: int, end: int):
    for entry in ctx.index.events.values():
        for site in (*entry.emits, *entry.listeners):
            if site.file == rel and site.span.start_byte <= end and start <= site.span.end_byte:
                yield entry, site


def _site_actions(server, state, ctx, uri: str, rel: str, start: int, end: int) -> list[lsp.CodeAction]:
    from socketlens.index.event_index import EmitSite

    actions: list[lsp.CodeAction] = []
    seen: set[tuple[str, str]] = set()
    for entry, site in _sites_at(ctx, rel, start, end):
        is_emit = isinstance(site, EmitSite)
        if not entry.declarations and ("declare", entry.name) not in seen:
            seen.add(("declare", entry.name))
            action = _declare_action(server, state, ctx, entry, site, is_emit)
            if action is not None:
                actions.append(action)
        if not is_emit and not entry.emits and entry.declarations and ("emit", entry.name) not in seen:
            seen.add(("emit", entry.name))
            title = f"Add emit for {entry.name}…"
            prefill = {"uri": uri, "name": entry.name, "parts": ["emit"], "payload": fields_of_declaration(entry.declarations[0].payload)}
            actions.append(lsp.CodeAction(title=title, kind=lsp.CodeActionKind.QuickFix, command=lsp.Command(title=title, command=CLIENT_COMMAND, arguments=[prefill])))
        if is_emit and site.side == Side.SERVER and not entry.listeners and entry.declarations and ("listen", entry.name) not in seen:
            seen.add(("listen", entry.name))
            title = f"Add listener hook for {entry.name}…"
            prefill = {"uri": uri, "name": entry.name, "parts": ["consumer"], "payload": fields_of_declaration(entry.declarations[0].payload)}
            actions.append(lsp.CodeAction(title=title, kind=lsp.CodeActionKind.QuickFix, command=lsp.Command(title=title, command=CLIENT_COMMAND, arguments=[prefill])))
    return actions


def _declare_action(server, state, ctx, entry, site, is_emit: bool) -> lsp.CodeAction | None:
    """Insert the event into the right shared map, with the payload type the site spells when it can."""
    from socketlens.analysis.scaffold.discover import find_maps_file

    maps_file = find_maps_file(ctx)
    if maps_file is None:
        return None
    source = ctx.source(maps_file)
    if source is None:
        return None
    client_emit = is_emit and site.side == Side.CLIENT
    server_listen = not is_emit and site.side == Side.SERVER
    maps = ctx.config.client_to_server_maps if (client_emit or server_listen) else ctx.config.server_to_client_maps
    fields = _site_payload(ctx, site, is_emit)
    try:
        payload = parse_payload(fields)
    except PayloadError:
        payload = parse_payload("")
    insert = member_insert(source, maps[0], entry.name, payload, "TODO: describe when this is sent.")
    if isinstance(insert, str):
        return None
    target_uri = state.uri_of(maps_file)
    lines = server.lines_for(target_uri)
    position = lines.position(insert.line, insert.column) if lines is not None else lsp.Position(insert.line, insert.column)
    return lsp.CodeAction(
        title=f"Declare event {entry.name} in {maps[0]}",
        kind=lsp.CodeActionKind.QuickFix,
        edit=lsp.WorkspaceEdit(changes={target_uri: [lsp.TextEdit(range=lsp.Range(position, position), new_text=insert.text)]}),
    )


def _site_payload(ctx: ScaffoldContext, site, is_emit: bool) -> str:
    """Payload fields as the site spells them: a listener's annotated parameter, or an emitted object's
    keys (typed `unknown`: the declaration is a start to refine)."""
    from socketlens.analysis.scaffold.source import SourceFile

    if is_emit:
        texts = site.emit.payload_texts
        if not texts:
            return ""
        source = SourceFile("payload.ts", f"({texts[0]});".encode())
        node = source.root.named_children[0].named_children[0] if source.root.named_children else None
        while node is not None and node.type == "parenthesized_expression":
            node = node.named_children[0] if node.named_children else None
        if node is None or node.type != "object":
            return ""
        keys = []
        for child in node.named_children:
            key = child.child_by_field_name("key") if child.type == "pair" else child if child.type == "shorthand_property_identifier" else None
            if key is not None and key.type in ("property_identifier", "shorthand_property_identifier"):
                keys.append(f"{key.text.decode()}: unknown")
        return ", ".join(keys)
    handler = site.listener.handler_text
    if not handler:
        return ""
    source = SourceFile("handler.ts", f"const h = {handler};".encode())
    stack = [source.root]
    while stack:
        node = stack.pop()
        if node.type in ("arrow_function", "function_expression"):
            params = node.child_by_field_name("parameters")
            first = params.named_children[0] if params is not None and params.named_children else None
            annotation = first.child_by_field_name("type") if first is not None else None
            type_node = annotation.named_children[0] if annotation is not None and annotation.named_children else None
            if type_node is not None and type_node.type == "object_type":
                return type_node.text.decode()
            return ""
        stack.extend(node.children)
    return ""
