"""The TS/TSX/JS extractor on small inline sources: what one file alone can tell."""

from __future__ import annotations

import textwrap

import pytest

from socketlens.extract import ExtractOptions, extract_file
from socketlens.model import (
    Direction,
    Emit,
    Listener,
    ListenerKind,
    Lit,
    Opaque,
    Param,
    Ref,
    SocketKind,
)

SERVER = 'import { Server } from "socket.io";\nconst io = new Server();\n'
CLIENT = 'import { io } from "socket.io-client";\nconst socket = io("/chat");\n'


def extract(source: str, rel: str = "a.ts", **options):
    data = textwrap.dedent(source).encode()
    language = {"ts": "typescript", "tsx": "tsx", "js": "javascript", "cjs": "javascript"}[rel.rsplit(".", 1)[1]]
    return extract_file(rel, data, language, ExtractOptions(**options))


def by_name(sites):
    return {site.name.value if isinstance(site.name, Lit) else site.name_text: site for site in sites}


def test_chain_of_any_length_and_order_keeps_every_step():
    facts = extract(SERVER + 'io.of("/a").except(x).to(["r1", `org:${o}`]).in(y).volatile.local.compress(true).timeout(9)\n  .emit("e");\n')
    (emit,) = facts.emits
    assert [step.name for step in emit.chain] == ["of", "except", "to", "in", "volatile", "local", "compress", "timeout"]
    assert emit.chain[0].value == "/a"
    assert [(room.text, room.prefix) for room in emit.chain[2].rooms] == [('"r1"', "r1"), ("`org:${o}`", "org:")]
    assert emit.receiver.kind == SocketKind.SERVER
    assert emit.span.start_line == 3  # the event name, on the line after the chain


def test_room_prefixes_from_local_constants_and_string_building():
    facts = extract(
        SERVER
        + """
        const PREFIX = "org:";
        function f(orgId: string, userId: string) {
          const room = `org:${orgId}`;
          const other = "user:" + userId;
          io.to(room).to(other).to("team:".concat(orgId)).to(PREFIX).emit("e");
        }
        """
    )
    rooms = [room.prefix for step in facts.emits[0].chain for room in step.rooms]
    assert rooms == ["org:", "user:", "team:", "org:"]


def test_receivers_and_their_kinds():
    facts = extract(
        SERVER
        + """
        import { io as connect, Socket as ClientSocket } from "socket.io-client";
        import type { Socket, Namespace } from "socket.io";
        const admin = io.of("/admin");
        io.on("connection", (socket) => { socket.emit("conn"); socket.nsp.emit("nsp"); });
        admin.on("connection", (s) => s.emit("admin-conn"));
        function typed(s: Socket, n: Namespace, c: ClientSocket) { s.emit("t1"); n.emit("t2"); c.emit("t3"); }
        const client = connect("https://x.example/live");
        client.emit("client");
        """
    )
    kinds = {name: (emit.receiver.kind, emit.receiver.namespace) for name, emit in by_name(facts.emits).items()}
    assert kinds == {
        "conn": (SocketKind.SERVER_SOCKET, "/"),
        "nsp": (SocketKind.NAMESPACE, "/"),
        "admin-conn": (SocketKind.SERVER_SOCKET, "/admin"),
        "t1": (SocketKind.SERVER_SOCKET, None),
        "t2": (SocketKind.NAMESPACE, None),
        "t3": (SocketKind.CLIENT_SOCKET, None),
        "client": (SocketKind.CLIENT_SOCKET, "/live"),
    }


def test_declaration_payload_doc_and_spans():
    facts = extract(
        """
        interface ServerToClientEvents {
          /**
           * Multi-line
           * doc.
           */
          "a:b": (x: number,
                  y: string) => void;
          c(): void;
          // not JSDoc
          d: (p: P) => void;
        }
        """,
    )
    decls = by_name(facts.declarations)
    assert decls["a:b"].doc == "Multi-line\ndoc."
    assert decls["a:b"].payload == "x: number, y: string"
    assert decls["a:b"].direction == Direction.SERVER_TO_CLIENT
    assert (decls["a:b"].span.start_line, decls["a:b"].span.start_col) == (6, 2)
    assert decls["a:b"].name.span == decls["a:b"].span
    assert decls["c"].payload == "" and decls["c"].doc is None
    assert decls["d"].doc is None


