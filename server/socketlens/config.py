"""Configuration: zero-config defaults for a conventional monorepo, overridable per repository.

Sources, first found wins (only one is used): `socketlens.toml` (top-level keys), `[tool.socketlens]` in
`pyproject.toml`, the `"socketlens"` key of the root `package.json`. LSP settings go through
`Config.merged`, which applies the same validation. A bad value never stops the tool: it is reported as a
`ConfigProblem` naming the file and key, and the default stays in force for that key only.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

try:  # Python 3.11+
    import tomllib as _toml
except ModuleNotFoundError:  # pragma: no cover - Python 3.10
    import tomli as _toml  # type: ignore[no-redef]

SEVERITY_LEVELS = ("error", "warning", "info", "hint", "off")
SETTINGS_SOURCE = "<settings>"

CONFIG_FILE = "socketlens.toml"
PYPROJECT_FILE = "pyproject.toml"
PACKAGE_JSON_FILE = "package.json"


@dataclass(frozen=True)
class RoomPattern:
    """How the application names a kind of room, so `io.to(\\`org:${id}\\`)` can be classified as an org emit."""

    scope: str  # "user", "org", or any other name (e.g. "deal")
    template: str  # "user:{userId}"

    @property
    def prefix(self) -> str:
        """Static text before the first placeholder: what a room expression must start with."""
        brace = self.template.find("{")
        return self.template if brace < 0 else self.template[:brace]

    @property
    def placeholder(self) -> str | None:
        """Name inside the first `{...}`: the natural variable name for scaffolding."""
        start = self.template.find("{")
        end = self.template.find("}", start + 1)
        if start < 0 or end < 0:
            return None
        return self.template[start + 1 : end]

    def render(self, value_expr: str) -> str:
        """JS template literal for this room with `value_expr` substituted (used by quick fixes)."""
        out: list[str] = []
        i = 0
        text = self.template
        while i < len(text):
            ch = text[i]
            if ch == "{":
                end = text.find("}", i + 1)
                if end >= 0:
                    out.append("${" + value_expr + "}")
                    i = end + 1
                    continue
            if ch in "`\\":
                out.append("\\" + ch)
            elif ch == "$" and text.startswith("${", i):
                out.append("\\$")
            else:
                out.append(ch)
            i += 1
        return "`" + "".join(out) + "`"


DEFAULT_ROOMS: tuple[RoomPattern, ...] = (
    RoomPattern("user", "user:{userId}"),
    RoomPattern("org", "org:{orgId}"),
)


@dataclass(frozen=True)
class ScaffoldConfig:
    """Where generated code goes when a quick fix has to create a file."""

    socket_module: str = "apps/api/socket.ts"
    shared_events: str = "packages/shared/src/socket-events.ts"
    client_hook: str = "apps/web/src/hooks/useSocketEvent.ts"


def _empty_mapping() -> Mapping[str, str]:
    return MappingProxyType({})


@dataclass(frozen=True)
class Config:
    """Every knob socketlens has; the defaults fit a conventional socket.io + TypeScript monorepo."""

    server_to_client_maps: tuple[str, ...] = ("ServerToClientEvents",)
    client_to_server_maps: tuple[str, ...] = ("ClientToServerEvents",)
    inter_server_maps: tuple[str, ...] = ("InterServerEvents",)
    hooks: tuple[str, ...] = ("useSocketEvent",)  # subscribing hooks: hook(event, handler)
    rooms: tuple[RoomPattern, ...] = DEFAULT_ROOMS
    include: tuple[str, ...] = ()  # gitignore-style globs relative to root; empty = everything
    exclude: tuple[str, ...] = ()
    max_file_size: int = 1_000_000  # bytes
    severities: Mapping[str, str] = field(default_factory=_empty_mapping)  # rule code -> level
    scaffold: ScaffoldConfig = ScaffoldConfig()

    def severity(self, code: str, default: str) -> str:
        """The configured level of a rule, or the rule's own default."""
        return self.severities.get(code, default)

    def room(self, scope: str) -> RoomPattern | None:
        """The room pattern of a scope, if configured."""
        for pattern in self.rooms:
            if pattern.scope == scope:
                return pattern
        return None

    def merged(self, overrides: Mapping[str, Any]) -> tuple["Config", list["ConfigProblem"]]:
        """This config with editor settings applied on top (same keys and validation as the files)."""
        problems: list[ConfigProblem] = []
        if overrides is None:
            return self, problems
        if not isinstance(overrides, Mapping):
            problems.append(ConfigProblem(SETTINGS_SOURCE, "", "expected a table of settings"))
            return self, problems
        # The editor's own settings (where to find the server, protocol tracing) share the section.
        relevant = {k: v for k, v in overrides.items() if k not in EDITOR_ONLY_SETTINGS}
        return _apply(self, relevant, SETTINGS_SOURCE, problems), problems


EDITOR_ONLY_SETTINGS = frozenset({"server", "trace"})


