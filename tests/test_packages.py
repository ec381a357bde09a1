"""Packages, projects and module resolution over small fake repositories."""

from __future__ import annotations

import json
from pathlib import Path

from socketlens.config import Config
from socketlens.packages import Workspace, read_jsonc, read_pnpm_workspace, workspace_globs_match
from socketlens.workspace import discover_files


def write(root: Path, rel: str, content: str = "export {};\n") -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content, encoding="utf-8")


def pkg(root: Path, rel_dir: str, **manifest: object) -> None:
    write(root, f"{rel_dir}/package.json" if rel_dir else "package.json", json.dumps(manifest))


def workspace(root: Path) -> Workspace:
    return Workspace(root, [f.rel for f in discover_files(root, Config())])


def monorepo(root: Path) -> Workspace:
    pkg(root, "", name="acme", private=True, workspaces=["apps/*", "packages/*"])
    pkg(root, "apps/api", name="@acme/api", dependencies={"socket.io": "^4", "@acme/shared": "*"})
    pkg(root, "apps/web", name="@acme/web", dependencies={"socket.io-client": "^4", "@acme/shared": "*"})
    pkg(root, "packages/shared", name="@acme/shared", main="dist/index.js", types="dist/index.d.ts")
    write(root, "apps/api/src/index.ts")
    write(root, "apps/api/src/socket.ts")
    write(root, "apps/web/src/App.tsx")
    write(root, "apps/web/src/hooks/useSocketEvent.ts")
    write(root, "packages/shared/src/index.ts")
    write(root, "packages/shared/src/socket-events.ts")
    return workspace(root)


def test_readers() -> None:
    assert read_jsonc('{\n // c\n "a": [1, 2,], /* x */ "b": "//not a comment",\n}') == {
        "a": [1, 2],
        "b": "//not a comment",
    }
    assert read_pnpm_workspace("packages:\n  - 'apps/*'\n  - \"packages/*\"\n  # c\n  - '!**/test/**'\nother: 1\n") == (
        "apps/*",
        "packages/*",
        "!**/test/**",
    )
    assert read_pnpm_workspace("packages: [apps/*, 'libs/**']\n") == ("apps/*", "libs/**")
    assert workspace_globs_match(["packages/*"], "packages/shared")
    assert not workspace_globs_match(["packages/*"], "packages/shared/nested")
    assert workspace_globs_match(["libs/**"], "libs/a/b")
    assert not workspace_globs_match(["apps/*", "!apps/legacy"], "apps/legacy")


def test_npm_workspaces_packages(tmp_path: Path) -> None:
    ws = monorepo(tmp_path)
    by_dir = {p.dir: p for p in ws.packages}
    assert set(by_dir) == {"", "apps/api", "apps/web", "packages/shared"}
    assert by_dir[""].workspace_globs == ("apps/*", "packages/*")
    assert by_dir["apps/api"].name == "@acme/api"
    assert "socket.io" in by_dir["apps/api"].dependencies
    # dist/index.d.ts does not exist: the entry maps to the source.
    assert by_dir["packages/shared"].entry == "packages/shared/src/index.ts"
    assert ws.package_of("apps/api/src/socket.ts") == by_dir["apps/api"]
    assert ws.package_of("apps/web/src/hooks/useSocketEvent.ts") == by_dir["apps/web"]


def test_workspaces_object_form_and_pnpm(tmp_path: Path) -> None:
    pkg(tmp_path, "", name="root", workspaces={"packages": ["libs/*"]})
    pkg(tmp_path, "libs/a", name="a")
    write(tmp_path, "libs/a/index.ts")
    ws = workspace(tmp_path)
    assert {p.dir: p for p in ws.packages}[""].workspace_globs == ("libs/*",)
    assert ws.project_of("libs/a/index.ts") == ""

    other = tmp_path / "pnpm"
    pkg(other, "", name="root")
    write(other, "pnpm-workspace.yaml", "packages:\n  - 'apps/*'\n  - 'packages/*'\n")
    pkg(other, "apps/api", name="api", dependencies={"socket.io": "4"})
    pkg(other, "packages/events", name="@x/events", exports={".": {"types": "./src/index.ts", "import": "./dist/index.mjs"}})
    pkg(other, "packages/unused", name="@x/unused", main="index.js")  # member without discovered files
    write(other, "packages/unused/index.js", "")
    write(other, "packages/unused/.gitignore", "*.js\n")
    write(other, "apps/api/src/main.ts")
    write(other, "packages/events/src/index.ts")
    ws = workspace(other)
    by_dir = {p.dir: p for p in ws.packages}
    assert by_dir[""].workspace_globs == ("apps/*", "packages/*")
    assert by_dir["packages/events"].entry == "packages/events/src/index.ts"
    assert by_dir["packages/unused"].entry == "packages/unused/index.js"
    assert ws.project_of("apps/api/src/main.ts") == ""
    assert ws.project_of("packages/events/src/index.ts") == ""
    assert ws.resolve_module("apps/api/src/main.ts", "@x/events") == "packages/events/src/index.ts"


def test_projects_of_conventional_monorepo(tmp_path: Path) -> None:
    ws = monorepo(tmp_path)
    assert ws.project_of("apps/api/src/socket.ts") == ""
    assert ws.project_of("apps/web/src/App.tsx") == ""
    assert ws.project_of("packages/shared/src/socket-events.ts") == ""


