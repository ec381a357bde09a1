"""Replaying `events` / `check` on an unchanged repository (socketlens/replay.py).

A replay must be exactly the output of a normal run, and must never happen once anything the run read has
changed. Repositories are aged (mtimes an hour back) so that the first run may be recorded: files written
in the last two seconds are "racily clean" and never recorded. socketlens's own modules are inputs too:
right after editing one, these tests see no replay for two seconds."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

import socketlens.cli
from socketlens import replay
from socketlens.cli import main

SERVER = 'import { Server } from "socket.io";\nexport const io = new Server();\n'
HOUR_NS = 3600 * 1_000_000_000


def write(root: Path, rel: str, content: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content)


def age(root: Path, seconds: int = 3600) -> None:
    """Every file and directory under root modified `seconds` ago (directories last: writing a file
    changes its directory's mtime)."""
    then = time.time_ns() - seconds * 1_000_000_000
    for directory, _, files in os.walk(root, topdown=False):
        for name in files:
            os.utime(os.path.join(directory, name), ns=(then, then))
        os.utime(directory, ns=(then, then))


@pytest.fixture(autouse=True)
def _own_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("SOCKETLENS_CACHE_DIR", str(tmp_path / "cache"))


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    write(root, "package.json", '{"name": "app", "dependencies": {"socket.io": "4"}}')
    write(root, "src/server.ts", SERVER + 'io.to(`org:${1}`).emit("lead:new", { id: 1 });\n')
    write(root, "src/other.ts", "export const unrelated = 1;\n")
    age(root)
    return root


@pytest.fixture
def index_builds(monkeypatch) -> list[str]:
    """The paths the CLI indexed: empty after a replay."""
    built: list[str] = []
    real = socketlens.cli.load_index

    def counting(args):
        built.append(args.path)
        return real(args)

    monkeypatch.setattr(socketlens.cli, "load_index", counting)
    return built


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def event_names(out: str) -> list[str]:
    return [event["name"] for event in json.loads(out)["events"]]


def test_an_unchanged_repository_is_replayed_exactly(capsys, repo, index_builds):
    first = run(capsys, "events", str(repo), "--json")
    second = run(capsys, "events", str(repo), "--json")
    assert index_builds == [str(repo)]  # the second run did not index
    assert second == first
    assert event_names(first[1]) == ["lead:new"]


def test_check_replays_its_exit_code_and_configuration_notes(capsys, repo, index_builds):
    write(repo, "socketlens.toml", "hooks = 42\n")
    write(repo, "src/broadcast.ts", SERVER + 'io.emit("lead:new", { id: 1 });\n')
    age(repo)
    first = run(capsys, "check", str(repo), "--fail-on", "warning")
    assert first[0] == 1 and "unscoped-broadcast" in first[1] and "socketlens: config:" in first[2]
    assert run(capsys, "check", str(repo), "--fail-on", "warning") == first
    assert len(index_builds) == 1


def test_another_invocation_is_not_replayed_from_this_one(capsys, repo, index_builds):
    run(capsys, "events", str(repo), "--json")
    code, out, _ = run(capsys, "events", str(repo))
    assert code == 0 and "lead:new" in out and not out.startswith("{")
    assert len(index_builds) == 2


def _edit_content(root: Path) -> None:
    write(root, "src/server.ts", SERVER + 'io.to(`org:${1}`).emit("lead:old", { id: 1 });\n')


def _add_file(root: Path) -> None:
    write(root, "src/more.ts", SERVER + 'io.to(`org:${1}`).emit("deal:won", {});\n')


def _add_directory(root: Path) -> None:
    write(root, "src/deeper/more.ts", SERVER + 'io.to(`org:${1}`).emit("deal:won", {});\n')


def _delete_file(root: Path) -> None:
    (root / "src/server.ts").unlink()


def _ignore_the_server(root: Path) -> None:
    write(root, ".gitignore", "src/server.ts\n")


def _configure_an_include(root: Path) -> None:
    write(root, "socketlens.toml", 'include = ["lib/**"]\n')


@pytest.mark.parametrize(
    "change, expected",
    [
        (_edit_content, ["lead:old"]),
        (_add_file, ["deal:won", "lead:new"]),
        (_add_directory, ["deal:won", "lead:new"]),
        (_delete_file, []),
        (_ignore_the_server, []),
        (_configure_an_include, []),
    ],
)
def test_any_change_to_what_the_run_read_means_a_new_run(capsys, repo, index_builds, change, expected):
    run(capsys, "events", str(repo), "--json")
    change(repo)
    code, out, _ = run(capsys, "events", str(repo), "--json")
    assert code == 0
    assert event_names(out) == expected
    assert len(index_builds) == 2


def test_a_content_change_that_keeps_the_size_is_seen(capsys, repo, index_builds):
    run(capsys, "events", str(repo), "--json")
    path = repo / "src/server.ts"
    path.write_text(path.read_text().replace("lead:new", "lead:wen"))
    assert event_names(run(capsys, "events", str(repo), "--json")[1]) == ["lead:wen"]


def test_a_run_over_freshly_written_files_is_not_recorded(capsys, tmp_path, index_builds):
    # A change within the filesystem's timestamp granularity could keep the mtime the record saw.
    write(tmp_path, "src/server.ts", SERVER + 'io.to(`org:${1}`).emit("lead:new", {});\n')
    run(capsys, "events", str(tmp_path), "--json")
    run(capsys, "events", str(tmp_path), "--json")
    assert len(index_builds) == 2


def test_no_cache_and_fix_are_never_recorded(capsys, repo, index_builds):
    for argv in (["events", str(repo), "--no-cache"], ["check", str(repo), "--fix", "--quiet"]):
        run(capsys, *argv)
        run(capsys, *argv)
    assert len(index_builds) == 4
    assert not list(Path(replay.cache_dir(), "runs").glob("*.marshal"))


def test_a_damaged_record_means_a_normal_run(capsys, repo, index_builds):
    first = run(capsys, "events", str(repo), "--json")
    records = list(Path(replay.cache_dir(), "runs").glob("*.marshal"))
    assert len(records) == 1
    records[0].write_bytes(records[0].read_bytes()[:100])
    assert run(capsys, "events", str(repo), "--json") == first
    assert len(index_builds) == 2


def test_a_probed_path_that_does_not_exist_is_watched_through_its_nearest_ancestor(tmp_path):
    # Module resolution looks for files that may appear later, in directories the walk never lists
    # (node_modules): creating one changes the mtime of the nearest directory that existed.
    (tmp_path / "node_modules").mkdir()
    with replay.Recording(["events"]) as recording:
        replay.note_probe(str(tmp_path / "node_modules" / "@tsconfig" / "node20" / "tsconfig.json"))
    inputs = recording._inputs()
    assert str(tmp_path / "node_modules") in inputs
    assert not any("@tsconfig" in path for path in inputs)


def test_the_code_that_produced_the_output_is_an_input(tmp_path):
    # A socketlens (or pathspec) upgrade, or an edit in a development checkout, changes the output.
    with replay.Recording(["events"]) as recording:
        pass
    inputs = recording._inputs()
    assert os.path.abspath(replay.__file__) in inputs
    assert os.path.abspath(socketlens.cli.__file__) in inputs
    assert os.path.abspath(os.__file__) not in inputs  # the standard library goes with sys.version


def test_the_progress_bar_is_not_part_of_the_record(capsys):
    with replay.Recording(["events"]):
        assert replay.unrecorded(sys.stderr) is not sys.stderr
        replay.unrecorded(sys.stderr).write("progress")
        sys.stderr.write("note\n")
    assert capsys.readouterr().err == "progressnote\n"


def test_a_real_process_replays_without_importing_the_index(tmp_path, repo):
    env = {**os.environ, "SOCKETLENS_CACHE_DIR": str(tmp_path / "cache")}
    script = (
        "import sys; from socketlens.cli import main; code = main(sys.argv[1:]);"
        "print(code, 'socketlens.index.builder' in sys.modules, 'argparse' in sys.modules, file=sys.stderr)"
    )
    runs = [
        subprocess.run(
            [sys.executable, "-c", script, "check", str(repo), "--format", "json"],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
        for _ in range(2)
    ]
    assert [r.stderr.strip() for r in runs] == ["0 True True", "0 False False"]
    assert runs[0].stdout == runs[1].stdout and "diagnostics" in json.loads(runs[1].stdout)
