"""The one converter between socketlens positions (bytes, code-point columns) and LSP positions."""

from __future__ import annotations

import pytest
from lsprotocol import types as lsp

from socketlens.extract.syntax import LineIndex
from socketlens.lsp.positions import UTF8, UTF16, UTF32, TextLines

TEXT = 'a\r\n\tس = "مرحبا 👋🏽"; emit("x")\r\nlast'
LINE = '\tس = "مرحبا 👋🏽"; emit("x")'


def test_columns_in_each_encoding_on_arabic_emoji_and_tabs():
    column = LINE.index('"x"')  # code points
    expected = {UTF32: column, UTF16: len(LINE[:column].encode("utf-16-le")) // 2, UTF8: len(LINE[:column].encode())}
    assert len(set(expected.values())) == 3  # the line really tells the encodings apart
    for encoding, units in expected.items():
        lines = TextLines(TEXT, encoding)
        assert lines.position(1, column) == lsp.Position(1, units)
        assert lines.column(lsp.Position(1, units)) == (1, column)
        offset = TEXT.encode().index(b'"x"')
        assert lines.byte_offset(lsp.Position(1, units)) == offset
        assert lines.position_at_byte(offset) == lsp.Position(1, units)


def test_spans_from_the_extractor_round_trip():
    data = TEXT.encode()
    start = data.index(b"emit")
    index = LineIndex(data)
    line = 1
    byte_col = start - index.line_starts[line]
    code_point_col = index.column(line, byte_col)
    for encoding in (UTF8, UTF16, UTF32):
        lines = TextLines(TEXT, encoding)
        position = lines.position(line, code_point_col)
        assert lines.byte_offset(position) == start


def test_crlf_and_out_of_range_positions_are_clamped():
    lines = TextLines(TEXT, UTF16)
    # past the end of line 0 ("a\r"): clamped before the \r
    assert lines.byte_offset(lsp.Position(0, 99)) == 1
    assert lines.position(0, 99) == lsp.Position(0, 1)
    # past the last line
    assert lines.position(9, 0) == lsp.Position(2, 4)
    assert lines.byte_offset(lsp.Position(9, 0)) == len(TEXT.encode())


@pytest.mark.parametrize("encoding", [UTF16, UTF8])
def test_a_position_inside_a_character_rounds_down(encoding):
    text = "👋x"
    lines = TextLines(text, encoding)
    assert lines.column(lsp.Position(0, 1)) == (0, 0)
    assert lines.byte_offset(lsp.Position(0, 1)) == 0
    assert lines.byte_offset(lsp.Position(0, 4 if encoding == UTF8 else 2)) == 4
