"""Python back ends (python-socketio, Flask-SocketIO): the extractor on inline sources, then whole mixed
monorepos through the index, the catalog and the rules."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from socketlens.analysis.catalog import catalog
from socketlens.analysis.rules import RuleContext, run_rules
from socketlens.config import Config
from socketlens.extract import extract_file
from socketlens.extract.vocabulary import ExtractOptions
from socketlens.index.builder import IndexBuilder
from socketlens.model import ChainStep, Lit, ListenerKind, Ref, SocketKind


def facts_of(source: str):
    return extract_file("app.py", textwrap.dedent(source).encode(), "python", ExtractOptions())


def emits_by_event(facts) -> dict:
    return {e.name.value if isinstance(e.name, Lit) else e.name_text: e for e in facts.emits}


def listeners_by_event(facts) -> dict:
    return {l.name.value if isinstance(l.name, Lit) else l.name_text: l for l in facts.listeners}


def rooms(chain: tuple[ChainStep, ...], step: str = "to") -> list[tuple[str, str | None]]:
    return [(room.text, room.prefix) for s in chain if s.name == step for room in s.rooms]


# ---------------------------------------------------------------------------------------------------------
# python-socketio servers


SERVER = """\
import socketio

LEAD_NEW = "lead:new"

class Events:
    CHAT_NEW = "chat:new"

sio = socketio.AsyncServer(cors_allowed_origins="*")

@sio.on("chat:join")
async def join(sid, data):
    await sio.emit(LEAD_NEW, data, room=f"org:{data['org']}")
    await sio.emit("direct", data, to=sid)
    await sio.emit(Events.CHAT_NEW, data, skip_sid=sid)
    await sio.emit("everyone", {"a": 1})
    await sio.emit("positional", data, "user:" + data["user"])
    await sio.emit("fmt", data, room="org:%s" % data["org"], namespace="/admin")
    await sio.emit("dotformat", data, to="org:{}".format(data["org"]))
    await sio.emit("many", data, to=[f"org:{a}", f"org:{b}"])
    await sio.emit("other-skip", data, skip_sid=other)

@sio.event
async def chat_leave(sid, data):
    pass
"""


def test_server_emits_carry_rooms_the_scoping_reads():
    emits = emits_by_event(facts_of(SERVER))
    lead = emits["LEAD_NEW"]
    assert lead.name == Ref("LEAD_NEW")
    assert lead.receiver.root == "sio" and lead.receiver.kind == SocketKind.SERVER
    assert rooms(lead.chain) == [("f\"org:{data['org']}\"", "org:")]
    assert lead.payload_texts == ("data",)
    assert lead.function == "join"
    assert rooms(emits["positional"].chain) == [('"user:" + data["user"]', "user:")]
    assert rooms(emits["fmt"].chain) == [('"org:%s" % data["org"]', "org:")]
    assert emits["fmt"].receiver.namespace == "/admin"
    assert rooms(emits["dotformat"].chain) == [('"org:{}".format(data["org"])', "org:")]
    assert [prefix for _, prefix in rooms(emits["many"].chain)] == ["org:", "org:"]
    # No room: the whole namespace.
    assert emits["everyone"].chain == () and emits["everyone"].receiver.kind == SocketKind.SERVER
    # To the handler's own sid: that one socket.
    assert emits["direct"].chain == () and emits["direct"].receiver.kind == SocketKind.SERVER_SOCKET
    # skip_sid of the sender: everyone but the sender; of another sid: an `except` step.
    assert emits["Events.CHAT_NEW"].name == Ref("Events", ("CHAT_NEW",))
    assert emits["Events.CHAT_NEW"].chain == (ChainStep("broadcast"),)
    assert emits["Events.CHAT_NEW"].receiver.kind == SocketKind.SERVER_SOCKET
    assert rooms(emits["other-skip"].chain, "except") == [("other", None)]


def test_server_listeners_and_connection():
    facts = facts_of(SERVER)
    listeners = listeners_by_event(facts)
    join = listeners["chat:join"]
    assert join.kind == ListenerKind.HANDLER
    assert join.receiver.root == "sio" and join.receiver.kind == SocketKind.SERVER
    assert (join.span.start_line, join.span.start_col, join.span.end_col) == (9, 8, 19)
    leave = listeners["chat_leave"]  # `@sio.event`: the function name is the event
    assert (leave.span.start_line, leave.span.start_col) == (22, 10)
    assert leave.function == "chat_leave"
    [connection] = facts.connections
    assert connection.kind == SocketKind.SERVER and connection.constructor == "AsyncServer"
    assert connection.binding == "sio" and connection.options_text == 'cors_allowed_origins="*"'
    assert dict(facts.bindings)["LEAD_NEW"] == Lit("lead:new")
    assert dict(facts.bindings)["Events"].get("CHAT_NEW") == Lit("chat:new")


def test_from_import_forms_and_call_form_listener():
    facts = facts_of(
        """\
        from socketio import Server as SioServer

        server = SioServer()

        def on_ping(sid, data):
            server.emit("pong", data, to=sid)

        server.on("ping", on_ping, namespace="/game")
        """
    )
    [listener] = facts.listeners
    assert listener.name == Lit("ping") and listener.receiver.namespace == "/game"
    assert listener.handler_text == "on_ping"
    [emit] = facts.emits
    assert emit.receiver.kind == SocketKind.SERVER_SOCKET
    assert facts.connections[0].constructor == "Server"


def test_spans_count_code_points_and_bytes():
    facts = facts_of('import socketio\nsio = socketio.Server()\n# é\nx = "ü"; sio.emit("ä:x", 1)\n')
    [emit] = facts.emits
    line = '# é\nx = "ü"; sio.emit('
    start = len(b"import socketio\nsio = socketio.Server()\n") + len(line.encode())
    assert emit.span.start_byte == start and emit.span.end_byte == start + len('"ä:x"'.encode())
    assert (emit.span.start_line, emit.span.start_col, emit.span.end_col) == (3, 18, 23)


def test_annotated_parameter_is_a_server_and_an_unannotated_one_shadows():
    facts = facts_of(
        """\
        import socketio
        sio = socketio.AsyncServer()

        async def notify(server: socketio.AsyncServer, org_id):
            await server.emit("lead:new", {}, room=f"org:{org_id}")

        async def shadowed(sio):
            await sio.emit("not-a-site", {})
        """
    )
    [emit] = facts.emits
    assert emit.name == Lit("lead:new") and emit.receiver == type(emit.receiver)("server", SocketKind.SERVER)


def test_spans_after_a_byte_order_mark_and_with_crlf_lines():
    bom = b"\xef\xbb\xbfimport socketio\nsio = socketio.Server()\nsio.emit(\"a\")\n"
    crlf = b"import socketio\r\nsio = socketio.Server()\r\nsio.emit(\"a\")\r\n"
    for data in (bom, crlf):
        [emit] = extract_file("app.py", data, "python", ExtractOptions()).emits
        assert data[emit.span.start_byte : emit.span.end_byte] == b'"a"'
        assert (emit.span.start_line, emit.span.start_col) == (2, 9)


def test_same_file_wrapper_is_a_forwarder_and_its_calls_are_calls():
    facts = facts_of(
        """\
        import socketio
        sio = socketio.Server()

        def emit_to_org(org_id, event, data):
            sio.emit(event, data, room=f"org:{org_id}")

        def create(org):
            emit_to_org(org.id, "lead:new", {})
        """
    )
    assert facts.emits == ()
    [forwarder] = facts.forwarders
    assert (forwarder.function, forwarder.param_index) == ("emit_to_org", 1)
    [call] = facts.calls
    assert call.callee == Ref("emit_to_org") and call.args[1] == Lit("lead:new") and call.function == "create"


def test_event_decorator_with_namespace_and_imported_flask_server():
    facts = facts_of(
        """\
        from flask_socketio import emit
        from .extensions import socketio

        @socketio.event(namespace="/chat")
        def typing(data):
            emit("typing", data, broadcast=True, include_self=False)
        """
    )
    [listener] = facts.listeners
    assert listener.name == Lit("typing") and listener.receiver == type(listener.receiver)("socketio", SocketKind.SERVER, "/chat")
    [emit] = facts.emits
    assert emit.receiver.namespace == "/chat" and emit.chain == (ChainStep("broadcast"),)
    assert [(i.local, i.specifier, i.imported) for i in facts.imports] == [("socketio", "./extensions.py", "socketio")]


# ---------------------------------------------------------------------------------------------------------
# Flask-SocketIO


FLASK = """\
from flask import Flask, request
from flask_socketio import SocketIO, emit, send, join_room

