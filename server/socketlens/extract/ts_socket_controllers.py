"""socket-controllers (TypeStack's, npm `socket-controllers`): `@SocketController("/ns")` classes whose
`@OnMessage("save")` methods handle an event of the namespace's sockets, declared by the decorator as NestJS's
`@SubscribeMessage` is (`ts_nestjs`), and whose `@EmitOnSuccess("saved")` / `@EmitOnFail("failed")` send the
method's result (or error) back to the sender's socket. A `@ConnectedSocket()` parameter is that socket, a
`@SocketIO()` parameter the server.

A mixin of the TS/JS extractor (`typescript._Extractor`). Only decorators imported from "socket-controllers"
count: their names are common elsewhere.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from socketlens.extract.syntax import Node, string_value, text, unwrap
from socketlens.extract.ts_nestjs import class_decorator_calls, decorated_method, decorator_name, enclosing_class
from socketlens.model import Emit, Receiver, SocketBinding, SocketKind

if TYPE_CHECKING:
    from socketlens.extract.typescript import _Scope

MODULE = "socket-controllers"
_LISTEN_DECORATORS = frozenset({"OnMessage"})
_EMIT_DECORATORS = frozenset({"EmitOnSuccess", "EmitOnFail"})


class SocketControllers:
    """The socket-controllers part of a `typescript._Extractor`."""

    def _controller_import(self, local: str | None) -> str | None:
        """The name a local imports from socket-controllers; None when it is not from there."""
        origin = self._module_of(local) if local is not None else None
        return origin[1] if origin is not None and origin[0] == MODULE else None

    def _controller_decorator(self, call: Node, callee: Node, args: list[Node]) -> bool:
        """`@OnMessage(event)`, `@EmitOnSuccess(event)`, `@EmitOnFail(event)` on a method of a controller: a
        listener or an emit of the event. True when the call is one of these decorators (handled)."""
        imported = self._controller_import(text(callee))
        if imported not in _LISTEN_DECORATORS and imported not in _EMIT_DECORATORS:
            return False
        if call.parent is None or call.parent.type != "decorator":
            return False
        method = decorated_method(call)
        controller = enclosing_class(method) if method is not None else None
        found = self._controller_namespace(controller)
        if found is None:
            return True
        name_node = controller.child_by_field_name("name")
        receiver = Receiver(
            root=text(name_node) if name_node is not None else "controller",
            kind=SocketKind.SERVER_SOCKET,
            namespace=found[0],
        )
        event_node = args[0]
        if imported in _LISTEN_DECORATORS:
            self._add_decorated_handler(call, event_node, receiver, method)
        else:
            method_name = text(method.child_by_field_name("name"))
            self.emits.append(
                Emit(
                    name=self._name_value(event_node),
                    span=self.lines.span(event_node),
                    name_text=text(event_node),
                    call_span=self.lines.span(call),
                    receiver=receiver,
                    chain=(),
                    method="emit",
                    payload_texts=(),
                    function=method_name,
                )
            )
        return True

    def _controller_namespace(self, class_node: Node | None) -> tuple[str | None] | None:
        """The namespace of a `@SocketController([namespace])` class, in a tuple: "/" without the argument,
        None when it is not a literal. None (no tuple) when the class is no controller."""
        for call in class_decorator_calls(class_node):
            if self._controller_import(text(call.child_by_field_name("function"))) != "SocketController":
                continue
            arguments = call.child_by_field_name("arguments")
            first = next((a for a in arguments.named_children if a.type != "comment"), None) if arguments else None
            if first is None:
                return ("/",)
            value = string_value(unwrap(first))
            return (None if value is None else "/" + value.lstrip("/"),)
        return None

    def _controller_parameters(self, method: Node, scope: _Scope) -> None:
        """In a controller's method, a `@ConnectedSocket()` parameter is a server socket of the controller's
        namespace, a `@SocketIO()` one the server."""
        found = self._controller_namespace(enclosing_class(method))
        if found is None:
            return
        params = method.child_by_field_name("parameters")
        nodes = [p for p in params.named_children if p.type != "comment"] if params is not None else []
        for name, param in zip(scope.params, nodes):
            if name is None:
                continue
            for child in param.children:
                imported = self._controller_import(decorator_name(child)) if child.type == "decorator" else None
                if imported == "ConnectedSocket":
                    scope.sockets[name] = SocketBinding(name, SocketKind.SERVER_SOCKET, found[0])
                elif imported == "SocketIO":
                    scope.sockets[name] = SocketBinding(name, SocketKind.SERVER, "/")
