"""Extract socket.io facts from one TS/TSX/JS source file with tree-sitter.

Module-level tables (imports, exports, constants) come from the `ts_module.ModuleLevel` mixin.

Pure: bytes in, `FileFacts` out. What one file cannot know (what an imported name holds, which function
an imported call forwards to) is kept symbolic (`Ref`, `Receiver(kind=None)`, `Call`) for the index.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterator

import tree_sitter

from socketlens.extract import ReusableTree, patterns
from socketlens.extract.syntax import language as grammar_language
from socketlens.extract.syntax import (
    FUNCTION_TYPES,
    WRAPPER_TYPES,
    LineIndex,
    Node,
    annotation_type,
    field_ids,
    is_const_declaration,
    jsdoc_before,
    member_path,
    parameter_names,
    parameter_type,
    parser,
    squash,
    static_prefix,
    string_value,
    text,
    unwrap,
)
from socketlens.extract.ts_module import ModuleLevel, require_specifier
from socketlens.extract.ts_nestjs import NestGateways, decorator_name, enclosing_class, gateway_namespace
from socketlens.extract.ts_socket_controllers import MODULE as SOCKET_CONTROLLERS_MODULE
from socketlens.extract.ts_socket_controllers import SocketControllers
from socketlens.model import (
    BindingValue,
    Call,
    ChainStep,
    Connection,
    Declaration,
    Direction,
    Emit,
    FileFacts,
    Forwarder,
    Import,
    Listener,
    ListenerKind,
    Lit,
    NameValue,
    Opaque,
    Param,
    ParseProblem,
    Receiver,
    Ref,
    ReExport,
    RoomArg,
    Route,
    SocketBinding,
    SocketKind,
    SocketPass,
)
from socketlens.extract.vocabulary import (
    CHAIN_CALLS,
    CHAIN_PROPS,
    CLIENT_MODULES,
    EMIT_METHODS,
    EMITTER_FACTORY_MODULES,
    EMITTER_MODULES,
    FASTIFY_SOCKET_MODULES,
    LISTEN_METHODS,
    NON_SOCKET_GLOBALS,
    NON_SOCKET_MODULES,
    OBSERVABLE_LISTEN_METHODS,
    RESERVED_EVENTS,
    ROOM_STEPS,
    ROUTE_METHODS,
    SERVER_MODULES,
    SERVER_ONLY_CALLS,
    SERVER_ONLY_PROPS,
    VUE_REF_FUNCTIONS,
    VUE_REF_MODULES,
    ExtractOptions,
    app_setting_path,
    chain_namespace,
    is_rxjs_module,
    looks_like_socket_name,
    read_through_request,
    shared_socket_path,
)


def _default_namespace(kind: SocketKind) -> str | None:
    return "/" if kind == SocketKind.SERVER else None


_MAX_MEMBER_CALL = 4  # `this.services.sockets.notify(...)`; longer chains are not service calls
# The static accessors of a class's one instance, called (`SocketManager.getInstance()`) or read
# (`SocketManager.instance`): the index matches a method call on one to that class's forwarding methods.
_INSTANCE_METHODS = frozenset({"getInstance", "get", "getShared", "shared", "instance"})
_INSTANCE_PROPERTIES = frozenset({"instance", "shared", "sharedInstance"})
# The methods read as a socket's emit or listen: on a class's instance, the class's methods instead.
_SOCKET_METHODS = EMIT_METHODS | LISTEN_METHODS.keys() | OBSERVABLE_LISTEN_METHODS.keys()


_LEAVE_FUNCTION = object()  # pushed under a function's children: pop its scope when reached

# Every node kind the walk acts on: one set test lets the other nodes (nine in ten) straight through.
_VISITED_KINDS = FUNCTION_TYPES | {
    "call_expression",
    "new_expression",
    "variable_declarator",
    "interface_declaration",
    "type_alias_declaration",
    "class_body",
    "for_in_statement",
    "assignment_expression",
}
# The argument kinds `_name_value` can read something from; any other argument is `Opaque`.
_NAMEABLE_KINDS = frozenset({"string", "template_string", "identifier", "member_expression", "subscript_expression"})

# Array methods whose callback's first parameter is an element: `sockets.forEach((s) => s.emit(...))`.
_ELEMENT_CALLBACK_METHODS = frozenset({"forEach", "map", "flatMap", "filter", "some", "every", "find", "findLast", "findIndex"})
# Array methods that return (part of) the same list: `sockets.filter(...).forEach(...)`.
_LIST_KEEPING_METHODS = frozenset({"filter", "slice", "sort", "reverse", "toSorted", "toReversed"})
# Array methods that return one element: `sockets.find(...)`, `sockets.at(0)`.
_ELEMENT_METHODS = frozenset({"find", "findLast", "at"})
# The expressions `_kind_of_expression` may find a socket in.
_SOCKET_VALUE_KINDS = frozenset({"identifier", "new_expression", "call_expression", "await_expression", "subscript_expression"})
# Generic types whose value is their argument's, or nothing: `NonNullable<Socket>`, `Optional<AppSocket>`.
_NULLABLE_WRAPPERS = frozenset({"NonNullable", "Readonly", "Optional", "Maybe", "Nullable"})
# The text a use of server-only API has (`socket.join(`, `socket?.to(`, `socket.broadcast`): spares most
# files the query that finds them.
_SERVER_API_BYTES = tuple(f".{name}(".encode() for name in sorted(SERVER_ONLY_CALLS)) + tuple(
    f".{name}".encode() for name in sorted(SERVER_ONLY_PROPS)
)


# The text a read of what an Express app or middleware put on the application or the request has (`req.io`,
# `request.app.get("io")`, `res.locals.io`, `ctx.app.io`): spares most files the look at their member values.
_REQUEST_READ_BYTES = (b"req.", b"request.", b"locals.", b".app.")
# What Express itself puts on a request: read on every line of a route, never a server a middleware put there.
_EXPRESS_REQUEST_FIELDS = frozenset(
    {
        "app", "auth", "baseUrl", "body", "cookies", "file", "files", "fresh", "headers", "hostname", "ip", "ips",
        "locals", "method", "originalUrl", "params", "path", "protocol", "query", "route", "secure", "session",
        "signedCookies", "stale", "subdomains", "url", "user", "xhr",
    }
)  # fmt: skip


@dataclass
class WalkedNodes:
    """Nodes of one file by kind, in source order, as the extractor's walk met them."""

    # Well-formed calls as `(call, callee, arguments, method)`: the callee unwrapped, the arguments
    # without comments, the method name when the callee is a member expression (else None).
    calls: list = field(default_factory=list)
    types: list = field(default_factory=list)
    declarators: list = field(default_factory=list)
    # `(declarator, name, unwrapped value)` of the declarators that give a value to one name.
    declared_values: list = field(default_factory=list)
    functions: list = field(default_factory=list)
    # Node id of each call, declarator and function above -> the function it is in (None at module level).
    enclosing_function: dict = field(default_factory=dict)


@dataclass
class _Scope:
    node: Node | None
    name: str | None  # the function's name, when it has one
    params: list[str | None]
    sockets: dict[str, SocketBinding] = field(default_factory=dict)
    strings: dict[str, Lit] = field(default_factory=dict)  # local `const X = "..."`
    room_prefixes: dict[str, str] = field(default_factory=dict)  # local `const room = \`org:${id}\``
    # Local `const room = userRoom(id)`: the call, read for a room prefix only when the name is a room.
    room_calls: dict[str, Node] = field(default_factory=dict)
    # Local lists of server sockets (`const sockets = await io.fetchSockets()`): the binding of their elements.
    socket_lists: dict[str, SocketBinding] = field(default_factory=dict)
    # Locals holding a chain of a socket.io receiver (`const room = socket.to("lobby")`): its root and steps.
    # None for such a local reassigned to something else: it shadows outer names and holds nothing known.
    chains: dict[str, HeldChain | None] = field(default_factory=dict)
    route: Route | None = None
    # Locals bound to a class's one instance (`const manager = SocketManager.getInstance()`): the class.
    instances: dict[str, str] = field(default_factory=dict)
    # Locals holding a Vue ref (`const socket = ref<Socket | null>(null)`) whose `.value` is a socket: its binding.
    refs: dict[str, SocketBinding] = field(default_factory=dict)
    # Locals annotated with a type this file cannot tell (`let conn: AppSocket`, imported): read back when one
    # turns out to be a receiver of unknown kind.
    annotated: dict[str, Node] = field(default_factory=dict)
    # For a top-level function the module exports: the name its exports bind it by (`Receiver.handler_param`).
    exported: str | None = None

    def binds(self, name: str) -> bool:
        """Whether this scope binds `name` to a parameter, a socket, a string or a chain: nearer than any outer
        binding, it shadows it."""
        return name in self.params or name in self.sockets or name in self.strings or name in self.chains


@dataclass
class HeldChain:
    """A local bound to `<receiver>.<steps>`: an emit on it is an emit on the whole chain."""

    receiver: Receiver
    steps: tuple[ChainStep, ...]
    block: Node | None  # the block declaring the local: a reassignment elsewhere may not run


def extract_typescript(
    path: str,
    data: bytes,
    language: str,
    content_hash: str,
    options: ExtractOptions | None = None,
    reuse: ReusableTree | None = None,
) -> FileFacts:
    options = options or ExtractOptions()
    first = _Extractor(path, data, language, content_hash, options, reuse)
    facts = first.run()
    if not first.late_presets:
        return facts
    # A connection handler passed by name was declared before the call that passes it: the walk met its
    # body before knowing its socket. Walk the same tree again, the socket known from the start.
    again = _Extractor(path, data, language, content_hash, options)
    again.preset = first.late_presets
    return again.run(first.tree)