def test_computed_keys_stay_symbolic_for_the_index():
    facts = extract(
        """
        import { ChatEvent } from "./events";
        const LOCAL = "local:x";
        export type ClientToServerEvents = {
          [ChatEvent.MessageNew]: () => void;
          [LOCAL]: () => void;
        };
        """
    )
    names = [d.name for d in facts.declarations]
    assert names[0] == Ref("ChatEvent", ("MessageNew",))
    assert names[1] in (Ref("LOCAL"), Lit("local:x"))


def test_generics_give_roles_and_learned_maps_give_directions():
    source = """
        import { Server } from "socket.io";
        import type { Socket } from "socket.io-client";
        interface Mine { a: () => void }
        export const io = new Server<Up, Down, Between>();
        let s: Socket<S2C, C2S>;
    """
    facts = extract(source)
    assert dict(facts.map_roles) == {
        "Up": Direction.CLIENT_TO_SERVER,
        "Down": Direction.SERVER_TO_CLIENT,
        "Between": Direction.INTER_SERVER,
        "S2C": Direction.SERVER_TO_CLIENT,
        "C2S": Direction.CLIENT_TO_SERVER,
    }
    assert facts.declarations == ()
    learned = extract(source, learned_maps=(("Mine", Direction.INTER_SERVER),))
    (declaration,) = learned.declarations
    assert (declaration.name, declaration.direction) == (Lit("a"), Direction.INTER_SERVER)


def test_wrappers_and_custom_hooks_become_forwarders():
    facts = extract(
        SERVER
        + """
        export function emitToOrg(orgId: string, event: string, ...args: unknown[]) {
          io.to(`org:${orgId}`).emit(event, ...args);
        }
        export const useLive = (event: string, fn: () => void) => { socket.on(event, fn); };
        emitToOrg("o", "x", 1);
        socket.on("relay", (name) => io.emit(name));
        """
    )
    forwarders = {(f.function, f.param_index, type(f.inner)) for f in facts.forwarders}
    assert forwarders == {("emitToOrg", 1, Emit), ("useLive", 0, Listener)}
    assert facts.emits[-1].name == Opaque()  # a parameter of an anonymous callback: dynamic, not a wrapper
    (call,) = [c for c in facts.calls if c.callee == Ref("emitToOrg")]
    assert call.args[1] == Lit("x")


def test_hooks_default_and_configured():
    source = 'useSocketEvent("a", () => {});\nuseChannel("b", h);\n'
    assert [(l.name, l.kind, l.hook) for l in extract(source, "a.tsx").listeners] == [
        (Lit("a"), ListenerKind.HOOK, "useSocketEvent")
    ]
    configured = extract(source, "a.tsx", hooks=("useChannel",)).listeners
    assert [(l.name, l.hook) for l in configured] == [(Lit("b"), "useChannel")]


@pytest.mark.parametrize(
    "source",
    [
        'import { EventEmitter } from "events";\nconst e = new EventEmitter();\ne.emit("x");\ne.on("x", f);\n',
        'const e = new (require("events"))();\ne.emit("x");\n',
        'window.addEventListener("x", f);\ndocument.dispatchEvent(new Event("x"));\n',
        'import $ from "jquery";\n$("#a").on("x", f);\n$(document).on("x", f);\n',
        'export default { methods: { go() { this.$emit("x"); this.$on("x", f); } } };\n',
        'const emit = defineEmits(["x"]);\nemit("x");\n',
        'const stripe = new Stripe(key);\nstripe.on("x", f);\n',
        'const channel = pusher.subscribe("c");\nchannel.bind("x", f);\nchannel.emit("x");\n',
        'const ws = new WebSocket(url);\nws.emit("x");\nws.on("x", f);\n',
        'import WebSocket from "ws";\nconst ws = new WebSocket(url);\nws.on("x", f);\n',
        'process.on("x", f);\nprocess.emit("x");\n',
        'import mitt from "mitt";\nconst bus = mitt();\nbus.emit("x");\nbus.on("x", f);\n',
    ],
)
def test_not_socket_io(source):
    facts = extract(source, "a.js")
    assert facts.emits == () and facts.listeners == () and facts.forwarders == ()


