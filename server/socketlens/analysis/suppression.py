"""Inline suppression: `// socketlens-ignore <code>: <reason>` on the line above or the same line, and
`// socketlens-ignore-file <code>` anywhere in a file (`#` comments in Python)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from socketlens.analysis.rules import Diagnostic, RuleContext

MARKER = "socketlens-ignore"


def _codes_in_comment(line: str, marker: str) -> set[str] | None:
    for opener in ("//", "#", "/*", "{/*"):
        at = line.find(opener + " " + marker)
        if at == -1:
            at = line.find(opener + marker)
        if at != -1:
            rest = line[line.index(marker, at) + len(marker) :]
            if marker == MARKER and rest.startswith("-file"):
                return None
            words = rest.split(":", 1)[0].replace(",", " ").split()
            return set(words) if words else {"*"}
    return None


def is_suppressed(context: "RuleContext", diagnostic: "Diagnostic") -> bool:
    source = context.read_text(diagnostic.file)
    if not source or MARKER not in source:
        return False
    lines = source.splitlines()
    line_no = diagnostic.span.start_line
    for candidate in (line_no, line_no - 1):
        if 0 <= candidate < len(lines):
            codes = _codes_in_comment(lines[candidate], MARKER)
            if codes is not None and (diagnostic.code in codes or "*" in codes):
                return True
    for line in lines:
        codes = _codes_in_comment(line, MARKER + "-file")
        if codes is not None and (diagnostic.code in codes or "*" in codes):
            return True
    return False
