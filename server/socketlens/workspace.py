"""Finding the files to index: a fast, gitignore-aware walk of the repository.

The walk uses `os.scandir` (one syscall batch per directory, cached `d_type`) because it has to stay quick
on monorepos of 10,000+ files. Discovery is stat-only; content checks (binary, minified) happen when a
file is read, so each file is opened once.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator, NamedTuple, Sequence

if TYPE_CHECKING:
    import pathspec

from .config import Config

SOURCE_EXTENSIONS: dict[str, str] = {
    ".ts": "typescript",
    ".tsx": "tsx",
    ".mts": "typescript",
    ".cts": "typescript",
    ".js": "javascript",
    ".jsx": "javascript",
    ".mjs": "javascript",
    ".cjs": "javascript",
    ".py": "python",
    ".vue": "vue",  # single-file components: only their <script> blocks are extracted
    ".svelte": "svelte",
}

# Directories that never hold code we own: dependencies, build output, caches, VCS metadata.
SKIP_DIRS = frozenset(
    {
        "node_modules",
        ".git",
        ".hg",
        ".svn",
        "dist",
        "build",
        "out",
        ".next",
        ".nuxt",
        ".output",
        ".svelte-kit",
        ".turbo",
        ".cache",
        ".parcel-cache",
        ".vercel",
        ".yarn",
        ".pnpm-store",
        "coverage",
        ".venv",
        "venv",
        "__pycache__",
        ".mypy_cache",
        ".pytest_cache",
        ".socketlens-cache",
    }
)

# Bundler output recognisable from the name alone (skipped without reading).
_MINIFIED_SUFFIXES = tuple(
    f".{kind}{ext}" for kind in ("min", "bundle") for ext in (".js", ".mjs", ".cjs", ".jsx")
)

BINARY_SNIFF_BYTES = 8192
_MINIFIED_SAMPLE_BYTES = 65536
_MINIFIED_MIN_SIZE = 2048
_MINIFIED_AVG_LINE = 200
_BANNER_LINES = 5


def language_of(path: str) -> str | None:
    """Language of a file from its extension (`.d.ts` counts as TypeScript), None if not indexed."""
    dot = path.rfind(".")
    if dot < 0 or "/" in path[dot:] or os.sep in path[dot:]:
        return None
    return SOURCE_EXTENSIONS.get(path[dot:].lower())


class WorkspaceFile(NamedTuple):  # a tuple, not a frozen dataclass: a walk makes one per file, 10,000+
    abs_path: str
    rel: str  # relative to root, "/" separators
    language: str
    size: int
    mtime_ns: int = 0  # from the walk's stat: a warm start compares it with the cache without a second stat

    @property
    def path(self) -> Path:
        return Path(self.abs_path)


def looks_binary(data: bytes) -> bool:
    """Git's heuristic: a NUL byte early in the file means it is not text (MPEG-TS `.ts` videos...)."""
    return b"\0" in data[:BINARY_SNIFF_BYTES]


def looks_minified_or_generated(rel: str, data: bytes) -> bool:
    """Bundles, minified code, generated files and stray source maps: indexing them would only add noise."""
    name = rel.rsplit("/", 1)[-1].lower()
    if name.endswith(_MINIFIED_SUFFIXES):
        return True
    sample = data[:_MINIFIED_SAMPLE_BYTES]
    # Generated-file banners live in the first few lines.
    head = b"\n".join(sample.split(b"\n", _BANNER_LINES)[:_BANNER_LINES])
    if b"@generated" in head or b"do not edit" in head.lower():
        return True
    stripped = sample.strip()
    if not stripped:
        return False
    # A source map saved with a script extension, or a file that is only a sourceMappingURL comment.
    if stripped.startswith(b"{") and b'"mappings"' in sample and b'"version"' in sample[:200]:
        return True
    # Only a short file can be nothing but sourceMappingURL comments: do not split every file into lines.
    if len(stripped) < 1024 and b"sourceMappingURL=" in stripped:
        lines = [line.strip() for line in stripped.split(b"\n") if line.strip()]
        if all(
            line.startswith((b"//# sourceMappingURL=", b"//@ sourceMappingURL=", b"/*# sourceMappingURL="))
            for line in lines
        ):
            return True
    if len(sample) >= _MINIFIED_MIN_SIZE:
        line_count = sample.count(b"\n") + 1
        if len(sample) / line_count > _MINIFIED_AVG_LINE:
            return True
    return False


