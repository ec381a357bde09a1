/**
 * The custom part of the contract between this extension and the socketlens
 * language server (`socketlens serve --stdio`). Everything else is plain LSP.
 */

/** Request `socketlens/scaffoldOptions` (client → server). */
export const SCAFFOLD_OPTIONS_REQUEST = "socketlens/scaffoldOptions";

/** Server-side executeCommand id that writes the scaffold through workspace/applyEdit. */
export const SCAFFOLD_ADD_EVENT_COMMAND = "socketlens.scaffold.addEvent";

/** Notification `socketlens/status` (server → client). */
export const STATUS_NOTIFICATION = "socketlens/status";

export interface ScaffoldOptionsParams {
  textDocument?: { uri: string };
  position?: { line: number; character: number };
}

export interface ScaffoldRoute {
  method: string;
  path: string;
  file: string;
  uri: string;
  /** 0-based line of the route handler. */
  line: number;
  /** e.g. "POST /api/leads" — also the `trigger` value sent back. */
  label: string;
  /** True when the position sent in the request lies inside this route's handler. */
  containsPosition: boolean;
}

export type ScopeKind = "user" | "org" | "room";

export interface ScaffoldScope {
  scope: ScopeKind;
  template: string;
  description: string;
}

export interface ScaffoldConsumer {
  label: string;
  file: string;
  uri: string;
}

export interface ScaffoldOptions {
  routes: ScaffoldRoute[];
  scopes: ScaffoldScope[];
  consumers: ScaffoldConsumer[];
  /** Event names that already exist in the workspace. */
  events: string[];
  namingHint: string;
}

/**
 * What `socketlens.scaffold.addEvent` builds: the whole event, or one missing piece of an event that is
 * already declared ("emit": the emit in a route; "consumer": the listener hook in a component).
 */
export type ScaffoldPart = "declare" | "emit" | "consumer";
export const SCAFFOLD_PARTS: readonly ScaffoldPart[] = ["declare", "emit", "consumer"];

/** The single argument of `socketlens.scaffold.addEvent`. */
export interface AddEventArguments {
  name: string;
  payload: string;
  /** Needed when the emit is part of the scaffold. */
  scope?: ScopeKind;
  roomTemplate?: string;
  /** A route label such as "POST /api/leads"; needed when the emit is part of the scaffold. */
  trigger?: string;
  /** Workspace-relative file of the trigger route, when the label alone is ambiguous. */
  triggerFile?: string;
  /** Workspace-relative file of the consumer component. */
  consumer?: string;
  /** Omitted: the whole scaffold. */
  parts?: ScaffoldPart[];
  /** A document (or folder) URI: tells a multi-root server which folder to write into. */
  uri?: string;
}

/**
 * The argument the server's code actions pass to the client command `socketlens.addEvent`
 * ("Add WebSocket event…", "Add WebSocket event emitted by POST /api/leads…", "Add emit for X…",
 * "Add listener hook for X…"). Every field answers one prompt, which is then skipped.
 */
export interface AddEventPrefill {
  uri?: string;
  name?: string;
  payload?: string;
  trigger?: string;
  triggerFile?: string;
  parts?: ScaffoldPart[];
}

export interface AddEventResult {
  applied: boolean;
  message: string;
  /** false when nothing was applied because everything asked for already exists (idempotent re-run). */
  refused?: boolean;
  files: { uri: string; created: boolean }[];
  emitLocation?: {
    uri: string;
    range: {
      start: { line: number; character: number };
      end: { line: number; character: number };
    };
  };
}

export interface StatusParams {
  state: "indexing" | "ready";
  events: number;
  files: number;
}
