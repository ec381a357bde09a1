"""unscoped-broadcast: an emit that reaches every socket of a namespace, or everyone but the sender.

Why: in a multi-tenant app, `io.emit("lead:new", lead)` sends one org's data to every connected user.
Scope the emit to the room of the user or org that should hear it.
"""

from __future__ import annotations

from typing import Iterator

from socketlens.analysis.rules import Diagnostic, RuleContext, Severity, rule
from socketlens.model import Scope

CODE = "unscoped-broadcast"


@rule(CODE, Severity.WARNING, "An emit reaches every socket instead of a user, org or room")
def check(context: RuleContext) -> Iterator[Diagnostic]:
    for site in context.index.all_emits():
        if site.scope == Scope.BROADCAST:
            reach = "every connected socket" if site.namespace in (None, "/") else f"every socket of {site.namespace}"
        elif site.scope == Scope.BROADCAST_EXCEPT_SENDER:
            reach = "every connected socket except the sender"
        else:
            continue
        yield Diagnostic(
            file=site.file,
            span=site.span,
            severity=Severity.WARNING,
            code=CODE,
            message=f'"{site.event}" is broadcast to {reach}; scope it to a user, org or room with .to(...)',
        )
