"""Per-file extraction: bytes of one source file in, `FileFacts` out. Pure: no I/O, no global state.

The extractors (and their parsers: tree-sitter, libcst) are imported on first use: a warm start, served
from the cache, never loads them.
"""

from __future__ import annotations

import hashlib

from socketlens.extract.vocabulary import ExtractOptions
from socketlens.model import FileFacts, ParseProblem, empty_facts

EXTRACTION_FAILED = "extraction failed"  # a bug of ours, not of the file: never cached

TS_LANGUAGES = frozenset({"typescript", "tsx", "javascript"})
SFC_LANGUAGES = frozenset({"vue", "svelte"})  # single-file components: their <script> blocks are extracted


def content_hash(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


class ReusableTree:
    """The syntax tree of an editor buffer, kept from one version to the next. Each edit is applied to it
    as it arrives (`edit`, in bytes and (row, byte column) points of the text before the edit); the next
    extraction hands it to tree-sitter, which then re-parses only what changed. Used for the languages
    tree-sitter parses whole (TS/TSX/JS); a holder the extractor never fills stays empty."""

    def __init__(self) -> None:
        self.tree = None
        self.grammar: str | None = None

    def edit(
        self,
        start_byte: int,
        old_end_byte: int,
        new_end_byte: int,
        start_point: tuple[int, int],
        old_end_point: tuple[int, int],
        new_end_point: tuple[int, int],
    ) -> None:
        if self.tree is not None:
            self.tree.edit(start_byte, old_end_byte, new_end_byte, start_point, old_end_point, new_end_point)

    def forget(self) -> None:
        """The edits could not be followed: the next parse starts afresh."""
        self.tree = None

    def parse(self, grammar: str, data: bytes):
        from socketlens.extract.syntax import parser

        reusable = self.tree if self.grammar == grammar else None
        tree = parser(grammar).parse(data, reusable) if reusable is not None else parser(grammar).parse(data)
        self.tree, self.grammar = tree, grammar
        return tree


def extract_file(
    rel: str,
    data: bytes,
    language: str,
    options: ExtractOptions,
    digest: str | None = None,
    reuse: ReusableTree | None = None,
) -> FileFacts:
    """Extract one file. Never raises: a file the extractor chokes on yields empty facts and a problem.
    `reuse` holds the tree of this file's previous version, edited to match `data` (an editor buffer)."""
    digest = digest or content_hash(data)
    try:
        if language in TS_LANGUAGES:
            from socketlens.extract.typescript import extract_typescript

            return extract_typescript(rel, data, _grammar_for(rel, language), digest, options, reuse)
        if language in SFC_LANGUAGES:
            from socketlens.extract.sfc import extract_sfc

            return extract_sfc(rel, data, language, digest, options)
        if language == "python":
            from socketlens.extract.python import extract_python

            return extract_python(rel, data, digest, options)
    except RecursionError:
        return _with_problem(empty_facts(rel, language, digest), "too deeply nested to extract")
    except Exception as error:  # noqa: BLE001 - one bad file must never stop an index run
        facts = empty_facts(rel, language, digest)
        return _with_problem(facts, f"{EXTRACTION_FAILED}: {type(error).__name__}: {error}")
    return empty_facts(rel, language, digest)


def _grammar_for(rel: str, language: str) -> str:
    # TSX needs its own grammar (`<T>x` casts parse differently); .js/.jsx use the JavaScript grammar.
    if rel.endswith(".tsx"):
        return "tsx"
    return language


def _with_problem(facts: FileFacts, message: str) -> FileFacts:
    from dataclasses import replace

    return replace(facts, problems=facts.problems + (ParseProblem(message),))


__all__ = ["EXTRACTION_FAILED", "ExtractOptions", "ReusableTree", "content_hash", "extract_file"]
