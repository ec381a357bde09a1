"""socket.io's vocabulary as the extractors read it, and the options they take from the configuration.

Shared with the index, the rules and navigation, which must not pay for tree-sitter to know which
events are reserved: nothing here imports a parser.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from socketlens.model import ChainStep, Direction, ListenerKind

SERVER_MODULES = frozenset({"socket.io"})
# Angular's ngx-socket-io wraps a socket.io-client socket in its `Socket` (injected, or extended by a service).
NGX_SOCKET_MODULE = "ngx-socket-io"
CLIENT_MODULES = frozenset({"socket.io-client", NGX_SOCKET_MODULE})
# fastify-socket.io's plugin: `app.register(plugin)` decorates `app` with a socket.io Server, `app.io`.
FASTIFY_SOCKET_MODULES = frozenset({"fastify-socket.io"})
# socket.io's emitters: a process with no server of its own (a worker) emits to the clients of the servers
# through their adapter's store. For its emits an emitter is a server (`to`/`in`/`except`/`of` chains, a
# broadcast when unscoped); it has no listeners and accepts no connection. `new Emitter(client)`, and the
# older package's factory `require("socket.io-emitter")(redis)`.
EMITTER_MODULES = frozenset(
    {"@socket.io/redis-emitter", "socket.io-emitter", "@socket.io/postgres-emitter", "@socket.io/mongo-emitter"}
)
EMITTER_FACTORY_MODULES = frozenset({"socket.io-emitter"})
# The packages whose dependents may use socket.io (the index's `may_use_socketio`).
SOCKET_PACKAGES = (
    SERVER_MODULES
    | CLIENT_MODULES
    | EMITTER_MODULES
    | FASTIFY_SOCKET_MODULES
    | {"@nestjs/websockets", "@nestjs/platform-socket.io"}
)
# Modules whose objects have `.on`/`.emit` but are not socket.io.
NON_SOCKET_MODULES = frozenset(
    {
        "events",
        "node:events",
        "eventemitter3",
        "mitt",
        "ws",
        "vue",
        "jquery",
        "stream",
        "node:stream",
        "child_process",
        "node:child_process",
        "electron",
        "pusher",
        "pusher-js",
        "ably",
        "@supabase/supabase-js",
    }
)
NON_SOCKET_GLOBALS = frozenset({"window", "document", "process", "$", "jQuery", "emitter", "bus", "events"})

# Lifecycle events socket.io emits itself: never user events. The Manager's other events (`ping`, `packet`,
# `close`, `open`) are only excluded on the Manager (`socket.io.on(...)`, not indexed at all): on a socket
# they are ordinary user events. The reconnect events were emitted on the socket too before socket.io v3.
RESERVED_EVENTS = frozenset(
    {
        "connect",
        "connection",
        "disconnect",
        "disconnecting",
        "connect_error",
        "error",
        "new_namespace",
        "newListener",
        "removeListener",
        "reconnect",
        "reconnect_attempt",
        "reconnect_error",
        "reconnect_failed",
    }
)

EMIT_METHODS = frozenset({"emit", "emitWithAck", "serverSideEmit", "serverSideEmitWithAck"})
LISTEN_METHODS = {"on": ListenerKind.ON, "once": ListenerKind.ONCE, "addListener": ListenerKind.ON}
# ngx-socket-io's socket methods that return an Observable of an event: listeners without a handler.
OBSERVABLE_LISTEN_METHODS = {"fromEvent": ListenerKind.ON, "fromOneTimeEvent": ListenerKind.ONCE}
CHAIN_CALLS = frozenset({"to", "in", "except", "of", "compress", "timeout", "binary", "retries"})
CHAIN_PROPS = frozenset({"broadcast", "volatile", "local", "sockets"})
ROOM_STEPS = frozenset({"to", "in", "except"})
ROUTE_METHODS = frozenset({"get", "post", "put", "patch", "delete", "all"})
# What only a server-side object has (a client socket has none of them): called, and read.
SERVER_ONLY_CALLS = frozenset({"to", "in", "except", "join", "leave"})
SERVER_ONLY_PROPS = frozenset({"broadcast", "rooms", "handshake", "nsp"})

# Vue's reactive references, whose `.value` holds what they were given: `ref(io())`, `shallowRef<Socket>()`.
VUE_REF_MODULES = frozenset({"vue", "@vue/reactivity", "@vue/runtime-core", "@vue/composition-api"})
VUE_REF_FUNCTIONS = frozenset({"ref", "shallowRef"})

# Names that hold a socket.io object by convention; used only when nothing better is known.
_SOCKETY_NAMES = frozenset({"io", "nsp", "ns", "namespace", "sio"})


def is_rxjs_module(specifier: str) -> bool:
    """RxJS, whose `fromEvent(target, name)` listens to `target`: `rxjs`, `rxjs/operators`, `rxjs/Observable`."""
    return specifier == "rxjs" or specifier.startswith("rxjs/")


# Objects whose members every module of a program reads (Node's `global`, the browser's `window`).
_GLOBAL_OBJECTS = frozenset({"global", "globalThis", "window"})  # not `self`: often `const self = this`
# Express's request and response as a middleware puts a server on them (`req.io = io`, `res.locals.io = io`) and
# the routes of other modules read it, whatever each names its parameters: spelled out, they are the same.
_REQUEST_OBJECTS = {"request": "req", "response": "res"}


def shared_socket_path(path: str) -> str | None:
    """How a socket put on a shared object is named in `FileFacts.sockets` (by the file that puts it there)
    and looked up (by a file that reads it): `global._io`, `window._io` -> `globalThis._io`; `app.io` and
    `app["sio"]` stay, and `ctx.app.io`, `req.app.io`, `request.app["sio"]` (the application a request or
    context holds) read them. `req.io` and `res.locals.io` are what an Express middleware puts on every request
    (`request.io` reads `req.io`), `app.get("io")` a setting of the app (`app.set("io", io)`, `req.app.get("io")`).
    None for a bare name or a `this.` path, which are no shared object's members."""
    cuts = [index for index in (path.find("."), path.find("[")) if index > 0]
    if not cuts:
        return None
    head, rest = path[: min(cuts)], path[min(cuts) :]  # `rest` starts with "." or "[" (`app["sio"]`)
    if len(rest) < 2 or head == "this" or head.endswith("()"):
        return None
    if head in _GLOBAL_OBJECTS:
        return f"globalThis{rest}"
    # Koa's `ctx.app`, Express's `req.app`, Starlette's and aiohttp's `request.app` are the application
    # object, which the module creating it holds as `app`: `request.app.state.sio` reads `app.state.sio`.
    if rest.startswith((".app.", ".app[")):
        return rest[1:]
    if head in _REQUEST_OBJECTS:
        return _REQUEST_OBJECTS[head] + rest
    return path


