"""reserved-event: emitting a name socket.io reserves for its own lifecycle.

`socket.emit("disconnect")` throws `"disconnect" is a reserved event name` at run time. The index keeps
reserved names out of the event catalog, so this rule reads the per-file emit facts directly.
"""

from __future__ import annotations

from typing import Iterator

from socketlens.analysis.rules import Diagnostic, RuleContext, Severity, rule
from socketlens.analysis.rules._support import is_socket_receiver, resolution

CODE = "reserved-event"
RESERVED_EMITS = frozenset({"connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener"})


@rule(CODE, Severity.ERROR, "An emit uses a name socket.io reserves (connect, disconnect...)")
def check(context: RuleContext) -> Iterator[Diagnostic]:
    index = context.index
    names = resolution(index)
    for rel, facts in sorted(index.facts.items()):
        if not context.wants(rel):
            continue
        for emit in facts.emits:
            if emit.method.startswith("serverSide"):
                continue
            named = names.event_name(rel, emit.name)
            if named is None or named[0] not in RESERVED_EMITS:
                continue
            kind = emit.receiver.kind.value if emit.receiver.kind is not None else ""
            if not is_socket_receiver(index, rel, emit.receiver.root, kind):
                continue
            yield Diagnostic(
                file=rel,
                span=emit.span,
                severity=Severity.ERROR,
                code=CODE,
                message=f'"{named[0]}" is reserved by socket.io: emitting it throws; use an event name of your own',
            )
