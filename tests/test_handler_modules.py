"""Connection handlers in modules of their own, the socket.io docs' "application structure": the server file
passes `io` and the connection's socket to a function another module exports (`registerOrderHandlers(io,
socket)`), and the sites on that function's parameters take the kinds and namespaces of what is passed."""

from __future__ import annotations

import json
import textwrap

from socketlens.config import Config
from socketlens.index.builder import IndexBuilder
from socketlens.model import SocketKind

from extract_support import by_name, catalog_events, extract, write
from test_rules_harness import only, run

SERVER_PACKAGE = json.dumps({"name": "api", "dependencies": {"socket.io": "^4"}})
MIXED_PACKAGE = json.dumps({"name": "app", "dependencies": {"socket.io": "^4", "socket.io-client": "^4"}})

# The docs' order handler: a broadcast on `io`, a room emit and a listener on the socket.
ORDER_HANDLER_BODY = """\
      const createOrder = (payload) => {
        socket.to(`user:${payload.userId}`).emit("order:created", payload.id);
      };
      const readOrder = (orderId, callback) => {
        io.emit("order:read", orderId);
      };
      socket.on("order:create", createOrder);
      socket.on("order:read", readOrder);
"""


def order_handler(opening: str, closing: str = "};") -> str:
    return f"{opening}\n{ORDER_HANDLER_BODY}{closing}\n"


COMMONJS_SERVER = """\
    const httpServer = require("http").createServer();
    const io = require("socket.io")(httpServer);
    const registerOrderHandlers = require("./orderHandler");
    const onConnection = (socket) => {
      registerOrderHandlers(io, socket);
    };
    io.on("connection", onConnection);
"""


def sites(event: dict, kind: str) -> list[tuple]:
    """(side, scope, namespace) of an event's emits, (side, kind) of its listeners."""
    if kind == "emits":
        return [(e["side"], e["scope"], e["namespace"]) for e in event["emits"]]
    return [(l["side"], l["kind"]) for l in event["listeners"]]


def assert_order_sites(found: dict, namespace: str = "/") -> None:
    assert sites(found["order:read"], "emits") == [("server", "broadcast", "/")]
    assert sites(found["order:created"], "emits") == [("server", "user", namespace)]
    assert sites(found["order:create"], "listeners") == [("server", "on")]


# -- extraction --------------------------------------------------------------------------------------------


def test_a_call_of_an_imported_function_records_the_sockets_it_passes():
    facts = extract(COMMONJS_SERVER, "index.js")
    [passed] = facts.socket_passes
    assert passed.callee.name == "registerOrderHandlers" and passed.module is None
    assert passed.sockets == ((0, SocketKind.SERVER, "/"), (1, SocketKind.SERVER_SOCKET, "/"))


def test_a_called_require_and_a_namespace_member_record_their_module():
    facts = extract(
        """\
        const { Server } = require("socket.io");
        const io = new Server(3000);
        const handlers = require("./handlers");
        const lodash = require("lodash");
        io.on("connection", (socket) => {
          require("./order")(io, socket);
          require("./chat").register(socket);
          handlers.register(io);
          lodash.noop(socket.id);
          log(socket);
        });
        """,
        "index.js",
    )
    passes = [(p.module, p.callee.name, p.callee.path, [s[0] for s in p.sockets]) for p in facts.socket_passes]
    assert passes == [
        ("./order", "default", (), [0, 1]),
        ("./chat", "register", (), [0]),
        (None, "handlers", ("register",), [0]),
    ]


def test_sites_on_a_parameter_of_an_exported_function_record_it():
    facts = extract(order_handler("module.exports = (io, socket) => {"), "orderHandler.js")
    emits, listeners = by_name(facts.emits), by_name(facts.listeners)
    assert emits["order:read"].receiver.handler_param == ("default", 0)
    assert emits["order:created"].receiver.handler_param == ("default", 1)
    assert listeners["order:create"].receiver.handler_param == ("default", 1)
    assert emits["order:read"].receiver.kind is None


def test_each_export_form_names_the_function_as_its_module_exports_it():
    forms = {
        "exports.register = (io, socket) => { socket.emit('x'); };": "register",
        "module.exports.register = function (io, socket) { socket.emit('x'); };": "register",
        "module.exports = { register: (io, socket) => { socket.emit('x'); } };": "register",
        "function register(io, socket) { socket.emit('x'); }\nmodule.exports = { register };": "register",
        "export default function (io, socket) { socket.emit('x'); }": "default",
        "export default function registerAll(io, socket) { socket.emit('x'); }": "registerAll",
        "export function register(io, socket) { socket.emit('x'); }": "register",
        "export const register = (io, socket) => { socket.emit('x'); };": "register",
        "const register = (io, socket) => { socket.emit('x'); };\nexport { register as setup };": "register",
    }
    for source, function in forms.items():
        [emit] = extract(source, "h.js").emits
        assert emit.receiver.handler_param == (function, 1), source