class _Extractor(ModuleLevel, NestGateways, SocketControllers):
    def __init__(
        self,
        path: str,
        data: bytes,
        language: str,
        content_hash: str,
        options: ExtractOptions,
        reuse: ReusableTree | None = None,
    ):
        self.reuse = reuse
        self.path = path
        self.data = data
        self.language = language
        self.content_hash = content_hash
        self.options = options
        self.lines = LineIndex(data)
        self.fields = field_ids(language)
        self.imports: dict[str, Import] = {}
        self.import_list: list[Import] = []
        self.reexports: list[ReExport] = []
        self.exports: list[tuple[str, str]] = []
        self.bindings: dict[str, BindingValue] = {}
        self.declarations: list[Declaration] = []
        self.emits: list[Emit] = []
        self.listeners: list[Listener] = []
        self.forwarders: list[Forwarder] = []
        self.calls: list[Call] = []
        self.routes: list[Route] = []
        self.connections: list[Connection] = []
        self.map_roles: dict[str, Direction] = {}
        self.problems: list[ParseProblem] = []
        self.other_types: dict[str, Node] = {}  # interfaces / type aliases not (yet) known as event maps
        self.scopes: list[_Scope] = []
        self.walked = WalkedNodes()
        self.module_names: set[str] = set()  # every name a top-level statement declares
        # Bindings a function gets from where it is passed: the socket of a `connection` callback.
        self.preset: dict[int, dict[str, SocketBinding]] = {}
        # Those of functions the walk had already entered when it learned them (for a second walk).
        self.late_presets: dict[int, dict[str, SocketBinding]] = {}
        # Lists of server sockets a function gets from where it is passed: `fetchSockets().then((list) => ...)`.
        self.preset_lists: dict[int, dict[str, SocketBinding]] = {}
        self.route_of_function: dict[int, Route] = {}
        # Per class body: fields typed or initialised as sockets (`private io: Server`, `@WebSocketServer()
        # server: Server`, `constructor(private socket: Socket)`), read back through `this.<field>`.
        self.class_fields: dict[int, dict[str, SocketBinding]] = {}
        # Per class body: constructor-injected NestJS gateways (`constructor(private chatGateway: ChatGateway)`),
        # whose `@WebSocketServer() server` services emit through: `this.chatGateway.server.to(room).emit(...)`.
        # Field name -> the gateway class it is typed with.
        self.injected_gateways: dict[int, dict[str, str]] = {}
        # Per class body: the `this.<field> = <value>` of its methods, found at the first class (`_this_assignments`).
        self.this_assignments: dict[int, list[tuple[str, Node, list[Node]]]] | None = None
        # Classes of this file that extend a socket class (`class AppSocket extends Socket` of ngx-socket-io).
        self.socket_classes: dict[str, SocketKind] = {}
        # Sockets this file puts on a shared object (`global.io = io`, `app.io = io`,
        # `fastify.decorate("io", io)`), by `shared_socket_path`: other files read them through that path.
        self.published: dict[str, SocketBinding] = {}
        self.emitters: list[SocketBinding] = []  # the bindings of `new Emitter(...)`, servers without listeners
        self.holds_instances = False  # whether a local is bound to a class's one instance (`_Scope.instances`)
        self.holds_chains = False  # whether a local holds a chain (`_Scope.chains`): spares most assignments
        # Calls handing known sockets to functions of other modules (`registerOrderHandlers(io, socket)`).
        self.socket_passes: list[SocketPass] = []
        # Top-level type aliases and interfaces by name (read when first needed), and the socket kinds they
        # name (`type GameServer = Server<Up, Down>`), found as asked.
        self.type_declarations: dict[str, Node] | None = None
        self.declared_type_kinds: dict[str, SocketKind | None] = {}
        # (class body, field) -> the type a field is declared with, as asked (`private conn: AppSocket`).
        self.field_annotations: dict[tuple[int, str], Node | None] = {}
        # `X.value = <value>` assignments of the file by `X`, found when a Vue ref's socket is first looked for.
        self.ref_assignments: dict[str, list[Node]] | None = None
        # (function declaring a parameter, or None, name) of the names used with server-only API
        # (`socket.join(room)`), found when a receiver of unknown kind first needs them.
        self.server_api_uses: set[tuple[int | None, str]] | None = None

    # -- driver -----------------------------------------------------------------------------------------

    def run(self, tree: tree_sitter.Tree | None = None) -> FileFacts:
        """The facts of the file; `tree` is its syntax tree when already parsed."""
        reuse = self.reuse
        if tree is None:
            tree = reuse.parse(self.language, self.data) if reuse is not None else parser(self.language).parse(self.data)
        self.tree = tree
        # Cheap tests of the text that spare most files the work of two rarer forms.
        self.fetches_sockets = b"fetchSockets" in self.data
        self.may_create_sockets = b"socket.io" in self.data or b"io(" in self.data or b".of(" in self.data
        self.may_create_emitters = any(module.encode() in self.data for module in EMITTER_FACTORY_MODULES)
        # What an Express app or middleware put on the application or the request: `req.io`, `res.locals.io`,
        # `req.app.get("io")`, `ctx.app.io`.
        self.may_read_requests = any(marker in self.data for marker in _REQUEST_READ_BYTES)
        root = tree.root_node
        self.root_node = root
        top = _Scope(node=None, name=None, params=[])
        self.scopes.append(top)
        self._collect_module_level(root)
        self.exported_locals = {local for _, local in self.exports}
        # Only a type imported from socket.io makes an annotation name a socket (`_kind_from_annotation`).
        self.socket_types_imported = any(
            imp.specifier in SERVER_MODULES or imp.specifier in CLIENT_MODULES or imp.specifier in EMITTER_MODULES
            for imp in self.imports.values()
        )
        self.uses_express = any(imp.specifier == "express" for imp in self.import_list)
        self.uses_socket_controllers = any(imp.specifier == SOCKET_CONTROLLERS_MODULE for imp in self.import_list)
        # A type imported from a module of the workspace may be a socket type it declares (`AppSocket`).
        self.may_import_socket_types = any(
            imp.local[:1].isupper() and _may_hold_handlers(imp.specifier) for imp in self.import_list
        )
        if self.socket_types_imported:
            self._collect_socket_classes(root)
        # A Vue ref holds a socket only when the file types it as one or creates the socket.
        self.may_ref_sockets = self.socket_types_imported or self.may_create_sockets
        self._walk(root)
        self._learned_local_maps()
        try:
            findings = patterns.find_patterns(root, self.lines, self)
        except RecursionError:  # rule observations must never cost the file its facts
            findings = []
            self.problems.append(ParseProblem("too deeply nested for the rule observations"))
        return FileFacts(
            path=self.path,
            language=self.language,
            content_hash=self.content_hash,
            declarations=tuple(self.declarations),
            emits=tuple(self.emits),
            listeners=tuple(self.listeners),
            forwarders=tuple(self.forwarders),
            calls=tuple(self.calls),
            bindings=tuple(self.bindings.items()),
            exports=tuple(self.exports),
            imports=tuple(self.import_list),
            reexports=tuple(self.reexports),
            sockets=(*top.sockets.values(), *self.published.values()),
            # By side: an ngx-socket-io import is a socket.io-client one.
            socket_imports=tuple(
                (imp.local, "socket.io-client" if imp.specifier in CLIENT_MODULES else imp.specifier)
                for imp in self.import_list
                if imp.specifier in SERVER_MODULES or imp.specifier in CLIENT_MODULES
            ),
            routes=tuple(self.routes),
            connections=tuple(self.connections),
            map_roles=tuple(self.map_roles.items()),
            findings=tuple(findings),
            problems=tuple(self.problems),
            has_errors=root.has_error,
            gateways=self._gateway_classes(),
            socket_passes=tuple(self.socket_passes),
            socket_types=self._exported_socket_types(),
        )

    def _walk(self, root: Node) -> None:
        """Visit, in source order, every node of a kind the extractor acts on, within its function's scope.

        Tree-sitter's query engine finds those nodes far faster than a Python loop over the whole tree can;
        their byte ranges give the order and the function scopes (a node is in a function when it starts
        before the function ends)."""
        nodes = _visited_in_order(root, self.language)
        if nodes is None:
            self._walk_tree(root)
            return
        scopes = self.scopes
        function_ends: list[int] = []  # end byte of the function of each scope above the module's
        for node in nodes:
            start = node.start_byte
            while function_ends and start >= function_ends[-1]:
                function_ends.pop()
                scopes.pop()
            if self._visit(node, node.type):
                function_ends.append(node.end_byte)
        del scopes[1:]

    def _walk_tree(self, root: Node) -> None:
        """`_walk` by a walk over the whole tree: for the trees that byte ranges cannot order."""
        # Explicit stack: minified or machine-written code nests deeper than Python's recursion limit.
        stack: list = [root]
        pop, extend = stack.pop, stack.extend
        while stack:
            node = pop()
            if node is _LEAVE_FUNCTION:
                self.scopes.pop()
                continue
            kind = node.type
            if kind in _VISITED_KINDS and self._visit(node, kind):
                stack.append(_LEAVE_FUNCTION)
            children = node.named_children
            if children:
                children.reverse()
                extend(children)

    def _visit(self, node: Node, kind: str) -> bool:
        """Act on one node of `_VISITED_KINDS`; True when it opened a function's scope. The node lists
        the rule observations need are collected on the way, sparing them a walk of their own."""
        walked = self.walked
        if kind in FUNCTION_TYPES:
            walked.enclosing_function[node.id] = self.scopes[-1].node
            self._enter_function(node)
            walked.functions.append(node)
            return True
        if kind == "call_expression":
            walked.enclosing_function[node.id] = self.scopes[-1].node
            self._visit_call(node)
        elif kind == "new_expression":
            self._visit_new(node)
        elif kind == "variable_declarator":
            walked.enclosing_function[node.id] = self.scopes[-1].node
            self._visit_declarator(node)
            walked.declarators.append(node)
        elif kind == "class_body":
            self._collect_class_fields(node)
        elif kind == "for_in_statement":
            self._visit_for_of(node)
        elif kind == "assignment_expression":
            self._visit_assignment(node)
        else:  # an interface or a type alias
            self._visit_type_declaration(node)
            walked.types.append(node)
        return False

    def _collect_socket_classes(self, root: Node) -> None:
        """Top-level classes extending a socket class: ngx-socket-io's documented `class AppSocket extends
        Socket { constructor() { super(config) } }`, whose instances (and `this`) are client sockets."""
        for statement in root.named_children:
            if statement.type == "export_statement":
                statement = statement.child_by_field_name("declaration")
            if statement is None or statement.type not in ("class_declaration", "abstract_class_declaration"):
                continue
            name = statement.child_by_field_name("name")
            base = _extended_name(statement)
            kind = self._socket_class_kind(base) if base is not None else None
            if name is not None and kind is not None:
                self.socket_classes[text(name)] = kind

    def _this_socket_kind(self, node: Node) -> SocketKind | None:
        """The socket kind of `this` at `node`: that of the socket class its class extends."""
        owner = _class_binding_this(node)
        if owner is None or owner[0].parent is None:
            return None
        base = _extended_name(owner[0].parent)
        return self._socket_class_kind(base) if base is not None else None

    # -- socket types: aliases and interfaces -------------------------------------------------------------

    def _type_declarations(self) -> dict[str, Node]:
        """The top-level type aliases and interfaces of the file, by name."""
        if self.type_declarations is None:
            found: dict[str, Node] = {}
            for statement in self.root_node.named_children:
                if statement.type == "export_statement":
                    statement = statement.child_by_field_name("declaration")
                if statement is not None and statement.type in ("type_alias_declaration", "interface_declaration"):
                    name = statement.child_by_field_name("name")
                    if name is not None:
                        found.setdefault(text(name), statement)
            self.type_declarations = found
        return self.type_declarations

    def _declared_type_kind(self, name: str) -> SocketKind | None:
        """The socket kind a type alias or interface of this file names: `type GameServer = Server<Up, Down>`,
        `type Conn = AppSocket | null`, `interface AppSocket extends Socket<Up, Down> {}`."""
        known = self.declared_type_kinds
        if name in known:
            return known[name]
        known[name] = None  # a type naming itself names no socket
        declaration = self._type_declarations().get(name)
        kind = None
        for declared in _declared_types(declaration) if declaration is not None else ():
            kind = self._kind_from_annotation(declared)
            if kind is not None:
                break
        known[name] = kind
        return kind

    def _exported_socket_types(self) -> tuple[tuple[str, SocketKind], ...]:
        """The exported types of this file whose values are socket.io objects, for the modules annotating
        receivers with them. Only a file naming a socket.io type can declare one."""
        if not self.socket_types_imported or not self.exported_locals:
            return ()
        found: dict[str, SocketKind] = {}
        for name in self._type_declarations():
            kind = self._declared_type_kind(name) if name in self.exported_locals else None
            if kind is not None and kind != SocketKind.NOT_SOCKET:
                found[name] = kind
        for name, kind in self.socket_classes.items():
            if name in self.exported_locals and kind != SocketKind.NOT_SOCKET:
                found.setdefault(name, kind)
        return tuple(found.items())

    def _imported_type_name(self, type_node: Node | None, seen: frozenset[str] = frozenset()) -> str | None:
        """The name of a type imported from a module of the workspace that an annotation gives its value, when
        this file cannot tell what it is: `AppSocket` of `client: AppSocket | null`, also through this file's
        own aliases (`type Conn = AppSocket`). The index reads what the declaring module says."""
        if type_node is None:
            return None
        kind = type_node.type
        if kind in ("union_type", "parenthesized_type", "intersection_type"):
            for child in type_node.named_children:
                found = self._imported_type_name(child, seen)
                if found is not None:
                    return found
            return None
        if kind == "generic_type":
            wrapped = self._wrapped_type(type_node)
            if wrapped is not None:
                return self._imported_type_name(wrapped, seen)
            type_node = type_node.child_by_field_name("name")
            if type_node is None:
                return None
        elif kind != "type_identifier":
            return None
        name = text(type_node)
        imp = self.imports.get(name)
        if imp is not None:
            return name if imp.imported != "*" and _may_hold_handlers(imp.specifier) else None
        declaration = self._type_declarations().get(name)
        if declaration is None or name in seen:
            return None
        for declared in _declared_types(declaration):
            found = self._imported_type_name(declared, seen | {name})
            if found is not None:
                return found
        return None

    def _wrapped_type(self, generic: Node) -> Node | None:
        """The argument of `NonNullable<T>`, `Optional<T>` and the like, whose value is a `T` or nothing."""
        name = generic.child_by_field_name("name")
        if name is None or text(name) not in _NULLABLE_WRAPPERS:
            return None
        args = generic.child_by_field_name("type_arguments")
        return args.named_children[0] if args is not None and args.named_children else None

    def _annotated_type(self, node: Node) -> str | None:
        """For a receiver root this file cannot type, the imported type its declaration annotates it with: a
        parameter or local (`client: AppSocket`), or a field of the class (`private conn: AppSocket`,
        `constructor(public conn: AppSocket)`)."""
        if node.type == "identifier":
            return self._imported_type_name(self._declared_annotation(text(node)))
        if node.type != "member_expression":
            return None
        path = member_path(node)
        if path is None or len(path) != 2 or path[0] != "this":
            return None
        return self._imported_type_name(self._field_annotation(node, path[1]))

    def _declared_annotation(self, name: str) -> Node | None:
        """The type annotation of the parameter or local `name` is where the walk is."""
        for scope in reversed(self.scopes):
            if name in scope.annotated:
                return scope.annotated[name]
            if name in scope.params:
                return parameter_type(scope.node, scope.params.index(name)) if scope.node is not None else None
            if scope.binds(name) or name in scope.refs:
                return None
        return None

    def _field_annotation(self, at: Node, name: str) -> Node | None:
        """The type a field of the class `at` is in is declared with: a field declaration, or a parameter
        property of the constructor."""
        body = at.parent
        while body is not None and body.type != "class_body":
            body = body.parent
        if body is None:
            return None
        key = (body.id, name)
        if key not in self.field_annotations:
            self.field_annotations[key] = _declared_field_type(body, name)
        return self.field_annotations[key]

    # -- event maps ---------------------------------------------------------------------------------------

    def _visit_type_declaration(self, node: Node) -> None:
        name_node = node.child_by_field_name("name")
        if name_node is None:
            return
        map_name = text(name_node)
        if self.options.is_map_name(map_name):
            self._map_members(node, map_name, self.options.direction_of(map_name))
        else:
            # A generic later in this file may name it: `new Server<Incoming, Outgoing>()`.
            self.other_types.setdefault(map_name, node)

    def _learned_local_maps(self) -> None:
        for map_name, direction in self.map_roles.items():
            node = self.other_types.get(map_name)
            if node is not None:
                self._map_members(node, map_name, direction)

    def _map_members(self, node: Node, map_name: str, direction: Direction | None) -> None:
        body = node.child_by_field_name("body") if node.type == "interface_declaration" else unwrap(
            node.child_by_field_name("value")
        )
        if body is None or body.type not in ("interface_body", "object_type"):
            return
        for member in body.named_children:
            if member.type not in ("property_signature", "method_signature"):
                continue
            key = member.child_by_field_name("name")
            if key is None:
                continue
            if key.type == "computed_property_name":
                inner = key.named_children[0] if key.named_children else None
                event = self._name_value(inner) if inner is not None else Opaque()
                key_node = inner or key
            else:
                event = Lit(string_value(key) if key.type == "string" else text(key), self.lines.span(key))
                key_node = key
            payload_node = None
            if member.type == "method_signature":
                payload_node = member.child_by_field_name("parameters")
            else:
                inner_type = annotation_type(member)
                if inner_type is not None and inner_type.type == "function_type":
                    payload_node = inner_type.child_by_field_name("parameters")
                elif inner_type is not None:
                    payload_node = inner_type
            payload = None
            if payload_node is not None:
                raw = text(payload_node)
                if payload_node.type == "formal_parameters":
                    raw = raw[1:-1]
                payload = squash(raw)
            self.declarations.append(
                Declaration(
                    name=event,
                    span=self.lines.span(key_node),
                    map_name=map_name,
                    direction=direction,
                    payload=payload,
                    doc=jsdoc_before(member),
                    payload_span=self.lines.span(payload_node) if payload_node is not None else None,
                )
            )

    def _learn_map_roles(self, type_args: Node | None, roles: tuple[Direction | None, ...]) -> None:
        if type_args is None:
            return
        for arg, role in zip(type_args.named_children, roles):
            if role is not None and arg.type == "type_identifier":
                self.map_roles.setdefault(text(arg), role)

    # -- functions and scopes ---------------------------------------------------------------------------

    def _enter_function(self, node: Node) -> None:
        scope = _Scope(node=node, name=_function_name(node), params=parameter_names(node))
        parent = self.scopes[-1]
        scope.route = self.route_of_function.get(node.id, parent.route)
        if parent.node is None and self.exported_locals:
            scope.exported = self._exported_function(node)
        for binding in self.preset.pop(node.id, {}).values():
            scope.sockets[binding.name] = binding
        scope.socket_lists.update(self.preset_lists.pop(node.id, {}))
        self._typed_parameters(node, scope)
        if node.type == "method_definition":
            self._gateway_parameters(node, scope)
            if self.uses_socket_controllers:
                self._controller_parameters(node, scope)
        self.scopes.append(scope)

    def _typed_parameters(self, node: Node, scope: _Scope) -> None:
        """Typed parameters: `(io: Server, socket: Socket)`. Where the function is passed tells more (the
        namespace of a connection handler), so a preset binding stays."""
        if not self.socket_types_imported:
            return
        for index, name in enumerate(scope.params):
            if name is None or name in scope.sockets:
                continue
            kind = self._kind_from_annotation(parameter_type(node, index))
            if kind is not None:
                scope.sockets[name] = SocketBinding(name, kind, "/" if kind == SocketKind.SERVER else None)

    def _exported_function(self, function: Node) -> str | None:
        """The name the module's exports bind a top-level function by, None when they do not export it:
        `export function f`, `export const f = ...`, `export default ...`, `module.exports = ...` ("default"),
        `exports.f = ...`, `module.exports = { f: ... }`, or a function named in an export list."""
        parent = function.parent
        while parent is not None and parent.type in WRAPPER_TYPES:
            parent = parent.parent
        if parent is None:
            return None
        local = None
        if function.type in ("function_declaration", "generator_function_declaration"):
            name = function.child_by_field_name("name")
            local = text(name) if name is not None and parent.type in ("program", "export_statement") else None
        elif parent.type == "variable_declarator":
            name = parent.child_by_field_name("name")
            block = _declaring_block(parent)
            if name is not None and name.type == "identifier" and block is not None and block.type == "program":
                local = text(name)
        elif parent.type == "export_statement":
            local = "default"
        elif parent.type == "assignment_expression":
            target = member_path(parent.child_by_field_name("left"))
            if target == ("module", "exports"):
                local = "default"
            elif target is not None and (target[:-1] == ("exports",) or target[:-1] == ("module", "exports")):
                local = target[-1]
        elif parent.type == "pair" and _assigned_to_module_exports(parent.parent):
            key = parent.child_by_field_name("key")
            local = string_value(key) or text(key) if key is not None else None
        return local if local in self.exported_locals else None

    def _exported_parameter(self, name: str) -> tuple[str, int] | None:
        """(function, position) when `name` is, where the walk is, a parameter of a top-level function the
        module exports, not shadowed on the way."""
        scopes = self.scopes
        if len(scopes) < 2 or scopes[1].exported is None:
            return None
        for scope in scopes[:1:-1]:  # the functions nested in the exported one, innermost first
            if scope.binds(name):
                return None
        handler = scopes[1]
        return (handler.exported, handler.params.index(name)) if name in handler.params else None

    def _lookup_socket(self, name: str) -> SocketBinding | None:
        for scope in reversed(self.scopes):
            if name in scope.sockets:
                return scope.sockets[name]
            if name in scope.params or name in scope.strings or name in scope.socket_lists or name in scope.chains:
                return None  # shadowed by a parameter we know nothing about
            if name in scope.refs:
                return None  # a Vue ref: its `.value` holds the socket
        return None

    def _lookup_ref(self, name: str) -> SocketBinding | None:
        """The socket the Vue ref `name` holds, where the walk is."""
        return self._lookup_held(name, "refs")

    def _lookup_held(self, name: str, table: str):
        """What the scope table `table` (`refs`, `instances`) holds for `name` where the walk is; None when a
        nearer scope binds the name to something else (a parameter, a socket, a string, a chain)."""
        for scope in reversed(self.scopes):
            held = getattr(scope, table)
            if name in held:
                return held[name]
            if scope.binds(name):
                return None
        return None

    def _chain_owner(self, name: str) -> _Scope | None:
        """The scope whose local `name` holds a chain (`const room = socket.to("lobby")`), if any."""
        for scope in reversed(self.scopes):
            if name in scope.chains:
                return scope
            if name in scope.sockets or name in scope.params or name in scope.strings or name in scope.socket_lists:
                return None
        return None

    def _lookup_socket_list(self, name: str) -> SocketBinding | None:
        """The binding of the elements of a local list of server sockets."""
        for scope in reversed(self.scopes):
            if name in scope.socket_lists:
                return scope.socket_lists[name]
            if name in scope.sockets or name in scope.params or name in scope.strings:
                return None
        return None

    def _enclosing_function_name(self) -> str | None:
        for scope in reversed(self.scopes):
            if scope.name:
                return scope.name
        return None

    def _visit_declarator(self, node: Node) -> None:
        name_node = node.child_by_field_id(self.fields.name)
        if name_node is None or name_node.type != "identifier":
            return
        name = text(name_node)
        value = node.child_by_field_id(self.fields.value)
        if value is not None:
            self.walked.declared_values.append((node, name, unwrap(value)))
        scope = self.scopes[-1]
        kind = None
        namespace = None
        annotated = None
        # Else no annotation can name a socket, a map's role, or a socket type of another module.
        if self.socket_types_imported or self.may_import_socket_types:
            annotated = annotation_type(node)
            if annotated is not None and self.socket_types_imported:
                kind = self._kind_from_annotation(annotated)
                self._learn_roles_from_annotation(annotated)
        scope.chains.pop(name, None)
        if value is not None:
            value_kind = self._value_kind(value)
            if value_kind is not None:
                kind, namespace = value_kind
            else:
                held_socket = self._vue_ref_socket(name, value) if self.may_ref_sockets else None
                if held_socket is not None:
                    scope.refs[name] = held_socket
                    return
                element = self._fetched_sockets(value)
                if element is not None:
                    scope.socket_lists[name] = SocketBinding(name, element.kind, element.namespace)
                held = self._held_chain(value) or self._shared_read(value)
                if held is not None and kind is None:
                    self.holds_chains = True
                    scope.sockets.pop(name, None)
                    scope.chains[name] = HeldChain(held[0], held[1], _declaring_block(node))
                    return
            if scope.node is not None:
                literal = string_value(value)
                if literal is not None and is_const_declaration(node.parent):
                    scope.strings[name] = Lit(literal, self.lines.span(unwrap(value)))
                else:
                    prefix = static_prefix(value)
                    if prefix:
                        scope.room_prefixes[name] = prefix
                    elif unwrap(value).type == "call_expression":
                        scope.room_calls[name] = unwrap(value)
        owner = self._instance_class(value) if kind is None and value is not None else None
        if owner is not None:
            self.holds_instances = True
            scope.instances[name] = owner
        elif self.holds_instances:
            scope.instances.pop(name, None)
        if kind is not None:
            if kind == SocketKind.SERVER and namespace is None:
                namespace = "/"
            scope.sockets[name] = SocketBinding(name, kind, namespace)
            if kind == SocketKind.SERVER and value is not None and self._creates_emitter(value):
                self.emitters.append(scope.sockets[name])
        elif value is not None and unwrap(value).type == "new_expression":
            scope.sockets[name] = SocketBinding(name, SocketKind.NOT_SOCKET)
        elif annotated is not None:
            scope.annotated[name] = annotated

    # -- Vue refs -----------------------------------------------------------------------------------------

    def _vue_ref_socket(self, name: str, value: Node) -> SocketBinding | None:
        """The socket a Vue ref bound to `name` holds in its `.value`: from the ref's type (`ref<Socket |
        null>(null)`), its initial value (`ref(io("/"))`), or an assignment `name.value = io()` of the file."""
        call = unwrap(value)
        if call is None or call.type != "call_expression":
            return None
        callee = call.child_by_field_id(self.fields.function)
        if callee is None or callee.type != "identifier" or not self._is_vue_ref_function(text(callee)):
            return None
        kind = namespace = None
        type_args = call.child_by_field_name("type_arguments")
        if type_args is not None and type_args.named_children and self.socket_types_imported:
            kind = self._kind_from_annotation(type_args.named_children[0])
        if kind is None:
            args = call.child_by_field_id(self.fields.arguments)
            first = next((a for a in args.named_children if a.type != "comment"), None) if args is not None else None
            found = self._kind_of_expression(first) if first is not None else None
            if found is None:
                found = self._assigned_ref_socket(name)
            if found is not None:
                kind, namespace = found
        if kind is None or kind == SocketKind.NOT_SOCKET:
            return None
        return SocketBinding(f"{name}.value", kind, namespace or _default_namespace(kind))

    def _is_vue_ref_function(self, local: str) -> bool:
        """`ref` / `shallowRef` imported from Vue, or Nuxt's auto-imported global (bound nowhere in the file)."""
        origin = self._module_of(local)
        if origin is not None:
            return origin[0] in VUE_REF_MODULES and origin[1] in VUE_REF_FUNCTIONS
        if local not in VUE_REF_FUNCTIONS or local in self.module_names:
            return False
        return all(local not in scope.params and local not in scope.sockets for scope in self.scopes)

    def _assigned_ref_socket(self, name: str) -> tuple[SocketKind, str | None] | None:
        """The socket an assignment `name.value = io(...)` anywhere in the file creates, if one does. Only a
        value creating a socket counts: what a name holds depends on where the assignment is."""
        if not self.may_create_sockets:
            return None
        if self.ref_assignments is None:
            self.ref_assignments = _value_assignments(self.root_node, self.language)
        for assigned in self.ref_assignments.get(name, ()):
            if assigned.type in ("call_expression", "new_expression", "await_expression"):
                found = self._kind_of_expression(assigned)
                if found is not None and found[0] != SocketKind.NOT_SOCKET:
                    return found
        return None

    # -- what an expression holds -------------------------------------------------------------------------

    def _module_of(self, local: str) -> tuple[str, str] | None:
        imp = self.imports.get(local)
        return (imp.specifier, imp.imported) if imp is not None else None

    def _origin_of(self, node: Node | None) -> tuple[str, str] | None:
        """(module, name) of what a constructor or a type names: an imported name (`Server`), or a member of a
        socket.io module imported whole (`socketio.Server` of `import * as socketio`, of `const socketio =
        require(...)`, or of a default import: socket.io's module object has its classes as members)."""
        if node is None:
            return None
        kind = node.type
        if kind in ("identifier", "type_identifier"):
            return self._module_of(text(node))
        if kind == "member_expression":
            head, member = node.child_by_field_id(self.fields.object), node.child_by_field_id(self.fields.property)
        elif kind == "nested_type_identifier":
            head, member = node.child_by_field_name("module"), node.child_by_field_name("name")
        else:
            return None
        if head is None or member is None or head.type != "identifier":
            return None
        origin = self._module_of(text(head))
        if origin is None or origin[1] not in ("*", "default") or not _is_socket_module(origin[0]):
            return None
        return origin[0], text(member)

    def _kind_from_annotation(self, type_node: Node | None) -> SocketKind | None:
        if type_node is None:
            return None
        if type_node.type == "generic_type":
            wrapped = self._wrapped_type(type_node)
            if wrapped is not None:
                return self._kind_from_annotation(wrapped)
            type_node = type_node.child_by_field_name("name")
        elif type_node.type in ("union_type", "parenthesized_type", "intersection_type"):
            for child in type_node.named_children:
                kind = self._kind_from_annotation(child)
                if kind is not None:
                    return kind
            return None
        if type_node is not None and type_node.type == "nested_type_identifier":
            origin = self._origin_of(type_node)  # `socket.Server` of `import socket from "socket.io"`
            if origin is not None:
                return _imported_class_kind(origin)
            type_node = type_node.named_children[-1]  # SocketIO.Server, socket.io v2's global namespace
        if type_node is None or type_node.type != "type_identifier":
            return None
        return self._socket_class_kind(text(type_node))

    def _socket_class_kind(self, name: str) -> SocketKind | None:
        """What the instances of a class this file names are: an imported socket.io class, or a class of
        this file extending one."""
        origin = self._module_of(name)
        if origin is None:
            return self.socket_classes.get(name) or self._declared_type_kind(name)
        return _imported_class_kind(origin)

    def _learn_roles_from_annotation(self, type_node: Node) -> None:
        if type_node.type != "generic_type":
            return
        origin = self._origin_of(type_node.child_by_field_name("name"))
        if origin is None:
            return
        args = type_node.child_by_field_name("type_arguments")
        self._learn_roles(origin, args)

    def _learn_roles(self, origin: tuple[str, str], args: Node | None) -> None:
        module, imported = origin
        c2s, s2c, inter = Direction.CLIENT_TO_SERVER, Direction.SERVER_TO_CLIENT, Direction.INTER_SERVER
        if module in SERVER_MODULES and imported in ("Server", "Namespace", "Socket", "default"):
            self._learn_map_roles(args, (c2s, s2c, inter))
        elif module in CLIENT_MODULES and imported == "Socket":
            self._learn_map_roles(args, (s2c, c2s))
        elif module in EMITTER_MODULES and imported in ("Emitter", "default"):
            self._learn_map_roles(args, (s2c,))  # `Emitter<ServerToClientEvents>`

    def _kind_of_expression(self, node: Node | None) -> tuple[SocketKind, str | None] | None:
        node = unwrap(node)
        if node is None:
            return None
        if node.type == "await_expression" and node.named_children:
            return self._kind_of_expression(node.named_children[0])
        if node.type == "identifier":
            binding = self._lookup_socket(text(node))
            return (binding.kind, binding.namespace) if binding is not None else None
        if node.type == "new_expression":
            ctor = node.child_by_field_name("constructor")
            origin = self._origin_of(ctor)
            if origin is not None:
                module, imported = origin
                if module in SERVER_MODULES and imported in ("Server", "default"):
                    return SocketKind.SERVER, "/"
                if module in CLIENT_MODULES and imported == "Socket":  # ngx-socket-io's `new Socket(config)`
                    return SocketKind.CLIENT_SOCKET, None
                if module in EMITTER_MODULES and imported in ("Emitter", "default"):
                    return SocketKind.SERVER, "/"  # an emitter: a server for its emits, creating no connection
                if module in NON_SOCKET_MODULES:
                    return SocketKind.NOT_SOCKET, None
            if ctor is not None and self.socket_classes.get(text(ctor)) == SocketKind.CLIENT_SOCKET:
                return SocketKind.CLIENT_SOCKET, None
            return SocketKind.NOT_SOCKET, None
        if node.type == "call_expression":
            callee = unwrap(node.child_by_field_name("function"))
            args = node.child_by_field_name("arguments")
            first = args.named_children[0] if args is not None and args.named_children else None
            if callee is not None and callee.type == "identifier":
                origin = self._module_of(text(callee))
                if origin is not None and origin[0] in CLIENT_MODULES and origin[1] in ("io", "default", "connect", "*"):
                    return SocketKind.CLIENT_SOCKET, _client_namespace(first)
                if self._is_global_io(callee):
                    return SocketKind.CLIENT_SOCKET, _client_namespace(first)
                if origin is not None and origin[0] in SERVER_MODULES and origin[1] in ("default", "*"):
                    return SocketKind.SERVER, "/"
            if callee is not None and callee.type == "call_expression":  # require("socket.io")(server)
                spec = require_specifier(callee)
                if spec is not None and spec[0] in SERVER_MODULES:
                    return SocketKind.SERVER, "/"
                if spec is not None and spec[0] in CLIENT_MODULES:
                    return SocketKind.CLIENT_SOCKET, _client_namespace(first)
            if callee is not None and callee.type == "member_expression":
                prop = text(callee.child_by_field_name("property"))
                if prop == "of":
                    inner = self._kind_of_expression(callee.child_by_field_name("object"))
                    if inner is not None and inner[0] == SocketKind.SERVER or _is_io_name(callee.child_by_field_name("object")):
                        return SocketKind.NAMESPACE, self._static_string(first) if first is not None else None
        element = self._fetched_socket(node)
        if element is not None:
            return element.kind, element.namespace
        return None

    def _value_kind(self, node: Node | None) -> tuple[SocketKind, str | None] | None:
        """What a value bound to a name holds: `_kind_of_expression`, or an emitter the older emitter package's
        factory creates. That call is left out of `_kind_of_expression`, whose servers the rule observations
        read as servers created (to authenticate): an emitter accepts no connection."""
        if self.may_create_emitters:
            emitter = self._emitter_factory_call(node)
            if emitter is not None:
                return emitter
        return self._kind_of_expression(node)

    def _creates_emitter(self, node: Node) -> bool:
        """`new Emitter(client)` of an emitter package, or the older package's factory call."""
        node = unwrap(node)
        if node is not None and node.type == "new_expression":
            origin = self._origin_of(node.child_by_field_name("constructor"))
            return origin is not None and origin[0] in EMITTER_MODULES
        return self.may_create_emitters and self._emitter_factory_call(node) is not None

    def _emitter_factory_call(self, node: Node | None) -> tuple[SocketKind, str | None] | None:
        """`require("socket.io-emitter")(redis)`, or `emitter(redis)` with `emitter` that module itself."""
        node = unwrap(node)
        if node is None or node.type != "call_expression":
            return None
        callee = unwrap(node.child_by_field_id(self.fields.function))
        origin = None
        if callee is not None and callee.type == "identifier":
            origin = self._module_of(text(callee))
        elif callee is not None and callee.type == "call_expression":
            origin = require_specifier(callee)
        if origin is not None and origin[0] in EMITTER_FACTORY_MODULES and origin[1] in ("default", "*"):
            return SocketKind.SERVER, "/"
        return None

    # -- the sockets of `fetchSockets()` ------------------------------------------------------------------

    def _fetched_sockets(self, node: Node | None) -> SocketBinding | None:
        """When `node` holds a list of server sockets (`await io.in(room).fetchSockets()`, a local bound to
        one, or a `filter`/`slice` of it), the binding of its elements; None otherwise."""
        if not self.fetches_sockets:
            return None
        node = unwrap(node)
        while node is not None and node.type in ("await_expression", "call_expression"):
            if node.type == "await_expression":
                node = unwrap(node.named_children[0]) if node.named_children else None
                continue
            callee = unwrap(node.child_by_field_name("function"))
            if callee is None or callee.type != "member_expression":
                return None
            method = text(callee.child_by_field_name("property"))
            if method == "fetchSockets":
                return self._fetch_sockets_element(callee.child_by_field_name("object"))
            if method not in _LIST_KEEPING_METHODS:
                return None
            node = unwrap(callee.child_by_field_name("object"))
        if node is not None and node.type == "identifier":
            return self._lookup_socket_list(text(node))
        return None

    def _fetch_sockets_element(self, target: Node | None) -> SocketBinding | None:
        """The sockets `<target>.fetchSockets()` returns, when the chain starts at a known server or namespace."""
        received = self._receiver(target)
        if received is None:
            return None
        receiver, chain = received
        if receiver.kind not in (SocketKind.SERVER, SocketKind.NAMESPACE):
            return None
        namespace = chain_namespace(chain) or receiver.namespace
        if namespace is None and receiver.gateway is None:  # a gateway's namespace is the index's to read
            namespace = _default_namespace(receiver.kind)
        return SocketBinding("", SocketKind.SERVER_SOCKET, namespace)

    def _fetched_socket(self, node: Node | None) -> SocketBinding | None:
        """One element of a list of server sockets: `sockets[0]`, `sockets.find(...)`, `sockets.at(-1)`."""
        if not self.fetches_sockets:
            return None
        node = unwrap(node)
        if node is None:
            return None
        if node.type == "subscript_expression":
            return self._fetched_sockets(node.child_by_field_name("object"))
        if node.type == "call_expression":
            callee = unwrap(node.child_by_field_name("function"))
            if callee is not None and callee.type == "member_expression":
                if text(callee.child_by_field_name("property")) in _ELEMENT_METHODS:
                    return self._fetched_sockets(callee.child_by_field_name("object"))
        return None

    def _visit_for_of(self, node: Node) -> None:
        """`for (const s of sockets)` over a list of server sockets binds `s` to a server socket."""
        operator = node.child_by_field_name("operator")
        target = node.child_by_field_name("left")
        if operator is None or text(operator) != "of" or target is None or target.type != "identifier":
            return
        element = self._fetched_sockets(node.child_by_field_name("right"))
        if element is not None:
            name = text(target)
            self.scopes[-1].sockets[name] = SocketBinding(name, element.kind, element.namespace)

    def _bind_fetched_sockets(self, obj: Node | None, method: str, args: list[Node]) -> None:
        """The callback of `sockets.forEach(...)` (and the like) gets a server socket as first parameter, the
        one of `io.fetchSockets().then(...)` the list."""
        if method == "then" and unwrap(obj) is not None and unwrap(obj).type != "call_expression":
            return
        element = self._fetched_sockets(obj)
        callback = unwrap(args[0]) if args and element is not None else None
        if callback is None or callback.type not in FUNCTION_TYPES:
            return
        params = parameter_names(callback)
        if not params or params[0] is None:
            return
        if method == "then":
            self.preset_lists.setdefault(callback.id, {})[params[0]] = element
        else:
            self.preset.setdefault(callback.id, {})[params[0]] = SocketBinding(params[0], element.kind, element.namespace)

    # -- locals holding a chain, sockets put on shared objects --------------------------------------------

    def _held_chain(self, value: Node) -> tuple[Receiver, tuple[ChainStep, ...]] | None:
        """The receiver and steps of a value that ends in a chain step of a socket.io receiver:
        `socket.to(room)`, `io.of("/a").volatile`, `target.except(id)` (a local holding a chain)."""
        node = unwrap(value)
        if node is None:
            return None
        if node.type == "call_expression":
            callee = unwrap(node.child_by_field_name("function"))
            if callee is None or callee.type != "member_expression":
                return None
            if text(callee.child_by_field_name("property")) not in CHAIN_CALLS:
                return None
        elif node.type != "member_expression" or text(node.child_by_field_name("property")) not in CHAIN_PROPS:
            return None
        received = self._receiver(node)
        return received if received is not None and received[1] else None

    def _visit_assignment(self, node: Node) -> None:
        # Cheap tests first: most assignments are `this.x = ...` or reassign a local holding no chain.
        left = node.child_by_field_name("left")
        if left is None:
            return
        left_type = left.type
        if left_type == "identifier":
            if not self.holds_chains:
                return
            owner = self._chain_owner(text(left))
            right = node.child_by_field_name("right")
            if owner is not None and right is not None:
                self._reassign_chain(node, owner, text(left), right)
        elif left_type in ("member_expression", "subscript_expression"):
            target = left.child_by_field_id(self.fields.object)
            right = node.child_by_field_name("right")
            if target is None or target.type == "this" or right is None:
                return
            path = member_path(left)
            if path is None or not 2 <= len(path) <= 3:
                return
            if self._is_shared_object(path[0]):
                self._publish(".".join(path), right)
            else:
                on_request = self._request_path(path)
                if on_request is not None:
                    self._publish(on_request, right)

    def _reassign_chain(self, assignment: Node, owner: _Scope, name: str, value: Node) -> None:
        """`x = x.except(y)`: an assignment in the block declaring `x` always runs, and `x` holds the new
        value from there on. Any other (under a condition, in a loop or a callback) may not run: `x` keeps
        what both values share, the old chain's steps the new one starts with (`to(ids)` of
        `to(ids).except(y)`): the scope and rooms stay right, a maybe-excluded room is dropped."""
        held = owner.chains[name]
        new = self._held_chain(value)
        statement = assignment.parent
        always = (
            held is not None
            and held.block is not None
            and statement is not None
            and statement.type == "expression_statement"
            and statement.parent is not None
            and statement.parent.id == held.block.id
        )
        if always:
            owner.chains[name] = HeldChain(new[0], new[1], held.block) if new is not None else None
        elif held is not None and new is not None and new[0] == held.receiver:
            shared = 0
            while shared < min(len(held.steps), len(new[1])) and held.steps[shared] == new[1][shared]:
                shared += 1
            owner.chains[name] = HeldChain(held.receiver, held.steps[:shared], held.block)
        else:
            owner.chains[name] = None

    def _is_shared_object(self, head: str) -> bool:
        """Whether a member assignment's object is read by other modules: a global object (not a local so
        named) or an object of this module (`app`), neither shadowed by a parameter."""
        if any(head in scope.params for scope in self.scopes):
            return False
        if head in ("global", "globalThis", "window"):
            return head not in self.module_names and head not in self.imports
        return head in self.module_names or head in self.imports

    def _publish(self, path: str, value: Node) -> None:
        """Record a socket put on a shared object under the path other files read it through."""
        shared = shared_socket_path(path)
        found = self._value_kind(value) if shared is not None else None
        if found is None or found[0] == SocketKind.NOT_SOCKET:
            return
        kind, namespace = found
        self.published.setdefault(shared, SocketBinding(shared, kind, namespace or _default_namespace(kind)))

    def _plugin_decoration(self, obj: Node | None, method: str, args: list[Node]) -> None:
        """fastify's `app.decorate("io", server)` and fastify-socket.io's `app.register(plugin)`: `app.io`
        holds a server."""
        target = member_path(obj)
        if target is None or len(target) > 2 or target[0] == "this":
            return
        if method == "decorate" and len(args) == 2:
            name = string_value(args[0])
            if name:
                self._publish(".".join((*target, name)), args[1])
        elif method == "register":
            plugin = unwrap(args[0])
            origin = self._module_of(text(plugin)) if plugin.type == "identifier" else None
            if origin is not None and origin[0] in FASTIFY_SOCKET_MODULES:
                shared = ".".join((*target, "io"))
                self.published.setdefault(shared, SocketBinding(shared, SocketKind.SERVER, "/"))

    def _app_setting(self, obj: Node | None, args: list[Node]) -> None:
        """Express's `app.set("io", io)`: the routes of every module read the server as `req.app.get("io")`."""
        key = string_value(args[0])
        if key is None or obj is None or obj.type != "identifier" or not self._is_express_app(text(obj)):
            return
        self._publish(app_setting_path(key), args[1])

    def _is_express_app(self, name: str) -> bool:
        """A module-level name (or import) named `app`, or bound to `express()`."""
        if not self._is_shared_object(name):
            return False
        if name == "app":
            return True
        if not self.uses_express:
            return False
        for declarator, declared, value in self.walked.declared_values:
            if declared == name and self.walked.enclosing_function.get(declarator.id) is None:
                callee = value.child_by_field_id(self.fields.function) if value.type == "call_expression" else None
                origin = self._module_of(text(callee)) if callee is not None and callee.type == "identifier" else None
                return origin is not None and origin[0] == "express"
        return False

    def _request_path(self, path: tuple[str, ...]) -> str | None:
        """Where an assignment in an Express middleware `(req, res, next) => ...` puts a value every later handler
        of the request reads: `req.io` of `req.io = io`, `res.locals.io` of `res.locals.io = io`."""
        for scope in reversed(self.scopes):
            if path[0] not in scope.params:
                continue
            params = scope.params
            if scope.node is None or len(params) != 3 or params[2] != "next":
                return None
            if path[0] == params[0] and len(path) == 2:
                return f"req.{path[1]}"
            if path[0] == params[1] and len(path) == 3 and path[1] == "locals":
                return f"res.locals.{path[2]}"
            return None
        return None

    def _shared_read(self, value: Node) -> tuple[Receiver, tuple[ChainStep, ...]] | None:
        """A value reading what an Express app or middleware put on the application or the request
        (`req.app.get("io")`, `req.io`, `res.locals.io`, `req.app.io`), as a receiver: a local bound to it holds
        that server, maybe put there by another module, whatever the local's name."""
        node = unwrap(value)
        if not self.may_read_requests or node is None:
            return None
        if node.type == "member_expression":  # cheap tests first: most values are nothing of the kind
            path = member_path(node)
            if path is None or not _may_hold_shared_server(path) or not read_through_request(".".join(path)):
                return None
        elif node.type == "call_expression":
            callee = member_path(node.child_by_field_id(self.fields.function))
            if self._app_setting_read(callee, node.child_by_field_id(self.fields.arguments)) is None:
                return None
        else:
            return None
        received = self._receiver(node)
        if received is None or received[1] or not read_through_request(received[0].root):
            return None
        return received

    # -- calls --------------------------------------------------------------------------------------------

    def _visit_new(self, node: Node) -> None:
        ctor = node.child_by_field_name("constructor")
        if ctor is None:
            return
        name = text(ctor)
        origin = self._origin_of(ctor)
        args = node.child_by_field_name("arguments")
        arg_nodes = [a for a in args.named_children if a.type != "comment"] if args is not None else []
        options = next((a for a in arg_nodes if unwrap(a).type == "object"), None)
        connection_kind = None
        if origin is not None and origin[0] in SERVER_MODULES and origin[1] in ("Server", "default"):
            connection_kind = (SocketKind.SERVER, "Server")
            self._learn_roles(origin, node.child_by_field_name("type_arguments"))
        elif origin is not None and origin[0] in CLIENT_MODULES and origin[1] == "Manager":
            connection_kind = (SocketKind.CLIENT_SOCKET, "Manager")
        elif origin is not None and origin[0] in EMITTER_MODULES:  # an emitter connects nowhere
            self._learn_roles(origin, node.child_by_field_name("type_arguments"))
        elif name == "WebSocket" and (origin is None or origin[0] not in ("ws",)):
            connection_kind = (SocketKind.NOT_SOCKET, "WebSocket")
        if connection_kind is not None:
            self._add_connection(node, connection_kind, options)

    def _add_connection(self, node: Node, kind: tuple[SocketKind, str], options: Node | None) -> None:
        binding = None
        parent = node.parent
        while parent is not None and parent.type in ("as_expression", "parenthesized_expression", "await_expression"):
            parent = parent.parent
        if parent is not None and parent.type == "variable_declarator":
            name = parent.child_by_field_name("name")
            binding = text(name) if name is not None else None
        elif parent is not None and parent.type == "assignment_expression":
            binding = text(parent.child_by_field_name("left"))
        self.connections.append(
            Connection(
                kind=kind[0],
                constructor=kind[1],
                span=self.lines.span(node),
                options_text=text(options) if options is not None else None,
                binding=binding,
                function=self._enclosing_function_name(),
            )
        )

    def _visit_call(self, node: Node) -> None:
        fields = self.fields
        callee = node.child_by_field_id(fields.function)
        args_node = node.child_by_field_id(fields.arguments)
        if callee is None or args_node is None or args_node.type != "arguments":
            return
        args = [a for a in args_node.named_children if a.type != "comment"]
        callee = unwrap(callee)
        callee_type = callee.type
        method = text(callee.child_by_field_id(fields.property)) if callee_type == "member_expression" else None
        self.walked.calls.append((node, callee, args, method))
        # The text is read only when it has the length of "SubscribeMessage"; the parent (costly) last.
        if args and callee.end_byte - callee.start_byte == 16 and text(callee) == "SubscribeMessage":
            if node.parent is not None and node.parent.type == "decorator":
                self._subscribe_message(node, args[0])
                return
        if self.uses_socket_controllers and args and callee_type == "identifier":
            if self._controller_decorator(node, callee, args):
                return
        owner = None  # the class whose one instance a method call is on
        if method is not None:
            owner = self._instance_class(callee.child_by_field_id(fields.object))
            if owner is not None and method in _SOCKET_METHODS:  # the class's `on`, not a socket's: its forwarders
                self._maybe_forwarded_call(node, callee, args, owner)
                return
            if method in EMIT_METHODS and args:
                self._emit(node, callee.child_by_field_id(fields.object), method, args)
                return
            if method in LISTEN_METHODS and args:
                self._listen(node, callee.child_by_field_id(fields.object), LISTEN_METHODS[method], args)
                return
            if method in OBSERVABLE_LISTEN_METHODS and args:
                self._observable_listen(node, callee.child_by_field_id(fields.object), method, args)
                return
            if (
                method in ROUTE_METHODS
                and len(args) >= 2
                and self._maybe_route(node, callee.child_by_field_id(fields.object), method, args)
            ):
                return
            if method in ("decorate", "register") and args:
                self._plugin_decoration(callee.child_by_field_id(fields.object), method, args)
            elif method == "set" and len(args) == 2:
                self._app_setting(callee.child_by_field_id(fields.object), args)
            if method in _ELEMENT_CALLBACK_METHODS or method == "then":
                self._bind_fetched_sockets(callee.child_by_field_id(fields.object), method, args)
            if args:
                self._member_of_module_call(callee.child_by_field_id(fields.object), method, args)
        elif callee_type == "identifier":
            name = text(callee)
            origin = self._module_of(name)
            is_client = origin is not None and origin[0] in CLIENT_MODULES and origin[1] in ("io", "default", "connect")
            if is_client or (name == "io" and self._is_global_io(callee)):
                options = next((a for a in args if unwrap(a).type == "object"), None)
                self._add_connection(node, (SocketKind.CLIENT_SOCKET, "io"), options)
                return
            if name in self.options.hooks and args:
                self._hook_call(node, name, args)
                return
            if origin is not None and origin[1] == "fromEvent" and is_rxjs_module(origin[0]):
                self._rxjs_listen(node, args)
                return
            if args and origin is None:
                self._pass_sockets(node, callee, args)
            elif args and _may_hold_handlers(origin[0]):
                self._hand_sockets(Ref(name), None, args)
        elif callee_type == "call_expression":
            spec = require_specifier(callee)
            if spec is not None and spec[0] in CLIENT_MODULES:
                options = next((a for a in args if unwrap(a).type == "object"), None)
                self._add_connection(node, (SocketKind.CLIENT_SOCKET, "io"), options)
                return
            if spec is not None and args and _may_hold_handlers(spec[0]):  # `require("./order")(io, socket)`
                self._hand_sockets(Ref("default" if spec[1] == "*" else spec[1]), spec[0], args)
        self._maybe_forwarded_call(node, callee, args, owner)

    def _receiver(self, obj: Node | None) -> tuple[Receiver, tuple[ChainStep, ...]] | None:
        """Split `io.to(a).except(b).volatile` into its root and chain; None when it is not socket.io."""
        steps: list[ChainStep] = []
        node = unwrap(obj)
        while node is not None:
            if node.type == "call_expression":
                callee = unwrap(node.child_by_field_name("function"))
                if callee is not None and callee.type == "member_expression":
                    prop = text(callee.child_by_field_name("property"))
                    if prop in CHAIN_CALLS:
                        steps.append(self._chain_step(prop, node.child_by_field_name("arguments")))
                        node = unwrap(callee.child_by_field_name("object"))
                        continue
                break
            if node.type == "member_expression":
                prop = text(node.child_by_field_name("property"))
                if prop in CHAIN_PROPS:
                    steps.append(ChainStep(prop))
                    node = unwrap(node.child_by_field_name("object"))
                    continue
            break
        if node is None:
            return None
        steps.reverse()
        if node.type == "identifier":
            owner = self._chain_owner(text(node))
            held = owner.chains[text(node)] if owner is not None else None
            if held is not None:
                return held.receiver, held.steps + tuple(steps)
        root_text, kind, namespace = self._root(node)
        if root_text is None or kind == SocketKind.NOT_SOCKET:
            return None
        handler_param = self._exported_parameter(root_text) if node.type == "identifier" else None
        type_name = self._annotated_type(node) if kind is None else None
        if kind is None and type_name is None and not self._plausible_root(root_text):
            # An untyped parameter of an exported function holds what the module's callers pass, whatever its
            # name; a type other than a socket's says it is something else.
            if handler_param is None or parameter_type(self.scopes[1].node, handler_param[1]) is not None:
                return None
        gateway = None
        if kind == SocketKind.SERVER and namespace is None and root_text.startswith("this."):
            gateway = self._injected_gateway_server(node, member_path(node) or ())
        server_api = kind is None and node.type == "identifier" and self._server_api_evidence(root_text, steps)
        receiver = Receiver(
            root_text,
            kind,
            namespace,
            gateway=gateway,
            handler_param=handler_param,
            type_name=type_name,
            server_api=server_api,
        )
        return receiver, tuple(steps)

    def _server_api_evidence(self, name: str, steps: list[ChainStep]) -> bool:
        """Whether the receiver `name` of unknown kind shows server-only API: in its own chain
        (`socket.to(room).emit`) or elsewhere (`_used_with_server_api`). An imported name is the index's to
        resolve through its module: the search of the file (a query over its whole tree) is spared."""
        if any(step.name in SERVER_ONLY_CALLS or step.name in SERVER_ONLY_PROPS for step in steps):
            return True
        return name not in self.imports and self._used_with_server_api(name)

    def _used_with_server_api(self, name: str) -> bool:
        """Whether `name` (where the walk is) is used with API only server-side objects have: `socket.join(room)`,
        `socket.to(room)`, `socket.broadcast`, `socket.handshake`. A parameter, anywhere in the function declaring
        it; any other name, anywhere outside the functions with a parameter so named. The file's uses are found
        once, when first asked."""
        if self.server_api_uses is None:
            data = self.data
            found = any(marker in data for marker in _SERVER_API_BYTES)
            self.server_api_uses = _server_api_uses(self.root_node, self.language) if found else set()
        if not self.server_api_uses:
            return False
        declaring = None
        for scope in reversed(self.scopes):
            if name in scope.params:
                declaring = scope.node.id if scope.node is not None else None
                break
        return (declaring, name) in self.server_api_uses

    def _root(self, node: Node) -> tuple[str | None, SocketKind | None, str | None]:
        if node.type == "identifier":
            name = text(node)
            # A name bound to a socket here is one, whatever it is named (`const emitter = new Emitter(redis)`).
            binding = self._lookup_socket(name)
            if binding is not None:
                return name, binding.kind, binding.namespace
            if name in NON_SOCKET_GLOBALS and name not in self.imports:
                return name, SocketKind.NOT_SOCKET, None
            origin = self._module_of(name)
            if origin is not None and origin[0] in NON_SOCKET_MODULES:
                return name, SocketKind.NOT_SOCKET, None
            return name, None, None
        path = member_path(node)
        if path is not None:
            if path[0] == "this":
                if len(path) == 1:  # `this.emit(...)` in a class extending a socket class
                    kind = self._this_socket_kind(node) if self.socket_classes or self.socket_types_imported else None
                    return ("this", kind, None) if kind is not None else (None, None, None)
                if len(path) >= 2 and path[1].startswith("$"):  # Vue's this.$emit / this.$on
                    return None, None, None
                field_binding = self._class_field(node, path[1]) if len(path) == 2 else None
                if field_binding is not None:
                    return ".".join(path), field_binding.kind, field_binding.namespace
                if self._injected_gateway_server(node, path):
                    return ".".join(path), SocketKind.SERVER, None  # the index reads the gateway's namespace
                return ".".join(path), None, None
            if len(path) == 2 and path[1] == "value":  # `socket.value` of a Vue ref holding a socket
                held = self._lookup_ref(path[0])
                if held is not None:
                    return ".".join(path), held.kind, held.namespace
            # A socket this file put there wins over what the object is (`app.io` of `const app = new Koa()`).
            published = self.published.get(shared_socket_path(".".join(path)) or "") if self.published else None
            if published is not None:
                return ".".join(path), published.kind, published.namespace
            base = self._lookup_socket(path[0])
            if base is not None and base.kind == SocketKind.SERVER_SOCKET and path[1:] == ("nsp",):
                return ".".join(path), SocketKind.NAMESPACE, base.namespace
            if base is not None and base.kind == SocketKind.CLIENT_SOCKET and path[1:] == ("io",):
                return ".".join(path), SocketKind.NOT_SOCKET, None  # the Manager: only lifecycle events
            if base is not None and base.kind == SocketKind.NOT_SOCKET:
                return ".".join(path), SocketKind.NOT_SOCKET, None
            return ".".join(path), None, None
        element = self._fetched_socket(node)
        if element is not None:
            return text(node), element.kind, element.namespace
        if node.type == "call_expression":
            callee = member_path(node.child_by_field_name("function"))
            args = node.child_by_field_name("arguments")
            if callee is not None and args is not None and not args.named_children:
                return ".".join(callee) + "()", None, None
            setting = self._app_setting_read(callee, args)
            if setting is not None:
                published = self.published.get(shared_socket_path(setting) or "") if self.published else None
                return (setting, published.kind, published.namespace) if published else (setting, None, None)
        if node.type == "member_expression":
            return self._socket_named_member(node), None, None
        return None, None, None

    def _app_setting_read(self, callee: tuple[str, ...] | None, args: Node | None) -> str | None:
        """The root of a read of an Express app's setting, `req.app.get("io")` (or `app.get("io")`): the app's
        `get` with one string argument (with two, `app.get(path, handler)` is a route)."""
        if callee is None or len(callee) < 2 or callee[-1] != "get" or callee[-2] != "app" or args is None:
            return None
        arguments = [a for a in args.named_children if a.type != "comment"]
        key = string_value(arguments[0]) if len(arguments) == 1 else None
        return f'{".".join(callee[:-1])}.get("{key}")' if key is not None else None

    def _socket_named_member(self, node: Node) -> str | None:
        """The root of a socket-named member read off an expression no path names: `store.getState().io`,
        `getStore()!.socket`. Its kind is unknown (the index judges it by name and side, as a bare `socket`);
        None for another member (`store.getState().emitter`) or a socket's Manager (`getSocket().io`)."""
        name = text(node.child_by_field_id(self.fields.property))
        if not looks_like_socket_name(name):
            return None
        owner = _expression_root(node.child_by_field_id(self.fields.object))
        if owner is None or (name == "io" and looks_like_socket_name(owner)):
            return None
        return f"{owner}.{name}"

    def _collect_class_fields(self, body: Node) -> None:
        fields: dict[str, SocketBinding] = {}
        for member in body.named_children:
            if member.type in ("public_field_definition", "field_definition"):
                name_node = member.child_by_field_name("name") or member.child_by_field_name("property")
                if name_node is None:
                    continue
                kind = self._kind_from_annotation(annotation_type(member))
                namespace = None
                if kind is None:
                    value_kind = self._value_kind(member.child_by_field_name("value"))
                    if value_kind is not None:
                        kind, namespace = value_kind
                if kind is None and self._is_websocket_server(member):
                    kind = SocketKind.SERVER
                if kind is not None:
                    if any(c.type == "decorator" for c in member.children):
                        # NestJS `@WebSocketServer()`: the gateway decorator's `namespace` option decides.
                        namespace = gateway_namespace(body.parent)
                    else:
                        namespace = namespace or _default_namespace(kind)
                    fields[text(name_node)] = SocketBinding(text(name_node), kind, namespace)
        for pattern, param in _parameter_properties(body):
            declared = annotation_type(param)
            if pattern.type != "identifier" or declared is None:
                continue
            kind = self._kind_from_annotation(declared)
            if kind is not None:
                fields[text(pattern)] = SocketBinding(text(pattern), kind, _default_namespace(kind))
            elif self._is_gateway_type(declared):
                self.injected_gateways.setdefault(body.id, {})[text(pattern)] = text(declared)
        self._assigned_fields(body, fields)
        if fields:
            self.class_fields[body.id] = fields

    def _is_websocket_server(self, member: Node) -> bool:
        """NestJS's `@WebSocketServer() server: GameServer`: the gateway's socket.io server whatever its type
        names (an alias of another module), unless the type is another library's (`Server` of "ws")."""
        if self._module_of("WebSocketServer") != ("@nestjs/websockets", "WebSocketServer"):
            return False
        if not any(c.type == "decorator" and decorator_name(c) == "WebSocketServer" for c in member.children):
            return False
        named = annotation_type(member)
        if named is not None and named.type == "generic_type":
            named = named.child_by_field_name("name")
        origin = self._module_of(text(named)) if named is not None and named.type == "type_identifier" else None
        return origin is None or origin[0] not in NON_SOCKET_MODULES

    def _assigned_fields(self, body: Node, fields: dict[str, SocketBinding]) -> None:
        """Fields a method of the class assigns a socket to, `this.socket = io()`: the fields of a JS class are
        declared by assignment. A declared field's type or value goes first; of two assignments, the first."""
        if self.this_assignments is None:
            # Only a file that names socket.io, calls `io(...)` or `.of(...)` can create a socket to assign.
            found = self.may_create_sockets
            self.this_assignments = _this_assignments(self.root_node, self.language) if found else {}
        for name, value, functions in self.this_assignments.get(body.id, ()):
            if name in fields:
                continue
            # Most values are nothing wherever they are read; only a socket (or a name a typed parameter
            # may hold) is worth reading again inside the methods, where their parameters shadow.
            found = self._value_kind(value)
            if found is None or found[0] == SocketKind.NOT_SOCKET:
                if not (self.socket_types_imported and value.type == "identifier"):
                    continue
            found = self._kind_in_functions(value, functions)
            if found is not None and found[0] != SocketKind.NOT_SOCKET:
                kind, namespace = found
                fields[name] = SocketBinding(name, kind, namespace or _default_namespace(kind))

    def _kind_in_functions(self, value: Node, functions: list[Node]) -> tuple[SocketKind, str | None] | None:
        """`_kind_of_expression` of a value in the given nested functions (outermost first), read before the
        walk enters them: their parameters shadow outer names, typed ones are sockets."""
        depth = len(self.scopes)
        for function in functions:
            scope = _Scope(node=function, name=None, params=parameter_names(function))
            self._typed_parameters(function, scope)
            self.scopes.append(scope)
        try:
            return self._value_kind(value)
        finally:
            del self.scopes[depth:]

    def _class_field(self, node: Node, name: str) -> SocketBinding | None:
        """The socket a `this.<name>` reads, from the nearest enclosing class's field declarations."""
        parent = node.parent
        while parent is not None and parent.type != "class_body":
            parent = parent.parent
        if parent is None:
            return None
        return self.class_fields.get(parent.id, {}).get(name)

    def _is_global_io(self, callee: Node) -> bool:
        """`io(...)` with `io` bound nowhere in the file: the global that socket.io's client script
        (`/socket.io/socket.io.js`) defines in browser pages."""
        name = text(callee)
        if name != "io" or name in self.imports or name in self.module_names:
            return False
        return all(name not in scope.sockets and name not in scope.params for scope in self.scopes)

    def _plausible_root(self, root: str) -> bool:
        """A receiver we could not type: keep it when the index may resolve it (an import) or it is
        named like a socket; drop it otherwise (an SDK client, an emitter of another kind)."""
        # A member of an imported object too (`io.server` of `import { io } from "./io"`): the index reads the
        # sockets other files put on shared objects, and drops the roots none matches.
        head = root.split(".", 1)[0].removesuffix("()")
        if head in self.imports:
            return True
        return looks_like_socket_name(root) or read_through_request(root)

    def _chain_step(self, name: str, args_node: Node | None) -> ChainStep:
        args = [a for a in args_node.named_children if a.type != "comment"] if args_node is not None else []
        rooms: list[RoomArg] = []
        empty = maybe_empty = False
        if name in ROOM_STEPS:
            for arg in args:
                inner = unwrap(arg)
                if inner.type == "array":
                    elements = [e for e in inner.named_children if e.type != "comment"]
                    empty = empty or not elements
                    rooms.extend(self._room_arg(e) for e in elements)
                else:
                    room = self._room_arg(inner)
                    maybe_empty = maybe_empty or (room.prefix is None and self._maybe_array(inner))
                    rooms.append(room)
        return ChainStep(
            name=name,
            value=self._static_string(args[0]) if args else None,
            args=tuple(text(a) for a in args),
            arg_spans=tuple(self.lines.span(a) for a in args),
            rooms=tuple(rooms),
            empty_array=empty,
            maybe_empty=maybe_empty,
        )

    def _static_string(self, node: Node) -> str | None:
        """A string literal, or a `const` of this file holding one."""
        node = unwrap(node)
        value = string_value(node)
        if value is not None or node is None or node.type != "identifier":
            return value
        name = text(node)
        for scope in reversed(self.scopes):
            if name in scope.strings:
                return scope.strings[name].value
            if name in scope.params:
                return None
        binding = self.bindings.get(name)
        return binding.value if isinstance(binding, Lit) else None

    def _room_arg(self, node: Node) -> RoomArg:
        prefix = static_prefix(node)
        if prefix is None and node.type == "identifier":
            prefix = self._local_room_prefix(text(node))
        elif prefix is None and node.type == "call_expression":
            prefix = self._room_helper_prefix(node)
        return RoomArg(text=text(node), prefix=prefix, span=self.lines.span(node))

    def _local_room_prefix(self, name: str) -> str | None:
        for scope in reversed(self.scopes):
            if name in scope.room_prefixes:
                return scope.room_prefixes[name]
            if name in scope.strings:
                return scope.strings[name].value
            if name in scope.room_calls:
                return self._room_helper_prefix(scope.room_calls[name])
            if name in scope.params:
                return None
        binding = self.bindings.get(name)  # a module-level `const ROOM = "lobby"`
        return binding.value if isinstance(binding, Lit) else None

    def _room_helper_prefix(self, call: Node) -> str | None:
        """`userRoom(id)` where `userRoom` is a function of this file that only returns a string with a static
        start (a template `user:${id}`, `"user:" + id`): that start."""
        callee = unwrap(call.child_by_field_name("function"))
        if callee is None or callee.type not in ("identifier", "member_expression"):
            return None
        helper = self._passed_function(callee)
        returned = _single_returned(helper) if helper is not None else None
        if returned is None:
            return None
        return static_prefix(returned) or None  # "" (`${id}`) tells nothing

    def _maybe_array(self, node: Node) -> bool:
        """`io.to(rooms)` where `rooms` is, or is named like, a list: it may be empty at run time."""
        if node.type in ("call_expression", "member_expression"):
            path = member_path(node.child_by_field_name("function") if node.type == "call_expression" else node)
            return bool(path) and path[-1] in ("map", "filter", "flatMap", "concat", "slice")
        return node.type == "identifier" and text(node).endswith(("s", "List", "Ids", "ids"))

    def _name_value(self, node: Node) -> NameValue:
        """What an event-name expression says, as far as this file can tell."""
        node = unwrap(node)
        literal = string_value(node)
        if literal is not None:
            return Lit(literal, self.lines.span(node))
        if node.type == "identifier":
            name = text(node)
            for scope in reversed(self.scopes):
                if name in scope.strings:
                    return scope.strings[name]
                if name in scope.params:
                    if scope.name is None:
                        return Opaque()  # a parameter of an anonymous callback: a relay, dynamic
                    return Param(scope.name, scope.params.index(name))
            return Ref(name)
        path = member_path(node)
        if path is not None and path[0] != "this":
            for scope in reversed(self.scopes):
                if path[0] in scope.params or path[0] in scope.strings:
                    return Opaque()  # `req.body.event`, `payload.type`: runtime values
            return Ref(path[0], path[1:])
        return Opaque()

    def _emit(self, call: Node, obj: Node | None, method: str, args: list[Node]) -> None:
        received = self._receiver(obj)
        if received is None:
            return
        receiver, chain = received
        event_node = args[0]
        name = self._name_value(event_node)
        emit = Emit(
            name=name,
            span=self.lines.span(event_node),
            name_text=text(event_node),
            call_span=self.lines.span(call),
            receiver=receiver,
            chain=chain,
            method=method,
            payload_texts=tuple(text(a) for a in args[1:]),
            payload_spans=tuple(self.lines.span(a) for a in args[1:]),
            function=self._enclosing_function_name(),
            route=self.scopes[-1].route,
        )
        if isinstance(name, Param):
            self._add_forwarder(name, emit)
        else:
            self.emits.append(emit)

    def _add_forwarder(self, name: Param, inner: Emit | Listener) -> None:
        node = next((scope.node for scope in reversed(self.scopes) if scope.name == name.function), None)
        self.forwarders.append(Forwarder(name.function, name.index, inner, method_of=_method_owner(node)))

    def _listen(self, call: Node, obj: Node | None, kind: ListenerKind, args: list[Node]) -> None:
        received = self._receiver(obj)
        if received is not None and not self._is_emitter(received[0]):
            self._add_listener(call, received, kind, args[0], args[1] if len(args) > 1 else None)

    def _is_emitter(self, receiver: Receiver) -> bool:
        """Whether a receiver is a name this file binds to an emitter, which has no listeners."""
        if not self.emitters or receiver.kind != SocketKind.SERVER:
            return False
        binding = self._lookup_socket(receiver.root)
        return any(binding is emitter for emitter in self.emitters)

    def _observable_listen(self, call: Node, obj: Node | None, method: str, args: list[Node]) -> None:
        """ngx-socket-io's `socket.fromEvent(name)` / `fromOneTimeEvent(name)`, and RxJS 5's
        `Observable.fromEvent(socket, name)`."""
        target = unwrap(obj)
        if target is not None and target.type == "identifier" and self._rxjs_import(text(target)) in ("Observable", "*"):
            if method == "fromEvent":
                self._rxjs_listen(call, args)
            return
        received = self._receiver(obj)
        # A server-side object has no such method: only a client socket (or one the index may resolve).
        if received is not None and received[0].kind in (SocketKind.CLIENT_SOCKET, None):
            self._add_listener(call, received, OBSERVABLE_LISTEN_METHODS[method], args[0], None)

    def _rxjs_listen(self, call: Node, args: list[Node]) -> None:
        """RxJS's `fromEvent(target, name)`: a listener when `target` is known to be a socket.io socket (not
        `window`, an EventEmitter, or a name the file cannot type)."""
        if len(args) < 2:
            return
        received = self._receiver(args[0])
        if received is not None and received[0].kind in (SocketKind.CLIENT_SOCKET, SocketKind.SERVER_SOCKET):
            self._add_listener(call, received, ListenerKind.ON, args[1], None)

    def _rxjs_import(self, local: str) -> str | None:
        """The name a local imports from RxJS (`*` for a namespace import); None when it is not from RxJS."""
        origin = self._module_of(local)
        return origin[1] if origin is not None and is_rxjs_module(origin[0]) else None

    def _add_listener(
        self,
        call: Node,
        received: tuple[Receiver, tuple[ChainStep, ...]],
        kind: ListenerKind,
        event_node: Node,
        handler: Node | None,
    ) -> None:
        receiver, chain = received
        if any(step.name not in ("of", "sockets") for step in chain):
            return
        name = self._name_value(event_node)
        if isinstance(name, Lit) and name.value in RESERVED_EVENTS:
            if name.value in ("connection", "connect") and handler is not None:
                self._bind_connection_socket(call, receiver, chain, handler, name.value)
            return
        listener = Listener(
            name=name,
            span=self.lines.span(event_node),
            name_text=text(event_node),
            call_span=self.lines.span(call),
            receiver=Receiver(
                receiver.root,
                receiver.kind,
                chain_namespace(chain) or receiver.namespace,
                handler_param=receiver.handler_param,
                type_name=receiver.type_name,
                server_api=receiver.server_api,
            ),
            kind=kind,
            handler_text=text(handler) if handler is not None else None,
            function=self._enclosing_function_name(),
        )
        if isinstance(name, Param):
            self._add_forwarder(name, listener)
        else:
            self.listeners.append(listener)

    def _bind_connection_socket(
        self, call: Node, receiver: Receiver, chain: tuple[ChainStep, ...], handler: Node, event: str
    ) -> None:
        if receiver.kind == SocketKind.CLIENT_SOCKET:
            return
        handler = unwrap(handler)
        if handler.type not in FUNCTION_TYPES:
            # `io.on("connection", onConnection)`; "connect" is a client's event too: only on a known server.
            if event != "connection" and receiver.kind not in (SocketKind.SERVER, SocketKind.NAMESPACE):
                return
            handler = self._passed_function(handler)
            if handler is None or _contains(handler, call):
                return
        params = parameter_names(handler)
        if not params or params[0] is None:
            return
        namespace = chain_namespace(chain) or receiver.namespace or (
            "/" if receiver.kind == SocketKind.SERVER or receiver.kind is None else None
        )
        # A function declared before the call was already walked: its socket is for a second walk.
        presets = self.preset if handler.start_byte > call.start_byte else self.late_presets
        presets.setdefault(handler.id, {})[params[0]] = SocketBinding(params[0], SocketKind.SERVER_SOCKET, namespace)

    def _pass_sockets(self, call: Node, callee: Node, args: list[Node]) -> None:
        """`register(socket)`, `registerOrderHandlers(io, socket)`: a function of this file called with known
        sockets gets them in its parameters (the socket.io docs' layout of connection handlers)."""
        passed: dict[int, SocketBinding] = {}
        for index, arg in enumerate(args):
            if arg.type == "identifier":
                binding = self._lookup_socket(text(arg))
                if binding is not None and binding.kind != SocketKind.NOT_SOCKET:
                    passed[index] = binding
        if not passed:
            return
        function = self._passed_function(callee)
        if function is None or _contains(function, call):
            return
        params = parameter_names(function)
        # A function declared before the call was already walked: its sockets are for a second walk.
        presets = self.preset if function.start_byte > call.start_byte else self.late_presets
        for index, binding in passed.items():
            name = params[index] if index < len(params) else None
            if name is not None:
                presets.setdefault(function.id, {}).setdefault(name, SocketBinding(name, binding.kind, binding.namespace))

    def _member_of_module_call(self, obj: Node | None, method: str, args: list[Node]) -> None:
        """`handlers.register(io, socket)` on a namespace import or a whole `require`, and
        `require("./chat").register(socket)`: a function of another module."""
        if obj is None:
            return
        if obj.type == "identifier":  # cheap tests first: most member calls are on anything but a module
            imp = self.imports.get(text(obj))
            if imp is not None and imp.imported == "*" and _may_hold_handlers(imp.specifier):
                self._hand_sockets(Ref(imp.local, (method,)), None, args)
        elif obj.type == "call_expression":
            spec = require_specifier(obj)
            if spec is not None and spec[1] == "*" and _may_hold_handlers(spec[0]):
                self._hand_sockets(Ref(method), spec[0], args)

    def _hand_sockets(self, callee: Ref, module: str | None, args: list[Node]) -> None:
        """Record the known sockets a call of a function of another module passes, by position."""
        passed = []
        for index, arg in enumerate(args):
            if arg.type == "identifier":
                binding = self._lookup_socket(text(arg))
                if binding is not None and binding.kind != SocketKind.NOT_SOCKET:
                    passed.append((index, binding.kind, binding.namespace))
        if passed:
            self.socket_passes.append(SocketPass(callee, tuple(passed), module))

    def _passed_function(self, reference: Node) -> Node | None:
        """The function of this file a reference names: `onConnection`, `this.onConnection`, either with
        `.bind(this)`; None when it names anything else or a parameter shadows it."""
        if reference.type == "call_expression":  # `this.onConnection.bind(this)`
            callee = unwrap(reference.child_by_field_name("function"))
            if callee is None or callee.type != "member_expression" or text(callee.child_by_field_name("property")) != "bind":
                return None
            reference = unwrap(callee.child_by_field_name("object"))
            if reference is None:
                return None
        if reference.type == "identifier":
            return _local_function(text(reference), reference)
        path = member_path(reference)
        if path is not None and len(path) == 2 and path[0] == "this":
            return _class_method(reference, path[1])
        return None

    def _hook_call(self, call: Node, hook: str, args: list[Node]) -> None:
        event_node = args[0]
        name = self._name_value(event_node)
        listener = Listener(
            name=name,
            span=self.lines.span(event_node),
            name_text=text(event_node),
            call_span=self.lines.span(call),
            receiver=None,
            kind=ListenerKind.HOOK,
            handler_text=text(args[1]) if len(args) > 1 else None,
            function=self._enclosing_function_name(),
            hook=hook,
        )
        if isinstance(name, Param):
            self._add_forwarder(name, listener)
        else:
            self.listeners.append(listener)

    def _maybe_forwarded_call(self, call: Node, callee: Node, args: list[Node], instance_of: str | None = None) -> None:
        """Record a call that may reach a forwarding function; `instance_of` is the class whose one instance a
        method call is on (`SocketManager.getInstance().on(...)`), recorded as `SocketManager.on`."""
        # Cheap tests first: most calls have no argument an event name could be read from.
        if not args or len(args) > 8 or not any(_may_name(a) for a in args):
            return
        if instance_of is not None:
            path = (instance_of, text(callee.child_by_field_id(self.fields.property)))
        else:
            path = member_path(callee)
            if path is None or path[0] in ("console", "require", "JSON", "Object", "Math", "Promise"):
                return
            # Member calls may reach a method of a socket service: `this.sockets.emitToOrg(...)`,
            # `socketService.notify(...)`, `this.emitToOrg(...)` inside the class itself.
            if len(path) > _MAX_MEMBER_CALL or path == ("this",):
                return
        values = tuple(self._name_value(a) for a in args)
        if not any(isinstance(v, (Lit, Ref, Param)) for v in values):
            return
        self.calls.append(
            Call(
                callee=Ref(path[0], path[1:]),
                args=values,
                arg_spans=tuple(self.lines.span(a) for a in args),
                call_span=self.lines.span(call),
                arg_texts=tuple(text(a) for a in args),
                function=self._enclosing_function_name(),
                instance_of=instance_of,
            )
        )

    def _instance_class(self, node: Node | None) -> str | None:
        """The class whose one instance `node` is: a static accessor of a class (`SocketManager.getInstance()`,
        `SocketManager.instance`), or a local bound to one. A class's name is capitalised: `api.get()` and
        `store.instance` are no accessors."""
        node = unwrap(node)
        if node is None:
            return None
        kind = node.type
        if kind == "identifier":
            return self._lookup_instance(text(node)) if self.holds_instances else None
        accessors = _INSTANCE_PROPERTIES
        if kind == "call_expression":
            node = unwrap(node.child_by_field_id(self.fields.function))
            accessors = _INSTANCE_METHODS
            if node is None:
                return None
        if node.type != "member_expression":
            return None
        owner = node.child_by_field_id(self.fields.object)
        if owner is None or owner.type != "identifier":
            return None
        if text(node.child_by_field_id(self.fields.property)) not in accessors:
            return None
        name = text(owner)
        return name if name[:1].isupper() and self._lookup_socket(name) is None else None

    def _lookup_instance(self, name: str) -> str | None:
        """The class whose one instance the local `name` holds, where the walk is."""
        return self._lookup_held(name, "instances")

    def _maybe_route(self, call: Node, obj: Node | None, method: str, args: list[Node]) -> bool:
        route_path = string_value(args[0])
        if route_path is None or not route_path.startswith("/"):
            return False
        handler = unwrap(args[-1])
        is_function = handler.type in FUNCTION_TYPES
        if not is_function and not (self.uses_express and handler.type == "identifier"):
            return False
        receiver = member_path(obj)
        if receiver is None or len(receiver) > 2:
            return False
        route = Route(
            method=method.upper(),
            path=route_path,
            span=self.lines.span(call),
            handler_span=self.lines.span(handler),
            receiver=".".join(receiver),
        )
        self.routes.append(route)
        if is_function:
            self.route_of_function[handler.id] = route
        return True