@dataclass(frozen=True)
class ConfigProblem:
    """One invalid or unknown setting; the default was used in its place."""

    file: str  # path of the config file relative to the root (or "<settings>")
    key: str  # dotted key, e.g. "rooms.org"
    message: str

    def __str__(self) -> str:
        if self.key:
            return f"{self.file}: {self.key}: {self.message}"
        return f"{self.file}: {self.message}"


# ---------------------------------------------------------------------------------------------------------
# Loading


def load_config(root: Path) -> tuple[Config, list[ConfigProblem]]:
    """Read the repository's configuration; never raises on bad content."""
    root = Path(root)
    problems: list[ConfigProblem] = []

    toml_path = root / CONFIG_FILE
    if toml_path.is_file():
        try:
            data = _toml.loads(toml_path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, _toml.TOMLDecodeError) as exc:
            problems.append(ConfigProblem(CONFIG_FILE, "", f"cannot parse: {exc}"))
            return Config(), problems
        return _apply(Config(), data, CONFIG_FILE, problems), problems

    pyproject = root / PYPROJECT_FILE
    if pyproject.is_file():
        try:
            data = _toml.loads(pyproject.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, _toml.TOMLDecodeError) as exc:
            # It may not even be meant for us: report it and look at the next source.
            problems.append(ConfigProblem(PYPROJECT_FILE, "", f"cannot parse: {exc}"))
        else:
            tool = data.get("tool")
            if isinstance(tool, dict) and "socketlens" in tool:
                section = tool["socketlens"]
                if not isinstance(section, dict):
                    problems.append(ConfigProblem(PYPROJECT_FILE, "tool.socketlens", "expected a table"))
                    return Config(), problems
                return _apply(Config(), section, PYPROJECT_FILE, problems), problems

    package_json = root / PACKAGE_JSON_FILE
    if package_json.is_file():
        try:
            data = json.loads(package_json.read_text(encoding="utf-8-sig"))
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            problems.append(ConfigProblem(PACKAGE_JSON_FILE, "", f"cannot parse: {exc}"))
            return Config(), problems
        if isinstance(data, dict) and "socketlens" in data:
            section = data["socketlens"]
            if not isinstance(section, dict):
                problems.append(ConfigProblem(PACKAGE_JSON_FILE, "socketlens", "expected an object"))
                return Config(), problems
            return _apply(Config(), section, PACKAGE_JSON_FILE, problems), problems

    return Config(), problems


# ---------------------------------------------------------------------------------------------------------
# Validation


def _snake(key: str) -> str:
    """`maxFileSize` -> `max_file_size`, so both spellings are accepted."""
    out: list[str] = []
    for ch in key:
        if ch.isupper():
            out.append("_" + ch.lower())
        else:
            out.append(ch)
    return "".join(out).replace("-", "_")


def _normalized_items(
    table: Mapping[str, Any], file: str, prefix: str, problems: list["ConfigProblem"]
) -> dict[str, tuple[str, Any]]:
    """snake_case key -> (key as written, value); a key given in both spellings is reported once."""
    out: dict[str, tuple[str, Any]] = {}
    for raw, value in table.items():
        key = _snake(str(raw))
        if key in out:
            problems.append(
                ConfigProblem(file, prefix + str(raw), f"duplicate of {prefix}{out[key][0]}; the first is used")
            )
            continue
        out[key] = (str(raw), value)
    return out


def _string_list(value: Any, expected: str) -> tuple[str, ...] | str:
    """A list of non-empty strings (a single string is accepted as a one-element list)."""
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, (list, tuple)):
        return f"expected {expected}"
    items: list[str] = []
    for item in value:
        if not isinstance(item, str) or not item.strip():
            return f"expected {expected}"
        items.append(item.strip())
    return tuple(items)


def _identifier_list(value: Any) -> tuple[str, ...] | str:
    result = _string_list(value, "a list of names such as ['ServerToClientEvents']")
    if isinstance(result, str):
        return result
    for name in result:
        if not _is_js_identifier(name):
            return f"{name!r} is not a valid identifier"
    return result


def _is_js_identifier(name: str) -> bool:
    if not name or name[0].isdigit():
        return False
    return all(ch.isalnum() or ch in "_$" for ch in name)


def _room_template(value: Any) -> str | None:
    """The template if valid (exactly one `{name}` placeholder), else None."""
    if not isinstance(value, str) or not value:
        return None
    start = value.find("{")
    end = value.find("}", start + 1)
    if start < 0 or end < 0 or not _is_js_identifier(value[start + 1 : end]):
        return None
    rest = value[end + 1 :]
    if "{" in rest or "}" in rest or "}" in value[:start]:
        return None
    return value


def _relative_path(value: Any) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip().replace("\\", "/")
    if text.startswith("/") or (len(text) > 1 and text[1] == ":"):
        return None
    if ".." in text.split("/"):
        return None
    while text.startswith("./"):
        text = text[2:]
    return text or None