def test_projects_of_independent_examples(tmp_path: Path) -> None:
    # The socket.io repository shape: the root workspace lists packages/*, examples live outside it.
    pkg(tmp_path, "", name="root", workspaces=["packages/*"])
    pkg(tmp_path, "packages/core", name="core")
    write(tmp_path, "packages/core/lib/index.ts")
    pkg(tmp_path, "examples/a", name="example")
    write(tmp_path, "examples/a/index.js")
    write(tmp_path, "examples/a/public/main.js")
    pkg(tmp_path, "examples/b", name="example")
    write(tmp_path, "examples/b/src/server.ts")
    pkg(tmp_path, "examples/c/server", name="c-server", dependencies={"socket.io": "4"})
    pkg(tmp_path, "examples/c/client", name="c-client", dependencies={"socket.io-client": "4"})
    write(tmp_path, "examples/c/server/index.ts")
    write(tmp_path, "examples/c/client/src/main.ts")
    write(tmp_path, "examples/loose/app.js")  # no package.json of its own
    ws = workspace(tmp_path)
    assert ws.project_of("packages/core/lib/index.ts") == ""
    assert ws.project_of("examples/a/index.js") == "examples/a"
    assert ws.project_of("examples/a/public/main.js") == "examples/a"
    assert ws.project_of("examples/b/src/server.ts") == "examples/b"
    assert ws.project_of("examples/c/server/index.ts") == "examples/c"
    assert ws.project_of("examples/c/client/src/main.ts") == "examples/c"
    assert ws.project_of("examples/loose/app.js") == ""


def test_projects_join_halves_named_with_a_qualifier(tmp_path: Path) -> None:
    # One app's halves named `server`, `vue-client`, `server-redis`: one project. Qualified halves that sit
    # directly in a collection folder (`demos/chat-server`) stay apps of their own.
    pkg(tmp_path, "demos/todo/server", name="todo-server", dependencies={"socket.io": "4"})
    pkg(tmp_path, "demos/todo/vue-client", name="vue-client", dependencies={"socket.io-client": "4"})
    pkg(tmp_path, "demos/todo/server_redis", name="todo-redis", dependencies={"socket.io": "4"})
    pkg(tmp_path, "demos/todo/docs-site", name="docs")
    pkg(tmp_path, "demos/chat-server", name="chat-server", dependencies={"socket.io": "4"})
    for rel in ("demos/todo/server/a.ts", "demos/todo/vue-client/src/b.js", "demos/todo/server_redis/c.js",
                "demos/todo/docs-site/d.js", "demos/chat-server/e.js"):
        write(tmp_path, rel)
    ws = workspace(tmp_path)
    assert ws.project_of("demos/todo/server/a.ts") == "demos/todo"
    assert ws.project_of("demos/todo/vue-client/src/b.js") == "demos/todo"
    assert ws.project_of("demos/todo/server_redis/c.js") == "demos/todo"
    assert ws.project_of("demos/todo/docs-site/d.js") == "demos/todo/docs-site"
    assert ws.project_of("demos/chat-server/e.js") == "demos/chat-server"


def test_projects_join_halves_named_alike_in_a_collection(tmp_path: Path) -> None:
    # examples/chat-server + examples/chat-client (+ chat-web): one app; a lone half, or halves of
    # different apps, stay apart.
    pkg(tmp_path, "examples/chat-server", name="chat-server", dependencies={"socket.io": "4"})
    pkg(tmp_path, "examples/chat-client", name="chat-client", dependencies={"socket.io-client": "4"})
    pkg(tmp_path, "examples/Chat_Web", name="chat-web", dependencies={"socket.io-client": "4"})
    pkg(tmp_path, "examples/todo-backend", name="todo-backend", dependencies={"socket.io": "4"})
    pkg(tmp_path, "examples/game-frontend", name="game-frontend", dependencies={"socket.io-client": "4"})
    pkg(tmp_path, "examples/chat-server-redis", name="chat-redis", dependencies={"socket.io": "4"})
    for rel in ("examples/chat-server/a.ts", "examples/chat-client/src/b.ts", "examples/Chat_Web/c.js",
                "examples/todo-backend/d.ts", "examples/game-frontend/e.ts", "examples/chat-server-redis/f.js"):
        write(tmp_path, rel)
    ws = workspace(tmp_path)
    assert ws.project_of("examples/chat-server/a.ts") == "examples/Chat_Web"
    assert ws.project_of("examples/chat-client/src/b.ts") == "examples/Chat_Web"
    assert ws.project_of("examples/Chat_Web/c.js") == "examples/Chat_Web"
    assert ws.project_of("examples/todo-backend/d.ts") == "examples/todo-backend"
    assert ws.project_of("examples/game-frontend/e.ts") == "examples/game-frontend"
    assert ws.project_of("examples/chat-server-redis/f.js") == "examples/chat-server-redis"


def test_projects_without_any_root_package(tmp_path: Path) -> None:
    pkg(tmp_path, "examples/a", name="a")
    pkg(tmp_path, "examples/a/src/lib", name="nested", type="module")  # topmost wins, not nearest
    write(tmp_path, "examples/a/src/lib/x.ts")
    pkg(tmp_path, "examples/b", name="b")
    write(tmp_path, "examples/b/x.ts")
    write(tmp_path, "scripts/tool.ts")
    ws = workspace(tmp_path)
    assert ws.project_of("examples/a/src/lib/x.ts") == "examples/a"
    assert ws.project_of("examples/b/x.ts") == "examples/b"
    assert ws.project_of("scripts/tool.ts") == ""
    assert ws.package_of("examples/a/src/lib/x.ts").name == "nested"
    assert ws.package_of("scripts/tool.ts") is None


def test_sibling_apps_talking_socketio_are_one_project(tmp_path: Path) -> None:
    # No root package.json: a back end and the apps that connect to it, named anyhow (`mobile`, an Electron
    # `desktop`, an Expo `mindful-app`), are one app; a sibling using no socket.io stays apart.
    pkg(tmp_path, "backend", name="backend", dependencies={"socket.io": "4"})
    pkg(tmp_path, "mobile", name="mobile", dependencies={"socket.io-client": "4", "react-native": "0.76"})
    pkg(tmp_path, "desktop", name="desktop", dependencies={"socket.io-client": "4"}, devDependencies={"electron": "30"})
    pkg(tmp_path, "mindful-app", name="mindful-app", dependencies={"expo": "52", "socket.io-client": "4"})
    pkg(tmp_path, "docs", name="docs", dependencies={"vitepress": "1"})
    pkg(tmp_path, "code/chat/realtime", name="realtime", dependencies={"socket.io": "4"})
    pkg(tmp_path, "code/chat/ui", name="ui", dependencies={"ngx-socket-io": "4"})
    for rel in ("backend/server.js", "mobile/src/socket.js", "desktop/src/main.js", "mindful-app/app/index.tsx",
                "docs/index.js", "code/chat/realtime/index.ts", "code/chat/ui/src/app.ts"):
        write(tmp_path, rel)
    ws = workspace(tmp_path)
    assert ws.project_of("backend/server.js") == ""
    assert ws.project_of("mobile/src/socket.js") == ""
    assert ws.project_of("desktop/src/main.js") == ""
    assert ws.project_of("mindful-app/app/index.tsx") == ""
    assert ws.project_of("docs/index.js") == "docs"
    assert ws.project_of("code/chat/realtime/index.ts") == "code/chat"
    assert ws.project_of("code/chat/ui/src/app.ts") == "code/chat"


