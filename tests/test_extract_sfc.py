"""`.vue` / `.svelte` single-file components: their `<script>` blocks are indexed, positioned in the file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lsprotocol import types as lsp

from socketlens.cli import main
from socketlens.config import Config
from socketlens.extract import ExtractOptions, extract_file
from socketlens.extract.sfc import script_block_at, script_blocks, shift_spans
from socketlens.lsp.server import _completion_source
from socketlens.model import Lit, Span
from socketlens.workspace import discover_files, language_of

# The shape of socket.io's own `examples/private-messaging` client, with the markup made hostile: script
# tags spelled inside attributes, interpolations, comments and a style block must not open or close a block.
CHAT_VUE = """<template>
  <div class="chat" title="<script>fake()</script>" @click="send('</script>')">
    {{ "</script><script>socket.emit('not js')</script>" }}
    <template v-if="selectedUser"><message-panel :user="selectedUser" /></template>
  </div>
</template>

<script>
export default { name: "Chat" };
</script>
<!-- <script>socket.on("commented out", f)</script> -->
<script setup lang="ts">
import socket from "../socket";
import { ref } from "vue";

const users = ref([]);
socket.on("private message", ({ content, from }: { content: string; from: string }) => {
  users.value.push({ content, from });
});
socket.emit("typing", { to: "bob" });
</script>

<style scoped>
.chat::after { content: "</script>"; }
</style>
"""

SVELTE = """<script context="module" lang="ts">
  export const prerender = false;
</script>

<script>
  import { socket } from "$lib/socket";
  let messages = [];
  socket.on("chat:message", (message) => { messages = [...messages, message]; });
  const send = (text) => socket.emit("chat:send", { text });
</script>

<svelte:head>
  <title>{"<script>"} chat</title>
  <script>window.socket.on("from head", () => {});</script>
</svelte:head>

