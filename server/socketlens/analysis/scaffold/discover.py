"""What the repository already has, learned from the index and, where the index's prefilter never looked,
from the files themselves: mutation routes, the socket server and its exported `io`, the shared event
maps, the client hook and connection, the shared package's import name, the HTTP server creation site."""

from __future__ import annotations

import os
import posixpath
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from socketlens.config import Config, ScaffoldConfig
from socketlens.extract import content_hash, extract_file
from socketlens.index.builder import extract_options
from socketlens.index.event_index import EventIndex
from socketlens.model import FileFacts, Listener, Route, SocketKind
from socketlens.workspace import language_of
from socketlens.analysis.scaffold.source import SourceFile

MUTATION_METHODS = ("POST", "PUT", "PATCH", "DELETE")
# A file can only hold an Express mutation route if its bytes contain one of these.
_ROUTE_TOKENS = (b".post(", b".put(", b".patch(", b".delete(")
_DEFAULT_SCAFFOLD = ScaffoldConfig()

Reader = Callable[[str], "bytes | None"]


@dataclass
class ScaffoldContext:
    """Everything planning reads. `read` returns a file's current bytes (an editor buffer wins over the
    disk) or None when the file does not exist."""

    root: Path
    config: Config
    index: EventIndex
    read: Reader
    _sources: dict[str, SourceFile | None] = field(default_factory=dict)
    _facts: dict[str, FileFacts | None] = field(default_factory=dict)

    @property
    def files(self) -> frozenset[str]:
        return self.index.workspace.files

    def source(self, rel: str) -> SourceFile | None:
        if rel not in self._sources:
            data = self.read(rel)
            self._sources[rel] = SourceFile(rel, data) if data is not None else None
        return self._sources[rel]

    def facts(self, rel: str) -> FileFacts | None:
        """Facts of the file's current bytes: the index's when they are up to date, else extracted now."""
        if rel in self._facts:
            return self._facts[rel]
        data = self.read(rel)
        result = None
        if data is not None:
            known = self.index.facts.get(rel)
            digest = content_hash(data)
            if known is not None and known.content_hash == digest:
                result = known
            else:
                language = language_of(rel)
                if language is not None:
                    result = extract_file(rel, data, language, extract_options(self.config), digest)
        self._facts[rel] = result
        return result

    def exists(self, rel: str) -> bool:
        return self.read(rel) is not None

    def project_of(self, rel: str) -> str:
        return self.index.workspace.project_of(rel)


def disk_reader(root: Path, overlay: dict[str, bytes] | None = None) -> Reader:
    """Read root-relative files from disk, with open editor buffers (`overlay`) taking precedence."""
    overlay = overlay or {}

    def read(rel: str) -> bytes | None:
        if rel in overlay:
            return overlay[rel]
        try:
            with open(os.path.join(root, *rel.split("/")), "rb") as handle:
                return handle.read()
        except (OSError, ValueError):
            return None

    return read


# ---------------------------------------------------------------------------------------------------------
# Routes


@dataclass(frozen=True)
class RouteInfo:
    method: str
    path: str
    file: str
    route: Route

    @property
    def label(self) -> str:
        return f"{self.method} {self.path}"


def find_routes(ctx: ScaffoldContext, methods: Iterable[str] = MUTATION_METHODS) -> list[RouteInfo]:
    """Every Express/Router handler of the given methods. The index parsed only socket-ish files, so files
    it skipped are extracted here when their bytes can hold a mutation route at all."""
    wanted = set(methods)
    found: list[RouteInfo] = []
    for rel in sorted(ctx.files):
        if language_of(rel) not in ("typescript", "tsx", "javascript"):
            continue
        data = ctx.read(rel)
        if data is None or not any(token in data for token in _ROUTE_TOKENS):
            continue
        facts = ctx.facts(rel)  # the index's facts when current, else extracted now
        if facts is None:
            continue
        for route in facts.routes:
            if route.method in wanted:
                found.append(RouteInfo(route.method, route.path, rel, route))
    return found


def all_routes(ctx: ScaffoldContext) -> list[RouteInfo]:
    """Mutation routes and GET routes (GET paths name the query keys a consumer re-fetches)."""
    return find_routes(ctx, (*MUTATION_METHODS, "GET"))


def parse_trigger(text: str) -> tuple[str, str] | None:
    """`POST /api/leads` -> ("POST", "/api/leads")."""
    parts = text.split()
    if len(parts) != 2 or parts[0].upper() not in MUTATION_METHODS or not parts[1].startswith("/"):
        return None
    return parts[0].upper(), parts[1]


# ---------------------------------------------------------------------------------------------------------
# Server side


@dataclass(frozen=True)
class SocketServer:
    file: str
    export: str | None  # the exported name of the socket.io Server, None when it is not exported


def find_socket_server(ctx: ScaffoldContext, project: str) -> SocketServer | None:
    """The module that creates the socket.io `Server` of a project, and the name it exports it under."""
    candidates: list[SocketServer] = []
    for rel in sorted(ctx.index.facts):
        facts = ctx.facts(rel)
        if facts is None or ctx.project_of(rel) != project:
            continue
        if not any(c.kind == SocketKind.SERVER for c in facts.connections):
            continue
        servers = {b.name for b in facts.sockets if b.kind == SocketKind.SERVER}
        export = next((exported for exported, local in facts.exports if local in servers), None)
        candidates.append(SocketServer(rel, export))
    candidates.sort(key=lambda s: (s.export is None, s.file))
    return candidates[0] if candidates else None


