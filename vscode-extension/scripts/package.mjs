// `vsce package --no-dependencies` → socketlens-<version>.vsix.
// @vscode/vsce is pinned to 3.9.1, whose engines say node >= 20 (4.x needs node >= 22).
// The bundle is built in production mode first so the .vsix never ships a stale or dev build.
import { execFileSync } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const pkg = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8"));
const out = `${pkg.name}-${pkg.version}.vsix`;
const require = createRequire(import.meta.url);
const vsce = path.join(path.dirname(require.resolve("@vscode/vsce/package.json")), "vsce");

execFileSync(process.execPath, ["scripts/build.mjs", "--production"], { cwd: root, stdio: "inherit" });
execFileSync(
  process.execPath,
  [vsce, "package", "--no-dependencies", "--allow-missing-repository", "--out", out],
  { cwd: root, stdio: "inherit" },
);
console.log(`${out}: ${(statSync(path.join(root, out)).size / 1024).toFixed(1)} KiB`);
