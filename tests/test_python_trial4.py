"""python-socketio / Flask-SocketIO connect handlers registered by a call (`sio.on("connect", handler)`) are
judged like decorated ones: one that rejects the connection authenticates its server."""

from __future__ import annotations

import textwrap
from pathlib import Path

from socketlens.analysis.rules import RuleContext, run_rules
from socketlens.config import Config
from socketlens.extract import extract_file
from socketlens.extract.vocabulary import ExtractOptions
from socketlens.index.builder import IndexBuilder
from socketlens.model import Lit


def facts_of(source: str):
    return extract_file("app.py", textwrap.dedent(source).encode(), "python", ExtractOptions())


def auth_findings(facts) -> list[tuple[str, tuple]]:
    return [(f.span.start_line, f.data) for f in facts.findings if f.code == "handshake-auth"]


def test_a_module_function_registered_for_connect_that_refuses_is_handshake_auth():
    facts = facts_of(
        """\
        import socketio

        sio = socketio.AsyncServer(async_mode="asgi")

        async def on_connect(sid, environ, auth):
            if not auth:
                raise ConnectionRefusedError("unauthorized")

        sio.on("connect", on_connect)
        """
    )
    assert auth_findings(facts) == [(4, (("binding", "sio"),))]  # at the handler's name


def test_a_method_registered_on_a_held_server_that_returns_false_is_handshake_auth():
    facts = facts_of(
        """\
        import socketio

        class Base:
            async def on_connect(self, sid, environ, auth):
                if not auth:
                    return False

        class SocketManager(Base):
            def __init__(self):
                self.sio = socketio.AsyncServer(async_mode="asgi")
                self.sio.on("connect", self.on_connect)
        """
    )
    assert auth_findings(facts) == [(3, (("binding", "self.sio"),))]  # inherited from a base of the file


def test_the_handler_keyword_a_nested_function_and_flask_on_event_are_read():
    facts = facts_of(
        """\
        import socketio
        from flask_socketio import SocketIO

        def create_app():
            sio = socketio.Server()

            def connect(sid, environ, auth):
                raise ConnectionRefusedError("no")

            sio.on("connect", handler=connect)
            return sio

        socketio_app = SocketIO()

        def handle_connect(auth):
            return False

        socketio_app.on_event("connect", handle_connect)
        """
    )
    assert [line for line, _ in auth_findings(facts)] == [6, 14]


def test_a_connect_decorator_applied_by_call_is_a_listener_and_is_judged():
    facts = facts_of(
        """\
        import socketio

        sio = socketio.Server()

        def connect(sid, environ, auth):
            raise ConnectionRefusedError("no")

        def chat(sid, data):
            pass

        sio.on("connect", namespace="/chat")(connect)
        sio.on("chat:msg", namespace="/chat")(chat)
        """
    )
    assert auth_findings(facts) == [(4, (("binding", "sio"),))]
    connect, chat = facts.listeners  # the index tells lifecycle handlers from events
    assert connect.name == Lit("connect") and chat.name == Lit("chat:msg")
    assert chat.receiver.namespace == "/chat" and chat.name_text == '"chat:msg"' and chat.handler_text == "chat"
    assert chat.call_span.start_line == 11 and chat.call_span.start_col == 0  # the whole `sio.on(...)(chat)`


def test_handlers_that_accept_or_are_not_the_registered_function_are_not_handshake_auth():
    facts = facts_of(
        """\
        import socketio
        from events import EventEmitter

        sio = socketio.Server()
        client = socketio.Client()
        emitter = EventEmitter()

        def refuse(sid, environ, auth):
            raise ConnectionRefusedError("no")

        def accept(sid, environ, auth):
            print(sid)

        class Manager:
            def __init__(self):
                self.sio = socketio.Server()
                self.sio.on("connect", self.on_connect)

            def on_connect(self, sid, environ):
                return True

        def register(refuse):  # a parameter, not the module's function
            sio.on("connect", refuse)

        sio.on("connect", accept)
        sio.on("disconnect", refuse)  # not the connect handler
        client.on("connect", refuse)  # a client's connect handler authenticates nothing
        emitter.on("connect", refuse)  # no socket.io
        sio.on("connect", lambda sid, environ: False)
        """
    )
    assert auth_findings(facts) == []


def write_repo(root: Path, files: dict[str, str]) -> Path:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(content))
    return root


def unauthenticated(root: Path) -> list[str]:
    index = IndexBuilder(root, Config(), use_cache=False, jobs=1).build()
    diagnostics = run_rules(RuleContext(index=index, config=Config()))
    return sorted(d.file for d in diagnostics if d.code == "unauthenticated-server")


SERVICE = """\
    import socketio

    class SocketIOManager:
        def __init__(self):
            self.sio = socketio.AsyncServer(async_mode="asgi")
            self.sio.on("connect", self.on_connect)

        async def on_connect(self, sid, environ, auth):
            if not auth:
                return False
    """


def test_a_server_whose_connect_handler_registered_by_call_refuses_is_not_flagged(tmp_path):
    root = write_repo(tmp_path, {"requirements.txt": "python-socketio\n", "service.py": SERVICE})
    assert unauthenticated(root) == []


def test_a_server_whose_connect_handler_registered_by_call_accepts_is_flagged(tmp_path):
    accepting = SERVICE.replace("return False", "print(sid)")
    root = write_repo(tmp_path, {"requirements.txt": "python-socketio\n", "service.py": accepting})
    assert unauthenticated(root) == ["service.py"]
