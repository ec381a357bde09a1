"""no-emitter: a listener for an event that nothing emits.

A client listener needs a server emit in its project, a server listener a client emit (or a
`serverSideEmit` for inter-server events). Usually the sending side renamed the event, or the feature
was never wired. Inter-server events are exempt: their senders are often other services.
"""

from __future__ import annotations

from typing import Iterator

from socketlens.analysis.rules import Diagnostic, RuleContext, Severity, rule
from socketlens.model import Direction, Side

CODE = "no-emitter"


@rule(CODE, Severity.WARNING, "A listener waits for an event that nothing emits")
def check(context: RuleContext) -> Iterator[Diagnostic]:
    for entry in context.index.events.values():
        if entry.declarations and all(d.direction == Direction.INTER_SERVER for d in entry.declarations):
            continue
        sent_to = set()
        for site in entry.emits:
            receiving = Side.SERVER if site.side == Side.CLIENT or site.emit.method.startswith("serverSide") else Side.CLIENT
            sent_to.add((site.project, receiving))
        for site in entry.listeners:
            if (site.project, site.side) in sent_to:
                continue
            sender = "server" if site.side == Side.CLIENT else "client"
            yield Diagnostic(
                file=site.file,
                span=site.span,
                severity=Severity.WARNING,
                code=CODE,
                message=f'"{entry.name}" is listened to but no {sender} code emits it',
            )
