"""Text of the files scaffolding creates. Written in one house style (double quotes, semicolons, two
spaces) and passed through `restyle` into the target project's style."""

from __future__ import annotations

from socketlens.config import RoomPattern


def socket_module(
    maps_specifier: str,
    map_types: dict[str, str],  # role -> exported type name available (or a fallback type expression)
    has_socket_data: bool,
    jwt_secret_import: tuple[str, str] | None,  # (specifier, name) of an exported JWT secret
    user_room: RoomPattern,
    org_room: RoomPattern,
) -> str:
    imports = [n for n in (map_types.get("c2s"), map_types.get("s2c"), map_types.get("inter")) if n and n.isidentifier()]
    if has_socket_data:
        imports.append("SocketData")
    lines = [
        'import type { Server as HttpServer } from "node:http";',
        'import jwt from "jsonwebtoken";',
        'import { Server } from "socket.io";',
    ]
    if imports:
        lines.append(f'import type {{ {", ".join(sorted(imports))} }} from "{maps_specifier}";')
    if jwt_secret_import is not None:
        lines.append(f'import {{ {jwt_secret_import[1]} }} from "{jwt_secret_import[0]}";')
    secret = jwt_secret_import[1] if jwt_secret_import else "JWT_SECRET"
    generics = ", ".join(
        [map_types.get("c2s") or "Record<string, never>", map_types.get("s2c") or "Record<string, never>",
         map_types.get("inter") or "Record<string, never>", "SocketData"]
    )
    lines.append("")
    if not has_socket_data:
        lines += [
            "/** What the handshake stores on every socket. */",
            "interface SocketData {",
            "  userId: string;",
            "  orgId: string;",
            "}",
            "",
        ]
    if jwt_secret_import is None:
        lines += [
            "// An empty secret makes every verification fail: no socket connects until JWT_SECRET is set.",
            'const JWT_SECRET = process.env.JWT_SECRET ?? "";',
            "",
        ]
    lines += [
        "/** The socket.io server, typed by the shared event maps. Set by `initSocket` at startup. */",
        f"export let io: Server<{generics}>;",
        "",
        "export function initSocket(httpServer: HttpServer) {",
        f"  io = new Server<{generics}>(httpServer, {{",
        '    cors: { origin: process.env.WEB_ORIGIN ?? "http://localhost:5173", credentials: true },',
        "  });",
        "",
        "  // Handshake auth: a socket without a valid JWT in `auth.token` is refused before it connects.",
        "  io.use((socket, next) => {",
        "    const token: unknown = socket.handshake.auth.token;",
        '    if (typeof token !== "string" || token.length === 0) {',
        '      next(new Error("unauthorized"));',
        "      return;",
        "    }",
        "    try {",
        f"      const claims = jwt.verify(token, {secret});",
        '      if (typeof claims === "string" || typeof claims.userId !== "string" || typeof claims.orgId !== "string") {',
        '        next(new Error("unauthorized"));',
        "        return;",
        "      }",
        "      socket.data.userId = claims.userId;",
        "      socket.data.orgId = claims.orgId;",
        "      next();",
        "    } catch {",
        '      next(new Error("unauthorized"));',
        "    }",
        "  });",
        "",
        "  // Every socket joins its user room and its org room: emits are scoped to these, never broadcast.",
        '  io.on("connection", (socket) => {',
        f"    socket.join({user_room.render('socket.data.userId')});",
        f"    socket.join({org_room.render('socket.data.orgId')});",
        "  });",
        "",
        "  return io;",
        "}",
        "",
    ]
    return "\n".join(lines)


def maps_file(event: str, member: str, type_imports: dict[str, list[str]]) -> str:
    """A new shared maps module holding the first event. `member` is the full member line."""
    lines: list[str] = []
    for specifier, names in sorted(type_imports.items()):
        lines.append(f'import type {{ {", ".join(sorted(names))} }} from "{specifier}";')
    if lines:
        lines.append("")
    lines += [
        "// The socket.io event maps shared by the API and the web app: every event name and payload lives here.",
        "",
        "export interface ServerToClientEvents {",
        member,
        "}",
        "",
        "export interface ClientToServerEvents {}",
        "",
        "export interface InterServerEvents {}",
        "",
        "/** What the handshake middleware stores on every socket. */",
        "export interface SocketData {",
        "  userId: string;",
        "  orgId: string;",
        "}",
        "",
    ]
    return "\n".join(lines)


def client_connection(maps_specifier: str, url_expression: str | None) -> str:
    target = f"{url_expression}, " if url_expression else ""
    return "\n".join(
        [
            'import { io, type Socket } from "socket.io-client";',
            f'import type {{ ClientToServerEvents, ServerToClientEvents }} from "{maps_specifier}";',
            "",
            "// The one shared connection of the app: components subscribe through useSocketEvent and never open",
            "// their own. socket.io reconnects on its own; the auth callback runs on every attempt, so a",
            "// refreshed token is picked up.",
            f"export const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io({target}{{",
            "  reconnection: true,",
            '  auth: (cb) => cb({ token: localStorage.getItem("token") }),',
            "});",
            "",
        ]
    )


def client_hook(hook: str, maps_specifier: str, connection_specifier: str, connection_name: str) -> str:
    return "\n".join(
        [
            'import { useEffect, useRef } from "react";',
            f'import type {{ ServerToClientEvents }} from "{maps_specifier}";',
            f'import {{ {connection_name} }} from "{connection_specifier}";',
            "",
            "type AnyListener = (...args: unknown[]) => void;",
            "",
            "/**",
            " * Subscribe a component to a server event on the shared connection.",
            " * The latest handler is kept in a ref, so re-renders do not re-subscribe and callers need not memoize it;",
            " * on unmount exactly this subscription is removed.",
            " */",
            f"export function {hook}<E extends keyof ServerToClientEvents>(event: E, handler: ServerToClientEvents[E]) {{",
            "  const handlerRef = useRef(handler);",
            "",
            "  useEffect(() => {",
            "    handlerRef.current = handler;",
            "  }, [handler]);",
            "",
            "  useEffect(() => {",
            "    // socket.io's typed `on` cannot follow a generic event name; the hook's signature keeps callers typed.",
            "    const listener = ((...args: unknown[]) => {",
            "      (handlerRef.current as AnyListener)(...args);",
            "    }) as never;",
            "",
            f"    {connection_name}.on(event, listener);",
            "    return () => {",
            f"      {connection_name}.off(event, listener);",
            "    };",
            "  }, [event]);",
            "}",
            "",
        ]
    )
