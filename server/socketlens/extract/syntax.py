"""Small helpers over tree-sitter nodes shared by the TS/JS extractors: spans, text, literal values."""

from __future__ import annotations

from functools import lru_cache
from itertools import accumulate

import tree_sitter
import tree_sitter_javascript
import tree_sitter_typescript

from socketlens.model import Span

Node = tree_sitter.Node


@lru_cache(maxsize=None)
def language(name: str) -> tree_sitter.Language:
    if name == "typescript":
        return tree_sitter.Language(tree_sitter_typescript.language_typescript())
    if name == "tsx":
        return tree_sitter.Language(tree_sitter_typescript.language_tsx())
    if name == "javascript":
        return tree_sitter.Language(tree_sitter_javascript.language())
    raise ValueError(f"no tree-sitter grammar for {name!r}")


class FieldIds:
    """Ids of the fields the extractors read most often, in one grammar (every TS/JS grammar has them):
    `child_by_field_id` spares each call the scan of the grammar's field names `child_by_field_name` does."""

    def __init__(self, grammar: tree_sitter.Language):
        def field(name: str) -> int:
            field_id = grammar.field_id_for_name(name)
            assert field_id is not None, name
            return field_id

        self.function = field("function")
        self.arguments = field("arguments")
        self.object = field("object")
        self.property = field("property")
        self.name = field("name")
        self.value = field("value")


@lru_cache(maxsize=None)
def field_ids(name: str) -> FieldIds:
    return FieldIds(language(name))


def parser(name: str) -> tree_sitter.Parser:
    # Parsers are cheap to create but not thread-safe to share; one per call keeps extraction pure.
    return tree_sitter.Parser(language(name))


class LineIndex:
    """Turns byte offsets of one UTF-8 buffer into (line, code-point column) pairs."""

    def __init__(self, data: bytes):
        self.data = data
        # A line starts where the ones before it, newlines included, end: a running sum of their lengths.
        lengths = (len(line) + 1 for line in data.split(b"\n"))
        self.line_starts = list(accumulate(lengths, initial=0))[:-1]

    def column(self, line: int, byte_col: int) -> int:
        start = self.line_starts[line]
        chunk = self.data[start : start + byte_col]
        if chunk.isascii():
            return byte_col
        return len(chunk.decode("utf-8", errors="replace"))

    def span(self, node: Node) -> Span:
        (sl, sc), (el, ec) = node.start_point, node.end_point
        return Span(
            node.start_byte, node.end_byte, sl, self.column(sl, sc), el, self.column(el, ec)
        )

def text(node: Node | None) -> str:
    if node is None:
        return ""
    return node.text.decode("utf-8", "replace")


def is_const_declaration(declaration: Node | None) -> bool:
    """`const x = ...` (a lexical declaration with the `const` keyword), not `let` or `var`."""
    return declaration is not None and any(not c.is_named and c.type == "const" for c in declaration.children)


def squash(value: str) -> str:
    """Collapse every run of whitespace to one space (payload types spread over lines read as one)."""
    return " ".join(value.split())


# Wrappers that do not change a value: parentheses, `as const`, `satisfies T`, `x!`, `<T>x`.
WRAPPER_TYPES = frozenset(
    {"parenthesized_expression", "as_expression", "satisfies_expression", "non_null_expression", "type_assertion"}
)


def unwrap(node: Node | None) -> Node | None:
    """Strip wrappers that do not change a value: parentheses, `as const`, `satisfies T`, `x!`."""
    while node is not None and node.type in WRAPPER_TYPES:
        inner = node.named_children
        if not inner:
            return node
        node = inner[-1] if node.type == "type_assertion" else inner[0]
    return node


def string_value(node: Node | None) -> str | None:
    """The value of a string literal or a template literal without substitutions; None otherwise."""
    node = unwrap(node)
    if node is None:
        return None
    if node.type == "string":
        parts = []
        for child in node.named_children:
            if child.type == "string_fragment":
                parts.append(text(child))
            elif child.type == "escape_sequence":
                parts.append(_unescape(text(child)))
        return "".join(parts)
    if node.type == "template_string":
        parts = []
        for child in node.named_children:
            if child.type == "template_substitution":
                return None
            if child.type == "string_fragment":
                parts.append(text(child))
            elif child.type == "escape_sequence":
                parts.append(_unescape(text(child)))
        return "".join(parts)
    return None


