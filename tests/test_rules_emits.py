"""Rules about what an emit sends and to whom: unscoped-broadcast, unprefixed-room, reserved-event,
large-payload, payload-mismatch. Each fires on the bad form and stays quiet on the near miss."""

import pytest

from test_rules_harness import check, line_of, only

ROUTE = "apps/api/src/routes/extra.ts"


def route(body: str, params: str = "req, res") -> dict[str, str]:
    return {
        ROUTE: f"""\
import {{ Router }} from "express";
import {{ db }} from "../db";
import {{ io }} from "../socket";

const router = Router();

router.post("/api/extra", async ({params}) => {{
{body}
}});

export default router;
"""
    }


@pytest.mark.parametrize(
    "emit",
    [
        'io.emit("lead:new", { leadId: "1", name: "a" });',
        'io.sockets.emit("lead:new", { leadId: "1", name: "a" });',
        'io.local.emit("lead:new", { leadId: "1", name: "a" });',
        'io.except(`user:${req.user.userId}`).emit("lead:new", { leadId: "1", name: "a" });',
        'io.of("/").emit("lead:new", { leadId: "1", name: "a" });',
        'io.to([]).emit("lead:new", { leadId: "1", name: "a" });',
        'const rooms = req.body.orgIds.map((id: string) => `org:${id}`);\n  io.to(rooms).emit("lead:new", { leadId: "1", name: "a" });',
    ],
)
def test_unscoped_broadcast_fires_on_every_broadcast_form(tmp_path, emit):
    found = only(check(tmp_path, route("  " + emit)), "unscoped-broadcast")
    assert [d.file for d in found] == [ROUTE]
    assert '"lead:new" is broadcast' in found[0].message


def test_unscoped_broadcast_through_a_wrapper_is_reported_at_each_call(tmp_path):
    # The wrapper's `io.emit` broadcasts whatever event its callers name: each call is the broadcast.
    files = {
        "apps/api/src/notify.ts": """\
import { io } from "./socket";

export function notifyEveryone(event: "lead:new", payload: { leadId: string; name: string }) {
  io.emit(event, payload);
}
""",
        **route('  notifyEveryone("lead:new", { leadId: "1", name: "a" });'),
    }
    files[ROUTE] = files[ROUTE].replace('import { io } from "../socket";', 'import { notifyEveryone } from "../notify";')
    found = only(check(tmp_path, files), "unscoped-broadcast")
    assert [(d.file, line_of(d)) for d in found] == [(ROUTE, 8)]


def test_unscoped_broadcast_fires_on_a_namespace_and_socket_broadcast(tmp_path):
    files = {
        "apps/api/src/admin.ts": """\
import type { Namespace, Socket } from "socket.io";

export function announce(nsp: Namespace, socket: Socket) {
  nsp.emit("lead:new", { leadId: "1", name: "a" });
  socket.broadcast.emit("lead:new", { leadId: "2", name: "b" });
}
"""
    }
    found = only(check(tmp_path, files), "unscoped-broadcast")
    assert [(d.file, line_of(d)) for d in found] == [("apps/api/src/admin.ts", 4), ("apps/api/src/admin.ts", 5)]
    assert "except the sender" in found[1].message


@pytest.mark.parametrize("call", ["io.fetchSockets()", "io.socketsJoin(\"org:1\")", "io.disconnectSockets()", "io.socketsLeave(\"x:1\")"])
def test_unscoped_broadcast_fires_on_server_wide_operations(tmp_path, call):
    found = only(check(tmp_path, route(f"  await {call};")), "unscoped-broadcast")
    assert len(found) == 1 and found[0].file == ROUTE and "select a room first" in found[0].message


@pytest.mark.parametrize(
    "near_miss",
    [
        'io.to(`org:${req.user.orgId}`).emit("lead:new", { leadId: "1", name: "a" });',
        'io.in(`user:${req.user.userId}`).except(`user:x`).emit("lead:new", { leadId: "1", name: "a" });',
        'io.to([`org:${req.user.orgId}`]).emit("lead:new", { leadId: "1", name: "a" });',
        'const online = await io.in(`org:${req.user.orgId}`).fetchSockets();\n  res.json(online.length);',
        'await io.in(`org:${req.user.orgId}`).disconnectSockets();',
        'io.serverSideEmit("lead:new", { leadId: "1", name: "a" });',
    ],
)
def test_unscoped_broadcast_stays_quiet_on_scoped_emits(tmp_path, near_miss):
    assert only(check(tmp_path, route("  " + near_miss)), "unscoped-broadcast") == []


