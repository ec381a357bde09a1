"""unauthenticated-server: a socket.io server with no handshake authentication.

Without a `use` middleware that checks `socket.handshake.auth` (or headers) and rejects with
`next(new Error(...))`, anyone who can reach the port can connect, join rooms and receive events. The
handshake may be read by a function the middleware passes its socket to: of the middleware's file (the
extractor judges it) or imported (a `handshake-delegate` finding, resolved here to the `handshake-reader`
finding of the function's own file). A server is a server connection (`new Server(...)`) or a
`server-statement` finding, which also covers the factory call (`require("socket.io")(server)`,
`socketIO(server)`). The quick fix inserts a JWT middleware right after the server is created.
"""

from __future__ import annotations

from typing import Iterator

from socketlens.analysis.rules import Diagnostic, Fix, RuleContext, Severity, rule
from socketlens.analysis.rules._support import Source, data, findings, module_layout, resolution
from socketlens.index.event_index import EventIndex
from socketlens.model import FileFacts, Finding, SocketKind, Span

CODE = "unauthenticated-server"
_NODE_MESSAGE = (
    "this socket.io server accepts every connection: add a use() middleware that verifies "
    "socket.handshake.auth and calls next(err) otherwise"
)
_PYTHON_MESSAGE = (
    "this socket.io server accepts every connection: verify the `auth` argument in its connect handler "
    "and raise ConnectionRefusedError otherwise"
)


@rule(CODE, Severity.WARNING, "A socket.io server has no handshake authentication middleware")
def check(context: RuleContext) -> Iterator[Diagnostic]:
    index = context.index
    servers = {rel: spans for rel, facts in index.facts.items() if context.wants(rel) and (spans := _servers(facts))}
    if not servers:
        return  # spares the search for authentication, across every file, to an edit of a file without servers
    authenticating = [rel for rel, _ in findings(index, "handshake-auth")]
    authenticating += [
        rel for rel, finding in findings(index, "handshake-delegate") if _delegates_to_reader(index, rel, finding)
    ]
    authenticated = {index.workspace.project_of(rel) for rel in authenticating}
    for rel, spans in sorted(servers.items()):
        if index.workspace.project_of(rel) in authenticated:
            continue
        for span in spans:
            yield Diagnostic(
                file=rel,
                span=span,
                severity=Severity.WARNING,
                code=CODE,
                message=_PYTHON_MESSAGE if rel.endswith(".py") else _NODE_MESSAGE,
                fixes=tuple(_middleware_fix(context, rel, span)),
            )


def _servers(facts: FileFacts) -> list[Span]:
    """Where the file creates socket.io servers: its server connections (`new Server(...)`, Python's
    `socketio.Server(...)`) and its `server-statement` findings, which also hold the factory call
    (`require("socket.io")(server)`) that is no connection."""
    spans = [connection.span for connection in facts.connections if connection.kind == SocketKind.SERVER]
    spans += [finding.span for finding in facts.findings if finding.code == "server-statement"]
    return sorted(set(spans), key=lambda span: (span.start_byte, span.end_byte))


def _delegates_to_reader(index: EventIndex, rel: str, delegate: Finding) -> bool:
    """Whether the imported function a rejecting middleware passes its socket to reads that parameter's
    handshake (`io.use((socket, next) => auth(socket).catch(next))`, `auth` reading `socket.handshake.auth`)."""
    values = data(delegate)
    origin = resolution(index).imported_origin(rel, values["function"])
    if origin is None:
        return False
    origin_rel, name = origin
    facts = index.facts_of(origin_rel)
    return facts is not None and any(
        finding.code == "handshake-reader" and data(finding).get("function") == name
        and data(finding).get("param") == values["param"]
        for finding in facts.findings
    )


def _middleware_fix(context: RuleContext, rel: str, server: Span) -> Iterator[Fix]:
    source = Source.read(context, rel)
    statement = context.index.findings_by_span(rel, "server-statement").get((server.start_byte, server.end_byte))
    if source is None or statement is None:
        return
    values = data(statement)
    binding = values.get("binding")
    if not binding:
        return
    typed = rel.endswith((".ts", ".tsx", ".mts", ".cts"))
    layout = module_layout(context.index, rel)
    jwt = layout.get("jwt") or "jwt"
    indent = values.get("indent", "")
    secret = "process.env.JWT_SECRET as string" if typed else "process.env.JWT_SECRET"
    body = [
        "",
        "",
        "// Handshake auth: reject sockets without a valid JWT in `auth.token`.",
        f"{binding}.use((socket, next) => {{",
        "  const token = socket.handshake.auth?.token;",
        '  if (!token) return next(new Error("unauthorized"));',
        "  try {",
        f"    socket.data.user = {jwt}.verify(token, {secret});",
        "    next();",
        "  } catch {",
        '    next(new Error("unauthorized"));',
        "  }",
        "});",
    ]
    text = "\n".join((indent + line) if line else line for line in body)
    at = int(values["statement_end"])
    edits = [source.edit(at, at, text)]
    if not layout.get("jwt"):
        imports_end = int(layout.get("imports_end", "0"))
        line = 'import jwt from "jsonwebtoken";' if imports_end or typed else 'const jwt = require("jsonwebtoken");'
        edits.insert(0, source.edit(imports_end, imports_end, f"\n{line}" if imports_end else f"{line}\n"))
    yield Fix(title="Insert JWT handshake middleware", edits=tuple(edits), preferred=True)