def find_maps_file(ctx: ScaffoldContext) -> str | None:
    """The file declaring the server-to-client map (the configured path when it exists but is empty)."""
    names = set(ctx.config.server_to_client_maps)
    files = sorted({d.file for d in ctx.index.all_declarations() if d.declaration.map_name in names})
    if files:
        return files[0]
    for rel in sorted(ctx.index.facts):
        source = ctx.source(rel)
        if source is not None and names & set(source.exported_names):
            return rel
    configured = ctx.config.scaffold.shared_events
    return configured if ctx.exists(configured) else None


@dataclass(frozen=True)
class ClientHook:
    file: str
    name: str


def find_client_hook(ctx: ScaffoldContext, project: str | None) -> ClientHook | None:
    """A configured subscribing hook defined in the workspace (a forwarder whose inner site listens)."""
    found: list[ClientHook] = []
    for rel in sorted(ctx.index.facts):
        facts = ctx.facts(rel)
        if facts is None:
            continue
        for forwarder in facts.forwarders:
            if forwarder.function in ctx.config.hooks and isinstance(forwarder.inner, Listener):
                if any(local == forwarder.function for _, local in facts.exports):
                    found.append(ClientHook(rel, forwarder.function))
    found.sort(key=lambda h: (project is not None and ctx.project_of(h.file) != project, h.file))
    return found[0] if found else None


@dataclass(frozen=True)
class ClientConnection:
    file: str
    export: str


def find_client_connection(ctx: ScaffoldContext, project: str | None) -> ClientConnection | None:
    found: list[ClientConnection] = []
    for rel in sorted(ctx.index.facts):
        facts = ctx.facts(rel)
        if facts is None:
            continue
        sockets = {b.name for b in facts.sockets if b.kind == SocketKind.CLIENT_SOCKET}
        for exported, local in facts.exports:
            if local in sockets:
                found.append(ClientConnection(rel, exported))
    found.sort(key=lambda c: (project is not None and ctx.project_of(c.file) != project, c.file))
    return found[0] if found else None


# ---------------------------------------------------------------------------------------------------------
# Packages and paths


def package_dir(ctx: ScaffoldContext, rel: str) -> str | None:
    package = ctx.index.workspace.package_of(rel)
    return None if package is None else package.dir


def source_dir(ctx: ScaffoldContext, package: str) -> str:
    """Where a package keeps its sources: `<pkg>/src` when that holds files, else the package dir."""
    src = f"{package}/src" if package else "src"
    if any(f.startswith(src + "/") for f in ctx.files):
        return src
    return package


def socket_module_path(ctx: ScaffoldContext, trigger_file: str) -> str:
    """The configured socket module; for the default (`apps/api/socket.ts`) the API's source directory is
    preferred when the configured directory holds no sources itself (`apps/api/src/socket.ts`)."""
    configured = ctx.config.scaffold.socket_module
    if configured != _DEFAULT_SCAFFOLD.socket_module:
        return configured
    package = package_dir(ctx, trigger_file)
    if package is None:
        return configured
    directory = source_dir(ctx, package)
    return posixpath.join(directory, posixpath.basename(configured)) if directory else posixpath.basename(configured)


def client_hook_path(ctx: ScaffoldContext, consumer: str | None) -> str:
    """The configured hook path; for the default, inside the consumer's app when it has a different root."""
    configured = ctx.config.scaffold.client_hook
    if configured != _DEFAULT_SCAFFOLD.client_hook or consumer is None:
        return configured
    package = package_dir(ctx, consumer)
    if package is None or configured.startswith(package + "/"):
        return configured
    return posixpath.join(source_dir(ctx, package), "hooks", posixpath.basename(configured))


def module_specifier(ctx: ScaffoldContext, from_rel: str, target: str) -> str:
    """How `from_rel` imports `target`: by the package name when the package resolves (`@acme/shared`,
    through package.json names or tsconfig paths), else by a relative path."""
    from socketlens.analysis.scaffold.source import relative_specifier

    workspace = ctx.index.workspace
    package = workspace.package_of(target)
    if package is not None and package.name and package.dir and not from_rel.startswith(package.dir + "/"):
        resolved = workspace.resolve_module(from_rel, package.name)
        if resolved is not None:
            return package.name
    source = ctx.source(from_rel)
    return relative_specifier(from_rel, target, source is not None and source.uses_js_extension())


def shared_exports(ctx: ScaffoldContext, maps_file: str) -> dict[str, str]:
    """Type names the shared package exports, with the file declaring each (for payload named types)."""
    package = package_dir(ctx, maps_file)
    prefix = (package + "/") if package else posixpath.dirname(maps_file) + "/"
    found: dict[str, str] = {}
    for rel in sorted(ctx.files):
        if not rel.startswith(prefix) or language_of(rel) not in ("typescript", "tsx"):
            continue
        source = ctx.source(rel)
        if source is None:
            continue
        for name in source.exported_names:
            found.setdefault(name, rel)
    return found


def object_type_names(ctx: ScaffoldContext, exports: dict[str, str]) -> set[str]:
    """Which of the exported names are interfaces or object types (records, not references)."""
    names: set[str] = set()
    for name, rel in exports.items():
        source = ctx.source(rel)
        node = source.exported_names.get(name) if source else None
        if node is None:
            continue
        if node.type == "interface_declaration":
            names.add(name)
        elif node.type == "type_alias_declaration":
            value = node.child_by_field_name("value")
            if value is not None and value.type in ("object_type", "intersection_type"):
                names.add(name)
    return names


def package_entry(ctx: ScaffoldContext, rel: str) -> str | None:
    package = ctx.index.workspace.package_of(rel)
    return None if package is None else package.entry
