"""False diagnostics found by the fourth real-repository trial: a lazily created module-level socket behind a
`use*` getter (socket-per-component), Vue composables that remove their listeners in `onUnmounted`
(listener-leak), and a client hearing NestJS's `exception` event (no-emitter). Each case has its firing
form next to it."""

import json

import pytest

from test_rules_harness import check, line_of, only

# -- socket-per-component: a lazy module-level singleton behind a `use*` name --------------------------------

SINGLETON = "apps/web/src/lib/useSocket.ts"


def singleton(
    body: str, imports: str = 'import { ref } from "vue";\n', declare: str = "let socket: Socket | undefined;\n"
) -> dict[str, str]:
    return {
        SINGLETON: f"""\
import {{ io, type Socket }} from "socket.io-client";
{imports}
{declare}
export function useSocket(): Socket {{
{body}
  return socket!;
}}
"""
    }


GUARDED_SINGLETONS = {
    "if without braces": "  if (!socket) socket = io('/');",
    "if block": "  if (!socket) {\n    socket = io('/', { transports: ['websocket'] });\n  }",
    "nullish assignment": "  socket ??= io('/');",
    "or assignment": "  socket ||= io('/');",
    "or fallback": "  socket = socket || io('/');",
    "nullish fallback": "  socket = socket ?? io('/');",
    "ternary fallback": "  socket = socket ? socket : io('/');",
    "early return": "  if (socket) return socket;\n  socket = io('/');",
    "guard on another module-level flag": "  if (!started) {\n    started = true;\n    socket = io('/');\n  }",
}


@pytest.mark.parametrize("case", list(GUARDED_SINGLETONS))
@pytest.mark.parametrize("framework", ["vue", "react"])
def test_socket_per_component_is_quiet_on_a_lazy_module_level_singleton(tmp_path, case, framework):
    imports = 'import { ref } from "vue";\n' if framework == "vue" else 'import { useEffect } from "react";\n'
    declare = "let socket: Socket | undefined;\nlet started = false;\n"
    files = singleton(GUARDED_SINGLETONS[case], imports, declare)
    assert only(check(tmp_path, files), "socket-per-component") == [], case


def test_socket_per_component_is_quiet_on_a_singleton_held_by_a_module_level_ref(tmp_path):
    body = "  if (!holder.value) {\n    holder.value = io('/', { transports: ['websocket'] });\n  }\n  const socket = holder.value;"
    files = singleton(body, 'import { shallowRef } from "vue";\n', "const holder = shallowRef<Socket>();\n")
    assert only(check(tmp_path, files), "socket-per-component") == []


def test_socket_per_component_is_quiet_on_a_singleton_assigned_in_a_hooks_effect(tmp_path):
    body = "  useEffect(() => {\n    if (!socket) socket = io('/');\n  }, []);"
    files = singleton(body, 'import { useEffect } from "react";\n')
    assert only(check(tmp_path, files), "socket-per-component") == []


FRESH_CONNECTIONS = {
    "a local const": "  const s = io('/chat');\n  s.connect();",
    "an unguarded module-level assignment": "  socket = io('/');",
    "a guarded local, not the module's": "  let socket: Socket | undefined;\n  if (!socket) socket = io('/');",
    "a guard on something else than module state": "  const enabled = true;\n  if (enabled) socket = io('/');",
    "a guarded property of a local": "  const holder = { value: undefined as Socket | undefined };\n  if (!holder.value) holder.value = io('/');",
}


@pytest.mark.parametrize("case", list(FRESH_CONNECTIONS))
def test_socket_per_component_still_fires_on_a_connection_per_call_of_a_hook(tmp_path, case):
    found = only(check(tmp_path, singleton(FRESH_CONNECTIONS[case])), "socket-per-component")
    assert [(d.file, d.severity.value) for d in found] == [(SINGLETON, "error")], case
    assert "the hook useSocket" in found[0].message


