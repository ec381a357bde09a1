"""The TS/JS extractor on forms met in a second trial on real repositories: Angular's ngx-socket-io, RxJS
`fromEvent` on a socket, `.to()` chains held in locals, and servers published on a shared object
(`global.io = io`, `app.io = io`, `fastify.decorate("io", io)`)."""

from __future__ import annotations

from socketlens.model import Emit, ListenerKind, SocketKind

from extract_support import by_name, catalog_events, extract, write


# -- A. ngx-socket-io ----------------------------------------------------------------------------------------

NGX_SERVICE = """\
    import { Injectable } from '@angular/core';
    import { Socket } from 'ngx-socket-io';

    @Injectable({ providedIn: 'root' })
    export class ChatService {
      constructor(private socket: Socket) {}
      send(text: string) { this.socket.emit('chat:send', text); }
      messages() { return this.socket.fromEvent<string>('chat:message'); }
      once() { return this.socket.fromOneTimeEvent('chat:welcome'); }
      typing() { this.socket.on('chat:typing', (who: string) => console.log(who)); }
    }
"""


def test_an_injected_ngx_socket_io_socket_is_a_client_socket():
    facts = extract(NGX_SERVICE, "chat.service.ts")
    emits, listeners = by_name(facts.emits), by_name(facts.listeners)
    assert emits["chat:send"].receiver.kind == SocketKind.CLIENT_SOCKET
    assert {name: (l.receiver.kind, l.kind) for name, l in listeners.items()} == {
        "chat:message": (SocketKind.CLIENT_SOCKET, ListenerKind.ON),
        "chat:welcome": (SocketKind.CLIENT_SOCKET, ListenerKind.ONCE),
        "chat:typing": (SocketKind.CLIENT_SOCKET, ListenerKind.ON),
    }
    # The file's side is the client's, as for an import of socket.io-client.
    assert {module for _, module in facts.socket_imports} == {"socket.io-client"}


def test_a_class_extending_the_ngx_socket_io_socket_is_a_client_socket():
    facts = extract(
        """\
        import { Injectable } from '@angular/core';
        import { Socket } from 'ngx-socket-io';

        @Injectable()
        export class AppSocket extends Socket {
          constructor() { super({ url: 'http://localhost:3000', options: {} }); }
          hello() { this.emit('app:hello', 1); }
          updates() { return this.fromEvent('app:update'); }
        }

        @Injectable()
        export class UsesIt {
          constructor(private socket: AppSocket) {}
          ping() { this.socket.emit('app:ping'); }
        }
        """,
        "app-socket.ts",
    )
    emits = by_name(facts.emits)
    assert emits["app:hello"].receiver.kind == SocketKind.CLIENT_SOCKET
    assert emits["app:ping"].receiver.kind == SocketKind.CLIENT_SOCKET
    assert by_name(facts.listeners)["app:update"].receiver.kind == SocketKind.CLIENT_SOCKET


def test_from_event_methods_are_not_listeners_on_a_server_or_another_object():
    facts = extract(
        """\
        import { Server } from "socket.io";
        const io = new Server();
        io.on("connection", (socket) => { socket.fromEvent("server:x"); });
        const emitter = makeEmitter();
        emitter.fromEvent("other:x");
        """
    )
    assert facts.listeners == ()


def test_an_angular_client_with_ngx_socket_io_pairs_with_its_server(tmp_path):
    root = write(
        tmp_path,
        {
            "ng-client/package.json": '{"name":"ng-client","dependencies":{"@angular/core":"^16.0.0","ngx-socket-io":"^4.5.0"}}',
            "ng-client/src/chat.service.ts": NGX_SERVICE,
        },
    )
    found = catalog_events(root)
    assert [(e["side"], e["scope"]) for e in found["chat:send"]["emits"]] == [("client", "server")]
    for name in ("chat:message", "chat:typing"):
        assert [(l["side"], l["kind"]) for l in found[name]["listeners"]] == [("client", "on")], name