def test_one_client_with_several_servers_is_one_project(tmp_path: Path) -> None:
    # A server whose tests use the client (a devDependency) is still a server.
    pkg(tmp_path, "realtime", name="realtime", dependencies={"socket.io": "4"}, devDependencies={"socket.io-client": "4"})
    pkg(tmp_path, "notifier", name="notifier", dependencies={"socket.io": "4"})
    pkg(tmp_path, "kiosk", name="kiosk", dependencies={"socket.io-client": "4"})
    for rel in ("realtime/index.js", "notifier/index.js", "kiosk/main.js"):
        write(tmp_path, rel)
    ws = workspace(tmp_path)
    assert {ws.project_of(rel) for rel in ("realtime/index.js", "notifier/index.js", "kiosk/main.js")} == {""}


def test_sibling_apps_stay_apart_when_their_sides_do_not_pair_up(tmp_path: Path) -> None:
    # A tutorials repository: servers and clients of many lessons side by side.
    tutorials = tmp_path / "tutorials"
    for lesson in ("chat", "game"):
        pkg(tutorials, f"{lesson}-app", name=f"{lesson}-app", dependencies={"socket.io": "4"})
        pkg(tutorials, f"{lesson}-ui", name=f"{lesson}-ui", dependencies={"socket.io-client": "4"})
        write(tutorials, f"{lesson}-app/index.js")
        write(tutorials, f"{lesson}-ui/main.js")
    ws = workspace(tutorials)
    assert ws.project_of("chat-app/index.js") == "chat-app"
    assert ws.project_of("chat-ui/main.js") == "chat-ui"
    # A collection of independent examples, a parent that is a package itself, and a sibling that is both a
    # server and a client (its side unknown) group nothing.
    others = tmp_path / "others"
    pkg(others, "examples/ticker", name="ticker", dependencies={"socket.io": "4"})
    pkg(others, "examples/viewer", name="viewer", dependencies={"socket.io-client": "4"})
    pkg(others, "tools", name="tools", workspaces=["lib/*"])
    pkg(others, "tools/relay", name="relay", dependencies={"socket.io": "4"})
    pkg(others, "tools/probe", name="probe", dependencies={"socket.io-client": "4"})
    pkg(others, "mixed/hub", name="hub", dependencies={"socket.io": "4", "socket.io-client": "4"})
    pkg(others, "mixed/node", name="node", dependencies={"socket.io": "4"})
    pkg(others, "mixed/phone", name="phone", dependencies={"socket.io-client": "4"})
    for rel in ("examples/ticker/a.js", "examples/viewer/b.js", "tools/relay/c.js", "tools/probe/d.js",
                "mixed/hub/e.js", "mixed/node/f.js", "mixed/phone/g.js"):
        write(others, rel)
    ws = workspace(others)
    assert ws.project_of("examples/ticker/a.js") == "examples/ticker"
    assert ws.project_of("examples/viewer/b.js") == "examples/viewer"
    assert ws.project_of("tools/relay/c.js") == "tools/relay"
    assert ws.project_of("tools/probe/d.js") == "tools/probe"
    assert ws.project_of("mixed/node/f.js") == "mixed/node"
    assert ws.project_of("mixed/phone/g.js") == "mixed/phone"


def test_side_hint_counts_a_dev_only_dependency_below_a_runtime_one(tmp_path: Path) -> None:
    # socket.io's testing guide: the server's tests connect with socket.io-client, a devDependency.
    pkg(tmp_path, "game", name="game", dependencies={"socket.io": "4"}, devDependencies={"socket.io-client": "4"})
    pkg(tmp_path, "web", name="web", dependencies={"socket.io-client": "4"}, devDependencies={"socket.io": "4"})
    pkg(tmp_path, "tests", name="tests", devDependencies={"socket.io": "4", "socket.io-client": "4"})
    pkg(tmp_path, "bot", name="bot", devDependencies={"socket.io-client": "4"})
    for rel in ("game/app/sockets/game.js", "web/server/x.js", "tests/server/y.js", "bot/z.js"):
        write(tmp_path, rel)
    ws = workspace(tmp_path)
    assert ws.side_hint("game/app/sockets/game.js") == "server"  # not "client" from the `app` folder
    assert ws.side_hint("web/server/x.js") == "client"
    assert ws.side_hint("tests/server/y.js") == "server"  # both dev-only: the folder decides
    assert ws.side_hint("bot/z.js") == "client"


def test_side_hint(tmp_path: Path) -> None:
    ws = monorepo(tmp_path)
    assert ws.side_hint("apps/api/src/socket.ts") == "server"
    assert ws.side_hint("apps/web/src/App.tsx") == "client"
    assert ws.side_hint("packages/shared/src/index.ts") is None

    other = tmp_path / "paths"
    pkg(other, "", name="both", dependencies={"socket.io": "4", "socket.io-client": "4"})
    for rel in ("backend/a.ts", "frontend/a.ts", "src/components/Chat.tsx", "pages/api/socket.ts",
                "apps/api/x.ts", "apps/web/x.ts", "lib/util.ts", "server/src/app/x.ts"):
        write(other, rel)
    ws = workspace(other)
    assert ws.side_hint("backend/a.ts") == "server"
    assert ws.side_hint("frontend/a.ts") == "client"
    assert ws.side_hint("src/components/Chat.tsx") == "client"
    assert ws.side_hint("pages/api/socket.ts") == "server"
    assert ws.side_hint("apps/api/x.ts") == "server"
    assert ws.side_hint("apps/web/x.ts") == "client"
    assert ws.side_hint("server/src/app/x.ts") == "server"
    assert ws.side_hint("lib/util.ts") is None


