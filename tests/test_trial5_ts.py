"""Found by the fifth real-repository trial, TypeScript/JavaScript side: worker processes that emit through
socket.io's emitters (`@socket.io/redis-emitter` and its kin) are server emits with a server's scopes, and
create no server to authenticate; and a singleton service's forwarding methods are reached through its static
accessor (`SocketManager.getInstance().on(...)`) as through an exported instance. Each case has its
precision twin next to it."""

from __future__ import annotations

import json

from extract_support import catalog_events, extract, write
from test_rules_harness import line_of, only, run


def manifest(name: str, dependencies: dict[str, str]) -> str:
    return json.dumps({"name": name, "dependencies": dependencies})


def emits_of(events: dict[str, dict], name: str) -> list[tuple[str, int, str, str, str | None]]:
    return [
        (site["file"], site["line"], site["side"], site["scope"], site["namespace"])
        for site in events.get(name, {}).get("emits", [])
    ]


def listeners_of(events: dict[str, dict], name: str) -> list[tuple[str, int, str]]:
    return [(site["file"], site["line"], site["side"]) for site in events.get(name, {}).get("listeners", [])]


def found(diagnostics, code: str) -> list[tuple[str, int]]:
    return [(d.file, line_of(d)) for d in only(diagnostics, code)]


# -- emitters in worker processes -------------------------------------------------------------------------------

APP = {
    "package.json": json.dumps({"name": "app", "private": True, "workspaces": ["server", "worker", "client"]}),
    "server/package.json": manifest("server", {"socket.io": "^4.7.5"}),
    "server/index.js": """\
        const { Server } = require("socket.io");
        const io = new Server(3000);
        io.use((socket, next) => (socket.handshake.auth.token ? next() : next(new Error("unauthorized"))));
        io.on("connection", (socket) => socket.join(`user:${socket.handshake.auth.userId}`));
        """,
    "client/package.json": manifest("client", {"socket.io-client": "^4.7.5"}),
    "client/index.js": """\
        import { io } from "socket.io-client";
        const socket = io({ auth: { token: "t" } });
        socket.on("job:done", ({ jobId }) => console.log(jobId));
        socket.on("stats:updated", (s) => console.log(s));
        socket.on("admin:report", (r) => console.log(r));
        """,
}


def worker(dependencies: dict[str, str], files: dict[str, str]) -> dict[str, str]:
    return {**APP, "worker/package.json": manifest("worker", dependencies), **files}


REDIS_WORKER = worker(
    {"@socket.io/redis-emitter": "^5.1.0", "redis": "^4.6.0"},
    {
        "worker/index.js": """\
            const { Emitter } = require("@socket.io/redis-emitter");
            const { createClient } = require("redis");

            const redisClient = createClient({ url: "redis://localhost:6379" });
            const emitter = new Emitter(redisClient);

            function onJobDone(userId, jobId) {
              emitter.to(`user:${userId}`).emit("job:done", { jobId });
              emitter.emit("stats:updated", { jobs: 1 });
              emitter.of("/admin").emit("admin:report", { jobs: 1 });
              emitter.serverSideEmit("cache:flush", jobId);
            }
            module.exports = { onJobDone };
            """
    },
)


def test_an_emitter_emits_like_a_server_with_its_scopes(tmp_path):
    events = catalog_events(write(tmp_path, REDIS_WORKER))
    assert emits_of(events, "job:done") == [("worker/index.js", 8, "server", "user", "/")]
    assert emits_of(events, "stats:updated") == [("worker/index.js", 9, "server", "broadcast", "/")]
    assert emits_of(events, "admin:report") == [("worker/index.js", 10, "server", "broadcast", "/admin")]
    assert [site[0] for site in emits_of(events, "cache:flush")] == ["worker/index.js"]


def test_an_emitter_is_no_server_to_authenticate_and_its_emits_reach_the_clients(tmp_path):
    diagnostics = run(write(tmp_path, REDIS_WORKER))
    assert found(diagnostics, "unauthenticated-server") == []
    assert found(diagnostics, "no-emitter") == []
    # Like a server's: `emitter.emit(...)` reaches every socket, `emitter.of("/admin").emit(...)` a namespace's.
    assert found(diagnostics, "unscoped-broadcast") == [("worker/index.js", 9), ("worker/index.js", 10)]


def test_the_commonjs_factory_of_the_older_emitter_package(tmp_path):
    files = worker(
        {"socket.io-emitter": "^3.2.0", "ioredis": "^5.3.0"},
        {
            "worker/index.js": """\
                const Redis = require("ioredis");
                const io = require("socket.io-emitter")(new Redis());
                io.to(`user:${process.argv[2]}`).emit("job:done", { jobId: 1 });
                """
        },
    )
    root = write(tmp_path, files)
    assert emits_of(catalog_events(root), "job:done") == [("worker/index.js", 3, "server", "user", "/")]
    assert found(run(root), "unauthenticated-server") == []


