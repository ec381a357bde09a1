"""The TS/JS extractor on forms met in a third trial on real repositories: sockets read off a store's
`getState()` (Zustand), a Koa server created straight onto `app.io`, and connection sockets passed to a
same-file handler function (`register(socket)`)."""

from __future__ import annotations

from socketlens.model import ListenerKind, SocketKind

from extract_support import by_name, catalog_events, extract, write


# -- A. a socket read off an expression (a store's `getState()`) ---------------------------------------------

STORE_CALLS = """\
    import { useSocketIO } from './store'
    import { useSocketStore } from './store2'
    export const a1 = () => useSocketIO.getState().io!.emit('a1')
    export const a2 = () => useSocketIO.getState().io?.emit('a2')
    export const a3 = () => useSocketIO.getState().io!.to('room').emit('a3')
    export const a5 = () => useSocketIO.getState().io!.on('a5', () => {})
    export const c1 = () => useSocketStore.getState().socket?.emit('c1')
    export const x1 = () => foo.getState().emitter.emit('x1')
    export const x2 = () => getSocket().io.on('open', () => {})
    export const x3 = () => useBus.getState().bus.emit('x3')
"""


def test_a_socket_named_member_of_a_call_is_a_receiver_of_unknown_kind():
    facts = extract(STORE_CALLS)
    emits, listeners = by_name(facts.emits), by_name(facts.listeners)
    assert set(emits) == {"a1", "a2", "a3", "c1"}
    assert {name: (e.receiver.root, e.receiver.kind) for name, e in emits.items()} == {
        "a1": ("useSocketIO.getState().io", None),
        "a2": ("useSocketIO.getState().io", None),
        "a3": ("useSocketIO.getState().io", None),
        "c1": ("useSocketStore.getState().socket", None),
    }
    assert [step.name for step in emits["a3"].chain] == ["to"]
    # `getSocket().io` is a client socket's Manager: its events are no socket events.
    assert {name: (l.receiver.root, l.kind) for name, l in listeners.items()} == {
        "a5": ("useSocketIO.getState().io", ListenerKind.ON)
    }


def test_sockets_in_a_zustand_store_give_client_emits_and_listeners(tmp_path):
    root = write(
        tmp_path,
        {
            "package.json": '{"name":"c","dependencies":{"socket.io-client":"^4","zustand":"^4"}}',
            "src/store.ts": """\
                import { create } from 'zustand'
                import type { Socket } from 'socket.io-client'
                type SocketStore = { io: Socket | null; setIO: (io: Socket | null) => void }
                export const useSocketIO = create<SocketStore>((set) => ({ io: null, setIO: (io) => set({ io }) }))
            """,
            "src/store2.ts": """\
                import { create } from 'zustand'
                import { io, type Socket } from 'socket.io-client'
                type S = { socket: Socket | null; connect: () => void }
                export const useSocketStore = create<S>((set) => ({
                  socket: null,
                  connect: () => set({ socket: io('http://localhost:3000') }),
                }))
            """,
            "src/a.ts": STORE_CALLS,
        },
    )
    found = catalog_events(root)
    assert set(found) == {"a1", "a2", "a3", "a5", "c1"}
    for name in ("a1", "a2", "c1"):
        assert [e["side"] for e in found[name]["emits"]] == ["client"]
    assert [l["side"] for l in found["a5"]["listeners"]] == ["client"]


# -- B. a server created onto a module object (`app.io = require('socket.io')(server)`) ------------------------

KOA_APP = """\
    const Koa = require('koa')
    const app = new Koa()
    app.server = require('http').createServer(app.callback())
    app.io = require('socket.io')(app.server)

    app.io.on('connection', (client) => {
      client.on('item:watch', (id) => client.join(`item:${id}`))
      client.emit('hello')
    })
    app.io.emit('boot')
"""


def test_a_server_created_onto_a_member_of_a_non_socket_object_is_a_server():
    facts = extract(KOA_APP, "app.js")
    published = {b.name: (b.kind, b.namespace) for b in facts.sockets if "." in b.name}
    assert published == {"app.io": (SocketKind.SERVER, "/")}
    emits, listeners = by_name(facts.emits), by_name(facts.listeners)
    assert (emits["boot"].receiver.root, emits["boot"].receiver.kind) == ("app.io", SocketKind.SERVER)
    assert emits["hello"].receiver.kind == SocketKind.SERVER_SOCKET
    assert listeners["item:watch"].receiver.kind == SocketKind.SERVER_SOCKET