def test_resolve_relative(tmp_path: Path) -> None:
    write(tmp_path, "src/a.ts")
    write(tmp_path, "src/b.tsx")
    write(tmp_path, "src/esm.ts")
    write(tmp_path, "src/plain.js")
    write(tmp_path, "src/events/index.ts")
    write(tmp_path, "src/types.d.ts")
    write(tmp_path, "src/style.css", "a{}")
    ws = workspace(tmp_path)
    assert ws.resolve_module("src/a.ts", "./b") == "src/b.tsx"
    assert ws.resolve_module("src/a.ts", "./esm.js") == "src/esm.ts"  # TypeScript ESM convention
    assert ws.resolve_module("src/a.ts", "./plain.js") == "src/plain.js"
    assert ws.resolve_module("src/a.ts", "./events") == "src/events/index.ts"
    assert ws.resolve_module("src/events/index.ts", "../a") == "src/a.ts"
    assert ws.resolve_module("src/events/index.ts", "..") is None
    assert ws.resolve_module("src/a.ts", "./types") == "src/types.d.ts"
    assert ws.resolve_module("src/a.ts", "./style.css") is None
    assert ws.resolve_module("src/a.ts", "./missing") is None
    assert ws.resolve_module("src/a.ts", "../../outside") is None
    assert ws.resolve_module("src/a.ts", "react") is None
    # Cached answers stay the same.
    assert ws.resolve_module("src/a.ts", "./b") == "src/b.tsx"


def test_resolve_tsconfig_paths_with_extends(tmp_path: Path) -> None:
    write(
        tmp_path,
        "tsconfig.base.json",
        """{
  // shared options
  "compilerOptions": {
    "baseUrl": ".",
    "paths": {
      "@shared/*": ["packages/shared/src/*"],
      "@events": ["packages/shared/src/socket-events.ts",],
    },
  },
}""",
    )
    write(tmp_path, "apps/web/tsconfig.json", '{ "extends": "../../tsconfig.base", "compilerOptions": {"jsx": "react"} }')
    write(
        tmp_path,
        "apps/api/tsconfig.json",
        '{ "extends": ["@tsconfig/node18/tsconfig.json", "../../tsconfig.base.json"],'
        ' "compilerOptions": { "baseUrl": "src", "paths": { "~/*": ["./*"] } } }',
    )
    write(tmp_path, "packages/shared/src/socket-events.ts")
    write(tmp_path, "packages/shared/src/util/index.ts")
    write(tmp_path, "apps/web/src/App.tsx")
    write(tmp_path, "apps/api/src/lib/io.ts")
    write(tmp_path, "apps/api/src/main.ts")
    ws = workspace(tmp_path)
    assert ws.resolve_module("apps/web/src/App.tsx", "@events") == "packages/shared/src/socket-events.ts"
    assert ws.resolve_module("apps/web/src/App.tsx", "@shared/socket-events") == "packages/shared/src/socket-events.ts"
    assert ws.resolve_module("apps/web/src/App.tsx", "@shared/util") == "packages/shared/src/util/index.ts"
    assert ws.resolve_module("apps/api/src/main.ts", "~/lib/io") == "apps/api/src/lib/io.ts"
    assert ws.resolve_module("apps/api/src/main.ts", "lib/io") == "apps/api/src/lib/io.ts"  # baseUrl
    assert ws.resolve_module("apps/api/src/main.ts", "@shared/nothing") is None


def test_resolve_solution_style_tsconfig(tmp_path: Path) -> None:
    write(tmp_path, "web/tsconfig.json", '{"files": [], "references": [{"path": "./tsconfig.app.json"}]}')
    write(tmp_path, "web/tsconfig.app.json", '{"compilerOptions": {"paths": {"@/*": ["./src/*"]}}}')
    write(tmp_path, "web/src/lib/socket.ts")
    write(tmp_path, "web/src/main.ts")
    ws = workspace(tmp_path)
    assert ws.resolve_module("web/src/main.ts", "@/lib/socket") == "web/src/lib/socket.ts"


def test_resolve_workspace_package_names(tmp_path: Path) -> None:
    ws = monorepo(tmp_path)
    assert ws.resolve_module("apps/api/src/socket.ts", "@acme/shared") == "packages/shared/src/index.ts"
    assert (
        ws.resolve_module("apps/web/src/App.tsx", "@acme/shared/src/socket-events")
        == "packages/shared/src/socket-events.ts"
    )
    assert ws.resolve_module("apps/web/src/App.tsx", "@acme/shared/nope") is None
    assert ws.resolve_module("apps/web/src/App.tsx", "@acme/unknown") is None
    assert ws.resolve_module("apps/web/src/App.tsx", "socket.io-client") is None


def test_resolve_package_exports_subpath(tmp_path: Path) -> None:
    pkg(tmp_path, "", workspaces=["packages/*"])
    pkg(
        tmp_path,
        "packages/events",
        name="events",
        exports={".": "./dist/index.js", "./server": {"types": "./dist/server.d.ts"}, "./maps/*": "./src/maps/*.ts"},
    )
    write(tmp_path, "packages/events/src/index.ts")
    write(tmp_path, "packages/events/src/server.ts")
    write(tmp_path, "packages/events/src/maps/chat.ts")
    write(tmp_path, "app/main.ts")
    ws = workspace(tmp_path)
    assert ws.resolve_module("app/main.ts", "events") == "packages/events/src/index.ts"
    assert ws.resolve_module("app/main.ts", "events/server") == "packages/events/src/server.ts"
    assert ws.resolve_module("app/main.ts", "events/maps/chat") == "packages/events/src/maps/chat.ts"


