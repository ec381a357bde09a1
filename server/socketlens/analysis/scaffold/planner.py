"""`plan_add_event`: the inputs of "Add WebSocket event" in, one `Plan` out.

The plan (see `plan.py`) is the same for the CLI and the language server. Order of the steps follows the
seed workflow: socket infrastructure, the shared type, the scoped emit in the trigger handler, the client
hook, the consumer. Nothing here writes; refusals write nothing and say why.
"""

from __future__ import annotations

import os
import posixpath
from dataclasses import dataclass

from socketlens.config import RoomPattern
from socketlens.model import Scope
from socketlens.analysis.scaffold import templates
from socketlens.analysis.scaffold.consumer import consumer_edit
from socketlens.analysis.scaffold.discover import (
    RouteInfo,
    ScaffoldContext,
    all_routes,
    client_hook_path,
    find_client_connection,
    find_client_hook,
    find_maps_file,
    find_routes,
    find_socket_server,
    module_specifier,
    object_type_names,
    package_dir,
    package_entry,
    parse_trigger,
    shared_exports,
    socket_module_path,
)
from socketlens.analysis.scaffold.handler import analyse_handler
from socketlens.analysis.scaffold.maps_edit import member_insert, member_text
from socketlens.analysis.scaffold.naming import learn_naming, naming_problem
from socketlens.analysis.scaffold.payload import Payload, PayloadError, parse_payload, record_warnings
from socketlens.analysis.scaffold.plan import Create, Edit, Insert, Location, Plan, Status, refused
from socketlens.analysis.scaffold.source import relative_specifier
from socketlens.analysis.scaffold.style import restyle
from socketlens.analysis.scaffold.wiring import wire_socket

SCOPES = ("user", "org", "room")


@dataclass(frozen=True)
class ScaffoldRequest:
    name: str
    payload: str
    scope: str  # user | org | room | a configured room scope such as "deal"
    trigger: str  # "POST /api/leads"
    room_template: str | None = None  # for scope "room": "deal:{dealId}"
    consumer: str | None = None  # root-relative path of the component that reacts
    trigger_file: str | None = None  # disambiguates a trigger declared in several files
    # Which steps to plan: the full scaffold, or one missing piece of an existing event
    # ("emit": the emit in a trigger; "consumer": the listener hook in a component).
    parts: frozenset[str] = frozenset({"declare", "emit", "consumer"})


class _Refusal(Exception):
    def __init__(self, message: str, existing: Location | None = None):
        super().__init__(message)
        self.existing = existing


def plan_add_event(ctx: ScaffoldContext, request: ScaffoldRequest) -> Plan:
    try:
        return _Planner(ctx, request).plan()
    except _Refusal as refusal:
        return refused(str(refusal), refusal.existing)


def inside_workspace(root, rel: str) -> bool:
    """True when `rel` stays inside the root, also after following symlinks of the existing part."""
    if not rel or rel.startswith("/") or "\\" in rel or (len(rel) > 1 and rel[1] == ":"):
        return False
    if ".." in rel.split("/"):
        return False
    real_root = os.path.realpath(root)
    real = os.path.realpath(os.path.join(real_root, *rel.split("/")))
    return real == real_root or real.startswith(real_root + os.sep)


def room_for(ctx: ScaffoldContext, scope: str, template: str | None) -> RoomPattern:
    if scope == "room" and template:
        if "{" not in template or "}" not in template:
            raise _Refusal(f"room template {template!r} needs a placeholder, like 'deal:{{dealId}}'")
        return RoomPattern("room", template)
    configured = ctx.config.room(scope)
    if configured is not None:
        return configured
    if scope == "room":
        others = [p for p in ctx.config.rooms if p.scope not in ("user", "org")]
        if len(others) == 1:
            return others[0]
        raise _Refusal("scope 'room' needs a room template such as 'deal:{dealId}' (--room-template)")
    raise _Refusal(f"unknown scope {scope!r}: use user, org or room (or a scope configured under [rooms])")


def expected_scope(scope: str) -> Scope:
    return {"user": Scope.USER, "org": Scope.ORG}.get(scope, Scope.ROOM)


