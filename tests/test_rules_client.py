"""Rules about listeners and connections: listener-leak, off-removes-all, inline-off, listener-in-connect,
socket-per-component, reconnection-disabled, static-auth-token, unauthenticated-server."""

import pytest

from test_rules_harness import API_SOCKET, check, line_of, only

PANEL = "apps/web/src/components/Panel.tsx"


def panel(body: str, imports: str = "") -> dict[str, str]:
    return {
        PANEL: f"""\
import {{ useEffect, useMemo, useState }} from "react";
import {{ io }} from "socket.io-client";
import {{ socket }} from "../lib/socket";
{imports}
export function Panel({{ id }}: {{ id: string }}) {{
  const [count, setCount] = useState(0);
{body}
  return <p>{{count}}</p>;
}}
"""
    }


LEAK_CASES = {
    "no cleanup": """\
  useEffect(() => {
    socket.on("lead:new", () => setCount((c) => c + 1));
  }, []);""",
    "cleanup that only disconnects a shared socket": """\
  useEffect(() => {
    const onLead = () => setCount((c) => c + 1);
    socket.on("lead:new", onLead);
    return () => {
      socket.disconnect();
    };
  }, []);""",
    "cleanup removing another handler": """\
  useEffect(() => {
    const onLead = () => setCount((c) => c + 1);
    const other = () => {};
    socket.on("lead:new", onLead);
    return () => socket.off("lead:new", other);
  }, []);""",
    "early return, then no cleanup": """\
  useEffect(() => {
    if (!id) return undefined;
    socket.on("lead:new", () => setCount((c) => c + 1));
  }, [id]);""",
    "render body": '  socket.on("lead:new", () => setCount((c) => c + 1));',
}


@pytest.mark.parametrize("case", list(LEAK_CASES))
def test_listener_leak_fires(tmp_path, case):
    found = only(check(tmp_path, panel(LEAK_CASES[case])), "listener-leak")
    assert [d.file for d in found] == [PANEL], case
    if case == "render body":
        assert "on every render of Panel" in found[0].message


SOUND_LISTENERS = {
    "off with the same handler": """\
  useEffect(() => {
    const onLead = () => setCount((c) => c + 1);
    socket.on("lead:new", onLead);
    return () => {
      socket.off("lead:new", onLead);
    };
  }, []);""",
    "cleanup function declared in the effect": """\
  useEffect(() => {
    function onLead() { setCount((c) => c + 1); }
    socket.on("lead:new", onLead);
    const cleanup = () => { socket.off("lead:new", onLead); };
    return cleanup;
  }, []);""",
    "a socket created and closed by the same effect": """\
  useEffect(() => {
    const local = io("/admin");
    local.on("lead:new", () => setCount((c) => c + 1));
    return () => { local.disconnect(); };
  }, []);""",
    "removeAllListeners of the event": """\
  useEffect(() => {
    socket.on("lead:new", () => setCount((c) => c + 1));
    return () => { socket.removeAllListeners("lead:new"); };
  }, []);""",
    "an event handler, not the render": """\
  const subscribe = () => socket.once("lead:new", () => setCount((c) => c + 1));""",
    "an early `return undefined` before the cleanup": """\
  useEffect(() => {
    if (!socket) return undefined;
    const fn = (...args: unknown[]) => setCount(args.length);
    socket.on("lead:new", fn);
    return () => socket.off("lead:new", fn);
  }, []);""",
    "an early `return null`": """\
  useEffect(() => {
    if (!id) return null;
    socket.on("lead:new", setCount);
    return () => { socket.off("lead:new", setCount); };
  }, [id]);""",
    "a DOM listener": """\
  useEffect(() => {
    window.addEventListener("resize", () => setCount(0));
    document.body.addEventListener("click", () => setCount(1));
  }, []);""",
}


@pytest.mark.parametrize("case", list(SOUND_LISTENERS))
def test_listener_leak_stays_quiet_on_cleaned_up_listeners(tmp_path, case):
    assert only(check(tmp_path, panel(SOUND_LISTENERS[case])), "listener-leak") == [], case


def test_listener_leak_ignores_non_socket_emitters_in_effects(tmp_path):
    body = """\
  useEffect(() => {
    const bus = new EventTarget();
    const emitter = makeEmitter();
    emitter.on("lead:new", () => setCount(1));
    $(ref).on("click", () => setCount(2));
  }, []);"""
    files = panel(body, imports='import $ from "jquery";\nimport { makeEmitter } from "../lib/emitter";\nconst ref = null;\n')
    assert only(check(tmp_path, files), "listener-leak") == []


