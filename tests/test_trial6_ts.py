"""Found by the sixth real-repository trial, TypeScript/JavaScript side: servers handed to Express routes through
the app (`app.set("io", io)`) or the request (`req.io = io` in a middleware, `res.locals.io`); socket.io imported
as a namespace, a default or a whole `require` (`new socketio.Server(...)`, `io: socket.Server`); event names held
in static class fields (`ChatEvents.SEND`); and socket-controllers' decorated classes. Each case has its
precision twin next to it."""

from __future__ import annotations

import json

from extract_support import by_name, catalog_events, extract, write
from test_rules_harness import line_of, only, run

from socketlens.analysis import navigate as nav
from socketlens.config import Config
from socketlens.index.builder import IndexBuilder
from socketlens.model import ListenerKind, Lit, ObjectValue, SocketKind


def manifest(name: str, dependencies: dict[str, str]) -> str:
    return json.dumps({"name": name, "dependencies": dependencies})


def emits_of(events: dict[str, dict], name: str) -> list[tuple[str, int, str, str]]:
    return [(site["file"], site["line"], site["side"], site["scope"]) for site in events.get(name, {}).get("emits", [])]


def listeners_of(events: dict[str, dict], name: str) -> list[tuple[str, int, str]]:
    return [(site["file"], site["line"], site["side"]) for site in events.get(name, {}).get("listeners", [])]


def found(diagnostics, code: str) -> list[tuple[str, int]]:
    return [(d.file, line_of(d)) for d in only(diagnostics, code)]


# -- Express: the server handed to routes through the app or the request ---------------------------------------

EXPRESS_INDEX = """\
    const express = require("express");
    const http = require("http");
    const { Server } = require("socket.io");
    const app = express();
    const server = http.createServer(app);
    const io = new Server(server);
    app.set("io", io);
    app.set("mailer", { send() {} });
    app.use((request, response, next) => {
      request.io = io;
      response.locals.realtime = io;
      next();
    });
    app.use("/api/leads", require("./routes/leads"));
    """


def express_app(routes: str) -> dict[str, str]:
    return {
        "package.json": manifest("api", {"express": "^4.19.0", "socket.io": "^4.7.5"}),
        "src/index.js": EXPRESS_INDEX,
        "src/routes/leads.js": routes,
    }


def test_a_server_set_on_the_express_app_is_read_through_the_app_in_routes(tmp_path):
    files = express_app(
        """\
        const router = require("express").Router();
        router.post("/", (req, res) => {
          const realtime = req.app.get("io");
          realtime.to(`org:${req.user.orgId}`).emit("lead:new", { id: 1 });
          req.app.get("io").emit("lead:all", 1);
          res.app.get("io").emit("lead:res", 1);
          realtime.emit("lead:local", 1);
          res.json({});
        });
        module.exports = router;
        """
    )
    events = catalog_events(write(tmp_path, files))
    assert emits_of(events, "lead:new") == [("src/routes/leads.js", 4, "server", "org")]
    assert emits_of(events, "lead:all") == [("src/routes/leads.js", 5, "server", "broadcast")]
    assert emits_of(events, "lead:res") == [("src/routes/leads.js", 6, "server", "broadcast")]
    assert emits_of(events, "lead:local") == [("src/routes/leads.js", 7, "server", "broadcast")]


def test_a_server_set_on_an_app_another_module_creates(tmp_path):
    files = {
        "package.json": manifest("api", {"express": "^4.19.0", "socket.io": "^4.7.5"}),
        "src/app.js": 'const express = require("express");\nmodule.exports = express();\n',
        "src/server.js": """\
            const app = require("./app");
            const { Server } = require("socket.io");
            const io = new Server(require("http").createServer(app));
            app.set("socketServer", io);
            """,
        "src/routes.js": """\
            module.exports = function notify(req, res) {
              const hub = req.app.get("socketServer");
              hub.to(`user:${req.user.id}`).emit("note:new", 1);
            };
            """,
    }
    events = catalog_events(write(tmp_path, files))
    assert emits_of(events, "note:new") == [("src/routes.js", 3, "server", "user")]