def test_unscoped_broadcast_ignores_socket_io_lookalikes(tmp_path):
    files = {
        "apps/api/src/bus.ts": """\
import { EventEmitter } from "node:events";

const emitter = new EventEmitter();
export const audit = new EventEmitter();

export function publish() {
  emitter.emit("lead:new", { leadId: "1" });
  audit.emit("lead:new", { leadId: "1" });
  const sockets = { fetchSockets: () => [] };
  sockets.fetchSockets();
}
"""
    }
    assert only(check(tmp_path, files), "unscoped-broadcast") == []


@pytest.mark.parametrize(
    "target", ["req.user.orgId", "userId", "lead.ownerId", "`${req.user.orgId}`", "[req.user.orgId]", "lead.ownerId.toString()"]
)
def test_unprefixed_room_fires_on_bare_ids(tmp_path, target):
    body = f'  const userId = req.user.userId;\n  const lead = {{ ownerId: "1" }};\n  io.to({target}).emit("lead:new", {{ leadId: "1", name: "a" }});'
    found = only(check(tmp_path, route(body)), "unprefixed-room")
    assert len(found) == 1 and found[0].file == ROUTE and "bare id" in found[0].message


def test_unprefixed_room_fires_on_a_bare_join(tmp_path):
    files = {
        "apps/api/src/join.ts": """\
import type { Server } from "socket.io";

export function rooms(io: Server) {
  io.on("connection", (socket) => {
    socket.join(socket.data.orgId);
    socket.join(`org:${socket.data.orgId}`);
  });
}
"""
    }
    found = only(check(tmp_path, files), "unprefixed-room")
    assert [(d.file, line_of(d)) for d in found] == [("apps/api/src/join.ts", 5)]


def test_python_emits_get_python_advice_and_str_wrapped_ids_are_bare(tmp_path):
    files = {
        "services/chat/requirements.txt": "python-socketio\n",
        "services/chat/sockets.py": """\
import socketio

sio = socketio.AsyncServer(async_mode="asgi")

@sio.on("typing")
async def typing(sid, data):
    chat_id = data.get("chat_id")
    await sio.emit("user_typing", {"chat_id": chat_id}, room=str(chat_id), skip_sid=sid)
    await sio.emit("chat_seen", {"chat_id": chat_id}, room=f"chat:{chat_id}")
    await sio.emit("presence", {"sid": sid})
""",
    }
    found = check(tmp_path, files)
    bare = only(found, "unprefixed-room")
    assert [(d.file, line_of(d)) for d in bare] == [("services/chat/sockets.py", 8)]
    [broadcast] = only(found, "unscoped-broadcast")
    assert line_of(broadcast) == 10 and broadcast.message.endswith("with to=...")


def test_unprefixed_room_fires_on_bare_python_joins(tmp_path):
    files = {
        "services/chat/requirements.txt": "python-socketio\nflask-socketio\n",
        "services/chat/sockets.py": """\
import socketio

sio = socketio.AsyncServer(async_mode="asgi")

@sio.event
async def connect(sid, environ, auth):
    user_id = auth["user_id"]
    await sio.enter_room(sid, user_id)
    await sio.enter_room(sid, f"user:{user_id}")
    sio.enter_room(sid, room=str(user_id))
    await sio.enter_room(sid, "user:" + user_id)
    await sio.enter_room(sid, sid)
""",
        "services/chat/flask_app.py": """\
from flask_socketio import SocketIO, join_room

socketio = SocketIO()

@socketio.on("join")
def on_join(data):
    join_room(data.deal_id)
    join_room(f"deal:{data.deal_id}")
""",
    }
    bare = only(check(tmp_path, files), "unprefixed-room")
    assert sorted((d.file, line_of(d)) for d in bare) == [
        ("services/chat/flask_app.py", 7),
        ("services/chat/sockets.py", 8),
        ("services/chat/sockets.py", 10),
    ]
    assert all("is a bare id" in d.message for d in bare)


@pytest.mark.parametrize(
    "target", ["`org:${req.user.orgId}`", "socket.id", "socketId", '"lobby"', "room", "`deal:${req.params.id}`"]
)
def test_unprefixed_room_stays_quiet_on_prefixed_and_socket_rooms(tmp_path, target):
    body = f'  const socketId = req.body.socketId;\n  const room = `org:${{req.user.orgId}}`;\n  const socket = {{ id: "x" }};\n  io.to({target}).emit("lead:new", {{ leadId: "1", name: "a" }});'
    assert only(check(tmp_path, route(body)), "unprefixed-room") == []


@pytest.mark.parametrize("name", ["disconnect", "connect", "connect_error", "disconnecting", "newListener", "removeListener"])
def test_reserved_event_fires_on_reserved_emits(tmp_path, name):
    files = {
        "apps/web/src/lib/ping.ts": f'import {{ socket }} from "./socket";\n\nexport function bye() {{\n  socket.emit("{name}");\n}}\n'
    }
    found = only(check(tmp_path, files), "reserved-event")
    assert [(d.file, line_of(d)) for d in found] == [("apps/web/src/lib/ping.ts", 4)]
    assert d_severity(found[0]) == "error"


