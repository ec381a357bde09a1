"""`socketlens add-event`: its command line. Planning and applying live in `scaffold_apply`."""

from __future__ import annotations

import argparse


class _IntermixedParser(argparse.ArgumentParser):
    """`add-event NAME --payload ... PATH`: the optional PATH may follow the options, which plain argparse
    cannot do with two positionals."""

    _inside = False

    def parse_known_args(self, args=None, namespace=None):
        if self._inside:
            return super().parse_known_args(args, namespace)
        self._inside = True
        try:
            return self.parse_known_intermixed_args(args, namespace)
        finally:
            self._inside = False


def add_subcommand(commands, common) -> None:
    default_class = commands._parser_class
    commands._parser_class = _IntermixedParser
    try:
        sub = _add_parser(commands)
    finally:
        commands._parser_class = default_class
    _configure(sub, common)


def _add_parser(commands) -> argparse.ArgumentParser:
    return commands.add_parser(
        "add-event",
        help="scaffold a real-time event: shared type, scoped emit, client hook, consumer",
        description="Add a socket.io event end to end. Writes nothing and says why when it cannot be done safely.",
    )


def _configure(sub: argparse.ArgumentParser, common) -> None:
    sub.add_argument("name", metavar="NAME", help='the event name, e.g. "lead:new"')
    sub.add_argument("--payload", required=True, help='fields, e.g. "leadId: string, name: string, score?: number"')
    sub.add_argument("--scope", required=True, help="who receives it: user, org, room (or a configured room scope)")
    sub.add_argument("--room-template", help='room template for --scope room, e.g. "deal:{dealId}"')
    sub.add_argument("--trigger", required=True, help='the mutation route that emits it, e.g. "POST /api/leads"')
    sub.add_argument("--trigger-file", help="the file of the trigger route, when several files declare it")
    sub.add_argument("--consumer", help="path (from the root) of the component that reacts")
    sub.add_argument("--dry-run", action="store_true", help="print the plan as a unified diff, write nothing")
    common(sub)
    sub.set_defaults(run=_run_add_event)


def _run_add_event(args: argparse.Namespace) -> int:
    # Imported on use: every `socketlens` command builds this parser, few run it.
    from socketlens.scaffold_apply import run_add_event

    return run_add_event(args)
