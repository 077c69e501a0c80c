// The IR contract: loadIr() accepts what the compiler writes and rejects bad IR naming the JSON path
// of each problem; the ISAAC figures of the issue come out of a real compile of samples/isaac.pim.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { compile, compileWithAjv, IrError, loadIr, validateIr, type IrComponent, type IrProgram } from '@pim/compiler';

const SAMPLES = fileURLToPath(new URL('../../../samples/', import.meta.url));

function compiled(file: string): IrProgram {
  const p = compile(path.join(SAMPLES, file));
  assert.deepEqual(
    p.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message),
    [],
    file,
  );
  assert.ok(p.ir, `${file} gave no IR`);
  return p.ir;
}

/** The problems loadIr reports for `ir`, one per line. */
function problems(ir: unknown): string[] {
  try {
    loadIr(ir as object);
  } catch (e) {
    assert.ok(e instanceof IrError, String(e));
    return e.problems;
  }
  assert.fail('loadIr accepted bad IR');
}

function findNode(n: IrComponent, name: string): IrComponent | undefined {
  if (n.name === name) return n;
  for (const c of n.children) {
    const hit = findNode(c, name);
    if (hit) return hit;
  }
  return undefined;
}

const within = (actual: number, expected: number, tol: number, what: string): void =>
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: ${actual} is not ${expected} ± ${tol}`);

describe('compiler: IR', () => {
  const samples = fs
    .readdirSync(SAMPLES)
    .filter((f) => f.endsWith('.pim'))
    .sort();

  it('loadIr accepts every compiled sample, as an object, as JSON text and as a file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pim-ir-'));
    try {
      for (const f of samples) {
        const ir = compiled(f);
        assert.deepEqual(loadIr(ir), ir);
        const json = JSON.stringify(ir, null, 2);
        assert.deepEqual(loadIr(json), ir);
        const file = path.join(dir, `${f}.ir.json`);
        fs.writeFileSync(file, json);
        assert.deepEqual(loadIr(file), ir);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects bad IR with the JSON path of every problem', () => {
    const bad = structuredClone(compiled('isaac.pim')) as unknown as Record<string, any>;
    delete bad['architectures'][0].totals.power_w;
    bad['architectures'][0].root.children[0].power_w = 'a lot';
    bad['models'][0].layers[2].bogus = true;
    bad['mappings'][0].replicate = 'sometimes';
    const ps = problems(bad);
    assert.ok(ps.includes("/architectures/0/totals: must have required property 'power_w'"), ps.join('\n'));
    assert.ok(ps.includes('/architectures/0/root/children/0/power_w: must be number'), ps.join('\n'));
    assert.ok(ps.includes("/models/0/layers/2: must NOT have additional properties 'bogus'"), ps.join('\n'));
    assert.ok(
      ps.some((p) => p.startsWith('/mappings/0/replicate:')),
      ps.join('\n'),
    );
  });

  it('rejects a missing top-level section, a wrong version, text that is not JSON, a missing file', () => {
    const ir = compiled('isaac.pim');
    const { models: _models, ...noModels } = ir;
    assert.ok(problems(noModels).includes("/: must have required property 'models'"));
    assert.deepEqual(problems({ ...ir, ir_version: '2.0.0' }), [
      '/ir_version: version 2.0.0 is not supported (this runtime reads 1.x)',
    ]);
    assert.throws(
      () => loadIr('{ "ir_version": '),
      (e: unknown) => e instanceof IrError && /not JSON/.test(e.problems[0]!),
    );
    assert.throws(
      () => loadIr('/no/such/file.ir.json'),
      (e: unknown) =>
        e instanceof IrError &&
        /cannot read the file \(ENOENT\)/.test(e.message) &&
        e.message.includes('/no/such/file.ir.json'),
    );
    assert.ok(problems([]).length > 0);
    assert.ok(problems({}).some((p) => p.includes("required property 'ir_version'")));
  });

  it('is deterministic: the same program gives the same bytes, ir_version first', () => {
    const a = JSON.stringify(compiled('hetero-vgg.pim'));
    const b = JSON.stringify(compiled('hetero-vgg.pim'));
    assert.equal(a, b);
    assert.ok(a.startsWith('{"ir_version":"1.'));
  });

  describe('ISAAC (samples/isaac.pim), the figures of the issue', () => {
    const ir = compiled('isaac.pim');
    const isaac = ir.architectures.find((a) => a.name === 'isaac');

    it('the chip: 65.84 W ± 0.05 and 85.38 mm² ± 0.05', () => {
      assert.ok(isaac);
      within(isaac.totals.power_w, 65.84, 0.05, 'totals.power_w');
      within(isaac.totals.area_m2, 85.38e-6, 0.05e-6, 'totals.area_m2');
      assert.equal(isaac.totals.tiles, 168);
      assert.equal(isaac.totals.crossbars, 168 * 12 * 8);
      assert.equal(isaac.clock_hz, 1.2e9);
    });

    it('one isaac_tile: 0.330 W and 0.372 mm² (± 0.5 %), counted 168 times', () => {
      const tile = findNode(isaac!.root, 'isaac_tile');
      assert.ok(tile);
      assert.equal(tile.kind, 'tile');
      assert.equal(tile.count, 168);
      within(tile.power_w, 0.33, 0.005 * 0.33, 'isaac_tile power_w');
      within(tile.area_m2, 0.372e-6, 0.005 * 0.372e-6, 'isaac_tile area_m2');
      // The router is shared by 4 tiles: a tile carries a quarter of its 42 mW.
      const router = findNode(tile, 'router')!;
      within(router.power_w, 42e-3 / 4, 1e-12, 'router share');
      // One IMA: 8 crossbars, 8 ADCs, 1024 DACs and S+H, 4 shift-adds, two registers (ISAAC's published table).
      const ima = findNode(tile, 'ima')!;
      assert.equal(ima.count, 12);
      within(ima.power_w, 8 * 0.3e-3 + 8 * 2e-3 + 4e-3 + 10e-6 + 4 * 0.05e-3 + 1.24e-3 + 0.23e-3, 1e-12, 'ima power');
    });
  });
});

describe('compiler: the precompiled IR validator', () => {
  it('is built and agrees with ajv compiling the schema, on valid and corrupted IR', () => {
    const built = fileURLToPath(new URL('../../../ir/dist/ir-validator.cjs', import.meta.url));
    assert.ok(fs.existsSync(built), 'npm run build writes ir/dist/ir-validator.cjs');
    const reference = compileWithAjv();
    const good = compiled('isaac.pim');
    const corruptions: ((ir: any) => void)[] = [
      () => {},
      (ir) => (ir.architectures[0].clock_hz = -1),
      (ir) => delete ir.models,
      (ir) => (ir.mappings[0].placements[0].engine = 'quantum'),
      (ir) => (ir.devices[0].stuck_at_one = 2),
      (ir) => (ir.extra = true),
      (ir) => (ir.architectures[0].root.children[0].count = 0),
    ];
    for (const corrupt of corruptions) {
      const ir = structuredClone(good);
      corrupt(ir);
      reference(ir);
      const expected = (reference.errors ?? []).map((e) => `${e.instancePath}|${e.keyword}`).sort();
      const actual = validateIr(ir).length;
      assert.equal(
        actual,
        expected.length,
        `${corrupt.toString()}: ${validateIr(ir).join('; ')} vs ${expected.join('; ')}`,
      );
    }
  });
});