def test_off_removes_all_fires_when_other_components_listen(tmp_path):
    body = """\
  useEffect(() => {
    socket.on("lead:new", () => setCount((c) => c + 1));
    return () => { socket.off("lead:new"); };
  }, []);"""
    found = only(check(tmp_path, panel(body)), "off-removes-all")  # Feed.tsx also hears lead:new
    assert [(d.file, line_of(d)) for d in found] == [(PANEL, 9)]
    assert found[0].fixes == ()  # the registered handler is inline: nothing to pass


def test_off_removes_all_offers_the_registered_handler(tmp_path):
    body = """\
  useEffect(() => {
    const onLead = () => setCount((c) => c + 1);
    socket.on("lead:new", onLead);
    return () => { socket.off("lead:new"); };
  }, []);"""
    found = only(check(tmp_path, panel(body)), "off-removes-all")
    assert len(found) == 1 and found[0].fixes[0].safe and found[0].fixes[0].edits[0].new_text == ", onLead"


def test_off_removes_all_is_quiet_when_only_this_component_listens(tmp_path):
    body = """\
  useEffect(() => {
    socket.on("connect_error", (err) => console.warn(err));
    socket.on("panel:only", () => setCount(0));
    return () => {
      socket.off("connect_error");
      socket.off("panel:only");
    };
  }, []);"""
    found = check(tmp_path, panel(body))
    assert only(found, "off-removes-all") == []


def test_off_removes_all_ignores_jquery(tmp_path):
    body = """\
  useEffect(() => {
    $(document).on("click change", () => setCount(0));
    return () => { $(document).off("click change"); };
  }, []);"""
    assert only(check(tmp_path, panel(body, imports='import $ from "jquery";\n')), "off-removes-all") == []


def test_inline_off_fires_and_offers_the_registered_handler(tmp_path):
    body = """\
  useEffect(() => {
    const onLead = () => setCount((c) => c + 1);
    socket.on("lead:new", onLead);
    return () => { socket.off("lead:new", () => setCount((c) => c + 1)); };
  }, []);"""
    found = check(tmp_path, panel(body))
    inline = only(found, "inline-off")
    assert [(d.file, line_of(d), d.severity.value) for d in inline] == [(PANEL, 10, "error")]
    assert inline[0].fixes[0].edits[0].new_text == "onLead"
    assert only(found, "listener-leak") == []  # one root cause, one report


def test_inline_off_is_quiet_with_a_named_handler_and_on_lookalikes(tmp_path):
    body = """\
  useEffect(() => {
    const emitter = new EventTarget();
    const onLead = () => setCount(1);
    socket.on("lead:new", onLead);
    return () => { socket.off("lead:new", onLead); emitter.removeEventListener("x", () => {}); };
  }, []);"""
    assert only(check(tmp_path, panel(body)), "inline-off") == []


def test_listener_in_connect_fires(tmp_path):
    files = {
        "apps/web/src/lib/wire.ts": """\
import { socket } from "./socket";

socket.on("connect", () => {
  socket.on("lead:new", (lead) => console.log(lead));
});
"""
    }
    found = only(check(tmp_path, files), "listener-in-connect")
    assert [(d.file, line_of(d)) for d in found] == [("apps/web/src/lib/wire.ts", 4)]


def test_listener_in_connect_is_quiet_for_once_and_server_connections(tmp_path):
    files = {
        "apps/web/src/lib/wire.ts": """\
import { socket } from "./socket";

socket.once("connect", () => {
  socket.on("lead:new", (lead) => console.log(lead));
});
socket.on("connect", () => {
  socket.emit("chat:send", { body: "back" });
});
"""
    }
    found = check(tmp_path, files)  # the server's io.on("connection", socket => socket.on(...)) too
    assert only(found, "listener-in-connect") == []


def test_listener_in_connect_is_quiet_for_the_servers_connect_alias(tmp_path):
    # On a server, "connect" is an alias of "connection": one call per client, with that client's socket.
    files = {
        "apps/api/src/alias.ts": """\
import { Server, Socket } from "socket.io";

const io = new Server(8080);
io.on("connect", (socket: Socket) => {
  socket.on("ping", () => {});
});
export function wire(server: any) {
  server.on("connect", (client: any) => {
    client.on("pong", () => {});
  });
}
"""
    }
    assert only(check(tmp_path, files), "listener-in-connect") == []


@pytest.mark.parametrize(
    "body, where",
    [
        ('  const s = io("/chat");', "the component Panel"),
        ('  useEffect(() => {\n    const s = io("/chat");\n    return () => { s.disconnect(); };\n  }, []);', "an effect of Panel"),
        ('  const s = useMemo(() => io("/chat"), []);', "the component Panel"),
        ('  const ws = new WebSocket("wss://x");', "the component Panel"),
    ],
)
def test_socket_per_component_fires(tmp_path, body, where):
    found = only(check(tmp_path, panel(body)), "socket-per-component")
    assert [(d.file, d.severity.value) for d in found] == [(PANEL, "error")]
    assert where in found[0].message


