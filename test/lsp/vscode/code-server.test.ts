// The extension in a real VS Code: code-server (installed from npm into a cache outside the work tree,
// reused by later runs) with the packaged .vsix installed by its own CLI, a workspace opened in headless
// Chromium driven over the DevTools protocol. The syntax must be highlighted, a diagnostic, a hover and
// a completion must appear, and pim: Explore Design Space must train designs on MNIST with the bundled
// pimc and show its page; a screenshot of each step goes to test-output/code-server/.
//
// Chromium is driven with playwright-core (launched with Debian's /usr/bin/chromium; it downloads no
// browser): its waits for elements and its mouse and keyboard over the DevTools protocol are what a
// hand-written client would have to re-implement.
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { repoRoot } from '../support/client.js';
import { ensureCodeServer, installExtension, startCodeServer, type CodeServer } from '../support/code-server.js';

const run = promisify(execFile);
const ext = join(repoRoot, 'vscode-extension');
const shots = join(repoRoot, 'test-output/code-server');

const program = `/// A small chip.
architecture chip {
  clock: 1 GHz
  tile t[4] {
    ima { crossbar[8] { rows: 128, cols: 128, cell: reram2 } }
  }

}
device reram2b { technology: reram, bits_per_cell: 2 }
`;

/** An exploration that trains each design on MNIST digits, for the bundled pimc's trainer. */
const digits = `architecture chip { clock: 1 GHz, tile t[4] { ima[2] { crossbar[8] { rows: 64, cols: 64, cell: c }, adc[8] { }, dac[8 * 64] { } } } }
device c { technology: reram, bits_per_cell: 2 }
dataset mnist { source: builtin, samples: 100 }
model net { input: tensor[1, 28, 28], flatten, linear l { out: 10 } }
mapping m { model: net, architecture: chip, place linear on t }
train fit { mapping: m, dataset: mnist, epochs: 1, batch: 10 }
explore sizes { evaluate: fit, vary chip.t.ima.crossbar.rows in [64, 128], maximize accuracy, minimize area, method: grid }
`;