def app_setting_path(key: str) -> str:
    """The shared path of an Express app's setting `key`: `app.set("io", io)`, read by `req.app.get("io")`."""
    return f'app.get("{key}")'


def read_through_request(root: str) -> bool:
    """Whether a receiver root reads what an Express app or middleware of another module may have put on the
    application or the request: `req.app.get("io")`, `req.io`, `res.locals.io`, `request.app.io`. The index
    resolves it, or drops it unless it is named like a socket."""
    shared = shared_socket_path(root)
    if shared is None:
        return False
    if shared.startswith(("req.", "res.locals.", 'app.get("')):
        return True
    return shared != root and shared.startswith(("app.", "app["))


def looks_like_socket_name(root: str) -> bool:
    # `this._io`, `this.#socket`: a private field keeps its conventional name behind the prefix.
    last = root.rsplit(".", 1)[-1].removesuffix("()").lower().lstrip("_#")
    return "socket" in last or last in _SOCKETY_NAMES or last in ("getio", "useio")


@dataclass
class ExtractOptions:
    """What the extractor needs from the configuration."""

    server_to_client_maps: tuple[str, ...] = ("ServerToClientEvents",)
    client_to_server_maps: tuple[str, ...] = ("ClientToServerEvents",)
    inter_server_maps: tuple[str, ...] = ("InterServerEvents",)
    hooks: tuple[str, ...] = ("useSocketEvent",)
    # Maps of this file whose role a generic elsewhere names (`new Server<Up, Down>()` in another file):
    # map name -> direction. The index learns them and the builder re-extracts the declaring file.
    learned_maps: tuple[tuple[str, Direction], ...] = ()

    def direction_of(self, map_name: str) -> Direction | None:
        for name, direction in self.learned_maps:
            if name == map_name:
                return direction
        if map_name in self.server_to_client_maps:
            return Direction.SERVER_TO_CLIENT
        if map_name in self.client_to_server_maps:
            return Direction.CLIENT_TO_SERVER
        if map_name in self.inter_server_maps:
            return Direction.INTER_SERVER
        return None

    def is_map_name(self, name: str) -> bool:
        """A configured or learned map, or one named like a socket event map (`ServerEvents`,
        `SocketEventMap`): a bare `...Events` suffix is too common in UI code (`CalendarEvents`)."""
        if self.direction_of(name) is not None:
            return True
        if not name.endswith(("Events", "EventMap")):
            return False
        lowered = name.lower()
        return any(word in lowered for word in _SOCKET_MAP_WORDS)

_SOCKET_MAP_WORDS = ("server", "client", "socket", "emit", "listen")


def chain_namespace(chain: Sequence[ChainStep]) -> str | None:
    """The namespace an `of(...)` step of a receiver chain names, when its argument is a known string."""
    for step in chain:
        if step.name == "of":
            return step.value
    return None
