// DropLayer on samples/gnn-cora.pim: its cut of the many-to-few V→E traffic changes the simulated epoch's
// time and energy, and why the change is small on Cora (docs/results.md, the DropLayer row): as written,
// one copy of each weight matrix computes the 2,708 node rows one after another, so compute sets the
// epoch; with the weights replicated over the dense tier the NoC sets it, but the bulk of its bits is the
// 1,433-feature input streamed to the first layer, which DropLayer does not touch.
import assert from 'node:assert/strict';
import type { SimReport } from '@pim/runtime/sim';
import { simulateGnnCora as gnnCora } from './fixtures/gnn-cora.js';

function pair(r: SimReport) {
  const base = r.training.find((t) => t.experiment === 'gcn_ideal')!;
  const drop = r.training.find((t) => t.experiment === 'gcn_crossbar_droplayer')!;
  return { base, drop };
}

describe('sim: DropLayer on Cora (samples/gnn-cora.pim)', () => {
  it('as written: epoch time and energy both fall with DropLayer, by its NoC savings only', () => {
    const r = gnnCora(false);
    const { base, drop } = pair(r);
    assert.ok(drop.epoch_time_s < base.epoch_time_s && drop.epoch_energy_j < base.epoch_energy_j);
    // The compute phases are the same; the difference is the sample's transfers forward and back.
    assert.equal(drop.per_sample.backward_s, base.per_sample.backward_s);
    const noc = base.per_sample.noc_s - drop.per_sample.noc_s;
    assert.ok(noc > 0);
    // One copy of g2's weights runs its 2,708 backward MVMs in turn: compute, not the NoC, sets the epoch.
    assert.ok(base.per_sample.backward_s > 0.5 * base.epoch_time_s);
    assert.ok(base.per_sample.noc_s < 0.01 * base.epoch_time_s);
  });

  it('replicated weights: the NoC sets the epoch, but the input stream, not the V→E flows, fills it', () => {
    const r = gnnCora(true);
    const { base, drop } = pair(r);
    assert.ok(base.per_sample.noc_s > 0.5 * base.epoch_time_s, `${base.per_sample.noc_s} of ${base.epoch_time_s}`);
    const groups = r.noc!.declared.groups;
    const input = groups.find((g) => g.group === '→g1')!;
    const ve = groups.filter((g) => g.group.endsWith('V→E'));
    assert.equal(ve.length, 2);
    const veBits = ve.reduce((s, g) => s + g.bits, 0);
    assert.ok(input.bits > 10 * veBits, `input ${input.bits} b, V→E ${veBits} b`);
    assert.equal(r.noc!.declared.bottleneck?.port, 'injection');
    // DropLayer still shortens the epoch, by less than the share of the V→E flows.
    assert.ok(drop.epoch_time_s < base.epoch_time_s);
    assert.ok(base.epoch_time_s - drop.epoch_time_s < 0.05 * base.epoch_time_s);
  });
});
