"""Replaying a CLI run whose inputs have not changed.

`socketlens events` and `socketlens check` on an unchanged repository print what they printed the last
time they ran with the same arguments. A run records what it read (the directories it listed, the files
it opened, the paths it probed) and what it printed; the next identical invocation replays that output
when every recorded mtime and size is the same. Like git's untracked cache, a directory's mtime says
that no entry appeared or went in it, so that checking costs one `stat` per file, not a walk. Anything
else (a changed file, another version of socketlens or of its dependencies, an unreadable record) means a
normal run, which records again.

Timestamps are trusted the way the facts cache trusts them, with git's guard against "racily clean"
files: a run is not recorded when one of its inputs changed shortly before it started, since a later
change within the filesystem's timestamp granularity would leave the same mtime.

The CLI checks for a replay before importing anything else, so this module imports only builtin modules.
"""

from __future__ import annotations

import marshal
import os
import sys
import time
import zlib

from socketlens import __version__

_FORMAT = 1
_RACY_NS = 2_000_000_000  # mtimes this close to the run's start may hide a later change (FAT: 2 s)
_KEEP_RECORDS = 32  # one record per distinct invocation; the oldest go first
_MISSING = (-1, -1)  # the stat of a path that does not exist (or cannot be stat'ed)
_SYSTEM_PREFIXES = ("/dev/", "/proc/", "/sys/")


def cache_dir() -> str:
    """Where socketlens keeps its caches: $SOCKETLENS_CACHE_DIR, else the XDG cache directory."""
    explicit = os.environ.get("SOCKETLENS_CACHE_DIR")
    if explicit:
        return explicit
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "socketlens")


def replayed(argv: list[str]) -> int | None:
    """Print the recorded output of this exact invocation and return its exit code, or None when there is
    no record or anything it read has changed."""
    if not argv or argv[0] not in ("events", "check"):
        return None
    try:
        key = _invocation_key(argv)
        with open(_record_path(key), "rb") as handle:
            record_format, recorded_key, names, stats, out, err, code = marshal.load(handle)
    except (OSError, EOFError, ValueError, TypeError):  # no record, or not one of ours
        return None
    if record_format != _FORMAT or recorded_key != key or _stats(names.split("\0")) != stats:
        return None
    sys.stderr.write(err)
    sys.stdout.write(out)
    return code


def _invocation_key(argv: list[str]) -> str:
    """Everything besides the files read that the output depends on."""
    streams = [(getattr(s, "encoding", None), s is not None and s.isatty()) for s in (sys.stdout, sys.stderr)]
    environment = sorted((k, v) for k, v in os.environ.items() if k.startswith("SOCKETLENS_"))
    return repr((os.getcwd(), argv, streams, environment, __version__, sys.version, sys.executable))


def _record_path(key: str) -> str:
    return os.path.join(cache_dir(), "runs", f"{zlib.crc32(key.encode('utf-8', 'surrogateescape')):08x}.marshal")


def _stats(paths: list[str]) -> list[tuple[int, int]]:
    stats = []
    for path in paths:
        try:
            st = os.stat(path)
        except (OSError, ValueError):
            stats.append(_MISSING)
        else:
            stats.append((st.st_mtime_ns, st.st_size))
    return stats


# ---------------------------------------------------------------------------------------------------------
# Recording


