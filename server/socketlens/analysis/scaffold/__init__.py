"""Scaffolding "Add WebSocket event": inputs in, a plan of file edits out (never applied here).

Public surface:
- `ScaffoldContext`, `disk_reader`: what planning reads (index, config, root, current file bytes).
- `ScaffoldRequest`, `plan_add_event(ctx, request) -> Plan`.
- `Plan`, `Create`, `Insert`, `Status`, `Location`, `unified_diff`, `file_changes`, `apply_inserts`.
- `scaffold_options(ctx, file, position)`: what an editor needs to prompt for the inputs.
- `parse_payload`, `naming_problem`, `learn_naming`: the input validators on their own.
"""

from socketlens.analysis.scaffold.discover import ScaffoldContext, disk_reader, find_routes
from socketlens.analysis.scaffold.naming import learn_naming, naming_problem
from socketlens.analysis.scaffold.payload import Payload, PayloadError, PayloadField, parse_payload
from socketlens.analysis.scaffold.plan import (
    Create,
    Insert,
    Location,
    Plan,
    Status,
    apply_inserts,
    file_changes,
    unified_diff,
)
from socketlens.analysis.scaffold.planner import ScaffoldRequest, inside_workspace, plan_add_event

__all__ = [
    "Create",
    "Insert",
    "Location",
    "Payload",
    "PayloadError",
    "PayloadField",
    "Plan",
    "ScaffoldContext",
    "ScaffoldRequest",
    "Status",
    "apply_inserts",
    "disk_reader",
    "file_changes",
    "find_routes",
    "inside_workspace",
    "learn_naming",
    "naming_problem",
    "parse_payload",
    "plan_add_event",
    "unified_diff",
]
