"""Navigation over the event index: what the language server answers, without any LSP type.

Everything here is in terms of repository-relative files and `Span`s (byte offsets + line/code-point
columns). The LSP layer converts positions and URIs; this module only decides *what* to answer:

- `target_at(index, file, offset)`: the event-name expression under a byte offset (an emit's or a
  listener's event argument, an event-map key, or the literal that spells a constant's / enum member's
  value), as a `Target`.
- `definitions`, `declarations`, `references`: the other ends of an event, within the target's project.
- `rename_plan` / `rename_range`: the text edits of an event rename, or a `RenameRefused` with the reason.
- `hover_markdown`: the event card.
- `completion_context`, `event_completions`, `room_completions`: completion in event / room arguments.
- `workspace_symbols`, `document_symbols`, `code_lenses`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator

from socketlens.config import Config
from socketlens.extract import syntax
from socketlens.extract.vocabulary import EMIT_METHODS as extractor_emit_methods
from socketlens.extract.vocabulary import RESERVED_EVENTS, ROOM_STEPS
from socketlens.index.event_index import (
    DeclarationSite,
    DynamicSite,
    EmitSite,
    EventEntry,
    EventIndex,
    ListenerSite,
)
from socketlens.model import Direction, Lit, Scope, Side, Span

Site = DeclarationSite | EmitSite | ListenerSite

DECLARATION, EMIT, LISTENER, LITERAL = "declaration", "emit", "listener", "literal"


@dataclass(frozen=True)
class Location:
    file: str
    span: Span


@dataclass(frozen=True)
class Target:
    """The event-name expression under the cursor."""

    event: str
    role: str  # DECLARATION | EMIT | LISTENER | LITERAL (a constant's or enum member's string value)
    file: str
    span: Span  # the expression under the cursor
    project: str
    site: Site | None = None  # for LITERAL: one of the sites whose name is spelled there


# ---------------------------------------------------------------------------------------------------------
# Finding the target


@dataclass
class _FileSites:
    direct: dict[str, list[tuple[Span, str, Site]]] = field(default_factory=dict)  # file → sites
    literals: dict[str, list[tuple[Span, Site]]] = field(default_factory=dict)  # file → literal spans


_locator_cache: dict[int, tuple[object, _FileSites]] = {}


def _locator(index: EventIndex) -> _FileSites:
    """Sites by file, rebuilt whenever the index's event table was (it is replaced on every update)."""
    events = index.events
    cached = _locator_cache.get(id(index))
    if cached is not None and cached[0] is events:
        return cached[1]
    table = _FileSites()
    for entry in events.values():
        for role, sites in ((DECLARATION, entry.declarations), (EMIT, entry.emits), (LISTENER, entry.listeners)):
            for site in sites:
                table.direct.setdefault(site.file, []).append((site.span, role, site))
                if site.literal is not None and site.literal[1].span is not None:
                    table.literals.setdefault(site.literal[0], []).append((site.literal[1].span, site))
    if len(_locator_cache) > 16:
        _locator_cache.clear()
    _locator_cache[id(index)] = (events, table)
    return table


def target_at(index: EventIndex, file: str, offset: int) -> Target | None:
    """The event-name expression containing `offset` in `file`, the innermost one when several do."""
    table = _locator(index)
    best: Target | None = None
    for span, role, site in table.direct.get(file, ()):
        if span.contains_byte(offset) and (best is None or _width(span) < _width(best.span)):
            best = Target(site.event, role, file, span, site.project, site)
    if best is not None:
        return best
    for span, site in table.literals.get(file, ()):
        if span.contains_byte(offset) and (best is None or _width(span) < _width(best.span)):
            best = Target(site.event, LITERAL, file, span, site.project, site)
    return best


def _width(span: Span) -> int:
    return span.end_byte - span.start_byte


def dynamic_site_at(index: EventIndex, file: str, offset: int) -> DynamicSite | None:
    for site in index.dynamic_sites():
        if site.file == file and site.span.contains_byte(offset):
            return site
    return None


# ---------------------------------------------------------------------------------------------------------
# Definition, declaration, references


def _in_project(sites: Iterable[Site], project: str) -> list[Site]:
    return [site for site in sites if site.project == project]