@lru_cache(maxsize=None)
def _visited_query(grammar: str) -> tree_sitter.Query:
    """Captures every node of `_VISITED_KINDS` (the kinds this grammar has)."""
    lang = grammar_language(grammar)
    kinds = sorted(kind for kind in _VISITED_KINDS if lang.id_for_node_kind(kind, True) is not None)
    return tree_sitter.Query(lang, "[" + " ".join(f"({kind})" for kind in kinds) + "] @node")


@lru_cache(maxsize=None)
def _this_assignment_query(grammar: str) -> tree_sitter.Query:
    """Captures the assignments `this.<field> = <value>`."""
    return tree_sitter.Query(
        grammar_language(grammar),
        "(assignment_expression left: (member_expression object: (this) property: (_) @field) right: (_) @value)"
        " @assignment",
    )


@lru_cache(maxsize=None)
def _value_assignment_query(grammar: str) -> tree_sitter.Query:
    """Captures the assignments `<name>.value = <value>`."""
    return tree_sitter.Query(
        grammar_language(grammar),
        "(assignment_expression left: (member_expression object: (identifier) @name property: (property_identifier)"
        ' @property (#eq? @property "value")) right: (_) @value)',
    )


def _value_assignments(root: Node, grammar: str) -> dict[str, list[Node]]:
    """The values assigned to `<name>.value` in the file, by name, in source order."""
    found: dict[str, list[Node]] = {}
    for _, captures in tree_sitter.QueryCursor(_value_assignment_query(grammar)).matches(root):
        value = unwrap(captures["value"][0])
        if value is not None:
            found.setdefault(text(captures["name"][0]), []).append(value)
    return found


