"""Helpers for the rule tests: a small, sound socket.io monorepo in tmp_path, and running the rules on it.

The baseline repo is written the way the scaffold writes code (a JWT `io.use` middleware, org-scoped
emits, a typed `useSocketEvent` hook with a ref and cleanup, one module-level client socket): every rule
must stay quiet on it. Each test overrides or adds a file and looks at what fires.
"""

from __future__ import annotations

import json
from pathlib import Path

from socketlens.analysis.fixes import apply_edits
from socketlens.analysis.rules import Diagnostic, Fix, RuleContext, run_rules
from socketlens.config import load_config
from socketlens.extract.syntax import parser
from socketlens.index.builder import build_index

SHARED_EVENTS = """\
export interface LeadSummary {
  leadId: string;
  name: string;
}

export interface ServerToClientEvents {
  "lead:new": (payload: LeadSummary) => void;
  "chat:message": (payload: { body: string; at?: number }) => void;
}

export interface ClientToServerEvents {
  "chat:send": (payload: { body: string }) => void;
}
"""

API_SOCKET = """\
import type { Server as HttpServer } from "node:http";
import jwt from "jsonwebtoken";
import { Server } from "socket.io";
import type { ClientToServerEvents, ServerToClientEvents } from "@acme/shared";

export let io: Server<ClientToServerEvents, ServerToClientEvents>;

export function initSocket(httpServer: HttpServer) {
  io = new Server<ClientToServerEvents, ServerToClientEvents>(httpServer);

  io.use((socket, next) => {
    const token = socket.handshake.auth?.token;
    if (!token) return next(new Error("unauthorized"));
    try {
      const user = jwt.verify(token, process.env.JWT_SECRET as string) as { userId: string; orgId: string };
      socket.data.userId = user.userId;
      socket.data.orgId = user.orgId;
      next();
    } catch {
      next(new Error("unauthorized"));
    }
  });

  io.on("connection", (socket) => {
    socket.join(`user:${socket.data.userId}`);
    socket.join(`org:${socket.data.orgId}`);
    socket.on("chat:send", ({ body }) => {
      socket.to(`org:${socket.data.orgId}`).emit("chat:message", { body });
    });
  });
  return io;
}
"""

API_LEADS = """\
import { Router } from "express";
import { db } from "../db";
import { io } from "../socket";

const router = Router();

router.post("/api/leads", async (req, res) => {
  const lead = await db.lead.create({ orgId: req.user.orgId, name: req.body.name });
  io.to(`org:${req.user.orgId}`).emit("lead:new", { leadId: lead.id, name: lead.name });
  res.status(201).json(lead);
});

export default router;
"""

WEB_SOCKET = """\
import { io, type Socket } from "socket.io-client";
import type { ClientToServerEvents, ServerToClientEvents } from "@acme/shared";

export const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(import.meta.env.VITE_API_URL, {
  autoConnect: false,
  auth: (cb) => cb({ token: localStorage.getItem("token") }),
});
"""

WEB_HOOK = """\
import { useEffect, useRef } from "react";
import type { ServerToClientEvents } from "@acme/shared";
import { socket } from "../lib/socket";

export function useSocketEvent<E extends keyof ServerToClientEvents>(event: E, handler: ServerToClientEvents[E]) {
  const handlerRef = useRef(handler);

  useEffect(() => {
    handlerRef.current = handler;
  }, [handler]);

  useEffect(() => {
    const listener = ((...args: unknown[]) => {
      (handlerRef.current as (...a: unknown[]) => void)(...args);
    }) as never;
    socket.on(event, listener);
    return () => {
      socket.off(event, listener);
    };
  }, [event]);
}
"""

WEB_FEED = """\
import { useState } from "react";
import { useSocketEvent } from "../hooks/useSocketEvent";
import { socket } from "../lib/socket";

export function Feed() {
  const [items, setItems] = useState<string[]>([]);
  useSocketEvent("lead:new", (lead) => setItems((prev) => [lead.name, ...prev]));
  useSocketEvent("chat:message", ({ body }) => setItems((prev) => [body, ...prev]));
  const send = () => socket.emit("chat:send", { body: "hi" });
  return <button onClick={send}>{items.length}</button>;
}
"""

BASELINE = {
    "package.json": json.dumps({"name": "acme", "private": True, "workspaces": ["apps/*", "packages/*"]}),
    "apps/api/package.json": json.dumps(
        {"name": "api", "dependencies": {"socket.io": "^4.7.0", "express": "^4", "jsonwebtoken": "^9", "@acme/shared": "*"}}
    ),
    "apps/web/package.json": json.dumps(
        {"name": "web", "dependencies": {"socket.io-client": "^4.7.0", "react": "^18", "@acme/shared": "*"}}
    ),
    "packages/shared/package.json": json.dumps({"name": "@acme/shared", "main": "src/index.ts"}),
    "packages/shared/src/index.ts": 'export * from "./socket-events";\n',
    "packages/shared/src/socket-events.ts": SHARED_EVENTS,
    "apps/api/src/socket.ts": API_SOCKET,
    "apps/api/src/routes/leads.ts": API_LEADS,
    "apps/web/src/lib/socket.ts": WEB_SOCKET,
    "apps/web/src/hooks/useSocketEvent.ts": WEB_HOOK,
    "apps/web/src/components/Feed.tsx": WEB_FEED,
}


