-- Neovim 0.7.2's own LSP functions against the pim server, for the features that client has:
-- document highlight and signature help (requests), range formatting (vim.lsp.buf.range_formatting,
-- which applies the edit to the buffer) and code lens (vim.lsp.codelens.refresh / get). Writes what it
-- received as JSON to $PIM_OUT. Selection range, type hierarchy and file-rename events are not in 0.7.2.
local server = os.getenv('PIM_SERVER')
local file = os.getenv('PIM_FILE')
local out = os.getenv('PIM_OUT')
local hl_line, hl_col = tonumber(os.getenv('PIM_HL_LINE')), tonumber(os.getenv('PIM_HL_COL'))
local sig_line, sig_col = tonumber(os.getenv('PIM_SIG_LINE')), tonumber(os.getenv('PIM_SIG_COL'))
local fmt_line = tonumber(os.getenv('PIM_FMT_LINE'))

local results = { timeout = false }
local done = false
local function finish()
  if done then return end
  done = true
  local f = assert(io.open(out, 'w'))
  f:write(vim.fn.json_encode(results))
  f:close()
  vim.cmd('qa!')
end

local ready = false
local client_id = vim.lsp.start_client({
  name = 'pim',
  cmd = { 'node', server, '--stdio' },
  root_dir = vim.fn.fnamemodify(file, ':h'),
  on_init = function() ready = true end,
})
vim.cmd('edit ' .. vim.fn.fnameescape(file))
local buf = vim.api.nvim_get_current_buf()
vim.lsp.buf_attach_client(buf, client_id)
local uri = vim.uri_from_fname(file)

-- Each step waits for the previous one's answer; `wait` polls a condition.
local function wait(cond, k, tries)
  tries = tries or 200
  if cond() then return k() end
  if tries == 0 then return finish() end
  vim.defer_fn(function() wait(cond, k, tries - 1) end, 50)
end

local function codelens()
  vim.lsp.codelens.refresh()
  wait(function() return #vim.lsp.codelens.get(buf) > 0 end, function()
    results.codelens = {}
    for _, l in ipairs(vim.lsp.codelens.get(buf)) do
      table.insert(results.codelens, { line = l.range.start.line, title = l.command and l.command.title or '' })
    end
    finish()
  end)
end

local function range_formatting()
  local before = vim.api.nvim_buf_get_lines(buf, fmt_line, fmt_line + 1, false)[1]
  vim.lsp.buf.range_formatting({}, { fmt_line + 1, 0 }, { fmt_line + 1, #before })
  wait(function() return vim.api.nvim_buf_get_lines(buf, fmt_line, fmt_line + 1, false)[1] ~= before end, function()
    results.formatted = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
    codelens()
  end)
end

local function requests()
  local client = vim.lsp.get_client_by_id(client_id)
  client.request('textDocument/documentHighlight', { textDocument = { uri = uri }, position = { line = hl_line, character = hl_col } }, function(err, r)
    results.highlight = err and { error = err.message } or r
    client.request('textDocument/signatureHelp', { textDocument = { uri = uri }, position = { line = sig_line, character = sig_col } }, function(err2, r2)
      results.signature = err2 and { error = err2.message } or r2
      range_formatting()
    end, buf)
  end, buf)
end

-- Start once the server has checked the file (its first diagnostics).
wait(function() return ready end, function() vim.defer_fn(requests, 200) end)
vim.defer_fn(function()
  results.timeout = true
  finish()
end, 40000)
