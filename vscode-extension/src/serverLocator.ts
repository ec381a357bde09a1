/**
 * Finds a working socketlens server. Order:
 *   1. setting `socketlens.server.path`   → `<path> serve`
 *   2. setting `socketlens.server.python` → `<python> -m socketlens serve`
 *   3. bundled copy `<extensionPath>/server/lib` → `python3|python -m socketlens serve`, PYTHONPATH=lib
 *   4. `socketlens` on PATH → `socketlens serve`
 * Each candidate is probed with `--version` (short timeout) before use.
 * vscode-languageclient appends `--stdio` itself (TransportKind.stdio), so it is not in `args`.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { isSupportedPython, parsePythonVersion } from "./validation";

export interface ServerCommand {
  /** Human-readable origin, shown in the log and in error messages. */
  source: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  /** Output of the `--version` probe. */
  version?: string;
}

export interface LocateSettings {
  serverPath: string;
  serverPython: string;
}

export interface LocateResult {
  server?: ServerCommand;
  /** One line per candidate that was tried and rejected. */
  failures: string[];
  /** Candidates configured by the user that did not work (for a warning). */
  settingFailures: string[];
}

export interface ProbeResult {
  ok: boolean;
  output: string;
  error?: string;
}

export const PROBE_TIMEOUT_MS = 8000;

export function probe(
  command: string,
  args: string[],
  env?: NodeJS.ProcessEnv,
  timeoutMs = PROBE_TIMEOUT_MS,
): Promise<ProbeResult> {
  return new Promise((resolve) => {
    let output = "";
    let settled = false;
    const finish = (result: ProbeResult) => {
      if (!settled) {
        settled = true;
        clearTimeout(timer);
        resolve(result);
      }
    };
    let child;
    try {
      child = spawn(command, args, { env: env ?? process.env, stdio: ["ignore", "pipe", "pipe"], windowsHide: true });
    } catch (err) {
      resolve({ ok: false, output: "", error: String(err) });
      return;
    }
    const timer = setTimeout(() => {
      child.kill();
      finish({ ok: false, output, error: `no answer within ${timeoutMs} ms` });
    }, timeoutMs);
    child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
    child.on("error", (err) => finish({ ok: false, output, error: err.message }));
    child.on("close", (code) => {
      if (code === 0) {
        finish({ ok: true, output: output.trim() });
      } else {
        const last = output.trim().split(/\r?\n/).slice(-3).join(" | ");
        finish({ ok: false, output, error: `exit code ${code}${last ? `: ${last}` : ""}` });
      }
    });
  });
}

export type Logger = (message: string) => void;

function expandHome(p: string): string {
  if (p === "~" || p.startsWith("~/")) {
    return path.join(process.env.HOME ?? process.env.USERPROFILE ?? "", p.slice(1));
  }
  return p;
}

export function bundledLibDir(extensionPath: string): string {
  return path.join(extensionPath, "server", "lib");
}

export async function locateServer(
  extensionPath: string,
  settings: LocateSettings,
  log: Logger,
  probeFn: typeof probe = probe,
): Promise<LocateResult> {
  const failures: string[] = [];
  const settingFailures: string[] = [];

  const tryCandidate = async (candidate: ServerCommand, fromSetting: boolean): Promise<ServerCommand | undefined> => {
    log(`probing ${candidate.source}: ${candidate.command} ${[...candidate.args.slice(0, -1), "--version"].join(" ")}`);
    // args end with "serve"; the probe replaces it with "--version".
    const probeArgs = [...candidate.args.slice(0, -1), "--version"];
    const result = await probeFn(candidate.command, probeArgs, candidate.env);
    if (result.ok) {
      log(`using ${candidate.source} (${result.output || "no version output"})`);
      return { ...candidate, version: result.output };
    }
    const line = `${candidate.source} (${candidate.command}): ${result.error ?? "failed"}`;
    log(`rejected ${line}`);
    failures.push(line);
    if (fromSetting) {
      settingFailures.push(line);
    }
    return undefined;
  };

  // 1. explicit executable
  const serverPath = settings.serverPath.trim();
  if (serverPath) {
    const found = await tryCandidate(
      { source: "setting socketlens.server.path", command: expandHome(serverPath), args: ["serve"] },
      true,
    );
    if (found) return { server: found, failures, settingFailures };
  }

  // 2. explicit interpreter
  const serverPython = settings.serverPython.trim();
  if (serverPython) {
    const found = await tryCandidate(
      {
        source: "setting socketlens.server.python",
        command: expandHome(serverPython),
        args: ["-m", "socketlens", "serve"],
      },
      true,
    );
    if (found) return { server: found, failures, settingFailures };
  }

  // 3. bundled copy
  const lib = bundledLibDir(extensionPath);
  if (fs.existsSync(path.join(lib, "socketlens"))) {
    const env: NodeJS.ProcessEnv = { ...process.env, PYTHONPATH: lib, PYTHONNOUSERSITE: "1" };
    for (const python of ["python3", "python"]) {
      const versionProbe = await probeFn(python, ["--version"], env);
      const version = parsePythonVersion(versionProbe.output);
      if (!versionProbe.ok || !isSupportedPython(version)) {
        const why = versionProbe.ok
          ? `${versionProbe.output || "unknown version"} is older than 3.10`
          : (versionProbe.error ?? "not found");
        const line = `bundled server with ${python}: ${why}`;
        log(`rejected ${line}`);
        failures.push(line);
        continue;
      }
      const found = await tryCandidate(
        { source: `bundled server (${python})`, command: python, args: ["-m", "socketlens", "serve"], env },
        false,
      );
      if (found) return { server: found, failures, settingFailures };
    }
  } else {
    log(`no bundled server at ${lib}`);
  }

  // 4. PATH
  const found = await tryCandidate({ source: "socketlens on PATH", command: "socketlens", args: ["serve"] }, false);
  if (found) return { server: found, failures, settingFailures };

  return { failures, settingFailures };
}
