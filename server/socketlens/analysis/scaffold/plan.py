"""The output of scaffolding: a plan of file edits, never applied here.

A plan is a list of `Create(path, text)` and `Insert(path, offset, text, expected_hash)` values plus notes
for the user. Inserts carry the content hash of the file they were planned against, so whoever applies
the plan (the CLI, the language server through `workspace/applyEdit`) can refuse when the file changed in
between. Every offset of one file refers to the file as it was planned: inserts never overlap and are
applied from the end backwards.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from enum import Enum
from typing import Callable, Union


@dataclass(frozen=True)
class Create:
    path: str  # root-relative, "/" separators
    text: str
    why: str = ""


@dataclass(frozen=True)
class Insert:
    path: str
    offset: int  # byte offset into the file as planned
    line: int  # 0-based line of `offset`
    column: int  # 0-based code-point column of `offset`
    text: str
    expected_hash: str  # content hash (socketlens.extract.content_hash) of the whole file when planned
    why: str = ""


Edit = Union[Create, Insert]


class Status(str, Enum):
    READY = "ready"  # edits to apply
    UNCHANGED = "unchanged"  # everything asked for is already there: nothing to do
    REFUSED = "refused"  # nothing may be written; `message` says why


@dataclass(frozen=True)
class Location:
    path: str
    line: int  # 0-based
    column: int  # 0-based code points


@dataclass(frozen=True)
class Plan:
    status: Status
    message: str
    edits: tuple[Edit, ...] = ()
    notes: tuple[str, ...] = ()  # things the user must know or finish by hand
    emit_location: Location | None = None  # where the emit lands (for "jump there" after applying)
    existing: Location | None = None  # the declaration to jump to when the event already exists

    @property
    def files(self) -> list[str]:
        return list(dict.fromkeys(edit.path for edit in self.edits))


def refused(message: str, existing: Location | None = None, notes: tuple[str, ...] = ()) -> Plan:
    return Plan(Status.REFUSED, message, existing=existing, notes=notes)


def apply_inserts(data: bytes, inserts: list[Insert]) -> bytes:
    """The file's bytes with the inserts applied (pure: the caller writes them)."""
    out = data
    # From the end backwards; inserts at one offset land in plan order (as LSP orders TextEdits).
    ordered = sorted(enumerate(inserts), key=lambda pair: (pair[1].offset, pair[0]), reverse=True)
    for _, insert in ordered:
        out = out[: insert.offset] + insert.text.encode("utf-8") + out[insert.offset :]
    return out


@dataclass
class FileChange:
    path: str
    before: bytes | None  # None: the file is created
    after: bytes
    inserts: list[Insert] = field(default_factory=list)


def file_changes(plan: Plan, read: Callable[[str], bytes | None]) -> list[FileChange]:
    """Before/after bytes of every file the plan touches, in plan order."""
    changes: dict[str, FileChange] = {}
    for edit in plan.edits:
        if isinstance(edit, Create):
            changes[edit.path] = FileChange(edit.path, None, edit.text.encode("utf-8"))
        else:
            change = changes.get(edit.path)
            if change is None:
                before = read(edit.path) or b""
                change = changes[edit.path] = FileChange(edit.path, before, before)
            change.inserts.append(edit)
    for change in changes.values():
        if change.before is not None:
            change.after = apply_inserts(change.before, change.inserts)
    return list(changes.values())


def unified_diff(plan: Plan, read: Callable[[str], bytes | None]) -> str:
    """The plan as a `git apply`-able unified diff (`a/` and `b/` prefixes, /dev/null for new files)."""
    chunks: list[str] = []
    for change in file_changes(plan, read):
        before = [] if change.before is None else change.before.decode("utf-8").splitlines(keepends=True)
        after = change.after.decode("utf-8").splitlines(keepends=True)
        old = "/dev/null" if change.before is None else f"a/{change.path}"
        lines = list(difflib.unified_diff(before, after, old, f"b/{change.path}", n=3))
        for line in lines:
            chunks.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(chunks)
