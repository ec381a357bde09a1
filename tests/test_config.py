"""Configuration loading: sources, precedence, validation that reports and keeps defaults."""

from __future__ import annotations

import json
from pathlib import Path

from socketlens.config import Config, ConfigProblem, RoomPattern, ScaffoldConfig, load_config


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_without_any_config(tmp_path: Path) -> None:
    config, problems = load_config(tmp_path)
    assert problems == []
    assert config == Config()
    assert config.server_to_client_maps == ("ServerToClientEvents",)
    assert config.client_to_server_maps == ("ClientToServerEvents",)
    assert config.inter_server_maps == ("InterServerEvents",)
    assert config.hooks == ("useSocketEvent",)
    assert [r.scope for r in config.rooms] == ["user", "org"]
    assert config.max_file_size == 1_000_000
    assert config.scaffold == ScaffoldConfig()
    assert config.severity("no-listener", "warning") == "warning"


def test_room_pattern_prefix_and_render() -> None:
    room = RoomPattern("user", "user:{userId}")
    assert room.prefix == "user:"
    assert room.placeholder == "userId"
    assert room.render("userId") == "`user:${userId}`"
    assert RoomPattern("deal", "deal:{dealId}:live").render("d.id") == "`deal:${d.id}:live`"


def test_socketlens_toml(tmp_path: Path) -> None:
    write(
        tmp_path / "socketlens.toml",
        """
hooks = ["useSocketEvent", "useLeadEvent"]
include = ["apps/**", "packages/**"]
exclude = ["**/*.test.ts"]
max_file_size = 2000

[event_maps]
server_to_client = ["ServerEvents"]
client_to_server = ["ClientEvents"]

[rooms]
deal = "deal:{dealId}"
org = "organization:{orgId}"

[rules]
"unscoped-broadcast" = "error"
"no-listener" = "off"

[scaffold]
socket_module = "apps/server/src/io.ts"
""",
    )
    config, problems = load_config(tmp_path)
    assert problems == []
    assert config.hooks == ("useSocketEvent", "useLeadEvent")
    assert config.include == ("apps/**", "packages/**")
    assert config.exclude == ("**/*.test.ts",)
    assert config.max_file_size == 2000
    assert config.server_to_client_maps == ("ServerEvents",)
    assert config.client_to_server_maps == ("ClientEvents",)
    assert config.inter_server_maps == ("InterServerEvents",)  # untouched
    assert config.room("user") == RoomPattern("user", "user:{userId}")  # default kept
    assert config.room("org") == RoomPattern("org", "organization:{orgId}")
    assert config.room("deal") == RoomPattern("deal", "deal:{dealId}")
    assert config.severity("unscoped-broadcast", "warning") == "error"
    assert config.severity("no-listener", "warning") == "off"
    assert config.severity("other", "hint") == "hint"
    assert config.scaffold.socket_module == "apps/server/src/io.ts"
    assert config.scaffold.shared_events == ScaffoldConfig().shared_events


def test_pyproject_tool_section(tmp_path: Path) -> None:
    write(
        tmp_path / "pyproject.toml",
        """
[project]
name = "x"

[tool.socketlens]
hooks = ["useChannel"]
""",
    )
    config, problems = load_config(tmp_path)
    assert problems == []
    assert config.hooks == ("useChannel",)


def test_package_json_key_with_camel_case(tmp_path: Path) -> None:
    write(
        tmp_path / "package.json",
        json.dumps(
            {
                "name": "root",
                "socketlens": {
                    "maxFileSize": 123,
                    "eventMaps": {"serverToClient": ["S2C"], "interServer": ["Inter"]},
                    "scaffold": {"sharedEvents": "libs/events.ts", "clientHook": "web/useEvt.ts"},
                },
            }
        ),
    )
    config, problems = load_config(tmp_path)
    assert problems == []
    assert config.max_file_size == 123
    assert config.server_to_client_maps == ("S2C",)
    assert config.inter_server_maps == ("Inter",)
    assert config.scaffold.shared_events == "libs/events.ts"
    assert config.scaffold.client_hook == "web/useEvt.ts"


def test_precedence_first_source_wins_alone(tmp_path: Path) -> None:
    write(tmp_path / "socketlens.toml", 'hooks = ["fromToml"]\n')
    write(tmp_path / "pyproject.toml", '[tool.socketlens]\nhooks = ["fromPyproject"]\nmax_file_size = 5\n')
    write(tmp_path / "package.json", json.dumps({"socketlens": {"hooks": ["fromPackage"]}}))
    config, problems = load_config(tmp_path)
    assert problems == []
    assert config.hooks == ("fromToml",)
    assert config.max_file_size == Config().max_file_size  # sources are not merged

    (tmp_path / "socketlens.toml").unlink()
    config, _ = load_config(tmp_path)
    assert config.hooks == ("fromPyproject",)
    assert config.max_file_size == 5

    write(tmp_path / "pyproject.toml", '[project]\nname = "no-section"\n')
    config, _ = load_config(tmp_path)
    assert config.hooks == ("fromPackage",)


