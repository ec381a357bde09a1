"""False diagnostics found by the second real-repository trial: room lists that cannot be empty
(unscoped-broadcast), handshake authentication delegated to a helper (unauthenticated-server), and payloads
declared as the empty object type `{}` (payload-mismatch). Each case has its firing form next to it."""

import pytest

from test_rules_harness import apply_fix_and_recheck, check, line_of, make_repo, only, run

NOTIFY = "apps/api/src/notify.ts"


def notify(body: str, params: str = "a: string, b: string") -> dict[str, str]:
    return {
        NOTIFY: f"""\
import {{ io }} from "./socket";

export function notifyPair({params}) {{
{body}
  io.in(userIds).emit("lead:new", {{ leadId: "1", name: "a" }});
}}
"""
    }


# -- unscoped-broadcast: a room list bound to a non-empty array literal --------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "  const userIds = [`user:${a}`, `user:${b}`];",
        "  const userIds = [`user:${a}`, ...others];",
        "  const userIds = [`user:${a}`] as const;",
    ],
)
def test_unscoped_broadcast_trusts_a_const_bound_to_a_non_empty_array(tmp_path, body):
    found = only(check(tmp_path, notify(body, "a: string, others: string[]")), "unscoped-broadcast")
    assert found == []


def test_unscoped_broadcast_trusts_a_module_level_non_empty_const(tmp_path):
    files = {
        NOTIFY: """\
import { io } from "./socket";

const adminRooms = ["role:admin", "role:owner"];

export function notifyAdmins() {
  io.to(adminRooms).emit("lead:new", { leadId: "1", name: "a" });
}
"""
    }
    assert only(check(tmp_path, files), "unscoped-broadcast") == []


@pytest.mark.parametrize(
    "body, params",
    [
        ("  const userIds = [...others];", "others: string[]"),  # only spreads: may be empty
        ("  const userIds: string[] = [];", "a: string"),
        ("  let userIds = [`user:${a}`];\n  userIds = others.map((id) => `user:${id}`);", "a: string, others: string[]"),
        ("", "userIds: string[]"),  # a parameter
        ("  const ids = [`user:${a}`];", "a: string, userIds: string[]"),  # another name
    ],
)
def test_unscoped_broadcast_still_fires_on_room_lists_that_may_be_empty(tmp_path, body, params):
    found = only(check(tmp_path, notify(body, params)), "unscoped-broadcast")
    assert [(d.file, line_of(d)) for d in found] == [(NOTIFY, 5 + body.count("\n"))], found
    assert "when its room list is empty" in found[0].message


def test_unscoped_broadcast_does_not_trust_a_const_out_of_scope(tmp_path):
    files = {
        NOTIFY: """\
import { io } from "./socket";

const userIds = ["user:1"];

export function notifyAll(userIds: string[]) {
  io.in(userIds).emit("lead:new", { leadId: "1", name: "a" });
}

export function notifyBlock(ok: boolean, members: string[]) {
  if (ok) {
    const roomIds = ["room:1"];
  }
  const roomIds = members;
  io.in(roomIds).emit("lead:new", { leadId: "1", name: "a" });
}
"""
    }
    found = only(check(tmp_path, files), "unscoped-broadcast")
    assert [line_of(d) for d in found] == [6, 14]


# -- unauthenticated-server: the handshake read in a helper the middleware calls -------------------------------

SERVER = "apps/api/src/socket.ts"

SAME_FILE_HELPER = """\
import { Server, Socket } from "socket.io";
import jwt from "jsonwebtoken";

async function authenticate(socket: Socket) {
  const { token } = socket.handshake.auth;
  socket.data.user = jwt.verify(token, process.env.JWT_SECRET as string);
}

export const io = new Server(3000);

io.use((socket, next) => {
  authenticate(socket)
    .then(() => next())
    .catch(() => next(new Error("unauthorized")));
});
"""


def test_unauthenticated_server_accepts_a_middleware_delegating_to_a_helper_of_its_file(tmp_path):
    assert only(check(tmp_path, {SERVER: SAME_FILE_HELPER}), "unauthenticated-server") == []


@pytest.mark.parametrize(
    "server",
    [
        SAME_FILE_HELPER.replace('.catch(() => next(new Error("unauthorized")))', ".catch(() => next())"),
        SAME_FILE_HELPER.replace("socket.handshake.auth", "socket.data"),
        SAME_FILE_HELPER.replace("authenticate(socket)\n", "authenticate(other)\n"),
    ],
    ids=["never rejects", "helper reads no handshake", "socket not passed"],
)
def test_unauthenticated_server_still_fires_when_the_helper_does_not_authenticate(tmp_path, server):
    found = only(check(tmp_path, {SERVER: server}), "unauthenticated-server")
    assert [(d.file, line_of(d)) for d in found] == [(SERVER, 9)]


