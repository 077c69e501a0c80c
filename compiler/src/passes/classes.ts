// Pass: build the class tables from the prelude and the user's `class` declarations.
// Attribute types are parsed once here; defaults stay expressions, evaluated per instance.
import { diag, didYouMean, type Block } from '@pim/grammar';
import type { SourceFile } from '../api.js';
import type { AttrDef, CheckContext, ClassDef, Namespace } from '../semantics/context.js';
import { parseType } from '../semantics/types.js';

export interface ClassSource {
  file: SourceFile;
  namespace: Namespace;
  builtin: boolean;
}

export function buildClasses(ctx: CheckContext, sources: ClassSource[]): void {
  const pending: { block: Block; ns: Namespace; uri: string; builtin: boolean }[] = [];
  for (const src of sources) {
    for (const item of src.file.ast.items) {
      if (item.type === 'Block' && item.kind.name === 'class' && item.name) {
        const table = ctx.classes[src.namespace];
        const prior = table.get(item.name.name);
        if (prior) {
          const d = diag('duplicateName', src.file.path, item.name.span, item.name.name);
          d.related = [
            {
              uri: prior.uri,
              span: prior.node.name?.span ?? prior.node.span,
              message: `'${item.name.name}' is first defined here`,
            },
          ];
          ctx.report(d);
          continue;
        }
        table.set(item.name.name, {
          name: item.name.name,
          namespace: src.namespace,
          ...(item.base ? { base: item.base.name } : {}),
          attrs: new Map(),
          lineage: [item.name.name],
          ...(item.doc ? { doc: item.doc } : {}),
          uri: src.file.path,
          node: item,
          builtin: src.builtin,
        });
        pending.push({ block: item, ns: src.namespace, uri: src.file.path, builtin: src.builtin });
      }
    }
  }
  // Resolve lineages, then attributes from the root ancestor down.
  for (const { block, ns } of pending) {
    const cls = ctx.classes[ns].get(block.name!.name)!;
    const seen = [cls.name];
    let base = cls.base;
    // `extends` naming a user's class is a use of it (the prelude's classes are no symbols).
    const baseSym = !cls.builtin && base ? ctx.symbols.get(base) : undefined;
    if (baseSym?.kind === 'class' && !ctx.classes[ns].get(base!)?.builtin)
      ctx.reference(cls.uri, block.base!.span, baseSym);
    while (base) {
      const parent = ctx.classes[ns].get(base);
      if (!parent) {
        ctx.report(diag('unknownName', cls.uri, block.base!.span, base, didYouMean(base, ctx.classes[ns].keys())));
        break;
      }
      if (seen.includes(parent.name)) {
        ctx.report(diag('classCycle', cls.uri, block.base!.span, [...seen, parent.name]));
        break;
      }
      seen.push(parent.name);
      base = parent.base;
    }
    cls.lineage = seen;
  }
  for (const table of Object.values(ctx.classes)) {
    for (const cls of table.values()) {
      for (const name of [...cls.lineage].reverse()) {
        const c = table.get(name);
        if (!c) continue;
        for (const attr of ownAttributes(ctx, c)) cls.attrs.set(attr.name, attr);
      }
    }
  }
}

const attrCache = new WeakMap<Block, AttrDef[]>();

function ownAttributes(ctx: CheckContext, cls: ClassDef): AttrDef[] {
  const cached = attrCache.get(cls.node);
  if (cached && cls.builtin) return cached;
  const out: AttrDef[] = [];
  for (const m of cls.node.body ?? []) {
    if (m.type !== 'Attribute') {
      ctx.report(
        diag(
          'misplaced',
          cls.uri,
          m.span,
          m.type === 'Block' ? 'a nested block' : `a ${m.type.toLowerCase()} statement`,
          'a class (only `name: type = default` attributes)',
        ),
      );
      continue;
    }
    if (out.some((a) => a.name === m.key.name)) {
      ctx.report(diag('duplicateAttribute', cls.uri, m.key.span, m.key.name));
      continue;
    }
    const { type, required } = parseType(m.value, cls.uri, (d) => ctx.report(d));
    out.push({
      name: m.key.name,
      type,
      required,
      ...(m.default ? { default: m.default } : {}),
      uri: cls.uri,
      ...(m.doc ? { doc: m.doc } : {}),
      owner: cls.name,
      keySpan: m.key.span,
    });
  }
  if (cls.builtin) attrCache.set(cls.node, out);
  return out;
}
