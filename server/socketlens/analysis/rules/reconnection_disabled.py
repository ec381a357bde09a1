"""reconnection-disabled: a client created with `reconnection: false`.

The first network blip (a deploy, a laptop lid, a proxy timeout) then ends real-time updates for good,
silently. Keep the default, or handle `disconnect` and reconnect yourself.
"""

from __future__ import annotations

from typing import Iterator

from socketlens.analysis.rules import Diagnostic, RuleContext, Severity, rule
from socketlens.analysis.rules._support import wanted_findings

CODE = "reconnection-disabled"


@rule(CODE, Severity.WARNING, "A socket.io client is created with reconnection: false")
def check(context: RuleContext) -> Iterator[Diagnostic]:
    for rel, finding in wanted_findings(context, CODE):
        yield Diagnostic(
            file=rel,
            span=finding.span,
            severity=Severity.WARNING,
            code=CODE,
            message="reconnection is disabled: after the first dropped connection this client never receives events again",
        )
