"""unscoped-broadcast: an emit that reaches every socket of a namespace, or everyone but the sender.

Why: in a multi-tenant app, `io.emit("lead:new", lead)` sends one org's data to every connected user.
Scope the emit to the room of the user or org that should hear it. Catches `io.emit`, `io.sockets.emit`,
`io.of(ns).emit`, `nsp.emit`, `io.local.emit`, `io.except(r).emit`, `socket.broadcast.emit` without a
room, `to([])` or an array that may be empty (not a local `const` bound to `[room, ...]`, as the file's
`emit-context` finding tells), and `socketsJoin/socketsLeave/disconnectSockets/fetchSockets` without
`in()`/`to()`.
"""

from __future__ import annotations

from typing import Iterator

from socketlens.analysis.rules import Diagnostic, Fix, RuleContext, Severity, rule
from socketlens.analysis.rules._support import (
    Source,
    data,
    is_socket_receiver,
    receiver_kind,
    suppression_fix,
    wanted_findings,
)
from socketlens.index.event_index import EmitSite, EventIndex
from socketlens.model import Finding, Scope, Side, SocketKind

CODE = "unscoped-broadcast"
_SERVER_ROOTS = frozenset({"io", "nsp", "ns", "namespace", "sio"})
_OPERATION_REACH = {
    "socketsJoin": "makes every connected socket join",
    "socketsLeave": "makes every connected socket leave",
    "disconnectSockets": "disconnects every connected socket",
    "fetchSockets": "fetches every connected socket",
}


def _reach(index: EventIndex, site: EmitSite) -> str | None:
    if site.side != Side.SERVER or site.emit.method.startswith("serverSide"):
        return None
    chain = site.emit.chain
    room_steps = [step for step in chain if step.name in ("to", "in")]
    if any(step.maybe_empty and not step.empty_array for step in room_steps):
        filled = _filled_room_lists(index, site)
        if any(step.maybe_empty and not step.empty_array and filled.isdisjoint(step.args) for step in room_steps):
            return "every connected socket when its room list is empty"
    if site.scope == Scope.BROADCAST:
        return "every connected socket" if site.namespace in (None, "/") else f"every socket of {site.namespace}"
    if site.scope == Scope.BROADCAST_EXCEPT_SENDER:
        return "every connected socket except the sender"
    if site.scope == Scope.UNKNOWN and not any(step.name in ("to", "in") for step in chain):
        root = site.emit.receiver.root.rsplit(".", 1)[-1].removesuffix("()")
        if root in _SERVER_ROOTS:  # an untyped `nsp` / `io` parameter
            return "every socket of its namespace"
    return None


def _filled_room_lists(index: EventIndex, site: EmitSite) -> set[str]:
    """The room arguments of the emit's chain that the file shows cannot be an empty list (a local `const`
    bound to `[room, ...]`), from its `emit-context` finding."""
    found = _emit_context(index, site)
    filled = data(found).get("filled_rooms", "") if found is not None else ""
    return set(filled.split(",")) - {""}


def _emit_context(index: EventIndex, site: EmitSite) -> Finding | None:
    """The `emit-context` finding of the emit call itself (what its file tells around it)."""
    span = site.emit.call_span
    return index.findings_by_span(site.emit_file, "emit-context").get((span.start_byte, span.end_byte))


@rule(CODE, Severity.WARNING, "An emit reaches every socket instead of a user, org or room")
def check(context: RuleContext) -> Iterator[Diagnostic]:
    for site in context.index.all_emits():
        if not context.wants(site.file):
            continue
        reach = _reach(context.index, site)
        if reach is None:
            continue
        yield Diagnostic(
            file=site.file,
            span=site.span,
            severity=Severity.WARNING,
            code=CODE,
            message=f'"{site.event}" is broadcast to {reach}; scope it to a user, org or room with {_scoping_syntax(site)}',
            fixes=tuple(_fixes(context, site)),
        )
    for rel, finding in wanted_findings(context, "unscoped-operation"):
        values = data(finding)
        if not is_socket_receiver(context.index, rel, values["root"], values.get("kind", "")):
            continue
        kind = receiver_kind(context.index, rel, values["root"], values.get("kind", ""))
        if kind is None and values["root"].rsplit(".", 1)[-1] not in _SERVER_ROOTS:
            continue
        if kind in (SocketKind.CLIENT_SOCKET.value, SocketKind.SERVER_SOCKET.value):
            continue
        method = values["method"]
        fix = suppression_fix(context, rel, finding.span, CODE, "reaches every socket on purpose")
        yield Diagnostic(
            file=rel,
            span=finding.span,
            severity=Severity.WARNING,
            code=CODE,
            message=f"{values['root']}.{method}() {_OPERATION_REACH[method]}; select a room first with .in(...)",
            fixes=(fix,) if fix else (),
        )


def _scoping_syntax(site: EmitSite) -> str:
    # python-socketio and Flask-SocketIO take the room as a keyword of emit itself.
    return "to=..." if site.emit_file.endswith(".py") else ".to(...)"


def _fixes(context: RuleContext, site: EmitSite) -> Iterator[Fix]:
    if site.via is None:
        found = _emit_context(context.index, site)
        source = Source.read(context, site.emit_file)
        if found is not None and source is not None:
            values = data(found)
            insert_at = int(values["insert_at"])
            for scope in ("org", "user"):
                value = values.get(scope)
                pattern = context.config.room(scope)
                if value and pattern is not None:
                    room = pattern.render(value)
                    yield Fix(
                        title=f"Scope the emit to the {scope} room {room}",
                        edits=(source.edit(insert_at, insert_at, f".to({room})"),),
                        preferred=scope == "org",
                    )
    fix = suppression_fix(context, site.file, site.span, CODE, "intentional broadcast to every user")
    if fix is not None:
        yield fix
