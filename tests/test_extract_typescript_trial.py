"""The TS/JS extractor on forms met when trying socketlens on real repositories: the sockets of
`fetchSockets()`, a client socket held by a class field through the global `io`, connection handlers passed
by reference, and rooms named by a one-line helper."""

from __future__ import annotations

from pathlib import Path

from socketlens.analysis.rules import RuleContext, run_rules
from socketlens.config import load_config
from socketlens.index.builder import build_index
from socketlens.model import Lit, SocketKind

from extract_support import catalog_events, extract, write

SERVER = 'import { Server } from "socket.io";\nconst io = new Server();\n'


def receivers(sites) -> dict[str, tuple]:
    """Event name -> (receiver kind, receiver namespace) of each site with a literal name."""
    return {site.name.value: (site.receiver.kind, site.receiver.namespace) for site in sites if isinstance(site.name, Lit)}


def diagnostics(root: Path):
    config, _ = load_config(root)
    index = build_index(root, config, use_cache=False)
    return run_rules(RuleContext(index=index, config=config, read_text=lambda rel: (root / rel).read_text()))


# -- A. the sockets `fetchSockets()` returns ---------------------------------------------------------------

FETCH_SERVER = """\
    import { Server } from "socket.io";
    const io = new Server();
    io.on("connection", async (socket) => {
      socket.emit("welcome");
      await socket.join("room:lobby");
      socket.on("msg:send", async (text: string) => {
        const sockets = await io.in("room:lobby").fetchSockets();
        for (const s of sockets) s.emit("msg:new", text);
        sockets.filter((s) => s.id !== socket.id).forEach((s) => s.emit("msg:echo", text));
      });
    });
"""

FETCH_CLIENT = """\
    import { io } from "socket.io-client";
    const socket = io();
    socket.on("welcome", () => socket.emit("msg:send", "hi"));
    socket.on("msg:new", (text: string) => console.log(text));
    socket.on("msg:echo", (text: string) => console.log(text));
"""


def test_sockets_of_fetch_sockets_are_server_sockets_in_loops_and_array_callbacks():
    facts = extract(FETCH_SERVER)
    found = receivers(facts.emits)
    assert found["msg:new"] == (SocketKind.SERVER_SOCKET, "/")
    assert found["msg:echo"] == (SocketKind.SERVER_SOCKET, "/")
    # One remote socket each: no chain, so no room and no broadcast.
    assert all(emit.chain == () for emit in facts.emits)


def test_fetch_sockets_lists_through_then_subscripts_find_and_namespaces():
    facts = extract(
        SERVER
        + """
        const admin = io.of("/admin");
        async function f(userId: string) {
          io.of("/game").in(`user:${userId}`).fetchSockets().then((list) => {
            list.map((s) => s.emit("then:map"));
          });
          const all = await admin.fetchSockets();
          all[0].emit("first:direct");
          const found = all.find((s) => s.data.userId === userId);
          found?.emit("find:bound");
          const head = all[0];
          head.emit("subscript:bound");
          (await io.fetchSockets()).forEach((s) => s.emit("inline:list"));
        }
        """
    )
    assert receivers(facts.emits) == {
        "then:map": (SocketKind.SERVER_SOCKET, "/game"),
        "first:direct": (SocketKind.SERVER_SOCKET, "/admin"),
        "find:bound": (SocketKind.SERVER_SOCKET, "/admin"),
        "subscript:bound": (SocketKind.SERVER_SOCKET, "/admin"),
        "inline:list": (SocketKind.SERVER_SOCKET, "/"),
    }


def test_lists_that_are_not_fetched_from_a_known_server_give_no_sockets():
    facts = extract(
        """
        import { EventEmitter } from "events";
        const emitters: EventEmitter[] = [];
        async function f(store: any) {
          const clients = await store.fetchSockets();
          for (const c of clients) c.emit("store:loop");
          emitters.forEach((e) => e.emit("emitter:each"));
          const sockets = [1, 2];
          sockets.forEach((n) => n.emit("numbers:each"));
        }
        """
    )
    assert all(emit.receiver.kind != SocketKind.SERVER_SOCKET for emit in facts.emits)


def test_a_name_rebound_inside_a_callback_is_not_taken_for_a_fetched_socket():
    facts = extract(
        SERVER
        + """
        async function f() {
          const sockets = await io.fetchSockets();
          sockets.forEach((s) => {
            const s2 = s;
            [1].forEach((s) => s.emit("shadowed"));
          });
        }
        """
    )
    assert receivers(facts.emits).get("shadowed", (None,))[0] != SocketKind.SERVER_SOCKET


