"""Rules over the whole event graph: undeclared-event, wrong-direction, no-listener, no-emitter,
unused-event."""

from test_rules_harness import check, line_of, only, run

FEED = "apps/web/src/components/Feed.tsx"
LEADS = "apps/api/src/routes/leads.ts"
SERVER = "apps/api/src/socket.ts"


def _edit(path_text: dict, rel: str, old: str, new: str) -> dict:
    from test_rules_harness import BASELINE

    text = path_text.get(rel, BASELINE[rel])
    assert old in text
    return {**path_text, rel: text.replace(old, new)}


def test_undeclared_event_suggests_the_closest_declared_name(tmp_path):
    files = _edit({}, FEED, 'useSocketEvent("lead:new"', 'useSocketEvent("lead:nwe"')
    found = only(check(tmp_path, files), "undeclared-event")
    assert [(d.file, line_of(d)) for d in found] == [(FEED, 7)]
    assert 'did you mean "lead:new"?' in found[0].message
    assert found[0].fixes[0].safe and found[0].fixes[0].edits[0].new_text == '"lead:new"'


def test_undeclared_event_without_a_close_name_offers_only_to_declare_it(tmp_path):
    files = _edit({}, LEADS, '.emit("lead:new", { leadId: lead.id, name: lead.name });', '.emit("invoice:paid", { invoiceId: "1", total: 3 });')
    files = _edit(files, FEED, 'useSocketEvent("lead:new"', 'useSocketEvent("invoice:paid"')
    found = only(check(tmp_path, files), "undeclared-event")
    assert [d.file for d in found] == [LEADS, FEED]
    assert "did you mean" not in found[0].message
    declare = found[0].fixes[0]
    assert declare.title == 'Declare "invoice:paid" in ServerToClientEvents' and not declare.safe
    assert declare.edits[0].new_text == '  "invoice:paid": (payload: { invoiceId: unknown; total: unknown; }) => void;\n'


def test_undeclared_event_is_quiet_in_a_project_without_event_maps(tmp_path):
    files = {"packages/shared/src/socket-events.ts": "export const VERSION = 1;\n"}
    files = _edit(files, FEED, 'useSocketEvent("lead:new"', 'useSocketEvent("lead:nwe"')
    assert only(check(tmp_path, files), "undeclared-event") == []


def test_undeclared_event_ignores_the_maps_of_another_independent_app(tmp_path):
    # Two example apps side by side, no root package: only the first types its events.
    files = {
        "examples/typed/package.json": '{"name": "typed", "dependencies": {"socket.io": "4"}}',
        "examples/typed/server.ts": """\
import { Server } from "socket.io";
interface ServerToClientEvents { "todo:created": (id: string) => void }
const io = new Server<{}, ServerToClientEvents>(3000);
io.emit("todo:created", "1");
""",
        "examples/plain/package.json": '{"name": "plain", "dependencies": {"socket.io": "4"}}',
        "examples/plain/index.js": """\
const io = require("socket.io")(3000);
io.on("connection", (socket) => socket.emit("todo:create", 1));
""",
    }
    root = tmp_path / "repo"
    for rel, content in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(content, encoding="utf-8")
    assert only(run(root), "undeclared-event") == []


def test_wrong_direction_server_emitting_a_client_event_and_client_hearing_it(tmp_path):
    files = _edit({}, LEADS, '.emit("lead:new", { leadId: lead.id, name: lead.name });', '.emit("chat:send", { body: "x" });')
    files = _edit(files, FEED, 'useSocketEvent("lead:new", (lead) => setItems((prev) => [lead.name, ...prev]));', 'useSocketEvent("chat:send", ({ body }) => setItems((prev) => [body, ...prev]));')
    found = only(check(tmp_path, files), "wrong-direction")
    assert [(d.file, d.severity.value) for d in found] == [(LEADS, "error"), (FEED, "error")]
    assert "emitted by the server but declared client-to-server only" in found[0].message


def test_wrong_direction_client_emitting_a_server_event_and_server_hearing_it(tmp_path):
    files = _edit({}, FEED, 'socket.emit("chat:send", { body: "hi" })', 'socket.emit("chat:message", { body: "hi" })')
    files = _edit(files, SERVER, 'socket.on("chat:send"', 'socket.on("lead:new"')
    found = only(check(tmp_path, files), "wrong-direction")
    assert sorted(d.file for d in found) == [SERVER, FEED]


