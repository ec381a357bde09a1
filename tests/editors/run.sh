#!/usr/bin/env bash
# Smoke-tests the socketlens language server in real editors, headless: Neovim (nvim_smoke.lua) and
# Emacs + eglot (eglot_smoke.el). Each opens a scratch copy of tests/fixtures/monorepo, asks for the
# definition of "lead:new" in apps/api/src/routes/leads.ts (must land in LeadList.tsx) and waits for the
# unscoped-broadcast warning on apps/api/src/routes/admin.ts.
#
#   apt-get install -y neovim emacs-nox elpa-eglot     # Debian 12: nvim 0.7.2, Emacs 28.2, eglot 1.9
#   tests/editors/run.sh                                # SOCKETLENS_CMD=/path/to/socketlens to override
#
# Exit status 0 only if every editor that is installed passes; a missing editor is reported as SKIP.
set -u
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
export SOCKETLENS_CMD="${SOCKETLENS_CMD:-$(command -v socketlens || echo /tmp/venv/bin/socketlens)}"

scratch="$(mktemp -d /tmp/socketlens-editors.XXXXXX)"
trap 'rm -rf "$scratch"' EXIT
# Nothing of the editors' state, logs or caches lands in the home folder.
export HOME="$scratch/home" XDG_CONFIG_HOME="$scratch/config" XDG_DATA_HOME="$scratch/data" \
       XDG_CACHE_HOME="$scratch/cache" XDG_STATE_HOME="$scratch/state" SOCKETLENS_CACHE_DIR="$scratch/socketlens-cache"
mkdir -p "$HOME"

echo "server: $SOCKETLENS_CMD ($("$SOCKETLENS_CMD" --version 2>&1))"
status=0

run_editor() { # name, fixture copy, command...
  local name="$1" fixture="$2"; shift 2
  local log="$scratch/$name.log"
  ( cd "$here" && SOCKETLENS_FIXTURE="$fixture" timeout 180 "$@" ) >"$log" 2>"$log.stderr"
  local rc=$?
  cat "$log"
  if [ "$rc" -eq 0 ] && grep -q "all checks passed" "$log"; then
    echo "PASS $name"
  else
    echo "FAIL $name (exit $rc); stderr:"; sed 's/^/    /' "$log.stderr" | tail -20
    status=1
  fi
}

if command -v nvim >/dev/null; then
  # No .git in this copy: the snippet falls back to the outermost package.json as the root.
  cp -r "$repo/tests/fixtures/monorepo" "$scratch/nvim-monorepo"
  run_editor nvim "$scratch/nvim-monorepo" nvim --headless --clean -c 'luafile nvim_smoke.lua'
else
  echo "SKIP nvim (not installed)"
fi

if command -v emacs >/dev/null; then
  # eglot takes its root from project.el, i.e. the repository: make the scratch copy one.
  cp -r "$repo/tests/fixtures/monorepo" "$scratch/eglot-monorepo"
  git -C "$scratch/eglot-monorepo" init -q
  run_editor eglot "$scratch/eglot-monorepo" emacs --batch -q -l eglot_smoke.el
else
  echo "SKIP eglot (emacs not installed)"
fi

[ "$status" -eq 0 ] && echo "PASS all editors" || echo "FAIL"
exit "$status"