def test_a_setting_that_is_no_server_stays_out(tmp_path):
    files = express_app(
        """\
        const router = require("express").Router();
        router.post("/", (req, res) => {
          req.app.get("mailer").emit("mail:sent", 1);
          req.app.get("events").emit("lead:bus", 1);
          const bus = req.app.get("bus");
          bus.emit("lead:bus2", 1);
          res.json({});
        });
        module.exports = router;
        """
    )
    events = catalog_events(write(tmp_path, files))
    assert emits_of(events, "mail:sent") == [] and emits_of(events, "lead:bus") == []
    assert emits_of(events, "lead:bus2") == []


def test_a_server_a_middleware_puts_on_the_request_or_its_locals_is_read_in_routes(tmp_path):
    files = express_app(
        """\
        const router = require("express").Router();
        router.post("/", (req, res) => {
          req.io.to(`user:${req.body.userId}`).emit("post:created", { id: 1 });
          req.io.emit("post:any", { id: 1 });
          res.locals.realtime.emit("post:locals", { id: 1 });
          const live = req.io;
          live.emit("post:held", 1);
          res.json({ ok: true });
        });
        module.exports = router;
        """
    )
    root = write(tmp_path, files)
    events = catalog_events(root)
    assert emits_of(events, "post:created") == [("src/routes/leads.js", 3, "server", "user")]
    assert emits_of(events, "post:any") == [("src/routes/leads.js", 4, "server", "broadcast")]
    assert emits_of(events, "post:locals") == [("src/routes/leads.js", 5, "server", "broadcast")]
    assert emits_of(events, "post:held") == [("src/routes/leads.js", 7, "server", "broadcast")]
    # The rule and the catalog agree: every broadcast of the catalog is reported, and only those.
    assert found(run(root), "unscoped-broadcast") == [
        ("src/routes/leads.js", 4),
        ("src/routes/leads.js", 5),
        ("src/routes/leads.js", 7),
    ]


def test_a_controller_reads_the_request_s_server_put_by_the_middleware():
    facts = extract(
        """\
        const express = require("express");
        const io = require("socket.io")(require("http").createServer());
        const app = express();
        app.use((req, res, next) => {
          req.io = io;
          return next();
        });
        app.post("/posts", (req, res) => req.io.emit("post", {}));
        """,
        "index.js",
    )
    published = {binding.name: binding.kind for binding in facts.sockets}
    assert published["req.io"] == SocketKind.SERVER
    assert by_name(facts.emits)["post"].receiver.kind == SocketKind.SERVER


def test_a_request_property_set_outside_a_middleware_is_not_published():
    facts = extract(
        """\
        const { Server } = require("socket.io");
        const io = new Server(3000);
        function handle(req, res) {
          req.io = io;
        }
        const cache = new Map();
        cache.set("io", io);
        """,
        "index.js",
    )
    assert [binding.name for binding in facts.sockets if "." in binding.name] == []


# -- socket.io imported as a namespace, a default, or a whole require ---------------------------------------------


def test_a_server_constructed_through_a_namespace_import():
    facts = extract(
        """\
        import http from "http";
        import * as socketio from "socket.io";

        const io = new socketio.Server(http.createServer());
        io.on("connection", (socket) => {
          socket.on("ping", () => socket.emit("pong"));
        });
        io.emit("hello", 1);
        """
    )
    emits = by_name(facts.emits)
    assert emits["hello"].receiver.kind == SocketKind.SERVER
    assert emits["pong"].receiver.kind == SocketKind.SERVER_SOCKET
    assert [c.kind for c in facts.connections] == [SocketKind.SERVER]