def d_severity(diagnostic):
    return diagnostic.severity.value


def test_reserved_event_ignores_lookalikes_and_listeners(tmp_path):
    files = {
        "apps/web/src/lib/ping.ts": """\
import { EventEmitter } from "events";
import { socket } from "./socket";

const local = new EventEmitter();

export function wire() {
  local.emit("disconnect");
  socket.on("disconnect", () => console.log("bye"));
  socket.disconnect();
}
"""
    }
    assert only(check(tmp_path, files), "reserved-event") == []


@pytest.mark.parametrize(
    "body, what",
    [
        ('  const lead = await db.lead.create({ orgId: req.user.orgId });\n  io.to(`org:${req.user.orgId}`).emit("lead:new", lead);', "whole database record lead"),
        ('  const lead = await prisma.lead.findUnique({ where: { id: "1" } });\n  io.to(`org:${req.user.orgId}`).emit("lead:new", { ...lead });', "spread of the database record lead"),
        ('  const leads = await prisma.lead.findMany();\n  io.to(`org:${req.user.orgId}`).emit("lead:new", leads);', "list of database records"),
        ('  const lead = await db.lead.create({});\n  io.to(`org:${req.user.orgId}`).emit("lead:new", [lead]);', "list of database records"),
        ('  const lead = await db.lead.create({});\n  io.to(`org:${req.user.orgId}`).emit("lead:new", { lead });', "whole database record lead"),
        ('  io.to(`org:${req.user.orgId}`).emit("lead:new", { a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, g: 7, h: 8 });', "object with 8 keys"),
    ],
)
def test_large_payload_fires_on_records_and_big_objects(tmp_path, body, what):
    found = only(check(tmp_path, route(body)), "large-payload")
    assert len(found) == 1 and found[0].file == ROUTE and what in found[0].message, found


def test_large_payload_stays_quiet_on_ids(tmp_path):
    body = (
        '  const lead = await db.lead.create({ orgId: req.user.orgId });\n'
        '  const summary = { leadId: lead.id };\n'
        '  io.to(`org:${req.user.orgId}`).emit("lead:new", { leadId: lead.id, name: lead.name });\n'
        '  io.to(`org:${req.user.orgId}`).emit("lead:new", summary);\n'
        '  res.json(lead);'
    )
    assert only(check(tmp_path, route(body)), "large-payload") == []


def test_large_payload_follows_a_wrapper_call(tmp_path):
    files = {
        "apps/api/src/emit.ts": """\
import { io } from "./socket";

export function emitToOrg(orgId: string, event: "lead:new", payload: unknown) {
  io.to(`org:${orgId}`).emit(event, payload as never);
}
""",
        **route('  const lead = await db.lead.create({});\n  emitToOrg(req.user.orgId, "lead:new", lead);'),
    }
    files[ROUTE] = files[ROUTE].replace('import { io } from "../socket";', 'import { emitToOrg } from "../emit";')
    found = only(check(tmp_path, files), "large-payload")
    assert [(d.file, line_of(d)) for d in found] == [(ROUTE, 9)]


@pytest.mark.parametrize(
    "payload, problem",
    [
        ('{ leadId: "1" }', 'missing required key "name"'),
        ('{ leadId: "1", name: "a", score: 3 }', 'unknown key "score"'),
        ('{ lead_id: "1", name: "a" }', 'missing required key "leadId", unknown key "lead_id"'),
    ],
)
def test_payload_mismatch_follows_a_named_interface(tmp_path, payload, problem):
    found = only(check(tmp_path, route(f'  io.to(`org:${{req.user.orgId}}`).emit("lead:new", {payload});')), "payload-mismatch")
    assert len(found) == 1 and problem in found[0].message, found


def test_payload_mismatch_follows_extends_and_inline_types(tmp_path):
    shared = """\
export interface Base {
  leadId: string;
}
export interface LeadSummary extends Base {
  name: string;
}
export interface ServerToClientEvents {
  "lead:new": (payload: LeadSummary) => void;
  "chat:message": (payload: { body: string; at?: number }) => void;
}
export interface ClientToServerEvents {
  "chat:send": (payload: { body: string }) => void;
}
"""
    body = (
        '  io.to(`org:${req.user.orgId}`).emit("lead:new", { name: "a" });\n'
        '  io.to(`org:${req.user.orgId}`).emit("chat:message", { body: "x", at: 1, extra: true });'
    )
    found = only(check(tmp_path, {"packages/shared/src/socket-events.ts": shared, **route(body)}), "payload-mismatch")
    assert [d.message.split(": ", 1)[1] for d in found] == ['missing required key "leadId"', 'unknown key "extra"']


