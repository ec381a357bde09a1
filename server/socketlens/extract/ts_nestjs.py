"""NestJS gateways: `@WebSocketGateway` classes, their `@SubscribeMessage` handlers, the sockets their
methods receive, and services that emit through an injected gateway's `server`.

A mixin of the TS/JS extractor (`typescript._Extractor`), plus the decorator helpers it shares.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from socketlens.extract.syntax import Node, string_value, text
from socketlens.model import Listener, ListenerKind, Receiver, SocketBinding, SocketKind

if TYPE_CHECKING:
    from socketlens.extract.typescript import _Scope

_GATEWAY_LIFECYCLE = frozenset({"handleConnection", "handleDisconnect"})  # lifecycle methods: never events


class NestGateways:
    """The NestJS part of a `typescript._Extractor`."""

    def _gateway_parameters(self, method: Node, scope: _Scope) -> None:
        """In a NestJS gateway, the client of `handleConnection(client)` / `handleDisconnect(client)` and any
        `@ConnectedSocket()` parameter is a server socket on the gateway's namespace."""
        gateway = enclosing_class(method)
        if _gateway_call(gateway) is None:
            return
        namespace = gateway_namespace(gateway)
        lifecycle = text(method.child_by_field_name("name")) in _GATEWAY_LIFECYCLE
        params = method.child_by_field_name("parameters")
        nodes = [p for p in params.named_children if p.type != "comment"] if params is not None else []
        for index, (name, param) in enumerate(zip(scope.params, nodes)):
            if name is None:
                continue
            connected = any(
                c.type == "decorator" and decorator_name(c) == "ConnectedSocket" for c in param.children
            )
            typed = scope.sockets.get(name)
            if connected or (lifecycle and index == 0) or (typed is not None and typed.kind == SocketKind.SERVER_SOCKET):
                scope.sockets[name] = SocketBinding(name, SocketKind.SERVER_SOCKET, namespace)

    def _is_gateway_type(self, type_node: Node) -> bool:
        """A NestJS gateway class, by the framework's naming convention, imported or declared in this file."""
        name = text(type_node)
        return type_node.type == "type_identifier" and name.endswith("Gateway") and (
            name in self.imports or name in self._top_level_classes()
        )

    def _top_level_classes(self) -> set[str]:
        names = set()
        for node in self.root_node.named_children:
            declaration = node.child_by_field_name("declaration") if node.type == "export_statement" else node
            if declaration is not None and declaration.type == "class_declaration":
                names.add(text(declaration.child_by_field_name("name")))
        return names

    def _injected_gateway_server(self, node: Node, path: tuple[str, ...]) -> str | None:
        """`this.<gateway>.server`: the server of a gateway injected into this class's constructor; the
        gateway's class name, as named in this file."""
        if len(path) != 3 or path[2] != "server":
            return None
        parent = node.parent
        while parent is not None and parent.type != "class_body":
            parent = parent.parent
        return self.injected_gateways.get(parent.id, {}).get(path[1]) if parent is not None else None

    def _gateway_classes(self) -> tuple[tuple[str, str | None], ...]:
        """Top-level `@WebSocketGateway` classes and their namespaces, for services injecting them elsewhere."""
        found = []
        for node in self.root_node.named_children:
            declaration = node.child_by_field_name("declaration") if node.type == "export_statement" else node
            if declaration is None or declaration.type != "class_declaration":
                continue
            if _gateway_call(declaration) is not None:
                found.append((text(declaration.child_by_field_name("name")), gateway_namespace(declaration)))
        return tuple(found)

    def _subscribe_message(self, call: Node, event_node: Node) -> None:
        """`@SubscribeMessage("chat:send") handleSend(...)` in a `@WebSocketGateway()` class: a server
        listener of the event, declared by the decorator rather than registered by a call."""
        method = decorated_method(call)
        if method is None:
            return
        gateway = enclosing_class(method)
        if _gateway_call(gateway) is None:
            return
        name_node = gateway.child_by_field_name("name")
        receiver = Receiver(
            root=text(name_node) if name_node is not None else "gateway",
            kind=SocketKind.SERVER_SOCKET,
            namespace=gateway_namespace(gateway),
        )
        self._add_decorated_handler(call, event_node, receiver, method)

    def _add_decorated_handler(self, call: Node, event_node: Node, receiver: Receiver, method: Node) -> None:
        """The server listener a decorator declares on the method handling the event (NestJS's
        `@SubscribeMessage`, socket-controllers' `@OnMessage`)."""
        method_name = text(method.child_by_field_name("name"))
        self.listeners.append(
            Listener(
                name=self._name_value(event_node),
                span=self.lines.span(event_node),
                name_text=text(event_node),
                call_span=self.lines.span(call),
                receiver=receiver,
                kind=ListenerKind.HANDLER,
                handler_text=method_name,
                function=method_name,
            )
        )


def decorated_method(call: Node) -> Node | None:
    """The method a decorator call (`@SubscribeMessage("x")`) decorates; None when it decorates no method."""
    decorator = call.parent
    if decorator is None or decorator.type != "decorator":
        return None
    method = decorator.next_named_sibling
    while method is not None and method.type in ("decorator", "comment"):
        method = method.next_named_sibling
    return method if method is not None and method.type == "method_definition" else None


def class_decorator_calls(class_node: Node | None) -> list[Node]:
    """The calls of the decorators of a class (written on it or on its export statement): `@Name(...)`."""
    if class_node is None:
        return []
    holders = [class_node] + ([class_node.parent] if class_node.parent is not None and class_node.parent.type == "export_statement" else [])
    calls = []
    for holder in holders:
        for decorator in (c for c in holder.children if c.type == "decorator"):
            call = next((c for c in decorator.named_children if c.type == "call_expression"), None)
            if call is not None:
                calls.append(call)
    return calls


def _gateway_call(class_node: Node | None) -> Node | None:
    """The `WebSocketGateway(...)` call decorating a NestJS gateway class (or its export statement)."""
    return next(
        (call for call in class_decorator_calls(class_node) if text(call.child_by_field_name("function")) == "WebSocketGateway"),
        None,
    )


def gateway_namespace(class_node: Node | None) -> str | None:
    """The namespace of a NestJS `@WebSocketGateway([port,] { namespace })` class: "/" without the option,
    None when it is not a literal (a regex or a function) or the class has no such decorator."""
    call = _gateway_call(class_node)
    if call is None:
        return None
    arguments = call.child_by_field_name("arguments")
    options = next((a for a in arguments.named_children if a.type == "object"), None) if arguments else None
    pair = next(
        (p for p in (options.named_children if options is not None else ()) if p.type == "pair" and text(p.child_by_field_name("key")) == "namespace"),
        None,
    )
    if pair is None:
        return "/"
    value = string_value(pair.child_by_field_name("value"))
    return None if value is None else "/" + value.lstrip("/")


def enclosing_class(node: Node) -> Node | None:
    """The class declaration/expression whose body directly holds `node` (a member)."""
    body = node.parent
    if body is None or body.type != "class_body":
        return None
    return body.parent


def decorator_name(decorator: Node) -> str | None:
    """`Name` of `@Name()` or `@Name`."""
    inner = decorator.named_children[0] if decorator.named_children else None
    if inner is not None and inner.type == "call_expression":
        inner = inner.child_by_field_name("function")
    return text(inner) if inner is not None and inner.type == "identifier" else None
