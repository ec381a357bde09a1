"""wrong-direction: an event used against the direction its map declares.

A server emitting an event declared only client-to-server, a client listening to one, and the mirror
cases; an inter-server event sent with a plain emit. socket.io delivers such events to nobody who expects
them: the typed handler on the other side never runs.
"""

from __future__ import annotations

from typing import Iterator

from socketlens.analysis.rules import Diagnostic, RuleContext, Severity, rule
from socketlens.model import Direction, Side

CODE = "wrong-direction"
_WORDS = {
    Direction.SERVER_TO_CLIENT: "server-to-client",
    Direction.CLIENT_TO_SERVER: "client-to-server",
    Direction.INTER_SERVER: "inter-server",
}


@rule(CODE, Severity.ERROR, "An event is emitted or heard against the direction its event map declares")
def check(context: RuleContext) -> Iterator[Diagnostic]:
    for entry in context.index.events.values():
        directions = {d.direction for d in entry.declarations if d.direction is not None}
        if not directions:
            continue
        declared = " and ".join(sorted(_WORDS[d] for d in directions))
        for site in entry.emits:
            if not context.wants(site.file):
                continue
            if site.side == Side.SERVER and site.emit.method.startswith("serverSide"):
                needed, what = Direction.INTER_SERVER, "sent to other servers"
            elif site.side == Side.SERVER:
                needed, what = Direction.SERVER_TO_CLIENT, "emitted by the server"
            else:
                needed, what = Direction.CLIENT_TO_SERVER, "emitted by a client"
            if needed not in directions:
                yield _diagnostic(site.file, site.span, entry.name, what, declared)
        for site in entry.listeners:
            if not context.wants(site.file):
                continue
            if site.side == Side.SERVER:
                allowed, what = {Direction.CLIENT_TO_SERVER, Direction.INTER_SERVER}, "heard by the server"
            else:
                allowed, what = {Direction.SERVER_TO_CLIENT}, "heard by a client"
            if not allowed & directions:
                yield _diagnostic(site.file, site.span, entry.name, what, declared)


def _diagnostic(file, span, event, what, declared) -> Diagnostic:
    return Diagnostic(
        file=file,
        span=span,
        severity=Severity.ERROR,
        code=CODE,
        message=f'"{event}" is {what} but declared {declared} only',
    )
