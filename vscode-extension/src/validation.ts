/** Input validation for the Add WebSocket event flow. Pure functions, no vscode import. */

export const EVENT_NAME_PATTERN = /^[a-z][a-z0-9]*([:._-][a-z0-9]+)*$/;

/** Names socket.io reserves (emitting them throws or is silently ignored). */
export const RESERVED_EVENT_NAMES: ReadonlySet<string> = new Set([
  "connect",
  "connect_error",
  "disconnect",
  "disconnecting",
  "newListener",
  "removeListener",
]);

export function validateEventName(value: string, existing: readonly string[]): string | undefined {
  const name = value.trim();
  if (name.length === 0) {
    return "Enter an event name, e.g. lead:new";
  }
  if (RESERVED_EVENT_NAMES.has(name)) {
    return `"${name}" is reserved by socket.io`;
  }
  if (existing.includes(name)) {
    return `"${name}" already exists in this workspace`;
  }
  if (!EVENT_NAME_PATTERN.test(name)) {
    return "Use lower-case words joined by ':', '.', '_' or '-', e.g. lead:new or deal:stage-changed";
  }
  return undefined;
}

/** Splits on commas/semicolons that are not nested inside (), [], {} or <>. */
export function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = "";
  for (const ch of text) {
    if ("([{<".includes(ch)) {
      depth++;
    } else if (")]}>".includes(ch)) {
      depth = Math.max(0, depth - 1);
    }
    if ((ch === "," || ch === ";" || ch === "\n") && depth === 0) {
      parts.push(current);
      current = "";
    } else {
      current += ch;
    }
  }
  parts.push(current);
  return parts.map((p) => p.trim()).filter((p) => p.length > 0);
}

/** "{ leadId: string; name: string }" → "leadId: string, name: string". */
export function normalizePayload(value: string): string {
  let text = value.trim();
  if (text.startsWith("{") && text.endsWith("}")) {
    text = text.slice(1, -1).trim();
  }
  return splitTopLevel(text).join(", ");
}

const FIELD_PATTERN = /^(?:readonly\s+)?[A-Za-z_$][\w$]*\??\s*:\s*\S.*$/s;

export function validatePayload(value: string): string | undefined {
  const normalized = normalizePayload(value);
  if (normalized.length === 0) {
    return "Enter the payload fields, e.g. leadId: string, name: string, score: number";
  }
  let balance = 0;
  for (const ch of normalized) {
    if ("([{<".includes(ch)) balance++;
    if (")]}>".includes(ch)) balance--;
  }
  if (balance !== 0) {
    return "Unbalanced brackets";
  }
  for (const field of splitTopLevel(normalized)) {
    if (!FIELD_PATTERN.test(field)) {
      return `"${field}" is not a "name: type" field`;
    }
  }
  return undefined;
}

export const ROOM_TEMPLATE_PATTERN = /^[A-Za-z][\w-]*(:[\w-]+|:\{[A-Za-z_]\w*\})+$/;

export function validateRoomTemplate(value: string): string | undefined {
  const template = value.trim();
  if (template.length === 0) {
    return "Enter a room template, e.g. deal:{dealId}";
  }
  if (!ROOM_TEMPLATE_PATTERN.test(template)) {
    return "Use prefix:{param} segments, e.g. deal:{dealId} or conversation:{conversationId}";
  }
  return undefined;
}

export const TRIGGER_PATTERN = /^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|ALL)\s+\/\S*$/i;

export function validateTrigger(value: string): string | undefined {
  if (!TRIGGER_PATTERN.test(value.trim())) {
    return "Use METHOD /path, e.g. POST /api/leads";
  }
  return undefined;
}

/** Parses "Python 3.11.7" (stdout or stderr of `python --version`). */
export function parsePythonVersion(output: string): [number, number] | undefined {
  const match = /Python\s+(\d+)\.(\d+)/.exec(output);
  if (!match) {
    return undefined;
  }
  return [Number(match[1]), Number(match[2])];
}

export function isSupportedPython(version: [number, number] | undefined): boolean {
  if (!version) {
    return false;
  }
  const [major, minor] = version;
  return major > 3 || (major === 3 && minor >= 10);
}
