"""Found by the sixth real-repository trial: Python modules that take their event names, wrappers and servers
from a star import (`from .events import *`, `from server.routes import *`). A star import lends the names
the module reads and binds nowhere itself; they resolve like an explicit import, the last star import first,
and a module's own binding of a name wins over every star import."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from socketlens.analysis.rules import RuleContext, run_rules
from socketlens.config import Config
from socketlens.extract import extract_file
from socketlens.extract.vocabulary import ExtractOptions
from socketlens.index.builder import IndexBuilder
from socketlens.model import Import, Lit, Param, ReExport, Ref, SocketKind

from extract_support import write


def facts_of(source: str, rel: str = "server/app.py"):
    return extract_file(rel, textwrap.dedent(source).encode(), "python", ExtractOptions())




def index_of(root: Path):
    return IndexBuilder(root, Config(), use_cache=False, jobs=1).build()


def sites(index, event: str) -> dict[str, list[tuple[str, int]]]:
    found = index.event(event)
    if found is None:
        return {"emits": [], "listeners": []}
    return {
        "emits": sorted((s.file, s.span.start_line) for s in found.emits),
        "listeners": sorted((s.file, s.span.start_line) for s in found.listeners),
    }


WEB = {
    "web/package.json": json.dumps({"name": "web", "dependencies": {"socket.io-client": "^4.7.0"}}),
    "web/main.js": """\
        import { io } from "socket.io-client";
        const socket = io("http://localhost:8000");
        socket.emit("join_room", "lobby");
        socket.on("room_data", (d) => console.log(d));
        """,
    "server/requirements.txt": "python-socketio\n",
    "server/__init__.py": "",
}

APP = """\
    import socketio
    {star}

    sio = socketio.AsyncServer(async_mode="asgi")


    @sio.on(JOIN_ROOM)
    async def join_room(sid, room):
        await sio.enter_room(sid, room)
        await sio.emit(ROOM_DATA, {{"room": room}}, room=room)
    """

EVENTS = """\
    JOIN_ROOM = "join_room"
    ROOM_DATA = "room_data"
    """


# -- extraction -------------------------------------------------------------------------------------------


def test_a_star_import_lends_the_names_the_module_reads_and_binds_nowhere():
    facts = facts_of(
        """\
        import socketio
        from .events import *
        from server.rooms import *

        sio = socketio.AsyncServer()
        LOCAL = "local"

        @sio.on(JOIN_ROOM)
        async def join(sid, event):
            name = compute()
            print(len(event), name, _hidden, LOCAL)
            await sio.emit(ROOM_DATA, {})
        """
    )
    # Re-exported as Python does (`from server.app import JOIN_ROOM` works), the last star import first.
    assert facts.reexports == (
        ReExport("*", "../server/rooms.py", "*"),
        ReExport("*", "./events.py", "*"),
    )
    # Read as this module's own globals, which its star imports supply; not locals, parameters, builtins,
    # names the module binds, nor private names (no star import lends those without an `__all__`).
    lent = {imp.local: imp for imp in facts.imports}
    assert set(lent) == {"JOIN_ROOM", "ROOM_DATA", "compute"}
    assert lent["JOIN_ROOM"] == Import("JOIN_ROOM", "./app.py", "JOIN_ROOM")
    # Other modules reach them through the re-exports, not as names this module binds.
    assert {name for name, _ in facts.exports} == {"LOCAL", "join", "sio"}
    assert [l.name for l in facts.listeners] == [Ref("JOIN_ROOM")]


def test_a_module_without_a_star_import_of_the_app_lends_nothing():
    facts = facts_of(
        """\
        import socketio
        from flask import *

        sio = socketio.AsyncServer()

        @sio.on(JOIN_ROOM)
        async def join(sid):
            pass
        """
    )
    assert facts.imports == () and facts.reexports == ()


def test_a_star_import_of_flask_socketio_lends_its_server_and_emit():
    facts = facts_of(
        """\
        from flask import Flask
        from flask_socketio import *

        app = Flask(__name__)
        socketio = SocketIO(app)

        @socketio.on("ping")
        def ping(data):
            emit("pong", data, broadcast=True)
        """
    )
    assert [(c.constructor, c.kind) for c in facts.connections] == [("SocketIO", SocketKind.SERVER)]
    assert [(l.name, l.receiver.kind) for l in facts.listeners] == [(Lit("ping"), SocketKind.SERVER)]
    assert [(e.name.value, e.receiver.kind) for e in facts.emits] == [("pong", SocketKind.SERVER)]


def test_a_parameter_named_like_a_lent_name_stays_a_parameter():
    facts = facts_of(
        """\
        import socketio
        from .events import *

        sio = socketio.AsyncServer()

        async def emit_to_all(event, data):
            await sio.emit(event, data)
        """
    )
    assert [f.inner.name for f in facts.forwarders] == [Param("emit_to_all", 0)]
    assert facts.imports == ()


# -- through the index ------------------------------------------------------------------------------------


def test_event_names_from_a_relative_or_absolute_star_import_resolve(tmp_path):
    for star in ("from .events import *", "from server.events import *"):
        root = write(tmp_path / star.split()[1], {**WEB, "server/events.py": EVENTS, "server/app.py": APP.format(star=star)})
        index = index_of(root)
        assert sites(index, "join_room") == {"emits": [("web/main.js", 2)], "listeners": [("server/app.py", 6)]}, star
        assert sites(index, "room_data") == {"emits": [("server/app.py", 9)], "listeners": [("web/main.js", 3)]}, star
        assert index.dynamic_sites() == [], star
        codes = {d.code for d in run_rules(RuleContext(index=index, config=Config()))}
        assert "no-emitter" not in codes and "no-listener" not in codes, (star, codes)


def test_the_last_star_import_wins_and_an_own_binding_wins_over_every_star(tmp_path):
    files = {
        **WEB,
        "server/events.py": """\
            JOIN_ROOM = "join_room"
            ROOM_DATA = "stale_room_data"
            LEAVE = "stale_leave"
            _PRIVATE = "private"
            """,
        "server/overrides.py": """\
            ROOM_DATA = "room_data"
            LEAVE = "other_leave"
            """,
        "server/app.py": """\
            import socketio
            from .events import *
            from .overrides import *

            sio = socketio.AsyncServer(async_mode="asgi")


            @sio.on(JOIN_ROOM)
            async def join_room(sid, room):
                await sio.emit(ROOM_DATA, {"room": room}, room=room)
                await sio.emit(LEAVE, {}, room=room)
                await sio.emit(_PRIVATE, {}, room=room)

            LEAVE = "leave"
            """,
    }
    index = index_of(write(tmp_path, files))
    assert sites(index, "join_room")["listeners"] == [("server/app.py", 7)]  # from the first star import
    assert sites(index, "room_data")["emits"] == [("server/app.py", 9)]  # the later star import's value
    assert sites(index, "leave")["emits"] == [("server/app.py", 10)]  # the module's own binding
    assert index.event("stale_room_data") is None and index.event("other_leave") is None
    # A private name is lent by no star import: it stays a dynamic site.
    assert [d.expression for d in index.dynamic_sites()] == ["_PRIVATE"]


def test_star_imports_chain_and_re_export_to_explicit_importers(tmp_path):
    files = {
        **WEB,
        "server/constants.py": EVENTS,
        "server/events.py": "from .constants import *\n",
        "server/__init__.py": "from .events import *\n",
        "server/app.py": APP.format(star="from .events import *"),
        "server/other.py": """\
            from server import JOIN_ROOM
            from server.app import sio

            async def rejoin(room):
                await sio.emit(JOIN_ROOM, room, room=room)
            """,
    }
    index = index_of(write(tmp_path, files))
    assert sites(index, "join_room")["listeners"] == [("server/app.py", 6)]  # through two star imports
    assert sites(index, "room_data")["emits"] == [("server/app.py", 9)]
    assert ("server/other.py", 4) in sites(index, "join_room")["emits"]


def test_wrappers_and_servers_from_a_star_import(tmp_path):
    files = {
        **WEB,
        "server/extensions.py": """\
            import socketio

            sio = socketio.AsyncServer(async_mode="asgi")
            """,
        "server/bus.py": """\
            class Bus:
                def emit(self, name, payload):
                    pass

            bus = Bus()
            """,
        "server/realtime.py": """\
            from .extensions import *

            async def emit_to_room(room, event, data):
                await sio.emit(event, data, room=room)
            """,
        "server/app.py": """\
            from .extensions import *
            from .realtime import *
            from .bus import *


            @sio.on("join_room")
            async def join_room(sid, room):
                await emit_to_room(room, "room_data", {"room": room})
                bus.emit("room_data", {})
            """,
    }
    index = index_of(write(tmp_path, files))
    assert sites(index, "join_room")["listeners"] == [("server/app.py", 5)]
    # Through the star-imported wrapper; the bus's emit is no socket emit.
    assert sites(index, "room_data")["emits"] == [("server/app.py", 7)]