def read_source(path: Path, max_size: int) -> bytes | None:
    """The file's bytes, or None when it vanished, cannot be read, is too big or is binary."""
    try:
        with open(path, "rb") as handle:
            try:
                if os.fstat(handle.fileno()).st_size > max_size:
                    return None
            except OSError:
                pass
            data = handle.read(max_size + 1)
    except (OSError, ValueError):
        return None
    if len(data) > max_size or looks_binary(data):
        return None
    return data


# ---------------------------------------------------------------------------------------------------------
# Ignore rules

# pathspec names the group that marks a directory match; a combined regex must not repeat a group name.
_NAMED_GROUP = re.compile(r"\(\?P<\w+>")
# How pathspec starts the regex of a pattern that may match at any depth (`*.log`, `node_modules/`)...
_ANY_DEPTH = "^(?:.+/)?"
# ... and ends it: a file or directory, or a directory only (once its named group is made plain; pathspec
# 1.x, then 0.12).
_FILE_OR_DIR_ENDS = ("(?:(?:/)|$)", "(?:(?:/).*)?$")
_DIR_ENDS = ("(?:/)", "(?:/).*$")
# Regex tokens that never match "/": `[^/]`, `[^/]*`, an escaped punctuation character, a plain character.
_ONE_COMPONENT = re.compile(r"(?:\[\^/\]\*?|\\[^0-9A-Za-z/]|[^\\.^$*+?{}\[\]|()/])+")


class _Patterns:
    """One file's gitignore-style patterns (a .gitignore, `.git/info/exclude`, the include/exclude config).

    Most paths match no pattern at all. Regexes joining the patterns answer that first, and pathspec's own,
    slower, check (git's precedence of negations and directory matches) only runs on a hit:
      any_match        every pattern, on a whole path;
      component_match  the patterns of one path component at any depth (`*.log`, `node_modules/`), on a
                       directory's path: where none matches, such a pattern can only match a file by its name;
      name_match       those of them that can match a file, on a file's name;
      other_match      the other patterns (anchored, several components), on a whole path.
    A None any_match means the patterns could not be joined: every path goes to pathspec. The other three are
    None when they would hold no pattern.
    """

    __slots__ = ("spec", "any_match", "component_match", "name_match", "other_match")

    def __init__(self, spec: pathspec.PathSpec) -> None:
        self.spec = spec
        self.any_match = self.component_match = self.name_match = self.other_match = None
        sources = _pattern_sources(spec)
        if sources is None:
            return
        one_component, any_depth, anchored = sources
        file_components = [source for source in one_component if source.endswith(_FILE_OR_DIR_ENDS)]
        try:
            self.component_match = _join(one_component, [])
            self.name_match = _join_at_name(file_components)
            self.other_match = _join(any_depth, anchored)
            self.any_match = _join(one_component + any_depth, anchored) or re.compile("(?!)").match
        except (re.error, RecursionError, OverflowError):  # never seen; pathspec alone is still right
            self.any_match = self.component_match = self.name_match = self.other_match = None

    def decide(self, path: str) -> bool | None:
        """True = ignored, False = re-included by a negation, None = no pattern matched."""
        any_match = self.any_match
        if any_match is not None and any_match(path) is None:
            return None
        return _check(self.spec, path)

    def may_match_file(self, local: str, name_start: int) -> bool:
        """For a file whose directory `component_match` does not match: False when no pattern matches."""
        name_match, other_match = self.name_match, self.other_match
        return (name_match is not None and name_match(local, name_start) is not None) or (
            other_match is not None and other_match(local) is not None
        )


