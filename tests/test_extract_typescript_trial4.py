"""The TS/JS extractor and the index on forms met in a fourth trial on real repositories: sockets typed through
a type alias (local, or exported by a shared types module), Vue 3 sockets held in `ref()`/`shallowRef()`, a
server stored on an exported object under a non-socket name, and untyped sockets of a package that depends on
both socket.io packages, whose server-only API tells their side."""

from __future__ import annotations

import json
import textwrap

from socketlens.config import Config
from socketlens.index.builder import IndexBuilder

from socketlens.model import SocketKind

from extract_support import by_name, catalog_events, extract, write

SERVER_PACKAGE = json.dumps({"name": "api", "dependencies": {"socket.io": "^4"}})
CLIENT_PACKAGE = json.dumps({"name": "web", "dependencies": {"socket.io-client": "^4"}})
MIXED_PACKAGE = json.dumps({"name": "app", "dependencies": {"socket.io": "^4", "socket.io-client": "^4"}})
VUE_PACKAGE = json.dumps({"name": "web", "dependencies": {"vue": "^3.4", "pinia": "^2", "socket.io-client": "^4"}})


def emit_sites(event: dict) -> list[tuple]:
    """(file, side, scope) of an event's emits."""
    return [(e["file"], e["side"], e["scope"]) for e in event["emits"]]


def listener_sites(event: dict) -> list[tuple]:
    return [(l["file"], l["side"]) for l in event["listeners"]]


def kinds(sites) -> dict:
    """Event -> (receiver root, kind) of sites with a literal name."""
    return {name: (site.receiver.root, site.receiver.kind) for name, site in by_name(sites).items()}


# -- 1. sockets typed through a type alias -----------------------------------------------------------------------

LOCAL_ALIASES = """\
    import { Server, Socket } from "socket.io";
    import type { Up, Down } from "./maps";

    type GameServer = Server<Up, Down>;
    type MaybeSocket = PlayerSocket | null;
    interface PlayerSocket extends Socket<Up, Down> {}
    export type Wrapped = (Socket<Up, Down> & { user?: string }) | undefined;

    export class GameController {
      private server: GameServer;
      constructor(server: GameServer, public conn: MaybeSocket) {
        this.server = server;
      }
      start(gameId: string) {
        this.server.to(`game:${gameId}`).emit("game:started");
        this.conn?.emit("game:welcome");
      }
    }

    export function greet(client: PlayerSocket, other: Wrapped) {
      client.emit("player:greeted");
      other?.emit("player:other");
    }
"""


def test_local_type_aliases_and_interfaces_of_socket_types_type_their_receivers():
    facts = extract(LOCAL_ALIASES)
    assert kinds(facts.emits) == {
        "game:started": ("this.server", SocketKind.SERVER),
        "game:welcome": ("this.conn", SocketKind.SERVER_SOCKET),
        "player:greeted": ("client", SocketKind.SERVER_SOCKET),
        "player:other": ("other", SocketKind.SERVER_SOCKET),
    }
    # The module lends the socket types it exports to the modules importing them.
    assert dict(facts.socket_types) == {"Wrapped": SocketKind.SERVER_SOCKET}


def test_a_client_alias_is_a_client_socket_and_other_aliases_are_no_socket_types():
    facts = extract(
        """\
        import { io, Socket } from "socket.io-client";
        import { EventEmitter } from "events";
        export type AppSocket = Socket<Down, Up>;
        export type Bus = EventEmitter;
        export type Names = string[];
        export class ChatSocket extends Socket {}
        export function listen(conn: AppSocket) {
          conn.on("chat:message", () => {});
        }
        """
    )
    assert kinds(facts.listeners) == {"chat:message": ("conn", SocketKind.CLIENT_SOCKET)}
    assert dict(facts.socket_types) == {"AppSocket": SocketKind.CLIENT_SOCKET, "ChatSocket": SocketKind.CLIENT_SOCKET}


def test_a_websocket_server_field_of_a_nest_gateway_is_its_server_unless_typed_by_another_library():
    facts = extract(
        """        import { WebSocketGateway, WebSocketServer } from "@nestjs/websockets";
        import type { AppServer } from "./types";
        import { Server as WsServer } from "ws";
        @WebSocketGateway({ namespace: "chat" })
        export class ChatGateway {
          @WebSocketServer() server: AppServer;
          notify() {
            this.server.emit("chat:notified");
          }
        }
        @WebSocketGateway()
        export class RawGateway {
          @WebSocketServer() server: WsServer;
          notify() {
            this.server.emit("raw:notified");
          }
        }
        """
    )
    emits = by_name(facts.emits)
    assert {name: (e.receiver.kind, e.receiver.namespace) for name, e in emits.items()} == {
        "chat:notified": (SocketKind.SERVER, "/chat")
    }