def _locations(sites: Iterable[Site]) -> list[Location]:
    seen: set[tuple[str, int]] = set()
    out: list[Location] = []
    for site in sites:
        key = (site.file, site.span.start_byte)
        if key not in seen:
            seen.add(key)
            out.append(Location(site.file, site.span))
    return out


def definitions(index: EventIndex, target: Target) -> list[Location]:
    """An emit → its listeners; a listener → its emits; a map key or a constant's value → both."""
    entry = index.event(target.event)
    if entry is None:
        return []
    if target.role == EMIT:
        sites: list[Site] = list(entry.listeners)
    elif target.role == LISTENER:
        sites = list(entry.emits)
    else:
        sites = [*entry.emits, *entry.listeners]
    return _locations(_in_project(sites, target.project))


def declarations(index: EventIndex, target: Target) -> list[Location]:
    entry = index.event(target.event)
    if entry is None:
        return []
    return _locations(_in_project(entry.declarations, target.project) or entry.declarations)


def references(index: EventIndex, target: Target, include_declaration: bool = True) -> list[Location]:
    entry = index.event(target.event)
    if entry is None:
        return []
    sites: list[Site] = [*entry.emits, *entry.listeners]
    if include_declaration:
        sites = [*entry.declarations, *sites]
    return _locations(_in_project(sites, target.project))


# ---------------------------------------------------------------------------------------------------------
# Rename


class RenameRefused(Exception):
    """The rename cannot be done safely; the message says why, for the user."""


@dataclass(frozen=True)
class Edit:
    file: str
    span: Span
    new_text: str


FORBIDDEN_IN_NAMES = ('"', "'", "`", "\\", "\n", "\r", "${")


def _inner(span: Span) -> Span:
    """The content of a one-line quoted literal (every quote character is one byte and one code point)."""
    return Span(span.start_byte + 1, span.end_byte - 1, span.start_line, span.start_col + 1, span.end_line, span.end_col - 1)


def _is_identifier(name: str) -> bool:
    return bool(name) and not name[0].isdigit() and all(ch.isalnum() or ch in "_$" for ch in name)


def _spelling(site: Site) -> tuple[str, Span, bool] | None:
    """Where the event name of a site is written: (file, span, quoted)."""
    if site.literal is not None and site.literal[1].span is not None:
        file, lit = site.literal
        return file, lit.span, True
    if isinstance(site, DeclarationSite) and isinstance(site.declaration.name, Lit):
        span = site.span
        width = span.end_byte - span.start_byte
        size = len(site.event.encode("utf-8"))
        if width == size + 2 and span.start_line == span.end_line:
            return site.file, span, True
        if width == size:
            return site.file, span, False  # an identifier key: `notification: (...) => void`
    return None


def rename_range(index: EventIndex, target: Target) -> tuple[Span, str]:
    """What prepareRename shows: the name's text under the cursor (inside the quotes) and its value."""
    _check_renamable(index, target)
    if target.role == LITERAL or (target.site is not None and _spelled_at(target.site, target.file, target.span)):
        spelling = _spelling(target.site) if target.site is not None else None
        if spelling is not None and spelling[2]:
            return _inner(spelling[1]), target.event
        if spelling is not None:
            return spelling[1], target.event
    return target.span, target.event  # a constant or enum member: the edit lands on its value elsewhere


def _spelled_at(site: Site, file: str, span: Span) -> bool:
    spelling = _spelling(site)
    return spelling is not None and spelling[0] == file and spelling[1].start_byte >= span.start_byte and spelling[1].end_byte <= span.end_byte


def _emitting_side(direction: Direction | None) -> set[Side]:
    if direction == Direction.SERVER_TO_CLIENT or direction == Direction.INTER_SERVER:
        return {Side.SERVER}
    if direction == Direction.CLIENT_TO_SERVER:
        return {Side.CLIENT}
    return {Side.SERVER, Side.CLIENT}


def _listening_side(direction: Direction | None) -> set[Side]:
    if direction == Direction.SERVER_TO_CLIENT:
        return {Side.CLIENT}
    if direction in (Direction.CLIENT_TO_SERVER, Direction.INTER_SERVER):
        return {Side.SERVER}
    return {Side.SERVER, Side.CLIENT}


