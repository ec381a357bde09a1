"""static-auth-token: a client `auth: { token }` object, read once when the socket is created.

socket.io sends the same object on every reconnection: after the token is refreshed (or the user logs in
again) the handshake keeps presenting the stale one and the server rejects it. The callback form
`auth: (cb) => cb({ token: getToken() })` is evaluated on each connection attempt.
"""

from __future__ import annotations

from typing import Iterator

from socketlens.analysis.rules import Diagnostic, Fix, RuleContext, Severity, rule
from socketlens.analysis.rules._support import Source, data, wanted_findings

CODE = "static-auth-token"


@rule(CODE, Severity.INFO, "A client passes auth as a fixed object instead of a callback")
def check(context: RuleContext) -> Iterator[Diagnostic]:
    for rel, finding in wanted_findings(context, CODE):
        values = data(finding)
        fixes = ()
        source = Source.read(context, rel)
        if source is not None and values.get("value"):
            fixes = (
                Fix(
                    title="Use the callback form, evaluated on every connection attempt",
                    edits=(source.edit(finding.span.start_byte, finding.span.end_byte, f"auth: (cb) => cb({values['value']})"),),
                ),
            )
        yield Diagnostic(
            file=rel,
            span=finding.span,
            severity=Severity.INFO,
            code=CODE,
            message="auth is an object captured once: a refreshed token is not sent on reconnect; use auth: (cb) => cb({ token })",
            fixes=fixes,
        )
