"""Shared helpers of the rules: reading `Finding`s, telling socket receivers apart, building edits.

Not a rule itself (registers nothing).
"""

from __future__ import annotations

from bisect import bisect_right
from typing import Iterator

from socketlens.analysis.rules import RuleContext, TextEdit
from socketlens.extract.syntax import LineIndex
from socketlens.extract.vocabulary import looks_like_socket_name
from socketlens.index.event_index import EmitSite, EventIndex
from socketlens.index.resolve import Resolution
from socketlens.model import Finding, Ref, SocketKind, Span

SOCKET_KINDS = frozenset(
    {SocketKind.SERVER.value, SocketKind.NAMESPACE.value, SocketKind.SERVER_SOCKET.value, SocketKind.CLIENT_SOCKET.value}
)


def resolution(index: EventIndex) -> Resolution:
    return index.resolution()


def findings(index: EventIndex, code: str) -> Iterator[tuple[str, Finding]]:
    yield from index.findings(code)


def wanted_findings(context: RuleContext, code: str) -> Iterator[tuple[str, Finding]]:
    """`findings` in the files whose diagnostics the context wants (a rule reporting each at its own file)."""
    for rel, finding in context.index.findings(code):
        if context.wants(rel):
            yield rel, finding


def data(finding: Finding) -> dict[str, str]:
    return dict(finding.data)


def receiver_kind(index: EventIndex, rel: str, root: str, kind: str) -> str | None:
    """The receiver's socket kind (a finding's string), resolving an imported name; None when unknown."""
    if kind:
        return kind
    resolved, _ = index.receiver_kind(index.resolution(), rel, root, None, None)
    return resolved.value if resolved is not None else None


def is_socket_receiver(index: EventIndex, rel: str, root: str, kind: str) -> bool:
    """The same judgement the index makes for emits and listeners: a known socket, or an unresolved name
    that reads like one in a package that uses socket.io."""
    resolved = receiver_kind(index, rel, root, kind)
    if resolved == SocketKind.NOT_SOCKET.value:
        return False
    if resolved is None and not looks_like_socket_name(root):
        return False
    return index.may_use_socketio(rel)


def finding_event(index: EventIndex, rel: str, values: dict[str, str]) -> str | None:
    """The event name a finding's `event` / `event_ref` spells, resolved across files."""
    if "event" in values:
        return values["event"]
    ref = values.get("event_ref")
    if not ref:
        return None
    head, *rest = ref.split(".")
    named = resolution(index).event_name(rel, Ref(head, tuple(rest)))
    return named[0] if named else None


def payload_spans(index: EventIndex, site: EmitSite) -> tuple[str, tuple[Span, ...]]:
    """(file, spans) of an emit's payload arguments: the call's own, or for an emit made through a wrapper
    (`emitToOrg(orgId, "x", payload)`), the wrapper call's arguments after the event."""
    if site.via is None:
        return site.emit_file, site.emit.payload_spans
    spans = site.via.arg_spans
    for position, span in enumerate(spans):
        if span == site.span:
            return site.file, tuple(spans[position + 1 :])
    return site.file, ()


def module_layout(index: EventIndex, rel: str) -> dict[str, str]:
    """Where imports end in a file, and the local name of `jsonwebtoken` if imported."""
    facts = index.facts_of(rel)
    found = next((f for f in facts.findings if f.code == "module-layout"), None) if facts else None
    return data(found) if found is not None else {}


class Source:
    """A file's text with byte offsets → `Span`s, for building edits."""

    def __init__(self, rel: str, source: str):
        self.rel = rel
        self.text = source
        self.data = source.encode("utf-8")
        self.lines = LineIndex(self.data)

    @classmethod
    def read(cls, context: RuleContext, rel: str) -> "Source | None":
        source = context.read_text(rel)
        return cls(rel, source) if source is not None else None

    def point(self, offset: int) -> tuple[int, int]:
        line = bisect_right(self.lines.line_starts, offset) - 1
        return line, self.lines.column(line, offset - self.lines.line_starts[line])

    def span(self, start: int, end: int | None = None) -> Span:
        end = start if end is None else end
        (sl, sc), (el, ec) = self.point(start), self.point(end)
        return Span(start, end, sl, sc, el, ec)

    def slice(self, start: int, end: int) -> str:
        return self.data[start:end].decode("utf-8", errors="replace")

    def edit(self, start: int, end: int | None, new_text: str) -> TextEdit:
        return TextEdit(self.rel, self.span(start, end), new_text)

    def line_start(self, line: int) -> int:
        return self.lines.line_starts[line]

    def indent_of_line(self, line: int) -> str:
        start = self.lines.line_starts[line]
        end = self.lines.line_starts[line + 1] if line + 1 < len(self.lines.line_starts) else len(self.data)
        raw = self.data[start:end].decode("utf-8", errors="replace")
        return raw[: len(raw) - len(raw.lstrip(" \t"))]


def suppression_fix(context: RuleContext, file: str, span: Span, code: str, reason: str):
    """A fix inserting `// socketlens-ignore <code>: <reason>` (`#` in Python) on the line above."""
    from socketlens.analysis.rules import Fix

    source = Source.read(context, file)
    if source is None:
        return None
    indent = source.indent_of_line(span.start_line)
    start = source.line_start(span.start_line)
    comment = "#" if file.endswith(".py") else "//"
    return Fix(
        title=f"Suppress {code} here (with a reason)",
        edits=(source.edit(start, start, f"{indent}{comment} socketlens-ignore {code}: {reason}\n"),),
    )