{@html "<script>socket.on('in html', f)</script>"}
<button on:click={() => send("</script><script>")} disabled={messages.length > 3}>Send</button>
"""


def extract(rel: str, text: str):
    return extract_file(rel, text.encode("utf-8"), language_of(rel) or "", ExtractOptions())


def position(text: str, needle: str, occurrence: int = 0) -> tuple[int, int]:
    """(0-based line, 0-based code-point column) of `needle` in the real file."""
    index = -1
    for _ in range(occurrence + 1):
        index = text.index(needle, index + 1)
    return text.count("\n", 0, index), index - (text.rfind("\n", 0, index) + 1)


def test_languages_of_component_files():
    assert language_of("src/components/Chat.vue") == "vue"
    assert language_of("src/routes/+page.svelte") == "svelte"


def test_vue_blocks_skip_script_tags_spelled_in_the_markup():
    data = CHAT_VUE.encode()
    blocks = script_blocks(data, "vue")
    assert [block.grammar for block in blocks] == ["javascript", "typescript"]
    assert data[blocks[0].start : blocks[0].end] == b'\nexport default { name: "Chat" };\n'
    assert data[blocks[1].start : blocks[1].end].startswith(b'\nimport socket from "../socket";')
    assert data[blocks[1].end :].startswith(b"</script>\n\n<style scoped>")
    assert dict(blocks[1].attributes) == {"setup": "", "lang": "ts"}


def test_vue_script_setup_listener_and_emit_sit_at_their_place_in_the_file():
    facts = extract("src/components/Chat.vue", CHAT_VUE)
    assert facts.language == "vue" and not facts.has_errors
    (listener,) = facts.listeners
    assert listener.name == Lit("private message")
    line, column = position(CHAT_VUE, '"private message"')
    assert (listener.span.start_line, listener.span.start_col, listener.span.end_col) == (line, column, column + 17)
    start = CHAT_VUE.encode().index(b'"private message"')
    assert (listener.span.start_byte, listener.span.end_byte) == (start, start + 17)
    assert listener.name.span == listener.span  # the literal's own span, used by rename, moved too
    assert (listener.call_span.start_line, listener.call_span.start_col) == position(CHAT_VUE, 'socket.on("private')
    assert listener.call_span.end_line == position(CHAT_VUE, "\n});")[0] + 1
    (emit,) = facts.emits
    assert emit.name == Lit("typing")
    assert (emit.span.start_line, emit.span.start_col) == position(CHAT_VUE, '"typing"')
    (payload,) = emit.payload_spans
    assert CHAT_VUE.encode()[payload.start_byte : payload.end_byte] == b'{ to: "bob" }'
    # facts of both blocks are merged
    assert {(i.local, i.specifier) for i in facts.imports} == {("socket", "../socket"), ("ref", "vue")}
    assert ("default", "default") in facts.exports


def test_first_line_columns_count_code_points_of_the_markup_before_the_block():
    text = '<!-- é — ü --><script>socket.on("x", f)</script>\n'
    (listener,) = extract("a/B.vue", text).listeners
    line, column = position(text, '"x"')
    assert (listener.span.start_line, listener.span.start_col, listener.span.end_col) == (line, column, column + 3)
    assert text.encode()[listener.span.start_byte : listener.span.end_byte] == b'"x"'


def test_svelte_module_and_instance_scripts_but_not_head_scripts_or_html_expressions():
    facts = extract("src/routes/+page.svelte", SVELTE)
    assert facts.language == "svelte" and not facts.has_errors
    assert [b.grammar for b in script_blocks(SVELTE.encode(), "svelte")] == ["typescript", "javascript"]
    assert [listener.name for listener in facts.listeners] == [Lit("chat:message")]
    assert [emit.name for emit in facts.emits] == [Lit("chat:send")]
    assert (facts.listeners[0].span.start_line, facts.listeners[0].span.start_col) == position(SVELTE, '"chat:message"')
    assert (facts.emits[0].span.start_line, facts.emits[0].span.start_col) == position(SVELTE, '"chat:send"')
    assert ("prerender", "prerender") in facts.exports


@pytest.mark.parametrize(
    "tag",
    ['<script src="./chat.js">', '<script type="application/json">', '<script type="text/x-template">', '<script lang="coffee">'],
)
def test_scripts_that_are_not_inline_js_are_skipped(tag):
    text = f'{tag}socket.on("x", f)</script>\n<script lang="tsx">socket.on("y", f)</script>\n'
    facts = extract("a/B.vue", text)
    assert [listener.name for listener in facts.listeners] == [Lit("y")]
    assert [b.grammar for b in script_blocks(text.encode(), "vue")] == ["tsx"]


def test_vue_custom_blocks_and_pug_templates_are_raw_text():
    text = (
        '<docs>\nUse it like: <script>socket.on("doc", f)</script>\n</docs>\n'
        '<template lang="pug">\ndiv(title="<script>x</script>")\n</template>\n'
        '<script setup lang="ts" generic="T extends Record<string, number>">\nsocket.on("real", f);\n</script>\n'
    )
    facts = extract("a/Generic.vue", text)
    assert [listener.name for listener in facts.listeners] == [Lit("real")]
    assert (facts.listeners[0].span.start_line, facts.listeners[0].span.start_col) == position(text, '"real"')


def test_a_component_without_script_has_no_facts():
    facts = extract("a/Only.vue", "<template><p>{{ '<script>' }}</p></template>\n")
    assert facts.listeners == () and facts.emits == () and facts.problems == ()


def test_shift_spans_reaches_spans_nested_in_tuples_and_dataclasses():
    facts = extract("a/b.ts", 'io.to(`org:${id}`).emit("x", { a: 1 });\nsocket.on("y", f);\n')

    def move(span: Span) -> Span:
        return Span(span.start_byte + 100, span.end_byte + 100, span.start_line + 5, span.start_col, span.end_line + 5, span.end_col)

    moved = shift_spans(facts, move)
    assert moved.emits[0].span.start_line == facts.emits[0].span.start_line + 5
    assert moved.emits[0].name.span.start_byte == facts.emits[0].name.span.start_byte + 100
    assert moved.emits[0].chain[0].rooms[0].span.start_line == facts.emits[0].chain[0].rooms[0].span.start_line + 5
    assert moved.emits[0].payload_spans[0].start_byte == facts.emits[0].payload_spans[0].start_byte + 100
    assert moved.listeners[0].call_span.start_line == 6
    assert moved.path == facts.path and moved.listeners[0].name == facts.listeners[0].name


def test_discovery_finds_components(tmp_path: Path):
    (tmp_path / "src").mkdir()
    for name in ("App.vue", "Page.svelte", "main.ts", "style.css"):
        (tmp_path / "src" / name).write_text("<script>\n</script>\n")
    found = {(f.rel, f.language) for f in discover_files(tmp_path, Config())}
    assert found == {("src/App.vue", "vue"), ("src/Page.svelte", "svelte"), ("src/main.ts", "typescript")}


def test_completion_parses_the_script_block_under_the_cursor():
    data = CHAT_VUE.encode()
    offset = data.index(b'"private message"') + 1
    source, grammar = _completion_source("src/Chat.vue", data, offset)
    assert grammar == "typescript" and len(source) == len(data)
    assert source[offset - 11 : offset + 8] == data[offset - 11 : offset + 8]
    assert b"<template>" not in source
    assert _completion_source("src/Chat.vue", data, data.index(b"<div")) is None  # markup: no completion
    assert script_block_at(data, "vue", data.index(b"<div")) is None
    assert _completion_source("src/a.tsx", b"x", 0) == (b"x", "tsx")


# ---------------------------------------------------------------------------------------------------------
# A Vue client against a plain JS server, end to end through the CLI.

SERVER_JS = """const { Server } = require("socket.io");
const io = new Server(3000);
io.on("connection", (socket) => {
  socket.on("private message", ({ content, to }) => {
    socket.to(to).emit("private message", { content, from: socket.id });
  });
});
"""

CLIENT_SOCKET_JS = """import { io } from "socket.io-client";
const socket = io("http://localhost:3000", { autoConnect: false });
export default socket;
"""

APP_VUE = """<template>
  <chat v-if="usernameAlreadySelected" />
