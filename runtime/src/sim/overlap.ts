// Latency of one image when consecutive layers overlap within the image (ISAAC's intra-image pipeline):
// a conv layer starts once its producer has written the rows its first output row needs, instead of
// waiting for the whole feature map. The plain `latency_s` (no overlap) is the upper bound; this is the
// streaming estimate beside it.
import type { AttrValue, IrLayer, IrModel } from '@pim/ir';
import type { StageReport } from './types.js';

/** A layer attribute's first number (a kernel of [3, 3] reads as 3); the fallback when it is not a finite number. */
function first(v: AttrValue | undefined, fallback: number): number {
  const x = Array.isArray(v) ? v[0] : v;
  return typeof x === 'number' && Number.isFinite(x) ? x : fallback;
}

/**
 * Fraction of the producer's output rows that `consumer` needs before its first output row: for a conv,
 * kernel − top padding input rows, scaled up through the pooling layers in between; otherwise all of it.
 */
export function rowsFraction(consumer: IrLayer, between: IrLayer[], producer: IrLayer): number {
  if (consumer.kind !== 'conv' || consumer.input_shape.length < 3 || producer.output_shape.length < 3) return 1;
  const hIn = consumer.input_shape[1]!;
  let rows = Math.min(
    hIn,
    Math.max(1, first(consumer.attributes['kernel'], 1) - first(consumer.attributes['padding'], 0)),
  );
  for (let i = between.length - 1; i >= 0; i--) {
    const l = between[i]!;
    if (l.kind === 'maxpool' || l.kind === 'avgpool') {
      // r output rows of a q×q pool with stride t read (r − 1)·t + q input rows.
      const q = first(l.attributes['size'], 1);
      rows = (rows - 1) * first(l.attributes['stride'], q) + q;
    } else if (l.output_shape.length < 3) return 1; // flatten and the like need everything
  }
  return Math.min(1, rows / producer.output_shape[1]!);
}

/**
 * Stage s + 1 starts when stage s has produced the fraction its first row needs (of the span stage s is
 * busy with this image), and ends no earlier than its own latency after its start, nor than one of its
 * output rows after stage s ends. With fraction 1 this is the plain sum of stage latencies.
 */
export function overlappedLatency(model: IrModel, stages: StageReport[]): number {
  const byName = new Map(model.layers.map((l) => [l.name, l]));
  let start = 0;
  let end = 0;
  let prev: IrLayer | undefined;
  stages.forEach((s, k) => {
    const layer = byName.get(s.name);
    if (k === 0 || !layer || !prev) {
      start = end;
      end = start + s.latency_s;
    } else {
      const between = model.layers.slice(prev.index + 1, layer.index);
      const f = rowsFraction(layer, between, prev);
      const newStart = start + f * (end - start);
      const rowsOut = layer.kind === 'conv' && layer.output_shape.length >= 3 ? layer.output_shape[1]! : 1;
      const newEnd = Math.max(newStart + s.latency_s, end + s.latency_s / rowsOut);
      start = newStart;
      end = newEnd;
    }
    // A GCN aggregation stage is not a model layer: the next stage depends on it as a whole.
    prev = layer;
  });
  return end;
}
