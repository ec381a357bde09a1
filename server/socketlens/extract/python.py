"""Python back ends: python-socketio (`socketio.Server` / `AsyncServer` / `Client`) and Flask-SocketIO.

Parsed with libcst. Two passes over the module: the first learns what the names of the file are (imports of
`socketio` / `flask_socketio`, names bound to servers and clients, string constants, which namespace a
class is registered under); the second turns calls and decorators on those names into `Emit`, `Listener`
and `Connection` facts.

Emits are expressed in the vocabulary the index's scoping reads (`index/scoping.py`): `room=`/`to=` become
a `ChainStep("to", rooms=...)`, `skip_sid=` a `ChainStep("except", ...)`; an emit to the handler's own
`sid` (or Flask's `request.sid`) is a SERVER_SOCKET receiver without a chain, i.e. scope SOCKET.

An external emitter, python-socketio's pub/sub manager (`mgr = socketio.RedisManager(url, write_only=True)` in a
Celery worker; also Kombu, Kafka, Zmq, AsyncRedis and AsyncAioPika), is a SERVER receiver: its emits reach the
clients of every server on the queue, scoped by `room=`/`to=`; its third positional argument is the namespace.
It accepts no connection: its construction is no `Connection`.

A server or client held on an instance (`self.sio = socketio.AsyncServer()` in a method, or
`sio: socketio.AsyncServer` in the class body) is a receiver `self.sio` in that class's methods, and in
those of its subclasses in the same file. One stored on a module-level object's attribute
(`app.state.sio = AsyncServer()`, FastAPI's app state) is a receiver wherever a path ends with that
attribute path (`app.state.sio`, `request.app.state.sio`); so is one stored under a string key (aiohttp's
`app["sio"] = sio`, also in a `create_app()` factory), read as `app["sio"]` or `request.app["sio"]`. Such
stores are published in `FileFacts.sockets` under their path; a read of a path this file stores nothing on
(a router reading `request.app.state.sio`) is a receiver of unknown kind that the index resolves through
another module's store (`shared_socket_path`), or drops.

A local annotated with a server/client class (`sio: AsyncServer = ...`), or bound to what is a receiver here
(`sio = request.app["sio"]`, `sio = get_sio(app)`), is a receiver; so is the call of a module-level function
annotated to return one (`get_sio(app).emit(...)`, root `get_sio()`).

A class extending a namespace class of the file (transitively) is a namespace class of the same kind with a
namespace of its own (where it is registered, or its own `super().__init__("/x")`). An inherited handler or
`self.emit` is one site, under the namespace of the class that defines it (that of its subclasses when it
is an unregistered base they all share one of), although at run time it serves every subclass's namespace
too. `namespace=self.namespace` in a namespace class's method is that class's namespace.

A name holding an instance of a namespace class of the file (`ns = ChatNamespace("/chat")`, a module-level
`ns: Optional[ChatNamespace]`, a parameter `ns: ChatNamespace`) is a receiver like `self` in that class: same
kind and namespace. A room built by a same-file helper whose body is one `return f"user:{uid}"`
(`room=self.user_room(uid)`) has the prefix of what the helper returns.

Event names resolve like the TS ones: module-level string constants and class attributes are `bindings`,
every module-level name is an export, and imports of the app's own modules become `Import`s with a path
specifier (`from .events import X` -> "./events.py"; see `_module_specifier`) that the workspace's module
resolution follows. Third-party imports are not recorded: a name from them stays a dynamic site. A
star import of an app module (`from .events import *`) binds every public name of that module: it is a
`ReExport("*")` (Python re-exports it: `from app.routes import JOIN` works), the last star import first, as
the last binding wins; and each public name the file reads but binds in no scope of its own (libcst's scope
analysis) is an `Import` of the file's own global of that name (specifier: the file itself), which the
index finds through those re-exports. A binding of the file wins over every star import, wherever it is. A
star import of `socketio` / `flask_socketio` lends the names of theirs this extractor knows. A
module-level function that emits its own parameter is a `Forwarder`; calls of local and imported functions
are `Call`s, so `emit_to_org(org.id, "lead:new", p)` in another module is an emit of "lead:new".

A server's connect handler that can refuse the connection (`raise ConnectionRefusedError`, `return False`) is
a `handshake-auth` finding (the unauthenticated-server rule reads it), decorated or registered by a call:
`sio.on("connect", handler)`, `handler=`, `sio.on("connect", namespace="/x")(handler)`, with `handler` a
function of the file (module-level, or defined in the registering function) or a method `self.on_connect`.
No jedi: nothing here needs type inference yet.
"""

from __future__ import annotations

import codecs
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Callable

import libcst as cst
from libcst.metadata import ByteSpanPositionProvider, MetadataWrapper, ScopeProvider

from socketlens.extract.vocabulary import shared_socket_path
from socketlens.model import (
    BindingValue,
    Call,
    ChainStep,
    Connection,
    Emit,
    FileFacts,
    Finding,
    Forwarder,
    Import,
    Lit,
    Listener,
    ListenerKind,
    NameValue,
    ObjectValue,
    Opaque,
    Param,
    ParseProblem,
    Receiver,
    ReExport,
    Ref,
    RoomArg,
    SocketBinding,
    SocketKind,
    Span,
)

PYTHON_SOCKETIO = "socketio"
FLASK_SOCKETIO = "flask_socketio"
_LIBRARIES = frozenset({PYTHON_SOCKETIO, FLASK_SOCKETIO})

# (library, constructor) -> what it makes.
_CONSTRUCTORS = {
    (PYTHON_SOCKETIO, "Server"): SocketKind.SERVER,
    (PYTHON_SOCKETIO, "AsyncServer"): SocketKind.SERVER,
    (FLASK_SOCKETIO, "SocketIO"): SocketKind.SERVER,
    (PYTHON_SOCKETIO, "Client"): SocketKind.CLIENT_SOCKET,
    (PYTHON_SOCKETIO, "AsyncClient"): SocketKind.CLIENT_SOCKET,
    (PYTHON_SOCKETIO, "SimpleClient"): SocketKind.CLIENT_SOCKET,
    (PYTHON_SOCKETIO, "AsyncSimpleClient"): SocketKind.CLIENT_SOCKET,
}
# External emitters: a pub/sub manager (`socketio.RedisManager(url, write_only=True)` in a Celery worker)
# emits to the clients of every server on its queue. Its emits are a server's, `emit(event, data,
# namespace, room, skip_sid, ..., to=)`, but it accepts no connection.
_MANAGERS = frozenset(
    {"RedisManager", "AsyncRedisManager", "KombuManager", "KafkaManager", "ZmqManager", "AsyncAioPikaManager"}
)
_CONSTRUCTORS.update({(PYTHON_SOCKETIO, manager): SocketKind.SERVER for manager in _MANAGERS})
# `@sio.on("*")` / `@socketio.on("*")`: the catch-all handler of both libraries.
CATCH_ALL_EVENT = "*"

# Class-based namespaces: `on_<event>` methods are handlers, `self.emit` emits.
_NAMESPACE_BASES = {
    (PYTHON_SOCKETIO, "Namespace"): SocketKind.SERVER,
    (PYTHON_SOCKETIO, "AsyncNamespace"): SocketKind.SERVER,
    (FLASK_SOCKETIO, "Namespace"): SocketKind.SERVER,
    (PYTHON_SOCKETIO, "ClientNamespace"): SocketKind.CLIENT_SOCKET,
    (PYTHON_SOCKETIO, "AsyncClientNamespace"): SocketKind.CLIENT_SOCKET,
}
_EMIT_METHODS = frozenset({"emit", "call", "send"})
_LISTEN_DECORATORS = frozenset({"on", "event"})
_LISTEN_CALLS = frozenset({"on", "on_event"})
# A server object imported from another module of the app (`from .extensions import socketio`): by far the
# usual Flask layout. Only these conventional names are trusted, and only with a socket.io import in sight.
_CONVENTIONAL_SERVER_NAMES = frozenset({"sio", "socketio", "socket_io"})
# `send(data)` emits the "message" event.
_SEND_EVENT = "message"
# What a star import of a library lends that this extractor reads: `from flask_socketio import *`.
_LIBRARY_NAMES = {
    library: frozenset(
        {name for lib, name in (*_CONSTRUCTORS, *_NAMESPACE_BASES) if lib == library}
        | ({"emit", "send", "join_room"} if library == FLASK_SOCKETIO else set())
    )
    for library in _LIBRARIES
}


# ---------------------------------------------------------------------------------------------------------
# Positions