@lru_cache(maxsize=None)
def _server_api_query(grammar: str) -> tree_sitter.Query:
    """Captures the uses of server-only API on a name: `x.join`, `x.to`, `x.broadcast`, `x.handshake`..."""
    members = " ".join(f'"{name}"' for name in sorted(SERVER_ONLY_CALLS | SERVER_ONLY_PROPS))
    return tree_sitter.Query(
        grammar_language(grammar),
        "(member_expression object: (identifier) @name property: (property_identifier) @member"
        f" (#any-of? @member {members})) @use",
    )


def _server_api_uses(root: Node, grammar: str) -> set[tuple[int | None, str]]:
    """(function whose parameter it is, or None, name) of each name used with server-only API: a call of
    `to`/`in`/`except`/`join`/`leave`, a read of `broadcast`/`rooms`/`handshake`/`nsp`."""
    found: set[tuple[int | None, str]] = set()
    for _, captures in tree_sitter.QueryCursor(_server_api_query(grammar)).matches(root):
        use = captures["use"][0]
        if text(captures["member"][0]) in SERVER_ONLY_CALLS:
            call = use.parent
            while call is not None and call.type in WRAPPER_TYPES:
                call = call.parent
            if call is None or call.type != "call_expression":
                continue
        name = text(captures["name"][0])
        found.add((_declaring_function(use, name), name))
    return found


