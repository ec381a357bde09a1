"""Deterministic generator of synthetic TypeScript monorepos for the socketlens benchmarks.

    python benchmarks/generate.py OUT_DIR --files 1000 [--seed 7]

Writes a conventional npm-workspaces monorepo:

    package.json (workspaces), tsconfig.base.json (paths to the shared package), .gitignore
    packages/shared   types, socket-events.ts (~50 server-to-client + 10 client-to-server events),
                      event-names.ts (`enum SocketEvent` of the server-to-client names), index.ts
    apps/api          Express: socket.ts (new Server, connection handlers, emitToOrg / emitToUser wrappers),
                      routes/, services/, models/, lib/ (db, an EventEmitter job bus)
    apps/web          React: lib/socket.ts (one client socket), hooks/useSocketEvent.ts, components/*.tsx,
                      hooks/, utils/, api/ (axios)

`--files` counts the TS/TSX source files (config files come on top). Files run from 30 to 400 lines (one
route file has exactly 2,000 lines, for the didChange benchmark), ~5-6 KB on average; about 3% touch
socket.io: scoped emits in routes (literal names, enum members from the shared package, through the
`emitToOrg` wrapper), `useSocketEvent` listeners in components, a few client emits. Some files use Node's
EventEmitter, `process.on` or `req.on` - things a byte prefilter admits but that are not socket.io.

`manifest.json` at the root records every socket site the generator wrote (0-based line, 0-based UTF-16
character of the event-name expression; the sources are ASCII) and a few probe positions the LSP benchmark
asks about. Same seed and size, byte-identical output.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
from dataclasses import dataclass, field
from pathlib import Path

DOMAINS = ("lead", "deal", "contact", "task", "invoice", "ticket", "project", "comment", "meeting", "campaign")
ACTIONS = ("created", "updated", "deleted", "assigned", "archived")
OTHER_NOUNS = (
    "account", "activity", "address", "attachment", "audit", "billing", "calendar", "channel", "checkout",
    "coupon", "dashboard", "document", "email", "export", "feature", "forecast", "goal", "import", "inventory",
    "label", "ledger", "license", "location", "message", "metric", "order", "partner", "payment", "plan",
    "policy", "price", "product", "quote", "region", "report", "review", "role", "schedule", "segment",
    "session", "setting", "shipment", "signal", "subscription", "survey", "tag", "team", "template", "tenant",
    "territory", "timeline", "token", "upload", "usage", "vendor", "webhook", "widget", "workflow",
)
FIELDS = (
    ("name", "string"), ("title", "string"), ("email", "string"), ("status", "string"), ("score", "number"),
    ("amount", "number"), ("currency", "string"), ("ownerId", "string"), ("priority", "number"),
    ("dueDate", "string"), ("notes", "string | null"), ("tags", "string[]"), ("archived", "boolean"),
    ("source", "string"), ("region", "string"), ("probability", "number"), ("externalId", "string | null"),
    ("phone", "string | null"), ("website", "string | null"), ("revision", "number"),
)
C2S_EVENTS = (
    ("chat:join", "{ conversationId: string }"),
    ("chat:leave", "{ conversationId: string }"),
    ("chat:send", "{ conversationId: string; body: string }"),
    ("chat:typing", "{ conversationId: string }"),
    ("presence:ping", "{ at: number }"),
    ("presence:away", "{ since: number }"),
    ("doc:subscribe", "{ documentId: string }"),
    ("doc:unsubscribe", "{ documentId: string }"),
    ("cursor:move", "{ documentId: string; x: number; y: number }"),
    ("task:claim", "{ taskId: string }"),
)
SOCKET_SHARE = 0.03
BIG_FILE = "apps/api/src/routes/bulk-operations.ts"
BIG_FILE_LINES = 2000


def pascal(text: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in text.replace(":", "-").replace("_", "-").split("-"))


def camel(text: str) -> str:
    p = pascal(text)
    return p[:1].lower() + p[1:]


@dataclass(frozen=True)
class Event:
    name: str  # "lead:created"
    domain: str
    action: str

    @property
    def member(self) -> str:  # SocketEvent.LeadCreated
        return pascal(self.name)

    @property
    def payload(self) -> str:
        key = f"{self.domain}Id"
        extra = {"updated": "; changes: string[]", "assigned": "; assigneeId: string", "created": "; name: string"}
        return f"{{ {key}: string{extra.get(self.action, '')} }}"


S2C_EVENTS = tuple(Event(f"{d}:{a}", d, a) for d in DOMAINS for a in ACTIONS)


@dataclass
class Site:
    kind: str  # "declaration" | "emit" | "listener"
    event: str
    file: str
    line: int
    character: int
    end_character: int
    form: str  # "literal" | "enum" | "wrapper-literal" | "wrapper-enum" | "key"
    scope: str | None = None


@dataclass
class SourceFile:
    """A file under construction: lines plus the socket sites marked on them."""

    rel: str
    lines: list[str] = field(default_factory=list)
    sites: list[Site] = field(default_factory=list)

    def add(self, *texts: str) -> None:
        for text in texts:
            self.lines.extend(text.split("\n"))

    def mark(self, kind: str, event: str, needle: str, form: str, scope: str | None = None) -> None:
        """Record a site whose event-name expression is `needle` on the last line added."""
        line = len(self.lines) - 1
        column = self.lines[line].index(needle)
        self.sites.append(Site(kind, event, self.rel, line, column, column + len(needle), form, scope))

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


@dataclass(frozen=True)
class Module:
    rel: str  # apps/web/src/utils/format-3.ts
    export: str  # a function `(value: unknown) => string` every module exports


def import_path(from_rel: str, to_rel: str) -> str:
    """Relative ES import specifier from one source file to another (without extension)."""
    src = Path(from_rel).parent.parts
    dst = Path(to_rel).with_suffix("").parts
    common = 0
    while common < min(len(src), len(dst) - 1) and src[common] == dst[common]:
        common += 1
    ups = [".."] * (len(src) - common) or ["."]
    return "/".join([*ups, *dst[common:]])


class Generator:
    def __init__(self, files: int, seed: int):
        self.total = files
        self.rng = random.Random(seed)
        self.files: list[SourceFile] = []
        self.modules: dict[str, list[Module]] = {"api": [], "web": []}
        self.shared_types_files: list[str] = []
        self.emit_cursor = 0  # round-robin over the events, so that each has emits and listeners
        self.listen_cursor = 0
        self.counter = 0

    # ---------------------------------------------------------------- helpers
    def target_lines(self) -> int:
        return max(30, min(400, int(self.rng.lognormvariate(4.95, 0.55))))

    def noun(self) -> str:
        return self.rng.choice(OTHER_NOUNS + DOMAINS)

    def uid(self) -> int:
        self.counter += 1
        return self.counter

    def fields(self, count: int) -> list[tuple[str, str]]:
        return self.rng.sample(FIELDS, count)

    def imports_from(self, app: str, rel: str, count: int) -> tuple[list[str], list[str]]:
        """Import lines for up to `count` earlier modules of the app, and the names imported."""
        pool = self.modules[app]
        if not pool:
            return [], []
        chosen = {m.rel: m for m in (self.rng.choice(pool[-300:]) for _ in range(count))}.values()
        lines = [f'import {{ {m.export} }} from "{import_path(rel, m.rel)}";' for m in chosen]
        return lines, [m.export for m in chosen]

    def use_imports(self, names: list[str], indent: str = "  ") -> list[str]:
        return [f"{indent}const {camel(n)}Label = {n}(input);" for n in names]

    # ------------------------------------------------------------ the plan
    def generate(self) -> tuple[dict[str, str], dict]:
        out: dict[str, str] = {}
        out.update(self.config_files())
        fixed = [self.event_names(), self.socket_events(), self.shared_index(), self.api_socket(), self.api_db(),
                 self.api_bus(), self.api_logger(), self.api_errors(), self.web_socket(), self.web_hook(),
                 self.big_route_file()]
        remaining = self.total - len(fixed) - 1  # and the types barrel, written once the types exist
        shared_count = max(5, remaining * 4 // 100)
        api_count = remaining * 40 // 100
        web_count = remaining - shared_count - api_count
        socket_total = max(4, round(self.total * SOCKET_SHARE)) - 1  # the big route file is one
        socket_api = socket_total // 2
        socket_web = socket_total - socket_api

        shared = [self.shared_types(i) for i in range(shared_count)]
        shared.append(self.shared_types_barrel())
        api_kinds = self.spread(api_count, {"models": 0.25, "services": 0.35, "routes": 0.25, "lib": 0.15})
        web_kinds = self.spread(web_count, {"components": 0.5, "hooks": 0.15, "utils": 0.25, "api": 0.1})
        api_socket_at = set(self.rng.sample([i for i, k in enumerate(api_kinds) if k == "routes"], socket_api))
        web_socket_at = set(self.rng.sample([i for i, k in enumerate(web_kinds) if k == "components"], socket_web))
        api = [self.api_file(kind, i in api_socket_at) for i, kind in enumerate(api_kinds)]
        web = [self.web_file(kind, i in web_socket_at) for i, kind in enumerate(web_kinds)]
        for f in [*fixed, *shared, *api, *web]:
            out[f.rel] = f.text()
            self.files.append(f)
        return out, self.manifest()

    def spread(self, count: int, shares: dict[str, float]) -> list[str]:
        kinds = [k for k, share in shares.items() for _ in range(round(count * share))]
        kinds = (kinds + [next(iter(shares))] * count)[:count]
        self.rng.shuffle(kinds)
        return kinds

    def next_emit_event(self) -> Event:
        event = S2C_EVENTS[self.emit_cursor % len(S2C_EVENTS)]
        self.emit_cursor += 1
        return event

    def next_listen_event(self) -> Event:
        event = S2C_EVENTS[self.listen_cursor % len(S2C_EVENTS)]
        self.listen_cursor += 1
        return event

    # ------------------------------------------------------- config files
    def config_files(self) -> dict[str, str]:
        dump = lambda value: json.dumps(value, indent=2) + "\n"  # noqa: E731
        base = {
            "compilerOptions": {
                "target": "ES2022", "module": "ESNext", "moduleResolution": "Bundler", "strict": True,
                "esModuleInterop": True, "skipLibCheck": True, "isolatedModules": True, "noEmit": True,
                "paths": {"@acme/shared": ["./packages/shared/src/index.ts"]},
            }
        }
        app = lambda extra: {"extends": "../../tsconfig.base.json", "compilerOptions": extra, "include": ["src"]}  # noqa: E731
        return {
            ".gitignore": "node_modules/\ndist/\n",
            "package.json": dump({"name": "acme-platform", "private": True, "workspaces": ["apps/*", "packages/*"],
                                  "devDependencies": {"typescript": "^5.6.0"}}),
            "tsconfig.base.json": dump(base),
            "packages/shared/package.json": dump({"name": "@acme/shared", "version": "1.0.0", "private": True,
                                                  "main": "src/index.ts", "types": "src/index.ts"}),
            "packages/shared/tsconfig.json": dump(app({"composite": False})),
            "apps/api/package.json": dump({"name": "@acme/api", "version": "1.0.0", "private": True,
                                           "dependencies": {"@acme/shared": "*", "express": "^4.19.2", "axios": "^1.7.0",
                                                            "socket.io": "^4.7.5"}}),
            "apps/api/tsconfig.json": dump(app({"types": ["node"]})),
            "apps/web/package.json": dump({"name": "@acme/web", "version": "1.0.0", "private": True,
                                           "dependencies": {"@acme/shared": "*", "react": "^18.3.1", "axios": "^1.7.0",
                                                            "socket.io-client": "^4.7.5"}}),
            "apps/web/tsconfig.json": dump(app({"jsx": "react-jsx", "lib": ["ES2022", "DOM", "DOM.Iterable"]})),
        }

    # ------------------------------------------------------------ shared
    def event_names(self) -> SourceFile:
        f = SourceFile("packages/shared/src/event-names.ts")
        f.add("/** Names of the events the API pushes to browsers. Prefer these over string literals. */",
              "export enum SocketEvent {")
        for event in S2C_EVENTS:
            f.add(f'  {event.member} = "{event.name}",')
        f.add("}", "", "export const ROOM_PREFIXES = {", '  user: "user:",', '  org: "org:",', "} as const;")
        return f

    def socket_events(self) -> SourceFile:
        f = SourceFile("packages/shared/src/socket-events.ts")
        f.add('import { SocketEvent } from "./event-names";', "", "export interface ServerToClientEvents {")
        for number, event in enumerate(S2C_EVENTS):
            f.add(f"  /** A {event.domain} was {event.action} in the organisation. */")
            if number % 10 == 9:  # a computed key from the enum, every tenth event
                f.add(f"  [SocketEvent.{event.member}]: (payload: {event.payload}) => void;")
                f.mark("declaration", event.name, f"SocketEvent.{event.member}", "key")
            else:
                f.add(f'  "{event.name}": (payload: {event.payload}) => void;')
                f.mark("declaration", event.name, f'"{event.name}"', "key")
        f.add("}", "", "export interface ClientToServerEvents {")
        for name, payload in C2S_EVENTS:
            f.add(f"  /** Sent by the web app: {name.replace(':', ' ')}. */", f'  "{name}": (payload: {payload}) => void;')
            f.mark("declaration", name, f'"{name}"', "key")
        f.add("}", "", "export interface InterServerEvents {", '  "cache:invalidate": (payload: { keys: string[] }) => void;')
        f.mark("declaration", "cache:invalidate", '"cache:invalidate"', "key")
        f.add("}", "", "export interface SocketData {", "  userId: string;", "  orgId: string;", "}")
        return f

    def shared_index(self) -> SourceFile:
        f = SourceFile("packages/shared/src/index.ts")
        f.add('export * from "./event-names";', 'export * from "./socket-events";', 'export * from "./types";')
        return f

    def shared_types(self, number: int) -> SourceFile:
        noun = self.noun()
        rel = f"packages/shared/src/types/{noun}-{number}.ts"
        f = SourceFile(rel)
        f.add(f"/** Wire types of the {noun} API (v{number}). */", "")
        target = self.target_lines()
        k = 0
        while len(f.lines) < target:
            name = f"{pascal(noun)}{number}{'' if k == 0 else k}"
            f.add(f"export interface {name} {{", "  id: string;", "  orgId: string;")
            for fname, ftype in self.fields(self.rng.randint(4, 10)):
                if self.rng.random() < 0.3:
                    f.add(f"  /** The {fname} as shown in the UI. */")
                f.add(f"  {fname}: {ftype};")
            f.add("  createdAt: string;", "  updatedAt: string;", "}", "",
                  f"export type {name}Patch = Partial<Omit<{name}, \"id\" | \"orgId\" | \"createdAt\">>;", "")
            k += 1
        self.shared_types_files.append(rel)
        return f

    def shared_types_barrel(self) -> SourceFile:
        f = SourceFile("packages/shared/src/types.ts")
        for rel in self.shared_types_files:
            f.add(f'export * from "./types/{Path(rel).stem}";')
        return f

    # --------------------------------------------------------------- api
    def api_socket(self) -> SourceFile:
        f = SourceFile("apps/api/src/socket.ts")
        f.add('import type { Server as HttpServer } from "node:http";', 'import { Server } from "socket.io";',
              'import type { ClientToServerEvents, InterServerEvents, ServerToClientEvents, SocketData } from "@acme/shared";',
              "",
              "export let io: Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;",
              "",
              "export function initSocket(httpServer: HttpServer) {",
              "  io = new Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>(httpServer, {",
              '    cors: { origin: process.env.WEB_ORIGIN ?? "http://localhost:5173", credentials: true },',
              "  });",
              "",
              '  io.on("connection", (socket) => {',
              "    socket.join(`user:${socket.data.userId}`);",
              "    socket.join(`org:${socket.data.orgId}`);")
        for name, payload in C2S_EVENTS:
            f.add(f'    socket.on("{name}", (payload) => {{')
            f.mark("listener", name, f'"{name}"', "literal")
            f.add(f'      console.debug("{name}", socket.id, payload);', "    });")
        f.add("  });", "  return io;", "}", "",
              "/** Every socket of the organisation's members. */",
              "export function emitToOrg<E extends keyof ServerToClientEvents>(orgId: string, event: E, ...args: Parameters<ServerToClientEvents[E]>) {",
              "  io.to(`org:${orgId}`).emit(event, ...args);", "}", "",
              "/** Every open tab of one user. */",
              "export function emitToUser<E extends keyof ServerToClientEvents>(userId: string, event: E, ...args: Parameters<ServerToClientEvents[E]>) {",
              "  io.to(`user:${userId}`).emit(event, ...args);", "}")
        return f

    def api_db(self) -> SourceFile:
        f = SourceFile("apps/api/src/lib/db.ts")
        f.add('import { Pool } from "pg";', "", "const pool = new Pool({ connectionString: process.env.DATABASE_URL });", "",
              "export const db = {",
              "  async query<T>(sql: string, params: unknown[] = []): Promise<T[]> {",
              "    const result = await pool.query(sql, params);", "    return result.rows as T[];", "  },", "};", "",
              'process.on("SIGTERM", () => {', "  void pool.end();", "});")
        self.modules["api"].append(Module(f.rel, "describeDb"))
        f.add("", "export function describeDb(value: unknown): string {", "  return `db:${String(value)}`;", "}")
        return f

    def api_bus(self) -> SourceFile:
        f = SourceFile("apps/api/src/lib/job-bus.ts")
        f.add('import { EventEmitter } from "node:events";', "",
              "/** In-process job notifications. Not socket.io: nothing here reaches a browser. */",
              "export const jobBus = new EventEmitter();", "",
              'jobBus.on("job:failed", (job: { id: string; error: string }) => {',
              '  console.error("job failed", job.id, job.error);', "});", "",
              "export function describeJobBus(value: unknown): string {",
              '  jobBus.emit("job:described", value);', "  return `job:${String(value)}`;", "}")
        self.modules["api"].append(Module(f.rel, "describeJobBus"))
        return f

    def api_logger(self) -> SourceFile:
        f = SourceFile("apps/api/src/lib/logger.ts")
        f.add('type Fields = Record<string, unknown>;', "",
              "function write(level: string, message: string, fields: Fields = {}) {",
              "  process.stdout.write(JSON.stringify({ level, message, ...fields, at: new Date().toISOString() }) + \"\\n\");",
              "}", "", "export const logger = {",
              '  debug: (message: string, fields?: Fields) => write("debug", message, fields),',
              '  info: (message: string, fields?: Fields) => write("info", message, fields),',
              '  warn: (message: string, fields?: Fields) => write("warn", message, fields),',
              '  error: (message: string, fields?: Fields) => write("error", message, fields),', "};")
        return f

    def api_errors(self) -> SourceFile:
        f = SourceFile("apps/api/src/lib/errors.ts")
        f.add("export class ServiceError extends Error {",
              "  constructor(message: string, options?: { cause?: unknown }) {", "    super(message, options);",
              '    this.name = "ServiceError";', "  }", "}")
        return f

    def model_block(self, f: SourceFile, name: str, table: str) -> None:
        fields = self.fields(self.rng.randint(4, 9))
        f.add(f"export interface {name} {{", "  id: string;", "  orgId: string;")
        f.add(*(f"  {n}: {t};" for n, t in fields))
        f.add("  createdAt: Date;", "}", "", f'const {camel(name)}Table = "{table}";', "",
              f"export async function find{name}(id: string): Promise<{name} | null> {{",
              f"  const rows = await db.query<{name}>(`SELECT * FROM ${{{camel(name)}Table}} WHERE id = $1`, [id]);",
              "  return rows[0] ?? null;", "}", "",
              f"export async function list{name}s(orgId: string, limit = 50, offset = 0): Promise<{name}[]> {{",
              f"  return db.query<{name}>(",
              f"    `SELECT * FROM ${{{camel(name)}Table}} WHERE org_id = $1 ORDER BY created_at DESC LIMIT $2 OFFSET $3`,",
              "    [orgId, limit, offset],", "  );", "}", "",
              f"export async function update{name}(id: string, patch: Partial<{name}>): Promise<{name} | null> {{",
              "  const keys = Object.keys(patch);", "  if (keys.length === 0) {", f"    return find{name}(id);", "  }",
              '  const assignments = keys.map((key, i) => `${key} = $${i + 2}`).join(", ");',
              f"  const rows = await db.query<{name}>(`UPDATE ${{{camel(name)}Table}} SET ${{assignments}} WHERE id = $1 RETURNING *`, [",
              "    id,", "    ...Object.values(patch),", "  ]);", "  return rows[0] ?? null;", "}", "")

    def service_block(self, f: SourceFile, name: str, noun: str) -> None:
        variant = self.rng.randrange(3)
        if variant == 0:
            f.add(f"export async function sync{name}(orgId: string): Promise<number> {{",
                  f'  const {{ data }} = await axios.get<{{ items: unknown[] }}>(`${{process.env.CRM_URL}}/v2/{noun}s`, {{',
                  "    params: { orgId, pageSize: 200 },", "    timeout: 10_000,", "  });", "  let synced = 0;",
                  "  for (const item of data.items) {", "    if (item && typeof item === \"object\") {", "      synced += 1;",
                  "    }", "  }", f'  logger.info("synced {noun}s", {{ orgId, synced }});', "  return synced;", "}", "")
        elif variant == 1:
            f.add(f"export async function notify{name}(recipient: string, subject: string): Promise<void> {{",
                  "  try {",
                  f'    await axios.post(`${{process.env.MAILER_URL}}/send`, {{ to: recipient, subject, template: "{noun}" }});',
                  "  } catch (error) {", f'    logger.warn("could not notify about {noun}", {{ recipient, error }});',
                  "    throw new ServiceError(`notify ${recipient} failed`, { cause: error });", "  }", "}", "")
        else:
            f.add(f"export function score{name}(values: number[], weights: number[] = []): number {{",
                  "  if (values.length === 0) return 0;", "  let total = 0;", "  let weightSum = 0;",
                  "  values.forEach((value, i) => {", "    const weight = weights[i] ?? 1;", "    total += value * weight;",
                  "    weightSum += weight;", "  });", "  return Math.round((total / weightSum) * 100) / 100;", "}", "")

    def route_block(self, f: SourceFile, noun: str, number: int, socket: bool) -> None:
        path = f"/api/{noun}s-{number}"
        f.add(f'router.get("{path}", async (req, res) => {{',
              "  const page = Number(req.query.page ?? 0);",
              f"  const rows = await db.query(`SELECT * FROM {noun}s WHERE org_id = $1 LIMIT 50 OFFSET $2`, [req.user.orgId, page * 50]);",
              "  res.json({ rows, page });", "});", "",
              f'router.post("{path}", async (req, res) => {{',
              "  const body = req.body as { name?: string; ownerId?: string };",
              "  if (!body.name) {", '    res.status(400).json({ error: "name is required" });', "    return;", "  }",
              f"  const [row] = await db.query<{{ id: string }}>(`INSERT INTO {noun}s (org_id, name) VALUES ($1, $2) RETURNING id`, [",
              "    req.user.orgId,", "    body.name,", "  ]);")
        if socket:
            self.emit_site(f)
        f.add("  res.status(201).json(row);", "});", "")

    def emit_site(self, f: SourceFile) -> None:
        """One socket.io emit in a route handler, in one of the forms the index must resolve."""
        event = self.next_emit_event()
        form = ("literal", "enum", "wrapper-literal", "wrapper-enum", "user-literal")[self.emit_cursor % 5]
        payload = f"{{ {event.domain}Id: row.id }}"
        if form == "literal":
            f.add(f'  io.to(`org:${{req.user.orgId}}`).emit("{event.name}", {payload} as never);')
            f.mark("emit", event.name, f'"{event.name}"', form, "org")
        elif form == "user-literal":
            f.add(f'  io.to(`user:${{body.ownerId ?? req.user.userId}}`).emit("{event.name}", {payload} as never);')
            f.mark("emit", event.name, f'"{event.name}"', "literal", "user")
        elif form == "enum":
            f.add(f"  io.to(`org:${{req.user.orgId}}`).emit(SocketEvent.{event.member}, {payload} as never);")
            f.mark("emit", event.name, f"SocketEvent.{event.member}", form, "org")
        elif form == "wrapper-literal":
            f.add(f'  emitToOrg(req.user.orgId, "{event.name}", {payload} as never);')
            f.mark("emit", event.name, f'"{event.name}"', form, "org")
        else:
            f.add(f"  emitToOrg(req.user.orgId, SocketEvent.{event.member}, {payload} as never);")
            f.mark("emit", event.name, f"SocketEvent.{event.member}", form, "org")

    def api_file(self, kind: str, socket: bool) -> SourceFile:
        noun, number = self.noun(), self.uid()
        rel = f"apps/api/src/{kind}/{noun}-{number}.ts"
        f = SourceFile(rel)
        target = self.target_lines()
        imports, names = self.imports_from("api", rel, self.rng.randint(1, 4))
        export = f"describe{pascal(noun)}{number}"
        if kind == "models":
            f.add(f'import {{ db }} from "{import_path(rel, "apps/api/src/lib/db.ts")}";', *imports, "")
            k = 0
            while len(f.lines) < target:
                self.model_block(f, f"{pascal(noun)}{number}{chr(65 + k % 26)}", f"{noun}_{number}_{k}")
                k += 1
        elif kind == "services":
            f.add('import axios from "axios";', 'import { logger } from "../lib/logger";', 'import { ServiceError } from "../lib/errors";', *imports, "")
            if self.rng.random() < 0.08:  # a local EventEmitter: prefilter bait, not socket.io
                f.add('import { EventEmitter } from "node:events";', "", "const progress = new EventEmitter();",
                      'progress.on("step", (step: string) => logger.debug("step", { step }));', "")
            k = 0
            while len(f.lines) < target:
                self.service_block(f, f"{pascal(noun)}{number}{chr(65 + k % 26)}", noun)
                k += 1
        elif kind == "routes":
            f.add('import { Router } from "express";', f'import {{ db }} from "{import_path(rel, "apps/api/src/lib/db.ts")}";')
            if socket:
                f.add('import { SocketEvent } from "@acme/shared";',
                      f'import {{ emitToOrg, io }} from "{import_path(rel, "apps/api/src/socket.ts")}";')
            f.add(*imports, "", "const router = Router();", "")
            k = 0
            while len(f.lines) < target or (socket and k == 0):
                self.route_block(f, noun, number * 10 + k, socket and k < 2)
                k += 1
            if self.rng.random() < 0.1:
                f.add('router.post("/api/uploads/raw", (req, res) => {', "  let size = 0;",
                      '  req.on("data", (chunk: Buffer) => {', "    size += chunk.length;", "  });",
                      '  req.on("end", () => res.json({ size }));', "});", "")
            f.add("export default router;", "")
        else:  # lib
            f.add(*imports, "")
            self.utility_blocks(f, noun, number, target)
        f.add(f"export function {export}(value: unknown): string {{")
        if names:
            f.add("  const input = value;", *self.use_imports(names), f"  return [{', '.join(camel(n) + 'Label' for n in names)}].join(\" \");")
        else:
            f.add(f"  return `{noun}:${{String(value)}}`;")
        f.add("}")
        self.modules["api"].append(Module(rel, export))
        return f

    def big_route_file(self) -> SourceFile:
        """The 2,000-line route file edited in the LSP benchmark's didChange measurement."""
        f = SourceFile(BIG_FILE)
        f.add('import { Router } from "express";', 'import { SocketEvent } from "@acme/shared";',
              'import { db } from "../lib/db";', 'import { emitToOrg, io } from "../socket";', "",
              "const router = Router();", "")
        k = 0
        while len(f.lines) < BIG_FILE_LINES - 40:
            self.route_block(f, "bulk", 9000 + k, k % 12 == 0)
            k += 1
        f.add("/** Placeholder for the didChange benchmark: an edit lands in this function. */",
              "export function bulkOperationsReady(orgId: string): boolean {")
        self.big_file_edit_line = len(f.lines)
        f.add("  return orgId.length > 0;", "}", "")
        while len(f.lines) < BIG_FILE_LINES - 1:
            f.add(f"// reserved line {len(f.lines)}")
        f.add("export default router;")
        return f

    # --------------------------------------------------------------- web
    def web_socket(self) -> SourceFile:
        f = SourceFile("apps/web/src/lib/socket.ts")
        f.add('import { io, type Socket } from "socket.io-client";',
              'import type { ClientToServerEvents, ServerToClientEvents } from "@acme/shared";', "",
              "/** The one shared connection; components subscribe through useSocketEvent. */",
              "export const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(import.meta.env.VITE_API_URL, {",
              "  autoConnect: false,", '  auth: (cb) => cb({ token: localStorage.getItem("token") }),', "});")
        return f

    def web_hook(self) -> SourceFile:
        f = SourceFile("apps/web/src/hooks/useSocketEvent.ts")
        f.add('import { useEffect, useRef } from "react";', 'import type { ServerToClientEvents } from "@acme/shared";',
              'import { socket } from "../lib/socket";', "",
              "export function useSocketEvent<E extends keyof ServerToClientEvents>(event: E, handler: ServerToClientEvents[E]) {",
              "  const handlerRef = useRef(handler);", "  handlerRef.current = handler;", "  useEffect(() => {",
              "    const listener = ((...args: unknown[]) => (handlerRef.current as (...a: unknown[]) => void)(...args)) as never;",
              "    socket.on(event, listener);", "    return () => {", "      socket.off(event, listener);", "    };",
              "  }, [event]);", "}")
        return f

    def utility_blocks(self, f: SourceFile, noun: str, number: int, target: int) -> None:
        k = 0
        while len(f.lines) < target:
            name = f"{pascal(noun)}{number}{chr(65 + k % 26)}"
            variant = (k + number) % 3
            if variant == 0:
                f.add(f"export function format{name}(amount: number, currency = \"EUR\"): string {{",
                      '  return new Intl.NumberFormat("en-GB", { style: "currency", currency }).format(amount);', "}", "")
            elif variant == 1:
                f.add(f"export function group{name}<T extends {{ [key: string]: unknown }}>(items: T[], key: keyof T): Map<unknown, T[]> {{",
                      "  const groups = new Map<unknown, T[]>();", "  for (const item of items) {",
                      "    const bucket = groups.get(item[key]) ?? [];", "    bucket.push(item);", "    groups.set(item[key], bucket);",
                      "  }", "  return groups;", "}", "")
            else:
                f.add(f"export function slug{name}(text: string): string {{", "  return text", "    .toLowerCase()",
                      '    .normalize("NFKD")', '    .replace(/[^a-z0-9]+/g, "-")', '    .replace(/^-+|-+$/g, "");', "}", "")
            k += 1

    def component_block(self, f: SourceFile, name: str, noun: str, listen: bool) -> None:
        fields = self.fields(self.rng.randint(3, 6))
        f.add(f"interface {name}Props {{", f"  {noun}Id: string;", "  compact?: boolean;", "  onSelect?: (id: string) => void;", "}", "",
              f"interface {name}Row {{", "  id: string;", *(f"  {n}: {t};" for n, t in fields), "}", "",
              f"export function {name}({{ {noun}Id, compact = false, onSelect }}: {name}Props) {{",
              f"  const [rows, setRows] = useState<{name}Row[]>([]);",
              "  const [loading, setLoading] = useState(true);",
              '  const [query, setQuery] = useState("");', "",
              "  useEffect(() => {", "    let cancelled = false;",
              f"    axios.get<{name}Row[]>(`/api/{noun}s/${{{noun}Id}}/rows`).then((response) => {{",
              "      if (!cancelled) {", "        setRows(response.data);", "        setLoading(false);", "      }", "    });",
              "    return () => {", "      cancelled = true;", "    };", f"  }}, [{noun}Id]);", "")
        if listen:
            self.listener_site(f, name)
        f.add("  const visible = useMemo(", "    () => rows.filter((row) => JSON.stringify(row).toLowerCase().includes(query.toLowerCase())),",
              "    [rows, query],", "  );", "",
              "  if (loading) {", f'    return <div className="{noun}-spinner" aria-busy="true" />;', "  }", "",
              "  return (", f'    <section className={{compact ? "{noun}-list compact" : "{noun}-list"}}>',
              '      <input value={query} onChange={(e) => setQuery(e.target.value)} placeholder="Filter" />',
              "      <ul>", "        {visible.map((row) => (",
              "          <li key={row.id} onClick={() => onSelect?.(row.id)}>",
              *(f"            <span className=\"{n}\">{{String(row.{n})}}</span>" for n, _ in fields[:3]),
              "          </li>", "        ))}", "      </ul>", "    </section>", "  );", "}", "")

    def listener_site(self, f: SourceFile, name: str) -> None:
        event = self.next_listen_event()
        if self.listen_cursor % 3 == 0:
            f.add(f"  useSocketEvent(SocketEvent.{event.member}, (payload) => {{")
            f.mark("listener", event.name, f"SocketEvent.{event.member}", "enum")
        else:
            f.add(f'  useSocketEvent("{event.name}", (payload) => {{')
            f.mark("listener", event.name, f'"{event.name}"', "literal")
        f.add(f'    console.debug("{name} refresh", payload);', "    setLoading(true);", "  });", "")

    def web_file(self, kind: str, socket: bool) -> SourceFile:
        noun, number = self.noun(), self.uid()
        ext = ".tsx" if kind == "components" else ".ts"
        base = f"{pascal(noun)}Panel{number}" if kind == "components" else f"{noun}-{number}"
        rel = f"apps/web/src/{kind}/{base}{ext}"
        f = SourceFile(rel)
        target = self.target_lines()
        imports, names = self.imports_from("web", rel, self.rng.randint(1, 4))
        export = f"describe{pascal(noun)}{number}"
        if kind == "components":
            f.add('import { useEffect, useMemo, useState } from "react";', 'import axios from "axios";')
            if socket:
                f.add('import { SocketEvent } from "@acme/shared";', 'import { useSocketEvent } from "../hooks/useSocketEvent";')
                if number % 4 == 0:
                    f.add('import { socket } from "../lib/socket";')
            f.add(*imports, "")
            k = 0
            while len(f.lines) < target or (socket and k == 0):
                self.component_block(f, f"{pascal(noun)}View{number}{chr(65 + k % 26)}", noun, socket and k < 2)
                k += 1
            if socket and number % 4 == 0:
                name, _ = C2S_EVENTS[number % len(C2S_EVENTS)]
                f.add(f"export function announce{pascal(noun)}{number}(id: string) {{")
                f.add(f'  socket.emit("{name}", {{ conversationId: id, documentId: id, taskId: id, at: Date.now(), since: Date.now(), body: "", x: 0, y: 0 }} as never);')
                f.mark("emit", name, f'"{name}"', "literal", "server")
                f.add("}", "")
            if self.rng.random() < 0.05:
                f.add("export function useWindowResize(callback: () => void) {", "  useEffect(() => {",
                      '    window.addEventListener("resize", callback);', '    return () => window.removeEventListener("resize", callback);',
                      "  }, [callback]);", "}", "")
        elif kind == "hooks":
            f.add('import { useCallback, useEffect, useState } from "react";', 'import axios from "axios";', *imports, "")
            k = 0
            while len(f.lines) < target:
                name = f"{pascal(noun)}{number}{chr(65 + k % 26)}"
                f.add(f"export function use{name}(id: string | undefined) {{",
                      "  const [data, setData] = useState<unknown>(null);", "  const [error, setError] = useState<Error | null>(null);",
                      "  const reload = useCallback(async () => {", "    if (!id) return;", "    try {",
                      f"      const response = await axios.get(`/api/{noun}s/${{id}}`);", "      setData(response.data);",
                      "    } catch (caught) {", "      setError(caught as Error);", "    }", "  }, [id]);", "",
                      "  useEffect(() => {", "    void reload();", "  }, [reload]);", "", "  return { data, error, reload };", "}", "")
                k += 1
        elif kind == "api":
            f.add('import axios from "axios";', *imports, "", "const client = axios.create({ baseURL: \"/api\", withCredentials: true });", "")
            k = 0
            while len(f.lines) < target:
                name = f"{pascal(noun)}{number}{chr(65 + k % 26)}"
                f.add(f"export async function fetch{name}(params: Record<string, string> = {{}}) {{",
                      f'  const {{ data }} = await client.get("/{noun}s", {{ params }});', "  return data as unknown[];", "}", "",
                      f"export async function save{name}(id: string, body: unknown) {{",
                      f"  const {{ data }} = await client.patch(`/{noun}s/${{id}}`, body);", "  return data;", "}", "")
                k += 1
        else:
            f.add(*imports, "")
            self.utility_blocks(f, noun, number, target)
        f.add(f"export function {export}(value: unknown): string {{")
        if names:
            f.add("  const input = value;", *self.use_imports(names), f"  return [{', '.join(camel(n) + 'Label' for n in names)}].join(\" \");")
        else:
            f.add(f"  return `{noun}:${{String(value)}}`;")
        f.add("}")
        self.modules["web"].append(Module(rel, export))
        return f

    # ---------------------------------------------------------- manifest
    def manifest(self) -> dict:
        sites = [s for f in self.files for s in f.sites]
        by_event: dict[str, dict[str, list[dict]]] = {}
        for s in sites:
            by_event.setdefault(s.event, {"declaration": [], "emit": [], "listener": []})[s.kind].append(s.__dict__)

        def probe(kind: str, form: str) -> dict | None:
            """A site of an event that has both emits and listeners, outside the file the benchmark edits."""
            for s in sites:
                if s.file == BIG_FILE or (kind == "listener" and not s.file.startswith("apps/web/")):
                    continue
                if s.kind == kind and s.form == form and by_event[s.event]["listener"] and by_event[s.event]["emit"]:
                    return s.__dict__
            return None

        enum_file = "packages/shared/src/event-names.ts"
        enum_lines = self.enum_lines
        probes = {name: p for name, p in {
            "emit_literal": probe("emit", "literal"),
            "emit_enum": probe("emit", "enum"),
            "emit_wrapper": probe("emit", "wrapper-literal"),
            "listener_literal": probe("listener", "literal"),
            "listener_enum": probe("listener", "enum"),
            "declaration": probe("declaration", "key"),
        }.items() if p}
        return {
            "files": self.total,
            "big_file": {"file": BIG_FILE, "lines": BIG_FILE_LINES, "edit_line": self.big_file_edit_line},
            "enum": {"file": enum_file, "lines": enum_lines},
            "probes": probes,
            "events": by_event,
        }

    @property
    def enum_lines(self) -> dict[str, int]:
        """0-based line of each enum member in event-names.ts, where TypeScript's definition lands."""
        return {event.name: 2 + i for i, event in enumerate(S2C_EVENTS)}


def generate(out: Path, files: int, seed: int = 7) -> dict:
    """Write a fresh monorepo of `files` source files to `out` (replacing it) and return its manifest."""
    contents, manifest = Generator(files, seed).generate()
    if out.exists():
        shutil.rmtree(out)
    for rel, text in contents.items():
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    manifest["source_files"] = sum(1 for rel in contents if rel.endswith((".ts", ".tsx")))
    manifest["bytes"] = sum(len(text.encode()) for rel, text in contents.items() if rel.endswith((".ts", ".tsx")))
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    return manifest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    manifest = generate(args.out, args.files, args.seed)
    sites = sum(len(v) for e in manifest["events"].values() for v in e.values())
    print(f"{args.out}: {manifest['source_files']} source files, {manifest['bytes'] / 1e6:.1f} MB, {sites} socket sites")


if __name__ == "__main__":
    main()