class _Positions:
    """libcst byte spans -> `Span` (0-based line, code-point column), computed from the bytes themselves."""

    def __init__(self, data: bytes, byte_spans):
        self.data = data
        self.byte_spans = byte_spans
        # libcst drops a UTF-8 byte order mark before it counts bytes; the file's offsets include it.
        self.shift = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
        self.line_starts = [0]
        pos = data.find(b"\n")
        while pos != -1:
            self.line_starts.append(pos + 1)
            pos = data.find(b"\n", pos + 1)

    def point(self, offset: int) -> tuple[int, int]:
        line = bisect_right(self.line_starts, offset) - 1
        chunk = self.data[self.line_starts[line] : offset]
        return line, (len(chunk) if chunk.isascii() else len(chunk.decode("utf-8", errors="replace")))

    def between(self, start: int, end: int) -> Span:
        sl, sc = self.point(start)
        el, ec = self.point(end)
        return Span(start, end, sl, sc, el, ec)

    def offsets(self, node: cst.CSTNode) -> tuple[int, int]:
        code_span = self.byte_spans[node]
        start = code_span.start + self.shift
        return start, start + code_span.length

    def span(self, node: cst.CSTNode) -> Span:
        return self.between(*self.offsets(node))

    def text(self, node: cst.CSTNode) -> str:
        start, end = self.offsets(node)
        return self.data[start:end].decode("utf-8", errors="replace")


# ---------------------------------------------------------------------------------------------------------
# Small expression helpers


def _string_value(node: cst.BaseExpression) -> str | None:
    """The value of a string literal, implicit concatenation or f-string without substitutions."""
    if isinstance(node, cst.SimpleString):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    if isinstance(node, cst.ConcatenatedString):
        left, right = _string_value(node.left), _string_value(node.right)
        return left + right if left is not None and right is not None else None
    if isinstance(node, cst.FormattedString):
        if all(isinstance(part, cst.FormattedStringText) for part in node.parts):
            return "".join(part.value for part in node.parts)
    return None


def _static_prefix(node: cst.BaseExpression, call_prefix: Callable[[cst.Call], str | None] | None = None) -> str | None:
    """The static text a room expression starts with: `f"org:{id}"`, `"org:" + id`, `"org:%s" % id`,
    `"org:{}".format(id)` -> "org:". None when it starts with something computed. `call_prefix` tells what
    other calls start with (a same-file room helper: `user_room(id)`)."""
    whole = _string_value(node)
    if whole is not None:
        return whole
    if isinstance(node, cst.FormattedString):
        prefix = ""
        for part in node.parts:
            if not isinstance(part, cst.FormattedStringText):
                break
            prefix += part.value
        return prefix or None
    if isinstance(node, cst.ConcatenatedString):
        left = _string_value(node.left)
        if left is not None:
            return left + (_static_prefix(node.right, call_prefix) or "")
        return _static_prefix(node.left, call_prefix)
    if isinstance(node, cst.BinaryOperation):
        if isinstance(node.operator, cst.Add):
            left = _string_value(node.left)
            if left is not None:
                return left + (_static_prefix(node.right, call_prefix) or "")
            return _static_prefix(node.left, call_prefix)
        if isinstance(node.operator, cst.Modulo):
            template = _string_value(node.left)
            return (template.split("%", 1)[0] or None) if template is not None else None
    if isinstance(node, cst.Call):
        if isinstance(node.func, cst.Attribute) and node.func.attr.value == "format":
            template = _string_value(node.func.value)
            if template is not None:
                return template.split("{", 1)[0] or None
        return call_prefix(node) if call_prefix is not None else None
    return None


def _single_return(node: cst.FunctionDef) -> cst.BaseExpression | None:
    """What a function whose body is one `return <expr>` (after an optional docstring) returns."""
    body = node.body
    statements = list(body.body) if isinstance(body, cst.IndentedBlock) else [body]
    if statements and node.get_docstring() is not None:
        statements = statements[1:]
    if len(statements) != 1:
        return None
    statement = statements[0]
    if not isinstance(statement, (cst.SimpleStatementLine, cst.SimpleStatementSuite)) or len(statement.body) != 1:
        return None
    small = statement.body[0]
    return small.value if isinstance(small, cst.Return) else None


def _annotated_class(annotation: cst.BaseExpression) -> str | None:
    """The same-file class a name is annotated with: `X`, `Optional[X]`, `Union[X, None]`, `X | None`, `"X"`."""
    named = _unwrap_optional(annotation)
    return named.value if isinstance(named, cst.Name) else None


def _dotted(node: cst.BaseExpression) -> tuple[str, ...] | None:
    """`a.b.c` -> ("a", "b", "c"); None for anything but names and attribute accesses."""
    if isinstance(node, cst.Name):
        return (node.value,)
    if isinstance(node, cst.Attribute):
        base = _dotted(node.value)
        return base + (node.attr.value,) if base is not None else None
    return None


def _access_path(node: cst.BaseExpression) -> tuple[str, ...] | None:
    """Like `_dotted`, with string-key subscripts as parts of their own: `request.app["sio"]` ->
    ("request", "app", '["sio"]'), whatever quotes the key is written with."""
    if isinstance(node, cst.Subscript) and len(node.slice) == 1 and isinstance(node.slice[0].slice, cst.Index):
        key = _string_value(node.slice[0].slice.value)
        base = _access_path(node.value)
        return base + (f'["{key}"]',) if base is not None and key is not None and '"' not in key else None
    if isinstance(node, cst.Attribute):
        base = _access_path(node.value)
        return base + (node.attr.value,) if base is not None else None
    return _dotted(node)


def _is_shared_path(path: tuple[str, ...]) -> bool:
    """A path another module may store a server on: not one of `self`'s attributes."""
    return path[0] != "self" and shared_socket_path(_path_text(path)) is not None


def _path_text(path: tuple[str, ...]) -> str:
    return "".join(part if part.startswith("[") or position == 0 else "." + part for position, part in enumerate(path))


def _unwrap_optional(annotation: cst.BaseExpression) -> cst.BaseExpression | None:
    """The type an annotation names, unwrapping `Optional[X]`, `Union[X, None]`, `X | None` and `"X"`."""
    if isinstance(annotation, cst.SimpleString):
        text = annotation.evaluated_value
        try:
            return _unwrap_optional(cst.parse_expression(text)) if isinstance(text, str) else None
        except cst.ParserSyntaxError:
            return None
    members: list[cst.BaseExpression] = [annotation]
    if isinstance(annotation, cst.BinaryOperation) and isinstance(annotation.operator, cst.BitOr):
        members = [annotation.left, annotation.right]
    elif isinstance(annotation, cst.Subscript) and (_dotted(annotation.value) or ("",))[-1] in ("Optional", "Union"):
        members = [element.slice.value for element in annotation.slice if isinstance(element.slice, cst.Index)]
    others = [member for member in members if not _is_none(member)]
    if len(others) != 1:
        return None
    return others[0] if others[0] is annotation else _unwrap_optional(others[0])


def _keyword(call: cst.Call, name: str) -> cst.Arg | None:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == name:
            return arg
    return None


def _positional(call: cst.Call) -> list[cst.Arg]:
    return [arg for arg in call.args if arg.keyword is None and not arg.star]


def _is_true(node: cst.BaseExpression | None) -> bool:
    return isinstance(node, cst.Name) and node.value == "True"


def _is_false(node: cst.BaseExpression | None) -> bool:
    return isinstance(node, cst.Name) and node.value == "False"


def _module_name(node: cst.BaseExpression) -> str:
    parts = _dotted(node)
    return ".".join(parts) if parts else ""


# ---------------------------------------------------------------------------------------------------------
# Pass 1: what the file's names are


@dataclass
class _SocketName:
    kind: SocketKind
    library: str
    constructor: str


@dataclass
class _Instance:
    class_name: str
    namespace: str | None  # given to its constructor: `ChatNamespace("/chat")`


