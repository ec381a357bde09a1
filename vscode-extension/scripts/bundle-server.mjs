// Fills server/lib with the socketlens Python package and its dependencies so that the
// extension can run `python3 -m socketlens serve` with PYTHONPATH=<extensionPath>/server/lib.
// Usage: npm run bundle-server [-- --python /path/to/python3]
// The compiled dependencies (tree-sitter, libcst, …) match the Python that runs pip, so the
// bundled .vsix works with that Python minor version (or any, for abi3 wheels) on this platform.
import { execFileSync } from "node:child_process";
import { existsSync, rmSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const repoRoot = path.resolve(root, "..");
const lib = path.join(root, "server", "lib");
const argIndex = process.argv.indexOf("--python");
const python = argIndex > 0 ? process.argv[argIndex + 1] : process.env.PYTHON || "python3";

if (!existsSync(path.join(repoRoot, "pyproject.toml"))) {
  console.error(`no pyproject.toml at ${repoRoot}`);
  process.exit(1);
}
const version = execFileSync(python, ["--version"], { encoding: "utf8" }).trim();
console.log(`bundling socketlens with ${python} (${version}) into ${lib}`);
rmSync(path.join(root, "server"), { recursive: true, force: true });
// setuptools leaves build/ in the source tree; remove it afterwards unless it was already there.
const buildDir = path.join(repoRoot, "build");
const hadBuildDir = existsSync(buildDir);
mkdirSync(lib, { recursive: true });
execFileSync(
  python,
  ["-m", "pip", "install", "--disable-pip-version-check", "--no-compile", "--target", lib, repoRoot],
  { cwd: root, stdio: "inherit" },
);
if (!hadBuildDir) rmSync(buildDir, { recursive: true, force: true });
// Console scripts in lib/bin are useless (their shebang points at the build machine).
rmSync(path.join(lib, "bin"), { recursive: true, force: true });
writeFileSync(
  path.join(root, "server", "README.txt"),
  `socketlens server bundled by "npm run bundle-server" with ${version}.\n` +
    "The extension runs: python3 -m socketlens serve --stdio, with PYTHONPATH=server/lib\n",
);
execFileSync(python, ["-m", "socketlens", "--version"], {
  env: { ...process.env, PYTHONPATH: lib, PYTHONNOUSERSITE: "1" },
  stdio: "inherit",
});
console.log("bundled server answers --version");