def test_wrong_direction_is_quiet_on_the_right_directions(tmp_path):
    assert only(check(tmp_path), "wrong-direction") == []


def test_no_listener_fires_when_no_client_hears_a_server_emit(tmp_path):
    files = _edit({}, FEED, '  useSocketEvent("lead:new", (lead) => setItems((prev) => [lead.name, ...prev]));\n', "")
    found = only(check(tmp_path, files), "no-listener")
    assert [(d.file, line_of(d)) for d in found] == [(LEADS, 9)]
    assert "no client code listens" in found[0].message


def test_no_listener_fires_when_no_server_hears_a_client_emit(tmp_path):
    files = _edit({}, SERVER, 'socket.on("chat:send"', 'socket.on("chat:other"')
    found = only(check(tmp_path, files), "no-listener")
    assert [d.file for d in found] == [FEED] and "no server code listens" in found[0].message


def test_no_listener_is_quiet_when_the_project_has_no_receiving_side_at_all(tmp_path):
    # An API whose clients live in another repository: nothing here could listen.
    files = {
        "apps/web/src/hooks/useSocketEvent.ts": None,
        "apps/web/src/components/Feed.tsx": None,
        "apps/web/src/lib/socket.ts": None,
        "apps/web/package.json": None,
    }
    found = check(tmp_path, files)
    assert only(found, "no-listener") == []


def test_no_emitter_fires_on_a_listener_nothing_emits(tmp_path):
    files = _edit({}, LEADS, '  io.to(`org:${req.user.orgId}`).emit("lead:new", { leadId: lead.id, name: lead.name });\n', "")
    found = only(check(tmp_path, files), "no-emitter")
    assert [(d.file, line_of(d)) for d in found] == [(FEED, 7)]
    assert "no server code emits" in found[0].message


def test_no_emitter_is_quiet_when_the_project_has_no_sending_side_at_all(tmp_path):
    # A back end whose clients live in another repository: its handlers are not dead code.
    files = {
        "apps/web/src/hooks/useSocketEvent.ts": None,
        "apps/web/src/components/Feed.tsx": None,
        "apps/web/src/lib/socket.ts": None,
        "apps/web/package.json": None,
    }
    found = check(tmp_path, files)
    assert only(found, "no-emitter") == []
    # ... while with the client present, a server listener nothing emits is still reported.
    found = only(check(tmp_path, _edit({}, FEED, 'socket.emit("chat:send"', 'socket.emit("chat:other"')), "no-emitter")
    assert [d.file for d in found] == [SERVER] and "no client code emits" in found[0].message


def test_no_emitter_counts_emits_through_a_wrapper(tmp_path):
    files = {
        "apps/api/src/emit.ts": 'import { io } from "./socket";\n\nexport function emitToOrg(orgId: string, event: string, payload: unknown) {\n  io.to(`org:${orgId}`).emit(event as never, payload as never);\n}\n',
    }
    files = _edit(files, LEADS, 'io.to(`org:${req.user.orgId}`).emit("lead:new", { leadId: lead.id, name: lead.name });', 'emitToOrg(req.user.orgId, "lead:new", { leadId: lead.id, name: lead.name });')
    files = _edit(files, LEADS, 'import { io } from "../socket";', 'import { emitToOrg } from "../emit";')
    found = check(tmp_path, files)
    assert only(found, "no-emitter") == [] and only(found, "no-listener") == []


def test_unused_event_fires_on_a_declaration_nobody_uses(tmp_path):
    from test_rules_harness import SHARED_EVENTS

    shared = SHARED_EVENTS.replace('  "chat:message"', '  "lead:archived": (payload: { leadId: string }) => void;\n  "chat:message"')
    found = only(check(tmp_path, {"packages/shared/src/socket-events.ts": shared}), "unused-event")
    assert [(d.file, line_of(d), d.severity.value) for d in found] == [("packages/shared/src/socket-events.ts", 8, "info")]


def test_unused_event_is_quiet_when_only_listened_or_only_emitted(tmp_path):
    files = _edit({}, LEADS, '  io.to(`org:${req.user.orgId}`).emit("lead:new", { leadId: lead.id, name: lead.name });\n', "")
    assert only(check(tmp_path, files), "unused-event") == []