class _Planner:
    def __init__(self, ctx: ScaffoldContext, request: ScaffoldRequest):
        self.ctx = ctx
        self.request = request
        self.edits: list[Edit] = []
        self.notes: list[str] = []

    # -- inputs -----------------------------------------------------------------------------------------

    def plan(self) -> Plan:
        ctx, request = self.ctx, self.request
        name = request.name.strip()
        try:
            payload = parse_payload(request.payload)
        except PayloadError as error:
            raise _Refusal(f"payload: {error}") from None
        parts = request.parts
        if not parts or not parts <= {"declare", "emit", "consumer"}:
            raise _Refusal(f"unknown parts {sorted(parts)}: expected declare, emit, consumer")
        if "declare" not in parts:
            return self._piece(name, payload, parts)
        room = room_for(ctx, request.scope, request.room_template)
        trigger = self._trigger()
        consumer = self._consumer()

        entry = ctx.index.events.get(name)
        if entry is not None and entry.declarations:
            declared = entry.declarations[0]
            where = Location(declared.file, declared.span.start_line, declared.span.start_col)
            if self._already_done(entry, trigger, consumer):
                return Plan(
                    Status.UNCHANGED,
                    f"{name} is already declared, emitted from {trigger.label} and "
                    + (f"heard in {consumer}" if consumer else "wired")
                    + ": nothing to do",
                    existing=where,
                )
            raise _Refusal(
                f"{name} already exists: declared at {declared.file}:{declared.span.start_line + 1}; "
                "open it there instead of adding it again",
                where,
            )
        style = learn_naming([n for n, e in ctx.index.events.items() if e.declarations])
        problem = naming_problem(name, style)
        if problem is not None:
            raise _Refusal(problem)

        maps_file = find_maps_file(ctx)
        exports = shared_exports(ctx, maps_file or ctx.config.scaffold.shared_events)
        for item in payload.fields:
            for type_name in item.named_types:
                if type_name not in exports:
                    raise _Refusal(
                        f"payload: unknown type `{type_name}` in `{item.name}`: the shared package exports no such type"
                    )
        self.notes += record_warnings(payload, object_type_names(ctx, {n: exports[n] for f in payload.fields for n in f.named_types}))

        maps_specifier_target = self._declare(name, payload, maps_file, exports, trigger)
        server = self._socket_server(trigger, maps_specifier_target)
        emit_location = self._emit(name, payload, room, trigger, server)
        if consumer is not None:
            self._consumer_side(name, payload, consumer, trigger, maps_specifier_target)
        else:
            self.notes.append(f"no consumer given: nothing listens to {name} yet (add one with --consumer)")
        summary = f"add {name}: {len(self.edits)} edit(s) in {len(dict.fromkeys(e.path for e in self.edits))} file(s)"
        return self._ready(summary, emit_location)

    def _piece(self, name: str, payload: Payload, parts: frozenset[str]) -> Plan:
        """Only the emit and/or the consumer of an event that is already declared."""
        ctx = self.ctx
        entry = ctx.index.events.get(name)
        if entry is None or not entry.declarations:
            raise _Refusal(f"{name} is not declared: add the whole event instead")
        maps_file = entry.declarations[0].file
        maps_entry = package_entry(ctx, maps_file)
        maps_target = maps_entry if maps_entry and ctx.exists(maps_entry) else maps_file
        trigger = consumer = None
        done = True
        emit_location = None
        if "emit" in parts:
            room = room_for(ctx, self.request.scope, self.request.room_template)
            trigger = self._trigger()
            span = trigger.route.handler_span
            if not any(e.file == trigger.file and span.start_byte <= e.span.start_byte <= span.end_byte for e in entry.emits):
                done = False
                server = self._socket_server(trigger, maps_target)
                emit_location = self._emit(name, payload, room, trigger, server)
        if "consumer" in parts:
            consumer = self._consumer()
            if consumer is None:
                raise _Refusal("name the consumer component that should listen")
            if not any(l.file == consumer for l in entry.listeners):
                done = False
                route = trigger or self._any_trigger_of(entry)
                self._consumer_side(name, payload, consumer, route, maps_target)
        if done:
            return Plan(Status.UNCHANGED, f"{name} already has what was asked: nothing to do")
        return self._ready(f"complete {name}: {len(self.edits)} edit(s)", emit_location)

    def _ready(self, summary: str, emit_location) -> Plan:
        """The plan of the edits gathered, once every one of them is known to stay inside the workspace."""
        for edit in self.edits:
            if not inside_workspace(self.ctx.root, edit.path):
                raise _Refusal(f"{edit.path} would land outside the workspace (check the scaffold paths and symlinks)")
        return Plan(Status.READY, summary, tuple(self.edits), tuple(dict.fromkeys(self.notes)), emit_location)

    def _any_trigger_of(self, entry) -> RouteInfo:
        """The route an existing emit lives in (for the query key), else a pseudo route from the event."""
        from socketlens.model import Route, Span

        for emit in entry.emits:
            route = emit.emit.route
            if route is not None:
                return RouteInfo(route.method, route.path, emit.file, route)
        empty = Span(0, 0, 0, 0, 0, 0)
        domain = entry.name.split(":", 1)[0]
        return RouteInfo("GET", f"/api/{domain}s", "", Route("GET", f"/api/{domain}s", empty, empty))

    def _trigger(self) -> RouteInfo:
        parsed = parse_trigger(self.request.trigger)
        if parsed is None:
            raise _Refusal(f"trigger {self.request.trigger!r}: expected a mutation route such as 'POST /api/leads'")
        method, path = parsed
        routes = find_routes(self.ctx)
        matches = [r for r in routes if r.method == method and r.path == path]
        if self.request.trigger_file:
            matches = [r for r in matches if r.file == self.request.trigger_file]
        if not matches:
            known = ", ".join(sorted({r.label for r in routes})) or "none"
            raise _Refusal(f"trigger {method} {path} not found among the Express handlers (found: {known})")
        if len(matches) > 1:
            files = ", ".join(sorted(r.file for r in matches))
            raise _Refusal(f"trigger {method} {path} is handled in several places ({files}): name the file")
        return matches[0]

    def _consumer(self) -> str | None:
        consumer = self.request.consumer
        if not consumer:
            return None
        consumer = consumer.replace("\\", "/")
        while consumer.startswith("./"):
            consumer = consumer[2:]
        if not inside_workspace(self.ctx.root, consumer):
            raise _Refusal(f"consumer {consumer} is outside the workspace")
        if not self.ctx.exists(consumer):
            raise _Refusal(f"consumer {consumer} does not exist")
        return consumer

    def _already_done(self, entry, trigger: RouteInfo, consumer: str | None) -> bool:
        span = trigger.route.handler_span
        emitted = any(
            e.file == trigger.file
            and span.start_byte <= e.span.start_byte <= span.end_byte
            and e.scope == expected_scope(self.request.scope)
            for e in entry.emits
        )
        heard = consumer is None or any(l.file == consumer for l in entry.listeners)
        return emitted and heard

    # -- 2. the shared type -----------------------------------------------------------------------------

    def _declare(self, name: str, payload: Payload, maps_file: str | None, exports: dict[str, str], trigger: RouteInfo) -> str:
        """Declare the event; returns the file API and web code import the maps from (for specifiers)."""
        ctx = self.ctx
        map_name = ctx.config.server_to_client_maps[0]
        doc = f"Emitted by {trigger.label} to the {self._audience()}."
        if maps_file is not None:
            source = ctx.source(maps_file)
            if source is None:
                raise _Refusal(f"cannot read {maps_file}")
            insert = member_insert(source, map_name, name, payload, doc)
            if isinstance(insert, str):
                raise _Refusal(insert)
            self._type_imports(source, payload, exports)
            self.edits.append(insert)
            entry = package_entry(ctx, maps_file)
            return entry if entry and ctx.exists(entry) else maps_file
        # No maps anywhere: create them, and re-export them from the shared package's entry.
        path = ctx.config.scaffold.shared_events
        if ctx.exists(path):
            raise _Refusal(f"{path} exists but declares no {map_name}: add the interface, then run again")
        type_imports: dict[str, list[str]] = {}
        for item in payload.fields:
            for type_name in item.named_types:
                origin = exports[type_name]
                type_imports.setdefault(relative_specifier(path, origin), []).append(type_name)
        member = member_text(name, payload, "  ", '"', ";", "payload", doc)
        text = templates.maps_file(name, member.rstrip("\n"), {k: sorted(set(v)) for k, v in type_imports.items()})
        style = self._style_near(path)
        self.edits.append(Create(path, restyle(text, style), "the shared event maps"))
        entry = package_entry(ctx, path)
        if entry and ctx.exists(entry):
            source = ctx.source(entry)
            spec = relative_specifier(entry, path, source.uses_js_extension())
            last = None
            for node in source.root.children:
                if node.type in ("import_statement", "export_statement"):
                    last = node
            line = f"export * from {source.style.q(spec)}{source.style.semi}"
            if last is not None:
                self.edits.append(source.insert(last.end_byte, "\n" + line, "re-export the event maps"))
            else:
                self.edits.append(source.insert(0, line + "\n", "re-export the event maps"))
            return entry
        self.notes.append(f"no entry file found for the shared package: import the maps from {path}")
        return path

    def _type_imports(self, source, payload: Payload, exports: dict[str, str]) -> None:
        declared_here = set(source.exported_names) | source.top_level_names()
        for item in payload.fields:
            for type_name in item.named_types:
                if type_name in declared_here:
                    continue
                origin = exports[type_name]
                spec = relative_specifier(source.rel, origin, source.uses_js_extension())
                insert = source.add_named_import(spec, type_name, type_only=True, why=f"import {type_name}")
                if insert is not None:
                    self.edits.append(insert)
                    declared_here.add(type_name)

    def _audience(self) -> str:
        scope = self.request.scope
        if scope == "user":
            return "user's sockets"
        if scope == "org":
            return "whole org"
        return f"{self.request.room_template or scope} room"

    def _style_near(self, path: str):
        """The style of the nearest existing source file (same directory, then same package)."""
        from socketlens.analysis.scaffold.style import DEFAULT_STYLE
        from socketlens.workspace import language_of

        directory = posixpath.dirname(path)
        package = package_dir(self.ctx, path) or ""
        candidates = sorted(f for f in self.ctx.files if language_of(f) in ("typescript", "tsx") and not f.endswith(".d.ts"))
        for prefix in (directory + "/", (package + "/") if package else ""):
            for rel in candidates:
                if rel.startswith(prefix):
                    source = self.ctx.source(rel)
                    if source is not None:
                        return source.style
        return DEFAULT_STYLE

    # -- 1. the socket server ---------------------------------------------------------------------------

    def _socket_server(self, trigger: RouteInfo, maps_target: str) -> tuple[str, str]:
        """(socket module path, exported io name), creating the module and its wiring when missing."""
        ctx = self.ctx
        project = ctx.project_of(trigger.file)
        found = find_socket_server(ctx, project)
        if found is not None:
            if found.export is None:
                raise _Refusal(
                    f"the socket.io server in {found.file} is not exported: export it (e.g. `export let io`) so "
                    "route handlers can emit"
                )
            return found.file, found.export
        path = socket_module_path(ctx, trigger.file)
        if ctx.exists(path):
            raise _Refusal(f"{path} exists but creates no socket.io Server: set scaffold.socket_module to a free path")
        maps_spec = module_specifier(ctx, path, maps_target)
        maps_names = self._maps_names(maps_target)
        secret = self._jwt_secret(path, trigger.file)
        text = templates.socket_module(
            maps_spec,
            {
                "c2s": "ClientToServerEvents" if "ClientToServerEvents" in maps_names else None,
                "s2c": ctx.config.server_to_client_maps[0],
                "inter": "InterServerEvents" if "InterServerEvents" in maps_names else None,
            },
            "SocketData" in maps_names,
            secret,
            ctx.config.room("user") or RoomPattern("user", "user:{userId}"),
            ctx.config.room("org") or RoomPattern("org", "org:{orgId}"),
        )
        self.edits.append(Create(path, restyle(text, self._style_near(path)), "the socket.io server"))
        self._wire(path, trigger)
        self._dependency_note(trigger.file, "socket.io")
        return path, "io"

    def _maps_names(self, maps_target: str) -> set[str]:
        """Names the maps module exports (a created maps file exports all four)."""
        created = any(isinstance(e, Create) and e.path == self.ctx.config.scaffold.shared_events for e in self.edits)
        if created:
            return {"ServerToClientEvents", "ClientToServerEvents", "InterServerEvents", "SocketData"}
        maps = find_maps_file(self.ctx)
        source = self.ctx.source(maps) if maps else None
        return set(source.exported_names) if source else set()

    def _jwt_secret(self, socket_path: str, trigger_file: str) -> tuple[str, str] | None:
        """An exported `JWT_SECRET` of the API package, so both ends verify with the same secret."""
        package = package_dir(self.ctx, trigger_file)
        prefix = (package + "/") if package else ""
        for rel in sorted(self.ctx.files):
            if not rel.startswith(prefix) or not rel.endswith((".ts", ".js")) or rel.endswith(".d.ts"):
                continue
            data = self.ctx.read(rel)
            if data is None or b"JWT_SECRET" not in data:
                continue
            source = self.ctx.source(rel)
            if source is not None and "JWT_SECRET" in source.exported_names:
                return relative_specifier(socket_path, rel, source.uses_js_extension()), "JWT_SECRET"
        return None

    def _wire(self, socket_path: str, trigger: RouteInfo) -> None:
        ctx = self.ctx
        package = package_dir(ctx, trigger.file)
        entry = package_entry(ctx, trigger.file)
        prefix = (package + "/") if package else ""
        candidates = [entry] if entry else []
        candidates += sorted(f for f in ctx.files if f.startswith(prefix) and f.endswith((".ts", ".js")) and f != entry)
        for rel in candidates:
            source = ctx.source(rel)
            if source is None:
                continue
            wiring = wire_socket(source, socket_path)
            if wiring is not None:
                self.edits.extend(wiring.inserts)
                return
        self.notes.append(
            f"no HTTP server creation (http.createServer(app) or app.listen(...)) found in {package or 'the API'}: "
            f"call initSocket(server) from {socket_path} where the server is created"
        )

    def _dependency_note(self, rel: str, dependency: str) -> None:
        package = self.ctx.index.workspace.package_of(rel)
        if package is not None and dependency not in package.dependencies:
            where = posixpath.join(package.dir, "package.json") if package.dir else "package.json"
            self.notes.append(f"add {dependency} to {where} (npm install {dependency} -w {package.dir or '.'})")

    # -- 3. the scoped emit -----------------------------------------------------------------------------

    def _emit(self, name: str, payload: Payload, room: RoomPattern, trigger: RouteInfo, server: tuple[str, str]) -> Location:
        ctx = self.ctx
        source = ctx.source(trigger.file)
        if source is None:
            raise _Refusal(f"cannot read {trigger.file}")
        scope = analyse_handler(source, trigger.route)
        if isinstance(scope, str):
            raise _Refusal(scope)
        self.notes += scope.notes
        placeholder = room.placeholder or "id"
        found = scope.value(placeholder, prefer_actor=room.scope in ("user", "org"))
        if found is None:
            raise _Refusal(
                f"no value for `{placeholder}` (room {room.template}) in scope in {trigger.label}: "
                "declare it in the handler or pick another scope"
            )
        room_expr = room.render(found[0])
        if room.scope not in ("user", "org"):
            self.notes.append(
                f"only sockets that joined {room.template} rooms receive {name}: make sure the server joins them "
                f"(socket.join({room.render('...')}))"
            )
        fields = []
        for item in payload.fields:
            value, note = scope.field_value(item.name)
            if note:
                self.notes.append(note)
            fields.append(item.name if value == item.name else f"{item.name}: {value}")
        args = f", {{ {', '.join(fields)} }}" if fields else ""
        module, io_name = server
        local = io_name
        edits_here: list[Insert] = []
        if module != trigger.file:
            spec = relative_specifier(trigger.file, module, source.uses_js_extension())
            existing = source.imported_local(spec, io_name)
            if existing is not None:
                local = existing
            else:
                if io_name in source.top_level_names():
                    raise _Refusal(f"{trigger.file} already defines `{io_name}`: cannot import the socket server under that name")
                insert = source.add_named_import(spec, io_name, why="import the socket server")
                if insert is not None:
                    edits_here.append(insert)
        line = f"{scope.indent}{local}.to({room_expr}).emit({source.style.q(name)}{args}){source.style.semi}\n"
        emit_insert = source.insert(scope.insert_offset, line, f"emit {name} from {trigger.label}")
        edits_here.append(emit_insert)
        self.edits.extend(edits_here)
        # Where the emit is once applied: lines inserted above it (the import) push it down.
        above = [e for e in self.edits if isinstance(e, Insert) and e.path == trigger.file and e.offset < emit_insert.offset]
        shift = sum(e.text.count("\n") for e in above)
        return Location(trigger.file, emit_insert.line + shift, len(scope.indent))

    # -- 4 & 5. the client ------------------------------------------------------------------------------

    def _consumer_side(self, name: str, payload: Payload, consumer: str, trigger: RouteInfo, maps_target: str) -> None:
        ctx = self.ctx
        project = ctx.project_of(consumer)
        hook = find_client_hook(ctx, project)
        if hook is not None:
            hook_file, hook_name = hook.file, hook.name
        else:
            hook_file, hook_name = self._create_hook(consumer, maps_target)
        source = ctx.source(consumer)
        if source is None:
            raise _Refusal(f"cannot read {consumer}")
        package = ctx.index.workspace.package_of(consumer)
        has_query = package is not None and "@tanstack/react-query" in package.dependencies
        edit = consumer_edit(
            source,
            name,
            payload,
            hook_name,
            relative_specifier(consumer, hook_file, source.uses_js_extension()),
            self._derived_query_key(trigger, source.style.quote),
            self._toast_module(consumer),
            has_query,
        )
        if isinstance(edit, str):
            raise _Refusal(edit)
        self.edits.extend(edit.inserts)
        self.notes += edit.notes

    def _create_hook(self, consumer: str, maps_target: str) -> tuple[str, str]:
        ctx = self.ctx
        hook_name = ctx.config.hooks[0]
        path = client_hook_path(ctx, consumer)
        if ctx.exists(path):
            raise _Refusal(f"{path} exists but defines no {hook_name} hook: set scaffold.client_hook to a free path")
        project = ctx.project_of(consumer)
        connection = find_client_connection(ctx, project)
        if connection is not None:
            connection_file, connection_name = connection.file, connection.export
        else:
            connection_file = posixpath.join(posixpath.dirname(posixpath.dirname(path)), "lib", "socket.ts")
            connection_name = "socket"
            if ctx.exists(connection_file):
                raise _Refusal(
                    f"{connection_file} exists but holds no socket.io-client connection: create the shared "
                    "connection yourself or free that path"
                )
            text = templates.client_connection(module_specifier(ctx, connection_file, maps_target), self._api_url(consumer))
            self.edits.append(Create(connection_file, restyle(text, self._style_near(connection_file)), "the one shared connection"))
            self._dependency_note(consumer, "socket.io-client")
        text = templates.client_hook(
            hook_name,
            module_specifier(ctx, path, maps_target),
            relative_specifier(path, connection_file),
            connection_name,
        )
        self.edits.append(Create(path, restyle(text, self._style_near(path)), f"the {hook_name} hook"))
        return path, hook_name

    def _api_url(self, consumer: str) -> str | None:
        """`import.meta.env.VITE_API_URL` when the app declares it (vite-env.d.ts); else same origin."""
        package = package_dir(self.ctx, consumer)
        prefix = (package + "/") if package else ""
        for rel in sorted(self.ctx.files):
            if rel.startswith(prefix) and rel.endswith(".d.ts"):
                data = self.ctx.read(rel) or b""
                if b"VITE_API_URL" in data:
                    return "import.meta.env.VITE_API_URL"
        self.notes.append("the client connects to its own origin: pass the API URL to io() if it is served elsewhere")
        return None

    def _toast_module(self, consumer: str) -> str | None:
        """A module of the consumer's app exporting a `toast` function."""
        package = package_dir(self.ctx, consumer)
        prefix = (package + "/") if package else ""
        for rel in sorted(self.ctx.files):
            if not rel.startswith(prefix) or "toast" not in posixpath.basename(rel).lower():
                continue
            source = self.ctx.source(rel)
            if source is not None and "toast" in source.exported_names:
                consumer_source = self.ctx.source(consumer)
                return relative_specifier(consumer, rel, consumer_source is not None and consumer_source.uses_js_extension())
        return None

    def _derived_query_key(self, trigger: RouteInfo, quote: str) -> str:
        """`["/api/leads"]` for `POST /api/leads` or `PATCH /api/leads/:id`: the collection the client lists."""
        segments = trigger.path.split("/")
        while segments and segments[-1].startswith(":"):
            segments.pop()
        path = "/".join(segments) or "/"
        gets = {r.path for r in all_routes(self.ctx) if r.method == "GET"}
        if path not in gets:
            # Prefer an existing GET collection above the path (`/api/deals/:id/stage` -> `/api/deals`).
            parts = trigger.path.split("/")
            for end in range(len(parts), 1, -1):
                candidate = "/".join(parts[:end])
                if candidate in gets:
                    path = candidate
                    break
        return f"[{quote}{path}{quote}]"


__all__ = ["ScaffoldRequest", "plan_add_event", "inside_workspace", "SCOPES"]
