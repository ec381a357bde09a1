"""A file's code style (quotes, semicolons, indentation), learned from its own syntax tree, and the
restyling of generated snippets so that inserted code reads like the code around it."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from socketlens.extract.syntax import Node


@dataclass(frozen=True)
class Style:
    quote: str = '"'
    semicolons: bool = True
    indent: str = "  "

    def q(self, value: str) -> str:
        """`value` as a string literal in this style."""
        escaped = value.replace("\\", "\\\\").replace(self.quote, "\\" + self.quote)
        return f"{self.quote}{escaped}{self.quote}"

    @property
    def semi(self) -> str:
        return ";" if self.semicolons else ""


DEFAULT_STYLE = Style()

_STATEMENTS = frozenset(
    {"import_statement", "lexical_declaration", "expression_statement", "return_statement", "export_statement"}
)


def detect_style(root: Node, data: bytes, fallback: Style = DEFAULT_STYLE) -> Style:
    """Majority vote over the file: string literals for quotes, simple statements for semicolons, the
    smallest indentation step for the indent."""
    quotes: Counter[str] = Counter()
    semis: Counter[bool] = Counter()
    stack = [root]
    while stack:
        node = stack.pop()
        if node.type == "string" and node.text:
            first = node.text[:1].decode()
            if first in ("'", '"') and node.parent is not None and node.parent.type != "jsx_attribute":
                quotes[first] += 1
            continue
        if node.type in _STATEMENTS and node.parent is not None and node.parent.type in ("program", "statement_block"):
            if node.type != "export_statement" or node.child_by_field_name("declaration") is None:
                semis[bool(node.text) and node.text.rstrip().endswith(b";")] += 1
        stack.extend(node.children)
    indents: Counter[str] = Counter()
    previous = 0
    for line in data.decode("utf-8", errors="replace").splitlines():
        if not line.strip():
            continue
        stripped = line.lstrip(" \t")
        width = line[: len(line) - len(stripped)]
        if width.startswith("\t"):
            indents["\t"] += 1
        elif len(width) > previous and not stripped.startswith("*"):
            indents[" " * (len(width) - previous)] += 1
        previous = len(width) if not width.startswith("\t") else previous
    indent = fallback.indent
    if indents:
        candidates = [(count, -len(step)) for step, count in indents.items() if step in ("\t", "  ", "    ")]
        if candidates:
            best = max(indents.items(), key=lambda kv: (kv[0] in ("\t", "  ", "    "), kv[1]))
            indent = best[0]
    return Style(
        quote=quotes.most_common(1)[0][0] if quotes else fallback.quote,
        semicolons=semis.most_common(1)[0][0] if semis else fallback.semicolons,
        indent=indent,
    )


def restyle(template: str, style: Style) -> str:
    """Our templates are written with double quotes, semicolons and two-space indentation, and hold no
    apostrophes or double quotes inside strings; this rewrites them into `style`."""
    out: list[str] = []
    for line in template.split("\n"):
        stripped = line.lstrip(" ")
        depth = (len(line) - len(stripped)) // 2
        rest = (len(line) - len(stripped)) % 2
        body = stripped
        if style.quote != '"':
            body = body.replace('"', style.quote)
        if not style.semicolons and body.endswith(";") and not body.startswith("for"):
            body = body[:-1]
        out.append(style.indent * depth + " " * rest + body if stripped else "")
    return "\n".join(out)
