"""large-payload: sending a whole database record, or an object literal with many keys, in an event.

Records carry fields nobody on the other side should see (emails, internal notes, password hashes) and
grow with the schema. Send the ids and what changed; let the client re-fetch the details through the API
that already checks permissions.
"""

from __future__ import annotations

from typing import Iterator

from socketlens.analysis.rules import Diagnostic, RuleContext, Severity, rule
from socketlens.analysis.rules._support import payload_spans
from socketlens.model import Span

CODE = "large-payload"
MANY_KEYS = 8


@rule(CODE, Severity.WARNING, "An event carries a whole database record or a large object")
def check(context: RuleContext) -> Iterator[Diagnostic]:
    index = context.index
    for site in index.all_emits():
        file, spans = payload_spans(index, site)
        if not context.wants(file):
            continue
        facts = index.facts_of(file)
        if facts is None or not spans:
            continue
        for payload in spans:
            reason = _reason(facts.findings, payload)
            if reason is None:
                continue
            yield Diagnostic(
                file=file,
                span=payload,
                severity=Severity.WARNING,
                code=CODE,
                message=f'"{site.event}" sends {reason}; send ids and let the client re-fetch',
            )
            break


def _within(inner: Span, outer: Span) -> bool:
    return outer.start_byte <= inner.start_byte and inner.end_byte <= outer.end_byte


def _reason(found, payload: Span) -> str | None:
    for finding in found:
        if finding.code == "payload-record" and _within(finding.span, payload):
            values = dict(finding.data)
            what = values.get("text", "a record")
            if values.get("record") == "many":
                return f"a list of database records ({what})"
            if values.get("record") == "spread":
                return f"a spread of the database record {what}"
            return f"the whole database record {what}"
    for finding in found:
        if finding.code == "payload-object" and (finding.span.start_byte, finding.span.end_byte) == (
            payload.start_byte,
            payload.end_byte,
        ):
            records = [v for k, v in finding.data if k == "record"]
            if records:
                return f"the whole database record {records[0]}"
            keys = [v for k, v in finding.data if k == "key"]
            if len(keys) >= MANY_KEYS:
                return f"an object with {len(keys)} keys"
    return None
