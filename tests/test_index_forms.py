"""Every form issue 2 lists, through the whole index: small temporary monorepos in, catalog out.

Each test writes a conventional layout (apps/api with socket.io, apps/web with socket.io-client,
packages/shared) holding just the code under test, builds the index with `IndexBuilder` and reads the
catalog `socketlens events --json` would print.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from socketlens.analysis.catalog import catalog
from socketlens.config import Config
from socketlens.index.builder import IndexBuilder

API_PACKAGE = {"name": "@t/api", "dependencies": {"socket.io": "^4", "@t/shared": "*"}}
WEB_PACKAGE = {"name": "@t/web", "dependencies": {"socket.io-client": "^4", "@t/shared": "*"}}
SHARED_PACKAGE = {"name": "@t/shared", "main": "src/index.ts"}


def write_repo(root: Path, files: dict[str, str], packages: bool = True) -> Path:
    if packages:
        files = {
            "package.json": json.dumps({"name": "t", "private": True, "workspaces": ["apps/*", "packages/*"]}),
            "apps/api/package.json": json.dumps(API_PACKAGE),
            "apps/web/package.json": json.dumps(WEB_PACKAGE),
            "packages/shared/package.json": json.dumps(SHARED_PACKAGE),
            **files,
        }
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(content))
    return root


def build(root: Path, config: Config | None = None):
    return IndexBuilder(root, config or Config(), use_cache=False, jobs=1).build()


def catalog_of(tmp_path: Path, files: dict[str, str], config: Config | None = None, packages: bool = True) -> dict:
    root = write_repo(tmp_path, files, packages)
    return catalog(build(root, config), str(root))


def events(data: dict) -> dict[str, dict]:
    return {event["name"]: event for event in data["events"]}


def only(sites: list[dict]) -> dict:
    assert len(sites) == 1, sites
    return sites[0]


# ---------------------------------------------------------------------------------------------------------
# 1. Declarations

SHARED_ENUM = """
    export enum ChatEvent {
      MessageNew = "chat:message-new",
      Typing = "chat:typing",
    }
    export const PRESENCE = "presence:changed";
