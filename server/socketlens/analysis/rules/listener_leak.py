"""listener-leak: a listener registered in a React effect whose cleanup does not remove it, or registered
in a render body; in Vue code, registered by a composable (in its setup or its `onMounted`) that none of
its `onUnmounted` / `onBeforeUnmount` / `onScopeDispose` removes.

Every re-run of the effect (and every render, for the render-body case; every component instance using the
composable, for Vue) adds one more listener on the shared socket: handlers fire twice, then ten times, and
hold stale state. The cleanup must call `off(sameEvent, sameHandler)`. The quick fix (React effects only)
adds that cleanup, hoisting an inline handler into a const.
"""

from __future__ import annotations

import re
from typing import Iterator

from socketlens.analysis.rules import Diagnostic, Fix, RuleContext, Severity, rule
from socketlens.analysis.rules._support import Source, data, is_socket_receiver, wanted_findings

CODE = "listener-leak"


def handler_name(event: str | None) -> str:
    words = [w for w in re.split(r"[^A-Za-z0-9]+", event or "") if w]
    name = "handle" + "".join(w[:1].upper() + w[1:] for w in words)
    return name if name != "handle" and name.isidentifier() else "handleEvent"


@rule(CODE, Severity.WARNING, "A listener is added in an effect without cleanup, or on every render")
def check(context: RuleContext) -> Iterator[Diagnostic]:
    for rel, finding in wanted_findings(context, CODE):
        values = data(finding)
        if not is_socket_receiver(context.index, rel, values["root"], values.get("kind", "")):
            continue
        event = values.get("event_text", "")
        if values.get("reason") == "render":
            message = (
                f"listener for {event} is added on every render of {values.get('function')}; "
                "register it in useEffect and remove it in the cleanup"
            )
            fixes: tuple[Fix, ...] = ()
        elif values.get("reason") == "setup":  # a Vue composable: no React fix applies
            message = (
                f"listener for {event} is added by the composable {values.get('function')} for every component "
                f"using it and never removed; call off({event}, handler) in onUnmounted"
            )
            fixes = ()
        else:
            message = f"listener for {event} is added in an effect whose cleanup does not remove it; call off({event}, handler) in the cleanup"
            fix = _cleanup_fix(context, rel, values)
            fixes = (fix,) if fix is not None else ()
        yield Diagnostic(file=rel, span=finding.span, severity=Severity.WARNING, code=CODE, message=message, fixes=fixes)


def _cleanup_fix(context: RuleContext, rel: str, values: dict[str, str]) -> Fix | None:
    source = Source.read(context, rel)
    if source is None or "handler_start" not in values or "cleanup" not in values:
        return None
    edits = []
    handler = source.slice(int(values["handler_start"]), int(values["handler_end"]))
    if values.get("handler_inline") == "1":
        if "statement_start" not in values:
            return None
        name = handler_name(values.get("event"))
        start = int(values["statement_start"])
        edits.append(source.edit(start, start, f"const {name} = {handler};\n{values.get('indent', '')}"))
        edits.append(source.edit(int(values["handler_start"]), int(values["handler_end"]), name))
        handler = name
    off = f"{values['off']}({values['event_text']}, {handler});"
    kind = values["cleanup"]
    if kind == "none":
        at = int(values["body_end"])
        indent = values.get("body_indent", "")
        step = values.get("indent", indent + "  ")
        # Keep the closing brace where it was: the cleanup goes on the lines before it.
        line, _ = source.point(at)
        line_start = source.line_start(line)
        if source.slice(line_start, at).strip() == "":
            edits.append(source.edit(line_start, line_start, f"{step}return () => {{\n{step}  {off}\n{step}}};\n"))
        else:
            edits.append(source.edit(at, at, f" return () => {{ {off} }}; "))
    elif kind == "block":
        at = int(values["cleanup_insert"])
        step = values.get("indent", "  ")
        edits.append(source.edit(at, at, f"\n{step}  {off}"))
    elif kind == "expression":
        start, end = int(values["cleanup_start"]), int(values["cleanup_end"])
        edits.append(source.edit(start, end, f"{{ {off} {source.slice(start, end)}; }}"))
    else:
        return None
    return Fix(title="Remove the listener in the effect's cleanup", edits=tuple(edits), preferred=True)
