"""The one-line wiring of a new socket module: `initSocket(server)` where the HTTP server is created
(`http.createServer(app)`, or `app.listen(...)`, which gets a `const server =` in front when its result
was not kept)."""

from __future__ import annotations

from dataclasses import dataclass

from socketlens.extract.syntax import Node
from socketlens.analysis.scaffold.plan import Insert
from socketlens.analysis.scaffold.source import SourceFile, relative_specifier

_TOKENS = (b"createServer(", b".listen(")


@dataclass
class Wiring:
    inserts: list[Insert]
    file: str
    server: str


def _call_kind(node: Node | None) -> str | None:
    if node is None or node.type != "call_expression":
        return None
    function = node.child_by_field_name("function")
    if function is None:
        return None
    name = function.text.decode()
    if name == "createServer" or name.endswith(".createServer"):
        return "create"
    if function.type == "member_expression":
        prop = function.child_by_field_name("property")
        if prop is not None and prop.text.decode() == "listen":
            arguments = node.child_by_field_name("arguments")
            # `server.listen()` on an http server would be wrong to wire; `app.listen(port)` returns a server.
            if arguments is not None:
                return "listen"
    return None


def wire_socket(source: SourceFile, socket_module: str, init_name: str = "initSocket") -> Wiring | None:
    """Inserts calling `init_name(server)` in this file, or None when it creates no HTTP server."""
    if not any(token in source.data for token in _TOKENS):
        return None
    style = source.style
    spec = relative_specifier(source.rel, socket_module, source.uses_js_extension())
    created: tuple[Node, str] | None = None
    listened: tuple[Node, str | None] | None = None
    for statement in source.root.children:
        target = statement
        if statement.type == "lexical_declaration":
            for declarator in statement.named_children:
                value = declarator.child_by_field_name("value") if declarator.type == "variable_declarator" else None
                name = declarator.child_by_field_name("name") if declarator.type == "variable_declarator" else None
                kind = _call_kind(value)
                if kind == "create" and name is not None and created is None:
                    created = (statement, name.text.decode())
                elif kind == "listen" and name is not None and listened is None:
                    listened = (statement, name.text.decode())
        elif target.type == "expression_statement" and target.named_children:
            if _call_kind(target.named_children[0]) == "listen" and listened is None:
                listened = (target, None)
    chosen: tuple[Node, str | None] | None = created or listened
    if chosen is None:
        return None
    statement, server = chosen
    # For `app.listen(...)` whose server was created with createServer, the created one wins above.
    inserts: list[Insert] = []
    import_insert = source.add_named_import(spec, init_name, why="import initSocket")
    if import_insert is not None:
        inserts.append(import_insert)
    if server is None:
        taken = source.top_level_names()
        server = "server" if "server" not in taken else "httpServer"
        inserts.append(source.insert(statement.start_byte, f"const {server} = ", "keep the HTTP server app.listen returns"))
    end_of_line = source.data.find(b"\n", statement.end_byte)
    offset = len(source.data) if end_of_line < 0 else end_of_line + 1
    text = f"{init_name}({server}){style.semi}\n"
    if end_of_line < 0:
        text = "\n" + text
    inserts.append(source.insert(offset, text, "attach socket.io to the HTTP server"))
    return Wiring(inserts, source.rel, server)
