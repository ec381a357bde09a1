"""The workspace's events: every declaration, emit and listener resolved to an event name.

Built from per-file facts. Each file's sites are resolved on their own and remember which other files the
resolution read (`deps`); replacing one file's facts re-resolves that file and its dependents only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterator

from socketlens.config import Config
from socketlens.extract.vocabulary import RESERVED_EVENTS, SOCKET_PACKAGES, looks_like_socket_name, shared_socket_path
from socketlens.index.resolve import Resolution
from socketlens.index.scoping import classify, namespace_of, targeted_rooms
from socketlens.model import (
    Receiver,
    Call,
    Declaration,
    Direction,
    Emit,
    FileFacts,
    Finding,
    Forwarder,
    Listener,
    ListenerKind,
    Lit,
    Param,
    Ref,
    Scope,
    Side,
    SocketBinding,
    SocketKind,
    SocketPass,
    Span,
)
from socketlens.packages import Workspace

# Method names that objects of every other API have too (`res.send`, `stream.write`, `store.dispatch`): a
# service method so named would turn all their calls into emits, so it is never matched by name.
_GENERIC_METHOD_NAMES = frozenset(
    {
        "send", "write", "end", "push", "next", "call", "apply", "bind", "get", "set", "add", "delete", "has",
        "log", "info", "warn", "error", "debug", "dispatch", "publish", "json", "then", "catch", "handle", "run",
    }
)  # fmt: skip

# A dependency of every resolution that read the table of sockets handed to other modules' functions: no file
# has this path, the table's changes invalidate them through it.
_HANDED_SOCKETS = "\0handed-sockets"


@dataclass(frozen=True)
class DeclarationSite:
    event: str
    file: str
    span: Span
    direction: Direction | None
    payload: str | None
    doc: str | None
    project: str
    declaration: Declaration
    literal: tuple[str, Lit] | None  # where the name is spelled, when not at the key itself


@dataclass(frozen=True)
class EmitSite:
    event: str
    file: str
    span: Span  # the event-name expression (the wrapper's argument for a forwarded emit)
    side: Side
    scope: Scope
    rooms: tuple[str, ...]
    namespace: str | None
    project: str
    emit: Emit  # the emit call itself (inside the wrapper for a forwarded emit)
    emit_file: str
    via: Call | None = None
    literal: tuple[str, Lit] | None = None


@dataclass(frozen=True)
class ListenerSite:
    event: str
    file: str
    span: Span
    side: Side
    kind: ListenerKind
    project: str
    listener: Listener
    listener_file: str
    via: Call | None = None
    literal: tuple[str, Lit] | None = None


@dataclass(frozen=True)
class DynamicSite:
    file: str
    span: Span
    kind: str  # "emit" | "listen"
    expression: str
    side: Side


@dataclass
class EventEntry:
    name: str
    declarations: list[DeclarationSite] = field(default_factory=list)
    emits: list[EmitSite] = field(default_factory=list)
    listeners: list[ListenerSite] = field(default_factory=list)

    @property
    def direction(self) -> Direction | None:
        for declaration in self.declarations:
            if declaration.direction is not None:
                return declaration.direction
        return None

    @property
    def projects(self) -> set[str]:
        return {s.project for s in (*self.declarations, *self.emits, *self.listeners)}


@dataclass
class _Resolved:
    declarations: list[DeclarationSite]
    emits: list[EmitSite]
    listeners: list[ListenerSite]
    dynamic: list[DynamicSite]
    deps: set[str]


def _sort_key(site) -> tuple:
    return (site.file, site.span.start_line, site.span.start_col)


class EventIndex:
    """Per-file facts plus their resolution into events. Not thread-safe: the owner serialises updates."""

    def __init__(
        self,
        workspace: Workspace,
        config: Config,
        facts: dict[str, FileFacts] | None = None,
        load: Callable[[str], FileFacts | None] | None = None,
    ):
        self.workspace = workspace
        self.config = config
        self.facts: dict[str, FileFacts] = dict(facts or {})
        self._load = load  # extracts a file the prefilter skipped, when a name resolves into it
        self._resolved: dict[str, _Resolved] = {}
        self._loaded: dict[str, FileFacts | None] = {}  # skipped by the prefilter, extracted on demand
        self._forwarder_names: frozenset[str] | None = None
        self._method_owners: dict[tuple[str, str], frozenset[tuple[str, str]]] | None = None
        self._methods: dict[tuple[str, str], tuple[tuple[str, Forwarder], ...]] = {}
        self._events: dict[str, EventEntry] | None = None
        self._sites_by_file: dict[str, list] | None = None  # derived from `events`, rebuilt with it
        # Rule observations, from `facts`: per file and code (dropped for the one file an update changes),
        # and per code across files (rebuilt from the former, code by code, when asked again).
        self._file_findings: dict[str, dict[str, list[Finding]]] = {}
        self._files_with_code: dict[str, set[str]] | None = None
        self._findings_by_code: dict[str, list[tuple[str, Finding]]] = {}
        self._findings_by_span: dict[str, dict[str, dict[tuple[int, int], Finding]]] = {}  # file -> code -> ...
        self._namespace_users: dict[str, set[str]] | None = None  # project -> files that use `of(...)`
        # (project, `shared_socket_path`) -> (file, binding): servers put on shared objects (`global._io = io`).
        self._shared_sockets: dict[tuple[str, str], tuple[str, SocketBinding]] | None = None
        # (file, function) -> parameter position -> the (kind, namespace) of each socket callers in other modules
        # pass there (`registerOrderHandlers(io, socket)`), and every file read to resolve those calls.
        self._handed_sockets: dict[tuple[str, str], dict[int, set[tuple[SocketKind, str | None]]]] | None = None
        self._handed_sockets_reads: set[str] = set()

    # -- updates ----------------------------------------------------------------------------------------

    def update(self, facts: FileFacts) -> set[str]:
        """Swap one file's facts; returns the files whose resolution was redone."""
        old = self.facts.get(facts.path)
        wrappers_changed = _wrapper_contribution(old) != _wrapper_contribution(facts)
        shared_changed = _shared_sockets_of(old) != _shared_sockets_of(facts)
        handed_changed = self._handed_sockets_changed(facts.path, old, facts)
        self.facts[facts.path] = facts
        self._loaded.pop(facts.path, None)
        return self._invalidate(facts.path, wrappers_changed, shared_changed, handed_changed)

    def remove(self, rel: str) -> set[str]:
        old = self.facts.get(rel)
        wrappers_changed = _wrapper_contribution(old) != _wrapper_contribution(None)
        shared_changed = bool(_shared_sockets_of(old))
        handed_changed = self._handed_sockets_changed(rel, old, None)
        self.facts.pop(rel, None)
        self._loaded.pop(rel, None)
        return self._invalidate(rel, wrappers_changed, shared_changed, handed_changed)

    def _handed_sockets_changed(self, rel: str, old: FileFacts | None, new: FileFacts | None) -> bool:
        """Whether an update changes the table of sockets handed to other modules' functions: the file's own
        calls handing sockets, or the imports and exports that one of those calls was resolved through."""
        if _socket_passes_of(old) != _socket_passes_of(new):
            return True
        if self._handed_sockets is None or rel not in self._handed_sockets_reads:
            return False
        return _module_tables(old) != _module_tables(new)

    def _invalidate(
        self, rel: str, wrappers_changed: bool = True, shared_changed: bool = True, handed_changed: bool = True
    ) -> set[str]:
        if shared_changed:
            # A server put on (or taken off) a shared object: any file of any project may read it.
            self._shared_sockets = None
            self._resolved.clear()
        if handed_changed:
            self._handed_sockets = None  # its readers depend on `_HANDED_SOCKETS`: made stale below
        # The wrapper tables span every file: recompute them only when this file's part in them changed
        # (typing inside a function body, the common case, leaves them alone).
        if wrappers_changed and self._forwarder_names is not None:
            before, self._forwarder_names = self._forwarder_names, None
            if self.forwarder_names() != before:
                self._resolved.clear()  # a wrapper appeared or went: any call anywhere may now be a site
        if wrappers_changed and self._method_owners is not None:
            before_owners, self._method_owners = self._method_owners, None
            if self._method_table() != before_owners:
                self._resolved.clear()  # a service method became unique or ambiguous somewhere
        stale = {
            path
            for path, resolved in self._resolved.items()
            if rel in resolved.deps or path == rel or (handed_changed and _HANDED_SOCKETS in resolved.deps)
        }
        for path in stale:
            del self._resolved[path]
        self._events = None
        self._sites_by_file = None
        self._file_findings.pop(rel, None)
        if self._files_with_code is not None:
            for files in self._files_with_code.values():
                files.discard(rel)
            if rel in self.facts:
                for code in self._findings_of(rel):
                    self._files_with_code.setdefault(code, set()).add(rel)
        self._findings_by_code.clear()
        self._findings_by_span.pop(rel, None)
        if self._namespace_users is not None:
            project = self.workspace.project_of(rel)
            users = self._namespace_users.setdefault(project, set())
            before = bool(users)
            users.discard(rel)
            facts = self.facts.get(rel)
            if facts is not None and _uses_namespaces(facts):
                users.add(rel)
            if bool(users) != before:
                # The first `of()` of a project (or its last one going) changes every server socket's
                # namespace there.
                moved = {path for path in self._resolved if self.workspace.project_of(path) == project}
                for path in moved:
                    del self._resolved[path]
                stale |= moved
        return stale | {rel}

    # -- lookups ----------------------------------------------------------------------------------------

    def facts_of(self, rel: str) -> FileFacts | None:
        """Facts of an indexed file, or of a file the prefilter skipped, extracted now because a name
        resolves into it. Those are kept apart: they only lend bindings, they hold no sites."""
        facts = self.facts.get(rel) or self._loaded.get(rel)
        if facts is None and self._load is not None and rel not in self._loaded:
            facts = self._load(rel)
            self._loaded[rel] = facts
        return facts

    def resolution(self) -> Resolution:
        """A fresh name-resolution session over this index (it records the files it reads)."""
        return Resolution(self.facts_of, self.workspace.resolve_module, self.method_forwarders)

    def method_forwarders(self, rel: str, method: str) -> list[tuple[str, Forwarder]]:
        """The class-method forwarders a member call `x.<method>(...)` of `rel` reaches: those of the one
        class of `rel`'s project that has a forwarding method of that name. Nothing when two classes do
        (the receiver's type would have to decide, and it is not known) or only another project does.
        Reads indexed facts only: a member call never loads a module."""
        self._method_table()
        return list(self._methods.get((self.workspace.project_of(rel), method), ()))

    def _method_table(self) -> dict[tuple[str, str], frozenset[tuple[str, str]]]:
        """(project, method name) -> the (file, class) pairs defining a forwarding method of that name."""
        if self._method_owners is None:
            owners: dict[tuple[str, str], set[tuple[str, str]]] = {}
            sites: dict[tuple[str, str], list[tuple[str, Forwarder]]] = {}
            for rel, facts in self.facts.items():
                for forwarder in facts.forwarders:
                    if forwarder.method_of is None or forwarder.function in _GENERIC_METHOD_NAMES:
                        continue
                    key = (self.workspace.project_of(rel), forwarder.function)
                    owners.setdefault(key, set()).add((rel, forwarder.method_of))
                    sites.setdefault(key, []).append((rel, forwarder))
            self._method_owners = {key: frozenset(found) for key, found in owners.items()}
            self._methods = {key: tuple(sites[key]) for key, found in owners.items() if len(found) == 1}
        return self._method_owners

    @property
    def events(self) -> dict[str, EventEntry]:
        if self._events is None:
            self._events = self._build_events()
        return self._events

    def dynamic_sites(self) -> list[DynamicSite]:
        self.events  # noqa: B018 - resolves every file
        sites = [d for resolved in self._resolved.values() for d in resolved.dynamic]
        return sorted(sites, key=_sort_key)

    def event(self, name: str) -> EventEntry | None:
        return self.events.get(name)

    def sites_in_file(self, rel: str) -> list[DeclarationSite | EmitSite | ListenerSite]:
        """The sites written in one file, by event name then declarations, emits, listeners."""
        if self._sites_by_file is None:
            by_file: dict[str, list[DeclarationSite | EmitSite | ListenerSite]] = {}
            for entry in self.events.values():
                for site in (*entry.declarations, *entry.emits, *entry.listeners):
                    by_file.setdefault(site.file, []).append(site)
            self._sites_by_file = by_file
        return self._sites_by_file.get(rel, [])

    def findings(self, code: str) -> list[tuple[str, Finding]]:
        """(file, finding) of every rule observation with this code in the indexed files, by file then
        position. Kept per file and per code: after a keystroke, only the edited file is grouped again."""
        found = self._findings_by_code.get(code)
        if found is None:
            if self._files_with_code is None:
                self._files_with_code = {}
                for rel in self.facts:
                    for each in self._findings_of(rel):
                        self._files_with_code.setdefault(each, set()).add(rel)
            found = []
            for rel in sorted(self._files_with_code.get(code, ())):
                found.extend((rel, finding) for finding in self._findings_of(rel)[code])
            self._findings_by_code[code] = found
        return found

    def findings_by_span(self, rel: str, code: str) -> dict[tuple[int, int], Finding]:
        """The observations of one code in one file (indexed or loaded on demand), by byte range."""
        of_file = self._findings_by_span.setdefault(rel, {})
        found = of_file.get(code)
        if found is None:
            facts = self.facts_of(rel)
            findings = facts.findings if facts is not None else ()
            found = of_file[code] = {(f.span.start_byte, f.span.end_byte): f for f in findings if f.code == code}
        return found

    def _findings_of(self, rel: str) -> dict[str, list[Finding]]:
        grouped = self._file_findings.get(rel)
        if grouped is None:
            grouped = {}
            for finding in self.facts[rel].findings:
                grouped.setdefault(finding.code, []).append(finding)
            self._file_findings[rel] = grouped
        return grouped

    def all_emits(self) -> Iterator[EmitSite]:
        for entry in self.events.values():
            yield from entry.emits

    def all_listeners(self) -> Iterator[ListenerSite]:
        for entry in self.events.values():
            yield from entry.listeners

    def all_declarations(self) -> Iterator[DeclarationSite]:
        for entry in self.events.values():
            yield from entry.declarations

    # -- building ---------------------------------------------------------------------------------------

    def _build_events(self) -> dict[str, EventEntry]:
        entries: dict[str, EventEntry] = {}
        for rel in list(self.facts):
            resolved = self._resolved.get(rel)
            if resolved is None:
                resolved = self._resolve_file(rel)
                self._resolved[rel] = resolved
            for site in resolved.declarations:
                entries.setdefault(site.event, EventEntry(site.event)).declarations.append(site)
            for site in resolved.emits:
                entries.setdefault(site.event, EventEntry(site.event)).emits.append(site)
            for site in resolved.listeners:
                entries.setdefault(site.event, EventEntry(site.event)).listeners.append(site)
        for entry in entries.values():
            entry.declarations.sort(key=_sort_key)
            entry.emits.sort(key=_sort_key)
            entry.listeners.sort(key=_sort_key)
        return dict(sorted(entries.items()))

    def learned_maps(self) -> dict[str, dict[str, Direction]]:
        """Event maps that a generic in another file names, whatever their name: `new Server<Up, Down>()`
        or a client `Socket<Down, Up>` importing them. Declaring file -> {map name there -> direction}.
        (A map declared in the file of the generic is handled by the extractor itself.)"""
        learned: dict[str, dict[str, Direction]] = {}
        resolution = self.resolution()
        for rel, facts in list(self.facts.items()):
            for local, direction in facts.map_roles:
                origin = resolution.imported_origin(rel, local)
                if origin is not None:
                    learned.setdefault(origin[0], {}).setdefault(origin[1], direction)
        return learned

    def _uses_namespaces(self, project: str) -> bool:
        """Whether any server code of the project uses `of(...)`. When none does, every server socket is
        on the main namespace "/", even one received as a typed parameter."""
        if self._namespace_users is None:
            users: dict[str, set[str]] = {}
            for rel, facts in list(self.facts.items()):
                if _uses_namespaces(facts):
                    users.setdefault(self.workspace.project_of(rel), set()).add(rel)
            self._namespace_users = users
        return bool(self._namespace_users.get(project))

    def _resolve_file(self, rel: str) -> _Resolved:
        facts = self.facts.get(rel)
        result = _Resolved([], [], [], [], set())
        if facts is None:
            return result
        resolution = self.resolution()
        project = self.workspace.project_of(rel)
        for declaration in facts.declarations:
            spelled = resolution.literal_location(rel, declaration.name)
            if spelled is None or spelled[1].value in RESERVED_EVENTS:
                continue
            # A key written as such is its own spelling; a computed key's is the constant's literal.
            literal = spelled if isinstance(declaration.name, Ref) else None
            result.declarations.append(
                DeclarationSite(
                    event=spelled[1].value,
                    file=rel,
                    span=declaration.span,
                    direction=declaration.direction,
                    payload=declaration.payload,
                    doc=declaration.doc,
                    project=project,
                    declaration=declaration,
                    literal=literal,
                )
            )
        for emit in facts.emits:
            self._add_emit(resolution, rel, project, emit, None, emit.name, emit.span, emit.name_text, rel, result)
        for listener in facts.listeners:
            self._add_listener(
                resolution, rel, project, listener, None, listener.name, listener.span, listener.name_text, rel, result
            )
        for call in facts.calls:
            self._expand_call(resolution, rel, project, call, result)
        result.deps = resolution.deps - {rel}
        return result

    def forwarder_names(self) -> frozenset[str]:
        """Every name under which a wrapper or custom hook may be called: the forwarding functions and
        service-class methods (their member calls are matched by method name), the
        functions that pass their parameter on to one, and the names they are exported under. A call of
        any other name is not resolved at all — resolving it would load the module it calls."""
        if self._forwarder_names is None:
            names = {f.function for facts in self.facts.values() for f in facts.forwarders}
            grew = True
            while grew:
                grew = False
                for facts in self.facts.values():
                    for call in facts.calls:
                        if (
                            call.function
                            and call.function not in names
                            and any(isinstance(arg, Param) for arg in call.args)
                            and _callee_names(facts, call.callee) & names
                        ):
                            names.add(call.function)
                            grew = True
                    for exported, local in facts.exports:
                        if local in names and exported not in names:
                            names.add(exported)
                            grew = True
                    for reexport in facts.reexports:
                        if reexport.imported in names and reexport.exported not in names:
                            names.add(reexport.exported)
                            grew = True
            self._forwarder_names = frozenset(names)
        return self._forwarder_names

    def _expand_call(self, resolution: Resolution, rel: str, project: str, call: Call, result: _Resolved) -> None:
        facts = self.facts[rel]
        if not _callee_names(facts, call.callee) & self.forwarder_names():
            return
        for origin, forwarder in resolution.forwarders(rel, call.callee, instance_of=call.instance_of):
            if forwarder.param_index >= len(call.args):
                continue
            value = call.args[forwarder.param_index]
            if isinstance(value, Param):
                continue  # forwarded again: the outer function's call sites are the sites
            span = call.arg_spans[forwarder.param_index]
            text = call.arg_texts[forwarder.param_index] if call.arg_texts else ""
            inner = forwarder.inner
            if isinstance(inner, Emit):
                self._add_emit(resolution, rel, project, inner, call, value, span, text, origin, result)
            else:
                self._add_listener(
                    resolution, rel, project, inner, call, value, span, text, origin, result, forwarder
                )

    def receiver_kind(
        self,
        resolution: Resolution,
        rel: str,
        root: str,
        kind: SocketKind | None,
        namespace,
        handler_param: tuple[str, int] | None = None,
        type_name: str | None = None,
    ):
        """The socket kind (and namespace) of a receiver root, resolving an imported name, a parameter of an
        exported function from what its callers in other modules pass, or a root annotated with a type of
        another module from what that module declares the type to be."""
        if handler_param is not None and (kind is None or namespace is None):
            handed = self._handed_socket(resolution, rel, handler_param)
            if handed is not None and kind in (None, handed[0]):
                return handed
        if kind is not None:
            return kind, namespace
        if type_name is not None:
            typed = resolution.socket_type(rel, type_name)
            if typed is not None:
                return typed, namespace
        if "." not in root and not root.endswith("()"):
            binding = resolution.socket_binding(rel, root)
            if binding is not None:
                # A namespace the call names itself (python-socketio's `namespace=`) wins over the binding's.
                return binding.kind, namespace or binding.namespace
        shared = shared_socket_path(root)
        if shared is not None:
            found = self._shared_socket_table().get((self.workspace.project_of(rel), shared))
            if found is not None:
                publisher, binding = found
                resolution.deps.add(publisher)
                return binding.kind, namespace or binding.namespace
        return None, namespace

    def _handed_socket(
        self, resolution: Resolution, rel: str, handler_param: tuple[str, int]
    ) -> tuple[SocketKind, str | None] | None:
        """The kind and namespace of the sockets the callers of an exported function of `rel` pass at one
        parameter, when all of them pass the same kind (the namespace only when it is one too)."""
        table = self._handed_socket_table()
        resolution.deps.add(_HANDED_SOCKETS)
        function, position = handler_param
        handed = table.get((rel, function), {}).get(position)
        if not handed or len({kind for kind, _ in handed}) != 1:
            return None
        namespaces = {namespace for _, namespace in handed}
        kind = next(iter(handed))[0]
        return kind, namespaces.pop() if len(namespaces) == 1 else None

    def _handed_socket_table(self) -> dict[tuple[str, str], dict[int, set[tuple[SocketKind, str | None]]]]:
        """The sockets each call handing sockets to a function of another module passes, by the (file,
        function) it reaches and parameter position."""
        if self._handed_sockets is None:
            table: dict[tuple[str, str], dict[int, set[tuple[SocketKind, str | None]]]] = {}
            resolution = self.resolution()
            for rel, facts in list(self.facts.items()):
                for passed in facts.socket_passes:
                    function = resolution.handed_function(rel, passed)
                    if function is None:
                        continue
                    positions = table.setdefault(function, {})
                    for position, kind, namespace in passed.sockets:
                        positions.setdefault(position, set()).add((kind, namespace))
            self._handed_sockets = table
            callers = {rel for rel, facts in self.facts.items() if facts.socket_passes}
            self._handed_sockets_reads = resolution.deps | callers
        return self._handed_sockets

    def _shared_socket_table(self) -> dict[tuple[str, str], tuple[str, SocketBinding]]:
        """Servers and sockets a file puts on a shared object (`global._io = io`, `app.io = io`,
        `fastify.decorate("io", ...)`), which the other files of its project read by the same path."""
        if self._shared_sockets is None:
            table: dict[tuple[str, str], tuple[str, SocketBinding]] = {}
            for rel in sorted(self.facts):
                for binding in _shared_sockets_of(self.facts[rel]):
                    table.setdefault((self.workspace.project_of(rel), binding.name), (rel, binding))
            self._shared_sockets = table
        return self._shared_sockets

    def _side(self, rel: str, kind: SocketKind | None, root: str, server_api: bool = False) -> Side | None:
        if kind in (SocketKind.SERVER, SocketKind.NAMESPACE, SocketKind.SERVER_SOCKET):
            return Side.SERVER
        if kind == SocketKind.CLIENT_SOCKET:
            return Side.CLIENT
        if not self.may_use_socketio(rel):
            return None
        if rel.endswith(".py"):
            return None  # an object whose kind Python code did not tell: the app-folder hints are the web's
        side = self.file_side(rel)
        if side is not None:
            return side
        if server_api:  # `socket.join(room)`, `socket.to(room)`...: no client socket has them
            return Side.SERVER
        last = root.rsplit(".", 1)[-1].removesuffix("()").lower().lstrip("_#")  # `global._io`, `this.#io`
        return Side.SERVER if last in ("io", "nsp", "namespace", "getio") else None

    def file_side(self, rel: str) -> Side | None:
        """Which side a file's code runs on: from its socket.io imports, then its package and location."""
        facts = self.facts.get(rel)
        if facts is not None:
            modules = {module for _, module in facts.socket_imports}
            if modules == {"socket.io"}:
                return Side.SERVER
            if modules == {"socket.io-client"}:
                return Side.CLIENT
        hint = self.workspace.side_hint(rel)
        return Side(hint) if hint is not None else None

    def _socket_receiver(
        self, resolution: Resolution, rel: str, receiver: Receiver
    ) -> tuple[SocketKind | None, str | None, Side] | None:
        """Kind, namespace and side of a call's receiver; None when it is not a socket.io object (an
        imported SDK client or EventEmitter) or its side cannot be told."""
        kind, namespace = self.receiver_kind(
            resolution,
            rel,
            receiver.root,
            receiver.kind,
            receiver.namespace,
            receiver.handler_param,
            receiver.type_name,
        )
        if namespace is None and receiver.gateway is not None:
            namespace = resolution.gateway_namespace(rel, receiver.gateway)
        if kind == SocketKind.NOT_SOCKET or (kind is None and not looks_like_socket_name(receiver.root)):
            return None
        side = self._side(rel, kind, receiver.root, receiver.server_api)
        return (kind, namespace, side) if side is not None else None

    def may_use_socketio(self, rel: str) -> bool:
        """False when the file's package and its project declare no socket.io dependency at all."""
        package = self.workspace.package_of(rel)
        if package is None:
            return True
        if package.dependencies & SOCKET_PACKAGES:
            return True
        root_package = self.workspace.package_of(self.workspace.project_of(rel))
        if root_package is not None and root_package.dependencies & SOCKET_PACKAGES:
            return True
        return False

    def _add_emit(
        self,
        resolution: Resolution,
        rel: str,
        project: str,
        emit: Emit,
        via: Call | None,
        value,
        span: Span,
        name_text: str,
        emit_file: str,
        result: _Resolved,
    ) -> None:
        placed = self._socket_receiver(resolution, emit_file, emit.receiver)
        if placed is None:
            return
        kind, namespace, side = placed
        spelled = resolution.literal_location(rel, value)  # the event and where its name is written
        if spelled is None:
            result.dynamic.append(DynamicSite(rel, span, "emit", name_text, side))
            return
        if spelled[1].value in RESERVED_EVENTS:
            return
        if kind is None and side == Side.CLIENT:
            kind = SocketKind.CLIENT_SOCKET
        scope = classify(kind, emit.chain, self.config.rooms)
        rooms = tuple(room.text for room in targeted_rooms(emit.chain))
        namespace = namespace_of(kind, namespace, emit.chain) if side == Side.SERVER else None
        if namespace is None and side == Side.SERVER and not self._uses_namespaces(project):
            namespace = "/"
        result.emits.append(
            EmitSite(
                event=spelled[1].value,
                file=rel,
                span=span,
                side=side,
                scope=scope,
                rooms=rooms,
                namespace=namespace,
                project=project,
                emit=emit,
                emit_file=emit_file,
                via=via,
                literal=spelled,
            )
        )

    def _add_listener(
        self,
        resolution: Resolution,
        rel: str,
        project: str,
        listener: Listener,
        via: Call | None,
        value,
        span: Span,
        name_text: str,
        listener_file: str,
        result: _Resolved,
        forwarder: Forwarder | None = None,
    ) -> None:
        if listener.receiver is None:  # a hook call: the client side by construction
            side = Side.CLIENT
        else:
            placed = self._socket_receiver(resolution, listener_file, listener.receiver)
            if placed is None:
                return
            side = placed[2]
        spelled = resolution.literal_location(rel, value)  # the event and where its name is written
        if spelled is None:
            result.dynamic.append(DynamicSite(rel, span, "listen", name_text, side))
            return
        if spelled[1].value in RESERVED_EVENTS:
            return
        kind_out = listener.kind
        if forwarder is not None and forwarder.function.startswith("use"):
            kind_out = ListenerKind.HOOK
        result.listeners.append(
            ListenerSite(
                event=spelled[1].value,
                file=rel,
                span=span,
                side=side,
                kind=kind_out,
                project=project,
                listener=listener,
                listener_file=listener_file,
                via=via,
                literal=spelled,
            )
        )