def blocking_dynamic_sites(index: EventIndex, entry: EventEntry, project: str) -> list[DynamicSite]:
    """Dynamic sites (event name computed at run time) that could be this event, so a rename would miss them.

    Rule: a dynamic emit in the same project blocks the rename when it is on the side that emits events of
    this direction (a server emit for a server-to-client or inter-server event, a client emit for a
    client-to-server one); a dynamic listener likewise when it is on the listening side. An event of unknown
    direction is blocked by any dynamic site of its project."""
    direction = entry.direction
    blocking: list[DynamicSite] = []
    for site in index.dynamic_sites():
        if index.workspace.project_of(site.file) != project:
            continue
        sides = _emitting_side(direction) if site.kind == "emit" else _listening_side(direction)
        if site.side in sides:
            blocking.append(site)
    return blocking


def _check_renamable(index: EventIndex, target: Target) -> EventEntry:
    entry = index.event(target.event)
    if entry is None:
        raise RenameRefused(f'"{target.event}" is not a known event')
    blocking = blocking_dynamic_sites(index, entry, target.project)
    if blocking:
        where = ", ".join(f"{d.file}:{d.span.start_line + 1} ({d.expression})" for d in blocking[:3])
        more = f" and {len(blocking) - 3} more" if len(blocking) > 3 else ""
        raise RenameRefused(
            f'Cannot rename "{target.event}": {_dynamic_kind(blocking[0])} whose event name is computed at run time '
            f"could be this event and would not be renamed: {where}{more}"
        )
    return entry


def _dynamic_kind(site: DynamicSite) -> str:
    return f"a {site.side.value} emit" if site.kind == "emit" else f"a {site.side.value} listener"


def rename_plan(index: EventIndex, target: Target, new_name: str) -> list[Edit]:
    """Every edit that renames the event: map keys, literals, and the string value of constants / enum
    members that hold the name (never the constants' identifiers). Raises `RenameRefused`."""
    entry = _check_renamable(index, target)
    if not new_name or any(bad in new_name for bad in FORBIDDEN_IN_NAMES):
        raise RenameRefused(f"{new_name!r} is not a valid event name here (no quotes, backslashes or line breaks)")
    if new_name == target.event:
        return []
    if new_name in RESERVED_EVENTS:
        raise RenameRefused(f'"{new_name}" is reserved by socket.io')
    if index.event(new_name) is not None:
        raise RenameRefused(f'An event named "{new_name}" already exists')
    edits: dict[tuple[str, int], Edit] = {}
    sites = _in_project([*entry.declarations, *entry.emits, *entry.listeners], target.project)
    for site in sites:
        spelling = _spelling(site)
        if spelling is None:
            raise RenameRefused(
                f'Cannot rename "{target.event}": the name used at {site.file}:{site.span.start_line + 1} is not '
                "spelled as a string literal anywhere socketlens can edit"
            )
        file, span, quoted = spelling
        if quoted:
            edit = Edit(file, _inner(span), new_name)
        else:
            edit = Edit(file, span, new_name if _is_identifier(new_name) else f'"{new_name}"')
        edits[(file, edit.span.start_byte)] = edit
    return sorted(edits.values(), key=lambda e: (e.file, e.span.start_byte))


# ---------------------------------------------------------------------------------------------------------
# Hover

DIRECTION_TEXT = {
    Direction.SERVER_TO_CLIENT: "server → client",
    Direction.CLIENT_TO_SERVER: "client → server",
    Direction.INTER_SERVER: "server ↔ server",
}
HOVER_LIST_LIMIT = 6

LinkFor = Callable[[str, Span], str]


def _emit_scope(site: EmitSite) -> str:
    scope = site.scope.value if isinstance(site.scope, Scope) else str(site.scope)
    if site.rooms:
        return f"{scope} `` {site.rooms[0]} ``" + (f" +{len(site.rooms) - 1}" if len(site.rooms) > 1 else "")
    return scope


def _site_lines(sites: list, describe: Callable, link: LinkFor) -> list[str]:
    lines = []
    for site in sites[:HOVER_LIST_LIMIT]:
        label = f"{site.file}:{site.span.start_line + 1}"
        lines.append(f"- [{label}]({link(site.file, site.span)}) — {describe(site)}")
    if len(sites) > HOVER_LIST_LIMIT:
        rest = sites[HOVER_LIST_LIMIT:]
        files = len({s.file for s in rest})
        lines.append(f"- … and {len(rest)} more in {files} file{'s' if files != 1 else ''}")
    return lines


