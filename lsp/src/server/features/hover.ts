// Hover: doc comments; for an attribute its class, type and value in SI; for a block its count and
// rolled-up power and area; for a layer its shapes, MACs and crossbars; for a reference its target.
import { dirname, resolve } from 'node:path';
import type { Attribute, Block, Node } from '@pim/grammar';
import type { Hover, MarkupContent } from 'vscode-languageserver';
import type { Analysis } from '../analysis.js';
import type { BlockInfo, ClassInfo, PimSymbol } from '../compiler-types.js';
import { nodesAt, referenceAt } from '../locate.js';
import { area, count, shape, si } from '../quantities.js';
import { astOf, catalogueOf, type PimServices } from '../services.js';

function code(s: string): string {
  return '```pim\n' + s + '\n```';
}

export function blockSummary(info: BlockInfo): string[] {
  const lines: string[] = [];
  if (info.count !== 1 || info.total_count !== info.count)
    lines.push(`**count** ${count(info.count)} (×${count(info.total_count)} in the system)`);
  if (info.power_w !== undefined)
    lines.push(`**power** ${si(info.power_w, 'W')} per copy${info.power_source ? ` (${info.power_source})` : ''}`);
  if (info.area_m2 !== undefined)
    lines.push(`**area** ${area(info.area_m2)} per copy${info.area_source ? ` (${info.area_source})` : ''}`);
  const l = info.layer;
  if (l) {
    lines.push(`**shape** ${shape(l.input_shape)} → ${shape(l.output_shape)}`);
    lines.push(`**MACs** ${count(l.macs)} · **params** ${count(l.params)}`);
    if (l.weights) lines.push(`**weights** ${l.weights.rows} × ${l.weights.cols}`);
  }
  for (const p of info.placements ?? []) {
    const xb = p.placement.crossbar;
    const where = `${p.placement.target} (${p.placement.engine}, ${p.placement.partition})`;
    lines.push(
      xb
        ? `**${p.mapping}** on ${where}: ${count(xb.crossbars_total)} crossbars (${count(xb.crossbars)} × ${xb.replication} copies) on ${count(xb.tiles)} tiles, ${(xb.utilization * 100).toFixed(1)}% cells used`
        : `**${p.mapping}** on ${where}`,
    );
  }
  return lines;
}

function classSummary(c: ClassInfo): string[] {
  const lines = [code(`class ${c.name}`)];
  if (c.doc) lines.push(c.doc);
  if (c.attributes.length) {
    lines.push(
      c.attributes
        .map((a) => `- \`${a.name}: ${a.type}${a.default !== undefined ? ` = ${a.default}` : ''}\``)
        .join('\n'),
    );
  }
  return lines;
}

function symbolSummary(a: Analysis, sym: PimSymbol): string[] {
  const node = sym.node;
  let head = `${sym.kind} ${sym.qualifiedName}`;
  if (node.type === 'Const') {
    // A constant shows its definition as written.
    const text = a.program?.files.get(sym.file)?.text;
    if (text)
      head = `const ${sym.name}${node.valueType ? `: ${text.slice(node.valueType.span.start, node.valueType.span.end)}` : ''} = ${text.slice(node.value.span.start, node.value.span.end)}`;
  }
  const lines = [code(head)];
  if (sym.doc) lines.push(sym.doc);
  const info = sym.node.type === 'Block' ? a.program?.info.blocks.get(sym.node) : undefined;
  if (info) lines.push(blockSummary(info).join('  \n'));
  return lines;
}

function headerText(a: Analysis, b: Block): string {
  const t = a.doc.text;
  const end = b.count ? b.count.span.end + 1 : (b.base ?? b.name ?? b.kind).span.end;
  return t.slice(b.kind.span.start, Math.min(end, b.span.end)).replace(/\s+/g, ' ');
}