def test_a_server_constructed_and_typed_through_a_default_import():
    facts = extract(
        """\
        import http from "http";
        import socket from "socket.io";

        const io: socket.Server = new socket.Server(http.createServer());
        function handlers(server: socket.Server) {
          server.on("connection", (s: socket.Socket) => {
            s.on("ping", () => s.emit("pong"));
          });
          server.emit("hello", 1);
        }
        """
    )
    emits = by_name(facts.emits)
    assert emits["hello"].receiver.kind == SocketKind.SERVER
    assert emits["pong"].receiver.kind == SocketKind.SERVER_SOCKET
    assert [c.kind for c in facts.connections] == [SocketKind.SERVER]


def test_a_server_constructed_through_a_whole_require_must_authenticate(tmp_path):
    files = {
        "package.json": manifest("api", {"socket.io": "^4.7.5"}),
        "index.js": """\
            const socketio = require("socket.io");
            const sio = new socketio.Server(require("http").createServer());
            sio.on("connection", (socket) => {
              socket.on("ping", () => socket.emit("pong"));
            });
            """,
    }
    root = write(tmp_path, files)
    assert emits_of(catalog_events(root), "pong") == [("index.js", 4, "server", "socket")]
    assert found(run(root), "unauthenticated-server") == [("index.js", 2)]


def test_a_member_constructor_of_another_module_is_no_server():
    facts = extract(
        """\
        import * as ws from "ws";
        import * as other from "./other";
        const a = new ws.Server({ port: 1 });
        const b = new other.Server();
        a.emit("x", 1);
        b.emit("y", 1);
        """
    )
    assert facts.connections == ()
    assert by_name(facts.emits) == {}


# -- event names in static class fields ---------------------------------------------------------------------------

EVENTS_CLASS = {
    "package.json": manifest("chat", {"socket.io": "^4.7.5", "socket.io-client": "^4.7.5"}),
    "src/events.ts": """\
        export class ChatEvents {
          static readonly SEND = "chat:send";
          static RECEIVED = "chat:received";
          readonly instanceField = "not:static";
        }
        """,
    "src/server.ts": """\
        import { Server } from "socket.io";
        import { ChatEvents } from "./events";

        const io = new Server(3000);
        io.on("connection", (socket) => {
          socket.on(ChatEvents.SEND, (text: string) => socket.emit(ChatEvents.RECEIVED, text));
        });
        """,
    "src/client.ts": """\
        import { io } from "socket.io-client";
        import { ChatEvents } from "./events";

        const socket = io("http://localhost:3000");
        socket.emit(ChatEvents.SEND, "hello");
        socket.on(ChatEvents.RECEIVED, (t: string) => console.log(t));
        socket.emit(ChatEvents.instanceField, 1);
        """,
}


def test_static_class_fields_are_bindings_of_the_module():
    facts = extract(EVENTS_CLASS["src/events.ts"])
    binding = facts.binding("ChatEvents")
    assert isinstance(binding, ObjectValue)
    assert binding.get("SEND") == Lit("chat:send") and binding.get("RECEIVED") == Lit("chat:received")
    assert binding.get("instanceField") is None


def test_events_named_by_static_class_fields_resolve_across_files(tmp_path):
    events = catalog_events(write(tmp_path, EVENTS_CLASS))
    assert emits_of(events, "chat:send") == [("src/client.ts", 5, "client", "server")]
    assert listeners_of(events, "chat:send") == [("src/server.ts", 6, "server")]
    assert emits_of(events, "chat:received") == [("src/server.ts", 6, "server", "socket")]
    assert "not:static" not in events


def test_a_static_field_used_in_its_own_file():
    facts = extract(
        """\
        import { Server } from "socket.io";
        class Events { static JOIN = "room:join"; }
        const io = new Server(3000);
        io.emit(Events.JOIN, 1);
        """
    )
    assert facts.emits[0].name.name == "Events" and facts.binding("Events").get("JOIN") == Lit("room:join")


