import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import {
  simulate,
  formatSummary,
  toJson,
  toCsvFiles,
  writeReports,
  renderSpecToSvg,
  chartSpecs,
  simulateCommand,
  type SimReport,
} from '@pim/runtime/sim';
import { heteroProgram, isaacProgram, toyProgram } from './fixtures/compiled.js';

const CHROMIUM = '/usr/bin/chromium';

describe('report: text, JSON, CSV', () => {
  const isaac = simulate(isaacProgram(), { mapping: 'lenet_on_isaac' });

  it('the text summary prints our ISAAC figures beside the published ones', () => {
    const t = formatSummary(isaac);
    assert.match(t, /peak throughput\s+41\.3 TOPS\s+published 41\.3 TOPS/);
    assert.match(t, /computational eff\.\s+483 GOPS\/s\/mm²\s+published 479 GOPS\/s\/mm²\s+\(\+0\.9%\)/);
    assert.match(t, /area\s+85\.4\d mm²\s+published 85\.40 mm²/);
    assert.match(t, /power\s+65\.8 W\s+published 65\.8 W/);
    assert.match(t, /Training lenet_train/);
    // ISAAC states its HyperTransport links: the input and output cost energy.
    assert.match(t, /I\/O [1-9][\d.]* [npµm]J, idle/);
  });

  it('an architecture with no off-chip link says its I/O is free', () => {
    const hetero = simulate(heteroProgram());
    assert.equal(hetero.io.bandwidth_bps, 0);
    assert.match(formatSummary(hetero), /I\/O 0 J: no off-chip link, idle/);
  });

  it('JSON carries the summary in SI units and every section', () => {
    const j = JSON.parse(toJson(isaac)) as SimReport;
    assert.equal(j.summary.peak_ops_per_s, isaac.summary.peak_ops_per_s);
    assert.ok(Math.abs(j.summary.ops_per_s_per_m2 - 4.83e17) < 0.01e17); // ops/s/m²
    assert.ok(Math.abs(j.summary.area_m2 - 85.4e-6) < 0.1e-6);
    assert.ok(Math.abs(j.summary.power_w - 65.8) < 0.1);
    for (const k of ['layers', 'components', 'noc', 'training', 'stages', 'chip']) assert.ok(k in j, k);
    assert.equal(j.layers.length, 12);
  });

  it('non-finite numbers become null in JSON', () => {
    const r = simulate(toyProgram());
    const copy = { ...r, summary: { ...r.summary, latency_s: Infinity } };
    assert.equal((JSON.parse(toJson(copy)) as SimReport).summary.latency_s, null);
  });

  it('CSV files: one row per layer, quoted where needed', () => {
    const f = toCsvFiles(isaac);
    assert.ok(
      [
        'summary.csv',
        'layers.csv',
        'components.csv',
        'breakdown.csv',
        'noc_flows.csv',
        'noc_routers.csv',
        'training.csv',
      ].every((n) => n in f),
    );
    const lines = f['layers.csv']!.trim().split('\n');
    assert.equal(lines.length, 1 + 12);
    assert.ok(lines[0]!.startsWith('index,name,kind,engine'));
    assert.match(f['summary.csv']!, /^peak_ops_per_s,41287680000000,41300000000000$/m);
    assert.equal(f['noc_routers.csv']!.trim().split('\n').length, 1 + 168);
    // One row per loaded link; their bits add up to Σ bits × hops.
    const links = f['noc_links.csv']!.trim()
      .split('\n')
      .slice(1)
      .map((l) => Number(l.split(',')[5]));
    const n = isaac.noc!.declared;
    assert.ok(Math.abs(links.reduce((a, b) => a + b, 0) - n.avg_hops * n.total_bits) < 1e-6 * n.total_bits);
  });
});