def test_payload_mismatch_follows_a_type_imported_from_another_file(tmp_path):
    files = {
        "packages/shared/src/types.ts": "export type LeadSummary = { leadId: string; name: string };\n",
        "packages/shared/src/socket-events.ts": 'import type { LeadSummary } from "./types";\n'
        + """
export interface ServerToClientEvents {
  "lead:new": (payload: LeadSummary) => void;
  "chat:message": (payload: { body: string; at?: number }) => void;
}
export interface ClientToServerEvents {
  "chat:send": (payload: { body: string }) => void;
}
""",
        **route('  io.to(`org:${req.user.orgId}`).emit("lead:new", { leadId: "1" });'),
    }
    found = only(check(tmp_path, files), "payload-mismatch")
    assert len(found) == 1 and 'missing required key "name"' in found[0].message


@pytest.mark.parametrize(
    "payload",
    [
        '{ leadId: "1", name: "a" }',
        '{ ...base, leadId: "1" }',  # a spread may hold the rest
        "summary",  # not an object literal: the type checker's job
        '{ [key]: "1", name: "a" }',
    ],
)
def test_payload_mismatch_stays_quiet_when_keys_match_or_cannot_be_known(tmp_path, payload):
    body = f'  const base = {{ name: "a" }};\n  const key = "leadId";\n  const summary = {{ leadId: "1", name: "a" }};\n  io.to(`org:${{req.user.orgId}}`).emit("lead:new", {payload});'
    assert only(check(tmp_path, route(body)), "payload-mismatch") == []


def test_payload_mismatch_reads_optional_keys(tmp_path):
    body = '  io.to(`org:${req.user.orgId}`).emit("chat:message", { body: "x" });'
    assert only(check(tmp_path, route(body)), "payload-mismatch") == []


UTILITY_TYPES = """\
import type { Lead } from "./lead";
export type LeadPatch = Partial<Omit<Lead, "orgId">> & { leadId: string };
export interface LeadMoved extends Pick<Lead, "leadId" | "stage"> {
  from: string;
}
export interface ServerToClientEvents {
  "lead:updated": (payload: LeadPatch) => void;
  "lead:moved": (payload: LeadMoved) => void;
  "lead:draft": (payload: Omit<Lead, "orgId" | "notes">) => void;
  "lead:full": (payload: Required<Readonly<Lead>>) => void;
  "lead:either": (payload: Lead | { leadId: string }) => void;
}
"""
LEAD = "export interface Lead {\n  leadId: string;\n  orgId: string;\n  stage: string;\n  notes?: string;\n}\n"


@pytest.mark.parametrize(
    "event, payload, problem",
    [
        ("lead:updated", '{ stage: "won" }', 'missing required key "leadId"'),
        ("lead:updated", '{ leadId: "1", orgId: "o" }', 'unknown key "orgId"'),
        ("lead:moved", '{ leadId: "1", stage: "won" }', 'missing required key "from"'),
        ("lead:moved", '{ leadId: "1", stage: "won", from: "new", notes: "" }', 'unknown key "notes"'),
        ("lead:draft", '{ leadId: "1" }', 'missing required key "stage"'),
        ("lead:full", '{ leadId: "1", orgId: "o", stage: "won" }', 'missing required key "notes"'),
    ],
)
def test_payload_mismatch_follows_intersections_and_key_utilities(tmp_path, event, payload, problem):
    files = {
        "packages/shared/src/lead.ts": LEAD,
        "packages/shared/src/socket-events.ts": UTILITY_TYPES,
        **route(f'  io.to(`org:${{req.user.orgId}}`).emit("{event}", {payload});'),
    }
    found = only(check(tmp_path, files), "payload-mismatch")
    assert [d.message.split(": ", 1)[1] for d in found] == [problem]


@pytest.mark.parametrize(
    "event, payload",
    [
        ("lead:updated", '{ leadId: "1" }'),
        ("lead:updated", '{ leadId: "1", stage: "won", notes: "" }'),
        ("lead:moved", '{ leadId: "1", stage: "won", from: "new" }'),
        ("lead:draft", '{ leadId: "1", stage: "won" }'),
        ("lead:either", '{ leadId: "1" }'),  # a union: left to the type checker
        ("lead:either", '{ anything: 1 }'),
    ],
)
def test_payload_mismatch_stays_quiet_on_matching_utility_types_and_unions(tmp_path, event, payload):
    files = {
        "packages/shared/src/lead.ts": LEAD,
        "packages/shared/src/socket-events.ts": UTILITY_TYPES,
        **route(f'  io.to(`org:${{req.user.orgId}}`).emit("{event}", {payload});'),
    }
    assert only(check(tmp_path, files), "payload-mismatch") == []
