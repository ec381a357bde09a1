"""The CLI as users and CI see it: `socketlens.cli.main([...])`, plus one real `python -m socketlens` run."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from socketlens.cli import main

from conftest import FIXTURES

MONOREPO = str(FIXTURES / "monorepo")
SITE_KEYS = {"file", "line", "column", "end_line", "end_column"}


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def write(root: Path, rel: str, content: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content)


def test_missing_path_is_one_line_and_exit_2(capsys, tmp_path):
    code, out, err = run(capsys, "events", str(tmp_path / "nope"))
    assert code == 2
    assert out == ""
    assert err.startswith("socketlens: error:")
    assert err.count("\n") == 1
    assert "Traceback" not in err


def test_a_file_instead_of_a_directory_is_one_line_and_exit_2(capsys, tmp_path):
    file = tmp_path / "a.ts"
    file.write_text("export {};\n")
    for command in ("events", "check"):
        code, out, err = run(capsys, command, str(file))
        assert code == 2
        assert err.startswith("socketlens: error:") and err.count("\n") == 1, err


def test_bad_usage_exits_2(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["check", MONOREPO, "--fail-on", "sometimes"])
    assert exit_info.value.code == 2
    assert main([]) == 2


def test_events_json_has_exactly_the_documented_shape(capsys):
    code, out, _ = run(capsys, "events", MONOREPO, "--json", "--quiet")
    assert code == 0
    data = json.loads(out)
    assert set(data) == {"root", "events", "dynamic"}
    assert data["root"] == str(Path(MONOREPO).resolve())
    assert data["events"] and data["dynamic"]
    seen = {"declarations": 0, "emits": 0, "listeners": 0}
    for event in data["events"]:
        assert set(event) == {"name", "direction", "declarations", "emits", "listeners"}
        assert event["direction"] in ("server-to-client", "client-to-server", "inter-server", None)
        for declaration in event["declarations"]:
            assert set(declaration) == SITE_KEYS | {"payload", "doc"}
            seen["declarations"] += 1
        for emit in event["emits"]:
            assert set(emit) == SITE_KEYS | {"side", "scope", "rooms", "namespace"}
            assert emit["side"] in ("server", "client")
            assert emit["scope"] in (
                "user", "org", "room", "socket", "broadcast", "broadcast-except-sender", "server", "unknown"
            )
            assert all(isinstance(room, str) for room in emit["rooms"])
            seen["emits"] += 1
        for listener in event["listeners"]:
            assert set(listener) == SITE_KEYS | {"side", "kind"}
            assert listener["kind"] in ("on", "once", "hook", "handler")
            seen["listeners"] += 1
    assert all(seen.values()), seen
    for site in data["dynamic"]:
        assert set(site) == SITE_KEYS | {"kind", "expression"}
        assert site["kind"] in ("emit", "listen")
    every_site = [s for e in data["events"] for k in seen for s in e[k]] + data["dynamic"]
    for site in every_site:
        assert "\\" not in site["file"] and not site["file"].startswith("/")
        assert site["line"] >= 1 and site["column"] >= 1
        assert (site["end_line"], site["end_column"]) > (site["line"], site["column"])


def test_events_text_table(capsys):
    code, out, _ = run(capsys, "events", MONOREPO, "--quiet")
    assert code == 0
    assert "lead:new  (server → client; declared packages/shared/src/socket-events.ts:20)\n" in out
    assert "deal:won  (not declared)\n" in out
    assert "emit      apps/api/src/routes/leads.ts:" in out
    assert "listen    apps/web/src/components/LeadList.tsx:" in out
    assert "Dynamic sites" in out
    assert out.rstrip().splitlines()[-1].endswith("dynamic sites")


def test_events_on_a_repo_without_sockets(capsys):
    code, out, _ = run(capsys, "events", str(FIXTURES / "bare-monorepo"), "--quiet")
    assert code == 0
    assert out == "No socket.io events found.\n"
    code, out, _ = run(capsys, "events", str(FIXTURES / "bare-monorepo"), "--json", "--quiet")
    assert json.loads(out)["events"] == [] and json.loads(out)["dynamic"] == []


def test_check_json_and_sarif(capsys):
    code, out, _ = run(capsys, "check", MONOREPO, "--format", "json", "--quiet")
    assert code == 0
    data = json.loads(out)
    assert set(data) == {"diagnostics"}
    (diagnostic,) = [d for d in data["diagnostics"] if d["code"] == "unscoped-broadcast"]
    assert set(diagnostic) == SITE_KEYS | {"severity", "code", "message"}
    assert (diagnostic["file"], diagnostic["line"], diagnostic["column"]) == ("apps/api/src/routes/admin.ts", 10, 11)
    assert diagnostic["severity"] == "warning"
    code, out, _ = run(capsys, "check", MONOREPO, "--format", "sarif", "--quiet")
    sarif = json.loads(out)
    assert sarif["version"] == "2.1.0"
    assert any(r["ruleId"] == "unscoped-broadcast" for r in sarif["runs"][0]["results"])


@pytest.mark.parametrize(
    ("fail_on", "expected"), [("error", 0), ("warning", 1), ("info", 1), ("never", 0)]
)
def test_check_exit_codes_follow_fail_on(capsys, fail_on, expected):
    code, out, _ = run(capsys, "check", MONOREPO, "--quiet", "--fail-on", fail_on)
    assert code == expected
    assert "[unscoped-broadcast]" in out


def test_check_on_a_clean_repo_exits_0_even_failing_on_info(capsys):
    code, out, _ = run(capsys, "check", str(FIXTURES / "bare-monorepo"), "--quiet", "--fail-on", "info")
    assert code == 0
    assert out == "no problems\n"


def _many_files(root: Path, count: int = 260) -> Path:
    write(root, "package.json", '{"name": "big", "dependencies": {"socket.io": "4"}}')
    write(root, "src/io.ts", 'import { Server } from "socket.io";\nexport const io = new Server();\nio.emit("big");\n')
    for number in range(count):
        write(root, f"src/mod{number}.ts", f"export const value{number} = {number};\n")
    return root


def test_no_progress_bar_when_stderr_is_not_a_terminal(capsys, tmp_path):
    root = _many_files(tmp_path)
    code, out, err = run(capsys, "events", str(root), "--no-cache")
    assert code == 0
    assert "big" in out
    assert err == ""


def test_progress_bar_on_a_terminal_unless_quiet(capsys, tmp_path, monkeypatch):
    root = _many_files(tmp_path)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    code, _, err = run(capsys, "events", str(root), "--no-cache")
    assert code == 0
    assert "indexing [" in err and "files" in err
    code, _, err = run(capsys, "events", str(root), "--no-cache", "--quiet")
    assert err == ""


def test_quiet_silences_configuration_notes(capsys, tmp_path):
    write(tmp_path, "socketlens.toml", "hooks = 42\n")
    write(tmp_path, "src/a.ts", "export {};\n")
    code, _, err = run(capsys, "events", str(tmp_path))
    assert code == 0
    assert err.startswith("socketlens: config:") and "hooks" in err
    code, _, err = run(capsys, "events", str(tmp_path), "--quiet")
    assert err == ""


def test_real_subprocess_run(tmp_path):
    env_cache = {"SOCKETLENS_CACHE_DIR": str(tmp_path / "cache")}
    import os

    result = subprocess.run(
        [sys.executable, "-m", "socketlens", "events", MONOREPO, "--json"],
        capture_output=True,
        text=True,
        env={**os.environ, **env_cache},
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # not a terminal: no progress bar
    names = [e["name"] for e in json.loads(result.stdout)["events"]]
    assert "lead:new" in names
    missing = subprocess.run(
        [sys.executable, "-m", "socketlens", "check", str(tmp_path / "missing")],
        capture_output=True,
        text=True,
        env={**os.environ, **env_cache},
        timeout=120,
    )
    assert missing.returncode == 2
    assert missing.stderr.startswith("socketlens: error:") and missing.stderr.count("\n") == 1


def test_a_warm_start_loads_no_parser(tmp_path):
    # Served from the cache, `events` needs neither tree-sitter nor libcst nor worker processes: their
    # imports are a good part of a warm start's time.
    import os

    env = {**os.environ, "SOCKETLENS_CACHE_DIR": str(tmp_path / "cache")}
    script = (
        "import sys; from socketlens.cli import main; code = main(sys.argv[1:]);"
        "heavy = [m for m in ('tree_sitter', 'libcst', 'multiprocessing', 'concurrent.futures') if m in sys.modules];"
        "print(code, ','.join(heavy) or '-', file=sys.stderr)"
    )
    # The two invocations differ (`--quiet`), so the second is not a replay of the first (test_replay.py).
    runs = [
        subprocess.run(
            [sys.executable, "-c", script, "events", MONOREPO, "--json", *extra],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
        for extra in ([], ["--quiet"])
    ]
    cold, warm = (run.stderr.strip() for run in runs)
    assert cold.startswith("0 ") and "tree_sitter" in cold  # the first run parses
    assert warm == "0 -"
    assert runs[0].stdout == runs[1].stdout