def test_socket_per_component_still_fires_on_a_ref_holding_the_connection(tmp_path):
    files = {
        "apps/web/src/components/Chat.tsx": """\
import { useRef } from "react";
import { io, type Socket } from "socket.io-client";

export function Chat() {
  const ref = useRef<Socket | null>(null);
  if (!ref.current) ref.current = io("/chat");
  return <p>{ref.current.id}</p>;
}
"""
    }
    found = only(check(tmp_path, files), "socket-per-component")
    assert [(d.file, line_of(d)) for d in found] == [("apps/web/src/components/Chat.tsx", 6)]
    assert "the component Chat" in found[0].message


# -- listener-leak: Vue composables ---------------------------------------------------------------------------

COMPOSABLE = "apps/web/src/composables/usePresence.ts"


VUE_IMPORTS = 'import { onBeforeUnmount, onMounted, onScopeDispose, onUnmounted, ref } from "vue";\n'


def composable(body: str, imports: str = VUE_IMPORTS, path: str = COMPOSABLE) -> dict[str, str]:
    return {
        path: f"""\
{imports}import {{ socket }} from "../lib/socket";

export function usePresence() {{
  const online = ref(0);
  const onPresence = (n: number) => (online.value = n);
{body}
  return {{ online }};
}}
"""
    }


CLEANED_UP = {
    "onUnmounted with the same handler": "  socket.on('presence:count', onPresence);\n  onUnmounted(() => socket.off('presence:count', onPresence));",
    "onBeforeUnmount block": "  socket.on('presence:count', onPresence);\n  onBeforeUnmount(() => {\n    socket.off('presence:count', onPresence);\n  });",
    "onScopeDispose": "  socket.on('presence:count', onPresence);\n  onScopeDispose(() => socket.off('presence:count', onPresence));",
    "off of the whole event": "  socket.on('presence:count', onPresence);\n  onUnmounted(() => socket.off('presence:count'));",
    "removeAllListeners": "  socket.on('presence:count', onPresence);\n  onUnmounted(() => socket.removeAllListeners('presence:count'));",
    "onMounted, then onUnmounted": "  onMounted(() => socket.on('presence:count', onPresence));\n  onUnmounted(() => socket.off('presence:count', onPresence));",
    "a named cleanup": "  socket.on('presence:count', onPresence);\n  const stop = () => socket.off('presence:count', onPresence);\n  onUnmounted(stop);",
}


@pytest.mark.parametrize("case", list(CLEANED_UP))
def test_listener_leak_is_quiet_on_a_vue_composable_that_cleans_up(tmp_path, case):
    assert only(check(tmp_path, composable(CLEANED_UP[case])), "listener-leak") == [], case


NOT_CLEANED_UP = {
    "no cleanup": "  socket.on('presence:count', onPresence);",
    "cleanup of another event": "  socket.on('presence:count', onPresence);\n  onUnmounted(() => socket.off('presence:other', onPresence));",
    "cleanup of another handler": "  const other = () => {};\n  socket.on('presence:count', onPresence);\n  onUnmounted(() => socket.off('presence:count', other));",
    "onMounted without cleanup": "  onMounted(() => socket.on('presence:count', onPresence));",
    "a named cleanup that removes nothing": "  socket.on('presence:count', onPresence);\n  const stop = () => console.log('bye');\n  onUnmounted(stop);",
}


@pytest.mark.parametrize("case", list(NOT_CLEANED_UP))
def test_listener_leak_fires_on_a_vue_composable_without_cleanup_with_vue_advice(tmp_path, case):
    found = only(check(tmp_path, composable(NOT_CLEANED_UP[case])), "listener-leak")
    assert [d.file for d in found] == [COMPOSABLE], case
    message = found[0].message
    assert "onUnmounted" in message and "useEffect" not in message and "render" not in message, message
    assert "usePresence" in message
    assert found[0].fixes == ()  # the React quick fix would write an effect cleanup


