"""Packages, projects and module resolution: the repository layout that name resolution and pairing need.

An event declared in `packages/shared` and emitted in `apps/api` is only linked when the import
`@acme/shared` resolves to the shared file, and an emit in one example app must never pair with a
listener of another: this module answers both questions from package.json / pnpm-workspace.yaml /
tsconfig.json files alone (no node_modules, no TypeScript). What a fresh clone lacks is inferred: the
symlinks `file:`/`link:` dependencies would create, the `$lib`/`kit.alias` paths SvelteKit writes into
its gitignored .svelte-kit/tsconfig.json, and the `~`/`@`/`~~`/`@@`/`#shared`/`alias` paths Nuxt writes into
its gitignored .nuxt/tsconfig.json (both read from the config's syntax tree, never executed).
"""

from __future__ import annotations

import fnmatch
import json
import os
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Literal

from socketlens.extract.vocabulary import CLIENT_MODULES, EMITTER_MODULES
from socketlens.framework_config import NuxtConfig, read_nuxt_config, read_sveltekit_config
from socketlens.replay import note_probe

# TypeScript's probing order for an extensionless specifier.
PROBE_EXTENSIONS = (".ts", ".tsx", ".mts", ".cts", ".d.ts", ".js", ".jsx", ".mjs", ".cjs")
_SOURCE_SUFFIXES = (".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs", ".py", ".vue", ".svelte")
# `./x.js` in TypeScript ESM names `./x.ts`: the TS twins of each JS extension, tried before the JS file.
_TS_TWINS = {
    ".js": (".ts", ".tsx", ".d.ts"),
    ".jsx": (".tsx",),
    ".mjs": (".mts", ".d.mts"),
    ".cjs": (".cts", ".d.cts"),
}
_OUTPUT_DIRS = ("dist", "build", "lib", "out")
_OUTPUT_SUBDIRS = ("esm", "cjs", "mjs", "types", "es", "umd")
_ENTRY_FALLBACKS = ("src/index.ts", "src/index.tsx", "index.ts", "index.tsx", "index.js")
_CONDITION_ORDER = ("types", "typings", "import", "module", "default", "require", "node", "browser")
_SKIP_GLOB_DIRS = frozenset({"node_modules", ".git", "dist", "build", ".next", ".turbo", "coverage"})
# SvelteKit's config files with the grammar that reads each: `$lib` and `kit.alias` live there.
_SVELTE_CONFIGS = (
    ("svelte.config.js", "javascript"),
    ("svelte.config.mjs", "javascript"),
    ("svelte.config.cjs", "javascript"),
    ("svelte.config.ts", "typescript"),
)
_KIT_LIB = "src/lib"  # `kit.files.lib` when the config does not say
# Nuxt's config files with the grammar that reads each: `srcDir`, `alias` and the compatibility version live there.
_NUXT_CONFIGS = (
    ("nuxt.config.ts", "typescript"),
    ("nuxt.config.js", "javascript"),
    ("nuxt.config.mjs", "javascript"),
    ("nuxt.config.mts", "typescript"),
    ("nuxt.config.cjs", "javascript"),
    ("nuxt.config.cts", "typescript"),
)
# What `nuxi prepare` writes (Nuxt 3, then Nuxt 4's per-context configs): their `paths` say it all.
_NUXT_GENERATED = (".nuxt/tsconfig.json", ".nuxt/tsconfig.app.json")
_NUXT_APP_DIR = "app"  # Nuxt 4's `srcDir` when the folder exists
_NUXT_SHARED_DIR = "shared"  # `#shared` (Nuxt 3.14+)
_DEPENDENCY_FIELDS = ("dependencies", "devDependencies", "peerDependencies", "optionalDependencies")
# Dependency specs that name a folder: `file:../shared/build`, `link:../shared`, yarn's `portal:`.
_LOCAL_PROTOCOLS = ("file:", "link:", "portal:")
_ARCHIVE_SUFFIXES = (".tgz", ".tar.gz", ".tar", ".zip")
_SERVER_HALVES = frozenset({"server", "backend", "api"})
_CLIENT_HALVES = frozenset({"client", "frontend", "web"})
_HALF_APP_NAMES = _SERVER_HALVES | _CLIENT_HALVES
# The modules that make a package a socket.io server (an emitter's worker emits as one) or client.
_SERVER_MODULES = EMITTER_MODULES | {"socket.io"}
_SOCKET_APP_MODULES = CLIENT_MODULES | _SERVER_MODULES
# Folders that hold independent apps side by side: a half app directly inside one is not grouped with it.
_COLLECTION_DIRS = frozenset({"examples", "example", "samples", "demos", "packages", "apps", "services", "projects"})

SideHint = Literal["server", "client"]


def _half_of(name: str) -> tuple[tuple[str, ...], str] | None:
    """(stem, "server" | "client") of a qualified half's name: `chat-server` -> (("chat",), "server")."""
    words = name.lower().replace("_", "-").replace(".", "-").split("-")
    halves = [word for word in words if word in _HALF_APP_NAMES]
    stem = tuple(word for word in words if word not in _HALF_APP_NAMES)
    if len(halves) != 1 or not stem:
        return None
    return stem, "server" if halves[0] in _SERVER_HALVES else "client"


def _is_half_app(directory: str) -> bool:
    """`server`, `client`...; or a qualified half (`vue-client`, `server-postgres-cluster`) unless it sits
    directly in a collection of independent apps (`examples/chat-server` is an app of its own)."""
    parent, _, name = directory.rpartition("/")
    name = name.lower()
    if name in _HALF_APP_NAMES:
        return True
    words = name.replace("_", "-").replace(".", "-").split("-")
    if len(words) < 2 or not _HALF_APP_NAMES.intersection(words):
        return False
    return parent.rpartition("/")[2].lower() not in _COLLECTION_DIRS