"""


def test_default_map_names_with_every_kind_of_key(tmp_path):
    data = catalog_of(
        tmp_path,
        {
            "packages/shared/src/events.ts": SHARED_ENUM,
            "packages/shared/src/index.ts": """
                import { ChatEvent, PRESENCE } from "./events";
                export interface ServerToClientEvents {
                  /** A lead was created. */
                  "lead:new": (payload: { id: string }) => void;
                  /**
                   * Plain identifier key,
                   * on two lines.
                   */
                  refresh(): void;
                  [ChatEvent.MessageNew]: (payload: {
                    id: string;
                  }) => void;
                  [PRESENCE]: (userId: string, online: boolean) => void;
                }
                export type ClientToServerEvents = {
                  "chat:join": (room: string, ack: (ok: boolean) => void) => void;
                };
                export interface InterServerEvents {
                  ping: () => void;
                }
            """,
        },
    )
    found = events(data)
    assert set(found) == {"lead:new", "refresh", "chat:message-new", "presence:changed", "chat:join", "ping"}
    lead = only(found["lead:new"]["declarations"])
    assert found["lead:new"]["direction"] == "server-to-client"
    assert lead["payload"] == "payload: { id: string }"
    assert lead["doc"] == "A lead was created."
    assert (lead["file"], lead["line"], lead["column"]) == ("packages/shared/src/index.ts", 5, 3)
    assert only(found["refresh"]["declarations"])["doc"] == "Plain identifier key,\non two lines."
    assert only(found["refresh"]["declarations"])["payload"] == ""
    message = only(found["chat:message-new"]["declarations"])
    assert message["payload"] == "payload: { id: string; }"
    assert message["column"] == 4  # the key expression inside the brackets
    assert only(found["presence:changed"]["declarations"])["payload"] == "userId: string, online: boolean"
    assert found["chat:join"]["direction"] == "client-to-server"
    assert only(found["chat:join"]["declarations"])["payload"] == "room: string, ack: (ok: boolean) => void"
    assert found["ping"]["direction"] == "inter-server"


def test_configured_map_names(tmp_path):
    config = Config(server_to_client_maps=("Outgoing",), client_to_server_maps=("Incoming",))
    data = catalog_of(
        tmp_path,
        {
            "packages/shared/src/index.ts": """
                export interface Outgoing { "a:out": () => void }
                export interface Incoming { "a:in": () => void }
                export interface Unrelated { notAnEvent: () => void }
            """,
        },
        config,
    )
    found = events(data)
    assert found["a:out"]["direction"] == "server-to-client"
    assert found["a:in"]["direction"] == "client-to-server"
    assert "notAnEvent" not in found


def test_map_names_learned_from_generics_whatever_their_name(tmp_path):
    data = catalog_of(
        tmp_path,
        {
            "packages/shared/src/index.ts": """
                export interface Down { "lead:new": (id: string) => void }
                export type Up = { "chat:send": (body: string) => void };
                export interface Between { "cache:drop": () => void }
                export interface Props { title: string }
            """,
            "apps/api/src/io.ts": """
                import { Server } from "socket.io";
                import type { Up, Down, Between } from "@t/shared";
                export const io = new Server<Up, Down, Between, {}>(3000);
            """,
        },
    )
    found = events(data)
    assert found["lead:new"]["direction"] == "server-to-client"
    assert found["chat:send"]["direction"] == "client-to-server"
    assert found["cache:drop"]["direction"] == "inter-server"
    assert "title" not in found


def test_client_socket_generic_names_the_maps_even_when_renamed_on_import(tmp_path):
    data = catalog_of(
        tmp_path,
        {
            "packages/shared/src/index.ts": """
                export interface Down { "lead:new": (id: string) => void }
                export interface Up { "chat:send": (body: string) => void }
            """,
            "apps/web/src/socket.ts": """
                import { io, type Socket } from "socket.io-client";
                import type { Down as S2C, Up as C2S } from "@t/shared";
                export const socket: Socket<S2C, C2S> = io();
            """,
        },
    )
    found = events(data)
    assert found["lead:new"]["direction"] == "server-to-client"
    assert found["chat:send"]["direction"] == "client-to-server"


def test_map_learned_in_the_same_file_declared_before_its_use(tmp_path):
    data = catalog_of(
        tmp_path,
        {
            "apps/api/src/io.ts": """
                import { Server } from "socket.io";
                interface Incoming { hello: (name: string) => void }
                interface Outgoing { welcome: () => void }
                const io = new Server<Incoming, Outgoing>();
                io.on("connection", (socket) => {
                  socket.on("hello", () => socket.emit("welcome"));
                });
            """,
        },
    )
    found = events(data)
    assert found["hello"]["direction"] == "client-to-server"
    assert found["welcome"]["direction"] == "server-to-client"
    assert only(found["welcome"]["emits"])["scope"] == "socket"


# ---------------------------------------------------------------------------------------------------------
# 2. Emits: every receiver form and its scope

SERVER_EMITS = """
    import { Server } from "socket.io";
    const io = new Server();
    const orgId = "1", userId = "2", ns = "/admin";
    io.emit("e:io");
    io.sockets.emit("e:sockets");
    io.to("lobby").emit("e:room");
    io.in(`org:${orgId}`).emit("e:org-template");
    io.to("user:" + userId).emit("e:user-concat");
    io.to("org:".concat(orgId)).emit("e:org-concat");
    io
      .to(`org:${orgId}`)
      .except(`user:${userId}`)
      .to(`org:${orgId}`)
      .emit("e:multiline");
    io.volatile.to(`user:${userId}`).emit("e:volatile");
    io.local.emit("e:local");
    io.compress(false).to("lobby").timeout(1000).emit("e:compress-timeout");
    io.timeout(1000).emit("e:timeout-only");
    io.of("/admin").emit("e:of");
    io.of("/admin").to(`org:${orgId}`).emit("e:of-org");
    io.of(ns).emit("e:of-variable");
    io.except("banned").emit("e:except");
    io.to([]).emit("e:empty-array");
    io.to([`user:${userId}`, `user:${orgId}`]).emit("e:array-users");
    io.to(["lobby", `org:${orgId}`]).emit("e:mixed");
    io.to(someRoom()).emit("e:unknown-room");
    const admin = io.of("/admin");
    admin.emit("e:ns-var");
    admin.in(`user:${userId}`).emit("e:ns-var-user");
    io.emitWithAck("e:ack");
    io.serverSideEmit("e:inter");
    io.on("connection", (socket) => {
      socket.emit("e:socket");
      socket.to(`org:${orgId}`).emit("e:socket-to");
      socket.broadcast.emit("e:broadcast");
      socket.broadcast.to("lobby").emit("e:broadcast-room");
      socket.volatile.broadcast.emit("e:broadcast-volatile");
      socket.timeout(5000).emit("e:socket-timeout");
      socket.emitWithAck("e:socket-ack");
      const room = `org:${orgId}`;
      io.to(room).emit("e:local-room");
      socket.nsp.emit("e:nsp");
    });
