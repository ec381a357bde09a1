"""The navigation layer on the fixture monorepo's index, without LSP."""

from __future__ import annotations

from pathlib import Path

import pytest

from socketlens.analysis import navigate as nav
from socketlens.config import Config
from socketlens.index.builder import IndexBuilder
from socketlens.model import Direction, Side

FIXTURE = Path(__file__).parent / "fixtures" / "monorepo"
LEADS = "apps/api/src/routes/leads.ts"
LEAD_LIST = "apps/web/src/components/LeadList.tsx"
EVENTS = "packages/shared/src/events.ts"
MAPS = "packages/shared/src/socket-events.ts"
SOCKET = "apps/api/src/socket.ts"
CHAT_PANEL = "apps/web/src/components/ChatPanel.tsx"


@pytest.fixture(scope="module")
def index():
    return IndexBuilder(FIXTURE, Config(), use_cache=False).build()


def at(index, rel: str, needle: str, offset: int = 1, occurrence: int = 0) -> nav.Target | None:
    data = (FIXTURE / rel).read_bytes()
    position = -1
    for _ in range(occurrence + 1):
        position = data.index(needle.encode(), position + 1)
    return nav.target_at(index, rel, position + offset)


def where(locations) -> list[tuple[str, int]]:
    return sorted((loc.file, loc.span.start_line + 1) for loc in locations)


def test_target_roles(index):
    assert at(index, LEADS, '"lead:new"').role == nav.EMIT
    assert at(index, LEAD_LIST, '"lead:new"').role == nav.LISTENER
    assert at(index, MAPS, '"lead:new"').role == nav.DECLARATION
    literal = at(index, EVENTS, '"chat:typing"')
    assert (literal.role, literal.event) == (nav.LITERAL, "chat:typing")
    assert at(index, LEADS, "router.post") is None


def test_definitions_declarations_references(index):
    assert where(nav.definitions(index, at(index, LEADS, '"lead:new"'))) == [(LEAD_LIST, 20)]
    assert where(nav.definitions(index, at(index, LEAD_LIST, '"lead:new"'))) == [(LEADS, 15)]
    assert where(nav.definitions(index, at(index, MAPS, '"lead:new"'))) == [(LEADS, 15), (LEAD_LIST, 20)]
    assert where(nav.definitions(index, at(index, EVENTS, '"chat:typing"'))) == [(SOCKET, 46), (CHAT_PANEL, 57)]
    assert where(nav.declarations(index, at(index, SOCKET, "ChatEvent.Typing", 11))) == [(MAPS, 46)]
    target = at(index, LEADS, '"lead:new"')
    assert where(nav.references(index, target, True)) == [(LEADS, 15), (LEAD_LIST, 20), (MAPS, 20)]
    assert where(nav.references(index, target, False)) == [(LEADS, 15), (LEAD_LIST, 20)]


def test_rename_plan_edits_inside_quotes_and_enum_values(index):
    edits = nav.rename_plan(index, at(index, CHAT_PANEL, '"chat:send"'), "chat:post")
    assert sorted((e.file, e.span.start_line + 1, e.span.start_col, e.new_text) for e in edits) == [
        ("apps/api/src/routes/chat.ts", 7, 13, "chat:post"),
        (CHAT_PANEL, 39, 17, "chat:post"),
        (MAPS, 44, 3, "chat:post"),
    ]
    for edit in edits:
        source = (FIXTURE / edit.file).read_bytes()
        assert source[edit.span.start_byte : edit.span.end_byte] == b"chat:send"
    # enum-backed: only the member's value, never `Typing`
    edits = nav.rename_plan(index, at(index, SOCKET, "ChatEvent.Typing", 11), "chat:is-typing")
    assert [(e.file, (FIXTURE / e.file).read_bytes()[e.span.start_byte : e.span.end_byte]) for e in edits] == [
        (EVENTS, b"chat:typing")
    ]
    # an identifier key (`notification: ...`) is spelled without quotes: the edit replaces the whole key
    (declaration,) = index.event("notification").declarations
    assert nav._spelling(declaration) == (MAPS, declaration.span, False)
    assert nav._spelling(index.event("lead:new").declarations[0])[2] is True


def test_rename_refusals(index):
    with pytest.raises(nav.RenameRefused, match=r"admin\.ts:21 \(req\.body\.event\)"):
        nav.rename_plan(index, at(index, LEADS, '"lead:new"'), "lead:created")
    target = at(index, CHAT_PANEL, '"chat:send"')
    with pytest.raises(nav.RenameRefused, match="already exists"):
        nav.rename_plan(index, target, "chat:join")
    with pytest.raises(nav.RenameRefused, match="not a valid event name"):
        nav.rename_plan(index, target, 'chat"x')
    with pytest.raises(nav.RenameRefused, match="reserved"):
        nav.rename_plan(index, target, "disconnect")
    # client-to-server events are not blocked by a dynamic *server* emit
    assert nav.blocking_dynamic_sites(index, index.event("chat:send"), "") == []