def _pattern_sources(spec: pathspec.PathSpec) -> tuple[list[str], list[str], list[str]] | None:
    """The regex sources of the patterns, anchored at the start (so `match` agrees with pathspec's `search`):
    (one component at any depth, other at any depth: both without _ANY_DEPTH; anchored: without `^`).
    None when a pattern is of a kind that cannot be joined safely."""
    from pathspec.pattern import RegexPattern

    one_component: list[str] = []
    any_depth: list[str] = []
    anchored: list[str] = []
    for pattern in spec.patterns:
        if pattern.include is None:
            continue
        if not isinstance(pattern, RegexPattern) or type(pattern).match_file is not RegexPattern.match_file:
            return None  # a pattern class that matches some other way
        regex = pattern.regex
        if regex is None:
            continue  # never matches
        source = regex.pattern
        if not isinstance(source, str) or not source.startswith("^") or regex.flags & ~re.UNICODE:
            return None  # global flags could not be joined
        source = _NAMED_GROUP.sub("(?:", source)
        if not source.startswith(_ANY_DEPTH):
            anchored.append(source[1:])
            continue
        rest = source[len(_ANY_DEPTH) :]
        ends = [end for end in _FILE_OR_DIR_ENDS + _DIR_ENDS if rest.endswith(end)]
        if ends and _ONE_COMPONENT.fullmatch(rest[: -len(ends[0])]):
            one_component.append(rest)
        else:
            any_depth.append(rest)
    return one_component, any_depth, anchored


def _join(any_depth: list[str], anchored: list[str]) -> Callable[..., object] | None:
    """One `match` for several patterns. The any-depth ones share a single scan of the directory prefix,
    instead of one scan each."""
    alternatives = [f"(?:{source})" for source in anchored]
    if any_depth:
        alternatives.append("(?:.+/)?(?:" + "|".join(f"(?:{source})" for source in any_depth) + ")")
    return re.compile("^(?:" + "|".join(alternatives) + ")").match if alternatives else None


def _join_at_name(one_component: list[str]) -> Callable[..., object] | None:
    """One `match(path, name_start)` for patterns of one component, at the start of a file's name."""
    return re.compile("|".join(f"(?:{source})" for source in one_component)).match if one_component else None


class _IgnoreRules:
    """The gitignore files in force for one directory: (path prefix of their directory, patterns),
    the deepest first."""

    __slots__ = ("deepest_first",)

    def __init__(self, deepest_first: tuple[tuple[str, _Patterns], ...] = ()) -> None:
        self.deepest_first = deepest_first

    def extended(self, base: str, patterns: _Patterns | None) -> "_IgnoreRules":
        if patterns is None:
            return self
        return _IgnoreRules(((base + "/" if base else "", patterns),) + self.deepest_first)

    def ignored(self, rel: str, is_dir: bool) -> bool:
        """Git semantics: the deepest file with a matching pattern decides, its last match wins."""
        for prefix, patterns in self.deepest_first:
            if prefix:
                if not rel.startswith(prefix):
                    continue
                local = rel[len(prefix) :]
            else:
                local = rel
            decision = patterns.decide(local + "/" if is_dir else local)
            if decision is not None:
                return decision
        return False

    def for_files_in(self, rel_prefix: str) -> tuple[tuple[str, _Patterns, bool], ...]:
        """For `_file_ignored`: the layers that may match a file of the directory at `rel_prefix` ("" or
        ending in "/"), each with the directory's path from the layer's base and whether every file must go
        to pathspec. What depends on the directory alone is worked out here, once, not once per file."""
        layers = []
        for prefix, patterns in self.deepest_first:
            if not rel_prefix.startswith(prefix):
                continue
            local_dir = rel_prefix[len(prefix) :]
            component_match = patterns.component_match
            if patterns.any_match is None:
                layers.append((local_dir, patterns, True))
            elif local_dir and component_match is not None and component_match(local_dir) is not None:
                layers.append((local_dir, patterns, True))  # e.g. a re-included directory: files go to pathspec
            elif patterns.name_match is not None or patterns.other_match is not None:
                layers.append((local_dir, patterns, False))
        return tuple(layers)