def test_commonjs_requires_and_exports():
    facts = extract(
        """
        const { Server } = require("socket.io");
        const { A, B: Bee } = require("./names");
        const names = require("./names");
        const C = require("./names").C;
        const io = new Server();
        module.exports = { LOCAL: "x", io };
        exports.OTHER = "y";
        """,
        "a.cjs",
    )
    imports = {(i.local, i.specifier, i.imported) for i in facts.imports}
    assert {("A", "./names", "A"), ("Bee", "./names", "B"), ("names", "./names", "*"), ("C", "./names", "C")} <= imports
    assert facts.binding("LOCAL") == Lit("x") and facts.binding("OTHER") == Lit("y")
    assert ("io", "io") in facts.exports
    assert [b.kind for b in facts.sockets if b.name == "io"] == [SocketKind.SERVER]


def test_reexports_and_default_exports():
    facts = extract(
        """
        export * from "./a";
        export * as ns from "./b";
        export { x as y, default as z } from "./c";
        const LOCAL = "l";
        export default LOCAL;
        """
    )
    assert {(r.exported, r.specifier, r.imported) for r in facts.reexports} == {
        ("*", "./a", "*"), ("ns", "./b", "*ns"), ("y", "./c", "x"), ("z", "./c", "default")
    }
    assert ("default", "LOCAL") in facts.exports


def test_tsx_and_jsx_parse():
    tsx = extract('const C = () => { useSocketEvent("t", () => {}); return <div>{x as any}</div>; };\n', "a.tsx")
    jsx = extract('const C = () => { useSocketEvent("j", () => {}); return <div />; };\n', "a.js")
    assert [l.name for l in tsx.listeners] == [Lit("t")]
    assert [l.name for l in jsx.listeners] == [Lit("j")]
    assert not tsx.has_errors and not jsx.has_errors


def test_param_names_a_wrapper_parameter():
    facts = extract(SERVER + "function send(event: string) { io.emit(event); }\n")
    (forwarder,) = facts.forwarders
    assert forwarder.inner.name == Param("send", 0)


def test_class_fields_typed_or_created_as_sockets_are_receivers_through_this():
    facts = extract(
        """\
        import { Server, Namespace } from "socket.io";
        import { io } from "socket.io-client";
        import { WebSocketServer } from "@nestjs/websockets";

        class Gateway {
          @WebSocketServer() server: Server;
          private hub: Server | null = null;
          #client = io("/x");
          constructor(private readonly admin: Namespace, plain: Server) {}
          tell() {
            this.server.to(`org:${1}`).emit("gw:told", 1);
            this.hub?.emit("hub:told");
            this.admin.emit("admin:told");
            this.emitter.emit("not:a-socket");
          }
        }
        class Other {
          tell() { this.server.emit("other:unknown"); }
        }
        """
    )
    emits = by_name(facts.emits)
    assert emits["gw:told"].receiver.kind == SocketKind.SERVER
    assert emits["gw:told"].receiver.root == "this.server"
    assert emits["gw:told"].receiver.namespace is None  # a gateway's namespace is its decorator's; none here
    assert emits["hub:told"].receiver.namespace == "/"
    assert emits["hub:told"].receiver.kind == SocketKind.SERVER
    assert emits["admin:told"].receiver.kind == SocketKind.NAMESPACE
    assert "not:a-socket" not in emits
    assert "other:unknown" not in emits  # another class's `this.server` is not known to be a socket


