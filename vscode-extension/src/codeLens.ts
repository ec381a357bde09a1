/**
 * The server's code lenses run `editor.action.showReferences` with plain JSON arguments
 * (uri string, LSP position, LSP locations) because JSON-RPC cannot carry anything else; VS Code's
 * command needs real `Uri`, `Position` and `Location` objects and throws otherwise. This middleware
 * converts them with the client's protocol converter before VS Code sees the lens.
 */
import type * as vscode from "vscode";
import type { Middleware } from "vscode-languageclient/node";
import type * as lsp from "vscode-languageclient/node";

export const SHOW_REFERENCES = "editor.action.showReferences";

/** The part of `client.protocol2CodeConverter` this module needs. */
export interface LensConverter {
  asUri(value: string): vscode.Uri;
  asPosition(value: lsp.Position): vscode.Position;
  asLocation(value: lsp.Location): vscode.Location;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

function isLspPosition(value: unknown): value is lsp.Position {
  return isRecord(value) && typeof value.line === "number" && typeof value.character === "number";
}

function isLspLocation(value: unknown): value is lsp.Location {
  if (!isRecord(value) || typeof value.uri !== "string" || !isRecord(value.range)) return false;
  return isLspPosition(value.range.start) && isLspPosition(value.range.end);
}

/** A copy of the lens with showReferences arguments as VS Code objects; other lenses are returned as they are. */
export function convertLens(lens: vscode.CodeLens, converter: LensConverter): vscode.CodeLens {
  const command = lens.command;
  if (!command || command.command !== SHOW_REFERENCES || !Array.isArray(command.arguments)) return lens;
  const [uri, position, locations] = command.arguments as unknown[];
  // Only the JSON shape the server sends; anything else (already converted, or unexpected) is left alone.
  if (typeof uri !== "string" || !isLspPosition(position) || !Array.isArray(locations) || !locations.every(isLspLocation)) {
    return lens;
  }
  lens.command = {
    ...command,
    arguments: [converter.asUri(uri), converter.asPosition(position), locations.map((l) => converter.asLocation(l))],
  };
  return lens;
}

/**
 * languageclient middleware for code lenses. `converter` is read lazily because the middleware is
 * created before the LanguageClient that owns the converter.
 */
export function codeLensMiddleware(converter: () => LensConverter | undefined): Middleware {
  const convert = (lens: vscode.CodeLens | null | undefined): vscode.CodeLens | null | undefined => {
    const c = converter();
    return lens && c ? convertLens(lens, c) : lens;
  };
  return {
    provideCodeLenses: async (document, token, next) => {
      const lenses = await next(document, token);
      return lenses?.map((lens) => convert(lens) ?? lens);
    },
    resolveCodeLens: async (lens, token, next) => convert(await next(lens, token)),
  };
}