"""

EXPECTED_EMITS = {
    # event: (scope, rooms, namespace)
    "e:io": ("broadcast", [], "/"),
    "e:sockets": ("broadcast", [], "/"),
    "e:room": ("room", ['"lobby"'], "/"),
    "e:org-template": ("org", ["`org:${orgId}`"], "/"),
    "e:user-concat": ("user", ['"user:" + userId'], "/"),
    "e:org-concat": ("org", ['"org:".concat(orgId)'], "/"),
    "e:multiline": ("org", ["`org:${orgId}`", "`org:${orgId}`"], "/"),
    "e:volatile": ("user", ["`user:${userId}`"], "/"),
    "e:local": ("broadcast", [], "/"),
    "e:compress-timeout": ("room", ['"lobby"'], "/"),
    "e:timeout-only": ("broadcast", [], "/"),
    "e:of": ("broadcast", [], "/admin"),
    "e:of-org": ("org", ["`org:${orgId}`"], "/admin"),
    "e:of-variable": ("broadcast", [], "/admin"),
    "e:except": ("broadcast", [], "/"),
    "e:empty-array": ("broadcast", [], "/"),
    "e:array-users": ("user", ["`user:${userId}`", "`user:${orgId}`"], "/"),
    "e:mixed": ("room", ['"lobby"', "`org:${orgId}`"], "/"),
    "e:unknown-room": ("room", ["someRoom()"], "/"),
    "e:ns-var": ("broadcast", [], "/admin"),
    "e:ns-var-user": ("user", ["`user:${userId}`"], "/admin"),
    "e:ack": ("broadcast", [], "/"),
    "e:inter": ("broadcast", [], "/"),
    "e:socket": ("socket", [], "/"),
    "e:socket-to": ("org", ["`org:${orgId}`"], "/"),
    "e:broadcast": ("broadcast-except-sender", [], "/"),
    "e:broadcast-room": ("room", ['"lobby"'], "/"),
    "e:broadcast-volatile": ("broadcast-except-sender", [], "/"),
    "e:socket-timeout": ("socket", [], "/"),
    "e:socket-ack": ("socket", [], "/"),
    "e:local-room": ("org", ["room"], "/"),
    "e:nsp": ("broadcast", [], "/"),
}


def test_server_emit_forms_and_their_scopes(tmp_path):
    found = events(catalog_of(tmp_path, {"apps/api/src/io.ts": SERVER_EMITS}))
    got = {}
    for name in EXPECTED_EMITS:
        assert name in found, name
        emit = only(found[name]["emits"])
        assert emit["side"] == "server", name
        got[name] = (emit["scope"], emit["rooms"], emit["namespace"])
    assert got == EXPECTED_EMITS


def test_emit_site_range_is_the_event_name_even_across_line_breaks(tmp_path):
    found = events(catalog_of(tmp_path, {"apps/api/src/io.ts": SERVER_EMITS}))
    emit = only(found["e:multiline"]["emits"])
    assert (emit["line"], emit["column"], emit["end_line"], emit["end_column"]) == (15, 9, 15, 22)


def test_client_emits_go_to_the_server(tmp_path):
    found = events(
        catalog_of(
            tmp_path,
            {
                "apps/web/src/socket.ts": """
                    import { io } from "socket.io-client";
                    export const socket = io("https://api.example.com/chat");
                    socket.emit("c:plain", 1);
                    socket.timeout(100).emit("c:timeout");
                    socket.volatile.emit("c:volatile");
                    export async function send() { await socket.emitWithAck("c:ack"); }
                """,
            },
        )
    )
    for name in ("c:plain", "c:timeout", "c:volatile", "c:ack"):
        emit = only(found[name]["emits"])
        assert (emit["side"], emit["scope"], emit["rooms"], emit["namespace"]) == ("client", "server", [], None), name


def test_namespace_held_in_a_variable_and_imported_server(tmp_path):
    found = events(
        catalog_of(
            tmp_path,
            {
                "apps/api/src/io.ts": """
                    import { Server } from "socket.io";
                    export const io = new Server();
                    export const chat = io.of("/chat");
                """,
                "apps/api/src/routes.ts": """
                    import { io, chat } from "./io";
                    export function notify(orgId: string) {
                      io.to(`org:${orgId}`).emit("r:org");
                      chat.emit("r:chat");
                    }
                """,
            },
        )
    )
    assert (only(found["r:org"]["emits"])["scope"], only(found["r:org"]["emits"])["namespace"]) == ("org", "/")
    chat = only(found["r:chat"]["emits"])
    assert (chat["side"], chat["scope"], chat["namespace"]) == ("server", "broadcast", "/chat")


def test_unknown_scope_when_nothing_tells_the_receiver(tmp_path):
    found = events(
        catalog_of(
            tmp_path,
            {
                "apps/api/src/relay.ts": """
                    export function relay(socket: any) { socket.emit("u:what"); }
                """,
            },
        )
    )
    emit = only(found["u:what"]["emits"])
    assert (emit["side"], emit["scope"]) == ("server", "unknown")


# ---------------------------------------------------------------------------------------------------------
# 3. Listeners


def test_listeners_on_both_sides_hooks_and_lifecycle_events(tmp_path):
    data = catalog_of(
        tmp_path,
        {
            "apps/api/src/io.ts": """
                import { Server } from "socket.io";
                const io = new Server();
                io.on("connection", (socket) => {
                  socket.on("s:on", () => {});
                  socket.once("s:once", () => {});
                  socket.on("disconnect", () => {});
                  socket.on("disconnecting", () => {});
                  socket.on("error", () => {});
                });
                io.of("/admin").on("connection", (socket) => socket.on("s:admin", () => {}));
                io.on("s:inter", () => {});
                io.on("new_namespace", () => {});
            """,
            "apps/web/src/socket.ts": """
                import { io } from "socket.io-client";
                export const socket = io();
                socket.on("c:on", () => {});
                socket.once("c:once", () => {});
                socket.on("connect", () => {});
                socket.on("connect_error", () => {});
                socket.io.on("reconnect", () => {});
                socket.io.on("reconnect_attempt", () => {});
                socket.io.on("m:not-an-event", () => {});
            """,
            "apps/web/src/useLive.ts": """
                import { socket } from "./socket";
                export function useLiveEvent(event: string, handler: () => void) {
                  socket.on(event, handler);
                  return () => socket.off(event, handler);
                }
            """,
            "apps/web/src/Page.tsx": """
                import { useSocketEvent } from "./hooks";
                import { useLiveEvent } from "./useLive";
                import { useChannel } from "./channel";
                export function Page() {
                  useSocketEvent("h:default", () => {});
                  useLiveEvent("h:custom", () => {});
                  useChannel("h:configured", () => {});
                  return null;
                }
            """,
        },
        Config(hooks=("useSocketEvent", "useChannel")),
    )
    found = events(data)
    expected = {
        "s:on": ("server", "on"),
        "s:once": ("server", "once"),
        "s:admin": ("server", "on"),
        "s:inter": ("server", "on"),
        "c:on": ("client", "on"),
        "c:once": ("client", "once"),
        "h:default": ("client", "hook"),
        "h:custom": ("client", "hook"),
        "h:configured": ("client", "hook"),
    }
    got = {}
    for name in expected:
        listener = only(found[name]["listeners"])
        got[name] = (listener["side"], listener["kind"])
    assert got == expected
    assert only(found["h:custom"]["listeners"])["file"] == "apps/web/src/Page.tsx"
    lifecycle = {"disconnect", "disconnecting", "error", "connect", "connect_error", "connection", "reconnect",
                 "reconnect_attempt", "new_namespace", "m:not-an-event"}
    assert not lifecycle & set(found)
    # The `socket.on(event, ...)` inside the custom hook is neither a listener nor a dynamic site.
    assert data["dynamic"] == []


# ---------------------------------------------------------------------------------------------------------
# 4. Names


def test_names_from_literals_templates_constants_as_const_and_enums(tmp_path):
    found = events(
        catalog_of(
            tmp_path,
            {
                "apps/api/src/io.ts": """
                    import { Server } from "socket.io";
                    const io = new Server();
                    const LOCAL = "n:const";
                    const EVENTS = { lead: { created: "n:as-const" } } as const;
                    const FROZEN = Object.freeze({ done: "n:frozen" });
                    enum E { A = "n:enum" }
                    io.emit(`n:template`);
                    io.emit(LOCAL);
                    io.emit(EVENTS.lead.created);
                    io.emit(EVENTS["lead"]["created"]);
                    io.emit(FROZEN.done);
                    io.emit(E.A);
                    export function f() { const inner = "n:inner-const"; io.emit(inner); }
                """,
            },
        )
    )
    assert len(found["n:as-const"]["emits"]) == 2
    for name in ("n:template", "n:const", "n:frozen", "n:enum", "n:inner-const"):
        assert only(found[name]["emits"])["side"] == "server", name


CROSS_FILE_NAMES = {
    "tsconfig.json": """{"compilerOptions": {"baseUrl": ".", "paths": {"@names/*": ["packages/names/*"]}}}""",
    "packages/shared/src/index.ts": """
        export * from "./events";
        export { LEAD as LEAD_RENAMED } from "./lead";
        export { default as DEFAULT_EVENT } from "./default";
    """,
    "packages/shared/src/events.ts": 'export const STAR = "x:star";\nexport enum Chat { New = "x:enum" }\n',
    "packages/shared/src/lead.ts": 'export const LEAD = "x:renamed";\n',
    "packages/shared/src/default.ts": 'export default "x:default";\n',
    "packages/names/cjs.js": 'const CJS = "x:cjs";\nmodule.exports = { CJS, OTHER: "x:cjs-pair" };\n',
    "packages/names/paths.ts": 'export const VIA_PATHS = "x:paths";\n',
    "apps/api/src/io.ts": """
        import { Server } from "socket.io";
        import { STAR, Chat, LEAD_RENAMED, DEFAULT_EVENT } from "@t/shared";
        import * as shared from "@t/shared";
        import { VIA_PATHS } from "@names/paths";
        const { CJS, OTHER: Other } = require("../../../packages/names/cjs");
        const io = new Server();
        io.emit(STAR);
        io.emit(Chat.New);
        io.emit(LEAD_RENAMED);
        io.emit(DEFAULT_EVENT);
        io.emit(shared.STAR);
        io.emit(VIA_PATHS);
        io.emit(CJS);
        io.emit(Other);
        io.emit(NOT_DEFINED_ANYWHERE);
        io.emit(`x:${Date.now()}`);
        io.emit(getName());
    """,
}


def test_names_across_files_and_unresolvable_names_are_dynamic(tmp_path):
    data = catalog_of(tmp_path, CROSS_FILE_NAMES)
    found = events(data)
    assert len(found["x:star"]["emits"]) == 2
    for name in ("x:enum", "x:renamed", "x:default", "x:paths", "x:cjs", "x:cjs-pair"):
        assert only(found[name]["emits"])["file"] == "apps/api/src/io.ts", name
    assert [d["expression"] for d in data["dynamic"]] == ["NOT_DEFINED_ANYWHERE", "`x:${Date.now()}`", "getName()"]
    assert {d["kind"] for d in data["dynamic"]} == {"emit"}


def test_the_literal_of_a_constant_is_where_the_name_is_spelled(tmp_path):
    root = write_repo(tmp_path, CROSS_FILE_NAMES)
    index = build(root)
    emit = only(index.event("x:renamed").emits)
    assert emit.literal[0] == "packages/shared/src/lead.ts"
    assert emit.literal[1].span.start_line == 0


# ---------------------------------------------------------------------------------------------------------
# 5. Wrappers

WRAPPER = """
    import { Server } from "socket.io";
    export const io = new Server();
    export function emitToOrg(orgId: string, event: string, ...args: unknown[]) {
      io.to(`org:${orgId}`).emit(event, ...args);
    }
    export const emitToUser = (userId: string, event: string, payload: unknown) =>
      io.to(`user:${userId}`).emit(event, payload);