</template>

<script>
import socket from "./socket";
import Chat from "./components/Chat.vue";

export default {
  components: { Chat },
  methods: {
    onMessage(content) {
      socket.emit("private message", { content, to: this.selectedUser.userID });
    },
  },
};
</script>
"""

CHAT_SETUP_VUE = """<template><ul><li v-for="m in messages">{{ m.content }}</li></ul></template>

<script setup>
import socket from "../socket";
const messages = [];
socket.on("private message", ({ content, from }) => {
  messages.push({ content, from });
});
</script>
"""


def write(root: Path, rel: str, content: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content)


def test_vue_client_pairs_with_server_and_raises_no_no_emitter(tmp_path: Path, capsys):
    write(tmp_path, "package.json", json.dumps({"name": "private-messaging", "private": True, "workspaces": ["server", "client"]}))
    write(tmp_path, "server/package.json", json.dumps({"name": "server", "dependencies": {"socket.io": "^4"}}))
    write(tmp_path, "server/index.js", SERVER_JS)
    write(tmp_path, "client/package.json", json.dumps({"name": "client", "dependencies": {"socket.io-client": "^4", "vue": "^3"}}))
    write(tmp_path, "client/src/socket.js", CLIENT_SOCKET_JS)
    write(tmp_path, "client/src/App.vue", APP_VUE)
    write(tmp_path, "client/src/components/Chat.vue", CHAT_SETUP_VUE)

    assert main(["events", str(tmp_path), "--json", "--quiet"]) == 0
    events = {event["name"]: event for event in json.loads(capsys.readouterr().out)["events"]}
    event = events["private message"]
    sites = lambda kind: sorted((s["file"], s["line"], s["column"], s["side"]) for s in event[kind])  # noqa: E731
    assert sites("listeners") == [
        ("client/src/components/Chat.vue", 6, 11, "client"),
        ("server/index.js", 4, 13, "server"),
    ]
    assert sites("emits") == [
        ("client/src/App.vue", 13, 19, "client"),
        ("server/index.js", 5, 24, "server"),
    ]

    main(["check", str(tmp_path), "--format", "json", "--quiet", "--fail-on", "never"])
    diagnostics = json.loads(capsys.readouterr().out)["diagnostics"]
    assert not [d for d in diagnostics if d["code"] in ("no-emitter", "no-listener")], diagnostics


BOARD_SETUP_VUE = """<script setup>
import { ref, onMounted, onUnmounted } from "vue";
import { io } from "socket.io-client";

const socket = io("http://localhost:3001", { transports: ["websocket"] });
const tiles = ref([]);

onMounted(() => {
  socket.on("tiles:data", (data) => { tiles.value = data; });
  socket.emit("tiles:fetch");
});
onUnmounted(() => socket.off("tiles:data"));
</script>

