/**
 * "socketlens: Add WebSocket event" — gathers the answers in VS Code, then asks the server
 * (executeCommand `socketlens.scaffold.addEvent`) to write the files through workspace/applyEdit.
 * Escape at any step cancels and nothing is written.
 */
import * as vscode from "vscode";
import { ExecuteCommandRequest, type LanguageClient } from "vscode-languageclient/node";
import {
  SCAFFOLD_ADD_EVENT_COMMAND,
  SCAFFOLD_OPTIONS_REQUEST,
  type AddEventArguments,
  type AddEventResult,
  type ScaffoldOptions,
  type ScaffoldOptionsParams,
  type ScaffoldScope,
  type ScopeKind,
} from "./protocol";
import { normalizePayload, validateEventName, validatePayload, validateRoomTemplate, validateTrigger } from "./validation";

const TITLE = "socketlens: Add WebSocket event";
const DEFAULT_ROOM_TEMPLATE = "deal:{dealId}";

const FALLBACK_SCOPES: ScaffoldScope[] = [
  { scope: "org", template: "org:{orgId}", description: "every member of the organization" },
  { scope: "user", template: "user:{userId}", description: "a single user" },
  { scope: "room", template: DEFAULT_ROOM_TEMPLATE, description: "a specific room (deal, conversation, …)" },
];

interface PickItem<T> extends vscode.QuickPickItem {
  value: T;
}

/** A single-select quick pick that can preselect (focus) an item; undefined on Escape. */
function pickOne<T>(
  items: PickItem<T>[],
  options: { title: string; placeholder: string; step: number; totalSteps: number; active?: PickItem<T> },
): Promise<PickItem<T> | undefined> {
  return new Promise((resolve) => {
    const qp = vscode.window.createQuickPick<PickItem<T>>();
    qp.title = options.title;
    qp.placeholder = options.placeholder;
    qp.step = options.step;
    qp.totalSteps = options.totalSteps;
    qp.items = items;
    qp.matchOnDescription = true;
    qp.matchOnDetail = true;
    qp.ignoreFocusOut = true;
    if (options.active) {
      qp.activeItems = [options.active];
    }
    let done = false;
    qp.onDidAccept(() => {
      const chosen = qp.selectedItems[0] ?? qp.activeItems[0];
      if (!chosen) return;
      done = true;
      resolve(chosen);
      qp.hide();
    });
    qp.onDidHide(() => {
      if (!done) resolve(undefined);
      qp.dispose();
    });
    qp.show();
  });
}

function toParams(editor: vscode.TextEditor | undefined): ScaffoldOptionsParams {
  if (!editor) return {};
  const pos = editor.selection.active;
  return {
    textDocument: { uri: editor.document.uri.toString() },
    position: { line: pos.line, character: pos.character },
  };
}

function asArray<T>(value: unknown): T[] {
  return Array.isArray(value) ? (value as T[]) : [];
}

export function normalizeOptions(raw: unknown): ScaffoldOptions {
  const o = (raw ?? {}) as Partial<ScaffoldOptions>;
  return {
    routes: asArray(o.routes),
    scopes: asArray(o.scopes),
    consumers: asArray(o.consumers),
    events: asArray<string>(o.events).filter((e) => typeof e === "string"),
    namingHint: typeof o.namingHint === "string" ? o.namingHint : "",
  };
}

export async function gatherAnswers(options: ScaffoldOptions): Promise<AddEventArguments | undefined> {
  const totalSteps = options.consumers.length > 0 ? 5 : 4;

  // 1. event name
  const rawName = await vscode.window.showInputBox({
    title: `${TITLE} (1/${totalSteps})`,
    prompt: options.namingHint || "Event name: lower-case words joined by ':', e.g. lead:new",
    placeHolder: "lead:new",
    ignoreFocusOut: true,
    validateInput: (v) => validateEventName(v, options.events),
  });
  if (rawName === undefined) return undefined;
  const name = rawName.trim();

  // 2. payload
  const rawPayload = await vscode.window.showInputBox({
    title: `${TITLE} (2/${totalSteps})`,
    prompt: `Payload of "${name}" as TypeScript fields`,
    placeHolder: "leadId: string, name: string, score: number",
    ignoreFocusOut: true,
    validateInput: validatePayload,
  });
  if (rawPayload === undefined) return undefined;
  const payload = normalizePayload(rawPayload);

  // 3. scope
  const scopes = options.scopes.length > 0 ? options.scopes : FALLBACK_SCOPES;
  const scopeItems: PickItem<ScaffoldScope>[] = scopes.map((s) => ({
    label: s.scope,
    description: s.template,
    detail: s.description,
    value: s,
  }));
  const scopeItem = await pickOne(scopeItems, {
    title: TITLE,
    placeholder: `Who receives "${name}"?`,
    step: 3,
    totalSteps,
  });
  if (!scopeItem) return undefined;
  const scope: ScopeKind = scopeItem.value.scope;

  let roomTemplate: string | undefined;
  if (scope === "room") {
    const rawTemplate = await vscode.window.showInputBox({
      title: `${TITLE} (3/${totalSteps})`,
      prompt: "Room name template; {param} parts are filled in at the emit",
      value: DEFAULT_ROOM_TEMPLATE,
      valueSelection: [0, DEFAULT_ROOM_TEMPLATE.length],
      ignoreFocusOut: true,
      validateInput: validateRoomTemplate,
    });
    if (rawTemplate === undefined) return undefined;
    roomTemplate = rawTemplate.trim();
  }

  // 4. trigger route
  let trigger: string;
  if (options.routes.length > 0) {
    const routeItems: PickItem<string>[] = options.routes.map((r) => ({
      label: r.label || `${r.method} ${r.path}`,
      description: `${r.file}:${r.line + 1}`,
      detail: r.containsPosition ? "$(target) the cursor is inside this route" : undefined,
      value: r.label || `${r.method} ${r.path}`,
    }));
    const activeIndex = options.routes.findIndex((r) => r.containsPosition);
    const routeItem = await pickOne(routeItems, {
      title: TITLE,
      placeholder: `Which API mutation emits "${name}"?`,
      step: 4,
      totalSteps,
      active: activeIndex >= 0 ? routeItems[activeIndex] : undefined,
    });
    if (!routeItem) return undefined;
    trigger = routeItem.value;
  } else {
    const rawTrigger = await vscode.window.showInputBox({
      title: `${TITLE} (4/${totalSteps})`,
      prompt: "No API routes were found. Which mutation emits the event?",
      placeHolder: "POST /api/leads",
      ignoreFocusOut: true,
      validateInput: validateTrigger,
    });
    if (rawTrigger === undefined) return undefined;
    trigger = rawTrigger.trim().replace(/\s+/, " ");
  }

  // 5. consumer (optional)
  let consumer: string | undefined;
  if (options.consumers.length > 0) {
    const none: PickItem<string | undefined> = {
      label: "No consumer",
      description: "only add the event type, the emit and the hook",
      value: undefined,
    };
    const consumerItems: PickItem<string | undefined>[] = [
      none,
      ...options.consumers.map((c) => ({ label: c.label, description: c.file, value: c.file })),
    ];
    const consumerItem = await pickOne(consumerItems, {
      title: TITLE,
      placeholder: `Which component listens to "${name}"? (optional)`,
      step: 5,
      totalSteps,
      active: none,
    });
    if (!consumerItem) return undefined;
    consumer = consumerItem.value;
  }

  const args: AddEventArguments = { name, payload, scope, trigger };
  if (roomTemplate !== undefined) args.roomTemplate = roomTemplate;
  if (consumer !== undefined) args.consumer = consumer;
  return args;
}

