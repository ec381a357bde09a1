"""The fast paths of the walk (joined regexes before pathspec, per-directory ignore checks) decide exactly as
pathspec does; and the walk's record type stays an immutable record."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path

import pathspec
import pytest

from socketlens.config import Config
from socketlens.workspace import (
    SKIP_DIRS,
    WorkspaceFile,
    _compile,
    _file_ignored,
    _IgnoreRules,
    discover_files,
    language_of,
)

# Gitignore lines that hit the different shapes: one component at any depth, directory-only, anchored,
# several components, `**`, ranges, negations, escapes, a bare `*`.
LINES = [
    "*.gen.ts", "!keep*.ts", "build/", "/gen", "gen", "**/foo", "foo/**", "a/**/b", "!a/**", "*.js", "!*.min.js",
    "src/*.ts", "/src", "tmp/", "!tmp/", "*", "!*/", "!*.ts", "x.ts", "[ab]*", "?.py", "lib", "!lib/", "\\!x",
    "a/", "b/*", "**/src/**", "**", "*.md", "Foo", "!Foo/x.ts", "node/", "# comment", "", "keep/", "!/keep",
    "a b", "*.py[cod]", "report.[0-9]*.json", "[!a]*.ts", "lib/**/x.js", "x.ts/",
]
NAMES = ["a", "b", "src", "lib", "gen", "foo", "Foo", "tmp", "keep", "x.ts", "node", "a b", "!x"]
EXTENSIONS = [".ts", ".tsx", ".js", ".min.js", ".py", ".pyc", ".md", ".gen.ts", ".json", ""]


def reference_ignored(layers: list[tuple[str, pathspec.PathSpec]], rel: str, is_dir: bool) -> bool:
    """Git's rule with pathspec alone: the deepest file with a matching pattern decides."""
    for base, spec in reversed(layers):
        if base and not rel.startswith(base + "/"):
            continue
        local = rel[len(base) + 1 :] if base else rel
        decision = spec.check_file(local + "/" if is_dir else local).include
        if decision is not None:
            return decision
    return False


def random_lines(rng: random.Random) -> list[str]:
    return [rng.choice(LINES) for _ in range(rng.randint(1, 6))]


def test_joined_patterns_decide_as_pathspec() -> None:
    rng = random.Random(7)
    for _ in range(300):
        lines = random_lines(rng)
        patterns = _compile(lines)
        if patterns is None:
            continue
        spec = pathspec.GitIgnoreSpec.from_lines(lines)
        for _ in range(20):
            path = "/".join(rng.choice(NAMES) for _ in range(rng.randint(1, 4))) + rng.choice(EXTENSIONS)
            for candidate in (path, path + "/"):
                assert patterns.decide(candidate) == spec.check_file(candidate).include, (lines, candidate)


def test_per_directory_file_checks_agree_with_pathspec() -> None:
    rng = random.Random(11)
    for _ in range(300):
        layers: list[tuple[str, pathspec.PathSpec]] = []
        rules = _IgnoreRules()
        dir_parts: list[str] = []
        for depth in range(rng.randint(1, 4)):
            if rng.random() < 0.6:
                lines = random_lines(rng)
                base = "/".join(dir_parts)
                rules = rules.extended(base, _compile(lines))
                if _compile(lines) is not None:
                    layers.append((base, pathspec.GitIgnoreSpec.from_lines(lines)))
            dir_parts.append(rng.choice(NAMES))
        directory = "/".join(dir_parts[: rng.randint(0, len(dir_parts))])
        rel_prefix = directory + "/" if directory else ""
        file_rules = rules.for_files_in(rel_prefix)
        for _ in range(15):
            name = rng.choice(NAMES) + rng.choice(EXTENSIONS)
            expected = reference_ignored(layers, rel_prefix + name, is_dir=False)
            assert _file_ignored(file_rules, name) == expected, (layers, rel_prefix + name)
            assert rules.ignored(rel_prefix + name, is_dir=False) == expected
            expected_dir = reference_ignored(layers, rel_prefix + name, is_dir=True)
            assert rules.ignored(rel_prefix + name, is_dir=True) == expected_dir