def static_prefix(node: Node | None) -> str | None:
    """The text a string-building expression is known to start with: `org:` for `\\`org:${id}\\``,
    `"org:" + id`, or `"org:".concat(id)`. None when the start is not static."""
    # Iterative: a long `a + b + c + ...` nests to the left deeper than Python's recursion limit.
    node = unwrap(node)
    while node is not None:
        if node.type == "binary_expression":
            operator = node.child_by_field_name("operator")
            if operator is None or text(operator) != "+":
                return None
            node = unwrap(node.child_by_field_name("left"))
            continue
        if node.type == "call_expression":  # "org:".concat(id)
            callee = node.child_by_field_name("function")
            if callee is None or callee.type != "member_expression":
                return None
            if text(callee.child_by_field_name("property")) != "concat":
                return None
            node = unwrap(callee.child_by_field_name("object"))
            continue
        whole = string_value(node)
        if whole is not None:
            return whole
        if node.type == "template_string":
            return _template_head(node)
        return None
    return None


def _template_head(node: Node) -> str:
    parts = []
    for child in node.named_children:
        if child.type == "template_substitution":
            break
        if child.type == "string_fragment":
            parts.append(text(child))
        elif child.type == "escape_sequence":
            parts.append(_unescape(text(child)))
    return "".join(parts)


def _unescape(seq: str) -> str:
    simple = {"\\n": "\n", "\\t": "\t", "\\r": "\r", "\\'": "'", '\\"': '"', "\\\\": "\\", "\\`": "`"}
    return simple.get(seq, seq[1:] if len(seq) == 2 else seq)


def member_path(node: Node | None) -> tuple[str, ...] | None:
    """`a.b.c` → ("a", "b", "c"); `a["b"]` → ("a", "b"); None for anything else."""
    # Iterative: generated code chains members deeper than Python's recursion limit.
    reversed_path: list[str] = []
    node = unwrap(node)
    while node is not None:
        if node.type in ("identifier", "this"):
            reversed_path.append(text(node))
            return tuple(reversed(reversed_path))
        if node.type == "member_expression":
            prop = node.child_by_field_name("property")
            if prop is None:
                return None
            reversed_path.append(text(prop))
        elif node.type == "subscript_expression":
            key = string_value(node.child_by_field_name("index"))
            if key is None:
                return None
            reversed_path.append(key)
        else:
            return None
        node = unwrap(node.child_by_field_name("object"))
    return None


def jsdoc_before(node: Node) -> str | None:
    """The JSDoc block immediately before `node` (only comments between), cleaned of its markers."""
    prev = node.prev_sibling
    while prev is not None and prev.type == "comment":
        body = text(prev)
        if body.startswith("/**"):
            return clean_jsdoc(body)
        prev = prev.prev_sibling
    return None


def clean_jsdoc(body: str) -> str | None:
    body = body[3:-2] if body.endswith("*/") else body[3:]
    lines = []
    for line in body.splitlines():
        line = line.strip()
        if line.startswith("*"):
            line = line[1:].strip()
        lines.append(line)
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines) or None


FUNCTION_TYPES = frozenset(
    {
        "function_declaration",
        "function_expression",
        "function",
        "arrow_function",
        "method_definition",
        "generator_function_declaration",
        "generator_function",
    }
)


def parameter_names(function: Node) -> list[str | None]:
    """Names of a function's parameters by position (None for destructured ones); `...rest` counts."""
    params = function.child_by_field_name("parameters")
    if params is None:
        single = function.child_by_field_name("parameter")  # `x => ...`
        return [text(single)] if single is not None else []
    names: list[str | None] = []
    for param in params.named_children:
        if param.type == "comment":
            continue
        names.append(_param_name(param))
    return names


def _param_name(param: Node) -> str | None:
    if param.type in ("required_parameter", "optional_parameter"):
        pattern = param.child_by_field_name("pattern")
        return _param_name(pattern) if pattern is not None else None
    if param.type == "identifier":
        return text(param)
    if param.type == "assignment_pattern":
        return _param_name(param.child_by_field_name("left"))
    if param.type == "rest_pattern":
        inner = param.named_children
        return text(inner[0]) if inner and inner[0].type == "identifier" else None
    return None


def parameter_type(function: Node, index: int) -> Node | None:
    """The type annotation node of the index-th parameter, if any."""
    params = function.child_by_field_name("parameters")
    if params is None:
        return None
    real = [p for p in params.named_children if p.type != "comment"]
    return annotation_type(real[index]) if index < len(real) else None


def annotation_type(declaration: Node) -> Node | None:
    """The type of a declaration's `: T` annotation (a parameter, a field, a variable, a property signature)."""
    annotation = declaration.child_by_field_name("type")
    return annotation.named_children[0] if annotation is not None and annotation.named_children else None