def test_a_typescript_emitter_of_another_adapter_shared_by_a_module(tmp_path):
    files = worker(
        {"@socket.io/postgres-emitter": "^0.1.1", "pg": "^8.11.0"},
        {
            "worker/src/emitter.ts": """\
                import { Emitter } from "@socket.io/postgres-emitter";
                import { Pool } from "pg";

                export const emitter = new Emitter(new Pool());
                """,
            "worker/src/jobs.ts": """\
                import { emitter } from "./emitter";

                export function done(userId: string) {
                  emitter.to(`user:${userId}`).emit("job:done", { ok: true });
                }
                """,
        },
    )
    root = write(tmp_path, files)
    assert emits_of(catalog_events(root), "job:done") == [("worker/src/jobs.ts", 4, "server", "user", "/")]
    assert found(run(root), "unauthenticated-server") == []


def test_an_emitter_held_by_a_getter_of_the_worker(tmp_path):
    files = worker(
        {"@socket.io/redis-emitter": "^5.1.0", "ioredis": "^5.3.0"},
        {
            "worker/src/lib/socket-emitter.ts": """\
                import { Emitter } from "@socket.io/redis-emitter";
                import Redis from "ioredis";

                let emitter: Emitter | null = null;

                export function getSocketEmitter(): Emitter {
                  if (emitter) return emitter;
                  emitter = new Emitter(new Redis(process.env.REDIS_URL || "redis://localhost:6379"));
                  return emitter;
                }
                """,
            "worker/src/jobs.ts": """\
                import { getSocketEmitter } from "./lib/socket-emitter";

                export function done(userId: string) {
                  getSocketEmitter().to(`user:${userId}`).emit("job:done", { ok: true });
                }
                """,
        },
    )
    assert emits_of(catalog_events(write(tmp_path, files)), "job:done") == [
        ("worker/src/jobs.ts", 4, "server", "user", "/")
    ]


def test_a_worker_beside_a_back_end_and_its_app_is_one_project_with_them(tmp_path):
    files = {
        "backend/package.json": manifest("backend", {"socket.io": "^4.7.5"}),
        "backend/index.js": APP["server/index.js"] + 'setInterval(() => io.to("lobby").emit("job:done", {}), 1000);\n',
        "jobs/package.json": manifest("jobs", {"@socket.io/redis-emitter": "^5.1.0", "redis": "^4.6.0"}),
        "jobs/index.js": REDIS_WORKER["worker/index.js"],
        "mobile/package.json": manifest("mobile", {"socket.io-client": "^4.7.5", "react-native": "0.76.0"}),
        "mobile/index.js": APP["client/index.js"],
    }
    diagnostics = run(write(tmp_path, files))
    assert found(diagnostics, "no-emitter") == []
    assert found(diagnostics, "no-listener") == []


def test_an_event_emitter_named_emitter_in_a_worker_stays_out(tmp_path):
    files = worker(
        {"@socket.io/redis-emitter": "^5.1.0"},
        {
            "worker/index.js": """\
                const { EventEmitter } = require("events");
                const emitter = new EventEmitter();
                emitter.emit("job:done", { jobId: 1 });
                const bus = new (require("events"))();
                bus.emit("stats:updated", 1);
                """
        },
    )
    events = catalog_events(write(tmp_path, files))
    assert emits_of(events, "job:done") == [] and emits_of(events, "stats:updated") == []


def test_a_class_named_emitter_of_another_module_stays_out():
    facts = extract(
        """\
        import { Emitter } from "./my-emitter";
        const emitter = new Emitter();
        emitter.emit("job:done", 1);
        """,
        "worker.ts",
    )
    assert facts.emits == ()


def test_an_emitter_has_no_listeners():
    facts = extract(
        """\
        import { Emitter } from "@socket.io/redis-emitter";
        const io = new Emitter(redis);
        io.on("job:done", () => {});
        io.emit("job:started", 1);
        """,
        "worker.ts",
    )
    assert facts.listeners == ()
    assert [emit.name.value for emit in facts.emits] == ["job:started"]
    assert facts.connections == ()  # an emitter connects nowhere: no server to authenticate


# -- singleton services: the static accessor's instance ---------------------------------------------------------

