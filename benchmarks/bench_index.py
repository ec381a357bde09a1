"""The foundation benchmark: how long `socketlens events` takes to index a monorepo, cold and warm.

    /tmp/venv/bin/python benchmarks/bench_index.py [--sizes 1000 10000] [--runs 2]

For each generated repo (benchmarks/.work/repo-N, made by generate.py and reused while the generator is
unchanged), measured in the same run, on a warm page cache:
  ripgrep   `rg -c 'emit\\(|on\\(' PATH`, best of 3
  read      reading every file of the repo in a Python loop, best of 3 (the I/O floor)
  startup   `socketlens --version` (interpreter + import floor), best of 3
  cold      `socketlens events PATH --json --quiet` with an empty SOCKETLENS_CACHE_DIR, best of --runs
  warm      the same command again, with the cache the cold run wrote, best of --runs (an unchanged
            repository: the run is replayed, see server/socketlens/replay.py)
  1 edit    the same command after one file's content changed (the facts cache's warm path: only that file
            is read and extracted), best of --runs
  memory    peak RSS: the largest single process (wait4), and the whole process tree summed (sampled /proc)
It also checks the catalog against the generator's manifest, so that a fast run is not a wrong one.
Targets (issue 2, 2 cores): cold 10,000-file index within 8x of ripgrep, warm within 2x, memory < 300 MB.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import PeakMemory, WORK, ensure_repo, mb, now, ratio, seconds, socketlens_command, table, which  # noqa: E402

COLD_RATIO_TARGET = 8.0
WARM_RATIO_TARGET = 2.0
MEMORY_TARGET = 300e6


@dataclass
class Run:
    seconds: float
    max_rss: int  # largest single process of the tree, bytes (wait4's ru_maxrss)
    tree_peak: int  # sum over the tree, sampled, bytes
    stdout: bytes
    returncode: int


def run_measured(command: list[str], env: dict[str, str] | None = None, capture: bool = True) -> Run:
    errors = tempfile.TemporaryFile()  # a file, not a pipe: a chatty child never blocks on it
    started = now()
    process = subprocess.Popen(command, stdout=subprocess.PIPE if capture else subprocess.DEVNULL, stderr=errors, env=env)
    with PeakMemory(process.pid) as memory:
        if capture:
            # Read stdout in this thread; wait4 below reaps the child and gives its rusage.
            out = process.stdout.read()  # type: ignore[union-attr]
        else:
            out = b""
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = now() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        errors.seek(0)
        sys.stderr.write(errors.read().decode(errors="replace"))
    errors.close()
    return Run(elapsed, usage.ru_maxrss * 1024, memory.peak, out, process.returncode)


def best(runs: list[Run]) -> Run:
    return min(runs, key=lambda r: r.seconds)


def read_all(root: Path) -> float:
    started = now()
    total = 0
    for directory, _, names in os.walk(root):
        for name in names:
            with open(os.path.join(directory, name), "rb") as handle:
                total += len(handle.read())
    return now() - started


def ripgrep(root: Path) -> float | None:
    rg = which("rg")
    if rg is None:
        return None
    return best([run_measured([rg, "-c", r"emit\(|on\(", str(root)], capture=False) for _ in range(3)]).seconds


def check_catalog(output: bytes, manifest: dict) -> str:
    """'matched/expected (+extra)' of socket sites: the catalog against what the generator wrote."""
    try:
        data = json.loads(output)
    except ValueError:
        return "no JSON"
    kinds = {"declarations": "declaration", "emits": "emit", "listeners": "listener"}
    got = {
        (kinds[key], site["file"], site["line"] - 1, site["column"] - 1)
        for event in data["events"]
        for key in kinds
        for site in event[key]
    }
    expected = {
        (site["kind"], site["file"], site["line"], site["character"])
        for event in manifest["events"].values()
        for sites in event.values()
        for site in sites
    }
    extra = len(got - expected) + len(data.get("dynamic", []))
    return f"{len(got & expected)}/{len(expected)}" + (f" (+{extra} unexpected)" if extra else "")


@contextlib.contextmanager
def one_file_edited(path: Path):
    """A comment appended to `path` (no socket site changes), then the file as it was, mtime included, so
    that the next runs see the repository unchanged."""
    original, stat = path.read_bytes(), path.stat()
    path.write_bytes(original + b"\n// edited by the benchmark\n")
    try:
        yield
    finally:
        path.write_bytes(original)
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))


def bench(files: int, runs: int) -> dict:
    root, manifest = ensure_repo(files)
    read_all(root)  # warm the page cache before anything is timed
    read_time = min(read_all(root) for _ in range(3))
    rg_time = ripgrep(root)
    startup = best([run_measured([*socketlens_command(), "--version"]) for _ in range(3)]).seconds
    command = [*socketlens_command(), "events", str(root), "--json", "--quiet"]
    colds, warms, edits = [], [], []
    for _ in range(runs):
        with tempfile.TemporaryDirectory(prefix="socketlens-cache-", dir=WORK) as cache:
            env = dict(os.environ, SOCKETLENS_CACHE_DIR=cache)
            colds.append(run_measured(command, env))
            warms.append(run_measured(command, env))
            with one_file_edited(root / manifest["big_file"]["file"]):
                edits.append(run_measured(command, env))
    cold, warm, edit = best(colds), best(warms), best(edits)
    return {
        "files": manifest["source_files"],
        "megabytes": manifest["bytes"] / 1e6,
        "read": read_time,
        "rg": rg_time,
        "startup": startup,
        "cold": cold.seconds,
        "warm": warm.seconds,
        "edit": edit.seconds,
        "max_rss": max(r.max_rss for r in colds + warms),
        "tree_peak": max(r.tree_peak for r in colds + warms),
        "catalog": check_catalog(cold.stdout, manifest) if cold.returncode == 0 else f"exit {cold.returncode}",
        "warm_catalog_same": warm.stdout == cold.stdout and edit.stdout == cold.stdout,
    }


def verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else ("ok" if ok else "MISSED")


def main() -> None:
    parser = argparse.ArgumentParser(description="cold/warm index time of socketlens vs ripgrep and reading the files")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--runs", type=int, default=2, help="cold+warm pairs per size; the best is reported")
    args = parser.parse_args()
    if which("rg") is None:
        print("ripgrep (rg) is not installed: `apt-get install -y ripgrep`; reporting the other figures only.\n")
    print(f"socketlens: {' '.join(socketlens_command())}; {os.cpu_count()} cores\n")
    results = [bench(n, args.runs) for n in args.sizes]
    rows = []
    for r in results:
        rows.append([
            f"{r['files']:,}", f"{r['megabytes']:.1f}", seconds(r["rg"]), seconds(r["read"]), seconds(r["startup"]),
            seconds(r["cold"]), ratio(r["cold"], r["rg"]), ratio(r["cold"], r["read"]),
            seconds(r["warm"]), ratio(r["warm"], r["rg"]), seconds(r["edit"]), ratio(r["edit"], r["rg"]), mb(r["max_rss"]), mb(r["tree_peak"]), r["catalog"],
        ])
    print(table(["files", "MB", "rg", "read", "startup", "cold", "cold/rg", "cold/read", "warm", "warm/rg",
                 "1 edit", "1 edit/rg", "max RSS (1 proc)", "peak RSS (tree)", "sites found"], rows))
    print("\nTargets (issue 2, at 10,000 files):")
    for r in results:
        if r["files"] < 10000:
            continue
        cold_ratio = r["cold"] / r["rg"] if r["rg"] else None
        warm_ratio = r["warm"] / r["rg"] if r["rg"] else None
        print(f"  cold within {COLD_RATIO_TARGET:.0f}x of ripgrep: {ratio(r['cold'], r['rg'])} -> "
              f"{verdict(None if cold_ratio is None else cold_ratio <= COLD_RATIO_TARGET)}")
        print(f"  warm within {WARM_RATIO_TARGET:.0f}x of ripgrep: {ratio(r['warm'], r['rg'])} -> "
              f"{verdict(None if warm_ratio is None else warm_ratio <= WARM_RATIO_TARGET)}")
        print(f"  peak memory under {mb(MEMORY_TARGET)}: {mb(r['tree_peak'])} (tree), {mb(r['max_rss'])} (largest process) -> "
              f"{verdict(r['tree_peak'] < MEMORY_TARGET)}")
        if not r["warm_catalog_same"]:
            print("  WARNING: a warm run printed a different catalog than the cold run")
    if not any(r["files"] >= 10000 for r in results):
        print("  (run with --sizes 10000 to check them)")


if __name__ == "__main__":
    main()