def test_a_receiver_typed_with_an_imported_name_records_it_for_the_index():
    facts = extract(
        """\
        import type { AppSocket } from "./socket.types";
        import type { Cache } from "./cache";
        type Conn = AppSocket | undefined;
        let current: Conn;
        export class FriendsService {
          constructor(public conn: AppSocket) {}
          onConnect(client: AppSocket | null, peer: NonNullable<Conn>) {
            client?.emit("friends:set", [1, 2]);
            this.conn.emit("friends:hello");
            peer.emit("friends:peer");
            current?.emit("friends:current");
          }
          flush(cache: Cache, emitter) {
            cache.emit("cache:flushed");
            emitter.emit("not:kept");
          }
        }
        """
    )
    emits = by_name(facts.emits)
    assert {name: (e.receiver.root, e.receiver.kind, e.receiver.type_name) for name, e in emits.items()} == {
        "friends:set": ("client", None, "AppSocket"),
        "friends:hello": ("this.conn", None, "AppSocket"),
        "friends:peer": ("peer", None, "AppSocket"),
        "friends:current": ("current", None, "AppSocket"),
        # Kept for the index to judge: `Cache` may be a socket type of the other module (it is not, below).
        "cache:flushed": ("cache", None, "Cache"),
    }


SOCKET_TYPES = """\
    import { Server, Socket } from "socket.io";
    export interface ServerToClientEvents { "friends:set": (ids: number[]) => void; notification: (m: string) => void }
    export interface ClientToServerEvents { ping: () => void }
    export type AppSocket = Socket<ClientToServerEvents, ServerToClientEvents>;
    export type AppServer = Server<ClientToServerEvents, ServerToClientEvents>;
"""


def alias_workspace(root, types_module: str = "./socket.types", types_file: str = "api/src/socket.types.ts"):
    return write(
        root,
        {
            "web/package.json": CLIENT_PACKAGE,
            "web/src/socket.ts": """\
                import { io } from "socket.io-client";
                export const socket = io("/");
                socket.on("friends:set", (ids: number[]) => console.log(ids));
                socket.on("notification", (m: string) => console.log(m));
                socket.emit("ping");
            """,
            "api/package.json": SERVER_PACKAGE,
            types_file: SOCKET_TYPES,
            "api/src/friends.service.ts": f"""\
                import type {{ AppSocket }} from "{types_module}";
                export class FriendsService {{
                  onConnect(client: AppSocket) {{
                    client.emit("friends:set", [1, 2]);
                  }}
                  notify(socket: AppSocket | null) {{
                    socket?.emit("notification", "hi");
                  }}
                }}
            """,
            "api/src/member.ts": f"""\
                import type {{ AppSocket }} from "{types_module}";
                export class Member {{
                  constructor(public conn: AppSocket) {{}}
                  hello() {{
                    this.conn.emit("notification", "welcome");
                  }}
                }}
            """,
            "api/src/gateway.ts": f"""\
                import {{ WebSocketGateway, WebSocketServer }} from "@nestjs/websockets";
                import type {{ AppServer }} from "{types_module}";
                @WebSocketGateway({{ namespace: "/games" }})
                export class GameGateway {{
                  @WebSocketServer() server: AppServer;
                  start(gameId: string) {{
                    this.server.to(`game:${{gameId}}`).emit("notification", "started");
                  }}
                }}
            """,
            "api/src/cache.ts": """\
                import { EventEmitter } from "events";
                export type Cache = EventEmitter;
            """,
            "api/src/flush.ts": """\
                import type { Cache } from "./cache";
                export function flush(cache: Cache) {
                  cache.emit("cache:flushed");
                }
            """,
        },
    )


def test_receivers_typed_with_an_alias_of_another_module_are_its_sockets(tmp_path):
    found = catalog_events(alias_workspace(tmp_path))
    assert emit_sites(found["friends:set"]) == [("api/src/friends.service.ts", "server", "socket")]
    assert emit_sites(found["notification"]) == [
        ("api/src/friends.service.ts", "server", "socket"),
        ("api/src/gateway.ts", "server", "room"),
        ("api/src/member.ts", "server", "socket"),
    ]
    gateway_emit = next(e for e in found["notification"]["emits"] if e["file"] == "api/src/gateway.ts")
    assert gateway_emit["namespace"] == "/games"
    # A type of another module that is no socket type leaves a receiver named like none out, as before.
    assert "cache:flushed" not in found


