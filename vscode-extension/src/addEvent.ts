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
  SCAFFOLD_PARTS,
  type AddEventArguments,
  type AddEventPrefill,
  type AddEventResult,
  type ScaffoldOptions,
  type ScaffoldOptionsParams,
  type ScaffoldRoute,
  type ScaffoldScope,
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

/** The document the options are asked for: the code action's document, else the active editor's. */
function toParams(editor: vscode.TextEditor | undefined, prefillUri: string | undefined): ScaffoldOptionsParams {
  const editorUri = editor?.document.uri.toString();
  if (prefillUri && prefillUri !== editorUri) return { textDocument: { uri: prefillUri } };
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

/** The code-action argument, if `raw` is one; the context menu passes a Uri and the palette nothing. */
export function parsePrefill(raw: unknown): AddEventPrefill {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw) || raw instanceof vscode.Uri) return {};
  const o = raw as Record<string, unknown>;
  const text = (key: string): string | undefined => (typeof o[key] === "string" ? o[key] : undefined);
  const prefill: AddEventPrefill = {};
  const uri = text("uri");
  const name = text("name")?.trim();
  const payload = text("payload");
  const trigger = text("trigger")?.trim();
  const triggerFile = text("triggerFile");
  if (uri) prefill.uri = uri;
  if (name) prefill.name = name;
  if (payload !== undefined) prefill.payload = payload;
  if (trigger) prefill.trigger = trigger;
  if (triggerFile) prefill.triggerFile = triggerFile;
  if (Array.isArray(o.parts)) {
    const parts = SCAFFOLD_PARTS.filter((p) => (o.parts as unknown[]).includes(p));
    if (parts.length > 0) prefill.parts = parts;
  }
  return prefill;
}

/** Numbers the prompts that will actually be shown, so "(2/3)" stays true when prefilled steps are skipped. */
class StepCounter {
  private current = 0;
  constructor(readonly total: number) {}
  next(): number {
    this.current += 1;
    return this.current;
  }
}

export async function gatherAnswers(
  options: ScaffoldOptions,
  prefill: AddEventPrefill = {},
): Promise<AddEventArguments | undefined> {
  const parts = prefill.parts ?? [...SCAFFOLD_PARTS];
  const declares = parts.includes("declare");
  const emits = parts.includes("emit");
  const listens = parts.includes("consumer");
  // Without "declare" the event exists and its payload is the declared one: the prefill is final.
  const payloadGiven = prefill.payload !== undefined && (!declares || validatePayload(prefill.payload) === undefined);
  const asksTrigger = emits && !prefill.trigger;
  // The whole scaffold offers the consumer only when there are components to choose from; the
  // "Add listener hook" piece always needs one.
  const asksConsumer = listens && (!declares || options.consumers.length > 0);
  const steps = new StepCounter(
    [!prefill.name, !payloadGiven, emits, asksTrigger, asksConsumer].filter(Boolean).length,
  );
  const numbered = (step: number) => `${TITLE} (${step}/${steps.total})`;

  // 1. event name
  let name: string;
  if (prefill.name) {
    name = prefill.name;
  } else {
    const rawName = await vscode.window.showInputBox({
      title: numbered(steps.next()),
      prompt: options.namingHint || "Event name: lower-case words joined by ':', e.g. lead:new",
      placeHolder: "lead:new",
      ignoreFocusOut: true,
      validateInput: (v) => validateEventName(v, options.events),
    });
    if (rawName === undefined) return undefined;
    name = rawName.trim();
  }

  // 2. payload
  let payload: string;
  if (payloadGiven) {
    payload = declares ? normalizePayload(prefill.payload ?? "") : (prefill.payload ?? "");
  } else {
    const rawPayload = await vscode.window.showInputBox({
      title: numbered(steps.next()),
      prompt: `Payload of "${name}" as TypeScript fields`,
      placeHolder: "leadId: string, name: string, score: number",
      value: prefill.payload,
      ignoreFocusOut: true,
      validateInput: validatePayload,
    });
    if (rawPayload === undefined) return undefined;
    payload = normalizePayload(rawPayload);
  }

  const args: AddEventArguments = { name, payload };
  if (prefill.parts) args.parts = prefill.parts;
  if (prefill.uri) args.uri = prefill.uri;

  if (emits) {
    // 3. scope (and the room template of a "room" scope)
    const scopes = options.scopes.length > 0 ? options.scopes : FALLBACK_SCOPES;
    const scopeItems: PickItem<ScaffoldScope>[] = scopes.map((s) => ({
      label: s.scope,
      description: s.template,
      detail: s.description,
      value: s,
    }));
    const scopeStep = steps.next();
    const scopeItem = await pickOne(scopeItems, {
      title: TITLE,
      placeholder: `Who receives "${name}"?`,
      step: scopeStep,
      totalSteps: steps.total,
    });
    if (!scopeItem) return undefined;
    args.scope = scopeItem.value.scope;

    if (args.scope === "room") {
      const rawTemplate = await vscode.window.showInputBox({
        title: numbered(scopeStep),
        prompt: "Room name template; {param} parts are filled in at the emit",
        value: DEFAULT_ROOM_TEMPLATE,
        valueSelection: [0, DEFAULT_ROOM_TEMPLATE.length],
        ignoreFocusOut: true,
        validateInput: validateRoomTemplate,
      });
      if (rawTemplate === undefined) return undefined;
      args.roomTemplate = rawTemplate.trim();
    }

    // 4. trigger route
    if (prefill.trigger) {
      args.trigger = prefill.trigger;
      if (prefill.triggerFile) args.triggerFile = prefill.triggerFile;
    } else {
      const route = await pickTrigger(options, name, steps.next(), steps.total);
      if (!route) return undefined;
      args.trigger = route.trigger;
      if (route.triggerFile) args.triggerFile = route.triggerFile;
    }
  }

  // 5. consumer
  if (asksConsumer) {
    const consumer = declares
      ? await pickOptionalConsumer(options, name, steps.next(), steps.total)
      : await pickRequiredConsumer(options, name, steps.next(), steps.total);
    if (consumer === undefined) return undefined;
    if (consumer !== NO_CONSUMER) args.consumer = consumer;
  }
  return args;
}