def hover_markdown(index: EventIndex, target: Target, link: LinkFor) -> str | None:
    entry = index.event(target.event)
    if entry is None:
        return None
    declarations = _in_project(entry.declarations, target.project) or entry.declarations
    emits = _in_project(entry.emits, target.project)
    listeners = _in_project(entry.listeners, target.project)
    direction = entry.direction
    head = f"**`{entry.name}`** · " + (DIRECTION_TEXT[direction] if direction else "direction unknown")
    if not declarations:
        head += " · *not declared in any event map*"
    parts = [head]
    declaration = declarations[0] if declarations else None
    if declaration is not None and declaration.payload is not None:
        parts.append(f"```ts\n({declaration.payload}) => void\n```")
    if declaration is not None and declaration.doc:
        parts.append(declaration.doc)
    if declaration is not None:
        parts.append(
            f"Declared in `{declaration.declaration.map_name}` at "
            f"[{declaration.file}:{declaration.span.start_line + 1}]({link(declaration.file, declaration.span)})"
        )
    emitted = [f"**Emitted** ({len(emits)})"]
    emitted += _site_lines(emits, lambda s: f"{s.side.value}, {_emit_scope(s)}", link) or ["- none"]
    parts.append("\n".join(emitted))
    heard = [f"**Listeners** ({len(listeners)})"]
    heard += _site_lines(listeners, lambda s: f"{s.side.value} {s.kind.value}", link) or ["- none"]
    parts.append("\n".join(heard))
    return "\n\n".join(parts)


# ---------------------------------------------------------------------------------------------------------
# Completion

EVENT, ROOM = "event", "room"
INTER_SERVER_METHODS = frozenset({"serverSideEmit", "serverSideEmitWithAck"})
EMIT_METHODS = extractor_emit_methods - INTER_SERVER_METHODS  # the extractor's vocabulary, one home
LISTEN_METHODS = frozenset({"on", "once", "off", "addListener", "removeListener", "prependListener"})
ROOM_METHODS = ROOM_STEPS
SERVER_ROOTS = frozenset({"io", "nsp", "namespace", "server"})
_QUOTES = frozenset({'"', "'", "`"})
_STOPS = frozenset({";", "{", "}"})
_WINDOW = 600  # bytes looked back for the call's opening parenthesis


@dataclass(frozen=True)
class CompletionContext:
    kind: str  # EVENT | ROOM
    directions: frozenset[Direction] | None  # events offered; None: any
    quoted: bool  # the cursor is inside a string literal
    typed: str  # what is typed inside the string so far
    replace_start: int  # bytes the completion replaces (the string content; an empty range when unquoted)
    replace_end: int


def _leaves(node, start: int, end: int) -> Iterator:
    if node.end_byte <= start or node.start_byte >= end:
        return
    if node.child_count == 0:
        yield node
        return
    for child in node.children:
        yield from _leaves(child, start, end)


def _root_name(node) -> str:
    """`io` for `io.to(x).emit`, `socket` for `this.socket.emit`."""
    while node is not None:
        if node.type == "member_expression":
            node = node.child_by_field_name("object")
        elif node.type == "call_expression":
            node = node.child_by_field_name("function")
        elif node.type in ("identifier", "this"):
            return syntax.text(node)
        else:
            return syntax.text(node)
    return ""