def _may_hold_shared_server(path: tuple[str, ...]) -> bool:
    """Whether a member read may be a server a middleware or the app put there (`req.io`, `res.locals.io`,
    `req.app.io`): not the request's own fields (`req.body`, `req.user.orgId`), read on every line of a route."""
    if len(path) == 2:
        return path[1] not in _EXPRESS_REQUEST_FIELDS
    return len(path) == 3 and path[1] in ("app", "locals")


def _declaring_function(node: Node, name: str) -> int | None:
    """The id of the innermost function around `node` with a parameter `name`; None when none has one."""
    parent = node.parent
    while parent is not None:
        if parent.type in FUNCTION_TYPES and name in parameter_names(parent):
            return parent.id
        parent = parent.parent
    return None


def _this_assignments(root: Node, grammar: str) -> dict[int, list[tuple[str, Node, list[Node]]]]:
    """The `this.<field> = <value>` assignments of class methods, by class body: the field's name, the
    value and the functions from the method down to the assignment (outermost first)."""
    found: dict[int, list[tuple[str, Node, list[Node]]]] = {}
    for _, captures in tree_sitter.QueryCursor(_this_assignment_query(grammar)).matches(root):
        value = unwrap(captures["value"][0])
        if value is None or value.type not in _SOCKET_VALUE_KINDS:
            continue
        owner = _class_binding_this(captures["assignment"][0])
        if owner is not None:
            body, functions = owner
            found.setdefault(body.id, []).append((text(captures["field"][0]), value, functions))
    return found


