"""Syntactic observations for rules that need the parse tree itself (React effects, cleanups...).

Filled in by the rule set; each finding is a `Finding` with a rule code. Pure, like every extractor."""

from __future__ import annotations

from typing import TYPE_CHECKING

from socketlens.extract.syntax import LineIndex, Node
from socketlens.model import Finding

if TYPE_CHECKING:
    from socketlens.extract.typescript import _Extractor


def find_patterns(root: Node, lines: LineIndex, extractor: "_Extractor") -> list[Finding]:
    return []