def test_emits_to_fetched_sockets_give_the_client_listeners_an_emitter(tmp_path):
    root = write(
        tmp_path,
        {
            "package.json": '{"name":"m5","dependencies":{"socket.io":"4","socket.io-client":"4"}}',
            "server.ts": FETCH_SERVER,
            "client.ts": FETCH_CLIENT,
        },
    )
    found = catalog_events(root)
    for name in ("msg:new", "msg:echo"):
        (emit,) = found[name]["emits"]
        assert (emit["side"], emit["scope"]) == ("server", "socket"), name
    assert [d for d in diagnostics(root) if d.file == "client.ts"] == []


# -- B. a client socket held by a class field, through the global `io` --------------------------------------

NETWORK_JS = """\
    class NetworkSystem {
        init() {
            this.socket = io();
            this.socket.on('room_created', (data) => console.log(data.room_code));
        }
        createRoom() {
            this.socket.emit('create_room');
        }
    }
    window.NetworkSystem = NetworkSystem;
"""


def test_a_class_field_assigned_the_global_io_is_a_client_socket():
    facts = extract(NETWORK_JS, "static/js/network.js")
    assert receivers(facts.listeners) == {"room_created": (SocketKind.CLIENT_SOCKET, None)}
    assert receivers(facts.emits) == {"create_room": (SocketKind.CLIENT_SOCKET, None)}


def test_a_field_assigned_before_its_use_in_an_earlier_method_and_imported_clients():
    facts = extract(
        """
        import { io as connect } from "socket.io-client";
        import { Server } from "socket.io";
        class Net {
          send() { this.conn.emit("early:use"); }
          start() { this.conn = connect("/live"); }
        }
        class Hub {
          constructor() { this.server = new Server(); }
          tell() { this.server.emit("hub:tell"); }
        }
        """,
        "a.js",
    )
    assert receivers(facts.emits) == {
        "early:use": (SocketKind.CLIENT_SOCKET, "/live"),
        "hub:tell": (SocketKind.SERVER, "/"),
    }


def test_a_field_assigned_a_typed_constructor_parameter():
    facts = extract(
        """
        import { Server } from "socket.io";
        class Hub {
          server;
          constructor(server: Server, peerSocket) { this.server = server; this.peerSocket = peerSocket; }
          tell() { this.server.emit("typed:param"); this.peerSocket.emit("untyped:param"); }
        }
        """
    )
    assert receivers(facts.emits) == {"typed:param": (SocketKind.SERVER, "/"), "untyped:param": (None, None)}


def test_a_class_field_assigned_something_else_stays_unknown():
    facts = extract(
        """
        function io() { return new EventTarget(); }
        class A {
          init() { this.socket = io(); this.socket.emit("local:io"); }
        }
        class B {
          init(io) { this.socket = io(); this.socket.emit("param:io"); }
        }
        """,
        "a.js",
    )
    assert all(emit.receiver.kind is None for emit in facts.emits)


def test_a_script_tag_client_in_a_class_pairs_with_the_server(tmp_path):
    root = write(tmp_path, {"static/js/network.js": NETWORK_JS})
    found = catalog_events(root)
    (listener,) = found["room_created"]["listeners"]
    (emit,) = found["create_room"]["emits"]
    assert (listener["side"], emit["side"], emit["scope"]) == ("client", "client", "server")


# -- C. connection handlers passed by reference ----------------------------------------------------------------


def test_a_method_passed_as_connection_handler_gets_the_namespace():
    facts = extract(
        """
        import { Server, Socket } from "socket.io";
        class ChatSocket {
          io = new Server();
          init() {
            this.io.of("/chat").on("connection", this.chatHandler);
            this.io.of("/bound").on("connection", this.boundHandler.bind(this));
            this.io.of("/typed").on("connection", (socket: Socket) => socket.emit("inline:typed"));
          }
          chatHandler(socket: Socket) {
            socket.broadcast.to("room:1").emit("chat:new", 1);
          }
          boundHandler = (client) => {
            client.emit("bound:hello");
          };
        }
        export { ChatSocket };
        """
    )
    assert receivers(facts.emits) == {
        "chat:new": (SocketKind.SERVER_SOCKET, "/chat"),
        "bound:hello": (SocketKind.SERVER_SOCKET, "/bound"),
        "inline:typed": (SocketKind.SERVER_SOCKET, "/typed"),
    }