@dataclass(frozen=True)
class Package:
    dir: str  # relative to root, "" for the root itself
    name: str | None
    dependencies: frozenset[str]  # dependencies + devDependencies + peerDependencies names
    workspace_globs: tuple[str, ...]  # package.json "workspaces" or pnpm-workspace.yaml "packages"
    entry: str | None  # root-relative file a bare import of the package lands on
    dev_only: frozenset[str] = frozenset()  # the names of `dependencies` declared in devDependencies alone

    @property
    def socket_side(self) -> SideHint | None:
        """The side the package's socket.io dependencies tell: `socket.io` (or an emitter, a worker's) a
        server, socket.io-client (or ngx-socket-io) a client. A module only in devDependencies (the client a
        server's tests connect with) counts only when the other dependencies name neither; None for both or
        none."""
        runtime = self.dependencies - self.dev_only
        for declared in (runtime, self.dependencies):
            server = bool(declared & _SERVER_MODULES)
            client = bool(declared & CLIENT_MODULES)
            if server != client:
                return "server" if server else "client"
            if server:
                return None
        return None


# ---------------------------------------------------------------------------------------------------------
# Small tolerant readers


def read_jsonc(text: str) -> Any:
    """JSON with // and /* */ comments and trailing commas, as tsconfig.json allows. Raises ValueError."""
    out: list[str] = []
    i = 0
    n = len(text)
    if text.startswith("\ufeff"):
        i = 1
    while i < n:
        ch = text[i]
        if ch == '"':
            j = i + 1
            while j < n:
                if text[j] == "\\":
                    j += 2
                    continue
                if text[j] == '"':
                    break
                j += 1
            out.append(text[i : j + 1])
            i = j + 1
        elif ch == "/" and i + 1 < n and text[i + 1] == "/":
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif ch == "/" and i + 1 < n and text[i + 1] == "*":
            j = text.find("*/", i + 2)
            i = n if j < 0 else j + 2
            out.append(" ")
        elif ch == ",":
            # Drop the comma when the next meaningful character closes the container.
            j = i + 1
            while j < n:
                if text[j] in " \t\r\n":
                    j += 1
                elif text.startswith("//", j):
                    k = text.find("\n", j)
                    j = n if k < 0 else k
                elif text.startswith("/*", j):
                    k = text.find("*/", j + 2)
                    j = n if k < 0 else k + 2
                else:
                    break
            if j < n and text[j] in "}]":
                i += 1
                continue
            out.append(ch)
            i += 1
        else:
            out.append(ch)
            i += 1
    return json.loads("".join(out))


def _read_json_file(path: str) -> Any:
    try:
        with open(path, encoding="utf-8-sig") as handle:
            text = handle.read()
    except (OSError, UnicodeDecodeError):
        return None
    try:
        return json.loads(text)
    except ValueError:
        try:
            return read_jsonc(text)
        except ValueError:
            return None


