"""The facts socketlens extracts from one source file, and the vocabulary they share.

Everything here is an immutable value. A file's facts are produced by `socketlens.extract` (pure, no I/O)
and swapped whole into the index when the file changes; readers always see a consistent snapshot.

Positions: every range is stored once as a `Span`: byte offsets into the file plus 0-based line and
0-based character column (counted in Unicode code points). Conversion to LSP positions (UTF-16 by
default) happens only in `socketlens.lsp`; conversion to 1-based columns only in the CLI/JSON output.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Union


@dataclass(frozen=True)
class Span:
    start_byte: int
    end_byte: int
    start_line: int  # 0-based
    start_col: int  # 0-based, in code points
    end_line: int
    end_col: int  # exclusive

    def contains_byte(self, offset: int) -> bool:
        return self.start_byte <= offset <= self.end_byte


class Side(str, Enum):
    SERVER = "server"
    CLIENT = "client"


class Direction(str, Enum):
    SERVER_TO_CLIENT = "server-to-client"
    CLIENT_TO_SERVER = "client-to-server"
    INTER_SERVER = "inter-server"


class Scope(str, Enum):
    """Who receives an emit."""

    USER = "user"  # a room matching the user room pattern
    ORG = "org"  # a room matching the org room pattern
    ROOM = "room"  # any other room
    SOCKET = "socket"  # exactly one socket
    BROADCAST = "broadcast"  # every socket of a namespace
    BROADCAST_EXCEPT_SENDER = "broadcast-except-sender"
    SERVER = "server"  # a client emitting to the server
    UNKNOWN = "unknown"


class ListenerKind(str, Enum):
    ON = "on"
    ONCE = "once"
    HOOK = "hook"  # a call of a subscribing hook such as useSocketEvent
    HANDLER = "handler"  # a declarative handler (Python decorators, on_<event> methods)


# ---------------------------------------------------------------------------------------------------------
# Symbolic values: what an event-name expression says before cross-file resolution.


@dataclass(frozen=True)
class Lit:
    """A string known in the file itself: a literal or a template without substitutions."""

    value: str
    span: Span | None = field(default=None, compare=False)  # where the literal is written, for rename


@dataclass(frozen=True)
class Ref:
    """An identifier, optionally followed by member accesses: `LEAD_NEW`, `ChatEvent.MessageNew`,
    `EVENTS.lead.created`. Resolved by the index through the file's bindings and imports."""

    name: str
    path: tuple[str, ...] = ()


@dataclass(frozen=True)
class Param:
    """The event is a parameter of the enclosing function: the function forwards it (a wrapper)."""

    function: str  # name of the enclosing function (as bound in the file)
    index: int  # position of the parameter


@dataclass(frozen=True)
class Opaque:
    """Anything else (a call, a concatenation with a variable...): never guessed."""


NameValue = Union[Lit, Ref, Param, Opaque]


# ---------------------------------------------------------------------------------------------------------
# Bindings: what a file defines and exports, so that names resolve across files.


@dataclass(frozen=True)
class ObjectValue:
    """An `as const` object, a frozen object literal or an enum: member name -> value."""

    members: tuple[tuple[str, "BindingValue"], ...]

    def get(self, key: str) -> "BindingValue | None":
        for name, value in self.members:
            if name == key:
                return value
        return None


BindingValue = Union[Lit, Ref, ObjectValue, Opaque]


@dataclass(frozen=True)
class Import:
    """`local` in this file is `imported` of module `specifier` ("default" for a default import,
    "*" for a namespace import or a whole `require`)."""

    local: str
    specifier: str
    imported: str


@dataclass(frozen=True)
class ReExport:
    """`export { imported as exported } from "specifier"`; `export * from "specifier"` has
    imported == exported == "*"."""

    exported: str
    specifier: str
    imported: str


# ---------------------------------------------------------------------------------------------------------
# Socket objects: which identifiers of a file hold socket.io objects.


class SocketKind(str, Enum):
    SERVER = "server"  # a socket.io Server (io)
    NAMESPACE = "namespace"  # io.of(...)
    SERVER_SOCKET = "server-socket"  # the socket of a connection callback
    CLIENT_SOCKET = "client-socket"  # io(...) from socket.io-client
    NOT_SOCKET = "not-socket"  # known to be something else (EventEmitter, WebSocket, DOM...)