async function pickTrigger(
  options: ScaffoldOptions,
  name: string,
  step: number,
  totalSteps: number,
): Promise<{ trigger: string; triggerFile?: string } | undefined> {
  if (options.routes.length === 0) {
    const rawTrigger = await vscode.window.showInputBox({
      title: `${TITLE} (${step}/${totalSteps})`,
      prompt: "No API routes were found. Which mutation emits the event?",
      placeHolder: "POST /api/leads",
      ignoreFocusOut: true,
      validateInput: validateTrigger,
    });
    if (rawTrigger === undefined) return undefined;
    return { trigger: rawTrigger.trim().replace(/\s+/, " ") };
  }
  const label = (r: ScaffoldRoute) => r.label || `${r.method} ${r.path}`;
  // The same label in two files is ambiguous for the server: send the file along.
  const ambiguous = (r: ScaffoldRoute) => options.routes.filter((o) => label(o) === label(r)).length > 1;
  const routeItems: PickItem<{ trigger: string; triggerFile?: string }>[] = options.routes.map((r) => ({
    label: label(r),
    description: `${r.file}:${r.line + 1}`,
    detail: r.containsPosition ? "$(target) the cursor is inside this route" : undefined,
    value: ambiguous(r) ? { trigger: label(r), triggerFile: r.file } : { trigger: label(r) },
  }));
  const activeIndex = options.routes.findIndex((r) => r.containsPosition);
  const routeItem = await pickOne(routeItems, {
    title: TITLE,
    placeholder: `Which API mutation emits "${name}"?`,
    step,
    totalSteps,
    active: activeIndex >= 0 ? routeItems[activeIndex] : undefined,
  });
  return routeItem?.value;
}

/** Marks "No consumer" apart from undefined, which means cancelled. */
const NO_CONSUMER = Symbol("no consumer");

async function pickOptionalConsumer(
  options: ScaffoldOptions,
  name: string,
  step: number,
  totalSteps: number,
): Promise<string | typeof NO_CONSUMER | undefined> {
  const none: PickItem<string | typeof NO_CONSUMER> = {
    label: "No consumer",
    description: "only add the event type, the emit and the hook",
    value: NO_CONSUMER,
  };
  const consumerItems: PickItem<string | typeof NO_CONSUMER>[] = [
    none,
    ...options.consumers.map((c) => ({ label: c.label, description: c.file, value: c.file })),
  ];
  const consumerItem = await pickOne(consumerItems, {
    title: TITLE,
    placeholder: `Which component listens to "${name}"? (optional)`,
    step,
    totalSteps,
    active: none,
  });
  return consumerItem?.value;
}

async function pickRequiredConsumer(
  options: ScaffoldOptions,
  name: string,
  step: number,
  totalSteps: number,
): Promise<string | undefined> {
  if (options.consumers.length === 0) {
    const rawFile = await vscode.window.showInputBox({
      title: `${TITLE} (${step}/${totalSteps})`,
      prompt: `No components were found. Workspace-relative file of the component that listens to "${name}"`,
      placeHolder: "apps/web/src/components/LeadList.tsx",
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim() ? undefined : "Enter a file path, e.g. apps/web/src/components/LeadList.tsx"),
    });
    return rawFile === undefined ? undefined : rawFile.trim();
  }
  const items: PickItem<string>[] = options.consumers.map((c) => ({ label: c.label, description: c.file, value: c.file }));
  const item = await pickOne(items, {
    title: TITLE,
    placeholder: `Which component listens to "${name}"?`,
    step,
    totalSteps,
  });
  return item?.value;
}

function describeError(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

export async function addEventCommand(
  getClient: () => LanguageClient | undefined,
  log: vscode.LogOutputChannel,
  rawPrefill?: unknown,
): Promise<void> {
  const prefill = parsePrefill(rawPrefill);
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
      () => client.sendRequest<unknown>(SCAFFOLD_OPTIONS_REQUEST, toParams(editor, prefill.uri)),
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

  if (Object.keys(prefill).length > 0) log.info(`prefilled by the code action: ${JSON.stringify(prefill)}`);
  const args = await gatherAnswers(options, prefill);
  if (!args) {
    log.info("Add WebSocket event cancelled; nothing written");
    return;
  }
  // Tells a multi-root server which folder to write into (a single folder is used anyway).
  if (!args.uri && editor?.document.uri.scheme === "file") args.uri = editor.document.uri.toString();
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

  if (!result.applied && result.refused === false) {
    log.info(`scaffold: nothing to do: ${result.message}`);
    void vscode.window.showInformationMessage(`socketlens: "${args.name}" is already in place: ${result.message}`);
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
