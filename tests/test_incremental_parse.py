"""An open document keeps its syntax tree between versions (`OpenDocument.apply_changes` edits it, the next
extraction re-parses only what changed). The facts must be exactly those of a fresh parse of the same text,
whatever the edits: the positions of every edit are replayed on the tree in bytes and points."""

from __future__ import annotations

import random

import pytest
from lsprotocol import types as lsp
from pygls.workspace import PositionCodec, TextDocument

from socketlens.extract import ExtractOptions, ReusableTree, extract_file
from socketlens.lsp.positions import UTF8, UTF16, UTF32
from socketlens.lsp.state import OpenDocument

SOURCE = """import { Server } from "socket.io";
// Arabic: مرحبا, emoji: 🎉, tabs:\t\tand CRLF below\r
export const io = new Server();\r
const ROOM = "org:";

export function notify(orgId: string) {
  io.to(`${ROOM}${orgId}`).emit("lead:new", { id: orgId, note: "ok 🎉" });
}

io.on("connection", (socket) => {
  socket.on("chat:message", (text) => socket.broadcast.emit("chat:message", text));
});
"""

SNIPPETS = [
    'io.emit("deal:won", {});\n',
    "🎉",
    "مرحبا",
    "\n",
    '  socket.emit("typing");\n',
    "}",
    "(",
    "",
    "\t",
    'io.to(`user:${id}`).emit("x:y", 1);',
]


def _position(document: TextDocument, offset: int, encoding: str) -> lsp.Position:
    """The LSP position of a code-point offset into the document's text, in `encoding`'s units."""
    before = document.source[:offset]
    line = before.count("\n")
    text = before[before.rfind("\n") + 1 :]
    units = {UTF8: len(text.encode("utf-8")), UTF32: len(text)}.get(encoding, len(text.encode("utf-16-le")) // 2)
    return lsp.Position(line=line, character=units)


def _random_change(document: TextDocument, rng: random.Random, encoding: str) -> lsp.TextDocumentContentChangePartial:
    text = document.source
    start = rng.randrange(len(text) + 1)
    end = min(len(text), start + rng.choice([0, 0, 1, 3, 12, 40]))
    # Never split a CRLF pair or a surrogate pair: real editors do not.
    while 0 < start < len(text) and text[start - 1] == "\r" and text[start] == "\n":
        start -= 1
    while 0 < end < len(text) and text[end - 1] == "\r" and text[end] == "\n":
        end += 1
    return lsp.TextDocumentContentChangePartial(
        range=lsp.Range(start=_position(document, start, encoding), end=_position(document, end, encoding)),
        text=rng.choice(SNIPPETS),
    )


def _facts_equal_a_fresh_parse(document: OpenDocument, reuse: ReusableTree) -> None:
    options = ExtractOptions()
    incremental = extract_file("src/a.ts", document.data, "typescript", options, reuse=reuse)
    fresh = extract_file("src/a.ts", document.data, "typescript", options)
    assert incremental == fresh


@pytest.mark.parametrize("encoding", [UTF16, UTF8, UTF32])
def test_edited_trees_give_the_facts_of_a_fresh_parse(encoding):
    rng = random.Random(f"incremental-{encoding}")
    for _ in range(8):
        pygls_document = TextDocument("file:///w/src/a.ts", SOURCE, 1, position_codec=PositionCodec(encoding))
        document = OpenDocument("file:///w/src/a.ts", 1, SOURCE, encoding, rel="src/a.ts")
        _facts_equal_a_fresh_parse(document, document.tree)
        for version in range(2, 14):
            changes = []
            for _ in range(rng.choice([1, 1, 2])):  # each change's range is in the text the previous one left
                changes.append(_random_change(pygls_document, rng, encoding))
                pygls_document.apply_change(changes[-1])
            document.apply_changes(changes, pygls_document.source, version)
            assert document.text == pygls_document.source
            if version % 3 == 0:  # several versions' edits may pile up before the next extraction
                assert document.tree.tree is not None, "the edits were followed, the tree is kept"
                _facts_equal_a_fresh_parse(document, document.tree)
        _facts_equal_a_fresh_parse(document, document.tree)


def test_an_emit_typed_into_an_edited_tree_is_found():
    document = OpenDocument("file:///w/src/a.ts", 1, SOURCE, UTF16, rel="src/a.ts")
    options = ExtractOptions()
    before = extract_file("src/a.ts", document.data, "typescript", options, reuse=document.tree)
    line = SOURCE.splitlines().index("export function notify(orgId: string) {") + 1
    change = lsp.TextDocumentContentChangePartial(
        range=lsp.Range(start=lsp.Position(line=line, character=0), end=lsp.Position(line=line, character=0)),
        text='  io.emit("deal:won", {});\n',
    )
    lines = SOURCE.split("\n")
    document.apply_changes([change], "\n".join(lines[:line] + ['  io.emit("deal:won", {});'] + lines[line:]), 2)
    after = extract_file("src/a.ts", document.data, "typescript", options, reuse=document.tree)
    assert len(after.emits) == len(before.emits) + 1
    new = [e for e in after.emits if e.name_text == '"deal:won"']
    assert [(e.span.start_line, e.span.start_col) for e in new] == [(line, 10)]


def test_a_whole_text_change_or_a_disagreement_starts_afresh():
    document = OpenDocument("file:///w/src/a.ts", 1, SOURCE, UTF16, rel="src/a.ts")
    extract_file("src/a.ts", document.data, "typescript", ExtractOptions(), reuse=document.tree)
    assert document.tree.tree is not None
    document.apply_changes([lsp.TextDocumentContentChangeWholeDocument(text="export {};\n")], "export {};\n", 2)
    assert document.tree.tree is None

    extract_file("src/a.ts", document.data, "typescript", ExtractOptions(), reuse=document.tree)
    change = lsp.TextDocumentContentChangePartial(
        range=lsp.Range(start=lsp.Position(line=0, character=0), end=lsp.Position(line=0, character=0)), text="x"
    )
    document.apply_changes([change], "something else entirely\n", 3)  # not what the change gives
    assert document.tree.tree is None
