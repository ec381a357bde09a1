"""Issue 3's benchmark: socketlens's language server against TypeScript's own servers, same client, same files.

    /tmp/venv/bin/python benchmarks/bench_lsp.py [--files 10000] [--servers socketlens tsls tsgo] [--requests 200]

Servers (the TypeScript ones are installed with npm into benchmarks/.work/node/ on first use):
  socketlens  `socketlens serve --stdio`, with an empty SOCKETLENS_CACHE_DIR (a cold start)
  tsls        `typescript-language-server --stdio` with typescript@5 (npm)
  tsgo        TypeScript 7's native server, `tsc --lsp --stdio` from npm typescript@7
Each is driven by the minimal JSON-RPC client below (asyncio, Content-Length framing) on the repo that
generate.py wrote, at positions from its manifest.json:
  first definition  initialize -> the first *correct* definition of an emit's event expression
                    (`SocketEvent.X` in a route: socketlens must answer the listeners of X, TypeScript the
                    enum member); polled until it is correct
  warm requests     p50/p95 of definition, hover and references, sequentially, cycling over the probe
                    positions (emits and listeners, literal and enum, an event-map key); a time budget per
                    method keeps a slow server from running for hours (the count done is printed)
  didChange         an edit of the 2,000-line route file (an unscoped `io.emit` added and removed) -> the
                    server's publishDiagnostics for that document (a textDocument/diagnostic pull for a server
                    that advertises pull diagnostics); socketlens's answer must flag the new line
  memory            peak RSS of the server's process tree, sampled from /proc every 20 ms
Targets (issue 3): first correct definition at least 5x sooner than TypeScript 7's server with a tenth of
its memory; warm p95 under 10 ms; didChange to diagnostics under 100 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import PeakMemory, WORK, ensure_repo, mb, now, ratio, seconds, socketlens_command, table  # noqa: E402

NODE = WORK / "node"
FIRST_DEFINITION_TIMEOUT = 600.0
REQUEST_TIMEOUT = 120.0
METHOD_BUDGET = 60.0  # seconds of warm requests per method and server at most


# ------------------------------------------------------------------------------------------ the client
class LspError(Exception):
    pass


class LspClient:
    """Just enough LSP over stdio: requests with ids, notifications, answers to the server's own requests."""

    def __init__(self, process: asyncio.subprocess.Process, log: Callable[[str], None]):
        self.process = process
        self.log = log
        self.next_id = 0
        self.pending: dict[int, asyncio.Future] = {}
        self.diagnostics: list[tuple[float, dict]] = []  # (arrival time, publishDiagnostics params)
        self.diagnostics_arrived = asyncio.Event()
        self.reader = asyncio.create_task(self._read_loop())

    async def _read_loop(self) -> None:
        stream = self.process.stdout
        assert stream is not None
        try:
            while True:
                length = None
                while True:
                    header = await stream.readline()
                    if not header:
                        raise EOFError
                    header = header.strip()
                    if not header:
                        break
                    name, _, value = header.decode("ascii").partition(":")
                    if name.lower() == "content-length":
                        length = int(value)
                if length is None:
                    continue
                message = json.loads(await stream.readexactly(length))
                self._dispatch(message)
        except (EOFError, asyncio.IncompleteReadError, ConnectionResetError):
            for future in self.pending.values():
                if not future.done():
                    future.set_exception(LspError("server closed its output"))

    def _dispatch(self, message: dict) -> None:
        if "id" in message and "method" not in message:  # a response
            future = self.pending.pop(message["id"], None)
            if future is not None and not future.done():
                if "error" in message:
                    future.set_exception(LspError(json.dumps(message["error"])[:300]))
                else:
                    future.set_result(message.get("result"))
        elif "id" in message:  # a request from the server
            self._send({"jsonrpc": "2.0", "id": message["id"], "result": self._answer(message)})
        elif message.get("method") == "textDocument/publishDiagnostics":
            self.diagnostics.append((now(), message["params"]))
            self.diagnostics_arrived.set()
        elif message.get("method") == "window/logMessage" and message["params"].get("type", 4) <= 1:
            self.log(f"server error: {message['params'].get('message', '')[:200]}")

    @staticmethod
    def _answer(request: dict) -> Any:
        if request["method"] == "workspace/configuration":
            return [None for _ in request["params"].get("items", [])]
        return None  # registerCapability, workDoneProgress/create, ...

    def _send(self, message: dict) -> None:
        body = json.dumps(message).encode()
        assert self.process.stdin is not None
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    async def request(self, method: str, params: Any, timeout: float = REQUEST_TIMEOUT) -> Any:
        self.next_id += 1
        future = asyncio.get_running_loop().create_future()
        self.pending[self.next_id] = future
        message = {"jsonrpc": "2.0", "id": self.next_id, "method": method}
        if params is not None:  # `shutdown` has no params; some servers reject `"params": null`
            message["params"] = params
        self._send(message)
        await self.process.stdin.drain()  # type: ignore[union-attr]
        return await asyncio.wait_for(future, timeout)

    async def notify(self, method: str, params: Any) -> None:
        message = {"jsonrpc": "2.0", "method": method}
        if params is not None:
            message["params"] = params
        self._send(message)
        await self.process.stdin.drain()  # type: ignore[union-attr]

    async def wait_diagnostics(self, uri: str, after: float, timeout: float, accept: Callable[[dict], bool] = lambda p: True) -> tuple[float, dict] | None:
        deadline = now() + timeout
        while True:
            for arrived, params in self.diagnostics:
                if arrived >= after and params["uri"] == uri and accept(params):
                    return arrived, params
            remaining = deadline - now()
            if remaining <= 0:
                return None
            self.diagnostics_arrived.clear()
            try:
                await asyncio.wait_for(self.diagnostics_arrived.wait(), remaining)
            except asyncio.TimeoutError:
                return None