def completion_context(
    source: bytes,
    grammar: str,
    offset: int,
    hooks: Iterable[str] = (),
    forwarders: dict[str, tuple[int, str]] | None = None,
    side: Side | None = None,
) -> CompletionContext | None:
    """Whether `offset` is in the event argument of an emit / on / once / hook call (or a wrapper's event
    parameter: `forwarders` maps function name → (parameter index, "emit" | "listen")), or in a room
    argument of `.to(` / `.in(` / `.except(`. Works on half-typed code: it reads the token sequence of
    tree-sitter's best-effort parse rather than requiring a well-formed call node."""
    tree = syntax.parser(grammar).parse(source)
    window = list(_leaves(tree.root_node, max(0, offset - _WINDOW), offset + _WINDOW))
    before = [leaf for leaf in window if leaf.start_byte < offset]
    depth, argument, paren_index = 0, 0, None
    for i in range(len(before) - 1, -1, -1):
        kind = before[i].type
        if kind in (")", "]"):
            depth += 1
        elif kind in ("(", "["):
            if depth == 0:
                if kind == "[":
                    return None
                paren_index = i
                break
            depth -= 1
        elif kind == "," and depth == 0:
            argument += 1
        elif kind in _STOPS and depth == 0:
            return None
    if paren_index is None or paren_index == 0:
        return None
    callee = before[paren_index - 1]
    if callee.type not in ("property_identifier", "identifier"):
        return None
    name = syntax.text(callee)
    receiver = ""
    if callee.type == "property_identifier" and callee.parent is not None and callee.parent.type == "member_expression":
        receiver = _root_name(callee.parent.child_by_field_name("object"))
    # Where the argument's text starts and whether it is a string being typed.
    after_paren = [leaf for leaf in before[paren_index + 1 :]]
    if argument:
        commas = [i for i, leaf in enumerate(after_paren) if leaf.type == ","]
        after_paren = after_paren[commas[-1] + 1 :] if commas else after_paren
    quoted, typed, replace_start, replace_end = False, "", offset, offset
    if after_paren and after_paren[0].type in _QUOTES:
        opening = after_paren[0]
        closing = [
            leaf
            for leaf in window
            if leaf.start_byte >= opening.end_byte
            and leaf.type == opening.type
            and leaf.start_point[0] == opening.start_point[0]  # an unclosed quote must not pair with a later line's
        ]
        if closing and closing[0].end_byte <= offset:
            return None  # after the closing quote
        quoted = True
        replace_start = opening.end_byte
        replace_end = closing[0].start_byte if closing else offset
        typed = source[replace_start:offset].decode("utf-8", errors="replace")
    elif after_paren:
        return None  # an identifier or expression is already there: not ours to complete
    if callee.type == "property_identifier" and name in ROOM_METHODS:
        return CompletionContext(ROOM, None, quoted, typed, replace_start, replace_end)
    role = None
    if callee.type == "property_identifier" and argument == 0:
        if name in EMIT_METHODS:
            role = "emit"
        elif name in LISTEN_METHODS:
            role = "listen"
        elif name in INTER_SERVER_METHODS:
            return CompletionContext(EVENT, frozenset({Direction.INTER_SERVER}), quoted, typed, replace_start, replace_end)
    elif callee.type == "identifier":
        if name in set(hooks) and argument == 0:
            return CompletionContext(EVENT, frozenset({Direction.SERVER_TO_CLIENT}), quoted, typed, replace_start, replace_end)
        forwarded = (forwarders or {}).get(name)
        if forwarded is not None and forwarded[0] == argument:
            role = forwarded[1]
            if role == "listen" and name.startswith("use"):
                return CompletionContext(EVENT, frozenset({Direction.SERVER_TO_CLIENT}), quoted, typed, replace_start, replace_end)
            if role == "emit" and side is None:
                side = Side.SERVER  # wrappers such as emitToOrg live on the server more often than not
    if role is None:
        return None
    if receiver in SERVER_ROOTS:
        side = Side.SERVER
    return CompletionContext(EVENT, _directions(role, side), quoted, typed, replace_start, replace_end)


def _directions(role: str, side: Side | None) -> frozenset[Direction] | None:
    if side is None:
        return None
    if role == "emit":
        return frozenset({Direction.SERVER_TO_CLIENT} if side == Side.SERVER else {Direction.CLIENT_TO_SERVER})
    if side == Side.SERVER:
        return frozenset({Direction.CLIENT_TO_SERVER, Direction.INTER_SERVER})
    return frozenset({Direction.SERVER_TO_CLIENT})


@dataclass(frozen=True)
class CompletionChoice:
    label: str
    insert_text: str
    detail: str | None
    documentation: str | None
    kind: str  # EVENT | ROOM


def event_completions(index: EventIndex, context: CompletionContext, project: str) -> list[CompletionChoice]:
    """Declared events of the project whose direction fits; every known event when nothing is declared."""
    entries = list(index.events.values())
    declared = [e for e in entries if _in_project(e.declarations, project)]
    pool = declared or [e for e in entries if project in e.projects]
    choices = []
    for entry in pool:
        if declared and context.directions is not None and entry.direction not in context.directions:
            continue
        declaration = (_in_project(entry.declarations, project) or [None])[0]
        detail = f"({declaration.payload}) => void" if declaration is not None and declaration.payload else None
        direction = DIRECTION_TEXT.get(entry.direction) if entry.direction else None
        doc = "\n\n".join(part for part in (direction, declaration.doc if declaration else None) if part) or None
        text = entry.name if context.quoted else f'"{entry.name}"'
        choices.append(CompletionChoice(entry.name, text, detail, doc, EVENT))
    return choices


