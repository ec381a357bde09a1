"""The rule engine. A rule is data plus one function: code, default severity, docs, `check(context)`.

Rules know nothing of LSP or the terminal: they read the index and yield `Diagnostic`s. Each rule lives
in its own module of this package and registers itself with `@rule`.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field
from enum import Enum
from typing import Callable, Iterable

from socketlens.config import Config
from socketlens.index.event_index import EventIndex
from socketlens.model import Span


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"
    HINT = "hint"

    @property
    def rank(self) -> int:
        return {"error": 3, "warning": 2, "info": 1, "hint": 0}[self.value]


@dataclass(frozen=True)
class TextEdit:
    file: str
    span: Span
    new_text: str


@dataclass(frozen=True)
class Fix:
    title: str
    edits: tuple[TextEdit, ...]
    safe: bool = False  # applied by `socketlens check --fix`
    preferred: bool = False


@dataclass(frozen=True)
class Diagnostic:
    file: str
    span: Span
    severity: Severity
    code: str
    message: str
    fixes: tuple[Fix, ...] = ()
    related: tuple[tuple[str, Span, str], ...] = ()  # (file, span, message)


@dataclass(frozen=True)
class RuleContext:
    index: EventIndex
    config: Config
    read_text: Callable[[str], str | None] = lambda rel: None  # source text of a file, for fixes
    # Set when one file's diagnostics are all that is wanted (an editor pulling one document's): rules skip
    # the work of the diagnostics of other files, and `run_rules` keeps that file's alone either way.
    only_file: str | None = None

    def wants(self, rel: str) -> bool:
        """Whether diagnostics of `rel` are wanted: check it before any costly work for one."""
        return self.only_file is None or rel == self.only_file


@dataclass(frozen=True)
class Rule:
    code: str
    default_severity: Severity
    summary: str
    check: Callable[[RuleContext], Iterable[Diagnostic]] = field(compare=False)


_RULES: dict[str, Rule] = {}


def rule(code: str, severity: Severity, summary: str):
    """Register `check(context) -> diagnostics` as the rule `code`. Diagnostics it yields may carry any
    severity; the engine replaces it with the configured one."""

    def register(check: Callable[[RuleContext], Iterable[Diagnostic]]):
        _RULES[code] = Rule(code, severity, summary, check)
        return check

    return register


def all_rules() -> list[Rule]:
    if not _RULES:
        for module in pkgutil.iter_modules(__path__):
            importlib.import_module(f"{__name__}.{module.name}")
    return sorted(_RULES.values(), key=lambda r: r.code)


def run_rules(context: RuleContext) -> list[Diagnostic]:
    from socketlens.analysis.suppression import is_suppressed

    found: list[Diagnostic] = []
    for current in all_rules():
        configured = context.config.severity(current.code, current.default_severity.value)
        if configured == "off":
            continue
        severity = Severity(configured)
        for diagnostic in current.check(context):
            if not context.wants(diagnostic.file) or is_suppressed(context, diagnostic):
                continue
            found.append(_with_severity(diagnostic, severity))
    return sorted(found, key=lambda d: (d.file, d.span.start_line, d.span.start_col, d.code))


def _with_severity(diagnostic: Diagnostic, severity: Severity) -> Diagnostic:
    from dataclasses import replace

    return replace(diagnostic, severity=severity)