def test_unauthenticated_server_accepts_a_middleware_rejecting_through_catch_next(tmp_path):
    server = """\
import { Server } from "socket.io";
import { verifyToken } from "./tokens";

export const io = new Server(3000);

io.use((socket, next) => {
  verifyToken(socket.handshake.auth.token)
    .then((user) => {
      socket.data.user = user;
      next();
    })
    .catch(next);
});
"""
    assert only(check(tmp_path, {SERVER: server}), "unauthenticated-server") == []
    never_rejects = server.replace(".catch(next)", ".catch(() => next())")
    found = only(check(tmp_path, {SERVER: never_rejects}), "unauthenticated-server")
    assert [(d.file, line_of(d)) for d in found] == [(SERVER, 4)]


IMPORTING_SERVER = """\
import { Server } from "socket.io";
import { auth } from "./middlewares";

export const io = new Server(3000);

io.use((socket, next) => auth(socket).then(() => next(), (e) => next(e)));
"""

MIDDLEWARES = """\
import type { Socket } from "socket.io";
import jwt from "jsonwebtoken";

export const auth = async (socket: Socket) => {
  const header = socket.handshake.headers.authorization;
  if (!header) throw new Error("unauthorized");
  socket.data.user = jwt.verify(header.slice(7), process.env.JWT_SECRET as string);
};
"""


def test_unauthenticated_server_accepts_a_middleware_delegating_to_an_imported_helper(tmp_path):
    files = {SERVER: IMPORTING_SERVER, "apps/api/src/middlewares.ts": MIDDLEWARES}
    assert only(check(tmp_path, files), "unauthenticated-server") == []


def test_unauthenticated_server_follows_a_default_exported_helper(tmp_path):
    server = IMPORTING_SERVER.replace("import { auth }", "import auth")
    helper = MIDDLEWARES.replace("export const auth = async (socket: Socket) =>", "export default async function auth(socket: Socket)")
    helper = helper.replace("\n};\n", "\n}\n")
    files = {SERVER: server, "apps/api/src/middlewares.ts": helper}
    assert only(check(tmp_path, files), "unauthenticated-server") == []


@pytest.mark.parametrize(
    "server, middlewares",
    [
        (IMPORTING_SERVER, MIDDLEWARES.replace("socket.handshake.headers.authorization", "socket.data.header")),
        (IMPORTING_SERVER.replace("(e) => next(e)", "() => next()"), MIDDLEWARES),
        (IMPORTING_SERVER.replace("auth(socket)", "auth(undefined, socket)"), MIDDLEWARES),
    ],
    ids=["helper reads no handshake", "never rejects", "socket passed in another position"],
)
def test_unauthenticated_server_still_fires_when_the_imported_helper_does_not_authenticate(tmp_path, server, middlewares):
    files = {SERVER: server, "apps/api/src/middlewares.ts": middlewares}
    found = only(check(tmp_path, files), "unauthenticated-server")
    assert [(d.file, line_of(d)) for d in found] == [(SERVER, 4)]


# -- payload-mismatch: the empty object type ------------------------------------------------------------------

EMPTY_TYPES = """\
export interface LeadSummary {
  leadId: string;
  name: string;
}
export type Anything = {};
export interface Nothing {}
export interface Keyed extends Nothing {
  id: string;
}
export interface ServerToClientEvents {
  "lead:new": (payload: LeadSummary) => void;
  "chat:message": (payload: { body: string; at?: number }) => void;
}
export interface ClientToServerEvents {
  "chat:send": (payload: { body: string }) => void;
  "users:get": (payload: {}, callback: (data: unknown) => void) => void;
  "users:find": (payload: Anything) => void;
  "users:list": (payload: Nothing) => void;
  "users:one": (payload: {} & { id: string }) => void;
  "users:keyed": (payload: Keyed) => void;
}
"""
CLIENT = "apps/web/src/lib/users.ts"


def users(emit: str) -> dict[str, str]:
    return {
        "packages/shared/src/socket-events.ts": EMPTY_TYPES,
        CLIENT: f'import {{ socket }} from "./socket";\n\nexport function load() {{\n  {emit}\n}}\n',
    }


@pytest.mark.parametrize(
    "emit",
    [
        'socket.emit("users:get", { email: "a@b.c" }, (data) => console.log(data));',
        'socket.emit("users:find", { email: "a@b.c" });',
        'socket.emit("users:list", { page: 1 });',
        'socket.emit("users:one", { id: "1" });',
        'socket.emit("users:keyed", { id: "1" });',
    ],
)
def test_payload_mismatch_leaves_the_empty_object_type_alone(tmp_path, emit):
    assert only(check(tmp_path, users(emit)), "payload-mismatch") == []