"""


def test_wrapper_call_sites_become_emits_with_the_wrappers_scope(tmp_path):
    data = catalog_of(
        tmp_path,
        {
            "apps/api/src/io.ts": WRAPPER + 'emitToOrg("o1", "w:same-file", {});\n',
            "apps/api/src/routes.ts": """
                import { emitToOrg, emitToUser } from "./io";
                import * as realtime from "./io";
                const CREATED = "w:const";
                export function created(orgId: string) {
                  emitToOrg(orgId, "w:other-file", { id: 1 });
                  emitToOrg(orgId, CREATED);
                  emitToUser("u", "w:user", 1);
                  realtime.emitToOrg(orgId, "w:namespace-import");
                }
                export function notifyOrg(orgId: string, event: string) {
                  emitToOrg(orgId, event, { at: 1 });
                }
                notifyOrg("o", "w:twice-wrapped");
            """,
        },
    )
    found = events(data)
    expected = {
        "w:same-file": ("apps/api/src/io.ts", "org"),
        "w:other-file": ("apps/api/src/routes.ts", "org"),
        "w:const": ("apps/api/src/routes.ts", "org"),
        "w:user": ("apps/api/src/routes.ts", "user"),
        "w:namespace-import": ("apps/api/src/routes.ts", "org"),
        "w:twice-wrapped": ("apps/api/src/routes.ts", "org"),
    }
    got = {name: (only(found[name]["emits"])["file"], only(found[name]["emits"])["scope"]) for name in expected}
    assert got == expected
    # The forwarding line inside each wrapper is not an emit, nor a dynamic site.
    assert data["dynamic"] == []
    span = only(found["w:other-file"]["emits"])
    assert (span["line"], span["column"]) == (6, 20)


# ---------------------------------------------------------------------------------------------------------
# 6. Side and what is not socket.io


def test_side_from_where_the_receiver_comes_from(tmp_path):
    # Packages give no hint here: the side must come from the receivers themselves.
    data = catalog_of(
        tmp_path,
        {
            "package.json": json.dumps({"name": "one", "dependencies": {"socket.io": "4", "socket.io-client": "4"}}),
            "src/server.ts": """
                import { Server } from "socket.io";
                const io = new Server();
                io.on("connection", (sock) => { sock.emit("side:conn-socket"); });
                io.emit("side:new-server");
            """,
            "src/client.ts": """
                import { io } from "socket.io-client";
                export const conn = io();
            """,
            "src/use.ts": """
                import { conn } from "./client";
                conn.emit("side:imported-client");
            """,
            "src/typed.ts": """
                import type { Socket } from "socket.io";
                import type { Socket as ClientSocket } from "socket.io-client";
                export function a(s: Socket) { s.emit("side:typed-server"); }
                export function b(s: ClientSocket) { s.emit("side:typed-client"); }
            """,
        },
        packages=False,
    )
    found = events(data)
    sides = {name: only(entry["emits"])["side"] for name, entry in found.items()}
    assert sides == {
        "side:conn-socket": "server",
        "side:new-server": "server",
        "side:imported-client": "client",
        "side:typed-server": "server",
        "side:typed-client": "client",
    }


def test_side_from_package_location_as_last_resort(tmp_path):
    found = events(
        catalog_of(
            tmp_path,
            {
                "apps/api/src/a.ts": 'export function f(socket: any) { socket.emit("loc:api"); }\n',
                "apps/web/src/b.ts": 'export function g(socket: any) { socket.emit("loc:web"); }\n',
            },
        )
    )
    assert only(found["loc:api"]["emits"])["side"] == "server"
    assert only(found["loc:web"]["emits"])["side"] == "client"


NOT_SOCKET_IO = {
    "apps/api/src/bus.ts": """
        import { EventEmitter } from "node:events";
        export const bus = new EventEmitter();
        bus.on("no:emitter", () => {});
        bus.emit("no:emitter");
        class Thing extends EventEmitter {}
        const thing = new Thing();
        thing.emit("no:subclass");
        process.on("no:process", () => {});
        import Stripe from "stripe";
        const stripe = new Stripe("k");
        stripe.on("no:stripe", () => {});
    """,
    "apps/web/src/dom.ts": """
        import $ from "jquery";
        import Pusher from "pusher-js";
        window.addEventListener("no:dom", () => {});
        document.on?.("no:document", () => {});
        $("#x").on("no:jquery", () => {});
        const pusher = new Pusher("k");
        const pusherChannel = pusher.subscribe("c");
        pusherChannel.bind("no:pusher", () => {});
        pusherChannel.emit("no:pusher-emit");
        const ws = new WebSocket("wss://x");
        ws.on?.("no:websocket", () => {});
        ws.emit?.("no:websocket");
        export default {
          methods: { go() { this.$emit("no:vue-this"); } },
          setup(props, { emit }) { emit("no:vue-setup"); },
        };
    """,
    "apps/web/src/Comp.vue.ts": """
        const emit = defineEmits(["change"]);
        emit("no:vue-define-emits");
        const emitter = mitt();
        emitter.emit("no:mitt");
        const analytics = getAnalytics();
        analytics.emit("no:sdk");
    """,
}


def test_calls_that_are_not_socket_io_are_not_indexed(tmp_path):
    data = catalog_of(tmp_path, NOT_SOCKET_IO)
    assert data["events"] == []
    assert data["dynamic"] == []


# ---------------------------------------------------------------------------------------------------------
# 7. Projects


# The socket.io repository's shape (a root workspace of packages/*, examples outside it), and a bare folder
# of examples. (A root package.json WITHOUT workspaces currently makes the whole repo one project: see
# `Workspace.project_of`.)
ROOT_MANIFESTS = {
    "workspace-root": {"package.json": json.dumps({"name": "root", "private": True, "workspaces": ["packages/*"]})},
    "no-root-manifest": {},
}


@pytest.mark.parametrize("layout", sorted(ROOT_MANIFESTS))
def test_independent_example_apps_do_not_pair_but_halves_of_one_example_do(tmp_path, layout):
    server = """
        import { Server } from "socket.io";
        const io = new Server();
        io.on("connection", (socket) => socket.on("chat", () => io.emit("chat")));
    """
    client = """
        import { io } from "socket.io-client";
        const socket = io();
        socket.on("chat", () => {});
        socket.emit("chat");
    """
    files = {
        **ROOT_MANIFESTS[layout],
        "examples/a/package.json": json.dumps({"name": "a", "dependencies": {"socket.io": "4", "socket.io-client": "4"}}),
        "examples/a/server.ts": server,
        "examples/a/client.ts": client,
        "examples/b/package.json": json.dumps({"name": "b", "dependencies": {"socket.io": "4", "socket.io-client": "4"}}),
        "examples/b/server.ts": server,
        "examples/b/client.ts": client,
        "examples/c/server/package.json": json.dumps({"name": "c-server", "dependencies": {"socket.io": "4"}}),
        "examples/c/server/index.ts": server,
        "examples/c/client/package.json": json.dumps({"name": "c-client", "dependencies": {"socket.io-client": "4"}}),
        "examples/c/client/index.ts": client,
        "examples/d-server/package.json": json.dumps({"name": "d-server", "dependencies": {"socket.io": "4"}}),
        "examples/d-server/index.ts": server,
        "examples/d-client/package.json": json.dumps({"name": "d-client", "dependencies": {"socket.io-client": "4"}}),
        "examples/d-client/index.ts": client,
    }
    root = write_repo(tmp_path, files, packages=False)
    index = build(root)
    entry = index.event("chat")
    by_file = {site.file: site.project for site in (*entry.emits, *entry.listeners)}
    assert by_file["examples/a/server.ts"] == by_file["examples/a/client.ts"] == "examples/a"
    assert by_file["examples/b/server.ts"] == by_file["examples/b/client.ts"] == "examples/b"
    assert by_file["examples/c/server/index.ts"] == by_file["examples/c/client/index.ts"]
    assert by_file["examples/c/server/index.ts"] not in ("examples/a", "examples/b")
    assert by_file["examples/d-server/index.ts"] == by_file["examples/d-client/index.ts"]
    assert len(set(by_file.values())) == 4


# ---------------------------------------------------------------------------------------------------------
# 7. Service classes and NestJS gateways

SOCKET_SERVICE = """
    import { Server } from "socket.io";
    export class SocketService {
      constructor(private readonly io: Server) {}
      emitToOrganization(orgId: string, event: string, data: unknown) {
        this.io.to(`org:${orgId}`).emit(event, data);
      }
      broadcastAll(event: string) {
        this.io.emit(event);
      }
      refresh(orgId: string) {
        this.emitToOrganization(orgId, "svc:self", {});
      }
    }
    export const socketService = new SocketService(new Server());