def test_hover_summarises_long_lists(index):
    markdown = nav.hover_markdown(index, at(index, LEADS, '"lead:new"'), lambda f, s: f"{f}#{s.start_line + 1}")
    assert "**Emitted** (1)" in markdown and "**Listeners** (1)" in markdown
    lines = nav._site_lines(list(index.all_listeners()), lambda s: "x", lambda f, s: "#")
    assert lines[-1].startswith(f"- … and {len(list(index.all_listeners())) - nav.HOVER_LIST_LIMIT} more in ")


@pytest.mark.parametrize(
    "source, side, kind, directions, typed",
    [
        ('socket.emit("ch', Side.CLIENT, nav.EVENT, {Direction.CLIENT_TO_SERVER}, "ch"),
        ("socket.emit(", Side.CLIENT, nav.EVENT, {Direction.CLIENT_TO_SERVER}, ""),
        ('socket.on("', Side.CLIENT, nav.EVENT, {Direction.SERVER_TO_CLIENT}, ""),
        ('io.to(room).emit("', None, nav.EVENT, {Direction.SERVER_TO_CLIENT}, ""),
        ('socket.on("', Side.SERVER, nav.EVENT, {Direction.CLIENT_TO_SERVER, Direction.INTER_SERVER}, ""),
        ('useSocketEvent("le', None, nav.EVENT, {Direction.SERVER_TO_CLIENT}, "le"),
        ("io.to(`or", None, nav.ROOM, None, "or"),
        ('emitToOrg(orgId, "', None, nav.EVENT, {Direction.SERVER_TO_CLIENT}, ""),
    ],
)
def test_completion_context_on_half_typed_calls(source, side, kind, directions, typed):
    data = source.encode()
    context = nav.completion_context(
        data, "typescript", len(data), hooks=("useSocketEvent",), forwarders={"emitToOrg": (1, "emit")}, side=side
    )
    assert context is not None
    assert (context.kind, context.typed) == (kind, typed)
    assert (set(context.directions) if context.directions else None) == directions


@pytest.mark.parametrize("source", ['foo("', 'socket.emit("a", "', "socket.emit(EVENT", 'socket.emit("a");', "x[", 'emitToOrg("'])
def test_no_completion_outside_event_arguments(source):
    data = source.encode()
    assert nav.completion_context(data, "typescript", len(data), forwarders={"emitToOrg": (1, "emit")}) is None


def test_completion_items_and_symbols(index):
    context = nav.completion_context(b'socket.emit("', "typescript", 13, side=Side.CLIENT)
    choices = nav.event_completions(index, context, "")
    assert [c.label for c in choices] == ["chat:join", "chat:send", "chat:typing"]
    assert choices[0].insert_text == "chat:join" and choices[0].detail == "(payload: { conversationId: string }) => void"
    rooms = nav.room_completions(Config(), nav.completion_context(b"io.to(", "typescript", 6))
    assert [(r.label, r.insert_text) for r in rooms] == [("user:", "`user:${userId}`"), ("org:", "`org:${orgId}`")]
    assert [s.event for s in nav.workspace_symbols(index, "LEAD")] == ["lead:archived", "lead:new", "lead:updated"]
    assert [s.event for s in nav.workspace_symbols(index, "won")] == ["deal:won"]
    assert [m.name for m in nav.document_symbols(index, MAPS)] == ["ServerToClientEvents", "ClientToServerEvents", "InterServerEvents"]
    assert nav.document_symbols(index, LEADS) == []
    lenses = nav.code_lenses(index, LEADS)
    assert [(lens.event, lens.title) for lens in lenses] == [("lead:new", "1 emitter · 1 listener"), ("lead:updated", "1 emitter · 1 listener")]


def _python_index(tmp_path: Path):
    (tmp_path / "app.py").write_text(
        "import socketio\n"
        "sio = socketio.AsyncServer()\n"
        "@sio.event\n"
        "async def chat_join(sid, data):\n"
        "    await sio.emit('chat_joined', data, to=sid)\n"
        "@sio.on('chat_joined')\n"
        "async def again(sid, data):\n"
        "    pass\n"
    )
    return IndexBuilder(tmp_path, Config(), use_cache=False, jobs=1).build()


def _python_target(tmp_path: Path, index, needle: str, offset: int) -> nav.Target | None:
    position = (tmp_path / "app.py").read_bytes().index(needle.encode())
    return nav.target_at(index, "app.py", position + offset)


def test_python_string_literals_rename_between_their_quotes(tmp_path):
    index = _python_index(tmp_path)
    target = _python_target(tmp_path, index, "'chat_joined', data", 2)
    edits = nav.rename_plan(index, target, "chat:joined")
    source = (tmp_path / "app.py").read_bytes()
    assert [source[e.span.start_byte : e.span.end_byte] for e in edits] == [b"chat_joined", b"chat_joined"]


def test_an_event_spelled_by_a_python_function_name_is_not_renamed(tmp_path):
    # `@sio.event def chat_join` has no string to edit: renaming must refuse, never mangle the identifier.
    index = _python_index(tmp_path)
    target = _python_target(tmp_path, index, "chat_join(sid", 1)
    assert target is not None and target.event == "chat_join"
    with pytest.raises(nav.RenameRefused):
        nav.rename_plan(index, target, "chat:join")