def test_a_socket_alias_of_a_shared_types_package_reached_by_a_path_alias(tmp_path):
    root = alias_workspace(tmp_path, "@shared/socket", "shared/socket.ts")
    write(root, {"api/tsconfig.json": '{"compilerOptions": {"baseUrl": ".", "paths": {"@shared/*": ["../shared/*"]}}}'})
    found = catalog_events(root)
    assert emit_sites(found["friends:set"]) == [("api/src/friends.service.ts", "server", "socket")]
    assert [site[0] for site in emit_sites(found["notification"])] == [
        "api/src/friends.service.ts",
        "api/src/gateway.ts",
        "api/src/member.ts",
    ]


def test_editing_the_types_module_re_resolves_the_receivers_typed_with_its_aliases(tmp_path):
    root = alias_workspace(tmp_path)
    builder = IndexBuilder(root, Config(), use_cache=False, jobs=1)
    index = builder.build()
    scope = lambda: [e.scope.value for e in index.event("friends:set").emits]  # noqa: E731
    assert scope() == ["socket"]
    edited = SOCKET_TYPES.replace("export type AppSocket = Socket<", "export type AppSocket = Array<")
    redone = index.update(builder.extract_source("api/src/socket.types.ts", textwrap.dedent(edited).encode()))
    # `client` is no socket type any more, nor named like a socket: the emit is gone.
    assert "api/src/friends.service.ts" in redone and index.event("friends:set").emits == []
    index.update(builder.extract_source("api/src/socket.types.ts", textwrap.dedent(SOCKET_TYPES).encode()))
    assert scope() == ["socket"]


# -- 2. Vue 3 sockets held in refs -------------------------------------------------------------------------------

PINIA_STORE = """\
    import { defineStore } from 'pinia'
    import { ref } from 'vue'
    import { io, type Socket } from 'socket.io-client'

    export const useSocketStore = defineStore('socket', () => {
      const socket = ref<Socket | null>(null)
      function send(text: string) {
        socket.value?.emit('chat:send', text)
      }
      function connect() {
        socket.value = io('http://localhost:3001/chat', { withCredentials: true })
        socket.value.on('lobby:update', () => {})
      }
      return { socket, connect, send }
    })
"""


def test_a_socket_in_a_typed_ref_of_a_pinia_setup_store():
    facts = extract(PINIA_STORE)
    assert kinds(facts.emits) == {"chat:send": ("socket.value", SocketKind.CLIENT_SOCKET)}
    assert kinds(facts.listeners) == {"lobby:update": ("socket.value", SocketKind.CLIENT_SOCKET)}


def test_sockets_in_refs_from_their_initial_value_or_a_later_assignment():
    facts = extract(
        """\
        import { ref, shallowRef } from 'vue'
        import { io } from 'socket.io-client'

        export function useChat() {
          const conn = shallowRef()
          function send() {
            conn.value.emit('chat:send')
          }
          function open() {
            conn.value = io('/chat')
          }
          return { send, open }
        }

        export function useRoom(roomId: string) {
          const socket = ref(io('/'))
          socket.value.emit('room:join', roomId)
          return socket
        }
        """
    )
    assert kinds(facts.emits) == {
        "chat:send": ("conn.value", SocketKind.CLIENT_SOCKET),
        "room:join": ("socket.value", SocketKind.CLIENT_SOCKET),
    }


def test_nuxt_auto_imported_ref_holds_a_socket_too():
    facts = extract(
        """\
        import type { Socket } from 'socket.io-client'
        export const useLive = () => {
          const live = ref<Socket>()
          live.value?.on('live:tick', () => {})
        }
        """
    )
    assert kinds(facts.listeners) == {"live:tick": ("live.value", SocketKind.CLIENT_SOCKET)}


def test_refs_holding_anything_else_stay_out():
    facts = extract(
        """\
        import { ref } from 'vue'
        import mitt from 'mitt'
        import { ref as dbRef } from 'firebase/database'
        import type { Socket } from 'socket.io-client'
        const bus = ref(mitt())
        const node = ref<HTMLElement | null>(null)
        const entry = dbRef<Socket>(db)
        export function f(other = ref(null)) {
          bus.value.emit('bus:event')
          node.value?.on('dom:event', () => {})
          entry.value.emit('db:event')
          other.value.emit('other:event')
        }
        """
    )
    assert by_name(facts.emits) == {} and by_name(facts.listeners) == {}