describe('report: charts', () => {
  it('renders every chart to a non-empty SVG, including the GNN sweep', async function () {
    this.timeout(60000);
    const r = simulate(heteroProgram(), { mapping: 'gcn_on_hetero' });
    const ids = chartSpecs(r).map((c) => c.id);
    assert.deepEqual(ids, ['breakdown', 'layers', 'noc', 'noc-counterpart', 'sparse']);
    for (const c of chartSpecs(r)) {
      const svg = await renderSpecToSvg(c.spec, c.id);
      assert.ok(svg.startsWith('<svg'), c.id);
      assert.ok((svg.match(/<path/g) ?? []).length > 5, `${c.id} drew marks`);
    }
  });

  it('a chart Vega cannot lay out fails loudly instead of drawing nothing', async () => {
    // Step sizing with independent scales in a facet makes Vega log "datum is not defined".
    const values = [0, 1].flatMap((x) => [0, 1].map((y) => ({ row: 'a', x, y, v: x + y })));
    const bad = {
      data: { values },
      facet: { row: { field: 'row' } },
      resolve: { scale: { x: 'independent', y: 'independent' } },
      spec: {
        width: { step: 10 },
        height: { step: 10 },
        mark: 'rect',
        encoding: {
          x: { field: 'x', type: 'ordinal' },
          y: { field: 'y', type: 'ordinal' },
          color: { field: 'v', type: 'quantitative' },
        },
      },
    };
    await assert.rejects(renderSpecToSvg(bad, 'bad'), /chart 'bad' failed to render/);
  });
});

describe('report: files and the CLI handler', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'pim-report-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes JSON, CSV and HTML; prints the summary', async function () {
    this.timeout(60000);
    const out: string[] = [];
    const code = await simulateCommand(
      isaacProgram(),
      { mapping: 'lenet_on_isaac', json: join(dir, 'r.json'), csv: join(dir, 'csv'), html: join(dir, 'r.html') },
      (s) => out.push(s),
    );
    assert.equal(code, 0);
    assert.match(out.join('\n'), /published 41\.3 TOPS/);
    assert.ok(!/also in this program/.test(out.join('\n')), 'a chosen mapping needs no hint');
    const out2: string[] = [];
    await simulateCommand(isaacProgram(), {}, (s) => out2.push(s));
    // The compiled IR lists the entry file's mappings before the imported sample's.
    assert.match(out2.join('\n'), /mapping vgg8_on_isaac: model vgg8 on architecture isaac/);
    assert.match(out2.join('\n'), /simulated the first mapping; also in this program: lenet_on_isaac, vgg16_on_isaac/);
    assert.ok(existsSync(join(dir, 'r.json')));
    assert.ok(readdirSync(join(dir, 'csv')).includes('layers.csv'));
    const html = readFileSync(join(dir, 'r.html'), 'utf8');
    assert.ok(!/<script/i.test(html), 'no scripts: viewable offline');
    assert.ok(!/https?:\/\/(?!www\.w3\.org)/.test(html.replace(/xmlns(:\w+)?="[^"]*"/g, '')), 'no network references');
  });

  it('bad IR: exit 1 and a clear message, no stack', async () => {
    const err: string[] = [];
    const code = await simulateCommand(
      toyProgram(),
      { mapping: 'nope' },
      () => undefined,
      (s) => err.push(s),
    );
    assert.equal(code, 1);
    assert.equal(err.join('\n'), "pimc simulate: ir.mappings: no mapping named 'nope' (have: toymap)");
  });

  it('an unwritable output path: exit 1 naming the path', async () => {
    const err: string[] = [];
    const bad = join(dir, 'missing', 'r.json');
    const code = await simulateCommand(
      toyProgram(),
      { json: bad },
      () => undefined,
      (s) => err.push(s),
    );
    assert.equal(code, 1);
    assert.match(
      err.join('\n'),
      new RegExp(`${bad.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: cannot write \\(ENOENT\\)`),
    );
  });

  it('writeReports with no outputs writes nothing', async () => {
    assert.deepEqual(await writeReports(simulate(toyProgram()), {}), []);
  });
});