@dataclass(frozen=True)
class SocketBinding:
    """A file-level or function-level name bound to a socket object (or known not to be one)."""

    name: str
    kind: SocketKind
    namespace: str | None = None  # for namespaces and client sockets, when known


@dataclass(frozen=True)
class Receiver:
    """Where an emit or listener call is made on: the root identifier of the receiver chain, and what the
    file itself could tell about it. `kind is None` means the index must resolve `root` (an import) or fall
    back on naming and package location."""

    root: str  # identifier text, "this.socket" for member roots on `this`
    kind: SocketKind | None
    namespace: str | None = None
    # The NestJS gateway class (as named in this file) whose `server` the call goes through
    # (`this.chatGateway.server`): its namespace is in the gateway's decorator, maybe in another file.
    gateway: str | None = None
    # When the root is a parameter of a function the module exports (a connection handler of the docs' layout,
    # `module.exports = (io, socket) => ...`): the function, as the module's exports bind it, and the
    # parameter's position. The index gives the root what the callers in other modules pass there.
    handler_param: tuple[str, int] | None = None
    # For a root of unknown kind annotated with a type another module declares (`client: AppSocket`, imported
    # from a shared types module): the type's local name. The index reads what that module says it is.
    type_name: str | None = None
    # Whether the root is also used with API only server-side sockets have (`socket.join(room)`,
    # `socket.to(room)`, `socket.broadcast`, `socket.handshake`): its side, when its package cannot tell.
    server_api: bool = False


@dataclass(frozen=True)
class RoomArg:
    """One room target of `to`/`in`/`except`: its source text and the static text it starts with."""

    text: str
    prefix: str | None  # `org:` for `\`org:${id}\``; None when the start is not static
    span: Span


@dataclass(frozen=True)
class ChainStep:
    """One link of an emit's receiver chain, after the root: `to`, `in`, `except`, `of`, `broadcast`,
    `volatile`, `local`, `compress`, `timeout`, `sockets`..."""

    name: str
    args: tuple[str, ...] = ()  # source text of each argument
    arg_spans: tuple[Span, ...] = ()
    rooms: tuple[RoomArg, ...] = ()  # for to/in/except: each room, array elements flattened
    empty_array: bool = False  # called with `[]`
    maybe_empty: bool = False  # called with an array variable that may hold no room
    value: str | None = None  # the first argument's string value when the file knows it (`of("/chat")`, `of(NS)`)


# ---------------------------------------------------------------------------------------------------------
# Sites


@dataclass(frozen=True)
class Declaration:
    name: NameValue  # the key: Lit for identifiers and strings, Ref for computed keys
    span: Span  # the key expression
    map_name: str  # the interface / type alias holding it
    direction: Direction | None  # None when the map's role is unknown
    payload: str | None  # the handler's parameter list text
    doc: str | None
    payload_span: Span | None = None


@dataclass(frozen=True)
class Emit:
    name: NameValue
    span: Span  # the event-name expression
    name_text: str  # its source text
    call_span: Span  # the whole call
    receiver: Receiver
    chain: tuple[ChainStep, ...]
    method: str  # emit | emitWithAck | send ...
    payload_texts: tuple[str, ...]  # source text of the arguments after the event
    payload_spans: tuple[Span, ...] = ()
    function: str | None = None  # enclosing named function, if any
    route: "Route | None" = None  # enclosing HTTP route handler, if any


@dataclass(frozen=True)
class Listener:
    name: NameValue
    span: Span
    name_text: str
    call_span: Span
    receiver: Receiver | None  # None for hook calls
    kind: ListenerKind
    handler_text: str | None = None
    function: str | None = None
    hook: str | None = None  # the hook's name for hook calls


@dataclass(frozen=True)
class Forwarder:
    """A function that passes one of its parameters as the event of an emit or a subscription: a wrapper
    such as `emitToOrg(orgId, event, ...args)` or a custom hook `useLeadEvent(event, handler)`. Its call
    sites become emits or listeners of the resolved event."""

    function: str  # name as bound in the file (also exported under that name when exported)
    param_index: int
    inner: Emit | Listener  # the emit/listen site inside the function (its name is a Param)
    # The class whose method it is ("" for an anonymous class): its call sites are member calls
    # (`this.sockets.emitToOrg(...)`) that the index matches by method name, never bare calls.
    method_of: str | None = None


