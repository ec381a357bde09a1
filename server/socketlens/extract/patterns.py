"""Syntactic observations for rules that need the parse tree itself (React effects, cleanups, payload
shapes, middleware bodies...).

Pure, like every extractor: the tree in, `Finding`s out. A finding is a fact, not a verdict: rules combine
it with the index (is this receiver really a socket? is the event heard elsewhere?) before reporting.
Byte offsets that a quick fix needs are carried in `data` as decimal strings.

Finding codes (the rule that reads them in brackets):
- `listener-leak`        `on(...)` in an effect whose cleanup does not remove it, or in a render body
                         (`reason` "effect" / "render"); in Vue code, in a composable none of whose unmount
                         hooks removes it (`reason` "setup")
- `off-removes-all`      `off(event)` without a handler
- `inline-off`           `off(event, () => ...)`
- `listener-in-connect`  `on(...)` inside an `on("connect")` handler
- `socket-per-component` a connection created inside a component, a hook or an effect (not a lazy
                         module-level singleton: `if (!socket) socket = io()`)
- `reconnection-disabled`, `static-auth-token`   client options
- `handshake-auth`       a `(socket, next)` middleware reading the handshake (itself, or through a function of
                         the file it passes its socket to) and rejecting with `next(err)`
- `handshake-reader`     a named function reading the handshake of its parameter `param` (unauthenticated-server)
- `handshake-delegate`   a rejecting `(socket, next)` middleware passing its socket to the imported `function`
                         as argument `param`: authenticated when that function is a `handshake-reader`
- `unscoped-operation`   `socketsJoin/socketsLeave/disconnectSockets/fetchSockets` without `in()`/`to()`
- `join-room`            `socket.join(x)` / `socketsJoin(x)`: a room target (unprefixed-room)
- `payload-object`       an object-literal call argument after the first: its keys
- `payload-record`       a call argument holding a whole database record (large-payload)
- `type-shape`           an interface / type alias: its keys, or the type expression it names
                         (payload-mismatch)
- `declared-payload`     an event-map member: its payload's type name, inline keys or type expression
- `emit-context`         an `.emit(...)`: where `.to(room)` goes, which org/user ids are in scope, and which
                         `to()`/`in()` arguments name a `const` array that cannot be empty (unscoped-broadcast)
- `module-layout`        where a module-level statement or import can be inserted
- `server-statement`     a socket.io server created (`new Server(...)`, or the factory call `require("socket.io")(...)`
                         / `socketIO(...)`, which is no connection): its `binding` and where a statement can
                         follow it (unauthenticated-server)
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Iterator

from socketlens.extract.syntax import (
    FUNCTION_TYPES,
    LineIndex,
    Node,
    annotation_type,
    member_path,
    parameter_names,
    static_prefix,
    string_value,
    text,
    unwrap,
)
from socketlens.model import Finding, SocketKind

if TYPE_CHECKING:
    from socketlens.extract.typescript import _Extractor

EFFECT_HOOKS = frozenset({"useEffect", "useLayoutEffect", "useInsertionEffect"})
# Vue: a composable's setup runs once per component instance (and its mount hooks once each); its
# listeners are removed in the unmount hooks.
VUE_MOUNT_HOOKS = frozenset({"onMounted", "onBeforeMount"})
VUE_UNMOUNT_HOOKS = frozenset({"onUnmounted", "onBeforeUnmount", "onScopeDispose"})
VUE_MODULES = frozenset({"vue", "vue-demi", "@vue/runtime-core", "@vue/composition-api", "#imports", "#app", "nuxt/app"})
REACT_MODULES = frozenset({"react", "preact", "preact/hooks", "preact/compat", "react-native"})
MEMO_HOOKS = frozenset({"useMemo", "useState", "useRef", "useCallback"})
ON_METHODS = frozenset({"on", "once", "addListener"})
OFF_METHODS = frozenset({"off", "removeListener"})
UNSCOPED_OPERATIONS = frozenset({"socketsJoin", "socketsLeave", "disconnectSockets", "fetchSockets"})
EMIT_METHODS = frozenset({"emit", "emitWithAck"})
ROOM_METHODS = frozenset({"to", "in"})
_EMPTYING_METHODS = frozenset({"pop", "shift", "splice"})  # array methods that may leave a list empty
# ORM calls whose awaited result is a whole record (or a list of them).
ORM_SINGLE = frozenset(
    {
        "create", "update", "upsert", "findUnique", "findUniqueOrThrow", "findFirst", "findFirstOrThrow",
        "findOne", "findById", "findByPk", "findOneBy", "findByIdAndUpdate", "findOneAndUpdate", "save",
        "insert", "get",
    }
)
ORM_MANY = frozenset({"findMany", "findAll", "find", "findBy", "createManyAndReturn", "select"})
ORM_ROOTS = frozenset({"db", "prisma", "knex", "models", "orm", "repo", "repository", "em", "entityManager"})


_OBSERVED_METHODS = ON_METHODS | OFF_METHODS | EMIT_METHODS | UNSCOPED_OPERATIONS | {"join"}
_UNKNOWN = object()  # not in the walk's table of enclosing functions


def find_patterns(root: Node, lines: LineIndex, extractor: "_Extractor") -> list[Finding]:
    return _Patterns(root, lines, extractor).run()


def _data(**values: object) -> tuple[tuple[str, str], ...]:
    return tuple((k, str(v)) for k, v in values.items() if v is not None)


def _means_no_cleanup(value: Node) -> bool:
    """`undefined`, `null` or `void 0` returned from an effect: React runs no cleanup for it."""
    if value.type in ("undefined", "null"):
        return True
    if value.type == "identifier" and text(value) == "undefined":
        return True
    return value.type == "unary_expression" and text(value).startswith("void")


def _is_component_name(name: str | None) -> bool:
    return bool(name) and name[0].isupper()


def _is_hook_name(name: str | None) -> bool:
    return bool(name) and name.startswith("use") and len(name) > 3 and name[3].isupper()


class _Patterns:
    def __init__(self, root: Node, lines: LineIndex, extractor: "_Extractor"):
        from socketlens.extract.typescript import _function_name

        self.root = root
        self.lines = lines
        self.x = extractor
        self.function_name = _function_name
        self.findings: list[Finding] = []
        walked = extractor.walked  # the extractor's walk already met every node; its lists are ours
        self.calls = walked.calls  # (call, callee, arguments, method)
        self.types: list[Node] = walked.types
        self.declarators: list[Node] = walked.declarators
        self.functions: list[Node] = walked.functions
        self.enclosing_function: dict[int, Node | None] = walked.enclosing_function
        self.declared_values: list[tuple[Node, str, Node]] = walked.declared_values
        self.values_by_name: dict[str, list[Node]] = {}  # name -> the values declared to it, in order
        # Names declared anywhere in the file that hold something we know (file-wide: shadowing is rare);
        # each worked out when first asked (`_local_kind`): most names never are.
        self.local_kinds: dict[str, SocketKind | None] = {}
        self.records: dict[tuple[int, str], str] = {}  # (function id or 0, name) -> "one" | "many"
        self._vue: bool | None = None  # whether the file is Vue code (`_is_vue`), worked out when first asked

    # -- driver -------------------------------------------------------------------------------------------

    def run(self) -> list[Finding]:
        self._collect_records()
        self._module_layout()
        for call in self.calls:
            self._call(*call)
        for node in self.types:
            self._type_shape(node)
        readers = self._handshake_readers()
        for function in self.functions:
            self._handshake_middleware(function, readers)
        self._connections()
        return self.findings

    def _add(self, code: str, node_or_span, message: str = "", **data: object) -> None:
        span = self.lines.span(node_or_span) if isinstance(node_or_span, Node) else node_or_span
        self.findings.append(Finding(code, span, message, _data(**data)))

    # -- names --------------------------------------------------------------------------------------------

    def _collect_records(self) -> None:
        for node, name, value in self.declared_values:
            self.values_by_name.setdefault(name, []).append(value)
            function = self._function_of(node)
            record = self._record_value(value, function)
            if record is not None:
                self.records[(function.id if function is not None else 0, name)] = record

    def _local_kind(self, name: str) -> SocketKind | None:
        """What the file's first declaration of `name` that tells anything says it holds."""
        if name not in self.local_kinds:
            kind = None
            for value in self.values_by_name.get(name, ()):
                known = self.x._kind_of_expression(value)
                if known is not None:
                    kind = known[0]
                    break
                if value.type == "new_expression":
                    kind = SocketKind.NOT_SOCKET
                    break
            self.local_kinds[name] = kind
        return self.local_kinds[name]

    def _function_of(self, node: Node) -> Node | None:
        """The nearest function around `node` (not `node` itself); known from the walk for its nodes."""
        known = self.enclosing_function.get(node.id, _UNKNOWN)
        if known is not _UNKNOWN:
            return known
        parent = node.parent
        while parent is not None and parent.type not in FUNCTION_TYPES:
            parent = parent.parent
        return parent

    def _receiver(self, obj: Node | None) -> tuple[str, str] | None:
        """(root text, kind or "") when `obj` may be a socket.io object; None when it is known not to be."""
        if obj is None:
            return None
        head = obj
        while head is not None and head.type in ("member_expression", "call_expression", "parenthesized_expression", "non_null_expression"):
            inner = head.child_by_field_name("object") if head.type == "member_expression" else (
                head.child_by_field_name("function") if head.type == "call_expression" else (head.named_children or [None])[0]
            )
            if inner is None:
                break
            head = inner
        if head is not None and head.type == "identifier":
            known = self._local_kind(text(head))
            if known == SocketKind.NOT_SOCKET and text(head) not in self.x.imports:
                return None
        received = self.x._receiver(obj)
        if received is None:
            return None
        receiver, _ = received
        kind = receiver.kind
        if kind is None and "." not in receiver.root:
            kind = self._local_kind(receiver.root)
        if kind == SocketKind.NOT_SOCKET:
            return None
        return receiver.root, kind.value if kind is not None else ""

    def _event(self, node: Node | None) -> dict[str, str]:
        """The event argument: its literal value, or its member path for a constant, and its text."""
        out = {"event_text": text(node)}
        value = string_value(node)
        if value is not None:
            out["event"] = value
        else:
            path = member_path(node)
            if path is not None and path[0] != "this":
                out["event_ref"] = ".".join(path)
        return out

    # -- calls --------------------------------------------------------------------------------------------

    def _call(self, node: Node, callee: Node, args: list[Node], method: str | None) -> None:
        if len(args) >= 2:
            self._payload_args(node, args[1:])
        if method is None or method not in _OBSERVED_METHODS:  # not a member call, or none we observe
            return
        obj = callee.child_by_field_name("object")
        if method in ON_METHODS and args:
            self._listener(node, obj, method, args)
        elif method in OFF_METHODS and args:
            self._off(node, obj, args)
        elif method in EMIT_METHODS and args:
            self._emit_context(node, obj)
        elif method in UNSCOPED_OPERATIONS:
            self._operation(node, obj, method, args)
        elif method == "join" and len(args) == 1:
            self._join(obj, args[0])

    def _listener(self, call: Node, obj: Node, method: str, args: list[Node]) -> None:
        received = self._receiver(obj)
        if received is None:
            return
        root, kind = received
        event = self._event(args[0])
        handler = unwrap(args[1]) if len(args) > 1 else None
        function = self._function_of(call)
        if self._inside_connect_handler(call):
            self._add("listener-in-connect", call, root=root, kind=kind, **event)
        effect = self._enclosing_effect(call)
        if effect is not None:
            self._check_cleanup(call, obj, effect, event, handler, root, kind)
            return
        if self._is_vue():
            self._vue_listener(call, obj, function, event, handler, root, kind)
            return
        name = self.function_name(function) if function is not None else None
        if function is not None and (_is_component_name(name) or _is_hook_name(name)) and not self._is_callback_of_hook(function):
            self._add("listener-leak", call, root=root, kind=kind, reason="render", function=name, **event)

    def _is_vue(self) -> bool:
        """Vue code: a `.vue` script, a file importing Vue (or Nuxt's `#imports`), or a composable of a
        `composables/` folder importing no React (Nuxt auto-imports Vue's functions there)."""
        if self._vue is None:
            specifiers = {imp.specifier for imp in self.x.import_list}
            if any(s in REACT_MODULES or s.startswith(("react/", "preact/")) for s in specifiers):
                self._vue = False
            else:
                folders = self.x.path.split("/")[:-1]
                self._vue = bool(specifiers & VUE_MODULES) or self.x.path.endswith(".vue") or "composables" in folders
        return self._vue

    def _vue_listener(self, call, obj, function, event, handler, root, kind) -> None:
        """A listener a composable adds in its setup (or in its `onMounted`): once per component instance
        using it, so it leaks unless one of the composable's unmount hooks removes it."""
        if function is not None and self._is_callback_of(function, VUE_MOUNT_HOOKS):
            function = self._function_of(function)
        name = self.function_name(function) if function is not None else None
        if function is None or not _is_hook_name(name):
            return
        for cleanup in self._vue_cleanups(function):
            if cleanup is None or self._removes_listener(cleanup, call, obj, event, handler, root, function):
                return
        self._add("listener-leak", call, root=root, kind=kind, reason="setup", function=name, **event)

    def _vue_cleanups(self, composable: Node) -> Iterator[Node | None]:
        """The functions a composable passes to `onUnmounted` / `onBeforeUnmount` / `onScopeDispose`; None
        for one it names but this file cannot read (trusted)."""
        for hook in _calls_within(composable.child_by_field_name("body") or composable):
            callee = member_path(hook.child_by_field_name("function"))
            args = _arguments(hook)
            if not callee or callee[-1] not in VUE_UNMOUNT_HOOKS or not args:
                continue
            cleanup = unwrap(args[0])
            if cleanup.type in FUNCTION_TYPES:
                yield cleanup
            elif cleanup.type == "identifier":
                yield self._local_function(text(cleanup), composable)
            else:
                yield None

    def _local_function(self, name: str, scope: Node) -> Node | None:
        """The function `name` holds in `scope` (`const stop = () => ...` or `function stop() {}`)."""
        for declarator in self.declarators:
            target = declarator.child_by_field_name("name")
            if target is not None and text(target) == name and self._function_of(declarator) == scope:
                value = unwrap(declarator.child_by_field_name("value"))
                return value if value is not None and value.type in FUNCTION_TYPES else None
        for function in self.functions:
            if function.type == "function_declaration" and self.function_name(function) == name:
                return function
        return None

    def _inside_connect_handler(self, call: Node) -> bool:
        """Within the handler of a client's `on("connect", ...)` (not `once`): runs on every reconnect."""
        function = self._function_of(call)
        while function is not None:
            outer_call = _call_of_argument(function)
            if outer_call is not None:
                callee = unwrap(outer_call.child_by_field_name("function"))
                if callee is not None and callee.type == "member_expression":
                    method = text(callee.child_by_field_name("property"))
                    args = _arguments(outer_call)
                    if method in ("on", "addListener") and args and string_value(args[0]) == "connect":
                        received = self._receiver(callee.child_by_field_name("object"))
                        if received is None:
                            return False
                        # A server's (or namespace's) "connect" is an alias of "connection": it fires once
                        # per client and hands over that client's socket, so listeners belong inside it.
                        # A client's connect handler takes no parameter.
                        server_side = received[1] in (SocketKind.SERVER.value, SocketKind.NAMESPACE.value)
                        return not server_side and not parameter_names(function)
            function = self._function_of(function)
        return False

    def _enclosing_effect(self, node: Node) -> Node | None:
        """The nearest function that is the callback of a React effect, if any before a named function."""
        function = self._function_of(node)
        while function is not None:
            if self._is_effect_callback(function):
                return function
            if self.function_name(function) is not None:
                return None
            function = self._function_of(function)
        return None

    def _is_effect_callback(self, function: Node) -> bool:
        call = _call_of_argument(function)
        if call is None:
            return False
        callee = member_path(call.child_by_field_name("function"))
        args = _arguments(call)
        return bool(callee) and callee[-1] in EFFECT_HOOKS and bool(args) and args[0] == function

    def _is_callback_of_hook(self, function: Node) -> bool:
        return self._is_callback_of(function, EFFECT_HOOKS | MEMO_HOOKS)

    def _is_callback_of(self, function: Node, hooks: frozenset[str]) -> bool:
        call = _call_of_argument(function)
        if call is None:
            return False
        callee = member_path(call.child_by_field_name("function"))
        return bool(callee) and callee[-1] in hooks

    def _removes_listener(
        self, cleanup: Node, call: Node, obj: Node, event, handler: Node | None, root: str, owner: Node
    ) -> bool:
        """Whether `cleanup` removes the listener `call`, `obj.on(event, handler)`: `off` of that event (with that
        handler, an inline one, or none), `removeAllListeners`, closing a socket `owner` itself created, or
        calling the unsubscribe function the call returned (a wrapper's `on` often returns one)."""
        if _calls_unsubscriber(cleanup, call):
            return True
        obj_text = text(obj)
        handler_text = text(handler) if handler is not None else ""
        for off_call in _calls_within(cleanup):
            callee = unwrap(off_call.child_by_field_name("function"))
            if callee is None or callee.type != "member_expression":
                continue
            method = text(callee.child_by_field_name("property"))
            target = text(callee.child_by_field_name("object"))
            off_args = _arguments(off_call)
            if target != obj_text:
                continue
            if method == "removeAllListeners" and (not off_args or text(off_args[0]) == event["event_text"]):
                return True
            if method in ("disconnect", "close") and self._declared_within(root.split(".")[0], owner):
                return True
            if method in OFF_METHODS and off_args and text(off_args[0]) == event["event_text"]:
                if len(off_args) == 1:
                    return True  # removes all: judged by off-removes-all
                off_handler = unwrap(off_args[1])
                if text(off_handler) == handler_text or off_handler.type in FUNCTION_TYPES:
                    return True  # an inline handler there is judged by inline-off
        return False

    def _check_cleanup(self, call, obj, effect, event, handler, root, kind) -> None:
        cleanup = self._cleanup_of(effect)
        obj_text = text(obj)
        if cleanup is not None and self._removes_listener(cleanup, call, obj, event, handler, root, effect):
            return
        body = effect.child_by_field_name("body")
        if body is None or body.type != "statement_block":
            self._add("listener-leak", call, root=root, kind=kind, reason="effect", **event)
            return
        fix: dict[str, object] = {}
        statement = _statement_of(call, body)
        if statement is not None:
            fix["statement_start"] = statement.start_byte
            fix["indent"] = self._indent_of(statement)
        if handler is not None:
            fix["handler_start"], fix["handler_end"] = handler.start_byte, handler.end_byte
            fix["handler_inline"] = "1" if handler.type in FUNCTION_TYPES else "0"
        fix["off"] = f"{obj_text}.off"
        if cleanup is None:
            fix["cleanup"] = "none"
            fix["body_end"] = body.end_byte - 1  # the closing brace
            fix["body_indent"] = self._indent_of(effect.parent.parent) if effect.parent is not None and effect.parent.parent is not None else ""
        elif cleanup.type in FUNCTION_TYPES:
            cleanup_body = cleanup.child_by_field_name("body")
            if cleanup_body is not None and cleanup_body.type == "statement_block":
                fix["cleanup"] = "block"
                fix["cleanup_insert"] = cleanup_body.start_byte + 1
            elif cleanup_body is not None:
                fix["cleanup"] = "expression"
                fix["cleanup_start"], fix["cleanup_end"] = cleanup_body.start_byte, cleanup_body.end_byte
        self._add("listener-leak", call, root=root, kind=kind, reason="effect", **event, **fix)

    def _cleanup_of(self, effect: Node) -> Node | None:
        body = effect.child_by_field_name("body")
        if body is None or body.type != "statement_block":
            return None
        for statement in _statements_within(body):
            if statement.type != "return_statement":
                continue
            value = unwrap(statement.named_children[0]) if statement.named_children else None
            if value is None or _means_no_cleanup(value):
                continue  # `if (!socket) return undefined;`: an early exit, the cleanup comes later
            if value.type in FUNCTION_TYPES:
                return value
            if value.type == "identifier":
                for declarator in self.declarators:
                    name = declarator.child_by_field_name("name")
                    if name is not None and text(name) == text(value) and self._function_of(declarator) == effect:
                        inner = unwrap(declarator.child_by_field_name("value"))
                        if inner is not None and inner.type in FUNCTION_TYPES:
                            return inner
                for function in self.functions:
                    if function.type == "function_declaration" and self.function_name(function) == text(value):
                        return function
            return value  # a cleanup we cannot read: trust it
        return None

    def _declared_within(self, name: str, function: Node) -> bool:
        return any(
            text(d.child_by_field_name("name")) == name and self._function_of(d) == function for d in self.declarators
        )

    def _indent_of(self, node: Node | None) -> str:
        if node is None:
            return ""
        line_start = self.lines.line_starts[node.start_point[0]]
        prefix = self.lines.data[line_start : node.start_byte]
        return prefix[: len(prefix) - len(prefix.lstrip())].decode("utf-8", errors="replace")

    def _off(self, call: Node, obj: Node, args: list[Node]) -> None:
        received = self._receiver(obj)
        if received is None:
            return
        root, kind = received
        event = self._event(args[0])
        function = self._function_of(call)
        scope = self._enclosing_effect(call) or function
        registered = self._registered_handlers(scope, text(obj), event["event_text"])
        named = [h for h in registered if h.type == "identifier"]
        handler_name = text(named[0]) if len(named) == 1 and len(registered) == 1 else None
        owner = self._owner_name(call)
        if len(args) == 1:
            self._add(
                "off-removes-all", call, root=root, kind=kind, function=owner,
                registered_here="1" if registered else "0", handler=handler_name,
                insert_at=args[0].end_byte, **event,
            )
        elif unwrap(args[1]).type in FUNCTION_TYPES:
            handler = unwrap(args[1])
            self._add(
                "inline-off", call, root=root, kind=kind, function=owner, handler=handler_name,
                handler_start=handler.start_byte, handler_end=handler.end_byte, **event,
            )

    def _owner_name(self, node: Node) -> str | None:
        function = self._function_of(node)
        while function is not None:
            name = self.function_name(function)
            if name:
                return name
            function = self._function_of(function)
        return None

    def _registered_handlers(self, scope: Node | None, obj_text: str, event_text: str) -> list[Node]:
        """Handlers passed to `obj.on(event, h)` within the component/effect that also calls off."""
        outer = scope
        while outer is not None and self.function_name(outer) is None:
            outer = self._function_of(outer)
        # Outside any named function (module code, a Vue `<script setup>`, a Svelte instance script) the
        # module is the unit: `onMounted(() => socket.on(e, h))` pairs with `onUnmounted(() => socket.off(e))`.
        search = outer or self.root
        found = []
        for call in _calls_within(search):
            callee = unwrap(call.child_by_field_name("function"))
            if callee is None or callee.type != "member_expression":
                continue
            if text(callee.child_by_field_name("property")) not in ON_METHODS:
                continue
            args = _arguments(call)
            if text(callee.child_by_field_name("object")) == obj_text and len(args) > 1 and text(args[0]) == event_text:
                found.append(unwrap(args[1]))
        return found

    def _operation(self, call: Node, obj: Node, method: str, args: list[Node]) -> None:
        received = self.x._receiver(obj)
        if received is None:
            return
        receiver, chain = received
        if any(step.name in ("to", "in") for step in chain):
            if method == "socketsJoin" and args:
                self._join(obj, args[0])
            return
        kind = receiver.kind or self._local_kind(receiver.root)
        if kind in (SocketKind.NOT_SOCKET, SocketKind.CLIENT_SOCKET, SocketKind.SERVER_SOCKET):
            return
        self._add("unscoped-operation", call, root=receiver.root, kind=kind.value if kind else "", method=method)

    def _join(self, obj: Node, room: Node) -> None:
        received = self._receiver(obj)
        if received is None:
            return
        root, kind = received
        rooms = unwrap(room)
        targets = [e for e in rooms.named_children if e.type != "comment"] if rooms.type == "array" else [rooms]
        for target in targets:
            prefix = static_prefix(target)
            if prefix is None and target.type == "identifier":
                prefix = self._local_prefix(text(target), target)
            self._add("join-room", target, root=root, kind=kind, room=text(target), prefix=prefix)

    def _local_prefix(self, name: str, near: Node) -> str | None:
        function = self._function_of(near)
        for declarator in self.declarators:
            target = declarator.child_by_field_name("name")
            if target is not None and text(target) == name and self._function_of(declarator) == function:
                return static_prefix(declarator.child_by_field_name("value"))
        return None

    # -- payloads -----------------------------------------------------------------------------------------

    def _payload_args(self, call: Node, args: list[Node]) -> None:
        # Arguments sit in the call's function; without a record in the file none can hold one.
        function = self._function_of(call) if self.records else None
        for arg in args:
            value = unwrap(arg)
            if value.type == "object":
                self._payload_object(value, function)
            elif self.records:
                record = self._record_value(value, function, allow_call=False)
                if record is not None:
                    self._add("payload-record", value, record=record, text=text(value))

    def _payload_object(self, node: Node, function: Node | None) -> None:
        keys: list[tuple[str, str]] = []
        for prop in node.named_children:
            if prop.type == "pair":
                key = prop.child_by_field_name("key")
                if key is None or key.type == "computed_property_name":
                    keys.append(("computed", text(key)))
                else:
                    keys.append(("key", string_value(key) or text(key)))
            elif prop.type == "shorthand_property_identifier":
                keys.append(("key", text(prop)))
                if self._lookup_record(text(prop), function) is not None:
                    keys.append(("record", text(prop)))
            elif prop.type == "method_definition":
                keys.append(("key", text(prop.child_by_field_name("name"))))
            elif prop.type == "spread_element":
                inner = unwrap(prop.named_children[0]) if prop.named_children else None
                keys.append(("spread", text(inner)))
                if inner is not None and self._record_value(inner, function, allow_call=False) is not None:
                    self._add("payload-record", prop, record="spread", text=text(inner))
        self.findings.append(Finding("payload-object", self.lines.span(node), "", tuple(keys)))

    def _record_value(self, node: Node | None, function: Node | None, allow_call: bool = True) -> str | None:
        """"one"/"many" when `node` evaluates to a whole database record or a list of records."""
        node = unwrap(node)
        if node is None:
            return None
        if node.type == "await_expression" and node.named_children and allow_call:
            return _orm_call(unwrap(node.named_children[0]))
        if node.type == "identifier":
            return self._lookup_record(text(node), function)
        if node.type == "array":
            elements = [e for e in node.named_children if e.type != "comment"]
            if elements and any(self._record_value(e, function, allow_call=False) for e in elements):
                return "many"
        return None

    def _lookup_record(self, name: str, function: Node | None) -> str | None:
        while True:
            found = self.records.get((function.id if function is not None else 0, name))
            if found is not None or function is None:
                return found
            function = self._function_of(function)

    def _emit_context(self, call: Node, obj: Node) -> None:
        """Where `.to(room)` would go, and the org/user ids the enclosing handlers have in scope."""
        if self._receiver(obj) is None:
            return
        org = user = None
        function = self._function_of(call)
        while function is not None:
            params = [p for p in parameter_names(function) if p]
            names = set(params) | self._locals_of(function)
            org = org or next((n for n in ("orgId", "organizationId", "tenantId") if n in names), None)
            user = user or next((n for n in ("userId",) if n in names), None)
            for param in params:
                if param in ("req", "request") and len(params) >= 2:
                    org, user = org or f"{param}.user.orgId", user or f"{param}.user.userId"
                if param == "socket":
                    org, user = org or "socket.data.orgId", user or "socket.data.userId"
            function = self._function_of(function)
        filled = self._filled_room_lists(obj)
        self._add(
            "emit-context", call, insert_at=obj.end_byte, org=org, user=user, filled_rooms=",".join(filled) or None
        )

    def _filled_room_lists(self, obj: Node) -> list[str]:
        """The arguments (their text) of the receiver chain's `to(...)` / `in(...)` that name a local `const`
        bound to an array literal that cannot be empty: socket.io broadcasts on an empty room list, not on
        these."""
        filled: list[str] = []
        node = unwrap(obj)
        while node is not None and node.type in ("call_expression", "member_expression"):
            if node.type == "member_expression":
                node = unwrap(node.child_by_field_name("object"))
                continue
            callee = unwrap(node.child_by_field_name("function"))
            if callee is None or callee.type != "member_expression":
                break
            if text(callee.child_by_field_name("property")) in ROOM_METHODS:
                for arg in _arguments(node):
                    name = unwrap(arg)
                    if name is not None and name.type == "identifier" and self._holds_non_empty_array(name):
                        filled.append(text(arg))
            node = unwrap(callee.child_by_field_name("object"))
        return filled

    def _holds_non_empty_array(self, use: Node) -> bool:
        """Whether the identifier `use` is bound, where it is used, to a `const` holding `[x, ...]`: an array
        literal with an element that is not a spread, and never emptied by `pop/shift/splice`."""
        declarator = self._binding_of(text(use), use)
        if declarator is None or not _is_const(declarator):
            return False
        value = unwrap(declarator.child_by_field_name("value"))
        if value is None or value.type != "array":
            return False
        if not any(e.type not in ("comment", "spread_element") for e in value.named_children):
            return False
        return not any(
            method in _EMPTYING_METHODS and text(callee.child_by_field_name("object")) == text(use)
            for _, callee, _, method in self.calls
        )

    def _binding_of(self, name: str, use: Node) -> Node | None:
        """The declarator that binds `name` at `use`: the innermost declaration whose scope holds `use`.
        None when that is a parameter, or nothing of this file declares it."""
        innermost: tuple[int, Node | None] | None = None
        for declarator in self.declarators:
            target = declarator.child_by_field_name("name")
            if target is None or target.type != "identifier" or text(target) != name:
                continue
            scope = _declaration_scope(declarator)
            if scope.start_byte <= use.start_byte and use.end_byte <= scope.end_byte:
                if innermost is None or scope.start_byte > innermost[0]:
                    innermost = (scope.start_byte, declarator)
        function = self._function_of(use)
        while function is not None:
            if name in parameter_names(function) and (innermost is None or function.start_byte > innermost[0]):
                innermost = (function.start_byte, None)
            function = self._function_of(function)
        return innermost[1] if innermost is not None else None

    def _locals_of(self, function: Node) -> set[str]:
        names: set[str] = set()
        for declarator in self.declarators:
            if self._function_of(declarator) != function:
                continue
            target = declarator.child_by_field_name("name")
            if target is None:
                continue
            if target.type == "identifier":
                names.add(text(target))
            elif target.type == "object_pattern":
                names.update(text(p) for p in target.named_children if p.type == "shorthand_property_identifier_pattern")
        return names

    # -- types --------------------------------------------------------------------------------------------

    def _type_shape(self, node: Node) -> None:
        name_node = node.child_by_field_name("name")
        if name_node is None:
            return
        name = text(name_node)
        body = node.child_by_field_name("body") if node.type == "interface_declaration" else unwrap(
            node.child_by_field_name("value")
        )
        if body is not None and body.type not in ("interface_body", "object_type"):
            expression = type_expression(body)  # `type P = Omit<Lead, "secret"> & { at: string }`
            if expression is not None:
                self.findings.append(Finding("type-shape", self.lines.span(name_node), name, (("expr", expression),)))
            return
        if body is None:
            return
        data: list[tuple[str, str]] = [("body_end", str(body.end_byte - 1))]
        data.append(("member_indent", self._member_indent(body)))
        for clause in node.named_children:
            if clause.type == "extends_type_clause":
                for base in clause.named_children:
                    if base.type == "type_identifier":
                        data.append(("extends", text(base)))
                    else:  # `extends Omit<Base, "id">`; anything it cannot read leaves the shape unknown
                        data.append(("extends_expr", type_expression(base) or ""))
        data.extend(_object_type_keys(body))
        self.findings.append(Finding("type-shape", self.lines.span(name_node), name, tuple(data)))
        if self.x.options.is_map_name(name):
            for member in body.named_children:
                self._declared_payload(member)

    def _member_indent(self, body: Node) -> str:
        members = [m for m in body.named_children if m.type != "comment"]
        return self._indent_of(members[0]) if members else "  "

    def _declared_payload(self, member: Node) -> None:
        if member.type not in ("property_signature", "method_signature"):
            return
        key = member.child_by_field_name("name")
        if key is None:
            return
        key_node = key.named_children[0] if key.type == "computed_property_name" and key.named_children else key
        params = member.child_by_field_name("parameters") if member.type == "method_signature" else None
        if params is None:
            inner = annotation_type(member)
            if inner is None or inner.type != "function_type":
                return
            params = inner.child_by_field_name("parameters")
        real = [p for p in params.named_children if p.type != "comment"] if params is not None else []
        if not real:
            self._add("declared-payload", key_node, shape="none")
            return
        type_node = annotation_type(real[0])
        if type_node is None:
            return
        if type_node.type == "object_type":
            keys = _object_type_keys(type_node)
            self.findings.append(
                Finding("declared-payload", self.lines.span(key_node), "", (("shape", "inline"), *keys))
            )
        elif type_node.type == "type_identifier":
            self._add("declared-payload", key_node, shape="named", type=text(type_node))
        elif (expression := type_expression(type_node)) is not None:
            self._add("declared-payload", key_node, shape="expr", expr=expression)
        else:
            self._add("declared-payload", key_node, shape="other")

    # -- servers and clients ------------------------------------------------------------------------------

    def _handshake_readers(self) -> dict[str, set[int]]:
        """Named functions that read `p.handshake.auth` (or `.headers` / `.query`) of their parameter `p`:
        name -> the positions of those parameters, each also a `handshake-reader` finding so that a
        middleware of another file calling the function can be judged by the rule."""
        readers: dict[str, set[int]] = {}
        for function in self.functions:
            if self.lines.data.find(b"handshake", function.start_byte, function.end_byte) == -1:
                continue  # most functions never mention it: skip the walk
            name = _declared_function_name(function)
            if name is None:
                continue
            params = parameter_names(function)
            for position in sorted(_handshake_reads(function, params)):
                readers.setdefault(name, set()).add(position)
                self._add("handshake-reader", function, function=name, param=position)
        return readers

    def _handshake_middleware(self, function: Node, readers: dict[str, set[int]]) -> None:
        """`(socket, next) => { ...socket.handshake.auth... next(new Error()) }`, wherever it is defined, or
        one that passes its socket to a function reading the handshake (`auth(socket).catch(next)`): of
        this file, or imported (a `handshake-delegate` finding the rule resolves)."""
        params = parameter_names(function)
        if len(params) < 2 or not params[1]:
            return
        socket_name, next_name = params[0], params[1]
        data, start, end = self.lines.data, function.start_byte, function.end_byte
        # A middleware rejects through its second parameter: `next(err)`, `.catch(next)`, `.then(ok, next)`.
        # Most functions (an Express `(req, res)` handler with a try/catch) never do: skip their walk.
        def has(text: str) -> bool:
            return data.find(text.encode(), start, end) != -1

        rejects_maybe = has(f"{next_name}(") or has(f"catch({next_name})")
        if not rejects_maybe and not (has(".then(") and (has(f", {next_name})") or has(f",{next_name})"))):
            return
        reads_handshake = rejects = False
        delegates: list[tuple[str, int]] = []  # (callee, position) of calls taking the socket
        for node in _body_nodes(function):
            if node.type == "member_expression":
                path = member_path(node)
                if path is not None and "handshake" in path[:-1]:
                    after = path[path.index("handshake") + 1]
                    reads_handshake = reads_handshake or after in _HANDSHAKE_PARTS
            elif node.type == "call_expression":
                rejects = rejects or _rejects_with(node, next_name)
                callee = unwrap(node.child_by_field_name("function"))
                if socket_name and callee is not None and callee.type == "identifier":
                    delegates.extend(
                        (text(callee), position)
                        for position, arg in enumerate(_arguments(node))
                        if unwrap(arg).type == "identifier" and text(unwrap(arg)) == socket_name
                    )
        if not rejects:
            return
        if reads_handshake or any(position in readers.get(callee, ()) for callee, position in delegates):
            self._add("handshake-auth", function)
            return
        for callee, position in delegates:
            if callee in self.x.imports and callee not in readers:
                self._add("handshake-delegate", function, function=callee, param=position)

    def _connections(self) -> None:
        for call in self._factory_servers():
            self._server_statement(call, _assigned_name(call))
        for connection in self.x.connections:
            node = self.root.descendant_for_byte_range(connection.span.start_byte, connection.span.end_byte)
            while node is not None and (node.start_byte, node.end_byte) != (connection.span.start_byte, connection.span.end_byte):
                node = node.parent
            if node is None:
                continue
            where = self._component_context(node)
            if where is not None:
                self._add(
                    "socket-per-component", node, where, constructor=connection.constructor,
                    binding=connection.binding,
                )
            if connection.kind == SocketKind.SERVER:
                self._server_statement(node, connection.binding)
            if connection.kind == SocketKind.CLIENT_SOCKET:
                self._client_options(node)

    def _factory_servers(self) -> Iterator[Node]:
        """`require("socket.io")(server)`, or `socketIO(server)` with `socketIO` the module itself: the factory
        form of `new Server(server)`, which the extractor's connections (constructions) do not hold."""
        for call, callee, _, method in self.calls:
            if method is None and callee.type in ("identifier", "call_expression"):
                known = self.x._kind_of_expression(call)
                if known is not None and known[0] == SocketKind.SERVER:
                    yield call

    def _server_statement(self, node: Node, binding: str | None) -> None:
        """Where a statement can follow the one creating a server (the quick fix inserts its middleware)."""
        statement = node
        while statement.parent is not None and statement.parent.type not in ("program", "statement_block"):
            statement = statement.parent
        self._add(
            "server-statement", node, binding=binding, statement_end=statement.end_byte,
            indent=self._indent_of(statement),
        )

    def _component_context(self, node: Node) -> str | None:
        if self._is_lazy_singleton(node):
            return None  # one connection per tab, whichever component or hook asks first
        function = self._function_of(node)
        in_effect = False
        while function is not None:
            if self._is_effect_callback(function):
                in_effect = True
            name = self.function_name(function)
            if _is_component_name(name):
                if _renders_context_provider(function):
                    return None  # `<SocketContext.Provider value={socket}>`: the one place the socket is shared from
                return f"the component {name}" if not in_effect else f"an effect of {name}"
            if _is_hook_name(name):
                return f"the hook {name}"
            if name is not None and not self._is_callback_of_hook(function):
                return None  # a plain function: a lazy module-level singleton getter, a factory
            function = self._function_of(function)
        return None

    def _is_lazy_singleton(self, connection: Node) -> bool:
        """`if (!socket) socket = io()`, `socket ??= io()`, `socket = socket || io()`: the connection goes to
        a module-level variable (or a property of one: a Vue `shallowRef`'s `.value`), behind a guard on
        module state (an early `if (socket) return socket` too): created once, whoever calls. An unguarded
        `socket = io()` still opens one per call."""
        value, guard = connection, None
        holder = _holder(value)
        if holder is not None and holder.type == "binary_expression" and _operator(holder) in ("||", "??"):
            guard = holder.child_by_field_name("left")  # `socket || io()`: the connection is the fallback
        elif holder is not None and holder.type == "ternary_expression":
            guard = holder.child_by_field_name("condition")  # `socket ? socket : io()`
        if guard is not None:
            if value.start_byte < guard.end_byte:
                return False  # the connection is the guard itself
            value = holder
        assignment = _holder(value)
        if assignment is None or assignment.type not in ("assignment_expression", "augmented_assignment_expression"):
            return False
        target = _root_identifier(assignment.child_by_field_name("left"))  # `socket`, `state.socket`
        if target is None or not self._is_module_variable(target):
            return False
        if assignment.type == "augmented_assignment_expression":
            return _operator(assignment) in ("??=", "||=")
        if guard is not None and self._reads_module_state(guard, text(target)):
            return True
        return self._guarded_by_module_state(assignment, text(target))

    def _is_module_variable(self, use: Node) -> bool:
        """Whether the identifier `use` is bound, where it is used, to a variable declared at module level."""
        declarator = self._binding_of(text(use), use)
        return declarator is not None and self._function_of(declarator) is None

    def _reads_module_state(self, condition: Node, target: str) -> bool:
        """Whether `condition` reads `target` or another module-level `let`/`var` (`if (!started)`)."""
        for node in _nodes_within(condition):
            if node.type != "identifier":
                continue
            if text(node) == target:
                return True
            declarator = self._binding_of(text(node), node)
            if declarator is not None and self._function_of(declarator) is None and not _is_const(declarator):
                return True
        return False

    def _guarded_by_module_state(self, node: Node, target: str) -> bool:
        """Within an `if` on module state, or after an `if (<module state>) return ...` of its function."""
        function = self._function_of(node)
        current = node
        while current.parent is not None and current != function:
            parent = current.parent
            if parent.type == "if_statement" and current != parent.child_by_field_name("condition"):
                if self._reads_module_state(parent.child_by_field_name("condition"), target):
                    return True
            if parent.type == "statement_block":
                for earlier in parent.named_children:
                    if earlier.start_byte >= current.start_byte:
                        break
                    if earlier.type == "if_statement" and _exits(earlier.child_by_field_name("consequence")):
                        if self._reads_module_state(earlier.child_by_field_name("condition"), target):
                            return True
            current = parent
        return False

    def _client_options(self, node: Node) -> None:
        args = _arguments(node)
        options = next((unwrap(a) for a in args if unwrap(a).type == "object"), None)
        if options is None:
            return
        for prop in options.named_children:
            if prop.type != "pair":
                continue
            key = string_value(prop.child_by_field_name("key")) or text(prop.child_by_field_name("key"))
            value = unwrap(prop.child_by_field_name("value"))
            if key == "reconnection" and value is not None and value.type == "false":
                self._add("reconnection-disabled", prop)
            elif key == "auth" and value is not None and value.type == "object":
                keys = [text(p) if p.type == "shorthand_property_identifier" else text(p.child_by_field_name("key"))
                        for p in value.named_children if p.type in ("pair", "shorthand_property_identifier")]
                self._add("static-auth-token", prop, keys=",".join(keys), value=text(value))

    def _module_layout(self) -> None:
        imports_end = 0
        jwt = None
        for statement in self.root.named_children:
            if statement.type == "import_statement":
                imports_end = statement.end_byte
        for local, imp in self.x.imports.items():
            if imp.specifier == "jsonwebtoken":
                jwt = local
        self.findings.append(
            Finding("module-layout", self.lines.span(self.root), "", _data(imports_end=imports_end, jwt=jwt))
        )


