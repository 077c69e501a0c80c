// `pimc fmt` handler: prints, checks and writes; refuses broken and unreadable files with a clear error.
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { LIMITS } from '@pim/grammar';
import { fmtCommand } from '@pim/lsp';
import { repoRoot } from '../support/client.js';

const run = promisify(execFile);
const pimc = join(repoRoot, 'cli/bin/pimc.js');

describe('pimc fmt', () => {
  let dir: string;
  let out: string[];
  let err: string[];
  const o = (s: string) => out.push(s);
  const e = (s: string) => err.push(s);
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pim-fmt-'));
    out = [];
    err = [];
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('prints the formatted text', async () => {
    const f = join(dir, 'a.pim');
    writeFileSync(f, 'model  m {relu}');
    assert.equal(await fmtCommand([f], { check: false, write: false }, o, e), 0);
    // One line per `out` call: the line break that ends the text is the one `out` adds.
    assert.deepEqual(out, ['model m { relu }']);
    assert.equal(readFileSync(f, 'utf8'), 'model  m {relu}', 'the file is untouched');
  });

  it('writes through a shell redirection a file that --check accepts (no extra trailing newline)', async () => {
    const f = join(dir, 'a.pim');
    writeFileSync(f, 'model  m {relu}\n// last\n');
    const printed = await run(process.execPath, [pimc, 'fmt', f]);
    const copy = join(dir, 'out.pim');
    writeFileSync(copy, printed.stdout);
    assert.equal(printed.stdout, 'model m { relu }\n// last\n');
    const checked = await run(process.execPath, [pimc, 'fmt', '--check', copy]);
    assert.match(checked.stdout, /all formatted/);
  });

  it('--check fails on an unformatted file and passes on a formatted one', async () => {
    const bad = join(dir, 'bad.pim');
    const good = join(dir, 'good.pim');
    writeFileSync(bad, 'model  m {relu}');
    writeFileSync(good, 'model m { relu }\n');
    assert.equal(await fmtCommand([bad, good], { check: true, write: false }, o, e), 1);
    assert.deepEqual(err, [`${bad}: not formatted`]);
    err = [];
    assert.equal(await fmtCommand([good], { check: true, write: false }, o, e), 0);
    assert.deepEqual(err, []);
  });

  it('--write rewrites only files that change', async () => {
    const f = join(dir, 'a.pim');
    writeFileSync(f, 'model  m {relu}');
    assert.equal(await fmtCommand([f], { check: false, write: true }, o, e), 0);
    assert.equal(readFileSync(f, 'utf8'), 'model m { relu }\n');
    assert.deepEqual(out, [`formatted ${f}`]);
    out = [];
    assert.equal(await fmtCommand([f], { check: false, write: true }, o, e), 0);
    assert.deepEqual(out, []);
  });

  it('reports a syntax error with file, line and column, and leaves the file alone', async () => {
    const f = join(dir, 'broken.pim');
    writeFileSync(f, 'model m {\n  conv { out: }\n}\n');
    // 1: an error in the source, as every pimc command (2 is for usage errors).
    assert.equal(await fmtCommand([f], { check: false, write: true }, o, e), 1);
    assert.match(err.join('\n'), new RegExp(`${f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2:15: error PIM1005`));
    assert.equal(readFileSync(f, 'utf8'), 'model m {\n  conv { out: }\n}\n');
  });

  it('keeps a CRLF file CRLF: written, then accepted by --check', async () => {
    const source = '// a comment\nmodel  m {\n  conv c { out: 4, kernel: 3 }\n  relu\n}\n';
    const lf = join(dir, 'lf.pim');
    const crlf = join(dir, 'crlf.pim');
    writeFileSync(lf, source);
    writeFileSync(crlf, source.replace(/\n/g, '\r\n'));
    assert.equal(await fmtCommand([lf, crlf], { check: false, write: true }, o, e), 0);
    const formatted = readFileSync(lf, 'utf8');
    assert.ok(formatted.split('\n').length >= 3 && !formatted.includes('\r'), formatted);
    assert.equal(readFileSync(crlf, 'utf8'), formatted.replace(/\n/g, '\r\n'));
    assert.equal(await fmtCommand([crlf], { check: true, write: false }, o, e), 0);
  });

  it('reports an unreadable file', async () => {
    const f = join(dir, 'missing.pim');
    assert.equal(await fmtCommand([f], { check: true, write: false }, o, e), 2);
    assert.match(err[0]!, /missing\.pim: cannot read file: not found/);
  });

  it('refuses a device, a directory and a file over the source size limit without reading them whole', async () => {
    const big = join(dir, 'big.pim');
    writeFileSync(big, Buffer.alloc(LIMITS.fileBytes + 1, 0x20));
    assert.equal(await fmtCommand(['/dev/zero', dir, big], { check: false, write: false }, o, e), 2);
    assert.match(err[0]!, /\/dev\/zero: cannot read file: a character device, not a regular file/);
    assert.match(err[1]!, /cannot read file: a directory, not a regular file/);
    assert.match(
      err[2]!,
      new RegExp(
        `big\\.pim: cannot read file: the file has ${LIMITS.fileBytes + 1} bytes, more than ${LIMITS.fileBytes} \\(the file size limit\\)`,
      ),
    );
    assert.deepEqual(out, []);
  });

  it('asks for files when given none', async () => {
    assert.equal(await fmtCommand([], { check: false, write: false }, o, e), 2);
    assert.match(err[0]!, /no files given/);
  });
});