def _file_ignored(layers: tuple[tuple[str, _Patterns, bool], ...], name: str) -> bool:
    """`_IgnoreRules.ignored` for a file called `name`, given `for_files_in` of its directory."""
    for local_dir, patterns, check_every_file in layers:
        local = local_dir + name
        if not check_every_file and not patterns.may_match_file(local, len(local_dir)):
            continue
        decision = _check(patterns.spec, local)
        if decision is not None:
            return decision
    return False


def _check(spec: pathspec.PathSpec, path: str) -> bool | None:
    """True = ignored, False = re-included by a negation, None = no pattern matched."""
    check = getattr(spec, "check_file", None)
    if check is not None:
        return check(path).include
    result: bool | None = None  # pathspec without check_file: evaluate the patterns ourselves
    for pattern in spec.patterns:
        if pattern.include is not None and pattern.match_file(path) is not None:
            result = pattern.include
    return result


def _compile(lines: Sequence[str]) -> _Patterns | None:
    cleaned = [line.rstrip("\r") for line in lines]
    if not any(line.strip() and not line.lstrip().startswith("#") for line in cleaned):
        return None
    import pathspec  # here, not at module level: a repository without ignore files never pays its import

    try:
        return _Patterns(pathspec.GitIgnoreSpec.from_lines(cleaned))
    except Exception:  # a malformed pattern must not stop indexing
        kept = []
        for line in cleaned:
            try:
                pathspec.GitIgnoreSpec.from_lines([line])
            except Exception:
                continue
            kept.append(line)
        return _Patterns(pathspec.GitIgnoreSpec.from_lines(kept)) if kept else None


def _read_ignore_file(path: str) -> _Patterns | None:
    try:
        with open(path, "rb") as handle:
            text = handle.read().decode("utf-8", errors="replace")
    except OSError:
        return None
    return _compile(text.splitlines())


# ---------------------------------------------------------------------------------------------------------
# The walk


