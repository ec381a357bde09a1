-- Headless Neovim smoke test for the socketlens language server (Neovim 0.7+, uses the 0.7 API).
-- Run by run.sh:  SOCKETLENS_FIXTURE=<copy of the monorepo> nvim --headless --clean -c 'luafile nvim_smoke.lua'
-- Prints one "PASS ..." / "FAIL ..." line per check and exits 0 only if all pass.

local fixture = assert(os.getenv("SOCKETLENS_FIXTURE"), "set SOCKETLENS_FIXTURE")
local cmd = { os.getenv("SOCKETLENS_CMD") or "socketlens", "serve", "--stdio" }
local failures = 0

local function out(line) io.stdout:write(line .. "\n") end
local function check(ok, what, detail)
  if ok then out("PASS nvim: " .. what) else failures = failures + 1; out("FAIL nvim: " .. what) end
  if detail then out("     " .. detail) end
end

-- ---- The configuration from docs/editors.md ("Neovim 0.7 to 0.9"), verbatim. ----
local function socketlens_root(bufnr)
  local dir = vim.fn.fnamemodify(vim.api.nvim_buf_get_name(bufnr), ":p:h")
  for _, marker in ipairs({ "pnpm-workspace.yaml", ".git" }) do
    local found = vim.fn.findfile(marker, dir .. ";")
    if found == "" then found = vim.fn.finddir(marker, dir .. ";") end
    if found ~= "" then return vim.fn.fnamemodify(found, ":p:h") end
  end
  -- No workspace file or repository: the outermost package.json is the monorepo root.
  local all = vim.fn.findfile("package.json", dir .. ";", -1)
  if #all > 0 then return vim.fn.fnamemodify(all[#all], ":p:h") end
  return dir
end

local socketlens_clients = {} -- root -> client id
vim.api.nvim_create_autocmd("FileType", {
  pattern = { "typescript", "typescriptreact", "javascript", "javascriptreact" },
  callback = function(args)
    local root = socketlens_root(args.buf)
    local id = socketlens_clients[root]
    if not id then
      id = vim.lsp.start_client({
        name = "socketlens",
        cmd = cmd, -- { "socketlens", "serve", "--stdio" }
        root_dir = root,
        workspace_folders = { { uri = vim.uri_from_fname(root), name = root } },
        init_options = { socketlens = { hooks = { "useSocketEvent" } } },
        settings = { socketlens = { rules = { ["unscoped-broadcast"] = "error" } } },
        -- Neovim 0.7 neither answers workspace/configuration nor sends `settings` by itself: push them.
        on_init = function(client)
          client.notify("workspace/didChangeConfiguration", { settings = client.config.settings })
        end,
      })
      socketlens_clients[root] = id
    end
    vim.lsp.buf_attach_client(args.buf, id)
  end,
})
-- ---- end of the documented configuration ----

out("nvim " .. tostring(vim.version().major) .. "." .. tostring(vim.version().minor) .. "." .. tostring(vim.version().patch))

-- 1. Definition on "lead:new" in emit("lead:new", ...) lands in LeadList.tsx.
vim.cmd("edit " .. fixture .. "/apps/api/src/routes/leads.ts")
local buf = vim.api.nvim_get_current_buf()
check(vim.bo[buf].filetype == "typescript", "filetype of leads.ts is typescript (got " .. vim.bo[buf].filetype .. ")")
local attached = vim.wait(20000, function() return next(vim.lsp.buf_get_clients(buf)) ~= nil end, 50)
check(attached, "socketlens attached to leads.ts")

local row, col
for i, line in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
  local s = line:find('emit("lead:new"', 1, true)
  if s then row, col = i - 1, s - 1 + #'emit("' + 1 end -- 0-based, inside the string
end
check(row ~= nil, "found emit(\"lead:new\" in leads.ts")

local params = {
  textDocument = { uri = vim.uri_from_bufnr(buf) },
  position = { line = row or 0, character = col or 0 },
}
-- The first request may arrive while the workspace is still being indexed; retry until it answers.
local locations, last_err
vim.wait(30000, function()
  local responses, err = vim.lsp.buf_request_sync(buf, "textDocument/definition", params, 10000)
  last_err = err
  for _, response in pairs(responses or {}) do
    local result = response.result
    if result and result.uri then result = { result } end
    if result and #result > 0 then locations = result; return true end
  end
  return false
end, 500)
local targets = {}
for _, loc in ipairs(locations or {}) do
  local uri = loc.uri or loc.targetUri
  local range = loc.range or loc.targetSelectionRange
  table.insert(targets, string.format("%s:%d:%d", vim.uri_to_fname(uri):sub(#fixture + 2), range.start.line + 1, range.start.character + 1))
end
local lands = false
for _, t in ipairs(targets) do
  if t:find("apps/web/src/components/LeadList.tsx", 1, true) then lands = true end
end
check(lands, "definition of \"lead:new\" lands in apps/web/src/components/LeadList.tsx",
  "definition -> " .. (#targets > 0 and table.concat(targets, ", ") or ("nothing " .. tostring(last_err))))

-- 2. Diagnostics for admin.ts include an unscoped-broadcast warning.
vim.cmd("edit " .. fixture .. "/apps/api/src/routes/admin.ts")
local admin = vim.api.nvim_get_current_buf()
local found
vim.wait(30000, function()
  for _, d in ipairs(vim.diagnostic.get(admin)) do
    if d.code == "unscoped-broadcast" then found = d; return true end
  end
  return false
end, 100)
for _, d in ipairs(vim.diagnostic.get(admin)) do
  out(string.format("     admin.ts:%d:%d %s [%s] %s", d.lnum + 1, d.col + 1,
    vim.diagnostic.severity[d.severity], tostring(d.code), (d.message:gsub("\n", " "))))
end
check(found ~= nil, "unscoped-broadcast diagnostic published for apps/api/src/routes/admin.ts")
-- Its default severity is warning: ERROR shows that the `settings` above reached the server.
check(found ~= nil and found.severity == vim.diagnostic.severity.ERROR,
  "settings.socketlens.rules raised it to an error (settings reached the server)")

for _, client in pairs(vim.lsp.get_active_clients()) do client.stop() end
vim.wait(3000, function() return #vim.lsp.get_active_clients() == 0 end, 50)
io.stdout:write(failures == 0 and "nvim: all checks passed\n" or ("nvim: " .. failures .. " check(s) failed\n"))
vim.cmd(failures == 0 and "qall!" or "cquit!")