def test_private_field_names_keep_their_socket_convention():
    facts = extract(
        """\
        export class SocketService {
          setIO(io) { this._io = io; }
          emitToOrg(orgId: string, event: string, data: unknown) {
            this._io.to(`org:${orgId}`).emit(event, data);
          }
        }
        """
    )
    (forwarder,) = facts.forwarders
    assert (forwarder.function, forwarder.param_index, forwarder.inner.receiver.root) == ("emitToOrg", 1, "this._io")


def test_nestjs_gateway_server_field_takes_the_decorators_namespace():
    facts = extract(
        """\
        import { WebSocketGateway, WebSocketServer } from "@nestjs/websockets";
        import { Server } from "socket.io";

        @WebSocketGateway(4001, { namespace: "alerts", cors: { origin: "*" } })
        export class AlertsGateway {
          @WebSocketServer() server: Server;
          send(data: unknown) { this.server.emit("alert:new", data); }
        }
        @WebSocketGateway()
        export class MainGateway {
          @WebSocketServer() server: Server;
          send() { this.server.emit("main:tick"); }
        }
        """
    )
    emits = by_name(facts.emits)
    assert emits["alert:new"].receiver.namespace == "/alerts"
    assert emits["main:tick"].receiver.namespace == "/"


def test_service_class_methods_are_forwarders_and_member_calls_are_kept():
    facts = extract(
        """
        import { Server } from "socket.io";
        export class SocketService {
          constructor(private readonly io: Server) {}
          emitToOrganization(orgId: string, event: string, data: unknown) {
            this.io.to(`org:${orgId}`).emit(event, data);
          }
          notify = (event: string) => this.io.emit(event);
          refresh() { this.emitToOrganization("o", "self", 1); }
        }
        export function plain(event: string) { io.emit(event); }
        class Tasks {
          constructor(private readonly _sockets: SocketService) {}
          create() {
            this._sockets.emitToOrganization("o", "task:created", {});
            this.deps.sockets.notify("deep");
            socketService.notify("singleton");
            console.log("not a service");
          }
        }
        """
    )
    forwarders = {(f.function, f.param_index, f.method_of) for f in facts.forwarders}
    assert forwarders == {("emitToOrganization", 1, "SocketService"), ("notify", 0, "SocketService"), ("plain", 0, None)}
    (inner,) = [f.inner for f in facts.forwarders if f.function == "emitToOrganization"]
    assert inner.receiver.root == "this.io" and inner.receiver.kind == SocketKind.SERVER
    calls = {c.callee: c.args for c in facts.calls}
    assert calls[Ref("this", ("emitToOrganization",))][1] == Lit("self")
    assert calls[Ref("this", ("_sockets", "emitToOrganization"))][1] == Lit("task:created")
    assert calls[Ref("this", ("deps", "sockets", "notify"))] == (Lit("deep"),)
    assert calls[Ref("socketService", ("notify",))] == (Lit("singleton"),)
    assert not [c for c in facts.calls if c.callee.name == "console"]


GATEWAY = """
    import { WebSocketGateway, WebSocketServer, SubscribeMessage, ConnectedSocket } from "@nestjs/websockets";
    import { Server, Socket } from "socket.io";
    @WebSocketGateway(3001, { namespace: "/chat" })
    export class ChatGateway {
      @WebSocketServer() server: Server;
      handleConnection(client) { client.emit("hi"); }
      @SubscribeMessage("chat:send")
      onSend(@ConnectedSocket() client, data) { client.emit("ack"); }
      @SubscribeMessage(EVENTS.typing)
      @UseGuards(AuthGuard)
      onTyping(data, client: Socket) {}
      helper(client) { client.emit("not-a-socket"); }
    }
    class Plain {
      @SubscribeMessage("plain:x") handle(@ConnectedSocket() client) { client.emit("plain:y"); }
    }
"""


