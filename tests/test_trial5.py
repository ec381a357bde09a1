"""Found by the fifth real-repository trial: a back end and the apps that connect to it, named anyhow and with
no root package.json (`backend/` + `mobile/`, `server/` + an Electron `desktop/`), are one project; a server
whose tests use socket.io-client (a devDependency) is still a server; and an effect's cleanup that calls the
unsubscribe function a listener wrapper returned removes that listener (listener-leak). Each case has its
firing form next to it."""

from __future__ import annotations

import json

import pytest

from extract_support import write
from test_rules_harness import check, line_of, only, run




def manifest(name: str, dependencies: dict[str, str], dev: dict[str, str] | None = None) -> str:
    return json.dumps({"name": name, "dependencies": dependencies, "devDependencies": dev or {}})


def found(diagnostics, code: str) -> list[tuple[str, int]]:
    return [(d.file, line_of(d)) for d in only(diagnostics, code)]


# -- projects: sibling apps that talk socket.io ---------------------------------------------------------------

SERVER_JS = """\
    const { Server } = require("socket.io");
    const io = new Server(3000);
    io.use((socket, next) => (socket.handshake.auth.token ? next() : next(new Error("unauthorized"))));
    io.on("connection", (socket) => {
      socket.emit("chat:connected", { ok: true });
      socket.on("message:send", (data) => {
        io.to(`room:${data.roomId}`).emit("message:new", data);
      });
    });
    """

CLIENT_JS = """\
    import { io } from "socket.io-client";
    export const socket = io("http://10.0.2.2:3000", { auth: (cb) => cb({ token: "t" }) });
    socket.on("chat:connected", () => {});
    socket.on("message:neww", (m) => console.log(m));
    socket.emit("message:send", { roomId: 1, text: "hi" });
    """


@pytest.mark.parametrize(
    "server_dir, client_dir, client_deps",
    [
        ("backend", "mobile", {"socket.io-client": "^4.7.2", "react-native": "0.76.0"}),
        ("server", "desktop", {"socket.io-client": "^4.7.5"}),
        ("backend", "mindfulmeet-app", {"expo": "~52.0.0", "socket.io-client": "^4.8.1"}),
    ],
)
def test_a_back_end_and_its_app_without_a_root_package_are_paired(tmp_path, server_dir, client_dir, client_deps):
    root = write(
        tmp_path,
        {
            f"{server_dir}/package.json": manifest(server_dir, {"socket.io": "^4.7.2"}),
            f"{server_dir}/server.js": SERVER_JS,
            f"{client_dir}/package.json": manifest(client_dir, client_deps),
            f"{client_dir}/src/socket.js": CLIENT_JS,
        },
    )
    diagnostics = run(root)
    # The typo pairs with nothing; everything else pairs across the two folders.
    assert found(diagnostics, "no-listener") == [(f"{server_dir}/server.js", 7)]
    assert found(diagnostics, "no-emitter") == [(f"{client_dir}/src/socket.js", 4)]


def test_servers_and_clients_of_many_apps_side_by_side_stay_apart(tmp_path):
    files: dict[str, str] = {}
    for app in ("chat", "game"):
        files[f"{app}-app/package.json"] = manifest(f"{app}-app", {"socket.io": "^4"})
        files[f"{app}-app/server.js"] = SERVER_JS
        files[f"{app}-ui/package.json"] = manifest(f"{app}-ui", {"socket.io-client": "^4"})
        files[f"{app}-ui/src/socket.js"] = CLIENT_JS
    diagnostics = run(write(tmp_path, files))
    # Four apps of their own: nothing pairs, the rules stay silent on sides they cannot see.
    assert found(diagnostics, "no-listener") == []
    assert found(diagnostics, "no-emitter") == []


# -- side: a server whose tests use socket.io-client ------------------------------------------------------------

GAME_FILES = {
    "index.js": """\
        const http = require("http");
        const { Server } = require("socket.io");
        const { registerGame } = require("./app/sockets/game");
        const io = new Server(http.createServer());
        io.use((socket, next) => (socket.handshake.auth.token ? next() : next(new Error("unauthorized"))));
        io.on("connection", (socket) => registerGame(io, socket));
        """,
    "app/sockets/game.js": """\
        function startRound(io, roomId) {
          io.to(`game:${roomId}`).emit("round:start", { roomId });
        }

        function registerGame(io, socket) {
          socket.on("game:join", (roomId) => {
            socket.join(`game:${roomId}`);
            startRound(io, roomId);
          });
        }

        module.exports = { registerGame };
        """,
    "public/client.js": """\
        const socket = io({ auth: (cb) => cb({ token: "t" }) });
        socket.emit("game:join", "r1");
        socket.on("round:start", (r) => console.log(r));
        """,
}


def test_a_server_with_the_client_as_a_dev_dependency_emits_as_a_server(tmp_path):
    files = {**GAME_FILES, "package.json": manifest("game", {"socket.io": "^4.7.5"}, {"socket.io-client": "^4.7.5"})}
    diagnostics = run(write(tmp_path, files))
    assert found(diagnostics, "no-listener") == []
    assert found(diagnostics, "no-emitter") == []