def test_socket_per_component_fires_in_a_hook(tmp_path):
    files = {
        "apps/web/src/hooks/useChat.ts": 'import { io } from "socket.io-client";\n\nexport function useChat() {\n  return io("/chat");\n}\n'
    }
    found = only(check(tmp_path, files), "socket-per-component")
    assert len(found) == 1 and "the hook useChat" in found[0].message


def test_socket_per_component_is_quiet_at_module_level_and_in_a_getter(tmp_path):
    files = {
        "apps/web/src/lib/chat.ts": """\
import { io, type Socket } from "socket.io-client";

export const chat = io("/chat");
let admin: Socket | null = null;

export function getAdminSocket() {
  if (!admin) admin = io("/admin");
  return admin;
}
"""
    }
    assert only(check(tmp_path, files), "socket-per-component") == []


def test_socket_per_component_is_quiet_in_a_context_provider(tmp_path):
    files = {
        "apps/web/src/context/SocketContext.tsx": """\
import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { io, type Socket } from "socket.io-client";

export const SocketContext = createContext<Socket | null>(null);
export const useSocket = () => useContext(SocketContext);

export function SocketProvider({ children }: { children: ReactNode }) {
  const [socket, setSocket] = useState<Socket | null>(null);
  useEffect(() => {
    const next = io("/", { withCredentials: true });
    setSocket(next);
    return () => { next.close(); };
  }, []);
  return <SocketContext.Provider value={socket}>{children}</SocketContext.Provider>;
}

export function Session({ children }: { children: ReactNode }) {
  const socket = useMemo(() => io("/session"), []);
  return <section data-socket={socket.id}>{children}</section>;
}
"""
    }
    found = only(check(tmp_path, files), "socket-per-component")
    assert [(d.file, line_of(d)) for d in found] == [("apps/web/src/context/SocketContext.tsx", 18)]
    assert "the component Session" in found[0].message


def test_reconnection_disabled_and_static_auth_token(tmp_path):
    files = {
        "apps/web/src/lib/socket.ts": """\
import { io } from "socket.io-client";

const token = localStorage.getItem("token");
export const socket = io("/", { reconnection: false, auth: { token } });
"""
    }
    found = check(tmp_path, files)
    assert [(d.code, d.severity.value, line_of(d)) for d in found if d.code in ("reconnection-disabled", "static-auth-token")] == [
        ("reconnection-disabled", "warning", 4),
        ("static-auth-token", "info", 4),
    ]


def test_client_options_near_misses_stay_quiet(tmp_path):
    files = {
        "apps/web/src/lib/socket.ts": """\
import { io } from "socket.io-client";

export const socket = io("/", { reconnection: true, reconnectionAttempts: 5, auth: (cb) => cb({ token: localStorage.getItem("token") }) });
const unrelated = { reconnection: false, auth: { token: "x" } };
""",
    }
    found = check(tmp_path, files)
    assert only(found, "reconnection-disabled") == [] and only(found, "static-auth-token") == []


def test_unauthenticated_server_fires_without_handshake_middleware(tmp_path):
    socket_ts = API_SOCKET.replace("io.use(", "io.use((socket, next) => next());\n  const unused = (").replace(
        "    }\n  });\n\n  io.on", "    }\n  };\n\n  io.on"
    )
    socket_ts = socket_ts.replace("socket.handshake.auth?.token", "socket.id")
    found = only(check(tmp_path, {"apps/api/src/socket.ts": socket_ts}), "unauthenticated-server")
    assert [(d.file, line_of(d)) for d in found] == [("apps/api/src/socket.ts", 9)]


def test_unauthenticated_server_accepts_middleware_defined_in_another_file(tmp_path):
    start = API_SOCKET.index("  io.use(")
    end = API_SOCKET.index("  io.on(")
    socket_ts = API_SOCKET[:start] + "  io.use(authenticate);\n\n" + API_SOCKET[end:]
    socket_ts = socket_ts.replace('import jwt from "jsonwebtoken";', 'import { authenticate } from "./auth";')
    auth_ts = """\
import jwt from "jsonwebtoken";
import type { Socket } from "socket.io";

export function authenticate(socket: Socket, next: (err?: Error) => void) {
  const header = socket.handshake.headers.authorization;
  if (!header) return next(new Error("unauthorized"));
  socket.data.user = jwt.verify(header.slice(7), "s");
  next();
}
"""
    found = check(tmp_path, {"apps/api/src/socket.ts": socket_ts, "apps/api/src/auth.ts": auth_ts})
    assert only(found, "unauthenticated-server") == []