function describeError(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

export async function addEventCommand(
  getClient: () => LanguageClient | undefined,
  log: vscode.LogOutputChannel,
): Promise<void> {
  const client = getClient();
  if (!client || !client.isRunning()) {
    const choice = await vscode.window.showErrorMessage(
      "socketlens: the language server is not running, so no event can be added.",
      "Show Output",
      "Restart Server",
    );
    if (choice === "Show Output") log.show();
    if (choice === "Restart Server") await vscode.commands.executeCommand("socketlens.restartServer");
    return;
  }

  const editor = vscode.window.activeTextEditor;
  let options: ScaffoldOptions;
  try {
    const raw = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: "socketlens: reading routes and events" },
      () => client.sendRequest<unknown>(SCAFFOLD_OPTIONS_REQUEST, toParams(editor)),
    );
    options = normalizeOptions(raw);
  } catch (err) {
    log.error(`${SCAFFOLD_OPTIONS_REQUEST} failed: ${describeError(err)}`);
    void vscode.window.showErrorMessage(`socketlens: could not read the scaffold options: ${describeError(err)}`);
    return;
  }
  log.info(
    `scaffold options: ${options.routes.length} routes, ${options.scopes.length} scopes, ` +
      `${options.consumers.length} consumers, ${options.events.length} existing events`,
  );

  const args = await gatherAnswers(options);
  if (!args) {
    log.info("Add WebSocket event cancelled; nothing written");
    return;
  }
  log.info(`${SCAFFOLD_ADD_EVENT_COMMAND} ${JSON.stringify(args)}`);

  let result: AddEventResult;
  try {
    const raw: unknown = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `socketlens: adding "${args.name}"…` },
      () =>
        client.sendRequest(ExecuteCommandRequest.type, {
          command: SCAFFOLD_ADD_EVENT_COMMAND,
          arguments: [args],
        }),
    );
    result = (raw ?? { applied: false, message: "the server returned nothing", files: [] }) as AddEventResult;
  } catch (err) {
    log.error(`${SCAFFOLD_ADD_EVENT_COMMAND} failed: ${describeError(err)}`);
    void vscode.window.showErrorMessage(`socketlens: adding "${args.name}" failed: ${describeError(err)}`);
    return;
  }

  if (!result.applied) {
    log.warn(`scaffold not applied: ${result.message}`);
    void vscode.window.showWarningMessage(`socketlens: "${args.name}" was not added: ${result.message || "no reason given"}`);
    return;
  }

  const files = asArray<{ uri: string; created: boolean }>(result.files);
  const listed = files
    .map((f) => `${vscode.workspace.asRelativePath(vscode.Uri.parse(f.uri))}${f.created ? " (new)" : ""}`)
    .join(", ");
  log.info(`scaffold applied: ${result.message}; files: ${listed}`);

  if (result.emitLocation) {
    try {
      const uri = client.protocol2CodeConverter.asUri(result.emitLocation.uri);
      const range = client.protocol2CodeConverter.asRange(result.emitLocation.range);
      const doc = await vscode.workspace.openTextDocument(uri);
      await vscode.window.showTextDocument(doc, { selection: range, preview: false });
    } catch (err) {
      log.warn(`could not open the emit location: ${describeError(err)}`);
    }
  }
  const text = `socketlens: added "${args.name}"${listed ? ` — changed ${listed}` : ""}${
    result.message ? `. ${result.message}` : ""
  }`;
  void vscode.window.showInformationMessage(text);
}
