// Inlay hints from the compiler's figures: a layer's inferred output shape, the value of a computed
// count and the total count of a replicated component, and the rolled-up power and area of top-level
// hardware.
import { walk, type Block } from '@pim/grammar';
import { InlayHintKind, type InlayHint, type Range } from 'vscode-languageserver';
import type { Analysis } from '../analysis.js';
import { area, count, shape, si } from '../quantities.js';
import { astOf } from '../services.js';

export function inlayHints(a: Analysis, range: Range): InlayHint[] {
  const info = a.program?.info.blocks;
  if (!info) return [];
  const from = a.doc.offsetAt(range.start);
  const to = a.doc.offsetAt(range.end);
  const out: InlayHint[] = [];
  walk(astOf(a), (n, parent) => {
    if (n.type !== 'Block') return undefined;
    if (n.span.end < from || n.span.start > to) return false;
    const b = info.get(n as Block);
    if (!b) return undefined;
    const headerEnd = n.count
      ? a.doc.text.indexOf(']', n.count.span.end) + 1 || n.count.span.end
      : (n.base ?? n.name ?? n.kind).span.end;
    const at = a.doc.positionAt(headerEnd);
    const labels: string[] = [];
    if (b.layer) labels.push(`→ ${shape(b.layer.output_shape)}`);
    // A computed count (`dac[8 * 128]`) shows its value.
    if (n.count && n.count.type !== 'Number') labels.push(`= ${count(b.count)}`);
    if (n.count && b.total_count !== b.count) labels.push(`×${count(b.total_count)} total`);
    if (parent?.type === 'File' && (b.power_w !== undefined || b.area_m2 !== undefined)) {
      const figs = [
        b.power_w !== undefined ? si(b.power_w, 'W') : '',
        b.area_m2 !== undefined ? area(b.area_m2) : '',
      ].filter(Boolean);
      labels.push(figs.join(', '));
    }
    if (labels.length)
      out.push({ position: at, label: labels.join('  '), kind: InlayHintKind.Type, paddingLeft: true });
    return undefined;
  });
  return out;
}