<template><div v-for="t in tiles" :key="t.index">{{ t.name }}</div></template>
"""

TILE_COUNT_VUE = """<script setup>
import { onMounted, onUnmounted, ref } from "vue";
import { socket } from "../socket";

const count = ref(0);
onMounted(() => socket.on("tiles:data", (data) => { count.value = data.length; }));
onUnmounted(() => socket.off("tiles:data"));
</script>
"""


def test_off_in_unmount_pairs_with_the_listener_of_the_same_script_setup(tmp_path: Path, capsys):
    def off_removes_all(root: Path) -> list[tuple[str, int]]:
        main(["check", str(root), "--format", "json", "--quiet", "--fail-on", "never"])
        diagnostics = json.loads(capsys.readouterr().out)["diagnostics"]
        return sorted((d["file"], d["line"]) for d in diagnostics if d["code"] == "off-removes-all")

    manifest = json.dumps({"name": "board", "dependencies": {"socket.io-client": "^4", "vue": "^3"}})
    alone = tmp_path / "alone"
    write(alone, "package.json", manifest)
    write(alone, "src/components/Board.vue", BOARD_SETUP_VUE)
    # Only Board listens: `off("tiles:data")` removes its own listener.
    assert off_removes_all(alone) == []

    shared = tmp_path / "shared"
    write(shared, "package.json", manifest)
    write(shared, "src/socket.js", 'import { io } from "socket.io-client";\nexport const socket = io();\n')
    write(shared, "src/components/TileCount.vue", TILE_COUNT_VUE)
    write(shared, "src/components/Other.vue", TILE_COUNT_VUE)
    # Two components listen on the shared socket: each one's off(event) drops the other's listener.
    assert off_removes_all(shared) == [("src/components/Other.vue", 7), ("src/components/TileCount.vue", 7)]


# ---------------------------------------------------------------------------------------------------------
# The language server on a .vue file of the fixture monorepo.

LEAD_BADGE = "apps/web/src/components/LeadBadge.vue"
LEAD_BADGE_TEXT = """<template>
  <span :title="'</script>'">{{ count }}</span>
</template>

<script setup lang="ts">
import { ref } from "vue";
import { useSocketEvent } from "../hooks/useSocketEvent";

const count = ref(0);
useSocketEvent("lead:new", () => { count.value += 1; });
</script>
"""


@pytest.mark.asyncio
async def test_language_server_navigates_and_completes_in_a_vue_file(tmp_path):
    from test_lsp_server import LEADS, copy_fixture, position_of, rels, serve

    root = copy_fixture(tmp_path)
    write(root, LEAD_BADGE, LEAD_BADGE_TEXT)
    async with serve([root]) as s:
        await s.wait_ready()
        leads = s.open(LEADS)
        found = await s.definition(leads, position_of(root, LEADS, '"lead:new"', 2))
        assert (LEAD_BADGE, 10) in rels(root, found)
        badge = s.open(LEAD_BADGE)
        found = await s.definition(badge, position_of(root, LEAD_BADGE, '"lead:new"', 3))
        assert rels(root, found) == [(LEADS, 15)]
        # completion inside the script block, on an edited buffer
        source = LEAD_BADGE_TEXT.replace('useSocketEvent("lead:new"', 'useSocketEvent("lead')
        s.replace(badge, source)
        line, column = position(source, 'useSocketEvent("lead')
        result = await s.client.text_document_completion_async(
            lsp.CompletionParams(lsp.TextDocumentIdentifier(badge), lsp.Position(line, column + len('useSocketEvent("lead')))
        )
        assert result is not None and "lead:new" in {item.label for item in result.items}
        item = next(i for i in result.items if i.label == "lead:new")
        assert item.text_edit.range == lsp.Range(lsp.Position(line, column + 16), lsp.Position(line, column + 20))
        # in the markup: nothing
        result = await s.client.text_document_completion_async(
            lsp.CompletionParams(lsp.TextDocumentIdentifier(badge), lsp.Position(1, 18))
        )
        assert result is None or result.items == []


# ---------------------------------------------------------------------------------------------------------
# Code in the markup: Vue directives, Svelte expressions

TEMPLATE_VUE = """<template>
  <form @submit.prevent="socket.emit('chat:send', { text })">
    <button title="Envoyer — ✉" @click="socket.emit('chat:typing')" :disabled="!socket.connected">↵</button>
    <my-dialog v-if="open" @close="$emit('close')" @save="save" v-on:ping="() => socket.emit('chat:ping')" />
    <p>{{ socket.emit('not:code') }}</p>
  </form>