def client_capabilities() -> dict:
    return {
        "general": {"positionEncodings": ["utf-16"]},
        "window": {"workDoneProgress": True},
        "workspace": {"configuration": True, "workspaceFolders": True, "didChangeWatchedFiles": {"dynamicRegistration": True}},
        "textDocument": {
            "synchronization": {"didSave": True, "dynamicRegistration": False},
            "definition": {"linkSupport": False},
            "declaration": {"linkSupport": False},
            "references": {},
            "hover": {"contentFormat": ["markdown", "plaintext"]},
            "publishDiagnostics": {"relatedInformation": True, "versionSupport": True},
        },
    }


# ------------------------------------------------------------------------------------------ servers
@dataclass
class Server:
    name: str
    command: list[str]
    env: dict[str, str] = field(default_factory=lambda: dict(os.environ))
    initialization_options: dict | None = None
    is_socketlens: bool = False
    label: str = ""


def npm_install(folder: Path, packages: list[str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    if not (folder / "package.json").exists():
        (folder / "package.json").write_text('{"name": "bench-node", "private": true}\n')
    print(f"npm install {' '.join(packages)} into {folder} ...", file=sys.stderr)
    subprocess.run(["npm", "install", "--no-audit", "--no-fund", *packages], cwd=folder, check=True, stdout=subprocess.DEVNULL)


def installed_version(folder: Path, package: str) -> str | None:
    try:
        return json.loads((folder / "node_modules" / package / "package.json").read_text())["version"]
    except (OSError, ValueError, KeyError):
        return None


def make_server(name: str, cache_dir: Path) -> Server | None:
    if name == "socketlens":
        return Server("socketlens", [*socketlens_command(), "serve", "--stdio"],
                      env=dict(os.environ, SOCKETLENS_CACHE_DIR=str(cache_dir)), is_socketlens=True, label="socketlens serve")
    if shutil.which("npm") is None:
        print(f"{name}: npm is not installed, skipped", file=sys.stderr)
        return None
    if name == "tsls":
        folder = NODE / "ts5"
        if not (folder / "node_modules/.bin/typescript-language-server").exists():
            npm_install(folder, ["typescript-language-server", "typescript@5"])
        version = installed_version(folder, "typescript")
        return Server("tsls", [str(folder / "node_modules/.bin/typescript-language-server"), "--stdio"],
                      initialization_options={"tsserver": {"path": str(folder / "node_modules/typescript/lib")}},
                      label=f"typescript-language-server {installed_version(folder, 'typescript-language-server')} + typescript {version}")
    if name == "tsgo":
        folder = NODE / "ts7"
        if not (folder / "node_modules/.bin/tsc").exists():
            try:
                npm_install(folder, ["typescript@7"])
            except subprocess.CalledProcessError:  # no 7.x on the registry: the preview build
                npm_install(folder, ["@typescript/native-preview"])
        if (folder / "node_modules/.bin/tsc").exists() and (installed_version(folder, "typescript") or "").startswith("7"):
            return Server("tsgo", [str(folder / "node_modules/.bin/tsc"), "--lsp", "--stdio"],
                          label=f"tsc --lsp (typescript {installed_version(folder, 'typescript')})")
        return Server("tsgo", [str(folder / "node_modules/.bin/tsgo"), "--lsp", "--stdio"],
                      label=f"tsgo --lsp (@typescript/native-preview {installed_version(folder, '@typescript/native-preview')})")
    raise SystemExit(f"unknown server {name}")


# ------------------------------------------------------------------------------------------ the measurements
def uri_of(root: Path, rel: str) -> str:
    return (root / rel).as_uri()


def rel_of(root: Path, uri: str) -> str:
    from urllib.parse import unquote, urlparse

    return os.path.relpath(unquote(urlparse(uri).path), root)


def locations(result: Any) -> list[tuple[str, int]]:
    """(uri, start line) of a Location | Location[] | LocationLink[] | null answer."""
    if not result:
        return []
    items = result if isinstance(result, list) else [result]
    out = []
    for item in items:
        if "targetUri" in item:
            out.append((item["targetUri"], item["targetSelectionRange"]["start"]["line"]))
        else:
            out.append((item["uri"], item["range"]["start"]["line"]))
    return out


def language_id(rel: str) -> str:
    return "typescriptreact" if rel.endswith(".tsx") else "typescript"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


@dataclass
class Result:
    server: str
    label: str
    first_definition: float | None = None
    first_definition_note: str = ""
    latencies: dict[str, list[float]] = field(default_factory=dict)
    change: list[float] = field(default_factory=list)
    change_note: str = ""
    peak: int = 0
    error: str = ""


async def run_server(server: Server, root: Path, manifest: dict, requests: int, log: Callable[[str], None]) -> Result:
    result = Result(server.name, server.label)
    process = await asyncio.create_subprocess_exec(
        *server.command, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL, env=server.env, cwd=str(root), limit=64 * 1024 * 1024,
    )
    memory = PeakMemory(process.pid).__enter__()
    client = LspClient(process, log)
    try:
        await measure(client, server, root, manifest, requests, result, log)
    except Exception as error:  # noqa: BLE001 - report and go on with the next server
        result.error = f"{type(error).__name__}: {error}"[:300]
        log(f"{server.name}: {result.error}")
    finally:
        result.peak = memory.stop()
        try:
            await client.request("shutdown", None, timeout=10)
            await client.notify("exit", None)
            await asyncio.wait_for(process.wait(), 10)
        except Exception:  # noqa: BLE001
            if process.returncode is None:
                process.kill()
                await process.wait()
        client.reader.cancel()
    return result


async def measure(client: LspClient, server: Server, root: Path, manifest: dict, requests: int, result: Result, log) -> None:
    probes = manifest["probes"]
    events = manifest["events"]
    started = now()
    init = await client.request("initialize", {
        "processId": os.getpid(),
        "clientInfo": {"name": "socketlens-bench"},
        "rootUri": root.as_uri(),
        "rootPath": str(root),
        "workspaceFolders": [{"uri": root.as_uri(), "name": root.name}],
        "capabilities": client_capabilities(),
        "initializationOptions": server.initialization_options,
    }, timeout=FIRST_DEFINITION_TIMEOUT)
    capabilities = init.get("capabilities", {})
    await client.notify("initialized", {})

    opened: dict[str, int] = {}

    async def open_file(rel: str) -> None:
        if rel in opened:
            return
        opened[rel] = 1
        await client.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri_of(root, rel), "languageId": language_id(rel), "version": 1, "text": (root / rel).read_text()}})

    # 1. initialize -> first correct definition, on `SocketEvent.X` of an emit (the member name X).
    probe = probes["emit_enum"]
    member_at = probe["character"] + len("SocketEvent.")
    await open_file(probe["file"])
    listeners = {(s["file"], s["line"]) for s in events[probe["event"]]["listener"]}
    enum_target = (manifest["enum"]["file"], manifest["enum"]["lines"][probe["event"]])

    def correct(found: list[tuple[str, int]]) -> bool:
        got = {(rel_of(root, uri), line) for uri, line in found}
        return got == listeners if server.is_socketlens else enum_target in got

    attempts = 0
    while now() - started < FIRST_DEFINITION_TIMEOUT:
        attempts += 1
        found = locations(await client.request("textDocument/definition", {
            "textDocument": {"uri": uri_of(root, probe["file"])}, "position": {"line": probe["line"], "character": member_at}}))
        if correct(found):
            result.first_definition = now() - started
            result.first_definition_note = f"{attempts} request(s)"
            break
        await asyncio.sleep(0.05)
    else:
        result.first_definition_note = f"no correct answer in {FIRST_DEFINITION_TIMEOUT:.0f} s (last: {found[:3]})"
    log(f"{server.name}: first correct definition {seconds(result.first_definition)} ({result.first_definition_note}),"
        f" memory so far {mb(tree_peak(client))}")

    # 2. warm requests, cycling over the probe positions.
    positions = []
    for name, site in probes.items():
        await open_file(site["file"])
        character = site["character"] + (len("SocketEvent.") if site["form"] in ("enum", "wrapper-enum") else 1)
        positions.append((site["file"], site["line"], character))
    for method, extra in (("textDocument/definition", {}), ("textDocument/hover", {}),
                          ("textDocument/references", {"context": {"includeDeclaration": True}})):
        times: list[float] = []
        budget_end = now() + METHOD_BUDGET
        for number in range(requests):
            rel, line, character = positions[number % len(positions)]
            t = now()
            await client.request(method, {"textDocument": {"uri": uri_of(root, rel)}, "position": {"line": line, "character": character}, **extra})
            times.append(now() - t)
            if now() > budget_end:
                break
        result.latencies[method.split("/")[1]] = times
    log(f"{server.name}: warm requests done")

    # 3. didChange of the 2,000-line file -> its diagnostics.
    big = manifest["big_file"]
    uri = uri_of(root, big["file"])
    text = (root / big["file"]).read_text()
    await open_file(big["file"])
    pull = bool(capabilities.get("diagnosticProvider"))
    # Let the initial diagnostics of the open file go by, so that the first timed edit does not also pay
    # for the work of opening the file (a user does not type within a few milliseconds of opening it).
    if pull:
        await client.request("textDocument/diagnostic", {"textDocument": {"uri": uri}})
    else:
        await client.wait_diagnostics(uri, 0.0, 60.0)
    sync = capabilities.get("textDocumentSync", 1)
    incremental = (sync.get("change") if isinstance(sync, dict) else sync) == 2
    edit_line = big["edit_line"]
    new_line = '  io.emit("lead:created", { leadId: orgId } as never);\n'
    lines = text.splitlines(keepends=True)
    flagged = 0
    version = 1
    for round_number in range(6):
        adding = round_number % 2 == 0
        version += 1
        if incremental:
            end = {"line": edit_line, "character": 0} if adding else {"line": edit_line + 1, "character": 0}
            change = {"range": {"start": {"line": edit_line, "character": 0}, "end": end}, "text": new_line if adding else ""}
        else:
            change = {"text": "".join(lines[:edit_line] + ([new_line] if adding else []) + lines[edit_line:])}
        sent = now()
        await client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]})
        if pull:
            report = await client.request("textDocument/diagnostic", {"textDocument": {"uri": uri}})
            items = (report or {}).get("items", [])
            arrived = now()
        else:
            got = await client.wait_diagnostics(uri, sent, 60.0, lambda p, v=version: p.get("version") in (None, v))
            if got is None:
                result.change_note = "no diagnostics within 60 s"
                break
            arrived, params = got
            items = params["diagnostics"]
        result.change.append(arrived - sent)
        if adding and any(d["range"]["start"]["line"] == edit_line for d in items):
            flagged += 1
        await asyncio.sleep(0.3)  # let debounced work of this round finish before the next edit
    mode = "pull" if pull else "push"
    result.change_note = result.change_note or (
        f"{mode}; new emit flagged {flagged}/3" if server.is_socketlens else f"{mode}")