def test_nestjs_subscribe_message_handlers_and_gateway_sockets():
    facts = extract(GATEWAY)
    listeners = {(str(l.name_text), l.kind, l.function, l.receiver.kind, l.receiver.namespace) for l in facts.listeners}
    assert listeners == {
        ('"chat:send"', ListenerKind.HANDLER, "onSend", SocketKind.SERVER_SOCKET, "/chat"),
        ("EVENTS.typing", ListenerKind.HANDLER, "onTyping", SocketKind.SERVER_SOCKET, "/chat"),
    }
    (typing,) = [l for l in facts.listeners if l.function == "onTyping"]
    assert typing.name == Ref("EVENTS", ("typing",))
    emits = by_name(facts.emits)
    assert (emits["hi"].receiver.kind, emits["hi"].receiver.namespace) == (SocketKind.SERVER_SOCKET, "/chat")
    assert (emits["ack"].receiver.kind, emits["ack"].receiver.namespace) == (SocketKind.SERVER_SOCKET, "/chat")
    # An untyped `client` of an ordinary method, or of a class that is not a gateway, is no socket.
    assert "not-a-socket" not in emits and "plain:y" not in emits
    assert not [c for c in facts.calls if c.callee.name == "SubscribeMessage"]


def test_injected_gateway_server_in_a_service():
    facts = extract(
        """
        import { Injectable } from "@nestjs/common";
        import { ChatGateway } from "../chat/chat.gateway";

        class Mailer { server = { emit(_e: string) {} }; }

        @Injectable()
        export class NotificationsService {
          constructor(private readonly chatGateway: ChatGateway, private readonly mailer: Mailer) {}

          notify(userId: string, n: unknown) {
            this.chatGateway.server.to(`user:${userId}`).emit("new_notification", n);
            this.chatGateway.server.emit("announcement", n);
            this.mailer.server.emit("not-a-socket");
          }
        }
        """,
        rel="src/notifications/notifications.service.ts",
    )
    emits = by_name(facts.emits)
    assert set(emits) == {"new_notification", "announcement"}
    scoped = emits["new_notification"]
    assert scoped.receiver.root == "this.chatGateway.server" and scoped.receiver.kind == SocketKind.SERVER
    assert [step.name for step in scoped.chain] == ["to"]
    assert emits["announcement"].chain == ()


def test_the_global_io_of_socket_io_client_script_makes_a_client_socket():
    # Plain browser pages load /socket.io/socket.io.js and call the global io().
    source = 'const socket = io();\nsocket.emit("chat message", text);\nsocket.on("chat message", show);\n'
    facts = extract_file("public/main.js", source.encode(), "javascript", ExtractOptions())
    assert [(e.name.value, e.receiver.kind) for e in facts.emits] == [("chat message", SocketKind.CLIENT_SOCKET)]
    assert [c.constructor for c in facts.connections] == ["io"]


def test_a_local_function_named_io_is_not_the_client_global():
    source = 'function io() { return bus; }\nconst socket = io();\nsocket.emit("x", 1);\n'
    facts = extract_file("src/a.js", source.encode(), "javascript", ExtractOptions())
    assert facts.connections == ()
    assert all(e.receiver.kind != SocketKind.CLIENT_SOCKET for e in facts.emits)


def test_the_whole_tree_walk_gives_what_the_query_walk_gives(monkeypatch):
    # The query finds the visited nodes in C; trees whose byte ranges cannot order them (error recovery)
    # fall back on a Python walk of the whole tree. Both must see every fixture file the same way.
    from pathlib import Path

    from socketlens.extract import typescript

    fixtures = Path(__file__).parent / "fixtures"
    files = [p for p in sorted(fixtures.rglob("*")) if p.suffix in (".ts", ".tsx", ".js") and "node_modules" not in p.parts]
    assert len(files) > 20
    language = {".ts": "typescript", ".tsx": "tsx", ".js": "javascript"}
    by_query = [extract_file(str(p), p.read_bytes(), language[p.suffix], ExtractOptions()) for p in files]
    monkeypatch.setattr(typescript, "_visited_in_order", lambda root, grammar: None)
    by_tree = [extract_file(str(p), p.read_bytes(), language[p.suffix], ExtractOptions()) for p in files]
    assert by_tree == by_query
    assert sum(len(facts.emits) + len(facts.listeners) for facts in by_query) >= 20