def reference_walk(root: Path) -> list[tuple[str, str, int]]:
    """The walk without its fast paths (no symlinks, default config): (rel, language, size), sorted."""
    found = []

    def visit(directory: Path, rel_dir: str, layers: list[tuple[str, pathspec.PathSpec]]) -> None:
        ignore_file = directory / ".gitignore"
        if ignore_file.is_file():
            lines = ignore_file.read_text().splitlines()
            if any(line.strip() and not line.startswith("#") for line in lines):
                layers = layers + [(rel_dir, pathspec.GitIgnoreSpec.from_lines(lines))]
        for entry in os.scandir(directory):
            rel = f"{rel_dir}/{entry.name}" if rel_dir else entry.name
            if entry.is_dir(follow_symlinks=False):
                if entry.name not in SKIP_DIRS and not reference_ignored(layers, rel, is_dir=True):
                    visit(Path(entry.path), rel, layers)
            elif entry.is_file(follow_symlinks=False):
                language = language_of(rel)
                if language and not rel.endswith(".min.js") and not reference_ignored(layers, rel, is_dir=False):
                    found.append((rel, language, entry.stat().st_size))

    visit(root, "", [])
    return sorted(found)


def test_walk_with_nested_ignore_files_matches_reference(tmp_path: Path) -> None:
    rng = random.Random(3)
    for trial in range(40):
        root = tmp_path / f"repo{trial}"
        root.mkdir()
        dirs = [root]
        for _ in range(rng.randint(1, 10)):
            parent = rng.choice(dirs)
            child = parent / rng.choice(NAMES)
            if not child.is_file():
                child.mkdir(exist_ok=True)
                dirs.append(child)
        for _ in range(rng.randint(1, 30)):
            path = rng.choice(dirs) / (rng.choice(NAMES) + rng.choice(EXTENSIONS))
            if not path.is_dir():
                path.write_text("x" * rng.randint(0, 9))
        for directory in rng.sample(dirs, rng.randint(1, len(dirs))):
            (directory / ".gitignore").write_text("\n".join(random_lines(rng)) + "\n")
        walked = [(f.rel, f.language, f.size) for f in discover_files(root, Config())]
        assert walked == reference_walk(root), trial


def test_files_under_a_reincluded_directory_still_meet_the_patterns(tmp_path: Path) -> None:
    """sub/logs is re-included by sub/.gitignore, whose patterns match its files through the directory's name:
    that layer decides for them (kept), before the root's `*.ts` can."""
    for rel in ("a.ts", "sub/b.ts", "sub/logs/c.ts", "sub/logs/d.gen.ts", "sub/logs/deeper/e.ts"):
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x")
    (tmp_path / ".gitignore").write_text("*.ts\n")
    (tmp_path / "sub" / ".gitignore").write_text("logs\n!logs/\n*.gen.ts\n")
    walked = [f.rel for f in discover_files(tmp_path, Config())]
    assert walked == ["sub/logs/c.ts", "sub/logs/deeper/e.ts"]
    assert walked == [rel for rel, _, _ in reference_walk(tmp_path)]


def test_workspace_file_is_an_immutable_record() -> None:
    file = WorkspaceFile("/repo/a.ts", "a.ts", "typescript", 3, 7)
    assert (file.abs_path, file.rel, file.language) == ("/repo/a.ts", "a.ts", "typescript")
    assert (file.size, file.mtime_ns) == (3, 7)
    assert file.path == Path("/repo/a.ts")
    assert WorkspaceFile(abs_path="/repo/a.ts", rel="a.ts", language="typescript", size=3).mtime_ns == 0
    assert file == WorkspaceFile("/repo/a.ts", "a.ts", "typescript", 3, 7) and len({file, file}) == 1
    with pytest.raises(AttributeError):
        file.size = 4  # type: ignore[misc]


def test_importing_the_walk_does_not_import_pathspec() -> None:
    """pathspec is imported only when a repository has ignore files or include/exclude settings."""
    code = "import sys, socketlens.workspace; sys.exit('pathspec' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