SINGLETON = {
    "server/package.json": manifest("server", {"socket.io": "^4.7.5"}),
    "server/index.js": """\
        const { Server } = require("socket.io");
        const io = new Server(3000);
        io.use((socket, next) => (socket.handshake.auth.token ? next() : next(new Error("unauthorized"))));
        io.on("connection", (socket) => {
          socket.join("lobby");
          io.to("lobby").emit("lobby:update", { n: 1 });
          io.to("lobby").emit("lobby:closed");
          io.to("lobby").emit("lobby:full");
          socket.on("lobby:join", () => {});
        });
        """,
    "client/package.json": manifest("client", {"socket.io-client": "^4.7.5", "react": "^18.2.0"}),
    "client/src/SocketManager.ts": """\
        import { io, Socket } from "socket.io-client";

        export class SocketManager {
          private static instance: SocketManager;
          private socket: Socket = io("/", { auth: (cb) => cb({ token: "t" }) });

          static getInstance(): SocketManager {
            if (!SocketManager.instance) SocketManager.instance = new SocketManager();
            return SocketManager.instance;
          }

          on(event: string, handler: (...args: any[]) => void) {
            this.socket.on(event, handler);
            return () => {
              this.socket.off(event, handler);
            };
          }

          send(event: string, payload?: unknown) {
            this.socket.emit(event, payload);
          }
        }

        export const socketManager = SocketManager.getInstance();
        """,
    "client/src/EventBus.ts": """\
        import { EventEmitter } from "events";

        export class EventBus {
          static getInstance(): EventBus { return new EventBus(); }
          private inner = new EventEmitter();
          on(event: string, handler: () => void) { this.inner.on(event, handler); }
        }
        """,
}


def lobby(effect: str) -> dict[str, str]:
    return {
        **SINGLETON,
        "client/src/Lobby.tsx": f"""\
import {{ useEffect }} from "react";
import {{ SocketManager, socketManager }} from "./SocketManager";
import {{ EventBus }} from "./EventBus";

export function Lobby() {{
  useEffect(() => {{
{effect}
  }}, []);
  return null;
}}
""",
    }


def test_a_forwarding_method_reached_through_the_static_accessor(tmp_path):
    files = lobby(
        """\
    const offUpdate = SocketManager.getInstance().on("lobby:update", (l) => console.log(l));
    const offClosed = socketManager.on("lobby:closed", () => console.log("closed"));
    SocketManager.instance.on("lobby:full", () => {});
    SocketManager.getInstance().send("lobby:join");
    return () => {
      offUpdate();
      offClosed();
    };"""
    )
    events = catalog_events(write(tmp_path, files))
    assert listeners_of(events, "lobby:update") == [("client/src/Lobby.tsx", 7, "client")]
    assert listeners_of(events, "lobby:closed") == [("client/src/Lobby.tsx", 8, "client")]
    assert listeners_of(events, "lobby:full") == [("client/src/Lobby.tsx", 9, "client")]
    assert emits_of(events, "lobby:join") == [("client/src/Lobby.tsx", 10, "client", "server", None)]


def test_a_local_bound_to_the_static_accessor(tmp_path):
    files = lobby(
        """\
    const manager = SocketManager.getInstance();
    manager.on("lobby:update", () => {});
    manager.send("lobby:join");"""
    )
    events = catalog_events(write(tmp_path, files))
    assert listeners_of(events, "lobby:update") == [("client/src/Lobby.tsx", 8, "client")]
    assert emits_of(events, "lobby:join") == [("client/src/Lobby.tsx", 9, "client", "server", None)]


def test_the_static_accessor_of_a_class_that_forwards_nothing_stays_out(tmp_path):
    files = lobby(
        """\
    EventBus.getInstance().on("lobby:update", () => {});
    const bus = EventBus.getInstance();
    bus.on("lobby:full", () => {});
    const manager = SocketManager.getInstance();
    const shadowed = (manager: EventBus) => manager.on("lobby:closed", () => {});"""
    )
    events = catalog_events(write(tmp_path, files))
    assert listeners_of(events, "lobby:update") == []
    assert listeners_of(events, "lobby:full") == []
    assert listeners_of(events, "lobby:closed") == []


def test_a_wrapper_passing_its_event_to_the_static_accessor(tmp_path):
    files = {
        **lobby('    useLobbyEvent("lobby:update", () => {});'),
        # A second class forwarding an `on`: the method's name alone no longer tells which class a call reaches.
        "client/src/ChatManager.ts": """\
            import { io } from "socket.io-client";
            const socket = io();
            export class ChatManager {
              on(event: string, handler: () => void) { socket.on(event, handler); }
            }
            """,
        "client/src/useLobbyEvent.ts": """\
            import { SocketManager } from "./SocketManager";

            export function useLobbyEvent(event: string, handler: () => void) {
              return SocketManager.getInstance().on(event, handler);
            }
            """,
    }
    files["client/src/Lobby.tsx"] = files["client/src/Lobby.tsx"].replace(
        'import { EventBus } from "./EventBus";', 'import { useLobbyEvent } from "./useLobbyEvent";'
    )
    events = catalog_events(write(tmp_path, files))
    assert [site[:2] for site in listeners_of(events, "lobby:update")] == [("client/src/Lobby.tsx", 7)]
