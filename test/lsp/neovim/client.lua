-- Drives the pim language server from headless Neovim with the built-in client (vim.lsp.start_client):
-- opens a broken file and waits for its diagnostics, then opens a valid file and asks for a hover.
-- Prints what it received and writes it as JSON to $PIM_OUT.
local server = os.getenv('PIM_SERVER')
local broken = os.getenv('PIM_BROKEN')
local valid = os.getenv('PIM_VALID')
local out = os.getenv('PIM_OUT')
local hover_line = tonumber(os.getenv('PIM_HOVER_LINE'))
local hover_col = tonumber(os.getenv('PIM_HOVER_COL'))

local results = { diagnostics = vim.NIL, hover = vim.NIL, timeout = false }
local done = false

local function finish()
  if done then return end
  done = true
  local f = assert(io.open(out, 'w'))
  f:write(vim.fn.json_encode(results))
  f:close()
  vim.cmd('qa!')
end

local client_id
local function ask_hover()
  vim.cmd('edit ' .. vim.fn.fnameescape(valid))
  local buf = vim.api.nvim_get_current_buf()
  vim.lsp.buf_attach_client(buf, client_id)
  local client = vim.lsp.get_client_by_id(client_id)
  local params = { textDocument = { uri = vim.uri_from_fname(valid) }, position = { line = hover_line, character = hover_col } }
  client.request('textDocument/hover', params, function(err, result)
    if err then
      results.hover = { error = err.message }
    else
      results.hover = result or vim.NIL
    end
    io.stdout:write('hover: ' .. vim.fn.json_encode(results.hover) .. '\n')
    finish()
  end, buf)
end

client_id = vim.lsp.start_client({
  name = 'pim',
  cmd = { 'node', server, '--stdio' },
  root_dir = vim.fn.fnamemodify(broken, ':h'),
  handlers = {
    ['textDocument/publishDiagnostics'] = function(_, result)
      if results.diagnostics ~= vim.NIL or result.uri ~= vim.uri_from_fname(broken) or #result.diagnostics == 0 then return end
      results.diagnostics = result.diagnostics
      for _, d in ipairs(result.diagnostics) do
        io.stdout:write(string.format('diagnostic %s:%d:%d %s %s\n', vim.fn.fnamemodify(broken, ':t'), d.range.start.line + 1,
          d.range.start.character + 1, d.code or '', d.message))
      end
      vim.schedule(ask_hover)
    end,
  },
})

vim.cmd('edit ' .. vim.fn.fnameescape(broken))
vim.lsp.buf_attach_client(vim.api.nvim_get_current_buf(), client_id)

vim.defer_fn(function()
  results.timeout = true
  finish()
end, 30000)