@dataclass(frozen=True)
class Call:
    """A call of a possibly-forwarding function imported or defined elsewhere: `emitToOrg(id, "x", p)`."""

    callee: Ref
    args: tuple[NameValue, ...]
    arg_spans: tuple[Span, ...]
    call_span: Span
    arg_texts: tuple[str, ...] = ()
    function: str | None = None
    # The class whose instance a method call's object is, from its static accessor (`SocketManager.getInstance()`,
    # `SocketManager.instance`, a local bound to one): the call reaches that class's method, whatever its name.
    instance_of: str | None = None


@dataclass(frozen=True)
class SocketPass:
    """A call handing known sockets to a function of another module, the socket.io docs' layout of
    connection handlers: `registerOrderHandlers(io, socket)`, `handlers.register(io, socket)`,
    `require("./order")(io, socket)`. Resolved by the index for the `Receiver.handler_param` sites."""

    callee: Ref  # the imported name called (`Ref("handlers", ("register",))` for a namespace import)
    sockets: tuple[tuple[int, SocketKind, str | None], ...]  # argument position, kind, namespace
    module: str | None = None  # `require("./order")(...)`: the specifier; `callee` is then the export's name


@dataclass(frozen=True)
class Route:
    """An Express/Router mutation handler: `router.post("/api/leads", async (req, res) => ...)`."""

    method: str  # POST / PUT / PATCH / DELETE / GET
    path: str
    span: Span  # the whole call
    handler_span: Span  # the handler function
    receiver: str = ""  # `app`, `router`...


@dataclass(frozen=True)
class Connection:
    """A place where a socket.io server or client is created: `new Server(...)`, `io(url, opts)`."""

    kind: SocketKind  # SERVER, CLIENT_SOCKET, or NOT_SOCKET for a raw WebSocket
    constructor: str  # "Server", "io", "Manager", "WebSocket"
    span: Span
    options_text: str | None = None
    binding: str | None = None
    function: str | None = None  # enclosing function (a component creating a socket per render...)


@dataclass(frozen=True)
class Finding:
    """A syntactic observation that a rule needs and only the parse tree can give (a listener registered in
    an effect without cleanup, a socket created inside a component...). Produced by `extract.patterns`."""

    code: str
    span: Span
    message: str
    data: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class ParseProblem:
    message: str
    span: Span | None = None


@dataclass(frozen=True)
class FileFacts:
    path: str  # path relative to the workspace root, with "/"
    language: str  # typescript | tsx | javascript | python
    content_hash: str
    declarations: tuple[Declaration, ...] = ()
    emits: tuple[Emit, ...] = ()
    listeners: tuple[Listener, ...] = ()
    forwarders: tuple[Forwarder, ...] = ()
    calls: tuple[Call, ...] = ()
    bindings: tuple[tuple[str, BindingValue], ...] = ()  # top-level constants, enums, `as const` objects
    exports: tuple[tuple[str, str], ...] = ()  # exported name -> local name ("default" for default)
    imports: tuple[Import, ...] = ()
    reexports: tuple[ReExport, ...] = ()
    sockets: tuple[SocketBinding, ...] = ()  # top-level names holding socket objects
    socket_imports: tuple[tuple[str, str], ...] = ()  # local name -> "socket.io" | "socket.io-client"
    routes: tuple[Route, ...] = ()
    connections: tuple[Connection, ...] = ()
    map_roles: tuple[tuple[str, Direction], ...] = ()  # learned from generics: map name -> direction
    findings: tuple[Finding, ...] = ()
    problems: tuple[ParseProblem, ...] = ()
    has_errors: bool = False
    # Top-level NestJS `@WebSocketGateway` classes: class name -> namespace (None when not a literal).
    gateways: tuple[tuple[str, str | None], ...] = ()
    socket_passes: tuple[SocketPass, ...] = ()  # sockets handed to functions of other modules
    # Exported types whose values are socket.io objects (`export type AppSocket = Socket<Up, Down>`, an interface
    # or class extending a socket class): local name -> kind, for the modules that annotate receivers with them.
    socket_types: tuple[tuple[str, SocketKind], ...] = ()

    def binding(self, name: str) -> BindingValue | None:
        for local, value in self.bindings:
            if local == name:
                return value
        return None


EMPTY_HASH = ""


def empty_facts(path: str, language: str, content_hash: str = EMPTY_HASH) -> FileFacts:
    return FileFacts(path=path, language=language, content_hash=content_hash)
