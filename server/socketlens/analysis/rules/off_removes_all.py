"""off-removes-all: `socket.off(event)` without a handler.

On a shared socket it removes every listener of that event, including the ones other components still
need: their updates stop arriving. Pass the handler that was registered. Quiet when the only listeners of
the event are the ones the same component registered.
"""

from __future__ import annotations

from typing import Iterator

from socketlens.analysis.rules import Diagnostic, Fix, RuleContext, Severity, rule
from socketlens.analysis.rules._support import Source, data, finding_event, is_socket_receiver, wanted_findings

CODE = "off-removes-all"


@rule(CODE, Severity.WARNING, "off(event) without a handler removes every component's listener")
def check(context: RuleContext) -> Iterator[Diagnostic]:
    index = context.index
    for rel, finding in wanted_findings(context, CODE):
        values = data(finding)
        if not is_socket_receiver(index, rel, values["root"], values.get("kind", "")):
            continue
        event = finding_event(index, rel, values)
        owner = values.get("function")
        entry = index.event(event) if event else None
        elsewhere = [
            site for site in (entry.listeners if entry else [])
            if (site.listener_file, site.listener.function) != (rel, owner)
            and site.project == index.workspace.project_of(rel)
        ]
        if values.get("registered_here") == "1" and not elsewhere:
            continue  # only this component listens: removing all is removing its own
        fixes = ()
        handler = values.get("handler")
        source = Source.read(context, rel)
        if handler and source is not None:
            at = int(values["insert_at"])
            fixes = (Fix(title=f"Pass the registered handler {handler}", edits=(source.edit(at, at, f", {handler}"),), safe=True, preferred=True),)
        yield Diagnostic(
            file=rel,
            span=finding.span,
            severity=Severity.WARNING,
            code=CODE,
            message=f"off({values.get('event_text')}) without a handler removes every listener of the event, other components' too; pass the handler",
            fixes=fixes,
        )