def test_a_vue_store_socket_gives_client_sites(tmp_path):
    root = write(tmp_path, {"package.json": VUE_PACKAGE, "src/stores/socket.ts": PINIA_STORE})
    found = catalog_events(root)
    assert emit_sites(found["chat:send"]) == [("src/stores/socket.ts", "client", "server")]
    assert listener_sites(found["lobby:update"]) == [("src/stores/socket.ts", "client")]


# -- 3. a server stored on an exported object under a non-socket name --------------------------------------------

def test_a_server_stored_on_an_exported_object_is_read_by_the_importing_modules(tmp_path):
    root = write(
        tmp_path,
        {
            "package.json": SERVER_PACKAGE,
            "src/io.ts": """\
                import { Server } from 'socket.io'
                export const io = {} as { server: Server }
                export function startSocketServer(http: any) {
                  io.server = new Server(http)
                }
            """,
            "src/state.ts": """\
                import { Server } from 'socket.io'
                export const realtime: { server?: Server } = {}
                export const init = (http: any) => { realtime.server = new Server(http) }
            """,
            "src/handlers/chat.ts": """\
                import { io } from '../io'
                import { store } from './store'
                export function sendMessage(roomId: string, text: string) {
                  io.server.to(`room:${roomId}`).emit('chat:addMessage', text)
                  store.events.emit('store:changed')
                }
            """,
            "src/handlers/notify.ts": """\
                import { realtime } from '../state'
                export function notify(userId: string) {
                  realtime.server?.to(`user:${userId}`).emit('notify:new', 1)
                }
            """,
            "src/handlers/store.ts": """\
                import { EventEmitter } from 'events'
                export const store = { events: new EventEmitter() }
            """,
        },
    )
    found = catalog_events(root)
    assert emit_sites(found["chat:addMessage"]) == [("src/handlers/chat.ts", "server", "room")]
    assert emit_sites(found["notify:new"]) == [("src/handlers/notify.ts", "server", "user")]
    # A member of an imported object no file put a socket on is dropped by the index.
    assert "store:changed" not in found


# -- 4. untyped sockets of a package depending on both socket.io packages ----------------------------------------

def test_server_only_api_on_an_untyped_socket_makes_its_sites_server_sites(tmp_path):
    root = write(
        tmp_path,
        {
            "package.json": MIXED_PACKAGE,
            "lib/realtime/handlers.ts": """\
                export function registerRoomHandlers(socket) {
                  socket.on('room:join', (roomId: string) => {
                    socket.join(`room:${roomId}`)
                    socket.to(`room:${roomId}`).emit('room:playerJoined', socket.id)
                    socket.broadcast.emit('lobby:changed')
                  })
                }
                export function registerAuth(socket) {
                  if (!socket.handshake.auth.token) return
                  socket.emit('auth:ok')
                }
                export function untold(socket) {
                  socket.emit('side:unknown')
                }
            """,
            "lib/realtime/client.ts": """\
                import { io } from 'socket.io-client'
                export const socket = io()
                socket.on('room:playerJoined', (id: string) => console.log(id))
                socket.emit('room:join', 'r1')
            """,
        },
    )
    found = catalog_events(root)
    assert listener_sites(found["room:join"]) == [("lib/realtime/handlers.ts", "server")]
    assert emit_sites(found["room:join"]) == [("lib/realtime/client.ts", "client", "server")]
    assert emit_sites(found["room:playerJoined"]) == [("lib/realtime/handlers.ts", "server", "room")]
    assert emit_sites(found["lobby:changed"]) == [("lib/realtime/handlers.ts", "server", "broadcast-except-sender")]
    assert emit_sites(found["auth:ok"]) == [("lib/realtime/handlers.ts", "server", "unknown")]
    # Nothing tells the side of a socket used with API both sides have: dropped, as before.
    assert "side:unknown" not in found


def test_server_only_api_of_another_binding_of_the_same_name_tells_nothing(tmp_path):
    root = write(
        tmp_path,
        {
            "package.json": MIXED_PACKAGE,
            "lib/both.ts": """\
                export function onServer(socket) {
                  socket.join('lobby')
                }
                export function onClient(socket) {
                  socket.on('lobby:changed', () => {})
                }
            """,
        },
    )
    assert "lobby:changed" not in catalog_events(root)


def test_the_package_side_wins_over_the_api_used(tmp_path):
    root = write(
        tmp_path,
        {
            "package.json": CLIENT_PACKAGE,
            "src/chat.ts": """\
                export function joinChat(socket) {
                  socket.join?.('lobby')
                  socket.on('chat:message', () => {})
                }
            """,
        },
    )
    assert listener_sites(catalog_events(root)["chat:message"]) == [("src/chat.ts", "client")]