# -- B. RxJS `fromEvent(socket, name)` ---------------------------------------------------------------------

RXJS_SERVICE = """\
    import { Injectable } from '@angular/core';
    import { io, Socket } from 'socket.io-client';
    import { fromEvent, Observable } from 'rxjs';

    @Injectable()
    export class SocketService {
      private socket: Socket = io('http://localhost:8080');
      send(message: string): void { this.socket.emit('message', message); }
      onMessage(): Observable<string> { return fromEvent<string>(this.socket, 'message'); }
      onResize() { return fromEvent(window, 'resize'); }
    }
"""


def test_rxjs_from_event_on_a_socket_is_a_listener():
    facts = extract(RXJS_SERVICE, "socket.service.ts")
    listeners = by_name(facts.listeners)
    assert list(listeners) == ["message"]
    assert (listeners["message"].receiver.kind, listeners["message"].kind) == (SocketKind.CLIENT_SOCKET, ListenerKind.ON)


def test_from_event_of_another_module_or_on_another_object_is_not_a_listener():
    facts = extract(
        """\
        import { io } from 'socket.io-client';
        import { fromEvent as rxFromEvent } from 'rxjs';
        import { fromEvent } from './my-events';
        import { EventEmitter } from 'events';
        const socket = io();
        const emitter = new EventEmitter();
        fromEvent(socket, 'mine:not-rxjs');
        rxFromEvent(emitter, 'emitter:x');
        rxFromEvent(window, 'resize');
        rxFromEvent(socket, 'connect');
        rxFromEvent(socket, 'aliased:ok');
        """
    )
    assert list(by_name(facts.listeners)) == ["aliased:ok"]


def test_rxjs_from_event_gives_a_client_listener(tmp_path):
    root = write(
        tmp_path,
        {
            "package.json": '{"name":"w","dependencies":{"socket.io-client":"4","rxjs":"7"}}',
            "socket.service.ts": RXJS_SERVICE,
        },
    )
    (listener,) = catalog_events(root)["message"]["listeners"]
    assert (listener["side"], listener["kind"]) == ("client", "on")


# -- C. a `.to()` chain held in a local --------------------------------------------------------------------

HELD_CHAINS = """\
    import { Server } from "socket.io";
    const io = new Server();
    io.on("connection", (socket) => {
      const room = socket.to("room:lobby");
      room.emit("lobby:joined", { id: socket.id });
    });
    export function notify() {
      const target = io.to("room:lobby");
      target.emit("lobby:update", 1);
      const nsp = io.of("/admin");
      nsp.emit("admin:update", 2);
      const quiet = io.of("/chat").volatile;
      quiet.to("room:a").emit("chat:quiet", 3);
    }
"""


def test_an_emit_on_a_local_holding_a_chain_is_the_whole_chain():
    emits = by_name(extract(HELD_CHAINS).emits)
    joined = emits["lobby:joined"]
    assert (joined.receiver.root, joined.receiver.kind) == ("socket", SocketKind.SERVER_SOCKET)
    assert [(s.name, s.value) for s in joined.chain] == [("to", "room:lobby")]
    update = emits["lobby:update"]
    assert (update.receiver.root, update.receiver.kind) == ("io", SocketKind.SERVER)
    assert [(s.name, s.value) for s in update.chain] == [("to", "room:lobby")]
    quiet = emits["chat:quiet"]
    assert [(s.name, s.value) for s in quiet.chain] == [("of", "/chat"), ("volatile", None), ("to", "room:a")]


