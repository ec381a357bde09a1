#!/usr/bin/env node
// A tiny stand-in for `socketlens serve --stdio`, used by `npm run test:e2e -- --server=mock` to check the
// extension side alone. It implements the same contract as the real server, with regexes instead of
// real analysis: socketlens/status, publishDiagnostics (unscoped-broadcast), definition, hover,
// socketlens/scaffoldOptions and the socketlens.scaffold.addEvent command (through workspace/applyEdit).
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const args = process.argv.slice(2);
if (args.includes("--version")) {
  console.log("socketlens 0.0.0-mock");
  process.exit(0);
}
if (args[0] !== "serve" || !args.includes("--stdio")) {
  console.error("usage: mock-server.mjs serve --stdio");
  process.exit(2);
}

let root = process.cwd();
const docs = new Map(); // uri → text
let nextId = 1;
const pending = new Map();

function send(msg) {
  const body = Buffer.from(JSON.stringify({ jsonrpc: "2.0", ...msg }), "utf8");
  process.stdout.write(`Content-Length: ${body.length}\r\n\r\n`);
  process.stdout.write(body);
}
const notify = (method, params) => send({ method, params });
const request = (method, params) =>
  new Promise((resolve, reject) => {
    const id = nextId++;
    pending.set(id, { resolve, reject });
    send({ id, method, params });
  });
const log = (m) => process.stderr.write(`INFO:mock-socketlens:${m}\n`);

function walk(dir, out = []) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (e.name === "node_modules" || e.name.startsWith(".")) continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (/\.(ts|tsx|js|jsx|py)$/.test(e.name)) out.push(p);
  }
  return out;
}
const textOf = (file) => docs.get(pathToFileURL(file).href) ?? fs.readFileSync(file, "utf8");
const rel = (file) => path.relative(root, file).split(path.sep).join("/");

function scan() {
  const emits = [];
  const listeners = [];
  const routes = [];
  for (const file of walk(root)) {
    const lines = textOf(file).split(/\r?\n/);
    let route;
    lines.forEach((line, i) => {
      let m;
      const r = /router\.(get|post|put|patch|delete)\(\s*"([^"]+)"/.exec(line);
      if (r) route = { method: r[1].toUpperCase(), path: r[2], file, line: i, end: lines.length };
      if (route && r) routes.push(route);
      const emitRe = /\.emit\(\s*"([^"]+)"/g;
      while ((m = emitRe.exec(line))) {
        const unscoped = /\bio\s*\.emit\(/.test(line);
        emits.push({ name: m[1], file, line: i, col: m.index + 7, unscoped });
      }
      const onRe = /(?:\.on|useSocketEvent)\(\s*"([^"]+)"/g;
      while ((m = onRe.exec(line))) listeners.push({ name: m[1], file, line: i, col: m.index + m[0].indexOf('"') + 1 });
    });
  }
  for (let i = 0; i < routes.length; i++) {
    const next = routes[i + 1];
    routes[i].end = next && next.file === routes[i].file ? next.line - 1 : 1e9;
  }
  return { emits, listeners, routes };
}

function status() {
  const s = scan();
  const events = new Set([...s.emits, ...s.listeners].map((e) => e.name));
  notify("socketlens/status", { state: "ready", events: events.size, files: walk(root).length });
}

function diagnose(uri) {
  const file = fileURLToPath(uri);
  const diagnostics = [];
  textOf(file)
    .split(/\r?\n/)
    .forEach((line, i) => {
      const m = /\bio\s*\.emit\(\s*"([^"]+)"/.exec(line);
      if (m)
        diagnostics.push({
          range: { start: { line: i, character: m.index }, end: { line: i, character: m.index + m[0].length } },
          severity: 2,
          code: "unscoped-broadcast",
          source: "socketlens",
          message: `"${m[1]}" is broadcast to every connected client; emit into a user/org room instead`,
        });
    });
  notify("textDocument/publishDiagnostics", { uri, diagnostics });
}

function eventAt(uri, pos) {
  const line = textOf(fileURLToPath(uri)).split(/\r?\n/)[pos.line] ?? "";
  const re = /"([^"]+)"/g;
  let m;
  while ((m = re.exec(line))) if (pos.character >= m.index && pos.character <= m.index + m[0].length) return m[1];
  return undefined;
}

function payloadOf(name) {
  for (const file of walk(root)) {
    const m = new RegExp(`"${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}"\\s*:\\s*\\(([^)]*)\\)`).exec(textOf(file));
    if (m) return m[1];
  }
  return undefined;
}

