"""One converter between socketlens positions and LSP positions.

socketlens stores every position as byte offsets into the UTF-8 file plus (0-based line, 0-based column in
code points), lines split on "\\n" only (see `model.Span`). LSP counts columns in the negotiated encoding:
UTF-16 code units by default, UTF-8 bytes or UTF-32 code points when the client offered them.

A CRLF line keeps its "\\r" at the end of the line text; LSP positions are clamped before it. A lone "\\r"
(old Mac line ending) is not a line break here, as it is not one for the extractor either.
"""

from __future__ import annotations

from bisect import bisect_right

from lsprotocol import types as lsp

from socketlens.model import Span

UTF8 = lsp.PositionEncodingKind.Utf8.value
UTF16 = lsp.PositionEncodingKind.Utf16.value
UTF32 = lsp.PositionEncodingKind.Utf32.value


def _units(text: str, encoding: str) -> int:
    """Length of `text` in the encoding's code units."""
    if text.isascii():
        return len(text)
    if encoding == UTF8:
        return len(text.encode("utf-8"))
    if encoding == UTF32:
        return len(text)
    return len(text.encode("utf-16-le")) // 2


def _code_points(line: str, units: int, encoding: str) -> int:
    """How many code points of `line` fit in `units` code units (rounding down inside a character)."""
    if line.isascii() or encoding == UTF32:
        return min(units, len(line))
    used = 0
    for index, char in enumerate(line):
        width = len(char.encode("utf-8")) if encoding == UTF8 else (2 if ord(char) > 0xFFFF else 1)
        if used + width > units:
            return index
        used += width
    return len(line)


class TextLines:
    """The lines of one document's text, for conversions in one encoding."""

    def __init__(self, text: str, encoding: str = UTF16):
        self.text = text
        self.encoding = str(getattr(encoding, "value", encoding) or UTF16)
        self.lines = text.split("\n")
        self.byte_starts: list[int] = []
        offset = 0
        for line in self.lines:
            self.byte_starts.append(offset)
            offset += len(line.encode("utf-8")) + 1
        self.byte_length = offset - 1

    def line_text(self, line: int) -> str:
        """The line without its line ending ("\\r" of CRLF included)."""
        if line < 0 or line >= len(self.lines):
            return ""
        return self.lines[line].removesuffix("\r")

    # -- socketlens → LSP ----------------------------------------------------------------------------------

    def position(self, line: int, column: int) -> lsp.Position:
        """(line, code-point column) → LSP position; clamped to the document."""
        if line >= len(self.lines):
            line = len(self.lines) - 1
            column = len(self.line_text(line))
        line = max(line, 0)
        text = self.line_text(line)
        column = max(0, min(column, len(text)))
        return lsp.Position(line=line, character=_units(text[:column], self.encoding))

    def range(self, span: Span) -> lsp.Range:
        return lsp.Range(start=self.position(span.start_line, span.start_col), end=self.position(span.end_line, span.end_col))

    def position_at_byte(self, offset: int) -> lsp.Position:
        offset = max(0, min(offset, self.byte_length))
        line = bisect_right(self.byte_starts, offset) - 1
        chunk = self.lines[line].encode("utf-8")[: offset - self.byte_starts[line]]
        return self.position(line, len(chunk.decode("utf-8", errors="ignore")))

    # -- LSP → socketlens ----------------------------------------------------------------------------------

    def column(self, position: lsp.Position) -> tuple[int, int]:
        """LSP position → (line, code-point column), clamped to the document."""
        if position.line >= len(self.lines):
            last = len(self.lines) - 1
            return last, len(self.line_text(last))
        line = max(position.line, 0)
        return line, _code_points(self.line_text(line), max(position.character, 0), self.encoding)

    def byte_offset(self, position: lsp.Position) -> int:
        line, column = self.column(position)
        return self.byte_starts[line] + len(self.lines[line][:column].encode("utf-8"))

    def point(self, offset: int) -> tuple[int, int]:
        """Byte offset → tree-sitter point: (line, byte column)."""
        line = bisect_right(self.byte_starts, offset) - 1
        return line, offset - self.byte_starts[line]

    def span(self, start: lsp.Position, end: lsp.Position) -> Span:
        (sl, sc), (el, ec) = self.column(start), self.column(end)
        return Span(self.byte_offset(start), self.byte_offset(end), sl, sc, el, ec)

__all__ = ["TextLines", "UTF8", "UTF16", "UTF32"]
