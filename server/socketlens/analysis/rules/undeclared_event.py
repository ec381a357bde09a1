"""undeclared-event: an emit or listener whose event is in no event map, when the project has maps.

Why: once a project types its events (`ServerToClientEvents`...), an event outside the maps is usually a
typo or a rename that one side missed; socket.io's types only catch it where the typed socket is used.
The quick fixes replace the name with the closest declared one (safe when it is spelled right there) or
declare the event in the map of its direction, with a payload type inferred from the emit.
"""

from __future__ import annotations

from typing import Iterator

from socketlens.analysis.rules import Diagnostic, Fix, RuleContext, Severity, rule
from socketlens.analysis.rules._support import Source, data, payload_spans
from socketlens.index.event_index import EmitSite, ListenerSite
from socketlens.model import Direction, Side

CODE = "undeclared-event"


def edit_distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def suggestion(name: str, declared: list[str]) -> str | None:
    """The closest declared name within a third of the name's length (at least 2 edits)."""
    limit = max(2, len(name) // 3)
    scored = sorted((edit_distance(name, other), other) for other in declared if other != name)
    return scored[0][1] if scored and scored[0][0] <= limit else None


@rule(CODE, Severity.WARNING, "An emit or listener uses an event that no event map declares")
def check(context: RuleContext) -> Iterator[Diagnostic]:
    index = context.index
    declared_by_project: dict[str, list[str]] = {}
    for entry in index.events.values():
        for declaration in entry.declarations:
            declared_by_project.setdefault(declaration.project, []).append(entry.name)
    all_declared = sorted({name for names in declared_by_project.values() for name in names})
    # The maps of the only declaring project stand for every project when that project is a shared types
    # package (it emits and listens to nothing itself). When it is an app of its own, the other projects
    # are independent apps (examples side by side) that never agreed to those maps.
    with_sites = {site.project for entry in index.events.values() for site in (*entry.emits, *entry.listeners)}
    shared_maps = len(declared_by_project) == 1 and not (set(declared_by_project) & with_sites)
    for entry in index.events.values():
        if entry.declarations:
            continue
        for site in (*entry.emits, *entry.listeners):
            if not context.wants(site.file):
                continue
            declared = declared_by_project.get(site.project) or (all_declared if shared_maps else [])
            if not declared:
                continue  # the project has no event maps: nothing to compare against
            verb = "emitted" if isinstance(site, EmitSite) else "listened to"
            near = suggestion(site.event, sorted(set(declared)))
            hint = f'; did you mean "{near}"?' if near else ""
            yield Diagnostic(
                file=site.file,
                span=site.span,
                severity=Severity.WARNING,
                code=CODE,
                message=f'"{site.event}" is {verb} but declared in no event map{hint}',
                fixes=tuple(_fixes(context, site, near)),
            )


def _fixes(context: RuleContext, site: EmitSite | ListenerSite, near: str | None) -> Iterator[Fix]:
    literal = site.literal
    if near is not None and literal is not None and literal[1].span is not None:
        file, lit = literal
        source = Source.read(context, file)
        if source is not None:
            old = source.slice(lit.span.start_byte, lit.span.end_byte)
            quote = old[:1] if old[:1] in "\"'`" else '"'
            yield Fix(
                title=f'Replace with "{near}"',
                edits=(source.edit(lit.span.start_byte, lit.span.end_byte, f"{quote}{near}{quote}"),),
                # Safe only where the literal is this site's own argument, not a shared constant.
                safe=file == site.file and lit.span == site.span,
                preferred=True,
            )
    declare = _declare_fix(context, site)
    if declare is not None:
        yield declare


def _declare_fix(context: RuleContext, site: EmitSite | ListenerSite) -> Fix | None:
    index = context.index
    to_client = (isinstance(site, EmitSite) and site.side == Side.SERVER) or (
        isinstance(site, ListenerSite) and site.side == Side.CLIENT
    )
    wanted = Direction.SERVER_TO_CLIENT if to_client else Direction.CLIENT_TO_SERVER
    for declaration in index.all_declarations():
        if declaration.direction != wanted:
            continue
        shape = next(
            (f for f in (index.facts_of(declaration.file).findings if index.facts_of(declaration.file) else ())
             if f.code == "type-shape" and f.message == declaration.declaration.map_name),
            None,
        )
        source = Source.read(context, declaration.file)
        if shape is None or source is None:
            continue
        values = data(shape)
        body_end = int(values["body_end"])
        indent = values.get("member_indent", "  ")
        payload = _inferred_payload(context, site) if isinstance(site, EmitSite) else "payload: unknown"
        line = f'{indent}"{site.event}": ({payload}) => void;\n'
        # Insert on a line of its own just before the closing brace of the map.
        line_start = source.line_start(source.point(body_end)[0])
        at = line_start if source.slice(line_start, body_end).strip() == "" else body_end
        text = line if at == line_start else "\n" + line
        return Fix(
            title=f'Declare "{site.event}" in {declaration.declaration.map_name}',
            edits=(source.edit(at, at, text),),
        )
    return None


def _inferred_payload(context: RuleContext, site: EmitSite) -> str:
    file, spans = payload_spans(context.index, site)
    if not spans:
        return ""
    found = context.index.findings_by_span(file, "payload-object").get((spans[0].start_byte, spans[0].end_byte))
    if found is None:
        return "payload: unknown"
    keys = [value for key, value in found.data if key == "key"]
    return "payload: { " + " ".join(f"{k}: unknown;" for k in keys) + " }" if keys else "payload: Record<string, never>"