def room_completions(config: Config, context: CompletionContext) -> list[CompletionChoice]:
    choices = []
    for pattern in config.rooms:
        if context.quoted:
            text = pattern.prefix
        else:
            text = pattern.render(pattern.placeholder or "id")
        choices.append(CompletionChoice(pattern.prefix, text, pattern.template, f"{pattern.scope} room", ROOM))
    return choices


# ---------------------------------------------------------------------------------------------------------
# Symbols and code lens


@dataclass(frozen=True)
class EventSymbol:
    event: str
    file: str
    span: Span
    container: str | None  # the event map, for declarations
    detail: str | None


def workspace_symbols(index: EventIndex, query: str) -> list[EventSymbol]:
    """Events whose name contains the query, case-insensitively (`lead` finds `lead:new`)."""
    wanted = query.lower()
    out = []
    for entry in index.events.values():
        name = entry.name.lower()
        if wanted and wanted not in name:
            continue
        if entry.declarations:
            site = entry.declarations[0]
            out.append(EventSymbol(entry.name, site.file, site.span, site.declaration.map_name, site.payload))
        else:
            sites = [*entry.emits, *entry.listeners]
            if sites:
                out.append(EventSymbol(entry.name, sites[0].file, sites[0].span, None, "undeclared"))
    return sorted(out, key=lambda s: (not s.event.lower().startswith(wanted), s.event))


@dataclass(frozen=True)
class MapSymbol:
    name: str
    span: Span  # from the first to the last member
    members: tuple[EventSymbol, ...]


def document_symbols(index: EventIndex, file: str) -> list[MapSymbol]:
    """The event maps declared in a file and their members, in source order."""
    maps: dict[str, list[EventSymbol]] = {}
    sites = sorted(
        (s for s in index.sites_in_file(file) if isinstance(s, DeclarationSite)), key=lambda s: s.span.start_byte
    )
    for site in sites:
        maps.setdefault(site.declaration.map_name, []).append(
            EventSymbol(site.event, file, site.span, site.declaration.map_name, site.payload)
        )
    out = []
    for name, members in maps.items():
        first, last = members[0].span, members[-1].span
        span = Span(first.start_byte, last.end_byte, first.start_line, first.start_col, last.end_line, last.end_col)
        out.append(MapSymbol(name, span, tuple(members)))
    return out


@dataclass(frozen=True)
class Lens:
    span: Span
    event: str
    emitters: int
    listeners: int
    locations: tuple[Location, ...]

    @property
    def title(self) -> str:
        def plural(n: int, word: str) -> str:
            return f"{n} {word}{'' if n == 1 else 's'}"

        return f"{plural(self.emitters, 'emitter')} · {plural(self.listeners, 'listener')}"


def code_lenses(index: EventIndex, file: str) -> list[Lens]:
    """One lens per event-map member and per emit of the file."""
    lenses = []
    for site in index.sites_in_file(file):
        if isinstance(site, ListenerSite):
            continue
        entry = index.event(site.event)
        if entry is None:
            continue
        emits = _in_project(entry.emits, site.project)
        listeners = _in_project(entry.listeners, site.project)
        lenses.append(Lens(site.span, site.event, len(emits), len(listeners), tuple(_locations([*emits, *listeners]))))
    return sorted(lenses, key=lambda lens: lens.span.start_byte)


__all__ = [
    "CompletionChoice",
    "CompletionContext",
    "Edit",
    "EventSymbol",
    "Lens",
    "Location",
    "MapSymbol",
    "RenameRefused",
    "Target",
    "blocking_dynamic_sites",
    "code_lenses",
    "completion_context",
    "declarations",
    "definitions",
    "document_symbols",
    "dynamic_site_at",
    "event_completions",
    "hover_markdown",
    "references",
    "rename_plan",
    "rename_range",
    "room_completions",
    "target_at",
    "workspace_symbols",
]