describe('the extension in a real VS Code (code-server in headless Chromium)', function () {
  // A cold install of code-server (download and native builds) took 5–8 minutes on this machine.
  this.timeout(20 * 60 * 1000);
  let tmp: string;
  let server: CodeServer | undefined;
  let context: BrowserContext | undefined;
  let page: Page;

  before(async function () {
    tmp = mkdtempSync(join(tmpdir(), 'pim-code-server-'));
    rmSync(shots, { recursive: true, force: true });
    mkdirSync(shots, { recursive: true });
    const { entry, installSeconds } = await ensureCodeServer((s) => console.log(`      install: ${s}`));
    console.log(
      installSeconds
        ? `      code-server ${entry} installed in ${installSeconds.toFixed(0)} s`
        : `      code-server from the cache: ${entry}`,
    );

    // Package the extension as a user gets it.
    await run(process.execPath, [join(ext, 'esbuild.mjs')], { cwd: ext });
    const vsix = join(tmp, 'pim.vsix');
    await run(join(repoRoot, 'node_modules/.bin/vsce'), ['package', '--no-dependencies', '-o', vsix], { cwd: ext });
    const dirs = {
      userData: join(tmp, 'user-data'),
      extensions: join(tmp, 'extensions'),
      config: join(tmp, 'config.yaml'),
    };
    const installed = await installExtension(entry, vsix, dirs);
    assert.match(installed, /successfully installed/i, installed);
    mkdirSync(join(dirs.userData, 'User'), { recursive: true });
    writeFileSync(
      join(dirs.userData, 'User/settings.json'),
      JSON.stringify({
        'workbench.startupEditor': 'none',
        'security.workspace.trust.enabled': false,
        'editor.hover.delay': 100,
        'workbench.tips.enabled': false,
        'extensions.ignoreRecommendations': true,
        'telemetry.telemetryLevel': 'off',
      }),
    );
    const ws = join(tmp, 'ws');
    mkdirSync(ws);
    writeFileSync(join(ws, 'chip.pim'), program);
    writeFileSync(join(ws, 'digits.pim'), digits);
    server = await startCodeServer(entry, ws, dirs);

    context = await chromium.launchPersistentContext(join(tmp, 'chromium-profile'), {
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
      viewport: { width: 1400, height: 900 },
    });
    page = context.pages()[0] ?? (await context.newPage());
    await page.goto(`${server.url}/?folder=${encodeURIComponent(ws)}`, {
      waitUntil: 'domcontentloaded',
      timeout: 180000,
    });
    await page.waitForSelector('.monaco-workbench', { timeout: 120000 });
    await openFile('chip.pim');
  });

  /** Opens a workspace file from the Explorer, as a user would. */
  async function openFile(name: string): Promise<void> {
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: name }).first().click({ timeout: 120000 });
    await page.waitForFunction((n) => document.querySelector('.tab.active')?.textContent?.includes(n), name, {
      timeout: 60000,
    });
    await page.waitForSelector('.monaco-editor .view-lines', { timeout: 60000 });
  }

  after(async function () {
    if (page && this.currentTest?.state === 'failed')
      await page.screenshot({ path: join(shots, 'failure.png') }).catch(() => {});
    await context?.close();
    if (server) {
      if (process.env['PIM_DEBUG']) console.log(server.log());
      await server.stop();
    }
    rmSync(tmp, { recursive: true, force: true });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && page)
      await page
        .screenshot({ path: join(shots, `failed-${this.currentTest.title.replace(/\W+/g, '-')}.png`) })
        .catch(() => {});
  });

  /**
   * Hovers the element `find` returns until VS Code shows a hover whose text matches `pattern`: the
   * layout may still shift (code lenses and inlay hints arrive after the text), so each try measures
   * the element again. Returns the hover's text.
   */
  async function hoverUntil(
    find: () => Promise<{ x: number; y: number; width: number; height: number } | null | undefined>,
    pattern: RegExp,
  ): Promise<string> {
    let last = '';
    for (let attempt = 0; attempt < 8; attempt++) {
      await page.mouse.move(0, 0);
      await page.keyboard.press('Escape');
      const box = await find();
      if (box) {
        await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
        try {
          await page.waitForFunction(
            (src) => new RegExp(src).test(document.querySelector('.monaco-hover:not(.hidden)')?.textContent ?? ''),
            pattern.source,
            { timeout: 8000 },
          );
          return (await page.$eval('.monaco-hover:not(.hidden)', (e) => e.textContent ?? '')) ?? '';
        } catch {
          last = (await page.$eval('.monaco-hover:not(.hidden)', (e) => e.textContent ?? '').catch(() => '')) ?? '';
        }
      }
    }
    assert.fail(`no hover matching ${pattern} (last hover: '${last}')`);
  }

  /** The colour of the first editor token spelling `text`. */
  const colourOf = (text: string) =>
    page.evaluate((t) => {
      const span = [...document.querySelectorAll('.monaco-editor .view-lines span span')].find(
        (s) => s.textContent === t,
      );
      return span ? getComputedStyle(span).color : undefined;
    }, text);

  it('highlights the syntax with the extension’s grammar (language mode pim)', async () => {
    await page.waitForFunction(
      () => [...document.querySelectorAll('.statusbar-item')].some((e) => e.textContent?.trim() === 'pim'),
      undefined,
      { timeout: 120000 },
    );
    await page.waitForFunction(
      () => {
        const spans = [...document.querySelectorAll('.monaco-editor .view-lines span span')];
        const kw = spans.find((s) => s.textContent === 'architecture');
        const name = spans.find((s) => s.textContent?.trim() === 'chip');
        return kw && name && getComputedStyle(kw).color !== getComputedStyle(name).color;
      },
      undefined,
      { timeout: 60000 },
    );
    const keyword = await colourOf('architecture');
    const unit = await colourOf('GHz');
    const plain = await colourOf('{');
    assert.ok(keyword && unit && plain);
    assert.notEqual(keyword, plain, 'a keyword is coloured');
    assert.notEqual(unit, plain, 'a unit is coloured');
    await page.screenshot({ path: join(shots, '1-highlighting.png') });
  });

  it('shows the compiler’s diagnostic as a squiggle with its message on hover', async () => {
    await page.waitForSelector('.monaco-editor .squiggly-error', { timeout: 120000 });
    const text = await hoverUntil(
      async () => (await page.$('.monaco-editor .squiggly-error'))?.boundingBox(),
      /PIM2001/,
    );
    assert.match(text, /unknown name 'reram2'/);
    await page.screenshot({ path: join(shots, '2-diagnostic.png') });
  });

  it('shows a hover with the block’s rolled-up figures', async () => {
    const text = await hoverUntil(async () => {
      const kind = await page.evaluateHandle(() =>
        [...document.querySelectorAll('.monaco-editor .view-lines span span')].find((s) => s.textContent === 'tile'),
      );
      return kind.asElement()?.boundingBox();
    }, /×4 in the system/);
    assert.match(text, /tile t\[4\]/);
    assert.match(text, /power.*per copy/);
    await page.screenshot({ path: join(shots, '3-hover.png') });
  });

  it('completes the members of an architecture', async () => {
    await page.mouse.move(0, 0);
    await page.keyboard.press('Escape');
    // The empty line inside `architecture chip { … }` (line 7).
    await page.keyboard.press('Control+G');
    await page.waitForSelector('.quick-input-widget .quick-input-box input', { timeout: 30000 });
    await page.keyboard.type('7');
    await page.keyboard.press('Enter');
    await page.keyboard.type('  no');
    await page.keyboard.press('Control+Space');
    await page.waitForSelector('.suggest-widget.visible .monaco-list-row', { timeout: 60000 });
    const labels = () =>
      page.$$eval('.suggest-widget.visible .monaco-list-row .label-name', (rows) =>
        rows.map((r) => r.textContent ?? ''),
      );
    await page.waitForFunction(
      () =>
        [...document.querySelectorAll('.suggest-widget.visible .monaco-list-row .label-name')].some(
          (r) => r.textContent === 'noc',
        ),
      undefined,
      { timeout: 30000 },
    );
    await page.screenshot({ path: join(shots, '4-completion.png') });
    assert.ok((await labels()).includes('noc'), (await labels()).join(' | '));
  });

  it('explores designs it trains on MNIST with the bundled pimc and shows the page beside the editor', async () => {
    await page.mouse.move(0, 0);
    await page.keyboard.press('Escape');
    await openFile('digits.pim');
    await page.keyboard.press('F1');
    await page.waitForSelector('.quick-input-widget .quick-input-box input', { timeout: 30000 });
    await page.keyboard.type('pim: Explore Design Space');
    await page.waitForSelector('.quick-input-list .monaco-list-row', { timeout: 30000 });
    await page.keyboard.press('Enter');
    // The page opens in a tab of its own, or an error notification says why it could not.
    await page.waitForFunction(
      () =>
        [...document.querySelectorAll('.tab')].some((t) => t.textContent?.includes('Exploration: digits.pim')) ||
        /pim: .*(failed|cannot)/.test(document.querySelector('.notifications-toasts')?.textContent ?? ''),
      undefined,
      { timeout: 300000 },
    );
    const toasts = (await page.$eval('.notifications-toasts', (e) => e.textContent ?? '').catch(() => '')) ?? '';
    assert.doesNotMatch(toasts, /pim: .*(failed|cannot)/);
    // The webview's document (in frames nested in the workbench's) is the explorer's page, with its plots.
    let report: string | undefined;
    for (let attempt = 0; attempt < 120 && !report; attempt++) {
      for (const f of page.frames().filter((f) => f !== page.mainFrame())) {
        const html = await f.evaluate(() => document.documentElement.outerHTML).catch(() => '');
        if (/Exploration sizes/.test(html) && /<svg/.test(html)) report = html;
      }
      if (!report) await new Promise((r) => setTimeout(r, 1000));
    }
    assert.ok(report, 'the webview shows the exploration page with its plots');
    assert.match(report, /accuracy/);
    await page.screenshot({ path: join(shots, '5-explore.png') });
  });
});
