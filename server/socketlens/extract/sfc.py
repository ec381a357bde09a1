"""Single-file components (.vue, .svelte): the `<script>` blocks are TS/JS, and so is the code in the markup
(Vue's `@click="..."` / `:prop="..."` directives, Svelte's `{...}` expressions and `on:click={...}`).

Finding the blocks is a small scan of the HTML-like outer markup (tags, quoted attributes, comments,
`{{ }}`/`{ }` expressions), never of the script text itself: a block ends at the first `</script`, exactly
as Vue's and Svelte's compilers (and browsers) end it.

Each block is extracted by the TS/JS extractor from a copy of the file in which every byte outside the
block is blanked to a space (newlines kept). Byte offsets and lines therefore come out in file
coordinates by construction — including the byte offsets rules keep in `Finding.data` (fix insertion
points), which no span shifter could know about. The markup's code is kept in the copy of the block the
template sees (`<script setup>`, Svelte's instance script), each piece made a statement of its own by
turning the delimiter before it (the attribute's quote, the `{`) into a `;`. The one thing blanking
cannot keep is a code-point column when non-ASCII text precedes code on its line; `shift_spans` corrects
those spans by walking the facts generically.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Callable, TypeVar

from socketlens.extract.syntax import LineIndex
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
# Vue attributes whose value is JS: event handlers and bindings.
_VUE_CODE_ATTRIBUTES = ("@", "v-on:", ":", "v-bind:")


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


def markup_code(data: bytes, language: str = "vue") -> list[tuple[int, int]]:
    """Byte ranges of the JS code in a component's markup, in file order; the byte before each is its
    delimiter (a quote or `{`). Vue: the values of `@`/`v-on:`/`:`/`v-bind:` attributes. Svelte: every
    `{...}` expression but block tags (`{#if}`, `{:else}`, `{/if}`, `{@html}`) and attribute spreads."""
    scanner = _Scanner(data, vue=language == "vue")
    scanner.blocks()
    return scanner.code


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
    """The facts of every script block of a .vue/.svelte file and of its markup's code, merged, positioned
    in the file."""
    scanner = _Scanner(data, vue=language == "vue")
    blocks = scanner.blocks()
    template_block = _block_the_markup_sees(blocks, language) if scanner.code else None
    merged = empty_facts(rel, language, content_hash)
    for block in blocks:
        copy = blanked(data, block)
        if block is template_block:
            copy = _with_markup_code(copy, data, scanner.code)
        facts = extract_typescript(rel, copy, block.grammar, content_hash, options)
        merged = merge_facts(merged, facts)
    if scanner.code and template_block is None:  # markup without a script of its own: its code alone
        copy = _with_markup_code(data.translate(_BLANK), data, scanner.code)
        merged = merge_facts(merged, extract_typescript(rel, copy, "javascript", content_hash, options))
    return _columns_in_file(data, merged)


def _block_the_markup_sees(blocks: list[ScriptBlock], language: str) -> ScriptBlock | None:
    """The script whose bindings the markup uses: Vue's `<script setup>` (else its only `<script>`),
    Svelte's instance script (not `context="module"` / `module`)."""
    attributes = [dict(block.attributes) for block in blocks]
    if language == "vue":
        setup = [block for block, attrs in zip(blocks, attributes) if "setup" in attrs]
        return setup[0] if setup else (blocks[0] if len(blocks) == 1 else None)
    instance = [block for block, attrs in zip(blocks, attributes) if attrs.get("context") != "module" and "module" not in attrs]
    return instance[0] if instance else None


def _with_markup_code(copy: bytes, data: bytes, code: list[tuple[int, int]]) -> bytes:
    """`copy` with the markup's code put back at its place, each piece after a `;` (its delimiter's byte)."""
    kept = bytearray(copy)
    for start, end in code:
        kept[start - 1] = 0x3B  # `;`: the quote or `{` before the code
        kept[start:end] = data[start:end]
    return bytes(kept)


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


def _columns_in_file(data: bytes, facts: FileFacts) -> FileFacts:
    """Blanked, the markup before code on its line counts one column per byte; in the real file, one per
    code point. An ASCII file needs nothing; otherwise every column is recounted from its byte offset."""
    if data.isascii():
        return facts
    lines = LineIndex(data)

    def move(span: Span) -> Span:
        start_col = lines.column(span.start_line, span.start_byte - lines.line_starts[span.start_line])
        end_col = lines.column(span.end_line, span.end_byte - lines.line_starts[span.end_line])
        if (start_col, end_col) == (span.start_col, span.end_col):
            return span
        return dataclasses.replace(span, start_col=start_col, end_col=end_col)

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
        self.code: list[tuple[int, int]] = []  # JS in the markup (see `markup_code`)

    def blocks(self) -> list[ScriptBlock]:
        data, found, depth, pos = self.data, [], 0, 0
        size = len(data)
        while pos < size:
            byte = data[pos]
            if byte == 0x7B and self._expression_at(pos):  # `{`
                end = self._skip_expression(pos)
                if self.brace_expressions:
                    self._brace_code(pos, end)
                pos = end
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
                end = self._skip_expression(pos)
                self._brace_code(pos, end)
                pos = end
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
                    if self.vue and name.startswith(_VUE_CODE_ATTRIBUTES) and end < size:
                        self.code.append((pos + 1, end))
                    pos = end + 1
                elif pos < size and data[pos] == 0x7B and self.brace_expressions:
                    end = self._skip_expression(pos)
                    value = data[pos:end].decode("utf-8", errors="replace")
                    self._brace_code(pos, end)
                    pos = end
                else:
                    value_start = pos
                    while pos < size and data[pos] not in b" \t\r\n\f>":
                        pos += 1
                    value = data[value_start:pos].decode("utf-8", errors="replace")
            attributes.append((name, value))
        return size, tuple(attributes), False

    def _brace_code(self, start: int, end: int) -> None:
        """Record the code of a Svelte `{...}` (from its `{` at `start` to past its `}` at `end`)."""
        if end > len(self.data) or self.data[end - 1] != 0x7D:
            return  # unbalanced: runs to the end of the file
        inner = self.data[start + 1 : end - 1].lstrip()
        if inner[:1] in (b"#", b":", b"/", b"@") or inner.startswith(b"..."):
            return  # block tags, `{@html}`, `{...spread}`: not an expression
        self.code.append((start + 1, end - 1))

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


__all__ = [
    "ScriptBlock",
    "blanked",
    "extract_sfc",
    "markup_code",
    "merge_facts",
    "script_block_at",
    "script_blocks",
    "shift_spans",
]