@pytest.mark.parametrize(
    "path, imports",
    [
        ("apps/web/src/composables/usePresence.ts", ""),  # Nuxt auto-imports its composables' helpers
        ("apps/web/src/composables/useOnline.ts", 'import { ref } from "#imports";\n'),
        ("apps/web/src/lib/usePresence.ts", 'import { ref } from "vue";\n'),
    ],
)
def test_listener_leak_knows_a_vue_file_by_its_imports_or_its_nuxt_folder(tmp_path, path, imports):
    found = only(check(tmp_path, composable("  socket.on('presence:count', onPresence);", imports, path)), "listener-leak")
    assert [d.file for d in found] == [path]
    assert "onUnmounted" in found[0].message
    cleaned = composable(CLEANED_UP["onUnmounted with the same handler"], imports, path)
    assert only(check(tmp_path, cleaned), "listener-leak") == []


def test_listener_leak_in_a_vue_sfc_composable(tmp_path):
    files = {
        "apps/web/src/components/Presence.vue": """\
<template><p>{{ online }}</p></template>
<script lang="ts">
import { ref } from "vue";
import { socket } from "../lib/socket";

export function usePresence() {
  const online = ref(0);
  socket.on("presence:count", (n: number) => (online.value = n));
  return { online };
}
</script>
"""
    }
    found = only(check(tmp_path, files), "listener-leak")
    assert [(d.file, line_of(d)) for d in found] == [("apps/web/src/components/Presence.vue", 8)]
    assert "onUnmounted" in found[0].message


def test_listener_leak_keeps_react_advice_for_a_react_hook_in_a_composables_folder(tmp_path):
    imports = 'import { useState } from "react";\n'
    body = "  socket.on('presence:count', onPresence);\n  onUnmounted(() => socket.off('presence:count', onPresence));"
    files = {COMPOSABLE: composable(body, imports)[COMPOSABLE].replace("ref(0)", "useState(0)") + "declare function onUnmounted(f: () => void): void;\n"}
    found = only(check(tmp_path, files), "listener-leak")
    assert [d.file for d in found] == [COMPOSABLE]
    assert "on every render of usePresence" in found[0].message and "useEffect" in found[0].message


# -- no-emitter: NestJS's `exception` event ----------------------------------------------------------------

GATEWAY = """\
import { SubscribeMessage, WebSocketGateway, WsException } from "@nestjs/websockets";

@WebSocketGateway()
export class GameGateway {
  @SubscribeMessage("chat:send")
  join() {
    throw new WsException("Game does not exist");
  }
}
"""

EXCEPTION_LISTENER = {
    "apps/web/src/lib/errors.ts": """\
import { socket } from "./socket";

socket.on("exception", (err: { message: string }) => alert(err.message));
"""
}


def test_no_emitter_is_quiet_on_nests_exception_event_with_a_gateway(tmp_path):
    files = {**EXCEPTION_LISTENER, "apps/api/src/game.gateway.ts": GATEWAY}
    assert only(check(tmp_path, files), "no-emitter") == []


def test_no_emitter_is_quiet_on_nests_exception_event_with_the_dependency(tmp_path):
    manifest = {"name": "api", "dependencies": {"socket.io": "^4.7.0", "@nestjs/websockets": "^10", "@acme/shared": "*"}}
    files = {**EXCEPTION_LISTENER, "apps/api/package.json": json.dumps(manifest)}
    assert only(check(tmp_path, files), "no-emitter") == []


def test_no_emitter_still_fires_on_exception_without_nest(tmp_path):
    found = only(check(tmp_path, EXCEPTION_LISTENER), "no-emitter")
    assert [(d.file, line_of(d)) for d in found] == [("apps/web/src/lib/errors.ts", 3)]


def test_no_emitter_still_fires_on_other_events_of_a_nest_project(tmp_path):
    files = {
        "apps/api/src/game.gateway.ts": GATEWAY,
        "apps/web/src/lib/errors.ts": EXCEPTION_LISTENER["apps/web/src/lib/errors.ts"].replace('"exception"', '"game:over"'),
    }
    found = only(check(tmp_path, files), "no-emitter")
    assert [(d.file, line_of(d)) for d in found] == [("apps/web/src/lib/errors.ts", 3)]