def test_a_package_depending_on_both_still_falls_back_to_its_folders(tmp_path):
    files = {**GAME_FILES, "package.json": manifest("game", {"socket.io": "^4.7.5", "socket.io-client": "^4.7.5"})}
    diagnostics = run(write(tmp_path, files))
    assert found(diagnostics, "no-listener") == [("app/sockets/game.js", 2)]  # `app/`: read as client code


# -- listener-leak: the unsubscribe function a listener wrapper returns ---------------------------------------

MANAGER = {
    "apps/web/src/lib/SocketManager.ts": """\
import { socket } from "./socket";

export class SocketManager {
  private static instance: SocketManager;

  static getInstance(): SocketManager {
    if (!SocketManager.instance) SocketManager.instance = new SocketManager();
    return SocketManager.instance;
  }

  on(event: string, handler: (...args: any[]) => void) {
    socket.on(event, handler);
    return () => {
      socket.off(event, handler);
    };
  }
}

export const socketManager = SocketManager.getInstance();
"""
}

LOBBY = "apps/web/src/components/Lobby.tsx"


def lobby(effect_body: str) -> dict[str, str]:
    return {
        **MANAGER,
        LOBBY: f"""\
import {{ useEffect }} from "react";
import {{ socketManager }} from "../lib/SocketManager";

export function Lobby() {{
  useEffect(() => {{
{effect_body}
  }}, []);
  return null;
}}
""",
    }


UNSUBSCRIBED = {
    "a block cleanup calling it": """\
    const offClosed = socketManager.on("lobby:closed", () => console.log("closed"));
    return () => {
      offClosed();
    };""",
    "an expression cleanup calling it": """\
    const unsubscribe = socketManager.on("lobby:closed", () => {});
    return () => unsubscribe();""",
    "an optional call": """\
    const unsubscribe = socketManager.on("lobby:closed", () => {});
    return () => unsubscribe?.();""",
    "an assigned let": """\
    let off: (() => void) | undefined;
    off = socketManager.on("lobby:closed", () => {});
    return () => {
      if (off) off();
    };""",
    "returned itself": """\
    const off = socketManager.on("lobby:closed", () => {});
    return off;""",
    "an array of unsubscribers": """\
    const unsubscribers = [
      socketManager.on("lobby:closed", () => {}),
      socketManager.on("lobby:opened", () => {}),
    ];
    return () => unsubscribers.forEach((unsubscribe) => unsubscribe());""",
    "unsubscribers pushed to an array": """\
    const subscriptions: Array<() => void> = [];
    subscriptions.push(socketManager.on("lobby:closed", () => {}));
    return () => {
      for (const unsubscribe of subscriptions) unsubscribe();
    };""",
}


@pytest.mark.parametrize("case", list(UNSUBSCRIBED))
def test_listener_leak_is_quiet_when_the_cleanup_calls_the_returned_unsubscribe(tmp_path, case):
    assert only(check(tmp_path, lobby(UNSUBSCRIBED[case])), "listener-leak") == [], case


NOT_UNSUBSCRIBED = {
    "the unsubscribe is never called": """\
    const offClosed = socketManager.on("lobby:closed", () => {});
    return () => {
      console.log("bye");
    };""",
    "another listener's unsubscribe is called": """\
    const offOpened = socketManager.on("lobby:opened", () => {});
    socketManager.on("lobby:closed", () => {});
    return () => offOpened();""",
    "an unrelated array is emptied": """\
    const unsubscribers: Array<() => void> = [];
    socketManager.on("lobby:closed", () => {});
    return () => unsubscribers.forEach((unsubscribe) => unsubscribe());""",
}


@pytest.mark.parametrize("case", list(NOT_UNSUBSCRIBED))
def test_listener_leak_still_fires_when_the_returned_unsubscribe_is_not_called(tmp_path, case):
    diagnostics = only(check(tmp_path, lobby(NOT_UNSUBSCRIBED[case])), "listener-leak")
    assert [(d.file, "lobby:closed" in d.message) for d in diagnostics] == [(LOBBY, True)], case


COMPOSABLE = "apps/web/src/composables/useLobby.ts"


@pytest.mark.parametrize(
    "cleanup, leaks",
    [
        ("  onUnmounted(() => stop());", False),
        ("  onUnmounted(() => {\n    stop();\n  });", False),
        ("  onUnmounted(() => console.log('bye'));", True),
    ],
)
def test_listener_leak_in_a_vue_composable_reads_the_returned_unsubscribe_alike(tmp_path, cleanup, leaks):
    files = {
        **MANAGER,
        COMPOSABLE: f"""\
import {{ onUnmounted, ref }} from "vue";
import {{ socketManager }} from "../lib/SocketManager";

export function useLobby() {{
  const closed = ref(false);
  const stop = socketManager.on("lobby:closed", () => (closed.value = true));
{cleanup}
  return {{ closed }};
}}
""",
    }
    diagnostics = only(check(tmp_path, files), "listener-leak")
    assert [d.file for d in diagnostics] == ([COMPOSABLE] if leaks else [])