_EVENT_MAP_FIELDS = {
    "server_to_client": "server_to_client_maps",
    "client_to_server": "client_to_server_maps",
    "inter_server": "inter_server_maps",
}
_SCAFFOLD_FIELDS = ("socket_module", "shared_events", "client_hook")


def _apply(base: Config, data: Mapping[str, Any], file: str, problems: list[ConfigProblem]) -> Config:
    """Validate `data` and lay it over `base`; every bad key is reported and leaves `base`'s value."""
    changes: dict[str, Any] = {}

    def bad(key: str, message: str) -> None:
        problems.append(ConfigProblem(file, key, message))

    for key, (raw, value) in _normalized_items(data, file, "", problems).items():
        if value is None:  # JSON null / unset editor setting: keep the current value
            continue
        if key == "event_maps":
            if not isinstance(value, Mapping):
                bad(raw, "expected a table such as { server_to_client = ['ServerToClientEvents'] }")
                continue
            for sub, (sub_raw, sub_value) in _normalized_items(value, file, raw + ".", problems).items():
                if sub_value is None:
                    continue
                if sub not in _EVENT_MAP_FIELDS:
                    bad(f"{raw}.{sub_raw}", "unknown key (expected server_to_client, client_to_server or inter_server)")
                    continue
                result = _identifier_list(sub_value)
                if isinstance(result, str):
                    bad(f"{raw}.{sub_raw}", result)
                else:
                    changes[_EVENT_MAP_FIELDS[sub]] = result
        elif key == "hooks":
            result = _identifier_list(value)
            if isinstance(result, str):
                bad(raw, result.replace("['ServerToClientEvents']", "['useSocketEvent']"))
            else:
                changes["hooks"] = result
        elif key == "rooms":
            if not isinstance(value, Mapping):
                bad(raw, "expected a table such as { user = 'user:{userId}', org = 'org:{orgId}' }")
                continue
            rooms = {p.scope: p for p in changes.get("rooms", base.rooms)}
            for scope, template in value.items():
                scope = str(scope)
                if template is None:
                    continue
                if template is False:  # `org = false` turns a default scope off
                    rooms.pop(scope, None)
                    continue
                if not _is_js_identifier(scope.replace("-", "_")):
                    bad(f"{raw}.{scope}", "a room scope must be a simple name such as 'org' or 'deal'")
                    continue
                valid = _room_template(template)
                if valid is None:
                    bad(
                        f"{raw}.{scope}",
                        f"expected a string template such as '{scope}:{{{scope}Id}}'",
                    )
                    continue
                rooms[scope] = RoomPattern(scope, valid)
            changes["rooms"] = tuple(rooms.values())
        elif key in ("include", "exclude"):
            result = _string_list(value, "a list of gitignore-style globs")
            if isinstance(result, str):
                bad(raw, result)
            else:
                changes[key] = result
        elif key == "max_file_size":
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                bad(raw, "expected a positive number of bytes")
            else:
                changes["max_file_size"] = value
        elif key in ("rules", "severities"):
            if not isinstance(value, Mapping):
                bad(raw, "expected a table such as { \"no-listener\" = \"off\" }")
                continue
            severities = dict(changes.get("severities", base.severities))
            for code, level in value.items():
                code = str(code)
                if level is None:
                    continue
                if isinstance(level, bool) and not level:
                    level = "off"
                if isinstance(level, str) and level.strip().lower() in SEVERITY_LEVELS + ("information", "warn"):
                    normalized = level.strip().lower()
                    normalized = {"information": "info", "warn": "warning"}.get(normalized, normalized)
                    severities[code] = normalized
                else:
                    bad(f"{raw}.{code}", "expected one of " + ", ".join(repr(s) for s in SEVERITY_LEVELS))
            changes["severities"] = MappingProxyType(severities)
        elif key == "scaffold":
            if not isinstance(value, Mapping):
                bad(raw, "expected a table such as { socket_module = 'apps/api/socket.ts' }")
                continue
            scaffold = changes.get("scaffold", base.scaffold)
            for sub, (sub_raw, sub_value) in _normalized_items(value, file, raw + ".", problems).items():
                if sub_value is None:
                    continue
                if sub not in _SCAFFOLD_FIELDS:
                    bad(f"{raw}.{sub_raw}", "unknown key (expected " + ", ".join(_SCAFFOLD_FIELDS) + ")")
                    continue
                path = _relative_path(sub_value)
                if path is None:
                    bad(f"{raw}.{sub_raw}", "expected a path relative to the repository root")
                    continue
                scaffold = replace(scaffold, **{sub: path})
            changes["scaffold"] = scaffold
        else:
            bad(raw, "unknown key")
    return replace(base, **changes) if changes else base


__all__: list[str] = [
    "Config",
    "ConfigProblem",
    "RoomPattern",
    "ScaffoldConfig",
    "SEVERITY_LEVELS",
    "load_config",
]
