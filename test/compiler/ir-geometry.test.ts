// @pim/ir's crossbar geometry and component lookup: the figures the mapping pass writes into the IR
// are the ones geometry.ts computes, and the lookups find what a real compile of samples/isaac.pim holds.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { compile } from '@pim/compiler';
import {
  cellUtilization,
  findByPath,
  findKind,
  inputCycles,
  mappingParts,
  parentOf,
  tileMatrix,
  tilesFor,
  tileTypeOf,
  weightSlices,
} from '@pim/ir';

const SAMPLES = fileURLToPath(new URL('../../../samples/', import.meta.url));

describe('ir: crossbar geometry', () => {
  it('cuts a matrix into slices, row tiles and column tiles', () => {
    // 16-bit weights on 2-bit cells: 8 slices; 400×120 on 128×128 arrays: ⌈400/128⌉ × ⌈960/128⌉.
    assert.equal(weightSlices(16, 2), 8);
    assert.equal(weightSlices(8, 3), 3);
    assert.equal(inputCycles(16, 1), 16);
    assert.equal(inputCycles(8, 3), 3);
    assert.deepEqual(tileMatrix(400, 120, 8, 128, 128), {
      rows_needed: 400,
      cols_needed: 960,
      slices: 8,
      row_tiles: 4,
      col_tiles: 8,
      crossbars: 32,
    });
    assert.equal(tilesFor(32, 12), 3);
    assert.equal(tilesFor(5, 0), 5);
    assert.equal(cellUtilization(400, 120, 8, 32, 128, 128), (400 * 960) / (32 * 128 * 128));
    assert.equal(cellUtilization(1, 1, 1, 0, 128, 128), 0);
  });

  it('agrees with every crossbar placement the compiler writes for the samples', () => {
    let checked = 0;
    for (const file of ['isaac.pim', 'hetero-vgg.pim', 'reliability.pim']) {
      const ir = compile(path.join(SAMPLES, file)).ir!;
      for (const m of ir.mappings) {
        const { model, arch } = mappingParts(ir, m.name);
        for (const p of m.placements) {
          if (!p.crossbar) continue;
          const layer = model!.layers[p.index]!;
          const xb = tileTypeOf(arch!, p.target)!.crossbar!;
          const t = tileMatrix(
            layer.weights!.rows,
            layer.weights!.cols,
            weightSlices(m.weight_bits, xb.bits_per_cell),
            xb.rows,
            xb.cols,
          );
          assert.deepEqual(
            { ...p.crossbar, replication: 0, crossbars_total: 0, tiles: 0, utilization: 0 },
            { ...t, replication: 0, crossbars_total: 0, tiles: 0, utilization: 0 },
            `${file} ${m.name} ${p.layer}`,
          );
          checked++;
        }
      }
    }
    assert.ok(checked > 20, `only ${checked} crossbar placements`);
  });
});

describe('ir: component lookup', () => {
  const ir = compile(path.join(SAMPLES, 'isaac.pim')).ir!;
  const arch = ir.architectures[0]!;

  it('finds components by path and kind, and their parents', () => {
    const tt = arch.tile_types[0]!;
    const tile = findByPath(arch.root, tt.path);
    assert.equal(tile?.path, tt.path);
    const xbar = findKind(tile!, 'crossbar');
    assert.equal(xbar?.kind, 'crossbar');
    const unit = parentOf(tile!, xbar!);
    assert.ok(unit && unit.children.includes(xbar!));
    assert.equal(parentOf(arch.root, arch.root), undefined);
    assert.equal(findKind(arch.root, 'no-such-kind'), undefined);
    assert.equal(findByPath(arch.root, `${arch.root.path}.nowhere`), undefined);
  });

  it('finds a tile type by name or path, and a mapping with its parts', () => {
    const tt = arch.tile_types[0]!;
    assert.equal(tileTypeOf(arch, tt.name), tt);
    assert.equal(tileTypeOf(arch, tt.path), tt);
    assert.equal(tileTypeOf(arch, 'nothing'), undefined);
    const m = ir.mappings[0]!;
    const parts = mappingParts(ir, m.name);
    assert.equal(parts.mapping, m);
    assert.equal(parts.model?.name, m.model);
    assert.equal(parts.arch?.name, m.architecture);
    assert.deepEqual(mappingParts(ir, 'no-such-mapping'), {});
  });
});