def _is_within(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def discover_files(root: Path, config: Config) -> Iterator[WorkspaceFile]:
    """Every indexable source file under `root`, sorted by relative path.

    Real directories are walked first; directory and file symlinks are followed afterwards, and only when
    their target is inside the root and has not been seen already, so a link never duplicates files and a
    link to an ancestor never loops.
    """
    root = Path(root).absolute()
    root_str = str(root)
    try:
        root_real = os.path.realpath(root_str)
    except OSError:
        return iter(())
    include = _compile(list(config.include)) if config.include else None
    exclude = _compile(list(config.exclude)) if config.exclude else None
    max_size = config.max_file_size

    base_rules = _IgnoreRules().extended("", _read_ignore_file(os.path.join(root_str, ".git", "info", "exclude")))

    found: dict[str, WorkspaceFile] = {}
    walked_dirs: dict[str, str] = {}  # real path -> rel of each directory walked
    linked_file_reals: set[str] = set()  # real paths of the files accepted through a symlink
    # Pending symlinks, resolved after the real tree: (abs path, rel, rules of the directory holding it).
    pending_links: list[tuple[str, str, _IgnoreRules]] = []

    def file_language(name: str, rel: str) -> str | None:
        """The language of a file the configuration lets in, judged from its path alone; None to skip it."""
        dot = name.rfind(".")  # language_of, for a name (no directory part)
        language = SOURCE_EXTENSIONS.get(name[dot:].lower()) if dot >= 0 else None
        if language is None:
            return None
        if language == "javascript" and name.lower().endswith(_MINIFIED_SUFFIXES):
            return None
        if exclude is not None and exclude.decide(rel):
            return None
        if include is not None and not include.decide(rel):
            return None
        return language

    def dir_excluded(name: str, rel: str, rules: _IgnoreRules) -> bool:
        if name in SKIP_DIRS or rules.ignored(rel, is_dir=True):
            return True
        return exclude is not None and bool(exclude.decide(rel + "/"))

    def already_found(real: str) -> bool:
        """Whether the file at this real path was accepted already. Looked up rather than recorded per file,
        as only file symlinks ask: a walked directory's files are in `found` under the rel it was walked as."""
        if real in linked_file_reals:
            return True
        parent, name = os.path.split(real)
        parent_rel = walked_dirs.get(parent)
        return parent_rel is not None and (f"{parent_rel}/{name}" if parent_rel else name) in found

    def walk(dir_abs: str, dir_rel: str, dir_real: str, rules: _IgnoreRules) -> None:
        """Depth-first over non-symlink directories; symlinks are queued."""
        stack = [(dir_abs, dir_rel, dir_real, rules)]
        while stack:
            cur_abs, cur_rel, cur_real, cur_rules = stack.pop()
            if cur_real in walked_dirs:
                continue
            walked_dirs[cur_real] = cur_rel
            try:
                with os.scandir(cur_abs) as it:
                    entries = list(it)
            except OSError:
                continue
            if any(entry.name == ".gitignore" for entry in entries):
                cur_rules = cur_rules.extended(cur_rel, _read_ignore_file(os.path.join(cur_abs, ".gitignore")))
            rel_prefix = cur_rel + "/" if cur_rel else ""
            file_rules = cur_rules.for_files_in(rel_prefix)
            for entry in entries:
                name = entry.name
                rel = rel_prefix + name
                try:
                    if entry.is_file(follow_symlinks=False):
                        language = file_language(name, rel)
                        if language is None or (file_rules and _file_ignored(file_rules, name)):
                            continue
                        stat = entry.stat(follow_symlinks=False)
                        if stat.st_size <= max_size:
                            found[rel] = WorkspaceFile(entry.path, rel, language, stat.st_size, stat.st_mtime_ns)
                    elif entry.is_dir(follow_symlinks=False):
                        if not dir_excluded(name, rel, cur_rules):
                            stack.append((entry.path, rel, os.path.join(cur_real, name), cur_rules))
                    elif entry.is_symlink():
                        if not cur_rules.ignored(rel, is_dir=False) or not cur_rules.ignored(rel, is_dir=True):
                            pending_links.append((entry.path, rel, cur_rules))
                except OSError:  # vanished or unreadable meanwhile
                    continue

    walk(root_str, "", root_real, base_rules)

    # Symlinks, in a deterministic order; links found inside followed links are appended and handled too.
    index = 0
    while index < len(pending_links):
        batch = sorted(pending_links[index:], key=lambda item: item[1])
        del pending_links[index:]
        pending_links.extend(batch)
        link_abs, rel, rules = pending_links[index]
        index += 1
        try:
            target_real = os.path.realpath(link_abs)
            if not _is_within(target_real, root_real):
                continue
            st = os.stat(target_real)
        except OSError:  # dangling link or loop the OS refuses to resolve
            continue
        name = rel.rsplit("/", 1)[-1]
        if os.path.isdir(target_real):
            if dir_excluded(name, rel, rules) or target_real in walked_dirs:
                continue
            walk(link_abs, rel, target_real, rules)
        else:
            if already_found(target_real) or rules.ignored(rel, is_dir=False):
                continue
            language = file_language(name, rel)
            if language is not None and st.st_size <= max_size:
                found[rel] = WorkspaceFile(link_abs, rel, language, st.st_size, st.st_mtime_ns)
                linked_file_reals.add(target_real)

    return iter([found[rel] for rel in sorted(found)])