HANDLERS_BY_REFERENCE = (
    SERVER
    + """
    function before(socket) {
      socket.emit("before:hello");
      socket.on("before:ask", () => socket.emit("before:answer"));
    }
    const arrow = (socket) => socket.emit("arrow:hello");
    io.of("/before").on("connection", before);
    io.of("/arrow").on("connection", arrow);
    io.on("connection", after);
    function after(socket) { socket.emit("after:hello"); }
    """
)


def test_a_function_passed_by_name_gets_the_socket_wherever_it_is_declared():
    facts = extract(HANDLERS_BY_REFERENCE)
    assert receivers(facts.emits) == {
        "before:hello": (SocketKind.SERVER_SOCKET, "/before"),
        "before:answer": (SocketKind.SERVER_SOCKET, "/before"),
        "arrow:hello": (SocketKind.SERVER_SOCKET, "/arrow"),
        "after:hello": (SocketKind.SERVER_SOCKET, "/"),
    }
    assert receivers(facts.listeners) == {"before:ask": (SocketKind.SERVER_SOCKET, "/before")}


def test_handlers_passed_by_name_to_something_else_are_left_alone():
    facts = extract(
        SERVER
        + """
        import { EventEmitter } from "events";
        const bus = new EventEmitter();
        import { socket as client } from "./client";
        function onConnection(socket) { socket.emit("bus:hello"); }
        bus.on("connection", onConnection);
        function shadowed(onConnection) { io.on("connection", onConnection); }
        function local() {
          const onConnection = pick();
          io.on("connection", onConnection);
        }
        function onConnect(socketRef) { socketRef.emit("client:connected"); }
        client.on("connect", onConnect);
        """
    )
    assert receivers(facts.emits) == {"bus:hello": (None, None), "client:connected": (None, None)}


# -- D. rooms named by a one-line helper ------------------------------------------------------------------------


def test_a_room_helper_of_the_same_file_lends_its_prefix():
    facts = extract(
        SERVER
        + """
        const userRoom = (userId: string) => `user:${userId}`;
        function orgRoom(orgId: string) {
          return "org:" + orgId;
        }
        function notRoom(x: string) {
          const y = x.trim();
          return `user:${y}`;
        }
        class Rooms {
          deal(id: string) { return `deal:${id}`; }
          send(id: string) { io.to(this.deal(id)).emit("deal:changed"); }
        }
        export function notify(userId: string, orgId: string) {
          io.to(userRoom(userId)).emit("notify:new", { id: 1 });
          io.to(orgRoom(orgId)).emit("org:changed");
          const room = userRoom(userId);
          io.to(room).emit("notify:held");
          io.to(notRoom(userId)).emit("not:room");
          io.to(unknownRoom(userId)).emit("unknown:room");
        }
        """
    )
    prefixes = {emit.name.value: [room.prefix for step in emit.chain for room in step.rooms] for emit in facts.emits}
    assert prefixes == {
        "deal:changed": ["deal:"],
        "notify:new": ["user:"],
        "org:changed": ["org:"],
        "notify:held": ["user:"],
        "not:room": [None],
        "unknown:room": [None],
    }


def test_a_room_helper_gives_the_user_scope(tmp_path):
    root = write(
        tmp_path,
        {
            "package.json": '{"name":"d","dependencies":{"socket.io":"4"}}',
            "notify.ts": SERVER
            + """
            const userRoom = (userId: string) => `user:${userId}`;
            export function notify(userId: string) {
              io.to(userRoom(userId)).emit("notify:new", { id: 1 });
            }
            """,
        },
    )
    (emit,) = catalog_events(root)["notify:new"]["emits"]
    assert emit["scope"] == "user"


def test_the_whole_tree_walk_gives_what_the_query_walk_gives(monkeypatch):
    from socketlens.extract import typescript

    sources = [(FETCH_SERVER, "a.ts"), (NETWORK_JS, "a.js"), (HANDLERS_BY_REFERENCE, "a.ts")]
    by_query = [extract(source, rel) for source, rel in sources]
    monkeypatch.setattr(typescript, "_visited_in_order", lambda root, grammar: None)
    assert [extract(source, rel) for source, rel in sources] == by_query
    assert all(facts.emits for facts in by_query)