# -- tree helpers ---------------------------------------------------------------------------------------


def _renders_context_provider(function: Node) -> bool:
    """Whether a component's JSX contains `<X.Provider ...>`: it is a context provider, mounted once near
    the root, and hands its connection down instead of opening one per consumer."""
    for node in _body_nodes(function):
        if node.type in ("jsx_opening_element", "jsx_self_closing_element"):
            name = node.child_by_field_name("name")
            if name is not None and name.type in ("member_expression", "nested_identifier") and text(name).endswith(".Provider"):
                return True
    return False


def _body_nodes(function: Node) -> Iterator[Node]:
    """Every named node of a function's body (explicit stack: generated code nests deeper than recursion)."""
    stack = [function.child_by_field_name("body")]
    while stack:
        node = stack.pop()
        if node is not None:
            yield node
            stack.extend(node.named_children)


def _nodes_within(node: Node) -> Iterator[Node]:
    """`node` and every named node under it."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(current.named_children)


def _calls_unsubscriber(cleanup: Node, listener_call: Node) -> bool:
    """Whether `cleanup` calls what the listener call returned: the name it is bound to (`const off =
    manager.on(...)`, then `off()`, `off?.()`, or the cleanup is `off` itself), or every element of an array
    holding it (`const subs = [manager.on(...)]` or `subs.push(manager.on(...))`, then `subs.forEach((u) =>
    u())` or `for (const u of subs) u()`)."""
    bound = _assigned_name(listener_call)
    if bound is not None:
        if text(cleanup) == bound:
            return True
        return any(text(unwrap(inner.child_by_field_name("function"))) == bound for inner in _calls_within(cleanup))
    collection = _collection_of(listener_call)
    if collection is None:
        return False
    for node in _nodes_within(cleanup):
        if node.type == "for_in_statement" and text(node.child_by_field_name("right")) == collection:
            return True
        callee = unwrap(node.child_by_field_name("function")) if node.type == "call_expression" else None
        if (
            callee is not None
            and callee.type == "member_expression"
            and text(callee.child_by_field_name("object")) == collection
            and text(callee.child_by_field_name("property")) in _DRAINING_METHODS
        ):
            return True
    return False


# `unsubscribers.forEach((off) => off())`: the array methods that can call every element.
_DRAINING_METHODS = frozenset({"forEach", "map"})


def _collection_of(value: Node) -> str | None:
    """The array a value is put in: `const subs = [value]`, `subs.push(value)`."""
    holder = _holder(value)
    if holder is not None and holder.type == "array":
        return _assigned_name(holder)
    if holder is not None and holder.type == "arguments" and holder.parent is not None:
        callee = unwrap(holder.parent.child_by_field_name("function"))
        if callee is not None and callee.type == "member_expression" and text(callee.child_by_field_name("property")) == "push":
            return text(callee.child_by_field_name("object"))
    return None


def _root_identifier(target: Node | None) -> Node | None:
    """The variable an assignment target is, or is a property of: `socket`, `state.socket`, `holder.value!`."""
    while target is not None and target.type in ("member_expression", "non_null_expression", "parenthesized_expression"):
        if target.type == "member_expression":
            target = target.child_by_field_name("object")
        else:
            target = target.named_children[0] if target.named_children else None
    return target if target is not None and target.type == "identifier" else None


def _operator(expression: Node) -> str:
    operator = expression.child_by_field_name("operator")
    return text(operator) if operator is not None else ""


def _exits(statement: Node | None) -> bool:
    """`return ...` / `throw ...`, alone or as the last statement of a block."""
    if statement is not None and statement.type == "statement_block":
        body = [child for child in statement.named_children if child.type != "comment"]
        statement = body[-1] if body else None
    return statement is not None and statement.type in ("return_statement", "throw_statement")


def _arguments(call: Node) -> list[Node]:
    args = call.child_by_field_name("arguments")
    if args is None or args.type != "arguments":
        return []
    return [a for a in args.named_children if a.type != "comment"]


def _call_of_argument(node: Node) -> Node | None:
    """The call that `node` is a direct argument of."""
    parent = node.parent
    while parent is not None and parent.type in ("parenthesized_expression", "as_expression"):
        parent = parent.parent
    if parent is None or parent.type != "arguments":
        return None
    call = parent.parent
    return call if call is not None and call.type == "call_expression" else None


def _holder(value: Node) -> Node | None:
    """What holds a value, past the wrappers around it (`(x as T)`, `await x`, `x satisfies T`)."""
    parent = value.parent
    while parent is not None and parent.type in _VALUE_WRAPPERS:
        parent = parent.parent
    return parent


_VALUE_WRAPPERS = frozenset({"as_expression", "parenthesized_expression", "await_expression", "satisfies_expression"})


def _declared_name(declarator: Node) -> str | None:
    """The identifier a `variable_declarator` declares; None for a destructuring pattern."""
    name = declarator.child_by_field_name("name")
    return text(name) if name is not None and name.type == "identifier" else None


def _assigned_name(value: Node) -> str | None:
    """The name `value` is declared or assigned to (`const io = value`, `io = value`), if any."""
    holder = _holder(value)
    if holder is not None and holder.type == "variable_declarator":
        return _declared_name(holder)
    if holder is not None and holder.type == "assignment_expression":
        return text(holder.child_by_field_name("left"))
    return None


def _is_const(declarator: Node) -> bool:
    declaration = declarator.parent
    return declaration is not None and declaration.type == "lexical_declaration" and any(
        child.type == "const" for child in declaration.children
    )


def _declaration_scope(declarator: Node) -> Node:
    """Where a declared name is visible: the block (or `for`) of a `const`/`let`, the function of a `var`."""
    hoisted = declarator.parent is not None and declarator.parent.type == "variable_declaration"
    scopes = ("program", *FUNCTION_TYPES) if hoisted else ("statement_block", "program", "for_statement", "switch_body")
    scope = declarator.parent
    while scope.parent is not None and scope.type not in scopes:
        scope = scope.parent
    return scope


_HANDSHAKE_PARTS = frozenset({"auth", "headers", "query"})


def _handshake_reads(function: Node, params: list[str | None]) -> set[int]:
    """Positions of the parameters `p` whose `p.handshake.auth` (or `.headers` / `.query`) `function` reads."""
    positions: set[int] = set()
    for node in _body_nodes(function):
        if node.type == "member_expression":
            path = member_path(node)
            if path is not None and len(path) > 2 and path[1] == "handshake" and path[2] in _HANDSHAKE_PARTS:
                if path[0] in params:
                    positions.add(params.index(path[0]))
    return positions


def _rejects_with(call: Node, next_name: str) -> bool:
    """`next(err)`, or `.catch(next)` / `.then(ok, next)` that hand `next` the error."""
    callee = unwrap(call.child_by_field_name("function"))
    args = _arguments(call)
    if callee is None or not args:
        return False
    if text(callee) == next_name:
        return True
    if callee.type != "member_expression":
        return False
    method = text(callee.child_by_field_name("property"))
    rejection = args[0] if method == "catch" else args[1] if method == "then" and len(args) > 1 else None
    return rejection is not None and text(unwrap(rejection)) == next_name


def _declared_function_name(function: Node) -> str | None:
    """The name another module can import a function by: a function declaration's, or the variable's
    holding it (`const auth = async (socket) => ...`); "default" for `export default (socket) => ...`."""
    if function.type in ("function_declaration", "generator_function_declaration"):
        name = function.child_by_field_name("name")
        return text(name) if name is not None else None
    parent = _holder(function)
    if parent is not None and parent.type == "variable_declarator":
        return _declared_name(parent)
    if parent is not None and parent.type == "export_statement":
        name = function.child_by_field_name("name")
        return text(name) if name is not None else "default"
    return None


def _calls_within(node: Node) -> Iterator[Node]:
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type == "call_expression":
            yield current
        stack.extend(current.named_children)


def _statements_within(body: Node) -> Iterator[Node]:
    """Statements of a function body, descending into blocks and ifs but not into nested functions."""
    stack = list(reversed(body.named_children))
    while stack:
        node = stack.pop()
        if node.type in FUNCTION_TYPES:
            continue
        yield node
        if node.type in ("statement_block", "if_statement", "else_clause", "try_statement", "catch_clause", "finally_clause"):
            stack.extend(reversed(node.named_children))


def _statement_of(node: Node, body: Node) -> Node | None:
    """The statement directly inside `body` (or a nested block) that contains `node`."""
    current = node
    while current.parent is not None and current.parent.type not in ("statement_block",):
        current = current.parent
    return current if current.parent is not None else None


def _orm_call(node: Node | None) -> str | None:
    """`db.lead.create(...)`, `prisma.deal.findMany(...)`, `Lead.findById(id).lean()` → one/many."""
    while node is not None and node.type == "call_expression":
        callee = unwrap(node.child_by_field_name("function"))
        if callee is None or callee.type != "member_expression":
            return None
        method = text(callee.child_by_field_name("property"))
        path = member_path(callee.child_by_field_name("object"))
        model_like = path is not None and (
            path[0] in ORM_ROOTS or path[0].endswith(("Repository", "Repo", "Model")) or (len(path) == 1 and path[0][:1].isupper())
        )
        if model_like and method in ORM_MANY:
            return "many"
        if model_like and method in ORM_SINGLE:
            return "one"
        node = unwrap(callee.child_by_field_name("object"))
    return None


_KEY_SET_TYPES = frozenset({"Pick", "Omit"})  # Pick<T, "a" | "b">: a type and a union of key literals
_KEY_STATUS_TYPES = frozenset({"Partial", "Required", "Readonly"})  # Partial<T>: every key of T optional


def type_expression(node: Node) -> str | None:
    """A payload type built from object shapes, as JSON for payload-mismatch to evaluate without a parser:
    `["named", "Lead"]`, `["object", [["key", "id"], ["optional", "note"]]]`, `["and", [...]]`,
    `["partial" | "required" | "readonly", T]`, `["pick" | "omit", T, ["a", "b"]]`. None for anything
    else (unions, generics of the user's own, mapped and conditional types): the rule leaves those alone."""

    def convert(node: Node) -> list | None:
        kind = node.type
        if kind == "parenthesized_type":
            inner = node.named_children
            return convert(inner[0]) if len(inner) == 1 else None
        if kind == "type_identifier":
            return ["named", text(node)]
        if kind == "object_type":
            return ["object", [list(pair) for pair in _object_type_keys(node)]]
        if kind == "intersection_type":
            parts = [convert(child) for child in node.named_children if child.type != "comment"]
            return ["and", parts] if parts and None not in parts else None
        if kind != "generic_type":
            return None
        name, arguments = node.child_by_field_name("name"), node.child_by_field_name("type_arguments")
        if name is None or arguments is None:
            return None
        generic = text(name)
        args = [child for child in arguments.named_children if child.type != "comment"]
        if generic in _KEY_STATUS_TYPES and len(args) == 1:
            inner = convert(args[0])
            return [generic.lower(), inner] if inner is not None else None
        if generic in _KEY_SET_TYPES and len(args) == 2:
            inner, keys = convert(args[0]), _literal_keys(args[1])
            return [generic.lower(), inner, keys] if inner is not None and keys is not None else None
        return None

    converted = convert(node)
    return json.dumps(converted, separators=(",", ":")) if converted is not None else None


def _literal_keys(node: Node) -> list[str] | None:
    """`"a" | "b" | "c"` (nested unions) → ["a", "b", "c"]; None when a member is not a string literal type."""
    if node.type == "union_type":
        keys: list[str] = []
        for member in node.named_children:
            found = _literal_keys(member)
            if found is None:
                return None
            keys.extend(found)
        return keys
    if node.type == "parenthesized_type" and len(node.named_children) == 1:
        return _literal_keys(node.named_children[0])
    value = string_value(node.named_children[0]) if node.type == "literal_type" and node.named_children else None
    return [value] if value is not None else None


def _object_type_keys(body: Node) -> list[tuple[str, str]]:
    keys: list[tuple[str, str]] = []
    for member in body.named_children:
        if member.type in ("property_signature", "method_signature"):
            key = member.child_by_field_name("name")
            if key is None or key.type == "computed_property_name":
                keys.append(("index", "computed"))
                continue
            optional = any(not c.is_named and c.type == "?" for c in member.children)
            keys.append(("optional" if optional else "key", string_value(key) or text(key)))
        elif member.type == "index_signature":
            keys.append(("index", "1"))
    return keys
