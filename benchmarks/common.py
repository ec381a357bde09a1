"""Shared by the benchmarks: the generated repositories, tools on PATH, and memory of a process tree."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORK = HERE / ".work"  # gitignored: generated repos, caches, npm installs
SEED = 7


def socketlens_command() -> list[str]:
    """The CLI of the checkout: the venv's console script next to this Python, else `python -m socketlens`.

    The package is byte-compiled first, as `pip install` does for a user: an editable checkout under
    PYTHONDONTWRITEBYTECODE=1 (this machine's default) would otherwise compile every module on every run."""
    import compileall

    import socketlens

    compileall.compile_dir(os.path.dirname(socketlens.__file__), quiet=1)
    script = Path(sys.executable).with_name("socketlens")
    return [str(script)] if script.exists() else [sys.executable, "-m", "socketlens"]


def ensure_repo(files: int, seed: int = SEED) -> tuple[Path, dict]:
    """The generated repo of `files` files under .work/, regenerated when the generator changed."""
    from generate import generate

    root = WORK / f"repo-{files}"
    stamp = hashlib.sha256((HERE / "generate.py").read_bytes() + f"{files}/{seed}".encode()).hexdigest()
    stamp_file = WORK / f"repo-{files}.stamp"
    manifest_file = root / "manifest.json"
    if stamp_file.exists() and stamp_file.read_text() == stamp and manifest_file.exists():
        return root, json.loads(manifest_file.read_text())
    print(f"generating {files} files into {root} ...", file=sys.stderr)
    manifest = generate(root, files, seed)
    stamp_file.write_text(stamp)
    return root, manifest


def which(name: str) -> str | None:
    return shutil.which(name)


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as handle:
            return [int(p) for p in handle.read().split()]
    except OSError:
        return []


def tree_rss_bytes(pid: int) -> int:
    """Resident memory of a process and all its descendants (VmRSS summed; shared pages count twice)."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            with open(f"/proc/{current}/status") as handle:
                for line in handle:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
                        break
        except OSError:
            continue
        stack.extend(_children(current))
    return total


class PeakMemory:
    """Samples a process tree's RSS every `interval` seconds in a thread; `.peak` is the largest sum seen."""

    def __init__(self, pid: int, interval: float = 0.02):
        self.pid = pid
        self.interval = interval
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> "PeakMemory":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> int:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()
        return self.peak

    def sample(self) -> int:
        self.peak = max(self.peak, tree_rss_bytes(self.pid))
        return self.peak

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval)


def mb(value: float) -> str:
    return f"{value / 1e6:.0f} MB" if value < 250e6 or value >= 350e6 else f"{value / 1e6:.1f} MB"  # near the target: precise


def seconds(value: float | None) -> str:
    if value is None:
        return "n/a"
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


def ratio(a: float | None, b: float | None) -> str:
    if a is None or b is None or b == 0:
        return "n/a"
    return f"{a / b:.1f}x"


def table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(c)) for c in column) for column in zip(headers, *rows)]
    line = lambda cells: "  ".join(str(c).ljust(w) for c, w in zip(cells, widths)).rstrip()  # noqa: E731
    return "\n".join([line(headers), line(["-" * w for w in widths]), *(line(r) for r in rows)])


def now() -> float:
    return time.perf_counter()


def env_with(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(extra)
    return env