def _class_binding_this(node: Node) -> tuple[Node, list[Node]] | None:
    """The class body whose instance `this` is at `node`, and the functions from the class member down to
    `node` (outermost first): only arrow functions may be between `node` and a method or field."""
    functions = []
    parent = node.parent
    while parent is not None and parent.type != "class_body":
        if parent.type in FUNCTION_TYPES:
            functions.append(parent)
            if parent.type != "arrow_function":
                if parent.type != "method_definition" or parent.parent is None or parent.parent.type != "class_body":
                    return None  # a `function` of its own: its `this` is not the class's
        parent = parent.parent
    if parent is None:
        return None
    functions.reverse()
    return parent, functions


def _visited_in_order(root: Node, grammar: str) -> list[Node] | None:
    """The nodes of `_VISITED_KINDS` under `root` in preorder, or None when their byte ranges cannot tell
    it: a zero-width node or two nodes of one range (only error recovery makes either)."""
    cursor = tree_sitter.QueryCursor(_visited_query(grammar))
    nodes = cursor.captures(root).get("node", [])
    if cursor.did_exceed_match_limit:
        return None
    # Nodes nest or are disjoint: by start, the outer first, is preorder.
    keys = [(node.start_byte, -node.end_byte) for node in nodes]
    if len(set(keys)) < len(keys) or any(start == -negative_end for start, negative_end in keys):
        return None
    order = sorted(range(len(nodes)), key=keys.__getitem__)
    return [nodes[index] for index in order]