def make_repo(root: Path, files: dict[str, str | None] | None = None) -> Path:
    """The baseline repo with `files` added or replaced (None removes a baseline file)."""
    merged = {**BASELINE, **(files or {})}
    for rel, content in merged.items():
        if content is None:
            continue
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
    return root


def run(root: Path) -> list[Diagnostic]:
    config, _ = load_config(root)
    index = build_index(root, config, use_cache=False)

    def read_text(rel: str) -> str | None:
        try:
            return (root / rel).read_text(encoding="utf-8")
        except OSError:
            return None

    found = run_rules(RuleContext(index=index, config=config, read_text=read_text))
    assert_one_file_runs_agree(RuleContext(index=index, config=config, read_text=read_text), found)
    return found


def assert_one_file_runs_agree(context: RuleContext, whole: list[Diagnostic]) -> None:
    """The rules run for one file (an editor pulling one document's diagnostics) give exactly that file's
    part of the whole run: checked for every file of every repository the rule tests build."""
    from dataclasses import replace

    for rel in sorted(set(context.index.facts) | {d.file for d in whole}):
        alone = run_rules(replace(context, only_file=rel))
        assert alone == [d for d in whole if d.file == rel], rel


def check(root: Path, files: dict[str, str | None] | None = None) -> list[Diagnostic]:
    return run(make_repo(root, files))


def codes(diagnostics: list[Diagnostic], file: str | None = None) -> list[str]:
    return [d.code for d in diagnostics if file is None or d.file == file]


def only(diagnostics: list[Diagnostic], code: str) -> list[Diagnostic]:
    return [d for d in diagnostics if d.code == code]


def line_of(diagnostic: Diagnostic) -> int:
    return diagnostic.span.start_line + 1


def parses_cleanly(path: Path) -> bool:
    language = "tsx" if path.suffix == ".tsx" else "javascript" if path.suffix in (".js", ".jsx") else "typescript"
    return not parser(language).parse(path.read_bytes()).root_node.has_error


def apply_fix_and_recheck(root: Path, diagnostic: Diagnostic, fix: Fix) -> list[Diagnostic]:
    """Apply one fix's edits, then assert what every quick fix must guarantee: the diagnostic is gone, the
    edited files still parse, no other diagnostic appeared or vanished, and no other file changed."""
    before = run(root)
    snapshot = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    by_file: dict[str, list] = {}
    for edit in fix.edits:
        by_file.setdefault(edit.file, []).append(edit)
    for rel, edits in by_file.items():
        path = root / rel
        path.write_bytes(apply_edits(path.read_bytes(), edits))
        assert parses_cleanly(path), path.read_text()
    after = run(root)
    key = lambda d: (d.file, d.code, d.message)  # noqa: E731
    assert key(diagnostic) not in {key(d) for d in after}, [key(d) for d in after]
    others_before = sorted(key(d) for d in before if key(d) != key(diagnostic))
    assert sorted(key(d) for d in after) == others_before
    for path, data in snapshot.items():
        if str(path.relative_to(root)) not in by_file:
            assert path.read_bytes() == data, f"{path} changed"
    return after


def test_the_baseline_repo_written_like_the_scaffold_is_clean(tmp_path):
    assert run(make_repo(tmp_path)) == []


def test_the_fixture_reports_only_its_deliberate_problems(fixtures):
    found = run(fixtures / "monorepo")
    assert [(d.file, line_of(d), d.code) for d in found] == [
        ("apps/api/src/routes/admin.ts", 10, "unscoped-broadcast"),
        ("apps/web/src/components/DealBoard.tsx", 29, "no-emitter"),
        ("apps/web/src/components/DealBoard.tsx", 29, "undeclared-event"),
        ("packages/shared/src/socket-events.ts", 27, "unused-event"),
    ]


def test_every_rule_has_its_docs_page_with_the_default_severity():
    from socketlens.analysis.rules import all_rules

    docs = Path(__file__).parent.parent / "docs" / "rules"
    rules = all_rules()
    assert len(rules) == 18
    for current in rules:
        page = (docs / f"{current.code}.md").read_text()
        assert page.startswith(f"# `{current.code}` ({current.default_severity.value})")
        for section in ("## What it catches", "## Why it matters", "## Bad", "## Good", "## The fix"):
            assert section in page, (current.code, section)