/** Decodes an 8-bit RGB/RGBA non-interlaced PNG (what Chromium writes) to count coloured pixels. */
function decodePng(buf: Buffer): { width: number; height: number; channels: number; pixels: Uint8Array } {
  assert.equal(buf.subarray(0, 8).toString('hex'), '89504e470d0a1a0a', 'PNG signature');
  let off = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Buffer[] = [];
  while (off < buf.length) {
    const len = buf.readUInt32BE(off);
    const type = buf.toString('ascii', off + 4, off + 8);
    const data = buf.subarray(off + 8, off + 8 + len);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      assert.equal(data[8], 8, 'bit depth 8');
      channels = data[9] === 6 ? 4 : data[9] === 2 ? 3 : 0;
      assert.ok(channels > 0, `colour type ${data[9]}`);
      assert.equal(data[12], 0, 'not interlaced');
    } else if (type === 'IDAT') idat.push(data);
    off += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const pixels = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)]!;
    for (let x = 0; x < stride; x++) {
      const v = raw[y * (stride + 1) + 1 + x]!;
      const a = x >= channels ? pixels[y * stride + x - channels]! : 0;
      const b = y > 0 ? pixels[(y - 1) * stride + x]! : 0;
      const c = x >= channels && y > 0 ? pixels[(y - 1) * stride + x - channels]! : 0;
      const p = a + b - c;
      const pr =
        Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c)
          ? a
          : Math.abs(p - b) <= Math.abs(p - c)
            ? b
            : c;
      pixels[y * stride + x] = (v + [0, a, b, (a + b) >> 1, pr][f]!) & 255;
    }
  }
  return { width, height, channels, pixels };
}

describe('report: the HTML report in headless Chromium', () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'pim-chromium-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('renders every chart (DOM has non-empty SVGs; the screenshot has coloured marks)', async function () {
    this.timeout(120000);
    assert.ok(
      existsSync(CHROMIUM),
      `${CHROMIUM} is not installed: install Debian's package (apt-get install -y chromium) to run this test`,
    );
    const r = simulate(heteroProgram(), { mapping: 'gcn_on_hetero' });
    const html = join(dir, 'report.html');
    await writeReports(r, { html });
    const args = [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--user-data-dir=${join(dir, 'profile')}`,
    ];
    const dom = execFileSync(CHROMIUM, [...args, '--dump-dom', `file://${html}`], {
      encoding: 'utf8',
      timeout: 90000,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const figures = dom.match(/<figure class="chart" id="chart-[^"]+">[\s\S]*?<\/figure>/g) ?? [];
    assert.equal(figures.length, 5, 'five charts in the DOM');
    for (const f of figures) {
      const id = /id="(chart-[^"]+)"/.exec(f)![1];
      assert.match(f, /<svg[^>]*width="\d+"/, `${id} has an svg`);
      assert.ok((f.match(/<path|<rect/g) ?? []).length > 10, `${id} svg has marks`);
    }
    const png = join(dir, 'shot.png');
    execFileSync(CHROMIUM, [...args, `--screenshot=${png}`, '--window-size=1400,3000', `file://${html}`], {
      timeout: 90000,
      stdio: 'ignore',
    });
    assert.ok(existsSync(png), 'screenshot written');
    const img = decodePng(readFileSync(png));
    assert.equal(img.width, 1400);
    // Count saturated (chart-coloured) pixels: text and axes are grey, charts are coloured.
    let coloured = 0;
    for (let i = 0; i < img.pixels.length; i += img.channels) {
      const [r8, g8, b8] = [img.pixels[i]!, img.pixels[i + 1]!, img.pixels[i + 2]!];
      if (Math.max(r8, g8, b8) - Math.min(r8, g8, b8) > 60) coloured++;
    }
    assert.ok(coloured > 20000, `only ${coloured} coloured pixels: the charts did not draw`);
  });
});