def _declaring_block(declarator: Node) -> Node | None:
    """The block (or program) whose statements a declarator's declaration is one of."""
    statement = declarator.parent
    block = statement.parent if statement is not None else None
    if block is not None and block.type == "export_statement":
        block = block.parent
    return block


def _declared_types(declaration: Node) -> list[Node]:
    """The types a type alias is (its value) or an interface extends."""
    if declaration.type == "type_alias_declaration":
        value = declaration.child_by_field_name("value")
        return [value] if value is not None else []
    clause = next((c for c in declaration.named_children if c.type == "extends_type_clause"), None)
    return [c for c in clause.named_children if c.type != "comment"] if clause is not None else []


def _declared_field_type(body: Node, name: str) -> Node | None:
    """The type annotation of the field `name` of a class body: declared as a field, or as a parameter
    property of the constructor (`constructor(private conn: AppSocket)`)."""
    for member in body.named_children:
        if member.type in ("public_field_definition", "field_definition"):
            declared = member.child_by_field_name("name") or member.child_by_field_name("property")
            if declared is not None and text(declared) == name:
                return annotation_type(member)
    for pattern, param in _parameter_properties(body):
        if text(pattern) == name:
            return annotation_type(param)
    return None


def _parameter_properties(body: Node) -> Iterator[tuple[Node, Node]]:
    """(pattern, parameter) of the parameters of a class's constructor that declare fields:
    `constructor(private conn: AppSocket, readonly id: string)`."""
    for member in body.named_children:
        if member.type != "method_definition" or text(member.child_by_field_name("name")) != "constructor":
            continue
        params = member.child_by_field_name("parameters")
        for param in params.named_children if params is not None else ():
            pattern = param.child_by_field_name("pattern")
            if pattern is not None and any(c.type in ("accessibility_modifier", "readonly") for c in param.children):
                yield pattern, param