@dataclass
class _Names:
    modules: dict[str, str] = field(default_factory=dict)  # local alias -> "socketio" | "flask_socketio"
    imported: dict[str, tuple[str, str]] = field(default_factory=dict)  # local -> (library, name)
    other_imports: set[str] = field(default_factory=set)  # names imported from any other module
    sockets: dict[str, _SocketName] = field(default_factory=dict)
    bindings: dict[str, BindingValue] = field(default_factory=dict)
    # Namespaces of namespace classes by class name: where the class is registered (`register_namespace(
    # Chat("/chat"))`), and what its own `__init__` gives `super().__init__("/chat")`.
    namespace_of_class: dict[str, str] = field(default_factory=dict)
    constructor_namespace: dict[str, str] = field(default_factory=dict)
    bound_calls: dict[int, str] = field(default_factory=dict)  # id of a constructor call -> the name bound to it
    imports: list[Import] = field(default_factory=list)  # from modules of the app, with a path specifier
    # Star imports of modules of the app (`from .events import *`), the last one first, and the names they
    # lend this file (read here, bound nowhere here), which it imports from its own globals.
    star_imports: list[ReExport] = field(default_factory=list)
    lent: set[str] = field(default_factory=set)
    # Module-level functions by name: wrappers are called by name, handlers registered by it (`sio.on("connect", f)`).
    functions: dict[str, cst.FunctionDef] = field(default_factory=dict)
    module_sockets: set[str] = field(default_factory=set)  # servers/clients bound at module level
    # Servers/clients held on instances: id of the ClassDef -> attribute -> what it holds (`self.sio = ...`
    # in a method, `sio: socketio.AsyncServer` in the class body). Keyed by node so another class's
    # `self.sio` stays unrelated.
    held: dict[int, dict[str, _SocketName]] = field(default_factory=dict)
    module_classes: dict[str, cst.ClassDef] = field(default_factory=dict)  # module-level classes by name
    # Servers/clients stored on an attribute of a module-level object: `app.state.sio = AsyncServer()`
    # (FastAPI's app state), read back as `app.state.sio` or `request.app.state.sio`.
    # Also under a string key (`app["sio"] = sio`, aiohttp's app), read back as `request.app["sio"]`; paths
    # as `_access_path` spells them.
    attribute_sockets: dict[tuple[str, ...], _SocketName] = field(default_factory=dict)
    # Module-level functions annotated to return a server/client: `def get_sio(app) -> AsyncServer`.
    socket_returns: dict[str, _SocketName] = field(default_factory=dict)
    # Module-level names bound to (`ns = ChatNamespace("/chat")`) or annotated with (`ns: Optional[ChatNamespace]`)
    # an instance of a class of this file; only those of namespace classes are receivers.
    instances: dict[str, _Instance] = field(default_factory=dict)
    # Functions whose body is one `return <expr>`, for the room prefix of their calls (`user_room(id)`):
    # module-level ones by name, methods by id of their ClassDef, then name.
    returns: dict[str, cst.BaseExpression] = field(default_factory=dict)
    method_returns: dict[int, dict[str, cst.BaseExpression]] = field(default_factory=dict)

    def lineage(self, node: cst.ClassDef, seen: frozenset[int] = frozenset()) -> list[cst.ClassDef]:
        """A class and its bases in this file, bases first."""
        classes: list[cst.ClassDef] = []
        for base in node.bases:
            parent = self.module_classes.get(base.value.value) if isinstance(base.value, cst.Name) else None
            if parent is not None and id(parent) not in seen | {id(node)}:
                classes.extend(self.lineage(parent, seen | {id(node)}))
        classes.append(node)
        return classes

    def held_by(self, node: cst.ClassDef) -> dict[str, _SocketName]:
        """What instances of a class hold, its own attributes over those of its bases in this file."""
        held: dict[str, _SocketName] = {}
        for cls in self.lineage(node):
            held.update(self.held.get(id(cls), {}))
        return held

    def returns_of(self, node: cst.ClassDef) -> dict[str, cst.BaseExpression]:
        """The single-return methods of a class, its own over those of its bases in this file."""
        found: dict[str, cst.BaseExpression] = {}
        for cls in self.lineage(node):
            found.update(self.method_returns.get(id(cls), {}))
        return found

    def namespace_kind(self, node: cst.ClassDef) -> SocketKind | None:
        """What a class-based namespace is (`class Chat(socketio.AsyncNamespace)`, or a subclass of such a
        class of this file, transitively); None for other classes."""
        for cls in self.lineage(node):
            for base in cls.bases:
                kind = _NAMESPACE_BASES.get(self.qualified(base.value))  # type: ignore[arg-type]
                if kind is not None:
                    return kind
        return None

    def class_namespace(self, node: cst.ClassDef) -> str | None:
        """The namespace of the sites written in a namespace class's body (`on_<event>` handlers, `self.emit`).

        An inherited handler serves every namespace a subclass is registered on, but a site has one
        namespace: that of the class defining it. A base registered nowhere itself (an abstract base) takes
        the namespace of its subclasses in this file when they all share one; otherwise none is known."""
        own = self._own_namespace(node)
        if own is not None:
            return own
        below = {
            self._own_namespace(cls)
            for cls in self.module_classes.values()
            if cls is not node and any(base is node for base in self.lineage(cls)[:-1])
        } - {None}
        return below.pop() if len(below) == 1 else None

    def _own_namespace(self, node: cst.ClassDef) -> str | None:
        """Where a class is registered, else what its constructor (maybe inherited) gives its base."""
        registered = self.namespace_of_class.get(node.name.value)
        if registered is not None:
            return registered
        for cls in reversed(self.lineage(node)):  # the nearest `__init__` that fixes one
            fixed = self.constructor_namespace.get(cls.name.value)
            if fixed is not None:
                return fixed
        return None

    def instance_receiver(self, name: str, instance: _Instance) -> Receiver | None:
        """A name holding an instance of a namespace class: a receiver like `self` in that class."""
        node = self.module_classes.get(instance.class_name)
        kind = self.namespace_kind(node) if node is not None else None
        if kind is None:
            return None
        return Receiver(name, kind, instance.namespace or self.class_namespace(node))  # type: ignore[arg-type]

    def attribute_socket(self, path: tuple[str, ...]) -> _SocketName | None:
        """The server an attribute path reads: `app.state.sio`, or `request.app.state.sio` ending with it."""
        for held_path, socket in self.attribute_sockets.items():
            if path[-len(held_path) :] == held_path:
                return socket
        return None

    def annotated_socket(self, annotation: cst.BaseExpression) -> _SocketName | None:
        """The server/client an annotation names: `socketio.AsyncServer`, `Optional[AsyncServer]`."""
        named = _unwrap_optional(annotation)
        made = self.qualified(named) if named is not None else None
        return _SocketName(_CONSTRUCTORS[made], made[0], made[1]) if made in _CONSTRUCTORS else None  # type: ignore[index]

    def exported(self) -> tuple[tuple[str, str], ...]:
        """Every module-level name is importable in Python."""
        names = {*self.bindings, *self.module_sockets, *self.functions, *(imp.local for imp in self.imports)}
        # A lent name is exported by the star re-export that supplies it, not as one of this file's bindings.
        return tuple((name, name) for name in sorted(names - self.lent))

    def lend_star_names(self, rel: str, free: frozenset[str]) -> None:
        """Import the public names the file reads and binds in none of its scopes from its own globals,
        which its star imports supply (`Resolution.exported_local` follows the `*` re-exports)."""
        if not self.star_imports:
            return
        own_module = "./" + rel.rsplit("/", 1)[-1]
        for name in sorted(free):
            if not name.startswith("_") and name not in self.imported:
                self.imports.append(Import(name, own_module, name))
                self.lent.add(name)

    def imported_locals(self) -> set[str]:
        return {imp.local for imp in self.imports}

    def qualified(self, node: cst.BaseExpression) -> tuple[str, str] | None:
        """(library, name) that an expression names: `socketio.AsyncServer`, `SocketIO`, `flask_socketio.emit`."""
        if isinstance(node, cst.Name):
            return self.imported.get(node.value)
        if isinstance(node, cst.Attribute) and isinstance(node.value, cst.Name):
            library = self.modules.get(node.value.value)
            if library is not None:
                return library, node.attr.value
        return None

    @property
    def uses_socketio(self) -> bool:
        return bool(self.modules) or bool(self.imported)


