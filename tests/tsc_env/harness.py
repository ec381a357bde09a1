"""Type-check scaffolded copies with the real TypeScript compiler.

`tests/tsc_env/package.json` + `package-lock.json` pin typescript, socket.io(-client), react, TanStack
Query, express, jsonwebtoken and their types. They are installed once with `npm ci` into
`tests/.tsc-cache/` (gitignored) and reused while the lock file is unchanged. Each copy gets a
`node_modules/` of symlinks into that cache, plus the `vite/client` stub the fixtures' web tsconfig names.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

HERE = Path(__file__).resolve().parent
CACHE = HERE.parent / ".tsc-cache"
STUBS = HERE / "stubs"


def npm_missing_reason() -> str | None:
    if shutil.which("npm") is None or shutil.which("node") is None:
        return "npm/node not installed: the TypeScript compiler cannot be installed for the tsc checks"
    return None


def _lock_digest() -> str:
    data = (HERE / "package.json").read_bytes() + (HERE / "package-lock.json").read_bytes()
    return hashlib.sha256(data).hexdigest()


def ensure_installed() -> Path:
    """The cache's node_modules, installed with `npm ci` when missing or stale."""
    stamp = CACHE / ".installed-lock"
    modules = CACHE / "node_modules"
    digest = _lock_digest()
    if modules.is_dir() and stamp.is_file() and stamp.read_text() == digest:
        return modules
    CACHE.mkdir(parents=True, exist_ok=True)
    for name in ("package.json", "package-lock.json"):
        shutil.copyfile(HERE / name, CACHE / name)
    result = subprocess.run(
        ["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=CACHE,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise RuntimeError(f"npm ci failed in {CACHE}:\n{result.stdout}\n{result.stderr}")
    stamp.write_text(digest)
    return modules


def link_node_modules(root: Path, modules: Path) -> None:
    """`root/node_modules`: a symlink per installed package, plus the stubs."""
    target = root / "node_modules"
    target.mkdir(exist_ok=True)
    for entry in modules.iterdir():
        link = target / entry.name
        if not link.exists():
            os.symlink(entry, link, target_is_directory=entry.is_dir())
    for stub in STUBS.iterdir():
        if not (target / stub.name).exists():
            shutil.copytree(stub, target / stub.name)


def run_tsc(root: Path, project: str, modules: Path) -> tuple[int, str]:
    """`tsc --noEmit -p <project>` inside `root`; (exit code, compiler output)."""
    tsc = modules / "typescript" / "bin" / "tsc"
    result = subprocess.run(
        ["node", str(tsc), "--noEmit", "-p", project, "--pretty", "false"],
        cwd=root,
        capture_output=True,
        text=True,
    )
    return result.returncode, result.stdout + result.stderr


def tsc_errors(root: Path, project: str, modules: Path) -> set[str]:
    """The compiler's errors without line/column numbers (which shift when code is inserted), so that a
    fixture's deliberate errors can be compared before and after scaffolding."""
    code, output = run_tsc(root, project, modules)
    errors: set[str] = set()
    for line in output.splitlines():
        if "error TS" not in line:
            continue
        location, _, message = line.partition(": error ")
        errors.add(location.split("(", 1)[0] + ": " + message)
    if code != 0 and not errors:
        errors.add(output.strip() or f"tsc exited with {code}")
    return errors
