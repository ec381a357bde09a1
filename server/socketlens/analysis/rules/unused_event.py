"""unused-event: an event-map member that is neither emitted nor heard anywhere.

Dead declarations drift: the payload type stops matching what a later implementation sends. Delete the
member, or wire the feature.
"""

from __future__ import annotations

from typing import Iterator

from socketlens.analysis.rules import Diagnostic, RuleContext, Severity, rule

CODE = "unused-event"


@rule(CODE, Severity.INFO, "An event-map member is neither emitted nor listened to")
def check(context: RuleContext) -> Iterator[Diagnostic]:
    for entry in context.index.events.values():
        if entry.emits or entry.listeners:
            continue
        for declaration in entry.declarations:
            if not context.wants(declaration.file):
                continue
            yield Diagnostic(
                file=declaration.file,
                span=declaration.span,
                severity=Severity.INFO,
                code=CODE,
                message=f'"{entry.name}" is declared in {declaration.declaration.map_name} but never emitted or listened to',
            )
