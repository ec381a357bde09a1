"""Terminal formats: the events table and diagnostics as text, JSON and SARIF 2.1.0."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence

from socketlens import __version__
from socketlens.analysis.catalog import site_json
from socketlens.analysis.rules import Diagnostic, all_rules

_ARROWS = {"server-to-client": "server → client", "client-to-server": "client → server", "inter-server": "server ↔ server"}


def _where(site: dict[str, Any]) -> str:
    return f"{site['file']}:{site['line']}"


def events_table(data: dict[str, Any]) -> str:
    """One block per event: direction and declaration, then each emit with its scope, then listeners."""
    events = data["events"]
    if not events and not data["dynamic"]:
        return "No socket.io events found.\n"
    lines: list[str] = []
    for event in events:
        if event["declarations"]:
            direction = _ARROWS.get(event["direction"] or "", "direction unknown")
            declared = ", ".join(_where(d) for d in event["declarations"])
            lines.append(f"{event['name']}  ({direction}; declared {declared})")
        else:
            lines.append(f"{event['name']}  (not declared)")
        for declaration in event["declarations"][:1]:
            if declaration["payload"]:
                lines.append(f"    payload   {declaration['payload']}")
        for emit in event["emits"]:
            rooms = f" {', '.join(emit['rooms'])}" if emit["rooms"] else ""
            lines.append(f"    emit      {_where(emit):<48} {emit['side']:<6} {emit['scope']}{rooms}")
        for listener in event["listeners"]:
            lines.append(f"    listen    {_where(listener):<48} {listener['side']:<6} {listener['kind']}")
        if not event["emits"]:
            lines.append("    emit      (none)")
        if not event["listeners"]:
            lines.append("    listen    (none)")
        lines.append("")
    if data["dynamic"]:
        lines.append("Dynamic sites (event name not known statically):")
        for site in data["dynamic"]:
            lines.append(f"    {site['kind']:<7}   {_where(site):<48} {site['expression']}")
        lines.append("")
    emits = sum(len(e["emits"]) for e in events)
    listeners = sum(len(e["listeners"]) for e in events)
    lines.append(f"{len(events)} events, {emits} emits, {listeners} listeners, {len(data['dynamic'])} dynamic sites")
    return "\n".join(lines) + "\n"


def diagnostics_text(diagnostics: Sequence[Diagnostic]) -> str:
    lines = [
        f"{d.file}:{d.span.start_line + 1}:{d.span.start_col + 1}: {d.severity.value}: {d.message} [{d.code}]"
        for d in diagnostics
    ]
    counts: dict[str, int] = {}
    for d in diagnostics:
        counts[d.severity.value] = counts.get(d.severity.value, 0) + 1
    summary = ", ".join(f"{n} {sev}{'s' if n != 1 else ''}" for sev, n in counts.items()) or "no problems"
    lines.append(summary)
    return "\n".join(lines) + "\n"


def diagnostics_json(diagnostics: Sequence[Diagnostic]) -> dict[str, Any]:
    return {
        "diagnostics": [
            {**site_json(d.file, d.span), "severity": d.severity.value, "code": d.code, "message": d.message}
            for d in diagnostics
        ]
    }


_SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note", "hint": "note"}


def diagnostics_sarif(diagnostics: Sequence[Diagnostic], root: Path) -> dict[str, Any]:
    rules = all_rules()
    rule_index = {r.code: i for i, r in enumerate(rules)}
    results = []
    for d in diagnostics:
        results.append(
            {
                "ruleId": d.code,
                "ruleIndex": rule_index.get(d.code, -1),
                "level": _SARIF_LEVEL[d.severity.value],
                "message": {"text": d.message},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": {"uri": d.file, "uriBaseId": "%SRCROOT%"},
                            "region": {
                                "startLine": d.span.start_line + 1,
                                "startColumn": d.span.start_col + 1,
                                "endLine": d.span.end_line + 1,
                                "endColumn": d.span.end_col + 1,
                            },
                        }
                    }
                ],
            }
        )
    for result in results:
        if result["ruleIndex"] == -1:
            del result["ruleIndex"]
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "socketlens",
                        "version": __version__,
                        "informationUri": "https://pypi.org/project/socketlens/",
                        "rules": [
                            {
                                "id": r.code,
                                "name": "".join(part.capitalize() for part in r.code.split("-")),
                                "shortDescription": {"text": r.summary},
                                "fullDescription": {"text": r.summary},
                                "defaultConfiguration": {"level": _SARIF_LEVEL[r.default_severity.value]},
                                "properties": {"tags": ["socket.io", "realtime"]},
                            }
                            for r in rules
                        ],
                    }
                },
                "originalUriBaseIds": {"%SRCROOT%": {"uri": root.as_uri() + "/"}},
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