app = Flask(__name__)
socketio = SocketIO(app)

@socketio.on("chat:send", namespace="/chat")
def chat_send(data):
    emit("chat:ack", data)
    emit("chat:new", data, broadcast=True)
    emit("chat:others", data, broadcast=True, include_self=False)
    emit("chat:room", data, to=f"org:{data['org']}")
    emit("chat:me", data, to=request.sid)
    send("hello")

@socketio.event
def typing(data):
    socketio.emit("typing", data, to="org:" + data["org"])
    socketio.emit("typing:all", data)
"""


def test_flask_module_emit_scopes():
    facts = facts_of(FLASK)
    emits = emits_by_event(facts)
    assert emits["chat:ack"].receiver.kind == SocketKind.SERVER_SOCKET and emits["chat:ack"].chain == ()
    assert emits["chat:ack"].receiver.namespace == "/chat"  # the handler's namespace
    assert emits["chat:new"].receiver.kind == SocketKind.SERVER and emits["chat:new"].chain == ()
    assert emits["chat:others"].chain == (ChainStep("broadcast"),)
    assert emits["chat:others"].receiver.kind == SocketKind.SERVER_SOCKET
    assert rooms(emits["chat:room"].chain) == [("f\"org:{data['org']}\"", "org:")]
    assert emits["chat:me"].chain == () and emits["chat:me"].receiver.kind == SocketKind.SERVER_SOCKET
    assert emits["message"].method == "send" and emits["message"].payload_texts == ('"hello"',)
    # `socketio.emit` positional arguments are all payload (no positional room as in python-socketio).
    assert rooms(emits["typing"].chain) == [('"org:" + data["org"]', "org:")]
    assert emits["typing:all"].receiver.kind == SocketKind.SERVER and emits["typing:all"].chain == ()
    listeners = listeners_by_event(facts)
    assert listeners["chat:send"].receiver.namespace == "/chat"
    assert listeners["typing"].receiver.root == "socketio"
    assert facts.connections[0].constructor == "SocketIO" and facts.connections[0].binding == "socketio"


def test_class_namespaces():
    facts = facts_of(
        """\
        import socketio
        from flask_socketio import Namespace

        class ChatNamespace(socketio.AsyncNamespace):
            async def on_connect(self, sid, environ):
                pass

            async def on_chat_send(self, sid, data):
                await self.emit("chat:new", data, room="org:" + data["org"])

            async def helper(self):
                pass

        class FlaskChat(Namespace):
            def on_typing(self, data):
                pass

        sio = socketio.AsyncServer()
        sio.register_namespace(ChatNamespace("/chat"))
        """
    )
    listeners = listeners_by_event(facts)
    assert set(listeners) == {"connect", "chat_send", "typing"}
    send = listeners["chat_send"]
    assert send.receiver == type(send.receiver)("ChatNamespace", SocketKind.SERVER, "/chat")
    assert (send.span.start_line, send.span.start_col, send.span.end_col) == (7, 17, 26)  # after `on_`
    [emit] = facts.emits
    assert emit.receiver.root == "self" and emit.receiver.namespace == "/chat"
    assert rooms(emit.chain) == [('"org:" + data["org"]', "org:")]


def test_class_namespace_given_by_its_own_constructor():
    facts = facts_of(
        """\
        import socketio

        class ChatNamespace(socketio.AsyncNamespace):
            def __init__(self):
                super().__init__("/chat")
                self.rooms = {}

            async def on_message(self, sid, data):
                await self.emit("recieve-message", data, room=sid)

        class AdminNamespace(socketio.AsyncNamespace):
            def __init__(self, server):
                super().__init__(namespace="/admin")

            async def on_ban(self, sid, data):
                pass

        class Helper:
            def __init__(self):
                super().__init__("/not-a-namespace")

        sio = socketio.AsyncServer()
        sio.register_namespace(ChatNamespace())
        sio.register_namespace(AdminNamespace(sio))
        """
    )
    listeners = listeners_by_event(facts)
    assert listeners["message"].receiver.namespace == "/chat"
    assert listeners["ban"].receiver.namespace == "/admin"
    [emit] = facts.emits
    assert emit.receiver.root == "self" and emit.receiver.namespace == "/chat"


def test_registered_namespace_wins_over_the_constructor_default():
    facts = facts_of(
        """\
        from flask_socketio import Namespace, SocketIO

        class Chat(Namespace):
            def __init__(self, namespace="/chat"):
                super().__init__(namespace)

            def on_typing(self, data):
                pass

        socketio = SocketIO()
        socketio.on_namespace(Chat(namespace="/rooms"))
        """
    )
    assert listeners_by_event(facts)["typing"].receiver.namespace == "/rooms"


def test_catch_all_handlers_are_not_an_event():
    facts = facts_of(
        """\
        import socketio
        from flask_socketio import SocketIO

        sio = socketio.AsyncServer()
        socketio_app = SocketIO()

        @sio.on("*")
        async def any_event(event, sid, data):
            pass

        @socketio_app.on("*", namespace="/chat")
        def catch_all(event, data):
            pass

        @sio.on("ping")
        async def ping(sid):
            pass
        """
    )
    assert set(listeners_by_event(facts)) == {"ping"}


def test_python_client():
    facts = facts_of(
        """\
        import socketio

        client = socketio.AsyncClient()

        @client.on("lead:new")
        async def on_lead(data):
            await client.emit("chat:join", {"room": "x"})
        """
    )
    [listener] = facts.listeners
    assert listener.receiver.kind == SocketKind.CLIENT_SOCKET
    [emit] = facts.emits
    assert emit.receiver.kind == SocketKind.CLIENT_SOCKET and emit.chain == ()
    assert facts.connections[0].kind == SocketKind.CLIENT_SOCKET


def test_near_misses_are_not_sites():
    facts = facts_of(
        """\
        import socketio
        from blinker import signal
        from pyee import EventEmitter
        from django.dispatch import Signal

        ee = EventEmitter()
        ee.emit("x")
        saved = Signal()
        saved.send(sender=None)
        signal("y").send(1)

        @ee.on("z")
        def handler():
            pass
        """
    )
    assert facts.emits == () and facts.listeners == () and facts.connections == ()


def test_file_without_socketio_yields_no_sites():
    facts = facts_of('def emit(x):\n    pass\n\nemit("a")\n')
    assert facts.emits == () and facts.problems == ()


def test_syntax_error_is_a_problem_not_a_crash():
    facts = facts_of("import socketio\nsio = socketio.Server(\ndef broken(:\n")
    assert facts.has_errors and facts.emits == ()
    [problem] = facts.problems
    assert problem.message.startswith("syntax error")
    assert problem.span is not None and problem.span.start_line >= 1


def test_connect_handler_that_refuses_is_handshake_auth():
    refusing = facts_of(
        """\
        import socketio
        sio = socketio.Server()

        @sio.event
        def connect(sid, environ, auth):
            if not auth:
                raise ConnectionRefusedError("unauthorized")
        """
    )
    assert [f.code for f in refusing.findings] == ["handshake-auth"]
    accepting = facts_of(
        """\
        import socketio
        sio = socketio.Server()

        @sio.event
        def connect(sid, environ, auth):
            print(sid)
        """
    )
    assert accepting.findings == ()


# ---------------------------------------------------------------------------------------------------------
# Mixed monorepo: a Python API, a TS shared package and a React web app


def write_repo(root: Path, files: dict[str, str]) -> Path:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(content))
    return root


MIXED = {
    # A root package.json without socket.io: Python sites must keep their side anyway.
    "package.json": json.dumps({"name": "t", "private": True, "workspaces": ["apps/web", "packages/*"]}),
    "apps/web/package.json": json.dumps({"name": "@t/web", "dependencies": {"socket.io-client": "^4"}}),
    "packages/shared/package.json": json.dumps({"name": "@t/shared", "main": "src/socket-events.ts"}),
    "packages/shared/src/socket-events.ts": """\
        export interface ServerToClientEvents {
          "lead:new": (payload: { leadId: string }) => void;
        }
        export interface ClientToServerEvents {
          "chat:join": (room: string) => void;
        }
        """,
    "apps/web/src/socket.ts": """\
        import { io } from "socket.io-client";
        export const socket = io("/");
        """,
    "apps/web/src/Leads.tsx": """\
        import { useSocketEvent } from "./useSocketEvent";
        import { socket } from "./socket";
        export function Leads() {
          useSocketEvent("lead:new", (p) => console.log(p));
          return null;
        }
        export function join() { socket.emit("chat:join", "x"); }
        """,
    "apps/api/requirements.txt": "python-socketio\n",
    "apps/api/app.py": """\
        import socketio

        sio = socketio.AsyncServer(async_mode="asgi")
        app = socketio.ASGIApp(sio)


        @sio.event
        async def connect(sid, environ, auth):
            if not auth or "token" not in auth:
                raise ConnectionRefusedError("unauthorized")


        @sio.on("chat:join")
        async def chat_join(sid, room):
            await sio.enter_room(sid, room)


        async def notify_lead(org_id, lead):
            await sio.emit("lead:new", {"leadId": lead.id}, room=f"org:{org_id}")
        """,
}


def _index(root: Path):
    return IndexBuilder(root, Config(), use_cache=False, jobs=1).build()


def test_mixed_monorepo_pairs_python_server_with_ts_web(tmp_path):
    root = write_repo(tmp_path, MIXED)
    index = _index(root)
    events = {event["name"]: event for event in catalog(index, str(root))["events"]}
    lead = events["lead:new"]
    assert lead["direction"] == "server-to-client"
    [emit] = lead["emits"]
    assert (emit["file"], emit["line"], emit["side"], emit["scope"]) == ("apps/api/app.py", 19, "server", "org")
    assert emit["rooms"] == ['f"org:{org_id}"'] and emit["namespace"] == "/"
    assert [listener["file"] for listener in lead["listeners"]] == ["apps/web/src/Leads.tsx"]
    join = events["chat:join"]
    assert [(l["file"], l["side"], l["kind"]) for l in join["listeners"]] == [("apps/api/app.py", "server", "handler")]
    assert "connect" not in events  # lifecycle handlers are not events
    codes = {d.code for d in run_rules(RuleContext(index=index, config=Config()))}
    assert not codes & {"no-listener", "no-emitter", "unauthenticated-server", "unscoped-broadcast"}, codes


def test_python_server_without_auth_is_flagged_and_broadcast_is_unscoped(tmp_path):
    files = dict(MIXED)
    files["apps/api/app.py"] = """\
        import socketio

        sio = socketio.Server()

        def notify_lead(lead):
            sio.emit("lead:new", {"leadId": lead.id})
        """
    root = write_repo(tmp_path, files)
    index = _index(root)
    diagnostics = [d for d in run_rules(RuleContext(index=index, config=Config())) if d.file == "apps/api/app.py"]
    assert {d.code for d in diagnostics} >= {"unauthenticated-server", "unscoped-broadcast"}
    (unauthenticated,) = [d for d in diagnostics if d.code == "unauthenticated-server"]
    assert "ConnectionRefusedError" in unauthenticated.message  # Python advice, not Node's use() middleware


def test_names_and_wrappers_resolve_across_python_modules(tmp_path):
    files = dict(MIXED)
    files["apps/api/app/__init__.py"] = ""
    files["apps/api/app/events.py"] = """\
        LEAD_NEW = "lead:new"

        class Chat:
            JOIN = "chat:join"
        """
    files["apps/api/app/realtime.py"] = """\
        import socketio
        from .events import LEAD_NEW
        from . import events

        sio = socketio.AsyncServer()

        async def emit_to_org(org_id, event, data):
            await sio.emit(event, data, room=f"org:{org_id}")

        async def announce(data):
            await sio.emit(LEAD_NEW, data, room="org:all")

        @sio.on(events.Chat.JOIN)
        async def join(sid, room):
            pass

        async def unknown(data):
            await sio.emit(compute_name(), data)
        """
    files["apps/api/app/services.py"] = """\
        from app.realtime import emit_to_org

        async def create_lead(org, lead):
            await emit_to_org(org.id, "lead:new", {"leadId": lead.id})
        """
    del files["apps/api/app.py"]
    root = write_repo(tmp_path, files)
    index = _index(root)
    lead = index.event("lead:new")
    assert sorted((s.file, s.span.start_line, s.scope.value) for s in lead.emits) == [
        ("apps/api/app/realtime.py", 10, "org"),  # LEAD_NEW imported from .events
        ("apps/api/app/services.py", 3, "org"),  # through the emit_to_org wrapper
    ]
    wrapped = next(s for s in lead.emits if s.file == "apps/api/app/services.py")
    assert wrapped.emit_file == "apps/api/app/realtime.py" and wrapped.via is not None
    direct = next(s for s in lead.emits if s.file == "apps/api/app/realtime.py")
    assert direct.literal is not None and direct.literal[0] == "apps/api/app/events.py"
    [join] = [s for s in index.event("chat:join").listeners if s.side.value == "server"]
    assert join.file == "apps/api/app/realtime.py"
    assert [d.expression for d in index.dynamic_sites()] == ["compute_name()"]


def test_server_imported_by_a_module_that_never_imports_socketio(tmp_path):
    # FastAPI/Flask layout: the server lives in one module, handlers and routes import it from there.
    files = dict(MIXED)
    del files["apps/api/app.py"]
    files["apps/api/app/__init__.py"] = ""
    files["apps/api/app/sockets/__init__.py"] = ""
    files["apps/api/app/sockets/server.py"] = """\
        import socketio

        sio = socketio.AsyncServer(async_mode="asgi")
        """
    files["apps/api/app/sockets/handlers.py"] = """\
        from app.sockets.server import sio
        from app.bus import bus


        @sio.event
        async def connect(sid, environ, auth):
            if not auth:
                return False


        @sio.on("chat:join")
        async def chat_join(sid, room):
            await sio.enter_room(sid, room)


        @bus.on("lead:new")
        def not_a_socket(payload):
            bus.emit("chat:join", payload)
        """
    files["apps/api/app/bus.py"] = """\
        class Bus:
            def on(self, name):
                return lambda f: f

            def emit(self, name, payload):
                pass

        bus = Bus()
        """
    files["apps/api/app/routers.py"] = """\
        from .sockets.server import sio


        async def create_lead(org_id, lead):
            await sio.emit("lead:new", {"leadId": lead.id}, room=f"org:{org_id}")
        """
    root = write_repo(tmp_path, files)
    index = _index(root)
    [emit] = index.event("lead:new").emits
    assert (emit.file, emit.side.value, emit.scope.value) == ("apps/api/app/routers.py", "server", "org")
    assert [s.file for s in index.event("lead:new").listeners] == ["apps/web/src/Leads.tsx"]  # not the bus
    join = index.event("chat:join")
    assert [(s.file, s.side.value) for s in join.listeners] == [("apps/api/app/sockets/handlers.py", "server")]
    assert [s.file for s in join.emits] == ["apps/web/src/Leads.tsx"]  # the bus's emit is no socket emit
    codes = {d.code for d in run_rules(RuleContext(index=index, config=Config()))}
    assert "unauthenticated-server" not in codes, codes  # the imported server's connect handler refuses


def test_server_bound_in_a_package_init_and_imported_from_the_package(tmp_path):
    # The Flask application-factory layout: `socketio = SocketIO()` in app/__init__.py.
    files = {
        "requirements.txt": "flask-socketio\n",
        "app/__init__.py": """\
            from flask import Flask
            from flask_socketio import SocketIO

            socketio = SocketIO()
            """,
        "app/events.py": """\
            from flask import session
            from . import socketio


            @socketio.on("joined", namespace="/chat")
            def joined(message):
                socketio.emit("status", {}, to=session.get("room"), namespace="/chat")
            """,
        "app/tasks.py": """\
            from app import socketio
            from app.missing import sio


            def progress(job_id, pct):
                socketio.emit("job:progress", {"pct": pct}, to=f"job:{job_id}")
                sio.emit("job:lost", {})
            """,
    }
    index = _index(write_repo(tmp_path, files))
    [joined] = index.event("joined").listeners
    assert (joined.file, joined.side.value) == ("app/events.py", "server")
    [status] = index.event("status").emits
    assert (status.side.value, status.scope.value, status.namespace) == ("server", "room", "/chat")
    [progress] = index.event("job:progress").emits
    assert (progress.file, progress.side.value, progress.rooms) == ("app/tasks.py", "server", ('f"job:{job_id}"',))
    # A name imported from a module that is not there: no guess from the `app/` folder name.
    assert index.event("job:lost") is None


# ---------------------------------------------------------------------------------------------------------
# Servers held on instance attributes: `self.sio = socketio.AsyncServer()` in a class


REALTIME_CLASS = """\
    import socketio


    class Realtime:
        def __init__(self, app):
            self.sio = socketio.AsyncServer(async_mode="asgi")
            self.sio.on("chat:join", self.on_join)

        async def on_join(self, sid, user_id):
            await self.sio.enter_room(sid, user_id)

        async def notify_org(self, org_id, data):
            await self.sio.emit("lead:new", data, room=f"org:{org_id}")
    """


def test_server_held_on_self_is_indexed_with_scope_listener_and_connection(tmp_path):
    files = dict(MIXED)
    files["apps/api/app.py"] = REALTIME_CLASS
    root = write_repo(tmp_path, files)
    index = _index(root)
    events = {event["name"]: event for event in catalog(index, str(root))["events"]}
    [emit] = events["lead:new"]["emits"]
    assert (emit["file"], emit["line"], emit["side"], emit["scope"]) == ("apps/api/app.py", 13, "server", "org")  # 1-based
    assert emit["rooms"] == ['f"org:{org_id}"']
    server_listeners = [l for l in events["chat:join"]["listeners"] if l["side"] == "server"]
    assert [(l["file"], l["kind"]) for l in server_listeners] == [("apps/api/app.py", "handler")]
    [connection] = index.facts["apps/api/app.py"].connections
    assert (connection.kind, connection.constructor, connection.binding, connection.function) == (
        SocketKind.SERVER,
        "AsyncServer",
        "self.sio",
        "__init__",
    )
    # `enter_room` on the held server is a join the unprefixed-room rule reads, as for module-level servers.
    diagnostics = run_rules(RuleContext(index=index, config=Config()))
    assert [(d.file, d.span.start_line) for d in diagnostics if d.code == "unprefixed-room"] == [("apps/api/app.py", 9)]


def test_server_annotated_at_class_level_is_held_by_that_class_only():
    facts = facts_of(
        """\
        import socketio

        class Notifier:
            sio: socketio.Server

            def __init__(self, sio):
                self.sio = sio

            def lead_created(self, org_id, lead):
                self.sio.emit("lead:new", lead, f"org:{org_id}")

        class Unrelated:
            def ping(self):
                self.sio.emit("not-a-site", {})
        """
    )
    [emit] = facts.emits
    assert (emit.name, emit.receiver.root, emit.receiver.kind) == (Lit("lead:new"), "self.sio", SocketKind.SERVER)
    assert rooms(emit.chain) == [('f"org:{org_id}"', "org:")]  # python-socketio takes the room third
    assert facts.connections == ()  # annotated, not constructed here


def test_a_subclass_holds_what_its_base_class_in_the_same_file_holds():
    facts = facts_of(
        """\
        import socketio

        class Realtime:
            def __init__(self):
                self.server = socketio.AsyncServer(async_mode="asgi")

        class Notifier(Realtime):
            async def lead_created(self, org_id, lead_id):
                await self.server.emit("lead:new", {"leadId": lead_id}, room=f"org:{org_id}")

        class Loop(Loop):  # a class naming itself as its base must not loop
            def ping(self):
                self.server.emit("not-a-site", {})
        """
    )
    [emit] = facts.emits
    assert (emit.name, emit.receiver.root, emit.receiver.kind) == (Lit("lead:new"), "self.server", SocketKind.SERVER)
    assert rooms(emit.chain) == [('f"org:{org_id}"', "org:")]


def test_a_server_on_the_app_state_is_a_receiver_there_and_through_the_request():
    facts = facts_of(
        """\
        import socketio
        from fastapi import FastAPI, Request

        app = FastAPI()
        app.state.sio = socketio.AsyncServer(async_mode="asgi")

        @app.state.sio.on("chat:join")
        async def join(sid, room):
            await app.state.sio.enter_room(sid, room)

        @app.post("/leads")
        async def create_lead(request: Request):
            await request.app.state.sio.emit("lead:new", {"id": 1}, room="org:1")
            await request.app.state.cache.emit("not-a-site", {})
        """
    )
    # A path the file stores nothing on may be stored by another module: the index decides (and drops it).
    assert [(e.name, e.receiver.root, e.receiver.kind) for e in facts.emits] == [
        (Lit("lead:new"), "request.app.state.sio", SocketKind.SERVER),
        (Lit("not-a-site"), "request.app.state.cache", None),
    ]
    assert [(l.name, l.receiver.root) for l in facts.listeners] == [(Lit("chat:join"), "app.state.sio")]
    assert [(c.kind, c.binding) for c in facts.connections] == [(SocketKind.SERVER, "app.state.sio")]


def test_attribute_holding_no_socket_is_not_a_receiver():
    facts = facts_of(
        """\
        import socketio
        from pyee import EventEmitter

        class Realtime:
            def __init__(self):
                self.sio = socketio.Client()

        class Bus:
            def __init__(self):
                self.bus = EventEmitter()
                self.bus.on("x", self.handle)

            def fire(self):
                self.bus.emit("x")
                self.sio.emit("y")
        """
    )
    assert facts.emits == () and facts.listeners == ()
    assert [(c.kind, c.binding) for c in facts.connections] == [(SocketKind.CLIENT_SOCKET, "self.sio")]


# ---------------------------------------------------------------------------------------------------------
# Namespace instances used outside their class, and rooms built by same-file helpers


CHAT_NAMESPACE_INSTANCE = """\
    import socketio

    sio = socketio.AsyncServer(async_mode="asgi")


    class ChatNamespace(socketio.AsyncNamespace):
        async def on_connect(self, sid, environ, auth=None):
            if not auth:
                raise ConnectionRefusedError("unauthorized")

        async def on_typing(self, sid, data):
            pass


    ns = ChatNamespace("/chat")
    sio.register_namespace(ns)


    async def emit_message(user_id: str, payload: dict) -> None:
        await ns.emit("chat:message", payload, room=f"user:{user_id}")


    async def emit_message2(user_id: str, payload: dict) -> None:
        await sio.emit("chat:message2", payload, room=f"user:{user_id}", namespace="/chat")
    """


def test_a_module_level_namespace_instance_is_a_receiver_in_its_namespace():
    facts = facts_of(CHAT_NAMESPACE_INSTANCE)
    emits = emits_by_event(facts)
    assert set(emits) == {"chat:message", "chat:message2"}
    message = emits["chat:message"]
    receiver = message.receiver
    assert (receiver.root, receiver.kind, receiver.namespace) == ("ns", SocketKind.SERVER, "/chat")
    assert rooms(message.chain) == [('f"user:{user_id}"', "user:")]
    # `register_namespace(ns)` registers the class under the instance's namespace: its handlers are there.
    assert listeners_by_event(facts)["typing"].receiver.namespace == "/chat"


def test_namespace_instances_are_indexed_with_scope_and_namespace(tmp_path):
    root = write_repo(tmp_path, {"requirements.txt": "python-socketio\n", "chat.py": CHAT_NAMESPACE_INSTANCE})
    events = {event["name"]: event for event in catalog(_index(root), str(root))["events"]}
    for name in ("chat:message", "chat:message2"):
        [emit] = events[name]["emits"]
        assert (emit["side"], emit["scope"], emit["namespace"]) == ("server", "user", "/chat"), name


def test_a_name_annotated_with_a_namespace_class_is_a_receiver():
    facts = facts_of(
        """\
        from typing import Optional

        import socketio


        class ChatNamespace(socketio.AsyncNamespace):
            def __init__(self):
                super().__init__("/chat")


        _namespace: Optional[ChatNamespace] = None
        _other: "ChatNamespace | None" = None
        _typed: ChatNamespace | None = None


        def set_namespace(ns: ChatNamespace) -> None:
            global _namespace
            _namespace = ns


        async def echo(sid, text):
            if _namespace is not None:
                await _namespace.emit("chat:echo", text, room=sid)


        async def shout(org_id, text):
            await _typed.emit("chat:shout", text, f"org:{org_id}")  # python-socketio's positional room
            await _other.emit("chat:other", text)


        async def greet(ns: ChatNamespace, sid):
            await ns.emit("chat:greet", {}, to=sid)
        """
    )
    emits = emits_by_event(facts)
    assert set(emits) == {"chat:echo", "chat:shout", "chat:other", "chat:greet"}
    echo = emits["chat:echo"]
    # `room=sid`: the handler's own socket, as for `self.emit` in the class.
    assert (echo.receiver.root, echo.receiver.kind, echo.receiver.namespace, echo.chain) == (
        "_namespace",
        SocketKind.SERVER_SOCKET,
        "/chat",
        (),
    )
    shout = emits["chat:shout"]
    assert (shout.receiver.kind, shout.receiver.namespace) == (SocketKind.SERVER, "/chat")
    assert rooms(shout.chain) == [('f"org:{org_id}"', "org:")] and shout.payload_texts == ("text",)
    assert (emits["chat:other"].receiver.root, emits["chat:other"].chain) == ("_other", ())
    greet = emits["chat:greet"]
    assert (greet.receiver.root, greet.receiver.kind, greet.receiver.namespace) == ("ns", SocketKind.SERVER, "/chat")


def test_a_local_namespace_instance_is_a_receiver_and_a_local_rebinding_shadows_one():
    facts = facts_of(
        """\
        import socketio


        class AdminNamespace(socketio.AsyncNamespace):
            pass


        class AdminClient(socketio.AsyncClientNamespace):
            pass


        ns = AdminNamespace("/admin")


        async def kick(sid):
            admin = AdminNamespace("/admin")
            await admin.emit("admin:kick", {}, room=f"org:{sid}")


        async def ping():
            client = AdminClient("/admin")
            await client.emit("admin:ping", {})


        async def elsewhere(bus_factory):
            ns = bus_factory()
            ns.emit("not-a-site", {})
        """
    )
    emits = emits_by_event(facts)
    assert set(emits) == {"admin:kick", "admin:ping"}
    assert (emits["admin:kick"].receiver.root, emits["admin:kick"].receiver.namespace) == ("admin", "/admin")
    assert (emits["admin:ping"].receiver.kind, emits["admin:ping"].receiver.namespace) == (
        SocketKind.CLIENT_SOCKET,
        "/admin",
    )


def test_an_instance_of_any_other_class_is_not_a_receiver():
    facts = facts_of(
        """\
        from typing import Optional

        import socketio
        from pyee import EventEmitter


        class Bus(EventEmitter):
            pass


        class Plain:
            def emit(self, event, data, room=None):
                pass


        bus = Bus()
        plain = Plain()
        maybe: Optional[Bus] = None
        emitter = EventEmitter()


        def fire(other: Plain):
            bus.emit("x", {})
            plain.emit("y", {}, room="user:1")
            maybe.emit("z")
            emitter.emit("w")
            other.emit("v", {})
        """
    )
    assert facts.emits == ()


def test_a_room_built_by_a_same_file_helper_lends_its_prefix():
    facts = facts_of(
        """\
        import socketio

        from .rooms import team_room


        def org_room(org_id):
            \"\"\"The room of an org.\"\"\"
            return "org:" + org_id


        def computed_room(key):
            room = f"user:{key}"
            return room


        class ChatNamespace(socketio.AsyncNamespace):
            @staticmethod
            def user_room(user_id: str) -> str:
                return f"user:{user_id}"

            async def on_send(self, sid, peer_id, data):
                await self.emit("by-static-method", data, room=self.user_room(peer_id))
                await self.emit("by-class", data, room=ChatNamespace.user_room(peer_id))
                await self.emit("by-function", data, room=org_room(peer_id))
                await self.emit("several", data, room=[org_room(peer_id), self.user_room(peer_id)])
                await self.emit("imported", data, room=team_room(peer_id))
                await self.emit("not-a-single-return", data, room=computed_room(peer_id))
                await self.enter_room(sid, self.user_room(peer_id))
        """
    )
    emits = emits_by_event(facts)
    assert rooms(emits["by-static-method"].chain) == [("self.user_room(peer_id)", "user:")]
    assert rooms(emits["by-class"].chain) == [("ChatNamespace.user_room(peer_id)", "user:")]
    assert rooms(emits["by-function"].chain) == [("org_room(peer_id)", "org:")]
    assert rooms(emits["several"].chain) == [("org_room(peer_id)", "org:"), ("self.user_room(peer_id)", "user:")]
    assert rooms(emits["imported"].chain) == [("team_room(peer_id)", None)]
    assert rooms(emits["not-a-single-return"].chain) == [("computed_room(peer_id)", None)]
    [join] = [f for f in facts.findings if f.code == "join-room"]
    assert dict(join.data)["prefix"] == "user:"


def test_a_room_helper_gives_the_emit_its_scope_in_the_index(tmp_path):
    root = write_repo(
        tmp_path,
        {
            "requirements.txt": "python-socketio\n",
            "chat.py": """\
                import socketio


                class ChatNamespace(socketio.AsyncNamespace):
                    @staticmethod
                    def user_room(user_id: str) -> str:
                        return f"user:{user_id}"

                    async def on_send(self, sid, peer_id, data):
                        await self.emit("chat:message", data, room=self.user_room(peer_id))
                """,
        },
    )
    [emit] = catalog(_index(root), str(root))["events"][0]["emits"]
    assert (emit["side"], emit["scope"], emit["rooms"]) == ("server", "user", ["self.user_room(peer_id)"])


# ---------------------------------------------------------------------------------------------------------
# Namespace classes that extend a namespace class of the same file, and `namespace=self.namespace`
#
# An inherited handler or emit is one site: it is reported once, under the namespace of the class that
# defines it (that of its registered subclasses when it is an unregistered base they all share), although
# at run time it also serves every namespace a subclass is registered on.


GAME_SERVER = """\
    import socketio

    sio = socketio.AsyncServer(async_mode="asgi")


    class Pong(socketio.AsyncNamespace):
        async def on_ready(self, sid, data):
            await self.emit("room", data, room="game:1")
            await sio.emit("game", data, room="game:1", namespace=self.namespace)


    class MttPong(Pong):
        async def on_next_game(self, sid, data):
            await self.emit("next", data, room="game:1")
            await sio.emit("mtt", data, namespace=self.namespace)


    class Tournament(MttPong):
        def __init__(self):
            super().__init__("/tournament")

        async def on_bracket(self, sid, data):
            await self.emit("bracket", data, to=sid)


    sio.register_namespace(Pong("/pong"))
    sio.register_namespace(MttPong("/mtt"))
    sio.register_namespace(Tournament())
    """


def _receivers(sites) -> dict:
    return {
        site.name.value: (site.receiver.root, site.receiver.kind, site.receiver.namespace) for site in sites
    }


def test_a_subclass_of_a_namespace_class_is_a_namespace_class_with_its_own_namespace():
    facts = facts_of(GAME_SERVER)
    assert _receivers(facts.listeners) == {
        "ready": ("Pong", SocketKind.SERVER, "/pong"),  # one site: the namespace of the class defining it
        "next_game": ("MttPong", SocketKind.SERVER, "/mtt"),
        "bracket": ("Tournament", SocketKind.SERVER, "/tournament"),  # transitively, by its own constructor
    }
    assert _receivers(facts.emits) == {
        "room": ("self", SocketKind.SERVER, "/pong"),
        "game": ("sio", SocketKind.SERVER, "/pong"),  # `namespace=self.namespace`: the class's namespace
        "next": ("self", SocketKind.SERVER, "/mtt"),
        "mtt": ("sio", SocketKind.SERVER, "/mtt"),
        "bracket": ("self", SocketKind.SERVER_SOCKET, "/tournament"),
    }
    assert rooms(emits_by_event(facts)["next"].chain) == [('"game:1"', "game:1")]


def test_handlers_of_an_unregistered_base_take_the_namespace_of_its_registered_subclasses():
    facts = facts_of(
        """\
        import socketio


        class BaseNamespace(socketio.AsyncNamespace):
            async def on_ping(self, sid):
                await self.emit("pong", {}, to=sid)


        class ChatNamespace(BaseNamespace):
            async def on_message(self, sid, data):
                pass


        class FixedBase(socketio.AsyncNamespace):
            def __init__(self):
                super().__init__("/fixed")


        class FixedChild(FixedBase):
            async def on_fixed(self, sid):
                pass


        class SharedBase(socketio.AsyncNamespace):
            async def on_shared(self, sid):
                pass


        class Left(SharedBase):
            pass


        class Right(SharedBase):
            pass


        sio = socketio.AsyncServer()
        sio.register_namespace(ChatNamespace("/chat"))
        sio.register_namespace(FixedChild())
        sio.register_namespace(Left("/left"))
        sio.register_namespace(Right("/right"))
        """
    )
    assert _receivers(facts.listeners) == {
        "ping": ("BaseNamespace", SocketKind.SERVER, "/chat"),  # its only registered subclass
        "message": ("ChatNamespace", SocketKind.SERVER, "/chat"),
        "fixed": ("FixedChild", SocketKind.SERVER, "/fixed"),  # the constructor it inherits fixes it
        "shared": ("SharedBase", SocketKind.SERVER, None),  # served on /left and /right: no single one
    }
    assert _receivers(facts.emits) == {"pong": ("self", SocketKind.SERVER_SOCKET, "/chat")}


def test_subclasses_of_other_classes_and_self_namespace_elsewhere_stay_what_they_are():
    facts = facts_of(
        """\
        import socketio
        from flask_socketio import Namespace, emit

        sio = socketio.AsyncServer()


        class Handlers:
            namespace = "/plain"

            def on_thing(self, sid):
                pass


        class MoreHandlers(Handlers):
            def on_other(self, sid):
                self.emit("not-a-site", {})
                sio.emit("plain", {}, namespace=self.namespace)


        class Chat(Namespace):
            def on_typing(self, data):
                emit("typing", data, namespace=self.namespace)


        class Lobby(socketio.AsyncNamespace):
            async def on_join(self, sid, room):
                await sio.enter_room(sid, room, namespace=self.namespace)


        class Room(Lobby):
            async def on_enter(self, sid, room):
                await sio.enter_room(sid, room, namespace=self.namespace)


        sio.register_namespace(Lobby("/lobby"))
        sio.register_namespace(Room("/room"))
        socketio_app.on_namespace(Chat("/chat"))
        """
    )
    assert set(listeners_by_event(facts)) == {"typing", "join", "enter"}
    emits = _receivers(facts.emits)
    # `self.namespace` of a class that is no namespace class is not known: the call's namespace stays open.
    assert emits["plain"] == ("sio", SocketKind.SERVER, None)
    assert emits["typing"] == ("emit", SocketKind.SERVER_SOCKET, "/chat")
    assert "not-a-site" not in emits
    assert [dict(f.data)["room"] for f in facts.findings if f.code == "join-room"] == ["room", "room"]


def test_inherited_namespace_handlers_and_emits_are_indexed_in_their_namespaces(tmp_path):
    root = write_repo(tmp_path, {"requirements.txt": "python-socketio\n", "app.py": GAME_SERVER})
    events = {event["name"]: event for event in catalog(_index(root), str(root))["events"]}
    for name in ("ready", "next_game", "bracket"):
        assert [(l["file"], l["side"], l["kind"]) for l in events[name]["listeners"]] == [
            ("app.py", "server", "handler")
        ], name
    namespaces = {
        name: [(e["side"], e["scope"], e["namespace"]) for e in events[name]["emits"]]
        for name in ("room", "game", "next", "mtt")
    }
    assert namespaces == {
        "room": [("server", "room", "/pong")],
        "game": [("server", "room", "/pong")],
        "next": [("server", "room", "/mtt")],
        "mtt": [("server", "broadcast", "/mtt")],
    }


# ---------------------------------------------------------------------------------------------------------
# Servers reached through annotated locals, server-returning functions and aiohttp's `app["sio"]`


SERVER_GETTER = """\
    from typing import Optional

    from pyee import EventEmitter
    from socketio import AsyncServer


    def get_socket_server(app) -> AsyncServer:
        return app["sio"]


    def maybe_server(app) -> Optional[AsyncServer]:
        return app.get("sio")


    def get_bus(app) -> EventEmitter:
        return app["bus"]


    async def notify(app, sid: str) -> None:
        sio: AsyncServer = get_socket_server(app)
        await sio.emit("hello", {"x": 1}, to=sid)
        await get_socket_server(app).emit("bye", to=sid)
        server = get_socket_server(app)
        await server.emit("again", {})
        await maybe_server(app).emit("maybe", {})
        await get_bus(app).emit("not-a-site", {})
        bus = get_bus(app)
        bus.emit("not-a-site-either", {})


    async def shadowed(get_socket_server):
        await get_socket_server(1).emit("not-a-site-shadowed", {})
    """


def test_annotated_locals_and_server_returning_functions_are_receivers():
    facts = facts_of(SERVER_GETTER)
    emits = emits_by_event(facts)
    assert set(emits) == {"hello", "bye", "again", "maybe"}
    assert [(emits[name].receiver.root, emits[name].receiver.kind) for name in ("hello", "bye", "again", "maybe")] == [
        ("sio", SocketKind.SERVER),
        ("get_socket_server()", SocketKind.SERVER),
        ("server", SocketKind.SERVER),
        ("maybe_server()", SocketKind.SERVER),
    ]
    # `sid` is a plain parameter here, not the handler's sender: a room like any other.
    assert rooms(emits["hello"].chain) == [("sid", None)] and rooms(emits["bye"].chain) == [("sid", None)]


AIOHTTP_SAME_FILE = """\
    import socketio
    from aiohttp import web

    sio = socketio.AsyncServer(async_mode="aiohttp")
    app = web.Application()
    sio.attach(app)
    app["sio"] = sio
    app["db"] = make_db()


    async def create_item(request):
        sio = request.app["sio"]
        await sio.emit("item:created", {"id": 1})
        await request.app["sio"].emit("item:updated", {"id": 1}, room="org:1")
        await app["sio"].emit("item:deleted", {"id": 1})
        await request.app["db"].emit("not-a-site", {})
        db = request.app["db"]
        await db.emit("not-a-site-either", {})
        await request.app["other"].emit("nor-this", {})
    """


def test_a_server_stored_under_a_string_key_is_a_receiver_there_and_through_the_request():
    facts = facts_of(AIOHTTP_SAME_FILE)
    # Paths the file stores nothing on (`request.app["db"]`) are left to the index, which drops them.
    assert [(e.name, e.receiver.root, e.receiver.kind) for e in facts.emits if e.receiver.kind is not None] == [
        (Lit("item:created"), "sio", SocketKind.SERVER),
        (Lit("item:updated"), 'request.app["sio"]', SocketKind.SERVER),
        (Lit("item:deleted"), 'app["sio"]', SocketKind.SERVER),
    ]


def test_a_server_constructed_under_a_key_or_aliased_on_an_attribute_is_a_receiver():
    facts = facts_of(
        """\
        import socketio
        from aiohttp import web


        def create_app():
            app = web.Application()
            app['sio'] = socketio.AsyncServer(async_mode="aiohttp")
            app['sio'].attach(app)
            return app


        shared = socketio.AsyncServer()
        state.sio = shared


        async def handler(request):
            await request.app['sio'].emit("built", {})
            await request.app.state.sio.emit("aliased", {})
        """
    )
    assert [(e.name, e.receiver.root, e.receiver.kind) for e in facts.emits] == [
        (Lit("built"), 'request.app["sio"]', SocketKind.SERVER),
        (Lit("aliased"), "request.app.state.sio", SocketKind.SERVER),
    ]
    assert [c.binding for c in facts.connections] == ['app["sio"]', "shared"]


def test_a_key_read_in_a_file_that_does_not_store_it_is_left_to_the_index():
    # Across files the extractor cannot know what `app["sio"]` holds: the emit keeps the path, of unknown
    # kind, and only a module of the project storing a server there makes it a site (see
    # test_a_server_stored_on_the_app_is_read_in_another_module); else no site rather than a guess.
    source = """\
        async def create_item(request):
            sio = request.app["sio"]
            await sio.emit("item:created", {"id": 1})
        """
    facts = facts_of(source)
    assert [(e.name, e.receiver.root, e.receiver.kind) for e in facts.emits] == [
        (Lit("item:created"), 'request.app["sio"]', None)
    ]


def test_servers_from_getters_and_app_keys_are_indexed(tmp_path):
    root = write_repo(
        tmp_path,
        {"requirements.txt": "python-socketio\n", "app.py": SERVER_GETTER, "main.py": AIOHTTP_SAME_FILE},
    )
    events = {event["name"]: event for event in catalog(_index(root), str(root))["events"]}
    found = {
        name: [(e["file"], e["side"], e["scope"]) for e in events[name]["emits"]]
        for name in ("hello", "bye", "item:created", "item:updated", "item:deleted")
    }
    assert found == {
        "hello": [("app.py", "server", "room")],
        "bye": [("app.py", "server", "room")],
        "item:created": [("main.py", "server", "broadcast")],
        "item:updated": [("main.py", "server", "org")],
        "item:deleted": [("main.py", "server", "broadcast")],
    }
    assert not {"not-a-site", "not-a-site-either", "nor-this", "not-a-site-shadowed"} & set(events)


# ---------------------------------------------------------------------------------------------------------
# A server stored on the application in one module, read through the request in another


@pytest.mark.parametrize(
    "main, read",
    [
        (  # FastAPI / Starlette
            'from fastapi import FastAPI\napp = FastAPI()\napp.state.sio = socketio.AsyncServer(async_mode="asgi")\n',
            "request.app.state.sio",
        ),
        (  # aiohttp
            'from aiohttp import web\nsio = socketio.AsyncServer(async_mode="aiohttp")\napp = web.Application()\n'
            'sio.attach(app)\napp["sio"] = sio\n',
            'request.app["sio"]',
        ),
    ],
)
def test_a_server_stored_on_the_app_is_read_in_another_module(tmp_path, main, read):
    files = {
        "requirements.txt": "python-socketio\n",
        "app/main.py": "import socketio\n" + main,
        "app/views.py": f"""\
            async def create_lead(request):
                await {read}.emit("lead:new", {{"id": 1}}, room="org:1")
                sio = {read}
                await sio.emit("lead:touched", {{"id": 1}})
                await request.app.state.cache.emit("not-a-site", {{}})
                other = request.app["db"]
                await other.emit("not-a-site-either", {{}})
            """,
    }
    root = write_repo(tmp_path, files)
    events = {event["name"]: event for event in catalog(_index(root), str(root))["events"]}
    assert sorted(events) == ["lead:new", "lead:touched"]
    assert [(e["file"], e["side"], e["scope"]) for e in events["lead:new"]["emits"]] == [("app/views.py", "server", "org")]
    assert [(e["side"], e["scope"]) for e in events["lead:touched"]["emits"]] == [("server", "broadcast")]


# ---------------------------------------------------------------------------------------------------------
# External emitters: python-socketio's pub/sub managers, used by Celery workers and scripts


EXTERNAL_EMITTER = """\
import socketio
from socketio import AsyncRedisManager, KombuManager