class Recording:
    """Records one run: `with Recording(argv) as recording: code = run()`, then `recording.save(code)`.

    Files are seen through the interpreter's audit events (`open`, `os.scandir`) of this process; the
    worker processes only read files inside the directories listed here. Existence checks raise no audit
    event: code that probes a path calls `note_probe`."""

    def __init__(self, argv: list[str]):
        try:
            self.key: str | None = _invocation_key(argv)
        except OSError:  # the working directory is gone: nothing to key a record on
            self.key = None
        self.started_ns = time.time_ns()
        self.listed: set[str] = set()
        self.opened: set[str] = set()
        self.probed: set[str] = set()
        self._out: _Tee | None = None
        self._err: _Tee | None = None

    def __enter__(self) -> "Recording":
        global _active
        _install_audit_hook()
        self._out, self._err = _Tee(sys.stdout), _Tee(sys.stderr)
        sys.stdout, sys.stderr = self._out, self._err
        _active = self
        return self

    def __exit__(self, *exc_info: object) -> None:
        global _active
        _active = None
        sys.stdout, sys.stderr = self._out.stream, self._err.stream

    def save(self, code: int) -> None:
        """Keep the record, unless an input changed too recently to be trusted. Never raises."""
        if self.key is None:
            return
        try:
            # The files opened here (a run after an edit extracts the edited file itself) and the
            # directories listed tell most racy runs apart before every file is stat'ed.
            module_files = _module_files()
            if self._racy(_stats(sorted(self._opened_and_listed(module_files)))):
                return
            names = sorted(self._inputs(module_files))
            stats = _stats(names)
            if self._racy(stats):
                return
            record = (_FORMAT, self.key, "\0".join(names), stats, "".join(self._out.parts), "".join(self._err.parts), code)
            _write_atomically(_record_path(self.key), marshal.dumps(record))
        except (OSError, ValueError):  # a read-only cache, a name that cannot be encoded...
            pass

    def _racy(self, stats: list[tuple[int, int]]) -> bool:
        return any(mtime > self.started_ns - _RACY_NS for mtime, _ in stats)

    def _opened_and_listed(self, module_files: set[str]) -> set[str]:
        """The files this process read (not its own modules) and the directories it listed."""
        found = set(map(os.path.abspath, self.listed))
        found.update(f for f in map(os.path.abspath, self.opened) if f not in module_files)
        return _without_caches_and_devices(found)

    def _inputs(self, module_files: set[str] | None = None) -> set[str]:
        """Everything the output depends on: what was read and listed, every file of the directories
        listed (the worker processes read those), the paths probed, and the code that ran."""
        module_files = _module_files() if module_files is None else module_files
        inputs = self._opened_and_listed(module_files)
        for directory in map(os.path.abspath, self.listed):
            try:
                with os.scandir(directory) as entries:
                    inputs.update(entry.path for entry in entries if not entry.is_dir())
            except OSError:
                pass
        for path in map(os.path.abspath, self.probed):
            # An absent path appears by changing its nearest existing ancestor.
            while not os.path.lexists(path) and os.path.dirname(path) != path:
                path = os.path.dirname(path)
            inputs.add(path)
        code_directories = _code_directories()
        inputs.update(f for f in module_files if f.startswith(code_directories) and not f.endswith(".pyc"))
        return _without_caches_and_devices(inputs)


def _module_files() -> set[str]:
    """The source and bytecode files of the modules loaded in this process."""
    modules = [m for m in list(sys.modules.values()) if isinstance(getattr(m, "__file__", None), str)]
    files = {os.path.abspath(m.__file__) for m in modules}
    files |= {os.path.abspath(m.__cached__) for m in modules if isinstance(getattr(m, "__cached__", None), str)}
    return files


def _without_caches_and_devices(paths: set[str]) -> set[str]:
    ignored = (os.path.join(os.path.abspath(cache_dir()), ""), *_SYSTEM_PREFIXES)
    return {path for path in paths if not path.startswith(ignored)}


def _code_directories() -> tuple[str, ...]:
    """Where the code that produced an output lives: socketlens and the installed packages it imported.
    The standard library goes with sys.version, part of the key; the program that called `main` (a
    test suite, say) is not an input."""
    import sysconfig

    directories = {os.path.dirname(os.path.abspath(__file__))}
    directories.update(sysconfig.get_path(name) for name in ("purelib", "platlib"))
    return tuple(os.path.join(directory, "") for directory in directories)


_active: Recording | None = None
_hook_installed = False


def note_probe(path: str) -> None:
    """A path whose existence the run looked up (`os.path.isfile` raises no audit event)."""
    if _active is not None:
        _active.probed.add(path)


def unrecorded(stream):
    """The stream under a recording's copy: for a progress bar, which a replay must not repeat."""
    return stream.stream if isinstance(stream, _Tee) else stream


def _install_audit_hook() -> None:
    # Audit hooks cannot be removed: one is installed per process and does nothing between recordings.
    global _hook_installed
    if not _hook_installed:
        sys.addaudithook(_on_audit_event)
        _hook_installed = True


def _on_audit_event(event: str, args: tuple) -> None:
    recording = _active
    if recording is None:
        return
    # os.listdir is left out on purpose: the import system lists sys.path with it, the index never does.
    if event == "open" or event == "os.scandir":
        path = args[0] if args else None
        if path is None and event == "os.scandir":
            path = "."
        if isinstance(path, (str, bytes, os.PathLike)):  # not a file descriptor
            (recording.opened if event == "open" else recording.listed).add(os.fsdecode(path))


class _Tee:
    """A text stream that keeps a copy of what is written to it."""

    def __init__(self, stream):
        self.stream = stream
        self.parts: list[str] = []

    def write(self, text: str) -> int:
        self.parts.append(text)
        return self.stream.write(text)

    def __getattr__(self, name: str):
        return getattr(self.stream, name)


def _write_atomically(path: str, data: bytes) -> None:
    directory = os.path.dirname(path)
    os.makedirs(directory, exist_ok=True)
    temporary = f"{path}.{os.getpid()}.tmp"
    with open(temporary, "wb") as handle:
        handle.write(data)
    os.replace(temporary, path)  # a concurrent replay reads the old record or the new one
    records = [entry for entry in os.scandir(directory) if entry.name.endswith(".marshal")]
    if len(records) > _KEEP_RECORDS:
        records.sort(key=lambda entry: entry.stat().st_mtime_ns)
        for entry in records[: len(records) - _KEEP_RECORDS]:
            try:
                os.unlink(entry.path)
            except OSError:
                pass