def test_a_parameter_of_a_function_that_is_not_exported_or_is_shadowed_records_nothing():
    facts = extract(
        """\
        function local(io, socket) { socket.emit("a"); }
        export function register(io, socket) {
          socket.on("b", (socket) => socket.emit("c"));
          const inner = function (io) { io.emit("d"); };
        }
        export function typed(bus: { emit(event: string): void }, client) {
          bus.emit("e");  // typed as something else: no site, as before
          client.emit("f");  // untyped: what callers pass decides
        }
        """,
        "h.ts",
    )
    params = {site.name.value: site.receiver.handler_param for site in (*facts.emits, *facts.listeners)}
    assert params == {"a": None, "b": ("register", 1), "c": None, "d": None, "f": ("typed", 1)}


# -- the index: kinds, sides and namespaces from the callers ----------------------------------------------------


def test_the_docs_layout_in_commonjs(tmp_path):
    root = write(
        tmp_path,
        {
            "package.json": SERVER_PACKAGE,
            "src/index.js": COMMONJS_SERVER,
            "src/orderHandler.js": order_handler("module.exports = (io, socket) => {"),
        },
    )
    assert_order_sites(catalog_events(root))


def test_the_docs_layout_in_esm_with_every_kind_of_import(tmp_path):
    root = write(
        tmp_path,
        {
            "package.json": SERVER_PACKAGE,
            "src/index.js": """\
                import { Server } from "socket.io";
                import registerOrderHandlers from "./orderHandler.js";
                import { registerChat } from "./chat";
                import * as presence from "./presence";
                const io = new Server(3000);
                io.on("connection", (socket) => {
                  registerOrderHandlers(io, socket);
                  registerChat(socket);
                  presence.register(io, socket);
                  require("./typing")(socket);
                });
            """,
            "src/orderHandler.js": order_handler("export default function (io, socket) {", "}"),
            "src/chat.js": "export function registerChat(client) { client.emit('chat:hello'); }\n",
            "src/presence.js": "export const register = (io, socket) => { socket.broadcast.emit('presence:on'); };\n",
            "src/typing.js": "module.exports = function (socket) { socket.on('typing', () => {}); };\n",
        },
    )
    found = catalog_events(root)
    assert_order_sites(found)
    # `client` is named like nothing: what it is passed makes it a socket.
    assert sites(found["chat:hello"], "emits") == [("server", "socket", "/")]
    assert sites(found["presence:on"], "emits") == [("server", "broadcast-except-sender", "/")]
    assert sites(found["typing"], "listeners") == [("server", "on")]


def test_typescript_handlers_with_untyped_parameters(tmp_path):
    root = write(
        tmp_path,
        {
            "package.json": SERVER_PACKAGE,
            "src/server.ts": """\
                import { Server } from "socket.io";
                import registerOrderHandlers from "./handlers/order";
                const io = new Server(3000);
                io.on("connection", (socket) => registerOrderHandlers(io, socket));
            """,
            # tsconfig's `noImplicitAny: false`: the docs' handler, as is, in a .ts file.
            "src/handlers/order.ts": order_handler("export default (io, socket) => {"),
        },
    )
    assert_order_sites(catalog_events(root))


def test_a_namespace_connection_gives_the_handler_sites_its_namespace(tmp_path):
    root = write(
        tmp_path,
        {
            "package.json": SERVER_PACKAGE,
            "src/index.js": """\
                const { Server } = require("socket.io");
                const register = require("./orderHandler");
                const registerAdmin = require("./adminHandler");
                const io = new Server(3000);
                io.of("/admin").on("connection", (s) => register(io, s));
                const admins = io.of("/admins");
                admins.on("connection", (s) => registerAdmin(admins, s));
                const { registerChat } = require("./chat");
                io.of("/chat").on("connection", (s) => registerChat(s));
            """,
            "src/orderHandler.js": order_handler("module.exports = (io, socket) => {"),
            "src/adminHandler.js": "module.exports = (nsp, socket) => { nsp.emit('admin:joined', socket.id); };\n",
            # A typed socket: its type tells the kind, the caller the namespace.
            "src/chat.ts": """\
                import type { Socket } from "socket.io";
                export function registerChat(socket: Socket) { socket.emit("chat:ready"); }
            """,
        },
    )
    found = catalog_events(root)
    assert_order_sites(found, namespace="/admin")
    assert sites(found["admin:joined"], "emits") == [("server", "broadcast", "/admins")]
    assert sites(found["chat:ready"], "emits") == [("server", "socket", "/chat")]