def test_a_new_server_put_on_a_koa_app_gives_scopes(tmp_path):
    root = write(
        tmp_path,
        {
            "package.json": '{"name":"api","dependencies":{"koa":"^2","socket.io":"^4"}}',
            "app.js": KOA_APP.replace("require('socket.io')(app.server)", "new Server(app.server)").replace(
                "const Koa = require('koa')", "const Koa = require('koa')\nconst { Server } = require('socket.io')"
            ),
        },
    )
    found = catalog_events(root)
    assert [e["scope"] for e in found["boot"]["emits"]] == ["broadcast"]
    assert [e["scope"] for e in found["hello"]["emits"]] == ["socket"]
    assert [l["side"] for l in found["item:watch"]["listeners"]] == ["server"]


# -- C. a connection socket passed to a function of the same file ---------------------------------------------


def test_a_function_called_with_the_connection_socket_gets_a_server_socket():
    facts = extract(
        """\
        const { Server } = require("socket.io");
        const io = new Server(3000);
        function register(socket) { socket.emit("b1", 1); }
        const registerOrders = (server, client) => { client.on("order:create", () => server.emit("order:created")); };
        io.on("connection", (socket) => {
          register(socket);
          registerOrders(io, socket);
          later(socket);
          other("x", socket);
        });
        function later(sock) { sock.emit("b2"); }
        function other(name, target) { target.emit("b4"); }  // typed by what it is passed, not its name
        function unrelated(socket) { socket.emit("b3"); }
        """,
        "b.js",
    )
    emits, listeners = by_name(facts.emits), by_name(facts.listeners)
    assert emits["b1"].receiver.kind == SocketKind.SERVER_SOCKET
    assert emits["b2"].receiver.kind == SocketKind.SERVER_SOCKET
    assert emits["b4"].receiver.kind == SocketKind.SERVER_SOCKET
    assert emits["order:created"].receiver.kind == SocketKind.SERVER
    assert listeners["order:create"].receiver.kind == SocketKind.SERVER_SOCKET
    assert emits["b3"].receiver.kind is None  # never called with a socket


def test_the_docs_handler_layout_gives_socket_scope(tmp_path):
    root = write(
        tmp_path,
        {
            "package.json": '{"name":"x","dependencies":{"socket.io":"^4"}}',
            "b.js": """\
                const { Server } = require("socket.io");
                const io = new Server(3000);
                function register(socket) { socket.emit("b1", 1); }
                io.on("connection", (socket) => register(socket));
            """,
        },
    )
    found = catalog_events(root)
    assert [e["scope"] for e in found["b1"]["emits"]] == ["socket"]


def test_a_route_reads_the_app_server_through_its_context(tmp_path):
    # Koa's `ctx.app` and Express's `req.app` are the application a module put its server on.
    root = write(
        tmp_path,
        {
            "package.json": '{"name":"api","dependencies":{"koa":"^2","socket.io":"^4"}}',
            "app.js": KOA_APP,
            "routes.js": """\
                const Router = require('@koa/router')
                const router = new Router()
                router.post('/items', async (ctx) => { ctx.app.io.emit('item:created', ctx.request.body) })
                router.post('/orders', async (ctx) => { ctx.app.ws.emit('order:created') })
                module.exports = router
            """,
        },
    )
    found = catalog_events(root)
    assert [e["scope"] for e in found["item:created"]["emits"]] == ["broadcast"]
    assert "order:created" not in found  # `ws` is no socket name, and nothing put a server there


def test_the_app_of_a_request_or_context_is_read_as_the_app():
    from socketlens.extract.vocabulary import shared_socket_path

    assert shared_socket_path("ctx.app.io") == "app.io"
    assert shared_socket_path("req.app.io") == "app.io"
    assert shared_socket_path("app.io") == "app.io"
    assert shared_socket_path("ctx.state.io") == "ctx.state.io"
    assert shared_socket_path("window.app.io") == "globalThis.app.io"
