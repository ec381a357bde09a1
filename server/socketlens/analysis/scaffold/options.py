"""What an editor needs to prompt for "Add WebSocket event": mutation routes, scopes with their room
templates, candidate consumer components, existing event names, and the naming hint."""

from __future__ import annotations

from dataclasses import dataclass

from socketlens.analysis.scaffold.discover import RouteInfo, ScaffoldContext, find_routes
from socketlens.analysis.scaffold.naming import learn_naming

_SCOPE_TEXT = {
    "user": "one user: every open tab of that user",
    "org": "every member of the organisation",
    "room": "the sockets that joined one room (a deal, a conversation...)",
}


@dataclass(frozen=True)
class Consumer:
    label: str
    file: str


def route_at(routes: list[RouteInfo], rel: str, offset: int) -> RouteInfo | None:
    """The innermost mutation handler containing a byte offset of a file."""
    inside = [r for r in routes if r.file == rel and r.route.handler_span.start_byte <= offset <= r.route.handler_span.end_byte]
    return min(inside, key=lambda r: r.route.handler_span.end_byte - r.route.handler_span.start_byte, default=None)


def scopes(ctx: ScaffoldContext) -> list[dict[str, str]]:
    found = [{"scope": p.scope, "template": p.template, "description": _SCOPE_TEXT.get(p.scope, f"a {p.scope} room")} for p in ctx.config.rooms]
    if not any(s["scope"] == "room" for s in found):
        found.append({"scope": "room", "template": "", "description": _SCOPE_TEXT["room"]})
    return found


def consumers(ctx: ScaffoldContext) -> list[Consumer]:
    """Component files (.tsx/.jsx) of client-side packages, components and pages first."""
    found: list[Consumer] = []
    for rel in sorted(ctx.files):
        if not rel.endswith((".tsx", ".jsx")) or "/node_modules/" in rel or rel.endswith(".test.tsx"):
            continue
        if ctx.index.workspace.side_hint(rel) == "server":
            continue
        name = rel.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        if not name[:1].isupper():
            continue
        found.append(Consumer(name, rel))
    found.sort(key=lambda c: ("/components/" not in c.file and "/pages/" not in c.file, c.file))
    return found


def event_names(ctx: ScaffoldContext) -> list[str]:
    return sorted(ctx.index.events)


def naming_hint(ctx: ScaffoldContext) -> str:
    return learn_naming([n for n, e in ctx.index.events.items() if e.declarations]).hint


def mutation_routes(ctx: ScaffoldContext) -> list[RouteInfo]:
    return find_routes(ctx)