def test_same_package_name_prefers_own_project(tmp_path: Path) -> None:
    for example in ("a", "b"):
        pkg(tmp_path, f"examples/{example}/shared", name="shared", main="index.ts")
        write(tmp_path, f"examples/{example}/shared/index.ts")
        pkg(tmp_path, f"examples/{example}/server", name=f"{example}-server")
        write(tmp_path, f"examples/{example}/server/main.ts")
    ws = workspace(tmp_path)
    assert ws.resolve_module("examples/a/server/main.ts", "shared") == "examples/a/shared/index.ts"
    assert ws.resolve_module("examples/b/server/main.ts", "shared") == "examples/b/shared/index.ts"


def test_broken_manifests_do_not_raise(tmp_path: Path) -> None:
    write(tmp_path, "package.json", "{ not json")
    write(tmp_path, "tsconfig.json", '{"extends": "./tsconfig.json", "compilerOptions": {"paths": 3}}')
    write(tmp_path, "src/a.ts")
    ws = workspace(tmp_path)
    assert [p.dir for p in ws.packages] == [""]
    assert ws.packages[0].name is None
    assert ws.project_of("src/a.ts") == ""
    assert ws.resolve_module("src/a.ts", "x") is None


def test_resolve_single_file_components(tmp_path: Path) -> None:
    write(tmp_path, "src/App.vue", "<script setup>\n</script>\n")
    write(tmp_path, "src/components/Chat.vue", "<script setup>\n</script>\n")
    write(tmp_path, "src/routes/Page.svelte", "<script>\n</script>\n")
    write(tmp_path, "src/socket.js", "export default {};\n")
    ws = workspace(tmp_path)
    assert ws.resolve_module("src/App.vue", "./components/Chat.vue") == "src/components/Chat.vue"
    assert ws.resolve_module("src/App.vue", "./routes/Page.svelte") == "src/routes/Page.svelte"
    assert ws.resolve_module("src/components/Chat.vue", "../socket") == "src/socket.js"  # imports from a component
    assert ws.resolve_module("src/App.vue", "./components/Missing.vue") is None


def test_a_deleted_then_created_file_changes_module_resolution(tmp_path):
    # The language server reports watched-file events; resolution must not serve what it cached.
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "a.ts").write_text("export const A = 1;\n")
    (tmp_path / "src" / "b.ts").write_text('import { A } from "./a";\n')
    workspace = Workspace(tmp_path, ["src/a.ts", "src/b.ts"])
    assert workspace.resolve_module("src/b.ts", "./a") == "src/a.ts"
    (tmp_path / "src" / "a.ts").unlink()
    workspace.file_changed("src/a.ts", exists=False)
    assert workspace.resolve_module("src/b.ts", "./a") is None
    (tmp_path / "src" / "a.ts").write_text("export const A = 2;\n")
    workspace.file_changed("src/a.ts", exists=True)
    assert workspace.resolve_module("src/b.ts", "./a") == "src/a.ts"


# ---------------------------------------------------------------------------------------------------------
# SvelteKit: `$lib` and `kit.alias` come from svelte.config.js, since .svelte-kit/tsconfig.json is gitignored


def sveltekit(root: Path, rel_dir: str, config: str, config_name: str = "svelte.config.js") -> None:
    pkg(root, rel_dir, name="app", devDependencies={"@sveltejs/kit": "^2", "svelte": "^4"})
    prefix = f"{rel_dir}/" if rel_dir else ""
    write(root, f"{prefix}tsconfig.json", '{"extends": "./.svelte-kit/tsconfig.json"}')
    write(root, f"{prefix}{config_name}", config)
    write(root, f"{prefix}src/lib/socket.ts")
    write(root, f"{prefix}src/lib/events/index.ts")
    write(root, f"{prefix}src/routes/+page.svelte", "<script>\n</script>\n")


def test_sveltekit_lib_and_aliases_without_the_generated_tsconfig(tmp_path: Path) -> None:
    sveltekit(
        tmp_path,
        "web",
        """
        import adapter from '@sveltejs/adapter-auto';
        import path from 'node:path';
        const config = {
          kit: {
            adapter: adapter(),
            alias: {
              $shared: '../shared',
              '$utils/*': 'src/utils/*',
              '$one': './src/one-file.ts',
              $computed: path.resolve('src/computed'),
              $outside: '../../elsewhere',
            },
          },
        };
        export default config;
        """,
    )
    write(tmp_path, "shared/event.ts")
    write(tmp_path, "web/src/utils/format.ts")
    write(tmp_path, "web/src/one-file.ts")
    write(tmp_path, "web/src/computed/x.ts")
    page = "web/src/routes/+page.svelte"
    ws = workspace(tmp_path)
    assert ws.resolve_module(page, "$lib/socket") == "web/src/lib/socket.ts"
    assert ws.resolve_module(page, "$lib/events") == "web/src/lib/events/index.ts"
    assert ws.resolve_module("web/src/lib/socket.ts", "$lib/events") == "web/src/lib/events/index.ts"
    # A key without `/*` names the folder and everything in it; one with `/*` only what is inside.
    assert ws.resolve_module(page, "$shared/event") == "shared/event.ts"
    assert ws.resolve_module(page, "$utils/format") == "web/src/utils/format.ts"
    assert ws.resolve_module(page, "$one") == "web/src/one-file.ts"
    # Only string literals are read, and nothing outside the repository.
    assert ws.resolve_module(page, "$computed/x") is None
    assert ws.resolve_module(page, "$outside/x") is None
    assert ws.resolve_module(page, "$app/stores") is None


