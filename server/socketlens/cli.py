"""The terminal front end: `socketlens events | check | rules | serve | add-event`.

Thin: parses arguments, builds the index, hands it to an analysis and prints. Errors are one line on
stderr and exit code 2, never a traceback.

Imports are deferred to the functions that need them: an unchanged repository's `events` or `check` is
replayed (see replay.py) before argparse, the configuration or the index are imported.
"""

from __future__ import annotations

import os
import sys

from socketlens import __version__

TYPE_CHECKING = False  # not `typing.TYPE_CHECKING`: importing typing is ~15% of a replayed run
if TYPE_CHECKING:
    import argparse
    from pathlib import Path
    from typing import Callable, Sequence

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


class CliError(Exception):
    """A problem to report as one line and exit code 2."""


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        return _main(argv)
    except CliError as error:
        print(f"socketlens: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `socketlens events | head`
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except Exception as error:  # noqa: BLE001 - the CLI never shows a traceback
        print(f"socketlens: internal error: {type(error).__name__}: {error}", file=sys.stderr)
        return EXIT_USAGE


def _main(argv: list[str]) -> int:
    from socketlens.replay import replayed

    code = replayed(argv)
    if code is not None:
        return code
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    args.argv = argv
    return args.run(args)


def _parser() -> argparse.ArgumentParser:
    import argparse

    parser = argparse.ArgumentParser(
        prog="socketlens", description="The socket.io events of a whole monorepo: catalog, checks, language server."
    )
    parser.add_argument("--version", action="version", version=f"socketlens {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    events = commands.add_parser("events", help="print the event catalog")
    _common(events)
    events.add_argument("--json", action="store_true", help="print the catalog as JSON")
    events.set_defaults(run=_run_events)

    check = commands.add_parser("check", help="run the rules, like a compiler")
    _common(check)
    check.add_argument("--format", choices=("text", "json", "sarif"), default="text")
    check.add_argument(
        "--fail-on",
        choices=("error", "warning", "info", "never"),
        default="error",
        help="exit 1 when a diagnostic at or above this severity is found (default: error)",
    )
    check.add_argument("--fix", action="store_true", help="apply the safe quick fixes")
    check.set_defaults(run=_run_check)

    rules = commands.add_parser("rules", help="list the rules")
    rules.set_defaults(run=_run_rules)

    serve = commands.add_parser("serve", help="run the language server (stdio by default)")
    serve.add_argument("--stdio", action="store_true", help="speak LSP over stdin/stdout (the default)")
    serve.add_argument("--tcp", metavar="HOST:PORT", help="listen on a TCP port instead, for debugging")
    serve.set_defaults(run=_run_serve)

    from socketlens.scaffold_cli import add_subcommand

    add_subcommand(commands, _common)
    return parser


def _common(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("path", nargs="?", default=".", metavar="PATH", help="the repository root (default: .)")
    sub.add_argument("--quiet", "-q", action="store_true", help="no progress or configuration notes on stderr")
    sub.add_argument("--no-cache", action="store_true", help="ignore and do not write the on-disk cache")


def resolve_root(path: str) -> Path:
    from pathlib import Path

    root = Path(path)
    if not root.exists():
        raise CliError(f"{path}: no such directory")
    if not root.is_dir():
        raise CliError(f"{path}: not a directory")
    if not os.access(root, os.R_OK | os.X_OK):
        raise CliError(f"{path}: permission denied")
    return root.resolve()


def load_index(args: argparse.Namespace):
    """Config + index for a command's PATH, with a progress bar on a terminal."""
    from socketlens.config import load_config
    from socketlens.index.builder import build_index
    from socketlens.replay import unrecorded

    root = resolve_root(args.path)
    config, problems = load_config(root)
    if not args.quiet:
        for problem in problems:
            print(f"socketlens: config: {problem}", file=sys.stderr)
    progress = None if args.quiet or not sys.stderr.isatty() else _ProgressBar(unrecorded(sys.stderr))
    index = build_index(root, config, use_cache=not args.no_cache, progress=progress)
    if progress is not None:
        progress.finish()
    return root, config, index


class _ProgressBar:
    def __init__(self, stream) -> None:
        self.stream = stream
        self.shown = False

    def __call__(self, done: int, total: int) -> None:
        if total < 200:
            return
        width = 30
        filled = width * done // max(total, 1)
        self.stream.write(f"\rindexing [{'#' * filled}{'.' * (width - filled)}] {done}/{total} files")
        self.stream.flush()
        self.shown = True

    def finish(self) -> None:
        if self.shown:
            self.stream.write("\r\033[K")
            self.stream.flush()


def _replayable(run: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """A command whose output depends only on the files it reads: the run is recorded for replay."""

    def run_recorded(args: argparse.Namespace) -> int:
        if args.no_cache or getattr(args, "fix", False):
            return run(args)
        from socketlens.replay import Recording

        with Recording(args.argv) as recording:
            code = run(args)
        recording.save(code)
        return code

    return run_recorded


@_replayable
def _run_events(args: argparse.Namespace) -> int:
    import json

    from socketlens.analysis.catalog import catalog
    from socketlens.output import events_table

    root, _, index = load_index(args)
    data = catalog(index, str(root))
    if args.json:
        json.dump(data, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(events_table(data))
    return EXIT_OK


@_replayable
def _run_check(args: argparse.Namespace) -> int:
    import json

    from socketlens.analysis.rules import RuleContext, Severity, run_rules
    from socketlens.output import diagnostics_json, diagnostics_sarif, diagnostics_text

    root, config, index = load_index(args)
    context = RuleContext(index=index, config=config, read_text=lambda rel: _read_text(root, rel))
    diagnostics = run_rules(context)
    if args.fix:
        from socketlens.analysis.fixes import apply_safe_fixes

        changed = apply_safe_fixes(root, diagnostics)
        if changed and not args.quiet:
            print(f"socketlens: fixed {len(changed)} file(s): {', '.join(sorted(changed))}", file=sys.stderr)
        if changed:
            _, config, index = load_index(args)
            context = RuleContext(index=index, config=config, read_text=lambda rel: _read_text(root, rel))
            diagnostics = run_rules(context)
    if args.format == "json":
        json.dump(diagnostics_json(diagnostics), sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    elif args.format == "sarif":
        json.dump(diagnostics_sarif(diagnostics, root), sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(diagnostics_text(diagnostics))
    if args.fail_on == "never":
        return EXIT_OK
    threshold = Severity(args.fail_on).rank
    return EXIT_FINDINGS if any(d.severity.rank >= threshold for d in diagnostics) else EXIT_OK


def _read_text(root: Path, rel: str) -> str | None:
    try:
        return (root / rel).read_bytes().decode("utf-8", errors="replace")
    except OSError:
        return None


def _run_rules(args: argparse.Namespace) -> int:
    from socketlens.analysis.rules import all_rules

    for current in all_rules():
        print(f"{current.code:24} {current.default_severity.value:8} {current.summary}")
    return EXIT_OK


def _run_serve(args: argparse.Namespace) -> int:
    from socketlens.index.builder import start_worker_server

    start_worker_server()  # in parallel with the server's imports, which take about a second
    try:
        from socketlens.lsp.server import run_server
    except ImportError as error:
        raise CliError(f"the language server is not available: {error}") from error
    if args.tcp:
        host, _, port = args.tcp.rpartition(":")
        if not port.isdigit():
            raise CliError(f"--tcp expects HOST:PORT, got {args.tcp!r}")
        run_server(tcp=(host or "127.0.0.1", int(port)))
    else:
        run_server()
    return EXIT_OK