def test_in_a_package_with_both_socket_io_packages_the_handler_sites_are_server_sites(tmp_path):
    # Next.js custom servers and many small apps: one package.json, the server and the pages.
    root = write(
        tmp_path,
        {
            "package.json": MIXED_PACKAGE,
            "server.js": COMMONJS_SERVER.replace("./orderHandler", "./lib/orderHandler"),
            "lib/orderHandler.js": order_handler("module.exports = (io, socket) => {"),
            "lib/client.js": """\
                import { io } from "socket.io-client";
                const socket = io();
                socket.emit("order:create", { id: 1 });
            """,
        },
    )
    found = catalog_events(root)
    assert_order_sites(found)
    assert sites(found["order:create"], "emits") == [("client", "server", None)]


def test_callers_passing_different_kinds_leave_the_sites_as_they_were(tmp_path):
    root = write(
        tmp_path,
        {
            "package.json": SERVER_PACKAGE,
            "src/a.js": """\
                const { Server } = require("socket.io");
                const notify = require("./notify");
                const io = new Server(3000);
                io.on("connection", (socket) => notify(socket));
            """,
            "src/b.js": """\
                const { Server } = require("socket.io");
                const notify = require("./notify");
                const io = new Server(3001);
                notify(io);
            """,
            "src/notify.js": "module.exports = (socket) => { socket.emit('notice'); };\n",
        },
    )
    assert sites(catalog_events(root)["notice"], "emits") == [("server", "unknown", "/")]


def test_a_function_never_called_with_sockets_is_unchanged(tmp_path):
    files = {
        "package.json": MIXED_PACKAGE,
        "server.js": """\
            const { Server } = require("socket.io");
            const { helper } = require("./lib/helper");
            const io = new Server(3000);
            helper("x");
            io.on("connection", (socket) => socket.emit("welcome"));
        """,
        "lib/helper.js": """\
            exports.helper = (io) => { io.emit('helped'); };
            exports.other = (socket) => { socket.emit('other'); };
        """,
    }
    found = catalog_events(write(tmp_path, files))
    # As before: `io` is judged by its name (a server), `socket` has no side in a mixed package.
    assert sites(found["helped"], "emits") == [("server", "unknown", "/")]
    assert "other" not in found


# -- rules ----------------------------------------------------------------------------------------------------


def test_unscoped_broadcast_reads_the_broadcast_in_the_handler_module(tmp_path):
    root = write(
        tmp_path,
        {
            "package.json": SERVER_PACKAGE,
            "src/index.js": COMMONJS_SERVER
            + """\
    const admin = io.of("/admin");
    admin.on("connection", (s) => require("./adminHandler")(admin, s));
""",
            "src/orderHandler.js": order_handler("module.exports = (io, socket) => {"),
            "src/adminHandler.js": "module.exports = (nsp, socket) => { nsp.emit('admin:joined', socket.id); };\n",
        },
    )
    found = only(run(root), "unscoped-broadcast")
    messages = sorted((d.file, d.span.start_line + 1, d.message.split(";")[0]) for d in found)
    assert messages == [
        ("src/adminHandler.js", 1, '"admin:joined" is broadcast to every socket of /admin'),
        ("src/orderHandler.js", 6, '"order:read" is broadcast to every connected socket'),
    ]


# -- incremental updates ----------------------------------------------------------------------------------------


def test_an_edited_caller_or_barrel_re_resolves_the_handler_module(tmp_path):
    barrel = 'export { default } from "./order";\n'
    root = write(
        tmp_path,
        {
            "package.json": SERVER_PACKAGE,
            "src/index.js": COMMONJS_SERVER.replace("./orderHandler", "./handlers"),
            "src/handlers/index.js": barrel,
            "src/handlers/order.js": order_handler("module.exports = (io, socket) => {"),
        },
    )
    builder = IndexBuilder(root, Config(), use_cache=False, jobs=1)
    index = builder.build()
    scope = lambda: index.event("order:read").emits[0].scope.value  # noqa: E731
    assert scope() == "broadcast"
    # The barrel stops exporting the handler, then exports it again.
    redone = index.update(builder.extract_source("src/handlers/index.js", b'export { default as x } from "./order";\n'))
    assert "src/handlers/order.js" in redone and scope() == "unknown"
    index.update(builder.extract_source("src/handlers/index.js", barrel.encode()))
    assert scope() == "broadcast"
    # The call goes: the sites are as they were before any caller.
    without_call = textwrap.dedent(COMMONJS_SERVER).replace("registerOrderHandlers(io, socket);", "")
    redone = index.update(builder.extract_source("src/index.js", without_call.encode()))
    assert "src/handlers/order.js" in redone and scope() == "unknown"