def tree_peak(client: LspClient) -> int:
    from common import tree_rss_bytes

    return tree_rss_bytes(client.process.pid)


# ------------------------------------------------------------------------------------------ report
def summarize(results: list[Result], requests: int) -> str:
    rows = []
    for r in results:
        lat = r.latencies

        def cell(method: str) -> str:
            values = lat.get(method)
            if not values:
                return "n/a"
            text = f"{percentile(values, 0.5) * 1000:.1f} / {percentile(values, 0.95) * 1000:.1f}"
            return text + (f" (n={len(values)})" if len(values) < requests else "")

        change = f"{statistics.median(r.change) * 1000:.0f} ms (max {max(r.change) * 1000:.0f})" if r.change else "n/a"
        rows.append([r.server, seconds(r.first_definition), mb(r.peak), cell("definition"), cell("hover"), cell("references"),
                     change, r.change_note + (f"; ERROR {r.error}" if r.error else "")])
    return table(["server", "first correct definition", "peak RSS (tree)", "definition p50/p95 ms", "hover p50/p95 ms",
                  "references p50/p95 ms", "didChange -> diagnostics (median)", "notes"], rows)


def verdicts(results: list[Result]) -> list[str]:
    by = {r.server: r for r in results}
    lens = by.get("socketlens")
    if lens is None:
        return []
    out = []
    for other in ("tsls", "tsgo"):
        r = by.get(other)
        if r is None:
            continue
        out.append(f"vs {r.label}: first correct definition {ratio(r.first_definition, lens.first_definition)} sooner, "
                   f"memory {ratio(r.peak, lens.peak)} less")
    tsgo = by.get("tsgo")
    if tsgo and tsgo.first_definition and lens.first_definition:
        speed = tsgo.first_definition / lens.first_definition
        out.append(f"target: first definition >= 5x sooner than TypeScript 7: {speed:.1f}x -> {'ok' if speed >= 5 else 'MISSED'}")
        out.append(f"target: <= 1/10 of TypeScript 7's memory: {lens.peak / tsgo.peak:.2f} -> {'ok' if lens.peak * 10 <= tsgo.peak else 'MISSED'}")
    p95 = [percentile(v, 0.95) for v in lens.latencies.values() if v]
    if p95:
        out.append(f"target: warm p95 < 10 ms: worst {max(p95) * 1000:.1f} ms -> {'ok' if max(p95) < 0.010 else 'MISSED'}")
    if lens.change:
        median = statistics.median(lens.change)
        out.append(f"target: didChange -> diagnostics < 100 ms: median {median * 1000:.0f} ms, max {max(lens.change) * 1000:.0f} ms -> "
                   f"{'ok' if max(lens.change) < 0.1 else 'MISSED'}")
    return out


