"""Applying quick fixes to files on disk: what `socketlens check --fix` does.

Only fixes marked `safe` are applied. Within one file, edits never overlap: a fix whose edits touch a
range already being edited is skipped whole (the next `check --fix` run picks it up against the new text).
Nothing outside the root is written, and every file is replaced atomically (a temporary file in the same
directory, then `os.replace`), so an interrupted run leaves each file either old or new.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Iterable, Sequence

from socketlens.analysis.rules import Diagnostic, Fix, TextEdit


def safe_fixes(diagnostics: Iterable[Diagnostic]) -> list[Fix]:
    """The first safe fix of each diagnostic, in diagnostic order."""
    chosen: list[Fix] = []
    for diagnostic in diagnostics:
        fix = next((f for f in diagnostic.fixes if f.safe), None)
        if fix is not None and fix not in chosen:
            chosen.append(fix)
    return chosen


def _overlaps(a: TextEdit, b: TextEdit) -> bool:
    a0, a1, b0, b1 = a.span.start_byte, a.span.end_byte, b.span.start_byte, b.span.end_byte
    if a0 == a1 and b0 == b1:
        return a0 == b0  # two insertions at one point: their order would be a guess
    if a0 == a1:
        return b0 <= a0 <= b1  # an insertion touching a replaced range: conservative
    if b0 == b1:
        return a0 <= b0 <= a1
    return a0 < b1 and b0 < a1


def _inside(root: Path, rel: str) -> Path | None:
    if not rel or os.path.isabs(rel):
        return None
    target = (root / rel).resolve()
    try:
        target.relative_to(root)
    except ValueError:
        return None
    return target


def plan_edits(fixes: Sequence[Fix]) -> dict[str, list[TextEdit]]:
    """Edits per file, dropping every fix that overlaps one accepted before it (in any of its files)."""
    accepted: dict[str, list[TextEdit]] = {}
    for fix in fixes:
        if any(_overlaps(edit, other) for edit in fix.edits for other in accepted.get(edit.file, [])):
            continue
        if any(_overlaps(a, b) for i, a in enumerate(fix.edits) for b in fix.edits[i + 1 :] if a.file == b.file):
            continue
        for edit in fix.edits:
            accepted.setdefault(edit.file, []).append(edit)
    return accepted


def apply_edits(data: bytes, edits: Sequence[TextEdit]) -> bytes:
    """Apply non-overlapping edits to a file's bytes (offsets are into the original bytes)."""
    out = data
    for edit in sorted(edits, key=lambda e: (e.span.start_byte, e.span.end_byte), reverse=True):
        start, end = edit.span.start_byte, edit.span.end_byte
        if not 0 <= start <= end <= len(data):
            raise ValueError(f"edit out of range in {edit.file}: {start}..{end}")
        out = out[:start] + edit.new_text.encode("utf-8") + out[end:]
    return out


def _write_atomically(path: Path, data: bytes) -> None:
    mode = path.stat().st_mode & 0o7777
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".socketlens", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def apply_safe_fixes(root: Path, diagnostics: Iterable[Diagnostic]) -> set[str]:
    """Apply the safe fixes of `diagnostics` under `root`; returns the files changed (relative paths)."""
    root = Path(root).resolve()
    changed: set[str] = set()
    for rel, edits in sorted(plan_edits(safe_fixes(diagnostics)).items()):
        path = _inside(root, rel)
        if path is None or not path.is_file():
            continue
        original = path.read_bytes()
        try:
            updated = apply_edits(original, edits)
        except ValueError:
            continue  # the file changed since it was indexed: leave it alone
        if updated != original:
            _write_atomically(path, updated)
            changed.add(rel)
    return changed