def test_a_conditional_reassignment_keeps_the_steps_every_path_has():
    facts = extract(
        """\
        import { getIO } from "./io";
        export function broadcast(ids: string[], event: string, payload: unknown, skip?: string) {
          let broadcaster = getIO().to(ids);
          if (skip) broadcaster = broadcaster.except(skip);
          broadcaster.emit(event, payload);
        }
        export function always(ids: string[], skip: string) {
          let target = getIO().to(ids);
          target = target.except(skip);
          target.emit("always:x", 1);
        }
        export function shadowed(broadcaster: { emit(e: string): void }) {
          broadcaster.emit("not:socket");
        }
        """
    )
    (forwarder,) = facts.forwarders
    assert (forwarder.function, forwarder.param_index) == ("broadcast", 1)
    inner = forwarder.inner
    assert isinstance(inner, Emit) and inner.receiver.root == "getIO()"
    assert [(s.name, s.args) for s in inner.chain] == [("to", ("ids",))]
    emits = by_name(facts.emits)
    assert [(s.name, s.args) for s in emits["always:x"].chain] == [("to", ("ids",)), ("except", ("skip",))]
    assert "not:socket" not in emits


def test_a_local_of_something_else_is_no_chain():
    facts = extract(
        """\
        import { EventEmitter } from "events";
        const bus = new EventEmitter();
        export function f() {
          const target = bus.to("x");
          target.emit("bus:x");
          const other = router.to("/home");
          other.emit("router:x");
        }
        """
    )
    assert facts.emits == ()


def test_chains_in_locals_give_room_scopes_and_wrappers_their_call_sites(tmp_path):
    root = write(
        tmp_path,
        {
            "package.json": '{"name":"r","dependencies":{"socket.io":"4"}}',
            "server.ts": HELD_CHAINS,
            "io.ts": 'import { Server } from "socket.io";\nconst io = new Server();\nexport const getIO = () => io;\n',
            "broadcast.ts": """\
                import { getIO } from "./io";
                export function broadcast(ids: string[], event: string, payload: unknown, skip?: string) {
                  let broadcaster = getIO().to(ids);
                  if (skip) broadcaster = broadcaster.except(skip);
                  broadcaster.emit(event, payload);
                }
            """,
            "use.ts": 'import { broadcast } from "./broadcast";\nbroadcast(["a"], "task:done", {});\n',
        },
    )
    found = catalog_events(root)
    scopes = {name: [(e["side"], e["scope"], e["namespace"]) for e in found[name]["emits"]] for name in found}
    assert scopes["lobby:joined"] == [("server", "room", "/")]
    assert scopes["lobby:update"] == [("server", "room", "/")]
    assert scopes["admin:update"] == [("server", "broadcast", "/admin")]
    # `getIO()` is untyped, and this project uses namespaces: which one it emits on is not known.
    assert scopes["task:done"] == [("server", "room", None)]


# -- D. a server published on a shared object --------------------------------------------------------------


def test_a_server_put_on_a_global_or_a_module_object_is_published_under_its_path():
    facts = extract(
        """\
        const { Server } = require("socket.io");
        const express = require("express");
        const app = express();
        const io = new Server(3000);
        global._io = io;
        globalThis.io = io;
        app.io = io;
        app.prepare().then(() => { window.sock = io; });
        function later(other) { other.io = io; }
        global.notSocket = 3;
        """,
        "server.js",
    )
    published = {b.name: (b.kind, b.namespace) for b in facts.sockets if "." in b.name}
    assert published == {
        "globalThis._io": (SocketKind.SERVER, "/"),
        "globalThis.io": (SocketKind.SERVER, "/"),
        "globalThis.sock": (SocketKind.SERVER, "/"),
        "app.io": (SocketKind.SERVER, "/"),
    }


def test_a_fastify_decorated_server_is_published_and_read_in_the_same_file():
    facts = extract(
        """\
        import { Server } from "socket.io";
        export default async function plugin(fastify) {
          fastify.decorate("io", new Server(fastify.server));
          fastify.io.emit("plugin:ready");
        }
        export function later() { global.io.emit("global:x"); }
        global.io = new Server().of("/ns");
        """
    )
    published = {b.name: (b.kind, b.namespace) for b in facts.sockets if "." in b.name}
    assert published == {"fastify.io": (SocketKind.SERVER, "/"), "globalThis.io": (SocketKind.NAMESPACE, "/ns")}
    ready = by_name(facts.emits)["plugin:ready"]
    assert (ready.receiver.root, ready.receiver.kind, ready.receiver.namespace) == ("fastify.io", SocketKind.SERVER, "/")