export function hover(s: PimServices, a: Analysis, offset: number): Hover | null {
  const path = nodesAt(astOf(a), offset);
  const innermost = path[path.length - 1];
  if (!innermost) return null;
  const parts: string[] = [];
  let span = innermost.span;

  const ref = referenceAt(a, offset);
  const cat = catalogueOf(s, a);
  // The class of a block depends on where it is written (a `maxpool` layer vs a `maxpool` component).
  const top = path[1];
  const root = top && top.type === 'Block' ? top.kind.name : undefined;
  const classOf = (b: Block): ClassInfo | undefined =>
    b === top ? cat.forBlock(b.kind.name, undefined) : cat.forBlock(b.kind.name, root);
  const owner = [...path].reverse().find((n): n is Attribute | Block => n.type === 'Attribute' || n.type === 'Block');
  const parent: Node | undefined = path[path.length - 2];

  if (ref) {
    parts.push(...symbolSummary(a, ref.target));
    span = ref.span;
  } else if (innermost.type === 'Ident' && parent?.type === 'Block' && parent.kind === innermost) {
    // A block's kind: the class and this block's figures.
    const cls = classOf(parent);
    parts.push(code(headerText(a, parent)));
    if (parent.doc) parts.push(parent.doc);
    const info = a.program?.info.blocks.get(parent);
    if (info) parts.push(blockSummary(info).join('  \n'));
    if (cls) parts.push(...classSummary(cls).slice(1, 2));
  } else if (
    owner?.type === 'Block' &&
    innermost.type === 'Ident' &&
    (owner.name === innermost || owner.base === innermost)
  ) {
    if (owner.base === innermost) {
      const cls = cat.any(innermost.name);
      if (cls) parts.push(...classSummary(cls));
    } else {
      parts.push(code(headerText(a, owner)));
      if (owner.doc) parts.push(owner.doc);
      const info = a.program?.info.blocks.get(owner);
      if (info) parts.push(blockSummary(info).join('  \n'));
    }
  } else if (owner?.type === 'Attribute') {
    const info = a.program?.info.attributes.get(owner);
    const key = owner.key.name;
    if (info) {
      parts.push(code(`${key}: ${info.type}`));
      parts.push(
        `= **${info.display}**${info.si !== undefined && !info.display.includes(String(info.si)) ? ` (${info.si} SI)` : ''} · attribute of \`${info.owner}\``,
      );
      const doc = owner.doc ?? info.doc;
      if (doc) parts.push(doc);
    } else {
      // No compilation: the class declaration still documents the attribute.
      const block = [...path].reverse().find((n): n is Block => n.type === 'Block');
      const object = [...path].reverse().find((n) => n.type === 'Object' || n.type === 'Block');
      const cls =
        object?.type === 'Object' && object.head
          ? cat.declaration(object.head.name)
          : block
            ? classOf(block)
            : undefined;
      const attr = cls?.attributes.find((x) => x.name === key);
      parts.push(code(`${key}: ${attr?.type ?? a.doc.text.slice(owner.value.span.start, owner.value.span.end)}`));
      const doc = owner.doc ?? attr?.doc;
      if (doc) parts.push(doc);
    }
    span = owner.key.span.start <= offset && offset <= owner.key.span.end ? owner.key.span : owner.value.span;
  } else if (innermost.type === 'String' && parent?.type === 'Import') {
    // An import: where it leads and what it declares.
    const target = resolve(dirname(a.doc.path), innermost.value);
    const file = a.program?.files.get(target);
    if (!file) parts.push(`\`${target}\` — not found`);
    else {
      const names = file.ast.items.flatMap((i) =>
        i.type === 'Block' && i.name
          ? [`${i.kind.name} ${i.name.name}`]
          : i.type === 'Const'
            ? [`const ${i.name.name}`]
            : [],
      );
      parts.push(`\`${target}\``, names.length ? names.map((n) => `- \`${n}\``).join('\n') : '(declares nothing)');
    }
  } else if (innermost.type === 'Ident' && parent?.type === 'Object' && parent.head === innermost) {
    const cls = cat.declaration(innermost.name);
    if (cls) parts.push(...classSummary(cls));
  } else {
    return null;
  }
  if (parts.length === 0) return null;
  const contents: MarkupContent = { kind: 'markdown', value: parts.join('\n\n') };
  return { contents, range: a.doc.range(span) };
}
