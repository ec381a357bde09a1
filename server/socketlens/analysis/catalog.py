"""The event catalog: the index as the stable JSON shape `socketlens events --json` prints."""

from __future__ import annotations

from typing import Any

from socketlens.index.event_index import DynamicSite, EventIndex
from socketlens.model import Span


def site_json(file: str, span: Span) -> dict[str, Any]:
    """A site's location, 1-based lines and character columns; the end column is exclusive."""
    return {
        "file": file,
        "line": span.start_line + 1,
        "column": span.start_col + 1,
        "end_line": span.end_line + 1,
        "end_column": span.end_col + 1,
    }


def catalog(index: EventIndex, root: str) -> dict[str, Any]:
    events = []
    for entry in index.events.values():
        events.append(
            {
                "name": entry.name,
                "direction": entry.direction.value if entry.direction else None,
                "declarations": [
                    {**site_json(d.file, d.span), "payload": d.payload, "doc": d.doc} for d in entry.declarations
                ],
                "emits": [
                    {
                        **site_json(e.file, e.span),
                        "side": e.side.value,
                        "scope": e.scope.value,
                        "rooms": list(e.rooms),
                        "namespace": e.namespace,
                    }
                    for e in entry.emits
                ],
                "listeners": [
                    {**site_json(l.file, l.span), "side": l.side.value, "kind": l.kind.value} for l in entry.listeners
                ],
            }
        )
    return {"root": root, "events": events, "dynamic": [_dynamic_json(d) for d in index.dynamic_sites()]}


def _dynamic_json(site: DynamicSite) -> dict[str, Any]:
    return {**site_json(site.file, site.span), "kind": site.kind, "expression": site.expression}