def _extended_name(class_node: Node) -> str | None:
    """The class a class declaration extends, when named by an identifier: `class A extends Socket`."""
    heritage = next((c for c in class_node.named_children if c.type == "class_heritage"), None)
    if heritage is None:
        return None
    for part in heritage.named_children:
        if part.type == "extends_clause":  # TypeScript wraps the base in a clause; JavaScript does not
            part = part.child_by_field_name("value")
        if part is not None and part.type == "identifier":
            return text(part)
        return None
    return None


def _imported_class_kind(origin: tuple[str, str]) -> SocketKind | None:
    """What the instances of a class imported from a module are: socket.io's classes."""
    module, imported = origin
    if module in SERVER_MODULES:
        return {
            "Server": SocketKind.SERVER,
            "Namespace": SocketKind.NAMESPACE,
            "Socket": SocketKind.SERVER_SOCKET,
            "default": SocketKind.SERVER,
        }.get(imported)
    if module in CLIENT_MODULES and imported == "Socket":
        return SocketKind.CLIENT_SOCKET
    if module in EMITTER_MODULES and imported in ("Emitter", "default"):
        return SocketKind.SERVER  # for its emits
    return None


def _is_socket_module(specifier: str) -> bool:
    return specifier in SERVER_MODULES or specifier in CLIENT_MODULES or specifier in EMITTER_MODULES


def _may_hold_handlers(specifier: str) -> bool:
    """Whether a module may export a function that sites of the workspace are in: not socket.io's own,
    nor a known emitter package."""
    return specifier not in SERVER_MODULES and specifier not in CLIENT_MODULES and specifier not in NON_SOCKET_MODULES


def _assigned_to_module_exports(node: Node | None) -> bool:
    """Whether an object literal is assigned to `module.exports`."""
    parent = node.parent if node is not None and node.type == "object" else None
    while parent is not None and parent.type in WRAPPER_TYPES:
        parent = parent.parent
    return (
        parent is not None
        and parent.type == "assignment_expression"
        and member_path(parent.child_by_field_name("left")) == ("module", "exports")
    )


def _may_name(arg: Node) -> bool:
    """Whether `_name_value` may read more than `Opaque` from an argument."""
    kind = arg.type
    return kind in _NAMEABLE_KINDS or (kind in WRAPPER_TYPES and unwrap(arg).type in _NAMEABLE_KINDS)


def _function_name(node: Node) -> str | None:
    name = node.child_by_field_name("name")
    if name is not None:
        return text(name)
    parent = node.parent
    while parent is not None and parent.type in ("parenthesized_expression", "as_expression"):
        parent = parent.parent
    if parent is None:
        return None
    if parent.type == "variable_declarator":
        target = parent.child_by_field_name("name")
        return text(target) if target is not None and target.type == "identifier" else None
    if parent.type == "pair":
        key = parent.child_by_field_name("key")
        return string_value(key) or text(key) if key is not None else None
    if parent.type in ("assignment_expression",):
        target = member_path(parent.child_by_field_name("left"))
        return target[-1] if target else None
    if parent.type == "export_statement":
        return "default"
    if parent.type in ("public_field_definition", "field_definition"):  # `emitToOrg = (id, event) => ...`
        target = parent.child_by_field_name("name") or parent.child_by_field_name("property")
        return text(target) if target is not None and target.type == "property_identifier" else None
    return None


def _method_owner(function: Node | None) -> str | None:
    """The name of the class a function is a method of (a method, or an arrow function held by a class
    field), "" for an anonymous class; None for any other function."""
    if function is None:
        return None
    member = function
    if function.type != "method_definition":
        member = function.parent
        while member is not None and member.type in ("parenthesized_expression", "as_expression"):
            member = member.parent
        if member is None or member.type not in ("public_field_definition", "field_definition"):
            return None
    owner = enclosing_class(member)
    if owner is None:
        return None
    name = owner.child_by_field_name("name")
    return text(name) if name is not None else ""


def _local_function(name: str, at: Node) -> Node | None:
    """The function `name` denotes where `at` is: a function declaration or a `const name = (...) => ...`
    of an enclosing block or of the module. None when a parameter on the way shadows it."""
    node = at.parent
    while node is not None:
        if node.type in FUNCTION_TYPES and name in parameter_names(node):
            return None
        if node.type in ("statement_block", "program"):
            for statement in node.named_children:
                declared, function = _declaration_of(statement, name)
                if declared:
                    return function
        node = node.parent
    return None


def _declaration_of(statement: Node, name: str) -> tuple[bool, Node | None]:
    """Whether a statement declares `name`, and the function it declares it as (None for another value)."""
    if statement.type == "export_statement":
        declaration = statement.child_by_field_name("declaration")
        return _declaration_of(declaration, name) if declaration is not None else (False, None)
    if statement.type in ("function_declaration", "generator_function_declaration", "class_declaration"):
        declared = statement.child_by_field_name("name")
        if declared is None or text(declared) != name:
            return False, None
        return True, statement if statement.type != "class_declaration" else None
    if statement.type in ("lexical_declaration", "variable_declaration"):
        for declarator in statement.named_children:
            declared = declarator.child_by_field_name("name") if declarator.type == "variable_declarator" else None
            if declared is not None and declared.type == "identifier" and text(declared) == name:
                value = unwrap(declarator.child_by_field_name("value"))
                return True, value if value is not None and value.type in FUNCTION_TYPES else None
    return False, None


def _class_method(at: Node, name: str) -> Node | None:
    """The method `name` (or arrow function held by the field `name`) of the class `at` is in."""
    body = at.parent
    while body is not None and body.type != "class_body":
        body = body.parent
    if body is None:
        return None
    for member in body.named_children:
        if member.type == "method_definition":
            declared = member.child_by_field_name("name")
            if declared is not None and text(declared) == name:
                return member
        elif member.type in ("public_field_definition", "field_definition"):
            declared = member.child_by_field_name("name") or member.child_by_field_name("property")
            value = unwrap(member.child_by_field_name("value"))
            if declared is not None and text(declared) == name and value is not None and value.type in FUNCTION_TYPES:
                return value
    return None


def _single_returned(function: Node) -> Node | None:
    """The expression a function's body is (an arrow's expression body) or only returns (`{ return x; }`)."""
    body = function.child_by_field_name("body")
    if body is None:
        return None
    if body.type != "statement_block":
        return body
    statements = [child for child in body.named_children if child.type != "comment"]
    if len(statements) != 1 or statements[0].type != "return_statement":
        return None
    returned = statements[0].named_children
    return returned[0] if returned else None


def _contains(outer: Node, inner: Node) -> bool:
    return outer.start_byte <= inner.start_byte and inner.end_byte <= outer.end_byte


def _client_namespace(first_arg: Node | None) -> str | None:
    value = string_value(first_arg)
    if value is None:
        return None
    if value.startswith("/"):
        return value
    scheme, sep, rest = value.partition("://")
    if sep:
        _, slash, path = rest.partition("/")
        return "/" + path.rstrip("/") if slash and path.strip("/") else "/"
    return None


def _expression_root(node: Node | None) -> str | None:
    """A receiver root for a chain of members and calls, arguments left out: `store.getState()` for
    `store.getState()!`, `getStore("a")?.x` -> `getStore().x`; None for any other expression."""
    reversed_parts: list[str] = []
    called = ""  # "()" when the segment read next is called
    node = unwrap(node)
    while node is not None:
        if node.type in ("identifier", "this"):
            reversed_parts.append(text(node) + called)
            return ".".join(reversed(reversed_parts))
        if node.type == "call_expression":
            if called:
                return None  # `f()()`: no name to call
            called = "()"
            node = unwrap(node.child_by_field_name("function"))
            continue
        if node.type != "member_expression":
            return None
        prop = node.child_by_field_name("property")
        if prop is None:
            return None
        reversed_parts.append(text(prop) + called)
        called = ""
        node = unwrap(node.child_by_field_name("object"))
    return None


def _is_io_name(node: Node | None) -> bool:
    node = unwrap(node)
    return node is not None and node.type == "identifier" and looks_like_socket_name(text(node))
