import * as vscode from "vscode";
import type { StatusParams } from "./protocol";

/** `$(plug) socketlens: N events`, spinning while the server indexes; click → output. */
export class StatusItem implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;

  constructor() {
    this.item = vscode.window.createStatusBarItem("socketlens.status", vscode.StatusBarAlignment.Left, 10);
    this.item.name = "socketlens";
    this.item.command = "socketlens.showOutput";
    this.starting();
    this.item.show();
  }

  starting(): void {
    this.item.text = "$(sync~spin) socketlens: starting";
    this.item.tooltip = "socketlens language server is starting — click to show output";
    this.item.backgroundColor = undefined;
  }

  update(status: StatusParams): void {
    const events = Number.isFinite(status.events) ? status.events : 0;
    const files = Number.isFinite(status.files) ? status.files : 0;
    const noun = events === 1 ? "event" : "events";
    if (status.state === "indexing") {
      this.item.text = `$(sync~spin) socketlens: indexing`;
      this.item.tooltip = `socketlens is indexing the workspace (${files} files, ${events} ${noun} so far) — click to show output`;
    } else {
      this.item.text = `$(plug) socketlens: ${events} ${noun}`;
      this.item.tooltip = `socketlens: ${events} socket.io ${noun} in ${files} files — click to show output`;
    }
    this.item.backgroundColor = undefined;
  }

  failed(reason: string): void {
    this.item.text = "$(error) socketlens";
    this.item.tooltip = `socketlens language server is not running: ${reason} — click to show output`;
    this.item.backgroundColor = new vscode.ThemeColor("statusBarItem.errorBackground");
  }

  stopped(): void {
    this.item.text = "$(debug-disconnect) socketlens: stopped";
    this.item.tooltip = "socketlens language server stopped — click to show output";
    this.item.backgroundColor = undefined;
  }

  dispose(): void {
    this.item.dispose();
  }
}
