"""no-emitter: a listener for an event that nothing emits.

A client listener needs a server emit in its project, a server listener a client emit (or a
`serverSideEmit` for inter-server events). Usually the sending side renamed the event, or the feature
was never wired. Inter-server events are exempt: their senders are often other services. Quiet when the
project has no emit at all towards the listener's side (a back end whose clients live in another
repository, a web app talking to someone else's API): nothing here could send the event. Quiet too on a
client's `exception` in a NestJS project (a `@WebSocketGateway`, or a package depending on
@nestjs/websockets): Nest's `BaseWsExceptionFilter` emits it when a gateway throws `WsException`.
"""

from __future__ import annotations

from typing import Iterator

from socketlens.analysis.rules import Diagnostic, RuleContext, Severity, rule
from socketlens.model import Direction, Side

CODE = "no-emitter"
NEST_EXCEPTION_EVENT = "exception"  # what Nest's BaseWsExceptionFilter emits to the client on a WsException
NEST_WEBSOCKETS = "@nestjs/websockets"


@rule(CODE, Severity.WARNING, "A listener waits for an event that nothing emits")
def check(context: RuleContext) -> Iterator[Diagnostic]:
    index = context.index
    receiving_sides = {(site.project, _receiving_side(site)) for site in index.all_emits()}
    # An emit whose event is computed at run time still shows its side is written in this repository.
    for dynamic in index.dynamic_sites():
        if dynamic.kind == "emit":
            receiving = Side.SERVER if dynamic.side == Side.CLIENT else Side.CLIENT
            receiving_sides.add((index.workspace.project_of(dynamic.file), receiving))
    for entry in index.events.values():
        if entry.declarations and all(d.direction == Direction.INTER_SERVER for d in entry.declarations):
            continue
        sent_to = {(site.project, _receiving_side(site)) for site in entry.emits}
        if entry.name == NEST_EXCEPTION_EVENT:
            sent_to |= {(project, Side.CLIENT) for project in _nest_projects(index)}
        for site in entry.listeners:
            if not context.wants(site.file) or (site.project, site.side) in sent_to or (site.project, site.side) not in receiving_sides:
                continue
            sender = "server" if site.side == Side.CLIENT else "client"
            yield Diagnostic(
                file=site.file,
                span=site.span,
                severity=Severity.WARNING,
                code=CODE,
                message=f'"{entry.name}" is listened to but no {sender} code emits it',
            )


def _receiving_side(site) -> Side:
    return Side.SERVER if site.side == Side.CLIENT or site.emit.method.startswith("serverSide") else Side.CLIENT


def _nest_projects(index) -> set[str]:
    """Projects with a NestJS websocket server: a file declaring a `@WebSocketGateway`, or a package
    depending on @nestjs/websockets."""
    workspace = index.workspace
    projects = {workspace.project_of(rel) for rel, facts in index.facts.items() if facts.gateways}
    projects.update(
        workspace.project_of(package.dir) for package in workspace.packages if NEST_WEBSOCKETS in package.dependencies
    )
    return projects