def test_sveltekit_files_lib_and_other_config_forms(tmp_path: Path) -> None:
    sveltekit(
        tmp_path,
        "ts",
        """
        import type { Config } from '@sveltejs/kit';
        const kit = { files: { lib: 'src/library' }, alias: { '$events': 'src/events' } };
        const config: Config = { kit } satisfies Config;
        export default config;
        """,
        "svelte.config.ts",
    )
    write(tmp_path, "ts/src/library/socket.ts")
    write(tmp_path, "ts/src/events/chat.ts")
    sveltekit(tmp_path, "cjs", "module.exports = { kit: { alias: { $x: `src/x` } } };\n", "svelte.config.cjs")
    write(tmp_path, "cjs/src/x/index.ts")
    sveltekit(tmp_path, "inline", "export default { kit: { alias: { $x: 'src/x' } } };\n")
    write(tmp_path, "inline/src/x.ts")
    sveltekit(tmp_path, "broken", "export default { kit: { alias: { $x: 'src/x' ")
    ws = workspace(tmp_path)
    assert ws.resolve_module("ts/src/routes/+page.svelte", "$lib/socket") == "ts/src/library/socket.ts"
    assert ws.resolve_module("ts/src/routes/+page.svelte", "$events/chat") == "ts/src/events/chat.ts"
    assert ws.resolve_module("cjs/src/routes/+page.svelte", "$x") == "cjs/src/x/index.ts"
    assert ws.resolve_module("inline/src/routes/+page.svelte", "$x") == "inline/src/x.ts"
    assert ws.resolve_module("broken/src/routes/+page.svelte", "$lib/socket") == "broken/src/lib/socket.ts"


def test_sveltekit_defaults_only_apply_to_files_of_a_sveltekit_project(tmp_path: Path) -> None:
    sveltekit(tmp_path, "kit", "export default {};\n")
    # Svelte without Kit: a svelte.config.js, but no `$lib`.
    pkg(tmp_path, "plain", name="plain", devDependencies={"svelte": "^4"})
    write(tmp_path, "plain/svelte.config.js", "export default {};\n")
    write(tmp_path, "plain/src/lib/socket.ts")
    write(tmp_path, "plain/src/App.svelte", "<script>\n</script>\n")
    pkg(tmp_path, "other", name="other")
    write(tmp_path, "other/src/lib/socket.ts")
    write(tmp_path, "other/src/main.ts")
    ws = workspace(tmp_path)
    assert ws.resolve_module("kit/src/routes/+page.svelte", "$lib/socket") == "kit/src/lib/socket.ts"
    assert ws.resolve_module("plain/src/App.svelte", "$lib/socket") is None
    assert ws.resolve_module("other/src/main.ts", "$lib/socket") is None


def test_sveltekit_generated_tsconfig_paths_keep_working(tmp_path: Path) -> None:
    sveltekit(tmp_path, "", "export default {};\n")
    write(
        tmp_path,
        ".svelte-kit/tsconfig.json",
        '{"compilerOptions": {"paths": {"$lib": ["../src/lib"], "$lib/*": ["../src/lib/*"],'
        ' "$gen/*": ["../src/generated/*"]}}}',
    )
    write(tmp_path, "src/generated/events.ts")
    ws = workspace(tmp_path)
    assert ws.resolve_module("src/routes/+page.svelte", "$lib/socket") == "src/lib/socket.ts"
    assert ws.resolve_module("src/routes/+page.svelte", "$gen/events") == "src/generated/events.ts"


