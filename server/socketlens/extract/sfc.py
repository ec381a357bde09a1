"""Single-file components (.vue, .svelte): the `<script>` blocks are TS/JS; everything else is not ours.

Finding the blocks is a small scan of the HTML-like outer markup (tags, quoted attributes, comments,
`{{ }}`/`{ }` expressions), never of the script text itself: a block ends at the first `</script`, exactly
as Vue's and Svelte's compilers (and browsers) end it.

Each block is extracted by the TS/JS extractor from a copy of the file in which every byte outside the
block is blanked to a space (newlines kept). Byte offsets and lines therefore come out in file
coordinates by construction — including the byte offsets rules keep in `Finding.data` (fix insertion
points), which no span shifter could know about. The one thing blanking cannot keep is the code-point
column on the block's first line when non-ASCII text precedes the block on that line; `shift_spans`
corrects those few spans by walking the facts generically.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Callable, TypeVar

from socketlens.extract.typescript import extract_typescript
from socketlens.extract.vocabulary import ExtractOptions
from socketlens.model import FileFacts, Span, empty_facts


# `lang="..."` / `type="..."` values → tree-sitter grammar. Anything else (json, x-template...) is skipped.
_GRAMMAR_OF_LANG = {
    "": "javascript",
    "js": "javascript",
    "javascript": "javascript",
    "jsx": "javascript",  # tree-sitter-javascript parses JSX
    "mjs": "javascript",
    "ts": "typescript",
    "typescript": "typescript",
    "tsx": "tsx",
}
_GRAMMAR_OF_TYPE = {
    "": "javascript",
    "module": "javascript",
    "text/javascript": "javascript",
    "application/javascript": "javascript",
    "text/typescript": "typescript",
    "application/typescript": "typescript",
    "ts": "typescript",
}
_VOID_ELEMENTS = frozenset(
    b"area base br col embed hr img input link meta param source track wbr".split()
)
_RAW_TEXT_ELEMENTS = frozenset({b"script", b"style", b"textarea", b"title"})


@dataclass(frozen=True, slots=True)
class ScriptBlock:
    """The content of one top-level `<script>` element (between `>` and `</script`)."""

    start: int  # byte offsets into the file
    end: int
    grammar: str  # typescript | tsx | javascript
    attributes: tuple[tuple[str, str], ...] = ()  # lower-cased names; "" for a value-less attribute

    def contains(self, offset: int) -> bool:
        return self.start <= offset <= self.end


def script_blocks(data: bytes, language: str = "vue") -> list[ScriptBlock]:
    """Every top-level `<script>` block of a component, in file order. Blocks with a `src` attribute or a
    non-script `type`/`lang` are left out; scripts nested in markup (`<svelte:head><script>`) too."""
    scanner = _Scanner(data, vue=language == "vue")
    return scanner.blocks()


def script_block_at(data: bytes, language: str, offset: int) -> ScriptBlock | None:
    """The script block holding byte `offset`, for features that parse around the cursor (completion)."""
    return next((block for block in script_blocks(data, language) if block.contains(offset)), None)


def blanked(data: bytes, block: ScriptBlock) -> bytes:
    """`data` with every byte outside `block` turned into a space, line breaks kept: same length, same lines."""
    before = data[: block.start].translate(_BLANK)
    after = data[block.end :].translate(_BLANK)
    return before + data[block.start : block.end] + after


_BLANK = bytes(byte if byte in b"\n\r" else 0x20 for byte in range(256))


def extract_sfc(rel: str, data: bytes, language: str, content_hash: str, options: ExtractOptions) -> FileFacts:
    """The facts of every script block of a .vue/.svelte file, merged, positioned in the file."""
    merged = empty_facts(rel, language, content_hash)
    for block in script_blocks(data, language):
        facts = extract_typescript(rel, blanked(data, block), block.grammar, content_hash, options)
        facts = _fix_first_line_columns(data, block, facts)
        merged = merge_facts(merged, facts)
    return merged


def merge_facts(into: FileFacts, other: FileFacts) -> FileFacts:
    """Concatenate every tuple field, OR every flag; path, language and hash stay those of `into`."""
    changes: dict[str, object] = {}
    for field in dataclasses.fields(FileFacts):
        mine, theirs = getattr(into, field.name), getattr(other, field.name)
        if isinstance(mine, tuple):
            changes[field.name] = mine + theirs
        elif isinstance(mine, bool):
            changes[field.name] = mine or theirs
    return dataclasses.replace(into, **changes)


# ---------------------------------------------------------------------------------------------------------
# Spans


T = TypeVar("T")


def shift_spans(value: T, move: Callable[[Span], Span]) -> T:
    """`value` with `move` applied to every `Span` inside it: dataclasses (frozen, slotted) and tuples are
    walked field by field, so fact fields added later are covered without touching this function."""
    if isinstance(value, Span):
        return move(value)  # type: ignore[return-value]
    if isinstance(value, tuple):
        items = tuple(shift_spans(item, move) for item in value)
        return value if all(a is b for a, b in zip(items, value)) else items  # type: ignore[return-value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {}
        for field in dataclasses.fields(value):
            old = getattr(value, field.name)
            new = shift_spans(old, move)
            if new is not old:
                changes[field.name] = new
        return dataclasses.replace(value, **changes) if changes else value  # type: ignore[type-var]
    return value


def _fix_first_line_columns(data: bytes, block: ScriptBlock, facts: FileFacts) -> FileFacts:
    line_start = data.rfind(b"\n", 0, block.start) + 1
    prefix = data[line_start : block.start]
    # Blanked, the prefix counts one column per byte; in the real file, one per code point.
    excess = len(prefix) - len(prefix.decode("utf-8", errors="replace"))
    if excess == 0:
        return facts
    line = data.count(b"\n", 0, block.start)

    def move(span: Span) -> Span:
        return dataclasses.replace(
            span,
            start_col=span.start_col - excess if span.start_line == line else span.start_col,
            end_col=span.end_col - excess if span.end_line == line else span.end_col,
        )

    return shift_spans(facts, move)


# ---------------------------------------------------------------------------------------------------------
# The markup scan


class _Scanner:
    """Walks the outer markup: text, comments, tags. Tracks element depth (void and self-closing elements
    do not nest) so that only top-level `<script>` elements count."""

    def __init__(self, data: bytes, vue: bool):
        self.data = data
        self.lower = data.lower()
        self.vue = vue
        self.brace_expressions = not vue  # Svelte: `{...}` in text and attributes is JS

    def blocks(self) -> list[ScriptBlock]:
        data, found, depth, pos = self.data, [], 0, 0
        size = len(data)
        while pos < size:
            byte = data[pos]
            if byte == 0x7B and self._expression_at(pos):  # `{`
                pos = self._skip_expression(pos)
                continue
            if byte != 0x3C:  # `<`
                pos += 1
                continue
            if data.startswith(b"<!--", pos):
                end = data.find(b"-->", pos + 4)
                pos = size if end < 0 else end + 3
                continue
            closing = data.startswith(b"</", pos)
            name_start = pos + (2 if closing else 1)
            name_end = name_start
            while name_end < size and _is_name_byte(data[name_end]):
                name_end += 1
            if name_end == name_start or not _is_name_start(data[name_start]):
                pos += 1  # `a < b`, `<=`: text
                continue
            name = self.lower[name_start:name_end]
            tag_end, attributes, self_closing = self._tag(name_end)
            if closing:
                depth = max(0, depth - 1)
                pos = tag_end
                continue
            if name in _RAW_TEXT_ELEMENTS or (depth == 0 and self._vue_raw_block(name, attributes)):
                content_end = self.lower.find(b"</" + name, tag_end)
                content_end = size if content_end < 0 else content_end
                if name == b"script" and depth == 0 and not self_closing:
                    grammar = _grammar_of(attributes)
                    if grammar is not None:
                        found.append(ScriptBlock(tag_end, content_end, grammar, attributes))
                close = data.find(b">", content_end)
                pos = size if close < 0 else close + 1
                continue
            if not self_closing and name not in _VOID_ELEMENTS:
                depth += 1
            pos = tag_end
        return found

    def _vue_raw_block(self, name: bytes, attributes: tuple[tuple[str, str], ...]) -> bool:
        """Vue reads every top-level block but an HTML `<template>` as raw text: `<docs>`, `<i18n>`, a pug
        template may spell `<script>` freely."""
        if not self.vue:
            return False
        return name != b"template" or dict(attributes).get("lang", "html").lower() != "html"

    def _tag(self, pos: int) -> tuple[int, tuple[tuple[str, str], ...], bool]:
        """From just after the tag name: (offset after `>`, attributes, whether it ends with `/>`)."""
        data, size = self.data, len(self.data)
        attributes: list[tuple[str, str]] = []
        while pos < size:
            byte = data[pos]
            if byte == 0x3E:  # `>`
                return pos + 1, tuple(attributes), data[pos - 1] == 0x2F
            if byte in b" \t\r\n\f/":
                pos += 1
                continue
            if byte == 0x7B and self.brace_expressions:  # `{...spread}` / `{shorthand}`
                pos = self._skip_expression(pos)
                continue
            name_start = pos
            while pos < size and data[pos] not in b" \t\r\n\f/>=":
                pos += 1
            name = data[name_start:pos].decode("utf-8", errors="replace").lower()
            value = ""
            while pos < size and data[pos] in b" \t\r\n\f":
                pos += 1
            if pos < size and data[pos] == 0x3D:  # `=`
                pos += 1
                while pos < size and data[pos] in b" \t\r\n\f":
                    pos += 1
                if pos < size and data[pos] in b"\"'":
                    end = data.find(data[pos : pos + 1], pos + 1)
                    end = size if end < 0 else end
                    value = data[pos + 1 : end].decode("utf-8", errors="replace")
                    pos = end + 1
                elif pos < size and data[pos] == 0x7B and self.brace_expressions:
                    end = self._skip_expression(pos)
                    value = data[pos:end].decode("utf-8", errors="replace")
                    pos = end
                else:
                    value_start = pos
                    while pos < size and data[pos] not in b" \t\r\n\f>":
                        pos += 1
                    value = data[value_start:pos].decode("utf-8", errors="replace")
            attributes.append((name, value))
        return size, tuple(attributes), False

    def _expression_at(self, pos: int) -> bool:
        # Vue interpolations are `{{ }}`; Svelte's are any balanced `{ }` (a literal brace must be escaped).
        return self.brace_expressions or self.data.startswith(b"{{", pos)

    def _skip_expression(self, pos: int) -> int:
        """Past the `}` balancing the `{` at `pos`, stepping over JS strings (which may hold `}` or `<`)."""
        data, size, depth = self.data, len(self.data), 0
        while pos < size:
            byte = data[pos]
            if byte in b"\"'`":
                pos = _skip_string(data, pos)
                continue
            if byte == 0x7B:
                depth += 1
            elif byte == 0x7D:
                depth -= 1
                if depth == 0:
                    return pos + 1
            pos += 1
        return size


def _skip_string(data: bytes, pos: int) -> int:
    quote, pos, size = data[pos], pos + 1, len(data)
    while pos < size:
        byte = data[pos]
        if byte == 0x5C:  # backslash
            pos += 2
            continue
        if byte == quote:
            return pos + 1
        if byte == 0x0A and quote != 0x60:  # an unterminated quote ends with its line
            return pos
        pos += 1
    return size


def _is_name_start(byte: int) -> bool:
    return 0x41 <= byte <= 0x5A or 0x61 <= byte <= 0x7A


def _is_name_byte(byte: int) -> bool:
    # Letters, digits, `-`, `:` and `.` (`svelte:head`, `my-widget`, `Foo.Bar`).
    return _is_name_start(byte) or 0x30 <= byte <= 0x39 or byte in b"-:._"


def _grammar_of(attributes: tuple[tuple[str, str], ...]) -> str | None:
    values = dict(attributes)
    if "src" in values:
        return None  # the code lives in another file, which is indexed on its own
    if "lang" in values:
        return _GRAMMAR_OF_LANG.get(values["lang"].strip().lower())
    return _GRAMMAR_OF_TYPE.get(values.get("type", "").strip().lower())


__all__ = ["ScriptBlock", "blanked", "extract_sfc", "merge_facts", "script_block_at", "script_blocks", "shift_spans"]