def _unquote(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    return text


def read_pnpm_workspace(text: str) -> tuple[str, ...]:
    """The `packages:` list of a pnpm-workspace.yaml (block or flow style); no YAML dependency needed."""
    globs: list[str] = []
    in_packages = False
    for raw in text.splitlines():
        line = raw.split(" #", 1)[0].rstrip()
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        indented = line[0] in " \t"
        stripped = line.strip()
        if not indented and not stripped.startswith("-"):
            in_packages = False
            key, _, rest = stripped.partition(":")
            if key.strip() == "packages":
                rest = rest.strip()
                if rest.startswith("["):
                    inner = rest.strip("[]")
                    globs.extend(_unquote(item) for item in inner.split(",") if item.strip())
                else:
                    in_packages = True
            continue
        if in_packages and stripped.startswith("-"):
            item = _unquote(stripped[1:])
            if item:
                globs.append(item)
    return tuple(globs)


# ---------------------------------------------------------------------------------------------------------
# Globs (npm / pnpm workspace patterns: `*` within a segment, `**` across segments, `!` to exclude)


def _glob_segments(pattern: str) -> list[str]:
    pattern = pattern.strip().replace("\\", "/")
    while pattern.startswith("./"):
        pattern = pattern[2:]
    pattern = pattern.rstrip("/")
    if pattern.endswith("/package.json"):
        pattern = pattern[: -len("/package.json")]
    return [seg for seg in pattern.split("/") if seg and seg != "."]


def _match_segments(pattern: list[str], path: list[str]) -> bool:
    if not pattern:
        return not path
    head = pattern[0]
    if head == "**":
        return any(_match_segments(pattern[1:], path[i:]) for i in range(len(path) + 1))
    if not path:
        return False
    return fnmatch.fnmatchcase(path[0], head) and _match_segments(pattern[1:], path[1:])


def workspace_globs_match(globs: Iterable[str], rel_dir: str) -> bool:
    """Whether a package directory (relative to the workspace root) is a member of the workspace."""
    path = [seg for seg in rel_dir.split("/") if seg]
    matched = False
    for glob in globs:
        negated = glob.startswith("!")
        segments = _glob_segments(glob[1:] if negated else glob)
        if _match_segments(segments, path):
            matched = not negated
    return matched


# ---------------------------------------------------------------------------------------------------------
# Helpers over root-relative "/" paths


def _probed_isfile(path: str) -> bool:
    note_probe(path)  # a file that appears later changes the answer: a replayed run must notice
    return os.path.isfile(path)


def _parent(rel: str) -> str:
    return rel.rsplit("/", 1)[0] if "/" in rel else ""


def _ancestors(rel_dir: str) -> list[str]:
    """`a/b/c` -> [`a/b/c`, `a/b`, `a`, ``]."""
    out = []
    current = rel_dir
    while True:
        out.append(current)
        if not current:
            return out
        current = _parent(current)


def _join(base: str, *parts: str) -> str | None:
    """Normalized root-relative path, or None when it leaves the root."""
    joined = posixpath.normpath(posixpath.join(base or ".", *parts))
    if joined == ".":
        return ""
    if joined == ".." or joined.startswith("../") or joined.startswith("/"):
        return None
    return joined


def _strip_dot(path: str) -> str:
    path = path.replace("\\", "/")
    while path.startswith("./"):
        path = path[2:]
    return path


def _is_source(rel: str) -> bool:
    return rel.lower().endswith(_SOURCE_SUFFIXES)


@dataclass
class _TsConfig:
    """The parts of a (merged) tsconfig that affect resolution, with root-relative bases."""

    base_url: str | None = None  # root-relative directory
    paths: tuple[tuple[str, tuple[str, ...]], ...] = ()
    paths_base: str | None = None  # directory the `paths` targets are relative to
    out_dir: str | None = None  # root-relative `outDir`: where the compiled files go
    root_dir: str | None = None  # root-relative `rootDir`: the source folder mirrored into outDir


class Workspace:
    """Everything about the repo layout that name resolution and pairing need."""

    def __init__(self, root: Path, files: Iterable[str]) -> None:
        self.root = Path(root).absolute()
        self._root_str = str(self.root)
        self.files: frozenset[str] = frozenset(f.replace("\\", "/") for f in files)
        self._exists_cache: dict[str, bool] = {}
        self._isdir_cache: dict[str, bool] = {}
        self._package_json: dict[str, dict[str, Any]] = {}
        self._package_of_dir: dict[str, Package | None] = {}
        self._project_cache: dict[str, str] = {}
        self._paired_siblings: dict[str, frozenset[str]] = {}  # folder -> its packages that are one app
        self._tsconfig_of_dir: dict[str, _TsConfig | None] = {}
        self._tsconfig_files: dict[str, _TsConfig] = {}
        self._resolve_cache: dict[tuple[str, str], str | None] = {}
        self._kit_aliases: dict[str, _TsConfig | None] = {}
        self._nuxt_configs: dict[str, NuxtConfig] = {}  # parsed nuxt.config by project directory
        self._nuxt_aliases: dict[str, _TsConfig | None] = {}
        self._dependency_specs: dict[str, dict[str, str]] = {}
        self._folder_packages: dict[str, Package] = {}
        self._build_configs: dict[str, _TsConfig | None] = {}

        candidate_dirs: set[str] = {""}
        for rel in self.files:
            directory = _parent(rel)
            while directory not in candidate_dirs:
                candidate_dirs.add(directory)
                directory = _parent(directory)
        self._dirs: frozenset[str] = frozenset(candidate_dirs)
        self._packages: dict[str, Package] = {}
        package_dirs = {d for d in candidate_dirs if self._isfile(self._j(d, "package.json"))}
        # Directories declaring a workspace without being a package (pnpm-workspace.yaml alone).
        package_dirs |= {d for d in candidate_dirs if self._isfile(self._j(d, "pnpm-workspace.yaml"))}
        # Workspace members that hold no discovered file still resolve by name.
        for directory in sorted(package_dirs):
            for glob_dir in self._expand_globs(directory, self._workspace_globs_raw(directory)):
                package_dirs.add(glob_dir)

        for directory in sorted(package_dirs):
            self._packages[directory] = self._make_package(directory)
        self.packages: list[Package] = [self._packages[d] for d in sorted(self._packages)]
        self._by_name: dict[str, list[Package]] = {}
        for package in self.packages:
            if package.name:
                self._by_name.setdefault(package.name, []).append(package)

    # -- filesystem --------------------------------------------------------------------------------------

    @staticmethod
    def _j(directory: str, name: str) -> str:
        return f"{directory}/{name}" if directory else name

    def _abs(self, rel: str) -> str:
        return os.path.join(self._root_str, *rel.split("/")) if rel else self._root_str

    def file_changed(self, rel: str, exists: bool) -> None:
        """A source file appeared or went (the editor's watched files): module resolution must notice."""
        self.files = self.files | {rel} if exists else self.files - {rel}
        self._exists_cache.clear()
        self._isdir_cache.clear()
        self._resolve_cache.clear()
        if rel.rpartition("/")[2].startswith("svelte.config."):
            self._kit_aliases.clear()
        if rel.rpartition("/")[2].startswith("nuxt.config."):
            self._nuxt_configs.clear()
        self._nuxt_aliases.clear()  # Nuxt 4's source folder is `app/` once it exists

    def _isfile(self, rel: str) -> bool:
        cached = self._exists_cache.get(rel)
        if cached is None:
            cached = rel in self.files or _probed_isfile(self._abs(rel))
            self._exists_cache[rel] = cached
        return cached

    def _isdir(self, rel: str) -> bool:
        cached = self._isdir_cache.get(rel)
        if cached is None:
            path = self._abs(rel)
            note_probe(path)
            cached = os.path.isdir(path)
            self._isdir_cache[rel] = cached
        return cached

    def _names_file(self, rel: str) -> bool:
        """Whether a path given to package_of/project_of/side_hint is a file (else a directory)."""
        if rel in self.files:
            return True
        if rel in self._dirs or rel in self._packages:
            return False
        return _is_source(rel) or rel.endswith((".json", ".yaml", ".toml"))

    # -- packages ----------------------------------------------------------------------------------------

    def _manifest(self, directory: str) -> dict[str, Any]:
        cached = self._package_json.get(directory)
        if cached is None:
            data = _read_json_file(self._abs(self._j(directory, "package.json")))
            cached = data if isinstance(data, dict) else {}
            self._package_json[directory] = cached
        return cached

    def _workspace_globs_raw(self, directory: str) -> tuple[str, ...]:
        manifest = self._manifest(directory)
        workspaces = manifest.get("workspaces")
        globs: list[str] = []
        if isinstance(workspaces, dict):
            workspaces = workspaces.get("packages")
        if isinstance(workspaces, list):
            globs.extend(g for g in workspaces if isinstance(g, str))
        pnpm = self._abs(self._j(directory, "pnpm-workspace.yaml"))
        if _probed_isfile(pnpm):
            try:
                with open(pnpm, encoding="utf-8-sig") as handle:
                    globs.extend(read_pnpm_workspace(handle.read()))
            except (OSError, UnicodeDecodeError):
                pass
        return tuple(dict.fromkeys(globs))

    def _is_workspace_root(self, directory: str) -> bool:
        if "workspaces" in self._manifest(directory):
            return True
        return self._isfile(self._j(directory, "pnpm-workspace.yaml"))

    def _expand_globs(self, base: str, globs: tuple[str, ...], max_depth: int = 6) -> set[str]:
        """Directories with a package.json matched by the positive workspace globs of `base`."""
        found: set[str] = set()
        for glob in globs:
            if glob.startswith("!"):
                continue
            self._expand(base, _glob_segments(glob), found, max_depth)
        return {d for d in found if workspace_globs_match(globs, d[len(base) + 1 :] if base else d)}

    def _expand(self, current: str, segments: list[str], found: set[str], depth: int) -> None:
        if not segments:
            if current and self._isfile(self._j(current, "package.json")):
                found.add(current)
            return
        if depth <= 0:
            return
        head = segments[0]
        if head == "**":
            self._expand(current, segments[1:], found, depth)
            for child in self._children(current):
                self._expand(self._j(current, child), segments, found, depth - 1)
            return
        if not any(ch in head for ch in "*?["):
            child = self._j(current, head)
            if self._isdir(child):
                self._expand(child, segments[1:], found, depth - 1)
            return
        for child in self._children(current):
            if fnmatch.fnmatchcase(child, head):
                self._expand(self._j(current, child), segments[1:], found, depth - 1)

    def _children(self, rel_dir: str) -> list[str]:
        try:
            with os.scandir(self._abs(rel_dir)) as it:
                return sorted(
                    e.name for e in it if e.name not in _SKIP_GLOB_DIRS and not e.name.startswith(".") and e.is_dir()
                )
        except OSError:
            return []

    def _make_package(self, directory: str) -> Package:
        manifest = self._manifest(directory)
        name = manifest.get("name")
        declared: dict[str, set[str]] = {}
        for key in ("dependencies", "devDependencies", "peerDependencies"):
            value = manifest.get(key)
            if isinstance(value, dict):
                declared[key] = {str(k) for k in value}
        deps = set().union(*declared.values())
        dev = declared.get("devDependencies", set())
        return Package(
            dir=directory,
            name=name if isinstance(name, str) and name else None,
            dependencies=frozenset(deps),
            workspace_globs=self._workspace_globs_raw(directory),
            entry=self._entry_of(directory, manifest),
            dev_only=frozenset(dev - declared.get("dependencies", set()) - declared.get("peerDependencies", set())),
        )

    def _entry_of(self, directory: str, manifest: dict[str, Any]) -> str | None:
        candidates: list[str] = []
        for key in ("types", "typings"):
            if isinstance(manifest.get(key), str):
                candidates.append(manifest[key])
        exports = manifest.get("exports")
        target = _exports_target(exports, ".")
        if target:
            candidates.append(target)
        for key in ("main", "module"):
            if isinstance(manifest.get(key), str):
                candidates.append(manifest[key])
        candidates.extend(_ENTRY_FALLBACKS)
        return self._first_target(directory, candidates)

    def _first_target(self, directory: str, candidates: list[str]) -> str | None:
        """First candidate that lands on a discovered file (directly or via dist -> src), then on disk."""
        for only_discovered in (True, False):
            for candidate in candidates:
                rel = _join(directory, _strip_dot(candidate))
                if rel is None:
                    continue
                hit = self._probe(rel, only_discovered)
                if hit is None:
                    for mapped in self._sources_of_output(directory, rel):
                        hit = self._probe(mapped, only_discovered)
                        if hit is not None:
                            break
                if hit is not None:
                    return hit
        return None

    def package_of(self, rel: str) -> Package | None:
        """Nearest enclosing package of a file (or directory)."""
        directory = _parent(rel) if self._names_file(rel) else rel
        if directory in self._package_of_dir:
            return self._package_of_dir[directory]
        result = None
        for ancestor in _ancestors(directory):
            package = self._packages.get(ancestor)
            if package is not None:
                result = package
                break
        self._package_of_dir[directory] = result
        return result

    # -- projects ----------------------------------------------------------------------------------------

    def project_of(self, rel: str) -> str:
        """Project key: emits and listeners pair up only inside one project."""
        directory = _parent(rel) if self._names_file(rel) else rel
        cached = self._project_cache.get(directory)
        if cached is not None:
            return cached
        result = self._compute_project(directory)
        self._project_cache[directory] = result
        return result

    def _compute_project(self, directory: str) -> str:
        package = self.package_of(directory)
        ancestors = _ancestors(directory)
        package_dir = package.dir if package is not None else None
        # 1. Nearest workspace root that lists the file's package.
        listing = self._listing_workspace(package_dir) if package_dir is not None else None
        if listing is not None:
            return listing
        # 2. Topmost package.json above the file; a workspace root that does not list this package is a
        #    sibling project (the socket.io repo: root workspace of packages/*, examples/* outside it).
        topmost = None
        for ancestor in ancestors:
            if not self._isfile(self._j(ancestor, "package.json")):
                continue
            if self._is_workspace_root(ancestor) and package_dir is not None and package_dir != ancestor:
                continue
            topmost = ancestor
        if topmost is None:
            return ""
        # 3. examples/chat/server + examples/chat/client form one project, and so do
        #    examples/crud/server + examples/crud/vue-client (a half named with a qualifier).
        if topmost and _is_half_app(topmost):
            parent = _parent(topmost)
            if not self._isfile(self._j(parent, "package.json")):
                return parent
        # 4. backend/ + mobile/ (+ desktop/): sibling apps whose dependencies make one server and its clients.
        if topmost and self._pairs_with_siblings(topmost):
            return _parent(topmost)
        # 5. In a collection of apps, examples/chat-server + examples/chat-client are one app's halves.
        return self._halves_in_collection(topmost) or topmost

    def _listing_workspace(self, package_dir: str) -> str | None:
        """The nearest workspace root (maybe the package itself) whose globs list a package."""
        for ancestor in _ancestors(package_dir):
            if ancestor not in self._packages or not self._is_workspace_root(ancestor):
                continue
            if package_dir == ancestor:
                return ancestor
            member = package_dir[len(ancestor) + 1 :] if ancestor else package_dir
            if workspace_globs_match(self._packages[ancestor].workspace_globs, member):
                return ancestor
        return None

    def _pairs_with_siblings(self, package_dir: str) -> bool:
        """Whether a package and its sibling packages are one app's server and clients."""
        parent = _parent(package_dir)
        if parent not in self._paired_siblings:
            self._paired_siblings[parent] = self._paired_packages_in(parent)
        return package_dir in self._paired_siblings[parent]

    def _paired_packages_in(self, folder: str) -> frozenset[str]:
        """The packages directly in a folder that is no package and no collection of independent apps, when
        exactly one of them depends on socket.io and the others on a client, or exactly one on a client and
        the others on socket.io. A package that is both makes the layout unclear; one that is neither (docs,
        tools) stays an app of its own; so does a member of a workspace."""
        if folder in self._packages or self._isfile(self._j(folder, "package.json")):
            return frozenset()
        if folder.rpartition("/")[2].lower() in _COLLECTION_DIRS:
            return frozenset()
        sides: dict[str, list[str]] = {"server": [], "client": []}
        for package_dir, package in self._packages.items():
            if not package_dir or _parent(package_dir) != folder or self._listing_workspace(package_dir) is not None:
                continue
            side = package.socket_side
            if side is not None:
                sides[side].append(package_dir)
            elif package.dependencies & _SOCKET_APP_MODULES:
                return frozenset()
        servers, clients = sides["server"], sides["client"]
        if servers and clients and (len(servers) == 1 or len(clients) == 1):
            return frozenset(servers + clients)
        return frozenset()

    def _halves_in_collection(self, directory: str) -> str | None:
        """The project of `directory` when it and siblings are the server and client halves of one app
        named alike (`chat-server`, `chat-client`, `chat-web`): the first of them, for all."""
        parent, _, name = directory.rpartition("/")
        own = _half_of(name)
        if own is None or parent.rpartition("/")[2].lower() not in _COLLECTION_DIRS:
            return None
        group = {directory: own[1]}
        for package_dir in self._packages:
            sibling_parent, _, sibling_name = package_dir.rpartition("/")
            half = _half_of(sibling_name) if sibling_parent == parent else None
            if half is not None and half[0] == own[0]:
                group[package_dir] = half[1]
        return min(group) if len(set(group.values())) == 2 else None

    # -- side hint ---------------------------------------------------------------------------------------

    def side_hint(self, rel: str) -> SideHint | None:
        """Last-resort side of a file from its package's dependencies, then from its location."""
        package = self.package_of(rel)
        side = package.socket_side if package is not None else None
        if side is not None:
            return side
        segments = [s.lower() for s in (_parent(rel) if self._names_file(rel) else rel).split("/") if s]
        # API routes of Next.js-style apps run on the server wherever they are.
        for first, second in zip(segments, segments[1:]):
            if second == "api" and first in ("pages", "app"):
                return "server"
        # Otherwise the outermost telling segment (the app) decides over inner folder names.
        for i, segment in enumerate(segments):
            following = segments[i + 1] if i + 1 < len(segments) else None
            if segment == "apps" and following in ("api", "server", "backend"):
                return "server"
            if segment == "apps" and following in ("web", "client", "frontend"):
                return "client"
            if segment in ("server", "backend", "api"):
                return "server"
            if segment in ("client", "frontend", "web", "app", "pages", "components"):
                return "client"
        return None

    # -- module resolution -------------------------------------------------------------------------------

    def resolve_module(self, from_rel: str, specifier: str) -> str | None:
        """Root-relative path of the source file an import specifier names, or None."""
        directory = _parent(from_rel)
        key = (directory, specifier)
        if key in self._resolve_cache:
            return self._resolve_cache[key]
        try:
            result = self._resolve(directory, specifier)
        except (OSError, ValueError):
            result = None
        self._resolve_cache[key] = result
        return result

    def _resolve(self, directory: str, specifier: str) -> str | None:
        spec = specifier.strip()
        for sep in ("?", "#"):
            if sep in spec and not spec.startswith("#"):
                spec = spec.split(sep, 1)[0]
        if not spec or spec.startswith(("node:", "http:", "https:", "data:")) or spec.startswith("/"):
            return None
        if spec in (".", "..") or spec.startswith(("./", "../")):
            rel = _join(directory, spec)
            return None if rel is None else self._probe_both(rel)

        tsconfig = self._tsconfig_for(directory)
        if tsconfig is not None and tsconfig.paths:
            hit = self._resolve_paths(tsconfig, spec)
            if hit is not None:
                return hit
        # What .svelte-kit/tsconfig.json would say, for a clone where it was never generated.
        for framework_aliases in (self._sveltekit_aliases(directory), self._nuxt_paths(directory)):
            if framework_aliases is not None:
                hit = self._resolve_paths(framework_aliases, spec)
                if hit is not None:
                    return hit
        if tsconfig is not None and tsconfig.base_url is not None:
            rel = _join(tsconfig.base_url, spec)
            if rel is not None:
                hit = self._probe_both(rel)
                if hit is not None:
                    return hit

        return self._resolve_package_name(directory, spec)

    def _probe_both(self, rel: str) -> str | None:
        return self._probe(rel, True) or self._probe(rel, False)

    def _probe(self, rel: str, only_discovered: bool) -> str | None:
        """The source file a path names: as written, its TS twin, with an extension, or its index."""
        exists = (lambda p: p in self.files) if only_discovered else self._isfile
        lowered = rel.lower()
        for js_ext, twins in _TS_TWINS.items():
            if lowered.endswith(js_ext):
                stem = rel[: -len(js_ext)]
                for twin in twins:
                    if exists(stem + twin):
                        return stem + twin
        if rel and _is_source(rel) and exists(rel):
            return rel
        if lowered.endswith(".py") and exists(rel[:-3] + "/__init__.py"):
            return rel[:-3] + "/__init__.py"  # a Python import of a package: `from app import socketio`
        for ext in PROBE_EXTENSIONS:
            if exists(rel + ext):
                return rel + ext
        for ext in PROBE_EXTENSIONS:
            candidate = self._j(rel, "index" + ext)
            if exists(candidate):
                return candidate
        if not only_discovered and rel in self._packages and rel != "":
            entry = self._packages[rel].entry
            if entry is not None and entry != rel:
                return entry
        return None

    def _resolve_paths(self, tsconfig: _TsConfig, spec: str) -> str | None:
        """TypeScript `paths`: exact keys first, then the pattern with the longest prefix before `*`."""
        best: tuple[int, str, tuple[str, ...]] | None = None
        for pattern, targets in tsconfig.paths:
            if "*" not in pattern:
                if pattern == spec:
                    best = (10**9, "", targets)
                    break
                continue
            prefix, _, suffix = pattern.partition("*")
            if spec.startswith(prefix) and spec.endswith(suffix) and len(spec) >= len(prefix) + len(suffix):
                if best is None or len(prefix) > best[0]:
                    best = (len(prefix), spec[len(prefix) : len(spec) - len(suffix)], targets)
        if best is None:
            return None
        _, star, targets = best
        base = tsconfig.paths_base or ""
        for target in targets:
            rel = _join(base, target.replace("*", star))
            if rel is None:
                continue
            hit = self._probe_both(rel)
            if hit is not None:
                return hit
        return None

    def _resolve_package_name(self, directory: str, spec: str) -> str | None:
        parts = spec.split("/")
        name_len = 2 if spec.startswith("@") else 1
        if len(parts) < name_len:
            return None
        name = "/".join(parts[:name_len])
        subpath = "/".join(parts[name_len:])
        folder = self._local_dependency(directory, name)
        if folder is not None:
            hit = self._resolve_in_folder(folder, subpath)
            if hit is not None:
                return hit
        package = self._pick_package(directory, name)
        if package is None:
            return None
        if not subpath:
            return package.entry
        return self._resolve_subpath(package, subpath)

    def _resolve_subpath(self, package: Package, subpath: str) -> str | None:
        manifest = self._manifest(package.dir)
        candidates: list[str] = []
        target = _exports_target(manifest.get("exports"), "./" + subpath)
        if target:
            candidates.append(target)
        candidates.append(subpath)
        return self._first_target(package.dir, candidates)

    # -- local-path dependencies -------------------------------------------------------------------------

    def _local_dependency(self, directory: str, name: str) -> str | None:
        """The repository folder that `node_modules/<name>` links to, when the nearest package declaring the
        dependency declares it with a path (`file:../shared/build`); None otherwise."""
        package = self.package_of(directory)
        while package is not None:
            spec = self._dependency_specs_of(package.dir).get(name)
            if spec is not None:
                return self._local_folder(package.dir, spec)
            if not package.dir:
                return None
            package = self.package_of(_parent(package.dir))
        return None

    def _dependency_specs_of(self, package_dir: str) -> dict[str, str]:
        cached = self._dependency_specs.get(package_dir)
        if cached is None:
            cached = {}
            manifest = self._manifest(package_dir)
            for field in _DEPENDENCY_FIELDS:
                declared = manifest.get(field)
                if isinstance(declared, dict):
                    for name, spec in declared.items():
                        if isinstance(spec, str):
                            cached.setdefault(str(name), spec)
            self._dependency_specs[package_dir] = cached
        return cached

    def _local_folder(self, package_dir: str, spec: str) -> str | None:
        """Root-relative folder a path dependency names; None for any other spec, an archive, or a folder
        outside the repository."""
        path = _local_dependency_path(spec)
        if path is None or path.lower().endswith(_ARCHIVE_SUFFIXES):
            return None
        if os.path.isabs(path):
            path = os.path.relpath(path, self._root_str).replace(os.sep, "/")
            return _join("", path)
        return _join(package_dir, _strip_dot(path) or ".")

    def _resolve_in_folder(self, folder: str, subpath: str) -> str | None:
        """An import through a path dependency: into the folder's own package when it has a package.json,
        else into the folder as the build output of the package around it (`shared/build` of `shared`)."""
        if self._isfile(self._j(folder, "package.json")):
            package = self._package_at(folder)
            if not subpath:
                return package.entry
            hit = self._resolve_subpath(package, subpath)
            if hit is None:
                # `shared/events` through `file:../shared` when only shared/build/events.js would exist.
                for root in self._source_roots(folder):
                    hit = self._probe_both(self._j(root, subpath))
                    if hit is not None:
                        break
            return hit
        owner = self.package_of(folder)
        owner_dir = owner.dir if owner is not None else ""
        inside = folder[len(owner_dir) + 1 :] if owner_dir else folder
        return self._first_target(owner_dir, [posixpath.join(inside, subpath or "index")])

    def _package_at(self, directory: str) -> Package:
        package = self._packages.get(directory) or self._folder_packages.get(directory)
        if package is None:
            package = self._folder_packages[directory] = self._make_package(directory)
        return package

    # -- compiled files back to their source ---------------------------------------------------------------

    def _sources_of_output(self, package_dir: str, rel: str) -> list[str]:
        """Where a compiled file of a package most likely has its source: as the outDir/rootDir of the
        package's tsconfig say, then by convention (`dist/index.js` -> `src/index`)."""
        out: list[str] = []
        config = self._build_config(package_dir)
        if config is not None and config.out_dir and config.out_dir != package_dir:
            if rel.startswith(config.out_dir + "/"):
                stem = _strip_output_extension(rel[len(config.out_dir) + 1 :])
                out.extend(self._j(root, stem) for root in self._source_roots(package_dir))
        out.extend(candidate for candidate in _output_to_source(package_dir, rel) if candidate not in out)
        return out

    def _source_roots(self, package_dir: str) -> list[str]:
        """Root-relative folders a package compiles from: its tsconfig's rootDir, else `src` then itself."""
        config = self._build_config(package_dir)
        if config is not None and config.root_dir is not None:
            return [config.root_dir]
        return [self._j(package_dir, "src"), package_dir]

    def _build_config(self, package_dir: str) -> _TsConfig | None:
        """The package's own tsconfig that sets an outDir (tsconfig.json, else tsconfig.build.json)."""
        if package_dir not in self._build_configs:
            found = None
            for name in ("tsconfig.json", "tsconfig.build.json"):
                config_rel = self._j(package_dir, name)
                if self._isfile(config_rel):
                    config = self._load_tsconfig(config_rel, set())
                    if config.out_dir is not None:
                        found = config
                        break
            self._build_configs[package_dir] = found
        return self._build_configs[package_dir]

    # -- SvelteKit ---------------------------------------------------------------------------------------

    def _sveltekit_aliases(self, directory: str) -> _TsConfig | None:
        """`$lib` and `kit.alias` as `paths` for the files of a SvelteKit project (a package depending on
        @sveltejs/kit with a svelte.config next to its package.json); None for any other file."""
        package = self.package_of(directory)
        if package is None or "@sveltejs/kit" not in package.dependencies:
            return None
        if package.dir not in self._kit_aliases:
            self._kit_aliases[package.dir] = self._read_kit_aliases(package.dir)
        return self._kit_aliases[package.dir]

    def _read_kit_aliases(self, project_dir: str) -> _TsConfig | None:
        for name, grammar in _SVELTE_CONFIGS:
            config_rel = self._j(project_dir, name)
            if self._isfile(config_rel):
                break
        else:
            return None
        lib, aliases = read_sveltekit_config(self._read_bytes(config_rel), grammar)
        lib = _strip_dot(lib or _KIT_LIB).rstrip("/") or "."
        paths = [("$lib", (lib,)), ("$lib/*", (lib + "/*",))]
        for key, value in aliases:
            paths.extend(_kit_alias_paths(key, value))
        return _TsConfig(paths=tuple(paths), paths_base=project_dir)

    # -- Nuxt --------------------------------------------------------------------------------------------

    def _nuxt_paths(self, directory: str) -> _TsConfig | None:
        """Nuxt's aliases as `paths` for the files of a Nuxt project (a package depending on nuxt, or with a
        nuxt.config next to its package.json) that lacks the generated .nuxt/tsconfig.json; None otherwise.
        The config's `alias` entries come first: Nuxt spreads them over its defaults."""
        package = self.package_of(directory)
        if package is None:
            return None
        if package.dir not in self._nuxt_aliases:
            self._nuxt_aliases[package.dir] = self._read_nuxt_paths(package)
        return self._nuxt_aliases[package.dir]

    def _read_nuxt_paths(self, package: Package) -> _TsConfig | None:
        # A package that does not depend on nuxt costs no probe: only a discovered nuxt.config makes it one.
        config = self._nuxt_config(package.dir, probe="nuxt" in package.dependencies)
        if config is None and "nuxt" not in package.dependencies:
            return None
        if any(self._isfile(self._j(package.dir, generated)) for generated in _NUXT_GENERATED):
            return None  # the project's tsconfig extends it: its `paths` are read like any tsconfig's
        config = config or NuxtConfig()
        paths: list[tuple[str, tuple[str, ...]]] = []
        for key, value in config.aliases:
            paths.extend(_kit_alias_paths(key, value))
        source_dir = self._nuxt_source_dir(package, config)
        defaults = (("~", source_dir), ("@", source_dir), ("~~", "."), ("@@", "."), ("#shared", _NUXT_SHARED_DIR))
        for key, target in defaults:
            paths.extend(_kit_alias_paths(key, target))
        return _TsConfig(paths=tuple(paths), paths_base=package.dir)

    def _nuxt_config(self, project_dir: str, probe: bool) -> NuxtConfig | None:
        """The parsed nuxt.config of a project directory (looked for on disk with `probe`, else among the
        discovered files); None without one (no parser is loaded then)."""
        if project_dir not in self._nuxt_configs:
            for name, grammar in _NUXT_CONFIGS:
                config_rel = self._j(project_dir, name)
                if config_rel in self.files or (probe and self._isfile(config_rel)):
                    self._nuxt_configs[project_dir] = read_nuxt_config(self._read_bytes(config_rel), grammar)
                    break
            else:
                return None
        return self._nuxt_configs[project_dir]

    def _nuxt_source_dir(self, package: Package, config: NuxtConfig) -> str:
        """`srcDir` relative to the project: as configured; else `app/` in Nuxt 4's layout (Nuxt 4, or Nuxt 3
        with `future.compatibilityVersion: 4`) when that folder exists; else the project itself. An
        unpinned version (`latest`, `catalog:`) is taken for the current major, 4."""
        if config.src_dir is not None:
            return config.src_dir
        major = _major_version(self._dependency_specs_of(package.dir).get("nuxt", ""))
        nuxt4_layout = config.compatibility_version == 4 or major is None or major >= 4
        return _NUXT_APP_DIR if nuxt4_layout and self._isdir(self._j(package.dir, _NUXT_APP_DIR)) else "."

    def _read_bytes(self, rel: str) -> bytes:
        try:
            with open(self._abs(rel), "rb") as handle:
                return handle.read()
        except OSError:
            return b""

    def _pick_package(self, directory: str, name: str) -> Package | None:
        """A workspace package by name; same-named example apps prefer the importer's own project."""
        packages = self._by_name.get(name)
        if not packages:
            return None
        if len(packages) == 1:
            return packages[0]
        project = self.project_of(directory)
        here = directory.split("/") if directory else []

        def closeness(package: Package) -> tuple[int, int, str]:
            there = package.dir.split("/") if package.dir else []
            common = 0
            for a, b in zip(here, there):
                if a != b:
                    break
                common += 1
            return (0 if self.project_of(package.dir) == project else 1, -common, package.dir)

        return min(packages, key=closeness)

    # -- tsconfig ----------------------------------------------------------------------------------------

    def _tsconfig_for(self, directory: str) -> _TsConfig | None:
        if directory in self._tsconfig_of_dir:
            return self._tsconfig_of_dir[directory]
        result: _TsConfig | None = None
        for ancestor in _ancestors(directory):
            if ancestor in self._tsconfig_of_dir:
                result = self._tsconfig_of_dir[ancestor]
                break
            found = None
            for name in ("tsconfig.json", "jsconfig.json"):
                candidate = self._j(ancestor, name)
                if self._isfile(candidate):
                    found = candidate
                    break
            if found is not None:
                result = self._load_tsconfig(found, set())
                if not result.paths and result.base_url is None:
                    # Solution-style tsconfig (Vite templates): the options live in a referenced config.
                    result = self._from_references(found) or result
                self._tsconfig_of_dir[ancestor] = result
                break
        self._tsconfig_of_dir[directory] = result
        return result

    def _from_references(self, config_rel: str) -> _TsConfig | None:
        data = _read_json_file(self._abs(config_rel))
        if not isinstance(data, dict) or not isinstance(data.get("references"), list):
            return None
        base = _parent(config_rel)
        for ref in data["references"]:
            path = ref.get("path") if isinstance(ref, dict) else None
            if not isinstance(path, str):
                continue
            rel = _join(base, path)
            if rel is None:
                continue
            if not rel.endswith(".json"):
                rel = self._j(rel, "tsconfig.json") if self._isdir(rel) else rel + ".json"
            if self._isfile(rel):
                loaded = self._load_tsconfig(rel, set())
                if loaded.paths or loaded.base_url is not None:
                    return loaded
        return None

    def _load_tsconfig(self, config_rel: str, seen: set[str]) -> _TsConfig:
        """Merged compilerOptions.baseUrl/paths, following relative `extends` (string or array)."""
        cached = self._tsconfig_files.get(config_rel)
        if cached is not None:
            return cached
        seen = seen | {config_rel}
        data = _read_json_file(self._abs(config_rel))
        data = data if isinstance(data, dict) else {}
        config_dir = _parent(config_rel)
        merged = _TsConfig()
        extends = data.get("extends")
        for parent_spec in [extends] if isinstance(extends, str) else (extends if isinstance(extends, list) else []):
            if not isinstance(parent_spec, str) or not parent_spec.startswith(("./", "../")):
                continue  # package-name extends (@tsconfig/node18) never carry project paths
            parent_rel = _join(config_dir, parent_spec)
            if parent_rel is None:
                continue
            if not self._isfile(parent_rel) and self._isfile(parent_rel + ".json"):
                parent_rel += ".json"
            if parent_rel in seen or not self._isfile(parent_rel):
                continue
            parent = self._load_tsconfig(parent_rel, seen)
            merged = _TsConfig(
                base_url=parent.base_url if parent.base_url is not None else merged.base_url,
                paths=parent.paths or merged.paths,
                paths_base=parent.paths_base if parent.paths else merged.paths_base,
                out_dir=parent.out_dir if parent.out_dir is not None else merged.out_dir,
                root_dir=parent.root_dir if parent.root_dir is not None else merged.root_dir,
            )
        options = data.get("compilerOptions")
        if isinstance(options, dict):
            base_url = options.get("baseUrl")
            if isinstance(base_url, str):
                merged.base_url = _join(config_dir, _strip_dot(base_url) or ".")
                if merged.paths and "paths" not in options:
                    # An inherited `paths` follows the nearest baseUrl.
                    merged.paths_base = merged.base_url
            paths = options.get("paths")
            if isinstance(paths, dict):
                entries = []
                for pattern, targets in paths.items():
                    if isinstance(targets, str):
                        targets = [targets]
                    if isinstance(targets, list):
                        entries.append((str(pattern), tuple(_strip_dot(t) for t in targets if isinstance(t, str))))
                merged.paths = tuple(entries)
                merged.paths_base = merged.base_url if merged.base_url is not None else config_dir
            for option, attribute in (("outDir", "out_dir"), ("rootDir", "root_dir")):
                value = options.get(option)
                if isinstance(value, str):
                    setattr(merged, attribute, _join(config_dir, _strip_dot(value) or "."))
        self._tsconfig_files[config_rel] = merged
        return merged


def _exports_target(exports: Any, subpath: str) -> str | None:
    """The file an `exports` map gives for a subpath, preferring type and ESM conditions."""
    if exports is None:
        return None
    if isinstance(exports, (str, list)) or (
        isinstance(exports, dict) and not any(str(k).startswith(".") for k in exports)
    ):
        return _condition_target(exports) if subpath == "." else None
    if not isinstance(exports, dict):
        return None
    if subpath in exports:
        return _condition_target(exports[subpath])
    for key, value in exports.items():
        key = str(key)
        if key.count("*") == 1:
            prefix, _, suffix = key.partition("*")
            if subpath.startswith(prefix) and subpath.endswith(suffix) and len(subpath) >= len(key) - 1:
                star = subpath[len(prefix) : len(subpath) - len(suffix)]
                target = _condition_target(value)
                if target:
                    return target.replace("*", star)
    return None


def _condition_target(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        for item in value:
            target = _condition_target(item)
            if target:
                return target
        return None
    if isinstance(value, dict):
        for condition in _CONDITION_ORDER:
            if condition in value:
                target = _condition_target(value[condition])
                if target:
                    return target
        for item in value.values():
            target = _condition_target(item)
            if target:
                return target
    return None


def _output_to_source(package_dir: str, rel: str) -> list[str]:
    """`dist/index.js` -> `src/index` (and friends): where the compiled file's source most likely lives."""
    inner = rel[len(package_dir) + 1 :] if package_dir else rel
    parts = inner.split("/")
    if len(parts) < 2 or parts[0] not in _OUTPUT_DIRS:
        return []
    rest = parts[1:]
    if len(rest) > 1 and rest[0] in _OUTPUT_SUBDIRS:
        rest = rest[1:]
    stem = _strip_output_extension("/".join(rest))
    out: list[str] = []
    for candidate in ("src/" + stem, stem):
        joined = _join(package_dir, candidate)
        if joined is not None and joined not in out:
            out.append(joined)
    return out


def _strip_output_extension(path: str) -> str:
    for ext in (".d.mts", ".d.cts", ".d.ts", ".mjs", ".cjs", ".jsx", ".js"):
        if path.endswith(ext):
            return path[: -len(ext)]
    return path


def _local_dependency_path(spec: str) -> str | None:
    """The path of a dependency spec that names a folder (`file:`, `link:`, `portal:`, pnpm's
    `workspace:../x`); None for versions, ranges, `workspace:*`, git and URLs."""
    spec = spec.strip().replace("\\", "/")
    for protocol in _LOCAL_PROTOCOLS:
        if spec.startswith(protocol):
            return spec[len(protocol) :] or None
    if spec.startswith("workspace:"):
        path = spec[len("workspace:") :]
        return path if path.startswith(("./", "../")) else None
    return None


# ---------------------------------------------------------------------------------------------------------
# svelte.config: read from its syntax tree, never executed


def _kit_alias_paths(key: str, value: str) -> list[tuple[str, tuple[str, ...]]]:
    """`paths` entries for one `kit.alias` entry, as SvelteKit writes them into its generated tsconfig: a
    key without `/*` names the target and everything inside it, one with `/*` only what is inside."""
    target = _strip_dot(value).rstrip("/") or "."
    if key.endswith("/*"):
        return [(key, (target if "*" in target else target + "/*",))]
    return [(key, (target,)), (key + "/*", (target + "/*",))]


def _major_version(spec: str) -> int | None:
    """The major version a dependency spec pins (`^3.13` -> 3, `>=4.0.0` -> 4); None for `latest`, `*`,
    `workspace:`, `catalog:`."""
    found = re.search(r"\d+", spec)
    return int(found.group()) if found is not None else None