def _uses_namespaces(facts: FileFacts) -> bool:
    receivers = [e.receiver for e in facts.emits] + [l.receiver for l in facts.listeners if l.receiver]
    return (
        any(b.kind == SocketKind.NAMESPACE for b in facts.sockets)
        or any(
            r.kind in (SocketKind.NAMESPACE, SocketKind.SERVER_SOCKET) and r.namespace not in (None, "/")
            for r in receivers
        )
        or any(step.name == "of" for e in facts.emits for step in e.chain)
        or any(namespace not in (None, "/") for p in facts.socket_passes for _, _, namespace in p.sockets)
    )


def _callee_names(facts: FileFacts, callee: Ref) -> set[str]:
    """The names a call may reach its function by: as written, and as exported where it is imported."""
    if callee.path:
        return {callee.path[-1]}
    names = {callee.name}
    names.update(imp.imported for imp in facts.imports if imp.local == callee.name)
    return names


def _shared_sockets_of(facts: FileFacts | None) -> tuple[SocketBinding, ...]:
    """The sockets a file puts on shared objects: bindings named by a member path (`globalThis._io`,
    `app["sio"]`)."""
    return tuple(b for b in facts.sockets if "." in b.name or "[" in b.name) if facts is not None else ()


def _socket_passes_of(facts: FileFacts | None) -> tuple[SocketPass, ...]:
    return facts.socket_passes if facts is not None else ()


def _module_tables(facts: FileFacts | None) -> tuple:
    """What resolving a call into another module reads of a file."""
    return (facts.imports, facts.exports, facts.reexports) if facts is not None else ()


def _wrapper_contribution(facts: FileFacts | None) -> tuple:
    """What a file puts into the index-wide wrapper tables (`forwarder_names`, the method table): its
    forwarders, the names it exports, and its calls that pass a parameter on."""
    if facts is None:
        return ()
    return (
        tuple((f.function, f.param_index, f.method_of) for f in facts.forwarders),
        facts.exports,
        facts.reexports,
        tuple((c.function, c.callee) for c in facts.calls if any(isinstance(arg, Param) for arg in c.args)),
    )
