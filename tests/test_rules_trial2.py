"""False diagnostics found by the second real-repository trial: room lists that cannot be empty
(unscoped-broadcast), handshake authentication delegated to a helper (unauthenticated-server), and payloads
declared as the empty object type `{}` (payload-mismatch). Each case has its firing form next to it."""

import pytest

from test_rules_harness import check, line_of, only

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