const handlers = {
  initialize: (p) => {
    if (p.rootUri) root = fileURLToPath(p.rootUri);
    log(`initialize root=${root} initializationOptions=${JSON.stringify(p.initializationOptions)}`);
    return {
      capabilities: {
        textDocumentSync: 1,
        definitionProvider: true,
        hoverProvider: true,
        executeCommandProvider: { commands: ["socketlens.scaffold.addEvent"] },
      },
      serverInfo: { name: "socketlens-mock", version: "0.0.0" },
    };
  },
  shutdown: () => null,
  "textDocument/definition": (p) => {
    const name = eventAt(p.textDocument.uri, p.position);
    if (!name) return null;
    return scan()
      .listeners.filter((l) => l.name === name)
      .map((l) => ({
        uri: pathToFileURL(l.file).href,
        range: { start: { line: l.line, character: l.col }, end: { line: l.line, character: l.col + name.length } },
      }));
  },
  "textDocument/hover": (p) => {
    const name = eventAt(p.textDocument.uri, p.position);
    const payload = name && payloadOf(name);
    if (!payload) return null;
    return { contents: { kind: "markdown", value: `**${name}**\n\n\`\`\`ts\n${payload}\n\`\`\`` } };
  },
  "socketlens/scaffoldOptions": (p) => {
    const s = scan();
    const file = p.textDocument ? fileURLToPath(p.textDocument.uri) : "";
    return {
      routes: s.routes
        .filter((r) => r.method !== "GET")
        .map((r) => ({
          method: r.method,
          path: r.path,
          file: rel(r.file),
          uri: pathToFileURL(r.file).href,
          line: r.line,
          label: `${r.method} ${r.path}`,
          containsPosition: r.file === file && p.position && p.position.line >= r.line && p.position.line <= r.end,
        })),
      scopes: [
        { scope: "org", template: "org:{orgId}", description: "every member of the organization" },
        { scope: "user", template: "user:{userId}", description: "one user" },
        { scope: "room", template: "deal:{dealId}", description: "a room" },
      ],
      consumers: walk(root)
        .filter((f) => /components\/\w+\.tsx$/.test(f))
        .map((f) => ({ label: path.basename(f, ".tsx"), file: rel(f), uri: pathToFileURL(f).href })),
      events: [...new Set([...s.emits, ...s.listeners].map((e) => e.name))],
      namingHint: "entity:verb, e.g. lead:new",
    };
  },
  "workspace/executeCommand": async (p) => {
    if (p.command !== "socketlens.scaffold.addEvent") throw { code: -32601, message: `unknown command ${p.command}` };
    const a = p.arguments[0];
    const route = scan().routes.find((r) => `${r.method} ${r.path}` === a.trigger);
    if (!route) return { applied: false, message: `no route ${a.trigger}`, files: [] };
    const room = a.scope === "room" ? a.roomTemplate : a.scope === "org" ? "org:{orgId}" : "user:{userId}";
    const target = room.replace(/\{(\w+)\}/g, (_, v) => `\${req.user.${v}}`);
    const uri = pathToFileURL(route.file).href;
    const text = `  io.to(\`${target}\`).emit("${a.name}", {} as { ${a.payload} });\n`;
    const at = { line: route.line + 1, character: 0 };
    const res = await request("workspace/applyEdit", {
      label: `Add ${a.name}`,
      edit: { changes: { [uri]: [{ range: { start: at, end: at }, newText: text }] } },
    });
    status();
    return {
      applied: !!res.applied,
      message: res.applied ? "mock scaffold written" : (res.failureReason ?? "edit rejected"),
      files: [{ uri, created: false }],
      emitLocation: { uri, range: { start: { line: at.line, character: 2 }, end: { line: at.line, character: 2 } } },
    };
  },
};

const notifications = {
  initialized: async () => {
    notify("socketlens/status", { state: "indexing", events: 0, files: 0 });
    try {
      const cfg = await request("workspace/configuration", { items: [{ section: "socketlens" }] });
      log(`workspace/configuration socketlens = ${JSON.stringify(cfg)}`);
    } catch (e) {
      log(`workspace/configuration failed ${JSON.stringify(e)}`);
    }
    setTimeout(status, 1500);
  },
  "textDocument/didOpen": (p) => {
    docs.set(p.textDocument.uri, p.textDocument.text);
    diagnose(p.textDocument.uri);
  },
  "textDocument/didChange": (p) => {
    docs.set(p.textDocument.uri, p.contentChanges.at(-1).text);
    diagnose(p.textDocument.uri);
  },
  "textDocument/didClose": (p) => docs.delete(p.textDocument.uri),
  "workspace/didChangeConfiguration": () => log("didChangeConfiguration"),
  exit: () => process.exit(0),
};

async function dispatch(msg) {
  if (msg.id !== undefined && msg.method === undefined) {
    const p = pending.get(msg.id);
    pending.delete(msg.id);
    if (p) (msg.error ? p.reject(msg.error) : p.resolve(msg.result));
    return;
  }
  if (msg.id !== undefined) {
    const h = handlers[msg.method];
    if (!h) return send({ id: msg.id, error: { code: -32601, message: `unhandled ${msg.method}` } });
    try {
      send({ id: msg.id, result: (await h(msg.params ?? {})) ?? null });
    } catch (e) {
      send({ id: msg.id, error: { code: e.code ?? -32603, message: e.message ?? String(e) } });
    }
    return;
  }
  await notifications[msg.method]?.(msg.params ?? {});
}

let buf = Buffer.alloc(0);
process.stdin.on("data", (chunk) => {
  buf = Buffer.concat([buf, chunk]);
  for (;;) {
    const sep = buf.indexOf("\r\n\r\n");
    if (sep < 0) return;
    const len = Number(/Content-Length: (\d+)/i.exec(buf.subarray(0, sep).toString())?.[1]);
    if (buf.length < sep + 4 + len) return;
    const body = buf.subarray(sep + 4, sep + 4 + len).toString("utf8");
    buf = buf.subarray(sep + 4 + len);
    dispatch(JSON.parse(body)).catch((e) => log(`error ${e}`));
  }
});