def test_a_shared_path_is_written_the_same_way_by_publisher_and_reader():
    from socketlens.extract.vocabulary import shared_socket_path

    assert shared_socket_path("global._io") == "globalThis._io"
    assert shared_socket_path("window.io") == "globalThis.io"
    assert shared_socket_path("globalThis.io") == "globalThis.io"
    assert shared_socket_path("fastify.io") == "fastify.io"
    assert shared_socket_path("io") is None and shared_socket_path("this.io") is None


def test_a_server_read_through_global_in_another_file_broadcasts(tmp_path):
    root = write(
        tmp_path,
        {
            "package.json": '{"name":"l","dependencies":{"socket.io":"^4.7.5"}}',
            "server.js": 'const { Server } = require("socket.io");\nconst io = new Server(3000);\nglobal._io = io;\n',
            "route.js": """\
                export function notifyAll() { global._io.emit("task:updated", { id: 1 }); }
                export function notifyOne(userId) { global._io.to(`user_${userId}`).emit("task:mine", { id: 1 }); }
            """,
        },
    )
    found = catalog_events(root)
    assert [e["scope"] for e in found["task:updated"]["emits"]] == ["broadcast"]
    assert [e["scope"] for e in found["task:mine"]["emits"]] == ["room"]


def test_the_fastify_socket_io_plugin_publishes_its_server_and_other_plugins_nothing():
    facts = extract(
        """\
        import Fastify from "fastify";
        import fastifyIO from "fastify-socket.io";
        import cors from "@fastify/cors";
        const app = Fastify();
        app.register(fastifyIO);
        app.register(cors);
        app.decorate("config", { port: 3000 });
        app.ready().then(() => { app.io.emit("app:ready"); });
        """
    )
    assert [(b.name, b.kind) for b in facts.sockets] == [("app.io", SocketKind.SERVER)]
    assert by_name(facts.emits)["app:ready"].receiver.kind == SocketKind.SERVER


def test_a_global_server_is_read_without_a_package_json(tmp_path):
    # A bare Next.js-style checkout without manifests: `global._io` still reads as a server.
    root = write(
        tmp_path,
        {
            "server.js": 'const { Server } = require("socket.io");\nconst io = new Server(3000);\nglobal._io = io;\n',
            "route.js": 'export function notifyAll() { global._io.emit("task:updated", { id: 1 }); }\n',
        },
    )
    found = catalog_events(root)
    assert [(e["side"], e["scope"]) for e in found["task:updated"]["emits"]] == [("server", "broadcast")]


def test_a_service_injecting_an_imported_ngx_socket_class_is_on_the_client(tmp_path):
    root = write(
        tmp_path,
        {
            "package.json": '{ "name": "ng-client", "dependencies": { "@angular/core": "^16.0.0", "ngx-socket-io": "^4.5.0" } }',
            "src/app-socket.ts": """\
                import { Injectable } from '@angular/core';
                import { Socket } from 'ngx-socket-io';
                @Injectable()
                export class AppSocket extends Socket {
                  constructor() { super({ url: 'http://localhost:3000', options: {} }); }
                }
            """,
            "src/uses.ts": """\
                import { Injectable } from '@angular/core';
                import { AppSocket } from './app-socket';
                @Injectable()
                export class Uses {
                  constructor(private socket: AppSocket) {}
                  ping() { this.socket.emit('app:ping'); }
                  pong() { return this.socket.fromEvent('app:pong'); }
                }
            """,
        },
    )
    found = catalog_events(root)
    assert [e["side"] for e in found["app:ping"]["emits"]] == ["client"]
    assert [(l["side"], l["kind"]) for l in found["app:pong"]["listeners"]] == [("client", "on")]