"""


def emit_rows(found: dict, name: str) -> list[tuple]:
    return [(e["file"], e["line"], e["scope"], e["side"], e["rooms"]) for e in found.get(name, {}).get("emits", [])]


def test_methods_of_an_injected_service_are_wrappers(tmp_path):
    data = catalog_of(
        tmp_path,
        {
            "apps/api/src/socket.service.ts": SOCKET_SERVICE,
            "apps/api/src/tasks.ts": """
                import { injectable, inject } from "inversify";
                import { socketService } from "./socket.service";
                import { ISocketService } from "./types";
                @injectable()
                export class TaskService {
                  constructor(@inject("Sockets") private readonly _socketService: ISocketService) {}
                  create(orgId: string) {
                    this._socketService.emitToOrganization(orgId, "task:created", { id: 1 });
                    socketService.broadcastAll("task:all");
                  }
                }
            """,
            # A plain function passing its parameter on to a service method is a wrapper too.
            "apps/api/src/notify.ts": """
                import { socketService } from "./socket.service";
                export function notifyOrg(orgId: string, event: string) {
                  socketService.emitToOrganization(orgId, event, null);
                }
                notifyOrg("o", "notify:chained");
            """,
        },
    )
    found = events(data)
    room = "`org:${orgId}`"
    assert emit_rows(found, "task:created") == [("apps/api/src/tasks.ts", 9, "org", "server", [room])]
    assert emit_rows(found, "task:all") == [("apps/api/src/tasks.ts", 10, "broadcast", "server", [])]
    assert emit_rows(found, "svc:self") == [("apps/api/src/socket.service.ts", 12, "org", "server", [room])]
    assert emit_rows(found, "notify:chained") == [("apps/api/src/notify.ts", 6, "org", "server", [room])]
    # The forwarding lines inside the service are neither emits nor dynamic sites.
    assert data["dynamic"] == []
    created = only(found["task:created"]["emits"])
    assert created["column"] == 51  # the event argument of the member call, 1-based


def test_listener_methods_of_a_client_service(tmp_path):
    data = catalog_of(
        tmp_path,
        {
            "apps/web/src/socket.service.ts": """
                import { io, Socket } from "socket.io-client";
                export class RealtimeService {
                  private socket: Socket = io();
                  onEvent(event: string, handler: (data: unknown) => void) {
                    this.socket.on(event, handler);
                  }
                }
            """,
            "apps/web/src/board.ts": """
                export class Board {
                  constructor(private realtime: RealtimeService) {}
                  start() { this.realtime.onEvent("board:moved", () => {}); }
                }
            """,
        },
    )
    listener = only(events(data)["board:moved"]["listeners"])
    assert (listener["file"], listener["line"], listener["side"], listener["kind"]) == (
        "apps/web/src/board.ts", 4, "client", "on"
    )


def test_service_methods_that_are_ambiguous_or_not_wrappers_give_nothing(tmp_path):
    data = catalog_of(
        tmp_path,
        {
            "apps/api/src/socket.service.ts": SOCKET_SERVICE,
            # A second forwarding class with a method of the same name: which one a call reaches is unknown.
            "apps/api/src/admin-sockets.ts": """
                import { Server } from "socket.io";
                export class AdminSockets {
                  constructor(private readonly io: Server) {}
                  broadcastAll(event: string) { this.io.to("admins").emit(event); }
                  send(event: string) { this.io.emit(event); }
                }
            """,
            # A method named like a wrapper on a class that forwards nothing to a socket.
            "apps/api/src/mailer.ts": """
                export class Mailer {
                  notifyUser(userId: string, template: string) { return send(userId, template); }
                }
            """,
            "apps/api/src/jobs.ts": """
                export function run(svc: any, mailer: Mailer, res: any) {
                  svc.broadcastAll("amb:both");
                  mailer.notifyUser("u", "mail:welcome");
                  svc.emitToOrganization("o", "job:done");
                  res.send("http:body");
                }
            """,
        },
    )
    found = events(data)
    assert "amb:both" not in found
    assert "mail:welcome" not in found
    assert "http:body" not in found  # `send` is every API's method: never matched by name
    assert emit_rows(found, "job:done") == [("apps/api/src/jobs.ts", 5, "org", "server", ["`org:${orgId}`"])]


def test_service_methods_of_another_project_are_never_matched(tmp_path):
    files = {
        "a/package.json": json.dumps({"name": "a", "dependencies": {"socket.io": "4"}}),
        "a/src/socket.service.ts": SOCKET_SERVICE,
        "b/package.json": json.dumps({"name": "b", "dependencies": {"socket.io": "4"}}),
        "b/src/tasks.ts": 'export function go(s: any) { s.emitToOrganization("o", "b:task"); s.emit("b:direct"); }\n',
    }
    root = write_repo(tmp_path, files, packages=False)
    index = build(root)
    assert index.event("b:task") is None
    assert index.event("svc:self").emits[0].project == "a"


def test_a_second_service_method_of_the_same_name_makes_calls_ambiguous_incrementally(tmp_path):
    root = write_repo(
        tmp_path,
        {
            "apps/api/src/socket.service.ts": SOCKET_SERVICE,
            "apps/api/src/tasks.ts": 'export const go = (s: any) => s.broadcastAll("inc:all");\n',
        },
    )
    builder = IndexBuilder(root, Config(), use_cache=False, jobs=1)
    index = builder.build()
    assert [e.file for e in index.event("inc:all").emits] == ["apps/api/src/tasks.ts"]
    other = b'import { Server } from "socket.io";\nclass Other {\n  constructor(private io: Server) {}\n  broadcastAll(event: string) { this.io.emit(event); }\n}\n'
    index.update(builder.extract_source("apps/api/src/other.ts", other))
    assert index.event("inc:all") is None
    index.remove("apps/api/src/other.ts")
    assert [e.file for e in index.event("inc:all").emits] == ["apps/api/src/tasks.ts"]


NEST_PACKAGE = {"name": "@t/nest", "dependencies": {"@nestjs/websockets": "^10", "@nestjs/platform-socket.io": "^10"}}


def test_nestjs_gateway_handlers_and_their_emits(tmp_path):
    data = catalog_of(
        tmp_path,
        {
            "apps/nest/package.json": json.dumps(NEST_PACKAGE),
            "apps/nest/src/events.ts": 'export enum ChatEvent { Typing = "chat:typing" }\n',
            "apps/nest/src/chat.gateway.ts": """
                import {
                  WebSocketGateway, WebSocketServer, SubscribeMessage, MessageBody, ConnectedSocket,
                  OnGatewayConnection,
                } from "@nestjs/websockets";
                import { Server, Socket } from "socket.io";
                import { ChatEvent } from "./events";

                @WebSocketGateway({ namespace: "chat", cors: true })
                export class ChatGateway implements OnGatewayConnection {
                  @WebSocketServer() server: Server;

                  handleConnection(client) {
                    client.emit("chat:welcome");
                  }

                  handleDisconnect(client: Socket) {}

                  @SubscribeMessage("chat:send")
                  handleSend(@MessageBody() data: { room: string }, @ConnectedSocket() client) {
                    client.emit("chat:ack", data);
                    this.server.to(data.room).emit("chat:new", data);
                    this.server.emit("chat:count", 1);
                  }

                  @SubscribeMessage(ChatEvent.Typing)
                  typing(@ConnectedSocket() client: Socket) {}
                }
            """,
            # Not a gateway: the decorator alone makes no listener.
            "apps/nest/src/other.ts": """
                import { SubscribeMessage } from "@nestjs/websockets";
                export class NotAGateway {
                  @SubscribeMessage("not:gateway")
                  handle() {}
                }
            """,
        },
    )
    found = events(data)
    gateway = "apps/nest/src/chat.gateway.ts"
    listeners = {
        name: [(l["file"], l["line"], l["side"], l["kind"]) for l in found[name]["listeners"]]
        for name in ("chat:send", "chat:typing")
    }
    assert listeners == {
        "chat:send": [(gateway, 19, "server", "handler")],
        "chat:typing": [(gateway, 26, "server", "handler")],
    }
    emits = {
        name: [(e["file"], e["line"], e["scope"], e["side"], e["namespace"]) for e in found[name]["emits"]]
        for name in ("chat:welcome", "chat:ack", "chat:new", "chat:count")
    }
    assert emits == {
        "chat:welcome": [(gateway, 14, "socket", "server", "/chat")],
        "chat:ack": [(gateway, 21, "socket", "server", "/chat")],
        "chat:new": [(gateway, 22, "room", "server", "/chat")],
        "chat:count": [(gateway, 23, "broadcast", "server", "/chat")],
    }
    assert "not:gateway" not in found
    # Lifecycle methods are not events.
    assert not {"handleConnection", "handleDisconnect", "connection", "disconnect"} & set(found)


@pytest.mark.parametrize("option, namespace", [('{ namespace: "/chat" }', "/chat"), ('{ namespace: "chat" }', "/chat"), ("", "/")])
def test_a_service_emitting_through_an_injected_gateway_gets_the_gateway_namespace(tmp_path, option, namespace):
    from socketlens.analysis.rules import RuleContext, run_rules

    root = write_repo(
        tmp_path,
        {
            "apps/nest/package.json": json.dumps(NEST_PACKAGE),
            "apps/nest/src/chat.gateway.ts": f"""
                import {{ WebSocketGateway, WebSocketServer }} from "@nestjs/websockets";
                import {{ Server }} from "socket.io";

                @WebSocketGateway({option})
                export class ChatGateway {{
                  @WebSocketServer() server: Server;
                }}
            """,
            "apps/nest/src/chat.service.ts": """
                import { Injectable } from "@nestjs/common";
                import { ChatGateway } from "./chat.gateway";

                @Injectable()
                export class ChatService {
                  constructor(private readonly chatGateway: ChatGateway) {}

                  post(room: string, message: string) {
                    this.chatGateway.server.to(`room:${room}`).emit("chat:posted", message);
                    this.chatGateway.server.emit("chat:announce", message);
                  }
                }
            """,
        },
    )
    index = build(root)
    found = events(catalog(index, str(root)))
    service = "apps/nest/src/chat.service.ts"
    assert [(e["file"], e["scope"], e["namespace"]) for e in found["chat:posted"]["emits"]] == [(service, "room", namespace)]
    assert [(e["file"], e["scope"], e["namespace"]) for e in found["chat:announce"]["emits"]] == [(service, "broadcast", namespace)]
    broadcasts = [d for d in run_rules(RuleContext(index=index, config=Config())) if d.code == "unscoped-broadcast"]
    reach = "every connected socket" if namespace == "/" else f"every socket of {namespace}"
    assert [(d.file, d.message.split(";")[0]) for d in broadcasts] == [(service, f'"chat:announce" is broadcast to {reach}')]


# ---------------------------------------------------------------------------------------------------------
# Module resolution: SvelteKit aliases and local-path dependencies, as a fresh clone has them


def test_sveltekit_lib_imports_resolve_without_the_generated_tsconfig(tmp_path):
    found = events(
        catalog_of(
            tmp_path,
            {
                "web/package.json": json.dumps(
                    {
                        "name": "app",
                        "type": "module",
                        "dependencies": {"socket.io-client": "4"},
                        "devDependencies": {"@sveltejs/kit": "2", "svelte": "4"},
                    }
                ),
                "web/tsconfig.json": '{"extends": "./.svelte-kit/tsconfig.json", "compilerOptions": {"strict": true}}',
                "web/svelte.config.js": """
                    const config = { kit: { alias: { $shared: '../shared' } } };
                    export default config;
                """,
                "web/src/lib/events.ts": "export const Events = { Message: 'chat:message' } as const;\n",
                "web/src/lib/socket.ts": """
                    import { io } from 'socket.io-client';
                    export const socket = io();
                """,
                "shared/event.ts": "export const Typing = 'chat:typing';\n",
                "web/src/routes/+page.svelte": """
                    <script lang="ts">
                      import { onMount } from 'svelte';
                      import { socket } from '$lib/socket';
                      import { Events } from '$lib/events';
                      import { Typing } from '$shared/event';
                      onMount(() => {
                        const h = (m: string) => console.log(m);
                        socket.on(Events.Message, h);
                        socket.emit(Typing);
                        return () => socket.off(Events.Message, h);
                      });
                    </script>
                """,
            },
            packages=False,
        )
    )
    assert set(found) == {"chat:message", "chat:typing"}
    listener = only(found["chat:message"]["listeners"])
    assert (listener["file"], listener["line"], listener["side"]) == ("web/src/routes/+page.svelte", 9, "client")
    emit = only(found["chat:typing"]["emits"])
    assert (emit["file"], emit["line"], emit["side"]) == ("web/src/routes/+page.svelte", 10, "client")


def test_a_file_dependency_on_a_build_folder_links_both_sides(tmp_path):
    data = catalog_of(
        tmp_path,
        {
            "shared/package.json": '{ "name": "shared", "private": true }',
            "shared/tsconfig.json": '{ "compilerOptions": { "outDir": "build", "declaration": true } }',
            "shared/src/events.ts": """
                enum SocketEvent {
                  CHAT_ADD_MESSAGE = 'chat-add-message',
                }
                export { SocketEvent };
            """,
            "backend/package.json": json.dumps(
                {"name": "backend", "dependencies": {"guruhub-shared": "file:../shared/build", "socket.io": "4.5.1"}}
            ),
            "backend/src/socket.ts": """
                import { Server } from 'socket.io';
                import { SocketEvent } from 'guruhub-shared/events';
                const io = new Server();
                io.to('chat:1').emit(SocketEvent.CHAT_ADD_MESSAGE, { text: 'hi' });
            """,
            "frontend/package.json": json.dumps(
                {"name": "frontend", "dependencies": {"guruhub-shared": "file:../shared", "socket.io-client": "4.5.1"}}
            ),
            "frontend/src/chat.ts": """
                import { io } from 'socket.io-client';
                import { SocketEvent } from 'guruhub-shared/build/events';
                const socket = io('/chat');
                socket.on(SocketEvent.CHAT_ADD_MESSAGE, (m: { text: string }) => console.log(m.text));
            """,
        },
        packages=False,
    )
    assert data["dynamic"] == []
    found = events(data)
    assert set(found) == {"chat-add-message"}
    emit = only(found["chat-add-message"]["emits"])
    listener = only(found["chat-add-message"]["listeners"])
    assert (emit["file"], emit["scope"], emit["side"]) == ("backend/src/socket.ts", "room", "server")
    assert (listener["file"], listener["side"]) == ("frontend/src/chat.ts", "client")
