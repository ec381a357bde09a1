"""socket-per-component: `io(...)`, `new Manager(...)` or `new WebSocket(...)` inside a component, a hook
or an effect.

Each mounted component (and, without an effect, each render) opens its own connection: the server sees
N sockets per tab, rooms are joined N times, and events arrive N times. Create one connection at module
level and share it. The quick fix moves the call to a module-level const. A lazy module-level singleton
(`if (!socket) socket = io()` in a `useSocket()` getter) is one connection already: the extraction leaves it out.
"""

from __future__ import annotations

from typing import Iterator

from socketlens.analysis.rules import Diagnostic, Fix, RuleContext, Severity, rule
from socketlens.analysis.rules._support import Source, data, module_layout, wanted_findings

CODE = "socket-per-component"
SHARED_NAME = "sharedSocket"


@rule(CODE, Severity.ERROR, "A socket connection is created inside a component, hook or effect")
def check(context: RuleContext) -> Iterator[Diagnostic]:
    for rel, finding in wanted_findings(context, CODE):
        values = data(finding)
        constructor = values.get("constructor", "io")
        call = "new " + constructor if constructor != "io" else "io"
        yield Diagnostic(
            file=rel,
            span=finding.span,
            severity=Severity.ERROR,
            code=CODE,
            message=f"{call}(...) in {finding.message} opens a new connection per component; create one socket at module level and share it",
            fixes=tuple(_move_fix(context, rel, finding)),
        )


def _move_fix(context: RuleContext, rel: str, finding) -> Iterator[Fix]:
    source = Source.read(context, rel)
    layout = module_layout(context.index, rel)
    if source is None or not layout:
        return
    call = source.slice(finding.span.start_byte, finding.span.end_byte)
    at = int(layout.get("imports_end", "0"))
    declaration = f"\n\n// One connection for the whole app, shared by every component.\nconst {SHARED_NAME} = {call};"
    if at == 0:
        declaration = f"const {SHARED_NAME} = {call};\n\n"
    yield Fix(
        title="Move the connection to a module-level shared socket",
        edits=(
            source.edit(at, at, declaration),
            source.edit(finding.span.start_byte, finding.span.end_byte, SHARED_NAME),
        ),
        preferred=True,
    )