external_sio = socketio.RedisManager("redis://", write_only=True)
kombu = KombuManager("amqp://", write_only=True)
mgr = AsyncRedisManager("redis://")
sio = socketio.AsyncServer(client_manager=mgr)


def run_task(user_id, task_id):
    external_sio.emit("task:progress", {"task_id": task_id}, room=f"user:{user_id}")
    external_sio.emit("task:done", data={"task_id": task_id}, to=f"user:{user_id}", namespace="/jobs")
    kombu.emit("everyone", {"a": 1})
    kombu.emit("positional", {"a": 1}, "/admin", f"org:{user_id}")


class Notifier:
    def __init__(self):
        self.queue = socketio.KafkaManager(write_only=True)

    def send(self, user_id):
        self.queue.emit("held", {}, room=f"user:{user_id}")


async def push():
    zmq = socketio.ZmqManager("zmq+tcp://localhost:5555", write_only=True)
    zmq.emit("zmq:event", {})
    pika = socketio.AsyncAioPikaManager("amqp://", write_only=True)
    await pika.emit("pika:event", {}, room="lobby")
    await mgr.emit("through-the-manager", {}, room="lobby")
"""


def test_external_emitters_are_server_emits_with_rooms_and_namespaces():
    facts = facts_of(EXTERNAL_EMITTER)
    emits = emits_by_event(facts)
    progress = emits["task:progress"]
    assert (progress.receiver.root, progress.receiver.kind) == ("external_sio", SocketKind.SERVER)
    assert rooms(progress.chain) == [('f"user:{user_id}"', "user:")]
    assert progress.function == "run_task"
    done = emits["task:done"]
    assert rooms(done.chain) == [('f"user:{user_id}"', "user:")] and done.receiver.namespace == "/jobs"
    assert done.payload_texts == ('{"task_id": task_id}',)
    assert emits["everyone"].chain == () and emits["everyone"].receiver.kind == SocketKind.SERVER
    # A manager's `emit(event, data, namespace, room)`: the third positional is the namespace.
    positional = emits["positional"]
    assert positional.receiver.namespace == "/admin"
    assert rooms(positional.chain) == [('f"org:{user_id}"', "org:")]
    assert positional.payload_texts == ('{"a": 1}',)
    assert emits["held"].receiver.root == "self.queue" and rooms(emits["held"].chain) == [('f"user:{user_id}"', "user:")]
    assert {"zmq:event", "pika:event", "through-the-manager"} <= set(emits)
    # A manager is no server accepting connections: the only connection is the AsyncServer's.
    assert [(c.constructor, c.kind) for c in facts.connections] == [("AsyncServer", SocketKind.SERVER)]


def test_external_emitters_pair_with_the_web_client(tmp_path):
    root = write_repo(
        tmp_path,
        {
            "backend/requirements.txt": "python-socketio==5.11.0\ncelery\n",
            "backend/app.py": """\
                import socketio

                mgr = socketio.AsyncRedisManager("redis://localhost:6379/0")
                sio = socketio.AsyncServer(async_mode="asgi", client_manager=mgr)

                @sio.event
                async def connect(sid, environ, auth):
                    if not auth:
                        return False
                    await sio.enter_room(sid, f"user:{auth['userId']}")
                """,
            "backend/tasks.py": """\
                import os
                import socketio

                external_sio = socketio.RedisManager(os.getenv("BROKER"), write_only=True)

                def run_task(user_id, task_id):
                    external_sio.emit("task:done", {"task_id": task_id}, room=f"user:{user_id}")
                """,
            "frontend/package.json": json.dumps({"name": "frontend", "dependencies": {"socket.io-client": "^4"}}),
            "frontend/src/socket.js": """\
                import { io } from "socket.io-client";
                export const socket = io("/", { auth: (cb) => cb({ token: localStorage.token }) });
                socket.on("task:done", (d) => console.log(d));
                """,
        },
    )
    index = _index(root)
    done = {event["name"]: event for event in catalog(index, str(root))["events"]}["task:done"]
    assert [(e["file"], e["side"], e["scope"]) for e in done["emits"]] == [("backend/tasks.py", "server", "user")]
    assert [listener["file"] for listener in done["listeners"]] == ["frontend/src/socket.js"]
    codes = {d.code for d in run_rules(RuleContext(index=index, config=Config()))}
    assert not codes & {"no-listener", "no-emitter", "unauthenticated-server"}, codes