async def amain(args: argparse.Namespace) -> None:
    root, manifest = ensure_repo(args.files)
    log = lambda text: print(text, file=sys.stderr, flush=True)  # noqa: E731
    results = []
    for name in args.servers:
        with tempfile.TemporaryDirectory(prefix="socketlens-cache-", dir=WORK) as cache:
            server = make_server(name, Path(cache))
            if server is None:
                continue
            log(f"--- {server.label}")
            results.append(await run_server(server, root, manifest, args.requests, log))
    print(f"\n{manifest['source_files']:,} files ({manifest['bytes'] / 1e6:.1f} MB), {os.cpu_count()} cores, "
          f"{args.requests} warm requests per method (fewer if a server used up the {METHOD_BUDGET:.0f} s budget)\n")
    for r in results:
        print(f"  {r.server}: {r.label}")
    print()
    print(summarize(results, args.requests))
    print()
    for line in verdicts(results):
        print(line)


def main() -> None:
    parser = argparse.ArgumentParser(description="socketlens serve vs TypeScript's language servers")
    parser.add_argument("--files", type=int, default=10000)
    parser.add_argument("--servers", nargs="+", default=["socketlens", "tsls", "tsgo"], choices=["socketlens", "tsls", "tsgo"])
    parser.add_argument("--requests", type=int, default=200)
    asyncio.run(amain(parser.parse_args()))


if __name__ == "__main__":
    main()
