"""unprefixed-room: a room target that is a bare id, with no prefix saying what kind of id it is.

`io.to(user.id)` and `io.to(org.id)` share one room namespace: the day a user id equals an org id (or a
deal id), events leak across. Name rooms `user:${id}`, `org:${id}` (the project's room patterns).
A socket id (`io.to(socket.id)`) is a room socket.io creates itself and is fine.
Joins are checked too: JS `socket.join(id)`, python-socketio `sio.enter_room(sid, id)`, Flask-SocketIO
`join_room(id)`.
"""

from __future__ import annotations

from typing import Iterator

from socketlens.analysis.rules import Diagnostic, RuleContext, Severity, rule
from socketlens.analysis.rules._support import data, is_socket_receiver, receiver_kind, wanted_findings
from socketlens.model import SocketKind, Span

CODE = "unprefixed-room"


def is_bare_id(text: str, prefix: str | None) -> bool:
    """`userId`, `lead.orgId`, `org.id`, `` `${orgId}` `` — an id expression with no static prefix."""
    if prefix:
        return False
    expr = text.strip()
    if expr.startswith("`${") and expr.endswith("}`") and expr.count("${") == 1:
        expr = expr[3:-2].strip()
    for conversion in ("String(", "str("):  # JS `String(orgId)`, Python `str(chat_id)`
        if expr.startswith(conversion) and expr.endswith(")"):
            expr = expr[len(conversion) : -1].strip()
    expr = expr.removesuffix(".toString()")  # `userId.toString()` of an ObjectId
    parts = expr.split(".")
    if not all(part.isidentifier() for part in parts):
        return False
    last = parts[-1]
    owner = parts[-2].lower() if len(parts) > 1 else ""
    if last.lower() in ("sid", "socketid") or last.lower().endswith("socketid") or (last == "id" and "socket" in owner):
        return False  # socket ids are rooms socket.io itself creates
    return last in ("id", "_id", "ID") or last.endswith(("Id", "_id", "ID"))


@rule(CODE, Severity.WARNING, "A room is a bare id with no prefix such as user: or org:")
def check(context: RuleContext) -> Iterator[Diagnostic]:
    seen: set[tuple[str, int]] = set()
    for site in context.index.all_emits():
        if not context.wants(site.emit_file):
            continue
        for step in site.emit.chain:
            if step.name not in ("to", "in", "except"):
                continue
            for room in step.rooms:
                if is_bare_id(room.text, room.prefix) and (site.emit_file, room.span.start_byte) not in seen:
                    seen.add((site.emit_file, room.span.start_byte))
                    yield _diagnostic(context, site.emit_file, room.span, room.text)
    for rel, finding in wanted_findings(context, "join-room"):
        values = data(finding)
        if not _joins_on_a_socket(context, rel, values):
            continue
        if is_bare_id(values["room"], values.get("prefix")) and (rel, finding.span.start_byte) not in seen:
            seen.add((rel, finding.span.start_byte))
            yield _diagnostic(context, rel, finding.span, values["room"])


def _joins_on_a_socket(context: RuleContext, rel: str, values: dict[str, str]) -> bool:
    if rel.endswith(".py"):
        # Python joins are reported only on objects known (or imported) as python-socketio/Flask-SocketIO
        # ones; package.json dependencies, which `is_socket_receiver` consults, say nothing about them.
        kind = receiver_kind(context.index, rel, values["root"], values.get("kind", ""))
        return kind is not None and kind != SocketKind.NOT_SOCKET.value
    return is_socket_receiver(context.index, rel, values["root"], values.get("kind", ""))


def _diagnostic(context: RuleContext, file: str, span: Span, text: str) -> Diagnostic:
    patterns = ", ".join(p.template for p in context.config.rooms) or "kind:{id}"
    return Diagnostic(
        file=file,
        span=span,
        severity=Severity.WARNING,
        code=CODE,
        message=f"room {text} is a bare id: prefix it with what it identifies ({patterns}) so ids of different kinds cannot collide",
    )