class _NameCollector(cst.CSTVisitor):
    METADATA_DEPENDENCIES = (ByteSpanPositionProvider,)

    def __init__(self, rel: str, names: _Names, positions: _Positions, free_names: Callable[[], frozenset[str]]):
        super().__init__()
        self.rel = rel
        self.names = names
        self.positions = positions
        self.free_names = free_names  # the names the module reads and binds in no scope: what `import *` lends
        self.depth = 0  # function/class nesting: constants count at module level only
        self.scopes: list[str] = []  # enclosing class and function names, innermost last
        self.class_names: set[str] = set()
        self.enclosing: list[cst.FunctionDef | cst.ClassDef] = []  # the nodes behind `scopes`

    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            module = _module_name(alias.name)
            if module in _LIBRARIES:
                local = alias.asname.name.value if alias.asname else module  # type: ignore[union-attr]
                self.names.modules[local] = module
            elif alias.asname is not None and self.depth == 0:  # `import app.events as events`
                specifier = _module_specifier(self.rel, 0, module.split("."))
                if specifier is not None:
                    self.names.imports.append(Import(alias.asname.name.value, specifier, "*"))  # type: ignore[union-attr]

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        module = _module_name(node.module) if node.module is not None else ""
        dots = len(node.relative)
        if isinstance(node.names, cst.ImportStar):
            self._star_import(module, dots)
            return
        for alias in node.names:
            name = alias.name.value if isinstance(alias.name, cst.Name) else _module_name(alias.name)
            local = alias.asname.name.value if alias.asname else name  # type: ignore[union-attr]
            if module in _LIBRARIES and not dots:
                self.names.imported[local] = (module, name)
                continue
            self.names.other_imports.add(local)
            if self.depth:
                continue
            if module:
                specifier = _module_specifier(self.rel, dots, module.split("."))
                if specifier is not None:
                    self.names.imports.append(Import(local, specifier, name))
            elif dots:  # `from . import events`: a sibling module, imported whole
                specifier = _module_specifier(self.rel, dots, [name])
                if specifier is not None:
                    self.names.imports.append(Import(local, specifier, "*"))

    def _star_import(self, module: str, dots: int) -> None:
        """`from .events import *` (only allowed at module level): a module of the app is re-exported and
        lends names later (`_Names.lend_star_names`); a socket.io library lends its names the file reads."""
        if module in _LIBRARIES and not dots:
            for name in self.free_names() & _LIBRARY_NAMES[module]:
                self.names.imported[name] = (module, name)
            return
        # `from . import *` imports the package itself.
        specifier = _module_specifier(self.rel, dots, module.split(".") if module else ["__init__"])
        if specifier is not None:
            self.names.star_imports.insert(0, ReExport("*", specifier, "*"))  # binds last: looked up first

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        if self.depth == 0:
            self.names.functions[node.name.value] = node
            returned_socket = self.names.annotated_socket(node.returns.annotation) if node.returns else None
            if returned_socket is not None:
                self.names.socket_returns[node.name.value] = returned_socket
        returned = _single_return(node)
        if returned is not None:
            owner = self.enclosing[-1] if self.enclosing else None
            if self.depth == 0:
                self.names.returns[node.name.value] = returned
            elif isinstance(owner, cst.ClassDef):
                self.names.method_returns.setdefault(id(owner), {})[node.name.value] = returned
        self.depth += 1
        self.scopes.append(node.name.value)
        self.enclosing.append(node)

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.depth -= 1
        self.scopes.pop()
        self.enclosing.pop()

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        if self.depth == 0:
            self.names.module_classes[node.name.value] = node
            members = _class_constants(node, self.positions)
            if members:
                self.names.bindings[node.name.value] = ObjectValue(members)
        self.depth += 1
        self.scopes.append(node.name.value)
        self.class_names.add(node.name.value)
        self.enclosing.append(node)
        return True

    def leave_ClassDef(self, node: cst.ClassDef) -> None:
        self.depth -= 1
        self.scopes.pop()
        self.enclosing.pop()

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._bind(target.target, node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self._bind(node.target, node.value)
        # `ns: Optional[ChatNamespace] = None`, set later by a function: what it holds is told by its type.
        class_name = _annotated_class(node.annotation.annotation)
        if self.depth == 0 and isinstance(node.target, cst.Name) and class_name is not None:
            self.names.instances.setdefault(node.target.value, _Instance(class_name, None))
        # `sio: socketio.AsyncServer` in a class body (or `self.sio: socketio.AsyncServer` in a method):
        # the instance holds one, whatever assigns it.
        made = self.names.qualified(node.annotation.annotation)
        if made in _CONSTRUCTORS:
            self._hold(node.target, _SocketName(_CONSTRUCTORS[made], made[0], made[1]))

    def _hold(self, target: cst.BaseExpression, socket: _SocketName) -> bool:
        """Record `self.<attr>` assigned in a method, or `<attr>` in a class body, as held by the class."""
        owner = self._owner_class(target)
        if owner is None:
            return False
        attr = target.attr.value if isinstance(target, cst.Attribute) else target.value  # type: ignore[union-attr]
        self.names.held.setdefault(id(owner), {})[attr] = socket
        return True

    def _owner_class(self, target: cst.BaseExpression) -> cst.ClassDef | None:
        """The class whose instances `target` is an attribute of: a name in a class body, `self.x` in a
        (possibly nested) function of a class."""
        if isinstance(target, cst.Name):
            last = self.enclosing[-1] if self.enclosing else None
            return last if isinstance(last, cst.ClassDef) else None
        if not _is_self_attribute(target):
            return None
        for position in range(len(self.enclosing) - 1, 0, -1):
            if isinstance(self.enclosing[position - 1], cst.ClassDef) and isinstance(self.enclosing[position], cst.FunctionDef):
                return self.enclosing[position - 1]  # type: ignore[return-value]
        return None

    def _bind(self, target: cst.BaseExpression, value: cst.BaseExpression) -> None:
        if isinstance(target, cst.Subscript):
            self._store(target, value)
            return
        if isinstance(target, cst.Attribute):
            made = self.names.qualified(value.func) if isinstance(value, cst.Call) else None
            if made in _CONSTRUCTORS and self._hold(target, _SocketName(_CONSTRUCTORS[made], made[0], made[1])):
                self.names.bound_calls[id(value)] = f"self.{target.attr.value}"
            elif self.depth == 0:
                self._store(target, value)
            return
        if not isinstance(target, cst.Name):
            return
        if isinstance(value, cst.Call):
            made = self.names.qualified(value.func)
            if made in _CONSTRUCTORS:
                self.names.sockets[target.value] = _SocketName(_CONSTRUCTORS[made], made[0], made[1])
                self._hold(target, self.names.sockets[target.value])  # a class attribute: `self.sio` too
                self.names.bound_calls[id(value)] = target.value
                if self.depth == 0:
                    self.names.module_sockets.add(target.value)
                return
            if self.depth == 0 and isinstance(value.func, cst.Name):  # `ns = ChatNamespace("/chat")`
                self.names.instances[target.value] = _Instance(value.func.value, _namespace_argument(value))
        if self.depth == 0:
            bound = _binding_value(value, self.positions)
            if bound is not None:
                self.names.bindings[target.value] = bound

    def _store(self, target: cst.BaseExpression, value: cst.BaseExpression) -> None:
        """A server/client stored on an object's attribute or under a string key: `app.state.sio =
        AsyncServer()`, `app["sio"] = sio` (aiohttp, often in a `create_app()` factory)."""
        path = _access_path(target)
        if path is None or len(path) < 2:
            return
        made = self.names.qualified(value.func) if isinstance(value, cst.Call) else None
        if made in _CONSTRUCTORS:
            self.names.attribute_sockets[path] = _SocketName(_CONSTRUCTORS[made], made[0], made[1])
            self.names.bound_calls[id(value)] = _path_text(path)
        elif isinstance(value, cst.Name) and value.value in self.names.sockets:  # a server bound before
            self.names.attribute_sockets[path] = self.names.sockets[value.value]

    def visit_Call(self, node: cst.Call) -> None:
        if not isinstance(node.func, cst.Attribute):
            return
        # `sio.register_namespace(ChatNamespace("/chat"))`, `socketio.on_namespace(Chat(namespace="/chat"))`
        if node.func.attr.value in ("register_namespace", "on_namespace"):
            args = _positional(node)
            if args and isinstance(args[0].value, cst.Call) and isinstance(args[0].value.func, cst.Name):
                namespace = _namespace_argument(args[0].value)
                if namespace is not None:
                    self.names.namespace_of_class[args[0].value.func.value] = namespace
            # `ns = ChatNamespace("/chat")` then `sio.register_namespace(ns)`
            elif args and isinstance(args[0].value, cst.Name) and args[0].value.value in self.names.instances:
                instance = self.names.instances[args[0].value.value]
                if instance.namespace is not None:
                    self.names.namespace_of_class[instance.class_name] = instance.namespace
        # `super().__init__("/chat")` in a namespace class's `__init__`: the class fixes its own namespace.
        # A namespace given where the class is registered takes precedence.
        elif node.func.attr.value == "__init__" and self._in_constructor() and _is_super_call(node.func.value):
            namespace = _namespace_argument(node)
            if namespace is not None:
                self.names.constructor_namespace.setdefault(self.scopes[-2], namespace)

    def _in_constructor(self) -> bool:
        return len(self.scopes) >= 2 and self.scopes[-1] == "__init__" and self.scopes[-2] in self.class_names


def _is_self_attribute(node: cst.BaseExpression) -> bool:
    """`self.<attr>`, exactly one attribute deep."""
    return isinstance(node, cst.Attribute) and isinstance(node.value, cst.Name) and node.value.value == "self"


def _is_super_call(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Call) and isinstance(node.func, cst.Name) and node.func.value == "super"


def _namespace_argument(call: cst.Call) -> str | None:
    """The namespace a `Namespace` constructor is given: its first positional argument or `namespace=`."""
    keyword = _keyword(call, "namespace")
    if keyword is not None:
        return _string_value(keyword.value)
    args = _positional(call)
    return _string_value(args[0].value) if args else None


def _module_specifier(rel: str, dots: int, parts: list[str]) -> str | None:
    """A path specifier the workspace's module resolution understands, for a Python import of `rel`:
    `from .events import X` -> "./events.py", `from ..shared import events` -> "../shared/events.py".
    An absolute import is followed only when its top package is a directory `rel` is in (`app.events` from
    `apps/api/app/handlers.py`); anything else is a third-party module. Package `__init__.py` files are not
    probed: the extractor does no I/O, and a module file is the common case."""
    directories = rel.split("/")[:-1]
    if dots:
        if dots - 1 > len(directories):
            return None
        up = "./" if dots == 1 else "../" * (dots - 1)
        return up + "/".join(parts) + ".py"
    for position in range(len(directories) - 1, -1, -1):
        if directories[position] == parts[0]:
            ups = len(directories) - position
            return "../" * ups + "/".join(parts) + ".py"
    return None


def _binding_value(value: cst.BaseExpression, positions: _Positions | None) -> BindingValue | None:
    string = _string_value(value)
    if string is not None:
        return Lit(string, positions.span(value) if positions is not None and _renamable(value) else None)
    parts = _dotted(value)
    if parts is not None:
        return Ref(parts[0], parts[1:])
    return None


def _class_constants(node: cst.ClassDef, positions: _Positions) -> tuple[tuple[str, BindingValue], ...]:
    """`class Events: LEAD_NEW = "lead:new"` (str Enums too): attribute name -> value."""
    members: list[tuple[str, BindingValue]] = []
    body = node.body.body if isinstance(node.body, cst.IndentedBlock) else ()
    for statement in body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if isinstance(small, cst.Assign) and len(small.targets) == 1 and isinstance(small.targets[0].target, cst.Name):
                bound = _binding_value(small.value, positions)
                if bound is not None:
                    members.append((small.targets[0].target.value, bound))
    return tuple(members)


# ---------------------------------------------------------------------------------------------------------
# Pass 2: sites


@dataclass
class _Function:
    name: str
    params: tuple[str, ...]
    namespace: str | None = None  # of the `@socketio.on(..., namespace=...)` it handles
    sockets: dict[str, SocketKind] = field(default_factory=dict)  # parameters annotated `socketio.AsyncServer`...
    # Locals and parameters holding an instance of a class of this file (`ns = ChatNamespace("/chat")`,
    # `ns: ChatNamespace`); None for a local that shadows a module-level one.
    instances: dict[str, _Instance | None] = field(default_factory=dict)
    global_names: set[str] = field(default_factory=set)  # `global _namespace`: assignments are not locals
    # Locals bound to a shared path another module stores a server on (`sio = request.app["sio"]`): the path.
    shared_reads: dict[str, str] = field(default_factory=dict)
    # Functions defined in its body so far (`def connect(...)` in a `create_app()` factory), by name.
    defined: dict[str, cst.FunctionDef] = field(default_factory=dict)


@dataclass
class _Class:
    name: str
    kind: SocketKind | None  # set for socket.io namespace classes
    namespace: str | None  # of a namespace class's own sites (`_Names.class_namespace`)
    depth: int  # functions enclosing the class: its methods are one deeper
    held: dict[str, _SocketName] = field(default_factory=dict)  # servers/clients on `self.<attr>`
    returns: dict[str, cst.BaseExpression] = field(default_factory=dict)  # its single-return methods
    methods: dict[str, cst.FunctionDef] = field(default_factory=dict)  # its own over those of its bases


class _SiteCollector(cst.CSTVisitor):
    METADATA_DEPENDENCIES = (ByteSpanPositionProvider,)

    def __init__(self, names: _Names, positions: _Positions):
        super().__init__()
        self.names = names
        self.positions = positions
        self.functions: list[_Function] = []
        self.classes: list[_Class] = []
        self.emits: list[Emit] = []
        self.listeners: list[Listener] = []
        self.connections: list[Connection] = []
        self.findings: list[Finding] = []
        self.forwarders: list[Forwarder] = []
        self.calls: list[Call] = []
        self.decorator_calls: set[int] = set()  # ids of calls already read as decorators
        self.imported_locals = names.imported_locals()

    # -- scopes -----------------------------------------------------------------------------------------

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        kind = self.names.namespace_kind(node)
        namespace = self.names.class_namespace(node) if kind is not None else None
        held, returns = self.names.held_by(node), self.names.returns_of(node)
        methods = {
            statement.name.value: statement
            for cls in self.names.lineage(node)
            for statement in cls.body.body
            if isinstance(statement, cst.FunctionDef)
        }
        self.classes.append(_Class(node.name.value, kind, namespace, len(self.functions), held, returns, methods))

    def leave_ClassDef(self, node: cst.ClassDef) -> None:
        self.classes.pop()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        every = (*node.params.posonly_params, *node.params.params, *node.params.kwonly_params)
        params = tuple(p.name.value for p in (*node.params.posonly_params, *node.params.params))
        function = _Function(node.name.value, params)
        if self._in_function_body():
            self.functions[-1].defined[node.name.value] = node
        for param in every:
            annotation = param.annotation.annotation if param.annotation is not None else None
            socket = self.names.annotated_socket(annotation) if annotation is not None else None
            if socket is not None:
                function.sockets[param.name.value] = socket.kind
            elif annotation is not None and (class_name := _annotated_class(annotation)) in self.names.module_classes:
                function.instances[param.name.value] = _Instance(class_name, None)  # type: ignore[arg-type]
        self.functions.append(function)
        for decorator in node.decorators:
            self._decorator(decorator.decorator, node, function)
        owner = self.classes[-1] if self.classes else None
        if owner is not None and owner.kind is not None and len(self.functions) == owner.depth + 1:
            self._namespace_method(owner, node, function)

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.functions.pop()

    @property
    def function_name(self) -> str | None:
        return self.functions[-1].name if self.functions else None

    # -- locals holding namespace instances -------------------------------------------------------------

    def visit_Global(self, node: cst.Global) -> None:
        if self._in_function_body():
            self.functions[-1].global_names.update(item.name.value for item in node.names)

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._bind_local(target.target, node.value, None)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._bind_local(node.target, node.value, node.annotation.annotation)

    def _bind_local(
        self, target: cst.BaseExpression, value: cst.BaseExpression | None, annotation: cst.BaseExpression | None
    ) -> None:
        """A function's local bound to a server/client (`sio: AsyncServer = ...`, `sio = get_sio(app)`, `sio =
        request.app["sio"]`), to an instance of a class of this file, or shadowing a module-level one."""
        if not self._in_function_body() or not isinstance(target, cst.Name):
            return
        function = self.functions[-1]
        if target.value in function.global_names:
            return
        socket_kind = self._local_socket_kind(value, annotation)
        if socket_kind is not None:
            function.sockets[target.value] = socket_kind
            return
        if annotation is None and isinstance(value, (cst.Attribute, cst.Subscript)):
            read = self._receiver(value)
            if read is not None and read.kind is None:  # `sio = request.app["sio"]`, stored elsewhere
                function.shared_reads[target.value] = read.root
                return
        class_name = _annotated_class(annotation) if annotation is not None else None
        namespace = None
        if isinstance(value, cst.Call) and isinstance(value.func, cst.Name):
            class_name, namespace = value.func.value, _namespace_argument(value)
        if class_name in self.names.module_classes:
            function.instances[target.value] = _Instance(class_name, namespace)  # type: ignore[arg-type]
        elif target.value in self.names.instances:
            function.instances[target.value] = None

    def _local_socket_kind(
        self, value: cst.BaseExpression | None, annotation: cst.BaseExpression | None
    ) -> SocketKind | None:
        """What a local holds when its annotation names a server/client class, or its value is a path or a
        call that reaches one. A bare name is left alone: the module-level server it may alias is the
        receiver under its own name already."""
        annotated = self.names.annotated_socket(annotation) if annotation is not None else None
        if annotated is not None:
            return annotated.kind
        if isinstance(value, (cst.Attribute, cst.Subscript, cst.Call)):
            receiver = self._receiver(value)
            return receiver.kind if receiver is not None and receiver.namespace is None else None
        return None

    def _in_function_body(self) -> bool:
        """In a function's own body, not in that of a class defined inside it."""
        return bool(self.functions) and (not self.classes or len(self.functions) > self.classes[-1].depth)

    def _instance(self, name: str) -> _Instance | None:
        """The instance of a class of this file a name holds here: a local, a parameter or a module-level name."""
        for function in reversed(self.functions):
            if name in function.instances:
                return function.instances[name]
            if name in function.params or name in function.sockets:
                return None
        instance = self.names.instances.get(name)  # `app = FastAPI()` too: keep those of this file's classes
        return instance if instance is not None and instance.class_name in self.names.module_classes else None

    # -- listeners --------------------------------------------------------------------------------------

    def _decorator(self, expr: cst.BaseExpression, node: cst.FunctionDef, function: _Function) -> None:
        call = expr if isinstance(expr, cst.Call) else None
        target = call.func if call is not None else expr
        if not isinstance(target, cst.Attribute) or target.attr.value not in _LISTEN_DECORATORS:
            return
        receiver = self._receiver(target.value)
        if receiver is None:
            return
        if call is not None:
            self.decorator_calls.add(id(call))
        namespace = self._namespace_arg(call)
        if target.attr.value == "on":
            args = _positional(call) if call is not None else []
            if not args:
                return
            event_node = args[0].value
            name, span, name_text = self._name_value(event_node), self.positions.span(event_node), self.positions.text(event_node)
        else:  # `@sio.event`: the function's name is the event
            name_text = node.name.value
            span = self.positions.span(node.name)
            name = Lit(name_text)  # no literal to rename: it is the function's identifier
        function.namespace = namespace
        receiver = Receiver(receiver.root, receiver.kind, namespace)
        self._listen(name, span, name_text, self.positions.span(expr), receiver, node)

    def _namespace_method(self, owner: _Class, node: cst.FunctionDef, function: _Function) -> None:
        method = node.name.value
        if not method.startswith("on_") or len(method) == 3:
            return
        start, end = self.positions.offsets(node.name)
        span = self.positions.between(start + 3, end)  # the event is the part after `on_`
        event = method[3:]
        function.namespace = owner.namespace
        receiver = Receiver(owner.name, owner.kind, owner.namespace)
        # No literal to rename: the event is spelled by the method's identifier.
        self._listen(Lit(event), span, event, self.positions.span(node.name), receiver, node)

    def _listen(self, name: NameValue, span: Span, name_text: str, call_span: Span, receiver: Receiver, node) -> None:
        if isinstance(name, Lit) and name.value == CATCH_ALL_EVENT:
            return  # `@sio.on("*")` handles every event nothing else does, like `onAny` in JS: not an event
        self.listeners.append(
            Listener(
                name=name,
                span=span,
                name_text=name_text,
                call_span=call_span,
                receiver=receiver,
                kind=ListenerKind.HANDLER,
                handler_text=node.name.value if node is not None else None,
                function=node.name.value if node is not None else self.function_name,
            )
        )
        self._judge_connect(name, receiver, node)

    def _judge_connect(self, name: NameValue, receiver: Receiver, handler: cst.FunctionDef | None) -> None:
        """A server's connect handler that can refuse the connection authenticates the server: a
        `handshake-auth` finding at the handler's name, as for a JS `use()` middleware."""
        if handler is None or not (isinstance(name, Lit) and name.value == "connect"):
            return
        if receiver.kind in (SocketKind.SERVER, None) and _rejects_connection(handler):
            self.findings.append(
                Finding(
                    "handshake-auth",
                    self.positions.span(handler.name),
                    "connect handler rejects unauthenticated connections",
                    (("binding", receiver.root),),
                )
            )

    # -- calls ------------------------------------------------------------------------------------------

    def visit_Call(self, node: cst.Call) -> None:
        if id(node) in self.decorator_calls:
            return
        made = self.names.qualified(node.func)
        if made in _CONSTRUCTORS:
            if made[1] not in _MANAGERS:
                self._connection(node, made)
            return
        if made in ((FLASK_SOCKETIO, "emit"), (FLASK_SOCKETIO, "send")):
            self._flask_emit(node, made[1])
            return
        if made == (FLASK_SOCKETIO, "join_room"):  # `join_room(room)`: the sender joins
            self._join_room(node, 0, "join_room", SocketKind.SERVER_SOCKET)
            return
        self._maybe_wrapper_call(node)
        if isinstance(node.func, cst.Call):
            self._decorator_applied(node, node.func)
            return
        if not isinstance(node.func, cst.Attribute):
            return
        method = node.func.attr.value
        if method == "enter_room":  # python-socketio `sio.enter_room(sid, room)`
            receiver = self._receiver(node.func.value)
            if receiver is not None and receiver.kind != SocketKind.CLIENT_SOCKET and not self._is_manager(receiver):
                self._join_room(node, 1, receiver.root, receiver.kind)
            return
        if method in _LISTEN_CALLS:
            self._listen_call(node)
            return
        if method not in _EMIT_METHODS:
            return
        receiver = self._receiver(node.func.value)
        if receiver is not None:
            self._server_or_client_emit(node, method, receiver)

    def _maybe_wrapper_call(self, node: cst.Call) -> None:
        """A call of a module-level function of this file or of an imported one (`emit_to_org(id, "x", p)`,
        `realtime.emit_to_org(...)`): the index expands it when the callee forwards its event."""
        parts = _dotted(node.func)
        if parts is None or len(parts) > 2:
            return
        if len(parts) == 1 and parts[0] not in self.names.functions and parts[0] not in self.imported_locals:
            return
        if len(parts) == 2 and not any(i.local == parts[0] and i.imported == "*" for i in self.names.imports):
            return
        args = [arg.value for arg in _positional(node)]
        if not args:
            return
        self.calls.append(
            Call(
                callee=Ref(parts[0], parts[1:]),
                args=tuple(self._name_value(arg) for arg in args),
                arg_spans=tuple(self.positions.span(arg) for arg in args),
                call_span=self.positions.span(node),
                arg_texts=tuple(self.positions.text(arg) for arg in args),
                function=self.function_name,
            )
        )

    def _receiver(self, expr: cst.BaseExpression) -> Receiver | None:
        """The socket object a call is made on: a name bound to a server/client, `self` in a namespace class,
        or a conventionally named server imported from elsewhere in the app."""
        if _is_self_attribute(expr):
            held = self._held(expr.attr.value)  # type: ignore[attr-defined]
            return Receiver(f"self.{expr.attr.value}", held.kind) if held is not None else None  # type: ignore[attr-defined]
        if isinstance(expr, (cst.Attribute, cst.Subscript)):
            path = _access_path(expr)
            if path is None:
                return None
            stored = self.names.attribute_socket(path)
            if stored is not None:
                return Receiver(_path_text(path), stored.kind)
            # Maybe stored by another module of the app (`app.state.sio = ...` in main.py read as
            # `request.app.state.sio` in a router): the index resolves the shared path, or drops the site.
            return Receiver(_path_text(path), None) if _is_shared_path(path) else None
        if isinstance(expr, cst.Call):
            return self._returned_socket(expr)
        if not isinstance(expr, cst.Name):
            return None
        name = expr.value
        if name == "self" and self.classes and self.classes[-1].kind is not None:
            owner = self.classes[-1]
            return Receiver("self", owner.kind, owner.namespace)
        instance = self._instance(name)
        if instance is not None:  # `ns.emit(...)` on a `ChatNamespace`, like `self.emit` in it; any other class: none
            return self.names.instance_receiver(name, instance)
        for function in reversed(self.functions):
            if name in function.sockets:
                return Receiver(name, function.sockets[name])
            if name in function.shared_reads:
                return Receiver(function.shared_reads[name], None)
            if name in function.params:
                return None  # a parameter shadows a module-level server of the same name
        known = self.names.sockets.get(name)
        if known is not None:
            return Receiver(name, known.kind)
        if name in self.names.other_imports and name in _CONVENTIONAL_SERVER_NAMES and self.names.uses_socketio:
            return Receiver(name, SocketKind.SERVER)
        if name in self.imported_locals:
            # From a module of the app (`from app.sockets.server import sio` in a file that never imports
            # socketio itself): the index tells what it is from that module's socket bindings, and drops
            # the site when it is no socket.
            return Receiver(name, None)
        return None

    def _returned_socket(self, call: cst.Call) -> Receiver | None:
        """`get_socket_server(app)` of a module-level function annotated `-> AsyncServer`, unless a
        parameter or local of an enclosing function shadows its name."""
        if not isinstance(call.func, cst.Name):
            return None
        name = call.func.value
        if any(name in f.params or name in f.sockets or name in f.instances for f in self.functions):
            return None
        returned = self.names.socket_returns.get(name)
        return Receiver(f"{name}()", returned.kind) if returned is not None else None

    def _held(self, attr: str) -> _SocketName | None:
        """The server/client the enclosing class holds on `self.<attr>`, inside one of its methods."""
        if not self.classes or len(self.functions) <= self.classes[-1].depth:
            return None
        return self.classes[-1].held.get(attr)

    def _is_manager(self, receiver: Receiver) -> bool:
        """Whether a receiver is a pub/sub manager of this file (`mgr = socketio.RedisManager(...)`, also held
        on `self` or stored on an attribute): its positional arguments are not a server's."""
        root = receiver.root
        if root.startswith("self."):
            known = self._held(root.removeprefix("self."))
        else:
            known = self.names.sockets.get(root) or self.names.attribute_sockets.get(tuple(root.split(".")))
        return known is not None and known.library == PYTHON_SOCKETIO and known.constructor in _MANAGERS

    def _room_is_positional(self, receiver: Receiver) -> bool:
        """python-socketio's `emit(event, data, to)` and every `Namespace.emit(event, data, room)` take the room
        third; Flask-SocketIO's `SocketIO.emit(event, *args)` takes only payload positionally."""
        if receiver.root == "self" or self._instance(receiver.root) is not None:
            return True
        if receiver.root.startswith("self."):
            known = self._held(receiver.root.removeprefix("self."))
            return known is None or known.library == PYTHON_SOCKETIO
        known = self.names.sockets.get(receiver.root)
        if known is not None:
            return known.library == PYTHON_SOCKETIO
        return FLASK_SOCKETIO not in {library for library, _ in self.names.imported.values()} | set(
            self.names.modules.values()
        )

    def _listen_call(self, node: cst.Call) -> None:
        """`sio.on("x", handler)` / `socketio.on_event("x", handler, namespace="/y")` outside a decorator."""
        args = _positional(node)
        if not args or (len(args) < 2 and _keyword(node, "handler") is None):
            return
        handler = args[1].value if len(args) > 1 else _keyword(node, "handler").value  # type: ignore[union-attr]
        self._register(node, handler, node)

    def _decorator_applied(self, node: cst.Call, decorator: cst.Call) -> None:
        """`sio.on("x", namespace="/y")(handler)`: the decorator called on the handler, as `@sio.on(...)` does."""
        method = decorator.func
        if not isinstance(method, cst.Attribute) or method.attr.value != "on":
            return
        handlers = _positional(node)
        if len(handlers) != 1 or len(_positional(decorator)) != 1 or _keyword(decorator, "handler") is not None:
            return
        self.decorator_calls.add(id(decorator))
        self._register(decorator, handlers[0].value, node)

    def _register(self, registration: cst.Call, handler: cst.BaseExpression, whole: cst.Call) -> None:
        """The listener of a handler registered by a call (`registration`, the `on(...)` call naming the event;
        `whole`, the statement's call); a connect handler of this file is judged like a decorated one."""
        receiver = self._receiver(registration.func.value)  # type: ignore[attr-defined]
        if receiver is None:
            return
        event_node = _positional(registration)[0].value
        name = self._name_value(event_node)
        receiver = Receiver(receiver.root, receiver.kind, self._namespace_arg(registration))
        self.listeners.append(
            Listener(
                name=name,
                span=self.positions.span(event_node),
                name_text=self.positions.text(event_node),
                call_span=self.positions.span(whole),
                receiver=receiver,
                kind=ListenerKind.HANDLER,
                handler_text=self.positions.text(handler),
                function=self.function_name,
            )
        )
        self._judge_connect(name, receiver, self._handler_function(handler))

    def _handler_function(self, handler: cst.BaseExpression) -> cst.FunctionDef | None:
        """The function of this file a registered handler names: one defined in an enclosing function's body
        or at module level (unless a parameter shadows it), or a method of the enclosing class (`self.x`)."""
        if _is_self_attribute(handler):
            in_method = bool(self.classes) and len(self.functions) > self.classes[-1].depth
            return self.classes[-1].methods.get(handler.attr.value) if in_method else None  # type: ignore[attr-defined]
        if not isinstance(handler, cst.Name):
            return None
        for function in reversed(self.functions):
            if handler.value in function.defined:
                return function.defined[handler.value]
            if handler.value in function.params:
                return None
        return self.names.functions.get(handler.value)

    def _server_or_client_emit(self, node: cst.Call, method: str, receiver: Receiver) -> None:
        args = _positional(node)
        namespace = self._namespace_arg(node) or receiver.namespace
        if method == "send":
            payload = args
            event_node = None
        else:
            if not args:
                return
            event_node, payload = args[0].value, args[1:]
        if receiver.kind == SocketKind.CLIENT_SOCKET:
            self._emit(node, method, event_node, Receiver(receiver.root, receiver.kind, namespace), (), payload)
            return
        rooms_node = _keyword(node, "to") or _keyword(node, "room")
        if method != "send" and len(payload) > 1 and self._is_manager(receiver):
            # A manager's emit(event, data, namespace, room)
            namespace = self._namespace_arg(node) or self._namespace_value(payload[1].value) or receiver.namespace
            if rooms_node is None and len(payload) > 2:
                rooms_node = payload[2]
            payload = payload[:1]
        elif rooms_node is None and method != "send" and len(payload) > 1 and self._room_is_positional(receiver):
            rooms_node, payload = payload[1], payload[:1]  # emit(event, data, to)
        skip = _keyword(node, "skip_sid")
        kind, chain = self._targets(receiver.kind, rooms_node, skip)
        self._emit(node, method, event_node, Receiver(receiver.root, kind, namespace), chain, payload)

    def _join_room(self, node: cst.Call, position: int, root: str, kind: SocketKind | None) -> None:
        """A room a socket joins, as the `join-room` observation JS `socket.join(room)` gives (unprefixed-room)."""
        args = _positional(node)
        found = _keyword(node, "room") or (args[position] if len(args) > position else None)
        if found is None:
            return
        room = found.value
        data = [("root", root), ("kind", kind.value if kind is not None else ""), ("room", self.positions.text(room))]
        prefix = _static_prefix(room, self._helper_prefix)
        if prefix is not None:
            data.append(("prefix", prefix))
        self.findings.append(Finding("join-room", self.positions.span(room), "", tuple(data)))

    def _flask_emit(self, node: cst.Call, function: str) -> None:
        """Flask-SocketIO's `emit`/`send` inside a handler: to the sender unless told otherwise."""
        args = _positional(node)
        if function == "send":
            event_node, payload = None, args
        else:
            if not args:
                return
            event_node, payload = args[0].value, args[1:]
        current = self.functions[-1].namespace if self.functions else None
        namespace = self._namespace_arg(node) or current
        rooms_node = _keyword(node, "to") or _keyword(node, "room")
        include_self = _keyword(node, "include_self")
        excludes_sender = include_self is not None and _is_false(include_self.value)
        broadcast = _keyword(node, "broadcast")
        if rooms_node is not None:
            kind, chain = self._targets(SocketKind.SERVER_SOCKET, rooms_node, None)
        elif broadcast is not None and _is_true(broadcast.value):
            if excludes_sender:
                kind, chain = SocketKind.SERVER_SOCKET, (ChainStep("broadcast"),)
            else:
                kind, chain = SocketKind.SERVER, ()
        else:
            kind, chain = SocketKind.SERVER_SOCKET, ()
        root = function
        self._emit(node, function, event_node, Receiver(root, kind, namespace), chain, payload)

    def _targets(
        self, kind: SocketKind | None, rooms_node: cst.Arg | None, skip: cst.Arg | None
    ) -> tuple[SocketKind | None, tuple[ChainStep, ...]]:
        chain: list[ChainStep] = []
        if rooms_node is not None:
            if self._is_sender(rooms_node.value):
                return SocketKind.SERVER_SOCKET, ()  # to the socket that sent the event being handled
            chain.append(self._room_step("to", rooms_node.value))
        if skip is not None and not _is_none(skip.value):
            if not chain and self._is_sender(skip.value):
                return SocketKind.SERVER_SOCKET, (ChainStep("broadcast"),)  # everyone but the sender
            chain.append(self._room_step("except", skip.value))
        return kind, tuple(chain)

    def _room_step(self, name: str, value: cst.BaseExpression) -> ChainStep:
        elements = (
            [element.value for element in value.elements]
            if isinstance(value, (cst.List, cst.Tuple, cst.Set))
            else [value]
        )
        rooms = tuple(
            RoomArg(
                self.positions.text(element), _static_prefix(element, self._helper_prefix), self.positions.span(element)
            )
            for element in elements
            if not isinstance(element, cst.StarredElement)
        )
        return ChainStep(
            name,
            args=(self.positions.text(value),),
            arg_spans=(self.positions.span(value),),
            rooms=rooms,
            empty_array=isinstance(value, (cst.List, cst.Tuple)) and not elements,
            maybe_empty=not isinstance(value, (cst.List, cst.Tuple, cst.Set)) and _dotted(value) is not None
            and not self._is_sender(value) and _looks_plural(value),
        )

    def _helper_prefix(self, call: cst.Call) -> str | None:
        """What a call of a same-file room helper starts with: `user_room(id)`, `self.user_room(id)` or
        `ChatNamespace.user_room(id)` where the helper is `return f"user:{user_id}"`."""
        returned = self._helper_return(call.func)
        return _static_prefix(returned) if returned is not None else None

    def _helper_return(self, func: cst.BaseExpression) -> cst.BaseExpression | None:
        parts = _dotted(func)
        if parts is None or len(parts) > 2:
            return None
        if len(parts) == 1:
            shadowed = any(parts[0] in f.params or parts[0] in f.instances for f in self.functions)
            return None if shadowed else self.names.returns.get(parts[0])
        owner, method = parts
        if owner in ("self", "cls") and self.classes and len(self.functions) > self.classes[-1].depth:
            return self.classes[-1].returns.get(method)
        node = self.names.module_classes.get(owner)
        return self.names.returns_of(node).get(method) if node is not None else None

    def _is_sender(self, value: cst.BaseExpression) -> bool:
        """The sid of the socket whose event is being handled: the handler's `sid` parameter, `request.sid`."""
        parts = _dotted(value)
        if parts == ("request", "sid"):
            return True
        if parts is None or len(parts) != 1 or not self.functions:
            return False
        function = self.functions[-1]
        params = [p for p in function.params if p != "self"]
        return bool(params) and parts[0] == params[0] and parts[0] in ("sid", "socket_id", "sender")

    def _emit(
        self,
        node: cst.Call,
        method: str,
        event_node: cst.BaseExpression | None,
        receiver: Receiver,
        chain: tuple[ChainStep, ...],
        payload: list[cst.Arg],
    ) -> None:
        data = _keyword(node, "data")
        payload_nodes = [arg.value for arg in payload] + ([data.value] if data is not None else [])
        if event_node is None:  # send(): the "message" event, spelled nowhere
            span = self.positions.span(node.func)
            name, name_text = Lit(_SEND_EVENT), self.positions.text(node.func)
        else:
            span, name, name_text = self.positions.span(event_node), self._name_value(event_node), self.positions.text(event_node)
        emit = Emit(
                name=name,
                span=span,
                name_text=name_text,
                call_span=self.positions.span(node),
                receiver=receiver,
                chain=chain,
                method=method,
                payload_texts=tuple(self.positions.text(n) for n in payload_nodes),
                payload_spans=tuple(self.positions.span(n) for n in payload_nodes),
                function=self.function_name,
            )
        if isinstance(name, Param) and len(self.functions) == 1 and not self.classes:
            # A module-level wrapper `emit_to_org(org_id, event, data)`: its call sites are the emits.
            self.forwarders.append(Forwarder(name.function, name.index, emit))
        else:
            self.emits.append(emit)

    def _connection(self, node: cst.Call, made: tuple[str, str]) -> None:
        binding = self.names.bound_calls.get(id(node))
        options = self.positions.text(node)[len(self.positions.text(node.func)) :].strip()[1:-1].strip()
        self.connections.append(
            Connection(
                kind=_CONSTRUCTORS[made],
                constructor=made[1],
                span=self.positions.span(node),
                options_text=options or None,
                binding=binding,
                function=self.function_name,
            )
        )

    # -- values -----------------------------------------------------------------------------------------

    def _namespace_arg(self, call: cst.Call | None) -> str | None:
        arg = _keyword(call, "namespace") if call is not None else None
        return self._namespace_value(arg.value) if arg is not None else None

    def _namespace_value(self, node: cst.BaseExpression) -> str | None:
        """A namespace argument's value: a string, a module-level constant, `self.namespace`."""
        value = _string_value(node)
        if value is None and isinstance(node, cst.Name):
            bound = self.names.bindings.get(node.value)
            value = bound.value if isinstance(bound, Lit) else None
        if value is None and _dotted(node) == ("self", "namespace"):
            value = self._own_class_namespace()
        return value

    def _own_class_namespace(self) -> str | None:
        """`self.namespace` in a method of a namespace class: the namespace of that class's sites."""
        owner = self.classes[-1] if self.classes else None
        if owner is None or owner.kind is None or len(self.functions) <= owner.depth:
            return None
        return owner.namespace

    def _name_value(self, node: cst.BaseExpression) -> NameValue:
        value = _string_value(node)
        if value is not None:
            return Lit(value, self.positions.span(node) if _renamable(node) else None)
        parts = _dotted(node)
        if parts is None:
            return Opaque()
        if self.functions and parts[0] in self.functions[-1].params:
            return Param(self.functions[-1].name, self.functions[-1].params.index(parts[0]))
        path = parts[1:]
        if path and path[-1] == "value" and isinstance(self.names.bindings.get(parts[0]), ObjectValue):
            path = path[:-1]  # `Events.LEAD_NEW.value` of a str Enum
        return Ref(parts[0], path)


def _is_none(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Name) and node.value == "None"


def _looks_plural(node: cst.BaseExpression) -> bool:
    # A variable passed as `to=` may hold a list of rooms (python-socketio accepts one); only a plural
    # name says so.
    parts = _dotted(node)
    return bool(parts) and parts[-1].endswith(("rooms", "sids"))


def _rejects_connection(node: cst.FunctionDef) -> bool:
    """Whether a connect handler can refuse the connection: `raise ConnectionRefusedError(...)`,
    `return False` (both libraries) or Flask-SocketIO's `disconnect()`."""
    found = False

    class _Rejects(cst.CSTVisitor):
        def visit_Raise(self, raise_node: cst.Raise) -> None:
            nonlocal found
            exc = raise_node.exc
            target = exc.func if isinstance(exc, cst.Call) else exc
            parts = _dotted(target) if target is not None else None
            if parts and parts[-1] == "ConnectionRefusedError":
                found = True

        def visit_Return(self, return_node: cst.Return) -> None:
            nonlocal found
            if return_node.value is not None and _is_false(return_node.value):
                found = True

        def visit_Call(self, call: cst.Call) -> None:
            nonlocal found
            if isinstance(call.func, cst.Name) and call.func.value == "disconnect":
                found = True

    node.body.visit(_Rejects())
    return found


class _FreeNames:
    """The names a module reads that none of its scopes binds and that are no builtins (libcst's scope
    analysis binds nothing for `import *`): what its star imports lend it. Computed once, and only for a
    module with a star import."""

    def __init__(self, wrapper: MetadataWrapper):
        self.wrapper = wrapper
        self.found: frozenset[str] | None = None

    def __call__(self) -> frozenset[str]:
        if self.found is None:
            scopes = {scope for scope in self.wrapper.resolve(ScopeProvider).values() if scope is not None}
            self.found = frozenset(
                access.node.value
                for scope in scopes
                for access in scope.accesses
                if not access.referents and isinstance(access.node, cst.Name)
            )
        return self.found


# ---------------------------------------------------------------------------------------------------------
# Entry point


def extract_python(rel: str, data: bytes, digest: str, options=None) -> FileFacts:
    """Facts of one Python file. A file that does not parse yields empty facts and a problem."""
    try:
        module = cst.parse_module(data)
    except cst.ParserSyntaxError as error:
        return FileFacts(
            path=rel,
            language="python",
            content_hash=digest,
            problems=(ParseProblem(f"syntax error: {error.message}", _error_span(data, error)),),
            has_errors=True,
        )
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    byte_spans = wrapper.resolve(ByteSpanPositionProvider)
    positions = _Positions(data, byte_spans)
    names = _Names()
    free_names = _FreeNames(wrapper)
    wrapper.visit(_NameCollector(rel, names, positions, free_names))
    if names.star_imports:
        names.lend_star_names(rel, free_names())
    sites = _SiteCollector(names, positions)
    wrapper.visit(sites)
    return FileFacts(
        path=rel,
        language="python",
        content_hash=digest,
        emits=tuple(sites.emits),
        listeners=tuple(sites.listeners),
        bindings=tuple(names.bindings.items()),
        sockets=(
            *(SocketBinding(name, s.kind) for name, s in names.sockets.items() if name in names.module_sockets),
            # Stored on a shared object for other modules: `app.state.sio`, `app["sio"]` (see `shared_socket_path`).
            *(SocketBinding(_path_text(path), s.kind) for path, s in names.attribute_sockets.items()),
        ),
        connections=tuple(sites.connections),
        findings=tuple(sites.findings),
        forwarders=tuple(sites.forwarders),
        calls=tuple(sites.calls),
        imports=tuple(names.imports),
        exports=names.exported(),
        reexports=tuple(names.star_imports),
    )


def _error_span(data: bytes, error: cst.ParserSyntaxError) -> Span | None:
    lines = data.split(b"\n")
    line = max(0, min(error.raw_line - 1, len(lines) - 1))
    start = sum(len(chunk) + 1 for chunk in lines[:line])
    prefix = lines[line].decode("utf-8", errors="replace")[: max(0, error.raw_column)]
    offset = start + len(prefix.encode("utf-8"))
    column = len(prefix)
    return Span(offset, offset, line, column, line, column)


def _renamable(node: cst.BaseExpression) -> bool:
    """A plain one-quote string literal (no prefix, no triple quotes): rename edits between its quotes."""
    return isinstance(node, cst.SimpleString) and node.prefix == "" and len(node.quote) == 1
