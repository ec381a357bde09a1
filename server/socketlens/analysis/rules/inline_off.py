"""inline-off: `socket.off(event, () => ...)` with a function created on the spot.

`off` removes a listener by identity; a new function is never the registered one, so nothing is
removed and the listener leaks. Pass the same function object that was given to `on`.
"""

from __future__ import annotations

from typing import Iterator

from socketlens.analysis.rules import Diagnostic, Fix, RuleContext, Severity, rule
from socketlens.analysis.rules._support import Source, data, is_socket_receiver, wanted_findings

CODE = "inline-off"


@rule(CODE, Severity.ERROR, "off(event, () => ...) passes a new function and removes nothing")
def check(context: RuleContext) -> Iterator[Diagnostic]:
    for rel, finding in wanted_findings(context, CODE):
        values = data(finding)
        if not is_socket_receiver(context.index, rel, values["root"], values.get("kind", "")):
            continue
        fixes = ()
        handler = values.get("handler")
        source = Source.read(context, rel)
        if handler and source is not None:
            fixes = (
                Fix(
                    title=f"Pass the registered handler {handler}",
                    edits=(source.edit(int(values["handler_start"]), int(values["handler_end"]), handler),),
                    safe=True,
                    preferred=True,
                ),
            )
        yield Diagnostic(
            file=rel,
            span=finding.span,
            severity=Severity.ERROR,
            code=CODE,
            message=f"off({values.get('event_text')}, ...) is given a new function, so it removes nothing; pass the handler given to on()",
            fixes=fixes,
        )