def test_renaming_an_event_held_by_a_static_field_edits_the_field(tmp_path):
    # Without the dynamic client emit (`ChatEvents.instanceField`), which could be any event and blocks renames.
    client = EVENTS_CLASS["src/client.ts"].replace("        socket.emit(ChatEvents.instanceField, 1);\n", "")
    root = write(tmp_path, {**EVENTS_CLASS, "src/client.ts": client})
    index = IndexBuilder(root, Config(), use_cache=False, jobs=1).build()
    data = (root / "src/client.ts").read_bytes()
    target = nav.target_at(index, "src/client.ts", data.index(b"ChatEvents.SEND") + 12)
    edits = nav.rename_plan(index, target, "chat:post")
    assert [(e.file, (root / e.file).read_bytes()[e.span.start_byte : e.span.end_byte], e.new_text) for e in edits] == [
        ("src/events.ts", b"chat:send", "chat:post")
    ]


# -- socket-controllers ---------------------------------------------------------------------------------------------

CONTROLLERS = {
    "package.json": json.dumps({"name": "app", "private": True, "workspaces": ["server", "client"]}),
    "server/package.json": manifest("server", {"socket-controllers": "^0.3.0", "socket.io": "^4.7.5"}),
    "server/src/controllers/MessageController.ts": """\
        import { ConnectedSocket, EmitOnFail, EmitOnSuccess, MessageBody, OnConnect, OnMessage, SocketController, SocketIO } from "socket-controllers";
        import { Server, Socket } from "socket.io";

        @SocketController("/chat")
        export class MessageController {
          @OnConnect()
          connection(@ConnectedSocket() socket: any) {
            socket.join("lobby");
          }

          @OnMessage("save")
          @EmitOnSuccess("message_saved")
          @EmitOnFail("save_failed")
          save(@ConnectedSocket() socket: any, @SocketIO() io: any, @MessageBody() message: any) {
            socket.emit("saving", 1);
            io.emit("anyone", 1);
            return { id: 1, ...message };
          }
        }
        """,
    "client/package.json": manifest("client", {"socket.io-client": "^4.7.5"}),
    "client/src/chat.ts": """\
        import { io } from "socket.io-client";

        const socket = io("http://localhost:3001/chat");
        socket.emit("save", { text: "hi" });
        socket.on("message_saved", (m) => console.log(m));
        socket.on("save_failed", (m) => console.log(m));
        socket.on("saving", (m) => console.log(m));
        """,
}


def test_socket_controllers_handlers_and_their_emits():
    facts = extract(CONTROLLERS["server/src/controllers/MessageController.ts"])
    listeners = by_name(facts.listeners)
    assert set(listeners) == {"save"}
    assert listeners["save"].kind == ListenerKind.HANDLER
    assert listeners["save"].receiver.kind == SocketKind.SERVER_SOCKET
    assert listeners["save"].receiver.namespace == "/chat"
    emits = by_name(facts.emits)
    assert set(emits) == {"message_saved", "save_failed", "saving", "anyone"}
    for name in ("message_saved", "save_failed", "saving"):
        assert emits[name].receiver.kind == SocketKind.SERVER_SOCKET and emits[name].receiver.namespace == "/chat"
    assert emits["anyone"].receiver.kind == SocketKind.SERVER


def test_socket_controllers_pair_with_the_client(tmp_path):
    root = write(tmp_path, CONTROLLERS)
    events = catalog_events(root)
    controller = "server/src/controllers/MessageController.ts"
    assert listeners_of(events, "save") == [(controller, 11, "server")]
    assert emits_of(events, "message_saved") == [(controller, 12, "server", "socket")]
    assert emits_of(events, "save_failed") == [(controller, 13, "server", "socket")]
    diagnostics = run(root)
    # `io.emit("anyone")` goes to the server's main namespace, where no client listens.
    assert found(diagnostics, "no-listener") == [(controller, 16)]
    assert found(diagnostics, "no-emitter") == []


def test_decorators_of_another_library_are_not_socket_controllers():
    facts = extract(
        """\
        import { SocketController, OnMessage, EmitOnSuccess } from "./my-decorators";

        @SocketController()
        export class MessageController {
          @OnMessage("save")
          @EmitOnSuccess("saved")
          save() {}
        }
        """
    )
    assert facts.listeners == () and facts.emits == ()