def test_invalid_value_reported_and_default_kept(tmp_path: Path) -> None:
    write(
        tmp_path / "socketlens.toml",
        """
max_file_size = -4
hooks = ["useSocketEvent", 3]
exclude = ["legacy/**"]

[rooms]
org = 42
deal = "deal:{dealId}"

[rules]
"no-listener" = "loud"
"unscoped-broadcast" = "error"
""",
    )
    config, problems = load_config(tmp_path)
    keys = {p.key: p for p in problems}
    assert set(keys) == {"max_file_size", "hooks", "rooms.org", "rules.no-listener"}
    assert all(p.file == "socketlens.toml" for p in problems)
    assert str(keys["rooms.org"]) == "socketlens.toml: rooms.org: expected a string template such as 'org:{orgId}'"
    # Bad keys keep their defaults, good keys still apply.
    assert config.max_file_size == Config().max_file_size
    assert config.hooks == Config().hooks
    assert config.room("org") == RoomPattern("org", "org:{orgId}")
    assert config.room("deal") == RoomPattern("deal", "deal:{dealId}")
    assert config.severity("no-listener", "warning") == "warning"
    assert config.severity("unscoped-broadcast", "warning") == "error"
    assert config.exclude == ("legacy/**",)


def test_unknown_keys_reported(tmp_path: Path) -> None:
    write(
        tmp_path / "socketlens.toml",
        'hookz = ["x"]\n[event_maps]\nserver_to_clients = ["A"]\n[scaffold]\nsocket = "a.ts"\n',
    )
    config, problems = load_config(tmp_path)
    assert {(p.key, p.message.split(" (")[0]) for p in problems} == {
        ("hookz", "unknown key"),
        ("event_maps.server_to_clients", "unknown key"),
        ("scaffold.socket", "unknown key"),
    }
    assert config == Config()


def test_unparsable_file_one_problem_defaults(tmp_path: Path) -> None:
    write(tmp_path / "socketlens.toml", "hooks = [\n")
    write(tmp_path / "package.json", json.dumps({"socketlens": {"hooks": ["fromPackage"]}}))
    config, problems = load_config(tmp_path)
    assert len(problems) == 1
    assert problems[0].file == "socketlens.toml"
    assert config == Config()


def test_section_of_wrong_type(tmp_path: Path) -> None:
    write(tmp_path / "package.json", json.dumps({"socketlens": 3}))
    config, problems = load_config(tmp_path)
    assert config == Config()
    assert [p.key for p in problems] == ["socketlens"]


def test_room_can_be_disabled_and_bad_scaffold_path(tmp_path: Path) -> None:
    write(tmp_path / "socketlens.toml", '[rooms]\nuser = false\n[scaffold]\nclient_hook = "/abs/path.ts"\n')
    config, problems = load_config(tmp_path)
    assert config.room("user") is None
    assert config.room("org") is not None
    assert [p.key for p in problems] == ["scaffold.client_hook"]
    assert config.scaffold == ScaffoldConfig()


def test_merged_settings(tmp_path: Path) -> None:
    base, _ = load_config(tmp_path)
    merged, problems = base.merged(
        {
            "hooks": ["useThing"],
            "maxFileSize": "big",
            "rules": {"no-listener": "Info"},
            "rooms": {"team": "team:{teamId}"},
            "exclude": None,
            "nope": 1,
        }
    )
    assert merged.hooks == ("useThing",)
    assert merged.max_file_size == base.max_file_size
    assert merged.severity("no-listener", "warning") == "info"
    assert merged.room("team") == RoomPattern("team", "team:{teamId}")
    assert merged.room("user") is not None
    assert {(p.file, p.key) for p in problems} == {("<settings>", "maxFileSize"), ("<settings>", "nope")}
    assert all(isinstance(p, ConfigProblem) for p in problems)
    # The original is untouched (frozen values).
    assert base.hooks == ("useSocketEvent",)


def test_editor_only_settings_are_not_reported_as_unknown():
    # The VS Code extension sends its own `server` and `trace` settings in the same section.
    config, problems = Config().merged({"server": {"path": None}, "trace": {"server": "off"}, "hooks": ["useRealtime"]})
    assert problems == []
    assert config.hooks == ("useRealtime",)
