"""`socketlens add-event`: plan "Add WebSocket event" and print it as a diff (`--dry-run`) or apply it.

Applying is all-or-nothing: every target is checked first (created files must not exist, inserted files
must still hash to what the plan saw, every path must stay inside the root, also through symlinks), and
only then are the files written.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from socketlens.analysis.scaffold import (
    Create,
    Plan,
    ScaffoldContext,
    ScaffoldRequest,
    Status,
    disk_reader,
    file_changes,
    inside_workspace,
    plan_add_event,
    unified_diff,
)
from socketlens.extract import content_hash

EXIT_OK, EXIT_REFUSED = 0, 1


class ApplyError(Exception):
    """The plan no longer fits the files on disk; nothing was written."""


def make_context(root: Path, index, config, overlay: dict[str, bytes] | None = None) -> ScaffoldContext:
    return ScaffoldContext(root=root, config=config, index=index, read=disk_reader(root, overlay))


def run_add_event(args: argparse.Namespace) -> int:
    from socketlens.cli import load_index

    root, config, index = load_index(args)
    ctx = make_context(root, index, config)
    request = ScaffoldRequest(
        name=args.name,
        payload=args.payload,
        scope=args.scope,
        trigger=args.trigger,
        room_template=args.room_template,
        consumer=args.consumer,
        trigger_file=args.trigger_file,
    )
    plan = plan_add_event(ctx, request)
    return report(plan, root, ctx, dry_run=args.dry_run)


def report(plan: Plan, root: Path, ctx: ScaffoldContext, dry_run: bool) -> int:
    if plan.status == Status.REFUSED:
        print(f"socketlens: add-event refused: {plan.message}", file=sys.stderr)
        return EXIT_REFUSED
    if plan.status == Status.UNCHANGED:
        print(f"socketlens: {plan.message}")
        return EXIT_OK
    if dry_run:
        sys.stdout.write(unified_diff(plan, ctx.read))
    else:
        try:
            written = apply_plan(root, plan)
        except ApplyError as error:
            print(f"socketlens: add-event refused: {error}", file=sys.stderr)
            return EXIT_REFUSED
        for path, created in written:
            print(f"{'created' if created else 'edited '} {path}")
        if plan.emit_location is not None:
            loc = plan.emit_location
            print(f"emit at {loc.path}:{loc.line + 1}:{loc.column + 1}")
    for note in plan.notes:
        print(f"note: {note}", file=sys.stderr)
    return EXIT_OK


def apply_plan(root: Path, plan: Plan) -> list[tuple[str, bool]]:
    """Write the plan's files; raises ApplyError (and writes nothing) when a target changed or escapes."""
    root = Path(root)
    read = disk_reader(root)
    for edit in plan.edits:
        if not inside_workspace(root, edit.path):
            raise ApplyError(f"{edit.path} would land outside the workspace")
        current = read(edit.path)
        if isinstance(edit, Create):
            if current is not None or os.path.lexists(root / edit.path):
                raise ApplyError(f"{edit.path} exists now: it would be overwritten")
        elif current is None:
            raise ApplyError(f"{edit.path} disappeared since the plan was made")
        elif content_hash(current) != edit.expected_hash:
            raise ApplyError(f"{edit.path} changed since the plan was made: plan again")
    written: list[tuple[str, bool]] = []
    for change in file_changes(plan, read):
        target = root / change.path
        if change.before is None:
            target.parent.mkdir(parents=True, exist_ok=True)
            with open(target, "xb") as handle:  # never overwrite, even in a race
                handle.write(change.after)
        else:
            temp = target.with_name(f".{target.name}.socketlens-tmp")
            temp.write_bytes(change.after)
            os.replace(temp, target)
        written.append((change.path, change.before is None))
    return written
