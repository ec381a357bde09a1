import * as vscode from "vscode";
import {
  DidChangeConfigurationNotification,
  LanguageClient,
  State,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from "vscode-languageclient/node";
import { addEventCommand } from "./addEvent";
import { codeLensMiddleware } from "./codeLens";
import { STATUS_NOTIFICATION, type StatusParams } from "./protocol";
import { locateServer, type ServerCommand } from "./serverLocator";
import { StatusItem } from "./status";
import * as readline from "node:readline";

const CLIENT_ID = "socketlens";
const EXTENSION_ID = "socketlens.socketlens";
const LANGUAGES = ["typescript", "typescriptreact", "javascript", "javascriptreact", "vue", "svelte", "python"];
/** Settings whose change needs a new server process rather than a config re-pull. */
const RESTART_SETTINGS = ["socketlens.server.path", "socketlens.server.python"];

let client: LanguageClient | undefined;
let log: vscode.LogOutputChannel;
let status: StatusItem;
let extensionPath: string;
/** Serializes start/stop/restart so that two restarts never race. */
let lifecycle: Promise<void> = Promise.resolve();

/** The settings object that the server also pulls through workspace/configuration (section "socketlens"). */
export function readSettings(): Record<string, unknown> {
  const c = vscode.workspace.getConfiguration("socketlens");
  return {
    server: { path: c.get<string>("server.path", ""), python: c.get<string>("server.python", "") },
    trace: { server: c.get<string>("trace.server", "off") },
    rules: c.get<Record<string, string>>("rules", {}),
    hooks: c.get<string[]>("hooks", ["useSocketEvent"]),
    rooms: c.get<Record<string, string>>("rooms", { user: "user:{userId}", org: "org:{orgId}" }),
    eventMaps: c.get<Record<string, string[]>>("eventMaps", {}),
    include: c.get<string[]>("include", []),
    exclude: c.get<string[]>("exclude", []),
  };
}

/** Python's logging writes "LEVEL:logger:message" or "... LEVEL ..." to stderr; map it onto the log channel. */
function logServerLine(line: string): void {
  const m = /^(?:\S+\s+\S+\s+)?\[?(DEBUG|INFO|WARNING|WARN|ERROR|CRITICAL)\]?[:\s]/.exec(line);
  const level = m?.[1];
  switch (level) {
    case "DEBUG":
      log.debug(line);
      break;
    case "INFO":
      log.info(line);
      break;
    case "WARNING":
    case "WARN":
      log.warn(line);
      break;
    default:
      // unknown prefix (tracebacks, prints) or ERROR/CRITICAL
      log.error(line);
  }
}

async function openSettings(): Promise<void> {
  await vscode.commands.executeCommand("workbench.action.openSettings", `@ext:${EXTENSION_ID}`);
}

async function reportNoServer(failures: string[]): Promise<void> {
  status.failed("no socketlens server found");
  log.error("no working socketlens server found. Tried:");
  for (const f of failures) log.error(`  - ${f}`);
  const choice = await vscode.window.showErrorMessage(
    "socketlens: no working language server found. Install it (pip install socketlens), or set " +
      "'socketlens.server.path' to a socketlens executable or 'socketlens.server.python' to a Python " +
      "3.10+ interpreter that has socketlens installed.",
    "Open Settings",
    "Show Output",
  );
  if (choice === "Open Settings") await openSettings();
  if (choice === "Show Output") log.show(true);
}

function createClient(server: ServerCommand): LanguageClient {
  const executable = {
    command: server.command,
    // vscode-languageclient appends "--stdio" for TransportKind.stdio: `... serve --stdio`.
    args: server.args,
    transport: TransportKind.stdio,
    options: { env: server.env ?? process.env },
  };
  const serverOptions: ServerOptions = { run: executable, debug: executable };

  const clientOptions: LanguageClientOptions = {
    documentSelector: LANGUAGES.flatMap((language) => [
      { scheme: "file", language },
      { scheme: "untitled", language },
    ]),
    outputChannel: log,
    traceOutputChannel: log,
    initializationOptions: readSettings(),
    stdioOptions: {
      stdout: (input) => {
        // stdout carries JSON-RPC and is not piped here; kept for the required shape.
        readline.createInterface({ input, crlfDelay: Infinity }).on("line", (l) => log.info(l));
      },
      stderr: (input) => {
        readline.createInterface({ input, crlfDelay: Infinity }).on("line", logServerLine);
      },
    },
    // Converts the JSON arguments of the server's showReferences lenses into VS Code objects.
    middleware: codeLensMiddleware(() => c.protocol2CodeConverter),
    initializationFailedHandler: (error) => {
      log.error(`socketlens server failed to initialize: ${error instanceof Error ? error.message : String(error)}`);
      return false;
    },
  };

  // `c` is read lazily by the code lens middleware above, which runs only once the client has started.
  const c = new LanguageClient(CLIENT_ID, "socketlens", serverOptions, clientOptions);
  c.onNotification(STATUS_NOTIFICATION, (params: StatusParams) => status.update(params));
  c.onDidChangeState((e) => {
    if (e.newState === State.Starting) status.starting();
    if (e.newState === State.Stopped) status.stopped();
  });
  return c;
}

async function doStart(): Promise<void> {
  status.starting();
  const settings = vscode.workspace.getConfiguration("socketlens");
  const located = await locateServer(
    extensionPath,
    {
      serverPath: settings.get<string>("server.path", ""),
      serverPython: settings.get<string>("server.python", ""),
    },
    (m) => log.info(m),
  );
  if (!located.server) {
    await reportNoServer(located.failures);
    return;
  }
  if (located.settingFailures.length > 0) {
    void vscode.window
      .showWarningMessage(
        `socketlens: ${located.settingFailures[0]}. Using ${located.server.source} instead.`,
        "Open Settings",
      )
      .then((c) => (c === "Open Settings" ? openSettings() : undefined));
  }

  const server = located.server;
  log.info(`starting ${server.command} ${[...server.args, "--stdio"].join(" ")}`);
  const c = createClient(server);
  client = c;
  try {
    await c.start();
    log.info(`socketlens server running (${server.source}${server.version ? `, ${server.version}` : ""})`);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    log.error(`could not start the socketlens server: ${message}`);
    status.failed(message);
    const choice = await vscode.window.showErrorMessage(
      `socketlens: the language server (${server.source}) failed to start: ${message}`,
      "Show Output",
      "Open Settings",
    );
    if (choice === "Show Output") log.show(true);
    if (choice === "Open Settings") await openSettings();
  }
}

async function doStop(): Promise<void> {
  const c = client;
  client = undefined;
  if (!c) return;
  try {
    if (c.isRunning()) {
      await c.stop(5000);
    }
  } catch (err) {
    log.warn(`stopping the server: ${err instanceof Error ? err.message : String(err)}`);
  }
  try {
    await c.dispose();
  } catch {
    // already disposed
  }
}

function enqueue(step: () => Promise<void>): Promise<void> {
  lifecycle = lifecycle.then(step, step);
  return lifecycle;
}

export function restart(): Promise<void> {
  return enqueue(async () => {
    log.info("restarting the socketlens server");
    await doStop();
    await doStart();
  });
}

export function activate(context: vscode.ExtensionContext): void {
  extensionPath = context.extensionPath;
  log = vscode.window.createOutputChannel("socketlens", { log: true });
  status = new StatusItem();
  context.subscriptions.push(log, status);

  context.subscriptions.push(
    vscode.commands.registerCommand("socketlens.restartServer", () => restart()),
    vscode.commands.registerCommand("socketlens.showOutput", () => log.show()),
    // Code actions of the server pass one prefill object (see addEvent.ts); the editor context menu
    // passes the document's Uri, which parsePrefill ignores.
    vscode.commands.registerCommand("socketlens.addEvent", (prefill?: unknown) => addEventCommand(() => client, log, prefill)),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration("socketlens")) return;
      if (RESTART_SETTINGS.some((s) => e.affectsConfiguration(s))) {
        void restart();
        return;
      }
      // The server pulls its settings (workspace/configuration, section "socketlens");
      // this tells it to pull again.
      if (client?.isRunning()) {
        void client.sendNotification(DidChangeConfigurationNotification.type, { settings: null }).catch(() => undefined);
      }
    }),
  );

  // Do not block activation on the probes/startup.
  void enqueue(doStart);
}

export async function deactivate(): Promise<void> {
  await enqueue(doStop);
}