</template>

<script setup lang="ts">
import { ref } from "vue";
import { socket } from "../socket";
const text = ref("");
const open = ref(false);
const save = () => {};
</script>
"""


def test_vue_directives_are_code_that_sees_the_script_setup():
    facts = extract("src/components/Composer.vue", TEMPLATE_VUE)
    assert not facts.has_errors
    emits = {emit.name.value: emit for emit in facts.emits}
    assert sorted(emits) == ["chat:ping", "chat:send", "chat:typing"]  # not `$emit`, not an interpolation
    for name, emit in emits.items():
        needle = f"'{name}'"
        assert (emit.span.start_line, emit.span.start_col, emit.span.end_col) == (
            *position(TEMPLATE_VUE, needle),
            position(TEMPLATE_VUE, needle)[1] + len(needle),
        )
        assert TEMPLATE_VUE.encode()[emit.span.start_byte : emit.span.end_byte] == needle.encode()
        assert emit.receiver.root == "socket"
    payload = emits["chat:send"].payload_spans[0]
    assert TEMPLATE_VUE.encode()[payload.start_byte : payload.end_byte] == b"{ text }"
    assert {(i.local, i.specifier) for i in facts.imports} == {("ref", "vue"), ("socket", "../socket")}


SVELTE_MARKUP = """<script context="module">
  export const ssr = false;
</script>

<script>
  import { socket } from "$lib/socket";
  let text = "";
</script>

{#if socket.connected}
  <input bind:value={text} on:keydown={() => socket.emit("chat:typing")} {...$$restProps} />
  <button onclick={() => socket.emit("chat:send", { text })}>Envoyer ✉</button>
{:else}
  <p>{socket.emit("chat:reconnect") && "…"}</p>
{/if}
{@html "<b>socket.emit('not:code')</b>"}
"""


def test_svelte_expressions_are_code_but_block_tags_html_and_spreads_are_not():
    facts = extract("src/routes/+page.svelte", SVELTE_MARKUP)
    assert not facts.has_errors
    assert sorted(emit.name.value for emit in facts.emits) == ["chat:reconnect", "chat:send", "chat:typing"]
    for emit in facts.emits:
        assert (emit.span.start_line, emit.span.start_col) == position(SVELTE_MARKUP, f'"{emit.name.value}"')
    assert ("ssr", "ssr") in facts.exports  # the module script is still extracted on its own


def test_markup_code_without_a_script_is_extracted_alone():
    text = '<template><button @click="socket.emit(\'ping\')">p</button></template>\n'
    (emit,) = extract("src/Ping.vue", text).emits
    assert (emit.name.value, emit.receiver.root) == ("ping", "socket")
    assert (emit.span.start_line, emit.span.start_col) == position(text, "'ping'")


def test_a_vue_template_emit_pairs_with_the_server(tmp_path: Path, capsys):
    write(tmp_path, "package.json", json.dumps({"name": "chat", "private": True, "workspaces": ["server", "client"]}))
    write(tmp_path, "server/package.json", json.dumps({"name": "server", "dependencies": {"socket.io": "^4"}}))
    write(
        tmp_path,
        "server/index.ts",
        'import { Server } from "socket.io";\nconst io = new Server();\n'
        'io.on("connection", (socket) => {\n  socket.on("chat:send", () => {});\n  socket.on("chat:typing", () => {});\n'
        '  socket.on("chat:ping", () => {});\n  socket.on("hello", () => {});\n});\n',
    )
    write(tmp_path, "client/package.json", json.dumps({"name": "client", "dependencies": {"socket.io-client": "^4", "vue": "^3"}}))
    write(
        tmp_path,
        "client/src/socket.ts",
        'import { io } from "socket.io-client";\nexport const socket = io();\nsocket.emit("hello");\n',
    )
    write(tmp_path, "client/src/components/Composer.vue", TEMPLATE_VUE)
    main(["check", str(tmp_path), "--format", "json", "--quiet", "--fail-on", "never"])
    diagnostics = json.loads(capsys.readouterr().out)["diagnostics"]
    assert not [d for d in diagnostics if d["code"] == "no-emitter"], diagnostics