def test_resolution_without_a_svelte_config_loads_no_parser(tmp_path: Path) -> None:
    import subprocess
    import sys

    write(tmp_path, "src/lib/socket.ts")
    write(tmp_path, "src/main.ts")
    pkg(tmp_path, "", name="app", devDependencies={"@sveltejs/kit": "^2"})
    script = (
        "import sys; from pathlib import Path; from socketlens.packages import Workspace;"
        f"ws = Workspace(Path({str(tmp_path)!r}), ['src/lib/socket.ts', 'src/main.ts']);"
        "print(ws.resolve_module('src/main.ts', '$lib/socket'), 'tree_sitter' in sys.modules)"
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert run.stdout.split() == ["None", "False"], run.stderr


# ---------------------------------------------------------------------------------------------------------
# Local-path dependencies: `"shared": "file:../shared/build"` names a folder of the repository


def file_dependency_repo(root: Path, target: str) -> Workspace:
    pkg(root, "shared", name="shared", private=True)
    write(root, "shared/tsconfig.json", '{ "compilerOptions": { "outDir": "build", "declaration": true } }')
    write(root, "shared/src/events.ts")
    write(root, "shared/src/index.ts")
    pkg(root, "backend", name="backend", dependencies={"guruhub-shared": target, "socket.io": "4.5.1"})
    write(root, "backend/src/socket.ts")
    return workspace(root)


def test_file_dependency_on_a_build_folder_lands_on_the_source(tmp_path: Path) -> None:
    ws = file_dependency_repo(tmp_path, "file:../shared/build")
    assert ws.resolve_module("backend/src/socket.ts", "guruhub-shared/events") == "shared/src/events.ts"
    assert ws.resolve_module("backend/src/socket.ts", "guruhub-shared/events.js") == "shared/src/events.ts"
    assert ws.resolve_module("backend/src/socket.ts", "guruhub-shared") == "shared/src/index.ts"
    assert ws.resolve_module("backend/src/socket.ts", "guruhub-shared/missing") is None
    # The dependency is the importer's: another package does not see it.
    pkg(tmp_path, "other", name="other")
    write(tmp_path, "other/a.ts")
    assert workspace(tmp_path).resolve_module("other/a.ts", "guruhub-shared/events") is None


def test_file_dependency_on_the_package_root(tmp_path: Path) -> None:
    ws = file_dependency_repo(tmp_path / "plain", "file:../shared")
    assert ws.resolve_module("backend/src/socket.ts", "guruhub-shared") == "shared/src/index.ts"
    assert ws.resolve_module("backend/src/socket.ts", "guruhub-shared/build/events") == "shared/src/events.ts"
    assert ws.resolve_module("backend/src/socket.ts", "guruhub-shared/events") == "shared/src/events.ts"
    pkg(tmp_path / "main", "shared", name="shared", main="build/index.js")
    write(tmp_path / "main", "shared/src/index.ts")
    pkg(tmp_path / "main", "backend", name="backend", dependencies={"s": "link:../shared/"})
    write(tmp_path / "main", "backend/src/socket.ts")
    ws = workspace(tmp_path / "main")
    assert ws.resolve_module("backend/src/socket.ts", "s") == "shared/src/index.ts"


def test_local_path_dependency_forms(tmp_path: Path) -> None:
    pkg(tmp_path, "libs/events", name="@acme/events")
    write(tmp_path, "libs/events/tsconfig.json", '{"compilerOptions": {"outDir": "compiled", "rootDir": "source"}}')
    write(tmp_path, "libs/events/source/chat.ts")
    pkg(
        tmp_path,
        "apps/api",
        name="api",
        dependencies={
            "linked": "link:../../libs/events/compiled",
            "pnpm-path": "workspace:../../libs/events",
            "tarball": "file:../../libs/events.tgz",
            "outside": "file:../../../elsewhere",
            "registry": "^1.0.0",
        },
        devDependencies={"dev": "file:../../libs/events/compiled"},
    )
    write(tmp_path, "apps/api/main.ts")
    ws = workspace(tmp_path)
    # outDir/rootDir of the target's tsconfig map the build folder back to the source.
    assert ws.resolve_module("apps/api/main.ts", "linked/chat") == "libs/events/source/chat.ts"
    assert ws.resolve_module("apps/api/main.ts", "dev/chat.js") == "libs/events/source/chat.ts"
    assert ws.resolve_module("apps/api/main.ts", "pnpm-path/compiled/chat") == "libs/events/source/chat.ts"
    assert ws.resolve_module("apps/api/main.ts", "tarball/chat") is None
    assert ws.resolve_module("apps/api/main.ts", "outside/chat") is None
    assert ws.resolve_module("apps/api/main.ts", "registry/chat") is None


def test_workspace_package_entry_follows_tsconfig_out_dir(tmp_path: Path) -> None:
    pkg(tmp_path, "", workspaces=["packages/*"])
    pkg(tmp_path, "packages/events", name="events", main="compiled/index.js")
    options = '{"compilerOptions": {"outDir": "./compiled", "rootDir": "./source"}}'
    write(tmp_path, "packages/events/tsconfig.json", options)
    write(tmp_path, "packages/events/source/index.ts")
    write(tmp_path, "app/main.ts")
    ws = workspace(tmp_path)
    assert ws.resolve_module("app/main.ts", "events") == "packages/events/source/index.ts"


# ---------------------------------------------------------------------------------------------------------
# Nuxt: `~`, `@`, `~~`, `@@`, `#shared` and `alias` as the gitignored .nuxt/tsconfig.json would map them


def nuxt(root: Path, rel_dir: str, version: str, config: str | None) -> str:
    pkg(root, rel_dir, name="nuxt-app", private=True, dependencies={"nuxt": version, "socket.io-client": "^4"})
    prefix = f"{rel_dir}/" if rel_dir else ""
    write(root, f"{prefix}tsconfig.json", '{ "extends": "./.nuxt/tsconfig.json" }')
    if config is not None:
        write(root, f"{prefix}nuxt.config.ts", config)
    write(root, f"{prefix}shared/events.ts")
    write(root, f"{prefix}server/plugins/socket.ts")
    return prefix


def test_nuxt_aliases_without_the_generated_tsconfig(tmp_path: Path) -> None:
    nuxt(
        tmp_path,
        "web",
        "^3.13",
        """
        import { fileURLToPath } from 'node:url'
        import { resolve } from 'node:path'
        export default defineNuxtConfig({
          srcDir: 'app/',
          future: { compatibilityVersion: 4.0 },
          alias: {
            '@events': './shared/events',
            '#sockets': fileURLToPath(new URL('./app/sockets', import.meta.url)),
            '@lib': resolve(__dirname, 'app', 'utils'),
            '@computed': process.env.DIR,
          },
        })
        """,
    )
    write(tmp_path, "web/app/utils/ev.ts")
    write(tmp_path, "web/app/sockets/index.ts")
    write(tmp_path, "web/app/composables/useChat.ts")
    ws = workspace(tmp_path)
    for importer in ("web/app/composables/useChat.ts", "web/server/plugins/socket.ts"):
        assert ws.resolve_module(importer, "~/utils/ev") == "web/app/utils/ev.ts"  # `srcDir`
        assert ws.resolve_module(importer, "@/utils/ev") == "web/app/utils/ev.ts"
        assert ws.resolve_module(importer, "~~/shared/events") == "web/shared/events.ts"  # the root
        assert ws.resolve_module(importer, "@@/shared/events") == "web/shared/events.ts"
        assert ws.resolve_module(importer, "#shared/events") == "web/shared/events.ts"
        assert ws.resolve_module(importer, "@events") == "web/shared/events.ts"
        assert ws.resolve_module(importer, "#sockets") == "web/app/sockets/index.ts"
        assert ws.resolve_module(importer, "@lib/ev") == "web/app/utils/ev.ts"
        assert ws.resolve_module(importer, "@computed/x") is None


def test_nuxt_source_folder_by_version_and_layout(tmp_path: Path) -> None:
    # Nuxt 3 keeps the sources at the root, even beside an `app/` folder (its router.options live there).
    nuxt(tmp_path, "three", "^3.12.0", "export default defineNuxtConfig({})\n")
    write(tmp_path, "three/utils/ev.ts")
    write(tmp_path, "three/app/utils/ev.ts")
    # Nuxt 4, or Nuxt 3 opting into its layout, takes `app/` when it exists; the root otherwise.
    nuxt(tmp_path, "four", "^4.1.0", "export default defineNuxtConfig({})\n")
    write(tmp_path, "four/utils/ev.ts")
    write(tmp_path, "four/app/utils/ev.ts")
    nuxt(tmp_path, "compat", "3.15.0", "export default defineNuxtConfig({ future: { compatibilityVersion: 4 } })\n")
    write(tmp_path, "compat/app/utils/ev.ts")
    nuxt(tmp_path, "flat", "^4", "export default {}\n")
    write(tmp_path, "flat/utils/ev.ts")
    # No config at all: a Nuxt dependency is enough for the defaults.
    nuxt(tmp_path, "bare", "latest", None)
    write(tmp_path, "bare/app/utils/ev.ts")
    ws = workspace(tmp_path)
    assert ws.resolve_module("three/server/plugins/socket.ts", "~/utils/ev") == "three/utils/ev.ts"
    assert ws.resolve_module("four/server/plugins/socket.ts", "~/utils/ev") == "four/app/utils/ev.ts"
    assert ws.resolve_module("compat/server/plugins/socket.ts", "~/utils/ev") == "compat/app/utils/ev.ts"
    assert ws.resolve_module("flat/server/plugins/socket.ts", "~/utils/ev") == "flat/utils/ev.ts"
    assert ws.resolve_module("bare/server/plugins/socket.ts", "@/utils/ev") == "bare/app/utils/ev.ts"


def test_nuxt_aliases_only_apply_to_files_of_a_nuxt_project(tmp_path: Path) -> None:
    nuxt(tmp_path, "web", "^3", "export default defineNuxtConfig({})\n")
    pkg(tmp_path, "api", name="api", dependencies={"socket.io": "^4"})
    write(tmp_path, "api/shared/events.ts")
    write(tmp_path, "api/src/main.ts")
    ws = workspace(tmp_path)
    assert ws.resolve_module("web/server/plugins/socket.ts", "~~/shared/events") == "web/shared/events.ts"
    assert ws.resolve_module("api/src/main.ts", "~~/shared/events") is None
    assert ws.resolve_module("api/src/main.ts", "#shared/events") is None


def test_nuxt_generated_tsconfig_paths_are_used_when_present(tmp_path: Path) -> None:
    nuxt(tmp_path, "", "^3", "export default defineNuxtConfig({ srcDir: 'app/' })\n")
    write(tmp_path, "app/utils/ev.ts")
    write(tmp_path, "client/utils/ev.ts")
    # What `nuxi prepare` wrote wins over what the config would give (a layer, a module's alias...).
    write(
        tmp_path,
        ".nuxt/tsconfig.json",
        '{"compilerOptions": {"paths": {"~": ["../client"], "~/*": ["../client/*"], "#gen/*": ["../shared/*"]}}}',
    )
    ws = workspace(tmp_path)
    assert ws.resolve_module("server/plugins/socket.ts", "~/utils/ev") == "client/utils/ev.ts"
    assert ws.resolve_module("server/plugins/socket.ts", "#gen/events") == "shared/events.ts"
    assert ws.resolve_module("server/plugins/socket.ts", "@/utils/ev") is None  # not in the generated paths


def test_an_edited_nuxt_config_changes_module_resolution(tmp_path: Path) -> None:
    nuxt(tmp_path, "", "^3", "export default defineNuxtConfig({})\n")
    write(tmp_path, "utils/ev.ts")
    write(tmp_path, "src/utils/ev.ts")
    ws = workspace(tmp_path)
    assert ws.resolve_module("server/plugins/socket.ts", "~/utils/ev") == "utils/ev.ts"
    write(tmp_path, "nuxt.config.ts", "export default defineNuxtConfig({ srcDir: 'src' })\n")
    ws.file_changed("nuxt.config.ts", True)
    assert ws.resolve_module("server/plugins/socket.ts", "~/utils/ev") == "src/utils/ev.ts"


def test_nuxt_resolution_without_a_nuxt_config_loads_no_parser(tmp_path: Path) -> None:
    import subprocess
    import sys

    write(tmp_path, "utils/ev.ts")
    write(tmp_path, "server/main.ts")
    pkg(tmp_path, "", name="app", dependencies={"nuxt": "^3"})
    script = (
        "import sys; from pathlib import Path; from socketlens.packages import Workspace;"
        f"ws = Workspace(Path({str(tmp_path)!r}), ['utils/ev.ts', 'server/main.ts']);"
        "print(ws.resolve_module('server/main.ts', '~/utils/ev'), 'tree_sitter' in sys.modules)"
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert run.stdout.split() == ["utils/ev.ts", "False"], run.stderr


def test_nuxt_events_through_aliases_are_resolved_and_paired(tmp_path: Path) -> None:
    from socketlens.analysis.catalog import catalog
    from socketlens.index.builder import IndexBuilder

    nuxt(tmp_path, "", "^3.13", "export default defineNuxtConfig({ srcDir: 'app/' })\n")
    dependencies = {"nuxt": "^3.13", "socket.io": "^4", "socket.io-client": "^4"}
    pkg(tmp_path, "", name="nuxt-app", private=True, dependencies=dependencies)
    write(tmp_path, "shared/events.ts", "export const EVENTS = { CHAT: 'chat:msg', TYPING: 'chat:typing' } as const\n")
    write(
        tmp_path,
        "server/plugins/socket.ts",
        """import { Server } from 'socket.io'
import { EVENTS } from '~~/shared/events'
export default defineNitroPlugin(() => {
  const io = new Server(3001)
  io.on('connection', (socket) => {
    socket.on(EVENTS.TYPING, () => {})
    io.to('room:1').emit(EVENTS.CHAT, 1)
  })
})
""",
    )
    write(tmp_path, "app/utils/ev.ts", "export const JOIN = 'room:join'\n")
    write(
        tmp_path,
        "app/composables/useChat.ts",
        """import { io } from 'socket.io-client'
import { EVENTS } from '#shared/events'
import { JOIN } from '~/utils/ev'
const socket = io()
export function useChat() {
  socket.on(EVENTS.CHAT, () => {})
  socket.emit(EVENTS.TYPING)
  socket.emit(JOIN)
}
""",
    )
    index = IndexBuilder(tmp_path, Config(), use_cache=False, jobs=1).build()
    report = catalog(index, str(tmp_path))
    events = {event["name"]: event for event in report["events"]}
    assert set(events) == {"chat:msg", "chat:typing", "room:join"}
    assert [(l["file"]) for l in events["chat:msg"]["listeners"]] == ["app/composables/useChat.ts"]
    assert [(e["file"]) for e in events["chat:msg"]["emits"]] == ["server/plugins/socket.ts"]
    assert [(l["file"]) for l in events["chat:typing"]["listeners"]] == ["server/plugins/socket.ts"]
    assert [(e["file"]) for e in events["room:join"]["emits"]] == ["app/composables/useChat.ts"]