@pytest.mark.parametrize(
    "emit, problem",
    [
        ('socket.emit("users:one", { email: "a@b.c" });', 'missing required key "id", unknown key "email"'),
        ('socket.emit("users:keyed", { id: "1", email: "a@b.c" });', 'unknown key "email"'),
    ],
)
def test_payload_mismatch_still_reads_the_keys_next_to_an_empty_type(tmp_path, emit, problem):
    found = only(check(tmp_path, users(emit)), "payload-mismatch")
    assert [(d.file, d.message.split(": ", 1)[1]) for d in found] == [(CLIENT, problem)]


# -- unauthenticated-server: servers made by the socket.io factory call ---------------------------------------

API_SERVER_JS = "apps/api/src/server.js"
API_SERVER_TS = "apps/api/src/server.ts"

REQUIRE_FACTORY = """\
const server = require("http").createServer();
const io = require("socket.io")(server);
io.on("connection", (client) => { client.emit("tick", 1); });
"""

IMPORTED_FACTORY = """\
import http from "http";
import socketIO from "socket.io";
const io = socketIO(http.createServer());
io.on("connection", (client) => { client.emit("tick", 1); });
"""

HANDSHAKE_MIDDLEWARE = """
io.use((socket, next) => {
  if (!socket.handshake.auth.token) return next(new Error("unauthorized"));
  next();
});
"""


def factory_repo(rel: str, source: str) -> dict[str, str | None]:
    """The api project with its one server file replaced by `source` (the baseline's is authenticated)."""
    return {SERVER: None, rel: source}


@pytest.mark.parametrize(
    "rel, source, line",
    [
        (API_SERVER_JS, REQUIRE_FACTORY, 2),
        (API_SERVER_TS, IMPORTED_FACTORY, 3),
        (API_SERVER_JS, REQUIRE_FACTORY.replace("(server)", '(server, { cors: { origin: "*" } })'), 2),
        (API_SERVER_JS, 'const socketIO = require("socket.io");\nconst io = socketIO(3000);\n', 2),
        (API_SERVER_JS, 'let io;\nio = require("socket.io")(3000);\n', 2),
        (API_SERVER_JS, 'module.exports = (server) => {\n  const io = require("socket.io")(server);\n  return io;\n};\n', 2),
        (API_SERVER_JS, 'const { Server } = require("socket.io");\nconst io = new Server(require("http").createServer());\n', 2),
    ],
    ids=["require factory", "imported factory", "factory with options", "required then called", "assigned", "in a function", "new Server"],
)
def test_unauthenticated_server_fires_on_a_server_made_by_the_factory_call(tmp_path, rel, source, line):
    found = only(check(tmp_path, factory_repo(rel, source)), "unauthenticated-server")
    assert [(d.file, line_of(d)) for d in found] == [(rel, line)], found


@pytest.mark.parametrize("rel, source", [(API_SERVER_JS, REQUIRE_FACTORY), (API_SERVER_TS, IMPORTED_FACTORY)])
def test_unauthenticated_server_accepts_a_factory_server_checking_the_handshake(tmp_path, rel, source):
    assert only(check(tmp_path, factory_repo(rel, source + HANDSHAKE_MIDDLEWARE)), "unauthenticated-server") == []


@pytest.mark.parametrize(
    "source",
    [
        'const socket = require("socket.io-client")("http://localhost:3000");\nsocket.on("tick", () => {});\n',
        'import io from "socket.io-client";\nconst socket = io("http://localhost:3000");\nsocket.on("tick", () => {});\n',
        'const app = require("express")();\nconst wss = require("ws")({ port: 3000 });\n',
        'function socketIO(server) { return server; }\nconst io = socketIO(require("http").createServer());\n',
    ],
    ids=["required client", "imported client", "other factories", "local function named like it"],
)
def test_unauthenticated_server_ignores_factory_calls_that_make_no_server(tmp_path, source):
    assert only(check(tmp_path, factory_repo(API_SERVER_JS, source)), "unauthenticated-server") == []


@pytest.mark.parametrize("rel, source", [(API_SERVER_JS, REQUIRE_FACTORY), (API_SERVER_TS, IMPORTED_FACTORY)])
def test_unauthenticated_server_fix_adds_the_middleware_after_a_factory_server(tmp_path, rel, source):
    root = make_repo(tmp_path, factory_repo(rel, source))
    (found,) = only(run(root), "unauthenticated-server")
    (fix,) = found.fixes
    apply_fix_and_recheck(root, found, fix)
    assert "io.use((socket, next) => {" in (root / rel).read_text()
