"""listener-in-connect: `on(...)` registered inside an `on("connect")` handler.

"connect" fires again on every reconnection, and each time adds one more copy of the inner listeners:
after three reconnects every event is handled four times. Register listeners once, outside.
"""

from __future__ import annotations

from typing import Iterator

from socketlens.analysis.rules import Diagnostic, RuleContext, Severity, rule
from socketlens.analysis.rules._support import data, is_socket_receiver, wanted_findings

CODE = "listener-in-connect"


@rule(CODE, Severity.WARNING, "A listener is registered inside on(\"connect\") and duplicates on reconnect")
def check(context: RuleContext) -> Iterator[Diagnostic]:
    for rel, finding in wanted_findings(context, CODE):
        values = data(finding)
        if not is_socket_receiver(context.index, rel, values["root"], values.get("kind", "")):
            continue
        yield Diagnostic(
            file=rel,
            span=finding.span,
            severity=Severity.WARNING,
            code=CODE,
            message=f'listener for {values.get("event_text")} is added on every "connect", so it piles up after each reconnection; register it once outside the handler',
        )
