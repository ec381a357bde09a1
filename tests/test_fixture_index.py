"""The bundled example monorepo: its complete event index, derived by hand, must come out exactly."""

import json

from socketlens.cli import main

from conftest import FIXTURES


def _events_json(capsys, *args):
    assert main(["events", str(FIXTURES / "monorepo"), "--json", "--quiet", *args]) == 0
    data = json.loads(capsys.readouterr().out)
    data.pop("root")
    return data


def test_fixture_catalog_matches_the_expected_index(capsys):
    expected = json.loads((FIXTURES / "expected" / "monorepo-events.json").read_text())
    expected.pop("root", None)
    actual = _events_json(capsys, "--no-cache")
    assert [e["name"] for e in actual["events"]] == [e["name"] for e in expected["events"]]
    for got, want in zip(actual["events"], expected["events"]):
        assert got == want, got["name"]
    assert actual["dynamic"] == expected["dynamic"]


def test_warm_start_from_cache_gives_the_same_catalog(capsys):
    cold = _events_json(capsys)
    warm = _events_json(capsys)
    assert warm == cold


def test_check_reports_the_unscoped_broadcast_like_a_compiler(capsys):
    code = main(["check", str(FIXTURES / "monorepo"), "--quiet", "--fail-on", "warning"])
    out = capsys.readouterr().out
    assert code == 1
    assert 'apps/api/src/routes/admin.ts:10:11: warning: "notification" is broadcast' in out
    assert "[unscoped-broadcast]" in out


def test_check_exit_code_follows_fail_on(capsys):
    assert main(["check", str(FIXTURES / "monorepo"), "--quiet"]) == 0  # default: fail on errors only
    assert main(["check", str(FIXTURES / "monorepo"), "--quiet", "--fail-on", "never"]) == 0
