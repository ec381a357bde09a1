"""no-listener: an event emitted but heard nowhere on the receiving side of its project.

Server emits need a client listener, client emits a server listener, `serverSideEmit` a server listener.
Quiet when the project has no code at all on the receiving side (an API whose clients live elsewhere).
"""

from __future__ import annotations

from typing import Iterator

from socketlens.analysis.rules import Diagnostic, RuleContext, Severity, rule
from socketlens.model import Side

CODE = "no-listener"


def receiving_side(site) -> Side:
    if site.side == Side.CLIENT or site.emit.method.startswith("serverSide"):
        return Side.SERVER
    return Side.CLIENT


@rule(CODE, Severity.WARNING, "An event is emitted but nothing on the receiving side listens to it")
def check(context: RuleContext) -> Iterator[Diagnostic]:
    index = context.index
    listening_sides = {(site.project, site.side) for site in index.all_listeners()}
    for entry in index.events.values():
        heard = {(site.project, site.side) for site in entry.listeners}
        for site in entry.emits:
            if not context.wants(site.file):
                continue
            side = receiving_side(site)
            if (site.project, side) in heard or (site.project, side) not in listening_sides:
                continue
            yield Diagnostic(
                file=site.file,
                span=site.span,
                severity=Severity.WARNING,
                code=CODE,
                message=f'"{entry.name}" is emitted but no {side.value} code listens to it',
            )
